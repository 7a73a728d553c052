let c: types::Credential = json(r#"{"id":"c1","username":"jane","expiredTime":null,"note":null,"status":null,"_links":[]}"#);
assert_eq!((c.id.as_deref(), c.expired_time, c.note.clone(), c.status.clone()), (Some("c1"), None, Some(None), Some(None)));
// Put back: no read-only id; explicit nulls stay null; absent stays absent.
let mut back = c.clone();
back.password = Some("pw".into());
assert_eq!(to_json(&back), r#"{"username":"jane","password":"pw","expiredTime":null,"note":null,"status":null}"#);
// Every type reads and writes, whatever direction it is used in: a request-only body loads
// from a fixture (its read-only `id` is not in the type, so it is skipped) and writes back.
let token: types::PostTokenRequest = json(r#"{"password":"pw","id":"t1"}"#);
assert_eq!(to_json(&token), r#"{"password":"pw"}"#);
