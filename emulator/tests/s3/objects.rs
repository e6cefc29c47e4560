//! Object operations through the SDK within one account: put, get, head,
//! ranges, conditional requests, metadata, copy, delete, tagging and listing.

use aws_sdk_s3::primitives::{ByteStream, DateTime};
use aws_sdk_s3::types::{Delete, EncodingType, MetadataDirective, ObjectIdentifier, Tag, Tagging};

use crate::common::{HOME_REGION, OWNER, client, create_bucket, error_of, get, put, start};

#[tokio::test]
async fn put_get_head_delete_round_trip() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "obj-bucket").await;

    let body = b"hello, object".to_vec();
    let put = s3
        .put_object()
        .bucket("obj-bucket")
        .key("dir/file name.txt")
        .body(ByteStream::from(body.clone()))
        .content_type("text/plain")
        .metadata("colour", "blue")
        .send()
        .await
        .expect("PutObject");
    let expected_etag = format!("\"{:x}\"", md5_hex(&body));
    assert_eq!(put.e_tag(), Some(expected_etag.as_str()), "PutObject ETag is the quoted hex MD5");

    let read = s3.get_object().bucket("obj-bucket").key("dir/file name.txt").send().await.expect("GetObject");
    assert_eq!(read.e_tag(), Some(expected_etag.as_str()), "GetObject ETag");
    assert_eq!(read.content_type(), Some("text/plain"), "content type");
    assert_eq!(read.content_length(), Some(body.len() as i64), "content length");
    assert_eq!(read.metadata().and_then(|m| m.get("colour")).map(String::as_str), Some("blue"), "user metadata");
    let bytes = read.body.collect().await.expect("body").into_bytes();
    assert_eq!(bytes.as_ref(), body.as_slice(), "GetObject body");

    let head = s3.head_object().bucket("obj-bucket").key("dir/file name.txt").send().await.expect("HeadObject");
    assert_eq!(head.content_length(), Some(body.len() as i64), "HeadObject length");
    assert_eq!(head.metadata().and_then(|m| m.get("colour")).map(String::as_str), Some("blue"), "HeadObject metadata");

    s3.delete_object().bucket("obj-bucket").key("dir/file name.txt").send().await.expect("DeleteObject");
    let missing = s3.get_object().bucket("obj-bucket").key("dir/file name.txt").send().await.expect_err("deleted");
    assert_eq!(error_of(&missing), ("NoSuchKey".to_owned(), 404), "GetObject after delete");
    let missing = s3.head_object().bucket("obj-bucket").key("dir/file name.txt").send().await.expect_err("deleted");
    assert_eq!(error_of(&missing).1, 404, "HeadObject after delete");
    s3.delete_object().bucket("obj-bucket").key("never-there").send().await.expect("DeleteObject of a missing key");
    server.shutdown().await;
}

fn md5_hex(data: &[u8]) -> u128 {
    use md5::Digest as _;
    u128::from_be_bytes(md5::Md5::digest(data).into())
}

#[tokio::test]
async fn ranges_return_partial_content() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "range-bucket").await;
    let body: Vec<u8> = (0..100u8).collect();
    put(&s3, "range-bucket", "digits", &body).await;

    let cases = [
        ("bytes=0-9", 0..10, "bytes 0-9/100"),
        ("bytes=90-", 90..100, "bytes 90-99/100"),
        ("bytes=-5", 95..100, "bytes 95-99/100"),
        ("bytes=95-500", 95..100, "bytes 95-99/100"),
    ];
    for (range, expected, content_range) in cases {
        let read = s3.get_object().bucket("range-bucket").key("digits").range(range).send().await.expect(range);
        assert_eq!(read.content_range(), Some(content_range), "Content-Range for {range}");
        let bytes = read.body.collect().await.expect("body").into_bytes();
        assert_eq!(bytes.as_ref(), &body[expected], "bytes for {range}");
    }

    let error = s3
        .get_object()
        .bucket("range-bucket")
        .key("digits")
        .range("bytes=100-")
        .send()
        .await
        .expect_err("past the end");
    assert_eq!(error_of(&error), ("InvalidRange".to_owned(), 416), "range past the end");
    server.shutdown().await;
}

#[tokio::test]
async fn conditional_requests_return_412_and_304() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "cond-bucket").await;
    put(&s3, "cond-bucket", "k", b"v1").await;
    let etag =
        s3.head_object().bucket("cond-bucket").key("k").send().await.expect("head").e_tag().expect("etag").to_owned();

    s3.get_object().bucket("cond-bucket").key("k").if_match(&etag).send().await.expect("If-Match with the ETag");
    let failed =
        s3.get_object().bucket("cond-bucket").key("k").if_match("\"other\"").send().await.expect_err("If-Match");
    assert_eq!(error_of(&failed), ("PreconditionFailed".to_owned(), 412), "If-Match with another ETag");

    let not_modified =
        s3.get_object().bucket("cond-bucket").key("k").if_none_match(&etag).send().await.expect_err("304");
    assert_eq!(error_of(&not_modified).1, 304, "If-None-Match with the ETag");

    let future = DateTime::from_secs(4_000_000_000);
    let past = DateTime::from_secs(1_000_000_000);
    let not_modified =
        s3.get_object().bucket("cond-bucket").key("k").if_modified_since(future).send().await.expect_err("304");
    assert_eq!(error_of(&not_modified).1, 304, "If-Modified-Since in the future");
    s3.get_object().bucket("cond-bucket").key("k").if_modified_since(past).send().await.expect("modified since 2001");

    let failed =
        s3.get_object().bucket("cond-bucket").key("k").if_unmodified_since(past).send().await.expect_err("412");
    assert_eq!(error_of(&failed), ("PreconditionFailed".to_owned(), 412), "If-Unmodified-Since in the past");
    s3.get_object().bucket("cond-bucket").key("k").if_unmodified_since(future).send().await.expect("unmodified");
    server.shutdown().await;
}

#[tokio::test]
async fn copy_object_copies_or_replaces_metadata() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "copy-bucket").await;
    s3.put_object()
        .bucket("copy-bucket")
        .key("source")
        .body(ByteStream::from_static(b"copy me"))
        .metadata("origin", "source")
        .send()
        .await
        .expect("PutObject");

    let copied = s3
        .copy_object()
        .bucket("copy-bucket")
        .key("kept")
        .copy_source("copy-bucket/source")
        .send()
        .await
        .expect("CopyObject");
    assert!(copied.copy_object_result().and_then(|r| r.e_tag()).is_some(), "CopyObjectResult has an ETag");
    let kept = s3.head_object().bucket("copy-bucket").key("kept").send().await.expect("head copy");
    assert_eq!(
        kept.metadata().and_then(|m| m.get("origin")).map(String::as_str),
        Some("source"),
        "COPY keeps metadata"
    );
    assert_eq!(get(&s3, "copy-bucket", "kept").await, b"copy me", "copied bytes");

    s3.copy_object()
        .bucket("copy-bucket")
        .key("replaced")
        .copy_source("copy-bucket/source")
        .metadata_directive(MetadataDirective::Replace)
        .metadata("origin", "replaced")
        .send()
        .await
        .expect("CopyObject REPLACE");
    let replaced = s3.head_object().bucket("copy-bucket").key("replaced").send().await.expect("head replaced");
    assert_eq!(
        replaced.metadata().and_then(|m| m.get("origin")).map(String::as_str),
        Some("replaced"),
        "REPLACE metadata"
    );

    let to_itself = s3
        .copy_object()
        .bucket("copy-bucket")
        .key("source")
        .copy_source("copy-bucket/source")
        .send()
        .await
        .expect_err("self");
    assert_eq!(error_of(&to_itself), ("InvalidRequest".to_owned(), 400), "copy to itself without REPLACE");

    let missing = s3
        .copy_object()
        .bucket("copy-bucket")
        .key("x")
        .copy_source("copy-bucket/absent")
        .send()
        .await
        .expect_err("absent");
    assert_eq!(error_of(&missing), ("NoSuchKey".to_owned(), 404), "copy of a missing key");
    server.shutdown().await;
}

#[tokio::test]
async fn delete_objects_reports_each_key_unless_quiet() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "multi-delete").await;
    for key in ["a", "b", "c"] {
        put(&s3, "multi-delete", key, b"x").await;
    }
    let identifiers = |keys: &[&str]| -> Vec<ObjectIdentifier> {
        keys.iter().map(|key| ObjectIdentifier::builder().key(*key).build().expect("identifier")).collect()
    };

    let delete = Delete::builder().set_objects(Some(identifiers(&["a", "b"]))).build().expect("delete");
    let output = s3.delete_objects().bucket("multi-delete").delete(delete).send().await.expect("DeleteObjects");
    let mut deleted: Vec<&str> = output.deleted().iter().filter_map(|d| d.key()).collect();
    deleted.sort_unstable();
    assert_eq!(deleted, ["a", "b"], "deleted keys");

    let delete = Delete::builder().set_objects(Some(identifiers(&["c"]))).quiet(true).build().expect("delete");
    let output = s3.delete_objects().bucket("multi-delete").delete(delete).send().await.expect("quiet DeleteObjects");
    assert!(output.deleted().is_empty(), "quiet mode lists nothing");

    let listed = s3.list_objects_v2().bucket("multi-delete").send().await.expect("ListObjectsV2");
    assert_eq!(listed.key_count(), Some(0), "every key was deleted");
    server.shutdown().await;
}

#[tokio::test]
async fn object_tagging_round_trips() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "otag-bucket").await;
    s3.put_object()
        .bucket("otag-bucket")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .tagging("a=1&b=two")
        .send()
        .await
        .expect("put");

    let read = s3.get_object_tagging().bucket("otag-bucket").key("k").send().await.expect("GetObjectTagging");
    let tags: Vec<(&str, &str)> = read.tag_set().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, [("a", "1"), ("b", "two")], "tags from x-amz-tagging");

    let tag = Tag::builder().key("c").value("3").build().expect("tag");
    s3.put_object_tagging()
        .bucket("otag-bucket")
        .key("k")
        .tagging(Tagging::builder().tag_set(tag).build().expect("tagging"))
        .send()
        .await
        .expect("PutObjectTagging");
    let read = s3.get_object_tagging().bucket("otag-bucket").key("k").send().await.expect("GetObjectTagging");
    assert_eq!(read.tag_set().len(), 1, "PutObjectTagging replaces the set");

    s3.delete_object_tagging().bucket("otag-bucket").key("k").send().await.expect("DeleteObjectTagging");
    let read = s3.get_object_tagging().bucket("otag-bucket").key("k").send().await.expect("GetObjectTagging");
    assert!(read.tag_set().is_empty(), "tags deleted");
    server.shutdown().await;
}

#[tokio::test]
async fn list_objects_v2_pages_with_delimiter() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "list-bucket").await;
    for key in ["a.txt", "b/1", "b/2", "c/x/1", "d.txt", "e.txt"] {
        put(&s3, "list-bucket", key, b"x").await;
    }

    let all = s3.list_objects_v2().bucket("list-bucket").send().await.expect("ListObjectsV2");
    assert_eq!(all.key_count(), Some(6), "all keys");

    let folded = s3.list_objects_v2().bucket("list-bucket").delimiter("/").send().await.expect("with delimiter");
    let keys: Vec<&str> = folded.contents().iter().filter_map(|o| o.key()).collect();
    let prefixes: Vec<&str> = folded.common_prefixes().iter().filter_map(|p| p.prefix()).collect();
    assert_eq!(keys, ["a.txt", "d.txt", "e.txt"], "keys without the delimiter");
    assert_eq!(prefixes, ["b/", "c/"], "common prefixes");

    let under_b = s3.list_objects_v2().bucket("list-bucket").prefix("b/").send().await.expect("prefix");
    let keys: Vec<&str> = under_b.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["b/1", "b/2"], "keys under the prefix");

    // Pages of two entries, where a common prefix counts as one entry.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for page in 0..10 {
        let output = s3
            .list_objects_v2()
            .bucket("list-bucket")
            .delimiter("/")
            .max_keys(2)
            .set_continuation_token(token.clone())
            .send()
            .await
            .expect("page");
        seen.extend(output.contents().iter().filter_map(|o| o.key().map(str::to_owned)));
        seen.extend(output.common_prefixes().iter().filter_map(|p| p.prefix().map(str::to_owned)));
        token = output.next_continuation_token().map(str::to_owned);
        if !output.is_truncated().unwrap_or(false) {
            assert_eq!(page, 2, "five entries take three pages of two");
            break;
        }
    }
    seen.sort();
    assert_eq!(seen, ["a.txt", "b/", "c/", "d.txt", "e.txt"], "every entry once across pages");

    let after = s3.list_objects_v2().bucket("list-bucket").start_after("c/x/1").send().await.expect("start-after");
    let keys: Vec<&str> = after.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["d.txt", "e.txt"], "keys after start-after");

    let bad_token =
        s3.list_objects_v2().bucket("list-bucket").continuation_token("!!").send().await.expect_err("token");
    assert_eq!(error_of(&bad_token), ("InvalidArgument".to_owned(), 400), "invalid continuation token");
    server.shutdown().await;
}

#[tokio::test]
async fn list_objects_v1_uses_markers_and_url_encoding() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "v1-bucket").await;
    for key in ["k1", "k2", "k3", "with space"] {
        put(&s3, "v1-bucket", key, b"x").await;
    }

    let first = s3.list_objects().bucket("v1-bucket").max_keys(2).send().await.expect("ListObjects");
    let keys: Vec<&str> = first.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["k1", "k2"], "first page");
    assert_eq!(first.is_truncated(), Some(true), "first page is truncated");
    assert!(first.contents()[0].owner().is_some(), "ListObjects returns owners");

    let second = s3.list_objects().bucket("v1-bucket").marker("k2").send().await.expect("ListObjects after marker");
    let keys: Vec<&str> = second.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["k3", "with space"], "keys after the marker");

    let encoded = s3
        .list_objects()
        .bucket("v1-bucket")
        .prefix("with")
        .encoding_type(EncodingType::Url)
        .send()
        .await
        .expect("url");
    let keys: Vec<&str> = encoded.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["with%20space"], "encoding-type=url encodes keys");
    server.shutdown().await;
}

#[tokio::test]
async fn listing_keeps_control_character_keys() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "control-keys").await;
    // Object keys may hold any UTF-8, but XML 1.0 text cannot hold most
    // control characters raw, and XML parsers turn a raw CR into LF.
    let keys = ["bell\u{1}key", "cr\rkey", "delete\u{7f}key", "lf\nkey", "tab\tkey"];
    for key in keys {
        put(&s3, "control-keys", key, b"x").await;
    }

    let listed = s3.list_objects_v2().bucket("control-keys").send().await.expect("ListObjectsV2 without encoding");
    let listed: Vec<&str> = listed.contents().iter().filter_map(|object| object.key()).collect();
    assert_eq!(listed, keys, "keys listed by ListObjectsV2");

    let listed = s3.list_objects().bucket("control-keys").send().await.expect("ListObjects without encoding");
    let listed: Vec<&str> = listed.contents().iter().filter_map(|object| object.key()).collect();
    assert_eq!(listed, keys, "keys listed by ListObjects");
    server.shutdown().await;
}

#[tokio::test]
async fn conditional_put_checks_existing_object() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "cond-put").await;
    let body = |text: &'static str| ByteStream::from_static(text.as_bytes());

    let created = s3.put_object().bucket("cond-put").key("k").if_none_match("*").body(body("v1")).send().await;
    let etag = created.expect("If-None-Match * on a new key").e_tag().expect("ETag").to_owned();
    let again = s3.put_object().bucket("cond-put").key("k").if_none_match("*").body(body("v2")).send().await;
    assert_eq!(error_of(&again.expect_err("existing key")), ("PreconditionFailed".to_owned(), 412), "If-None-Match *");
    assert_eq!(get(&s3, "cond-put", "k").await, b"v1", "a failed If-None-Match keeps the object");

    let stale = s3.put_object().bucket("cond-put").key("k").if_match("\"other\"").body(body("v3")).send().await;
    assert_eq!(error_of(&stale.expect_err("stale ETag")), ("PreconditionFailed".to_owned(), 412), "If-Match");
    assert_eq!(get(&s3, "cond-put", "k").await, b"v1", "a failed If-Match keeps the object");
    s3.put_object().bucket("cond-put").key("k").if_match(&etag).body(body("v4")).send().await.expect("If-Match");
    assert_eq!(get(&s3, "cond-put", "k").await, b"v4", "a matching If-Match replaces the object");

    let absent = s3.put_object().bucket("cond-put").key("absent").if_match(&etag).body(body("v5")).send().await;
    assert_eq!(error_of(&absent.expect_err("If-Match on a missing key")), ("NoSuchKey".to_owned(), 404), "missing key");
    server.shutdown().await;
}

#[tokio::test]
async fn user_metadata_over_two_kib_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "meta-limit").await;
    // The limit counts the UTF-8 bytes of every name and value: "k" plus the value.
    let at_limit = "v".repeat(2_047);
    let over_limit = "v".repeat(2_048);

    let put =
        s3.put_object().bucket("meta-limit").key("at").metadata("k", &at_limit).body(ByteStream::from_static(b"x"));
    put.send().await.expect("2048 bytes of metadata");
    let put =
        s3.put_object().bucket("meta-limit").key("over").metadata("k", &over_limit).body(ByteStream::from_static(b"x"));
    let failed = put.send().await.expect_err("2049 bytes of metadata");
    assert_eq!(error_of(&failed), ("MetadataTooLarge".to_owned(), 400), "PutObject over the limit");
    let head = s3.head_object().bucket("meta-limit").key("over").send().await;
    assert!(head.is_err(), "nothing is stored under the rejected key");

    let upload = s3.create_multipart_upload().bucket("meta-limit").key("mp").metadata("k", &over_limit).send().await;
    let failed = upload.expect_err("CreateMultipartUpload with 2049 bytes of metadata");
    assert_eq!(error_of(&failed), ("MetadataTooLarge".to_owned(), 400), "multipart over the limit");

    let copy = s3
        .copy_object()
        .bucket("meta-limit")
        .key("copy")
        .copy_source("meta-limit/at")
        .metadata_directive(MetadataDirective::Replace)
        .metadata("k", &over_limit)
        .send()
        .await;
    assert_eq!(error_of(&copy.expect_err("copy")), ("MetadataTooLarge".to_owned(), 400), "CopyObject over the limit");
    server.shutdown().await;
}

#[tokio::test]
async fn max_keys_zero_is_not_truncated() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "zero-keys").await;
    put(&s3, "zero-keys", "a", b"x").await;

    let page = s3.list_objects_v2().bucket("zero-keys").max_keys(0).send().await.expect("ListObjectsV2 max-keys 0");
    assert_eq!(page.key_count(), Some(0), "KeyCount");
    assert_eq!(page.is_truncated(), Some(false), "ListObjectsV2 IsTruncated");
    assert_eq!(page.next_continuation_token(), None, "NextContinuationToken");

    let page = s3.list_objects().bucket("zero-keys").max_keys(0).delimiter("/").send().await.expect("ListObjects");
    assert!(page.contents().is_empty(), "ListObjects returns no keys");
    assert_eq!(page.is_truncated(), Some(false), "ListObjects IsTruncated");
    server.shutdown().await;
}
