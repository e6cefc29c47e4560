//! The SNS operation table: every operation's input and output members,
//! nested, and the input member that carries its resource address.
//!
//! Member names and types follow the SNS API reference
//! (<https://docs.aws.amazon.com/sns/latest/api/API_Operations.html> and its
//! Data Types pages) and the `aws-sdk-sns` 1.x crate; structure names are
//! the crate's type names. Outputs are listed as the driver renders them. A
//! member is [`Member::required`] only where the crate's builder fails
//! without it.

use crate::driver::shape::{Member, Shape, Structure};
use crate::driver::{AddressMember, Operation, resolve_arn, resolve_own_name};

const TOPIC_ARN: Option<AddressMember> =
    Some(AddressMember { member: "TopicArn", resolve: resolve_arn, releases_name: false });

const SUBSCRIPTION_ARN: Option<AddressMember> =
    Some(AddressMember { member: "SubscriptionArn", resolve: resolve_arn, releases_name: false });

const RESOURCE_ARN: Option<AddressMember> =
    Some(AddressMember { member: "ResourceArn", resolve: resolve_arn, releases_name: false });

const STRING_LIST: Shape = Shape::List(&Shape::String);
const STRING_MAP: Shape = Shape::Map(&Shape::String);

const TOPIC_ARN_MEMBER: Member = Member::optional("TopicArn", Shape::String);
const SUBSCRIPTION_ARN_MEMBER: Member = Member::optional("SubscriptionArn", Shape::String);
const RESOURCE_ARN_MEMBER: Member = Member::optional("ResourceArn", Shape::String);
const NEXT_TOKEN_MEMBER: Member = Member::optional("NextToken", Shape::String);

const TAG: Structure = Structure {
    name: "Tag",
    members: &[Member::required("Key", Shape::String), Member::required("Value", Shape::String)],
};

const TAGS: Shape = Shape::List(&Shape::Structure(&TAG));

const MESSAGE_ATTRIBUTE_VALUE: Structure = Structure {
    name: "MessageAttributeValue",
    members: &[
        Member::required("DataType", Shape::String),
        Member::optional("StringValue", Shape::String),
        Member::optional("BinaryValue", Shape::Blob),
    ],
};

/// Message attributes by name.
const MESSAGE_ATTRIBUTES: Shape = Shape::Map(&Shape::Structure(&MESSAGE_ATTRIBUTE_VALUE));

const PUBLISH_BATCH_REQUEST_ENTRY: Structure = Structure {
    name: "PublishBatchRequestEntry",
    members: &[
        Member::required("Id", Shape::String),
        Member::required("Message", Shape::String),
        Member::optional("Subject", Shape::String),
        Member::optional("MessageStructure", Shape::String),
        Member::optional("MessageAttributes", MESSAGE_ATTRIBUTES),
        Member::optional("MessageDeduplicationId", Shape::String),
        Member::optional("MessageGroupId", Shape::String),
    ],
};

const PUBLISH_BATCH_RESULT_ENTRY: Structure = Structure {
    name: "PublishBatchResultEntry",
    members: &[
        Member::optional("Id", Shape::String),
        Member::optional("MessageId", Shape::String),
        Member::optional("SequenceNumber", Shape::String),
    ],
};

const BATCH_RESULT_ERROR_ENTRY: Structure = Structure {
    name: "BatchResultErrorEntry",
    members: &[
        Member::optional("Id", Shape::String),
        Member::optional("Code", Shape::String),
        Member::optional("Message", Shape::String),
        Member::optional("SenderFault", Shape::Boolean),
    ],
};

const SUBSCRIPTION: Structure = Structure {
    name: "Subscription",
    members: &[
        Member::optional("SubscriptionArn", Shape::String),
        Member::optional("Owner", Shape::String),
        Member::optional("Protocol", Shape::String),
        Member::optional("Endpoint", Shape::String),
        Member::optional("TopicArn", Shape::String),
    ],
};

const TOPIC: Structure = Structure { name: "Topic", members: &[Member::optional("TopicArn", Shape::String)] };

/// The members of ListSubscriptions and ListSubscriptionsByTopic.
const SUBSCRIPTIONS_PAGE: &[Member] =
    &[Member::optional("Subscriptions", Shape::List(&Shape::Structure(&SUBSCRIPTION))), NEXT_TOKEN_MEMBER];

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "AddPermission",
        input: &Structure {
            name: "AddPermissionInput",
            members: &[
                TOPIC_ARN_MEMBER,
                Member::optional("Label", Shape::String),
                Member::optional("AWSAccountId", STRING_LIST),
                Member::optional("ActionName", STRING_LIST),
            ],
        },
        output: &Structure { name: "AddPermissionOutput", members: &[] },
        address: TOPIC_ARN,
    },
    Operation {
        name: "ConfirmSubscription",
        input: &Structure {
            name: "ConfirmSubscriptionInput",
            members: &[
                TOPIC_ARN_MEMBER,
                Member::optional("Token", Shape::String),
                Member::optional("AuthenticateOnUnsubscribe", Shape::String),
            ],
        },
        output: &Structure { name: "ConfirmSubscriptionOutput", members: &[SUBSCRIPTION_ARN_MEMBER] },
        address: TOPIC_ARN,
    },
    Operation {
        name: "CreateTopic",
        input: &Structure {
            name: "CreateTopicInput",
            members: &[
                Member::optional("Name", Shape::String),
                Member::optional("Attributes", STRING_MAP),
                Member::optional("Tags", TAGS),
                Member::optional("DataProtectionPolicy", Shape::String),
            ],
        },
        output: &Structure { name: "CreateTopicOutput", members: &[TOPIC_ARN_MEMBER] },
        address: Some(AddressMember { member: "Name", resolve: resolve_own_name, releases_name: false }),
    },
    Operation {
        name: "DeleteTopic",
        input: &Structure { name: "DeleteTopicInput", members: &[TOPIC_ARN_MEMBER] },
        output: &Structure { name: "DeleteTopicOutput", members: &[] },
        address: TOPIC_ARN,
    },
    Operation {
        name: "GetSubscriptionAttributes",
        input: &Structure { name: "GetSubscriptionAttributesInput", members: &[SUBSCRIPTION_ARN_MEMBER] },
        output: &Structure {
            name: "GetSubscriptionAttributesOutput",
            members: &[Member::optional("Attributes", STRING_MAP)],
        },
        address: SUBSCRIPTION_ARN,
    },
    Operation {
        name: "GetTopicAttributes",
        input: &Structure { name: "GetTopicAttributesInput", members: &[TOPIC_ARN_MEMBER] },
        output: &Structure { name: "GetTopicAttributesOutput", members: &[Member::optional("Attributes", STRING_MAP)] },
        address: TOPIC_ARN,
    },
    Operation {
        name: "ListSubscriptions",
        input: &Structure { name: "ListSubscriptionsInput", members: &[NEXT_TOKEN_MEMBER] },
        output: &Structure { name: "ListSubscriptionsOutput", members: SUBSCRIPTIONS_PAGE },
        address: None,
    },
    Operation {
        name: "ListSubscriptionsByTopic",
        input: &Structure { name: "ListSubscriptionsByTopicInput", members: &[TOPIC_ARN_MEMBER, NEXT_TOKEN_MEMBER] },
        output: &Structure { name: "ListSubscriptionsByTopicOutput", members: SUBSCRIPTIONS_PAGE },
        address: TOPIC_ARN,
    },
    Operation {
        name: "ListTagsForResource",
        input: &Structure { name: "ListTagsForResourceInput", members: &[RESOURCE_ARN_MEMBER] },
        output: &Structure { name: "ListTagsForResourceOutput", members: &[Member::optional("Tags", TAGS)] },
        address: RESOURCE_ARN,
    },
    Operation {
        name: "ListTopics",
        input: &Structure { name: "ListTopicsInput", members: &[NEXT_TOKEN_MEMBER] },
        output: &Structure {
            name: "ListTopicsOutput",
            members: &[Member::optional("Topics", Shape::List(&Shape::Structure(&TOPIC))), NEXT_TOKEN_MEMBER],
        },
        address: None,
    },
    Operation {
        name: "Publish",
        input: &Structure {
            name: "PublishInput",
            members: &[
                TOPIC_ARN_MEMBER,
                Member::optional("TargetArn", Shape::String),
                Member::optional("PhoneNumber", Shape::String),
                Member::optional("Message", Shape::String),
                Member::optional("Subject", Shape::String),
                Member::optional("MessageStructure", Shape::String),
                Member::optional("MessageAttributes", MESSAGE_ATTRIBUTES),
                Member::optional("MessageDeduplicationId", Shape::String),
                Member::optional("MessageGroupId", Shape::String),
            ],
        },
        output: &Structure {
            name: "PublishOutput",
            members: &[Member::optional("MessageId", Shape::String), Member::optional("SequenceNumber", Shape::String)],
        },
        address: TOPIC_ARN,
    },
    Operation {
        name: "PublishBatch",
        input: &Structure {
            name: "PublishBatchInput",
            members: &[
                TOPIC_ARN_MEMBER,
                Member::optional(
                    "PublishBatchRequestEntries",
                    Shape::List(&Shape::Structure(&PUBLISH_BATCH_REQUEST_ENTRY)),
                ),
            ],
        },
        output: &Structure {
            name: "PublishBatchOutput",
            members: &[
                Member::optional("Successful", Shape::List(&Shape::Structure(&PUBLISH_BATCH_RESULT_ENTRY))),
                Member::optional("Failed", Shape::List(&Shape::Structure(&BATCH_RESULT_ERROR_ENTRY))),
            ],
        },
        address: TOPIC_ARN,
    },
    Operation {
        name: "RemovePermission",
        input: &Structure {
            name: "RemovePermissionInput",
            members: &[TOPIC_ARN_MEMBER, Member::optional("Label", Shape::String)],
        },
        output: &Structure { name: "RemovePermissionOutput", members: &[] },
        address: TOPIC_ARN,
    },
    Operation {
        name: "SetSubscriptionAttributes",
        input: &Structure {
            name: "SetSubscriptionAttributesInput",
            members: &[
                SUBSCRIPTION_ARN_MEMBER,
                Member::optional("AttributeName", Shape::String),
                Member::optional("AttributeValue", Shape::String),
            ],
        },
        output: &Structure { name: "SetSubscriptionAttributesOutput", members: &[] },
        address: SUBSCRIPTION_ARN,
    },
    Operation {
        name: "SetTopicAttributes",
        input: &Structure {
            name: "SetTopicAttributesInput",
            members: &[
                TOPIC_ARN_MEMBER,
                Member::optional("AttributeName", Shape::String),
                Member::optional("AttributeValue", Shape::String),
            ],
        },
        output: &Structure { name: "SetTopicAttributesOutput", members: &[] },
        address: TOPIC_ARN,
    },
    Operation {
        name: "Subscribe",
        input: &Structure {
            name: "SubscribeInput",
            members: &[
                TOPIC_ARN_MEMBER,
                Member::optional("Protocol", Shape::String),
                Member::optional("Endpoint", Shape::String),
                Member::optional("Attributes", STRING_MAP),
                Member::optional("ReturnSubscriptionArn", Shape::Boolean),
            ],
        },
        output: &Structure { name: "SubscribeOutput", members: &[SUBSCRIPTION_ARN_MEMBER] },
        address: TOPIC_ARN,
    },
    Operation {
        name: "TagResource",
        input: &Structure { name: "TagResourceInput", members: &[RESOURCE_ARN_MEMBER, Member::optional("Tags", TAGS)] },
        output: &Structure { name: "TagResourceOutput", members: &[] },
        address: RESOURCE_ARN,
    },
    Operation {
        name: "Unsubscribe",
        input: &Structure { name: "UnsubscribeInput", members: &[SUBSCRIPTION_ARN_MEMBER] },
        output: &Structure { name: "UnsubscribeOutput", members: &[] },
        address: SUBSCRIPTION_ARN,
    },
    Operation {
        name: "UntagResource",
        input: &Structure {
            name: "UntagResourceInput",
            members: &[RESOURCE_ARN_MEMBER, Member::optional("TagKeys", STRING_LIST)],
        },
        output: &Structure { name: "UntagResourceOutput", members: &[] },
        address: RESOURCE_ARN,
    },
];

#[cfg(test)]
mod tests {
    use crosscheck_emulator::arn::AddressKind;
    use crosscheck_emulator::store::Namespace;
    use serde_json::Map;

    use super::*;
    use crate::driver::operation_table_checks;

    #[test]
    fn operation_table_is_consistent() {
        operation_table_checks::assert_consistent(OPERATIONS, 19);
    }

    #[test]
    fn topic_arn_resolves_to_owner_namespace() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let resolve = TOPIC_ARN.expect("an address").resolve;
        let resolved = resolve("arn:aws:sns:ap-south-1:111111111111:orders", &Map::new(), &caller).expect("an ARN");
        assert_eq!(resolved.kind, AddressKind::Arn);
        assert_eq!(resolved.namespace, Namespace::new("111111111111", "ap-south-1"));
    }

    #[test]
    fn pending_subscription_is_no_address() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let resolve = SUBSCRIPTION_ARN.expect("an address").resolve;
        assert_eq!(resolve("pending confirmation", &Map::new(), &caller), None);
    }
}
