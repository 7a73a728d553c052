//! `mod.rs`: the module root, the SDK's `Client`, and the resource accessors.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, paragraphs};
use crate::model::Api;

/// The module root file.
pub fn module_root(api: &Api, features: bool) -> TokenStream {
    let gate = |accessor: &String| {
        if features {
            super::cfg_for(std::iter::once(accessor), api.resources.len())
        } else {
            quote!()
        }
    };
    let title = if api.title.is_empty() {
        "API".to_string()
    } else {
        api.title.clone()
    };
    let module_doc = format!(
        " {title} (version {}): the generated part of the SDK.",
        api.version
    );
    let mods = api.resources.values().map(|r| {
        let m = ident(&r.accessor);
        let n = ident(&r.name);
        let d = doc(&format!("The `{}` resource.", r.name));
        let cfg = gate(&r.accessor);
        quote! { #d #cfg pub mod #m; #cfg pub use #m::#n; }
    });
    let accessors = api.resources.values().map(|r| {
        let m = ident(&r.accessor);
        let n = ident(&r.name);
        let d = doc(&paragraphs(&[
            Some(&format!("Operations of the `{}` resource.", r.name)),
            r.doc.as_deref(),
        ]));
        let cfg = gate(&r.accessor);
        quote! { #d #cfg pub fn #m(&self) -> #n<'_> { #n::new(&self.core) } }
    });
    let servers = api.servers.iter().map(|s| {
        let url = &s.url;
        let description = s.description.clone().unwrap_or_default();
        quote!((#url, #description))
    });
    let events = (!api.webhooks.is_empty()).then(|| {
        quote! {
            /// Webhooks: the events the API delivers, as one `Event` enum.
            pub mod events;
        }
    });
    // A spec of models only has no calls: no `Call`, whose constructor would be unused.
    let call = (!api.resources.is_empty()).then(|| call_type(features));
    let client = client_type(&title, accessors);
    quote! {
        #![doc = #module_doc]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        pub mod types;
        #events
        #( #mods )*

        /// Servers of the API as the spec lists them: URL template and description.
        pub const SERVERS: &[(&str, &str)] = &[ #( #servers ),* ];

        #client

        #call
    }
}

/// `Client`: its builder, the runtime client underneath, and an accessor per resource.
fn client_type(title: &str, accessors: impl Iterator<Item = TokenStream>) -> TokenStream {
    let client_doc = doc(&paragraphs(&[
        Some(&format!("A client for the {title}.")),
        Some("Build one with [`Client::builder`]; it is cheap to clone and safe to share between tasks (clones share one connection pool)."),
    ]));
    quote! {
        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            core: ::rebilly_runtime::Client,
        }

        impl Client {
            /// Starts configuring a client: environment or base URL, organization, credentials, retries.
            pub fn builder() -> ::rebilly_runtime::ClientBuilder<Client> {
                ::rebilly_runtime::ClientBuilder::new()
                    .user_agent_product(::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION")))
            }
            /// The runtime client underneath, for configuration and custom requests.
            pub fn core(&self) -> &::rebilly_runtime::Client {
                &self.core
            }
            /// A client that shares this one's connection pool and settings but sends `credentials`
            /// (for example a customer JWT obtained by exchanging an authentication token).
            pub fn with_credentials(&self, credentials: ::rebilly_runtime::Credentials) -> Self {
                Self { core: self.core.with_credentials(credentials) }
            }
            #( #accessors )*
        }

        impl From<::rebilly_runtime::Client> for Client {
            fn from(core: ::rebilly_runtime::Client) -> Self {
                Self { core }
            }
        }

    }
}

/// `Call<'a, O>`, the one request builder type of every operation, and what it offers:
/// per-call options, sending, the request it would send, downloads and collection streams.
fn call_type(features: bool) -> TokenStream {
    // With a feature per resource, and none of them enabled, nothing makes a call.
    let unused_new = features.then(|| quote!(#[allow(dead_code)]));
    quote! {
        /// A call of operation `O`, made by a resource's method: set optional parameters, then
        /// `.await` it (or [`send`](Self::send) it).
        ///
        /// Every operation's call is this one type; what differs is `O`, the operation's own
        /// type, which holds its parameters and describes it to the runtime.
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct Call<'a, O> {
            client: &'a ::rebilly_runtime::Client,
            options: ::rebilly_runtime::RequestOptions,
            operation: O,
        }

        impl<'a, O: ::rebilly_runtime::Operation> Call<'a, O> {
            #unused_new
            fn new(client: &'a ::rebilly_runtime::Client, operation: O) -> Self {
                Self { client, options: ::rebilly_runtime::RequestOptions::default(), operation }
            }
            /// Uses these credentials for this call instead of the client's.
            pub fn credentials(mut self, credentials: ::rebilly_runtime::Credentials) -> Self {
                self.options.credentials = Some(credentials);
                self
            }
            /// Replaces the per-call options (credentials, retries, timeout, extra headers).
            pub fn options(mut self, options: ::rebilly_runtime::RequestOptions) -> Self {
                self.options = options;
                self
            }
            /// The request this call sends, before the client adds its base URL, credentials
            /// and `Accept`: to inspect or log (its path and query, its header parameters).
            pub fn request(&self) -> Result<::rebilly_runtime::Request, ::rebilly_runtime::Error> {
                let mut request = ::rebilly_runtime::Request::of::<O>();
                ::rebilly_runtime::Operation::describe(&self.operation, &mut request)?;
                Ok(request)
            }
            /// Sends the request and returns the decoded body.
            pub async fn send(self) -> Result<O::Output, ::rebilly_runtime::Error> {
                self.client.call(&self.operation, &self.options).await.map(::rebilly_runtime::Response::into_body)
            }
            /// Sends the request and returns the body with the status and headers.
            pub async fn send_with_response(self) -> Result<::rebilly_runtime::Response<O::Output>, ::rebilly_runtime::Error> {
                self.client.call(&self.operation, &self.options).await
            }
        }

        impl<'a, O: ::rebilly_runtime::Operation<Output = ::rebilly_runtime::Binary>> Call<'a, O> {
            /// Sends the request and returns the response with its body unread, to stream a
            /// large file to disk or any writer without holding it in memory
            /// ([`Download::save`](::rebilly_runtime::Download::save),
            /// [`write_to`](::rebilly_runtime::Download::write_to),
            /// [`chunk`](::rebilly_runtime::Download::chunk)).
            pub async fn download(self) -> Result<::rebilly_runtime::Download, ::rebilly_runtime::Error> {
                self.client.download(&self.operation, &self.options).await
            }
        }

        impl<'a, O: ::rebilly_runtime::Paginated> Call<'a, O> {
            /// Walks every item of the collection, fetching pages lazily as the stream is polled.
            ///
            /// Starts at the `offset` set on this call (default 0) and asks for pages of
            /// `limit` items (default: the client's page size); stops after the last item
            /// that `Pagination-Total` announces, or at the first short page.
            pub fn stream(self) -> impl ::rebilly_runtime::futures::Stream<Item = Result<O::Item, ::rebilly_runtime::Error>> + 'a {
                self.client.stream(self.operation, self.options)
            }
        }

        impl<'a, O: ::rebilly_runtime::Operation> ::std::future::IntoFuture for Call<'a, O> {
            type Output = Result<O::Output, ::rebilly_runtime::Error>;
            type IntoFuture = ::rebilly_runtime::BoxFuture<'a, Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}
