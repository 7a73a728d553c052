//! Reading unions without a discriminator (`oneOf`/`anyOf` with no `discriminator`), which
//! generated code calls from its `Deserialize` impls.
//!
//! serde's `#[serde(untagged)]` takes the first variant that reads without an error. A
//! struct variant ignores the members it does not know, so a value of a later, larger
//! variant is read as an earlier, smaller one and loses members (and is sent back without
//! them). Here every variant is tried and the one that keeps every member wins; when none
//! does, the one that drops the fewest (the first of those, in the spec's order).
//!
//! A string enum reads every string: a value it does not know goes into its `Unknown`
//! variant. That keeps the value, but it is a weaker fit than a later variant that knows the
//! value (`oneOf: [TimeUnit, TimePluralUnit]` given `"seconds"`), so such a variant wins.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// One variant's reading of a value.
pub struct Fit<U> {
    union: U,
    /// The paths of the members the variant dropped.
    dropped: Vec<String>,
    /// The value went into a string enum's `Unknown` variant.
    unknown: bool,
}

impl<U> Fit<U> {
    /// Nothing dropped and nothing unknown: no later variant can do better.
    fn is_exact(&self) -> bool {
        self.dropped.is_empty() && !self.unknown
    }

    /// What makes a fit worse: dropped members first, then an unknown enum value.
    fn cost(&self) -> (usize, bool) {
        (self.dropped.len(), self.unknown)
    }
}

/// One variant's attempt: `None` when the value does not read as the variant at all.
pub type Attempt<U> = Option<Fit<U>>;

/// A string enum, which reads every string and says whether it knew it. The runtime's
/// `string_enum!` implements it.
pub trait Known {
    /// The value is one of the enum's known values, not its `Unknown` catch-all.
    fn is_known(&self) -> bool;
}

/// Reads the union `name` from `deserializer` by trying every variant of `variants` on the
/// value.
pub fn read<'de, D, U>(
    deserializer: D,
    name: &'static str,
    variants: &[fn(&Value) -> Attempt<U>],
) -> Result<U, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    let mut best: Attempt<U> = None;
    for variant in variants {
        let Some(fit) = variant(&value) else {
            continue;
        };
        if fit.is_exact() {
            return Ok(fit.union);
        }
        if best.as_ref().is_none_or(|b| fit.cost() < b.cost()) {
            best = Some(fit);
        }
    }
    match best {
        Some(Fit { union, dropped, .. }) => {
            #[cfg(feature = "fidelity")]
            crate::fidelity::note(dropped.into_iter().map(|d| format!("<{name}>.{d}")));
            #[cfg(not(feature = "fidelity"))]
            let _ = dropped;
            Ok(union)
        }
        None => Err(D::Error::custom(format!(
            "the value fits no variant of {name}"
        ))),
    }
}

/// Tries variant `T` of a union on `value`, made into the union by `wrap`.
pub fn attempt<T: DeserializeOwned, U>(value: &Value, wrap: fn(T) -> U) -> Attempt<U> {
    let mut dropped = Vec::new();
    let read = serde_ignored::deserialize(value, |path| dropped.push(path.to_string())).ok()?;
    Some(Fit {
        union: wrap(read),
        dropped,
        unknown: false,
    })
}

/// Tries the string enum variant `T` of a union on `value`: a value the enum does not know
/// fits less well than one a later variant knows.
pub fn attempt_known<T: DeserializeOwned + Known, U>(
    value: &Value,
    wrap: fn(T) -> U,
) -> Attempt<U> {
    let read = T::deserialize(value).ok()?;
    Some(Fit {
        unknown: !read.is_known(),
        union: wrap(read),
        dropped: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Small {
        id: String,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Large {
        id: String,
        week: u8,
    }

    #[derive(Debug, PartialEq)]
    enum Union {
        Small(Small),
        Large(Large),
        Number(i64),
    }

    fn read_union(value: Value) -> Result<Union, serde_json::Error> {
        read(
            value,
            "Union",
            &[
                |v| attempt(v, Union::Small),
                |v| attempt(v, Union::Large),
                |v| attempt(v, Union::Number),
            ],
        )
    }

    #[test]
    fn the_variant_that_keeps_every_member_wins() {
        let large = read_union(json!({"id": "a", "week": 2})).unwrap();
        assert_eq!(
            large,
            Union::Large(Large {
                id: "a".into(),
                week: 2
            })
        );
        let small = read_union(json!({"id": "a"})).unwrap();
        assert_eq!(small, Union::Small(Small { id: "a".into() }));
        assert_eq!(read_union(json!(7)).unwrap(), Union::Number(7));
    }

    #[test]
    fn else_the_one_that_drops_the_fewest_and_none_is_an_error() {
        let some = read_union(json!({"id": "a", "week": 2, "extra": true})).unwrap();
        assert_eq!(
            some,
            Union::Large(Large {
                id: "a".into(),
                week: 2
            })
        );
        let e = read_union(json!("text")).unwrap_err();
        assert_eq!(e.to_string(), "the value fits no variant of Union");
    }

    #[derive(Debug, PartialEq)]
    enum Unit {
        Day,
        Unknown(String),
    }

    crate::string_enum! {
        Unit {
            Day "day",
        }
    }

    #[derive(Debug, PartialEq)]
    enum Units {
        Unit(Unit),
        Text(String),
    }

    fn read_units(value: Value) -> Result<Units, serde_json::Error> {
        read(
            value,
            "Units",
            &[
                |v| attempt_known(v, Units::Unit),
                |v| attempt(v, Units::Text),
            ],
        )
    }

    #[test]
    fn a_later_variant_that_knows_a_string_beats_an_enum_that_does_not() {
        assert_eq!(read_units(json!("day")).unwrap(), Units::Unit(Unit::Day));
        assert_eq!(
            read_units(json!("days")).unwrap(),
            Units::Text("days".into())
        );
    }

    #[test]
    fn an_unknown_value_no_other_variant_reads_stays_in_the_enum() {
        let only_enum: Result<Units, _> =
            read(json!("days"), "Units", &[|v| attempt_known(v, Units::Unit)]);
        assert_eq!(
            only_enum.unwrap(),
            Units::Unit(Unit::Unknown("days".into()))
        );
    }
}
