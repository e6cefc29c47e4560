//! Imported key material, wrapped by `openssl` and checked by RustCrypto.
//!
//! The test chooses the key material itself, so each result that KMS computes
//! with it can be recomputed outside the emulator. A MAC from GenerateMac is
//! recomputed with RustCrypto's `hmac`. The wrapping that ImportKeyMaterial
//! undoes is done by `openssl pkeyutl` (RSAES-OAEP) and
//! `openssl enc -id-aes256-wrap-pad` (AES key wrap with padding).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_kms::Client;
use aws_sdk_kms::primitives::{Blob, DateTime};
use aws_sdk_kms::types::{
    AlgorithmSpec, ExpirationModelType, KeySpec, KeyState, KeyUsageType, MacAlgorithmSpec, OriginType, WrappingKeySpec,
};
use hmac::{KeyInit, Mac};

use crate::common::{HOME_REGION, OWNER, Scratch, client, openssl, openssl_available, outcome, start, symmetric_key};

/// Creates a key of origin EXTERNAL and returns its ARN.
async fn external_key(kms: &Client, spec: KeySpec, usage: KeyUsageType) -> String {
    let created = kms.create_key().key_spec(spec).key_usage(usage).origin(OriginType::External).send().await;
    let metadata = created.expect("CreateKey with origin EXTERNAL").key_metadata.expect("KeyMetadata");
    assert_eq!(metadata.origin(), Some(&OriginType::External));
    assert_eq!(metadata.key_state(), Some(&KeyState::PendingImport));
    assert!(!metadata.enabled());
    metadata.arn().expect("Arn").to_owned()
}

/// The import token and wrapping public key of one GetParametersForImport call.
struct ImportParameters {
    import_token: Blob,
    public_key_der: String,
}

async fn import_parameters(
    kms: &Client,
    key_arn: &str,
    algorithm: AlgorithmSpec,
    scratch: &Scratch,
) -> ImportParameters {
    let parameters = kms
        .get_parameters_for_import()
        .key_id(key_arn)
        .wrapping_algorithm(algorithm)
        .wrapping_key_spec(WrappingKeySpec::Rsa3072)
        .send()
        .await
        .expect("GetParametersForImport");
    assert_eq!(parameters.key_id(), Some(key_arn));
    let public_key = parameters.public_key().expect("PublicKey");
    ImportParameters {
        import_token: parameters.import_token().expect("ImportToken").clone(),
        public_key_der: scratch.write("wrapping-public.der", public_key.as_ref()),
    }
}

/// Wraps `material` with RSAES-OAEP SHA-256 under the wrapping key, with openssl.
fn wrap_with_oaep(parameters: &ImportParameters, material: &[u8], scratch: &Scratch) -> Vec<u8> {
    let plain = scratch.write("material.bin", material);
    let wrapped = scratch.path("material.wrapped");
    openssl(&[
        "pkeyutl",
        "-encrypt",
        "-pubin",
        "-keyform",
        "DER",
        "-inkey",
        &parameters.public_key_der,
        "-in",
        &plain,
        "-out",
        &wrapped,
        "-pkeyopt",
        "rsa_padding_mode:oaep",
        "-pkeyopt",
        "rsa_oaep_md:sha256",
        "-pkeyopt",
        "rsa_mgf1_md:sha256",
    ]);
    scratch.read("material.wrapped")
}

/// Wraps `material` as RSA_AES_KEY_WRAP_SHA_256 does, with openssl: a fresh
/// AES-256 key under RSAES-OAEP SHA-256, followed by the material under that
/// AES key with AES key wrap with padding.
fn wrap_with_aes_key_wrap(parameters: &ImportParameters, material: &[u8], scratch: &Scratch) -> Vec<u8> {
    let aes_key: Vec<u8> = (0_u8..32).map(|byte| byte.wrapping_mul(37).wrapping_add(11)).collect();
    let mut wrapped = wrap_with_oaep(parameters, &aes_key, scratch);
    let plain = scratch.write("material-for-aes.bin", material);
    let aes_wrapped = scratch.path("material.aes-wrapped");
    let hex_key: String = aes_key.iter().map(|byte| format!("{byte:02x}")).collect();
    openssl(&["enc", "-id-aes256-wrap-pad", "-K", &hex_key, "-iv", "A65959A6", "-in", &plain, "-out", &aes_wrapped]);
    wrapped.extend(scratch.read("material.aes-wrapped"));
    wrapped
}

async fn import(kms: &Client, key_arn: &str, parameters: &ImportParameters, wrapped: Vec<u8>) {
    kms.import_key_material()
        .key_id(key_arn)
        .import_token(parameters.import_token.clone())
        .encrypted_key_material(Blob::new(wrapped))
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .send()
        .await
        .expect("ImportKeyMaterial");
}

/// Returns `length` bytes that differ from key to key.
fn material(length: usize, seed: u8) -> Vec<u8> {
    (0..length).map(|index| u8::try_from(index % 251).unwrap_or(0).wrapping_mul(7).wrapping_add(seed)).collect()
}

fn rustcrypto_mac(spec: &KeySpec, key: &[u8], message: &[u8]) -> Vec<u8> {
    fn compute<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut mac = <M as KeyInit>::new_from_slice(key).expect("any HMAC key length");
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
    match spec {
        KeySpec::Hmac224 => compute::<hmac::Hmac<sha2::Sha224>>(key, message),
        KeySpec::Hmac256 => compute::<hmac::Hmac<sha2::Sha256>>(key, message),
        KeySpec::Hmac384 => compute::<hmac::Hmac<sha2::Sha384>>(key, message),
        _ => compute::<hmac::Hmac<sha2::Sha512>>(key, message),
    }
}

#[tokio::test]
async fn generate_mac_matches_rustcrypto_with_imported_material() {
    if !openssl_available() {
        return;
    }
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let cases = [
        (KeySpec::Hmac224, MacAlgorithmSpec::HmacSha224, 28),
        (KeySpec::Hmac256, MacAlgorithmSpec::HmacSha256, 32),
        (KeySpec::Hmac384, MacAlgorithmSpec::HmacSha384, 100),
        (KeySpec::Hmac512, MacAlgorithmSpec::HmacSha512, 128),
    ];
    for (seed, (spec, algorithm, length)) in (1_u8..).zip(cases) {
        let scratch = Scratch::new(&format!("import-{}", spec.as_str()));
        let key_arn = external_key(&kms, spec.clone(), KeyUsageType::GenerateVerifyMac).await;
        let message = format!("a message for {}", spec.as_str());

        let before = kms
            .generate_mac()
            .key_id(&key_arn)
            .message(Blob::new(message.as_bytes()))
            .mac_algorithm(algorithm.clone())
            .send()
            .await;
        assert_eq!(outcome(&before), "KMSInvalidStateException", "{spec:?} before the import");

        let key_material = material(length, seed);
        let parameters = import_parameters(&kms, &key_arn, AlgorithmSpec::RsaesOaepSha256, &scratch).await;
        import(&kms, &key_arn, &parameters, wrap_with_oaep(&parameters, &key_material, &scratch)).await;

        let generated = kms
            .generate_mac()
            .key_id(&key_arn)
            .message(Blob::new(message.as_bytes()))
            .mac_algorithm(algorithm.clone())
            .send()
            .await
            .expect("GenerateMac after the import");
        let expected = rustcrypto_mac(&spec, &key_material, message.as_bytes());
        assert_eq!(generated.mac().expect("Mac").as_ref(), expected.as_slice(), "{spec:?}");

        let verified = kms
            .verify_mac()
            .key_id(&key_arn)
            .message(Blob::new(message.as_bytes()))
            .mac(Blob::new(expected))
            .mac_algorithm(algorithm)
            .send()
            .await
            .expect("VerifyMac of RustCrypto's MAC");
        assert!(verified.mac_valid(), "{spec:?}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn symmetric_key_material_survives_delete_and_reimport() {
    if !openssl_available() {
        return;
    }
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let scratch = Scratch::new("import-symmetric");
    let key_arn = external_key(&kms, KeySpec::SymmetricDefault, KeyUsageType::EncryptDecrypt).await;
    let key_material = material(32, 90);

    let parameters = import_parameters(&kms, &key_arn, AlgorithmSpec::RsaAesKeyWrapSha256, &scratch).await;
    import(&kms, &key_arn, &parameters, wrap_with_aes_key_wrap(&parameters, &key_material, &scratch)).await;
    let described = kms.describe_key().key_id(&key_arn).send().await.expect("DescribeKey");
    let metadata = described.key_metadata().expect("KeyMetadata");
    assert_eq!(metadata.key_state(), Some(&KeyState::Enabled));
    assert_eq!(metadata.expiration_model(), Some(&ExpirationModelType::KeyMaterialDoesNotExpire));

    let encrypted =
        kms.encrypt().key_id(&key_arn).plaintext(Blob::new("kept secret")).send().await.expect("Encrypt");
    let blob = encrypted.ciphertext_blob().expect("CiphertextBlob").clone();

    kms.delete_imported_key_material().key_id(&key_arn).send().await.expect("DeleteImportedKeyMaterial");
    let without_material = kms.decrypt().ciphertext_blob(blob.clone()).send().await;
    assert_eq!(outcome(&without_material), "KMSInvalidStateException");
    let enabled = kms.enable_key().key_id(&key_arn).send().await;
    assert_eq!(outcome(&enabled), "KMSInvalidStateException");

    // Different material is refused, and the key stays without material.
    let parameters = import_parameters(&kms, &key_arn, AlgorithmSpec::RsaesOaepSha256, &scratch).await;
    let other_material = material(32, 91);
    let rejected = kms
        .import_key_material()
        .key_id(&key_arn)
        .import_token(parameters.import_token.clone())
        .encrypted_key_material(Blob::new(wrap_with_oaep(&parameters, &other_material, &scratch)))
        .send()
        .await;
    assert_eq!(outcome(&rejected), "IncorrectKeyMaterialException");
    let described = kms.describe_key().key_id(&key_arn).send().await.expect("DescribeKey");
    assert_eq!(described.key_metadata().and_then(|metadata| metadata.key_state()), Some(&KeyState::PendingImport));

    // The same material, wrapped the other way, brings the old ciphertext back.
    import(&kms, &key_arn, &parameters, wrap_with_oaep(&parameters, &key_material, &scratch)).await;
    let decrypted = kms.decrypt().ciphertext_blob(blob).send().await.expect("Decrypt after the reimport");
    assert_eq!(decrypted.plaintext().expect("Plaintext").as_ref(), b"kept secret");
    server.shutdown().await;
}

#[tokio::test]
async fn imported_material_expires_at_valid_to() {
    if !openssl_available() {
        return;
    }
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let scratch = Scratch::new("import-expiry");
    let key_arn = external_key(&kms, KeySpec::SymmetricDefault, KeyUsageType::EncryptDecrypt).await;
    let parameters = import_parameters(&kms, &key_arn, AlgorithmSpec::RsaesOaepSha256, &scratch).await;
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970");
    let valid_to = DateTime::from_secs(i64::try_from(since_epoch.as_secs()).expect("seconds") + 2);
    kms.import_key_material()
        .key_id(&key_arn)
        .import_token(parameters.import_token.clone())
        .encrypted_key_material(Blob::new(wrap_with_oaep(&parameters, &material(32, 5), &scratch)))
        .expiration_model(ExpirationModelType::KeyMaterialExpires)
        .valid_to(valid_to)
        .send()
        .await
        .expect("ImportKeyMaterial with ValidTo");
    kms.encrypt().key_id(&key_arn).plaintext(Blob::new("before")).send().await.expect("Encrypt before ValidTo");

    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let after = kms.encrypt().key_id(&key_arn).plaintext(Blob::new("after")).send().await;
    assert_eq!(outcome(&after), "KMSInvalidStateException");
    let described = kms.describe_key().key_id(&key_arn).send().await.expect("DescribeKey");
    let metadata = described.key_metadata().expect("KeyMetadata");
    assert_eq!(metadata.key_state(), Some(&KeyState::PendingImport));
    assert_eq!(metadata.valid_to(), None);
    server.shutdown().await;
}

#[tokio::test]
async fn import_rejects_bad_parameters() {
    if !openssl_available() {
        return;
    }
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let scratch = Scratch::new("import-bad-input");

    // A key whose material KMS generated takes no import.
    let (_, generated_arn) = symmetric_key(&kms).await;
    let not_external = kms
        .get_parameters_for_import()
        .key_id(&generated_arn)
        .wrapping_algorithm(AlgorithmSpec::RsaesOaepSha256)
        .wrapping_key_spec(WrappingKeySpec::Rsa2048)
        .send()
        .await;
    assert_eq!(outcome(&not_external), "UnsupportedOperationException");

    let key_arn = external_key(&kms, KeySpec::SymmetricDefault, KeyUsageType::EncryptDecrypt).await;
    let parameters = import_parameters(&kms, &key_arn, AlgorithmSpec::RsaesOaepSha256, &scratch).await;
    let good = wrap_with_oaep(&parameters, &material(32, 7), &scratch);
    let cases = [
        ("an unknown import token", Blob::new(vec![7_u8; 64]), good.clone(), None, "InvalidImportTokenException"),
        (
            "material that does not unwrap",
            parameters.import_token.clone(),
            vec![1_u8; 384],
            None,
            "InvalidCiphertextException",
        ),
        (
            "16 bytes of material for a 32-byte key",
            parameters.import_token.clone(),
            wrap_with_oaep(&parameters, &material(16, 7), &scratch),
            None,
            "IncorrectKeyMaterialException",
        ),
        (
            "a ValidTo with KEY_MATERIAL_DOES_NOT_EXPIRE",
            parameters.import_token.clone(),
            good.clone(),
            Some(DateTime::from_secs(4_000_000_000)),
            "ValidationException",
        ),
    ];
    for (case, token, wrapped, valid_to, expected) in cases {
        let imported = kms
            .import_key_material()
            .key_id(&key_arn)
            .import_token(token)
            .encrypted_key_material(Blob::new(wrapped))
            .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
            .set_valid_to(valid_to)
            .send()
            .await;
        assert_eq!(outcome(&imported), expected, "{case}");
    }

    // None of them changed the key.
    let described = kms.describe_key().key_id(&key_arn).send().await.expect("DescribeKey");
    assert_eq!(described.key_metadata().and_then(|metadata| metadata.key_state()), Some(&KeyState::PendingImport));
    server.shutdown().await;
}
