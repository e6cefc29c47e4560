//! Secret values and versions: GetSecretValue, BatchGetSecretValue,
//! PutSecretValue, UpdateSecretVersionStage and ListSecretVersionIds.
//!
//! GetSecretValue returns the `AWSCURRENT` version unless the request names
//! a VersionId or a VersionStage. With both, they must name the same version.
//! PutSecretValue's new version gets `AWSCURRENT` unless VersionStages lists
//! other labels and the secret already has a version, and the version that
//! was current gets `AWSPREVIOUS`
//! (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html>).

use super::model::{
    ApiErrorType, BatchGetSecretValueInput, BatchGetSecretValueOutput, Filter, GetSecretValueInput,
    GetSecretValueOutput, ListSecretVersionIdsInput, ListSecretVersionIdsOutput, PutSecretValueInput, SecretIdOutput,
    SecretVersionOutput, SecretVersionsListEntry, UpdateSecretVersionStageInput,
};
use super::secret::{AWSCURRENT, MAX_LABELS, Secret, Version};
use super::secrets::{check_filters, matches_filters, next_token, page_size, parse_next_token, repeated_version};
use super::{SecretsManager, errors, now, request_token, secret_value};
use crate::error::AwsResult;
use crate::http::RequestContext;

/// The maximum number of staging labels on one version.
const MAX_STAGES: usize = 20;
/// The maximum staging label length, in characters.
const MAX_STAGE: usize = 256;
/// The maximum number of secrets one BatchGetSecretValue call reads.
const MAX_BATCH: usize = 20;
/// Seconds in a day; LastAccessedDate is rounded down to a day.
const DAY: f64 = 86_400.0;

/// Checks one staging label: 1 to 256 characters.
fn check_stage(member: &str, stage: &str) -> AwsResult<()> {
    let length = stage.chars().count();
    if length == 0 || length > MAX_STAGE {
        return Err(errors::validation(
            member,
            &format!("Member must have length between 1 and {MAX_STAGE} (the value {stage:?} has {length} characters)"),
        ));
    }
    Ok(())
}

/// Checks a version id given in a request: 32 to 64 characters.
fn check_version_id(member: &str, version_id: &str) -> AwsResult<()> {
    let length = version_id.chars().count();
    if !(32..=64).contains(&length) {
        return Err(errors::validation(
            member,
            &format!("Member must have length between 32 and 64 (the value {version_id:?} has {length} characters)"),
        ));
    }
    Ok(())
}

/// Records one secret BatchGetSecretValue could not read, for its Errors list.
fn batch_error(context: &RequestContext, secret_id: String, error: crate::error::AwsError) -> ApiErrorType {
    tracing::debug!(
        account = %context.caller.account_id,
        region = %context.caller.region,
        secret_id = %secret_id,
        code = %error.code,
        "BatchGetSecretValue could not read a secret"
    );
    ApiErrorType { secret_id, error_code: error.code.into_owned(), message: error.message }
}

impl SecretsManager {
    pub(super) fn get_secret_value(
        &self,
        context: &RequestContext,
        input: GetSecretValueInput,
    ) -> AwsResult<GetSecretValueOutput> {
        if let Some(version_id) = &input.version_id {
            check_version_id("versionId", version_id)?;
        }
        if let Some(stage) = &input.version_stage {
            check_stage("versionStage", stage)?;
        }
        let secret = self.resolve(context, input.secret_id.as_deref(), "GetSecretValue")?;
        self.read_value(context, &secret, input.version_id.as_deref(), input.version_stage.as_deref())
    }

    /// Reads and decrypts one version of `secret`, which the caller may already read.
    fn read_value(
        &self,
        context: &RequestContext,
        secret: &Secret,
        version_id: Option<&str>,
        version_stage: Option<&str>,
    ) -> AwsResult<GetSecretValueOutput> {
        let mut state = secret.state();
        if state.deletion_date.is_some() {
            return Err(errors::marked_for_deletion(&secret.arn));
        }
        let version: Version = match (version_id, version_stage) {
            (Some(version_id), stage) => {
                let version = state
                    .versions
                    .get(version_id)
                    .ok_or_else(|| errors::version_not_found(&secret.arn, &format!("VersionId {version_id}")))?;
                if let Some(stage) = stage
                    && !version.stages.iter().any(|held| held == stage)
                {
                    return Err(errors::version_not_found(
                        &secret.arn,
                        &format!("VersionId {version_id} with staging label {stage}"),
                    ));
                }
                version.clone()
            }
            (None, stage) => {
                let stage = stage.unwrap_or(AWSCURRENT);
                state
                    .version_with_stage(stage)
                    .cloned()
                    .ok_or_else(|| errors::version_not_found(&secret.arn, &format!("staging label {stage}")))?
            }
        };
        let value = self.decrypt_value(context, secret, &version)?;

        let accessed = (now() / DAY).floor() * DAY;
        state.last_accessed_date = Some(accessed);
        if let Some(stored) = state.versions.get_mut(&version.version_id) {
            stored.last_accessed_date = Some(accessed);
        }
        let (secret_string, secret_binary) = value.into_members();
        Ok(GetSecretValueOutput {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
            version_id: version.version_id,
            secret_binary,
            secret_string,
            version_stages: version.stages,
            created_date: version.created_date,
        })
    }

    /// Reads several secrets' current values. A secret that cannot be read is
    /// listed in Errors; the other secrets are still returned.
    pub(super) fn batch_get_secret_value(
        &self,
        context: &RequestContext,
        input: BatchGetSecretValueInput,
    ) -> AwsResult<BatchGetSecretValueOutput> {
        match (&input.secret_id_list, &input.filters) {
            (Some(_), Some(_)) => {
                return Err(errors::invalid_parameter("Specify either SecretIdList or Filters, not both."));
            }
            (None, None) => return Err(errors::invalid_parameter("Specify either SecretIdList or Filters.")),
            _ => {}
        }

        if let Some(secret_ids) = input.secret_id_list {
            if input.max_results.is_some() || input.next_token.is_some() {
                return Err(errors::invalid_parameter(
                    "MaxResults and NextToken apply only with Filters, not with SecretIdList.",
                ));
            }
            if secret_ids.is_empty() || secret_ids.len() > MAX_BATCH {
                return Err(errors::validation(
                    "secretIdList",
                    &format!(
                        "Member must have length between 1 and {MAX_BATCH} (the value has {} ids)",
                        secret_ids.len()
                    ),
                ));
            }
            let mut output =
                BatchGetSecretValueOutput { secret_values: Vec::new(), errors: Vec::new(), next_token: None };
            for secret_id in secret_ids {
                // BatchGetSecretValue acts in the caller's namespace; each
                // secret then needs secretsmanager:GetSecretValue.
                let read = self
                    .find(context, &secret_id, "BatchGetSecretValue")
                    .and_then(|secret| self.authorize(context, &secret, "GetSecretValue").map(|()| secret))
                    .and_then(|secret| self.read_value(context, &secret, None, None));
                match read {
                    Ok(value) => output.secret_values.push(value),
                    Err(error) => output.errors.push(batch_error(context, secret_id, error)),
                }
            }
            return Ok(output);
        }

        let filters: Vec<Filter> = input.filters.unwrap_or_default();
        check_filters(&filters)?;
        let limit = page_size(input.max_results, MAX_BATCH as i64)?;
        let after = input.next_token.as_deref().map(parse_next_token).transpose()?;
        let mut output = BatchGetSecretValueOutput { secret_values: Vec::new(), errors: Vec::new(), next_token: None };
        let Some(registry) = self.namespaces.get(&Self::caller_namespace(context)) else {
            return Ok(output);
        };
        let mut count = 0;
        let mut last_sequence = None;
        for secret in registry.all(now()) {
            if after.is_some_and(|after| secret.sequence <= after) {
                continue;
            }
            let listed = {
                let state = secret.state();
                state.deletion_date.is_none() && matches_filters(&secret, &state, &filters)
            };
            if !listed {
                continue;
            }
            if count == limit {
                output.next_token = last_sequence.map(next_token);
                break;
            }
            count += 1;
            last_sequence = Some(secret.sequence);
            let read = self
                .authorize(context, &secret, "GetSecretValue")
                .and_then(|()| self.read_value(context, &secret, None, None));
            match read {
                Ok(value) => output.secret_values.push(value),
                Err(error) => output.errors.push(batch_error(context, secret.arn.clone(), error)),
            }
        }
        Ok(output)
    }

    pub(super) fn put_secret_value(
        &self,
        context: &RequestContext,
        input: PutSecretValueInput,
    ) -> AwsResult<SecretVersionOutput> {
        let value = secret_value(input.secret_string, input.secret_binary)?
            .ok_or_else(|| errors::invalid_parameter("You must provide either SecretString or SecretBinary."))?;
        let token = request_token(input.client_request_token)?;
        let mut stages = input.version_stages.unwrap_or_else(|| vec![AWSCURRENT.to_owned()]);
        if stages.is_empty() || stages.len() > MAX_STAGES {
            return Err(errors::validation(
                "versionStages",
                &format!("Member must have length between 1 and {MAX_STAGES} (the value has {} labels)", stages.len()),
            ));
        }
        for stage in &stages {
            check_stage("versionStages", stage)?;
        }
        // A label is on a version or not, so a repeated label counts once.
        let mut seen = std::collections::HashSet::new();
        stages.retain(|stage| seen.insert(stage.clone()));
        let secret = self.resolve(context, input.secret_id.as_deref(), "PutSecretValue")?;

        let mut state = secret.state();
        if state.deletion_date.is_some() {
            return Err(errors::marked_for_deletion(&secret.arn));
        }
        if let Some(existing) = state.versions.get(&token) {
            return repeated_version(&secret, existing.digest, &existing.stages, &token, &value);
        }
        // The first version of a secret always gets AWSCURRENT, whatever VersionStages lists.
        if state.versions.is_empty() && !stages.iter().any(|stage| stage == AWSCURRENT) {
            stages.push(AWSCURRENT.to_owned());
        }
        if let Some(stage) = state.label_over_quota(&stages) {
            return Err(errors::too_many_labels(&secret.arn, stage, MAX_LABELS));
        }
        let sequence = state.next_sequence();
        let key_address = state.kms_key_id.clone();
        let version = self.new_version(context, &secret, token.clone(), key_address.as_deref(), &value, sequence)?;
        state.add_version(version, &stages);
        state.last_changed_date = now();
        Ok(SecretVersionOutput {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
            version_id: Some(token),
            version_stages: Some(stages),
        })
    }

    /// Moves a staging label between versions. A label already on another
    /// version moves only when RemoveFromVersionId names that version, and
    /// `AWSCURRENT` can only be moved, never removed.
    pub(super) fn update_secret_version_stage(
        &self,
        context: &RequestContext,
        input: UpdateSecretVersionStageInput,
    ) -> AwsResult<SecretIdOutput> {
        let stage = input.version_stage.ok_or_else(|| errors::missing("versionStage"))?;
        check_stage("versionStage", &stage)?;
        if let Some(version_id) = &input.move_to_version_id {
            check_version_id("moveToVersionId", version_id)?;
        }
        if let Some(version_id) = &input.remove_from_version_id {
            check_version_id("removeFromVersionId", version_id)?;
        }
        let secret = self.resolve(context, input.secret_id.as_deref(), "UpdateSecretVersionStage")?;

        let mut state = secret.state();
        if state.deletion_date.is_some() {
            return Err(errors::marked_for_deletion(&secret.arn));
        }
        for version_id in [&input.move_to_version_id, &input.remove_from_version_id].into_iter().flatten() {
            if !state.versions.contains_key(version_id) {
                return Err(errors::invalid_parameter(format!(
                    "Version {version_id} does not exist in secret {}.",
                    secret.arn
                )));
            }
        }
        if input.move_to_version_id.is_some()
            && let Some(stage) = state.label_over_quota(std::slice::from_ref(&stage))
        {
            return Err(errors::too_many_labels(&secret.arn, stage, MAX_LABELS));
        }
        let holder = state.version_with_stage(&stage).map(|version| version.version_id.clone());
        match (input.move_to_version_id.as_deref(), input.remove_from_version_id.as_deref()) {
            (None, None) => {
                return Err(errors::invalid_parameter(
                    "Specify MoveToVersionId, RemoveFromVersionId or both to update a staging label.",
                ));
            }
            (Some(to), remove_from) => {
                if let Some(holder) = &holder
                    && holder != to
                    && remove_from != Some(holder.as_str())
                {
                    return Err(errors::invalid_parameter(format!(
                        "The staging label {stage} is attached to version {holder}. Set RemoveFromVersionId to {holder} \
                         to move it to version {to}."
                    )));
                }
                if let Some(remove_from) = remove_from
                    && holder.as_deref() != Some(remove_from)
                {
                    return Err(errors::invalid_parameter(format!(
                        "The staging label {stage} is not attached to version {remove_from}."
                    )));
                }
                state.move_stage(&stage, Some(to));
            }
            (None, Some(remove_from)) => {
                if holder.as_deref() != Some(remove_from) {
                    return Err(errors::invalid_parameter(format!(
                        "The staging label {stage} is not attached to version {remove_from}."
                    )));
                }
                if stage == AWSCURRENT {
                    return Err(errors::invalid_parameter(
                        "You can't remove the staging label AWSCURRENT; move it to another version with MoveToVersionId.",
                    ));
                }
                state.move_stage(&stage, None);
            }
        }
        state.last_changed_date = now();
        Ok(SecretIdOutput { arn: secret.arn.clone(), name: secret.name.clone() })
    }

    pub(super) fn list_secret_version_ids(
        &self,
        context: &RequestContext,
        input: ListSecretVersionIdsInput,
    ) -> AwsResult<ListSecretVersionIdsOutput> {
        let limit = page_size(input.max_results, 100)?;
        let after = input.next_token.as_deref().map(parse_next_token).transpose()?;
        let include_deprecated = input.include_deprecated.unwrap_or(false);
        let secret = self.resolve(context, input.secret_id.as_deref(), "ListSecretVersionIds")?;

        let state = secret.state();
        let mut versions: Vec<&Version> = state
            .versions
            .values()
            .filter(|version| include_deprecated || !version.stages.is_empty())
            .filter(|version| after.is_none_or(|after| version.sequence > after))
            .collect();
        versions.sort_by_key(|version| version.sequence);
        let truncated = versions.len() > limit;
        versions.truncate(limit);
        let next = if truncated { versions.last().map(|version| next_token(version.sequence)) } else { None };
        Ok(ListSecretVersionIdsOutput {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
            versions: versions
                .into_iter()
                .map(|version| SecretVersionsListEntry {
                    version_id: version.version_id.clone(),
                    version_stages: version.stages.clone(),
                    created_date: version.created_date,
                    last_accessed_date: version.last_accessed_date,
                    kms_key_ids: version.encryptions.iter().map(|encryption| encryption.key_arn.clone()).collect(),
                })
                .collect(),
            next_token: next,
        })
    }
}
