//! Bodies that are not JSON: bytes with their content type ([`Binary`]), text, a body
//! streamed to a writer ([`Download`]), and reading any body up to a size limit.

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode};

use crate::error::Error;

/// The default limit on a body read into memory (JSON, text, bytes, error bodies): 64 MiB.
/// Rebilly's JSON answers are far smaller; the limit stops a broken proxy's endless body.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// A body of any media type, read whole: its bytes and the `Content-Type` it came with
/// (a PDF, an image, a CSV file). To write a large body to a file without holding it in
/// memory, use the call's `download()` instead.
#[derive(Clone, PartialEq, Eq)]
pub struct Binary {
    content_type: Option<String>,
    bytes: Bytes,
}

impl std::fmt::Debug for Binary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binary")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl Binary {
    /// `bytes` of media type `content_type` (for tests, and the test mock).
    pub fn new(content_type: Option<String>, bytes: impl Into<Bytes>) -> Self {
        Binary {
            content_type,
            bytes: bytes.into(),
        }
    }

    /// The `Content-Type` the server sent, e.g. `application/pdf`.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The body.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body, consuming the value (no copy).
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }

    /// The body's length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// The media type of a `Content-Type` value, lower case, without parameters.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(http::header::CONTENT_TYPE)?.to_str().ok()?;
    let media = value.split(';').next()?.trim().to_ascii_lowercase();
    (!media.is_empty()).then_some(media)
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`, …).
pub(crate) fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// Why reading a body stopped.
pub(crate) enum ReadError {
    /// The connection failed.
    Http(reqwest::Error),
    /// The body is longer than the limit.
    TooLarge,
}

/// Reads `response`'s body, up to `limit` bytes: a `Content-Length` over the limit stops
/// before anything is read; a body within its `Content-Length` is read whole (hyper reads no
/// further than the length announced); a body without one is read a chunk at a time and
/// stops as soon as it passes the limit.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, ReadError> {
    match response.content_length() {
        Some(announced) if announced > limit as u64 => Err(ReadError::TooLarge),
        Some(_) => response.bytes().await.map_err(ReadError::Http),
        None => {
            let mut body = BytesMut::new();
            while let Some(chunk) = response.chunk().await.map_err(ReadError::Http)? {
                if body.len() + chunk.len() > limit {
                    return Err(ReadError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body.freeze())
        }
    }
}

/// A 2xx response whose body has not been read yet: read it a chunk at a time, or write it
/// to a file or any writer, without holding it all in memory. Made by a call's `download()`.
#[derive(Debug)]
pub struct Download {
    status: StatusCode,
    headers: HeaderMap,
    body: Source,
}

#[derive(Debug)]
enum Source {
    Live(reqwest::Response),
    /// A body already in memory (the test mock's).
    Buffered(Option<Bytes>),
}

impl Download {
    pub(crate) fn live(response: reqwest::Response, headers: HeaderMap) -> Self {
        Download {
            status: response.status(),
            headers,
            body: Source::Live(response),
        }
    }

    pub(crate) fn buffered(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Download {
            status,
            headers,
            body: Source::Buffered(Some(body)),
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The media type of the body (`Content-Type` without its parameters), e.g. `image/png`.
    pub fn content_type(&self) -> Option<String> {
        media_type(&self.headers)
    }

    /// The body's length, when the server announced it (`Content-Length`).
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    }

    /// The next chunk of the body; `None` at its end. A connection that breaks in the middle
    /// is [`Error::Transport`] (a download is not retried once its body has started).
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match &mut self.body {
            Source::Live(response) => response.chunk().await.map_err(|e| {
                if e.is_timeout() {
                    Error::Timeout(e)
                } else {
                    Error::Transport(e)
                }
            }),
            Source::Buffered(body) => Ok(body.take()),
        }
    }

    /// Writes the whole body to `writer` (a `tokio::fs::File`, a socket, a `Vec<u8>`) a
    /// chunk at a time, then flushes it; returns the number of bytes written.
    pub async fn write_to<W>(mut self, writer: &mut W) -> Result<u64, Error>
    where
        W: tokio::io::AsyncWrite + Unpin + ?Sized,
    {
        let mut written = 0u64;
        while let Some(chunk) = self.chunk().await? {
            write_all(writer, &chunk).await.map_err(Error::Write)?;
            written += chunk.len() as u64;
        }
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut *writer).poll_flush(cx))
            .await
            .map_err(Error::Write)?;
        Ok(written)
    }

    /// Writes the body to the file at `path`: into a temporary file beside it, renamed into
    /// place once complete, so that a broken download never leaves a partial file at `path`.
    pub async fn save(self, path: impl AsRef<std::path::Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = std::path::PathBuf::from(partial);
        let mut file = tokio::fs::File::create(&partial)
            .await
            .map_err(Error::Write)?;
        let written = match self.write_to(&mut file).await {
            Ok(n) => n,
            Err(e) => {
                drop(file);
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(e);
            }
        };
        file.sync_all().await.map_err(Error::Write)?;
        drop(file);
        tokio::fs::rename(&partial, path)
            .await
            .map_err(Error::Write)?;
        Ok(written)
    }
}

/// `AsyncWriteExt::write_all`, on the `AsyncWrite` trait itself: tokio's `io-util` feature,
/// which has it, adds a second to every user's build for this one loop.
async fn write_all<W>(writer: &mut W, mut bytes: &[u8]) -> std::io::Result<()>
where
    W: tokio::io::AsyncWrite + Unpin + ?Sized,
{
    while !bytes.is_empty() {
        let n = std::future::poll_fn(|cx| std::pin::Pin::new(&mut *writer).poll_write(cx, bytes))
            .await?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
    }
    Ok(())
}
