//! Keys reached from another account and region: by key ARN, by alias ARN
//! and by bare id, under each profile, with key policies and grants.

use std::collections::BTreeMap;

use aws_sdk_kms::Client;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{GrantConstraints, GrantOperation, MacAlgorithmSpec, SigningAlgorithmSpec};

use crate::common::{
    HOME_REGION, OTHER, OTHER_REGION, OWNER, client, key_of, outcome, start, start_profile, symmetric_key,
};

/// The owner's keys and aliases that the cross-account calls use.
struct Fixture {
    symmetric_arn: String,
    sign_arn: String,
    mac_arn: String,
}

async fn fixture(owner: &Client) -> Fixture {
    let (_, symmetric_arn) = symmetric_key(owner).await;
    let sign_arn = key_of(owner, "ECC_NIST_P256", "SIGN_VERIFY").await;
    let mac_arn = key_of(owner, "HMAC_256", "GENERATE_VERIFY_MAC").await;
    for (alias, key) in [("alias/shared", &symmetric_arn), ("alias/signer", &sign_arn), ("alias/mac", &mac_arn)] {
        owner.create_alias().alias_name(alias).target_key_id(key).send().await.expect("CreateAlias");
    }
    Fixture { symmetric_arn, sign_arn, mac_arn }
}

/// How a test names the owner's keys: key ARN, alias ARN, bare key id or alias name.
#[derive(Debug, Clone, Copy)]
enum Address {
    KeyArn,
    AliasArn,
    KeyId,
    AliasName,
}

impl Address {
    fn of(self, key_arn: &str, alias: &str) -> String {
        let (prefix, key_id) = key_arn.split_once(":key/").expect("a key ARN");
        match self {
            Address::KeyArn => key_arn.to_owned(),
            Address::AliasArn => format!("{prefix}:{alias}"),
            Address::KeyId => key_id.to_owned(),
            Address::AliasName => alias.to_owned(),
        }
    }

    /// Returns the key form of the same kind, for the operations that reject aliases
    /// (CreateGrant, ListGrants, RetireGrant, RevokeGrant, GetKeyRotationStatus).
    fn without_alias(self) -> Address {
        match self {
            Address::AliasArn => Address::KeyArn,
            Address::AliasName => Address::KeyId,
            key_form => key_form,
        }
    }
}

/// Runs each of the 18 cross-account operations as `caller` on the owner's
/// keys, addressed in the form `address` selects, and returns each operation's outcome.
async fn cross_account_outcomes(
    owner: &Client,
    caller: &Client,
    keys: &Fixture,
    address: Address,
) -> BTreeMap<&'static str, String> {
    let symmetric = address.of(&keys.symmetric_arn, "alias/shared");
    let sign = address.of(&keys.sign_arn, "alias/signer");
    let mac = address.of(&keys.mac_arn, "alias/mac");
    let symmetric_key = address.without_alias().of(&keys.symmetric_arn, "alias/shared");
    let owner_blob = owner
        .encrypt()
        .key_id(&keys.symmetric_arn)
        .plaintext(Blob::new("shared secret"))
        .send()
        .await
        .expect("the owner encrypts")
        .ciphertext_blob()
        .expect("blob")
        .clone();
    let grantee = format!("arn:aws:iam::{OTHER}:root");
    let grant_for = |name: &'static str| {
        owner
            .create_grant()
            .key_id(&keys.symmetric_arn)
            .grantee_principal(&grantee)
            .operations(GrantOperation::Decrypt)
            .operations(GrantOperation::RetireGrant)
            .name(name)
            .send()
    };
    let retire_id = grant_for("retire").await.expect("the owner creates a grant").grant_id().expect("id").to_owned();
    let revoke_id = grant_for("revoke").await.expect("the owner creates a grant").grant_id().expect("id").to_owned();

    let mut outcomes = BTreeMap::new();
    outcomes.insert("DescribeKey", outcome(&caller.describe_key().key_id(&symmetric).send().await));
    outcomes.insert("Encrypt", outcome(&caller.encrypt().key_id(&symmetric).plaintext(Blob::new("x")).send().await));
    outcomes.insert(
        "Decrypt",
        outcome(&caller.decrypt().key_id(&symmetric).ciphertext_blob(owner_blob.clone()).send().await),
    );
    outcomes.insert(
        "ReEncrypt",
        outcome(
            &caller
                .re_encrypt()
                .ciphertext_blob(owner_blob)
                .source_key_id(&symmetric)
                .destination_key_id(&symmetric)
                .send()
                .await,
        ),
    );
    outcomes.insert(
        "GenerateDataKey",
        outcome(&caller.generate_data_key().key_id(&symmetric).number_of_bytes(32).send().await),
    );
    outcomes.insert(
        "GenerateDataKeyWithoutPlaintext",
        outcome(&caller.generate_data_key_without_plaintext().key_id(&symmetric).number_of_bytes(32).send().await),
    );
    outcomes.insert(
        "GenerateDataKeyPair",
        outcome(&caller.generate_data_key_pair().key_id(&symmetric).key_pair_spec("ECC_NIST_P256".into()).send().await),
    );
    outcomes.insert(
        "GenerateDataKeyPairWithoutPlaintext",
        outcome(
            &caller
                .generate_data_key_pair_without_plaintext()
                .key_id(&symmetric)
                .key_pair_spec("ECC_NIST_P256".into())
                .send()
                .await,
        ),
    );
    outcomes.insert("GetKeyRotationStatus", outcome(&caller.get_key_rotation_status().key_id(&symmetric_key).send().await));
    outcomes.insert(
        "CreateGrant",
        outcome(
            &caller
                .create_grant()
                .key_id(&symmetric_key)
                .grantee_principal(&grantee)
                .operations(GrantOperation::Encrypt)
                .send()
                .await,
        ),
    );
    outcomes.insert("ListGrants", outcome(&caller.list_grants().key_id(&symmetric_key).send().await));
    outcomes
        .insert("RetireGrant", outcome(&caller.retire_grant().key_id(&symmetric_key).grant_id(&retire_id).send().await));
    outcomes
        .insert("RevokeGrant", outcome(&caller.revoke_grant().key_id(&symmetric_key).grant_id(&revoke_id).send().await));

    let signed = caller
        .sign()
        .key_id(&sign)
        .message(Blob::new("m"))
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await;
    outcomes.insert("Sign", outcome(&signed));
    let owner_signature = owner
        .sign()
        .key_id(&keys.sign_arn)
        .message(Blob::new("m"))
        .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await
        .expect("the owner signs")
        .signature()
        .expect("signature")
        .clone();
    outcomes.insert(
        "Verify",
        outcome(
            &caller
                .verify()
                .key_id(&sign)
                .message(Blob::new("m"))
                .signature(owner_signature)
                .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
                .send()
                .await,
        ),
    );
    outcomes.insert("GetPublicKey", outcome(&caller.get_public_key().key_id(&sign).send().await));

    let owner_mac = owner
        .generate_mac()
        .key_id(&keys.mac_arn)
        .message(Blob::new("m"))
        .mac_algorithm(MacAlgorithmSpec::HmacSha256)
        .send()
        .await
        .expect("the owner computes a MAC")
        .mac()
        .expect("mac")
        .clone();
    outcomes.insert(
        "GenerateMac",
        outcome(
            &caller
                .generate_mac()
                .key_id(&mac)
                .message(Blob::new("m"))
                .mac_algorithm(MacAlgorithmSpec::HmacSha256)
                .send()
                .await,
        ),
    );
    outcomes.insert(
        "VerifyMac",
        outcome(
            &caller
                .verify_mac()
                .key_id(&mac)
                .message(Blob::new("m"))
                .mac(owner_mac)
                .mac_algorithm(MacAlgorithmSpec::HmacSha256)
                .send()
                .await,
        ),
    );
    outcomes
}

fn assert_all(outcomes: &BTreeMap<&'static str, String>, expected: &str, case: &str) {
    assert_eq!(outcomes.len(), 18, "{case}: every cross-account operation ran");
    for (operation, outcome) in outcomes {
        assert_eq!(outcome, expected, "{case}: {operation}");
    }
}

#[tokio::test]
async fn localstack_serves_other_account_by_arn() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    let keys = fixture(&owner).await;

    for address in [Address::KeyArn, Address::AliasArn] {
        let outcomes = cross_account_outcomes(&owner, &other, &keys, address).await;
        assert_all(&outcomes, "ok", &format!("{address:?}"));
    }
    server.shutdown().await;
}

#[tokio::test]
async fn bare_id_of_other_account_is_not_found() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    let keys = fixture(&owner).await;

    for address in [Address::KeyId, Address::AliasName] {
        let mut outcomes = cross_account_outcomes(&owner, &other, &keys, address).await;
        // A symmetric blob names its key, so Decrypt and ReEncrypt find the
        // key from the blob, and only the KeyId given must match it.
        let decrypt = outcomes.remove("Decrypt").expect("Decrypt ran");
        assert_eq!(decrypt, "NotFoundException", "{address:?}: Decrypt with a KeyId of the caller's namespace");
        assert_eq!(outcomes.remove("ReEncrypt").as_deref(), Some("NotFoundException"), "{address:?}: ReEncrypt");
        for (operation, outcome) in &outcomes {
            assert_eq!(outcome, "NotFoundException", "{address:?}: {operation}");
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn decrypt_without_key_id_works_across_accounts() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    let (_, key_arn) = symmetric_key(&owner).await;
    let blob = other
        .encrypt()
        .key_id(&key_arn)
        .plaintext(Blob::new("from the partner"))
        .encryption_context("tenant", "blue")
        .send()
        .await
        .expect("Encrypt by key ARN")
        .ciphertext_blob()
        .expect("blob")
        .clone();
    let decrypted = owner
        .decrypt()
        .ciphertext_blob(blob.clone())
        .encryption_context("tenant", "blue")
        .send()
        .await
        .expect("the owner decrypts without KeyId");
    assert_eq!(decrypted.plaintext().map(Blob::as_ref), Some(&b"from the partner"[..]));
    let wrong = other.decrypt().ciphertext_blob(blob).encryption_context("tenant", "red").send().await;
    assert_eq!(outcome(&wrong), "InvalidCiphertextException");
    server.shutdown().await;
}

#[tokio::test]
async fn aws_denies_other_account_under_default_policy() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    let keys = fixture(&owner).await;

    let outcomes = cross_account_outcomes(&owner, &other, &keys, Address::KeyArn).await;
    // RetireGrant is decided by the grant, which names the caller as grantee
    // with RetireGrant, not by the key policy.
    let mut outcomes = outcomes;
    assert_eq!(outcomes.remove("RetireGrant").as_deref(), Some("ok"), "the grantee retires its grant");
    for (operation, outcome) in &outcomes {
        // Decrypt and ReEncrypt are allowed by the grant the fixture creates for the caller.
        let expected = if ["Decrypt"].contains(operation) { "ok" } else { "AccessDeniedException" };
        assert_eq!(outcome, expected, "default key policy: {operation}");
    }
    server.shutdown().await;
}

/// Returns a key policy that lets the owner and `OTHER` do anything with the key.
fn shared_policy() -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:root"}},"Action":"kms:*","Resource":"*"}},
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    )
}

#[tokio::test]
async fn aws_allows_other_account_by_key_policy() {
    for profile in ["aws", "localstack-enforce-iam"] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, HOME_REGION);
        let other = client(&server, OTHER, HOME_REGION);
        let keys = fixture(&owner).await;
        for key in [&keys.symmetric_arn, &keys.sign_arn, &keys.mac_arn] {
            owner
                .put_key_policy()
                .key_id(key)
                .policy_name("default")
                .policy(shared_policy())
                .send()
                .await
                .expect("PutKeyPolicy");
        }
        for address in [Address::KeyArn, Address::AliasArn] {
            let outcomes = cross_account_outcomes(&owner, &other, &keys, address).await;
            assert_all(&outcomes, "ok", &format!("{profile} {address:?}"));
        }

        // Operations outside the cross-account list act only on the caller's own keys.
        let disable = other.disable_key().key_id(&keys.symmetric_arn).send().await;
        let expected = if profile == "aws" { "NotFoundException" } else { "ok" };
        assert_eq!(outcome(&disable), expected, "{profile}: DisableKey on another account's key");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn owner_denied_without_policy_statement() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let (key_id, _) = symmetric_key(&owner).await;
    let policy = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:root"}},"Action":["kms:PutKeyPolicy","kms:DescribeKey"],"Resource":"*"}}]}}"#
    );
    owner.put_key_policy().key_id(&key_id).policy_name("default").policy(policy).send().await.expect("PutKeyPolicy");
    let encrypt = owner.encrypt().key_id(&key_id).plaintext(Blob::new("x")).send().await;
    assert_eq!(outcome(&encrypt), "AccessDeniedException", "the key policy is the only source of access");
    let describe = owner.describe_key().key_id(&key_id).send().await;
    assert_eq!(outcome(&describe), "ok");
    server.shutdown().await;
}

#[tokio::test]
async fn encryption_context_condition_key_decides() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    let (_, key_arn) = symmetric_key(&owner).await;
    let policy = format!(
        r#"{{"Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:root"}},"Action":"kms:*","Resource":"*"}},
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER}:root"}},"Action":"kms:Encrypt","Resource":"*",
              "Condition":{{"StringEquals":{{"kms:EncryptionContext:team":"blue","kms:CallerAccount":"{OTHER}"}}}}}}]}}"#
    );
    owner.put_key_policy().key_id(&key_arn).policy_name("default").policy(policy).send().await.expect("PutKeyPolicy");

    let blue =
        other.encrypt().key_id(&key_arn).plaintext(Blob::new("x")).encryption_context("team", "blue").send().await;
    assert_eq!(outcome(&blue), "ok", "matching encryption context");
    let red = other.encrypt().key_id(&key_arn).plaintext(Blob::new("x")).encryption_context("team", "red").send().await;
    assert_eq!(outcome(&red), "AccessDeniedException", "other encryption context");
    server.shutdown().await;
}

#[tokio::test]
async fn grant_used_and_retired_by_grantee() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    let (_, key_arn) = symmetric_key(&owner).await;

    let before = other.encrypt().key_id(&key_arn).plaintext(Blob::new("x")).send().await;
    assert_eq!(outcome(&before), "AccessDeniedException", "no grant yet");

    let grant = owner
        .create_grant()
        .key_id(&key_arn)
        .grantee_principal(format!("arn:aws:iam::{OTHER}:root"))
        .operations(GrantOperation::Encrypt)
        .operations(GrantOperation::Decrypt)
        .operations(GrantOperation::RetireGrant)
        .constraints(GrantConstraints::builder().encryption_context_subset("app", "billing").build())
        .send()
        .await
        .expect("CreateGrant");
    let token = grant.grant_token().expect("token").to_owned();

    let used = other
        .encrypt()
        .key_id(&key_arn)
        .plaintext(Blob::new("granted"))
        .encryption_context("app", "billing")
        .grant_tokens(&token)
        .send()
        .await;
    assert_eq!(outcome(&used), "ok", "the grantee encrypts with the grant token");
    let outside =
        other.encrypt().key_id(&key_arn).plaintext(Blob::new("x")).encryption_context("app", "other").send().await;
    assert_eq!(outcome(&outside), "AccessDeniedException", "the constraint excludes this context");
    let not_granted = other.describe_key().key_id(&key_arn).send().await;
    assert_eq!(outcome(&not_granted), "AccessDeniedException", "DescribeKey is not granted");

    other
        .retire_grant()
        .key_id(&key_arn)
        .grant_id(grant.grant_id().expect("id"))
        .send()
        .await
        .expect("the grantee retires the grant");
    let after =
        other.encrypt().key_id(&key_arn).plaintext(Blob::new("x")).encryption_context("app", "billing").send().await;
    assert_eq!(outcome(&after), "AccessDeniedException", "the grant is gone");

    let bad_token = other.encrypt().key_id(&key_arn).plaintext(Blob::new("x")).grant_tokens("forged").send().await;
    assert_eq!(outcome(&bad_token), "InvalidGrantTokenException");
    server.shutdown().await;
}

#[tokio::test]
async fn disabled_and_pending_keys_refuse_every_account() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    let (_, key_arn) = symmetric_key(&owner).await;

    owner.disable_key().key_id(&key_arn).send().await.expect("DisableKey");
    for (name, caller) in [("owner", &owner), ("other", &other)] {
        let encrypt = caller.encrypt().key_id(&key_arn).plaintext(Blob::new("x")).send().await;
        assert_eq!(outcome(&encrypt), "DisabledException", "{name}: disabled key");
    }
    owner.schedule_key_deletion().key_id(&key_arn).send().await.expect("ScheduleKeyDeletion");
    for (name, caller) in [("owner", &owner), ("other", &other)] {
        let encrypt = caller.encrypt().key_id(&key_arn).plaintext(Blob::new("x")).send().await;
        assert_eq!(outcome(&encrypt), "KMSInvalidStateException", "{name}: key pending deletion");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn other_region_by_profile() {
    for (profile, expected) in [("localstack", "ok"), ("localstack-enforce-iam", "ok"), ("aws", "NotFoundException")] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, HOME_REGION);
        let elsewhere = client(&server, OWNER, OTHER_REGION);
        let (key_id, key_arn) = symmetric_key(&owner).await;

        let by_arn = elsewhere.describe_key().key_id(&key_arn).send().await;
        assert_eq!(outcome(&by_arn), expected, "{profile}: key ARN of another region");
        let by_id = elsewhere.describe_key().key_id(&key_id).send().await;
        assert_eq!(outcome(&by_id), "NotFoundException", "{profile}: bare id names the caller's region");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn grant_operations_condition_key_decides() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    let (_, key_arn) = symmetric_key(&owner).await;
    let policy = format!(
        r#"{{"Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OWNER}:root"}},"Action":"kms:*","Resource":"*"}},
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER}:root"}},"Action":"kms:CreateGrant","Resource":"*",
              "Condition":{{"ForAllValues:StringEquals":{{"kms:GrantOperations":["Decrypt","Encrypt"]}},
                            "Bool":{{"kms:GrantIsForAWSResource":"false"}}}}}}]}}"#
    );
    owner.put_key_policy().key_id(&key_arn).policy_name("default").policy(policy).send().await.expect("PutKeyPolicy");
    let grantee = format!("arn:aws:iam::{OTHER}:role/app");

    let allowed = other
        .create_grant()
        .key_id(&key_arn)
        .grantee_principal(&grantee)
        .operations(GrantOperation::Decrypt)
        .send()
        .await;
    assert_eq!(outcome(&allowed), "ok", "Decrypt is among the allowed grant operations");
    let denied = other
        .create_grant()
        .key_id(&key_arn)
        .grantee_principal(&grantee)
        .operations(GrantOperation::Decrypt)
        .operations(GrantOperation::ReEncryptFrom)
        .send()
        .await;
    assert_eq!(outcome(&denied), "AccessDeniedException", "ReEncryptFrom is not allowed");
    server.shutdown().await;
}

/// LocalStack lists the KMS operations that reach another account's key
/// (<https://docs.localstack.cloud/references/cross-account-access/>); the
/// others act only on the caller's own keys, so a key ARN of another
/// account names no key for them, as a bare key id of another account does.
#[tokio::test]
async fn localstack_hides_unlisted_operations_by_arn() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    let (_, key_arn) = symmetric_key(&owner).await;

    let policy = other.get_key_policy().key_id(&key_arn).policy_name("default").send().await;
    assert_eq!(outcome(&policy), "NotFoundException", "GetKeyPolicy by key ARN from another account");
    let disable = other.disable_key().key_id(&key_arn).send().await;
    assert_eq!(outcome(&disable), "NotFoundException", "DisableKey by key ARN from another account");
    let describe = other.update_key_description().key_id(&key_arn).description("changed").send().await;
    assert_eq!(outcome(&describe), "NotFoundException", "UpdateKeyDescription by key ARN from another account");

    let metadata = owner.describe_key().key_id(&key_arn).send().await.expect("the owner describes the key");
    let metadata = metadata.key_metadata().expect("KeyMetadata");
    assert!(metadata.enabled(), "the refused DisableKey left the key enabled");
    assert_eq!(metadata.description(), Some(""), "the refused UpdateKeyDescription left the description");

    let listed = other.describe_key().key_id(&key_arn).send().await;
    assert_eq!(outcome(&listed), "ok", "DescribeKey, which LocalStack lists, still reaches the key");
    server.shutdown().await;
}
