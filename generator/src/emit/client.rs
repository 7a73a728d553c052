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
    let client_doc = doc(&paragraphs(&[
        Some(&format!("A client for the {title}.")),
        Some("Build one with [`Client::builder`]; it is cheap to clone and safe to share between tasks (clones share one connection pool)."),
    ]));
    quote! {
        #![doc = #module_doc]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        pub mod types;
        #( #mods )*

        /// Servers of the API as the spec lists them: URL template and description.
        pub const SERVERS: &[(&str, &str)] = &[ #( #servers ),* ];

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
