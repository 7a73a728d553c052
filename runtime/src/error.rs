//! The one error type of the SDK.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::response::RateLimit;

/// Largest part of a response body kept in an error.
const BODY_LIMIT: usize = 8 * 1024;

/// Everything that can go wrong calling the API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status and a JSON body (problem details).
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The API answered with an error status whose body is not JSON problem details.
    #[error("HTTP {status} with a body that is not problem details: {body}")]
    UnexpectedResponse {
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// The body, trimmed (whitespace, and to at most 8 KiB).
        body: String,
    },
    /// The API redirected elsewhere than its own origin (or too many times); the redirect was
    /// not followed, so no credential reached the other origin.
    #[error("HTTP {status}: redirect to {} not followed (another origin, or too many redirects)", location.as_deref().unwrap_or("(no Location)"))]
    Redirect {
        /// The redirect status.
        status: StatusCode,
        /// Where the API redirected to.
        location: Option<String>,
        /// The response headers.
        headers: Box<HeaderMap>,
    },
    /// A success response whose body could not be decoded as the spec says.
    #[error("HTTP {status}: the body is not a valid {expected}: {source}; body: {body}")]
    Decode {
        /// The status.
        status: StatusCode,
        /// The type that was expected.
        expected: &'static str,
        /// The body, trimmed.
        body: String,
        /// The decoder's complaint.
        #[source]
        source: serde_json::Error,
    },
    /// The request timed out (the client's or the call's timeout).
    #[error("the request timed out")]
    Timeout(#[source] reqwest::Error),
    /// The connection failed or broke (refused, reset, closed in the middle of the body, TLS).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The call's deadline passed (the client's or the call's): its attempt in flight, or
    /// its wait before the next one, was stopped.
    #[error("the call did not finish within its deadline of {0:?}")]
    Deadline(Duration),
    /// No configured credential is accepted by the operation; nothing was sent.
    #[error("operation {operation} accepts {} but none of them is configured", accepted.join(" or "))]
    MissingCredentials {
        /// The operation id.
        operation: &'static str,
        /// Accepted scheme combinations, by their spec names.
        accepted: Vec<String>,
    },
    /// The client configuration is not usable.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A request value could not be encoded.
    #[error("could not encode the request: {0}")]
    Encode(String),
    /// A body was longer than the client's limit on bodies read into memory (see
    /// `ClientBuilder::max_body_size`); reading stopped there. A download streamed with
    /// `download()` has no limit.
    #[error("HTTP {status}: the body is longer than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The status.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A success response in another media type than the one asked for (a PDF where JSON
    /// was expected, a body that is not UTF-8 text).
    #[error("HTTP {status}: expected {expected}, the body is {}: {body}", content_type.as_deref().unwrap_or("of no stated type"))]
    UnexpectedContentType {
        /// The status.
        status: StatusCode,
        /// What was expected.
        expected: &'static str,
        /// The `Content-Type` received.
        content_type: Option<String>,
        /// The body, trimmed (at most 8 KiB; bytes that are not UTF-8 replaced).
        body: String,
    },
    /// Writing a downloaded body failed (the file or writer refused it).
    #[error("could not write the body: {0}")]
    Write(#[source] std::io::Error),
}

/// An error response from the API, with its problem details.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// The problem details of the body.
    pub problem: Problem,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as received, trimmed.
    pub body: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(title) = &self.problem.title {
            write!(f, ": {title}")?;
        }
        if let Some(detail) = &self.problem.detail {
            write!(f, ": {detail}")?;
        }
        for field in &self.problem.invalid_fields {
            write!(f, "; {}: {}", field.field, field.message)?;
        }
        Ok(())
    }
}

/// RFC 9457 problem details, as Rebilly sends them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Problem {
    /// URI reference naming the kind of problem.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Short summary of the kind of problem.
    #[serde(default)]
    pub title: Option<String>,
    /// The status the server put in the body.
    #[serde(default)]
    pub status: Option<u16>,
    /// What went wrong this time.
    #[serde(default)]
    pub detail: Option<String>,
    /// URI reference naming this occurrence.
    #[serde(default)]
    pub instance: Option<String>,
    /// Fields that failed validation (422).
    #[serde(rename = "invalidFields", default)]
    pub invalid_fields: Vec<InvalidField>,
    /// Any other members.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One field that failed validation.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct InvalidField {
    /// Dot path of the field, e.g. `billingAddress.country`.
    #[serde(default)]
    pub field: String,
    /// What is wrong with it.
    #[serde(default)]
    pub message: String,
}

/// The body as text for an error: lossy UTF-8, trimmed, at most [`BODY_LIMIT`] bytes.
pub(crate) fn body_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.len() <= BODY_LIMIT {
        return text.to_string();
    }
    let mut end = BODY_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], bytes.len())
}

impl Error {
    /// The error for a non-2xx response.
    pub(crate) fn from_response(status: StatusCode, headers: HeaderMap, bytes: &[u8]) -> Error {
        let body = body_text(bytes);
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(members)) => match Problem::deserialize(Value::Object(members)) {
                Ok(problem) => Error::Api(Box::new(ApiError {
                    status,
                    problem,
                    headers,
                    body,
                })),
                Err(_) => Error::UnexpectedResponse {
                    status,
                    headers: Box::new(headers),
                    body,
                },
            },
            _ => Error::UnexpectedResponse {
                status,
                headers: Box::new(headers),
                body,
            },
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedResponse { status, .. }
            | Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. }
            | Error::UnexpectedContentType { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            _ => None,
        }
    }

    /// The problem details of an API error.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Api(e) => Some(&e.problem),
            _ => None,
        }
    }

    /// The response headers, when the server answered with an error.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::UnexpectedResponse { headers, .. } | Error::Redirect { headers, .. } => {
                Some(headers)
            }
            _ => None,
        }
    }

    /// The fields that failed validation (empty unless a 422 listed some).
    pub fn invalid_fields(&self) -> &[InvalidField] {
        self.problem().map_or(&[], |p| &p.invalid_fields)
    }

    fn is(&self, code: StatusCode) -> bool {
        self.status() == Some(code)
    }

    /// 404: no such resource.
    pub fn is_not_found(&self) -> bool {
        self.is(StatusCode::NOT_FOUND)
    }

    /// 422: the data did not pass validation (see [`Error::invalid_fields`]).
    pub fn is_validation(&self) -> bool {
        self.is(StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// 409: the resource's state does not allow the operation.
    pub fn is_conflict(&self) -> bool {
        self.is(StatusCode::CONFLICT)
    }

    /// 401: missing or invalid credentials.
    pub fn is_unauthorized(&self) -> bool {
        self.is(StatusCode::UNAUTHORIZED)
    }

    /// 403: the credentials do not allow the operation.
    pub fn is_forbidden(&self) -> bool {
        self.is(StatusCode::FORBIDDEN)
    }

    /// 429: rate limited (see [`Error::retry_after`]).
    pub fn is_rate_limited(&self) -> bool {
        self.is(StatusCode::TOO_MANY_REQUESTS)
    }

    /// A timeout, as opposed to another transport failure.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// How long to wait before retrying, from `X-RateLimit-Retry-After` or `Retry-After`.
    pub fn retry_after(&self) -> Option<Duration> {
        self.headers()
            .and_then(|h| RateLimit::from_headers(h).retry_after)
    }
}
