//! Constructors for every error SNS returns, in one place.
//!
//! Codes and HTTP statuses follow the `Errors` section of each action's page
//! in the SNS API reference
//! (<https://docs.aws.amazon.com/sns/latest/api/API_Publish.html>,
//! <https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html>). SNS
//! words an invalid parameter as `Invalid parameter: NAME`; a message here
//! starts that way and adds the reason and the offending value.

use crate::error::AwsError;

/// InvalidParameter (400): `name` has a value SNS does not accept.
pub fn invalid_parameter(name: &str, reason: &str) -> AwsError {
    AwsError::sender("InvalidParameter", 400, format!("Invalid parameter: {name} Reason: {reason}"))
}

/// InvalidParameter (400) for an address SNS cannot use, worded exactly as
/// AWS words it: `Invalid parameter: TopicArn`.
pub fn invalid_address(name: &str, value: &str) -> AwsError {
    AwsError::sender("InvalidParameter", 400, format!("Invalid parameter: {name} ({value:?})"))
}

/// InvalidParameterValue (400): a message attribute is invalid. The SNS
/// model gives this error the awsQuery code `ParameterValueInvalid`, which
/// is what the SDKs match on (`awsQueryError` of `InvalidParameterValueException`
/// in the SNS Smithy model, as botocore 1.43.11 ships it).
pub fn invalid_parameter_value(message: String) -> AwsError {
    AwsError::sender("InvalidParameterValue", 400, message).with_query_code("ParameterValueInvalid")
}

/// ValidationError (400): a required member is missing.
pub fn missing_parameter(name: &str) -> AwsError {
    AwsError::sender(
        "ValidationError",
        400,
        format!(
            "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
        ),
    )
}

/// NotFound (404) for a topic.
pub fn topic_not_found(topic_arn: &str) -> AwsError {
    AwsError::sender("NotFound", 404, format!("Topic does not exist: {topic_arn}"))
}

/// NotFound (404) for a subscription.
pub fn subscription_not_found(subscription_arn: &str) -> AwsError {
    AwsError::sender("NotFound", 404, format!("Subscription does not exist: {subscription_arn}"))
}

/// ResourceNotFound (404): the tagging operations' error for a missing topic.
pub fn resource_not_found(resource_arn: &str) -> AwsError {
    AwsError::sender("ResourceNotFound", 404, format!("Resource does not exist: {resource_arn}"))
}

/// AuthorizationError (403): the topic policy or the profile denies the call.
pub fn authorization_error(message: String) -> AwsError {
    AwsError::sender("AuthorizationError", 403, message)
}

/// TooManyEntriesInBatchRequest (400).
pub fn too_many_entries(count: usize, max: usize) -> AwsError {
    AwsError::sender(
        "TooManyEntriesInBatchRequest",
        400,
        format!("The batch request contains {count} entries, more than the maximum of {max}."),
    )
}

/// EmptyBatchRequest (400).
pub fn empty_batch() -> AwsError {
    AwsError::sender("EmptyBatchRequest", 400, "The batch request does not contain any entries.")
}

/// BatchEntryIdsNotDistinct (400).
pub fn batch_ids_not_distinct(id: &str) -> AwsError {
    AwsError::sender(
        "BatchEntryIdsNotDistinct",
        400,
        format!("Two or more batch entries in the request have the same Id: {id:?}."),
    )
}

/// InvalidBatchEntryId (400).
pub fn invalid_batch_entry_id(id: &str) -> AwsError {
    AwsError::sender(
        "InvalidBatchEntryId",
        400,
        format!("The Id of a batch entry is invalid: {id:?}. Use 1 to 80 letters, digits, hyphens and underscores."),
    )
}

/// TagLimitExceeded (400).
pub fn tag_limit_exceeded(count: usize, max: usize) -> AwsError {
    AwsError::sender(
        "TagLimitExceeded",
        400,
        format!("Could not complete request: the topic would have {count} tags, more than the maximum of {max}."),
    )
}
