//! The SQS operation table: every operation's input and output members,
//! nested, and the input member that carries its resource address.
//!
//! Member names and types follow the SQS API reference
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html>
//! and its Data Types pages) and the `aws-sdk-sqs` 1.x crate; structure names
//! are the crate's type names. Outputs are listed as the driver renders them:
//! blobs as base64 text, maps keyed by the attribute name. A member is
//! [`Member::required`] only where the crate's builder fails without it.

use base64::Engine as _;
use crosscheck_emulator::arn::{AddressKind, parse_queue_url};
use crosscheck_emulator::store::Namespace;
use serde_json::{Map, Value};

use crate::driver::shape::{Member, Shape, Structure};
use crate::driver::{AddressMember, Operation, ResolvedAddress, resolve_arn, resolve_own_name};

const QUEUE_URL: Option<AddressMember> =
    Some(AddressMember { member: "QueueUrl", resolve: resolve_queue_url, releases_name: false });

const SOURCE_ARN: Option<AddressMember> =
    Some(AddressMember { member: "SourceArn", resolve: resolve_arn, releases_name: false });

const TASK_HANDLE: Option<AddressMember> =
    Some(AddressMember { member: "TaskHandle", resolve: resolve_task_handle, releases_name: false });

const STRING_LIST: Shape = Shape::List(&Shape::String);
const STRING_MAP: Shape = Shape::Map(&Shape::String);

const QUEUE_URL_MEMBER: Member = Member::optional("QueueUrl", Shape::String);

const MESSAGE_ATTRIBUTE_VALUE: Structure = Structure {
    name: "MessageAttributeValue",
    members: &[
        Member::optional("StringValue", Shape::String),
        Member::optional("BinaryValue", Shape::Blob),
        Member::optional("StringListValues", STRING_LIST),
        Member::optional("BinaryListValues", Shape::List(&Shape::Blob)),
        Member::required("DataType", Shape::String),
    ],
};

const MESSAGE_SYSTEM_ATTRIBUTE_VALUE: Structure = Structure {
    name: "MessageSystemAttributeValue",
    members: &[
        Member::optional("StringValue", Shape::String),
        Member::optional("BinaryValue", Shape::Blob),
        Member::optional("StringListValues", STRING_LIST),
        Member::optional("BinaryListValues", Shape::List(&Shape::Blob)),
        Member::required("DataType", Shape::String),
    ],
};

/// Message attributes by name.
const MESSAGE_ATTRIBUTES: Shape = Shape::Map(&Shape::Structure(&MESSAGE_ATTRIBUTE_VALUE));

/// Message system attributes by name (only `AWSTraceHeader` exists).
const MESSAGE_SYSTEM_ATTRIBUTES: Shape = Shape::Map(&Shape::Structure(&MESSAGE_SYSTEM_ATTRIBUTE_VALUE));

const SEND_MESSAGE_BATCH_REQUEST_ENTRY: Structure = Structure {
    name: "SendMessageBatchRequestEntry",
    members: &[
        Member::required("Id", Shape::String),
        Member::required("MessageBody", Shape::String),
        Member::optional("DelaySeconds", Shape::Integer),
        Member::optional("MessageAttributes", MESSAGE_ATTRIBUTES),
        Member::optional("MessageSystemAttributes", MESSAGE_SYSTEM_ATTRIBUTES),
        Member::optional("MessageDeduplicationId", Shape::String),
        Member::optional("MessageGroupId", Shape::String),
    ],
};

const DELETE_MESSAGE_BATCH_REQUEST_ENTRY: Structure = Structure {
    name: "DeleteMessageBatchRequestEntry",
    members: &[Member::required("Id", Shape::String), Member::required("ReceiptHandle", Shape::String)],
};

const CHANGE_MESSAGE_VISIBILITY_BATCH_REQUEST_ENTRY: Structure = Structure {
    name: "ChangeMessageVisibilityBatchRequestEntry",
    members: &[
        Member::required("Id", Shape::String),
        Member::required("ReceiptHandle", Shape::String),
        Member::optional("VisibilityTimeout", Shape::Integer),
    ],
};

const BATCH_RESULT_ERROR_ENTRY: Structure = Structure {
    name: "BatchResultErrorEntry",
    members: &[
        Member::optional("Id", Shape::String),
        Member::optional("SenderFault", Shape::Boolean),
        Member::optional("Code", Shape::String),
        Member::optional("Message", Shape::String),
    ],
};

/// The `Failed` member every batch operation returns.
const FAILED: Member = Member::optional("Failed", Shape::List(&Shape::Structure(&BATCH_RESULT_ERROR_ENTRY)));

const SEND_MESSAGE_BATCH_RESULT_ENTRY: Structure = Structure {
    name: "SendMessageBatchResultEntry",
    members: &[
        Member::optional("Id", Shape::String),
        Member::optional("MessageId", Shape::String),
        Member::optional("MD5OfMessageBody", Shape::String),
        Member::optional("MD5OfMessageAttributes", Shape::String),
        Member::optional("MD5OfMessageSystemAttributes", Shape::String),
        Member::optional("SequenceNumber", Shape::String),
    ],
};

const DELETE_MESSAGE_BATCH_RESULT_ENTRY: Structure =
    Structure { name: "DeleteMessageBatchResultEntry", members: &[Member::optional("Id", Shape::String)] };

const CHANGE_MESSAGE_VISIBILITY_BATCH_RESULT_ENTRY: Structure =
    Structure { name: "ChangeMessageVisibilityBatchResultEntry", members: &[Member::optional("Id", Shape::String)] };

const MESSAGE: Structure = Structure {
    name: "Message",
    members: &[
        Member::optional("MessageId", Shape::String),
        Member::optional("ReceiptHandle", Shape::String),
        Member::optional("MD5OfBody", Shape::String),
        Member::optional("Body", Shape::String),
        Member::optional("Attributes", STRING_MAP),
        Member::optional("MD5OfMessageAttributes", Shape::String),
        Member::optional("MessageAttributes", MESSAGE_ATTRIBUTES),
    ],
};

const LIST_MESSAGE_MOVE_TASKS_RESULT_ENTRY: Structure = Structure {
    name: "ListMessageMoveTasksResultEntry",
    members: &[
        Member::optional("TaskHandle", Shape::String),
        Member::optional("Status", Shape::String),
        Member::optional("SourceArn", Shape::String),
        Member::optional("DestinationArn", Shape::String),
        Member::optional("MaxNumberOfMessagesPerSecond", Shape::Integer),
        Member::optional("ApproximateNumberOfMessagesMoved", Shape::Long),
        Member::optional("ApproximateNumberOfMessagesToMove", Shape::Long),
        Member::optional("FailureReason", Shape::String),
        Member::optional("StartedTimestamp", Shape::Long),
    ],
};

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "AddPermission",
        input: &Structure {
            name: "AddPermissionInput",
            members: &[
                QUEUE_URL_MEMBER,
                Member::optional("Label", Shape::String),
                Member::optional("AWSAccountIds", STRING_LIST),
                Member::optional("Actions", STRING_LIST),
            ],
        },
        output: &Structure { name: "AddPermissionOutput", members: &[] },
        address: QUEUE_URL,
    },
    Operation {
        name: "CancelMessageMoveTask",
        input: &Structure {
            name: "CancelMessageMoveTaskInput",
            members: &[Member::optional("TaskHandle", Shape::String)],
        },
        output: &Structure {
            name: "CancelMessageMoveTaskOutput",
            members: &[Member::optional("ApproximateNumberOfMessagesMoved", Shape::Long)],
        },
        address: TASK_HANDLE,
    },
    Operation {
        name: "ChangeMessageVisibility",
        input: &Structure {
            name: "ChangeMessageVisibilityInput",
            members: &[
                QUEUE_URL_MEMBER,
                Member::optional("ReceiptHandle", Shape::String),
                Member::optional("VisibilityTimeout", Shape::Integer),
            ],
        },
        output: &Structure { name: "ChangeMessageVisibilityOutput", members: &[] },
        address: QUEUE_URL,
    },
    Operation {
        name: "ChangeMessageVisibilityBatch",
        input: &Structure {
            name: "ChangeMessageVisibilityBatchInput",
            members: &[
                QUEUE_URL_MEMBER,
                Member::optional(
                    "Entries",
                    Shape::List(&Shape::Structure(&CHANGE_MESSAGE_VISIBILITY_BATCH_REQUEST_ENTRY)),
                ),
            ],
        },
        output: &Structure {
            name: "ChangeMessageVisibilityBatchOutput",
            members: &[
                Member::optional(
                    "Successful",
                    Shape::List(&Shape::Structure(&CHANGE_MESSAGE_VISIBILITY_BATCH_RESULT_ENTRY)),
                ),
                FAILED,
            ],
        },
        address: QUEUE_URL,
    },
    Operation {
        name: "CreateQueue",
        input: &Structure {
            name: "CreateQueueInput",
            members: &[
                Member::optional("QueueName", Shape::String),
                Member::optional("Attributes", STRING_MAP),
                Member::optional("tags", STRING_MAP),
            ],
        },
        output: &Structure { name: "CreateQueueOutput", members: &[Member::optional("QueueUrl", Shape::String)] },
        address: Some(AddressMember { member: "QueueName", resolve: resolve_own_name, releases_name: false }),
    },
    Operation {
        name: "DeleteMessage",
        input: &Structure {
            name: "DeleteMessageInput",
            members: &[QUEUE_URL_MEMBER, Member::optional("ReceiptHandle", Shape::String)],
        },
        output: &Structure { name: "DeleteMessageOutput", members: &[] },
        address: QUEUE_URL,
    },
    Operation {
        name: "DeleteMessageBatch",
        input: &Structure {
            name: "DeleteMessageBatchInput",
            members: &[
                QUEUE_URL_MEMBER,
                Member::optional("Entries", Shape::List(&Shape::Structure(&DELETE_MESSAGE_BATCH_REQUEST_ENTRY))),
            ],
        },
        output: &Structure {
            name: "DeleteMessageBatchOutput",
            members: &[
                Member::optional("Successful", Shape::List(&Shape::Structure(&DELETE_MESSAGE_BATCH_RESULT_ENTRY))),
                FAILED,
            ],
        },
        address: QUEUE_URL,
    },
    Operation {
        name: "DeleteQueue",
        input: &Structure { name: "DeleteQueueInput", members: &[QUEUE_URL_MEMBER] },
        output: &Structure { name: "DeleteQueueOutput", members: &[] },
        address: QUEUE_URL,
    },
    Operation {
        name: "GetQueueAttributes",
        input: &Structure {
            name: "GetQueueAttributesInput",
            members: &[QUEUE_URL_MEMBER, Member::optional("AttributeNames", STRING_LIST)],
        },
        output: &Structure { name: "GetQueueAttributesOutput", members: &[Member::optional("Attributes", STRING_MAP)] },
        address: QUEUE_URL,
    },
    Operation {
        name: "GetQueueUrl",
        input: &Structure {
            name: "GetQueueUrlInput",
            members: &[
                Member::optional("QueueName", Shape::String),
                Member::optional("QueueOwnerAWSAccountId", Shape::String),
            ],
        },
        output: &Structure { name: "GetQueueUrlOutput", members: &[Member::optional("QueueUrl", Shape::String)] },
        address: Some(AddressMember {
            member: "QueueName",
            resolve: resolve_queue_name_with_owner,
            releases_name: false,
        }),
    },
    Operation {
        name: "ListDeadLetterSourceQueues",
        input: &Structure {
            name: "ListDeadLetterSourceQueuesInput",
            members: &[
                QUEUE_URL_MEMBER,
                Member::optional("NextToken", Shape::String),
                Member::optional("MaxResults", Shape::Integer),
            ],
        },
        output: &Structure {
            name: "ListDeadLetterSourceQueuesOutput",
            members: &[Member::optional("queueUrls", STRING_LIST), Member::optional("NextToken", Shape::String)],
        },
        address: QUEUE_URL,
    },
    Operation {
        name: "ListMessageMoveTasks",
        input: &Structure {
            name: "ListMessageMoveTasksInput",
            members: &[Member::optional("SourceArn", Shape::String), Member::optional("MaxResults", Shape::Integer)],
        },
        output: &Structure {
            name: "ListMessageMoveTasksOutput",
            members: &[Member::optional(
                "Results",
                Shape::List(&Shape::Structure(&LIST_MESSAGE_MOVE_TASKS_RESULT_ENTRY)),
            )],
        },
        address: SOURCE_ARN,
    },
    Operation {
        name: "ListQueueTags",
        input: &Structure { name: "ListQueueTagsInput", members: &[QUEUE_URL_MEMBER] },
        output: &Structure { name: "ListQueueTagsOutput", members: &[Member::optional("Tags", STRING_MAP)] },
        address: QUEUE_URL,
    },
    Operation {
        name: "ListQueues",
        input: &Structure {
            name: "ListQueuesInput",
            members: &[
                Member::optional("QueueNamePrefix", Shape::String),
                Member::optional("NextToken", Shape::String),
                Member::optional("MaxResults", Shape::Integer),
            ],
        },
        output: &Structure {
            name: "ListQueuesOutput",
            members: &[Member::optional("QueueUrls", STRING_LIST), Member::optional("NextToken", Shape::String)],
        },
        address: None,
    },
    Operation {
        name: "PurgeQueue",
        input: &Structure { name: "PurgeQueueInput", members: &[QUEUE_URL_MEMBER] },
        output: &Structure { name: "PurgeQueueOutput", members: &[] },
        address: QUEUE_URL,
    },
    Operation {
        name: "ReceiveMessage",
        input: &Structure {
            name: "ReceiveMessageInput",
            members: &[
                QUEUE_URL_MEMBER,
                Member::optional("AttributeNames", STRING_LIST),
                Member::optional("MessageSystemAttributeNames", STRING_LIST),
                Member::optional("MessageAttributeNames", STRING_LIST),
                Member::optional("MaxNumberOfMessages", Shape::Integer),
                Member::optional("VisibilityTimeout", Shape::Integer),
                Member::optional("WaitTimeSeconds", Shape::Integer),
                Member::optional("ReceiveRequestAttemptId", Shape::String),
            ],
        },
        output: &Structure {
            name: "ReceiveMessageOutput",
            members: &[Member::optional("Messages", Shape::List(&Shape::Structure(&MESSAGE)))],
        },
        address: QUEUE_URL,
    },
    Operation {
        name: "RemovePermission",
        input: &Structure {
            name: "RemovePermissionInput",
            members: &[QUEUE_URL_MEMBER, Member::optional("Label", Shape::String)],
        },
        output: &Structure { name: "RemovePermissionOutput", members: &[] },
        address: QUEUE_URL,
    },
    Operation {
        name: "SendMessage",
        input: &Structure {
            name: "SendMessageInput",
            members: &[
                QUEUE_URL_MEMBER,
                Member::optional("MessageBody", Shape::String),
                Member::optional("DelaySeconds", Shape::Integer),
                Member::optional("MessageAttributes", MESSAGE_ATTRIBUTES),
                Member::optional("MessageSystemAttributes", MESSAGE_SYSTEM_ATTRIBUTES),
                Member::optional("MessageDeduplicationId", Shape::String),
                Member::optional("MessageGroupId", Shape::String),
            ],
        },
        output: &Structure {
            name: "SendMessageOutput",
            members: &[
                Member::optional("MD5OfMessageBody", Shape::String),
                Member::optional("MD5OfMessageAttributes", Shape::String),
                Member::optional("MD5OfMessageSystemAttributes", Shape::String),
                Member::optional("MessageId", Shape::String),
                Member::optional("SequenceNumber", Shape::String),
            ],
        },
        address: QUEUE_URL,
    },
    Operation {
        name: "SendMessageBatch",
        input: &Structure {
            name: "SendMessageBatchInput",
            members: &[
                QUEUE_URL_MEMBER,
                Member::optional("Entries", Shape::List(&Shape::Structure(&SEND_MESSAGE_BATCH_REQUEST_ENTRY))),
            ],
        },
        output: &Structure {
            name: "SendMessageBatchOutput",
            members: &[
                Member::optional("Successful", Shape::List(&Shape::Structure(&SEND_MESSAGE_BATCH_RESULT_ENTRY))),
                FAILED,
            ],
        },
        address: QUEUE_URL,
    },
    Operation {
        name: "SetQueueAttributes",
        input: &Structure {
            name: "SetQueueAttributesInput",
            members: &[QUEUE_URL_MEMBER, Member::optional("Attributes", STRING_MAP)],
        },
        output: &Structure { name: "SetQueueAttributesOutput", members: &[] },
        address: QUEUE_URL,
    },
    Operation {
        name: "StartMessageMoveTask",
        input: &Structure {
            name: "StartMessageMoveTaskInput",
            members: &[
                Member::optional("SourceArn", Shape::String),
                Member::optional("DestinationArn", Shape::String),
                Member::optional("MaxNumberOfMessagesPerSecond", Shape::Integer),
            ],
        },
        output: &Structure {
            name: "StartMessageMoveTaskOutput",
            members: &[Member::optional("TaskHandle", Shape::String)],
        },
        address: SOURCE_ARN,
    },
    Operation {
        name: "TagQueue",
        input: &Structure { name: "TagQueueInput", members: &[QUEUE_URL_MEMBER, Member::optional("Tags", STRING_MAP)] },
        output: &Structure { name: "TagQueueOutput", members: &[] },
        address: QUEUE_URL,
    },
    Operation {
        name: "UntagQueue",
        input: &Structure {
            name: "UntagQueueInput",
            members: &[QUEUE_URL_MEMBER, Member::optional("TagKeys", STRING_LIST)],
        },
        output: &Structure { name: "UntagQueueOutput", members: &[] },
        address: QUEUE_URL,
    },
];

/// Resolves a queue URL; one without a region names a queue in the caller's region.
fn resolve_queue_url(value: &str, _input: &Map<String, Value>, caller: &Namespace) -> Option<ResolvedAddress> {
    let address = parse_queue_url(value).ok()?;
    let region = address.region.unwrap_or_else(|| caller.region.clone());
    Some(ResolvedAddress { kind: AddressKind::Url, namespace: Namespace::new(&address.account_id, &region) })
}

/// Resolves GetQueueUrl's `QueueName` in the account `QueueOwnerAWSAccountId`
/// names, or the caller's, always in the caller's region.
fn resolve_queue_name_with_owner(
    _value: &str,
    input: &Map<String, Value>,
    caller: &Namespace,
) -> Option<ResolvedAddress> {
    let owner = match input.get("QueueOwnerAWSAccountId") {
        Some(Value::String(account_id)) => account_id.clone(),
        Some(Value::Number(account_id)) => format!("{:0>12}", account_id.to_string()),
        _ => caller.account_id.clone(),
    };
    Some(ResolvedAddress { kind: AddressKind::Name, namespace: Namespace::new(&owner, &caller.region) })
}

/// Resolves a message move task handle to the namespace of the task's
/// source queue.
///
/// The SQS API reference describes the handle only as an identifier. The
/// bundled emulator and LocalStack (`localstack.services.sqs.utils.encode_move_task_handle`)
/// build it as base64 of a JSON object whose `sourceArn` is the source queue's ARN.
/// NOTE: a handle of another form resolves to nothing, so its boundary is unknown.
fn resolve_task_handle(value: &str, input: &Map<String, Value>, caller: &Namespace) -> Option<ResolvedAddress> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(value).ok()?;
    let document: Value = serde_json::from_slice(&bytes).ok()?;
    let source_arn = document.get("sourceArn")?.as_str()?;
    let resolved = resolve_arn(source_arn, input, caller)?;
    Some(ResolvedAddress { kind: AddressKind::Id, namespace: resolved.namespace })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_declared_once() {
        let mut names: Vec<&str> = OPERATIONS.iter().map(|operation| operation.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "duplicate operation names");
        assert_eq!(count, 23, "SQS has 23 operations");
    }

    #[test]
    fn structures_are_named_after_their_operation() {
        for operation in OPERATIONS {
            assert_eq!(operation.input.name, format!("{}Input", operation.name), "input of {}", operation.name);
            assert_eq!(operation.output.name, format!("{}Output", operation.name), "output of {}", operation.name);
        }
    }

    #[test]
    fn address_member_is_an_input_member() {
        for operation in OPERATIONS {
            if let Some(address) = operation.address {
                assert!(
                    operation.input.member(address.member).is_some(),
                    "{} addresses by {}, which is not an input member",
                    operation.name,
                    address.member
                );
            }
        }
    }

    #[test]
    fn top_level_input_members_are_optional() {
        for operation in OPERATIONS {
            for member in operation.input.members {
                assert!(!member.required, "{}.{} is marked required", operation.name, member.name);
            }
        }
    }

    #[test]
    fn queue_url_resolves_to_owner_namespace() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let url = "http://sqs.ap-south-1.localhost.localstack.cloud:4566/111111111111/q";
        let resolved = resolve_queue_url(url, &Map::new(), &caller).expect("a queue URL");
        assert_eq!(resolved.kind, AddressKind::Url);
        assert_eq!(resolved.namespace, Namespace::new("111111111111", "ap-south-1"));
    }

    #[test]
    fn queue_url_without_region_uses_caller_region() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let resolved =
            resolve_queue_url("http://127.0.0.1:4566/111111111111/q", &Map::new(), &caller).expect("a queue URL");
        assert_eq!(resolved.namespace, Namespace::new("111111111111", "eu-central-1"));
    }

    #[test]
    fn queue_name_with_owner_resolves_to_owner_account() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let mut input = Map::new();
        input.insert("QueueOwnerAWSAccountId".to_owned(), Value::String("111111111111".to_owned()));
        let resolved = resolve_queue_name_with_owner("q", &input, &caller).expect("a name");
        assert_eq!(resolved.kind, AddressKind::Name);
        assert_eq!(resolved.namespace, Namespace::new("111111111111", "eu-central-1"));
        let own = resolve_queue_name_with_owner("q", &Map::new(), &caller).expect("a name");
        assert_eq!(own.namespace, caller);
    }

    #[test]
    fn task_handle_resolves_to_source_namespace() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let document = r#"{"taskId":"7f0c","sourceArn":"arn:aws:sqs:ap-south-1:111111111111:dlq"}"#;
        let handle = base64::engine::general_purpose::STANDARD.encode(document);
        let resolved = resolve_task_handle(&handle, &Map::new(), &caller).expect("a task handle");
        assert_eq!(resolved.kind, AddressKind::Id);
        assert_eq!(resolved.namespace, Namespace::new("111111111111", "ap-south-1"));
    }

    #[test]
    fn task_handle_of_unknown_form_is_unresolved() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        assert_eq!(resolve_task_handle("not-base64!", &Map::new(), &caller), None);
        let no_arn = base64::engine::general_purpose::STANDARD.encode(r#"{"taskId":"7f0c"}"#);
        assert_eq!(resolve_task_handle(&no_arn, &Map::new(), &caller), None);
    }
}
