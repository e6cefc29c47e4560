//! KmsKeyId on CreateSecret and UpdateSecret: an empty value selects the
//! AWS managed key, and a new key re-encrypts the versions labelled
//! AWSCURRENT, AWSPENDING and AWSPREVIOUS
//! (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_update-encryption-key.html>,
//! <https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/secretsmanager/aws.sdk.kotlin.services.secretsmanager.model/-update-secret-request/kms-key-id.html>).

use crate::common::{
    HOME_REGION, OTHER, OWNER, client, create_secret, current_value, kms_client, message_of, outcome, start_profile,
};

/// Returns the KmsKeyIds that ListSecretVersionIds reports for `version_id`.
async fn version_keys(client: &aws_sdk_secretsmanager::Client, secret_id: &str, version_id: &str) -> Vec<String> {
    let listed = client
        .list_secret_version_ids()
        .secret_id(secret_id)
        .include_deprecated(true)
        .send()
        .await
        .expect("ListSecretVersionIds");
    listed
        .versions()
        .iter()
        .find(|version| version.version_id() == Some(version_id))
        .map(|version| version.kms_key_ids().to_vec())
        .unwrap_or_default()
}

#[tokio::test]
async fn empty_key_id_selects_managed_key() {
    let server = start_profile("localstack").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let created = owner
        .create_secret()
        .name("blank-key")
        .secret_string("one")
        .kms_key_id("")
        .send()
        .await
        .expect("CreateSecret with an empty KmsKeyId");
    owner.put_secret_value().secret_id("blank-key").secret_string("two").send().await.expect("PutSecretValue");

    create_secret(&owner, "switched", "one").await;
    owner.update_secret().secret_id("switched").kms_key_id("").send().await.expect("UpdateSecret KmsKeyId \"\"");
    let put = owner.put_secret_value().secret_id("switched").secret_string("two").send().await;
    assert_eq!(outcome(&put), "ok", "PutSecretValue after KmsKeyId \"\": {}", message_of(&put));
    assert_eq!(current_value(&owner, "switched").await, "two");

    let described = owner.describe_secret().secret_id("switched").send().await.expect("DescribeSecret");
    assert_eq!(described.kms_key_id(), None, "DescribeSecret omits KmsKeyId under the managed key");

    let kms = kms_client(&server, OWNER, HOME_REGION);
    let managed = kms.describe_key().key_id("alias/aws/secretsmanager").send().await.expect("DescribeKey");
    let managed_arn = managed.key_metadata().map(|metadata| metadata.arn().unwrap_or_default().to_owned());
    let version_id = created.version_id().expect("VersionId");
    assert_eq!(
        version_keys(&owner, "blank-key", version_id).await.first().cloned(),
        managed_arn,
        "the first version is under the managed key"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_key_update_changes_nothing() {
    let server = start_profile("localstack").await;
    let owner = client(&server, OWNER, HOME_REGION);
    create_secret(&owner, "kept", "value").await;

    let update = owner
        .update_secret()
        .secret_id("kept")
        .kms_key_id("alias/does-not-exist")
        .description("must not be stored")
        .send()
        .await;
    assert_eq!(outcome(&update), "EncryptionFailure", "the new key cannot encrypt");
    assert!(message_of(&update).contains("alias/does-not-exist"), "the message names the key: {}", message_of(&update));

    let described = owner.describe_secret().secret_id("kept").send().await.expect("DescribeSecret");
    assert_eq!(described.kms_key_id(), None, "KmsKeyId is unchanged");
    assert_eq!(described.description(), None, "Description is unchanged");
    let put = owner.put_secret_value().secret_id("kept").secret_string("next").send().await;
    assert_eq!(outcome(&put), "ok", "the secret still takes new values: {}", message_of(&put));
    server.shutdown().await;
}

#[tokio::test]
async fn new_key_reencrypts_labelled_versions() {
    let server = start_profile("localstack").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let kms = kms_client(&server, OWNER, HOME_REGION);
    let old_key = kms.create_key().send().await.expect("CreateKey old");
    let old_arn = old_key.key_metadata().and_then(|metadata| metadata.arn()).expect("old key ARN").to_owned();
    let new_key = kms.create_key().send().await.expect("CreateKey new");
    let new_arn = new_key.key_metadata().and_then(|metadata| metadata.arn()).expect("new key ARN").to_owned();

    let first = owner
        .create_secret()
        .name("rekeyed")
        .secret_string("previous")
        .kms_key_id(&old_arn)
        .send()
        .await
        .expect("CreateSecret");
    let second =
        owner.put_secret_value().secret_id("rekeyed").secret_string("current").send().await.expect("PutSecretValue");
    let custom = owner
        .put_secret_value()
        .secret_id("rekeyed")
        .secret_string("custom")
        .version_stages("CUSTOM")
        .send()
        .await
        .expect("PutSecretValue CUSTOM");

    owner.update_secret().secret_id("rekeyed").kms_key_id(&new_arn).send().await.expect("UpdateSecret KmsKeyId");
    let described = owner.describe_secret().secret_id("rekeyed").send().await.expect("DescribeSecret");
    assert_eq!(described.kms_key_id(), Some(new_arn.as_str()));
    let current_keys = version_keys(&owner, "rekeyed", second.version_id().expect("VersionId")).await;
    assert!(current_keys.contains(&new_arn), "AWSCURRENT is under the new key: {current_keys:?}");
    assert!(current_keys.contains(&old_arn), "AWSCURRENT stays under the old key too: {current_keys:?}");
    let custom_keys = version_keys(&owner, "rekeyed", custom.version_id().expect("VersionId")).await;
    assert_eq!(custom_keys, std::slice::from_ref(&old_arn), "a version with only a custom label keeps its key");

    // With the old key disabled, the re-encrypted versions still decrypt.
    kms.disable_key().key_id(&old_arn).send().await.expect("DisableKey");
    assert_eq!(current_value(&owner, "rekeyed").await, "current");
    let previous = owner.get_secret_value().secret_id("rekeyed").version_stage("AWSPREVIOUS").send().await;
    assert_eq!(previous.as_ref().ok().and_then(|read| read.secret_string()), Some("previous"), "AWSPREVIOUS");
    assert_eq!(previous.as_ref().ok().and_then(|read| read.version_id()), first.version_id());
    let custom_read = owner.get_secret_value().secret_id("rekeyed").version_stage("CUSTOM").send().await;
    assert_eq!(outcome(&custom_read), "DecryptionFailure", "CUSTOM is only under the disabled key");
    server.shutdown().await;
}

#[tokio::test]
async fn managed_key_refuses_writes_across_accounts() {
    for profile in ["localstack", "localstack-enforce-iam", "aws"] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, HOME_REGION);
        let arn = create_secret(&owner, "managed", "owner's").await;
        let policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{OTHER}:root")},
                "Action": ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret"],
                "Resource": "*",
            }],
        });
        owner
            .put_resource_policy()
            .secret_id("managed")
            .resource_policy(policy.to_string())
            .send()
            .await
            .expect("PutResourcePolicy");

        let partner = client(&server, OTHER, HOME_REGION);
        let put = partner.put_secret_value().secret_id(&arn).secret_string("partner's").send().await;
        assert_eq!(outcome(&put), "InvalidRequestException", "{profile}: PutSecretValue under the managed key");
        assert!(message_of(&put).contains("default KMS service key"), "{profile}: {}", message_of(&put));
        let update = partner.update_secret().secret_id(&arn).secret_string("partner's").send().await;
        assert_eq!(outcome(&update), "InvalidRequestException", "{profile}: UpdateSecret under the managed key");
        assert_eq!(current_value(&owner, &arn).await, "owner's", "{profile}: the value is unchanged");
        server.shutdown().await;
    }
}
