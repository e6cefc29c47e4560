//! A run report as JUnit XML, for CI systems that show test results.
//!
//! One `<testsuite>` per service of the matrix (`matrix.sqs`) and one per
//! scenario file (`scenarios/sqs/purge_queue.yaml`), inside one
//! `<testsuites>` named after the target and profile. Each matrix cell and
//! each scenario step is a `<testcase>`. A cell or step that differs from the
//! profile's expectation carries a `<failure>` whose message is the first
//! reason. Its text lists the expected and observed outcome, the error code,
//! the HTTP status, the error message and the expectation's source. A
//! cell or step that could not be run carries an `<error>` instead. Times are
//! in seconds; steps have no time of their own, so only their suite has one.

use std::fmt::Write as _;

use super::matrix::{CellVerdict, MatrixCell, MatrixRun};
use super::{RunReport, ScenarioResult, StepResult, Verdict};

/// Renders `report` as a JUnit XML document.
pub fn render(report: &RunReport) -> String {
    let mut suites = String::new();
    let mut counts = Counts::default();
    if let Some(run) = &report.matrix {
        for service in run.services() {
            counts.add(render_service_suite(report, run, service, &mut suites));
        }
    }
    for scenario in &report.scenarios {
        counts.add(render_scenario_suite(report, scenario, &mut suites));
    }

    let mut out = String::new();
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<testsuites name="{}" tests="{}" failures="{}" errors="{}" time="{}">"#,
        escape(&format!("crosscheck {} under {}", report.target.name, report.profile)),
        counts.tests,
        counts.failures,
        counts.errors,
        seconds(counts.milliseconds)
    );
    out.push_str(&suites);
    let _ = writeln!(out, "</testsuites>");
    out
}

/// Test, failure and error counts of a suite, and its time.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    milliseconds: f64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.milliseconds += other.milliseconds;
    }
}

fn render_service_suite(report: &RunReport, run: &MatrixRun, service: &str, out: &mut String) -> Counts {
    let cells: Vec<&MatrixCell> = run.cells.iter().filter(|cell| cell.service == service).collect();
    let totals = run.service_totals(service);
    let counts = Counts {
        tests: totals.cells,
        failures: totals.differing,
        errors: totals.not_run,
        milliseconds: cells.iter().map(|cell| cell.setup_ms + cell.duration_ms).sum(),
    };
    let suite_name = format!("matrix.{service}");

    open_suite(&suite_name, counts, out);
    write_properties(report, out);
    for cell in cells {
        let address = cell.address.map_or_else(String::new, |kind| format!(" by {kind}"));
        let name = format!("{}{address} from {}", cell.operation, cell.boundary);
        let _ = write!(
            out,
            r#"    <testcase classname="{}" name="{}" time="{}""#,
            escape(&suite_name),
            escape(&name),
            seconds(cell.setup_ms + cell.duration_ms)
        );
        if cell.verdict == CellVerdict::Conforms {
            let _ = writeln!(out, "/>");
            continue;
        }
        let _ = writeln!(out, ">");

        let mut details = vec![format!("expected: {}", cell.expected.summary())];
        match &cell.observed {
            Some(observed) => {
                details.push(format!("observed: {}", observed.summary()));
                details.push(format!("code: {}", observed.code.as_deref().unwrap_or("-")));
                if let Some(message) = &observed.message {
                    details.push(format!("message: {message}"));
                }
            }
            None => details.push("observed: not run".to_owned()),
        }
        details.push(format!("caller: {} in {}", cell.caller.account, cell.caller.region));
        details.push(format!("owner: {} in {}", cell.owner.account, cell.owner.region));
        push_source(&mut details, cell.expected.source.as_deref(), cell.expected.unverified);
        details.extend(cell.reasons.iter().map(|reason| format!("reason: {reason}")));

        let element = if cell.verdict == CellVerdict::NotRun { "error" } else { "failure" };
        write_problem(element, cell.verdict.as_str(), cell.reasons.first().map_or("", String::as_str), &details, out);
        let _ = writeln!(out, "    </testcase>");
    }
    let _ = writeln!(out, "  </testsuite>");
    counts
}

fn render_scenario_suite(report: &RunReport, scenario: &ScenarioResult, out: &mut String) -> Counts {
    let counts = Counts {
        tests: scenario.steps.len(),
        failures: scenario.steps.iter().filter(|step| matches!(step.verdict, Verdict::Differs(_))).count(),
        errors: scenario
            .steps
            .iter()
            .filter(|step| matches!(step.verdict, Verdict::NotRun(_) | Verdict::InvalidScenario(_)))
            .count(),
        milliseconds: super::names::to_milliseconds(scenario.duration),
    };
    let suite_name = format!("scenarios/{}", scenario.scenario_id);

    open_suite(&suite_name, counts, out);
    write_properties(report, out);
    for step in &scenario.steps {
        let _ = write!(out, r#"    <testcase classname="{}" name="{}""#, escape(&suite_name), escape(&step_name(step)));
        if step.verdict.holds() {
            let _ = writeln!(out, "/>");
            continue;
        }
        let _ = writeln!(out, ">");

        let mut details =
            vec![format!("expected: {}", step.expected_summary()), format!("observed: {}", step.observed_summary())];
        if let Some(outcome) = &step.outcome {
            details.push(format!("code: {}", outcome.code.as_deref().unwrap_or("-")));
            if let Some(message) = &outcome.message {
                details.push(format!("message: {message}"));
            }
        }
        if let Some(expectation) = &step.expectation {
            push_source(&mut details, expectation.source.as_deref(), expectation.unverified);
        }
        let reasons = step.verdict.reasons();
        details.extend(reasons.iter().map(|reason| format!("reason: {reason}")));

        let element = if matches!(step.verdict, Verdict::Differs(_)) { "failure" } else { "error" };
        write_problem(element, step.verdict.as_str(), reasons.first().map_or("", String::as_str), &details, out);
        let _ = writeln!(out, "    </testcase>");
    }
    let _ = writeln!(out, "  </testsuite>");
    counts
}

/// Names a step: `step 3: sqs.GetQueueAttributes by other (cross-account, url)`.
fn step_name(step: &StepResult) -> String {
    let boundary = step.boundary.map_or("unknown boundary", |boundary| boundary.as_str());
    let address = step.address_kind.map_or_else(String::new, |kind| format!(", {kind}"));
    format!("step {}: {} by {} ({boundary}{address})", step.number, step.operation, step.actor)
}

fn push_source(details: &mut Vec<String>, source: Option<&str>, unverified: bool) {
    let mut line = format!("source: {}", source.unwrap_or("-"));
    if unverified {
        line.push_str(" (unverified)");
    }
    details.push(line);
}

fn open_suite(name: &str, counts: Counts, out: &mut String) {
    let _ = writeln!(
        out,
        r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="0" time="{}">"#,
        escape(name),
        counts.tests,
        counts.failures,
        counts.errors,
        seconds(counts.milliseconds)
    );
}

fn write_properties(report: &RunReport, out: &mut String) {
    let _ = writeln!(out, "    <properties>");
    let mut properties = vec![
        ("target", report.target.name.clone()),
        ("profile", report.profile.to_string()),
        ("account_strategy", report.target.account_strategy.clone()),
    ];
    if let Some(endpoint) = &report.target.endpoint {
        properties.push(("endpoint", endpoint.clone()));
    }
    for (name, value) in properties {
        let _ = writeln!(out, r#"      <property name="{name}" value="{}"/>"#, escape(&value));
    }
    let _ = writeln!(out, "    </properties>");
}

fn write_problem(element: &str, kind: &str, message: &str, details: &[String], out: &mut String) {
    let _ = writeln!(
        out,
        r#"      <{element} type="{kind}" message="{}">{}</{element}>"#,
        escape(message),
        escape(&details.join("\n"))
    );
}

/// Formats milliseconds as seconds with three decimals.
fn seconds(milliseconds: f64) -> String {
    format!("{:.3}", milliseconds / 1_000.0)
}

/// Escapes text for XML attribute values and element content, and replaces
/// the control characters that XML 1.0 does not allow with U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' | '\t' => escaped.push(c),
            '\r' => escaped.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => escaped.push('\u{fffd}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn junit_counts_tests_failures_and_errors() {
        let xml = render(&sample::report());
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), "{xml}");
        assert!(
            xml.contains(r#"<testsuites name="crosscheck moto under localstack" tests="7" failures="3" errors="1""#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testsuite name="matrix.sqs" tests="4" failures="1" errors="1" skipped="0" time="0.008">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testsuite name="scenarios/sqs/read.yaml" tests="3" failures="2" errors="0" skipped="0" time="0.005">"#),
            "{xml}"
        );
    }

    #[test]
    fn junit_failure_carries_expected_observed_code_and_source() {
        let xml = render(&sample::report());
        let failure = "      <failure type=\"differs\" message=\"expected ok, found not-found: AWS.SimpleQueueService.NonExistentQueue (400)\">\
expected: ok
observed: not-found: AWS.SimpleQueueService.NonExistentQueue (400)
code: AWS.SimpleQueueService.NonExistentQueue
message: The specified queue does not exist.
caller: 222222222222 in ap-south-1
owner: 111111111111 in ap-south-1
source: https://docs.localstack.cloud/references/cross-account-access/
reason: expected ok, found not-found: AWS.SimpleQueueService.NonExistentQueue (400)</failure>";
        assert!(xml.contains(failure), "{xml}");
        assert!(
            xml.contains(
                r#"<error type="not-run" message="the fixture step sqs.CreateQueue failed: error: no response">"#
            ),
            "{xml}"
        );
    }

    #[test]
    fn junit_step_failure_escapes_quotes() {
        let xml = render(&sample::report());
        let testcase = r#"<testcase classname="scenarios/sqs/read.yaml" name="step 2: sqs.GetQueueAttributes by other (cross-account, url)">"#;
        assert!(xml.contains(testcase), "{xml}");
        assert!(
            xml.contains(r#"message="Attributes.VisibilityTimeout: expected &quot;31&quot;, found &quot;30&quot;""#),
            "{xml}"
        );
    }

    #[test]
    fn escape_replaces_forbidden_characters() {
        assert_eq!(escape("a<b>&\"c'\u{1}\r"), "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}&#13;");
    }
}
