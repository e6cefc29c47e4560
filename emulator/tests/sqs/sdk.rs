//! Every SQS operation through the official Rust SDK, from each boundary.
//!
//! A queue is owned by account 111111111111 in ap-south-1; the caller is the
//! owner, another account, another region, or both. Under the `localstack`
//! profile every operation that names the queue by URL acts on the owner's
//! queue, and operations that take a bare name act in the caller's namespace.

use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, MessageAttributeValue,
    MessageSystemAttributeName, QueueAttributeName, SendMessageBatchRequestEntry,
};
use crosscheck_emulator::Config;
use crosscheck_emulator::access::{AccessRules, Profile};

use crate::common::{self, BOUNDARIES, HOME_REGION, OTHER, OWNER, OTHER_REGION};

/// Runs every operation as (`account`, `region`) on a queue owned by `OWNER` in `HOME_REGION`.
async fn exercise_every_operation(boundary: &str, account: &str, region: &str) {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let caller = common::client(&server, account, region);
    let queue_url = common::create_queue(&owner, "shared").await;
    let dead_letter_url = common::create_queue(&owner, "shared-dlq").await;
    let step = |name: &str| format!("{boundary}: {name}");

    // GetQueueUrl names the queue by name: it resolves in the owner's account
    // and the caller's region.
    let by_name = caller.get_queue_url().queue_name("shared").queue_owner_aws_account_id(OWNER).send().await;
    if region == HOME_REGION {
        assert_eq!(by_name.unwrap_or_else(|e| panic!("{}: {e:?}", step("GetQueueUrl"))).queue_url.as_deref(), Some(queue_url.as_str()));
    } else {
        let error = by_name.err().unwrap_or_else(|| panic!("{}", step("GetQueueUrl in another region")));
        assert_eq!(common::sdk_error(&error).0, "AWS.SimpleQueueService.NonExistentQueue", "{}", step("GetQueueUrl"));
    }

    // SetQueueAttributes and GetQueueAttributes by URL reach the owner's queue.
    caller
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::VisibilityTimeout, "60")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("SetQueueAttributes")));
    assert_eq!(
        common::queue_attribute(&owner, &queue_url, "VisibilityTimeout").await.as_deref(),
        Some("60"),
        "{}",
        step("owner sees the new VisibilityTimeout")
    );
    let arn = common::queue_attribute(&caller, &queue_url, "QueueArn").await;
    assert_eq!(arn.as_deref(), Some("arn:aws:sqs:ap-south-1:111111111111:shared"), "{}", step("QueueArn"));

    // Tags.
    caller.tag_queue().queue_url(&queue_url).tags("team", "blue").tags("tier", "1").send().await.unwrap_or_else(|e| panic!("{}: {e:?}", step("TagQueue")));
    caller.untag_queue().queue_url(&queue_url).tag_keys("tier").send().await.unwrap_or_else(|e| panic!("{}: {e:?}", step("UntagQueue")));
    let tags = owner.list_queue_tags().queue_url(&queue_url).send().await.unwrap_or_else(|e| panic!("{}: {e:?}", step("ListQueueTags"))).tags;
    let tags = tags.unwrap_or_default();
    assert_eq!(tags.get("team").map(String::as_str), Some("blue"), "{}", step("tag kept"));
    assert!(!tags.contains_key("tier"), "{}", step("tag removed"));

    // Permissions become statements of the owner's Policy.
    caller
        .add_permission()
        .queue_url(&queue_url)
        .label("grant")
        .aws_account_ids(OTHER)
        .actions("SendMessage")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("AddPermission")));
    let policy = common::queue_attribute(&owner, &queue_url, "Policy").await.expect("a Policy after AddPermission");
    assert!(policy.contains("\"Sid\":\"grant\""), "{}: {policy}", step("Policy has the label"));
    caller.remove_permission().queue_url(&queue_url).label("grant").send().await.unwrap_or_else(|e| panic!("{}: {e:?}", step("RemovePermission")));
    assert_eq!(common::queue_attribute(&owner, &queue_url, "Policy").await, None, "{}", step("Policy removed"));

    // Messages: send, batch send, receive, change visibility, delete.
    let sent = caller
        .send_message()
        .queue_url(&queue_url)
        .message_body("one")
        .message_attributes(
            "color",
            MessageAttributeValue::builder().data_type("String").string_value("red").build().expect("attribute"),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("SendMessage")));
    assert!(sent.message_id.is_some(), "{}", step("SendMessage returns a MessageId"));
    assert!(sent.md5_of_message_attributes.is_some(), "{}", step("SendMessage returns MD5OfMessageAttributes"));
    let batch = caller
        .send_message_batch()
        .queue_url(&queue_url)
        .entries(SendMessageBatchRequestEntry::builder().id("b1").message_body("two").build().expect("entry"))
        .entries(SendMessageBatchRequestEntry::builder().id("b2").message_body("three").build().expect("entry"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("SendMessageBatch")));
    assert_eq!(batch.successful.len(), 2, "{}", step("SendMessageBatch successful"));
    assert!(batch.failed.is_empty(), "{}", step("SendMessageBatch failed"));
    assert_eq!(
        common::queue_attribute(&owner, &queue_url, "ApproximateNumberOfMessages").await.as_deref(),
        Some("3"),
        "{}",
        step("owner counts three messages")
    );

    let received = caller
        .receive_message()
        .queue_url(&queue_url)
        .max_number_of_messages(10)
        .message_attribute_names("All")
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("ReceiveMessage")));
    let messages = received.messages.unwrap_or_default();
    assert_eq!(messages.len(), 3, "{}", step("ReceiveMessage returns every message"));
    let one = messages.iter().find(|m| m.body.as_deref() == Some("one")).expect("message one");
    let color = one.message_attributes.as_ref().and_then(|a| a.get("color")).and_then(|v| v.string_value.as_deref());
    assert_eq!(color, Some("red"), "{}", step("message attribute"));
    let sender = one.attributes.as_ref().and_then(|a| a.get(&MessageSystemAttributeName::SenderId)).cloned();
    assert_eq!(sender.as_deref(), Some(account), "{}", step("SenderId is the caller's account"));

    let handles: Vec<String> = messages.iter().filter_map(|m| m.receipt_handle.clone()).collect();
    caller
        .change_message_visibility()
        .queue_url(&queue_url)
        .receipt_handle(&handles[0])
        .visibility_timeout(120)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("ChangeMessageVisibility")));
    let changed = caller
        .change_message_visibility_batch()
        .queue_url(&queue_url)
        .entries(
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id("c1")
                .receipt_handle(&handles[1])
                .visibility_timeout(120)
                .build()
                .expect("entry"),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("ChangeMessageVisibilityBatch")));
    assert_eq!(changed.successful.len(), 1, "{}", step("ChangeMessageVisibilityBatch successful"));
    caller.delete_message().queue_url(&queue_url).receipt_handle(&handles[0]).send().await.unwrap_or_else(|e| panic!("{}: {e:?}", step("DeleteMessage")));
    let deleted = caller
        .delete_message_batch()
        .queue_url(&queue_url)
        .entries(DeleteMessageBatchRequestEntry::builder().id("d1").receipt_handle(&handles[1]).build().expect("entry"))
        .entries(DeleteMessageBatchRequestEntry::builder().id("d2").receipt_handle(&handles[2]).build().expect("entry"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("DeleteMessageBatch")));
    assert_eq!(deleted.successful.len(), 2, "{}", step("DeleteMessageBatch successful"));
    assert_eq!(
        common::queue_attribute(&owner, &queue_url, "ApproximateNumberOfMessagesNotVisible").await.as_deref(),
        Some("0"),
        "{}",
        step("nothing left in flight")
    );

    // Dead-letter sources, set by the owner and listed by the caller.
    let dead_letter_arn = common::queue_attribute(&owner, &dead_letter_url, "QueueArn").await.expect("DLQ ARN");
    let redrive = format!(r#"{{"deadLetterTargetArn":"{dead_letter_arn}","maxReceiveCount":"2"}}"#);
    owner
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::RedrivePolicy, redrive)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("SetQueueAttributes RedrivePolicy")));
    let sources = caller
        .list_dead_letter_source_queues()
        .queue_url(&dead_letter_url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", step("ListDeadLetterSourceQueues")));
    assert_eq!(sources.queue_urls, vec![queue_url.clone()], "{}", step("the source queue is listed"));

    // PurgeQueue empties the owner's queue.
    caller.send_message().queue_url(&queue_url).message_body("four").send().await.unwrap_or_else(|e| panic!("{}: {e:?}", step("SendMessage")));
    caller.purge_queue().queue_url(&queue_url).send().await.unwrap_or_else(|e| panic!("{}: {e:?}", step("PurgeQueue")));
    assert_eq!(
        common::queue_attribute(&owner, &queue_url, "ApproximateNumberOfMessages").await.as_deref(),
        Some("0"),
        "{}",
        step("PurgeQueue emptied the queue")
    );

    // ListQueues and CreateQueue act in the caller's own namespace.
    let listed = caller.list_queues().send().await.unwrap_or_else(|e| panic!("{}: {e:?}", step("ListQueues"))).queue_urls.unwrap_or_default();
    if (account, region) == (OWNER, HOME_REGION) {
        assert!(listed.contains(&queue_url), "{}", step("owner lists the queue"));
    } else {
        assert!(listed.is_empty(), "{}: {listed:?}", step("another namespace lists nothing"));
        let own_url = common::create_queue(&caller, "shared").await;
        assert_ne!(own_url, queue_url, "{}", step("a queue of the same name elsewhere is another queue"));
        assert!(own_url.contains(account), "{}", step("the new queue's URL names the caller's account"));
        assert!(own_url.contains(region), "{}", step("the new queue's URL names the caller's region"));
    }

    // DeleteQueue by URL deletes the owner's queue.
    caller.delete_queue().queue_url(&queue_url).send().await.unwrap_or_else(|e| panic!("{}: {e:?}", step("DeleteQueue")));
    let gone = owner.get_queue_url().queue_name("shared").send().await.err().unwrap_or_else(|| panic!("{}", step("queue is gone")));
    assert_eq!(common::sdk_error(&gone).0, "AWS.SimpleQueueService.NonExistentQueue", "{}", step("queue is gone"));

    server.shutdown().await;
}

#[tokio::test]
async fn every_operation_same_namespace() {
    let (boundary, account, region) = BOUNDARIES[0];
    exercise_every_operation(boundary, account, region).await;
}

#[tokio::test]
async fn every_operation_cross_account() {
    let (boundary, account, region) = BOUNDARIES[1];
    exercise_every_operation(boundary, account, region).await;
}

#[tokio::test]
async fn every_operation_cross_region() {
    let (boundary, account, region) = BOUNDARIES[2];
    exercise_every_operation(boundary, account, region).await;
}

#[tokio::test]
async fn every_operation_cross_account_and_region() {
    let (boundary, account, region) = BOUNDARIES[3];
    exercise_every_operation(boundary, account, region).await;
}

#[tokio::test]
async fn queue_url_and_arn_carry_owner_namespace() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "addressed").await;
    let port = server.local_addr().port();
    assert_eq!(
        queue_url,
        format!("http://sqs.ap-south-1.localhost.localstack.cloud:{port}/111111111111/addressed")
    );
    let arn = common::queue_attribute(&owner, &queue_url, "QueueArn").await;
    assert_eq!(arn.as_deref(), Some("arn:aws:sqs:ap-south-1:111111111111:addressed"));
    server.shutdown().await;
}

#[tokio::test]
async fn every_url_strategy_is_served() {
    for strategy in crosscheck_emulator::arn::QueueUrlStrategy::NAMES {
        let config = Config {
            queue_url_strategy: strategy.parse().expect("strategy"),
            ..Config::default()
        };
        let server = common::start_with(config).await;
        let owner = common::client(&server, OWNER, HOME_REGION);
        let queue_url = common::create_queue(&owner, "strategy").await;
        owner.send_message().queue_url(&queue_url).message_body("x").send().await.unwrap_or_else(|e| {
            panic!("{strategy}: SendMessage to {queue_url}: {e:?}");
        });
        let count = common::queue_attribute(&owner, &queue_url, "ApproximateNumberOfMessages").await;
        assert_eq!(count.as_deref(), Some("1"), "{strategy}: {queue_url}");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn off_strategy_url_acts_in_caller_region() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    common::create_queue(&owner, "regionless").await;
    let url = format!("{}/{OWNER}/regionless", server.endpoint_url());

    let home = common::queue_attribute(&owner, &url, "QueueArn").await;
    assert_eq!(home.as_deref(), Some("arn:aws:sqs:ap-south-1:111111111111:regionless"));

    let elsewhere = common::client(&server, OWNER, OTHER_REGION);
    let error = elsewhere
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect_err("no such queue in eu-central-1");
    assert_eq!(common::sdk_error(&error).0, "AWS.SimpleQueueService.NonExistentQueue");
    server.shutdown().await;
}

#[tokio::test]
async fn aws_profile_denies_across_boundaries() {
    let config = Config {
        access: AccessRules {
            profile: Profile::Aws,
            enforce_iam: false,
        },
        ..Config::default()
    };
    let server = common::start_with(config).await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "guarded").await;

    let other_account = common::client(&server, OTHER, HOME_REGION);
    let error = other_account.tag_queue().queue_url(&queue_url).tags("a", "b").send().await.expect_err("TagQueue");
    let (code, status, _) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("AccessDenied", 403), "TagQueue is never granted across accounts");

    let error = other_account.send_message().queue_url(&queue_url).message_body("x").send().await.expect_err("SendMessage");
    let (code, status, _) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("AccessDenied", 403), "no policy grants SendMessage");

    let other_region = common::client(&server, OWNER, OTHER_REGION);
    let error = other_region.purge_queue().queue_url(&queue_url).send().await.expect_err("PurgeQueue");
    let (code, status, _) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("AWS.SimpleQueueService.NonExistentQueue", 400), "another region's endpoint");

    owner.send_message().queue_url(&queue_url).message_body("x").send().await.expect("the owner may send");
    assert_eq!(common::queue_attribute(&owner, &queue_url, "ApproximateNumberOfMessages").await.as_deref(), Some("1"));
    server.shutdown().await;
}

#[tokio::test]
async fn create_queue_is_idempotent_with_same_attributes() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let create = |timeout: &'static str| {
        owner
            .create_queue()
            .queue_name("again")
            .attributes(QueueAttributeName::VisibilityTimeout, timeout)
            .tags("t", "1")
            .send()
    };
    let first = create("45").await.expect("first CreateQueue").queue_url;
    let second = create("45").await.expect("same attributes").queue_url;
    assert_eq!(first, second);

    let error = create("46").await.expect_err("different VisibilityTimeout");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("QueueAlreadyExists", 400));
    assert!(message.contains("VisibilityTimeout"), "{message}");
    assert_eq!(
        common::queue_attribute(&owner, first.as_deref().expect("url"), "VisibilityTimeout").await.as_deref(),
        Some("45"),
        "the failed re-create changed nothing"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn list_queues_pages_with_next_token() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    for i in 0..5 {
        common::create_queue(&owner, &format!("page-{i}")).await;
    }
    common::create_queue(&owner, "other").await;

    let all = owner.list_queues().queue_name_prefix("page-").send().await.expect("ListQueues");
    assert_eq!(all.queue_urls.unwrap_or_default().len(), 5);
    assert_eq!(all.next_token, None, "no NextToken without MaxResults");

    let mut seen = Vec::new();
    let mut token = None;
    for _ in 0..5 {
        let page = owner
            .list_queues()
            .queue_name_prefix("page-")
            .max_results(2)
            .set_next_token(token.clone())
            .send()
            .await
            .expect("ListQueues page");
        seen.extend(page.queue_urls.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert!(seen.iter().all(|url| url.contains("/page-")), "{seen:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn get_queue_attributes_all_lists_every_attribute() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, "everything").await;
    let output = owner
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .expect("GetQueueAttributes All");
    let attributes = output.attributes.unwrap_or_default();
    for name in [
        "QueueArn",
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp",
        "LastModifiedTimestamp",
        "VisibilityTimeout",
        "MaximumMessageSize",
        "MessageRetentionPeriod",
        "DelaySeconds",
        "ReceiveMessageWaitTimeSeconds",
        "SqsManagedSseEnabled",
    ] {
        assert!(attributes.contains_key(&QueueAttributeName::from(name)), "All lacks {name}: {attributes:?}");
    }
    assert_eq!(attributes.get(&QueueAttributeName::VisibilityTimeout).map(String::as_str), Some("30"));
    assert_eq!(attributes.get(&QueueAttributeName::MaximumMessageSize).map(String::as_str), Some("1048576"));
    assert!(!attributes.contains_key(&QueueAttributeName::FifoQueue), "a standard queue has no FifoQueue");
    server.shutdown().await;
}

#[tokio::test]
async fn dead_letter_sources_page_with_next_token() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let dead_letter_url = common::create_queue(&owner, "pages-dlq").await;
    let dead_letter_arn = common::queue_attribute(&owner, &dead_letter_url, "QueueArn").await.expect("DLQ ARN");
    let redrive = format!(r#"{{"deadLetterTargetArn":"{dead_letter_arn}","maxReceiveCount":1}}"#);
    for i in 0..3 {
        owner
            .create_queue()
            .queue_name(format!("pages-source-{i}"))
            .attributes(QueueAttributeName::RedrivePolicy, redrive.clone())
            .send()
            .await
            .expect("CreateQueue with RedrivePolicy");
    }
    common::create_queue(&owner, "pages-unrelated").await;

    let mut seen = Vec::new();
    let mut token = None;
    let mut pages = 0;
    for _ in 0..5 {
        let page = owner
            .list_dead_letter_source_queues()
            .queue_url(&dead_letter_url)
            .max_results(2)
            .set_next_token(token.clone())
            .send()
            .await
            .expect("ListDeadLetterSourceQueues page");
        pages += 1;
        seen.extend(page.queue_urls);
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 2, "three sources in pages of two");
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().all(|url| url.contains("/pages-source-")), "{seen:?}");
    server.shutdown().await;
}
