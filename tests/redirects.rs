//! Credentials never leave the API's origin: a redirect to another origin is not followed,
//! whatever the status and whichever credential the call carries. The two origins are two
//! local servers, one reached as `127.0.0.1`, the other as `localhost`.

mod common;

use common::*;
use rebilly_customer_auth::types::AuthenticationTokenPasswordMode;
use rebilly_customer_auth::{Client, Credentials, Error};
use serde_json::json;
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server (at `127.0.0.1`) that redirects every request to `target` with `status`.
async fn redirecting(status: u16, target: &str) -> MockServer {
    server_answering(ResponseTemplate::new(status).insert_header("Location", target)).await
}

/// The credential headers a server received, one entry per request.
async fn credentials_received(server: &MockServer) -> Vec<(Option<String>, Option<String>)> {
    let header =
        |r: &wiremock::Request, n: &str| r.headers.get(n).map(|v| v.to_str().unwrap().to_string());
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| (header(r, "REB-APIKEY"), header(r, "authorization")))
        .collect()
}

/// Reads the authentication options and checks that the call ends in `Error::Redirect`.
async fn assert_redirect_not_followed(client: &Client) {
    let error = client
        .customer_authentication()
        .get_auth_options()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Redirect { .. }), "{error:?}");
}

fn client_with(server: &MockServer, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(server.uri())
        .organization_id(ORG)
        .credentials(credentials)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn no_credential_follows_a_redirect_to_another_origin() {
    // The other origin: same machine, named `localhost` (another host to reqwest).
    let elsewhere = server_answering(json(200, json!({"token": "stolen"}))).await;
    let elsewhere_url = elsewhere.uri().replace("127.0.0.1", "localhost");
    assert_ne!(elsewhere_url, elsewhere.uri());
    // Login accepts all three credentials; reading the options, the secret key and the JWT.
    let credentials = [
        (Credentials::default().with_secret_api_key(KEY), true),
        (
            Credentials::default().with_publishable_key("pk_sandbox_1"),
            false,
        ),
        (Credentials::default().with_jwt("eyJ.jwt.sig"), true),
    ];
    for status in [301, 302, 303, 307, 308] {
        let api = redirecting(status, &format!("{elsewhere_url}/steal")).await;
        for (credential, may_read_options) in &credentials {
            let client = client_with(&api, credential.clone());
            let auth = client.customer_authentication();
            let mut errors = vec![auth
                .login(AuthenticationTokenPasswordMode::new("jane", "pw").into())
                .await
                .unwrap_err()];
            if *may_read_options {
                errors.push(auth.get_auth_options().await.unwrap_err());
            }
            for error in errors {
                match &error {
                    Error::Redirect {
                        status: s,
                        location,
                        ..
                    } => {
                        assert_eq!(s.as_u16(), status);
                        assert_eq!(
                            location.as_deref(),
                            Some(format!("{elsewhere_url}/steal").as_str())
                        );
                    }
                    other => panic!("{status}: expected Error::Redirect, got {other:?}"),
                }
                assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            }
        }
        // The API was asked once per call (never retried), the other origin never.
        assert_eq!(credentials_received(&api).await.len(), 5, "{status}");
    }
    assert_eq!(credentials_received(&elsewhere).await, vec![]);
}

#[tokio::test]
async fn another_port_on_the_same_host_is_another_origin() {
    let elsewhere = server_answering(json(200, json!({}))).await;
    let api = redirecting(307, &format!("{}/x", elsewhere.uri())).await;
    let client = client_with(&api, Credentials::default().with_secret_api_key(KEY));
    assert_redirect_not_followed(&client).await;
    assert_eq!(credentials_received(&elsewhere).await, vec![]);
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_credential() {
    let api = MockServer::start().await;
    let moved = format!("/organizations/{ORG}/authentication-options-v2");
    Mock::given(path(format!("/organizations/{ORG}/authentication-options")))
        .respond_with(ResponseTemplate::new(308).insert_header("Location", moved.as_str()))
        .mount(&api)
        .await;
    Mock::given(path(moved.as_str()))
        .respond_with(json(200, json!({"passwordPattern": null})))
        .mount(&api)
        .await;
    let client = client_with(&api, Credentials::default().with_secret_api_key(KEY));
    client
        .customer_authentication()
        .get_auth_options()
        .await
        .expect("same-origin redirect is followed");
    assert_eq!(
        credentials_received(&api).await,
        vec![(Some(KEY.to_string()), None), (Some(KEY.to_string()), None)]
    );
}

#[tokio::test]
async fn a_redirect_loop_within_the_origin_ends_in_an_error() {
    let api = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/again"))
        .mount(&api)
        .await;
    let client = client_with(&api, Credentials::default().with_secret_api_key(KEY));
    assert_redirect_not_followed(&client).await;
    // The first request and at most ten redirects.
    assert_eq!(credentials_received(&api).await.len(), 11);
}

#[tokio::test]
async fn a_users_http_settings_get_the_same_redirect_policy() {
    let elsewhere = server_answering(json(200, json!({}))).await;
    let elsewhere_url = elsewhere.uri().replace("127.0.0.1", "localhost");
    let api = redirecting(302, &format!("{elsewhere_url}/steal")).await;
    // The user asks for a permissive policy; the SDK's replaces it.
    let client = Client::builder()
        .base_url(api.uri())
        .organization_id(ORG)
        .secret_api_key(KEY)
        .http_client(reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10)))
        .build()
        .unwrap();
    assert_redirect_not_followed(&client).await;
    assert_eq!(credentials_received(&elsewhere).await, vec![]);
}
