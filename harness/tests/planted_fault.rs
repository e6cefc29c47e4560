//! A fault planted in the emulator on purpose is found by the explorer and
//! shrunk to at most three steps in the scenario file it writes.
//!
//! The fault (`PlantedFault::SqsAnswersCallersSameNamedQueue`) makes
//! GetQueueAttributes on another account's queue URL return the caller's own
//! queue of the same name. The emulator compiles it in only with its
//! `planted-faults` feature, which this crate enables for its tests alone.

use std::path::Path;

use crosscheck::driver::Registry;
use crosscheck::generate::case::Service;
use crosscheck::generate::counterexample::write_all;
use crosscheck::generate::explore::{DEFAULT_MAX_SHRINK_RUNS, ExploreOptions, Explorer};
use crosscheck::generate::properties::DisagreementKind;
use crosscheck::scenario::load_str;
use crosscheck::target::TargetSpec;
use crosscheck_emulator::Config;
use crosscheck_emulator::access::Profile;
use crosscheck_emulator::config::PlantedFault;

#[tokio::test]
async fn explore_finds_and_shrinks_planted_fault() {
    let config = Config {
        access: Profile::Localstack.into(),
        planted_fault: Some(PlantedFault::SqsAnswersCallersSameNamedQueue),
        ..Config::default()
    };
    let server =
        crosscheck_emulator::server::start(([127, 0, 0, 1], 0).into(), config).await.expect("the emulator starts");
    let target = TargetSpec::resolve(&server.endpoint_url(), None).expect("an endpoint URL is a target");
    let registry = Registry::with_default_drivers();
    let options = ExploreOptions {
        cases: 40,
        seed: 11,
        profile: Profile::Localstack,
        services: vec![Service::Sqs],
        max_shrink_runs: DEFAULT_MAX_SHRINK_RUNS,
    };

    let mut explorer = Explorer::new(options.clone(), &target, None, &registry);
    let report = explorer.run(|_| {}).await.expect("the exploration runs");
    server.shutdown().await;

    // The fault shows in two ways: a same-named queue is returned for a live
    // queue (the wrong namespace responds), or for one deleted earlier in the
    // case (a wrong class, ok where not-found is expected).
    let planted = |kind: &DisagreementKind| match kind {
        DisagreementKind::WrongNamespaceAnswered { operation, .. } | DisagreementKind::WrongClass { operation, .. } => {
            operation == "sqs.GetQueueAttributes"
        }
        _ => false,
    };
    let answered = |kind: &DisagreementKind| matches!(kind, DisagreementKind::WrongNamespaceAnswered { .. });
    assert!(report.counts.keys().any(|(_, kind)| answered(kind)), "the fault was not found:\n{}", report.summary());
    for (_, kind) in report.counts.keys() {
        assert!(planted(kind), "a disagreement other than the planted fault: {kind}\n{}", report.summary());
    }

    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("planted-fault");
    let _ = std::fs::remove_dir_all(&out);
    let paths = write_all(&report.counterexamples, &options, &out).expect("the counterexamples are written");
    assert_eq!(paths.len(), report.counterexamples.len(), "one file per counterexample");
    for (path, example) in paths.iter().zip(&report.counterexamples) {
        let text = std::fs::read_to_string(path).expect("the written file reads");
        let scenario = load_str(&text, path, "found.yaml", &registry)
            .unwrap_or_else(|error| panic!("{} does not load: {error}\n{text}", path.display()));
        // Two CreateQueue steps (the addressed queue and the decoy) and the
        // read. The deleted-queue form adds its DeleteQueue and the read of
        // the same-named queue by its owner that follows every DeleteQueue.
        let max_steps = if answered(&example.group.1) { 3 } else { 5 };
        assert!(scenario.steps.len() <= max_steps, "{} has {} steps:\n{text}", path.display(), scenario.steps.len());
        assert!(text.contains(": sqs.GetQueueAttributes cross-account"), "{text}");
        assert_eq!(
            scenario.steps.last().map(|step| step.call.to_string()).as_deref(),
            Some("sqs.GetQueueAttributes"),
            "{text}"
        );
    }
}
