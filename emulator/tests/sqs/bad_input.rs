//! One test per kind of bad input: the error code, HTTP status and message
//! SQS returns, and proof that the failed request changed nothing.

use aws_sdk_sqs::types::{QueueAttributeName, SendMessageBatchRequestEntry};

use crate::common::{self, HOME_REGION, OTHER, OWNER, RawResponse};

/// Checks an awsJson1_0 error: `__type`, the query-compatible header, the
/// status, and that the message mentions `mentions`.
fn assert_json_error(response: &RawResponse, shape: &str, query_code: &str, status: u16, mentions: &str) {
    assert_eq!(response.status, status, "status for {shape}: {}", response.body);
    let body = response.json();
    assert_eq!(body["__type"], shape, "__type: {}", response.body);
    assert_eq!(
        response.header("x-amzn-query-error"),
        Some(format!("{query_code};Sender").as_str()),
        "x-amzn-query-error for {shape}"
    );
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(mentions), "message for {shape} should name {mentions:?}: {message}");
}

/// Checks an awsQuery error document.
fn assert_query_error(response: &RawResponse, code: &str, status: u16, mentions: &str) {
    assert_eq!(response.status, status, "status for {code}: {}", response.body);
    assert_eq!(response.xml_value("Code").as_deref(), Some(code), "{}", response.body);
    let message = response.xml_value("Message").unwrap_or_default();
    assert!(message.contains(mentions), "message for {code} should name {mentions:?}: {message}");
}

async fn queue_count(server: &crosscheck_emulator::server::ServerHandle) -> usize {
    let owner = common::client(server, OWNER, HOME_REGION);
    let listed = owner.list_queues().send().await.expect("ListQueues");
    listed.queue_urls.unwrap_or_default().len()
}

async fn message_count(client: &aws_sdk_sqs::Client, queue_url: &str) -> String {
    common::queue_attribute(client, queue_url, "ApproximateNumberOfMessages")
        .await
        .unwrap_or_default()
}

#[tokio::test]
async fn malformed_json_body_is_rejected() {
    let server = common::start().await;
    let response = common::json(&server, OWNER, HOME_REGION, "CreateQueue", br#"{"QueueName": "half"#).await;
    assert_json_error(&response, "SerializationException", "SerializationException", 400, "not valid JSON");
    assert_eq!(queue_count(&server).await, 0, "no queue was created");

    let wrong_type = common::json(&server, OWNER, HOME_REGION, "CreateQueue", br#"{"QueueName": 7}"#).await;
    assert_json_error(&wrong_type, "SerializationException", "SerializationException", 400, "invalid type");
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_form_value_is_rejected() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "form").await;

    let response = common::query_action(
        &server,
        OWNER,
        HOME_REGION,
        "ReceiveMessage",
        &[("QueueUrl", &queue_url), ("MaxNumberOfMessages", "ten")],
    )
    .await;
    assert_query_error(&response, "InvalidParameterValue", 400, "ten");

    let response = common::query_action(
        &server,
        OWNER,
        HOME_REGION,
        "SetQueueAttributes",
        &[("QueueUrl", &queue_url), ("Attribute.1.Value", "60")],
    )
    .await;
    assert_query_error(&response, "MissingParameter", 400, "Attribute.1.Name");
    assert_eq!(common::queue_attribute(&owner, &queue_url, "VisibilityTimeout").await.as_deref(), Some("30"));
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_action_is_invalid_action() {
    let server = common::start().await;
    let response = common::query_action(&server, OWNER, HOME_REGION, "FlyQueue", &[]).await;
    assert_query_error(&response, "InvalidAction", 400, "FlyQueue");

    let response = common::json(&server, OWNER, HOME_REGION, "FlyQueue", b"{}").await;
    assert_json_error(&response, "InvalidAction", "InvalidAction", 400, "FlyQueue");
    server.shutdown().await;
}

#[tokio::test]
async fn missing_parameter_is_named() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "missing").await;

    let body = serde_json::json!({ "QueueUrl": queue_url }).to_string();
    let response = common::json(&server, OWNER, HOME_REGION, "SendMessage", body.as_bytes()).await;
    assert_json_error(&response, "MissingParameter", "MissingParameter", 400, "MessageBody");
    assert_eq!(message_count(&owner, &queue_url).await, "0");

    let response = common::json(&server, OWNER, HOME_REGION, "CreateQueue", b"{}").await;
    assert_json_error(&response, "MissingParameter", "MissingParameter", 400, "QueueName");
    assert_eq!(queue_count(&server).await, 1);
    server.shutdown().await;
}

#[tokio::test]
async fn out_of_range_parameter_is_invalid_parameter_value() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "ranges").await;

    for (parameter, value) in [("MaxNumberOfMessages", 11), ("WaitTimeSeconds", 21), ("VisibilityTimeout", 43_201)] {
        let body = serde_json::json!({ "QueueUrl": queue_url, parameter: value }).to_string();
        let response = common::json(&server, OWNER, HOME_REGION, "ReceiveMessage", body.as_bytes()).await;
        assert_json_error(&response, "InvalidParameterValue", "InvalidParameterValue", 400, &value.to_string());
        assert!(response.body.contains(parameter), "{parameter}: {}", response.body);
    }

    let body = serde_json::json!({ "QueueUrl": queue_url, "MessageBody": "x", "DelaySeconds": 901 }).to_string();
    let response = common::json(&server, OWNER, HOME_REGION, "SendMessage", body.as_bytes()).await;
    assert_json_error(&response, "InvalidParameterValue", "InvalidParameterValue", 400, "901");
    assert_eq!(message_count(&owner, &queue_url).await, "0");
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_attribute_name_is_rejected() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);

    let error = owner
        .create_queue()
        .queue_name("with-arn")
        .attributes(QueueAttributeName::QueueArn, "arn:aws:sqs:ap-south-1:111111111111:with-arn")
        .send()
        .await
        .expect_err("QueueArn cannot be set");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidAttributeName", 400));
    assert!(message.contains("QueueArn"), "{message}");
    assert_eq!(queue_count(&server).await, 0, "the failed CreateQueue left no queue");

    let queue_url = common::create_queue(&owner, "names").await;
    let body = serde_json::json!({ "QueueUrl": queue_url, "AttributeNames": ["Colour"] }).to_string();
    let response = common::json(&server, OWNER, HOME_REGION, "GetQueueAttributes", body.as_bytes()).await;
    assert_json_error(&response, "InvalidAttributeName", "InvalidAttributeName", 400, "Colour");
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_attribute_value_changes_nothing() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "values").await;

    let error = owner
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::DelaySeconds, "5")
        .attributes(QueueAttributeName::VisibilityTimeout, "43201")
        .send()
        .await
        .expect_err("VisibilityTimeout over 12 hours");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidAttributeValue", 400));
    assert!(message.contains("VisibilityTimeout"), "{message}");
    assert!(message.contains("43201"), "{message}");
    assert_eq!(
        common::queue_attribute(&owner, &queue_url, "DelaySeconds").await.as_deref(),
        Some("0"),
        "the valid DelaySeconds in the same request was not applied"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn garbage_receipt_handle_is_invalid() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "receipts").await;
    owner.send_message().queue_url(&queue_url).message_body("kept").send().await.expect("SendMessage");

    let error = owner
        .delete_message()
        .queue_url(&queue_url)
        .receipt_handle("not a receipt handle")
        .send()
        .await
        .expect_err("garbage handle");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("ReceiptHandleIsInvalid", 404));
    assert!(message.contains("not a receipt handle"), "{message}");
    assert_eq!(message_count(&owner, &queue_url).await, "1");

    let error = owner
        .change_message_visibility()
        .queue_url(&queue_url)
        .receipt_handle("%%%")
        .visibility_timeout(5)
        .send()
        .await
        .expect_err("garbage handle");
    assert_eq!(common::sdk_error(&error).0, "ReceiptHandleIsInvalid");
    server.shutdown().await;
}

#[tokio::test]
async fn other_handle_version_is_invalid_id_format() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "versions").await;
    let error = owner
        .delete_message()
        .queue_url(&queue_url)
        .receipt_handle("AAAA")
        .send()
        .await
        .expect_err("short handle");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidIdFormat", 400));
    assert!(message.contains("AAAA"), "{message}");
    server.shutdown().await;
}

#[tokio::test]
async fn visibility_change_of_deleted_message_is_not_inflight() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "inflight").await;
    owner.send_message().queue_url(&queue_url).message_body("m").send().await.expect("SendMessage");
    let received = owner.receive_message().queue_url(&queue_url).send().await.expect("ReceiveMessage");
    let handle = received.messages.unwrap_or_default()[0].receipt_handle.clone().expect("handle");
    owner.delete_message().queue_url(&queue_url).receipt_handle(&handle).send().await.expect("DeleteMessage");

    let error = owner
        .change_message_visibility()
        .queue_url(&queue_url)
        .receipt_handle(&handle)
        .visibility_timeout(10)
        .send()
        .await
        .expect_err("the message is gone");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("AWS.SimpleQueueService.MessageNotInflight", 400));
    assert!(message.contains(&handle), "{message}");
    server.shutdown().await;
}

fn entry(id: &str, body: &str) -> SendMessageBatchRequestEntry {
    SendMessageBatchRequestEntry::builder().id(id).message_body(body).build().expect("entry")
}

#[tokio::test]
async fn batch_with_eleven_entries_is_too_many() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "batch-many").await;
    let entries: Vec<_> = (0..11).map(|i| entry(&format!("e{i}"), "x")).collect();
    let error = owner
        .send_message_batch()
        .queue_url(&queue_url)
        .set_entries(Some(entries))
        .send()
        .await
        .expect_err("eleven entries");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400));
    assert!(message.contains("11"), "{message}");
    assert_eq!(message_count(&owner, &queue_url).await, "0");
    server.shutdown().await;
}

#[tokio::test]
async fn batch_without_entries_is_empty() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "batch-empty").await;
    let body = serde_json::json!({ "QueueUrl": queue_url, "Entries": [] }).to_string();
    let response = common::json(&server, OWNER, HOME_REGION, "DeleteMessageBatch", body.as_bytes()).await;
    assert_json_error(
        &response,
        "EmptyBatchRequest",
        "AWS.SimpleQueueService.EmptyBatchRequest",
        400,
        "DeleteMessageBatchRequestEntry",
    );
    server.shutdown().await;
}

#[tokio::test]
async fn batch_with_repeated_id_is_not_distinct() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "batch-repeat").await;
    let error = owner
        .send_message_batch()
        .queue_url(&queue_url)
        .entries(entry("same", "a"))
        .entries(entry("same", "b"))
        .send()
        .await
        .expect_err("repeated id");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400));
    assert!(message.contains("same"), "{message}");
    assert_eq!(message_count(&owner, &queue_url).await, "0");
    server.shutdown().await;
}

#[tokio::test]
async fn batch_with_bad_id_is_invalid_entry_id() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "batch-id").await;
    let error = owner
        .send_message_batch()
        .queue_url(&queue_url)
        .entries(entry("fine", "a"))
        .entries(entry("not fine!", "b"))
        .send()
        .await
        .expect_err("bad id");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("AWS.SimpleQueueService.InvalidBatchEntryId", 400));
    assert!(message.contains("not fine!"), "{message}");
    assert_eq!(message_count(&owner, &queue_url).await, "0");
    server.shutdown().await;
}

#[tokio::test]
async fn batch_over_one_mebibyte_is_too_long() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "batch-long").await;
    let body = "x".repeat(300_000);
    let entries: Vec<_> = (0..4).map(|i| entry(&format!("e{i}"), &body)).collect();
    let error = owner
        .send_message_batch()
        .queue_url(&queue_url)
        .set_entries(Some(entries))
        .send()
        .await
        .expect_err("1.2 MB in one batch");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("AWS.SimpleQueueService.BatchRequestTooLong", 400));
    assert!(message.contains("1200000"), "{message}");
    assert_eq!(message_count(&owner, &queue_url).await, "0");
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_queue_does_not_exist() {
    let server = common::start().await;
    let url = format!("http://sqs.{HOME_REGION}.localhost.localstack.cloud:4566/{OWNER}/nowhere");
    let body = serde_json::json!({ "QueueUrl": url, "MessageBody": "x" }).to_string();
    let response = common::json(&server, OWNER, HOME_REGION, "SendMessage", body.as_bytes()).await;
    assert_json_error(&response, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400, "nowhere");
    server.shutdown().await;
}

#[tokio::test]
async fn unparseable_queue_url_is_invalid_address() {
    let server = common::start().await;
    let body = serde_json::json!({ "QueueUrl": "my-queue" }).to_string();
    let response = common::json(&server, OWNER, HOME_REGION, "PurgeQueue", body.as_bytes()).await;
    assert_json_error(&response, "InvalidAddress", "InvalidAddress", 404, "my-queue");
    server.shutdown().await;
}

#[tokio::test]
async fn second_purge_within_a_minute_is_in_progress() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "purged").await;
    owner.purge_queue().queue_url(&queue_url).send().await.expect("first PurgeQueue");
    owner.send_message().queue_url(&queue_url).message_body("after").send().await.expect("SendMessage");

    let error = owner.purge_queue().queue_url(&queue_url).send().await.expect_err("second PurgeQueue");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("AWS.SimpleQueueService.PurgeQueueInProgress", 403));
    assert!(message.contains("purged"), "{message}");
    assert_eq!(message_count(&owner, &queue_url).await, "1", "the refused purge deleted nothing");
    server.shutdown().await;
}

#[tokio::test]
async fn control_character_is_invalid_message_contents() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "contents").await;
    let error = owner
        .send_message()
        .queue_url(&queue_url)
        .message_body("bell\u{7}")
        .send()
        .await
        .expect_err("U+0007");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidMessageContents", 400));
    assert!(message.contains("U+0007"), "{message}");
    assert_eq!(message_count(&owner, &queue_url).await, "0");
    server.shutdown().await;
}

#[tokio::test]
async fn oversized_message_counts_attributes() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = owner
        .create_queue()
        .queue_name("small")
        .attributes(QueueAttributeName::MaximumMessageSize, "262144")
        .send()
        .await
        .expect("CreateQueue")
        .queue_url
        .expect("url");

    // The body alone fits; name "a", type "String" and value "xyz" add 10 bytes.
    let body = "x".repeat(262_144 - 9);
    let attribute = aws_sdk_sqs::types::MessageAttributeValue::builder()
        .data_type("String")
        .string_value("xyz")
        .build()
        .expect("attribute");
    let error = owner
        .send_message()
        .queue_url(&queue_url)
        .message_body(&body)
        .message_attributes("a", attribute.clone())
        .send()
        .await
        .expect_err("262145 bytes with the attribute");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidParameterValue", 400));
    assert!(message.contains("262144"), "{message}");
    assert!(message.contains("262145"), "{message}");
    assert_eq!(message_count(&owner, &queue_url).await, "0");

    let fits = "x".repeat(262_144 - 10);
    owner
        .send_message()
        .queue_url(&queue_url)
        .message_body(&fits)
        .message_attributes("a", attribute)
        .send()
        .await
        .expect("exactly 262144 bytes fits");

    let default_queue = common::create_queue(&owner, "default-size").await;
    let error = owner
        .send_message()
        .queue_url(&default_queue)
        .message_body("x".repeat(1_048_577))
        .send()
        .await
        .expect_err("over 1 MiB");
    assert_eq!(common::sdk_error(&error).0, "InvalidParameterValue");
    server.shutdown().await;
}

#[tokio::test]
async fn fifo_send_without_group_or_deduplication_is_rejected() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = owner
        .create_queue()
        .queue_name("strict.fifo")
        .attributes(QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .expect("CreateQueue")
        .queue_url
        .expect("url");

    let error = owner.send_message().queue_url(&queue_url).message_body("x").send().await.expect_err("no group");
    let (code, _, message) = common::sdk_error(&error);
    assert_eq!(code, "MissingParameter");
    assert!(message.contains("MessageGroupId"), "{message}");

    let error = owner
        .send_message()
        .queue_url(&queue_url)
        .message_body("x")
        .message_group_id("g")
        .send()
        .await
        .expect_err("no deduplication id");
    let (code, _, message) = common::sdk_error(&error);
    assert_eq!(code, "InvalidParameterValue");
    assert!(message.contains("ContentBasedDeduplication"), "{message}");
    assert_eq!(message_count(&owner, &queue_url).await, "0");

    let error = owner
        .create_queue()
        .queue_name("suffixless")
        .attributes(QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .expect_err("FIFO without .fifo");
    let (code, _, message) = common::sdk_error(&error);
    assert_eq!(code, "InvalidParameterValue");
    assert!(message.contains("suffixless"), "{message}");
    server.shutdown().await;
}

#[tokio::test]
async fn dead_letter_queue_in_other_account_is_rejected() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let other = common::client(&server, OTHER, HOME_REGION);
    common::create_queue(&other, "foreign-dlq").await;
    let source = common::create_queue(&owner, "source").await;
    let redrive = r#"{"deadLetterTargetArn":"arn:aws:sqs:ap-south-1:222222222222:foreign-dlq","maxReceiveCount":3}"#;
    let error = owner
        .set_queue_attributes()
        .queue_url(&source)
        .attributes(QueueAttributeName::RedrivePolicy, redrive)
        .send()
        .await
        .expect_err("cross-account dead-letter queue");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidParameterValue", 400));
    assert!(message.contains("RedrivePolicy"), "{message}");
    assert_eq!(common::queue_attribute(&owner, &source, "RedrivePolicy").await, None);
    server.shutdown().await;
}

#[tokio::test]
async fn permission_labels_must_be_new_and_known() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "labels").await;
    let add = || {
        owner
            .add_permission()
            .queue_url(&queue_url)
            .label("once")
            .aws_account_ids(OTHER)
            .actions("ReceiveMessage")
            .send()
    };
    add().await.expect("first AddPermission");
    let policy_before = common::queue_attribute(&owner, &queue_url, "Policy").await;

    let error = add().await.expect_err("duplicate label");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidParameterValue", 400));
    assert!(message.contains("once"), "{message}");
    assert_eq!(common::queue_attribute(&owner, &queue_url, "Policy").await, policy_before);

    let error = owner
        .remove_permission()
        .queue_url(&queue_url)
        .label("never")
        .send()
        .await
        .expect_err("unknown label");
    let (code, _, message) = common::sdk_error(&error);
    assert_eq!(code, "InvalidParameterValue");
    assert!(message.contains("never"), "{message}");

    let error = owner
        .add_permission()
        .queue_url(&queue_url)
        .label("owner-only")
        .aws_account_ids(OTHER)
        .actions("DeleteQueue")
        .send()
        .await
        .expect_err("DeleteQueue cannot be granted");
    let (code, _, message) = common::sdk_error(&error);
    assert_eq!(code, "InvalidParameterValue");
    assert!(message.contains("DeleteQueue"), "{message}");
    server.shutdown().await;
}

#[tokio::test]
async fn integer_attribute_needs_plain_digits() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "digits").await;

    for value in [" 5", "+5", "5 ", "0x5", ""] {
        let error = owner
            .set_queue_attributes()
            .queue_url(&queue_url)
            .attributes(QueueAttributeName::VisibilityTimeout, value)
            .send()
            .await
            .expect_err("VisibilityTimeout that is not plain digits");
        let (code, status, message) = common::sdk_error(&error);
        assert_eq!((code.as_str(), status), ("InvalidAttributeValue", 400), "VisibilityTimeout {value:?}");
        assert!(message.contains("VisibilityTimeout"), "VisibilityTimeout {value:?}: {message}");
        assert!(message.contains(&format!("{value:?}")), "VisibilityTimeout {value:?}: {message}");
    }
    assert_eq!(
        common::queue_attribute(&owner, &queue_url, "VisibilityTimeout").await.as_deref(),
        Some("30"),
        "no rejected VisibilityTimeout was applied"
    );

    let error = owner
        .create_queue()
        .queue_name("signed")
        .attributes(QueueAttributeName::DelaySeconds, "+5")
        .send()
        .await
        .expect_err("DelaySeconds +5");
    assert_eq!(common::sdk_error(&error).0, "InvalidAttributeValue", "CreateQueue DelaySeconds +5");
    assert_eq!(queue_count(&server).await, 1, "the rejected CreateQueue left no queue");
    server.shutdown().await;
}

#[tokio::test]
async fn query_integer_needs_plain_digits() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "query-digits").await;

    for value in [" 5", "+5", "5 "] {
        let response = common::query_action(
            &server,
            OWNER,
            HOME_REGION,
            "ReceiveMessage",
            &[("QueueUrl", &queue_url), ("VisibilityTimeout", value)],
        )
        .await;
        assert_query_error(&response, "InvalidParameterValue", 400, "VisibilityTimeout");
        let message = response.xml_value("Message").unwrap_or_default();
        assert!(message.contains(value), "VisibilityTimeout {value:?}: {message}");
    }
    server.shutdown().await;
}

/// Sends one Number attribute with `value` through the SDK.
async fn send_number(client: &aws_sdk_sqs::Client, queue_url: &str, value: &str) -> Result<(), (String, u16, String)> {
    let attribute = aws_sdk_sqs::types::MessageAttributeValue::builder()
        .data_type("Number")
        .string_value(value)
        .build()
        .expect("attribute");
    client
        .send_message()
        .queue_url(queue_url)
        .message_body("number")
        .message_attributes("n", attribute)
        .send()
        .await
        .map(|_| ())
        .map_err(|error| common::sdk_error(&error))
}

#[tokio::test]
async fn number_attribute_outside_limits_is_rejected() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "numbers").await;

    let max_digits = "9".repeat(38);
    let accepted = [max_digits.as_str(), "1e126", "-1e126", "1e-128", "0", "0.000", "1000000e120", "12.5000"];
    for value in accepted {
        let result = send_number(&owner, &queue_url, value).await;
        assert!(result.is_ok(), "Number {value} is within the limits: {result:?}");
    }

    let too_many_digits = "1".repeat(39);
    let rejected = [too_many_digits.as_str(), "1e127", "-1e127", "1e-129", "2e126", "1e99999999999999999999"];
    for value in rejected {
        let (code, status, message) = send_number(&owner, &queue_url, value).await.expect_err("outside the limits");
        assert_eq!((code.as_str(), status), ("InvalidParameterValue", 400), "Number {value}");
        assert!(message.contains("MessageAttributes.n.StringValue"), "Number {value}: {message}");
        assert!(message.contains(value), "Number {value}: {message}");
    }
    assert_eq!(message_count(&owner, &queue_url).await, accepted.len().to_string(), "only accepted numbers were sent");
    server.shutdown().await;
}

#[tokio::test]
async fn string_attribute_with_binary_is_rejected() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "two-values").await;

    let cases = [
        ("String", serde_json::json!({ "DataType": "String", "StringValue": "a", "BinaryValue": "YQ==" })),
        ("Number", serde_json::json!({ "DataType": "Number", "StringValue": "1", "BinaryValue": "YQ==" })),
        ("Binary", serde_json::json!({ "DataType": "Binary", "StringValue": "a", "BinaryValue": "YQ==" })),
    ];
    for (data_type, attribute) in cases {
        let body = serde_json::json!({
            "QueueUrl": queue_url,
            "MessageBody": "x",
            "MessageAttributes": { "both": attribute },
        })
        .to_string();
        let response = common::json(&server, OWNER, HOME_REGION, "SendMessage", body.as_bytes()).await;
        assert_json_error(&response, "InvalidParameterValue", "InvalidParameterValue", 400, "MessageAttributes.both");
        assert!(response.body.contains(data_type), "{data_type}: {}", response.body);
    }
    assert_eq!(message_count(&owner, &queue_url).await, "0");
    server.shutdown().await;
}

#[tokio::test]
async fn repeated_query_parameter_is_rejected() {
    let server = common::start().await;
    let response = common::query_action(
        &server,
        OWNER,
        HOME_REGION,
        "CreateQueue",
        &[("QueueName", "qa"), ("QueueName", "qb")],
    )
    .await;
    assert_query_error(&response, "InvalidParameterValue", 400, "QueueName");
    assert_eq!(queue_count(&server).await, 0, "neither qa nor qb was created");

    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "repeats").await;
    let response = common::query_action(
        &server,
        OWNER,
        HOME_REGION,
        "SetQueueAttributes",
        &[
            ("QueueUrl", &queue_url),
            ("Attribute.1.Name", "DelaySeconds"),
            ("Attribute.1.Value", "5"),
            ("Attribute.1.Value", "6"),
        ],
    )
    .await;
    assert_query_error(&response, "InvalidParameterValue", 400, "Attribute.1.Value");
    assert_eq!(common::queue_attribute(&owner, &queue_url, "DelaySeconds").await.as_deref(), Some("0"));
    server.shutdown().await;
}

#[tokio::test]
async fn query_list_index_must_run_from_one() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "indexes").await;

    let gap = common::query_action(
        &server,
        OWNER,
        HOME_REGION,
        "SetQueueAttributes",
        &[
            ("QueueUrl", &queue_url),
            ("Attribute.1.Name", "DelaySeconds"),
            ("Attribute.1.Value", "5"),
            ("Attribute.3.Name", "VisibilityTimeout"),
            ("Attribute.3.Value", "60"),
        ],
    )
    .await;
    assert_query_error(&gap, "InvalidParameterValue", 400, "Attribute.2");
    assert_eq!(common::queue_attribute(&owner, &queue_url, "DelaySeconds").await.as_deref(), Some("0"));
    assert_eq!(common::queue_attribute(&owner, &queue_url, "VisibilityTimeout").await.as_deref(), Some("30"));

    for index in ["0", "01", "18446744073709551616", "x"] {
        let name = format!("Attribute.{index}.Name");
        let value = format!("Attribute.{index}.Value");
        let response = common::query_action(
            &server,
            OWNER,
            HOME_REGION,
            "SetQueueAttributes",
            &[("QueueUrl", &queue_url), (&name, "DelaySeconds"), (&value, "5")],
        )
        .await;
        assert_query_error(&response, "InvalidParameterValue", 400, &format!("Attribute.{index}"));
    }

    let list = common::query_action(
        &server,
        OWNER,
        HOME_REGION,
        "GetQueueAttributes",
        &[("QueueUrl", &queue_url), ("AttributeName.2", "DelaySeconds")],
    )
    .await;
    assert_query_error(&list, "InvalidParameterValue", 400, "AttributeName.1");
    assert_eq!(common::queue_attribute(&owner, &queue_url, "DelaySeconds").await.as_deref(), Some("0"));
    server.shutdown().await;
}

#[tokio::test]
async fn too_many_tags_names_counts_and_limit() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "tagged").await;
    owner.tag_queue().queue_url(&queue_url).tags("first", "1").send().await.expect("TagQueue one tag");

    let mut request = owner.tag_queue().queue_url(&queue_url);
    for index in 0..51 {
        request = request.tags(format!("key-{index}"), "v");
    }
    let error = request.send().await.expect_err("52 tags in all");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidParameterValue", 400), "{message}");
    for expected in ["adds 51 tags", "has 1", "52 tags", "limit of 50"] {
        assert!(message.contains(expected), "the message should say {expected:?}: {message}");
    }
    let tags = owner.list_queue_tags().queue_url(&queue_url).send().await.expect("ListQueueTags");
    assert_eq!(tags.tags.unwrap_or_default().len(), 1, "no tag of the rejected request was added");

    let mut create = owner.create_queue().queue_name("born-tagged");
    for index in 0..51 {
        create = create.tags(format!("key-{index}"), "v");
    }
    let error = create.send().await.expect_err("51 tags at creation");
    let (code, _, message) = common::sdk_error(&error);
    assert_eq!(code, "InvalidParameterValue", "{message}");
    for expected in ["51 tags", "limit of 50"] {
        assert!(message.contains(expected), "the message should say {expected:?}: {message}");
    }
    assert_eq!(queue_count(&server).await, 1, "the rejected CreateQueue left no queue");
    server.shutdown().await;
}

#[tokio::test]
async fn attribute_errors_use_json_member_names() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "member-names").await;

    let cases = [
        ("MessageAttributes", serde_json::json!({ "x": { "DataType": "Colour", "StringValue": "red" } }), "MessageAttributes.x"),
        ("MessageAttributes", serde_json::json!({ "x": { "DataType": "", "StringValue": "red" } }), "MessageAttributes.x.DataType"),
        ("MessageAttributes", serde_json::json!({ "x": { "DataType": "String" } }), "MessageAttributes.x"),
        ("MessageAttributes", serde_json::json!({ "x": { "DataType": "Binary", "BinaryValue": "%%%" } }), "MessageAttributes.x.BinaryValue"),
        ("MessageAttributes", serde_json::json!({ "x": { "DataType": "Number", "StringValue": "ten" } }), "MessageAttributes.x.StringValue"),
        ("MessageSystemAttributes", serde_json::json!({ "AWSTraceHeader": { "DataType": "String" } }), "MessageSystemAttributes.AWSTraceHeader"),
    ];
    for (member, attributes, expected) in cases {
        let body = serde_json::json!({ "QueueUrl": queue_url, "MessageBody": "x", member: attributes }).to_string();
        let response = common::json(&server, OWNER, HOME_REGION, "SendMessage", body.as_bytes()).await;
        assert_json_error(&response, "InvalidParameterValue", "InvalidParameterValue", 400, expected);
        let message = response.json()["message"].as_str().unwrap_or_default().to_owned();
        assert!(!message.contains("MessageAttribute."), "{expected}: the query name leaked into {message}");
    }
    assert_eq!(message_count(&owner, &queue_url).await, "0");
    server.shutdown().await;
}
