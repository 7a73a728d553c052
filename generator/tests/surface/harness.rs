//! Run by `whole_api_surface.rs` against the whole-API crate: what the SDK sends and reads,
//! shown against a local server (wiremock) that answers only the exact request expected.

use rebilly_api::Client;
use rebilly_runtime::Credentials;
use rebilly_runtime::Error;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A PDF's first bytes: not JSON, not UTF-8.
const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .organization_id("org")
        .credentials(Credentials::default().with_secret_api_key("sk_test"))
        .build()
        .unwrap();
    sort(&server, &client).await;
    download(&server, &client).await;
    invoice_as_pdf(&server, &client).await;
    pdf_where_json_was_asked_for(&server, &client).await;
    println!("surface: ok");
}

async fn sort(server: &MockServer, client: &Client) {
    // `sort` (style: form, explode: false) goes out as one comma-separated value.
    Mock::given(method("GET"))
        .and(path("/organizations/org/customers"))
        .and(query_param("sort", "-createdTime,id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .expect(1)
        .mount(server)
        .await;
    let page = client
        .customers()
        .get_all()
        .sort(vec!["-createdTime".into(), "id".into()])
        .await
        .unwrap();
    assert!(page.items.is_empty());
    let sent = server.received_requests().await.unwrap();
    let query = sent.last().unwrap().url.query().unwrap().to_string();
    assert_eq!(query, "sort=-createdTime,id", "the exact query string");
    println!("sort: {query}");
}

async fn download(server: &MockServer, client: &Client) {
    // A file download returns its bytes and content type, read whole or streamed.
    let png: &[u8] = b"\x89PNG\r\n\x1a\n-not-json-";
    Mock::given(method("GET"))
        .and(path("/organizations/org/files/file-1/download"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(png.to_vec(), "image/png"))
        .mount(server)
        .await;
    let file = client.files().download("file-1").await.unwrap();
    assert_eq!(
        (file.content_type(), file.bytes()),
        (Some("image/png"), png)
    );
    let accept = server
        .received_requests()
        .await
        .unwrap()
        .last()
        .unwrap()
        .headers["accept"]
        .clone();
    assert!(accept.to_str().unwrap().contains("image/png"), "{accept:?}");
    let mut streamed = Vec::new();
    let download = client.files().download("file-1").download().await.unwrap();
    assert_eq!(download.content_type().as_deref(), Some("image/png"));
    let written = download.write_to(&mut streamed).await.unwrap();
    assert_eq!((written, streamed.as_slice()), (png.len() as u64, png));
    println!(
        "download: {} bytes of {}",
        file.len(),
        file.content_type().unwrap()
    );
}

async fn invoice_as_pdf(server: &MockServer, client: &Client) {
    // An invoice as a PDF: `Accept: application/pdf`, and the bytes back; as JSON by default,
    // with `Accept: application/json` (one of the two values the spec's `Accept` allows).
    Mock::given(method("GET"))
        .and(path("/organizations/org/invoices/in-1"))
        .and(header("accept", "application/pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PDF.to_vec(), "application/pdf"))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/organizations/org/invoices/in-1"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "in-1", "websiteId": "web-1", "currency": "USD", "customerId": "cus-1"})))
        .mount(server)
        .await;
    let invoice = client.invoices().get("in-1").pdf().await;
    let last = server.received_requests().await.unwrap();
    let invoice = invoice.unwrap_or_else(|e| panic!("{e}: {:?}", last.last().unwrap()));
    assert_eq!(
        (invoice.content_type(), invoice.bytes()),
        (Some("application/pdf"), PDF)
    );
    let json = client.invoices().get("in-1").await.unwrap();
    assert_eq!(json.id.as_deref(), Some("in-1"));
    println!(
        "invoice: {} bytes of {}; as JSON: {:?}",
        invoice.len(),
        invoice.content_type().unwrap(),
        json.id
    );
}

async fn pdf_where_json_was_asked_for(server: &MockServer, client: &Client) {
    // A PDF where JSON was asked for is a typed error naming the content type.
    Mock::given(method("GET"))
        .and(path("/organizations/org/quotes/q-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PDF.to_vec(), "application/pdf"))
        .mount(server)
        .await;
    match client.quotes().get("q-1").await {
        Err(Error::UnexpectedContentType {
            content_type,
            status,
            ..
        }) => {
            assert_eq!(
                (status.as_u16(), content_type.as_deref()),
                (200, Some("application/pdf"))
            );
        }
        other => panic!("expected UnexpectedContentType, got {other:?}"),
    }
}
