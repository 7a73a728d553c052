//! `webhooks` (OpenAPI 3.1) → the events of the model.
//!
//! Each entry is an event type (its key, such as `customer-created`) whose operation
//! describes the request the API sends: a JSON body, the payload, typed like any request
//! body and shared by every event that refers to the same schema. The events are filtered
//! by tag as operations are, and named once for all: a variant and a constructor of the
//! generated `Event` enum each.

use std::collections::{BTreeMap, BTreeSet};

use super::lint::Findings;
use super::names::{distinct, variant_names, Case, Wire};
use super::operations::{is_json, resource_names, string_list};
use super::schemas::{schema_name, Types};
use crate::diag::{Result, Warning};
use crate::load::{Loader, Node};
use crate::model::{Method, Presence, Resource, TypeDef, TypeKind, TypeRef, Webhook};

/// Names the generated `Event` enum uses itself: its catch-all variant, and its methods.
const EVENT_VARIANTS: &[&str] = &["Unknown"];
const EVENT_METHODS: &[&str] = &["event_type", "from_slice", "from_value", "from_raw"];

/// What is read of the webhooks, before their payload types are final.
pub struct Reading<'a, 'b> {
    pub(super) loader: &'a Loader,
    pub(super) types: &'b mut Types<'a>,
    pub(super) findings: &'b mut Findings,
    /// The SDK's resources, by accessor: a webhook of the same group belongs to it.
    pub(super) accessors: BTreeSet<String>,
}

impl Reading<'_, '_> {
    /// The webhooks under `webhooks` that `include` accepts (by tag), minus the `x-sdk-skip`
    /// ones unless `include_skipped`, in event type order.
    pub fn read(
        &mut self,
        webhooks: Option<Node>,
        include: &dyn Fn(&[String]) -> bool,
        include_skipped: bool,
    ) -> Result<Vec<Webhook>> {
        let mut read = Vec::new();
        for (event_type, item) in webhooks.map(|w| w.entries()).unwrap_or_default() {
            let item = self.loader.deref(&item)?;
            let Some((method, op)) = self.operation(&event_type, &item)? else {
                continue;
            };
            let tags = string_list(&op, "tags");
            if !include(&tags) || (op.flag("x-sdk-skip") && !include_skipped) {
                continue;
            }
            read.push(self.webhook(event_type, method, &op, tags)?);
        }
        read.sort_by(|a, b| a.event_type.cmp(&b.event_type));
        name(&mut read);
        Ok(read)
    }

    /// The one operation of a webhook's path item (the method it is delivered with). A
    /// path item without one is reported and left out; one with several keeps the first.
    fn operation(&mut self, event_type: &str, item: &Node) -> Result<Option<(Method, Node)>> {
        let mut found = Vec::new();
        for (key, method) in Method::ALL {
            if let Some(op) = item.get(key) {
                found.push((method, self.loader.deref(&op)?));
            }
        }
        if found.len() > 1 {
            let also: Vec<&str> = found[1..].iter().map(|(m, _)| m.as_str()).collect();
            self.findings.warn(
                item,
                format!("the webhook `{event_type}` has more than one operation; the SDK reads the {} one and leaves out {}", found[0].0.as_str(), also.join(", ")),
            );
        }
        if found.is_empty() {
            self.findings.warn(
                item,
                format!("the webhook `{event_type}` has no operation: it is left out"),
            );
        }
        Ok(found.into_iter().next())
    }

    fn webhook(
        &mut self,
        event_type: String,
        method: Method,
        op: &Node,
        tags: Vec<String>,
    ) -> Result<Webhook> {
        let tag = op
            .str("x-sdk-resource")
            .or(tags.first().map(String::as_str))
            .unwrap_or("Operations")
            .to_string();
        let accessor = resource_names(&tag).1;
        Ok(Webhook {
            payload: self.payload(&event_type, op)?,
            group: self.accessors.contains(&accessor).then_some(accessor),
            tag,
            summary: op.str("summary").map(str::to_string),
            description: op.str("description").map(str::to_string),
            deprecated: op.flag("deprecated"),
            method,
            origin: op.location(),
            event_type,
            variant: String::new(),
            constructor: String::new(),
            event_type_field: None,
        })
    }

    /// The type of the JSON request body: named after the request body's file (or
    /// component), so that the events sharing it share one type. A webhook without a JSON
    /// body is reported, and its payload is any JSON.
    fn payload(&mut self, event_type: &str, op: &Node) -> Result<TypeRef> {
        let body = match op.get("requestBody") {
            Some(body) => Some(self.loader.deref(&body)?),
            None => None,
        };
        let schema = body.as_ref().and_then(|body| {
            let content = body.get("content")?.entries();
            let (_, media) = content.into_iter().find(|(media, _)| is_json(media))?;
            media.get("schema")
        });
        let (Some(body), Some(schema)) = (body, schema) else {
            self.findings.warn(
                op,
                format!("the webhook `{event_type}` has no JSON request body with a schema: its payload is any JSON"),
            );
            return Ok(TypeRef::Json);
        };
        let hint = match schema_name(&body) {
            stem if !stem.is_empty() && stem != "requestBody" => stem,
            _ => format!("{event_type} payload"),
        };
        self.types.type_of(&schema, &hint)
    }
}

/// Gives each event its variant and constructor, distinct without numbers where the event
/// types allow it.
fn name(webhooks: &mut [Webhook]) {
    let types: Vec<&str> = webhooks.iter().map(|w| w.event_type.as_str()).collect();
    let variants = variant_names(&types, EVENT_VARIANTS);
    let mut taken: BTreeSet<String> = EVENT_METHODS.iter().map(|m| m.to_string()).collect();
    let wires: Vec<Wire> = variants
        .iter()
        .map(|v| Wire::with_context(v, "event"))
        .collect();
    let constructors = distinct(&wires, Case::Snake, &mut taken);
    for ((webhook, variant), constructor) in webhooks.iter_mut().zip(variants).zip(constructors) {
        webhook.constructor = constructor.name;
        webhook.variant = variant;
    }
}

/// Finds each payload's `eventType` field, which the event's constructor sets, once the
/// types are final. A payload without one (or with one the event type cannot be written
/// into) is reported: a built event of that type cannot be told apart once serialized. So
/// is a payload whose `eventType` enum does not list the event type.
pub fn settle(
    webhooks: &mut [Webhook],
    types: &BTreeMap<String, TypeDef>,
    warnings: &mut Vec<Warning>,
) {
    for webhook in webhooks.iter_mut() {
        let field = match &webhook.payload {
            TypeRef::Named(name) => types.get(name).and_then(|def| event_type_field(def, types)),
            _ => None,
        };
        let doubt = match &field {
            Some((_, _, Some(values))) if !values.contains(&webhook.event_type) => Some(format!(
                "the payload's `eventType` enum does not list `{}`; the event is still decoded by its type",
                webhook.event_type
            )),
            None if webhook.payload != TypeRef::Json => Some(format!(
                "the payload of `{}` has no string `eventType` member: `Event::{}` cannot set it, and a built event of this type does not decode back",
                webhook.event_type, webhook.constructor
            )),
            _ => None,
        };
        if let Some(message) = doubt {
            warnings.push(Warning {
                location: webhook.origin.clone(),
                message,
            });
        }
        webhook.event_type_field = field.map(|(name, presence, _)| (name, presence));
    }
}

/// A struct's `eventType` field: its name, its presence, and the values its enum lists
/// (`None` for a plain string). `None` when the struct has none, or one of another type.
fn event_type_field(
    def: &TypeDef,
    types: &BTreeMap<String, TypeDef>,
) -> Option<(String, Presence, Option<Vec<String>>)> {
    let TypeKind::Struct { fields, .. } = &def.kind else {
        return None;
    };
    let field = fields.iter().find(|f| f.wire == "eventType")?;
    let values = match &field.ty {
        TypeRef::String => None,
        TypeRef::Named(name) => match &types.get(name)?.kind {
            TypeKind::StringEnum { variants, .. } => {
                Some(variants.iter().map(|v| v.wire.clone()).collect())
            }
            TypeKind::Alias(TypeRef::String) => None,
            _ => return None,
        },
        _ => return None,
    };
    Some((field.name.clone(), field.presence, values))
}

/// The accessors of the resources: the groups a webhook can belong to.
pub fn accessors(resources: &BTreeMap<String, Resource>) -> BTreeSet<String> {
    resources.values().map(|r| r.accessor.clone()).collect()
}
