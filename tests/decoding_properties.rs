//! Whatever a server answers, the SDK does not panic: arbitrary bodies (JSON of any shape,
//! members of the right names with values of any type, bytes that are not JSON) under any
//! status, for every response type of the API. A success that does not decode, and every
//! error status, come back as a typed error that keeps the status and the body.

use proptest::prelude::*;
use rebilly_customer_auth::customer_authentication::{
    ExchangeToken, GetAllAuthTokens, GetAllCredentials, GetAllResetPasswordTokens, GetAuthOptions,
    GetCredential, GetResetPasswordToken, Verify,
};
use rebilly_customer_auth::test_util::{Canned, Mock};
use rebilly_customer_auth::types::CustomerJwt;
use rebilly_customer_auth::{Client, Error, Operation, RetryPolicy};
use serde_json::{Map, Value};

/// Member names the API's types have, so that generated objects reach their fields.
const NAMES: &[&str] = &[
    "id",
    "username",
    "token",
    "customerId",
    "mode",
    "_links",
    "href",
    "rel",
    "expiredTime",
    "createdTime",
    "password",
    "credentialId",
    "otpRequired",
    "type",
    "credentials",
    "passwordPattern",
    "allowedIps",
    "title",
    "detail",
    "invalidFields",
    "field",
    "message",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        Just(Value::String("2030-01-02T03:04:05Z".into())),
        Just(Value::String("password".into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (prop::sample::select(NAMES).prop_map(str::to_string), inner),
                0..8
            )
            .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        json().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(201),
        Just(204),
        Just(400),
        Just(401),
        Just(404),
        Just(422),
        Just(500),
        Just(503),
    ]
}

/// Answers operation `O` with `status` and `body`, calls it, and checks the outcome.
async fn check<O: Operation, T: std::fmt::Debug>(
    mock: &Mock,
    status: u16,
    body: &[u8],
    call: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<(), TestCaseError> {
    mock.clear();
    mock.on::<O>(Canned::bytes(status, body.to_vec()));
    let text = String::from_utf8_lossy(body).trim().to_string();
    match call.await {
        Ok(_) => prop_assert!(
            (200..300).contains(&status),
            "{status} decoded as a success"
        ),
        Err(Error::Decode {
            status: s, body: b, ..
        }) => {
            prop_assert_eq!(s.as_u16(), status);
            prop_assert_eq!(b, text);
        }
        Err(Error::Api(api)) => {
            prop_assert_eq!(api.status.as_u16(), status);
            prop_assert_eq!(&api.body, &text);
        }
        Err(Error::UnexpectedResponse {
            status: s, body: b, ..
        }) => {
            prop_assert_eq!(s.as_u16(), status);
            prop_assert_eq!(b, text);
        }
        Err(other) => prop_assert!(false, "{status}: unexpected error {other:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_answer_to_any_operation_is_a_value_or_a_typed_error(
        operation in 0..8usize,
        status in status(),
        body in body(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mock = Mock::new();
        let client = Client::builder()
            .organization_id("org-1")
            .secret_api_key("sk_test")
            .retry_policy(RetryPolicy::none())
            .mock(mock.clone())
            .build()
            .unwrap();
        let auth = client.customer_authentication();
        runtime.block_on(async {
            match operation {
                0 => check::<GetAuthOptions, _>(&mock, status, &body, auth.get_auth_options().send()).await,
                1 => check::<GetAllAuthTokens, _>(&mock, status, &body, auth.get_all_auth_tokens().send()).await,
                2 => check::<Verify, _>(&mock, status, &body, auth.verify("t").send()).await,
                3 => check::<ExchangeToken, _>(&mock, status, &body, auth.exchange_token("t", CustomerJwt::new()).send()).await,
                4 => check::<GetAllCredentials, _>(&mock, status, &body, auth.get_all_credentials().send()).await,
                5 => check::<GetCredential, _>(&mock, status, &body, auth.get_credential("c").send()).await,
                6 => check::<GetAllResetPasswordTokens, _>(&mock, status, &body, auth.get_all_reset_password_tokens().send()).await,
                _ => check::<GetResetPasswordToken, _>(&mock, status, &body, auth.get_reset_password_token("r").send()).await,
            }
        })?;
    }
}
