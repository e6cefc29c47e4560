//! Message semantics through the SDK: FIFO ordering and deduplication,
//! dead-letter redrive, delays, visibility, long polling and MD5 digests.

use std::time::{Duration, Instant};

use aws_sdk_sqs::Client;
use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName};
use md5::{Digest, Md5};

use crate::common::{self, HOME_REGION, OTHER, OWNER};

async fn create_fifo(client: &Client, name: &str, content_based: bool) -> String {
    client
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::FifoQueue, "true")
        .attributes(QueueAttributeName::ContentBasedDeduplication, content_based.to_string())
        .send()
        .await
        .expect("CreateQueue FIFO")
        .queue_url
        .expect("url")
}

async fn receive_bodies(client: &Client, queue_url: &str, max: i32, visibility: i32) -> Vec<(String, String)> {
    let output = client
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(max)
        .visibility_timeout(visibility)
        .send()
        .await
        .expect("ReceiveMessage");
    output
        .messages
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.body.unwrap_or_default(), m.receipt_handle.unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn fifo_blocks_group_in_flight() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = create_fifo(&client, "ordered.fifo", false).await;

    let mut sequence_numbers = Vec::new();
    for (body, group) in [("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b"), ("a3", "a")] {
        let sent = client
            .send_message()
            .queue_url(&queue_url)
            .message_body(body)
            .message_group_id(group)
            .message_deduplication_id(body)
            .send()
            .await
            .expect("SendMessage");
        sequence_numbers.push(sent.sequence_number.expect("FIFO sends return a SequenceNumber"));
    }
    let mut sorted = sequence_numbers.clone();
    sorted.sort();
    assert_eq!(sorted, sequence_numbers, "sequence numbers grow");
    assert!(sequence_numbers.iter().all(|n| n.len() == 20), "{sequence_numbers:?}");

    let first = receive_bodies(&client, &queue_url, 2, 30).await;
    let bodies: Vec<&str> = first.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(bodies, ["a1", "a2"], "one receive takes a group's messages in order");

    let second = receive_bodies(&client, &queue_url, 10, 30).await;
    let bodies: Vec<&str> = second.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(bodies, ["b1", "b2"], "group a is blocked while a1 and a2 are in flight");

    let third = receive_bodies(&client, &queue_url, 10, 30).await;
    assert!(third.is_empty(), "both groups are blocked: {third:?}");

    for (_, handle) in &first {
        client.delete_message().queue_url(&queue_url).receipt_handle(handle).send().await.expect("DeleteMessage");
    }
    let fourth = receive_bodies(&client, &queue_url, 10, 30).await;
    let bodies: Vec<&str> = fourth.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(bodies, ["a3"], "group a is unblocked once its messages are deleted");
    server.shutdown().await;
}

#[tokio::test]
async fn fifo_returned_message_comes_back_first() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = create_fifo(&client, "retry.fifo", true).await;
    for body in ["first", "second"] {
        client
            .send_message()
            .queue_url(&queue_url)
            .message_body(body)
            .message_group_id("g")
            .send()
            .await
            .expect("SendMessage");
    }
    let received = receive_bodies(&client, &queue_url, 1, 30).await;
    assert_eq!(received[0].0, "first");
    client
        .change_message_visibility()
        .queue_url(&queue_url)
        .receipt_handle(&received[0].1)
        .visibility_timeout(0)
        .send()
        .await
        .expect("ChangeMessageVisibility 0");
    let again = receive_bodies(&client, &queue_url, 10, 30).await;
    let bodies: Vec<&str> = again.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(bodies, ["first", "second"]);
    server.shutdown().await;
}

#[tokio::test]
async fn fifo_deduplicates_within_window() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = create_fifo(&client, "dedup.fifo", true).await;

    let send = |body: &'static str, deduplication_id: Option<&'static str>| {
        client
            .send_message()
            .queue_url(&queue_url)
            .message_body(body)
            .message_group_id("g")
            .set_message_deduplication_id(deduplication_id.map(str::to_owned))
            .send()
    };
    let first = send("same body", None).await.expect("first send");
    let repeat = send("same body", None).await.expect("content-based duplicate");
    assert_eq!(repeat.message_id, first.message_id, "a duplicate returns the original MessageId");
    let explicit = send("other body", Some("id-1")).await.expect("explicit id");
    let explicit_repeat = send("third body", Some("id-1")).await.expect("explicit duplicate");
    assert_eq!(explicit_repeat.message_id, explicit.message_id);

    assert_eq!(
        common::queue_attribute(&client, &queue_url, "ApproximateNumberOfMessages").await.as_deref(),
        Some("2"),
        "duplicates were not added"
    );

    let output = client
        .receive_message()
        .queue_url(&queue_url)
        .max_number_of_messages(10)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .expect("ReceiveMessage");
    let messages = output.messages.unwrap_or_default();
    let first_message = &messages[0];
    let attributes = first_message.attributes.clone().unwrap_or_default();
    assert_eq!(attributes.get(&MessageSystemAttributeName::MessageGroupId).map(String::as_str), Some("g"));
    let content_id = attributes.get(&MessageSystemAttributeName::MessageDeduplicationId).cloned().unwrap_or_default();
    assert_eq!(content_id.len(), 64, "content-based deduplication id is a SHA-256: {content_id}");
    assert!(attributes.contains_key(&MessageSystemAttributeName::SequenceNumber));
    server.shutdown().await;
}

/// Receives with `attempt_id` and returns (message id, receipt handle) pairs.
async fn receive_attempt(client: &Client, queue_url: &str, attempt_id: Option<&str>, visibility: i32) -> Vec<(String, String)> {
    let output = client
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .visibility_timeout(visibility)
        .set_receive_request_attempt_id(attempt_id.map(str::to_owned))
        .send()
        .await
        .expect("ReceiveMessage");
    output
        .messages
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.message_id.unwrap_or_default(), m.receipt_handle.unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn fifo_attempt_id_retry_returns_same_messages() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = create_fifo(&client, "attempt.fifo", true).await;
    client
        .send_message()
        .queue_url(&queue_url)
        .message_body("r1")
        .message_group_id("g")
        .send()
        .await
        .expect("SendMessage");

    // Setup: the first receive hides the message for 30 seconds.
    let first = receive_attempt(&client, &queue_url, Some("att1"), 30).await;
    assert_eq!(first.len(), 1, "the first receive with att1 returns the message");

    // A retry with the same attempt id returns the same message and receipt handle.
    let retry = receive_attempt(&client, &queue_url, Some("att1"), 30).await;
    assert_eq!(retry, first, "a retry with att1 returns the same message and receipt handle");

    // Another attempt id is a new receive, and the message is still in flight.
    let other = receive_attempt(&client, &queue_url, Some("att2"), 30).await;
    assert!(other.is_empty(), "a receive with att2 finds the message in flight: {other:?}");

    // Deleting the message ends the retry: the set was modified.
    client
        .delete_message()
        .queue_url(&queue_url)
        .receipt_handle(&first[0].1)
        .send()
        .await
        .expect("DeleteMessage with the retried handle");
    let after_delete = receive_attempt(&client, &queue_url, Some("att1"), 30).await;
    assert!(after_delete.is_empty(), "a retry after DeleteMessage returns nothing: {after_delete:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn fifo_attempt_id_retry_hides_message_again() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = create_fifo(&client, "attempt-visibility.fifo", true).await;
    for body in ["r1", "r2"] {
        client
            .send_message()
            .queue_url(&queue_url)
            .message_body(body)
            .message_group_id("g")
            .send()
            .await
            .expect("SendMessage");
    }

    // A zero visibility timeout makes the messages visible again at once.
    let first = receive_attempt(&client, &queue_url, Some("att1"), 0).await;
    assert_eq!(first.len(), 2, "the first receive takes both messages of group g");

    // The retry returns the same handles and resets the visibility timeout to 30 s.
    let retry = receive_attempt(&client, &queue_url, Some("att1"), 30).await;
    assert_eq!(retry, first, "the retry returns the same messages and receipt handles");
    let plain = receive_attempt(&client, &queue_url, None, 30).await;
    assert!(plain.is_empty(), "the retry hid the messages again: {plain:?}");

    // The retried handles still work.
    for (_, handle) in &retry {
        client
            .delete_message()
            .queue_url(&queue_url)
            .receipt_handle(handle)
            .send()
            .await
            .expect("DeleteMessage with a retried handle");
    }
    assert_eq!(
        common::queue_attribute(&client, &queue_url, "ApproximateNumberOfMessagesNotVisible").await.as_deref(),
        Some("0"),
        "both messages were deleted through the retried handles"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn fifo_attempt_id_ends_after_visibility_change() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = create_fifo(&client, "attempt-change.fifo", true).await;
    client
        .send_message()
        .queue_url(&queue_url)
        .message_body("r1")
        .message_group_id("g")
        .send()
        .await
        .expect("SendMessage");

    let first = receive_attempt(&client, &queue_url, Some("att1"), 30).await;
    assert_eq!(first.len(), 1, "the first receive returns the message");
    client
        .change_message_visibility()
        .queue_url(&queue_url)
        .receipt_handle(&first[0].1)
        .visibility_timeout(0)
        .send()
        .await
        .expect("ChangeMessageVisibility 0");

    // The changed message is received anew, with a new receipt handle.
    let retry = receive_attempt(&client, &queue_url, Some("att1"), 30).await;
    assert_eq!(retry.len(), 1, "the message is visible again and is received: {retry:?}");
    assert_eq!(retry[0].0, first[0].0, "the same message comes back");
    assert_ne!(retry[0].1, first[0].1, "a changed message gets a new receipt handle");
    server.shutdown().await;
}

#[tokio::test]
async fn redrive_moves_message_to_dead_letter_queue() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let consumer = common::client(&server, OTHER, HOME_REGION);
    let dlq_url = common::create_queue(&owner, "redrive-dlq").await;
    let dlq_arn = common::queue_attribute(&owner, &dlq_url, "QueueArn").await.expect("DLQ ARN");
    let source_url = owner
        .create_queue()
        .queue_name("redrive-source")
        .attributes(
            QueueAttributeName::RedrivePolicy,
            format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":2}}"#),
        )
        .send()
        .await
        .expect("CreateQueue with RedrivePolicy")
        .queue_url
        .expect("url");

    // Another account sends and receives; the owner's redrive policy applies.
    let sent = consumer.send_message().queue_url(&source_url).message_body("poison").send().await.expect("SendMessage");
    for attempt in 1..=2 {
        let received = receive_bodies(&consumer, &source_url, 1, 0).await;
        assert_eq!(received.len(), 1, "receive {attempt} gets the message");
    }
    let third = receive_bodies(&consumer, &source_url, 1, 0).await;
    assert!(third.is_empty(), "the third receive moves the message instead: {third:?}");

    let output = owner
        .receive_message()
        .queue_url(&dlq_url)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .expect("ReceiveMessage on the DLQ");
    let messages = output.messages.unwrap_or_default();
    assert_eq!(messages.len(), 1, "the message is in the dead-letter queue");
    assert_eq!(messages[0].body.as_deref(), Some("poison"));
    assert_eq!(messages[0].message_id, sent.message_id, "the message keeps its id");
    let attributes = messages[0].attributes.clone().unwrap_or_default();
    let source_arn = format!("arn:aws:sqs:{HOME_REGION}:{OWNER}:redrive-source");
    assert_eq!(
        attributes.get(&MessageSystemAttributeName::DeadLetterQueueSourceArn).map(String::as_str),
        Some(source_arn.as_str())
    );
    assert_eq!(
        common::queue_attribute(&owner, &source_url, "ApproximateNumberOfMessages").await.as_deref(),
        Some("0")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn long_poll_wakes_on_send() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&client, "long-poll").await;

    let started = Instant::now();
    let poll = {
        let client = client.clone();
        let queue_url = queue_url.clone();
        tokio::spawn(async move {
            client.receive_message().queue_url(&queue_url).wait_time_seconds(10).send().await
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    client.send_message().queue_url(&queue_url).message_body("wake").send().await.expect("SendMessage");

    let output = poll.await.expect("poll task").expect("ReceiveMessage");
    let elapsed = started.elapsed();
    let messages = output.messages.unwrap_or_default();
    assert_eq!(messages.len(), 1, "the poll returns the sent message");
    assert_eq!(messages[0].body.as_deref(), Some("wake"));
    assert!(elapsed < Duration::from_secs(5), "the poll woke on the send, not the timeout: {elapsed:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn long_poll_times_out_empty() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&client, "quiet").await;
    let started = Instant::now();
    let output = client.receive_message().queue_url(&queue_url).wait_time_seconds(1).send().await.expect("ReceiveMessage");
    assert!(output.messages.unwrap_or_default().is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());
    server.shutdown().await;
}

#[tokio::test]
async fn long_poll_returns_delayed_message_when_due() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&client, "delayed").await;
    client
        .send_message()
        .queue_url(&queue_url)
        .message_body("later")
        .delay_seconds(1)
        .send()
        .await
        .expect("SendMessage");
    assert_eq!(
        common::queue_attribute(&client, &queue_url, "ApproximateNumberOfMessagesDelayed").await.as_deref(),
        Some("1")
    );
    let immediate = receive_bodies(&client, &queue_url, 1, 30).await;
    assert!(immediate.is_empty(), "the message is delayed");

    let output = client.receive_message().queue_url(&queue_url).wait_time_seconds(5).send().await.expect("ReceiveMessage");
    let messages = output.messages.unwrap_or_default();
    assert_eq!(messages.len(), 1, "the poll returns the message once its delay passed");
    server.shutdown().await;
}

#[tokio::test]
async fn invisible_message_reappears_after_timeout() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&client, "visibility").await;
    client.send_message().queue_url(&queue_url).message_body("again").send().await.expect("SendMessage");

    let first = receive_bodies(&client, &queue_url, 1, 1).await;
    assert_eq!(first.len(), 1);
    assert!(receive_bodies(&client, &queue_url, 1, 1).await.is_empty(), "hidden while in flight");
    assert_eq!(
        common::queue_attribute(&client, &queue_url, "ApproximateNumberOfMessagesNotVisible").await.as_deref(),
        Some("1")
    );

    let output = client
        .receive_message()
        .queue_url(&queue_url)
        .wait_time_seconds(5)
        .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
        .send()
        .await
        .expect("ReceiveMessage");
    let messages = output.messages.unwrap_or_default();
    assert_eq!(messages.len(), 1, "visible again after its timeout");
    let count = messages[0]
        .attributes
        .as_ref()
        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
        .cloned();
    assert_eq!(count.as_deref(), Some("2"));
    server.shutdown().await;
}

/// Computes the MD5 of message attributes independently of the emulator,
/// following the documented encoding.
fn expected_attributes_md5(attributes: &[(&str, &str, u8, &[u8])]) -> String {
    let mut sorted = attributes.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut hasher = Md5::new();
    for (name, data_type, transport, value) in sorted {
        hasher.update((name.len() as u32).to_be_bytes());
        hasher.update(name.as_bytes());
        hasher.update((data_type.len() as u32).to_be_bytes());
        hasher.update(data_type.as_bytes());
        hasher.update([transport]);
        hasher.update((value.len() as u32).to_be_bytes());
        hasher.update(value);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn md5_digests_match_documented_encoding() {
    let server = common::start().await;
    let client = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&client, "digests").await;

    let string = MessageAttributeValue::builder().data_type("String").string_value("héllo").build().expect("attr");
    let number = MessageAttributeValue::builder().data_type("Number.int").string_value("42").build().expect("attr");
    let binary = MessageAttributeValue::builder()
        .data_type("Binary")
        .binary_value(Blob::new(vec![0u8, 1, 2, 255]))
        .build()
        .expect("attr");
    let sent = client
        .send_message()
        .queue_url(&queue_url)
        .message_body("body ✓")
        .message_attributes("zeta", string)
        .message_attributes("alpha", number)
        .message_attributes("mid.bin", binary)
        .send()
        .await
        .expect("SendMessage");

    let expected_body = format!("{:x}", Md5::digest("body ✓".as_bytes()));
    assert_eq!(sent.md5_of_message_body.as_deref(), Some(expected_body.as_str()));
    let expected_all = expected_attributes_md5(&[
        ("zeta", "String", 1, "héllo".as_bytes()),
        ("alpha", "Number.int", 1, b"42"),
        ("mid.bin", "Binary", 2, &[0, 1, 2, 255]),
    ]);
    assert_eq!(sent.md5_of_message_attributes.as_deref(), Some(expected_all.as_str()));

    // A prefix selection returns only matching attributes, and the digest covers those.
    let output = client
        .receive_message()
        .queue_url(&queue_url)
        .message_attribute_names("mid.*")
        .message_attribute_names("alpha")
        .send()
        .await
        .expect("ReceiveMessage");
    let message = &output.messages.unwrap_or_default()[0];
    assert_eq!(message.md5_of_body.as_deref(), Some(expected_body.as_str()));
    let names: Vec<&String> = message.message_attributes.as_ref().map(|a| a.keys().collect()).unwrap_or_default();
    assert_eq!(names.len(), 2, "{names:?}");
    let expected_selected = expected_attributes_md5(&[
        ("alpha", "Number.int", 1, b"42"),
        ("mid.bin", "Binary", 2, &[0, 1, 2, 255]),
    ]);
    assert_eq!(message.md5_of_message_attributes.as_deref(), Some(expected_selected.as_str()));
    server.shutdown().await;
}
