//! The crate's one error type.
//!
//! A malformed policy document is answered by IAM with the error code
//! `MalformedPolicyDocument`
//! (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html>).
//! Other services wrap the same failure in their own code: SQS answers a bad
//! queue `Policy` attribute with `InvalidAttributeValue`
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html>).
//! [`PolicyError::code`] returns the IAM code and [`PolicyError::element`] the
//! offending element, so a service can build its own message around either.

/// The error code IAM returns for a policy document it cannot accept.
pub const MALFORMED_POLICY_DOCUMENT: &str = "MalformedPolicyDocument";

/// The error code IAM returns for a malformed input value other than a
/// document, such as a principal ARN that does not parse.
pub const INVALID_INPUT: &str = "InvalidInput";

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The document text is not JSON at all.
    #[error("policy document is not valid JSON: {message}")]
    InvalidJson {
        /// The JSON parser's message, with line and column.
        message: String,
    },

    /// The document is JSON but breaks the policy grammar.
    #[error("{element}: {message}")]
    Malformed {
        /// Path to the offending element, such as `Statement[1].Effect`.
        element: String,
        /// What is wrong with it, naming the value found.
        message: String,
    },

    /// A principal ARN given to [`crate::Principal::from_arn`] does not parse.
    #[error("invalid principal ARN {arn:?}: {reason}")]
    InvalidPrincipalArn {
        /// The ARN as given.
        arn: String,
        /// Why it was rejected.
        reason: String,
    },
}

impl PolicyError {
    /// Builds a [`PolicyError::Malformed`] for `element`.
    pub(crate) fn malformed(element: impl Into<String>, message: impl Into<String>) -> Self {
        PolicyError::Malformed {
            element: element.into(),
            message: message.into(),
        }
    }

    /// Returns the AWS error code a caller should answer with:
    /// `MalformedPolicyDocument` for documents, `InvalidInput` for principal ARNs.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::InvalidJson { .. } | PolicyError::Malformed { .. } => {
                MALFORMED_POLICY_DOCUMENT
            }
            PolicyError::InvalidPrincipalArn { .. } => INVALID_INPUT,
        }
    }

    /// Returns the path of the offending element, such as `Statement[1].Effect`,
    /// when the error is about one element of a document.
    pub fn element(&self) -> Option<&str> {
        match self {
            PolicyError::Malformed { element, .. } => Some(element),
            PolicyError::InvalidJson { .. } | PolicyError::InvalidPrincipalArn { .. } => None,
        }
    }
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, PolicyError>;
