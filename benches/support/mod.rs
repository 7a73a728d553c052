//! What both request-overhead benchmarks share: a canned local HTTP server, and each request
//! made by the SDK and by hand with reqwest + serde (decoding into types that do the same work
//! as the SDK's: dates are parsed, optional members are `Option`s).

#![allow(dead_code)]

use rebilly_customer_auth::types::{AuthenticationTokenPasswordMode, CustomerCredential};
use rebilly_customer_auth::Client;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const LOGIN_BODY: &str = r#"{"username":"jane","customerId":"cus_1","token":"tok_1","otpRequired":false,"credentialId":"cred_1","expiredTime":"2030-01-02T03:04:05Z","_links":[{"href":"https://x/authentication-tokens/tok_1","rel":"self"}]}"#;

pub fn credentials_body() -> String {
    let item = r#"{"id":"cred_01HXYZ","username":"jane@example.com","customerId":"cus_01HXYZ","expiredTime":null,"_links":[{"href":"https://x/credentials/cred_01HXYZ","rel":"self"},{"href":"https://x/customers/cus_01HXYZ","rel":"customer"}]}"#;
    format!("[{}]", vec![item; 100].join(","))
}

/// A keep-alive HTTP/1.1 server: `POST` gets the login answer, anything else the page of 100.
pub async fn serve() -> String {
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
pub struct LoginRequest<'a> {
    mode: &'a str,
    username: &'a str,
    password: &'a str,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Token {
    username: String,
    #[serde(rename = "customerId")]
    customer_id: Option<String>,
    token: Option<String>,
    #[serde(rename = "otpRequired")]
    otp_required: Option<bool>,
    #[serde(rename = "credentialId")]
    credential_id: Option<String>,
    #[serde(rename = "expiredTime")]
    expired_time:
        Option<rebilly_customer_auth::chrono::DateTime<rebilly_customer_auth::chrono::Utc>>,
    #[serde(rename = "_links")]
    links: Option<Vec<Link>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Link {
    href: Option<String>,
    rel: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Credential {
    id: Option<String>,
    username: String,
    #[serde(rename = "customerId")]
    customer_id: String,
    #[serde(rename = "expiredTime")]
    expired_time:
        Option<rebilly_customer_auth::chrono::DateTime<rebilly_customer_auth::chrono::Utc>>,
    #[serde(rename = "_links")]
    links: Option<Vec<Link>>,
}

/// The SDK's login.
pub async fn sdk_login(sdk: &Client) {
    let body = AuthenticationTokenPasswordMode::new("jane", "pa55word").into();
    std::hint::black_box(sdk.customer_authentication().login(body).await.unwrap());
}

/// The same login by hand.
pub async fn hand_login(http: &reqwest::Client, org: &str) {
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
    std::hint::black_box(response.json::<Token>().await.unwrap());
}

/// The SDK's page of 100 credentials.
pub async fn sdk_page(sdk: &Client) {
    let page = sdk
        .customer_authentication()
        .get_all_credentials()
        .limit(100)
        .offset(0)
        .await
        .unwrap();
    let items: Vec<CustomerCredential> = page.items;
    std::hint::black_box(items);
}

/// The same page by hand, with the pagination header.
pub async fn hand_page(http: &reqwest::Client, org: &str) {
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
    std::hint::black_box((total, response.json::<Vec<Credential>>().await.unwrap()));
}

/// The SDK client and the hand-written one, for a server at `base`.
pub fn clients(base: &str) -> (Client, reqwest::Client, String) {
    let sdk = Client::builder()
        .base_url(base)
        .organization_id("org-1")
        .secret_api_key("sk_bench")
        .retry_policy(rebilly_customer_auth::RetryPolicy::none())
        .build()
        .unwrap();
    rebilly_runtime::install_crypto_provider();
    // The SDK's default timeout (30 s per attempt), set the usual hand-written way: both then
    // do the same work per call.
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    (sdk, http, format!("{base}/organizations/org-1"))
}
