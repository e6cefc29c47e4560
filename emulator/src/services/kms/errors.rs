//! Constructors for every error KMS returns, in one place.
//!
//! Each constructor fixes the error's shape name (the JSON `__type`) and its
//! HTTP status as the KMS Smithy model declares them: every KMS client error
//! is status 400, and KMSInternalException is 500
//! (<https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html>
//! and the `Errors` section of each action's page in the
//! [API reference](https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html)).
//! Messages name the offending value.

use crate::error::AwsError;

fn client(code: &'static str, message: String) -> AwsError {
    AwsError::sender(code, 400, message)
}

/// NotFoundException: no key, alias or grant has the given address.
pub fn not_found(message: String) -> AwsError {
    client("NotFoundException", message)
}

/// NotFoundException for a key address that names no key.
pub fn key_not_found(address: &str) -> AwsError {
    not_found(format!("Key '{address}' does not exist"))
}

/// NotFoundException for an alias name that names no alias.
pub fn alias_not_found(alias_arn: &str) -> AwsError {
    not_found(format!("Alias {alias_arn} is not found."))
}

/// NotFoundException for a malformed key address, which KMS reports as not found.
///
/// NOTE: unverified. AWS documents no error for a malformed key id, so
/// NotFoundException is assumed.
pub fn invalid_key_address(value: &str, reason: &str) -> AwsError {
    not_found(format!("Invalid keyId {value}: {reason}"))
}

/// NotFoundException for a key ARN of another region than the endpoint's.
///
/// NOTE: unverified. Each KMS endpoint serves one region, so a key ARN of
/// another region names no key there, and NotFoundException is assumed.
pub fn other_region(arn: &str, region: &str) -> AwsError {
    not_found(format!("Invalid arn {region}: {arn} is not in this endpoint's region"))
}

/// DisabledException: the key is disabled.
pub fn disabled(key_arn: &str) -> AwsError {
    client("DisabledException", format!("{key_arn} is disabled."))
}

/// KMSInvalidStateException: the key's state does not allow the operation.
pub fn invalid_state(key_arn: &str, state: &str) -> AwsError {
    client("KMSInvalidStateException", format!("{key_arn} is {state}."))
}

/// KMSInvalidStateException with a message of its own.
pub fn invalid_state_message(message: String) -> AwsError {
    client("KMSInvalidStateException", message)
}

/// InvalidCiphertextException: the ciphertext, or its encryption context, does not decrypt.
pub fn invalid_ciphertext(reason: &str) -> AwsError {
    client("InvalidCiphertextException", format!("The ciphertext is invalid: {reason}."))
}

/// IncorrectKeyException: the ciphertext was not encrypted under the key named in the request.
pub fn incorrect_key(key_arn: &str) -> AwsError {
    client(
        "IncorrectKeyException",
        format!("The key ID in the request does not identify the key that encrypted the ciphertext: {key_arn}."),
    )
}

/// InvalidKeyUsageException: the key's usage or spec does not allow the operation.
pub fn invalid_key_usage(key_arn: &str, usage: &str, operation: &str) -> AwsError {
    client("InvalidKeyUsageException", format!("{key_arn} key usage is {usage} which is not valid for {operation}."))
}

/// InvalidKeyUsageException for an algorithm the key's spec does not support.
pub fn unsupported_algorithm(key_arn: &str, member: &str, algorithm: &str, supported: &[&str]) -> AwsError {
    client(
        "InvalidKeyUsageException",
        format!(
            "Algorithm {algorithm} in {member} is incompatible with key spec of {key_arn}; supported values: {}.",
            supported.join(", ")
        ),
    )
}

/// ValidationException: a member breaks its constraints.
pub fn validation(message: String) -> AwsError {
    client("ValidationException", message)
}

/// ValidationException for a member value outside its enum or range.
pub fn invalid_value(member: &str, value: &str, constraint: &str) -> AwsError {
    validation(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
    ))
}

/// ValidationException for a required member that is absent.
pub fn missing(member: &str) -> AwsError {
    validation(format!(
        "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
    ))
}

/// ValidationException for a blob member longer than its maximum.
pub fn too_long(member: &str, length: usize, max: usize) -> AwsError {
    validation(format!(
        "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
         Member must have length less than or equal to {max} (the value has {length} bytes)"
    ))
}

/// AlreadyExistsException: an alias of that name already exists.
pub fn already_exists(alias_arn: &str) -> AwsError {
    client("AlreadyExistsException", format!("An alias with the name {alias_arn} already exists"))
}

/// InvalidAliasNameException: the alias name is malformed or reserved.
pub fn invalid_alias_name(alias_name: &str, reason: &str) -> AwsError {
    client("InvalidAliasNameException", format!("Alias {alias_name} is not valid: {reason}."))
}

/// InvalidArnException: an ARN in the request is not valid.
pub fn invalid_arn(member: &str, value: &str, reason: &str) -> AwsError {
    client("InvalidArnException", format!("{member} {value} is not a valid ARN: {reason}."))
}

/// InvalidArnException: the operation takes only a key id or key ARN, and `value` names an alias.
pub fn alias_not_supported(member: &str, value: &str) -> AwsError {
    client(
        "InvalidArnException",
        format!("Key Aliases are not supported for this operation. {member} {value} names an alias; use the key id or key ARN."),
    )
}

/// InvalidGrantTokenException: a grant token is not one the service issued.
pub fn invalid_grant_token(token: &str) -> AwsError {
    let shown: String = token.chars().take(64).collect();
    client("InvalidGrantTokenException", format!("Grant token {shown} is not valid."))
}

/// InvalidGrantIdException: the grant id is malformed.
pub fn invalid_grant_id(grant_id: &str) -> AwsError {
    client("InvalidGrantIdException", format!("Grant ID {grant_id} is not valid."))
}

/// NotFoundException for a grant id that names no grant of the key.
pub fn grant_not_found(grant_id: &str, key_arn: &str) -> AwsError {
    not_found(format!("Grant ID {grant_id} not found for key {key_arn}"))
}

/// KMSInvalidSignatureException: Verify found the signature invalid.
pub fn invalid_signature(key_arn: &str) -> AwsError {
    client(
        "KMSInvalidSignatureException",
        format!("The signature does not verify with {key_arn} and the given signing algorithm."),
    )
}

/// KMSInvalidMacException: VerifyMac found the MAC invalid.
pub fn invalid_mac(key_arn: &str) -> AwsError {
    client("KMSInvalidMacException", format!("The MAC does not verify with {key_arn} and the given MAC algorithm."))
}

/// UnsupportedOperationException: the key type does not support the operation.
pub fn unsupported_operation(key_arn: &str, operation: &str, key_spec: &str) -> AwsError {
    client(
        "UnsupportedOperationException",
        format!("{key_arn} has key spec {key_spec}, which does not support {operation}."),
    )
}

/// LimitExceededException: a per-account or per-key quota is reached.
pub fn limit_exceeded(message: String) -> AwsError {
    client("LimitExceededException", message)
}

/// MalformedPolicyDocumentException: the key policy does not parse.
pub fn malformed_policy(reason: &str) -> AwsError {
    client("MalformedPolicyDocumentException", format!("The key policy is malformed: {reason}."))
}

/// MalformedPolicyDocumentException: the new key policy would lock the caller out of the key.
pub fn policy_lockout(principal: &str) -> AwsError {
    client(
        "MalformedPolicyDocumentException",
        format!(
            "The new key policy will not allow {principal} to update the key policy in the future. \
             Allow kms:PutKeyPolicy to that principal, or set BypassPolicyLockoutSafetyCheck."
        ),
    )
}

/// TagException: a tag key or value breaks its constraints.
pub fn tag(message: String) -> AwsError {
    client("TagException", message)
}

/// AccessDeniedException (400): the key policy and grants do not allow the request.
pub fn access_denied(message: String) -> AwsError {
    client("AccessDeniedException", message)
}

/// KMSInternalException (500): a cryptographic primitive failed unexpectedly.
pub fn internal(operation: &str) -> AwsError {
    AwsError {
        code: "KMSInternalException".into(),
        query_code: None,
        message: format!("The cryptographic operation of {operation} failed inside the emulator."),
        status: 500,
        fault: crate::error::Fault::Receiver,
    }
}
