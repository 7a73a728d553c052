//! Contract tests: the Prism mock server (a tool we did not write) serves `spec/`, validates
//! every request the SDK sends against it, and answers from it. Prism runs with `--errors`,
//! so a request that violates the spec gets an error response, which fails the test.
//!
//! Prism is installed by `npm ci` (pinned in package.json / package-lock.json); the README's
//! test command runs that first.

#[path = "common/prism.rs"]
mod prism;

use std::path::Path;
use std::process::Command;

use prism::Prism;

use rebilly_customer_auth::futures::{StreamExt, TryStreamExt};
use rebilly_customer_auth::types::*;
use rebilly_customer_auth::{Client, Credentials, Error, RequestOptions, RetryPolicy};

/// The Customer authentication spec served by Prism, as static examples or dynamic answers.
fn start_prism(dynamic: bool) -> Prism {
    let extra: &[&str] = if dynamic {
        &["--errors", "--dynamic", "--seed", "rebilly"]
    } else {
        &["--errors"]
    };
    Prism::start(Path::new("spec/openapi.yaml"), extra)
}

/// What the tests need of Prism beyond starting it.
trait PrismExt {
    fn client(&self) -> Client;
    fn ok<T>(&self, what: &str, result: Result<T, Error>) -> T;
}

impl PrismExt for Prism {
    /// A client for Prism, which serves the API at its root (no `/organizations/{id}`).
    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.url)
            .secret_api_key("sk_contract_test")
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
    }

    /// Unwraps `result`, or fails with the error and Prism's log (which names the violation).
    fn ok<T>(&self, what: &str, result: Result<T, Error>) -> T {
        result.unwrap_or_else(|e| panic!("{what}: {e}\n{e:?}\n--- Prism log ---\n{}", self.log()))
    }
}

/// Every operation through the SDK: Prism checks each request and the SDK decodes each answer.
async fn exercise_every_operation(prism: &Prism) {
    let client = prism.client();
    let auth = client.customer_authentication();

    prism.ok("getAuthOptions", auth.get_auth_options().await);
    let mut options = AuthenticationOptions::new();
    options.password_pattern = Some(None); // explicit null for a nullable field
    options.auth_token_ttl = Some(3600);
    options.otp_required = Some(false);
    prism.ok("updateAuthOptions", auth.update_auth_options(options).await);

    let page = prism.ok(
        "getAllAuthTokens",
        auth.get_all_auth_tokens().limit(10).offset(0).await,
    );
    assert!(page.total.is_some(), "pagination headers are decoded");
    let password = AuthenticationTokenPasswordMode::new("jane@example.com", "correct horse");
    let token = prism.ok("login (password)", auth.login(password.into()).await);
    let passwordless =
        AuthenticationTokenPasswordlessMode::new("cus_01HXYZCUSTOMER0000000000".into());
    prism.ok(
        "login (passwordless)",
        auth.login(AuthenticationToken::Passwordless(passwordless))
            .await,
    );
    let token_id = token.token.unwrap_or_else(|| "tok_1".into());
    prism.ok("verify", auth.verify(&token_id).await);
    let mut exchange = CustomerJwt::new();
    exchange.invalidate = Some(false);
    exchange.one_time_password = Some("123456".into());
    exchange.custom_claims = Some([("plan".to_string(), "gold".into())].into_iter().collect());
    let jwt = prism.ok(
        "exchangeToken",
        auth.exchange_token(&token_id, exchange).await,
    );
    prism.ok("logout", auth.logout(&token_id).await);

    // The JWT from the exchange authenticates further calls.
    let customer = client.with_credentials(Credentials::jwt(
        jwt.token.unwrap_or_else(|| "eyJ.x.y".into()),
    ));
    prism.ok(
        "getAllCredentials (JWT)",
        customer
            .customer_authentication()
            .get_all_credentials()
            .limit(5)
            .await,
    );
    let streamed: Vec<CustomerCredential> = prism.ok(
        "getAllCredentials (stream)",
        auth.get_all_credentials()
            .limit(2)
            .stream()
            .take(3)
            .try_collect()
            .await,
    );
    assert_eq!(streamed.len(), 3);

    credentials_and_reset_tokens(prism).await;
}

/// The credential and reset-password-token operations.
async fn credentials_and_reset_tokens(prism: &Prism) {
    let client = prism.client();
    let auth = client.customer_authentication();
    let mut credential = CustomerCredential::new(
        "jane@example.com",
        "correct horse",
        "cus_01HXYZCUSTOMER0000000000".to_string(),
    );
    credential.expired_time = Some(None); // explicit null
    prism.ok(
        "createCredential",
        auth.create_credential(credential.clone()).await,
    );
    prism.ok("getCredential", auth.get_credential("cred_1").await);
    prism.ok(
        "updateCredential",
        auth.update_credential("cred_1", credential).await,
    );
    prism.ok("deleteCredential", auth.delete_credential("cred_1").await);

    prism.ok(
        "getAllResetPasswordTokens",
        auth.get_all_reset_password_tokens().limit(3).await,
    );
    prism.ok(
        "createResetPasswordToken",
        auth.create_reset_password_token(ResetPasswordToken::new("jane@example.com"))
            .await,
    );
    prism.ok(
        "getResetPasswordToken",
        auth.get_reset_password_token("rst_1").await,
    );
    prism.ok(
        "deleteResetPasswordToken",
        auth.delete_reset_password_token("rst_1").await,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_against_static_examples() {
    let prism = start_prism(false);
    exercise_every_operation(&prism).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_against_dynamic_responses() {
    let prism = start_prism(true);
    // Generated data differs from call to call: go round a few times.
    for _ in 0..3 {
        exercise_every_operation(&prism).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn documented_error_responses_decode_into_the_error_type() {
    let prism = start_prism(false);
    let auth_client = prism.client();
    let auth = auth_client.customer_authentication();
    let prefer = |code: u16| RequestOptions::default().header("Prefer", format!("code={code}"));
    let cases: Vec<(u16, Result<(), Error>)> = vec![
        (
            401,
            auth.get_auth_options().options(prefer(401)).await.map(drop),
        ),
        (
            403,
            auth.get_credential("c")
                .options(prefer(403))
                .await
                .map(drop),
        ),
        (404, auth.verify("t").options(prefer(404)).await.map(drop)),
        (
            409,
            auth.delete_reset_password_token("r")
                .options(prefer(409))
                .await
                .map(drop),
        ),
        (
            422,
            auth.create_reset_password_token(ResetPasswordToken::new("j"))
                .options(prefer(422))
                .await
                .map(drop),
        ),
        (429, auth.logout("t").options(prefer(429)).await.map(drop)),
    ];
    for (code, result) in cases {
        let err = result.expect_err(&format!("Prism answers {code} when asked"));
        match &err {
            Error::Api(api) => assert_eq!(api.status.as_u16(), code, "{err}"),
            other => panic!(
                "{code}: not decoded as problem details: {other:?}\n{}",
                prism.log()
            ),
        }
        assert_eq!(
            err.problem().and_then(|p| p.status),
            Some(code),
            "the body's status member"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_that_break_the_spec_are_rejected() {
    // The harness is real: a request the spec does not allow fails. Sent through the runtime,
    // as the SDK's types cannot express these mistakes.
    let prism = start_prism(false);
    let core = prism.client().core().clone();
    let secret: &'static [&'static [rebilly_runtime::Scheme]] =
        &[&[rebilly_runtime::Scheme::ApiKey {
            scheme: "SecretApiKey",
            header: "REB-APIKEY",
        }]];
    let send = |body: serde_json::Value| {
        let core = core.clone();
        async move {
            let mut request = rebilly_runtime::Request::new(
                rebilly_runtime::Method::POST,
                "/credentials".into(),
                "PostCredential",
                secret,
            );
            request.json_body("application/json", &body).unwrap();
            core.execute(request, &RequestOptions::default()).await
        }
    };
    let valid = serde_json::json!({"username": "u", "password": "p", "customerId": "cus_1"});
    send(valid)
        .await
        .unwrap_or_else(|e| panic!("the valid body must pass: {e}\n{}", prism.log()));
    let misspelled = serde_json::json!({"userName": "u", "password": "p", "customerId": "cus_1"});
    let err = send(misspelled)
        .await
        .expect_err("a missing required field is a violation");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err}");
    let wrong_type = serde_json::json!({"username": "u", "password": "p", "customerId": "cus_1", "expiredTime": 5});
    assert!(send(wrong_type).await.is_err());
    assert!(
        prism.log().contains("violation") || prism.log().contains("must have required property"),
        "{}",
        prism.log()
    );
}

#[test]
fn the_example_runs_against_prism() {
    let prism = start_prism(false);
    let exe = std::env::current_exe().unwrap();
    let example = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples/customer_login");
    assert!(
        example.exists(),
        "cargo test builds examples: {}",
        example.display()
    );
    let output = Command::new(example)
        .env("REBILLY_API_KEY", "sk_contract_test")
        .env("REBILLY_BASE_URL", &prism.url)
        .env_remove("REBILLY_ORGANIZATION_ID")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}\n--- Prism log ---\n{}",
        String::from_utf8_lossy(&output.stderr),
        prism.log()
    );
    for step in [
        "logged in",
        "exchanged",
        "verified",
        "credentials page 1",
        "logged out",
    ] {
        assert!(stdout.contains(step), "missing {step:?} in:\n{stdout}");
    }
}
