//! Parameters written as OpenAPI's `style` and `explode` say (OpenAPI 3.1, "Style Values",
//! after RFC 6570's expansions): path `simple`, `label`, `matrix`; query `form`,
//! `spaceDelimited`, `pipeDelimited`, `deepObject`; header `simple`. Primitives, arrays and
//! objects each have their form.
//!
//! Written by hand rather than with a URI-template crate: RFC 6570 has no `spaceDelimited`,
//! `pipeDelimited` or `deepObject`, and the rules are a table of separators (below).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

/// How a parameter value is written: OpenAPI's `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Style {
    /// Path and header: `5`, `3,4,5`, `role,admin,name,Jo` (exploded: `role=admin,name=Jo`).
    Simple,
    /// Path: `.5`, `.3.4.5` (not exploded: `.3,4,5`).
    Label,
    /// Path: `;id=5`, `;id=3;id=4` (not exploded: `;id=3,4`).
    Matrix,
    /// Query: `id=5`, `id=3&id=4` (not exploded: `id=3,4`); objects `role=admin&name=Jo`
    /// (not exploded: `id=role,admin,name,Jo`).
    Form,
    /// Query: `id=3%204%205`.
    SpaceDelimited,
    /// Query: `id=3|4|5`.
    PipeDelimited,
    /// Query: `id[role]=admin&id[name]=Jo` (nested objects: `id[a][b]=1`).
    DeepObject,
}

/// A parameter's `style`, `explode` and `allowReserved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParamStyle {
    /// The style.
    pub style: Style,
    /// Each item (or member) as a parameter of its own.
    pub explode: bool,
    /// Query only: reserved characters (`:/?[]@!$'()*,;`) go out as they are. `&`, `=`, `#`
    /// and `+` are always escaped, since they would change what the query means.
    pub allow_reserved: bool,
}

impl ParamStyle {
    /// OpenAPI's default for query parameters: `form`, exploded.
    pub const QUERY: ParamStyle = ParamStyle::new(Style::Form, true);
    /// OpenAPI's default for path and header parameters: `simple`, not exploded.
    pub const SIMPLE: ParamStyle = ParamStyle::new(Style::Simple, false);

    /// `style` with `explode`.
    pub const fn new(style: Style, explode: bool) -> Self {
        ParamStyle {
            style,
            explode,
            allow_reserved: false,
        }
    }

    /// The same, with `allowReserved: true`.
    pub const fn allowing_reserved(mut self) -> Self {
        self.allow_reserved = true;
        self
    }
}

/// Escaped in names and values: all but RFC 3986's unreserved characters.
pub(crate) const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Escaped in query values with `allowReserved`: what would break the query's structure.
const RESERVED_KEPT: &AsciiSet = &STRICT
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'[')
    .remove(b']')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';');

/// A value's text: strings as they are, `null` empty, other scalars (and nested values, which
/// no style defines) as JSON.
pub(crate) fn scalar_text(value: &Value) -> std::borrow::Cow<'_, str> {
    match value {
        Value::String(s) => s.as_str().into(),
        Value::Null => "".into(),
        other => other.to_string().into(),
    }
}

fn push_encoded(out: &mut String, text: &str, set: &'static AsciiSet) {
    for part in utf8_percent_encode(text, set) {
        out.push_str(part);
    }
}

/// The items of an array, or the members of an object, as `(key, value)` pairs (no key for
/// array items); `None` (nothing to send) for `null`.
fn parts(value: &Value) -> Option<Vec<(Option<&str>, &Value)>> {
    match value {
        Value::Null => None,
        Value::Array(items) => Some(items.iter().map(|v| (None, v)).collect()),
        Value::Object(members) => {
            Some(members.iter().map(|(k, v)| (Some(k.as_str()), v)).collect())
        }
        scalar => Some(vec![(None, scalar)]),
    }
}

/// Writes the path segment of a `simple`, `label` or `matrix` parameter (another style is
/// written as `simple`). `name` is used by `matrix` only.
pub(crate) fn write_path(out: &mut String, name: &str, value: &Value, style: ParamStyle) {
    let (prefix, separator) = match (style.style, style.explode) {
        (Style::Label, true) => (".", "."),
        (Style::Label, false) => (".", ","),
        (Style::Matrix, _) => (";", if style.explode { ";" } else { "," }),
        _ => ("", ","),
    };
    let Some(parts) = parts(value) else { return };
    out.push_str(prefix);
    let matrix = style.style == Style::Matrix;
    let object = value.is_object();
    if matrix && !(object && style.explode) {
        push_encoded(out, name, STRICT);
        out.push('=');
    }
    for (i, (key, item)) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        if matrix && style.explode && !object && i > 0 {
            push_encoded(out, name, STRICT);
            out.push('=');
        }
        if let Some(key) = key {
            push_encoded(out, key, STRICT);
            out.push_str(if style.explode { "=" } else { "," });
        }
        push_encoded(out, &scalar_text(item), STRICT);
    }
}

/// Appends a query parameter to `query` (already encoded, `&`-separated).
pub(crate) fn write_query(query: &mut String, name: &str, value: &Value, style: ParamStyle) {
    let set = if style.allow_reserved {
        RESERVED_KEPT
    } else {
        STRICT
    };
    let mut pair = |key: &str, text: &str, raw_key: bool| {
        if !query.is_empty() {
            query.push('&');
        }
        if raw_key {
            query.push_str(key);
        } else {
            push_encoded(query, key, STRICT);
        }
        query.push('=');
        push_encoded(query, text, set);
    };
    match value {
        Value::Null => {}
        Value::Object(members) if style.style == Style::DeepObject => {
            let mut flat = Vec::new();
            flatten(&mut flat, encoded(name), members);
            for (key, text) in flat {
                pair(&key, &text, true);
            }
        }
        Value::Array(_) | Value::Object(_) if style.explode => {
            for (key, item) in parts(value).unwrap_or_default() {
                pair(key.unwrap_or(name), &scalar_text(item), false);
            }
        }
        Value::Array(_) | Value::Object(_) => {
            let separator = match style.style {
                Style::SpaceDelimited => "%20",
                Style::PipeDelimited => "|",
                _ => ",",
            };
            if !query.is_empty() {
                query.push('&');
            }
            push_encoded(query, name, STRICT);
            query.push('=');
            for (i, (key, item)) in parts(value).unwrap_or_default().into_iter().enumerate() {
                if i > 0 {
                    query.push_str(separator);
                }
                if let Some(key) = key {
                    push_encoded(query, key, set);
                    query.push_str(separator);
                }
                push_encoded(query, &scalar_text(item), set);
            }
        }
        scalar => pair(name, &scalar_text(scalar), false),
    }
}

fn encoded(text: &str) -> String {
    utf8_percent_encode(text, STRICT).to_string()
}

/// `deepObject` members as `name[key]` pairs; nested objects go deeper (`name[a][b]`), arrays
/// repeat the key (`name[a]=1&name[a]=2`).
fn flatten(out: &mut Vec<(String, String)>, prefix: String, members: &Map<String, Value>) {
    for (key, value) in members {
        let key = format!("{prefix}[{}]", encoded(key));
        match value {
            Value::Null => {}
            Value::Object(inner) => flatten(out, key, inner),
            Value::Array(items) => {
                for item in items {
                    out.push((key.clone(), scalar_text(item).into_owned()));
                }
            }
            scalar => out.push((key, scalar_text(scalar).into_owned())),
        }
    }
}

/// A header's value (`simple`): `3,4,5`, `role,admin,name,Jo`, exploded `role=admin,name=Jo`;
/// `None` for `null`. Not percent-encoded: a header value is not a URL.
pub(crate) fn header_text(value: &Value, style: ParamStyle) -> Option<String> {
    let parts = parts(value)?;
    let mut out = String::new();
    for (i, (key, item)) in parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(key) = key {
            out.push_str(key);
            out.push(if style.explode { '=' } else { ',' });
        }
        out.push_str(&scalar_text(item));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// OpenAPI's own examples ("Style Examples"): `color` as the string "blue", the array
    /// ["blue", "black", "brown"] and the object {"R": 100, "G": 200, "B": 150}, its members
    /// written in name order (serde_json keeps them sorted, or in insertion order with its
    /// `preserve_order` feature, which another crate of a build may turn on).
    fn values() -> [Value; 3] {
        [
            json!("blue"),
            json!(["blue", "black", "brown"]),
            json!({"B": 150, "G": 200, "R": 100}),
        ]
    }

    fn path(style: Style, explode: bool) -> [String; 3] {
        values().map(|v| {
            let mut out = String::new();
            write_path(&mut out, "color", &v, ParamStyle::new(style, explode));
            out
        })
    }

    fn query(style: Style, explode: bool) -> [String; 3] {
        values().map(|v| {
            let mut out = String::new();
            write_query(&mut out, "color", &v, ParamStyle::new(style, explode));
            out
        })
    }

    #[test]
    fn path_styles() {
        assert_eq!(
            path(Style::Simple, false),
            ["blue", "blue,black,brown", "B,150,G,200,R,100"]
        );
        assert_eq!(
            path(Style::Simple, true),
            ["blue", "blue,black,brown", "B=150,G=200,R=100"]
        );
        assert_eq!(
            path(Style::Label, false),
            [".blue", ".blue,black,brown", ".B,150,G,200,R,100"]
        );
        assert_eq!(
            path(Style::Label, true),
            [".blue", ".blue.black.brown", ".B=150.G=200.R=100"]
        );
        assert_eq!(
            path(Style::Matrix, false),
            [
                ";color=blue",
                ";color=blue,black,brown",
                ";color=B,150,G,200,R,100"
            ]
        );
        assert_eq!(
            path(Style::Matrix, true),
            [
                ";color=blue",
                ";color=blue;color=black;color=brown",
                ";B=150;G=200;R=100"
            ]
        );
    }

    #[test]
    fn query_styles() {
        assert_eq!(
            query(Style::Form, true),
            [
                "color=blue",
                "color=blue&color=black&color=brown",
                "B=150&G=200&R=100"
            ]
        );
        assert_eq!(
            query(Style::Form, false),
            [
                "color=blue",
                "color=blue,black,brown",
                "color=B,150,G,200,R,100"
            ]
        );
        assert_eq!(
            query(Style::SpaceDelimited, false)[1..],
            [
                "color=blue%20black%20brown",
                "color=B%20150%20G%20200%20R%20100"
            ]
        );
        assert_eq!(
            query(Style::PipeDelimited, false)[1..],
            ["color=blue|black|brown", "color=B|150|G|200|R|100"]
        );
        assert_eq!(
            query(Style::DeepObject, true)[2],
            "color[B]=150&color[G]=200&color[R]=100"
        );
    }

    #[test]
    fn values_are_escaped_and_separators_are_not() {
        let mut q = String::new();
        let sort = ParamStyle::new(Style::Form, false);
        write_query(&mut q, "sort", &json!(["-createdTime", "id"]), sort);
        write_query(&mut q, "q", &json!("a,b&c=d e+f"), ParamStyle::QUERY);
        write_query(&mut q, "n", &json!(null), ParamStyle::QUERY);
        write_query(&mut q, "list", &json!(["x,y", "z"]), sort);
        assert_eq!(
            q,
            "sort=-createdTime,id&q=a%2Cb%26c%3Dd%20e%2Bf&list=x%2Cy,z"
        );
        let mut r = String::new();
        let reserved = ParamStyle::QUERY.allowing_reserved();
        write_query(&mut r, "url", &json!("https://x.io/a?b=c&d"), reserved);
        assert_eq!(r, "url=https://x.io/a?b%3Dc%26d");
        let mut p = String::new();
        write_path(&mut p, "id", &json!("a b/c;d"), ParamStyle::SIMPLE);
        assert_eq!(p, "a%20b%2Fc%3Bd");
    }

    #[test]
    fn deep_objects_nest_and_repeat() {
        let mut q = String::new();
        let value = json!({"a": {"b": 1}, "gone": null, "list": [1, 2], "sp ace": "v"});
        write_query(
            &mut q,
            "f",
            &value,
            ParamStyle::new(Style::DeepObject, true),
        );
        assert_eq!(q, "f[a][b]=1&f[list]=1&f[list]=2&f[sp%20ace]=v");
    }

    #[test]
    fn header_values() {
        let [one, list, object] = values();
        assert_eq!(header_text(&one, ParamStyle::SIMPLE).unwrap(), "blue");
        assert_eq!(
            header_text(&list, ParamStyle::SIMPLE).unwrap(),
            "blue,black,brown"
        );
        assert_eq!(
            header_text(&object, ParamStyle::SIMPLE).unwrap(),
            "B,150,G,200,R,100"
        );
        let exploded = ParamStyle::new(Style::Simple, true);
        assert_eq!(header_text(&object, exploded).unwrap(), "B=150,G=200,R=100");
        assert_eq!(header_text(&Value::Null, exploded), None);
    }
}
