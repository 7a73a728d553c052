// Every schema is a type, though nothing refers to `Package` from a call.
let body = r#"{"name":"app","docker":{"tag":["v1"],"tags":{"latest":"v1"}}}"#;
let package: types::Package = json(body);
let docker = package.docker.as_ref().unwrap();
assert_eq!(docker.tag.as_deref(), Some(&["v1".to_string()][..]));
// The required member no property declares, kept as raw JSON and written back.
assert_eq!(docker.tags.as_ref().unwrap()["latest"], "v1");
assert_eq!(to_json(&package), body);
