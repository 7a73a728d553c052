//! Typed async Rust SDK for Rebilly's **Customer authentication** API.
//!
//! Log customers in (with a password or passwordless), exchange their authentication
//! tokens for customer JWTs, verify and revoke tokens, and manage credentials,
//! reset-password tokens and the organization's authentication options.
//!
//! ```no_run
//! use rebilly_customer_auth::{Client, types::{AuthenticationTokenPasswordMode, CustomerJwt}};
//!
//! # async fn run() -> Result<(), rebilly_customer_auth::Error> {
//! let client = Client::builder()
//!     .sandbox()
//!     .organization_id("my-org")
//!     .secret_api_key(std::env::var("REBILLY_API_KEY").unwrap_or_default())
//!     .build()?;
//! let auth = client.customer_authentication();
//! let token = auth.login(AuthenticationTokenPasswordMode::new("jane", "secret password").into()).await?;
//! let jwt = auth.exchange_token(token.token.unwrap_or_default(), CustomerJwt::new()).await?;
//! # Ok(()) }
//! ```
//!
//! The modules [`types`] and [`customer_authentication`] and the [`Client`] are generated
//! from the OpenAPI description in `spec/` by `rebilly-sdk-gen`; the runtime they use
//! (configuration, credentials, errors, pagination, retries) is the hand-written
//! [`rebilly_runtime`] crate, re-exported here.

// docs.rs (`--cfg docsrs`): each feature-gated item is marked with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

// Generated code is formatted by prettyplease inside the generator; rustfmt must not
// touch it or the "fresh" check would fail.
#[rustfmt::skip]
#[path = "../generated/mod.rs"]
mod generated;

pub use generated::*;
/// Canned responses per operation and the requests the SDK would have sent, with no
/// server: for the tests of code that uses the SDK (feature `test-util`).
#[cfg(feature = "test-util")]
pub use rebilly_runtime::test_util;
/// Receiving Rebilly's webhooks with any server built on the `http` crate's types (feature
/// `webhook-receiver`). Customer authentication's spec describes no webhook, so this crate
/// has no typed events; the receiver checks any delivery.
#[cfg(feature = "webhook-receiver")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhook-receiver")))]
pub use rebilly_runtime::webhook;

/// The README's Rust blocks, compiled (and, where they need no network, run) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
pub use rebilly_runtime::{
    chrono, futures, reqwest, serde_json, ApiError, Attempt, AttemptOutcome, ClientBuilder, Config,
    Credentials, Environment, Error, Hook, InvalidField, Operation, Page, Problem, RateLimit,
    RequestOptions, Response, RetryBudget, RetryPolicy, Secret,
};
