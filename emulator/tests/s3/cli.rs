//! End to end with the AWS CLI (v1, as the machine image ships it): `aws s3
//! cp` of a 20 MiB file, which the CLI uploads in parts, and back, and `aws
//! s3 ls` of another account's bucket.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{HOME_REGION, OTHER, OWNER, client, create_bucket, put, start};

/// Returns the AWS CLI program: `CROSSCHECK_AWS_CLI` when set, else `aws` on
/// `PATH`. `.ci/run` sets it to the pinned CLI it installs in `target/ci-clients`.
fn aws_program() -> std::ffi::OsString {
    std::env::var_os("CROSSCHECK_AWS_CLI").unwrap_or_else(|| "aws".into())
}

/// Reports whether the AWS CLI can run. Under CI (`CI=true`) a missing CLI
/// fails the test, so the end-to-end check never passes unseen.
fn aws_cli_available() -> bool {
    let found = Command::new(aws_program()).arg("--version").output().is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the AWS CLI is not installed; the CLI tests need it under CI"
        );
        eprintln!("skipping: the AWS CLI is not installed");
    }
    found
}

/// Runs `aws ARGS` as `account` against `endpoint`, with no configuration
/// files and no instance metadata lookups, bounded to 120 seconds.
fn aws(endpoint: &str, account: &str, args: &[&str]) -> Output {
    Command::new("timeout")
        .arg("120")
        .arg(aws_program())
        .args(args)
        .args(["--endpoint-url", endpoint, "--region", HOME_REGION])
        .env("AWS_ACCESS_KEY_ID", account)
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("run the AWS CLI")
}

fn check(output: &Output, step: &str) {
    assert!(
        output.status.success(),
        "{step} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_copies_twenty_mib_and_lists() {
    if !aws_cli_available() {
        return;
    }
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    create_bucket(&owner, "cli-bucket").await;
    put(&owner, "cli-bucket", "listed/by-sdk", b"x").await;

    let directory = std::env::temp_dir().join(format!("crosscheck-s3-cli-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("create the scratch directory");
    let upload = directory.join("upload.bin");
    let download = directory.join("download.bin");
    let data: Vec<u8> = (0..20 * 1024 * 1024).map(|i: usize| (i % 253) as u8).collect();
    std::fs::write(&upload, &data).expect("write the upload file");

    let endpoint = server.endpoint_url();
    let result = tokio::task::spawn_blocking(move || run_cli(&endpoint, &upload, &download)).await;
    let _ = std::fs::remove_dir_all(&directory);
    let (downloaded, listing, attributes) = result.expect("the CLI steps ran");

    assert!(downloaded == data, "the downloaded file is byte-identical to the upload");
    assert!(listing.contains("by-sdk"), "aws s3 ls from another account lists the bucket: {listing}");
    assert!(listing.contains("big.bin"), "the listing shows the uploaded file: {listing}");

    let attributes: serde_json::Value = serde_json::from_str(&attributes).expect("get-object-attributes prints JSON");
    assert_eq!(attributes["ObjectSize"], 20 * 1024 * 1024, "{attributes}");
    let parts = attributes["ObjectParts"]["TotalPartsCount"].as_u64().unwrap_or_default();
    assert!(parts >= 2, "the CLI uploaded the file in several parts: {attributes}");
    server.shutdown().await;
}

/// Copies the file up and down as the owner, lists the bucket as another
/// account, and reads the uploaded object's size and parts with get-object-attributes.
fn run_cli(endpoint: &str, upload: &Path, download: &Path) -> (Vec<u8>, String, String) {
    let upload = upload.to_string_lossy();
    let download = download.to_string_lossy();
    check(&aws(endpoint, OWNER, &["s3", "cp", &upload, "s3://cli-bucket/listed/big.bin"]), "aws s3 cp up");
    check(&aws(endpoint, OWNER, &["s3", "cp", "s3://cli-bucket/listed/big.bin", &download]), "aws s3 cp down");
    let listing = aws(endpoint, OTHER, &["s3", "ls", "--recursive", "s3://cli-bucket/"]);
    check(&listing, "aws s3 ls as another account");
    let attribute_args = [
        "s3api",
        "get-object-attributes",
        "--bucket",
        "cli-bucket",
        "--key",
        "listed/big.bin",
        "--object-attributes",
        "ObjectSize",
        "ObjectParts",
        "--output",
        "json",
    ];
    let attributes = aws(endpoint, OWNER, &attribute_args);
    check(&attributes, "aws s3api get-object-attributes");
    let downloaded = std::fs::read(download.as_ref()).expect("read the downloaded file");
    let text = |output: &Output| String::from_utf8_lossy(&output.stdout).into_owned();
    (downloaded, text(&listing), text(&attributes))
}
