//! Secrets Manager version stages of one secret.
//!
//! The model follows the Secrets Manager API reference:
//!
//! - CreateSecret makes the first version, labelled `AWSCURRENT`.
//!   PutSecretValue adds a version with the labels of `VersionStages`
//!   (`AWSCURRENT` when absent), taking each label from the version that had
//!   it. When `AWSCURRENT` moves, the version that had it gets `AWSPREVIOUS`
//!   (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html>).
//!   UpdateSecret with a value adds a version the same way, as
//!   `AWSCURRENT`. A `ClientRequestToken` names the version: repeating it
//!   with the same value changes nothing, and with another value fails with
//!   `ResourceExistsException`.
//! - UpdateSecretVersionStage moves a label to `MoveToVersionId`. A label on
//!   another version moves only when `RemoveFromVersionId` names that
//!   version, and moving `AWSCURRENT` gives its old version `AWSPREVIOUS`
//!   (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html>).
//! - A version without labels is deprecated: ListSecretVersionIds lists it
//!   only with `IncludeDeprecated`
//!   (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecretVersionIds.html>).
//! - DeleteSecret with a recovery window schedules the deletion. Until
//!   RestoreSecret, reading or changing the value fails with
//!   `InvalidRequestException`
//!   (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html>).
//!
//! Invariants checked after every step on what the service lists: exactly
//! one version is `AWSCURRENT` and no label is on two versions. Where
//! `AWSPREVIOUS` sits is checked against the model only, because the model
//! lets a caller move it by hand, even onto the current version (as the
//! emulator does, unverified on AWS).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_secretsmanager::Client;
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use crate::common::{self, Emulator};

const SECRET_NAME: &str = "state-machine/secret";
const AWSCURRENT: &str = "AWSCURRENT";
const AWSPREVIOUS: &str = "AWSPREVIOUS";
const AWSPENDING: &str = "AWSPENDING";
/// Labels PutSecretValue may list. `AWSPREVIOUS` is left out because the
/// service sets it itself when `AWSCURRENT` moves.
const PUT_LABELS: [&str; 4] = [AWSCURRENT, AWSPENDING, "custom-a", "custom-b"];
/// Labels UpdateSecretVersionStage may move.
const MOVE_LABELS: [&str; 5] = [AWSCURRENT, AWSPREVIOUS, AWSPENDING, "custom-a", "custom-b"];
/// Maximum versions one sequence makes, far below the service's quota, so no
/// deprecated version is removed.
const MAX_VERSIONS: usize = 12;
const INVALID_REQUEST: &str = "InvalidRequestException";
const INVALID_PARAMETER: &str = "InvalidParameterException";
const RESOURCE_EXISTS: &str = "ResourceExistsException";
const RESOURCE_NOT_FOUND: &str = "ResourceNotFoundException";

#[derive(Clone, Debug)]
struct ModelVersion {
    /// The test's `ClientRequestToken` number, or `None` when the SDK made one.
    token: Option<u8>,
    value: u8,
    stages: BTreeSet<&'static str>,
}

#[derive(Clone, Debug)]
pub struct SecretModel {
    versions: Vec<ModelVersion>,
    deleted: bool,
    /// The error code the latest transition returns, or `"ok"`.
    expected: &'static str,
    /// The version the latest successful PutSecretValue or GetSecretValue returns.
    returned_version: Option<usize>,
}

/// The version a GetSecretValue request selects.
#[derive(Clone, Copy, Debug)]
pub enum VersionSelector {
    Current,
    VersionId(usize),
    VersionStage(&'static str),
    /// Both a VersionId and a VersionStage, which must name the same version.
    Both(usize, &'static str),
}

#[derive(Clone, Debug)]
pub enum SecretTransition {
    PutSecretValue {
        token: Option<u8>,
        value: u8,
        stages: Option<Vec<&'static str>>,
    },
    /// UpdateSecret with a new value, or with only a new description when `value` is `None`.
    UpdateSecret {
        token: Option<u8>,
        value: Option<u8>,
    },
    UpdateSecretVersionStage {
        stage: &'static str,
        move_to: Option<usize>,
        remove_from: Option<usize>,
    },
    GetSecretValue(VersionSelector),
    DeleteSecret,
    RestoreSecret,
}

impl SecretModel {
    fn holder(&self, stage: &str) -> Option<usize> {
        self.versions.iter().position(|version| version.stages.contains(stage))
    }

    /// Moves `stage` to version `to`, or removes it when `to` is `None`.
    /// Moving `AWSCURRENT` off a version gives that version `AWSPREVIOUS`.
    fn move_stage(&mut self, stage: &'static str, to: Option<usize>) {
        let holder = self.holder(stage);
        for version in &mut self.versions {
            version.stages.remove(stage);
        }
        if let Some(to) = to {
            self.versions[to].stages.insert(stage);
        }
        if stage == AWSCURRENT
            && let Some(holder) = holder
            && Some(holder) != to
        {
            for version in &mut self.versions {
                version.stages.remove(AWSPREVIOUS);
            }
            self.versions[holder].stages.insert(AWSPREVIOUS);
        }
    }

    fn put_secret_value(&mut self, token: Option<u8>, value: u8, stages: Option<&[&'static str]>) -> &'static str {
        if self.deleted {
            return INVALID_REQUEST;
        }
        if let Some(existing) = token.and_then(|token| self.versions.iter().position(|v| v.token == Some(token))) {
            // NOTE: a repeated token with the same value returns the existing
            // version unchanged even when VersionStages differs. AWS
            // documents only the value comparison, so this is unverified.
            if self.versions[existing].value != value {
                return RESOURCE_EXISTS;
            }
            self.returned_version = Some(existing);
            return "ok";
        }

        let stages = stages.map_or_else(|| vec![AWSCURRENT], <[_]>::to_vec);
        let new = self.versions.len();
        self.versions.push(ModelVersion { token, value, stages: BTreeSet::new() });
        for stage in stages {
            self.move_stage(stage, None);
            self.versions[new].stages.insert(stage);
        }
        self.returned_version = Some(new);
        "ok"
    }

    fn update_secret_version_stage(
        &mut self,
        stage: &'static str,
        move_to: Option<usize>,
        remove_from: Option<usize>,
    ) -> &'static str {
        if self.deleted {
            return INVALID_REQUEST;
        }
        let holder = self.holder(stage);
        // NOTE: AWS documents that RemoveFromVersionId must name the label's
        // version but not the error for another version, nor for removing
        // AWSCURRENT without moving it. InvalidParameterException is the
        // emulator's choice for both, unverified.
        match (move_to, remove_from) {
            (Some(to), remove_from) => {
                if holder.is_some_and(|holder| holder != to && remove_from != Some(holder)) {
                    return INVALID_PARAMETER;
                }
                if remove_from.is_some_and(|remove_from| holder != Some(remove_from)) {
                    return INVALID_PARAMETER;
                }
                self.move_stage(stage, Some(to));
            }
            (None, Some(remove_from)) => {
                if holder != Some(remove_from) || stage == AWSCURRENT {
                    return INVALID_PARAMETER;
                }
                self.move_stage(stage, None);
            }
            (None, None) => unreachable!("the strategy names a version to move to or remove from"),
        }
        "ok"
    }

    fn get_secret_value(&mut self, selector: VersionSelector) -> &'static str {
        if self.deleted {
            return INVALID_REQUEST;
        }
        let version = match selector {
            VersionSelector::Current => self.holder(AWSCURRENT),
            VersionSelector::VersionId(version) => Some(version),
            VersionSelector::VersionStage(stage) => self.holder(stage),
            // NOTE: AWS documents that both must name the same version but not
            // the error otherwise. ResourceNotFoundException is the emulator's
            // choice, unverified.
            VersionSelector::Both(version, stage) => self.versions[version].stages.contains(stage).then_some(version),
        };
        self.returned_version = version;
        if version.is_some() { "ok" } else { RESOURCE_NOT_FOUND }
    }
}

impl ReferenceStateMachine for SecretModel {
    type State = SecretModel;
    type Transition = SecretTransition;

    fn init_state() -> BoxedStrategy<Self::State> {
        let first = ModelVersion { token: None, value: 0, stages: BTreeSet::from([AWSCURRENT]) };
        Just(SecretModel { versions: vec![first], deleted: false, expected: "ok", returned_version: None }).boxed()
    }

    fn transitions(state: &Self::State) -> BoxedStrategy<Self::Transition> {
        let versions = state.versions.len();
        let put_stages = proptest::sample::subsequence(PUT_LABELS.to_vec(), 1..=2);
        let put = (proptest::option::of(0..4u8), 0..3u8, proptest::option::weighted(0.6, put_stages))
            .prop_map(|(token, value, stages)| SecretTransition::PutSecretValue { token, value, stages });
        let update_secret = (proptest::option::of(0..4u8), proptest::option::weighted(0.8, 0..3u8))
            .prop_map(|(token, value)| SecretTransition::UpdateSecret { token, value });
        let stage = proptest::sample::select(MOVE_LABELS.to_vec());
        // RemoveFromVersionId names the label's current version more often
        // than chance would, so that most moves succeed.
        let holders: BTreeMap<&'static str, usize> =
            MOVE_LABELS.iter().filter_map(|&stage| Some((stage, state.holder(stage)?))).collect();
        let update = stage
            .clone()
            .prop_flat_map(move |stage| {
                let remove_from = match holders.get(stage) {
                    Some(&holder) => {
                        prop_oneof![2 => Just(Some(holder)), 1 => proptest::option::of(0..versions)].boxed()
                    }
                    None => proptest::option::of(0..versions).boxed(),
                };
                (Just(stage), proptest::option::of(0..versions), remove_from)
            })
            .prop_filter("MoveToVersionId or RemoveFromVersionId", |(_, to, from)| to.is_some() || from.is_some())
            .prop_map(|(stage, move_to, remove_from)| SecretTransition::UpdateSecretVersionStage {
                stage,
                move_to,
                remove_from,
            });

        let selector = prop_oneof![
            Just(VersionSelector::Current),
            (0..versions).prop_map(VersionSelector::VersionId),
            stage.clone().prop_map(VersionSelector::VersionStage),
            (0..versions, stage).prop_map(|(version, stage)| VersionSelector::Both(version, stage)),
        ];
        prop_oneof![
            4 => put,
            2 => update_secret,
            5 => update,
            3 => selector.prop_map(SecretTransition::GetSecretValue),
            1 => Just(SecretTransition::DeleteSecret),
            1 => Just(SecretTransition::RestoreSecret),
        ]
        .boxed()
    }

    fn preconditions(state: &Self::State, transition: &Self::Transition) -> bool {
        let exists = |version: &Option<usize>| version.is_none_or(|version| version < state.versions.len());
        match transition {
            SecretTransition::PutSecretValue { .. } | SecretTransition::UpdateSecret { .. } => {
                state.versions.len() < MAX_VERSIONS
            }
            SecretTransition::UpdateSecretVersionStage { move_to, remove_from, .. } => {
                (move_to.is_some() || remove_from.is_some()) && exists(move_to) && exists(remove_from)
            }
            SecretTransition::GetSecretValue(
                VersionSelector::VersionId(version) | VersionSelector::Both(version, _),
            ) => *version < state.versions.len(),
            SecretTransition::GetSecretValue(_) | SecretTransition::DeleteSecret | SecretTransition::RestoreSecret => {
                true
            }
        }
    }

    fn apply(mut state: Self::State, transition: &Self::Transition) -> Self::State {
        state.returned_version = None;
        state.expected = match transition {
            SecretTransition::PutSecretValue { token, value, stages } => {
                state.put_secret_value(*token, *value, stages.as_deref())
            }
            // UpdateSecret with a value writes a version as PutSecretValue
            // without VersionStages does
            // (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecret.html>).
            SecretTransition::UpdateSecret { token, value: Some(value) } => {
                state.put_secret_value(*token, *value, None)
            }
            SecretTransition::UpdateSecret { value: None, .. } => {
                if state.deleted {
                    INVALID_REQUEST
                } else {
                    "ok"
                }
            }
            SecretTransition::UpdateSecretVersionStage { stage, move_to, remove_from } => {
                state.update_secret_version_stage(stage, *move_to, *remove_from)
            }
            SecretTransition::GetSecretValue(selector) => state.get_secret_value(*selector),
            SecretTransition::DeleteSecret => {
                // NOTE: a second scheduled deletion failing with
                // InvalidRequestException, and ListSecretVersionIds still
                // listing versions while deleted, are the emulator's choices and
                // unverified on AWS.
                if state.deleted {
                    INVALID_REQUEST
                } else {
                    state.deleted = true;
                    "ok"
                }
            }
            SecretTransition::RestoreSecret => {
                // NOTE: RestoreSecret of a secret not scheduled for deletion
                // succeeds and changes nothing. Unverified on AWS.
                state.deleted = false;
                "ok"
            }
        };
        state
    }
}

fn secret_value(value: u8) -> String {
    format!("secret-value-{value}")
}

/// A `ClientRequestToken`, which must be 32 to 64 characters long.
fn request_token(token: u8) -> String {
    format!("state-machine-request-token-{token:08}")
}

/// The emulator side: the SDK client and the version id of each model version.
pub struct SecretSut {
    emulator: Emulator,
    client: Client,
    version_ids: Vec<String>,
}

impl StateMachineTest for SecretSut {
    type SystemUnderTest = Self;
    type Reference = SecretModel;

    fn init_test(_: &SecretModel) -> Self {
        let emulator = Emulator::start();
        let config = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .region(aws_sdk_secretsmanager::config::Region::new(common::REGION))
            .credentials_provider(common::credentials())
            .endpoint_url(emulator.endpoint_url())
            .build();
        let client = Client::from_conf(config);
        let created = emulator
            .call(client.create_secret().name(SECRET_NAME).secret_string(secret_value(0)).send())
            .expect("CreateSecret");
        let version_id = created.version_id.expect("CreateSecret returns a VersionId");
        SecretSut { emulator, client, version_ids: vec![version_id] }
    }

    fn apply(mut sut: Self, ref_state: &SecretModel, transition: SecretTransition) -> Self {
        let outcome = match &transition {
            SecretTransition::PutSecretValue { token, value, stages } => {
                sut.put_secret_value(ref_state, *token, *value, stages.as_deref())
            }
            SecretTransition::UpdateSecret { token, value } => sut.update_secret(ref_state, *token, *value),
            SecretTransition::UpdateSecretVersionStage { stage, move_to, remove_from } => {
                let request = sut
                    .client
                    .update_secret_version_stage()
                    .secret_id(SECRET_NAME)
                    .version_stage(*stage)
                    .set_move_to_version_id(move_to.map(|version| sut.version_ids[version].clone()))
                    .set_remove_from_version_id(remove_from.map(|version| sut.version_ids[version].clone()));
                common::outcome(&sut.emulator.call(request.send()))
            }
            SecretTransition::GetSecretValue(selector) => sut.get_secret_value(ref_state, *selector),
            SecretTransition::DeleteSecret => {
                let request = sut.client.delete_secret().secret_id(SECRET_NAME).recovery_window_in_days(7);
                let result = sut.emulator.call(request.send());
                if let Ok(output) = &result {
                    assert!(output.deletion_date().is_some(), "DeleteSecret returns a DeletionDate");
                }
                common::outcome(&result)
            }
            SecretTransition::RestoreSecret => {
                common::outcome(&sut.emulator.call(sut.client.restore_secret().secret_id(SECRET_NAME).send()))
            }
        };
        assert_eq!(outcome, ref_state.expected, "outcome of {transition:?}");
        sut
    }

    fn check_invariants(sut: &Self, ref_state: &SecretModel) {
        let all = sut.list_versions(true);
        let expected: BTreeMap<String, BTreeSet<String>> = ref_state
            .versions
            .iter()
            .enumerate()
            .map(|(index, version)| {
                (sut.version_ids[index].clone(), version.stages.iter().map(|&stage| stage.to_owned()).collect())
            })
            .collect();
        assert_eq!(all, expected, "ListSecretVersionIds with IncludeDeprecated lists every version's labels");

        let labelled = sut.list_versions(false);
        let expected_labelled: BTreeMap<_, _> =
            expected.iter().filter(|(_, stages)| !stages.is_empty()).map(|(id, s)| (id.clone(), s.clone())).collect();
        assert_eq!(labelled, expected_labelled, "ListSecretVersionIds leaves out deprecated versions");

        let holders = |stage: &str| all.values().filter(|stages| stages.contains(stage)).count();
        assert_eq!(holders(AWSCURRENT), 1, "exactly one version is AWSCURRENT");
        for stage in MOVE_LABELS {
            assert!(holders(stage) <= 1, "{stage} is on at most one version");
        }

        let described =
            sut.emulator.call(sut.client.describe_secret().secret_id(SECRET_NAME).send()).expect("DescribeSecret");
        assert_eq!(described.deleted_date().is_some(), ref_state.deleted, "DescribeSecret DeletedDate");
        let stages_by_version: BTreeMap<String, BTreeSet<String>> = described
            .version_ids_to_stages()
            .map(|map| map.iter().map(|(id, stages)| (id.clone(), stages.iter().cloned().collect())).collect())
            .unwrap_or_default();
        assert_eq!(stages_by_version, expected_labelled, "DescribeSecret VersionIdsToStages");

        // ListSecrets leaves out a secret scheduled for deletion unless
        // IncludePlannedDeletion is set
        // (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html>).
        for include_planned_deletion in [false, true] {
            let request = sut.client.list_secrets().include_planned_deletion(include_planned_deletion).max_results(100);
            let output = sut.emulator.call(request.send()).expect("ListSecrets");
            let listed = output.secret_list().iter().any(|entry| entry.name() == Some(SECRET_NAME));
            assert_eq!(
                listed,
                include_planned_deletion || !ref_state.deleted,
                "ListSecrets with IncludePlannedDeletion={include_planned_deletion} lists the secret"
            );
        }
    }
}

impl SecretSut {
    fn put_secret_value(
        &mut self,
        ref_state: &SecretModel,
        token: Option<u8>,
        value: u8,
        stages: Option<&[&'static str]>,
    ) -> String {
        let request = self
            .client
            .put_secret_value()
            .secret_id(SECRET_NAME)
            .secret_string(secret_value(value))
            .set_client_request_token(token.map(request_token))
            .set_version_stages(stages.map(|stages| stages.iter().map(|&stage| stage.to_owned()).collect()));
        let result = self.emulator.call(request.send());
        let Ok(output) = &result else { return common::outcome(&result) };

        let version = self.record_version(ref_state, token, output.version_id());
        let returned: BTreeSet<&str> = output.version_stages().iter().map(String::as_str).collect();
        assert_eq!(returned, ref_state.versions[version].stages, "PutSecretValue VersionStages");
        "ok".to_owned()
    }

    fn update_secret(&mut self, ref_state: &SecretModel, token: Option<u8>, value: Option<u8>) -> String {
        let request = self
            .client
            .update_secret()
            .secret_id(SECRET_NAME)
            .set_secret_string(value.map(secret_value))
            .set_client_request_token(token.map(request_token));
        // A call without a value must change something else.
        let request = if value.is_none() { request.description("updated by the state machine") } else { request };
        let result = self.emulator.call(request.send());
        let Ok(output) = &result else { return common::outcome(&result) };

        if value.is_none() {
            assert_eq!(output.version_id(), None, "UpdateSecret without a value makes no version");
        } else {
            self.record_version(ref_state, token, output.version_id());
        }
        "ok".to_owned()
    }

    /// Checks the VersionId a write returned against the model's version and
    /// records it when the write made a new version. Returns the model version.
    fn record_version(&mut self, ref_state: &SecretModel, token: Option<u8>, version_id: Option<&str>) -> usize {
        let version = ref_state.returned_version.expect("the model names the version a write returns");
        let version_id = version_id.expect("a write of a value returns a VersionId").to_owned();
        if version == self.version_ids.len() {
            assert!(!self.version_ids.contains(&version_id), "a new version reused version id {version_id}");
            if let Some(token) = token {
                assert_eq!(version_id, request_token(token), "the version id is the ClientRequestToken");
            }
            self.version_ids.push(version_id);
        } else {
            assert_eq!(version_id, self.version_ids[version], "a repeated token returns its version");
        }
        version
    }

    fn get_secret_value(&self, ref_state: &SecretModel, selector: VersionSelector) -> String {
        let request = self.client.get_secret_value().secret_id(SECRET_NAME);
        let request = match selector {
            VersionSelector::Current => request,
            VersionSelector::VersionId(version) => request.version_id(&self.version_ids[version]),
            VersionSelector::VersionStage(stage) => request.version_stage(stage),
            VersionSelector::Both(version, stage) => {
                request.version_id(&self.version_ids[version]).version_stage(stage)
            }
        };
        let result = self.emulator.call(request.send());
        let Ok(output) = &result else { return common::outcome(&result) };

        let version = ref_state.returned_version.expect("the model names the version GetSecretValue returns");
        let model = &ref_state.versions[version];
        assert_eq!(output.version_id(), Some(self.version_ids[version].as_str()), "GetSecretValue {selector:?}");
        assert_eq!(output.secret_string(), Some(secret_value(model.value).as_str()), "value of {selector:?}");
        let returned: BTreeSet<&str> = output.version_stages().iter().map(String::as_str).collect();
        assert_eq!(returned, model.stages, "VersionStages of {selector:?}");
        "ok".to_owned()
    }

    /// Lists the secret's versions with their labels, by version id.
    fn list_versions(&self, include_deprecated: bool) -> BTreeMap<String, BTreeSet<String>> {
        let request = self
            .client
            .list_secret_version_ids()
            .secret_id(SECRET_NAME)
            .include_deprecated(include_deprecated)
            .max_results(100);
        let output = self.emulator.call(request.send()).expect("ListSecretVersionIds");
        assert!(output.next_token().is_none(), "fewer than 100 versions fit on one page");
        output
            .versions()
            .iter()
            .map(|entry| {
                let version_id = entry.version_id().expect("a listed version has a VersionId").to_owned();
                (version_id, entry.version_stages().iter().cloned().collect())
            })
            .collect()
    }
}

prop_state_machine! {
    #![proptest_config(common::proptest_config(
        48,
        0x736d,
        "tests/state_machines/proptest-regressions/secretsmanager.txt"
    ))]

    #[test]
    fn secret_version_stages(sequential 5..40 => SecretSut);
}
