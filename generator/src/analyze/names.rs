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

/// The cargo features every generated crate has (see `krate`): no group's feature may take
/// their names.
pub const CRATE_FEATURES: &[&str] = &[
    "default",
    "full",
    "tracing",
    "http2",
    "native-tls",
    "rustls-ring",
    "rustls-aws-lc-rs",
    "test-util",
    "webhook-receiver",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Keeps letters, digits and separators, so that case conversion sees word boundaries.
/// Letters outside ASCII are transliterated (`café` → `cafe`, `日本` → `Ri Ben`); what has no
/// transliteration is a separator.
fn clean(s: &str) -> String {
    let ascii = match s.is_ascii() {
        true => std::borrow::Cow::Borrowed(s),
        false => std::borrow::Cow::Owned(deunicode::deunicode_with_tofu(s, " ")),
    };
    ascii
        .chars()
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
    value_name_of(name)
}

/// Variant names for the values of an enum or union, in order, distinct without numbers (see
/// [`distinct`]): a value whose name is one the generated enum uses itself (its catch-all
/// `Unknown`) gets `Value` appended; values that differ only in case or punctuation
/// (`credit_not_processed`, `CREDIT_NOT_PROCESSED`) are told apart by their spelling
/// (`CreditNotProcessed`, `CreditNotProcessedUpper`).
pub fn variant_names(wires: &[&str], reserved: &[&str]) -> Vec<String> {
    let mut taken: BTreeSet<String> = reserved.iter().map(|r| r.to_string()).collect();
    let wires: Vec<Wire> = (wires.iter())
        .map(|w| match reserved.contains(&type_name(w).as_str()) {
            true => Wire::with_context(w, "value"),
            false => Wire::new(w),
        })
        .collect();
    distinct(&wires, Case::Camel, &mut taken)
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// Whether a name is one the Rust and clippy case lints accept: upper camel case, not all
/// capitals.
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

/// The case of a generated name: snake case for modules, fields, methods, parameters and
/// features; upper camel case for types and variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Snake,
    Camel,
}

impl Case {
    /// The plain conversion of a spec name: [`value_name`] or [`type_name`].
    pub fn convert(self, wire: &str) -> String {
        match self {
            Case::Snake => value_name(wire),
            Case::Camel => type_name(wire),
        }
    }

    /// `stem` with `words` appended, in this case: `self_` + `type` → `self_type`,
    /// `Self_` + `lower` → `SelfLower`.
    fn extend(self, stem: &str, words: &[String]) -> String {
        let stem = stem.trim_start_matches("r#").trim_end_matches('_');
        let tail = words.join(" ");
        let joined = match self {
            Case::Snake => format!("{stem}_{}", tail.to_snake_case()),
            Case::Camel => format!("{stem}{}", tail.to_upper_camel_case()),
        };
        finish(joined, self)
    }
}

/// One name to choose in a scope: the name the spec gives, and a word that says what the
/// item is in that scope (`query` for a query parameter, `Object` for a struct), tried first
/// when the plain name is taken.
#[derive(Debug, Clone, Copy)]
pub struct Wire<'a> {
    pub wire: &'a str,
    pub context: Option<&'a str>,
}

impl<'a> Wire<'a> {
    pub fn new(wire: &'a str) -> Self {
        Wire {
            wire,
            context: None,
        }
    }

    pub fn with_context(wire: &'a str, context: &'a str) -> Self {
        Wire {
            wire,
            context: Some(context),
        }
    }
}

/// The name chosen for a [`Wire`], and whether it is more than the plain conversion of the
/// spec's name (the item's docs then say what the API calls it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub name: String,
    pub renamed: bool,
}

/// Names for the items of one scope, in order, none of them in `taken` (which records
/// them), never with a number. Each item gets the plain conversion of its spec name where
/// it is free. Where several items convert to the same name, the one spelt in the
/// convention of the case (`foo_bar` for a field) keeps it, else the first; the others,
/// and an item whose plain name is taken, are told apart by what distinguishes their
/// spelling: their context word, then words for their case and punctuation (`fooBar` →
/// `foo_bar_camel`, `foo-bar` → `foo_bar_kebab`, `Self` → `self_type`, `""` →
/// `value_empty`), then their whole spelling, character by character.
pub fn distinct(items: &[Wire], case: Case, taken: &mut BTreeSet<String>) -> Vec<Chosen> {
    let plain: Vec<String> = items.iter().map(|i| case.convert(i.wire)).collect();
    let mut keeper: Vec<bool> = vec![false; items.len()];
    for (i, name) in plain.iter().enumerate() {
        if taken.contains(name) || plain[..i].contains(name) {
            continue;
        }
        let same: Vec<usize> = (i..items.len()).filter(|&j| &plain[j] == name).collect();
        let conventional = same
            .iter()
            .copied()
            .find(|&j| is_conventional(items[j].wire, name));
        keeper[conventional.unwrap_or(i)] = true;
    }
    for (i, name) in plain.iter().enumerate() {
        if keeper[i] {
            taken.insert(name.clone());
        }
    }
    items
        .iter()
        .zip(plain)
        .zip(keeper)
        .map(|((item, name), keeps)| match keeps {
            true => Chosen {
                name,
                renamed: false,
            },
            false => Chosen {
                name: told_apart(item, &name, case, taken),
                renamed: true,
            },
        })
        .collect()
}

/// Whether `wire` is already spelt as its conversion `name` (`foo_bar`, `type` → `r#type`,
/// `self` → `self_`, `FooBar`).
fn is_conventional(wire: &str, name: &str) -> bool {
    wire == name.trim_start_matches("r#") || wire == name.trim_end_matches('_')
}

/// A free name for `item`, whose plain conversion `plain` is taken (see [`distinct`]).
fn told_apart(item: &Wire, plain: &str, case: Case, taken: &mut BTreeSet<String>) -> String {
    let style = spelling_words(item.wire, case);
    let mut candidates = Vec::new();
    if let Some(context) = item.context {
        candidates.push(case.extend(plain, &[context.to_string()]));
        if !style.is_empty() {
            let mut words = vec![context.to_string()];
            words.extend(style.iter().cloned());
            candidates.push(case.extend(plain, &words));
        }
    }
    if !style.is_empty() {
        candidates.push(case.extend(plain, &style));
    }
    candidates.push(finish(spelled(item.wire, case), case));
    let mut name = candidates
        .iter()
        .find(|c| !taken.contains(*c))
        .cloned()
        .unwrap_or_else(|| candidates[candidates.len() - 1].clone());
    while taken.contains(&name) {
        name = case.extend(&name, &["again".to_string()]);
    }
    taken.insert(name.clone());
    name
}

/// Words for how `wire` is spelt, leaving out what is the convention of `case`: its leading
/// and trailing symbols (`_links` → `underscore`), its letter case (`camel`, `pascal`,
/// `upper`, `lower`), its separators (`kebab`, `dotted`, `spaced`, `snake`), and `unicode`
/// for letters outside ASCII. `Self` is `type` (the keyword names a type); `""` is `empty`.
fn spelling_words(wire: &str, case: Case) -> Vec<String> {
    if wire.is_empty() {
        return vec!["empty".into()];
    }
    if wire == "Self" {
        return vec!["type".into()];
    }
    let is_word = |c: char| c.is_alphanumeric();
    let body = wire.trim_matches(|c: char| !is_word(c));
    let mut words: Vec<String> = Vec::new();
    for c in wire.chars().take_while(|&c| !is_word(c)) {
        words.push(symbol(c).into());
    }
    let letters: Vec<char> = body.chars().filter(|c| c.is_alphabetic()).collect();
    let separators: BTreeSet<char> = body.chars().filter(|&c| !is_word(c)).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    let case_word = match (letters.first(), upper) {
        (None, _) => None,
        (_, 0) => Some("lower"),
        (_, n) if n == letters.len() && (letters.len() > 1 || !separators.is_empty()) => {
            Some("upper")
        }
        (Some(first), _) if first.is_uppercase() => Some("pascal"),
        _ => Some("camel"),
    };
    let conventional_case = match case {
        Case::Snake => "lower",
        Case::Camel => "pascal",
    };
    // Separators imply lower case (`foo-bar` is kebab), and underscores between capitals
    // are the upper-case convention (`FOO_BAR` is upper).
    let implied = |w: &&str| *w == conventional_case || (*w == "lower" && !separators.is_empty());
    if let Some(word) = case_word.filter(|w| !implied(w)) {
        words.push(word.into());
    }
    for c in separators {
        let word = separator(c);
        if !(word == "snake" && (case == Case::Snake || case_word == Some("upper"))) {
            words.push(word.into());
        }
    }
    if !body.is_ascii() {
        words.push("unicode".into());
    }
    if !body.is_empty() {
        for c in wire.chars().rev().take_while(|&c| !is_word(c)) {
            words.push(format!("trailing {}", symbol(c)));
        }
    }
    words
}

/// The word for a separator inside a name.
fn separator(c: char) -> &'static str {
    match c {
        '_' => "snake",
        '-' => "kebab",
        '.' => "dotted",
        ' ' => "spaced",
        other => symbol(other),
    }
}

/// The word for a symbol.
fn symbol(c: char) -> &'static str {
    match c {
        '_' => "underscore",
        '-' => "hyphen",
        '.' => "dot",
        ' ' => "space",
        '$' => "dollar",
        '@' => "at",
        '#' => "hash",
        '+' => "plus",
        '/' => "slash",
        ':' => "colon",
        '~' => "tilde",
        '!' => "bang",
        '?' => "question",
        '*' => "star",
        '&' => "and",
        '%' => "percent",
        '=' => "equals",
        '[' | ']' => "bracket",
        '(' | ')' => "paren",
        '{' | '}' => "brace",
        '<' | '>' => "angle",
        '\'' | '"' => "quote",
        ',' => "comma",
        ';' => "semicolon",
        '|' => "pipe",
        '^' => "caret",
        '\\' => "backslash",
        '`' => "backtick",
        _ => "symbol",
    }
}

/// `wire` spelt out word by word, so that different spellings give different names: runs
/// of lower-case letters and digits as they are, `cap` before each capital, each symbol by
/// its name, other characters by their code point (`Foo-bar` → `cap_foo_hyphen_bar`).
fn spelled(wire: &str, case: Case) -> String {
    let mut words: Vec<String> = vec!["spelled".into()];
    let mut run = String::new();
    let flush = |run: &mut String, words: &mut Vec<String>| {
        if !run.is_empty() {
            words.push(std::mem::take(run));
        }
    };
    for c in wire.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            run.push(c);
        } else if c.is_ascii_uppercase() {
            flush(&mut run, &mut words);
            words.push("cap".into());
            run.push(c.to_ascii_lowercase());
        } else {
            flush(&mut run, &mut words);
            words.push(match c.is_ascii() {
                true => symbol(c).into(),
                false => format!("u{:x}", c as u32),
            });
        }
    }
    flush(&mut run, &mut words);
    let joined = words.join("_");
    match case {
        Case::Snake => joined,
        Case::Camel => words
            .iter()
            .map(|w| w.to_upper_camel_case())
            .collect::<Vec<_>>()
            .join("_"),
    }
}

/// A name made valid: never starting with a digit, never a keyword.
fn finish(name: String, case: Case) -> String {
    match case {
        Case::Snake => value_name_of(name),
        Case::Camel => name,
    }
}

/// `name` as a value name without converting its case again.
fn value_name_of(mut name: String) -> String {
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

/// A free name for an item whose every candidate is taken: `base` with more and more of the
/// words of `location` (`file#pointer`: its folders, file and pointer), innermost first.
pub fn located(base: &str, location: &str, case: Case, taken: &mut BTreeSet<String>) -> String {
    let all: Vec<String> = location
        .split(['/', '\\', '#', '.'])
        .filter(|w| !w.is_empty() && !matches!(*w, "yaml" | "yml" | "json"))
        .map(|w| w.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut words: Vec<String> = Vec::new();
    for word in all.iter().rev() {
        words.insert(0, word.clone());
        let candidate = case.extend(base, &words);
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    let mut name = case.extend(base, &words);
    while !taken.insert(name.clone()) {
        name = case.extend(&name, &["again".to_string()]);
    }
    name
}

/// A provisional name, the key of a type while the spec is read: `name`, or `name2`,
/// `name3`, … whichever is not yet in `taken`, recorded there. Final names never have
/// numbers (see [`distinct`]).
pub fn provisional(name: String, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    (2..)
        .map(|i| format!("{name}{i}"))
        .find(|c| taken.insert(c.clone()))
        .expect("an unused name exists")
}

/// `doc` with a note of the name the API gives an item that was renamed past its plain
/// conversion (`` `Self` in the API. ``).
pub fn note_wire_name(doc: Option<String>, wire: &str) -> Option<String> {
    let note = match wire.is_empty() {
        true => "The empty name in the API.".to_string(),
        false => format!("`{}` in the API.", wire.replace('`', "\\`")),
    };
    Some(match doc {
        Some(doc) => format!("{doc}\n\n{note}"),
        None => note,
    })
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
                "CreditNotProcessedUpper",
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

    fn fields(wires: &[&str]) -> Vec<String> {
        let wires: Vec<Wire> = wires.iter().map(|w| Wire::new(w)).collect();
        distinct(&wires, Case::Snake, &mut BTreeSet::new())
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn collisions_are_told_apart_by_spelling() {
        assert_eq!(fields(&["self", "Self"]), ["self_", "self_type"]);
        assert_eq!(fields(&["Self", "self"]), ["self_type", "self_"]);
        assert_eq!(
            fields(&["fooBar", "foo-bar", "foo_bar", "FOO_BAR", "FooBar", "foo.bar"]),
            [
                "foo_bar_camel",
                "foo_bar_kebab",
                "foo_bar",
                "foo_bar_upper",
                "foo_bar_pascal",
                "foo_bar_dotted"
            ]
        );
        assert_eq!(
            fields(&["", "_", "value"]),
            ["value_empty", "value_underscore", "value"]
        );
        assert_eq!(fields(&["links", "_links"]), ["links", "links_underscore"]);
        assert_eq!(fields(&["type", "$type"]), ["r#type", "type_dollar"]);
        assert_eq!(fields(&["café", "cafe"]), ["cafe_unicode", "cafe"]);
        // Same style twice: spelt out.
        assert_eq!(
            fields(&["foo_bar", "foo-bar", "foo--bar"]),
            ["foo_bar", "foo_bar_kebab", "spelled_foo_hyphen_hyphen_bar"]
        );
        let mut taken: BTreeSet<String> = ["send".to_string()].into();
        let chosen = distinct(
            &[Wire::with_context("send", "query")],
            Case::Snake,
            &mut taken,
        );
        assert_eq!(chosen[0].name, "send_query");
        assert!(chosen[0].renamed);
    }

    #[test]
    fn type_collisions_keep_camel_case() {
        let wires = [Wire::new("self"), Wire::new("Self"), Wire::new("")];
        let names: Vec<String> = distinct(&wires, Case::Camel, &mut BTreeSet::new())
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["SelfLower", "Self_", "Value"]);
        assert!(names.iter().all(|n| is_camel_case(n)));
    }

    #[test]
    fn located_names_use_the_location_not_numbers() {
        let mut taken: BTreeSet<String> = ["Item".to_string()].into();
        let name = located(
            "Item",
            "/spec/a/b.yaml#/properties/item",
            Case::Camel,
            &mut taken,
        );
        assert_eq!(name, "ItemItem");
        let again = located(
            "Item",
            "/spec/a/b.yaml#/properties/item",
            Case::Camel,
            &mut taken,
        );
        assert_eq!(again, "ItemPropertiesItem");
        assert_eq!(provisional("Item".into(), &mut taken), "Item2");
    }
}
