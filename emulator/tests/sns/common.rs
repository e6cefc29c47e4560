//! Helpers shared by the SNS tests: a server on 127.0.0.1:0, official SNS
//! and SQS clients per (account, region), queues, and received messages.

use aws_sdk_sns::error::ProvideErrorMetadata;
use aws_sdk_sqs::types::QueueAttributeName;
use crosscheck_emulator::Config;
use crosscheck_emulator::access::AccessRules;
use crosscheck_emulator::server::{self, ServerHandle};

pub const OWNER: &str = "111111111111";
pub const OTHER: &str = "222222222222";
pub const HOME_REGION: &str = "ap-south-1";
pub const OTHER_REGION: &str = "eu-central-1";

/// Starts an emulator under the profile named `profile`.
pub async fn start_profile(profile: &str) -> ServerHandle {
    let access: AccessRules = profile.parse().expect("a known profile");
    let config = Config { access, ..Config::default() };
    server::start("127.0.0.1:0".parse().expect("address"), config).await.expect("the emulator starts")
}

fn credentials(account: &str) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(account, "test", None, None, "crosscheck-tests")
}

/// Builds an SNS client acting as `account` in `region` against `server`.
pub fn sns(server: &ServerHandle, account: &str, region: &str) -> aws_sdk_sns::Client {
    let config = aws_sdk_sns::Config::builder()
        .behavior_version(aws_sdk_sns::config::BehaviorVersion::latest())
        .region(aws_sdk_sns::config::Region::new(region.to_owned()))
        .credentials_provider(credentials(account))
        .endpoint_url(server.endpoint_url())
        .build();
    aws_sdk_sns::Client::from_conf(config)
}

/// Builds an SQS client acting as `account` in `region` against `server`.
pub fn sqs(server: &ServerHandle, account: &str, region: &str) -> aws_sdk_sqs::Client {
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new(region.to_owned()))
        .credentials_provider(credentials(account))
        .endpoint_url(server.endpoint_url())
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// Returns the error code and HTTP status of a failed SNS call.
pub fn error_of<E: ProvideErrorMetadata>(
    error: &aws_sdk_sns::error::SdkError<E, aws_sdk_sns::config::http::HttpResponse>,
) -> (String, u16) {
    let code = error.code().unwrap_or("<no code>").to_owned();
    let status = error.raw_response().map_or(0, |response| response.status().as_u16());
    (code, status)
}

/// Returns the error message of a failed SNS call.
pub fn message_of<E: ProvideErrorMetadata>(
    error: &aws_sdk_sns::error::SdkError<E, aws_sdk_sns::config::http::HttpResponse>,
) -> String {
    error.message().unwrap_or_default().to_owned()
}

/// Returns "ok" or the error code of an SNS call's result.
pub fn outcome<T, E: ProvideErrorMetadata>(
    result: &Result<T, aws_sdk_sns::error::SdkError<E, aws_sdk_sns::config::http::HttpResponse>>,
) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(error) => error_of(error).0,
    }
}

/// A queue: its URL and ARN.
pub struct Queue {
    pub url: String,
    pub arn: String,
}

/// Creates queue `name` as `client`, with the queue policy `policy` when given.
pub async fn queue(client: &aws_sdk_sqs::Client, name: &str, policy: Option<&str>) -> Queue {
    let mut request = client.create_queue().queue_name(name);
    if name.ends_with(".fifo") {
        request = request.attributes(QueueAttributeName::FifoQueue, "true");
    }
    if let Some(policy) = policy {
        request = request.attributes(QueueAttributeName::Policy, policy);
    }
    let url = request.send().await.expect("CreateQueue").queue_url.expect("QueueUrl");
    let attributes = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("GetQueueAttributes");
    let arn = attributes.attributes().and_then(|map| map.get(&QueueAttributeName::QueueArn)).expect("QueueArn").clone();
    Queue { url, arn }
}

/// Receives every message now in the queue (up to 50), deleting each one.
pub async fn drain(client: &aws_sdk_sqs::Client, queue: &Queue) -> Vec<aws_sdk_sqs::types::Message> {
    let mut received = Vec::new();
    for _ in 0..5 {
        let output = client
            .receive_message()
            .queue_url(&queue.url)
            .max_number_of_messages(10)
            .message_attribute_names("All")
            .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
            .send()
            .await
            .expect("ReceiveMessage");
        let messages = output.messages.unwrap_or_default();
        if messages.is_empty() {
            break;
        }
        for message in &messages {
            let handle = message.receipt_handle().expect("ReceiptHandle");
            client.delete_message().queue_url(&queue.url).receipt_handle(handle).send().await.expect("DeleteMessage");
        }
        received.extend(messages);
    }
    received
}

/// Receives every message now in the queue and parses each body as JSON.
pub async fn drain_json(client: &aws_sdk_sqs::Client, queue: &Queue) -> Vec<serde_json::Value> {
    drain(client, queue)
        .await
        .iter()
        .map(|message| serde_json::from_str(message.body().expect("Body")).expect("a JSON body"))
        .collect()
}

/// Creates topic `name` as `client` and returns its ARN.
pub async fn topic(client: &aws_sdk_sns::Client, name: &str) -> String {
    let mut request = client.create_topic().name(name);
    if name.ends_with(".fifo") {
        request = request.attributes("FifoTopic", "true");
    }
    request.send().await.expect("CreateTopic").topic_arn.expect("TopicArn")
}

/// Subscribes `queue` to `topic_arn` as `client` and returns the subscription ARN.
pub async fn subscribe(client: &aws_sdk_sns::Client, topic_arn: &str, queue: &Queue) -> String {
    client
        .subscribe()
        .topic_arn(topic_arn)
        .protocol("sqs")
        .endpoint(&queue.arn)
        .return_subscription_arn(true)
        .send()
        .await
        .expect("Subscribe")
        .subscription_arn
        .expect("SubscriptionArn")
}
