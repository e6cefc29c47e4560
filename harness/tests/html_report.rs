//! The HTML report in a real headless Chromium.
//!
//! The test builds a report from the SQS matrix and one scenario under the
//! `localstack` profile against the bundled emulator. It turns three matrix
//! cells and one step into differences, so that the "differs" filter has
//! something to keep, renders the page and loads it from a file URL:
//!
//! - without a fragment, every matrix cell is in the DOM and visible;
//! - with `#differs=1` or `#boundary=cross-account`, the page's script hides
//!   the other cells, as `--dump-dom` shows after the script has run;
//! - the page names no `http:` or `https:` resource in a `src` or `href`
//!   attribute, and has no stylesheet link, `@import` or `url(...)`.
//!
//! It saves two screenshots under `target/tmp/html-report/`: `report.png`
//! (the top of the page) and `report-differs.png` (filtered to the
//! differences). With `CROSSCHECK_UPDATE_DOCS=1` it also copies the second to
//! `docs/html-report.png`, the picture in the README.
//!
//! Chromium comes from Debian's `chromium` package (`apt-get install
//! chromium`), or from `CROSSCHECK_CHROMIUM`. Without it the test fails when
//! `CI=true` and otherwise prints that it is skipped and passes.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crosscheck::driver::Registry;
use crosscheck::matrix::run::{MatrixOptions, run_matrix};
use crosscheck::report::matrix::CellVerdict;
use crosscheck::report::{REPORT_FORMAT_VERSION, RunReport, TargetInfo, Timings, Verdict, html};
use crosscheck::runner::run_scenario;
use crosscheck::target::TargetSpec;
use crosscheck_emulator::access::{Boundary, Profile};

/// Maximum time one Chromium process may take before the test stops it.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(90);

/// The matrix cells the test turns into differences.
const DIFFERING_OPERATIONS: [&str; 3] = ["GetQueueAttributes", "SendMessage", "PurgeQueue"];

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Finds Chromium: `CROSSCHECK_CHROMIUM`, then `chromium` or `chromium-browser` on the PATH.
fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CROSSCHECK_CHROMIUM").filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|folder| [folder.join("chromium"), folder.join("chromium-browser")])
        .find(|candidate| candidate.is_file())
}

/// Returns Chromium, or `None` after saying why the test is skipped; panics under CI.
fn chromium_or_skip() -> Option<PathBuf> {
    if let Some(path) = find_chromium() {
        return Some(path);
    }
    let message = "Chromium was not found: install Debian's chromium package (apt-get install chromium) \
                   or set CROSSCHECK_CHROMIUM to its path";
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{message}; CI=true, so the HTML report test cannot be skipped"
    );
    eprintln!("SKIPPED html_report: {message}");
    None
}

/// Builds the report: the SQS matrix and one scenario under `localstack`, with differences made up.
fn report_with_differences() -> RunReport {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("the tokio runtime starts");
    let root = workspace_root();
    let registry = Arc::new(Registry::with_default_drivers());
    let target = TargetSpec::Bundled;

    let catalog = crosscheck::matrix::load_file(&root.join("scenarios/matrix/sqs.yaml"), "sqs.yaml", &registry)
        .expect("the SQS catalog loads");
    let scenario_id = "sqs/queue_attributes_work_from_every_boundary.yaml";
    let scenario = crosscheck::scenario::load_file(&root.join("scenarios").join(scenario_id), scenario_id, &registry)
        .expect("the scenario loads");

    let (mut matrix, mut scenario_result) = runtime.block_on(async {
        let options = MatrixOptions::for_target(&target);
        let matrix = run_matrix(&[Arc::new(catalog)], Profile::Localstack, &target, registry.clone(), &options)
            .await
            .expect("the bundled emulator starts");
        let result = run_scenario(&scenario, Profile::Localstack, &target, &registry).await.expect("the scenario runs");
        (matrix, result)
    });

    for cell in &mut matrix.cells {
        if cell.boundary != Boundary::CrossAccount || !DIFFERING_OPERATIONS.contains(&cell.operation.as_str()) {
            continue;
        }
        let observed = cell.observed.as_mut().expect("the cell was run");
        observed.class = crosscheck::outcome::OutcomeClass::NotFound;
        observed.code = Some("AWS.SimpleQueueService.NonExistentQueue".to_owned());
        observed.status = Some(400);
        cell.verdict = CellVerdict::Differs;
        cell.differs = true;
        cell.reasons = vec![format!("expected {}, found {}", cell.expected.summary(), observed.summary())];
    }
    let step = scenario_result
        .steps
        .iter_mut()
        .find(|step| step.operation == "sqs.GetQueueAttributes" && step.expectation.is_some())
        .expect("a GetQueueAttributes step with an expectation");
    step.verdict = Verdict::Differs(vec!["Attributes.VisibilityTimeout: expected \"31\", found \"30\"".to_owned()]);
    scenario_result.target = "example".to_owned();
    matrix.target.name = "example".to_owned();

    RunReport {
        format_version: REPORT_FORMAT_VERSION,
        target: TargetInfo { name: "example".to_owned(), endpoint: None, account_strategy: "access-key".to_owned() },
        profile: Profile::Localstack,
        versions: matrix.versions.clone(),
        timings: Timings {
            started_at: matrix.timings.started_at.clone(),
            preflight_ms: None,
            total_ms: matrix.timings.total_ms,
        },
        scenarios: vec![scenario_result],
        matrix: Some(matrix),
    }
}

/// Creates the folder for this test's page, screenshots and Chromium output.
fn artifact_folder() -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&folder).expect("the artifact folder is created");
    folder
}

/// Runs Chromium headless with `extra` arguments on `url`, and returns what it wrote to stdout.
fn run_chromium(chromium: &Path, artifacts: &Path, name: &str, extra: &[String], url: &str) -> String {
    let profile = artifacts.join(format!("profile-{name}"));
    let _ = std::fs::remove_dir_all(&profile);
    let stdout_path = artifacts.join(format!("{name}.stdout"));
    let stderr_path = artifacts.join(format!("{name}.stderr"));

    let mut command = Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            // No host name resolves, so the page could not reach a network even if it tried.
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).expect("the stdout file is created"))
        .stderr(File::create(&stderr_path).expect("the stderr file is created"));
    let mut child = command.spawn().unwrap_or_else(|error| panic!("{} does not start: {error}", chromium.display()));

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the Chromium process can be waited for") {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium ({name}) did not finish within {CHROMIUM_TIMEOUT:?}; see {}", stderr_path.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = std::fs::remove_dir_all(&profile);
    assert!(status.success(), "Chromium ({name}) failed with {status}; see {}", stderr_path.display());
    std::fs::read_to_string(&stdout_path).expect("Chromium's output is UTF-8")
}

/// Returns the opening tags of the elements whose tag contains `marker`.
fn tags_with<'a>(dom: &'a str, marker: &str) -> Vec<&'a str> {
    let mut tags = Vec::new();
    let mut rest = dom;
    while let Some(start) = rest.find('<') {
        let after = &rest[start..];
        let end = after.find('>').map_or(after.len(), |end| end + 1);
        let tag = &after[..end];
        if tag.contains(marker) {
            tags.push(tag);
        }
        rest = &after[end..];
    }
    tags
}

/// Counts the cells in the dumped DOM: all of them, and those not hidden.
fn cell_counts(dom: &str) -> (usize, usize) {
    let cells = tags_with(dom, r#"data-kind="cell""#);
    let visible = cells.iter().filter(|tag| !tag.contains(" hidden")).count();
    (cells.len(), visible)
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn html_report_filters_in_chromium() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let report = report_with_differences();
    let total_cells = report.matrix.as_ref().map_or(0, |run| run.cells.len());
    let cross_account_cells = report
        .matrix
        .as_ref()
        .map_or(0, |run| run.cells.iter().filter(|cell| cell.boundary == Boundary::CrossAccount).count());
    let differing_cells = report.matrix.as_ref().map_or(0, |run| run.cells.iter().filter(|cell| cell.differs).count());
    assert_eq!(differing_cells, DIFFERING_OPERATIONS.len(), "the example report has one differing cell per operation");

    let artifacts = artifact_folder();
    let page = artifacts.join("report.html");
    std::fs::write(&page, html::render(&report)).expect("the page is written");
    let url = file_url(&page);

    let dom = run_chromium(&chromium, &artifacts, "all", &["--dump-dom".to_owned()], &url);
    assert_eq!(cell_counts(&dom), (total_cells, total_cells), "every cell is visible without a filter");
    assert!(
        dom.contains(&format!(r#"data-visible-cells="{total_cells}""#)),
        "the script ran: {}",
        &dom[..dom.len().min(2000)]
    );

    let dom = run_chromium(&chromium, &artifacts, "differs", &["--dump-dom".to_owned()], &format!("{url}#differs=1"));
    assert_eq!(cell_counts(&dom), (total_cells, differing_cells), "#differs=1 keeps only the differing cells");
    assert!(dom.contains(&format!("Showing {differing_cells} of {total_cells} cells and 1 of ")), "the count is shown");
    let checkbox = tags_with(&dom, r#"id="filter-differs""#);
    assert_eq!(checkbox.len(), 1, "one differs filter");

    let dom = run_chromium(
        &chromium,
        &artifacts,
        "boundary",
        &["--dump-dom".to_owned()],
        &format!("{url}#boundary=cross-account"),
    );
    assert_eq!(cell_counts(&dom), (total_cells, cross_account_cells), "#boundary=cross-account keeps that boundary");

    let screenshot = artifacts.join("report.png");
    let _ = std::fs::remove_file(&screenshot);
    let arguments = [format!("--screenshot={}", screenshot.display()), "--window-size=1280,1100".to_owned()];
    run_chromium(&chromium, &artifacts, "screenshot", &arguments, &url);
    assert!(
        std::fs::metadata(&screenshot).is_ok_and(|metadata| metadata.len() > 10_000),
        "{} is written",
        screenshot.display()
    );

    let filtered = artifacts.join("report-differs.png");
    let _ = std::fs::remove_file(&filtered);
    let arguments = [format!("--screenshot={}", filtered.display()), "--window-size=1280,1400".to_owned()];
    run_chromium(&chromium, &artifacts, "screenshot-differs", &arguments, &format!("{url}#differs=1"));
    assert!(
        std::fs::metadata(&filtered).is_ok_and(|metadata| metadata.len() > 10_000),
        "{} is written",
        filtered.display()
    );

    if std::env::var("CROSSCHECK_UPDATE_DOCS").as_deref() == Ok("1") {
        let docs = workspace_root().join("docs/html-report.png");
        std::fs::copy(&filtered, &docs).expect("the README picture is copied");
        eprintln!("updated {}", docs.display());
    }
    eprintln!("screenshots: {} and {}", screenshot.display(), filtered.display());
}

#[test]
fn html_report_loads_nothing_from_network() {
    let html = html::render(&report_with_differences());
    let lower = html.to_ascii_lowercase();
    for attribute in ["src=", "href="] {
        let mut rest = lower.as_str();
        while let Some(index) = rest.find(attribute) {
            let value = rest[index + attribute.len()..].trim_start_matches(['"', '\'']);
            assert!(
                !value.starts_with("http:") && !value.starts_with("https:") && !value.starts_with("//"),
                "the page names a network resource: {}",
                &rest[index..(index + 80).min(rest.len())]
            );
            rest = &rest[index + attribute.len()..];
        }
    }
    for construct in ["<link", "@import", "url("] {
        assert!(!lower.contains(construct), "the page contains {construct}");
    }
}
