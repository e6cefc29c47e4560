//! The Amazon S3 driver: bucket, object, listing, tagging, policy,
//! ownership-control, public-access-block and multipart operations through
//! `aws-sdk-s3`.
//!
//! Input and output members carry the names of the S3 API reference
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html>).
//! Timestamps (`IfModifiedSince`, `LastModified`) are whole seconds since
//! the Unix epoch.
//!
//! Object bodies: scenarios write and compare text, so PutObject and
//! UploadPart take the body as the string `Body` (sent as its UTF-8 bytes)
//! or as base64 in `BodyBase64` for binary data. GetObject renders the body
//! back as `Body` when it is valid UTF-8, and otherwise as `BodyBase64`: the
//! member name marks the encoding, so no text body is ever mistaken for
//! base64.
//!
//! Addressing: the client uses path style (`http://host/bucket/key`) when
//! the endpoint's host is an IP address or `localhost`, because a bucket
//! name in front of an IP address is no host name. Other endpoints get the
//! SDK's default virtual-host style.
//!
//! Resource addresses: every operation but ListBuckets names its bucket in
//! `Bucket`, a [`GlobalName`](crosscheck_emulator::arn::AddressKind::GlobalName).
//! Bucket names are global, so the name carries no owning namespace. The
//! runner takes it from the successful call that first named the bucket in
//! the scenario, which is CreateBucket, whose address resolves to the
//! creator's account and the region of its `LocationConstraint`.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketCannedAcl, BucketLocationConstraint, ChecksumAlgorithm, ChecksumMode, CompletedMultipartUpload,
    CompletedPart, CreateBucketConfiguration, Delete, MetadataDirective, ObjectAttributes, ObjectCannedAcl,
    ObjectIdentifier, ObjectOwnership, OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration, Tag,
    Tagging, TaggingDirective,
};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::display::DisplayErrorContext;
use serde_json::Value;

use self::operations::OPERATIONS;
use super::{
    Input, InputError, JsonObject, StatusRecorder, empty, epoch_seconds, outcome_of, presigned_outcome,
    unlisted_operation,
};
use crate::outcome::Outcome;

mod operations;

/// Calls S3 operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct S3Driver;

sdk_driver!(
    S3Driver,
    service: "s3",
    operations: OPERATIONS,
    sdk: aws_sdk_s3,
    call: call_operation,
    configure: configure_addressing,
    presign: presign_operation,
    presigned_operations: &["GetObject", "PutObject"]
);

/// The lifetime of a presigned URL. Scenarios use a URL right after making
/// it, and seven days is the longest SigV4 allows.
const PRESIGNED_EXPIRY: Duration = Duration::from_secs(60 * 60);

/// Presigns GetObject or PutObject. A presigned PutObject carries no body:
/// the `http.Request` step that uses the URL sends it.
async fn presign_operation(client: &Client, operation: &str, input: Input<'_>) -> Result<Outcome, InputError> {
    check_presigned_members(operation, input)?;
    let config = PresigningConfig::expires_in(PRESIGNED_EXPIRY).map_err(|error| input.build_error(&error))?;
    let presigned = match operation {
        "GetObject" => client
            .get_object()
            .set_bucket(input.string("Bucket")?)
            .set_key(input.string("Key")?)
            .set_expected_bucket_owner(input.string("ExpectedBucketOwner")?)
            .presigned(config)
            .await
            .map_err(|error| DisplayErrorContext(&error).to_string()),
        "PutObject" => client
            .put_object()
            .set_bucket(input.string("Bucket")?)
            .set_key(input.string("Key")?)
            .set_content_type(input.string("ContentType")?)
            .set_expected_bucket_owner(input.string("ExpectedBucketOwner")?)
            .presigned(config)
            .await
            .map_err(|error| DisplayErrorContext(&error).to_string()),
        _ => return Err(unlisted_operation("s3", operation)),
    };
    Ok(match presigned {
        Ok(request) => presigned_outcome(request.method(), request.uri(), request.headers()),
        Err(reason) => Outcome::transport_failure(None, format!("presigning {operation} failed: {reason}")),
    })
}

/// Rejects input members that a presigned request of `operation` would not
/// carry, so that no member of a presigned step is silently dropped.
fn check_presigned_members(operation: &str, input: Input<'_>) -> Result<(), InputError> {
    let presigned: &[&str] = match operation {
        "GetObject" => &["Bucket", "Key", "ExpectedBucketOwner"],
        "PutObject" => &["Bucket", "Key", "ContentType", "ExpectedBucketOwner"],
        _ => return Err(unlisted_operation("s3", operation)),
    };
    for member in input.member_names() {
        if presigned.contains(&member) {
            continue;
        }
        let message = if operation == "PutObject" && (member == "Body" || member == "BodyBase64") {
            "a presigned PutObject carries no body; send it in the http.Request step".to_owned()
        } else {
            format!(
                "a presigned {operation} carries only {}; send other parameters as headers of the http.Request step",
                presigned.join(", ")
            )
        };
        return Err(InputError { path: member.to_owned(), message });
    }
    Ok(())
}

/// Chooses path style for endpoints whose host cannot carry a bucket name.
fn configure_addressing(
    builder: aws_sdk_s3::config::Builder,
    config: &aws_config::SdkConfig,
) -> aws_sdk_s3::config::Builder {
    let path_style = config.endpoint_url().is_some_and(needs_path_style);
    builder.force_path_style(path_style)
}

/// Reports whether an endpoint URL's host is an IP address or `localhost`.
fn needs_path_style(endpoint: &str) -> bool {
    let Some((_scheme, rest)) = endpoint.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_and_port = authority.rsplit_once('@').map_or(authority, |(_userinfo, host)| host);
    if let Some(bracketed) = host_and_port.strip_prefix('[') {
        return bracketed.split_once(']').is_some_and(|(host, _port)| host.parse::<std::net::Ipv6Addr>().is_ok());
    }
    let host = host_and_port.split_once(':').map_or(host_and_port, |(host, _port)| host);
    host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok()
}

async fn call_operation(
    client: &Client,
    operation: &str,
    input: Input<'_>,
    recorder: &StatusRecorder,
) -> Result<Outcome, InputError> {
    let outcome = match operation {
        "AbortMultipartUpload" => send!(
            recorder,
            client.abort_multipart_upload(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_upload_id: string("UploadId"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |_| empty()
        ),
        "CompleteMultipartUpload" => send!(
            recorder,
            client.complete_multipart_upload(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_upload_id: string("UploadId"),
                set_multipart_upload: completed_upload("MultipartUpload"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                JsonObject::new()
                    .member("Bucket", output.bucket)
                    .member("Key", output.key)
                    .member("ETag", output.e_tag)
                    .member("Location", output.location)
                    .build()
            }
        ),
        "CopyObject" => send!(
            recorder,
            client.copy_object(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_copy_source: string("CopySource"),
                set_copy_source_if_match: string("CopySourceIfMatch"),
                set_copy_source_if_none_match: string("CopySourceIfNoneMatch"),
                set_metadata_directive: metadata_directive("MetadataDirective"),
                set_metadata: string_map("Metadata"),
                set_tagging_directive: tagging_directive("TaggingDirective"),
                set_tagging: string("Tagging"),
                set_content_type: string("ContentType"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
                set_expected_source_bucket_owner: string("ExpectedSourceBucketOwner"),
            },
            |output| {
                let result = output.copy_object_result.map(|result| {
                    JsonObject::new()
                        .member("ETag", result.e_tag)
                        .member("LastModified", result.last_modified.map(epoch_seconds))
                        .build()
                });
                JsonObject::new().member("CopyObjectResult", result).build()
            }
        ),
        "CreateBucket" => send!(
            recorder,
            client.create_bucket(),
            input {
                set_bucket: string("Bucket"),
                set_acl: bucket_acl("ACL"),
                set_create_bucket_configuration: bucket_configuration("CreateBucketConfiguration"),
                set_object_ownership: object_ownership("ObjectOwnership"),
            },
            |output| JsonObject::new().member("Location", output.location).build()
        ),
        "CreateMultipartUpload" => send!(
            recorder,
            client.create_multipart_upload(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_content_type: string("ContentType"),
                set_metadata: string_map("Metadata"),
                set_tagging: string("Tagging"),
                set_checksum_algorithm: checksum_algorithm("ChecksumAlgorithm"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                JsonObject::new()
                    .member("Bucket", output.bucket)
                    .member("Key", output.key)
                    .member("UploadId", output.upload_id)
                    .build()
            }
        ),
        "DeleteBucket" => send!(
            recorder,
            client.delete_bucket(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |_| empty()
        ),
        "DeleteBucketOwnershipControls" => send!(
            recorder,
            client.delete_bucket_ownership_controls(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |_| empty()
        ),
        "DeleteBucketPolicy" => send!(
            recorder,
            client.delete_bucket_policy(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |_| empty()
        ),
        "DeleteBucketTagging" => send!(
            recorder,
            client.delete_bucket_tagging(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |_| empty()
        ),
        "DeleteObject" => send!(
            recorder,
            client.delete_object(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |_| empty()
        ),
        "DeleteObjectTagging" => send!(
            recorder,
            client.delete_object_tagging(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |_| empty()
        ),
        "DeleteObjects" => send!(
            recorder,
            client.delete_objects(),
            input {
                set_bucket: string("Bucket"),
                set_delete: delete("Delete"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                let deleted: Option<Vec<Value>> = output.deleted.map(|deleted| {
                    deleted.into_iter().map(|object| JsonObject::new().member("Key", object.key).build()).collect()
                });
                let errors: Option<Vec<Value>> = output.errors.map(|errors| {
                    errors
                        .into_iter()
                        .map(|error| {
                            JsonObject::new()
                                .member("Key", error.key)
                                .member("Code", error.code)
                                .member("Message", error.message)
                                .build()
                        })
                        .collect()
                });
                JsonObject::new().member("Deleted", deleted).member("Errors", errors).build()
            }
        ),
        "DeletePublicAccessBlock" => send!(
            recorder,
            client.delete_public_access_block(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |_| empty()
        ),
        "GetBucketLocation" => send!(
            recorder,
            client.get_bucket_location(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |output| {
                let location = output.location_constraint.map(|location| location.as_str().to_owned());
                JsonObject::new().member("LocationConstraint", location).build()
            }
        ),
        "GetBucketOwnershipControls" => send!(
            recorder,
            client.get_bucket_ownership_controls(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |output| {
                let controls = output.ownership_controls.map(|controls| {
                    let rules: Vec<Value> = controls
                        .rules
                        .into_iter()
                        .map(|rule| {
                            JsonObject::new().required("ObjectOwnership", rule.object_ownership.as_str()).build()
                        })
                        .collect();
                    JsonObject::new().required("Rules", rules).build()
                });
                JsonObject::new().member("OwnershipControls", controls).build()
            }
        ),
        "GetBucketPolicy" => send!(
            recorder,
            client.get_bucket_policy(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |output| JsonObject::new().member("Policy", output.policy).build()
        ),
        "GetBucketPolicyStatus" => send!(
            recorder,
            client.get_bucket_policy_status(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |output| {
                let status =
                    output.policy_status.map(|status| JsonObject::new().member("IsPublic", status.is_public).build());
                JsonObject::new().member("PolicyStatus", status).build()
            }
        ),
        "GetBucketTagging" => send!(
            recorder,
            client.get_bucket_tagging(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |output| tag_set_json(output.tag_set)
        ),
        "GetObject" => get_object(client, input, recorder).await?,
        "GetObjectAttributes" => send!(
            recorder,
            client.get_object_attributes(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_object_attributes: object_attributes("ObjectAttributes"),
                set_max_parts: int("MaxParts"),
                set_part_number_marker: string("PartNumberMarker"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            object_attributes_json
        ),
        "GetObjectTagging" => send!(
            recorder,
            client.get_object_tagging(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| tag_set_json(output.tag_set)
        ),
        "GetPublicAccessBlock" => send!(
            recorder,
            client.get_public_access_block(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |output| {
                let configuration = output.public_access_block_configuration.map(|configuration| {
                    JsonObject::new()
                        .member("BlockPublicAcls", configuration.block_public_acls)
                        .member("IgnorePublicAcls", configuration.ignore_public_acls)
                        .member("BlockPublicPolicy", configuration.block_public_policy)
                        .member("RestrictPublicBuckets", configuration.restrict_public_buckets)
                        .build()
                });
                JsonObject::new().member("PublicAccessBlockConfiguration", configuration).build()
            }
        ),
        "HeadBucket" => head_outcome(send!(
            recorder,
            client.head_bucket(),
            input { set_bucket: string("Bucket"), set_expected_bucket_owner: string("ExpectedBucketOwner") },
            |output| JsonObject::new().member("BucketRegion", output.bucket_region).build()
        )),
        "HeadObject" => head_outcome(send!(
            recorder,
            client.head_object(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_range: string("Range"),
                set_if_match: string("IfMatch"),
                set_if_none_match: string("IfNoneMatch"),
                set_if_modified_since: timestamp("IfModifiedSince"),
                set_if_unmodified_since: timestamp("IfUnmodifiedSince"),
                set_part_number: int("PartNumber"),
                set_checksum_mode: checksum_mode("ChecksumMode"),
            },
            |output| {
                ObjectHeaders {
                    content_length: output.content_length,
                    content_type: output.content_type,
                    content_range: None,
                    e_tag: output.e_tag,
                    last_modified: output.last_modified,
                    metadata: output.metadata,
                    tag_count: None,
                    parts_count: output.parts_count,
                    checksums: [
                        output.checksum_crc32,
                        output.checksum_crc32_c,
                        output.checksum_crc64_nvme,
                        output.checksum_sha1,
                        output.checksum_sha256,
                    ],
                }
                .json()
                .build()
            }
        )),
        "ListBuckets" => send!(recorder, client.list_buckets(), input {}, |output| {
            let buckets: Option<Vec<Value>> = output.buckets.map(|buckets| {
                buckets
                    .into_iter()
                    .map(|bucket| {
                        JsonObject::new()
                            .member("Name", bucket.name)
                            .member("BucketRegion", bucket.bucket_region)
                            .build()
                    })
                    .collect()
            });
            let owner = output.owner.map(|owner| JsonObject::new().member("ID", owner.id).build());
            JsonObject::new().member("Buckets", buckets).member("Owner", owner).build()
        }),
        "ListMultipartUploads" => send!(
            recorder,
            client.list_multipart_uploads(),
            input {
                set_bucket: string("Bucket"),
                set_prefix: string("Prefix"),
                set_key_marker: string("KeyMarker"),
                set_upload_id_marker: string("UploadIdMarker"),
                set_max_uploads: int("MaxUploads"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                let uploads: Option<Vec<Value>> = output.uploads.map(|uploads| {
                    uploads
                        .into_iter()
                        .map(|upload| {
                            JsonObject::new().member("Key", upload.key).member("UploadId", upload.upload_id).build()
                        })
                        .collect()
                });
                JsonObject::new().member("Uploads", uploads).member("IsTruncated", output.is_truncated).build()
            }
        ),
        "ListObjects" => send!(
            recorder,
            client.list_objects(),
            input {
                set_bucket: string("Bucket"),
                set_prefix: string("Prefix"),
                set_delimiter: string("Delimiter"),
                set_marker: string("Marker"),
                set_max_keys: int("MaxKeys"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                ListingPage {
                    name: output.name,
                    prefix: output.prefix,
                    max_keys: output.max_keys,
                    is_truncated: output.is_truncated,
                    contents: output.contents,
                    common_prefixes: output.common_prefixes,
                }
                .json()
                .member("NextMarker", output.next_marker)
                .build()
            }
        ),
        "ListObjectsV2" => send!(
            recorder,
            client.list_objects_v2(),
            input {
                set_bucket: string("Bucket"),
                set_prefix: string("Prefix"),
                set_delimiter: string("Delimiter"),
                set_continuation_token: string("ContinuationToken"),
                set_start_after: string("StartAfter"),
                set_max_keys: int("MaxKeys"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                ListingPage {
                    name: output.name,
                    prefix: output.prefix,
                    max_keys: output.max_keys,
                    is_truncated: output.is_truncated,
                    contents: output.contents,
                    common_prefixes: output.common_prefixes,
                }
                .json()
                .member("KeyCount", output.key_count)
                .member("NextContinuationToken", output.next_continuation_token)
                .build()
            }
        ),
        "ListParts" => send!(
            recorder,
            client.list_parts(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_upload_id: string("UploadId"),
                set_max_parts: int("MaxParts"),
                set_part_number_marker: string("PartNumberMarker"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                let parts: Option<Vec<Value>> = output.parts.map(|parts| {
                    parts
                        .into_iter()
                        .map(|part| {
                            JsonObject::new()
                                .member("PartNumber", part.part_number)
                                .member("ETag", part.e_tag)
                                .member("Size", part.size)
                                .build()
                        })
                        .collect()
                });
                JsonObject::new()
                    .member("Parts", parts)
                    .member("IsTruncated", output.is_truncated)
                    .member("NextPartNumberMarker", output.next_part_number_marker)
                    .build()
            }
        ),
        "PutBucketOwnershipControls" => send!(
            recorder,
            client.put_bucket_ownership_controls(),
            input {
                set_bucket: string("Bucket"),
                set_ownership_controls: ownership_controls("OwnershipControls"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |_| empty()
        ),
        "PutBucketPolicy" => send!(
            recorder,
            client.put_bucket_policy(),
            input {
                set_bucket: string("Bucket"),
                set_policy: string("Policy"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |_| empty()
        ),
        "PutBucketTagging" => send!(
            recorder,
            client.put_bucket_tagging(),
            input {
                set_bucket: string("Bucket"),
                set_tagging: tagging("Tagging"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |_| empty()
        ),
        "PutObject" => send!(
            recorder,
            client.put_object(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_body: body("Body"),
                set_content_type: string("ContentType"),
                set_content_md5: string("ContentMD5"),
                set_metadata: string_map("Metadata"),
                set_tagging: string("Tagging"),
                set_checksum_algorithm: checksum_algorithm("ChecksumAlgorithm"),
                set_acl: object_acl("ACL"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                checksums_json(
                    JsonObject::new().member("ETag", output.e_tag),
                    [
                        output.checksum_crc32,
                        output.checksum_crc32_c,
                        output.checksum_crc64_nvme,
                        output.checksum_sha1,
                        output.checksum_sha256,
                    ],
                )
                .build()
            }
        ),
        "PutObjectTagging" => send!(
            recorder,
            client.put_object_tagging(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_tagging: tagging("Tagging"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |_| empty()
        ),
        "PutPublicAccessBlock" => send!(
            recorder,
            client.put_public_access_block(),
            input {
                set_bucket: string("Bucket"),
                set_public_access_block_configuration: public_access_block("PublicAccessBlockConfiguration"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |_| empty()
        ),
        "UploadPart" => send!(
            recorder,
            client.upload_part(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_upload_id: string("UploadId"),
                set_part_number: int("PartNumber"),
                set_body: body("Body"),
                set_content_md5: string("ContentMD5"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                checksums_json(
                    JsonObject::new().member("ETag", output.e_tag),
                    [
                        output.checksum_crc32,
                        output.checksum_crc32_c,
                        output.checksum_crc64_nvme,
                        output.checksum_sha1,
                        output.checksum_sha256,
                    ],
                )
                .build()
            }
        ),
        "UploadPartCopy" => send!(
            recorder,
            client.upload_part_copy(),
            input {
                set_bucket: string("Bucket"),
                set_key: string("Key"),
                set_upload_id: string("UploadId"),
                set_part_number: int("PartNumber"),
                set_copy_source: string("CopySource"),
                set_copy_source_range: string("CopySourceRange"),
                set_expected_bucket_owner: string("ExpectedBucketOwner"),
            },
            |output| {
                let result = output.copy_part_result.map(|result| {
                    JsonObject::new()
                        .member("ETag", result.e_tag)
                        .member("LastModified", result.last_modified.map(epoch_seconds))
                        .build()
                });
                JsonObject::new().member("CopyPartResult", result).build()
            }
        ),
        _ => return Err(unlisted_operation("s3", operation)),
    };
    Ok(outcome)
}

/// Names the error of a HEAD request by its HTTP status.
///
/// S3 sends HEAD responses without a body, so the SDK reads no error code
/// from them, except `NotFound` for a 404. The driver names every other
/// status the same way, by its reason phrase without spaces (`Forbidden`
/// for 403, `MovedPermanently` for 301, `BadRequest` for 400), so that
/// expectations can name the error.
fn head_outcome(outcome: Outcome) -> Outcome {
    if outcome.class == crate::outcome::OutcomeClass::Ok || outcome.code.is_some() {
        return outcome;
    }
    let Some(status) = outcome.status else {
        return outcome;
    };
    let code = match status {
        301 => "MovedPermanently",
        304 => "NotModified",
        400 => "BadRequest",
        403 => "Forbidden",
        404 => "NotFound",
        412 => "PreconditionFailed",
        416 => "RequestedRangeNotSatisfiable",
        _ => return outcome,
    };
    Outcome::service_error(Some(code.to_owned()), Some(status), outcome.message)
}

/// Calls GetObject and reads the whole body, which `send!` cannot do
/// because its rendering is synchronous.
async fn get_object(client: &Client, input: Input<'_>, recorder: &StatusRecorder) -> Result<Outcome, InputError> {
    let result = client
        .get_object()
        .set_bucket(input.string("Bucket")?)
        .set_key(input.string("Key")?)
        .set_range(input.string("Range")?)
        .set_if_match(input.string("IfMatch")?)
        .set_if_none_match(input.string("IfNoneMatch")?)
        .set_if_modified_since(input.timestamp("IfModifiedSince")?)
        .set_if_unmodified_since(input.timestamp("IfUnmodifiedSince")?)
        .set_part_number(input.int("PartNumber")?)
        .set_checksum_mode(input.checksum_mode("ChecksumMode")?)
        .send()
        .await;
    let output = match result {
        Ok(output) => output,
        Err(error) => return Ok(outcome_of(Err::<(), _>(error), recorder, |()| Value::Null)),
    };
    let headers = ObjectHeaders {
        content_length: output.content_length,
        content_type: output.content_type,
        content_range: output.content_range,
        e_tag: output.e_tag,
        last_modified: output.last_modified,
        metadata: output.metadata,
        tag_count: output.tag_count,
        parts_count: output.parts_count,
        checksums: [
            output.checksum_crc32,
            output.checksum_crc32_c,
            output.checksum_crc64_nvme,
            output.checksum_sha1,
            output.checksum_sha256,
        ],
    };
    let bytes = match output.body.collect().await {
        Ok(collected) => collected.into_bytes(),
        Err(error) => {
            let message = format!("reading the object body failed: {error}");
            return Ok(Outcome::transport_failure(recorder.status(), message));
        }
    };
    let response = body_json(&bytes, headers.json()).build();
    Ok(Outcome::ok(recorder.status(), response))
}

/// Adds the body as `Body` when it is UTF-8 text, else as `BodyBase64`.
fn body_json(bytes: &[u8], object: JsonObject) -> JsonObject {
    match std::str::from_utf8(bytes) {
        Ok(text) => object.required("Body", text),
        Err(_) => object.required("BodyBase64", super::base64_text(aws_smithy_types::Blob::new(bytes))),
    }
}

/// The response headers GetObject and HeadObject share.
struct ObjectHeaders {
    content_length: Option<i64>,
    content_type: Option<String>,
    content_range: Option<String>,
    e_tag: Option<String>,
    last_modified: Option<DateTime>,
    metadata: Option<HashMap<String, String>>,
    tag_count: Option<i32>,
    parts_count: Option<i32>,
    /// CRC32, CRC32C, CRC64NVME, SHA1 and SHA256, in this order.
    checksums: [Option<String>; 5],
}

impl ObjectHeaders {
    fn json(self) -> JsonObject {
        let object = JsonObject::new()
            .member("ContentLength", self.content_length)
            .member("ContentType", self.content_type)
            .member("ContentRange", self.content_range)
            .member("ETag", self.e_tag)
            .member("LastModified", self.last_modified.map(epoch_seconds))
            .member("Metadata", self.metadata.map(super::sorted_string_map))
            .member("TagCount", self.tag_count)
            .member("PartsCount", self.parts_count);
        checksums_json(object, self.checksums)
    }
}

/// Adds the checksum members, given as CRC32, CRC32C, SHA1 and SHA256.
fn checksums_json(object: JsonObject, checksums: [Option<String>; 5]) -> JsonObject {
    let [crc32, crc32c, crc64nvme, sha1, sha256] = checksums;
    object
        .member("ChecksumCRC32", crc32)
        .member("ChecksumCRC32C", crc32c)
        .member("ChecksumCRC64NVME", crc64nvme)
        .member("ChecksumSHA1", sha1)
        .member("ChecksumSHA256", sha256)
}

/// Renders GetObjectAttributes's output.
fn object_attributes_json(output: aws_sdk_s3::operation::get_object_attributes::GetObjectAttributesOutput) -> Value {
    let checksum = output.checksum.map(|checksum| {
        let object = checksums_json(
            JsonObject::new(),
            [
                checksum.checksum_crc32,
                checksum.checksum_crc32_c,
                checksum.checksum_crc64_nvme,
                checksum.checksum_sha1,
                checksum.checksum_sha256,
            ],
        );
        object.member("ChecksumType", checksum.checksum_type.map(|kind| kind.as_str().to_owned())).build()
    });
    let parts = output.object_parts.map(|parts| {
        let listed: Option<Vec<Value>> = parts.parts.map(|listed| {
            listed
                .into_iter()
                .map(|part| {
                    let object = JsonObject::new().member("PartNumber", part.part_number).member("Size", part.size);
                    checksums_json(
                        object,
                        [
                            part.checksum_crc32,
                            part.checksum_crc32_c,
                            part.checksum_crc64_nvme,
                            part.checksum_sha1,
                            part.checksum_sha256,
                        ],
                    )
                    .build()
                })
                .collect()
        });
        JsonObject::new()
            .member("TotalPartsCount", parts.total_parts_count)
            .member("PartNumberMarker", parts.part_number_marker)
            .member("NextPartNumberMarker", parts.next_part_number_marker)
            .member("MaxParts", parts.max_parts)
            .member("IsTruncated", parts.is_truncated)
            .member("Parts", listed)
            .build()
    });
    JsonObject::new()
        .member("ETag", output.e_tag)
        .member("LastModified", output.last_modified.map(epoch_seconds))
        .member("ObjectSize", output.object_size)
        .member("StorageClass", output.storage_class.map(|class| class.as_str().to_owned()))
        .member("Checksum", checksum)
        .member("ObjectParts", parts)
        .build()
}

/// The members ListObjects and ListObjectsV2 share.
struct ListingPage {
    name: Option<String>,
    prefix: Option<String>,
    max_keys: Option<i32>,
    is_truncated: Option<bool>,
    contents: Option<Vec<aws_sdk_s3::types::Object>>,
    common_prefixes: Option<Vec<aws_sdk_s3::types::CommonPrefix>>,
}

impl ListingPage {
    fn json(self) -> JsonObject {
        let contents: Option<Vec<Value>> = self.contents.map(|objects| {
            objects
                .into_iter()
                .map(|object| {
                    JsonObject::new()
                        .member("Key", object.key)
                        .member("Size", object.size)
                        .member("ETag", object.e_tag)
                        .member("LastModified", object.last_modified.map(epoch_seconds))
                        .member("StorageClass", object.storage_class.map(|class| class.as_str().to_owned()))
                        .build()
                })
                .collect()
        });
        let common_prefixes: Option<Vec<Value>> = self.common_prefixes.map(|prefixes| {
            prefixes.into_iter().map(|prefix| JsonObject::new().member("Prefix", prefix.prefix).build()).collect()
        });
        JsonObject::new()
            .member("Name", self.name)
            .member("Prefix", self.prefix)
            .member("MaxKeys", self.max_keys)
            .member("IsTruncated", self.is_truncated)
            .member("Contents", contents)
            .member("CommonPrefixes", common_prefixes)
    }
}

fn tag_set_json(tags: Vec<Tag>) -> Value {
    let tags: Vec<Value> = tags
        .into_iter()
        .map(|tag| JsonObject::new().required("Key", tag.key).required("Value", tag.value).build())
        .collect();
    JsonObject::new().required("TagSet", tags).build()
}

/// Reads of S3 input members into the crate's types.
trait S3Input {
    fn body(&self, member: &str) -> Result<Option<ByteStream>, InputError>;
    fn timestamp(&self, member: &str) -> Result<Option<DateTime>, InputError>;
    fn tagging(&self, member: &str) -> Result<Option<Tagging>, InputError>;
    fn delete(&self, member: &str) -> Result<Option<Delete>, InputError>;
    fn completed_upload(&self, member: &str) -> Result<Option<CompletedMultipartUpload>, InputError>;
    fn ownership_controls(&self, member: &str) -> Result<Option<OwnershipControls>, InputError>;
    fn public_access_block(&self, member: &str) -> Result<Option<PublicAccessBlockConfiguration>, InputError>;
    fn bucket_configuration(&self, member: &str) -> Result<Option<CreateBucketConfiguration>, InputError>;
    fn bucket_acl(&self, member: &str) -> Result<Option<BucketCannedAcl>, InputError>;
    fn object_acl(&self, member: &str) -> Result<Option<ObjectCannedAcl>, InputError>;
    fn object_ownership(&self, member: &str) -> Result<Option<ObjectOwnership>, InputError>;
    fn checksum_algorithm(&self, member: &str) -> Result<Option<ChecksumAlgorithm>, InputError>;
    fn checksum_mode(&self, member: &str) -> Result<Option<ChecksumMode>, InputError>;
    fn object_attributes(&self, member: &str) -> Result<Option<Vec<ObjectAttributes>>, InputError>;
    fn metadata_directive(&self, member: &str) -> Result<Option<MetadataDirective>, InputError>;
    fn tagging_directive(&self, member: &str) -> Result<Option<TaggingDirective>, InputError>;
}

impl S3Input for Input<'_> {
    /// Reads the body from `member` (text) or from `BodyBase64` (base64);
    /// `member` is always `Body`, named so that `send!` can call this.
    fn body(&self, member: &str) -> Result<Option<ByteStream>, InputError> {
        let text = self.string(member)?;
        let binary = self.blob("BodyBase64")?;
        match (text, binary) {
            (Some(_), Some(_)) => Err(InputError {
                path: format!("{}{member}", self.prefix()),
                message: "give the body either as Body (text) or as BodyBase64, not both".to_owned(),
            }),
            (Some(text), None) => Ok(Some(ByteStream::from(text.into_bytes()))),
            (None, Some(blob)) => Ok(Some(ByteStream::from(blob.into_inner()))),
            (None, None) => Ok(None),
        }
    }

    fn timestamp(&self, member: &str) -> Result<Option<DateTime>, InputError> {
        Ok(self.long(member)?.map(DateTime::from_secs))
    }

    fn tagging(&self, member: &str) -> Result<Option<Tagging>, InputError> {
        let Some(tagging) = self.object(member)? else {
            return Ok(None);
        };
        let tagging = tagging.input();
        let tags = tagging.each_object("TagSet", |tag| {
            Tag::builder()
                .key(tag.required_string("Key")?)
                .value(tag.required_string("Value")?)
                .build()
                .map_err(|error| tag.build_error(&error))
        })?;
        Tagging::builder()
            .set_tag_set(Some(tags.unwrap_or_default()))
            .build()
            .map(Some)
            .map_err(|error| tagging.build_error(&error))
    }

    fn delete(&self, member: &str) -> Result<Option<Delete>, InputError> {
        let Some(delete) = self.object(member)? else {
            return Ok(None);
        };
        let delete = delete.input();
        let objects = delete.each_object("Objects", |object| {
            ObjectIdentifier::builder()
                .key(object.required_string("Key")?)
                .set_version_id(object.string("VersionId")?)
                .build()
                .map_err(|error| object.build_error(&error))
        })?;
        Delete::builder()
            .set_objects(Some(objects.unwrap_or_default()))
            .set_quiet(delete.boolean("Quiet")?)
            .build()
            .map(Some)
            .map_err(|error| delete.build_error(&error))
    }

    fn completed_upload(&self, member: &str) -> Result<Option<CompletedMultipartUpload>, InputError> {
        let Some(upload) = self.object(member)? else {
            return Ok(None);
        };
        let parts = upload.input().each_object("Parts", |part| {
            Ok(CompletedPart::builder()
                .set_part_number(part.int("PartNumber")?)
                .set_e_tag(part.string("ETag")?)
                .set_checksum_crc32(part.string("ChecksumCRC32")?)
                .set_checksum_crc32_c(part.string("ChecksumCRC32C")?)
                .set_checksum_crc64_nvme(part.string("ChecksumCRC64NVME")?)
                .set_checksum_sha1(part.string("ChecksumSHA1")?)
                .set_checksum_sha256(part.string("ChecksumSHA256")?)
                .build())
        })?;
        Ok(Some(CompletedMultipartUpload::builder().set_parts(parts).build()))
    }

    fn ownership_controls(&self, member: &str) -> Result<Option<OwnershipControls>, InputError> {
        let Some(controls) = self.object(member)? else {
            return Ok(None);
        };
        let controls = controls.input();
        let rules = controls.each_object("Rules", |rule| {
            OwnershipControlsRule::builder()
                .object_ownership(ObjectOwnership::from(rule.required_string("ObjectOwnership")?.as_str()))
                .build()
                .map_err(|error| rule.build_error(&error))
        })?;
        OwnershipControls::builder()
            .set_rules(Some(rules.unwrap_or_default()))
            .build()
            .map(Some)
            .map_err(|error| controls.build_error(&error))
    }

    fn public_access_block(&self, member: &str) -> Result<Option<PublicAccessBlockConfiguration>, InputError> {
        let Some(configuration) = self.object(member)? else {
            return Ok(None);
        };
        let configuration = configuration.input();
        Ok(Some(
            PublicAccessBlockConfiguration::builder()
                .set_block_public_acls(configuration.boolean("BlockPublicAcls")?)
                .set_ignore_public_acls(configuration.boolean("IgnorePublicAcls")?)
                .set_block_public_policy(configuration.boolean("BlockPublicPolicy")?)
                .set_restrict_public_buckets(configuration.boolean("RestrictPublicBuckets")?)
                .build(),
        ))
    }

    fn bucket_configuration(&self, member: &str) -> Result<Option<CreateBucketConfiguration>, InputError> {
        let Some(configuration) = self.object(member)? else {
            return Ok(None);
        };
        let location = configuration.input().string("LocationConstraint")?;
        Ok(Some(
            CreateBucketConfiguration::builder()
                .set_location_constraint(location.as_deref().map(BucketLocationConstraint::from))
                .build(),
        ))
    }

    fn bucket_acl(&self, member: &str) -> Result<Option<BucketCannedAcl>, InputError> {
        Ok(self.string(member)?.as_deref().map(BucketCannedAcl::from))
    }

    fn object_acl(&self, member: &str) -> Result<Option<ObjectCannedAcl>, InputError> {
        Ok(self.string(member)?.as_deref().map(ObjectCannedAcl::from))
    }

    fn object_ownership(&self, member: &str) -> Result<Option<ObjectOwnership>, InputError> {
        Ok(self.string(member)?.as_deref().map(ObjectOwnership::from))
    }

    fn checksum_algorithm(&self, member: &str) -> Result<Option<ChecksumAlgorithm>, InputError> {
        Ok(self.string(member)?.as_deref().map(ChecksumAlgorithm::from))
    }

    fn checksum_mode(&self, member: &str) -> Result<Option<ChecksumMode>, InputError> {
        Ok(self.string(member)?.as_deref().map(ChecksumMode::from))
    }

    fn object_attributes(&self, member: &str) -> Result<Option<Vec<ObjectAttributes>>, InputError> {
        Ok(self
            .string_list(member)?
            .map(|names| names.iter().map(|name| ObjectAttributes::from(name.as_str())).collect()))
    }

    fn metadata_directive(&self, member: &str) -> Result<Option<MetadataDirective>, InputError> {
        Ok(self.string(member)?.as_deref().map(MetadataDirective::from))
    }

    fn tagging_directive(&self, member: &str) -> Result<Option<TaggingDirective>, InputError> {
        Ok(self.string(member)?.as_deref().map(TaggingDirective::from))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::driver::operation_table_checks::{object, rendered_fits};

    #[test]
    fn presign_rejects_members_it_cannot_send() {
        let input = object(json!({ "Bucket": "b", "Key": "k", "Range": "bytes=0-1" }));
        let error = check_presigned_members("GetObject", Input::new(&input)).expect_err("Range is not presigned");
        assert_eq!(error.path, "Range");
        assert!(error.message.contains("Bucket, Key"), "{}", error.message);

        let input = object(json!({ "Bucket": "b", "Key": "k", "Metadata": { "a": "b" } }));
        let error = check_presigned_members("PutObject", Input::new(&input)).expect_err("Metadata is not presigned");
        assert_eq!(error.path, "Metadata");

        let input = object(json!({ "Bucket": "b", "Key": "k", "ContentType": "text/plain" }));
        assert!(check_presigned_members("PutObject", Input::new(&input)).is_ok(), "ContentType is presigned");
    }

    #[test]
    fn path_style_for_ip_and_localhost() {
        assert!(needs_path_style("http://127.0.0.1:4566"));
        assert!(needs_path_style("http://[::1]:4566"));
        assert!(needs_path_style("http://localhost:4566"));
        assert!(!needs_path_style("http://s3.localhost.localstack.cloud:4566"));
        assert!(!needs_path_style("not a url"));
    }

    #[test]
    fn head_error_is_named_by_status() {
        let outcome = head_outcome(Outcome::service_error(None, Some(403), None));
        assert_eq!(outcome.code.as_deref(), Some("Forbidden"));
        assert_eq!(outcome.class, crate::outcome::OutcomeClass::Denied);
        let redirect = head_outcome(Outcome::service_error(None, Some(301), None));
        assert_eq!(redirect.code.as_deref(), Some("MovedPermanently"));
        let coded = head_outcome(Outcome::service_error(Some("NotFound".to_owned()), Some(404), None));
        assert_eq!(coded.code.as_deref(), Some("NotFound"));
    }

    #[test]
    fn text_body_renders_as_body() {
        let response = body_json(b"hello", JsonObject::new()).build();
        assert_eq!(response, json!({ "Body": "hello" }));
        rendered_fits(OPERATIONS, "GetObject", &response);
    }

    #[test]
    fn binary_body_renders_as_base64() {
        let response = body_json(&[0xff, 0x00, 0x01], JsonObject::new()).build();
        assert_eq!(response, json!({ "BodyBase64": "/wAB" }));
        rendered_fits(OPERATIONS, "GetObject", &response);
    }

    #[test]
    fn body_and_base64_body_conflict() {
        let input = object(json!({ "Body": "a", "BodyBase64": "YQ==" }));
        let error = Input::new(&input).body("Body").expect_err("both bodies");
        assert_eq!(error.path, "Body");
    }

    #[test]
    fn tagging_reads_tag_set() {
        let input = object(json!({ "Tagging": { "TagSet": [{ "Key": "team", "Value": "a" }] } }));
        let tagging = Input::new(&input).tagging("Tagging").expect("valid tagging").expect("present");
        assert_eq!(tagging.tag_set()[0].key(), "team");
    }

    #[test]
    fn tag_without_value_names_path() {
        let input = object(json!({ "Tagging": { "TagSet": [{ "Key": "team" }] } }));
        let error = Input::new(&input).tagging("Tagging").expect_err("Value is missing");
        assert_eq!(error.path, "Tagging.TagSet[0].Value");
    }

    #[test]
    fn rendered_object_attributes_fit_output() {
        use aws_sdk_s3::types::{Checksum, ChecksumType, GetObjectAttributesParts, ObjectPart, StorageClass};
        let part = ObjectPart::builder().part_number(1).size(5).checksum_crc32("AAAAAA==").build();
        let output = aws_sdk_s3::operation::get_object_attributes::GetObjectAttributesOutput::builder()
            .e_tag("abc-1")
            .last_modified(DateTime::from_secs(1_700_000_000))
            .object_size(5)
            .storage_class(StorageClass::Standard)
            .checksum(Checksum::builder().checksum_crc32("AAAAAA==-1").checksum_type(ChecksumType::Composite).build())
            .object_parts(
                GetObjectAttributesParts::builder()
                    .total_parts_count(1)
                    .part_number_marker("0")
                    .next_part_number_marker("1")
                    .max_parts(1000)
                    .is_truncated(false)
                    .parts(part)
                    .build(),
            )
            .build();
        let response = object_attributes_json(output);
        assert_eq!(response["Checksum"], json!({ "ChecksumCRC32": "AAAAAA==-1", "ChecksumType": "COMPOSITE" }));
        assert_eq!(
            response["ObjectParts"]["Parts"],
            json!([{ "PartNumber": 1, "Size": 5, "ChecksumCRC32": "AAAAAA==" }])
        );
        assert_eq!(response["StorageClass"], "STANDARD");
        rendered_fits(OPERATIONS, "GetObjectAttributes", &response);
    }

    #[test]
    fn object_attributes_read_as_a_list() {
        let input = object(json!({ "ObjectAttributes": ["ETag", "ObjectSize"] }));
        let names = Input::new(&input).object_attributes("ObjectAttributes").expect("a list").expect("present");
        assert_eq!(names, [ObjectAttributes::Etag, ObjectAttributes::ObjectSize]);
    }

    #[test]
    fn rendered_listing_fits_output() {
        let object = aws_sdk_s3::types::Object::builder().key("a/b").size(3).e_tag("\"x\"").build();
        let prefix = aws_sdk_s3::types::CommonPrefix::builder().prefix("c/").build();
        let page = ListingPage {
            name: Some("bucket".to_owned()),
            prefix: Some(String::new()),
            max_keys: Some(1000),
            is_truncated: Some(false),
            contents: Some(vec![object]),
            common_prefixes: Some(vec![prefix]),
        };
        let response = page.json().member("KeyCount", Some(2)).build();
        rendered_fits(OPERATIONS, "ListObjectsV2", &response);
        assert_eq!(response["Contents"][0]["Key"], json!("a/b"));
    }
}
