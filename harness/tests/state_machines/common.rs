//! Shared plumbing: the proptest configuration and an emulator with its own
//! tokio runtime for one test case.

use std::future::Future;
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use crosscheck_emulator::Config;
use crosscheck_emulator::server::{self, ServerHandle};
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence, RngSeed};
use tokio::runtime::Runtime;

/// The account every state-machine test acts as.
pub const ACCOUNT: &str = "111111111111";
pub const REGION: &str = "eu-west-1";

/// Upper bound on one SDK call, so a hung emulator fails the case instead of the run.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds the proptest configuration of one state-machine test: `cases`
/// sequences from the fixed `seed`, with failures persisted to `regressions`
/// (a path relative to the harness crate, where `cargo test` runs).
///
/// The environment variables `PROPTEST_CASES` and `PROPTEST_RNG_SEED`
/// replace `cases` and `seed` for a longer exploratory run; without them
/// every run is the same.
pub fn proptest_config(cases: u32, seed: u64, regressions: &'static str) -> ProptestConfig {
    let defaults = ProptestConfig::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { defaults.cases } else { cases };
    let rng_seed =
        if std::env::var_os("PROPTEST_RNG_SEED").is_some() { defaults.rng_seed } else { RngSeed::Fixed(seed) };
    ProptestConfig {
        cases,
        rng_seed,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        max_shrink_iters: 256,
        ..defaults
    }
}

/// An emulator on 127.0.0.1 port 0 with the runtime that serves it. Dropping
/// it shuts the server down, which also stops any Lambda worker processes.
pub struct Emulator {
    runtime: Runtime,
    server: Option<ServerHandle>,
}

impl Emulator {
    /// Starts an emulator with the default configuration on a fresh
    /// current-thread runtime, which serves the emulator's tasks while a call
    /// is blocked on.
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        let server = runtime
            .block_on(server::start("127.0.0.1:0".parse().expect("address"), Config::default()))
            .expect("the emulator starts");
        Emulator { runtime, server: Some(server) }
    }

    /// Returns the endpoint URL SDK clients use, `http://127.0.0.1:PORT`.
    pub fn endpoint_url(&self) -> String {
        self.server.as_ref().expect("a running server").endpoint_url()
    }

    /// Runs one SDK call to completion, failing if it takes longer than 30 s.
    pub fn call<F: Future>(&self, future: F) -> F::Output {
        self.runtime
            .block_on(async { tokio::time::timeout(CALL_TIMEOUT, future).await })
            .unwrap_or_else(|_| panic!("an SDK call took longer than {CALL_TIMEOUT:?}"))
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let shutdown = async { tokio::time::timeout(Duration::from_secs(10), server.shutdown()).await };
            let _ = self.runtime.block_on(shutdown);
        }
    }
}

/// Static credentials whose access key is the account id, which the emulator
/// reads as the caller's account.
pub fn credentials() -> Credentials {
    Credentials::new(ACCOUNT, "test", None, None, "crosscheck-state-machines")
}

/// Returns the AWS error code of a call's result, or `"ok"` when it succeeded.
pub fn outcome<T, E: ProvideErrorMetadata + std::fmt::Debug>(result: &Result<T, E>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(error) => error.code().map_or_else(|| format!("<no code: {error:?}>"), str::to_owned),
    }
}
