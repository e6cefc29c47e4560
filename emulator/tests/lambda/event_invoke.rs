//! Asynchronous invocation: the event invoke configuration operations, and
//! retries of a failing handler with an invocation record sent to its
//! on-failure or on-success destination.

use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    DestinationConfig, Environment, FunctionCode, InvocationType, OnFailure, OnSuccess, Runtime,
};
use serde_json::{Value, json};

use crate::common::{
    OTHER, OWNER, REGION, ROLE, client, create_function, create_queue, error_of, interpreter_available, python_zip,
    receive_bodies, sns_client, sqs_client, start, start_profile, zip,
};

/// A handler that appends a line to the file `ATTEMPTS` on every call, then
/// fails unless the event requests success.
const COUNTING_APP: &[u8] = br#"
import os

def handler(event, context):
    with open(os.environ["ATTEMPTS"], "a") as attempts:
        attempts.write(context.aws_request_id + "\n")
    if event.get("succeed"):
        return {"ok": True, "echo": event}
    raise RuntimeError("failing on purpose: " + str(event.get("id")))
"#;

/// Returns a scratch file path for one test's attempt count, after removing any old file.
fn attempts_file(test: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("crosscheck-lambda-attempts-{test}-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

fn attempt_count(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path).map(|text| text.lines().count()).unwrap_or(0)
}

async fn create_counting_function(lambda: &aws_sdk_lambda::Client, name: &str, attempts: &std::path::Path) {
    lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .environment(Environment::builder().variables("ATTEMPTS", attempts.to_string_lossy()).build())
        .code(FunctionCode::builder().zip_file(Blob::new(zip(&[("app.py", COUNTING_APP, 0o644)]))).build())
        .send()
        .await
        .expect("CreateFunction");
}

async fn invoke_event(lambda: &aws_sdk_lambda::Client, name: &str, payload: &Value) {
    let output = lambda
        .invoke()
        .function_name(name)
        .invocation_type(InvocationType::Event)
        .payload(Blob::new(payload.to_string().into_bytes()))
        .send()
        .await
        .expect("Invoke Event");
    assert_eq!(output.status_code(), 202, "an Event invocation is accepted");
}

fn on_failure(arn: &str) -> DestinationConfig {
    DestinationConfig::builder().on_failure(OnFailure::builder().destination(arn).build()).build()
}

#[tokio::test]
async fn event_invoke_config_round_trips() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let arn = create_function(&lambda, "configured", Runtime::Python312, "app.handler", python_zip()).await;
    let queue_arn = format!("arn:aws:sqs:{REGION}:{OWNER}:records");

    let missing = lambda.get_function_event_invoke_config().function_name("configured").send().await;
    assert_eq!(error_of(&missing.expect_err("no config yet")).0, "ResourceNotFoundException");

    let put = lambda
        .put_function_event_invoke_config()
        .function_name("configured")
        .maximum_retry_attempts(1)
        .maximum_event_age_in_seconds(120)
        .destination_config(on_failure(&queue_arn))
        .send()
        .await
        .expect("PutFunctionEventInvokeConfig");
    assert_eq!(put.function_arn(), Some(format!("{arn}:$LATEST").as_str()));
    assert_eq!(put.maximum_retry_attempts(), Some(1));
    assert_eq!(put.maximum_event_age_in_seconds(), Some(120));
    assert!(put.last_modified().is_some(), "LastModified is set");

    let updated = lambda
        .update_function_event_invoke_config()
        .function_name("configured")
        .maximum_retry_attempts(0)
        .send()
        .await
        .expect("UpdateFunctionEventInvokeConfig");
    assert_eq!(updated.maximum_retry_attempts(), Some(0), "Update changes the member it names");
    assert_eq!(updated.maximum_event_age_in_seconds(), Some(120), "Update keeps the members it leaves out");
    let failure = updated.destination_config().and_then(|config| config.on_failure()).and_then(|d| d.destination());
    assert_eq!(failure, Some(queue_arn.as_str()), "Update keeps the destination");

    let got = lambda.get_function_event_invoke_config().function_name("configured").send().await.expect("Get");
    assert_eq!(got.maximum_retry_attempts(), Some(0));

    let replaced = lambda
        .put_function_event_invoke_config()
        .function_name("configured")
        .maximum_retry_attempts(2)
        .send()
        .await
        .expect("Put again");
    assert_eq!(replaced.maximum_event_age_in_seconds(), None, "Put replaces the whole configuration");

    let listed = lambda.list_function_event_invoke_configs().function_name("configured").send().await.expect("List");
    assert_eq!(listed.function_event_invoke_configs().len(), 1);

    lambda.delete_function_event_invoke_config().function_name("configured").send().await.expect("Delete");
    let after_delete = lambda.get_function_event_invoke_config().function_name("configured").send().await;
    assert_eq!(error_of(&after_delete.expect_err("deleted")).0, "ResourceNotFoundException");
    server.shutdown().await;
}

#[tokio::test]
async fn event_invoke_config_rejects_bad_input() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "strict", Runtime::Python312, "app.handler", python_zip()).await;

    for attempts in [-1, 3] {
        let error = lambda
            .put_function_event_invoke_config()
            .function_name("strict")
            .maximum_retry_attempts(attempts)
            .send()
            .await
            .expect_err("retry attempts out of range");
        assert_eq!(error_of(&error), ("ValidationException".to_owned(), 400), "MaximumRetryAttempts {attempts}");
        let message = error.as_service_error().and_then(|e| e.meta().message()).unwrap_or_default().to_owned();
        assert!(message.contains(&format!("'{attempts}'")), "the message names {attempts}: {message}");
    }
    for age in [59, 21_601] {
        let error = lambda
            .put_function_event_invoke_config()
            .function_name("strict")
            .maximum_event_age_in_seconds(age)
            .send()
            .await
            .expect_err("event age out of range");
        assert_eq!(error_of(&error), ("ValidationException".to_owned(), 400), "MaximumEventAgeInSeconds {age}");
    }
    for destination in ["not-an-arn", "arn:aws:dynamodb:eu-west-1:111111111111:table/t", "arn:aws:sqs:::queue"] {
        let error = lambda
            .put_function_event_invoke_config()
            .function_name("strict")
            .destination_config(on_failure(destination))
            .send()
            .await
            .expect_err("invalid destination");
        assert_eq!(error_of(&error), ("InvalidParameterValueException".to_owned(), 400), "destination {destination}");
        let message = error.as_service_error().and_then(|e| e.meta().message()).unwrap_or_default().to_owned();
        assert!(message.contains(destination), "the message names {destination}: {message}");
    }
    let error = lambda
        .put_function_event_invoke_config()
        .function_name("strict")
        .qualifier("7")
        .maximum_retry_attempts(1)
        .send()
        .await
        .expect_err("no version 7");
    assert_eq!(error_of(&error).0, "ResourceNotFoundException");
    let error =
        lambda.update_function_event_invoke_config().function_name("strict").maximum_retry_attempts(1).send().await;
    assert_eq!(error_of(&error.expect_err("nothing to update")).0, "ResourceNotFoundException");

    let unchanged = lambda.get_function_event_invoke_config().function_name("strict").send().await;
    assert!(unchanged.is_err(), "no rejected request left a configuration behind");
    server.shutdown().await;
}

#[tokio::test]
async fn failing_event_retries_then_records() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    server.emulator().lambda().set_async_retry_delay(Duration::from_millis(100));
    let lambda = client(&server, OWNER, REGION);
    let sqs = sqs_client(&server, OWNER, REGION);

    // (function, MaximumRetryAttempts, expected attempts); None keeps the default of 2 retries.
    let cases = [("retry-once", Some(1), 2), ("retry-never", Some(0), 1), ("retry-default", None, 3)];
    for (name, retries, expected) in cases {
        let attempts = attempts_file(name);
        create_counting_function(&lambda, name, &attempts).await;
        let (queue_url, queue_arn) = create_queue(&sqs, &format!("{name}-failures")).await;
        let mut put =
            lambda.put_function_event_invoke_config().function_name(name).destination_config(on_failure(&queue_arn));
        if let Some(retries) = retries {
            put = put.maximum_retry_attempts(retries);
        }
        put.send().await.expect("PutFunctionEventInvokeConfig");

        let payload = json!({ "id": name });
        invoke_event(&lambda, name, &payload).await;
        let bodies = receive_bodies(&sqs, &queue_url, Duration::from_secs(15)).await;
        assert_eq!(bodies.len(), 1, "{name}: one record arrives");
        assert_eq!(attempt_count(&attempts), expected, "{name}: the handler ran 1 + MaximumRetryAttempts times");

        let record: Value = serde_json::from_str(&bodies[0]).expect("the record is JSON");
        assert_eq!(record["version"], "1.0", "{name}");
        assert_eq!(record["requestContext"]["condition"], "RetriesExhausted", "{name}");
        assert_eq!(record["requestContext"]["approximateInvokeCount"], expected, "{name}");
        let function_arn = format!("arn:aws:lambda:{REGION}:{OWNER}:function:{name}:$LATEST");
        assert_eq!(record["requestContext"]["functionArn"], function_arn.as_str(), "{name}");
        assert_eq!(record["requestPayload"], payload, "{name}: the record carries the event");
        assert_eq!(record["responseContext"]["functionError"], "Unhandled", "{name}");
        assert_eq!(record["responseContext"]["executedVersion"], "$LATEST", "{name}");
        let message = record["responsePayload"]["errorMessage"].as_str().unwrap_or_default();
        assert_eq!(message, format!("failing on purpose: {name}"), "{name}: the record carries the error");
        assert!(
            record["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{name}: timestamp {}",
            record["timestamp"]
        );

        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(attempt_count(&attempts), expected, "{name}: no attempt follows the record");
        let late = receive_bodies(&sqs, &queue_url, Duration::from_millis(300)).await;
        assert!(late.is_empty(), "{name}: exactly one record arrives");
        let _ = std::fs::remove_file(&attempts);
    }
    server.shutdown().await;
}

#[tokio::test]
async fn successful_event_records_success() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let sqs = sqs_client(&server, OWNER, REGION);
    let attempts = attempts_file("success");
    create_counting_function(&lambda, "succeeds", &attempts).await;
    let (queue_url, queue_arn) = create_queue(&sqs, "successes").await;
    let destinations =
        DestinationConfig::builder().on_success(OnSuccess::builder().destination(&queue_arn).build()).build();
    lambda
        .put_function_event_invoke_config()
        .function_name("succeeds")
        .destination_config(destinations)
        .send()
        .await
        .expect("PutFunctionEventInvokeConfig");

    invoke_event(&lambda, "succeeds", &json!({ "succeed": true, "id": 7 })).await;
    let bodies = receive_bodies(&sqs, &queue_url, Duration::from_secs(15)).await;
    assert_eq!(bodies.len(), 1, "one success record arrives");
    let record: Value = serde_json::from_str(&bodies[0]).expect("JSON record");
    assert_eq!(record["requestContext"]["condition"], "Success");
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 1);
    assert_eq!(record["responseContext"]["statusCode"], 200);
    assert_eq!(record["responseContext"].get("functionError"), None, "a success has no functionError");
    assert_eq!(record["responsePayload"]["ok"], true, "the record carries the handler's result");
    assert_eq!(attempt_count(&attempts), 1, "a success is not retried");
    let _ = std::fs::remove_file(&attempts);
    server.shutdown().await;
}

#[tokio::test]
async fn other_account_queue_needs_policy() {
    if !interpreter_available("python3") {
        return;
    }
    for (profile, expect_record) in [("localstack", true), ("aws", false)] {
        let server = start_profile(profile).await;
        server.emulator().lambda().set_async_retry_delay(Duration::from_millis(50));
        let lambda = client(&server, OWNER, REGION);
        let other_sqs = sqs_client(&server, OTHER, REGION);
        let attempts = attempts_file(&format!("cross-{profile}"));
        create_counting_function(&lambda, "cross", &attempts).await;
        let (queue_url, queue_arn) = create_queue(&other_sqs, "foreign-failures").await;
        lambda
            .put_function_event_invoke_config()
            .function_name("cross")
            .maximum_retry_attempts(0)
            .destination_config(on_failure(&queue_arn))
            .send()
            .await
            .expect("PutFunctionEventInvokeConfig");

        invoke_event(&lambda, "cross", &json!({ "id": "cross" })).await;
        let wait = if expect_record { Duration::from_secs(15) } else { Duration::from_secs(3) };
        let bodies = receive_bodies(&other_sqs, &queue_url, wait).await;
        assert_eq!(
            bodies.len(),
            usize::from(expect_record),
            "{profile}: a record in another account's queue without a policy"
        );
        assert_eq!(attempt_count(&attempts), 1, "{profile}: the handler ran once");
        let _ = std::fs::remove_file(&attempts);
        server.shutdown().await;
    }
}

#[tokio::test]
async fn other_account_queue_policy_allows_record() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start_profile("aws").await;
    let lambda = client(&server, OWNER, REGION);
    let other_sqs = sqs_client(&server, OTHER, REGION);
    let attempts = attempts_file("cross-policy");
    create_counting_function(&lambda, "cross-allowed", &attempts).await;
    let (queue_url, queue_arn) = create_queue(&other_sqs, "granted-failures").await;
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:aws:iam::{OWNER}:root") },
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
        }],
    });
    other_sqs
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(aws_sdk_sqs::types::QueueAttributeName::Policy, policy.to_string())
        .send()
        .await
        .expect("SetQueueAttributes Policy");
    lambda
        .put_function_event_invoke_config()
        .function_name("cross-allowed")
        .maximum_retry_attempts(0)
        .destination_config(on_failure(&queue_arn))
        .send()
        .await
        .expect("PutFunctionEventInvokeConfig");

    invoke_event(&lambda, "cross-allowed", &json!({ "id": "granted" })).await;
    let bodies = receive_bodies(&other_sqs, &queue_url, Duration::from_secs(15)).await;
    assert_eq!(bodies.len(), 1, "the queue policy lets the function's account send the record");
    let _ = std::fs::remove_file(&attempts);
    server.shutdown().await;
}

#[tokio::test]
async fn failure_record_invokes_destination_function() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let attempts = attempts_file("chained");
    create_counting_function(&lambda, "chained-source", &attempts).await;

    // The destination function writes the record it receives to a file.
    let forwarder = "import json, os\n\ndef handler(event, context):\n    open(os.environ['RECORD'], 'w').write(json.dumps(event))\n";
    let record_path = attempts_file("chained-record");
    lambda
        .create_function()
        .function_name("chained-destination")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .environment(Environment::builder().variables("RECORD", record_path.to_string_lossy()).build())
        .code(FunctionCode::builder().zip_file(Blob::new(zip(&[("app.py", forwarder.as_bytes(), 0o644)]))).build())
        .send()
        .await
        .expect("CreateFunction destination");
    let destination_arn = format!("arn:aws:lambda:{REGION}:{OWNER}:function:chained-destination");
    lambda
        .put_function_event_invoke_config()
        .function_name("chained-source")
        .maximum_retry_attempts(0)
        .destination_config(on_failure(&destination_arn))
        .send()
        .await
        .expect("PutFunctionEventInvokeConfig");

    invoke_event(&lambda, "chained-source", &json!({ "id": "chained" })).await;
    let mut record = None;
    for _ in 0..300 {
        if let Ok(text) = std::fs::read_to_string(&record_path)
            && let Ok(value) = serde_json::from_str::<Value>(&text)
        {
            record = Some(value);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let record = record.expect("the destination function received the record within 15 seconds");
    assert_eq!(record["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(record["requestPayload"]["id"], "chained");
    let _ = std::fs::remove_file(&attempts);
    let _ = std::fs::remove_file(&record_path);
    server.shutdown().await;
}

#[tokio::test]
async fn alias_deletion_drops_config() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "aliased", Runtime::Python312, "app.handler", python_zip()).await;
    lambda.publish_version().function_name("aliased").send().await.expect("PublishVersion");
    lambda
        .create_alias()
        .function_name("aliased")
        .name("live")
        .function_version("1")
        .send()
        .await
        .expect("CreateAlias");
    for qualifier in ["live", "1"] {
        lambda
            .put_function_event_invoke_config()
            .function_name("aliased")
            .qualifier(qualifier)
            .maximum_retry_attempts(0)
            .send()
            .await
            .unwrap_or_else(|error| panic!("Put for {qualifier}: {error:?}"));
    }
    let listed = lambda.list_function_event_invoke_configs().function_name("aliased").send().await.expect("List");
    let arns: Vec<&str> =
        listed.function_event_invoke_configs().iter().filter_map(|config| config.function_arn()).collect();
    assert_eq!(arns.len(), 2, "one configuration per qualifier: {arns:?}");

    lambda.delete_alias().function_name("aliased").name("live").send().await.expect("DeleteAlias");
    lambda
        .create_alias()
        .function_name("aliased")
        .name("live")
        .function_version("1")
        .send()
        .await
        .expect("CreateAlias again");
    let stale = lambda.get_function_event_invoke_config().function_name("aliased").qualifier("live").send().await;
    assert_eq!(error_of(&stale.expect_err("the alias's configuration went with it")).0, "ResourceNotFoundException");
    let version = lambda.get_function_event_invoke_config().function_name("aliased").qualifier("1").send().await;
    assert!(version.is_ok(), "the version's configuration stays: {version:?}");
    server.shutdown().await;
}

/// Creates a topic of `sns`'s account with a raw SQS subscription to a new
/// queue of the same account, whose policy lets the topic send, and returns
/// the topic ARN and queue URL.
async fn topic_into_queue(sns: &aws_sdk_sns::Client, sqs: &aws_sdk_sqs::Client, name: &str) -> (String, String) {
    let topic_arn =
        sns.create_topic().name(name).send().await.expect("CreateTopic").topic_arn().expect("TopicArn").to_owned();
    let (queue_url, queue_arn) = create_queue(sqs, &format!("{name}-queue")).await;
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": "sns.amazonaws.com" },
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": { "ArnEquals": { "aws:SourceArn": topic_arn } },
        }],
    });
    sqs.set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(aws_sdk_sqs::types::QueueAttributeName::Policy, policy.to_string())
        .send()
        .await
        .expect("SetQueueAttributes Policy");
    sns.subscribe()
        .topic_arn(&topic_arn)
        .protocol("sqs")
        .endpoint(&queue_arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .expect("Subscribe sqs");
    (topic_arn, queue_url)
}

#[tokio::test]
async fn failure_record_publishes_to_topic() {
    if !interpreter_available("python3") {
        return;
    }
    // (profile, topic account, topic grants the function's account, records expected): the default topic policy
    // admits only the topic's own account.
    let cases =
        [("localstack", OWNER, false, 1), ("aws", OWNER, false, 1), ("aws", OTHER, false, 0), ("aws", OTHER, true, 1)];
    for (profile, topic_account, grant, expected) in cases {
        let server = start_profile(profile).await;
        let lambda = client(&server, OWNER, REGION);
        let sns = sns_client(&server, topic_account, REGION);
        let sqs = sqs_client(&server, topic_account, REGION);
        let attempts = attempts_file(&format!("topic-{profile}-{topic_account}-{grant}"));
        create_counting_function(&lambda, "to-topic", &attempts).await;
        let (topic_arn, queue_url) = topic_into_queue(&sns, &sqs, "failures").await;
        if grant {
            sns.add_permission()
                .topic_arn(&topic_arn)
                .label("lambda-records")
                .aws_account_id(OWNER)
                .action_name("Publish")
                .send()
                .await
                .expect("AddPermission on the topic");
        }
        lambda
            .put_function_event_invoke_config()
            .function_name("to-topic")
            .maximum_retry_attempts(0)
            .destination_config(on_failure(&topic_arn))
            .send()
            .await
            .expect("PutFunctionEventInvokeConfig");

        invoke_event(&lambda, "to-topic", &json!({ "id": "via-topic" })).await;
        let wait = Duration::from_secs(if expected == 1 { 15 } else { 3 });
        let bodies = receive_bodies(&sqs, &queue_url, wait).await;
        assert_eq!(
            bodies.len(),
            expected,
            "{profile}, topic in {topic_account}, grant {grant}: records through the topic"
        );
        if let Some(body) = bodies.first() {
            let record: Value = serde_json::from_str(body).expect("the topic carried the record as its message");
            assert_eq!(record["requestContext"]["condition"], "RetriesExhausted", "{profile}");
            assert_eq!(record["requestPayload"]["id"], "via-topic", "{profile}");
        }
        let _ = std::fs::remove_file(&attempts);
        server.shutdown().await;
    }
}

#[tokio::test]
async fn event_age_limit_stops_retries() {
    if !interpreter_available("python3") {
        return;
    }
    // With the default 1-minute retry delay, a 60-second event age leaves no time for a retry.
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let sqs = sqs_client(&server, OWNER, REGION);
    let attempts = attempts_file("age");
    create_counting_function(&lambda, "short-lived", &attempts).await;
    let (queue_url, queue_arn) = create_queue(&sqs, "expired").await;
    lambda
        .put_function_event_invoke_config()
        .function_name("short-lived")
        .maximum_retry_attempts(2)
        .maximum_event_age_in_seconds(60)
        .destination_config(on_failure(&queue_arn))
        .send()
        .await
        .expect("PutFunctionEventInvokeConfig");

    invoke_event(&lambda, "short-lived", &json!({ "id": "old" })).await;
    let bodies = receive_bodies(&sqs, &queue_url, Duration::from_secs(15)).await;
    assert_eq!(bodies.len(), 1, "one record arrives");
    let record: Value = serde_json::from_str(&bodies[0]).expect("JSON record");
    assert_eq!(record["requestContext"]["condition"], "EventAgeExceeded");
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 1);
    assert_eq!(attempt_count(&attempts), 1, "no retry starts after the event's age limit");
    let _ = std::fs::remove_file(&attempts);
    server.shutdown().await;
}
