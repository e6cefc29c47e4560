//! Every error Secrets Manager returns, one constructor per AWS error code.
//! All are client errors with HTTP status 400 except InternalServiceError.

use crate::error::{AwsError, Fault};

fn client(code: &'static str, message: impl Into<String>) -> AwsError {
    AwsError::sender(code, 400, message)
}

/// ResourceNotFoundException: no secret, or no version, matches the request.
pub fn secret_not_found(secret_id: &str) -> AwsError {
    client("ResourceNotFoundException", format!("Secrets Manager can't find the specified secret: {secret_id}."))
}

/// ResourceNotFoundException for a version id or staging label the secret does not have.
pub fn version_not_found(secret_id: &str, detail: &str) -> AwsError {
    client(
        "ResourceNotFoundException",
        format!("Secrets Manager can't find the specified secret value for {detail} of secret {secret_id}."),
    )
}

/// ResourceNotFoundException for a secret ARN of another region than the
/// endpoint's. Each endpoint serves one region, and AWS rejects such an ARN
/// with "Secrets Manager can't find the specified secret.", as reported in
/// <https://github.com/newrelic/newrelic-lambda-extension/issues/210> and
/// <https://github.com/DataDog/datadog-lambda-python/pull/576>.
/// NOTE: those reports are within one account; that the answer is the same
/// for another account's secret in another region is assumed.
pub fn other_region(secret_id: &str, region: &str) -> AwsError {
    client(
        "ResourceNotFoundException",
        format!(
            "Secrets Manager can't find the specified secret: {secret_id} is in region {region}, not in this endpoint's region."
        ),
    )
}

/// InvalidParameterException: a parameter's name or value is invalid.
pub fn invalid_parameter(message: impl Into<String>) -> AwsError {
    client("InvalidParameterException", message)
}

/// InvalidRequestException: a value is not valid for the secret's current state.
pub fn invalid_request(message: impl Into<String>) -> AwsError {
    client("InvalidRequestException", message)
}

/// InvalidRequestException for a secret scheduled for deletion, with the
/// message AWS returns, as quoted in
/// <https://github.com/external-secrets/kubernetes-external-secrets/issues/114>.
pub fn marked_for_deletion(arn: &str) -> AwsError {
    invalid_request(format!(
        "You can't perform this operation on the secret because it was marked for deletion. \
         Call RestoreSecret on {arn} to cancel the deletion."
    ))
}

/// InvalidRequestException for CreateSecret with the name of a secret
/// scheduled for deletion, with the message AWS returns, as quoted in
/// <https://github.com/redpanda-data/console/issues/1835>.
pub fn name_scheduled_for_deletion(name: &str) -> AwsError {
    invalid_request(format!(
        "You can't create this secret because a secret with this name is already scheduled for deletion: {name}."
    ))
}

/// InvalidRequestException: a secret under the AWS managed key read from another account.
///
/// AWS: "you can't use the AWS managed key (aws/secretsmanager) for
/// cross-account access"
/// (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html>);
/// the error's message is the one AWS's troubleshooting article quotes
/// (<https://www.repost.aws/zh-Hans/knowledge-center/secrets-manager-cross-account-key>,
/// which quotes it in English).
pub fn managed_key_across_accounts(arn: &str) -> AwsError {
    invalid_request(format!(
        "You can't access a secret from a different AWS account if you encrypt the secret with the default KMS \
         service key. Secret: {arn}."
    ))
}

/// InvalidNextTokenException: NextToken is not one this endpoint returned.
pub fn invalid_next_token(token: &str) -> AwsError {
    client("InvalidNextTokenException", format!("The NextToken value {token} is invalid."))
}

/// ResourceExistsException: a secret of that name, or a version of that id with another value, exists.
pub fn resource_exists(message: impl Into<String>) -> AwsError {
    client("ResourceExistsException", message)
}

/// MalformedPolicyDocumentException: the resource policy does not parse.
pub fn malformed_policy(reason: &str) -> AwsError {
    client("MalformedPolicyDocumentException", format!("The resource policy has syntax errors: {reason}."))
}

/// PublicPolicyException: BlockPublicPolicy rejected a policy that grants broad access.
pub fn public_policy(detail: &str) -> AwsError {
    client(
        "PublicPolicyException",
        format!("The BlockPublicPolicy parameter is set, and the resource policy grants broad access: {detail}."),
    )
}

/// LimitExceededException: the request would exceed a Secrets Manager quota.
pub fn limit_exceeded(message: impl Into<String>) -> AwsError {
    client("LimitExceededException", message)
}

/// LimitExceededException for a staging label beyond the quota of labels on one secret.
pub fn too_many_labels(arn: &str, stage: &str, max: usize) -> AwsError {
    limit_exceeded(format!(
        "Adding the staging label {stage} would give secret {arn} more than {max} staging labels across its versions. \
         Remove a label with UpdateSecretVersionStage first."
    ))
}

/// AccessDeniedException (400): the secret's resource policy does not allow the request.
pub fn access_denied(message: String) -> AwsError {
    client("AccessDeniedException", message)
}

/// AccessDeniedException for a KMS key the caller may not use. The message
/// is the one AWS's troubleshooting article quotes
/// (<https://www.repost.aws/zh-Hans/knowledge-center/secrets-manager-cross-account-key>,
/// which quotes it in English).
pub fn kms_access_denied(detail: &str) -> AwsError {
    access_denied(format!("Access to KMS is not allowed: {detail}"))
}

/// DecryptionFailure: the secret's KMS key cannot decrypt the value, for
/// example because it is disabled
/// (<https://docs.aws.amazon.com/botocore/latest/reference/services/secretsmanager/client/exceptions/DecryptionFailure.html>).
pub fn decryption_failure(detail: &str) -> AwsError {
    client(
        "DecryptionFailure",
        format!("Secrets Manager can't decrypt the protected secret text using the provided KMS key: {detail}"),
    )
}

/// EncryptionFailure: the KMS key cannot encrypt the value
/// (<https://docs.aws.amazon.com/botocore/latest/reference/services/secretsmanager/client/exceptions/EncryptionFailure.html>).
pub fn encryption_failure(detail: &str) -> AwsError {
    client(
        "EncryptionFailure",
        format!(
            "Secrets Manager can't encrypt the protected secret text using the provided KMS key. \
             Check that the KMS key is available, enabled, and not in an invalid state: {detail}"
        ),
    )
}

/// ValidationException for a member value that breaks its model constraint.
/// The form is the one AWS's JSON services return, such as "Value at
/// 'secretBinary' failed to satisfy constraint: Member must have length less
/// than or equal to 10240" quoted in
/// <https://github.com/kubernetes-sigs/cluster-api-provider-aws/issues/1531>.
pub fn validation(member: &str, constraint: &str) -> AwsError {
    client(
        "ValidationException",
        format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: {constraint}"),
    )
}

/// ValidationException for a required member that is absent.
pub fn missing(member: &str) -> AwsError {
    client(
        "ValidationException",
        format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ),
    )
}

/// InternalServiceError (500): a step inside the emulator failed.
pub fn internal(message: impl Into<String>) -> AwsError {
    AwsError {
        code: "InternalServiceError".into(),
        query_code: None,
        message: message.into(),
        status: 500,
        fault: Fault::Receiver,
    }
}

/// UnknownOperationException for an X-Amz-Target operation Secrets Manager does not have.
pub fn unknown_operation(operation: &str) -> AwsError {
    client("UnknownOperationException", format!("secretsmanager has no operation named {operation}."))
}
