//! Bucket operations: create, delete, head, list, location, and the bucket
//! configuration documents (policy, tagging, ownership controls, public
//! access block).
//!
//! CreateBucket follows the API reference
//! (the BucketAlreadyOwnedByYou shape in
//! <https://docs.rs/aws-sdk-s3/0.12.0/aws_sdk_s3/error/struct.BucketAlreadyOwnedByYou.html>):
//! another account's name is `BucketAlreadyExists`; the owner's own name is
//! `BucketAlreadyOwnedByYou`, except in us-east-1, where re-creating a bucket
//! you own succeeds.

use std::sync::Arc;

use crosscheck_policy::{Effect, Policy, PolicyType};
use http::StatusCode;

use super::body::Payload;
use super::errors::{self, S3Result};
use super::model::{Bucket, BucketPolicy, Created, PublicAccessBlock};
use super::xml::{self, Document};
use super::{S3, S3Request, canonical_user_id, empty_response, set_header, timestamp, unix_seconds, xml_response};
use crate::access::Profile;
use crate::arn::{bucket_name_problem, is_region_name};
use crate::http::HttpResponse;
use crate::identity::DEFAULT_REGION;
use crate::store::Namespace;

/// Object ownership settings
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-new-bucket.html>).
pub const OWNERSHIP_SETTINGS: [&str; 3] = ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"];

/// Largest bucket policy, in bytes
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html>).
const MAX_POLICY_BYTES: usize = 20 * 1024;

pub fn list_buckets(s3: &S3, request: &S3Request<'_>) -> S3Result<HttpResponse> {
    let account_id = &request.context.caller.account_id;
    let mut document = Document::new("ListAllMyBucketsResult");
    document.open("Buckets");
    for bucket in s3.buckets.owned_by(account_id) {
        document
            .open("Bucket")
            .element("Name", &bucket.name)
            .element("CreationDate", &timestamp(unix_seconds(bucket.created)))
            .element("BucketRegion", bucket.region())
            .close("Bucket");
    }
    document.close("Buckets");
    document
        .open("Owner")
        .element("ID", &canonical_user_id(account_id))
        .element("DisplayName", account_id)
        .close("Owner");
    Ok(xml_response(StatusCode::OK, document.finish("ListAllMyBucketsResult")))
}

pub fn create_bucket(s3: &S3, request: &S3Request<'_>, payload: &Payload) -> S3Result<HttpResponse> {
    let name = request.bucket_name();
    if let Some(reason) = bucket_name_problem(name) {
        return Err(errors::invalid_bucket_name(name, reason));
    }
    let caller = &request.context.caller;

    let location = if payload.data.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let root = xml::parse(&payload.data, "CreateBucketConfiguration")?;
        root.child_text("LocationConstraint").map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned)
    };
    if let Some(location) = &location
        && (location == DEFAULT_REGION || !is_region_name(location))
    {
        return Err(errors::invalid_location_constraint(location));
    }
    let region = location.clone().unwrap_or_else(|| DEFAULT_REGION.to_owned());
    // Under `aws` each region has its own endpoint, so the constraint must
    // name the region the request was signed for. The other profiles serve
    // every region from one endpoint.
    if s3.access.effective_profile() == Profile::Aws && region != caller.region {
        return Err(errors::illegal_location_constraint(location.as_deref().unwrap_or("unspecified"), &caller.region));
    }

    let ownership = match request.header("x-amz-object-ownership") {
        Some(value) if OWNERSHIP_SETTINGS.contains(&value) => Some(value.to_owned()),
        Some(value) => {
            return Err(errors::invalid_argument(
                format!("Invalid x-amz-object-ownership header: {value}"),
                "x-amz-object-ownership",
                value,
            ));
        }
        None => None,
    };

    match s3.buckets.create(name, Namespace::new(&caller.account_id, &region)) {
        Created::New(bucket) => {
            bucket.lock().ownership = ownership;
        }
        Created::Existing(bucket) if bucket.owner() != caller.account_id => {
            return Err(errors::bucket_already_exists(name));
        }
        Created::Existing(bucket) if bucket.region() != DEFAULT_REGION => {
            return Err(errors::bucket_already_owned_by_you(name));
        }
        Created::Existing(_) => {}
    }
    let mut response = empty_response(StatusCode::OK);
    set_header(&mut response, "location", &bucket_location(name, &region));
    Ok(response)
}

/// Returns CreateBucket's `Location` header. The API reference documents
/// only `/BUCKET`, "a forward slash followed by the name of the bucket"
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html>),
/// which is what us-east-1 returns. Outside us-east-1 AWS returns the
/// bucket's virtual-host URL on the global endpoint, as an AWS CLI
/// maintainer's eu-west-1 output shows in <https://github.com/aws/aws-cli/issues/1667>.
// NOTE: that output is from 2015; whether the form depends on the addressing style is unverified.
fn bucket_location(name: &str, region: &str) -> String {
    if region == DEFAULT_REGION { format!("/{name}") } else { format!("http://{name}.s3.amazonaws.com/") }
}

pub fn delete_bucket(s3: &S3, bucket: &Arc<Bucket>) -> S3Result<HttpResponse> {
    s3.buckets.remove_if(bucket, |state| {
        if state.objects.is_empty() && state.uploads.is_empty() {
            Ok(())
        } else {
            Err(errors::bucket_not_empty(&bucket.name))
        }
    })?;
    Ok(empty_response(StatusCode::NO_CONTENT))
}

pub fn head_bucket(bucket: &Bucket) -> HttpResponse {
    let mut response = empty_response(StatusCode::OK);
    set_header(&mut response, "x-amz-bucket-region", bucket.region());
    response
}

/// Returns the location; us-east-1 buckets have an empty constraint
/// (the GetBucketLocationOutput shape in
/// <https://docs.aws.amazon.com/sdk-for-ruby/v3/api/Aws/S3/Types/GetBucketLocationOutput.html>).
pub fn get_bucket_location(bucket: &Bucket) -> HttpResponse {
    let region = if bucket.region() == DEFAULT_REGION { "" } else { bucket.region() };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"{}\">{}</LocationConstraint>",
        xml::S3_NAMESPACE,
        xml::escape(region)
    );
    xml_response(StatusCode::OK, body)
}

/// Reports whether a policy grants access to everyone: an `Allow` statement
/// for the wildcard principal without conditions.
// NOTE: AWS also counts statements whose conditions do not pin the caller
// (for example `aws:SourceIp` ranges) as public; only the unconditional case is modelled.
pub fn is_public(policy: &Policy) -> bool {
    policy.statements.iter().any(|statement| {
        statement.effect == Effect::Allow
            && statement.conditions.is_empty()
            && statement
                .principal
                .as_ref()
                .is_some_and(|principal| !principal.is_negated() && principal.principals().is_wildcard())
    })
}

pub fn put_bucket_policy(bucket: &Bucket, payload: &Payload) -> S3Result<HttpResponse> {
    let text = std::str::from_utf8(&payload.data).map_err(|_| errors::malformed_policy("the policy is not UTF-8"))?;
    if text.trim().is_empty() {
        return Err(errors::malformed_policy("the policy is empty"));
    }
    if text.len() > MAX_POLICY_BYTES {
        return Err(errors::S3Error::new(
            "PolicyTooLarge",
            400,
            format!("The policy is {} bytes, over the maximum of {MAX_POLICY_BYTES}", text.len()),
        ));
    }
    let policy =
        Policy::parse(text, PolicyType::Resource).map_err(|error| errors::malformed_policy(&error.to_string()))?;

    let mut state = bucket.lock();
    if state.public_access_block.is_some_and(|block| block.block_public_policy) && is_public(&policy) {
        return Err(errors::access_denied(
            "The bucket's public access block setting BlockPublicPolicy rejects a public bucket policy",
        ));
    }
    state.policy = Some(BucketPolicy { document: text.to_owned(), policy: Arc::new(policy) });
    Ok(empty_response(StatusCode::NO_CONTENT))
}

pub fn get_bucket_policy(bucket: &Bucket) -> S3Result<HttpResponse> {
    let state = bucket.lock();
    let policy = state.policy.as_ref().ok_or_else(|| errors::no_such_bucket_policy(&bucket.name))?;
    let mut response = xml_response(StatusCode::OK, policy.document.clone());
    set_header(&mut response, "content-type", "application/json");
    Ok(response)
}

pub fn delete_bucket_policy(bucket: &Bucket) -> HttpResponse {
    bucket.lock().policy = None;
    empty_response(StatusCode::NO_CONTENT)
}

pub fn get_bucket_policy_status(bucket: &Bucket) -> S3Result<HttpResponse> {
    let state = bucket.lock();
    let policy = state.policy.as_ref().ok_or_else(|| errors::no_such_bucket_policy(&bucket.name))?;
    let mut document = Document::new("PolicyStatus");
    document.element("IsPublic", if is_public(&policy.policy) { "true" } else { "false" });
    Ok(xml_response(StatusCode::OK, document.finish("PolicyStatus")))
}

/// Parses a `Tagging` document into its tag set, checking S3's tag rules
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-managing.html>).
pub fn parse_tagging(data: &[u8], max_tags: usize) -> S3Result<Vec<(String, String)>> {
    let root = xml::parse(data, "Tagging")?;
    let tag_set = root.child("TagSet").ok_or_else(|| errors::malformed_xml("<Tagging> has no <TagSet>"))?;
    let mut tags: Vec<(String, String)> = Vec::new();
    for tag in tag_set.children_named("Tag") {
        let key = tag.child_text("Key").ok_or_else(|| errors::malformed_xml("a <Tag> has no <Key>"))?;
        let value = tag.child_text("Value").unwrap_or_default();
        if key.is_empty() || key.chars().count() > 128 {
            return Err(errors::invalid_tag(format!("The TagKey {key:?} must be 1 to 128 characters long")));
        }
        if value.chars().count() > 256 {
            return Err(errors::invalid_tag(format!("The TagValue of {key:?} must be at most 256 characters long")));
        }
        if key.starts_with("aws:") {
            return Err(errors::invalid_tag(format!("Your TagKey {key:?} cannot start with the reserved prefix aws:")));
        }
        if tags.iter().any(|(existing, _)| existing == key) {
            return Err(errors::invalid_tag(format!("Cannot provide multiple Tags with the same key: {key}")));
        }
        tags.push((key.to_owned(), value.to_owned()));
    }
    if tags.len() > max_tags {
        return Err(errors::invalid_tag(format!("Object tags cannot be greater than {max_tags}")));
    }
    Ok(tags)
}

/// Writes a `Tagging` document.
pub fn tagging_document(tags: &[(String, String)]) -> String {
    let mut document = Document::new("Tagging");
    document.open("TagSet");
    for (key, value) in tags {
        document.open("Tag").element("Key", key).element("Value", value).close("Tag");
    }
    document.close("TagSet");
    document.finish("Tagging")
}

pub fn put_bucket_tagging(bucket: &Bucket, payload: &Payload) -> S3Result<HttpResponse> {
    let tags = parse_tagging(&payload.data, 50)?;
    bucket.lock().tags = Some(tags);
    Ok(empty_response(StatusCode::NO_CONTENT))
}

pub fn get_bucket_tagging(bucket: &Bucket) -> S3Result<HttpResponse> {
    let state = bucket.lock();
    let tags = state.tags.as_ref().ok_or_else(|| errors::no_such_tag_set(&bucket.name))?;
    Ok(xml_response(StatusCode::OK, tagging_document(tags)))
}

pub fn delete_bucket_tagging(bucket: &Bucket) -> HttpResponse {
    bucket.lock().tags = None;
    empty_response(StatusCode::NO_CONTENT)
}

pub fn put_ownership_controls(bucket: &Bucket, payload: &Payload) -> S3Result<HttpResponse> {
    let root = xml::parse(&payload.data, "OwnershipControls")?;
    let rules: Vec<_> = root.children_named("Rule").collect();
    let [rule] = rules.as_slice() else {
        return Err(errors::malformed_xml("<OwnershipControls> must contain exactly one <Rule>"));
    };
    let setting = rule.child_text("ObjectOwnership").unwrap_or_default();
    if !OWNERSHIP_SETTINGS.contains(&setting) {
        return Err(errors::malformed_xml(&format!(
            "ObjectOwnership {setting:?} is not one of {}",
            OWNERSHIP_SETTINGS.join(", ")
        )));
    }
    bucket.lock().ownership = Some(setting.to_owned());
    Ok(empty_response(StatusCode::OK))
}

/// Returns the ownership controls. New buckets use `BucketOwnerEnforced`
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-new-bucket.html>),
/// and the emulator reports that default like a stored setting.
pub fn get_ownership_controls(bucket: &Bucket) -> S3Result<HttpResponse> {
    let state = bucket.lock();
    let setting = state.ownership.as_deref().unwrap_or("BucketOwnerEnforced");
    let mut document = Document::new("OwnershipControls");
    document.open("Rule").element("ObjectOwnership", setting).close("Rule");
    Ok(xml_response(StatusCode::OK, document.finish("OwnershipControls")))
}

pub fn delete_ownership_controls(bucket: &Bucket) -> HttpResponse {
    bucket.lock().ownership = None;
    empty_response(StatusCode::NO_CONTENT)
}

pub fn put_public_access_block(bucket: &Bucket, payload: &Payload) -> S3Result<HttpResponse> {
    let root = xml::parse(&payload.data, "PublicAccessBlockConfiguration")?;
    let flag = |name: &str| -> S3Result<bool> {
        match root.child_text(name).map(str::trim) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(errors::malformed_xml(&format!("{name} {other:?} is not true or false"))),
        }
    };
    let block = PublicAccessBlock {
        block_public_acls: flag("BlockPublicAcls")?,
        ignore_public_acls: flag("IgnorePublicAcls")?,
        block_public_policy: flag("BlockPublicPolicy")?,
        restrict_public_buckets: flag("RestrictPublicBuckets")?,
    };
    bucket.lock().public_access_block = Some(block);
    Ok(empty_response(StatusCode::OK))
}

pub fn get_public_access_block(bucket: &Bucket) -> S3Result<HttpResponse> {
    let state = bucket.lock();
    let block = state.public_access_block.ok_or_else(|| errors::no_such_public_access_block(&bucket.name))?;
    let text = |value: bool| if value { "true" } else { "false" };
    let mut document = Document::new("PublicAccessBlockConfiguration");
    document
        .element("BlockPublicAcls", text(block.block_public_acls))
        .element("IgnorePublicAcls", text(block.ignore_public_acls))
        .element("BlockPublicPolicy", text(block.block_public_policy))
        .element("RestrictPublicBuckets", text(block.restrict_public_buckets));
    Ok(xml_response(StatusCode::OK, document.finish("PublicAccessBlockConfiguration")))
}

pub fn delete_public_access_block(bucket: &Bucket) -> HttpResponse {
    bucket.lock().public_access_block = None;
    empty_response(StatusCode::NO_CONTENT)
}
