//! The preflight check: before any scenario runs, the target must respond and
//! every actor's credentials must act in the actor's account.
//!
//! A run against an endpoint that is down, or whose account strategy lands
//! every actor in one account (moto with 12-digit access keys does that),
//! would otherwise produce a matrix full of noise. [`preflight`] catches both:
//!
//! 1. the endpoint accepts a TCP connection (skipped for a `profiles` target
//!    without an endpoint, which reaches AWS's own endpoints);
//! 2. per distinct actor (account, region and access key id), the account
//!    strategy yields credentials, for example through STS AssumeRole;
//! 3. STS GetCallerIdentity with those credentials returns the actor's account
//!    (<https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>).
//!
//! Every problem found is listed in one [`PreflightError`], which names the
//! target, the actor, and the expected and returned account.

use std::fmt;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use crosscheck_emulator::access::Profile;

use super::credentials::error_sentences;
use super::{AccountStrategy, Target, TargetSpec};
use crate::scenario::Actor;

/// Maximum time to open the TCP connection that shows the endpoint is listening.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Maximum time to wait for an actor's credentials and for its STS
/// GetCallerIdentity response. A working endpoint answers these at once, so
/// this is shorter than the per-call limit of a run, which allows long polls.
const PREFLIGHT_CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The README section that explains account strategies.
const STRATEGY_README_SECTION: &str = "Point it at your own emulator";

/// An actor to check, with a label that says where it comes from.
#[derive(Debug, Clone)]
pub struct PreflightActor {
    /// Where the actor is defined, e.g. `owner in sqs/purge.yaml`.
    pub label: String,
    pub actor: Actor,
}

/// What a successful preflight check did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreflightSummary {
    /// Distinct actors (account, region and access key id) checked.
    pub actors_checked: usize,
    pub duration: Duration,
}

/// One problem the preflight check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreflightProblem {
    /// The endpoint did not accept a connection.
    Unreachable { detail: String },
    /// The account strategy produced no credentials for an actor.
    NoCredentials { actor: String, account_id: String, detail: String },
    /// GetCallerIdentity failed for an actor.
    CallerIdentityFailed { actor: String, detail: String },
    /// GetCallerIdentity returned another account than the actor's.
    AccountMismatch { actor: String, expected: String, returned: String },
}

impl fmt::Display for PreflightProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreflightProblem::Unreachable { detail } => write!(f, "the endpoint does not respond: {detail}"),
            PreflightProblem::NoCredentials { actor, account_id, detail } => {
                write!(f, "actor {actor}: no credentials for account {account_id}: {detail}")
            }
            PreflightProblem::CallerIdentityFailed { actor, detail } => {
                write!(f, "actor {actor}: STS GetCallerIdentity failed: {detail}")
            }
            PreflightProblem::AccountMismatch { actor, expected, returned } => write!(
                f,
                "actor {actor}: expected account {expected}, but STS GetCallerIdentity returned account {returned}"
            ),
        }
    }
}

/// The target failed its preflight check; the run is not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PreflightError {
    pub target: String,
    /// The endpoint URL, or `AWS's endpoints` for a `profiles` target without one.
    pub endpoint: String,
    pub strategy: &'static str,
    pub problems: Vec<PreflightProblem>,
}

impl fmt::Display for PreflightError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "target {} ({}, account strategy {}) failed the preflight check:",
            self.target, self.endpoint, self.strategy
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }

        let mismatch = self.problems.iter().any(|problem| matches!(problem, PreflightProblem::AccountMismatch { .. }));
        if self.strategy == AccountStrategy::ACCESS_KEY && mismatch {
            write!(
                f,
                "\n  hint: under access-key each actor's access key id is its account id unless the scenario sets \
                 another key. An endpoint that returns another account does not select accounts by access key id; \
                 for such an endpoint, try `account_strategy: assume-role` in a target file (README section \
                 \"{STRATEGY_README_SECTION}\")."
            )?;
        }
        Ok(())
    }
}

/// Checks that `spec` responds and that each of `actors` acts in its account.
///
/// The bundled target is checked on an emulator started only for the check.
pub async fn preflight(spec: &TargetSpec, actors: &[PreflightActor]) -> Result<PreflightSummary, Box<PreflightError>> {
    preflight_within(spec, actors, PREFLIGHT_CALL_TIMEOUT).await
}

/// Runs [`preflight`], waiting at most `call_timeout` for each actor's credentials and STS call.
async fn preflight_within(
    spec: &TargetSpec,
    actors: &[PreflightActor],
    call_timeout: Duration,
) -> Result<PreflightSummary, Box<PreflightError>> {
    let started = Instant::now();
    let failure = |endpoint: String, problems: Vec<PreflightProblem>| {
        Box::new(PreflightError { target: spec.name().to_owned(), endpoint, strategy: spec.strategy_name(), problems })
    };

    // Any profile will do, because STS behaves the same under every profile.
    let target = match spec.start(Profile::Localstack).await {
        Ok(target) => target,
        Err(error) => {
            let problem = PreflightProblem::Unreachable { detail: error.to_string() };
            return Err(failure(describe_endpoint(spec.endpoint_url()), vec![problem]));
        }
    };
    let endpoint = describe_endpoint(target.endpoint_url());

    let result = check_target(&target, actors, call_timeout).await;
    target.shutdown().await;
    let actors_checked = result.map_err(|problems| failure(endpoint, problems))?;

    let summary = PreflightSummary { actors_checked, duration: started.elapsed() };
    tracing::debug!(target = spec.name(), actors = actors_checked, "preflight check passed");
    Ok(summary)
}

fn describe_endpoint(endpoint_url: Option<&str>) -> String {
    endpoint_url.map_or_else(|| "AWS's endpoints".to_owned(), str::to_owned)
}

/// Runs the checks on a started target; returns the number of actors checked or every problem.
async fn check_target(
    target: &Target,
    actors: &[PreflightActor],
    call_timeout: Duration,
) -> Result<usize, Vec<PreflightProblem>> {
    if let Some(endpoint_url) = target.endpoint_url() {
        check_connect(endpoint_url).await.map_err(|detail| vec![PreflightProblem::Unreachable { detail }])?;
    }

    let distinct = distinct_actors(actors);
    let mut problems = Vec::new();
    for checked in &distinct {
        match check_actor(target, checked, call_timeout).await {
            Ok(()) => {}
            Err(problem @ PreflightProblem::Unreachable { .. }) => return Err(vec![problem]),
            Err(problem) => problems.push(problem),
        }
    }

    if problems.is_empty() { Ok(distinct.len()) } else { Err(problems) }
}

/// Keeps the first actor of each (account, region, access key id).
fn distinct_actors(actors: &[PreflightActor]) -> Vec<&PreflightActor> {
    let mut distinct: Vec<&PreflightActor> = Vec::new();
    for candidate in actors {
        let seen = distinct.iter().any(|kept| {
            kept.actor.account_id == candidate.actor.account_id
                && kept.actor.region == candidate.actor.region
                && kept.actor.access_key_id == candidate.actor.access_key_id
        });
        if !seen {
            distinct.push(candidate);
        }
    }
    distinct
}

/// Opens and closes one TCP connection to the endpoint's host and port.
async fn check_connect(endpoint_url: &str) -> Result<(), String> {
    let (host, port) = host_and_port(endpoint_url).ok_or_else(|| format!("{endpoint_url} names no host"))?;
    let connect = tokio::net::TcpStream::connect((host.as_str(), port));
    match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
        Ok(Ok(_stream)) => Ok(()),
        Ok(Err(error)) => Err(format!("connecting to {host}:{port} failed: {error}")),
        Err(_) => Err(format!("connecting to {host}:{port} timed out after {CONNECT_TIMEOUT:?}")),
    }
}

/// Returns the host (without IPv6 brackets) and port of an http(s) URL; the
/// port defaults to 80 for http and 443 for https.
fn host_and_port(endpoint_url: &str) -> Option<(String, u16)> {
    let (scheme, rest) = endpoint_url.split_once("://")?;
    let authority = rest.split('/').next()?;
    let default_port = if scheme == "https" { 443 } else { 80 };

    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => default_port,
    };
    (!host.is_empty()).then(|| (host.to_owned(), port))
}

async fn check_actor(
    target: &Target,
    checked: &PreflightActor,
    call_timeout: Duration,
) -> Result<(), PreflightProblem> {
    let actor = &checked.actor;
    let endpoint = describe_endpoint(target.endpoint_url());
    let no_credentials = |detail: String| PreflightProblem::NoCredentials {
        actor: checked.label.clone(),
        account_id: actor.account_id.clone(),
        detail,
    };
    let timed_out = |waiting_for: &str| PreflightProblem::Unreachable {
        detail: format!("timed out after {} s waiting for {waiting_for} at {endpoint}", call_timeout.as_secs()),
    };

    let config = target.sdk_config(actor).map_err(|error| no_credentials(error.to_string()))?;
    match tokio::time::timeout(call_timeout, resolve_credentials(&config)).await {
        Ok(resolved) => resolved.map_err(no_credentials)?,
        Err(_elapsed) => return Err(timed_out(&format!("the credentials of account {}", actor.account_id))),
    }

    let client = aws_sdk_sts::Client::new(&config);
    let response = tokio::time::timeout(call_timeout, client.get_caller_identity().send()).await;
    let identity = match response {
        Err(_elapsed) => return Err(timed_out("STS GetCallerIdentity")),
        Ok(Ok(identity)) => identity,
        Ok(Err(error @ (SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)))) => {
            let detail = format!("STS GetCallerIdentity at {endpoint} failed: {}", error_sentences(&error));
            return Err(PreflightProblem::Unreachable { detail });
        }
        Ok(Err(error)) => {
            let detail = match (error.code(), error.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_owned(),
                _ => error_sentences(&error),
            };
            return Err(PreflightProblem::CallerIdentityFailed { actor: checked.label.clone(), detail });
        }
    };

    let returned = identity.account().unwrap_or("(none)");
    if returned != actor.account_id {
        return Err(PreflightProblem::AccountMismatch {
            actor: checked.label.clone(),
            expected: actor.account_id.clone(),
            returned: returned.to_owned(),
        });
    }
    Ok(())
}

/// Resolves the configuration's credentials now, so that a failure (such as
/// an AssumeRole that the endpoint rejects) is reported as such.
async fn resolve_credentials(config: &SdkConfig) -> Result<(), String> {
    let Some(provider) = config.credentials_provider() else {
        return Err("the configuration has no credentials provider".to_owned());
    };
    let error = match provider.provide_credentials().await {
        Ok(_) => return Ok(()),
        Err(error) => error,
    };
    // The top message of a credentials error is generic ("an error occurred
    // while loading credentials"), so the sentences start at its source.
    match std::error::Error::source(&error) {
        Some(source) => Err(error_sentences(source)),
        None => Err(error_sentences(&error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::LiveTargetConfig;

    #[tokio::test]
    async fn silent_endpoint_times_out_plainly() {
        // The kernel accepts connections on a bound socket that is never
        // read, so the endpoint takes connections and never responds.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let endpoint = format!("http://{}", listener.local_addr().expect("a local address"));
        let spec = TargetSpec::live(LiveTargetConfig {
            name: "silent".to_owned(),
            endpoint_url: Some(endpoint.clone()),
            strategy: AccountStrategy::access_key(),
        });
        let actor = Actor {
            name: "owner".to_owned(),
            account_id: "111111111111".to_owned(),
            region: "ap-south-1".to_owned(),
            access_key_id: "111111111111".to_owned(),
            addressing: crate::scenario::Addressing::Default,
        };
        let actors = [PreflightActor { label: "owner in test.yaml".to_owned(), actor }];

        let error = preflight_within(&spec, &actors, Duration::from_secs(1)).await.expect_err("nothing responds");
        drop(listener);

        let expected = format!("timed out after 1 s waiting for STS GetCallerIdentity at {endpoint}");
        assert_eq!(error.problems, vec![PreflightProblem::Unreachable { detail: expected }], "{error}");
        assert!(!error.to_string().contains("TimeoutError"), "no Rust debug output: {error}");
    }

    #[test]
    fn hint_names_existing_readme_section() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("README reads");
        let heading = format!("## {STRATEGY_README_SECTION}\n");
        assert!(readme.contains(&heading), "README.md has no section {heading:?}, which the preflight hint names");
    }

    #[test]
    fn mismatch_hint_only_under_access_key() {
        let error = PreflightError {
            target: "moto".to_owned(),
            endpoint: "http://127.0.0.1:5000".to_owned(),
            strategy: AccountStrategy::ASSUME_ROLE,
            problems: vec![PreflightProblem::AccountMismatch {
                actor: "other in sqs/x.yaml".to_owned(),
                expected: "222222222222".to_owned(),
                returned: "123456789012".to_owned(),
            }],
        };
        assert!(!error.to_string().contains("hint:"), "{error}");
    }

    #[test]
    fn host_and_port_reads_urls() {
        assert_eq!(host_and_port("http://127.0.0.1:4566"), Some(("127.0.0.1".to_owned(), 4566)));
        assert_eq!(host_and_port("https://example.test/"), Some(("example.test".to_owned(), 443)));
        assert_eq!(host_and_port("http://[::1]:5000"), Some(("::1".to_owned(), 5000)));
        assert_eq!(host_and_port("http://localhost"), Some(("localhost".to_owned(), 80)));
        assert_eq!(host_and_port("http://:80"), None);
        assert_eq!(host_and_port("no-scheme"), None);
    }

    #[test]
    fn mismatch_message_names_target_actor_and_accounts() {
        let error = PreflightError {
            target: "moto".to_owned(),
            endpoint: "http://127.0.0.1:5000".to_owned(),
            strategy: "access-key",
            problems: vec![PreflightProblem::AccountMismatch {
                actor: "other in sqs/x.yaml".to_owned(),
                expected: "222222222222".to_owned(),
                returned: "123456789012".to_owned(),
            }],
        };
        assert_eq!(
            error.to_string(),
            "target moto (http://127.0.0.1:5000, account strategy access-key) failed the preflight check:\n  \
             - actor other in sqs/x.yaml: expected account 222222222222, but STS GetCallerIdentity returned account 123456789012\n  \
             hint: under access-key each actor's access key id is its account id unless the scenario sets another key. \
             An endpoint that returns another account does not select accounts by access key id; for such an endpoint, \
             try `account_strategy: assume-role` in a target file (README section \"Point it at your own emulator\")."
        );
    }
}
