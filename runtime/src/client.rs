//! The client: configuration, and one call with credentials, timeouts and retries.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::Stream;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue};

use crate::budget::{Pool, RetryBudget};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::hook::{Attempt, AttemptOutcome, Hook};
use crate::operation::{Decoder as _, Operation, Paginated};
use crate::paginate::paginate;
use crate::request::{header_pair, Request};
use crate::response::{RawResponse, Response};
use crate::retry::RetryPolicy;
use crate::secret::Secret;

/// Media types the SDK reads: JSON bodies, and problem details for errors.
const ACCEPT_VALUE: &str = "application/json, application/problem+json";

/// Where the API is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://api-sandbox.rebilly.com`: for testing.
    Sandbox,
    /// `https://api.rebilly.com`: real payments.
    Live,
    /// Any other root URL (a local test server, a proxy).
    Custom(String),
}

impl Environment {
    fn root(&self) -> &str {
        match self {
            Environment::Sandbox => "https://api-sandbox.rebilly.com",
            Environment::Live => "https://api.rebilly.com",
            Environment::Custom(url) => url,
        }
    }
}

/// Settings shared by every call of a client.
#[derive(Debug, Clone)]
pub struct Config {
    base_url: String,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    retry_budget: Option<RetryBudget>,
    page_size: i64,
    user_agent: String,
}

impl Config {
    /// The base URL operations' paths are appended to (includes `/organizations/{id}` when set).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Default page size of collection streams.
    pub fn page_size(&self) -> i64 {
        self.page_size
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The timeout of each attempt, when one is set.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The longest a call may take in all (attempts and waits), when one is set.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The client-wide retry budget; `None` when retries are limited by the policy alone.
    pub fn retry_budget(&self) -> Option<&RetryBudget> {
        self.retry_budget.as_ref()
    }

    /// The `User-Agent` sent.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
}

/// Options for one call, overriding the client's.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Credentials for this call only.
    pub credentials: Option<Credentials>,
    /// Retry policy for this call only.
    pub retry: Option<RetryPolicy>,
    /// Timeout of each attempt of this call.
    pub timeout: Option<Duration>,
    /// The longest this call may take in all, attempts and waits included.
    pub deadline: Option<Duration>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
}

impl RequestOptions {
    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Sets the timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the deadline: the longest the call may take in all.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Builds a client. `C` is the client type it produces: the runtime [`Client`] or a generated SDK's.
#[must_use]
pub struct ClientBuilder<C = Client> {
    environment: Environment,
    organization_id: Option<String>,
    credentials: Credentials,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    retry_budget: Option<RetryBudget>,
    page_size: i64,
    http: Option<reqwest::ClientBuilder>,
    user_agent: String,
    hooks: Vec<Arc<dyn Hook>>,
    #[cfg(feature = "test-util")]
    mock: Option<crate::test_util::Mock>,
    produces: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("organization_id", &self.organization_id)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("retry_budget", &self.retry_budget)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> ClientBuilder<C> {
    /// Sandbox, no credentials, 30 s timeout per attempt, no deadline, default retries
    /// within the default retry budget, pages of 100.
    pub fn new() -> Self {
        ClientBuilder {
            environment: Environment::Sandbox,
            organization_id: None,
            credentials: Credentials::default(),
            timeout: Some(Duration::from_secs(30)),
            deadline: None,
            retry: RetryPolicy::default(),
            retry_budget: Some(RetryBudget::default()),
            page_size: 100,
            http: None,
            user_agent: format!("rebilly-rust-sdk/{}", env!("CARGO_PKG_VERSION")),
            hooks: Vec::new(),
            #[cfg(feature = "test-util")]
            mock: None,
            produces: PhantomData,
        }
    }

    /// The sandbox environment (the default).
    pub fn sandbox(self) -> Self {
        self.environment(Environment::Sandbox)
    }

    /// The live environment.
    pub fn live(self) -> Self {
        self.environment(Environment::Live)
    }

    /// Any root URL, e.g. a local server in tests: `http://127.0.0.1:8080`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::Custom(url.into()))
    }

    /// The environment.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The organization: requests go to `{root}/organizations/{id}/...`. Required for sandbox and live.
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// All credentials at once.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Secret API key (`REB-APIKEY`).
    pub fn secret_api_key(mut self, key: impl Into<Secret>) -> Self {
        self.credentials = self.credentials.with_secret_api_key(key);
        self
    }

    /// Publishable API key (raw `Authorization`).
    pub fn publishable_key(mut self, key: impl Into<Secret>) -> Self {
        self.credentials = self.credentials.with_publishable_key(key);
        self
    }

    /// JWT (`Authorization: Bearer`).
    pub fn jwt(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = self.credentials.with_jwt(token);
        self
    }

    /// Timeout of each attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No timeout.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Retry policy (see [`RetryPolicy`]; [`RetryPolicy::none`] turns retries off).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The retry budget shared by every call of the client and its clones (see
    /// [`RetryBudget`]; on by default).
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = Some(budget);
        self
    }

    /// No retry budget: retries are limited by the retry policy alone.
    pub fn no_retry_budget(mut self) -> Self {
        self.retry_budget = None;
        self
    }

    /// The longest a call may take in all, attempts and waits included (default: none; the
    /// retry policy's `max_elapsed` still bounds the waits). A call past it ends with
    /// [`Error::Deadline`], and nothing of it keeps running.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Default page size of collection streams (1..=1000, default 100).
    pub fn page_size(mut self, size: i64) -> Self {
        self.page_size = size;
        self
    }

    /// Your own HTTP settings (proxy, TLS, pool, default headers), as a `reqwest::ClientBuilder`.
    ///
    /// The SDK sets two things on it before building: its `User-Agent` (extend it with
    /// [`user_agent_product`](Self::user_agent_product)) and its redirect policy, which
    /// replaces any you set. It takes a builder rather than a built `reqwest::Client` because
    /// a built client's redirect policy cannot be changed, and a client that follows a
    /// redirect to another origin would send the `REB-APIKEY` header there (reqwest strips
    /// only `Authorization` and cookies on such redirects).
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// Adds a hook: code of yours that runs before each attempt of every call (to add a
    /// header, sign the request) and after each answer (to measure or log it). See [`Hook`].
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Answers every call from `mock` instead of the network, and records what would have
    /// been sent (feature `test-util`; see [`crate::test_util`]).
    #[cfg(feature = "test-util")]
    pub fn mock(mut self, mock: crate::test_util::Mock) -> Self {
        self.mock = Some(mock);
        self
    }

    /// Adds a product token to the `User-Agent`, e.g. `my-app/1.2`.
    pub fn user_agent_product(mut self, product: impl AsRef<str>) -> Self {
        self.user_agent = format!("{} {}", product.as_ref(), self.user_agent);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, Error>
    where
        C: From<Client>,
    {
        let root = self.environment.root().trim_end_matches('/');
        let parsed = reqwest::Url::parse(root)
            .map_err(|e| Error::Config(format!("base URL {root:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "base URL {root:?} must be http or https"
            )));
        }
        let base_url = match (&self.organization_id, &self.environment) {
            (Some(id), _) if id.trim().is_empty() => {
                return Err(Error::Config("the organization id is empty".into()))
            }
            (Some(id), _) => format!("{root}/organizations/{}", crate::request::path_segment(id)),
            (None, Environment::Custom(_)) => root.to_string(),
            (None, _) => {
                return Err(Error::Config(
                    "an organization id is required for the sandbox and live environments".into(),
                ))
            }
        };
        if !(1..=1000).contains(&self.page_size) {
            return Err(Error::Config(format!(
                "page size {} is not in 1..=1000",
                self.page_size
            )));
        }
        if self.retry.max_attempts == 0 {
            return Err(Error::Config("max_attempts must be at least 1".into()));
        }
        if parsed.scheme() == "https" && !TLS {
            return Err(Error::Config(format!(
                "base URL {root:?} needs TLS: enable a TLS feature (rustls-ring, the default; rustls-aws-lc-rs; native-tls)"
            )));
        }
        install_crypto_provider();
        let mut http = self
            .http
            .unwrap_or_default()
            .user_agent(self.user_agent.clone())
            .redirect(same_origin_redirects());
        // The client's timeout is reqwest's own default, so that a call only carries one
        // (in the request's extensions, an allocation) when it overrides it.
        if let Some(timeout) = self.timeout {
            http = http.timeout(timeout);
        }
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        let budget = self.retry_budget.clone().map(Pool::new);
        let config = Config {
            base_url,
            timeout: self.timeout,
            deadline: self.deadline,
            retry: self.retry,
            retry_budget: self.retry_budget,
            page_size: self.page_size,
            user_agent: self.user_agent,
        };
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                http,
                config,
                budget,
                hooks: self.hooks,
                #[cfg(feature = "test-util")]
                mock: self.mock,
            }),
            credentials: self.credentials,
        }))
    }
}

/// Without the `test-util` feature, no call is ever answered by a mock.
#[cfg(not(feature = "test-util"))]
enum NoMock {}

#[cfg(not(feature = "test-util"))]
impl NoMock {
    fn answer(
        &self,
        _: &'static str,
        _: reqwest::Request,
    ) -> (http::StatusCode, HeaderMap, bytes::Bytes) {
        match *self {}
    }
}

/// A call's span.
#[cfg(feature = "tracing")]
type Trace = tracing::Span;
/// Without the `tracing` feature, nothing.
#[cfg(not(feature = "tracing"))]
struct Trace;

/// Why an attempt is retried, for traces: a status or a kind of failure, never an error's
/// text (reqwest's names the URL, whose path may hold a token).
#[cfg(feature = "tracing")]
fn retry_reason(error: &Error) -> std::borrow::Cow<'static, str> {
    match error {
        Error::Api(e) => format!("HTTP {}", e.status.as_u16()).into(),
        Error::UnexpectedResponse { status, .. } => format!("HTTP {}", status.as_u16()).into(),
        Error::Timeout(_) => "timeout".into(),
        Error::Transport(e) if e.is_connect() => "connection failed".into(),
        _ => "transport error".into(),
    }
}

/// Whether a TLS backend is compiled in.
const TLS: bool = cfg!(any(
    feature = "rustls-ring",
    feature = "rustls-aws-lc-rs",
    feature = "native-tls"
));

/// With `rustls-ring` (and not `rustls-aws-lc-rs`, which reqwest falls back to by itself):
/// installs ring as rustls' process-wide cryptography, unless the application installed a
/// provider first. Building an SDK client does this; call it yourself before building a
/// `reqwest::Client` of your own first, if nothing else in your application enables a TLS
/// backend of reqwest's (otherwise reqwest panics: it has TLS but no cryptography).
pub fn install_crypto_provider() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
    {
        // An error only means a provider is already installed, which is what is needed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Most redirects followed in one chain.
const MAX_REDIRECTS: usize = 10;

/// Follows a redirect only within the origin (scheme, host and port) of the first request of
/// the chain, at most [`MAX_REDIRECTS`] times. A redirect anywhere else is not followed: the
/// credential headers must never reach another origin, and an https → http downgrade is
/// another origin too. The unfollowed response becomes [`Error::Redirect`].
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin && attempt.previous().len() <= MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    /// The retry budget's pool, shared by the client's clones.
    budget: Option<Pool>,
    hooks: Vec<Arc<dyn Hook>>,
    #[cfg(feature = "test-util")]
    mock: Option<crate::test_util::Mock>,
}

/// The runtime client: a connection pool, configuration and credentials. Cheap to clone;
/// clones share the pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    credentials: Credentials,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("credentials", &self.credentials)
            .finish()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new()
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Tokens left in the retry budget, when the client has one.
    pub fn retry_budget_left(&self) -> Option<u32> {
        self.inner.budget.as_ref().map(Pool::tokens)
    }

    /// The credentials the client sends.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The same client (same pool and settings) with other credentials.
    pub fn with_credentials(&self, credentials: Credentials) -> Client {
        Client {
            inner: self.inner.clone(),
            credentials,
        }
    }

    /// Calls `operation`: builds its request, sends it as [`execute`](Self::execute) does,
    /// and decodes the response. Generated request builders end here.
    pub async fn call<O: Operation>(
        &self,
        operation: &O,
        options: &RequestOptions,
    ) -> Result<Response<O::Output>, Error> {
        let mut request = Request::at::<O>(&self.inner.config.base_url);
        operation.describe(&mut request)?;
        let response = self.execute(request, options).await?;
        O::Decoder::decode(response)
    }

    /// Every item of the collection that `operation` pages through, fetched lazily a page at
    /// a time as the stream is polled.
    ///
    /// Starts at the operation's `offset` (default 0) and asks for pages of its `limit`
    /// (default: the client's page size); stops after the last item that
    /// `Pagination-Total` announces, at the first short page, or after an error.
    pub fn stream<'a, O: Paginated>(
        &'a self,
        mut operation: O,
        options: RequestOptions,
    ) -> impl Stream<Item = Result<O::Item, Error>> + 'a {
        let (offset, limit) = operation.window();
        let (offset, limit) = (
            offset.unwrap_or(0),
            limit.unwrap_or(self.inner.config.page_size),
        );
        paginate(offset, limit, move |offset, limit| {
            let mut page = operation.clone();
            let window = page.window();
            (*window.0, *window.1) = (Some(offset), Some(limit));
            let options = options.clone();
            async move { self.call(&page, &options).await.map(Response::into_body) }
        })
    }

    /// Sends `request`: picks the credential, then tries as the retry policy allows.
    /// Returns the 2xx response, or the error of the last attempt.
    ///
    /// The URL, headers and body are built once per call; an attempt after the first
    /// shares them (the body is reference-counted, not copied).
    pub async fn execute(
        &self,
        request: Request,
        options: &RequestOptions,
    ) -> Result<RawResponse, Error> {
        #[cfg(feature = "tracing")]
        let span = tracing::info_span!(
            "rebilly.call",
            operation = request.operation,
            method = %request.method,
            path = if request.template.is_empty() { "(custom)" } else { request.template },
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        #[cfg(not(feature = "tracing"))]
        let span = Trace;
        let call = async {
            match options.deadline.or(self.inner.config.deadline) {
                // Everything of the call is inside this future: at the deadline, or when the
                // caller drops it, nothing of it keeps running (no task is spawned).
                Some(deadline) => {
                    tokio::time::timeout(deadline, self.attempts(request, options, &span))
                        .await
                        .unwrap_or(Err(Error::Deadline(deadline)))
                }
                None => self.attempts(request, options, &span).await,
            }
        };
        // Without a subscriber that wants the span, the call runs without one.
        #[cfg(feature = "tracing")]
        if !span.is_disabled() {
            return tracing::Instrument::instrument(call, span.clone()).await;
        }
        call.await
    }

    async fn attempts(
        &self,
        mut request: Request,
        options: &RequestOptions,
        span: &Trace,
    ) -> Result<RawResponse, Error> {
        #[cfg(not(feature = "tracing"))]
        let _ = span;
        let credentials = options.credentials.as_ref().unwrap_or(&self.credentials);
        let (operation, template) = (request.operation, request.template);
        let config = &self.inner.config;
        let policy = options.retry.as_ref().unwrap_or(&config.retry);
        // The client's timeout is the HTTP client's default; only an override is set per call.
        let timeout = options.timeout;

        let url = if request.absolute {
            reqwest::Url::parse(request.finish_path()?)
        } else {
            let path = request.finish_path()?;
            let mut url = String::with_capacity(config.base_url.len() + path.len());
            url.push_str(&config.base_url);
            url.push_str(path);
            reqwest::Url::parse(&url)
        };
        let mut url = url.map_err(|e| Error::Encode(format!("URL {:?}: {e}", request.path)))?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        // Room for what reqwest adds too (its default headers: the user agent), so that the map
        // never grows.
        let mut headers =
            HeaderMap::with_capacity(5 + request.headers.len() + options.headers.len());
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_VALUE));
        for (name, value) in request.headers {
            headers.append(name, value);
        }
        for (name, value) in &options.headers {
            let (name, value) = header_pair(name, value)?;
            headers.append(name, value);
        }
        credentials.apply(request.security, request.operation, &mut headers)?;
        let body = request.body.map(|(media, bytes)| {
            headers.insert(CONTENT_TYPE, media);
            bytes
        });
        let method = request.method;
        // Each attempt but the last sends a copy (the body is reference-counted, not copied);
        // the last one, the only one without retries, sends the request itself.
        let mut parts = Some((url, headers, body));
        let mut attempt_request = |last: bool| {
            let (url, headers, body) = if last {
                parts.take()?
            } else {
                let (url, headers, body) = parts.as_ref()?;
                (url.clone(), headers.clone(), body.clone())
            };
            let mut attempt = reqwest::Request::new(method.clone(), url);
            *attempt.headers_mut() = headers;
            *attempt.body_mut() = body.map(reqwest::Body::from);
            if timeout.is_some() {
                *attempt.timeout_mut() = timeout;
            }
            Some(attempt)
        };

        // Only a call that may be retried needs to know when it started.
        let started = (policy.max_attempts > 1).then(Instant::now);
        let budget = self.inner.budget.as_ref();
        // What this call's retries took from the budget.
        let mut taken = 0;
        let mut attempt = 1;
        loop {
            let Some(mut sent) = attempt_request(attempt >= policy.max_attempts) else {
                return Err(Error::Config("no request left to send".into()));
            };
            #[cfg(feature = "tracing")]
            span.record("attempts", attempt);
            let hooks = &self.inner.hooks;
            let info = (!hooks.is_empty()).then_some(Attempt {
                operation,
                method: &method,
                path_template: template,
                number: attempt,
            });
            if let Some(info) = &info {
                for hook in hooks {
                    hook.before_attempt(info, &mut sent);
                }
            }
            let sent_at = info.is_some().then(Instant::now);
            #[cfg(feature = "test-util")]
            let mock = self.inner.mock.as_ref();
            #[cfg(not(feature = "test-util"))]
            let mock: Option<&NoMock> = None;
            let outcome = match mock {
                Some(mock) => Ok(mock.answer(operation, sent)),
                None => match self.inner.http.execute(sent).await {
                    Ok(mut response) => {
                        let status = response.status();
                        let headers = std::mem::take(response.headers_mut());
                        response.bytes().await.map(|body| (status, headers, body))
                    }
                    Err(e) => Err(e),
                },
            };
            if let (Some(info), Some(sent_at)) = (&info, sent_at) {
                let elapsed = sent_at.elapsed();
                let seen = match &outcome {
                    Ok((status, headers, _)) => AttemptOutcome::Response {
                        status: *status,
                        headers,
                        elapsed,
                    },
                    Err(e) => AttemptOutcome::Failed {
                        timeout: e.is_timeout(),
                        elapsed,
                    },
                };
                for hook in hooks {
                    hook.after_attempt(info, &seen);
                }
            }
            #[cfg(feature = "tracing")]
            if let Ok((status, _, _)) = &outcome {
                span.record("status", status.as_u16());
            }
            let (wait, error) = match outcome {
                Ok((status, headers, body)) if status.is_success() => {
                    if let Some(budget) = budget {
                        budget.succeeded(taken);
                    }
                    return Ok(RawResponse {
                        status,
                        headers,
                        body,
                    });
                }
                Ok((status, headers, _)) if status.is_redirection() => {
                    return Err(Error::Redirect {
                        status,
                        location: headers
                            .get(http::header::LOCATION)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned),
                        headers: Box::new(headers),
                    })
                }
                Ok((status, headers, body)) => {
                    let wait = policy.after_status(status, &headers, &method, attempt);
                    (wait, Error::from_response(status, headers, &body))
                }
                Err(e) => {
                    // A connection that was never established cannot have reached the server.
                    let wait = (e.is_connect() || policy.may_repeat(&method))
                        .then(|| policy.backoff(attempt));
                    (
                        wait,
                        if e.is_timeout() {
                            Error::Timeout(e)
                        } else {
                            Error::Transport(e)
                        },
                    )
                }
            };
            let allowed = |wait: Duration| {
                attempt < policy.max_attempts
                    && started.is_some_and(|t| t.elapsed() + wait <= policy.max_elapsed)
            };
            let paid = |after_timeout: bool| match budget {
                None => Some(0),
                Some(budget) => budget.withdraw(after_timeout),
            };
            match wait {
                Some(wait) if allowed(wait) => {
                    let Some(cost) = paid(matches!(error, Error::Timeout(_))) else {
                        #[cfg(feature = "tracing")]
                        tracing::debug!(attempt, "retry budget spent: not retried");
                        return Err(error);
                    };
                    taken += cost;
                    #[cfg(feature = "tracing")]
                    tracing::info!(
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        reason = %retry_reason(&error),
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                _ => return Err(error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built by `scripts/test` with `--no-default-features` too, where it checks that https
    /// is refused up front rather than failing on the first call.
    #[test]
    fn https_needs_a_tls_backend_and_http_does_not() {
        let https = Client::builder().organization_id("org").build();
        match (TLS, https) {
            (true, Ok(_)) => {}
            (false, Err(Error::Config(message))) => assert!(message.contains("needs TLS")),
            (tls, other) => panic!("TLS compiled in: {tls}; got {other:?}"),
        }
        let http = Client::builder().base_url("http://127.0.0.1:9").build();
        assert!(http.is_ok());
    }

    #[test]
    fn a_reqwest_client_of_ones_own_builds_once_the_provider_is_installed() {
        install_crypto_provider();
        let _ = reqwest::Client::new();
    }
}
