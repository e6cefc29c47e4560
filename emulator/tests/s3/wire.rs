//! Wire details the SDK and AWS depend on: CRC-64/NVME flexible checksums
//! (single-part, multipart and copies), storage classes, the checksum
//! DeleteObjects requires, the `Content-Range` of a 416 response and the
//! `Location` of CreateBucket.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumMode, ChecksumType, CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier,
    ObjectStorageClass, StorageClass,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::common::{HOME_REGION, OWNER, authorization, client, create_bucket, exchange, get, outcome, put, start};

const MIB: usize = 1024 * 1024;

/// Computes CRC-64/NVME bit by bit (reflected polynomial 0x9A6C9329AC4BC9B5,
/// initial value and final XOR all ones), independent of the emulator's crate.
fn crc64_nvme_bitwise(data: &[u8]) -> u64 {
    let mut crc = !0u64;
    for byte in data {
        crc ^= u64::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0x9A6C_9329_AC4B_C9B5 } else { crc >> 1 };
        }
    }
    !crc
}

fn crc64_nvme_base64(data: &[u8]) -> String {
    BASE64.encode(crc64_nvme_bitwise(data).to_be_bytes())
}

/// Returns the error message of a failed call, or an empty string.
fn message_of<T, E: ProvideErrorMetadata>(
    result: &Result<T, aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>>,
) -> String {
    result.as_ref().err().and_then(ProvideErrorMetadata::message).unwrap_or_default().to_owned()
}

fn sample(size: usize, seed: u8) -> Vec<u8> {
    (0..size).map(|i| (i as u8).wrapping_mul(13).wrapping_add(seed)).collect()
}

#[test]
fn bitwise_crc64_nvme_matches_check_value() {
    // The catalogued check value of CRC-64/NVME for the ASCII digits 1 to 9.
    assert_eq!(crc64_nvme_bitwise(b"123456789"), 0xAE8B_1486_0A79_9888);
}

#[tokio::test]
async fn crc64_nvme_is_verified_and_returned() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "crc64").await;
    let data = sample(70_000, 3);
    let expected = crc64_nvme_base64(&data);

    let put = s3
        .put_object()
        .bucket("crc64")
        .key("k")
        .checksum_algorithm(ChecksumAlgorithm::Crc64Nvme)
        .body(ByteStream::from(data.clone()))
        .send()
        .await
        .expect("PutObject with CRC64NVME");
    assert_eq!(put.checksum_crc64_nvme(), Some(expected.as_str()), "PutObject returns the CRC64NVME checksum");
    assert_eq!(put.checksum_type(), Some(&ChecksumType::FullObject), "PutObject checksum type");

    let read = s3
        .get_object()
        .bucket("crc64")
        .key("k")
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .expect("GetObject with checksum mode");
    assert_eq!(read.checksum_crc64_nvme(), Some(expected.as_str()), "GetObject returns the CRC64NVME checksum");
    assert_eq!(read.checksum_type(), Some(&ChecksumType::FullObject), "GetObject checksum type");
    let bytes = read.body.collect().await.expect("body").into_bytes();
    assert_eq!(bytes.as_ref(), data.as_slice(), "object bytes");

    let head = s3
        .head_object()
        .bucket("crc64")
        .key("k")
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .expect("HeadObject with checksum mode");
    assert_eq!(head.checksum_crc64_nvme(), Some(expected.as_str()), "HeadObject returns the CRC64NVME checksum");

    let plain = s3.head_object().bucket("crc64").key("k").send().await.expect("HeadObject without checksum mode");
    assert_eq!(plain.checksum_crc64_nvme(), None, "no checksum without checksum mode");
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_crc64_nvme_stores_nothing() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "crc64-wrong").await;
    let wrong = crc64_nvme_base64(b"other bytes");

    let head = format!(
        "PUT /crc64-wrong/k HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n\
         x-amz-content-sha256: UNSIGNED-PAYLOAD\r\nx-amz-checksum-crc64nvme: {wrong}\r\n",
        authorization(OWNER, HOME_REGION)
    );
    let response = exchange(&server, &head, b"the real bytes").await;
    assert_eq!(response.status, 400, "wrong CRC64NVME status: {}", response.text());
    assert!(response.text().contains("<Code>BadDigest</Code>"), "wrong CRC64NVME code: {}", response.text());
    assert!(response.text().contains("CRC64NVME"), "the message names the algorithm: {}", response.text());

    let short = head.replace(&wrong, "AAAA");
    let response = exchange(&server, &short, b"the real bytes").await;
    assert_eq!(response.status, 400, "malformed CRC64NVME status: {}", response.text());
    assert!(response.text().contains("<Code>InvalidRequest</Code>"), "malformed CRC64NVME: {}", response.text());

    let read = s3.head_object().bucket("crc64-wrong").key("k").send().await;
    assert_eq!(outcome(&read), "NotFound", "no object after a rejected upload");
    server.shutdown().await;
}

#[tokio::test]
async fn multipart_crc64_nvme_is_full_object() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "crc64-parts").await;
    let pieces = [sample(5 * MIB, 1), sample(2_000, 2)];
    let whole = pieces.concat();

    let created = s3
        .create_multipart_upload()
        .bucket("crc64-parts")
        .key("k")
        .checksum_algorithm(ChecksumAlgorithm::Crc64Nvme)
        .checksum_type(ChecksumType::FullObject)
        .send()
        .await
        .expect("CreateMultipartUpload with CRC64NVME");
    let upload_id = created.upload_id().expect("UploadId").to_owned();
    assert_eq!(created.checksum_type(), Some(&ChecksumType::FullObject), "upload checksum type");

    let mut parts = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        let number = index as i32 + 1;
        let uploaded = s3
            .upload_part()
            .bucket("crc64-parts")
            .key("k")
            .upload_id(&upload_id)
            .part_number(number)
            .checksum_algorithm(ChecksumAlgorithm::Crc64Nvme)
            .body(ByteStream::from(piece.clone()))
            .send()
            .await
            .expect("UploadPart with CRC64NVME");
        let expected = crc64_nvme_base64(piece);
        assert_eq!(uploaded.checksum_crc64_nvme(), Some(expected.as_str()), "part {number} CRC64NVME");
        parts.push(
            CompletedPart::builder()
                .part_number(number)
                .e_tag(uploaded.e_tag().expect("ETag"))
                .checksum_crc64_nvme(expected)
                .build(),
        );
    }

    let listed = s3.list_parts().bucket("crc64-parts").key("k").upload_id(&upload_id).send().await.expect("ListParts");
    assert_eq!(listed.checksum_algorithm(), Some(&ChecksumAlgorithm::Crc64Nvme), "ListParts ChecksumAlgorithm");
    assert_eq!(listed.checksum_type(), Some(&ChecksumType::FullObject), "ListParts ChecksumType");

    let expected = crc64_nvme_base64(&whole);
    let completed = s3
        .complete_multipart_upload()
        .bucket("crc64-parts")
        .key("k")
        .upload_id(&upload_id)
        .checksum_crc64_nvme(&expected)
        .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
        .send()
        .await
        .expect("CompleteMultipartUpload");
    assert_eq!(completed.checksum_crc64_nvme(), Some(expected.as_str()), "completed object CRC64NVME");
    assert_eq!(completed.checksum_type(), Some(&ChecksumType::FullObject), "completed checksum type");

    let head = s3
        .head_object()
        .bucket("crc64-parts")
        .key("k")
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .expect("HeadObject with checksum mode");
    assert_eq!(head.checksum_crc64_nvme(), Some(expected.as_str()), "the whole object's CRC64NVME, without -N");
    assert_eq!(head.checksum_type(), Some(&ChecksumType::FullObject), "HeadObject checksum type");
    server.shutdown().await;
}

#[tokio::test]
async fn multipart_wrong_full_object_checksum_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "crc64-bad-total").await;
    let piece = sample(1_000, 9);
    let created = s3
        .create_multipart_upload()
        .bucket("crc64-bad-total")
        .key("k")
        .checksum_algorithm(ChecksumAlgorithm::Crc64Nvme)
        .send()
        .await
        .expect("CreateMultipartUpload with CRC64NVME");
    let upload_id = created.upload_id().expect("UploadId").to_owned();
    let uploaded = s3
        .upload_part()
        .bucket("crc64-bad-total")
        .key("k")
        .upload_id(&upload_id)
        .part_number(1)
        .checksum_algorithm(ChecksumAlgorithm::Crc64Nvme)
        .body(ByteStream::from(piece))
        .send()
        .await
        .expect("UploadPart with CRC64NVME");
    let part = CompletedPart::builder().part_number(1).e_tag(uploaded.e_tag().expect("ETag")).build();

    let completed = s3
        .complete_multipart_upload()
        .bucket("crc64-bad-total")
        .key("k")
        .upload_id(&upload_id)
        .checksum_crc64_nvme(crc64_nvme_base64(b"not the object"))
        .multipart_upload(CompletedMultipartUpload::builder().parts(part).build())
        .send()
        .await;
    assert_eq!(outcome(&completed), "BadDigest", "a wrong full-object checksum");
    let read = s3.head_object().bucket("crc64-bad-total").key("k").send().await;
    assert_eq!(outcome(&read), "NotFound", "no object after a rejected completion");
    server.shutdown().await;
}

#[tokio::test]
async fn part_with_other_algorithm_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "crc64-part-mismatch").await;
    let created = s3
        .create_multipart_upload()
        .bucket("crc64-part-mismatch")
        .key("k")
        .checksum_algorithm(ChecksumAlgorithm::Crc64Nvme)
        .send()
        .await
        .expect("CreateMultipartUpload with CRC64NVME");
    let upload_id = created.upload_id().expect("UploadId").to_owned();

    let uploaded = s3
        .upload_part()
        .bucket("crc64-part-mismatch")
        .key("k")
        .upload_id(&upload_id)
        .part_number(1)
        .checksum_algorithm(ChecksumAlgorithm::Crc32)
        .body(ByteStream::from_static(b"part one"))
        .send()
        .await;
    assert_eq!(outcome(&uploaded), "InvalidRequest", "a CRC32 part of a CRC64NVME upload");
    let message = message_of(&uploaded);
    assert!(message.contains("crc64nvme"), "the message names the upload's algorithm: {message}");
    assert!(message.contains("crc32"), "the message names the part's algorithm: {message}");

    let parts =
        s3.list_parts().bucket("crc64-part-mismatch").key("k").upload_id(&upload_id).send().await.expect("ListParts");
    assert!(parts.parts().is_empty(), "the rejected part was not stored: {:?}", parts.parts());
    server.shutdown().await;
}

#[tokio::test]
async fn composite_crc64_nvme_upload_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "crc64-composite").await;

    let created = s3
        .create_multipart_upload()
        .bucket("crc64-composite")
        .key("k")
        .checksum_algorithm(ChecksumAlgorithm::Crc64Nvme)
        .checksum_type(ChecksumType::Composite)
        .send()
        .await;
    assert_eq!(outcome(&created), "InvalidRequest", "CRC64NVME supports only the full-object type");
    let message = message_of(&created);
    assert!(message.contains("COMPOSITE"), "the message names the type: {message}");
    server.shutdown().await;
}

#[tokio::test]
async fn copy_object_computes_crc64_nvme() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "crc64-copy").await;
    let data = sample(4_096, 5);
    put(&s3, "crc64-copy", "source", &data).await;
    let expected = crc64_nvme_base64(&data);

    let copied = s3
        .copy_object()
        .bucket("crc64-copy")
        .key("copy")
        .copy_source("crc64-copy/source")
        .checksum_algorithm(ChecksumAlgorithm::Crc64Nvme)
        .send()
        .await
        .expect("CopyObject with CRC64NVME");
    let result = copied.copy_object_result().expect("CopyObjectResult");
    assert_eq!(result.checksum_crc64_nvme(), Some(expected.as_str()), "CopyObjectResult CRC64NVME");

    let head = s3
        .head_object()
        .bucket("crc64-copy")
        .key("copy")
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .expect("HeadObject of the copy");
    assert_eq!(head.checksum_crc64_nvme(), Some(expected.as_str()), "the copy keeps the CRC64NVME checksum");

    let unknown = s3
        .copy_object()
        .bucket("crc64-copy")
        .key("copy-2")
        .copy_source("crc64-copy/source")
        .checksum_algorithm(ChecksumAlgorithm::from("CRC16"))
        .send()
        .await;
    assert_eq!(outcome(&unknown), "InvalidRequest", "CopyObject with an unknown algorithm");
    server.shutdown().await;
}

#[tokio::test]
async fn storage_classes_are_stored_and_validated() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "classes").await;

    s3.put_object()
        .bucket("classes")
        .key("infrequent")
        .storage_class(StorageClass::StandardIa)
        .body(ByteStream::from_static(b"ia"))
        .send()
        .await
        .expect("PutObject with STANDARD_IA");
    put(&s3, "classes", "standard", b"std").await;

    let head = s3.head_object().bucket("classes").key("infrequent").send().await.expect("HeadObject");
    assert_eq!(head.storage_class(), Some(&StorageClass::StandardIa), "HeadObject x-amz-storage-class");
    let read = s3.get_object().bucket("classes").key("infrequent").send().await.expect("GetObject");
    assert_eq!(read.storage_class(), Some(&StorageClass::StandardIa), "GetObject x-amz-storage-class");
    let head = s3.head_object().bucket("classes").key("standard").send().await.expect("HeadObject");
    assert_eq!(head.storage_class(), None, "S3 sends no x-amz-storage-class for STANDARD");

    let listed = s3.list_objects_v2().bucket("classes").send().await.expect("ListObjectsV2");
    let classes: Vec<(Option<&str>, Option<&ObjectStorageClass>)> =
        listed.contents().iter().map(|object| (object.key(), object.storage_class())).collect();
    assert_eq!(
        classes,
        [
            (Some("infrequent"), Some(&ObjectStorageClass::StandardIa)),
            (Some("standard"), Some(&ObjectStorageClass::Standard))
        ],
        "ListObjectsV2 storage classes"
    );

    let copied = s3
        .copy_object()
        .bucket("classes")
        .key("archived")
        .copy_source("classes/standard")
        .storage_class(StorageClass::Glacier)
        .send()
        .await;
    assert_eq!(outcome(&copied), "ok", "CopyObject into GLACIER");
    let archived = s3.get_object().bucket("classes").key("archived").send().await;
    assert_eq!(outcome(&archived), "InvalidObjectState", "GetObject of a GLACIER object that was never restored");
    let head = s3.head_object().bucket("classes").key("archived").send().await.expect("HeadObject of GLACIER");
    assert_eq!(head.storage_class(), Some(&StorageClass::Glacier), "HeadObject of the GLACIER copy");

    let unknown = s3
        .put_object()
        .bucket("classes")
        .key("unknown")
        .storage_class(StorageClass::from("FREEZER"))
        .body(ByteStream::from_static(b"x"))
        .send()
        .await;
    assert_eq!(outcome(&unknown), "InvalidStorageClass", "PutObject with an unknown class");
    let message = message_of(&unknown);
    assert!(message.contains("FREEZER"), "the message names the class: {message}");
    let read = s3.head_object().bucket("classes").key("unknown").send().await;
    assert_eq!(outcome(&read), "NotFound", "no object after an unknown class");

    let upload = s3
        .create_multipart_upload()
        .bucket("classes")
        .key("unknown-upload")
        .storage_class(StorageClass::from("FREEZER"))
        .send()
        .await;
    assert_eq!(outcome(&upload), "InvalidStorageClass", "CreateMultipartUpload with an unknown class");
    server.shutdown().await;
}

#[tokio::test]
async fn copy_in_place_changes_storage_class() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "class-change").await;
    put(&s3, "class-change", "k", b"body").await;

    let unchanged = s3.copy_object().bucket("class-change").key("k").copy_source("class-change/k").send().await;
    assert_eq!(outcome(&unchanged), "InvalidRequest", "a copy in place that changes nothing");

    let changed = s3
        .copy_object()
        .bucket("class-change")
        .key("k")
        .copy_source("class-change/k")
        .storage_class(StorageClass::StandardIa)
        .send()
        .await;
    assert_eq!(outcome(&changed), "ok", "a copy in place into STANDARD_IA");
    let head = s3.head_object().bucket("class-change").key("k").send().await.expect("HeadObject");
    assert_eq!(head.storage_class(), Some(&StorageClass::StandardIa), "the object is now STANDARD_IA");
    assert_eq!(get(&s3, "class-change", "k").await, b"body", "the copy in place keeps the bytes");

    let back = s3
        .copy_object()
        .bucket("class-change")
        .key("k")
        .copy_source("class-change/k")
        .storage_class(StorageClass::Standard)
        .send()
        .await;
    assert_eq!(outcome(&back), "ok", "a copy in place back into STANDARD");
    let head = s3.head_object().bucket("class-change").key("k").send().await.expect("HeadObject");
    assert_eq!(head.storage_class(), None, "the object is STANDARD again");
    server.shutdown().await;
}

#[tokio::test]
async fn upload_part_copy_of_archived_object_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "archived-part").await;
    s3.put_object()
        .bucket("archived-part")
        .key("cold")
        .storage_class(StorageClass::Glacier)
        .body(ByteStream::from_static(b"archived bytes"))
        .send()
        .await
        .expect("PutObject into GLACIER");
    let created =
        s3.create_multipart_upload().bucket("archived-part").key("copy").send().await.expect("CreateMultipartUpload");
    let upload_id = created.upload_id().expect("UploadId").to_owned();

    let copied = s3
        .upload_part_copy()
        .bucket("archived-part")
        .key("copy")
        .upload_id(&upload_id)
        .part_number(1)
        .copy_source("archived-part/cold")
        .send()
        .await;
    assert_eq!(outcome(&copied), "InvalidObjectState", "UploadPartCopy from a GLACIER object never restored");

    let parts =
        s3.list_parts().bucket("archived-part").key("copy").upload_id(&upload_id).send().await.expect("ListParts");
    assert!(parts.parts().is_empty(), "the rejected copy stored no part: {:?}", parts.parts());
    server.shutdown().await;
}

#[tokio::test]
async fn delete_objects_needs_md5_or_checksum() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "multi-delete").await;
    put(&s3, "multi-delete", "a", b"a").await;
    put(&s3, "multi-delete", "b", b"b").await;
    let body = b"<Delete><Object><Key>a</Key></Object></Delete>";
    let head = format!(
        "POST /multi-delete?delete HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n\
         x-amz-content-sha256: UNSIGNED-PAYLOAD\r\n",
        authorization(OWNER, HOME_REGION)
    );

    let response = exchange(&server, &head, body).await;
    assert_eq!(response.status, 400, "DeleteObjects without a checksum: {}", response.text());
    assert!(response.text().contains("<Code>InvalidRequest</Code>"), "code: {}", response.text());
    assert!(response.text().contains("Content-MD5"), "the message names the header: {}", response.text());
    assert_eq!(get(&s3, "multi-delete", "a").await, b"a", "the rejected request deleted nothing");

    let with_crc32 = format!("{head}x-amz-checksum-crc32: {}\r\n", BASE64.encode(crc32fast::hash(body).to_be_bytes()));
    let response = exchange(&server, &with_crc32, body).await;
    assert_eq!(response.status, 200, "DeleteObjects with a CRC32 checksum: {}", response.text());
    assert!(response.text().contains("<Deleted><Key>a</Key></Deleted>"), "deleted a: {}", response.text());

    // The SDK sends a flexible checksum by default.
    let identifier = ObjectIdentifier::builder().key("b").build().expect("an object identifier");
    let delete = Delete::builder().objects(identifier).build().expect("a Delete");
    let deleted = s3.delete_objects().bucket("multi-delete").delete(delete).send().await;
    assert_eq!(outcome(&deleted), "ok", "DeleteObjects through the SDK");
    server.shutdown().await;
}

#[tokio::test]
async fn sdk_checksum_algorithm_alone_is_rejected() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "sdk-algorithm").await;
    put(&s3, "sdk-algorithm", "kept", b"kept").await;
    let authorization = authorization(OWNER, HOME_REGION);

    let head = format!(
        "PUT /sdk-algorithm/new HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {authorization}\r\n\
         x-amz-content-sha256: UNSIGNED-PAYLOAD\r\nx-amz-sdk-checksum-algorithm: CRC64NVME\r\n"
    );
    let response = exchange(&server, &head, b"hello").await;
    let text = response.text();
    assert_eq!(response.status, 400, "PutObject with only x-amz-sdk-checksum-algorithm: {text}");
    assert!(text.contains("<Code>InvalidRequest</Code>"), "PutObject code: {text}");
    assert!(text.contains("x-amz-sdk-checksum-algorithm"), "the message names the header: {text}");
    let stored = s3.head_object().bucket("sdk-algorithm").key("new").send().await;
    assert_eq!(outcome(&stored), "NotFound", "the rejected PutObject stored nothing");

    let body = b"<Delete><Object><Key>kept</Key></Object></Delete>";
    let head = format!(
        "POST /sdk-algorithm?delete HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {authorization}\r\n\
         x-amz-content-sha256: UNSIGNED-PAYLOAD\r\nx-amz-sdk-checksum-algorithm: CRC32\r\n"
    );
    let response = exchange(&server, &head, body).await;
    let text = response.text();
    assert_eq!(response.status, 400, "DeleteObjects with only x-amz-sdk-checksum-algorithm: {text}");
    assert!(text.contains("<Code>InvalidRequest</Code>"), "DeleteObjects code: {text}");
    assert_eq!(get(&s3, "sdk-algorithm", "kept").await, b"kept", "the rejected DeleteObjects deleted nothing");

    let algorithm_only = head.replace("x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm");
    let response = exchange(&server, &algorithm_only, body).await;
    let text = response.text();
    assert_eq!(response.status, 400, "DeleteObjects with only x-amz-checksum-algorithm: {text}");
    assert!(text.contains("Content-MD5"), "the message names Content-MD5: {text}");
    assert_eq!(get(&s3, "sdk-algorithm", "kept").await, b"kept", "DeleteObjects without a checksum deleted nothing");

    let with_crc32 = format!("{head}x-amz-checksum-crc32: {}\r\n", BASE64.encode(crc32fast::hash(body).to_be_bytes()));
    let response = exchange(&server, &with_crc32, body).await;
    assert_eq!(response.status, 200, "DeleteObjects with the algorithm and its checksum: {}", response.text());
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_range_names_object_size() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "ranges-416").await;
    put(&s3, "ranges-416", "k", b"0123456789").await;

    let head = format!(
        "GET /ranges-416/k HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\nRange: bytes=20-30\r\n",
        authorization(OWNER, HOME_REGION)
    );
    let response = exchange(&server, &head, b"").await;
    assert_eq!(response.status, 416, "unsatisfiable range: {}", response.text());
    assert_eq!(response.header("content-range").as_deref(), Some("bytes */10"), "416 Content-Range");
    assert!(response.text().contains("<Code>InvalidRange</Code>"), "code: {}", response.text());
    server.shutdown().await;
}

#[tokio::test]
async fn create_bucket_location_depends_on_region() {
    let server = start().await;
    let virginia = client(&server, OWNER, "us-east-1");
    let created = virginia.create_bucket().bucket("in-virginia").send().await.expect("CreateBucket in us-east-1");
    assert_eq!(created.location(), Some("/in-virginia"), "us-east-1 Location");

    let mumbai = client(&server, OWNER, HOME_REGION);
    let configuration = aws_sdk_s3::types::CreateBucketConfiguration::builder()
        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(HOME_REGION))
        .build();
    let created = mumbai
        .create_bucket()
        .bucket("in-mumbai")
        .create_bucket_configuration(configuration)
        .send()
        .await
        .expect("CreateBucket in ap-south-1");
    assert_eq!(created.location(), Some("http://in-mumbai.s3.amazonaws.com/"), "Location outside us-east-1");
    server.shutdown().await;
}
