//! Invalid requests get S3's error code, status and XML error document, and
//! change nothing.

use aws_sdk_s3::primitives::ByteStream;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::common::{
    HOME_REGION, OWNER, authorization, client, create_bucket, error_of, exchange, outcome, put, start,
};

#[tokio::test]
async fn invalid_bucket_names_are_rejected() {
    let server = start().await;
    for name in ["ab", "Upper-Case", "-leading", "trailing-", "two..dots", "192.168.1.1", "under_score", "xn--reserved"]
    {
        let head = format!(
            "PUT /{name} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n",
            authorization(OWNER, "us-east-1")
        );
        let response = exchange(&server, &head, b"").await;
        let body = response.text();
        assert_eq!(response.status, 400, "status for bucket name {name:?}: {body}");
        assert!(body.contains("<Code>InvalidBucketName</Code>"), "code for {name:?}: {body}");
        assert!(body.contains(&format!("<BucketName>{name}</BucketName>")), "the error names {name:?}: {body}");
        assert!(body.contains("<RequestId>"), "the error has a request id: {body}");
    }
    let s3 = client(&server, OWNER, "us-east-1");
    let listed = s3.list_buckets().send().await.expect("ListBuckets");
    assert!(listed.buckets().is_empty(), "no bucket was created");
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_xml_bodies_are_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "xml-bucket").await;
    put(&s3, "xml-bucket", "keep", b"x").await;

    let cases = [
        ("POST /xml-bucket?delete", "<Delete><Object><Key>keep</Key></Delete>"),
        ("POST /xml-bucket?delete", "not xml at all"),
        ("PUT /xml-bucket?tagging", "<Tagging><TagSet><Tag><Key>a</Key></Tag>"),
        ("PUT /new-bucket-xml", "<CreateBucketConfiguration><LocationConstraint>"),
    ];
    for (request_line, body) in cases {
        let mut head = format!(
            "{request_line} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n",
            authorization(OWNER, HOME_REGION)
        );
        // DeleteObjects needs a checksum before its body is parsed at all.
        if request_line.ends_with("?delete") {
            let crc32 = BASE64.encode(crc32fast::hash(body.as_bytes()).to_be_bytes());
            head.push_str(&format!("x-amz-checksum-crc32: {crc32}\r\n"));
        }
        let response = exchange(&server, &head, body.as_bytes()).await;
        let text = response.text();
        assert_eq!(response.status, 400, "status for {request_line} with {body:?}: {text}");
        assert!(text.contains("<Code>MalformedXML</Code>"), "code for {request_line} with {body:?}: {text}");
        assert_eq!(response.header("content-type").as_deref(), Some("application/xml"), "XML error document");
    }

    let kept = s3.head_object().bucket("xml-bucket").key("keep").send().await;
    assert_eq!(outcome(&kept), "ok", "the malformed DeleteObjects deleted nothing");
    let created = s3.head_bucket().bucket("new-bucket-xml").send().await;
    assert_eq!(error_of(&created.expect_err("not created")).1, 404, "the malformed CreateBucket created nothing");
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_content_md5_is_bad_digest() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "md5-bucket").await;

    // Digests computed with `openssl md5 -binary | base64`: this one is of "other bytes".
    let wrong = s3
        .put_object()
        .bucket("md5-bucket")
        .key("k")
        .content_md5("bv80UBBUl8ws4i6iZ/Vkug==")
        .body(ByteStream::from_static(b"the real body"))
        .send()
        .await;
    assert_eq!(outcome(&wrong), "BadDigest", "Content-MD5 of other content");

    let invalid = s3
        .put_object()
        .bucket("md5-bucket")
        .key("k")
        .content_md5("not-a-digest")
        .body(ByteStream::from_static(b"the real body"))
        .send()
        .await;
    assert_eq!(outcome(&invalid), "InvalidDigest", "Content-MD5 that is no MD5");

    let missing = s3.head_object().bucket("md5-bucket").key("k").send().await;
    assert_eq!(error_of(&missing.expect_err("nothing stored")).1, 404, "no object after a bad digest");

    let right = s3
        .put_object()
        .bucket("md5-bucket")
        .key("k")
        .content_md5("FJchEpFxml5deAY2ufSsWA==")
        .body(ByteStream::from_static(b"the real body"))
        .send()
        .await;
    assert_eq!(outcome(&right), "ok", "the right Content-MD5");
    server.shutdown().await;
}

#[tokio::test]
async fn operations_on_missing_bucket_are_no_such_bucket() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    let put = s3.put_object().bucket("absent-bucket").key("k").body(ByteStream::from_static(b"x")).send().await;
    let error = put.expect_err("no bucket");
    assert_eq!(error_of(&error), ("NoSuchBucket".to_owned(), 404), "PutObject into a missing bucket");
    let list = s3.list_objects_v2().bucket("absent-bucket").send().await;
    assert_eq!(outcome(&list), "NoSuchBucket", "ListObjectsV2 of a missing bucket");
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_list_parameters_are_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "param-bucket").await;
    let cases = [
        ("max-keys=-1", "InvalidArgument"),
        ("max-keys=abc", "InvalidArgument"),
        ("encoding-type=base64", "InvalidArgument"),
    ];
    for (query, code) in cases {
        let head = format!(
            "GET /param-bucket?list-type=2&{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n",
            authorization(OWNER, HOME_REGION)
        );
        let response = exchange(&server, &head, b"").await;
        assert_eq!(response.status, 400, "status for {query}");
        assert!(response.text().contains(&format!("<Code>{code}</Code>")), "code for {query}: {}", response.text());
    }
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_range_and_head_errors_follow_s3() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "range-errors").await;
    put(&s3, "range-errors", "ten", b"0123456789").await;
    let auth = authorization(OWNER, HOME_REGION);

    let head =
        format!("GET /range-errors/ten HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=500-\r\nAuthorization: {auth}\r\n");
    let response = exchange(&server, &head, b"").await;
    let text = response.text();
    assert_eq!(response.status, 416, "status for a range past the end: {text}");
    assert!(text.contains("<Code>InvalidRange</Code>"), "code for a range past the end: {text}");
    assert!(text.contains("<ActualObjectSize>10</ActualObjectSize>"), "the error names the object size: {text}");
    assert!(text.contains("<RangeRequested>bytes=500-</RangeRequested>"), "the error names the range: {text}");

    let head = format!("HEAD /range-errors/absent HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n");
    let response = exchange(&server, &head, b"").await;
    assert_eq!(response.status, 404, "HeadObject of a missing key");
    assert!(response.body.is_empty(), "HEAD errors carry no body");

    let head = format!("GET /range-errors/absent HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n");
    let response = exchange(&server, &head, b"").await;
    let text = response.text();
    assert_eq!(response.status, 404, "GetObject of a missing key");
    assert!(text.contains("<Code>NoSuchKey</Code><Message>"), "code of a missing key: {text}");
    assert!(text.contains("<Key>absent</Key>"), "the error names the key: {text}");
    server.shutdown().await;
}
