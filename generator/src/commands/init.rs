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
    let t = Templates {
        name,
        group: tags.join(", "),
        tags: tags
            .iter()
            .map(|t| format!("--tag {t:?}"))
            .collect::<Vec<_>>()
            .join(" "),
        module: name.replace('-', "_"),
        runtime: dependency(origin, "runtime"),
        generator: dependency(origin, "generator"),
    };
    [
        ("Cargo.toml", t.manifest()),
        ("build.rs", BUILD_RS.to_string()),
        ("src/lib.rs", t.lib_rs()),
        ("tests/fresh.rs", FRESH_RS.to_string()),
        ("tests/client.rs", t.client_rs()),
        ("README.md", t.readme(generated)),
        ("CHANGELOG.md", t.changelog()),
        (".github/workflows/sdk.yml", t.workflow()),
        (".gitignore", "/target\n".to_string()),
    ]
    .into_iter()
    .chain(
        t.webhooks_rs(generated)
            .map(|test| ("tests/webhooks.rs", test)),
    )
    .map(|(path, content)| OutputFile {
        path: path.to_string(),
        content,
    })
    .collect()
}

/// What the files of a new crate are made from.
struct Templates<'a> {
    name: &'a str,
    /// The tags, joined: `Gateway accounts`.
    group: String,
    /// The tags as `sync` arguments: `--tag "Gateway accounts"`.
    tags: String,
    /// The crate's name in Rust: `rebilly_gateway_accounts`.
    module: String,
    runtime: String,
    generator: String,
}

const BUILD_RS: &str = "//! Regenerates `generated/` from `spec/` whenever a spec file changes (see\n//! `rebilly_sdk_gen::build_script`).\n\nfn main() {\n    rebilly_sdk_gen::build_script();\n}\n";

const FRESH_RS: &str = r#"//! `generated/` is exactly what `spec/` produces: build.rs keeps it so, and this test
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
"#;

impl Templates<'_> {
    fn manifest(&self) -> String {
        let Templates {
            name,
            group,
            runtime,
            generator,
            ..
        } = self;
        let runtime_webhooks = runtime.replacen(" }", ", features = [\"webhooks\"] }", 1);
        format!(
            r#"[package]
name = {name:?}
version = "0.1.0"
edition = "2021"
description = "Typed async Rust SDK for the Rebilly {group} API, generated from its OpenAPI description"
readme = "README.md"
keywords = ["rebilly", "payments", "sdk", "api"]
categories = ["api-bindings", "web-programming::http-client"]
build = "build.rs"
# What the registry serves. Not build.rs: it regenerates generated/ in this repository only,
# so the crate's users never compile the generator (cargo drops `build` from the package
# and skips the build-dependencies of a package without a build script).
include = ["/src", "/generated", "/spec", "/README.md", "/CHANGELOG.md"]

[package.metadata.docs.rs]
all-features = true

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
# The tests receive a webhook delivery with the runtime's receiver.
rebilly-runtime = {runtime_webhooks}
"#
        )
    }

    fn lib_rs(&self) -> String {
        let group = &self.group;
        format!(
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
/// Receiving webhooks with any server built on the `http` crate's types (feature
/// `webhook-receiver`); decode what it accepts with `events::Event`, when the spec has webhooks.
#[cfg(feature = "webhook-receiver")]
pub use rebilly_runtime::webhook;
"#
        )
    }

    /// A test that receives a delivery of one of the crate's events (`customer-created`
    /// when it has it), when the spec has webhooks.
    fn webhooks_rs(&self, generated: &Generated) -> Option<String> {
        let webhooks = &generated.api.webhooks;
        let webhook = webhooks
            .iter()
            .find(|w| w.event_type == "customer-created")
            .or(webhooks.first())?;
        let module = &self.module;
        let (event_type, variant) = (&webhook.event_type, &webhook.variant);
        let test = crate::model::bare(&webhook.constructor);
        Some(format!(
            r#"//! A webhook delivery, received with the runtime's receiver and decoded as the crate's
//! own `Event`.

use rebilly_runtime::reqwest::header::{{HeaderMap, HeaderValue, AUTHORIZATION}};
use rebilly_runtime::reqwest::Method;
use rebilly_runtime::serde_json::{{json, Value}};
use rebilly_runtime::webhook::{{Receiver, Refusal}};
use {module}::events::Event;

/// `Authorization: Basic` for `rebilly` / `test-password`.
const CREDENTIALS: &str = "Basic cmViaWxseTp0ZXN0LXBhc3N3b3Jk";

fn headers(authorization: &'static str) -> HeaderMap {{
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_static(authorization));
    headers
}}

#[test]
fn a_{test}_delivery_is_received_and_decoded() {{
    let receiver = Receiver::builder()
        .basic("rebilly", "test-password")
        .build()
        .unwrap();
    let body = json!({{"eventType": "{event_type}", "addedLater": {{"kept": true}}}});
    let bytes = rebilly_runtime::serde_json::to_vec(&body).unwrap();
    let delivery = receiver
        .receive_bytes(&Method::POST, &headers(CREDENTIALS), bytes.clone())
        .unwrap();
    let event = Event::from_slice(delivery.body()).unwrap();
    assert!(matches!(event, Event::{variant}(_)), "{{event:?}}");
    assert_eq!(event.event_type(), "{event_type}");
    // Written back as it came, for a queue.
    let written: Value = rebilly_runtime::serde_json::to_value(&event).unwrap();
    assert_eq!(written, body);
    // Wrong credentials are refused with a challenge.
    let refused = receiver
        .receive_bytes(&Method::POST, &headers("Basic d3Jvbmc6d3Jvbmc="), bytes)
        .unwrap_err();
    assert!(matches!(refused, Refusal::Unauthorized {{ .. }}));
    assert_eq!(refused.status(), 401);
}}
"#
        ))
    }

    fn client_rs(&self) -> String {
        let module = &self.module;
        format!(
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
        )
    }

    fn readme(&self, generated: &Generated) -> String {
        let (name, group, quoted) = (self.name, &self.group, &self.tags);
        let api = &generated.api;
        let resources: Vec<String> = api
            .resources
            .values()
            .map(|r| format!("`client.{}()`", r.accessor))
            .collect();
        format!(
            r#"# {name}

Typed async Rust SDK for Rebilly's **{group}** API: {ops} operations, {types} types
({resources}). It is generated from Rebilly's OpenAPI definitions by `rebilly-sdk-gen`;
`generated/` is never edited by hand.

## The two commands

With the generator's command line (`cargo install rebilly-sdk-gen`, or
`cargo run -p rebilly-sdk-gen --` in its repository):

```sh
# Take upstream's current definitions for this group into spec/; it prints the files that
# changed and what changed in the Rust API (with the semver verdict), and writes the next
# version into Cargo.toml and the report into CHANGELOG.md
rebilly-sdk-gen sync --from ../api-definitions {quoted} --release

# Build (build.rs regenerates generated/ from spec/) and run the tests
cargo test
```

## Keeping the SDK in sync

1. Update your checkout of Rebilly's api-definitions (`git pull`).
2. Run `sync --release` as above. It writes `spec/` all or nothing, prints the change
   report, and writes the version and the CHANGELOG entry (both or neither).
3. `cargo test`, then commit `spec/`, `generated/`, `Cargo.toml` and `CHANGELOG.md`
   together.

Enums are `#[non_exhaustive]`, so a value upstream adds is a minor release. `cargo publish`
ships `src/`, `spec/` and `generated/` but not `build.rs`: users of the crate never compile
the generator.

## Layout

| path | what |
| --- | --- |
| `spec/` | upstream's files for this group, in upstream's layout (written by `sync`) |
| `build.rs` | regenerates `generated/` when `spec/` changes |
| `generated/` | the SDK module (written by the generator only) |
| `src/lib.rs` | the crate root around it |
| `tests/fresh.rs` | fails when `generated/` is not what `spec/` produces |
| `CHANGELOG.md` | each release's change report (written by `sync --release`) |
| `.github/workflows/sdk.yml` | CI: see below |

## CI

`.github/workflows/sdk.yml` runs the commands above:

- on every push and pull request, `cargo test`; on a pull request also
  `rebilly-sdk-gen release --check ../base/spec spec` (the base branch checked out in
  `../base`), which fails when `Cargo.toml`'s version is lower than the changes need;
- every weekday and on demand, it clones Rebilly's definitions into `../api-definitions`,
  runs `sync --release` and `cargo test`, and opens a pull request whose body is the
  change report, labelled `semver-major`, `semver-minor` or `semver-patch`.
"#,
            ops = api.operation_count(),
            types = api.types.len(),
            resources = resources.join(", "),
        )
    }

    /// `.github/workflows/sdk.yml`: the tests on every push and pull request (and, on a
    /// pull request, `release --check` against its base); on a schedule and on demand, the
    /// README's loop (`sync --release`, `cargo test`) and a pull request whose body is the
    /// change report, labelled with the verdict.
    fn workflow(&self) -> String {
        WORKFLOW
            .replace("{GENERATOR_VERSION}", env!("CARGO_PKG_VERSION"))
            .replace("{TAGS}", &self.tags)
            .replace("{GROUP}", &self.group)
    }

    fn changelog(&self) -> String {
        let name = self.name;
        format!(
        "# Changelog\n\nEach release of `{name}`: what changed in its Rust API, with the semver\nseverity of each change (written by `rebilly-sdk-gen sync --release`).\n"
    )
    }
}

/// The workflow of a new crate (see [`Templates::workflow`]). Its commands are the README's.
const WORKFLOW: &str = r#"# Keeps this SDK in step with Rebilly's API definitions (written by `rebilly-sdk-gen init`).
name: SDK

on:
  push:
  pull_request:
  schedule:
    - cron: "23 5 * * 1-5"
  workflow_dispatch:

permissions:
  contents: read

defaults:
  run:
    shell: bash

env:
  CARGO_TERM_COLOR: always

jobs:
  test:
    if: github.event_name == 'push' || github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - name: Tests
        run: cargo test
      - name: The version is what the changes since the base branch need
        if: github.event_name == 'pull_request'
        env:
          BASE_SHA: ${{ github.event.pull_request.base.sha }}
        run: |
          cargo install rebilly-sdk-gen --version "={GENERATOR_VERSION}" --locked
          git worktree add ../base "$BASE_SHA"
          rebilly-sdk-gen release --check ../base/spec spec

  sync:
    if: github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'
    runs-on: ubuntu-latest
    permissions:
      contents: write
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
      - name: Rebilly's API definitions
        run: git clone --depth 1 https://github.com/Rebilly/api-definitions ../api-definitions
      - name: The generator
        run: cargo install rebilly-sdk-gen --version "={GENERATOR_VERSION}" --locked
      - name: Sync and release
        id: sync
        run: |
          rebilly-sdk-gen sync --from ../api-definitions {TAGS} --release | tee ../report.md
          verdict=$(grep -m1 -o 'public API: \*\*[a-z]*' ../report.md | sed 's/.*\*\*//' || true)
          echo "verdict=${verdict:-none}" >> "$GITHUB_OUTPUT"
      - name: Tests
        run: cargo test
      - name: Pull request
        uses: peter-evans/create-pull-request@v7
        with:
          branch: sdk/sync-upstream
          commit-message: "Sync with Rebilly's API definitions ({GROUP})"
          title: "Sync with Rebilly's API definitions: ${{ steps.sync.outputs.verdict }} change"
          body-path: ../report.md
          labels: semver-${{ steps.sync.outputs.verdict }}
          add-paths: |
            spec
            generated
            Cargo.toml
            CHANGELOG.md
"#;
