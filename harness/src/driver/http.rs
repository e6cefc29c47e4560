//! The `http` driver: one plain HTTP request without credentials, such as a
//! presigned URL used by a client that has no AWS credentials.
//!
//! `http.Request` is no AWS operation. It sends `Method` (default `GET`) to
//! `Url` with the `Headers` and `Body` of the input and no `Authorization`
//! header, and reads the response. A 2xx or 3xx status is an `ok` outcome
//! whose response has `Status`, the response headers named in
//! `ResponseHeaders` (lower-case names, so snapshots stay stable) and the
//! body as `Body` when it is UTF-8 text or `BodyBase64` otherwise. A 4xx or
//! 5xx status is an error outcome whose code is the `<Code>` of an S3-style
//! XML error body, so expectations such as `{ error: AccessDenied }` work.
//!
//! The request goes to the step actor's endpoint and nowhere else. The URL
//! must be `http://` with the endpoint's port and a host that is the
//! endpoint's IP address or a name under `localhost.localstack.cloud`. The
//! connection is made to the endpoint's address and the URL's host is sent
//! in the `Host` header, so no DNS lookup happens. The actor's endpoint must
//! be `http://IP:PORT`, which rules out virtual-host actors and AWS's own
//! endpoints.

use std::net::SocketAddr;
use std::time::Duration;

use aws_config::SdkConfig;
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value};

use super::shape::{Member, Shape, Structure};
use super::{CallFuture, Driver, Input, InputError, JsonObject, Operation};
use crate::outcome::Outcome;
use crate::target::resolver::{TargetResolver, VIRTUAL_HOST_SUFFIX};

/// Maximum time one request may take, from connecting to the last body byte.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Maximum response body the driver reads, in bytes.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

const REQUEST_INPUT: Structure = Structure {
    name: "HttpRequest",
    members: &[
        Member::optional("Method", Shape::String),
        Member::required("Url", Shape::String),
        Member::optional("Headers", Shape::Map(&Shape::String)),
        Member::optional("Body", Shape::String),
        Member::optional("ResponseHeaders", Shape::List(&Shape::String)),
    ],
};

const REQUEST_OUTPUT: Structure = Structure {
    name: "HttpResponse",
    members: &[
        Member::optional("Status", Shape::Integer),
        Member::optional("Headers", Shape::Map(&Shape::String)),
        Member::optional("Body", Shape::String),
        Member::optional("BodyBase64", Shape::Blob),
    ],
};

const OPERATIONS: &[Operation] =
    &[Operation { name: "Request", input: &REQUEST_INPUT, output: &REQUEST_OUTPUT, address: None }];

/// Sends plain HTTP requests to the target without credentials.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpDriver;

impl Driver for HttpDriver {
    fn service(&self) -> &'static str {
        "http"
    }

    fn operations(&self) -> &'static [Operation] {
        OPERATIONS
    }

    fn call<'a>(&'a self, config: &'a SdkConfig, operation: &'a str, input: &'a Map<String, Value>) -> CallFuture<'a> {
        Box::pin(async move {
            let declared = super::check_input(OPERATIONS, operation, input)?;
            let request = PlainRequest::read(Input::new(input))?;
            let outcome = match endpoint_address(config) {
                Ok(endpoint) => request.send(endpoint).await,
                Err(reason) => Outcome::transport_failure(None, reason),
            };
            super::debug_check_output(declared, &outcome);
            Ok(outcome)
        })
    }
}

/// A request read from the step input.
struct PlainRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Bytes,
    response_headers: Vec<String>,
}

impl PlainRequest {
    fn read(input: Input<'_>) -> Result<PlainRequest, InputError> {
        let method = input.string("Method")?.unwrap_or_else(|| "GET".to_owned());
        let url = input.required_string("Url")?;
        let mut headers: Vec<(String, String)> = input.string_map("Headers")?.unwrap_or_default().into_iter().collect();
        headers.sort();
        let body = Bytes::from(input.string("Body")?.unwrap_or_default());
        let response_headers = input
            .string_list("ResponseHeaders")?
            .unwrap_or_default()
            .into_iter()
            .map(|name| name.to_ascii_lowercase())
            .collect();
        Ok(PlainRequest { method, url, headers, body, response_headers })
    }

    /// Sends the request to `endpoint` and turns the response into an outcome.
    async fn send(&self, endpoint: SocketAddr) -> Outcome {
        let (authority, path_and_query) = match target_authority(&self.url, endpoint) {
            Ok(parts) => parts,
            Err(reason) => return Outcome::transport_failure(None, reason),
        };
        let exchange = exchange(endpoint, self.build(&authority, &path_and_query));
        let (status, headers, body) = match tokio::time::timeout(REQUEST_TIMEOUT, exchange).await {
            Ok(Ok(response)) => response,
            Ok(Err(reason)) => return Outcome::transport_failure(None, reason),
            Err(_) => {
                let reason = format!("{} {} timed out after {REQUEST_TIMEOUT:?}", self.method, self.url);
                return Outcome::transport_failure(None, reason);
            }
        };

        if status >= 400 {
            let text = String::from_utf8_lossy(&body);
            let code = xml_element(&text, "Code");
            let message = xml_element(&text, "Message").or_else(|| Some(format!("HTTP {status}")));
            return Outcome::service_error(code, Some(status), message);
        }

        let mut recorded = Map::new();
        for name in &self.response_headers {
            if let Some(value) = headers.get(name).and_then(|value| value.to_str().ok()) {
                recorded.insert(name.clone(), Value::String(value.to_owned()));
            }
        }
        let response = JsonObject::new().required("Status", status).required("Headers", Value::Object(recorded));
        let response = match String::from_utf8(body.to_vec()) {
            Ok(text) => response.required("Body", text),
            Err(_) => response.required("BodyBase64", base64::engine::general_purpose::STANDARD.encode(&body)),
        };
        Outcome::ok(Some(status), response.build())
    }

    fn build(&self, authority: &str, path_and_query: &str) -> Result<http::Request<Full<Bytes>>, String> {
        let mut builder = http::Request::builder()
            .method(self.method.as_str())
            .uri(path_and_query)
            .header(http::header::HOST, authority)
            .header(http::header::CONTENT_LENGTH, self.body.len());
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder.body(Full::new(self.body.clone())).map_err(|error| format!("invalid request to {}: {error}", self.url))
    }
}

/// Returns the actor endpoint's socket address, which must be `http://IP:PORT`.
fn endpoint_address(config: &SdkConfig) -> Result<SocketAddr, String> {
    let Some(endpoint) = config.endpoint_url() else {
        return Err("http.Request needs an actor with an explicit endpoint URL".to_owned());
    };
    let authority = endpoint.strip_prefix("http://").map(|rest| rest.split('/').next().unwrap_or(rest));
    authority.and_then(|authority| authority.parse().ok()).ok_or_else(|| {
        format!("http.Request needs an actor whose endpoint is http://IP:PORT, found {endpoint:?}; use an actor with default addressing")
    })
}

/// Checks that `url` names the endpoint and splits it into the `Host`
/// header value and the path with its query.
fn target_authority(url: &str, endpoint: SocketAddr) -> Result<(String, String), String> {
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(format!("http.Request sends only http:// URLs, found {url:?}"));
    };
    let (authority, path_and_query) = match rest.find('/') {
        Some(index) => (&rest[..index], &rest[index..]),
        None => (rest, "/"),
    };
    let Some((host, port)) = authority.rsplit_once(':') else {
        return Err(format!("the URL {url:?} has no port; the target listens on port {}", endpoint.port()));
    };
    if port.parse::<u16>().ok() != Some(endpoint.port()) {
        return Err(format!("the URL {url:?} is not on the target's port {}", endpoint.port()));
    }
    let is_endpoint_ip = host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip == endpoint.ip());
    let is_target_name = TargetResolver::new(VIRTUAL_HOST_SUFFIX, endpoint.ip()).lookup(host).is_some();
    if !is_endpoint_ip && !is_target_name {
        return Err(format!(
            "the URL {url:?} names host {host:?}, which is neither the target's {} nor under {VIRTUAL_HOST_SUFFIX}",
            endpoint.ip()
        ));
    }
    Ok((authority.to_owned(), path_and_query.to_owned()))
}

/// Connects to `endpoint`, sends `request` over HTTP/1.1 and reads the whole response.
async fn exchange(
    endpoint: SocketAddr,
    request: Result<http::Request<Full<Bytes>>, String>,
) -> Result<(u16, http::HeaderMap, Bytes), String> {
    let request = request?;
    let stream = tokio::net::TcpStream::connect(endpoint)
        .await
        .map_err(|error| format!("failed to connect to {endpoint}: {error}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| format!("HTTP handshake with {endpoint} failed: {error}"))?;
    let connection = tokio::spawn(connection);

    let response =
        sender.send_request(request).await.map_err(|error| format!("request to {endpoint} failed: {error}"))?;
    let status = response.status().as_u16();
    let (parts, body) = response.into_parts();
    let body = Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|error| format!("reading the response body from {endpoint} failed: {error}"))?
        .to_bytes();
    drop(sender);
    connection.abort();
    Ok((status, parts.headers, body))
}

/// Returns the text of the first `<name>` element in an XML document.
fn xml_element(text: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&format!("</{name}>"))? + start;
    Some(text[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 4599))
    }

    #[test]
    fn url_on_endpoint_splits() {
        let found = target_authority("http://127.0.0.1:4599/b/k?X-Amz-Signature=1", endpoint());
        assert_eq!(found, Ok(("127.0.0.1:4599".to_owned(), "/b/k?X-Amz-Signature=1".to_owned())));
    }

    #[test]
    fn virtual_host_url_keeps_host() {
        let found = target_authority("http://b.s3.localhost.localstack.cloud:4599/k", endpoint());
        assert_eq!(found, Ok(("b.s3.localhost.localstack.cloud:4599".to_owned(), "/k".to_owned())));
    }

    #[test]
    fn url_elsewhere_is_rejected() {
        for url in [
            "http://example.com:4599/k",
            "http://127.0.0.2:4599/k",
            "http://127.0.0.1:80/k",
            "http://127.0.0.1/k",
            "https://127.0.0.1:4599/k",
        ] {
            assert!(target_authority(url, endpoint()).is_err(), "{url}");
        }
    }

    #[test]
    fn xml_error_code_is_read() {
        let body = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        assert_eq!(xml_element(body, "Code").as_deref(), Some("AccessDenied"));
        assert_eq!(xml_element(body, "Message").as_deref(), Some("Request has expired"));
        assert_eq!(xml_element(body, "Resource"), None);
    }
}
