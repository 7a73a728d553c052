//! Parameter objects: linted as a linter would (keywords, `in`, `style`), and read with how
//! their values are written (`style`, `explode`, `allowReserved`).

use serde_json::Value;

use crate::analyze::lint::{did_you_mean, suggestion, unknown_members, Findings};
use crate::load::Node;
use crate::model::{ParamLocation, ParamStyle, Style};

/// The fields of an OpenAPI 3.1 parameter object.
const PARAMETER_FIELDS: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];

/// The locations OpenAPI defines.
const LOCATIONS: &[&str] = &["query", "header", "path", "cookie"];

/// Lints a parameter object (already dereferenced): unknown fields, an `in` or a `style`
/// that does not exist, a style that does not fit the location. Returns whether it can be
/// read (it has a `name` and a known `in`).
pub fn lint(node: &Node, findings: &mut Findings) -> bool {
    let Value::Object(map) = node.value() else {
        findings.error(node, "a parameter must be a map".into());
        return false;
    };
    unknown_members(
        node,
        map,
        PARAMETER_FIELDS,
        ("parameter field", false),
        findings,
    );
    let usable = match (node.str("name"), node.str("in")) {
        (None, _) | (_, None) => {
            findings.error(node, "a parameter needs `name` and `in`".into());
            false
        }
        (Some(_), Some(location)) if !LOCATIONS.contains(&location) => {
            let at = node.get("in").unwrap_or_else(|| node.clone());
            findings.error(
                &at,
                format!(
                    "`in: {location}` is not a parameter location ({}){}",
                    LOCATIONS.join(", "),
                    hint(location, LOCATIONS.iter().copied())
                ),
            );
            false
        }
        (Some(_), Some(location)) => {
            if location == "path" && node.value().get("required") != Some(&Value::Bool(true)) {
                let at = node.get("required").unwrap_or_else(|| node.clone());
                let message =
                    "a path parameter must say `required: true` (OpenAPI: the value MUST be true)";
                findings.error(&at, message.into());
            }
            true
        }
    };
    if let Some(style) = node.get("style") {
        let name = style.value().as_str().unwrap_or_default();
        let names = Style::ALL.iter().map(|(n, _, _)| *n);
        if !Style::ALL.iter().any(|(n, _, _)| *n == name) {
            findings.error(
                &style,
                format!(
                    "`style: {name}` is not a parameter style{}",
                    hint(name, names)
                ),
            );
        }
    }
    for flag in ["explode", "allowReserved", "required", "deprecated"] {
        if let Some(n) = node.get(flag).filter(|n| !n.value().is_boolean()) {
            findings.error(&n, format!("`{flag}` must be true or false"));
        }
    }
    usable
}

fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(suggestion(word, candidates))
}

/// What a parameter's schema holds, as far as styles care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string, number or boolean.
    Primitive,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// The shape of a parameter's (dereferenced) schema, and whether its items or members are
/// themselves arrays or objects, which no style defines.
pub fn shape(schema: Option<&Node>, deref: &dyn Fn(&Node) -> Option<Node>) -> (Shape, bool) {
    let Some(schema) = schema.and_then(deref) else {
        return (Shape::Primitive, false);
    };
    let nested = |inner: Option<Node>| {
        inner
            .and_then(|n| deref(&n))
            .is_some_and(|n| shape_of(&n) != Shape::Primitive)
    };
    match shape_of(&schema) {
        Shape::Array => (Shape::Array, nested(schema.get("items"))),
        Shape::Object => {
            let deep = schema.get("properties").is_some_and(|p| {
                p.entries()
                    .into_iter()
                    .any(|(_, member)| nested(Some(member)))
            });
            (Shape::Object, deep)
        }
        Shape::Primitive => (Shape::Primitive, false),
    }
}

fn shape_of(schema: &Node) -> Shape {
    let types: Vec<&str> = match schema.value().get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"array") || schema.get("items").is_some() {
        Shape::Array
    } else if types.contains(&"object")
        || schema.get("properties").is_some()
        || schema.get("additionalProperties").is_some()
    {
        Shape::Object
    } else {
        Shape::Primitive
    }
}

/// Reads `style`, `explode` and `allowReserved` (OpenAPI's defaults where absent). A style
/// that the location does not allow is an error; a combination the spec leaves undefined
/// (how the SDK writes it is then a choice of ours) is a warning.
pub fn style(
    node: &Node,
    location: ParamLocation,
    (shape, nested): (Shape, bool),
    findings: &mut Findings,
) -> ParamStyle {
    let mut chosen = ParamStyle::default_for(location);
    let style_node = node.get("style");
    if let Some(name) = style_node.as_ref().and_then(|n| n.value().as_str()) {
        if let Some((_, style, places)) = Style::ALL.iter().find(|(n, _, _)| *n == name) {
            if places.contains(&location) {
                chosen = ParamStyle {
                    style: *style,
                    explode: *style == Style::Form,
                    allow_reserved: false,
                };
            } else {
                let at = style_node.clone().unwrap_or_else(|| node.clone());
                findings.error(
                    &at,
                    format!(
                        "`style: {name}` is not allowed in the {} (allowed: {})",
                        location_name(location),
                        allowed_styles(location)
                    ),
                );
            }
        }
    }
    if let Some(explode) = node.value().get("explode").and_then(Value::as_bool) {
        chosen.explode = explode;
    }
    if node.flag("allowReserved") {
        if location == ParamLocation::Query {
            chosen.allow_reserved = true;
        } else {
            let at = node.get("allowReserved").unwrap_or_else(|| node.clone());
            findings.warn(
                &at,
                "`allowReserved` applies to query parameters only; it is ignored here".into(),
            );
        }
    }
    undefined_combinations(node, chosen, shape, nested, findings);
    chosen
}

/// Warns where OpenAPI does not say how a value is written.
fn undefined_combinations(
    node: &Node,
    chosen: ParamStyle,
    shape: Shape,
    nested: bool,
    findings: &mut Findings,
) {
    let at = node.get("style").unwrap_or_else(|| node.clone());
    let name = chosen.style.as_str();
    match (chosen.style, shape) {
        (Style::DeepObject, Shape::Array | Shape::Primitive) => findings.warn(
            &at,
            "`style: deepObject` is defined for objects only; the value is sent as `form` would send it".into(),
        ),
        (Style::DeepObject, Shape::Object) if !chosen.explode => findings.warn(
            &at,
            "`style: deepObject` is defined with `explode: true` only; the SDK sends `name[key]=value` pairs".into(),
        ),
        (Style::SpaceDelimited | Style::PipeDelimited, Shape::Primitive) => findings.warn(
            &at,
            format!("`style: {name}` is defined for arrays and objects; a single value is sent as it is"),
        ),
        _ => {}
    }
    if nested && chosen.style != Style::DeepObject {
        findings.warn(
            &at,
            format!("`style: {name}` does not define how nested arrays or objects are written; each nested value is sent as its JSON text"),
        );
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

fn allowed_styles(location: ParamLocation) -> String {
    Style::ALL
        .iter()
        .filter(|(_, _, places)| places.contains(&location))
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}
