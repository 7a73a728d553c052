//! Stage 2: read a schema node the same way whether it is written in OpenAPI 3.0
//! (`nullable: true`, `allOf: [$ref]` with siblings) or 3.1 / JSON Schema 2020-12
//! (`type: [X, 'null']`, `const`, `$ref` with siblings, enums containing `null`).

use serde_json::Value;

use crate::load::Node;

/// The JSON Schema primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JsonType {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `boolean`
    Boolean,
    /// `object`
    Object,
    /// `array`
    Array,
}

impl JsonType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => JsonType::String,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "boolean" => JsonType::Boolean,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            _ => return None,
        })
    }
}

/// What `additionalProperties` says.
#[derive(Debug, Clone)]
pub enum Additional {
    /// Not written.
    Unspecified,
    /// `true` or `{}`.
    Any,
    /// `false`.
    Forbidden,
    /// A schema for the values.
    Schema(Node),
}

/// A schema's `discriminator`.
#[derive(Debug, Clone)]
pub struct Discriminator {
    /// The property that names the variant.
    pub property: String,
    /// Explicit `mapping`: value → `$ref` string.
    pub mapping: Vec<(String, String)>,
}

/// A schema read into one shape for both OpenAPI versions. Subschemas stay [`Node`]s.
#[derive(Debug, Clone)]
pub struct Schema {
    /// The node the schema was read from.
    pub node: Node,
    /// `$ref`, or the single reference of an `allOf` whose other members only document.
    pub reference: Option<(Node, String)>,
    /// Declared types, without `null`.
    pub types: Vec<JsonType>,
    /// `null` is allowed (3.0 `nullable`, 3.1 `type` array or enum with `null`, `type: 'null'`).
    pub nullable: bool,
    /// `format`.
    pub format: Option<String>,
    /// `enum`, or `const` as a one-value enum; `null` taken out (it sets `nullable`).
    pub enum_values: Option<Vec<Value>>,
    /// `properties` in file order.
    pub properties: Vec<(String, Node)>,
    /// `required`.
    pub required: Vec<String>,
    /// `additionalProperties`.
    pub additional: Additional,
    /// `items`.
    pub items: Option<Node>,
    /// `oneOf` members.
    pub one_of: Vec<Node>,
    /// `anyOf` members.
    pub any_of: Vec<Node>,
    /// `allOf` members that carry more than documentation.
    pub all_of: Vec<Node>,
    /// `discriminator`.
    pub discriminator: Option<Discriminator>,
    /// `readOnly`.
    pub read_only: bool,
    /// `writeOnly`.
    pub write_only: bool,
    /// `description`.
    pub description: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `not` is present.
    pub has_not: bool,
}

/// Keywords that only document a schema; an `allOf` member made of these adds no structure.
const DOC_ONLY: &[&str] = &[
    "title",
    "description",
    "example",
    "examples",
    "deprecated",
    "externalDocs",
    "$comment",
];

/// Keywords that only validate a value and never change its shape: an `allOf` member made
/// of these (and documentation) restricts the other members' type without changing it.
/// The generated types do not check them (nor `minLength` anywhere else); nothing received is
/// lost by that.
const VALIDATION_ONLY: &[&str] = &[
    "not",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

fn keys_within(node: &Node, allowed: &[&[&str]]) -> bool {
    match node.value() {
        Value::Object(m) => m
            .keys()
            .all(|k| k.starts_with("x-") || allowed.iter().any(|a| a.contains(&k.as_str()))),
        _ => false,
    }
}

/// Adds nothing to the shape of the schema it is an `allOf` member of.
fn adds_no_shape(node: &Node) -> bool {
    keys_within(node, &[DOC_ONLY, VALIDATION_ONLY])
}

/// A `oneOf`/`anyOf` member that only constrains its parent object: which of the parent's
/// properties are required, and which must be absent (`not: {}`), e.g. "either `plan` or
/// `planId`". A union of such members leaves the parent's shape as it is.
fn is_constraint_only(node: &Node, parent_is_object: bool) -> bool {
    // `type: object` repeats what an object parent says (GitHub's `{type: object,
    // maxProperties: 0}` beside `{required: [content]}`).
    let object_keys: &[&str] = match parent_is_object && node.str("type") == Some("object") {
        true => &["type", "minProperties", "maxProperties"],
        false => &["minProperties", "maxProperties"],
    };
    keys_within(node, &[DOC_ONLY, &["required", "properties"], object_keys])
        && node.get("properties").is_none_or(|props| {
            props
                .entries()
                .iter()
                .all(|(_, p)| keys_within(p, &[DOC_ONLY, VALIDATION_ONLY]))
        })
}

impl Schema {
    /// Reads the schema at `node` (which must not itself be resolved further here).
    pub fn read(node: &Node) -> Schema {
        let v = node.value();
        let (types, mut nullable) = read_types(node);
        let enum_values = read_enum(v, &mut nullable);
        let (reference, all_of) = read_all_of(node);
        let is_object =
            v.get("properties").is_some() || v.get("type") == Some(&Value::from("object"));
        let mut one_of = union_members(node, "oneOf", is_object, &mut nullable);
        let mut any_of = union_members(node, "anyOf", is_object, &mut nullable);
        // `oneOf: [{$ref}, {type: 'null'}]` is the 3.1 way of writing a nullable reference.
        let mut reference = reference;
        if reference.is_none()
            && all_of.is_empty()
            && !v.as_object().is_some_and(|m| m.contains_key("properties"))
        {
            for members in [&mut one_of, &mut any_of] {
                if let [only] = members.as_slice() {
                    if let Some(r) = only.ref_target() {
                        reference = Some((only.clone(), r));
                        members.clear();
                    }
                }
            }
        }
        Schema {
            reference,
            types,
            nullable,
            format: node.str("format").map(str::to_string),
            enum_values,
            properties: node
                .get("properties")
                .map(|p| p.entries())
                .unwrap_or_default(),
            required: read_required(v),
            additional: read_additional(node),
            items: node.get("items"),
            one_of,
            any_of,
            all_of,
            discriminator: read_discriminator(node),
            read_only: node.flag("readOnly"),
            write_only: node.flag("writeOnly"),
            description: node.str("description").map(str::to_string),
            title: node.str("title").map(str::to_string),
            has_not: node.get("not").is_some(),
            node: node.clone(),
        }
    }

    /// The schema describes an object with named members.
    pub fn is_object_like(&self) -> bool {
        !self.properties.is_empty() || !self.all_of.is_empty()
    }
}

/// `type` without `null`, and whether it allows `null` (3.0 `nullable`, a 3.1 `type` array
/// with `null`, `type: 'null'`).
fn read_types(node: &Node) -> (Vec<JsonType>, bool) {
    let mut nullable = node.flag("nullable");
    let mut types = Vec::new();
    match node.value().get("type") {
        Some(Value::String(t)) if t == "null" => nullable = true,
        Some(Value::String(t)) => types.extend(JsonType::parse(t)),
        Some(Value::Array(ts)) => {
            for t in ts.iter().filter_map(Value::as_str) {
                if t == "null" {
                    nullable = true;
                } else {
                    types.extend(JsonType::parse(t));
                }
            }
        }
        _ => {}
    }
    (types, nullable)
}

/// `enum`, or `const` as a one-value enum, without `null` (which sets `nullable`).
fn read_enum(v: &Value, nullable: &mut bool) -> Option<Vec<Value>> {
    let mut values = (v.get("enum").and_then(Value::as_array).cloned())
        .or_else(|| v.get("const").map(|c| vec![c.clone()]))?;
    if values.iter().any(Value::is_null) {
        *nullable = true;
        values.retain(|x| !x.is_null());
    }
    Some(values)
}

fn list(node: &Node, key: &str) -> Vec<Node> {
    node.get(key).map(|n| n.items()).unwrap_or_default()
}

/// `$ref`, and the `allOf` members that carry more than documentation. `allOf: [ {$ref} ]`
/// (plus documentation-only members) is the 3.0 way of writing `$ref` with siblings: it is
/// read as a plain reference.
fn read_all_of(node: &Node) -> (Option<(Node, String)>, Vec<Node>) {
    let mut all_of: Vec<Node> = (list(node, "allOf").into_iter())
        .filter(|n| !adds_no_shape(n))
        .collect();
    let reference = node.ref_target().map(|r| (node.clone(), r));
    if reference.is_none() && all_of.len() == 1 {
        if let Some(r) = all_of[0].ref_target() {
            let only_doc_siblings = !node.value().as_object().is_some_and(|m| {
                m.contains_key("properties") || m.contains_key("oneOf") || m.contains_key("anyOf")
            });
            if only_doc_siblings {
                let reference = Some((all_of[0].clone(), r));
                all_of.clear();
                return (reference, all_of);
            }
        }
    }
    (reference, all_of)
}

/// The members of `oneOf` or `anyOf` (`key`) that make it a union: `type: 'null'` members
/// are the 3.1 way to say nullable, and members that only say which of the parent's
/// properties go together make no union.
fn union_members(node: &Node, key: &str, parent_is_object: bool, nullable: &mut bool) -> Vec<Node> {
    let mut members: Vec<Node> = (list(node, key).into_iter())
        .filter(|m| {
            let is_null = m.str("type") == Some("null");
            *nullable |= is_null;
            !is_null
        })
        .collect();
    if !members.is_empty()
        && members
            .iter()
            .all(|m| is_constraint_only(m, parent_is_object))
    {
        members.clear();
    }
    members
}

fn read_required(v: &Value) -> Vec<String> {
    (v.get("required").and_then(Value::as_array))
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `additionalProperties` (or 2020-12's `unevaluatedProperties` where it is absent). The
/// members `patternProperties` allows are extra members too, kept in the same map: of the
/// one pattern's type, or raw JSON when several patterns or an extra schema could apply
/// (the patterns themselves are not checked).
fn read_additional(node: &Node) -> Additional {
    let declared = (node.get("additionalProperties"))
        .or_else(|| node.get("unevaluatedProperties"))
        .map(|n| additional_of(&n))
        .unwrap_or(Additional::Unspecified);
    let patterns = (node.get("patternProperties"))
        .map(|p| p.entries())
        .unwrap_or_default();
    match (declared, patterns.as_slice()) {
        (declared, []) => declared,
        (Additional::Unspecified | Additional::Forbidden, [(_, only)]) => additional_of(only),
        _ => Additional::Any,
    }
}

fn additional_of(n: &Node) -> Additional {
    match n.value() {
        Value::Bool(true) => Additional::Any,
        Value::Bool(false) => Additional::Forbidden,
        Value::Object(m) if m.is_empty() => Additional::Any,
        _ => Additional::Schema(n.clone()),
    }
}

fn read_discriminator(node: &Node) -> Option<Discriminator> {
    let d = node.get("discriminator")?;
    let mapping = (d.value().get("mapping").and_then(Value::as_object))
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Some(Discriminator {
        property: d.str("propertyName")?.to_string(),
        mapping,
    })
}
