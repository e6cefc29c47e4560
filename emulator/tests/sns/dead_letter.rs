//! Dead-letter queues of subscriptions: a delivery that fails goes to the
//! queue the subscription's RedrivePolicy names, in the form the subscription
//! would have received, and the dead-letter queue's policy decides as a
//! subscribed queue's does.

use aws_sdk_sns::types::MessageAttributeValue;

use crate::common::{HOME_REGION, OWNER, Queue, drain, drain_json, queue, sns, sqs, start_profile, subscribe, topic};

/// Builds a queue policy that lets the topic `topic_arn` send through SNS.
fn topic_may_send(topic_arn: &str) -> String {
    format!(
        r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"Service": "sns.amazonaws.com"}},
            "Action": "sqs:SendMessage", "Resource": "*",
            "Condition": {{"ArnEquals": {{"aws:SourceArn": "{topic_arn}"}}}}}}]}}"#
    )
}

async fn set_redrive(client: &aws_sdk_sns::Client, subscription_arn: &str, dead_letter_queue: &Queue) {
    client
        .set_subscription_attributes()
        .subscription_arn(subscription_arn)
        .attribute_name("RedrivePolicy")
        .attribute_value(format!(r#"{{"deadLetterTargetArn": "{}"}}"#, dead_letter_queue.arn))
        .send()
        .await
        .expect("SetSubscriptionAttributes RedrivePolicy");
}

#[tokio::test]
async fn deleted_queue_sends_to_dead_letter_queue() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "redriven").await;

    // Setup: an envelope subscription and a raw one, each with a dead-letter queue.
    // A third subscription has no dead-letter queue. A fourth, to a live queue,
    // has one that its successful deliveries never reach.
    let deleted_queue = queue(&owner_sqs, "deleted", None).await;
    let deleted_raw_queue = queue(&owner_sqs, "deleted-raw", None).await;
    let deleted_plain_queue = queue(&owner_sqs, "deleted-plain", None).await;
    let live = queue(&owner_sqs, "live", None).await;
    let dead_letters = queue(&owner_sqs, "dead-letters", None).await;
    let raw_dead_letters = queue(&owner_sqs, "raw-dead-letters", None).await;
    let live_dead_letters = queue(&owner_sqs, "live-dead-letters", None).await;

    let envelope_subscription = subscribe(&owner, &topic_arn, &deleted_queue).await;
    set_redrive(&owner, &envelope_subscription, &dead_letters).await;
    let raw_subscription = subscribe(&owner, &topic_arn, &deleted_raw_queue).await;
    owner
        .set_subscription_attributes()
        .subscription_arn(&raw_subscription)
        .attribute_name("RawMessageDelivery")
        .attribute_value("true")
        .send()
        .await
        .expect("SetSubscriptionAttributes RawMessageDelivery");
    set_redrive(&owner, &raw_subscription, &raw_dead_letters).await;
    subscribe(&owner, &topic_arn, &deleted_plain_queue).await;
    let live_subscription = subscribe(&owner, &topic_arn, &live).await;
    set_redrive(&owner, &live_subscription, &live_dead_letters).await;

    for deleted in [&deleted_queue, &deleted_raw_queue, &deleted_plain_queue] {
        owner_sqs.delete_queue().queue_url(&deleted.url).send().await.expect("DeleteQueue");
    }

    // Act.
    let attribute =
        MessageAttributeValue::builder().data_type("String").string_value("north").build().expect("attribute");
    let published = owner
        .publish()
        .topic_arn(&topic_arn)
        .message("undeliverable")
        .message_attributes("store", attribute)
        .send()
        .await
        .expect("Publish");

    // The envelope subscription's dead-letter queue contains the envelope.
    let envelopes = drain_json(&owner_sqs, &dead_letters).await;
    assert_eq!(envelopes.len(), 1, "one dead letter: {envelopes:?}");
    assert_eq!(envelopes[0]["Type"], "Notification");
    assert_eq!(envelopes[0]["Message"], "undeliverable");
    assert_eq!(envelopes[0]["MessageId"], published.message_id().expect("MessageId"));
    assert_eq!(envelopes[0]["TopicArn"], topic_arn.as_str());
    assert!(
        envelopes[0]["UnsubscribeURL"].as_str().is_some_and(|url| url.ends_with(envelope_subscription.as_str())),
        "the envelope names the failed subscription: {}",
        envelopes[0]
    );

    // The raw subscription's dead-letter queue contains the raw message and its attributes.
    let raw = drain(&owner_sqs, &raw_dead_letters).await;
    assert_eq!(raw.len(), 1, "one raw dead letter: {raw:?}");
    assert_eq!(raw[0].body(), Some("undeliverable"));
    let store = raw[0].message_attributes().and_then(|attributes| attributes.get("store"));
    assert_eq!(store.and_then(|value| value.string_value()), Some("north"), "{:?}", raw[0]);

    // The live queue got the message, so its dead-letter queue stays empty.
    assert_eq!(drain_json(&owner_sqs, &live).await.len(), 1, "the live queue gets the message");
    assert!(drain(&owner_sqs, &live_dead_letters).await.is_empty(), "no dead letter for a delivered message");

    server.shutdown().await;
}

#[tokio::test]
async fn denied_delivery_is_dead_lettered() {
    for profile in ["aws", "localstack-enforce-iam"] {
        let server = start_profile(profile).await;
        let owner = sns(&server, OWNER, HOME_REGION);
        let owner_sqs = sqs(&server, OWNER, HOME_REGION);
        let topic_arn = topic(&owner, "denied").await;

        // Setup: two subscribed queues without a policy, so the topic may send to neither.
        // One redrives to a queue that lets the topic send, the other to a queue that does not.
        let closed = queue(&owner_sqs, "closed", None).await;
        let also_closed = queue(&owner_sqs, "also-closed", None).await;
        let open_dead_letters = queue(&owner_sqs, "open-dead-letters", Some(&topic_may_send(&topic_arn))).await;
        let closed_dead_letters = queue(&owner_sqs, "closed-dead-letters", None).await;
        let subscription = subscribe(&owner, &topic_arn, &closed).await;
        set_redrive(&owner, &subscription, &open_dead_letters).await;
        let other_subscription = subscribe(&owner, &topic_arn, &also_closed).await;
        set_redrive(&owner, &other_subscription, &closed_dead_letters).await;

        owner.publish().topic_arn(&topic_arn).message("denied message").send().await.expect("Publish");

        assert!(drain(&owner_sqs, &closed).await.is_empty(), "{profile}: the closed queue gets nothing");
        let dead_letters = drain_json(&owner_sqs, &open_dead_letters).await;
        assert_eq!(dead_letters.len(), 1, "{profile}: the open dead-letter queue gets the message");
        assert_eq!(dead_letters[0]["Message"], "denied message", "{profile}");
        assert!(
            drain(&owner_sqs, &closed_dead_letters).await.is_empty(),
            "{profile}: a dead-letter queue whose policy denies the topic gets nothing"
        );

        server.shutdown().await;
    }
}

#[tokio::test]
async fn fifo_topic_dead_letters_keep_group() {
    let server = start_profile("localstack").await;
    let owner = sns(&server, OWNER, HOME_REGION);
    let owner_sqs = sqs(&server, OWNER, HOME_REGION);
    let topic_arn = topic(&owner, "ordered.fifo").await;
    let deleted_queue = queue(&owner_sqs, "deleted.fifo", None).await;
    let dead_letters = queue(&owner_sqs, "dead-letters.fifo", None).await;
    let subscription = subscribe(&owner, &topic_arn, &deleted_queue).await;
    set_redrive(&owner, &subscription, &dead_letters).await;
    owner_sqs.delete_queue().queue_url(&deleted_queue.url).send().await.expect("DeleteQueue");

    owner
        .publish()
        .topic_arn(&topic_arn)
        .message("first")
        .message_group_id("orders-7")
        .message_deduplication_id("first-id")
        .send()
        .await
        .expect("Publish to the FIFO topic");

    let received = drain(&owner_sqs, &dead_letters).await;
    assert_eq!(received.len(), 1, "one dead letter: {received:?}");
    let group = received[0]
        .attributes()
        .and_then(|attributes| attributes.get(&aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId));
    assert_eq!(group.map(String::as_str), Some("orders-7"), "{:?}", received[0]);

    server.shutdown().await;
}
