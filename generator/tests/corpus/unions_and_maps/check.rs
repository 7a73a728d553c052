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
// A value the first enum does not know goes to the enum that knows it, not into the first
// one's `Unknown`; one that neither knows stays in the first.
let unit = |text: &str| json::<types::Plan>(&format!(r#"{{"period":"month","unit":"{text}"}}"#));
let types::Plan::PlanSubscription(s) = unit("days") else { panic!() };
assert!(matches!(s.unit, Some(types::PlanSubscriptionUnit::TimePluralUnit(types::TimePluralUnit::Days))), "{:?}", s.unit);
let types::Plan::PlanSubscription(s) = unit("day") else { panic!() };
assert!(matches!(s.unit, Some(types::PlanSubscriptionUnit::TimeUnit(types::TimeUnit::Day))), "{:?}", s.unit);
let types::Plan::PlanSubscription(s) = unit("weeks") else { panic!() };
assert!(matches!(&s.unit, Some(types::PlanSubscriptionUnit::TimeUnit(types::TimeUnit::Unknown(w))) if w == "weeks"), "{:?}", s.unit);
// A union whose members carry their own tag is read by the tag: an integer under `f64` is
// an `F64` (first-fit would take `I64`), an unknown tag is kept whole, and the tag is
// written back.
let sample = |text: &str| json::<types::Datum>(text);
assert!(matches!(sample(r#"{"type":"f64","datum":5}"#), types::Datum::F64(d) if d.datum == 5.0));
assert!(matches!(sample(r#"{"type":"i64","datum":5}"#), types::Datum::I64(d) if d.datum == 5));
let unknown = sample(r#"{"type":"bool","datum":true}"#);
assert!(matches!(&unknown, types::Datum::Unknown(_)), "{unknown:?}");
assert_eq!(json::<rebilly_runtime::serde_json::Value>(&to_json(&unknown)), json::<rebilly_runtime::serde_json::Value>(r#"{"type":"bool","datum":true}"#));
let written = to_json(&types::Datum::F64(types::DatumF64::new(2.5)));
assert_eq!(json::<rebilly_runtime::serde_json::Value>(&written), json::<rebilly_runtime::serde_json::Value>(r#"{"type":"f64","datum":2.5}"#));
