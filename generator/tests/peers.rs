//! Peers' corpora: progenitor's own test specs (`../shared/peer-specs/progenitor/`: GitHub's
//! REST API, Oxide's nexus, buildomat, keeper, propolis, and small ones), read where they
//! are, never copied. Each is generated as a crate and compiled with `cargo check` and
//! warnings denied; the test prints a table (generated, warnings, compiled, or the reason
//! it was not) and fails unless every spec generates and compiles. The crates live under
//! `target/peer-check`, and build in the upstream test's target dir, so reruns are
//! incremental.

use std::fmt::Write as _;
use std::io::Write as _;
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

fn work_dir() -> PathBuf {
    repo().join("target/peer-check")
}

/// The corpus's specs, by file name.
fn specs() -> Vec<PathBuf> {
    let dir = repo().join("../shared/peer-specs/progenitor");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the peer corpus must be at {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "yaml"))
        .collect();
    specs.sort();
    specs
}

/// One spec's row of the table.
struct Row {
    spec: String,
    generated: Result<String, String>,
    warnings: usize,
    compiled: Result<(), String>,
}

/// A package name for the crate of `spec` (`api.github.com.json` → `peer-api-github-com-json`).
fn package(spec: &Path) -> String {
    let name = spec.file_name().unwrap().to_string_lossy();
    let name: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("peer-{}", name.to_ascii_lowercase())
}

/// Generates `spec` as a crate under the work dir and checks it.
fn row(spec: &Path) -> Row {
    let name = spec.file_name().unwrap().to_string_lossy().into_owned();
    let options = Options {
        filter: Filter::default(),
        source: format!("peer-specs/progenitor/{name}"),
        features: true,
    };
    let generated = match generate_with(spec, &options) {
        Ok(g) => g,
        Err(e) => {
            let reason = e
                .to_string()
                .lines()
                .take(3)
                .collect::<Vec<_>>()
                .join(" / ");
            return Row {
                spec: name,
                generated: Err(reason),
                warnings: 0,
                compiled: Err("not generated".into()),
            };
        }
    };
    let dir = work_dir().join(package(spec));
    let runtime = RuntimeDependency::Path(repo().join("runtime"));
    let files = crate_files(&generated, &package(spec), &runtime, &options.source);
    write::write_files(&dir, &files).unwrap();
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).unwrap();
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    Row {
        spec: name,
        generated: Ok(generated.summary()),
        warnings: generated.warnings.len(),
        compiled: cargo_check(&dir),
    }
}

/// `cargo check` with warnings denied: the first error's lines when it fails.
fn cargo_check(dir: &Path) -> Result<(), String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline", "--all-targets"])
        .current_dir(dir)
        // The upstream test's target dir: the runtime and its dependencies, already built
        // with the same flags.
        .env(
            "CARGO_TARGET_DIR",
            repo().join("target/upstream-check/target"),
        )
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("error"))
        .take(8)
        .collect();
    Err(first.join("\n"))
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | generated | generator warnings | compiled (-D warnings) |\n| --- | --- | ---: | --- |\n",
    );
    for r in rows {
        let generated = match &r.generated {
            Ok(summary) => {
                summary
                    .split(" types")
                    .next()
                    .unwrap_or(summary)
                    .to_string()
                    + " types"
            }
            Err(reason) => format!("rejected: {reason}"),
        };
        let compiled = match &r.compiled {
            Ok(()) => "yes".to_string(),
            Err(e) => format!("no: {}", e.lines().next().unwrap_or_default()),
        };
        writeln!(
            out,
            "| {} | {generated} | {} | {compiled} |",
            r.spec, r.warnings
        )
        .unwrap();
    }
    out
}

#[test]
fn every_peer_spec_generates_and_compiles() {
    let rows: Vec<Row> = specs().iter().map(|s| row(s)).collect();
    let _ = writeln!(std::io::stderr().lock(), "{}", table(&rows));
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r.generated.is_err() || r.compiled.is_err())
        .map(|r| match (&r.generated, &r.compiled) {
            (Err(e), _) => format!("{}: not generated: {e}", r.spec),
            (_, Err(e)) => format!("{}: does not compile:\n{e}", r.spec),
            _ => unreachable!(),
        })
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
