//! End-to-end tests of the emulator's Lambda over real sockets on 127.0.0.1,
//! through the official `aws-sdk-lambda` client.
//!
//! - `functions` drives functions, versions, aliases, concurrency and tags in one account.
//! - `invoke` runs real Python, Node.js and `provided` handlers: results,
//!   errors, timeouts, log tails, warm reuse and no orphans after shutdown.
//! - `cross_account` covers another account's function and layers by ARN
//!   under each profile, with and without permissions.
//! - `concurrency` scales one version out to parallel processes and throttles.
//! - `code_url` downloads code and layer contents from their Location URLs.
//! - `event_invoke` retries failing Event invocations and sends their records.
//! - `pagination` pages the list operations with the SDK paginators.
//! - `links` unpacks symbolic links in packages and layers safely.
//! - `sns` delivers topic notifications to subscribed functions.
//! - `bad_input` has one test per kind of invalid request.

mod bad_input;
mod code_url;
mod common;
mod concurrency;
mod cross_account;
mod event_invoke;
mod functions;
mod invoke;
mod links;
mod pagination;
mod sns;
