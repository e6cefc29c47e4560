//! Multipart uploads: create, upload a part (or copy one), complete, abort,
//! and list parts and uploads
//! (limits: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html>).
//!
//! CompleteMultipartUpload checks that the parts are listed in ascending
//! order (`InvalidPartOrder`), that each was uploaded with the ETag given
//! (`InvalidPart`), and that every part but the last has at least 5 MiB
//! (`EntityTooSmall`). The object's ETag is the MD5 of the parts' binary
//! MD5 digests, in hex, followed by `-` and the number of parts; a flexible
//! checksum is likewise the checksum of the parts' checksums, with `-N`: a
//! value "based on the checksum values of each individual part"
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_Checksum.html>).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::{Bytes, BytesMut};
use http::StatusCode;

use super::body::{ChecksumAlgorithm, ChecksumHasher, Payload, checksum_of, to_hex, verify_checksum};
use super::errors::{self, S3Result};
use super::listing::parse_max;
use super::model::{Bucket, Object, ObjectPart, Part, Upload};
use super::objects::{check_key, copy_source_object, etag_of, object_headers, object_owner, tags_from_header};
use super::xml::{self, Document};
use super::{S3, S3Request, canonical_user_id, empty_response, set_header, timestamp, unix_seconds, xml_response};
use crate::http::HttpResponse;

/// Smallest size of every part but the last, in bytes.
pub const MIN_PART_BYTES: usize = 5 * 1024 * 1024;

/// Highest part number.
pub const MAX_PART_NUMBER: u32 = 10_000;

pub fn create_multipart_upload(request: &S3Request<'_>, bucket: &Bucket) -> S3Result<HttpResponse> {
    let key = request.key_name().to_owned();
    check_key(&key)?;
    let checksum_algorithm = match request.header("x-amz-checksum-algorithm") {
        Some(name) => Some(ChecksumAlgorithm::parse(name).ok_or_else(|| {
            errors::invalid_argument(
                format!("Checksum algorithm provided is unsupported: {name}"),
                "x-amz-checksum-algorithm",
                name,
            )
        })?),
        None => None,
    };
    let full_object_checksum = full_object_checksum(request, checksum_algorithm)?;
    let upload = Upload {
        key: key.clone(),
        initiator: request.context.caller.account_id.clone(),
        initiated: SystemTime::now(),
        headers: object_headers(request.headers)?,
        tags: tags_from_header(request)?,
        checksum_algorithm,
        full_object_checksum,
        parts: BTreeMap::new(),
    };
    // Checks the ACL against the ownership setting now, as S3 does at initiation.
    object_owner(request, bucket)?;
    let upload_id = uuid::Uuid::new_v4().simple().to_string();
    bucket.lock().uploads.insert(upload_id.clone(), upload);

    let mut document = Document::new("InitiateMultipartUploadResult");
    document.element("Bucket", &bucket.name).element("Key", &key).element("UploadId", &upload_id);
    let mut response = xml_response(StatusCode::OK, document.finish("InitiateMultipartUploadResult"));
    if let Some(algorithm) = checksum_algorithm {
        set_header(&mut response, "x-amz-checksum-algorithm", algorithm.as_str());
        set_header(&mut response, "x-amz-checksum-type", if full_object_checksum { FULL_OBJECT } else { COMPOSITE });
    }
    Ok(response)
}

const FULL_OBJECT: &str = "FULL_OBJECT";
const COMPOSITE: &str = "COMPOSITE";

/// Reads `x-amz-checksum-type`. Without it, CRC64NVME uploads get a
/// full-object checksum and the others a composite one. CRC64NVME supports
/// only `FULL_OBJECT`, and SHA-1 and SHA-256 only `COMPOSITE`
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html>).
// NOTE: the SHA-1 and SHA-256 rule and the wording of the InvalidRequest
// messages are unverified against AWS.
fn full_object_checksum(request: &S3Request<'_>, algorithm: Option<ChecksumAlgorithm>) -> S3Result<bool> {
    let requested = request.header("x-amz-checksum-type");
    let full_object = match requested {
        None => algorithm == Some(ChecksumAlgorithm::Crc64Nvme),
        Some(value) if value.eq_ignore_ascii_case(FULL_OBJECT) => true,
        Some(value) if value.eq_ignore_ascii_case(COMPOSITE) => false,
        Some(value) => {
            return Err(errors::invalid_argument(
                format!("Value for x-amz-checksum-type header is invalid: {value}"),
                "x-amz-checksum-type",
                value,
            ));
        }
    };
    let Some(algorithm) = algorithm else {
        return match requested {
            // NOTE: the error for a checksum type without an algorithm is unverified against AWS.
            Some(value) => Err(errors::invalid_request(format!(
                "The x-amz-checksum-type header {value} requires the x-amz-checksum-algorithm header"
            ))),
            None => Ok(false),
        };
    };
    let supported = match algorithm {
        ChecksumAlgorithm::Crc64Nvme => full_object,
        ChecksumAlgorithm::Sha1 | ChecksumAlgorithm::Sha256 => !full_object,
        ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => true,
    };
    if !supported {
        let checksum_type = if full_object { FULL_OBJECT } else { COMPOSITE };
        return Err(errors::invalid_request(format!(
            "The {checksum_type} checksum type cannot be used with the {} checksum algorithm.",
            algorithm.as_str()
        )));
    }
    Ok(full_object)
}

pub fn part_number(request: &S3Request<'_>) -> S3Result<u32> {
    let value = request.param("partNumber").unwrap_or_default();
    value.parse::<u32>().ok().filter(|number| (1..=MAX_PART_NUMBER).contains(number)).ok_or_else(|| {
        errors::invalid_argument(
            format!("Part number must be an integer between 1 and {MAX_PART_NUMBER}, inclusive"),
            "partNumber",
            value,
        )
    })
}

/// Parses the part-number marker `text`, which the request carries as `argument`.
pub fn part_number_marker(text: &str, argument: &str) -> S3Result<u32> {
    text.parse().map_err(|_| {
        errors::invalid_argument("Provided part-number-marker not an integer or within integer range", argument, text)
    })
}

fn upload_id<'a>(request: &'a S3Request<'_>) -> &'a str {
    request.param("uploadId").unwrap_or_default()
}

/// Checks that the upload exists for the request's key, and returns the
/// checksum algorithm CreateMultipartUpload named for it.
fn check_upload(request: &S3Request<'_>, bucket: &Bucket) -> S3Result<Option<ChecksumAlgorithm>> {
    let id = upload_id(request);
    let state = bucket.lock();
    match state.uploads.get(id) {
        Some(upload) if upload.key == request.key_name() => Ok(upload.checksum_algorithm),
        _ => Err(errors::no_such_upload(id)),
    }
}

fn store_part(request: &S3Request<'_>, bucket: &Bucket, number: u32, part: Part) -> S3Result<()> {
    let id = upload_id(request);
    let mut state = bucket.lock();
    let upload = state
        .uploads
        .get_mut(id)
        .filter(|upload| upload.key == request.key_name())
        .ok_or_else(|| errors::no_such_upload(id))?;
    upload.parts.insert(number, part);
    Ok(())
}

pub fn upload_part(request: &S3Request<'_>, bucket: &Bucket, payload: Payload) -> S3Result<HttpResponse> {
    let number = part_number(request)?;
    let upload_algorithm = check_upload(request, bucket)?;
    // S3 rejects a part whose checksum uses another algorithm than the upload's,
    // with the message quoted in <https://github.com/apache/opendal/pull/4533>.
    // NOTE: a part with a checksum for an upload that named no algorithm is
    // accepted, because S3's response to it since CRC64NVME became its default was not measured.
    if let (Some(expected), Some((actual, _))) = (upload_algorithm, &payload.checksum)
        && expected != *actual
    {
        return Err(errors::invalid_request(format!(
            "Checksum Type mismatch occurred, expected checksum Type: {}, actual checksum Type: {}",
            expected.as_str().to_ascii_lowercase(),
            actual.as_str().to_ascii_lowercase()
        )));
    }
    let etag = etag_of(&payload.md5);
    let part = Part {
        data: payload.data,
        md5: payload.md5,
        etag: etag.clone(),
        last_modified: SystemTime::now(),
        checksum: payload.checksum.clone(),
    };
    store_part(request, bucket, number, part)?;

    let mut response = empty_response(StatusCode::OK);
    set_header(&mut response, "etag", &etag);
    if let Some((algorithm, value)) = &payload.checksum {
        set_header(&mut response, algorithm.header_name(), value);
    }
    Ok(response)
}

pub fn upload_part_copy(s3: &S3, request: &S3Request<'_>, bucket: &Bucket) -> S3Result<HttpResponse> {
    let number = part_number(request)?;
    check_upload(request, bucket)?;
    let (_, object) = copy_source_object(s3, request)?;
    // An archived source, like CopyObject's, is readable only after a restore.
    super::objects::check_not_archived(&object)?;

    let size = object.data.len();
    let data = match request.header("x-amz-copy-source-range") {
        None => object.data.clone(),
        Some(range) => {
            let invalid = || {
                errors::invalid_argument(
                    format!("Range specified is not valid for source object of size: {size}"),
                    "x-amz-copy-source-range",
                    range,
                )
            };
            let (first, last) =
                range.strip_prefix("bytes=").and_then(|spec| spec.split_once('-')).ok_or_else(invalid)?;
            let (first, last): (usize, usize) =
                (first.parse().map_err(|_| invalid())?, last.parse().map_err(|_| invalid())?);
            if first > last || last >= size {
                return Err(invalid());
            }
            object.data.slice(first..=last)
        }
    };
    let md5 = super::objects::md5_of(&data);
    let etag = etag_of(&md5);
    let last_modified = SystemTime::now();
    let part = Part { data, md5, etag: etag.clone(), last_modified, checksum: None };
    store_part(request, bucket, number, part)?;

    let mut document = Document::new("CopyPartResult");
    document.element("ETag", &etag).element("LastModified", &timestamp(unix_seconds(last_modified)));
    Ok(xml_response(StatusCode::OK, document.finish("CopyPartResult")))
}

pub fn complete_multipart_upload(
    request: &S3Request<'_>,
    bucket: &Bucket,
    payload: &Payload,
) -> S3Result<HttpResponse> {
    let root = xml::parse(&payload.data, "CompleteMultipartUpload")?;
    let mut listed: Vec<(u32, String)> = Vec::new();
    for part in root.children_named("Part") {
        let number_text =
            part.child_text("PartNumber").ok_or_else(|| errors::malformed_xml("a <Part> has no <PartNumber>"))?;
        let number: u32 = number_text
            .trim()
            .parse()
            .map_err(|_| errors::malformed_xml(&format!("PartNumber {number_text:?} is not a number")))?;
        let etag = part.child_text("ETag").ok_or_else(|| errors::malformed_xml("a <Part> has no <ETag>"))?;
        listed.push((number, etag.trim().to_owned()));
    }
    if listed.is_empty() {
        return Err(errors::malformed_xml("<CompleteMultipartUpload> lists no <Part>"));
    }
    if listed.windows(2).any(|pair| pair[0].0 >= pair[1].0) {
        return Err(errors::invalid_part_order());
    }

    let id = upload_id(request).to_owned();
    let key = request.key_name().to_owned();
    let mut state = bucket.lock();
    let upload =
        state.uploads.get(&id).filter(|upload| upload.key == key).ok_or_else(|| errors::no_such_upload(&id))?;
    let existing_etag = state.objects.get(&key).map(|existing| existing.etag.as_str());
    super::objects::check_write_conditions(request, &key, existing_etag)?;

    let mut parts: Vec<&Part> = Vec::with_capacity(listed.len());
    for (index, (number, etag)) in listed.iter().enumerate() {
        let part = upload
            .parts
            .get(number)
            .filter(|part| part.etag.trim_matches('"') == etag.trim_matches('"'))
            .ok_or_else(|| errors::invalid_part(*number, etag))?;
        let is_last = index + 1 == listed.len();
        if !is_last && part.data.len() < MIN_PART_BYTES {
            return Err(errors::entity_too_small(part.data.len() as u64, *number));
        }
        parts.push(part);
    }

    let total: usize = parts.iter().map(|part| part.data.len()).sum();
    let mut data = BytesMut::with_capacity(total);
    let mut md5s = Vec::with_capacity(parts.len() * 16);
    for part in &parts {
        data.extend_from_slice(&part.data);
        md5s.extend_from_slice(&part.md5);
    }
    let etag = format!("\"{}-{}\"", to_hex(&super::objects::md5_of(&md5s)), parts.len());
    let checksum = match upload.checksum_algorithm {
        Some(algorithm) if upload.full_object_checksum => Some((algorithm, checksum_of(algorithm, &data))),
        Some(algorithm) => composite_checksum(algorithm, &parts),
        None => None,
    };
    // A checksum of the whole object sent with the completion must match.
    if let Some((algorithm, computed)) = &checksum
        && upload.full_object_checksum
        && let Some(sent) = request.header(algorithm.header_name())
    {
        verify_checksum(*algorithm, sent, computed)?;
    }

    let owner = if state.ownership.as_deref() == Some("ObjectWriter") {
        upload.initiator.clone()
    } else {
        bucket.owner().to_owned()
    };
    let object = Object {
        data: Bytes::from(data),
        etag: etag.clone(),
        last_modified: SystemTime::now(),
        headers: upload.headers.clone(),
        checksum: checksum.clone(),
        tags: upload.tags.clone(),
        owner,
        parts: Some(
            parts
                .iter()
                .map(|part| ObjectPart { size: part.data.len() as u64, checksum: part.checksum.clone() })
                .collect(),
        ),
    };
    state.uploads.remove(&id);
    state.objects.insert(key.clone(), Arc::new(object));
    drop(state);

    let mut document = Document::new("CompleteMultipartUploadResult");
    document
        .element("Location", &format!("/{}/{key}", bucket.name))
        .element("Bucket", &bucket.name)
        .element("Key", &key)
        .element("ETag", &etag);
    if let Some((algorithm, value)) = &checksum {
        document.element(&super::objects::checksum_element(*algorithm), value);
        document.element("ChecksumType", super::objects::checksum_type(value));
    }
    Ok(xml_response(StatusCode::OK, document.finish("CompleteMultipartUploadResult")))
}

/// Computes the checksum of the parts' checksums as `BASE64-N`, or `None` when a part has none.
fn composite_checksum(algorithm: ChecksumAlgorithm, parts: &[&Part]) -> Option<(ChecksumAlgorithm, String)> {
    let mut hasher = ChecksumHasher::new(algorithm);
    for part in parts {
        let (part_algorithm, value) = part.checksum.as_ref()?;
        if *part_algorithm != algorithm {
            return None;
        }
        hasher.update(&BASE64.decode(value).ok()?);
    }
    Some((algorithm, format!("{}-{}", BASE64.encode(hasher.finish()), parts.len())))
}

pub fn abort_multipart_upload(request: &S3Request<'_>, bucket: &Bucket) -> S3Result<HttpResponse> {
    let id = upload_id(request);
    let mut state = bucket.lock();
    match state.uploads.get(id) {
        Some(upload) if upload.key == request.key_name() => {
            state.uploads.remove(id);
            Ok(empty_response(StatusCode::NO_CONTENT))
        }
        _ => Err(errors::no_such_upload(id)),
    }
}

pub fn list_parts(request: &S3Request<'_>, bucket: &Bucket) -> S3Result<HttpResponse> {
    let id = upload_id(request);
    let max_parts = parse_max(request, "max-parts", 1_000)?;
    let marker = part_number_marker(request.param("part-number-marker").unwrap_or("0"), "part-number-marker")?;
    let state = bucket.lock();
    let upload = state
        .uploads
        .get(id)
        .filter(|upload| upload.key == request.key_name())
        .ok_or_else(|| errors::no_such_upload(id))?;

    let mut listed = upload.parts.range(marker.saturating_add(1)..).take(max_parts + 1).collect::<Vec<_>>();
    let truncated = listed.len() > max_parts;
    listed.truncate(max_parts);

    let mut document = Document::new("ListPartsResult");
    document
        .element("Bucket", &bucket.name)
        .element("Key", &upload.key)
        .element("UploadId", id)
        .element("PartNumberMarker", &marker.to_string())
        .element("NextPartNumberMarker", &listed.last().map_or(0, |(number, _)| **number).to_string())
        .element("MaxParts", &max_parts.to_string())
        .element("IsTruncated", if truncated { "true" } else { "false" });
    for (number, part) in &listed {
        document
            .open("Part")
            .element("PartNumber", &number.to_string())
            .element("LastModified", &timestamp(unix_seconds(part.last_modified)))
            .element("ETag", &part.etag)
            .element("Size", &part.data.len().to_string());
        if let Some((algorithm, value)) = &part.checksum {
            document.element(&super::objects::checksum_element(*algorithm), value);
        }
        document.close("Part");
    }
    owner_elements(&mut document, "Initiator", &upload.initiator);
    owner_elements(&mut document, "Owner", bucket.owner());
    document.element("StorageClass", upload.headers.storage_class());
    // The upload's algorithm and checksum type: members of ListPartsOutput in
    // the S3 API model, as the aws-sdk-s3 crate exposes them.
    if let Some(algorithm) = upload.checksum_algorithm {
        document
            .element("ChecksumAlgorithm", algorithm.as_str())
            .element("ChecksumType", if upload.full_object_checksum { FULL_OBJECT } else { COMPOSITE });
    }
    Ok(xml_response(StatusCode::OK, document.finish("ListPartsResult")))
}

fn owner_elements(document: &mut Document, element: &str, account_id: &str) {
    document
        .open(element)
        .element("ID", &canonical_user_id(account_id))
        .element("DisplayName", account_id)
        .close(element);
}

pub fn list_multipart_uploads(request: &S3Request<'_>, bucket: &Bucket) -> S3Result<HttpResponse> {
    let prefix = request.param("prefix").unwrap_or_default();
    let max_uploads = parse_max(request, "max-uploads", 1_000)?;
    let key_marker = request.param("key-marker").unwrap_or_default();
    let state = bucket.lock();

    let mut uploads: Vec<(&String, &Upload)> = state
        .uploads
        .iter()
        .filter(|(_, upload)| upload.key.starts_with(prefix) && upload.key.as_str() > key_marker)
        .collect();
    uploads.sort_by(|a, b| (a.1.key.as_str(), a.1.initiated).cmp(&(b.1.key.as_str(), b.1.initiated)));
    let truncated = uploads.len() > max_uploads;
    uploads.truncate(max_uploads);

    let mut document = Document::new("ListMultipartUploadsResult");
    document
        .element("Bucket", &bucket.name)
        .element("KeyMarker", key_marker)
        .element("UploadIdMarker", request.param("upload-id-marker").unwrap_or_default())
        .element("Prefix", prefix)
        .element("MaxUploads", &max_uploads.to_string())
        .element("IsTruncated", if truncated { "true" } else { "false" });
    if truncated && let Some((id, upload)) = uploads.last() {
        document.element("NextKeyMarker", &upload.key).element("NextUploadIdMarker", id);
    }
    for (id, upload) in &uploads {
        document.open("Upload").element("Key", &upload.key).element("UploadId", id);
        owner_elements(&mut document, "Initiator", &upload.initiator);
        owner_elements(&mut document, "Owner", bucket.owner());
        document
            .element("StorageClass", upload.headers.storage_class())
            .element("Initiated", &timestamp(unix_seconds(upload.initiated)))
            .close("Upload");
    }
    Ok(xml_response(StatusCode::OK, document.finish("ListMultipartUploadsResult")))
}
