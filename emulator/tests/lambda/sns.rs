//! SNS topics invoking subscribed functions: the event document a real
//! Python handler receives, filter policies, and the function policy that
//! decides delivery under the enforcing profiles.

use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Environment, FunctionCode, Runtime};
use aws_sdk_sns::types::MessageAttributeValue;
use serde_json::Value;

use crate::common::{OTHER, OWNER, REGION, ROLE, client, sns_client, start, start_profile, zip};

/// A handler that writes each event it receives to its own file in `EVENTS`.
const RECORDING_APP: &[u8] = br#"
import json, os, uuid

def handler(event, context):
    path = os.path.join(os.environ["EVENTS"], str(uuid.uuid4()) + ".json")
    with open(path + ".tmp", "w") as output:
        json.dump(event, output)
    os.rename(path + ".tmp", path)
"#;

/// Returns a fresh, empty directory for one test's received events.
fn events_directory(test: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("crosscheck-lambda-sns-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("create the events directory");
    directory
}

fn read_events(directory: &Path) -> Vec<Value> {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "json"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect()
}

/// Waits up to `wait` until `count` events arrived, and returns what arrived.
async fn wait_for_events(directory: &Path, count: usize, wait: Duration) -> Vec<Value> {
    let started = std::time::Instant::now();
    loop {
        let events = read_events(directory);
        if events.len() >= count || started.elapsed() >= wait {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn create_recording_function(lambda: &aws_sdk_lambda::Client, name: &str, directory: &Path) -> String {
    let created = lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .environment(Environment::builder().variables("EVENTS", directory.to_string_lossy()).build())
        .code(FunctionCode::builder().zip_file(Blob::new(zip(&[("app.py", RECORDING_APP, 0o644)]))).build())
        .send()
        .await
        .expect("CreateFunction");
    created.function_arn().expect("FunctionArn").to_owned()
}

async fn create_topic(sns: &aws_sdk_sns::Client, name: &str) -> String {
    sns.create_topic().name(name).send().await.expect("CreateTopic").topic_arn().expect("TopicArn").to_owned()
}

async fn subscribe(sns: &aws_sdk_sns::Client, topic_arn: &str, function_arn: &str) -> String {
    let subscribed = sns
        .subscribe()
        .topic_arn(topic_arn)
        .protocol("lambda")
        .endpoint(function_arn)
        .send()
        .await
        .expect("Subscribe lambda");
    subscribed.subscription_arn().expect("SubscriptionArn").to_owned()
}

fn string_attribute(value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder().data_type("String").string_value(value).build().expect("attribute")
}

#[tokio::test]
async fn handler_receives_sns_event() {
    if !crate::common::interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let sns = sns_client(&server, OWNER, REGION);
    let directory = events_directory("shape");
    let function_arn = create_recording_function(&lambda, "sns-recorder", &directory).await;
    let topic_arn = create_topic(&sns, "to-lambda").await;
    let subscription_arn = subscribe(&sns, &topic_arn, &function_arn).await;
    assert!(subscription_arn.starts_with(&format!("{topic_arn}:")), "a Lambda subscription is confirmed at once");

    let published = sns
        .publish()
        .topic_arn(&topic_arn)
        .message("hello function")
        .subject("greeting")
        .message_attributes("color", string_attribute("red"))
        .send()
        .await
        .expect("Publish");
    let events = wait_for_events(&directory, 1, Duration::from_secs(15)).await;
    assert_eq!(events.len(), 1, "the function received one event");

    let event = &events[0];
    let records = event["Records"].as_array().expect("Records is an array");
    assert_eq!(records.len(), 1, "one record per notification");
    let record = &records[0];
    assert_eq!(record["EventSource"], "aws:sns");
    assert_eq!(record["EventVersion"], "1.0");
    assert_eq!(record["EventSubscriptionArn"], subscription_arn.as_str());
    let message = &record["Sns"];
    assert_eq!(message["Type"], "Notification");
    assert_eq!(message["Message"], "hello function");
    assert_eq!(message["Subject"], "greeting");
    assert_eq!(message["TopicArn"], topic_arn.as_str());
    assert_eq!(message["MessageId"], published.message_id().expect("MessageId"));
    assert_eq!(message["MessageAttributes"]["color"]["Type"], "String");
    assert_eq!(message["MessageAttributes"]["color"]["Value"], "red");
    assert!(message["Timestamp"].as_str().is_some_and(|t| t.ends_with('Z')), "Timestamp {}", message["Timestamp"]);
    assert!(message["UnsubscribeUrl"].as_str().is_some(), "the Lambda event spells UnsubscribeUrl: {message}");
    assert!(message["SigningCertUrl"].as_str().is_some(), "the Lambda event spells SigningCertUrl: {message}");
    assert_eq!(message.get("UnsubscribeURL"), None, "the SQS spelling is absent");

    sns.publish().topic_arn(&topic_arn).message("no subject").send().await.expect("Publish without subject");
    let events = wait_for_events(&directory, 2, Duration::from_secs(15)).await;
    let plain = events
        .iter()
        .find(|event| event["Records"][0]["Sns"]["Message"] == "no subject")
        .expect("the second event arrived");
    assert_eq!(plain["Records"][0]["Sns"]["Subject"], Value::Null, "Subject is null without a subject");
    assert_eq!(plain["Records"][0]["Sns"]["MessageAttributes"], serde_json::json!({}), "no attributes is {{}}");
    let _ = std::fs::remove_dir_all(&directory);
    server.shutdown().await;
}

#[tokio::test]
async fn filter_policy_selects_events() {
    if !crate::common::interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let sns = sns_client(&server, OWNER, REGION);
    let directory = events_directory("filter");
    let function_arn = create_recording_function(&lambda, "sns-filtered", &directory).await;
    let topic_arn = create_topic(&sns, "filtered").await;
    sns.subscribe()
        .topic_arn(&topic_arn)
        .protocol("lambda")
        .endpoint(&function_arn)
        .attributes("FilterPolicy", r#"{"color": ["red"]}"#)
        .send()
        .await
        .expect("Subscribe with a filter policy");

    for color in ["blue", "red", "green"] {
        sns.publish()
            .topic_arn(&topic_arn)
            .message(format!("a {color} message"))
            .message_attributes("color", string_attribute(color))
            .send()
            .await
            .expect("Publish");
    }
    let events = wait_for_events(&directory, 1, Duration::from_secs(15)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let events = if events.len() == 1 { read_events(&directory) } else { events };
    let messages: Vec<&str> =
        events.iter().filter_map(|event| event["Records"][0]["Sns"]["Message"].as_str()).collect();
    assert_eq!(messages, ["a red message"], "only the matching message invokes the function");
    let _ = std::fs::remove_dir_all(&directory);
    server.shutdown().await;
}

/// Publishes one message to a topic of `topic_account` subscribed to a function of `OWNER`, after `grant`
/// changed the function policy, and returns how many events the function received.
async fn delivered_under(profile: &str, topic_account: &str, grant: Grant) -> usize {
    let server = start_profile(profile).await;
    let lambda = client(&server, OWNER, REGION);
    let sns = sns_client(&server, topic_account, REGION);
    let test = format!("policy-{profile}-{topic_account}-{grant:?}");
    let directory = events_directory(&test);
    let function_arn = create_recording_function(&lambda, "sns-guarded", &directory).await;
    let topic_arn = create_topic(&sns, "guarded").await;

    let mut permission =
        lambda.add_permission().function_name("sns-guarded").statement_id("from-sns").action("lambda:InvokeFunction");
    permission = match grant {
        Grant::None => permission,
        Grant::SnsForTopic => permission.principal("sns.amazonaws.com").source_arn(&topic_arn),
        Grant::SnsForOtherTopic => permission
            .principal("sns.amazonaws.com")
            .source_arn(format!("arn:aws:sns:{REGION}:{topic_account}:another-topic")),
        Grant::TopicAccount => permission.principal(topic_account),
    };
    if grant != Grant::None {
        permission.send().await.expect("AddPermission");
    }
    subscribe(&sns, &topic_arn, &function_arn).await;
    sns.publish().topic_arn(&topic_arn).message("guarded").send().await.expect("Publish");

    let expected_wait = Duration::from_secs(if profile == "localstack" { 15 } else { 3 });
    let events = wait_for_events(&directory, 1, expected_wait).await;
    let _ = std::fs::remove_dir_all(&directory);
    server.shutdown().await;
    events.len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    None,
    SnsForTopic,
    SnsForOtherTopic,
    TopicAccount,
}

#[tokio::test]
async fn function_policy_decides_delivery() {
    if !crate::common::interpreter_available("python3") {
        return;
    }
    // (profile, topic account, grant, events expected)
    let cases = [
        ("localstack", OWNER, Grant::None, 1),
        ("localstack", OTHER, Grant::None, 1),
        ("aws", OWNER, Grant::None, 0),
        ("aws", OWNER, Grant::SnsForTopic, 1),
        ("aws", OWNER, Grant::SnsForOtherTopic, 0),
        ("aws", OTHER, Grant::None, 0),
        ("aws", OTHER, Grant::SnsForTopic, 1),
        ("aws", OTHER, Grant::TopicAccount, 1),
        ("localstack-enforce-iam", OTHER, Grant::None, 0),
        ("localstack-enforce-iam", OTHER, Grant::SnsForTopic, 1),
    ];
    for (profile, topic_account, grant, expected) in cases {
        let delivered = delivered_under(profile, topic_account, grant).await;
        assert_eq!(delivered, expected, "{profile}, topic in {topic_account}, grant {grant:?}");
    }
}

#[tokio::test]
async fn lambda_endpoint_must_be_function_arn() {
    let server = start().await;
    let sns = sns_client(&server, OWNER, REGION);
    let topic_arn = create_topic(&sns, "bad-endpoints").await;
    for endpoint in ["my-function", "arn:aws:sqs:eu-west-1:111111111111:queue", "arn:aws:lambda:::function:f"] {
        let error = sns
            .subscribe()
            .topic_arn(&topic_arn)
            .protocol("lambda")
            .endpoint(endpoint)
            .send()
            .await
            .expect_err("invalid Lambda endpoint");
        let code = aws_sdk_sns::error::ProvideErrorMetadata::code(&error).unwrap_or_default().to_owned();
        assert_eq!(code, "InvalidParameter", "endpoint {endpoint}");
        let message = aws_sdk_sns::error::ProvideErrorMetadata::message(&error).unwrap_or_default().to_owned();
        assert!(message.contains(endpoint), "the message names {endpoint}: {message}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn topic_invokes_other_region_function() {
    if !crate::common::interpreter_available("python3") {
        return;
    }
    const TOPIC_REGION: &str = "us-east-1";
    let server = start_profile("aws").await;
    let lambda = client(&server, OWNER, REGION);
    let sns = sns_client(&server, OWNER, TOPIC_REGION);
    let directory = events_directory("region");
    let function_arn = create_recording_function(&lambda, "sns-far", &directory).await;
    let topic_arn = create_topic(&sns, "far-topic").await;
    lambda
        .add_permission()
        .function_name("sns-far")
        .statement_id("from-sns")
        .action("lambda:InvokeFunction")
        .principal("sns.amazonaws.com")
        .source_arn(&topic_arn)
        .send()
        .await
        .expect("AddPermission");
    subscribe(&sns, &topic_arn, &function_arn).await;
    sns.publish().topic_arn(&topic_arn).message("across regions").send().await.expect("Publish");

    let events = wait_for_events(&directory, 1, Duration::from_secs(15)).await;
    assert_eq!(events.len(), 1, "a topic in {TOPIC_REGION} invokes a function in {REGION}");
    assert_eq!(events[0]["Records"][0]["Sns"]["TopicArn"], topic_arn.as_str());
    let _ = std::fs::remove_dir_all(&directory);
    server.shutdown().await;
}

#[tokio::test]
async fn deleted_function_sends_to_dead_letter_queue() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let sns = sns_client(&server, OWNER, REGION);
    let sqs = crate::common::sqs_client(&server, OWNER, REGION);
    let directory = events_directory("dead-letter");
    let function_arn = create_recording_function(&lambda, "sns-deleted", &directory).await;
    let topic_arn = create_topic(&sns, "to-deleted").await;
    let subscription_arn = subscribe(&sns, &topic_arn, &function_arn).await;
    let (queue_url, queue_arn) = crate::common::create_queue(&sqs, "function-dead-letters").await;
    sns.set_subscription_attributes()
        .subscription_arn(&subscription_arn)
        .attribute_name("RedrivePolicy")
        .attribute_value(format!(r#"{{"deadLetterTargetArn": "{queue_arn}"}}"#))
        .send()
        .await
        .expect("SetSubscriptionAttributes RedrivePolicy");
    lambda.delete_function().function_name("sns-deleted").send().await.expect("DeleteFunction");

    sns.publish().topic_arn(&topic_arn).message("for a deleted function").send().await.expect("Publish");

    let bodies = crate::common::receive_bodies(&sqs, &queue_url, Duration::from_secs(5)).await;
    assert_eq!(bodies.len(), 1, "one dead letter: {bodies:?}");
    let envelope: Value = serde_json::from_str(&bodies[0]).expect("a JSON envelope");
    assert_eq!(envelope["Type"], "Notification", "{envelope}");
    assert_eq!(envelope["Message"], "for a deleted function", "{envelope}");
    assert_eq!(envelope["TopicArn"], topic_arn.as_str(), "{envelope}");
    assert!(read_events(&directory).is_empty(), "the deleted function received nothing");
    let _ = std::fs::remove_dir_all(&directory);
    server.shutdown().await;
}

#[tokio::test]
async fn throttled_function_is_not_dead_lettered() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let sns = sns_client(&server, OWNER, REGION);
    let sqs = crate::common::sqs_client(&server, OWNER, REGION);
    let directory = events_directory("throttled");
    let function_arn = create_recording_function(&lambda, "sns-throttled", &directory).await;
    lambda
        .put_function_concurrency()
        .function_name("sns-throttled")
        .reserved_concurrent_executions(0)
        .send()
        .await
        .expect("PutFunctionConcurrency 0");
    let topic_arn = create_topic(&sns, "to-throttled").await;
    let subscription_arn = subscribe(&sns, &topic_arn, &function_arn).await;
    let (queue_url, queue_arn) = crate::common::create_queue(&sqs, "throttled-dead-letters").await;
    sns.set_subscription_attributes()
        .subscription_arn(&subscription_arn)
        .attribute_name("RedrivePolicy")
        .attribute_value(format!(r#"{{"deadLetterTargetArn": "{queue_arn}"}}"#))
        .send()
        .await
        .expect("SetSubscriptionAttributes RedrivePolicy");

    sns.publish().topic_arn(&topic_arn).message("for a throttled function").send().await.expect("Publish");

    // SNS retries a throttled function for days before it dead-letters, so
    // nothing reaches the dead-letter queue at once.
    let bodies = crate::common::receive_bodies(&sqs, &queue_url, Duration::from_secs(2)).await;
    assert!(bodies.is_empty(), "a throttled delivery is not dead-lettered: {bodies:?}");
    assert!(read_events(&directory).is_empty(), "the throttled function received nothing");
    let _ = std::fs::remove_dir_all(&directory);
    server.shutdown().await;
}
