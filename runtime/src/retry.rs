//! When and how long to wait before trying a request again.

use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::response::RateLimit;

/// Retry policy: which failures are retried, how often, and how long to wait.
///
/// - 429 is retried for every method (the server did not process the request), after the
///   time the server names in `X-RateLimit-Retry-After` or `Retry-After`;
/// - connection failures, timeouts, 502, 503 and 504 are retried for methods that are safe
///   to repeat (GET, HEAD, OPTIONS, PUT, DELETE), and for POST and PATCH only with
///   [`RetryPolicy::retry_non_idempotent`];
/// - waits grow exponentially from `initial_backoff` up to `max_backoff`, with jitter;
/// - at most `max_attempts` attempts in all, and no wait that would end after `max_elapsed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// Wait before the first retry.
    pub initial_backoff: Duration,
    /// Longest wait between two attempts (the server's retry time included).
    pub max_backoff: Duration,
    /// Time budget for all attempts and waits of one call.
    pub max_elapsed: Duration,
    /// Also retry POST and PATCH after connection failures and 502/503/504.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The exponential wait before retry number `retry` (1-based), with jitter: between half
    /// and all of `initial_backoff * 2^(retry-1)`, capped at `max_backoff`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let full = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let half = full / 2;
        half + full.saturating_sub(half).mul_f64(fastrand::f64())
    }

    /// Whether a request with this method may be repeated after a failure that may have reached the server.
    pub(crate) fn may_repeat(&self, method: &reqwest::Method) -> bool {
        use reqwest::Method;
        self.retry_non_idempotent
            || matches!(
                *method,
                Method::GET
                    | Method::HEAD
                    | Method::OPTIONS
                    | Method::PUT
                    | Method::DELETE
                    | Method::TRACE
            )
    }

    /// The wait before retrying after an error status, or `None` when it is not retried.
    pub(crate) fn after_status(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        method: &reqwest::Method,
        retry: u32,
    ) -> Option<Duration> {
        if status == StatusCode::TOO_MANY_REQUESTS {
            let wait = RateLimit::from_headers(headers)
                .retry_after
                .unwrap_or_else(|| self.backoff(retry));
            return (wait <= self.max_backoff).then_some(wait);
        }
        let transient = matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
        );
        (transient && self.may_repeat(method)).then(|| self.backoff(retry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let first = p.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = p.backoff(3);
            assert!(third >= Duration::from_millis(175) && third <= Duration::from_millis(350));
        }
    }

    #[test]
    fn post_is_retried_only_on_429_unless_opted_in() {
        let p = RetryPolicy::default();
        let h = HeaderMap::new();
        assert!(p
            .after_status(
                StatusCode::SERVICE_UNAVAILABLE,
                &h,
                &reqwest::Method::POST,
                1
            )
            .is_none());
        assert!(p
            .after_status(
                StatusCode::SERVICE_UNAVAILABLE,
                &h,
                &reqwest::Method::GET,
                1
            )
            .is_some());
        assert!(p
            .after_status(StatusCode::TOO_MANY_REQUESTS, &h, &reqwest::Method::POST, 1)
            .is_some());
        assert!(p
            .after_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                &h,
                &reqwest::Method::GET,
                1
            )
            .is_none());
        let opted = RetryPolicy {
            retry_non_idempotent: true,
            ..p
        };
        assert!(opted
            .after_status(StatusCode::BAD_GATEWAY, &h, &reqwest::Method::POST, 1)
            .is_some());
    }
}
