//! The whole-API crate against a local server: `sort` goes out comma-joined, a file download
//! returns its bytes, an invoice can be fetched as a PDF (the program is `surface/harness.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;

use rebilly_sdk_gen::krate::{crate_files, RuntimeDependency};
use rebilly_sdk_gen::{generate_with, write, Filter, Options};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

#[test]
fn sort_downloads_and_pdfs_against_a_local_server() {
    let upstream = repo().join("../shared/rebilly-api-definitions/openapi/openapi.yaml");
    let options = Options {
        filter: Filter::default(),
        source: "rebilly-api-definitions".into(),
        features: true,
    };
    let generated = generate_with(&upstream, &options).unwrap_or_else(|e| panic!("{e}"));
    let work = repo().join("target/upstream-check/surface");
    let files = crate_files(
        &generated,
        "rebilly-api",
        &RuntimeDependency::Path(repo().join("runtime")),
        "rebilly-api-definitions",
    );
    write::write_files(&work.join("api"), &files).unwrap();
    let harness = work.join("harness");
    std::fs::create_dir_all(harness.join("src")).unwrap();
    std::fs::copy(
        repo().join("generator/tests/surface/harness.rs"),
        harness.join("src/main.rs"),
    )
    .unwrap();
    std::fs::write(
        harness.join("Cargo.toml"),
        format!(
            "[package]\nname = \"surface-harness\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nrebilly-api = {{ path = \"../api\", default-features = false, features = [\"customers\", \"files\", \"invoices\", \"quotes\"] }}\nrebilly-runtime = {{ path = {:?}, default-features = false }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\nwiremock = \"0.6\"\nserde_json = \"1\"\n\n[workspace]\n",
            repo().join("runtime")
        ),
    )
    .unwrap();
    std::fs::copy(repo().join("Cargo.lock"), harness.join("Cargo.lock")).unwrap();
    let run = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet", "--offline"])
        .current_dir(&harness)
        .env("CARGO_TARGET_DIR", repo().join("target/sdk-checks"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    println!("{out}");
    assert!(
        run.status.success() && out.contains("surface: ok"),
        "the surface harness failed:\n{}\n{out}",
        String::from_utf8_lossy(&run.stderr)
    );
}
