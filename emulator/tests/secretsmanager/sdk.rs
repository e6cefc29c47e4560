//! Every Secrets Manager operation within one account.

use aws_sdk_secretsmanager::primitives::Blob;
use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType, Tag};

use crate::common::{HOME_REGION, OWNER, client, create_secret, current_value, outcome, start};

const TOKEN_A: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const TOKEN_B: &str = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const TOKEN_C: &str = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

#[tokio::test]
async fn secret_found_by_name_partial_and_full_arn() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let arn = create_secret(&owner, "app/db-password", "s3cret").await;

    let suffix = arn.rsplit('-').next().expect("a suffix");
    assert_eq!(suffix.len(), 6, "ARN {arn} ends in six characters");
    assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()), "ARN {arn} suffix is alphanumeric");
    assert!(
        arn.starts_with(&format!("arn:aws:secretsmanager:{HOME_REGION}:{OWNER}:secret:app/db-password-")),
        "ARN {arn}"
    );

    let partial_arn = &arn[..arn.len() - 7];
    for secret_id in ["app/db-password", partial_arn, arn.as_str()] {
        assert_eq!(current_value(&owner, secret_id).await, "s3cret", "lookup by {secret_id}");
    }

    let described = owner.describe_secret().secret_id(partial_arn).send().await.expect("DescribeSecret");
    assert_eq!(described.arn(), Some(arn.as_str()));
    assert_eq!(described.name(), Some("app/db-password"));
    assert_eq!(described.kms_key_id(), None, "the managed key is not reported");

    let unknown = owner.get_secret_value().secret_id(format!("{partial_arn}-zzzzzz")).send().await;
    assert_eq!(outcome(&unknown), "ResourceNotFoundException", "a wrong suffix");
    server.shutdown().await;
}

#[tokio::test]
async fn binary_secret_round_trips() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let bytes: Vec<u8> = (0..=255).collect();
    owner
        .create_secret()
        .name("binary")
        .secret_binary(Blob::new(bytes.clone()))
        .send()
        .await
        .expect("CreateSecret with SecretBinary");
    let read = owner.get_secret_value().secret_id("binary").send().await.expect("GetSecretValue");
    assert_eq!(read.secret_binary().map(|blob| blob.as_ref().to_vec()), Some(bytes));
    assert_eq!(read.secret_string(), None);
    server.shutdown().await;
}

#[tokio::test]
async fn version_stages_follow_puts_and_moves() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    owner
        .create_secret()
        .name("staged")
        .secret_string("one")
        .client_request_token(TOKEN_A)
        .send()
        .await
        .expect("CreateSecret");
    let second = owner
        .put_secret_value()
        .secret_id("staged")
        .secret_string("two")
        .client_request_token(TOKEN_B)
        .send()
        .await
        .expect("PutSecretValue");
    assert_eq!(second.version_id(), Some(TOKEN_B));
    assert_eq!(second.version_stages(), ["AWSCURRENT"]);

    assert_eq!(current_value(&owner, "staged").await, "two");
    let previous =
        owner.get_secret_value().secret_id("staged").version_stage("AWSPREVIOUS").send().await.expect("AWSPREVIOUS");
    assert_eq!(previous.secret_string(), Some("one"));
    assert_eq!(previous.version_id(), Some(TOKEN_A));

    // A version put under a custom label leaves AWSCURRENT where it is.
    owner
        .put_secret_value()
        .secret_id("staged")
        .secret_string("three")
        .client_request_token(TOKEN_C)
        .version_stages("CANDIDATE")
        .send()
        .await
        .expect("PutSecretValue CANDIDATE");
    assert_eq!(current_value(&owner, "staged").await, "two", "AWSCURRENT stays");
    let by_id = owner.get_secret_value().secret_id("staged").version_id(TOKEN_C).send().await.expect("by VersionId");
    assert_eq!(by_id.secret_string(), Some("three"));
    assert_eq!(by_id.version_stages(), ["CANDIDATE"]);

    let mismatch =
        owner.get_secret_value().secret_id("staged").version_id(TOKEN_C).version_stage("AWSCURRENT").send().await;
    assert_eq!(outcome(&mismatch), "ResourceNotFoundException", "VersionId and VersionStage name different versions");

    let without_remove = owner
        .update_secret_version_stage()
        .secret_id("staged")
        .version_stage("AWSCURRENT")
        .move_to_version_id(TOKEN_C)
        .send()
        .await;
    assert_eq!(outcome(&without_remove), "InvalidParameterException", "AWSCURRENT is on another version");

    owner
        .update_secret_version_stage()
        .secret_id("staged")
        .version_stage("AWSCURRENT")
        .move_to_version_id(TOKEN_C)
        .remove_from_version_id(TOKEN_B)
        .send()
        .await
        .expect("UpdateSecretVersionStage");
    assert_eq!(current_value(&owner, "staged").await, "three");
    let previous =
        owner.get_secret_value().secret_id("staged").version_stage("AWSPREVIOUS").send().await.expect("AWSPREVIOUS");
    assert_eq!(previous.version_id(), Some(TOKEN_B), "the old current version becomes AWSPREVIOUS");

    let versions = owner.list_secret_version_ids().secret_id("staged").send().await.expect("ListSecretVersionIds");
    let listed: Vec<(&str, Vec<String>)> = versions
        .versions()
        .iter()
        .map(|version| (version.version_id().unwrap_or_default(), version.version_stages().to_vec()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (TOKEN_B, vec!["AWSPREVIOUS".to_owned()]),
            (TOKEN_C, vec!["CANDIDATE".to_owned(), "AWSCURRENT".to_owned()]),
        ],
        "version one lost its labels, so it is deprecated and not listed"
    );
    let all = owner
        .list_secret_version_ids()
        .secret_id("staged")
        .include_deprecated(true)
        .send()
        .await
        .expect("with deprecated");
    assert_eq!(all.versions().len(), 3);
    assert!(all.versions()[0].kms_key_ids().iter().all(|key| key.contains(":key/")), "KmsKeyIds are key ARNs");

    owner
        .update_secret_version_stage()
        .secret_id("staged")
        .version_stage("CANDIDATE")
        .remove_from_version_id(TOKEN_C)
        .send()
        .await
        .expect("remove CANDIDATE");
    let described = owner.describe_secret().secret_id("staged").send().await.expect("DescribeSecret");
    let stages = described.version_ids_to_stages().expect("VersionIdsToStages");
    assert_eq!(stages.get(TOKEN_C), Some(&vec!["AWSCURRENT".to_owned()]));
    server.shutdown().await;
}

#[tokio::test]
async fn request_tokens_make_calls_idempotent() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let first = owner
        .create_secret()
        .name("idem")
        .secret_string("v1")
        .client_request_token(TOKEN_A)
        .send()
        .await
        .expect("CreateSecret");
    let again = owner
        .create_secret()
        .name("idem")
        .secret_string("v1")
        .client_request_token(TOKEN_A)
        .send()
        .await
        .expect("repeat");
    assert_eq!(again.arn(), first.arn(), "the same token and value return the same secret");
    assert_eq!(again.version_id(), Some(TOKEN_A));

    let other_value = owner.create_secret().name("idem").secret_string("v2").client_request_token(TOKEN_A).send().await;
    assert_eq!(outcome(&other_value), "ResourceExistsException", "same token, another value");
    let other_token = owner.create_secret().name("idem").secret_string("v1").client_request_token(TOKEN_B).send().await;
    assert_eq!(outcome(&other_token), "ResourceExistsException", "the name exists");

    let put = || owner.put_secret_value().secret_id("idem").client_request_token(TOKEN_B);
    put().secret_string("v2").send().await.expect("PutSecretValue");
    let repeated = put().secret_string("v2").send().await.expect("repeat PutSecretValue");
    assert_eq!(repeated.version_id(), Some(TOKEN_B));
    let changed = put().secret_string("v3").send().await;
    assert_eq!(outcome(&changed), "ResourceExistsException", "a version never changes");
    let as_binary = put().secret_binary(Blob::new("v2")).send().await;
    assert_eq!(outcome(&as_binary), "ResourceExistsException", "the same bytes as binary are another value");

    let versions =
        owner.list_secret_version_ids().secret_id("idem").include_deprecated(true).send().await.expect("versions");
    assert_eq!(versions.versions().len(), 2, "repeats made no versions");
    assert_eq!(current_value(&owner, "idem").await, "v2");
    server.shutdown().await;
}

#[tokio::test]
async fn update_secret_changes_value_and_metadata() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    create_secret(&owner, "updated", "before").await;
    let updated = owner
        .update_secret()
        .secret_id("updated")
        .secret_string("after")
        .description("rotated by hand")
        .send()
        .await
        .expect("UpdateSecret");
    assert!(updated.version_id().is_some(), "a new value makes a version");
    assert_eq!(current_value(&owner, "updated").await, "after");

    let metadata_only =
        owner.update_secret().secret_id("updated").description("second").send().await.expect("description");
    assert_eq!(metadata_only.version_id(), None, "no value, no version");
    let described = owner.describe_secret().secret_id("updated").send().await.expect("DescribeSecret");
    assert_eq!(described.description(), Some("second"));
    server.shutdown().await;
}

#[tokio::test]
async fn list_secrets_filters_and_pages() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    for (name, team) in [("prod/a", "red"), ("prod/b", "blue"), ("dev/c", "red"), ("dev/d", "green"), ("prod/e", "red")]
    {
        owner
            .create_secret()
            .name(name)
            .secret_string("x")
            .description(format!("{team} team secret"))
            .tags(tag("team", team))
            .send()
            .await
            .expect("CreateSecret");
    }
    let names = |list: &aws_sdk_secretsmanager::operation::list_secrets::ListSecretsOutput| -> Vec<String> {
        list.secret_list().iter().filter_map(|entry| entry.name().map(str::to_owned)).collect()
    };
    let filter = |key: FilterNameStringType, value: &str| Filter::builder().key(key).values(value).build();

    let prod =
        owner.list_secrets().filters(filter(FilterNameStringType::Name, "prod/")).send().await.expect("name filter");
    assert_eq!(names(&prod), ["prod/a", "prod/b", "prod/e"]);
    let red =
        owner.list_secrets().filters(filter(FilterNameStringType::TagValue, "red")).send().await.expect("tag-value");
    assert_eq!(names(&red), ["prod/a", "dev/c", "prod/e"]);
    let not_prod =
        owner.list_secrets().filters(filter(FilterNameStringType::Name, "!prod/")).send().await.expect("negation");
    assert_eq!(names(&not_prod), ["dev/c", "dev/d"]);
    let both = owner
        .list_secrets()
        .filters(filter(FilterNameStringType::Name, "prod/"))
        .filters(filter(FilterNameStringType::Description, "red"))
        .send()
        .await
        .expect("two filters");
    assert_eq!(names(&both), ["prod/a", "prod/e"]);
    let all = owner.list_secrets().filters(filter(FilterNameStringType::All, "green")).send().await.expect("all");
    assert_eq!(names(&all), ["dev/d"]);
    let words =
        owner.list_secrets().filters(filter(FilterNameStringType::All, "RED dev")).send().await.expect("all words");
    assert_eq!(names(&words), ["dev/c"], "every word matches, case-insensitively");
    let description = owner
        .list_secrets()
        .filters(filter(FilterNameStringType::Description, "Blue"))
        .send()
        .await
        .expect("description");
    assert_eq!(names(&description), ["prod/b"], "description matches case-insensitively");
    let name_case =
        owner.list_secrets().filters(filter(FilterNameStringType::Name, "PROD/")).send().await.expect("name case");
    assert!(names(&name_case).is_empty(), "name matches case-sensitively");
    let bad_value = owner.list_secrets().filters(filter(FilterNameStringType::Name, "a*b")).send().await;
    assert_eq!(outcome(&bad_value), "ValidationException", "a filter value with *");

    let mut collected = Vec::new();
    let mut token: Option<String> = None;
    for page in 0..5 {
        let listed = owner.list_secrets().max_results(2).set_next_token(token.clone()).send().await.expect("a page");
        assert!(listed.secret_list().len() <= 2, "page {page} respects MaxResults");
        collected.extend(names(&listed));
        token = listed.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(collected, ["prod/a", "prod/b", "dev/c", "dev/d", "prod/e"], "pages cover every secret once");

    owner.delete_secret().secret_id("dev/d").send().await.expect("DeleteSecret");
    let without = owner.list_secrets().send().await.expect("ListSecrets");
    assert!(!names(&without).contains(&"dev/d".to_owned()), "scheduled deletion is hidden");
    let with = owner.list_secrets().include_planned_deletion(true).send().await.expect("IncludePlannedDeletion");
    assert!(names(&with).contains(&"dev/d".to_owned()), "IncludePlannedDeletion lists it");

    let bad_token = owner.list_secrets().next_token("not-a-token").send().await;
    assert_eq!(outcome(&bad_token), "InvalidNextTokenException");
    server.shutdown().await;
}

#[tokio::test]
async fn tags_are_added_replaced_and_removed() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    owner.create_secret().name("tagged").secret_string("x").tags(tag("env", "dev")).send().await.expect("CreateSecret");
    owner
        .tag_resource()
        .secret_id("tagged")
        .tags(tag("env", "prod"))
        .tags(tag("owner", "ops"))
        .send()
        .await
        .expect("TagResource");
    owner.untag_resource().secret_id("tagged").tag_keys("owner").send().await.expect("UntagResource");
    let described = owner.describe_secret().secret_id("tagged").send().await.expect("DescribeSecret");
    let tags: Vec<(&str, &str)> =
        described.tags().iter().map(|tag| (tag.key().unwrap_or_default(), tag.value().unwrap_or_default())).collect();
    assert_eq!(tags, [("env", "prod")]);
    server.shutdown().await;
}

#[tokio::test]
async fn deleted_secret_refuses_reads_until_restored() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    create_secret(&owner, "doomed", "value").await;
    let deleted =
        owner.delete_secret().secret_id("doomed").recovery_window_in_days(7).send().await.expect("DeleteSecret");
    let deletion_date = deleted.deletion_date().expect("DeletionDate").secs();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let days = (deletion_date - i64::try_from(now).expect("seconds")) as f64 / 86_400.0;
    assert!((6.9..=7.1).contains(&days), "DeletionDate is 7 days away, not {days}");

    let read = owner.get_secret_value().secret_id("doomed").send().await;
    assert_eq!(outcome(&read), "InvalidRequestException", "a value read of a deleted secret");
    let put = owner.put_secret_value().secret_id("doomed").secret_string("new").send().await;
    assert_eq!(outcome(&put), "InvalidRequestException", "a value write of a deleted secret");
    let described = owner.describe_secret().secret_id("doomed").send().await.expect("DescribeSecret");
    assert!(described.deleted_date().is_some(), "DescribeSecret shows DeletedDate");
    let again = owner.delete_secret().secret_id("doomed").send().await;
    assert_eq!(outcome(&again), "InvalidRequestException", "already scheduled");
    let same_name = owner.create_secret().name("doomed").secret_string("new").send().await;
    assert_eq!(outcome(&same_name), "InvalidRequestException", "the name belongs to a scheduled secret");

    owner.restore_secret().secret_id("doomed").send().await.expect("RestoreSecret");
    assert_eq!(current_value(&owner, "doomed").await, "value");

    owner.delete_secret().secret_id("doomed").force_delete_without_recovery(true).send().await.expect("force delete");
    let after_delete = owner.describe_secret().secret_id("doomed").send().await;
    assert_eq!(outcome(&after_delete), "ResourceNotFoundException");
    create_secret(&owner, "doomed", "reborn").await;
    assert_eq!(current_value(&owner, "doomed").await, "reborn", "the name is free again");
    server.shutdown().await;
}

#[tokio::test]
async fn resource_policy_round_trips() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let arn = create_secret(&owner, "with-policy", "x").await;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::222222222222:root"}},"Action":"secretsmanager:GetSecretValue","Resource":"{arn}"}}]}}"#
    );
    owner
        .put_resource_policy()
        .secret_id("with-policy")
        .resource_policy(&policy)
        .block_public_policy(true)
        .send()
        .await
        .expect("PutResourcePolicy");
    let read = owner.get_resource_policy().secret_id("with-policy").send().await.expect("GetResourcePolicy");
    assert_eq!(read.resource_policy(), Some(policy.as_str()));
    assert_eq!(read.arn(), Some(arn.as_str()));

    let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
    let blocked = owner
        .put_resource_policy()
        .secret_id("with-policy")
        .resource_policy(public)
        .block_public_policy(true)
        .send()
        .await;
    assert_eq!(outcome(&blocked), "PublicPolicyException");
    let unchanged = owner.get_resource_policy().secret_id("with-policy").send().await.expect("GetResourcePolicy");
    assert_eq!(unchanged.resource_policy(), Some(policy.as_str()), "a rejected policy changes nothing");

    let validated =
        owner.validate_resource_policy().resource_policy(public).send().await.expect("ValidateResourcePolicy");
    assert!(!validated.policy_validation_passed(), "a public policy fails validation");
    let validated =
        owner.validate_resource_policy().resource_policy(&policy).send().await.expect("ValidateResourcePolicy");
    assert!(validated.policy_validation_passed(), "{:?}", validated.validation_errors());

    let lockout = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"secretsmanager:*Policy","Resource":"*"}]}"#;
    let validated = owner
        .validate_resource_policy()
        .secret_id("with-policy")
        .resource_policy(lockout)
        .send()
        .await
        .expect("ValidateResourcePolicy");
    assert!(!validated.policy_validation_passed(), "a policy that locks the owner out fails validation");

    owner.delete_resource_policy().secret_id("with-policy").send().await.expect("DeleteResourcePolicy");
    let read = owner.get_resource_policy().secret_id("with-policy").send().await.expect("GetResourcePolicy");
    assert_eq!(read.resource_policy(), None);
    server.shutdown().await;
}

#[tokio::test]
async fn batch_get_reports_each_secret() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    create_secret(&owner, "batch/one", "1").await;
    create_secret(&owner, "batch/two", "2").await;
    let batch = owner
        .batch_get_secret_value()
        .secret_id_list("batch/one")
        .secret_id_list("batch/missing")
        .secret_id_list("batch/two")
        .send()
        .await
        .expect("BatchGetSecretValue");
    let values: Vec<&str> = batch.secret_values().iter().filter_map(|value| value.secret_string()).collect();
    assert_eq!(values, ["1", "2"]);
    assert_eq!(batch.errors().len(), 1);
    assert_eq!(batch.errors()[0].secret_id(), Some("batch/missing"));
    assert_eq!(batch.errors()[0].error_code(), Some("ResourceNotFoundException"));

    let filtered = owner
        .batch_get_secret_value()
        .filters(Filter::builder().key(FilterNameStringType::Name).values("batch/t").build())
        .send()
        .await
        .expect("BatchGetSecretValue with Filters");
    let names: Vec<&str> = filtered.secret_values().iter().filter_map(|value| value.name()).collect();
    assert_eq!(names, ["batch/two"]);
    server.shutdown().await;
}

#[tokio::test]
async fn random_password_honours_parameters() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let default = owner.get_random_password().send().await.expect("GetRandomPassword");
    assert_eq!(default.random_password().map(|password| password.chars().count()), Some(32));

    let password = owner
        .get_random_password()
        .password_length(64)
        .exclude_punctuation(true)
        .exclude_characters("aeiou")
        .include_space(true)
        .send()
        .await
        .expect("GetRandomPassword");
    let password = password.random_password().expect("RandomPassword");
    assert_eq!(password.chars().count(), 64);
    assert!(password.contains(' '), "IncludeSpace and RequireEachIncludedType put a space in {password:?}");
    assert!(!password.chars().any(|c| "aeiou".contains(c)), "{password:?} has an excluded character");
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric() || c == ' '), "{password:?} has punctuation");

    let second_password = owner.get_random_password().password_length(64).send().await.expect("GetRandomPassword");
    assert_ne!(second_password.random_password(), Some(password), "two passwords differ");
    server.shutdown().await;
}
