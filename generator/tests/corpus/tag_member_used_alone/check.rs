let settings: types::GetSettingsResponse = json(r#"{"any":{"method":"auto"},"interval":{"method":"date-interval","duration":3}}"#);
assert!(matches!(settings.any, Some(types::SchedulingMethod::Auto(_))));
assert_eq!(settings.interval.unwrap().method, types::DateIntervalMethod::DateInterval);
