//! What generated structs' `Serialize` and `Deserialize` impls are written with.
//!
//! The generator writes those impls itself instead of deriving them: serde's derive also
//! supports formats and shapes these types never meet (a struct read from a sequence,
//! members named by index or by bytes, a duplicate-member check, buffering for `flatten`),
//! and that code is most of what the compiler spends on a generated SDK. A generated impl
//! reads an object member by member, matching each name once, and writes the members it
//! has, so that it costs a fraction of the derived one to compile, and no more to run.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

pub use serde::de::{Error, IgnoredAny, MapAccess, Visitor};
pub use serde::ser::SerializeMap;
pub use serde::{Deserializer, Serializer};

/// A member name, borrowed from the input when the input allows it.
#[derive(Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl Deref for Key<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl<'de> Visitor<'de> for Name {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

/// The value of a required member, or the error serde gives for a missing field.
pub fn required<T, E: Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// Reads and drops the value of a member the type does not have.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// Where a struct writes its members: a serializer's map, or a tagged union's map that
/// already holds the tag (see [`crate::tagged::write`]).
pub trait Members {
    /// The error of the underlying serializer.
    type Error;
    /// Writes the member `name`.
    fn member<V: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &V,
    ) -> Result<(), Self::Error>;
}

impl<M: SerializeMap> Members for M {
    type Error = M::Error;
    fn member<V: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &V,
    ) -> Result<(), M::Error> {
        self.serialize_entry(name, value)
    }
}

/// A generated struct's members, written one by one (its `Serialize` writes them into a map).
pub trait WriteMembers {
    /// Writes every member the struct sends.
    fn write_members<W: Members>(&self, out: &mut W) -> Result<(), W::Error>;
}

/// A generated struct's `Serialize`: a map of its members.
pub fn write<S: Serializer, T: WriteMembers + ?Sized>(
    serializer: S,
    value: &T,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    value.write_members(&mut map)?;
    map.end()
}

/// What a struct's `Visitor` says it expects.
pub fn expecting(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "a `{name}` object")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    /// What the generator writes for a struct with a required member, an optional one, a
    /// nullable optional one and extra members.
    #[derive(Debug, PartialEq, Default)]
    struct Sample {
        id: String,
        name: Option<String>,
        note: Option<Option<String>>,
        extra: std::collections::BTreeMap<String, serde_json::Value>,
    }

    impl<'de> Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Sample;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    expecting(f, "Sample")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sample, A::Error> {
                    let (mut id, mut name, mut note) = (None, None, None);
                    let mut extra = std::collections::BTreeMap::new();
                    while let Some(key) = map.next_key::<Key>()? {
                        match &*key {
                            "id" => id = Some(map.next_value()?),
                            "name" => name = map.next_value()?,
                            "note" => note = Some(map.next_value()?),
                            _ => {
                                extra.insert(key.into_string(), map.next_value()?);
                            }
                        }
                    }
                    Ok(Sample {
                        id: required(id, "id")?,
                        name,
                        note,
                        extra,
                    })
                }
            }
            deserializer.deserialize_map(V)
        }
    }

    impl WriteMembers for Sample {
        fn write_members<W: Members>(&self, out: &mut W) -> Result<(), W::Error> {
            out.member("id", &self.id)?;
            if let Some(v) = &self.name {
                out.member("name", v)?;
            }
            if let Some(v) = &self.note {
                out.member("note", v)?;
            }
            for (k, v) in &self.extra {
                out.member(k, v)?;
            }
            Ok(())
        }
    }

    impl Serialize for Sample {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            write(serializer, self)
        }
    }

    #[test]
    fn reads_members_by_name_and_keeps_absent_null_and_extra_apart() {
        let s: Sample =
            serde_json::from_str(r#"{"id":"a","note":null,"more":1,"name":"n"}"#).unwrap();
        assert_eq!(s.id, "a");
        assert_eq!(s.name.as_deref(), Some("n"));
        assert_eq!(s.note, Some(None));
        assert_eq!(s.extra["more"], 1);
        let back = serde_json::to_string(&s).unwrap();
        assert_eq!(back, r#"{"id":"a","name":"n","note":null,"more":1}"#);

        let absent: Sample = serde_json::from_str(r#"{"id":"a"}"#).unwrap();
        assert_eq!(absent.note, None);
        assert_eq!(serde_json::to_string(&absent).unwrap(), r#"{"id":"a"}"#);
    }

    #[test]
    fn a_missing_member_or_a_wrong_shape_is_serdes_error() {
        let missing = serde_json::from_str::<Sample>(r#"{"name":"n"}"#).unwrap_err();
        assert!(
            missing.to_string().starts_with("missing field `id`"),
            "{missing}"
        );
        let wrong = serde_json::from_str::<Sample>("[1]").unwrap_err();
        assert!(wrong.to_string().contains("a `Sample` object"), "{wrong}");
        // Keys that must be copied (escaped in the input) still match.
        let escaped: Sample = serde_json::from_str(r#"{"\u0069d":"a"}"#).unwrap();
        assert_eq!(escaped.id, "a");
        // A repeated member keeps its last value, as `serde_json::Value` does.
        let repeated: Sample = serde_json::from_str(r#"{"id":"a","id":"b"}"#).unwrap();
        assert_eq!(repeated.id, "b");
        // From a `Value` (what tagged unions decode their payloads from).
        let value = serde_json::json!({"id": "v", "x": [1]});
        let from_value = Sample::deserialize(&value).unwrap();
        assert_eq!((from_value.id.as_str(), from_value.extra.len()), ("v", 1));
    }
}
