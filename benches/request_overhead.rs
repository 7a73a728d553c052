//! Request overhead of the SDK against the same request written by hand with reqwest + serde,
//! both against one minimal local HTTP server that answers canned bytes (so the server costs
//! the same for both and as little as possible).
//!
//! `cargo bench --bench request_overhead`; the SDK should stay within 5% of hand-written.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rebilly_customer_auth::types::{AuthenticationTokenPasswordMode, CustomerCredential};
use rebilly_customer_auth::{Client, RetryPolicy};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LOGIN_BODY: &str = r#"{"username":"jane","customerId":"cus_1","token":"tok_1","otpRequired":false,"credentialId":"cred_1","expiredTime":"2030-01-02T03:04:05Z","_links":[{"href":"https://x/authentication-tokens/tok_1","rel":"self"}]}"#;

fn credentials_body() -> String {
    let item = r#"{"id":"cred_01HXYZ","username":"jane@example.com","customerId":"cus_01HXYZ","expiredTime":null,"_links":[{"href":"https://x/credentials/cred_01HXYZ","rel":"self"},{"href":"https://x/customers/cus_01HXYZ","rel":"customer"}]}"#;
    format!("[{}]", vec![item; 100].join(","))
}

/// A keep-alive HTTP/1.1 server: `POST` gets the login answer, anything else the page of 100.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let page = credentials_body();
    let responses = std::sync::Arc::new([
        format!("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{LOGIN_BODY}", LOGIN_BODY.len()),
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\npagination-total: 100\r\npagination-limit: 100\r\npagination-offset: 0\r\ncontent-length: {}\r\n\r\n{page}",
            page.len()
        ),
    ]);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let responses = responses.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    // Requests here are small: one read holds the head and the body.
                    let n = match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let answer = if buf[..n].starts_with(b"POST") {
                        &responses[0]
                    } else {
                        &responses[1]
                    };
                    if socket.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// The hand-written equivalents of the SDK's types.
#[derive(Serialize)]
struct LoginRequest<'a> {
    mode: &'a str,
    username: &'a str,
    password: &'a str,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Token {
    username: String,
    #[serde(rename = "customerId")]
    customer_id: Option<String>,
    token: Option<String>,
    #[serde(rename = "otpRequired")]
    otp_required: Option<bool>,
    #[serde(rename = "credentialId")]
    credential_id: Option<String>,
    #[serde(rename = "expiredTime")]
    expired_time: Option<String>,
    #[serde(rename = "_links")]
    links: Option<Vec<Link>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Link {
    href: Option<String>,
    rel: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Credential {
    id: Option<String>,
    username: String,
    #[serde(rename = "customerId")]
    customer_id: String,
    #[serde(rename = "expiredTime")]
    expired_time: Option<String>,
    #[serde(rename = "_links")]
    links: Option<Vec<Link>>,
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let base = rt.block_on(serve());
    let sdk = Client::builder()
        .base_url(&base)
        .organization_id("org-1")
        .secret_api_key("sk_bench")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    rebilly_runtime::install_crypto_provider();
    let http = reqwest::Client::new();
    let org = format!("{base}/organizations/org-1");

    let mut login = c.benchmark_group("login");
    login.bench_function("sdk", |b| {
        b.to_async(&rt).iter(|| async {
            let body = AuthenticationTokenPasswordMode::new("jane", "pa55word").into();
            black_box(sdk.customer_authentication().login(body).await.unwrap())
        })
    });
    login.bench_function("hand-written reqwest", |b| {
        b.to_async(&rt).iter(|| async {
            let response = http
                .post(format!("{org}/authentication-tokens"))
                .header("REB-APIKEY", "sk_bench")
                .header("accept", "application/json")
                .json(&LoginRequest {
                    mode: "password",
                    username: "jane",
                    password: "pa55word",
                })
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            black_box(response.json::<Token>().await.unwrap())
        })
    });
    login.finish();

    let mut page = c.benchmark_group("page of 100 credentials");
    page.bench_function("sdk", |b| {
        b.to_async(&rt).iter(|| async {
            let page = sdk
                .customer_authentication()
                .get_all_credentials()
                .limit(100)
                .offset(0)
                .await
                .unwrap();
            let items: Vec<CustomerCredential> = page.items;
            black_box(items)
        })
    });
    page.bench_function("hand-written reqwest", |b| {
        b.to_async(&rt).iter(|| async {
            let response = http
                .get(format!("{org}/credentials"))
                .query(&[("limit", "100"), ("offset", "0")])
                .header("REB-APIKEY", "sk_bench")
                .header("accept", "application/json")
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            let total: Option<u64> = response
                .headers()
                .get("pagination-total")
                .and_then(|v| v.to_str().ok()?.parse().ok());
            black_box((total, response.json::<Vec<Credential>>().await.unwrap()))
        })
    });
    page.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
