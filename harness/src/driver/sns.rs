//! The Amazon SNS driver: the topic, subscription, publishing, permission
//! and tagging operations through `aws-sdk-sns`.
//!
//! Input and output members carry the names of the SNS API reference
//! (<https://docs.aws.amazon.com/sns/latest/api/API_Operations.html>),
//! including AddPermission's singular `AWSAccountId` and `ActionName` lists.
//! Blobs (`BinaryValue`) are base64 text. Attribute maps in outputs are
//! sorted by name so that snapshots do not depend on hash order.
//!
//! Resource addresses: `TopicArn`, `SubscriptionArn` and `ResourceArn` are
//! ARNs and name the owning namespace. CreateTopic's `Name` is a bare name in
//! the caller's namespace. A subscription that waits for confirmation has the
//! `SubscriptionArn` `pending confirmation`, which is no address.

use std::collections::HashMap;

use aws_sdk_sns::Client;
use aws_sdk_sns::types::{
    BatchResultErrorEntry, MessageAttributeValue, PublishBatchRequestEntry, PublishBatchResultEntry, Subscription, Tag,
};
use serde_json::Value;

use self::operations::OPERATIONS;
use super::{Input, InputError, JsonObject, StatusRecorder, empty, sorted_string_map, unlisted_operation};
use crate::outcome::Outcome;

mod operations;

/// Calls SNS operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct SnsDriver;

sdk_driver!(SnsDriver, service: "sns", operations: OPERATIONS, sdk: aws_sdk_sns, call: call_operation);

async fn call_operation(
    client: &Client,
    operation: &str,
    input: Input<'_>,
    recorder: &StatusRecorder,
) -> Result<Outcome, InputError> {
    let outcome = match operation {
        "AddPermission" => send!(
            recorder,
            client.add_permission(),
            input {
                set_topic_arn: string("TopicArn"),
                set_label: string("Label"),
                set_aws_account_id: string_list("AWSAccountId"),
                set_action_name: string_list("ActionName"),
            },
            |_| empty()
        ),
        "ConfirmSubscription" => send!(
            recorder,
            client.confirm_subscription(),
            input {
                set_topic_arn: string("TopicArn"),
                set_token: string("Token"),
                set_authenticate_on_unsubscribe: string("AuthenticateOnUnsubscribe"),
            },
            |output| JsonObject::new().member("SubscriptionArn", output.subscription_arn).build()
        ),
        "CreateTopic" => send!(
            recorder,
            client.create_topic(),
            input {
                set_name: string("Name"),
                set_attributes: string_map("Attributes"),
                set_tags: tags("Tags"),
                set_data_protection_policy: string("DataProtectionPolicy"),
            },
            |output| JsonObject::new().member("TopicArn", output.topic_arn).build()
        ),
        "DeleteTopic" => {
            send!(recorder, client.delete_topic(), input { set_topic_arn: string("TopicArn") }, |_| empty())
        }
        "GetSubscriptionAttributes" => send!(
            recorder,
            client.get_subscription_attributes(),
            input { set_subscription_arn: string("SubscriptionArn") },
            |output| attributes_json(output.attributes)
        ),
        "GetTopicAttributes" => {
            send!(recorder, client.get_topic_attributes(), input { set_topic_arn: string("TopicArn") }, |output| {
                attributes_json(output.attributes)
            })
        }
        "ListSubscriptions" => {
            send!(recorder, client.list_subscriptions(), input { set_next_token: string("NextToken") }, |output| {
                subscriptions_json(output.subscriptions, output.next_token)
            })
        }
        "ListSubscriptionsByTopic" => send!(
            recorder,
            client.list_subscriptions_by_topic(),
            input { set_topic_arn: string("TopicArn"), set_next_token: string("NextToken") },
            |output| subscriptions_json(output.subscriptions, output.next_token)
        ),
        "ListTagsForResource" => send!(
            recorder,
            client.list_tags_for_resource(),
            input { set_resource_arn: string("ResourceArn") },
            |output| {
                let tags: Option<Vec<Value>> = output.tags.map(|tags| tags.into_iter().map(tag_json).collect());
                JsonObject::new().member("Tags", tags).build()
            }
        ),
        "ListTopics" => {
            send!(recorder, client.list_topics(), input { set_next_token: string("NextToken") }, |output| {
                let topics: Option<Vec<Value>> = output.topics.map(|topics| {
                    topics
                        .into_iter()
                        .map(|topic| JsonObject::new().member("TopicArn", topic.topic_arn).build())
                        .collect()
                });
                JsonObject::new().member("Topics", topics).member("NextToken", output.next_token).build()
            })
        }
        "Publish" => send!(
            recorder,
            client.publish(),
            input {
                set_topic_arn: string("TopicArn"),
                set_target_arn: string("TargetArn"),
                set_phone_number: string("PhoneNumber"),
                set_message: string("Message"),
                set_subject: string("Subject"),
                set_message_structure: string("MessageStructure"),
                set_message_attributes: message_attributes("MessageAttributes"),
                set_message_deduplication_id: string("MessageDeduplicationId"),
                set_message_group_id: string("MessageGroupId"),
            },
            |output| {
                JsonObject::new()
                    .member("MessageId", output.message_id)
                    .member("SequenceNumber", output.sequence_number)
                    .build()
            }
        ),
        "PublishBatch" => send!(
            recorder,
            client.publish_batch(),
            input {
                set_topic_arn: string("TopicArn"),
                set_publish_batch_request_entries: batch_entries("PublishBatchRequestEntries"),
            },
            |output| {
                let successful: Option<Vec<Value>> =
                    output.successful.map(|entries| entries.into_iter().map(batch_result_json).collect());
                let failed: Option<Vec<Value>> =
                    output.failed.map(|entries| entries.into_iter().map(batch_error_json).collect());
                JsonObject::new().member("Successful", successful).member("Failed", failed).build()
            }
        ),
        "RemovePermission" => send!(
            recorder,
            client.remove_permission(),
            input { set_topic_arn: string("TopicArn"), set_label: string("Label") },
            |_| empty()
        ),
        "SetSubscriptionAttributes" => send!(
            recorder,
            client.set_subscription_attributes(),
            input {
                set_subscription_arn: string("SubscriptionArn"),
                set_attribute_name: string("AttributeName"),
                set_attribute_value: string("AttributeValue"),
            },
            |_| empty()
        ),
        "SetTopicAttributes" => send!(
            recorder,
            client.set_topic_attributes(),
            input {
                set_topic_arn: string("TopicArn"),
                set_attribute_name: string("AttributeName"),
                set_attribute_value: string("AttributeValue"),
            },
            |_| empty()
        ),
        "Subscribe" => send!(
            recorder,
            client.subscribe(),
            input {
                set_topic_arn: string("TopicArn"),
                set_protocol: string("Protocol"),
                set_endpoint: string("Endpoint"),
                set_attributes: string_map("Attributes"),
                set_return_subscription_arn: boolean("ReturnSubscriptionArn"),
            },
            |output| JsonObject::new().member("SubscriptionArn", output.subscription_arn).build()
        ),
        "TagResource" => send!(
            recorder,
            client.tag_resource(),
            input { set_resource_arn: string("ResourceArn"), set_tags: tags("Tags") },
            |_| empty()
        ),
        "Unsubscribe" => {
            send!(recorder, client.unsubscribe(), input { set_subscription_arn: string("SubscriptionArn") }, |_| empty(
            ))
        }
        "UntagResource" => send!(
            recorder,
            client.untag_resource(),
            input { set_resource_arn: string("ResourceArn"), set_tag_keys: string_list("TagKeys") },
            |_| empty()
        ),
        other => return Err(unlisted_operation("SNS", other)),
    };
    Ok(outcome)
}

/// Reads the SNS structures of a step input into their SDK types.
trait SnsInput {
    fn tags(&self, member: &str) -> Result<Option<Vec<Tag>>, InputError>;
    fn message_attributes(&self, member: &str) -> Result<Option<HashMap<String, MessageAttributeValue>>, InputError>;
    fn batch_entries(&self, member: &str) -> Result<Option<Vec<PublishBatchRequestEntry>>, InputError>;
}

impl SnsInput for Input<'_> {
    fn tags(&self, member: &str) -> Result<Option<Vec<Tag>>, InputError> {
        self.each_object(member, |tag| {
            Tag::builder()
                .key(tag.required_string("Key")?)
                .value(tag.required_string("Value")?)
                .build()
                .map_err(|error| tag.build_error(&error))
        })
    }

    fn message_attributes(&self, member: &str) -> Result<Option<HashMap<String, MessageAttributeValue>>, InputError> {
        let Some(entries) = self.object_map(member)? else {
            return Ok(None);
        };
        let mut built = HashMap::with_capacity(entries.len());
        for (name, entry) in &entries {
            let attribute = entry.input();
            let value = MessageAttributeValue::builder()
                .data_type(attribute.required_string("DataType")?)
                .set_string_value(attribute.string("StringValue")?)
                .set_binary_value(attribute.blob("BinaryValue")?)
                .build()
                .map_err(|error| attribute.build_error(&error))?;
            built.insert(name.clone(), value);
        }
        Ok(Some(built))
    }

    fn batch_entries(&self, member: &str) -> Result<Option<Vec<PublishBatchRequestEntry>>, InputError> {
        self.each_object(member, |entry| {
            PublishBatchRequestEntry::builder()
                .id(entry.required_string("Id")?)
                .message(entry.required_string("Message")?)
                .set_subject(entry.string("Subject")?)
                .set_message_structure(entry.string("MessageStructure")?)
                .set_message_attributes(entry.message_attributes("MessageAttributes")?)
                .set_message_deduplication_id(entry.string("MessageDeduplicationId")?)
                .set_message_group_id(entry.string("MessageGroupId")?)
                .build()
                .map_err(|error| entry.build_error(&error))
        })
    }
}


/// Renders `Attributes`, sorted by name.
fn attributes_json(attributes: Option<HashMap<String, String>>) -> Value {
    JsonObject::new().member("Attributes", attributes.map(sorted_string_map)).build()
}

fn subscriptions_json(subscriptions: Option<Vec<Subscription>>, next_token: Option<String>) -> Value {
    let subscriptions: Option<Vec<Value>> = subscriptions.map(|subscriptions| {
        subscriptions
            .into_iter()
            .map(|subscription| {
                JsonObject::new()
                    .member("SubscriptionArn", subscription.subscription_arn)
                    .member("Owner", subscription.owner)
                    .member("Protocol", subscription.protocol)
                    .member("Endpoint", subscription.endpoint)
                    .member("TopicArn", subscription.topic_arn)
                    .build()
            })
            .collect()
    });
    JsonObject::new().member("Subscriptions", subscriptions).member("NextToken", next_token).build()
}

fn tag_json(tag: Tag) -> Value {
    JsonObject::new().required("Key", tag.key).required("Value", tag.value).build()
}

fn batch_result_json(entry: PublishBatchResultEntry) -> Value {
    JsonObject::new()
        .member("Id", entry.id)
        .member("MessageId", entry.message_id)
        .member("SequenceNumber", entry.sequence_number)
        .build()
}

fn batch_error_json(entry: BatchResultErrorEntry) -> Value {
    JsonObject::new()
        .required("Id", entry.id)
        .required("Code", entry.code)
        .member("Message", entry.message)
        .required("SenderFault", entry.sender_fault)
        .build()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::driver::operation_table_checks::{object, rendered_fits};

    #[test]
    fn message_attributes_build_with_data_type() {
        let input = object(json!({
            "MessageAttributes": {
                "color": { "DataType": "String", "StringValue": "blue" },
                "raw": { "DataType": "Binary", "BinaryValue": "aGVsbG8=" },
            }
        }));
        let attributes = Input::new(&input).message_attributes("MessageAttributes").expect("valid").expect("present");
        assert_eq!(attributes["color"].string_value(), Some("blue"));
        assert_eq!(attributes["raw"].binary_value().map(|blob| blob.as_ref().to_vec()), Some(b"hello".to_vec()));
    }

    #[test]
    fn message_attribute_without_data_type_names_path() {
        let input = object(json!({ "MessageAttributes": { "color": { "StringValue": "blue" } } }));
        let error = Input::new(&input).message_attributes("MessageAttributes").expect_err("DataType is missing");
        assert_eq!(error.path, "MessageAttributes.color.DataType");
    }

    #[test]
    fn batch_entry_needs_id_and_message() {
        let input = object(json!({ "PublishBatchRequestEntries": [{ "Id": "1" }] }));
        let error = Input::new(&input).batch_entries("PublishBatchRequestEntries").expect_err("Message is missing");
        assert_eq!(error.path, "PublishBatchRequestEntries[0].Message");
    }

    #[test]
    fn tags_need_key_and_value() {
        let input = object(json!({ "Tags": [{ "Key": "team" }] }));
        let error = Input::new(&input).tags("Tags").expect_err("Value is missing");
        assert_eq!(error.path, "Tags[0].Value");
    }

    #[test]
    fn rendered_attributes_are_sorted_and_fit_output() {
        let attributes = HashMap::from([
            ("TopicArn".to_owned(), "arn:aws:sns:ap-south-1:111111111111:t".to_owned()),
            ("Owner".to_owned(), "111111111111".to_owned()),
        ]);
        let response = attributes_json(Some(attributes));
        let names: Vec<&String> = response["Attributes"].as_object().expect("a map").keys().collect();
        assert_eq!(names, ["Owner", "TopicArn"]);
        rendered_fits(OPERATIONS, "GetTopicAttributes", &response);
    }

    #[test]
    fn rendered_subscriptions_fit_list_output() {
        let subscription = Subscription::builder()
            .subscription_arn("arn:aws:sns:ap-south-1:111111111111:t:0f1e")
            .owner("111111111111")
            .protocol("sqs")
            .endpoint("arn:aws:sqs:ap-south-1:222222222222:q")
            .topic_arn("arn:aws:sns:ap-south-1:111111111111:t")
            .build();
        let response = subscriptions_json(Some(vec![subscription]), Some("next".to_owned()));
        rendered_fits(OPERATIONS, "ListSubscriptionsByTopic", &response);
        assert_eq!(response["Subscriptions"][0]["Protocol"], json!("sqs"));
    }

    #[test]
    fn rendered_batch_failure_fits_output() {
        let failed = BatchResultErrorEntry::builder()
            .id("2")
            .code("InvalidParameter")
            .sender_fault(true)
            .build()
            .expect("Id, Code and SenderFault are set");
        let response = JsonObject::new().required("Failed", vec![batch_error_json(failed)]).build();
        rendered_fits(OPERATIONS, "PublishBatch", &response);
    }
}
