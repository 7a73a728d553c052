//! Successful responses: body, status, headers, pages.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{body_text, Error};
use crate::media::{is_json, media_type, Binary};

/// A decoded response: the body plus the status and headers it came with.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// The body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The body, consuming the response.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The status (for example 200 when an upsert updated, 201 when it created).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Location` header: where a created resource lives.
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    /// The rate-limit headers.
    pub fn rate_limit(&self) -> RateLimit {
        RateLimit::from_headers(&self.headers)
    }
}

/// Rate-limit information from response headers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: tokens per period.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: tokens left in this period.
    pub remaining: Option<u64>,
    /// How long until a request may be sent again: `X-RateLimit-Retry-After` (a UTC
    /// timestamp in seconds or RFC 3339) or `Retry-After` (seconds or an HTTP date).
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    /// Reads the rate-limit headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let number = |name: &str| text(name).and_then(|v| v.parse().ok());
        let now = SystemTime::now();
        let until = |at: SystemTime| Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        let reset = text("X-RateLimit-Retry-After").and_then(|v| match v.parse::<u64>() {
            Ok(secs) => until(UNIX_EPOCH + Duration::from_secs(secs)),
            Err(_) => chrono::DateTime::parse_from_rfc3339(v)
                .ok()
                .and_then(|t| until(t.into())),
        });
        let retry_after = reset.or_else(|| {
            text("Retry-After").and_then(|v| match v.parse::<u64>() {
                Ok(secs) => Some(Duration::from_secs(secs)),
                Err(_) => httpdate::parse_http_date(v).ok().and_then(until),
            })
        });
        RateLimit {
            limit: number("X-RateLimit-Limit"),
            remaining: number("X-RateLimit-Remaining"),
            retry_after,
        }
    }
}

/// One page of a collection, with the pagination headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// `Pagination-Total`: items in the whole collection.
    pub total: Option<u64>,
    /// `Pagination-Limit`: the page size used.
    pub limit: Option<u64>,
    /// `Pagination-Offset`: items before this page.
    pub offset: Option<u64>,
}

impl<T> Page<T> {
    /// Offset of the page after this one, or `None` when this is the last page.
    pub fn next_offset(&self) -> Option<u64> {
        let offset = self.offset.unwrap_or(0);
        let next = offset + self.items.len() as u64;
        match self.total {
            Some(total) if next >= total => None,
            _ if self.items.is_empty() => None,
            Some(_) => Some(next),
            None if self.limit.is_some_and(|l| (self.items.len() as u64) < l) => None,
            None => Some(next),
        }
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A 2xx response before its body is decoded.
#[derive(Debug)]
pub struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: bytes::Bytes,
}

impl RawResponse {
    fn wrap<U>(self, body: U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body,
        }
    }

    fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|source| {
            // A body that is not JSON and says so: the server answered in another media type.
            match media_type(&self.headers).filter(|m| !is_json(m)) {
                Some(other) => Error::UnexpectedContentType {
                    status: self.status,
                    expected: "JSON",
                    content_type: Some(other),
                    body: body_text(&self.body),
                },
                None => Error::Decode {
                    status: self.status,
                    expected: std::any::type_name::<T>(),
                    body: body_text(&self.body),
                    source,
                },
            }
        })
    }

    /// Decodes a JSON body.
    pub fn json<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let body = self.decode()?;
        Ok(self.wrap(body))
    }

    /// Decodes a JSON array body and the pagination headers.
    pub fn page<T: DeserializeOwned>(self) -> Result<Response<Page<T>>, Error> {
        let items = self.decode()?;
        let header = |name: &str| {
            self.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
        };
        let page = Page {
            items,
            total: header("Pagination-Total"),
            limit: header("Pagination-Limit"),
            offset: header("Pagination-Offset"),
        };
        Ok(self.wrap(page))
    }

    /// A response without a body (any body is ignored).
    pub fn empty(self) -> Result<Response<()>, Error> {
        Ok(self.wrap(()))
    }

    /// The body as bytes, with its content type (PDF, CSV, images…).
    pub fn binary(mut self) -> Result<Response<Binary>, Error> {
        let body = Binary::new(media_type(&self.headers), std::mem::take(&mut self.body));
        Ok(self.wrap(body))
    }

    /// A text body (`text/plain`, `text/csv`…), which must be UTF-8.
    pub fn text(mut self) -> Result<Response<String>, Error> {
        let body = std::mem::take(&mut self.body);
        match String::from_utf8(body.to_vec()) {
            Ok(text) => Ok(self.wrap(text)),
            Err(_) => Err(Error::UnexpectedContentType {
                status: self.status,
                expected: "UTF-8 text",
                content_type: media_type(&self.headers),
                body: body_text(&body),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize, total: Option<u64>, offset: u64) -> Page<u8> {
        Page {
            items: vec![0; n],
            total,
            limit: Some(10),
            offset: Some(offset),
        }
    }

    #[test]
    fn next_offset_stops_at_total_or_short_page() {
        assert_eq!(page(10, Some(25), 0).next_offset(), Some(10));
        assert_eq!(page(5, Some(25), 20).next_offset(), None);
        assert_eq!(page(10, None, 0).next_offset(), Some(10));
        assert_eq!(page(3, None, 10).next_offset(), None);
        assert_eq!(page(0, Some(25), 10).next_offset(), None);
    }

    #[test]
    fn reads_retry_after_headers() {
        let mut h = HeaderMap::new();
        h.insert("Retry-After", "7".parse().unwrap());
        h.insert("X-RateLimit-Limit", "3000".parse().unwrap());
        let r = RateLimit::from_headers(&h);
        assert_eq!(
            (r.retry_after, r.limit, r.remaining),
            (Some(Duration::from_secs(7)), Some(3000), None)
        );
        let soon = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 100;
        h.insert("X-RateLimit-Retry-After", soon.to_string().parse().unwrap());
        let wait = RateLimit::from_headers(&h).retry_after.unwrap();
        assert!(
            wait > Duration::from_secs(90) && wait <= Duration::from_secs(100),
            "{wait:?}"
        );
    }
}
