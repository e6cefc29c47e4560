//! Amazon S3 over the REST-XML protocol, signing name `s3`
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAPI.html>).
//!
//! The front door hands S3 requests over before reading their bodies, so an
//! upload is decoded as it arrives ([`body`]). A call flows in these steps:
//!
//! 1. find the bucket and key: from the `Host` header for virtual-host style
//!    requests, else from the path ([`crate::arn::parse_s3_host`]);
//! 2. identify the operation from the method, the query string and a few
//!    headers ([`Operation::identify`]);
//! 3. find the bucket in the one global namespace ([`model::Buckets`]);
//! 4. under the `aws` profile, reject a request signed for another region
//!    than the bucket's. Then ask [`crate::access::AccessRules::decide`] with
//!    the bucket policy and the S3 condition keys;
//! 5. read and verify the body, then run the operation.
//!
//! Only object operations and ListObjects(V2) can reach another account's
//! bucket. LocalStack documents GetObject, ListObjects and PutObject as
//! working across accounts
//! (<https://docs.localstack.cloud/references/cross-account-access/>); under
//! `aws` and `localstack-enforce-iam` the bucket policy decides object
//! operations. Bucket configuration belongs to the bucket owner alone.

pub mod body;
pub mod buckets;
pub mod errors;
pub mod listing;
pub mod model;
pub mod multipart;
pub mod objects;
pub mod xml;

use std::path::PathBuf;
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use http_body_util::Full;
use percent_encoding::percent_decode_str;

use crate::access::{AccessRequest, AccessRules, Denial, Profile, ServiceAuthorization};
use crate::arn::{format_bucket_arn, format_object_arn, parse_s3_host};
use crate::config::Config;
use crate::http::{HttpResponse, RequestContext};
use crate::store::Namespace;

use body::{Payload, SpillOptions};
use errors::S3Result;
use model::{Bucket, Buckets};

/// Decoded bodies larger than this are written to a spill file while they arrive.
pub const SPILL_THRESHOLD_BYTES: usize = 8 * 1024 * 1024;

/// Largest body a single PutObject or UploadPart accepts: 5 GiB, the
/// maximum part size (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html>).
pub const MAX_OBJECT_BYTES: u64 = 5 * 1024 * 1024 * 1024;

/// Largest configuration document (policy, tagging, delete list) accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024;

/// The S3 service.
pub struct S3 {
    access: AccessRules,
    hostname: String,
    spill_directory: PathBuf,
    buckets: Buckets,
}

/// One S3 request after routing: its address and parameters.
pub struct S3Request<'a> {
    pub context: &'a RequestContext,
    pub method: Method,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub params: Vec<(String, String)>,
    pub headers: &'a HeaderMap,
}

impl S3Request<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn has_param(&self, name: &str) -> bool {
        self.params.iter().any(|(n, _)| n == name)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    fn bucket_name(&self) -> &str {
        self.bucket.as_deref().unwrap_or_default()
    }

    fn key_name(&self) -> &str {
        self.key.as_deref().unwrap_or_default()
    }

    fn is_head(&self) -> bool {
        self.method == Method::HEAD
    }
}

/// Every operation the emulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    ListBuckets,
    CreateBucket,
    DeleteBucket,
    HeadBucket,
    GetBucketLocation,
    ListObjects,
    ListObjectsV2,
    DeleteObjects,
    PutBucketPolicy,
    GetBucketPolicy,
    DeleteBucketPolicy,
    GetBucketPolicyStatus,
    PutBucketTagging,
    GetBucketTagging,
    DeleteBucketTagging,
    PutBucketOwnershipControls,
    GetBucketOwnershipControls,
    DeleteBucketOwnershipControls,
    PutPublicAccessBlock,
    GetPublicAccessBlock,
    DeletePublicAccessBlock,
    ListMultipartUploads,
    PutObject,
    CopyObject,
    GetObject,
    HeadObject,
    GetObjectAttributes,
    DeleteObject,
    PutObjectTagging,
    GetObjectTagging,
    DeleteObjectTagging,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,
}

/// Bucket subresources the emulator does not implement; a request naming one gets `NotImplemented`.
const UNSUPPORTED_SUBRESOURCES: &[&str] = &[
    "acl",
    "accelerate",
    "analytics",
    "cors",
    "encryption",
    "intelligent-tiering",
    "inventory",
    "lifecycle",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "replication",
    "requestPayment",
    "restore",
    "retention",
    "legal-hold",
    "versioning",
    "versions",
    "website",
    "select",
    "torrent",
];

impl Operation {
    /// Identifies the operation of a request.
    pub fn identify(request: &S3Request<'_>) -> S3Result<Operation> {
        use Operation as O;
        if let Some(name) = UNSUPPORTED_SUBRESOURCES.iter().find(|name| request.has_param(name)) {
            return Err(errors::not_implemented(&format!("the ?{name} subresource")));
        }
        let has = |name: &str| request.has_param(name);
        let method = &request.method;

        let Some(_) = &request.bucket else {
            return match *method {
                Method::GET => Ok(O::ListBuckets),
                _ => Err(errors::method_not_allowed(method.as_str())),
            };
        };

        if request.key.is_none() {
            let operation = match *method {
                Method::PUT if has("policy") => O::PutBucketPolicy,
                Method::PUT if has("tagging") => O::PutBucketTagging,
                Method::PUT if has("ownershipControls") => O::PutBucketOwnershipControls,
                Method::PUT if has("publicAccessBlock") => O::PutPublicAccessBlock,
                Method::PUT => O::CreateBucket,
                Method::GET if has("location") => O::GetBucketLocation,
                Method::GET if has("policyStatus") => O::GetBucketPolicyStatus,
                Method::GET if has("policy") => O::GetBucketPolicy,
                Method::GET if has("tagging") => O::GetBucketTagging,
                Method::GET if has("ownershipControls") => O::GetBucketOwnershipControls,
                Method::GET if has("publicAccessBlock") => O::GetPublicAccessBlock,
                Method::GET if has("uploads") => O::ListMultipartUploads,
                Method::GET if request.param("list-type") == Some("2") => O::ListObjectsV2,
                Method::GET => O::ListObjects,
                Method::HEAD => O::HeadBucket,
                Method::DELETE if has("policy") => O::DeleteBucketPolicy,
                Method::DELETE if has("tagging") => O::DeleteBucketTagging,
                Method::DELETE if has("ownershipControls") => O::DeleteBucketOwnershipControls,
                Method::DELETE if has("publicAccessBlock") => O::DeletePublicAccessBlock,
                Method::DELETE => O::DeleteBucket,
                Method::POST if has("delete") => O::DeleteObjects,
                _ => return Err(errors::method_not_allowed(method.as_str())),
            };
            return Ok(operation);
        }

        let copy = request.headers.contains_key("x-amz-copy-source");
        let operation = match *method {
            Method::PUT if has("tagging") => O::PutObjectTagging,
            Method::PUT if has("partNumber") && has("uploadId") && copy => O::UploadPartCopy,
            Method::PUT if has("partNumber") && has("uploadId") => O::UploadPart,
            Method::PUT if copy => O::CopyObject,
            Method::PUT => O::PutObject,
            Method::GET if has("tagging") => O::GetObjectTagging,
            Method::GET if has("attributes") => O::GetObjectAttributes,
            Method::GET if has("uploadId") => O::ListParts,
            Method::GET => O::GetObject,
            Method::HEAD => O::HeadObject,
            Method::DELETE if has("tagging") => O::DeleteObjectTagging,
            Method::DELETE if has("uploadId") => O::AbortMultipartUpload,
            Method::DELETE => O::DeleteObject,
            Method::POST if has("uploads") => O::CreateMultipartUpload,
            Method::POST if has("uploadId") => O::CompleteMultipartUpload,
            _ => return Err(errors::method_not_allowed(method.as_str())),
        };
        Ok(operation)
    }

    /// Returns the IAM action a bucket policy names for this operation, as the
    /// permissions section of each operation's API reference names it.
    pub fn action(self) -> &'static str {
        use Operation as O;
        match self {
            O::ListBuckets => "s3:ListAllMyBuckets",
            O::CreateBucket => "s3:CreateBucket",
            O::DeleteBucket => "s3:DeleteBucket",
            O::HeadBucket | O::ListObjects | O::ListObjectsV2 => "s3:ListBucket",
            O::GetBucketLocation => "s3:GetBucketLocation",
            O::DeleteObjects | O::DeleteObject => "s3:DeleteObject",
            O::PutBucketPolicy => "s3:PutBucketPolicy",
            O::GetBucketPolicy => "s3:GetBucketPolicy",
            O::DeleteBucketPolicy => "s3:DeleteBucketPolicy",
            O::GetBucketPolicyStatus => "s3:GetBucketPolicyStatus",
            O::PutBucketTagging | O::DeleteBucketTagging => "s3:PutBucketTagging",
            O::GetBucketTagging => "s3:GetBucketTagging",
            O::PutBucketOwnershipControls | O::DeleteBucketOwnershipControls => "s3:PutBucketOwnershipControls",
            O::GetBucketOwnershipControls => "s3:GetBucketOwnershipControls",
            O::PutPublicAccessBlock | O::DeletePublicAccessBlock => "s3:PutBucketPublicAccessBlock",
            O::GetPublicAccessBlock => "s3:GetBucketPublicAccessBlock",
            O::ListMultipartUploads => "s3:ListBucketMultipartUploads",
            O::PutObject
            | O::CopyObject
            | O::CreateMultipartUpload
            | O::UploadPart
            | O::UploadPartCopy
            | O::CompleteMultipartUpload => "s3:PutObject",
            O::GetObject | O::HeadObject => "s3:GetObject",
            O::GetObjectAttributes => "s3:GetObjectAttributes",
            O::PutObjectTagging => "s3:PutObjectTagging",
            O::GetObjectTagging => "s3:GetObjectTagging",
            O::DeleteObjectTagging => "s3:DeleteObjectTagging",
            O::AbortMultipartUpload => "s3:AbortMultipartUpload",
            O::ListParts => "s3:ListMultipartUploadParts",
        }
    }

    /// Reports whether another account may perform the operation on a bucket
    /// under `profile`. Under `localstack` that is the documented list; under
    /// the policy-deciding profiles the bucket policy may grant every object
    /// operation, ListObjects(V2) and HeadBucket (both `s3:ListBucket`).
    pub fn crosses_accounts(self, profile: Profile) -> bool {
        use Operation as O;
        let documented = matches!(
            self,
            O::GetObject | O::HeadObject | O::PutObject | O::CopyObject | O::ListObjects | O::ListObjectsV2
        );
        if profile == Profile::Localstack {
            return documented;
        }
        documented
            || matches!(
                self,
                O::HeadBucket
                    | O::DeleteObject
                    | O::DeleteObjects
                    | O::GetObjectAttributes
                    | O::PutObjectTagging
                    | O::GetObjectTagging
                    | O::DeleteObjectTagging
                    | O::CreateMultipartUpload
                    | O::UploadPart
                    | O::UploadPartCopy
                    | O::CompleteMultipartUpload
                    | O::AbortMultipartUpload
                    | O::ListParts
            )
    }

    /// Reports whether the operation needs the bucket to exist.
    fn needs_bucket(self) -> bool {
        !matches!(self, Operation::ListBuckets | Operation::CreateBucket)
    }

    /// Returns the largest body the operation reads, or `None` when it reads none.
    fn body_limit(self) -> Option<u64> {
        use Operation as O;
        match self {
            O::PutObject | O::UploadPart => Some(MAX_OBJECT_BYTES),
            O::CreateBucket
            | O::DeleteObjects
            | O::PutBucketPolicy
            | O::PutBucketTagging
            | O::PutBucketOwnershipControls
            | O::PutPublicAccessBlock
            | O::PutObjectTagging
            | O::CompleteMultipartUpload => Some(MAX_DOCUMENT_BYTES),
            _ => None,
        }
    }
}

impl S3 {
    pub fn new(config: &Config) -> S3 {
        S3 {
            access: config.access,
            hostname: config.hostname.to_ascii_lowercase(),
            spill_directory: std::env::temp_dir().join("crosscheck-s3-spill"),
            buckets: Buckets::default(),
        }
    }

    /// Returns an object's bytes, for services of the emulator that read
    /// objects on a caller's behalf, such as Lambda deployment packages.
    /// Bucket policies are not consulted.
    pub(crate) fn read_object(&self, bucket: &str, key: &str) -> Option<Bytes> {
        let bucket = self.buckets.get(bucket)?;
        let state = bucket.lock();
        state.objects.get(key).map(|object| object.data.clone())
    }

    /// Reports whether `host` names an S3 bucket in virtual-host style, which
    /// routes a request that names no JSON or query operation to S3.
    pub fn host_is_virtual(&self, host: &str) -> bool {
        parse_s3_host(host, &self.hostname).is_some_and(|parsed| parsed.bucket.is_some())
    }

    /// Serves one request; the body is read only after the request passed its checks.
    pub async fn handle<B>(&self, context: &RequestContext, method: Method, body: B) -> HttpResponse
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let request = self.request(context, method);
        let result = self.serve(&request, body).await;
        match result {
            Ok(mut response) => {
                if let Ok(value) = HeaderValue::from_str(&context.request_id) {
                    response.headers_mut().insert("x-amz-request-id", value);
                }
                response
            }
            Err(error) => {
                tracing::debug!(
                    account = %context.caller.account_id,
                    region = %context.caller.region,
                    bucket = request.bucket_name(),
                    code = %error.code(),
                    "rejected S3 request"
                );
                error.to_response(&context.request_id, !request.is_head())
            }
        }
    }

    /// Reads the bucket, key and query parameters of a request.
    fn request<'a>(&self, context: &'a RequestContext, method: Method) -> S3Request<'a> {
        let params: Vec<(String, String)> = form_urlencoded::parse(context.query.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        let decode = |text: &str| percent_decode_str(text).decode_utf8_lossy().into_owned();
        let host_bucket = parse_s3_host(&context.host, &self.hostname).and_then(|host| host.bucket);

        let path = context.path.strip_prefix('/').unwrap_or(&context.path);
        let (bucket, key) = match host_bucket {
            Some(bucket) => (Some(bucket), Some(decode(path))),
            None => match path.split_once('/') {
                Some((bucket, key)) => (Some(decode(bucket)), Some(decode(key))),
                None => (Some(decode(path)), None),
            },
        };
        S3Request {
            context,
            method,
            bucket: bucket.filter(|bucket| !bucket.is_empty()),
            key: key.filter(|key| !key.is_empty()),
            params,
            headers: &context.headers,
        }
    }

    async fn serve<B>(&self, request: &S3Request<'_>, body: B) -> S3Result<HttpResponse>
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let operation = Operation::identify(request)?;
        self.check_presigned_expiry(request)?;

        let bucket = if operation.needs_bucket() {
            let bucket = self.find_bucket(request.bucket_name())?;
            self.check_region(request, &bucket)?;
            // DeleteObjects is authorized key by key, and reports denials per key.
            if operation != Operation::DeleteObjects {
                self.authorize(request, operation, &bucket, request.key.as_deref())?;
            }
            Some(bucket)
        } else {
            None
        };

        let payload = match operation.body_limit() {
            Some(max_size) => {
                let options = SpillOptions {
                    directory: self.spill_directory.clone(),
                    threshold: SPILL_THRESHOLD_BYTES,
                    max_size,
                };
                // CompleteMultipartUpload's checksum headers are the assembled object's.
                let checksum_headers = if operation == Operation::CompleteMultipartUpload {
                    body::ChecksumHeaders::OfObject
                } else {
                    body::ChecksumHeaders::OfBody
                };
                body::read_payload(body, request.headers, &options, checksum_headers).await?
            }
            None => Payload { data: Bytes::new(), md5: [0; 16], checksum: None },
        };

        let Some(bucket) = bucket else {
            return match operation {
                Operation::ListBuckets => buckets::list_buckets(self, request),
                _ => buckets::create_bucket(self, request, &payload),
            };
        };
        self.dispatch(operation, request, &bucket, payload)
    }

    fn dispatch(
        &self,
        operation: Operation,
        request: &S3Request<'_>,
        bucket: &std::sync::Arc<Bucket>,
        payload: Payload,
    ) -> S3Result<HttpResponse> {
        use Operation as O;
        match operation {
            O::ListBuckets | O::CreateBucket => Err(errors::internal("bucket-less operation dispatched with a bucket")),
            O::DeleteBucket => buckets::delete_bucket(self, bucket),
            O::HeadBucket => Ok(buckets::head_bucket(bucket)),
            O::GetBucketLocation => Ok(buckets::get_bucket_location(bucket)),
            O::PutBucketPolicy => buckets::put_bucket_policy(bucket, &payload),
            O::GetBucketPolicy => buckets::get_bucket_policy(bucket),
            O::DeleteBucketPolicy => Ok(buckets::delete_bucket_policy(bucket)),
            O::GetBucketPolicyStatus => buckets::get_bucket_policy_status(bucket),
            O::PutBucketTagging => buckets::put_bucket_tagging(bucket, &payload),
            O::GetBucketTagging => buckets::get_bucket_tagging(bucket),
            O::DeleteBucketTagging => Ok(buckets::delete_bucket_tagging(bucket)),
            O::PutBucketOwnershipControls => buckets::put_ownership_controls(bucket, &payload),
            O::GetBucketOwnershipControls => buckets::get_ownership_controls(bucket),
            O::DeleteBucketOwnershipControls => Ok(buckets::delete_ownership_controls(bucket)),
            O::PutPublicAccessBlock => buckets::put_public_access_block(bucket, &payload),
            O::GetPublicAccessBlock => buckets::get_public_access_block(bucket),
            O::DeletePublicAccessBlock => Ok(buckets::delete_public_access_block(bucket)),
            O::ListObjects => listing::list_objects(request, bucket, false),
            O::ListObjectsV2 => listing::list_objects(request, bucket, true),
            O::ListMultipartUploads => multipart::list_multipart_uploads(request, bucket),
            O::DeleteObjects => objects::delete_objects(self, request, bucket, &payload),
            O::PutObject => objects::put_object(request, bucket, payload),
            O::CopyObject => objects::copy_object(self, request, bucket),
            O::GetObject | O::HeadObject => {
                let result = objects::get_object(request, bucket, operation == O::HeadObject);
                // S3 returns 404 for a missing key only to a caller that may
                // also list the bucket, and with 403 AccessDenied otherwise
                // (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>).
                if result.as_ref().is_err_and(|error| error.code() == "NoSuchKey") {
                    self.authorize(request, O::ListObjectsV2, bucket, None)?;
                }
                result
            }
            O::GetObjectAttributes => {
                // The caller needs s3:GetObject as well as s3:GetObjectAttributes
                // (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html>).
                self.authorize(request, O::GetObject, bucket, request.key.as_deref())?;
                let result = objects::get_object_attributes(request, bucket);
                if result.as_ref().is_err_and(|error| error.code() == "NoSuchKey") {
                    self.authorize(request, O::ListObjectsV2, bucket, None)?;
                }
                result
            }
            O::DeleteObject => Ok(objects::delete_object(request, bucket)),
            O::PutObjectTagging => objects::put_object_tagging(request, bucket, &payload),
            O::GetObjectTagging => objects::get_object_tagging(request, bucket),
            O::DeleteObjectTagging => objects::delete_object_tagging(request, bucket),
            O::CreateMultipartUpload => multipart::create_multipart_upload(request, bucket),
            O::UploadPart => multipart::upload_part(request, bucket, payload),
            O::UploadPartCopy => multipart::upload_part_copy(self, request, bucket),
            O::CompleteMultipartUpload => multipart::complete_multipart_upload(request, bucket, &payload),
            O::AbortMultipartUpload => multipart::abort_multipart_upload(request, bucket),
            O::ListParts => multipart::list_parts(request, bucket),
        }
    }

    /// Finds a bucket by name; an invalid name is `NoSuchBucket` too, as nothing can exist under it.
    pub fn find_bucket(&self, name: &str) -> S3Result<std::sync::Arc<Bucket>> {
        self.buckets.get(name).ok_or_else(|| errors::no_such_bucket(name))
    }

    /// Rejects, under the `aws` profile, a request signed for another region
    /// than the bucket's. The other profiles serve every region from one endpoint.
    fn check_region(&self, request: &S3Request<'_>, bucket: &Bucket) -> S3Result<()> {
        if self.access.effective_profile() != Profile::Aws {
            return Ok(());
        }
        // An unsigned request names no region, so there is nothing to compare.
        let signed = request.headers.contains_key(header::AUTHORIZATION) || request.has_param("X-Amz-Credential");
        if !signed {
            return Ok(());
        }
        let signed_region = &request.context.caller.region;
        if signed_region == bucket.region() {
            return Ok(());
        }
        Err(errors::wrong_region(&bucket.name, signed_region, bucket.region(), request.is_head()))
    }

    /// Rejects a presigned URL that lacks a SigV4 query parameter
    /// (`AuthorizationQueryParametersError`), whose `X-Amz-Expires` (SigV4)
    /// or `Expires` (SigV2) has passed, or whose request lacks a header the
    /// SigV4 URL signs (`SignatureDoesNotMatch`).
    fn check_presigned_expiry(&self, request: &S3Request<'_>) -> S3Result<()> {
        if request.has_param("AWSAccessKeyId") {
            return check_legacy_presigned_expiry(request);
        }
        if !QUERY_AUTH_PARAMETERS.iter().any(|name| request.has_param(name)) {
            return Ok(());
        }
        if let Some(missing) = QUERY_AUTH_PARAMETERS.iter().find(|name| !request.has_param(name)) {
            return Err(errors::authorization_query_parameters(format!(
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, \
                 X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters; {missing} is missing."
            )));
        }
        let date = request.param("X-Amz-Date").unwrap_or_default();
        let expires = request.param("X-Amz-Expires").unwrap_or_default();
        let expires: u64 = expires.parse().map_err(|_| {
            errors::authorization_query_parameters(format!("X-Amz-Expires should be a number, found {expires:?}"))
        })?;
        // S3's message for this case, as quoted in <https://github.com/aws/aws-cli/issues/5464>.
        if expires > MAX_PRESIGNED_EXPIRES_SECONDS {
            return Err(errors::authorization_query_parameters(format!(
                "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less \
                 than {MAX_PRESIGNED_EXPIRES_SECONDS} seconds, found {expires}"
            )));
        }
        let signed_at = parse_amz_date(date).ok_or_else(|| {
            errors::authorization_query_parameters(format!("X-Amz-Date {date:?} is not in the form YYYYMMDDTHHMMSSZ"))
        })?;
        let now = unix_seconds(SystemTime::now());
        let expires_at = signed_at + i64::try_from(expires).unwrap_or(i64::MAX);
        if now > expires_at {
            return Err(errors::access_denied("Request has expired")
                .with("X-Amz-Expires", expires.to_string())
                .with("Expires", timestamp(expires_at))
                .with("ServerTime", timestamp(now)));
        }

        // The emulator cannot recompute a signature without the secret key,
        // but a request that lacks a header the URL signs can never match it.
        let signed_headers = request.param("X-Amz-SignedHeaders").unwrap_or_default();
        if let Some(missing) =
            signed_headers.split(';').find(|name| !name.is_empty() && !request.headers.contains_key(*name))
        {
            return Err(errors::S3Error::new(
                "SignatureDoesNotMatch",
                403,
                format!(
                    "The request signature we calculated does not match the signature you provided: the URL signs \
                     the {missing} header, which the request does not send."
                ),
            )
            .with("SignedHeaders", signed_headers));
        }
        Ok(())
    }

    /// Asks the access decision point whether the caller may run `operation` on `bucket`.
    pub fn authorize(
        &self,
        request: &S3Request<'_>,
        operation: Operation,
        bucket: &Bucket,
        key: Option<&str>,
    ) -> S3Result<()> {
        let caller = &request.context.caller;
        let profile = self.access.effective_profile();
        let cross_account = caller.account_id != bucket.owner();
        let resource_arn = match key {
            Some(key)
                if operation.action() != "s3:ListBucket" && operation.action() != "s3:ListBucketMultipartUploads" =>
            {
                format_object_arn(&bucket.name, key)
            }
            _ => format_bucket_arn(&bucket.name),
        };
        if cross_account && !operation.crosses_accounts(profile) {
            return Err(errors::access_denied(format!(
                "User: {} is not authorized to perform: {} on resource: {resource_arn} because only the bucket owner may",
                caller.principal_arn,
                operation.action()
            )));
        }
        if !self.access.evaluates_policies() {
            return Ok(());
        }

        let (policy, existing_tags) = {
            let state = bucket.lock();
            let tags = key.and_then(|key| state.objects.get(key)).map(|object| object.tags.clone());
            (state.policy.as_ref().map(|policy| policy.policy.clone()), tags)
        };
        let mut authorization = ServiceAuthorization::default();
        if matches!(operation, Operation::ListObjects | Operation::ListObjectsV2) {
            authorization.context.insert("s3:prefix", request.param("prefix").unwrap_or_default());
            if let Some(delimiter) = request.param("delimiter") {
                authorization.context.insert("s3:delimiter", delimiter);
            }
        }
        if let Some(acl) = request.header("x-amz-acl") {
            authorization.context.insert("s3:x-amz-acl", acl);
        }
        for (name, value) in existing_tags.unwrap_or_default() {
            authorization.context.insert(format!("s3:ExistingObjectTag/{name}"), value);
        }

        // The bucket's region is the caller's here: `check_region` already
        // rejected other regions under `aws`, and the other profiles have one endpoint.
        let namespace = Namespace::new(bucket.owner(), &caller.region);
        let access_request = AccessRequest {
            caller,
            action: operation.action(),
            resource_arn: &resource_arn,
            resource_namespace: &namespace,
            grantable_across_accounts: true,
            resource_policy: policy.as_deref(),
            source_ip: request.context.source_ip,
            service_source: None,
            service_authorization: Some(&authorization),
        };
        self.access
            .decide(&access_request)
            .map_err(|denial: Denial| errors::access_denied(denial.message(&access_request)))
    }
}

/// Builds a response with an XML body.
pub fn xml_response(status: StatusCode, body: String) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/xml"));
    response
}

/// Builds a response without a body.
pub fn empty_response(status: StatusCode) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

/// Adds a header, skipping values that cannot be sent.
pub fn set_header(response: &mut HttpResponse, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// Derives the canonical user id S3 shows as an owner from the account id.
pub fn canonical_user_id(account_id: &str) -> String {
    use sha2::Digest as _;
    body::to_hex(&sha2::Sha256::digest(format!("crosscheck-canonical-user:{account_id}").as_bytes()))
}

pub fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
}

/// Formats a time as S3's XML documents do: `2026-12-04T13:00:00.000Z`.
pub fn timestamp(unix_seconds: i64) -> String {
    let text = crate::services::sts::time::format_timestamp(unix_seconds);
    format!("{}.000Z", text.trim_end_matches('Z'))
}

/// Formats a time as an HTTP date, as `Last-Modified` carries it.
pub fn http_date(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

/// The query parameters of a SigV4 presigned URL, all required
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>).
const QUERY_AUTH_PARAMETERS: [&str; 6] =
    ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"];

/// Maximum validity of a SigV4 presigned URL: seven days, in seconds.
const MAX_PRESIGNED_EXPIRES_SECONDS: u64 = 604_800;

/// Rejects a SigV2 presigned URL, as boto3 presigns S3 URLs by default, that
/// lacks `Signature` or `Expires`, or whose `Expires`, in seconds since the
/// Unix epoch, has passed. See "Query string request authentication
/// alternative" in <https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html>.
fn check_legacy_presigned_expiry(request: &S3Request<'_>) -> S3Result<()> {
    // The message for a SigV2 URL without one of its three parameters, as a
    // request through CloudFront to S3 quoted it in <https://github.com/aws/aws-sdk-php/issues/97>.
    // NOTE: the AccessDenied code and 403 status are assumed, not measured.
    let (Some(expires), true) = (request.param("Expires"), request.has_param("Signature")) else {
        return Err(errors::access_denied(
            "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
        ));
    };
    let expires_at: i64 = expires.parse().map_err(|_| {
        errors::access_denied(format!("Expires {expires:?} is not a number of seconds since the epoch"))
            .with("Expires", expires)
    })?;
    let now = unix_seconds(SystemTime::now());
    if now > expires_at {
        return Err(errors::access_denied("Request has expired")
            .with("Expires", timestamp(expires_at))
            .with("ServerTime", timestamp(now)));
    }
    Ok(())
}

/// Parses `YYYYMMDDTHHMMSSZ` into Unix seconds.
fn parse_amz_date(value: &str) -> Option<i64> {
    if value.len() != 16 || value.as_bytes()[8] != b'T' || !value.ends_with('Z') {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &value[0..4],
        &value[4..6],
        &value[6..8],
        &value[9..11],
        &value[11..13],
        &value[13..15]
    );
    parse_iso_timestamp(&iso)
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` into Unix seconds.
fn parse_iso_timestamp(value: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| value.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days from civil date, Howard Hinnant's algorithm.
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year - era * 400;
    let month_index = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates_parse_to_unix_seconds() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20000229T000000Z"), Some(951_782_400));
        assert_eq!(parse_amz_date("20261231T235959Z"), Some(1_798_761_599));
        assert_eq!(parse_amz_date("2026-12-31"), None);
    }

    #[test]
    fn timestamps_carry_milliseconds() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
    }
}
