//! End-to-end tests of the emulator's Secrets Manager over real sockets on
//! 127.0.0.1, through the official `aws-sdk-secretsmanager` and
//! `aws-sdk-kms` clients.
//!
//! - `sdk` drives every operation within one account: lookups by name,
//!   partial ARN and full ARN, version stages, idempotency tokens, listing,
//!   tags, resource policies and random passwords.
//! - `cross_account` shares secrets across accounts under each profile, with
//!   customer keys, the managed key and resource policies.
//! - `encryption` checks that values really are encrypted by KMS keys.
//! - `key_changes` covers KmsKeyId on CreateSecret and UpdateSecret.
//! - `listing` covers the order of ListSecrets.
//! - `bad_input` has one test per kind of invalid request.
//! - `staging` covers staging labels at the edges of PutSecretValue.

mod bad_input;
mod common;
mod cross_account;
mod encryption;
mod key_changes;
mod listing;
mod sdk;
mod staging;
