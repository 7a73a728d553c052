//! (De)serialization of unions tagged by a discriminator property, shared by every generated
//! tagged enum so that each one is a `match` and nothing more.
//!
//! serde's own internally tagged enums drop the tag from the payload and turn an unknown tag
//! into a unit variant that forgets the data. These helpers keep both: the payload may have
//! the tag as a field of its own (a schema used inside and outside its union), and an
//! unknown variant keeps every member it was sent.

use serde::de::DeserializeOwned;
use serde::ser::{Error as _, SerializeMap};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::object::{Members, WriteMembers};

/// The members of a JSON object, as kept by an unknown variant.
pub type Object = Map<String, Value>;

/// Reads a tagged union's object: its tag value (when the tag member is a string) and every
/// member, the tag included.
pub fn read<'de, D: Deserializer<'de>>(
    deserializer: D,
    tag: &str,
) -> Result<(Option<String>, Object), D::Error> {
    let object = Object::deserialize(deserializer)?;
    let value = object.get(tag).and_then(Value::as_str).map(str::to_owned);
    Ok((value, object))
}

/// Decodes a variant's payload from the union's object (tag member included: a payload that
/// declares the tag reads it, others ignore it). When the object does not fit the variant's
/// type, it comes back untouched, and the union keeps it whole as its unknown variant:
/// JSON Schema only holds a value to the schema it is declared with, so a base schema's
/// value may carry a subtype's tag with only the base's members.
pub fn payload<T: DeserializeOwned>(tag: &str, object: Object) -> Result<T, Object> {
    let value = Value::Object(object);
    #[cfg(feature = "fidelity")]
    let decoded = crate::fidelity::payload(tag, &value);
    #[cfg(not(feature = "fidelity"))]
    let decoded = {
        let _ = tag;
        T::deserialize(&value)
    };
    decoded.map_err(|_| match value {
        Value::Object(object) => object,
        _ => Object::new(),
    })
}

/// Writes `payload` (a generated struct) with the tag member first, set to `value`; a
/// member of the payload's own of that name is left out (the tag is the variant's).
pub fn write<S: Serializer, T: WriteMembers>(
    serializer: S,
    tag: &str,
    value: &str,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    /// The union's map, passing on every member but the tag.
    struct WithoutTag<'a, M> {
        map: &'a mut M,
        tag: &'a str,
    }
    impl<M: SerializeMap> Members for WithoutTag<'_, M> {
        type Error = M::Error;
        fn member<V: Serialize + ?Sized>(&mut self, name: &str, value: &V) -> Result<(), M::Error> {
            if name == self.tag {
                return Ok(());
            }
            self.map.serialize_entry(name, value)
        }
    }
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry(tag, value)?;
    payload.write_members(&mut WithoutTag { map: &mut map, tag })?;
    map.end()
}

/// [`write()`] for a payload that is not a generated struct: through a JSON value.
pub fn write_value<S: Serializer, T: Serialize>(
    serializer: S,
    tag: &str,
    value: &str,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    match serde_json::to_value(payload).map_err(S::Error::custom)? {
        Value::Object(mut object) => {
            object.insert(tag.to_owned(), Value::String(value.to_owned()));
            object.serialize(serializer)
        }
        _ => Err(S::Error::custom(format!(
            "the payload of a union tagged by `{tag}` must be an object"
        ))),
    }
}

/// A generated tagged union's `Serialize` and `Deserialize` impls, from its tag member and its
/// table of `Variant "tag value" how` lines, where `how` is `write` for a payload that is a
/// generated struct (its members follow the tag) and `write_value` for any other payload (it
/// goes through a JSON value). The enum must have an `Unknown(Object)` variant: an unknown tag,
/// or members that do not fit their variant, read into it with every member kept.
///
/// ```
/// # use rebilly_runtime::tagged;
/// # use rebilly_runtime::tagged::Object;
/// #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// pub struct Card { pub last4: String }
/// #[derive(Debug, PartialEq)]
/// pub enum Method { Card(Card), Unknown(Object) }
/// tagged! {
///     Method "method" {
///         Card "payment-card" write_value,
///     }
/// }
/// let card: Method = serde_json::from_str(r#"{"method":"payment-card","last4":"4242"}"#).unwrap();
/// assert_eq!(card, Method::Card(Card { last4: "4242".into() }));
/// let later: Method = serde_json::from_str(r#"{"method":"crypto","coin":"x"}"#).unwrap();
/// let back = serde_json::to_value(&later).unwrap();
/// assert_eq!(back, serde_json::json!({"method": "crypto", "coin": "x"}));
/// ```
#[macro_export]
macro_rules! tagged {
    ($name:ident $tag:literal { $( $variant:ident $wire:literal $write:ident ),* $(,)? }) => {
        impl $crate::serde::Serialize for $name {
            fn serialize<__S: $crate::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                match self {
                    $( Self::$variant(payload) => $crate::tagged::$write(serializer, $tag, $wire, payload), )*
                    Self::Unknown(object) => $crate::serde::Serialize::serialize(object, serializer),
                }
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                let (tag, object) = $crate::tagged::read(deserializer, $tag)?;
                ::core::result::Result::Ok(match tag.as_deref() {
                    $(
                        ::core::option::Option::Some($wire) => $crate::tagged::payload($tag, object)
                            .map_or_else(Self::Unknown, Self::$variant),
                    )*
                    _ => Self::Unknown(object),
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Payload {
        name: String,
    }

    #[test]
    fn reads_the_tag_and_keeps_every_member() {
        let (tag, object) = read(json!({"kind": "a", "name": "x", "more": 1}), "kind").unwrap();
        assert_eq!(tag.as_deref(), Some("a"));
        assert_eq!(object.len(), 3);
        let p: Payload = payload("kind", object).unwrap();
        assert_eq!(p.name, "x");
        let (_, object) = read(json!({"kind": "a", "other": 1}), "kind").unwrap();
        let kept = payload::<Payload>("kind", object.clone()).unwrap_err();
        assert_eq!(kept, object, "an object that does not fit comes back whole");
    }

    #[test]
    fn a_missing_or_non_string_tag_reads_as_none() {
        assert_eq!(read(json!({"name": "x"}), "kind").unwrap().0, None);
        assert_eq!(read(json!({"kind": 3}), "kind").unwrap().0, None);
        assert!(read(json!([1]), "kind").is_err());
    }

    impl WriteMembers for Payload {
        fn write_members<W: Members>(&self, out: &mut W) -> Result<(), W::Error> {
            out.member("name", &self.name)
        }
    }

    #[test]
    fn writes_the_tag_first_and_over_the_payloads() {
        let payload = Payload { name: "x".into() };
        let written = write(serde_json::value::Serializer, "name", "tagged", &payload).unwrap();
        assert_eq!(written, json!({"name": "tagged"}));
        let text = serde_json::to_string(&Tagged(&payload)).unwrap();
        assert_eq!(text, r#"{"kind":"a","name":"x"}"#);

        let through_value =
            write_value(serde_json::value::Serializer, "name", "tagged", &payload).unwrap();
        assert_eq!(through_value, json!({"name": "tagged"}));
        let not_object = write_value(serde_json::value::Serializer, "kind", "a", &3);
        assert!(not_object.is_err());
    }

    struct Tagged<'a>(&'a Payload);
    impl Serialize for Tagged<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            write(serializer, "kind", "a", self.0)
        }
    }
}
