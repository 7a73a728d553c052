//! Spec validation, as an OpenAPI linter would do it, on every schema the generator reads.
//!
//! Errors are mistakes that would make the SDK wrong (a `type` that does not exist, a
//! keyword misspelt so that it silently means nothing); warnings are places where the
//! generated code is looser than the spec says (an unknown keyword or format, which only
//! annotates). Both name file#pointer (line).

use serde_json::Value;

use crate::diag::{Location, Warning};
use crate::load::Node;

/// JSON Schema 2020-12 keywords, and those OpenAPI adds to its schema objects (3.0's
/// `nullable` included).
const KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$defs",
    "$comment",
    "$vocabulary",
    "definitions",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "prefixItems",
    "items",
    "contains",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    "discriminator",
    "xml",
    "externalDocs",
    "example",
    "nullable",
];

/// The JSON Schema types.
const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "object", "array", "null",
];

/// Formats the generator knows: those it maps to a Rust type, and the other JSON Schema and
/// OpenAPI formats, which annotate a string or number without changing its Rust type.
const FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "password",
];

/// What the linter found.
#[derive(Debug, Default)]
pub struct Findings {
    /// Mistakes: generation stops and lists them all.
    pub errors: Vec<(Location, String)>,
    /// Looser than the spec: reported; `--strict` fails on them.
    pub warnings: Vec<Warning>,
}

impl Findings {
    /// Takes in what `other` found.
    pub(crate) fn absorb(&mut self, other: &mut Findings) {
        self.errors.append(&mut other.errors);
        self.warnings.append(&mut other.warnings);
    }

    /// Records an error at `node`.
    pub(crate) fn error(&mut self, node: &Node, message: String) {
        self.errors.push((node.location(), message));
    }

    /// Records a warning at `node`.
    pub(crate) fn warn(&mut self, node: &Node, message: String) {
        self.warnings.push(Warning {
            location: node.location(),
            message,
        });
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn suggestion<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.min(c.len() / 3).max(1) || c.eq_ignore_ascii_case(word))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Members of `map` (the object at `node`) that are neither in `known` nor extensions.
/// `what` names the kind of member: "schema keyword". JSON Schema allows unknown keywords
/// (they are annotations), so `allowed` makes them warnings, with a "did you mean" for one
/// close to a known name; an OpenAPI object allows none, so there they are errors.
pub(crate) fn unknown_members(
    node: &Node,
    map: &serde_json::Map<String, Value>,
    known: &[&str],
    (what, allowed): (&str, bool),
    findings: &mut Findings,
) {
    for key in map.keys().filter(|k| !k.starts_with("x-")) {
        if known.contains(&key.as_str()) {
            continue;
        }
        let at = node.get(key).unwrap_or_else(|| node.clone());
        let hint = did_you_mean(suggestion(key, known.iter().copied()));
        if allowed {
            let message = format!("unknown {what} `{key}` is ignored{hint}");
            findings.warn(&at, message);
        } else {
            let message = match hint.is_empty() {
                true => format!("unknown {what} `{key}` (extensions start with `x-`)"),
                false => format!("unknown {what} `{key}`{hint}"),
            };
            findings.error(&at, message);
        }
    }
}

pub(crate) fn did_you_mean(found: Option<&str>) -> String {
    found.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

/// Checks one schema object of an OpenAPI 3.0 (`openapi_3_0`) or 3.1 spec: its keywords,
/// `type`, `format` and `required`.
pub fn schema(node: &Node, openapi_3_0: bool, findings: &mut Findings) {
    let map = match node.value() {
        Value::Object(map) => map,
        Value::Bool(_) => return,
        other => {
            findings.error(
                node,
                format!(
                    "a schema must be an object or a boolean, not {}",
                    kind(other)
                ),
            );
            return;
        }
    };
    // A reference object's siblings are read like any schema's (3.1), so they are linted too.
    unknown_members(node, map, KEYWORDS, ("schema keyword", true), findings);
    if !openapi_3_0 {
        if let Some(n) = node.get("nullable") {
            let message = "`nullable` is an OpenAPI 3.0 keyword, not a 3.1 one (3.1 writes `type: [T, 'null']`); it is honoured as 3.0 reads it";
            findings.warn(&n, message.into());
        }
    }
    check_type(node, findings);
    check_format(node, findings);
    check_containers(node, findings);
    check_unmapped(node, findings);
}

/// Keywords that shape a value but have no Rust mapping here: the type is read by the rest of
/// the schema, which is looser than the spec.
fn check_unmapped(node: &Node, findings: &mut Findings) {
    const UNMAPPED: &[(&str, &str)] = &[
        ("if", "`if`/`then`/`else` is not mapped to Rust types: members its schemas declare are not fields of the type"),
        ("dependentSchemas", "`dependentSchemas` is not mapped to Rust types: members its schemas declare are not fields of the type"),
        ("prefixItems", "`prefixItems` is not mapped to Rust types: the items are read as `items` says (raw JSON without it)"),
    ];
    for (key, message) in UNMAPPED {
        if let Some(n) = node.get(key) {
            findings.warn(&n, message.to_string());
        }
    }
}

/// `type`: a JSON Schema type, or a list of them.
fn check_type(node: &Node, findings: &mut Findings) {
    if let Some(t) = node.get("type") {
        let names: Vec<&Value> = match t.value() {
            Value::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        for name in names {
            match name.as_str() {
                Some(n) if TYPES.contains(&n) => {}
                Some(n) => findings.error(
                    &t,
                    format!(
                        "`{n}` is not a JSON Schema type ({}){}",
                        TYPES.join(", "),
                        did_you_mean(suggestion(n, TYPES.iter().copied()))
                    ),
                ),
                None => findings.error(
                    &t,
                    format!(
                        "`type` must be a string or a list of strings, not {}",
                        kind(name)
                    ),
                ),
            }
        }
    }
}

/// `format`: a string; one the generator does not know is a warning.
fn check_format(node: &Node, findings: &mut Findings) {
    if let Some(f) = node.get("format") {
        match f.value().as_str() {
            Some(name) if FORMATS.contains(&name) => {}
            Some(name) => findings.warn(
                &f,
                format!(
                    "unknown format `{name}`: the value keeps its plain type{}",
                    did_you_mean(suggestion(name, FORMATS.iter().copied()))
                ),
            ),
            None => findings.error(&f, "`format` must be a string".into()),
        }
    }
}

/// The keywords that hold lists or maps hold them, and `$ref` is a string.
fn check_containers(node: &Node, findings: &mut Findings) {
    if let Some(r) = node.get("$ref").filter(|r| !r.value().is_string()) {
        let message = format!(
            "`$ref` must be a string (a URI reference), not {}",
            kind(r.value())
        );
        findings.error(&r, message);
    }
    for key in ["required", "enum", "allOf", "oneOf", "anyOf"] {
        if let Some(n) = node.get(key) {
            if !n.value().is_array() {
                findings.error(
                    &n,
                    format!("`{key}` must be a list, not {}", kind(n.value())),
                );
            }
        }
    }
    if let Some(r) = node.get("required") {
        for name in r.value().as_array().into_iter().flatten() {
            if !name.is_string() {
                findings.error(&r, format!("`required` lists names, not {}", kind(name)));
            }
        }
    }
    if let Some(p) = node.get("properties") {
        if !p.value().is_object() {
            findings.error(
                &p,
                format!("`properties` must be a map, not {}", kind(p.value())),
            );
        }
    }
}

/// `required` names that no property of the (merged) object declares. JSON Schema allows
/// it (the member must be there, of any type), so it is a warning, never an error: the
/// type holds such a member as raw JSON. One close to a declared name is likely a typo,
/// said with "did you mean" (and refused by `--strict`, as every warning is).
pub fn required_without_property(
    node: &Node,
    required: &[String],
    properties: &[&str],
    findings: &mut Findings,
) {
    for name in required {
        if properties.contains(&name.as_str()) {
            continue;
        }
        let at = node.get("required").unwrap_or_else(|| node.clone());
        let hint = did_you_mean(suggestion(name, properties.iter().copied()));
        findings.warn(
            &at,
            format!("`required` names `{name}`, which no property declares: the type holds it as raw JSON{hint}"),
        );
    }
}

/// The JSON shape an OpenAPI object's member must have.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    Map,
    List,
}

/// Refuses `parent`'s member `key` when it is present with another shape than `want`:
/// invalid OpenAPI (a list of `paths`, say) must not read as nothing.
pub fn shape(parent: &Node, key: &str, want: Shape, findings: &mut Findings) {
    let Some(member) = parent.get(key) else {
        return;
    };
    let fits = match want {
        Shape::Map => member.value().is_object(),
        Shape::List => member.value().is_array(),
    };
    if !fits {
        let wanted = if want == Shape::Map {
            "a map"
        } else {
            "a list"
        };
        let found = kind(member.value());
        findings.error(&member, format!("`{key}` must be {wanted}, not {found}"));
    }
}

/// [`shape`] for each of `keys`.
pub fn shapes(parent: &Node, keys: &[(&str, Shape)], findings: &mut Findings) {
    for (key, want) in keys {
        shape(parent, key, *want, findings);
    }
}

/// What a JSON value is, for messages: "a list", "a map", ...
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keywords_only() {
        assert_eq!(
            suggestion("requried", KEYWORDS.iter().copied()),
            Some("required")
        );
        assert_eq!(suggestion("strnig", TYPES.iter().copied()), Some("string"));
        assert_eq!(
            suggestion("ReadOnly", KEYWORDS.iter().copied()),
            Some("readOnly")
        );
        assert_eq!(suggestion("bin", FORMATS.iter().copied()), None);
        assert_eq!(suggestion("summary", KEYWORDS.iter().copied()), None);
    }
}
