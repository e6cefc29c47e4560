//! GetObjectAttributes through the SDK: the requested members of a
//! single-part and a multipart object, pages of parts, the header S3
//! requires, and the two permissions a caller of another account needs.

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumType, CompletedMultipartUpload, CompletedPart, ObjectAttributes, StorageClass,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use md5::Digest as _;

use crate::common::{
    HOME_REGION, OTHER, OWNER, authorization, client, create_bucket, exchange, outcome, put, start, start_profile,
};

const MIB: usize = 1024 * 1024;

const ALL_ATTRIBUTES: [ObjectAttributes; 5] = [
    ObjectAttributes::Etag,
    ObjectAttributes::Checksum,
    ObjectAttributes::ObjectParts,
    ObjectAttributes::StorageClass,
    ObjectAttributes::ObjectSize,
];

fn sample(size: usize, seed: u8) -> Vec<u8> {
    (0..size).map(|i| (i as u8).wrapping_mul(11).wrapping_add(seed)).collect()
}

fn crc32_base64(data: &[u8]) -> String {
    BASE64.encode(crc32fast::hash(data).to_be_bytes())
}

/// Uploads `pieces` as the parts of `key`, with CRC32 part checksums when `crc32` is set.
async fn multipart(s3: &Client, bucket: &str, key: &str, pieces: &[Vec<u8>], crc32: bool) {
    let mut create = s3.create_multipart_upload().bucket(bucket).key(key);
    if crc32 {
        create = create.checksum_algorithm(ChecksumAlgorithm::Crc32);
    }
    let upload_id = create.send().await.expect("CreateMultipartUpload").upload_id().expect("UploadId").to_owned();

    let mut parts = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        let number = index as i32 + 1;
        let mut request = s3
            .upload_part()
            .bucket(bucket)
            .key(key)
            .upload_id(&upload_id)
            .part_number(number)
            .body(ByteStream::from(piece.clone()));
        if crc32 {
            request = request.checksum_algorithm(ChecksumAlgorithm::Crc32);
        }
        let uploaded = request.send().await.expect("UploadPart");
        let mut part = CompletedPart::builder().part_number(number).e_tag(uploaded.e_tag().expect("ETag"));
        if crc32 {
            part = part.checksum_crc32(crc32_base64(piece));
        }
        parts.push(part.build());
    }
    s3.complete_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
        .send()
        .await
        .expect("CompleteMultipartUpload");
}

#[tokio::test]
async fn single_part_object_attributes() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "attributes").await;
    let data = sample(70_000, 1);
    s3.put_object()
        .bucket("attributes")
        .key("k")
        .storage_class(StorageClass::StandardIa)
        .checksum_algorithm(ChecksumAlgorithm::Crc32)
        .body(ByteStream::from(data.clone()))
        .send()
        .await
        .expect("PutObject");

    let attributes = s3
        .get_object_attributes()
        .bucket("attributes")
        .key("k")
        .set_object_attributes(Some(ALL_ATTRIBUTES.to_vec()))
        .send()
        .await
        .expect("GetObjectAttributes");

    let md5 = md5::Md5::digest(&data).iter().map(|byte| format!("{byte:02x}")).collect::<String>();
    assert_eq!(attributes.e_tag(), Some(md5.as_str()), "the ETag is the MD5 without quotes");
    assert_eq!(attributes.object_size(), Some(70_000));
    assert_eq!(attributes.storage_class(), Some(&StorageClass::StandardIa));
    let checksum = attributes.checksum().expect("Checksum");
    assert_eq!(checksum.checksum_crc32(), Some(crc32_base64(&data).as_str()));
    assert_eq!(checksum.checksum_type(), Some(&ChecksumType::FullObject));
    assert!(attributes.object_parts().is_none(), "a single-part object has no ObjectParts");
    assert!(attributes.last_modified().is_some(), "Last-Modified");

    // Only the requested members come back.
    let size_only = s3
        .get_object_attributes()
        .bucket("attributes")
        .key("k")
        .object_attributes(ObjectAttributes::ObjectSize)
        .send()
        .await
        .expect("GetObjectAttributes ObjectSize");
    assert_eq!(size_only.object_size(), Some(70_000));
    assert!(size_only.e_tag().is_none(), "no ETag when not requested");
    assert!(size_only.checksum().is_none(), "no Checksum when not requested");
    assert!(size_only.storage_class().is_none(), "no StorageClass when not requested");

    let missing = s3
        .get_object_attributes()
        .bucket("attributes")
        .key("missing")
        .object_attributes(ObjectAttributes::Etag)
        .send()
        .await;
    assert_eq!(outcome(&missing), "NoSuchKey");

    server.shutdown().await;
}

#[tokio::test]
async fn multipart_parts_come_in_pages() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "parts").await;
    let pieces = [sample(5 * MIB, 2), sample(5 * MIB, 3), sample(1_000, 4)];
    multipart(&s3, "parts", "with-checksums", &pieces, true).await;

    let first = s3
        .get_object_attributes()
        .bucket("parts")
        .key("with-checksums")
        .set_object_attributes(Some(ALL_ATTRIBUTES.to_vec()))
        .max_parts(2)
        .send()
        .await
        .expect("GetObjectAttributes, first page");
    assert!(first.e_tag().is_some_and(|etag| etag.ends_with("-3") && !etag.contains('"')), "{:?}", first.e_tag());
    assert_eq!(first.object_size(), Some((10 * MIB + 1_000) as i64));
    assert_eq!(first.checksum().and_then(|checksum| checksum.checksum_type()), Some(&ChecksumType::Composite));
    let parts = first.object_parts().expect("ObjectParts");
    assert_eq!(parts.total_parts_count(), Some(3));
    assert_eq!(parts.max_parts(), Some(2));
    assert_eq!(parts.is_truncated(), Some(true));
    assert_eq!(parts.next_part_number_marker(), Some("2"));
    let listed: Vec<(Option<i32>, Option<i64>, Option<&str>)> =
        parts.parts().iter().map(|part| (part.part_number(), part.size(), part.checksum_crc32())).collect();
    let expected: Vec<(Option<i32>, Option<i64>, Option<String>)> = vec![
        (Some(1), Some(5 * MIB as i64), Some(crc32_base64(&pieces[0]))),
        (Some(2), Some(5 * MIB as i64), Some(crc32_base64(&pieces[1]))),
    ];
    let expected: Vec<(Option<i32>, Option<i64>, Option<&str>)> =
        expected.iter().map(|(number, size, checksum)| (*number, *size, checksum.as_deref())).collect();
    assert_eq!(listed, expected, "the first two parts with their CRC32 checksums");

    let second = s3
        .get_object_attributes()
        .bucket("parts")
        .key("with-checksums")
        .object_attributes(ObjectAttributes::ObjectParts)
        .part_number_marker("2")
        .send()
        .await
        .expect("GetObjectAttributes, second page");
    let parts = second.object_parts().expect("ObjectParts");
    assert_eq!(parts.is_truncated(), Some(false));
    assert_eq!(parts.part_number_marker(), Some("2"));
    let numbers: Vec<Option<i32>> = parts.parts().iter().map(|part| part.part_number()).collect();
    assert_eq!(numbers, [Some(3)], "the page after part 2");
    assert_eq!(parts.parts()[0].size(), Some(1_000));

    server.shutdown().await;
}

#[tokio::test]
async fn parts_without_checksums_give_count_only() {
    let server = start().await;
    // A client that sends checksums only where S3 requires them, so the parts carry none.
    let credentials = aws_credential_types::Credentials::new(OWNER, "test", None, None, "crosscheck-tests");
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new(HOME_REGION))
        .credentials_provider(credentials)
        .endpoint_url(server.endpoint_url())
        .force_path_style(true)
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .build();
    let s3 = Client::from_conf(config);
    create_bucket(&s3, "plain-parts").await;
    multipart(&s3, "plain-parts", "k", &[sample(5 * MIB, 5), sample(10, 6)], false).await;

    let attributes = s3
        .get_object_attributes()
        .bucket("plain-parts")
        .key("k")
        .object_attributes(ObjectAttributes::ObjectParts)
        .object_attributes(ObjectAttributes::Checksum)
        .send()
        .await
        .expect("GetObjectAttributes");
    let parts = attributes.object_parts().expect("ObjectParts");
    assert_eq!(parts.total_parts_count(), Some(2));
    assert!(parts.parts().is_empty(), "no Part elements without part checksums");
    assert!(parts.is_truncated().is_none(), "no paging members without part checksums");
    assert!(attributes.checksum().is_none(), "no Checksum for an object stored without one");

    server.shutdown().await;
}

#[tokio::test]
async fn attributes_header_is_required_and_checked() {
    let server = start().await;
    let s3 = client(&server, OWNER, HOME_REGION);
    create_bucket(&s3, "checked").await;
    put(&s3, "checked", "k", b"body").await;
    let head = |attributes: Option<&str>| {
        let header = attributes.map_or(String::new(), |value| format!("x-amz-object-attributes: {value}\r\n"));
        format!(
            "GET /checked/k?attributes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {}\r\n{header}",
            authorization(OWNER, HOME_REGION)
        )
    };

    for attributes in [None, Some(""), Some(" , ")] {
        let response = exchange(&server, &head(attributes), b"").await;
        assert_eq!(response.status, 400, "{attributes:?}: {}", response.text());
        assert!(response.text().contains("<Code>InvalidRequest</Code>"), "{attributes:?}: {}", response.text());
        assert!(response.text().contains("x-amz-object-attributes header"), "{}", response.text());
    }

    let response = exchange(&server, &head(Some("ETag,ETags")), b"").await;
    assert_eq!(response.status, 400, "{}", response.text());
    assert!(response.text().contains("<Code>InvalidArgument</Code>"), "{}", response.text());
    assert!(response.text().contains("<ArgumentName>x-amz-object-attributes</ArgumentName>"), "{}", response.text());
    assert!(response.text().contains("<ArgumentValue>ETags</ArgumentValue>"), "{}", response.text());

    let bad_marker = format!("{}x-amz-part-number-marker: two\r\n", head(Some("ObjectParts")));
    let response = exchange(&server, &bad_marker, b"").await;
    assert_eq!(response.status, 400, "{}", response.text());
    assert!(response.text().contains("<Code>InvalidArgument</Code>"), "{}", response.text());
    assert!(response.text().contains("<ArgumentValue>two</ArgumentValue>"), "{}", response.text());

    let response = exchange(&server, &head(Some("ObjectSize, ETag")), b"").await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert!(response.text().contains("<ObjectSize>4</ObjectSize>"), "{}", response.text());
    assert!(response.header("last-modified").is_some(), "Last-Modified: {}", response.head);

    server.shutdown().await;
}

#[tokio::test]
async fn other_account_needs_both_permissions() {
    // Under `localstack` GetObjectAttributes is not among the operations
    // LocalStack lists as working across accounts.
    let server = start().await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "unlisted").await;
    put(&owner, "unlisted", "k", b"body").await;
    let read = other
        .get_object_attributes()
        .bucket("unlisted")
        .key("k")
        .object_attributes(ObjectAttributes::Etag)
        .send()
        .await;
    assert_eq!(outcome(&read), "AccessDenied", "localstack");
    server.shutdown().await;

    // Under `aws` the bucket policy must grant s3:GetObject and s3:GetObjectAttributes.
    let server = start_profile("aws").await;
    let owner = client(&server, OWNER, HOME_REGION);
    let other = client(&server, OTHER, HOME_REGION);
    create_bucket(&owner, "granted").await;
    put(&owner, "granted", "k", b"body").await;
    let cases: [(&[&str], &str); 3] = [
        (&["s3:GetObject"], "AccessDenied"),
        (&["s3:GetObjectAttributes"], "AccessDenied"),
        (&["s3:GetObject", "s3:GetObjectAttributes"], "ok"),
    ];
    for (actions, expected) in cases {
        let policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{OTHER}:root")},
                "Action": actions,
                "Resource": "arn:aws:s3:::granted/*",
            }],
        });
        owner.put_bucket_policy().bucket("granted").policy(policy.to_string()).send().await.expect("PutBucketPolicy");
        let read = other
            .get_object_attributes()
            .bucket("granted")
            .key("k")
            .object_attributes(ObjectAttributes::ObjectSize)
            .send()
            .await;
        assert_eq!(outcome(&read), expected, "granted {actions:?}");
    }
    server.shutdown().await;
}
