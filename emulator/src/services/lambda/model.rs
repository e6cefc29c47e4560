//! Lambda state: functions with their versions, aliases and policies, and
//! layers with their versions, one registry of each per namespace.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use crosscheck_policy::{Policy, PolicyType};

use crate::store::Namespace;

/// The version name of a function's unpublished, editable configuration.
pub const LATEST: &str = "$LATEST";

/// Parses a qualifier as a published version number. Lambda names versions
/// "1", "2", ... and matches qualifiers as strings, so "01" or "+1" is not
/// version 1 (`str::parse::<u64>` would accept both).
pub fn version_number(qualifier: &str) -> Option<u64> {
    let canonical =
        !qualifier.is_empty() && !qualifier.starts_with('0') && qualifier.bytes().all(|byte| byte.is_ascii_digit());
    canonical.then(|| qualifier.parse().ok()).flatten()
}

/// A deployment package: the zip file and its digest.
#[derive(Debug)]
pub struct Code {
    pub zip: Bytes,
    /// The SHA-256 of the zip file, base64-encoded, as `CodeSha256` reports it.
    pub sha256: String,
}

impl Code {
    pub fn new(zip: Bytes) -> Code {
        use base64::Engine as _;
        use sha2::Digest as _;
        let sha256 = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&zip));
        Code { zip, sha256 }
    }
}

/// A layer version a function configuration uses.
#[derive(Debug, Clone)]
pub struct LayerUse {
    pub arn: String,
    pub code: Arc<Code>,
}

/// One version of a function's configuration and code: `$LATEST` or a published number.
#[derive(Debug, Clone)]
pub struct VersionConfig {
    /// `$LATEST` or the version number.
    pub version: String,
    pub runtime: String,
    pub handler: String,
    pub role: String,
    pub description: String,
    pub environment: BTreeMap<String, String>,
    /// Seconds.
    pub timeout: u64,
    /// MiB.
    pub memory_size: u64,
    pub layers: Vec<LayerUse>,
    pub code: Arc<Code>,
    pub last_modified: String,
    pub revision_id: String,
}

/// A named pointer to a published version, with optional weighted routing to a second version.
#[derive(Debug, Clone)]
pub struct Alias {
    pub name: String,
    pub function_version: String,
    pub description: String,
    /// Additional version and its weight between 0 and 1.
    pub additional_weights: BTreeMap<String, f64>,
    pub revision_id: String,
}

/// A resource policy built by AddPermission or AddLayerVersionPermission.
#[derive(Debug, Clone)]
pub struct StatementSet {
    pub statements: Vec<serde_json::Value>,
    pub revision_id: String,
}

impl StatementSet {
    /// Returns the policy document as Lambda returns it from GetPolicy.
    pub fn document(&self) -> String {
        serde_json::json!({
            "Version": "2012-10-17",
            "Id": "default",
            "Statement": self.statements,
        })
        .to_string()
    }

    /// Parses the document for an access decision; `None` when it has no statements.
    pub fn parsed(&self) -> Option<Policy> {
        if self.statements.is_empty() {
            return None;
        }
        match Policy::parse(&self.document(), PolicyType::Resource) {
            Ok(policy) => Some(policy),
            Err(error) => {
                tracing::warn!(%error, "a Lambda permission statement does not parse as a policy");
                None
            }
        }
    }

    pub fn sid_exists(&self, sid: &str) -> bool {
        self.statements.iter().any(|statement| statement["Sid"] == sid)
    }
}

/// A function with everything attached to it.
#[derive(Debug)]
pub struct Function {
    pub name: String,
    pub namespace: Namespace,
    pub latest: Arc<VersionConfig>,
    pub versions: BTreeMap<u64, Arc<VersionConfig>>,
    /// The highest version number ever published; numbers are never reused.
    pub last_version: u64,
    /// The `$LATEST` revision the last published version was copied from,
    /// so PublishVersion publishes nothing new when nothing changed.
    pub last_published_revision: Option<String>,
    pub aliases: BTreeMap<String, Alias>,
    pub reserved_concurrency: Option<i64>,
    pub tags: BTreeMap<String, String>,
    /// Policies by qualifier; the empty string is the unqualified function's policy.
    pub policies: BTreeMap<String, StatementSet>,
    /// Asynchronous invocation settings by qualifier; `$LATEST` is the unqualified function's.
    pub event_invoke_configs: BTreeMap<String, super::event_invoke::EventInvokeConfig>,
}

impl Function {
    /// Finds the configuration a qualifier names: `$LATEST`, a version number, or
    /// an alias (its primary version). `None` names `$LATEST`.
    pub fn config_for(&self, qualifier: Option<&str>) -> Option<Arc<VersionConfig>> {
        match qualifier {
            None | Some(LATEST) => Some(self.latest.clone()),
            Some(qualifier) => {
                if let Some(number) = version_number(qualifier) {
                    return self.versions.get(&number).cloned();
                }
                let alias = self.aliases.get(qualifier)?;
                self.config_for(Some(&alias.function_version))
            }
        }
    }

    /// Reports whether a qualifier names an existing version or alias.
    pub fn has_qualifier(&self, qualifier: &str) -> bool {
        qualifier == LATEST
            || version_number(qualifier).is_some_and(|number| self.versions.contains_key(&number))
            || self.aliases.contains_key(qualifier)
    }
}

/// One namespace's functions by name.
#[derive(Debug, Default)]
pub struct FunctionRegistry {
    functions: Mutex<BTreeMap<String, Function>>,
}

impl FunctionRegistry {
    pub fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Function>> {
        // Every handler validates before it changes a function, so a panic cannot leave one half-changed.
        self.functions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One published layer version.
#[derive(Debug)]
pub struct LayerVersion {
    pub version: u64,
    pub description: String,
    pub compatible_runtimes: Vec<String>,
    pub license_info: Option<String>,
    pub code: Arc<Code>,
    pub created_date: String,
}

/// A layer: its versions and their policies.
#[derive(Debug, Default)]
pub struct Layer {
    pub last_version: u64,
    pub versions: BTreeMap<u64, Arc<LayerVersion>>,
    pub policies: BTreeMap<u64, StatementSet>,
}

/// One namespace's layers by name.
#[derive(Debug, Default)]
pub struct LayerRegistry {
    layers: Mutex<BTreeMap<String, Layer>>,
}

impl LayerRegistry {
    pub fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Layer>> {
        self.layers.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
