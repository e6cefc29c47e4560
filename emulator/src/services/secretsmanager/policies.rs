//! Resource policies: GetResourcePolicy, PutResourcePolicy,
//! DeleteResourcePolicy and ValidateResourcePolicy.
//!
//! A policy is parsed by crosscheck-policy when it is set, and the access
//! rules evaluate it on every later request. With BlockPublicPolicy, which
//! is off by default
//! (<https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/secretsmanager/aws.sdk.kotlin.services.secretsmanager.model/-put-resource-policy-request/block-public-policy.html>),
//! PutResourcePolicy rejects a policy that grants broad access, judged by
//! crosscheck-policy's external access analysis: an `Allow` statement that
//! grants anyone access without any condition.
//!
//! ValidateResourcePolicy runs the three checks AWS documents: broad
//! access, syntax, and that the policy does not lock the caller out
//! (<https://docs.aws.amazon.com/goto/cli2/secretsmanager-2017-10-17/ValidateResourcePolicy>).

use crosscheck_policy::{Decision, ExternalPrincipal, Policy, PolicySet, PolicyType, analyze, evaluate};

use super::model::{
    GetResourcePolicyOutput, PutResourcePolicyInput, SecretIdInput, SecretIdOutput, ValidateResourcePolicyInput,
    ValidateResourcePolicyOutput, ValidationErrorsEntry,
};
use super::{SecretsManager, errors};
use crate::access::{AccessRequest, AccessRules};
use crate::arn::format_secret_arn;
use crate::error::AwsResult;
use crate::http::RequestContext;
use crate::store::Namespace;

/// The largest resource policy, in characters.
const MAX_POLICY: usize = 20_480;

/// Checks the ResourcePolicy member's presence and length.
fn policy_text(text: Option<String>) -> AwsResult<String> {
    let text = text.ok_or_else(|| errors::missing("resourcePolicy"))?;
    let length = text.chars().count();
    if length == 0 || length > MAX_POLICY {
        return Err(errors::validation(
            "resourcePolicy",
            &format!("Member must have length between 1 and {MAX_POLICY} (the value has {length} characters)"),
        ));
    }
    Ok(text)
}

/// Describes the broad access `policy` grants to principals outside
/// `owner_account`, or returns `None` when it grants none.
fn broad_access(policy: &Policy, owner_account: &str) -> Option<String> {
    let analysis = analyze(policy, owner_account, None);
    analysis
        .findings
        .iter()
        .filter(|finding| matches!(finding.principal, ExternalPrincipal::Anyone))
        .flat_map(|finding| &finding.grants)
        .find(|grant| grant.conditions.is_empty())
        .map(|grant| {
            let sid = grant.sid.as_deref().map_or_else(String::new, |sid| format!(" ({sid})"));
            format!("statement {}{sid} allows every principal without a condition", grant.statement_index)
        })
}

/// Describes how `policy` locks the caller out of changing it again: an
/// explicit deny of PutResourcePolicy or DeleteResourcePolicy to the caller.
fn lockout(context: &RequestContext, policy: &Policy, secret_arn: &str, namespace: &Namespace) -> Option<String> {
    ["secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy"].into_iter().find_map(|action| {
        let request = AccessRequest {
            caller: &context.caller,
            action,
            resource_arn: secret_arn,
            resource_namespace: namespace,
            grantable_across_accounts: true,
            resource_policy: Some(policy),
            source_ip: context.source_ip,
            service_source: None,
            service_authorization: None,
        };
        let policies = PolicySet::new().with_resource("resource-policy", policy);
        let evaluation = evaluate(&AccessRules::policy_request(&request), &policies);
        (evaluation.decision == Decision::ExplicitDeny)
            .then(|| format!("the policy denies {action} to {}", context.caller.principal_arn))
    })
}

impl SecretsManager {
    pub(super) fn get_resource_policy(
        &self,
        context: &RequestContext,
        input: SecretIdInput,
    ) -> AwsResult<GetResourcePolicyOutput> {
        let secret = self.resolve(context, input.secret_id.as_deref(), "GetResourcePolicy")?;
        let state = secret.state();
        Ok(GetResourcePolicyOutput {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
            resource_policy: state.policy_text.clone(),
        })
    }

    pub(super) fn put_resource_policy(
        &self,
        context: &RequestContext,
        input: PutResourcePolicyInput,
    ) -> AwsResult<SecretIdOutput> {
        let text = policy_text(input.resource_policy)?;
        let policy =
            Policy::parse(&text, PolicyType::Resource).map_err(|error| errors::malformed_policy(&error.to_string()))?;
        let secret = self.resolve(context, input.secret_id.as_deref(), "PutResourcePolicy")?;
        if input.block_public_policy.unwrap_or(false)
            && let Some(detail) = broad_access(&policy, &secret.namespace.account_id)
        {
            return Err(errors::public_policy(&detail));
        }
        let mut state = secret.state();
        state.policy_text = Some(text);
        state.policy = Some(std::sync::Arc::new(policy));
        Ok(SecretIdOutput { arn: secret.arn.clone(), name: secret.name.clone() })
    }

    pub(super) fn delete_resource_policy(
        &self,
        context: &RequestContext,
        input: SecretIdInput,
    ) -> AwsResult<SecretIdOutput> {
        let secret = self.resolve(context, input.secret_id.as_deref(), "DeleteResourcePolicy")?;
        let mut state = secret.state();
        state.policy_text = None;
        state.policy = None;
        Ok(SecretIdOutput { arn: secret.arn.clone(), name: secret.name.clone() })
    }

    /// Checks a policy's syntax and whether it grants broad access, and
    /// reports each problem as a validation error rather than failing.
    ///
    /// NOTE: the check names `SYNTAX_CHECK`, `BROAD_ACCESS` and `LOCKOUT` are
    /// the emulator's own, because the API reference does not list AWS's.
    pub(super) fn validate_resource_policy(
        &self,
        context: &RequestContext,
        input: ValidateResourcePolicyInput,
    ) -> AwsResult<ValidateResourcePolicyOutput> {
        let text = policy_text(input.resource_policy)?;
        // Without a SecretId the policy is checked as if for a secret of the caller's namespace.
        let (secret_arn, namespace) = match input.secret_id.as_deref() {
            Some(secret_id) => {
                let secret = self.resolve(context, Some(secret_id), "ValidateResourcePolicy")?;
                (secret.arn.clone(), secret.namespace.clone())
            }
            None => {
                let namespace = Self::caller_namespace(context);
                (format_secret_arn(&namespace, "policy-validation", "AAAAAA"), namespace)
            }
        };
        let mut validation_errors = Vec::new();
        match Policy::parse(&text, PolicyType::Resource) {
            Err(error) => validation_errors.push(ValidationErrorsEntry {
                check_name: "SYNTAX_CHECK".to_owned(),
                error_message: error.to_string(),
            }),
            Ok(policy) => {
                if let Some(detail) = broad_access(&policy, &namespace.account_id) {
                    validation_errors.push(ValidationErrorsEntry {
                        check_name: "BROAD_ACCESS".to_owned(),
                        error_message: format!("The policy grants broad access: {detail}."),
                    });
                }
                if let Some(detail) = lockout(context, &policy, &secret_arn, &namespace) {
                    validation_errors.push(ValidationErrorsEntry {
                        check_name: "LOCKOUT".to_owned(),
                        error_message: format!("The policy locks the caller out: {detail}."),
                    });
                }
            }
        }
        Ok(ValidateResourcePolicyOutput { policy_validation_passed: validation_errors.is_empty(), validation_errors })
    }
}
