//! Upload bodies: flexible checksums checked against independent
//! implementations, streaming `aws-chunked` uploads from the SDK, and raw
//! chunked bodies (signed, unsigned with trailers, malformed, truncated).

use std::process::Command;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::common::{
    HOME_REGION, OWNER, authorization, client, create_bucket, error_of, exchange, exchange_bytes, get, outcome, start,
};

/// Computes CRC32C bit by bit (reflected polynomial 0x82F63B78), independent of the emulator's table-driven crate.
fn crc32c_bitwise(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0x82F6_3B78 } else { crc >> 1 };
        }
    }
    !crc
}

/// Runs `openssl dgst -DIGEST -binary` over `data` and returns the base64 digest.
fn openssl_digest(digest: &str, data: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("crosscheck-s3-digest-{}-{digest}", std::process::id()));
    std::fs::write(&path, data).expect("write the digest input");
    let output = Command::new("openssl").args(["dgst", &format!("-{digest}"), "-binary"]).arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let output = output.expect("run openssl");
    assert!(output.status.success(), "openssl dgst failed: {}", String::from_utf8_lossy(&output.stderr));
    BASE64.encode(output.stdout)
}

fn sample(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 31 % 251) as u8).collect()
}

#[tokio::test]
async fn checksums_match_independent_implementations() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "checksums").await;
    let data = sample(100_000);
    let expected = [
        (ChecksumAlgorithm::Crc32, BASE64.encode(crc32fast::hash(&data).to_be_bytes())),
        (ChecksumAlgorithm::Crc32C, BASE64.encode(crc32c_bitwise(&data).to_be_bytes())),
        (ChecksumAlgorithm::Sha1, openssl_digest("sha1", &data)),
        (ChecksumAlgorithm::Sha256, openssl_digest("sha256", &data)),
    ];

    for (algorithm, expected) in expected {
        let key = format!("object-{}", algorithm.as_str());
        let put = s3
            .put_object()
            .bucket("checksums")
            .key(&key)
            .checksum_algorithm(algorithm.clone())
            .body(ByteStream::from(data.clone()))
            .send()
            .await
            .unwrap_or_else(|error| panic!("PutObject with {algorithm:?}: {error:?}"));
        let returned = match algorithm {
            ChecksumAlgorithm::Crc32 => put.checksum_crc32(),
            ChecksumAlgorithm::Crc32C => put.checksum_crc32_c(),
            ChecksumAlgorithm::Sha1 => put.checksum_sha1(),
            _ => put.checksum_sha256(),
        };
        assert_eq!(returned, Some(expected.as_str()), "PutObject returns the {algorithm:?} checksum");

        let read = s3
            .get_object()
            .bucket("checksums")
            .key(&key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await
            .expect("GetObject with checksum mode");
        let returned = match algorithm {
            ChecksumAlgorithm::Crc32 => read.checksum_crc32(),
            ChecksumAlgorithm::Crc32C => read.checksum_crc32_c(),
            ChecksumAlgorithm::Sha1 => read.checksum_sha1(),
            _ => read.checksum_sha256(),
        };
        assert_eq!(returned, Some(expected.as_str()), "GetObject returns the {algorithm:?} checksum");
        let bytes = read.body.collect().await.expect("body").into_bytes();
        assert_eq!(bytes.as_ref(), data.as_slice(), "{algorithm:?} object bytes");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn streaming_upload_spills_and_round_trips() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "streaming").await;
    // Larger than the 8 MiB spill threshold, from a file so the SDK sends aws-chunked.
    let data = sample(9 * 1024 * 1024 + 123);
    let path = std::env::temp_dir().join(format!("crosscheck-s3-stream-{}", std::process::id()));
    std::fs::write(&path, &data).expect("write the upload file");

    let body = ByteStream::from_path(&path).await.expect("open the upload file");
    let put = s3.put_object().bucket("streaming").key("big").body(body).send().await;
    let _ = std::fs::remove_file(&path);
    let put = put.expect("streaming PutObject");
    let expected_crc = BASE64.encode(crc32fast::hash(&data).to_be_bytes());
    assert_eq!(put.checksum_crc32(), Some(expected_crc.as_str()), "trailer checksum of the streamed body");

    assert_eq!(get(&s3, "streaming", "big").await, data, "streamed object bytes");
    server.shutdown().await;
}

/// Frames `data` as aws-chunked in chunks of `chunk_size`, with signatures when `signed`, then `trailer` lines.
fn chunked(data: &[u8], chunk_size: usize, signed: bool, trailer: &[&str]) -> Vec<u8> {
    let signature = if signed { format!(";chunk-signature={}", "a".repeat(64)) } else { String::new() };
    let mut body = Vec::new();
    for chunk in data.chunks(chunk_size) {
        body.extend_from_slice(format!("{:x}{signature}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("0{signature}\r\n").as_bytes());
    for line in trailer {
        body.extend_from_slice(format!("{line}\r\n").as_bytes());
    }
    body.extend_from_slice(b"\r\n");
    body
}

fn chunked_head(key: &str, content_sha256: &str, decoded_length: usize, trailer: Option<&str>) -> String {
    let trailer = trailer.map(|name| format!("x-amz-trailer: {name}\r\n")).unwrap_or_default();
    format!(
        "PUT /raw-chunks/{key} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n\
         x-amz-content-sha256: {content_sha256}\r\nContent-Encoding: aws-chunked\r\n\
         x-amz-decoded-content-length: {decoded_length}\r\n{trailer}",
        authorization(OWNER, HOME_REGION)
    )
}

#[tokio::test]
async fn raw_chunked_bodies_decode_and_verify() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "raw-chunks").await;
    let data = sample(70_000);
    let crc = BASE64.encode(crc32fast::hash(&data).to_be_bytes());

    // Signed chunks without a trailer.
    let head = chunked_head("signed", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", data.len(), None);
    let response = exchange(&server, &head, &chunked(&data, 8192, true, &[])).await;
    assert_eq!(response.status, 200, "signed chunks: {}", response.text());
    assert_eq!(get(&s3, "raw-chunks", "signed").await, data, "signed chunked object");

    // Unsigned chunks with a CRC32 trailer, as current SDKs send over HTTPS.
    let trailer = format!("x-amz-checksum-crc32:{crc}");
    let head = chunked_head("unsigned", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", data.len(), Some("x-amz-checksum-crc32"));
    let response = exchange(&server, &head, &chunked(&data, 10_000, false, &[&trailer])).await;
    assert_eq!(response.status, 200, "unsigned chunks with trailer: {}", response.text());
    assert_eq!(response.header("x-amz-checksum-crc32"), Some(crc.clone()), "the verified trailer checksum is returned");
    assert_eq!(get(&s3, "raw-chunks", "unsigned").await, data, "unsigned chunked object");

    // Signed chunks and a signed trailer.
    let signed_trailer = [trailer.as_str(), "x-amz-trailer-signature:0123"];
    let head = chunked_head(
        "signed-trailer",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        data.len(),
        Some("x-amz-checksum-crc32"),
    );
    let response = exchange(&server, &head, &chunked(&data, 65_536, true, &signed_trailer)).await;
    assert_eq!(response.status, 200, "signed chunks with trailer: {}", response.text());
    server.shutdown().await;
}

/// One bad body: key, x-amz-content-sha256, x-amz-trailer, body, expected code and status.
type BadBodyCase<'a> = (&'a str, &'a str, Option<&'a str>, Vec<u8>, &'a str, u16);

#[tokio::test]
async fn bad_chunked_bodies_store_nothing() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "raw-chunks").await;
    let data = sample(20_000);
    let wrong_crc = format!("x-amz-checksum-crc32:{}", BASE64.encode(0xDEAD_BEEF_u32.to_be_bytes()));

    let unsigned = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    let signed = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    let complete = chunked(&data, 4096, false, &[]);
    let truncated = complete[..complete.len() / 2].to_vec();
    let mut bad_size = b"zz\r\n".to_vec();
    bad_size.extend_from_slice(&complete);
    let crc32c = format!("x-amz-checksum-crc32c:{}", BASE64.encode(crc32c_bitwise(&data).to_be_bytes()));
    let cases: [BadBodyCase<'_>; 7] = [
        (
            "wrong-trailer",
            unsigned,
            Some("x-amz-checksum-crc32"),
            chunked(&data, 4096, false, &[&wrong_crc]),
            "BadDigest",
            400,
        ),
        ("no-final-chunk", unsigned, None, truncated, "IncompleteBody", 400),
        ("bad-size", unsigned, None, bad_size, "IncompleteBody", 400),
        ("no-signature", signed, None, chunked(&data, 4096, false, &[]), "SignatureDoesNotMatch", 403),
        ("short-length", unsigned, None, chunked(&data[..100], 50, false, &[]), "IncompleteBody", 400),
        // S3 rejects a trailer that is missing or differs from x-amz-trailer with
        // MalformedTrailerError, as quoted in <https://github.com/versity/versitygw/issues/1600>
        // and <https://github.com/versity/versitygw/issues/1691>.
        (
            "missing-trailer",
            unsigned,
            Some("x-amz-checksum-crc32"),
            chunked(&data, 4096, false, &[]),
            "MalformedTrailerError",
            400,
        ),
        (
            "other-trailer",
            unsigned,
            Some("x-amz-checksum-crc32"),
            chunked(&data, 4096, false, &[&crc32c]),
            "MalformedTrailerError",
            400,
        ),
    ];
    for (key, content_sha256, trailer, body, code, status) in cases {
        let head = chunked_head(key, content_sha256, data.len(), trailer);
        let response = exchange(&server, &head, &body).await;
        assert_eq!(response.status, status, "status for {key}: {}", response.text());
        assert!(response.text().contains(&format!("<Code>{code}</Code>")), "code for {key}: {}", response.text());
        let stored = s3.head_object().bucket("raw-chunks").key(key).send().await;
        assert_eq!(error_of(&stored.expect_err("nothing stored")).1, 404, "no object after {key}");
    }

    // A connection that closes before Content-Length bytes arrived.
    let head = chunked_head("cut-off", unsigned, data.len(), None);
    let request = format!("{head}Content-Length: {}\r\n\r\n", complete.len());
    let bytes = [request.as_bytes(), &complete[..1000]].concat();
    let response = exchange_bytes(&server, &bytes, true).await;
    assert_eq!(response.status, 400, "cut-off body status: {}", response.text());
    assert!(response.text().contains("<Code>IncompleteBody</Code>"), "cut-off body code: {}", response.text());
    let stored = s3.head_object().bucket("raw-chunks").key("cut-off").send().await;
    assert_eq!(outcome(&stored), "NotFound", "no object after a cut-off body");
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_checksum_header_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "bad-checksum").await;

    let wrong = s3
        .put_object()
        .bucket("bad-checksum")
        .key("k")
        .checksum_crc32_c(BASE64.encode(1u32.to_be_bytes()))
        .body(ByteStream::from_static(b"payload"))
        .send()
        .await;
    assert_eq!(outcome(&wrong), "BadDigest", "a CRC32C of other content");

    let head = format!(
        "PUT /bad-checksum/k HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n\
         x-amz-checksum-sha256: not-base64!\r\n",
        authorization(OWNER, HOME_REGION)
    );
    let response = exchange(&server, &head, b"payload").await;
    assert_eq!(response.status, 400, "invalid checksum value status");
    assert!(response.text().contains("<Code>InvalidRequest</Code>"), "invalid checksum value: {}", response.text());

    let stored = s3.head_object().bucket("bad-checksum").key("k").send().await;
    assert_eq!(error_of(&stored.expect_err("nothing stored")).1, 404, "no object after a bad checksum");
    server.shutdown().await;
}
