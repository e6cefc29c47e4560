//! Compares two run reports: two targets, or two versions of one target.
//!
//! Each report becomes a listing with one line per matrix cell and scenario
//! step, `KEY => VALUE`. The key names the cell (service, operation,
//! boundary, address kind) or the step (scenario, step number, operation,
//! boundary, address kind). The value is the observed class and the exact
//! error code. Expectations, messages, times and versions are left out, so
//! the listings of two runs differ exactly where the targets behaved
//! differently. [`compare`] returns a unified diff of the two listings
//! without context lines, made with the `similar` crate.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::RunReport;
use super::matrix::MatrixCell;
use super::{ScenarioResult, StepResult};

/// One line of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `matrix sqs GetQueueAttributes cross-account url`.
    pub key: String,
    /// `not-found AWS.SimpleQueueService.NonExistentQueue`, `ok` or `not-run`.
    pub value: String,
    /// Whether the line is a matrix cell rather than a scenario step.
    pub is_cell: bool,
}

/// Lists the cells, then the steps, in report order.
pub fn entries(report: &RunReport) -> Vec<Entry> {
    let mut entries = Vec::new();
    if let Some(run) = &report.matrix {
        entries.extend(run.cells.iter().map(cell_entry));
    }
    for scenario in &report.scenarios {
        entries.extend(scenario.steps.iter().map(|step| step_entry(scenario, step)));
    }
    entries
}

fn cell_entry(cell: &MatrixCell) -> Entry {
    let address = cell.address.map_or("-", |kind| kind.as_str());
    let value = match &cell.observed {
        Some(observed) => class_and_code(observed.class.as_str(), observed.code.as_deref()),
        None => "not-run".to_owned(),
    };
    Entry {
        key: format!("matrix {} {} {} {address}", cell.service, cell.operation, cell.boundary),
        value,
        is_cell: true,
    }
}

fn step_entry(scenario: &ScenarioResult, step: &StepResult) -> Entry {
    let boundary = step.boundary.map_or("unknown", |boundary| boundary.as_str());
    let address = step.address_kind.map_or("-", |kind| kind.as_str());
    let value = match &step.outcome {
        Some(outcome) => class_and_code(outcome.class.as_str(), outcome.code.as_deref()),
        None => "not-run".to_owned(),
    };
    Entry {
        key: format!("scenario {} step {} {} {boundary} {address}", scenario.scenario_id, step.number, step.operation),
        value,
        is_cell: false,
    }
}

fn class_and_code(class: &str, code: Option<&str>) -> String {
    match code {
        Some(code) => format!("{class} {code}"),
        None => class.to_owned(),
    }
}

/// Renders the listing of `report`, one `KEY => VALUE` line per entry.
pub fn listing(report: &RunReport) -> String {
    let mut text = String::new();
    for entry in entries(report) {
        let _ = writeln!(text, "{} => {}", entry.key, entry.value);
    }
    text
}

/// Result of [`compare`]: the diff and the number of cells and steps that differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The unified diff of the two listings; empty when they are equal.
    pub unified_diff: String,
    /// Matrix cells whose value differs or that only one report has.
    pub differing_cells: usize,
    /// Scenario steps whose value differs or that only one report has.
    pub differing_steps: usize,
}

impl Comparison {
    /// Returns whether the two reports list the same outcomes.
    pub fn is_equal(&self) -> bool {
        self.differing_cells == 0 && self.differing_steps == 0
    }
}

/// Compares the listings of `old` and `new`; the names label the diff's header lines.
pub fn compare(old: &RunReport, old_name: &str, new: &RunReport, new_name: &str) -> Comparison {
    let old_listing = listing(old);
    let new_listing = listing(new);
    let unified_diff = if old_listing == new_listing {
        String::new()
    } else {
        similar::TextDiff::from_lines(&old_listing, &new_listing)
            .unified_diff()
            .context_radius(0)
            .header(old_name, new_name)
            .to_string()
    };

    let old_values: BTreeMap<String, (String, bool)> =
        entries(old).into_iter().map(|entry| (entry.key, (entry.value, entry.is_cell))).collect();
    let new_values: BTreeMap<String, (String, bool)> =
        entries(new).into_iter().map(|entry| (entry.key, (entry.value, entry.is_cell))).collect();
    let mut differing_cells = 0;
    let mut differing_steps = 0;
    let keys: std::collections::BTreeSet<&String> = old_values.keys().chain(new_values.keys()).collect();
    for key in keys {
        let (old_value, new_value) = (old_values.get(key), new_values.get(key));
        if old_value.map(|(value, _)| value) == new_value.map(|(value, _)| value) {
            continue;
        }
        let is_cell = old_value.or(new_value).is_some_and(|(_, is_cell)| *is_cell);
        if is_cell {
            differing_cells += 1;
        } else {
            differing_steps += 1;
        }
    }

    Comparison { unified_diff, differing_cells, differing_steps }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::OutcomeClass;
    use crate::report::sample;

    #[test]
    fn listing_has_one_line_per_cell_and_step() {
        let expected = "\
matrix sqs GetQueueAttributes same url => ok
matrix sqs GetQueueAttributes cross-account url => not-found AWS.SimpleQueueService.NonExistentQueue
matrix sqs ListQueues cross-region - => ok
matrix sqs PurgeQueue cross-account-and-region url => not-run
scenario sqs/read.yaml step 1 sqs.GetQueueAttributes same url => ok
scenario sqs/read.yaml step 2 sqs.GetQueueAttributes cross-account url => ok
scenario sqs/read.yaml step 3 sqs.GetQueueAttributes cross-account-and-region url => denied AccessDenied
";
        assert_eq!(listing(&sample::report()), expected);
    }

    #[test]
    fn compare_equal_reports_is_empty() {
        let report = sample::report();
        let mut later = report.clone();
        later.timings.total_ms = 99.0;
        later.versions.crosscheck = "0.2.0".to_owned();
        let comparison = compare(&report, "a.json", &later, "b.json");
        assert!(comparison.is_equal(), "{comparison:?}");
        assert_eq!(comparison.unified_diff, "");
    }

    #[test]
    fn compare_shows_changed_cell_as_unified_diff() {
        let report = sample::report();
        let mut other = report.clone();
        let run = other.matrix.as_mut().expect("the sample has a matrix");
        let observed = run.cells[1].observed.as_mut().expect("the cell was run");
        observed.class = OutcomeClass::Ok;
        observed.code = None;
        other.scenarios[0].steps.pop();

        let comparison = compare(&report, "moto.json", &other, "bundled.json");
        let expected = "\
--- moto.json
+++ bundled.json
@@ -2 +2 @@
-matrix sqs GetQueueAttributes cross-account url => not-found AWS.SimpleQueueService.NonExistentQueue
+matrix sqs GetQueueAttributes cross-account url => ok
@@ -7 +6,0 @@
-scenario sqs/read.yaml step 3 sqs.GetQueueAttributes cross-account-and-region url => denied AccessDenied
";
        assert_eq!(comparison.unified_diff, expected);
        assert_eq!(comparison.differing_cells, 1);
        assert_eq!(comparison.differing_steps, 1);
    }
}
