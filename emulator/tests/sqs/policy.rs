//! Queue policies enforced over a real socket, through the official Rust SDK.
//!
//! A queue owned by 111111111111 in ap-south-1 carries a policy; callers from
//! 222222222222 and 333333333333 in the same region try operations on it.
//! Under `aws` and `localstack-enforce-iam` the policy decides every call
//! from another account; under `localstack` nothing is checked. Denials are
//! AccessDenied 403 with a message naming the principal, the action and the
//! queue ARN. Under `aws`, actions SQS never grants across accounts are
//! denied even when the policy allows them, and a policy that names one of
//! them in a grant to another account is rejected.

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::QueueAttributeName;
use crosscheck_emulator::Config;
use crosscheck_emulator::access::{AccessRules, Profile};
use crosscheck_emulator::server::ServerHandle;

use crate::common::{self, HOME_REGION, OTHER, OWNER};

/// An account that no policy in these tests names.
const OUTSIDER: &str = "333333333333";

const QUEUE_NAME: &str = "orders";

fn queue_arn() -> String {
    format!("arn:aws:sqs:{HOME_REGION}:{OWNER}:{QUEUE_NAME}")
}

/// Builds a policy that lets `OTHER` send messages and nothing else.
fn send_only_policy() -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "PartnerSends", "Effect": "Allow",
            "Principal": {{"AWS": "arn:aws:iam::{OTHER}:root"}}, "Action": "sqs:SendMessage", "Resource": "{}"}}]}}"#,
        queue_arn()
    )
}

async fn start(profile: Profile) -> ServerHandle {
    common::start_with(Config { access: AccessRules::from(profile), ..Config::default() }).await
}

/// Creates the queue as `OWNER` with `policy`, and returns its URL.
async fn create_queue_with_policy(owner: &Client, policy: &str) -> String {
    owner
        .create_queue()
        .queue_name(QUEUE_NAME)
        .attributes(QueueAttributeName::Policy, policy)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateQueue with a policy: {e:?}"))
        .queue_url
        .expect("CreateQueue returns a QueueUrl")
}

/// Sends one message as `client` and returns the error code and status, or `None` on success.
async fn send(client: &Client, queue_url: &str) -> Option<(String, u16)> {
    match client.send_message().queue_url(queue_url).message_body("hello").send().await {
        Ok(_) => None,
        Err(error) => {
            let (code, status, _) = common::sdk_error(&error);
            Some((code, status))
        }
    }
}

fn denied() -> Option<(String, u16)> {
    Some(("AccessDenied".to_owned(), 403))
}

#[tokio::test]
async fn send_only_grant_under_enforcing_profiles() {
    for profile in [Profile::Aws, Profile::LocalstackEnforceIam] {
        let server = start(profile).await;
        let owner = common::client(&server, OWNER, HOME_REGION);
        let partner = common::client(&server, OTHER, HOME_REGION);
        let outsider = common::client(&server, OUTSIDER, HOME_REGION);
        let queue_url = create_queue_with_policy(&owner, &send_only_policy()).await;

        assert_eq!(send(&partner, &queue_url).await, None, "{profile}: the granted account sends");
        assert_eq!(send(&outsider, &queue_url).await, denied(), "{profile}: an account the policy does not name");
        assert_eq!(send(&owner, &queue_url).await, None, "{profile}: the owner sends");

        let received = owner
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(1)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{profile}: owner ReceiveMessage: {e:?}"));
        let receipt_handle = received.messages().first().and_then(|m| m.receipt_handle()).expect("a message");

        let error = partner
            .delete_message()
            .queue_url(&queue_url)
            .receipt_handle(receipt_handle)
            .send()
            .await
            .expect_err("DeleteMessage is not granted");
        let (code, status, message) = common::sdk_error(&error);
        assert_eq!((code.as_str(), status), ("AccessDenied", 403), "{profile}: partner DeleteMessage");
        assert!(message.contains("arn:aws:iam::222222222222:root"), "{profile}: principal in {message}");
        assert!(message.contains("sqs:deletemessage"), "{profile}: action in {message}");
        assert!(message.contains(&queue_arn()), "{profile}: resource in {message}");

        let error = partner.receive_message().queue_url(&queue_url).send().await.expect_err("ReceiveMessage");
        assert_eq!(common::sdk_error(&error).0, "AccessDenied", "{profile}: partner ReceiveMessage");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn localstack_ignores_queue_policy() {
    let server = start(Profile::Localstack).await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let outsider = common::client(&server, OUTSIDER, HOME_REGION);
    let queue_url = create_queue_with_policy(&owner, &send_only_policy()).await;

    assert_eq!(send(&outsider, &queue_url).await, None, "an account the policy does not name");
    outsider.purge_queue().queue_url(&queue_url).send().await.expect("PurgeQueue from another account");
    outsider
        .tag_queue()
        .queue_url(&queue_url)
        .tags("team", "outside")
        .send()
        .await
        .expect("TagQueue from another account");
    server.shutdown().await;
}

#[tokio::test]
async fn explicit_deny_overrides_allow() {
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Sid": "PartnerUses", "Effect": "Allow", "Principal": {{"AWS": "{OTHER}"}},
              "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes"], "Resource": "{arn}"}},
            {{"Sid": "NobodySends", "Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "{arn}"}}]}}"#,
        arn = queue_arn()
    );
    for profile in [Profile::Aws, Profile::LocalstackEnforceIam] {
        let server = start(profile).await;
        let owner = common::client(&server, OWNER, HOME_REGION);
        let partner = common::client(&server, OTHER, HOME_REGION);
        let queue_url = create_queue_with_policy(&owner, &policy).await;

        let error = partner.send_message().queue_url(&queue_url).message_body("x").send().await.expect_err("denied");
        let (code, status, message) = common::sdk_error(&error);
        assert_eq!((code.as_str(), status), ("AccessDenied", 403), "{profile}: partner SendMessage");
        assert!(message.contains("explicit deny"), "{profile}: {message}");

        assert_eq!(send(&owner, &queue_url).await, denied(), "{profile}: the Deny names everyone, the owner too");
        let arn = common::queue_attribute(&partner, &queue_url, "QueueArn").await;
        assert_eq!(arn.as_deref(), Some(queue_arn().as_str()), "{profile}: the allowed action still works");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn non_grantable_action_denied_only_under_aws() {
    let policy = format!(
        r#"{{"Statement": {{"Effect": "Allow", "Principal": {{"AWS": "{OTHER}"}}, "Action": "sqs:*", "Resource": "{}"}}}}"#,
        queue_arn()
    );
    for (profile, expected) in [(Profile::Aws, denied()), (Profile::LocalstackEnforceIam, None)] {
        let server = start(profile).await;
        let owner = common::client(&server, OWNER, HOME_REGION);
        let partner = common::client(&server, OTHER, HOME_REGION);
        let queue_url = create_queue_with_policy(&owner, &policy).await;

        let tagged = partner.tag_queue().queue_url(&queue_url).tags("k", "v").send().await;
        let outcome = tagged.err().map(|error| {
            let (code, status, _) = common::sdk_error(&error);
            (code, status)
        });
        assert_eq!(outcome, expected, "{profile}: TagQueue granted by sqs:*");
        assert_eq!(send(&partner, &queue_url).await, None, "{profile}: SendMessage granted by sqs:*");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn policy_naming_non_grantable_action_rejected_under_aws() {
    let policy = format!(
        r#"{{"Statement": {{"Sid": "PartnerDeletes", "Effect": "Allow", "Principal": {{"AWS": "{OTHER}"}},
            "Action": "sqs:DeleteQueue", "Resource": "{}"}}}}"#,
        queue_arn()
    );
    let server = start(Profile::Aws).await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, QUEUE_NAME).await;

    let error = owner
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::Policy, &policy)
        .attributes(QueueAttributeName::VisibilityTimeout, "45")
        .send()
        .await
        .expect_err("a grant of DeleteQueue to another account");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidAttributeValue", 400), "{message}");
    assert!(message.contains("Statement[0].Action"), "element in {message}");
    assert!(message.contains("account 222222222222"), "principal in {message}");

    assert_eq!(common::queue_attribute(&owner, &queue_url, "Policy").await, None, "no policy was set");
    assert_eq!(
        common::queue_attribute(&owner, &queue_url, "VisibilityTimeout").await.as_deref(),
        Some("30"),
        "the other attribute of the rejected request was not applied"
    );

    let created = owner
        .create_queue()
        .queue_name("orders-2")
        .attributes(QueueAttributeName::Policy, &policy)
        .send()
        .await;
    assert!(created.is_err(), "CreateQueue with the same policy is rejected too");
    server.shutdown().await;

    let server = start(Profile::LocalstackEnforceIam).await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, QUEUE_NAME).await;
    owner
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::Policy, &policy)
        .send()
        .await
        .expect("localstack-enforce-iam accepts the policy");
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_policy_rejected_and_nothing_applied() {
    let server = start(Profile::Localstack).await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let queue_url = common::create_queue(&owner, QUEUE_NAME).await;
    let malformed = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"},
        {"Effect": "Permit", "Principal": "*", "Action": "sqs:SendMessage"}]}"#;

    let error = owner
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::Policy, malformed)
        .attributes(QueueAttributeName::VisibilityTimeout, "45")
        .send()
        .await
        .expect_err("Effect Permit");
    let (code, status, message) = common::sdk_error(&error);
    assert_eq!((code.as_str(), status), ("InvalidAttributeValue", 400), "{message}");
    assert!(message.starts_with("Invalid value for the parameter Policy."), "{message}");
    assert!(message.contains("Statement[1].Effect"), "element in {message}");

    assert_eq!(common::queue_attribute(&owner, &queue_url, "Policy").await, None, "no policy was set");
    assert_eq!(
        common::queue_attribute(&owner, &queue_url, "VisibilityTimeout").await.as_deref(),
        Some("30"),
        "VisibilityTimeout of the rejected request was not applied"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn policy_text_returned_as_sent() {
    let server = start(Profile::Aws).await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let policy = send_only_policy();
    let queue_url = create_queue_with_policy(&owner, &policy).await;

    let stored = common::queue_attribute(&owner, &queue_url, "Policy").await;
    assert_eq!(stored.as_deref(), Some(policy.as_str()), "GetQueueAttributes returns the original text");

    owner
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::Policy, "")
        .send()
        .await
        .expect("an empty Policy removes the policy");
    assert_eq!(common::queue_attribute(&owner, &queue_url, "Policy").await, None, "policy removed");

    let partner = common::client(&server, OTHER, HOME_REGION);
    assert_eq!(send(&partner, &queue_url).await, denied(), "no policy grants the partner any more");
    server.shutdown().await;
}

#[tokio::test]
async fn add_permission_grants_until_removed() {
    for profile in [Profile::LocalstackEnforceIam, Profile::Aws] {
        let server = start(profile).await;
        let owner = common::client(&server, OWNER, HOME_REGION);
        let partner = common::client(&server, OTHER, HOME_REGION);
        let outsider = common::client(&server, OUTSIDER, HOME_REGION);
        let queue_url = common::create_queue(&owner, QUEUE_NAME).await;

        assert_eq!(send(&partner, &queue_url).await, denied(), "{profile}: before AddPermission");

        owner
            .add_permission()
            .queue_url(&queue_url)
            .label("partner-sends")
            .aws_account_ids(OTHER)
            .actions("SendMessage")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{profile}: AddPermission: {e:?}"));
        assert_eq!(send(&partner, &queue_url).await, None, "{profile}: after AddPermission");
        assert_eq!(send(&outsider, &queue_url).await, denied(), "{profile}: an account the label does not name");

        let policy = common::queue_attribute(&owner, &queue_url, "Policy").await.expect("AddPermission set a policy");
        assert!(policy.contains(r#""Sid":"partner-sends""#), "{profile}: Sid is the label in {policy}");
        assert!(policy.contains(r#""Action":"SQS:SendMessage""#), "{profile}: action in {policy}");

        owner
            .remove_permission()
            .queue_url(&queue_url)
            .label("partner-sends")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{profile}: RemovePermission: {e:?}"));
        assert_eq!(send(&partner, &queue_url).await, denied(), "{profile}: after RemovePermission");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn source_account_condition_denies_direct_call() {
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
            "Resource": "{}", "Condition": {{"StringEquals": {{"aws:SourceAccount": "{OTHER}"}}}}}}}}"#,
        queue_arn()
    );
    let server = start(Profile::Aws).await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let partner = common::client(&server, OTHER, HOME_REGION);
    let queue_url = create_queue_with_policy(&owner, &policy).await;

    assert_eq!(send(&partner, &queue_url).await, denied(), "a direct call carries no aws:SourceAccount");
    server.shutdown().await;
}

#[tokio::test]
async fn source_ip_condition_sees_loopback() {
    let policy = |range: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                "Resource": "{}", "Condition": {{"IpAddress": {{"aws:SourceIp": "{range}"}}}}}}}}"#,
            queue_arn()
        )
    };
    let server = start(Profile::Aws).await;
    let owner = common::client(&server, OWNER, HOME_REGION);
    let partner = common::client(&server, OTHER, HOME_REGION);
    let queue_url = create_queue_with_policy(&owner, &policy("127.0.0.0/8")).await;
    assert_eq!(send(&partner, &queue_url).await, None, "the test client connects from 127.0.0.1");

    owner
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::Policy, policy("192.0.2.0/24"))
        .send()
        .await
        .expect("SetQueueAttributes with another range");
    assert_eq!(send(&partner, &queue_url).await, denied(), "127.0.0.1 is outside 192.0.2.0/24");
    server.shutdown().await;
}
