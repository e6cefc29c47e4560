//! Wire errors.
//!
//! Every failure the emulator returns to a client is an [`AwsError`]: the
//! error code a client matches on, the HTTP status, the fault side (`Sender`
//! or `Receiver`) and a message that names the offending value. Protocol
//! codecs under `http` render the same value as a JSON error document or as
//! an awsQuery `ErrorResponse`, so a service builds an error once and never
//! formats wire output by hand.
//!
//! Services that moved from awsQuery to JSON keep their query-era codes in
//! the `x-amzn-query-error` header; `query_code` carries that code when it
//! differs from the JSON shape name
//! (<https://smithy.io/2.0/aws/protocols/aws-query-protocol.html>).

use std::borrow::Cow;
use std::fmt;

/// Which side of the call caused the failure, as awsQuery reports it in `<Type>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Sender,
    Receiver,
}

impl Fault {
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::Sender => "Sender",
            Fault::Receiver => "Receiver",
        }
    }
}

/// An error as it crosses the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// The error shape name in the service model, e.g. `QueueDoesNotExist`.
    /// JSON protocols send it as `__type`.
    pub code: Cow<'static, str>,
    /// The awsQuery error code when it differs from `code`, e.g.
    /// `AWS.SimpleQueueService.NonExistentQueue`.
    pub query_code: Option<Cow<'static, str>>,
    pub message: String,
    pub status: u16,
    pub fault: Fault,
}

/// Result alias for operations that fail with a wire error.
pub type AwsResult<T> = Result<T, AwsError>;

impl AwsError {
    /// Builds a client-side (`Sender`) error with the given code and status.
    pub fn sender(code: impl Into<Cow<'static, str>>, status: u16, message: impl Into<String>) -> Self {
        AwsError {
            code: code.into(),
            query_code: None,
            message: message.into(),
            status,
            fault: Fault::Sender,
        }
    }

    /// Sets the awsQuery code that query-compatible JSON services put in `x-amzn-query-error`.
    #[must_use]
    pub fn with_query_code(mut self, query_code: impl Into<Cow<'static, str>>) -> Self {
        self.query_code = Some(query_code.into());
        self
    }

    /// Returns the code an awsQuery client receives: the query-era code when there is one.
    pub fn wire_query_code(&self) -> &str {
        self.query_code.as_deref().unwrap_or(&self.code)
    }

    /// An unexpected failure inside the emulator (HTTP 500, `Receiver` fault).
    pub fn internal(message: impl Into<String>) -> Self {
        AwsError {
            code: Cow::Borrowed("InternalFailure"),
            query_code: None,
            message: message.into(),
            status: 500,
            fault: Fault::Receiver,
        }
    }

    /// A required request parameter is absent.
    pub fn missing_parameter(name: &str) -> Self {
        Self::sender(
            "MissingParameter",
            400,
            format!("The request must contain the parameter {name}."),
        )
    }

    /// A parameter is present but its value is not acceptable.
    pub fn invalid_parameter_value(message: impl Into<String>) -> Self {
        Self::sender("InvalidParameterValue", 400, message)
    }

    /// The action or `X-Amz-Target` names no operation of the service.
    pub fn invalid_action(action: &str, service: &str) -> Self {
        Self::sender(
            "InvalidAction",
            400,
            format!("The action {action} is not valid for the service {service}."),
        )
    }

    /// The request names no service the emulator serves.
    pub fn unknown_service(detail: &str) -> Self {
        Self::sender(
            "UnknownOperationException",
            400,
            format!("The request could not be routed to a service: {detail}."),
        )
    }

    /// The request body could not be decoded at all.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::sender("SerializationException", 400, message)
    }

    /// The caller is not allowed to perform the action.
    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::sender("AccessDenied", 403, message)
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

impl std::error::Error for AwsError {}
