//! `allOf` whose members are not objects (`allOf: [{$ref: Currency}, {type: string}]`,
//! `allOf: [{type: number}, {type: integer}]`): a value has every member's type at once, so
//! the type is the one they have in common, not a struct of their (absent) properties.

use serde_json::Value;

use super::{string_enum, Types};
use crate::diag::Result;
use crate::model::{TypeKind, TypeRef};
use crate::normalize::{Additional, JsonType, Schema};

impl Types<'_> {
    /// The type of an `allOf` of scalars (see the module); `None` when the schema or a member
    /// has members of its own or may be an object, which makes it a struct.
    pub(super) fn scalar_all_of(
        &mut self,
        name: &str,
        schema: &Schema,
    ) -> Result<Option<TypeKind>> {
        if schema.all_of.is_empty()
            || !schema.properties.is_empty()
            || schema.types.contains(&JsonType::Object)
        {
            return Ok(None);
        }
        let mut members = Vec::new();
        for node in &schema.all_of {
            let target = self.loader.deref(node)?;
            let read = self.read(&target);
            if !is_scalar(&read) {
                return Ok(None);
            }
            members.push((node.clone(), read));
        }
        let mut common = types_of(schema);
        for (_, member) in &members {
            if let Some(types) = types_of(member) {
                common = Some(match common {
                    None => types,
                    Some(so_far) => intersect(&so_far, &types),
                });
            }
        }
        let Some(common) = common.filter(|c| !c.is_empty()) else {
            return Ok(Some(self.unsatisfiable(schema, "have no type in common")));
        };
        let with_values: Vec<&Vec<Value>> = (members.iter().map(|(_, m)| m))
            .chain([schema])
            .filter_map(|m| m.enum_values.as_ref())
            .collect();
        let values = match with_values.as_slice() {
            [] => None,
            [first, rest @ ..] => Some(
                (first.iter())
                    .filter(|v| rest.iter().all(|r| r.contains(v)))
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
        };
        if values.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Some(self.unsatisfiable(schema, "allow no value in common")));
        }
        // One referenced member that says everything the others say is that member's type.
        let referenced: Vec<&(_, Schema)> = (members.iter())
            .filter(|(node, _)| node.ref_target().is_some())
            .collect();
        if let [(node, target)] = referenced.as_slice() {
            let says_all = types_of(target).as_ref() == Some(&common)
                && (with_values.is_empty() || target.enum_values == values);
            if says_all {
                return Ok(Some(TypeKind::Alias(self.type_of(node, name)?)));
            }
        }
        let format =
            (schema.format.clone()).or_else(|| members.iter().find_map(|(_, m)| m.format.clone()));
        let merged = Schema {
            types: common,
            enum_values: values,
            format,
            all_of: Vec::new(),
            ..schema.clone()
        };
        Ok(Some(match string_enum(&merged) {
            Some(variants) => TypeKind::StringEnum { variants },
            None => TypeKind::Alias(self.plain(&merged, name)?),
        }))
    }

    /// An `allOf` no value satisfies: raw JSON, with a warning.
    fn unsatisfiable(&mut self, schema: &Schema, why: &str) -> TypeKind {
        let message = format!(
            "the members of this allOf {why}, so no value is valid; using serde_json::Value"
        );
        self.warn(&schema.node, &message);
        TypeKind::Alias(TypeRef::Json)
    }
}

/// A schema of one or more non-object types, with no members, items or unions of its own.
fn is_scalar(schema: &Schema) -> bool {
    schema.properties.is_empty()
        && schema.all_of.is_empty()
        && schema.one_of.is_empty()
        && schema.any_of.is_empty()
        && schema.items.is_none()
        && matches!(schema.additional, Additional::Unspecified)
        && !schema.types.contains(&JsonType::Object)
        && types_of(schema).is_some()
}

/// The types a schema allows: those it declares, else those of its `enum` values.
fn types_of(schema: &Schema) -> Option<Vec<JsonType>> {
    let mut types = schema.types.clone();
    if types.is_empty() {
        types = (schema.enum_values.as_ref()?.iter())
            .filter_map(type_of_value)
            .collect();
    }
    types.sort();
    types.dedup();
    Some(types)
}

fn type_of_value(value: &Value) -> Option<JsonType> {
    Some(match value {
        Value::String(_) => JsonType::String,
        Value::Number(n) if n.is_i64() || n.is_u64() => JsonType::Integer,
        Value::Number(_) => JsonType::Number,
        Value::Bool(_) => JsonType::Boolean,
        Value::Array(_) => JsonType::Array,
        Value::Object(_) => JsonType::Object,
        Value::Null => return None,
    })
}

/// The types both allow, sorted; an integer is also a number (and `number` says both).
fn intersect(a: &[JsonType], b: &[JsonType]) -> Vec<JsonType> {
    let allows = |types: &[JsonType], t: JsonType| {
        types.contains(&t) || (t == JsonType::Integer && types.contains(&JsonType::Number))
    };
    let mut common: Vec<JsonType> = (a.iter().chain(b))
        .copied()
        .filter(|t| allows(a, *t) && allows(b, *t))
        .collect();
    common.sort();
    common.dedup();
    if common.contains(&JsonType::Number) {
        common.retain(|t| *t != JsonType::Integer);
    }
    common
}
