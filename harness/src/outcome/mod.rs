//! Outcomes: what one call did, and its class.
//!
//! An [`Outcome`] is `ok` with the response, or an error with the AWS error
//! code the SDK reported and the HTTP status. Its [`OutcomeClass`] comes from
//! the code through one table, [`CLASS_BY_CODE`]. Codes the table does not
//! list go through two name patterns: `*NotFound*` and `NoSuch*` are
//! `not-found`, and `*AccessDenied*` is `denied`. Any other code is `error`.
//!
//! Query-compatible services such as SQS report their awsQuery-era codes
//! (`AWS.SimpleQueueService.NonExistentQueue`), while scenarios may name the
//! error shape from the API reference (`QueueDoesNotExist`).
//! [`CODE_ALIASES`] lists the pairs that name the same error, so either
//! spelling matches; the pairs come from the SDK's error deserialisers
//! (aws-sdk-sqs 1.119).
//!
//! The [`normalise`] module turns responses into snapshot-stable values.

pub mod normalise;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The class of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeClass {
    Ok,
    /// AccessDenied and kin: the caller may not do this.
    Denied,
    /// The addressed resource does not exist for this caller.
    NotFound,
    /// A validation error: the request itself is not acceptable.
    Invalid,
    /// The endpoint does not implement the operation.
    Unsupported,
    /// Any other error, including calls that never got a response.
    Error,
}

impl OutcomeClass {
    /// Every class, in the order reports list them.
    pub const ALL: [OutcomeClass; 6] = [
        OutcomeClass::Ok,
        OutcomeClass::Denied,
        OutcomeClass::NotFound,
        OutcomeClass::Invalid,
        OutcomeClass::Unsupported,
        OutcomeClass::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeClass::Ok => "ok",
            OutcomeClass::Denied => "denied",
            OutcomeClass::NotFound => "not-found",
            OutcomeClass::Invalid => "invalid",
            OutcomeClass::Unsupported => "unsupported",
            OutcomeClass::Error => "error",
        }
    }

    /// Classifies an AWS error code.
    pub fn of_error_code(code: &str) -> OutcomeClass {
        if let Some((_, class)) = CLASS_BY_CODE.iter().find(|(known, _)| *known == code) {
            return *class;
        }
        if code.contains("NotFound") || code.starts_with("NoSuch") {
            return OutcomeClass::NotFound;
        }
        if code.contains("AccessDenied") {
            return OutcomeClass::Denied;
        }
        OutcomeClass::Error
    }
}

impl fmt::Display for OutcomeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutcomeClass {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        OutcomeClass::ALL
            .into_iter()
            .find(|class| class.as_str() == value)
            .ok_or_else(|| format!("unknown outcome class {value:?}"))
    }
}

/// The class of each error code that the name patterns do not cover.
pub const CLASS_BY_CODE: &[(&str, OutcomeClass)] = &[
    // denied
    ("AccessDenied", OutcomeClass::Denied),
    ("AccessDeniedException", OutcomeClass::Denied),
    ("AuthorizationError", OutcomeClass::Denied),
    // S3's 403 to a HEAD request, which has no body to carry a code.
    ("Forbidden", OutcomeClass::Denied),
    ("AuthorizationErrorException", OutcomeClass::Denied),
    ("UnauthorizedOperation", OutcomeClass::Denied),
    ("UnrecognizedClientException", OutcomeClass::Denied),
    ("InvalidClientTokenId", OutcomeClass::Denied),
    ("SignatureDoesNotMatch", OutcomeClass::Denied),
    ("IncompleteSignature", OutcomeClass::Denied),
    ("MissingAuthenticationToken", OutcomeClass::Denied),
    ("InvalidSecurity", OutcomeClass::Denied),
    // not-found
    ("QueueDoesNotExist", OutcomeClass::NotFound),
    ("AWS.SimpleQueueService.NonExistentQueue", OutcomeClass::NotFound),
    ("NoSuchBucket", OutcomeClass::NotFound),
    ("NoSuchKey", OutcomeClass::NotFound),
    ("ResourceNotFoundException", OutcomeClass::NotFound),
    // KMS errors about the request itself, from the Errors sections of the
    // AWS KMS API reference
    ("InvalidArnException", OutcomeClass::Invalid),
    ("InvalidAliasNameException", OutcomeClass::Invalid),
    ("InvalidCiphertextException", OutcomeClass::Invalid),
    ("InvalidGrantIdException", OutcomeClass::Invalid),
    ("InvalidGrantTokenException", OutcomeClass::Invalid),
    ("InvalidKeyUsageException", OutcomeClass::Invalid),
    ("InvalidMarkerException", OutcomeClass::Invalid),
    ("MalformedPolicyDocumentException", OutcomeClass::Invalid),
    ("UnsupportedOperationException", OutcomeClass::Unsupported),
    // SNS and Secrets Manager errors about the request itself, from the
    // Errors sections of their API references. SNS sends
    // InvalidParameterValueException with the code ParameterValueInvalid
    // (the error deserialisers of aws-sdk-sns 1.121).
    ("InvalidParameter", OutcomeClass::Invalid),
    ("ParameterValueInvalid", OutcomeClass::Invalid),
    ("InvalidRequestException", OutcomeClass::Invalid),
    ("InvalidBatchEntryId", OutcomeClass::Invalid),
    ("TooManyEntriesInBatchRequest", OutcomeClass::Invalid),
    // invalid
    ("InvalidParameterValue", OutcomeClass::Invalid),
    ("InvalidParameterCombination", OutcomeClass::Invalid),
    ("InvalidParameterException", OutcomeClass::Invalid),
    ("MissingParameter", OutcomeClass::Invalid),
    ("MissingRequiredParameter", OutcomeClass::Invalid),
    ("InvalidAttributeName", OutcomeClass::Invalid),
    ("InvalidAttributeValue", OutcomeClass::Invalid),
    ("InvalidAddress", OutcomeClass::Invalid),
    ("InvalidIdFormat", OutcomeClass::Invalid),
    ("InvalidMessageContents", OutcomeClass::Invalid),
    ("ReceiptHandleIsInvalid", OutcomeClass::Invalid),
    ("ValidationException", OutcomeClass::Invalid),
    ("ValidationError", OutcomeClass::Invalid),
    ("SerializationException", OutcomeClass::Invalid),
    ("MalformedQueryString", OutcomeClass::Invalid),
    ("InvalidQueryParameter", OutcomeClass::Invalid),
    ("BatchEntryIdsNotDistinct", OutcomeClass::Invalid),
    ("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", OutcomeClass::Invalid),
    ("BatchRequestTooLong", OutcomeClass::Invalid),
    ("AWS.SimpleQueueService.BatchRequestTooLong", OutcomeClass::Invalid),
    ("EmptyBatchRequest", OutcomeClass::Invalid),
    ("AWS.SimpleQueueService.EmptyBatchRequest", OutcomeClass::Invalid),
    ("InvalidBatchEntryId", OutcomeClass::Invalid),
    ("AWS.SimpleQueueService.InvalidBatchEntryId", OutcomeClass::Invalid),
    ("TooManyEntriesInBatchRequest", OutcomeClass::Invalid),
    ("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", OutcomeClass::Invalid),
    // unsupported
    ("InvalidAction", OutcomeClass::Unsupported),
    ("UnknownOperationException", OutcomeClass::Unsupported),
    ("UnsupportedOperation", OutcomeClass::Unsupported),
    ("AWS.SimpleQueueService.UnsupportedOperation", OutcomeClass::Unsupported),
    ("NotImplemented", OutcomeClass::Unsupported),
    ("NotImplementedException", OutcomeClass::Unsupported),
];

/// Pairs of codes that name the same error: the shape name in the API
/// reference, then the awsQuery code a query-compatible service reports.
pub const CODE_ALIASES: &[(&str, &str)] = &[
    ("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"),
    ("QueueNameExists", "QueueAlreadyExists"),
    ("QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently"),
    ("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress"),
    ("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight"),
    ("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation"),
    ("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"),
    ("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong"),
    ("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest"),
    ("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId"),
    ("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"),
    ("KmsAccessDenied", "KMS.AccessDeniedException"),
    ("KmsDisabled", "KMS.DisabledException"),
    ("KmsInvalidKeyUsage", "KMS.InvalidKeyUsageException"),
    ("KmsInvalidState", "KMS.InvalidStateException"),
    ("KmsNotFound", "KMS.NotFoundException"),
    ("KmsOptInRequired", "KMS.OptInRequired"),
    ("KmsThrottled", "KMS.ThrottlingException"),
];

/// Returns whether an expected error code matches the code a call returned,
/// exactly or through [`CODE_ALIASES`].
pub fn codes_match(expected: &str, observed: &str) -> bool {
    expected == observed
        || CODE_ALIASES
            .iter()
            .any(|&(shape, query)| (expected == shape && observed == query) || (expected == query && observed == shape))
}

/// The result of one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub class: OutcomeClass,
    /// The AWS error code; `None` for `ok` and for calls that got no response.
    pub code: Option<String>,
    /// The HTTP status; `None` when the call got no response.
    pub status: Option<u16>,
    /// The error message, for people reading a failure; never snapshotted.
    pub message: Option<String>,
    /// The response members with the API's names; `Null` for errors.
    pub response: Value,
}

impl Outcome {
    /// Builds the outcome of a successful call.
    pub fn ok(status: Option<u16>, response: Value) -> Outcome {
        Outcome { class: OutcomeClass::Ok, code: None, status, message: None, response }
    }

    /// Builds the outcome of an error response, classified by [`OutcomeClass::of_error_code`].
    pub fn service_error(code: Option<String>, status: Option<u16>, message: Option<String>) -> Outcome {
        let class = code.as_deref().map_or(OutcomeClass::Error, OutcomeClass::of_error_code);
        Outcome { class, code, status, message, response: Value::Null }
    }

    /// Builds the outcome of a call that failed without a service error,
    /// because the request could not be built or sent or the response could not be read.
    pub fn transport_failure(status: Option<u16>, message: String) -> Outcome {
        Outcome { class: OutcomeClass::Error, code: None, status, message: Some(message), response: Value::Null }
    }

    /// Formats a one-line summary: `ok`, or `not-found: QueueDoesNotExist (400)`.
    pub fn summary(&self) -> String {
        if self.class == OutcomeClass::Ok {
            return "ok".to_owned();
        }
        let mut text = self.class.as_str().to_owned();
        match (&self.code, self.status) {
            (Some(code), Some(status)) => text.push_str(&format!(": {code} ({status})")),
            (Some(code), None) => text.push_str(&format!(": {code}")),
            (None, Some(status)) => text.push_str(&format!(": HTTP {status}")),
            (None, None) => text.push_str(": no response"),
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_table_covers_each_class() {
        let cases = [
            ("AccessDenied", OutcomeClass::Denied),
            ("AuthorizationError", OutcomeClass::Denied),
            ("KMS.AccessDeniedException", OutcomeClass::Denied),
            ("QueueDoesNotExist", OutcomeClass::NotFound),
            ("AWS.SimpleQueueService.NonExistentQueue", OutcomeClass::NotFound),
            ("NoSuchBucket", OutcomeClass::NotFound),
            ("NoSuchUpload", OutcomeClass::NotFound),
            ("KMS.NotFoundException", OutcomeClass::NotFound),
            ("InvalidParameterValue", OutcomeClass::Invalid),
            ("MissingParameter", OutcomeClass::Invalid),
            ("InvalidAttributeName", OutcomeClass::Invalid),
            ("ValidationException", OutcomeClass::Invalid),
            ("AWS.SimpleQueueService.EmptyBatchRequest", OutcomeClass::Invalid),
            ("InvalidParameter", OutcomeClass::Invalid),
            ("InvalidRequestException", OutcomeClass::Invalid),
            ("NotFound", OutcomeClass::NotFound),
            ("ResourceNotFound", OutcomeClass::NotFound),
            ("InvalidAction", OutcomeClass::Unsupported),
            ("UnsupportedOperation", OutcomeClass::Unsupported),
            ("NotImplemented", OutcomeClass::Unsupported),
            ("QueueAlreadyExists", OutcomeClass::Error),
            ("AWS.SimpleQueueService.PurgeQueueInProgress", OutcomeClass::Error),
            ("InternalFailure", OutcomeClass::Error),
        ];
        for (code, class) in cases {
            assert_eq!(OutcomeClass::of_error_code(code), class, "class of {code}");
        }
    }

    #[test]
    fn class_names_round_trip() {
        for class in OutcomeClass::ALL {
            assert_eq!(class.as_str().parse::<OutcomeClass>(), Ok(class));
        }
        assert!("notfound".parse::<OutcomeClass>().is_err());
    }

    #[test]
    fn codes_match_through_aliases() {
        assert!(codes_match("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"));
        assert!(codes_match("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"));
        assert!(codes_match("QueueNameExists", "QueueAlreadyExists"));
        assert!(codes_match("InvalidAttributeName", "InvalidAttributeName"));
        assert!(!codes_match("QueueDoesNotExist", "InvalidAttributeName"));
    }

    #[test]
    fn summary_names_class_code_and_status() {
        let outcome = Outcome::service_error(Some("AccessDenied".to_owned()), Some(403), None);
        assert_eq!(outcome.summary(), "denied: AccessDenied (403)");
        assert_eq!(Outcome::ok(Some(200), Value::Null).summary(), "ok");
        assert_eq!(Outcome::transport_failure(None, "refused".to_owned()).summary(), "error: no response");
    }
}
