// A Stripe account keeps its own members; an unknown kind keeps every member.
let stripe: types::GatewayAccount = json(r#"{"gatewayName":"Stripe","id":"ga_1","credentials":{},"settings":{"statementDescriptor":"ACME"}}"#);
let types::GatewayAccount::Stripe(s) = &stripe else { panic!("{stripe:?}") };
assert_eq!(s.settings.as_ref().and_then(|x| x.statement_descriptor.as_deref()), Some("ACME"));
let unknown: types::GatewayAccount = json(r#"{"gatewayName":"NewGateway","id":"ga_2","extra":1}"#);
let types::GatewayAccount::Unknown(members) = &unknown else { panic!("{unknown:?}") };
assert_eq!(members.len(), 3);
// Sent back: the tag is written, read-only `id` is not; the unknown one goes back as it came.
assert_eq!(to_json(&stripe), r#"{"gatewayName":"Stripe","credentials":{},"settings":{"statementDescriptor":"ACME"}}"#);
assert_eq!(to_json(&unknown), r#"{"extra":1,"gatewayName":"NewGateway","id":"ga_2"}"#);
let plain: types::GatewayAccount = json(r#"{"gatewayName":"Plain","description":"d"}"#);
assert!(matches!(plain, types::GatewayAccount::Plain(_)));
