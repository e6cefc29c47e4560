//! Helpers shared by the KMS tests: a server on 127.0.0.1:0, official SDK
//! clients per (account, region), error inspection and an `openssl` runner.

use std::path::PathBuf;
use std::process::Command;

use aws_sdk_kms::Client;
use aws_sdk_kms::error::ProvideErrorMetadata;
use crosscheck_emulator::Config;
use crosscheck_emulator::access::AccessRules;
use crosscheck_emulator::server::{self, ServerHandle};

pub const OWNER: &str = "111111111111";
pub const OTHER: &str = "222222222222";
pub const HOME_REGION: &str = "ap-south-1";
pub const OTHER_REGION: &str = "eu-central-1";

/// Starts an emulator with the default (`localstack`) configuration.
pub async fn start() -> ServerHandle {
    start_with(Config::default()).await
}

/// Starts an emulator under the profile named `profile`.
pub async fn start_profile(profile: &str) -> ServerHandle {
    let access: AccessRules = profile.parse().expect("a known profile");
    start_with(Config { access, ..Config::default() }).await
}

pub async fn start_with(config: Config) -> ServerHandle {
    server::start("127.0.0.1:0".parse().expect("address"), config).await.expect("the emulator starts")
}

/// Builds an SDK client acting as `account` in `region` against `server`.
pub fn client(server: &ServerHandle, account: &str, region: &str) -> Client {
    let credentials = aws_credential_types::Credentials::new(account, "test", None, None, "crosscheck-tests");
    let config = aws_sdk_kms::Config::builder()
        .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
        .region(aws_sdk_kms::config::Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .endpoint_url(server.endpoint_url())
        .build();
    Client::from_conf(config)
}

/// Returns the error code and HTTP status of a failed SDK call.
pub fn error_of<E: ProvideErrorMetadata>(
    error: &aws_sdk_kms::error::SdkError<E, aws_sdk_kms::config::http::HttpResponse>,
) -> (String, u16) {
    let code = error.code().unwrap_or("<no code>").to_owned();
    let status = error.raw_response().map_or(0, |response| response.status().as_u16());
    (code, status)
}

/// Returns the error code of a call's result, or "ok".
pub fn outcome<T, E: ProvideErrorMetadata>(
    result: &Result<T, aws_sdk_kms::error::SdkError<E, aws_sdk_kms::config::http::HttpResponse>>,
) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(error) => error_of(error).0,
    }
}

/// Creates a symmetric key as `client` and returns (key id, key ARN).
pub async fn symmetric_key(client: &Client) -> (String, String) {
    let created = client.create_key().send().await.expect("CreateKey");
    let metadata = created.key_metadata().expect("KeyMetadata");
    (metadata.key_id().to_owned(), metadata.arn().expect("Arn").to_owned())
}

/// Creates a key of `spec` and `usage` as `client` and returns its ARN.
pub async fn key_of(client: &Client, spec: &str, usage: &str) -> String {
    let created = client
        .create_key()
        .key_spec(spec.into())
        .key_usage(usage.into())
        .send()
        .await
        .unwrap_or_else(|error| panic!("CreateKey {spec} {usage}: {error:?}"));
    created.key_metadata().and_then(|metadata| metadata.arn()).expect("Arn").to_owned()
}

/// A scratch directory for files handed to `openssl`, removed on drop.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("crosscheck-kms-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        Scratch { dir }
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).expect("write a scratch file");
        path.to_string_lossy().into_owned()
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(name)).expect("read a scratch file")
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Reports whether `openssl` can run. Under CI (`CI=true`) a missing
/// `openssl` fails the test, so the independent checks never pass unseen.
pub fn openssl_available() -> bool {
    let found = Command::new("openssl").arg("version").output().is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "openssl is not installed; the independent cryptography checks need it under CI"
        );
        eprintln!("skipping: openssl is not installed");
    }
    found
}

/// Runs `openssl` with `args` and returns its standard output; panics with its error output when it fails.
pub fn openssl(args: &[&str]) -> String {
    let output = Command::new("openssl").args(args).output().expect("run openssl");
    assert!(output.status.success(), "openssl {} failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}
