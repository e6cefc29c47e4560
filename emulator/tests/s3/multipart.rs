//! Multipart uploads through the SDK: a 20 MiB round trip, the multipart
//! ETag, part checks on completion, listing, aborting and UploadPartCopy.

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use md5::Digest as _;

use crate::common::{HOME_REGION, OWNER, client, create_bucket, error_of, get, outcome, put, start};

const MIB: usize = 1024 * 1024;

fn sample(size: usize, seed: u8) -> Vec<u8> {
    (0..size).map(|i| (i as u8).wrapping_mul(7).wrapping_add(seed)).collect()
}

/// Starts an upload and returns its id.
async fn create(s3: &Client, bucket: &str, key: &str) -> String {
    let created = s3.create_multipart_upload().bucket(bucket).key(key).send().await.expect("CreateMultipartUpload");
    created.upload_id().expect("UploadId").to_owned()
}

/// Uploads one part and returns its completed-part entry.
async fn upload(s3: &Client, bucket: &str, key: &str, upload_id: &str, number: i32, data: &[u8]) -> CompletedPart {
    let uploaded = s3
        .upload_part()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .part_number(number)
        .body(ByteStream::from(data.to_vec()))
        .send()
        .await
        .unwrap_or_else(|error| panic!("UploadPart {number}: {error:?}"));
    CompletedPart::builder().part_number(number).e_tag(uploaded.e_tag().expect("part ETag")).build()
}

fn completion(parts: Vec<CompletedPart>) -> CompletedMultipartUpload {
    CompletedMultipartUpload::builder().set_parts(Some(parts)).build()
}

#[tokio::test]
async fn twenty_mib_upload_round_trips() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "multipart").await;
    let pieces = [sample(8 * MIB, 1), sample(8 * MIB, 2), sample(4 * MIB, 3)];
    let upload_id = create(&s3, "multipart", "big").await;

    let mut parts = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        parts.push(upload(&s3, "multipart", "big", &upload_id, index as i32 + 1, piece).await);
    }
    let completed = s3
        .complete_multipart_upload()
        .bucket("multipart")
        .key("big")
        .upload_id(&upload_id)
        .multipart_upload(completion(parts))
        .send()
        .await
        .expect("CompleteMultipartUpload");

    // The multipart ETag: the MD5 of the parts' binary MD5s, then "-3".
    let mut digests = Vec::new();
    for piece in &pieces {
        digests.extend_from_slice(&md5::Md5::digest(piece));
    }
    let expected_etag = format!("\"{}-3\"", hex(&md5::Md5::digest(&digests)));
    assert_eq!(completed.e_tag(), Some(expected_etag.as_str()), "multipart ETag");

    let whole: Vec<u8> = pieces.concat();
    assert_eq!(whole.len(), 20 * MIB, "the object is 20 MiB");
    assert!(get(&s3, "multipart", "big").await == whole, "the object is byte-identical to its parts");
    let head = s3.head_object().bucket("multipart").key("big").send().await.expect("HeadObject");
    assert_eq!(head.e_tag(), Some(expected_etag.as_str()), "HeadObject ETag");
    assert_eq!(head.content_length(), Some(20 * MIB as i64), "HeadObject length");

    let uploads = s3.list_multipart_uploads().bucket("multipart").send().await.expect("ListMultipartUploads");
    assert!(uploads.uploads().is_empty(), "the completed upload is gone");
    server.shutdown().await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn completion_checks_parts() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "part-checks").await;
    let upload_id = create(&s3, "part-checks", "k").await;
    let small = upload(&s3, "part-checks", "k", &upload_id, 1, &sample(1024, 1)).await;
    let last = upload(&s3, "part-checks", "k", &upload_id, 2, &sample(1024, 2)).await;

    let complete = |parts: Vec<CompletedPart>| {
        s3.complete_multipart_upload()
            .bucket("part-checks")
            .key("k")
            .upload_id(&upload_id)
            .multipart_upload(completion(parts))
            .send()
    };
    let too_small = complete(vec![small.clone(), last.clone()]).await;
    assert_eq!(outcome(&too_small), "EntityTooSmall", "a non-last part under 5 MiB");

    let out_of_order = complete(vec![last.clone(), small.clone()]).await;
    assert_eq!(outcome(&out_of_order), "InvalidPartOrder", "parts in descending order");

    let wrong_etag = CompletedPart::builder().part_number(2).e_tag("\"00000000000000000000000000000000\"").build();
    let invalid = complete(vec![wrong_etag]).await;
    assert_eq!(outcome(&invalid), "InvalidPart", "a part with another ETag");

    let missing = CompletedPart::builder().part_number(7).e_tag(last.e_tag().unwrap_or_default()).build();
    let invalid = complete(vec![missing]).await;
    assert_eq!(outcome(&invalid), "InvalidPart", "a part never uploaded");

    // A single small part is allowed, because it is the last one.
    complete(vec![small]).await.expect("one small last part");
    assert_eq!(get(&s3, "part-checks", "k").await, sample(1024, 1), "the object has the listed part only");
    server.shutdown().await;
}

#[tokio::test]
async fn list_parts_and_uploads_then_abort() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "listing-uploads").await;
    let first = create(&s3, "listing-uploads", "a/one").await;
    let second = create(&s3, "listing-uploads", "b/two").await;
    for number in 1..=3 {
        upload(&s3, "listing-uploads", "a/one", &first, number, &sample(100, number as u8)).await;
    }

    let parts =
        s3.list_parts().bucket("listing-uploads").key("a/one").upload_id(&first).send().await.expect("ListParts");
    let numbers: Vec<i32> = parts.parts().iter().filter_map(|p| p.part_number()).collect();
    assert_eq!(numbers, [1, 2, 3], "ListParts numbers");
    assert_eq!(parts.parts()[0].size(), Some(100), "ListParts size");

    let page = s3
        .list_parts()
        .bucket("listing-uploads")
        .key("a/one")
        .upload_id(&first)
        .max_parts(2)
        .send()
        .await
        .expect("ListParts page");
    assert_eq!(page.is_truncated(), Some(true), "two of three parts is truncated");
    assert_eq!(page.next_part_number_marker(), Some("2"), "next part number marker");

    let uploads = s3.list_multipart_uploads().bucket("listing-uploads").send().await.expect("ListMultipartUploads");
    let keys: Vec<&str> = uploads.uploads().iter().filter_map(|u| u.key()).collect();
    assert_eq!(keys, ["a/one", "b/two"], "uploads in key order");
    let under_b = s3.list_multipart_uploads().bucket("listing-uploads").prefix("b/").send().await.expect("prefix");
    assert_eq!(under_b.uploads().len(), 1, "uploads under the prefix");

    s3.abort_multipart_upload().bucket("listing-uploads").key("b/two").upload_id(&second).send().await.expect("Abort");
    let aborted = s3.list_parts().bucket("listing-uploads").key("b/two").upload_id(&second).send().await;
    assert_eq!(outcome(&aborted), "NoSuchUpload", "ListParts after abort");
    let again = s3.abort_multipart_upload().bucket("listing-uploads").key("b/two").upload_id(&second).send().await;
    assert_eq!(error_of(&again.expect_err("aborted twice")), ("NoSuchUpload".to_owned(), 404), "abort twice");

    let wrong_key = s3.list_parts().bucket("listing-uploads").key("other").upload_id(&first).send().await;
    assert_eq!(outcome(&wrong_key), "NoSuchUpload", "an upload id under another key");
    let bad_number = s3
        .upload_part()
        .bucket("listing-uploads")
        .key("a/one")
        .upload_id(&first)
        .part_number(10_001)
        .body(ByteStream::from_static(b"x"))
        .send()
        .await;
    assert_eq!(outcome(&bad_number), "InvalidArgument", "part number over 10000");
    server.shutdown().await;
}

#[tokio::test]
async fn upload_part_copy_takes_a_range() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "part-copy").await;
    let source = sample(6 * MIB, 9);
    put(&s3, "part-copy", "source", &source).await;
    let upload_id = create(&s3, "part-copy", "assembled").await;

    let copied = s3
        .upload_part_copy()
        .bucket("part-copy")
        .key("assembled")
        .upload_id(&upload_id)
        .part_number(1)
        .copy_source("part-copy/source")
        .copy_source_range(format!("bytes=0-{}", 5 * MIB - 1))
        .send()
        .await
        .expect("UploadPartCopy");
    let first_etag = copied.copy_part_result().and_then(|r| r.e_tag()).expect("CopyPartResult ETag").to_owned();
    let last = upload(&s3, "part-copy", "assembled", &upload_id, 2, b"tail").await;

    let out_of_range = s3
        .upload_part_copy()
        .bucket("part-copy")
        .key("assembled")
        .upload_id(&upload_id)
        .part_number(3)
        .copy_source("part-copy/source")
        .copy_source_range(format!("bytes=0-{}", 7 * MIB))
        .send()
        .await;
    assert_eq!(outcome(&out_of_range), "InvalidArgument", "a copy range past the source's end");

    let first = CompletedPart::builder().part_number(1).e_tag(first_etag).build();
    s3.complete_multipart_upload()
        .bucket("part-copy")
        .key("assembled")
        .upload_id(&upload_id)
        .multipart_upload(completion(vec![first, last]))
        .send()
        .await
        .expect("CompleteMultipartUpload");
    let expected = [&source[..5 * MIB], b"tail"].concat();
    assert!(get(&s3, "part-copy", "assembled").await == expected, "copied range plus the uploaded tail");
    server.shutdown().await;
}

#[tokio::test]
async fn multipart_checksum_is_composite() {
    use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode};
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD as BASE64;

    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "composite").await;
    let pieces = [sample(5 * MIB, 4), sample(1000, 5)];
    let created = s3
        .create_multipart_upload()
        .bucket("composite")
        .key("k")
        .checksum_algorithm(ChecksumAlgorithm::Crc32)
        .send()
        .await
        .expect("CreateMultipartUpload with CRC32");
    let upload_id = created.upload_id().expect("UploadId").to_owned();

    let mut parts = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        let number = index as i32 + 1;
        let uploaded = s3
            .upload_part()
            .bucket("composite")
            .key("k")
            .upload_id(&upload_id)
            .part_number(number)
            .checksum_algorithm(ChecksumAlgorithm::Crc32)
            .body(ByteStream::from(piece.clone()))
            .send()
            .await
            .expect("UploadPart with CRC32");
        let expected = BASE64.encode(crc32fast::hash(piece).to_be_bytes());
        assert_eq!(uploaded.checksum_crc32(), Some(expected.as_str()), "part {number} CRC32");
        parts.push(
            CompletedPart::builder()
                .part_number(number)
                .e_tag(uploaded.e_tag().expect("ETag"))
                .checksum_crc32(expected)
                .build(),
        );
    }
    s3.complete_multipart_upload()
        .bucket("composite")
        .key("k")
        .upload_id(&upload_id)
        .multipart_upload(completion(parts))
        .send()
        .await
        .expect("CompleteMultipartUpload");

    // The CRC32 of the parts' big-endian CRC32 values, then "-2".
    let mut part_checksums = Vec::new();
    for piece in &pieces {
        part_checksums.extend_from_slice(&crc32fast::hash(piece).to_be_bytes());
    }
    let expected = format!("{}-2", BASE64.encode(crc32fast::hash(&part_checksums).to_be_bytes()));
    let head = s3
        .head_object()
        .bucket("composite")
        .key("k")
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .expect("HeadObject with checksum mode");
    assert_eq!(head.checksum_crc32(), Some(expected.as_str()), "composite CRC32 of the object");
    server.shutdown().await;
}

#[tokio::test]
async fn get_by_part_number_returns_that_part() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "by-part").await;
    let pieces = [sample(5 * MIB, 1), sample(5 * MIB, 2), sample(3, 3)];
    let upload_id = create(&s3, "by-part", "parts").await;
    let mut parts = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        parts.push(upload(&s3, "by-part", "parts", &upload_id, index as i32 + 1, piece).await);
    }
    s3.complete_multipart_upload()
        .bucket("by-part")
        .key("parts")
        .upload_id(&upload_id)
        .multipart_upload(completion(parts))
        .send()
        .await
        .expect("CompleteMultipartUpload");

    let size = 10 * MIB + 3;
    let mut first = 0;
    for (index, piece) in pieces.iter().enumerate() {
        let number = index as i32 + 1;
        let part = s3.get_object().bucket("by-part").key("parts").part_number(number).send().await;
        let part = part.unwrap_or_else(|error| panic!("GetObject part {number}: {error:?}"));
        let last = first + piece.len() - 1;
        assert_eq!(part.content_range(), Some(format!("bytes {first}-{last}/{size}").as_str()), "part {number} range");
        assert_eq!(part.parts_count(), Some(3), "part {number} PartsCount");
        let bytes = part.body.collect().await.expect("part body").into_bytes();
        assert!(bytes.as_ref() == piece.as_slice(), "part {number} bytes");

        let head = s3.head_object().bucket("by-part").key("parts").part_number(number).send().await;
        let head = head.unwrap_or_else(|error| panic!("HeadObject part {number}: {error:?}"));
        assert_eq!(head.content_length(), Some(piece.len() as i64), "part {number} HEAD length");
        first = last + 1;
    }

    // PartsCount comes back only when the request names a part.
    let whole = s3.head_object().bucket("by-part").key("parts").send().await.expect("HeadObject");
    assert_eq!(whole.parts_count(), None, "PartsCount without partNumber");

    let beyond = s3.get_object().bucket("by-part").key("parts").part_number(4).send().await.expect_err("part 4 of 3");
    assert_eq!(error_of(&beyond), ("InvalidPartNumber".to_owned(), 416), "part beyond the last");
    let both = s3.get_object().bucket("by-part").key("parts").part_number(1).range("bytes=0-1").send().await;
    assert_eq!(outcome(&both), "InvalidRequest", "partNumber with Range");

    put(&s3, "by-part", "single", b"one piece").await;
    let whole = s3.get_object().bucket("by-part").key("single").part_number(1).send().await.expect("part 1 of one");
    assert_eq!(whole.body.collect().await.expect("body").into_bytes().as_ref(), b"one piece", "part 1 of a PutObject");
    let second = s3.get_object().bucket("by-part").key("single").part_number(2).send().await.expect_err("part 2");
    assert_eq!(error_of(&second), ("InvalidPartNumber".to_owned(), 416), "part 2 of a PutObject object");
    server.shutdown().await;
}

#[tokio::test]
async fn conditional_complete_and_copy() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "cond-write").await;
    put(&s3, "cond-write", "taken", b"first").await;

    let upload_id = create(&s3, "cond-write", "taken").await;
    let part = upload(&s3, "cond-write", "taken", &upload_id, 1, b"second").await;
    let completed = s3
        .complete_multipart_upload()
        .bucket("cond-write")
        .key("taken")
        .upload_id(&upload_id)
        .if_none_match("*")
        .multipart_upload(completion(vec![part]))
        .send()
        .await;
    let failed = completed.expect_err("CompleteMultipartUpload onto an existing key");
    assert_eq!(error_of(&failed), ("PreconditionFailed".to_owned(), 412), "CompleteMultipartUpload If-None-Match");
    assert_eq!(get(&s3, "cond-write", "taken").await, b"first", "a failed completion keeps the object");

    put(&s3, "cond-write", "source", b"copied").await;
    let copied =
        s3.copy_object().bucket("cond-write").key("taken").copy_source("cond-write/source").if_none_match("*").send();
    let failed = copied.await.expect_err("CopyObject onto an existing key");
    assert_eq!(error_of(&failed), ("PreconditionFailed".to_owned(), 412), "CopyObject If-None-Match");
    assert_eq!(get(&s3, "cond-write", "taken").await, b"first", "a failed copy keeps the object");
    let copied =
        s3.copy_object().bucket("cond-write").key("fresh").copy_source("cond-write/source").if_none_match("*").send();
    copied.await.expect("CopyObject If-None-Match onto a new key");
    assert_eq!(get(&s3, "cond-write", "fresh").await, b"copied", "the copy onto a new key");
    server.shutdown().await;
}
