//! The generator on Rebilly's complete upstream definitions: the whole API as one crate, and
//! every tag as a crate of its own, each compiled with `cargo check` and warnings denied.
//! Crates and the target dir live under `target/upstream-check`, so reruns are incremental.

use std::io::Write;
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

fn upstream() -> PathBuf {
    let path = repo().join("../shared/rebilly-api-definitions/openapi/openapi.yaml");
    assert!(
        path.is_file(),
        "the upstream snapshot must be at {}",
        path.display()
    );
    path
}

fn work_dir() -> PathBuf {
    repo().join("target/upstream-check")
}

/// Writes a crate for `filter` into `dir` and returns the generation summary.
fn write_crate(dir: &Path, name: &str, filter: Filter) -> String {
    let options = Options {
        filter,
        source: "rebilly-api-definitions".into(),
        features: true,
    };
    let generated = generate_with(&upstream(), &options).unwrap_or_else(|e| panic!("{name}: {e}"));
    let files = crate_files(
        &generated,
        name,
        &RuntimeDependency::Path(repo().join("runtime")),
        "rebilly-api-definitions",
    );
    write::write_files(dir, &files).unwrap();
    generated.summary()
}

fn cargo_check(dir: &Path, args: &[&str]) {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline"])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", work_dir().join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo check {args:?} in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Reports a figure in the test output even when the harness captures prints.
fn report(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[test]
fn the_whole_api_compiles_as_one_crate_and_per_feature() {
    let dir = work_dir().join("full");
    // Every operation, those marked `x-sdk-skip` included: all of them must compile.
    let every = Filter {
        include_skipped: true,
        ..Filter::default()
    };
    let summary = write_crate(&dir, "rebilly-api", every);
    report(&format!("whole upstream API: {summary}"));
    assert!(summary.starts_with("613 operations"), "{summary}");
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).unwrap();
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let started = std::time::Instant::now();
    cargo_check(&dir, &[]);
    report(&format!(
        "cargo check of the whole API (all features): {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    let started = std::time::Instant::now();
    cargo_check(
        &dir,
        &[
            "--no-default-features",
            "--features",
            "customer-authentication",
        ],
    );
    report(&format!(
        "cargo check with only customer-authentication: {:.1} s",
        started.elapsed().as_secs_f64()
    ));
}

#[test]
fn every_tag_compiles_as_a_crate_of_its_own() {
    let text = std::fs::read_to_string(upstream()).unwrap();
    let tags: Vec<String> = text
        .split("\ntags:\n")
        .nth(1)
        .expect("the entry file lists its tags")
        .lines()
        .take_while(|l| l.starts_with(' ') || l.is_empty())
        .filter_map(|l| l.trim_start().strip_prefix("- name: "))
        .map(|n| n.trim().trim_matches(|c| c == '\'' || c == '"').to_string())
        .collect();
    assert_eq!(tags.len(), 88, "{tags:?}");
    let dir = work_dir().join("tags");
    let mut members = Vec::new();
    let mut operations = 0;
    for tag in &tags {
        let slug: String = tag
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let name = format!("rebilly-tag-{slug}");
        let summary = write_crate(
            &dir.join(&slug),
            &name,
            Filter {
                tags: vec![tag.clone()],
                include_skipped: true,
            },
        );
        operations += summary.split(' ').next().unwrap().parse::<usize>().unwrap();
        members.push(format!("{slug:?}"));
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let started = std::time::Instant::now();
    cargo_check(&dir, &["--workspace"]);
    report(&format!(
        "{} tags, {operations} operations in all, each its own crate: cargo check {:.1} s",
        tags.len(),
        started.elapsed().as_secs_f64()
    ));
}
