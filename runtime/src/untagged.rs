//! Reading unions without a discriminator (`oneOf`/`anyOf` with no `discriminator`), which
//! generated code calls from its `Deserialize` impls.
//!
//! serde's `#[serde(untagged)]` takes the first variant that reads without an error. A
//! struct variant ignores the members it does not know, so a value of a later, larger
//! variant is read as an earlier, smaller one and loses members (and is sent back without
//! them). Here every variant is tried and the one that keeps every member wins; when none
//! does, the one that drops the fewest (the first of those, in the spec's order).

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// One variant's attempt: the union's value and the paths of the members it dropped.
pub type Attempt<U> = Option<(U, Vec<String>)>;

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
        let Some((union, dropped)) = variant(&value) else {
            continue;
        };
        if dropped.is_empty() {
            return Ok(union);
        }
        if best
            .as_ref()
            .is_none_or(|(_, least)| dropped.len() < least.len())
        {
            best = Some((union, dropped));
        }
    }
    match best {
        Some((union, dropped)) => {
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
    Some((wrap(read), dropped))
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
}
