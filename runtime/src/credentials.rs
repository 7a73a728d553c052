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
/// Each credential's header is made once, when it is set, not on every call.
/// `Debug` shows which credentials are set, never their values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    api_keys: Vec<Prepared>,
    bearer: Option<Prepared>,
    basic: Option<(String, Prepared)>,
}

/// A credential's header, made when the credential is set. A name or value that is not a
/// valid header is kept as the error to report when a call would send it.
#[derive(Clone, PartialEq, Eq)]
struct Prepared {
    name: String,
    header: Result<(HeaderName, HeaderValue), String>,
}

impl Prepared {
    fn new(name: &str, value: &str) -> Self {
        let header = match HeaderName::try_from(name) {
            Err(_) => Err(format!("`{name}` is not a valid header name")),
            Ok(header) => match HeaderValue::try_from(value) {
                Err(_) => Err(format!(
                    "the credential for `{name}` is not a valid header value"
                )),
                Ok(mut value) => {
                    value.set_sensitive(true);
                    Ok((header, value))
                }
            },
        };
        Prepared {
            name: name.to_string(),
            header,
        }
    }
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
            .retain(|p| !p.name.eq_ignore_ascii_case(header));
        self.api_keys
            .push(Prepared::new(header, key.into().expose()));
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
        let value = format!("Bearer {}", token.into().expose());
        self.bearer = Some(Prepared::new("Authorization", &value));
        self
    }

    /// Adds (or replaces) HTTP basic credentials.
    pub fn with_basic(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        use base64::Engine as _;
        let user = user.into();
        let pair = format!("{user}:{}", password.into().expose());
        let value = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        );
        self.basic = Some((user, Prepared::new("Authorization", &value)));
        self
    }

    /// No credential is set.
    pub fn is_empty(&self) -> bool {
        self.api_keys.is_empty() && self.bearer.is_none() && self.basic.is_none()
    }

    fn prepared_for(&self, scheme: &Scheme) -> Option<&Prepared> {
        match scheme {
            Scheme::ApiKey { header, .. } => self
                .api_keys
                .iter()
                .find(|p| p.name == *header || p.name.eq_ignore_ascii_case(header)),
            Scheme::Bearer { .. } => self.bearer.as_ref(),
            Scheme::Basic { .. } => self.basic.as_ref().map(|(_, p)| p),
        }
    }

    /// The first of `alternatives` (each a set of schemes that must all be satisfied) that
    /// these credentials satisfy.
    fn chosen<'s>(
        &self,
        alternatives: &[&'s [Scheme]],
        operation: &'static str,
    ) -> Result<&'s [Scheme], Error> {
        alternatives
            .iter()
            .copied()
            .find(|alternative| alternative.iter().all(|s| self.prepared_for(s).is_some()))
            .ok_or_else(|| Error::MissingCredentials {
                operation,
                accepted: alternatives
                    .iter()
                    .map(|alt| alt.iter().map(Scheme::name).collect::<Vec<_>>().join(" + "))
                    .collect(),
            })
    }

    /// Adds to `headers` the credential headers for an operation that accepts any one of
    /// `alternatives`. Fails, before anything is sent, when no alternative can be satisfied.
    pub(crate) fn apply(
        &self,
        alternatives: &'static [&'static [Scheme]],
        operation: &'static str,
        headers: &mut http::HeaderMap,
    ) -> Result<(), Error> {
        for scheme in self.chosen(alternatives, operation)? {
            if let Some(prepared) = self.prepared_for(scheme) {
                let (name, value) = prepared.header.clone().map_err(Error::Config)?;
                headers.insert(name, value);
            }
        }
        Ok(())
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
        let chosen: &[Scheme] = self.chosen(alternatives, operation)?;
        chosen
            .iter()
            .filter_map(|s| self.prepared_for(s))
            .map(|p| p.header.clone().map_err(Error::Config))
            .collect()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        for key in &self.api_keys {
            d.field(&key.name, &"[redacted]");
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
