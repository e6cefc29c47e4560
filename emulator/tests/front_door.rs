//! The front door over a real socket: errors found before a request reaches a
//! service (unreadable or oversized bodies, invalid credential scopes,
//! missing operations) come back in the client's protocol with an AWS error
//! code, and nothing is created by a rejected request.

use crosscheck_emulator::Config;
use crosscheck_emulator::http::MAX_BODY_BYTES;
use crosscheck_emulator::server::{self, ServerHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn start() -> ServerHandle {
    server::start("127.0.0.1:0".parse().expect("address"), Config::default())
        .await
        .expect("the emulator starts")
}

fn authorization(account: &str, region: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={account}/20261204/{region}/sqs/aws4_request, SignedHeaders=host, Signature=0"
    )
}

/// Sends one request with `Connection: close` and returns (status, headers, body).
async fn exchange(server: &ServerHandle, head: &str, body: &[u8]) -> (u16, String, String) {
    let mut stream = TcpStream::connect(server.local_addr()).await.expect("connect");
    let request = format!(
        "{head}Host: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.local_addr(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write head");
    // The server may answer before reading the whole body (for example when it
    // is too large), so a failed write of the body is not an error here.
    let _ = stream.write_all(body).await;

    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in response {head:?}"));
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn json_head(target: &str, account: &str, region: &str) -> String {
    format!(
        "POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: {target}\r\nAuthorization: {}\r\n",
        authorization(account, region)
    )
}

#[tokio::test]
async fn oversized_json_body_gets_json_error() {
    let server = start().await;
    let body = vec![b' '; MAX_BODY_BYTES + 1];

    let (status, head, body) = exchange(&server, &json_head("AmazonSQS.ListQueues", "111111111111", "us-east-1"), &body).await;

    assert_eq!(status, 413, "status for a body over the limit");
    assert!(head.contains("content-type: application/x-amz-json-1.0"), "JSON client gets JSON: {head}");
    assert!(body.contains("RequestEntityTooLarge"), "code in body: {body}");
    assert!(head.contains("x-amzn-query-error: requestentitytoolarge;sender"), "query-compatible code: {head}");
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_scope_region_is_rejected() {
    let server = start().await;

    for region in ["EU-WEST-1", "x@evil", "..", "a?b"] {
        let head = json_head("AmazonSQS.CreateQueue", "111111111111", region);
        let (status, _, body) = exchange(&server, &head, br#"{"QueueName":"rq"}"#).await;
        assert_eq!(status, 403, "status for scope region {region:?}");
        assert!(body.contains("SignatureDoesNotMatch"), "code for scope region {region:?}: {body}");
        assert!(body.contains(region), "message names region {region:?}: {body}");
    }

    // Nothing was created in any namespace by the rejected requests.
    let head = json_head("AmazonSQS.ListQueues", "111111111111", "us-east-1");
    let (status, _, body) = exchange(&server, &head, b"{}").await;
    assert_eq!(status, 200, "ListQueues status");
    assert!(!body.contains("rq"), "no queue was created: {body}");
    server.shutdown().await;
}

#[tokio::test]
async fn query_request_without_action_is_missing_action() {
    let server = start().await;
    let head = format!(
        "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: {}\r\n",
        authorization("111111111111", "us-east-1")
    );

    let (status, head, body) = exchange(&server, &head, b"Version=2012-11-05").await;

    assert_eq!(status, 400, "status without Action");
    assert!(head.contains("content-type: text/xml"), "query client gets XML: {head}");
    assert!(body.contains("<Code>MissingAction</Code>"), "code: {body}");
    server.shutdown().await;
}

#[tokio::test]
async fn truncated_body_gets_error_not_hang() {
    let server = start().await;
    let mut stream = TcpStream::connect(server.local_addr()).await.expect("connect");
    let head = json_head("AmazonSQS.ListQueues", "111111111111", "us-east-1");
    let request = format!("{head}Host: x\r\nContent-Length: 100\r\n\r\n{{}}");
    stream.write_all(request.as_bytes()).await.expect("write");
    stream.shutdown().await.expect("half-close");

    let mut response = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    assert!(read.is_ok(), "the server answered or closed within 10 s");
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.is_empty() || response.contains("IncompleteBody"),
        "a truncated body is IncompleteBody or a closed connection, got {response:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_hostname_config_fails_start() {
    let config = Config {
        hostname: "a/b".to_owned(),
        ..Config::default()
    };
    let started = server::start("127.0.0.1:0".parse().expect("address"), config).await;
    let error = started.err().expect("a host name with a slash is rejected");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("\"a/b\""), "message names the host name: {error}");
}
