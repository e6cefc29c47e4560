//! Message move tasks (dead-letter queue redrive) over both protocols:
//! StartMessageMoveTask, ListMessageMoveTasks and CancelMessageMoveTask.

use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{ListMessageMoveTasksResultEntry, MessageSystemAttributeName, QueueAttributeName};
use crosscheck_emulator::Config;
use crosscheck_emulator::access::{AccessRules, Profile};

use crate::common::{self, HOME_REGION, OTHER, OWNER};

/// Creates `dlq` and the queues in `sources`, each with a redrive policy that
/// sends a message to `dlq` after one receive. Returns the DLQ's URL and ARN.
async fn create_dead_letter_setup(client: &Client, dlq: &str, sources: &[&str]) -> (String, String) {
    let dlq_url = common::create_queue(client, dlq).await;
    let dlq_arn = common::queue_attribute(client, &dlq_url, "QueueArn").await.expect("DLQ ARN");
    for source in sources {
        client
            .create_queue()
            .queue_name(*source)
            .attributes(
                QueueAttributeName::RedrivePolicy,
                format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":1}}"#),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateQueue {source} with a redrive policy: {e:?}"));
    }
    (dlq_url, dlq_arn)
}

/// Sends `body` to `source_url` and receives it until it moves to the dead-letter queue.
async fn dead_letter(client: &Client, source_url: &str, body: &str) {
    client.send_message().queue_url(source_url).message_body(body).send().await.expect("SendMessage");
    let first = client
        .receive_message()
        .queue_url(source_url)
        .visibility_timeout(0)
        .send()
        .await
        .expect("first ReceiveMessage");
    assert_eq!(first.messages.unwrap_or_default().len(), 1, "the first receive gets {body}");
    let second = client.receive_message().queue_url(source_url).send().await.expect("second ReceiveMessage");
    assert!(second.messages.unwrap_or_default().is_empty(), "the second receive moves {body} to the DLQ");
}

/// Lists the tasks of `source_arn` until the newest has `status`, for at most 5 seconds.
async fn wait_for_status(client: &Client, source_arn: &str, status: &str) -> ListMessageMoveTasksResultEntry {
    for _ in 0..250 {
        let listed = client
            .list_message_move_tasks()
            .source_arn(source_arn)
            .send()
            .await
            .expect("ListMessageMoveTasks");
        let newest = listed.results.unwrap_or_default().into_iter().next().expect("a task is listed");
        if newest.status.as_deref() == Some(status) {
            return newest;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the task of {source_arn} did not reach {status} within 5 seconds");
}

async fn receive_body(client: &Client, queue_url: &str) -> Option<String> {
    let output = client
        .receive_message()
        .queue_url(queue_url)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .expect("ReceiveMessage");
    output.messages.unwrap_or_default().into_iter().next().and_then(|message| message.body)
}

#[tokio::test]
async fn move_task_returns_messages_to_sources() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let (dlq_url, dlq_arn) = create_dead_letter_setup(&owner, "redrive-dlq", &["orders", "invoices"]).await;
    let orders_url = common::create_queue(&owner, "orders").await;
    let invoices_url = common::create_queue(&owner, "invoices").await;
    dead_letter(&owner, &orders_url, "order-1").await;
    dead_letter(&owner, &invoices_url, "invoice-1").await;

    let started = owner.start_message_move_task().source_arn(&dlq_arn).send().await.expect("StartMessageMoveTask");
    assert!(started.task_handle.is_some_and(|handle| !handle.is_empty()), "StartMessageMoveTask returns a TaskHandle");

    let task = wait_for_status(&owner, &dlq_arn, "COMPLETED").await;
    assert_eq!(task.approximate_number_of_messages_moved, 2, "both messages moved");
    assert_eq!(task.approximate_number_of_messages_to_move, Some(2), "two messages were counted at the start");
    assert_eq!(task.source_arn.as_deref(), Some(dlq_arn.as_str()));
    assert_eq!(task.destination_arn, None, "no DestinationArn was given");
    assert_eq!(task.task_handle, None, "a finished task shows no TaskHandle");
    assert!(task.started_timestamp > 0, "StartedTimestamp is set");

    assert_eq!(receive_body(&owner, &orders_url).await.as_deref(), Some("order-1"), "order-1 is back in orders");
    assert_eq!(receive_body(&owner, &invoices_url).await.as_deref(), Some("invoice-1"), "invoice-1 is back in invoices");
    assert_eq!(receive_body(&owner, &dlq_url).await, None, "the dead-letter queue is empty");
    server.shutdown().await;
}

#[tokio::test]
async fn move_task_with_rate_can_be_cancelled() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let (_, dlq_arn) = create_dead_letter_setup(&owner, "slow-dlq", &["slow-source"]).await;
    let source_url = common::create_queue(&owner, "slow-source").await;
    for index in 0..5 {
        dead_letter(&owner, &source_url, &format!("m{index}")).await;
    }
    let destination_url = common::create_queue(&owner, "replay").await;
    let destination_arn = common::queue_attribute(&owner, &destination_url, "QueueArn").await.expect("ARN");

    let started = owner
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .destination_arn(&destination_arn)
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .expect("StartMessageMoveTask at 1 message per second");
    let handle = started.task_handle.expect("TaskHandle");

    let running = wait_for_status(&owner, &dlq_arn, "RUNNING").await;
    assert_eq!(running.task_handle.as_deref(), Some(handle.as_str()), "a running task shows its handle");
    assert_eq!(running.max_number_of_messages_per_second, Some(1));
    assert_eq!(running.destination_arn.as_deref(), Some(destination_arn.as_str()));
    assert_eq!(running.approximate_number_of_messages_to_move, Some(5));

    let error = owner
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .send()
        .await
        .expect_err("a second task while one runs");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidParameterValue", 400), "{message}");
    assert!(message.contains("already a task running"), "{message}");

    let cancelled = owner.cancel_message_move_task().task_handle(&handle).send().await.expect("CancelMessageMoveTask");
    let moved_at_cancel = cancelled.approximate_number_of_messages_moved;
    assert!(moved_at_cancel < 5, "the task was cancelled before moving all 5 messages: {moved_at_cancel}");

    let finished = wait_for_status(&owner, &dlq_arn, "CANCELLED").await;
    assert!(finished.approximate_number_of_messages_moved < 5, "the cancelled task stopped moving");
    assert_eq!(
        common::queue_attribute(&owner, &destination_url, "ApproximateNumberOfMessages").await,
        Some(finished.approximate_number_of_messages_moved.to_string()),
        "the destination has exactly the moved messages"
    );

    let error = owner
        .cancel_message_move_task()
        .task_handle(&handle)
        .send()
        .await
        .expect_err("cancelling a cancelled task");
    let (code, status, _) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("ResourceNotFoundException", 404));

    owner
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .destination_arn(&destination_arn)
        .send()
        .await
        .expect("a new task once the first is cancelled");
    wait_for_status(&owner, &dlq_arn, "COMPLETED").await;
    let listed = owner
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .max_results(10)
        .send()
        .await
        .expect("ListMessageMoveTasks MaxResults 10");
    let statuses: Vec<String> =
        listed.results.unwrap_or_default().into_iter().filter_map(|task| task.status).collect();
    assert_eq!(statuses, ["COMPLETED", "CANCELLED"], "tasks are listed newest first");
    assert_eq!(
        common::queue_attribute(&owner, &destination_url, "ApproximateNumberOfMessages").await.as_deref(),
        Some("5"),
        "the second task moved the rest"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn move_task_rejects_invalid_requests() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let (_, dlq_arn) = create_dead_letter_setup(&owner, "checked-dlq", &["checked-source"]).await;
    let plain_url = common::create_queue(&owner, "plain").await;
    let plain_arn = common::queue_attribute(&owner, &plain_url, "QueueArn").await.expect("ARN");
    let fifo_url = owner
        .create_queue()
        .queue_name("other-type.fifo")
        .attributes(QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .expect("CreateQueue FIFO")
        .queue_url
        .expect("url");
    let fifo_arn = common::queue_attribute(&owner, &fifo_url, "QueueArn").await.expect("ARN");
    let missing_arn = format!("arn:aws:sqs:{HOME_REGION}:{OWNER}:missing");

    let invalid = ("InvalidParameterValue", 400);
    let not_found = ("ResourceNotFoundException", 404);
    let sns_arn = "arn:aws:sns:ap-south-1:111111111111:topic";
    let cases = [
        (plain_arn.as_str(), None, None, invalid, "Dead Letter Queue"),
        (missing_arn.as_str(), None, None, not_found, "SourceArn"),
        (dlq_arn.as_str(), Some(missing_arn.as_str()), None, not_found, "DestinationArn"),
        (dlq_arn.as_str(), Some(fifo_arn.as_str()), None, invalid, "same type"),
        (dlq_arn.as_str(), Some(dlq_arn.as_str()), None, invalid, "differ"),
        (dlq_arn.as_str(), None, Some(0), invalid, "MaxNumberOfMessagesPerSecond"),
        (sns_arn, None, Some(501), invalid, "501"),
    ];
    for (source, destination, rate, expected, mentions) in cases {
        let error = owner
            .start_message_move_task()
            .source_arn(source)
            .set_destination_arn(destination.map(str::to_owned))
            .set_max_number_of_messages_per_second(rate)
            .send()
            .await
            .expect_err("an invalid StartMessageMoveTask");
        let (code, status, message) = common::sdk_error(&error);
        assert_eq!((code.as_str(), status), expected, "{source} {destination:?}: {message}");
        assert!(message.contains(mentions), "{source} {destination:?} should mention {mentions:?}: {message}");
    }
    let listed = owner.list_message_move_tasks().source_arn(&dlq_arn).send().await.expect("ListMessageMoveTasks");
    assert!(listed.results.unwrap_or_default().is_empty(), "no rejected request started a task");

    let error = owner
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .max_results(11)
        .send()
        .await
        .expect_err("MaxResults 11");
    assert_eq!(common::sdk_error(&error).0, "InvalidParameterValue");

    let error = owner
        .cancel_message_move_task()
        .task_handle("not-a-handle")
        .send()
        .await
        .expect_err("a made-up TaskHandle");
    let (code, _, message) = common::sdk_error(&error);
    assert_eq!(code, "InvalidParameterValue");
    assert!(message.contains("TaskHandle"), "{message}");
    server.shutdown().await;
}

#[tokio::test]
async fn move_task_serves_query_protocol() {
    let server = common::start().await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let (dlq_url, dlq_arn) = create_dead_letter_setup(&owner, "query-dlq", &["query-source"]).await;
    let source_url = common::create_queue(&owner, "query-source").await;
    dead_letter(&owner, &source_url, "q-1").await;

    let started =
        common::query_action(&server, OWNER, HOME_REGION, "StartMessageMoveTask", &[("SourceArn", &dlq_arn)]).await;
    assert_eq!(started.status, 200, "{}", started.body);
    let handle = started.xml_value("TaskHandle").expect("TaskHandle element");
    assert!(!handle.is_empty(), "{}", started.body);
    wait_for_status(&owner, &dlq_arn, "COMPLETED").await;

    let listed = common::query_action(
        &server,
        OWNER,
        HOME_REGION,
        "ListMessageMoveTasks",
        &[("SourceArn", &dlq_arn), ("MaxResults", "10")],
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.xml_values("ListMessageMoveTasksResultEntry").len(), 1, "{}", listed.body);
    assert_eq!(listed.xml_value("Status").as_deref(), Some("COMPLETED"), "{}", listed.body);
    assert_eq!(listed.xml_value("ApproximateNumberOfMessagesMoved").as_deref(), Some("1"), "{}", listed.body);
    assert_eq!(listed.xml_value("SourceArn").as_deref(), Some(dlq_arn.as_str()), "{}", listed.body);

    let cancelled =
        common::query_action(&server, OWNER, HOME_REGION, "CancelMessageMoveTask", &[("TaskHandle", &handle)]).await;
    assert_eq!(cancelled.status, 404, "{}", cancelled.body);
    assert_eq!(cancelled.xml_value("Code").as_deref(), Some("ResourceNotFoundException"), "{}", cancelled.body);
    assert_eq!(receive_body(&owner, &dlq_url).await, None, "the message left the dead-letter queue");
    server.shutdown().await;
}

#[tokio::test]
async fn move_task_not_grantable_across_accounts() {
    for (profile, cross_account_allowed) in [(Profile::Localstack, true), (Profile::Aws, false)] {
        let server = common::start_with(Config { access: AccessRules::from(profile), ..Config::default() }).await;
        let owner = common::client(&server, OWNER, HOME_REGION);
        let other = common::client(&server, OTHER, HOME_REGION);
        let (dlq_url, dlq_arn) = create_dead_letter_setup(&owner, "shared-dlq", &["shared-source"]).await;

        // Even a policy that grants every action cannot grant these.
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER}:root"}},"Action":"sqs:*","Resource":"{dlq_arn}"}}]}}"#
        );
        owner
            .set_queue_attributes()
            .queue_url(&dlq_url)
            .attributes(QueueAttributeName::Policy, policy)
            .send()
            .await
            .expect("SetQueueAttributes Policy");

        let started = other.start_message_move_task().source_arn(&dlq_arn).send().await;
        let listed = other.list_message_move_tasks().source_arn(&dlq_arn).send().await;
        if cross_account_allowed {
            assert!(started.is_ok(), "{profile}: StartMessageMoveTask from another account: {started:?}");
            assert!(listed.is_ok(), "{profile}: ListMessageMoveTasks from another account: {listed:?}");
        } else {
            let (code, status, _) = common::sdk_error(&started.expect_err("cross-account start"));
            assert_eq!((code.as_str(), status), ("AccessDenied", 403), "{profile}: StartMessageMoveTask");
            let (code, status, _) = common::sdk_error(&listed.expect_err("cross-account list"));
            assert_eq!((code.as_str(), status), ("AccessDenied", 403), "{profile}: ListMessageMoveTasks");
        }

        let error = owner
            .add_permission()
            .queue_url(&dlq_url)
            .label("redrive")
            .aws_account_ids(OTHER)
            .actions("StartMessageMoveTask")
            .send()
            .await
            .expect_err("AddPermission StartMessageMoveTask");
        assert_eq!(common::sdk_error(&error).0, "InvalidParameterValue", "{profile}: AddPermission");
        server.shutdown().await;
    }
}
