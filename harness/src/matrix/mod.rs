//! The compatibility matrix: operation catalogs and the cells they generate.
//!
//! A catalog (`scenarios/matrix/<service>.yaml`) lists a service's operations.
//! For each profile the catalog states, [`run::run_matrix`] calls every
//! catalogued operation from each boundary (`same`, `cross-account`,
//! `cross-region`, `cross-account-and-region`) with each address kind the
//! operation accepts, each time on a fresh fixture. It records one cell per
//! call: the expected outcome and its source, the observed class, error code
//! and HTTP status ([`crate::report::matrix`]).
//!
//! ```yaml
//! service: sqs
//! actors:                        # exactly these two: they own the fixtures and
//!   owner: { account: "111111111111", region: ap-south-1 }    # define the callers
//!   other: { account: "222222222222", region: eu-central-1 }
//! profiles:                      # the expected outcome per boundary, with its source
//!   localstack:
//!     same: { ok: {}, source: "https://..." }
//!     cross-account: { ok: {}, source: "https://..." }
//!     cross-region: { ok: {}, source: "https://..." }
//!     cross-account-and-region: { ok: {}, source: "https://..." }
//!     not_grantable:             # optional: other expectations for some operations
//!       operations: [AddPermission, DeleteQueue]
//!       cross-account: { error: denied, source: "https://..." }
//! fixtures:
//!   queue:
//!     steps:                     # calls by the owner; all must succeed
//!       - call: sqs.CreateQueue
//!         input: { QueueName: "${unique_name}" }
//!         capture: { queue_url: QueueUrl }
//!     addresses:                 # address kind: the input members that name the resource
//!       url: { QueueUrl: "${queue_url}" }
//!     cleanup:                   # calls by the owner after the cell; failures are ignored
//!       - call: sqs.DeleteQueue
//!         input: { QueueUrl: "${queue_url}" }
//!   message:
//!     extends: queue             # the parent's steps first; its addresses and cleanup by default
//!     steps: [...]
//! operations:
//!   - call: sqs.GetQueueAttributes
//!     fixture: queue
//!     input: { AttributeNames: [All] }
//!     addresses: [url]           # or { url: { QueueUrl: "${queue_url}" } } to spell them out
//!     response: { Attributes: { QueueArn: "${queue_arn}" } }   # optional subset an `ok` must contain
//!   - call: sqs.ListQueues
//!     scope: caller-namespace    # acts in the caller's own namespace; names no resource
//!     fixture: queue
//!     input: { QueueNamePrefix: "${unique_name}" }
//!     expect:                    # required for every boundary of such an operation
//!       same: { ok: { QueueUrls: ["${queue_url}"] } }
//!       cross-account: { ok: { QueueUrls: [] } }
//!       ...
//! ```
//!
//! Expectations use the scenario form (`ok`, `{ ok: SUBSET }`, `{ error:
//! CLASS_OR_CODE }`, with `source` and `unverified`). An operation's own
//! `expect` wins; its keys are boundaries (for every profile) or profile names
//! mapping boundaries. Then come the profile's `not_grantable` entry for the
//! operation, then the profile's expectation for the boundary.
//!
//! Variables: every cell defines `${unique_name}` (a name no other cell or run
//! uses), `${owner_account}`, `${owner_region}`, `${caller_account}` and
//! `${caller_region}`; fixture steps add their captures. Each cell gets its own
//! fixture, so a DeleteQueue or PurgeQueue in one cell never affects another.
//!
//! An operation may have several rows, each with its own address kinds and
//! expectations, when the kinds reach different resources from some
//! boundary (a bare function name from another account names the caller's
//! own function). No address kind of an operation appears in two rows.
//!
//! Adding a row is a YAML change; an operation the service's driver does not
//! call yet also needs its match arm in `driver/<service>.rs`.

mod expect;
mod load;
pub mod run;

use std::path::{Path, PathBuf};

use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use serde_json::Value;

use crate::driver::Registry;
use crate::error::{Error, Result};
use crate::scenario::{Actor, Addressing, Call, Capture, Expectation};

pub use self::expect::expectation_for;

/// The four boundaries, in the order cells and tables list them.
pub const BOUNDARIES: [Boundary; 4] =
    [Boundary::Same, Boundary::CrossAccount, Boundary::CrossRegion, Boundary::CrossAccountAndRegion];

/// Every address kind, for parsing catalog keys.
pub const ADDRESS_KINDS: [AddressKind; 10] = [
    AddressKind::Arn,
    AddressKind::Url,
    AddressKind::Name,
    AddressKind::Id,
    AddressKind::AliasName,
    AddressKind::AliasArn,
    AddressKind::PartialArn,
    AddressKind::GlobalName,
    AddressKind::QualifiedArn,
    AddressKind::LayerVersionArn,
];

/// The variables every cell defines before its fixture runs.
pub const BUILTIN_VARIABLES: [&str; 5] =
    ["unique_name", "owner_account", "owner_region", "caller_account", "caller_region"];

/// Parses a boundary name such as `cross-account`.
pub fn parse_boundary(text: &str) -> Option<Boundary> {
    BOUNDARIES.into_iter().find(|boundary| boundary.as_str() == text)
}

/// Parses an address kind name such as `url` or `alias-arn`.
pub fn parse_address_kind(text: &str) -> Option<AddressKind> {
    ADDRESS_KINDS.into_iter().find(|kind| kind.as_str() == text)
}

/// A loaded operation catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The file's path relative to the catalog folder, e.g. `sqs.yaml`.
    pub id: String,
    pub path: PathBuf,
    pub service: String,
    /// Creates every fixture; the `same` caller.
    pub owner: Actor,
    /// Supplies the account and region of the other callers.
    pub other: Actor,
    pub profiles: Vec<ProfileRules>,
    pub fixtures: Vec<Fixture>,
    pub operations: Vec<CatalogOperation>,
}

impl Catalog {
    /// Returns the actor that calls from `boundary` relative to the owner.
    pub fn caller(&self, boundary: Boundary) -> Actor {
        let (account, region) = match boundary {
            Boundary::Same => (&self.owner, &self.owner),
            Boundary::CrossAccount => (&self.other, &self.owner),
            Boundary::CrossRegion => (&self.owner, &self.other),
            Boundary::CrossAccountAndRegion => (&self.other, &self.other),
        };
        Actor {
            name: boundary.as_str().to_owned(),
            account_id: account.account_id.clone(),
            region: region.region.clone(),
            access_key_id: account.access_key_id.clone(),
            addressing: Addressing::Default,
        }
    }

    /// Returns the profiles the catalog states outcomes for.
    pub fn profile_names(&self) -> Vec<Profile> {
        self.profiles.iter().map(|rules| rules.profile).collect()
    }

    /// Returns the rules of `profile`, if the catalog states them.
    pub fn rules(&self, profile: Profile) -> Option<&ProfileRules> {
        self.profiles.iter().find(|rules| rules.profile == profile)
    }

    /// Returns the fixture named `name`.
    pub fn fixture(&self, name: &str) -> Option<&Fixture> {
        self.fixtures.iter().find(|fixture| fixture.name == name)
    }
}

/// The expected outcome per boundary under one profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRules {
    pub profile: Profile,
    /// One expectation per boundary, all four present.
    pub by_boundary: Vec<(Boundary, Expectation)>,
    pub not_grantable: Option<NotGrantable>,
}

/// Operations with other expectations than the profile's, e.g. SQS actions
/// that no policy can grant to another account.
#[derive(Debug, Clone, PartialEq)]
pub struct NotGrantable {
    /// Operation names without the service, e.g. `DeleteQueue`.
    pub operations: Vec<String>,
    /// The boundaries whose expectation differs for these operations.
    pub by_boundary: Vec<(Boundary, Expectation)>,
}

/// Calls that create a resource as its owner, and the addresses it then has.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixture {
    pub name: String,
    pub line: usize,
    /// The parent's steps first when the fixture `extends` another.
    pub steps: Vec<FixtureStep>,
    /// Input members per address kind, with `${variable}`s.
    pub addresses: Vec<(AddressKind, Value)>,
    pub cleanup: Vec<FixtureStep>,
}

impl Fixture {
    /// Returns the input members of address kind `kind`.
    pub fn address(&self, kind: AddressKind) -> Option<&Value> {
        self.addresses.iter().find(|(candidate, _)| *candidate == kind).map(|(_, members)| members)
    }
}

/// One call by the owner while a fixture is set up or cleaned up.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureStep {
    pub line: usize,
    pub call: Call,
    pub input: Value,
    pub captures: Vec<Capture>,
}

/// The namespace an operation acts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// On a resource the input names by one of its addresses.
    Resource,
    /// In the caller's own namespace, such as CreateQueue and ListQueues.
    CallerNamespace,
}

/// One catalogued operation: a row of the matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogOperation {
    pub line: usize,
    pub call: Call,
    pub fixture: String,
    pub scope: Scope,
    /// Input members besides the address, with `${variable}`s.
    pub input: Value,
    /// The address kinds the operation is called with, and their input
    /// members; empty for a [`Scope::CallerNamespace`] operation.
    pub addresses: Vec<(AddressKind, Value)>,
    /// A subset an `ok` outcome must contain when its expectation gives none.
    pub response: Option<Value>,
    pub overrides: Vec<Override>,
}

/// An operation's own expectation for one boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// `None` applies to every profile.
    pub profile: Option<Profile>,
    pub boundary: Boundary,
    pub expectation: Expectation,
}

/// One catalog file found under the catalog folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogFile {
    pub path: PathBuf,
    /// Path relative to the catalog folder, with `/` separators.
    pub id: String,
}

/// Finds every `*.yaml` file under `root`, sorted by path.
pub fn discover(root: &Path) -> Result<Vec<CatalogFile>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(root).to_path_buf();
            Error::io(path, error.into())
        })?;
        let is_yaml = entry.path().extension().is_some_and(|extension| extension == "yaml");
        if !entry.file_type().is_file() || !is_yaml {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let id = relative
            .components()
            .map(|component| component.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push(CatalogFile { path: entry.path().to_path_buf(), id });
    }
    Ok(files)
}

/// Reads and validates the catalog at `path`; `id` names it in reports.
pub fn load_file(path: &Path, id: &str, registry: &Registry) -> Result<Catalog> {
    let source = std::fs::read_to_string(path).map_err(|error| Error::io(path, error))?;
    Ok(load_str(&source, path, id, registry)?)
}

/// Validates a catalog from its YAML text; `path` is used in messages only.
pub fn load_str(
    source: &str,
    path: &Path,
    id: &str,
    registry: &Registry,
) -> Result<Catalog, crate::scenario::LoadError> {
    load::CatalogLoader::new(path, registry).load(source, id)
}

#[cfg(test)]
mod tests;
