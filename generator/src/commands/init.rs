//! `init`: a new SDK crate for any Rebilly API group, with this repository's living loop:
//! `spec/` (taken by [`sync`]) → `build.rs` → `generated/`, a `src/lib.rs`
//! around it, a README with its two commands, and a test that `generated/` is fresh.

use std::fs;
use std::path::{Path, PathBuf};

use super::sync::{self, Selection};
use crate::diag::{Error, Result};
use crate::emit::OutputFile;
use crate::krate::TLS_FEATURES;
use crate::{generate, write, Filter, Generated};

/// Where the new crate gets `rebilly-runtime` and `rebilly-sdk-gen` from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Their registry version, e.g. `0.1.0`.
    Registry(String),
    /// A checkout of the generator's repository (holding `runtime/` and `generator/`).
    Checkout(PathBuf),
}

/// What `init` made.
#[derive(Debug)]
pub struct Created {
    /// The crate's folder.
    pub dir: PathBuf,
    /// The package name.
    pub name: String,
    /// What was taken from upstream.
    pub selection: Selection,
    /// The generated SDK.
    pub generated: Generated,
    /// Every file written, relative to `dir`.
    pub files: usize,
}

/// The package name `init` gives when none is asked for: `rebilly-` and the tags.
pub fn default_name(tags: &[String]) -> String {
    let mut name = String::from("rebilly");
    for tag in tags {
        for word in tag
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            name.push('-');
            name.push_str(&word.to_ascii_lowercase());
        }
    }
    name
}

fn check_name(name: &str) -> Result<()> {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Error::Write {
            path: PathBuf::from(name),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a valid package name (ASCII letters, digits, `-` and `_`, starting with a letter)",
            ),
        })
    }
}

/// Creates the crate in `dir` (which must not exist, or be empty) from the operations of
/// `upstream` tagged `tags`. Built beside `dir` and moved into place: on failure nothing
/// is left behind.
pub fn init(
    upstream: &Path,
    tags: &[String],
    dir: &Path,
    name: Option<&str>,
    origin: &Origin,
) -> Result<Created> {
    let name = name.map_or_else(|| default_name(tags), str::to_string);
    check_name(&name)?;
    let occupied = dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
    if occupied {
        return Err(Error::Write {
            path: dir.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "the folder exists and is not empty; init creates a new crate",
            ),
        });
    }
    let selection = sync::select(upstream, tags)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|source| Error::Write {
        path: parent.clone(),
        source,
    })?;
    let staging = parent.join(format!(
        ".{}.init-{}",
        dir.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&staging);
    let built = build(&selection, &staging, &name, tags, origin);
    let (generated, files) = match built {
        Ok(b) => b,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if dir.exists() {
        let _ = fs::remove_dir(dir);
    }
    fs::rename(&staging, dir).map_err(|source| {
        let _ = fs::remove_dir_all(&staging);
        Error::Write {
            path: dir.to_path_buf(),
            source,
        }
    })?;
    let mut generated = generated;
    for w in &mut generated.warnings {
        if let Ok(rel) = w.location.file.strip_prefix(&staging) {
            w.location.file = dir.join(rel);
        }
    }
    Ok(Created {
        dir: dir.to_path_buf(),
        name,
        selection,
        generated,
        files,
    })
}

fn build(
    selection: &Selection,
    root: &Path,
    name: &str,
    tags: &[String],
    origin: &Origin,
) -> Result<(Generated, usize)> {
    let spec = root.join("spec");
    sync::apply(selection, &spec, |_| Ok(()))?;
    let generated = generate(&spec, &Filter::default(), "spec")?;
    write::write_files(&root.join("generated"), &generated.files)?;
    let files = crate_files(name, tags, origin, &generated);
    write::write_files(root, &files)?;
    let count = selection.files.len() + generated.files.len() + files.len();
    Ok((generated, count))
}

fn dependency(origin: &Origin, folder: &str) -> String {
    match origin {
        Origin::Registry(version) => {
            format!("{{ version = {version:?}, default-features = false }}")
        }
        Origin::Checkout(repo) => format!(
            "{{ path = {:?}, default-features = false }}",
            repo.join(folder).to_string_lossy().replace('\\', "/")
        ),
    }
}

/// The crate's own files (not `spec/`, not `generated/`).
fn crate_files(
    name: &str,
    tags: &[String],
    origin: &Origin,
    generated: &Generated,
) -> Vec<OutputFile> {
    let runtime = dependency(origin, "runtime");
    let generator = dependency(origin, "generator");
    let group = tags.join(", ");
    let quoted = tags
        .iter()
        .map(|t| format!("--tag {t:?}"))
        .collect::<Vec<_>>()
        .join(" ");
    let module = name.replace('-', "_");
    let api = &generated.api;
    let resources: Vec<String> = api
        .resources
        .values()
        .map(|r| format!("`client.{}()`", r.accessor))
        .collect();
    let manifest = format!(
        r#"[package]
name = {name:?}
version = "0.1.0"
edition = "2021"
description = "Typed async Rust SDK for the Rebilly {group} API, generated from its OpenAPI description"
build = "build.rs"

# A workspace of its own, so that it builds wherever it was created; remove this table to
# make it a member of a workspace of yours.
[workspace]

[dependencies]
rebilly-runtime = {runtime}
{TLS_FEATURES}default = ["rustls-ring", "tracing"]

[build-dependencies]
# The generator's library only, without its command line.
rebilly-sdk-gen = {generator}

[dev-dependencies]
rebilly-sdk-gen = {generator}
"#
    );
    let build_rs = "//! Regenerates `generated/` from `spec/` whenever a spec file changes (see\n//! `rebilly_sdk_gen::build_script`).\n\nfn main() {\n    rebilly_sdk_gen::build_script();\n}\n".to_string();
    let lib_rs = format!(
        r#"//! Typed async Rust SDK for Rebilly's **{group}** API.
//!
//! Generated from the OpenAPI description in `spec/` by `rebilly-sdk-gen` (see the README);
//! the runtime it uses (configuration, credentials, errors, pagination, retries) is the
//! [`rebilly_runtime`] crate, re-exported here.

// Generated code is formatted by the generator; rustfmt must not touch it.
#[rustfmt::skip]
#[path = "../generated/mod.rs"]
mod generated;

pub use generated::*;
pub use rebilly_runtime::{{
    ApiError, ClientBuilder, Config, Credentials, Environment, Error, Page, Problem, RateLimit,
    RequestOptions, Response, RetryPolicy, Secret,
}};
"#
    );
    let fresh_rs =
        r#"//! `generated/` is exactly what `spec/` produces: build.rs keeps it so, and this test
//! catches a hand edit of `generated/` (which build.rs does not rerun for).

use std::path::Path;

#[test]
fn generated_is_what_the_spec_produces() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated =
        rebilly_sdk_gen::generate(&root.join("spec"), &rebilly_sdk_gen::Filter::default(), "spec")
            .unwrap_or_else(|e| panic!("spec/ does not generate: {e}"));
    let drift = rebilly_sdk_gen::write::check_files(&root.join("generated"), &generated.files);
    assert!(
        drift.is_empty(),
        "generated/ is stale (run `cargo build`):\n{}",
        drift.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    );
}
"#
        .to_string();
    let client_rs = format!(
        r#"//! The SDK as created: a client is built from the crate's own configuration.

#[test]
fn a_client_is_built() {{
    let client = {module}::Client::builder()
        .base_url("http://127.0.0.1:9")
        .organization_id("my-org")
        .secret_api_key("sk_test_not_a_real_key")
        .build();
    assert!(client.is_ok(), "{{:?}}", client.err());
}}
"#
    );
    let readme = format!(
        r#"# {name}

Typed async Rust SDK for Rebilly's **{group}** API: {ops} operations, {types} types
({resources}). It is generated from Rebilly's OpenAPI definitions by `rebilly-sdk-gen`;
`generated/` is never edited by hand.

## The two commands

With the generator's command line (`cargo install rebilly-sdk-gen`, or
`cargo run -p rebilly-sdk-gen --` in its repository):

```sh
# Take upstream's current definitions for this group into spec/; it prints the files that
# changed and what changed in the Rust API (with the semver verdict and the next version)
rebilly-sdk-gen sync --from ../api-definitions {quoted}

# Build (build.rs regenerates generated/ from spec/) and run the tests
cargo test
```

## Keeping the SDK in sync

1. Update your checkout of Rebilly's api-definitions (`git pull`).
2. Run `sync` as above. It writes `spec/` all or nothing, and prints the change report.
3. Set `version` in Cargo.toml to the next version the report gives, and paste the report
   into CHANGELOG.md.
4. `cargo test`, then commit `spec/` and `generated/` together.

## Layout

| path | what |
| --- | --- |
| `spec/` | upstream's files for this group, in upstream's layout (written by `sync`) |
| `build.rs` | regenerates `generated/` when `spec/` changes |
| `generated/` | the SDK module (written by the generator only) |
| `src/lib.rs` | the crate root around it |
| `tests/fresh.rs` | fails when `generated/` is not what `spec/` produces |
"#,
        ops = api.operation_count(),
        types = api.types.len(),
        resources = resources.join(", "),
    );
    let gitignore = "/target\n".to_string();
    [
        ("Cargo.toml", manifest),
        ("build.rs", build_rs),
        ("src/lib.rs", lib_rs),
        ("tests/fresh.rs", fresh_rs),
        ("tests/client.rs", client_rs),
        ("README.md", readme),
        (".gitignore", gitignore),
    ]
    .into_iter()
    .map(|(path, content)| OutputFile {
        path: path.to_string(),
        content,
    })
    .collect()
}
