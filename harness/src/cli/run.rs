//! `crosscheck run`: the scenarios and the matrix against a target, then the reports.
//!
//! A run goes through these steps, and stops with exit status 2 at the first
//! that fails:
//!
//! 1. resolve `--target` (`bundled`, an endpoint URL, or a name from the
//!    target file, see [`crate::target::file`]);
//! 2. load and validate the scenarios and the matrix catalogs in
//!    `SCENARIOS/matrix/`; a load error is printed as
//!    `file:line:column: key: message`;
//! 3. check the target ([`crate::target::preflight()`]): it must accept
//!    connections, and every actor of the planned runs must act in its own
//!    account.
//!
//! Then each scenario runs once per profile it states (or only under
//! `--profile`), with one progress line per scenario run on stderr, and the
//! matrix runs once per profile its catalogs state. `--only` picks one of
//! the two. The Markdown compatibility matrix goes to `OUT/compat-matrix.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use crosscheck_emulator::access::Profile;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{EXIT_DIFFERS, EXIT_SUCCESS, EXIT_USAGE};
use crate::driver::Registry;
use crate::matrix::run::{MatrixOptions, run_matrix};
use crate::matrix::{self, BOUNDARIES, Catalog};
use crate::report::matrix::MatrixRun;
use crate::report::{RunReport, markdown};
use crate::runner::run_scenario;
use crate::scenario::{self, Scenario};
use crate::target::{PreflightActor, TargetSpec, preflight};

/// File name of the Markdown report inside `--out`.
pub const MARKDOWN_REPORT: &str = "compat-matrix.md";

/// Scenario runs in flight at once against the bundled target. Each is a
/// chain of calls to its own in-process emulator, so a few at a time keep
/// both cores busy. A live target runs one scenario at a time, because its
/// scenarios share one endpoint's state.
const CONCURRENT_RUNS: usize = 4;

/// The part of a run that `--only` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// The YAML scenarios.
    Scenarios,
    /// The matrix generated from the catalogs in SCENARIOS/matrix.
    Matrix,
}

/// Options of `crosscheck run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Endpoint under test: `bundled` (the reference emulator, started in-process), an endpoint URL such as http://127.0.0.1:4566 (accounts selected by access key id), or a target named in the target file.
    #[arg(long, default_value = "bundled")]
    pub target: String,

    /// Target file that names live endpoints and their account strategies; by default crosscheck.yaml in the working folder.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,

    /// Run each scenario under this profile only (localstack, localstack-enforce-iam or aws); scenarios that do not state it are skipped. By default every profile a scenario states is run.
    #[arg(long)]
    pub profile: Option<Profile>,

    /// Folder searched recursively for scenario files (*.yaml); its matrix/ folder contains the matrix catalogs.
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,

    /// Run only the scenarios or only the matrix; both by default.
    #[arg(long, value_enum)]
    pub only: Option<Only>,

    /// Folder the reports are written to; created when missing.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
}

impl RunArgs {
    fn runs_scenarios(&self) -> bool {
        self.only != Some(Only::Matrix)
    }

    fn runs_matrix(&self) -> bool {
        self.only != Some(Only::Scenarios)
    }
}

/// Runs the scenarios and the matrix and writes the reports; returns the exit status.
pub async fn run(args: RunArgs) -> ExitCode {
    ExitCode::from(run_with_status(args).await)
}

/// Does the work of [`run`] and returns the exit status as a number.
async fn run_with_status(args: RunArgs) -> u8 {
    let target = match TargetSpec::resolve(&args.target, args.targets.as_deref()) {
        Ok(target) => target,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };

    let registry = Arc::new(Registry::with_default_drivers());
    let loaded = match load_inputs(&args, &registry) {
        Ok(loaded) => loaded,
        Err(messages) => {
            for message in messages {
                eprintln!("{message}");
            }
            return EXIT_USAGE;
        }
    };

    let runs = plan_runs(&loaded.scenarios, args.profile);
    let matrix_profiles = plan_matrix_profiles(&loaded.catalogs, args.profile);
    if runs.is_empty() && matrix_profiles.is_empty() {
        eprintln!("error: nothing to run in {} for the chosen profile and --only", args.scenarios.display());
        return EXIT_USAGE;
    }

    let actors = preflight_actors(&runs, &loaded.catalogs, &matrix_profiles);
    let checked = match preflight(&target, &actors).await {
        Ok(summary) => summary,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };
    eprintln!(
        "preflight: target {} responds; {} actor(s) act in their own accounts ({} ms)",
        target.name(),
        checked.actors_checked,
        checked.duration.as_millis()
    );

    let mut report = match execute(runs, &target, registry.clone()).await {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };

    let mut options = MatrixOptions::for_target(&target);
    options.preflight = Some(checked.duration);
    for profile in matrix_profiles {
        match run_matrix(&loaded.catalogs, profile, &target, registry.clone(), &options).await {
            Ok(run) => {
                print_matrix_line(&run);
                report.matrix.push(run);
            }
            Err(error) => {
                eprintln!("error: {error}");
                return EXIT_USAGE;
            }
        }
    }

    let report_path = args.out.join(MARKDOWN_REPORT);
    if let Err(message) = write_report(&args.out, &report_path, &markdown::render(&report)) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }

    print_summary(&report, &report_path);
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

/// The scenarios and catalogs a run uses.
struct Inputs {
    scenarios: Vec<Arc<Scenario>>,
    catalogs: Vec<Arc<Catalog>>,
}

/// Loads what `--only` selects, or returns every load error.
fn load_inputs(args: &RunArgs, registry: &Registry) -> Result<Inputs, Vec<String>> {
    if !args.scenarios.is_dir() {
        return Err(vec![format!("error: the scenarios folder {} does not exist", args.scenarios.display())]);
    }
    let mut errors = Vec::new();

    let scenarios = if args.runs_scenarios() {
        load_scenarios(&args.scenarios, registry).unwrap_or_else(|mut found| {
            errors.append(&mut found);
            Vec::new()
        })
    } else {
        Vec::new()
    };

    let catalog_folder = args.scenarios.join("matrix");
    let catalogs = if args.runs_matrix() && catalog_folder.is_dir() {
        load_catalogs(&catalog_folder, registry).unwrap_or_else(|mut found| {
            errors.append(&mut found);
            Vec::new()
        })
    } else {
        Vec::new()
    };
    if args.only == Some(Only::Matrix) && !catalog_folder.is_dir() {
        errors.push(format!("error: the matrix catalog folder {} does not exist", catalog_folder.display()));
    }

    if errors.is_empty() { Ok(Inputs { scenarios, catalogs }) } else { Err(errors) }
}

/// Loads every scenario under `root`, or returns every load error.
fn load_scenarios(root: &Path, registry: &Registry) -> Result<Vec<Arc<Scenario>>, Vec<String>> {
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

/// Loads every catalog under `root`, or returns every load error.
fn load_catalogs(root: &Path, registry: &Registry) -> Result<Vec<Arc<Catalog>>, Vec<String>> {
    let files = matrix::discover(root).map_err(|error| vec![format!("error: {error}")])?;

    let mut catalogs = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for file in files {
        match matrix::load_file(&file.path, &file.id, registry) {
            Ok(loaded) => catalogs.push(Arc::new(loaded)),
            Err(error) => errors.push(error.to_string()),
        }
    }

    if errors.is_empty() { Ok(catalogs) } else { Err(errors) }
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

/// Lists the profiles some catalog states, in the order [`Profile::NAMES`] gives.
fn plan_matrix_profiles(catalogs: &[Arc<Catalog>], only: Option<Profile>) -> Vec<Profile> {
    Profile::NAMES
        .iter()
        .filter_map(|name| name.parse::<Profile>().ok())
        .filter(|profile| only.is_none_or(|chosen| chosen == *profile))
        .filter(|profile| catalogs.iter().any(|catalog| catalog.rules(*profile).is_some()))
        .collect()
}

/// Lists every actor the planned scenario runs and matrix cells use.
fn preflight_actors(
    runs: &[(Arc<Scenario>, Profile)],
    catalogs: &[Arc<Catalog>],
    matrix_profiles: &[Profile],
) -> Vec<PreflightActor> {
    let mut actors = Vec::new();
    for (scenario, _) in runs {
        for actor in &scenario.actors {
            actors.push(PreflightActor { label: format!("{} in {}", actor.name, scenario.id), actor: actor.clone() });
        }
    }
    for catalog in catalogs {
        if !matrix_profiles.iter().any(|profile| catalog.rules(*profile).is_some()) {
            continue;
        }
        for boundary in BOUNDARIES {
            let caller = catalog.caller(boundary);
            let label = format!("{boundary} caller in matrix/{}", catalog.id);
            actors.push(PreflightActor { label, actor: caller });
        }
    }
    actors
}

/// Runs every planned pair, a few at a time, and collects the results in plan order.
async fn execute(
    runs: Vec<(Arc<Scenario>, Profile)>,
    target: &TargetSpec,
    registry: Arc<Registry>,
) -> Result<RunReport, String> {
    let total = runs.len();
    let concurrency = match target {
        TargetSpec::Bundled => CONCURRENT_RUNS,
        TargetSpec::Live(_) => 1,
    };
    let permits = Arc::new(Semaphore::new(concurrency));
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
        matrix: Vec::new(),
    })
}

fn print_matrix_line(run: &MatrixRun) {
    let totals = run.totals();
    eprintln!(
        "[matrix] {} under {}: {} of {} cells conform, {} differ, {} not run, in {} ms",
        run.catalogs.join(", "),
        run.profile,
        totals.conforming,
        totals.cells,
        totals.differing,
        totals.not_run,
        run.timings.total_ms.round()
    );
}

fn print_summary(report: &RunReport, report_path: &Path) {
    let totals = report.totals();
    if totals.scenario_runs > 0 {
        eprintln!(
            "{} of {} scenario runs hold; {} of {} steps hold, {} differ, {} not run.",
            totals.scenario_runs_holding,
            totals.scenario_runs,
            totals.steps_holding,
            totals.steps,
            totals.steps_differing,
            totals.steps_not_run,
        );
    }
    for run in &report.matrix {
        let totals = run.totals();
        eprintln!("matrix under {}: {} of {} cells conform.", run.profile, totals.conforming, totals.cells);
    }
    eprintln!("Report: {}", report_path.display());
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
        RunArgs { target: target.to_owned(), targets: None, profile: None, scenarios, only: None, out }
    }

    fn all_scenarios() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
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
        let mut args = run_args("no-such-target", selftest_scenarios(), out.clone());
        args.targets = Some(fixtures().join("targets/does-not-exist.yaml"));
        assert_eq!(status_of(args), EXIT_USAGE);
        assert!(!out.exists(), "no report is written when the run cannot be made");
    }

    #[test]
    fn run_stops_when_preflight_fails() {
        // A port that was free a moment ago, so nothing listens on it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("a local address").port();
        drop(listener);

        let out = out_folder("preflight");
        let args = run_args(&format!("http://127.0.0.1:{port}"), selftest_scenarios(), out.clone());
        assert_eq!(status_of(args), EXIT_USAGE);
        assert!(!out.exists(), "no report is written when the target fails its preflight check");
    }

    #[test]
    fn run_only_matrix_writes_matrix_tables() {
        let out = out_folder("matrix");
        let mut args = run_args("bundled", all_scenarios(), out.clone());
        args.only = Some(Only::Matrix);
        args.profile = Some(Profile::Localstack);
        assert_eq!(status_of(args), EXIT_SUCCESS);

        let report = std::fs::read_to_string(out.join(MARKDOWN_REPORT)).expect("the report is written");
        assert!(report.contains("## Matrix: sqs under profile localstack"), "{report}");
        assert!(report.contains("| GetQueueAttributes | url | ✓ ok | ✓ ok | ✓ ok | ✓ ok |"), "{report}");
        assert!(report.contains("No step crossed an account or region boundary."), "no scenario ran: {report}");
        let _ = std::fs::remove_dir_all(out);
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
