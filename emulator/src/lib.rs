//! crosscheck's reference AWS emulator.
//!
//! An in-memory AWS endpoint whose account and region namespacing and whose
//! cross-account and cross-region access rules are exact and documented. It
//! speaks the services' real wire protocols, so the official AWS SDKs, the AWS
//! CLI and boto3 work against it unmodified.
//!
//! Every request flows one way: the front door ([`http`]) reads the caller's
//! identity ([`identity`]) and finds the service and operation; the codec
//! decodes the input; the service resolves the resource address to its owning
//! namespace ([`arn`], [`store`]); the one access decision point ([`access`])
//! applies the profile; and only then does the operation touch state.
//!
//! Start a server with [`server::start`]:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = crosscheck_emulator::server::start(
//!     "127.0.0.1:0".parse().unwrap(),
//!     crosscheck_emulator::Config::default(),
//! ).await?;
//! println!("listening on {}", server.endpoint_url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

pub mod access;
pub mod arn;
pub mod config;
pub mod error;
pub mod http;
pub mod identity;
pub mod server;
pub mod services;
pub mod store;

pub use config::Config;
pub use error::{AwsError, AwsResult};
