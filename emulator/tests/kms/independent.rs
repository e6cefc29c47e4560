//! The emulator's cryptography checked by other implementations:
//!
//! - signatures from Sign verify with `openssl dgst -verify`, using the
//!   public key from GetPublicKey converted from DER by `openssl pkey`;
//! - a blob that `openssl pkeyutl -encrypt` made with RSA-OAEP under that
//!   public key decrypts with Decrypt;
//! - GenerateDataKey's plaintext works as an AES-256 key for `openssl enc`,
//!   and the copy recovered by decrypting CiphertextBlob decrypts what the
//!   first copy encrypted;
//! - GenerateDataKeyPair's private key yields its public key under `openssl pkey`;
//! - the emulator's HMAC primitive agrees with RustCrypto's `hmac`. KMS
//!   never exports an HMAC key, so the end-to-end check of GenerateMac uses
//!   key material the test imports itself (see the `import` tests).

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{EncryptionAlgorithmSpec, MessageType, SigningAlgorithmSpec};
use hmac::{KeyInit, Mac};

use crate::common::{HOME_REGION, OWNER, Scratch, client, key_of, openssl, openssl_available, start, symmetric_key};

/// Writes the key's public key as PEM, converted from GetPublicKey's DER by openssl itself.
async fn public_key_pem(kms: &aws_sdk_kms::Client, key_arn: &str, scratch: &Scratch) -> String {
    let public_key = kms.get_public_key().key_id(key_arn).send().await.expect("GetPublicKey");
    let der = scratch.write("public.der", public_key.public_key().expect("PublicKey").as_ref());
    let pem = scratch.path("public.pem");
    openssl(&["pkey", "-pubin", "-inform", "DER", "-in", &der, "-out", &pem]);
    pem
}

#[tokio::test]
async fn openssl_verifies_sign_output() {
    if !openssl_available() {
        return;
    }
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let cases: [(&str, SigningAlgorithmSpec, &str, &[&str]); 6] = [
        (
            "RSA_2048",
            SigningAlgorithmSpec::RsassaPssSha256,
            "-sha256",
            &["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"],
        ),
        ("RSA_3072", SigningAlgorithmSpec::RsassaPkcs1V15Sha512, "-sha512", &[]),
        ("ECC_NIST_P256", SigningAlgorithmSpec::EcdsaSha256, "-sha256", &[]),
        ("ECC_NIST_P384", SigningAlgorithmSpec::EcdsaSha384, "-sha384", &[]),
        ("ECC_NIST_P521", SigningAlgorithmSpec::EcdsaSha512, "-sha512", &[]),
        ("ECC_SECG_P256K1", SigningAlgorithmSpec::EcdsaSha256, "-sha256", &[]),
    ];
    for (spec, algorithm, digest, options) in cases {
        let scratch = Scratch::new(&format!("sign-{spec}"));
        let key_arn = key_of(&kms, spec, "SIGN_VERIFY").await;
        let message = format!("a message signed with {spec}");
        let signed = kms
            .sign()
            .key_id(&key_arn)
            .message(Blob::new(message.as_bytes()))
            .message_type(MessageType::Raw)
            .signing_algorithm(algorithm)
            .send()
            .await
            .unwrap_or_else(|error| panic!("Sign with {spec}: {error:?}"));

        let pem = public_key_pem(&kms, &key_arn, &scratch).await;
        let message_path = scratch.write("message.bin", message.as_bytes());
        let signature_path = scratch.write("signature.bin", signed.signature().expect("Signature").as_ref());
        let mut args = vec!["dgst", digest, "-verify", pem.as_str(), "-signature", signature_path.as_str()];
        args.extend_from_slice(options);
        args.push(&message_path);
        let verified = openssl(&args);
        assert!(verified.contains("Verified OK"), "{spec}: openssl printed {verified:?}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn decrypt_accepts_openssl_oaep_blob() {
    if !openssl_available() {
        return;
    }
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let cases =
        [(EncryptionAlgorithmSpec::RsaesOaepSha256, "sha256"), (EncryptionAlgorithmSpec::RsaesOaepSha1, "sha1")];
    let key_arn = key_of(&kms, "RSA_2048", "ENCRYPT_DECRYPT").await;
    for (algorithm, digest) in cases {
        let scratch = Scratch::new(&format!("oaep-{digest}"));
        let pem = public_key_pem(&kms, &key_arn, &scratch).await;
        let plaintext = scratch.write("plain.bin", b"encrypted outside the emulator");
        let ciphertext = scratch.path("cipher.bin");
        let md = format!("rsa_oaep_md:{digest}");
        let mgf = format!("rsa_mgf1_md:{digest}");
        openssl(&[
            "pkeyutl",
            "-encrypt",
            "-pubin",
            "-inkey",
            &pem,
            "-in",
            &plaintext,
            "-out",
            &ciphertext,
            "-pkeyopt",
            "rsa_padding_mode:oaep",
            "-pkeyopt",
            &md,
            "-pkeyopt",
            &mgf,
        ]);

        let decrypted = kms
            .decrypt()
            .key_id(&key_arn)
            .encryption_algorithm(algorithm.clone())
            .ciphertext_blob(Blob::new(scratch.read("cipher.bin")))
            .send()
            .await
            .unwrap_or_else(|error| panic!("Decrypt {digest}: {error:?}"));
        assert_eq!(
            decrypted.plaintext().map(Blob::as_ref),
            Some(&b"encrypted outside the emulator"[..]),
            "OAEP with {digest}"
        );

        let encrypted = kms
            .encrypt()
            .key_id(&key_arn)
            .encryption_algorithm(algorithm.clone())
            .plaintext(Blob::new("encrypted by the emulator"))
            .send()
            .await
            .expect("Encrypt with RSA");
        let blob = encrypted.ciphertext_blob().expect("blob");
        assert_eq!(blob.as_ref().len(), 256, "an RSA-2048 ciphertext is 256 bytes");
        let round_trip = kms
            .decrypt()
            .key_id(&key_arn)
            .encryption_algorithm(algorithm)
            .ciphertext_blob(blob.clone())
            .send()
            .await
            .expect("Decrypt the emulator's RSA ciphertext");
        assert_eq!(round_trip.plaintext().map(Blob::as_ref), Some(&b"encrypted by the emulator"[..]));
    }
    server.shutdown().await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[tokio::test]
async fn data_key_decrypts_openssl_ciphertext() {
    if !openssl_available() {
        return;
    }
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;
    let scratch = Scratch::new("data-key");

    let data_key = kms
        .generate_data_key()
        .key_id(&key_id)
        .key_spec("AES_256".into())
        .encryption_context("file", "report.csv")
        .send()
        .await
        .expect("GenerateDataKey");
    let first_copy = data_key.plaintext().expect("Plaintext").as_ref().to_vec();
    let iv = "000102030405060708090a0b0c0d0e0f";
    let plain = scratch.write("report.csv", b"quarter,revenue\nq1,100\n");
    let sealed = scratch.path("report.enc");
    openssl(&["enc", "-aes-256-cbc", "-K", &hex(&first_copy), "-iv", iv, "-in", &plain, "-out", &sealed]);

    let recovered = kms
        .decrypt()
        .ciphertext_blob(data_key.ciphertext_blob().expect("CiphertextBlob").clone())
        .encryption_context("file", "report.csv")
        .send()
        .await
        .expect("Decrypt the data key");
    let second_copy = recovered.plaintext().expect("Plaintext").as_ref().to_vec();
    let opened = scratch.path("report.out");
    openssl(&["enc", "-d", "-aes-256-cbc", "-K", &hex(&second_copy), "-iv", iv, "-in", &sealed, "-out", &opened]);
    assert_eq!(scratch.read("report.out"), b"quarter,revenue\nq1,100\n");
    server.shutdown().await;
}

#[tokio::test]
async fn data_key_pair_private_key_matches_public() {
    if !openssl_available() {
        return;
    }
    let server = start().await;
    let kms = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&kms).await;
    for spec in ["RSA_2048", "ECC_NIST_P384", "ECC_SECG_P256K1"] {
        let scratch = Scratch::new(&format!("pair-{spec}"));
        let pair = kms
            .generate_data_key_pair()
            .key_id(&key_id)
            .key_pair_spec(spec.into())
            .send()
            .await
            .unwrap_or_else(|error| panic!("GenerateDataKeyPair {spec}: {error:?}"));
        let private = scratch.write("private.der", pair.private_key_plaintext().expect("private key").as_ref());
        let derived = scratch.path("derived.der");
        openssl(&["pkey", "-inform", "DER", "-in", &private, "-pubout", "-outform", "DER", "-out", &derived]);
        assert_eq!(
            scratch.read("derived.der"),
            pair.public_key().expect("PublicKey").as_ref(),
            "{spec}: openssl derives the same public key"
        );
    }
    server.shutdown().await;
}

#[test]
fn hmac_primitive_matches_rustcrypto() {
    use crosscheck_emulator::services::kms::crypto::{hmac_algorithm, hmac_sign};
    let key = b"a key of some thirty-two bytes!!";
    let message = b"the message";

    let emulator = hmac_sign(hmac_algorithm("HMAC_SHA_256").expect("algorithm"), key, message);
    let mut reference = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("key");
    reference.update(message);
    assert_eq!(emulator, reference.finalize().into_bytes().to_vec(), "HMAC-SHA-256");

    let emulator = hmac_sign(hmac_algorithm("HMAC_SHA_512").expect("algorithm"), key, message);
    let mut reference = hmac::Hmac::<sha2::Sha512>::new_from_slice(key).expect("key");
    reference.update(message);
    assert_eq!(emulator, reference.finalize().into_bytes().to_vec(), "HMAC-SHA-512");

    let emulator = hmac_sign(hmac_algorithm("HMAC_SHA_224").expect("algorithm"), key, message);
    let mut reference = hmac::Hmac::<sha2::Sha224>::new_from_slice(key).expect("key");
    reference.update(message);
    assert_eq!(emulator, reference.finalize().into_bytes().to_vec(), "HMAC-SHA-224");
}
