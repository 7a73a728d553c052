//! Rust names from spec names: case conversion, keywords, and collisions.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Names the generated code uses unqualified (the std prelude, serde's derives): no
/// generated type or builder may take them, or it would shadow them.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Into",
    "From",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Serialize",
    "Deserialize",
    "Send",
    "Sync",
    "Sized",
    "Iterator",
    "IntoIterator",
    "ToString",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Copy",
];

/// Names imported from the runtime into every resource module: no builder may take them.
pub const RUNTIME_NAMES: &[&str] = &[
    "BoxFuture",
    "Client",
    "Credentials",
    "Error",
    "Method",
    "Page",
    "Request",
    "RequestOptions",
    "Response",
    "Scheme",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Keeps letters, digits and separators, so that case conversion sees word boundaries.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A type or variant name: `customer-JWT` → `CustomerJwt`; never empty, never starting with a digit.
pub fn type_name(s: &str) -> String {
    let mut name = clean(s).to_upper_camel_case();
    if name.is_empty() {
        name = "Value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A field, method or parameter name: `_links` → `links`, `type` → `r#type`.
pub fn value_name(s: &str) -> String {
    let mut name = clean(s).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "n_");
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    } else if KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// Returns `name`, or `name2`, `name3`, … whichever is not yet in `taken`, and records it.
pub fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    let (base, raw) = match name.strip_prefix("r#") {
        Some(b) => (b.to_string(), true),
        None => (name.clone(), false),
    };
    let sep = if base.contains('_') || base.chars().all(|c| c.is_lowercase()) {
        "_"
    } else {
        ""
    };
    (2..)
        .map(|i| {
            let candidate = format!("{base}{sep}{i}");
            if raw && KEYWORDS.contains(&candidate.as_str()) {
                format!("r#{candidate}")
            } else {
                candidate
            }
        })
        .find(|c| taken.insert(c.clone()))
        .expect("an unused name exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_cases_and_keywords() {
        assert_eq!(type_name("CustomerJWT"), "CustomerJwt");
        assert_eq!(type_name("customer-auth token"), "CustomerAuthToken");
        assert_eq!(type_name("3ds"), "V3ds");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(value_name("_links"), "links");
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("expiredTime"), "expired_time");
        assert_eq!(value_name("2fa"), "n_2fa");
    }

    #[test]
    fn unique_appends_numbers() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique("foo_bar".into(), &mut taken), "foo_bar");
        assert_eq!(unique("foo_bar".into(), &mut taken), "foo_bar_2");
        assert_eq!(unique("Item".into(), &mut taken), "Item");
        assert_eq!(unique("Item".into(), &mut taken), "Item2");
    }
}
