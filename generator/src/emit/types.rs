//! `types.rs`: one Rust item per named type of the model.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, rust_type};
use crate::model::{
    bare, Api, Argument, EnumVariant, Field, Presence, TaggedVariant, TypeDef, TypeKind, TypeRef,
    UntaggedVariant,
};

/// The top of `types.rs`: its documentation and imports.
pub fn types_head() -> TokenStream {
    quote! {
        //! Data types of the API: request bodies, responses and the types they contain.
        #![allow(clippy::large_enum_variant, clippy::too_many_arguments)]
        #[allow(unused_imports)]
        use ::rebilly_runtime::serde::{Deserialize, Serialize};
        #[allow(unused_imports)]
        use ::rebilly_runtime::{object, string_enum, tagged};
    }
}

/// The items of one type of `types.rs`: those `syn` and `prettyplease` print, and the
/// invocation of a runtime macro with the type's table, as text (see [`struct_serde`]).
/// With `features`, they are compiled only when a resource that uses the type is enabled.
pub fn type_items(api: &Api, def: &TypeDef, features: bool) -> (TokenStream, String) {
    let features = if features {
        super::cfg_features(def.used_by.iter(), api.resources.len())
    } else {
        None
    };
    let cfg = super::cfg_tokens(features.as_deref());
    let (items, table) = type_def(api, def);
    let table = table.map(|t| super::cfg_text(features.as_deref()) + &t);
    (quote! { #( #cfg #items )* }, table.unwrap_or_default())
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
    api: &Api,
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
    // A string enum's unknown value fits less well than a later variant that knows it.
    let attempts = variants.iter().map(|v| {
        let attempt = match is_string_enum(api, &v.ty) {
            true => quote!(attempt_known),
            false => quote!(attempt),
        };
        let v = ident(&v.name);
        quote!(|value| ::rebilly_runtime::untagged::#attempt(value, Self::#v),)
    });
    let writes = variants.iter().map(|v| {
        let v = ident(&v.name);
        quote!(Self::#v(value) => value.serialize(serializer),)
    });
    let text = name.to_string();
    // Serialize is written out, not derived: serde's derive macro would be one more compile
    // step for every user of the SDK.
    vec![
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name { #( #vs )* }
        },
        quote! {
            impl Serialize for #name {
                fn serialize<S: ::rebilly_runtime::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self { #( #writes )* }
                }
            }
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

/// `ty` is a string enum, by name or through aliases.
fn is_string_enum(api: &Api, ty: &TypeRef) -> bool {
    let TypeRef::Named(name) = api.resolve(ty) else {
        return false;
    };
    matches!(
        api.types.get(&name).map(|d| &d.kind),
        Some(TypeKind::StringEnum { .. })
    )
}

fn type_def(api: &Api, def: &TypeDef) -> (Vec<TokenStream>, Option<String>) {
    let name = ident(&def.name);
    let docs = doc(def
        .doc
        .as_deref()
        .unwrap_or(&format!("The `{}` schema.", def.name)));
    let here = quote!();
    match &def.kind {
        TypeKind::Alias(t) => {
            let t = rust_type(t, &here);
            (vec![quote! { #docs pub type #name = #t; }], None)
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
            let items = vec![quote! {
                #docs
                #derive
                #[non_exhaustive]
                pub struct #name { #( #members )* #extra }
            }];
            (items, Some(struct_serde(def, fields, additional.is_some())))
        }
        TypeKind::StringEnum { variants } => {
            let (items, table) = string_enum(&name, &docs, variants);
            (items, Some(table))
        }
        TypeKind::Tagged { tag, variants } => {
            let (items, table) = tagged(api, &name, &docs, tag, variants);
            (items, Some(table))
        }
        TypeKind::Untagged { variants } => (untagged(api, &name, &docs, variants), None),
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
        text.push_str("\n\n`Some(None)` is sent as `null`; `None` is not sent.");
    }
    let docs = doc(&text);
    let ty = match f.presence {
        Presence::Required => base,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#base>),
        Presence::OptionalNullable => quote!(Option<Option<#base>>),
    };
    quote! { #docs pub #name: #ty, }
}

/// A struct's constructor and its `Deserialize` and `Serialize` impls, as the runtime's
/// `object!` invocation with the struct's member table (one line per field, see the macro's
/// documentation): every type reads and writes (users load request bodies from fixtures and
/// queues, and write what they received to logs and queues).
///
/// Reading: each member by name, once; an absent member is `None` (an error when required),
/// `null` is `None` for `Option<T>` and `Some(None)` for `Option<Option<T>>`; members the
/// schema does not describe go to `extra` when it has one, and are skipped otherwise.
/// Writing: required members always, optional ones when `Some`, read-only ones never (however
/// the value was obtained: a resource fetched, changed and put back), then `extra`.
///
/// The table is written as text, formatted as it should read: neither `syn` nor
/// `prettyplease` need to see it, and what they would make of a macro's tokens is one long
/// filled line.
fn struct_serde(def: &TypeDef, fields: &[Field], has_extra: bool) -> String {
    let lines = fields.iter().map(|f| {
        let presence = match f.presence {
            Presence::Required => "required",
            Presence::RequiredNullable => "required_nullable",
            Presence::Optional => "optional",
            Presence::OptionalNullable => "optional_nullable",
        };
        let read_only = if f.read_only { " read_only" } else { "" };
        let new = if f.constructor.is_some() { " new" } else { "" };
        let wire = proc_macro2::Literal::string(&f.wire);
        format!("{} {wire} {presence}{read_only}{new},", ident(&f.name))
    });
    let extra = has_extra.then(|| "..extra".to_string());
    let mut out = format!(
        "object! {{\n{}",
        table(&ident(&def.name).to_string(), lines.chain(extra))
    );
    out.push_str(&constructor(def, fields));
    out.push_str("}\n");
    out
}

/// `new(...)` taking every field the schema requires that the caller sends (write-only ones
/// included), the fields marked `new` in the table: the one way to build a `#[non_exhaustive]`
/// struct outside the crate. Written into the `object!` invocation, which sets every other
/// field to `None` (and `extra` empty); a statement converts an argument that is not stored
/// as it is given. Nothing when there are no arguments: the macro's own `new()` sets every
/// field so.
fn constructor(def: &TypeDef, fields: &[Field]) -> String {
    let arguments: Vec<(&Field, Argument)> = fields
        .iter()
        .filter_map(|f| Some((f, f.constructor?)))
        .collect();
    if arguments.is_empty() {
        return String::new();
    }
    let mut params = Vec::new();
    let mut body = String::new();
    for &(f, argument) in &arguments {
        let n = ident(&f.name).to_string();
        let t = super::type_text(&f.ty, "");
        params.push(match argument {
            Argument::Optional => format!("{n}: Option<{t}>"),
            Argument::Into => format!("{n}: impl Into<{t}>"),
            Argument::Value => format!("{n}: {t}"),
        });
        let value = match (f.boxed, argument) {
            (true, Argument::Optional) => format!("{n}.map(Box::new)"),
            (true, _) => format!("Box::new({n})"),
            (false, Argument::Into) => format!("{n}.into()"),
            (false, _) => n.clone(),
        };
        let value = match f.presence {
            Presence::Required | Presence::RequiredNullable => value,
            Presence::Optional | Presence::OptionalNullable => format!("Some({value})"),
        };
        if value != n {
            body.push_str(&format!("\n        let {n} = {value};"));
        }
    }
    let list: Vec<String> = arguments
        .iter()
        .map(|(f, _)| format!("`{}`", bare(&f.name)))
        .collect();
    let doc = format!(
        "Creates `{}` from the fields the API requires ({}); the others start unset.",
        def.name,
        list.join(", ")
    );
    let one_line = params.join(", ");
    let params = if one_line.len() <= 80 {
        one_line
    } else {
        let each: Vec<String> = params.iter().map(|p| format!("\n        {p},")).collect();
        format!("{}\n    ", each.concat())
    };
    let body = if body.is_empty() {
        body
    } else {
        body + "\n    "
    };
    format!("    /// {doc}\n    new({params}) {{{body}}}\n")
}

fn string_enum(
    name: &proc_macro2::Ident,
    docs: &TokenStream,
    variants: &[EnumVariant],
) -> (Vec<TokenStream>, String) {
    let vs = variants.iter().map(|v| {
        let n = ident(&v.name);
        let d = doc(&format!("`{}`", v.wire));
        quote! { #d #n, }
    });
    let lints = case_lints(variants.iter().map(|v| v.name.as_str()));
    let items = vec![quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #lints
        pub enum #name {
            #( #vs )*
            /// A value this version of the SDK does not know (the API added it later).
            Unknown(String),
        }
    }];
    (items, string_enum_table(name, variants))
}

/// A string enum's impls (`as_str`, `From<&str>`, `Display`, `Serialize`, `Deserialize`), as
/// the runtime's `string_enum!` invocation with the enum's table of wire values. Its serde
/// impls read a string and match it, with no buffering of the value (which serde's derive
/// needs for the catch-all variant).
fn string_enum_table(name: &proc_macro2::Ident, variants: &[EnumVariant]) -> String {
    let lines = variants.iter().map(|v| {
        let wire = proc_macro2::Literal::string(&v.wire);
        format!("{} {wire},", ident(&v.name))
    });
    format!("string_enum! {{\n{}}}\n", table(&name.to_string(), lines))
}

/// A type's table in a runtime macro's invocation: `header {`, a line each, `}`, indented.
fn table(header: &str, lines: impl Iterator<Item = String>) -> String {
    let mut out = format!("    {header} {{");
    let mut empty = true;
    for line in lines {
        out.push_str("\n        ");
        out.push_str(&line);
        empty = false;
    }
    out.push_str(if empty { "}\n" } else { "\n    }\n" });
    out
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
) -> (Vec<TokenStream>, String) {
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
        #[non_exhaustive]
        #lints
        pub enum #name {
            #( #vs )*
            #unknown
        }
    }];
    items.extend(froms);
    (items, tagged_table(api, name, tag, variants))
}

/// A tagged union's `Serialize` and `Deserialize`, as the runtime's `tagged!` invocation with
/// the union's table: the tag first, then the payload's members (a generated struct writes
/// them straight after the tag, anything else goes through a JSON value); an unknown tag, or
/// members that do not fit the variant, read into `Unknown` with every member kept.
fn tagged_table(
    api: &Api,
    name: &proc_macro2::Ident,
    tag: &str,
    variants: &[TaggedVariant],
) -> String {
    let tag = proc_macro2::Literal::string(tag);
    let lines = variants.iter().map(|v| {
        let write = match api.types.get(&v.payload).map(|d| &d.kind) {
            Some(TypeKind::Struct { .. }) => "write",
            _ => "write_value",
        };
        let wire = proc_macro2::Literal::string(&v.tag_value);
        format!("{} {wire} {write},", ident(&v.name))
    });
    format!("tagged! {{\n{}}}\n", table(&format!("{name} {tag}"), lines))
}
