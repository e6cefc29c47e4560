//! Secrets reached from another account and region, under each profile,
//! with customer keys, the AWS managed key and resource policies.

use crate::common::{
    HOME_REGION, OTHER, OTHER_REGION, OWNER, THIRD, client, create_secret, current_value, kms_client, message_of,
    outcome, start, start_profile,
};

/// An account that the secret's resource policy names but the key policy does not.
const FOURTH: &str = "444444444444";

/// Builds a key policy that keeps the owner in full control and lets `reader` decrypt.
fn key_policy(reader: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Sid":"Owner","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:root"}},"Action":"kms:*","Resource":"*"}},
            {{"Sid":"Reader","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{reader}:root"}},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}}
        ]}}"#
    )
}

/// Builds a secret policy that lets each of `accounts` run `actions`.
fn secret_policy(accounts: &[&str], actions: &[&str]) -> String {
    let principals: Vec<String> = accounts.iter().map(|account| format!("\"arn:aws:iam::{account}:root\"")).collect();
    let actions: Vec<String> = actions.iter().map(|action| format!("\"secretsmanager:{action}\"")).collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":[{}]}},"Action":[{}],"Resource":"*"}}]}}"#,
        principals.join(","),
        actions.join(",")
    )
}

#[tokio::test]
async fn customer_key_secret_shared_with_granted_account_only() {
    for profile in ["aws", "localstack-enforce-iam"] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, HOME_REGION);
        let owner_kms = kms_client(&server, OWNER, HOME_REGION);
        let key = owner_kms.create_key().policy(key_policy(OTHER)).send().await.expect("CreateKey");
        let key_arn = key.key_metadata().and_then(|metadata| metadata.arn()).expect("key ARN").to_owned();

        let created = owner
            .create_secret()
            .name("shared")
            .secret_string("for partners")
            .kms_key_id(&key_arn)
            .send()
            .await
            .expect("CreateSecret with a customer key");
        let arn = created.arn().expect("ARN").to_owned();
        owner
            .put_resource_policy()
            .secret_id("shared")
            .resource_policy(secret_policy(&[OTHER, FOURTH], &["GetSecretValue", "DescribeSecret"]))
            .send()
            .await
            .expect("PutResourcePolicy");

        let partner = client(&server, OTHER, HOME_REGION);
        assert_eq!(current_value(&partner, &arn).await, "for partners", "{profile}: the granted account reads");
        let described = partner.describe_secret().secret_id(&arn).send().await.expect("DescribeSecret");
        assert_eq!(described.kms_key_id(), Some(key_arn.as_str()), "{profile}");

        let outsider = client(&server, THIRD, HOME_REGION);
        let denied = outsider.get_secret_value().secret_id(&arn).send().await;
        assert_eq!(outcome(&denied), "AccessDeniedException", "{profile}: an account the policy does not name");
        let status =
            denied.as_ref().err().and_then(|error| error.raw_response()).map(|response| response.status().as_u16());
        assert_eq!(status, Some(400), "{profile}: AccessDeniedException is a 400");

        let no_key = client(&server, FOURTH, HOME_REGION);
        let kms_denied = no_key.get_secret_value().secret_id(&arn).send().await;
        assert_eq!(
            outcome(&kms_denied),
            "AccessDeniedException",
            "{profile}: the key policy does not name the account"
        );
        assert!(
            message_of(&kms_denied).contains("Access to KMS is not allowed"),
            "{profile}: {}",
            message_of(&kms_denied)
        );
        assert_eq!(
            outcome(&no_key.describe_secret().secret_id(&arn).send().await),
            "ok",
            "{profile}: DescribeSecret needs no key"
        );

        let not_granted = partner.put_secret_value().secret_id(&arn).secret_string("overwrite").send().await;
        assert_eq!(outcome(&not_granted), "AccessDeniedException", "{profile}: PutSecretValue is not granted");

        let partial = &arn[..arn.len() - 7];
        for secret_id in [partial, "shared"] {
            let result = partner.get_secret_value().secret_id(secret_id).send().await;
            assert_eq!(outcome(&result), "ResourceNotFoundException", "{profile}: another account by {secret_id}");
        }
        server.shutdown().await;
    }
}

#[tokio::test]
async fn managed_key_secret_rejected_across_accounts() {
    for profile in ["localstack", "localstack-enforce-iam", "aws"] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, HOME_REGION);
        let arn = create_secret(&owner, "managed", "owner only").await;
        owner
            .put_resource_policy()
            .secret_id("managed")
            .resource_policy(secret_policy(&[OTHER], &["GetSecretValue", "DescribeSecret"]))
            .send()
            .await
            .expect("PutResourcePolicy");

        let partner = client(&server, OTHER, HOME_REGION);
        let read = partner.get_secret_value().secret_id(&arn).send().await;
        assert_eq!(outcome(&read), "InvalidRequestException", "{profile}: the managed key never leaves its account");
        assert!(message_of(&read).contains("default KMS service key"), "{profile}: {}", message_of(&read));
        assert_eq!(
            outcome(&partner.describe_secret().secret_id(&arn).send().await),
            "ok",
            "{profile}: metadata is readable"
        );
        assert_eq!(current_value(&owner, &arn).await, "owner only", "{profile}: the owner still reads");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn localstack_serves_every_listed_operation_by_arn() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let owner_kms = kms_client(&server, OWNER, HOME_REGION);
    let key = owner_kms.create_key().send().await.expect("CreateKey");
    let key_arn = key.key_metadata().and_then(|metadata| metadata.arn()).expect("key ARN").to_owned();
    let arn = owner
        .create_secret()
        .name("open")
        .secret_string("v1")
        .kms_key_id(&key_arn)
        .send()
        .await
        .expect("CreateSecret")
        .arn()
        .expect("ARN")
        .to_owned();

    let other = client(&server, OTHER, OTHER_REGION);
    assert_eq!(current_value(&other, &arn).await, "v1", "another account and region read by ARN");
    other.put_secret_value().secret_id(&arn).secret_string("v2").send().await.expect("PutSecretValue");
    other.update_secret().secret_id(&arn).description("changed").send().await.expect("UpdateSecret");
    other
        .tag_resource()
        .secret_id(&arn)
        .tags(aws_sdk_secretsmanager::types::Tag::builder().key("k").value("v").build())
        .send()
        .await
        .expect("TagResource");
    other.untag_resource().secret_id(&arn).tag_keys("k").send().await.expect("UntagResource");
    other.list_secret_version_ids().secret_id(&arn).send().await.expect("ListSecretVersionIds");
    other
        .put_resource_policy()
        .secret_id(&arn)
        .resource_policy(secret_policy(&[OTHER], &["GetSecretValue"]))
        .send()
        .await
        .expect("PutResourcePolicy");
    other.get_resource_policy().secret_id(&arn).send().await.expect("GetResourcePolicy");
    assert_eq!(current_value(&owner, "open").await, "v2", "the owner sees the other account's write");

    // Operations outside the cross-account list act in the caller's namespace only.
    let stage = other
        .update_secret_version_stage()
        .secret_id(&arn)
        .version_stage("X")
        .remove_from_version_id("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa")
        .send()
        .await;
    assert_eq!(outcome(&stage), "ResourceNotFoundException", "UpdateSecretVersionStage");
    let delete_policy = other.delete_resource_policy().secret_id(&arn).send().await;
    assert_eq!(outcome(&delete_policy), "ResourceNotFoundException", "DeleteResourcePolicy");
    let batch = other.batch_get_secret_value().secret_id_list(&arn).send().await.expect("BatchGetSecretValue");
    assert_eq!(batch.errors().first().and_then(|error| error.error_code()), Some("ResourceNotFoundException"));
    let listed = other.list_secrets().send().await.expect("ListSecrets");
    assert!(listed.secret_list().is_empty(), "ListSecrets shows only the caller's namespace");
    server.shutdown().await;
}

#[tokio::test]
async fn aws_policy_decides_stage_operations() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let arn = create_secret(&owner, "staged", "v1").await;
    let versions = owner.list_secret_version_ids().secret_id(&arn).send().await.expect("ListSecretVersionIds");
    let version = versions.versions().first().and_then(|version| version.version_id()).expect("version").to_owned();
    let other = client(&server, OTHER, HOME_REGION);

    // Without a resource policy another account gets AccessDeniedException, not ResourceNotFoundException.
    let stage = other.update_secret_version_stage().secret_id(&arn).version_stage("BLUE").move_to_version_id(&version);
    assert_eq!(outcome(&stage.clone().send().await), "AccessDeniedException", "UpdateSecretVersionStage");
    let delete_policy = other.delete_resource_policy().secret_id(&arn).send().await;
    assert_eq!(outcome(&delete_policy), "AccessDeniedException", "DeleteResourcePolicy");

    let granted = ["UpdateSecretVersionStage", "DeleteResourcePolicy", "ValidateResourcePolicy"];
    let policy = secret_policy(&[OTHER], &granted);
    owner.put_resource_policy().secret_id(&arn).resource_policy(&policy).send().await.expect("PutResourcePolicy");
    stage.send().await.expect("UpdateSecretVersionStage granted by the policy");
    let labelled = owner.get_secret_value().secret_id(&arn).version_stage("BLUE").send().await;
    assert_eq!(labelled.expect("GetSecretValue by the new label").secret_string(), Some("v1"));
    let validated =
        other.validate_resource_policy().secret_id(&arn).resource_policy(&policy).send().await.expect("validate");
    assert!(validated.policy_validation_passed(), "{:?}", validated.validation_errors());
    other.delete_resource_policy().secret_id(&arn).send().await.expect("DeleteResourcePolicy granted by the policy");
    let left = owner.get_resource_policy().secret_id(&arn).send().await.expect("GetResourcePolicy");
    assert_eq!(left.resource_policy(), None, "the other account deleted the policy");
    server.shutdown().await;
}

#[tokio::test]
async fn aws_rejects_other_region_arn() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let arn = create_secret(&owner, "regional", "x").await;
    let elsewhere = client(&server, OWNER, OTHER_REGION);
    let read = elsewhere.describe_secret().secret_id(&arn).send().await;
    assert_eq!(outcome(&read), "ResourceNotFoundException", "each region has its own endpoint");
    server.shutdown().await;
}

#[tokio::test]
async fn deleted_and_restored_from_another_account() {
    for profile in ["localstack", "aws"] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, HOME_REGION);
        let arn = create_secret(&owner, "lifecycle", "x").await;
        owner
            .put_resource_policy()
            .secret_id("lifecycle")
            .resource_policy(secret_policy(&[OTHER], &["DeleteSecret", "RestoreSecret", "DescribeSecret"]))
            .send()
            .await
            .expect("PutResourcePolicy");
        let other = client(&server, OTHER, HOME_REGION);

        let deleted =
            other.delete_secret().secret_id(&arn).recovery_window_in_days(7).send().await.expect("DeleteSecret");
        assert_eq!(deleted.arn(), Some(arn.as_str()), "{profile}");
        let read = owner.get_secret_value().secret_id("lifecycle").send().await;
        assert_eq!(outcome(&read), "InvalidRequestException", "{profile}: scheduled for deletion");

        other.restore_secret().secret_id(&arn).send().await.expect("RestoreSecret");
        assert_eq!(current_value(&owner, "lifecycle").await, "x", "{profile}: restored");

        other.delete_secret().secret_id(&arn).force_delete_without_recovery(true).send().await.expect("force delete");
        let after_delete = owner.describe_secret().secret_id("lifecycle").send().await;
        assert_eq!(outcome(&after_delete), "ResourceNotFoundException", "{profile}: deleted for good");

        let third = client(&server, THIRD, HOME_REGION);
        let arn = create_secret(&owner, "kept", "y").await;
        let ungranted_delete = third.delete_secret().secret_id(&arn).send().await;
        let expected = if profile == "aws" { "AccessDeniedException" } else { "ok" };
        assert_eq!(outcome(&ungranted_delete), expected, "{profile}: an account without a grant deletes");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn other_account_key_encrypts_when_granted() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let key_owner = kms_client(&server, OTHER, HOME_REGION);
    let granting_policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER}:root"}},"Action":"kms:*","Resource":"*"}},
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:root"}},"Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*"}}
        ]}}"#
    );
    let granted = key_owner.create_key().policy(granting_policy).send().await.expect("CreateKey with a grant");
    let granted_arn = granted.key_metadata().and_then(|metadata| metadata.arn()).expect("key ARN").to_owned();
    let private = key_owner.create_key().send().await.expect("CreateKey without a grant");
    let private_arn = private.key_metadata().and_then(|metadata| metadata.arn()).expect("key ARN").to_owned();

    owner
        .create_secret()
        .name("foreign-key")
        .secret_string("under another account's key")
        .kms_key_id(&granted_arn)
        .send()
        .await
        .expect("CreateSecret under a granted key of another account");
    assert_eq!(current_value(&owner, "foreign-key").await, "under another account's key");

    let denied = owner.create_secret().name("private-key").secret_string("x").kms_key_id(&private_arn).send().await;
    assert_eq!(outcome(&denied), "AccessDeniedException", "the key policy does not name the secret's account");
    assert!(message_of(&denied).contains("Access to KMS is not allowed"), "{}", message_of(&denied));
    let missing = owner.describe_secret().secret_id("private-key").send().await;
    assert_eq!(outcome(&missing), "ResourceNotFoundException", "a failed CreateSecret leaves no secret");
    server.shutdown().await;
}
