//! Helpers shared by the S3 tests: a server on 127.0.0.1:0, official SDK
//! clients per (account, region) in path style, and raw HTTP/1.1 exchanges.
//! The raw exchanges put exact wire forms under test: chunked bodies, Host
//! headers, presigned URLs used without credentials.

use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use crosscheck_emulator::Config;
use crosscheck_emulator::access::AccessRules;
use crosscheck_emulator::server::{self, ServerHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const OWNER: &str = "111111111111";
pub const OTHER: &str = "222222222222";
pub const HOME_REGION: &str = "ap-south-1";
pub const OTHER_REGION: &str = "eu-central-1";

/// Starts an emulator with the default (`localstack`) configuration.
pub async fn start() -> ServerHandle {
    start_with(Config::default()).await
}

/// Starts an emulator under the profile named `profile`.
pub async fn start_profile(profile: &str) -> ServerHandle {
    let access: AccessRules = profile.parse().expect("a known profile");
    start_with(Config { access, ..Config::default() }).await
}

pub async fn start_with(config: Config) -> ServerHandle {
    server::start("127.0.0.1:0".parse().expect("address"), config).await.expect("the emulator starts")
}

/// Builds a path-style SDK client acting as `account` in `region` against `server`.
pub fn client(server: &ServerHandle, account: &str, region: &str) -> Client {
    let credentials = aws_credential_types::Credentials::new(account, "test", None, None, "crosscheck-tests");
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .endpoint_url(server.endpoint_url())
        .force_path_style(true)
        .build();
    Client::from_conf(config)
}

/// Creates `bucket` in the client's region; panics when that fails.
pub async fn create_bucket(client: &Client, bucket: &str) {
    let outcome = try_create_bucket(client, bucket).await;
    assert_eq!(outcome, "ok", "CreateBucket {bucket}");
}

/// Stores `body` under `key`.
pub async fn put(client: &Client, bucket: &str, key: &str, body: &[u8]) {
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body.to_vec()))
        .send()
        .await
        .unwrap_or_else(|error| panic!("PutObject {bucket}/{key}: {error:?}"));
}

/// Reads the whole object.
pub async fn get(client: &Client, bucket: &str, key: &str) -> Vec<u8> {
    let output = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap_or_else(|error| panic!("GetObject {bucket}/{key}: {error:?}"));
    output.body.collect().await.expect("read the object body").into_bytes().to_vec()
}

/// Returns the error code and HTTP status of a failed SDK call.
pub fn error_of<E: ProvideErrorMetadata>(
    error: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> (String, u16) {
    let code = error.code().unwrap_or("<no code>").to_owned();
    let status = error.raw_response().map_or(0, |response| response.status().as_u16());
    (code, status)
}

/// Returns the error code of a call's result, or "ok".
pub fn outcome<T, E: ProvideErrorMetadata>(
    result: &Result<T, aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>>,
) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(error) => error_of(error).0,
    }
}

/// A raw HTTP response.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// The status line and header lines, as sent.
    pub head: String,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Returns the value of header `name`, matched without regard to case.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (header, value) = line.split_once(':')?;
            header.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    }
}

/// Sends `head` (request line and headers, each ending in CRLF, without
/// Content-Length and Connection) and `body`, and reads the whole response.
pub async fn exchange(server: &ServerHandle, head: &str, body: &[u8]) -> RawResponse {
    let request = format!("{head}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    exchange_bytes(server, &[request.as_bytes(), body].concat(), false).await
}

/// Writes `bytes` as they are and reads the response; `half_close` shuts
/// the write side afterwards, as a client that stops sending mid-body does.
pub async fn exchange_bytes(server: &ServerHandle, bytes: &[u8], half_close: bool) -> RawResponse {
    let mut stream = TcpStream::connect(server.local_addr()).await.expect("connect");
    // The server may respond before reading the whole body, so a failed write is not an error here.
    let _ = stream.write_all(bytes).await;
    if half_close {
        let _ = stream.shutdown().await;
    }
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut response)).await;
    assert!(read.is_ok(), "the server answered within 20 s");
    let split = response.windows(4).position(|window| window == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let body = response[split + 4..].to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in response {head:?}"));
    RawResponse { status, head, body }
}

/// Builds an `Authorization` header value for `account` in `region`, signed for S3.
/// The emulator reads the credential scope and does not verify signatures.
pub fn authorization(account: &str, region: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={account}/20261204/{region}/s3/aws4_request, \
         SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={}",
        "0".repeat(64)
    )
}

/// Creates `bucket` in the client's region and returns "ok" or the error code.
pub async fn try_create_bucket(client: &Client, bucket: &str) -> String {
    let region = client.config().region().expect("region").to_string();
    let mut request = client.create_bucket().bucket(bucket);
    if region != "us-east-1" {
        let configuration = CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(region.as_str()))
            .build();
        request = request.create_bucket_configuration(configuration);
    }
    outcome(&request.send().await)
}
