//! Receiving Rebilly's webhooks, with no web framework (cargo feature `webhooks`).
//!
//! Rebilly delivers a webhook as an HTTP request (a POST, unless the webhook is set up with
//! another method) whose body is JSON. It authenticates the delivery with the HTTP basic
//! credentials configured on the webhook; it does not sign the body. A delivery may come
//! late, and it may come more than once.
//!
//! A [`Receiver`] checks what can be checked before the event is handled: the method, the
//! credentials (any of several pairs, so that they can be rotated; compared in constant
//! time), the size of the body (while it is read) and that the body is JSON. What the event
//! means is the caller's business: [`Delivery::event_type`] and [`Delivery::json`]. A refused
//! delivery is a [`Refusal`], which knows its status and its response.
//!
//! Everything takes the `http` crate's types, which hyper, axum, actix (through its `http`
//! conversions), warp and most other Rust servers hand over or convert to.
//!
//! ```
//! use bytes::Bytes;
//! use http_body_util::Full;
//! use rebilly_runtime::webhook::Receiver;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), rebilly_runtime::Error> {
//! let receiver = Receiver::builder()
//!     .basic("rebilly", "a long random password")
//!     .build()?;
//!
//! // What a server hands over; here, made by hand.
//! let request = http::Request::post("/webhooks")
//!     .header("authorization", "Basic cmViaWxseTphIGxvbmcgcmFuZG9tIHBhc3N3b3Jk")
//!     .header("content-type", "application/json")
//!     .body(Full::new(Bytes::from_static(
//!         br#"{"eventType":"customer-created","customerId":"cus_1"}"#,
//!     )))
//!     .unwrap();
//!
//! let response = match receiver.receive(request).await {
//!     Ok(delivery) => {
//!         assert_eq!(delivery.event_type().as_deref(), Some("customer-created"));
//!         // ... handle the event (idempotently: it may come again) ...
//!         http::Response::builder().status(204).body(Bytes::new()).unwrap()
//!     }
//!     Err(refusal) => refusal.to_response(),
//! };
//! assert_eq!(response.status(), 204);
//! # Ok(()) }
//! ```

use std::error::Error as StdError;
use std::fmt;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use serde::de::{DeserializeOwned, IgnoredAny};
use subtle::{Choice, ConstantTimeEq};

use crate::error::Error;
use crate::secret::Secret;

/// The realm of the `WWW-Authenticate` challenge, unless [`ReceiverBuilder::realm`] says
/// otherwise.
pub const DEFAULT_REALM: &str = "rebilly-webhooks";

/// The largest body accepted, unless [`ReceiverBuilder::max_body_size`] says otherwise:
/// 1 MiB, far above what Rebilly sends (a resource and its embedded objects).
pub const DEFAULT_MAX_BODY_SIZE: usize = 1024 * 1024;

/// An error a body stream can fail with, boxed.
type BoxError = Box<dyn StdError + Send + Sync>;

/// Checks webhook deliveries: method, credentials, body size and JSON.
///
/// Made by [`Receiver::builder`]. Cheap to share: put it in an `Arc`, or clone it.
/// `Debug` shows the user names, never a password.
#[derive(Clone)]
pub struct Receiver {
    pairs: Vec<Pair>,
    realm: String,
    challenge: HeaderValue,
    max_body_size: usize,
    method: Method,
}

/// One accepted pair of credentials.
#[derive(Clone)]
struct Pair {
    user: String,
    /// `user:password`, as a client sends it (before base64).
    expected: Secret,
}

/// Configures a [`Receiver`]. `Debug` shows the user names, never a password.
#[derive(Clone)]
pub struct ReceiverBuilder {
    pairs: Vec<(String, Secret)>,
    realm: String,
    max_body_size: usize,
    method: Method,
}

impl Default for ReceiverBuilder {
    fn default() -> Self {
        ReceiverBuilder {
            pairs: Vec::new(),
            realm: DEFAULT_REALM.to_string(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            method: Method::POST,
        }
    }
}

impl ReceiverBuilder {
    /// Accepts HTTP basic credentials `user` / `password`, as configured on the webhook in
    /// Rebilly.
    ///
    /// Call it again for more pairs: a delivery is accepted when any configured pair matches.
    /// To rotate credentials without losing deliveries, accept the new pair and the old one,
    /// change the webhook in Rebilly, then drop the old pair.
    pub fn basic(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.pairs.push((user.into(), password.into()));
        self
    }

    /// The largest body accepted, in bytes ([`DEFAULT_MAX_BODY_SIZE`] unless set). A
    /// larger `Content-Length` is refused before the body is read, and a body without one
    /// is refused as soon as it passes the limit.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The method deliveries come with: POST unless the webhook in Rebilly says otherwise.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// The realm named in the `WWW-Authenticate` challenge of a 401 ([`DEFAULT_REALM`]
    /// unless set).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// The receiver. Fails ([`Error::Config`]) without any pair of credentials, for a user
    /// name with a colon (basic authentication cannot carry one), an empty password, or a
    /// realm that cannot be quoted in a header.
    pub fn build(self) -> Result<Receiver, Error> {
        if self.pairs.is_empty() {
            return Err(Error::Config(
                "a webhook receiver needs at least one pair of credentials (`basic`)".into(),
            ));
        }
        let mut pairs = Vec::with_capacity(self.pairs.len());
        for (user, password) in self.pairs {
            check_pair(&user, &password)?;
            let expected = Secret::new(format!("{user}:{}", password.expose()));
            pairs.push(Pair { user, expected });
        }
        Ok(Receiver {
            pairs,
            challenge: challenge(&self.realm)?,
            realm: self.realm,
            max_body_size: self.max_body_size,
            method: self.method,
        })
    }
}

/// Refuses a pair that basic authentication cannot carry, or that anyone could guess.
fn check_pair(user: &str, password: &Secret) -> Result<(), Error> {
    if user.contains(':') {
        return Err(Error::Config(format!(
            "the webhook user {user:?} contains a colon, which basic authentication cannot carry"
        )));
    }
    if password.expose().is_empty() {
        return Err(Error::Config(format!(
            "the webhook password of {user:?} is empty"
        )));
    }
    Ok(())
}

/// The `WWW-Authenticate` value of a 401 (RFC 7617, with the UTF-8 charset).
fn challenge(realm: &str) -> Result<HeaderValue, Error> {
    let bad = |c: char| c == '"' || c == '\\' || c.is_control();
    if realm.contains(bad) {
        return Err(Error::Config(format!(
            "the webhook realm {realm:?} cannot be quoted in a header"
        )));
    }
    HeaderValue::try_from(format!("Basic realm=\"{realm}\", charset=\"UTF-8\""))
        .map_err(|_| Error::Config(format!("the webhook realm {realm:?} is not a header value")))
}

impl fmt::Debug for ReceiverBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users = self.pairs.iter().map(|(user, _)| user.as_str());
        debug_settings(
            f,
            "ReceiverBuilder",
            users,
            &self.realm,
            self.max_body_size,
            &self.method,
        )
    }
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users = self.pairs.iter().map(|p| p.user.as_str());
        debug_settings(
            f,
            "Receiver",
            users,
            &self.realm,
            self.max_body_size,
            &self.method,
        )
    }
}

/// What `Debug` shows of a receiver or its builder: the user names, never a password.
fn debug_settings<'a>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    users: impl Iterator<Item = &'a str>,
    realm: &str,
    max_body_size: usize,
    method: &Method,
) -> fmt::Result {
    f.debug_struct(name)
        .field("users", &users.collect::<Vec<_>>())
        .field("realm", &realm)
        .field("max_body_size", &max_body_size)
        .field("method", method)
        .finish()
}

impl Receiver {
    /// Starts the configuration: at least one [`ReceiverBuilder::basic`] pair is needed.
    pub fn builder() -> ReceiverBuilder {
        ReceiverBuilder::default()
    }

    /// The largest body accepted, in bytes.
    pub fn max_body_size(&self) -> usize {
        self.max_body_size
    }

    /// The method deliveries are accepted with.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The realm of the `WWW-Authenticate` challenge.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// The user names of the accepted pairs, in the order they were configured.
    pub fn users(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|p| p.user.as_str())
    }

    /// Checks the method, then the credentials (`Authorization: Basic ...`), and nothing
    /// else: a server can verify a request before it reads the body, and parse it later.
    ///
    /// The credentials are compared with every configured pair, in a time that does not
    /// depend on how much of a wrong user name or password matches, nor on which pair
    /// matched.
    pub fn verify(&self, method: &Method, headers: &HeaderMap) -> Result<(), Refusal> {
        if *method != self.method {
            return Err(Refusal::MethodNotAllowed {
                method: method.clone(),
                allowed: self.method.clone(),
            });
        }
        match basic_credentials(headers) {
            Some(presented) if self.accepts(&presented) => Ok(()),
            _ => Err(Refusal::Unauthorized {
                challenge: self.challenge.clone(),
            }),
        }
    }

    /// Whether any pair is `presented`, comparing with each of them in constant time
    /// (no early exit on the first match).
    fn accepts(&self, presented: &[u8]) -> bool {
        let mut accepted = Choice::from(0);
        for pair in &self.pairs {
            accepted |= same_bytes(pair.expected.expose().as_bytes(), presented);
        }
        accepted.into()
    }

    /// Checks a body already read: its size, its `Content-Type` (absent, `application/json`
    /// or `application/...+json`) and that it parses as JSON.
    pub fn check_body(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), Refusal> {
        if body.len() > self.max_body_size {
            return Err(self.too_large());
        }
        check_content_type(headers)?;
        check_json(body)
    }

    /// Receives a delivery from a server that hands over an `http::Request` (hyper, axum
    /// and others): [`verify`](Self::verify), then read the body under the size limit
    /// (refusing a larger `Content-Length` before reading), then check that it is JSON.
    pub async fn receive<B>(&self, request: Request<B>) -> Result<Delivery, Refusal>
    where
        B: http_body::Body,
        B::Error: Into<BoxError>,
    {
        let (parts, body) = request.into_parts();
        self.verify(&parts.method, &parts.headers)?;
        self.check_length(&parts.headers)?;
        check_content_type(&parts.headers)?;
        let body = self.read(body).await?;
        check_json(&body)?;
        Ok(Delivery::new(parts.headers, body))
    }

    /// Receives a delivery whose body a framework has already read: [`verify`](Self::verify),
    /// then [`check_body`](Self::check_body).
    pub fn receive_bytes(
        &self,
        method: &Method,
        headers: &HeaderMap,
        body: impl Into<Bytes>,
    ) -> Result<Delivery, Refusal> {
        let body = body.into();
        self.verify(method, headers)?;
        self.check_body(headers, &body)?;
        Ok(Delivery::new(headers.clone(), body))
    }

    /// Refuses a `Content-Length` above the limit, before anything is read.
    fn check_length(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        match declared {
            Some(length) if length > self.max_body_size as u64 => Err(self.too_large()),
            _ => Ok(()),
        }
    }

    /// Reads the body, stopping as soon as it passes the limit.
    async fn read<B>(&self, body: B) -> Result<Bytes, Refusal>
    where
        B: http_body::Body,
        B::Error: Into<BoxError>,
    {
        match Limited::new(body, self.max_body_size).collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(e) if e.is::<LengthLimitError>() => Err(self.too_large()),
            Err(e) => Err(Refusal::BodyRead(e)),
        }
    }

    fn too_large(&self) -> Refusal {
        Refusal::TooLarge {
            limit: self.max_body_size,
        }
    }
}

/// The decoded `user:password` of the one `Authorization: Basic` header, if there is
/// exactly one and it is well formed.
fn basic_credentials(headers: &HeaderMap) -> Option<Vec<u8>> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    parse_basic(value.as_bytes())
}

/// `Basic <base64 of user:password>` (the scheme in any case, then one or more spaces).
fn parse_basic(value: &[u8]) -> Option<Vec<u8>> {
    let space = value.iter().position(|&b| b == b' ')?;
    let (scheme, token) = value.split_at(space);
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token.trim_ascii())
        .ok()?;
    decoded.contains(&b':').then_some(decoded)
}

/// Whether `expected == presented`, in a time that depends on the longer length only:
/// every byte position up to it is compared (a missing byte as 0), and the lengths are
/// compared too, all with `subtle`, so no difference in content or length exits early.
fn same_bytes(expected: &[u8], presented: &[u8]) -> Choice {
    let same_length = (expected.len() as u64).ct_eq(&(presented.len() as u64));
    let longer = expected.len().max(presented.len());
    let mut same = Choice::from(1);
    for i in 0..longer {
        let a = expected.get(i).copied().unwrap_or(0);
        let b = presented.get(i).copied().unwrap_or(0);
        same &= a.ct_eq(&b);
    }
    same & same_length
}

/// Accepts no `Content-Type`, `application/json` (with parameters) and
/// `application/<anything>+json`.
fn check_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return Ok(());
    };
    let refuse = |shown: &str| Refusal::NotJson {
        reason: format!("the Content-Type is {shown}, not application/json"),
    };
    let text = value.to_str().map_err(|_| refuse("not text"))?;
    let essence = text.split(';').next().unwrap_or("").trim();
    let essence = essence.to_ascii_lowercase();
    let json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if json {
        Ok(())
    } else {
        Err(refuse(&format!("{text:?}")))
    }
}

/// Parses the body as JSON, keeping nothing.
fn check_json(body: &[u8]) -> Result<(), Refusal> {
    serde_json::from_slice::<IgnoredAny>(body)
        .map(|_| ())
        .map_err(|e| Refusal::NotJson {
            reason: e.to_string(),
        })
}

/// A delivery that passed the checks: its headers and its JSON body.
///
/// `Debug` shows the headers (the `Authorization` value marked sensitive, so it shows as
/// `Sensitive`) and the body's length, not the body.
#[derive(Clone)]
pub struct Delivery {
    headers: HeaderMap,
    body: Bytes,
}

impl Delivery {
    fn new(mut headers: HeaderMap, body: Bytes) -> Self {
        if let Some(value) = headers.get_mut(AUTHORIZATION) {
            value.set_sensitive(true);
        }
        Delivery { headers, body }
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, as received (JSON).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, as received (JSON).
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// Decodes the body, for example into a generated SDK type or a `serde_json::Value`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The payload's `eventType` member (such as `transaction-processed`), read without
    /// decoding the rest. `None` when the body is not an object or has no string
    /// `eventType`.
    pub fn event_type(&self) -> Option<String> {
        serde_json::from_slice::<crate::event::EventType>(&self.body)
            .ok()?
            .0
    }
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("headers", &self.headers)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

/// Why a delivery was refused. [`Refusal::status`] and [`Refusal::to_response`] give the
/// answer to send; none of them, nor `Display` or `Debug`, ever holds a credential.
#[derive(Debug)]
#[non_exhaustive]
pub enum Refusal {
    /// No credentials, or credentials that no configured pair accepts (which of the two is
    /// not said): 401, with a `WWW-Authenticate` challenge.
    Unauthorized {
        /// The `WWW-Authenticate` value to answer with (`Basic realm="...",
        /// charset="UTF-8"`).
        challenge: HeaderValue,
    },
    /// Another method than the one configured: 405, with `Allow`.
    MethodNotAllowed {
        /// The method of the request.
        method: Method,
        /// The method deliveries are accepted with.
        allowed: Method,
    },
    /// A `Content-Type` that is not JSON, or a body that does not parse as JSON: 400.
    NotJson {
        /// What is wrong (the `Content-Type`, or the parser's complaint).
        reason: String,
    },
    /// A body (or a `Content-Length`) larger than the limit: 413.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body could not be read (the connection broke, or the body was malformed): 400.
    BodyRead(Box<dyn StdError + Send + Sync>),
}

impl Refusal {
    /// The status to answer with: 401, 405, 400 (not JSON), 413, or 400 (unreadable body).
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Refusal::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::NotJson { .. } | Refusal::BodyRead(_) => StatusCode::BAD_REQUEST,
            Refusal::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    /// The response to send: the status, a short plain-text body, and `WWW-Authenticate`
    /// on a 401 or `Allow` on a 405.
    pub fn to_response(&self) -> Response<Bytes> {
        let text = match self {
            // The stream's error may describe the server's insides; the client needs less.
            Refusal::BodyRead(_) => "could not read the body".to_string(),
            other => other.to_string(),
        };
        let mut response = Response::new(Bytes::from(text + "\n"));
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        match self {
            Refusal::Unauthorized { challenge } => {
                headers.insert(WWW_AUTHENTICATE, challenge.clone());
            }
            Refusal::MethodNotAllowed { allowed, .. } => {
                if let Ok(value) = HeaderValue::try_from(allowed.as_str()) {
                    headers.insert(ALLOW, value);
                }
            }
            _ => {}
        }
        response
    }
}

// Display and source are written out: the runtime has no thiserror (see error.rs).
impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Unauthorized { .. } => f.write_str("missing or wrong credentials"),
            Refusal::MethodNotAllowed { method, allowed } => {
                write!(
                    f,
                    "method {method} is not allowed; deliveries use {allowed}"
                )
            }
            Refusal::NotJson { reason } => write!(f, "the body is not JSON: {reason}"),
            Refusal::TooLarge { limit } => {
                write!(f, "the body is larger than the limit of {limit} bytes")
            }
            Refusal::BodyRead(e) => write!(f, "could not read the body: {e}"),
        }
    }
}

impl StdError for Refusal {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Refusal::BodyRead(e) => Some(&**e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWORD: &str = "correct horse battery staple";
    const OLD_PASSWORD: &str = "Tr0ub4dor&3";

    fn receiver() -> Receiver {
        Receiver::builder()
            .basic("rebilly", PASSWORD)
            .basic("rebilly-old", OLD_PASSWORD)
            .build()
            .unwrap()
    }

    fn basic(user: &str, password: &str) -> String {
        let pair = format!("{user}:{password}");
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }

    fn with_authorization(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn verify(values: &[&str]) -> Result<(), Refusal> {
        receiver().verify(&Method::POST, &with_authorization(values))
    }

    #[test]
    fn any_configured_pair_is_accepted() {
        assert!(verify(&[&basic("rebilly", PASSWORD)]).is_ok());
        assert!(verify(&[&basic("rebilly-old", OLD_PASSWORD)]).is_ok());
        // The scheme in any case, and more than one space before the token.
        let lower = basic("rebilly", PASSWORD).replacen("Basic ", "basic   ", 1);
        assert!(verify(&[&lower]).is_ok());
        // A pair is a pair: one user's password does not open the other.
        assert!(verify(&[&basic("rebilly", OLD_PASSWORD)]).is_err());
        assert!(verify(&[&basic("rebilly-old", PASSWORD)]).is_err());
    }

    #[test]
    fn malformed_or_foreign_authorization_is_unauthorized() {
        let right = basic("rebilly", PASSWORD);
        let token = right.trim_start_matches("Basic ");
        let cases: Vec<String> = vec![
            "Basic !!!not base64!!!".into(),
            "Basic".into(),
            "Basic ".into(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("rebilly")
            ),
            format!("Bearer {token}"),
            format!("Digest {token}"),
            format!("Basic{token}"),
            token.to_string(),
            basic("rebilly", &PASSWORD[..PASSWORD.len() - 1]),
            basic("rebilly", &format!("{PASSWORD}x")),
            basic("rebill", PASSWORD),
            basic("", ""),
        ];
        for case in &cases {
            let refusal = verify(&[case]).unwrap_err();
            assert!(
                matches!(refusal, Refusal::Unauthorized { .. }),
                "{case}: {refusal:?}"
            );
        }
        assert!(matches!(verify(&[]), Err(Refusal::Unauthorized { .. })));
        // Two Authorization headers are ambiguous, even when one of them is right.
        assert!(verify(&[&right, &right]).is_err());
        // A value that is not UTF-8 is not valid base64 either.
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_bytes(b"Basic \xff\xfe").unwrap(),
        );
        assert!(receiver().verify(&Method::POST, &headers).is_err());
    }

    #[test]
    fn the_method_is_checked_first() {
        let headers = with_authorization(&[&basic("rebilly", PASSWORD)]);
        let refusal = receiver().verify(&Method::GET, &headers).unwrap_err();
        assert!(matches!(
            &refusal,
            Refusal::MethodNotAllowed { method, allowed } if *method == Method::GET && *allowed == Method::POST
        ));
        let response = refusal.to_response();
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()[ALLOW], "POST");
        let put = Receiver::builder()
            .basic("u", "p")
            .method(Method::PUT)
            .build()
            .unwrap();
        let headers = with_authorization(&[&basic("u", "p")]);
        assert!(put.verify(&Method::PUT, &headers).is_ok());
        assert!(put.verify(&Method::POST, &headers).is_err());
    }

    #[test]
    fn same_bytes_compares_content_and_length() {
        let yes = |a: &[u8], b: &[u8]| bool::from(same_bytes(a, b));
        assert!(yes(b"a:b", b"a:b"));
        assert!(yes(b"", b""));
        assert!(!yes(b"a:b", b"a:c"));
        assert!(!yes(b"a:b", b"a:b\0"));
        assert!(!yes(b"a:b\0", b"a:b"));
        assert!(!yes(b"a:b", b""));
    }

    #[test]
    fn body_checks() {
        let r = Receiver::builder()
            .basic("u", "p")
            .max_body_size(16)
            .build()
            .unwrap();
        let mut headers = HeaderMap::new();
        assert!(r.check_body(&headers, b"{}").is_ok());
        assert!(matches!(
            r.check_body(&headers, b"{\"a\": 1234567890}"),
            Err(Refusal::TooLarge { limit: 16 })
        ));
        for bad in [&b""[..], b"{", b"{} {}", b"nope", b"{'a':1}"] {
            assert!(matches!(
                r.check_body(&headers, bad),
                Err(Refusal::NotJson { .. })
            ));
        }
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/vnd.rebilly+json",
        ] {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(ok));
            assert!(r.check_body(&headers, b"[1]").is_ok(), "{ok}");
        }
        for bad in ["text/plain", "application/jsonp", "text/json+xml", "json"] {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(bad));
            let refusal = r.check_body(&headers, b"[1]").unwrap_err();
            assert!(refusal.to_string().contains(bad), "{refusal}");
            assert_eq!(refusal.status(), 400);
        }
    }

    #[test]
    fn the_builder_refuses_what_cannot_work() {
        assert!(Receiver::builder().build().is_err());
        assert!(Receiver::builder().basic("a:b", "p").build().is_err());
        assert!(Receiver::builder().basic("a", "").build().is_err());
        let bad_realm = Receiver::builder()
            .basic("a", "p")
            .realm("say \"hi\"")
            .build();
        assert!(bad_realm.is_err());
        let ok = Receiver::builder()
            .basic("a", "p")
            .realm("shop")
            .build()
            .unwrap();
        let refusal = ok.verify(&Method::POST, &HeaderMap::new()).unwrap_err();
        assert_eq!(
            refusal.to_response().headers()[WWW_AUTHENTICATE],
            "Basic realm=\"shop\", charset=\"UTF-8\""
        );
    }

    #[test]
    fn no_password_in_debug_display_or_responses() {
        let builder = Receiver::builder()
            .basic("rebilly", PASSWORD)
            .basic("rebilly-old", OLD_PASSWORD);
        let receiver = builder.clone().build().unwrap();
        let wrong = basic("rebilly", &format!("{PASSWORD}!"));
        let right = basic("rebilly", PASSWORD);
        let mut texts = vec![format!("{builder:?}"), format!("{receiver:?}")];
        assert!(texts[1].contains("rebilly-old"), "{}", texts[1]);
        let refusals = [
            receiver.verify(&Method::POST, &with_authorization(&[&wrong])),
            receiver.verify(&Method::POST, &with_authorization(&[&right, &wrong])),
            receiver.verify(&Method::GET, &with_authorization(&[&right])),
            receiver.check_body(&HeaderMap::new(), PASSWORD.as_bytes()),
            Err(Refusal::TooLarge { limit: 1 }),
            Err(Refusal::BodyRead("reset".into())),
        ];
        for refusal in refusals {
            let refusal = refusal.unwrap_err();
            let response = refusal.to_response();
            texts.push(format!("{refusal}"));
            texts.push(format!("{refusal:?}"));
            texts.push(format!("{:?}", response.headers()));
            texts.push(String::from_utf8_lossy(response.body()).into_owned());
        }
        let delivery = receiver
            .receive_bytes(
                &Method::POST,
                &with_authorization(&[&right]),
                Bytes::from_static(b"{}"),
            )
            .unwrap();
        texts.push(format!("{delivery:?}"));
        let secrets = [
            PASSWORD,
            OLD_PASSWORD,
            right.trim_start_matches("Basic "),
            wrong.trim_start_matches("Basic "),
        ];
        for text in &texts {
            for secret in secrets {
                assert!(!text.contains(secret), "{secret:?} shows in {text}");
            }
        }
    }

    #[test]
    fn event_type_is_read_alone() {
        let delivery = |body: &'static str| Delivery::new(HeaderMap::new(), Bytes::from(body));
        let read = |body| delivery(body).event_type();
        assert_eq!(
            read(r#"{"_embedded":{"eventType":"no"},"eventType":"customer-created"}"#).as_deref(),
            Some("customer-created")
        );
        assert_eq!(read(r#"{"eventType":"a\"b"}"#).as_deref(), Some("a\"b"));
        assert_eq!(read(r#"{"customerId":"cus_1"}"#), None);
        assert_eq!(read(r#"{"eventType":7}"#), None);
        assert_eq!(read(r#"["eventType"]"#), None);
        let value: serde_json::Value = delivery(r#"{"eventType":"x"}"#).json().unwrap();
        assert_eq!(value["eventType"], "x");
    }

    #[test]
    fn refusal_statuses() {
        let cases = [
            (
                Refusal::Unauthorized {
                    challenge: HeaderValue::from_static("Basic realm=\"r\""),
                },
                401,
            ),
            (
                Refusal::MethodNotAllowed {
                    method: Method::GET,
                    allowed: Method::POST,
                },
                405,
            ),
            (Refusal::NotJson { reason: "x".into() }, 400),
            (Refusal::TooLarge { limit: 1 }, 413),
            (Refusal::BodyRead("broken pipe".into()), 400),
        ];
        for (refusal, status) in cases {
            assert_eq!(refusal.status(), status);
            let response = refusal.to_response();
            assert_eq!(response.status(), status);
            assert_eq!(
                response.headers()[CONTENT_TYPE],
                "text/plain; charset=utf-8"
            );
            assert!(!response.body().is_empty());
        }
        let read = Refusal::BodyRead("broken pipe".into());
        assert!(read.source().is_some());
        assert!(!String::from_utf8_lossy(read.to_response().body()).contains("pipe"));
    }
}
