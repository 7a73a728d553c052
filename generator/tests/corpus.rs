//! The snapshot corpus: one small spec per construct in `tests/corpus/<case>/`, with the Rust
//! the generator writes for it committed next to it (`expected.rs`, warnings first), so that
//! any change of mapping shows as a reviewable diff. `UPDATE_SNAPSHOTS=1 cargo test -p
//! rebilly-sdk-gen --test corpus` rewrites the snapshots.
//!
//! A second test compiles every case's SDK in one crate and runs each case's `check.rs`
//! (decoding and encoding that the construct must get right) against it.

use std::path::{Path, PathBuf};
use std::process::Command;

use rebilly_sdk_gen::{generate, write, Filter, Generated};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn cases() -> Vec<(String, PathBuf)> {
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("openapi.yaml").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    cases.sort();
    cases
}

fn generate_case(name: &str, dir: &Path) -> Generated {
    generate(dir, &Filter::default(), &format!("corpus/{name}"))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The warnings (with paths relative to the case) and every file, in one text.
fn snapshot(dir: &Path, generated: &Generated) -> String {
    let prefix = format!("{}/", dir.display());
    let mut text = String::new();
    for w in &generated.warnings {
        text.push_str(&format!("// {}\n", w.to_string().replace(&prefix, "")));
    }
    for file in &generated.files {
        text.push_str(&format!("// ===== {} =====\n{}", file.path, file.content));
    }
    text
}

#[test]
fn every_case_generates_its_snapshot() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut stale = Vec::new();
    for (name, dir) in cases() {
        let actual = snapshot(&dir, &generate_case(&name, &dir));
        let path = dir.join("expected.rs");
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if actual == expected {
            continue;
        }
        if update {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(actual.lines().count().min(expected.lines().count()));
        stale.push(format!(
            "{name}: differs from line {}:\n  now:      {}\n  expected: {}",
            line + 1,
            actual.lines().nth(line).unwrap_or("(end)"),
            expected.lines().nth(line).unwrap_or("(end)")
        ));
    }
    assert!(
        stale.is_empty(),
        "snapshots differ (review, then UPDATE_SNAPSHOTS=1 cargo test -p rebilly-sdk-gen --test corpus):\n{}",
        stale.join("\n")
    );
}

#[test]
fn every_case_compiles_and_passes_its_checks() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let work = tempfile::tempdir().unwrap();
    let krate = work.path().join("crate");
    let mut main = String::from(
        "use rebilly_runtime::serde::{de::DeserializeOwned, Serialize};\n\
         fn json<T: DeserializeOwned>(s: &str) -> T {\n    rebilly_runtime::serde_json::from_str(s).unwrap_or_else(|e| panic!(\"{e}: {s}\"))\n}\n\
         #[allow(dead_code)]\nfn to_json<T: Serialize>(value: &T) -> String {\n    rebilly_runtime::serde_json::to_string(value).unwrap()\n}\n",
    );
    let mut body = String::new();
    let mut checked = 0;
    for (name, dir) in cases() {
        let generated = generate_case(&name, &dir);
        write::write_files(&krate.join("src").join(&name), &generated.files).unwrap();
        main.push_str(&format!(
            "#[allow(dead_code, unused_imports)]\n#[path = \"{name}/mod.rs\"]\nmod {name};\n"
        ));
        if let Ok(check) = std::fs::read_to_string(dir.join("check.rs")) {
            body.push_str(&format!(
                "    {{\n        use {name}::types;\n{check}\n        println!(\"{name}: ok\");\n    }}\n"
            ));
            checked += 1;
        }
    }
    main.push_str(&format!("fn main() {{\n{body}}}\n"));
    std::fs::write(krate.join("src/main.rs"), main).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"corpus-checks\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nrebilly-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            repo.join("runtime")
        ),
    )
    .unwrap();
    std::fs::copy(repo.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet", "--offline"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", repo.join("target/sdk-checks"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the corpus SDKs fail to build or their checks fail:\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.lines().filter(|l| l.ends_with(": ok")).count(),
        checked
    );
}
