//! Testing code that uses an SDK without a server (feature `test-util`).
//!
//! Give a client a [`Mock`] ([`ClientBuilder::mock`](crate::ClientBuilder::mock)): every
//! call then goes through the SDK as usual (credentials, request building, retries,
//! decoding, errors), but instead of going out, its request is recorded and answered with
//! the response canned for its operation. Afterwards, the test asserts what the SDK would
//! have sent.
//!
//! ```
//! use rebilly_runtime::test_util::{Canned, Mock};
//! # use rebilly_runtime::{operation::Json, Operation, Request, Error, Security};
//! # #[derive(Clone)] struct Login;
//! # impl Operation for Login {
//! #     type Output = serde_json::Value; type Decoder = Json;
//! #     const ID: &'static str = "PostAuthenticationToken";
//! #     const METHOD: reqwest::Method = reqwest::Method::POST;
//! #     const PATH: &'static str = "/authentication-tokens"; const SECURITY: Security = &[&[]];
//! # }
//! let mock = Mock::new();
//! mock.on::<Login>(Canned::json(201, serde_json::json!({"token": "tok_1"})));
//! // ... build a client with `.mock(mock.clone())`, run the code under test ...
//! assert!(mock.sent_for::<Login>().is_empty());
//! ```

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::Value;

use crate::operation::Operation;

/// A response canned for an operation.
#[derive(Debug, Clone)]
pub struct Canned {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Canned {
    /// A JSON body with `status` (an error status gives the SDK's error for it: with a
    /// problem-details body, `Error::Api`).
    pub fn json(status: u16, body: Value) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Canned {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers,
            body: Bytes::from(body.to_string()),
        }
    }

    /// A status without a body (204, or an error status without details).
    pub fn status(status: u16) -> Self {
        Canned {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// Any body, as bytes (a body that is not JSON, a truncated one).
    pub fn bytes(status: u16, body: impl Into<Bytes>) -> Self {
        Canned {
            body: body.into(),
            ..Canned::status(status)
        }
    }

    /// Adds a response header (`Pagination-Total`, `Location`, `Retry-After`, ...).
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.append(name, value);
        }
        self
    }
}

/// A request the SDK would have sent.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Sent {
    /// The operation id; empty for a custom request.
    pub operation: &'static str,
    /// The method.
    pub method: reqwest::Method,
    /// The full URL, query included.
    pub url: reqwest::Url,
    /// The headers, credentials included (marked sensitive: `Debug` does not show them).
    pub headers: HeaderMap,
    /// The body.
    pub body: Option<Bytes>,
}

impl Sent {
    /// The body as JSON (`None` without a body or when it is not JSON).
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(self.body.as_ref()?).ok()
    }

    /// The URL's path.
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The value of query parameter `name` (the first, when it repeats).
    pub fn query(&self, name: &str) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The value of header `name`, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[derive(Debug, Default)]
struct State {
    /// Canned responses per operation id, in order; the last one is repeated.
    canned: HashMap<&'static str, VecDeque<Canned>>,
    sent: Vec<Sent>,
}

/// Canned responses per operation, and the requests the SDK made. Cheap to clone; clones
/// share their state, so a test keeps one and gives the client another.
#[derive(Debug, Clone, Default)]
pub struct Mock {
    state: Arc<Mutex<State>>,
}

impl Mock {
    /// No canned responses, nothing sent.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Answers operation `O` with `response`. Several calls queue responses in order (a
    /// 503, then a 200: a retry); the last one answers every call after it.
    pub fn on<O: Operation>(&self, response: Canned) -> &Self {
        self.state()
            .canned
            .entry(O::ID)
            .or_default()
            .push_back(response);
        self
    }

    /// Forgets every canned response and every request sent.
    pub fn clear(&self) {
        let mut state = self.state();
        state.canned.clear();
        state.sent.clear();
    }

    /// Every request sent, in order.
    pub fn sent(&self) -> Vec<Sent> {
        self.state().sent.clone()
    }

    /// The requests sent for operation `O`, in order.
    pub fn sent_for<O: Operation>(&self) -> Vec<Sent> {
        self.state()
            .sent
            .iter()
            .filter(|s| s.operation == O::ID)
            .cloned()
            .collect()
    }

    /// Records `request` and answers it. An operation with nothing canned gets a 501 whose
    /// problem details say so.
    pub(crate) fn answer(
        &self,
        operation: &'static str,
        request: reqwest::Request,
    ) -> (StatusCode, HeaderMap, Bytes) {
        let sent = Sent {
            operation,
            method: request.method().clone(),
            url: request.url().clone(),
            headers: request.headers().clone(),
            body: request
                .body()
                .and_then(|b| b.as_bytes())
                .map(Bytes::copy_from_slice),
        };
        let mut state = self.state();
        state.sent.push(sent);
        let canned = state.canned.get_mut(operation).and_then(|queue| {
            if queue.len() > 1 {
                queue.pop_front()
            } else {
                queue.front().cloned()
            }
        });
        let canned = canned.unwrap_or_else(|| {
            Canned::json(
                501,
                serde_json::json!({
                    "title": "No canned response",
                    "detail": format!("the test's Mock has no response for operation {operation:?}"),
                }),
            )
        });
        (canned.status, canned.headers, canned.body)
    }
}
