let rules: Vec<types::TagRule> = json(r#"[{"eventType":"customer-created","code":"c","start":1,"end":2}]"#);
assert_eq!(rules[0].event_type, types::EventType::CustomerCreated);
assert_eq!((rules[0].start, rules[0].end, rules[0].code.as_deref()), (Some(1), Some(2), Some("c")));
