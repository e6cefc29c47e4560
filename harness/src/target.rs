//! Targets: the endpoint under test, and per-actor SDK configuration for it.
//!
//! [`TargetSpec`] names a target as the command line does. Today the only
//! one is `bundled`: [`TargetSpec::start`] starts the reference emulator
//! in-process on 127.0.0.1 with a free port, under the profile being tested.
//! A live endpoint becomes another variant that connects instead of starting
//! a server; the per-actor configuration stays the same.
//!
//! Every actor gets its own [`SdkConfig`]: static credentials (key id = the
//! actor's access key id, secret `test`), the actor's region and the target's
//! endpoint URL. The endpoint is always explicit, so no call ever goes to a
//! default AWS endpoint. Retries are off, so each step records exactly one
//! response, and every call has a time limit.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use crosscheck_emulator::Config;
use crosscheck_emulator::access::{AccessRules, Profile};
use crosscheck_emulator::server::ServerHandle;

use crate::error::{Error, Result};
use crate::scenario::Actor;

/// The secret access key every actor signs with. Emulators accept any secret.
pub const SECRET_ACCESS_KEY: &str = "test";

/// The port the bundled emulator puts into the URLs it returns (its queue
/// URLs), whatever port it listens on, so that snapshots do not depend on the
/// free port the run happened to get. 4566 is LocalStack's port. Clients
/// always reach the emulator through the endpoint URL, never through these URLs.
pub const BUNDLED_ADVERTISED_PORT: u16 = 4566;

/// Maximum time one call may take, long polls of up to 20 seconds included.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Maximum time to open a connection to the target.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The endpoint to test, as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// The reference emulator, started in-process for each scenario run.
    Bundled,
}

impl TargetSpec {
    /// Returns the target's name in test names, snapshots and reports.
    pub fn name(&self) -> &'static str {
        match self {
            TargetSpec::Bundled => "bundled",
        }
    }

    /// Starts or connects to the target for one scenario run under `profile`.
    ///
    /// The bundled target starts a fresh emulator each time, so scenarios
    /// never see each other's queues; starting one takes a few milliseconds.
    pub async fn start(&self, profile: Profile) -> Result<Target> {
        match self {
            TargetSpec::Bundled => {
                let config = Config {
                    access: AccessRules { profile, enforce_iam: false },
                    advertised_port: Some(BUNDLED_ADVERTISED_PORT),
                    ..Config::default()
                };
                let listen = ([127, 0, 0, 1], 0).into();
                let server = crosscheck_emulator::server::start(listen, config).await.map_err(Error::TargetStart)?;
                Ok(Target { endpoint_url: server.endpoint_url(), server: Some(server) })
            }
        }
    }
}

impl fmt::Display for TargetSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TargetSpec {
    type Err = Error;

    fn from_str(value: &str) -> Result<TargetSpec> {
        match value {
            "bundled" => Ok(TargetSpec::Bundled),
            // TODO: live targets (an endpoint URL or a named target with an account strategy).
            other => Err(Error::UnknownTarget(other.to_owned())),
        }
    }
}

/// A started target.
pub struct Target {
    endpoint_url: String,
    /// The in-process emulator, for the bundled target.
    server: Option<ServerHandle>,
}

impl Target {
    /// Returns the URL every client sends its requests to.
    pub fn endpoint_url(&self) -> &str {
        &self.endpoint_url
    }

    /// Builds the SDK configuration for `actor`: its credentials, its region, this endpoint.
    pub fn sdk_config(&self, actor: &Actor) -> SdkConfig {
        let credentials = Credentials::new(&actor.access_key_id, SECRET_ACCESS_KEY, None, None, "crosscheck-scenario");
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(actor.region.clone()))
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .endpoint_url(&self.endpoint_url)
            .http_client(shared_http_client())
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).operation_timeout(CALL_TIMEOUT).build(),
            )
            .build()
    }

    /// Stops the bundled emulator once its in-flight requests finish.
    pub async fn shutdown(self) {
        if let Some(server) = self.server {
            server.shutdown().await;
        }
    }
}

/// One HTTP client for every actor and target in the process.
///
/// It keeps no idle connections: each bundled emulator lives for one
/// scenario run, and a pooled connection to a stopped emulator could
/// otherwise be picked for a new one that reuses its port. No proxy is
/// configured, whatever the environment sets, so loopback traffic stays local.
fn shared_http_client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let mut builder = aws_smithy_http_client::Builder::new();
            builder.set_pool_max_idle_per_host(Some(0));
            builder.tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc)).build_https()
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_names_parse() {
        assert_eq!("bundled".parse::<TargetSpec>().ok(), Some(TargetSpec::Bundled));
        let error = "http://localhost:4566".parse::<TargetSpec>().expect_err("live targets are not supported yet");
        assert!(error.to_string().contains("only `bundled`"), "{error}");
    }

    #[test]
    fn actor_config_has_explicit_endpoint_and_region() {
        let target = Target { endpoint_url: "http://127.0.0.1:1".to_owned(), server: None };
        let actor = Actor {
            name: "owner".to_owned(),
            account_id: "111111111111".to_owned(),
            region: "ap-south-1".to_owned(),
            access_key_id: "111111111111".to_owned(),
        };
        let config = target.sdk_config(&actor);
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:1"));
        assert_eq!(config.region().map(Region::as_ref), Some("ap-south-1"));
    }
}
