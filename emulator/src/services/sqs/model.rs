//! Typed inputs and outputs of the SQS operations, with their awsQuery shapes.
//!
//! Field names are the awsJson1_0 member names from the SQS API reference
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html>).
//! Each input and output has a [`Shape`] beside it that gives the awsQuery
//! parameter and XML names; [`super::shape`] uses it to read form parameters
//! into the same struct and to write the same output as XML. Keep a struct
//! and its shape in step when adding a member.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::shape::{BOOLEAN, INTEGER, Member, NAME_VALUE_MAP, STRING, STRING_LIST, Shape, TAG_MAP};

/// An operation's awsQuery description: its input members and output members.
#[derive(Debug)]
pub struct OperationShape {
    pub name: &'static str,
    pub input: &'static [Member],
    pub output: &'static [Member],
}

/// An operation without output members.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

// ---------------------------------------------------------------- message attributes

/// A message attribute value (`MessageAttributeValue`); `BinaryValue` is base64 on both protocols.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageAttributeValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary_value: Option<String>,
    #[serde(default, skip_serializing)]
    pub string_list_values: Option<Vec<String>>,
    #[serde(default, skip_serializing)]
    pub binary_list_values: Option<Vec<String>>,
    #[serde(default)]
    pub data_type: String,
}

static MESSAGE_ATTRIBUTE_VALUE: Shape = Shape::Structure(&[
    Member::named("StringValue", &STRING),
    Member::named("BinaryValue", &STRING),
    Member::new("StringListValues", "StringListValue", &STRING_LIST),
    Member::new("BinaryListValues", "BinaryListValue", &STRING_LIST),
    Member::named("DataType", &STRING),
]);

static MESSAGE_ATTRIBUTE_MAP: Shape = Shape::Map {
    key: "Name",
    value: "Value",
    value_shape: &MESSAGE_ATTRIBUTE_VALUE,
};

pub type MessageAttributes = BTreeMap<String, MessageAttributeValue>;

// ---------------------------------------------------------------- queues

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateQueueInput {
    pub queue_name: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default, rename = "tags")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueueUrlOutput {
    pub queue_url: String,
}

pub static CREATE_QUEUE: OperationShape = OperationShape {
    name: "CreateQueue",
    input: &[
        Member::named("QueueName", &STRING),
        Member::new("Attributes", "Attribute", &NAME_VALUE_MAP),
        Member::new("tags", "Tag", &TAG_MAP),
    ],
    output: &[Member::named("QueueUrl", &STRING)],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetQueueUrlInput {
    pub queue_name: Option<String>,
    #[serde(rename = "QueueOwnerAWSAccountId")]
    pub queue_owner_aws_account_id: Option<String>,
}

pub static GET_QUEUE_URL: OperationShape = OperationShape {
    name: "GetQueueUrl",
    input: &[
        Member::named("QueueName", &STRING),
        Member::named("QueueOwnerAWSAccountId", &STRING),
    ],
    output: &[Member::named("QueueUrl", &STRING)],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListQueuesInput {
    pub queue_name_prefix: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListQueuesOutput {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queue_urls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub static LIST_QUEUES: OperationShape = OperationShape {
    name: "ListQueues",
    input: &[
        Member::named("QueueNamePrefix", &STRING),
        Member::named("NextToken", &STRING),
        Member::named("MaxResults", &INTEGER),
    ],
    output: &[
        Member::new("QueueUrls", "QueueUrl", &STRING_LIST),
        Member::named("NextToken", &STRING),
    ],
};

/// The input of operations that take only a queue URL.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueueUrlInput {
    pub queue_url: Option<String>,
}

static QUEUE_URL_ONLY: &[Member] = &[Member::named("QueueUrl", &STRING)];

pub static DELETE_QUEUE: OperationShape = OperationShape {
    name: "DeleteQueue",
    input: QUEUE_URL_ONLY,
    output: &[],
};

pub static PURGE_QUEUE: OperationShape = OperationShape {
    name: "PurgeQueue",
    input: QUEUE_URL_ONLY,
    output: &[],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetQueueAttributesInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub attribute_names: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributesOutput {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

pub static GET_QUEUE_ATTRIBUTES: OperationShape = OperationShape {
    name: "GetQueueAttributes",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::new("AttributeNames", "AttributeName", &STRING_LIST),
    ],
    output: &[Member::new("Attributes", "Attribute", &NAME_VALUE_MAP)],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetQueueAttributesInput {
    pub queue_url: Option<String>,
    pub attributes: Option<BTreeMap<String, String>>,
}

pub static SET_QUEUE_ATTRIBUTES: OperationShape = OperationShape {
    name: "SetQueueAttributes",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::new("Attributes", "Attribute", &NAME_VALUE_MAP),
    ],
    output: &[],
};

// ---------------------------------------------------------------- tags and permissions

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagQueueInput {
    pub queue_url: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
}

pub static TAG_QUEUE: OperationShape = OperationShape {
    name: "TagQueue",
    input: &[Member::named("QueueUrl", &STRING), Member::new("Tags", "Tag", &TAG_MAP)],
    output: &[],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagQueueInput {
    pub queue_url: Option<String>,
    pub tag_keys: Option<Vec<String>>,
}

pub static UNTAG_QUEUE: OperationShape = OperationShape {
    name: "UntagQueue",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::new("TagKeys", "TagKey", &STRING_LIST),
    ],
    output: &[],
};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListQueueTagsOutput {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

pub static LIST_QUEUE_TAGS: OperationShape = OperationShape {
    name: "ListQueueTags",
    input: QUEUE_URL_ONLY,
    output: &[Member::new("Tags", "Tag", &TAG_MAP)],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddPermissionInput {
    pub queue_url: Option<String>,
    pub label: Option<String>,
    #[serde(rename = "AWSAccountIds")]
    pub aws_account_ids: Option<Vec<String>>,
    pub actions: Option<Vec<String>>,
}

pub static ADD_PERMISSION: OperationShape = OperationShape {
    name: "AddPermission",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::named("Label", &STRING),
        Member::new("AWSAccountIds", "AWSAccountId", &STRING_LIST),
        Member::new("Actions", "ActionName", &STRING_LIST),
    ],
    output: &[],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemovePermissionInput {
    pub queue_url: Option<String>,
    pub label: Option<String>,
}

pub static REMOVE_PERMISSION: OperationShape = OperationShape {
    name: "RemovePermission",
    input: &[Member::named("QueueUrl", &STRING), Member::named("Label", &STRING)],
    output: &[],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDeadLetterSourceQueuesInput {
    pub queue_url: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct ListDeadLetterSourceQueuesOutput {
    #[serde(rename = "queueUrls")]
    pub queue_urls: Vec<String>,
    #[serde(rename = "NextToken", skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub static LIST_DEAD_LETTER_SOURCE_QUEUES: OperationShape = OperationShape {
    name: "ListDeadLetterSourceQueues",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::named("NextToken", &STRING),
        Member::named("MaxResults", &INTEGER),
    ],
    output: &[
        Member::new("queueUrls", "QueueUrl", &STRING_LIST),
        Member::named("NextToken", &STRING),
    ],
};

// ---------------------------------------------------------------- sending

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageInput {
    pub queue_url: Option<String>,
    #[serde(flatten)]
    pub message: SendMessageFields,
}

/// The members a single send and a batch entry share.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageFields {
    pub message_body: Option<String>,
    pub delay_seconds: Option<i64>,
    #[serde(default)]
    pub message_attributes: MessageAttributes,
    #[serde(default)]
    pub message_system_attributes: MessageAttributes,
    pub message_deduplication_id: Option<String>,
    pub message_group_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SendMessageOutput {
    #[serde(rename = "MD5OfMessageBody")]
    pub md5_of_message_body: String,
    #[serde(rename = "MD5OfMessageAttributes", skip_serializing_if = "Option::is_none")]
    pub md5_of_message_attributes: Option<String>,
    #[serde(rename = "MD5OfMessageSystemAttributes", skip_serializing_if = "Option::is_none")]
    pub md5_of_message_system_attributes: Option<String>,
    #[serde(rename = "MessageId")]
    pub message_id: String,
    #[serde(rename = "SequenceNumber", skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<String>,
}

static SEND_MESSAGE_MEMBERS: &[Member] = &[
    Member::named("QueueUrl", &STRING),
    Member::named("MessageBody", &STRING),
    Member::named("DelaySeconds", &INTEGER),
    Member::new("MessageAttributes", "MessageAttribute", &MESSAGE_ATTRIBUTE_MAP),
    Member::new("MessageSystemAttributes", "MessageSystemAttribute", &MESSAGE_ATTRIBUTE_MAP),
    Member::named("MessageDeduplicationId", &STRING),
    Member::named("MessageGroupId", &STRING),
];

static SEND_MESSAGE_RESULT_MEMBERS: &[Member] = &[
    Member::named("MD5OfMessageBody", &STRING),
    Member::named("MD5OfMessageAttributes", &STRING),
    Member::named("MD5OfMessageSystemAttributes", &STRING),
    Member::named("MessageId", &STRING),
    Member::named("SequenceNumber", &STRING),
];

pub static SEND_MESSAGE: OperationShape = OperationShape {
    name: "SendMessage",
    input: SEND_MESSAGE_MEMBERS,
    output: SEND_MESSAGE_RESULT_MEMBERS,
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageBatchInput {
    pub queue_url: Option<String>,
    pub entries: Option<Vec<SendMessageBatchEntry>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendMessageBatchEntry {
    pub id: Option<String>,
    #[serde(flatten)]
    pub message: SendMessageFields,
}

#[derive(Debug, Serialize)]
pub struct SendMessageBatchResultEntry {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(flatten)]
    pub result: SendMessageOutput,
}

/// A failed batch entry (`BatchResultErrorEntry`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchResultErrorEntry {
    pub id: String,
    pub sender_fault: bool,
    pub code: String,
    pub message: String,
}

static BATCH_RESULT_ERROR_ENTRY: Shape = Shape::Structure(&[
    Member::named("Id", &STRING),
    Member::named("SenderFault", &BOOLEAN),
    Member::named("Code", &STRING),
    Member::named("Message", &STRING),
]);
static BATCH_RESULT_ERROR_ENTRIES: Shape = Shape::List(&BATCH_RESULT_ERROR_ENTRY);

/// The output of every batch operation: successful entries and failed ones.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchOutput<T> {
    pub successful: Vec<T>,
    pub failed: Vec<BatchResultErrorEntry>,
}

static SEND_MESSAGE_BATCH_ENTRY: Shape = Shape::Structure(&[
    Member::named("Id", &STRING),
    Member::named("MessageBody", &STRING),
    Member::named("DelaySeconds", &INTEGER),
    Member::new("MessageAttributes", "MessageAttribute", &MESSAGE_ATTRIBUTE_MAP),
    Member::new("MessageSystemAttributes", "MessageSystemAttribute", &MESSAGE_ATTRIBUTE_MAP),
    Member::named("MessageDeduplicationId", &STRING),
    Member::named("MessageGroupId", &STRING),
]);
static SEND_MESSAGE_BATCH_ENTRIES: Shape = Shape::List(&SEND_MESSAGE_BATCH_ENTRY);

static SEND_MESSAGE_BATCH_RESULT_ENTRY: Shape = Shape::Structure(&[
    Member::named("Id", &STRING),
    Member::named("MessageId", &STRING),
    Member::named("MD5OfMessageBody", &STRING),
    Member::named("MD5OfMessageAttributes", &STRING),
    Member::named("MD5OfMessageSystemAttributes", &STRING),
    Member::named("SequenceNumber", &STRING),
]);
static SEND_MESSAGE_BATCH_RESULT_ENTRIES: Shape = Shape::List(&SEND_MESSAGE_BATCH_RESULT_ENTRY);

pub static SEND_MESSAGE_BATCH: OperationShape = OperationShape {
    name: "SendMessageBatch",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::new("Entries", "SendMessageBatchRequestEntry", &SEND_MESSAGE_BATCH_ENTRIES),
    ],
    output: &[
        Member::new("Successful", "SendMessageBatchResultEntry", &SEND_MESSAGE_BATCH_RESULT_ENTRIES),
        Member::new("Failed", "BatchResultErrorEntry", &BATCH_RESULT_ERROR_ENTRIES),
    ],
};

// ---------------------------------------------------------------- receiving

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiveMessageInput {
    pub queue_url: Option<String>,
    #[serde(default)]
    pub attribute_names: Vec<String>,
    #[serde(default)]
    pub message_system_attribute_names: Vec<String>,
    #[serde(default)]
    pub message_attribute_names: Vec<String>,
    pub max_number_of_messages: Option<i64>,
    pub visibility_timeout: Option<i64>,
    pub wait_time_seconds: Option<i64>,
    pub receive_request_attempt_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ReceivedMessage {
    #[serde(rename = "MessageId")]
    pub message_id: String,
    #[serde(rename = "ReceiptHandle")]
    pub receipt_handle: String,
    #[serde(rename = "MD5OfBody")]
    pub md5_of_body: String,
    #[serde(rename = "Body")]
    pub body: String,
    #[serde(rename = "Attributes", skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    #[serde(rename = "MD5OfMessageAttributes", skip_serializing_if = "Option::is_none")]
    pub md5_of_message_attributes: Option<String>,
    #[serde(rename = "MessageAttributes", skip_serializing_if = "BTreeMap::is_empty")]
    pub message_attributes: MessageAttributes,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiveMessageOutput {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<ReceivedMessage>,
}

static MESSAGE: Shape = Shape::Structure(&[
    Member::named("MessageId", &STRING),
    Member::named("ReceiptHandle", &STRING),
    Member::named("MD5OfBody", &STRING),
    Member::named("Body", &STRING),
    Member::new("Attributes", "Attribute", &NAME_VALUE_MAP),
    Member::named("MD5OfMessageAttributes", &STRING),
    Member::new("MessageAttributes", "MessageAttribute", &MESSAGE_ATTRIBUTE_MAP),
]);
static MESSAGES: Shape = Shape::List(&MESSAGE);

/// In awsQuery both attribute name lists are sent as `AttributeName.N`, as the
/// SQS model's `xmlName` traits declare.
pub static RECEIVE_MESSAGE: OperationShape = OperationShape {
    name: "ReceiveMessage",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::new("AttributeNames", "AttributeName", &STRING_LIST),
        Member::new("MessageSystemAttributeNames", "AttributeName", &STRING_LIST),
        Member::new("MessageAttributeNames", "MessageAttributeName", &STRING_LIST),
        Member::named("MaxNumberOfMessages", &INTEGER),
        Member::named("VisibilityTimeout", &INTEGER),
        Member::named("WaitTimeSeconds", &INTEGER),
        Member::named("ReceiveRequestAttemptId", &STRING),
    ],
    output: &[Member::new("Messages", "Message", &MESSAGES)],
};

// ---------------------------------------------------------------- deleting and visibility

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteMessageInput {
    pub queue_url: Option<String>,
    pub receipt_handle: Option<String>,
}

pub static DELETE_MESSAGE: OperationShape = OperationShape {
    name: "DeleteMessage",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::named("ReceiptHandle", &STRING),
    ],
    output: &[],
};

/// The input of DeleteMessageBatch and ChangeMessageVisibilityBatch.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiptBatchInput {
    pub queue_url: Option<String>,
    pub entries: Option<Vec<ReceiptEntry>>,
}

/// A batch entry naming a received message: delete it, or change its visibility.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReceiptEntry {
    pub id: Option<String>,
    pub receipt_handle: Option<String>,
    pub visibility_timeout: Option<i64>,
}

/// A successful batch entry that carries only its id.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchIdEntry {
    pub id: String,
}

static BATCH_ID_ENTRY: Shape = Shape::Structure(&[Member::named("Id", &STRING)]);
static BATCH_ID_ENTRIES: Shape = Shape::List(&BATCH_ID_ENTRY);

static DELETE_MESSAGE_BATCH_ENTRY: Shape = Shape::Structure(&[
    Member::named("Id", &STRING),
    Member::named("ReceiptHandle", &STRING),
]);
static DELETE_MESSAGE_BATCH_ENTRIES: Shape = Shape::List(&DELETE_MESSAGE_BATCH_ENTRY);

pub static DELETE_MESSAGE_BATCH: OperationShape = OperationShape {
    name: "DeleteMessageBatch",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::new("Entries", "DeleteMessageBatchRequestEntry", &DELETE_MESSAGE_BATCH_ENTRIES),
    ],
    output: &[
        Member::new("Successful", "DeleteMessageBatchResultEntry", &BATCH_ID_ENTRIES),
        Member::new("Failed", "BatchResultErrorEntry", &BATCH_RESULT_ERROR_ENTRIES),
    ],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeMessageVisibilityInput {
    pub queue_url: Option<String>,
    pub receipt_handle: Option<String>,
    pub visibility_timeout: Option<i64>,
}

pub static CHANGE_MESSAGE_VISIBILITY: OperationShape = OperationShape {
    name: "ChangeMessageVisibility",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::named("ReceiptHandle", &STRING),
        Member::named("VisibilityTimeout", &INTEGER),
    ],
    output: &[],
};

static CHANGE_VISIBILITY_BATCH_ENTRY: Shape = Shape::Structure(&[
    Member::named("Id", &STRING),
    Member::named("ReceiptHandle", &STRING),
    Member::named("VisibilityTimeout", &INTEGER),
]);
static CHANGE_VISIBILITY_BATCH_ENTRIES: Shape = Shape::List(&CHANGE_VISIBILITY_BATCH_ENTRY);

pub static CHANGE_MESSAGE_VISIBILITY_BATCH: OperationShape = OperationShape {
    name: "ChangeMessageVisibilityBatch",
    input: &[
        Member::named("QueueUrl", &STRING),
        Member::new(
            "Entries",
            "ChangeMessageVisibilityBatchRequestEntry",
            &CHANGE_VISIBILITY_BATCH_ENTRIES,
        ),
    ],
    output: &[
        Member::new("Successful", "ChangeMessageVisibilityBatchResultEntry", &BATCH_ID_ENTRIES),
        Member::new("Failed", "BatchResultErrorEntry", &BATCH_RESULT_ERROR_ENTRIES),
    ],
};

// ---------------------------------------------------------------- message move tasks

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMessageMoveTaskInput {
    pub source_arn: Option<String>,
    pub destination_arn: Option<String>,
    pub max_number_of_messages_per_second: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMessageMoveTaskOutput {
    pub task_handle: String,
}

pub static START_MESSAGE_MOVE_TASK: OperationShape = OperationShape {
    name: "StartMessageMoveTask",
    input: &[
        Member::named("SourceArn", &STRING),
        Member::named("DestinationArn", &STRING),
        Member::named("MaxNumberOfMessagesPerSecond", &INTEGER),
    ],
    output: &[Member::named("TaskHandle", &STRING)],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelMessageMoveTaskInput {
    pub task_handle: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelMessageMoveTaskOutput {
    pub approximate_number_of_messages_moved: u64,
}

pub static CANCEL_MESSAGE_MOVE_TASK: OperationShape = OperationShape {
    name: "CancelMessageMoveTask",
    input: &[Member::named("TaskHandle", &STRING)],
    output: &[Member::named("ApproximateNumberOfMessagesMoved", &INTEGER)],
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMessageMoveTasksInput {
    pub source_arn: Option<String>,
    pub max_results: Option<i64>,
}

/// One task in a ListMessageMoveTasks response (`ListMessageMoveTasksResultEntry`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageMoveTaskEntry {
    /// Present only while the task is RUNNING.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_handle: Option<String>,
    pub status: String,
    pub source_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_number_of_messages_per_second: Option<u32>,
    pub approximate_number_of_messages_moved: u64,
    pub approximate_number_of_messages_to_move: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    pub started_timestamp: u64,
}

static MESSAGE_MOVE_TASK_ENTRY: Shape = Shape::Structure(&[
    Member::named("TaskHandle", &STRING),
    Member::named("Status", &STRING),
    Member::named("SourceArn", &STRING),
    Member::named("DestinationArn", &STRING),
    Member::named("MaxNumberOfMessagesPerSecond", &INTEGER),
    Member::named("ApproximateNumberOfMessagesMoved", &INTEGER),
    Member::named("ApproximateNumberOfMessagesToMove", &INTEGER),
    Member::named("FailureReason", &STRING),
    Member::named("StartedTimestamp", &INTEGER),
]);
static MESSAGE_MOVE_TASK_ENTRIES: Shape = Shape::List(&MESSAGE_MOVE_TASK_ENTRY);

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMessageMoveTasksOutput {
    pub results: Vec<MessageMoveTaskEntry>,
}

/// In awsQuery the results are flattened as `ListMessageMoveTasksResultEntry`
/// elements, as the SQS model's `xmlName` trait declares.
pub static LIST_MESSAGE_MOVE_TASKS: OperationShape = OperationShape {
    name: "ListMessageMoveTasks",
    input: &[Member::named("SourceArn", &STRING), Member::named("MaxResults", &INTEGER)],
    output: &[Member::new("Results", "ListMessageMoveTasksResultEntry", &MESSAGE_MOVE_TASK_ENTRIES)],
};

/// Every operation the emulator serves, for routing and the unknown-action check.
pub static OPERATIONS: &[&OperationShape] = &[
    &ADD_PERMISSION,
    &CANCEL_MESSAGE_MOVE_TASK,
    &CHANGE_MESSAGE_VISIBILITY,
    &CHANGE_MESSAGE_VISIBILITY_BATCH,
    &CREATE_QUEUE,
    &DELETE_MESSAGE,
    &DELETE_MESSAGE_BATCH,
    &DELETE_QUEUE,
    &GET_QUEUE_ATTRIBUTES,
    &GET_QUEUE_URL,
    &LIST_DEAD_LETTER_SOURCE_QUEUES,
    &LIST_MESSAGE_MOVE_TASKS,
    &LIST_QUEUES,
    &LIST_QUEUE_TAGS,
    &PURGE_QUEUE,
    &RECEIVE_MESSAGE,
    &REMOVE_PERMISSION,
    &SEND_MESSAGE,
    &SEND_MESSAGE_BATCH,
    &SET_QUEUE_ATTRIBUTES,
    &START_MESSAGE_MOVE_TASK,
    &TAG_QUEUE,
    &UNTAG_QUEUE,
];
