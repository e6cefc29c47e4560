//! End-to-end tests of the emulator's SQS over real sockets on 127.0.0.1.
//!
//! All tests share one binary, so the AWS SDK is linked once.
//!
//! - `sdk` drives every operation through the official `aws-sdk-sqs` client
//!   across the four boundaries.
//! - `query` checks every operation's awsQuery form and XML.
//! - `bad_input` has one test per kind of invalid request.
//! - `semantics` covers FIFO, dead-letter redrive, delays, long polling and MD5 digests.
//! - `concurrency` checks that producers and consumers lose and duplicate nothing.
//! - `move_tasks` covers dead-letter queue redrive through message move tasks.
//! - `policy` enforces queue policies under the `aws` and
//!   `localstack-enforce-iam` profiles.

mod bad_input;
mod common;
mod concurrency;
mod move_tasks;
mod policy;
mod query;
mod sdk;
mod semantics;
