//! Stage 4: the model → Rust source files, via `quote!` → `syn::File` → `prettyplease`.
//!
//! The emitter makes no decisions: names and types come from the model as they are.

mod client;
mod events;
mod operations;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::diag::{Error, Result};
use crate::model::{Api, TypeRef};
use crate::timings::{Clock, Stage};

/// One output file: path relative to the output directory, and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path, e.g. `types.rs`.
    pub path: String,
    /// Full content.
    pub content: String,
}

/// Emits every file of the SDK module for `api`. `source` names the spec in file headers.
///
/// Files are independent, so they are emitted on all available cores (token streams are
/// built, parsed and printed on the thread that owns them); the result is sorted by path,
/// so it does not depend on scheduling.
/// Each stage's time goes to `clock`.
pub fn emit(api: &Api, source: &str, features: bool, clock: &Clock) -> Result<Vec<OutputFile>> {
    let mut jobs: Vec<Job> = vec![Job::Types, Job::Root];
    jobs.extend(api.resources.values().map(Job::Resource));
    if !api.webhooks.is_empty() {
        jobs.push(Job::Events);
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    let work = || -> Result<Vec<OutputFile>> {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = jobs.get(i) else {
                return Ok(done);
            };
            done.push(job.run(api, source, features, clock)?);
        }
    };
    // This thread works too: the memory the analysis freed is in its heap, and pages reused
    // cost less than fresh ones from the system.
    let results: Vec<Result<Vec<OutputFile>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut results = vec![work()];
        results.extend(
            handles
                .into_iter()
                .map(|h| h.join().expect("an emit worker panicked")),
        );
        results
    });
    let mut files = Vec::with_capacity(jobs.len());
    for r in results {
        files.extend(r?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// One output file to emit. The largest (`types.rs`) comes first so that it starts early.
enum Job<'a> {
    Types,
    Root,
    Resource(&'a crate::model::Resource),
    Events,
}

impl Job<'_> {
    fn run(&self, api: &Api, source: &str, features: bool, clock: &Clock) -> Result<OutputFile> {
        let tokens = |make: &dyn Fn() -> TokenStream| clock.time(Stage::Tokens, make);
        match self {
            Job::Root => {
                let tokens = tokens(&|| client::module_root(api, features));
                file("mod.rs", source, tokens, clock)
            }
            // The largest file, written a type at a time: the tokens and syntax tree of one
            // type are alive at once, not those of the whole file (a third of the peak memory
            // of generating the whole upstream API).
            Job::Types => {
                let mut content = print("types.rs", tokens(&types::types_head), clock)?;
                for def in api.types.values() {
                    let made = || types::type_items(api, def, features);
                    let (items, table) = clock.time(Stage::Tokens, made);
                    content.push_str(&print("types.rs", items, clock)?);
                    content.push_str(&table);
                }
                Ok(with_header(source, "types.rs", content))
            }
            Job::Events => {
                let tokens = tokens(&|| events::events_file(api, features));
                file("events.rs", source, tokens, clock)
            }
            Job::Resource(resource) => {
                let name = format!("{}.rs", crate::model::bare(&resource.accessor));
                let tokens = tokens(&|| operations::resource_file(resource));
                file(&name, source, tokens, clock)
            }
        }
    }
}

fn file(path: &str, source: &str, tokens: TokenStream, clock: &Clock) -> Result<OutputFile> {
    Ok(with_header(source, path, print(path, tokens, clock)?))
}

/// Parses `tokens` as a file's worth of Rust (invalid code is a generator error) and prints it.
fn print(path: &str, tokens: TokenStream, clock: &Clock) -> Result<String> {
    let parsed = clock.time(Stage::Parse, || syn::parse2::<syn::File>(tokens));
    let parsed = parsed.map_err(|e| Error::InvalidRust {
        file: path.to_string(),
        message: e.to_string(),
    })?;
    Ok(clock.time(Stage::Format, || prettyplease::unparse(&parsed)))
}

fn with_header(source: &str, path: &str, printed: String) -> OutputFile {
    let header = format!(
        "// @generated by rebilly-sdk-gen from {source}.\n// Do not edit: change the spec (or the generator) and regenerate.\n\n"
    );
    OutputFile {
        path: path.to_string(),
        content: header + &printed,
    }
}

/// `#[cfg(any(feature = "a", ...))]` for an item used by `groups`, or nothing when every one of
/// the `all` groups uses it.
pub(crate) fn cfg_for<'a>(
    groups: impl ExactSizeIterator<Item = &'a String>,
    all: usize,
) -> TokenStream {
    cfg_tokens(cfg_features(groups, all).as_deref())
}

/// The features an item used by `groups` needs, or `None` when every one of the `all` groups
/// uses it.
pub(crate) fn cfg_features<'a>(
    groups: impl ExactSizeIterator<Item = &'a String>,
    all: usize,
) -> Option<Vec<String>> {
    (groups.len() < all).then(|| groups.map(|g| feature_name(g)).collect())
}

/// The `cfg` attribute for `features`, as tokens.
pub(crate) fn cfg_tokens(features: Option<&[String]>) -> TokenStream {
    match features {
        Some(names) => quote!(#[cfg(any( #( feature = #names ),* ))]),
        None => quote!(),
    }
}

/// The `cfg` attribute for `features`, as a line of text formatted as `prettyplease` would
/// print it; nothing without features.
pub(crate) fn cfg_text(features: Option<&[String]>) -> String {
    let Some(names) = features else {
        return String::new();
    };
    let list: Vec<String> = names
        .iter()
        .map(|n| format!("feature = {}", proc_macro2::Literal::string(n)))
        .collect();
    format!("#[cfg(any({}))]\n", list.join(", "))
}

/// The cargo feature of a resource: its accessor name with dashes (`customer-authentication`).
pub fn feature_name(accessor: &str) -> String {
    crate::model::bare(accessor).replace('_', "-")
}

/// An identifier; `r#name` becomes a raw identifier.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` lines for a text; each line becomes its own attribute.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|l| format!(" {}", l.trim_end()));
    quote! { #( #[doc = #lines] )* }
}

/// Joins doc paragraphs, skipping empty ones.
pub(crate) fn paragraphs(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The Rust type for a model type reference, as text, with `types_path` before the name of
/// a generated type (empty inside `types.rs`): what the tables of `types.rs` are written with.
pub(crate) fn type_text(ty: &TypeRef, types_path: &str) -> String {
    match ty {
        TypeRef::String => "String".to_string(),
        TypeRef::I32 => "i32".to_string(),
        TypeRef::I64 => "i64".to_string(),
        TypeRef::F64 => "f64".to_string(),
        TypeRef::Bool => "bool".to_string(),
        TypeRef::DateTime => "::rebilly_runtime::DateTime".to_string(),
        TypeRef::Date => "::rebilly_runtime::Date".to_string(),
        TypeRef::Secret => "::rebilly_runtime::Secret".to_string(),
        TypeRef::Json => "::rebilly_runtime::serde_json::Value".to_string(),
        TypeRef::Bytes => "Vec<u8>".to_string(),
        TypeRef::Named(n) => format!("{types_path}{}", ident(n)),
        TypeRef::Array(t) => format!("Vec<{}>", type_text(t, types_path)),
        TypeRef::Map(t) => format!(
            "::std::collections::BTreeMap<String, {}>",
            type_text(t, types_path)
        ),
        TypeRef::Nullable(t) => format!("Option<{}>", type_text(t, types_path)),
    }
}

/// The Rust type for a model type reference, as seen from a module beside `types`: the
/// tokens of [`type_text`].
pub(crate) fn rust_type(ty: &TypeRef, types_path: &TokenStream) -> TokenStream {
    let text = type_text(ty, &types_path.to_string());
    // Identifiers, paths and angle brackets only: the text always lexes.
    text.parse().expect("a type's text is Rust tokens")
}
