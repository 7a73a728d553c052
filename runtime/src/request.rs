//! A request as generated code describes it.

use bytes::Bytes;
use http::{HeaderName, HeaderValue};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use crate::credentials::Scheme;
use crate::error::Error;
use crate::operation::Operation;

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
    /// The path so far: the template's literal parts and the encoded parameters given.
    pub(crate) path: String,
    /// The part of the path template not yet copied into `path`.
    rest: &'static str,
    /// The operation's path template (empty for a request made with [`Request::new`]): what
    /// traces show, never the filled-in path, which may hold a token.
    pub(crate) template: &'static str,
    /// `path` starts with the client's base URL (a request made by [`Client::call`](crate::Client::call)).
    pub(crate) absolute: bool,
    pub(crate) operation: &'static str,
    pub(crate) security: &'static [&'static [Scheme]],
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<(HeaderValue, Bytes)>,
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
            rest: "",
            template: "",
            absolute: false,
            operation,
            security,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// The request of operation `O`, before its values are added
    /// ([`Operation::describe`] adds them).
    pub fn of<O: Operation>() -> Self {
        Self::at::<O>("")
    }

    /// The request of operation `O` to the API at `base`: the URL is written once, into one
    /// string, as the path parameters arrive.
    pub(crate) fn at<O: Operation>(base: &str) -> Self {
        let mut path = String::with_capacity(base.len() + O::PATH.len() + 32);
        path.push_str(base);
        Request {
            method: O::METHOD,
            path,
            rest: O::PATH,
            template: O::PATH,
            absolute: !base.is_empty(),
            operation: O::ID,
            security: O::SECURITY,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Fills the next `{parameter}` of the path template with `value`, percent-encoded as
    /// one path segment.
    pub fn path_param<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let Some(start) = self.rest.find('{') else {
            return Err(Error::Encode(format!(
                "{}: more path parameters than the path has",
                self.operation
            )));
        };
        let end = self.rest[start..]
            .find('}')
            .map_or(self.rest.len(), |len| start + len + 1);
        self.path.push_str(&self.rest[..start]);
        match serde_json::to_value(value) {
            Ok(Value::String(text)) => push_segment(&mut self.path, &text),
            Ok(other) => push_segment(&mut self.path, &scalar_text(other)),
            Err(e) => return Err(Error::Encode(format!("path parameter: {e}"))),
        }
        self.rest = &self.rest[end..];
        Ok(())
    }

    /// The path relative to the base URL: the template with every parameter filled, or
    /// [`Error::Encode`] naming a parameter that was not given.
    pub(crate) fn finish_path(&mut self) -> Result<&str, Error> {
        if let Some(start) = self.rest.find('{') {
            let missing = self.rest[start..].split_inclusive('}').next().unwrap_or("");
            return Err(Error::Encode(format!(
                "{}: path parameter {missing} not given",
                self.operation
            )));
        }
        self.path.push_str(self.rest);
        self.rest = "";
        Ok(&self.path)
    }

    /// Adds a query parameter. Lists repeat the name; objects become `name[key]=value`;
    /// `None` (JSON `null`) adds nothing.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = serde_json::to_value(value)
            .map_err(|e| Error::Encode(format!("query parameter {name}: {e}")))?;
        push_flat(&mut self.query, name.to_string(), value);
        Ok(())
    }

    /// Adds a header parameter. Lists are joined with commas; `None` (JSON `null`) adds
    /// nothing.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = serde_json::to_value(value)
            .map_err(|e| Error::Encode(format!("header {name}: {e}")))?;
        let text = match value {
            Value::Null => return Ok(()),
            Value::Array(items) => items
                .into_iter()
                .map(scalar_text)
                .collect::<Vec<_>>()
                .join(","),
            other => scalar_text(other),
        };
        let header = header_pair(name, &text)?;
        self.headers.push(header);
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
        self.body = Some((media_value(media_type)?, Bytes::from(bytes)));
        Ok(())
    }

    /// Sets a raw body.
    pub fn bytes_body(&mut self, media_type: &str, body: &[u8]) -> Result<(), Error> {
        self.body = Some((media_value(media_type)?, Bytes::copy_from_slice(body)));
        Ok(())
    }

    /// The operation id.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The operation's path template, e.g. `/credentials/{id}` (empty for a request made
    /// with [`Request::new`]). Traces show it rather than the path, which may hold a token.
    pub fn path_template(&self) -> &'static str {
        self.template
    }
}

fn media_value(media_type: &str) -> Result<HeaderValue, Error> {
    if media_type == "application/json" {
        return Ok(HeaderValue::from_static("application/json"));
    }
    HeaderValue::from_str(media_type)
        .map_err(|_| Error::Encode(format!("`{media_type}` is not a valid media type")))
}

/// A header as `http` types, or [`Error::Encode`] naming the header.
pub(crate) fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let header = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::Encode(format!("`{name}` is not a valid header name")))?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| Error::Encode(format!("the value of header `{name}` is not valid")))?;
    Ok((header, value))
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
    let mut out = String::with_capacity(text.len());
    push_segment(&mut out, &text);
    out
}

fn push_segment(out: &mut String, text: &str) {
    for part in utf8_percent_encode(text, SEGMENT) {
        out.push_str(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Exchange;
    impl Operation for Exchange {
        type Output = ();
        type Decoder = crate::operation::Empty;
        const ID: &'static str = "Exchange";
        const METHOD: reqwest::Method = reqwest::Method::POST;
        const PATH: &'static str = "/tokens/{token}/exchange/{n}";
        const SECURITY: crate::Security = &[];
    }

    #[test]
    fn fills_the_path_template_in_order() {
        let mut r = Request::of::<Exchange>();
        r.path_param("a b/c").unwrap();
        r.path_param(&7).unwrap();
        assert_eq!(r.finish_path().unwrap(), "/tokens/a%20b%2Fc/exchange/7");
        assert!(matches!(r.path_param("x"), Err(Error::Encode(_))));

        let mut unfilled = Request::of::<Exchange>();
        unfilled.path_param("t").unwrap();
        let Err(Error::Encode(message)) = unfilled.finish_path() else {
            panic!("a parameter left out is an error");
        };
        assert_eq!(message, "Exchange: path parameter {n} not given");
        assert_eq!(unfilled.operation(), "Exchange");
    }

    #[test]
    fn header_parameters_skip_none_and_reject_bad_values() {
        let mut r = Request::new(reqwest::Method::GET, "/x".into(), "op", &[]);
        r.header("X-Absent", &Option::<String>::None).unwrap();
        r.header("X-List", &["a", "b"]).unwrap();
        assert_eq!(r.headers.len(), 1);
        assert_eq!(r.headers[0].1, "a,b");
        assert!(matches!(
            r.header("X-Bad", "line\nbreak"),
            Err(Error::Encode(_))
        ));
        assert!(matches!(r.header("bad name", "v"), Err(Error::Encode(_))));
    }

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
