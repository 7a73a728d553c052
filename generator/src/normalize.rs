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
        let mut nullable = node.flag("nullable");
        let mut types = Vec::new();
        match v.get("type") {
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
        let mut enum_values = v
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .or_else(|| v.get("const").map(|c| vec![c.clone()]));
        if let Some(values) = &mut enum_values {
            if values.iter().any(Value::is_null) {
                nullable = true;
                values.retain(|x| !x.is_null());
            }
        }
        let list = |key: &str| node.get(key).map(|n| n.items()).unwrap_or_default();
        let mut all_of: Vec<Node> = list("allOf")
            .into_iter()
            .filter(|n| !adds_no_shape(n))
            .collect();
        let mut reference = node.ref_target().map(|r| (node.clone(), r));
        // `allOf: [ {$ref} ]` (plus documentation-only members) is the 3.0 way of
        // writing `$ref` with siblings: treat it as a plain reference.
        if reference.is_none() && all_of.len() == 1 {
            if let Some(r) = all_of[0].ref_target() {
                let only_doc_siblings = !v.as_object().is_some_and(|m| {
                    m.contains_key("properties")
                        || m.contains_key("oneOf")
                        || m.contains_key("anyOf")
                });
                if only_doc_siblings {
                    reference = Some((all_of[0].clone(), r));
                    all_of.clear();
                }
            }
        }
        // `type: 'null'` members of oneOf/anyOf are the 3.1 way to say nullable.
        let mut strip_null = |members: Vec<Node>| -> Vec<Node> {
            members
                .into_iter()
                .filter(|m| {
                    let is_null = m.str("type") == Some("null");
                    if is_null {
                        nullable = true;
                    }
                    !is_null
                })
                .collect()
        };
        let mut one_of = strip_null(list("oneOf"));
        let mut any_of = strip_null(list("anyOf"));
        // Unions that only say which of the parent's properties go together are no union.
        let is_object =
            v.get("properties").is_some() || v.get("type") == Some(&Value::from("object"));
        for members in [&mut one_of, &mut any_of] {
            if !members.is_empty() && members.iter().all(|m| is_constraint_only(m, is_object)) {
                members.clear();
            }
        }
        // `oneOf: [{$ref}, {type: 'null'}]` is the 3.1 way of writing a nullable reference.
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
        let additional = match node.get("additionalProperties") {
            None => Additional::Unspecified,
            Some(n) => match n.value() {
                Value::Bool(true) => Additional::Any,
                Value::Bool(false) => Additional::Forbidden,
                Value::Object(m) if m.is_empty() => Additional::Any,
                _ => Additional::Schema(n),
            },
        };
        let discriminator = node.get("discriminator").and_then(|d| {
            Some(Discriminator {
                property: d.str("propertyName")?.to_string(),
                mapping: d
                    .value()
                    .get("mapping")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        });
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
            required: v
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            additional,
            items: node.get("items"),
            one_of,
            any_of,
            all_of,
            discriminator,
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
