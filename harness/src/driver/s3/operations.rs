//! The S3 operation table: every operation's input and output members,
//! nested, and the input member that carries its resource address.
//!
//! Member names and types follow the Amazon S3 API reference
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html>)
//! and the `aws-sdk-s3` 1.x crate, except for object bodies: `Body` is text
//! and `BodyBase64` is base64 (see the driver's documentation). Timestamps
//! are whole seconds since the Unix epoch. Outputs are listed as the driver
//! renders them.

use serde_json::{Map, Value};

use crate::driver::shape::{Member, Shape, Structure};
use crate::driver::{AddressMember, Operation, ResolvedAddress};
use crosscheck_emulator::arn::AddressKind;
use crosscheck_emulator::store::Namespace;

/// The region of a bucket created without a `LocationConstraint`
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html>).
const DEFAULT_BUCKET_REGION: &str = "us-east-1";

/// Resolves a bucket name. S3 bucket names are global, so the name carries
/// neither account nor region: the runner takes both from the call that
/// created the bucket (see the runner's handling of
/// [`AddressKind::GlobalName`]), and from the caller when no call in the
/// scenario did.
fn resolve_bucket(_value: &str, _input: &Map<String, Value>, _caller: &Namespace) -> Option<ResolvedAddress> {
    Some(ResolvedAddress { kind: AddressKind::GlobalName, namespace: Namespace::new("", "") })
}

/// Resolves CreateBucket's bucket name to the caller's account and the
/// region its `LocationConstraint` names, `us-east-1` without one. The
/// runner keeps this namespace only for a name no earlier call claimed.
fn resolve_new_bucket(_value: &str, input: &Map<String, Value>, caller: &Namespace) -> Option<ResolvedAddress> {
    let region = input
        .get("CreateBucketConfiguration")
        .and_then(|configuration| configuration.get("LocationConstraint"))
        .and_then(Value::as_str)
        .filter(|region| !region.is_empty())
        .unwrap_or(DEFAULT_BUCKET_REGION);
    Some(ResolvedAddress { kind: AddressKind::GlobalName, namespace: Namespace::new(&caller.account_id, region) })
}

const BUCKET: Option<AddressMember> =
    Some(AddressMember { member: "Bucket", resolve: resolve_bucket, releases_name: false });

const BUCKET_MEMBER: Member = Member::optional("Bucket", Shape::String);
const KEY_MEMBER: Member = Member::optional("Key", Shape::String);
const UPLOAD_ID_MEMBER: Member = Member::optional("UploadId", Shape::String);
const EXPECTED_BUCKET_OWNER: Member = Member::optional("ExpectedBucketOwner", Shape::String);
const BODY_MEMBER: Member = Member::optional("Body", Shape::String);
const BODY_BASE64_MEMBER: Member = Member::optional("BodyBase64", Shape::Blob);
const ETAG_MEMBER: Member = Member::optional("ETag", Shape::String);
const METADATA_MEMBER: Member = Member::optional("Metadata", Shape::Map(&Shape::String));

const TAG: Structure = Structure {
    name: "Tag",
    members: &[Member::required("Key", Shape::String), Member::required("Value", Shape::String)],
};

const TAG_SET: Member = Member::optional("TagSet", Shape::List(&Shape::Structure(&TAG)));

const TAGGING: Structure = Structure { name: "Tagging", members: &[TAG_SET] };

const CREATE_BUCKET_CONFIGURATION: Structure =
    Structure { name: "CreateBucketConfiguration", members: &[Member::optional("LocationConstraint", Shape::String)] };

const OWNERSHIP_CONTROLS_RULE: Structure =
    Structure { name: "OwnershipControlsRule", members: &[Member::required("ObjectOwnership", Shape::String)] };

const OWNERSHIP_CONTROLS: Structure = Structure {
    name: "OwnershipControls",
    members: &[Member::optional("Rules", Shape::List(&Shape::Structure(&OWNERSHIP_CONTROLS_RULE)))],
};

const PUBLIC_ACCESS_BLOCK_CONFIGURATION: Structure = Structure {
    name: "PublicAccessBlockConfiguration",
    members: &[
        Member::optional("BlockPublicAcls", Shape::Boolean),
        Member::optional("IgnorePublicAcls", Shape::Boolean),
        Member::optional("BlockPublicPolicy", Shape::Boolean),
        Member::optional("RestrictPublicBuckets", Shape::Boolean),
    ],
};

const POLICY_STATUS: Structure =
    Structure { name: "PolicyStatus", members: &[Member::optional("IsPublic", Shape::Boolean)] };

const BUCKET_ENTRY: Structure = Structure {
    name: "Bucket",
    members: &[Member::optional("Name", Shape::String), Member::optional("BucketRegion", Shape::String)],
};

const OWNER: Structure = Structure { name: "Owner", members: &[Member::optional("ID", Shape::String)] };

const OBJECT: Structure = Structure {
    name: "Object",
    members: &[
        KEY_MEMBER,
        Member::optional("Size", Shape::Long),
        ETAG_MEMBER,
        Member::optional("LastModified", Shape::Long),
        Member::optional("StorageClass", Shape::String),
    ],
};

const COMMON_PREFIX: Structure =
    Structure { name: "CommonPrefix", members: &[Member::optional("Prefix", Shape::String)] };

const OBJECT_IDENTIFIER: Structure = Structure {
    name: "ObjectIdentifier",
    members: &[Member::required("Key", Shape::String), Member::optional("VersionId", Shape::String)],
};

const DELETE: Structure = Structure {
    name: "Delete",
    members: &[
        Member::optional("Objects", Shape::List(&Shape::Structure(&OBJECT_IDENTIFIER))),
        Member::optional("Quiet", Shape::Boolean),
    ],
};

const DELETED_OBJECT: Structure = Structure { name: "DeletedObject", members: &[KEY_MEMBER] };

const DELETE_ERROR: Structure = Structure {
    name: "Error",
    members: &[KEY_MEMBER, Member::optional("Code", Shape::String), Member::optional("Message", Shape::String)],
};

const COMPLETED_PART: Structure = Structure {
    name: "CompletedPart",
    members: &[
        Member::optional("PartNumber", Shape::Integer),
        ETAG_MEMBER,
        Member::optional("ChecksumCRC32", Shape::String),
        Member::optional("ChecksumCRC32C", Shape::String),
        Member::optional("ChecksumCRC64NVME", Shape::String),
        Member::optional("ChecksumSHA1", Shape::String),
        Member::optional("ChecksumSHA256", Shape::String),
    ],
};

const COMPLETED_MULTIPART_UPLOAD: Structure = Structure {
    name: "CompletedMultipartUpload",
    members: &[Member::optional("Parts", Shape::List(&Shape::Structure(&COMPLETED_PART)))],
};

const PART: Structure = Structure {
    name: "Part",
    members: &[Member::optional("PartNumber", Shape::Integer), ETAG_MEMBER, Member::optional("Size", Shape::Long)],
};

const MULTIPART_UPLOAD: Structure = Structure { name: "MultipartUpload", members: &[KEY_MEMBER, UPLOAD_ID_MEMBER] };

const COPY_RESULT: &[Member] = &[ETAG_MEMBER, Member::optional("LastModified", Shape::Long)];

const CHECKSUM_MEMBERS: [Member; 5] = [
    Member::optional("ChecksumCRC32", Shape::String),
    Member::optional("ChecksumCRC32C", Shape::String),
    Member::optional("ChecksumCRC64NVME", Shape::String),
    Member::optional("ChecksumSHA1", Shape::String),
    Member::optional("ChecksumSHA256", Shape::String),
];

/// GetObjectAttributes's `Checksum`: the object's checksum and its type.
const OBJECT_CHECKSUM: Structure = Structure {
    name: "Checksum",
    members: &[
        CHECKSUM_MEMBERS[0],
        CHECKSUM_MEMBERS[1],
        CHECKSUM_MEMBERS[2],
        CHECKSUM_MEMBERS[3],
        CHECKSUM_MEMBERS[4],
        Member::optional("ChecksumType", Shape::String),
    ],
};

/// One part in GetObjectAttributes's `ObjectParts`.
const OBJECT_PART: Structure = Structure {
    name: "ObjectPart",
    members: &[
        Member::optional("PartNumber", Shape::Integer),
        Member::optional("Size", Shape::Long),
        CHECKSUM_MEMBERS[0],
        CHECKSUM_MEMBERS[1],
        CHECKSUM_MEMBERS[2],
        CHECKSUM_MEMBERS[3],
        CHECKSUM_MEMBERS[4],
    ],
};

/// GetObjectAttributes's `ObjectParts`: the part count and one page of parts.
const OBJECT_PARTS: Structure = Structure {
    name: "GetObjectAttributesParts",
    members: &[
        Member::optional("TotalPartsCount", Shape::Integer),
        Member::optional("PartNumberMarker", Shape::String),
        Member::optional("NextPartNumberMarker", Shape::String),
        Member::optional("MaxParts", Shape::Integer),
        Member::optional("IsTruncated", Shape::Boolean),
        Member::optional("Parts", Shape::List(&Shape::Structure(&OBJECT_PART))),
    ],
};

/// The members GetObject and HeadObject share.
const READ_OBJECT_INPUT: [Member; 9] = [
    BUCKET_MEMBER,
    KEY_MEMBER,
    Member::optional("Range", Shape::String),
    Member::optional("IfMatch", Shape::String),
    Member::optional("IfNoneMatch", Shape::String),
    Member::optional("IfModifiedSince", Shape::Long),
    Member::optional("IfUnmodifiedSince", Shape::Long),
    Member::optional("PartNumber", Shape::Integer),
    Member::optional("ChecksumMode", Shape::String),
];

/// The members GetObject and HeadObject render, besides the body.
const READ_OBJECT_OUTPUT: [Member; 13] = [
    Member::optional("ContentLength", Shape::Long),
    Member::optional("ContentType", Shape::String),
    Member::optional("ContentRange", Shape::String),
    ETAG_MEMBER,
    Member::optional("LastModified", Shape::Long),
    METADATA_MEMBER,
    Member::optional("TagCount", Shape::Integer),
    Member::optional("PartsCount", Shape::Integer),
    CHECKSUM_MEMBERS[0],
    CHECKSUM_MEMBERS[1],
    CHECKSUM_MEMBERS[2],
    CHECKSUM_MEMBERS[3],
    CHECKSUM_MEMBERS[4],
];

const GET_OBJECT_OUTPUT: [Member; 14] = [
    BODY_MEMBER,
    BODY_BASE64_MEMBER,
    READ_OBJECT_OUTPUT[0],
    READ_OBJECT_OUTPUT[1],
    READ_OBJECT_OUTPUT[2],
    READ_OBJECT_OUTPUT[3],
    READ_OBJECT_OUTPUT[4],
    READ_OBJECT_OUTPUT[5],
    READ_OBJECT_OUTPUT[6],
    READ_OBJECT_OUTPUT[7],
    READ_OBJECT_OUTPUT[8],
    READ_OBJECT_OUTPUT[9],
    READ_OBJECT_OUTPUT[10],
    READ_OBJECT_OUTPUT[11],
];

const LIST_OBJECTS_PAGE: [Member; 6] = [
    Member::optional("Name", Shape::String),
    Member::optional("Prefix", Shape::String),
    Member::optional("MaxKeys", Shape::Integer),
    Member::optional("IsTruncated", Shape::Boolean),
    Member::optional("Contents", Shape::List(&Shape::Structure(&OBJECT))),
    Member::optional("CommonPrefixes", Shape::List(&Shape::Structure(&COMMON_PREFIX))),
];

/// Declares a bucket operation whose only input members are `Bucket` and
/// `ExpectedBucketOwner`.
macro_rules! bucket_only {
    ($name:literal, $output:expr $(,)?) => {
        Operation {
            name: $name,
            input: &Structure { name: concat!($name, "Input"), members: &[BUCKET_MEMBER, EXPECTED_BUCKET_OWNER] },
            output: $output,
            address: BUCKET,
        }
    };
}

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "AbortMultipartUpload",
        input: &Structure {
            name: "AbortMultipartUploadInput",
            members: &[BUCKET_MEMBER, KEY_MEMBER, UPLOAD_ID_MEMBER, EXPECTED_BUCKET_OWNER],
        },
        output: &Structure { name: "AbortMultipartUploadOutput", members: &[] },
        address: BUCKET,
    },
    Operation {
        name: "CompleteMultipartUpload",
        input: &Structure {
            name: "CompleteMultipartUploadInput",
            members: &[
                BUCKET_MEMBER,
                KEY_MEMBER,
                UPLOAD_ID_MEMBER,
                Member::optional("MultipartUpload", Shape::Structure(&COMPLETED_MULTIPART_UPLOAD)),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "CompleteMultipartUploadOutput",
            members: &[BUCKET_MEMBER, KEY_MEMBER, ETAG_MEMBER, Member::optional("Location", Shape::String)],
        },
        address: BUCKET,
    },
    Operation {
        name: "CopyObject",
        input: &Structure {
            name: "CopyObjectInput",
            members: &[
                BUCKET_MEMBER,
                KEY_MEMBER,
                Member::optional("CopySource", Shape::String),
                Member::optional("CopySourceIfMatch", Shape::String),
                Member::optional("CopySourceIfNoneMatch", Shape::String),
                Member::optional("MetadataDirective", Shape::String),
                METADATA_MEMBER,
                Member::optional("TaggingDirective", Shape::String),
                Member::optional("Tagging", Shape::String),
                Member::optional("ContentType", Shape::String),
                EXPECTED_BUCKET_OWNER,
                Member::optional("ExpectedSourceBucketOwner", Shape::String),
            ],
        },
        output: &Structure {
            name: "CopyObjectOutput",
            members: &[Member::optional(
                "CopyObjectResult",
                Shape::Structure(&Structure { name: "CopyObjectResult", members: COPY_RESULT }),
            )],
        },
        address: BUCKET,
    },
    Operation {
        name: "CreateBucket",
        input: &Structure {
            name: "CreateBucketInput",
            members: &[
                BUCKET_MEMBER,
                Member::optional("ACL", Shape::String),
                Member::optional("CreateBucketConfiguration", Shape::Structure(&CREATE_BUCKET_CONFIGURATION)),
                Member::optional("ObjectOwnership", Shape::String),
            ],
        },
        output: &Structure { name: "CreateBucketOutput", members: &[Member::optional("Location", Shape::String)] },
        address: Some(AddressMember { member: "Bucket", resolve: resolve_new_bucket, releases_name: false }),
    },
    Operation {
        name: "CreateMultipartUpload",
        input: &Structure {
            name: "CreateMultipartUploadInput",
            members: &[
                BUCKET_MEMBER,
                KEY_MEMBER,
                Member::optional("ContentType", Shape::String),
                METADATA_MEMBER,
                Member::optional("Tagging", Shape::String),
                Member::optional("ChecksumAlgorithm", Shape::String),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "CreateMultipartUploadOutput",
            members: &[BUCKET_MEMBER, KEY_MEMBER, UPLOAD_ID_MEMBER],
        },
        address: BUCKET,
    },
    Operation {
        name: "DeleteBucket",
        input: &Structure { name: "DeleteBucketInput", members: &[BUCKET_MEMBER, EXPECTED_BUCKET_OWNER] },
        output: &Structure { name: "DeleteBucketOutput", members: &[] },
        address: Some(AddressMember { member: "Bucket", resolve: resolve_bucket, releases_name: true }),
    },
    bucket_only!(
        "DeleteBucketOwnershipControls",
        &Structure { name: "DeleteBucketOwnershipControlsOutput", members: &[] },
    ),
    bucket_only!("DeleteBucketPolicy", &Structure { name: "DeleteBucketPolicyOutput", members: &[] },),
    bucket_only!("DeleteBucketTagging", &Structure { name: "DeleteBucketTaggingOutput", members: &[] },),
    Operation {
        name: "DeleteObject",
        input: &Structure { name: "DeleteObjectInput", members: &[BUCKET_MEMBER, KEY_MEMBER, EXPECTED_BUCKET_OWNER] },
        output: &Structure { name: "DeleteObjectOutput", members: &[] },
        address: BUCKET,
    },
    Operation {
        name: "DeleteObjectTagging",
        input: &Structure {
            name: "DeleteObjectTaggingInput",
            members: &[BUCKET_MEMBER, KEY_MEMBER, EXPECTED_BUCKET_OWNER],
        },
        output: &Structure { name: "DeleteObjectTaggingOutput", members: &[] },
        address: BUCKET,
    },
    Operation {
        name: "DeleteObjects",
        input: &Structure {
            name: "DeleteObjectsInput",
            members: &[BUCKET_MEMBER, Member::optional("Delete", Shape::Structure(&DELETE)), EXPECTED_BUCKET_OWNER],
        },
        output: &Structure {
            name: "DeleteObjectsOutput",
            members: &[
                Member::optional("Deleted", Shape::List(&Shape::Structure(&DELETED_OBJECT))),
                Member::optional("Errors", Shape::List(&Shape::Structure(&DELETE_ERROR))),
            ],
        },
        address: BUCKET,
    },
    bucket_only!("DeletePublicAccessBlock", &Structure { name: "DeletePublicAccessBlockOutput", members: &[] },),
    bucket_only!(
        "GetBucketLocation",
        &Structure {
            name: "GetBucketLocationOutput",
            members: &[Member::optional("LocationConstraint", Shape::String)],
        },
    ),
    bucket_only!(
        "GetBucketOwnershipControls",
        &Structure {
            name: "GetBucketOwnershipControlsOutput",
            members: &[Member::optional("OwnershipControls", Shape::Structure(&OWNERSHIP_CONTROLS))],
        },
    ),
    bucket_only!(
        "GetBucketPolicy",
        &Structure { name: "GetBucketPolicyOutput", members: &[Member::optional("Policy", Shape::String)] },
    ),
    bucket_only!(
        "GetBucketPolicyStatus",
        &Structure {
            name: "GetBucketPolicyStatusOutput",
            members: &[Member::optional("PolicyStatus", Shape::Structure(&POLICY_STATUS))],
        },
    ),
    bucket_only!("GetBucketTagging", &Structure { name: "GetBucketTaggingOutput", members: &[TAG_SET] },),
    Operation {
        name: "GetObject",
        input: &Structure { name: "GetObjectInput", members: &READ_OBJECT_INPUT },
        output: &Structure { name: "GetObjectOutput", members: &GET_OBJECT_OUTPUT },
        address: BUCKET,
    },
    Operation {
        name: "GetObjectAttributes",
        input: &Structure {
            name: "GetObjectAttributesInput",
            members: &[
                BUCKET_MEMBER,
                KEY_MEMBER,
                Member::optional("ObjectAttributes", Shape::List(&Shape::String)),
                Member::optional("MaxParts", Shape::Integer),
                Member::optional("PartNumberMarker", Shape::String),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "GetObjectAttributesOutput",
            members: &[
                ETAG_MEMBER,
                Member::optional("LastModified", Shape::Long),
                Member::optional("ObjectSize", Shape::Long),
                Member::optional("StorageClass", Shape::String),
                Member::optional("Checksum", Shape::Structure(&OBJECT_CHECKSUM)),
                Member::optional("ObjectParts", Shape::Structure(&OBJECT_PARTS)),
            ],
        },
        address: BUCKET,
    },
    Operation {
        name: "GetObjectTagging",
        input: &Structure {
            name: "GetObjectTaggingInput",
            members: &[BUCKET_MEMBER, KEY_MEMBER, EXPECTED_BUCKET_OWNER],
        },
        output: &Structure { name: "GetObjectTaggingOutput", members: &[TAG_SET] },
        address: BUCKET,
    },
    bucket_only!(
        "GetPublicAccessBlock",
        &Structure {
            name: "GetPublicAccessBlockOutput",
            members: &[Member::optional(
                "PublicAccessBlockConfiguration",
                Shape::Structure(&PUBLIC_ACCESS_BLOCK_CONFIGURATION),
            )],
        },
    ),
    bucket_only!(
        "HeadBucket",
        &Structure { name: "HeadBucketOutput", members: &[Member::optional("BucketRegion", Shape::String)] },
    ),
    Operation {
        name: "HeadObject",
        input: &Structure { name: "HeadObjectInput", members: &READ_OBJECT_INPUT },
        output: &Structure { name: "HeadObjectOutput", members: &READ_OBJECT_OUTPUT },
        address: BUCKET,
    },
    Operation {
        name: "ListBuckets",
        input: &Structure { name: "ListBucketsInput", members: &[] },
        output: &Structure {
            name: "ListBucketsOutput",
            members: &[
                Member::optional("Buckets", Shape::List(&Shape::Structure(&BUCKET_ENTRY))),
                Member::optional("Owner", Shape::Structure(&OWNER)),
            ],
        },
        address: None,
    },
    Operation {
        name: "ListMultipartUploads",
        input: &Structure {
            name: "ListMultipartUploadsInput",
            members: &[
                BUCKET_MEMBER,
                Member::optional("Prefix", Shape::String),
                Member::optional("KeyMarker", Shape::String),
                Member::optional("UploadIdMarker", Shape::String),
                Member::optional("MaxUploads", Shape::Integer),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "ListMultipartUploadsOutput",
            members: &[
                Member::optional("Uploads", Shape::List(&Shape::Structure(&MULTIPART_UPLOAD))),
                Member::optional("IsTruncated", Shape::Boolean),
            ],
        },
        address: BUCKET,
    },
    Operation {
        name: "ListObjects",
        input: &Structure {
            name: "ListObjectsInput",
            members: &[
                BUCKET_MEMBER,
                Member::optional("Prefix", Shape::String),
                Member::optional("Delimiter", Shape::String),
                Member::optional("Marker", Shape::String),
                Member::optional("MaxKeys", Shape::Integer),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "ListObjectsOutput",
            members: &[
                LIST_OBJECTS_PAGE[0],
                LIST_OBJECTS_PAGE[1],
                LIST_OBJECTS_PAGE[2],
                LIST_OBJECTS_PAGE[3],
                LIST_OBJECTS_PAGE[4],
                LIST_OBJECTS_PAGE[5],
                Member::optional("NextMarker", Shape::String),
            ],
        },
        address: BUCKET,
    },
    Operation {
        name: "ListObjectsV2",
        input: &Structure {
            name: "ListObjectsV2Input",
            members: &[
                BUCKET_MEMBER,
                Member::optional("Prefix", Shape::String),
                Member::optional("Delimiter", Shape::String),
                Member::optional("ContinuationToken", Shape::String),
                Member::optional("StartAfter", Shape::String),
                Member::optional("MaxKeys", Shape::Integer),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "ListObjectsV2Output",
            members: &[
                LIST_OBJECTS_PAGE[0],
                LIST_OBJECTS_PAGE[1],
                LIST_OBJECTS_PAGE[2],
                LIST_OBJECTS_PAGE[3],
                LIST_OBJECTS_PAGE[4],
                LIST_OBJECTS_PAGE[5],
                Member::optional("KeyCount", Shape::Integer),
                Member::optional("NextContinuationToken", Shape::String),
            ],
        },
        address: BUCKET,
    },
    Operation {
        name: "ListParts",
        input: &Structure {
            name: "ListPartsInput",
            members: &[
                BUCKET_MEMBER,
                KEY_MEMBER,
                UPLOAD_ID_MEMBER,
                Member::optional("MaxParts", Shape::Integer),
                Member::optional("PartNumberMarker", Shape::String),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "ListPartsOutput",
            members: &[
                Member::optional("Parts", Shape::List(&Shape::Structure(&PART))),
                Member::optional("IsTruncated", Shape::Boolean),
                Member::optional("NextPartNumberMarker", Shape::String),
            ],
        },
        address: BUCKET,
    },
    Operation {
        name: "PutBucketOwnershipControls",
        input: &Structure {
            name: "PutBucketOwnershipControlsInput",
            members: &[
                BUCKET_MEMBER,
                Member::optional("OwnershipControls", Shape::Structure(&OWNERSHIP_CONTROLS)),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure { name: "PutBucketOwnershipControlsOutput", members: &[] },
        address: BUCKET,
    },
    Operation {
        name: "PutBucketPolicy",
        input: &Structure {
            name: "PutBucketPolicyInput",
            members: &[BUCKET_MEMBER, Member::optional("Policy", Shape::String), EXPECTED_BUCKET_OWNER],
        },
        output: &Structure { name: "PutBucketPolicyOutput", members: &[] },
        address: BUCKET,
    },
    Operation {
        name: "PutBucketTagging",
        input: &Structure {
            name: "PutBucketTaggingInput",
            members: &[BUCKET_MEMBER, Member::optional("Tagging", Shape::Structure(&TAGGING)), EXPECTED_BUCKET_OWNER],
        },
        output: &Structure { name: "PutBucketTaggingOutput", members: &[] },
        address: BUCKET,
    },
    Operation {
        name: "PutObject",
        input: &Structure {
            name: "PutObjectInput",
            members: &[
                BUCKET_MEMBER,
                KEY_MEMBER,
                BODY_MEMBER,
                BODY_BASE64_MEMBER,
                Member::optional("ContentType", Shape::String),
                Member::optional("ContentMD5", Shape::String),
                METADATA_MEMBER,
                Member::optional("Tagging", Shape::String),
                Member::optional("ChecksumAlgorithm", Shape::String),
                Member::optional("ACL", Shape::String),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "PutObjectOutput",
            members: &[
                ETAG_MEMBER,
                CHECKSUM_MEMBERS[0],
                CHECKSUM_MEMBERS[1],
                CHECKSUM_MEMBERS[2],
                CHECKSUM_MEMBERS[3],
                CHECKSUM_MEMBERS[4],
            ],
        },
        address: BUCKET,
    },
    Operation {
        name: "PutObjectTagging",
        input: &Structure {
            name: "PutObjectTaggingInput",
            members: &[
                BUCKET_MEMBER,
                KEY_MEMBER,
                Member::optional("Tagging", Shape::Structure(&TAGGING)),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure { name: "PutObjectTaggingOutput", members: &[] },
        address: BUCKET,
    },
    Operation {
        name: "PutPublicAccessBlock",
        input: &Structure {
            name: "PutPublicAccessBlockInput",
            members: &[
                BUCKET_MEMBER,
                Member::optional(
                    "PublicAccessBlockConfiguration",
                    Shape::Structure(&PUBLIC_ACCESS_BLOCK_CONFIGURATION),
                ),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure { name: "PutPublicAccessBlockOutput", members: &[] },
        address: BUCKET,
    },
    Operation {
        name: "UploadPart",
        input: &Structure {
            name: "UploadPartInput",
            members: &[
                BUCKET_MEMBER,
                KEY_MEMBER,
                UPLOAD_ID_MEMBER,
                Member::optional("PartNumber", Shape::Integer),
                BODY_MEMBER,
                BODY_BASE64_MEMBER,
                Member::optional("ContentMD5", Shape::String),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "UploadPartOutput",
            members: &[
                ETAG_MEMBER,
                CHECKSUM_MEMBERS[0],
                CHECKSUM_MEMBERS[1],
                CHECKSUM_MEMBERS[2],
                CHECKSUM_MEMBERS[3],
                CHECKSUM_MEMBERS[4],
            ],
        },
        address: BUCKET,
    },
    Operation {
        name: "UploadPartCopy",
        input: &Structure {
            name: "UploadPartCopyInput",
            members: &[
                BUCKET_MEMBER,
                KEY_MEMBER,
                UPLOAD_ID_MEMBER,
                Member::optional("PartNumber", Shape::Integer),
                Member::optional("CopySource", Shape::String),
                Member::optional("CopySourceRange", Shape::String),
                EXPECTED_BUCKET_OWNER,
            ],
        },
        output: &Structure {
            name: "UploadPartCopyOutput",
            members: &[Member::optional(
                "CopyPartResult",
                Shape::Structure(&Structure { name: "CopyPartResult", members: COPY_RESULT }),
            )],
        },
        address: BUCKET,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::operation_table_checks::{self, object};
    use serde_json::json;

    #[test]
    fn operation_table_is_consistent() {
        operation_table_checks::assert_consistent(OPERATIONS, 37);
    }

    #[test]
    fn bucket_name_names_no_namespace() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let resolve = BUCKET.expect("an address").resolve;
        let resolved = resolve("shared-bucket", &Map::new(), &caller).expect("a bucket name");
        assert_eq!(resolved.kind, AddressKind::GlobalName);
        assert_eq!(resolved.namespace, Namespace::new("", ""));
    }

    #[test]
    fn new_bucket_takes_location_constraint() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let input = object(json!({ "CreateBucketConfiguration": { "LocationConstraint": "ap-south-1" } }));
        let resolved = resolve_new_bucket("b", &input, &caller).expect("a bucket name");
        assert_eq!(resolved.namespace, Namespace::new("222222222222", "ap-south-1"));
    }

    #[test]
    fn new_bucket_without_constraint_is_us_east_1() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let resolved = resolve_new_bucket("b", &Map::new(), &caller).expect("a bucket name");
        assert_eq!(resolved.namespace, Namespace::new("222222222222", "us-east-1"));
    }
}
