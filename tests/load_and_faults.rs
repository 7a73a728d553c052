//! 2,000 calls over 64 concurrent tasks against a server that injects faults at random
//! (fixed seed): 429 with `X-RateLimit-Retry-After`, 503, connections reset before and after
//! the request is read, slow responses, truncated and non-JSON bodies. GETs, PUTs and POSTs
//! of the Customer authentication API, mixed.
//!
//! It passes when every call ends in a value or a typed error, the server processed no POST
//! twice (POST is not retried unless opted into; a 429, or a connection reset before the
//! request was read, is not processing), the server's counts reconcile with the client's
//! results, and memory stays bounded. It prints calls per second, retries, the amplification
//! (requests the server read ÷ calls) and peak memory, and stops by itself within its time
//! budget.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{KEY, ORG};
use futures::StreamExt;
use rebilly_customer_auth::types::{AuthenticationTokenPasswordMode, CustomerCredential};
use rebilly_customer_auth::{Attempt, Client, Error, Hook, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CALLS: usize = 2_000;
const TASKS: usize = 64;
const SEED: u64 = 0x5eed_2026;
/// The whole run, server included, must end within this.
const BUDGET: Duration = Duration::from_secs(120);

/// What the server did with one request it read (or, for a reset before reading, with
/// one connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Ok,
    RateLimited,
    Unavailable,
    ResetBeforeRead,
    ResetAfterRead,
    Slow,
    Truncated,
    NotJson,
}

impl Fault {
    fn pick(rng: &mut fastrand::Rng) -> Fault {
        match rng.u32(0..100) {
            0..=5 => Fault::RateLimited,
            6..=11 => Fault::Unavailable,
            12..=14 => Fault::ResetBeforeRead,
            15..=17 => Fault::ResetAfterRead,
            18..=23 => Fault::Slow,
            24..=26 => Fault::Truncated,
            27..=29 => Fault::NotJson,
            _ => Fault::Ok,
        }
    }

    /// Whether the server did the request's work (a POST's effect happened).
    fn processed(self) -> bool {
        !matches!(
            self,
            Fault::RateLimited | Fault::Unavailable | Fault::ResetBeforeRead
        )
    }
}

/// Per call id: every fault the server applied to its requests, in order.
#[derive(Default)]
struct Ledger {
    calls: Mutex<HashMap<String, Vec<Fault>>>,
    resets_before_read: AtomicU64,
}

async fn serve(ledger: Arc<Ledger>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let rng = Arc::new(Mutex::new(fastrand::Rng::with_seed(SEED)));
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(connection(socket, ledger.clone(), rng.clone()));
        }
    });
    format!("http://{address}")
}

/// One keep-alive connection: requests until a fault closes it.
async fn connection(mut socket: TcpStream, ledger: Arc<Ledger>, rng: Arc<Mutex<fastrand::Rng>>) {
    let mut buffer = Vec::new();
    loop {
        let fault = Fault::pick(&mut rng.lock().unwrap());
        if fault == Fault::ResetBeforeRead {
            ledger.resets_before_read.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let Some((method, path, body)) = read_request(&mut socket, &mut buffer).await else {
            return;
        };
        let id = call_id(&method, &path, &body);
        ledger
            .calls
            .lock()
            .unwrap()
            .entry(id.clone())
            .or_default()
            .push(fault);
        let json = match method.as_str() {
            "POST" => format!(r#"{{"username":"{id}","token":"tok_{id}"}}"#),
            _ => format!(r#"{{"id":"{id}","username":"u","customerId":"cus_1"}}"#),
        };
        let status = if method == "POST" {
            "201 Created"
        } else {
            "200 OK"
        };
        let response = match fault {
            Fault::ResetAfterRead => return,
            Fault::RateLimited => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap()
                    .as_secs();
                format!("HTTP/1.1 429 Too Many Requests\r\nx-ratelimit-retry-after: {now}\r\ncontent-length: 0\r\n\r\n")
            }
            Fault::Unavailable => {
                "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n".to_string()
            }
            Fault::NotJson => {
                let html = "<html>upstream error</html>";
                format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{html}", html.len())
            }
            Fault::Truncated => {
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    json.len()
                );
                let _ = socket
                    .write_all(format!("{head}{}", &json[..json.len() / 2]).as_bytes())
                    .await;
                return;
            }
            Fault::Slow | Fault::Ok => {
                if fault == Fault::Slow {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
                format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{json}", json.len())
            }
            Fault::ResetBeforeRead => unreachable!("handled above"),
        };
        if socket.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Reads one request (head and `content-length` body); `None` when the connection ends.
async fn read_request(
    socket: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> Option<(String, String, Vec<u8>)> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut words = head.split_whitespace();
    let (method, path) = (words.next()?.to_string(), words.next()?.to_string());
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[head_end..head_end + length].to_vec();
    buffer.drain(..head_end + length);
    Some((method, path, body))
}

/// The call a request belongs to: the credential id in the path, or the username of a login.
fn call_id(method: &str, path: &str, body: &[u8]) -> String {
    if method == "POST" {
        let body: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        return body["username"].as_str().unwrap_or_default().to_string();
    }
    path.rsplit('/').next().unwrap_or_default().to_string()
}

/// Counts the client's attempts.
#[derive(Default)]
struct Attempts(AtomicU64);

impl Hook for Attempts {
    fn before_attempt(&self, _: &Attempt<'_>, _: &mut rebilly_customer_auth::reqwest::Request) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Peak resident memory of this process, in MB (Linux).
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Get,
    Put,
    Post,
}

/// Makes the test's calls, `TASKS` at a time: (id, kind, outcome) of each.
async fn fire(client: &Client) -> Vec<(String, Kind, Result<(), Error>)> {
    futures::stream::iter(0..CALLS)
        .map(|i| {
            let client = client.clone();
            async move {
                let id = format!("call{i}");
                let auth = client.customer_authentication();
                let kind = [Kind::Get, Kind::Put, Kind::Post][i % 3];
                let outcome = match kind {
                    Kind::Get => auth.get_credential(id.clone()).await.map(drop),
                    Kind::Put => {
                        let body = CustomerCredential::new("u", "pw", "cus_1".to_string());
                        auth.update_credential(id.clone(), body).await.map(drop)
                    }
                    Kind::Post => {
                        let body = AuthenticationTokenPasswordMode::new(id.clone(), "pw");
                        auth.login(body.into()).await.map(drop)
                    }
                };
                (id, kind, outcome)
            }
        })
        .buffer_unordered(TASKS)
        .collect()
        .await
}

/// What a call's outcome was, checked against the server's record of its attempts
/// (`faults`, in order).
fn classify(id: &str, outcome: &Result<(), Error>, faults: &[Fault]) -> &'static str {
    let last = faults.last().copied();
    match outcome {
        Ok(()) => {
            assert!(
                matches!(last, Some(Fault::Ok | Fault::Slow)),
                "{id}: a success, but the server's last answer was {last:?}"
            );
            "ok"
        }
        Err(Error::UnexpectedResponse { status, .. }) => {
            let expected = match status.as_u16() {
                429 => Fault::RateLimited,
                503 => Fault::Unavailable,
                other => panic!("{id}: unexpected status {other}"),
            };
            assert_eq!(last, Some(expected), "{id}: status {status}");
            "error status"
        }
        Err(Error::Decode { body, .. }) => {
            assert_eq!(last, Some(Fault::NotJson), "{id}");
            assert!(body.contains("upstream error"), "the body is kept: {body}");
            "decode error"
        }
        Err(Error::Transport(_) | Error::Timeout(_)) => {
            // The connection broke: before the request was read (the server has no
            // record of the attempt), after it, or in the middle of the body.
            assert!(
                last.is_none()
                    || matches!(last, Some(Fault::ResetAfterRead | Fault::Truncated))
                    || faults.iter().any(|f| !matches!(f, Fault::Ok | Fault::Slow)),
                "{id}: transport error after {faults:?}"
            );
            "transport error"
        }
        Err(other) => panic!("{id}: an error of an unexpected kind: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_calls_through_faults_end_typed_and_reconcile() {
    tokio::time::timeout(BUDGET, run())
        .await
        .expect("the load-and-fault run ends within its time budget");
}

async fn run() {
    let ledger = Arc::new(Ledger::default());
    let base = serve(ledger.clone()).await;
    let attempts = Arc::new(Attempts::default());
    let client = Client::builder()
        .base_url(&base)
        .organization_id(ORG)
        .secret_api_key(KEY)
        .timeout(Duration::from_secs(2))
        .retry_policy(RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(40),
            ..RetryPolicy::default()
        })
        .hook(attempts.clone())
        .build()
        .unwrap();

    let started = Instant::now();
    let results = fire(&client).await;
    let elapsed = started.elapsed();

    assert_eq!(results.len(), CALLS, "every call ended");
    let ledger_calls = ledger.calls.lock().unwrap();
    let mut outcomes: HashMap<&'static str, usize> = HashMap::new();
    let mut read = 0;
    for (id, kind, outcome) in &results {
        let faults = ledger_calls.get(id).cloned().unwrap_or_default();
        read += faults.len();
        let label = classify(id, outcome, &faults);
        *outcomes.entry(label).or_default() += 1;
        if *kind == Kind::Post {
            let processed = faults.iter().filter(|f| f.processed()).count();
            assert!(
                processed <= 1,
                "{id}: the server processed a POST {processed} times: {faults:?}"
            );
        }
    }
    let resets_before_read = ledger.resets_before_read.load(Ordering::Relaxed);
    let sent = attempts.0.load(Ordering::Relaxed);
    // Every attempt the client made reached the server as a read request, or as a connection
    // the server reset before reading (hyper may also resend on a fresh connection a request
    // that a reused one never took, which the client's hooks do not see).
    assert!(
        read as u64 <= sent + resets_before_read,
        "the server read {read} requests, the client sent {sent}"
    );
    assert!(read >= CALLS - resets_before_read as usize);
    let peak = peak_memory_mb().unwrap_or(0.0);
    assert!(peak < 1024.0, "peak memory {peak:.0} MB");

    let retries = sent.saturating_sub(CALLS as u64);
    println!(
        "LOAD: {CALLS} calls over {TASKS} tasks in {:.1} s: {:.0} calls/s; attempts {sent}, retries {retries}; server read {read} requests and reset {resets_before_read} connections before reading; amplification {:.3} (read ÷ calls); peak memory {peak:.0} MB; outcomes {outcomes:?}; retry budget left {:?}",
        elapsed.as_secs_f64(),
        CALLS as f64 / elapsed.as_secs_f64(),
        read as f64 / CALLS as f64,
        client.core().retry_budget_left(),
    );
}
