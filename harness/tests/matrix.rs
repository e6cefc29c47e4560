//! The SQS, KMS, SNS, Secrets Manager, S3 and Lambda matrices against the bundled
//! emulator, under every profile their catalogs state.
//!
//! Each test runs `scenarios/matrix/<service>.yaml` against a fresh in-process
//! emulator, checks that every cell conforms to the profile's expectation,
//! and then compares the cells with the insta snapshot
//! `snapshots/matrix/<service>@bundled-<profile>.snap`. Record new snapshots with
//! `INSTA_UPDATE=always cargo test -p crosscheck --test matrix` and read them
//! before committing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crosscheck::driver::Registry;
use crosscheck::matrix::run::{MatrixOptions, run_matrix};
use crosscheck::report::matrix::{CellVerdict, MatrixRun};
use crosscheck::snapshot::MatrixSnapshot;
use crosscheck::target::TargetSpec;
use crosscheck_emulator::access::Profile;

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

async fn run_sqs_matrix(profile: Profile) -> MatrixRun {
    run_service_matrix("sqs", profile).await
}

async fn run_service_matrix(service: &str, profile: Profile) -> MatrixRun {
    let registry = Arc::new(Registry::with_default_drivers());
    let file = format!("{service}.yaml");
    let path = workspace_root().join("scenarios/matrix").join(&file);
    let catalog = crosscheck::matrix::load_file(&path, &file, &registry)
        .unwrap_or_else(|error| panic!("the {service} catalog does not load: {error}"));
    assert!(catalog.rules(profile).is_some(), "the {service} catalog states profile {profile}");

    let target = TargetSpec::Bundled;
    let options = MatrixOptions::for_target(&target);
    run_matrix(&[Arc::new(catalog)], profile, &target, registry, &options).await.expect("the bundled emulator starts")
}

fn assert_every_cell_conforms(run: &MatrixRun) {
    let failures: Vec<String> = run
        .cells
        .iter()
        .filter(|cell| cell.verdict != CellVerdict::Conforms)
        .map(|cell| {
            format!(
                "{} by {:?} from {} under {}: {}",
                cell.operation,
                cell.address.map(|kind| kind.as_str()),
                cell.boundary,
                run.profile,
                cell.reasons.join("; ")
            )
        })
        .collect();
    assert!(failures.is_empty(), "{} cell(s) do not conform:\n{}", failures.len(), failures.join("\n"));
}

fn assert_matrix_snapshot(run: &MatrixRun) {
    assert_service_snapshot("sqs", run);
}

fn assert_service_snapshot(service: &str, run: &MatrixRun) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(workspace_root().join("snapshots/matrix"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_suffix(format!("{}-{}", run.target.name, run.profile));
    let input_file = format!("scenarios/matrix/{service}.yaml");
    settings.set_input_file(Path::new(&input_file));
    settings.set_description(format!(
        "matrix/{service}.yaml under profile {} against the {} target",
        run.profile, run.target.name
    ));
    settings.set_omit_expression(true);

    let record = MatrixSnapshot::of(run, service);
    settings.bind(|| insta::assert_yaml_snapshot!(service, record));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqs_matrix_conforms_under_localstack() {
    let run = run_sqs_matrix(Profile::Localstack).await;
    assert_eq!(run.cells.len(), 92, "23 operations from four boundaries");
    assert_every_cell_conforms(&run);
    assert_matrix_snapshot(&run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqs_matrix_conforms_under_localstack_enforce_iam() {
    let run = run_sqs_matrix(Profile::LocalstackEnforceIam).await;
    assert_every_cell_conforms(&run);
    assert_matrix_snapshot(&run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqs_matrix_conforms_under_aws() {
    let run = run_sqs_matrix(Profile::Aws).await;
    assert_every_cell_conforms(&run);
    assert_matrix_snapshot(&run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_run_survives_json_round_trip() {
    let run = run_sqs_matrix(Profile::Localstack).await;
    let json = serde_json::to_string(&run).expect("a matrix run serialises");
    let read: MatrixRun = serde_json::from_str(&json).expect("the JSON reads back");
    assert_eq!(read, run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kms_matrix_conforms_under_localstack() {
    let run = run_service_matrix("kms", Profile::Localstack).await;
    assert_eq!(run.cells.len(), 208, "13 operations by two address kinds, 26 by one or none, from four boundaries");
    assert_every_cell_conforms(&run);
    assert_service_snapshot("kms", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kms_matrix_conforms_under_localstack_enforce_iam() {
    let run = run_service_matrix("kms", Profile::LocalstackEnforceIam).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("kms", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kms_matrix_conforms_under_aws() {
    let run = run_service_matrix("kms", Profile::Aws).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("kms", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sns_matrix_conforms_under_localstack() {
    let run = run_service_matrix("sns", Profile::Localstack).await;
    assert_eq!(run.cells.len(), 76, "19 operations from four boundaries");
    assert_every_cell_conforms(&run);
    assert_service_snapshot("sns", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sns_matrix_conforms_under_localstack_enforce_iam() {
    let run = run_service_matrix("sns", Profile::LocalstackEnforceIam).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("sns", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sns_matrix_conforms_under_aws() {
    let run = run_service_matrix("sns", Profile::Aws).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("sns", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secretsmanager_matrix_conforms_under_localstack() {
    let run = run_service_matrix("secretsmanager", Profile::Localstack).await;
    assert_eq!(run.cells.len(), 72, "18 operations from four boundaries");
    assert_every_cell_conforms(&run);
    assert_service_snapshot("secretsmanager", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secretsmanager_matrix_conforms_under_localstack_enforce_iam() {
    let run = run_service_matrix("secretsmanager", Profile::LocalstackEnforceIam).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("secretsmanager", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secretsmanager_matrix_conforms_under_aws() {
    let run = run_service_matrix("secretsmanager", Profile::Aws).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("secretsmanager", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_matrix_conforms_under_localstack() {
    let run = run_service_matrix("s3", Profile::Localstack).await;
    assert_eq!(run.cells.len(), 148, "37 operations from four boundaries");
    assert_every_cell_conforms(&run);
    assert_service_snapshot("s3", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_matrix_conforms_under_localstack_enforce_iam() {
    let run = run_service_matrix("s3", Profile::LocalstackEnforceIam).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("s3", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_matrix_conforms_under_aws() {
    let run = run_service_matrix("s3", Profile::Aws).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("s3", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_matrix_conforms_under_localstack() {
    let run = run_service_matrix("lambda", Profile::Localstack).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("lambda", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_matrix_conforms_under_localstack_enforce_iam() {
    let run = run_service_matrix("lambda", Profile::LocalstackEnforceIam).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("lambda", &run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_matrix_conforms_under_aws() {
    let run = run_service_matrix("lambda", Profile::Aws).await;
    assert_every_cell_conforms(&run);
    assert_service_snapshot("lambda", &run);
}
