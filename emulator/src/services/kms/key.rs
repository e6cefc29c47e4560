//! KMS keys, their specs and states, aliases and grants, and the per-namespace registry.
//!
//! Key specs, usages and the algorithms each spec supports follow the KMS
//! key spec reference
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html>);
//! key states follow
//! <https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html>.
//!
//! Locking: a namespace's [`KeyRegistry`] keeps its keys and aliases behind
//! their own locks, taken only to find or insert an entry (and to copy one
//! page for ListKeys, or the namespace's aliases for ListAliases). Each [`Key`] locks its mutable state
//! ([`KeyState`]) on its own, so calls on different keys share only those
//! short lookups. Grants live in their key's state, indexed by grant id.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crosscheck_policy::Policy;

use super::crypto::{Curve, EcMaterial, RsaMaterial};
use super::model::{EncryptionContext, GrantConstraints};
use crate::store::Namespace;

/// A key spec: its wire name, the usages it allows and its algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    SymmetricDefault,
    Rsa(usize),
    Ecc(Curve),
    Hmac(usize),
}

impl KeySpec {
    /// Every key spec CreateKey accepts.
    pub const NAMES: [&'static str; 12] = [
        "SYMMETRIC_DEFAULT",
        "RSA_2048",
        "RSA_3072",
        "RSA_4096",
        "ECC_NIST_P256",
        "ECC_NIST_P384",
        "ECC_NIST_P521",
        "ECC_SECG_P256K1",
        "HMAC_224",
        "HMAC_256",
        "HMAC_384",
        "HMAC_512",
    ];

    pub fn parse(name: &str) -> Option<KeySpec> {
        Some(match name {
            "SYMMETRIC_DEFAULT" => KeySpec::SymmetricDefault,
            "RSA_2048" => KeySpec::Rsa(2048),
            "RSA_3072" => KeySpec::Rsa(3072),
            "RSA_4096" => KeySpec::Rsa(4096),
            "ECC_NIST_P256" => KeySpec::Ecc(Curve::P256),
            "ECC_NIST_P384" => KeySpec::Ecc(Curve::P384),
            "ECC_NIST_P521" => KeySpec::Ecc(Curve::P521),
            "ECC_SECG_P256K1" => KeySpec::Ecc(Curve::Secp256k1),
            "HMAC_224" => KeySpec::Hmac(224),
            "HMAC_256" => KeySpec::Hmac(256),
            "HMAC_384" => KeySpec::Hmac(384),
            "HMAC_512" => KeySpec::Hmac(512),
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeySpec::SymmetricDefault => "SYMMETRIC_DEFAULT",
            KeySpec::Rsa(2048) => "RSA_2048",
            KeySpec::Rsa(3072) => "RSA_3072",
            KeySpec::Rsa(_) => "RSA_4096",
            KeySpec::Ecc(Curve::P256) => "ECC_NIST_P256",
            KeySpec::Ecc(Curve::P384) => "ECC_NIST_P384",
            KeySpec::Ecc(Curve::P521) => "ECC_NIST_P521",
            KeySpec::Ecc(Curve::Secp256k1) => "ECC_SECG_P256K1",
            KeySpec::Hmac(224) => "HMAC_224",
            KeySpec::Hmac(256) => "HMAC_256",
            KeySpec::Hmac(384) => "HMAC_384",
            KeySpec::Hmac(_) => "HMAC_512",
        }
    }

    /// Returns the usages this spec allows. The first is CreateKey's default.
    pub fn usages(self) -> &'static [KeyUsage] {
        match self {
            KeySpec::SymmetricDefault => &[KeyUsage::EncryptDecrypt],
            KeySpec::Rsa(_) => &[KeyUsage::EncryptDecrypt, KeyUsage::SignVerify],
            KeySpec::Ecc(_) => &[KeyUsage::SignVerify],
            KeySpec::Hmac(_) => &[KeyUsage::GenerateVerifyMac],
        }
    }

    /// Returns the encryption algorithms of a key of this spec and `usage`.
    pub fn encryption_algorithms(self, usage: KeyUsage) -> Option<Vec<&'static str>> {
        match (self, usage) {
            (KeySpec::SymmetricDefault, _) => Some(vec!["SYMMETRIC_DEFAULT"]),
            (KeySpec::Rsa(_), KeyUsage::EncryptDecrypt) => Some(vec!["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
            _ => None,
        }
    }

    /// Returns the signing algorithms of a key of this spec and `usage`.
    pub fn signing_algorithms(self, usage: KeyUsage) -> Option<Vec<&'static str>> {
        match (self, usage) {
            (KeySpec::Rsa(_), KeyUsage::SignVerify) => Some(vec![
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
            ]),
            (KeySpec::Ecc(Curve::P256 | Curve::Secp256k1), _) => Some(vec!["ECDSA_SHA_256"]),
            (KeySpec::Ecc(Curve::P384), _) => Some(vec!["ECDSA_SHA_384"]),
            (KeySpec::Ecc(Curve::P521), _) => Some(vec!["ECDSA_SHA_512"]),
            _ => None,
        }
    }

    /// Returns the MAC algorithm of an HMAC key spec.
    pub fn mac_algorithms(self) -> Option<Vec<&'static str>> {
        match self {
            KeySpec::Hmac(224) => Some(vec!["HMAC_SHA_224"]),
            KeySpec::Hmac(256) => Some(vec!["HMAC_SHA_256"]),
            KeySpec::Hmac(384) => Some(vec!["HMAC_SHA_384"]),
            KeySpec::Hmac(_) => Some(vec!["HMAC_SHA_512"]),
            _ => None,
        }
    }
}

/// A key's cryptographic purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsage {
    EncryptDecrypt,
    SignVerify,
    GenerateVerifyMac,
}

impl KeyUsage {
    pub fn parse(name: &str) -> Option<KeyUsage> {
        match name {
            "ENCRYPT_DECRYPT" => Some(KeyUsage::EncryptDecrypt),
            "SIGN_VERIFY" => Some(KeyUsage::SignVerify),
            "GENERATE_VERIFY_MAC" => Some(KeyUsage::GenerateVerifyMac),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeyUsage::EncryptDecrypt => "ENCRYPT_DECRYPT",
            KeyUsage::SignVerify => "SIGN_VERIFY",
            KeyUsage::GenerateVerifyMac => "GENERATE_VERIFY_MAC",
        }
    }
}

/// The key states the emulator models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Enabled,
    Disabled,
    PendingDeletion,
    /// A key of origin EXTERNAL without key material: never imported, deleted or expired.
    PendingImport,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Enabled => "Enabled",
            Status::Disabled => "Disabled",
            Status::PendingDeletion => "PendingDeletion",
            Status::PendingImport => "PendingImport",
        }
    }
}

/// The secret part of a key.
pub enum Material {
    /// AES-256 keys, one per rotation; index 0 is the original material.
    Symmetric,
    Rsa(Box<RsaMaterial>),
    Ecc(Box<EcMaterial>),
    /// An HMAC key, whose bytes are the one entry of [`KeyState::symmetric_versions`].
    Hmac,
}

impl Material {
    /// Returns the DER SubjectPublicKeyInfo of an asymmetric key.
    pub fn public_key_der(&self) -> Option<&[u8]> {
        match self {
            Material::Rsa(rsa) => Some(&rsa.public_key_der),
            Material::Ecc(ecc) => Some(ecc.public_key_der()),
            Material::Symmetric | Material::Hmac => None,
        }
    }
}

/// One grant on a key
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/grants.html>).
#[derive(Debug, Clone)]
pub struct Grant {
    pub grant_id: String,
    pub name: Option<String>,
    pub creation_date: f64,
    pub grantee_principal: String,
    pub retiring_principal: Option<String>,
    /// The account whose principal created the grant, as `arn:aws:iam::ACCOUNT:root`.
    pub issuing_account: String,
    pub operations: Vec<String>,
    pub constraints: Option<GrantConstraints>,
}

impl Grant {
    /// Reports whether the grant lets `principal` run `operation` with `context`.
    pub fn allows(&self, principal: &str, operation: &str, context: &EncryptionContext) -> bool {
        self.grantee_principal == principal
            && self.operations.iter().any(|granted| granted == operation)
            && self.constraints_hold(context)
    }

    /// Checks EncryptionContextEquals and EncryptionContextSubset against a request's context.
    pub fn constraints_hold(&self, context: &EncryptionContext) -> bool {
        let Some(constraints) = &self.constraints else {
            return true;
        };
        if let Some(equals) = &constraints.encryption_context_equals
            && equals != context
        {
            return false;
        }
        if let Some(subset) = &constraints.encryption_context_subset
            && !subset.iter().all(|(key, value)| context.get(key) == Some(value))
        {
            return false;
        }
        true
    }
}

/// A key's mutable state.
pub struct KeyState {
    pub description: String,
    pub status: Status,
    pub deletion_date: Option<f64>,
    pub pending_window_in_days: Option<i64>,
    pub tags: BTreeMap<String, String>,
    pub policy_text: String,
    pub policy: Arc<Policy>,
    pub rotation_enabled: bool,
    pub rotation_period_in_days: i64,
    /// Secret key material: for a symmetric encryption key, one AES-256 key
    /// per rotation, the last of which encrypts; for an HMAC key, its one key.
    /// Empty while a key of origin EXTERNAL waits for its material.
    pub symmetric_versions: Vec<Vec<u8>>,
    /// The import state of a key of origin EXTERNAL; `None` for origin AWS_KMS.
    pub import: Option<ImportState>,
    /// Grants by grant id.
    pub grants: BTreeMap<String, Grant>,
    /// `CUSTOMER` for keys made by CreateKey, `AWS` for AWS managed keys such as `aws/secretsmanager`.
    pub key_manager: &'static str,
}

impl KeyState {
    /// Deletes imported key material: the key waits for an import again,
    /// unless it is pending deletion, which it stays.
    pub fn delete_imported_material(&mut self) {
        self.symmetric_versions.clear();
        if let Some(import) = &mut self.import {
            import.valid_to = None;
            import.expiration_model = None;
        }
        if self.status != Status::PendingDeletion {
            self.status = Status::PendingImport;
        }
    }
}

/// The import state of a key of origin EXTERNAL
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html>).
#[derive(Default)]
pub struct ImportState {
    /// The wrapping key and import token of the last GetParametersForImport.
    pub parameters: Option<ImportParameters>,
    /// The SHA-256 digest of the first material imported: a key accepts only that material again.
    pub material_digest: Option<Vec<u8>>,
    /// `KEY_MATERIAL_EXPIRES` or `KEY_MATERIAL_DOES_NOT_EXPIRE` while material is imported.
    pub expiration_model: Option<&'static str>,
    /// When the imported material expires, in epoch seconds.
    pub valid_to: Option<f64>,
}

/// The parameters one GetParametersForImport call returned.
pub struct ImportParameters {
    pub import_token: Vec<u8>,
    pub wrapping_algorithm: &'static str,
    pub wrapping_key: RsaMaterial,
    /// When the token and the wrapping key expire, in epoch seconds.
    pub valid_to: f64,
}

/// One KMS key.
pub struct Key {
    pub key_id: String,
    pub arn: String,
    pub namespace: Namespace,
    pub spec: KeySpec,
    pub usage: KeyUsage,
    pub creation_date: f64,
    pub multi_region: bool,
    pub material: Material,
    state: Mutex<KeyState>,
}

impl Key {
    #[allow(clippy::too_many_arguments)] // a constructor of a plain record, called once
    pub fn new(
        key_id: String,
        arn: String,
        namespace: Namespace,
        spec: KeySpec,
        usage: KeyUsage,
        creation_date: f64,
        multi_region: bool,
        material: Material,
        state: KeyState,
    ) -> Key {
        Key { key_id, arn, namespace, spec, usage, creation_date, multi_region, material, state: Mutex::new(state) }
    }

    /// Locks the key's mutable state. Imported key material whose ValidTo
    /// has passed is deleted here, so every reader sees the key as AWS does
    /// after expiry: state PendingImport.
    pub fn state(&self) -> MutexGuard<'_, KeyState> {
        // Every change under the lock is a set of plain assignments, so a
        // panic cannot leave the state half-changed.
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let expired = state.import.as_ref().and_then(|import| import.valid_to).is_some_and(|valid_to| valid_to <= super::now());
        if expired {
            state.delete_imported_material();
        }
        state
    }

    /// Returns the key's origin: `EXTERNAL` for imported key material, else `AWS_KMS`.
    pub fn origin(&self) -> &'static str {
        if self.state().import.is_some() { "EXTERNAL" } else { "AWS_KMS" }
    }
}

/// An alias: a name in a namespace that points at one key.
#[derive(Debug, Clone)]
pub struct Alias {
    pub target_key_id: String,
    pub creation_date: f64,
    pub last_updated_date: f64,
}

/// One namespace's keys and aliases.
#[derive(Default)]
pub struct KeyRegistry {
    keys: RwLock<BTreeMap<String, Arc<Key>>>,
    aliases: RwLock<BTreeMap<String, Alias>>,
}

impl KeyRegistry {
    pub fn key(&self, key_id: &str) -> Option<Arc<Key>> {
        read(&self.keys).get(key_id).cloned()
    }

    pub fn insert_key(&self, key: Arc<Key>) {
        write(&self.keys).insert(key.key_id.clone(), key);
    }

    /// Returns the keys in key id order, starting after `after`, at most `limit`.
    pub fn keys_after(&self, after: Option<&str>, limit: usize) -> Vec<Arc<Key>> {
        let keys = read(&self.keys);
        let range = match after {
            Some(after) => keys.range::<str, _>((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded)),
            None => keys.range::<str, _>(..),
        };
        range.take(limit).map(|(_, key)| key.clone()).collect()
    }

    pub fn alias(&self, alias_name: &str) -> Option<Alias> {
        read(&self.aliases).get(alias_name).cloned()
    }

    /// Runs `change` on the alias map under its write lock.
    pub fn with_aliases<T>(&self, change: impl FnOnce(&mut BTreeMap<String, Alias>) -> T) -> T {
        change(&mut write(&self.aliases))
    }

    /// Returns the aliases in name order, starting after `after`.
    pub fn aliases(&self) -> Vec<(String, Alias)> {
        read(&self.aliases).iter().map(|(name, alias)| (name.clone(), alias.clone())).collect()
    }
}

/// An index from retiring principal to the grants it may retire, so that
/// ListRetirableGrants reads no key it does not need.
#[derive(Default)]
pub struct RetirableGrants {
    by_principal: RwLock<HashMap<String, BTreeMap<String, String>>>,
}

impl RetirableGrants {
    /// Records that `principal` may retire grant `grant_id` of key `key_arn`.
    pub fn insert(&self, principal: &str, grant_id: &str, key_arn: &str) {
        write(&self.by_principal)
            .entry(principal.to_owned())
            .or_default()
            .insert(grant_id.to_owned(), key_arn.to_owned());
    }

    pub fn remove(&self, principal: &str, grant_id: &str) {
        if let Some(grants) = write(&self.by_principal).get_mut(principal) {
            grants.remove(grant_id);
        }
    }

    /// Returns (grant id, key ARN) pairs for `principal`, in grant id order.
    pub fn of(&self, principal: &str) -> Vec<(String, String)> {
        read(&self.by_principal)
            .get(principal)
            .map(|grants| grants.iter().map(|(id, arn)| (id.clone(), arn.clone())).collect())
            .unwrap_or_default()
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    // Each write is one insert or removal, so a poisoned map is consistent.
    lock.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}
