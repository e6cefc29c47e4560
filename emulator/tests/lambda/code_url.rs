//! Code download URLs: GetFunction's `Code.Location` and GetLayerVersion's
//! `Content.Location` serve the exact zip bytes from the emulator itself.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{LayerVersionContentInput, Runtime};
use base64::Engine as _;
use sha2::Digest as _;

use crate::common::{OWNER, REGION, client, create_function, python_zip, start, zip};

/// Sends a plain HTTP/1.1 GET for `url` over a new connection and returns the status and body.
fn http_get(url: &str) -> (u16, Vec<u8>) {
    let rest = url.strip_prefix("http://").unwrap_or_else(|| panic!("{url} is not an http URL"));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(authority).unwrap_or_else(|error| panic!("connect to {authority}: {error}"));
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("read timeout");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("send the request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read the response");

    let header_end = response.windows(4).position(|window| window == b"\r\n\r\n").expect("a complete header");
    let head = String::from_utf8_lossy(&response[..header_end]).into_owned();
    let status: u16 = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status code");
    (status, response[header_end + 4..].to_vec())
}

fn sha256_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(bytes))
}

/// Runs a blocking download off the async runtime, which also serves the emulator.
async fn download(url: &str) -> (u16, Vec<u8>) {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || http_get(&url)).await.expect("the download task finishes")
}

#[tokio::test]
async fn function_code_location_serves_zip() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let package = python_zip();
    create_function(&lambda, "downloadable", Runtime::Python312, "app.handler", package.clone()).await;

    let function = lambda.get_function().function_name("downloadable").send().await.expect("GetFunction");
    let code = function.code().expect("Code");
    assert_eq!(code.repository_type(), Some("S3"));
    let location = code.location().expect("Code.Location");
    assert!(
        location.starts_with(&format!("{}/", server.endpoint_url())),
        "the URL is on the address the request came in on: {location}"
    );

    let (status, body) = download(location).await;
    assert_eq!(status, 200, "the download succeeds");
    assert_eq!(body, package, "the download returns the exact zip bytes");
    let configuration = function.configuration().expect("Configuration");
    assert_eq!(configuration.code_sha256(), Some(sha256_base64(&body).as_str()), "CodeSha256 matches the bytes");

    let (second_status, second_body) = download(location).await;
    assert_eq!(second_status, 200, "the URL serves more than one download");
    assert_eq!(second_body, package);
    server.shutdown().await;
}

#[tokio::test]
async fn layer_content_location_serves_zip() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let package = zip(&[("python/helper.py", b"VALUE = 1\n", 0o644)]);
    let published = lambda
        .publish_layer_version()
        .layer_name("downloadable-layer")
        .content(LayerVersionContentInput::builder().zip_file(Blob::new(package.clone())).build())
        .send()
        .await
        .expect("PublishLayerVersion");
    let arn = published.layer_version_arn().expect("LayerVersionArn").to_owned();
    let published_location = published.content().and_then(|content| content.location()).expect("Content.Location");
    let (status, body) = download(published_location).await;
    assert_eq!(status, 200);
    assert_eq!(body, package, "PublishLayerVersion's location returns the zip bytes");

    let by_name = lambda
        .get_layer_version()
        .layer_name("downloadable-layer")
        .version_number(1)
        .send()
        .await
        .expect("GetLayerVersion");
    let content = by_name.content().expect("Content");
    let (status, body) = download(content.location().expect("Content.Location")).await;
    assert_eq!(status, 200);
    assert_eq!(body, package, "GetLayerVersion's location returns the zip bytes");
    assert_eq!(content.code_sha256(), Some(sha256_base64(&body).as_str()), "CodeSha256 matches the bytes");

    let by_arn = lambda.get_layer_version_by_arn().arn(&arn).send().await.expect("GetLayerVersionByArn");
    let (status, body) = download(by_arn.content().and_then(|c| c.location()).expect("Content.Location")).await;
    assert_eq!(status, 200);
    assert_eq!(body, package, "GetLayerVersionByArn's location returns the zip bytes");
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_download_token_is_rejected() {
    let server = start().await;
    let url = format!("{}/_crosscheck/lambda/code/0123456789abcdef", server.endpoint_url());
    let (status, body) = download(&url).await;
    assert_eq!(status, 403, "a token the emulator never issued is rejected");
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("<Code>AccessDenied</Code>"), "the error is S3's AccessDenied: {body}");
    assert!(body.contains("0123456789abcdef"), "the message names the token: {body}");
    server.shutdown().await;
}
