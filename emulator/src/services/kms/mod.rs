//! AWS KMS over awsJson1_1, `X-Amz-Target: TrentService.<Operation>`
//! (<https://docs.aws.amazon.com/kms/latest/APIReference/Welcome.html>).
//!
//! A call flows in six steps, as in SQS:
//!
//! 1. decode the JSON body into one typed input ([`model`]);
//! 2. resolve the key address (key id, key ARN, alias name or alias ARN,
//!    parsed by [`crate::arn::parse_key_address`]) to its owning namespace:
//!    a bare key id or alias name names the caller's own namespace, an ARN
//!    the namespace it names;
//! 3. ask [`crate::access::AccessRules::decide`], with the key policy, the
//!    grants that match and the KMS condition keys as a
//!    [`crate::access::ServiceAuthorization`];
//! 4. validate the whole input and the key's state;
//! 5. change state or run the cryptography ([`crypto`]);
//! 6. encode the typed output as JSON.
//!
//! Only the operations KMS documents as usable across accounts accept
//! another account's key
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html>).
//!
//! Module map: [`model`] (inputs and outputs), [`errors`] (every KMS
//! error), [`key`] (keys, specs, grants and the registry), [`crypto`] (key
//! material and primitives), and the operations in [`keys`], [`aliases`],
//! [`cryptography`] and [`grants`].

pub mod aliases;
pub mod import;
pub mod crypto;
pub mod cryptography;
pub mod errors;
pub mod grants;
pub mod key;
pub mod keys;
pub mod model;
pub mod service_use;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::access::{AccessRequest, AccessRules, Denial, Profile, ServiceAuthorization};
use crate::arn::{KeyAddress, format_alias_arn, format_key_arn, parse_key_address};
use crate::config::Config;
use crate::error::AwsResult;
use crate::http::{HttpResponse, RequestContext, ServiceCall, aws_json};
use crate::services::{ResponseFuture, Service};
use crate::store::{Namespace, Namespaces};

use key::{Key, KeyRegistry, RetirableGrants, Status};
use model::EncryptionContext;

/// The operations KMS lets a caller run on a key in another account
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html>).
/// ReEncrypt appears as the two permissions it needs.
pub const CROSS_ACCOUNT_OPERATIONS: &[&str] = &[
    "CreateGrant",
    "Decrypt",
    "DescribeKey",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "GetKeyRotationStatus",
    "GetPublicKey",
    "ListGrants",
    "ReEncryptFrom",
    "ReEncryptTo",
    "RetireGrant",
    "RevokeGrant",
    "Sign",
    "Verify",
    "VerifyMac",
];

/// The permissions of the operations whose key member also accepts an alias
/// name or alias ARN. Every other operation takes only a key id or key ARN,
/// as the KeyId member of its API reference lists. AWS rejects an alias there
/// with InvalidArnException "Key Aliases are not supported for this
/// operation." (<https://github.com/boto/boto/pull/3202>).
const ALIAS_PERMISSIONS: &[&str] = &[
    "Decrypt",
    "DescribeKey",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "GetPublicKey",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "VerifyMac",
];

/// Reports whether `address` is an alias name or alias ARN.
fn names_alias(address: &str) -> bool {
    matches!(parse_key_address(address), Ok(KeyAddress::AliasName(_) | KeyAddress::AliasArn { .. }))
}

/// Every operation the service serves.
pub const OPERATIONS: &[&str] = &[
    "CancelKeyDeletion",
    "CreateAlias",
    "CreateGrant",
    "CreateKey",
    "Decrypt",
    "DeleteAlias",
    "DeleteImportedKeyMaterial",
    "DescribeKey",
    "DisableKey",
    "DisableKeyRotation",
    "EnableKey",
    "EnableKeyRotation",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "GenerateRandom",
    "GetKeyPolicy",
    "GetKeyRotationStatus",
    "GetParametersForImport",
    "GetPublicKey",
    "ImportKeyMaterial",
    "ListAliases",
    "ListGrants",
    "ListKeyPolicies",
    "ListKeys",
    "ListResourceTags",
    "ListRetirableGrants",
    "PutKeyPolicy",
    "ReEncrypt",
    "RetireGrant",
    "RevokeGrant",
    "RotateKeyOnDemand",
    "ScheduleKeyDeletion",
    "Sign",
    "TagResource",
    "UntagResource",
    "UpdateAlias",
    "UpdateKeyDescription",
    "Verify",
    "VerifyMac",
];

/// The key state an operation requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Any state: reads such as DescribeKey.
    AnyState,
    /// Not pending deletion: changes such as TagResource.
    NotPendingDeletion,
    /// Enabled: cryptographic operations.
    Enabled,
}

/// One use of a key, for the access decision.
#[derive(Debug, Clone, Copy)]
pub struct KeyUse<'a> {
    /// The permission name without `kms:`, which grants list too, such as `Decrypt` or `ReEncryptFrom`.
    pub permission: &'a str,
    /// The request's encryption context, for grant constraints and condition keys.
    pub encryption_context: Option<&'a EncryptionContext>,
    pub grant_tokens: &'a [String],
    pub needs: Needs,
    /// CreateGrant's Operations and constraint type, for the grant condition keys.
    pub new_grant: Option<(&'a [String], Option<&'static str>)>,
    /// The `kms:ViaService` value, such as `secretsmanager.us-east-1.amazonaws.com`,
    /// when another service of the emulator uses the key on the caller's behalf.
    pub via_service: Option<&'a str>,
}

impl<'a> KeyUse<'a> {
    pub fn new(permission: &'a str, needs: Needs) -> KeyUse<'a> {
        KeyUse { permission, encryption_context: None, grant_tokens: &[], needs, new_grant: None, via_service: None }
    }
}

/// The KMS service: its settings and every namespace's keys.
pub struct Kms {
    access: AccessRules,
    namespaces: Namespaces<KeyRegistry>,
    retirable: RetirableGrants,
}

impl Kms {
    pub fn new(config: &Config) -> Kms {
        Kms { access: config.access, namespaces: Namespaces::default(), retirable: RetirableGrants::default() }
    }

    async fn dispatch(&self, context: &RequestContext, call: &ServiceCall) -> AwsResult<HttpResponse> {
        macro_rules! serve {
            ($handler:ident) => {{
                let input = aws_json::decode_input(&call.body)?;
                let output = self.$handler(context, input)?;
                aws_json::ok_response(&output, call.protocol, &context.request_id)
            }};
        }

        let response = match call.operation.as_str() {
            "CreateKey" => serve!(create_key),
            "GetParametersForImport" => serve!(get_parameters_for_import),
            "ImportKeyMaterial" => serve!(import_key_material),
            "DeleteImportedKeyMaterial" => serve!(delete_imported_key_material),
            "DescribeKey" => serve!(describe_key),
            "ListKeys" => serve!(list_keys),
            "EnableKey" => serve!(enable_key),
            "DisableKey" => serve!(disable_key),
            "ScheduleKeyDeletion" => serve!(schedule_key_deletion),
            "CancelKeyDeletion" => serve!(cancel_key_deletion),
            "UpdateKeyDescription" => serve!(update_key_description),
            "TagResource" => serve!(tag_resource),
            "UntagResource" => serve!(untag_resource),
            "ListResourceTags" => serve!(list_resource_tags),
            "CreateAlias" => serve!(create_alias),
            "UpdateAlias" => serve!(update_alias),
            "DeleteAlias" => serve!(delete_alias),
            "ListAliases" => serve!(list_aliases),
            "Encrypt" => serve!(encrypt),
            "Decrypt" => serve!(decrypt),
            "ReEncrypt" => serve!(re_encrypt),
            "GenerateDataKey" => serve!(generate_data_key),
            "GenerateDataKeyWithoutPlaintext" => serve!(generate_data_key_without_plaintext),
            "GenerateDataKeyPair" => serve!(generate_data_key_pair),
            "GenerateDataKeyPairWithoutPlaintext" => serve!(generate_data_key_pair_without_plaintext),
            "GenerateRandom" => serve!(generate_random),
            "Sign" => serve!(sign),
            "Verify" => serve!(verify),
            "GetPublicKey" => serve!(get_public_key),
            "GenerateMac" => serve!(generate_mac),
            "VerifyMac" => serve!(verify_mac),
            "GetKeyPolicy" => serve!(get_key_policy),
            "PutKeyPolicy" => serve!(put_key_policy),
            "ListKeyPolicies" => serve!(list_key_policies),
            "CreateGrant" => serve!(create_grant),
            "ListGrants" => serve!(list_grants),
            "ListRetirableGrants" => serve!(list_retirable_grants),
            "RetireGrant" => serve!(retire_grant),
            "RevokeGrant" => serve!(revoke_grant),
            "EnableKeyRotation" => serve!(enable_key_rotation),
            "DisableKeyRotation" => serve!(disable_key_rotation),
            "GetKeyRotationStatus" => serve!(get_key_rotation_status),
            "RotateKeyOnDemand" => serve!(rotate_key_on_demand),
            other => return Err(unknown_operation(other)),
        };
        Ok(response)
    }

    fn caller_namespace(context: &RequestContext) -> Namespace {
        Namespace::new(&context.caller.account_id, &context.caller.region)
    }

    /// Resolves the key `address` names, checks access for `key_use` and the key's state, and returns it.
    ///
    /// `member` names the input member the address came from, for messages.
    fn resolve_key(
        &self,
        context: &RequestContext,
        member: &str,
        address: Option<&str>,
        key_use: KeyUse<'_>,
    ) -> AwsResult<Arc<Key>> {
        let address = address.ok_or_else(|| errors::missing(member))?;
        if names_alias(address) && !ALIAS_PERMISSIONS.contains(&key_use.permission) {
            return Err(errors::alias_not_supported(member, address));
        }
        let key = self.find_key(context, address)?;
        self.authorize(context, &key, key_use, address)?;
        check_state(&key, key_use.needs)?;
        Ok(key)
    }

    /// Finds the key an address names, without an access decision. A key of
    /// another region is reported as not found under the `aws` profile.
    fn find_key(&self, context: &RequestContext, address: &str) -> AwsResult<Arc<Key>> {
        let parsed = parse_key_address(address).map_err(|error| errors::invalid_key_address(address, error.reason))?;
        let caller = Self::caller_namespace(context);
        let namespace = parsed.namespace(&caller);
        if self.access.effective_profile() == Profile::Aws && namespace.region != caller.region {
            return Err(errors::other_region(address, &namespace.region));
        }

        let registry = self.namespaces.get(&namespace);
        let key_id = match &parsed {
            KeyAddress::KeyId(key_id) | KeyAddress::KeyArn { key_id, .. } => key_id.clone(),
            KeyAddress::AliasName(alias_name) | KeyAddress::AliasArn { alias_name, .. } => {
                let alias = registry.as_ref().and_then(|registry| registry.alias(alias_name));
                match alias {
                    Some(alias) => alias.target_key_id,
                    None => return Err(errors::alias_not_found(&format_alias_arn(&namespace, alias_name))),
                }
            }
        };
        let key = registry.and_then(|registry| registry.key(&key_id));
        key.ok_or_else(|| errors::key_not_found(&format_key_arn(&namespace, &key_id)))
    }

    /// Asks the access rules whether the caller may use `key` for `key_use`.
    fn authorize(&self, context: &RequestContext, key: &Key, key_use: KeyUse<'_>, address: &str) -> AwsResult<()> {
        grants::check_grant_tokens(key_use.grant_tokens)?;
        // LocalStack lists the operations that reach another account's key
        // (https://docs.localstack.cloud/references/cross-account-access/);
        // the others act on the caller's own keys, which do not include this
        // one, so it is reported as not found, like a bare key id of another
        // account. The other profiles decide below.
        let cross_account = context.caller.account_id != key.namespace.account_id;
        if cross_account
            && self.access.effective_profile() == Profile::Localstack
            && !CROSS_ACCOUNT_OPERATIONS.contains(&key_use.permission)
        {
            return Err(errors::key_not_found(&key.arn));
        }
        let action = format!("kms:{}", key_use.permission);

        let authorization;
        let policy;
        let (resource_policy, service_authorization) = if self.access.evaluates_policies() {
            let state = key.state();
            let granted = state.grants.values().any(|grant| {
                grant.allows(
                    &context.caller.principal_arn,
                    key_use.permission,
                    key_use.encryption_context.unwrap_or(&EncryptionContext::new()),
                )
            });
            policy = state.policy.clone();
            drop(state);
            authorization = ServiceAuthorization {
                context: grants::condition_keys(context, key_use),
                resource_policy_required: true,
                granted,
            };
            (Some(policy.as_ref()), Some(&authorization))
        } else {
            (None, None)
        };

        let request = AccessRequest {
            caller: &context.caller,
            action: &action,
            resource_arn: &key.arn,
            resource_namespace: &key.namespace,
            grantable_across_accounts: CROSS_ACCOUNT_OPERATIONS.contains(&key_use.permission),
            resource_policy,
            source_ip: context.source_ip,
            service_source: None,
            service_authorization,
        };
        self.access.decide(&request).map_err(|denial| match denial {
            Denial::ImplicitDeny | Denial::ExplicitDeny => errors::access_denied(kms_denial_message(denial, &request)),
            Denial::OtherRegion => errors::other_region(address, &key.namespace.region),
            // NOTE: KMS documents that such a call fails, but not its error.
            // It is reported as not found, like a bare key id of another account.
            Denial::NotGrantableAcrossAccounts => errors::key_not_found(&key.arn),
        })
    }

    fn reject(&self, context: &RequestContext, call: &ServiceCall, error: &crate::error::AwsError) -> HttpResponse {
        tracing::debug!(
            operation = %call.operation,
            account = %context.caller.account_id,
            region = %context.caller.region,
            code = %error.code,
            "rejected KMS request"
        );
        aws_json::error_response(error, call.protocol, false, &context.request_id)
    }
}

/// Formats KMS's access denial message, which names the principal, the action and the key
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/troubleshooting-key-policies.html>).
fn kms_denial_message(denial: Denial, request: &AccessRequest<'_>) -> String {
    let head = format!(
        "User: {} is not authorized to perform: {} on resource: {}",
        request.principal_name(),
        request.action,
        request.resource_arn
    );
    match denial {
        Denial::ExplicitDeny => format!("{head} with an explicit deny in a resource-based policy"),
        _ => format!("{head} because no resource-based policy allows the {} action", request.action),
    }
}

/// Checks that the key's state allows an operation that `needs` it so.
fn check_state(key: &Key, needs: Needs) -> AwsResult<()> {
    let status = key.state().status;
    match (needs, status) {
        (Needs::AnyState, _) | (_, Status::Enabled) => Ok(()),
        (Needs::NotPendingDeletion, Status::Disabled) => Ok(()),
        (Needs::Enabled, Status::Disabled) => Err(errors::disabled(&key.arn)),
        (_, Status::PendingDeletion) => Err(errors::invalid_state(&key.arn, "pending deletion")),
        (Needs::NotPendingDeletion, Status::PendingImport) => Ok(()),
        (Needs::Enabled, Status::PendingImport) => Err(errors::invalid_state(&key.arn, "pending import")),
    }
}

/// Returns the current time in epoch seconds, as KMS timestamps are sent.
pub fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

fn unknown_operation(operation: &str) -> crate::error::AwsError {
    crate::error::AwsError::sender(
        "UnknownOperationException",
        400,
        format!("TrentService has no operation named {operation}."),
    )
}

impl Service for Kms {
    fn signing_name(&self) -> &'static str {
        "kms"
    }

    fn json_target_prefix(&self) -> Option<&'static str> {
        Some("TrentService")
    }

    /// KMS speaks awsJson1_1 only, so no awsQuery request is routed to it.
    fn has_operation(&self, _operation: &str) -> bool {
        false
    }

    fn call<'a>(&'a self, context: &'a RequestContext, call: ServiceCall) -> ResponseFuture<'a> {
        Box::pin(async move {
            match self.dispatch(context, &call).await {
                Ok(response) => response,
                Err(error) => self.reject(context, &call, &error),
            }
        })
    }
}
