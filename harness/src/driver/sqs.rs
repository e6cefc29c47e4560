//! The Amazon SQS driver: every SQS operation through `aws-sdk-sqs`.
//!
//! Input and output members carry the names of the SQS API reference
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html>),
//! including its irregular ones: CreateQueue takes `tags` and
//! ListDeadLetterSourceQueues returns `queueUrls`, both in lower case. Blobs
//! (`BinaryValue`) are base64 text. Maps in outputs are sorted by key so that
//! snapshots do not depend on hash order.
//!
//! Resource addresses: `QueueUrl` is classified as a URL and resolved with
//! `arn::parse_queue_url`; a URL without a region acts in the caller's region.
//! `QueueName` is a bare name in the caller's namespace, except that
//! GetQueueUrl's `QueueOwnerAWSAccountId` moves it to that account (the
//! region stays the caller's). `SourceArn` is an ARN.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{
    BatchResultErrorEntry, ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, Message,
    MessageAttributeValue, MessageSystemAttributeName, MessageSystemAttributeNameForSends, MessageSystemAttributeValue,
    QueueAttributeName, SendMessageBatchRequestEntry,
};
use aws_smithy_types::Blob;
use base64::Engine;
use serde_json::{Map, Value};

use self::operations::OPERATIONS;
use super::{Input, InputError, JsonObject, StatusRecorder, outcome_of};
use crate::driver::input::NestedInput;
use crate::outcome::Outcome;

mod operations;

/// Calls SQS operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqsDriver;

sdk_driver!(SqsDriver, service: "sqs", operations: OPERATIONS, sdk: aws_sdk_sqs, call: call_operation);

async fn call_operation(
    client: &Client,
    operation: &str,
    input: Input<'_>,
    recorder: &StatusRecorder,
) -> Result<Outcome, InputError> {
    let outcome = match operation {
        "AddPermission" => {
            let result = client
                .add_permission()
                .set_queue_url(input.string("QueueUrl")?)
                .set_label(input.string("Label")?)
                .set_aws_account_ids(input.string_list("AWSAccountIds")?)
                .set_actions(input.string_list("Actions")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "CancelMessageMoveTask" => {
            let result = client.cancel_message_move_task().set_task_handle(input.string("TaskHandle")?).send().await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .required("ApproximateNumberOfMessagesMoved", output.approximate_number_of_messages_moved)
                    .build()
            })
        }
        "ChangeMessageVisibility" => {
            let result = client
                .change_message_visibility()
                .set_queue_url(input.string("QueueUrl")?)
                .set_receipt_handle(input.string("ReceiptHandle")?)
                .set_visibility_timeout(input.int("VisibilityTimeout")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "ChangeMessageVisibilityBatch" => {
            let entries = input
                .object_list("Entries")?
                .map(|entries| entries.iter().map(change_visibility_entry).collect::<Result<Vec<_>, _>>())
                .transpose()?;
            let result = client
                .change_message_visibility_batch()
                .set_queue_url(input.string("QueueUrl")?)
                .set_entries(entries)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                let successful: Vec<Value> = output
                    .successful
                    .iter()
                    .map(|entry| JsonObject::new().required("Id", entry.id.clone()).build())
                    .collect();
                batch_result(successful, &output.failed)
            })
        }
        "CreateQueue" => {
            let result = client
                .create_queue()
                .set_queue_name(input.string("QueueName")?)
                .set_attributes(queue_attributes(&input, "Attributes")?)
                .set_tags(input.string_map("tags")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| JsonObject::new().member("QueueUrl", output.queue_url).build())
        }
        "DeleteMessage" => {
            let result = client
                .delete_message()
                .set_queue_url(input.string("QueueUrl")?)
                .set_receipt_handle(input.string("ReceiptHandle")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "DeleteMessageBatch" => {
            let entries = input
                .object_list("Entries")?
                .map(|entries| entries.iter().map(delete_entry).collect::<Result<Vec<_>, _>>())
                .transpose()?;
            let result = client
                .delete_message_batch()
                .set_queue_url(input.string("QueueUrl")?)
                .set_entries(entries)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                let successful: Vec<Value> = output
                    .successful
                    .iter()
                    .map(|entry| JsonObject::new().required("Id", entry.id.clone()).build())
                    .collect();
                batch_result(successful, &output.failed)
            })
        }
        "DeleteQueue" => {
            let result = client.delete_queue().set_queue_url(input.string("QueueUrl")?).send().await;
            outcome_of(result, recorder, |_| empty())
        }
        "GetQueueAttributes" => {
            let names = input
                .string_list("AttributeNames")?
                .map(|names| names.iter().map(|name| QueueAttributeName::from(name.as_str())).collect());
            let result = client
                .get_queue_attributes()
                .set_queue_url(input.string("QueueUrl")?)
                .set_attribute_names(names)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member(
                        "Attributes",
                        output.attributes.map(|attributes| sorted_strings(attributes, |name| name.as_str().to_owned())),
                    )
                    .build()
            })
        }
        "GetQueueUrl" => {
            let result = client
                .get_queue_url()
                .set_queue_name(input.string("QueueName")?)
                .set_queue_owner_aws_account_id(input.string("QueueOwnerAWSAccountId")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| JsonObject::new().member("QueueUrl", output.queue_url).build())
        }
        "ListDeadLetterSourceQueues" => {
            let result = client
                .list_dead_letter_source_queues()
                .set_queue_url(input.string("QueueUrl")?)
                .set_next_token(input.string("NextToken")?)
                .set_max_results(input.int("MaxResults")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .required("queueUrls", output.queue_urls)
                    .member("NextToken", output.next_token)
                    .build()
            })
        }
        "ListMessageMoveTasks" => {
            let result = client
                .list_message_move_tasks()
                .set_source_arn(input.string("SourceArn")?)
                .set_max_results(input.int("MaxResults")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                let results = output.results.map(|results| {
                    results
                        .into_iter()
                        .map(|entry| {
                            JsonObject::new()
                                .member("TaskHandle", entry.task_handle)
                                .member("Status", entry.status)
                                .member("SourceArn", entry.source_arn)
                                .member("DestinationArn", entry.destination_arn)
                                .member("MaxNumberOfMessagesPerSecond", entry.max_number_of_messages_per_second)
                                .required(
                                    "ApproximateNumberOfMessagesMoved",
                                    entry.approximate_number_of_messages_moved,
                                )
                                .member(
                                    "ApproximateNumberOfMessagesToMove",
                                    entry.approximate_number_of_messages_to_move,
                                )
                                .member("FailureReason", entry.failure_reason)
                                .required("StartedTimestamp", entry.started_timestamp)
                                .build()
                        })
                        .collect::<Vec<_>>()
                });
                JsonObject::new().member("Results", results).build()
            })
        }
        "ListQueueTags" => {
            let result = client.list_queue_tags().set_queue_url(input.string("QueueUrl")?).send().await;
            outcome_of(result, recorder, |output| {
                JsonObject::new().member("Tags", output.tags.map(|tags| sorted_strings(tags, Clone::clone))).build()
            })
        }
        "ListQueues" => {
            let result = client
                .list_queues()
                .set_queue_name_prefix(input.string("QueueNamePrefix")?)
                .set_next_token(input.string("NextToken")?)
                .set_max_results(input.int("MaxResults")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new().member("QueueUrls", output.queue_urls).member("NextToken", output.next_token).build()
            })
        }
        "PurgeQueue" => {
            let result = client.purge_queue().set_queue_url(input.string("QueueUrl")?).send().await;
            outcome_of(result, recorder, |_| empty())
        }
        "ReceiveMessage" => receive_message(client, input, recorder).await?,
        "RemovePermission" => {
            let result = client
                .remove_permission()
                .set_queue_url(input.string("QueueUrl")?)
                .set_label(input.string("Label")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "SendMessage" => {
            let result = client
                .send_message()
                .set_queue_url(input.string("QueueUrl")?)
                .set_message_body(input.string("MessageBody")?)
                .set_delay_seconds(input.int("DelaySeconds")?)
                .set_message_attributes(message_attributes(&input, "MessageAttributes")?)
                .set_message_system_attributes(message_system_attributes(&input, "MessageSystemAttributes")?)
                .set_message_deduplication_id(input.string("MessageDeduplicationId")?)
                .set_message_group_id(input.string("MessageGroupId")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("MD5OfMessageBody", output.md5_of_message_body)
                    .member("MD5OfMessageAttributes", output.md5_of_message_attributes)
                    .member("MD5OfMessageSystemAttributes", output.md5_of_message_system_attributes)
                    .member("MessageId", output.message_id)
                    .member("SequenceNumber", output.sequence_number)
                    .build()
            })
        }
        "SendMessageBatch" => {
            let entries = input
                .object_list("Entries")?
                .map(|entries| entries.iter().map(send_entry).collect::<Result<Vec<_>, _>>())
                .transpose()?;
            let result =
                client.send_message_batch().set_queue_url(input.string("QueueUrl")?).set_entries(entries).send().await;
            outcome_of(result, recorder, |output| {
                let successful: Vec<Value> = output
                    .successful
                    .into_iter()
                    .map(|entry| {
                        JsonObject::new()
                            .required("Id", entry.id)
                            .required("MessageId", entry.message_id)
                            .required("MD5OfMessageBody", entry.md5_of_message_body)
                            .member("MD5OfMessageAttributes", entry.md5_of_message_attributes)
                            .member("MD5OfMessageSystemAttributes", entry.md5_of_message_system_attributes)
                            .member("SequenceNumber", entry.sequence_number)
                            .build()
                    })
                    .collect();
                batch_result(successful, &output.failed)
            })
        }
        "SetQueueAttributes" => {
            let result = client
                .set_queue_attributes()
                .set_queue_url(input.string("QueueUrl")?)
                .set_attributes(queue_attributes(&input, "Attributes")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "StartMessageMoveTask" => {
            let result = client
                .start_message_move_task()
                .set_source_arn(input.string("SourceArn")?)
                .set_destination_arn(input.string("DestinationArn")?)
                .set_max_number_of_messages_per_second(input.int("MaxNumberOfMessagesPerSecond")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| JsonObject::new().member("TaskHandle", output.task_handle).build())
        }
        "TagQueue" => {
            let result = client
                .tag_queue()
                .set_queue_url(input.string("QueueUrl")?)
                .set_tags(input.string_map("Tags")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "UntagQueue" => {
            let result = client
                .untag_queue()
                .set_queue_url(input.string("QueueUrl")?)
                .set_tag_keys(input.string_list("TagKeys")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        other => {
            // The loader checks operation names against OPERATIONS, so only a
            // table entry without a match arm gets here.
            return Err(InputError {
                path: String::new(),
                message: format!("the SQS driver lists {other} but cannot call it"),
            });
        }
    };
    Ok(outcome)
}

async fn receive_message(client: &Client, input: Input<'_>, recorder: &StatusRecorder) -> Result<Outcome, InputError> {
    let attribute_names = input
        .string_list("AttributeNames")?
        .map(|names| names.iter().map(|name| QueueAttributeName::from(name.as_str())).collect());
    let system_attribute_names = input
        .string_list("MessageSystemAttributeNames")?
        .map(|names| names.iter().map(|name| MessageSystemAttributeName::from(name.as_str())).collect());

    #[allow(
        deprecated,
        reason = "AttributeNames is deprecated in favour of MessageSystemAttributeNames, but scenarios may still test it"
    )]
    let request = client.receive_message().set_attribute_names(attribute_names);

    let result = request
        .set_queue_url(input.string("QueueUrl")?)
        .set_message_system_attribute_names(system_attribute_names)
        .set_message_attribute_names(input.string_list("MessageAttributeNames")?)
        .set_max_number_of_messages(input.int("MaxNumberOfMessages")?)
        .set_visibility_timeout(input.int("VisibilityTimeout")?)
        .set_wait_time_seconds(input.int("WaitTimeSeconds")?)
        .set_receive_request_attempt_id(input.string("ReceiveRequestAttemptId")?)
        .send()
        .await;

    Ok(outcome_of(result, recorder, |output| {
        let messages = output.messages.map(|messages| messages.into_iter().map(message_json).collect::<Vec<_>>());
        JsonObject::new().member("Messages", messages).build()
    }))
}

fn empty() -> Value {
    Value::Object(Map::new())
}

fn queue_attributes(
    input: &Input<'_>,
    member: &str,
) -> Result<Option<HashMap<QueueAttributeName, String>>, InputError> {
    Ok(input.string_map(member)?.map(|attributes| {
        attributes.into_iter().map(|(name, value)| (QueueAttributeName::from(name.as_str()), value)).collect()
    }))
}

fn message_attributes(
    input: &Input<'_>,
    member: &str,
) -> Result<Option<HashMap<String, MessageAttributeValue>>, InputError> {
    let Some(entries) = input.object_map(member)? else {
        return Ok(None);
    };
    let mut attributes = HashMap::with_capacity(entries.len());
    for (name, entry) in &entries {
        let value = entry.input();
        let built = MessageAttributeValue::builder()
            .data_type(value.required_string("DataType")?)
            .set_string_value(value.string("StringValue")?)
            .set_binary_value(value.blob("BinaryValue")?)
            .set_string_list_values(value.string_list("StringListValues")?)
            .set_binary_list_values(value.blob_list("BinaryListValues")?)
            .build()
            .map_err(|error| value.build_error(&error))?;
        attributes.insert(name.clone(), built);
    }
    Ok(Some(attributes))
}

fn message_system_attributes(
    input: &Input<'_>,
    member: &str,
) -> Result<Option<HashMap<MessageSystemAttributeNameForSends, MessageSystemAttributeValue>>, InputError> {
    let Some(entries) = input.object_map(member)? else {
        return Ok(None);
    };
    let mut attributes = HashMap::with_capacity(entries.len());
    for (name, entry) in &entries {
        let value = entry.input();
        let built = MessageSystemAttributeValue::builder()
            .data_type(value.required_string("DataType")?)
            .set_string_value(value.string("StringValue")?)
            .set_binary_value(value.blob("BinaryValue")?)
            .set_string_list_values(value.string_list("StringListValues")?)
            .set_binary_list_values(value.blob_list("BinaryListValues")?)
            .build()
            .map_err(|error| value.build_error(&error))?;
        attributes.insert(MessageSystemAttributeNameForSends::from(name.as_str()), built);
    }
    Ok(Some(attributes))
}

fn send_entry(entry: &NestedInput<'_>) -> Result<SendMessageBatchRequestEntry, InputError> {
    let input = entry.input();
    SendMessageBatchRequestEntry::builder()
        .id(input.required_string("Id")?)
        .message_body(input.required_string("MessageBody")?)
        .set_delay_seconds(input.int("DelaySeconds")?)
        .set_message_attributes(message_attributes(&input, "MessageAttributes")?)
        .set_message_system_attributes(message_system_attributes(&input, "MessageSystemAttributes")?)
        .set_message_deduplication_id(input.string("MessageDeduplicationId")?)
        .set_message_group_id(input.string("MessageGroupId")?)
        .build()
        .map_err(|error| input.build_error(&error))
}

fn delete_entry(entry: &NestedInput<'_>) -> Result<DeleteMessageBatchRequestEntry, InputError> {
    let input = entry.input();
    DeleteMessageBatchRequestEntry::builder()
        .id(input.required_string("Id")?)
        .receipt_handle(input.required_string("ReceiptHandle")?)
        .build()
        .map_err(|error| input.build_error(&error))
}

fn change_visibility_entry(entry: &NestedInput<'_>) -> Result<ChangeMessageVisibilityBatchRequestEntry, InputError> {
    let input = entry.input();
    ChangeMessageVisibilityBatchRequestEntry::builder()
        .id(input.required_string("Id")?)
        .receipt_handle(input.required_string("ReceiptHandle")?)
        .set_visibility_timeout(input.int("VisibilityTimeout")?)
        .build()
        .map_err(|error| input.build_error(&error))
}

fn batch_result(successful: Vec<Value>, failed: &[BatchResultErrorEntry]) -> Value {
    let failed: Vec<Value> = failed
        .iter()
        .map(|entry| {
            JsonObject::new()
                .required("Id", entry.id.clone())
                .required("SenderFault", entry.sender_fault)
                .required("Code", entry.code.clone())
                .member("Message", entry.message.clone())
                .build()
        })
        .collect();
    JsonObject::new().required("Successful", successful).required("Failed", failed).build()
}

fn message_json(message: Message) -> Value {
    let attributes = message.attributes.map(|attributes| sorted_strings(attributes, |name| name.as_str().to_owned()));
    let message_attributes = message.message_attributes.map(|attributes| {
        let sorted: BTreeMap<String, MessageAttributeValue> = attributes.into_iter().collect();
        let mut object = Map::with_capacity(sorted.len());
        for (name, value) in sorted {
            object.insert(name, attribute_value_json(value));
        }
        Value::Object(object)
    });

    JsonObject::new()
        .member("MessageId", message.message_id)
        .member("ReceiptHandle", message.receipt_handle)
        .member("MD5OfBody", message.md5_of_body)
        .member("Body", message.body)
        .member("Attributes", attributes)
        .member("MD5OfMessageAttributes", message.md5_of_message_attributes)
        .member("MessageAttributes", message_attributes)
        .build()
}

fn attribute_value_json(value: MessageAttributeValue) -> Value {
    let encode = |blob: Blob| base64::engine::general_purpose::STANDARD.encode(blob.into_inner());
    JsonObject::new()
        .member("StringValue", value.string_value)
        .member("BinaryValue", value.binary_value.map(encode))
        .member("StringListValues", value.string_list_values.filter(|values| !values.is_empty()))
        .member(
            "BinaryListValues",
            value
                .binary_list_values
                .filter(|values| !values.is_empty())
                .map(|values| values.into_iter().map(encode).collect::<Vec<_>>()),
        )
        .required("DataType", value.data_type)
        .build()
}

/// Renders a map of strings as a JSON object sorted by key.
fn sorted_strings<K>(map: HashMap<K, String>, key: impl Fn(&K) -> String) -> Value {
    let sorted: BTreeMap<String, String> = map.iter().map(|(name, value)| (key(name), value.clone())).collect();
    Value::Object(sorted.into_iter().map(|(name, value)| (name, Value::String(value))).collect())
}

#[cfg(test)]
mod tests {
    use aws_sdk_sqs::types::BatchResultErrorEntry;

    use super::*;
    use crate::driver::shape::{self, Rules};
    use crate::driver::{Operation, check_input};

    fn declared(name: &str) -> &'static Operation {
        OPERATIONS.iter().find(|operation| operation.name == name).expect("a declared operation")
    }

    fn full_message() -> Message {
        let attribute = MessageAttributeValue::builder()
            .data_type("Binary")
            .string_value("text")
            .binary_value(Blob::new(b"bytes".to_vec()))
            .string_list_values("one")
            .binary_list_values(Blob::new(b"two".to_vec()))
            .build()
            .expect("DataType is set");
        Message::builder()
            .message_id("id")
            .receipt_handle("handle")
            .md5_of_body("md5")
            .body("body")
            .attributes(MessageSystemAttributeName::SentTimestamp, "1")
            .md5_of_message_attributes("md5")
            .message_attributes("colour", attribute)
            .build()
    }

    #[test]
    fn rendered_message_fits_receive_output() {
        let response = JsonObject::new().required("Messages", vec![message_json(full_message())]).build();
        let checked = shape::check_structure(&response, declared("ReceiveMessage").output, Rules::RENDERED_OUTPUT);
        assert_eq!(checked, Ok(()), "{response}");
    }

    #[test]
    fn rendered_batch_result_fits_batch_outputs() {
        let failed = BatchResultErrorEntry::builder()
            .id("1")
            .sender_fault(true)
            .code("InvalidParameterValue")
            .message("bad")
            .build()
            .expect("required members are set");
        let successful = vec![JsonObject::new().required("Id", "2").build()];
        let response = batch_result(successful, &[failed]);
        for name in ["DeleteMessageBatch", "ChangeMessageVisibilityBatch", "SendMessageBatch"] {
            let checked = shape::check_structure(&response, declared(name).output, Rules::RENDERED_OUTPUT);
            assert_eq!(checked, Ok(()), "{name}: {response}");
        }
    }

    #[test]
    fn unknown_operation_is_an_input_error() {
        let error = check_input(OPERATIONS, "SendMessages", &Map::new()).expect_err("not declared");
        assert_eq!(error.message, "the driver does not declare SendMessages");
    }

    #[test]
    fn substituted_input_is_checked() {
        let mut input = Map::new();
        input.insert("QueueUrl".to_owned(), Value::Array(vec![Value::String("u".to_owned())]));
        let error = check_input(OPERATIONS, "DeleteQueue", &input).expect_err("a list is not a string");
        assert_eq!(error.to_string(), "input member QueueUrl: expected a string, found a list");
    }
}
