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
use crate::request::Request;
use crate::response::{Page, RawResponse, Response};

/// The credentials an operation accepts: any one alternative, each a set of schemes that
/// must all be sent. An empty alternative means the operation may be called anonymously.
pub type Security = &'static [&'static [Scheme]];

/// One API operation: its constants, and how its values go into a request.
pub trait Operation: Send + Sync + 'static {
    /// What a successful call returns.
    type Output: Send + 'static;
    /// How a 2xx response becomes [`Output`](Self::Output): [`Json`], [`Paged`], [`Empty`]
    /// or [`Binary`].
    type Decoder: Decoder<Self::Output>;
    /// The `operationId`.
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: reqwest::Method;
    /// The path template, relative to the base URL, e.g. `/credentials/{id}`.
    const PATH: &'static str;
    /// The accepted credentials.
    const SECURITY: Security;

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

/// The raw bytes of a non-JSON body (PDF, CSV, images).
#[derive(Debug)]
pub enum Binary {}

impl Decoder<Vec<u8>> for Binary {
    fn decode(response: RawResponse) -> Result<Response<Vec<u8>>, Error> {
        response.bytes()
    }
}
