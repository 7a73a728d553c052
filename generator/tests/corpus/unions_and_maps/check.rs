let plan: types::Plan = json(r#"{"period":"month","value":3,"metadata":{"a":"b"},"parent":{"period":"year"}}"#);
let types::Plan::PlanSubscription(s) = &plan else { panic!("{plan:?}") };
assert!(matches!(s.value, Some(types::PlanSubscriptionValue::Integer(3))), "{:?}", s.value);
assert_eq!(s.parent.as_ref().map(|p| p.period.as_str()), Some("year"));
// Without a discriminator, the variant that keeps the most members wins (serde's untagged
// would take the first that reads, the one-time sale, and drop `period` and `trialDays`).
let both: types::Plan = json(r#"{"price":5,"period":"month","trialDays":7}"#);
let types::Plan::PlanSubscription(s) = &both else { panic!("{both:?}") };
assert_eq!((s.period.as_str(), s.trial_days), ("month", Some(7)));
let sale: types::Plan = json(r#"{"price":5}"#);
assert!(matches!(sale, types::Plan::PlanOneTimeSale(_)), "{sale:?}");
