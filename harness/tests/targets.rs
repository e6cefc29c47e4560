//! Live targets and their account strategies, checked against an emulator
//! each test starts on 127.0.0.1:0, the way a run checks moto or LocalStack.
//!
//! The emulator serves STS, so all three strategies run without leaving the
//! machine. `access-key` uses 12-digit key ids. Under `assume-role`, STS
//! AssumeRole returns keys that encode the role's account. Under `profiles`,
//! the AWS CLI profiles come from files the test writes, and the endpoint URL
//! stays explicit. Each strategy has a passing preflight check and a failing
//! one that must name the target, the actor and both accounts.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crosscheck::driver::Registry;
use crosscheck::matrix::run::{MatrixOptions, run_matrix};
use crosscheck::report::matrix::CellVerdict;
use crosscheck::scenario::{Actor, Addressing};
use crosscheck::target::preflight::PreflightProblem;
use crosscheck::target::{
    AccountStrategy, AssumeRoleSettings, LiveTargetConfig, PreflightActor, PreflightError, ProfileSettings, TargetSpec,
    preflight,
};
use crosscheck_emulator::Config;
use crosscheck_emulator::access::{AccessRules, Profile};
use crosscheck_emulator::server::{self, ServerHandle};

async fn start_emulator() -> ServerHandle {
    let config =
        Config { access: AccessRules { profile: Profile::Localstack, enforce_iam: false }, ..Config::default() };
    server::start("127.0.0.1:0".parse().expect("address"), config).await.expect("the emulator starts")
}

fn live(name: &str, endpoint_url: &str, strategy: AccountStrategy) -> TargetSpec {
    TargetSpec::live(LiveTargetConfig { name: name.to_owned(), endpoint_url: Some(endpoint_url.to_owned()), strategy })
}

fn actor(name: &str, account_id: &str, region: &str, access_key_id: &str) -> PreflightActor {
    PreflightActor {
        label: format!("{name} in test.yaml"),
        actor: Actor {
            name: name.to_owned(),
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            access_key_id: access_key_id.to_owned(),
            addressing: Addressing::Default,
        },
    }
}

fn two_accounts() -> Vec<PreflightActor> {
    vec![
        actor("owner", "111111111111", "ap-south-1", "111111111111"),
        actor("other", "222222222222", "eu-central-1", "222222222222"),
        // The same account and key in another region is checked separately.
        actor("roaming", "111111111111", "eu-central-1", "111111111111"),
    ]
}

/// A folder under the system's temporary folder, removed when dropped.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new(name: &str) -> TempFolder {
        let folder = std::env::temp_dir().join(format!("crosscheck-targets-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("a temporary folder");
        TempFolder(folder)
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes AWS CLI config and credentials files into `folder`.
fn profile_files(folder: &TempFolder, credentials: &str) -> (PathBuf, PathBuf) {
    let config = folder.0.join("config");
    let credentials_file = folder.0.join("credentials");
    std::fs::write(&config, "").expect("the config file is written");
    std::fs::write(&credentials_file, credentials).expect("the credentials file is written");
    (config, credentials_file)
}

fn profiles_strategy(config: PathBuf, credentials: PathBuf) -> AccountStrategy {
    let mut profiles = BTreeMap::new();
    profiles.insert("111111111111".to_owned(), "crosscheck-owner".to_owned());
    profiles.insert("222222222222".to_owned(), "crosscheck-other".to_owned());
    AccountStrategy::Profiles(ProfileSettings {
        profiles,
        config_file: Some(config),
        credentials_file: Some(credentials),
    })
}

fn only_problem(error: &PreflightError) -> &PreflightProblem {
    assert_eq!(error.problems.len(), 1, "{error}");
    &error.problems[0]
}

#[tokio::test]
async fn access_key_preflight_passes() {
    let server = start_emulator().await;
    let target = live("emulator", &server.endpoint_url(), AccountStrategy::access_key());

    let summary = preflight(&target, &two_accounts()).await.expect("the preflight check passes");
    assert_eq!(summary.actors_checked, 3);

    server.shutdown().await;
}

#[tokio::test]
async fn non_numeric_access_key_fails_preflight() {
    let server = start_emulator().await;
    let target = live("emulator", &server.endpoint_url(), AccountStrategy::access_key());
    let actors = vec![actor("owner", "111111111111", "ap-south-1", "not-an-account")];

    let error = preflight(&target, &actors).await.expect_err("the key acts in the default account");
    assert_eq!(
        only_problem(&error),
        &PreflightProblem::AccountMismatch {
            actor: "owner in test.yaml".to_owned(),
            expected: "111111111111".to_owned(),
            returned: "000000000000".to_owned(),
        }
    );
    let message = error.to_string();
    assert!(message.contains("target emulator"), "{message}");
    assert!(message.contains("owner in test.yaml"), "{message}");

    server.shutdown().await;
}

#[tokio::test]
async fn assume_role_preflight_passes() {
    let server = start_emulator().await;
    let strategy = AccountStrategy::AssumeRole(AssumeRoleSettings::default());
    let target = live("emulator", &server.endpoint_url(), strategy);

    let summary = preflight(&target, &two_accounts()).await.expect("the preflight check passes");
    assert_eq!(summary.actors_checked, 3);

    server.shutdown().await;
}

#[tokio::test]
async fn rejected_assume_role_fails_preflight() {
    let server = start_emulator().await;
    // The target file loader rejects such a name; a hand-built target reaches STS with it.
    let settings = AssumeRoleSettings { role_name: "not a role name".to_owned(), ..AssumeRoleSettings::default() };
    let target = live("emulator", &server.endpoint_url(), AccountStrategy::AssumeRole(settings));
    let actors = vec![actor("owner", "111111111111", "ap-south-1", "111111111111")];

    let error = preflight(&target, &actors).await.expect_err("STS rejects the role ARN");
    let PreflightProblem::NoCredentials { actor, account_id, detail } = only_problem(&error) else {
        panic!("expected missing credentials: {error}");
    };
    assert_eq!(actor, "owner in test.yaml");
    assert_eq!(account_id, "111111111111");
    assert!(detail.contains("ValidationError"), "{detail}");
    assert!(detail.contains("arn:aws:iam::111111111111:role/not a role name"), "{detail}");

    server.shutdown().await;
}

#[tokio::test]
async fn profiles_preflight_passes() {
    let server = start_emulator().await;
    let folder = TempFolder::new("profiles-pass");
    let (config, credentials) = profile_files(
        &folder,
        "[crosscheck-owner]\naws_access_key_id = 111111111111\naws_secret_access_key = test\n\n\
         [crosscheck-other]\naws_access_key_id = 222222222222\naws_secret_access_key = test\n",
    );
    let target = live("emulator", &server.endpoint_url(), profiles_strategy(config, credentials));

    let summary = preflight(&target, &two_accounts()).await.expect("the preflight check passes");
    assert_eq!(summary.actors_checked, 3);

    server.shutdown().await;
}

#[tokio::test]
async fn wrong_profile_mapping_fails_preflight() {
    let server = start_emulator().await;
    let folder = TempFolder::new("profiles-wrong");
    // The profile listed for 222222222222 contains 333333333333's key.
    let (config, credentials) = profile_files(
        &folder,
        "[crosscheck-owner]\naws_access_key_id = 111111111111\naws_secret_access_key = test\n\n\
         [crosscheck-other]\naws_access_key_id = 333333333333\naws_secret_access_key = test\n",
    );
    let target = live("emulator", &server.endpoint_url(), profiles_strategy(config, credentials));

    let error = preflight(&target, &two_accounts()).await.expect_err("one profile holds another account");
    assert_eq!(
        only_problem(&error),
        &PreflightProblem::AccountMismatch {
            actor: "other in test.yaml".to_owned(),
            expected: "222222222222".to_owned(),
            returned: "333333333333".to_owned(),
        }
    );

    server.shutdown().await;
}

#[tokio::test]
async fn unlisted_account_fails_preflight() {
    let server = start_emulator().await;
    let folder = TempFolder::new("profiles-unlisted");
    let (config, credentials) =
        profile_files(&folder, "[crosscheck-owner]\naws_access_key_id = 111111111111\naws_secret_access_key = test\n");
    let target = live("emulator", &server.endpoint_url(), profiles_strategy(config, credentials));
    let actors = vec![actor("third", "444444444444", "ap-south-1", "444444444444")];

    let error = preflight(&target, &actors).await.expect_err("no profile for the account");
    let PreflightProblem::NoCredentials { account_id, .. } = only_problem(&error) else {
        panic!("expected missing credentials: {error}");
    };
    assert_eq!(account_id, "444444444444");

    server.shutdown().await;
}

#[tokio::test]
async fn missing_profile_names_profile_and_files() {
    let server = start_emulator().await;
    let folder = TempFolder::new("profiles-missing");
    // The profile listed for 222222222222 is in neither file.
    let (config, credentials) =
        profile_files(&folder, "[crosscheck-owner]\naws_access_key_id = 111111111111\naws_secret_access_key = test\n");
    let target = live("emulator", &server.endpoint_url(), profiles_strategy(config.clone(), credentials.clone()));
    let actors = vec![actor("other", "222222222222", "ap-south-1", "222222222222")];

    let error = preflight(&target, &actors).await.expect_err("the profile does not exist");
    let PreflightProblem::NoCredentials { detail, .. } = only_problem(&error) else {
        panic!("expected missing credentials: {error}");
    };
    assert!(detail.contains("profile crosscheck-other"), "names the profile: {detail}");
    assert!(detail.contains(&config.display().to_string()), "names the config file: {detail}");
    assert!(detail.contains(&credentials.display().to_string()), "names the credentials file: {detail}");
    assert!(!detail.contains('{'), "no Rust debug output: {detail}");

    server.shutdown().await;
}

#[tokio::test]
async fn closed_port_fails_preflight() {
    // A port that was free a moment ago, so nothing listens on it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a local address").port();
    drop(listener);
    let target = live("nothing", &format!("http://127.0.0.1:{port}"), AccountStrategy::access_key());

    let error = preflight(&target, &two_accounts()).await.expect_err("nothing listens");
    assert!(matches!(only_problem(&error), PreflightProblem::Unreachable { .. }), "{error}");
    assert!(error.to_string().contains("does not respond"), "{error}");
}

#[tokio::test]
async fn bundled_preflight_passes() {
    let summary = preflight(&TargetSpec::Bundled, &two_accounts()).await.expect("the preflight check passes");
    assert_eq!(summary.actors_checked, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_conforms_through_assume_role() {
    let server = start_emulator().await;
    let strategy = AccountStrategy::AssumeRole(AssumeRoleSettings::default());
    let target = live("emulator", &server.endpoint_url(), strategy);

    let registry = Arc::new(Registry::with_default_drivers());
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/matrix/sqs.yaml");
    let catalog = crosscheck::matrix::load_file(&path, "sqs.yaml", &registry).expect("the SQS catalog loads");
    let options = MatrixOptions::for_target(&target);
    let run = run_matrix(&[Arc::new(catalog)], Profile::Localstack, &target, registry, &options)
        .await
        .expect("a live target needs no start");

    let failures: Vec<String> = run
        .cells
        .iter()
        .filter(|cell| cell.verdict != CellVerdict::Conforms)
        .map(|cell| format!("{} from {}: {}", cell.operation, cell.boundary, cell.reasons.join("; ")))
        .collect();
    assert!(failures.is_empty(), "cells that do not conform:\n{}", failures.join("\n"));
    assert_eq!(run.target.account_strategy, "assume-role");

    server.shutdown().await;
}

#[test]
fn named_target_resolves_from_file() {
    let folder = TempFolder::new("file");
    let file = folder.0.join("crosscheck.yaml");
    std::fs::write(
        &file,
        "targets:\n  moto:\n    endpoint: http://127.0.0.1:5000\n    account_strategy: assume-role\n",
    )
    .expect("the target file is written");

    let target = TargetSpec::resolve("moto", Some(&file)).expect("moto is defined");
    assert_eq!(target.name(), "moto");
    assert_eq!(target.endpoint_url(), Some("http://127.0.0.1:5000"));
    assert_eq!(target.strategy_name(), "assume-role");

    let error = TargetSpec::resolve("localstack", Some(&file)).expect_err("localstack is not defined");
    assert!(error.to_string().contains("defines moto"), "{error}");
}

#[test]
fn example_target_file_loads() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crosscheck.example.yaml");
    let file = crosscheck::target::file::load_target_file(&path).expect("the example target file is valid");
    let moto = file.find("moto").expect("the example defines moto");
    assert_eq!(moto.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
    assert_eq!(moto.strategy.name(), "assume-role");
    let localstack = file.find("localstack").expect("the example defines localstack");
    assert_eq!(localstack.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"));
    assert_eq!(localstack.strategy.name(), "access-key");
}
