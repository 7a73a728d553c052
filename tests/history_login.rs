//! The SDK generated from each real upstream snapshot in `../shared/rebilly-api-history`
//! can log a customer in: before August 2023 the login body was a base schema whose
//! `discriminator.mapping` names the modes (no `oneOf`), later a `oneOf`. Each snapshot's
//! Customer authentication SDK is generated into one temporary crate, which then logs in
//! against a local server with each of them and checks the exact body sent.

use std::path::{Path, PathBuf};
use std::process::Command;

use rebilly_sdk_gen::{generate, write, Filter};

/// Snapshot → the type of its password-mode login body.
const SNAPSHOTS: &[(&str, &str)] = &[
    ("56e64506b", "Password"),
    ("3284b5b89", "Password"),
    ("ccdd059b1", "AuthenticationTokenPasswordMode"),
    ("b024daa3a", "AuthenticationTokenPasswordMode"),
    ("3a9acc738", "AuthenticationTokenPasswordMode"),
    ("1e5f13451", "AuthenticationTokenPasswordMode"),
];

fn history() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/rebilly-api-history")
}

/// A program that logs in with every snapshot's SDK and prints what the server received.
fn main_rs() -> String {
    let mut modules = String::new();
    let mut calls = String::new();
    for (snapshot, payload) in SNAPSHOTS {
        modules.push_str(&format!(
            "#[path = \"gen/s{snapshot}/mod.rs\"]\n#[allow(dead_code)]\nmod s{snapshot};\n"
        ));
        calls.push_str(&format!(
            "    let client = s{snapshot}::Client::builder().base_url(server.uri()).organization_id(\"org-1\").secret_api_key(\"sk_test\").build().unwrap();\n    let body = s{snapshot}::types::AuthenticationToken::from(s{snapshot}::types::{payload}::new(\"jane\", \"pw\"));\n    let token = client.customer_authentication().login(body).await.expect(\"{snapshot}: login\");\n    assert_eq!(token.token.as_deref(), Some(\"tok_1\"), \"{snapshot}\");\n"
        ));
    }
    format!(
        "{modules}
use wiremock::{{matchers::{{method, path}}, Mock, MockServer, ResponseTemplate}};

#[tokio::main]
async fn main() {{
    let server = MockServer::start().await;
    Mock::given(method(\"POST\"))
        .and(path(\"/organizations/org-1/authentication-tokens\"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({{
            \"mode\": \"password\", \"username\": \"jane\", \"token\": \"tok_1\", \"customerId\": \"cus_1\"
        }})))
        .mount(&server)
        .await;
{calls}
    for request in server.received_requests().await.unwrap() {{
        println!(\"{{}}\", String::from_utf8_lossy(&request.body));
    }}
}}
"
    )
}

fn cargo_run(krate: &Path, repo: &Path) -> std::process::Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet", "--offline"])
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", repo.join("target/sdk-checks"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap()
}

#[test]
fn the_sdk_of_every_upstream_snapshot_logs_a_customer_in() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let krate = work.path().join("crate");
    let filter = Filter {
        tags: vec!["Customer authentication".into()],
        ..Filter::default()
    };
    for (snapshot, _) in SNAPSHOTS {
        let spec = history().join(snapshot).join("openapi/openapi.yaml");
        let generated = generate(&spec, &filter, snapshot).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(generated.api.operation_count(), 16, "{snapshot}");
        write::write_files(
            &krate.join(format!("src/gen/s{snapshot}")),
            &generated.files,
        )
        .unwrap();
    }
    std::fs::write(krate.join("src/main.rs"), main_rs()).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"history-login\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nrebilly-runtime = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\nwiremock = \"0.6\"\nserde_json = \"1\"\n\n[workspace]\n",
            repo.join("runtime")
        ),
    )
    .unwrap();
    std::fs::copy(repo.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let output = cargo_run(&krate, &repo);
    assert!(
        output.status.success(),
        "logging in with the snapshots' SDKs failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bodies: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(bodies.len(), SNAPSHOTS.len());
    for body in bodies {
        assert_eq!(
            body,
            serde_json::json!({"mode": "password", "username": "jane", "password": "pw"})
        );
    }
}
