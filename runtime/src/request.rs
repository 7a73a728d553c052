//! A request as generated code describes it.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use crate::credentials::Scheme;
use crate::error::Error;

/// Characters escaped in a path segment: all but the RFC 3986 unreserved ones.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One request of an operation, before credentials and the base URL are added.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: reqwest::Method,
    pub(crate) path: String,
    pub(crate) operation: &'static str,
    pub(crate) security: &'static [&'static [Scheme]],
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<(String, Vec<u8>)>,
}

impl Request {
    /// A request for `operation` to `path` (relative to the base URL, already encoded),
    /// accepting any one of the `security` alternatives.
    pub fn new(
        method: reqwest::Method,
        path: String,
        operation: &'static str,
        security: &'static [&'static [Scheme]],
    ) -> Self {
        Request {
            method,
            path,
            operation,
            security,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a query parameter. Lists repeat the name; objects become `name[key]=value`.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = serde_json::to_value(value)
            .map_err(|e| Error::Encode(format!("query parameter {name}: {e}")))?;
        push_flat(&mut self.query, name.to_string(), value);
        Ok(())
    }

    /// Adds a header parameter. Lists are joined with commas.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = serde_json::to_value(value)
            .map_err(|e| Error::Encode(format!("header {name}: {e}")))?;
        let text = match value {
            Value::Array(items) => items
                .into_iter()
                .map(scalar_text)
                .collect::<Vec<_>>()
                .join(","),
            other => scalar_text(other),
        };
        self.headers.push((name.to_string(), text));
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json_body<T: Serialize + ?Sized>(
        &mut self,
        media_type: &str,
        body: &T,
    ) -> Result<(), Error> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| Error::Encode(format!("request body: {e}")))?;
        self.body = Some((media_type.to_string(), bytes));
        Ok(())
    }

    /// Sets a raw body.
    pub fn bytes_body(&mut self, media_type: &str, body: &[u8]) -> Result<(), Error> {
        self.body = Some((media_type.to_string(), body.to_vec()));
        Ok(())
    }

    /// The operation id.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
}

fn scalar_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn push_flat(out: &mut Vec<(String, String)>, name: String, value: Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                push_flat(out, name.clone(), item);
            }
        }
        Value::Object(members) => {
            for (k, v) in members {
                push_flat(out, format!("{name}[{k}]"), v);
            }
        }
        other => out.push((name, scalar_text(other))),
    }
}

/// A path parameter value, percent-encoded as one path segment.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_value(value)
        .map(scalar_text)
        .unwrap_or_default();
    utf8_percent_encode(&text, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_parameters() {
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(path_segment(&42), "42");
        let mut r = Request::new(reqwest::Method::GET, "/x".into(), "op", &[]);
        r.query("limit", &10).unwrap();
        r.query("tags", &["a", "b"]).unwrap();
        r.query("filter", &serde_json::json!({"k": "v"})).unwrap();
        r.query("absent", &Option::<i32>::None).unwrap();
        let q: Vec<(&str, &str)> = r
            .query
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            q,
            vec![
                ("limit", "10"),
                ("tags", "a"),
                ("tags", "b"),
                ("filter[k]", "v")
            ]
        );
    }
}
