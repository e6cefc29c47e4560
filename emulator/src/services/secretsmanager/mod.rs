//! AWS Secrets Manager over awsJson1_1, `X-Amz-Target: secretsmanager.<Operation>`.
//!
//! A call flows as in KMS: decode the input ([`model`]), resolve `SecretId`
//! (a name, a full ARN or a partial ARN, parsed by
//! [`crate::arn::parse_secret_address`]) to the owning namespace, ask
//! [`crate::access::AccessRules::decide`] with the secret's resource policy,
//! validate the whole input, and only then change state.
//!
//! A name or partial ARN finds a secret in the caller's own namespace. Only
//! the operations of [`CROSS_ACCOUNT_OPERATIONS`] (and, under `aws`,
//! [`AWS_ONLY_CROSS_ACCOUNT_OPERATIONS`]) reach another account's secret,
//! and only by its full ARN; any other operation acts in the caller's
//! namespace and reports another account's secret as not found.
//!
//! Secret values are encrypted by the emulator's KMS
//! ([`crate::services::kms::service_use`]) under the secret's KMS key, or
//! the AWS managed key `aws/secretsmanager`, with an encryption context of
//! the secret's ARN (`SecretARN`) and version id (`SecretVersionId`).
//! Reading a value from another account needs the secret's resource policy
//! and the key's policy to allow it under the enforcing profiles, and is
//! never possible under the managed key
//! (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html>).
//!
//! Module map: [`model`] (inputs and outputs), [`errors`] (every error),
//! [`secret`] (secrets, versions, staging labels and the registry), and the
//! operations in [`secrets`], [`values`], [`policies`] and [`password`].

pub mod errors;
pub mod model;
pub mod password;
pub mod policies;
pub mod secret;
pub mod secrets;
pub mod values;

use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use crate::access::{AccessRequest, AccessRules, Denial, Profile};
use crate::arn::{SECRET_SUFFIX_LEN, SecretAddress, parse_secret_address};
use crate::config::Config;
use crate::error::{AwsError, AwsResult};
use crate::http::{HttpResponse, RequestContext, ServiceCall, aws_json};
use crate::services::kms::Kms;
use crate::services::kms::model::EncryptionContext;
use crate::services::kms::service_use::{ServiceCiphertext, ServiceUse};
use crate::services::{ResponseFuture, Service};
use crate::store::{Namespace, Namespaces};

use model::Blob;
use secret::{Secret, SecretRegistry, Version};

/// The operations that work on another account's secret, by its full ARN,
/// under LocalStack's profiles
/// (<https://docs.localstack.cloud/references/cross-account-access/>).
pub const CROSS_ACCOUNT_OPERATIONS: &[&str] = &[
    "DeleteSecret",
    "DescribeSecret",
    "GetResourcePolicy",
    "GetSecretValue",
    "ListSecretVersionIds",
    "PutResourcePolicy",
    "PutSecretValue",
    "RestoreSecret",
    "TagResource",
    "UntagResource",
    "UpdateSecret",
];

/// The operations AWS also lets another account run on a secret, by its
/// full ARN, when the secret's resource policy allows it: AWS's list names
/// them beside the LocalStack ones
/// (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html>).
/// NOTE: the copies of that page we could read end their list at
/// ReplicateSecretToRegions. So UpdateSecretVersionStage and
/// ValidateResourcePolicy are unverified.
pub const AWS_ONLY_CROSS_ACCOUNT_OPERATIONS: &[&str] =
    &["DeleteResourcePolicy", "UpdateSecretVersionStage", "ValidateResourcePolicy"];

/// Every operation the service serves.
pub const OPERATIONS: &[&str] = &[
    "BatchGetSecretValue",
    "CreateSecret",
    "DeleteResourcePolicy",
    "DeleteSecret",
    "DescribeSecret",
    "GetRandomPassword",
    "GetResourcePolicy",
    "GetSecretValue",
    "ListSecretVersionIds",
    "ListSecrets",
    "PutResourcePolicy",
    "PutSecretValue",
    "RestoreSecret",
    "TagResource",
    "UntagResource",
    "UpdateSecret",
    "UpdateSecretVersionStage",
    "ValidateResourcePolicy",
];

/// The endpoint prefix in `kms:ViaService` and the managed key's alias.
const SERVICE: &str = "secretsmanager";
/// The length of `-XXXXXX` at the end of a full secret ARN.
pub const SUFFIX_WITH_HYPHEN: usize = SECRET_SUFFIX_LEN + 1;
/// The largest SecretString or SecretBinary, in bytes
/// (<https://github.com/FogSecurity/aws-size/issues/33> lists the quota
/// L-2F24C883, 65,536 bytes, not adjustable).
pub const MAX_SECRET_BYTES: usize = 65_536;
/// The largest SecretId, in characters.
const MAX_SECRET_ID: usize = 2048;

/// A secret value as the caller gives or reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretValue {
    String(String),
    Binary(Vec<u8>),
}

impl SecretValue {
    fn bytes(&self) -> &[u8] {
        match self {
            SecretValue::String(text) => text.as_bytes(),
            SecretValue::Binary(bytes) => bytes,
        }
    }

    fn is_binary(&self) -> bool {
        matches!(self, SecretValue::Binary(_))
    }

    /// SHA-256 of the kind and the bytes, so that equal text and binary values differ.
    fn digest(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update([u8::from(self.is_binary())]);
        hasher.update(self.bytes());
        hasher.finalize().into()
    }

    /// Splits the value into the SecretString and SecretBinary members of an output.
    fn into_members(self) -> (Option<String>, Option<Blob>) {
        match self {
            SecretValue::String(text) => (Some(text), None),
            SecretValue::Binary(bytes) => (None, Some(Blob(bytes))),
        }
    }
}

/// Reads SecretString and SecretBinary: at most one, each of 1 to
/// [`MAX_SECRET_BYTES`] bytes, as the API model's SecretStringType and
/// SecretBinaryType allow (botocore 1.43.11).
fn secret_value(secret_string: Option<String>, secret_binary: Option<Blob>) -> AwsResult<Option<SecretValue>> {
    let too_long = |member: &str, length: usize| {
        errors::validation(
            member,
            &format!("Member must have length less than or equal to {MAX_SECRET_BYTES} (the value has {length} bytes)"),
        )
    };
    let empty = |member: &str| {
        errors::validation(member, "Member must have length greater than or equal to 1 (the value is empty)")
    };
    match (secret_string, secret_binary) {
        (Some(_), Some(_)) => {
            Err(errors::invalid_parameter("You can't specify both SecretString and SecretBinary in one request."))
        }
        (Some(text), None) if text.is_empty() => Err(empty("secretString")),
        (None, Some(Blob(bytes))) if bytes.is_empty() => Err(empty("secretBinary")),
        (Some(text), None) if text.len() > MAX_SECRET_BYTES => Err(too_long("secretString", text.len())),
        (None, Some(Blob(bytes))) if bytes.len() > MAX_SECRET_BYTES => Err(too_long("secretBinary", bytes.len())),
        (Some(text), None) => Ok(Some(SecretValue::String(text))),
        (None, Some(Blob(bytes))) => Ok(Some(SecretValue::Binary(bytes))),
        (None, None) => Ok(None),
    }
}

/// Checks a ClientRequestToken (32 to 64 characters) or makes a new one.
fn request_token(token: Option<String>) -> AwsResult<String> {
    match token {
        None => Ok(uuid::Uuid::new_v4().hyphenated().to_string()),
        Some(token) if (32..=64).contains(&token.chars().count()) => Ok(token),
        Some(token) => Err(errors::validation(
            "clientRequestToken",
            &format!(
                "Member must have length between 32 and 64 (the value {token:?} has {} characters)",
                token.chars().count()
            ),
        )),
    }
}

/// Returns the encryption context of one version's value.
fn encryption_context(arn: &str, version_id: &str) -> EncryptionContext {
    EncryptionContext::from([
        ("SecretARN".to_owned(), arn.to_owned()),
        ("SecretVersionId".to_owned(), version_id.to_owned()),
    ])
}

/// Returns the current time in epoch seconds, as Secrets Manager timestamps are sent.
pub fn now() -> f64 {
    crate::services::kms::now()
}

/// The Secrets Manager service: its settings, every namespace's secrets, and the KMS that encrypts them.
pub struct SecretsManager {
    access: AccessRules,
    kms: Arc<Kms>,
    namespaces: Namespaces<SecretRegistry>,
}

impl SecretsManager {
    pub fn new(config: &Config, kms: Arc<Kms>) -> SecretsManager {
        SecretsManager { access: config.access, kms, namespaces: Namespaces::default() }
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
            "CreateSecret" => serve!(create_secret),
            "DescribeSecret" => serve!(describe_secret),
            "UpdateSecret" => serve!(update_secret),
            "DeleteSecret" => serve!(delete_secret),
            "RestoreSecret" => serve!(restore_secret),
            "ListSecrets" => serve!(list_secrets),
            "TagResource" => serve!(tag_resource),
            "UntagResource" => serve!(untag_resource),
            "GetSecretValue" => serve!(get_secret_value),
            "BatchGetSecretValue" => serve!(batch_get_secret_value),
            "PutSecretValue" => serve!(put_secret_value),
            "UpdateSecretVersionStage" => serve!(update_secret_version_stage),
            "ListSecretVersionIds" => serve!(list_secret_version_ids),
            "GetResourcePolicy" => serve!(get_resource_policy),
            "PutResourcePolicy" => serve!(put_resource_policy),
            "DeleteResourcePolicy" => serve!(delete_resource_policy),
            "ValidateResourcePolicy" => serve!(validate_resource_policy),
            "GetRandomPassword" => serve!(get_random_password),
            other => return Err(errors::unknown_operation(other)),
        };
        Ok(response)
    }

    fn caller_namespace(context: &RequestContext) -> Namespace {
        Namespace::new(&context.caller.account_id, &context.caller.region)
    }

    /// Finds the secret `secret_id` names and checks with the access rules
    /// that the caller may run `operation` on it.
    fn resolve(&self, context: &RequestContext, secret_id: Option<&str>, operation: &str) -> AwsResult<Arc<Secret>> {
        let secret_id = check_secret_id(secret_id)?;
        let secret = self.find(context, secret_id, operation)?;
        self.authorize(context, &secret, operation)?;
        Ok(secret)
    }

    /// Finds the secret an address names, without an access decision.
    fn find(&self, context: &RequestContext, secret_id: &str, operation: &str) -> AwsResult<Arc<Secret>> {
        let address = parse_secret_address(secret_id).map_err(|error| {
            errors::invalid_parameter(format!("SecretId {secret_id} is not a valid secret ARN: {}.", error.reason))
        })?;
        let caller = Self::caller_namespace(context);
        let namespace = address.namespace(&caller);
        let other_account = namespace.account_id != caller.account_id;
        if other_account && !self.reaches_other_accounts(operation) {
            return Err(errors::secret_not_found(secret_id));
        }
        if self.access.effective_profile() == Profile::Aws && namespace.region != caller.region {
            return Err(errors::other_region(secret_id, &namespace.region));
        }

        let registry = self.namespaces.get(&namespace).ok_or_else(|| errors::secret_not_found(secret_id))?;
        let now = now();
        let found = match &address {
            SecretAddress::Name(name) => registry.by_name(name, now),
            // Another account's secret is found by its full ARN only.
            SecretAddress::Arn { resource, .. } => registry
                .by_arn(secret_id, now)
                .or_else(|| if other_account { None } else { registry.by_name(resource, now) }),
        };
        found.ok_or_else(|| errors::secret_not_found(secret_id))
    }

    /// Reports whether `operation` reaches another account's secret under
    /// the profile in force.
    fn reaches_other_accounts(&self, operation: &str) -> bool {
        CROSS_ACCOUNT_OPERATIONS.contains(&operation)
            || (self.access.effective_profile() == Profile::Aws
                && AWS_ONLY_CROSS_ACCOUNT_OPERATIONS.contains(&operation))
    }

    /// Asks the access rules whether the caller may run `operation` on `secret`.
    fn authorize(&self, context: &RequestContext, secret: &Secret, operation: &str) -> AwsResult<()> {
        let action = format!("secretsmanager:{operation}");
        let policy = if self.access.evaluates_policies() { secret.state().policy.clone() } else { None };
        let request = AccessRequest {
            caller: &context.caller,
            action: &action,
            resource_arn: &secret.arn,
            resource_namespace: &secret.namespace,
            grantable_across_accounts: self.reaches_other_accounts(operation),
            resource_policy: policy.as_deref(),
            source_ip: context.source_ip,
            service_source: None,
            service_authorization: None,
        };
        self.access.decide(&request).map_err(|denial| match denial {
            Denial::ImplicitDeny | Denial::ExplicitDeny => errors::access_denied(denial_message(denial, &request)),
            Denial::OtherRegion => errors::other_region(&secret.arn, &secret.namespace.region),
            Denial::NotGrantableAcrossAccounts => errors::secret_not_found(&secret.arn),
        })
    }

    /// Encrypts one version's value under `key_address`, or `aws/secretsmanager` when it is `None`.
    ///
    /// Another account's caller cannot use the AWS managed key, under any
    /// profile: "You can only use the AWS managed key aws/secretsmanager if
    /// you call this operation using credentials from the same Amazon Web
    /// Services account that owns the secret"
    /// (<https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/secretsmanager/aws.sdk.kotlin.services.secretsmanager.model/-update-secret-request/kms-key-id.html>).
    fn encrypt_value(
        &self,
        context: &RequestContext,
        namespace: &Namespace,
        arn: &str,
        version_id: &str,
        key_address: Option<&str>,
        value: &SecretValue,
    ) -> AwsResult<ServiceCiphertext> {
        let service = ServiceUse { service: SERVICE, namespace };
        let other_account = context.caller.account_id != namespace.account_id;
        if other_account && key_address.is_none_or(|address| address == service.managed_alias()) {
            return Err(errors::managed_key_across_accounts(arn));
        }
        let ciphertext = self
            .kms
            .encrypt_for_service(context, service, key_address, value.bytes(), &encryption_context(arn, version_id))
            .map_err(|error| kms_error(&error, errors::encryption_failure))?;
        if other_account && ciphertext.aws_managed {
            return Err(errors::managed_key_across_accounts(arn));
        }
        Ok(ciphertext)
    }

    /// Builds a new version of `secret` holding `value`, encrypted under the secret's key.
    fn new_version(
        &self,
        context: &RequestContext,
        secret: &Secret,
        version_id: String,
        key_address: Option<&str>,
        value: &SecretValue,
        sequence: u64,
    ) -> AwsResult<Version> {
        let ciphertext =
            self.encrypt_value(context, &secret.namespace, &secret.arn, &version_id, key_address, value)?;
        Ok(Version {
            version_id,
            encryptions: vec![ciphertext],
            binary: value.is_binary(),
            digest: value.digest(),
            stages: Vec::new(),
            created_date: now(),
            last_accessed_date: None,
            sequence,
        })
    }

    /// Decrypts one version's value as the caller, trying its encryptions
    /// newest first, and returns the first failure when none decrypts. A
    /// value under the AWS managed key cannot be read from another account,
    /// under any profile.
    fn decrypt_value(&self, context: &RequestContext, secret: &Secret, version: &Version) -> AwsResult<SecretValue> {
        let other_account = context.caller.account_id != secret.namespace.account_id;
        let service = ServiceUse { service: SERVICE, namespace: &secret.namespace };
        let encryption_context = encryption_context(&secret.arn, &version.version_id);
        let mut first_error = None;
        let mut plaintext = None;
        for encryption in &version.encryptions {
            if encryption.aws_managed && other_account {
                first_error.get_or_insert_with(|| errors::managed_key_across_accounts(&secret.arn));
                continue;
            }
            match self.kms.decrypt_for_service(context, service, &encryption.blob, &encryption_context) {
                Ok(bytes) => {
                    plaintext = Some(bytes);
                    break;
                }
                Err(error) => {
                    first_error.get_or_insert_with(|| kms_error(&error, errors::decryption_failure));
                }
            }
        }
        let Some(plaintext) = plaintext else {
            return Err(first_error.unwrap_or_else(|| {
                errors::internal(format!("Version {} has no encrypted value.", version.version_id))
            }));
        };
        if version.binary {
            return Ok(SecretValue::Binary(plaintext));
        }
        String::from_utf8(plaintext)
            .map(SecretValue::String)
            .map_err(|_| errors::internal(format!("The value of version {} is not UTF-8.", version.version_id)))
    }

    fn reject(&self, context: &RequestContext, call: &ServiceCall, error: &AwsError) -> HttpResponse {
        tracing::debug!(
            operation = %call.operation,
            account = %context.caller.account_id,
            region = %context.caller.region,
            code = %error.code,
            "rejected Secrets Manager request"
        );
        aws_json::error_response(error, call.protocol, false, &context.request_id)
    }
}

/// Checks that SecretId is present and at most [`MAX_SECRET_ID`] characters.
fn check_secret_id(secret_id: Option<&str>) -> AwsResult<&str> {
    let secret_id = secret_id.ok_or_else(|| errors::missing("secretId"))?;
    let length = secret_id.chars().count();
    if length == 0 || length > MAX_SECRET_ID {
        return Err(errors::validation(
            "secretId",
            &format!("Member must have length between 1 and {MAX_SECRET_ID} (the value has {length} characters)"),
        ));
    }
    Ok(secret_id)
}

/// Maps a KMS error met while protecting a value: an access denial becomes
/// Secrets Manager's AccessDeniedException, anything else `failure`.
fn kms_error(error: &AwsError, failure: fn(&str) -> AwsError) -> AwsError {
    let detail = format!("{}: {}", error.code, error.message);
    if error.code == "AccessDeniedException" { errors::kms_access_denied(&detail) } else { failure(&detail) }
}

/// Formats the access denial message, which names the principal, the action and the secret.
fn denial_message(denial: Denial, request: &AccessRequest<'_>) -> String {
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

impl Service for SecretsManager {
    fn signing_name(&self) -> &'static str {
        SERVICE
    }

    fn json_target_prefix(&self) -> Option<&'static str> {
        Some(SERVICE)
    }

    /// Secrets Manager speaks awsJson1_1 only, so no awsQuery request is routed to it.
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

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use http_body_util::BodyExt as _;

    use super::*;
    use crate::http::Protocol;
    use crate::identity::{Caller, IdentityOptions};

    const OWNER: &str = "111111111111";
    const PLAINTEXT: &str = "plain text that must not be stored";

    fn context(account_id: &str) -> RequestContext {
        RequestContext {
            request_id: "test-request".to_owned(),
            caller: Caller::new(account_id, "ap-south-1", IdentityOptions::default()),
            host: "127.0.0.1".to_owned(),
            path: "/".to_owned(),
            query: String::new(),
            headers: http::HeaderMap::new(),
            source_ip: None,
        }
    }

    /// Creates a secret under the managed key through the service and
    /// returns the KMS, the Decrypt request for the stored ciphertext, and that ciphertext.
    fn stored_secret(profile: Profile) -> (Arc<Kms>, serde_json::Value, Vec<u8>) {
        let config = Config { access: AccessRules::from(profile), ..Config::default() };
        let kms = Arc::new(Kms::new(&config));
        let secrets = SecretsManager::new(&config, kms.clone());
        let input = model::CreateSecretInput {
            name: Some("stored".to_owned()),
            secret_string: Some(PLAINTEXT.to_owned()),
            ..model::CreateSecretInput::default()
        };
        let created = secrets.create_secret(&context(OWNER), input).expect("CreateSecret");
        let version_id = created.version_id.expect("a version");

        let namespace = Namespace::new(OWNER, "ap-south-1");
        let registry = secrets.namespaces.get(&namespace).expect("the namespace");
        let secret = registry.by_name("stored", now()).expect("the secret");
        let ciphertext = secret.state().versions.get(&version_id).expect("the version").encryptions[0].blob.clone();
        let request = serde_json::json!({
            "CiphertextBlob": STANDARD.encode(&ciphertext),
            "EncryptionContext": {"SecretARN": created.arn, "SecretVersionId": version_id},
        });
        (kms, request, ciphertext)
    }

    /// Calls KMS's own Decrypt operation, the path a KMS client takes, and
    /// returns the HTTP status and the JSON body.
    async fn kms_decrypt(kms: &Kms, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let call = ServiceCall {
            protocol: Protocol::AwsJson1_1,
            operation: "Decrypt".to_owned(),
            body: body.to_string().into(),
            params: Vec::new(),
        };
        let response = kms.call(&context(OWNER), call).await;
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.expect("the body is in memory").to_bytes();
        (status, serde_json::from_slice(&bytes).expect("a JSON body"))
    }

    #[tokio::test]
    async fn stored_value_decrypts_with_kms_decrypt() {
        let (kms, mut request, ciphertext) = stored_secret(Profile::Localstack);
        let needle = b"must not be stored";
        let contains_plaintext = ciphertext.windows(needle.len()).any(|window| window == needle);
        assert!(!contains_plaintext, "the stored bytes contain the plain text");

        let (status, body) = kms_decrypt(&kms, &request).await;
        assert_eq!(status, 200, "{body}");
        let plaintext = STANDARD.decode(body["Plaintext"].as_str().expect("Plaintext")).expect("base64");
        assert_eq!(plaintext, PLAINTEXT.as_bytes());

        request["EncryptionContext"]["SecretVersionId"] = serde_json::json!("another-version");
        let (status, body) = kms_decrypt(&kms, &request).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["__type"], "InvalidCiphertextException", "the context binds the version");
    }

    #[tokio::test]
    async fn managed_key_needs_secrets_manager() {
        let (kms, request, _) = stored_secret(Profile::Aws);
        let (status, body) = kms_decrypt(&kms, &request).await;
        // A direct Decrypt carries no kms:ViaService, which the managed key's policy requires.
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["__type"], "AccessDeniedException", "{body}");
    }
}
