//! Every operation in its awsQuery form: form parameters in, XML out, as the
//! AWS CLI v1 and older SDKs send them
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-xml.html>).

use crate::common::{self, HOME_REGION, OTHER, OTHER_REGION, OWNER, RawResponse, query_action};

const XMLNS: &str = "xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"";

fn assert_ok(response: &RawResponse, action: &str) {
    assert_eq!(response.status, 200, "{action}: {}", response.body);
    assert!(
        response.body.contains(&format!("<{action}Response {XMLNS}>")),
        "{action}: response element: {}",
        response.body
    );
    assert!(response.body.contains("<RequestId>"), "{action}: RequestId: {}", response.body);
}

#[tokio::test]
async fn query_protocol_serves_every_operation() {
    let server = common::start().await;
    let s = &server;

    // CreateQueue with flattened attributes and tags.
    let created = query_action(
        s,
        OWNER,
        HOME_REGION,
        "CreateQueue",
        &[
            ("QueueName", "form-queue"),
            ("Attribute.1.Name", "VisibilityTimeout"),
            ("Attribute.1.Value", "40"),
            ("Attribute.2.Name", "DelaySeconds"),
            ("Attribute.2.Value", "0"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "blue"),
        ],
    )
    .await;
    assert_ok(&created, "CreateQueue");
    let queue_url = created.xml_value("QueueUrl").expect("CreateQueueResult/QueueUrl");
    assert!(queue_url.ends_with("/111111111111/form-queue"), "{queue_url}");
    let url = queue_url.as_str();

    let dlq = query_action(s, OWNER, HOME_REGION, "CreateQueue", &[("QueueName", "form-dlq")]).await;
    let dlq_url = dlq.xml_value("QueueUrl").expect("DLQ URL");

    // GetQueueUrl from another account with QueueOwnerAWSAccountId.
    let found = query_action(
        s,
        OTHER,
        HOME_REGION,
        "GetQueueUrl",
        &[("QueueName", "form-queue"), ("QueueOwnerAWSAccountId", OWNER)],
    )
    .await;
    assert_ok(&found, "GetQueueUrl");
    assert_eq!(found.xml_value("QueueUrl").as_deref(), Some(url));

    // ListQueues: repeated <QueueUrl>, and NextToken with MaxResults.
    let listed = query_action(s, OWNER, HOME_REGION, "ListQueues", &[("QueueNamePrefix", "form-")]).await;
    assert_ok(&listed, "ListQueues");
    assert_eq!(listed.xml_values("QueueUrl").len(), 2, "{}", listed.body);
    let paged = query_action(s, OWNER, HOME_REGION, "ListQueues", &[("QueueNamePrefix", "form-"), ("MaxResults", "1")]).await;
    assert_eq!(paged.xml_values("QueueUrl").len(), 1, "{}", paged.body);
    assert!(paged.xml_value("NextToken").is_some(), "{}", paged.body);

    // Get and Set attributes, flattened <Attribute><Name/><Value/></Attribute>.
    let set = query_action(
        s,
        OTHER,
        OTHER_REGION,
        "SetQueueAttributes",
        &[("QueueUrl", url), ("Attribute.1.Name", "MaximumMessageSize"), ("Attribute.1.Value", "2048")],
    )
    .await;
    assert_ok(&set, "SetQueueAttributes");
    let attributes = query_action(
        s,
        OWNER,
        HOME_REGION,
        "GetQueueAttributes",
        &[("QueueUrl", url), ("AttributeName.1", "VisibilityTimeout"), ("AttributeName.2", "MaximumMessageSize")],
    )
    .await;
    assert_ok(&attributes, "GetQueueAttributes");
    assert!(
        attributes.body.contains("<Attribute><Name>MaximumMessageSize</Name><Value>2048</Value></Attribute>"),
        "{}",
        attributes.body
    );
    assert!(
        attributes.body.contains("<Attribute><Name>VisibilityTimeout</Name><Value>40</Value></Attribute>"),
        "{}",
        attributes.body
    );

    // Tags: Tag.N.Key/Value in, <Tag><Key/><Value/></Tag> out.
    let tagged = query_action(s, OWNER, HOME_REGION, "TagQueue", &[("QueueUrl", url), ("Tag.1.Key", "env"), ("Tag.1.Value", "ci")]).await;
    assert_ok(&tagged, "TagQueue");
    let untagged = query_action(s, OWNER, HOME_REGION, "UntagQueue", &[("QueueUrl", url), ("TagKey.1", "team")]).await;
    assert_ok(&untagged, "UntagQueue");
    let tags = query_action(s, OWNER, HOME_REGION, "ListQueueTags", &[("QueueUrl", url)]).await;
    assert_ok(&tags, "ListQueueTags");
    assert!(tags.body.contains("<Tag><Key>env</Key><Value>ci</Value></Tag>"), "{}", tags.body);
    assert!(!tags.body.contains("team"), "{}", tags.body);

    // Permissions: AWSAccountId.N and ActionName.N.
    let added = query_action(
        s,
        OWNER,
        HOME_REGION,
        "AddPermission",
        &[
            ("QueueUrl", url),
            ("Label", "form-grant"),
            ("AWSAccountId.1", OTHER),
            ("AWSAccountId.2", "333333333333"),
            ("ActionName.1", "SendMessage"),
            ("ActionName.2", "ReceiveMessage"),
        ],
    )
    .await;
    assert_ok(&added, "AddPermission");
    let policy = query_action(s, OWNER, HOME_REGION, "GetQueueAttributes", &[("QueueUrl", url), ("AttributeName.1", "Policy")]).await;
    let policy_text = policy.xml_value("Value").expect("Policy value");
    let document: serde_json::Value = serde_json::from_str(&policy_text).expect("Policy is JSON");
    let statement = &document["Statement"][0];
    assert_eq!(statement["Sid"], "form-grant");
    assert_eq!(statement["Effect"], "Allow");
    assert_eq!(
        statement["Principal"]["AWS"],
        serde_json::json!(["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"])
    );
    assert_eq!(statement["Action"], serde_json::json!(["SQS:SendMessage", "SQS:ReceiveMessage"]));
    assert_eq!(statement["Resource"], "arn:aws:sqs:ap-south-1:111111111111:form-queue");
    let removed = query_action(s, OWNER, HOME_REGION, "RemovePermission", &[("QueueUrl", url), ("Label", "form-grant")]).await;
    assert_ok(&removed, "RemovePermission");

    // SendMessage with message attributes.
    let sent = query_action(
        s,
        OTHER,
        HOME_REGION,
        "SendMessage",
        &[
            ("QueueUrl", url),
            ("MessageBody", "hello <world> & all"),
            ("MessageAttribute.1.Name", "color"),
            ("MessageAttribute.1.Value.StringValue", "red"),
            ("MessageAttribute.1.Value.DataType", "String"),
            ("MessageAttribute.2.Name", "blob"),
            ("MessageAttribute.2.Value.BinaryValue", "AAEC"),
            ("MessageAttribute.2.Value.DataType", "Binary"),
        ],
    )
    .await;
    assert_ok(&sent, "SendMessage");
    assert_eq!(
        sent.xml_value("MD5OfMessageBody").as_deref(),
        Some(crosscheck_emulator::services::sqs::message::md5_hex(b"hello <world> & all").as_str())
    );
    assert!(sent.xml_value("MD5OfMessageAttributes").is_some(), "{}", sent.body);
    assert!(sent.xml_value("MessageId").is_some(), "{}", sent.body);

    // SendMessageBatch: SendMessageBatchRequestEntry.N.* in, result entries out.
    let batch = query_action(
        s,
        OWNER,
        HOME_REGION,
        "SendMessageBatch",
        &[
            ("QueueUrl", url),
            ("SendMessageBatchRequestEntry.1.Id", "a"),
            ("SendMessageBatchRequestEntry.1.MessageBody", "batch-a"),
            ("SendMessageBatchRequestEntry.2.Id", "b"),
            ("SendMessageBatchRequestEntry.2.MessageBody", "batch-b"),
            ("SendMessageBatchRequestEntry.2.DelaySeconds", "0"),
            ("SendMessageBatchRequestEntry.3.Id", "c"),
            ("SendMessageBatchRequestEntry.3.MessageBody", "bad\u{1}"),
        ],
    )
    .await;
    assert_ok(&batch, "SendMessageBatch");
    assert_eq!(batch.xml_values("SendMessageBatchResultEntry").len(), 2, "{}", batch.body);
    let failure = batch.xml_value("BatchResultErrorEntry").expect("entry c fails");
    assert!(failure.contains("<Id>c</Id>"), "{failure}");
    assert!(failure.contains("<SenderFault>true</SenderFault>"), "{failure}");
    assert!(failure.contains("<Code>InvalidMessageContents</Code>"), "{failure}");

    // ReceiveMessage: <Message> with flattened Attribute and MessageAttribute.
    let received = query_action(
        s,
        OTHER,
        OTHER_REGION,
        "ReceiveMessage",
        &[
            ("QueueUrl", url),
            ("MaxNumberOfMessages", "10"),
            ("AttributeName.1", "SenderId"),
            ("AttributeName.2", "ApproximateReceiveCount"),
            ("MessageAttributeName.1", "All"),
            ("VisibilityTimeout", "60"),
        ],
    )
    .await;
    assert_ok(&received, "ReceiveMessage");
    let messages = received.xml_values("Message");
    assert_eq!(messages.len(), 3, "{}", received.body);
    let hello = messages.iter().find(|m| m.contains("hello")).expect("the first message");
    assert!(
        received.body.contains("<Body>hello &lt;world&gt; &amp; all</Body>"),
        "the body is escaped in XML: {}",
        received.body
    );
    assert!(hello.contains("<Attribute><Name>SenderId</Name><Value>222222222222</Value></Attribute>"), "{hello}");
    assert!(hello.contains("<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>"), "{hello}");
    assert!(
        hello.contains("<MessageAttribute><Name>color</Name><Value><StringValue>red</StringValue><DataType>String</DataType></Value></MessageAttribute>"),
        "{hello}"
    );
    assert!(
        hello.contains("<MessageAttribute><Name>blob</Name><Value><BinaryValue>AAEC</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute>"),
        "{hello}"
    );
    let handles = received.xml_values("ReceiptHandle");
    assert_eq!(handles.len(), 3);

    // ChangeMessageVisibility and its batch.
    let changed = query_action(
        s,
        OWNER,
        HOME_REGION,
        "ChangeMessageVisibility",
        &[("QueueUrl", url), ("ReceiptHandle", &handles[0]), ("VisibilityTimeout", "90")],
    )
    .await;
    assert_ok(&changed, "ChangeMessageVisibility");
    let changed_batch = query_action(
        s,
        OWNER,
        HOME_REGION,
        "ChangeMessageVisibilityBatch",
        &[
            ("QueueUrl", url),
            ("ChangeMessageVisibilityBatchRequestEntry.1.Id", "v1"),
            ("ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle", &handles[1]),
            ("ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout", "90"),
        ],
    )
    .await;
    assert_ok(&changed_batch, "ChangeMessageVisibilityBatch");
    assert!(
        changed_batch.body.contains("<ChangeMessageVisibilityBatchResultEntry><Id>v1</Id></ChangeMessageVisibilityBatchResultEntry>"),
        "{}",
        changed_batch.body
    );

    // DeleteMessage and its batch.
    let deleted = query_action(s, OWNER, HOME_REGION, "DeleteMessage", &[("QueueUrl", url), ("ReceiptHandle", &handles[0])]).await;
    assert_ok(&deleted, "DeleteMessage");
    let deleted_batch = query_action(
        s,
        OWNER,
        HOME_REGION,
        "DeleteMessageBatch",
        &[
            ("QueueUrl", url),
            ("DeleteMessageBatchRequestEntry.1.Id", "d1"),
            ("DeleteMessageBatchRequestEntry.1.ReceiptHandle", &handles[1]),
            ("DeleteMessageBatchRequestEntry.2.Id", "d2"),
            ("DeleteMessageBatchRequestEntry.2.ReceiptHandle", &handles[2]),
        ],
    )
    .await;
    assert_ok(&deleted_batch, "DeleteMessageBatch");
    assert_eq!(deleted_batch.xml_values("DeleteMessageBatchResultEntry").len(), 2, "{}", deleted_batch.body);

    // ListDeadLetterSourceQueues: repeated <QueueUrl>.
    let dlq_arn = format!("arn:aws:sqs:{HOME_REGION}:{OWNER}:form-dlq");
    let redrive = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":5}}"#);
    let set_redrive = query_action(
        s,
        OWNER,
        HOME_REGION,
        "SetQueueAttributes",
        &[("QueueUrl", url), ("Attribute.1.Name", "RedrivePolicy"), ("Attribute.1.Value", &redrive)],
    )
    .await;
    assert_ok(&set_redrive, "SetQueueAttributes");
    let sources = query_action(s, OTHER, HOME_REGION, "ListDeadLetterSourceQueues", &[("QueueUrl", &dlq_url)]).await;
    assert_ok(&sources, "ListDeadLetterSourceQueues");
    assert_eq!(sources.xml_values("QueueUrl"), vec![url.to_owned()], "{}", sources.body);

    // PurgeQueue, then DeleteQueue.
    let purged = query_action(s, OWNER, HOME_REGION, "PurgeQueue", &[("QueueUrl", url)]).await;
    assert_ok(&purged, "PurgeQueue");
    let deleted_queue = query_action(s, OWNER, HOME_REGION, "DeleteQueue", &[("QueueUrl", url)]).await;
    assert_ok(&deleted_queue, "DeleteQueue");
    let gone = query_action(s, OWNER, HOME_REGION, "GetQueueUrl", &[("QueueName", "form-queue")]).await;
    assert_eq!(gone.status, 400);
    assert_eq!(gone.xml_value("Code").as_deref(), Some("AWS.SimpleQueueService.NonExistentQueue"));

    server.shutdown().await;
}

#[tokio::test]
async fn query_posted_to_queue_path_uses_that_queue() {
    let server = common::start().await;
    let created = query_action(&server, OWNER, HOME_REGION, "CreateQueue", &[("QueueName", "by-path")]).await;
    assert_ok(&created, "CreateQueue");

    let sent = common::query(
        &server,
        OTHER,
        HOME_REGION,
        "/111111111111/by-path",
        &[("Action", "SendMessage"), ("Version", "2012-11-05"), ("MessageBody", "via path")],
    )
    .await;
    assert_ok(&sent, "SendMessage");

    let counted = common::query(
        &server,
        OWNER,
        OTHER_REGION,
        &format!("/queue/{HOME_REGION}/111111111111/by-path"),
        &[("Action", "GetQueueAttributes"), ("AttributeName.1", "ApproximateNumberOfMessages")],
    )
    .await;
    assert_ok(&counted, "GetQueueAttributes");
    assert!(
        counted.body.contains("<Name>ApproximateNumberOfMessages</Name><Value>1</Value>"),
        "{}",
        counted.body
    );
    server.shutdown().await;
}

#[tokio::test]
async fn query_error_has_error_response_document() {
    let server = common::start().await;
    let response = query_action(&server, OWNER, HOME_REGION, "GetQueueUrl", &[("QueueName", "absent")]).await;
    assert_eq!(response.status, 400);
    assert!(response.body.contains("<ErrorResponse>"), "{}", response.body);
    assert_eq!(response.xml_value("Type").as_deref(), Some("Sender"));
    assert_eq!(response.xml_value("Code").as_deref(), Some("AWS.SimpleQueueService.NonExistentQueue"));
    assert!(response.xml_value("Message").is_some_and(|m| m.contains("absent")), "{}", response.body);
    server.shutdown().await;
}
