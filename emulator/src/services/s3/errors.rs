//! Every S3 error the emulator returns, one constructor per AWS error code,
//! and their REST-XML rendering.
//!
//! S3 errors are `<Error><Code/><Message/>...<RequestId/></Error>` documents
//! with extra elements naming the resource (`BucketName`, `Key`, ...), and
//! HEAD responses carry no body at all. Codes and statuses follow the S3
//! error code list of the AWS API reference, as reproduced in
//! <https://metacpan.org/pod/Paws::S3::Error>.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;

use super::xml::escape;
use crate::error::AwsError;
use crate::http::HttpResponse;

/// An S3 error: the wire error plus the detail elements and headers S3 adds.
/// Boxed, because results carry it on every path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Error {
    parts: Box<ErrorParts>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ErrorParts {
    error: AwsError,
    /// Extra elements of the error document, in order, such as `("BucketName", "b")`.
    details: Vec<(&'static str, String)>,
    /// Extra response headers, such as `x-amz-bucket-region`.
    headers: Vec<(&'static str, String)>,
}

/// Result alias for S3 operations.
pub type S3Result<T> = Result<T, S3Error>;

impl S3Error {
    pub fn new(code: &'static str, status: u16, message: impl Into<String>) -> S3Error {
        S3Error::from(AwsError::sender(code, status, message))
    }

    #[must_use]
    pub fn with(mut self, element: &'static str, value: impl Into<String>) -> S3Error {
        self.parts.details.push((element, value.into()));
        self
    }

    #[must_use]
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> S3Error {
        self.parts.headers.push((name, value.into()));
        self
    }

    pub fn code(&self) -> &str {
        &self.parts.error.code
    }

    pub fn message(&self) -> &str {
        &self.parts.error.message
    }

    /// Renders the error. `with_body` is false for HEAD requests.
    pub fn to_response(&self, request_id: &str, with_body: bool) -> HttpResponse {
        let error = &self.parts.error;
        let mut body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>",
            escape(&error.code),
            escape(&error.message)
        );
        for (element, value) in &self.parts.details {
            body.push_str(&format!("<{element}>{}</{element}>", escape(value)));
        }
        body.push_str(&format!("<RequestId>{}</RequestId></Error>", escape(request_id)));

        let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = if with_body { Bytes::from(body) } else { Bytes::new() };
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        if with_body {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/xml"));
        }
        if let Ok(value) = HeaderValue::from_str(request_id) {
            headers.insert("x-amz-request-id", value);
        }
        for (name, value) in &self.parts.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(*name, value);
            }
        }
        response
    }
}

impl From<AwsError> for S3Error {
    fn from(error: AwsError) -> S3Error {
        S3Error { parts: Box::new(ErrorParts { error, details: Vec::new(), headers: Vec::new() }) }
    }
}

pub fn no_such_bucket(bucket: &str) -> S3Error {
    S3Error::new("NoSuchBucket", 404, "The specified bucket does not exist").with("BucketName", bucket)
}

pub fn no_such_key(key: &str) -> S3Error {
    S3Error::new("NoSuchKey", 404, "The specified key does not exist.").with("Key", key)
}

pub fn no_such_upload(upload_id: &str) -> S3Error {
    S3Error::new(
        "NoSuchUpload",
        404,
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    )
    .with("UploadId", upload_id)
}

pub fn bucket_already_exists(bucket: &str) -> S3Error {
    S3Error::new(
        "BucketAlreadyExists",
        409,
        "The requested bucket name is not available. The bucket namespace is shared by all users of the system. \
         Please select a different name and try again.",
    )
    .with("BucketName", bucket)
}

pub fn bucket_already_owned_by_you(bucket: &str) -> S3Error {
    S3Error::new(
        "BucketAlreadyOwnedByYou",
        409,
        "Your previous request to create the named bucket succeeded and you already own it.",
    )
    .with("BucketName", bucket)
}

pub fn bucket_not_empty(bucket: &str) -> S3Error {
    S3Error::new("BucketNotEmpty", 409, "The bucket you tried to delete is not empty").with("BucketName", bucket)
}

pub fn invalid_bucket_name(bucket: &str, reason: &str) -> S3Error {
    S3Error::new("InvalidBucketName", 400, format!("The specified bucket is not valid: {reason}."))
        .with("BucketName", bucket)
}

pub fn invalid_location_constraint(location: &str) -> S3Error {
    S3Error::new(
        "InvalidLocationConstraint",
        400,
        format!("The specified location-constraint {location:?} is not valid"),
    )
    .with("LocationConstraint", location)
}

/// CreateBucket whose LocationConstraint differs from the region the request was signed for.
pub fn illegal_location_constraint(location: &str, region: &str) -> S3Error {
    S3Error::new(
        "IllegalLocationConstraintException",
        400,
        format!(
            "The {location} location constraint is incompatible for the region specific endpoint this request was sent to ({region})."
        ),
    )
}

pub fn malformed_xml(detail: &str) -> S3Error {
    S3Error::new(
        "MalformedXML",
        400,
        format!("The XML you provided was not well-formed or did not validate against our published schema: {detail}"),
    )
}

pub fn invalid_argument(message: impl Into<String>, name: &str, value: &str) -> S3Error {
    S3Error::new("InvalidArgument", 400, message).with("ArgumentName", name).with("ArgumentValue", value)
}

pub fn invalid_request(message: impl Into<String>) -> S3Error {
    S3Error::new("InvalidRequest", 400, message)
}

pub fn bad_digest(message: impl Into<String>) -> S3Error {
    S3Error::new("BadDigest", 400, message)
}

pub fn invalid_digest(value: &str) -> S3Error {
    S3Error::new("InvalidDigest", 400, "The Content-MD5 you specified was invalid.").with("Content-MD5", value)
}

pub fn incomplete_body(message: impl Into<String>) -> S3Error {
    S3Error::new("IncompleteBody", 400, message)
}

pub fn entity_too_small(size: u64, part_number: u32) -> S3Error {
    S3Error::new("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.")
        .with("ProposedSize", size.to_string())
        .with("MinSizeAllowed", "5242880")
        .with("PartNumber", part_number.to_string())
}

pub fn invalid_part(part_number: u32, etag: &str) -> S3Error {
    S3Error::new(
        "InvalidPart",
        400,
        "One or more of the specified parts could not be found. The part may not have been uploaded, \
         or the specified entity tag may not match the part's entity tag.",
    )
    .with("PartNumber", part_number.to_string())
    .with("ETag", etag)
}

pub fn invalid_part_order() -> S3Error {
    S3Error::new(
        "InvalidPartOrder",
        400,
        "The list of parts was not in ascending order. Parts must be ordered by part number.",
    )
}

/// The 416 response to an unsatisfiable range. Like any 416 response it
/// names the object's size in `Content-Range: bytes */SIZE`
/// (<https://www.rfc-editor.org/rfc/rfc9110#name-416-range-not-satisfiable>).
pub fn invalid_range(range: &str, size: u64) -> S3Error {
    S3Error::new("InvalidRange", 416, "The requested range is not satisfiable")
        .with("RangeRequested", range)
        .with("ActualObjectSize", size.to_string())
        .with_header("content-range", format!("bytes */{size}"))
}

/// Builds the error for a storage class S3 does not know, in `x-amz-storage-class`.
pub fn invalid_storage_class(requested: &str) -> S3Error {
    S3Error::new("InvalidStorageClass", 400, format!("The storage class you specified is not valid: {requested}"))
        .with("StorageClassRequested", requested)
}

/// Builds the error for GetObject of an archived object that was never restored
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>).
pub fn invalid_object_state(storage_class: &str) -> S3Error {
    S3Error::new(
        "InvalidObjectState",
        403,
        format!("The operation is not valid for the object's storage class {storage_class}"),
    )
    .with("StorageClass", storage_class)
}

/// Builds the error for DeleteObjects without `Content-MD5` or a flexible checksum. The message
/// is the one AWS sends, as quoted in <https://github.com/aws/aws-cli/issues/400>.
pub fn missing_content_md5() -> S3Error {
    S3Error::new("InvalidRequest", 400, "Missing required header for this request: Content-MD5")
}

pub fn precondition_failed(condition: &'static str) -> S3Error {
    S3Error::new("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold")
        .with("Condition", condition)
}

/// Builds the error for a presigned URL with a missing or invalid query
/// parameter, which S3 rejects with 400 Bad Request
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/ErrorCodeBilling.html>).
pub fn authorization_query_parameters(message: impl Into<String>) -> S3Error {
    S3Error::new("AuthorizationQueryParametersError", 400, message)
}

pub fn access_denied(message: impl Into<String>) -> S3Error {
    S3Error::new("AccessDenied", 403, message)
}

pub fn no_such_bucket_policy(bucket: &str) -> S3Error {
    S3Error::new("NoSuchBucketPolicy", 404, "The bucket policy does not exist").with("BucketName", bucket)
}

pub fn no_such_tag_set(bucket: &str) -> S3Error {
    S3Error::new("NoSuchTagSet", 404, "The TagSet does not exist").with("BucketName", bucket)
}

pub fn no_such_public_access_block(bucket: &str) -> S3Error {
    S3Error::new("NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found")
        .with("BucketName", bucket)
}

pub fn ownership_controls_not_found(bucket: &str) -> S3Error {
    S3Error::new("OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found")
        .with("BucketName", bucket)
}

pub fn malformed_policy(reason: &str) -> S3Error {
    S3Error::new("MalformedPolicy", 400, format!("Policy has invalid resource: {reason}"))
}

pub fn invalid_tag(message: impl Into<String>) -> S3Error {
    S3Error::new("InvalidTag", 400, message)
}

pub fn not_implemented(what: &str) -> S3Error {
    S3Error::new(
        "NotImplemented",
        501,
        format!("A header or query parameter you provided implies functionality that is not implemented: {what}."),
    )
}

pub fn method_not_allowed(method: &str) -> S3Error {
    S3Error::new(
        "MethodNotAllowed",
        405,
        format!("The specified method {method} is not allowed against this resource."),
    )
    .with("Method", method)
}

pub fn entity_too_large(size: u64, max: u64) -> S3Error {
    S3Error::new(
        "EntityTooLarge",
        400,
        format!("Your proposed upload of {size} bytes exceeds the maximum allowed size of {max} bytes."),
    )
}

pub fn internal(message: impl Into<String>) -> S3Error {
    S3Error::new("InternalError", 500, message)
}

/// Builds the error for a request signed for another region than the bucket's, under the `aws` profile.
///
/// AWS returns `AuthorizationHeaderMalformed` (400) for a SigV4 request
/// whose credential scope names the wrong region, with the message "The
/// authorization header is malformed; the region 'us-east-1' is wrong;
/// expecting 'eu-west-1'" (quoted in
/// <https://github.com/altinity/clickhouse-backup/issues/15> and
/// <https://github.com/gsa/grace-inventory/issues/22>). A request sent to
/// the wrong regional endpoint gets `PermanentRedirect` (301) with the
/// bucket's region in `x-amz-bucket-region` and `<Bucket>` and `<Endpoint>`
/// elements (a captured response in <https://github.com/JuliaCloud/AWSS3.jl/issues/25>).
/// The emulator has one endpoint, so the credential scope is what is wrong.
/// A HEAD request has no body to carry the message, and the SDKs read the
/// bucket's region from the 301's header, so HEAD gets `PermanentRedirect`.
// NOTE: unverified against live AWS which of the two a HEAD request signed
// for the wrong region receives; the 301 is what region-discovery clients expect.
pub fn wrong_region(bucket: &str, signed_region: &str, bucket_region: &str, is_head: bool) -> S3Error {
    if is_head {
        return S3Error::new(
            "PermanentRedirect",
            301,
            "The bucket you are attempting to access must be addressed using the specified endpoint. \
             Please send all future requests to this endpoint.",
        )
        .with("Bucket", bucket)
        .with("Endpoint", format!("{bucket}.s3.{bucket_region}.amazonaws.com"))
        .with_header("x-amz-bucket-region", bucket_region);
    }
    S3Error::new(
        "AuthorizationHeaderMalformed",
        400,
        format!(
            "The authorization header is malformed; the region '{signed_region}' is wrong; expecting '{bucket_region}'"
        ),
    )
    .with("Region", bucket_region)
    .with_header("x-amz-bucket-region", bucket_region)
}
