//! Helpers shared by the SDK tests: a local server that answers one canned response and
//! records exactly what the SDK sent.
#![allow(dead_code)]

use std::time::Duration;

use rebilly_customer_auth::{Client, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const ORG: &str = "org-1";
pub const KEY: &str = "sk_sandbox_TESTKEY";

/// A client for `server` with the secret key, fast retries.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .organization_id(ORG)
        .secret_api_key(KEY)
        .retry_policy(fast_retries())
        .build()
        .expect("client builds")
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_secs(2),
        max_elapsed: Duration::from_secs(5),
        retry_non_idempotent: false,
    }
}

/// A server that answers every request with `response`.
pub async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// A JSON response.
pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// The only request the server received.
pub async fn only_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.expect("recording is on");
    assert_eq!(
        received.len(),
        1,
        "expected exactly one request, got {}",
        received.len()
    );
    received.remove(0)
}

/// Checks method, path (below the organization), query string and the credential headers.
pub fn assert_request(req: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(req.method.as_str(), method, "method");
    assert_eq!(
        req.url.path(),
        format!("/organizations/{ORG}{path}"),
        "path"
    );
    assert_eq!(req.url.query(), query, "query");
    let header = |name: &str| {
        req.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(
        header("REB-APIKEY").as_deref(),
        Some(KEY),
        "secret key header"
    );
    assert_eq!(header("authorization"), None, "only one credential is sent");
    assert_eq!(
        header("accept").as_deref(),
        Some("application/json, application/problem+json")
    );
    let agent = header("user-agent").unwrap_or_default();
    assert!(
        agent.starts_with("rebilly-customer-auth/") && agent.contains("rebilly-rust-sdk/"),
        "user agent: {agent}"
    );
}

/// Checks that the body is exactly `expected` (as JSON) and sent as JSON.
pub fn assert_json_body(req: &Request, expected: Value) {
    assert_eq!(
        req.headers.get("content-type").map(|v| v.to_str().unwrap()),
        Some("application/json"),
        "content type"
    );
    let body: Value = serde_json::from_slice(&req.body).expect("body is JSON");
    assert_eq!(body, expected, "request body");
}

/// Checks that no body was sent.
pub fn assert_no_body(req: &Request) {
    assert!(
        req.body.is_empty(),
        "unexpected body: {}",
        String::from_utf8_lossy(&req.body)
    );
    assert!(req.headers.get("content-type").is_none());
}
