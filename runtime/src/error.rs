//! The one error type of the SDK.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use serde::de::{self, DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::response::RateLimit;

/// Largest part of a response body kept in an error.
const BODY_LIMIT: usize = 8 * 1024;

/// Everything that can go wrong calling the API.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status and a JSON body (problem details).
    Api(Box<ApiError>),
    /// The API answered with an error status whose body is not JSON problem details.
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
    Redirect {
        /// The redirect status.
        status: StatusCode,
        /// Where the API redirected to.
        location: Option<String>,
        /// The response headers.
        headers: Box<HeaderMap>,
    },
    /// A success response whose body could not be decoded as the spec says.
    Decode {
        /// The status.
        status: StatusCode,
        /// The type that was expected.
        expected: &'static str,
        /// The body, trimmed.
        body: String,
        /// The decoder's complaint.
        source: serde_json::Error,
    },
    /// The request timed out (the client's or the call's timeout).
    Timeout(reqwest::Error),
    /// The connection failed or broke (refused, reset, closed in the middle of the body, TLS).
    Transport(reqwest::Error),
    /// The call's deadline passed (the client's or the call's): its attempt in flight, or
    /// its wait before the next one, was stopped.
    Deadline(Duration),
    /// No configured credential is accepted by the operation; nothing was sent.
    MissingCredentials {
        /// The operation id.
        operation: &'static str,
        /// Accepted scheme combinations, by their spec names.
        accepted: Vec<String>,
    },
    /// The client configuration is not usable.
    Config(String),
    /// A request value could not be encoded.
    Encode(String),
    /// A body was longer than the client's limit on bodies read into memory (see
    /// `ClientBuilder::max_body_size`); reading stopped there. A download streamed with
    /// `download()` has no limit.
    BodyTooLarge {
        /// The status.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A success response in another media type than the one asked for (a PDF where JSON
    /// was expected, a body that is not UTF-8 text).
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
    Write(std::io::Error),
}

// Display and source are written out rather than derived with thiserror: its proc macro is
// a compile step every user would pay for, for these two impls.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => write!(f, "{api}"),
            Error::UnexpectedResponse { status, body, .. } => {
                write!(f, "HTTP {status} with a body that is not problem details: {body}")
            }
            Error::Redirect {
                status, location, ..
            } => write!(
                f,
                "HTTP {status}: redirect to {} not followed (another origin, or too many redirects)",
                location.as_deref().unwrap_or("(no Location)")
            ),
            Error::Decode {
                status,
                expected,
                body,
                source,
            } => write!(
                f,
                "HTTP {status}: the body is not a valid {expected}: {source}; body: {body}"
            ),
            Error::Timeout(_) => f.write_str("the request timed out"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Deadline(d) => {
                write!(f, "the call did not finish within its deadline of {d:?}")
            }
            Error::MissingCredentials {
                operation,
                accepted,
            } => write!(
                f,
                "operation {operation} accepts {} but none of them is configured",
                accepted.join(" or ")
            ),
            Error::Config(m) => write!(f, "invalid configuration: {m}"),
            Error::Encode(m) => write!(f, "could not encode the request: {m}"),
            Error::BodyTooLarge { status, limit } => write!(
                f,
                "HTTP {status}: the body is longer than the limit of {limit} bytes"
            ),
            Error::UnexpectedContentType {
                status,
                expected,
                content_type,
                body,
            } => write!(
                f,
                "HTTP {status}: expected {expected}, the body is {}: {body}",
                content_type.as_deref().unwrap_or("of no stated type")
            ),
            Error::Write(e) => write!(f, "could not write the body: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            Error::Write(e) => Some(e),
            _ => None,
        }
    }
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
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Problem {
    /// URI reference naming the kind of problem.
    pub kind: Option<String>,
    /// Short summary of the kind of problem.
    pub title: Option<String>,
    /// The status the server put in the body.
    pub status: Option<u16>,
    /// What went wrong this time.
    pub detail: Option<String>,
    /// URI reference naming this occurrence.
    pub instance: Option<String>,
    /// Fields that failed validation (422).
    pub invalid_fields: Vec<InvalidField>,
    /// Any other members.
    pub extra: Map<String, Value>,
}

/// One field that failed validation.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct InvalidField {
    /// Dot path of the field, e.g. `billingAddress.country`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

// The two impls below are written out rather than derived: serde's derive macro would be a
// compile step for every user of the SDK (see the README, "What a user pays to build").
impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut extra = Map::deserialize(deserializer)?;
        Ok(Problem {
            kind: take(&mut extra, "type")?,
            title: take(&mut extra, "title")?,
            status: take(&mut extra, "status")?,
            detail: take(&mut extra, "detail")?,
            instance: take(&mut extra, "instance")?,
            invalid_fields: take(&mut extra, "invalidFields")?.unwrap_or_default(),
            extra,
        })
    }
}

impl<'de> Deserialize<'de> for InvalidField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut members = Map::deserialize(deserializer)?;
        Ok(InvalidField {
            field: take(&mut members, "field")?.unwrap_or_default(),
            message: take(&mut members, "message")?.unwrap_or_default(),
        })
    }
}

/// Takes member `key` out of `members` and decodes it; absent (or null) is `None`.
fn take<T: DeserializeOwned, E: de::Error>(
    members: &mut Map<String, Value>,
    key: &str,
) -> Result<Option<T>, E> {
    match members.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value)
            .map(Some)
            .map_err(|e| E::custom(format_args!("`{key}`: {e}"))),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn problem_takes_its_members_and_keeps_the_others() {
        let problem: Problem = serde_json::from_value(json!({
            "type": "https://api.rebilly.com/errors/validation",
            "title": "Invalid",
            "status": 422,
            "detail": null,
            "invalidFields": [{"field": "email", "message": "bad", "extra": 1}, {}],
            "traceId": "t-1"
        }))
        .unwrap();
        assert_eq!(
            problem.kind.as_deref(),
            Some("https://api.rebilly.com/errors/validation")
        );
        assert_eq!(problem.title.as_deref(), Some("Invalid"));
        assert_eq!(problem.status, Some(422));
        assert_eq!(problem.detail, None);
        assert_eq!(problem.instance, None);
        assert_eq!(problem.invalid_fields.len(), 2);
        assert_eq!(problem.invalid_fields[0].field, "email");
        assert_eq!(problem.invalid_fields[0].message, "bad");
        assert_eq!(problem.invalid_fields[1], InvalidField::default());
        assert_eq!(problem.extra.len(), 1);
        assert_eq!(problem.extra["traceId"], "t-1");
    }

    #[test]
    fn a_problem_member_of_the_wrong_type_is_refused_by_name() {
        let err = serde_json::from_value::<Problem>(json!({"status": "422"})).unwrap_err();
        assert!(err.to_string().contains("`status`"), "{err}");
        assert!(serde_json::from_value::<Problem>(json!([1])).is_err());
    }

    #[test]
    fn errors_say_what_happened_and_keep_their_source() {
        use std::error::Error as _;
        let io = std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full");
        let err = Error::Write(io);
        assert_eq!(err.to_string(), "could not write the body: disk full");
        assert!(err.source().is_some());
        let err = Error::MissingCredentials {
            operation: "GetCustomer",
            accepted: vec!["SecretApiKey".into(), "JWT".into()],
        };
        assert_eq!(
            err.to_string(),
            "operation GetCustomer accepts SecretApiKey or JWT but none of them is configured"
        );
        assert!(err.source().is_none());
    }
}
