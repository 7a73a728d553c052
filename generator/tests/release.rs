//! `release`: the next version into Cargo.toml and the change report into CHANGELOG.md,
//! on the real upstream change `56e64506b` → `3284b5b89` of `../shared/rebilly-api-history`
//! (a breaking change: 0.3.1 → 0.4.0), in a temp crate folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use rebilly_sdk_gen::commands::diff::{diff, Report, Severity};
use rebilly_sdk_gen::commands::release::{self, Options, Outcome};
use rebilly_sdk_gen::{api_model, Filter};

fn history(commit: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/rebilly-api-history")
        .join(commit)
        .join("openapi")
}

const TAG: &str = "Customer authentication";

fn breaking_report() -> Report {
    let filter = Filter {
        tags: vec![TAG.into()],
        ..Filter::default()
    };
    diff(
        &api_model(&history("56e64506b"), &filter).unwrap(),
        &api_model(&history("3284b5b89"), &filter).unwrap(),
    )
}

const MANIFEST: &str = "[package]\nname = \"my-sdk\"\n# bumped by `release`\nversion = \"0.3.1\"   # keep this comment\nedition = \"2021\"\n\n[dependencies]\nserde = { version = \"1.0.0\" }\n";

const CHANGELOG: &str =
    "# Changelog\n\nWhat changed, newest first.\n\n## 0.3.1 (2026-01-02)\n\n- Documentation.\n";

/// A crate folder with Cargo.toml at 0.3.1 and a CHANGELOG with one entry.
fn crate_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("Cargo.toml"), MANIFEST).unwrap();
    fs::write(dir.path().join("CHANGELOG.md"), CHANGELOG).unwrap();
    dir
}

fn files(dir: &Path) -> (String, String) {
    (
        fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
        fs::read_to_string(dir.join("CHANGELOG.md")).unwrap(),
    )
}

fn dated() -> Options {
    Options {
        date: Some("2026-12-03".into()),
        ..Options::default()
    }
}

#[test]
fn a_breaking_change_releases_the_next_minor_before_1_0_with_its_entry() {
    let dir = crate_dir();
    let report = breaking_report();
    assert_eq!(report.verdict(), Some(Severity::Major));
    let outcome = release::plan(&report, dir.path(), &dated())
        .unwrap()
        .commit()
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::Released {
            from: "0.3.1".into(),
            to: "0.4.0".into(),
            verdict: Severity::Major
        }
    );
    let (manifest, changelog) = files(dir.path());
    // Only the version changed; comments and layout are kept.
    assert_eq!(
        manifest,
        MANIFEST.replace("version = \"0.3.1\"", "version = \"0.4.0\"")
    );
    let entry = format!("## 0.4.0 (2026-12-03)\n\n{}", report.body("0.3.1"));
    assert_eq!(
        changelog,
        CHANGELOG.replace("## 0.3.1", &format!("{entry}\n## 0.3.1"))
    );
    assert!(entry.contains(
        "- `types::ResetPasswordToken.expired_time`: type Option<DateTime> → Option<Option<DateTime>>"
    ));
}

#[test]
fn releasing_the_same_change_again_changes_nothing() {
    let dir = crate_dir();
    let report = breaking_report();
    release::plan(&report, dir.path(), &dated())
        .unwrap()
        .commit()
        .unwrap();
    let after = files(dir.path());
    let again = Options {
        date: Some("2027-01-01".into()),
        ..Options::default()
    };
    let outcome = release::plan(&report, dir.path(), &again)
        .unwrap()
        .commit()
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::AlreadyReleased {
            version: "0.4.0".into()
        }
    );
    assert_eq!(files(dir.path()), after);
}

#[test]
fn a_version_that_is_not_greater_or_lower_than_needed_is_refused_and_nothing_changes() {
    let report = breaking_report();
    for (version, says) in [
        (
            "0.3.1",
            "0.3.1 is lower than the changes need: 0.4.0 (major from 0.3.1)",
        ),
        (
            "0.3.2",
            "0.3.2 is lower than the changes need: 0.4.0 (major from 0.3.1)",
        ),
        ("not.a.version", "is not a version"),
    ] {
        let dir = crate_dir();
        let options = Options {
            version: Some(version.into()),
            ..dated()
        };
        let e = release::plan(&report, dir.path(), &options).unwrap_err();
        assert!(e.to_string().contains(says), "{version}: {e}");
        assert!(e.to_string().contains("Cargo.toml"), "{e}");
        assert_eq!(files(dir.path()), (MANIFEST.into(), CHANGELOG.into()));
    }
    // A higher version than needed is the maintainer's choice.
    let dir = crate_dir();
    let options = Options {
        version: Some("1.0.0".into()),
        ..dated()
    };
    let plan = release::plan(&report, dir.path(), &options).unwrap();
    assert!(plan.entry.starts_with("## 1.0.0 (2026-12-03)"));

    // The CHANGELOG already has the version (another change released as 0.4.0).
    let dir = crate_dir();
    let taken = CHANGELOG.replace("## 0.3.1", "## 0.4.0 (2026-11-30)\n\n- Other.\n\n## 0.3.1");
    fs::write(dir.path().join("CHANGELOG.md"), &taken).unwrap();
    let e = release::plan(&report, dir.path(), &dated()).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("CHANGELOG.md: 0.4.0 is not greater than its latest release, 0.4.0"),
        "{e}"
    );
    assert_eq!(files(dir.path()), (MANIFEST.into(), taken));
}

#[test]
fn unreadable_crate_files_are_refused_with_their_path_and_nothing_is_written() {
    let report = breaking_report();
    let dir = crate_dir();
    fs::write(dir.path().join("Cargo.toml"), "[package\nname = 1").unwrap();
    let e = release::plan(&report, dir.path(), &dated()).unwrap_err();
    assert!(e.to_string().contains("Cargo.toml: not valid TOML"), "{e}");

    let dir = crate_dir();
    let inherited = "[package]\nname = \"x\"\nversion.workspace = true\n";
    fs::write(dir.path().join("Cargo.toml"), inherited).unwrap();
    let e = release::plan(&report, dir.path(), &dated()).unwrap_err();
    assert!(e.to_string().contains("inherited from a workspace"), "{e}");

    // CHANGELOG.md is a folder: it cannot be read, and Cargo.toml stays as it was.
    let dir = crate_dir();
    fs::remove_file(dir.path().join("CHANGELOG.md")).unwrap();
    fs::create_dir(dir.path().join("CHANGELOG.md")).unwrap();
    assert!(release::plan(&report, dir.path(), &dated()).is_err());
    assert_eq!(
        fs::read_to_string(dir.path().join("Cargo.toml")).unwrap(),
        MANIFEST
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no file left behind"
    );
}

#[test]
fn a_missing_changelog_is_created_and_hand_written_notes_join_the_release() {
    let report = breaking_report();
    let dir = crate_dir();
    fs::remove_file(dir.path().join("CHANGELOG.md")).unwrap();
    release::plan(&report, dir.path(), &dated())
        .unwrap()
        .commit()
        .unwrap();
    let (_, changelog) = files(dir.path());
    assert!(changelog.starts_with("# Changelog\n\n## 0.4.0 (2026-12-03)\n\nChange to the public API: **major** (from 0.3.1).\n"), "{changelog}");

    // An `## Unreleased` section (the runtime's hand-written changes) becomes part of the
    // release, and --at-least raises the verdict the report alone would give.
    let dir = crate_dir();
    let notes = CHANGELOG.replace(
        "## 0.3.1",
        "## Unreleased\n\n- The runtime retries on 503.\n\n## 0.3.1",
    );
    fs::write(dir.path().join("CHANGELOG.md"), &notes).unwrap();
    let options = Options {
        at_least: Some(Severity::Major),
        ..dated()
    };
    let outcome = release::plan(&Report::default(), dir.path(), &options)
        .unwrap()
        .commit()
        .unwrap();
    assert!(matches!(outcome, Outcome::Released { ref to, .. } if to == "0.4.0"));
    let (_, changelog) = files(dir.path());
    assert!(!changelog.contains("Unreleased"), "{changelog}");
    assert!(changelog.contains("## 0.4.0 (2026-12-03)\n\nChange to the public API: **none** (from 0.3.1).\n\nNo change to the generated Rust API.\n\nReleased as a **major** change for the hand-written changes (`--at-least major`).\n\n### Also in this release\n\n- The runtime retries on 503.\n\n## 0.3.1"), "{changelog}");

    // Nothing changed and nothing asked for: no release.
    let dir = crate_dir();
    let plan = release::plan(&Report::default(), dir.path(), &dated()).unwrap();
    assert_eq!(
        plan.commit().unwrap(),
        Outcome::NoChange {
            version: "0.3.1".into()
        }
    );
    assert_eq!(files(dir.path()), (MANIFEST.into(), CHANGELOG.into()));
}

#[test]
fn check_fails_when_the_version_is_lower_than_the_changes_need() {
    let report = breaking_report();
    let dir = crate_dir();
    for (version, passes) in [("0.3.2", false), ("0.4.0", true), ("0.5.0", true)] {
        let manifest = MANIFEST.replace("0.3.1", version);
        fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        let check = release::check(&report, dir.path(), "0.3.1", None).unwrap();
        assert_eq!(check.needed, "0.4.0");
        assert_eq!(check.passes(), passes, "{version}");
    }
}

fn cli(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rebilly-sdk-gen"))
        .args(args)
        .arg("--dir")
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn the_command_releases_the_real_pair_and_its_check_is_a_ci_gate() {
    let dir = crate_dir();
    let (old, new) = (history("56e64506b"), history("3284b5b89"));
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let check = [
        "release", old, new, "--tag", TAG, "--check", "--base", "0.3.1",
    ];
    let gate = cli(&check, dir.path());
    assert_eq!(gate.status.code(), Some(1), "{gate:?}");
    let stderr = String::from_utf8_lossy(&gate.stderr);
    assert!(
        stderr.contains("has 0.3.1, lower than the changes need: 0.4.0 (major change since 0.3.1)"),
        "{stderr}"
    );

    let run = ["release", old, new, "--tag", TAG, "--date", "2026-12-03"];
    let out = cli(&run, dir.path());
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("released 0.4.0 (major change, from 0.3.1)"),
        "{stdout}"
    );
    assert!(stdout.contains("## 0.4.0 (2026-12-03)"), "{stdout}");
    assert!(cli(&check, dir.path()).status.success());
    let again = cli(&run, dir.path());
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("already released as 0.4.0"));
}

#[test]
fn a_workspace_released_together_moves_its_shared_version_and_its_members_requirements() {
    let dir = crate_dir();
    let manifest = "[workspace]\nmembers = [\".\", \"runtime\"]\n\n[workspace.package]\nversion = \"0.3.1\"\nedition = \"2021\"\n\n[package]\nname = \"sdk\"\nversion.workspace = true\n\n[dependencies]\nrebilly-runtime = { path = \"runtime\", version = \"0.3.1\", default-features = false }\nserde = { version = \"1.0.0\" }\n\n[build-dependencies]\ngen = { path = \"generator\", version = \"0.3.1\" }\n";
    fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    let outcome = release::plan(&breaking_report(), dir.path(), &dated())
        .unwrap()
        .commit()
        .unwrap();
    assert!(matches!(outcome, Outcome::Released { ref to, .. } if to == "0.4.0"));
    let (after, _) = files(dir.path());
    assert_eq!(after, manifest.replace("0.3.1", "0.4.0"));
    assert!(after.contains("serde = { version = \"1.0.0\" }"));
}
