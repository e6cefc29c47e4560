//! Helpers shared by the Secrets Manager tests: a server on 127.0.0.1:0,
//! official SDK clients per (account, region) and error inspection.

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use crosscheck_emulator::Config;
use crosscheck_emulator::access::AccessRules;
use crosscheck_emulator::server::{self, ServerHandle};

pub const OWNER: &str = "111111111111";
pub const OTHER: &str = "222222222222";
pub const THIRD: &str = "333333333333";
pub const HOME_REGION: &str = "ap-south-1";
pub const OTHER_REGION: &str = "eu-central-1";

/// Starts an emulator with the default (`localstack`) configuration.
pub async fn start() -> ServerHandle {
    start_profile("localstack").await
}

/// Starts an emulator under the profile named `profile`.
pub async fn start_profile(profile: &str) -> ServerHandle {
    let access: AccessRules = profile.parse().expect("a known profile");
    let config = Config { access, ..Config::default() };
    server::start("127.0.0.1:0".parse().expect("address"), config).await.expect("the emulator starts")
}

fn credentials(account: &str) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(account, "test", None, None, "crosscheck-tests")
}

/// Builds a Secrets Manager client acting as `account` in `region` against `server`.
pub fn client(server: &ServerHandle, account: &str, region: &str) -> Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
        .region(aws_sdk_secretsmanager::config::Region::new(region.to_owned()))
        .credentials_provider(credentials(account))
        .endpoint_url(server.endpoint_url())
        .build();
    Client::from_conf(config)
}

/// Builds a KMS client acting as `account` in `region` against `server`.
pub fn kms_client(server: &ServerHandle, account: &str, region: &str) -> aws_sdk_kms::Client {
    let config = aws_sdk_kms::Config::builder()
        .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
        .region(aws_sdk_kms::config::Region::new(region.to_owned()))
        .credentials_provider(credentials(account))
        .endpoint_url(server.endpoint_url())
        .build();
    aws_sdk_kms::Client::from_conf(config)
}

/// Returns the error code and HTTP status of a failed SDK call.
pub fn error_of<E: ProvideErrorMetadata>(
    error: &aws_sdk_secretsmanager::error::SdkError<E, aws_sdk_secretsmanager::config::http::HttpResponse>,
) -> (String, u16) {
    let code = error.code().unwrap_or("<no code>").to_owned();
    let status = error.raw_response().map_or(0, |response| response.status().as_u16());
    (code, status)
}

/// Returns the error code of a call's result, or "ok".
pub fn outcome<T, E: ProvideErrorMetadata>(
    result: &Result<T, aws_sdk_secretsmanager::error::SdkError<E, aws_sdk_secretsmanager::config::http::HttpResponse>>,
) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(error) => error_of(error).0,
    }
}

/// Returns the error message of a failed call, or an empty string.
pub fn message_of<T, E: ProvideErrorMetadata>(
    result: &Result<T, aws_sdk_secretsmanager::error::SdkError<E, aws_sdk_secretsmanager::config::http::HttpResponse>>,
) -> String {
    match result {
        Ok(_) => String::new(),
        Err(error) => error.message().unwrap_or_default().to_owned(),
    }
}

/// Creates a secret holding `value` as `client` and returns its ARN.
pub async fn create_secret(client: &Client, name: &str, value: &str) -> String {
    let created = client
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await
        .unwrap_or_else(|error| panic!("CreateSecret {name}: {error:?}"));
    created.arn().expect("ARN").to_owned()
}

/// Reads the current SecretString of `secret_id`.
pub async fn current_value(client: &Client, secret_id: &str) -> String {
    let read = client
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .unwrap_or_else(|error| panic!("GetSecretValue {secret_id}: {error:?}"));
    read.secret_string().expect("SecretString").to_owned()
}
