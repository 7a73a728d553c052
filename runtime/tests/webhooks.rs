//! The webhook receiver over real HTTP on loopback: the example's axum app
//! (examples/webhook_receiver.rs) serves, reqwest delivers.
#![cfg(feature = "webhooks")]

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use http_body::Frame;
use rebilly_runtime::webhook::Receiver;

#[allow(dead_code)]
#[path = "../examples/webhook_receiver.rs"]
mod example;

const USER: &str = "rebilly";
const PASSWORD: &str = "correct horse battery staple";

fn receiver() -> Receiver {
    Receiver::builder()
        .basic(USER, PASSWORD)
        .max_body_size(4 * 1024)
        .build()
        .unwrap()
}

/// Serves the example's app on a free loopback port; the URL of its `/webhooks`.
async fn serve(receiver: Receiver) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, example::app(receiver)).await.unwrap();
    });
    (url, server)
}

/// A client of its own (reqwest has rustls here, whose cryptography the runtime installs).
fn client() -> reqwest::Client {
    rebilly_runtime::install_crypto_provider();
    reqwest::Client::new()
}

fn payload(event_type: &str, id: &str, updated: &str) -> String {
    format!(
        r#"{{"eventType":"{event_type}","customerId":"{id}","_embedded":{{"customer":{{"id":"{id}","updatedTime":"{updated}"}}}}}}"#
    )
}

async fn deliver(
    client: &reqwest::Client,
    url: &str,
    credentials: Option<(&str, &str)>,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some((user, password)) = credentials {
        request = request.basic_auth(user, Some(password));
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn right_wrong_and_missing_credentials() {
    let (url, _server) = serve(receiver()).await;
    let client = client();
    let body = payload("customer-created", "cus_1", "2025-01-01T00:00:00Z");
    let ok = deliver(&client, &url, Some((USER, PASSWORD)), body.clone()).await;
    assert_eq!(ok.status(), 204);

    for credentials in [
        Some((USER, "correct horse battery stapl")),
        Some((USER, "correct horse battery staple!")),
        Some(("rebilly2", PASSWORD)),
        None,
    ] {
        let refused = deliver(&client, &url, credentials, body.clone()).await;
        assert_eq!(refused.status(), 401, "{credentials:?}");
        assert_eq!(
            refused.headers()["www-authenticate"],
            "Basic realm=\"rebilly-webhooks\", charset=\"UTF-8\""
        );
        let text = refused.text().await.unwrap();
        assert!(!text.contains(PASSWORD), "{text}");
    }
}

#[tokio::test]
async fn both_pairs_are_accepted_while_rotating() {
    let rotating = Receiver::builder()
        .basic("rebilly-2025", "the new password")
        .basic("rebilly-2024", "the old password")
        .build()
        .unwrap();
    let (url, _server) = serve(rotating).await;
    let client = client();
    for (i, pair) in [
        ("rebilly-2025", "the new password"),
        ("rebilly-2024", "the old password"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = payload(
            "customer-updated",
            &format!("cus_{i}"),
            "2025-01-01T00:00:00Z",
        );
        let response = deliver(&client, &url, Some(pair), body).await;
        assert_eq!(response.status(), 204, "{}", pair.0);
    }
    let crossed = deliver(
        &client,
        &url,
        Some(("rebilly-2025", "the old password")),
        "{}",
    )
    .await;
    assert_eq!(crossed.status(), 401);
}

#[tokio::test]
async fn an_unknown_event_type_is_accepted_and_bad_json_is_not() {
    let (url, _server) = serve(receiver()).await;
    let client = client();
    let unknown = r#"{"eventType":"something-rebilly-adds-next-year","thing":{"id":1}}"#;
    let accepted = deliver(&client, &url, Some((USER, PASSWORD)), unknown).await;
    assert_eq!(accepted.status(), 204);

    for malformed in [r#"{"eventType":"customer-created""#, "", "eventType=x"] {
        let refused = deliver(&client, &url, Some((USER, PASSWORD)), malformed).await;
        assert_eq!(refused.status(), 400, "{malformed}");
        assert!(refused.text().await.unwrap().contains("not JSON"));
    }
    let form = client
        .post(&url)
        .basic_auth(USER, Some(PASSWORD))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 400);
}

#[tokio::test]
async fn the_wrong_method_is_refused_with_allow() {
    let (url, _server) = serve(receiver()).await;
    let client = client();
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let response = client
            .request(method.clone(), &url)
            .basic_auth(USER, Some(PASSWORD))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "POST");
    }
}

#[tokio::test]
async fn an_oversized_body_with_content_length_is_refused_unread() {
    let (url, _server) = serve(receiver()).await;
    let client = client();
    // Over the limit, yet small enough to arrive with the head, so that the connection is
    // closed cleanly (a server that stops reading a larger body closes with a reset).
    let big = format!(r#"{{"eventType":"x","pad":"{}"}}"#, "a".repeat(5 * 1024));
    let refused = deliver(&client, &url, Some((USER, PASSWORD)), big).await;
    assert_eq!(refused.status(), 413);
    assert!(refused.text().await.unwrap().contains("4096 bytes"));
    // Just under the limit is fine.
    let fits = format!(r#"{{"eventType":"x","pad":"{}"}}"#, "a".repeat(4000));
    let accepted = deliver(&client, &url, Some((USER, PASSWORD)), fits).await;
    assert_eq!(accepted.status(), 204);
}

/// A chunked body that sends `chunks` chunks of 1 KiB, then never ends.
struct Endless {
    chunks: usize,
}

impl http_body::Body for Endless {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.chunks == 0 {
            return Poll::Pending;
        }
        self.chunks -= 1;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b' '; 1024])))))
    }
}

#[tokio::test]
async fn an_oversized_chunked_body_is_refused_while_it_is_read() {
    let (url, _server) = serve(receiver()).await;
    let client = client();
    // 5 KiB, then nothing: the answer can only come from counting while reading, since
    // the body never ends and has no Content-Length.
    let request = deliver(
        &client,
        &url,
        Some((USER, PASSWORD)),
        reqwest::Body::wrap(Endless { chunks: 5 }),
    );
    let refused = tokio::time::timeout(Duration::from_secs(20), request)
        .await
        .expect("the receiver answered before the body ended");
    assert_eq!(refused.status(), 413);
    assert!(refused.text().await.unwrap().contains("4096 bytes"));
}

#[tokio::test]
async fn the_same_delivery_twice_is_a_duplicate() {
    let (url, _server) = serve(receiver()).await;
    let client = client();
    let body = payload("customer-updated", "cus_7", "2025-02-03T04:05:06Z");
    let first = deliver(&client, &url, Some((USER, PASSWORD)), body.clone()).await;
    assert_eq!(first.status(), 204);
    let again = deliver(&client, &url, Some((USER, PASSWORD)), body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.text().await.unwrap(), "duplicate\n");
    // The same resource updated again is a new event.
    let later = payload("customer-updated", "cus_7", "2025-02-03T04:05:07Z");
    let next = deliver(&client, &url, Some((USER, PASSWORD)), later).await;
    assert_eq!(next.status(), 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_deliveries_over_32_connections() {
    const CONNECTIONS: usize = 32;
    const DELIVERIES: usize = 1000;
    let (url, server) = serve(receiver()).await;
    let mut workers = Vec::new();
    for worker in 0..CONNECTIONS {
        let url = url.clone();
        workers.push(tokio::spawn(async move {
            // One client per worker, one kept-alive connection each.
            rebilly_runtime::install_crypto_provider();
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            let mut statuses = Vec::new();
            for n in (worker..DELIVERIES).step_by(CONNECTIONS) {
                let body = payload("transaction-processed", &format!("txn_{n}"), "2025-01-01");
                let response = deliver(&client, &url, Some((USER, PASSWORD)), body).await;
                statuses.push(response.status());
            }
            statuses
        }));
    }
    let mut answered = 0;
    for worker in workers {
        let statuses = worker.await.expect("a worker panicked");
        assert!(statuses.iter().all(|s| s.is_success()), "{statuses:?}");
        answered += statuses.len();
    }
    assert_eq!(answered, DELIVERIES);
    assert!(!server.is_finished(), "the server stopped");
}

/// Median time per `verify` call with each of `cases`, in nanoseconds, over `batches`
/// batches of `per_batch` calls. The cases take turns, batch by batch, so that a change in
/// the machine's load weighs on all of them alike.
fn median_verify_ns(
    receiver: &Receiver,
    cases: &[HeaderMap],
    batches: usize,
    per_batch: usize,
) -> Vec<f64> {
    let mut times = vec![Vec::with_capacity(batches); cases.len()];
    for _ in 0..batches {
        for (headers, times) in cases.iter().zip(&mut times) {
            let start = Instant::now();
            for _ in 0..per_batch {
                let verdict = receiver.verify(&Method::POST, std::hint::black_box(headers));
                std::hint::black_box(verdict.is_ok());
            }
            times.push(start.elapsed().as_nanos() as f64 / per_batch as f64);
        }
    }
    times
        .into_iter()
        .map(|mut times| {
            times.sort_by(f64::total_cmp);
            times[times.len() / 2]
        })
        .collect()
}

/// Prints (never asserts) how long refusing a wrong 32-byte password takes when it matches
/// none, half, or all but the last byte of the configured one: the figures should not grow
/// with the match. A debug build is slower than a release build, for every case alike.
#[test]
fn prints_the_time_of_refusing_wrong_passwords() {
    use base64::Engine as _;
    let password = "0123456789abcdefghijklmnopqrstuv";
    assert_eq!(password.len(), 32);
    let receiver = Receiver::builder().basic(USER, password).build().unwrap();
    let header = |candidate: &str| {
        let pair = format!("{USER}:{candidate}");
        let value = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        );
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_str(&value).unwrap());
        headers
    };
    let cases = [
        ("0% of it", "ZYXWVUTSRQPONMLKJIHGFEDCBA@?>=<;".to_string()),
        ("50% of it", format!("{}ZYXWVUTSRQPONMLK", &password[..16])),
        ("all but its last byte", format!("{}!", &password[..31])),
        ("all of it (accepted)", password.to_string()),
    ];
    assert!(cases.iter().all(|(_, candidate)| candidate.len() == 32));
    const ITERATIONS: usize = 200_000;
    const PER_BATCH: usize = 200;
    let headers: Vec<HeaderMap> = cases.iter().map(|(_, c)| header(c)).collect();
    let medians = median_verify_ns(&receiver, &headers, ITERATIONS / PER_BATCH, PER_BATCH);
    eprintln!(
        "verify() against a 32-byte password, {ITERATIONS} calls per case, median of batches of {PER_BATCH}:"
    );
    for ((label, _), ns) in cases.iter().zip(medians) {
        eprintln!("  a password matching {label:<24} {ns:>8.1} ns per call");
    }
}
