//! Producers and consumers on one queue over HTTP: every message is delivered
//! exactly once. The visibility timeout is long, so no message can reappear
//! during the test and any second delivery would be a duplicate.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;

use crate::common::{self, HOME_REGION, OTHER, OWNER};

const PRODUCERS: usize = 4;
const CONSUMERS: usize = 4;
const MESSAGES_PER_PRODUCER: usize = 60;
const TOTAL: usize = PRODUCERS * MESSAGES_PER_PRODUCER;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn producers_and_consumers_lose_and_duplicate_nothing() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "busy").await;
    let deadline = Instant::now() + Duration::from_secs(60);

    let received = Arc::new(std::sync::Mutex::new(Vec::with_capacity(TOTAL)));
    let received_count = Arc::new(AtomicUsize::new(0));

    let mut consumers = Vec::new();
    for consumer in 0..CONSUMERS {
        // Half the consumers are another account, to mix boundaries.
        let account = if consumer % 2 == 0 { OWNER } else { OTHER };
        let client = common::client(&server, account, HOME_REGION);
        let queue_url = queue_url.clone();
        let received = received.clone();
        let received_count = received_count.clone();
        consumers.push(tokio::spawn(async move {
            while received_count.load(Ordering::SeqCst) < TOTAL && Instant::now() < deadline {
                let output = client
                    .receive_message()
                    .queue_url(&queue_url)
                    .max_number_of_messages(10)
                    .visibility_timeout(600)
                    .wait_time_seconds(1)
                    .send()
                    .await
                    .expect("ReceiveMessage");
                let messages = output.messages.unwrap_or_default();
                if messages.is_empty() {
                    continue;
                }
                let mut entries = Vec::with_capacity(messages.len());
                for (index, message) in messages.iter().enumerate() {
                    let handle = message.receipt_handle.clone().expect("receipt handle");
                    let entry = DeleteMessageBatchRequestEntry::builder()
                        .id(format!("m{index}"))
                        .receipt_handle(handle)
                        .build()
                        .expect("entry");
                    entries.push(entry);
                }
                let deleted = client
                    .delete_message_batch()
                    .queue_url(&queue_url)
                    .set_entries(Some(entries))
                    .send()
                    .await
                    .expect("DeleteMessageBatch");
                assert!(deleted.failed.is_empty(), "deletes failed: {:?}", deleted.failed);

                let bodies: Vec<String> = messages.into_iter().filter_map(|m| m.body).collect();
                received_count.fetch_add(bodies.len(), Ordering::SeqCst);
                received.lock().expect("received list").extend(bodies);
            }
        }));
    }

    let mut producers = Vec::new();
    for producer in 0..PRODUCERS {
        let client = common::client(&server, OWNER, HOME_REGION);
        let queue_url = queue_url.clone();
        producers.push(tokio::spawn(async move {
            for index in 0..MESSAGES_PER_PRODUCER {
                client
                    .send_message()
                    .queue_url(&queue_url)
                    .message_body(format!("p{producer}-m{index}"))
                    .send()
                    .await
                    .expect("SendMessage");
            }
        }));
    }

    for producer in producers {
        producer.await.expect("producer task");
    }
    for consumer in consumers {
        consumer.await.expect("consumer task");
    }

    let received = received.lock().expect("received list").clone();
    let distinct: HashSet<&String> = received.iter().collect();
    let expected: HashSet<String> = (0..PRODUCERS)
        .flat_map(|p| (0..MESSAGES_PER_PRODUCER).map(move |m| format!("p{p}-m{m}")))
        .collect();
    assert_eq!(received.len(), TOTAL, "deliveries, counting duplicates");
    assert_eq!(distinct.len(), TOTAL, "distinct messages delivered");
    assert!(expected.iter().all(|body| distinct.contains(body)), "every sent message was delivered");

    for name in ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] {
        let count = common::queue_attribute(&owner, &queue_url, name).await;
        assert_eq!(count.as_deref(), Some("0"), "{name} after the run");
    }
    server.shutdown().await;
}
