//! The boundary a scenario step records does not depend on the shape of the
//! target's queue URLs.
//!
//! moto returns queue URLs without a region (`http://127.0.0.1:5000/111111111111/q`),
//! as the bundled emulator does under `--queue-url-strategy off`. The test
//! runs one scenario against the bundled target, whose URLs carry the region,
//! and against an emulator started with the `off` strategy, and compares the
//! boundary each step records.
//!
//! A presigned step sends nothing, so it must not claim the bucket name it
//! names for its actor's account.

use std::path::Path;

use crosscheck::driver::Registry;
use crosscheck::runner::run_scenario;
use crosscheck::scenario::load_file;
use crosscheck::target::{AccountStrategy, LiveTargetConfig, TargetSpec};
use crosscheck_emulator::Config;
use crosscheck_emulator::access::{AccessRules, Boundary, Profile};
use crosscheck_emulator::arn::QueueUrlStrategy;
use crosscheck_emulator::server;

const SCENARIO: &str = "sqs/batch_message_operations_work_from_every_boundary.yaml";

#[tokio::test]
async fn boundaries_match_without_region_in_url() {
    let registry = Registry::with_default_drivers();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let scenario = load_file(&root.join(SCENARIO), SCENARIO, &registry).expect("the scenario loads");

    let config = Config {
        access: AccessRules { profile: Profile::Localstack, enforce_iam: false },
        queue_url_strategy: QueueUrlStrategy::Off,
        ..Config::default()
    };
    let server = server::start("127.0.0.1:0".parse().expect("address"), config).await.expect("the emulator starts");
    let off = TargetSpec::live(LiveTargetConfig {
        name: "url-off".to_owned(),
        endpoint_url: Some(format!("http://{}", server.local_addr())),
        strategy: AccountStrategy::access_key(),
    });

    let bundled = run_scenario(&scenario, Profile::Localstack, &TargetSpec::Bundled, &registry)
        .await
        .expect("the bundled run starts");
    let without_region =
        run_scenario(&scenario, Profile::Localstack, &off, &registry).await.expect("the url-off run starts");
    server.shutdown().await;

    // Under `off` a queue URL names no region, so the emulator looks for the
    // queue in the caller's region and a cross-region ReceiveMessage finds
    // nothing. The steps that use its receipt handles are then not run, and
    // a step that is not run records no boundary.
    let mut found = Vec::new();
    for (made, reference) in without_region.steps.iter().zip(&bundled.steps) {
        if made.outcome.is_none() {
            continue;
        }
        assert_eq!(
            made.boundary, reference.boundary,
            "{SCENARIO}: step {} ({} by {}): url-off versus bundled",
            made.number, made.operation, made.actor
        );
        found.push(made.boundary);
    }

    for boundary in [Boundary::Same, Boundary::CrossAccount, Boundary::CrossRegion, Boundary::CrossAccountAndRegion] {
        assert!(found.contains(&Some(boundary)), "{SCENARIO}: no step records {boundary}: {found:?}");
    }
}

/// Another account presigns a URL for a bucket name before the owner
/// creates the bucket, and only then does the owner create it.
const PRESIGN_BEFORE_CREATE: &str = r#"
name: presigned URL for a bucket created later
profiles: [localstack]
actors:
  owner: { account: "111111111111", region: eu-west-1 }
  other: { account: "222222222222", region: eu-west-1 }
steps:
  - actor: other
    call: s3.GetObject
    presign: true
    input: { Bucket: presigned-early, Key: k }
  - actor: owner
    call: s3.CreateBucket
    input: { Bucket: presigned-early, CreateBucketConfiguration: { LocationConstraint: eu-west-1 } }
  - actor: owner
    call: s3.PutObject
    input: { Bucket: presigned-early, Key: k, Body: "x" }
"#;

#[tokio::test]
async fn presign_claims_no_bucket_name() {
    let registry = Registry::with_default_drivers();
    let scenario = crosscheck::scenario::load_str(
        PRESIGN_BEFORE_CREATE,
        Path::new("presign_before_create.yaml"),
        "presign_before_create.yaml",
        &registry,
    )
    .expect("the scenario loads");

    let run = run_scenario(&scenario, Profile::Localstack, &TargetSpec::Bundled, &registry)
        .await
        .expect("the bundled run starts");

    // Presigning sends nothing, so the owner's calls act on its own bucket.
    for step in &run.steps[1..] {
        assert_eq!(
            step.boundary,
            Some(Boundary::Same),
            "step {} ({} by {}): the owner's own bucket",
            step.number,
            step.operation,
            step.actor
        );
    }
}
