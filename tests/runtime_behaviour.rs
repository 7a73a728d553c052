//! Client behaviour against a real local HTTP server: credentials per security requirement,
//! problem details, retries, broken responses, pagination, the login → exchange → JWT flow,
//! and secrets kept out of `Debug` output.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use futures::StreamExt;
use rebilly_customer_auth::types::{
    AuthenticationTokenPasswordMode, CustomerCredential, CustomerJwt,
};
use rebilly_customer_auth::{Client, Credentials, Error, RetryPolicy};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn builder(server: &MockServer) -> rebilly_runtime::ClientBuilder<Client> {
    Client::builder()
        .base_url(server.uri())
        .organization_id(ORG)
        .retry_policy(fast_retries())
}

fn token() -> serde_json::Value {
    json!({"username": "jane", "token": "tok_1"})
}

#[tokio::test]
async fn each_operation_sends_one_credential_its_security_accepts() {
    let server = server_answering(json(201, token())).await;
    // Login accepts the publishable key; it goes raw in Authorization.
    let publishable = builder(&server)
        .publishable_key("pk_sandbox_1")
        .build()
        .unwrap();
    publishable
        .customer_authentication()
        .login(AuthenticationTokenPasswordMode::new("jane", "pw").into())
        .await
        .unwrap();
    // A JWT goes as a bearer token.
    let jwt = builder(&server).jwt("eyJ.jwt.sig").build().unwrap();
    jwt.customer_authentication().verify("tok_1").await.unwrap();
    // With every credential configured, the first accepted one (the secret key) is sent, alone.
    let all = builder(&server)
        .secret_api_key(KEY)
        .jwt("eyJ.jwt.sig")
        .publishable_key("pk")
        .build()
        .unwrap();
    all.customer_authentication().logout("tok_1").await.unwrap();

    let sent: Vec<(Option<String>, Option<String>)> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let h = |n: &str| r.headers.get(n).map(|v| v.to_str().unwrap().to_string());
            (h("REB-APIKEY"), h("authorization"))
        })
        .collect();
    assert_eq!(
        sent,
        vec![
            (None, Some("pk_sandbox_1".into())),
            (None, Some("Bearer eyJ.jwt.sig".into())),
            (Some(KEY.into()), None)
        ]
    );
}

#[tokio::test]
async fn no_acceptable_credential_fails_before_sending() {
    let server = server_answering(json(200, json!({}))).await;
    let client = builder(&server)
        .publishable_key("pk_sandbox_1")
        .build()
        .unwrap();
    let err = client
        .customer_authentication()
        .get_credential("cred_1")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingCredentials {
                operation: "GetCredential",
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("SecretApiKey") && text.contains("JWT"),
        "{text}"
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing may be sent"
    );
}

#[tokio::test]
async fn per_call_credentials_override_the_clients() {
    let server = server_answering(json(200, json!({"username": "jane", "customerId": "c"}))).await;
    let client = client(&server);
    client
        .customer_authentication()
        .get_credential("c1")
        .credentials(Credentials::jwt("per-call"))
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_eq!(req.headers.get("authorization").unwrap(), "Bearer per-call");
    assert!(req.headers.get("REB-APIKEY").is_none());
}

#[tokio::test]
async fn every_problem_status_decodes_into_the_error_type() {
    for status in [401u16, 403, 404, 409, 422, 429] {
        let mut body = json!({"type": "https://api.rebilly.com/errors/x", "title": "Problem title", "status": status,
                              "detail": "what happened", "instance": "/x/1", "traceId": "abc"});
        if status == 422 {
            body["invalidFields"] = json!([{"field": "username", "message": "taken"}, {"field": "address.country", "message": "bad"}]);
        }
        let server = server_answering(
            ResponseTemplate::new(status)
                .set_body_raw(body.to_string(), "application/problem+json")
                .insert_header("Retry-After", "3"),
        )
        .await;
        let no_retry = builder(&server)
            .secret_api_key(KEY)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        let err = no_retry
            .customer_authentication()
            .delete_reset_password_token("rst_1")
            .await
            .unwrap_err();
        let Error::Api(api) = &err else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(api.status.as_u16(), status);
        let p = &api.problem;
        assert_eq!(
            (
                p.kind.as_deref(),
                p.title.as_deref(),
                p.detail.as_deref(),
                p.instance.as_deref(),
                p.status
            ),
            (
                Some("https://api.rebilly.com/errors/x"),
                Some("Problem title"),
                Some("what happened"),
                Some("/x/1"),
                Some(status)
            )
        );
        assert_eq!(
            p.extra.get("traceId"),
            Some(&json!("abc")),
            "extra members are kept"
        );
        assert_eq!(err.headers().unwrap().get("retry-after").unwrap(), "3");
        let checks = [
            (401, err.is_unauthorized()),
            (403, err.is_forbidden()),
            (404, err.is_not_found()),
            (409, err.is_conflict()),
            (422, err.is_validation()),
            (429, err.is_rate_limited()),
        ];
        for (code, flag) in checks {
            assert_eq!(flag, code == status, "helper for {code} on a {status}");
        }
        if status == 422 {
            let fields: Vec<_> = err
                .invalid_fields()
                .iter()
                .map(|f| (f.field.as_str(), f.message.as_str()))
                .collect();
            assert_eq!(
                fields,
                vec![("username", "taken"), ("address.country", "bad")]
            );
            assert!(err.to_string().contains("username: taken"), "{err}");
        }
        if status == 429 {
            assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
        }
    }
}

#[tokio::test]
async fn rate_limited_then_ok_is_retried_after_the_servers_delay() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"title": "Too many"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(201, token()))
        .mount(&server)
        .await;
    let started = Instant::now();
    let token = client(&server)
        .customer_authentication()
        .login(AuthenticationTokenPasswordMode::new("jane", "pw").into())
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(token.token.as_deref(), Some("tok_1"));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert!(
        waited >= Duration::from_secs(1),
        "honoured Retry-After: waited {waited:?}"
    );
}

#[tokio::test]
async fn x_ratelimit_retry_after_timestamp_is_honoured() {
    let server = MockServer::start().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Retry-After", (now + 1).to_string().as_str()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let started = Instant::now();
    client(&server)
        .customer_authentication()
        .get_auth_options()
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn post_is_not_retried_on_503_but_get_is() {
    let server =
        server_answering(ResponseTemplate::new(503).set_body_string("<html>maintenance</html>"))
            .await;
    let err = client(&server)
        .customer_authentication()
        .create_reset_password_token(rebilly_customer_auth::types::ResetPasswordToken::new(
            "jane",
        ))
        .await
        .unwrap_err();
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "POST sent once"
    );
    match &err {
        Error::UnexpectedResponse { status, body, .. } => {
            assert_eq!(
                (status.as_u16(), body.as_str()),
                (503, "<html>maintenance</html>")
            )
        }
        other => panic!("{other:?}"),
    }

    let server = server_answering(ResponseTemplate::new(503)).await;
    client(&server)
        .customer_authentication()
        .get_auth_options()
        .await
        .unwrap_err();
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "GET tried max_attempts times"
    );

    let server = server_answering(ResponseTemplate::new(503)).await;
    let opted = builder(&server)
        .secret_api_key(KEY)
        .retry_policy(RetryPolicy {
            retry_non_idempotent: true,
            ..fast_retries()
        })
        .build()
        .unwrap();
    opted
        .customer_authentication()
        .create_reset_password_token(rebilly_customer_auth::types::ResetPasswordToken::new("j"))
        .await
        .unwrap_err();
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "POST retried when opted in"
    );
}

/// A server that sends headers promising 100 bytes, sends 10, and closes the connection;
/// it counts the connections it accepts.
async fn truncating_server() -> (String, Arc<AtomicUsize>) {
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..5 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"username\"")
                .await;
            let _ = socket.shutdown().await;
        }
    });
    (format!("http://{addr}"), accepted)
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_transport_error() {
    for (policy, connections) in [(RetryPolicy::none(), 1), (fast_retries(), 3)] {
        let (url, accepted) = truncating_server().await;
        let client = Client::builder()
            .base_url(url)
            .organization_id(ORG)
            .secret_api_key(KEY)
            .retry_policy(policy)
            .build()
            .unwrap();
        let err = client
            .customer_authentication()
            .get_credential("c")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        assert!(!err.is_timeout());
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            connections,
            "a GET is retried after a broken connection"
        );
    }
}

#[tokio::test]
async fn a_success_body_that_is_not_json_is_a_decode_error_with_the_body() {
    // Said to be JSON, and is not: a decode error.
    let server = server_answering(
        ResponseTemplate::new(200).set_body_raw("  {\"id\": oops\n", "application/json"),
    )
    .await;
    let err = client(&server)
        .customer_authentication()
        .get_credential("c")
        .await
        .unwrap_err();
    match &err {
        Error::Decode { status, body, .. } => {
            assert_eq!((status.as_u16(), body.as_str()), (200, "{\"id\": oops"))
        }
        other => panic!("{other:?}"),
    }
    // Said to be something else (a proxy's HTML page): the media type is named.
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_raw("  <html>oops</html>\n", "text/html; charset=utf-8"),
    )
    .await;
    let err = client(&server)
        .customer_authentication()
        .get_credential("c")
        .await
        .unwrap_err();
    match &err {
        Error::UnexpectedContentType {
            status,
            content_type,
            body,
            ..
        } => assert_eq!(
            (status.as_u16(), content_type.as_deref(), body.as_str()),
            (200, Some("text/html"), "<html>oops</html>")
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn timeouts_are_told_apart() {
    let server = server_answering(json(200, json!({})).set_delay(Duration::from_secs(3))).await;
    let client = builder(&server)
        .secret_api_key(KEY)
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client
        .customer_authentication()
        .get_auth_options()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn stream_walks_three_pages_with_limit_and_offset() {
    let server = MockServer::start().await;
    let item = |n: u32| json!({"username": format!("user{n}"), "customerId": "cus_1"});
    for (offset, items) in [
        ("0", vec![item(0), item(1)]),
        ("2", vec![item(2), item(3)]),
        ("4", vec![item(4)]),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("/organizations/{ORG}/credentials")))
            .and(query_param("limit", "2"))
            .and(query_param("offset", offset))
            .and(header("REB-APIKEY", KEY))
            .respond_with(
                json(200, json!(items))
                    .insert_header("Pagination-Total", "5")
                    .insert_header("Pagination-Limit", "2")
                    .insert_header("Pagination-Offset", offset),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let names: Vec<String> = client
        .customer_authentication()
        .get_all_credentials()
        .limit(2)
        .stream()
        .map(|c: Result<CustomerCredential, Error>| c.unwrap().username)
        .collect()
        .await;
    assert_eq!(names, ["user0", "user1", "user2", "user3", "user4"]);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "stops at the total"
    );
}

#[tokio::test]
async fn login_exchange_then_call_with_the_customer_jwt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/organizations/{ORG}/authentication-tokens")))
        .respond_with(json(201, token()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/organizations/{ORG}/authentication-tokens/tok_1/exchange"
        )))
        .respond_with(json(
            201,
            json!({"token": "eyJcustomer.jwt.sig", "type": "customer"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/organizations/{ORG}/credentials/cred_1")))
        .and(header("authorization", "Bearer eyJcustomer.jwt.sig"))
        .respond_with(json(
            200,
            json!({"username": "jane", "customerId": "cus_1"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .publishable_key("pk_sandbox_1")
        .build()
        .unwrap();
    let auth = client.customer_authentication();
    let token = auth
        .login(AuthenticationTokenPasswordMode::new("jane", "pw").into())
        .await
        .unwrap();
    let jwt = auth
        .exchange_token(token.token.unwrap(), CustomerJwt::new())
        .await
        .unwrap();
    let customer = client.with_credentials(Credentials::jwt(jwt.token.unwrap()));
    let credential = customer
        .customer_authentication()
        .get_credential("cred_1")
        .await
        .unwrap();
    assert_eq!(credential.username, "jane");
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let server = server_answering(json(200, json!({}))).await;
    let builder = builder(&server)
        .secret_api_key("sk_SECRET_1")
        .jwt("eyJSECRET_2")
        .publishable_key("pk_SECRET_3");
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let mut credential = CustomerCredential::new("jane", "PASSWORD_4", "cus_1".to_string());
    credential.expired_time = Some(None);
    let request = client
        .customer_authentication()
        .create_credential(credential)
        .credentials(Credentials::jwt("eyJSECRET_5"));
    let only_publishable = Client::builder()
        .base_url(server.uri())
        .publishable_key("pk_SECRET_6")
        .build()
        .unwrap();
    let error = only_publishable
        .customer_authentication()
        .get_auth_options()
        .await
        .unwrap_err();
    let everything = format!(
        "{builder_debug} {client:?} {:?} {request:?} {error:?} {error}",
        client.core()
    );
    for secret in [
        "sk_SECRET_1",
        "eyJSECRET_2",
        "pk_SECRET_3",
        "PASSWORD_4",
        "eyJSECRET_5",
        "pk_SECRET_6",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked in: {everything}"
        );
    }
    assert!(everything.contains("[redacted]"));
}

#[tokio::test]
async fn configuration_errors_are_reported_at_build() {
    let err = Client::builder()
        .sandbox()
        .secret_api_key(KEY)
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("organization id is required"),
        "{err}"
    );
    let err = Client::builder().base_url("ftp://x").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let live = Client::builder()
        .live()
        .organization_id("org 1")
        .build()
        .unwrap();
    assert_eq!(
        live.core().config().base_url(),
        "https://api.rebilly.com/organizations/org%201"
    );
}
