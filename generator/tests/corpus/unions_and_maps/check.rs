let plan: types::Plan = json(r#"{"period":"month","value":3,"metadata":{"a":"b"},"parent":{"period":"year"}}"#);
let types::Plan::PlanSubscription(s) = &plan else { panic!("{plan:?}") };
assert!(matches!(s.value, Some(types::PlanSubscriptionValue::Integer(3))), "{:?}", s.value);
assert_eq!(s.parent.as_ref().map(|p| p.period.as_str()), Some("year"));
