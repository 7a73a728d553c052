//! Schemas → named types and type references.
//!
//! Unions (tagged, untagged, distributed over `allOf`) are in [`unions`]; an `allOf` of
//! non-objects in [`scalars`]; the final naming
//! pass, which gives every type a name without numbers, in [`naming`].

mod naming;
mod scalars;
mod shadowing;
mod unions;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::lint::{self, Findings};
use super::names::{distinct, note_wire_name, type_name, variant_names, Case, Chosen, Wire};
use crate::diag::{Result, Warning};
use crate::load::{Loader, Node};
use crate::model::{EnumVariant, Field, Presence, TypeDef, TypeKind, TypeRef, UntaggedVariant};
use crate::normalize::{Additional, JsonType, Schema};
use crate::timings::Stage;
use naming::Origin;

/// A property gathered from a schema and its `allOf` members: its last declaration, and
/// whether it is `readOnly` or `writeOnly` as the last declaration that says so says.
struct Member {
    wire: String,
    node: Node,
    read_only: bool,
    write_only: bool,
}

/// Builds the named types of the model while operations ask for the types they use.
pub struct Types<'a> {
    loader: &'a Loader,
    /// Finished (and in-progress) type definitions, by Rust name.
    pub defs: BTreeMap<String, TypeDef>,
    names: BTreeSet<String>,
    by_node: HashMap<String, String>,
    /// Payload struct → discriminator property to leave out of it.
    tag_fields: Vec<(String, String)>,
    /// Loose mappings that were made.
    pub warnings: Vec<Warning>,
    /// What the linter found in the schemas read.
    pub findings: Findings,
    linted: HashSet<String>,
    depth: usize,
    /// How each type came to be named, in the order the types were created.
    origins: Vec<(String, Origin)>,
    /// The types being defined, innermost last: the parent of an inline schema.
    defining: Vec<String>,
    /// The spec is OpenAPI 3.0 (else 3.1), whose schema keywords differ.
    openapi_3_0: bool,
}

impl<'a> Types<'a> {
    /// No types yet, for a spec of OpenAPI 3.0 (`openapi_3_0`) or 3.1.
    pub fn new(loader: &'a Loader, openapi_3_0: bool) -> Self {
        Types {
            loader,
            defs: BTreeMap::new(),
            names: super::names::RESERVED_TYPE_NAMES
                .iter()
                .map(|n| n.to_string())
                .collect(),
            by_node: HashMap::new(),
            tag_fields: Vec::new(),
            warnings: Vec::new(),
            findings: Findings::default(),
            linted: HashSet::new(),
            depth: 0,
            origins: Vec::new(),
            defining: Vec::new(),
            openapi_3_0,
        }
    }

    /// The type of the schema at `node`; `hint` names it if it must become a new named type.
    pub fn type_of(&mut self, node: &Node, hint: &str) -> Result<TypeRef> {
        let schema = self.read(node);
        if let Some((at, reference)) = &schema.reference {
            let target = self.loader.resolve(at, reference)?;
            return self.named(&target);
        }
        if needs_definition(&schema) {
            // One schema location is one type, however it is reached; this also ends
            // recursion through inline schemas (an `allOf` that refers back to its parent).
            if let Some(name) = self.by_node.get(&node.key()) {
                return Ok(TypeRef::Named(name.clone()));
            }
            let name = self.new_name(type_name(hint), None);
            self.by_node.insert(node.key(), name.clone());
            self.nested(node, |types| types.define(name.clone(), &schema))?;
            return Ok(TypeRef::Named(name));
        }
        self.nested(node, |types| types.plain(&schema, hint))
    }

    /// Runs `f` one nesting level deeper; a spec nested deeper than any real one is an error,
    /// not a stack overflow.
    fn nested<T>(&mut self, node: &Node, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        const MAX_DEPTH: usize = 64;
        if self.depth >= MAX_DEPTH {
            return Err(crate::diag::Error::spec(
                node.location(),
                format!("schemas nested more than {MAX_DEPTH} deep"),
            ));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// The type of the schema `node` of `components` (the name its references would give).
    pub fn component(&mut self, node: &Node) -> Result<TypeRef> {
        self.named(node)
    }

    /// The named type for a `$ref` target, defined on first use.
    fn named(&mut self, target: &Node) -> Result<TypeRef> {
        let target = self.loader.deref(target)?;
        if let Some(name) = self.by_node.get(&target.key()) {
            return Ok(TypeRef::Named(name.clone()));
        }
        let name = self.new_name(type_name(&schema_name(&target)), Some(&target));
        self.by_node.insert(target.key(), name.clone());
        let schema = self.read(&target);
        self.define(name.clone(), &schema)?;
        Ok(TypeRef::Named(name))
    }

    /// Defines `name` from `schema`. The name is reserved before anything nested is
    /// analyzed, so recursive schemas terminate.
    fn define(&mut self, name: String, schema: &Schema) -> Result<()> {
        self.defining.push(name.clone());
        let result = self.define_kind(name, schema);
        self.defining.pop();
        result
    }

    fn define_kind(&mut self, name: String, schema: &Schema) -> Result<()> {
        self.defs
            .insert(name.clone(), self.placeholder(&name, schema));
        let kind = if !schema.one_of.is_empty() || !schema.any_of.is_empty() {
            self.union(&name, schema)?
        } else if let Some(disc) = schema
            .discriminator
            .as_ref()
            .filter(|d| !d.mapping.is_empty())
        {
            self.tagged(&name, schema, disc, &[], None)?
        } else if let Some(kind) = self.distributed(&name, schema)? {
            kind
        } else if let Some(kind) = self.scalar_all_of(&name, schema)? {
            kind
        } else if let Some(variants) = string_enum(schema) {
            TypeKind::StringEnum { variants }
        } else if schema.is_object_like() {
            self.structure(&name, schema)?
        } else {
            TypeKind::Alias(self.plain(schema, &name)?)
        };
        if let Some(def) = self.defs.get_mut(&name) {
            def.kind = kind;
        }
        Ok(())
    }

    /// Reads a schema, linting it the first time it is read.
    fn read(&mut self, node: &Node) -> Schema {
        if self.linted.insert(node.key()) {
            let findings = &mut self.findings;
            let openapi_3_0 = self.openapi_3_0;
            self.loader
                .clock()
                .time(Stage::Lint, || lint::schema(node, openapi_3_0, findings));
        }
        Schema::read(node)
    }

    /// A type definition of `schema` that is not filled in yet.
    fn placeholder(&self, name: &str, schema: &Schema) -> TypeDef {
        TypeDef {
            name: name.to_string(),
            doc: schema.description.clone().or_else(|| schema.title.clone()),
            origin: schema.node.location(),
            kind: TypeKind::Alias(TypeRef::Json),
            in_request: false,
            in_response: false,
            used_by: Default::default(),
        }
    }

    /// Types that need no definition of their own: primitives, arrays, maps.
    fn plain(&mut self, schema: &Schema, hint: &str) -> Result<TypeRef> {
        if schema.node.value() == &Value::Bool(false) {
            self.warn(
                &schema.node,
                "the schema `false` allows no value; using serde_json::Value",
            );
            return Ok(TypeRef::Json);
        }
        if schema.has_not && schema.types.is_empty() {
            self.warn(
                &schema.node,
                "`not` cannot be expressed in Rust types; using serde_json::Value",
            );
            return Ok(TypeRef::Json);
        }
        let ty = match schema.types.as_slice() {
            [JsonType::String] => match schema.format.as_deref() {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                Some("password") => TypeRef::Secret,
                _ => TypeRef::String,
            },
            [JsonType::Integer] => match schema.format.as_deref() {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            },
            [JsonType::Number] => TypeRef::F64,
            [JsonType::Boolean] => TypeRef::Bool,
            [JsonType::Array] => self.array(schema, hint)?,
            [JsonType::Object] => self.map(schema, hint)?,
            [] if schema.items.is_some() => self.array(schema, hint)?,
            [] if !matches!(schema.additional, Additional::Unspecified) => {
                self.map(schema, hint)?
            }
            [] => TypeRef::Json,
            several => return self.multi_type(schema, several, hint),
        };
        Ok(ty)
    }

    /// `type: [string, integer, ...]`: an untagged enum with a variant per type, tried in an
    /// order that keeps integers from being read as floats.
    fn multi_type(&mut self, schema: &Schema, types: &[JsonType], hint: &str) -> Result<TypeRef> {
        // One schema location is one type, however often it is reached.
        let key = format!("multi|{}", schema.node.key());
        if let Some(name) = self.by_node.get(&key) {
            return Ok(TypeRef::Named(name.clone()));
        }
        let mut ordered = types.to_vec();
        ordered.sort_by_key(|t| match t {
            JsonType::Boolean => 0,
            JsonType::Integer => 1,
            JsonType::Number => 2,
            JsonType::String => 3,
            JsonType::Array => 4,
            JsonType::Object => 5,
        });
        let mut variants = Vec::new();
        for t in ordered {
            let single = Schema {
                types: vec![t],
                ..schema.clone()
            };
            let (name, ty) = match t {
                JsonType::Boolean => ("Boolean", TypeRef::Bool),
                JsonType::Integer => ("Integer", TypeRef::I64),
                JsonType::Number => ("Number", TypeRef::F64),
                JsonType::String => ("String", self.plain(&single, hint)?),
                JsonType::Array => ("Array", self.array(&single, hint)?),
                JsonType::Object => ("Object", self.map(&single, hint)?),
            };
            variants.push(UntaggedVariant {
                name: name.to_string(),
                ty,
            });
        }
        let name = self.new_name(type_name(hint), None);
        self.by_node.insert(key, name.clone());
        self.defs.insert(
            name.clone(),
            TypeDef {
                name: name.clone(),
                doc: schema.description.clone().or_else(|| schema.title.clone()),
                origin: schema.node.location(),
                kind: TypeKind::Untagged { variants },
                in_request: false,
                in_response: false,
                used_by: Default::default(),
            },
        );
        Ok(TypeRef::Named(name))
    }

    fn array(&mut self, schema: &Schema, hint: &str) -> Result<TypeRef> {
        let item = match &schema.items {
            Some(items) => self.element(items, &format!("{hint}Item"))?,
            None => TypeRef::Json,
        };
        Ok(TypeRef::Array(Box::new(item)))
    }

    fn map(&mut self, schema: &Schema, hint: &str) -> Result<TypeRef> {
        let value = match &schema.additional {
            Additional::Schema(n) => self.element(n, &format!("{hint}Value"))?,
            _ => TypeRef::Json,
        };
        Ok(TypeRef::Map(Box::new(value)))
    }

    /// The type of an array item or map value: `Nullable` when the schema (or the one it
    /// refers to) allows `null`.
    fn element(&mut self, node: &Node, hint: &str) -> Result<TypeRef> {
        let ty = self.type_of(node, hint)?;
        let own = self.read(node);
        let nullable = own.nullable
            || match &own.reference {
                Some((at, r)) => {
                    let target = self.loader.deref(&self.loader.resolve(at, r)?)?;
                    self.read(&target).nullable
                }
                None => false,
            };
        Ok(match ty {
            TypeRef::Json => TypeRef::Json,
            ty if nullable => TypeRef::Nullable(Box::new(ty)),
            ty => ty,
        })
    }

    fn structure(&mut self, name: &str, schema: &Schema) -> Result<TypeKind> {
        let mut properties: Vec<Member> = Vec::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut additional = schema.additional.clone();
        self.collect_members(schema, &mut properties, &mut required, &mut additional, 0)?;
        let mut undeclared = Vec::new();
        if matches!(additional, Additional::Unspecified | Additional::Forbidden) {
            let declared: Vec<&str> = properties.iter().map(|m| m.wire.as_str()).collect();
            undeclared = (required.iter())
                .filter(|r| !declared.contains(&r.as_str()))
                .cloned()
                .collect();
            lint::required_without_property(
                &schema.node,
                &undeclared,
                &declared,
                &mut self.findings,
            );
        }
        let wires = (properties.iter().map(|m| m.wire.as_str()))
            .chain(undeclared.iter().map(String::as_str));
        let wires: Vec<Wire> = wires.map(Wire::new).collect();
        let mut names = distinct(&wires, Case::Snake, &mut BTreeSet::new()).into_iter();
        let mut fields = Vec::with_capacity(properties.len());
        for member in properties {
            let chosen = names.next().expect("a name per member");
            let required = required.contains(&member.wire);
            fields.push(self.field(name, member, chosen, required)?);
        }
        fields.extend(raw_members(undeclared, names));
        let additional = match additional {
            Additional::Schema(n) => Some(self.type_of(&n, &format!("{name}Extra"))?),
            Additional::Any => Some(TypeRef::Json),
            Additional::Unspecified | Additional::Forbidden => None,
        };
        Ok(TypeKind::Struct {
            fields,
            additional,
            default: false,
        })
    }

    /// The field of struct `name` for `member`, named `chosen`.
    fn field(
        &mut self,
        name: &str,
        member: Member,
        chosen: Chosen,
        required: bool,
    ) -> Result<Field> {
        // `read_only` and `write_only` as the last declaration that says so (see
        // `collect_members`).
        let Member {
            wire,
            node,
            read_only,
            write_only,
        } = member;
        let own = self.read(&node);
        let target = match &own.reference {
            Some((at, r)) => {
                let target = self.loader.deref(&self.loader.resolve(at, r)?)?;
                Some(self.read(&target))
            }
            None => None,
        };
        let nullable = own.nullable || target.as_ref().is_some_and(|t| t.nullable);
        let doc = own
            .description
            .clone()
            .or_else(|| target.as_ref().and_then(|t| t.description.clone()));
        let ty = self.type_of(&node, &format!("{name}{}", type_name(&wire)))?;
        let Chosen {
            name: field_name,
            renamed,
        } = chosen;
        let doc = match renamed {
            true => note_wire_name(doc, &wire),
            false => doc,
        };
        Ok(Field {
            presence: presence(required && !read_only && !write_only, nullable),
            required,
            nullable,
            name: field_name,
            wire,
            ty,
            doc,
            read_only,
            write_only,
            boxed: false,
            constructor: None,
        })
    }

    /// What a property's schema (or the one it refers to) says of `readOnly` and
    /// `writeOnly`, where it says anything.
    fn directions(&mut self, node: &Node) -> Result<(Option<bool>, Option<bool>)> {
        let said = |n: &Node, key: &str| n.value().get(key).and_then(serde_json::Value::as_bool);
        let own = self.read(node);
        let target = match &own.reference {
            Some((at, r)) => Some(self.loader.deref(&self.loader.resolve(at, r)?)?),
            None => None,
        };
        let either =
            |key: &str| said(node, key).or_else(|| target.as_ref().and_then(|t| said(t, key)));
        Ok((either("readOnly"), either("writeOnly")))
    }

    /// Gathers properties and `required` from a schema and, recursively, its `allOf` members.
    fn collect_members(
        &mut self,
        schema: &Schema,
        properties: &mut Vec<Member>,
        required: &mut BTreeSet<String>,
        additional: &mut Additional,
        depth: usize,
    ) -> Result<()> {
        if depth > 32 {
            return Err(crate::diag::Error::spec(
                schema.node.location(),
                "allOf nested too deeply (a cycle?)",
            ));
        }
        for member in &schema.all_of {
            let member = self.loader.deref(member)?;
            let m = self.read(&member);
            if !m.one_of.is_empty() || !m.any_of.is_empty() {
                self.warn(&member, "oneOf/anyOf inside allOf is not merged; its members are left out of the struct");
            }
            if !m.types.is_empty() && !m.types.contains(&JsonType::Object) {
                let message = format!("this allOf member is not an object ({}), but another member has properties; the struct leaves it out", type_list(&m.types));
                self.warn(&member, &message);
            }
            if matches!(additional, Additional::Unspecified) {
                *additional = m.additional.clone();
            }
            self.collect_members(&m, properties, required, additional, depth + 1)?;
        }
        for (wire, node) in &schema.properties {
            // A later declaration that says nothing keeps what an earlier one said (an
            // `allOf` member `customerId: {readOnly: true}`); one that says `false` undoes it.
            let (read_only, write_only) = self.directions(node)?;
            match properties.iter_mut().find(|m| m.wire == *wire) {
                Some(slot) => {
                    slot.node = node.clone();
                    slot.read_only = read_only.unwrap_or(slot.read_only);
                    slot.write_only = write_only.unwrap_or(slot.write_only);
                }
                None => properties.push(Member {
                    wire: wire.clone(),
                    node: node.clone(),
                    read_only: read_only.unwrap_or(false),
                    write_only: write_only.unwrap_or(false),
                }),
            }
        }
        required.extend(schema.required.iter().cloned());
        Ok(())
    }

    /// The discriminator members of tagged unions' payloads: (payload struct, tag property).
    pub fn take_tag_fields(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.tag_fields)
    }

    fn warn(&mut self, node: &Node, message: &str) {
        self.warnings.push(Warning {
            location: node.location(),
            message: message.to_string(),
        });
    }
}

/// The name a schema is known by: its file's stem for a whole file, else its last pointer segment.
pub(super) fn schema_name(target: &Node) -> String {
    if target.pointer().is_empty() {
        target
            .file_path()
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        target.last_segment().unwrap_or_default()
    }
}

/// Fields for the members `required` names and no property declares (JSON Schema allows it):
/// raw JSON, optional, so that a body without them still decodes.
fn raw_members(wires: Vec<String>, names: impl Iterator<Item = Chosen>) -> Vec<Field> {
    let field = |(wire, chosen): (String, Chosen)| Field {
        presence: presence(false, false),
        required: false,
        nullable: false,
        name: chosen.name,
        doc: Some(format!(
            "Required by the API, which gives no schema for `{wire}`: raw JSON."
        )),
        wire,
        ty: TypeRef::Json,
        read_only: false,
        write_only: false,
        boxed: false,
        constructor: None,
    };
    wires.into_iter().zip(names).map(field).collect()
}

/// The Rust shape of a field that is (or is not) always present.
pub fn presence(always: bool, nullable: bool) -> Presence {
    match (always, nullable) {
        (true, false) => Presence::Required,
        (true, true) => Presence::RequiredNullable,
        (false, false) => Presence::Optional,
        (false, true) => Presence::OptionalNullable,
    }
}

fn needs_definition(schema: &Schema) -> bool {
    !schema.one_of.is_empty()
        || !schema.any_of.is_empty()
        || string_enum(schema).is_some()
        || schema.is_object_like()
        || schema
            .discriminator
            .as_ref()
            .is_some_and(|d| !d.mapping.is_empty())
}

/// The variants of a string enum, if the schema is one.
/// `string, integer` for a warning.
fn type_list(types: &[JsonType]) -> String {
    let names: Vec<String> = types
        .iter()
        .map(|t| format!("{t:?}").to_lowercase())
        .collect();
    names.join(", ")
}

fn string_enum(schema: &Schema) -> Option<Vec<EnumVariant>> {
    let values = schema.enum_values.as_ref()?;
    if values.is_empty() || !values.iter().all(Value::is_string) {
        return None;
    }
    let wires: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    // `Unknown` is the catch-all variant's name.
    let names = variant_names(&wires, &["Unknown"]);
    Some(
        wires
            .iter()
            .zip(names)
            .map(|(wire, name)| EnumVariant {
                wire: wire.to_string(),
                name,
            })
            .collect(),
    )
}
