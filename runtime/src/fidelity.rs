//! Decoding that reports what a type drops: every member of a JSON object the type does not
//! hold. The generator's fidelity test uses it to show that the generated types keep all the
//! data the API sends; it is not needed to use an SDK (cargo feature `fidelity`).

use std::cell::RefCell;

use serde::de::DeserializeOwned;

thread_local! {
    /// Members dropped inside tagged unions' payloads during [`decode`] on this thread.
    static NESTED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Decodes `body` as `T`, returning the value and the paths of the members it dropped
/// (inside a tagged union's payload, prefixed with `<payload>`).
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<(T, Vec<String>), serde_json::Error> {
    NESTED.with(|n| *n.borrow_mut() = Some(Vec::new()));
    let mut dropped = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let result =
        serde_ignored::deserialize(&mut deserializer, |path| dropped.push(path.to_string()))
            .and_then(|value| deserializer.end().map(|()| value));
    let nested = NESTED.with(|n| n.borrow_mut().take()).unwrap_or_default();
    dropped.extend(nested);
    result.map(|value| (value, dropped))
}

/// Notes members dropped inside a union (a variant that could not keep them all) when
/// [`decode`] is running.
pub(crate) fn note(dropped: impl Iterator<Item = String>) {
    NESTED.with(|n| {
        if let Some(list) = n.borrow_mut().as_mut() {
            list.extend(dropped);
        }
    });
}

/// Decodes a tagged union's payload, noting dropped members when [`decode`] is running
/// (not the union's `tag`, which the union itself holds), and noting a payload that does not
/// fit its variant (the union keeps it whole) as `!kept whole: ...`.
pub(crate) fn payload<T: DeserializeOwned>(
    tag: &str,
    value: &serde_json::Value,
) -> Result<T, serde_json::Error> {
    let collecting = NESTED.with(|n| n.borrow().is_some());
    if !collecting {
        return T::deserialize(value);
    }
    let mut dropped = Vec::new();
    let result = serde_ignored::deserialize(value, |path| {
        let path = path.to_string();
        if path != tag {
            dropped.push(format!("<payload>.{path}"));
        }
    });
    if let Err(e) = &result {
        let variant = value.get(tag).and_then(|v| v.as_str()).unwrap_or_default();
        dropped = vec![format!(
            "!kept whole: `{tag}: {variant}` does not fit its variant ({e})"
        )];
    }
    NESTED.with(|n| {
        if let Some(list) = n.borrow_mut().as_mut() {
            list.extend(dropped);
        }
    });
    result
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    /// Written as the generator writes structs (see `crate::object`): a member it does not
    /// have is skipped with `IgnoredAny`, which is what `serde_ignored` notices.
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Inner {
        kept: i32,
    }

    impl<'de> Deserialize<'de> for Inner {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            use crate::object as obj;
            struct Members;
            impl<'de> obj::Visitor<'de> for Members {
                type Value = Inner;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    obj::expecting(f, "Inner")
                }
                fn visit_map<A: obj::MapAccess<'de>>(self, mut map: A) -> Result<Inner, A::Error> {
                    let mut kept = None;
                    while let Some(key) = map.next_key::<obj::Key>()? {
                        match &*key {
                            "kept" => kept = Some(map.next_value()?),
                            _ => obj::skip(&mut map)?,
                        }
                    }
                    Ok(Inner {
                        kept: obj::required(kept, "kept")?,
                    })
                }
            }
            d.deserialize_map(Members)
        }
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    enum Union {
        A(Inner),
        Unknown(crate::tagged::Object),
    }

    impl<'de> Deserialize<'de> for Union {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let (tag, object) = crate::tagged::read(d, "kind")?;
            match tag.as_deref() {
                Some("a") => Ok(
                    crate::tagged::payload("kind", object).map_or_else(Union::Unknown, Union::A)
                ),
                _ => Ok(Union::Unknown(object)),
            }
        }
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
        union: Union,
    }

    #[test]
    fn lists_dropped_members_at_every_depth() {
        let body =
            br#"{"inner":{"kept":1,"lost":2},"union":{"kind":"a","kept":3,"gone":4},"top":5}"#;
        let (_, mut dropped) = super::decode::<Outer>(body).unwrap();
        dropped.sort();
        assert_eq!(dropped, ["<payload>.gone", "inner.lost", "top"]);
        let (_, none) =
            super::decode::<Outer>(br#"{"inner":{"kept":1},"union":{"kind":"b","x":1}}"#).unwrap();
        assert!(none.is_empty(), "{none:?}");
    }
}
