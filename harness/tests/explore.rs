//! Generated worlds against the bundled emulator over the wire: every call's
//! outcome class is the model's prediction, and no response breaks the
//! properties `crosscheck::generate::properties` checks.
//!
//! The case count and the seed are fixed, so the run is repeatable and stays
//! well under a minute. A failure is shrunk by proptest and kept in
//! `proptest-regressions/explore.txt`, which later runs replay first.

use std::path::Path;

use crosscheck::driver::Registry;
use crosscheck::generate::case::{Service, case};
use crosscheck::generate::counterexample::to_scenario_yaml;
use crosscheck::generate::emit::emit;
use crosscheck::generate::explore::{DEFAULT_MAX_SHRINK_RUNS, ExploreOptions, Explorer};
use crosscheck::generate::properties::judge;
use crosscheck::generate::yaml::to_yaml;
use crosscheck::runner::run_scenario;
use crosscheck::scenario::load_str;
use crosscheck::target::TargetSpec;
use crosscheck_emulator::access::Profile;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed, TestCaseError, TestRunner};

const PROFILES: [Profile; 3] = [Profile::Localstack, Profile::LocalstackEnforceIam, Profile::Aws];

/// Cases per profile in the wire test of the in-process services.
const WIRE_CASES: u32 = 96;

/// Cases per profile in the wire test of Lambda, fewer because every Invoke
/// starts a Python process.
const LAMBDA_CASES: u32 = 64;

/// The seed every run starts from.
const SEED: u64 = 20_261_205;

fn runner(cases: u32, file: &'static str) -> TestRunner {
    TestRunner::new(Config {
        cases,
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(file))),
        ..Config::default()
    })
}

#[test]
fn generated_scenario_round_trips_through_yaml() {
    let registry = Registry::with_default_drivers();
    for profile in PROFILES {
        let mut runner = runner(64, "proptest-regressions/explore-yaml.txt");
        let result = runner.run(&case(&Service::ALL), |case| {
            let generated = emit(&case, profile, "");
            let text = to_yaml(&generated.scenario, &["written by the round-trip test".to_owned()]);
            let loaded = load_str(&text, Path::new("generated.yaml"), "generated.yaml", &registry)
                .map_err(|error| TestCaseError::fail(format!("{error}\n{text}")))?;

            let original = &generated.scenario;
            proptest::prop_assert_eq!(&loaded.name, &original.name);
            proptest::prop_assert_eq!(&loaded.tags, &original.tags);
            proptest::prop_assert_eq!(&loaded.profiles, &original.profiles);
            proptest::prop_assert_eq!(&loaded.actors, &original.actors);
            proptest::prop_assert_eq!(loaded.steps.len(), original.steps.len());
            for (read, written) in loaded.steps.iter().zip(&original.steps) {
                proptest::prop_assert_eq!(read.number, written.number);
                proptest::prop_assert_eq!(&read.actor, &written.actor, "step {}", written.number);
                proptest::prop_assert_eq!(&read.call, &written.call, "step {}", written.number);
                proptest::prop_assert_eq!(&read.input, &written.input, "step {}", written.number);
                proptest::prop_assert_eq!(&read.captures, &written.captures, "step {}", written.number);
                proptest::prop_assert_eq!(&read.expect, &written.expect, "step {}", written.number);
            }
            Ok(())
        });
        if let Err(error) = result {
            panic!("profile {profile}: {error}");
        }
    }
}

fn check_profile(profile: Profile) {
    check_services(profile, &Service::IN_PROCESS, WIRE_CASES, "proptest-regressions/explore.txt");
}

fn check_services(profile: Profile, services: &[Service], cases: u32, persistence: &'static str) {
    let registry = Registry::with_default_drivers();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime starts");
    let mut runner = runner(cases, persistence);

    let result = runner.run(&case(services), |case| {
        let generated = emit(&case, profile, "");
        let result = runtime
            .block_on(run_scenario(&generated.scenario, profile, &TargetSpec::Bundled, &registry))
            .map_err(|error| TestCaseError::fail(format!("the bundled emulator did not start: {error}")))?;
        let disagreements = judge(&generated, &result);
        if disagreements.is_empty() {
            return Ok(());
        }
        let lines: Vec<String> = disagreements
            .iter()
            .map(|disagreement| format!("step {}: {}: {}", disagreement.step, disagreement.kind, disagreement.detail))
            .collect();
        Err(TestCaseError::fail(format!("{}\n{}", lines.join("\n"), to_yaml(&generated.scenario, &[]))))
    });
    if let Err(error) = result {
        panic!("profile {profile}: {error}");
    }
}

#[test]
fn bundled_matches_model_under_localstack() {
    check_profile(Profile::Localstack);
}

#[test]
fn bundled_matches_model_under_localstack_enforce_iam() {
    check_profile(Profile::LocalstackEnforceIam);
}

#[test]
fn bundled_matches_model_under_aws() {
    check_profile(Profile::Aws);
}

#[test]
fn bundled_lambda_matches_model() {
    for profile in PROFILES {
        check_services(profile, &[Service::Lambda], LAMBDA_CASES, "proptest-regressions/explore-lambda.txt");
    }
}

/// Starts the emulator under `profile` on a free port of 127.0.0.1 and
/// returns it with its URL as a live target.
async fn start_emulator(profile: Profile) -> (crosscheck_emulator::server::ServerHandle, TargetSpec) {
    let config = crosscheck_emulator::Config { access: profile.into(), ..crosscheck_emulator::Config::default() };
    let server =
        crosscheck_emulator::server::start(([127, 0, 0, 1], 0).into(), config).await.expect("the emulator starts");
    let target = TargetSpec::resolve(&server.endpoint_url(), None).expect("an endpoint URL is a target");
    (server, target)
}

#[tokio::test]
async fn explorer_shrinks_profile_mismatch() {
    // The target follows localstack while the model predicts aws, so every
    // cross-account or cross-region call that localstack allows disagrees.
    let (server, target) = start_emulator(Profile::Localstack).await;
    let registry = Registry::with_default_drivers();
    let options = ExploreOptions {
        cases: 2,
        seed: SEED,
        profile: Profile::Aws,
        services: vec![Service::Sqs],
        max_shrink_runs: DEFAULT_MAX_SHRINK_RUNS,
    };
    let mut explorer = Explorer::new(options.clone(), &target, None, &registry);
    let report = explorer.run(|_| {}).await.expect("the exploration runs");

    assert!(!report.counts.is_empty(), "no disagreement found:\n{}", report.summary());
    assert!(!report.counterexamples.is_empty(), "no counterexample written");
    for example in &report.counterexamples {
        let text = to_scenario_yaml(example, &options, "found.yaml");
        let loaded = load_str(&text, Path::new("found.yaml"), "found.yaml", &registry)
            .unwrap_or_else(|error| panic!("the counterexample does not load: {error}\n{text}"));
        assert!(loaded.steps.len() <= 4, "{} steps after shrinking:\n{text}", loaded.steps.len());

        let rerun = run_scenario(&loaded, Profile::Aws, &target, &registry).await.expect("the target runs");
        let differs = rerun.steps.iter().filter(|step| !step.verdict.holds()).count();
        assert!(differs > 0, "the written counterexample holds on the target:\n{text}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn counterexamples_share_no_resource_names() {
    // On a live target every counterexample of one folder runs against the
    // same state, so two files that create a same-named queue meet each
    // other's queues. The target follows localstack while the model
    // predicts aws, so several kinds of disagreement show up.
    let (server, target) = start_emulator(Profile::Localstack).await;
    let registry = Registry::with_default_drivers();
    let options = ExploreOptions {
        cases: 20,
        seed: SEED,
        profile: Profile::Aws,
        services: vec![Service::Sqs],
        max_shrink_runs: 50,
    };
    let mut explorer = Explorer::new(options.clone(), &target, None, &registry);
    let report = explorer.run(|_| {}).await.expect("the exploration runs");
    server.shutdown().await;
    assert!(report.counterexamples.len() >= 2, "fewer than two counterexamples:\n{}", report.summary());

    let mut owners: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for (index, example) in report.counterexamples.iter().enumerate() {
        let id = format!("{index:02}.yaml");
        let text = to_scenario_yaml(example, &options, &id);
        let endpoint = target.endpoint_url().expect("a live target has an endpoint");
        assert!(text.contains(&format!("--target {endpoint} ")), "the command selects the target:\n{text}");
        assert!(text.contains("--max-shrink-runs 50"), "the command names the shrink bound:\n{text}");

        let loaded = load_str(&text, Path::new(&id), &id, &registry)
            .unwrap_or_else(|error| panic!("the counterexample does not load: {error}\n{text}"));
        for step in loaded.steps.iter().filter(|step| step.call.to_string() == "sqs.CreateQueue") {
            let name = step.input["QueueName"].as_str().expect("CreateQueue names its queue").to_owned();
            if let Some(other) = owners.get(&name).filter(|other| **other != id) {
                panic!("{id} and {other} both create queue {name}:\n{text}");
            }
            owners.insert(name, id.clone());
        }
    }
}

#[tokio::test]
async fn stop_during_last_shrink_is_reported() {
    // The target follows localstack while the model predicts aws. The first
    // run finds the first case that disagrees. The second run ends at that
    // case and is stopped while it shrinks, so no case is skipped, only the shrink.
    let (server, target) = start_emulator(Profile::Localstack).await;
    let registry = Registry::with_default_drivers();
    let mut options = ExploreOptions {
        cases: 20,
        seed: SEED,
        profile: Profile::Aws,
        services: vec![Service::Sqs],
        max_shrink_runs: 50,
    };
    let mut lines = Vec::new();
    let mut explorer = Explorer::new(options.clone(), &target, None, &registry);
    explorer.run(|line| lines.push(line.to_owned())).await.expect("the exploration runs");
    let first_shrunk = lines
        .iter()
        .find(|line| line.contains(": shrinking "))
        .and_then(|line| line.strip_prefix("case "))
        .and_then(|rest| rest.split(':').next())
        .and_then(|number| number.parse::<u32>().ok())
        .unwrap_or_else(|| panic!("no case was shrunk:\n{}", lines.join("\n")));

    options.cases = first_shrunk;
    let mut explorer = Explorer::new(options, &target, None, &registry);
    let stop = explorer.stop_flag();
    let report = explorer
        .run(|line| {
            if line.contains(": shrinking ") {
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        })
        .await
        .expect("the exploration runs");
    server.shutdown().await;

    assert!(report.interrupted, "a stopped shrink is not reported:\n{}", report.summary());
    assert_eq!(report.cases, first_shrunk, "every case ran");
    assert!(!report.counterexamples.is_empty(), "the case found is still written");
}

#[tokio::test]
async fn lockstep_reports_targets_differ() {
    // The bundled emulator follows aws like the model; the second target
    // follows localstack, so the two part ways on every call across a boundary.
    let (server, second) = start_emulator(Profile::Localstack).await;
    let registry = Registry::with_default_drivers();
    let options = ExploreOptions {
        cases: 2,
        seed: SEED,
        profile: Profile::Aws,
        services: vec![Service::Sqs],
        max_shrink_runs: DEFAULT_MAX_SHRINK_RUNS,
    };
    let first = TargetSpec::Bundled;
    let mut explorer = Explorer::new(options.clone(), &first, Some(&second), &registry);
    let report = explorer.run(|_| {}).await.expect("the exploration runs");
    server.shutdown().await;

    let between = format!("bundled versus {}", second.name());
    assert!(report.counts.keys().any(|(target, _)| *target == between), "{}", report.summary());
    assert!(
        report.counts.keys().all(|(target, _)| target != "bundled"),
        "bundled disagrees with the model:\n{}",
        report.summary()
    );

    let example = report
        .counterexamples
        .iter()
        .find(|example| example.group.0 == between)
        .expect("a counterexample of the targets' difference");
    let text = to_scenario_yaml(example, &options, "found.yaml");
    let observed_line = text.lines().find(|line| {
        line.contains("sqs.") && line.contains("bundled: ") && line.contains(&format!("{}: ", second.name()))
    });
    assert!(observed_line.is_some(), "the observed outcomes of both targets are recorded:\n{text}");
    load_str(&text, Path::new("found.yaml"), "found.yaml", &registry)
        .unwrap_or_else(|error| panic!("the counterexample does not load: {error}\n{text}"));
}
