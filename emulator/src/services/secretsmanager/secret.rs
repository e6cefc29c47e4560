//! Secrets, their versions and staging labels, and the per-namespace registry.
//!
//! A secret keeps every version's value encrypted by KMS, never in plain
//! text. A staging label is on at most one version, and when `AWSCURRENT`
//! moves, the version that had it gets `AWSPREVIOUS`.
//!
//! Locking: a namespace's [`SecretRegistry`] keeps its secrets by name behind
//! one lock, taken only to find, insert or remove an entry. Each [`Secret`]
//! locks its mutable state on its own.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crosscheck_policy::Policy;

use super::model::Tag;
use crate::services::kms::service_use::ServiceCiphertext;
use crate::store::Namespace;

/// The staging label of the current version.
pub const AWSCURRENT: &str = "AWSCURRENT";
/// The staging label of the version that was current before.
pub const AWSPREVIOUS: &str = "AWSPREVIOUS";
/// The maximum number of versions a secret keeps. Beyond it the oldest unlabelled versions are removed.
/// NOTE: AWS documents a quota on versions and the removal of unlabelled
/// ones, but this number is an assumption.
pub const MAX_VERSIONS: usize = 100;

/// The maximum number of distinct staging labels across all versions of a secret.
/// The quota table of an earlier version of
/// <https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html>
/// lists it as "Staging labels attached across all versions of a secret: 20".
pub const MAX_LABELS: usize = 20;

/// One version of a secret's value.
#[derive(Debug, Clone)]
pub struct Version {
    pub version_id: String,
    /// The value encrypted by KMS, newest first. A change of the secret's KMS
    /// key re-encrypts the labelled versions and keeps the earlier encryption,
    /// so the value decrypts under either key.
    pub encryptions: Vec<ServiceCiphertext>,
    /// Whether the value was given as SecretBinary rather than SecretString.
    pub binary: bool,
    /// SHA-256 of the value, so a repeated ClientRequestToken can be checked
    /// against the stored value without decrypting it.
    pub digest: [u8; 32],
    pub stages: Vec<String>,
    pub created_date: f64,
    pub last_accessed_date: Option<f64>,
    /// Creation order within the secret.
    pub sequence: u64,
}

/// A secret's mutable state.
#[derive(Debug, Default)]
pub struct SecretState {
    pub description: Option<String>,
    /// The KmsKeyId given to CreateSecret or UpdateSecret; `None` means `aws/secretsmanager`.
    pub kms_key_id: Option<String>,
    pub tags: Vec<Tag>,
    pub versions: BTreeMap<String, Version>,
    pub last_changed_date: f64,
    pub last_accessed_date: Option<f64>,
    /// When a scheduled deletion completes; set while the secret is scheduled for deletion.
    pub deletion_date: Option<f64>,
    pub policy_text: Option<String>,
    pub policy: Option<Arc<Policy>>,
    /// The sequence number of the newest version.
    pub next_version_sequence: u64,
}

impl SecretState {
    /// Returns the version that has staging label `stage`.
    pub fn version_with_stage(&self, stage: &str) -> Option<&Version> {
        self.versions.values().find(|version| version.stages.iter().any(|held| held == stage))
    }

    /// Returns the version ids and their staging labels, for DescribeSecret and ListSecrets.
    pub fn version_stages(&self) -> BTreeMap<String, Vec<String>> {
        self.versions
            .values()
            .filter(|version| !version.stages.is_empty())
            .map(|version| (version.version_id.clone(), version.stages.clone()))
            .collect()
    }

    /// Returns the first of `added` that would take the secret past
    /// [`MAX_LABELS`] distinct staging labels, counting the `AWSPREVIOUS` that
    /// a move of `AWSCURRENT` adds.
    pub fn label_over_quota<'a>(&self, added: &'a [String]) -> Option<&'a str> {
        let mut labels: BTreeSet<&str> =
            self.versions.values().flat_map(|version| version.stages.iter().map(String::as_str)).collect();
        let moves_current = added.iter().any(|stage| stage == AWSCURRENT) && labels.contains(AWSCURRENT);
        if moves_current {
            labels.insert(AWSPREVIOUS);
        }
        added
            .iter()
            .find(|stage| {
                labels.insert(stage.as_str());
                labels.len() > MAX_LABELS
            })
            .map(String::as_str)
    }

    /// Returns the next version sequence number.
    pub fn next_sequence(&mut self) -> u64 {
        self.next_version_sequence += 1;
        self.next_version_sequence
    }

    /// Adds a new version with `stages`, taking each label from the version
    /// that had it. If `AWSCURRENT` moves, the old current version gets `AWSPREVIOUS`.
    pub fn add_version(&mut self, mut version: Version, stages: &[String]) {
        for stage in stages {
            self.move_stage(stage, None);
        }
        version.stages = stages.to_vec();
        self.versions.insert(version.version_id.clone(), version);
        self.prune_versions();
    }

    /// Moves staging label `stage` to version `to`, or removes it everywhere when `to` is `None`.
    /// Moving `AWSCURRENT` gives the version that had it `AWSPREVIOUS`.
    pub fn move_stage(&mut self, stage: &str, to: Option<&str>) {
        let previous_holder = self.version_with_stage(stage).map(|version| version.version_id.clone());
        for version in self.versions.values_mut() {
            version.stages.retain(|held| held != stage);
        }
        if let Some(to) = to
            && let Some(version) = self.versions.get_mut(to)
        {
            version.stages.push(stage.to_owned());
        }
        if stage == AWSCURRENT
            && let Some(previous) = previous_holder
            && Some(previous.as_str()) != to
        {
            for version in self.versions.values_mut() {
                version.stages.retain(|held| held != AWSPREVIOUS);
            }
            if let Some(version) = self.versions.get_mut(&previous) {
                version.stages.push(AWSPREVIOUS.to_owned());
            }
        }
    }

    /// Removes the oldest versions without staging labels while there are more than [`MAX_VERSIONS`].
    fn prune_versions(&mut self) {
        while self.versions.len() > MAX_VERSIONS {
            let oldest = self
                .versions
                .values()
                .filter(|version| version.stages.is_empty())
                .min_by_key(|version| version.sequence)
                .map(|version| version.version_id.clone());
            match oldest {
                Some(version_id) => self.versions.remove(&version_id),
                None => break,
            };
        }
    }
}

/// One secret.
#[derive(Debug)]
pub struct Secret {
    pub name: String,
    pub arn: String,
    pub namespace: Namespace,
    pub created_date: f64,
    /// Creation order within the namespace, which ListSecrets pages by.
    pub sequence: u64,
    state: Mutex<SecretState>,
}

impl Secret {
    pub fn new(
        name: String,
        arn: String,
        namespace: Namespace,
        created_date: f64,
        sequence: u64,
        state: SecretState,
    ) -> Secret {
        Secret { name, arn, namespace, created_date, sequence, state: Mutex::new(state) }
    }

    /// Locks the secret's mutable state.
    pub fn state(&self) -> MutexGuard<'_, SecretState> {
        // Every change under the lock is validated before it starts, so a
        // panic cannot leave the state half-changed.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One namespace's secrets, by name.
#[derive(Debug, Default)]
pub struct SecretRegistry {
    secrets: RwLock<BTreeMap<String, Arc<Secret>>>,
    next_sequence: AtomicU64,
}

impl SecretRegistry {
    /// Returns the secret named `name`. A secret whose scheduled deletion
    /// date has passed is removed first, as AWS deletes it then.
    pub fn by_name(&self, name: &str, now: f64) -> Option<Arc<Secret>> {
        let secret = read(&self.secrets).get(name).cloned()?;
        let expired = secret.state().deletion_date.is_some_and(|date| date <= now);
        if expired {
            self.remove(&secret);
            return None;
        }
        Some(secret)
    }

    /// Returns the secret whose full ARN is `arn`.
    pub fn by_arn(&self, arn: &str, now: f64) -> Option<Arc<Secret>> {
        let resource = arn.split_once(":secret:")?.1;
        let cut = resource.len().checked_sub(super::SUFFIX_WITH_HYPHEN)?;
        let name = resource.get(..cut)?;
        self.by_name(name, now).filter(|secret| secret.arn == arn)
    }

    /// Returns the next creation sequence number.
    pub fn next_sequence(&self) -> u64 {
        self.next_sequence.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Inserts `secret` unless a secret of its name exists, which is returned instead.
    pub fn insert(&self, secret: Arc<Secret>) -> Result<(), Arc<Secret>> {
        let mut secrets = write(&self.secrets);
        if let Some(existing) = secrets.get(&secret.name) {
            return Err(existing.clone());
        }
        secrets.insert(secret.name.clone(), secret);
        Ok(())
    }

    /// Removes `secret`, if it is still the one registered under its name.
    pub fn remove(&self, secret: &Secret) {
        let mut secrets = write(&self.secrets);
        if secrets.get(&secret.name).is_some_and(|registered| registered.arn == secret.arn) {
            secrets.remove(&secret.name);
        }
    }

    /// Returns every secret in creation order, without those whose deletion date has passed.
    pub fn all(&self, now: f64) -> Vec<Arc<Secret>> {
        let mut secrets: Vec<Arc<Secret>> = read(&self.secrets).values().cloned().collect();
        secrets.retain(|secret| {
            let expired = secret.state().deletion_date.is_some_and(|date| date <= now);
            if expired {
                self.remove(secret);
            }
            !expired
        });
        secrets.sort_by_key(|secret| secret.sequence);
        secrets
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    // Each write is one insert or removal, so a poisoned map is consistent.
    lock.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}
