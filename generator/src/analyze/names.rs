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

/// Names imported into every resource module (from the runtime, and the module root's `Call`):
/// no operation's type may take them.
pub const RUNTIME_NAMES: &[&str] = &[
    "AsBinary",
    "AsText",
    "Binary",
    "BoxFuture",
    "Call",
    "Client",
    "Credentials",
    "Empty",
    "Error",
    "Json",
    "Method",
    "Operation",
    "Page",
    "Paged",
    "Paginated",
    "ParamStyle",
    "Raw",
    "Request",
    "RequestOptions",
    "Response",
    "Scheme",
    "Security",
    "Style",
    "Text",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Keeps letters, digits and separators, so that case conversion sees word boundaries.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A type or variant name: `customer-JWT` → `CustomerJwt`; never empty, never starting with a
/// digit. Digits that the source separates stay separated (`12.7` → `V12_7`, `127` → `V127`).
pub fn type_name(s: &str) -> String {
    let cleaned = clean(s);
    let mut name = String::new();
    let mut last_word_ends_in_digit = false;
    for word in cleaned.split(' ').filter(|w| !w.is_empty()) {
        if last_word_ends_in_digit && word.starts_with(|c: char| c.is_ascii_digit()) {
            name.push('_');
        }
        name.push_str(&word.to_upper_camel_case());
        last_word_ends_in_digit = word.ends_with(|c: char| c.is_ascii_digit());
    }
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

/// Variant names for the values of an enum or union, in order, distinct without numbers:
/// a value whose name is one the generated enum uses itself (its catch-all `Unknown`) gets
/// `Value` appended; values that differ only in case or punctuation (`credit_not_processed`,
/// `CREDIT_NOT_PROCESSED`) keep their own spelling after the first, as raw identifiers
/// (the enum allows non-camel-case names).
pub fn variant_names(wires: &[&str], reserved: &[&str]) -> Vec<String> {
    let mut taken: BTreeSet<String> = reserved.iter().map(|r| r.to_string()).collect();
    let mut out = Vec::with_capacity(wires.len());
    for wire in wires {
        let mut name = type_name(wire);
        if reserved.contains(&name.as_str()) {
            name.push_str("Value");
        }
        if taken.contains(&name) {
            let spelled: String = wire
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let spelled = spelled.trim_matches('_').to_string();
            if !spelled.is_empty()
                && !spelled.starts_with(|c: char| c.is_ascii_digit())
                && !taken.contains(&spelled)
                && !KEYWORDS.contains(&spelled.as_str())
                && !NOT_RAW.contains(&spelled.as_str())
            {
                name = spelled;
            }
        }
        out.push(unique(name, &mut taken));
    }
    out
}

/// Whether a name is one the Rust and clippy case lints accept: upper camel case, not all
/// capitals (enum values that differ only in case keep their own spelling, which may not be).
pub fn is_camel_case(name: &str) -> bool {
    let name = name.trim_matches('_');
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && (name.chars().filter(char::is_ascii_uppercase).count() < 2
            || name.chars().any(|c| c.is_ascii_lowercase()))
        && !name.as_bytes().windows(2).any(|w| {
            (w[0] == b'_' && w[1].is_ascii_alphabetic())
                || (w[1] == b'_' && w[0].is_ascii_alphabetic())
        })
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
    fn variant_names_are_distinct_without_numbers() {
        assert_eq!(type_name("12.7"), "V12_7");
        assert_eq!(type_name("127"), "V127");
        assert_eq!(type_name("bank-transfer-2"), "BankTransfer2");
        assert_eq!(
            variant_names(
                &[
                    "credit_not_processed",
                    "CREDIT_NOT_PROCESSED",
                    "unknown",
                    "127",
                    "12.7"
                ],
                &["Unknown"]
            ),
            [
                "CreditNotProcessed",
                "CREDIT_NOT_PROCESSED",
                "UnknownValue",
                "V127",
                "V12_7"
            ]
        );
        assert!(is_camel_case("V12_7"));
        assert!(is_camel_case("CreditNotProcessed"));
        assert!(is_camel_case("Self_"));
        assert!(!is_camel_case("CREDIT_NOT_PROCESSED"));
        assert!(!is_camel_case("UNAUTHORISED"));
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
