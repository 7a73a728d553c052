//! A request as generated code describes it.

use bytes::Bytes;
use http::{HeaderName, HeaderValue};
use serde::Serialize;

use crate::credentials::Scheme;
use crate::error::Error;
use crate::operation::Operation;
use crate::style::{self, ParamStyle};

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
    /// The query string, encoded (without the `?`).
    pub(crate) query: String,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<(HeaderValue, Bytes)>,
    /// The `Accept` header.
    pub(crate) accept: &'static str,
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
            query: String::new(),
            headers: Vec::new(),
            body: None,
            accept: crate::operation::JSON_ACCEPT,
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
            query: String::new(),
            headers: Vec::new(),
            body: None,
            accept: crate::operation::JSON_ACCEPT,
        }
    }

    /// Fills the next `{parameter}` of the path template with `value`, percent-encoded as
    /// one path segment (style `simple`, not exploded: OpenAPI's default).
    pub fn path_param<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.path_param_styled("", value, ParamStyle::SIMPLE)
    }

    /// Fills the next `{parameter}` of the path template with `value`, the parameter `name`,
    /// written in `style` (`simple`, `label` or `matrix`).
    pub fn path_param_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Result<(), Error> {
        let Some(start) = self.rest.find('{') else {
            return Err(Error::Encode(format!(
                "{}: more path parameters than the path has",
                self.operation
            )));
        };
        let end = self.rest[start..]
            .find('}')
            .map_or(self.rest.len(), |len| start + len + 1);
        let value = serde_json::to_value(value)
            .map_err(|e| Error::Encode(format!("path parameter: {e}")))?;
        self.path.push_str(&self.rest[..start]);
        style::write_path(&mut self.path, name, &value, style);
        self.rest = &self.rest[end..];
        Ok(())
    }

    /// The path relative to the base URL: the template with every parameter filled, or
    /// [`Error::Encode`] naming a parameter that was not given.
    pub(crate) fn finish_path(&mut self) -> Result<&str, Error> {
        self.every_path_param_given()?;
        self.path.push_str(self.rest);
        self.rest = "";
        Ok(&self.path)
    }

    /// [`Error::Encode`] naming the first `{parameter}` of the path template not filled yet.
    fn every_path_param_given(&self) -> Result<(), Error> {
        let Some(start) = self.rest.find('{') else {
            return Ok(());
        };
        let missing = self.rest[start..].split_inclusive('}').next().unwrap_or("");
        Err(Error::Encode(format!(
            "{}: path parameter {missing} not given",
            self.operation
        )))
    }

    /// Adds a query parameter in style `form`, exploded (OpenAPI's default): lists repeat the
    /// name, objects become one parameter per member; `None` (JSON `null`) adds nothing.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        self.query_styled(name, value, ParamStyle::QUERY)
    }

    /// Adds a query parameter written in `style` (`form`, `spaceDelimited`,
    /// `pipeDelimited` or `deepObject`); `None` (JSON `null`) adds nothing.
    pub fn query_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Result<(), Error> {
        let value = serde_json::to_value(value)
            .map_err(|e| Error::Encode(format!("query parameter {name}: {e}")))?;
        style::write_query(&mut self.query, name, &value, style);
        Ok(())
    }

    /// Adds a header parameter (style `simple`, not exploded): lists are joined with commas,
    /// objects are `key,value` pairs; `None` (JSON `null`) adds nothing.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        self.header_styled(name, value, ParamStyle::SIMPLE)
    }

    /// Adds a header parameter written in `style` (`simple`; exploded, objects are
    /// `key=value` pairs); `None` (JSON `null`) adds nothing.
    pub fn header_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Result<(), Error> {
        let value = serde_json::to_value(value)
            .map_err(|e| Error::Encode(format!("header {name}: {e}")))?;
        let Some(text) = style::header_text(&value, style) else {
            return Ok(());
        };
        let header = header_pair(name, &text)?;
        self.headers.push(header);
        Ok(())
    }

    /// Where the request goes, relative to the base URL: the path with every parameter
    /// filled and the query string (`/items/.a.b?sort=-id,x`), or [`Error::Encode`] naming a
    /// path parameter that was not given.
    pub fn path_and_query(&self) -> Result<String, Error> {
        self.every_path_param_given()?;
        let mut out = format!("{}{}", self.path, self.rest);
        if !self.query.is_empty() {
            out.push('?');
            out.push_str(&self.query);
        }
        Ok(out)
    }

    /// The headers set by parameters (not yet the credentials or `Accept`).
    pub fn headers(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        self.headers.iter().map(|(n, v)| (n, v))
    }

    /// The body set so far, with its media type.
    pub fn body(&self) -> Option<(&HeaderValue, &[u8])> {
        self.body
            .as_ref()
            .map(|(media, bytes)| (media, bytes.as_ref()))
    }

    /// The query string so far, encoded.
    pub fn query_string(&self) -> &str {
        &self.query
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

    /// Sets an `application/x-www-form-urlencoded` body: each member of `body` (an object) as
    /// a `form` parameter, exploded (OpenAPI's default encoding for this media type).
    pub fn form_body<T: Serialize + ?Sized>(
        &mut self,
        media_type: &str,
        body: &T,
    ) -> Result<(), Error> {
        let value =
            serde_json::to_value(body).map_err(|e| Error::Encode(format!("request body: {e}")))?;
        let serde_json::Value::Object(members) = value else {
            return Err(Error::Encode(
                "a form body must be an object with members".into(),
            ));
        };
        let mut text = String::new();
        for (name, member) in &members {
            style::write_query(&mut text, name, member, ParamStyle::QUERY);
        }
        self.body = Some((media_value(media_type)?, Bytes::from(text)));
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

/// A path parameter value, percent-encoded as one path segment.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_value(value).unwrap_or_default();
    let mut out = String::new();
    style::write_path(&mut out, "", &text, ParamStyle::SIMPLE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::Style;

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
        r.query_styled("sort", &["-id", "x"], ParamStyle::new(Style::Form, false))
            .unwrap();
        r.query_styled(
            "filter",
            &serde_json::json!({"k": "v"}),
            ParamStyle::new(Style::DeepObject, true),
        )
        .unwrap();
        r.query("absent", &Option::<i32>::None).unwrap();
        assert_eq!(
            r.query_string(),
            "limit=10&tags=a&tags=b&sort=-id,x&filter[k]=v"
        );
    }

    #[test]
    fn form_bodies_are_form_encoded() {
        let mut r = Request::new(reqwest::Method::POST, "/x".into(), "op", &[]);
        let body = serde_json::json!({"a": "x y&z", "list": [1, 2], "none": null});
        r.form_body("application/x-www-form-urlencoded", &body)
            .unwrap();
        let (media, bytes) = r.body.clone().unwrap();
        assert_eq!(media, "application/x-www-form-urlencoded");
        assert_eq!(&bytes[..], b"a=x%20y%26z&list=1&list=2");
        assert!(matches!(
            r.form_body("application/x-www-form-urlencoded", &[1]),
            Err(Error::Encode(_))
        ));
    }

    #[test]
    fn path_parameters_in_their_styles() {
        let mut r = Request::of::<Exchange>();
        r.path_param_styled("token", &["a", "b"], ParamStyle::new(Style::Label, true))
            .unwrap();
        r.path_param_styled("n", &7, ParamStyle::new(Style::Matrix, false))
            .unwrap();
        r.query("q", "x y").unwrap();
        assert_eq!(
            r.path_and_query().unwrap(),
            "/tokens/.a.b/exchange/;n=7?q=x%20y"
        );
        assert_eq!(r.finish_path().unwrap(), "/tokens/.a.b/exchange/;n=7");
    }
}
