//! The client: configuration, and one call with credentials, timeouts and retries.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::Stream;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::budget::{Pool, RetryBudget};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::hook::{Attempt, AttemptOutcome, Hook};
use crate::media::{read_limited, Download, ReadError, DEFAULT_MAX_BODY};
use crate::operation::{Decoder as _, Operation, Paginated, JSON_ACCEPT};
use crate::paginate::paginate;
use crate::request::{header_pair, Request};
use crate::response::{RawResponse, Response};
use crate::retry::RetryPolicy;
use crate::secret::Secret;

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
    max_body_size: usize,
}

impl Config {
    /// The longest body read into memory, in bytes.
    pub fn max_body_size(&self) -> usize {
        self.max_body_size
    }

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
    max_body_size: usize,
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
            max_body_size: DEFAULT_MAX_BODY,
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

    /// The longest body read into memory, in bytes (JSON, text, bytes and error bodies;
    /// default 64 MiB). A longer one ends the call with [`Error::BodyTooLarge`] as soon as it
    /// passes the limit, instead of being read until the timeout. Bodies streamed with
    /// [`Client::download`] have no limit.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
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
            max_body_size: self.max_body_size,
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
        request.accept = operation.accept();
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
        let (status, headers, body) = self.run(request, options, false).await?;
        let body = match body {
            Body::Full(bytes) => bytes,
            // Not asked for: a live body is only kept when streaming.
            Body::Live(_) => return Err(Error::Config("a body left unread".into())),
        };
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    /// Calls `operation` and returns its 2xx response with the body unread, to stream it to
    /// a file or writer ([`Download`]). Retries end once the status and headers arrive; the
    /// body is read as the caller reads it, with no size limit, and no deadline or retry
    /// covers it (the client's timeout per attempt still does).
    pub async fn download<O: Operation>(
        &self,
        operation: &O,
        options: &RequestOptions,
    ) -> Result<Download, Error> {
        let mut request = Request::at::<O>(&self.inner.config.base_url);
        request.accept = operation.accept();
        operation.describe(&mut request)?;
        let (status, headers, body) = self.run(request, options, true).await?;
        Ok(match body {
            Body::Live(response) => Download::live(response, headers),
            Body::Full(bytes) => Download::buffered(status, headers, bytes),
        })
    }

    /// The call inside its span and its deadline.
    async fn run(
        &self,
        request: Request,
        options: &RequestOptions,
        stream: bool,
    ) -> Result<Answer, Error> {
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
                    tokio::time::timeout(deadline, self.attempts(request, options, &span, stream))
                        .await
                        .unwrap_or(Err(Error::Deadline(deadline)))
                }
                None => self.attempts(request, options, &span, stream).await,
            }
        };
        // Without a subscriber that wants the span, the call runs without one.
        #[cfg(feature = "tracing")]
        if !span.is_disabled() {
            return tracing::Instrument::instrument(call, span.clone()).await;
        }
        call.await
    }

    /// The URL, headers (credentials included) and body of a request, built once per call.
    fn prepare(&self, mut request: Request, options: &RequestOptions) -> Result<Prepared, Error> {
        let credentials = options.credentials.as_ref().unwrap_or(&self.credentials);
        let config = &self.inner.config;
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
            url.set_query(Some(&request.query));
        }
        // Room for what reqwest adds too (its default headers: the user agent), so that the map
        // never grows.
        let mut headers =
            HeaderMap::with_capacity(5 + request.headers.len() + options.headers.len());
        let accept = if request.accept == JSON_ACCEPT {
            HeaderValue::from_static(JSON_ACCEPT)
        } else {
            HeaderValue::from_str(request.accept)
                .map_err(|_| Error::Encode(format!("Accept {:?}", request.accept)))?
        };
        headers.insert(ACCEPT, accept);
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
        Ok(Prepared {
            method: request.method,
            url,
            headers,
            body,
        })
    }

    async fn attempts(
        &self,
        request: Request,
        options: &RequestOptions,
        span: &Trace,
        stream: bool,
    ) -> Result<Answer, Error> {
        #[cfg(not(feature = "tracing"))]
        let _ = span;
        let (operation, template) = (request.operation, request.template);
        let policy = options.retry.as_ref().unwrap_or(&self.inner.config.retry);
        let prepared = self.prepare(request, options)?;
        let method = prepared.method.clone();
        // Each attempt but the last sends a copy (the body is reference-counted, not copied);
        // the last one, the only one without retries, sends the request itself.
        let mut parts = Some(prepared);
        // Only a call that may be retried needs to know when it started.
        let started = (policy.max_attempts > 1).then(Instant::now);
        let budget = self.inner.budget.as_ref();
        // What this call's retries took from the budget.
        let mut taken = 0;
        let mut attempt = 1;
        loop {
            let last = attempt >= policy.max_attempts;
            let Some(sent) = Prepared::attempt(&mut parts, last, options.timeout) else {
                return Err(Error::Config("no request left to send".into()));
            };
            #[cfg(feature = "tracing")]
            span.record("attempts", attempt);
            let info = Attempt {
                operation,
                method: &method,
                path_template: template,
                number: attempt,
            };
            let outcome = self.attempt(sent, &info, stream).await;
            #[cfg(feature = "tracing")]
            if let Ok((status, _, _)) = &outcome {
                span.record("status", status.as_u16());
            }
            let (wait, error) = match judge(outcome, policy, &method, attempt) {
                Ok(answer) => {
                    if let Some(budget) = budget {
                        budget.succeeded(taken);
                    }
                    return Ok(answer);
                }
                Err(Verdict::Fail(error)) => return Err(error),
                Err(Verdict::Retry(wait, error)) => (wait, error),
            };
            let allowed = |wait: Duration| {
                attempt < policy.max_attempts
                    && started.is_some_and(|t| t.elapsed() + wait <= policy.max_elapsed)
            };
            let Some(wait) = wait.filter(|w| allowed(*w)) else {
                return Err(error);
            };
            let cost = match budget {
                None => 0,
                Some(budget) => match budget.withdraw(matches!(error, Error::Timeout(_))) {
                    Some(cost) => cost,
                    None => {
                        #[cfg(feature = "tracing")]
                        tracing::debug!(attempt, "retry budget spent: not retried");
                        return Err(error);
                    }
                },
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
    }

    /// One attempt: the hooks before it, the exchange (with the test mock or the network),
    /// and the hooks after it.
    async fn attempt(
        &self,
        mut sent: reqwest::Request,
        info: &Attempt<'_>,
        stream: bool,
    ) -> Result<Answer, Failure> {
        let hooks = &self.inner.hooks;
        for hook in hooks {
            hook.before_attempt(info, &mut sent);
        }
        let sent_at = (!hooks.is_empty()).then(Instant::now);
        #[cfg(feature = "test-util")]
        let mock = self.inner.mock.as_ref();
        #[cfg(not(feature = "test-util"))]
        let mock: Option<&NoMock> = None;
        let outcome = match mock {
            Some(mock) => {
                let (status, headers, body) = mock.answer(info.operation, sent);
                Ok((status, headers, Body::Full(body)))
            }
            None => match self.inner.http.execute(sent).await {
                Ok(mut response) => {
                    let status = response.status();
                    let headers = std::mem::take(response.headers_mut());
                    let limit = self.inner.config.max_body_size;
                    let read = if stream && status.is_success() {
                        Ok(Body::Live(response))
                    } else {
                        read_limited(response, limit)
                            .await
                            .map(Body::Full)
                            .map_err(|e| e.into_failure(status, limit))
                    };
                    read.map(|body| (status, headers, body))
                }
                Err(e) => Err(Failure::Http(e)),
            },
        };
        if let Some(sent_at) = sent_at {
            let elapsed = sent_at.elapsed();
            let seen = match &outcome {
                Ok((status, headers, _)) => AttemptOutcome::Response {
                    status: *status,
                    headers,
                    elapsed,
                },
                Err(e) => AttemptOutcome::Failed {
                    timeout: matches!(e, Failure::Http(e) if e.is_timeout()),
                    elapsed,
                },
            };
            for hook in hooks {
                hook.after_attempt(info, &seen);
            }
        }
        outcome
    }
}

/// The status, headers and body of an answer.
type Answer = (StatusCode, HeaderMap, Body);

/// A response body: read, or (a download's) still on the connection.
enum Body {
    Full(bytes::Bytes),
    Live(reqwest::Response),
}

impl ReadError {
    fn into_failure(self, status: StatusCode, limit: usize) -> Failure {
        match self {
            ReadError::Http(e) => Failure::Http(e),
            ReadError::TooLarge => Failure::TooLarge(status, limit),
        }
    }
}

/// Why an attempt brought back no answer.
enum Failure {
    Http(reqwest::Error),
    TooLarge(StatusCode, usize),
}

/// What to do after an attempt that did not succeed.
enum Verdict {
    /// Retry after the wait, if the policy and the budget allow; else this error.
    Retry(Option<Duration>, Error),
    /// Stop with this error.
    Fail(Error),
}

/// The request of a call, built once; each attempt sends it or a copy of it.
struct Prepared {
    method: reqwest::Method,
    url: reqwest::Url,
    headers: HeaderMap,
    body: Option<bytes::Bytes>,
}

impl Prepared {
    /// The request of one attempt: a copy, or for the `last` one the request itself.
    fn attempt(
        parts: &mut Option<Prepared>,
        last: bool,
        timeout: Option<Duration>,
    ) -> Option<reqwest::Request> {
        let Prepared {
            method,
            url,
            headers,
            body,
        } = if last {
            parts.take()?
        } else {
            let p = parts.as_ref()?;
            Prepared {
                method: p.method.clone(),
                url: p.url.clone(),
                headers: p.headers.clone(),
                body: p.body.clone(),
            }
        };
        let mut attempt = reqwest::Request::new(method, url);
        *attempt.headers_mut() = headers;
        *attempt.body_mut() = body.map(reqwest::Body::from);
        // The client's timeout is the HTTP client's default; only an override is set per call.
        if timeout.is_some() {
            *attempt.timeout_mut() = timeout;
        }
        Some(attempt)
    }
}

/// A 2xx answer, or what to do after an attempt that brought none.
fn judge(
    outcome: Result<Answer, Failure>,
    policy: &RetryPolicy,
    method: &reqwest::Method,
    attempt: u32,
) -> Result<Answer, Verdict> {
    match outcome {
        Ok(answer) if answer.0.is_success() => Ok(answer),
        Ok((status, headers, _)) if status.is_redirection() => {
            Err(Verdict::Fail(Error::Redirect {
                status,
                location: headers
                    .get(http::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
                headers: Box::new(headers),
            }))
        }
        Ok((status, headers, body)) => {
            let wait = policy.after_status(status, &headers, method, attempt);
            let body = match &body {
                Body::Full(bytes) => bytes.as_ref(),
                Body::Live(_) => &[],
            };
            Err(Verdict::Retry(
                wait,
                Error::from_response(status, headers, body),
            ))
        }
        Err(Failure::TooLarge(status, limit)) => {
            Err(Verdict::Fail(Error::BodyTooLarge { status, limit }))
        }
        Err(Failure::Http(e)) => {
            // A connection that was never established cannot have reached the server.
            let wait =
                (e.is_connect() || policy.may_repeat(method)).then(|| policy.backoff(attempt));
            let error = if e.is_timeout() {
                Error::Timeout(e)
            } else {
                Error::Transport(e)
            };
            Err(Verdict::Retry(wait, error))
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
