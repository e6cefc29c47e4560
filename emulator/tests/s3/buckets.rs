//! Bucket operations through the SDK within one account: create, head,
//! location, list, delete, and the bucket configuration documents.

use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration, Tag, Tagging,
};

use crate::common::{HOME_REGION, OWNER, client, create_bucket, error_of, put, start};

#[tokio::test]
async fn bucket_lifecycle_round_trips() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);

    create_bucket(&s3, "life-bucket").await;
    let head = s3.head_bucket().bucket("life-bucket").send().await.expect("HeadBucket");
    assert_eq!(head.bucket_region(), Some(HOME_REGION), "HeadBucket region");

    let location = s3.get_bucket_location().bucket("life-bucket").send().await.expect("GetBucketLocation");
    assert_eq!(location.location_constraint().map(|l| l.as_str()), Some(HOME_REGION), "location constraint");

    let listed = s3.list_buckets().send().await.expect("ListBuckets");
    let names: Vec<&str> = listed.buckets().iter().filter_map(|b| b.name()).collect();
    assert_eq!(names, ["life-bucket"], "ListBuckets names");

    s3.delete_bucket().bucket("life-bucket").send().await.expect("DeleteBucket");
    let gone = s3.head_bucket().bucket("life-bucket").send().await.expect_err("HeadBucket after delete");
    assert_eq!(error_of(&gone).1, 404, "HeadBucket status after delete");
    let gone = s3.get_bucket_location().bucket("life-bucket").send().await.expect_err("location after delete");
    assert_eq!(error_of(&gone), ("NoSuchBucket".to_owned(), 404), "location after delete");
    server.shutdown().await;
}

#[tokio::test]
async fn us_east_1_recreate_succeeds() {
    let server = start().await;
    let s3 = client(&server, OWNER, "us-east-1");

    s3.create_bucket().bucket("east-bucket").send().await.expect("CreateBucket");
    let location = s3.get_bucket_location().bucket("east-bucket").send().await.expect("GetBucketLocation");
    let constraint = location.location_constraint().map(|l| l.as_str()).unwrap_or_default();
    assert_eq!(constraint, "", "us-east-1 has an empty constraint");

    // AWS documents that re-creating your own bucket in us-east-1 succeeds.
    s3.create_bucket().bucket("east-bucket").send().await.expect("re-create in us-east-1");
    server.shutdown().await;
}

#[tokio::test]
async fn recreate_outside_us_east_1_is_already_owned() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "owned-bucket").await;

    let configuration =
        CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::from(HOME_REGION)).build();
    let error = s3
        .create_bucket()
        .bucket("owned-bucket")
        .create_bucket_configuration(configuration)
        .send()
        .await
        .expect_err("second CreateBucket");
    assert_eq!(error_of(&error), ("BucketAlreadyOwnedByYou".to_owned(), 409), "re-create outside us-east-1");
    server.shutdown().await;
}

#[tokio::test]
async fn delete_non_empty_bucket_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "full-bucket").await;
    put(&s3, "full-bucket", "k", b"data").await;

    let error = s3.delete_bucket().bucket("full-bucket").send().await.expect_err("DeleteBucket");
    assert_eq!(error_of(&error), ("BucketNotEmpty".to_owned(), 409), "DeleteBucket of a non-empty bucket");
    s3.head_bucket().bucket("full-bucket").send().await.expect("the bucket is still there");
    server.shutdown().await;
}

#[tokio::test]
async fn bucket_policy_round_trips() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "policy-bucket").await;

    let missing = s3.get_bucket_policy().bucket("policy-bucket").send().await.expect_err("no policy yet");
    assert_eq!(error_of(&missing), ("NoSuchBucketPolicy".to_owned(), 404), "GetBucketPolicy without a policy");

    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::policy-bucket/*"}]}"#;
    s3.put_bucket_policy().bucket("policy-bucket").policy(policy).send().await.expect("PutBucketPolicy");
    let read = s3.get_bucket_policy().bucket("policy-bucket").send().await.expect("GetBucketPolicy");
    assert_eq!(read.policy(), Some(policy), "the policy comes back as sent");

    let status = s3.get_bucket_policy_status().bucket("policy-bucket").send().await.expect("GetBucketPolicyStatus");
    assert_eq!(status.policy_status().and_then(|s| s.is_public()), Some(true), "a wildcard grant is public");

    s3.delete_bucket_policy().bucket("policy-bucket").send().await.expect("DeleteBucketPolicy");
    let missing = s3.get_bucket_policy().bucket("policy-bucket").send().await.expect_err("policy deleted");
    assert_eq!(error_of(&missing).0, "NoSuchBucketPolicy", "GetBucketPolicy after delete");

    let malformed =
        s3.put_bucket_policy().bucket("policy-bucket").policy("{not json").send().await.expect_err("bad policy");
    assert_eq!(error_of(&malformed), ("MalformedPolicy".to_owned(), 400), "PutBucketPolicy with invalid JSON");
    server.shutdown().await;
}

#[tokio::test]
async fn bucket_tagging_round_trips() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "tag-bucket").await;

    let missing = s3.get_bucket_tagging().bucket("tag-bucket").send().await.expect_err("no tags yet");
    assert_eq!(error_of(&missing), ("NoSuchTagSet".to_owned(), 404), "GetBucketTagging without tags");

    let tag = Tag::builder().key("team").value("storage").build().expect("tag");
    let tagging = Tagging::builder().tag_set(tag).build().expect("tagging");
    s3.put_bucket_tagging().bucket("tag-bucket").tagging(tagging).send().await.expect("PutBucketTagging");
    let read = s3.get_bucket_tagging().bucket("tag-bucket").send().await.expect("GetBucketTagging");
    let tags: Vec<(&str, &str)> = read.tag_set().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("team", "storage")], "bucket tags");

    s3.delete_bucket_tagging().bucket("tag-bucket").send().await.expect("DeleteBucketTagging");
    let missing = s3.get_bucket_tagging().bucket("tag-bucket").send().await.expect_err("tags deleted");
    assert_eq!(error_of(&missing).0, "NoSuchTagSet", "GetBucketTagging after delete");
    server.shutdown().await;
}

#[tokio::test]
async fn ownership_controls_default_to_bucket_owner_enforced() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "own-bucket").await;

    let read =
        s3.get_bucket_ownership_controls().bucket("own-bucket").send().await.expect("GetBucketOwnershipControls");
    let setting = read.ownership_controls().and_then(|c| c.rules().first()).map(|r| r.object_ownership().clone());
    assert_eq!(setting, Some(ObjectOwnership::BucketOwnerEnforced), "default ownership");

    let rule = OwnershipControlsRule::builder().object_ownership(ObjectOwnership::ObjectWriter).build().expect("rule");
    let controls = OwnershipControls::builder().rules(rule).build().expect("controls");
    s3.put_bucket_ownership_controls().bucket("own-bucket").ownership_controls(controls).send().await.expect("Put");
    let read = s3.get_bucket_ownership_controls().bucket("own-bucket").send().await.expect("Get after Put");
    let setting = read.ownership_controls().and_then(|c| c.rules().first()).map(|r| r.object_ownership().clone());
    assert_eq!(setting, Some(ObjectOwnership::ObjectWriter), "ownership after Put");
    server.shutdown().await;
}

#[tokio::test]
async fn public_access_block_blocks_public_policy() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "pab-bucket").await;

    let missing = s3.get_public_access_block().bucket("pab-bucket").send().await.expect_err("none yet");
    assert_eq!(error_of(&missing), ("NoSuchPublicAccessBlockConfiguration".to_owned(), 404), "no configuration");

    let configuration =
        PublicAccessBlockConfiguration::builder().block_public_acls(true).block_public_policy(true).build();
    s3.put_public_access_block()
        .bucket("pab-bucket")
        .public_access_block_configuration(configuration)
        .send()
        .await
        .expect("PutPublicAccessBlock");
    let read = s3.get_public_access_block().bucket("pab-bucket").send().await.expect("GetPublicAccessBlock");
    let read = read.public_access_block_configuration().expect("configuration");
    assert_eq!(read.block_public_acls(), Some(true), "BlockPublicAcls");
    assert_eq!(read.block_public_policy(), Some(true), "BlockPublicPolicy");
    assert_eq!(read.ignore_public_acls(), Some(false), "IgnorePublicAcls");

    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pab-bucket/*"}]}"#;
    let blocked = s3.put_bucket_policy().bucket("pab-bucket").policy(policy).send().await.expect_err("public policy");
    assert_eq!(error_of(&blocked), ("AccessDenied".to_owned(), 403), "BlockPublicPolicy rejects a public policy");
    server.shutdown().await;
}
