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

    /// Writes the member `name` when it is `Some`.
    fn member_some<V: serde::Serialize>(
        &mut self,
        name: &str,
        value: &Option<V>,
    ) -> Result<(), Self::Error> {
        match value {
            Some(value) => self.member(name, value),
            None => Ok(()),
        }
    }
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

std::thread_local! {
    static WRITES_READ_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (a serialization) with the read-only members of generated structs written too.
///
/// A struct sends what a request may carry, so its `Serialize` leaves out the members the
/// server sets. A webhook event is the server's own data: written for a queue or a test, it
/// must keep them, so a generated event serializes its payload through this. Serialization
/// is synchronous, so a flag of the thread, set for the duration of `f` (and reset even if
/// `f` panics), reaches every nested struct.
pub fn with_read_only<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WRITES_READ_ONLY.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(WRITES_READ_ONLY.with(|flag| flag.replace(true)));
    f()
}

/// Whether read-only members are written (inside [`with_read_only`]).
#[doc(hidden)]
pub fn writes_read_only() -> bool {
    WRITES_READ_ONLY.with(std::cell::Cell::get)
}

/// What a struct's `Visitor` says it expects.
pub fn expecting(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    write!(f, "a `{name}` object")
}

/// A generated struct's members, read one by one from a map (its `Deserialize` reads them
/// through [`read`]).
pub trait ReadMembers: Sized {
    /// The type's name, for errors.
    const NAME: &'static str;
    /// Reads the struct from the members of a map.
    fn read_members<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// A generated struct's `Deserialize`: a map, read by the struct's [`ReadMembers`]. One
/// visitor for every struct, so that each does not compile one of its own.
pub fn read<'de, D: Deserializer<'de>, T: ReadMembers>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(MembersVisitor(std::marker::PhantomData))
}

struct MembersVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: ReadMembers> Visitor<'de> for MembersVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        expecting(f, T::NAME)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read_members(map)
    }
}

/// A generated struct's constructor and its `Deserialize`, `Serialize` and [`WriteMembers`]
/// impls, from its member table: one line per field, `field "wireName" presence`, then
/// `read_only` for a member the server sets (read, never written) and `new` for an argument of
/// the constructor, in that order; `..extra` last when the struct keeps the members its schema does not
/// describe in a map of that name. Then the constructor: its documentation, its parameters
/// (one per field marked `new`, of the same name) and the statements that convert them
/// into the fields' types; every other field starts `None`, and `extra` empty. Without a
/// constructor, `new()` sets every field so.
///
/// The presence says how a member is read and written:
///
/// | presence | field type | absent | `null` | written |
/// | --- | --- | --- | --- | --- |
/// | `required` | `T` | an error | as `T` reads it | always |
/// | `required_nullable` | `Option<T>` | `None` | `None` | always |
/// | `optional` | `Option<T>` | `None` | `None` | when `Some` |
/// | `optional_nullable` | `Option<Option<T>>` | `None` | `Some(None)` | when `Some` |
///
/// Reading takes each member by name, once (a repeated member keeps its last value), and
/// skips or keeps (`extra`) the others; writing writes the members in table order, then
/// `extra`. The generator writes the table rather than the impls, so that a generated SDK
/// reads as its types and not as their serde code; the expansion is what the generator
/// used to write, so it costs the compiler no more.
///
/// ```
/// # use rebilly_runtime::object;
/// #[derive(Debug, PartialEq)]
/// pub struct Note {
///     pub id: Option<String>,
///     pub text: Option<Option<String>>,
///     pub extra: std::collections::BTreeMap<String, serde_json::Value>,
/// }
/// object! {
///     Note {
///         id "id" optional read_only,
///         text "text" optional_nullable new,
///         ..extra
///     }
///     /// Creates a note with a text.
///     new(text: Option<String>) {
///         let text = Some(text);
///     }
/// }
/// let note = Note::new(Some("hello".to_string()));
/// assert_eq!(serde_json::to_string(&note).unwrap(), r#"{"text":"hello"}"#);
/// let note: Note = serde_json::from_str(r#"{"id":"n1","text":null,"pin":true}"#).unwrap();
/// assert_eq!(note.text, Some(None));
/// assert_eq!(serde_json::to_string(&note).unwrap(), r#"{"text":null,"pin":true}"#);
/// ```
#[macro_export]
macro_rules! object {
    // No constructor: `new()` with every field unset.
    (
        $name:ident {
            $( $field:ident $wire:literal $presence:ident $($marker:ident)* ),* $(,)?
            $( ..$extra:ident )?
        }
    ) => {
        $crate::object! {
            $name {
                $( $field $wire $presence $($marker)*, )*
                $( ..$extra )?
            }
            #[doc = ::core::concat!("Creates `", ::core::stringify!($name), "` with every field unset.")]
            new() {}
        }
    };
    (
        $name:ident {
            $( $field:ident $wire:literal $presence:ident $($marker:ident)* ),* $(,)?
            $( ..$extra:ident )?
        }
        $(#[$doc:meta])*
        new($( $param:ident: $type:ty ),* $(,)?) { $($convert:tt)* }
    ) => {
        impl $name {
            $(#[$doc])*
            pub fn new($( $param: $type ),*) -> Self {
                $($convert)*
                Self {
                    $( $field: $crate::__object_init!([$($marker)*] $field), )*
                    $( $extra: ::std::collections::BTreeMap::new(), )?
                }
            }
        }
        impl $crate::object::ReadMembers for $name {
            const NAME: &'static str = ::core::stringify!($name);
            fn read_members<'de, __A: $crate::serde::de::MapAccess<'de>>(
                mut __map: __A,
            ) -> ::core::result::Result<Self, __A::Error> {
                $( let mut $field = ::core::option::Option::None; )*
                $( let mut $extra = ::std::collections::BTreeMap::new(); )?
                while let ::core::option::Option::Some(__key) =
                    __map.next_key::<$crate::object::Key>()?
                {
                    match &*__key {
                        $( $wire => $crate::__object_read!($presence $field __map), )*
                        _ => $crate::__object_unknown!(__map __key $($extra)?),
                    }
                }
                ::core::result::Result::Ok($name {
                    $( $field: $crate::__object_finish!($presence $field $wire), )*
                    $( $extra, )?
                })
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                $crate::object::read(deserializer)
            }
        }
        impl $crate::object::WriteMembers for $name {
            #[allow(unused_variables)]
            fn write_members<__W: $crate::object::Members>(
                &self,
                __out: &mut __W,
            ) -> ::core::result::Result<(), __W::Error> {
                $( $crate::__object_write!([$($marker)*] $presence (self.$field) $wire __out); )*
                $(
                    for (key, value) in &self.$extra {
                        __out.member(key, value)?;
                    }
                )?
                ::core::result::Result::Ok(())
            }
        }
        impl $crate::serde::Serialize for $name {
            fn serialize<__S: $crate::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                $crate::object::write(serializer, self)
            }
        }
    };
}

/// `object!`'s steps, one macro each (so that a call is matched against its own rules only).
#[doc(hidden)]
#[macro_export]
macro_rules! __object_read {
    (required $slot:ident $map:ident) => {
        $slot = ::core::option::Option::Some($map.next_value()?)
    };
    (optional_nullable $slot:ident $map:ident) => {
        $slot = ::core::option::Option::Some($map.next_value()?)
    };
    ($presence:ident $slot:ident $map:ident) => {
        $slot = $map.next_value()?
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __object_unknown {
    ($map:ident $key:ident $extra:ident) => {{
        $extra.insert($key.into_string(), $map.next_value()?);
    }};
    ($map:ident $key:ident) => {
        $crate::object::skip(&mut $map)?
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __object_finish {
    (required $slot:ident $wire:literal) => {
        $crate::object::required($slot, $wire)?
    };
    ($presence:ident $slot:ident $wire:literal) => {
        $slot
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __object_init {
    ([new] $field:ident) => {
        $field
    };
    ([read_only new] $field:ident) => {
        $field
    };
    ([$($read_only:ident)?] $field:ident) => {
        ::core::option::Option::None
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __object_write {
    // A read-only member is written only inside `object::with_read_only` (a webhook event).
    ([read_only $($new:ident)?] $presence:ident $value:tt $wire:literal $out:ident) => {
        if $crate::object::writes_read_only() {
            $crate::__object_write!([] $presence $value $wire $out);
        }
    };
    ([$($new:ident)?] required $value:tt $wire:literal $out:ident) => {
        $out.member($wire, &$value)?;
    };
    ([$($new:ident)?] required_nullable $value:tt $wire:literal $out:ident) => {
        $out.member($wire, &$value)?;
    };
    ([$($new:ident)?] $presence:ident $value:tt $wire:literal $out:ident) => {
        $out.member_some($wire, &$value)?;
    };
}

/// A generated string enum's impls, from its table of `Variant "wire value"` lines: `as_str`,
/// `From<&str>`, `Display`, `Serialize` and `Deserialize`. The enum must have an
/// `Unknown(String)` variant: a value the table does not list reads into it, and writes back
/// as it came.
///
/// ```
/// # use rebilly_runtime::string_enum;
/// #[derive(Debug, PartialEq)]
/// pub enum Mode { Password, Passwordless, Unknown(String) }
/// string_enum! {
///     Mode {
///         Password "password",
///         Passwordless "passwordless",
///     }
/// }
/// assert_eq!(Mode::from("password"), Mode::Password);
/// let later: Mode = serde_json::from_str(r#""sso""#).unwrap();
/// assert_eq!(later.as_str(), "sso");
/// ```
#[macro_export]
macro_rules! string_enum {
    ($name:ident { $( $variant:ident $wire:literal ),* $(,)? }) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(other) => other,
                }
            }
        }
        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(::std::string::ToString::to_string(other)),
                }
            }
        }
        impl $crate::untagged::Known for $name {
            fn is_known(&self) -> bool {
                !::core::matches!(self, Self::Unknown(_))
            }
        }
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::serde::Serialize for $name {
            fn serialize<__S: $crate::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                let value = <::std::borrow::Cow<'de, str> as $crate::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                ::core::result::Result::Ok(<Self as ::core::convert::From<&str>>::from(&value))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    /// What the generator writes for a struct with a required member, an optional one, a
    /// nullable optional one and extra members.
    #[derive(Debug, PartialEq, Default)]
    struct Sample {
        id: String,
        name: Option<String>,
        note: Option<Option<String>>,
        extra: std::collections::BTreeMap<String, serde_json::Value>,
    }

    crate::object! {
        Sample {
            id "id" required new,
            name "name" optional,
            note "note" optional_nullable,
            ..extra
        }
        new(id: impl Into<String>) {
            let id = id.into();
        }
    }

    /// Names the expansion uses for itself (a visitor, generic parameters, locals) are
    /// names a spec may give to a type or a member.
    #[derive(Debug, PartialEq)]
    struct A {
        __map: Option<i64>,
        value: Option<Option<i64>>,
        deserializer: String,
        key: Option<String>,
        token: Option<String>,
        id: i64,
    }

    crate::object! {
        A {
            __map "map" required_nullable,
            value "value" optional_nullable,
            deserializer "d" required new,
            key "key" optional,
            token "token" optional read_only,
            id "id" required read_only new,
        }
        new(deserializer: String, id: i64) {}
    }

    #[derive(Debug, PartialEq)]
    struct Members {}

    crate::object! { Members {} }

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
        assert_eq!(absent, Sample::new("a"));
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

    #[test]
    fn read_only_members_are_read_never_written_and_required_nullable_always_are() {
        let a: A =
            serde_json::from_str(r#"{"d":"x","key":"k","other":[1],"token":"t","id":7}"#).unwrap();
        // A read-only member the schema requires is still an argument of `new`.
        let mut expected = A::new("x".to_string(), 7);
        expected.key = Some("k".to_string());
        expected.token = Some("t".to_string());
        assert_eq!(a, expected);
        let written = serde_json::to_string(&a).unwrap();
        assert_eq!(written, r#"{"map":null,"d":"x","key":"k"}"#);
        let missing = serde_json::from_str::<A>(r#"{"map":1}"#).unwrap_err();
        assert!(
            missing.to_string().starts_with("missing field `d`"),
            "{missing}"
        );
        // Inside `with_read_only` (a webhook event) they are written too, in table order,
        // and outside it again they are not.
        let everything = super::with_read_only(|| serde_json::to_string(&a).unwrap());
        assert_eq!(
            everything,
            r#"{"map":null,"d":"x","key":"k","token":"t","id":7}"#
        );
        assert_eq!(serde_json::to_string(&a).unwrap(), written);
        let empty: Members = serde_json::from_str(r#"{"any":{"thing":1}}"#).unwrap();
        assert_eq!(empty, Members::new());
        assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
        let wrong = serde_json::from_str::<Members>("3").unwrap_err();
        assert!(wrong.to_string().contains("a `Members` object"), "{wrong}");
    }
}
