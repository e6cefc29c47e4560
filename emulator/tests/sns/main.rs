//! End-to-end tests of the emulator's SNS over real sockets on 127.0.0.1,
//! through the official `aws-sdk-sns` and `aws-sdk-sqs` clients.
//!
//! All tests share one binary, so the AWS SDK is linked once.
//!
//! - `delivery` covers fan-out to queues in other accounts and regions, the
//!   confirmation flow, filter policies, raw delivery and FIFO topics.
//! - `dead_letter` covers failed deliveries moving to a subscription's
//!   dead-letter queue.
//! - `access` covers topic policies, queue policies and regions under each profile.
//! - `bad_input` has one test per kind of invalid request.

mod access;
mod bad_input;
mod common;
mod dead_letter;
mod delivery;
