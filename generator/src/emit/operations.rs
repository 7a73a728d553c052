//! One file per resource: the resource handle, its methods, and a request builder per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, ident, paragraphs, rust_type};
use crate::model::{Method, Operation, Param, ParamLocation, Resource, SecurityScheme, TypeRef};

/// The whole file of one resource.
pub fn resource_file(resource: &Resource) -> TokenStream {
    let name = ident(&resource.name);
    let text = paragraphs(&[
        Some(&format!("Operations of the `{}` resource.", resource.name)),
        resource.doc.as_deref(),
    ]);
    let docs = doc(&text);
    let methods = resource.operations.iter().map(method);
    let builders = resource.operations.iter().map(builder);
    let module_doc = format!(
        " The `{}` resource: its handle and one request builder per operation.",
        resource.name
    );
    quote! {
        #![doc = #module_doc]
        #![allow(clippy::too_many_arguments)]
        #[allow(unused_imports)]
        use super::types;
        #[allow(unused_imports)]
        use ::rebilly_runtime::{
            path_segment, paginate, BoxFuture, Client, Credentials, Error, Method, Page, Request,
            RequestOptions, Response, Scheme,
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
        #( #builders )*
    }
}

fn types() -> TokenStream {
    quote!(types::)
}

/// A value that callers pass in: `impl Into<String>` for strings.
fn arg_type(ty: &TypeRef) -> (TokenStream, bool) {
    let t = rust_type(ty, &types());
    match ty {
        TypeRef::String | TypeRef::Secret => (quote!(impl Into<#t>), true),
        _ => (t, false),
    }
}

/// Positional arguments: path parameters, required query/header parameters, a required body.
fn positional(op: &Operation) -> Vec<(&str, &TypeRef, bool)> {
    let mut args: Vec<(&str, &TypeRef, bool)> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.name.as_str(), &p.ty, false))
        .collect();
    if let Some(b) = op.body.as_ref().filter(|b| b.required) {
        args.push(("body", &b.ty, true));
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
    let builder = ident(&op.builder_name);
    let docs = doc(&operation_doc(op));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let args = positional(op);
    let params = args.iter().map(|(n, t, _)| {
        let n = ident(n);
        let (t, _) = arg_type(t);
        quote!(#n: #t)
    });
    let mut inits: Vec<TokenStream> = Vec::new();
    for p in &op.params {
        let n = ident(&p.name);
        inits.push(
            match (
                p.required,
                matches!(p.ty, TypeRef::String | TypeRef::Secret),
            ) {
                (true, true) => quote!(#n: #n.into()),
                (true, false) => quote!(#n),
                (false, _) => quote!(#n: None),
            },
        );
    }
    if let Some(b) = &op.body {
        let into = matches!(b.ty, TypeRef::String | TypeRef::Secret);
        inits.push(match (b.required, into) {
            (true, true) => quote!(body: body.into()),
            (true, false) => quote!(body),
            (false, _) => quote!(body: None),
        });
    }
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #( #params ),*) -> #builder<'a> {
            #builder {
                client: self.client,
                options: RequestOptions::default(),
                #( #inits, )*
            }
        }
    }
}

/// The success type of the operation and the runtime call that decodes it.
fn output(op: &Operation) -> (TokenStream, TokenStream) {
    if let Some(p) = &op.pagination {
        let item = rust_type(&p.item, &types());
        return (quote!(Page<#item>), quote!(page()));
    }
    match op.responses.first().and_then(|r| r.body.as_ref()) {
        None => (quote!(()), quote!(empty())),
        Some(TypeRef::Bytes) => (quote!(Vec<u8>), quote!(bytes())),
        Some(t) => (rust_type(t, &types()), quote!(json())),
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

/// `format!("/credentials/{}", encode(&self.id))`-style path construction.
fn path_expr(op: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        template.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let wire = &rest[start + 1..start + len];
        if let Some(p) = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire == wire)
        {
            let n = ident(&p.name);
            template.push_str("{}");
            args.push(quote!(path_segment(&self.#n)));
        } else {
            template.push_str(&format!("{{{{{wire}}}}}"));
        }
        rest = &rest[start + len + 1..];
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    if args.is_empty() {
        quote!(String::from(#template))
    } else {
        quote!(::std::format!(#template, #( #args ),*))
    }
}

fn param_setter(p: &Param) -> TokenStream {
    let n = ident(&p.name);
    let (t, into) = arg_type(&p.ty);
    let value = if into {
        quote!(value.into())
    } else {
        quote!(value)
    };
    let docs = doc(p
        .doc
        .as_deref()
        .unwrap_or(&format!("Sets the `{}` parameter.", p.wire)));
    quote! {
        #docs
        pub fn #n(mut self, value: #t) -> Self {
            self.#n = Some(#value);
            self
        }
    }
}

fn builder(op: &Operation) -> TokenStream {
    let name = ident(&op.builder_name);
    let method_name = op.method_name.trim_start_matches("r#");
    let docs = doc(&format!(
        "Request builder for `{op_id}` (`{m} {p}`), made by the resource's `{method_name}` method.\n\nSet optional parameters, then `.await` it (or call [`send`](Self::send)).",
        op_id = op.id,
        m = op.method.as_str(),
        p = op.path,
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
    let setters = op.params.iter().filter(|p| !p.required).map(param_setter);
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let t = rust_type(&b.ty, &types());
        let d = doc(b.doc.as_deref().unwrap_or("Sets the request body."));
        quote! { #d pub fn body(mut self, value: #t) -> Self { self.body = Some(value); self } }
    });
    let (out, decode) = output(op);
    let http = method_tokens(op.method);
    let path = path_expr(op);
    let id = &op.id;
    let alternatives = op.security.iter().map(|alt| {
        let schemes = alt.iter().map(scheme);
        quote!(&[ #( #schemes ),* ])
    });
    let mutable = (op.body.is_some()
        || op.params.iter().any(|p| p.location != ParamLocation::Path))
    .then(|| quote!(mut));
    let query_and_headers = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(|p| {
            let n = ident(&p.name);
            let wire = &p.wire;
            let call = match p.location {
                ParamLocation::Header => quote!(header),
                _ => quote!(query),
            };
            if p.required {
                quote!(request.#call(#wire, &self.#n)?;)
            } else {
                quote!(if let Some(value) = &self.#n { request.#call(#wire, value)?; })
            }
        });
    let body = op.body.as_ref().map(|b| {
        let call = if matches!(b.ty, TypeRef::Bytes) {
            quote!(bytes_body)
        } else {
            quote!(json_body)
        };
        let media = &b.media_type;
        if b.required {
            quote!(request.#call(#media, &self.body)?;)
        } else {
            quote!(if let Some(body) = &self.body { request.#call(#media, body)?; })
        }
    });
    let stream = op.pagination.as_ref().and_then(|p| {
        let limit = ident(p.limit_param.as_ref()?);
        let offset = ident(p.offset_param.as_ref()?);
        let item = rust_type(&p.item, &types());
        Some(quote! {
            /// Walks every item of the collection, fetching pages lazily as the stream is polled.
            ///
            /// Starts at the `offset` set on this builder (default 0) and asks for pages of
            /// `limit` items (default: the client's page size); stops after the last item
            /// that `Pagination-Total` announces, or at the first short page.
            pub fn stream(self) -> impl ::rebilly_runtime::futures::Stream<Item = Result<#item, Error>> + 'a {
                let limit = self.#limit.unwrap_or_else(|| self.client.config().page_size());
                let offset = self.#offset.unwrap_or(0);
                paginate(offset, limit, move |offset, limit| {
                    let mut page = self.clone();
                    page.#offset = Some(offset);
                    page.#limit = Some(limit);
                    page.send()
                })
            }
        })
    });
    quote! {
        #docs
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct #name<'a> {
            client: &'a Client,
            options: RequestOptions,
            #( #fields )*
            #body_field
        }
        impl<'a> #name<'a> {
            #( #setters )*
            #body_setter
            /// Uses these credentials for this call instead of the client's.
            pub fn credentials(mut self, credentials: Credentials) -> Self {
                self.options.credentials = Some(credentials);
                self
            }
            /// Replaces the per-call options (credentials, retries, timeout, extra headers).
            pub fn options(mut self, options: RequestOptions) -> Self {
                self.options = options;
                self
            }
            /// Sends the request and returns the decoded body.
            pub async fn send(self) -> Result<#out, Error> {
                self.send_with_response().await.map(Response::into_body)
            }
            /// Sends the request and returns the body with the status and headers.
            pub async fn send_with_response(self) -> Result<Response<#out>, Error> {
                let request = self.request()?;
                self.client.execute(request, &self.options).await?.#decode
            }
            fn request(&self) -> Result<Request, Error> {
                let #mutable request = Request::new(#http, #path, #id, &[ #( #alternatives ),* ]);
                #( #query_and_headers )*
                #body
                Ok(request)
            }
            #stream
        }
        impl<'a> ::std::future::IntoFuture for #name<'a> {
            type Output = Result<#out, Error>;
            type IntoFuture = BoxFuture<'a, Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}
