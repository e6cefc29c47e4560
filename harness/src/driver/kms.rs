//! The AWS KMS driver: the key, alias, cryptography, key policy, grant and
//! key rotation operations through `aws-sdk-kms`.
//!
//! Input and output members carry the names of the AWS KMS API reference
//! (<https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html>).
//! Blobs (plaintexts, ciphertexts, signatures, MACs, public keys) are base64
//! text in both directions. Timestamps are whole seconds since the Unix epoch.
//! Enumerations such as `KeySpec` or `SigningAlgorithm` are their API names;
//! the SDK passes a name it does not know through unchanged, so scenarios can
//! send invalid values on purpose.
//!
//! Resource addresses: `KeyId`, `TargetKeyId` and `DestinationKeyId` are
//! classified by [`operations::resolve_key_address`]: a key ARN or alias ARN
//! names the owning namespace, a bare key id or an alias name acts in the
//! caller's own namespace.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_kms::Client;
use aws_sdk_kms::types::{
    AliasListEntry, DataKeyPairSpec, DataKeySpec, EncryptionAlgorithmSpec, GrantConstraints, GrantListEntry,
    GrantOperation, KeyMetadata, KeySpec, KeyUsageType, MacAlgorithmSpec, MessageType, OriginType,
    SigningAlgorithmSpec, Tag,
};
use aws_smithy_types::{Blob, DateTime};
use base64::Engine;
use serde_json::{Map, Value};

use self::operations::OPERATIONS;
use super::{Input, InputError, JsonObject, StatusRecorder, outcome_of};
use crate::outcome::Outcome;

mod operations;

/// Calls KMS operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct KmsDriver;

sdk_driver!(KmsDriver, service: "kms", operations: OPERATIONS, sdk: aws_sdk_kms, call: call_operation);

async fn call_operation(
    client: &Client,
    operation: &str,
    input: Input<'_>,
    recorder: &StatusRecorder,
) -> Result<Outcome, InputError> {
    let outcome = match operation {
        "CancelKeyDeletion" => {
            let result = client.cancel_key_deletion().set_key_id(input.string("KeyId")?).send().await;
            outcome_of(result, recorder, |output| JsonObject::new().member("KeyId", output.key_id).build())
        }
        "CreateAlias" => {
            let result = client
                .create_alias()
                .set_alias_name(input.string("AliasName")?)
                .set_target_key_id(input.string("TargetKeyId")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "CreateGrant" => {
            let result = client
                .create_grant()
                .set_key_id(input.string("KeyId")?)
                .set_grantee_principal(input.string("GranteePrincipal")?)
                .set_retiring_principal(input.string("RetiringPrincipal")?)
                .set_operations(grant_operations(&input)?)
                .set_constraints(grant_constraints(&input)?)
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_name(input.string("Name")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new().member("GrantToken", output.grant_token).member("GrantId", output.grant_id).build()
            })
        }
        "CreateKey" => {
            let result = client
                .create_key()
                .set_policy(input.string("Policy")?)
                .set_description(input.string("Description")?)
                .set_key_usage(input.string("KeyUsage")?.as_deref().map(KeyUsageType::from))
                .set_key_spec(input.string("KeySpec")?.as_deref().map(KeySpec::from))
                .set_origin(input.string("Origin")?.as_deref().map(OriginType::from))
                .set_bypass_policy_lockout_safety_check(input.boolean("BypassPolicyLockoutSafetyCheck")?)
                .set_tags(tags(&input)?)
                .set_multi_region(input.boolean("MultiRegion")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new().member("KeyMetadata", output.key_metadata.map(key_metadata_json)).build()
            })
        }
        "Decrypt" => {
            let result = client
                .decrypt()
                .set_ciphertext_blob(input.blob("CiphertextBlob")?)
                .set_encryption_context(input.string_map("EncryptionContext")?)
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_key_id(input.string("KeyId")?)
                .set_encryption_algorithm(encryption_algorithm(&input, "EncryptionAlgorithm")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("KeyId", output.key_id)
                    .member("Plaintext", output.plaintext.map(base64_text))
                    .member("EncryptionAlgorithm", output.encryption_algorithm.map(|value| value.as_str().to_owned()))
                    .member("KeyMaterialId", output.key_material_id)
                    .build()
            })
        }
        "DeleteAlias" => {
            let result = client.delete_alias().set_alias_name(input.string("AliasName")?).send().await;
            outcome_of(result, recorder, |_| empty())
        }
        "DescribeKey" => {
            let result = client
                .describe_key()
                .set_key_id(input.string("KeyId")?)
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new().member("KeyMetadata", output.key_metadata.map(key_metadata_json)).build()
            })
        }
        "DisableKey" => {
            let result = client.disable_key().set_key_id(input.string("KeyId")?).send().await;
            outcome_of(result, recorder, |_| empty())
        }
        "DisableKeyRotation" => {
            let result = client.disable_key_rotation().set_key_id(input.string("KeyId")?).send().await;
            outcome_of(result, recorder, |_| empty())
        }
        "EnableKey" => {
            let result = client.enable_key().set_key_id(input.string("KeyId")?).send().await;
            outcome_of(result, recorder, |_| empty())
        }
        "EnableKeyRotation" => {
            let result = client
                .enable_key_rotation()
                .set_key_id(input.string("KeyId")?)
                .set_rotation_period_in_days(input.int("RotationPeriodInDays")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "Encrypt" => {
            let result = client
                .encrypt()
                .set_key_id(input.string("KeyId")?)
                .set_plaintext(input.blob("Plaintext")?)
                .set_encryption_context(input.string_map("EncryptionContext")?)
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_encryption_algorithm(encryption_algorithm(&input, "EncryptionAlgorithm")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("CiphertextBlob", output.ciphertext_blob.map(base64_text))
                    .member("KeyId", output.key_id)
                    .member("EncryptionAlgorithm", output.encryption_algorithm.map(|value| value.as_str().to_owned()))
                    .build()
            })
        }
        "GenerateDataKey" => {
            let result = client
                .generate_data_key()
                .set_key_id(input.string("KeyId")?)
                .set_encryption_context(input.string_map("EncryptionContext")?)
                .set_number_of_bytes(input.int("NumberOfBytes")?)
                .set_key_spec(input.string("KeySpec")?.as_deref().map(DataKeySpec::from))
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("CiphertextBlob", output.ciphertext_blob.map(base64_text))
                    .member("Plaintext", output.plaintext.map(base64_text))
                    .member("KeyId", output.key_id)
                    .member("KeyMaterialId", output.key_material_id)
                    .build()
            })
        }
        "GenerateDataKeyPair" => {
            let result = client
                .generate_data_key_pair()
                .set_encryption_context(input.string_map("EncryptionContext")?)
                .set_key_id(input.string("KeyId")?)
                .set_key_pair_spec(input.string("KeyPairSpec")?.as_deref().map(DataKeyPairSpec::from))
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("PrivateKeyCiphertextBlob", output.private_key_ciphertext_blob.map(base64_text))
                    .member("PrivateKeyPlaintext", output.private_key_plaintext.map(base64_text))
                    .member("PublicKey", output.public_key.map(base64_text))
                    .member("KeyId", output.key_id)
                    .member("KeyPairSpec", output.key_pair_spec.map(|value| value.as_str().to_owned()))
                    .member("KeyMaterialId", output.key_material_id)
                    .build()
            })
        }
        "GenerateDataKeyPairWithoutPlaintext" => {
            let result = client
                .generate_data_key_pair_without_plaintext()
                .set_encryption_context(input.string_map("EncryptionContext")?)
                .set_key_id(input.string("KeyId")?)
                .set_key_pair_spec(input.string("KeyPairSpec")?.as_deref().map(DataKeyPairSpec::from))
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("PrivateKeyCiphertextBlob", output.private_key_ciphertext_blob.map(base64_text))
                    .member("PublicKey", output.public_key.map(base64_text))
                    .member("KeyId", output.key_id)
                    .member("KeyPairSpec", output.key_pair_spec.map(|value| value.as_str().to_owned()))
                    .member("KeyMaterialId", output.key_material_id)
                    .build()
            })
        }
        "GenerateDataKeyWithoutPlaintext" => {
            let result = client
                .generate_data_key_without_plaintext()
                .set_key_id(input.string("KeyId")?)
                .set_encryption_context(input.string_map("EncryptionContext")?)
                .set_key_spec(input.string("KeySpec")?.as_deref().map(DataKeySpec::from))
                .set_number_of_bytes(input.int("NumberOfBytes")?)
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("CiphertextBlob", output.ciphertext_blob.map(base64_text))
                    .member("KeyId", output.key_id)
                    .member("KeyMaterialId", output.key_material_id)
                    .build()
            })
        }
        "GenerateMac" => {
            let result = client
                .generate_mac()
                .set_message(input.blob("Message")?)
                .set_key_id(input.string("KeyId")?)
                .set_mac_algorithm(input.string("MacAlgorithm")?.as_deref().map(MacAlgorithmSpec::from))
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("Mac", output.mac.map(base64_text))
                    .member("MacAlgorithm", output.mac_algorithm.map(|value| value.as_str().to_owned()))
                    .member("KeyId", output.key_id)
                    .build()
            })
        }
        "GenerateRandom" => {
            let result = client
                .generate_random()
                .set_number_of_bytes(input.int("NumberOfBytes")?)
                .set_custom_key_store_id(input.string("CustomKeyStoreId")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new().member("Plaintext", output.plaintext.map(base64_text)).build()
            })
        }
        "GetKeyPolicy" => {
            let result = client
                .get_key_policy()
                .set_key_id(input.string("KeyId")?)
                .set_policy_name(input.string("PolicyName")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new().member("Policy", output.policy).member("PolicyName", output.policy_name).build()
            })
        }
        "GetKeyRotationStatus" => {
            let result = client.get_key_rotation_status().set_key_id(input.string("KeyId")?).send().await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .required("KeyRotationEnabled", output.key_rotation_enabled)
                    .member("KeyId", output.key_id)
                    .member("RotationPeriodInDays", output.rotation_period_in_days)
                    .member("NextRotationDate", output.next_rotation_date.map(epoch_seconds))
                    .member("OnDemandRotationStartDate", output.on_demand_rotation_start_date.map(epoch_seconds))
                    .build()
            })
        }
        "GetPublicKey" => {
            let result = client
                .get_public_key()
                .set_key_id(input.string("KeyId")?)
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("KeyId", output.key_id)
                    .member("PublicKey", output.public_key.map(base64_text))
                    .member("KeySpec", output.key_spec.map(|value| value.as_str().to_owned()))
                    .member("KeyUsage", output.key_usage.map(|value| value.as_str().to_owned()))
                    .member("EncryptionAlgorithms", output.encryption_algorithms.map(|values| names(&values)))
                    .member("SigningAlgorithms", output.signing_algorithms.map(|values| names(&values)))
                    .build()
            })
        }
        "ListAliases" => {
            let result = client
                .list_aliases()
                .set_key_id(input.string("KeyId")?)
                .set_limit(input.int("Limit")?)
                .set_marker(input.string("Marker")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                let aliases = output.aliases.map(|aliases| aliases.into_iter().map(alias_json).collect::<Vec<_>>());
                page(JsonObject::new().member("Aliases", aliases), output.next_marker, output.truncated)
            })
        }
        "ListGrants" => {
            let result = client
                .list_grants()
                .set_limit(input.int("Limit")?)
                .set_marker(input.string("Marker")?)
                .set_key_id(input.string("KeyId")?)
                .set_grant_id(input.string("GrantId")?)
                .set_grantee_principal(input.string("GranteePrincipal")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                let grants = output.grants.map(|grants| grants.into_iter().map(grant_json).collect::<Vec<_>>());
                page(JsonObject::new().member("Grants", grants), output.next_marker, output.truncated)
            })
        }
        "ListKeyPolicies" => {
            let result = client
                .list_key_policies()
                .set_key_id(input.string("KeyId")?)
                .set_limit(input.int("Limit")?)
                .set_marker(input.string("Marker")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                page(JsonObject::new().member("PolicyNames", output.policy_names), output.next_marker, output.truncated)
            })
        }
        "ListKeys" => {
            let result =
                client.list_keys().set_limit(input.int("Limit")?).set_marker(input.string("Marker")?).send().await;
            outcome_of(result, recorder, |output| {
                let keys = output.keys.map(|keys| {
                    keys.into_iter()
                        .map(|key| JsonObject::new().member("KeyId", key.key_id).member("KeyArn", key.key_arn).build())
                        .collect::<Vec<_>>()
                });
                page(JsonObject::new().member("Keys", keys), output.next_marker, output.truncated)
            })
        }
        "ListResourceTags" => {
            let result = client
                .list_resource_tags()
                .set_key_id(input.string("KeyId")?)
                .set_limit(input.int("Limit")?)
                .set_marker(input.string("Marker")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                let tags = output.tags.map(|tags| tags.into_iter().map(tag_json).collect::<Vec<_>>());
                page(JsonObject::new().member("Tags", tags), output.next_marker, output.truncated)
            })
        }
        "ListRetirableGrants" => {
            let result = client
                .list_retirable_grants()
                .set_limit(input.int("Limit")?)
                .set_marker(input.string("Marker")?)
                .set_retiring_principal(input.string("RetiringPrincipal")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                let grants = output.grants.map(|grants| grants.into_iter().map(grant_json).collect::<Vec<_>>());
                page(JsonObject::new().member("Grants", grants), output.next_marker, output.truncated)
            })
        }
        "PutKeyPolicy" => {
            let result = client
                .put_key_policy()
                .set_key_id(input.string("KeyId")?)
                .set_policy_name(input.string("PolicyName")?)
                .set_policy(input.string("Policy")?)
                .set_bypass_policy_lockout_safety_check(input.boolean("BypassPolicyLockoutSafetyCheck")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "ReEncrypt" => {
            let result = client
                .re_encrypt()
                .set_ciphertext_blob(input.blob("CiphertextBlob")?)
                .set_source_encryption_context(input.string_map("SourceEncryptionContext")?)
                .set_source_key_id(input.string("SourceKeyId")?)
                .set_destination_key_id(input.string("DestinationKeyId")?)
                .set_destination_encryption_context(input.string_map("DestinationEncryptionContext")?)
                .set_source_encryption_algorithm(encryption_algorithm(&input, "SourceEncryptionAlgorithm")?)
                .set_destination_encryption_algorithm(encryption_algorithm(&input, "DestinationEncryptionAlgorithm")?)
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("CiphertextBlob", output.ciphertext_blob.map(base64_text))
                    .member("SourceKeyId", output.source_key_id)
                    .member("KeyId", output.key_id)
                    .member(
                        "SourceEncryptionAlgorithm",
                        output.source_encryption_algorithm.map(|value| value.as_str().to_owned()),
                    )
                    .member(
                        "DestinationEncryptionAlgorithm",
                        output.destination_encryption_algorithm.map(|value| value.as_str().to_owned()),
                    )
                    .build()
            })
        }
        "RetireGrant" => {
            let result = client
                .retire_grant()
                .set_grant_token(input.string("GrantToken")?)
                .set_key_id(input.string("KeyId")?)
                .set_grant_id(input.string("GrantId")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "RevokeGrant" => {
            let result = client
                .revoke_grant()
                .set_key_id(input.string("KeyId")?)
                .set_grant_id(input.string("GrantId")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "ScheduleKeyDeletion" => {
            let result = client
                .schedule_key_deletion()
                .set_key_id(input.string("KeyId")?)
                .set_pending_window_in_days(input.int("PendingWindowInDays")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("KeyId", output.key_id)
                    .member("DeletionDate", output.deletion_date.map(epoch_seconds))
                    .member("KeyState", output.key_state.map(|value| value.as_str().to_owned()))
                    .member("PendingWindowInDays", output.pending_window_in_days)
                    .build()
            })
        }
        "Sign" => {
            let result = client
                .sign()
                .set_key_id(input.string("KeyId")?)
                .set_message(input.blob("Message")?)
                .set_message_type(input.string("MessageType")?.as_deref().map(MessageType::from))
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_signing_algorithm(signing_algorithm(&input)?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("KeyId", output.key_id)
                    .member("Signature", output.signature.map(base64_text))
                    .member("SigningAlgorithm", output.signing_algorithm.map(|value| value.as_str().to_owned()))
                    .build()
            })
        }
        "TagResource" => {
            let result = client.tag_resource().set_key_id(input.string("KeyId")?).set_tags(tags(&input)?).send().await;
            outcome_of(result, recorder, |_| empty())
        }
        "UntagResource" => {
            let result = client
                .untag_resource()
                .set_key_id(input.string("KeyId")?)
                .set_tag_keys(input.string_list("TagKeys")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "UpdateAlias" => {
            let result = client
                .update_alias()
                .set_alias_name(input.string("AliasName")?)
                .set_target_key_id(input.string("TargetKeyId")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "UpdateKeyDescription" => {
            let result = client
                .update_key_description()
                .set_key_id(input.string("KeyId")?)
                .set_description(input.string("Description")?)
                .send()
                .await;
            outcome_of(result, recorder, |_| empty())
        }
        "Verify" => {
            let result = client
                .verify()
                .set_key_id(input.string("KeyId")?)
                .set_message(input.blob("Message")?)
                .set_message_type(input.string("MessageType")?.as_deref().map(MessageType::from))
                .set_signature(input.blob("Signature")?)
                .set_signing_algorithm(signing_algorithm(&input)?)
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("KeyId", output.key_id)
                    .required("SignatureValid", output.signature_valid)
                    .member("SigningAlgorithm", output.signing_algorithm.map(|value| value.as_str().to_owned()))
                    .build()
            })
        }
        "VerifyMac" => {
            let result = client
                .verify_mac()
                .set_message(input.blob("Message")?)
                .set_key_id(input.string("KeyId")?)
                .set_mac_algorithm(input.string("MacAlgorithm")?.as_deref().map(MacAlgorithmSpec::from))
                .set_mac(input.blob("Mac")?)
                .set_grant_tokens(input.string_list("GrantTokens")?)
                .set_dry_run(input.boolean("DryRun")?)
                .send()
                .await;
            outcome_of(result, recorder, |output| {
                JsonObject::new()
                    .member("KeyId", output.key_id)
                    .required("MacValid", output.mac_valid)
                    .member("MacAlgorithm", output.mac_algorithm.map(|value| value.as_str().to_owned()))
                    .build()
            })
        }
        other => {
            // The loader checks operation names against OPERATIONS, so only a
            // table entry without a match arm gets here.
            return Err(InputError {
                path: String::new(),
                message: format!("the KMS driver lists {other} but cannot call it"),
            });
        }
    };
    Ok(outcome)
}

fn empty() -> Value {
    Value::Object(Map::new())
}

fn base64_text(blob: Blob) -> String {
    base64::engine::general_purpose::STANDARD.encode(blob.into_inner())
}

/// Whole seconds since the Unix epoch; KMS timestamps carry no finer part
/// that a scenario could compare.
fn epoch_seconds(time: DateTime) -> i64 {
    time.secs()
}

/// The API names of a list of enumeration values.
fn names<T: AsRef<str>>(values: &[T]) -> Vec<String> {
    values.iter().map(|value| value.as_ref().to_owned()).collect()
}

fn encryption_algorithm(input: &Input<'_>, member: &str) -> Result<Option<EncryptionAlgorithmSpec>, InputError> {
    Ok(input.string(member)?.as_deref().map(EncryptionAlgorithmSpec::from))
}

fn signing_algorithm(input: &Input<'_>) -> Result<Option<SigningAlgorithmSpec>, InputError> {
    Ok(input.string("SigningAlgorithm")?.as_deref().map(SigningAlgorithmSpec::from))
}

fn grant_operations(input: &Input<'_>) -> Result<Option<Vec<GrantOperation>>, InputError> {
    Ok(input
        .string_list("Operations")?
        .map(|values| values.iter().map(|value| GrantOperation::from(value.as_str())).collect()))
}

fn tags(input: &Input<'_>) -> Result<Option<Vec<Tag>>, InputError> {
    let Some(entries) = input.object_list("Tags")? else {
        return Ok(None);
    };
    let mut built = Vec::with_capacity(entries.len());
    for entry in &entries {
        let tag = entry.input();
        let value = Tag::builder()
            .tag_key(tag.required_string("TagKey")?)
            .tag_value(tag.required_string("TagValue")?)
            .build()
            .map_err(|error| InputError {
                path: tag.prefix().trim_end_matches('.').to_owned(),
                message: format!("the SDK could not build this value: {error}"),
            })?;
        built.push(value);
    }
    Ok(Some(built))
}

fn grant_constraints(input: &Input<'_>) -> Result<Option<GrantConstraints>, InputError> {
    let Some(object) = input.object("Constraints")? else {
        return Ok(None);
    };
    let constraints = object.input();
    Ok(Some(
        GrantConstraints::builder()
            .set_encryption_context_subset(constraints.string_map("EncryptionContextSubset")?)
            .set_encryption_context_equals(constraints.string_map("EncryptionContextEquals")?)
            .build(),
    ))
}

/// Completes a paginated list response with its marker and truncation flag.
fn page(object: JsonObject, next_marker: Option<String>, truncated: bool) -> Value {
    object.member("NextMarker", next_marker).required("Truncated", truncated).build()
}

fn key_metadata_json(metadata: KeyMetadata) -> Value {
    JsonObject::new()
        .member("AWSAccountId", metadata.aws_account_id)
        .required("KeyId", metadata.key_id)
        .member("Arn", metadata.arn)
        .member("CreationDate", metadata.creation_date.map(epoch_seconds))
        .required("Enabled", metadata.enabled)
        .member("Description", metadata.description)
        .member("KeyUsage", metadata.key_usage.map(|value| value.as_str().to_owned()))
        .member("KeyState", metadata.key_state.map(|value| value.as_str().to_owned()))
        .member("DeletionDate", metadata.deletion_date.map(epoch_seconds))
        .member("ValidTo", metadata.valid_to.map(epoch_seconds))
        .member("Origin", metadata.origin.map(|value| value.as_str().to_owned()))
        .member("KeyManager", metadata.key_manager.map(|value| value.as_str().to_owned()))
        .member("KeySpec", metadata.key_spec.map(|value| value.as_str().to_owned()))
        .member("EncryptionAlgorithms", metadata.encryption_algorithms.map(|values| names(&values)))
        .member("SigningAlgorithms", metadata.signing_algorithms.map(|values| names(&values)))
        .member("MacAlgorithms", metadata.mac_algorithms.map(|values| names(&values)))
        .member("MultiRegion", metadata.multi_region)
        .member("PendingDeletionWindowInDays", metadata.pending_deletion_window_in_days)
        .build()
}

fn alias_json(alias: AliasListEntry) -> Value {
    JsonObject::new()
        .member("AliasName", alias.alias_name)
        .member("AliasArn", alias.alias_arn)
        .member("TargetKeyId", alias.target_key_id)
        .member("CreationDate", alias.creation_date.map(epoch_seconds))
        .member("LastUpdatedDate", alias.last_updated_date.map(epoch_seconds))
        .build()
}

fn grant_json(grant: GrantListEntry) -> Value {
    let constraints = grant.constraints.map(|constraints| {
        JsonObject::new()
            .member("EncryptionContextSubset", constraints.encryption_context_subset.map(sorted_strings))
            .member("EncryptionContextEquals", constraints.encryption_context_equals.map(sorted_strings))
            .build()
    });
    JsonObject::new()
        .member("KeyId", grant.key_id)
        .member("GrantId", grant.grant_id)
        .member("Name", grant.name)
        .member("CreationDate", grant.creation_date.map(epoch_seconds))
        .member("GranteePrincipal", grant.grantee_principal)
        .member("RetiringPrincipal", grant.retiring_principal)
        .member("IssuingAccount", grant.issuing_account)
        .member("Operations", grant.operations.map(|values| names(&values)))
        .member("Constraints", constraints)
        .build()
}

fn tag_json(tag: Tag) -> Value {
    JsonObject::new().required("TagKey", tag.tag_key).required("TagValue", tag.tag_value).build()
}

/// Renders a map of strings as a JSON object sorted by key.
fn sorted_strings(map: HashMap<String, String>) -> Value {
    let sorted: BTreeMap<String, String> = map.into_iter().collect();
    Value::Object(sorted.into_iter().map(|(name, value)| (name, Value::String(value))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::shape::{self, Rules};
    use crate::driver::Operation;

    fn declared(name: &str) -> &'static Operation {
        OPERATIONS.iter().find(|operation| operation.name == name).expect("a declared operation")
    }

    #[test]
    fn rendered_key_metadata_fits_describe_output() {
        let metadata = KeyMetadata::builder()
            .key_id("1234abcd-12ab-34cd-56ef-1234567890ab")
            .arn("arn:aws:kms:ap-south-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            .aws_account_id("111111111111")
            .creation_date(DateTime::from_secs(1_700_000_000))
            .enabled(true)
            .key_spec(KeySpec::SymmetricDefault)
            .encryption_algorithms(EncryptionAlgorithmSpec::SymmetricDefault)
            .build()
            .expect("KeyId is set");
        let response = JsonObject::new().required("KeyMetadata", key_metadata_json(metadata)).build();
        let checked = shape::check_structure(&response, declared("DescribeKey").output, Rules::RENDERED_OUTPUT);
        assert_eq!(checked, Ok(()), "{response}");
        assert_eq!(response["KeyMetadata"]["CreationDate"], Value::from(1_700_000_000_i64));
        assert_eq!(response["KeyMetadata"]["EncryptionAlgorithms"], serde_json::json!(["SYMMETRIC_DEFAULT"]));
    }

    #[test]
    fn rendered_grant_fits_list_grants_output() {
        let grant = GrantListEntry::builder()
            .key_id("k")
            .grant_id("g")
            .grantee_principal("arn:aws:iam::222222222222:root")
            .operations(GrantOperation::Decrypt)
            .constraints(GrantConstraints::builder().encryption_context_equals("purpose", "test").build())
            .build();
        let response = page(JsonObject::new().required("Grants", vec![grant_json(grant)]), None, false);
        let checked = shape::check_structure(&response, declared("ListGrants").output, Rules::RENDERED_OUTPUT);
        assert_eq!(checked, Ok(()), "{response}");
    }

    #[test]
    fn tags_need_key_and_value() {
        let input = serde_json::json!({ "Tags": [{ "TagKey": "team" }] });
        let input = input.as_object().expect("an object");
        let error = tags(&Input::new(input)).expect_err("TagValue is missing");
        assert_eq!(error.path, "Tags[0].TagValue");
    }
}
