//! Invalid requests: each gets SNS's error code and a message that names the value.

use aws_sdk_sns::operation::publish::PublishError;
use aws_sdk_sns::types::{MessageAttributeValue, PublishBatchRequestEntry};

use crate::common::{
    HOME_REGION, OWNER, error_of, message_of, outcome, queue, sns, sqs, start_profile, subscribe, topic,
};

#[tokio::test]
async fn malformed_topic_attributes_are_invalid() {
    let server = start_profile("localstack").await;
    let client = sns(&server, OWNER, HOME_REGION);

    let unknown = client.create_topic().name("t1").attributes("Colour", "red").send().await;
    let error = unknown.expect_err("an unknown attribute");
    assert_eq!(error_of(&error), ("InvalidParameter".to_owned(), 400));
    assert!(message_of(&error).contains("Colour"), "{}", message_of(&error));

    let not_fifo = client.create_topic().name("plain").attributes("FifoTopic", "true").send().await;
    assert_eq!(outcome(&not_fifo), "InvalidParameter", "FifoTopic without .fifo");

    let bad_name = client.create_topic().name("bad name").send().await;
    assert_eq!(outcome(&bad_name), "InvalidParameter", "a space in the name");

    let topic_arn = topic(&client, "t2").await;
    let again = client.create_topic().name("t2").send().await.expect("CreateTopic again");
    assert_eq!(again.topic_arn(), Some(topic_arn.as_str()), "CreateTopic is idempotent");
    let different = client.create_topic().name("t2").attributes("DisplayName", "other").send().await;
    assert_eq!(outcome(&different), "InvalidParameter", "same name, different attributes");

    let bad_value = client
        .set_topic_attributes()
        .topic_arn(&topic_arn)
        .attribute_name("SignatureVersion")
        .attribute_value("3")
        .send()
        .await;
    assert_eq!(outcome(&bad_value), "InvalidParameter", "SignatureVersion 3");

    let missing = client.get_topic_attributes().topic_arn(format!("{topic_arn}-missing")).send().await;
    assert_eq!(error_of(&missing.expect_err("a missing topic")), ("NotFound".to_owned(), 404));

    let malformed = client.get_topic_attributes().topic_arn("not-an-arn").send().await;
    let error = malformed.expect_err("a malformed ARN");
    assert_eq!(error_of(&error).0, "InvalidParameter");
    assert!(message_of(&error).contains("not-an-arn"), "{}", message_of(&error));

    server.shutdown().await;
}

#[tokio::test]
async fn malformed_message_attributes_are_invalid() {
    let server = start_profile("localstack").await;
    let client = sns(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&client, "attributes").await;

    let cases = [
        ("Text", Some("x")),
        ("Number", Some("twelve")),
        ("String.Array", Some("[\"unclosed\"")),
        ("String", Some("")),
    ];
    for (data_type, value) in cases {
        let mut attribute = MessageAttributeValue::builder().data_type(data_type);
        if let Some(value) = value {
            attribute = attribute.string_value(value);
        }
        let result = client
            .publish()
            .topic_arn(&topic_arn)
            .message("m")
            .message_attributes("field", attribute.build().expect("an attribute"))
            .send()
            .await;
        let error = result.expect_err(data_type);
        assert_eq!(error_of(&error), ("ParameterValueInvalid".to_owned(), 400), "{data_type}");
        assert!(
            error.as_service_error().is_some_and(PublishError::is_invalid_parameter_value_exception),
            "{data_type}"
        );
        assert!(message_of(&error).contains("field"), "{data_type}: {}", message_of(&error));
    }

    server.shutdown().await;
}

#[tokio::test]
async fn invalid_filter_policies_are_rejected() {
    let server = start_profile("localstack").await;
    let client = sns(&server, OWNER, HOME_REGION);
    let queues = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&client, "filters").await;
    let target = queue(&queues, "filtered", None).await;
    let subscription_arn = subscribe(&client, &topic_arn, &target).await;

    let cases = [
        (r#"{"color": ["red"]"#, "not valid JSON"),
        (r#"{"color": [{"prefixx": "r"}]}"#, "prefixx"),
        (r#"{"color": "red"}"#, "array"),
        (r#"{"size": [{"numeric": ["<", 5, ">", 1]}]}"#, "lower bound"),
        (r#"{"order": {"kind": ["x"]}}"#, "MessageBody"),
        (r#"{"ip": [{"cidr": "10.0.0.0/33"}]}"#, "10.0.0.0/33"),
        (r#"{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"], "f": ["1"]}"#, "more than 5 keys"),
    ];
    for (policy, expected) in cases {
        let result = client
            .set_subscription_attributes()
            .subscription_arn(&subscription_arn)
            .attribute_name("FilterPolicy")
            .attribute_value(policy)
            .send()
            .await;
        let error = result.expect_err(policy);
        assert_eq!(error_of(&error), ("InvalidParameter".to_owned(), 400), "{policy}");
        assert!(message_of(&error).contains(expected), "{policy}: {}", message_of(&error));
    }

    let at_subscribe = client
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&target.arn)
        .attributes("FilterPolicy", r#"{"a": [{"exists": "yes"}]}"#)
        .send()
        .await;
    assert_eq!(outcome(&at_subscribe), "InvalidParameter", "an invalid policy at Subscribe");

    let attributes = client
        .get_subscription_attributes()
        .subscription_arn(&subscription_arn)
        .send()
        .await
        .expect("GetSubscriptionAttributes");
    assert!(
        attributes.attributes().is_some_and(|map| !map.contains_key("FilterPolicy")),
        "a rejected policy is not applied"
    );

    server.shutdown().await;
}

#[tokio::test]
async fn batch_limits_are_enforced() {
    let server = start_profile("localstack").await;
    let client = sns(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&client, "batches").await;
    let entry = |id: &str| PublishBatchRequestEntry::builder().id(id).message("m").build().expect("an entry");

    let eleven: Vec<PublishBatchRequestEntry> = (0..11).map(|i| entry(&format!("e{i}"))).collect();
    let result =
        client.publish_batch().topic_arn(&topic_arn).set_publish_batch_request_entries(Some(eleven)).send().await;
    assert_eq!(error_of(&result.expect_err("11 entries")), ("TooManyEntriesInBatchRequest".to_owned(), 400));

    let repeated = client
        .publish_batch()
        .topic_arn(&topic_arn)
        .publish_batch_request_entries(entry("same"))
        .publish_batch_request_entries(entry("same"))
        .send()
        .await;
    assert_eq!(outcome(&repeated), "BatchEntryIdsNotDistinct");

    let bad_attribute = PublishBatchRequestEntry::builder()
        .id("bad")
        .message("m")
        .message_attributes(
            "n",
            MessageAttributeValue::builder().data_type("Number").string_value("x").build().expect("an attribute"),
        )
        .build()
        .expect("an entry");
    let mixed = client
        .publish_batch()
        .topic_arn(&topic_arn)
        .publish_batch_request_entries(entry("good"))
        .publish_batch_request_entries(bad_attribute)
        .send()
        .await
        .expect("PublishBatch with one bad entry");
    let successful: Vec<&str> = mixed.successful().iter().filter_map(|entry| entry.id()).collect();
    assert_eq!(successful, vec!["good"]);
    let failed = mixed.failed();
    assert_eq!(failed.len(), 1, "one failed entry");
    assert_eq!(failed[0].id(), "bad");
    assert_eq!(failed[0].code(), "ParameterValueInvalid");
    assert!(failed[0].sender_fault());

    server.shutdown().await;
}

#[tokio::test]
async fn remote_http_endpoint_is_rejected() {
    let server = start_profile("localstack").await;
    let client = sns(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&client, "hooks").await;

    let remote =
        client.subscribe().topic_arn(&topic_arn).protocol("https").endpoint("https://example.com/hook").send().await;
    let error = remote.expect_err("a remote endpoint");
    assert_eq!(error_of(&error).0, "InvalidParameter");
    assert!(message_of(&error).contains("example.com"), "{}", message_of(&error));

    let local = client
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("http")
        .endpoint("http://127.0.0.1:9/hook")
        .send()
        .await
        .expect("a local endpoint");
    assert_eq!(local.subscription_arn(), Some("pending confirmation"));

    let not_queue = client
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint("arn:aws:sns:ap-south-1:111111111111:x")
        .send()
        .await;
    assert_eq!(outcome(&not_queue), "InvalidParameter", "an SNS ARN is not a queue");

    server.shutdown().await;
}

#[tokio::test]
async fn resubscribe_with_other_attributes_is_invalid() {
    let server = start_profile("localstack").await;
    let client = sns(&server, OWNER, HOME_REGION);
    let queues = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&client, "resubscribe").await;
    let target = queue(&queues, "resubscribe", None).await;
    let subscribe_with = |name: &'static str, value: &'static str| {
        client
            .subscribe()
            .topic_arn(&topic_arn)
            .protocol("sqs")
            .endpoint(&target.arn)
            .attributes(name, value)
            .return_subscription_arn(true)
            .send()
    };

    let first = subscribe_with("RawMessageDelivery", "true").await.expect("the first Subscribe");
    let same = subscribe_with("RawMessageDelivery", "true").await.expect("Subscribe with the same attributes");
    assert_eq!(same.subscription_arn(), first.subscription_arn(), "the same subscription comes back");

    let unnamed = client.subscribe().topic_arn(&topic_arn).protocol("sqs").endpoint(&target.arn).send().await;
    assert_eq!(outcome(&unnamed), "ok", "a Subscribe that gives no attributes matches");

    let other = subscribe_with("RawMessageDelivery", "false").await;
    let error = other.expect_err("other attributes");
    assert_eq!(error_of(&error), ("InvalidParameter".to_owned(), 400));
    assert!(message_of(&error).contains("already exists with different attributes"), "{}", message_of(&error));

    let filtered = subscribe_with("FilterPolicy", r#"{"store": ["north"]}"#).await;
    assert_eq!(outcome(&filtered), "InvalidParameter", "a new filter policy");

    let arn = first.subscription_arn().expect("SubscriptionArn");
    let attributes = client.get_subscription_attributes().subscription_arn(arn).send().await.expect("attributes");
    let attributes = attributes.attributes().expect("Attributes");
    assert_eq!(attributes.get("RawMessageDelivery").map(String::as_str), Some("true"), "raw delivery is unchanged");
    assert_eq!(attributes.get("FilterPolicy"), None, "no filter policy was applied");

    server.shutdown().await;
}

#[tokio::test]
async fn delivery_status_attributes_are_kept() {
    let server = start_profile("localstack").await;
    let client = sns(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&client, "status").await;
    let role = "arn:aws:iam::111111111111:role/sns-delivery-status";

    for (name, value) in [("SQSSuccessFeedbackRoleArn", role), ("SQSSuccessFeedbackSampleRate", "25")] {
        client
            .set_topic_attributes()
            .topic_arn(&topic_arn)
            .attribute_name(name)
            .attribute_value(value)
            .send()
            .await
            .unwrap_or_else(|error| panic!("SetTopicAttributes {name}: {error:?}"));
    }
    let created = client
        .create_topic()
        .name("status-at-creation")
        .attributes("LambdaFailureFeedbackRoleArn", role)
        .send()
        .await
        .expect("CreateTopic with a delivery status attribute");
    let created_arn = created.topic_arn().expect("TopicArn");

    let attributes = client.get_topic_attributes().topic_arn(&topic_arn).send().await.expect("attributes");
    let attributes = attributes.attributes().expect("Attributes");
    assert_eq!(attributes.get("SQSSuccessFeedbackRoleArn").map(String::as_str), Some(role));
    assert_eq!(attributes.get("SQSSuccessFeedbackSampleRate").map(String::as_str), Some("25"));
    let created_attributes = client.get_topic_attributes().topic_arn(created_arn).send().await.expect("attributes");
    let created_attributes = created_attributes.attributes().expect("Attributes");
    assert_eq!(created_attributes.get("LambdaFailureFeedbackRoleArn").map(String::as_str), Some(role));

    let bad_rate = client
        .set_topic_attributes()
        .topic_arn(&topic_arn)
        .attribute_name("HTTPSuccessFeedbackSampleRate")
        .attribute_value("101")
        .send()
        .await;
    let error = bad_rate.expect_err("a sample rate over 100");
    assert_eq!(error_of(&error), ("InvalidParameter".to_owned(), 400));
    assert!(message_of(&error).contains("101"), "{}", message_of(&error));

    server.shutdown().await;
}

#[tokio::test]
async fn control_characters_are_rejected() {
    let server = start_profile("localstack").await;
    let client = sns(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&client, "control").await;

    let display_name = client
        .set_topic_attributes()
        .topic_arn(&topic_arn)
        .attribute_name("DisplayName")
        .attribute_value("Orders\u{1}")
        .send()
        .await;
    let error = display_name.expect_err("a DisplayName with U+0001");
    assert_eq!(error_of(&error), ("InvalidParameter".to_owned(), 400));
    assert!(message_of(&error).contains("DisplayName"), "{}", message_of(&error));

    let tag = aws_sdk_sns::types::Tag::builder().key("team").value("core\u{2}").build().expect("a tag");
    let tagged = client.tag_resource().resource_arn(&topic_arn).tags(tag).send().await;
    assert_eq!(outcome(&tagged), "InvalidParameter", "a tag value with U+0002");

    let attribute = MessageAttributeValue::builder().data_type("String").string_value("v").build().expect("attribute");
    let published =
        client.publish().topic_arn(&topic_arn).message("m").message_attributes("a\u{1}", attribute).send().await;
    assert_eq!(outcome(&published), "ParameterValueInvalid", "an attribute name with U+0001");

    let attributes = client.get_topic_attributes().topic_arn(&topic_arn).send().await.expect("GetTopicAttributes");
    let attributes = attributes.attributes().expect("Attributes");
    assert_eq!(attributes.get("DisplayName").map(String::as_str), Some(""), "the DisplayName is unchanged");
    let tags = client.list_tags_for_resource().resource_arn(&topic_arn).send().await.expect("ListTagsForResource");
    assert!(tags.tags().is_empty(), "no tag was added");

    server.shutdown().await;
}

#[tokio::test]
async fn batch_size_counts_attributes() {
    let server = start_profile("localstack").await;
    let client = sns(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&client, "large-batches").await;

    let long_message =
        PublishBatchRequestEntry::builder().id("long").message("x".repeat(200_000)).build().expect("an entry");
    let large_attribute = MessageAttributeValue::builder()
        .data_type("String")
        .string_value("v".repeat(62_200))
        .build()
        .expect("attribute");
    let with_attribute = PublishBatchRequestEntry::builder()
        .id("attributed")
        .message("m")
        .message_attributes("big", large_attribute)
        .build()
        .expect("an entry");

    let result = client
        .publish_batch()
        .topic_arn(&topic_arn)
        .publish_batch_request_entries(long_message)
        .publish_batch_request_entries(with_attribute)
        .send()
        .await;
    let error = result.expect_err("262,210 bytes with attributes");
    assert_eq!(error_of(&error), ("BatchRequestTooLong".to_owned(), 400));
    assert!(message_of(&error).contains("262210"), "{}", message_of(&error));

    server.shutdown().await;
}
