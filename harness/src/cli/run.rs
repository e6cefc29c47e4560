//! `crosscheck run`: the scenarios and the matrix against a target, then the reports.
//!
//! A run goes through these steps, and stops with exit status 2 at the first
//! that fails:
//!
//! 1. resolve `--target` (`bundled`, an endpoint URL, or a name from the
//!    target file, see [`crate::target::file`]);
//! 2. check that `--out` is a folder or can be created as one;
//! 3. load and validate the scenarios and the matrix catalogs in
//!    `SCENARIOS/matrix/`; a load error is printed as
//!    `file:line:column: key: message`;
//! 4. check the target ([`crate::target::preflight()`]): it must accept
//!    connections, and every actor of the planned runs must act in its own
//!    account.
//!
//! Then each scenario runs once per profile it states (or only under
//! `--profile`), and the matrix runs once per profile its catalogs state,
//! with progress on stderr ([`super::progress`]). `--only` picks one of the
//! two. Each profile gets its own report, written to `OUT` in each
//! `--format` as `<target>-<profile>.md`, `.html`, `.json` and `.xml`
//! ([`crate::report::files`]), and the index `OUT/compat-matrix.md`, written
//! whatever the formats, lists this run's reports and every report saved as
//! JSON in `OUT`. Last, the summary names each cell and step that
//! differs, with its reason.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use crosscheck_emulator::access::Profile;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::progress::Progress;
use super::{EXIT_DIFFERS, EXIT_SUCCESS, EXIT_USAGE};
use crate::driver::Registry;
use crate::matrix::run::{MatrixOptions, run_matrix};
use crate::matrix::{self, BOUNDARIES, Catalog};
use crate::report::files::{self, Format};
use crate::report::matrix::MatrixRun;
use crate::report::{REPORT_FORMAT_VERSION, RunReport, ScenarioResult, TargetInfo, Timings, Versions};
use crate::runner::run_scenario;
use crate::scenario::{self, Scenario};
use crate::target::{PreflightActor, TargetSpec, preflight};

/// Lines of differences the summary prints before it points to the reports.
const MAX_SUMMARY_DIFFERENCES: usize = 20;

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

    /// Report formats to write, separated by commas: md, html, json, junit.
    #[arg(long = "format", value_enum, value_delimiter = ',', default_values = ["md", "html", "json", "junit"])]
    pub formats: Vec<Format>,
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
    let started_at = crate::report::utc_timestamp(std::time::SystemTime::now());
    let started = std::time::Instant::now();

    let target = match TargetSpec::resolve(&args.target, args.targets.as_deref()) {
        Ok(target) => target,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };
    if let Err(error) = files::check_out_folder(&args.out) {
        eprintln!("error: {error}");
        return EXIT_USAGE;
    }

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

    let mut progress = Progress::for_stderr();
    let scenario_results = match execute(runs, &target, registry.clone(), &mut progress).await {
        Ok(results) => results,
        Err(message) => {
            progress.finish();
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };

    let mut options = MatrixOptions::for_target(&target);
    options.preflight = Some(checked.duration);
    let mut matrix_runs = Vec::new();
    for profile in matrix_profiles {
        progress.start_matrix(profile.as_str());
        match run_matrix(&loaded.catalogs, profile, &target, registry.clone(), &options).await {
            Ok(run) => {
                progress.matrix_finished(&run);
                matrix_runs.push(run);
            }
            Err(error) => {
                progress.finish();
                eprintln!("error: {error}");
                return EXIT_USAGE;
            }
        }
    }
    progress.finish();

    let context = RunContext {
        target: TargetInfo {
            name: target.name().to_owned(),
            endpoint: target.endpoint_url().map(str::to_owned),
            account_strategy: target.strategy_name().to_owned(),
        },
        versions: Versions::current(
            matches!(target, TargetSpec::Bundled).then(|| env!("CARGO_PKG_VERSION").to_owned()),
        ),
        timings: Timings {
            started_at,
            preflight_ms: Some(crate::report::to_milliseconds(checked.duration)),
            total_ms: crate::report::to_milliseconds(started.elapsed()),
        },
    };
    let reports = assemble_reports(&context, scenario_results, matrix_runs);

    if let Err(message) = write_reports(&args.out, &reports, &args.formats) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }

    print_summary(&reports, &args.out, &args.formats);
    let invalid: Vec<&ScenarioResult> =
        reports.iter().flat_map(|report| &report.scenarios).filter(|scenario| scenario.is_invalid()).collect();
    if !invalid.is_empty() {
        for scenario in invalid {
            for line in scenario.failure_lines() {
                eprintln!("invalid scenario: {line}");
            }
        }
        return EXIT_USAGE;
    }
    if reports.iter().all(RunReport::holds) { EXIT_SUCCESS } else { EXIT_DIFFERS }
}

/// The target, versions and timings that every report of one run shares.
struct RunContext {
    target: TargetInfo,
    versions: Versions,
    timings: Timings,
}

/// Groups the results into one report per profile, in the order
/// [`Profile::NAMES`] gives, keeping the scenarios' plan order.
fn assemble_reports(
    context: &RunContext,
    scenarios: Vec<ScenarioResult>,
    matrix_runs: Vec<MatrixRun>,
) -> Vec<RunReport> {
    let profiles: Vec<Profile> = Profile::NAMES
        .iter()
        .filter_map(|name| name.parse::<Profile>().ok())
        .filter(|profile| {
            scenarios.iter().any(|scenario| scenario.profile == *profile)
                || matrix_runs.iter().any(|run| run.profile == *profile)
        })
        .collect();

    let mut matrix_runs = matrix_runs;
    profiles
        .into_iter()
        .map(|profile| RunReport {
            format_version: REPORT_FORMAT_VERSION,
            target: context.target.clone(),
            profile,
            versions: context.versions.clone(),
            timings: context.timings.clone(),
            scenarios: scenarios.iter().filter(|scenario| scenario.profile == profile).cloned().collect(),
            matrix: matrix_runs.iter().position(|run| run.profile == profile).map(|index| matrix_runs.remove(index)),
        })
        .collect()
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

/// Runs every planned pair, a few at a time, and returns the results in plan order.
async fn execute(
    runs: Vec<(Arc<Scenario>, Profile)>,
    target: &TargetSpec,
    registry: Arc<Registry>,
    progress: &mut Progress,
) -> Result<Vec<ScenarioResult>, String> {
    let total = runs.len();
    if total == 0 {
        return Ok(Vec::new());
    }
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

    progress.start_scenarios(total);
    let mut results = Vec::with_capacity(total);
    while let Some(joined) = tasks.join_next().await {
        let (index, result) = joined.map_err(|error| format!("a scenario run stopped unexpectedly: {error}"))?;
        let result = result.map_err(|error| error.to_string())?;
        progress.scenario_finished(&result);
        results.push((index, result));
    }

    results.sort_by_key(|(index, _)| *index);
    Ok(results.into_iter().map(|(_, result)| result).collect())
}

/// Writes every report in each format, then the index, whatever the formats.
fn write_reports(out: &Path, reports: &[RunReport], formats: &[Format]) -> Result<(), String> {
    for report in reports {
        files::write_report(out, report, formats).map_err(|error| error.to_string())?;
    }
    files::write_index(out, reports).map_err(|error| error.to_string())?;
    Ok(())
}

/// Prints the totals of each report, then each difference with its reason
/// (at most [`MAX_SUMMARY_DIFFERENCES`]), then where the reports are.
fn print_summary(reports: &[RunReport], out: &Path, formats: &[Format]) {
    for report in reports {
        eprintln!(
            "{} under {}: {}; {}.",
            report.target.name,
            report.profile,
            crate::report::markdown::conformance_text(report),
            crate::report::markdown::scenario_text(report)
        );
    }

    let differences: Vec<String> = reports.iter().flat_map(RunReport::difference_lines).collect();
    if !differences.is_empty() {
        eprintln!("Differences from the expected outcomes:");
        for line in differences.iter().take(MAX_SUMMARY_DIFFERENCES) {
            eprintln!("  {line}");
        }
        if differences.len() > MAX_SUMMARY_DIFFERENCES {
            eprintln!("  and {} more; the reports list them all.", differences.len() - MAX_SUMMARY_DIFFERENCES);
        }
    }

    for report in reports {
        eprintln!("Report: {}", report_files_text(out, report, formats));
    }
    eprintln!("Index: {}", out.join(files::INDEX_FILE).display());
}

/// Names the files of one report: `reports/bundled-aws.html` for one format,
/// `reports/bundled-aws.{md,html}` for several.
fn report_files_text(out: &Path, report: &RunReport, formats: &[Format]) -> String {
    let stem = out.join(report.file_stem());
    match formats {
        [format] => format!("{}.{}", stem.display(), format.extension()),
        _ => {
            let extensions: Vec<&str> = formats.iter().map(|format| format.extension()).collect();
            format!("{}.{{{}}}", stem.display(), extensions.join(","))
        }
    }
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
        RunArgs {
            target: target.to_owned(),
            targets: None,
            profile: None,
            scenarios,
            only: None,
            out,
            formats: Format::ALL.to_vec(),
        }
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
    fn run_html_only_writes_index() {
        let out = out_folder("html-only");
        let mut args = run_args("bundled", selftest_scenarios(), out.clone());
        args.formats = vec![Format::Html];
        args.profile = Some(Profile::Localstack);
        status_of(args);

        let index = std::fs::read_to_string(out.join("compat-matrix.md")).expect("the index is written");
        assert!(index.contains("[html](bundled-localstack.html) |"), "{index}");
        assert!(!out.join("bundled-localstack.json").exists(), "only the chosen format is written");
        let _ = std::fs::remove_dir_all(out);
    }

    #[test]
    fn report_files_text_braces_several_formats() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/bundled-aws.json");
        let text = std::fs::read_to_string(path).expect("the committed report reads");
        let report = crate::report::json::parse(&text).expect("the committed report parses");
        let out = Path::new("reports");

        assert_eq!(report_files_text(out, &report, &[Format::Html]), "reports/bundled-aws.html");
        assert_eq!(report_files_text(out, &report, &[Format::Md, Format::Json]), "reports/bundled-aws.{md,json}");
    }

    #[test]
    fn run_only_matrix_writes_matrix_tables() {
        let out = out_folder("matrix");
        let mut args = run_args("bundled", all_scenarios(), out.clone());
        args.only = Some(Only::Matrix);
        args.profile = Some(Profile::Localstack);
        assert_eq!(status_of(args), EXIT_SUCCESS);

        let report = std::fs::read_to_string(out.join("bundled-localstack.md")).expect("the report is written");
        assert!(report.contains("## Matrix: sqs"), "{report}");
        assert!(report.contains("| GetQueueAttributes | url | ✓ ok | ✓ ok | ✓ ok | ✓ ok |"), "{report}");
        assert!(!report.contains("## Scenarios"), "no scenario ran: {report}");
        for file in ["bundled-localstack.html", "bundled-localstack.json", "bundled-localstack.xml", "compat-matrix.md"]
        {
            assert!(out.join(file).is_file(), "{file} is written");
        }
        assert!(!out.join("bundled-aws.json").exists(), "only the chosen profile is reported");
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

        let report = std::fs::read_to_string(out.join("bundled-localstack.md")).expect("the report is written");
        let row = "| `missing_queue_expected_ok.yaml` | 1 | sqs.GetQueueUrl | cross-account | name | ok | ∅ not-found";
        assert!(report.contains(row), "{report}");
        let _ = std::fs::remove_dir_all(out);
    }

    #[test]
    fn run_exits_zero_when_everything_holds() {
        let out = out_folder("holds");
        assert_eq!(status_of(run_args("bundled", selftest_scenarios(), out.clone())), EXIT_SUCCESS);

        let index = std::fs::read_to_string(out.join(files::INDEX_FILE)).expect("the index is written");
        assert!(index.starts_with("# Compatibility matrix"), "{index}");
        assert!(index.contains("[md](bundled-localstack.md)"), "{index}");
        let report = std::fs::read_to_string(out.join("bundled-localstack.md")).expect("the report is written");
        assert!(report.contains("None: every expectation holds."), "{report}");
        let _ = std::fs::remove_dir_all(out);
    }

    #[test]
    fn run_rejects_file_as_out_before_running() {
        let folder = out_folder("file-out");
        std::fs::create_dir_all(&folder).expect("the folder is created");
        let file = folder.join("reports.txt");
        std::fs::write(&file, "keep me").expect("the file is written");

        let started = std::time::Instant::now();
        assert_eq!(status_of(run_args("bundled", all_scenarios(), file.clone())), EXIT_USAGE);
        assert_eq!(std::fs::read_to_string(&file).expect("the file is still there"), "keep me");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "the run stops before running scenarios");
        let _ = std::fs::remove_dir_all(folder);
    }

    #[test]
    fn run_writes_only_chosen_formats() {
        let out = out_folder("formats");
        let mut args = run_args("bundled", selftest_scenarios(), out.clone());
        args.formats = vec![Format::Json];
        assert_eq!(status_of(args), EXIT_SUCCESS);
        assert!(out.join("bundled-localstack.json").is_file());
        assert!(!out.join("bundled-localstack.md").exists());
        assert!(out.join(files::INDEX_FILE).is_file(), "the index is written whatever the formats");
        let _ = std::fs::remove_dir_all(out);
    }

    #[test]
    fn reports_group_results_by_profile() {
        let context = RunContext {
            target: TargetInfo {
                name: "bundled".to_owned(),
                endpoint: None,
                account_strategy: "access-key".to_owned(),
            },
            versions: Versions::current(None),
            timings: Timings { started_at: "2026-12-04T12:00:00Z".to_owned(), preflight_ms: None, total_ms: 1.0 },
        };
        let scenario = |profile| ScenarioResult {
            scenario_id: "a.yaml".to_owned(),
            name: "a".to_owned(),
            profile,
            target: "bundled".to_owned(),
            steps: Vec::new(),
            duration: std::time::Duration::ZERO,
        };
        let reports =
            assemble_reports(&context, vec![scenario(Profile::Aws), scenario(Profile::Localstack)], Vec::new());
        let profiles: Vec<Profile> = reports.iter().map(|report| report.profile).collect();
        assert_eq!(profiles, vec![Profile::Localstack, Profile::Aws]);
        assert!(reports.iter().all(|report| report.scenarios.len() == 1 && report.matrix.is_none()));
    }
}
