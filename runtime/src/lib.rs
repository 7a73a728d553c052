//! Runtime shared by the generated Rebilly SDKs.
//!
//! Generated code stays thin: each operation is a type that describes itself (method, path,
//! parameters, body, accepted credentials, what it returns) by implementing [`Operation`],
//! and [`Client::call`] does the rest.
//! Everything else lives here, written and tested by hand: configuration, credentials,
//! retries with backoff, errors with problem details, pagination, and secrets that
//! never show in `Debug` output.

// docs.rs (`--cfg docsrs`): each feature-gated item is marked with the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod budget;
mod client;
mod credentials;
mod error;
pub mod event;
#[cfg(feature = "fidelity")]
pub mod fidelity;
mod hook;
mod media;
pub mod object;
pub mod operation;
mod paginate;
mod request;
mod response;
mod retry;
mod secret;
mod style;
pub mod tagged;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod untagged;
#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
pub mod webhook;

pub use budget::RetryBudget;
pub use client::{
    install_crypto_provider, Client, ClientBuilder, Config, Environment, RequestOptions,
};
pub use credentials::{Credentials, Scheme};
pub use error::{ApiError, Error, InvalidField, Problem};
pub use hook::{Attempt, AttemptOutcome, Hook};
pub use media::{Binary, Download};
pub use operation::{Operation, Paginated, Security};
pub use paginate::paginate;
pub use request::{path_segment, Request};
pub use response::{Page, RateLimit, RawResponse, Response};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use style::{ParamStyle, Style};

pub use chrono;
/// futures-util, as `futures`: `Stream`, `StreamExt` and the other combinators (the
/// features reqwest's own dependencies enable, so it costs a user's build nothing more).
pub use futures_util as futures;
pub use reqwest;
pub use serde;
pub use serde_json;

/// A boxed future, returned by `IntoFuture` on request builders.
pub type BoxFuture<'a, T> = futures::future::BoxFuture<'a, T>;
/// An RFC 3339 date-time, in UTC.
pub type DateTime = chrono::DateTime<chrono::Utc>;
/// An RFC 3339 full date.
pub type Date = chrono::NaiveDate;
/// HTTP methods.
pub use reqwest::Method;
