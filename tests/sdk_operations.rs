//! Every operation of the SDK against a real local HTTP server: the exact request it sends
//! (method, path, query, headers, body) and the decoding of its success response.

mod common;

use common::*;
use rebilly_customer_auth::chrono::{TimeZone, Utc};
use rebilly_customer_auth::types::*;
use serde_json::json;
use wiremock::ResponseTemplate;

fn credential_json() -> serde_json::Value {
    json!({
        "id": "cred_1",
        "username": "jane",
        "customerId": "cus_1",
        "expiredTime": null,
        "_links": [{"href": "https://x/credentials/cred_1", "rel": "self"}, {"href": "https://x/customers/cus_1", "rel": "brand-new-rel"}],
        "someFieldAddedLater": {"nested": true}
    })
}

fn token_json() -> serde_json::Value {
    json!({
        "username": "jane",
        "customerId": "cus_1",
        "token": "tok_1",
        "otpRequired": false,
        "credentialId": "cred_1",
        "expiredTime": "2030-01-02T03:04:05Z",
        "_links": [{"href": "https://x/authentication-tokens/tok_1", "rel": "self"}]
    })
}

fn reset_json() -> serde_json::Value {
    json!({"token": "rst_1", "username": "jane", "credentialId": "cred_1", "expiredTime": null})
}

fn paged(body: serde_json::Value, total: u64, limit: u64, offset: u64) -> ResponseTemplate {
    json(200, body)
        .insert_header("Pagination-Total", total.to_string().as_str())
        .insert_header("Pagination-Limit", limit.to_string().as_str())
        .insert_header("Pagination-Offset", offset.to_string().as_str())
}

#[tokio::test]
async fn get_auth_options() {
    let server = server_answering(json(
        200,
        json!({"passwordPattern": null, "credentialTtl": 10, "authTokenTtl": 20, "resetTokenTtl": 30, "otpRequired": true,
               "_links": [{"href": "https://x", "rel": "self"}]}),
    ))
    .await;
    let options = client(&server)
        .customer_authentication()
        .get_auth_options()
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "GET", "/authentication-options", None);
    assert_no_body(&req);
    assert_eq!(
        options.password_pattern,
        Some(None),
        "explicit null is kept apart from absent"
    );
    assert_eq!(
        (
            options.credential_ttl,
            options.auth_token_ttl,
            options.reset_token_ttl
        ),
        (Some(10), Some(20), Some(30))
    );
    assert_eq!(options.otp_required, Some(true));
    assert_eq!(options.links.unwrap()[0].rel, Some(SelfLinkItemRel::Self_));
}

#[tokio::test]
async fn update_auth_options_sends_explicit_null() {
    let server = server_answering(json(
        200,
        json!({"passwordPattern": null, "authTokenTtl": 3600}),
    ))
    .await;
    let mut options = AuthenticationOptions::new();
    options.password_pattern = Some(None);
    options.auth_token_ttl = Some(3600);
    let stored = client(&server)
        .customer_authentication()
        .update_auth_options(options)
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "PUT", "/authentication-options", None);
    assert_json_body(&req, json!({"passwordPattern": null, "authTokenTtl": 3600}));
    assert_eq!(stored.auth_token_ttl, Some(3600));

    // Omitted (None) and set values.
    let server = server_answering(json(200, json!({}))).await;
    let mut options = AuthenticationOptions::new();
    options.password_pattern = Some(Some("^.{12,}$".into()));
    client(&server)
        .customer_authentication()
        .update_auth_options(options)
        .await
        .unwrap();
    assert_json_body(
        &only_request(&server).await,
        json!({"passwordPattern": "^.{12,}$"}),
    );
}

#[tokio::test]
async fn get_all_auth_tokens_returns_a_page() {
    let server = server_answering(paged(json!([token_json(), token_json()]), 7, 2, 4)).await;
    let page = client(&server)
        .customer_authentication()
        .get_all_auth_tokens()
        .limit(2)
        .offset(4)
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(
        &req,
        "GET",
        "/authentication-tokens",
        Some("limit=2&offset=4"),
    );
    assert_eq!(
        (page.total, page.limit, page.offset),
        (Some(7), Some(2), Some(4))
    );
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].token.as_deref(), Some("tok_1"));
    assert_eq!(page.next_offset(), Some(6));
}

#[tokio::test]
async fn login_with_password() {
    let server = server_answering(
        json(201, token_json())
            .insert_header("Location", "https://x/authentication-tokens/tok_1")
            .insert_header("X-RateLimit-Remaining", "99"),
    )
    .await;
    let body = AuthenticationTokenPasswordMode::new("jane", "pa55word").into();
    let response = client(&server)
        .customer_authentication()
        .login(body)
        .send_with_response()
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "POST", "/authentication-tokens", None);
    assert_json_body(
        &req,
        json!({"mode": "password", "username": "jane", "password": "pa55word"}),
    );
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.location(),
        Some("https://x/authentication-tokens/tok_1")
    );
    assert_eq!(response.rate_limit().remaining, Some(99));
    let token = response.into_body();
    assert_eq!(token.username, "jane");
    assert_eq!(
        token.expired_time,
        Some(Some(Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap()))
    );
}

#[tokio::test]
async fn login_passwordless() {
    let server = server_answering(json(201, token_json())).await;
    let body =
        AuthenticationToken::Passwordless(AuthenticationTokenPasswordlessMode::new("cus_1".into()));
    client(&server)
        .customer_authentication()
        .login(body)
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "POST", "/authentication-tokens", None);
    assert_json_body(&req, json!({"mode": "passwordless", "customerId": "cus_1"}));
}

#[tokio::test]
async fn verify_encodes_the_token_in_the_path() {
    let server = server_answering(json(200, token_json())).await;
    let token = client(&server)
        .customer_authentication()
        .verify("tok 1/x")
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "GET", "/authentication-tokens/tok%201%2Fx", None);
    assert_eq!(token.credential_id.as_deref(), Some("cred_1"));
}

#[tokio::test]
async fn logout() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    client(&server)
        .customer_authentication()
        .logout("tok_1")
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "DELETE", "/authentication-tokens/tok_1", None);
    assert_no_body(&req);
}

#[tokio::test]
async fn exchange_token_for_a_jwt() {
    let server = server_answering(json(
        201,
        json!({"id": "jwt_1", "type": "customer", "token": "eyJhbGciOi.payload.sig", "customerId": "cus_1",
               "acl": [{"scope": {"organizationId": ["org-1"]}, "permissions": ["StorefrontGetAccount"]}],
               "customClaims": {"plan": "gold"}, "createdTime": "2030-01-01T00:00:00Z", "updatedTime": "2030-01-01T00:00:00Z",
               "expiredTime": "2030-01-01T01:00:00Z", "_links": [{"href": "https://x/customers/cus_1", "rel": "customer"}]}),
    ))
    .await;
    let mut request = CustomerJwt::new();
    request.invalidate = Some(false);
    request.one_time_password = Some("123456".into());
    request.custom_claims = Some([("plan".to_string(), json!("gold"))].into_iter().collect());
    request.expired_time = Some(Utc.with_ymd_and_hms(2030, 1, 1, 1, 0, 0).unwrap());
    let jwt = client(&server)
        .customer_authentication()
        .exchange_token("tok_1", request)
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "POST", "/authentication-tokens/tok_1/exchange", None);
    assert_json_body(
        &req,
        json!({"invalidate": false, "oneTimePassword": "123456", "customClaims": {"plan": "gold"}, "expiredTime": "2030-01-01T01:00:00Z"}),
    );
    assert_eq!(jwt.token.as_deref(), Some("eyJhbGciOi.payload.sig"));
    assert_eq!(jwt.r#type, Some(CustomerJwtType::Customer));
    assert_eq!(
        jwt.acl.unwrap()[0].permissions,
        vec!["StorefrontGetAccount".to_string()]
    );
    assert_eq!(
        jwt.created_time,
        Some(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap())
    );
}

#[tokio::test]
async fn get_all_credentials() {
    let server = server_answering(paged(json!([credential_json()]), 1, 100, 0)).await;
    let page = client(&server)
        .customer_authentication()
        .get_all_credentials()
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "GET", "/credentials", None);
    assert_eq!(page.total, Some(1));
    let links = page.items[0].links.clone().unwrap();
    assert_eq!(
        links[1].rel,
        Some(CustomerCredentialLinksItemRel::Unknown(
            "brand-new-rel".into()
        )),
        "unknown enum values decode"
    );
}

#[tokio::test]
async fn create_credential() {
    let server = server_answering(
        json(201, credential_json()).insert_header("Location", "https://x/credentials/cred_1"),
    )
    .await;
    let mut credential = CustomerCredential::new("jane", "s3cret!", "cus_1".to_string());
    credential.expired_time = Some(None);
    let response = client(&server)
        .customer_authentication()
        .create_credential(credential)
        .send_with_response()
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "POST", "/credentials", None);
    assert_json_body(
        &req,
        json!({"username": "jane", "password": "s3cret!", "customerId": "cus_1", "expiredTime": null}),
    );
    assert_eq!(response.location(), Some("https://x/credentials/cred_1"));
    let created = response.into_body();
    assert_eq!(
        (created.id.as_deref(), created.password),
        (Some("cred_1"), None),
        "write-only password is not returned"
    );
    assert_eq!(created.expired_time, Some(None));
}

#[tokio::test]
async fn get_credential() {
    let server = server_answering(json(200, credential_json())).await;
    let credential = client(&server)
        .customer_authentication()
        .get_credential("cred_1")
        .await
        .unwrap();
    assert_request(
        &only_request(&server).await,
        "GET",
        "/credentials/cred_1",
        None,
    );
    assert_eq!(credential.username, "jane");
    assert_eq!(credential.customer_id, "cus_1");
}

#[tokio::test]
async fn update_credential_tells_created_from_updated() {
    for status in [200u16, 201] {
        let server = server_answering(json(status, credential_json())).await;
        let credential = CustomerCredential::new("jane", "n3w", "cus_1".to_string());
        let response = client(&server)
            .customer_authentication()
            .update_credential("cred_1", credential)
            .send_with_response()
            .await
            .unwrap();
        let req = only_request(&server).await;
        assert_request(&req, "PUT", "/credentials/cred_1", None);
        assert_json_body(
            &req,
            json!({"username": "jane", "password": "n3w", "customerId": "cus_1"}),
        );
        assert_eq!(response.status(), status);
    }
}

#[tokio::test]
async fn a_fetched_resource_put_back_sends_no_read_only_member() {
    let server = server_answering(json(200, credential_json())).await;
    let auth_client = client(&server);
    let auth = auth_client.customer_authentication();
    let mut credential = auth.get_credential("cred_1").await.unwrap();
    assert_eq!(credential.id.as_deref(), Some("cred_1"));
    assert!(credential.links.is_some());
    credential.username = "janet".into();
    auth.update_credential("cred_1", credential).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2);
    // Not `id`, not `_links`; the explicit null that was received goes back as null.
    assert_json_body(
        &sent[1],
        json!({"username": "janet", "customerId": "cus_1", "expiredTime": null}),
    );
}

#[tokio::test]
async fn delete_credential() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    client(&server)
        .customer_authentication()
        .delete_credential("cred_1")
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "DELETE", "/credentials/cred_1", None);
    assert_no_body(&req);
}

#[tokio::test]
async fn get_all_reset_password_tokens() {
    let server = server_answering(paged(json!([reset_json()]), 1, 10, 0)).await;
    let page = client(&server)
        .customer_authentication()
        .get_all_reset_password_tokens()
        .limit(10)
        .await
        .unwrap();
    assert_request(
        &only_request(&server).await,
        "GET",
        "/password-tokens",
        Some("limit=10"),
    );
    assert_eq!(page.items[0].token.as_deref(), Some("rst_1"));
}

#[tokio::test]
async fn create_reset_password_token() {
    let server = server_answering(json(201, reset_json())).await;
    let created = client(&server)
        .customer_authentication()
        .create_reset_password_token(ResetPasswordToken::new("jane"))
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "POST", "/password-tokens", None);
    assert_json_body(&req, json!({"username": "jane"}));
    assert_eq!(created.expired_time, Some(None));
}

#[tokio::test]
async fn get_reset_password_token() {
    let server = server_answering(json(200, reset_json())).await;
    let token = client(&server)
        .customer_authentication()
        .get_reset_password_token("rst_1")
        .await
        .unwrap();
    assert_request(
        &only_request(&server).await,
        "GET",
        "/password-tokens/rst_1",
        None,
    );
    assert_eq!(token.credential_id.as_deref(), Some("cred_1"));
}

#[tokio::test]
async fn delete_reset_password_token() {
    let server = server_answering(ResponseTemplate::new(204)).await;
    client(&server)
        .customer_authentication()
        .delete_reset_password_token("rst_1")
        .await
        .unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "DELETE", "/password-tokens/rst_1", None);
    assert_no_body(&req);
}

/// A request body loads from JSON (a fixture, a queued job, a replay) and writes back the
/// same, as every generated type reads and writes.
#[test]
fn a_request_body_loads_from_json_and_writes_back() {
    let fixture =
        json!({"mode": "password", "username": "jane", "password": "s3cret", "otpRequired": true});
    let body: AuthenticationToken = serde_json::from_value(fixture.clone()).unwrap();
    let AuthenticationToken::Password(login) = &body else {
        panic!("{body:?}");
    };
    assert_eq!(
        (login.username.as_str(), login.otp_required),
        ("jane", Some(true))
    );
    assert!(!format!("{body:?}").contains("s3cret"));
    assert_eq!(serde_json::to_value(&body).unwrap(), fixture);
}
