//! Cryptographic operations: Encrypt, Decrypt, ReEncrypt, the data key
//! operations, GenerateRandom, Sign, Verify, GetPublicKey, GenerateMac and
//! VerifyMac (<https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html>,
//! <https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html>,
//! <https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html>).
//!
//! Symmetric keys encrypt with AES-256-GCM into an envelope that names the
//! key and its material version ([`super::crypto`]), so Decrypt finds the key
//! from the blob alone. RSA keys encrypt with RSAES-OAEP and return the bare
//! RSA ciphertext, which any OAEP implementation with the public key from
//! GetPublicKey can also produce.

use std::sync::Arc;

use aws_lc_rs::signature::{self as lc_signature, RsaEncoding};

use super::crypto::{self, CryptoError, EcMaterial, RsaMaterial, random_bytes};
use super::key::{Key, KeySpec, KeyUsage, Material};
use super::model::{
    Blob, DecryptInput, DecryptOutput, EncryptInput, EncryptOutput, EncryptionContext, GenerateDataKeyInput,
    GenerateDataKeyOutput, GenerateDataKeyPairInput, GenerateDataKeyPairOutput, GenerateMacOutput, GenerateRandomInput,
    GenerateRandomOutput, GetPublicKeyOutput, KeyIdInput, MacInput, ReEncryptInput, ReEncryptOutput, SignInput,
    SignOutput, VerifyMacOutput, VerifyOutput,
};
use super::{KeyUse, Kms, Needs, errors};
use crate::error::AwsResult;
use crate::http::RequestContext;

/// The largest Plaintext Encrypt accepts, and the largest Message of Sign and GenerateMac, in bytes.
const MAX_PLAINTEXT: usize = 4096;
/// The largest CiphertextBlob KMS accepts, in bytes.
const MAX_CIPHERTEXT: usize = 6144;
/// The encryption context of a request that sends none.
static EMPTY_CONTEXT: EncryptionContext = EncryptionContext::new();

/// Returns the plaintext of a required blob member, checked against its length limits.
fn required_blob(blob: Option<Blob>, member: &str, max: usize) -> AwsResult<Vec<u8>> {
    let blob = blob.ok_or_else(|| errors::missing(member))?.0;
    if blob.is_empty() {
        return Err(errors::validation(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
             Member must have length greater than or equal to 1"
        )));
    }
    if blob.len() > max {
        return Err(errors::too_long(member, blob.len(), max));
    }
    Ok(blob)
}

/// Checks that `key` has the usage an operation needs.
fn require_usage(key: &Key, usage: KeyUsage, operation: &str) -> AwsResult<()> {
    if key.usage == usage { Ok(()) } else { Err(errors::invalid_key_usage(&key.arn, key.usage.as_str(), operation)) }
}

/// Checks that `key` is a symmetric encryption key, as the data key operations and ReEncrypt's destination need.
fn require_symmetric(key: &Key, operation: &str) -> AwsResult<()> {
    if key.spec == KeySpec::SymmetricDefault {
        Ok(())
    } else {
        Err(errors::invalid_key_usage(&key.arn, &format!("{} {}", key.spec.as_str(), key.usage.as_str()), operation))
    }
}

/// Picks the encryption algorithm for `key`: SYMMETRIC_DEFAULT for symmetric
/// keys, a required RSAES_OAEP_* for RSA keys.
fn encryption_algorithm(key: &Key, requested: Option<&str>, member: &str) -> AwsResult<&'static str> {
    let supported = key.spec.encryption_algorithms(key.usage).unwrap_or_default();
    match requested {
        None if key.spec == KeySpec::SymmetricDefault => Ok("SYMMETRIC_DEFAULT"),
        None => Err(errors::validation(format!(
            "{member} is required for asymmetric key {}; supported values: {}.",
            key.arn,
            supported.join(", ")
        ))),
        Some(name) => match supported.iter().find(|algorithm| **algorithm == name) {
            Some(algorithm) => Ok(algorithm),
            None if ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"].contains(&name) => {
                Err(errors::unsupported_algorithm(&key.arn, member, name, &supported))
            }
            None => Err(errors::invalid_value(
                member,
                name,
                "Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]",
            )),
        },
    }
}

impl Kms {
    /// Encrypts `plaintext` under `key`, which the caller already may use.
    pub(super) fn encrypt_with(
        key: &Key,
        algorithm: &'static str,
        plaintext: &[u8],
        context: &EncryptionContext,
        operation: &str,
    ) -> AwsResult<Vec<u8>> {
        match &key.material {
            Material::Symmetric => {
                let (version, material) = {
                    let state = key.state();
                    let version = state.symmetric_versions.len() - 1;
                    (version, state.symmetric_versions[version].clone())
                };
                let version = u32::try_from(version).map_err(|_| errors::internal(operation))?;
                crypto::seal_symmetric(&key.arn, version, &material, plaintext, context)
                    .map_err(|_| errors::internal(operation))
            }
            Material::Rsa(rsa) => {
                let oaep = crypto::oaep_algorithm(algorithm).ok_or_else(|| errors::internal(operation))?;
                let max = rsa.max_plaintext(oaep).map_err(|_| errors::internal(operation))?;
                if plaintext.len() > max {
                    return Err(errors::validation(format!(
                        "Plaintext has {} bytes, more than the {max} bytes {algorithm} can encrypt under {}.",
                        plaintext.len(),
                        key.arn
                    )));
                }
                rsa.encrypt(oaep, plaintext).map_err(|_| errors::internal(operation))
            }
            Material::Ecc(_) | Material::Hmac(_) => {
                Err(errors::invalid_key_usage(&key.arn, key.usage.as_str(), operation))
            }
        }
    }

    /// Resolves the key that decrypts `blob` and decrypts it. For a symmetric
    /// blob the key comes from the blob; `key_address`, when given, must name
    /// the same key. An asymmetric blob needs `key_address` and `algorithm`,
    /// which comes from input member `member`.
    /// `key_use` carries the permission, encryption context and grant tokens.
    pub(super) fn decrypt_blob(
        &self,
        context: &RequestContext,
        blob: &[u8],
        key_address: Option<&str>,
        algorithm: Option<&str>,
        key_use: KeyUse<'_>,
        member: &str,
    ) -> AwsResult<(Arc<Key>, &'static str, Vec<u8>)> {
        let permission = key_use.permission;
        let encryption_context = key_use.encryption_context.unwrap_or(&EMPTY_CONTEXT);

        let named_key = match key_address {
            Some(address) => Some(self.find_key(context, address)?),
            None => None,
        };

        if let Some(key) = &named_key
            && key.spec != KeySpec::SymmetricDefault
        {
            self.authorize(context, key, key_use, key_address.unwrap_or_default())?;
            super::check_state(key, Needs::Enabled)?;
            require_usage(key, KeyUsage::EncryptDecrypt, permission)?;
            let algorithm = encryption_algorithm(key, algorithm, member)?;
            let Material::Rsa(rsa) = &key.material else {
                return Err(errors::invalid_key_usage(&key.arn, key.usage.as_str(), permission));
            };
            let oaep = crypto::oaep_algorithm(algorithm).ok_or_else(|| errors::internal(permission))?;
            let plaintext = rsa
                .decrypt(oaep, blob)
                .map_err(|_| errors::invalid_ciphertext("it does not decrypt under the key and algorithm given"))?;
            return Ok((key.clone(), algorithm, plaintext));
        }

        if let Some(name) = algorithm
            && name != "SYMMETRIC_DEFAULT"
        {
            return Err(errors::invalid_ciphertext(&format!(
                "{name} needs the KeyId of the asymmetric key that encrypted the ciphertext"
            )));
        }
        let envelope = crypto::open_envelope(blob).map_err(errors::invalid_ciphertext)?;
        let key = self
            .find_key(context, envelope.key_arn)
            .map_err(|_| errors::invalid_ciphertext("the key that encrypted it does not exist"))?;
        if let Some(named) = &named_key
            && named.arn != key.arn
        {
            return Err(errors::incorrect_key(&named.arn));
        }
        self.authorize(context, &key, key_use, envelope.key_arn)?;
        super::check_state(&key, Needs::Enabled)?;

        let material = {
            let state = key.state();
            let index = usize::try_from(envelope.material_version).unwrap_or(usize::MAX);
            state.symmetric_versions.get(index).cloned()
        };
        let material = material.ok_or_else(|| errors::invalid_ciphertext("its key material version does not exist"))?;
        let plaintext =
            crypto::open_symmetric(&envelope, &material, encryption_context).map_err(|error| match error {
                CryptoError::Invalid => errors::invalid_ciphertext("it does not decrypt with this encryption context"),
                CryptoError::Internal => errors::internal(permission),
            })?;
        Ok((key, "SYMMETRIC_DEFAULT", plaintext))
    }

    pub(super) fn encrypt(&self, context: &RequestContext, input: EncryptInput) -> AwsResult<EncryptOutput> {
        let plaintext = required_blob(input.plaintext, "plaintext", MAX_PLAINTEXT)?;
        let mut key_use = KeyUse::new("Encrypt", Needs::Enabled);
        key_use.encryption_context = Some(&input.encryption_context);
        key_use.grant_tokens = &input.grant_tokens;
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        require_usage(&key, KeyUsage::EncryptDecrypt, "Encrypt")?;
        let algorithm = encryption_algorithm(&key, input.encryption_algorithm.as_deref(), "encryptionAlgorithm")?;
        let blob = Self::encrypt_with(&key, algorithm, &plaintext, &input.encryption_context, "Encrypt")?;
        Ok(EncryptOutput { ciphertext_blob: Blob(blob), key_id: key.arn.clone(), encryption_algorithm: algorithm })
    }

    pub(super) fn decrypt(&self, context: &RequestContext, input: DecryptInput) -> AwsResult<DecryptOutput> {
        let blob = required_blob(input.ciphertext_blob, "ciphertextBlob", MAX_CIPHERTEXT)?;
        let mut key_use = KeyUse::new("Decrypt", Needs::Enabled);
        key_use.encryption_context = Some(&input.encryption_context);
        key_use.grant_tokens = &input.grant_tokens;
        let (key, algorithm, plaintext) = self.decrypt_blob(
            context,
            &blob,
            input.key_id.as_deref(),
            input.encryption_algorithm.as_deref(),
            key_use,
            "encryptionAlgorithm",
        )?;
        Ok(DecryptOutput { key_id: key.arn.clone(), plaintext: Blob(plaintext), encryption_algorithm: algorithm })
    }

    pub(super) fn re_encrypt(&self, context: &RequestContext, input: ReEncryptInput) -> AwsResult<ReEncryptOutput> {
        let blob = required_blob(input.ciphertext_blob, "ciphertextBlob", MAX_CIPHERTEXT)?;
        let destination_address =
            input.destination_key_id.as_deref().ok_or_else(|| errors::missing("destinationKeyId"))?;
        let mut source_use = KeyUse::new("ReEncryptFrom", Needs::Enabled);
        source_use.encryption_context = Some(&input.source_encryption_context);
        source_use.grant_tokens = &input.grant_tokens;
        let (source, source_algorithm, plaintext) = self.decrypt_blob(
            context,
            &blob,
            input.source_key_id.as_deref(),
            input.source_encryption_algorithm.as_deref(),
            source_use,
            "sourceEncryptionAlgorithm",
        )?;

        let mut key_use = KeyUse::new("ReEncryptTo", Needs::Enabled);
        key_use.encryption_context = Some(&input.destination_encryption_context);
        key_use.grant_tokens = &input.grant_tokens;
        let destination = self.resolve_key(context, "destinationKeyId", Some(destination_address), key_use)?;
        require_usage(&destination, KeyUsage::EncryptDecrypt, "ReEncrypt")?;
        let algorithm = encryption_algorithm(
            &destination,
            input.destination_encryption_algorithm.as_deref(),
            "destinationEncryptionAlgorithm",
        )?;
        let blob = Self::encrypt_with(
            &destination,
            algorithm,
            &plaintext,
            &input.destination_encryption_context,
            "ReEncrypt",
        )?;
        Ok(ReEncryptOutput {
            ciphertext_blob: Blob(blob),
            source_key_id: source.arn.clone(),
            key_id: destination.arn.clone(),
            source_encryption_algorithm: source_algorithm,
            destination_encryption_algorithm: algorithm,
        })
    }

    fn data_key(
        &self,
        context: &RequestContext,
        input: GenerateDataKeyInput,
        operation: &str,
    ) -> AwsResult<GenerateDataKeyOutput> {
        let length = match (input.key_spec.as_deref(), input.number_of_bytes) {
            (Some(_), Some(_)) => {
                return Err(errors::validation("Specify either KeySpec or NumberOfBytes, not both.".to_owned()));
            }
            (None, None) => {
                return Err(errors::validation("Specify either KeySpec or NumberOfBytes.".to_owned()));
            }
            (Some("AES_256"), None) => 32,
            (Some("AES_128"), None) => 16,
            (Some(other), None) => {
                return Err(errors::invalid_value(
                    "keySpec",
                    other,
                    "Member must satisfy enum value set: [AES_256, AES_128]",
                ));
            }
            (None, Some(bytes)) if (1..=1024).contains(&bytes) => usize::try_from(bytes).unwrap_or(32),
            (None, Some(bytes)) => {
                return Err(errors::invalid_value(
                    "numberOfBytes",
                    &bytes.to_string(),
                    "Member must have value between 1 and 1024",
                ));
            }
        };
        let mut key_use = KeyUse::new(operation, Needs::Enabled);
        key_use.encryption_context = Some(&input.encryption_context);
        key_use.grant_tokens = &input.grant_tokens;
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        require_usage(&key, KeyUsage::EncryptDecrypt, operation)?;
        require_symmetric(&key, operation)?;

        let plaintext = random_bytes(length).map_err(|_| errors::internal(operation))?;
        let blob = Self::encrypt_with(&key, "SYMMETRIC_DEFAULT", &plaintext, &input.encryption_context, operation)?;
        Ok(GenerateDataKeyOutput {
            ciphertext_blob: Blob(blob),
            plaintext: Some(Blob(plaintext)),
            key_id: key.arn.clone(),
        })
    }

    pub(super) fn generate_data_key(
        &self,
        context: &RequestContext,
        input: GenerateDataKeyInput,
    ) -> AwsResult<GenerateDataKeyOutput> {
        self.data_key(context, input, "GenerateDataKey")
    }

    pub(super) fn generate_data_key_without_plaintext(
        &self,
        context: &RequestContext,
        input: GenerateDataKeyInput,
    ) -> AwsResult<GenerateDataKeyOutput> {
        let mut output = self.data_key(context, input, "GenerateDataKeyWithoutPlaintext")?;
        output.plaintext = None;
        Ok(output)
    }

    fn data_key_pair(
        &self,
        context: &RequestContext,
        input: GenerateDataKeyPairInput,
        operation: &str,
    ) -> AwsResult<GenerateDataKeyPairOutput> {
        let spec_name = input.key_pair_spec.as_deref().ok_or_else(|| errors::missing("keyPairSpec"))?;
        let spec = KeySpec::parse(spec_name)
            .filter(|spec| matches!(spec, KeySpec::Rsa(_) | KeySpec::Ecc(_)))
            .ok_or_else(|| {
                errors::invalid_value(
                    "keyPairSpec",
                    spec_name,
                    "Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, \
                     ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1]",
                )
            })?;
        let mut key_use = KeyUse::new(operation, Needs::Enabled);
        key_use.encryption_context = Some(&input.encryption_context);
        key_use.grant_tokens = &input.grant_tokens;
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        require_usage(&key, KeyUsage::EncryptDecrypt, operation)?;
        require_symmetric(&key, operation)?;

        let failed = |_| errors::internal(operation);
        let (private_key, public_key) = match spec {
            KeySpec::Rsa(bits) => {
                let pair = RsaMaterial::generate(bits).map_err(failed)?;
                (pair.private_key_der, pair.public_key_der)
            }
            KeySpec::Ecc(curve) => {
                let pair = EcMaterial::generate(curve).map_err(failed)?;
                (pair.private_key_der().to_vec(), pair.public_key_der().to_vec())
            }
            KeySpec::SymmetricDefault | KeySpec::Hmac(_) => return Err(errors::internal(operation)),
        };
        let blob = Self::encrypt_with(&key, "SYMMETRIC_DEFAULT", &private_key, &input.encryption_context, operation)?;
        Ok(GenerateDataKeyPairOutput {
            private_key_ciphertext_blob: Blob(blob),
            private_key_plaintext: Some(Blob(private_key)),
            public_key: Blob(public_key),
            key_id: key.arn.clone(),
            key_pair_spec: spec.as_str(),
        })
    }

    pub(super) fn generate_data_key_pair(
        &self,
        context: &RequestContext,
        input: GenerateDataKeyPairInput,
    ) -> AwsResult<GenerateDataKeyPairOutput> {
        self.data_key_pair(context, input, "GenerateDataKeyPair")
    }

    pub(super) fn generate_data_key_pair_without_plaintext(
        &self,
        context: &RequestContext,
        input: GenerateDataKeyPairInput,
    ) -> AwsResult<GenerateDataKeyPairOutput> {
        let mut output = self.data_key_pair(context, input, "GenerateDataKeyPairWithoutPlaintext")?;
        output.private_key_plaintext = None;
        Ok(output)
    }

    pub(super) fn generate_random(
        &self,
        _context: &RequestContext,
        input: GenerateRandomInput,
    ) -> AwsResult<GenerateRandomOutput> {
        let bytes = input.number_of_bytes.unwrap_or(32);
        if !(1..=1024).contains(&bytes) {
            return Err(errors::invalid_value(
                "numberOfBytes",
                &bytes.to_string(),
                "Member must have value between 1 and 1024",
            ));
        }
        let plaintext =
            random_bytes(usize::try_from(bytes).unwrap_or(32)).map_err(|_| errors::internal("GenerateRandom"))?;
        Ok(GenerateRandomOutput { plaintext: Blob(plaintext) })
    }

    /// Resolves the key and algorithm of Sign and Verify and computes the digest to sign.
    fn signing_input(
        &self,
        context: &RequestContext,
        input: &SignInput,
        operation: &str,
    ) -> AwsResult<(Arc<Key>, &'static str, aws_lc_rs::digest::Digest)> {
        let message = required_blob(input.message.clone(), "message", MAX_PLAINTEXT)?;
        let algorithm_name = input.signing_algorithm.as_deref().ok_or_else(|| errors::missing("signingAlgorithm"))?;
        let is_digest = match input.message_type.as_deref() {
            None | Some("RAW") => false,
            Some("DIGEST") => true,
            Some(other) => {
                return Err(errors::invalid_value(
                    "messageType",
                    other,
                    "Member must satisfy enum value set: [RAW, DIGEST]",
                ));
            }
        };
        let mut key_use = KeyUse::new(operation, Needs::Enabled);
        key_use.grant_tokens = &input.grant_tokens;
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        require_usage(&key, KeyUsage::SignVerify, operation)?;
        let supported = key.spec.signing_algorithms(key.usage).unwrap_or_default();
        let Some(algorithm) = supported.iter().find(|name| **name == algorithm_name).copied() else {
            return Err(errors::unsupported_algorithm(&key.arn, "signingAlgorithm", algorithm_name, &supported));
        };
        let bits = match algorithm.rsplit('_').next() {
            Some("384") => 384,
            Some("512") => 512,
            _ => 256,
        };
        let digest = crypto::message_digest(crypto::sha(bits), &message, is_digest).map_err(|_| {
            errors::validation(format!(
                "Message of type DIGEST must be a SHA-{bits} digest of {} bytes, not {} bytes.",
                bits / 8,
                message.len()
            ))
        })?;
        Ok((key, algorithm, digest))
    }

    pub(super) fn sign(&self, context: &RequestContext, input: SignInput) -> AwsResult<SignOutput> {
        let (key, algorithm, digest) = self.signing_input(context, &input, "Sign")?;
        let signature = match &key.material {
            Material::Rsa(rsa) => rsa.sign_digest(rsa_encoding(algorithm), &digest),
            Material::Ecc(ecc) => ecc.sign_digest(&digest),
            Material::Symmetric | Material::Hmac(_) => Err(CryptoError::Internal),
        }
        .map_err(|_| errors::internal("Sign"))?;
        Ok(SignOutput { key_id: key.arn.clone(), signature: Blob(signature), signing_algorithm: algorithm })
    }

    pub(super) fn verify(&self, context: &RequestContext, input: SignInput) -> AwsResult<VerifyOutput> {
        let signature = required_blob(input.signature.clone(), "signature", 6144)?;
        let (key, algorithm, digest) = self.signing_input(context, &input, "Verify")?;
        let verified = match &key.material {
            Material::Rsa(rsa) => {
                crypto::rsa_verify_digest(&rsa.public_key_der, rsa_parameters(algorithm), &digest, &signature)
            }
            Material::Ecc(ecc) => match key.spec {
                KeySpec::Ecc(curve) => ecc.verify_digest(curve, &digest, &signature),
                _ => Err(CryptoError::Internal),
            },
            Material::Symmetric | Material::Hmac(_) => Err(CryptoError::Internal),
        };
        match verified {
            Ok(()) => Ok(VerifyOutput { key_id: key.arn.clone(), signature_valid: true, signing_algorithm: algorithm }),
            Err(_) => Err(errors::invalid_signature(&key.arn)),
        }
    }

    pub(super) fn get_public_key(&self, context: &RequestContext, input: KeyIdInput) -> AwsResult<GetPublicKeyOutput> {
        let mut key_use = KeyUse::new("GetPublicKey", Needs::Enabled);
        key_use.grant_tokens = &input.grant_tokens;
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        let public_key = key
            .material
            .public_key_der()
            .ok_or_else(|| errors::unsupported_operation(&key.arn, "GetPublicKey", key.spec.as_str()))?;
        Ok(GetPublicKeyOutput {
            key_id: key.arn.clone(),
            public_key: Blob(public_key.to_vec()),
            customer_master_key_spec: key.spec.as_str(),
            key_spec: key.spec.as_str(),
            key_usage: key.usage.as_str(),
            encryption_algorithms: key.spec.encryption_algorithms(key.usage),
            signing_algorithms: key.spec.signing_algorithms(key.usage),
        })
    }

    /// Resolves the key and algorithm of GenerateMac and VerifyMac.
    fn mac_input(
        &self,
        context: &RequestContext,
        input: &MacInput,
        operation: &str,
    ) -> AwsResult<(Arc<Key>, &'static str, Vec<u8>)> {
        let message = required_blob(input.message.clone(), "message", MAX_PLAINTEXT)?;
        let algorithm_name = input.mac_algorithm.as_deref().ok_or_else(|| errors::missing("macAlgorithm"))?;
        if crypto::hmac_algorithm(algorithm_name).is_none() {
            return Err(errors::invalid_value(
                "macAlgorithm",
                algorithm_name,
                "Member must satisfy enum value set: [HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512]",
            ));
        }
        let mut key_use = KeyUse::new(operation, Needs::Enabled);
        key_use.grant_tokens = &input.grant_tokens;
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        require_usage(&key, KeyUsage::GenerateVerifyMac, operation)?;
        let supported = key.spec.mac_algorithms().unwrap_or_default();
        let Some(algorithm) = supported.iter().find(|name| **name == algorithm_name).copied() else {
            return Err(errors::unsupported_algorithm(&key.arn, "macAlgorithm", algorithm_name, &supported));
        };
        Ok((key, algorithm, message))
    }

    pub(super) fn generate_mac(&self, context: &RequestContext, input: MacInput) -> AwsResult<GenerateMacOutput> {
        let (key, algorithm, message) = self.mac_input(context, &input, "GenerateMac")?;
        let (Material::Hmac(secret), Some(hmac)) = (&key.material, crypto::hmac_algorithm(algorithm)) else {
            return Err(errors::internal("GenerateMac"));
        };
        Ok(GenerateMacOutput {
            mac: Blob(crypto::hmac_sign(hmac, secret, &message)),
            mac_algorithm: algorithm,
            key_id: key.arn.clone(),
        })
    }

    pub(super) fn verify_mac(&self, context: &RequestContext, input: MacInput) -> AwsResult<VerifyMacOutput> {
        let mac = required_blob(input.mac.clone(), "mac", 6144)?;
        let (key, algorithm, message) = self.mac_input(context, &input, "VerifyMac")?;
        let (Material::Hmac(secret), Some(hmac)) = (&key.material, crypto::hmac_algorithm(algorithm)) else {
            return Err(errors::internal("VerifyMac"));
        };
        crypto::hmac_verify(hmac, secret, &message, &mac).map_err(|_| errors::invalid_mac(&key.arn))?;
        Ok(VerifyMacOutput { key_id: key.arn.clone(), mac_valid: true, mac_algorithm: algorithm })
    }
}

/// Returns aws-lc-rs's signing encoding of an RSA signing algorithm name.
fn rsa_encoding(algorithm: &str) -> &'static dyn RsaEncoding {
    match algorithm {
        "RSASSA_PSS_SHA_384" => &lc_signature::RSA_PSS_SHA384,
        "RSASSA_PSS_SHA_512" => &lc_signature::RSA_PSS_SHA512,
        "RSASSA_PKCS1_V1_5_SHA_256" => &lc_signature::RSA_PKCS1_SHA256,
        "RSASSA_PKCS1_V1_5_SHA_384" => &lc_signature::RSA_PKCS1_SHA384,
        "RSASSA_PKCS1_V1_5_SHA_512" => &lc_signature::RSA_PKCS1_SHA512,
        _ => &lc_signature::RSA_PSS_SHA256,
    }
}

/// Returns aws-lc-rs's verification parameters of an RSA signing algorithm name.
fn rsa_parameters(algorithm: &str) -> &'static aws_lc_rs::rsa::RsaParameters {
    match algorithm {
        "RSASSA_PSS_SHA_384" => &lc_signature::RSA_PSS_2048_8192_SHA384,
        "RSASSA_PSS_SHA_512" => &lc_signature::RSA_PSS_2048_8192_SHA512,
        "RSASSA_PKCS1_V1_5_SHA_256" => &lc_signature::RSA_PKCS1_2048_8192_SHA256,
        "RSASSA_PKCS1_V1_5_SHA_384" => &lc_signature::RSA_PKCS1_2048_8192_SHA384,
        "RSASSA_PKCS1_V1_5_SHA_512" => &lc_signature::RSA_PKCS1_2048_8192_SHA512,
        _ => &lc_signature::RSA_PSS_2048_8192_SHA256,
    }
}
