//! Key policies, grants and key rotation: GetKeyPolicy, PutKeyPolicy,
//! ListKeyPolicies, CreateGrant, ListGrants, ListRetirableGrants,
//! RetireGrant, RevokeGrant, EnableKeyRotation, DisableKeyRotation and
//! GetKeyRotationStatus
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html>,
//! <https://docs.aws.amazon.com/kms/latest/developerguide/grants.html>,
//! <https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html>).
//!
//! Also the KMS condition keys of every access decision
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html>):
//! `kms:CallerAccount`, `kms:EncryptionContext:<key>`,
//! `kms:EncryptionContextKeys`, and for CreateGrant `kms:GrantOperations`,
//! `kms:GrantIsForAWSResource` and `kms:GrantConstraintType`.
//! `kms:ViaService` is present only on calls an AWS service makes on a
//! caller's behalf, so it is set only when another service of the emulator
//! uses a key through [`super::service_use`].

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use crosscheck_policy::Context;

use super::crypto::random_bytes;
use super::key::{Grant, Key, KeySpec};
use super::model::{
    CreateGrantInput, CreateGrantOutput, Empty, EnableKeyRotationInput, GetKeyPolicyOutput, GetKeyRotationStatusOutput,
    GrantIdInput, GrantListEntry, KeyIdInput, KeyIdOutput, KeyPolicyInput, ListGrantsInput, ListGrantsOutput,
    ListKeyPoliciesOutput,
};
use super::{KeyUse, Kms, Needs, errors, now};
use crate::arn::parse_key_address;
use crate::error::AwsResult;
use crate::http::RequestContext;

/// The only key policy name KMS has.
const POLICY_NAME: &str = "default";
/// The maximum number of grants on one key
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html>).
const MAX_GRANTS_PER_KEY: usize = 50_000;
/// The prefix of the grant tokens the emulator issues.
const TOKEN_PREFIX: &str = "ccgt1.";
/// Seconds in a day.
const DAY: f64 = 86_400.0;

/// The operations a grant may list.
const GRANT_OPERATIONS: &[&str] = &[
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "GetPublicKey",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "DeriveSharedSecret",
];

/// Builds the KMS condition keys of one key use.
pub fn condition_keys(context: &RequestContext, key_use: KeyUse<'_>) -> Context {
    let mut keys = Context::new();
    keys.insert("kms:CallerAccount", context.caller.account_id.as_str());
    if let Some(via_service) = key_use.via_service {
        keys.insert("kms:ViaService", via_service);
    }
    if let Some(encryption_context) = key_use.encryption_context {
        for (name, value) in encryption_context {
            keys.insert(format!("kms:EncryptionContext:{name}"), value.as_str());
        }
        keys.insert_values("kms:EncryptionContextKeys", encryption_context.keys().map(String::as_str));
    }
    if let Some((operations, constraint_type)) = key_use.new_grant {
        keys.insert_values("kms:GrantOperations", operations.iter().map(String::as_str));
        // Only AWS services create grants for their resources, and the emulator receives no such call.
        keys.insert("kms:GrantIsForAWSResource", false);
        if let Some(constraint_type) = constraint_type {
            keys.insert("kms:GrantConstraintType", constraint_type);
        }
    }
    keys
}

/// Formats the token of grant `grant_id` on key `key_arn`.
fn grant_token(key_arn: &str, grant_id: &str) -> String {
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(format!("{key_arn}#{grant_id}")))
}

/// Reads a grant token back into (key ARN, grant id), or `None` for a token the emulator did not issue.
fn parse_grant_token(token: &str) -> Option<(String, String)> {
    let encoded = token.strip_prefix(TOKEN_PREFIX)?;
    let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(encoded).ok()?).ok()?;
    let (key_arn, grant_id) = decoded.rsplit_once('#')?;
    Some((key_arn.to_owned(), grant_id.to_owned()))
}

/// Checks that every grant token in a request is one the emulator issued.
/// Grants take effect when CreateGrant returns, so a valid token adds nothing further.
pub fn check_grant_tokens(tokens: &[String]) -> AwsResult<()> {
    if tokens.len() > 10 {
        return Err(errors::validation(format!(
            "GrantTokens has {} tokens, more than the maximum of 10.",
            tokens.len()
        )));
    }
    match tokens.iter().find(|token| parse_grant_token(token).is_none()) {
        Some(token) => Err(errors::invalid_grant_token(token)),
        None => Ok(()),
    }
}

/// Checks the form of a grant id: 64 lower-case hex digits.
fn check_grant_id(grant_id: &str) -> AwsResult<()> {
    if grant_id.len() == 64 && grant_id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err(errors::invalid_grant_id(grant_id))
    }
}

/// Checks a grantee or retiring principal: an IAM ARN or an AWS service principal.
fn check_principal(member: &str, principal: &str) -> AwsResult<()> {
    if principal.ends_with(".amazonaws.com") {
        return Ok(());
    }
    match principal.parse::<crate::arn::Arn>() {
        Ok(arn) if arn.service == "iam" || arn.service == "sts" => Ok(()),
        Ok(_) => Err(errors::invalid_arn(member, principal, "a principal is an IAM or STS ARN")),
        Err(error) => Err(errors::invalid_arn(member, principal, error.reason)),
    }
}

fn grant_entry(key: &Key, grant: &Grant) -> GrantListEntry {
    GrantListEntry {
        key_id: key.arn.clone(),
        grant_id: grant.grant_id.clone(),
        name: grant.name.clone(),
        creation_date: grant.creation_date,
        grantee_principal: grant.grantee_principal.clone(),
        retiring_principal: grant.retiring_principal.clone(),
        issuing_account: grant.issuing_account.clone(),
        operations: grant.operations.clone(),
        constraints: grant.constraints.clone(),
    }
}

impl Kms {
    pub(super) fn get_key_policy(
        &self,
        context: &RequestContext,
        input: KeyPolicyInput,
    ) -> AwsResult<GetKeyPolicyOutput> {
        check_policy_name(input.policy_name.as_deref())?;
        let key =
            self.resolve_key(context, "keyId", input.key_id.as_deref(), KeyUse::new("GetKeyPolicy", Needs::AnyState))?;
        let policy = key.state().policy_text.clone();
        Ok(GetKeyPolicyOutput { policy, policy_name: POLICY_NAME })
    }

    pub(super) fn put_key_policy(&self, context: &RequestContext, input: KeyPolicyInput) -> AwsResult<Empty> {
        check_policy_name(input.policy_name.as_deref())?;
        let text = input.policy.ok_or_else(|| errors::missing("policy"))?;
        let policy = super::keys::parse_policy(&text)?;
        let key = self.resolve_key(
            context,
            "keyId",
            input.key_id.as_deref(),
            KeyUse::new("PutKeyPolicy", Needs::NotPendingDeletion),
        )?;
        super::keys::check_policy_lockout(
            context,
            &policy,
            &key.arn,
            &key.namespace,
            input.bypass_policy_lockout_safety_check,
        )?;
        let mut state = key.state();
        state.policy_text = text;
        state.policy = Arc::new(policy);
        Ok(Empty {})
    }

    pub(super) fn list_key_policies(
        &self,
        context: &RequestContext,
        input: KeyIdInput,
    ) -> AwsResult<ListKeyPoliciesOutput> {
        self.resolve_key(context, "keyId", input.key_id.as_deref(), KeyUse::new("ListKeyPolicies", Needs::AnyState))?;
        Ok(ListKeyPoliciesOutput { policy_names: vec![POLICY_NAME], truncated: false })
    }

    pub(super) fn create_grant(
        &self,
        context: &RequestContext,
        input: CreateGrantInput,
    ) -> AwsResult<CreateGrantOutput> {
        let grantee = input.grantee_principal.ok_or_else(|| errors::missing("granteePrincipal"))?;
        check_principal("GranteePrincipal", &grantee)?;
        if let Some(retiring) = &input.retiring_principal {
            check_principal("RetiringPrincipal", retiring)?;
        }
        if input.operations.is_empty() {
            return Err(errors::missing("operations"));
        }
        if let Some(operation) =
            input.operations.iter().find(|operation| !GRANT_OPERATIONS.contains(&operation.as_str()))
        {
            return Err(errors::invalid_value(
                "operations",
                operation,
                &format!("Member must satisfy enum value set: [{}]", GRANT_OPERATIONS.join(", ")),
            ));
        }
        if let Some(constraints) = &input.constraints
            && constraints.encryption_context_equals.is_some()
            && constraints.encryption_context_subset.is_some()
        {
            return Err(errors::validation(
                "A grant constraint has either EncryptionContextEquals or EncryptionContextSubset, not both."
                    .to_owned(),
            ));
        }

        let mut key_use = KeyUse::new("CreateGrant", Needs::NotPendingDeletion);
        key_use.grant_tokens = &input.grant_tokens;
        let constraint_type = input.constraints.as_ref().map(|constraints| {
            if constraints.encryption_context_equals.is_some() {
                "EncryptionContextEquals"
            } else {
                "EncryptionContextSubset"
            }
        });
        key_use.new_grant = Some((&input.operations, constraint_type));
        let key = self.resolve_key(context, "keyId", input.key_id.as_deref(), key_use)?;
        check_grant_operations(&key, &input.operations)?;

        let grant_id = hex(&random_bytes(32).map_err(|_| errors::internal("CreateGrant"))?);
        let grant = Grant {
            grant_id: grant_id.clone(),
            name: input.name.clone(),
            creation_date: now(),
            grantee_principal: grantee,
            retiring_principal: input.retiring_principal.clone(),
            issuing_account: format!("arn:aws:iam::{}:root", context.caller.account_id),
            operations: input.operations,
            constraints: input.constraints,
        };

        let mut state = key.state();
        // A grant of the same name and content is returned again, as CreateGrant is idempotent by Name.
        if let Some(name) = &grant.name
            && let Some(existing) = state.grants.values().find(|existing| {
                existing.name.as_ref() == Some(name)
                    && existing.grantee_principal == grant.grantee_principal
                    && existing.operations == grant.operations
                    && existing.constraints == grant.constraints
                    && existing.retiring_principal == grant.retiring_principal
            })
        {
            return Ok(CreateGrantOutput {
                grant_token: grant_token(&key.arn, &existing.grant_id),
                grant_id: existing.grant_id.clone(),
            });
        }
        if state.grants.len() >= MAX_GRANTS_PER_KEY {
            return Err(errors::limit_exceeded(format!(
                "{} already has the maximum of {MAX_GRANTS_PER_KEY} grants.",
                key.arn
            )));
        }
        if let Some(retiring) = &grant.retiring_principal {
            self.retirable.insert(retiring, &grant_id, &key.arn);
        }
        state.grants.insert(grant_id.clone(), grant);
        Ok(CreateGrantOutput { grant_token: grant_token(&key.arn, &grant_id), grant_id })
    }

    pub(super) fn list_grants(&self, context: &RequestContext, input: ListGrantsInput) -> AwsResult<ListGrantsOutput> {
        let limit = super::keys::page_limit(input.limit, 50)?;
        if let Some(grant_id) = &input.grant_id {
            check_grant_id(grant_id)?;
        }
        let key =
            self.resolve_key(context, "keyId", input.key_id.as_deref(), KeyUse::new("ListGrants", Needs::AnyState))?;
        let state = key.state();
        let after = input.marker.as_deref();
        let mut grants: Vec<GrantListEntry> = state
            .grants
            .values()
            .filter(|grant| after.is_none_or(|after| grant.grant_id.as_str() > after))
            .filter(|grant| input.grant_id.as_ref().is_none_or(|id| &grant.grant_id == id))
            .filter(|grant| {
                input.grantee_principal.as_ref().is_none_or(|principal| &grant.grantee_principal == principal)
            })
            .take(limit + 1)
            .map(|grant| grant_entry(&key, grant))
            .collect();
        let truncated = grants.len() > limit;
        grants.truncate(limit);
        let next_marker = truncated.then(|| grants.last().map(|grant| grant.grant_id.clone())).flatten();
        Ok(ListGrantsOutput { grants, truncated, next_marker })
    }

    pub(super) fn list_retirable_grants(
        &self,
        _context: &RequestContext,
        input: ListGrantsInput,
    ) -> AwsResult<ListGrantsOutput> {
        let limit = super::keys::page_limit(input.limit, 50)?;
        let principal = input.retiring_principal.ok_or_else(|| errors::missing("retiringPrincipal"))?;
        check_principal("RetiringPrincipal", &principal)?;
        let after = input.marker.as_deref();

        let mut grants = Vec::new();
        for (grant_id, key_arn) in self.retirable.of(&principal) {
            if after.is_some_and(|after| grant_id.as_str() <= after) {
                continue;
            }
            if grants.len() > limit {
                break;
            }
            let Some(key) = self.key_by_arn(&key_arn) else {
                continue;
            };
            let state = key.state();
            if let Some(grant) = state.grants.get(&grant_id) {
                grants.push(grant_entry(&key, grant));
            }
        }
        let truncated = grants.len() > limit;
        grants.truncate(limit);
        let next_marker = truncated.then(|| grants.last().map(|grant| grant.grant_id.clone())).flatten();
        Ok(ListGrantsOutput { grants, truncated, next_marker })
    }

    /// Looks up a key by its ARN without an access decision, for grant bookkeeping.
    fn key_by_arn(&self, key_arn: &str) -> Option<Arc<Key>> {
        match parse_key_address(key_arn).ok()? {
            crate::arn::KeyAddress::KeyArn { namespace, key_id } => self.namespaces.get(&namespace)?.key(&key_id),
            _ => None,
        }
    }

    /// Retires a grant named by its token, or by KeyId and GrantId. The
    /// retiring principal, the grantee when the grant allows RetireGrant,
    /// and the account that created the grant may retire it
    /// (<https://docs.aws.amazon.com/kms/latest/APIReference/API_RetireGrant.html>).
    pub(super) fn retire_grant(&self, context: &RequestContext, input: GrantIdInput) -> AwsResult<Empty> {
        let (key, grant_id) = match (&input.grant_token, &input.key_id, &input.grant_id) {
            (Some(token), _, _) => {
                let (key_arn, grant_id) = parse_grant_token(token).ok_or_else(|| errors::invalid_grant_token(token))?;
                let key = self.find_key(context, &key_arn)?;
                (key, grant_id)
            }
            (None, Some(address), Some(grant_id)) => {
                if super::names_alias(address) {
                    return Err(errors::alias_not_supported("keyId", address));
                }
                check_grant_id(grant_id)?;
                (self.find_key(context, address)?, grant_id.clone())
            }
            _ => {
                return Err(errors::validation(
                    "RetireGrant needs either GrantToken, or both KeyId and GrantId.".to_owned(),
                ));
            }
        };

        let mut state = key.state();
        let grant = state.grants.get(&grant_id).ok_or_else(|| errors::grant_not_found(&grant_id, &key.arn))?;
        let principal = &context.caller.principal_arn;
        let may_retire = grant.retiring_principal.as_ref() == Some(principal)
            || (&grant.grantee_principal == principal
                && grant.operations.iter().any(|operation| operation == "RetireGrant"))
            || grant.issuing_account == format!("arn:aws:iam::{}:root", context.caller.account_id);
        if !may_retire {
            return Err(errors::access_denied(format!(
                "User: {principal} is not authorized to perform: kms:RetireGrant on grant {grant_id} of {}",
                key.arn
            )));
        }
        if let Some(retiring) = grant.retiring_principal.clone() {
            self.retirable.remove(&retiring, &grant_id);
        }
        state.grants.remove(&grant_id);
        Ok(Empty {})
    }

    pub(super) fn revoke_grant(&self, context: &RequestContext, input: GrantIdInput) -> AwsResult<Empty> {
        let grant_id = input.grant_id.ok_or_else(|| errors::missing("grantId"))?;
        check_grant_id(&grant_id)?;
        let key =
            self.resolve_key(context, "keyId", input.key_id.as_deref(), KeyUse::new("RevokeGrant", Needs::AnyState))?;
        let mut state = key.state();
        let grant = state.grants.remove(&grant_id).ok_or_else(|| errors::grant_not_found(&grant_id, &key.arn))?;
        if let Some(retiring) = grant.retiring_principal {
            self.retirable.remove(&retiring, &grant_id);
        }
        Ok(Empty {})
    }

    pub(super) fn enable_key_rotation(
        &self,
        context: &RequestContext,
        input: EnableKeyRotationInput,
    ) -> AwsResult<Empty> {
        let period = input.rotation_period_in_days.unwrap_or(365);
        if !(90..=2560).contains(&period) {
            return Err(errors::invalid_value(
                "rotationPeriodInDays",
                &period.to_string(),
                "Member must have value between 90 and 2560",
            ));
        }
        let key = self.resolve_key(
            context,
            "keyId",
            input.key_id.as_deref(),
            KeyUse::new("EnableKeyRotation", Needs::Enabled),
        )?;
        require_rotatable(&key, "EnableKeyRotation")?;
        let mut state = key.state();
        state.rotation_enabled = true;
        state.rotation_period_in_days = period;
        Ok(Empty {})
    }

    pub(super) fn disable_key_rotation(&self, context: &RequestContext, input: KeyIdInput) -> AwsResult<Empty> {
        let key = self.resolve_key(
            context,
            "keyId",
            input.key_id.as_deref(),
            KeyUse::new("DisableKeyRotation", Needs::Enabled),
        )?;
        require_rotatable(&key, "DisableKeyRotation")?;
        key.state().rotation_enabled = false;
        Ok(Empty {})
    }

    pub(super) fn get_key_rotation_status(
        &self,
        context: &RequestContext,
        input: KeyIdInput,
    ) -> AwsResult<GetKeyRotationStatusOutput> {
        let key = self.resolve_key(
            context,
            "keyId",
            input.key_id.as_deref(),
            KeyUse::new("GetKeyRotationStatus", Needs::NotPendingDeletion),
        )?;
        require_rotatable(&key, "GetKeyRotationStatus")?;
        let state = key.state();
        #[allow(clippy::cast_precision_loss)] // at most 2560 days
        let next = state.rotation_enabled.then(|| key.creation_date + state.rotation_period_in_days as f64 * DAY);
        Ok(GetKeyRotationStatusOutput {
            key_rotation_enabled: state.rotation_enabled,
            key_id: key.arn.clone(),
            rotation_period_in_days: state.rotation_enabled.then_some(state.rotation_period_in_days),
            next_rotation_date: next,
        })
    }

    /// Rotates a symmetric key's material now
    /// (<https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html>):
    /// new material encrypts, and every older version still decrypts.
    pub(super) fn rotate_key_on_demand(&self, context: &RequestContext, input: KeyIdInput) -> AwsResult<KeyIdOutput> {
        let key = self.resolve_key(
            context,
            "keyId",
            input.key_id.as_deref(),
            KeyUse::new("RotateKeyOnDemand", Needs::Enabled),
        )?;
        require_rotatable(&key, "RotateKeyOnDemand")?;
        let material = random_bytes(32).map_err(|_| errors::internal("RotateKeyOnDemand"))?;
        key.state().symmetric_versions.push(material);
        Ok(KeyIdOutput { key_id: key.key_id.clone() })
    }
}

/// Only symmetric encryption keys with AWS_KMS key material rotate.
/// NOTE: AWS rotates a key with imported material on demand once new material
/// is imported for it. The emulator keeps one material per imported key, so it
/// rejects rotation of those keys.
fn require_rotatable(key: &Key, operation: &str) -> AwsResult<()> {
    if key.spec != KeySpec::SymmetricDefault {
        return Err(errors::unsupported_operation(&key.arn, operation, key.spec.as_str()));
    }
    if key.origin() == "EXTERNAL" {
        return Err(errors::unsupported_operation(&key.arn, operation, "origin EXTERNAL"));
    }
    Ok(())
}

/// Checks PolicyName, whose only value is `default`.
fn check_policy_name(name: Option<&str>) -> AwsResult<()> {
    match name {
        None | Some(POLICY_NAME) => Ok(()),
        Some(other) => {
            Err(errors::not_found(format!("Key policy {other} not found; the only policy name is default.")))
        }
    }
}

/// Checks that a grant's operations suit the key: cryptographic operations
/// of another key usage cannot be granted
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/grants.html#terms-grant-operations>).
fn check_grant_operations(key: &Key, operations: &[String]) -> AwsResult<()> {
    let allowed: &[&str] = match key.usage {
        super::key::KeyUsage::EncryptDecrypt if key.spec == KeySpec::SymmetricDefault => &[
            "Decrypt",
            "Encrypt",
            "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext",
            "ReEncryptFrom",
            "ReEncryptTo",
            "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext",
        ],
        super::key::KeyUsage::EncryptDecrypt => &["Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"],
        super::key::KeyUsage::SignVerify => &["Sign", "Verify", "GetPublicKey"],
        super::key::KeyUsage::GenerateVerifyMac => &["GenerateMac", "VerifyMac"],
    };
    let common = ["CreateGrant", "RetireGrant", "DescribeKey"];
    match operations
        .iter()
        .find(|operation| !allowed.contains(&operation.as_str()) && !common.contains(&operation.as_str()))
    {
        Some(operation) => Err(errors::validation(format!(
            "Grant operation {operation} is not valid for {} with key usage {}.",
            key.arn,
            key.usage.as_str()
        ))),
        None => Ok(()),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
