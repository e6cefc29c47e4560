//! Helpers shared by the Lambda tests: a server on 127.0.0.1:0, official SDK
//! clients per (account, region), a stored zip writer and interpreter checks.

use aws_sdk_lambda::Client;
use aws_sdk_lambda::error::ProvideErrorMetadata;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use crosscheck_emulator::Config;
use crosscheck_emulator::access::AccessRules;
use crosscheck_emulator::server::{self, ServerHandle};

pub const OWNER: &str = "111111111111";
pub const OTHER: &str = "222222222222";
pub const REGION: &str = "eu-west-1";
pub const ROLE: &str = "arn:aws:iam::111111111111:role/lambda-role";

pub async fn start() -> ServerHandle {
    start_with(Config::default()).await
}

/// Starts an emulator under the profile named `profile`.
pub async fn start_profile(profile: &str) -> ServerHandle {
    let access: AccessRules = profile.parse().expect("a known profile");
    start_with(Config { access, ..Config::default() }).await
}

async fn start_with(config: Config) -> ServerHandle {
    server::start("127.0.0.1:0".parse().expect("address"), config).await.expect("the emulator starts")
}

/// Builds an SDK client acting as `account` in `region` against `server`.
pub fn client(server: &ServerHandle, account: &str, region: &str) -> Client {
    let credentials = aws_credential_types::Credentials::new(account, "test", None, None, "crosscheck-tests");
    let config = aws_sdk_lambda::Config::builder()
        .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
        .region(aws_sdk_lambda::config::Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .endpoint_url(server.endpoint_url())
        .build();
    Client::from_conf(config)
}

/// Builds an SQS client acting as `account` in `region` against `server`.
pub fn sqs_client(server: &ServerHandle, account: &str, region: &str) -> aws_sdk_sqs::Client {
    let credentials = aws_credential_types::Credentials::new(account, "test", None, None, "crosscheck-tests");
    let config = aws_sdk_sqs::Config::builder()
        .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .endpoint_url(server.endpoint_url())
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// Builds an SNS client acting as `account` in `region` against `server`.
pub fn sns_client(server: &ServerHandle, account: &str, region: &str) -> aws_sdk_sns::Client {
    let credentials = aws_credential_types::Credentials::new(account, "test", None, None, "crosscheck-tests");
    let config = aws_sdk_sns::Config::builder()
        .behavior_version(aws_sdk_sns::config::BehaviorVersion::latest())
        .region(aws_sdk_sns::config::Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .endpoint_url(server.endpoint_url())
        .build();
    aws_sdk_sns::Client::from_conf(config)
}

/// Creates a queue and returns its URL and ARN.
pub async fn create_queue(sqs: &aws_sdk_sqs::Client, name: &str) -> (String, String) {
    let url = sqs
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .expect("CreateQueue")
        .queue_url()
        .expect("QueueUrl")
        .to_owned();
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("GetQueueAttributes");
    let arn = attributes
        .attributes()
        .and_then(|map| map.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
        .expect("QueueArn")
        .clone();
    (url, arn)
}

/// Receives the messages that arrive in `queue_url` within `wait`, polling; returns their bodies.
pub async fn receive_bodies(sqs: &aws_sdk_sqs::Client, queue_url: &str, wait: std::time::Duration) -> Vec<String> {
    let started = std::time::Instant::now();
    let mut bodies = Vec::new();
    while started.elapsed() < wait {
        let received =
            sqs.receive_message().queue_url(queue_url).max_number_of_messages(10).send().await.expect("ReceiveMessage");
        bodies.extend(received.messages().iter().filter_map(|message| message.body().map(str::to_owned)));
        if !bodies.is_empty() {
            return bodies;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    bodies
}

/// Returns the error code and HTTP status of a failed SDK call.
pub fn error_of<E: ProvideErrorMetadata>(
    error: &aws_sdk_lambda::error::SdkError<E, aws_sdk_lambda::config::http::HttpResponse>,
) -> (String, u16) {
    let code = error.code().unwrap_or("<no code>").to_owned();
    let status = error.raw_response().map_or(0, |response| response.status().as_u16());
    (code, status)
}

/// Returns the error code of a call's result, or "ok".
pub fn outcome<T, E: ProvideErrorMetadata>(
    result: &Result<T, aws_sdk_lambda::error::SdkError<E, aws_sdk_lambda::config::http::HttpResponse>>,
) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(error) => error_of(error).0,
    }
}

/// Builds a zip archive of stored (uncompressed) entries, each with its Unix mode.
pub fn zip(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut archive = Vec::new();
    let mut directory = Vec::new();
    for (name, data, mode) in entries {
        let offset = u32::try_from(archive.len()).expect("small archive");
        let crc = crc32fast::hash(data);
        let size = u32::try_from(data.len()).expect("small entry");
        let name_length = u16::try_from(name.len()).expect("short name");
        archive.extend_from_slice(&0x0403_4b50_u32.to_le_bytes());
        archive.extend_from_slice(&20u16.to_le_bytes()); // version needed
        archive.extend_from_slice(&0u16.to_le_bytes()); // flags
        archive.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        archive.extend_from_slice(&0u32.to_le_bytes()); // time and date
        archive.extend_from_slice(&crc.to_le_bytes());
        archive.extend_from_slice(&size.to_le_bytes());
        archive.extend_from_slice(&size.to_le_bytes());
        archive.extend_from_slice(&name_length.to_le_bytes());
        archive.extend_from_slice(&0u16.to_le_bytes());
        archive.extend_from_slice(name.as_bytes());
        archive.extend_from_slice(data);

        directory.extend_from_slice(&0x0201_4b50_u32.to_le_bytes());
        directory.extend_from_slice(&0x031e_u16.to_le_bytes()); // made by Unix, spec 3.0
        directory.extend_from_slice(&20u16.to_le_bytes());
        directory.extend_from_slice(&0u16.to_le_bytes());
        directory.extend_from_slice(&0u16.to_le_bytes());
        directory.extend_from_slice(&0u32.to_le_bytes());
        directory.extend_from_slice(&crc.to_le_bytes());
        directory.extend_from_slice(&size.to_le_bytes());
        directory.extend_from_slice(&size.to_le_bytes());
        directory.extend_from_slice(&name_length.to_le_bytes());
        directory.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        directory.extend_from_slice(&((0o100_000 | mode) << 16).to_le_bytes());
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let directory_offset = u32::try_from(archive.len()).expect("small archive");
    let count = u16::try_from(entries.len()).expect("few entries");
    archive.extend_from_slice(&directory);
    archive.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
    archive.extend_from_slice(&[0; 4]);
    archive.extend_from_slice(&count.to_le_bytes());
    archive.extend_from_slice(&count.to_le_bytes());
    archive.extend_from_slice(&u32::try_from(directory.len()).expect("small directory").to_le_bytes());
    archive.extend_from_slice(&directory_offset.to_le_bytes());
    archive.extend_from_slice(&0u16.to_le_bytes());
    archive
}

/// A Python handler module `app.py` whose `handler` echoes the event with the runtime's facts.
pub const PYTHON_APP: &str = r#"
import os, time

def handler(event, context):
    print("python handler got", event.get("name"))
    if event.get("fail"):
        raise ValueError("asked to fail: " + event["fail"])
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return {
        "greeting": "hello " + str(event.get("name")),
        "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        "version": os.environ.get("AWS_LAMBDA_FUNCTION_VERSION"),
        "region": os.environ.get("AWS_REGION"),
        "custom": os.environ.get("CUSTOM"),
        "secret": os.environ.get("AWS_SECRET_ACCESS_KEY"),
        "home_key": os.environ.get("CROSSCHECK_TEST_MARKER"),
        "request_id": context.aws_request_id,
        "pid": os.getpid(),
    }
"#;

/// A Node.js handler module `index.js` whose `handler` echoes the event.
pub const NODE_APP: &str = r#"
exports.handler = async (event, context) => {
  console.log("node handler got", event.name);
  if (event.fail) throw new Error("asked to fail: " + event.fail);
  return { greeting: "hello " + event.name, function: process.env.AWS_LAMBDA_FUNCTION_NAME, requestId: context.awsRequestId };
};
"#;

pub fn python_zip() -> Vec<u8> {
    zip(&[("app.py", PYTHON_APP.as_bytes(), 0o644)])
}

/// Creates a function `name` from `zip_bytes` as `client`, and returns its ARN.
pub async fn create_function(
    client: &Client,
    name: &str,
    runtime: Runtime,
    handler: &str,
    zip_bytes: Vec<u8>,
) -> String {
    let created = client
        .create_function()
        .function_name(name)
        .runtime(runtime)
        .role(ROLE)
        .handler(handler)
        .code(FunctionCode::builder().zip_file(Blob::new(zip_bytes)).build())
        .send()
        .await
        .unwrap_or_else(|error| panic!("CreateFunction {name}: {error:?}"));
    created.function_arn().expect("FunctionArn").to_owned()
}

/// Reports whether `program` can run. Under CI (`CI=true`) a missing
/// interpreter fails the test, so the handler tests never pass unseen.
pub fn interpreter_available(program: &str) -> bool {
    let found =
        std::process::Command::new(program).arg("--version").output().is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is not installed; the Lambda handler tests need it under CI"
        );
        eprintln!("skipping: {program} is not installed");
    }
    found
}

/// Reports whether a process with `pid` exists (a zombie counts as gone).
pub fn process_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}
