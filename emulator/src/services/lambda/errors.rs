//! Every error Lambda returns, and how restJson1 carries it.
//!
//! Lambda names the error in the `x-amzn-ErrorType` header and sends a JSON
//! body `{"Type": "User", "message": ...}`; server-side faults carry
//! `"Type": "Service"`. Codes and statuses follow the `Errors` section of each
//! action in the API reference
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html>).

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;

use crate::error::{AwsError, Fault};
use crate::http::HttpResponse;

/// ResourceNotFoundException (404): no function, version, alias, layer or statement of that name.
pub fn not_found(message: String) -> AwsError {
    AwsError::sender("ResourceNotFoundException", 404, message)
}

/// ResourceNotFoundException for a function address that names no function.
pub fn function_not_found(function_arn: &str) -> AwsError {
    not_found(format!("Function not found: {function_arn}"))
}

/// ResourceConflictException (409): the resource already exists or is in use.
pub fn conflict(message: String) -> AwsError {
    AwsError::sender("ResourceConflictException", 409, message)
}

/// InvalidParameterValueException (400): a member's value is not acceptable.
pub fn invalid_parameter(message: String) -> AwsError {
    AwsError::sender("InvalidParameterValueException", 400, message)
}

/// ValidationException (400): a member breaks its model constraints.
pub fn validation(member: &str, value: &str, constraint: &str) -> AwsError {
    AwsError::sender(
        "ValidationException",
        400,
        format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ),
    )
}

/// RequestTooLargeException (413): the invocation payload exceeds the synchronous limit.
pub fn request_too_large(length: usize, max: usize) -> AwsError {
    AwsError::sender(
        "RequestTooLargeException",
        413,
        format!(
            "Request must be smaller than {max} bytes for the InvokeFunction operation (the request has {length} bytes)"
        ),
    )
}

/// PreconditionFailedException (412): the RevisionId does not match the resource's current revision.
pub fn precondition_failed(revision_id: &str) -> AwsError {
    AwsError::sender(
        "PreconditionFailedException",
        412,
        format!(
            "The Revision Id provided {revision_id} does not match the latest Revision Id. Call GetFunction or GetPolicy to get the latest Revision Id"
        ),
    )
}

/// InvalidRequestContentException (400): the invocation payload is not JSON.
pub fn invalid_request_content(message: String) -> AwsError {
    AwsError::sender("InvalidRequestContentException", 400, message)
}

// TooManyRequestsException carries a `Reason` member, so the concurrency module builds it.

/// AccessDeniedException (403): no policy allows the call.
pub fn access_denied(message: String) -> AwsError {
    AwsError::sender("AccessDeniedException", 403, message)
}

/// ServiceException (500): the emulator failed to serve the request.
pub fn service(message: String) -> AwsError {
    AwsError { fault: Fault::Receiver, ..AwsError::sender("ServiceException", 500, message) }
}

/// Renders an error as Lambda sends it.
pub fn response(error: &AwsError, request_id: &str) -> HttpResponse {
    let kind = if error.fault == Fault::Receiver { "Service" } else { "User" };
    let body = serde_json::json!({ "Type": kind, "message": error.message });
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(value) = HeaderValue::from_str(&error.code) {
        headers.insert("x-amzn-errortype", value);
    }
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    response
}
