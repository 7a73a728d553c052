//! `rebilly-sdk-gen`: turns Rebilly's OpenAPI 3.0/3.1 definitions into a typed async Rust SDK.
//!
//! The pipeline, one module per stage:
//! [`load`] (files, `$ref`s, lines) → [`normalize`] (3.0 and 3.1 read alike) →
//! [`analyze`] (the spec → the [`model`]) → [`emit`] (the model → Rust via `quote`,
//! `syn` and `prettyplease`) → [`write`](mod@write) (atomic, only when changed).

// docs.rs (`--cfg docsrs`): each feature-gated item is marked with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod analyze;
pub mod commands;
pub mod diag;
pub mod emit;
pub mod krate;
pub mod load;
pub mod model;
pub mod normalize;
pub mod timings;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use analyze::Filter;
pub use diag::{Error, Location, Result, Warning};
pub use emit::OutputFile;
pub use write::{Drift, WriteReport};

/// The result of generating in memory.
#[derive(Debug)]
pub struct Generated {
    /// The model the files were emitted from.
    pub api: model::Api,
    /// The files, sorted by path.
    pub files: Vec<OutputFile>,
    /// Where the output is looser than the spec.
    pub warnings: Vec<Warning>,
    /// How many spec files were read.
    pub files_read: usize,
    /// Time taken.
    pub elapsed: Duration,
    /// Time taken by each stage (see [`timings`]); writing the files adds to it.
    pub clock: timings::Clock,
    /// Wall time and peak memory of the analysis (load, lint, analyze).
    pub analysis: timings::Phase,
    /// Wall time and peak memory of the emission (tokens, parse, format).
    pub emission: timings::Phase,
}

/// The entry file of a spec: `spec` itself, or `openapi.yaml` / `.yml` / `.json` inside a directory.
pub fn entry_file(spec: &Path) -> PathBuf {
    if spec.is_dir() {
        for name in ["openapi.yaml", "openapi.yml", "openapi.json"] {
            let candidate = spec.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
        return spec.join("openapi.yaml");
    }
    spec.to_path_buf()
}

/// How to generate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Which operations.
    pub filter: Filter,
    /// Names the spec in the header of every file (keep it free of machine-specific paths).
    pub source: String,
    /// Put each resource, and the types only it uses, behind a cargo feature of the same name.
    pub features: bool,
}

/// Generates the SDK module for the spec at `spec` in memory.
/// `source` names the spec in the header of every file (keep it free of machine-specific paths).
pub fn generate(spec: &Path, filter: &Filter, source: &str) -> Result<Generated> {
    generate_with(
        spec,
        &Options {
            filter: filter.clone(),
            source: source.to_string(),
            features: false,
        },
    )
}

/// The model of the SDK that the spec at `spec` produces (no code is emitted): what
/// [`commands::diff::diff()`] compares.
pub fn api_model(spec: &Path, filter: &Filter) -> Result<model::Api> {
    let loader = load::Loader::new();
    Ok(analyze::analyze(&loader, &entry_file(spec), filter)?.api)
}

/// Generates the SDK module for the spec at `spec` in memory, with all options.
pub fn generate_with(spec: &Path, options: &Options) -> Result<Generated> {
    let start = Instant::now();
    let loader = load::Loader::new();
    let clock = loader.clock().clone();
    let (analysis, analysis_phase) =
        timings::phase(|| analyze::analyze(&loader, &entry_file(spec), &options.filter));
    let analysis = analysis?;
    let nested = clock.spent(timings::Stage::Load) + clock.spent(timings::Stage::Lint);
    clock.add(
        timings::Stage::Analyze,
        analysis_phase.wall.saturating_sub(nested),
    );
    let features = options.features && analysis.api.resources.len() > 1;
    // The spec files are not needed past analysis: their memory goes to the emitter (fresh
    // pages from the system cost more than reused ones).
    let files_read = loader.files_read();
    drop(loader);
    let (files, emission) =
        timings::phase(|| emit::emit(&analysis.api, &options.source, features, &clock));
    Ok(Generated {
        files: files?,
        clock,
        analysis: analysis_phase,
        emission,
        api: analysis.api,
        warnings: analysis.warnings,
        files_read,
        elapsed: start.elapsed(),
    })
}

impl Generated {
    /// Fails when there are warnings (the CLI's `--strict`).
    pub fn strict(self) -> Result<Self> {
        if self.warnings.is_empty() {
            return Ok(self);
        }
        Err(Error::Strict {
            count: self.warnings.len(),
            list: self
                .warnings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        })
    }

    /// One line: operations, webhooks, types, files, time.
    pub fn summary(&self) -> String {
        format!(
            "{} operations, {} webhooks, {} types, {} files, {} spec files read, in {:.1} ms",
            self.api.operation_count(),
            self.api.webhooks.len(),
            self.api.types.len(),
            self.files.len(),
            self.files_read,
            self.elapsed.as_secs_f64() * 1000.0
        )
    }
}

/// What an SDK crate's `build.rs` does: regenerate `generated/` from `spec/` (both beside
/// `Cargo.toml`) whenever a spec file changes, and pass the warnings on to cargo.
///
/// Cargo reruns the script only when something under `spec/` changes (files added too:
/// cargo scans the folder). A file is written only when its content differs, so a build
/// with an up-to-date `generated/` (a published crate, a CI checkout) never modifies the
/// source tree. Without `spec/` (a packaged crate), `generated/` is used as it is.
///
/// # Panics
/// When the spec does not generate or `generated/` cannot be written: that is how a build
/// script fails a build, and the message names the file, pointer and line.
pub fn build_script() {
    let spec = Path::new("spec");
    println!("cargo:rerun-if-changed=spec");
    println!("cargo:rerun-if-changed=build.rs");
    if !spec.is_dir() {
        return;
    }
    let generated = match generate(spec, &Filter::default(), "spec") {
        Ok(g) => g,
        Err(e) => panic!("cannot generate the SDK from spec/: {e}"),
    };
    for w in &generated.warnings {
        println!("cargo:warning={w}");
    }
    if let Err(e) = write::write_files(Path::new("generated"), &generated.files) {
        panic!("cannot write generated/: {e}");
    }
}
