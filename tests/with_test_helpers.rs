//! How an application tests its own code that uses the SDK, with no server: the SDK's
//! `test-util` feature (`rebilly-customer-auth = { features = ["test-util"] }` in
//! `[dev-dependencies]`). Written as a user of the crate would write it.

use rebilly_customer_auth::customer_authentication::{ExchangeToken, Login};
use rebilly_customer_auth::test_util::{Canned, Mock};
use rebilly_customer_auth::types::{AuthenticationTokenPasswordMode, CustomerJwt};
use rebilly_customer_auth::{Client, Error};
use serde_json::json;

/// The application's code under test: signs a customer in and returns a JWT for them.
async fn sign_in(client: &Client, username: &str, password: &str) -> Result<String, Error> {
    let auth = client.customer_authentication();
    let body = AuthenticationTokenPasswordMode::new(username, password).into();
    let token = auth.login(body).await?;
    let jwt = auth
        .exchange_token(token.token.unwrap_or_default(), CustomerJwt::new())
        .await?;
    Ok(jwt.token.unwrap_or_default())
}

fn client(mock: &Mock) -> Client {
    Client::builder()
        .organization_id("org-1")
        .secret_api_key("sk_test_1")
        .mock(mock.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn sign_in_logs_in_then_exchanges_the_token() {
    let mock = Mock::new();
    mock.on::<Login>(Canned::json(
        201,
        json!({"username": "jane", "token": "tok_1"}),
    ));
    mock.on::<ExchangeToken>(Canned::json(201, json!({"token": "jwt_1"})));

    assert_eq!(
        sign_in(&client(&mock), "jane", "pw").await.unwrap(),
        "jwt_1"
    );

    let sent = mock.sent();
    assert_eq!(sent.len(), 2);
    let login = &mock.sent_for::<Login>()[0];
    assert_eq!(login.method, "POST");
    assert_eq!(
        login.json(),
        Some(json!({"mode": "password", "username": "jane", "password": "pw"}))
    );
    assert_eq!(login.header("REB-APIKEY"), Some("sk_test_1"));
    let exchange = &mock.sent_for::<ExchangeToken>()[0];
    assert_eq!(
        exchange.path(),
        "/organizations/org-1/authentication-tokens/tok_1/exchange"
    );
    assert_eq!(exchange.json(), Some(json!({})));
}

#[tokio::test]
async fn a_rejected_password_stops_before_the_exchange() {
    let mock = Mock::new();
    mock.on::<Login>(Canned::json(
        401,
        json!({"title": "Unauthorized", "detail": "Invalid credentials"}),
    ));
    let error = sign_in(&client(&mock), "jane", "wrong").await.unwrap_err();
    let Error::Api(api) = error else {
        panic!("expected the API's error, got {error:?}");
    };
    assert_eq!(api.status, 401);
    assert_eq!(api.problem.detail.as_deref(), Some("Invalid credentials"));
    assert!(mock.sent_for::<ExchangeToken>().is_empty());
}

#[tokio::test]
async fn a_503_is_retried_and_an_operation_without_a_response_says_so() {
    let mock = Mock::new();
    mock.on::<Login>(Canned::status(503))
        .on::<Login>(Canned::json(
            201,
            json!({"username": "jane", "token": "tok_2"}),
        ));
    // POST is not retried after a 503 by default: the SDK's own rule, kept by the mock.
    let error = sign_in(&client(&mock), "jane", "pw").await.unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse { status, .. } if *status == 503),
        "{error:?}"
    );
    // The next call gets the next canned response; the exchange has none.
    let error = sign_in(&client(&mock), "jane", "pw").await.unwrap_err();
    let Error::Api(api) = error else {
        panic!("expected the mock's 501, got {error:?}");
    };
    assert_eq!(api.status, 501);
    assert!(api
        .problem
        .detail
        .unwrap()
        .contains("PostAuthenticationTokenExchange"));
}
