//! `crosscheck run`: every scenario against a target, then the reports.
//!
//! Scenarios are loaded and validated first; any load error stops the run
//! before a call is made and is printed as `file:line:column: key: message`.
//! Then each scenario runs once per profile it states (or only under
//! `--profile`), a few at a time, with one progress line per scenario run on
//! stderr. The Markdown compatibility matrix goes to `OUT/compat-matrix.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use crosscheck_emulator::access::Profile;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{EXIT_DIFFERS, EXIT_SUCCESS, EXIT_USAGE};
use crate::driver::Registry;
use crate::report::{RunReport, markdown};
use crate::runner::run_scenario;
use crate::scenario::{self, Scenario};
use crate::target::TargetSpec;

/// File name of the Markdown report inside `--out`.
pub const MARKDOWN_REPORT: &str = "compat-matrix.md";

/// Scenario runs in flight at once. Each is a chain of calls to its own
/// in-process emulator, so a few at a time keep both cores busy.
const CONCURRENT_RUNS: usize = 4;

/// Options of `crosscheck run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Endpoint under test. `bundled` starts the reference emulator in-process for each scenario; it is the only target for now.
    #[arg(long, default_value = "bundled")]
    pub target: String,

    /// Run each scenario under this profile only (localstack, localstack-enforce-iam or aws); scenarios that do not state it are skipped. By default every profile a scenario states is run.
    #[arg(long)]
    pub profile: Option<Profile>,

    /// Folder searched recursively for scenario files (*.yaml).
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,

    /// Folder the reports are written to; created when missing.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
}

/// Runs the scenarios and writes the reports; returns the exit status.
pub async fn run(args: RunArgs) -> ExitCode {
    ExitCode::from(run_with_status(args).await)
}

/// Does the work of [`run`] and returns the exit status as a number.
async fn run_with_status(args: RunArgs) -> u8 {
    let target: TargetSpec = match args.target.parse() {
        Ok(target) => target,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };

    let registry = Arc::new(Registry::with_default_drivers());
    let scenarios = match load_scenarios(&args.scenarios, &registry) {
        Ok(scenarios) => scenarios,
        Err(messages) => {
            for message in messages {
                eprintln!("{message}");
            }
            return EXIT_USAGE;
        }
    };

    let runs = plan_runs(&scenarios, args.profile);
    if runs.is_empty() {
        eprintln!("error: no scenario to run in {} for the chosen profile", args.scenarios.display());
        return EXIT_USAGE;
    }

    let report = match execute(runs, &target, registry).await {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };

    let report_path = args.out.join(MARKDOWN_REPORT);
    if let Err(message) = write_report(&args.out, &report_path, &markdown::render(&report)) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }

    let totals = report.totals();
    eprintln!(
        "{} of {} scenario runs hold; {} of {} steps hold, {} differ, {} not run. Report: {}",
        totals.scenario_runs_holding,
        totals.scenario_runs,
        totals.steps_holding,
        totals.steps,
        totals.steps_differing,
        totals.steps_not_run,
        report_path.display()
    );

    if report.has_invalid_scenarios() {
        for scenario in report.scenarios.iter().filter(|scenario| scenario.is_invalid()) {
            for line in scenario.failure_lines() {
                eprintln!("invalid scenario: {line}");
            }
        }
        return EXIT_USAGE;
    }
    if report.holds() { EXIT_SUCCESS } else { EXIT_DIFFERS }
}

/// Loads every scenario under `root`, or returns every load error.
fn load_scenarios(root: &Path, registry: &Registry) -> Result<Vec<Arc<Scenario>>, Vec<String>> {
    if !root.is_dir() {
        return Err(vec![format!("error: the scenarios folder {} does not exist", root.display())]);
    }
    let files = scenario::discover(root).map_err(|error| vec![format!("error: {error}")])?;

    let mut scenarios = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for file in files {
        match scenario::load_file(&file.path, &file.id, registry) {
            Ok(loaded) => scenarios.push(Arc::new(loaded)),
            Err(error) => errors.push(error.to_string()),
        }
    }

    if errors.is_empty() { Ok(scenarios) } else { Err(errors) }
}

/// Lists the (scenario, profile) pairs to run, in file order.
fn plan_runs(scenarios: &[Arc<Scenario>], only: Option<Profile>) -> Vec<(Arc<Scenario>, Profile)> {
    let mut runs = Vec::new();
    for scenario in scenarios {
        for profile in &scenario.profiles {
            if only.is_none_or(|chosen| chosen == *profile) {
                runs.push((scenario.clone(), *profile));
            }
        }
    }
    runs
}

/// Runs every planned pair, a few at a time, and collects the results in plan order.
async fn execute(
    runs: Vec<(Arc<Scenario>, Profile)>,
    target: &TargetSpec,
    registry: Arc<Registry>,
) -> Result<RunReport, String> {
    let total = runs.len();
    let permits = Arc::new(Semaphore::new(CONCURRENT_RUNS));
    let mut tasks = JoinSet::new();

    for (index, (scenario, profile)) in runs.into_iter().enumerate() {
        let permits = permits.clone();
        let registry = registry.clone();
        let target = target.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let result = run_scenario(&scenario, profile, &target, &registry).await;
            (index, result)
        });
    }

    let mut results = Vec::with_capacity(total);
    let mut finished = 0;
    while let Some(joined) = tasks.join_next().await {
        let (index, result) = joined.map_err(|error| format!("a scenario run stopped unexpectedly: {error}"))?;
        let result = result.map_err(|error| error.to_string())?;
        finished += 1;
        eprintln!(
            "[{finished}/{total}] {} ({}): {} in {} ms",
            result.scenario_id,
            result.profile,
            if result.holds() { "holds" } else { "differs" },
            result.duration.as_millis()
        );
        results.push((index, result));
    }

    results.sort_by_key(|(index, _)| *index);
    Ok(RunReport {
        target: target.name().to_owned(),
        scenarios: results.into_iter().map(|(_, result)| result).collect(),
    })
}

fn write_report(folder: &Path, path: &Path, content: &str) -> Result<(), String> {
    std::fs::create_dir_all(folder).map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
    std::fs::write(path, content).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
    }

    fn selftest_scenarios() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/harness-selftest")
    }

    /// A fresh output folder under the system's temporary folder.
    fn out_folder(name: &str) -> PathBuf {
        let folder = std::env::temp_dir().join(format!("crosscheck-run-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        folder
    }

    fn run_args(target: &str, scenarios: PathBuf, out: PathBuf) -> RunArgs {
        RunArgs { target: target.to_owned(), profile: None, scenarios, out }
    }

    fn status_of(args: RunArgs) -> u8 {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("the tokio runtime starts");
        runtime.block_on(run_with_status(args))
    }

    #[test]
    fn run_rejects_unknown_target() {
        let out = out_folder("target");
        assert_eq!(status_of(run_args("http://127.0.0.1:4566", selftest_scenarios(), out.clone())), EXIT_USAGE);
        assert!(!out.exists(), "no report is written when the run cannot be made");
    }

    #[test]
    fn run_stops_on_invalid_scenario() {
        let out = out_folder("invalid");
        assert_eq!(status_of(run_args("bundled", fixtures().join("load-errors"), out.clone())), EXIT_USAGE);
        assert!(!out.exists(), "no report is written when a scenario does not load");
    }

    #[test]
    fn run_exits_one_when_target_differs() {
        let out = out_folder("differs");
        assert_eq!(status_of(run_args("bundled", fixtures().join("run-differs"), out.clone())), EXIT_DIFFERS);

        let report = std::fs::read_to_string(out.join(MARKDOWN_REPORT)).expect("the report is written");
        let row = "| `missing_queue_expected_ok.yaml` | localstack | 1 | sqs.GetQueueUrl | cross-account | name | ok | not-found";
        assert!(report.contains(row), "{report}");
        let _ = std::fs::remove_dir_all(out);
    }

    #[test]
    fn run_exits_zero_when_everything_holds() {
        let out = out_folder("holds");
        assert_eq!(status_of(run_args("bundled", selftest_scenarios(), out.clone())), EXIT_SUCCESS);

        let report = std::fs::read_to_string(out.join(MARKDOWN_REPORT)).expect("the report is written");
        assert!(report.starts_with("# Compatibility matrix"), "{report}");
        assert!(report.contains("None: every expectation holds."), "{report}");
        let _ = std::fs::remove_dir_all(out);
    }
}
