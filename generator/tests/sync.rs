//! `sync`: upstream's files for some tags into a spec folder, all or nothing. Run on the
//! snapshots in `../shared` into temp dirs (nothing of upstream is committed).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use rebilly_sdk_gen::commands::sync;
use rebilly_sdk_gen::{generate, Filter};

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(rel)
}

fn upstream() -> PathBuf {
    shared("rebilly-api-definitions")
}

fn history(commit: &str) -> PathBuf {
    shared("rebilly-api-history").join(commit)
}

const TAG: &str = "Customer authentication";

fn tags(names: &[&str]) -> Vec<String> {
    names.iter().map(|t| t.to_string()).collect()
}

/// The generated files (path → content) for `spec` with `tags` (all when empty).
fn generated(spec: &Path, tags: Vec<String>) -> BTreeMap<String, String> {
    let filter = Filter {
        tags,
        ..Filter::default()
    };
    generate(spec, &filter, "spec")
        .unwrap_or_else(|e| panic!("{}: {e}", spec.display()))
        .files
        .into_iter()
        .map(|f| (f.path, f.content))
        .collect()
}

/// `sync --from FROM --tag TAG --spec SPEC`.
fn sync_from(from: &Path, tag: &str, spec: &Path) -> Output {
    sync_with(from, tag, spec, &[])
}

/// `sync --from FROM --tag TAG --spec SPEC EXTRA...`.
fn sync_with(from: &Path, tag: &str, spec: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rebilly-sdk-gen"))
        .arg("sync")
        .args(["--from", from.to_str().unwrap(), "--tag", tag])
        .args(["--spec", spec.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap()
}

/// Every file under `dir` with its content and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let meta = fs::metadata(&path).unwrap();
                out.insert(
                    path.clone(),
                    (fs::read(&path).unwrap(), meta.modified().unwrap()),
                );
            }
        }
    }
    out
}

#[test]
fn from_every_snapshot_the_synced_spec_generates_what_the_tag_does() {
    let mut sources = vec![upstream()];
    for commit in [
        "56e64506b",
        "3284b5b89",
        "ccdd059b1",
        "b024daa3a",
        "3a9acc738",
        "1e5f13451",
    ] {
        sources.push(history(commit));
    }
    for source in sources {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec");
        let selection = sync::select(&source, &tags(&[TAG])).unwrap();
        assert_eq!(selection.operations, 16, "{}", source.display());
        assert_eq!(selection.webhooks, 0, "{}", source.display());
        let report = sync::apply(&selection, &spec, |_| Ok(())).unwrap();
        assert_eq!(report.added.len(), selection.files.len());
        // Exactly the reached files: every path file is one of this tag's, and no file of
        // another group came along.
        let names: Vec<&String> = selection.files.keys().collect();
        assert!(
            names.iter().all(|n| !n.starts_with("webhooks/")),
            "{names:?}"
        );
        assert!(
            names.iter().filter(|n| n.starts_with("paths/")).all(|n| [
                "paths/authentication-",
                "paths/credentials",
                "paths/password-tokens"
            ]
            .iter()
            .any(|p| n.starts_with(p))),
            "{names:?}"
        );
        assert_eq!(
            generated(&spec, Vec::new()),
            generated(&source.join("openapi"), tags(&[TAG])),
            "{}",
            source.display()
        );
        // The entry file is trimmed to the tag, and says where it came from.
        let entry = fs::read_to_string(spec.join("openapi.yaml")).unwrap();
        assert!(entry.starts_with("# Taken by `rebilly-sdk-gen sync`"));
        assert!(entry.contains("/credentials"));
        assert!(!entry.contains("/customers"), "{}", source.display());
    }
}

#[test]
fn groups_of_other_shapes_sync_too() {
    // One tag whose path file it shares with another tag (the file is rewritten without the
    // other tag's operation), and two groups with many polymorphic schemas.
    for group in [
        &["Application users"][..],
        &["Gateway accounts"],
        &["Rules", "Customers"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec");
        let selection = sync::select(&upstream(), &tags(group)).unwrap();
        sync::apply(&selection, &spec, |_| Ok(())).unwrap();
        assert_eq!(
            generated(&spec, Vec::new()),
            generated(&upstream().join("openapi"), tags(group)),
            "{group:?}"
        );
    }
    // A group's webhooks come along, with the files they reach, and nothing of the webhooks
    // of other groups.
    let selection = sync::select(&upstream(), &tags(&["Customers"])).unwrap();
    let hooks: Vec<&String> = selection
        .files
        .keys()
        .filter(|f| f.starts_with("webhooks/"))
        .collect();
    assert_eq!(selection.webhooks, hooks.len());
    assert!(hooks.len() >= 6, "{hooks:?}");
    assert!(hooks.contains(&&"webhooks/customer-created.yaml".to_string()));
    assert!(!hooks.contains(&&"webhooks/transaction-processed.yaml".to_string()));
    assert!(selection
        .files
        .contains_key("components/requestBodies/Webhooks/CustomerWebhook.yaml"));
    let entry = String::from_utf8(selection.files["openapi.yaml"].clone()).unwrap();
    assert!(entry.contains("customer-created") && !entry.contains("transaction-processed"));
    let selection = sync::select(&upstream(), &tags(&["Application users"])).unwrap();
    let applications =
        String::from_utf8(selection.files["paths/applications.yaml"].clone()).unwrap();
    assert!(applications.contains("\nget:"));
    assert!(!applications.contains("\npost:"), "{applications}");
    assert!(selection
        .notes
        .iter()
        .any(|n| n.starts_with("paths/applications.yaml: rewritten without")));
}

#[test]
fn every_tag_at_once_gives_the_whole_api() {
    let entry = upstream().join("openapi");
    // The tags of the snapshot's operations, as an unknown tag's error lists them.
    let error = sync::select(&upstream(), &tags(&["(none)"]))
        .unwrap_err()
        .to_string();
    let all: Vec<String> = error
        .split_once("the spec's tags are: ")
        .unwrap()
        .1
        .split(", ")
        .map(str::to_string)
        .collect();
    assert_eq!(all.len(), 88);
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    let selection = sync::select(&upstream(), &all).unwrap();
    sync::apply(&selection, &spec, |_| Ok(())).unwrap();
    assert_eq!(selection.webhooks, 149);
    assert_eq!(
        selection
            .files
            .keys()
            .filter(|f| f.starts_with("webhooks/"))
            .count(),
        149
    );
    assert_eq!(generated(&spec, Vec::new()), generated(&entry, Vec::new()));
}

#[test]
fn a_second_sync_changes_nothing_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    let from = upstream();
    let first = sync_from(&from, TAG, &spec);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.contains("A new SDK: 16 operation(s)"), "{text}");
    assert!(
        text.contains("`$ref`(s) under `x-codeSamples` left out"),
        "{text}"
    );
    let before = snapshot(&spec);

    let second = sync_from(&from, TAG, &spec);
    assert_eq!(second.status.code(), Some(0));
    let text = String::from_utf8_lossy(&second.stdout);
    assert!(
        text.contains("(0 added, 0 changed, 0 removed, 50 unchanged)"),
        "{text}"
    );
    assert!(text.contains("No change to the spec"), "{text}");
    assert_eq!(
        snapshot(&spec),
        before,
        "the second sync touched the folder"
    );
}

#[test]
fn syncing_a_newer_snapshot_reports_the_files_and_the_api_change() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"x\"\nversion = \"0.3.1\"\n",
    )
    .unwrap();
    let old = history("56e64506b");
    assert!(sync_from(&old, TAG, &spec).status.success());
    // --check says the spec is behind, with the same report, and writes nothing.
    let before = snapshot(&spec);
    let newer = history("3284b5b89");
    let check = sync_with(&newer, TAG, &spec, &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(text.starts_with("would sync 16 operation(s)"), "{text}");
    assert!(
        text.contains("(0 added, 1 changed, 0 removed, 44 unchanged)"),
        "{text}"
    );
    assert!(text.contains("### Breaking"), "{text}");
    assert!(String::from_utf8_lossy(&check.stderr).contains("is behind upstream"));
    assert_eq!(snapshot(&spec), before, "--check wrote to the spec folder");
    let entries = fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 2, "--check left something beside the spec folder");
    let current = sync_with(&old, TAG, &spec, &["--check"]);
    assert_eq!(current.status.code(), Some(0));

    // A file only the old spec has: it is removed.
    fs::write(
        spec.join("components/schemas/Leftover.yaml"),
        "type: string\n",
    )
    .unwrap();
    let new = history("3284b5b89");
    let out = sync_from(&new, TAG, &spec);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("(0 added, 1 changed, 1 removed, 44 unchanged)"),
        "{text}"
    );
    assert!(text.contains("changed  "), "{text}");
    assert!(
        text.contains("components/schemas/ResetPasswordToken.yaml"),
        "{text}"
    );
    assert!(text.contains("removed  "), "{text}");
    assert!(!spec.join("components/schemas/Leftover.yaml").exists());
    // Then the change report, with the version from the Cargo.toml beside the spec folder.
    assert!(text.contains("## 0.4.0\n"), "{text}");
    assert!(
        text.contains("`types::ResetPasswordToken.expired_time`: type Option<DateTime> → Option<Option<DateTime>>"),
        "{text}"
    );
}

#[test]
fn sync_release_writes_the_version_and_the_changelog_or_refuses_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    let manifest = "[package]\nname = \"x\"\nversion = \"0.3.1\"\n";
    fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    assert!(sync_from(&history("56e64506b"), TAG, &spec)
        .status
        .success());
    let before = snapshot(dir.path());
    let newer = history("3284b5b89");

    // Asked for a version lower than the breaking change needs: nothing changes, the spec
    // folder included.
    let refused = sync_with(
        &newer,
        TAG,
        &spec,
        &["--release", "--release-version", "0.3.2"],
    );
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("0.3.2 is lower than the changes need: 0.4.0"),
        "{stderr}"
    );
    assert_eq!(snapshot(dir.path()), before);

    let out = sync_with(&newer, TAG, &spec, &["--release", "--date", "2026-12-03"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("released 0.4.0 (major change, from 0.3.1)"),
        "{stdout}"
    );
    let cargo = fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    assert_eq!(cargo, manifest.replace("0.3.1", "0.4.0"));
    let changelog = fs::read_to_string(dir.path().join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.starts_with("# Changelog\n\n## 0.4.0 (2026-12-03)\n\nChange to the public API: **major** (from 0.3.1).\n"),
        "{changelog}"
    );
    // Synced and released: the same command again finds nothing to do.
    let again = sync_with(&newer, TAG, &spec, &["--release"]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout)
        .contains("No change to the spec, so none to the Rust API"));
    assert_eq!(
        fs::read_to_string(dir.path().join("CHANGELOG.md")).unwrap(),
        changelog
    );
}

#[test]
fn bad_input_exits_2_and_leaves_the_spec_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    let old = history("56e64506b");
    assert!(sync_from(&old, TAG, &spec).status.success());
    let before = snapshot(&spec);
    let new = history("3284b5b89");

    let check = |out: Output, expect: &[&str]| {
        assert_eq!(out.status.code(), Some(2));
        let error = String::from_utf8_lossy(&out.stderr);
        for e in expect {
            assert!(error.contains(e), "{e:?} not in {error}");
        }
        assert!(error.contains("was not changed"), "{error}");
        assert_eq!(snapshot(&spec), before, "the spec folder changed");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "spec")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    };

    // A missing upstream folder.
    check(
        sync_from(Path::new("/nonexistent/api-definitions"), TAG, &spec),
        &[
            "error: /nonexistent/api-definitions",
            "no such upstream folder",
        ],
    );
    // A tag that does not exist.
    check(
        sync_from(&new, "Customer authentications", &spec),
        &["no operation or webhook has the tag \"Customer authentications\" (did you mean \"Customer authentication\"?)"],
    );

    // On a temp copy of the newer snapshot: a file that cannot be read, one that is not
    // YAML, and a `$ref` (not documentation) to a file that is not there.
    let broken = |edit: &dyn Fn(&Path)| {
        let copy = tempfile::tempdir().unwrap();
        copy_dir(&new, copy.path());
        edit(&copy.path().join("openapi"));
        copy
    };
    let unreadable = broken(&|root| {
        let file = root.join("components/schemas/ResetPasswordToken.yaml");
        fs::remove_file(&file).unwrap();
        fs::create_dir(&file).unwrap();
    });
    check(
        sync_from(unreadable.path(), TAG, &spec),
        &["ResetPasswordToken.yaml"],
    );
    let not_yaml = broken(&|root| {
        fs::write(
            root.join("components/schemas/ResetPasswordToken.yaml"),
            "type: [object\n",
        )
        .unwrap();
    });
    check(
        sync_from(not_yaml.path(), TAG, &spec),
        &["ResetPasswordToken.yaml#", "invalid YAML"],
    );
    let dangling = broken(&|root| {
        fs::remove_file(root.join("components/schemas/CustomerJWT.yaml")).unwrap();
    });
    check(
        sync_from(dangling.path(), TAG, &spec),
        &[
            "$ref",
            "CustomerJWT.yaml\" points to",
            "which is not a file",
        ],
    );
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
