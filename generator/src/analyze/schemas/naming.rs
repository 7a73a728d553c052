//! The naming of types: provisional names while the spec is read, final names (without
//! collision numbers) once every type is known.

use std::collections::{BTreeMap, BTreeSet};

use super::Types;
use crate::analyze::names::{located, provisional, type_name, Case};
use crate::diag::Warning;
use crate::load::Node;
use crate::model::{TypeDef, TypeKind};

/// Where a type's name comes from, for the final naming pass.
#[derive(Debug, Clone)]
pub(super) enum Origin {
    /// A schema file or component: named after it (`key` tells two of the same name apart).
    Named { base: String, key: String },
    /// An inline schema, named after its parent (`None`: after an operation) and a suffix.
    Inline {
        base: String,
        parent: Option<String>,
    },
}

impl Types<'_> {
    /// A provisional name for a new type (unique, possibly numbered), recorded with its origin
    /// so that [`Types::final_names`] can name every type without numbers.
    pub(super) fn new_name(&mut self, base: String, named_after: Option<&Node>) -> String {
        let name = provisional(base.clone(), &mut self.names);
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
        let mut taken: BTreeSet<String> = crate::analyze::names::RESERVED_TYPE_NAMES
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
                collisions.push(kept[name].origin.clone());
                located(base, key, Case::Camel, &mut taken)
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
                collisions.push(def.origin.clone());
                let at = format!("{}#{}", def.origin.file.display(), def.origin.pointer);
                located(&base, &at, Case::Camel, &mut taken)
            });
            map.insert(name.clone(), chosen);
        }
        for location in collisions {
            self.warnings.push(Warning {
                location,
                message: "no name of its own could be derived for this type; it is named after its location in the spec"
                    .into(),
            });
        }
        map
    }
}
