//! Unions: `oneOf`/`anyOf` with a discriminator (tagged) or without (untagged), base-schema
//! polymorphism (a `discriminator.mapping` without `oneOf`), and a union inside `allOf`
//! (distributed over the other members).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::analyze::names::{distinct, type_name, variant_names, Case, Wire};
use crate::diag::Result;
use crate::load::Node;
use crate::model::{TaggedVariant, TypeKind, TypeRef, UntaggedVariant};
use crate::normalize::{Discriminator, Schema};

use super::{schema_name, Types};

/// Tag values and the schema each one selects.
type Mapping = Vec<(String, Node)>;

/// How a union is tagged: the tag property, and whether its members are inline schemas
/// named after the union (an implicit tag) rather than schemas of their own.
#[derive(Clone, Copy)]
struct Tagging<'a> {
    tag: &'a str,
    inline: bool,
}

impl Types<'_> {
    pub(super) fn union(&mut self, name: &str, schema: &Schema) -> Result<TypeKind> {
        let members = if schema.one_of.is_empty() {
            &schema.any_of
        } else {
            &schema.one_of
        };
        match &schema.discriminator {
            Some(disc) => self.tagged(name, schema, disc, members, None),
            None => match self.implicit_tag(members)? {
                Some((tag, mapping)) => {
                    let tagging = Tagging {
                        tag: &tag,
                        inline: true,
                    };
                    self.tagged_variants(name, schema, tagging, mapping, members, None)
                }
                None => self.untagged(name, members, None),
            },
        }
    }

    /// A tag the members of a union without a discriminator carry all the same: a required
    /// property whose schema allows one string, a different one in each member (`{type:
    /// {enum: [i64]}, datum: ...}`, as schemars writes Rust enums). The union is then read
    /// by that tag, as a discriminator's is, and its variants are named after the values.
    fn implicit_tag(&mut self, members: &[Node]) -> Result<Option<(String, Mapping)>> {
        let mut tag: Option<String> = None;
        let mut mapping = Vec::new();
        for member in members {
            let target = self.loader.deref(member)?;
            let read = self.read(&target);
            let mut found = None;
            for (property, node) in &read.properties {
                let allowed = self.read(&self.loader.deref(node)?).enum_values;
                let one = match allowed.as_deref() {
                    Some([Value::String(one)]) => one.clone(),
                    _ => continue,
                };
                let fits =
                    read.required.contains(property) && tag.as_ref().is_none_or(|t| t == property);
                if fits {
                    found = Some((property.clone(), one));
                    break;
                }
            }
            let Some((property, value)) = found else {
                return Ok(None);
            };
            if mapping.iter().any(|(v, _)| *v == value) {
                return Ok(None);
            }
            tag = Some(property);
            mapping.push((value, member.clone()));
        }
        Ok(tag.filter(|_| mapping.len() > 1).map(|t| (t, mapping)))
    }

    /// `allOf` with a member that is a union (`oneOf`/`anyOf`): the union distributed over
    /// the other members, so that each variant carries the union member's members and every
    /// other member's. `None` when no member is a union.
    pub(super) fn distributed(&mut self, name: &str, schema: &Schema) -> Result<Option<TypeKind>> {
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
    pub(super) fn tagged(
        &mut self,
        name: &str,
        schema: &Schema,
        disc: &Discriminator,
        members: &[Node],
        rest: Option<&Schema>,
    ) -> Result<TypeKind> {
        let mut mapping: Mapping = Vec::new();
        if disc.mapping.is_empty() {
            for m in members {
                mapping.push((schema_name(&self.loader.deref(m)?), m.clone()));
            }
        } else {
            for (value, reference) in &disc.mapping {
                let reference = crate::load::mapping_reference(reference);
                mapping.push((
                    value.clone(),
                    self.loader.resolve(&schema.node, &reference)?,
                ));
            }
        }
        let tagging = Tagging {
            tag: &disc.property,
            inline: false,
        };
        self.tagged_variants(name, schema, tagging, mapping, members, rest)
    }

    /// The variants of a union read by its tag: a payload per (tag value, schema) of
    /// `mapping`.
    fn tagged_variants(
        &mut self,
        name: &str,
        schema: &Schema,
        tagging: Tagging,
        mapping: Mapping,
        members: &[Node],
        rest: Option<&Schema>,
    ) -> Result<TypeKind> {
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
            } else if tagging.inline && node.ref_target().is_none() {
                // An inline member is named after the union and its tag value.
                self.type_of(&node, &format!("{name}{variant_name}"))?
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
                        .push((payload.clone(), tagging.tag.to_string()));
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
            tag: tagging.tag.to_string(),
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
        let mut read = Vec::new();
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
            read.push((ty, base, label));
        }
        // Two members of the same type (two arrays) are told apart by their labels.
        let wires: Vec<Wire> = (read.iter())
            .map(|(_, base, label)| Wire::with_context(base, label))
            .collect();
        let names = distinct(&wires, Case::Camel, &mut BTreeSet::new());
        let variants: Vec<UntaggedVariant> = (read.into_iter().zip(names))
            .map(|((ty, ..), chosen)| UntaggedVariant {
                name: chosen.name,
                ty,
            })
            .collect();
        self.warn_shadowed(members, &variants);
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
}
