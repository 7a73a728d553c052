//! Code of the application's that runs around every attempt of every call.

use std::time::Duration;

use http::{HeaderMap, StatusCode};

/// One attempt of a call, as hooks see it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation id (`PostAuthenticationToken`); empty for a custom request.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'a reqwest::Method,
    /// The path template (`/authentication-tokens/{token}`); empty for a custom request.
    pub path_template: &'static str,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub number: u32,
}

/// How an attempt ended, as hooks see it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// The server answered (any status).
    Response {
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: &'a HeaderMap,
        /// From sending the request to the end of the body.
        elapsed: Duration,
    },
    /// No answer: the connection failed or broke, or the attempt timed out.
    Failed {
        /// The attempt timed out.
        timeout: bool,
        /// From sending the request to the failure.
        elapsed: Duration,
    },
}

/// Code that runs before each attempt and after each answer, for every call of a client
/// (register it with [`ClientBuilder::hook`](crate::ClientBuilder::hook)).
///
/// Both methods do nothing by default; implement the ones you need. They are plain
/// functions, called in the order the hooks were added, on the task making the call: a hook
/// must not block. Work that needs to `.await` (fetching a token) belongs before the call,
/// in its credentials.
///
/// `before_attempt` sees the request as it is about to be sent, credential headers
/// included (they are marked sensitive), and may change it: add a header, sign it.
pub trait Hook: Send + Sync + 'static {
    /// Runs before each attempt is sent.
    fn before_attempt(&self, attempt: &Attempt<'_>, request: &mut reqwest::Request) {
        let _ = (attempt, request);
    }

    /// Runs after each attempt, whether it got an answer or not.
    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: &AttemptOutcome<'_>) {
        let _ = (attempt, outcome);
    }
}

/// A shared hook (the application keeps a handle on it, to read what it gathered).
impl<H: Hook + ?Sized> Hook for std::sync::Arc<H> {
    fn before_attempt(&self, attempt: &Attempt<'_>, request: &mut reqwest::Request) {
        (**self).before_attempt(attempt, request);
    }

    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: &AttemptOutcome<'_>) {
        (**self).after_attempt(attempt, outcome);
    }
}
