//! Lambda function versions and aliases of one function.
//!
//! The model follows the Lambda developer guide and API reference:
//!
//! - PublishVersion snapshots `$LATEST` as the next version number, and
//!   publishes nothing when the code and configuration have not changed
//!   since the last version, returning that version instead
//!   (<https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html>).
//!   Version numbers are never reused, and a published version never changes.
//! - An alias points at one version, or `$LATEST`, and may route a share of
//!   invocations to one additional published version
//!   (<https://docs.aws.amazon.com/lambda/latest/dg/API_AliasRoutingConfiguration.html>).
//!   A primary version that does not exist is `ResourceNotFoundException`,
//!   and a second alias of the same name is `ResourceConflictException`
//!   (<https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html>).
//! - DeleteFunction with a version number as `Qualifier` deletes that
//!   version only (<https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html>).
//!   Without a qualifier it deletes the function with every version and
//!   alias, and a function created again under that name starts over.
//!
//! NOTE: these error codes are the emulator's choices, unverified on AWS:
//! `InvalidParameterValueException` for routing with `$LATEST`, to the
//! primary version itself or to a missing version, and
//! `ResourceConflictException` for deleting a version an alias routes to.
//!
//! Invoke starts a real Python process in the emulator, so the strategy
//! chooses it rarely. The handler returns `AWS_LAMBDA_FUNCTION_VERSION` and
//! the code revision it was built from, so an Invoke through an alias shows
//! which version the alias resolved to: its version, or with routing either
//! of its two versions.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{AliasRoutingConfiguration, FunctionCode, Runtime};
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use crate::common::{self, Emulator};

const FUNCTION_NAME: &str = "state-machine-function";
const ROLE: &str = "arn:aws:iam::111111111111:role/state-machine-role";
/// The function's timeout, in seconds. It is far above the handler's run
/// time so that a slow interpreter start on a loaded machine does not fail
/// an Invoke, and below the 30 s limit on one SDK call.
const HANDLER_TIMEOUT_SECONDS: i32 = 20;
/// Share of an alias's invocations routed to its additional version.
const ROUTING_WEIGHT: f64 = 0.5;
/// Maximum versions one sequence publishes.
const MAX_VERSIONS: u32 = 6;
/// Alias names the sequences use, `alias-N`.
const ALIASES: usize = 2;
const NOT_FOUND: &str = "ResourceNotFoundException";
const CONFLICT: &str = "ResourceConflictException";
const INVALID_PARAMETER: &str = "InvalidParameterValueException";

/// The code and configuration of `$LATEST` or of a published version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Snapshot {
    code: u8,
    description: u8,
}

/// A version an alias or a call names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    Latest,
    Version(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ModelAlias {
    version: Qualifier,
    additional_version: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct FunctionModel {
    /// Whether the function exists: DeleteFunction without a qualifier removes it.
    function_exists: bool,
    latest: Snapshot,
    /// Whether `$LATEST` was updated since the last PublishVersion.
    changed_since_publish: bool,
    versions: BTreeMap<u32, Snapshot>,
    /// The highest version number ever published.
    last_version: u32,
    aliases: BTreeMap<usize, ModelAlias>,
    /// The error code the latest transition returns, or `"ok"`.
    expected: &'static str,
    /// The version a successful PublishVersion returns, or the versions one
    /// of which an Invoke runs.
    returned_versions: Vec<Qualifier>,
}

#[derive(Clone, Debug)]
pub enum FunctionTransition {
    /// UpdateFunctionCode to code revision `code`, with `Publish` set to `publish`.
    UpdateFunctionCode {
        code: u8,
        publish: bool,
    },
    UpdateFunctionConfiguration(u8),
    /// PublishVersion, with a `Description` for the version when set.
    PublishVersion(Option<u8>),
    /// CreateFunction of the deleted function, with this code and
    /// description, and `Publish` set to `publish`.
    CreateFunction {
        code: u8,
        description: u8,
        publish: bool,
    },
    /// DeleteFunction without a qualifier, which deletes every version and alias.
    DeleteFunction,
    CreateAlias {
        alias: usize,
        version: Qualifier,
        additional_version: Option<u32>,
    },
    /// UpdateAlias. `routing` is `None` to keep the routing, `Some(None)` to
    /// clear it and `Some(Some(n))` to route to version `n`.
    UpdateAlias {
        alias: usize,
        version: Option<Qualifier>,
        routing: Option<Option<u32>>,
    },
    DeleteAlias(usize),
    /// DeleteFunction with a version number as `Qualifier`.
    DeleteVersion(u32),
    Invoke(InvokeTarget),
}

#[derive(Clone, Copy, Debug)]
pub enum InvokeTarget {
    Qualifier(Qualifier),
    Alias(usize),
}

impl FunctionModel {
    /// Returns the state of a function just created with `latest`.
    fn created(latest: Snapshot) -> Self {
        FunctionModel {
            function_exists: true,
            latest,
            changed_since_publish: true,
            versions: BTreeMap::new(),
            last_version: 0,
            aliases: BTreeMap::new(),
            expected: "ok",
            returned_versions: Vec::new(),
        }
    }

    fn exists(&self, qualifier: Qualifier) -> bool {
        match qualifier {
            Qualifier::Latest => true,
            Qualifier::Version(number) => self.versions.contains_key(&number),
        }
    }

    /// Returns the outcome of pointing an alias at `version` with routing to `additional_version`.
    fn check_alias_target(&self, version: Qualifier, additional_version: Option<u32>) -> &'static str {
        if !self.exists(version) {
            return NOT_FOUND;
        }
        let Some(additional) = additional_version else { return "ok" };
        if version == Qualifier::Latest || version == Qualifier::Version(additional) {
            return INVALID_PARAMETER;
        }
        if !self.versions.contains_key(&additional) {
            return INVALID_PARAMETER;
        }
        "ok"
    }

    fn publish_version(&mut self, description: Option<u8>) -> &'static str {
        // NOTE: "unchanged" here means no update since the last publish, and
        // the last version must still exist. AWS documents the rule in terms
        // of code and configuration, so an update back to the last version's
        // values, or a deleted last version, may behave otherwise on AWS.
        if !self.changed_since_publish && self.versions.contains_key(&self.last_version) {
            self.returned_versions = vec![Qualifier::Version(self.last_version)];
            return "ok";
        }
        self.last_version += 1;
        let snapshot = Snapshot { description: description.unwrap_or(self.latest.description), ..self.latest };
        self.versions.insert(self.last_version, snapshot);
        self.changed_since_publish = false;
        self.returned_versions = vec![Qualifier::Version(self.last_version)];
        "ok"
    }

    fn create_alias(&mut self, alias: usize, version: Qualifier, additional_version: Option<u32>) -> &'static str {
        let outcome = self.check_alias_target(version, additional_version);
        if outcome != "ok" {
            return outcome;
        }
        if self.aliases.contains_key(&alias) {
            return CONFLICT;
        }
        self.aliases.insert(alias, ModelAlias { version, additional_version });
        "ok"
    }

    fn update_alias(&mut self, alias: usize, version: Option<Qualifier>, routing: Option<Option<u32>>) -> &'static str {
        let Some(current) = self.aliases.get(&alias) else { return NOT_FOUND };
        let version = version.unwrap_or(current.version);
        let additional_version = routing.unwrap_or(current.additional_version);
        let outcome = self.check_alias_target(version, additional_version);
        if outcome != "ok" {
            return outcome;
        }
        self.aliases.insert(alias, ModelAlias { version, additional_version });
        "ok"
    }

    fn delete_version(&mut self, number: u32) -> &'static str {
        if !self.versions.contains_key(&number) {
            return NOT_FOUND;
        }
        let routed = self
            .aliases
            .values()
            .any(|alias| alias.version == Qualifier::Version(number) || alias.additional_version == Some(number));
        if routed {
            return CONFLICT;
        }
        self.versions.remove(&number);
        "ok"
    }

    fn invoke(&mut self, target: InvokeTarget) -> &'static str {
        self.returned_versions = match target {
            InvokeTarget::Qualifier(qualifier) if self.exists(qualifier) => vec![qualifier],
            InvokeTarget::Alias(alias) if self.aliases.contains_key(&alias) => {
                let alias = &self.aliases[&alias];
                std::iter::once(alias.version).chain(alias.additional_version.map(Qualifier::Version)).collect()
            }
            InvokeTarget::Qualifier(_) | InvokeTarget::Alias(_) => return NOT_FOUND,
        };
        "ok"
    }

    fn snapshot(&self, qualifier: Qualifier) -> Snapshot {
        match qualifier {
            Qualifier::Latest => self.latest,
            Qualifier::Version(number) => self.versions[&number],
        }
    }
}

impl ReferenceStateMachine for FunctionModel {
    type State = FunctionModel;
    type Transition = FunctionTransition;

    fn init_state() -> BoxedStrategy<Self::State> {
        Just(FunctionModel::created(Snapshot { code: 0, description: 0 })).boxed()
    }

    fn transitions(state: &Self::State) -> BoxedStrategy<Self::Transition> {
        // Version numbers up to one past the last, so that missing versions come up too.
        let number = 1..=state.last_version + 1;
        let qualifier = prop_oneof![1 => Just(Qualifier::Latest), 4 => number.clone().prop_map(Qualifier::Version)];
        let alias = 0..ALIASES;
        let create_alias = (alias.clone(), qualifier.clone(), proptest::option::weighted(0.4, number.clone()))
            .prop_map(|(alias, version, additional_version)| FunctionTransition::CreateAlias {
                alias,
                version,
                additional_version,
            });
        let update_alias = (
            alias.clone(),
            proptest::option::of(qualifier.clone()),
            proptest::option::of(proptest::option::of(number.clone())),
        )
            .prop_map(|(alias, version, routing)| FunctionTransition::UpdateAlias { alias, version, routing });
        let invoke_target =
            prop_oneof![qualifier.prop_map(InvokeTarget::Qualifier), alias.clone().prop_map(InvokeTarget::Alias),];

        let without_invoke = prop_oneof![
            3 => (0..3u8, proptest::bool::weighted(0.3))
                .prop_map(|(code, publish)| FunctionTransition::UpdateFunctionCode { code, publish }),
            3 => (0..3u8).prop_map(FunctionTransition::UpdateFunctionConfiguration),
            4 => proptest::option::weighted(0.3, 0..3u8).prop_map(FunctionTransition::PublishVersion),
            1 => Just(FunctionTransition::DeleteFunction),
            2 => (0..3u8, 0..3u8, proptest::bool::weighted(0.3))
                .prop_map(|(code, description, publish)| FunctionTransition::CreateFunction { code, description, publish }),
            3 => create_alias,
            3 => update_alias,
            1 => alias.prop_map(FunctionTransition::DeleteAlias),
            2 => number.prop_map(FunctionTransition::DeleteVersion),
        ];
        if !python_available() {
            return without_invoke.boxed();
        }
        // Invoke is one transition in about 23.
        prop_oneof![22 => without_invoke, 1 => invoke_target.prop_map(FunctionTransition::Invoke)].boxed()
    }

    fn preconditions(state: &Self::State, transition: &Self::Transition) -> bool {
        let known = |number: u32| number <= state.last_version + 1;
        let known_qualifier = |qualifier: Qualifier| match qualifier {
            Qualifier::Latest => true,
            Qualifier::Version(number) => known(number),
        };
        match *transition {
            // Every update changes the value, because of the rule noted in `publish_version`.
            FunctionTransition::UpdateFunctionCode { code, publish } => {
                code != state.latest.code && (!publish || state.last_version < MAX_VERSIONS)
            }
            FunctionTransition::UpdateFunctionConfiguration(description) => description != state.latest.description,
            FunctionTransition::PublishVersion(_) => state.last_version < MAX_VERSIONS,
            FunctionTransition::CreateFunction { .. } | FunctionTransition::DeleteFunction => true,
            FunctionTransition::CreateAlias { version, additional_version, .. } => {
                known_qualifier(version) && additional_version.is_none_or(known)
            }
            FunctionTransition::UpdateAlias { version, routing, .. } => {
                version.is_none_or(known_qualifier) && routing.flatten().is_none_or(known)
            }
            FunctionTransition::DeleteAlias(_) => true,
            FunctionTransition::DeleteVersion(number) => known(number),
            FunctionTransition::Invoke(InvokeTarget::Qualifier(qualifier)) => known_qualifier(qualifier),
            FunctionTransition::Invoke(InvokeTarget::Alias(_)) => true,
        }
    }

    fn apply(mut state: Self::State, transition: &Self::Transition) -> Self::State {
        state.returned_versions = Vec::new();
        if !state.function_exists && !matches!(transition, FunctionTransition::CreateFunction { .. }) {
            state.expected = NOT_FOUND;
            return state;
        }
        state.expected = match *transition {
            // Publish has the effect of a PublishVersion right after the update
            // (<https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html>).
            FunctionTransition::UpdateFunctionCode { code, publish } => {
                state.latest.code = code;
                state.changed_since_publish = true;
                if publish { state.publish_version(None) } else { "ok" }
            }
            FunctionTransition::UpdateFunctionConfiguration(description) => {
                state.latest.description = description;
                state.changed_since_publish = true;
                "ok"
            }
            FunctionTransition::PublishVersion(description) => state.publish_version(description),
            FunctionTransition::CreateFunction { .. } if state.function_exists => CONFLICT,
            FunctionTransition::CreateFunction { code, description, publish } => {
                // A new function of an old name starts again at version 1
                // with no aliases.
                state = FunctionModel::created(Snapshot { code, description });
                if publish { state.publish_version(None) } else { "ok" }
            }
            FunctionTransition::DeleteFunction => {
                state.function_exists = false;
                "ok"
            }
            FunctionTransition::CreateAlias { alias, version, additional_version } => {
                state.create_alias(alias, version, additional_version)
            }
            FunctionTransition::UpdateAlias { alias, version, routing } => state.update_alias(alias, version, routing),
            FunctionTransition::DeleteAlias(alias) => {
                // NOTE: the emulator returns 204 for an alias that does not
                // exist. AWS does not document it, so this is unverified.
                state.aliases.remove(&alias);
                "ok"
            }
            FunctionTransition::DeleteVersion(number) => state.delete_version(number),
            FunctionTransition::Invoke(target) => state.invoke(target),
        };
        state
    }
}

/// Reports whether `python3` can run the handler, which Invoke needs. Under
/// CI (`CI=true`) a missing `python3` fails the test instead, so Invoke is
/// never skipped unseen.
fn python_available() -> bool {
    static PYTHON_AVAILABLE: OnceLock<bool> = OnceLock::new();
    *PYTHON_AVAILABLE.get_or_init(|| {
        let found =
            std::process::Command::new("python3").arg("--version").output().is_ok_and(|output| output.status.success());
        if !found {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "python3 is not installed; Invoke needs it under CI");
            eprintln!("python3 is not installed, so the Lambda state machine runs without Invoke");
        }
        found
    })
}

fn alias_name(alias: usize) -> String {
    format!("alias-{alias}")
}

fn description(description: u8) -> String {
    format!("description-{description}")
}

fn qualifier_name(qualifier: Qualifier) -> String {
    match qualifier {
        Qualifier::Latest => "$LATEST".to_owned(),
        Qualifier::Version(number) => number.to_string(),
    }
}

/// Builds the deployment package of code revision `code`: a Python handler
/// that returns its version and the revision.
fn package(code: u8) -> Vec<u8> {
    let source = format!(
        "import os\n\ndef handler(event, context):\n    \
         return {{\"version\": os.environ.get(\"AWS_LAMBDA_FUNCTION_VERSION\"), \"code\": {code}}}\n"
    );
    stored_zip("app.py", source.as_bytes())
}

/// Builds a zip archive of one stored (uncompressed) entry: a local file
/// header with the data, one central directory record and the end record.
fn stored_zip(name: &str, data: &[u8]) -> Vec<u8> {
    let crc = crc32(data);
    let size = u32::try_from(data.len()).expect("a small entry");
    let name_length = u16::try_from(name.len()).expect("a short name");

    let mut archive = Vec::new();
    archive.extend_from_slice(&0x0403_4b50_u32.to_le_bytes());
    archive.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version 2.0, no flags, stored, no time
    archive.extend_from_slice(&crc.to_le_bytes());
    archive.extend_from_slice(&size.to_le_bytes());
    archive.extend_from_slice(&size.to_le_bytes());
    archive.extend_from_slice(&name_length.to_le_bytes());
    archive.extend_from_slice(&0u16.to_le_bytes());
    archive.extend_from_slice(name.as_bytes());
    archive.extend_from_slice(data);

    let directory_offset = u32::try_from(archive.len()).expect("a small archive");
    let mut directory = Vec::new();
    directory.extend_from_slice(&0x0201_4b50_u32.to_le_bytes());
    directory.extend_from_slice(&[0x1e, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // made by Unix, version 2.0, stored
    directory.extend_from_slice(&crc.to_le_bytes());
    directory.extend_from_slice(&size.to_le_bytes());
    directory.extend_from_slice(&size.to_le_bytes());
    directory.extend_from_slice(&name_length.to_le_bytes());
    directory.extend_from_slice(&[0; 8]); // no extra field or comment, disk 0, no internal attributes
    directory.extend_from_slice(&((0o100_644_u32) << 16).to_le_bytes()); // a regular file, rw-r--r--
    directory.extend_from_slice(&0u32.to_le_bytes()); // the local header is at offset 0
    directory.extend_from_slice(name.as_bytes());

    let directory_size = u32::try_from(directory.len()).expect("a small directory");
    archive.extend_from_slice(&directory);
    archive.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
    archive.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]); // disk 0, one entry
    archive.extend_from_slice(&directory_size.to_le_bytes());
    archive.extend_from_slice(&directory_offset.to_le_bytes());
    archive.extend_from_slice(&0u16.to_le_bytes());
    archive
}

/// Computes the CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) that zip uses.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// The emulator side: the SDK client and the CodeSha256 of each code revision.
pub struct FunctionSut {
    emulator: Emulator,
    client: Client,
    code_sha256: BTreeMap<u8, String>,
}

impl StateMachineTest for FunctionSut {
    type SystemUnderTest = Self;
    type Reference = FunctionModel;

    fn init_test(ref_state: &FunctionModel) -> Self {
        let emulator = Emulator::start();
        let config = aws_sdk_lambda::Config::builder()
            .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
            .region(aws_sdk_lambda::config::Region::new(common::REGION))
            .credentials_provider(common::credentials())
            .endpoint_url(emulator.endpoint_url())
            .build();
        let mut sut = FunctionSut { emulator, client: Client::from_conf(config), code_sha256: BTreeMap::new() };
        assert_eq!(sut.create_function(ref_state, 0, 0, false), "ok", "the first CreateFunction");
        sut
    }

    fn apply(mut sut: Self, ref_state: &FunctionModel, transition: FunctionTransition) -> Self {
        let outcome = match transition {
            FunctionTransition::UpdateFunctionCode { code, publish } => {
                let request = sut
                    .client
                    .update_function_code()
                    .function_name(FUNCTION_NAME)
                    .zip_file(Blob::new(package(code)))
                    .publish(publish);
                let result = sut.emulator.call(request.send());
                if let Ok(output) = &result {
                    sut.record_code_sha256(code, output.code_sha256());
                    check_returned_version(ref_state, "UpdateFunctionCode", output.version());
                }
                common::outcome(&result)
            }
            FunctionTransition::UpdateFunctionConfiguration(value) => {
                let request = sut
                    .client
                    .update_function_configuration()
                    .function_name(FUNCTION_NAME)
                    .description(description(value));
                common::outcome(&sut.emulator.call(request.send()))
            }
            FunctionTransition::PublishVersion(value) => {
                let request =
                    sut.client.publish_version().function_name(FUNCTION_NAME).set_description(value.map(description));
                let result = sut.emulator.call(request.send());
                if let Ok(output) = &result {
                    let expected: Vec<String> =
                        ref_state.returned_versions.iter().copied().map(qualifier_name).collect();
                    let version = output.version().unwrap_or_default().to_owned();
                    assert_eq!(vec![version], expected, "PublishVersion returns this version");
                }
                common::outcome(&result)
            }
            FunctionTransition::CreateFunction { code, description, publish } => {
                sut.create_function(ref_state, code, description, publish)
            }
            FunctionTransition::DeleteFunction => {
                common::outcome(&sut.emulator.call(sut.client.delete_function().function_name(FUNCTION_NAME).send()))
            }
            FunctionTransition::CreateAlias { alias, version, additional_version } => {
                let mut request = sut
                    .client
                    .create_alias()
                    .function_name(FUNCTION_NAME)
                    .name(alias_name(alias))
                    .function_version(qualifier_name(version));
                if let Some(additional) = additional_version {
                    request = request.routing_config(routing(Some(additional)));
                }
                common::outcome(&sut.emulator.call(request.send()))
            }
            FunctionTransition::UpdateAlias { alias, version, routing: new_routing } => {
                let request = sut
                    .client
                    .update_alias()
                    .function_name(FUNCTION_NAME)
                    .name(alias_name(alias))
                    .set_function_version(version.map(qualifier_name))
                    .set_routing_config(new_routing.map(routing));
                common::outcome(&sut.emulator.call(request.send()))
            }
            FunctionTransition::DeleteAlias(alias) => {
                let request = sut.client.delete_alias().function_name(FUNCTION_NAME).name(alias_name(alias));
                common::outcome(&sut.emulator.call(request.send()))
            }
            FunctionTransition::DeleteVersion(number) => {
                let request = sut.client.delete_function().function_name(FUNCTION_NAME).qualifier(number.to_string());
                common::outcome(&sut.emulator.call(request.send()))
            }
            FunctionTransition::Invoke(target) => sut.invoke(ref_state, target),
        };
        assert_eq!(outcome, ref_state.expected, "outcome of {transition:?}");
        sut
    }

    fn check_invariants(sut: &Self, ref_state: &FunctionModel) {
        let request = sut.client.list_versions_by_function().function_name(FUNCTION_NAME).max_items(50);
        let result = sut.emulator.call(request.send());
        if !ref_state.function_exists {
            assert_eq!(common::outcome(&result), NOT_FOUND, "ListVersionsByFunction of a deleted function");
            return;
        }
        let output = result.expect("ListVersionsByFunction");
        // AWS documents no order for the list, so it is compared by version.
        let listed: BTreeMap<String, (Option<String>, Option<String>)> = output
            .versions()
            .iter()
            .map(|version| {
                let details = (version.description().map(str::to_owned), version.code_sha256().map(str::to_owned));
                (version.version().unwrap_or_default().to_owned(), details)
            })
            .collect();
        assert_eq!(listed.len(), output.versions().len(), "ListVersionsByFunction lists each version once");
        let snapshots = std::iter::once(("$LATEST".to_owned(), ref_state.latest))
            .chain(ref_state.versions.iter().map(|(number, snapshot)| (number.to_string(), *snapshot)));
        let expected: BTreeMap<String, (Option<String>, Option<String>)> = snapshots
            .map(|(name, snapshot)| {
                (name, (Some(description(snapshot.description)), sut.code_sha256.get(&snapshot.code).cloned()))
            })
            .collect();
        assert_eq!(listed, expected, "ListVersionsByFunction lists each version with its own code and description");

        let output = sut
            .emulator
            .call(sut.client.list_aliases().function_name(FUNCTION_NAME).max_items(50).send())
            .expect("ListAliases");
        let listed: BTreeMap<String, (String, Vec<(String, f64)>)> = output
            .aliases()
            .iter()
            .map(|alias| {
                let weights = alias
                    .routing_config()
                    .and_then(AliasRoutingConfiguration::additional_version_weights)
                    .map(|weights| weights.iter().map(|(version, weight)| (version.clone(), *weight)).collect())
                    .unwrap_or_default();
                let name = alias.name().unwrap_or_default().to_owned();
                (name, (alias.function_version().unwrap_or_default().to_owned(), weights))
            })
            .collect();
        let expected: BTreeMap<String, (String, Vec<(String, f64)>)> = ref_state
            .aliases
            .iter()
            .map(|(&alias, model)| {
                let weights = model.additional_version.map(|n| (n.to_string(), ROUTING_WEIGHT)).into_iter().collect();
                (alias_name(alias), (qualifier_name(model.version), weights))
            })
            .collect();
        assert_eq!(listed, expected, "ListAliases lists each alias with its version and routing");

        for (&alias, model) in &ref_state.aliases {
            let request =
                sut.client.get_function_configuration().function_name(FUNCTION_NAME).qualifier(alias_name(alias));
            let output = sut.emulator.call(request.send()).expect("GetFunctionConfiguration of an alias");
            let snapshot = ref_state.snapshot(model.version);
            assert_eq!(
                output.version(),
                Some(qualifier_name(model.version).as_str()),
                "version alias-{alias} resolves to"
            );
            assert_eq!(
                output.description(),
                Some(description(snapshot.description).as_str()),
                "alias-{alias} description"
            );
        }
    }
}

/// Checks the Version a write returned: the published version when the
/// model published one, and `$LATEST` otherwise.
fn check_returned_version(ref_state: &FunctionModel, operation: &str, version: Option<&str>) {
    let expected = match ref_state.returned_versions.as_slice() {
        [published] => qualifier_name(*published),
        _ => "$LATEST".to_owned(),
    };
    assert_eq!(version, Some(expected.as_str()), "Version that {operation} returns");
}

/// Builds a RoutingConfig that sends [`ROUTING_WEIGHT`] to `additional_version`, or an empty one.
fn routing(additional_version: Option<u32>) -> AliasRoutingConfiguration {
    let weights = additional_version.map(|number| BTreeMap::from([(number.to_string(), ROUTING_WEIGHT)]));
    AliasRoutingConfiguration::builder()
        .set_additional_version_weights(weights.map(|weights| weights.into_iter().collect()))
        .build()
}

impl FunctionSut {
    fn invoke(&self, ref_state: &FunctionModel, target: InvokeTarget) -> String {
        let qualifier = match target {
            InvokeTarget::Qualifier(qualifier) => qualifier_name(qualifier),
            InvokeTarget::Alias(alias) => alias_name(alias),
        };
        let request = self.client.invoke().function_name(FUNCTION_NAME).qualifier(&qualifier);
        let result = self.emulator.call(request.send());
        let Ok(output) = &result else { return common::outcome(&result) };

        assert_eq!(output.function_error(), None, "Invoke of {qualifier} runs the handler without error");
        let payload = output.payload().map(Blob::as_ref).unwrap_or_default();
        let body: serde_json::Value = serde_json::from_slice(payload)
            .unwrap_or_else(|error| panic!("Invoke of {qualifier} returned invalid JSON ({error}): {payload:?}"));
        let ran = body["version"].as_str().unwrap_or_default();
        let version =
            ref_state.returned_versions.iter().copied().find(|&version| qualifier_name(version) == ran).unwrap_or_else(
                || panic!("Invoke of {qualifier} ran version {ran:?}, not one of {:?}", ref_state.returned_versions),
            );
        let snapshot = ref_state.snapshot(version);
        assert_eq!(body["code"], snapshot.code, "code revision that Invoke of {qualifier} ran");
        "ok".to_owned()
    }

    /// Creates the function from code revision `code` and returns the outcome.
    fn create_function(&mut self, ref_state: &FunctionModel, code: u8, value: u8, publish: bool) -> String {
        let request = self
            .client
            .create_function()
            .function_name(FUNCTION_NAME)
            .runtime(Runtime::Python312)
            .role(ROLE)
            .handler("app.handler")
            .timeout(HANDLER_TIMEOUT_SECONDS)
            .description(description(value))
            .publish(publish)
            .code(FunctionCode::builder().zip_file(Blob::new(package(code))).build());
        let result = self.emulator.call(request.send());
        if let Ok(output) = &result {
            self.record_code_sha256(code, output.code_sha256());
            check_returned_version(ref_state, "CreateFunction", output.version());
        }
        common::outcome(&result)
    }

    /// Records the CodeSha256 the service returned for code revision `code`,
    /// checking that one revision always has the same digest.
    fn record_code_sha256(&mut self, code: u8, sha: Option<&str>) {
        let sha = sha.unwrap_or_else(|| panic!("no CodeSha256 returned for code revision {code}")).to_owned();
        let known = self.code_sha256.entry(code).or_insert_with(|| sha.clone());
        assert_eq!(*known, sha, "CodeSha256 of code revision {code}");
    }
}

prop_state_machine! {
    #![proptest_config(common::proptest_config(32, 0x6c616d, "tests/state_machines/proptest-regressions/lambda.txt"))]

    #[test]
    fn function_versions_and_aliases(sequential 5..40 => FunctionSut);
}
