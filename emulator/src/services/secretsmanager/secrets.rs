//! Secret management: CreateSecret, DescribeSecret, UpdateSecret,
//! DeleteSecret, RestoreSecret, ListSecrets, TagResource and UntagResource.
//!
//! A ClientRequestToken becomes the new version's id. Repeating it with the
//! same value changes nothing, and with another value fails, because a
//! version never changes
//! (<https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/secretsmanager/aws.sdk.kotlin.services.secretsmanager.model/-create-secret-request/client-request-token.html>).

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore as _;
use rand::distr::{Alphanumeric, SampleString};
use rand::rngs::OsRng;

use super::model::{
    CreateSecretInput, DeleteSecretInput, DescribeSecretOutput, Empty, Filter, ListSecretsInput, ListSecretsOutput,
    SecretIdInput, SecretIdOutput, SecretListEntry, SecretMetadata, SecretVersionOutput, Tag, TagResourceInput,
    UntagResourceInput, UpdateSecretInput,
};
use super::secret::{AWSCURRENT, AWSPREVIOUS, Secret, SecretState};
use super::{SecretValue, SecretsManager, errors, now, request_token, secret_value};
use crate::arn::{SECRET_SUFFIX_LEN, format_secret_arn};
use crate::error::AwsResult;
use crate::http::RequestContext;
use crate::services::kms::service_use::ServiceCiphertext;

/// The maximum secret name length, in characters.
const MAX_NAME: usize = 512;
/// The maximum description length, in characters.
const MAX_DESCRIPTION: usize = 2048;
/// The maximum KmsKeyId length, in characters.
const MAX_KMS_KEY_ID: usize = 2048;
/// The maximum number of tags on one secret.
const MAX_TAGS: usize = 50;
/// Seconds in a day.
const DAY: f64 = 86_400.0;
/// The filter keys ListSecrets and BatchGetSecretValue accept.
const FILTER_KEYS: [&str; 7] =
    ["description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"];
/// The staging labels whose versions UpdateSecret re-encrypts under a new KMS key
/// (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_update-encryption-key.html>).
const REENCRYPTED_STAGES: [&str; 3] = [AWSCURRENT, "AWSPENDING", AWSPREVIOUS];
/// The prefix of the NextToken values the emulator returns.
pub const TOKEN_PREFIX: &str = "ccsm1.";
/// The prefix of the NextToken values of ListSecrets pages sorted by SortBy.
const OFFSET_TOKEN_PREFIX: &str = "ccsm1.offset.";

/// Checks a secret name: 1 to 512 ASCII letters, digits and `/_+=.@-`.
fn check_name(name: &str) -> AwsResult<()> {
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME {
        return Err(errors::validation(
            "name",
            &format!("Member must have length between 1 and {MAX_NAME} (the value has {length} characters)"),
        ));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+=.@-".contains(&b)) {
        return Err(errors::invalid_parameter(format!(
            "Invalid name {name:?}. A secret name contains only ASCII letters, digits and the characters /_+=.@-"
        )));
    }
    Ok(())
}

/// Checks that an optional string `member` has at most `max` characters.
fn check_max_length(member: &str, value: Option<&str>, max: usize) -> AwsResult<()> {
    let length = value.map_or(0, |text| text.chars().count());
    if length > max {
        return Err(errors::validation(
            member,
            &format!("Member must have length less than or equal to {max} (the value has {length} characters)"),
        ));
    }
    Ok(())
}

/// Checks tags against Secrets Manager's limits: keys of 1 to 128
/// characters without the `aws:` prefix, values of at most 256.
fn check_tags(tags: &[Tag]) -> AwsResult<()> {
    for tag in tags {
        if tag.key.is_empty() || tag.key.chars().count() > 128 {
            return Err(errors::invalid_parameter(format!("Tag key {:?} must have 1 to 128 characters.", tag.key)));
        }
        if tag.key.starts_with("aws:") {
            return Err(errors::invalid_parameter(format!("Tag key {} uses the reserved prefix aws:.", tag.key)));
        }
        if tag.value.chars().count() > 256 {
            return Err(errors::invalid_parameter(format!(
                "The value of tag {} has more than 256 characters.",
                tag.key
            )));
        }
    }
    Ok(())
}

/// Sets `tags` on `current`, replacing the value of a key that is already there.
fn merge_tags(current: &[Tag], tags: Vec<Tag>) -> Vec<Tag> {
    let mut merged = current.to_vec();
    for tag in tags {
        match merged.iter_mut().find(|existing| existing.key == tag.key) {
            Some(existing) => existing.value = tag.value,
            None => merged.push(tag),
        }
    }
    merged
}

/// Makes the six random letters and digits of a new secret's ARN, from the OS's random number generator.
fn random_suffix() -> String {
    Alphanumeric.sample_string(&mut OsRng.unwrap_err(), SECRET_SUFFIX_LEN)
}

/// Reads MaxResults: 1 to `max`, `max` by default.
pub fn page_size(max_results: Option<i64>, max: i64) -> AwsResult<usize> {
    let value = max_results.unwrap_or(max);
    if !(1..=max).contains(&value) {
        return Err(errors::validation(
            "maxResults",
            &format!("Member must have value between 1 and {max} (the value is {value})"),
        ));
    }
    usize::try_from(value).map_err(|_| errors::invalid_parameter(format!("MaxResults {value} is not valid.")))
}

/// Formats a NextToken that resumes after sequence number `sequence`.
pub fn next_token(sequence: u64) -> String {
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(sequence.to_string()))
}

/// Reads a NextToken back into the sequence number it resumes after.
pub fn parse_next_token(token: &str) -> AwsResult<u64> {
    decode_token(token, TOKEN_PREFIX)
}

/// Reads the number that a NextToken starting with `prefix` encodes.
fn decode_token<T: std::str::FromStr>(token: &str, prefix: &str) -> AwsResult<T> {
    token
        .strip_prefix(prefix)
        .and_then(|encoded| URL_SAFE_NO_PAD.decode(encoded).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| errors::invalid_next_token(token))
}

/// A ListSecrets SortBy other than the default `created-date`.
#[derive(Debug, Clone, Copy)]
enum SortKey {
    Name,
    LastChangedDate,
    LastAccessedDate,
}

/// Formats the NextToken of a sorted ListSecrets page that resumes at `offset`.
fn offset_token(offset: usize) -> String {
    format!("{OFFSET_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(offset.to_string()))
}

/// Reads a sorted ListSecrets NextToken back into its offset.
fn parse_offset_token(token: &str) -> AwsResult<usize> {
    decode_token(token, OFFSET_TOKEN_PREFIX)
}

/// Checks ListSecrets and BatchGetSecretValue filters: known keys, and 1 to
/// 10 values of at most 512 characters from the documented character set
/// (<https://docs.aws.amazon.com/goto/WebAPI/secretsmanager-2017-10-17/Filter>).
pub fn check_filters(filters: &[Filter]) -> AwsResult<()> {
    if filters.len() > 10 {
        return Err(errors::validation(
            "filters",
            &format!("Member must have length less than or equal to 10 (the value has {} filters)", filters.len()),
        ));
    }
    for (index, filter) in filters.iter().enumerate() {
        let member = format!("filters.{}.member.key", index + 1);
        let key = filter.key.as_deref().ok_or_else(|| errors::missing(&member))?;
        if !FILTER_KEYS.contains(&key) {
            return Err(errors::validation(
                &member,
                &format!("Member must satisfy enum value set: [{}] (the value is {key:?})", FILTER_KEYS.join(", ")),
            ));
        }
        if filter.values.is_empty() || filter.values.len() > 10 {
            return Err(errors::invalid_parameter(format!(
                "Filter {key} has {} values; a filter needs 1 to 10 values.",
                filter.values.len()
            )));
        }
        for value in &filter.values {
            let allowed = |c: char| c.is_ascii_alphanumeric() || " :_@/+=.-!".contains(c);
            if value.chars().count() > 512 || !value.chars().all(allowed) {
                return Err(errors::validation(
                    &format!("filters.{}.member.values", index + 1),
                    &format!(
                        "Member must have at most 512 letters, digits, spaces and the characters :_@/+=.-! \
                         (the value is {value:?})"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Splits an attribute into the words the `all` filter matches: the whole
/// attribute and its parts between characters other than letters and digits.
fn words(attribute: &str) -> impl Iterator<Item = &str> {
    std::iter::once(attribute).chain(attribute.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()))
}

/// Reports whether a case-insensitive prefix `prefix` starts `text`.
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Reports whether `secret` matches every filter. A filter matches when any
/// of its values does, and a leading `!` negates a value. Each key matches
/// as documented: a prefix, case-sensitive except for `description`, and
/// for `all` every word of the value as a case-insensitive prefix of a word
/// of the name, description, tag keys or tag values.
///
/// NOTE: how AWS splits attributes into words for `all` is not documented;
/// the emulator splits at characters other than letters and digits.
pub fn matches_filters(secret: &Secret, state: &SecretState, filters: &[Filter]) -> bool {
    let description = state.description.as_deref();
    let tag_keys = || state.tags.iter().map(|tag| tag.key.as_str());
    let tag_values = || state.tags.iter().map(|tag| tag.value.as_str());
    filters.iter().all(|filter| {
        let key = filter.key.as_deref().unwrap_or_default();
        let matches = |value: &str| -> bool {
            match key {
                "name" => secret.name.starts_with(value),
                "description" => description.is_some_and(|text| starts_with_ignore_case(text, value)),
                "tag-key" => tag_keys().any(|tag_key| tag_key.starts_with(value)),
                "tag-value" => tag_values().any(|tag_value| tag_value.starts_with(value)),
                "primary-region" => secret.namespace.region.starts_with(value),
                "all" => value.split_whitespace().all(|word| {
                    std::iter::once(secret.name.as_str())
                        .chain(description)
                        .chain(tag_keys())
                        .chain(tag_values())
                        .flat_map(words)
                        .any(|attribute_word| starts_with_ignore_case(attribute_word, word))
                }),
                // owning-service: no secret of the emulator is managed by another service.
                _ => false,
            }
        };
        filter.values.iter().any(|value| match value.strip_prefix('!') {
            Some(negated) => !matches(negated),
            None => matches(value),
        })
    })
}

/// Builds the metadata DescribeSecret and ListSecrets return. Rotation is
/// not modelled, so RotationEnabled is always false.
fn secret_metadata(secret: &Secret, state: &SecretState) -> SecretMetadata {
    SecretMetadata {
        arn: secret.arn.clone(),
        name: secret.name.clone(),
        description: state.description.clone(),
        kms_key_id: state.kms_key_id.clone(),
        rotation_enabled: false,
        created_date: secret.created_date,
        last_changed_date: state.last_changed_date,
        last_accessed_date: state.last_accessed_date,
        deleted_date: state.deletion_date,
        tags: state.tags.clone(),
    }
}

impl SecretsManager {
    pub(super) fn create_secret(
        &self,
        context: &RequestContext,
        input: CreateSecretInput,
    ) -> AwsResult<SecretVersionOutput> {
        let name = input.name.ok_or_else(|| errors::missing("name"))?;
        check_name(&name)?;
        let value = secret_value(input.secret_string, input.secret_binary)?;
        let token = request_token(input.client_request_token)?;
        check_max_length("description", input.description.as_deref(), MAX_DESCRIPTION)?;
        check_max_length("kmsKeyId", input.kms_key_id.as_deref(), MAX_KMS_KEY_ID)?;
        check_tags(&input.tags)?;
        if input.tags.len() > MAX_TAGS {
            return Err(errors::limit_exceeded(format!(
                "A secret can have at most {MAX_TAGS} tags, not {}.",
                input.tags.len()
            )));
        }
        // NOTE: replication to other regions is not modelled.
        if !input.add_replica_regions.is_empty() {
            return Err(errors::invalid_parameter(
                "AddReplicaRegions is not supported by the emulator: it models no replica secrets.",
            ));
        }

        let namespace = Self::caller_namespace(context);
        let registry = self.namespaces.get_or_create(&namespace);
        let created = now();
        if let Some(existing) = registry.by_name(&name, created) {
            return repeated_create(&existing, &token, value.as_ref());
        }

        let arn = format_secret_arn(&namespace, &name, &random_suffix());
        let state = SecretState {
            description: input.description,
            // An empty KmsKeyId selects the AWS managed key.
            kms_key_id: input.kms_key_id.filter(|key_id| !key_id.is_empty()),
            tags: merge_tags(&[], input.tags),
            last_changed_date: created,
            ..SecretState::default()
        };
        let secret = Secret::new(name.clone(), arn.clone(), namespace, created, registry.next_sequence(), state);
        if let Some(value) = &value {
            let mut state = secret.state();
            let sequence = state.next_sequence();
            let key_address = state.kms_key_id.clone();
            let version = self.new_version(context, &secret, token.clone(), key_address.as_deref(), value, sequence)?;
            state.add_version(version, &[AWSCURRENT.to_owned()]);
        }
        if let Err(existing) = registry.insert(Arc::new(secret)) {
            return repeated_create(&existing, &token, value.as_ref());
        }
        Ok(SecretVersionOutput { arn, name, version_id: value.is_some().then_some(token), version_stages: None })
    }

    pub(super) fn describe_secret(
        &self,
        context: &RequestContext,
        input: SecretIdInput,
    ) -> AwsResult<DescribeSecretOutput> {
        let secret = self.resolve(context, input.secret_id.as_deref(), "DescribeSecret")?;
        let state = secret.state();
        Ok(DescribeSecretOutput {
            metadata: secret_metadata(&secret, &state),
            version_ids_to_stages: state.version_stages(),
        })
    }

    pub(super) fn update_secret(
        &self,
        context: &RequestContext,
        input: UpdateSecretInput,
    ) -> AwsResult<SecretVersionOutput> {
        let value = secret_value(input.secret_string, input.secret_binary)?;
        let token = request_token(input.client_request_token)?;
        check_max_length("description", input.description.as_deref(), MAX_DESCRIPTION)?;
        check_max_length("kmsKeyId", input.kms_key_id.as_deref(), MAX_KMS_KEY_ID)?;
        // An empty KmsKeyId selects the AWS managed key.
        let key_change: Option<Option<String>> = input.kms_key_id.map(|key_id| (!key_id.is_empty()).then_some(key_id));
        let secret = self.resolve(context, input.secret_id.as_deref(), "UpdateSecret")?;

        let mut state = secret.state();
        if state.deletion_date.is_some() {
            return Err(errors::marked_for_deletion(&secret.arn));
        }
        let key_address = key_change.clone().unwrap_or_else(|| state.kms_key_id.clone());

        // Every encryption runs before the state changes, so a key that
        // cannot encrypt leaves the secret as it was.
        let mut new_version = None;
        if let Some(value) = &value {
            if let Some(existing) = state.versions.get(&token) {
                return repeated_version(&secret, existing.digest, &existing.stages, &token, value);
            }
            let sequence = state.next_version_sequence + 1;
            new_version =
                Some(self.new_version(context, &secret, token.clone(), key_address.as_deref(), value, sequence)?);
        }
        let reencrypted = match &key_change {
            Some(_) => {
                self.reencrypt_labelled(context, &secret, &state, key_address.as_deref(), new_version.is_some())?
            }
            None => Vec::new(),
        };

        for (version_id, ciphertext) in reencrypted {
            if let Some(version) = state.versions.get_mut(&version_id) {
                version.encryptions.insert(0, ciphertext);
            }
        }
        let version_id = new_version.as_ref().map(|version| version.version_id.clone());
        if let Some(version) = new_version {
            state.next_sequence();
            state.add_version(version, &[AWSCURRENT.to_owned()]);
        }
        if let Some(description) = input.description {
            state.description = Some(description);
        }
        if let Some(kms_key_id) = key_change {
            state.kms_key_id = kms_key_id;
        }
        state.last_changed_date = now();
        Ok(SecretVersionOutput { arn: secret.arn.clone(), name: secret.name.clone(), version_id, version_stages: None })
    }

    /// Encrypts the values of the versions labelled `AWSCURRENT`,
    /// `AWSPENDING` or `AWSPREVIOUS` under `key_address` and returns the new
    /// encryptions by version id. A version the caller cannot decrypt keeps
    /// its old encryption only, as AWS does without `kms:Decrypt` on the old
    /// key. A key that cannot encrypt fails the request. When nothing else
    /// shows that the key can encrypt, a one-byte value checks it.
    ///
    /// NOTE: that AWS rejects a key that cannot encrypt when the secret has
    /// no labelled version is assumed.
    fn reencrypt_labelled(
        &self,
        context: &RequestContext,
        secret: &Secret,
        state: &SecretState,
        key_address: Option<&str>,
        key_checked: bool,
    ) -> AwsResult<Vec<(String, ServiceCiphertext)>> {
        let labelled = state
            .versions
            .values()
            .filter(|version| version.stages.iter().any(|stage| REENCRYPTED_STAGES.contains(&stage.as_str())));
        let mut reencrypted = Vec::new();
        for version in labelled {
            let Ok(value) = self.decrypt_value(context, secret, version) else {
                continue;
            };
            let ciphertext =
                self.encrypt_value(context, &secret.namespace, &secret.arn, &version.version_id, key_address, &value)?;
            reencrypted.push((version.version_id.clone(), ciphertext));
        }
        if reencrypted.is_empty() && !key_checked {
            let probe = SecretValue::Binary(vec![0]);
            self.encrypt_value(context, &secret.namespace, &secret.arn, "key-check", key_address, &probe)?;
        }
        Ok(reencrypted)
    }

    pub(super) fn delete_secret(
        &self,
        context: &RequestContext,
        input: DeleteSecretInput,
    ) -> AwsResult<super::model::DeleteSecretOutput> {
        let force = input.force_delete_without_recovery.unwrap_or(false);
        if force && input.recovery_window_in_days.is_some() {
            return Err(errors::invalid_parameter(
                "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
            ));
        }
        let days = input.recovery_window_in_days.unwrap_or(30);
        if !(7..=30).contains(&days) {
            return Err(errors::invalid_parameter(format!(
                "RecoveryWindowInDays {days} is not valid: it must be between 7 and 30."
            )));
        }
        let secret = self.resolve(context, input.secret_id.as_deref(), "DeleteSecret")?;

        let deleted = now();
        if force {
            if let Some(registry) = self.namespaces.get(&secret.namespace) {
                registry.remove(&secret);
            }
            secret.state().deletion_date = Some(deleted);
            return Ok(super::model::DeleteSecretOutput {
                arn: secret.arn.clone(),
                name: secret.name.clone(),
                deletion_date: deleted,
            });
        }

        let mut state = secret.state();
        // NOTE: AWS allows a forced deletion of a scheduled secret; that a
        // second scheduled deletion fails is assumed.
        if state.deletion_date.is_some() {
            return Err(errors::marked_for_deletion(&secret.arn));
        }
        #[allow(clippy::cast_precision_loss)] // at most 30 days
        let deletion_date = deleted + days as f64 * DAY;
        state.deletion_date = Some(deletion_date);
        Ok(super::model::DeleteSecretOutput { arn: secret.arn.clone(), name: secret.name.clone(), deletion_date })
    }

    pub(super) fn restore_secret(&self, context: &RequestContext, input: SecretIdInput) -> AwsResult<SecretIdOutput> {
        let secret = self.resolve(context, input.secret_id.as_deref(), "RestoreSecret")?;
        let mut state = secret.state();
        state.deletion_date = None;
        state.last_changed_date = now();
        Ok(SecretIdOutput { arn: secret.arn.clone(), name: secret.name.clone() })
    }

    pub(super) fn list_secrets(
        &self,
        context: &RequestContext,
        input: ListSecretsInput,
    ) -> AwsResult<ListSecretsOutput> {
        let limit = page_size(input.max_results, 100)?;
        check_filters(&input.filters)?;
        let descending = match input.sort_order.as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(errors::validation(
                    "sortOrder",
                    &format!("Member must satisfy enum value set: [asc, desc] (the value is {other:?})"),
                ));
            }
        };
        let sort_key = match input.sort_by.as_deref() {
            None | Some("created-date") => None,
            Some("name") => Some(SortKey::Name),
            Some("last-changed-date") => Some(SortKey::LastChangedDate),
            Some("last-accessed-date") => Some(SortKey::LastAccessedDate),
            Some(other) => {
                return Err(errors::validation(
                    "sortBy",
                    &format!(
                        "Member must satisfy enum value set: [created-date, last-accessed-date, last-changed-date, \
                         name] (the value is {other:?})"
                    ),
                ));
            }
        };
        let include_deleted = input.include_planned_deletion.unwrap_or(false);
        if let Some(sort_key) = sort_key {
            return self.list_secrets_sorted(context, &input, sort_key, descending, limit, include_deleted);
        }
        let after = input.next_token.as_deref().map(parse_next_token).transpose()?;

        let Some(registry) = self.namespaces.get(&Self::caller_namespace(context)) else {
            return Ok(ListSecretsOutput { secret_list: Vec::new(), next_token: None });
        };
        let mut secrets = registry.all(now());
        if descending {
            secrets.reverse();
        }
        let mut page = Vec::new();
        let mut last_sequence = None;
        let mut truncated = false;
        for secret in secrets {
            let past_token =
                after.is_none_or(|after| if descending { secret.sequence < after } else { secret.sequence > after });
            if !past_token {
                continue;
            }
            let state = secret.state();
            if (state.deletion_date.is_some() && !include_deleted) || !matches_filters(&secret, &state, &input.filters)
            {
                continue;
            }
            if page.len() == limit {
                truncated = true;
                break;
            }
            last_sequence = Some(secret.sequence);
            page.push(SecretListEntry {
                metadata: secret_metadata(&secret, &state),
                secret_versions_to_stages: state.version_stages(),
            });
        }
        let next_token = if truncated { last_sequence.map(next_token) } else { None };
        Ok(ListSecretsOutput { secret_list: page, next_token })
    }

    /// Lists the caller's secrets ordered by `sort_key`, ties broken by
    /// creation. The NextToken is an offset into that order, because the
    /// dates a secret is sorted by change between pages.
    fn list_secrets_sorted(
        &self,
        context: &RequestContext,
        input: &ListSecretsInput,
        sort_key: SortKey,
        descending: bool,
        limit: usize,
        include_deleted: bool,
    ) -> AwsResult<ListSecretsOutput> {
        let offset = input.next_token.as_deref().map(parse_offset_token).transpose()?.unwrap_or(0);
        let Some(registry) = self.namespaces.get(&Self::caller_namespace(context)) else {
            return Ok(ListSecretsOutput { secret_list: Vec::new(), next_token: None });
        };
        let mut entries: Vec<(u64, SecretListEntry)> = registry
            .all(now())
            .iter()
            .filter_map(|secret| {
                let state = secret.state();
                let listed = (state.deletion_date.is_none() || include_deleted)
                    && matches_filters(secret, &state, &input.filters);
                listed.then(|| {
                    let entry = SecretListEntry {
                        metadata: secret_metadata(secret, &state),
                        secret_versions_to_stages: state.version_stages(),
                    };
                    (secret.sequence, entry)
                })
            })
            .collect();
        entries.sort_by(|(a_sequence, a), (b_sequence, b)| {
            let (a, b) = (&a.metadata, &b.metadata);
            let order = match sort_key {
                SortKey::Name => a.name.cmp(&b.name),
                SortKey::LastChangedDate => a.last_changed_date.total_cmp(&b.last_changed_date),
                SortKey::LastAccessedDate => {
                    a.last_accessed_date.unwrap_or(0.0).total_cmp(&b.last_accessed_date.unwrap_or(0.0))
                }
            };
            order.then(a_sequence.cmp(b_sequence))
        });
        if descending {
            entries.reverse();
        }
        let truncated = entries.len() > offset.saturating_add(limit);
        let secret_list = entries.into_iter().skip(offset).take(limit).map(|(_, entry)| entry).collect();
        let next_token = truncated.then(|| offset_token(offset + limit));
        Ok(ListSecretsOutput { secret_list, next_token })
    }

    pub(super) fn tag_resource(&self, context: &RequestContext, input: TagResourceInput) -> AwsResult<Empty> {
        let tags = input.tags.ok_or_else(|| errors::missing("tags"))?;
        check_tags(&tags)?;
        let secret = self.resolve(context, input.secret_id.as_deref(), "TagResource")?;
        let mut state = secret.state();
        let merged = merge_tags(&state.tags, tags);
        if merged.len() > MAX_TAGS {
            return Err(errors::limit_exceeded(format!(
                "A secret can have at most {MAX_TAGS} tags, not {}.",
                merged.len()
            )));
        }
        state.tags = merged;
        Ok(Empty {})
    }

    pub(super) fn untag_resource(&self, context: &RequestContext, input: UntagResourceInput) -> AwsResult<Empty> {
        let tag_keys = input.tag_keys.ok_or_else(|| errors::missing("tagKeys"))?;
        if let Some(key) = tag_keys.iter().find(|key| key.is_empty() || key.chars().count() > 128) {
            return Err(errors::validation(
                "tagKeys",
                &format!(
                    "Member must have length between 1 and 128 (the key {key:?} has {} characters)",
                    key.chars().count()
                ),
            ));
        }
        let secret = self.resolve(context, input.secret_id.as_deref(), "UntagResource")?;
        secret.state().tags.retain(|tag| !tag_keys.contains(&tag.key));
        Ok(Empty {})
    }
}

/// Returns CreateSecret's result for a name that exists: the same ClientRequestToken
/// with the same value returns the first result, anything else is ResourceExistsException.
fn repeated_create(existing: &Secret, token: &str, value: Option<&SecretValue>) -> AwsResult<SecretVersionOutput> {
    let state = existing.state();
    if state.deletion_date.is_some() {
        return Err(errors::name_scheduled_for_deletion(&existing.name));
    }
    match (state.versions.get(token), value) {
        (Some(version), Some(value)) => repeated_version(existing, version.digest, &version.stages, token, value),
        _ => Err(errors::resource_exists(format!(
            "The operation failed because the secret {} already exists.",
            existing.name
        ))),
    }
}

/// Returns the result of a request whose ClientRequestToken names an existing version:
/// the same value returns that version, another value is ResourceExistsException
/// (<https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/secretsmanager/aws.sdk.kotlin.services.secretsmanager.model/-put-secret-value-request/client-request-token.html>).
pub fn repeated_version(
    secret: &Secret,
    digest: [u8; 32],
    stages: &[String],
    token: &str,
    value: &SecretValue,
) -> AwsResult<SecretVersionOutput> {
    if digest != value.digest() {
        return Err(errors::resource_exists(format!(
            "Version {token} of secret {} already exists with another value. You can't modify an existing version; \
             use a new ClientRequestToken to create a new version.",
            secret.arn
        )));
    }
    Ok(SecretVersionOutput {
        arn: secret.arn.clone(),
        name: secret.name.clone(),
        version_id: Some(token.to_owned()),
        version_stages: Some(stages.to_vec()),
    })
}
