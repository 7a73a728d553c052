//! A spec change becomes an SDK change with no hand edits: copy the spec, add a property to
//! `CustomerCredential` and a new operation, regenerate, and compile code that uses both.

use std::path::{Path, PathBuf};
use std::process::Command;

use rebilly_sdk_gen::{generate, write, Filter};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn edit(path: &Path, after: &str, insert: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(after), "{} has no {after:?}", path.display());
    std::fs::write(path, text.replacen(after, &format!("{after}{insert}"), 1)).unwrap();
}

const NEW_PATH: &str = "get:
  tags:
    - Customer authentication
  summary: Get a credential's nickname
  operationId: GetCredentialNickname
  x-sdk-operation-name: getCredentialNickname
  x-sdk-resource: CustomerAuthentication
  parameters:
    - $ref: ../components/parameters/resourceId.yaml
  responses:
    '200':
      description: The credential with its nickname.
      content:
        application/json:
          schema:
            $ref: ../components/schemas/CustomerCredential.yaml
";

const USES_BOTH: &str = r#"
#[path = "gen/mod.rs"]
pub mod generated;

/// Uses the new field and the new operation.
pub async fn use_both(client: &generated::Client) -> Result<Option<String>, rebilly_runtime::Error> {
    let mut credential = generated::types::CustomerCredential::new("jane", "pw", "cus_1".to_string());
    credential.nickname = Some("JJ".to_string());
    let _ = client.customer_authentication().create_credential(credential).await?;
    let fetched = client.customer_authentication().get_credential_nickname("cred_1").await?;
    Ok(fetched.nickname)
}
"#;

/// `cargo check` of the crate at `krate` with warnings denied, in a target dir kept between runs.
fn cargo_check(krate: &Path, repo: &Path) -> std::process::Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline"])
        .current_dir(krate)
        // Shared with the upstream check, which also runs `cargo check` with warnings denied.
        .env(
            "CARGO_TARGET_DIR",
            repo.join("target/upstream-check/target"),
        )
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap()
}

#[test]
fn added_property_and_operation_compile_after_regeneration() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let spec = work.path().join("spec");
    copy_dir(&repo.join("spec"), &spec);
    edit(
        &spec.join("components/schemas/CustomerCredential.yaml"),
        "properties:\n",
        "  nickname:\n    type: string\n    description: A display name for the credential.\n",
    );
    edit(
        &spec.join("openapi.yaml"),
        "paths:\n",
        "  '/credentials/{id}/nickname':\n    $ref: ./paths/credentials@{id}@nickname.yaml\n",
    );
    std::fs::write(spec.join("paths/credentials@{id}@nickname.yaml"), NEW_PATH).unwrap();

    let generated = generate(&spec, &Filter::default(), "spec").unwrap();
    assert_eq!(generated.api.operation_count(), 17);
    let krate = work.path().join("crate");
    write::write_files(&krate.join("src/gen"), &generated.files).unwrap();
    std::fs::write(krate.join("src/lib.rs"), USES_BOTH).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"regenerated-sdk\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nrebilly-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            repo.join("runtime")
        ),
    )
    .unwrap();
    // Same dependency versions as the workspace, and a target dir kept between runs.
    std::fs::copy(repo.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let output = cargo_check(&krate, &repo);
    assert!(
        output.status.success(),
        "the regenerated SDK does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // And the check is real: code using a field the spec does not have is rejected.
    std::fs::write(
        krate.join("src/lib.rs"),
        USES_BOTH.replace("credential.nickname", "credential.no_such_field"),
    )
    .unwrap();
    let output = cargo_check(&krate, &repo);
    assert!(!output.status.success());
}
