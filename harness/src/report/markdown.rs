//! The compatibility matrix as Markdown, for pull requests.
//!
//! The first table has one row per scenario step that crosses an account or
//! region boundary. A row names the scenario, profile, step and operation,
//! the actor's boundary and the address kind, and shows what was expected
//! and what was observed. Every step that did not hold follows with its
//! reasons, then the generated matrix (one table per service and profile, see
//! [`render_matrix`]), and then the totals. The output contains no times or
//! ports, so the same run renders the same text.

use std::fmt::Write as _;

use super::matrix::{CellVerdict, MatrixCell, MatrixRun};
use super::{RunReport, StepResult};
use crate::outcome::OutcomeClass;

/// Renders `report` as Markdown.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Compatibility matrix");
    let _ = writeln!(out);
    let _ = writeln!(out, "Target: `{}`. Written by `crosscheck run`; do not edit by hand.", report.target);
    let _ = writeln!(out);

    render_cross_boundary_steps(report, &mut out);
    render_differences(report, &mut out);
    for run in &report.matrix {
        render_matrix(run, &mut out);
    }
    render_totals(report, &mut out);
    out
}

/// Renders one matrix run: per service, a table of operation and address
/// kind by boundary whose cells show the observed outcome, then the cells
/// that differ from their expectation and the sources of the expectations.
pub fn render_matrix(run: &MatrixRun, out: &mut String) {
    for service in run.services() {
        let cells: Vec<&MatrixCell> = run.cells.iter().filter(|cell| cell.service == service).collect();
        let _ = writeln!(out, "## Matrix: {service} under profile {}", run.profile);
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Each cell shows what the call returned: ✓ ok, ⛔ denied, ∅ not found, ✗ another error. \
             ≠ marks a cell that differs from the profile's expectation."
        );
        let _ = writeln!(out);
        let _ =
            writeln!(out, "| operation | address | same | cross-account | cross-region | cross-account-and-region |");
        let _ = writeln!(out, "|---|---|---|---|---|---|");

        let mut rows: Vec<(&str, Option<&str>)> = Vec::new();
        for cell in &cells {
            let row = (cell.operation.as_str(), cell.address.map(|kind| kind.as_str()));
            if !rows.contains(&row) {
                rows.push(row);
            }
        }
        for (operation, address) in rows {
            let mut line = format!("| {operation} | {} |", address.unwrap_or("-"));
            for boundary in crate::matrix::BOUNDARIES {
                let found = cells.iter().find(|cell| {
                    cell.operation == operation
                        && cell.address.map(|kind| kind.as_str()) == address
                        && cell.boundary == boundary
                });
                let text = found.map_or_else(String::new, |found| cell_text(found));
                let _ = write!(line, " {} |", cell(&text));
            }
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out);

        let conforming = cells.iter().filter(|cell| cell.verdict == CellVerdict::Conforms).count();
        let not_run = cells.iter().filter(|cell| cell.verdict == CellVerdict::NotRun).count();
        let _ = writeln!(
            out,
            "{conforming} of {} cells conform ({} differ, {not_run} not run).",
            cells.len(),
            cells.len() - conforming - not_run
        );
        let _ = writeln!(out);

        let differing: Vec<&&MatrixCell> = cells.iter().filter(|cell| cell.differs).collect();
        if !differing.is_empty() {
            let _ = writeln!(out, "Cells that differ:");
            let _ = writeln!(out);
            for cell in differing {
                let address = cell.address.map_or_else(String::new, |kind| format!(" by {kind}"));
                let unverified = if cell.expected.unverified { " (the expectation is unverified)" } else { "" };
                let _ = writeln!(
                    out,
                    "- {}{address} from {}: {}{unverified}",
                    cell.operation,
                    cell.boundary,
                    single_line(&cell.reasons.join("; "))
                );
            }
            let _ = writeln!(out);
        }

        let mut sources: Vec<&str> = Vec::new();
        for cell in &cells {
            if let Some(source) = cell.expected.source.as_deref()
                && !sources.contains(&source)
            {
                sources.push(source);
            }
        }
        if !sources.is_empty() {
            let _ = writeln!(out, "Sources of the expectations:");
            let _ = writeln!(out);
            for source in sources {
                let _ = writeln!(out, "- <{source}>");
            }
            let _ = writeln!(out);
        }
    }
}

/// Formats a matrix cell: a symbol for the class, the error code, and `≠` when it differs.
fn cell_text(cell: &MatrixCell) -> String {
    let Some(observed) = &cell.observed else {
        return "≠ not run".to_owned();
    };
    let symbol = match observed.class {
        OutcomeClass::Ok => "✓",
        OutcomeClass::Denied => "⛔",
        OutcomeClass::NotFound => "∅",
        OutcomeClass::Invalid | OutcomeClass::Unsupported | OutcomeClass::Error => "✗",
    };
    let mut text = match (&observed.code, observed.class) {
        (_, OutcomeClass::Ok) => format!("{symbol} ok"),
        (Some(code), _) => format!("{symbol} {code}"),
        (None, class) => format!("{symbol} {class}"),
    };
    if cell.differs {
        text = format!("≠ {text}");
    }
    text
}

fn render_cross_boundary_steps(report: &RunReport, out: &mut String) {
    let _ = writeln!(out, "## Cross-boundary steps");
    let _ = writeln!(out);

    let rows: Vec<(&super::ScenarioResult, &StepResult)> = report
        .scenarios
        .iter()
        .flat_map(|scenario| scenario.steps.iter().map(move |step| (scenario, step)))
        .filter(|(_, step)| step.crosses_boundary())
        .collect();
    if rows.is_empty() {
        let _ = writeln!(out, "No step crossed an account or region boundary.");
        let _ = writeln!(out);
        return;
    }

    let _ =
        writeln!(out, "| scenario | profile | step | operation | boundary | address | expected | observed | result |");
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for (scenario, step) in rows {
        let boundary = step.boundary.map_or("unknown", |boundary| boundary.as_str());
        let address = step.address_kind.map_or("-", |kind| kind.as_str());
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&scenario.scenario_id),
            scenario.profile,
            step.number,
            cell(&step.operation),
            boundary,
            address,
            cell(&expected_cell(step)),
            cell(&step.observed_summary()),
            step.verdict.label()
        );
    }
    let _ = writeln!(out);
}

/// Formats the expected outcome, with a link to its source and an `unverified` mark when set.
fn expected_cell(step: &StepResult) -> String {
    let mut text = step.expected_summary();
    if let Some(expectation) = &step.expectation {
        if let Some(source) = &expectation.source {
            let _ = write!(text, " ([source]({source}))");
        }
        if expectation.unverified {
            text.push_str(" (unverified)");
        }
    }
    text
}

fn render_differences(report: &RunReport, out: &mut String) {
    let _ = writeln!(out, "## Differences");
    let _ = writeln!(out);

    let mut any = false;
    for scenario in &report.scenarios {
        for step in &scenario.steps {
            for reason in step.verdict.reasons() {
                any = true;
                let _ = writeln!(
                    out,
                    "- `{}` ({}), step {} ({} by {}): {}",
                    scenario.scenario_id,
                    scenario.profile,
                    step.number,
                    step.operation,
                    step.actor,
                    single_line(&reason)
                );
            }
        }
    }
    if !any {
        let _ = writeln!(out, "None: every expectation holds.");
    }
    let _ = writeln!(out);
}

fn render_totals(report: &RunReport, out: &mut String) {
    let totals = report.totals();
    let _ = writeln!(out, "## Totals");
    let _ = writeln!(out);
    let _ = writeln!(out, "| | count |");
    let _ = writeln!(out, "|---|---|");
    let rows = [
        ("scenario runs (scenario × profile)", totals.scenario_runs),
        ("scenario runs that hold", totals.scenario_runs_holding),
        ("steps", totals.steps),
        ("cross-boundary steps", totals.cross_boundary_steps),
        ("steps that hold", totals.steps_holding),
        ("steps that differ", totals.steps_differing),
        ("steps not run", totals.steps_not_run),
        ("steps of invalid scenarios", totals.steps_invalid),
    ];
    for (label, count) in rows {
        let _ = writeln!(out, "| {label} | {count} |");
    }
}

/// Escapes text for a table cell.
fn cell(text: &str) -> String {
    single_line(text).replace('|', "\\|")
}

fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crosscheck_emulator::access::{Boundary, Profile};
    use crosscheck_emulator::arn::AddressKind;
    use serde_json::{Value, json};

    use super::*;
    use crate::outcome::{Outcome, OutcomeClass};
    use crate::report::{ScenarioResult, Verdict};
    use crate::scenario::{ErrorMatcher, Expectation, ExpectedOutcome};

    fn step(
        number: usize,
        boundary: Boundary,
        expectation: Option<Expectation>,
        outcome: Outcome,
        verdict: Verdict,
    ) -> StepResult {
        StepResult {
            number,
            actor: if boundary == Boundary::Same { "owner" } else { "other" }.to_owned(),
            operation: "sqs.GetQueueAttributes".to_owned(),
            boundary: Some(boundary),
            address_kind: Some(AddressKind::Url),
            expectation,
            outcome: Some(outcome),
            normalised_response: Value::Null,
            verdict,
        }
    }

    fn small_run() -> RunReport {
        let not_found = Expectation {
            outcome: ExpectedOutcome::Error(ErrorMatcher::Class(OutcomeClass::NotFound)),
            source: Some("https://docs.aws.amazon.com/x".to_owned()),
            unverified: false,
        };
        let ok = Expectation { outcome: ExpectedOutcome::Ok(None), source: None, unverified: true };
        let denied = Outcome::service_error(Some("AccessDenied".to_owned()), Some(403), Some("no".to_owned()));
        RunReport {
            target: "bundled".to_owned(),
            matrix: Vec::new(),
            scenarios: vec![ScenarioResult {
                scenario_id: "sqs/read.yaml".to_owned(),
                name: "read".to_owned(),
                profile: Profile::Aws,
                target: "bundled".to_owned(),
                steps: vec![
                    step(1, Boundary::Same, None, Outcome::ok(Some(200), json!({})), Verdict::Holds),
                    step(2, Boundary::CrossAccount, Some(ok), Outcome::ok(Some(200), json!({})), Verdict::Holds),
                    step(
                        3,
                        Boundary::CrossAccountAndRegion,
                        Some(not_found),
                        denied,
                        Verdict::Differs(vec!["expected not-found, found denied: AccessDenied (403) (no)".to_owned()]),
                    ),
                ],
                duration: Duration::from_millis(5),
            }],
        }
    }

    #[test]
    fn markdown_renders_small_run_exactly() {
        let expected = "\
# Compatibility matrix

Target: `bundled`. Written by `crosscheck run`; do not edit by hand.

## Cross-boundary steps

| scenario | profile | step | operation | boundary | address | expected | observed | result |
|---|---|---|---|---|---|---|---|---|
| `sqs/read.yaml` | aws | 2 | sqs.GetQueueAttributes | cross-account | url | ok (unverified) | ok | holds |
| `sqs/read.yaml` | aws | 3 | sqs.GetQueueAttributes | cross-account-and-region | url | not-found ([source](https://docs.aws.amazon.com/x)) | denied: AccessDenied (403) | differs |

## Differences

- `sqs/read.yaml` (aws), step 3 (sqs.GetQueueAttributes by other): expected not-found, found denied: AccessDenied (403) (no)

## Totals

| | count |
|---|---|
| scenario runs (scenario × profile) | 1 |
| scenario runs that hold | 0 |
| steps | 3 |
| cross-boundary steps | 2 |
| steps that hold | 2 |
| steps that differ | 1 |
| steps not run | 0 |
| steps of invalid scenarios | 0 |
";
        assert_eq!(render(&small_run()), expected);
    }

    #[test]
    fn markdown_says_when_everything_holds() {
        let mut report = small_run();
        report.scenarios[0].steps.truncate(1);
        let rendered = render(&report);
        assert!(rendered.contains("No step crossed an account or region boundary."), "{rendered}");
        assert!(rendered.contains("None: every expectation holds."), "{rendered}");
    }

    #[test]
    fn cells_escape_pipes_and_newlines() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }

    fn matrix_cell(
        operation: &str,
        boundary: Boundary,
        address: Option<AddressKind>,
        observed: crate::report::matrix::ObservedCell,
        reasons: Vec<String>,
    ) -> MatrixCell {
        use crate::report::matrix::{ExpectedCell, NamespaceInfo};
        let verdict = if reasons.is_empty() { CellVerdict::Conforms } else { CellVerdict::Differs };
        MatrixCell {
            service: "sqs".to_owned(),
            operation: operation.to_owned(),
            boundary,
            address,
            owner: NamespaceInfo { account: "111111111111".to_owned(), region: "ap-south-1".to_owned() },
            caller: NamespaceInfo { account: "222222222222".to_owned(), region: "ap-south-1".to_owned() },
            expected: ExpectedCell {
                class: Some(OutcomeClass::Ok),
                code: None,
                response: None,
                source: Some("https://docs.localstack.cloud/references/cross-account-access/".to_owned()),
                unverified: false,
            },
            observed: Some(observed),
            verdict,
            differs: verdict != CellVerdict::Conforms,
            reasons,
            setup_ms: 1.0,
            duration_ms: 0.5,
        }
    }

    #[test]
    fn matrix_renders_table_differences_and_sources() {
        use crate::report::matrix::{MatrixRun, ObservedCell, TargetInfo, Timings, Versions};

        let ok = ObservedCell { class: OutcomeClass::Ok, code: None, status: Some(200), message: None };
        let missing = ObservedCell {
            class: OutcomeClass::NotFound,
            code: Some("AWS.SimpleQueueService.NonExistentQueue".to_owned()),
            status: Some(400),
            message: Some("The specified queue does not exist.".to_owned()),
        };
        let run = MatrixRun {
            format_version: crate::report::matrix::MATRIX_FORMAT_VERSION,
            target: TargetInfo { name: "moto".to_owned(), endpoint: None, account_strategy: "assume-role".to_owned() },
            profile: Profile::Localstack,
            versions: Versions { crosscheck: "0.1.0".to_owned(), sdks: Default::default(), target: None },
            timings: Timings { started_at: "2026-12-04T12:00:00Z".to_owned(), preflight_ms: None, total_ms: 3.0 },
            catalogs: vec!["sqs.yaml".to_owned()],
            cells: vec![
                matrix_cell("GetQueueAttributes", Boundary::Same, Some(AddressKind::Url), ok.clone(), Vec::new()),
                matrix_cell(
                    "GetQueueAttributes",
                    Boundary::CrossAccount,
                    Some(AddressKind::Url),
                    missing,
                    vec!["expected ok, found not-found: AWS.SimpleQueueService.NonExistentQueue (400)".to_owned()],
                ),
                matrix_cell("ListQueues", Boundary::CrossRegion, None, ok, Vec::new()),
            ],
        };

        let mut rendered = String::new();
        render_matrix(&run, &mut rendered);
        let expected = "\
## Matrix: sqs under profile localstack

Each cell shows what the call returned: ✓ ok, ⛔ denied, ∅ not found, ✗ another error. ≠ marks a cell that differs from the profile's expectation.

| operation | address | same | cross-account | cross-region | cross-account-and-region |
|---|---|---|---|---|---|
| GetQueueAttributes | url | ✓ ok | ≠ ∅ AWS.SimpleQueueService.NonExistentQueue |  |  |
| ListQueues | - |  |  | ✓ ok |  |

2 of 3 cells conform (1 differ, 0 not run).

Cells that differ:

- GetQueueAttributes by url from cross-account: expected ok, found not-found: AWS.SimpleQueueService.NonExistentQueue (400)

Sources of the expectations:

- <https://docs.localstack.cloud/references/cross-account-access/>

";
        assert_eq!(rendered, expected);
    }
}
