//! Credentials and the security schemes that operations accept.

use std::fmt;

use http::{HeaderName, HeaderValue};

use crate::error::Error;
use crate::secret::Secret;

/// Header of Rebilly's secret API key.
pub const SECRET_API_KEY_HEADER: &str = "REB-APIKEY";
/// Header of Rebilly's publishable API key (sent raw, without a scheme).
pub const PUBLISHABLE_KEY_HEADER: &str = "Authorization";

/// A way of authenticating that an operation accepts, as its spec's security scheme says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// An API key sent in a header.
    ApiKey {
        /// The scheme's name in the spec.
        scheme: &'static str,
        /// The header.
        header: &'static str,
    },
    /// A token sent as `Authorization: Bearer <token>`.
    Bearer {
        /// The scheme's name in the spec.
        scheme: &'static str,
    },
    /// HTTP basic authentication.
    Basic {
        /// The scheme's name in the spec.
        scheme: &'static str,
    },
}

impl Scheme {
    fn name(&self) -> &'static str {
        match self {
            Scheme::ApiKey { scheme, .. }
            | Scheme::Bearer { scheme }
            | Scheme::Basic { scheme } => scheme,
        }
    }
}

/// The credentials a client (or one call) may send. Each call sends exactly one of them:
/// the first that the operation's security requirement accepts, in the spec's order.
///
/// `Debug` shows which credentials are set, never their values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    api_keys: Vec<(String, Secret)>,
    bearer: Option<Secret>,
    basic: Option<(String, Secret)>,
}

impl Credentials {
    /// No credentials.
    pub fn none() -> Self {
        Self::default()
    }

    /// A secret API key (`REB-APIKEY` header). Server side only.
    pub fn secret_api_key(key: impl Into<Secret>) -> Self {
        Self::default().with_api_key(SECRET_API_KEY_HEADER, key)
    }

    /// A publishable API key (sent raw in `Authorization`); only some operations accept it.
    pub fn publishable_key(key: impl Into<Secret>) -> Self {
        Self::default().with_api_key(PUBLISHABLE_KEY_HEADER, key)
    }

    /// A JWT, sent as `Authorization: Bearer <jwt>` (for example a customer JWT from the exchange operation).
    pub fn jwt(token: impl Into<Secret>) -> Self {
        Self::default().with_jwt(token)
    }

    /// Adds (or replaces) an API key for the header `header`.
    pub fn with_api_key(mut self, header: &str, key: impl Into<Secret>) -> Self {
        self.api_keys
            .retain(|(h, _)| !h.eq_ignore_ascii_case(header));
        self.api_keys.push((header.to_string(), key.into()));
        self
    }

    /// Adds (or replaces) the secret API key.
    pub fn with_secret_api_key(self, key: impl Into<Secret>) -> Self {
        self.with_api_key(SECRET_API_KEY_HEADER, key)
    }

    /// Adds (or replaces) the publishable key.
    pub fn with_publishable_key(self, key: impl Into<Secret>) -> Self {
        self.with_api_key(PUBLISHABLE_KEY_HEADER, key)
    }

    /// Adds (or replaces) the bearer token.
    pub fn with_jwt(mut self, token: impl Into<Secret>) -> Self {
        self.bearer = Some(token.into());
        self
    }

    /// Adds (or replaces) HTTP basic credentials.
    pub fn with_basic(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.basic = Some((user.into(), password.into()));
        self
    }

    /// No credential is set.
    pub fn is_empty(&self) -> bool {
        self.api_keys.is_empty() && self.bearer.is_none() && self.basic.is_none()
    }

    fn header_for(&self, scheme: &Scheme) -> Option<(String, String)> {
        match scheme {
            Scheme::ApiKey { header, .. } => self
                .api_keys
                .iter()
                .find(|(h, _)| h.eq_ignore_ascii_case(header))
                .map(|(h, k)| (h.clone(), k.expose().to_string())),
            Scheme::Bearer { .. } => self.bearer.as_ref().map(|t| {
                (
                    "Authorization".to_string(),
                    format!("Bearer {}", t.expose()),
                )
            }),
            Scheme::Basic { .. } => self.basic.as_ref().map(|(user, password)| {
                use base64::Engine as _;
                let pair = format!("{user}:{}", password.expose());
                (
                    "Authorization".to_string(),
                    format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(pair)
                    ),
                )
            }),
        }
    }

    /// The headers to send for an operation that accepts any one of `alternatives`
    /// (each alternative a set of schemes that must all be satisfied).
    ///
    /// Fails, before anything is sent, when no alternative can be satisfied.
    pub fn headers_for(
        &self,
        alternatives: &[&[Scheme]],
        operation: &'static str,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
        for alternative in alternatives {
            let headers: Option<Vec<(String, String)>> =
                alternative.iter().map(|s| self.header_for(s)).collect();
            let Some(headers) = headers else { continue };
            return headers
                .into_iter()
                .map(|(name, value)| {
                    let name = HeaderName::try_from(name.as_str()).map_err(|_| {
                        Error::Config(format!("`{name}` is not a valid header name"))
                    })?;
                    let mut value = HeaderValue::try_from(value).map_err(|_| {
                        Error::Config(format!(
                            "the credential for `{name}` is not a valid header value"
                        ))
                    })?;
                    value.set_sensitive(true);
                    Ok((name, value))
                })
                .collect();
        }
        Err(Error::MissingCredentials {
            operation,
            accepted: alternatives
                .iter()
                .map(|alt| alt.iter().map(Scheme::name).collect::<Vec<_>>().join(" + "))
                .collect(),
        })
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        for (header, _) in &self.api_keys {
            d.field(header, &"[redacted]");
        }
        if self.bearer.is_some() {
            d.field("bearer", &"[redacted]");
        }
        if let Some((user, _)) = &self.basic {
            d.field("basic", &format!("{user}:[redacted]"));
        }
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGIN: &[&[Scheme]] = &[
        &[Scheme::ApiKey {
            scheme: "SecretApiKey",
            header: "REB-APIKEY",
        }],
        &[Scheme::Bearer { scheme: "JWT" }],
        &[Scheme::ApiKey {
            scheme: "PublishableApiKey",
            header: "Authorization",
        }],
    ];

    fn sent(c: &Credentials) -> Vec<(String, String)> {
        c.headers_for(LOGIN, "op")
            .unwrap()
            .into_iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect()
    }

    #[test]
    fn picks_the_first_accepted_credential_only() {
        let all = Credentials::secret_api_key("sk")
            .with_jwt("jwt")
            .with_publishable_key("pk");
        assert_eq!(sent(&all), vec![("reb-apikey".into(), "sk".into())]);
        assert_eq!(
            sent(&Credentials::jwt("t")),
            vec![("authorization".into(), "Bearer t".into())]
        );
        assert_eq!(
            sent(&Credentials::publishable_key("pk")),
            vec![("authorization".into(), "pk".into())]
        );
    }

    #[test]
    fn missing_credentials_name_the_accepted_schemes() {
        let err = Credentials::publishable_key("pk")
            .headers_for(
                &[
                    &[Scheme::ApiKey {
                        scheme: "SecretApiKey",
                        header: "REB-APIKEY",
                    }],
                    &[Scheme::Bearer { scheme: "JWT" }],
                ],
                "GetCredential",
            )
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("GetCredential") && text.contains("SecretApiKey") && text.contains("JWT"),
            "{text}"
        );
    }

    #[test]
    fn basic_and_debug() {
        const BASIC: &[&[Scheme]] = &[&[Scheme::Basic { scheme: "Basic" }]];
        let headers = Credentials::none()
            .with_basic("Aladdin", "open sesame")
            .headers_for(BASIC, "op")
            .unwrap();
        assert_eq!(headers[0].1, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        let debug = format!(
            "{:?}",
            Credentials::secret_api_key("sk_123")
                .with_jwt("eyJhbGci")
                .with_basic("u", "pw")
        );
        assert!(
            !debug.contains("sk_123") && !debug.contains("eyJhbGci") && !debug.contains("pw\""),
            "{debug}"
        );
    }
}
