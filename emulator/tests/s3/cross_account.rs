//! The global bucket namespace and access across accounts under each profile.

use std::sync::Arc;

use aws_sdk_s3::primitives::ByteStream;

use crate::common::{
    HOME_REGION, OTHER, OWNER, client, create_bucket, error_of, get, outcome, put, start, start_profile,
};

/// Builds a policy on `bucket` that lets `account` read and write objects under `resource_suffix`.
fn grant_policy(bucket: &str, account: &str, resource_suffix: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},
              "Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{bucket}/{resource_suffix}"}},
            {{"Effect":"Allow","Principal":{{"AWS":"{account}"}},
              "Action":"s3:ListBucket","Resource":"arn:aws:s3:::{bucket}"}}]}}"#
    )
}

#[tokio::test]
async fn racing_accounts_get_one_bucket() {
    let server = start().await;
    let owner = Arc::new(client(&server, OWNER, HOME_REGION));
    let other = Arc::new(client(&server, OTHER, HOME_REGION));

    for round in 0..5 {
        let name = format!("race-bucket-{round}");
        let (first, second) = tokio::join!(
            {
                let owner = owner.clone();
                let name = name.clone();
                async move { crate::common::try_create_bucket(&owner, &name).await }
            },
            {
                let other = other.clone();
                let name = name.clone();
                async move { crate::common::try_create_bucket(&other, &name).await }
            }
        );
        let outcomes = [first, second];
        let winners = outcomes.iter().filter(|outcome| *outcome == "ok").count();
        assert_eq!(winners, 1, "exactly one creator wins round {round}: {outcomes:?}");
        assert!(
            outcomes.contains(&"BucketAlreadyExists".to_owned()),
            "the loser gets BucketAlreadyExists: {outcomes:?}"
        );
    }
    server.shutdown().await;
}

#[tokio::test]
async fn list_buckets_shows_only_own_buckets() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "owner-only").await;
    create_bucket(&other, "other-only").await;

    let listed = owner.list_buckets().send().await.expect("ListBuckets as owner");
    let names: Vec<&str> = listed.buckets().iter().filter_map(|b| b.name()).collect();
    assert_eq!(names, ["owner-only"], "the owner sees only its bucket");
    let listed = other.list_buckets().send().await.expect("ListBuckets as other");
    let names: Vec<&str> = listed.buckets().iter().filter_map(|b| b.name()).collect();
    assert_eq!(names, ["other-only"], "the other account sees only its bucket");

    let taken = other.create_bucket().bucket("owner-only").send().await.expect_err("name taken");
    assert_eq!(error_of(&taken), ("BucketAlreadyExists".to_owned(), 409), "another account's name");
    server.shutdown().await;
}

#[tokio::test]
async fn localstack_allows_documented_operations_across_accounts() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "shared-ls").await;

    put(&other, "shared-ls", "from-other", b"written by another account").await;
    assert_eq!(get(&owner, "shared-ls", "from-other").await, b"written by another account", "owner reads it");
    assert_eq!(get(&other, "shared-ls", "from-other").await, b"written by another account", "writer reads it");
    let listed = other.list_objects_v2().bucket("shared-ls").send().await.expect("ListObjectsV2 across accounts");
    assert_eq!(listed.key_count(), Some(1), "the other account lists the bucket");
    other.list_objects().bucket("shared-ls").send().await.expect("ListObjects across accounts");

    // Bucket configuration stays with the owner.
    let denied = other.get_bucket_policy().bucket("shared-ls").send().await;
    assert_eq!(outcome(&denied), "AccessDenied", "GetBucketPolicy from another account");
    let denied = other.delete_bucket().bucket("shared-ls").send().await;
    assert_eq!(outcome(&denied), "AccessDenied", "DeleteBucket from another account");
    server.shutdown().await;
}

#[tokio::test]
async fn aws_denies_other_accounts_without_policy() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "private-aws").await;
    put(&owner, "private-aws", "k", b"secret").await;

    let read = other.get_object().bucket("private-aws").key("k").send().await;
    assert_eq!(outcome(&read), "AccessDenied", "GetObject without a policy");
    let write = other.put_object().bucket("private-aws").key("k2").body(ByteStream::from_static(b"x")).send().await;
    assert_eq!(outcome(&write), "AccessDenied", "PutObject without a policy");
    let list = other.list_objects_v2().bucket("private-aws").send().await;
    assert_eq!(outcome(&list), "AccessDenied", "ListObjectsV2 without a policy");
    let missing = owner.head_object().bucket("private-aws").key("k2").send().await;
    assert_eq!(error_of(&missing.expect_err("not written")).1, 404, "the denied PutObject stored nothing");
    server.shutdown().await;
}

#[tokio::test]
async fn bucket_policy_grants_other_account() {
    for profile in ["aws", "localstack-enforce-iam"] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, HOME_REGION);
        let other = client(&server, OTHER, HOME_REGION);
        create_bucket(&owner, "granted").await;
        put(&owner, "granted", "k", b"shared").await;
        owner
            .put_bucket_policy()
            .bucket("granted")
            .policy(grant_policy("granted", OTHER, "*"))
            .send()
            .await
            .expect("PutBucketPolicy");

        assert_eq!(get(&other, "granted", "k").await, b"shared", "{profile}: GetObject with a policy");
        put(&other, "granted", "from-other", b"x").await;
        let listed = other.list_objects_v2().bucket("granted").send().await.expect("ListObjectsV2 with a policy");
        assert_eq!(listed.key_count(), Some(2), "{profile}: ListObjectsV2 with a policy");

        let head = other.head_bucket().bucket("granted").send().await;
        assert_eq!(outcome(&head), "ok", "{profile}: HeadBucket with s3:ListBucket granted");

        let deleted = other.delete_object().bucket("granted").key("k").send().await;
        assert_eq!(outcome(&deleted), "AccessDenied", "{profile}: DeleteObject is not granted");
        let config = other.get_bucket_policy().bucket("granted").send().await;
        assert_eq!(outcome(&config), "AccessDenied", "{profile}: bucket configuration stays with the owner");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn policy_granting_one_prefix_only() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "prefix-grant").await;
    put(&owner, "prefix-grant", "public/a", b"a").await;
    put(&owner, "prefix-grant", "private/b", b"b").await;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"{OTHER}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::prefix-grant/public/*"}},
            {{"Effect":"Allow","Principal":{{"AWS":"{OTHER}"}},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::prefix-grant",
              "Condition":{{"StringLike":{{"s3:prefix":"public/*"}}}}}}]}}"#
    );
    owner.put_bucket_policy().bucket("prefix-grant").policy(policy).send().await.expect("PutBucketPolicy");

    assert_eq!(get(&other, "prefix-grant", "public/a").await, b"a", "GetObject under the granted prefix");
    let denied = other.get_object().bucket("prefix-grant").key("private/b").send().await;
    assert_eq!(outcome(&denied), "AccessDenied", "GetObject outside the prefix");

    let listed = other.list_objects_v2().bucket("prefix-grant").prefix("public/").send().await.expect("list public/");
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["public/a"], "ListObjectsV2 with the granted s3:prefix");
    let denied = other.list_objects_v2().bucket("prefix-grant").send().await;
    assert_eq!(outcome(&denied), "AccessDenied", "ListObjectsV2 without a prefix");
    server.shutdown().await;
}

#[tokio::test]
async fn copy_object_from_another_accounts_bucket() {
    for profile in ["localstack", "aws"] {
        let server = start_profile(profile).await;
        let owner = client(&server, OWNER, HOME_REGION);
        let other = client(&server, OTHER, HOME_REGION);
        create_bucket(&owner, "copy-source").await;
        create_bucket(&other, "copy-target").await;
        put(&owner, "copy-source", "shared/k", b"copied across accounts").await;

        let copy = other.copy_object().bucket("copy-target").key("k").copy_source("copy-source/shared/k").send().await;
        let expected = if profile == "aws" { "AccessDenied" } else { "ok" };
        assert_eq!(outcome(&copy), expected, "{profile}: copy before a policy");

        owner
            .put_bucket_policy()
            .bucket("copy-source")
            .policy(grant_policy("copy-source", OTHER, "shared/*"))
            .send()
            .await
            .expect("PutBucketPolicy");
        other
            .copy_object()
            .bucket("copy-target")
            .key("k")
            .copy_source("copy-source/shared/k")
            .send()
            .await
            .expect("copy");
        assert_eq!(get(&other, "copy-target", "k").await, b"copied across accounts", "{profile}: copied bytes");
        server.shutdown().await;
    }
}

#[tokio::test]
async fn objects_written_across_accounts_belong_to_bucket_owner() {
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "enforced").await;
    put(&other, "enforced", "k", b"x").await;

    let listed = owner.list_objects().bucket("enforced").send().await.expect("ListObjects");
    let owner_name = listed.contents()[0].owner().and_then(|o| o.display_name());
    assert_eq!(owner_name, Some(OWNER), "BucketOwnerEnforced: the bucket owner owns the object");

    let acl = other
        .put_object()
        .bucket("enforced")
        .key("acl")
        .acl(aws_sdk_s3::types::ObjectCannedAcl::PublicRead)
        .body(ByteStream::from_static(b"x"))
        .send()
        .await;
    assert_eq!(outcome(&acl), "AccessControlListNotSupported", "ACLs are disabled under BucketOwnerEnforced");
    server.shutdown().await;
}

#[tokio::test]
async fn policy_conditions_on_tags_and_acl() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "conditions").await;
    owner
        .put_object()
        .bucket("conditions")
        .key("shared")
        .tagging("share=yes")
        .body(ByteStream::from_static(b"tagged"))
        .send()
        .await
        .expect("put tagged");
    put(&owner, "conditions", "private", b"untagged").await;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"{OTHER}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::conditions/*",
              "Condition":{{"StringEquals":{{"s3:ExistingObjectTag/share":"yes"}}}}}},
            {{"Effect":"Allow","Principal":{{"AWS":"{OTHER}"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::conditions/*",
              "Condition":{{"StringEquals":{{"s3:x-amz-acl":"bucket-owner-full-control"}}}}}}]}}"#
    );
    owner.put_bucket_policy().bucket("conditions").policy(policy).send().await.expect("PutBucketPolicy");

    assert_eq!(get(&other, "conditions", "shared").await, b"tagged", "GetObject of an object tagged share=yes");
    let denied = other.get_object().bucket("conditions").key("private").send().await;
    assert_eq!(outcome(&denied), "AccessDenied", "GetObject of an untagged object");

    let without_acl =
        other.put_object().bucket("conditions").key("new").body(ByteStream::from_static(b"x")).send().await;
    assert_eq!(outcome(&without_acl), "AccessDenied", "PutObject without the required ACL header");
    let with_acl = other
        .put_object()
        .bucket("conditions")
        .key("new")
        .acl(aws_sdk_s3::types::ObjectCannedAcl::BucketOwnerFullControl)
        .body(ByteStream::from_static(b"x"))
        .send()
        .await;
    assert_eq!(outcome(&with_acl), "ok", "PutObject with x-amz-acl bucket-owner-full-control");
    server.shutdown().await;
}

#[tokio::test]
async fn delete_objects_reports_denied_keys() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "partial-delete").await;
    put(&owner, "partial-delete", "tmp/a", b"x").await;
    put(&owner, "partial-delete", "keep/b", b"x").await;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{OTHER}"}},
            "Action":"s3:DeleteObject","Resource":"arn:aws:s3:::partial-delete/tmp/*"}}]}}"#
    );
    owner.put_bucket_policy().bucket("partial-delete").policy(policy).send().await.expect("PutBucketPolicy");

    let objects = ["tmp/a", "keep/b"]
        .iter()
        .map(|key| aws_sdk_s3::types::ObjectIdentifier::builder().key(*key).build().expect("identifier"))
        .collect();
    let delete = aws_sdk_s3::types::Delete::builder().set_objects(Some(objects)).build().expect("delete");
    let output = other.delete_objects().bucket("partial-delete").delete(delete).send().await.expect("DeleteObjects");
    let deleted: Vec<&str> = output.deleted().iter().filter_map(|d| d.key()).collect();
    let denied: Vec<(&str, &str)> = output.errors().iter().filter_map(|e| Some((e.key()?, e.code()?))).collect();
    assert_eq!(deleted, ["tmp/a"], "the granted key is deleted");
    assert_eq!(denied, [("keep/b", "AccessDenied")], "the other key is reported as denied");

    let kept = owner.head_object().bucket("partial-delete").key("keep/b").send().await;
    assert_eq!(outcome(&kept), "ok", "the denied key is still there");
    server.shutdown().await;
}

#[tokio::test]
async fn missing_key_hidden_without_list_bucket() {
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "read-only").await;
    create_bucket(&owner, "read-list").await;
    let read_only = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{OTHER}"}},
            "Action":"s3:GetObject","Resource":"arn:aws:s3:::read-only/*"}}]}}"#
    );
    owner.put_bucket_policy().bucket("read-only").policy(read_only).send().await.expect("PutBucketPolicy read-only");
    let read_list = grant_policy("read-list", OTHER, "*");
    owner.put_bucket_policy().bucket("read-list").policy(read_list).send().await.expect("PutBucketPolicy read-list");

    // Without s3:ListBucket a missing key is 403, so the caller cannot probe
    // which keys exist; with it the key is 404.
    let missing = other.get_object().bucket("read-only").key("absent").send().await;
    assert_eq!(outcome(&missing), "AccessDenied", "GetObject of a missing key without s3:ListBucket");
    let missing = other.head_object().bucket("read-only").key("absent").send().await.expect_err("HeadObject");
    assert_eq!(missing.raw_response().map(|response| response.status().as_u16()), Some(403), "HeadObject status");

    let missing = other.get_object().bucket("read-list").key("absent").send().await;
    assert_eq!(outcome(&missing), "NoSuchKey", "GetObject of a missing key with s3:ListBucket");
    let missing = owner.get_object().bucket("read-only").key("absent").send().await;
    assert_eq!(outcome(&missing), "NoSuchKey", "GetObject of a missing key by the owner");
    server.shutdown().await;
}
