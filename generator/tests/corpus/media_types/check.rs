// The typed setters exist and change the output type; the form body is form-encoded.
let client = media_types::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
let ops = client.operations();
let _json: media_types::Call<'_, media_types::operations::GetInvoice> = ops.get_invoice("in 1");
let pdf = ops.get_invoice("in 1").pdf();
assert_eq!(pdf.request().unwrap().path_and_query().unwrap(), "/invoices/in%201");
let _csv: media_types::Call<'_, rebilly_runtime::operation::AsText<media_types::operations::GetInvoice>> = ops.get_invoice("x").csv();
let _file: media_types::Call<'_, media_types::operations::DownloadFile> = ops.download_file("f");
let mut body = types::CreateTokenRequest::new("client credentials");
body.scopes = Some(vec!["a".into(), "b".into()]);
let token = ops.create_token(body).request().unwrap();
assert_eq!(token.path_and_query().unwrap(), "/tokens");
let (media, bytes) = token.body().unwrap();
assert_eq!(media, "application/x-www-form-urlencoded");
assert_eq!(bytes, b"grant=client%20credentials&scopes=a&scopes=b");
let _upload = ops.upload(vec![1u8, 2, 3]);
