//! Running the SDK in a service: traces without secrets, a client-wide retry budget, a
//! deadline per call, and calls that stop when their future is dropped.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use rebilly_customer_auth::types::AuthenticationTokenPasswordMode;
use rebilly_customer_auth::{Client, Error, RequestOptions, RetryBudget, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok_SECRET_PATH_456";
const PASSWORD: &str = "pw_SECRET_BODY_789";

/// A client that retries after waits of `backoff` (up to twice that).
fn waiting(server: &MockServer, backoff: Duration) -> rebilly_runtime::ClientBuilder<Client> {
    Client::builder()
        .base_url(server.uri())
        .organization_id(ORG)
        .secret_api_key(KEY)
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            initial_backoff: backoff,
            max_backoff: backoff * 2,
            ..RetryPolicy::default()
        })
}

fn retrying(server: &MockServer) -> rebilly_runtime::ClientBuilder<Client> {
    waiting(server, Duration::from_millis(1))
}

async fn always(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

/// A server whose first `failures` GETs get 503, and the others a credential.
async fn unavailable_then_ok(failures: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(failures)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(json(200, json!({"username": "jane", "customerId": "c"})))
        .mount(&server)
        .await;
    server
}

/// Everything written by the fmt subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_call_is_a_span_with_its_retries_and_no_secret() {
    let server = MockServer::start().await;
    let verify = format!("/organizations/{ORG}/authentication-tokens/{TOKEN}");
    Mock::given(method("GET"))
        .and(path(verify.as_str()))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(verify.as_str()))
        .respond_with(json(200, json!({"username": "jane", "token": TOKEN})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(201, json!({"username": "jane", "token": TOKEN})))
        .mount(&server)
        .await;

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let client = retrying(&server).build().unwrap();
    let auth = client.customer_authentication();
    auth.verify(TOKEN).await.unwrap();
    auth.login(AuthenticationTokenPasswordMode::new("jane", PASSWORD).into())
        .await
        .unwrap();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "rebilly.call",
        "operation=\"GetAuthenticationTokenVerification\"",
        "method=GET",
        "path=\"/authentication-tokens/{token}\"",
        "retrying",
        "reason=HTTP 503",
        "attempts=2",
        "status=200",
        "operation=\"PostAuthenticationToken\"",
        "status=201",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    for secret in [KEY, TOKEN, PASSWORD, "jane"] {
        assert!(
            !text.contains(secret),
            "{secret:?} is in the traces:\n{text}"
        );
    }
}

#[tokio::test]
async fn a_failing_server_sees_few_retries_once_the_budget_is_spent() {
    let server = always(503).await;
    // 10 retries' worth of tokens.
    let budget = RetryBudget {
        capacity: 50,
        retry_cost: 5,
        ..RetryBudget::default()
    };
    let client = retrying(&server).retry_budget(budget).build().unwrap();
    let calls = 200;
    let tasks: Vec<_> = (0..calls)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let id = format!("cred_{i}");
                client.customer_authentication().get_credential(id).await
            })
        })
        .collect();
    for task in tasks {
        let outcome = task.await.unwrap();
        assert!(
            matches!(outcome, Err(Error::UnexpectedResponse { status, .. }) if status == 503),
            "{outcome:?}"
        );
    }
    let sent = server.received_requests().await.unwrap().len();
    assert_eq!(
        sent,
        calls + 10,
        "every call once, and the budget's 10 retries"
    );
    assert_eq!(client.core().retry_budget_left(), Some(0));
    let amplification = sent as f64 / calls as f64;
    assert!(amplification <= 1.1, "{amplification}");

    // Without a budget, the policy alone: three attempts per call.
    let server = always(503).await;
    let unbudgeted = retrying(&server).no_retry_budget().build().unwrap();
    for i in 0..10 {
        let id = format!("cred_{i}");
        let _ = unbudgeted
            .customer_authentication()
            .get_credential(id)
            .await;
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 30);
    assert_eq!(unbudgeted.core().retry_budget_left(), None);
}

#[tokio::test]
async fn successes_refill_the_budget() {
    let server = unavailable_then_ok(2).await;
    let client = retrying(&server).build().unwrap();
    assert_eq!(client.core().retry_budget_left(), Some(500));
    // Two retries, then a success: what they took comes back.
    client
        .customer_authentication()
        .get_credential("cred_1")
        .await
        .unwrap();
    assert_eq!(client.core().retry_budget_left(), Some(500));
}

#[tokio::test]
async fn a_deadline_stops_a_slow_attempt_and_a_retry_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            json(200, json!({"username": "jane", "customerId": "c"}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = retrying(&server)
        .deadline(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let outcome = client.customer_authentication().get_credential("c1").await;
    assert!(
        matches!(outcome, Err(Error::Deadline(d)) if d == Duration::from_millis(200)),
        "{outcome:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));

    // A per-call deadline, reached while waiting to retry.
    let server = always(503).await;
    let slow_retries = waiting(&server, Duration::from_secs(2)).build().unwrap();
    let outcome = slow_retries
        .customer_authentication()
        .get_credential("c1")
        .options(RequestOptions::default().deadline(Duration::from_millis(300)))
        .await;
    assert!(matches!(outcome, Err(Error::Deadline(_))), "{outcome:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn dropping_a_call_in_its_retry_wait_leaves_nothing_running() {
    let server = always(503).await;
    let client = waiting(&server, Duration::from_millis(300))
        .build()
        .unwrap();
    let call = client.customer_authentication().get_credential("c1");
    // The first attempt fails at once; the call is dropped in its wait before the second.
    let dropped = tokio::time::timeout(Duration::from_millis(100), call).await;
    assert!(dropped.is_err(), "the call was still waiting");
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "no retry after the call was dropped"
    );
}

/// Adds a header to each attempt and notes how each one ended.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<(&'static str, u32, Option<u16>)>>,
}

impl rebilly_customer_auth::Hook for Recorder {
    fn before_attempt(
        &self,
        attempt: &rebilly_customer_auth::Attempt<'_>,
        request: &mut rebilly_customer_auth::reqwest::Request,
    ) {
        let value = format!("attempt-{}", attempt.number);
        request
            .headers_mut()
            .insert("x-attempt", value.parse().unwrap());
    }

    fn after_attempt(
        &self,
        attempt: &rebilly_customer_auth::Attempt<'_>,
        outcome: &rebilly_customer_auth::AttemptOutcome<'_>,
    ) {
        let status = match outcome {
            rebilly_customer_auth::AttemptOutcome::Response { status, .. } => Some(status.as_u16()),
            _ => None,
        };
        self.seen
            .lock()
            .unwrap()
            .push((attempt.operation, attempt.number, status));
    }
}

#[tokio::test]
async fn hooks_run_before_each_attempt_and_after_each_answer() {
    let server = unavailable_then_ok(1).await;
    let recorder = Arc::new(Recorder::default());
    let client = retrying(&server).hook(recorder.clone()).build().unwrap();
    client
        .customer_authentication()
        .get_credential("cred_1")
        .await
        .unwrap();

    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["x-attempt"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(sent, ["attempt-1", "attempt-2"]);
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            ("GetCredential", 1, Some(503)),
            ("GetCredential", 2, Some(200))
        ]
    );
}

/// A full outage (every request 503) for `RETRY_BUDGET_SECONDS` (default 3; 10 for the
/// figure in BENCHMARKS.md), 16 tasks calling in a loop, with the default retry budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_full_outage_requests_per_call_stay_under_1_1() {
    let seconds: u64 = std::env::var("RETRY_BUDGET_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let server = always(503).await;
    let client = retrying(&server).build().unwrap();
    let until = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..16)
        .map(|t| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut calls = 0u64;
                while Instant::now() < until {
                    let id = format!("cred_{t}_{calls}");
                    let outcome = client.customer_authentication().get_credential(id).await;
                    assert!(outcome.is_err());
                    calls += 1;
                }
                calls
            })
        })
        .collect();
    let mut calls = 0;
    for task in tasks {
        calls += task.await.unwrap();
    }
    let sent = server.received_requests().await.unwrap().len() as u64;
    let amplification = sent as f64 / calls as f64;
    println!(
        "OUTAGE: {seconds} s of 100% 503: {calls} calls, {sent} requests, amplification {amplification:.3}, budget left {:?}",
        client.core().retry_budget_left()
    );
    assert!(calls >= 1_000, "too few calls to measure: {calls}");
    assert!(amplification <= 1.1, "{amplification}");
}
