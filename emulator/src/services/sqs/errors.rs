//! Constructors for every error SQS returns, in one place.
//!
//! Each constructor fixes the error's shape name (the JSON `__type`), its
//! awsQuery code where that differs (sent in `x-amzn-query-error` and in
//! `<Code>`) and its HTTP status, as the SQS Smithy model declares them with
//! `@awsQueryError` and `@httpError`
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html>,
//! and the `Errors` section of each action's page in the
//! [API reference](https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html)).
//! Shapes without `@awsQueryError` (InvalidAttributeName, InvalidAttributeValue,
//! InvalidIdFormat, InvalidMessageContents) use their shape name as the query
//! code and the client-error status 400.
//!
//! Where AWS's wording is known, a message starts with it. Every message
//! names the offending value, so some add a value that AWS's message leaves out.

use crate::error::AwsError;

/// The awsQuery code prefix SQS puts on its own error codes.
const PREFIX: &str = "AWS.SimpleQueueService.";

fn prefixed(code: &'static str, status: u16, message: String) -> AwsError {
    AwsError::sender(code, status, message).with_query_code(format!("{PREFIX}{code}"))
}

/// QueueDoesNotExist (`AWS.SimpleQueueService.NonExistentQueue`, 400).
pub fn queue_does_not_exist(queue: &str) -> AwsError {
    let message = format!("The specified queue does not exist: {queue}.");
    AwsError::sender("QueueDoesNotExist", 400, message).with_query_code("AWS.SimpleQueueService.NonExistentQueue")
}

/// QueueNameExists (`QueueAlreadyExists`, 400): same name, different attribute value.
pub fn queue_already_exists(queue_name: &str, attribute: &str) -> AwsError {
    let message = format!(
        "A queue already exists with the name {queue_name} and a different value for attribute {attribute}."
    );
    AwsError::sender("QueueNameExists", 400, message).with_query_code("QueueAlreadyExists")
}

/// InvalidAddress (404): the queue URL cannot be parsed.
///
/// NOTE: the code for an unparseable `QueueUrl` is not verified against AWS;
/// InvalidAddress is the SQS model's error for an invalid address.
pub fn invalid_address(queue_url: &str, reason: &str) -> AwsError {
    let message = format!("The address {queue_url} is not valid for this endpoint: {reason}.");
    AwsError::sender("InvalidAddress", 404, message)
}

/// InvalidAttributeName (400): an attribute name the queue does not have or cannot set.
pub fn invalid_attribute_name(name: &str) -> AwsError {
    AwsError::sender("InvalidAttributeName", 400, format!("Unknown Attribute {name}."))
}

/// InvalidAttributeValue (400): a queue attribute value outside its allowed values.
pub fn invalid_attribute_value(name: &str, value: &str, reason: &str) -> AwsError {
    let message = format!("Invalid value for the parameter {name}: {value:?}. Reason: {reason}.");
    AwsError::sender("InvalidAttributeValue", 400, message)
}

/// InvalidParameterValue (400) in AWS's `Value X for parameter Y is invalid` form.
pub fn invalid_parameter(parameter: &str, value: &str, reason: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "Value {value} for parameter {parameter} is invalid. Reason: {reason}."
    ))
}

/// InvalidParameterValue (400) for an awsQuery parameter sent more than once.
pub fn repeated_parameter(parameter: &str, occurrences: usize) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "The parameter {parameter} was sent {occurrences} times. Send each parameter once."
    ))
}

/// InvalidParameterValue (400) for an awsQuery list or map index other than 1, 2, 3 and so on.
pub fn invalid_list_index(parameter: &str, reason: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!("The parameter {parameter} has an invalid index: {reason}."))
}

/// InvalidParameterValue (400) for an awsQuery list or map whose indexes skip `missing`.
pub fn list_index_gap(missing: &str, next: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "The parameter {missing} is missing: list indexes run from 1 without gaps, but the request sends {next} without it."
    ))
}

/// InvalidParameterValue (400): a request adds `added` new tags to a queue
/// that has `current`, and the total would pass `maximum`.
///
/// NOTE: the code is the emulator's choice; the tagging guide states the
/// 50-tag limit but not the error for passing it.
pub fn too_many_tags(added: usize, current: usize, maximum: usize) -> AwsError {
    let total = added + current;
    let message = if current == 0 {
        format!("The request sets {added} tags, over the limit of {maximum} tags per queue.")
    } else {
        format!(
            "The request adds {added} tags to a queue that has {current}, so the queue would have {total} tags, \
             over the limit of {maximum} tags per queue."
        )
    };
    AwsError::invalid_parameter_value(message)
}

/// InvalidParameterValue (400) for a parameter that the queue type does not accept.
pub fn parameter_not_for_queue_type(parameter: &str, value: &str) -> AwsError {
    invalid_parameter(parameter, value, "The request includes a parameter that is not valid for this queue type")
}

/// InvalidParameterValue (400): a message attribute carries both a string
/// and a binary value, but its data type takes only `field`.
///
/// NOTE: the wording is the emulator's; the code is the one SQS uses for
/// other invalid message attributes.
pub fn attribute_has_two_values(parameter: &str, data_type: &str, field: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "The message attribute {parameter} has type {data_type} and both a StringValue and a BinaryValue; \
         a {data_type} attribute takes only {field}."
    ))
}

/// MissingParameter (400).
pub fn missing_parameter(name: &str) -> AwsError {
    AwsError::missing_parameter(name)
}

/// InvalidMessageContents (400): a character outside the allowed XML set.
pub fn invalid_message_contents(parameter: &str, character: char, position: usize) -> AwsError {
    let message = format!(
        "Invalid characters found in {parameter}: U+{:04X} at character {position}. Valid unicode characters are \
         #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.",
        u32::from(character)
    );
    AwsError::sender("InvalidMessageContents", 400, message)
}

/// InvalidParameterValue (400): the message, counting its attributes, is over the queue's maximum.
pub fn message_too_long(size: usize, maximum: u32) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "One or more parameters are invalid. Reason: Message must be shorter than {maximum} bytes \
         (this message is {size} bytes, counting the body and its message attributes)."
    ))
}

/// ReceiptHandleIsInvalid (404).
pub fn receipt_handle_is_invalid(receipt_handle: &str) -> AwsError {
    let message = format!("The input receipt handle \"{receipt_handle}\" is not a valid receipt handle.");
    AwsError::sender("ReceiptHandleIsInvalid", 404, message)
}

/// MessageNotInflight (`AWS.SimpleQueueService.MessageNotInflight`, 400).
pub fn message_not_inflight(receipt_handle: &str) -> AwsError {
    let message = format!("The message with receipt handle {receipt_handle} is not in flight.");
    prefixed("MessageNotInflight", 400, message)
}

/// PurgeQueueInProgress (`AWS.SimpleQueueService.PurgeQueueInProgress`, 403).
pub fn purge_queue_in_progress(queue_url: &str) -> AwsError {
    let message = format!(
        "Only one PurgeQueue operation on {queue_url} is allowed every 60 seconds."
    );
    prefixed("PurgeQueueInProgress", 403, message)
}

/// EmptyBatchRequest (400).
pub fn empty_batch_request(entry_name: &str) -> AwsError {
    let message = format!("There should be at least one {entry_name} in the request.");
    prefixed("EmptyBatchRequest", 400, message)
}

/// TooManyEntriesInBatchRequest (400).
pub fn too_many_entries_in_batch_request(count: usize) -> AwsError {
    let message = format!("Maximum number of entries per request are 10. You have sent {count}.");
    prefixed("TooManyEntriesInBatchRequest", 400, message)
}

/// BatchEntryIdsNotDistinct (400).
pub fn batch_entry_ids_not_distinct(id: &str) -> AwsError {
    let message = format!("Id {id} repeated.");
    prefixed("BatchEntryIdsNotDistinct", 400, message)
}

/// InvalidBatchEntryId (400).
pub fn invalid_batch_entry_id(id: &str) -> AwsError {
    let message = format!(
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores, \
         and can be at most 80 letters long: {id:?}."
    );
    prefixed("InvalidBatchEntryId", 400, message)
}

/// BatchRequestTooLong (400): the batch's messages together are over the maximum.
pub fn batch_request_too_long(size: usize, maximum: u32) -> AwsError {
    let message = format!(
        "Batch requests cannot be longer than {maximum} bytes. You have sent {size} bytes."
    );
    prefixed("BatchRequestTooLong", 400, message)
}

/// InvalidIdFormat (400): a receipt handle of another format version.
pub fn invalid_id_format(receipt_handle: &str) -> AwsError {
    let message = format!("The receipt handle \"{receipt_handle}\" is not valid for the current version.");
    AwsError::sender("InvalidIdFormat", 400, message)
}

/// ResourceNotFoundException (404): the queue an ARN in `parameter` names
/// does not exist. The message starts with AWS's wording, as recorded from
/// SQS in LocalStack's parity snapshots
/// (`tests/aws/services/sqs/test_sqs_move_task.snapshot.json`), and adds the ARN.
pub fn resource_not_found(parameter: &str, arn: &str) -> AwsError {
    let message = format!("The resource that you specified for the {parameter} parameter doesn't exist: {arn}.");
    AwsError::sender("ResourceNotFoundException", 404, message)
}

/// ResourceNotFoundException (404): no running message move task has this handle.
pub fn move_task_not_found(task_handle: &str) -> AwsError {
    let message = format!("Task does not exist: no running message move task has the handle {task_handle}.");
    AwsError::sender("ResourceNotFoundException", 404, message)
}

/// InvalidParameterValue (400): StartMessageMoveTask on a queue that no
/// queue's redrive policy names as its dead-letter queue.
pub fn not_a_dead_letter_queue(source_arn: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "Source queue must be configured as a Dead Letter Queue: no queue's RedrivePolicy names {source_arn}."
    ))
}

/// InvalidParameterValue (400): the source queue already has a running message move task.
pub fn move_task_already_running(source_arn: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "There is already a task running. Only one active task is allowed for a source queue arn at a given time: \
         {source_arn}."
    ))
}

/// OverLimit (403): a per-queue limit such as 50 tags would be exceeded.
pub fn over_limit(message: String) -> AwsError {
    AwsError::sender("OverLimit", 403, message)
}

/// AccessDenied (403): the access rules refuse the caller. `message` names
/// the principal, the action and the resource, as
/// [`crate::access::Denial::message`] writes it.
///
/// SQS returns this code and status for authorization failures
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html>).
pub fn access_denied(message: String) -> AwsError {
    AwsError::access_denied(message)
}

/// InvalidAttributeValue (400) for a `Policy` attribute SQS does not accept.
///
/// AWS returns the message "Invalid value for the parameter Policy." as
/// quoted in user reports (<https://github.com/hashicorp/terraform-provider-aws/pull/42209>,
/// <https://github.com/cloud-custodian/cloud-custodian/issues/1816>); the
/// reason that follows, naming the offending element, is the emulator's.
pub fn invalid_policy(reason: &str) -> AwsError {
    let message = format!("Invalid value for the parameter Policy. Reason: {reason}.");
    AwsError::sender("InvalidAttributeValue", 400, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_does_not_exist_has_query_code() {
        let error = queue_does_not_exist("q");
        assert_eq!(error.code, "QueueDoesNotExist");
        assert_eq!(error.wire_query_code(), "AWS.SimpleQueueService.NonExistentQueue");
        assert_eq!(error.status, 400);
    }

    #[test]
    fn batch_errors_are_prefixed() {
        assert_eq!(
            empty_batch_request("Entries").wire_query_code(),
            "AWS.SimpleQueueService.EmptyBatchRequest"
        );
        assert_eq!(
            too_many_entries_in_batch_request(11).wire_query_code(),
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
        );
    }

    #[test]
    fn receipt_handle_error_is_404() {
        let error = receipt_handle_is_invalid("x");
        assert_eq!(error.status, 404);
        assert_eq!(error.wire_query_code(), "ReceiptHandleIsInvalid");
    }
}
