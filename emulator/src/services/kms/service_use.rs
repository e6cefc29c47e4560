//! Key use on behalf of another service of the emulator, such as Secrets
//! Manager encrypting a secret value.
//!
//! AWS services call KMS with the caller's credentials and add the
//! `kms:ViaService` condition key, `SERVICE.REGION.amazonaws.com`
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service>).
//! [`Kms::encrypt_for_service`] and [`Kms::decrypt_for_service`] do the
//! same: they resolve the key, ask [`crate::access::AccessRules`] with the
//! key policy, the caller's identity and `kms:ViaService`, check the key's
//! state, and run the key's cryptography. Errors are KMS's own; the calling
//! service maps them to its error codes.
//!
//! A service that names no key uses its AWS managed key, `aws/SERVICE` in
//! the resource's namespace, which [`Kms::aws_managed_key`] creates on first
//! use (<https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key>).
//! It shows in ListAliases and DescribeKey reports `KeyManager` `AWS`.
//!
//! NOTE: AWS refuses key management operations (DisableKey, PutKeyPolicy,
//! ScheduleKeyDeletion and others) on AWS managed keys; the emulator does not
//! refuse them yet.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::key::{Alias, Key, KeySpec, KeyState, KeyUsage, Status};
use super::keys::{generate_material, parse_policy};
use super::model::EncryptionContext;
use super::{KeyUse, Kms, Needs, errors, now};
use crate::arn::format_key_arn;
use crate::error::AwsResult;
use crate::http::RequestContext;
use crate::store::Namespace;

/// The service and resource namespace of a key use on a caller's behalf.
#[derive(Debug, Clone, Copy)]
pub struct ServiceUse<'a> {
    /// The service's endpoint prefix, such as `secretsmanager`.
    pub service: &'a str,
    /// The namespace of the service's resource, whose region names the endpoint in `kms:ViaService`.
    pub namespace: &'a Namespace,
}

impl ServiceUse<'_> {
    /// Returns the `kms:ViaService` value, `SERVICE.REGION.amazonaws.com`.
    pub fn via_service(&self) -> String {
        format!("{}.{}.amazonaws.com", self.service, self.namespace.region)
    }

    /// Returns the alias name of the service's AWS managed key, `alias/aws/SERVICE`.
    pub fn managed_alias(&self) -> String {
        format!("alias/aws/{}", self.service)
    }
}

/// A value encrypted for a service, with the key that encrypted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCiphertext {
    pub key_arn: String,
    /// Whether the key is the service's AWS managed key.
    pub aws_managed: bool,
    /// The symmetric ciphertext envelope ([`super::crypto`]).
    pub blob: Vec<u8>,
}

/// Returns the key policy of an AWS managed key of `service` in `namespace`:
/// every principal of the account may use the key through the service, and
/// the account may read the key's metadata. Modelled on the policies AWS
/// attaches to AWS managed keys, which read as this one does.
fn managed_key_policy(service: &ServiceUse<'_>) -> String {
    let account_id = &service.namespace.account_id;
    serde_json::json!({
        "Version": "2012-10-17",
        "Id": format!("auto-{}", service.service),
        "Statement": [
            {
                "Sid": "Allow use through the service for all principals in the account",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {
                    "kms:CallerAccount": account_id,
                    "kms:ViaService": service.via_service(),
                }},
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{account_id}:root")},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                "Resource": "*",
            },
        ],
    })
    .to_string()
}

impl Kms {
    /// Returns the AWS managed key of `service` in its namespace, creating
    /// the key and its `alias/aws/SERVICE` alias on first use.
    pub fn aws_managed_key(&self, service: ServiceUse<'_>) -> AwsResult<Arc<Key>> {
        let namespace = service.namespace;
        let alias_name = service.managed_alias();
        let registry = self.namespaces.get_or_create(namespace);
        if let Some(alias) = registry.alias(&alias_name)
            && let Some(key) = registry.key(&alias.target_key_id)
        {
            return Ok(key);
        }

        let policy_text = managed_key_policy(&service);
        let policy = parse_policy(&policy_text)?;
        let (material, symmetric_versions) = generate_material(KeySpec::SymmetricDefault)?;
        // The alias map's lock makes the check and the insertion one step, so
        // two first uses at once create one key.
        registry.with_aliases(|aliases| {
            if let Some(alias) = aliases.get(&alias_name)
                && let Some(key) = registry.key(&alias.target_key_id)
            {
                return Ok(key);
            }
            let key_id = uuid::Uuid::new_v4().hyphenated().to_string();
            let arn = format_key_arn(namespace, &key_id);
            let created = now();
            let state = KeyState {
                description: format!(
                    "Default key that protects my {} data when no other key is defined",
                    service.service
                ),
                status: Status::Enabled,
                deletion_date: None,
                pending_window_in_days: None,
                tags: BTreeMap::new(),
                policy_text,
                policy: Arc::new(policy),
                rotation_enabled: true,
                rotation_period_in_days: 365,
                symmetric_versions,
                grants: BTreeMap::new(),
                key_manager: "AWS",
            };
            let key = Arc::new(Key::new(
                key_id.clone(),
                arn,
                namespace.clone(),
                KeySpec::SymmetricDefault,
                KeyUsage::EncryptDecrypt,
                created,
                false,
                material,
                state,
            ));
            registry.insert_key(key.clone());
            aliases.insert(
                alias_name,
                Alias { target_key_id: key_id, creation_date: created, last_updated_date: created },
            );
            Ok(key)
        })
    }

    /// Encrypts `plaintext` for `service` under the key `key_address` names,
    /// or under the service's AWS managed key when it names none.
    ///
    /// The caller needs `kms:GenerateDataKey` on the key, the permission AWS
    /// services ask for to protect data.
    ///
    /// NOTE: AWS services encrypt with a data key, but the emulator encrypts
    /// the value under the KMS key directly, without KMS's plaintext size limit.
    pub fn encrypt_for_service(
        &self,
        context: &RequestContext,
        service: ServiceUse<'_>,
        key_address: Option<&str>,
        plaintext: &[u8],
        encryption_context: &EncryptionContext,
    ) -> AwsResult<ServiceCiphertext> {
        let via_service = service.via_service();
        let mut key_use = KeyUse::new("GenerateDataKey", Needs::Enabled);
        key_use.encryption_context = Some(encryption_context);
        key_use.via_service = Some(&via_service);

        let managed_alias = service.managed_alias();
        let key = match key_address {
            None => self.aws_managed_key(service)?,
            Some(address) => {
                if address == managed_alias {
                    self.aws_managed_key(service)?;
                }
                self.find_key(context, address)?
            }
        };
        self.authorize(context, &key, key_use, key_address.unwrap_or(&managed_alias))?;
        super::check_state(&key, Needs::Enabled)?;
        if key.spec != KeySpec::SymmetricDefault {
            return Err(errors::invalid_key_usage(
                &key.arn,
                &format!("{} {}", key.spec.as_str(), key.usage.as_str()),
                "GenerateDataKey",
            ));
        }
        let blob = Self::encrypt_with(&key, "SYMMETRIC_DEFAULT", plaintext, encryption_context, "GenerateDataKey")?;
        let aws_managed = key.state().key_manager == "AWS";
        Ok(ServiceCiphertext { key_arn: key.arn.clone(), aws_managed, blob })
    }

    /// Decrypts a ciphertext that [`Kms::encrypt_for_service`] made, as the
    /// caller through `service`. The caller needs `kms:Decrypt` on the key.
    pub fn decrypt_for_service(
        &self,
        context: &RequestContext,
        service: ServiceUse<'_>,
        blob: &[u8],
        encryption_context: &EncryptionContext,
    ) -> AwsResult<Vec<u8>> {
        let via_service = service.via_service();
        let mut key_use = KeyUse::new("Decrypt", Needs::Enabled);
        key_use.encryption_context = Some(encryption_context);
        key_use.via_service = Some(&via_service);
        let (_key, _algorithm, plaintext) =
            self.decrypt_blob(context, blob, None, None, key_use, "encryptionAlgorithm")?;
        Ok(plaintext)
    }
}
