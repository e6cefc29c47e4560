//! End-to-end: the real `crosscheck serve` binary driven by the AWS CLI and by boto3.
//!
//! Each test starts the compiled binary on 127.0.0.1 with port 0, reads the
//! endpoint it prints, and replays LocalStack's documented cross-account
//! example (<https://docs.localstack.cloud/references/cross-account-access/>):
//! account 111111111111 creates a queue in ap-south-1 and sets its
//! VisibilityTimeout to 60, then account 222222222222, configured for
//! eu-central-1, reads the attribute through the queue URL.
//!
//! The clients come from `PATH` unless `CROSSCHECK_AWS_CLI` or
//! `CROSSCHECK_PYTHON` name them; `.ci/run` installs pinned versions of both.
//! A missing client fails the test with the install command, because a test
//! that skips itself would pass without checking anything.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to print its endpoint.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// A `crosscheck serve` child process, stopped when dropped.
struct Server {
    child: Child,
    endpoint: String,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
            .args(["serve", "--listen", "127.0.0.1:0", "--profile", "localstack"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the crosscheck binary starts");

        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = sender.send(line);
            }
            // Keep draining so the server never blocks on a full pipe.
            for _ in lines {}
        });

        let started = Instant::now();
        let line = receiver
            .recv_timeout(STARTUP_TIMEOUT)
            .unwrap_or_else(|_| panic!("crosscheck serve printed no endpoint within {STARTUP_TIMEOUT:?}"));
        let endpoint = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no endpoint URL in the first output line {line:?}"))
            .to_owned();
        eprintln!("server ready at {endpoint} after {:?}", started.elapsed());

        Server { child, endpoint }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM first so graceful shutdown runs; kill if it does not stop.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resolves a client program from an environment variable or `PATH`.
fn client_program(variable: &str, default: &str, install_hint: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(variable) {
        return PathBuf::from(path);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(default))
            .find(|candidate| candidate.is_file())
    });
    found.unwrap_or_else(|| panic!("{default} was not found on PATH and {variable} is not set; install it with: {install_hint}"))
}

/// Environment that isolates a client from any local AWS configuration and
/// from instance metadata lookups.
fn isolated_env(command: &mut Command, access_key_id: &str) {
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("AWS_ACCESS_KEY_ID", access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "");
}

fn run_checked(command: &mut Command, description: &str) -> String {
    let Output { status, stdout, stderr } = command.output().unwrap_or_else(|error| panic!("{description}: cannot run: {error}"));
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    assert!(
        status.success(),
        "{description}: exit status {status}\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&stderr)
    );
    stdout
}

fn aws_cli(server: &Server, access_key_id: &str, args: &[&str]) -> String {
    let program = client_program("CROSSCHECK_AWS_CLI", "aws", "python3 -m pip install awscli==1.45.11");
    let mut command = Command::new(program);
    isolated_env(&mut command, access_key_id);
    command.arg("--endpoint-url").arg(&server.endpoint).args(args);
    run_checked(&mut command, &format!("aws {}", args.join(" ")))
}

fn queue_url_from(output: &str) -> String {
    let document: serde_json::Value =
        serde_json::from_str(output).unwrap_or_else(|error| panic!("create-queue output is not JSON ({error}): {output}"));
    document["QueueUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("create-queue output has no QueueUrl: {output}"))
        .to_owned()
}

#[test]
fn aws_cli_reads_attribute_across_account_and_region() {
    let server = Server::start();

    let created = aws_cli(
        &server,
        "111111111111",
        &["sqs", "create-queue", "--queue-name", "my-queue", "--region", "ap-south-1"],
    );
    let queue_url = queue_url_from(&created);
    assert!(
        queue_url.contains("/111111111111/my-queue") && queue_url.contains("ap-south-1"),
        "queue URL {queue_url} should name the owner account and region"
    );

    aws_cli(
        &server,
        "111111111111",
        &[
            "sqs",
            "set-queue-attributes",
            "--attributes",
            "VisibilityTimeout=60",
            "--queue-url",
            &queue_url,
            "--region",
            "ap-south-1",
        ],
    );

    let attributes = aws_cli(
        &server,
        "222222222222",
        &[
            "sqs",
            "get-queue-attributes",
            "--attribute-names",
            "VisibilityTimeout",
            "--region",
            "eu-central-1",
            "--queue-url",
            &queue_url,
        ],
    );
    assert!(
        attributes.contains("\"VisibilityTimeout\": \"60\""),
        "get-queue-attributes from 222222222222 should print \"VisibilityTimeout\": \"60\", printed:\n{attributes}"
    );
}

/// Runs `aws ARGS` as `access_key_id`, bounded to 120 seconds, because a
/// 20 MiB transfer that stalls must fail the test and not hang it.
fn aws_cli_bounded(server: &Server, access_key_id: &str, args: &[&str]) -> String {
    let program = client_program("CROSSCHECK_AWS_CLI", "aws", "python3 -m pip install awscli==1.45.11");
    let mut command = Command::new("timeout");
    isolated_env(&mut command, access_key_id);
    command.arg("120").arg(program).arg("--endpoint-url").arg(&server.endpoint).args(args);
    run_checked(&mut command, &format!("aws {}", args.join(" ")))
}

/// Copies a 20 MiB file with `aws s3 cp`, which uploads it in parts, into a
/// bucket of 111111111111 and back, and checks the copy is byte-identical.
/// Then 222222222222 lists the bucket with `aws s3 ls`, which LocalStack
/// serves across accounts.
#[test]
fn aws_cli_copies_twenty_mib_and_lists_other_account_bucket() {
    let server = Server::start();
    let directory = std::env::temp_dir().join(format!("crosscheck-cli-s3-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("create the scratch directory");
    let upload = directory.join("upload.bin");
    let download = directory.join("download.bin");
    let data: Vec<u8> = (0..20 * 1024 * 1024).map(|index: usize| (index % 251) as u8).collect();
    std::fs::write(&upload, &data).expect("write the upload file");

    let result = std::panic::catch_unwind(|| {
        let upload = upload.to_string_lossy();
        let download = download.to_string_lossy();
        let owner = |args: &[&str]| aws_cli_bounded(&server, "111111111111", args);
        owner(&["s3", "mb", "s3://cli-transfer", "--region", "ap-south-1"]);
        owner(&["s3", "cp", &upload, "s3://cli-transfer/big.bin", "--region", "ap-south-1"]);
        owner(&["s3", "cp", "s3://cli-transfer/big.bin", &download, "--region", "ap-south-1"]);
        let downloaded = std::fs::read(download.as_ref()).expect("read the downloaded file");
        let other_args = ["s3", "ls", "s3://cli-transfer/", "--region", "eu-central-1"];
        let listing = aws_cli_bounded(&server, "222222222222", &other_args);
        (downloaded, listing)
    });
    let _ = std::fs::remove_dir_all(&directory);
    let (downloaded, listing) = result.unwrap_or_else(|panic| std::panic::resume_unwind(panic));

    assert_eq!(downloaded.len(), data.len(), "the downloaded file has the uploaded length");
    assert!(downloaded == data, "the downloaded file is byte-identical to the upload");
    assert!(listing.contains("big.bin"), "aws s3 ls by 222222222222 should list big.bin, printed:\n{listing}");
    assert!(listing.contains("20971520"), "aws s3 ls should print the size 20971520, printed:\n{listing}");
}

/// The same sequence through boto3, printing the attributes as `json.dumps` does.
const BOTO3_SCRIPT: &str = r#"
import json, sys
import boto3

endpoint = sys.argv[1]

def client(account, region):
    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=account,
        aws_secret_access_key="test",
    )

owner = client("111111111111", "ap-south-1")
queue_url = owner.create_queue(QueueName="my-queue")["QueueUrl"]
owner.set_queue_attributes(QueueUrl=queue_url, Attributes={"VisibilityTimeout": "60"})

other = client("222222222222", "eu-central-1")
response = other.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["VisibilityTimeout"])
print(queue_url)
print(json.dumps(response["Attributes"]))
"#;

#[test]
fn boto3_reads_attribute_across_account_and_region() {
    let server = Server::start();

    let python = client_program("CROSSCHECK_PYTHON", "python3", "python3 -m pip install boto3==1.43.11");
    let mut command = Command::new(python);
    isolated_env(&mut command, "unused");
    command.arg("-c").arg(BOTO3_SCRIPT).arg(&server.endpoint);
    let output = run_checked(&mut command, "boto3 script");

    let mut lines = output.lines();
    let queue_url = lines.next().unwrap_or_default();
    assert!(
        queue_url.contains("/111111111111/my-queue") && queue_url.contains("ap-south-1"),
        "queue URL {queue_url} should name the owner account and region"
    );
    assert_eq!(
        lines.next(),
        Some(r#"{"VisibilityTimeout": "60"}"#),
        "boto3 get_queue_attributes from 222222222222 returned other attributes:\n{output}"
    );
}

/// Tags an SNS topic through the AWS CLI. botocore reads the empty
/// `TagResourceResult` and `UntagResourceResult` elements that the SNS model
/// names, and fails when a response leaves them out.
#[test]
fn aws_cli_tags_sns_topic() {
    let server = Server::start();
    let sns = |args: &[&str]| {
        let mut full = vec!["sns", "--region", "ap-south-1"];
        full.extend_from_slice(args);
        aws_cli(&server, "111111111111", &full)
    };

    let created = sns(&["create-topic", "--name", "tagged"]);
    let document: serde_json::Value = serde_json::from_str(&created)
        .unwrap_or_else(|error| panic!("create-topic output is not JSON ({error}): {created}"));
    let topic_arn = document["TopicArn"].as_str().unwrap_or_else(|| panic!("no TopicArn in {created}")).to_owned();

    sns(&["tag-resource", "--resource-arn", &topic_arn, "--tags", "Key=team,Value=core", "Key=env,Value=test"]);
    let listed = sns(&["list-tags-for-resource", "--resource-arn", &topic_arn]);
    assert!(listed.contains("\"Key\": \"team\""), "list-tags-for-resource should show the tag team:\n{listed}");

    sns(&["untag-resource", "--resource-arn", &topic_arn, "--tag-keys", "team"]);
    let remaining = sns(&["list-tags-for-resource", "--resource-arn", &topic_arn]);
    assert!(!remaining.contains("\"team\""), "untag-resource should remove the tag team:\n{remaining}");
    assert!(remaining.contains("\"Key\": \"env\""), "untag-resource should keep the tag env:\n{remaining}");
}
