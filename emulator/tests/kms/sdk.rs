//! Every KMS operation through the official SDK, within one account.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{GrantOperation, KeyState, MacAlgorithmSpec, MessageType, SigningAlgorithmSpec, Tag};

use crate::common::{HOME_REGION, OWNER, client, error_of, key_of, outcome, start, symmetric_key};

#[tokio::test]
async fn key_lifecycle_operations() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);

    let created = kms
        .create_key()
        .description("orders")
        .tags(Tag::builder().tag_key("team").tag_value("payments").build().expect("tag"))
        .send()
        .await
        .expect("CreateKey");
    let metadata = created.key_metadata().expect("KeyMetadata");
    let key_id = metadata.key_id().to_owned();
    assert_eq!(metadata.aws_account_id(), Some(OWNER));
    assert_eq!(metadata.key_state(), Some(&KeyState::Enabled));
    assert_eq!(metadata.arn(), Some(format!("arn:aws:kms:{HOME_REGION}:{OWNER}:key/{key_id}").as_str()), "key ARN");

    let described = kms.describe_key().key_id(&key_id).send().await.expect("DescribeKey");
    assert_eq!(described.key_metadata().and_then(|m| m.description()), Some("orders"));

    let listed = kms.list_keys().send().await.expect("ListKeys");
    assert!(listed.keys().iter().any(|entry| entry.key_id() == Some(key_id.as_str())), "ListKeys lists the key");

    kms.update_key_description().key_id(&key_id).description("invoices").send().await.expect("UpdateKeyDescription");
    kms.disable_key().key_id(&key_id).send().await.expect("DisableKey");
    let disabled = kms.describe_key().key_id(&key_id).send().await.expect("DescribeKey");
    assert_eq!(disabled.key_metadata().and_then(|m| m.key_state()), Some(&KeyState::Disabled));
    kms.enable_key().key_id(&key_id).send().await.expect("EnableKey");

    kms.tag_resource()
        .key_id(&key_id)
        .tags(Tag::builder().tag_key("stage").tag_value("prod").build().expect("tag"))
        .send()
        .await
        .expect("TagResource");
    kms.untag_resource().key_id(&key_id).tag_keys("team").send().await.expect("UntagResource");
    let tags = kms.list_resource_tags().key_id(&key_id).send().await.expect("ListResourceTags");
    let keys: Vec<&str> = tags.tags().iter().map(|tag| tag.tag_key()).collect();
    assert_eq!(keys, ["stage"], "tags after untagging");

    let scheduled = kms
        .schedule_key_deletion()
        .key_id(&key_id)
        .pending_window_in_days(7)
        .send()
        .await
        .expect("ScheduleKeyDeletion");
    assert_eq!(scheduled.key_state(), Some(&KeyState::PendingDeletion));
    assert_eq!(scheduled.pending_window_in_days(), Some(7));
    kms.cancel_key_deletion().key_id(&key_id).send().await.expect("CancelKeyDeletion");
    let cancelled = kms.describe_key().key_id(&key_id).send().await.expect("DescribeKey");
    assert_eq!(cancelled.key_metadata().and_then(|m| m.key_state()), Some(&KeyState::Disabled));

    server.shutdown().await;
}

#[tokio::test]
async fn multi_region_key_has_mrk_id() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let created = kms.create_key().multi_region(true).send().await.expect("CreateKey");
    let metadata = created.key_metadata().expect("KeyMetadata");
    assert!(metadata.key_id().starts_with("mrk-"), "{}", metadata.key_id());
    assert_eq!(metadata.multi_region(), Some(true));
    let described = kms.describe_key().key_id(metadata.key_id()).send().await.expect("DescribeKey by mrk- id");
    assert!(described.key_metadata().is_some());
    server.shutdown().await;
}

#[tokio::test]
async fn alias_operations() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (first, _) = symmetric_key(&kms).await;
    let (second, _) = symmetric_key(&kms).await;

    kms.create_alias().alias_name("alias/orders").target_key_id(&first).send().await.expect("CreateAlias");
    let by_alias = kms.describe_key().key_id("alias/orders").send().await.expect("DescribeKey by alias");
    assert_eq!(by_alias.key_metadata().map(|m| m.key_id()), Some(first.as_str()));

    let duplicate = kms.create_alias().alias_name("alias/orders").target_key_id(&second).send().await;
    assert_eq!(outcome(&duplicate), "AlreadyExistsException");

    kms.update_alias().alias_name("alias/orders").target_key_id(&second).send().await.expect("UpdateAlias");
    let listed = kms.list_aliases().send().await.expect("ListAliases");
    let entry = listed.aliases().iter().find(|alias| alias.alias_name() == Some("alias/orders")).expect("alias listed");
    assert_eq!(entry.target_key_id(), Some(second.as_str()));
    assert_eq!(entry.alias_arn(), Some(format!("arn:aws:kms:{HOME_REGION}:{OWNER}:alias/orders").as_str()));
    let filtered = kms.list_aliases().key_id(&first).send().await.expect("ListAliases by key");
    assert!(filtered.aliases().is_empty(), "the first key has no alias left");

    kms.delete_alias().alias_name("alias/orders").send().await.expect("DeleteAlias");
    let gone = kms.describe_key().key_id("alias/orders").send().await;
    assert_eq!(outcome(&gone), "NotFoundException");

    let reserved = kms.create_alias().alias_name("alias/aws/s3").target_key_id(&first).send().await;
    assert_eq!(outcome(&reserved), "InvalidAliasNameException");
    server.shutdown().await;
}

#[tokio::test]
async fn symmetric_encrypt_decrypt_reencrypt() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, key_arn) = symmetric_key(&kms).await;
    let (other_id, other_arn) = symmetric_key(&kms).await;

    let encrypted = kms
        .encrypt()
        .key_id(&key_id)
        .plaintext(Blob::new("attack at dawn"))
        .encryption_context("order", "42")
        .send()
        .await
        .expect("Encrypt");
    assert_eq!(encrypted.key_id(), Some(key_arn.as_str()));
    let blob = encrypted.ciphertext_blob().expect("CiphertextBlob").clone();

    let decrypted = kms
        .decrypt()
        .ciphertext_blob(blob.clone())
        .encryption_context("order", "42")
        .send()
        .await
        .expect("Decrypt without KeyId");
    assert_eq!(decrypted.plaintext().map(Blob::as_ref), Some(&b"attack at dawn"[..]));
    assert_eq!(decrypted.key_id(), Some(key_arn.as_str()));

    let wrong_context = kms.decrypt().ciphertext_blob(blob.clone()).encryption_context("order", "43").send().await;
    assert_eq!(outcome(&wrong_context), "InvalidCiphertextException");
    let no_context = kms.decrypt().ciphertext_blob(blob.clone()).send().await;
    assert_eq!(outcome(&no_context), "InvalidCiphertextException");

    let wrong_key =
        kms.decrypt().key_id(&other_id).ciphertext_blob(blob.clone()).encryption_context("order", "42").send().await;
    assert_eq!(outcome(&wrong_key), "IncorrectKeyException");

    let re_encrypted = kms
        .re_encrypt()
        .ciphertext_blob(blob)
        .source_encryption_context("order", "42")
        .destination_key_id(&other_id)
        .send()
        .await
        .expect("ReEncrypt");
    assert_eq!(re_encrypted.source_key_id(), Some(key_arn.as_str()));
    assert_eq!(re_encrypted.key_id(), Some(other_arn.as_str()));
    let again = kms
        .decrypt()
        .ciphertext_blob(re_encrypted.ciphertext_blob().expect("blob").clone())
        .send()
        .await
        .expect("Decrypt after ReEncrypt");
    assert_eq!(again.plaintext().map(Blob::as_ref), Some(&b"attack at dawn"[..]));
    server.shutdown().await;
}

#[tokio::test]
async fn rotation_keeps_old_material() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;

    let before = kms.encrypt().key_id(&key_id).plaintext(Blob::new("v1")).send().await.expect("Encrypt");
    kms.enable_key_rotation().key_id(&key_id).rotation_period_in_days(90).send().await.expect("EnableKeyRotation");
    let status = kms.get_key_rotation_status().key_id(&key_id).send().await.expect("GetKeyRotationStatus");
    assert!(status.key_rotation_enabled(), "rotation enabled");
    assert_eq!(status.rotation_period_in_days(), Some(90));

    kms.rotate_key_on_demand().key_id(&key_id).send().await.expect("RotateKeyOnDemand");
    let after = kms.encrypt().key_id(&key_id).plaintext(Blob::new("v2")).send().await.expect("Encrypt");
    for (blob, expected) in [(before.ciphertext_blob(), "v1"), (after.ciphertext_blob(), "v2")] {
        let decrypted = kms.decrypt().ciphertext_blob(blob.expect("blob").clone()).send().await.expect("Decrypt");
        assert_eq!(decrypted.plaintext().map(Blob::as_ref), Some(expected.as_bytes()), "{expected}");
    }

    kms.disable_key_rotation().key_id(&key_id).send().await.expect("DisableKeyRotation");
    let status = kms.get_key_rotation_status().key_id(&key_id).send().await.expect("GetKeyRotationStatus");
    assert!(!status.key_rotation_enabled(), "rotation disabled");
    server.shutdown().await;
}

#[tokio::test]
async fn data_keys_and_random() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, key_arn) = symmetric_key(&kms).await;

    let data_key =
        kms.generate_data_key().key_id(&key_id).key_spec("AES_256".into()).send().await.expect("GenerateDataKey");
    assert_eq!(data_key.plaintext().map(|p| p.as_ref().len()), Some(32));
    assert_eq!(data_key.key_id(), Some(key_arn.as_str()));

    let without = kms
        .generate_data_key_without_plaintext()
        .key_id(&key_id)
        .number_of_bytes(16)
        .send()
        .await
        .expect("GenerateDataKeyWithoutPlaintext");
    let decrypted = kms
        .decrypt()
        .ciphertext_blob(without.ciphertext_blob().expect("blob").clone())
        .send()
        .await
        .expect("Decrypt the data key");
    assert_eq!(decrypted.plaintext().map(|p| p.as_ref().len()), Some(16));

    let pair = kms
        .generate_data_key_pair()
        .key_id(&key_id)
        .key_pair_spec("ECC_NIST_P256".into())
        .send()
        .await
        .expect("GenerateDataKeyPair");
    assert!(pair.private_key_plaintext().is_some(), "private key in plaintext");
    assert!(pair.public_key().is_some_and(|key| !key.as_ref().is_empty()), "public key");
    let pair_without = kms
        .generate_data_key_pair_without_plaintext()
        .key_id(&key_id)
        .key_pair_spec("RSA_2048".into())
        .send()
        .await
        .expect("GenerateDataKeyPairWithoutPlaintext");
    let private_key = kms
        .decrypt()
        .ciphertext_blob(pair_without.private_key_ciphertext_blob().expect("blob").clone())
        .send()
        .await
        .expect("Decrypt the private key");
    assert!(private_key.plaintext().is_some_and(|key| key.as_ref().len() > 1000), "an RSA PKCS #8 key");

    let random = kms.generate_random().number_of_bytes(64).send().await.expect("GenerateRandom");
    assert_eq!(random.plaintext().map(|p| p.as_ref().len()), Some(64));
    server.shutdown().await;
}

#[tokio::test]
async fn sign_verify_every_key_spec() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let cases = [
        ("RSA_2048", SigningAlgorithmSpec::RsassaPssSha256),
        ("RSA_3072", SigningAlgorithmSpec::RsassaPkcs1V15Sha384),
        ("ECC_NIST_P256", SigningAlgorithmSpec::EcdsaSha256),
        ("ECC_NIST_P384", SigningAlgorithmSpec::EcdsaSha384),
        ("ECC_NIST_P521", SigningAlgorithmSpec::EcdsaSha512),
        ("ECC_SECG_P256K1", SigningAlgorithmSpec::EcdsaSha256),
    ];
    for (spec, algorithm) in cases {
        let key_arn = key_of(&kms, spec, "SIGN_VERIFY").await;
        let signed = kms
            .sign()
            .key_id(&key_arn)
            .message(Blob::new("ledger"))
            .message_type(MessageType::Raw)
            .signing_algorithm(algorithm.clone())
            .send()
            .await
            .unwrap_or_else(|error| panic!("Sign with {spec}: {error:?}"));
        let signature = signed.signature().expect("Signature").clone();

        let verified = kms
            .verify()
            .key_id(&key_arn)
            .message(Blob::new("ledger"))
            .signature(signature.clone())
            .signing_algorithm(algorithm.clone())
            .send()
            .await
            .unwrap_or_else(|error| panic!("Verify with {spec}: {error:?}"));
        assert!(verified.signature_valid(), "{spec} signature valid");

        let tampered = kms
            .verify()
            .key_id(&key_arn)
            .message(Blob::new("ledger!"))
            .signature(signature)
            .signing_algorithm(algorithm.clone())
            .send()
            .await;
        assert_eq!(outcome(&tampered), "KMSInvalidSignatureException", "{spec} tampered message");

        let public_key = kms.get_public_key().key_id(&key_arn).send().await.expect("GetPublicKey");
        assert!(public_key.public_key().is_some_and(|der| der.as_ref()[0] == 0x30), "{spec} DER sequence");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn sign_digest_message_type() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let key_arn = key_of(&kms, "ECC_NIST_P256", "SIGN_VERIFY").await;
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, b"ledger");
    let signed = kms
        .sign()
        .key_id(&key_arn)
        .message(Blob::new(digest.as_ref()))
        .message_type(MessageType::Digest)
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await
        .expect("Sign a digest");
    let verified = kms
        .verify()
        .key_id(&key_arn)
        .message(Blob::new("ledger"))
        .message_type(MessageType::Raw)
        .signature(signed.signature().expect("Signature").clone())
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await
        .expect("Verify the raw message");
    assert!(verified.signature_valid(), "a DIGEST signature verifies against the RAW message");
    server.shutdown().await;
}

#[tokio::test]
async fn mac_every_hmac_spec() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let cases = [
        ("HMAC_224", MacAlgorithmSpec::HmacSha224, 28),
        ("HMAC_256", MacAlgorithmSpec::HmacSha256, 32),
        ("HMAC_384", MacAlgorithmSpec::HmacSha384, 48),
        ("HMAC_512", MacAlgorithmSpec::HmacSha512, 64),
    ];
    for (spec, algorithm, length) in cases {
        let key_arn = key_of(&kms, spec, "GENERATE_VERIFY_MAC").await;
        let mac = kms
            .generate_mac()
            .key_id(&key_arn)
            .message(Blob::new("payload"))
            .mac_algorithm(algorithm.clone())
            .send()
            .await
            .expect("GenerateMac");
        let tag = mac.mac().expect("Mac").clone();
        assert_eq!(tag.as_ref().len(), length, "{spec} MAC length");

        let verified = kms
            .verify_mac()
            .key_id(&key_arn)
            .message(Blob::new("payload"))
            .mac(tag.clone())
            .mac_algorithm(algorithm.clone())
            .send()
            .await
            .expect("VerifyMac");
        assert!(verified.mac_valid(), "{spec} MAC valid");

        let tampered = kms
            .verify_mac()
            .key_id(&key_arn)
            .message(Blob::new("payload2"))
            .mac(tag)
            .mac_algorithm(algorithm)
            .send()
            .await;
        assert_eq!(outcome(&tampered), "KMSInvalidMacException", "{spec} tampered message");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn key_policy_operations() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;

    let policy = kms.get_key_policy().key_id(&key_id).policy_name("default").send().await.expect("GetKeyPolicy");
    let text = policy.policy().expect("Policy");
    assert!(text.contains(&format!("arn:aws:iam::{OWNER}:root")), "{text}");

    let names = kms.list_key_policies().key_id(&key_id).send().await.expect("ListKeyPolicies");
    assert_eq!(names.policy_names(), ["default"]);

    let new_policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    );
    kms.put_key_policy().key_id(&key_id).policy_name("default").policy(&new_policy).send().await.expect("PutKeyPolicy");
    let read_back = kms.get_key_policy().key_id(&key_id).send().await.expect("GetKeyPolicy");
    assert_eq!(read_back.policy(), Some(new_policy.as_str()));

    let malformed = kms.put_key_policy().key_id(&key_id).policy_name("default").policy("{not json").send().await;
    assert_eq!(outcome(&malformed), "MalformedPolicyDocumentException");
    server.shutdown().await;
}

#[tokio::test]
async fn grant_operations_within_account() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, key_arn) = symmetric_key(&kms).await;
    let grantee = "arn:aws:iam::111111111111:role/worker";
    let retiree = "arn:aws:iam::111111111111:role/janitor";

    let grant = kms
        .create_grant()
        .key_id(&key_id)
        .grantee_principal(grantee)
        .retiring_principal(retiree)
        .operations(GrantOperation::Decrypt)
        .operations(GrantOperation::Encrypt)
        .name("worker")
        .send()
        .await
        .expect("CreateGrant");
    let grant_id = grant.grant_id().expect("GrantId").to_owned();
    assert_eq!(grant_id.len(), 64, "{grant_id}");

    let listed = kms.list_grants().key_id(&key_id).send().await.expect("ListGrants");
    assert_eq!(listed.grants().len(), 1);
    assert_eq!(listed.grants()[0].key_id(), Some(key_arn.as_str()));
    assert_eq!(listed.grants()[0].grantee_principal(), Some(grantee));

    let retirable = kms.list_retirable_grants().retiring_principal(retiree).send().await.expect("ListRetirableGrants");
    assert_eq!(retirable.grants().len(), 1);

    kms.revoke_grant().key_id(&key_id).grant_id(&grant_id).send().await.expect("RevokeGrant");
    let after = kms.list_grants().key_id(&key_id).send().await.expect("ListGrants");
    assert!(after.grants().is_empty(), "revoked");

    let second = kms
        .create_grant()
        .key_id(&key_id)
        .grantee_principal(grantee)
        .operations(GrantOperation::Decrypt)
        .send()
        .await
        .expect("CreateGrant");
    kms.retire_grant().grant_token(second.grant_token().expect("token")).send().await.expect("RetireGrant by token");
    let revoke_again = kms.revoke_grant().key_id(&key_id).grant_id(second.grant_id().expect("id")).send().await;
    assert_eq!(outcome(&revoke_again), "NotFoundException");
    server.shutdown().await;
}

#[tokio::test]
async fn disabled_and_pending_keys_refuse_use() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;
    let blob = kms.encrypt().key_id(&key_id).plaintext(Blob::new("x")).send().await.expect("Encrypt");
    let blob = blob.ciphertext_blob().expect("blob").clone();

    kms.disable_key().key_id(&key_id).send().await.expect("DisableKey");
    let encrypt = kms.encrypt().key_id(&key_id).plaintext(Blob::new("x")).send().await;
    assert_eq!(outcome(&encrypt), "DisabledException");
    let decrypt = kms.decrypt().ciphertext_blob(blob.clone()).send().await;
    assert_eq!(outcome(&decrypt), "DisabledException");

    kms.schedule_key_deletion().key_id(&key_id).send().await.expect("ScheduleKeyDeletion");
    let decrypt = kms.decrypt().ciphertext_blob(blob).send().await;
    let error = decrypt.expect_err("pending deletion");
    assert_eq!(error_of(&error), ("KMSInvalidStateException".to_owned(), 400));
    server.shutdown().await;
}
