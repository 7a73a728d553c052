//! `events.rs`: the webhooks' `Event` enum, a variant per event type, and the payload types
//! re-exported.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{cfg_for, doc, ident, paragraphs, rust_type};
use crate::model::{Api, Presence, TypeRef, Webhook};

/// One event, with what every part of the file needs of it.
struct Entry<'a> {
    webhook: &'a Webhook,
    variant: proc_macro2::Ident,
    /// Its `cfg` (the feature of its group), or nothing.
    cfg: TokenStream,
}

/// The whole file.
pub fn events_file(api: &Api, features: bool) -> TokenStream {
    let all = api.resources.len();
    let events: Vec<Entry> = api
        .webhooks
        .iter()
        .map(|webhook| Entry {
            webhook,
            variant: ident(&webhook.variant),
            cfg: match (&webhook.group, features) {
                (Some(group), true) => cfg_for(std::iter::once(group), all),
                _ => quote!(),
            },
        })
        .collect();
    let exports = payload_exports(api, features);
    let allow_deprecated = events
        .iter()
        .any(|e| e.webhook.deprecated)
        .then(|| quote!(#![allow(deprecated)]));
    let enumeration = event_enum(&events);
    let methods = event_methods(&events);
    let serde = serde_impls(&events);
    quote! {
        #![doc = " Webhooks: the events the API delivers to your server, one [`Event`] variant per event"]
        #![doc = " type, and their payload types."]
        #![doc = ""]
        #![doc = " Decode a delivery's body with [`Event::from_slice`] (or serde): an event type this SDK"]
        #![doc = " does not know decodes into [`Event::Unknown`], whole. A received event serializes back"]
        #![doc = " exactly as it came, so it can go through a queue; one built with a constructor (for a"]
        #![doc = " test) writes every field of its payload, the read-only ones included."]
        #allow_deprecated
        #( #exports )*
        #enumeration
        #methods
        #serde
    }
}

/// `pub use` of each payload type, gated as the type is. A payload type named `Event` stays
/// in `types` only: the module's own `Event` is the enum of events.
fn payload_exports(api: &Api, features: bool) -> Vec<TokenStream> {
    let payloads: BTreeSet<&String> = api
        .webhooks
        .iter()
        .filter_map(|w| match &w.payload {
            TypeRef::Named(name) if name != "Event" => Some(name),
            _ => None,
        })
        .collect();
    payloads
        .into_iter()
        .map(|name| {
            let cfg = match (api.types.get(name), features) {
                (Some(def), true) => cfg_for(def.used_by.iter(), api.resources.len()),
                _ => quote!(),
            };
            let n = ident(name);
            quote!(#cfg pub use super::types::#n;)
        })
        .collect()
}

fn event_enum(events: &[Entry]) -> TokenStream {
    let variants = events.iter().map(|e| {
        let Entry { variant, cfg, .. } = e;
        let payload = rust_type(&e.webhook.payload, &quote!(super::types::));
        let docs = doc(&variant_doc(e.webhook));
        let deprecated = e.webhook.deprecated.then(|| quote!(#[deprecated]));
        quote!(#docs #deprecated #cfg #variant(::rebilly_runtime::event::Received<#payload>),)
    });
    quote! {
        /// A webhook event: its type, and its payload.
        ///
        /// Match on the variants you handle, and accept the others: the enum is
        /// `#[non_exhaustive]`, as the API adds event types.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #( #variants )*
            /// An event type this SDK does not know (added to the API since, or of a group
            /// whose cargo feature is off), with every member it was sent.
            Unknown {
                /// The body's `eventType`.
                event_type: String,
                /// The body's members, `eventType` among them (and the JSON text they came
                /// as, which the event is written back as).
                body: ::rebilly_runtime::event::Received<::rebilly_runtime::serde_json::Map<String, ::rebilly_runtime::serde_json::Value>>,
            },
        }
    }
}

/// What a variant's documentation says: the summary, the event type and group, the
/// description.
fn variant_doc(webhook: &Webhook) -> String {
    let summary = webhook
        .summary
        .as_deref()
        .map(|s| format!("{}.", s.trim().trim_end_matches('.')));
    let what = format!(
        "Event type `{}`, of the group `{}`.",
        webhook.event_type, webhook.tag
    );
    paragraphs(&[
        summary.as_deref(),
        Some(what.as_str()),
        webhook.description.as_deref(),
    ])
}

fn event_methods(events: &[Entry]) -> TokenStream {
    let names = events.iter().map(|e| {
        let Entry { variant, cfg, .. } = e;
        let event_type = &e.webhook.event_type;
        quote!(#cfg Event::#variant(_) => #event_type,)
    });
    let decodes = events.iter().map(|e| {
        let Entry { variant, cfg, .. } = e;
        let event_type = &e.webhook.event_type;
        quote!(#cfg #event_type => Event::#variant(::rebilly_runtime::event::Received::decode(body)?),)
    });
    let constructors = events.iter().map(constructor);
    quote! {
        impl Event {
            /// The event type, such as `customer-created`.
            pub fn event_type(&self) -> &str {
                match self {
                    #( #names )*
                    Event::Unknown { event_type, .. } => event_type,
                }
            }
            /// Decodes a delivery's body. Fails for a body that is not JSON, not an object,
            /// without an `eventType` string, or whose payload does not decode as its event
            /// type says.
            pub fn from_slice(body: &[u8]) -> ::core::result::Result<Self, ::rebilly_runtime::serde_json::Error> {
                Self::from_raw(::rebilly_runtime::serde_json::from_slice(body)?)
            }
            /// Decodes a delivery's body, already parsed (see [`Event::from_slice`]). The
            /// event is then written back as this value writes.
            pub fn from_value(body: ::rebilly_runtime::serde_json::Value) -> ::core::result::Result<Self, ::rebilly_runtime::serde_json::Error> {
                Self::from_raw(::rebilly_runtime::serde_json::value::to_raw_value(&body)?)
            }
            /// Decodes a delivery's body from its JSON text, which the event keeps (see
            /// [`Event::from_slice`]).
            pub fn from_raw(body: Box<::rebilly_runtime::serde_json::value::RawValue>) -> ::core::result::Result<Self, ::rebilly_runtime::serde_json::Error> {
                let event_type = ::rebilly_runtime::event::event_type(&body)?;
                Ok(match event_type.as_str() {
                    #( #decodes )*
                    _ => Event::Unknown { event_type, body: ::rebilly_runtime::event::Received::decode(body)? },
                })
            }
            #( #constructors )*
        }
    }
}

/// `Event::customer_created(payload)`: the event, with the payload's `eventType` set.
fn constructor(event: &Entry) -> TokenStream {
    let Entry {
        variant,
        cfg,
        webhook,
    } = event;
    let name = ident(&webhook.constructor);
    let payload = rust_type(&webhook.payload, &quote!(super::types::));
    let event_type = &webhook.event_type;
    let set = webhook.event_type_field.as_ref().map(|(field, presence)| {
        let field = ident(field);
        let value = match presence {
            Presence::Required => quote!(#event_type.into()),
            Presence::Optional | Presence::RequiredNullable => quote!(Some(#event_type.into())),
            Presence::OptionalNullable => quote!(Some(Some(#event_type.into()))),
        };
        quote!(let mut payload = payload; payload.#field = #value;)
    });
    let docs = doc(&match set {
        Some(_) => format!("The event `{event_type}` with this payload, its `eventType` set: for a test, or to pass on."),
        None => format!("The event `{event_type}` with this payload (whose `eventType` the generator could not find: set it yourself): for a test, or to pass on."),
    });
    let deprecated = webhook.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs #deprecated #cfg
        pub fn #name(payload: #payload) -> Self {
            #set
            Event::#variant(::rebilly_runtime::event::Received::new(payload))
        }
    }
}

fn serde_impls(events: &[Entry]) -> TokenStream {
    let writes = events.iter().map(|e| {
        let Entry { variant, cfg, .. } = e;
        quote!(#cfg Event::#variant(payload) => ::rebilly_runtime::serde::Serialize::serialize(payload, serializer),)
    });
    quote! {
        impl ::rebilly_runtime::serde::Serialize for Event {
            fn serialize<S: ::rebilly_runtime::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    #( #writes )*
                    Event::Unknown { body, .. } => ::rebilly_runtime::serde::Serialize::serialize(body, serializer),
                }
            }
        }
        impl<'de> ::rebilly_runtime::serde::Deserialize<'de> for Event {
            fn deserialize<D: ::rebilly_runtime::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let body = <Box<::rebilly_runtime::serde_json::value::RawValue> as ::rebilly_runtime::serde::Deserialize>::deserialize(deserializer)?;
                Event::from_raw(body).map_err(<D::Error as ::rebilly_runtime::serde::de::Error>::custom)
            }
        }
    }
}
