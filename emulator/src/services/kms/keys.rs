//! Key management: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
//! ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription and tags
//! (<https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html>,
//! <https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html>,
//! <https://docs.aws.amazon.com/kms/latest/APIReference/API_TagResource.html>).

use std::collections::BTreeMap;
use std::sync::Arc;

use crosscheck_policy::{Decision, Effect, Policy, PolicyKind, PolicySet, PolicyType, evaluate};

use super::crypto::{EcMaterial, RsaMaterial, random_bytes};
use super::key::{Key, KeySpec, KeyState, KeyUsage, Material, Status};
use super::model::{
    CreateKeyInput, Empty, KeyIdInput, KeyIdOutput, KeyListEntry, KeyMetadata, KeyMetadataOutput, ListInput,
    ListKeysOutput, ListResourceTagsOutput, MultiRegionConfiguration, MultiRegionKey, ScheduleKeyDeletionInput,
    ScheduleKeyDeletionOutput, Tag, TagResourceInput, UntagResourceInput, UpdateKeyDescriptionInput,
};
use super::{KeyUse, Kms, Needs, errors, now};
use crate::arn::format_key_arn;
use crate::error::AwsResult;
use crate::http::RequestContext;

/// The maximum length of a key description, in characters.
const MAX_DESCRIPTION: usize = 8192;
/// The largest key policy KMS accepts, in bytes.
pub const MAX_POLICY_BYTES: usize = 32768;
/// The maximum number of tags on one key.
const MAX_TAGS: usize = 50;
/// Seconds in a day.
const DAY: f64 = 86_400.0;

/// Returns the default key policy: the owning account's root may do anything
/// with the key, which lets IAM policies of that account grant access
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html>).
pub fn default_policy(account_id: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{account_id}:root")},
            "Action": "kms:*",
            "Resource": "*",
        }],
    })
    .to_string()
}

/// Parses a key policy, rejecting a malformed one with MalformedPolicyDocumentException.
pub fn parse_policy(text: &str) -> AwsResult<Policy> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(errors::malformed_policy(&format!(
            "the policy has {} bytes, more than the maximum of {MAX_POLICY_BYTES}",
            text.len()
        )));
    }
    Policy::parse(text, PolicyType::Resource).map_err(|error| errors::malformed_policy(&error.to_string()))
}

/// Applies the policy lockout safety check: unless the request bypasses it,
/// a new key policy must let the caller change the policy again
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-bypass-policy-lockout-safety-check>).
pub fn check_policy_lockout(
    context: &RequestContext,
    policy: &Policy,
    key_arn: &str,
    namespace: &crate::store::Namespace,
    bypass: Option<bool>,
) -> AwsResult<()> {
    if bypass == Some(true) {
        return Ok(());
    }
    let request = crate::access::AccessRequest {
        caller: &context.caller,
        action: "kms:PutKeyPolicy",
        resource_arn: key_arn,
        resource_namespace: namespace,
        grantable_across_accounts: false,
        resource_policy: Some(policy),
        source_ip: context.source_ip,
        service_source: None,
        service_authorization: None,
    };
    let policies = PolicySet::new().with_resource("key-policy", policy);
    let evaluation = evaluate(&crate::access::AccessRules::policy_request(&request), &policies);
    let allows = evaluation.decision != Decision::ExplicitDeny
        && evaluation
            .matched_statements
            .iter()
            .any(|statement| statement.kind == PolicyKind::Resource && statement.effect == Effect::Allow);
    if allows { Ok(()) } else { Err(errors::policy_lockout(&context.caller.principal_arn)) }
}

/// Checks tag keys and values against KMS's limits
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html>).
fn check_tags(tags: &[Tag]) -> AwsResult<()> {
    for tag in tags {
        if tag.tag_key.is_empty() || tag.tag_key.chars().count() > 128 {
            return Err(errors::tag(format!("Tag key {:?} must have 1 to 128 characters.", tag.tag_key)));
        }
        if tag.tag_key.starts_with("aws:") {
            return Err(errors::tag(format!("Tag key {} uses the reserved prefix aws:.", tag.tag_key)));
        }
        if tag.tag_value.chars().count() > 256 {
            return Err(errors::tag(format!("The value of tag {} has more than 256 characters.", tag.tag_key)));
        }
    }
    Ok(())
}

/// Reads a list Limit (1 to 1000, default 100) and a Marker.
pub fn page_limit(limit: Option<i64>, default: i64) -> AwsResult<usize> {
    let limit = limit.unwrap_or(default);
    if !(1..=1000).contains(&limit) {
        return Err(errors::invalid_value("limit", &limit.to_string(), "Member must have value between 1 and 1000"));
    }
    usize::try_from(limit).map_err(|_| errors::invalid_value("limit", &limit.to_string(), "Member must be positive"))
}

/// Builds the metadata DescribeKey returns.
pub fn key_metadata(key: &Key) -> KeyMetadata {
    let state = key.state();
    KeyMetadata {
        aws_account_id: key.namespace.account_id.clone(),
        key_id: key.key_id.clone(),
        arn: key.arn.clone(),
        creation_date: key.creation_date,
        enabled: state.status == Status::Enabled,
        description: state.description.clone(),
        key_usage: key.usage.as_str(),
        key_state: state.status.as_str(),
        deletion_date: state.deletion_date,
        pending_deletion_window_in_days: state.pending_window_in_days,
        origin: "AWS_KMS",
        key_manager: state.key_manager,
        customer_master_key_spec: key.spec.as_str(),
        key_spec: key.spec.as_str(),
        encryption_algorithms: key.spec.encryption_algorithms(key.usage),
        signing_algorithms: key.spec.signing_algorithms(key.usage),
        mac_algorithms: key.spec.mac_algorithms(),
        multi_region: key.multi_region,
        multi_region_configuration: key.multi_region.then(|| MultiRegionConfiguration {
            multi_region_key_type: "PRIMARY",
            primary_key: MultiRegionKey { arn: key.arn.clone(), region: key.namespace.region.clone() },
            replica_keys: Vec::new(),
        }),
    }
}

/// Generates the material of a new key.
pub(super) fn generate_material(spec: KeySpec) -> AwsResult<(Material, Vec<Vec<u8>>)> {
    let failed = |_| errors::internal("CreateKey");
    Ok(match spec {
        KeySpec::SymmetricDefault => (Material::Symmetric, vec![random_bytes(32).map_err(failed)?]),
        KeySpec::Rsa(bits) => (Material::Rsa(Box::new(RsaMaterial::generate(bits).map_err(failed)?)), Vec::new()),
        KeySpec::Ecc(curve) => (Material::Ecc(Box::new(EcMaterial::generate(curve).map_err(failed)?)), Vec::new()),
        KeySpec::Hmac(bits) => (Material::Hmac(random_bytes(bits / 8).map_err(failed)?), Vec::new()),
    })
}

impl Kms {
    pub(super) fn create_key(&self, context: &RequestContext, input: CreateKeyInput) -> AwsResult<KeyMetadataOutput> {
        let spec_name =
            input.key_spec.as_deref().or(input.customer_master_key_spec.as_deref()).unwrap_or("SYMMETRIC_DEFAULT");
        let spec = KeySpec::parse(spec_name).ok_or_else(|| {
            errors::invalid_value(
                "keySpec",
                spec_name,
                &format!("Member must satisfy enum value set: [{}]", KeySpec::NAMES.join(", ")),
            )
        })?;
        let usage = match input.key_usage.as_deref() {
            None => spec.usages()[0],
            Some(name) => KeyUsage::parse(name).ok_or_else(|| {
                errors::invalid_value(
                    "keyUsage",
                    name,
                    "Member must satisfy enum value set: [ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC]",
                )
            })?,
        };
        if !spec.usages().contains(&usage) {
            return Err(errors::validation(format!(
                "KeyUsage {} is not compatible with KeySpec {}.",
                usage.as_str(),
                spec.as_str()
            )));
        }
        if let Some(origin) = input.origin.as_deref()
            && origin != "AWS_KMS"
        {
            return Err(errors::unsupported_operation("(new key)", &format!("Origin {origin}"), spec.as_str()));
        }
        let description = input.description.unwrap_or_default();
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(errors::validation(format!("The description has more than {MAX_DESCRIPTION} characters.")));
        }
        check_tags(&input.tags)?;
        if input.tags.len() > MAX_TAGS {
            return Err(errors::tag(format!("A key can have at most {MAX_TAGS} tags, not {}.", input.tags.len())));
        }

        let namespace = Self::caller_namespace(context);
        let multi_region = input.multi_region.unwrap_or(false);
        let uuid = uuid::Uuid::new_v4();
        let key_id = if multi_region { format!("mrk-{}", uuid.simple()) } else { uuid.hyphenated().to_string() };
        let arn = format_key_arn(&namespace, &key_id);

        let given_policy = input.policy.is_some();
        let policy_text = input.policy.unwrap_or_else(|| default_policy(&namespace.account_id));
        let policy = parse_policy(&policy_text)?;
        if given_policy {
            check_policy_lockout(context, &policy, &arn, &namespace, input.bypass_policy_lockout_safety_check)?;
        }
        let (material, symmetric_versions) = generate_material(spec)?;
        let tags: BTreeMap<String, String> = input.tags.into_iter().map(|tag| (tag.tag_key, tag.tag_value)).collect();

        let state = KeyState {
            description,
            status: Status::Enabled,
            deletion_date: None,
            pending_window_in_days: None,
            tags,
            policy_text,
            policy: Arc::new(policy),
            rotation_enabled: false,
            rotation_period_in_days: 365,
            symmetric_versions,
            grants: BTreeMap::new(),
            key_manager: "CUSTOMER",
        };
        let key = Arc::new(Key::new(key_id, arn, namespace.clone(), spec, usage, now(), multi_region, material, state));
        self.namespaces.get_or_create(&namespace).insert_key(key.clone());
        Ok(KeyMetadataOutput { key_metadata: key_metadata(&key) })
    }

    pub(super) fn describe_key(&self, context: &RequestContext, input: KeyIdInput) -> AwsResult<KeyMetadataOutput> {
        let mut key_use = KeyUse::new("DescribeKey", Needs::AnyState);
        key_use.grant_tokens = &input.grant_tokens;
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        Ok(KeyMetadataOutput { key_metadata: key_metadata(&key) })
    }

    pub(super) fn list_keys(&self, context: &RequestContext, input: ListInput) -> AwsResult<ListKeysOutput> {
        let limit = page_limit(input.limit, 100)?;
        let registry = self.namespaces.get(&Self::caller_namespace(context));
        let mut keys =
            registry.map_or_else(Vec::new, |registry| registry.keys_after(input.marker.as_deref(), limit + 1));
        let truncated = keys.len() > limit;
        keys.truncate(limit);
        let next_marker = truncated.then(|| keys.last().map(|key| key.key_id.clone())).flatten();
        Ok(ListKeysOutput {
            keys: keys
                .iter()
                .map(|key| KeyListEntry { key_id: key.key_id.clone(), key_arn: key.arn.clone() })
                .collect(),
            truncated,
            next_marker,
        })
    }

    pub(super) fn enable_key(&self, context: &RequestContext, input: KeyIdInput) -> AwsResult<Empty> {
        let key_use = KeyUse::new("EnableKey", Needs::NotPendingDeletion);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        let mut state = key.state();
        if state.status == Status::PendingDeletion {
            return Err(errors::invalid_state(&key.arn, "pending deletion"));
        }
        state.status = Status::Enabled;
        Ok(Empty {})
    }

    pub(super) fn disable_key(&self, context: &RequestContext, input: KeyIdInput) -> AwsResult<Empty> {
        let key_use = KeyUse::new("DisableKey", Needs::NotPendingDeletion);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        let mut state = key.state();
        if state.status == Status::PendingDeletion {
            return Err(errors::invalid_state(&key.arn, "pending deletion"));
        }
        state.status = Status::Disabled;
        Ok(Empty {})
    }

    pub(super) fn schedule_key_deletion(
        &self,
        context: &RequestContext,
        input: ScheduleKeyDeletionInput,
    ) -> AwsResult<ScheduleKeyDeletionOutput> {
        let days = input.pending_window_in_days.unwrap_or(30);
        if !(7..=30).contains(&days) {
            return Err(errors::invalid_value(
                "pendingWindowInDays",
                &days.to_string(),
                "Member must have value between 7 and 30",
            ));
        }
        let key_use = KeyUse::new("ScheduleKeyDeletion", Needs::NotPendingDeletion);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        let mut state = key.state();
        if state.status == Status::PendingDeletion {
            return Err(errors::invalid_state(&key.arn, "pending deletion"));
        }
        // NOTE: the key is never actually deleted when its deletion date passes;
        // it stays PendingDeletion until CancelKeyDeletion.
        #[allow(clippy::cast_precision_loss)] // at most 30 days
        let deletion_date = now() + days as f64 * DAY;
        state.status = Status::PendingDeletion;
        state.deletion_date = Some(deletion_date);
        state.pending_window_in_days = Some(days);
        Ok(ScheduleKeyDeletionOutput {
            key_id: key.arn.clone(),
            deletion_date,
            key_state: Status::PendingDeletion.as_str(),
            pending_window_in_days: days,
        })
    }

    pub(super) fn cancel_key_deletion(&self, context: &RequestContext, input: KeyIdInput) -> AwsResult<KeyIdOutput> {
        let key_use = KeyUse::new("CancelKeyDeletion", Needs::AnyState);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        let mut state = key.state();
        if state.status != Status::PendingDeletion {
            return Err(errors::invalid_state_message(format!(
                "{} is {}, not pending deletion.",
                key.arn,
                state.status.as_str()
            )));
        }
        // A key whose deletion is cancelled comes back disabled.
        state.status = Status::Disabled;
        state.deletion_date = None;
        state.pending_window_in_days = None;
        Ok(KeyIdOutput { key_id: key.arn.clone() })
    }

    pub(super) fn update_key_description(
        &self,
        context: &RequestContext,
        input: UpdateKeyDescriptionInput,
    ) -> AwsResult<Empty> {
        let description = input.description.ok_or_else(|| errors::missing("description"))?;
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(errors::validation(format!("The description has more than {MAX_DESCRIPTION} characters.")));
        }
        let key_use = KeyUse::new("UpdateKeyDescription", Needs::NotPendingDeletion);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        key.state().description = description;
        Ok(Empty {})
    }

    pub(super) fn tag_resource(&self, context: &RequestContext, input: TagResourceInput) -> AwsResult<Empty> {
        check_tags(&input.tags)?;
        let key_use = KeyUse::new("TagResource", Needs::NotPendingDeletion);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        let mut state = key.state();
        let mut tags = state.tags.clone();
        for tag in input.tags {
            tags.insert(tag.tag_key, tag.tag_value);
        }
        if tags.len() > MAX_TAGS {
            return Err(errors::tag(format!("A key can have at most {MAX_TAGS} tags, not {}.", tags.len())));
        }
        state.tags = tags;
        Ok(Empty {})
    }

    pub(super) fn untag_resource(&self, context: &RequestContext, input: UntagResourceInput) -> AwsResult<Empty> {
        let key_use = KeyUse::new("UntagResource", Needs::NotPendingDeletion);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        let mut state = key.state();
        for tag_key in &input.tag_keys {
            state.tags.remove(tag_key);
        }
        Ok(Empty {})
    }

    pub(super) fn list_resource_tags(
        &self,
        context: &RequestContext,
        input: ListInput,
    ) -> AwsResult<ListResourceTagsOutput> {
        let limit = page_limit(input.limit, 50)?;
        let key_use = KeyUse::new("ListResourceTags", Needs::AnyState);
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        let state = key.state();
        let after = input.marker.as_deref();
        let mut tags: Vec<Tag> = state
            .tags
            .iter()
            .filter(|(tag_key, _)| after.is_none_or(|after| tag_key.as_str() > after))
            .take(limit + 1)
            .map(|(tag_key, tag_value)| Tag { tag_key: tag_key.clone(), tag_value: tag_value.clone() })
            .collect();
        let truncated = tags.len() > limit;
        tags.truncate(limit);
        let next_marker = truncated.then(|| tags.last().map(|tag| tag.tag_key.clone())).flatten();
        Ok(ListResourceTagsOutput { tags, truncated, next_marker })
    }
}
