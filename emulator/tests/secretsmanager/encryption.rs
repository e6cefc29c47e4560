//! Secret values are encrypted by the emulator's KMS: a disabled key stops
//! reads and writes, and the AWS managed key appears in KMS on first use.

use crate::common::{HOME_REGION, OWNER, client, create_secret, current_value, kms_client, outcome, start};

#[tokio::test]
async fn disabled_key_stops_reads_and_writes() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let kms = kms_client(&server, OWNER, HOME_REGION);
    let key = kms.create_key().send().await.expect("CreateKey");
    let key_id = key.key_metadata().map(|metadata| metadata.key_id().to_owned()).expect("KeyId");
    owner
        .create_secret()
        .name("guarded")
        .secret_string("value")
        .kms_key_id(&key_id)
        .send()
        .await
        .expect("CreateSecret");
    assert_eq!(current_value(&owner, "guarded").await, "value");

    kms.disable_key().key_id(&key_id).send().await.expect("DisableKey");
    let read = owner.get_secret_value().secret_id("guarded").send().await;
    assert_eq!(outcome(&read), "DecryptionFailure", "the key that encrypted the value is disabled");
    let write = owner.put_secret_value().secret_id("guarded").secret_string("new").send().await;
    assert_eq!(outcome(&write), "EncryptionFailure", "the secret's key is disabled");

    kms.enable_key().key_id(&key_id).send().await.expect("EnableKey");
    assert_eq!(current_value(&owner, "guarded").await, "value", "the value decrypts again");
    server.shutdown().await;
}

#[tokio::test]
async fn managed_key_appears_in_kms() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let kms = kms_client(&server, OWNER, HOME_REGION);
    let before = kms.list_aliases().send().await.expect("ListAliases");
    assert!(before.aliases().is_empty(), "no managed key before the first secret");

    create_secret(&owner, "first", "x").await;
    create_secret(&owner, "second", "y").await;
    let after = kms.list_aliases().send().await.expect("ListAliases");
    let managed: Vec<_> =
        after.aliases().iter().filter(|alias| alias.alias_name() == Some("alias/aws/secretsmanager")).collect();
    assert_eq!(managed.len(), 1, "one managed key per namespace");
    let key_id = managed[0].target_key_id().expect("TargetKeyId");
    let described = kms.describe_key().key_id(key_id).send().await.expect("DescribeKey");
    let manager =
        described.key_metadata().and_then(|metadata| metadata.key_manager()).map(|manager| manager.as_str().to_owned());
    assert_eq!(manager.as_deref(), Some("AWS"));

    let versions = owner.list_secret_version_ids().secret_id("first").send().await.expect("ListSecretVersionIds");
    let key_arn = described.key_metadata().and_then(|metadata| metadata.arn()).expect("Arn");
    assert_eq!(versions.versions()[0].kms_key_ids(), [key_arn], "the version is under the managed key");

    let deleted = kms.delete_alias().alias_name("alias/aws/secretsmanager").send().await;
    let code = deleted.as_ref().err().and_then(aws_sdk_kms::error::ProvideErrorMetadata::code);
    assert_eq!(code, Some("InvalidAliasNameException"), "the managed key's alias belongs to AWS");

    let by_alias =
        owner.create_secret().name("third").secret_string("z").kms_key_id("alias/aws/secretsmanager").send().await;
    assert_eq!(outcome(&by_alias), "ok", "the managed key's alias is a valid KmsKeyId");
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_key_fails_encryption() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let created =
        owner.create_secret().name("nowhere").secret_string("x").kms_key_id("alias/does-not-exist").send().await;
    assert_eq!(outcome(&created), "EncryptionFailure");
    let listed = owner.list_secrets().send().await.expect("ListSecrets");
    assert!(listed.secret_list().is_empty(), "a failed CreateSecret leaves no secret");
    server.shutdown().await;
}
