//! `types.rs`: one Rust item per named type of the model.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, rust_type};
use crate::model::{
    bare, Api, Argument, EnumVariant, Field, Presence, TaggedVariant, TypeDef, TypeKind,
    UntaggedVariant,
};

/// The top of `types.rs`: its documentation and imports.
pub fn types_head() -> TokenStream {
    quote! {
        //! Data types of the API: request bodies, responses and the types they contain.
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments)]
        #[allow(unused_imports)]
        use ::rebilly_runtime::object as obj;
        #[allow(unused_imports)]
        use ::rebilly_runtime::serde::{Deserialize, Serialize};
    }
}

/// The items of one type of `types.rs`. With `features`, they are compiled only when a
/// resource that uses the type is enabled.
pub fn type_items(api: &Api, def: &TypeDef, features: bool) -> TokenStream {
    let cfg = if features {
        super::cfg_for(def.used_by.iter(), api.resources.len())
    } else {
        quote!()
    };
    let items = type_def(api, def);
    quote! { #( #cfg #items )* }
}

/// The derives of a struct: serde's are not among them (its impls are written out, see
/// [`struct_serde`]).
fn struct_derives(default: bool) -> TokenStream {
    let default = default.then(|| quote!(Default,));
    quote!(#[derive(Debug, Clone, PartialEq, #default)])
}

/// An untagged union: written as its variant is, read into the variant that keeps every
/// member of the value (see the runtime's `untagged`), not serde's first that fits.
fn untagged(
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    variants: &[UntaggedVariant],
) -> Vec<TokenStream> {
    let vs = variants.iter().map(|UntaggedVariant { name: v, ty: t }| {
        let v = ident(v);
        let t = rust_type(t, &quote!());
        let d = doc(&format!("A value of the `{v}` shape."));
        quote! { #d #v(#t), }
    });
    let attempts = variants.iter().map(|v| {
        let v = ident(&v.name);
        quote!(|value| ::rebilly_runtime::untagged::attempt(value, Self::#v),)
    });
    let text = name.to_string();
    vec![
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Serialize)]
            #[serde(crate = "::rebilly_runtime::serde", untagged)]
            pub enum #name { #( #vs )* }
        },
        quote! {
            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: ::rebilly_runtime::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    ::rebilly_runtime::untagged::read(deserializer, #text, &[ #( #attempts )* ])
                }
            }
        },
    ]
}

fn type_def(api: &Api, def: &TypeDef) -> Vec<TokenStream> {
    let name = ident(&def.name);
    let docs = doc(def
        .doc
        .as_deref()
        .unwrap_or(&format!("The `{}` schema.", def.name)));
    let here = quote!();
    match &def.kind {
        TypeKind::Alias(t) => {
            let t = rust_type(t, &here);
            vec![quote! { #docs pub type #name = #t; }]
        }
        TypeKind::Struct {
            fields,
            additional,
            default,
        } => {
            let derive = struct_derives(*default);
            let members = fields.iter().map(field);
            let extra = additional.as_ref().map(|t| {
                let t = rust_type(t, &here);
                quote! {
                    /// Members not described by the schema.
                    pub extra: ::std::collections::BTreeMap<String, #t>,
                }
            });
            let mut items = vec![
                quote! {
                    #docs
                    #derive
                    #[non_exhaustive]
                    pub struct #name { #( #members )* #extra }
                },
                constructor(def, fields, additional.is_some()),
            ];
            items.extend(struct_serde(def, fields, additional.is_some()));
            items
        }
        TypeKind::StringEnum { variants } => string_enum(&name, &docs, variants),
        TypeKind::Tagged { tag, variants } => tagged(api, &name, &docs, tag, variants),
        TypeKind::Untagged { variants } => untagged(&name, &docs, variants),
    }
}

fn field(f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let wire = &f.wire;
    let mut base = rust_type(&f.ty, &quote!());
    if f.boxed {
        base = quote!(Box<#base>);
    }
    let mut text = f
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{wire}` member."));
    if f.read_only {
        text.push_str("\n\nSet by the server; never sent.");
    }
    if f.write_only {
        text.push_str("\n\nSent by the client; never returned.");
    }
    if f.presence == Presence::OptionalNullable {
        text.push_str(
            "\n\n`None`: not sent; `Some(None)`: sent as `null`; `Some(Some(v))`: sent as `v`.",
        );
    }
    let docs = doc(&text);
    let ty = match f.presence {
        Presence::Required => base,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#base>),
        Presence::OptionalNullable => quote!(Option<Option<#base>>),
    };
    quote! { #docs pub #name: #ty, }
}

/// A struct's `Deserialize` and `Serialize` impls: every type reads and writes (users load
/// request bodies from fixtures and queues, and write what they received to logs and queues).
///
/// Reading: each member by name, once; an absent member is `None` (an error when required),
/// `null` is `None` for `Option<T>` and `Some(None)` for `Option<Option<T>>`; members the
/// schema does not describe go to `extra` when it has one, and are skipped otherwise.
/// Writing: required members always, optional ones when `Some`, read-only ones never (however
/// the value was obtained: a resource fetched, changed and put back), then `extra`.
fn struct_serde(def: &TypeDef, fields: &[Field], has_extra: bool) -> Vec<TokenStream> {
    let mut items = vec![struct_deserialize(def, fields, has_extra)];
    items.extend(struct_serialize(def, fields, has_extra));
    items
}

/// A struct's `Deserialize`: each member by name, once, into its slot.
fn struct_deserialize(def: &TypeDef, fields: &[Field], has_extra: bool) -> TokenStream {
    let name = ident(&def.name);
    let type_name = &def.name;
    let slots = fields.iter().map(|f| {
        let n = ident(&f.name);
        quote!(let mut #n = None;)
    });
    let arms = fields.iter().map(|f| {
        let n = ident(&f.name);
        let wire = &f.wire;
        match f.presence {
            Presence::Required | Presence::OptionalNullable => {
                quote!(#wire => #n = Some(__map.next_value()?),)
            }
            Presence::RequiredNullable | Presence::Optional => {
                quote!(#wire => #n = __map.next_value()?,)
            }
        }
    });
    let finish = fields.iter().map(|f| {
        let n = ident(&f.name);
        let wire = &f.wire;
        match f.presence {
            Presence::Required => quote!(#n: obj::required(#n, #wire)?,),
            _ => quote!(#n,),
        }
    });
    let body = if fields.is_empty() && !has_extra {
        quote! {
            while __map.next_key::<obj::IgnoredAny>()?.is_some() {
                obj::skip(&mut __map)?;
            }
            Ok(#name {})
        }
    } else {
        let (extra_slot, unknown, extra) = if has_extra {
            (
                quote!(let mut extra = ::std::collections::BTreeMap::new();),
                quote!({
                    extra.insert(__key.into_string(), __map.next_value()?);
                }),
                quote!(extra),
            )
        } else {
            (quote!(), quote!(obj::skip(&mut __map)?,), quote!())
        };
        quote! {
            #( #slots )*
            #extra_slot
            while let Some(__key) = __map.next_key::<obj::Key>()? {
                match &*__key {
                    #( #arms )*
                    _ => #unknown
                }
            }
            Ok(#name { #( #finish )* #extra })
        }
    };
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: obj::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Members;
                impl<'de> obj::Visitor<'de> for Members {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        obj::expecting(f, #type_name)
                    }
                    fn visit_map<A: obj::MapAccess<'de>>(self, mut __map: A) -> Result<#name, A::Error> {
                        #body
                    }
                }
                deserializer.deserialize_map(Members)
            }
        }
    }
}

/// A struct's `Serialize` (through `WriteMembers`, so that a tagged union can write its tag
/// first): read-only members never.
fn struct_serialize(def: &TypeDef, fields: &[Field], has_extra: bool) -> [TokenStream; 2] {
    let name = ident(&def.name);
    let writes: Vec<TokenStream> = fields
        .iter()
        .filter(|f| !f.read_only)
        .map(|f| {
            let n = ident(&f.name);
            let wire = &f.wire;
            match f.presence {
                Presence::Required | Presence::RequiredNullable => {
                    quote!(__out.member(#wire, &self.#n)?;)
                }
                Presence::Optional | Presence::OptionalNullable => {
                    quote!(if let Some(value) = &self.#n { __out.member(#wire, value)?; })
                }
            }
        })
        .chain(has_extra.then(|| {
            quote!(for (key, value) in &self.extra {
                __out.member(key, value)?;
            })
        }))
        .collect();
    let out = if writes.is_empty() {
        quote!(_out)
    } else {
        quote!(__out)
    };
    // Two items: each gets the type's `cfg`.
    [
        quote! {
            impl obj::WriteMembers for #name {
                fn write_members<W: obj::Members>(&self, #out: &mut W) -> Result<(), W::Error> {
                    #( #writes )*
                    Ok(())
                }
            }
        },
        quote! {
            impl Serialize for #name {
                fn serialize<S: obj::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    obj::write(serializer, self)
                }
            }
        },
    ]
}

/// `new(...)` taking every field the schema requires that the caller sends (write-only ones
/// included): the one way to build a `#[non_exhaustive]` struct outside the crate.
fn constructor(def: &TypeDef, fields: &[Field], has_extra: bool) -> TokenStream {
    let name = ident(&def.name);
    let args = fields.iter().filter_map(|f| {
        let n = ident(&f.name);
        let t = rust_type(&f.ty, &quote!());
        Some(match f.constructor? {
            Argument::Optional => quote!(#n: Option<#t>),
            Argument::Into => quote!(#n: impl Into<#t>),
            Argument::Value => quote!(#n: #t),
        })
    });
    let inits = fields.iter().map(|f| {
        let n = ident(&f.name);
        let Some(argument) = f.constructor else {
            return quote!(#n: None);
        };
        let value = match (f.boxed, argument) {
            (true, Argument::Optional) => quote!(#n.map(Box::new)),
            (true, _) => quote!(Box::new(#n)),
            (false, Argument::Into) => quote!(#n.into()),
            (false, _) => quote!(#n),
        };
        let plain = !f.boxed && argument != Argument::Into;
        match f.presence {
            Presence::Required | Presence::RequiredNullable if plain => quote!(#n),
            Presence::Required | Presence::RequiredNullable => quote!(#n: #value),
            Presence::Optional | Presence::OptionalNullable => quote!(#n: Some(#value)),
        }
    });
    let extra = has_extra.then(|| quote!(extra: ::std::collections::BTreeMap::new(),));
    let list: Vec<String> = fields
        .iter()
        .filter(|f| f.constructor.is_some())
        .map(|f| format!("`{}`", bare(&f.name)))
        .collect();
    let text = if list.is_empty() {
        format!("Creates `{}` with every field unset.", def.name)
    } else {
        format!(
            "Creates `{}` from the fields the API requires ({}); the others start unset.",
            def.name,
            list.join(", ")
        )
    };
    let docs = doc(&text);
    let lint = (list.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #name {
            #docs
            #lint
            pub fn new(#( #args ),*) -> Self {
                Self { #( #inits, )* #extra }
            }
        }
    }
}

fn string_enum(
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    variants: &[EnumVariant],
) -> Vec<TokenStream> {
    let vs = variants.iter().map(|v| {
        let n = ident(&v.name);
        let d = doc(&format!("`{}`", v.wire));
        quote! { #d #n, }
    });
    let to_wire = variants.iter().map(|v| {
        let n = ident(&v.name);
        let w = &v.wire;
        quote! { Self::#n => #w, }
    });
    let from_wire = variants.iter().map(|v| {
        let n = ident(&v.name);
        let w = &v.wire;
        quote! { #w => Self::#n, }
    });
    let lints = case_lints(variants.iter().map(|v| v.name.as_str()));
    let mut items = vec![
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            #lints
            pub enum #name {
                #( #vs )*
                /// A value this version of the SDK does not know (the API added it later).
                Unknown(String),
            }
        },
        quote! {
            impl #name {
                /// The value as sent on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( #to_wire )*
                        Self::Unknown(other) => other,
                    }
                }
            }
        },
        quote! {
            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #from_wire )*
                        other => Self::Unknown(other.to_string()),
                    }
                }
            }
        },
        quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        },
    ];
    // Written by hand rather than derived: a string in, a match, no buffering of the value
    // (which serde's derive needs for the catch-all variant).
    items.push(quote! {
        impl Serialize for #name {
            fn serialize<S: ::rebilly_runtime::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    });
    items.push(quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: ::rebilly_runtime::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    });
    items
}

/// Allows the case lints on an enum whose variants keep a value's own spelling (values that
/// differ only in case).
fn case_lints<'a>(mut names: impl Iterator<Item = &'a str>) -> TokenStream {
    if names.all(crate::analyze::is_camel_case) {
        quote!()
    } else {
        quote!(#[allow(non_camel_case_types, clippy::upper_case_acronyms)])
    }
}

/// A union tagged by a discriminator member. Its serde impls are written out (through the
/// runtime's `tagged` helpers) rather than derived: the tag stays readable by payloads that
/// declare it, and an unknown tag keeps every member in `Unknown`.
fn tagged(
    api: &Api,
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    tag: &str,
    variants: &[TaggedVariant],
) -> Vec<TokenStream> {
    let vs = variants.iter().map(|v| {
        let n = ident(&v.name);
        let p = ident(&v.payload);
        let d = doc(&format!("`{tag}: {}`", v.tag_value));
        quote! { #d #n(#p), }
    });
    let unknown = quote! {
        /// A variant this version of the SDK does not know (the API added it later), or
        /// one whose members do not fit its type, with every member it was sent.
        Unknown(::rebilly_runtime::tagged::Object),
    };
    let mut seen = std::collections::BTreeSet::new();
    let froms = variants
        .iter()
        .filter(|v| seen.insert(v.payload.clone()))
        .map(|v| {
            let n = ident(&v.name);
            let p = ident(&v.payload);
            quote! {
                impl From<#p> for #name {
                    fn from(value: #p) -> Self { Self::#n(value) }
                }
            }
        });
    let lints = case_lints(variants.iter().map(|v| v.name.as_str()));
    let mut items = vec![quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #lints
        pub enum #name {
            #( #vs )*
            #unknown
        }
    }];
    items.extend(froms);
    items.push(tagged_serialize(api, name, tag, variants));
    items.push(tagged_deserialize(name, tag, variants));
    items
}

/// A tagged union's `Serialize`: the tag first, then the payload's members; `Unknown` as it came.
fn tagged_serialize(
    api: &Api,
    name: &proc_macro2::Ident,
    tag: &str,
    variants: &[TaggedVariant],
) -> TokenStream {
    let arms = variants.iter().map(|v| {
        let n = ident(&v.name);
        let w = &v.tag_value;
        // A generated struct writes its members straight after the tag; anything else
        // goes through a JSON value.
        let write = match api.types.get(&v.payload).map(|d| &d.kind) {
            Some(TypeKind::Struct { .. }) => quote!(write),
            _ => quote!(write_value),
        };
        quote! { Self::#n(payload) => ::rebilly_runtime::tagged::#write(serializer, #tag, #w, payload), }
    });
    let unknown = quote! { Self::Unknown(object) => object.serialize(serializer), };
    quote! {
        impl Serialize for #name {
            fn serialize<S: ::rebilly_runtime::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #( #arms )*
                    #unknown
                }
            }
        }
    }
}

/// A tagged union's `Deserialize`: by the tag; an unknown tag, or members that do not fit the
/// variant, into `Unknown` with every member kept.
fn tagged_deserialize(
    name: &proc_macro2::Ident,
    tag: &str,
    variants: &[TaggedVariant],
) -> TokenStream {
    let arms = variants.iter().map(|v| {
        let n = ident(&v.name);
        let w = &v.tag_value;
        quote! { Some(#w) => Ok(::rebilly_runtime::tagged::payload(#tag, object).map_or_else(Self::Unknown, Self::#n)), }
    });
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: ::rebilly_runtime::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (tag, object) = ::rebilly_runtime::tagged::read(deserializer, #tag)?;
                match tag.as_deref() {
                    #( #arms )*
                    _ => Ok(Self::Unknown(object)),
                }
            }
        }
    }
}
