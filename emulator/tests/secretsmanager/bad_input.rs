//! One test per kind of invalid request: each gets Secrets Manager's error
//! code, and none changes state.

use aws_sdk_secretsmanager::primitives::Blob;

use crate::common::{HOME_REGION, OWNER, client, create_secret, current_value, message_of, outcome, start};

#[tokio::test]
async fn oversize_values_are_rejected() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let largest = "a".repeat(65_536);
    owner.create_secret().name("largest").secret_string(&largest).send().await.expect("65536 bytes fit");

    let too_long = "a".repeat(65_537);
    let created = owner.create_secret().name("too-long").secret_string(&too_long).send().await;
    assert_eq!(outcome(&created), "ValidationException", "SecretString of 65537 bytes");
    assert!(message_of(&created).contains("65537"), "the message names the size: {}", message_of(&created));
    let binary = owner.create_secret().name("too-long").secret_binary(Blob::new(vec![0_u8; 65_537])).send().await;
    assert_eq!(outcome(&binary), "ValidationException", "SecretBinary of 65537 bytes");
    let put = owner.put_secret_value().secret_id("largest").secret_string(&too_long).send().await;
    assert_eq!(outcome(&put), "ValidationException", "PutSecretValue of 65537 bytes");
    let update = owner.update_secret().secret_id("largest").secret_string(&too_long).send().await;
    assert_eq!(outcome(&update), "ValidationException", "UpdateSecret of 65537 bytes");

    // Multi-byte characters count as bytes.
    let wide = "é".repeat(32_769);
    let wide_put = owner.put_secret_value().secret_id("largest").secret_string(&wide).send().await;
    assert_eq!(outcome(&wide_put), "ValidationException", "65538 bytes in 32769 characters");

    let missing = owner.describe_secret().secret_id("too-long").send().await;
    assert_eq!(outcome(&missing), "ResourceNotFoundException", "no secret was created");
    assert_eq!(current_value(&owner, "largest").await.len(), 65_536, "the value is unchanged");
    server.shutdown().await;
}

#[tokio::test]
async fn value_members_are_exclusive() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let both = owner.create_secret().name("both").secret_string("a").secret_binary(Blob::new("b")).send().await;
    assert_eq!(outcome(&both), "InvalidParameterException");
    create_secret(&owner, "one", "a").await;
    let neither = owner.put_secret_value().secret_id("one").send().await;
    assert_eq!(outcome(&neither), "InvalidParameterException", "PutSecretValue without a value");
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_version_stages_are_rejected() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    create_secret(&owner, "staged", "a").await;

    let empty = owner.put_secret_value().secret_id("staged").secret_string("b").version_stages("").send().await;
    assert_eq!(outcome(&empty), "ValidationException", "an empty label");
    let long =
        owner.put_secret_value().secret_id("staged").secret_string("b").version_stages("x".repeat(257)).send().await;
    assert_eq!(outcome(&long), "ValidationException", "a label of 257 characters");
    let mut many = owner.put_secret_value().secret_id("staged").secret_string("b");
    for index in 0..21 {
        many = many.version_stages(format!("L{index}"));
    }
    assert_eq!(outcome(&many.send().await), "ValidationException", "21 labels");

    let unknown = owner.get_secret_value().secret_id("staged").version_stage("NOPE").send().await;
    assert_eq!(outcome(&unknown), "ResourceNotFoundException", "a label no version has");
    assert!(message_of(&unknown).contains("NOPE"), "the message names the label: {}", message_of(&unknown));

    let current = owner.list_secret_version_ids().secret_id("staged").send().await.expect("versions");
    let version_id = current.versions()[0].version_id().expect("VersionId").to_owned();
    let remove_current = owner
        .update_secret_version_stage()
        .secret_id("staged")
        .version_stage("AWSCURRENT")
        .remove_from_version_id(&version_id)
        .send()
        .await;
    assert_eq!(outcome(&remove_current), "InvalidParameterException", "AWSCURRENT cannot be removed");
    let nowhere = owner.update_secret_version_stage().secret_id("staged").version_stage("X").send().await;
    assert_eq!(outcome(&nowhere), "InvalidParameterException", "neither MoveToVersionId nor RemoveFromVersionId");
    let unknown_version = owner
        .update_secret_version_stage()
        .secret_id("staged")
        .version_stage("X")
        .move_to_version_id("ffffffff-ffff-4fff-8fff-ffffffffffff")
        .send()
        .await;
    assert_eq!(outcome(&unknown_version), "InvalidParameterException", "a version the secret does not have");
    assert_eq!(current_value(&owner, "staged").await, "a", "nothing changed");
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_policies_are_rejected() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    create_secret(&owner, "policied", "a").await;
    for (policy, case) in [
        ("{not json", "not JSON"),
        (r#"{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"secretsmanager:*"}]}"#, "an unknown Effect"),
        (r#"{"Statement":[{"Effect":"Allow","Principal":"*"}]}"#, "no Action"),
    ] {
        let put = owner.put_resource_policy().secret_id("policied").resource_policy(policy).send().await;
        assert_eq!(outcome(&put), "MalformedPolicyDocumentException", "{case}");
        let validated =
            owner.validate_resource_policy().resource_policy(policy).send().await.expect("ValidateResourcePolicy");
        assert!(!validated.policy_validation_passed(), "{case} fails validation");
        assert!(!validated.validation_errors().is_empty(), "{case} has a validation error");
    }
    let read = owner.get_resource_policy().secret_id("policied").send().await.expect("GetResourcePolicy");
    assert_eq!(read.resource_policy(), None, "no policy was set");
    server.shutdown().await;
}

#[tokio::test]
async fn delete_parameters_are_checked() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    create_secret(&owner, "kept", "a").await;
    let both = owner
        .delete_secret()
        .secret_id("kept")
        .recovery_window_in_days(7)
        .force_delete_without_recovery(true)
        .send()
        .await;
    assert_eq!(outcome(&both), "InvalidParameterException", "RecoveryWindowInDays and ForceDeleteWithoutRecovery");
    for days in [6, 31] {
        let window = owner.delete_secret().secret_id("kept").recovery_window_in_days(days).send().await;
        assert_eq!(outcome(&window), "InvalidParameterException", "RecoveryWindowInDays {days}");
        assert!(message_of(&window).contains(&days.to_string()), "the message names {days}");
    }
    assert_eq!(current_value(&owner, "kept").await, "a", "the secret is not scheduled for deletion");
    server.shutdown().await;
}

#[tokio::test]
async fn names_tokens_and_ids_are_checked() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let bad_name = owner.create_secret().name("bad name!").secret_string("a").send().await;
    assert_eq!(outcome(&bad_name), "InvalidParameterException", "a space in the name");
    assert!(message_of(&bad_name).contains("bad name!"), "the message names the value");

    let short_token = owner.create_secret().name("ok").secret_string("a").client_request_token("short").send().await;
    assert_eq!(outcome(&short_token), "ValidationException", "a ClientRequestToken of 5 characters");

    let kms_arn = owner.describe_secret().secret_id("arn:aws:kms:ap-south-1:111111111111:key/x").send().await;
    assert_eq!(outcome(&kms_arn), "InvalidParameterException", "a KMS ARN as SecretId");
    let missing = owner.describe_secret().secret_id("nothing-here").send().await;
    assert_eq!(outcome(&missing), "ResourceNotFoundException");
    let length = owner.get_random_password().password_length(5000).send().await;
    assert_eq!(outcome(&length), "ValidationException", "PasswordLength 5000");
    server.shutdown().await;
}

#[tokio::test]
async fn empty_values_are_rejected() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    // SecretStringType and SecretBinaryType have a minimum length of 1 in the
    // API model (botocore 1.43.11, data/secretsmanager/2017-10-17/service-2.json).
    let text = owner.create_secret().name("blank").secret_string("").send().await;
    assert_eq!(outcome(&text), "ValidationException", "an empty SecretString");
    assert!(message_of(&text).contains("secretString"), "the message names the member: {}", message_of(&text));
    let binary = owner.create_secret().name("blank").secret_binary(Blob::new(Vec::new())).send().await;
    assert_eq!(outcome(&binary), "ValidationException", "an empty SecretBinary");

    create_secret(&owner, "filled", "a").await;
    let put = owner.put_secret_value().secret_id("filled").secret_string("").send().await;
    assert_eq!(outcome(&put), "ValidationException", "PutSecretValue with an empty SecretString");
    let update = owner.update_secret().secret_id("filled").secret_binary(Blob::new(Vec::new())).send().await;
    assert_eq!(outcome(&update), "ValidationException", "UpdateSecret with an empty SecretBinary");

    let missing = owner.describe_secret().secret_id("blank").send().await;
    assert_eq!(outcome(&missing), "ResourceNotFoundException", "no secret was created");
    assert_eq!(current_value(&owner, "filled").await, "a", "the value is unchanged");
    server.shutdown().await;
}

#[tokio::test]
async fn untag_keys_are_checked() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    create_secret(&owner, "tagged", "a").await;
    // TagKeyType is 1 to 128 characters in the API model (botocore 1.43.11,
    // data/secretsmanager/2017-10-17/service-2.json).
    let long_key = "k".repeat(129);
    let untag = owner.untag_resource().secret_id("tagged").tag_keys(&long_key).send().await;
    assert_eq!(outcome(&untag), "ValidationException", "a tag key of 129 characters");
    assert!(message_of(&untag).contains("129"), "the message names the length: {}", message_of(&untag));
    server.shutdown().await;
}

#[tokio::test]
async fn long_exclusions_are_named() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let password = owner.get_random_password().exclude_characters("x".repeat(4097)).send().await;
    assert_eq!(outcome(&password), "ValidationException", "ExcludeCharacters of 4097 characters");
    assert!(message_of(&password).contains("4097"), "the message names the length: {}", message_of(&password));
    server.shutdown().await;
}
