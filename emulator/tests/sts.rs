//! STS through the official `aws-sdk-sts` client, over a real socket.
//!
//! Each test starts the emulator on 127.0.0.1:0 and points the SDK at it with
//! an explicit endpoint URL, so no request leaves the machine. The cases
//! follow the STS API reference
//! (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>,
//! <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>):
//! the caller's identity, credentials that act in the role's account, and
//! the validation of RoleArn, RoleSessionName and DurationSeconds.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sdk_sts::Client;
use aws_sdk_sts::error::ProvideErrorMetadata;
use crosscheck_emulator::Config;
use crosscheck_emulator::identity::{IdentityOptions, account_id_for_access_key};
use crosscheck_emulator::server::{self, ServerHandle};

const REGION: &str = "eu-central-1";
const ROLE_ACCOUNT: &str = "222222222222";
const ROLE_ARN: &str = "arn:aws:iam::222222222222:role/crosscheck";

async fn start() -> ServerHandle {
    server::start("127.0.0.1:0".parse().expect("address"), Config::default())
        .await
        .expect("the emulator starts")
}

fn sts_client(server: &ServerHandle, credentials: Credentials) -> Client {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new(REGION))
        .credentials_provider(credentials)
        .endpoint_url(server.endpoint_url())
        .build();
    Client::from_conf(config)
}

fn static_credentials(access_key_id: &str) -> Credentials {
    Credentials::new(access_key_id, "test", None, None, "crosscheck-sts-tests")
}

/// Converts the SDK's credentials shape into a credentials provider value.
fn session_credentials(credentials: &aws_sdk_sts::types::Credentials) -> Credentials {
    Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        Some(credentials.session_token().to_owned()),
        None,
        "crosscheck-sts-tests",
    )
}

/// Returns the error code and HTTP status of a failed call.
fn error_of<E: ProvideErrorMetadata>(
    error: &aws_sdk_sts::error::SdkError<E, aws_sdk_sts::config::http::HttpResponse>,
) -> (String, u16, String) {
    let code = error.code().unwrap_or("<no code>").to_owned();
    let status = error.raw_response().map_or(0, |response| response.status().as_u16());
    let message = error.message().unwrap_or_default().to_owned();
    (code, status, message)
}

#[tokio::test]
async fn caller_identity_of_account_key_is_root() {
    let server = start().await;
    let client = sts_client(&server, static_credentials("111111111111"));

    let identity = client.get_caller_identity().send().await.expect("GetCallerIdentity succeeds");
    assert_eq!(identity.account(), Some("111111111111"));
    assert_eq!(identity.arn(), Some("arn:aws:iam::111111111111:root"));
    assert_eq!(identity.user_id(), Some("111111111111"));

    server.shutdown().await;
}

#[tokio::test]
async fn caller_identity_of_unknown_key_is_default_account() {
    let server = start().await;
    let client = sts_client(&server, static_credentials("test"));

    let identity = client.get_caller_identity().send().await.expect("GetCallerIdentity succeeds");
    assert_eq!(identity.account(), Some("000000000000"));

    server.shutdown().await;
}

#[tokio::test]
async fn assume_role_issues_key_for_role_account() {
    let server = start().await;
    let client = sts_client(&server, static_credentials("test"));

    let before = SystemTime::now();
    let output = client
        .assume_role()
        .role_arn(ROLE_ARN)
        .role_session_name("matrix-run")
        .duration_seconds(900)
        .send()
        .await
        .expect("AssumeRole succeeds");

    let credentials = output.credentials().expect("AssumeRole returns credentials");
    let key = credentials.access_key_id();
    assert!(key.starts_with("LSIA"), "access key id {key}");
    assert_eq!(key.len(), 20, "access key id {key}");
    assert_eq!(account_id_for_access_key(key, IdentityOptions::default()), ROLE_ACCOUNT, "account of {key}");
    assert!(!credentials.secret_access_key().is_empty(), "a secret key is returned");
    assert!(!credentials.session_token().is_empty(), "a session token is returned");

    let expiration = SystemTime::try_from(*credentials.expiration()).expect("a valid expiration");
    let lifetime = expiration.duration_since(before).expect("the expiration is in the future");
    assert!(lifetime > Duration::from_secs(890), "lifetime {lifetime:?}");
    assert!(lifetime <= Duration::from_secs(901), "lifetime {lifetime:?}");

    let user = output.assumed_role_user().expect("AssumeRole returns the assumed-role user");
    assert_eq!(user.arn(), "arn:aws:sts::222222222222:assumed-role/crosscheck/matrix-run");
    assert!(user.assumed_role_id().starts_with("AROA"), "{}", user.assumed_role_id());
    assert!(user.assumed_role_id().ends_with(":matrix-run"), "{}", user.assumed_role_id());

    server.shutdown().await;
}

#[tokio::test]
async fn assumed_credentials_act_in_role_account() {
    let server = start().await;
    let bootstrap = sts_client(&server, static_credentials("test"));
    let output = bootstrap
        .assume_role()
        .role_arn("arn:aws:iam::333333333333:role/team/runner")
        .role_session_name("ci")
        .send()
        .await
        .expect("AssumeRole succeeds");
    let credentials = session_credentials(output.credentials().expect("credentials"));
    let role_id = output.assumed_role_user().expect("assumed-role user").assumed_role_id().to_owned();

    let assumed = sts_client(&server, credentials.clone());
    let identity = assumed.get_caller_identity().send().await.expect("GetCallerIdentity succeeds");
    assert_eq!(identity.account(), Some("333333333333"));
    assert_eq!(identity.arn(), Some("arn:aws:sts::333333333333:assumed-role/runner/ci"));
    assert_eq!(identity.user_id(), Some(role_id.as_str()));

    let sqs_config = aws_sdk_sqs::Config::builder()
        .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
        .region(aws_sdk_sqs::config::Region::new(REGION))
        .credentials_provider(credentials)
        .endpoint_url(server.endpoint_url())
        .build();
    let sqs = aws_sdk_sqs::Client::from_conf(sqs_config);
    let created = sqs.create_queue().queue_name("made-by-role").send().await.expect("CreateQueue succeeds");
    let queue_url = created.queue_url().unwrap_or_default();
    assert!(queue_url.contains("/333333333333/made-by-role"), "queue URL {queue_url}");

    server.shutdown().await;
}

#[tokio::test]
async fn assume_role_rejects_invalid_input() {
    let server = start().await;
    let client = sts_client(&server, static_credentials("111111111111"));

    // (role ARN, session name, duration, the value the message must name)
    let cases: [(&str, &str, Option<i32>, &str); 8] = [
        ("arn:aws:iam::222222222222:user/alice", "ok-name", None, "user/alice"),
        ("arn:aws:iam::2222:role/crosscheck-role", "ok-name", None, "2222"),
        ("arn:aws:sqs:eu-central-1:222222222222:role/x", "ok-name", None, "sqs"),
        ("short", "ok-name", None, "short"),
        (ROLE_ARN, "x", None, "\"x\""),
        (ROLE_ARN, "has space", None, "has space"),
        (ROLE_ARN, "ok-name", Some(899), "899"),
        (ROLE_ARN, "ok-name", Some(43_201), "43201"),
    ];
    for (role_arn, session_name, duration, named) in cases {
        let error = client
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session_name)
            .set_duration_seconds(duration)
            .send()
            .await
            .expect_err("the request is invalid");
        let (code, status, message) = error_of(&error);
        let case = format!("RoleArn {role_arn:?}, RoleSessionName {session_name:?}, DurationSeconds {duration:?}");
        assert_eq!(code, "ValidationError", "{case}: {message}");
        assert_eq!(status, 400, "{case}");
        assert!(message.contains(named), "{case}: message {message:?} does not name {named:?}");
    }

    server.shutdown().await;
}

#[tokio::test]
async fn duration_bounds_are_accepted() {
    let server = start().await;
    let client = sts_client(&server, static_credentials("111111111111"));

    for duration in [900, 43_200] {
        let result =
            client.assume_role().role_arn(ROLE_ARN).role_session_name("bounds").duration_seconds(duration).send().await;
        assert!(result.is_ok(), "DurationSeconds {duration}: {:?}", result.err());
    }

    server.shutdown().await;
}

#[tokio::test]
async fn unserved_sts_action_is_invalid_action() {
    let server = start().await;
    let client = sts_client(&server, static_credentials("111111111111"));

    let error = client.get_session_token().send().await.expect_err("GetSessionToken is not served");
    let (code, status, _) = error_of(&error);
    assert_eq!(code, "InvalidAction");
    assert_eq!(status, 400);

    server.shutdown().await;
}
