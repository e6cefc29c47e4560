//! KMS key states and aliases.
//!
//! The model follows the key state table of the KMS developer guide
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html>)
//! and the API reference of each operation:
//!
//! - A key is created `Enabled`. DisableKey and EnableKey switch between
//!   `Enabled` and `Disabled` and succeed when the key is already in the
//!   target state. ScheduleKeyDeletion moves an enabled or disabled key to
//!   `PendingDeletion`, and CancelKeyDeletion moves it back to `Disabled`
//!   (<https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html>).
//! - Encrypt, Decrypt, ReEncrypt and GenerateMac fail with
//!   `DisabledException` on a disabled key. Every operation the model calls
//!   on a key pending deletion fails with `KMSInvalidStateException`, except
//!   DescribeKey, ListAliases, CancelKeyDeletion and the alias operations
//!   that do not name it as the new target.
//! - EnableKeyRotation needs an enabled key and works only on symmetric
//!   encryption keys. Asymmetric and HMAC keys fail with
//!   `UnsupportedOperationException`
//!   (<https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html>).
//! - CreateAlias fails with `AlreadyExistsException` for a name in use, and
//!   UpdateAlias and DeleteAlias with `NotFoundException` for a missing one.
//!   UpdateAlias may only move an alias to a key of the same type and key
//!   usage (<https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdateAlias.html>).
//!   A cryptographic call through an alias acts on the alias's current key.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_kms::Client;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{EncryptionAlgorithmSpec, KeySpec, KeyState, KeyUsageType, MacAlgorithmSpec};
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use crate::common::{self, Emulator};

/// Maximum keys one sequence creates.
const MAX_KEYS: usize = 4;
/// Alias names the sequences use, `alias/state-machine-N`.
const ALIASES: usize = 3;
const PLAINTEXT: &[u8] = b"state machine plaintext";
/// The waiting period of every ScheduleKeyDeletion, in days (7 to 30 are valid).
const PENDING_WINDOW_DAYS: i32 = 7;
const DISABLED: &str = "DisabledException";
const INVALID_STATE: &str = "KMSInvalidStateException";
const UNSUPPORTED: &str = "UnsupportedOperationException";
const NOT_FOUND: &str = "NotFoundException";
const ALREADY_EXISTS: &str = "AlreadyExistsException";
const VALIDATION: &str = "ValidationException";
const INCORRECT_KEY: &str = "IncorrectKeyException";

/// The kinds of key the model creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// `SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`.
    Symmetric,
    /// `RSA_2048`, `ENCRYPT_DECRYPT`, used with `RSAES_OAEP_SHA_256`.
    Rsa,
    /// `HMAC_256`, `GENERATE_VERIFY_MAC`.
    Hmac,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ModelKeyState {
    Enabled,
    Disabled,
    PendingDeletion,
}

#[derive(Clone, Debug)]
struct ModelKey {
    kind: KeyKind,
    state: ModelKeyState,
    rotation_enabled: bool,
}

#[derive(Clone, Debug)]
pub struct KeyModel {
    keys: Vec<ModelKey>,
    /// Alias number to the index of the key it points at.
    aliases: BTreeMap<usize, usize>,
    /// The error code the latest transition returns, or `"ok"`.
    expected: &'static str,
}

/// The key a cryptographic call names.
#[derive(Clone, Copy, Debug)]
pub enum KeyReference {
    /// The key id.
    Key(usize),
    KeyArn(usize),
    /// The alias name, `alias/...`.
    Alias(usize),
    AliasArn(usize),
}

/// What a Decrypt request puts in `KeyId`.
#[derive(Clone, Copy, Debug)]
pub enum DecryptKeyId {
    /// No `KeyId`, which only a symmetric ciphertext allows.
    Omitted,
    /// The id of the key that encrypted the ciphertext.
    OwnKey,
    Alias(usize),
    /// The id of another symmetric key.
    OtherKey(usize),
}

#[derive(Clone, Debug)]
pub enum KeyTransition {
    CreateKey(KeyKind),
    DisableKey(usize),
    EnableKey(usize),
    ScheduleKeyDeletion(usize),
    CancelKeyDeletion(usize),
    EnableKeyRotation(usize),
    /// Encrypt for an encryption key and GenerateMac for an HMAC key.
    Use(KeyReference),
    /// Decrypt of the ciphertext made when key `key` was created, naming
    /// the key in `KeyId` as `key_id` selects.
    Decrypt {
        key: usize,
        key_id: DecryptKeyId,
    },
    /// ReEncrypt of the ciphertext made when symmetric key `key` was
    /// created, to the symmetric key `destination` names.
    ReEncrypt {
        key: usize,
        destination: KeyReference,
    },
    CreateAlias {
        alias: usize,
        key: usize,
    },
    UpdateAlias {
        alias: usize,
        key: usize,
    },
    DeleteAlias(usize),
}

impl KeyModel {
    /// Returns the outcome of a cryptographic operation on a key in `state`.
    fn cryptographic_outcome(state: ModelKeyState) -> &'static str {
        match state {
            ModelKeyState::Enabled => "ok",
            ModelKeyState::Disabled => DISABLED,
            ModelKeyState::PendingDeletion => INVALID_STATE,
        }
    }

    /// Reports whether the model predicts a Decrypt of key `key`'s ciphertext
    /// with `key_id`. It leaves out the cases AWS documents no single error
    /// for: a symmetric ciphertext under an asymmetric or HMAC key id, and an
    /// RSA ciphertext under any key id but its own. An HMAC key has no
    /// ciphertext, so only `OwnKey` applies to it.
    fn decrypt_allowed(&self, key: usize, key_id: DecryptKeyId) -> bool {
        let kind = self.keys[key].kind;
        let symmetric = |other: usize| self.keys.get(other).is_some_and(|k| k.kind == KeyKind::Symmetric);
        match key_id {
            DecryptKeyId::OwnKey => true,
            DecryptKeyId::Omitted => kind == KeyKind::Symmetric,
            DecryptKeyId::Alias(alias) => match self.aliases.get(&alias) {
                None => kind != KeyKind::Hmac,
                Some(&target) => {
                    (target == key && kind != KeyKind::Hmac) || (kind == KeyKind::Symmetric && symmetric(target))
                }
            },
            DecryptKeyId::OtherKey(other) => other != key && kind == KeyKind::Symmetric && symmetric(other),
        }
    }

    /// Resolves a reference to a key index, or `None` for a missing alias.
    fn resolve(&self, reference: KeyReference) -> Option<usize> {
        match reference {
            KeyReference::Key(key) | KeyReference::KeyArn(key) => Some(key),
            KeyReference::Alias(alias) | KeyReference::AliasArn(alias) => self.aliases.get(&alias).copied(),
        }
    }
}

impl ReferenceStateMachine for KeyModel {
    type State = KeyModel;
    type Transition = KeyTransition;

    fn init_state() -> BoxedStrategy<Self::State> {
        Just(KeyModel { keys: Vec::new(), aliases: BTreeMap::new(), expected: "ok" }).boxed()
    }

    fn transitions(state: &Self::State) -> BoxedStrategy<Self::Transition> {
        let kind = prop_oneof![2 => Just(KeyKind::Symmetric), 1 => Just(KeyKind::Rsa), 1 => Just(KeyKind::Hmac)];
        let create = kind.prop_map(KeyTransition::CreateKey);
        if state.keys.is_empty() {
            return create.boxed();
        }

        let key = 0..state.keys.len();
        let alias = 0..ALIASES;
        let decrypt_key_id = prop_oneof![
            Just(DecryptKeyId::Omitted),
            Just(DecryptKeyId::OwnKey),
            alias.clone().prop_map(DecryptKeyId::Alias),
            key.clone().prop_map(DecryptKeyId::OtherKey),
        ];
        let reference = prop_oneof![
            key.clone().prop_map(KeyReference::Key),
            key.clone().prop_map(KeyReference::KeyArn),
            alias.clone().prop_map(KeyReference::Alias),
            alias.clone().prop_map(KeyReference::AliasArn),
        ];

        prop_oneof![
            1 => create,
            2 => key.clone().prop_map(KeyTransition::DisableKey),
            2 => key.clone().prop_map(KeyTransition::EnableKey),
            1 => key.clone().prop_map(KeyTransition::ScheduleKeyDeletion),
            2 => key.clone().prop_map(KeyTransition::CancelKeyDeletion),
            1 => key.clone().prop_map(KeyTransition::EnableKeyRotation),
            3 => reference.clone().prop_map(KeyTransition::Use),
            2 => (key.clone(), reference)
                .prop_map(|(key, destination)| KeyTransition::ReEncrypt { key, destination }),
            3 => (key.clone(), decrypt_key_id).prop_map(|(key, key_id)| KeyTransition::Decrypt { key, key_id }),
            2 => (alias.clone(), key.clone()).prop_map(|(alias, key)| KeyTransition::CreateAlias { alias, key }),
            2 => (alias.clone(), key).prop_map(|(alias, key)| KeyTransition::UpdateAlias { alias, key }),
            1 => alias.prop_map(KeyTransition::DeleteAlias),
        ]
        .boxed()
    }

    fn preconditions(state: &Self::State, transition: &Self::Transition) -> bool {
        let exists = |key: usize| key < state.keys.len();
        match *transition {
            KeyTransition::CreateKey(_) => state.keys.len() < MAX_KEYS,
            KeyTransition::DisableKey(key)
            | KeyTransition::EnableKey(key)
            | KeyTransition::ScheduleKeyDeletion(key)
            | KeyTransition::CancelKeyDeletion(key)
            | KeyTransition::EnableKeyRotation(key)
            | KeyTransition::Use(KeyReference::Key(key) | KeyReference::KeyArn(key))
            | KeyTransition::CreateAlias { key, .. }
            | KeyTransition::UpdateAlias { key, .. } => exists(key),
            KeyTransition::Use(KeyReference::Alias(_) | KeyReference::AliasArn(_)) | KeyTransition::DeleteAlias(_) => {
                true
            }
            KeyTransition::Decrypt { key, key_id } => exists(key) && state.decrypt_allowed(key, key_id),
            // Both keys symmetric, or a missing destination alias.
            KeyTransition::ReEncrypt { key, destination } => {
                let symmetric = |key: usize| state.keys.get(key).is_some_and(|k| k.kind == KeyKind::Symmetric);
                let destination_known = match destination {
                    KeyReference::Key(other) | KeyReference::KeyArn(other) => symmetric(other),
                    KeyReference::Alias(_) | KeyReference::AliasArn(_) => {
                        state.resolve(destination).is_none_or(symmetric)
                    }
                };
                symmetric(key) && destination_known
            }
        }
    }

    fn apply(mut state: Self::State, transition: &Self::Transition) -> Self::State {
        state.expected = apply_key_transition(&mut state, transition);
        state
    }
}

/// Applies `transition` to the model and returns the expected outcome.
fn apply_key_transition(state: &mut KeyModel, transition: &KeyTransition) -> &'static str {
    match *transition {
        KeyTransition::CreateKey(kind) => {
            state.keys.push(ModelKey { kind, state: ModelKeyState::Enabled, rotation_enabled: false });
            "ok"
        }
        KeyTransition::DisableKey(key) | KeyTransition::EnableKey(key) => {
            let model = &mut state.keys[key];
            if model.state == ModelKeyState::PendingDeletion {
                return INVALID_STATE;
            }
            model.state = if matches!(transition, KeyTransition::EnableKey(_)) {
                ModelKeyState::Enabled
            } else {
                ModelKeyState::Disabled
            };
            "ok"
        }
        KeyTransition::ScheduleKeyDeletion(key) => {
            let model = &mut state.keys[key];
            if model.state == ModelKeyState::PendingDeletion {
                return INVALID_STATE;
            }
            model.state = ModelKeyState::PendingDeletion;
            "ok"
        }
        KeyTransition::CancelKeyDeletion(key) => {
            let model = &mut state.keys[key];
            if model.state != ModelKeyState::PendingDeletion {
                return INVALID_STATE;
            }
            model.state = ModelKeyState::Disabled;
            "ok"
        }
        KeyTransition::EnableKeyRotation(key) => {
            let model = &mut state.keys[key];
            // NOTE: AWS does not document which error a disabled asymmetric
            // or HMAC key gets. The model checks the key state first, as the
            // emulator does, so this order is unverified on AWS.
            let outcome = KeyModel::cryptographic_outcome(model.state);
            if outcome != "ok" {
                return outcome;
            }
            if model.kind != KeyKind::Symmetric {
                return UNSUPPORTED;
            }
            model.rotation_enabled = true;
            "ok"
        }
        KeyTransition::Use(reference) => match state.resolve(reference) {
            Some(key) => KeyModel::cryptographic_outcome(state.keys[key].state),
            None => NOT_FOUND,
        },
        KeyTransition::ReEncrypt { key, destination } => {
            // NOTE: ReEncrypt needs both keys enabled. Checking the source key
            // before the destination is the emulator's choice, unverified.
            let source = KeyModel::cryptographic_outcome(state.keys[key].state);
            if source != "ok" {
                return source;
            }
            match state.resolve(destination) {
                Some(target) => KeyModel::cryptographic_outcome(state.keys[target].state),
                None => NOT_FOUND,
            }
        }
        KeyTransition::Decrypt { key, key_id } => {
            let named = match key_id {
                DecryptKeyId::Omitted | DecryptKeyId::OwnKey => key,
                DecryptKeyId::Alias(alias) => match state.aliases.get(&alias) {
                    Some(&target) => target,
                    None => return NOT_FOUND,
                },
                DecryptKeyId::OtherKey(other) => other,
            };
            // NOTE: AWS documents IncorrectKeyException for a KeyId other
            // than the encrypting key. That it comes before any key state
            // error is the emulator's choice, unverified on AWS.
            if named != key {
                return INCORRECT_KEY;
            }
            KeyModel::cryptographic_outcome(state.keys[key].state)
        }
        KeyTransition::CreateAlias { alias, key } => {
            // NOTE: the order of the two checks (target state, then name in
            // use) is the emulator's choice and unverified on AWS.
            if state.keys[key].state == ModelKeyState::PendingDeletion {
                return INVALID_STATE;
            }
            if state.aliases.contains_key(&alias) {
                return ALREADY_EXISTS;
            }
            state.aliases.insert(alias, key);
            "ok"
        }
        KeyTransition::UpdateAlias { alias, key } => {
            let Some(&current) = state.aliases.get(&alias) else { return NOT_FOUND };
            if state.keys[key].state == ModelKeyState::PendingDeletion {
                return INVALID_STATE;
            }
            // NOTE: AWS names no error code for a key of another type or
            // usage. ValidationException is the emulator's choice, unverified.
            if state.keys[key].kind != state.keys[current].kind {
                return VALIDATION;
            }
            state.aliases.insert(alias, key);
            "ok"
        }
        KeyTransition::DeleteAlias(alias) => {
            if state.aliases.remove(&alias).is_some() {
                "ok"
            } else {
                NOT_FOUND
            }
        }
    }
}

/// The emulator side: the SDK client, the created keys and a ciphertext of each.
pub struct KeySut {
    emulator: Emulator,
    client: Client,
    key_ids: Vec<String>,
    /// Ciphertext of [`PLAINTEXT`] under each encryption key, made at creation.
    ciphertexts: Vec<Option<Blob>>,
}

fn alias_name(alias: usize) -> String {
    format!("alias/state-machine-{alias}")
}

impl StateMachineTest for KeySut {
    type SystemUnderTest = Self;
    type Reference = KeyModel;

    fn init_test(_: &KeyModel) -> Self {
        let emulator = Emulator::start();
        let config = aws_sdk_kms::Config::builder()
            .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
            .region(aws_sdk_kms::config::Region::new(common::REGION))
            .credentials_provider(common::credentials())
            .endpoint_url(emulator.endpoint_url())
            .build();
        KeySut { client: Client::from_conf(config), emulator, key_ids: Vec::new(), ciphertexts: Vec::new() }
    }

    fn apply(mut sut: Self, ref_state: &KeyModel, transition: KeyTransition) -> Self {
        let expected = ref_state.expected;
        let client = &sut.client;
        let outcome = match transition {
            KeyTransition::CreateKey(kind) => {
                sut.create_key(kind);
                "ok".to_owned()
            }
            KeyTransition::DisableKey(key) => {
                common::outcome(&sut.emulator.call(client.disable_key().key_id(&sut.key_ids[key]).send()))
            }
            KeyTransition::EnableKey(key) => {
                common::outcome(&sut.emulator.call(client.enable_key().key_id(&sut.key_ids[key]).send()))
            }
            KeyTransition::ScheduleKeyDeletion(key) => {
                let request = client
                    .schedule_key_deletion()
                    .key_id(&sut.key_ids[key])
                    .pending_window_in_days(PENDING_WINDOW_DAYS);
                let result = sut.emulator.call(request.send());
                if let Ok(output) = &result {
                    assert_eq!(output.key_state(), Some(&KeyState::PendingDeletion), "ScheduleKeyDeletion KeyState");
                    assert!(output.deletion_date().is_some(), "ScheduleKeyDeletion returns a DeletionDate");
                }
                common::outcome(&result)
            }
            KeyTransition::CancelKeyDeletion(key) => {
                common::outcome(&sut.emulator.call(client.cancel_key_deletion().key_id(&sut.key_ids[key]).send()))
            }
            KeyTransition::EnableKeyRotation(key) => {
                common::outcome(&sut.emulator.call(client.enable_key_rotation().key_id(&sut.key_ids[key]).send()))
            }
            KeyTransition::Use(reference) => sut.use_key(ref_state, reference),
            KeyTransition::Decrypt { key, key_id } => sut.decrypt(ref_state, key, key_id),
            KeyTransition::ReEncrypt { key, destination } => sut.re_encrypt(ref_state, key, destination),
            KeyTransition::CreateAlias { alias, key } => {
                let request = client.create_alias().alias_name(alias_name(alias)).target_key_id(&sut.key_ids[key]);
                common::outcome(&sut.emulator.call(request.send()))
            }
            KeyTransition::UpdateAlias { alias, key } => {
                let request = client.update_alias().alias_name(alias_name(alias)).target_key_id(&sut.key_ids[key]);
                common::outcome(&sut.emulator.call(request.send()))
            }
            KeyTransition::DeleteAlias(alias) => {
                common::outcome(&sut.emulator.call(client.delete_alias().alias_name(alias_name(alias)).send()))
            }
        };
        assert_eq!(outcome, expected, "outcome of {transition:?}");
        sut
    }

    fn check_invariants(sut: &Self, ref_state: &KeyModel) {
        for (index, model) in ref_state.keys.iter().enumerate() {
            let output =
                sut.emulator.call(sut.client.describe_key().key_id(&sut.key_ids[index]).send()).expect("DescribeKey");
            let metadata = output.key_metadata().expect("DescribeKey returns KeyMetadata");
            let expected_state = match model.state {
                ModelKeyState::Enabled => KeyState::Enabled,
                ModelKeyState::Disabled => KeyState::Disabled,
                ModelKeyState::PendingDeletion => KeyState::PendingDeletion,
            };
            assert_eq!(metadata.key_state(), Some(&expected_state), "KeyState of key {index}");
            assert_eq!(metadata.enabled(), model.state == ModelKeyState::Enabled, "Enabled flag of key {index}");
            assert_eq!(
                metadata.deletion_date().is_some(),
                model.state == ModelKeyState::PendingDeletion,
                "DeletionDate of key {index} is set only while pending deletion"
            );
            let window = (model.state == ModelKeyState::PendingDeletion).then_some(PENDING_WINDOW_DAYS);
            assert_eq!(
                metadata.pending_deletion_window_in_days(),
                window,
                "PendingDeletionWindowInDays of key {index}"
            );

            if model.kind == KeyKind::Symmetric && model.state != ModelKeyState::PendingDeletion {
                let status = sut
                    .emulator
                    .call(sut.client.get_key_rotation_status().key_id(&sut.key_ids[index]).send())
                    .expect("GetKeyRotationStatus");
                assert_eq!(status.key_rotation_enabled(), model.rotation_enabled, "rotation of key {index}");
            }
        }

        let output = sut.emulator.call(sut.client.list_aliases().limit(100).send()).expect("ListAliases");
        let listed: BTreeMap<String, Option<String>> = output
            .aliases()
            .iter()
            .filter_map(|entry| {
                let name = entry.alias_name()?;
                name.starts_with("alias/state-machine-")
                    .then(|| (name.to_owned(), entry.target_key_id().map(str::to_owned)))
            })
            .collect();
        let expected: BTreeMap<String, Option<String>> = ref_state
            .aliases
            .iter()
            .map(|(&alias, &key)| (alias_name(alias), Some(sut.key_ids[key].clone())))
            .collect();
        assert_eq!(listed, expected, "ListAliases names each alias with its current key");

        // ListAliases with KeyId lists only that key's aliases
        // (<https://docs.aws.amazon.com/kms/latest/APIReference/API_ListAliases.html>).
        for (index, key_id) in sut.key_ids.iter().enumerate() {
            let output = sut
                .emulator
                .call(sut.client.list_aliases().key_id(key_id).limit(100).send())
                .expect("ListAliases with KeyId");
            let listed: BTreeSet<String> =
                output.aliases().iter().filter_map(|entry| entry.alias_name().map(str::to_owned)).collect();
            let expected: BTreeSet<String> = ref_state
                .aliases
                .iter()
                .filter(|&(_, &key)| key == index)
                .map(|(&alias, _)| alias_name(alias))
                .collect();
            assert_eq!(listed, expected, "ListAliases with the KeyId of key {index}");
        }

        // DescribeKey through an alias describes the alias's current key, in any key state.
        for (&alias, &key) in &ref_state.aliases {
            let output = sut
                .emulator
                .call(sut.client.describe_key().key_id(alias_name(alias)).send())
                .expect("DescribeKey through an alias");
            let key_id = output.key_metadata().map(|metadata| metadata.key_id().to_owned());
            assert_eq!(key_id.as_deref(), Some(sut.key_ids[key].as_str()), "DescribeKey of alias {alias}");
        }
    }
}

impl KeySut {
    fn create_key(&mut self, kind: KeyKind) {
        let (spec, usage) = match kind {
            KeyKind::Symmetric => (KeySpec::SymmetricDefault, KeyUsageType::EncryptDecrypt),
            KeyKind::Rsa => (KeySpec::Rsa2048, KeyUsageType::EncryptDecrypt),
            KeyKind::Hmac => (KeySpec::Hmac256, KeyUsageType::GenerateVerifyMac),
        };
        let output = self
            .emulator
            .call(self.client.create_key().key_spec(spec).key_usage(usage).send())
            .unwrap_or_else(|error| panic!("CreateKey {kind:?}: {error:?}"));
        let metadata = output.key_metadata().expect("CreateKey returns KeyMetadata");
        assert_eq!(metadata.key_state(), Some(&KeyState::Enabled), "a new {kind:?} key is Enabled");
        let key_id = metadata.key_id().to_owned();

        let ciphertext = (kind != KeyKind::Hmac).then(|| {
            let mut request = self.client.encrypt().key_id(&key_id).plaintext(Blob::new(PLAINTEXT));
            if kind == KeyKind::Rsa {
                request = request.encryption_algorithm(EncryptionAlgorithmSpec::RsaesOaepSha256);
            }
            let output = self.emulator.call(request.send()).expect("Encrypt under a new key");
            output.ciphertext_blob.expect("Encrypt returns a CiphertextBlob")
        });
        self.key_ids.push(key_id);
        self.ciphertexts.push(ciphertext);
    }

    /// Encrypts with, or generates a MAC with, the key `reference` names and
    /// returns the outcome. The operation follows the kind of key the model
    /// resolves the reference to, and a missing alias gets Encrypt.
    fn use_key(&self, ref_state: &KeyModel, reference: KeyReference) -> String {
        let key_id = self.key_address(reference);
        let kind = ref_state.resolve(reference).map_or(KeyKind::Symmetric, |key| ref_state.keys[key].kind);
        match kind {
            KeyKind::Hmac => {
                let request = self
                    .client
                    .generate_mac()
                    .key_id(&key_id)
                    .message(Blob::new(PLAINTEXT))
                    .mac_algorithm(MacAlgorithmSpec::HmacSha256);
                common::outcome(&self.emulator.call(request.send()))
            }
            KeyKind::Symmetric | KeyKind::Rsa => {
                let mut request = self.client.encrypt().key_id(&key_id).plaintext(Blob::new(PLAINTEXT));
                if kind == KeyKind::Rsa {
                    request = request.encryption_algorithm(EncryptionAlgorithmSpec::RsaesOaepSha256);
                }
                let result = self.emulator.call(request.send());
                if let (Ok(output), Some(key)) = (&result, ref_state.resolve(reference)) {
                    assert_eq!(output.key_id(), Some(self.key_arn(key).as_str()), "Encrypt through {reference:?}");
                }
                common::outcome(&result)
            }
        }
    }

    fn decrypt(&self, ref_state: &KeyModel, key: usize, key_id: DecryptKeyId) -> String {
        let Some(ciphertext) = self.ciphertexts[key].clone() else {
            // An HMAC key has no ciphertext, so the model's cryptographic
            // outcome is checked through GenerateMac instead.
            return self.use_key(ref_state, KeyReference::Key(key));
        };
        let key_id = match key_id {
            DecryptKeyId::Omitted => None,
            DecryptKeyId::OwnKey => Some(self.key_ids[key].clone()),
            DecryptKeyId::Alias(alias) => Some(alias_name(alias)),
            DecryptKeyId::OtherKey(other) => Some(self.key_ids[other].clone()),
        };
        let mut request = self.client.decrypt().set_key_id(key_id).ciphertext_blob(ciphertext);
        if ref_state.keys[key].kind == KeyKind::Rsa {
            request = request.encryption_algorithm(EncryptionAlgorithmSpec::RsaesOaepSha256);
        }
        let result = self.emulator.call(request.send());
        if let Ok(output) = &result {
            assert_eq!(output.plaintext().map(Blob::as_ref), Some(PLAINTEXT), "Decrypt under key {key}");
            assert_eq!(output.key_id(), Some(self.key_arn(key).as_str()), "Decrypt names the key ARN of key {key}");
        }
        common::outcome(&result)
    }

    /// Re-encrypts key `key`'s ciphertext to `destination` and, when that
    /// succeeds, checks that the new ciphertext decrypts to the plaintext.
    fn re_encrypt(&self, ref_state: &KeyModel, key: usize, destination: KeyReference) -> String {
        let ciphertext = self.ciphertexts[key].clone().expect("a symmetric key has a ciphertext");
        let request =
            self.client.re_encrypt().ciphertext_blob(ciphertext).destination_key_id(self.key_address(destination));
        let result = self.emulator.call(request.send());
        let Ok(output) = &result else { return common::outcome(&result) };

        let target = ref_state.resolve(destination).expect("a successful ReEncrypt had a destination key");
        assert_eq!(output.source_key_id(), Some(self.key_arn(key).as_str()), "ReEncrypt SourceKeyId");
        assert_eq!(output.key_id(), Some(self.key_arn(target).as_str()), "ReEncrypt KeyId");
        let blob = output.ciphertext_blob().cloned().expect("ReEncrypt returns a CiphertextBlob");
        let decrypted =
            self.emulator.call(self.client.decrypt().ciphertext_blob(blob).send()).expect("Decrypt after ReEncrypt");
        assert_eq!(
            decrypted.key_id(),
            Some(self.key_arn(target).as_str()),
            "the re-encrypted ciphertext names key {target}"
        );
        assert_eq!(decrypted.plaintext().map(Blob::as_ref), Some(PLAINTEXT), "the re-encrypted plaintext");
        "ok".to_owned()
    }

    /// Returns the `KeyId` value that names `reference`.
    fn key_address(&self, reference: KeyReference) -> String {
        match reference {
            KeyReference::Key(key) => self.key_ids[key].clone(),
            KeyReference::KeyArn(key) => self.key_arn(key),
            KeyReference::Alias(alias) => alias_name(alias),
            KeyReference::AliasArn(alias) => {
                format!("arn:aws:kms:{}:{}:{}", common::REGION, common::ACCOUNT, alias_name(alias))
            }
        }
    }

    fn key_arn(&self, key: usize) -> String {
        format!("arn:aws:kms:{}:{}:key/{}", common::REGION, common::ACCOUNT, self.key_ids[key])
    }
}

prop_state_machine! {
    #![proptest_config(common::proptest_config(48, 0x6b6d73, "tests/state_machines/proptest-regressions/kms.txt"))]

    #[test]
    fn key_states_and_aliases(sequential 5..40 => KeySut);
}
