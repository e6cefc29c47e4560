//! Helpers shared by the SQS tests: a server on 127.0.0.1:0, official SDK
//! clients per (account, region), and raw awsQuery and awsJson1_0 requests
//! written straight to a socket so their exact wire form is under test.

use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::ProvideErrorMetadata;
use crosscheck_emulator::Config;
use crosscheck_emulator::server::{self, ServerHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const OWNER: &str = "111111111111";
pub const OTHER: &str = "222222222222";
pub const HOME_REGION: &str = "ap-south-1";
pub const OTHER_REGION: &str = "eu-central-1";

/// The four boundaries, as (account, region) of the caller relative to a
/// queue owned by `OWNER` in `HOME_REGION`.
pub const BOUNDARIES: [(&str, &str, &str); 4] = [
    ("same", OWNER, HOME_REGION),
    ("cross-account", OTHER, HOME_REGION),
    ("cross-region", OWNER, OTHER_REGION),
    ("cross-account-and-region", OTHER, OTHER_REGION),
];

/// Starts an emulator with the default (`localstack`) configuration.
pub async fn start() -> ServerHandle {
    start_with(Config::default()).await
}

pub async fn start_with(config: Config) -> ServerHandle {
    server::start("127.0.0.1:0".parse().expect("address"), config)
        .await
        .expect("the emulator starts")
}

/// Builds an SDK client acting as `account` in `region` against `server`.
pub fn client(server: &ServerHandle, account: &str, region: &str) -> Client {
    let credentials = aws_credential_types::Credentials::new(account, "test", None, None, "crosscheck-tests");
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .endpoint_url(server.endpoint_url())
        .build();
    Client::from_conf(config)
}

/// Returns the error code, HTTP status and message of a failed SDK call.
pub fn sdk_error<E, R>(error: &aws_sdk_sqs::error::SdkError<E, R>) -> (String, u16, String)
where
    E: ProvideErrorMetadata,
    R: HttpStatus,
{
    let code = error.code().unwrap_or("<no code>").to_owned();
    let message = error.message().unwrap_or_default().to_owned();
    let status = error.raw_response().map_or(0, HttpStatus::status_code);
    (code, status, message)
}

/// Reads the status of a raw SDK response.
pub trait HttpStatus {
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_sdk_sqs::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

/// A raw HTTP response.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Returns the text of every `<tag>` element, unescaped, in document order.
    pub fn xml_values(&self, tag: &str) -> Vec<String> {
        xml_values(&self.body, tag)
    }

    /// Returns the text of the first `<tag>` element.
    pub fn xml_value(&self, tag: &str) -> Option<String> {
        self.xml_values(tag).into_iter().next()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("response is not JSON ({e}): {}", self.body))
    }
}

/// Returns the inner text of every `<tag>...</tag>`, with XML entities decoded.
pub fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut values = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        values.push(unescape(&after[..end]));
        rest = &after[end + close.len()..];
    }
    values
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#xD;", "\r")
        .replace("&amp;", "&")
}

/// Builds a SigV4-shaped Authorization header for `account` in `region`. The
/// emulator reads the credential scope and does not check the signature.
pub fn authorization(account: &str, region: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={account}/20261204/{region}/sqs/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
    )
}

/// Posts an awsQuery form to `path` as `account` in `region`.
pub async fn query(server: &ServerHandle, account: &str, region: &str, path: &str, params: &[(&str, &str)]) -> RawResponse {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        form.append_pair(name, value);
    }
    let body = form.finish();
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8".to_owned()),
        ("Authorization", authorization(account, region)),
        ("X-Amz-Date", "20261204T000000Z".to_owned()),
    ];
    send(server, "POST", path, &headers, body.as_bytes()).await
}

/// Posts an awsQuery action with `Version=2012-11-05` to `/`.
pub async fn query_action(
    server: &ServerHandle,
    account: &str,
    region: &str,
    action: &str,
    params: &[(&str, &str)],
) -> RawResponse {
    let mut all = vec![("Action", action), ("Version", "2012-11-05")];
    all.extend_from_slice(params);
    query(server, account, region, "/", &all).await
}

/// Posts an awsJson1_0 body for `operation` as `account` in `region`.
pub async fn json(server: &ServerHandle, account: &str, region: &str, operation: &str, body: &[u8]) -> RawResponse {
    let headers = [
        ("Content-Type", "application/x-amz-json-1.0".to_owned()),
        ("X-Amz-Target", format!("AmazonSQS.{operation}")),
        ("X-Amzn-Query-Mode", "true".to_owned()),
        ("Authorization", authorization(account, region)),
        ("X-Amz-Date", "20261204T000000Z".to_owned()),
    ];
    send(server, "POST", "/", &headers, body).await
}

/// Sends one HTTP/1.1 request on a fresh connection and reads the whole response.
pub async fn send(server: &ServerHandle, method: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(server.local_addr()).await.expect("connect to the emulator");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        server.local_addr(),
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.expect("write request head");
    stream.write_all(body).await.expect("write request body");

    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .expect("the response arrives within 30 s")
        .expect("read the response");
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> RawResponse {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no header end in {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    RawResponse {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// Creates a queue through the SDK and returns its URL.
pub async fn create_queue(client: &Client, name: &str) -> String {
    client
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateQueue {name}: {e:?}"))
        .queue_url
        .expect("CreateQueue returns a QueueUrl")
}

/// Reads one queue attribute through the SDK.
pub async fn queue_attribute(client: &Client, queue_url: &str, name: &str) -> Option<String> {
    let output = client
        .get_queue_attributes()
        .queue_url(queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::from(name))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetQueueAttributes {name} on {queue_url}: {e:?}"));
    output
        .attributes
        .and_then(|attributes| attributes.get(&aws_sdk_sqs::types::QueueAttributeName::from(name)).cloned())
}
