//! Object operations: PutObject, GetObject and HeadObject (ranges and
//! conditional requests), GetObjectAttributes, CopyObject, DeleteObject,
//! DeleteObjects and object tagging.
//!
//! Conditional requests follow the GetObject reference
//! (the GetObject members in the AWS SDK reference, such as
//! <https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/s3/aws.sdk.kotlin.services.s3.model/-get-object-request/if-match.html>)
//! and RFC 9110 section 13: If-Match and If-Unmodified-Since fail with 412,
//! If-None-Match and If-Modified-Since with 304; If-Match wins over
//! If-Unmodified-Since, and If-None-Match over If-Modified-Since.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use http_body_util::Full;
use percent_encoding::percent_decode_str;

use super::body::{Payload, to_hex};
use super::buckets::{parse_tagging, tagging_document};
use super::errors::{self, S3Error, S3Result};
use super::model::{Bucket, Object, ObjectHeaders, ObjectPart};
use super::xml::{self, Document};
use super::{Operation, S3, S3Request, empty_response, http_date, set_header, timestamp, unix_seconds, xml_response};
use crate::http::HttpResponse;

/// Most keys one DeleteObjects request may name
/// ("a list of up to 1000 keys", in the DeleteObjects documentation of the AWS SDK for JavaScript).
const MAX_DELETE_KEYS: usize = 1_000;

/// Most tags an object may carry
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-managing.html>).
pub const MAX_OBJECT_TAGS: usize = 10;

/// Largest key, in UTF-8 bytes
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html>).
const MAX_KEY_BYTES: usize = 1_024;

/// Formats an ETag from MD5 bytes: the hex digest in quotes.
pub fn etag_of(md5: &[u8]) -> String {
    format!("\"{}\"", to_hex(md5))
}

/// Largest user metadata S3 stores with an object: the UTF-8 bytes of every
/// name and value together
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html>).
// NOTE: the page says "2 KB"; 2,048 bytes is an assumption, not a measured limit.
const MAX_METADATA_BYTES: usize = 2_048;

/// Reads the stored headers and user metadata of an upload, and rejects
/// user metadata over [`MAX_METADATA_BYTES`] with `MetadataTooLarge`.
/// The default storage class.
pub const STANDARD: &str = "STANDARD";

/// The storage classes `x-amz-storage-class` accepts: the `StorageClass`
/// enum of the S3 API model, as the `aws-sdk-s3` 1.157.0 crate lists it.
const STORAGE_CLASSES: [&str; 15] = [
    STANDARD,
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "GLACIER_IR",
    "SNOW",
    "EXPRESS_ONEZONE",
    "FSX_OPENZFS",
    "FSX_ONTAP",
    "AWS_BACKUP_WARM",
    "AWS_BACKUP_LOW_COST_WARM",
];

/// Storage classes whose objects GetObject serves only after a restore
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>).
const ARCHIVED_STORAGE_CLASSES: [&str; 2] = ["GLACIER", "DEEP_ARCHIVE"];

/// Rejects reading the bytes of an archived object, which S3 serves only
/// after a restore, with `InvalidObjectState`.
pub fn check_not_archived(object: &Object) -> S3Result<()> {
    let storage_class = object.headers.storage_class();
    if ARCHIVED_STORAGE_CLASSES.contains(&storage_class) {
        return Err(errors::invalid_object_state(storage_class));
    }
    Ok(())
}

/// Reads `x-amz-storage-class`: `None` for STANDARD or no header,
/// `InvalidStorageClass` for a class S3 does not know.
pub fn requested_storage_class(headers: &HeaderMap) -> S3Result<Option<String>> {
    let Some(value) = headers.get("x-amz-storage-class") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default();
    if !STORAGE_CLASSES.contains(&text) {
        return Err(errors::invalid_storage_class(text));
    }
    Ok((text != STANDARD).then(|| text.to_owned()))
}

pub fn object_headers(headers: &HeaderMap) -> S3Result<ObjectHeaders> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned);
    // The aws-chunked coding describes the request body only; S3 does not store it.
    let content_encoding = text("content-encoding").and_then(|value| {
        let kept: Vec<&str> =
            value.split(',').map(str::trim).filter(|part| !part.is_empty() && *part != "aws-chunked").collect();
        (!kept.is_empty()).then(|| kept.join(","))
    });
    let mut metadata: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(name, value)| {
            let name = name.as_str().strip_prefix("x-amz-meta-")?;
            Some((name.to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    metadata.sort();
    let metadata_bytes: usize = metadata.iter().map(|(name, value)| name.len() + value.len()).sum();
    if metadata_bytes > MAX_METADATA_BYTES {
        return Err(S3Error::new(
            "MetadataTooLarge",
            400,
            "Your metadata headers exceed the maximum allowed metadata size.",
        )
        .with("Size", metadata_bytes.to_string())
        .with("MaxSizeAllowed", MAX_METADATA_BYTES.to_string()));
    }
    Ok(ObjectHeaders {
        content_type: Some(text("content-type").unwrap_or_else(|| "binary/octet-stream".to_owned())),
        content_encoding,
        content_disposition: text("content-disposition"),
        content_language: text("content-language"),
        cache_control: text("cache-control"),
        expires: text("expires"),
        metadata,
        storage_class: requested_storage_class(headers)?,
    })
}

/// Parses the `x-amz-tagging` header, a URL-encoded query string.
pub fn tags_from_header(request: &S3Request<'_>) -> S3Result<Vec<(String, String)>> {
    let Some(value) = request.header("x-amz-tagging") else {
        return Ok(Vec::new());
    };
    let mut tags: Vec<(String, String)> = Vec::new();
    for (key, tag_value) in form_urlencoded::parse(value.as_bytes()) {
        if key.is_empty() || key.chars().count() > 128 || tag_value.chars().count() > 256 {
            return Err(errors::invalid_tag(format!("The tag {key:?} in x-amz-tagging is not a valid tag")));
        }
        if tags.iter().any(|(existing, _)| *existing == key) {
            return Err(errors::invalid_tag(format!("Cannot provide multiple Tags with the same key: {key}")));
        }
        tags.push((key.into_owned(), tag_value.into_owned()));
    }
    if tags.len() > MAX_OBJECT_TAGS {
        return Err(errors::invalid_tag(format!("Object tags cannot be greater than {MAX_OBJECT_TAGS}")));
    }
    Ok(tags)
}

/// Checks a key's length.
pub fn check_key(key: &str) -> S3Result<()> {
    if key.len() > MAX_KEY_BYTES {
        return Err(S3Error::new("KeyTooLongError", 400, "Your key is too long")
            .with("MaxSizeAllowed", MAX_KEY_BYTES.to_string())
            .with("Size", key.len().to_string()));
    }
    Ok(())
}

/// Returns the account that owns a new object: the bucket owner unless the
/// bucket's ownership setting is `ObjectWriter`
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html>).
/// With ACLs disabled (`BucketOwnerEnforced`, the default) only the
/// `bucket-owner-full-control` canned ACL is accepted.
pub fn object_owner(request: &S3Request<'_>, bucket: &Bucket) -> S3Result<String> {
    let ownership = bucket.lock().ownership.clone().unwrap_or_else(|| "BucketOwnerEnforced".to_owned());
    let acl = request.header("x-amz-acl");
    if ownership == "BucketOwnerEnforced" && acl.is_some_and(|acl| acl != "bucket-owner-full-control") {
        return Err(S3Error::new("AccessControlListNotSupported", 400, "The bucket does not allow ACLs"));
    }
    let writer = &request.context.caller.account_id;
    let owner = match ownership.as_str() {
        "ObjectWriter" => writer.clone(),
        "BucketOwnerPreferred" if acl != Some("bucket-owner-full-control") => writer.clone(),
        _ => bucket.owner().to_owned(),
    };
    Ok(owner)
}

pub fn put_object(request: &S3Request<'_>, bucket: &Bucket, payload: Payload) -> S3Result<HttpResponse> {
    let key = request.key_name().to_owned();
    check_key(&key)?;
    let tags = tags_from_header(request)?;
    let owner = object_owner(request, bucket)?;
    let object = Object {
        etag: etag_of(&payload.md5),
        data: payload.data,
        last_modified: SystemTime::now(),
        headers: object_headers(request.headers)?,
        checksum: payload.checksum.clone(),
        tags,
        owner,
        parts: None,
    };
    let etag = object.etag.clone();
    // The check and the write share one lock, so of two conditional writers
    // racing for one key at most one succeeds.
    let mut state = bucket.lock();
    check_write_conditions(request, &key, state.objects.get(&key).map(|existing| existing.etag.as_str()))?;
    state.objects.insert(key, Arc::new(object));
    drop(state);

    let mut response = empty_response(StatusCode::OK);
    set_header(&mut response, "etag", &etag);
    if let Some((algorithm, value)) = &payload.checksum {
        set_header(&mut response, algorithm.header_name(), value);
        // A single PutObject's checksum always covers the whole object (the
        // ChecksumType member of PutObjectOutput in the AWS SDK references).
        set_header(&mut response, "x-amz-checksum-type", "FULL_OBJECT");
    }
    Ok(response)
}

/// Checks the conditional write headers of PutObject, CopyObject and
/// CompleteMultipartUpload against the ETag of the
/// object now stored under `key`, if any
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html>).
/// If-None-Match fails on an existing object, and If-Match fails on a
/// missing object with `NoSuchKey` and on another ETag with 412.
pub fn check_write_conditions(request: &S3Request<'_>, key: &str, existing_etag: Option<&str>) -> S3Result<()> {
    if let Some(condition) = request.header("if-none-match")
        && existing_etag.is_some_and(|etag| etag_matches(condition, etag))
    {
        return Err(errors::precondition_failed("If-None-Match"));
    }
    if let Some(condition) = request.header("if-match") {
        let Some(etag) = existing_etag else {
            return Err(errors::no_such_key(key));
        };
        if !etag_matches(condition, etag) {
            return Err(errors::precondition_failed("If-Match"));
        }
    }
    Ok(())
}

/// Finds an object; `NoSuchKey` when absent.
pub fn find_object(bucket: &Bucket, key: &str) -> S3Result<Arc<Object>> {
    bucket.lock().objects.get(key).cloned().ok_or_else(|| errors::no_such_key(key))
}

/// Compares entity tags, ignoring quotes; `*` matches any.
fn etag_matches(condition: &str, etag: &str) -> bool {
    let etag = etag.trim_matches('"');
    condition
        .split(',')
        .map(|part| part.trim().trim_start_matches("W/").trim_matches('"'))
        .any(|part| part == "*" || part == etag)
}

/// Truncates a time to whole seconds, as HTTP dates carry it.
fn whole_seconds(time: SystemTime) -> SystemTime {
    let seconds = time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
}

/// Header names of one set of conditions: the request's or CopyObject's source ones.
pub struct ConditionHeaders {
    pub if_match: &'static str,
    pub if_none_match: &'static str,
    pub if_modified_since: &'static str,
    pub if_unmodified_since: &'static str,
    /// Whether a failed If-None-Match or If-Modified-Since is 304 (GET, HEAD) or 412 (copy source).
    pub not_modified_is_304: bool,
}

pub const GET_CONDITIONS: ConditionHeaders = ConditionHeaders {
    if_match: "if-match",
    if_none_match: "if-none-match",
    if_modified_since: "if-modified-since",
    if_unmodified_since: "if-unmodified-since",
    not_modified_is_304: true,
};

pub const COPY_SOURCE_CONDITIONS: ConditionHeaders = ConditionHeaders {
    if_match: "x-amz-copy-source-if-match",
    if_none_match: "x-amz-copy-source-if-none-match",
    if_modified_since: "x-amz-copy-source-if-modified-since",
    if_unmodified_since: "x-amz-copy-source-if-unmodified-since",
    not_modified_is_304: false,
};

/// The outcome of failed conditions.
pub enum ConditionFailure {
    NotModified,
    Failed(S3Error),
}

/// Evaluates conditional headers against an object.
pub fn check_conditions(
    request: &S3Request<'_>,
    object: &Object,
    names: &ConditionHeaders,
) -> Result<(), ConditionFailure> {
    let date = |name: &str| request.header(name).and_then(|value| httpdate::parse_http_date(value).ok());
    let modified = whole_seconds(object.last_modified);
    let if_match = request.header(names.if_match);
    let if_none_match = request.header(names.if_none_match);

    if let Some(condition) = if_match {
        if !etag_matches(condition, &object.etag) {
            return Err(ConditionFailure::Failed(errors::precondition_failed("If-Match")));
        }
    } else if let Some(since) = date(names.if_unmodified_since)
        && modified > since
    {
        return Err(ConditionFailure::Failed(errors::precondition_failed("If-Unmodified-Since")));
    }

    let not_modified = |condition: &'static str| {
        if names.not_modified_is_304 {
            ConditionFailure::NotModified
        } else {
            ConditionFailure::Failed(errors::precondition_failed(condition))
        }
    };
    if let Some(condition) = if_none_match {
        if etag_matches(condition, &object.etag) {
            return Err(not_modified("If-None-Match"));
        }
    } else if let Some(since) = date(names.if_modified_since)
        && modified <= since
    {
        return Err(not_modified("If-Modified-Since"));
    }
    Ok(())
}

/// A byte range of an object, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub first: u64,
    pub last: u64,
}

/// Parses a `Range` header against an object of `size` bytes.
///
/// Returns `Ok(None)` for a header S3 ignores (not `bytes=`, several ranges,
/// or unparsable), and `InvalidRange` (416) for a well-formed range that no
/// byte of the object satisfies.
pub fn parse_range(value: &str, size: u64) -> S3Result<Option<ByteRange>> {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Ok(None);
    };
    // A position too large for u64 is still a position, past the end of any object.
    let number = |text: &str| {
        let digits = text.trim();
        let valid = !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit());
        valid.then(|| digits.parse::<u64>().unwrap_or(u64::MAX))
    };
    let range = match (first.trim().is_empty(), last.trim().is_empty()) {
        (true, true) => return Ok(None),
        // `bytes=-N`: the last N bytes.
        (true, false) => {
            let Some(suffix) = number(last) else { return Ok(None) };
            if suffix == 0 || size == 0 {
                return Err(errors::invalid_range(value, size));
            }
            ByteRange { first: size.saturating_sub(suffix), last: size - 1 }
        }
        // `bytes=N-`: from N to the end.
        (false, true) => {
            let Some(first) = number(first) else { return Ok(None) };
            if first >= size {
                return Err(errors::invalid_range(value, size));
            }
            ByteRange { first, last: size - 1 }
        }
        (false, false) => {
            let (Some(first), Some(last)) = (number(first), number(last)) else { return Ok(None) };
            if last < first {
                return Ok(None);
            }
            if first >= size {
                return Err(errors::invalid_range(value, size));
            }
            ByteRange { first, last: last.min(size - 1) }
        }
    };
    Ok(Some(range))
}

/// Adds the headers GetObject and HeadObject return for an object.
fn object_response_headers(response: &mut HttpResponse, request: &S3Request<'_>, object: &Object) {
    let headers = &object.headers;
    let overridden =
        |param: &str, stored: Option<&String>| request.param(param).map(str::to_owned).or_else(|| stored.cloned());
    set_header(response, "etag", &object.etag);
    set_header(response, "last-modified", &http_date(object.last_modified));
    set_header(response, "accept-ranges", "bytes");

    let fields = [
        ("content-type", overridden("response-content-type", headers.content_type.as_ref())),
        ("content-encoding", overridden("response-content-encoding", headers.content_encoding.as_ref())),
        ("content-disposition", overridden("response-content-disposition", headers.content_disposition.as_ref())),
        ("content-language", overridden("response-content-language", headers.content_language.as_ref())),
        ("cache-control", overridden("response-cache-control", headers.cache_control.as_ref())),
        ("expires", overridden("response-expires", headers.expires.as_ref())),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            set_header(response, name, &value);
        }
    }

    for (name, value) in &headers.metadata {
        if let (Ok(name), Ok(value)) =
            (http::HeaderName::from_bytes(format!("x-amz-meta-{name}").as_bytes()), http::HeaderValue::from_str(value))
        {
            response.headers_mut().insert(name, value);
        }
    }

    if !object.tags.is_empty() {
        set_header(response, "x-amz-tagging-count", &object.tags.len().to_string());
    }
    // S3 returns the count only when the request names a part.
    if let Some(parts) = &object.parts
        && request.has_param("partNumber")
    {
        set_header(response, "x-amz-mp-parts-count", &parts.len().to_string());
    }
    // S3 sends no x-amz-storage-class header for STANDARD objects.
    if let Some(storage_class) = &headers.storage_class {
        set_header(response, "x-amz-storage-class", storage_class);
    }
    if request.header("x-amz-checksum-mode").is_some_and(|mode| mode.eq_ignore_ascii_case("ENABLED"))
        && let Some((algorithm, value)) = &object.checksum
    {
        set_header(response, algorithm.header_name(), value);
        set_header(response, "x-amz-checksum-type", checksum_type(value));
    }
}

/// Returns the checksum type of a stored checksum: `COMPOSITE` for the
/// `BASE64-N` checksum of a multipart upload's part checksums, `FULL_OBJECT`
/// for a checksum of the whole object
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html>).
pub fn checksum_type(value: &str) -> &'static str {
    if value.contains('-') { "COMPOSITE" } else { "FULL_OBJECT" }
}

/// Computes the byte range of part `number`, which GetObject and HeadObject
/// with `partNumber` return
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>).
/// Returns `None` for the whole object, which is part 1 of an object stored
/// in one piece.
// NOTE: the InvalidPartNumber code and message follow what S3 is reported to
// return, not a page of the API reference.
fn part_range(object: &Object, number: u32) -> S3Result<Option<ByteRange>> {
    let lengths: Vec<u64> = match &object.parts {
        Some(parts) => parts.iter().map(|part| part.size).collect(),
        None => vec![object.data.len() as u64],
    };
    let index = usize::try_from(number).unwrap_or(usize::MAX) - 1;
    let Some(&length) = lengths.get(index) else {
        return Err(S3Error::new("InvalidPartNumber", 416, "The requested partnumber is not satisfiable")
            .with("PartNumberRequested", number.to_string())
            .with("ActualPartCount", lengths.len().to_string()));
    };
    if object.parts.is_none() || length == 0 {
        return Ok(None);
    }
    let first: u64 = lengths[..index].iter().sum();
    Ok(Some(ByteRange { first, last: first + length - 1 }))
}

pub fn get_object(request: &S3Request<'_>, bucket: &Bucket, head: bool) -> S3Result<HttpResponse> {
    let key = request.key_name();
    let object = find_object(bucket, key)?;
    // NOTE: no operation restores an object yet, so an archived one is never readable.
    if !head && ARCHIVED_STORAGE_CLASSES.contains(&object.headers.storage_class()) {
        return Err(errors::invalid_object_state(object.headers.storage_class()));
    }

    match check_conditions(request, &object, &GET_CONDITIONS) {
        Ok(()) => {}
        Err(ConditionFailure::Failed(error)) => return Err(error),
        Err(ConditionFailure::NotModified) => {
            let mut response = empty_response(StatusCode::NOT_MODIFIED);
            set_header(&mut response, "etag", &object.etag);
            set_header(&mut response, "last-modified", &http_date(object.last_modified));
            return Ok(response);
        }
    }

    let size = object.data.len() as u64;
    let range = match (request.header("range"), request.has_param("partNumber")) {
        (Some(_), true) => {
            return Err(errors::invalid_request("Cannot specify both Range header and partNumber query parameter"));
        }
        (Some(value), false) => parse_range(value, size)?,
        (None, true) => part_range(&object, super::multipart::part_number(request)?)?,
        (None, false) => None,
    };
    let (status, data) = match range {
        Some(range) => {
            let first = usize::try_from(range.first).unwrap_or(usize::MAX);
            let last = usize::try_from(range.last).unwrap_or(usize::MAX);
            (StatusCode::PARTIAL_CONTENT, object.data.slice(first..=last))
        }
        None => (StatusCode::OK, object.data.clone()),
    };
    let length = data.len();

    let mut response = http::Response::new(Full::new(if head { Bytes::new() } else { data }));
    *response.status_mut() = status;
    object_response_headers(&mut response, request, &object);
    set_header(&mut response, "content-length", &length.to_string());
    if let Some(range) = range {
        set_header(&mut response, "content-range", &format!("bytes {}-{}/{size}", range.first, range.last));
        // A checksum covers the whole object, never a range.
        for algorithm in super::body::ChecksumAlgorithm::ALL {
            response.headers_mut().remove(algorithm.header_name());
        }
    }
    Ok(response)
}

pub fn delete_object(request: &S3Request<'_>, bucket: &Bucket) -> HttpResponse {
    bucket.lock().objects.remove(request.key_name());
    empty_response(StatusCode::NO_CONTENT)
}

/// Deletes the listed keys. S3 requires `Content-MD5` or a flexible
/// checksum on every DeleteObjects request
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html>).
pub fn delete_objects(s3: &S3, request: &S3Request<'_>, bucket: &Bucket, payload: &Payload) -> S3Result<HttpResponse> {
    // A checksum counts only when the request sends its value, in a header or a trailer.
    let sends_checksum = request.header("x-amz-trailer").is_some()
        || super::body::ChecksumAlgorithm::ALL
            .into_iter()
            .any(|algorithm| request.header(algorithm.header_name()).is_some());
    if request.header("content-md5").is_none() && !(payload.checksum.is_some() && sends_checksum) {
        return Err(errors::missing_content_md5());
    }
    let root = xml::parse(&payload.data, "Delete")?;
    let quiet = root.child_text("Quiet").is_some_and(|quiet| quiet.trim() == "true");
    let keys: Vec<&str> = root
        .children_named("Object")
        .map(|object| object.child_text("Key").ok_or_else(|| errors::malformed_xml("an <Object> has no <Key>")))
        .collect::<S3Result<_>>()?;
    if keys.is_empty() {
        return Err(errors::malformed_xml("<Delete> names no <Object>"));
    }
    if keys.len() > MAX_DELETE_KEYS {
        return Err(errors::malformed_xml(&format!(
            "<Delete> names {} objects, over the maximum of {MAX_DELETE_KEYS}",
            keys.len()
        )));
    }

    let mut document = Document::new("DeleteResult");
    for key in keys {
        match s3.authorize(request, Operation::DeleteObject, bucket, Some(key)) {
            Ok(()) => {
                bucket.lock().objects.remove(key);
                if !quiet {
                    document.open("Deleted").element("Key", key).close("Deleted");
                }
            }
            Err(error) => {
                document
                    .open("Error")
                    .element("Key", key)
                    .element("Code", error.code())
                    .element("Message", error.message())
                    .close("Error");
            }
        }
    }
    Ok(xml_response(StatusCode::OK, document.finish("DeleteResult")))
}

/// The source of a copy: bucket and key from `x-amz-copy-source`.
pub struct CopySource {
    pub bucket: String,
    pub key: String,
}

/// Parses `x-amz-copy-source`: `[/]BUCKET/KEY[?versionId=ID]`, URL-encoded.
pub fn parse_copy_source(request: &S3Request<'_>) -> S3Result<CopySource> {
    let raw = request.header("x-amz-copy-source").unwrap_or_default();
    let path = raw.split_once("?versionId=").map_or(raw, |(path, _)| path);
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let decoded = decoded.strip_prefix('/').unwrap_or(&decoded);
    match decoded.split_once('/') {
        Some((bucket, key)) if !bucket.is_empty() && !key.is_empty() => {
            Ok(CopySource { bucket: bucket.to_owned(), key: key.to_owned() })
        }
        _ => Err(errors::invalid_argument("Invalid copy source object key", "x-amz-copy-source", raw)),
    }
}

/// Finds and authorizes the source object of a copy.
pub fn copy_source_object(s3: &S3, request: &S3Request<'_>) -> S3Result<(CopySource, Arc<Object>)> {
    let source = parse_copy_source(request)?;
    let source_bucket = s3.find_bucket(&source.bucket)?;
    s3.authorize(request, Operation::GetObject, &source_bucket, Some(&source.key))?;
    let object = find_object(&source_bucket, &source.key)?;
    if let Err(failure) = check_conditions(request, &object, &COPY_SOURCE_CONDITIONS) {
        return Err(match failure {
            ConditionFailure::Failed(error) => error,
            ConditionFailure::NotModified => errors::precondition_failed("x-amz-copy-source-if-none-match"),
        });
    }
    Ok((source, object))
}

/// Reads a `COPY` / `REPLACE` directive header.
fn directive(request: &S3Request<'_>, name: &str) -> S3Result<bool> {
    match request.header(name) {
        None | Some("COPY") => Ok(false),
        Some("REPLACE") => Ok(true),
        Some(other) => Err(errors::invalid_argument(format!("Unknown {name}: {other}"), name, other)),
    }
}

pub fn copy_object(s3: &S3, request: &S3Request<'_>, bucket: &Bucket) -> S3Result<HttpResponse> {
    let key = request.key_name().to_owned();
    check_key(&key)?;
    let replace_metadata = directive(request, "x-amz-metadata-directive")?;
    let replace_tags = directive(request, "x-amz-tagging-directive")?;
    let (source, object) = copy_source_object(s3, request)?;
    // A copy takes the storage class the request names, STANDARD without one.
    let storage_class = requested_storage_class(request.headers)?;

    // Copying an object onto itself is how S3 changes its storage class, so a
    // copy in place is legal when it replaces the metadata or names another class
    // (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/sc-howtoset.html>).
    // NOTE: a copy in place that names the class the object already has is
    // rejected here, but AWS was not measured for that case.
    let changes_storage_class = request.header("x-amz-storage-class").is_some()
        && storage_class.as_deref().unwrap_or(STANDARD) != object.headers.storage_class();
    if source.bucket == bucket.name && source.key == key && !replace_metadata && !changes_storage_class {
        return Err(errors::invalid_request(
            "This copy request is illegal because it is trying to copy an object to itself without changing the \
             object's metadata, storage class, website redirect location or encryption attributes.",
        ));
    }
    check_not_archived(&object)?;
    let tags = if replace_tags { tags_from_header(request)? } else { object.tags.clone() };
    let mut headers = if replace_metadata { object_headers(request.headers)? } else { object.headers.clone() };
    headers.storage_class = storage_class;
    let owner = object_owner(request, bucket)?;
    let checksum = match request.header("x-amz-checksum-algorithm") {
        Some(name) => {
            let algorithm = super::body::ChecksumAlgorithm::parse(name).ok_or_else(|| {
                errors::invalid_request(format!(
                    "Checksum algorithm provided is unsupported: {name}. Please try again with any of the valid types: {}",
                    super::body::ChecksumAlgorithm::NAMES
                ))
            })?;
            Some((algorithm, super::body::checksum_of(algorithm, &object.data)))
        }
        None => object.checksum.clone(),
    };
    let copy = Object {
        data: object.data.clone(),
        etag: match object.parts {
            // A copy is stored in one piece, so its ETag is the MD5 of its bytes.
            Some(_) => etag_of(&md5_of(&object.data)),
            None => object.etag.clone(),
        },
        last_modified: SystemTime::now(),
        headers,
        checksum: checksum.clone(),
        tags,
        owner,
        parts: None,
    };
    let (etag, last_modified) = (copy.etag.clone(), copy.last_modified);
    let mut state = bucket.lock();
    check_write_conditions(request, &key, state.objects.get(&key).map(|existing| existing.etag.as_str()))?;
    state.objects.insert(key, Arc::new(copy));
    drop(state);

    let mut document = Document::new("CopyObjectResult");
    document.element("ETag", &etag).element("LastModified", &timestamp(unix_seconds(last_modified)));
    if let Some((algorithm, value)) = &checksum {
        document.element(&format!("Checksum{}", algorithm.as_str()), value);
        document.element("ChecksumType", checksum_type(value));
    }
    Ok(xml_response(StatusCode::OK, document.finish("CopyObjectResult")))
}

pub fn md5_of(data: &[u8]) -> [u8; 16] {
    use md5::Digest as _;
    md5::Md5::digest(data).into()
}

pub fn put_object_tagging(request: &S3Request<'_>, bucket: &Bucket, payload: &Payload) -> S3Result<HttpResponse> {
    let tags = parse_tagging(&payload.data, MAX_OBJECT_TAGS)?;
    let key = request.key_name();
    let mut state = bucket.lock();
    let object = state.objects.get_mut(key).ok_or_else(|| errors::no_such_key(key))?;
    Arc::make_mut(object).tags = tags;
    Ok(empty_response(StatusCode::OK))
}

pub fn get_object_tagging(request: &S3Request<'_>, bucket: &Bucket) -> S3Result<HttpResponse> {
    let object = find_object(bucket, request.key_name())?;
    Ok(xml_response(StatusCode::OK, tagging_document(&object.tags)))
}

pub fn delete_object_tagging(request: &S3Request<'_>, bucket: &Bucket) -> S3Result<HttpResponse> {
    let key = request.key_name();
    let mut state = bucket.lock();
    let object = state.objects.get_mut(key).ok_or_else(|| errors::no_such_key(key))?;
    Arc::make_mut(object).tags.clear();
    Ok(empty_response(StatusCode::NO_CONTENT))
}

/// The attributes GetObjectAttributes may return, as `x-amz-object-attributes` names them.
const OBJECT_ATTRIBUTES: [&str; 5] = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"];

/// Returns the attributes `x-amz-object-attributes` requests, in the order
/// GetObjectAttributes writes them. The header is a comma-separated list.
/// Error codes and messages follow what S3 returns, as recorded in
/// <https://github.com/versity/versitygw/issues/915> (missing header) and
/// <https://github.com/versity/versitygw/issues/917> (unknown name).
fn requested_attributes(request: &S3Request<'_>) -> S3Result<Vec<&'static str>> {
    let names: Vec<&str> = request
        .headers
        .get_all("x-amz-object-attributes")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    if names.is_empty() {
        return Err(errors::invalid_request(
            "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty",
        ));
    }
    if let Some(unknown) = names.iter().find(|name| !OBJECT_ATTRIBUTES.contains(name)) {
        return Err(errors::invalid_argument("Invalid attribute name specified.", "x-amz-object-attributes", unknown));
    }
    Ok(OBJECT_ATTRIBUTES.into_iter().filter(|attribute| names.contains(attribute)).collect())
}

/// Serves GetObjectAttributes
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html>):
/// the requested members of HeadObject and ListParts in one XML document.
///
/// The ETag comes without quotes, as S3 sends it here
/// (<https://github.com/versity/versitygw/issues/1114>). ObjectParts appears
/// only for an object assembled by a multipart upload. Its Part elements
/// appear only when the parts carry checksums, as the GetObjectAttributesParts
/// reference states for general purpose buckets. An `x-amz-max-parts` that is
/// not a number is ignored, as S3 ignores it
/// (<https://github.com/versity/versitygw/issues/1806>).
pub fn get_object_attributes(request: &S3Request<'_>, bucket: &Bucket) -> S3Result<HttpResponse> {
    let attributes = requested_attributes(request)?;
    let max_parts = request
        .header("x-amz-max-parts")
        .and_then(|value| value.trim().parse::<usize>().ok())
        .map_or(1_000, |max| max.min(1_000));
    // NOTE: S3's response to a part-number marker that is not a number is
    // unverified. The emulator rejects it as ListParts rejects its marker.
    let marker_text = request.header("x-amz-part-number-marker").unwrap_or("0");
    let marker = super::multipart::part_number_marker(marker_text, "x-amz-part-number-marker")?;
    let object = find_object(bucket, request.key_name())?;

    let mut document = Document::new("GetObjectAttributesResponse");
    for attribute in attributes {
        match attribute {
            "ETag" => {
                document.element("ETag", object.etag.trim_matches('"'));
            }
            "Checksum" => {
                if let Some((algorithm, value)) = &object.checksum {
                    document
                        .open("Checksum")
                        .element(&checksum_element(*algorithm), value)
                        .element("ChecksumType", checksum_type(value))
                        .close("Checksum");
                }
            }
            "ObjectParts" => {
                if let Some(parts) = &object.parts {
                    object_parts_element(&mut document, parts, marker, max_parts);
                }
            }
            "StorageClass" => {
                document.element("StorageClass", object.headers.storage_class());
            }
            _ => {
                document.element("ObjectSize", &object.data.len().to_string());
            }
        }
    }

    let mut response = xml_response(StatusCode::OK, document.finish("GetObjectAttributesResponse"));
    set_header(&mut response, "last-modified", &http_date(object.last_modified));
    Ok(response)
}

/// Writes the ObjectParts element of GetObjectAttributes: the part count, and
/// one page of parts after `marker` when the parts carry checksums.
fn object_parts_element(document: &mut Document, parts: &[ObjectPart], marker: u32, max_parts: usize) {
    document.open("ObjectParts").element("PartsCount", &parts.len().to_string());
    if parts.iter().any(|part| part.checksum.is_some()) {
        let first = usize::try_from(marker).unwrap_or(usize::MAX);
        let listed: Vec<(usize, &ObjectPart)> =
            parts.iter().enumerate().map(|(index, part)| (index + 1, part)).skip(first).take(max_parts).collect();
        let truncated = first.saturating_add(listed.len()) < parts.len();
        let next_marker = listed.last().map_or(marker.to_string(), |(number, _)| number.to_string());
        document
            .element("PartNumberMarker", &marker.to_string())
            .element("NextPartNumberMarker", &next_marker)
            .element("MaxParts", &max_parts.to_string())
            .element("IsTruncated", if truncated { "true" } else { "false" });
        for (number, part) in listed {
            document.open("Part");
            if let Some((algorithm, value)) = &part.checksum {
                document.element(&checksum_element(*algorithm), value);
            }
            document.element("PartNumber", &number.to_string()).element("Size", &part.size.to_string()).close("Part");
        }
    }
    document.close("ObjectParts");
}

/// Encodes a checksum value for an XML response element.
pub fn checksum_element(algorithm: super::body::ChecksumAlgorithm) -> String {
    format!("Checksum{}", algorithm.as_str())
}

/// Decodes a base64 checksum into bytes; `None` when it is not base64.
pub fn decode_checksum(value: &str) -> Option<Vec<u8>> {
    BASE64.decode(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_like_s3() {
        let range = |first, last| Ok(Some(ByteRange { first, last }));
        assert_eq!(parse_range("bytes=0-9", 100), range(0, 9));
        assert_eq!(parse_range("bytes=90-200", 100), range(90, 99));
        assert_eq!(parse_range("bytes=-10", 100), range(90, 99));
        assert_eq!(parse_range("bytes=-500", 100), range(0, 99));
        assert_eq!(parse_range("bytes=50-", 100), range(50, 99));
        assert_eq!(parse_range("items=0-1", 100), Ok(None));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(parse_range("bytes=100-", 100).map_err(|e| e.code().to_owned()), Err("InvalidRange".to_owned()));
        assert_eq!(parse_range("bytes=-0", 100).map_err(|e| e.code().to_owned()), Err("InvalidRange".to_owned()));
    }

    #[test]
    fn ranges_beyond_u64_are_not_ignored() {
        let huge = "99999999999999999999999";
        assert_eq!(parse_range(&format!("bytes=0-{huge}"), 100), Ok(Some(ByteRange { first: 0, last: 99 })));
        assert_eq!(parse_range(&format!("bytes=-{huge}"), 100), Ok(Some(ByteRange { first: 0, last: 99 })));
        let past_end = parse_range(&format!("bytes={huge}-"), 100).map_err(|e| e.code().to_owned());
        assert_eq!(past_end, Err("InvalidRange".to_owned()));
    }

    #[test]
    fn etags_match_with_and_without_quotes() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("abc", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
