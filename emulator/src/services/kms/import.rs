//! Imported key material: GetParametersForImport, ImportKeyMaterial and
//! DeleteImportedKeyMaterial, for keys created with origin EXTERNAL
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html>).
//!
//! GetParametersForImport makes a fresh RSA wrapping key pair and an import
//! token, both valid for 24 hours, and a later call replaces them. The caller
//! wraps its key material with the public key using RSAES-OAEP. With
//! RSA_AES_KEY_WRAP_*, it instead wraps a fresh AES-256 key with RSAES-OAEP
//! and the material with that AES key (AES key wrap with padding, RFC 5649),
//! then sends the two concatenated
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-encrypt-key-material.html>).
//! A key accepts only the material it was first given, so after
//! DeleteImportedKeyMaterial or expiry it can be brought back only with the
//! same bytes.

use aws_lc_rs::digest;

use super::crypto::{self, RsaMaterial, random_bytes};
use super::key::{ImportParameters, Key, KeySpec, Status};
use super::model::{Blob, Empty, GetParametersForImportInput, GetParametersForImportOutput, ImportKeyMaterialInput, KeyIdInput, KeyIdOutput};
use super::{KeyUse, Kms, Needs, errors, now};
use crate::error::AwsResult;
use crate::http::RequestContext;

/// How long an import token and its wrapping key stay valid.
const PARAMETERS_LIFETIME_SECONDS: f64 = 24.0 * 3600.0;

/// The longest ValidTo ImportKeyMaterial accepts, counted from the request.
const MAX_VALID_TO_SECONDS: f64 = 365.0 * 24.0 * 3600.0;

/// The wrapping algorithms the emulator accepts.
const WRAPPING_ALGORITHMS: [&str; 4] =
    ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"];

/// The length of the AES key that RSA_AES_KEY_WRAP_* wraps with RSAES-OAEP.
const AES_WRAPPING_KEY_LEN: usize = 32;

impl Kms {
    pub(super) fn get_parameters_for_import(
        &self,
        context: &RequestContext,
        input: GetParametersForImportInput,
    ) -> AwsResult<GetParametersForImportOutput> {
        let algorithm_name = input.wrapping_algorithm.ok_or_else(|| errors::missing("wrappingAlgorithm"))?;
        let wrapping_algorithm = parse_wrapping_algorithm(&algorithm_name)?;
        let spec_name = input.wrapping_key_spec.ok_or_else(|| errors::missing("wrappingKeySpec"))?;
        let bits = match spec_name.as_str() {
            "RSA_2048" => 2048,
            "RSA_3072" => 3072,
            "RSA_4096" => 4096,
            "SM2" => {
                return Err(errors::validation(
                    "WrappingKeySpec SM2 is available only in the AWS China Regions.".to_owned(),
                ));
            }
            other => {
                return Err(errors::invalid_value(
                    "wrappingKeySpec",
                    other,
                    "Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, SM2]",
                ));
            }
        };
        let key_use = KeyUse::new("GetParametersForImport", Needs::NotPendingDeletion);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        require_external(&key, "GetParametersForImport")?;

        let failed = |_| errors::internal("GetParametersForImport");
        let wrapping_key = RsaMaterial::generate(bits).map_err(failed)?;
        let import_token = random_bytes(64).map_err(failed)?;
        let public_key = wrapping_key.public_key_der.clone();
        let valid_to = now() + PARAMETERS_LIFETIME_SECONDS;

        let mut state = key.state();
        if let Some(import) = state.import.as_mut() {
            import.parameters =
                Some(ImportParameters { import_token: import_token.clone(), wrapping_algorithm, wrapping_key, valid_to });
        }
        Ok(GetParametersForImportOutput {
            key_id: key.arn.clone(),
            import_token: Blob(import_token),
            public_key: Blob(public_key),
            parameters_valid_to: valid_to,
        })
    }

    pub(super) fn import_key_material(
        &self,
        context: &RequestContext,
        input: ImportKeyMaterialInput,
    ) -> AwsResult<KeyIdOutput> {
        let import_token = input.import_token.ok_or_else(|| errors::missing("importToken"))?.0;
        let wrapped = input.encrypted_key_material.ok_or_else(|| errors::missing("encryptedKeyMaterial"))?.0;
        let requested_at = now();
        let (expiration_model, valid_to) = expiration(input.expiration_model.as_deref(), input.valid_to, requested_at)?;
        let key_use = KeyUse::new("ImportKeyMaterial", Needs::NotPendingDeletion);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        require_external(&key, "ImportKeyMaterial")?;

        // Unwrap and check everything before changing the key, so a failed
        // import leaves it as it was.
        let mut state = key.state();
        let Some(import) = state.import.as_mut() else {
            return Err(errors::unsupported_operation(&key.arn, "ImportKeyMaterial", key.spec.as_str()));
        };
        let Some(parameters) = import.parameters.as_ref().filter(|parameters| parameters.import_token == import_token)
        else {
            return Err(errors::invalid_import_token(&key.arn));
        };
        if parameters.valid_to <= requested_at {
            return Err(errors::expired_import_token(&key.arn));
        }
        let material = unwrap_material(parameters, &wrapped)?;
        check_material_length(&key, &material)?;
        let material_digest = digest::digest(&digest::SHA256, &material).as_ref().to_vec();
        if import.material_digest.as_ref().is_some_and(|first| *first != material_digest) {
            return Err(errors::incorrect_key_material(&key.arn, "it differs from the key material imported before"));
        }

        import.material_digest = Some(material_digest);
        import.expiration_model = Some(expiration_model);
        import.valid_to = valid_to;
        state.symmetric_versions = vec![material];
        if state.status == Status::PendingImport {
            state.status = Status::Enabled;
        }
        Ok(KeyIdOutput { key_id: key.arn.clone() })
    }

    pub(super) fn delete_imported_key_material(&self, context: &RequestContext, input: KeyIdInput) -> AwsResult<Empty> {
        let key_use = KeyUse::new("DeleteImportedKeyMaterial", Needs::NotPendingDeletion);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        require_external(&key, "DeleteImportedKeyMaterial")?;
        key.state().delete_imported_material();
        Ok(Empty {})
    }
}

/// Rejects the import operations on a key whose material KMS generated.
fn require_external(key: &Key, operation: &str) -> AwsResult<()> {
    if key.origin() == "EXTERNAL" {
        Ok(())
    } else {
        Err(errors::unsupported_operation(&key.arn, operation, "origin AWS_KMS"))
    }
}

fn parse_wrapping_algorithm(name: &str) -> AwsResult<&'static str> {
    if let Some(known) = WRAPPING_ALGORITHMS.iter().find(|known| **known == name) {
        return Ok(known);
    }
    match name {
        "RSAES_PKCS1_V1_5" => Err(errors::validation(
            "WrappingAlgorithm RSAES_PKCS1_V1_5 is no longer supported; use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256."
                .to_owned(),
        )),
        "SM2PKE" => {
            Err(errors::validation("WrappingAlgorithm SM2PKE is available only in the AWS China Regions.".to_owned()))
        }
        other => Err(errors::invalid_value(
            "wrappingAlgorithm",
            other,
            "Member must satisfy enum value set: [RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, \
             RSA_AES_KEY_WRAP_SHA_1, RSA_AES_KEY_WRAP_SHA_256, SM2PKE]",
        )),
    }
}

/// Reads ExpirationModel and ValidTo: KEY_MATERIAL_EXPIRES needs a ValidTo
/// between now and 365 days ahead, and KEY_MATERIAL_DOES_NOT_EXPIRE (the
/// default) takes none
/// (<https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html>).
fn expiration(model: Option<&str>, valid_to: Option<f64>, requested_at: f64) -> AwsResult<(&'static str, Option<f64>)> {
    match (model, valid_to) {
        (None | Some("KEY_MATERIAL_DOES_NOT_EXPIRE"), None) => Ok(("KEY_MATERIAL_DOES_NOT_EXPIRE", None)),
        (None | Some("KEY_MATERIAL_DOES_NOT_EXPIRE"), Some(valid_to)) => Err(errors::validation(format!(
            "ValidTo {valid_to} is set, but the expiration model is KEY_MATERIAL_DOES_NOT_EXPIRE; \
             omit ValidTo or set ExpirationModel to KEY_MATERIAL_EXPIRES."
        ))),
        (Some("KEY_MATERIAL_EXPIRES"), None) => {
            Err(errors::validation("ExpirationModel KEY_MATERIAL_EXPIRES needs a ValidTo.".to_owned()))
        }
        (Some("KEY_MATERIAL_EXPIRES"), Some(valid_to)) => {
            if valid_to <= requested_at || valid_to > requested_at + MAX_VALID_TO_SECONDS {
                return Err(errors::validation(format!(
                    "ValidTo {valid_to} must be after the request and at most 365 days after it."
                )));
            }
            Ok(("KEY_MATERIAL_EXPIRES", Some(valid_to)))
        }
        (Some(other), _) => Err(errors::invalid_value(
            "expirationModel",
            other,
            "Member must satisfy enum value set: [KEY_MATERIAL_EXPIRES, KEY_MATERIAL_DOES_NOT_EXPIRE]",
        )),
    }
}

/// Unwraps key material with the private half of the wrapping key.
fn unwrap_material(parameters: &ImportParameters, wrapped: &[u8]) -> AwsResult<Vec<u8>> {
    let not_unwrapped = |_| {
        errors::invalid_ciphertext(&format!(
            "the encrypted key material does not unwrap with the wrapping key and {}",
            parameters.wrapping_algorithm
        ))
    };
    let (oaep_name, with_aes) = match parameters.wrapping_algorithm {
        "RSA_AES_KEY_WRAP_SHA_1" => ("RSAES_OAEP_SHA_1", true),
        "RSA_AES_KEY_WRAP_SHA_256" => ("RSAES_OAEP_SHA_256", true),
        direct => (direct, false),
    };
    let oaep = crypto::oaep_algorithm(oaep_name).ok_or_else(|| errors::internal("ImportKeyMaterial"))?;
    if !with_aes {
        return parameters.wrapping_key.decrypt(oaep, wrapped).map_err(not_unwrapped);
    }
    let modulus_len = parameters.wrapping_key.modulus_len();
    if wrapped.len() <= modulus_len {
        return Err(errors::invalid_ciphertext(&format!(
            "{} material has {} bytes, not the {modulus_len}-byte wrapped AES key followed by the wrapped key material",
            parameters.wrapping_algorithm,
            wrapped.len()
        )));
    }
    let (wrapped_aes_key, wrapped_material) = wrapped.split_at(modulus_len);
    let aes_key = parameters.wrapping_key.decrypt(oaep, wrapped_aes_key).map_err(not_unwrapped)?;
    if aes_key.len() != AES_WRAPPING_KEY_LEN {
        return Err(errors::invalid_ciphertext(&format!(
            "the wrapped AES key has {} bytes, not {AES_WRAPPING_KEY_LEN}",
            aes_key.len()
        )));
    }
    crypto::aes_key_unwrap_padded(&aes_key, wrapped_material).map_err(not_unwrapped)
}

/// Checks the material's length against the key spec: 32 bytes for a
/// symmetric encryption key, and for an HMAC key at least its digest length.
/// NOTE: the upper bounds for HMAC keys (64 bytes for HMAC_224 and HMAC_256,
/// 128 for HMAC_384 and HMAC_512, the hash block sizes) are an estimate, not
/// checked against AWS's requirements for imported key material.
fn check_material_length(key: &Key, material: &[u8]) -> AwsResult<()> {
    let (min, max) = match key.spec {
        KeySpec::SymmetricDefault => (32, 32),
        KeySpec::Hmac(224) => (28, 64),
        KeySpec::Hmac(256) => (32, 64),
        KeySpec::Hmac(384) => (48, 128),
        KeySpec::Hmac(_) => (64, 128),
        KeySpec::Rsa(_) | KeySpec::Ecc(_) => return Err(errors::internal("ImportKeyMaterial")),
    };
    if (min..=max).contains(&material.len()) {
        Ok(())
    } else {
        let expected = if min == max { format!("{min} bytes") } else { format!("{min} to {max} bytes") };
        Err(errors::incorrect_key_material(
            &key.arn,
            &format!("it has {} bytes, and a {} key takes {expected}", material.len(), key.spec.as_str()),
        ))
    }
}
