//! `diff`: the changes of the generated Rust API between two specs, with their semver
//! severity. On the three real upstream changes in `../shared/rebilly-api-history`, and on
//! constructed changes, one per kind, made to a temp copy of Customer authentication synced
//! from the current upstream snapshot.

use std::path::{Path, PathBuf};

use rebilly_sdk_gen::commands::diff::{diff, Report, Severity};
use rebilly_sdk_gen::{api_model, Filter};

fn history(commit: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/rebilly-api-history")
        .join(commit)
        .join("openapi")
}

fn customer_authentication() -> Filter {
    Filter {
        tags: vec!["Customer authentication".into()],
        ..Filter::default()
    }
}

fn compare(old: &Path, new: &Path, filter: &Filter) -> Report {
    diff(
        &api_model(old, filter).unwrap(),
        &api_model(new, filter).unwrap(),
    )
}

fn lines(report: &Report) -> Vec<String> {
    report
        .changes
        .iter()
        .map(|c| format!("{} {}: {}", c.severity.as_str(), c.item, c.what))
        .collect()
}

#[test]
fn the_three_real_upstream_changes() {
    let filter = customer_authentication();
    // A nullable `expiredTime`: a breaking change of the field's type. `password` leaves
    // `required`, where the schema never declared it: the type held it as raw JSON, and no
    // longer does.
    let nullable = compare(&history("56e64506b"), &history("3284b5b89"), &filter);
    assert_eq!(nullable.verdict(), Some(Severity::Major));
    assert_eq!(
        lines(&nullable),
        [
            "major types::ResetPasswordToken.expired_time: type Option<DateTime> → Option<Option<DateTime>>",
            "major types::ResetPasswordToken.password: field removed"
        ]
    );
    assert_eq!(nullable.next_version("0.1.0").unwrap(), "0.2.0");
    assert!(nullable.markdown("0.1.0").contains("### Breaking"));

    // Reworded descriptions: documentation only.
    let docs = compare(&history("ccdd059b1"), &history("b024daa3a"), &filter);
    assert_eq!(docs.verdict(), Some(Severity::Patch));
    assert!(
        lines(&docs).contains(&"patch types::CustomerJwt.invalidate: documentation".to_string())
    );
    assert_eq!(docs.next_version("0.1.0").unwrap(), "0.1.1");

    // Only the quoting of documentation references: nothing.
    let none = compare(&history("3a9acc738"), &history("1e5f13451"), &filter);
    assert_eq!(none.verdict(), None);
    assert!(none.markdown("0.1.0").contains("No change"));
    assert_eq!(none.json("0.1.0")["next"], "0.1.0");
}

/// Customer authentication, synced from the current upstream snapshot into a temp dir
/// once per run: the base the constructed changes are made to.
fn base() -> &'static Path {
    static BASE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let upstream =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/rebilly-api-definitions");
        let selection = rebilly_sdk_gen::commands::sync::select(
            &upstream,
            &["Customer authentication".to_string()],
        )
        .unwrap();
        rebilly_sdk_gen::commands::sync::apply(&selection, dir.path(), |_| Ok(())).unwrap();
        dir
    })
    .path()
}

/// A temp copy of [`base()`], changed by `edit(file, text) -> text`.
fn changed(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(base(), dir.path());
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let new = edit(&text);
    assert_ne!(new, text, "the edit of {file} changed nothing");
    std::fs::write(&path, new).unwrap();
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn against_base(file: &str, edit: impl Fn(&str) -> String) -> Report {
    let new = changed(file, edit);
    compare(base(), new.path(), &Filter::default())
}

/// `text` (a schema file) with the lines of its top-level property `name` (`  name:` and
/// the lines indented under it) replaced by `edit(lines)`: edits by structure, so the tests
/// quote none of upstream's prose.
fn property(text: &str, name: &str, edit: impl Fn(&[&str]) -> Vec<String>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == format!("  {name}:"))
        .unwrap_or_else(|| panic!("no property {name}"));
    let end = start
        + 1
        + lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("    "))
            .count();
    let mut out: Vec<String> = lines[..start].iter().map(|l| l.to_string()).collect();
    out.extend(edit(&lines[start..end]));
    out.extend(lines[end..].iter().map(|l| l.to_string()));
    out.join("\n") + "\n"
}

/// A field removed (major), added as optional (minor) or as required (major).
#[test]
fn constructed_changes_of_fields() {
    let credential = "components/schemas/CustomerCredential.yaml";

    let removed = against_base(credential, |t| {
        property(t, "username", |_| Vec::new()).replace("  - username\n", "")
    });
    assert!(
        lines(&removed).iter().any(|l| l
            == "major types::CustomerCredential.username: field removed, and an argument of `new`"),
        "{removed:#?}"
    );

    let optional = against_base(credential, |t| {
        t.replace(
            "\nproperties:\n",
            "\nproperties:\n  nickname:\n    type: string\n    description: A name.\n",
        )
    });
    assert_eq!(optional.verdict(), Some(Severity::Minor), "{optional:#?}");
    assert!(
        lines(&optional)[0].starts_with("minor types::CustomerCredential.nickname: field added")
    );

    let required = against_base(credential, |t| {
        t.replace(
            "\nproperties:\n",
            "\nproperties:\n  nickname:\n    type: string\n",
        )
        .replace("\nrequired:\n", "\nrequired:\n  - nickname\n")
    });
    assert!(
        lines(&required)
            .iter()
            .any(|l| l.contains("nickname: field added, and a new argument of `new`")),
        "{required:#?}"
    );
    assert_eq!(required.verdict(), Some(Severity::Major));
}

/// A field made nullable is major; a new enum value is minor.
#[test]
fn constructed_changes_of_types_and_values() {
    let credential = "components/schemas/CustomerCredential.yaml";

    let nullable = against_base(credential, |t| {
        property(t, "username", |lines| {
            lines
                .iter()
                .map(|l| match *l {
                    "    type: string" => "    type:\n      - string\n      - 'null'".to_string(),
                    l => l.to_string(),
                })
                .collect()
        })
    });
    assert_eq!(nullable.verdict(), Some(Severity::Major), "{nullable:#?}");
    assert!(lines(&nullable)
        .iter()
        .any(|l| l.contains("username: type String → Option<String>")));

    let variant = against_base(credential, |t| {
        t.replace(
            "            - customer\n",
            "            - customer\n            - organization\n",
        )
    });
    // A new enum value is minor: enums are `#[non_exhaustive]`.
    assert_eq!(variant.verdict(), Some(Severity::Minor), "{variant:#?}");
    assert!(
        lines(&variant)
            .iter()
            .any(|l| l.starts_with("minor types::") && l.contains("variant added (`organization`")),
        "{variant:#?}"
    );
}

/// A field's documentation, an alias spelled out, and a comment: patch, nothing, nothing.
#[test]
fn constructed_changes_that_keep_the_api() {
    let credential = "components/schemas/CustomerCredential.yaml";

    // A field whose type is spelled through an alias (`pub type CustomerId = String`) and
    // then directly: the same type, so no change of type.
    let spelled = against_base(credential, |t| {
        t.replace(
            "  customerId:\n    $ref: CustomerId.yaml\n",
            "  customerId:\n    type: string\n",
        )
    });
    assert!(
        !lines(&spelled)
            .iter()
            .any(|l| l.contains("customer_id: type")),
        "{spelled:#?}"
    );

    let docs = against_base(credential, |t| {
        property(t, "username", |lines| {
            lines
                .iter()
                .map(|l| match l.starts_with("    description:") {
                    true => "    description: The name the customer logs in with.".to_string(),
                    false => l.to_string(),
                })
                .collect()
        })
    });
    assert_eq!(
        lines(&docs),
        ["patch types::CustomerCredential.username: documentation"]
    );

    let nothing = against_base(credential, |t| format!("{t}\n# a comment\n"));
    assert_eq!(nothing.verdict(), None, "{nothing:#?}");
}

#[test]
fn operations_added_and_removed() {
    let spec = base();
    let without = changed("openapi.yaml", |t| {
        t.replace(
            "  \"/password-tokens/{id}\":\n    $ref: \"./paths/password-tokens@{id}.yaml\"\n",
            "",
        )
    });
    let removed = compare(spec, without.path(), &Filter::default());
    let text = lines(&removed);
    assert!(
        text.iter().any(|l| l
            == "major CustomerAuthentication::get_reset_password_token: method removed (`GET /password-tokens/{id}`), and its operation type `customer_authentication::GetResetPasswordToken`"),
        "{text:#?}"
    );
    let added = compare(without.path(), spec, &Filter::default());
    assert_eq!(
        added.verdict(),
        Some(Severity::Minor),
        "{:#?}",
        lines(&added)
    );
    assert!(lines(&added).iter().any(|l| l
        .starts_with("minor CustomerAuthentication::delete_reset_password_token: method added")));
}

#[test]
fn the_command_prints_the_report_and_fails_past_its_threshold() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rebilly-sdk-gen"))
            .arg("diff")
            .args(args)
            .output()
            .unwrap()
    };
    let (old, new) = (history("56e64506b"), history("3284b5b89"));
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let tag = ["--tag", "Customer authentication"];

    let report = run(&[old, new, tag[0], tag[1], "--version", "0.3.1"]);
    assert_eq!(report.status.code(), Some(0));
    let text = String::from_utf8_lossy(&report.stdout);
    assert!(text.starts_with("## 0.4.0\n"), "{text}");
    assert!(
        text.contains("`types::ResetPasswordToken.expired_time`"),
        "{text}"
    );

    let failing = run(&[
        old,
        new,
        tag[0],
        tag[1],
        "--fail-on",
        "major",
        "--format",
        "json",
    ]);
    assert_eq!(failing.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&failing.stdout).unwrap();
    assert_eq!(json["verdict"], "major");

    let missing = run(&["/nonexistent/old", new]);
    assert_eq!(missing.status.code(), Some(2));
    let error = String::from_utf8_lossy(&missing.stderr);
    assert!(error.starts_with("error: /nonexistent/old"), "{error}");
}

#[test]
fn webhook_events_added_removed_retyped_and_reworded() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/webhook_events");
    let before = std::fs::read_to_string(corpus.join("openapi.yaml")).unwrap();
    let cancelled = "  order-cancelled:\n    post:\n      summary: Order cancelled\n";
    assert!(before.contains(cancelled));
    let after = before
        .replace(
            cancelled,
            "  order-shipped:\n    post:\n      summary: Order shipped\n",
        )
        .replace("summary: Order created", "summary: Order placed")
        .replace(
            "schema: {$ref: '#/components/schemas/Settlement'}",
            "schema: {$ref: '#/components/schemas/Order'}",
        );
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    for (folder, text) in [(&old, &before), (&new, &after)] {
        std::fs::create_dir_all(folder).unwrap();
        std::fs::write(folder.join("openapi.yaml"), text).unwrap();
    }
    let report = compare(&old, &new, &Filter::default());
    let lines = lines(&report);
    let events: Vec<&String> = lines.iter().filter(|l| l.contains(" events::")).collect();
    assert_eq!(
        events,
        [
            "major events::Event::OrderCancelled: event `order-cancelled` removed: its variant, and its constructor `Event::order_cancelled`",
            "major events::Event::PaymentSettled: payload type `Settlement` changed to `Order`",
            "minor events::Event::OrderShipped: event `order-shipped` added, with its constructor `Event::order_shipped` (the enum is `#[non_exhaustive]`)",
            "patch events::Event::OrderCreated: documentation changed",
        ],
        "{lines:#?}"
    );
    // The payload types that no event uses any more are types removed.
    assert!(lines.contains(&"major types::Settlement: type removed".to_string()));
    assert_eq!(report.verdict(), Some(Severity::Major));
}
