//! What a generated operation says about itself. The runtime does the rest: it builds the
//! request, picks the credential, sends and retries, decodes, and walks pages.
//!
//! A generated SDK has one type per operation, holding that operation's parameters and body,
//! that implements [`Operation`] (and [`Paginated`] for collections). Its request builders
//! hand such a value to [`Client::call`](crate::Client::call) or
//! [`Client::stream`](crate::Client::stream), so the code that sends requests exists once,
//! here, however many operations an SDK has.

use serde::de::DeserializeOwned;

use crate::credentials::Scheme;
use crate::error::Error;
use crate::media::Binary;
use crate::request::Request;
use crate::response::{Page, RawResponse, Response};

/// The credentials an operation accepts: any one alternative, each a set of schemes that
/// must all be sent. An empty alternative means the operation may be called anonymously.
pub type Security = &'static [&'static [Scheme]];

/// The `Accept` of an operation that answers in JSON.
pub const JSON_ACCEPT: &str = "application/json, application/problem+json";

/// One API operation: its constants, and how its values go into a request.
pub trait Operation: Send + Sync + 'static {
    /// What a successful call returns.
    type Output: Send + 'static;
    /// How a 2xx response becomes [`Output`](Self::Output): [`Json`], [`Paged`], [`Empty`],
    /// [`Raw`] or [`Text`].
    type Decoder: Decoder<Self::Output>;
    /// The `operationId`.
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: reqwest::Method;
    /// The path template, relative to the base URL, e.g. `/credentials/{id}`.
    const PATH: &'static str;
    /// The accepted credentials.
    const SECURITY: Security;

    /// The `Accept` header: the media types a successful answer may come in, and problem
    /// details for errors. JSON unless the operation answers in other media types only.
    fn accept(&self) -> &'static str {
        JSON_ACCEPT
    }

    /// Adds the operation's values: its path parameters (in template order) with
    /// [`Request::path_param`], then query and header parameters and the body.
    fn describe(&self, request: &mut Request) -> Result<(), Error> {
        let _ = request;
        Ok(())
    }
}

/// An operation that returns one page of a collection, chosen by `offset` and `limit`.
pub trait Paginated: Operation<Output = Page<Self::Item>> + Clone {
    /// The collection's item.
    type Item: Send + 'static;

    /// The operation's `offset` and `limit` parameters.
    fn window(&mut self) -> (&mut Option<i64>, &mut Option<i64>);
}

/// Decodes a 2xx response into `T`.
pub trait Decoder<T> {
    /// Decodes `response`; a body that does not fit becomes [`Error::Decode`].
    fn decode(response: RawResponse) -> Result<Response<T>, Error>;
}

/// A JSON body.
#[derive(Debug)]
pub enum Json {}

impl<T: DeserializeOwned> Decoder<T> for Json {
    fn decode(response: RawResponse) -> Result<Response<T>, Error> {
        response.json()
    }
}

/// A JSON array and the `Pagination-*` headers.
#[derive(Debug)]
pub enum Paged {}

impl<T: DeserializeOwned> Decoder<Page<T>> for Paged {
    fn decode(response: RawResponse) -> Result<Response<Page<T>>, Error> {
        response.page()
    }
}

/// No body (any body is ignored).
#[derive(Debug)]
pub enum Empty {}

impl Decoder<()> for Empty {
    fn decode(response: RawResponse) -> Result<Response<()>, Error> {
        response.empty()
    }
}

/// A body of any media type, as bytes with its content type (PDF, CSV, images).
#[derive(Debug)]
pub enum Raw {}

impl Decoder<Binary> for Raw {
    fn decode(response: RawResponse) -> Result<Response<Binary>, Error> {
        response.binary()
    }
}

/// A text body (`text/plain`, `text/csv`), as a `String`.
#[derive(Debug)]
pub enum Text {}

impl Decoder<String> for Text {
    fn decode(response: RawResponse) -> Result<Response<String>, Error> {
        response.text()
    }
}

/// A decoder that reads a body of another media type than JSON whole: [`Raw`] (bytes and
/// content type) or [`Text`].
pub trait Representation: Send + Sync + 'static {
    /// What the body becomes.
    type Output: Send + 'static;
    /// Its decoder.
    type Decoder: Decoder<Self::Output>;
}

impl Representation for Raw {
    type Output = Binary;
    type Decoder = Raw;
}

impl Representation for Text {
    type Output = String;
    type Decoder = Text;
}

/// Operation `O` asked for in another media type than its default (an invoice as a PDF
/// rather than JSON): the same request with `Accept: <media type>`, its body read as `R`
/// says. Made by the typed setters a generated call has for each media type its operation
/// can answer in (`invoices().get(id).pdf()`).
#[derive(Debug)]
pub struct Accept<O, R> {
    operation: O,
    accept: &'static str,
    representation: std::marker::PhantomData<fn() -> R>,
}

/// `O` answered in another media type, as bytes with their content type.
pub type AsBinary<O> = Accept<O, Raw>;
/// `O` answered in another text media type (`text/csv`), as a `String`.
pub type AsText<O> = Accept<O, Text>;

impl<O, R> Accept<O, R> {
    /// `operation`, asking for `accept`.
    pub fn new(operation: O, accept: &'static str) -> Self {
        Accept {
            operation,
            accept,
            representation: std::marker::PhantomData,
        }
    }
}

impl<O: Clone, R> Clone for Accept<O, R> {
    fn clone(&self) -> Self {
        Accept::new(self.operation.clone(), self.accept)
    }
}

impl<O: Operation, R: Representation> Operation for Accept<O, R> {
    type Output = R::Output;
    type Decoder = R::Decoder;
    const ID: &'static str = O::ID;
    const METHOD: reqwest::Method = O::METHOD;
    const PATH: &'static str = O::PATH;
    const SECURITY: Security = O::SECURITY;

    fn accept(&self) -> &'static str {
        self.accept
    }

    fn describe(&self, request: &mut Request) -> Result<(), Error> {
        self.operation.describe(request)
    }
}
