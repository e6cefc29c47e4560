//! Delivery from topics into SQS queues: fan-out across accounts and
//! regions, the confirmation flow, filter policies, raw delivery and FIFO.

use aws_sdk_sns::types::MessageAttributeValue;
use serde_json::Value;

use crate::common::{
    HOME_REGION, OTHER, OTHER_REGION, OWNER, drain, drain_json, queue, sns, sqs, start_profile, subscribe, topic,
};

fn string_attribute(value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder().data_type("String").string_value(value).build().expect("an attribute")
}

#[tokio::test]
async fn publish_from_other_account_fans_out() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let other = sns(&server, OTHER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let other_sqs = sqs(&server, OTHER, HOME_REGION);
    let owner_far_sqs = sqs(&server, OWNER, OTHER_REGION);

    // Setup: a topic of the owner and queues in the owner's account, in the
    // other account and in another region.
    let topic_arn = topic(&owner, "orders").await;
    let same = queue(&owner_sqs, "same", None).await;
    let cross_account = queue(&other_sqs, "cross-account", None).await;
    let cross_region = queue(&owner_far_sqs, "cross-region", None).await;
    let same_subscription = subscribe(&owner, &topic_arn, &same).await;
    // The queue owner subscribes its own queue to the other account's topic.
    let other_subscription = subscribe(&other, &topic_arn, &cross_account).await;
    let far_subscription = subscribe(&owner, &topic_arn, &cross_region).await;

    // Act: the other account publishes to the owner's topic.
    let published = other
        .publish()
        .topic_arn(&topic_arn)
        .subject("New order")
        .message("order 42")
        .message_attributes("store", string_attribute("north"))
        .send()
        .await
        .expect("Publish from the other account");
    let message_id = published.message_id().expect("MessageId").to_owned();

    let cases = [
        ("same", &owner_sqs, &same, &same_subscription),
        ("cross-account", &other_sqs, &cross_account, &other_subscription),
        ("cross-region", &owner_far_sqs, &cross_region, &far_subscription),
    ];
    for (label, client, queue, subscription_arn) in cases {
        let envelopes = drain_json(client, queue).await;
        assert_eq!(envelopes.len(), 1, "{label}: exactly one envelope");
        let envelope = &envelopes[0];
        assert_eq!(envelope["Type"], "Notification", "{label}");
        assert_eq!(envelope["MessageId"], message_id.as_str(), "{label}");
        assert_eq!(envelope["TopicArn"], topic_arn.as_str(), "{label}");
        assert_eq!(envelope["Subject"], "New order", "{label}");
        assert_eq!(envelope["Message"], "order 42", "{label}");
        assert_eq!(envelope["SignatureVersion"], "1", "{label}");
        assert!(envelope["Signature"].as_str().is_some_and(|s| !s.is_empty()), "{label}: Signature");
        assert!(envelope["SigningCertURL"].as_str().is_some_and(|s| s.ends_with(".pem")), "{label}: SigningCertURL");
        let timestamp = envelope["Timestamp"].as_str().expect("Timestamp");
        assert!(timestamp.ends_with('Z'), "{label}: Timestamp {timestamp} is in UTC");
        assert!(timestamp.contains('T'), "{label}: Timestamp {timestamp} is ISO 8601");
        let unsubscribe_url = envelope["UnsubscribeURL"].as_str().expect("UnsubscribeURL");
        assert!(unsubscribe_url.ends_with(subscription_arn.as_str()), "{label}: {unsubscribe_url}");
        assert_eq!(envelope["MessageAttributes"]["store"]["Type"], "String", "{label}");
        assert_eq!(envelope["MessageAttributes"]["store"]["Value"], "north", "{label}");
    }

    server.shutdown().await;
}

#[tokio::test]
async fn topic_owner_subscription_waits_for_confirmation() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let other = sns(&server, OTHER, HOME_REGION);
    let other_sqs = sqs(&server, OTHER, HOME_REGION);
    let topic_arn = topic(&owner, "alerts").await;
    let inbox = queue(&other_sqs, "inbox", None).await;

    // The topic owner subscribes the other account's queue.
    let subscribed =
        owner.subscribe().topic_arn(&topic_arn).protocol("sqs").endpoint(&inbox.arn).send().await.expect("Subscribe");
    assert_eq!(subscribed.subscription_arn(), Some("pending confirmation"));

    let listed = owner.list_subscriptions_by_topic().topic_arn(&topic_arn).send().await.expect("List");
    let arns: Vec<&str> = listed.subscriptions().iter().filter_map(|s| s.subscription_arn()).collect();
    assert_eq!(arns, vec!["PendingConfirmation"], "the list shows the subscription as pending");

    let confirmations = drain_json(&other_sqs, &inbox).await;
    assert_eq!(confirmations.len(), 1, "one SubscriptionConfirmation");
    let confirmation = &confirmations[0];
    assert_eq!(confirmation["Type"], "SubscriptionConfirmation");
    assert_eq!(confirmation["TopicArn"], topic_arn.as_str());
    let token = confirmation["Token"].as_str().expect("Token").to_owned();
    let subscribe_url = confirmation["SubscribeURL"].as_str().expect("SubscribeURL");
    assert!(subscribe_url.contains("Action=ConfirmSubscription"), "{subscribe_url}");

    // A pending subscription gets nothing.
    owner.publish().topic_arn(&topic_arn).message("before").send().await.expect("Publish");
    assert!(drain(&other_sqs, &inbox).await.is_empty(), "nothing before confirmation");

    // The queue owner confirms with the token.
    let confirmed =
        other.confirm_subscription().topic_arn(&topic_arn).token(&token).send().await.expect("ConfirmSubscription");
    let subscription_arn = confirmed.subscription_arn().expect("SubscriptionArn").to_owned();
    assert!(subscription_arn.starts_with(&format!("{topic_arn}:")), "{subscription_arn}");

    owner.publish().topic_arn(&topic_arn).message("after").send().await.expect("Publish");
    let delivered = drain_json(&other_sqs, &inbox).await;
    assert_eq!(delivered.len(), 1, "one message after confirmation");
    assert_eq!(delivered[0]["Message"], "after");

    let attributes = owner
        .get_subscription_attributes()
        .subscription_arn(&subscription_arn)
        .send()
        .await
        .expect("GetSubscriptionAttributes");
    let attributes = attributes.attributes().expect("Attributes");
    assert_eq!(attributes.get("PendingConfirmation").map(String::as_str), Some("false"));
    assert_eq!(attributes.get("Owner").map(String::as_str), Some(OWNER));

    server.shutdown().await;
}

#[tokio::test]
async fn filter_policy_drops_message() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "paint").await;
    let reds = queue(&owner_sqs, "reds", None).await;
    let bodies = queue(&owner_sqs, "bodies", None).await;

    let by_attribute = subscribe(&owner, &topic_arn, &reds).await;
    owner
        .set_subscription_attributes()
        .subscription_arn(&by_attribute)
        .attribute_name("FilterPolicy")
        .attribute_value(r#"{"color": ["red"], "size": [{"numeric": [">=", 10]}]}"#)
        .send()
        .await
        .expect("SetSubscriptionAttributes FilterPolicy");
    owner
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&bodies.arn)
        .attributes("FilterPolicyScope", "MessageBody")
        .attributes("FilterPolicy", r#"{"order": {"kind": [{"prefix": "big-"}]}}"#)
        .send()
        .await
        .expect("Subscribe with a body filter");

    let number = |value: &str| MessageAttributeValue::builder().data_type("Number").string_value(value).build();
    for (color, size, body) in [
        ("blue", "20", r#"{"order": {"kind": "small-box"}}"#),
        ("red", "5", r#"{"order": {"kind": "big-box"}}"#),
        ("red", "12", "not json"),
    ] {
        owner
            .publish()
            .topic_arn(&topic_arn)
            .message(body)
            .message_attributes("color", string_attribute(color))
            .message_attributes("size", number(size).expect("a Number attribute"))
            .send()
            .await
            .expect("Publish");
    }

    let red = drain_json(&owner_sqs, &reds).await;
    let messages: Vec<&Value> = red.iter().map(|envelope| &envelope["Message"]).collect();
    assert_eq!(messages, vec!["not json"], "only red with size >= 10 passes the attribute filter");

    let big = drain_json(&owner_sqs, &bodies).await;
    let messages: Vec<&Value> = big.iter().map(|envelope| &envelope["Message"]).collect();
    assert_eq!(messages, vec![r#"{"order": {"kind": "big-box"}}"#], "only a big- kind passes the body filter");

    server.shutdown().await;
}

#[tokio::test]
async fn cidr_filter_selects_addresses() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "logins").await;
    let internal = queue(&owner_sqs, "internal", None).await;
    owner
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&internal.arn)
        .attributes("FilterPolicy", r#"{"source_ip": [{"cidr": "10.0.0.0/24"}, {"cidr": "fd00::/8"}]}"#)
        .send()
        .await
        .expect("Subscribe with a cidr filter");

    for address in ["10.0.0.17", "10.0.1.17", "fd12::1", "2001:db8::1"] {
        owner
            .publish()
            .topic_arn(&topic_arn)
            .message(address)
            .message_attributes("source_ip", string_attribute(address))
            .send()
            .await
            .expect("Publish");
    }

    let delivered = drain_json(&owner_sqs, &internal).await;
    let mut messages: Vec<&str> = delivered.iter().filter_map(|envelope| envelope["Message"].as_str()).collect();
    messages.sort_unstable();
    assert_eq!(messages, ["10.0.0.17", "fd12::1"], "only addresses inside the subnets pass");

    server.shutdown().await;
}

#[tokio::test]
async fn raw_delivery_carries_attributes() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "raw").await;
    let target = queue(&owner_sqs, "raw-target", None).await;
    owner
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&target.arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .expect("Subscribe raw");

    let binary = MessageAttributeValue::builder()
        .data_type("Binary")
        .binary_value(aws_sdk_sns::primitives::Blob::new(vec![0u8, 1, 2, 255]))
        .build()
        .expect("a Binary attribute");
    let number = MessageAttributeValue::builder().data_type("Number").string_value("7.5").build().expect("a Number");
    owner
        .publish()
        .topic_arn(&topic_arn)
        .message("plain body")
        .message_attributes("store", string_attribute("north"))
        .message_attributes("price", number)
        .message_attributes("blob", binary)
        .send()
        .await
        .expect("Publish");

    let received = drain(&owner_sqs, &target).await;
    assert_eq!(received.len(), 1, "one raw message");
    let message = &received[0];
    assert_eq!(message.body(), Some("plain body"), "the body is the message itself");
    let attributes = message.message_attributes().expect("MessageAttributes");
    assert_eq!(attributes["store"].string_value(), Some("north"));
    assert_eq!(attributes["store"].data_type(), "String");
    assert_eq!(attributes["price"].string_value(), Some("7.5"));
    assert_eq!(attributes["price"].data_type(), "Number");
    assert_eq!(attributes["blob"].binary_value().map(|blob| blob.as_ref().to_vec()), Some(vec![0u8, 1, 2, 255]));

    server.shutdown().await;
}

#[tokio::test]
async fn fifo_topic_delivers_to_fifo_and_standard() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "ledger.fifo").await;
    let target = queue(&owner_sqs, "ledger.fifo", None).await;
    let standard = queue(&owner_sqs, "standard", None).await;
    subscribe(&owner, &topic_arn, &target).await;
    subscribe(&owner, &topic_arn, &standard).await;

    let plain_topic = topic(&owner, "plain").await;
    let refused = owner.subscribe().topic_arn(&plain_topic).protocol("sqs").endpoint(&target.arn).send().await;
    assert_eq!(crate::common::outcome(&refused), "InvalidParameter", "a FIFO queue takes only FIFO topics");

    for _ in 0..2 {
        let published = owner
            .publish()
            .topic_arn(&topic_arn)
            .message("entry 1")
            .message_group_id("account-7")
            .message_deduplication_id("entry-1")
            .send()
            .await
            .expect("Publish to a FIFO topic");
        assert!(published.sequence_number().is_some(), "a FIFO publish returns a SequenceNumber");
    }

    let received = drain(&owner_sqs, &target).await;
    assert_eq!(received.len(), 1, "the duplicate is not delivered");
    let system = received[0].attributes().expect("Attributes");
    use aws_sdk_sqs::types::MessageSystemAttributeName as Name;
    assert_eq!(system.get(&Name::MessageGroupId).map(String::as_str), Some("account-7"));
    assert_eq!(system.get(&Name::MessageDeduplicationId).map(String::as_str), Some("entry-1"));

    let standard_received = drain(&owner_sqs, &standard).await;
    assert_eq!(standard_received.len(), 1, "the standard queue gets the message once");
    let standard_system = standard_received[0].attributes().expect("Attributes");
    assert_eq!(standard_system.get(&Name::MessageGroupId), None, "a standard queue gets no MessageGroupId");

    server.shutdown().await;
}

#[tokio::test]
async fn json_structure_and_string_array_filter() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "structured").await;
    let target = queue(&owner_sqs, "structured", None).await;
    owner
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&target.arn)
        .attributes("FilterPolicy", r#"{"tags": ["urgent"]}"#)
        .send()
        .await
        .expect("Subscribe");

    let tags = |value: &str| {
        MessageAttributeValue::builder().data_type("String.Array").string_value(value).build().expect("an attribute")
    };
    for list in [r#"["later", "urgent"]"#, r#"["later"]"#] {
        owner
            .publish()
            .topic_arn(&topic_arn)
            .message_structure("json")
            .message(r#"{"default": "for everyone", "sqs": "for queues"}"#)
            .message_attributes("tags", tags(list))
            .send()
            .await
            .expect("Publish");
    }

    let delivered = drain_json(&owner_sqs, &target).await;
    assert_eq!(delivered.len(), 1, "only the list with urgent matches");
    assert_eq!(delivered[0]["Message"], "for queues", "the sqs entry of the structure");
    assert!(delivered[0].get("MessageAttributes").is_none(), "a JSON structure delivers no attributes");

    server.shutdown().await;
}

#[tokio::test]
async fn eleven_attributes_skip_raw_delivery() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "many-attributes").await;
    let enveloped = queue(&owner_sqs, "enveloped", None).await;
    let raw = queue(&owner_sqs, "raw-many", None).await;
    subscribe(&owner, &topic_arn, &enveloped).await;
    owner
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&raw.arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .expect("Subscribe raw");

    let mut request = owner.publish().topic_arn(&topic_arn).message("eleven");
    for index in 0..11 {
        request = request.message_attributes(format!("field{index}"), string_attribute("value"));
    }
    request.send().await.expect("Publish with 11 message attributes");

    let envelopes = drain_json(&owner_sqs, &enveloped).await;
    assert_eq!(envelopes.len(), 1, "the envelope is delivered");
    let attributes = envelopes[0]["MessageAttributes"].as_object().expect("MessageAttributes in the envelope");
    assert_eq!(attributes.len(), 11, "the envelope carries every attribute");
    assert!(drain(&owner_sqs, &raw).await.is_empty(), "a raw delivery with 11 attributes is dropped");

    server.shutdown().await;
}

#[tokio::test]
async fn maximum_message_size_sets_limit() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "large").await;
    let target = queue(&owner_sqs, "large-target", None).await;
    subscribe(&owner, &topic_arn, &target).await;
    let set_size = |size: &'static str| {
        owner
            .set_topic_attributes()
            .topic_arn(&topic_arn)
            .attribute_name("MaximumMessageSize")
            .attribute_value(size)
            .send()
    };
    let large = "x".repeat(300_000);

    let default_limit = owner.publish().topic_arn(&topic_arn).message(&large).send().await;
    assert_eq!(crate::common::outcome(&default_limit), "InvalidParameter", "300,000 bytes over the default 256 KiB");

    set_size("1048576").await.expect("MaximumMessageSize 1 MiB");
    owner.publish().topic_arn(&topic_arn).message(&large).send().await.expect("Publish 300,000 bytes");
    let envelopes = drain_json(&owner_sqs, &target).await;
    assert_eq!(envelopes.len(), 1, "the large message is delivered");
    assert_eq!(envelopes[0]["Message"].as_str().map(str::len), Some(300_000));

    set_size("1024").await.expect("MaximumMessageSize 1 KiB");
    let over = owner.publish().topic_arn(&topic_arn).message("x".repeat(2_000)).send().await;
    assert_eq!(crate::common::outcome(&over), "InvalidParameter", "2,000 bytes over 1 KiB");

    let invalid = set_size("2000000").await;
    let error = invalid.expect_err("2,000,000 bytes is over 1 MiB");
    assert_eq!(crate::common::error_of(&error).0, "InvalidParameter");
    assert!(crate::common::message_of(&error).contains("2000000"), "{}", crate::common::message_of(&error));

    let attributes = owner.get_topic_attributes().topic_arn(&topic_arn).send().await.expect("GetTopicAttributes");
    let size = attributes.attributes().and_then(|map| map.get("MaximumMessageSize")).map(String::as_str);
    assert_eq!(size, Some("1024"), "the rejected value left the size unchanged");

    server.shutdown().await;
}

#[tokio::test]
async fn json_structure_omits_attributes() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "structured").await;
    let enveloped = queue(&owner_sqs, "structured-envelope", None).await;
    let raw = queue(&owner_sqs, "structured-raw", None).await;
    owner
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&enveloped.arn)
        .attributes("FilterPolicy", r#"{"store": ["north"]}"#)
        .send()
        .await
        .expect("Subscribe with a filter policy");
    owner
        .subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&raw.arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .expect("Subscribe raw");

    owner
        .publish()
        .topic_arn(&topic_arn)
        .message(r#"{"default": "for everyone"}"#)
        .message_structure("json")
        .message_attributes("store", string_attribute("north"))
        .send()
        .await
        .expect("Publish a JSON message structure");

    let envelopes = drain_json(&owner_sqs, &enveloped).await;
    assert_eq!(envelopes.len(), 1, "the filter policy still matches the attribute");
    assert_eq!(envelopes[0]["Message"], "for everyone");
    assert!(envelopes[0].get("MessageAttributes").is_none(), "the envelope carries no attributes: {}", envelopes[0]);
    let raw_messages = drain(&owner_sqs, &raw).await;
    assert_eq!(raw_messages.len(), 1, "the raw delivery arrives");
    assert!(raw_messages[0].message_attributes().is_none(), "the raw delivery carries no attributes");

    server.shutdown().await;
}
