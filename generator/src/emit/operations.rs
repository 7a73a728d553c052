//! One file per resource: the resource handle, its methods, and a request builder per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, ident, paragraphs, rust_type};
use crate::model::{
    bare, Argument, BodyEncoding, Method, Operation, Output, Param, ParamLocation, ParamStyle,
    Resource, SecurityScheme, TypeRef,
};

/// The whole file of one resource.
pub fn resource_file(resource: &Resource) -> TokenStream {
    let name = ident(&resource.name);
    let text = paragraphs(&[
        Some(&format!("Operations of the `{}` resource.", resource.name)),
        resource.doc.as_deref(),
    ]);
    let docs = doc(&text);
    let methods = resource.operations.iter().map(method);
    let operations = resource
        .operations
        .iter()
        .map(|op| operation(op, &resource.name));
    let schemes = resource.schemes.iter().map(|(n, s)| {
        let n = ident(n);
        let s = scheme(s);
        quote!(const #n: Scheme = #s;)
    });
    let sets = resource.security_sets.iter().map(|set| {
        let n = ident(&set.name);
        let alternatives = set.alternatives.iter().map(|alt| {
            let names = alt.iter().map(|a| ident(a));
            quote!(&[ #( #names ),* ])
        });
        quote!(const #n: Security = &[ #( #alternatives ),* ];)
    });
    let module_doc = format!(
        " The `{}` resource: its handle, with a method per operation, and a type per operation.",
        resource.name
    );
    quote! {
        #![doc = #module_doc]
        #![allow(clippy::too_many_arguments)]
        #[allow(unused_imports)]
        use super::{types, Call};
        #[allow(unused_imports)]
        use ::rebilly_runtime::operation::{AsBinary, AsText, Empty, Json, Paged, Raw, Text};
        #[allow(unused_imports)]
        use ::rebilly_runtime::{
            Binary, Client, Error, Method, Operation, Page, Paginated, ParamStyle, Request,
            Scheme, Security, Style,
        };
        #docs
        #[derive(Debug, Clone, Copy)]
        pub struct #name<'a> {
            client: &'a Client,
        }
        impl<'a> #name<'a> {
            /// A handle on the resource for `client`.
            pub fn new(client: &'a Client) -> Self {
                Self { client }
            }
            #( #methods )*
        }
        #( #operations )*
        #( #schemes )*
        #( #sets )*
    }
}

fn types() -> TokenStream {
    quote!(types::)
}

/// The type of an argument taken as `argument`.
fn arg_type(ty: &TypeRef, argument: Argument) -> TokenStream {
    let t = rust_type(ty, &types());
    match argument {
        Argument::Into => quote!(impl Into<#t>),
        Argument::Optional => quote!(Option<#t>),
        Argument::Value => t,
    }
}

/// The value stored for an argument `n` taken as `argument`.
fn arg_value(n: &proc_macro2::Ident, argument: Argument) -> TokenStream {
    match argument {
        Argument::Into => quote!(#n.into()),
        _ => quote!(#n),
    }
}

/// Positional arguments: path parameters, required query/header parameters, a required body.
fn positional(op: &Operation) -> Vec<(&str, &TypeRef, Argument)> {
    let mut args: Vec<(&str, &TypeRef, Argument)> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.name.as_str(), &p.ty, p.argument))
        .collect();
    if let Some(b) = op.body.as_ref().filter(|b| b.required) {
        args.push(("body", &b.ty, b.argument));
    }
    args
}

fn operation_doc(op: &Operation) -> String {
    let errors = (!op.errors.is_empty()).then(|| {
        let list: Vec<String> = op
            .errors
            .iter()
            .map(|e| {
                format!(
                    "- `{}`: {}",
                    e.status,
                    e.doc.as_deref().unwrap_or("error").replace('\n', " ")
                )
            })
            .collect();
        format!(
            "# Errors\n\nDocumented error responses, returned as `Error::Api`:\n\n{}",
            list.join("\n")
        )
    });
    let call = format!("`{} {}` (`{}`).", op.method.as_str(), op.path, op.id);
    paragraphs(&[
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&call),
        errors.as_deref(),
    ])
}

fn method(op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let operation = ident(&op.builder_name);
    let docs = doc(&operation_doc(op));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let params = positional(op).into_iter().map(|(n, t, argument)| {
        let n = ident(n);
        let t = arg_type(t, argument);
        quote!(#n: #t)
    });
    let inits = op
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.required, p.argument))
        .chain(op.body.as_ref().map(|b| ("body", b.required, b.argument)))
        .map(|(n, required, argument)| {
            let n = ident(n);
            match (required, argument) {
                (true, Argument::Into) => quote!(#n: #n.into()),
                (true, _) => quote!(#n),
                (false, _) => quote!(#n: None),
            }
        });
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #( #params ),*) -> Call<'a, #operation> {
            Call::new(self.client, #operation { #( #inits ),* })
        }
    }
}

/// The success type of the operation and its runtime decoder.
fn output(op: &Operation) -> (TokenStream, TokenStream) {
    match &op.output {
        Output::Page(item) => {
            let item = rust_type(item, &types());
            (quote!(Page<#item>), quote!(Paged))
        }
        Output::Empty => (quote!(()), quote!(Empty)),
        Output::Binary => (quote!(Binary), quote!(Raw)),
        Output::Text => (quote!(String), quote!(Text)),
        Output::Json(t) => (rust_type(t, &types()), quote!(Json)),
    }
}

fn scheme(s: &SecurityScheme) -> TokenStream {
    match s {
        SecurityScheme::ApiKeyHeader { scheme, header } => {
            quote!(Scheme::ApiKey { scheme: #scheme, header: #header })
        }
        SecurityScheme::Bearer { scheme } => {
            quote!(Scheme::Bearer { scheme: #scheme })
        }
        SecurityScheme::Basic { scheme } => {
            quote!(Scheme::Basic { scheme: #scheme })
        }
    }
}

fn method_tokens(m: Method) -> TokenStream {
    let m = format_ident!("{}", m.as_str());
    quote!(Method::#m)
}

/// The setter of an optional parameter, on the operation's `Call`.
fn param_setter(p: &Param) -> TokenStream {
    let n = ident(&p.name);
    let t = arg_type(&p.ty, p.argument);
    let value = arg_value(&format_ident!("value"), p.argument);
    let docs = doc(p
        .doc
        .as_deref()
        .unwrap_or(&format!("Sets the `{}` parameter.", p.wire)));
    quote! {
        #docs
        pub fn #n(mut self, value: #t) -> Self {
            self.operation.#n = Some(#value);
            self
        }
    }
}

/// The statement that adds parameter `p` to the request: OpenAPI's default style in a call
/// of its own (`path_param`, `query`, `header`), any other with its `ParamStyle`.
fn param_value(p: &Param) -> TokenStream {
    let n = ident(&p.name);
    let wire = &p.wire;
    if p.style == ParamStyle::default_for(p.location) {
        return match p.location {
            ParamLocation::Path => quote!(request.path_param(&self.#n)?;),
            ParamLocation::Query => quote!(request.query(#wire, &self.#n)?;),
            ParamLocation::Header => quote!(request.header(#wire, &self.#n)?;),
        };
    }
    let style = format_ident!("{}", format!("{:?}", p.style.style));
    let explode = p.style.explode;
    let reserved = p.style.allow_reserved.then(|| quote!(.allowing_reserved()));
    let style = quote!(ParamStyle::new(Style::#style, #explode) #reserved);
    match p.location {
        ParamLocation::Path => quote!(request.path_param_styled(#wire, &self.#n, #style)?;),
        ParamLocation::Query => quote!(request.query_styled(#wire, &self.#n, #style)?;),
        ParamLocation::Header => quote!(request.header_styled(#wire, &self.#n, #style)?;),
    }
}

/// The typed setters that ask for another media type than JSON (`.pdf()`): each turns the
/// call into one of the same request with that `Accept`, returning bytes or text.
fn alternatives(op: &Operation) -> Option<TokenStream> {
    if op.alternatives.is_empty() {
        return None;
    }
    let name = ident(&op.builder_name);
    let setters = op.alternatives.iter().map(|a| {
        let method = ident(&a.method_name);
        let media = &a.media_type;
        let (wrapper, what) = if a.text {
            (quote!(AsText), "its text")
        } else {
            (quote!(AsBinary), "its bytes and content type")
        };
        let docs = doc(&format!(
            "Asks for the `{media}` representation (`Accept: {media}`) instead of JSON: the call then returns {what}."
        ));
        quote! {
            #docs
            pub fn #method(self) -> Call<'a, #wrapper<#name>> {
                Call { client: self.client, options: self.options, operation: #wrapper::new(self.operation, #media) }
            }
        }
    });
    Some(quote!(impl<'a> Call<'a, #name> { #( #setters )* }))
}

/// The setters of the operation's optional parameters and body, on its `Call`.
fn setters(op: &Operation) -> Option<TokenStream> {
    let name = ident(&op.builder_name);
    let setters: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(param_setter)
        .chain(op.body.as_ref().filter(|b| !b.required).map(|b| {
            let t = rust_type(&b.ty, &types());
            let d = doc(b.doc.as_deref().unwrap_or("Sets the request body."));
            quote! { #d pub fn body(mut self, value: #t) -> Self { self.operation.body = Some(value); self } }
        }))
        .collect();
    (!setters.is_empty()).then(|| quote!(impl<'a> Call<'a, #name> { #( #setters )* }))
}

/// `Operation::describe`: the statements that add the parameters and the body.
fn describe(op: &Operation) -> Option<TokenStream> {
    let values: Vec<TokenStream> = op
        .params
        .iter()
        .map(param_value)
        .chain(op.body.as_ref().map(|b| {
            let call = match b.encoding {
                BodyEncoding::Json => quote!(json_body),
                BodyEncoding::Form => quote!(form_body),
                BodyEncoding::Bytes => quote!(bytes_body),
            };
            let media = &b.media_type;
            if b.required {
                quote!(request.#call(#media, &self.body)?;)
            } else {
                quote!(if let Some(body) = &self.body { request.#call(#media, body)?; })
            }
        }))
        .collect();
    (!values.is_empty()).then(|| {
        quote! {
            fn describe(&self, request: &mut Request) -> Result<(), Error> {
                #( #values )*
                Ok(())
            }
        }
    })
}

/// `Paginated` for a collection the caller can walk by `offset` and `limit`.
fn paginated(op: &Operation) -> Option<TokenStream> {
    let name = ident(&op.builder_name);
    let p = op.pagination.as_ref()?;
    let (offset, limit) = p.window()?;
    let (offset, limit) = (ident(offset), ident(limit));
    let item = rust_type(&p.item, &types());
    Some(quote! {
        impl Paginated for #name {
            type Item = #item;
            fn window(&mut self) -> (&mut Option<i64>, &mut Option<i64>) {
                (&mut self.#offset, &mut self.#limit)
            }
        }
    })
}

/// The operation's type: its parameters and body, what it says about itself to the runtime
/// (`Operation`, and `Paginated` for a collection), and the setters of its optional
/// parameters on its `Call`.
fn operation(op: &Operation, resource: &str) -> TokenStream {
    let name = ident(&op.builder_name);
    let docs = doc(&format!(
        "`{m} {p}` (`{id}`): the parameters of a call of [`{resource}::{method}`].",
        m = op.method.as_str(),
        p = op.path,
        id = op.id,
        method = bare(&op.method_name),
    ));
    let fields = op.params.iter().map(|p| {
        let n = ident(&p.name);
        let t = rust_type(&p.ty, &types());
        if p.required {
            quote!(#n: #t,)
        } else {
            quote!(#n: Option<#t>,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let t = rust_type(&b.ty, &types());
        if b.required {
            quote!(body: #t,)
        } else {
            quote!(body: Option<#t>,)
        }
    });
    let setters = setters(op);
    let (out, decoder) = output(op);
    let http = method_tokens(op.method);
    let path = &op.path;
    let id = &op.id;
    let security = ident(&op.security_set);
    let describe = describe(op);
    let accept = op.accept.as_ref().map(|accept| {
        quote! {
            fn accept(&self) -> &'static str {
                #accept
            }
        }
    });
    let alternatives = alternatives(op);
    let paginated = paginated(op);
    quote! {
        #docs
        #[derive(Debug, Clone)]
        pub struct #name {
            #( #fields )*
            #body_field
        }
        impl Operation for #name {
            type Output = #out;
            type Decoder = #decoder;
            const ID: &'static str = #id;
            const METHOD: Method = #http;
            const PATH: &'static str = #path;
            const SECURITY: Security = #security;
            #accept
            #describe
        }
        #paginated
        #setters
        #alternatives
    }
}
