//! ListObjects and ListObjectsV2: prefix, delimiter and common prefixes,
//! markers, continuation tokens, start-after, max-keys and encoding-type
//! (the ListObjectsV2Output shape in <https://metacpan.org/pod/Paws::S3::ListObjectsV2Output>:
//! keys rolled up into a common prefix count as one return against MaxKeys).
//!
//! Keys are listed in UTF-8 binary order. A common prefix counts as one
//! entry towards max-keys, and a continuation token carries the last entry
//! returned (a key or a common prefix), so the next page starts after it.

use std::ops::Bound;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as TOKEN_BASE64;
use http::StatusCode;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::errors::{self, S3Result};
use super::model::Bucket;
use super::xml::Document;
use super::{S3Request, canonical_user_id, timestamp, unix_seconds, xml_response};
use crate::http::HttpResponse;

/// Most entries one page returns.
pub const MAX_KEYS: usize = 1_000;

/// Characters `encoding-type=url` leaves as they are: the unreserved ones and `/`.
const URL_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// Reads `max-keys`: a non-negative integer, capped at [`MAX_KEYS`].
pub fn parse_max(request: &S3Request<'_>, name: &str, cap: usize) -> S3Result<usize> {
    let Some(value) = request.param(name) else {
        return Ok(cap);
    };
    let parsed: i64 = value.parse().map_err(|_| {
        errors::invalid_argument(format!("Provided {name} not an integer or within integer range"), name, value)
    })?;
    if parsed < 0 {
        return Err(errors::invalid_argument(
            format!("Argument {name} must be an integer between 0 and 2147483647"),
            name,
            value,
        ));
    }
    Ok(usize::try_from(parsed).unwrap_or(usize::MAX).min(cap))
}

/// One entry of a listing page.
enum Entry<'a> {
    Object(&'a str),
    CommonPrefix(String),
}

pub fn list_objects(request: &S3Request<'_>, bucket: &Bucket, version_2: bool) -> S3Result<HttpResponse> {
    let prefix = request.param("prefix").unwrap_or_default();
    let delimiter = request.param("delimiter").filter(|delimiter| !delimiter.is_empty());
    let max_keys = parse_max(request, "max-keys", MAX_KEYS)?;
    let url_encoding = match request.param("encoding-type") {
        None => false,
        Some("url") => true,
        Some(other) => {
            return Err(errors::invalid_argument(
                "Invalid Encoding Method specified in Request",
                "encoding-type",
                other,
            ));
        }
    };
    let encode = |text: &str| -> String {
        if url_encoding { utf8_percent_encode(text, URL_ENCODE_SET).to_string() } else { text.to_owned() }
    };

    let continuation_token = if version_2 { request.param("continuation-token") } else { None };
    let token_key = match continuation_token {
        Some(token) => Some(decode_token(token)?),
        None => None,
    };
    let marker = if version_2 {
        token_key.clone().or_else(|| request.param("start-after").map(str::to_owned))
    } else {
        request.param("marker").map(str::to_owned)
    };

    let state = bucket.lock();
    // Start at the later of the marker and the prefix, so a page costs the
    // keys it returns rather than a scan from the start of the bucket.
    let start = match &marker {
        Some(marker) if marker.as_str() >= prefix => Bound::Excluded(marker.clone()),
        _ if !prefix.is_empty() => Bound::Included(prefix.to_owned()),
        Some(marker) => Bound::Excluded(marker.clone()),
        None => Bound::Unbounded,
    };
    let mut entries: Vec<(Entry<'_>, Option<&super::model::Object>)> = Vec::new();
    let mut truncated = false;
    for (key, object) in state.objects.range::<String, _>((start, Bound::Unbounded)) {
        if !key.starts_with(prefix) {
            // Keys that share a prefix are contiguous in sorted order, so past
            // them no later key can match.
            if key.as_str() > prefix {
                break;
            }
            continue;
        }
        let common_prefix = delimiter.and_then(|delimiter| {
            key[prefix.len()..].find(delimiter).map(|index| key[..prefix.len() + index + delimiter.len()].to_owned())
        });
        if let Some(common_prefix) = &common_prefix {
            // Everything under a common prefix collapses into one entry; a
            // marker inside it means the entry was already returned.
            let already_listed = matches!(entries.last(), Some((Entry::CommonPrefix(last), _)) if last == common_prefix)
                || marker.as_deref().is_some_and(|marker| marker.starts_with(common_prefix.as_str()));
            if already_listed {
                continue;
            }
        }
        if entries.len() == max_keys {
            // S3 returns an empty page that is not truncated for max-keys=0,
            // as S3-compatible servers measured it (for example
            // <https://github.com/versity/versitygw/issues/248>).
            truncated = max_keys > 0;
            break;
        }
        match common_prefix {
            Some(common_prefix) => entries.push((Entry::CommonPrefix(common_prefix), None)),
            None => entries.push((Entry::Object(key), Some(object))),
        }
    }

    let last_entry = entries.last().map(|(entry, _)| match entry {
        Entry::Object(key) => (*key).to_owned(),
        Entry::CommonPrefix(prefix) => prefix.clone(),
    });
    let fetch_owner = !version_2 || request.param("fetch-owner") == Some("true");

    let mut document = Document::new("ListBucketResult");
    document.element("Name", &bucket.name).element("Prefix", &encode(prefix));
    if version_2 {
        document.element("KeyCount", &entries.len().to_string());
        document.optional("ContinuationToken", continuation_token);
        if truncated && let Some(last) = &last_entry {
            document.element("NextContinuationToken", &encode_token(last));
        }
        if let Some(start_after) = request.param("start-after") {
            document.element("StartAfter", &encode(start_after));
        }
    } else {
        document.element("Marker", &encode(request.param("marker").unwrap_or_default()));
        if truncated
            && delimiter.is_some()
            && let Some(last) = &last_entry
        {
            document.element("NextMarker", &encode(last));
        }
    }
    document.element("MaxKeys", &max_keys.to_string());
    if let Some(delimiter) = delimiter {
        document.element("Delimiter", &encode(delimiter));
    }
    if url_encoding {
        document.element("EncodingType", "url");
    }
    document.element("IsTruncated", if truncated { "true" } else { "false" });

    for (entry, object) in &entries {
        if let (Entry::Object(key), Some(object)) = (entry, object) {
            document
                .open("Contents")
                .element("Key", &encode(key))
                .element("LastModified", &timestamp(unix_seconds(object.last_modified)))
                .element("ETag", &object.etag)
                .element("Size", &object.data.len().to_string())
                .element("StorageClass", object.headers.storage_class());
            if let Some((algorithm, value)) = &object.checksum {
                document.element("ChecksumAlgorithm", algorithm.as_str());
                document.element("ChecksumType", super::objects::checksum_type(value));
            }
            if fetch_owner {
                document
                    .open("Owner")
                    .element("ID", &canonical_user_id(&object.owner))
                    .element("DisplayName", &object.owner)
                    .close("Owner");
            }
            document.close("Contents");
        }
    }
    for (entry, _) in &entries {
        if let Entry::CommonPrefix(prefix) = entry {
            document.open("CommonPrefixes").element("Prefix", &encode(prefix)).close("CommonPrefixes");
        }
    }
    Ok(xml_response(StatusCode::OK, document.finish("ListBucketResult")))
}

fn encode_token(last_entry: &str) -> String {
    TOKEN_BASE64.encode(last_entry.as_bytes())
}

fn decode_token(token: &str) -> S3Result<String> {
    TOKEN_BASE64.decode(token).ok().and_then(|bytes| String::from_utf8(bytes).ok()).ok_or_else(|| {
        errors::invalid_argument("The continuation token provided is incorrect", "continuation-token", token)
    })
}
