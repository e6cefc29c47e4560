//! Invalid requests get KMS's error codes and never a panic.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{MacAlgorithmSpec, SigningAlgorithmSpec};

use crate::common::{HOME_REGION, OWNER, client, error_of, key_of, outcome, start, symmetric_key};

#[tokio::test]
async fn invalid_key_spec_and_usage() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let spec = kms.create_key().key_spec("RSA_1024".into()).send().await;
    assert_eq!(outcome(&spec), "ValidationException", "unknown key spec");
    let usage = kms.create_key().key_spec("ECC_NIST_P256".into()).key_usage("ENCRYPT_DECRYPT".into()).send().await;
    assert_eq!(outcome(&usage), "ValidationException", "usage the spec does not allow");
    let hmac = kms.create_key().key_spec("HMAC_256".into()).key_usage("SIGN_VERIFY".into()).send().await;
    assert_eq!(outcome(&hmac), "ValidationException", "HMAC key for signing");
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_key_usage_for_operation() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (symmetric, _) = symmetric_key(&kms).await;
    let signer = key_of(&kms, "ECC_NIST_P256", "SIGN_VERIFY").await;
    let mac = key_of(&kms, "HMAC_256", "GENERATE_VERIFY_MAC").await;

    let encrypt = kms.encrypt().key_id(&signer).plaintext(Blob::new("x")).send().await;
    assert_eq!(outcome(&encrypt), "InvalidKeyUsageException", "Encrypt with a signing key");
    let sign = kms
        .sign()
        .key_id(&symmetric)
        .message(Blob::new("x"))
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await;
    assert_eq!(outcome(&sign), "InvalidKeyUsageException", "Sign with a symmetric key");
    let generate_mac = kms
        .generate_mac()
        .key_id(&symmetric)
        .message(Blob::new("x"))
        .mac_algorithm(MacAlgorithmSpec::HmacSha256)
        .send()
        .await;
    assert_eq!(outcome(&generate_mac), "InvalidKeyUsageException", "GenerateMac with a symmetric key");
    let data_key = kms.generate_data_key().key_id(&mac).number_of_bytes(32).send().await;
    assert_eq!(outcome(&data_key), "InvalidKeyUsageException", "GenerateDataKey with an HMAC key");
    let wrong_algorithm = kms
        .sign()
        .key_id(&signer)
        .message(Blob::new("x"))
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha384)
        .send()
        .await;
    assert_eq!(outcome(&wrong_algorithm), "InvalidKeyUsageException", "ECDSA_SHA_384 on a P-256 key");
    let public_key = kms.get_public_key().key_id(&symmetric).send().await;
    assert_eq!(outcome(&public_key), "UnsupportedOperationException", "GetPublicKey of a symmetric key");
    let rotation = kms.enable_key_rotation().key_id(&signer).send().await;
    assert_eq!(outcome(&rotation), "UnsupportedOperationException", "rotation of an asymmetric key");
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_ciphertext() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;
    let blob = kms.encrypt().key_id(&key_id).plaintext(Blob::new("x")).send().await.expect("Encrypt");
    let mut tampered = blob.ciphertext_blob().expect("blob").as_ref().to_vec();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;

    for (case, bytes) in [("garbage", b"not a ciphertext".to_vec()), ("one byte", vec![1]), ("tampered tag", tampered)]
    {
        let result = kms.decrypt().ciphertext_blob(Blob::new(bytes)).send().await;
        let error = result.expect_err(case);
        assert_eq!(error_of(&error), ("InvalidCiphertextException".to_owned(), 400), "{case}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn oversize_plaintext() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;
    let result = kms.encrypt().key_id(&key_id).plaintext(Blob::new(vec![7_u8; 4097])).send().await;
    assert_eq!(outcome(&result), "ValidationException", "4097 bytes");
    let limit = kms.encrypt().key_id(&key_id).plaintext(Blob::new(vec![7_u8; 4096])).send().await;
    assert_eq!(outcome(&limit), "ok", "4096 bytes");
    server.shutdown().await;
}

#[tokio::test]
async fn out_of_range_members() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;
    let window = kms.schedule_key_deletion().key_id(&key_id).pending_window_in_days(3).send().await;
    assert_eq!(outcome(&window), "ValidationException", "PendingWindowInDays 3");
    let random = kms.generate_random().number_of_bytes(2000).send().await;
    assert_eq!(outcome(&random), "ValidationException", "NumberOfBytes 2000");
    let bad_id = kms.describe_key().key_id("not-a-key").send().await;
    assert_eq!(outcome(&bad_id), "NotFoundException", "malformed key id");
    let missing = kms.describe_key().key_id("1234abcd-12ab-34cd-56ef-1234567890ab").send().await;
    assert_eq!(outcome(&missing), "NotFoundException", "unknown key id");
    let bad_alias = kms.create_alias().alias_name("orders").target_key_id(&key_id).send().await;
    assert_eq!(outcome(&bad_alias), "InvalidAliasNameException", "alias without alias/");
    let bad_grant_id = kms.revoke_grant().key_id(&key_id).grant_id("zz").send().await;
    assert_eq!(outcome(&bad_grant_id), "InvalidGrantIdException", "malformed grant id");
    let bad_grantee = kms
        .create_grant()
        .key_id(&key_id)
        .grantee_principal("someone")
        .operations(aws_sdk_kms::types::GrantOperation::Decrypt)
        .send()
        .await;
    assert_eq!(outcome(&bad_grantee), "InvalidArnException", "grantee that is not an ARN");
    server.shutdown().await;
}

#[tokio::test]
async fn server_keeps_serving_after_bad_input() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;
    for length in [0_usize, 1, 5, 40, 100] {
        let _ = kms.decrypt().ciphertext_blob(Blob::new(vec![1_u8; length])).send().await;
        let _ = kms
            .verify()
            .key_id(&key_id)
            .message(Blob::new("x"))
            .signature(Blob::new(vec![0_u8; length]))
            .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
            .send()
            .await;
    }
    let described = kms.describe_key().key_id(&key_id).send().await;
    assert_eq!(outcome(&described), "ok", "the server still serves");
    server.shutdown().await;
}

#[tokio::test]
async fn policy_lockout_check() {
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;
    let locked_out = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}"#;

    let put = kms.put_key_policy().key_id(&key_id).policy_name("default").policy(locked_out).send().await;
    assert_eq!(outcome(&put), "MalformedPolicyDocumentException", "PutKeyPolicy that locks the caller out");
    let create = kms.create_key().policy(locked_out).send().await;
    assert_eq!(outcome(&create), "MalformedPolicyDocumentException", "CreateKey that locks the caller out");
    let bypassed = kms
        .put_key_policy()
        .key_id(&key_id)
        .policy_name("default")
        .policy(locked_out)
        .bypass_policy_lockout_safety_check(true)
        .send()
        .await;
    assert_eq!(outcome(&bypassed), "ok", "the check is bypassed");
    server.shutdown().await;
}
