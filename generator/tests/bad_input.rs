//! Bad specs: a clear error naming the file, the JSON pointer and the line; exit code 2 from
//! the CLI; the output directory untouched.

use std::path::Path;
use std::process::Command;

use rebilly_sdk_gen::{generate, Filter};

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n";

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn error_for(files: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    generate(dir.path(), &Filter::default(), "t")
        .expect_err("must fail")
        .to_string()
}

fn op_with_schema(schema_ref: &str) -> String {
    format!("{HEAD}paths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '{schema_ref}'\n")
}

#[test]
fn invalid_yaml_names_file_pointer_and_line() {
    let e = error_for(&[(
        "openapi.yaml",
        &format!("{HEAD}paths:\n  /x:\n    get:\n      summary: a: b\n"),
    )]);
    assert!(e.contains("openapi.yaml#/paths/~1x/get"), "{e}");
    assert!(e.contains("line 6") && e.contains("invalid YAML"), "{e}");
}

#[test]
fn invalid_yaml_in_a_referenced_file_names_that_file() {
    let e = error_for(&[
        ("openapi.yaml", &op_with_schema("./s/Bad.yaml")),
        ("s/Bad.yaml", "type: object\nproperties: [unclosed\n"),
    ]);
    assert!(
        e.contains("s/Bad.yaml") && e.contains("invalid YAML") && e.contains("line"),
        "{e}"
    );
}

#[test]
fn ref_to_a_missing_file() {
    let e = error_for(&[("openapi.yaml", &op_with_schema("./schemas/Nope.yaml"))]);
    assert!(
        e.contains(
            "openapi.yaml#/paths/~1x/get/responses/200/content/application~1json/schema (line 12)"
        ),
        "{e}"
    );
    assert!(
        e.contains("Nope.yaml") && e.contains("cannot be read"),
        "{e}"
    );
}

#[test]
fn ref_to_a_missing_pointer() {
    let e = error_for(&[(
        "openapi.yaml",
        &format!(
            "{}components:\n  schemas:\n    A: {{type: string}}\n",
            op_with_schema("#/components/schemas/Missing")
        ),
    )]);
    assert!(
        e.contains("no node at") && e.contains("#/components/schemas/Missing"),
        "{e}"
    );
    assert!(e.contains("line 12"), "{e}");
}

#[test]
fn ref_cycle_is_named() {
    let e = error_for(&[
        ("openapi.yaml", &op_with_schema("./A.yaml")),
        ("A.yaml", "$ref: ./B.yaml\n"),
        ("B.yaml", "$ref: ./A.yaml\n"),
    ]);
    assert!(
        e.contains("$ref cycle") && e.contains("A.yaml#") && e.contains("B.yaml#"),
        "{e}"
    );
}

#[test]
fn unsupported_constructs_are_errors_with_a_location() {
    let e = error_for(&[(
        "openapi.yaml",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n",
    )]);
    assert!(e.contains("missing"), "{e}");
    let e = error_for(&[(
        "openapi.yaml",
        "openapi: 4.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n",
    )]);
    assert!(
        e.contains("openapi.yaml#/openapi (line 1)") && e.contains("4.0.0 is not supported"),
        "{e}"
    );
    let e = error_for(&[(
        "openapi.yaml",
        &op_with_schema("https://example.com/schema.yaml"),
    )]);
    assert!(e.contains("remote document is not supported"), "{e}");
    let e = error_for(&[(
        "openapi.yaml",
        &format!("{HEAD}security: [{{Nope: []}}]\npaths:\n  /x:\n    get:\n      responses: {{'204': {{description: ok}}}}\n"),
    )]);
    assert!(e.contains("security scheme `Nope` is not defined"), "{e}");
}

#[test]
fn cli_exits_2_and_leaves_the_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("spec/openapi.yaml", &op_with_schema("./missing.yaml")),
            ("out/keep.rs", "// mine\n"),
        ],
    );
    let output = Command::new(env!("CARGO_BIN_EXE_rebilly-sdk-gen"))
        .args(["generate", "--spec", "spec", "--out", "out"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: spec/openapi.yaml#/paths/~1x/get/responses/200/content/application~1json/schema (line 12)"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec!["keep.rs"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/keep.rs")).unwrap(),
        "// mine\n"
    );
}

#[test]
fn cli_check_reports_drift_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rebilly-sdk-gen"))
            .arg("generate")
            .arg("--spec")
            .arg(&spec)
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let check = run(&["--out", "out", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("missing: types.rs"));
    assert!(!dir.path().join("out").exists(), "--check writes nothing");
    let write = run(&["--out", "out"]);
    assert_eq!(write.status.code(), Some(0));
    let summary = String::from_utf8_lossy(&write.stdout);
    assert!(
        summary.starts_with("16 operations, 0 webhooks, 24 types, 3 files"),
        "{summary}"
    );
    std::fs::write(
        dir.path().join("out/types.rs"),
        "// @generated by rebilly-sdk-gen\n// edited by hand\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("out/old_group.rs"),
        "// @generated by rebilly-sdk-gen from spec.\n",
    )
    .unwrap();
    let check = run(&["--out", "out", "--check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stderr.contains("differs: types.rs") && stderr.contains("stale:   old_group.rs"),
        "{stderr}"
    );
    let rewrite = run(&["--out", "out"]);
    assert!(String::from_utf8_lossy(&rewrite.stdout).contains("1 written, 2 unchanged, 1 removed"));
    assert_eq!(run(&["--out", "out", "--check"]).status.code(), Some(0));
}

#[test]
fn cli_timings_name_every_stage_and_phase() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let output = Command::new(env!("CARGO_BIN_EXE_rebilly-sdk-gen"))
        .arg("generate")
        .arg("--spec")
        .arg(&spec)
        .args(["--out", "out", "--timings"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stages = [
        "load",
        "lint",
        "analyze",
        "emit to tokens",
        "parse",
        "format",
        "write",
    ];
    for stage in stages {
        let line = stderr.lines().find(|l| l.starts_with(&format!("{stage} ")));
        let line = line.unwrap_or_else(|| panic!("no `{stage}` line in:\n{stderr}"));
        assert!(line.trim_end().ends_with(" ms"), "{line}");
    }
    for phase in ["load+lint+analyze", "emit", "write"] {
        let mut line = stderr
            .lines()
            .filter(|l| l.starts_with(&format!("{phase} ")));
        assert!(
            line.next_back().is_some_and(|l| l.ends_with(" MB")),
            "{stderr}"
        );
    }
    assert!(dir.path().join("out/types.rs").is_file());
}
