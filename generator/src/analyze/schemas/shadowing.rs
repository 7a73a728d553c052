//! Variants of an untagged union that can never be chosen. The runtime tries the variants in
//! the spec's order and takes the first that keeps every member (see
//! `rebilly_runtime::untagged`); a variant that reads every value of a kind (`String`, `f64`
//! reads integers too, raw JSON reads anything) takes them all from the variants of that kind
//! after it. `oneOf: [{type: string}, {type: string, format: date}]` is such a union, and so
//! is `oneOf: [{type: string, not: {enum: [...]}}, Known]`: `not` is not checked. (A string
//! enum reads every string too, but a later variant that knows the value wins over its
//! `Unknown`.)

use super::Types;
use crate::load::Node;
use crate::model::{TypeKind, TypeRef, UntaggedVariant};

/// The kinds of JSON value a type reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Any,
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
}

impl Types<'_> {
    /// Warns at each member of an untagged union that an earlier variant shadows.
    pub(super) fn warn_shadowed(&mut self, members: &[Node], variants: &[UntaggedVariant]) {
        for (i, (later, member)) in variants.iter().zip(members).enumerate() {
            let Some(kind) = self.kind_of(&later.ty, 0) else {
                continue;
            };
            let earlier = variants[..i].iter().find_map(|v| {
                let reads = self.reads_every(&v.ty, 0)?;
                covers(reads, kind).then_some((v, reads))
            });
            if let Some((earlier, reads)) = earlier {
                let what = match reads {
                    Kind::Any => "every value".to_string(),
                    _ => format!("every {} value", format!("{kind:?}").to_lowercase()),
                };
                let message = format!(
                    "this member of the union is never read: the variant `{}` before it reads \
                     {what} (`not`, `pattern`, `format` and the like are not checked)",
                    earlier.name
                );
                self.warn(member, &message);
            }
        }
    }

    /// The kind of value `ty` reads every value of, if any.
    fn reads_every(&self, ty: &TypeRef, depth: usize) -> Option<Kind> {
        Some(match ty {
            TypeRef::Json => Kind::Any,
            TypeRef::String | TypeRef::Secret => Kind::String,
            TypeRef::F64 => Kind::Number,
            TypeRef::I64 => Kind::Integer,
            TypeRef::Bool => Kind::Boolean,
            TypeRef::Array(item) if **item == TypeRef::Json => Kind::Array,
            TypeRef::Map(value) if **value == TypeRef::Json => Kind::Object,
            // A type still being defined (a recursive one) is a placeholder, not its shape.
            TypeRef::Named(name) if self.defining.contains(name) => return None,
            TypeRef::Named(name) if depth < 8 => match &self.defs.get(name)?.kind {
                TypeKind::Alias(inner) => self.reads_every(inner, depth + 1)?,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The one kind of value `ty` reads, if it reads one kind only.
    fn kind_of(&self, ty: &TypeRef, depth: usize) -> Option<Kind> {
        Some(match ty {
            TypeRef::Json | TypeRef::Bytes | TypeRef::Nullable(_) => return None,
            TypeRef::String | TypeRef::Secret | TypeRef::Date | TypeRef::DateTime => Kind::String,
            TypeRef::F64 => Kind::Number,
            TypeRef::I32 | TypeRef::I64 => Kind::Integer,
            TypeRef::Bool => Kind::Boolean,
            TypeRef::Array(_) => Kind::Array,
            TypeRef::Map(_) => Kind::Object,
            TypeRef::Named(name) if self.defining.contains(name) => return None,
            TypeRef::Named(name) if depth < 8 => match &self.defs.get(name)?.kind {
                TypeKind::StringEnum { .. } => Kind::String,
                TypeKind::Struct { .. } | TypeKind::Tagged { .. } => Kind::Object,
                TypeKind::Alias(inner) => self.kind_of(inner, depth + 1)?,
                TypeKind::Untagged { .. } => return None,
            },
            TypeRef::Named(_) => return None,
        })
    }
}

/// A type that reads every value of kind `reads` also reads every value of kind `kind`.
fn covers(reads: Kind, kind: Kind) -> bool {
    reads == Kind::Any || reads == kind || (reads == Kind::Number && kind == Kind::Integer)
}
