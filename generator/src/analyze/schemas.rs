//! Schemas → named types and type references.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::lint::{self, Findings};
use super::names::{type_name, unique, value_name, variant_names};
use crate::diag::{Result, Warning};
use crate::load::{Loader, Node};
use crate::model::{EnumVariant, Field, Presence, TaggedVariant, TypeDef, TypeKind, TypeRef};
use crate::normalize::{Additional, Discriminator, JsonType, Schema};

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
}

/// Where a type's name comes from, for the final naming pass.
#[derive(Debug, Clone)]
enum Origin {
    /// A schema file or component: named after it (`key` tells two of the same name apart).
    Named { base: String, key: String },
    /// An inline schema, named after its parent (`None`: after an operation) and a suffix.
    Inline {
        base: String,
        parent: Option<String>,
    },
}

impl<'a> Types<'a> {
    /// No types yet.
    pub fn new(loader: &'a Loader) -> Self {
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

    /// A provisional name for a new type (unique, possibly numbered), recorded with its origin
    /// so that [`Types::final_names`] can name every type without numbers.
    fn new_name(&mut self, base: String, named_after: Option<&Node>) -> String {
        let name = unique(base.clone(), &mut self.names);
        let origin = match named_after {
            Some(node) => Origin::Named {
                base,
                key: node.key(),
            },
            None => Origin::Inline {
                base,
                parent: self.defining.last().cloned(),
            },
        };
        self.origins.push((name.clone(), origin));
        name
    }

    /// Final names, provisional → final, for the types that are kept: schema files and
    /// components first (they keep their own name; two of the same name are told apart by
    /// their folders), then inline schemas (named after their parent's final name; one that
    /// meets a schema's name gets its kind appended). Names that still collide keep a number,
    /// with a warning.
    pub fn final_names(&mut self, kept: &BTreeMap<String, TypeDef>) -> BTreeMap<String, String> {
        let mut taken: BTreeSet<String> = super::names::RESERVED_TYPE_NAMES
            .iter()
            .map(|n| n.to_string())
            .collect();
        let mut map = BTreeMap::new();
        let mut named: Vec<(&String, &String, &String)> = self
            .origins
            .iter()
            .filter(|(name, _)| kept.contains_key(name))
            .filter_map(|(name, origin)| match origin {
                Origin::Named { base, key } => Some((base, key, name)),
                Origin::Inline { .. } => None,
            })
            .collect();
        named.sort();
        let mut collisions = Vec::new();
        for (base, key, name) in named {
            let folders: Vec<String> = key
                .split('#')
                .next()
                .unwrap_or_default()
                .rsplit('/')
                .skip(1)
                .take(3)
                .map(type_name)
                .collect();
            let mut candidates = vec![base.clone()];
            let mut prefix = String::new();
            for folder in &folders {
                prefix = format!("{folder}{prefix}");
                candidates.push(format!("{prefix}{base}"));
            }
            let chosen = candidates.into_iter().find(|c| taken.insert(c.clone()));
            let chosen = chosen.unwrap_or_else(|| {
                collisions.push(key.clone());
                unique(base.clone(), &mut taken)
            });
            map.insert(name.clone(), chosen);
        }
        for (name, origin) in &self.origins {
            let (Origin::Inline { base, parent }, Some(def)) = (origin, kept.get(name)) else {
                continue;
            };
            let base = match parent.as_ref().and_then(|p| Some((p, map.get(p)?))) {
                Some((provisional, fin)) if base.starts_with(provisional.as_str()) => {
                    format!("{fin}{}", &base[provisional.len()..])
                }
                _ => base.clone(),
            };
            let kind = match def.kind {
                TypeKind::Struct { .. } => "Object",
                TypeKind::StringEnum { .. } => "Enum",
                TypeKind::Tagged { .. } | TypeKind::Untagged { .. } => "Union",
                TypeKind::Alias(_) => "Value",
            };
            let chosen = [base.clone(), format!("{base}{kind}")]
                .into_iter()
                .find(|c| taken.insert(c.clone()));
            let chosen = chosen.unwrap_or_else(|| {
                collisions.push(def.origin.to_string());
                unique(base.clone(), &mut taken)
            });
            map.insert(name.clone(), chosen);
        }
        for at in collisions {
            self.warnings.push(Warning {
                location: kept
                    .values()
                    .find(|d| d.origin.to_string() == at)
                    .map_or_else(
                        || crate::diag::Location {
                            file: at.clone().into(),
                            pointer: String::new(),
                            line: None,
                        },
                        |d| d.origin.clone(),
                    ),
                message: "no name of its own could be derived for this type; it has a number"
                    .into(),
            });
        }
        map
    }

    /// Reads a schema, linting it the first time it is read.
    fn read(&mut self, node: &Node) -> Schema {
        if self.linted.insert(node.key()) {
            lint::schema(node, &mut self.findings);
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
            variants.push((name.to_string(), ty));
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
        let mut properties: Vec<(String, Node)> = Vec::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut additional = schema.additional.clone();
        self.collect_members(schema, &mut properties, &mut required, &mut additional, 0)?;
        if matches!(additional, Additional::Unspecified | Additional::Forbidden) {
            let declared: Vec<&str> = properties.iter().map(|(w, _)| w.as_str()).collect();
            let required: Vec<String> = required.iter().cloned().collect();
            lint::required_without_property(&schema.node, &required, &declared, &mut self.findings);
        }
        let mut taken = BTreeSet::new();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, node) in properties {
            let own = self.read(&node);
            let target = match &own.reference {
                Some((at, r)) => {
                    let target = self.loader.deref(&self.loader.resolve(at, r)?)?;
                    Some(self.read(&target))
                }
                None => None,
            };
            let read_only = own.read_only || target.as_ref().is_some_and(|t| t.read_only);
            let write_only = own.write_only || target.as_ref().is_some_and(|t| t.write_only);
            let nullable = own.nullable || target.as_ref().is_some_and(|t| t.nullable);
            let doc = own
                .description
                .clone()
                .or_else(|| target.as_ref().and_then(|t| t.description.clone()));
            let ty = self.type_of(&node, &format!("{name}{}", type_name(&wire)))?;
            let required = required.contains(&wire);
            fields.push(Field {
                presence: presence(required && !read_only && !write_only, nullable),
                required,
                nullable,
                name: unique(value_name(&wire), &mut taken),
                wire,
                ty,
                doc,
                read_only,
                write_only,
                boxed: false,
            });
        }
        let additional = match additional {
            Additional::Schema(n) => Some(self.type_of(&n, &format!("{name}Extra"))?),
            Additional::Any => Some(TypeRef::Json),
            Additional::Unspecified | Additional::Forbidden => None,
        };
        Ok(TypeKind::Struct { fields, additional })
    }

    /// Gathers properties and `required` from a schema and, recursively, its `allOf` members.
    fn collect_members(
        &mut self,
        schema: &Schema,
        properties: &mut Vec<(String, Node)>,
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
            if matches!(additional, Additional::Unspecified) {
                *additional = m.additional.clone();
            }
            self.collect_members(&m, properties, required, additional, depth + 1)?;
        }
        for (wire, node) in &schema.properties {
            match properties.iter_mut().find(|(w, _)| w == wire) {
                Some(slot) => slot.1 = node.clone(),
                None => properties.push((wire.clone(), node.clone())),
            }
        }
        required.extend(schema.required.iter().cloned());
        Ok(())
    }

    fn union(&mut self, name: &str, schema: &Schema) -> Result<TypeKind> {
        let members = if schema.one_of.is_empty() {
            &schema.any_of
        } else {
            &schema.one_of
        };
        match &schema.discriminator {
            Some(disc) => self.tagged(name, schema, disc, members, None),
            None => self.untagged(name, members, None),
        }
    }

    /// `allOf` with a member that is a union (`oneOf`/`anyOf`): the union distributed over
    /// the other members, so that each variant carries the union member's members and every
    /// other member's. `None` when no member is a union.
    fn distributed(&mut self, name: &str, schema: &Schema) -> Result<Option<TypeKind>> {
        let mut union = None;
        for (i, member) in schema.all_of.iter().enumerate() {
            let member = self.loader.deref(member)?;
            let read = self.read(&member);
            if !read.one_of.is_empty() || !read.any_of.is_empty() {
                union = Some((i, read));
                break;
            }
        }
        let Some((i, union)) = union else {
            return Ok(None);
        };
        let mut rest = schema.clone();
        rest.all_of.remove(i);
        rest.discriminator = None;
        let members = if union.one_of.is_empty() {
            &union.any_of
        } else {
            &union.one_of
        };
        Ok(Some(match &union.discriminator {
            Some(disc) => self.tagged(name, &union, disc, members, Some(&rest))?,
            None => self.untagged(name, members, Some(&rest))?,
        }))
    }

    /// The struct of one union member merged with `rest` (the other members of an `allOf`),
    /// named after the union and the member; one per member however often it is mapped.
    fn merged(&mut self, name: &str, member: &Node, label: &str, rest: &Schema) -> Result<TypeRef> {
        let target = self.loader.deref(member)?;
        let key = format!("{name}|{}", target.key());
        if let Some(existing) = self.by_node.get(&key) {
            return Ok(TypeRef::Named(existing.clone()));
        }
        let struct_name = self.new_name(type_name(&format!("{name}{label}")), None);
        self.by_node.insert(key, struct_name.clone());
        let mut whole = rest.clone();
        whole.all_of.insert(0, member.clone());
        let described = Schema::read(&target);
        let mut def = self.placeholder(&struct_name, &described);
        def.doc = def.doc.or_else(|| rest.description.clone());
        self.defs.insert(struct_name.clone(), def);
        self.defining.push(struct_name.clone());
        let kind = self.nested(member, |types| types.structure(&struct_name, &whole));
        self.defining.pop();
        let kind = kind?;
        if let Some(def) = self.defs.get_mut(&struct_name) {
            def.kind = kind;
        }
        Ok(TypeRef::Named(struct_name))
    }

    /// A union tagged by `disc`: its variants are the mapping's entries, or else the
    /// members named by their schema names. Also the polymorphism of a base schema whose
    /// mapping names subtypes that extend it with `allOf` (no `oneOf`): wherever the base is
    /// used, any of its subtypes may be.
    fn tagged(
        &mut self,
        name: &str,
        schema: &Schema,
        disc: &Discriminator,
        members: &[Node],
        rest: Option<&Schema>,
    ) -> Result<TypeKind> {
        let mut mapping: Vec<(String, Node)> = Vec::new();
        if disc.mapping.is_empty() {
            for m in members {
                let target = self.loader.deref(m)?;
                let value = target
                    .file_path()
                    .file_stem()
                    .filter(|_| target.pointer().is_empty())
                    .map(|s| s.to_string_lossy().into_owned())
                    .or_else(|| target.last_segment())
                    .unwrap_or_default();
                mapping.push((value, m.clone()));
            }
        } else {
            for (value, reference) in &disc.mapping {
                let reference = if reference.contains('/') || reference.contains('.') {
                    reference.clone()
                } else {
                    format!("#/components/schemas/{reference}")
                };
                mapping.push((
                    value.clone(),
                    self.loader.resolve(&schema.node, &reference)?,
                ));
            }
        }
        // `Unknown` is the catch-all variant of unions that are received.
        let wires: Vec<&str> = mapping.iter().map(|(w, _)| w.as_str()).collect();
        let mut names = variant_names(&wires, &["Unknown"]).into_iter();
        let mut variants = Vec::new();
        let own_key = schema.node.key();
        for (tag_value, node) in mapping {
            let variant_name = names.next().unwrap_or_default();
            let target = self.loader.deref(&node)?;
            let payload = if let Some(rest) = rest {
                self.merged(name, &node, &schema_name(&target), rest)?
            } else if self.is_schema(&target, &own_key)? {
                // The base maps a value to itself, or to a subtype that only refers to the base:
                // that variant carries the base's own members.
                self.base_members(name, schema, &target)?
            } else {
                self.named(&node)?
            };
            match payload {
                TypeRef::Named(payload) => {
                    self.tag_fields
                        .push((payload.clone(), disc.property.clone()));
                    variants.push(TaggedVariant {
                        name: variant_name,
                        tag_value,
                        payload,
                    });
                }
                other => {
                    self.warn(&node, &format!("discriminated variant is not an object ({other:?}); using an untagged union"));
                    return self.untagged(name, members, rest);
                }
            }
        }
        Ok(TypeKind::Tagged {
            tag: disc.property.clone(),
            variants,
        })
    }

    /// `target` is the schema whose node key is `key`, or only a reference to it.
    fn is_schema(&self, target: &Node, key: &str) -> Result<bool> {
        if target.key() == key {
            return Ok(true);
        }
        match Schema::read(target).reference {
            Some((at, r)) => Ok(self.loader.deref(&self.loader.resolve(&at, &r)?)?.key() == key),
            None => Ok(false),
        }
    }

    /// The struct of a polymorphic base's own members, for the variant mapped to `target`
    /// (the base itself, or a subtype that adds nothing), named after `target`.
    fn base_members(&mut self, name: &str, base: &Schema, target: &Node) -> Result<TypeRef> {
        if let Some(existing) = self.by_node.get(&target.key()) {
            if existing != name {
                return Ok(TypeRef::Named(existing.clone()));
            }
        }
        let own = if target.key() == base.node.key() {
            format!("{name}Base")
        } else {
            schema_name(target)
        };
        let named_after = (target.key() != base.node.key()).then_some(target);
        self.defining.push(name.to_string());
        let struct_name = self.new_name(type_name(&own), named_after);
        self.defining.pop();
        if target.key() != base.node.key() {
            self.by_node.insert(target.key(), struct_name.clone());
        }
        let described = Schema::read(target);
        let mut def = self.placeholder(&struct_name, &described);
        self.defining.push(struct_name.clone());
        let kind = self.structure(&struct_name, base);
        self.defining.pop();
        def.kind = kind?;
        self.defs.insert(struct_name.clone(), def);
        Ok(TypeRef::Named(struct_name))
    }

    fn untagged(
        &mut self,
        name: &str,
        members: &[Node],
        rest: Option<&Schema>,
    ) -> Result<TypeKind> {
        let mut taken = BTreeSet::new();
        let mut variants = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let label = self.member_label(m, i)?;
            let ty = match rest {
                Some(rest) => self.merged(name, m, &label, rest)?,
                None => self.type_of(m, &format!("{name}{label}"))?,
            };
            let base = match &ty {
                TypeRef::Named(n) => n.clone(),
                TypeRef::Array(_) => "Array".into(),
                TypeRef::Map(_) => "Object".into(),
                TypeRef::Nullable(_) => "Nullable".into(),
                other => format!("{other:?}"),
            };
            variants.push((unique(base, &mut taken), ty));
        }
        Ok(TypeKind::Untagged { variants })
    }

    /// What an untagged union's member is called: the schema it refers to; else its `title`;
    /// else the one schema its `allOf` refers to; else its position.
    fn member_label(&self, member: &Node, index: usize) -> Result<String> {
        if member.ref_target().is_some() {
            return Ok(type_name(&schema_name(&self.loader.deref(member)?)));
        }
        if let Some(title) = member.str("title") {
            return Ok(type_name(title));
        }
        let refs: Vec<Node> = member
            .get("allOf")
            .map(|a| a.items())
            .unwrap_or_default()
            .into_iter()
            .filter(|n| n.ref_target().is_some())
            .collect();
        if let [only] = refs.as_slice() {
            return Ok(type_name(&schema_name(&self.loader.deref(only)?)));
        }
        Ok(format!("Variant{}", index + 1))
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
fn schema_name(target: &Node) -> String {
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
