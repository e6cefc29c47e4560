//! End-to-end tests of the emulator's S3 over real sockets on 127.0.0.1,
//! through the official `aws-sdk-s3` client in path style and through raw
//! HTTP where the exact wire form is under test.
//!
//! All tests share one binary, so the AWS SDK is linked once.
//!
//! - `buckets` and `objects` drive every operation within one account.
//! - `attributes` covers GetObjectAttributes.
//! - `cross_account` covers the global bucket namespace and bucket policies
//!   under each profile.
//! - `multipart` covers multipart uploads, a 20 MiB one among them.
//! - `bodies` checks checksums against independent implementations and
//!   decodes streaming and raw `aws-chunked` bodies.
//! - `addressing` covers virtual-host style, presigned URLs and requests
//!   signed for another region.
//! - `cli` copies a 20 MiB file up and down with the AWS CLI.
//! - `bad_input` has one test per kind of invalid request.
//! - `wire` covers CRC-64/NVME checksums, storage classes, the checksum
//!   DeleteObjects requires, 416 responses and CreateBucket's `Location`.

mod addressing;
mod attributes;
mod bad_input;
mod bodies;
mod buckets;
mod cli;
mod common;
mod cross_account;
mod multipart;
mod objects;
mod wire;
