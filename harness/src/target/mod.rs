//! Targets: the endpoint under test, and per-actor SDK configuration for it.
//!
//! [`TargetSpec`] names a target as `--target` does:
//!
//! - `bundled` (the default): [`TargetSpec::start`] starts the reference
//!   emulator in-process on 127.0.0.1 with a free port, under the profile
//!   being tested;
//! - an endpoint URL such as `http://127.0.0.1:4566`: a live endpoint whose
//!   accounts follow the `access-key` strategy;
//! - a name from a target file ([`mod@file`]): a live endpoint with the account
//!   strategy that file gives it.
//!
//! An account strategy ([`AccountStrategy`]) turns an actor's account into
//! credentials the endpoint accepts for that account: the account id as the
//! access key id (`access-key`), credentials from STS AssumeRole into a role of
//! the account (`assume-role`), or a named AWS CLI profile per account
//! (`profiles`). [`preflight()`] checks, before any scenario runs, that the
//! endpoint responds and that each actor's credentials act in its account.
//!
//! Every actor gets its own [`SdkConfig`]: its credentials, its region and the
//! target's endpoint URL. The endpoint is explicit for every target except a
//! `profiles` target that leaves it out, which is how real AWS is reached.
//! An actor with `addressing: virtual-host` gets the endpoint
//! `http://s3.localhost.localstack.cloud:PORT` instead, with an HTTP client
//! that resolves names under that host to the target's IP address
//! ([`mod@resolver`]), so S3 requests carry the bucket in the `Host` header.
//! Retries are off, so each step records exactly one response, and every
//! call has a time limit.

mod credentials;
pub mod file;
pub mod preflight;
pub mod resolver;

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use crosscheck_emulator::Config;
use crosscheck_emulator::access::{AccessRules, Profile};
use crosscheck_emulator::server::ServerHandle;

use self::credentials::CredentialSource;
use self::resolver::{TargetResolver, VIRTUAL_HOST_SUFFIX};
use crate::error::{Error, Result};
use crate::scenario::{Actor, Addressing};

pub use self::credentials::{AccountStrategy, AssumeRoleSettings, ProfileSettings};
pub use self::preflight::{PreflightActor, PreflightError, preflight};

/// The secret access key actors sign with under the `access-key` strategy.
/// Emulators accept any secret.
pub const SECRET_ACCESS_KEY: &str = "test";

/// The port the bundled emulator puts into the URLs it returns (its queue
/// URLs), whatever port it listens on, so that snapshots do not depend on the
/// free port the run happened to get. 4566 is LocalStack's port. Clients
/// always reach the emulator through the endpoint URL, never through these URLs.
pub const BUNDLED_ADVERTISED_PORT: u16 = 4566;

/// The target name `--target` uses for the in-process emulator.
pub const BUNDLED: &str = "bundled";

/// Maximum time one call may take, long polls of up to 20 seconds included.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Maximum time to open a connection to the target.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The endpoint to test, as named on the command line.
#[derive(Debug, Clone)]
pub enum TargetSpec {
    /// The reference emulator, started in-process for each run.
    Bundled,
    /// An endpoint the harness connects to and never starts.
    Live(Arc<LiveTarget>),
}

/// A live endpoint and how its actors get credentials.
#[derive(Debug)]
pub struct LiveTarget {
    pub config: LiveTargetConfig,
    /// Credentials per account, kept across the runs of one `crosscheck run`
    /// so that an `assume-role` target calls AssumeRole once per account.
    credentials: Arc<CredentialSource>,
}

/// What names a live target: its name, endpoint and account strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveTargetConfig {
    /// The name in reports and snapshots, e.g. `moto`.
    pub name: String,
    /// `None` only under the `profiles` strategy; the SDK then resolves AWS's
    /// own endpoint for each service and region.
    pub endpoint_url: Option<String>,
    pub strategy: AccountStrategy,
}

impl LiveTarget {
    pub fn new(config: LiveTargetConfig) -> LiveTarget {
        let credentials = Arc::new(CredentialSource::new(config.strategy.clone(), config.endpoint_url.clone()));
        LiveTarget { config, credentials }
    }
}

impl TargetSpec {
    /// Builds a live target from its configuration.
    pub fn live(config: LiveTargetConfig) -> TargetSpec {
        TargetSpec::Live(Arc::new(LiveTarget::new(config)))
    }

    /// Resolves `--target`: `bundled`, an endpoint URL, or a target named in
    /// `targets_file` (by default `crosscheck.yaml` in the working folder).
    pub fn resolve(value: &str, targets_file: Option<&std::path::Path>) -> Result<TargetSpec> {
        if let Some(builtin) = parse_builtin(value) {
            return builtin;
        }

        let default_path = std::path::Path::new(file::DEFAULT_TARGET_FILE);
        let path = targets_file.unwrap_or(default_path);
        if !path.is_file() {
            return Err(Error::TargetFileMissing { name: value.to_owned(), path: path.to_path_buf() });
        }
        let targets = file::load_target_file(path)?;
        match targets.find(value) {
            Some(config) => Ok(TargetSpec::live(config.clone())),
            None => {
                Err(Error::UnknownTarget { name: value.to_owned(), file: path.to_path_buf(), known: targets.names() })
            }
        }
    }

    /// Returns the target's name in test names, snapshots and reports.
    pub fn name(&self) -> &str {
        match self {
            TargetSpec::Bundled => BUNDLED,
            TargetSpec::Live(live) => &live.config.name,
        }
    }

    /// Returns the `--target` value that selects this target again:
    /// `bundled`, the endpoint URL of a target given as a URL, or the name
    /// of a target from the target file.
    pub fn argument(&self) -> String {
        let TargetSpec::Live(live) = self else { return BUNDLED.to_owned() };
        let given_as_url = live.config.endpoint_url.as_deref().filter(
            |url| matches!(parse_builtin(url), Some(Ok(TargetSpec::Live(parsed))) if parsed.config == live.config),
        );
        given_as_url.map_or_else(|| live.config.name.clone(), str::to_owned)
    }

    /// Returns the endpoint URL of a live target; `None` for the bundled
    /// target, whose port is chosen when it starts, and for AWS's own endpoints.
    pub fn endpoint_url(&self) -> Option<&str> {
        match self {
            TargetSpec::Bundled => None,
            TargetSpec::Live(live) => live.config.endpoint_url.as_deref(),
        }
    }

    /// Returns the account strategy's name: `access-key`, `assume-role` or `profiles`.
    pub fn strategy_name(&self) -> &'static str {
        match self {
            TargetSpec::Bundled => AccountStrategy::ACCESS_KEY,
            TargetSpec::Live(live) => live.config.strategy.name(),
        }
    }

    /// Starts or connects to the target for one run under `profile`.
    ///
    /// The bundled target starts a fresh emulator each time, so runs never
    /// see each other's resources; starting one takes a few milliseconds. A
    /// live target is only connected to, and keeps its state between runs.
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
                let endpoint_url = server.endpoint_url();
                let credentials =
                    Arc::new(CredentialSource::new(AccountStrategy::access_key(), Some(endpoint_url.clone())));
                Ok(Target {
                    endpoint_url: Some(endpoint_url),
                    server: Some(server),
                    credentials,
                    virtual_host_client: OnceLock::new(),
                })
            }
            TargetSpec::Live(live) => Ok(Target {
                endpoint_url: live.config.endpoint_url.clone(),
                server: None,
                credentials: live.credentials.clone(),
                virtual_host_client: OnceLock::new(),
            }),
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

    /// Parses `--target` with the default target file; see [`TargetSpec::resolve`].
    fn from_str(value: &str) -> Result<TargetSpec> {
        TargetSpec::resolve(value, None)
    }
}

/// Parses the targets that need no target file: `bundled` and endpoint URLs.
fn parse_builtin(value: &str) -> Option<Result<TargetSpec>> {
    if value == BUNDLED {
        return Some(Ok(TargetSpec::Bundled));
    }
    if !is_endpoint_url(value) {
        return None;
    }
    if let Err(reason) = file::check_endpoint_url(value) {
        return Some(Err(Error::InvalidEndpoint { endpoint: value.to_owned(), reason }));
    }
    Some(Ok(TargetSpec::live(LiveTargetConfig {
        name: name_for_endpoint(value),
        endpoint_url: Some(value.trim_end_matches('/').to_owned()),
        strategy: AccountStrategy::access_key(),
    })))
}

/// Whether `value` is meant as an endpoint URL rather than a target name.
fn is_endpoint_url(value: &str) -> bool {
    value.starts_with("http://") || value.starts_with("https://")
}

/// The target name for an endpoint URL: its host and port with `-` between,
/// e.g. `127.0.0.1-4566`, so the name can be part of a file name.
fn name_for_endpoint(endpoint_url: &str) -> String {
    let without_scheme = endpoint_url.split_once("://").map_or(endpoint_url, |(_, rest)| rest);
    let authority = without_scheme.split('/').next().unwrap_or(without_scheme);
    authority.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' }).collect()
}

/// A started target.
pub struct Target {
    endpoint_url: Option<String>,
    /// The in-process emulator, for the bundled target.
    server: Option<ServerHandle>,
    credentials: Arc<CredentialSource>,
    /// The HTTP client of `addressing: virtual-host` actors, built on first use.
    virtual_host_client: OnceLock<SharedHttpClient>,
}

impl Target {
    /// Returns the URL every client sends its requests to; `None` when the
    /// SDK resolves AWS's own endpoints.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// Builds the SDK configuration for `actor`: its credentials, its region, this endpoint.
    ///
    /// Fails when the account strategy has no credentials for the actor's
    /// account, e.g. a `profiles` target that lists no profile for it.
    pub fn sdk_config(&self, actor: &Actor) -> Result<SdkConfig> {
        let provider = self.credentials.provider_for(actor)?;
        let builder = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(actor.region.clone()))
            .credentials_provider(provider)
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).operation_timeout(CALL_TIMEOUT).build(),
            );
        let builder = match (actor.addressing, &self.endpoint_url) {
            (Addressing::Default, Some(endpoint_url)) => {
                builder.http_client(shared_http_client()).endpoint_url(endpoint_url)
            }
            // AWS's own endpoints have real host names, so the SDK uses
            // virtual-host style there by default.
            (_, None) => builder.http_client(shared_http_client()),
            (Addressing::VirtualHost, Some(endpoint_url)) => {
                let (endpoint, address) =
                    virtual_host_endpoint(endpoint_url).map_err(|reason| Error::InvalidEndpoint {
                        endpoint: endpoint_url.clone(),
                        reason: format!("actor {}: {reason}", actor.name),
                    })?;
                let client = self.virtual_host_client.get_or_init(|| resolving_http_client(address)).clone();
                builder.http_client(client).endpoint_url(endpoint)
            }
        };
        Ok(builder.build())
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
pub(crate) fn shared_http_client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let mut builder = aws_smithy_http_client::Builder::new();
            builder.set_pool_max_idle_per_host(Some(0));
            builder.tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc)).build_https()
        })
        .clone()
}

/// Builds the virtual-host endpoint `http://s3.localhost.localstack.cloud:PORT`
/// for an endpoint URL whose host is an IP address, and returns it with that address.
fn virtual_host_endpoint(endpoint_url: &str) -> std::result::Result<(String, IpAddr), String> {
    let Some(authority) = endpoint_url.strip_prefix("http://") else {
        return Err("virtual-host addressing needs an http:// endpoint".to_owned());
    };
    let authority = authority.split('/').next().unwrap_or(authority);
    let socket: SocketAddr = authority.parse().map_err(|_| {
        format!(
            "virtual-host addressing needs an endpoint whose host is an IP address with a port, found {authority:?}"
        )
    })?;
    Ok((format!("http://s3.{VIRTUAL_HOST_SUFFIX}:{}", socket.port()), socket.ip()))
}

/// Builds an HTTP client like [`shared_http_client`] whose names under
/// `localhost.localstack.cloud` resolve to `address`, and no others.
fn resolving_http_client(address: IpAddr) -> SharedHttpClient {
    let mut builder = aws_smithy_http_client::Builder::new();
    builder.set_pool_max_idle_per_host(Some(0));
    builder
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc))
        .build_with_resolver(TargetResolver::new(VIRTUAL_HOST_SUFFIX, address))
}

#[cfg(test)]
mod tests {
    #[test]
    fn argument_selects_target_again() {
        let url = "http://127.0.0.1:4566";
        let from_url = super::TargetSpec::resolve(url, None).expect("a URL is a target");
        assert_eq!(from_url.argument(), url);
        assert_eq!(super::TargetSpec::Bundled.argument(), "bundled");

        let named = super::TargetSpec::live(super::LiveTargetConfig {
            name: "moto".to_owned(),
            endpoint_url: Some(url.to_owned()),
            strategy: super::AccountStrategy::access_key(),
        });
        assert_eq!(named.argument(), "moto");
    }

    use super::*;

    fn actor(account_id: &str, access_key_id: &str) -> Actor {
        Actor {
            name: "owner".to_owned(),
            account_id: account_id.to_owned(),
            region: "ap-south-1".to_owned(),
            access_key_id: access_key_id.to_owned(),
            addressing: crate::scenario::Addressing::Default,
        }
    }

    #[test]
    fn bundled_parses() {
        assert!(matches!("bundled".parse::<TargetSpec>(), Ok(TargetSpec::Bundled)));
    }

    #[test]
    fn endpoint_url_is_access_key_target() {
        let target: TargetSpec = "http://127.0.0.1:4566/".parse().expect("an endpoint URL");
        let TargetSpec::Live(live) = target else { panic!("a URL names a live target") };
        assert_eq!(live.config.name, "127.0.0.1-4566");
        assert_eq!(live.config.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"));
        assert_eq!(live.config.strategy, AccountStrategy::access_key());
    }

    #[test]
    fn malformed_endpoint_url_is_rejected() {
        let error = "http://".parse::<TargetSpec>().expect_err("no host");
        assert!(error.to_string().contains("http://"), "{error}");
    }

    #[test]
    fn name_without_target_file_is_reported() {
        let missing = std::path::Path::new("/nonexistent/crosscheck.yaml");
        let error = TargetSpec::resolve("moto", Some(missing)).expect_err("no target file");
        let message = error.to_string();
        assert!(message.contains("moto"), "{message}");
        assert!(message.contains("/nonexistent/crosscheck.yaml"), "{message}");
    }

    #[tokio::test]
    async fn actor_config_has_explicit_endpoint_and_region() {
        let target: TargetSpec = "http://127.0.0.1:1".parse().expect("an endpoint URL");
        let started = target.start(Profile::Localstack).await.expect("a live target connects lazily");
        let config = started.sdk_config(&actor("111111111111", "111111111111")).expect("access-key credentials");
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:1"));
        assert_eq!(config.region().map(Region::as_ref), Some("ap-south-1"));
    }

    #[tokio::test]
    async fn virtual_host_actor_gets_named_endpoint() {
        let target: TargetSpec = "http://127.0.0.1:4599".parse().expect("an endpoint URL");
        let started = target.start(Profile::Localstack).await.expect("a live target connects lazily");
        let mut owner = actor("111111111111", "111111111111");
        owner.addressing = Addressing::VirtualHost;

        let config = started.sdk_config(&owner).expect("an IP endpoint supports virtual-host addressing");

        assert_eq!(config.endpoint_url(), Some("http://s3.localhost.localstack.cloud:4599"));
    }

    #[test]
    fn virtual_host_endpoint_needs_ip_host() {
        let found = virtual_host_endpoint("http://127.0.0.1:4566");
        assert_eq!(found, Ok(("http://s3.localhost.localstack.cloud:4566".to_owned(), IpAddr::from([127, 0, 0, 1]))));
        assert!(virtual_host_endpoint("http://localhost:4566").is_err());
        assert!(virtual_host_endpoint("https://127.0.0.1:4566").is_err());
        assert!(virtual_host_endpoint("http://127.0.0.1").is_err());
    }

    /// Accepts one connection on `listener`, returns its request head and
    /// answers 404 so the client call ends.
    async fn capture_request_head(listener: tokio::net::TcpListener) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let (mut stream, _) = listener.accept().await.expect("the client connects");
        let mut head = Vec::new();
        let mut buffer = [0_u8; 4096];
        while !head.windows(4).any(|window| window == b"\r\n\r\n") {
            let read = stream.read(&mut buffer).await.expect("the request arrives");
            if read == 0 {
                break;
            }
            head.extend_from_slice(&buffer[..read]);
        }
        let response = "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        stream.write_all(response.as_bytes()).await.expect("the response is sent");
        String::from_utf8_lossy(&head).into_owned()
    }

    #[tokio::test]
    async fn virtual_host_request_names_bucket_in_host() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let port = listener.local_addr().expect("a local address").port();
        let server = tokio::spawn(capture_request_head(listener));
        let target: TargetSpec = format!("http://127.0.0.1:{port}").parse().expect("an endpoint URL");
        let started = target.start(Profile::Localstack).await.expect("a live target connects lazily");
        let mut owner = actor("111111111111", "111111111111");
        owner.addressing = Addressing::VirtualHost;
        let config = started.sdk_config(&owner).expect("an IP endpoint supports virtual-host addressing");

        let registry = crate::driver::Registry::with_default_drivers();
        let (driver, _) = registry.operation("s3", "HeadBucket").expect("the S3 driver calls HeadBucket");
        let input = serde_json::json!({ "Bucket": "my-bucket" });
        let serde_json::Value::Object(input) = input else { unreachable!("a JSON object") };
        let call = driver.call(&config, "HeadBucket", &input);
        let outcome = tokio::time::timeout(Duration::from_secs(10), call).await.expect("the call ends in time");
        let head = tokio::time::timeout(Duration::from_secs(10), server).await.expect("the server ends in time");

        let head = head.expect("the server task finishes").to_ascii_lowercase();
        assert!(head.starts_with("head / http/1.1"), "{head}");
        assert!(head.contains(&format!("host: my-bucket.s3.localhost.localstack.cloud:{port}")), "{head}");
        assert_eq!(outcome.expect("the input fits HeadBucket").status, Some(404));
    }
}
