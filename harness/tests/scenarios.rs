//! One test per scenario file and profile, generated from `scenarios/`.
//!
//! Every `scenarios/**/*.yaml` (except the `matrix/` catalog) becomes one
//! test per profile it states, named `PATH::PROFILE`, for example
//! `sqs/purge_queue_works_from_every_boundary.yaml::localstack`. A file that
//! does not load becomes one failing test named by its path. Each test runs
//! the scenario against a fresh bundled emulator under the profile, checks
//! every step's expectation, and then compares the run with its insta
//! snapshot in `snapshots/<folder>/<file stem>@bundled-<profile>.snap`.
//!
//! Run one scenario: `cargo test -p crosscheck --test scenarios -- sqs/purge`.
//! Record new snapshots: `INSTA_UPDATE=always cargo test -p crosscheck --test
//! scenarios`, then read every new `.snap` before committing it.
//! Works with `cargo nextest run` as well.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use crosscheck::driver::Registry;
use crosscheck::report::ScenarioResult;
use crosscheck::runner::run_scenario;
use crosscheck::scenario::{self, Scenario};
use crosscheck::snapshot::{SnapshotRecord, snapshot_folder, snapshot_name, snapshot_suffix};
use crosscheck::target::TargetSpec;
use crosscheck_emulator::access::Profile;
use libtest_mimic::{Arguments, Failed, Trial};

/// One runtime for every test; each test blocks on it from its own thread.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("the tokio runtime starts")
    })
}

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn main() -> ExitCode {
    let arguments = Arguments::from_args();
    let root = workspace_root();
    let registry = Arc::new(Registry::with_default_drivers());

    let files = match scenario::discover(&root.join("scenarios")) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("cannot list the scenarios: {error}");
            return ExitCode::FAILURE;
        }
    };

    let mut trials = Vec::new();
    for file in files {
        match scenario::load_file(&file.path, &file.id, &registry) {
            Ok(loaded) => {
                let loaded = Arc::new(loaded);
                for profile in loaded.profiles.clone() {
                    let name = format!("{}::{profile}", file.id);
                    let scenario = loaded.clone();
                    let registry = registry.clone();
                    let root = root.clone();
                    trials.push(Trial::test(name, move || run_trial(&scenario, profile, &registry, &root)));
                }
            }
            Err(error) => {
                let message = error.to_string();
                trials.push(Trial::test(file.id, move || Err(Failed::from(message))));
            }
        }
    }

    libtest_mimic::run(&arguments, trials).exit_code()
}

/// Runs one scenario under one profile: expectations first, then the snapshot.
fn run_trial(scenario: &Scenario, profile: Profile, registry: &Registry, root: &Path) -> Result<(), Failed> {
    let target = TargetSpec::Bundled;
    let result = runtime()
        .block_on(run_scenario(scenario, profile, &target, registry))
        .map_err(|error| Failed::from(format!("{} ({profile}): {error}", scenario.id)))?;

    let failures = result.failure_lines();
    if !failures.is_empty() {
        return Err(Failed::from(failures.join("\n")));
    }

    assert_snapshot(scenario, &result, root);
    Ok(())
}

/// Compares the run with its stored snapshot; insta panics on a difference,
/// and libtest-mimic reports the panic as this test's failure.
fn assert_snapshot(scenario: &Scenario, result: &ScenarioResult, root: &Path) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root.join("snapshots").join(snapshot_folder(&scenario.id)));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_suffix(snapshot_suffix(result));
    settings.set_input_file(Path::new("scenarios").join(&scenario.id));
    settings.set_description(format!(
        "{} ({}) under profile {} against the {} target",
        scenario.id, scenario.name, result.profile, result.target
    ));
    settings.set_omit_expression(true);

    let record = SnapshotRecord::of(result);
    settings.bind(|| insta::assert_yaml_snapshot!(snapshot_name(&scenario.id), record));
}
