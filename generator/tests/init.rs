//! `init`: new SDK crates for three API groups of different shapes, created from the
//! upstream snapshot in `../shared` into temp dirs, built and tested with cargo as created;
//! then a spec change reaches `generated/` through `cargo build` alone.
//!
//! Two of them depend on the crates as the registry will serve them: this workspace is
//! packaged (`cargo package`), the packages unpacked, and the new crate's
//! `[patch.crates-io]` points at them; the third uses `--local`. A dependent of the packaged
//! SDK shows that users never compile the generator.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn upstream() -> PathBuf {
    repo().join("../shared/rebilly-api-definitions")
}

fn init(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rebilly-sdk-gen"))
        .arg("init")
        .args(args)
        .output()
        .unwrap()
}

/// `cargo <args>` in `dir`, with one target folder for all the crates made here, shared
/// with the other tests that build generated crates (their dependencies are built once).
fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", repo().join("target/sdk-checks"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap()
}

/// This workspace's packages (`cargo package --workspace`), unpacked: what crates.io would
/// serve. Made once per run.
fn packaged() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("packaged");
        let package = Command::new(env!("CARGO"))
            .args(["package", "--workspace", "--no-verify", "--allow-dirty"])
            .arg("--target-dir")
            .arg(&target)
            .current_dir(repo())
            .output()
            .unwrap();
        assert!(
            package.status.success(),
            "cargo package\n{}",
            text(&package)
        );
        let unpacked = target.join("unpacked");
        let _ = fs::remove_dir_all(&unpacked);
        fs::create_dir_all(&unpacked).unwrap();
        for entry in fs::read_dir(target.join("package")).unwrap() {
            let path = entry.unwrap().path();
            // This version's packages (the folder may hold older ones).
            let this_version = format!("-{}.crate", env!("CARGO_PKG_VERSION"));
            if path.to_string_lossy().ends_with(&this_version) {
                let tar = Command::new("tar")
                    .arg("-xzf")
                    .arg(&path)
                    .arg("-C")
                    .arg(&unpacked)
                    .output()
                    .unwrap();
                assert!(tar.status.success(), "{}", text(&tar));
            }
        }
        unpacked
    })
}

/// A `[patch.crates-io]` table that takes the workspace's crates from their packages.
fn patch_from_packages() -> String {
    let mut patch = String::from("\n[patch.crates-io]\n");
    for entry in fs::read_dir(packaged()).unwrap() {
        let path = entry.unwrap().path();
        let dir = path.file_name().unwrap().to_string_lossy().into_owned();
        let name = dir.rsplit_once('-').unwrap().0;
        patch.push_str(&format!(
            "{name} = {{ path = {:?} }}\n",
            path.to_str().unwrap()
        ));
    }
    patch
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn three_groups_build_and_pass_their_tests_as_created_and_follow_their_spec() {
    // Plain resources; 74 gateway types in a mapping-only union; 31 rule actions.
    for (tags, name, path_file) in [
        (
            &["Customers"][..],
            "rebilly-customers",
            "paths/customers.yaml",
        ),
        (
            &["Gateway accounts"],
            "rebilly-gateway-accounts",
            "paths/gateway-accounts.yaml",
        ),
        (
            &["Rules"],
            "my-rules-sdk",
            "paths/events@{eventType}@rules.yaml",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("sdk");
        let mut args: Vec<String> = [
            "--from",
            upstream().to_str().unwrap(),
            "--dir",
            dir.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec();
        let local = name == "my-rules-sdk";
        if local {
            args.extend(["--local".to_string(), repo().to_str().unwrap().to_string()]);
        }
        for t in tags {
            args.extend(["--tag".to_string(), t.to_string()]);
        }
        if name == "my-rules-sdk" {
            args.extend(["--name".to_string(), name.to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let created = init(&args);
        assert_eq!(created.status.code(), Some(0), "{}", text(&created));
        assert!(text(&created).starts_with(&format!("created {name} in ")));
        check_created_files(&dir, name, tags, local);
        // The same dependency versions as this repository's (already fetched).
        fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

        let test = cargo(&dir, &["test", "--quiet"]);
        assert!(test.status.success(), "{name}: cargo test\n{}", text(&test));
        let ran = text(&test);
        // fresh.rs and client.rs; and webhooks.rs where the group has webhooks (Customers:
        // a `customer-created` delivery, received and decoded as the crate's own event;
        // Gateway accounts: one of its five events; Rules has none).
        let webhooks = dir.join("tests/webhooks.rs").is_file();
        assert_eq!(webhooks, name != "my-rules-sdk", "{name}");
        assert!(
            ran.matches("test result: ok. 1 passed").count() >= 2 + usize::from(webhooks),
            "{name}: {ran}"
        );
        check_regeneration(&dir, name, path_file);
    }
}

/// The files of a created crate: its manifest (registry versions, patched from the
/// packages, unless `local`), its README's commands, and its workflow (actionlint-clean).
fn check_created_files(dir: &Path, name: &str, tags: &[&str], local: bool) {
    for file in [
        "Cargo.toml",
        "build.rs",
        "src/lib.rs",
        "README.md",
        "tests/fresh.rs",
        "spec/openapi.yaml",
        "generated/mod.rs",
    ] {
        assert!(dir.join(file).is_file(), "{name}: no {file}");
    }
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains(&format!("name = {name:?}")));
    if local {
        assert!(manifest.contains("path = "), "{manifest}");
    } else {
        // Registry versions, no path: taken from the packages as crates.io serves them.
        assert!(!manifest.contains("path = "), "{manifest}");
        fs::write(dir.join("Cargo.toml"), manifest + &patch_from_packages()).unwrap();
    }
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    let quoted: Vec<String> = tags.iter().map(|t| format!("--tag {t:?}")).collect();
    let sync = format!(
        "rebilly-sdk-gen sync --from ../api-definitions {} --release",
        quoted.join(" ")
    );
    assert!(readme.contains(&format!("\n{sync}\n")), "{readme}");
    assert!(readme.contains("\ncargo test\n"), "{readme}");
    // The workflow runs the README's commands, and actionlint finds nothing in it.
    let workflow = dir.join(".github/workflows/sdk.yml");
    let yaml = fs::read_to_string(&workflow).unwrap();
    assert!(
        yaml.contains(&format!("run: |\n          {sync} | tee")),
        "{yaml}"
    );
    assert!(yaml.contains("run: cargo test\n"), "{yaml}");
    let lint = Command::new("node")
        .arg(repo().join("scripts/actionlint"))
        .arg(&workflow)
        .output()
        .unwrap();
    assert!(lint.status.success(), "{name}: actionlint\n{}", text(&lint));
}

/// An upstream change arrives in `spec/` (in `path_file`): `cargo build` alone regenerates,
/// and `generated/` is fresh again.
fn check_regeneration(dir: &Path, name: &str, path_file: &str) {
    let path = dir.join("spec").join(path_file);
    let spec = fs::read_to_string(&path).unwrap();
    let summary = spec
        .lines()
        .find_map(|l| l.trim().strip_prefix("summary: "))
        .unwrap_or_else(|| panic!("{path_file} has no summary"))
        .to_string();
    let changed = format!("{summary}, changed upstream");
    fs::write(&path, spec.replacen(&summary, &changed, 1)).unwrap();
    let build = cargo(dir, &["build", "--quiet"]);
    assert!(
        build.status.success(),
        "{name}: cargo build\n{}",
        text(&build)
    );
    let generated: String = fs::read_dir(dir.join("generated"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        generated.contains(&format!("/// {changed}")),
        "{name}: the change did not reach generated/"
    );
    let fresh = cargo(dir, &["test", "--quiet", "--test", "fresh"]);
    assert!(fresh.status.success(), "{name}: {}", text(&fresh));
}

#[test]
fn bad_input_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sdk");
    let upstream = upstream();
    let dir_arg = dir.to_str().unwrap();
    let from = upstream.to_str().unwrap();
    for (args, expect) in [
        (
            vec![
                "--from",
                "/nonexistent",
                "--tag",
                "Customers",
                "--dir",
                dir_arg,
            ],
            "no such upstream folder",
        ),
        (
            vec!["--from", from, "--tag", "Costumers", "--dir", dir_arg],
            "(did you mean \"Customers\"?)",
        ),
        (
            vec![
                "--from",
                from,
                "--tag",
                "Customers",
                "--dir",
                dir_arg,
                "--name",
                "9lives",
            ],
            "not a valid package name",
        ),
    ] {
        let out = init(&args);
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out).contains(expect), "{}", text(&out));
        assert!(text(&out).contains("nothing was created"));
        let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }
    // An existing crate is never overwritten.
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("keep.txt"), "mine").unwrap();
    let out = init(&["--from", from, "--tag", "Customers", "--dir", dir_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not empty"), "{}", text(&out));
    assert_eq!(fs::read_to_string(dir.join("keep.txt")).unwrap(), "mine");
}

/// The packages of every crate a `cargo build` of `dir` compiles (fresh or not: cargo
/// reports each unit it needs), from `--message-format=json`.
fn compiled_packages(dir: &Path) -> std::collections::BTreeSet<String> {
    let build = cargo(dir, &["build", "--message-format=json"]);
    assert!(build.status.success(), "cargo build\n{}", text(&build));
    String::from_utf8_lossy(&build.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| {
            m["target"]["name"]
                .as_str()
                .map(|_| m["package_id"].clone())
        })
        .filter_map(|id| id.as_str().map(package_name))
        .collect()
}

/// `registry+https://...#serde@1.0.0` → `serde@1.0.0`; a path package whose folder is
/// its name (`path+file:///x/dependent#0.1.0`) → `dependent@0.1.0`.
fn package_name(id: &str) -> String {
    let (source, tail) = id.rsplit_once('#').unwrap_or(("", id));
    if tail.contains('@') {
        return tail.to_string();
    }
    let folder = source.rsplit('/').next().unwrap_or(source);
    format!("{folder}@{tail}")
}

#[test]
fn a_dependent_of_the_packaged_sdk_never_compiles_the_generator() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let manifest = format!(
        "[package]\nname = \"dependent\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[dependencies]\nrebilly-customer-auth = \"{}\"\n{}",
        env!("CARGO_PKG_VERSION"),
        patch_from_packages()
    );
    fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    fs::create_dir(dir.join("src")).unwrap();
    fs::write(
        dir.join("src/lib.rs"),
        "pub fn client() -> rebilly_customer_auth::Client {\n    rebilly_customer_auth::Client::builder().organization_id(\"o\").publishable_key(\"pk_test\").build().unwrap()\n}\n",
    )
    .unwrap();
    fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let packages = compiled_packages(dir);
    let has = |prefix: &str| packages.iter().any(|p| p.starts_with(prefix));
    assert!(has("rebilly-customer-auth@"), "{packages:?}");
    assert!(has("rebilly-runtime@"), "{packages:?}");
    // The generator and what only it needs (serde's derive needs syn and quote too).
    for generator_only in [
        "rebilly-sdk-gen@",
        "prettyplease@",
        "yaml-rust2@",
        "heck@",
        "strsim@",
    ] {
        assert!(
            !has(generator_only),
            "a dependent compiles {generator_only}: {packages:?}"
        );
    }
    // No proc macro of the SDK's own: serde's derive, thiserror's and futures' macros are
    // cut from a user's build (README, "What a user pays to build").
    for macro_crate in ["serde_derive@", "thiserror-impl@", "futures-macro@"] {
        assert!(
            !has(macro_crate),
            "a dependent compiles {macro_crate}: {packages:?}"
        );
    }
    eprintln!(
        "a dependent of the packaged SDK compiles {} crates",
        packages.len()
    );
}
