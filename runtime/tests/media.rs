//! Bodies that are not JSON, and the limit on bodies read into memory, against real local
//! servers (wiremock, and a raw TCP server for an endless chunked body).

use rebilly_runtime::operation::{AsBinary, AsText, Json};
use rebilly_runtime::{Client, Error, Method, Operation, RequestOptions, Security};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Clone)]
struct GetReport;

impl Operation for GetReport {
    type Output = serde_json::Value;
    type Decoder = Json;
    const ID: &'static str = "GetReport";
    const METHOD: Method = Method::GET;
    const PATH: &'static str = "/report";
    const SECURITY: Security = &[&[]];
}

fn client(url: &str, limit: usize) -> Client {
    Client::builder()
        .base_url(url)
        .max_body_size(limit)
        .no_retry_budget()
        .retry_policy(rebilly_runtime::RetryPolicy::none())
        .build()
        .unwrap()
}

const PDF: [u8; 4] = [0, 159, 146, 150];

#[tokio::test]
async fn text_bytes_and_a_streamed_download() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/report"))
        .and(header("accept", "text/csv"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/report"))
        .and(header("accept", "application/pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PDF.to_vec(), "application/pdf"))
        .mount(&server)
        .await;
    let client = client(&server.uri(), 1024);
    let options = RequestOptions::default();
    let csv = AsText::new(GetReport, "text/csv");
    let csv = client.call(&csv, &options).await.unwrap();
    assert_eq!(csv.body(), "a,b\n1,2\n");
    let pdf = AsBinary::new(GetReport, "application/pdf");
    let bytes = client.call(&pdf, &options).await.unwrap().into_body();
    assert_eq!(
        (bytes.content_type(), bytes.bytes()),
        (Some("application/pdf"), &PDF[..])
    );
    // Not UTF-8: a typed error, not a lossy string.
    let not_text = AsText::new(GetReport, "application/pdf");
    let not_text = client.call(&not_text, &options).await;
    assert!(
        matches!(not_text, Err(Error::UnexpectedContentType { .. })),
        "{not_text:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    let download = client.download(&pdf, &options).await.unwrap();
    assert_eq!(download.content_length(), Some(4));
    assert_eq!(download.save(&file).await.unwrap(), 4);
    assert_eq!(std::fs::read(&file).unwrap(), PDF);
    assert!(!dir.path().join("report.pdf.partial").exists());
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_typed_error() {
    let server = MockServer::start().await;
    let big = format!("[{}1]", "1,".repeat(2048));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/json"))
        .mount(&server)
        .await;
    let options = RequestOptions::default();
    let small = client(&server.uri(), 1024).call(&GetReport, &options).await;
    match small {
        Err(Error::BodyTooLarge { status, limit }) => {
            assert_eq!((status.as_u16(), limit), (200, 1024))
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    let roomy = client(&server.uri(), 1 << 20);
    let roomy = roomy.call(&GetReport, &options).await.unwrap();
    assert_eq!(roomy.body().as_array().unwrap().len(), 2049);
}

/// A proxy that answers 200 with a chunked body that never ends: the call stops at the limit
/// (with a timeout of ten minutes, reading until the timeout would end in `Error::Timeout`).
#[tokio::test]
async fn an_endless_body_stops_at_the_limit() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("400\r\n{}\r\n", " ".repeat(0x400));
        while socket.write_all(chunk.as_bytes()).await.is_ok() {}
    });
    let client = Client::builder()
        .base_url(&url)
        .max_body_size(64 * 1024)
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .unwrap();
    let result = client.call(&GetReport, &RequestOptions::default()).await;
    assert!(
        matches!(result, Err(Error::BodyTooLarge { limit: 65536, .. })),
        "{result:?}"
    );
}
