//! Key material and the cryptographic primitives KMS keys use, all from
//! maintained libraries: aws-lc-rs for AES-256-GCM, RSA (OAEP, PSS and
//! PKCS #1 v1.5), ECDSA on the NIST curves, HMAC and random bytes, and
//! RustCrypto's k256 for ECDSA on secp256k1. The key specs and algorithms
//! follow the KMS key spec reference
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html>).
//!
//! A symmetric ciphertext blob is an envelope that identifies its key, so
//! Decrypt needs no key id:
//!
//! | bytes | content |
//! |---|---|
//! | 1 | format version, [`ENVELOPE_VERSION`] |
//! | 2 | length of the key ARN, big-endian |
//! | n | the key ARN in UTF-8 |
//! | 4 | the key material version, big-endian |
//! | 12 | the AES-GCM nonce |
//! | rest | the AES-256-GCM ciphertext and its 16-byte tag |
//!
//! The additional authenticated data is the header (every byte before the
//! nonce) followed by the encryption context serialised as JSON with sorted
//! keys, so a blob decrypts only under the same key, material version and
//! encryption context.

use std::collections::BTreeMap;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{
    KeySize, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm, OaepPrivateDecryptingKey,
    OaepPublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use aws_lc_rs::signature::{self, EcdsaKeyPair, EcdsaSigningAlgorithm, KeyPair as _, RsaKeyPair, UnparsedPublicKey};
use aws_lc_rs::{hmac, rsa};
use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use k256::pkcs8::{EncodePrivateKey, EncodePublicKey};

/// The format version of symmetric ciphertext blobs.
pub const ENVELOPE_VERSION: u8 = 1;

/// The failure of a primitive, which the caller maps to the operation's KMS error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// The input does not decrypt or verify.
    Invalid,
    /// The library failed on valid input, such as while generating a key.
    Internal,
}

type CryptoResult<T> = Result<T, CryptoError>;

fn internal<E>(_: E) -> CryptoError {
    CryptoError::Internal
}

/// Fills a new buffer of `length` random bytes from the system's CSPRNG.
pub fn random_bytes(length: usize) -> CryptoResult<Vec<u8>> {
    let mut bytes = vec![0_u8; length];
    SystemRandom::new().fill(&mut bytes).map_err(internal)?;
    Ok(bytes)
}

/// Serialises an encryption context canonically: JSON with sorted keys.
pub fn canonical_context(context: &BTreeMap<String, String>) -> Vec<u8> {
    serde_json::to_vec(context).unwrap_or_default()
}

/// The parts of a symmetric ciphertext blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<'a> {
    pub key_arn: &'a str,
    pub material_version: u32,
    header_len: usize,
    nonce: [u8; NONCE_LEN],
    sealed: &'a [u8],
    blob: &'a [u8],
}

/// Reads the header of a symmetric ciphertext blob without decrypting it.
pub fn open_envelope(blob: &[u8]) -> Result<Envelope<'_>, &'static str> {
    let (&version, rest) = blob.split_first().ok_or("the ciphertext blob is empty")?;
    if version != ENVELOPE_VERSION {
        return Err("the ciphertext blob has an unknown format version");
    }
    let (length, rest) = rest.split_at_checked(2).ok_or("the ciphertext blob is truncated")?;
    let arn_len = usize::from(u16::from_be_bytes([length[0], length[1]]));
    let (arn, rest) = rest.split_at_checked(arn_len).ok_or("the ciphertext blob is truncated")?;
    let key_arn = std::str::from_utf8(arn).map_err(|_| "the key ARN in the ciphertext blob is not UTF-8")?;
    let (version_bytes, rest) = rest.split_at_checked(4).ok_or("the ciphertext blob is truncated")?;
    let material_version = u32::from_be_bytes([version_bytes[0], version_bytes[1], version_bytes[2], version_bytes[3]]);
    let (nonce, sealed) = rest.split_at_checked(NONCE_LEN).ok_or("the ciphertext blob is truncated")?;
    if sealed.len() < AES_256_GCM.tag_len() {
        return Err("the ciphertext blob is shorter than its authentication tag");
    }
    let mut nonce_bytes = [0_u8; NONCE_LEN];
    nonce_bytes.copy_from_slice(nonce);
    Ok(Envelope { key_arn, material_version, header_len: 1 + 2 + arn_len + 4, nonce: nonce_bytes, sealed, blob })
}

fn aes_key(material: &[u8]) -> CryptoResult<LessSafeKey> {
    Ok(LessSafeKey::new(UnboundKey::new(&AES_256_GCM, material).map_err(internal)?))
}

/// Encrypts `plaintext` with AES-256-GCM under `material` into an envelope naming `key_arn`.
pub fn seal_symmetric(
    key_arn: &str,
    material_version: u32,
    material: &[u8],
    plaintext: &[u8],
    context: &BTreeMap<String, String>,
) -> CryptoResult<Vec<u8>> {
    let arn_len = u16::try_from(key_arn.len()).map_err(internal)?;
    let mut blob = Vec::with_capacity(1 + 2 + key_arn.len() + 4 + NONCE_LEN + plaintext.len() + 16);
    blob.push(ENVELOPE_VERSION);
    blob.extend_from_slice(&arn_len.to_be_bytes());
    blob.extend_from_slice(key_arn.as_bytes());
    blob.extend_from_slice(&material_version.to_be_bytes());

    let mut aad = blob.clone();
    aad.extend_from_slice(&canonical_context(context));

    let nonce_bytes = random_bytes(NONCE_LEN)?;
    let nonce = Nonce::try_assume_unique_for_key(&nonce_bytes).map_err(internal)?;
    blob.extend_from_slice(&nonce_bytes);

    let mut sealed = plaintext.to_vec();
    aes_key(material)?.seal_in_place_append_tag(nonce, Aad::from(aad.as_slice()), &mut sealed).map_err(internal)?;
    blob.extend_from_slice(&sealed);
    Ok(blob)
}

/// Decrypts an envelope with `material` and `context`.
pub fn open_symmetric(
    envelope: &Envelope<'_>,
    material: &[u8],
    context: &BTreeMap<String, String>,
) -> CryptoResult<Vec<u8>> {
    let mut aad = envelope.blob[..envelope.header_len].to_vec();
    aad.extend_from_slice(&canonical_context(context));
    let nonce = Nonce::assume_unique_for_key(envelope.nonce);
    let mut buffer = envelope.sealed.to_vec();
    let plaintext = aes_key(material)?
        .open_in_place(nonce, Aad::from(aad.as_slice()), &mut buffer)
        .map_err(|_| CryptoError::Invalid)?;
    Ok(plaintext.to_vec())
}

/// An RSA key pair, usable for OAEP encryption and for signing.
pub struct RsaMaterial {
    pub public_key_der: Vec<u8>,
    pub private_key_der: Vec<u8>,
    signing: RsaKeyPair,
    decrypting: OaepPrivateDecryptingKey,
}

impl RsaMaterial {
    /// Generates a key pair of `bits` bits (2048, 3072 or 4096).
    pub fn generate(bits: usize) -> CryptoResult<RsaMaterial> {
        let size = match bits {
            2048 => KeySize::Rsa2048,
            3072 => KeySize::Rsa3072,
            4096 => KeySize::Rsa4096,
            _ => return Err(CryptoError::Internal),
        };
        let signing = RsaKeyPair::generate(size).map_err(internal)?;
        let pkcs8 = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der<'static>>::as_der(&signing).map_err(internal)?;
        let private_key_der = pkcs8.as_ref().to_vec();
        let public_key_der = signing.public_key().as_der().map_err(internal)?.as_ref().to_vec();
        let decrypting = PrivateDecryptingKey::from_pkcs8(&private_key_der).map_err(internal)?;
        let decrypting = OaepPrivateDecryptingKey::new(decrypting).map_err(internal)?;
        Ok(RsaMaterial { public_key_der, private_key_der, signing, decrypting })
    }

    /// Returns the largest plaintext that OAEP with `algorithm` can encrypt under this key.
    pub fn max_plaintext(&self, algorithm: &'static OaepAlgorithm) -> CryptoResult<usize> {
        let public = PublicEncryptingKey::from_der(&self.public_key_der).map_err(internal)?;
        Ok(OaepPublicEncryptingKey::new(public).map_err(internal)?.max_plaintext_size(algorithm))
    }

    /// Encrypts with RSAES-OAEP.
    pub fn encrypt(&self, algorithm: &'static OaepAlgorithm, plaintext: &[u8]) -> CryptoResult<Vec<u8>> {
        let public = PublicEncryptingKey::from_der(&self.public_key_der).map_err(internal)?;
        let public = OaepPublicEncryptingKey::new(public).map_err(internal)?;
        let mut output = vec![0_u8; public.ciphertext_size()];
        let written = public.encrypt(algorithm, plaintext, &mut output, None).map_err(internal)?;
        Ok(written.to_vec())
    }

    /// Decrypts an RSAES-OAEP ciphertext.
    pub fn decrypt(&self, algorithm: &'static OaepAlgorithm, ciphertext: &[u8]) -> CryptoResult<Vec<u8>> {
        let mut output = vec![0_u8; self.decrypting.min_output_size()];
        let plaintext =
            self.decrypting.decrypt(algorithm, ciphertext, &mut output, None).map_err(|_| CryptoError::Invalid)?;
        Ok(plaintext.to_vec())
    }

    /// Returns the length of the public modulus in bytes, the length of every OAEP ciphertext.
    pub fn modulus_len(&self) -> usize {
        self.signing.public_modulus_len()
    }

    /// Signs a digest with PSS or PKCS #1 v1.5.
    pub fn sign_digest(&self, encoding: &'static dyn signature::RsaEncoding, digest: &Digest) -> CryptoResult<Vec<u8>> {
        let mut output = vec![0_u8; self.signing.public_modulus_len()];
        self.signing.sign_digest(encoding, digest, &mut output).map_err(internal)?;
        Ok(output)
    }
}

/// Returns the OAEP algorithm of a KMS encryption algorithm name.
pub fn oaep_algorithm(name: &str) -> Option<&'static OaepAlgorithm> {
    match name {
        "RSAES_OAEP_SHA_1" => Some(&OAEP_SHA1_MGF1SHA1),
        "RSAES_OAEP_SHA_256" => Some(&OAEP_SHA256_MGF1SHA256),
        _ => None,
    }
}

/// Unwraps `wrapped` with AES key wrap with padding (RFC 5649) under the AES-256 key `kek`.
pub fn aes_key_unwrap_padded(kek: &[u8], wrapped: &[u8]) -> CryptoResult<Vec<u8>> {
    use aws_lc_rs::key_wrap::{AES_256, AesKek, KeyWrapPadded as _};

    let kek = AesKek::new(&AES_256, kek).map_err(|_| CryptoError::Invalid)?;
    let mut output = vec![0_u8; wrapped.len()];
    let plaintext = kek.unwrap_with_padding(wrapped, &mut output).map_err(|_| CryptoError::Invalid)?;
    Ok(plaintext.to_vec())
}

/// An elliptic-curve key pair for ECDSA.
pub enum EcMaterial {
    /// NIST P-256, P-384 or P-521 through aws-lc-rs.
    Nist { pair: EcdsaKeyPair, public_key_der: Vec<u8>, private_key_der: Vec<u8> },
    /// secp256k1 through k256.
    Secp256k1 { signing: Box<k256::ecdsa::SigningKey>, public_key_der: Vec<u8>, private_key_der: Vec<u8> },
}

impl EcMaterial {
    /// Generates a key pair on `curve` (`P256`, `P384`, `P521` or `SECP256K1`).
    pub fn generate(curve: Curve) -> CryptoResult<EcMaterial> {
        let algorithm: &'static EcdsaSigningAlgorithm = match curve {
            Curve::P256 => &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            Curve::P384 => &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
            Curve::P521 => &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
            Curve::Secp256k1 => return Self::generate_secp256k1(),
        };
        let pair = EcdsaKeyPair::generate(algorithm).map_err(internal)?;
        let private_key_der = pair.to_pkcs8v1().map_err(internal)?.as_ref().to_vec();
        let public_key_der = pair.public_key().as_der().map_err(internal)?.as_ref().to_vec();
        Ok(EcMaterial::Nist { pair, public_key_der, private_key_der })
    }

    fn generate_secp256k1() -> CryptoResult<EcMaterial> {
        // A random 32-byte string is a valid scalar unless it is zero or at
        // least the group order, which is rare enough that a few tries suffice.
        for _ in 0..8 {
            let secret = random_bytes(32)?;
            let Ok(signing) = k256::ecdsa::SigningKey::from_slice(&secret) else {
                continue;
            };
            let public_key_der = signing.verifying_key().to_public_key_der().map_err(internal)?.into_vec();
            let private_key_der = signing.to_pkcs8_der().map_err(internal)?.as_bytes().to_vec();
            return Ok(EcMaterial::Secp256k1 { signing: Box::new(signing), public_key_der, private_key_der });
        }
        Err(CryptoError::Internal)
    }

    pub fn public_key_der(&self) -> &[u8] {
        match self {
            EcMaterial::Nist { public_key_der, .. } | EcMaterial::Secp256k1 { public_key_der, .. } => public_key_der,
        }
    }

    pub fn private_key_der(&self) -> &[u8] {
        match self {
            EcMaterial::Nist { private_key_der, .. } | EcMaterial::Secp256k1 { private_key_der, .. } => private_key_der,
        }
    }

    /// Signs a digest, returning a DER-encoded ECDSA signature.
    pub fn sign_digest(&self, digest: &Digest) -> CryptoResult<Vec<u8>> {
        match self {
            EcMaterial::Nist { pair, .. } => Ok(pair.sign_digest(digest).map_err(internal)?.as_ref().to_vec()),
            EcMaterial::Secp256k1 { signing, .. } => {
                let signature: k256::ecdsa::Signature = signing.sign_prehash(digest.as_ref()).map_err(internal)?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
        }
    }

    /// Verifies a DER-encoded ECDSA signature of a digest.
    pub fn verify_digest(&self, curve: Curve, digest: &Digest, signature: &[u8]) -> CryptoResult<()> {
        match self {
            EcMaterial::Nist { public_key_der, .. } => {
                let algorithm = match curve {
                    Curve::P256 => &signature::ECDSA_P256_SHA256_ASN1,
                    Curve::P384 => &signature::ECDSA_P384_SHA384_ASN1,
                    _ => &signature::ECDSA_P521_SHA512_ASN1,
                };
                UnparsedPublicKey::new(algorithm, public_key_der)
                    .verify_digest(digest, signature)
                    .map_err(|_| CryptoError::Invalid)
            }
            EcMaterial::Secp256k1 { signing, .. } => {
                let signature = k256::ecdsa::DerSignature::from_bytes(signature).map_err(|_| CryptoError::Invalid)?;
                signing.verifying_key().verify_prehash(digest.as_ref(), &signature).map_err(|_| CryptoError::Invalid)
            }
        }
    }
}

/// An elliptic curve KMS supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

/// Returns the digest algorithm of SHA-256, SHA-384 or SHA-512 by its output size in bits.
pub fn sha(bits: usize) -> &'static digest::Algorithm {
    match bits {
        384 => &digest::SHA384,
        512 => &digest::SHA512,
        _ => &digest::SHA256,
    }
}

/// Hashes a RAW message, or imports a DIGEST message of the algorithm's length.
pub fn message_digest(algorithm: &'static digest::Algorithm, message: &[u8], is_digest: bool) -> CryptoResult<Digest> {
    if is_digest {
        Digest::import_less_safe(message, algorithm).map_err(|_| CryptoError::Invalid)
    } else {
        Ok(digest::digest(algorithm, message))
    }
}

/// Verifies an RSA signature of a digest with the key's public half.
pub fn rsa_verify_digest(
    public_key_der: &[u8],
    parameters: &'static rsa::RsaParameters,
    digest: &Digest,
    signature: &[u8],
) -> CryptoResult<()> {
    UnparsedPublicKey::new(parameters, public_key_der)
        .verify_digest(digest, signature)
        .map_err(|_| CryptoError::Invalid)
}

/// Returns the HMAC algorithm of a KMS MAC algorithm name.
pub fn hmac_algorithm(name: &str) -> Option<hmac::Algorithm> {
    match name {
        "HMAC_SHA_224" => Some(hmac::HMAC_SHA224),
        "HMAC_SHA_256" => Some(hmac::HMAC_SHA256),
        "HMAC_SHA_384" => Some(hmac::HMAC_SHA384),
        "HMAC_SHA_512" => Some(hmac::HMAC_SHA512),
        _ => None,
    }
}

/// Computes an HMAC tag of `message` under `key`.
pub fn hmac_sign(algorithm: hmac::Algorithm, key: &[u8], message: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(algorithm, key), message).as_ref().to_vec()
}

/// Checks an HMAC tag in constant time.
pub fn hmac_verify(algorithm: hmac::Algorithm, key: &[u8], message: &[u8], tag: &[u8]) -> CryptoResult<()> {
    hmac::verify(&hmac::Key::new(algorithm, key), message, tag).map_err(|_| CryptoError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_ARN: &str = "arn:aws:kms:ap-south-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn envelope_round_trips_and_binds_context() {
        let material = random_bytes(32).expect("random bytes");
        let mut context = BTreeMap::new();
        context.insert("purpose".to_owned(), "test".to_owned());
        let blob = seal_symmetric(KEY_ARN, 3, &material, b"secret", &context).expect("seal");

        let envelope = open_envelope(&blob).expect("header parses");
        assert_eq!(envelope.key_arn, KEY_ARN);
        assert_eq!(envelope.material_version, 3);
        assert_eq!(open_symmetric(&envelope, &material, &context), Ok(b"secret".to_vec()));
        assert_eq!(open_symmetric(&envelope, &material, &BTreeMap::new()), Err(CryptoError::Invalid));
    }

    #[test]
    fn truncated_envelope_is_rejected() {
        let material = random_bytes(32).expect("random bytes");
        let blob = seal_symmetric(KEY_ARN, 0, &material, b"x", &BTreeMap::new()).expect("seal");
        for length in [0, 1, 3, 20, blob.len() - 17] {
            assert!(open_envelope(&blob[..length]).is_err(), "length {length}");
        }
    }

    #[test]
    fn secp256k1_signature_verifies() {
        let material = EcMaterial::generate(Curve::Secp256k1).expect("key pair");
        let digest = message_digest(sha(256), b"message", false).expect("digest");
        let signature = material.sign_digest(&digest).expect("signature");
        assert_eq!(material.verify_digest(Curve::Secp256k1, &digest, &signature), Ok(()));
        let other = message_digest(sha(256), b"other", false).expect("digest");
        assert_eq!(material.verify_digest(Curve::Secp256k1, &other, &signature), Err(CryptoError::Invalid));
    }
}
