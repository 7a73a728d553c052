//! The upstream snapshot as the Prism-based tests use it, and the Rust types of the model.

use std::path::{Path, PathBuf};
use std::process::Command;

use rebilly_sdk_gen::model::TypeRef;
use rebilly_sdk_gen::{generate, write, Filter, Generated};

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the upstream `openapi/` folder into `to`, leaving out `x-codeSamples` blocks
/// (documentation that refers to files the snapshot does not hold).
pub fn copy_without_code_samples(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_without_code_samples(&entry.path(), &target);
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let mut kept = String::with_capacity(text.len());
        let mut skipping: Option<usize> = None;
        for line in text.lines() {
            let indent = line.len() - line.trim_start().len();
            if let Some(block) = skipping {
                if line.trim().is_empty() || indent > block {
                    continue;
                }
                skipping = None;
            }
            if line.trim_start().starts_with("x-codeSamples:") {
                skipping = Some(indent);
                continue;
            }
            kept.push_str(line);
            kept.push('\n');
        }
        std::fs::write(target, kept).unwrap();
    }
}

/// The Rust type the SDK decodes for `ty`, from the harness crate.
pub fn rust(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::DateTime => "rebilly_runtime::DateTime".into(),
        TypeRef::Date => "rebilly_runtime::Date".into(),
        TypeRef::Secret => "rebilly_runtime::Secret".into(),
        TypeRef::Json => "rebilly_runtime::serde_json::Value".into(),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Named(n) => format!("api::types::{n}"),
        TypeRef::Array(t) => format!("Vec<{}>", rust(t)),
        TypeRef::Nullable(t) => format!("Option<{}>", rust(t)),
        TypeRef::Map(t) => format!("std::collections::BTreeMap<String, {}>", rust(t)),
    }
}

/// Builds the harness crate in `krate` (its `src/` already written): a binary `name` that
/// uses the runtime with its `fidelity` feature, tokio, and the `extra` dependencies (TOML
/// lines), offline from this repository's lock file. Returns the binary's path.
pub fn build_harness(krate: &Path, name: &str, extra: &str) -> PathBuf {
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nrebilly-runtime = {{ path = {:?}, features = [\"fidelity\"] }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n{extra}\n[workspace]\n",
            repo().join("runtime")
        ),
    )
    .unwrap();
    std::fs::copy(repo().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--offline"])
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", repo().join("target/sdk-checks"))
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the harness {name} does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    repo().join("target/sdk-checks/debug").join(name)
}

/// The upstream snapshot copied into `work/openapi` (see [`copy_without_code_samples`]), the
/// SDK generated from it, and a harness crate in `work/harness` with that SDK as its
/// `src/api` module: the spec folder, the generation, and the crate's folder.
pub fn upstream_harness(work: &Path) -> (PathBuf, Generated, PathBuf) {
    let upstream = repo().join("../shared/rebilly-api-definitions/openapi");
    let spec = work.join("openapi");
    copy_without_code_samples(&upstream, &spec);
    let generated =
        generate(&spec, &Filter::default(), "upstream").unwrap_or_else(|e| panic!("{e}"));
    let krate = work.join("harness");
    write::write_files(&krate.join("src/api"), &generated.files).unwrap();
    (spec, generated, krate)
}
