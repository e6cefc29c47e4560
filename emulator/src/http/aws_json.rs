//! The awsJson1_0 and awsJson1_1 protocols: JSON bodies, operation in `X-Amz-Target`.
//!
//! Errors carry the shape name in `__type` and a `message`. Services that
//! moved from awsQuery (SQS) also send `x-amzn-query-error: CODE;FAULT` so that
//! clients keep seeing the query-era error codes
//! (<https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html>,
//! <https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait>).

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{HttpResponse, Protocol};
use crate::error::{AwsError, AwsResult};

fn content_type(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
        _ => "application/x-amz-json-1.0",
    }
}

/// Decodes a request body into the operation's input type. An empty body is `{}`.
pub fn decode_input<T: DeserializeOwned>(body: &[u8]) -> AwsResult<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    serde_json::from_slice(body).map_err(|error| {
        let message = match error.classify() {
            serde_json::error::Category::Data => format!("Invalid request input: {error}."),
            _ => format!("The request body is not valid JSON: {error}."),
        };
        AwsError::serialization(message)
    })
}

/// Builds a 200 response with `output` as its JSON body.
pub fn ok_response<T: Serialize>(output: &T, protocol: Protocol, request_id: &str) -> HttpResponse {
    match serde_json::to_vec(output) {
        Ok(body) => response(StatusCode::OK, Bytes::from(body), protocol, request_id),
        Err(error) => error_response(
            &AwsError::internal(format!("The response could not be encoded: {error}.")),
            protocol,
            false,
            request_id,
        ),
    }
}

/// Builds the error response for `error`; `query_compatible` adds `x-amzn-query-error`.
pub fn error_response(error: &AwsError, protocol: Protocol, query_compatible: bool, request_id: &str) -> HttpResponse {
    let body = serde_json::json!({
        "__type": error.code,
        "message": error.message,
    });
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = response(status, Bytes::from(body.to_string()), protocol, request_id);

    if query_compatible {
        let value = format!("{};{}", error.wire_query_code(), error.fault.as_str());
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert("x-amzn-query-error", value);
        }
    }
    response
}

fn response(status: StatusCode, body: Bytes, protocol: Protocol, request_id: &str) -> HttpResponse {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(protocol)));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        #[expect(dead_code, reason = "the tests only check whether decoding fails")]
        queue_name: String,
    }

    #[test]
    fn empty_body_decodes_as_empty_object() {
        let decoded: serde_json::Value = decode_input(b"").expect("empty body");
        assert_eq!(decoded, serde_json::json!({}));
    }

    #[test]
    fn malformed_json_is_serialization_error() {
        let error = decode_input::<Input>(b"{\"QueueName\": ").expect_err("truncated JSON");
        assert_eq!(error.code, "SerializationException");
        assert_eq!(error.status, 400);
    }

    #[test]
    fn wrong_member_type_names_member() {
        let error = decode_input::<Input>(br#"{"QueueName": 5}"#).expect_err("number for string");
        assert!(error.message.contains("invalid type"), "{}", error.message);
    }

    #[test]
    fn query_compatible_error_carries_header() {
        let error = AwsError::sender("QueueDoesNotExist", 400, "gone")
            .with_query_code("AWS.SimpleQueueService.NonExistentQueue");
        let response = error_response(&error, Protocol::AwsJson1_0, true, "req-1");
        assert_eq!(response.status(), 400);
        assert_eq!(
            response.headers().get("x-amzn-query-error").unwrap(),
            "AWS.SimpleQueueService.NonExistentQueue;Sender"
        );
    }
}
