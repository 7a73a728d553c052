//! `init`: new SDK crates for three API groups of different shapes, created from the
//! upstream snapshot in `../shared` into temp dirs, built and tested with cargo as created;
//! then a spec change reaches `generated/` through `cargo build` alone.

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

/// `cargo <args>` in `dir`, with one target folder for all the crates made here (their
/// dependencies are built once).
fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("init-crates"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap()
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
            "--local",
            repo().to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec();
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
        let readme = fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(readme.contains("rebilly-sdk-gen sync --from"), "{readme}");
        assert!(readme.contains("\ncargo test\n"), "{readme}");
        // The same dependency versions as this repository's (already fetched).
        fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

        let test = cargo(&dir, &["test", "--quiet"]);
        assert!(test.status.success(), "{name}: cargo test\n{}", text(&test));
        let ran = text(&test);
        assert!(
            ran.matches("test result: ok. 1 passed").count() >= 2,
            "{name}: {ran}"
        );

        // An upstream change arrives in spec/: cargo build alone regenerates.
        let path = dir.join("spec").join(path_file);
        let spec = fs::read_to_string(&path).unwrap();
        let summary = spec
            .lines()
            .find_map(|l| l.trim().strip_prefix("summary: "))
            .unwrap_or_else(|| panic!("{path_file} has no summary"))
            .to_string();
        let changed = format!("{summary}, changed upstream");
        fs::write(&path, spec.replacen(&summary, &changed, 1)).unwrap();
        let build = cargo(&dir, &["build", "--quiet"]);
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
        // And generated/ is fresh again.
        let fresh = cargo(&dir, &["test", "--quiet", "--test", "fresh"]);
        assert!(fresh.status.success(), "{name}: {}", text(&fresh));
    }
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
