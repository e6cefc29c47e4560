//! The results of a run as plain data, and its renderers.
//!
//! A [`RunReport`] is one target under one profile: one [`ScenarioResult`]
//! per scenario that states the profile, which holds one [`StepResult`] per
//! step, and the generated matrix ([`matrix::MatrixRun`]). `crosscheck run`
//! makes one report per profile. The runners fill the model and the
//! renderers only read it. The model serialises to the JSON layout that
//! [`json`] documents and reads back from it, so a saved run renders to the
//! same Markdown, HTML and JUnit XML later, and two saved runs can be compared.
//!
//! | module | renders |
//! |---|---|
//! | [`markdown`] | `<target>-<profile>.md`, GitHub tables for pull requests, and the index `compat-matrix.md` |
//! | [`html`] | `<target>-<profile>.html`, one self-contained page for people |
//! | [`json`] | `<target>-<profile>.json`, the model itself, for machines |
//! | [`junit`] | `<target>-<profile>.xml`, JUnit XML for CI systems |
//! | [`diff`] | one line per cell and step, for `crosscheck diff` |
//!
//! [`files`] names the files and writes them. [`json::read_file`] rejects a
//! saved run whose verdicts disagree with its expected and observed outcomes.

mod consistency;
pub mod diff;
pub mod files;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod matrix;
mod names;
pub mod redact;
#[cfg(test)]
mod sample;
mod step_json;

use std::time::Duration;

use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use self::matrix::{TargetInfo, Timings, Versions};
pub use self::names::to_milliseconds;
use crate::outcome::{Outcome, OutcomeClass};
use crate::scenario::Expectation;

/// The version of the JSON layout of a [`RunReport`]. It changes whenever a
/// field is renamed or removed, or changes meaning; new optional fields keep it.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// One target under one profile: everything `crosscheck run` found for that pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// [`REPORT_FORMAT_VERSION`] when written.
    pub format_version: u32,
    pub target: TargetInfo,
    #[serde(with = "names::profile_name")]
    pub profile: Profile,
    pub versions: Versions,
    /// `total_ms` covers the whole `crosscheck run`, every profile together.
    pub timings: Timings,
    /// In file order; empty when no scenario states the profile or `--only matrix` was given.
    pub scenarios: Vec<ScenarioResult>,
    /// `None` when no catalog states the profile or `--only scenarios` was given.
    pub matrix: Option<matrix::MatrixRun>,
}

/// One scenario run under one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// The scenario's path under the scenarios directory, e.g. `sqs/purge.yaml`.
    pub scenario_id: String,
    pub name: String,
    #[serde(with = "names::profile_name")]
    pub profile: Profile,
    pub target: String,
    pub steps: Vec<StepResult>,
    /// Starting the target, every step, and stopping the target.
    #[serde(rename = "duration_ms", with = "names::milliseconds")]
    pub duration: Duration,
}

/// One step of a scenario run.
///
/// In JSON it takes the layout of [`json`]'s `steps`, which keeps the
/// normalised response but not the raw one: [`Outcome::response`] reads
/// back as `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "step_json::StepJson", try_from = "step_json::StepJson")]
pub struct StepResult {
    /// Position in the scenario, from 1.
    pub number: usize,
    pub actor: String,
    /// `service.Operation`.
    pub operation: String,
    /// `None` when the step names no resource the harness could resolve.
    pub boundary: Option<Boundary>,
    /// How the step named its resource; `None` for operations without one.
    pub address_kind: Option<AddressKind>,
    /// The profile's expectation; `None` for a set-up step, which must succeed.
    pub expectation: Option<Expectation>,
    /// What the call did; `None` when the step could not be made.
    pub outcome: Option<Outcome>,
    /// The response with run-dependent values replaced by placeholders.
    pub normalised_response: Value,
    pub verdict: Verdict,
}

/// Whether a step did what its profile expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Holds,
    /// The target's outcome departs from the expectation, in these ways.
    Differs(Vec<String>),
    /// The step could not be made, e.g. because a variable it uses was never captured.
    NotRun(String),
    /// The scenario is wrong: its input does not fit the operation.
    InvalidScenario(String),
}

impl Verdict {
    pub fn holds(&self) -> bool {
        *self == Verdict::Holds
    }

    /// The verdict's name in JSON: `holds`, `differs`, `not-run`, `invalid-scenario`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Differs(_) => "differs",
            Verdict::NotRun(_) => "not-run",
            Verdict::InvalidScenario(_) => "invalid-scenario",
        }
    }

    /// A one-word label for tables: `holds`, `differs`, `not run`, `invalid scenario`.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Differs(_) => "differs",
            Verdict::NotRun(_) => "not run",
            Verdict::InvalidScenario(_) => "invalid scenario",
        }
    }

    /// The reasons behind a verdict other than `holds`.
    pub fn reasons(&self) -> Vec<String> {
        match self {
            Verdict::Holds => Vec::new(),
            Verdict::Differs(differences) => differences.clone(),
            Verdict::NotRun(reason) | Verdict::InvalidScenario(reason) => vec![reason.clone()],
        }
    }
}

impl StepResult {
    /// Whether the step crossed an account or region boundary.
    pub fn crosses_boundary(&self) -> bool {
        self.boundary.is_some_and(|boundary| boundary != Boundary::Same)
    }

    /// The expectation as a table cell would show it: `ok`, `not-found`,
    /// `QueueDoesNotExist`, or `ok (set-up)` for a step without one.
    pub fn expected_summary(&self) -> String {
        match &self.expectation {
            Some(expectation) => expectation.outcome.to_string(),
            None => "ok (set-up)".to_owned(),
        }
    }

    /// The outcome as a table cell would show it.
    pub fn observed_summary(&self) -> String {
        match &self.outcome {
            Some(outcome) => outcome.summary(),
            None => "not run".to_owned(),
        }
    }
}

impl ScenarioResult {
    /// Whether every step holds.
    pub fn holds(&self) -> bool {
        self.steps.iter().all(|step| step.verdict.holds())
    }

    /// Whether a step failed because the scenario itself is wrong.
    pub fn is_invalid(&self) -> bool {
        self.steps.iter().any(|step| matches!(step.verdict, Verdict::InvalidScenario(_)))
    }

    /// One line per step that does not hold, naming scenario, profile, step and reason.
    pub fn failure_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for step in &self.steps {
            for reason in step.verdict.reasons() {
                lines.push(format!(
                    "{} ({}): step {} ({} by {}): {}",
                    self.scenario_id, self.profile, step.number, step.operation, step.actor, reason
                ));
            }
        }
        lines
    }
}

/// Counts over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Scenario runs, one per scenario and profile.
    pub scenario_runs: usize,
    pub scenario_runs_holding: usize,
    pub steps: usize,
    pub cross_boundary_steps: usize,
    pub steps_holding: usize,
    pub steps_differing: usize,
    pub steps_not_run: usize,
    pub steps_invalid: usize,
}

impl RunReport {
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for scenario in &self.scenarios {
            totals.scenario_runs += 1;
            totals.scenario_runs_holding += usize::from(scenario.holds());
            for step in &scenario.steps {
                totals.steps += 1;
                totals.cross_boundary_steps += usize::from(step.crosses_boundary());
                match step.verdict {
                    Verdict::Holds => totals.steps_holding += 1,
                    Verdict::Differs(_) => totals.steps_differing += 1,
                    Verdict::NotRun(_) => totals.steps_not_run += 1,
                    Verdict::InvalidScenario(_) => totals.steps_invalid += 1,
                }
            }
        }
        totals
    }

    /// Whether every expectation of every scenario run and every matrix cell holds.
    pub fn holds(&self) -> bool {
        self.scenarios.iter().all(ScenarioResult::holds) && self.matrix.iter().all(matrix::MatrixRun::conforms)
    }

    /// Whether some scenario turned out to be invalid while running.
    pub fn has_invalid_scenarios(&self) -> bool {
        self.scenarios.iter().any(ScenarioResult::is_invalid)
    }
}

impl RunReport {
    /// Returns the name the report's files share: `<target>-<profile>`, e.g.
    /// `bundled-localstack`, with any character other than ASCII letters,
    /// digits, `.`, `-` and `_` replaced by `-`.
    pub fn file_stem(&self) -> String {
        let stem = format!("{}-{}", self.target.name, self.profile);
        stem.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' }).collect()
    }

    /// Returns the conformance score: conforming matrix cells divided by all
    /// matrix cells, from 0 to 1; `None` when the matrix has no cells.
    pub fn conformance(&self) -> Option<f64> {
        self.matrix.as_ref()?.totals().score()
    }

    /// Lists every way the run departs from its profile: one line per matrix
    /// cell and scenario step that does not conform, with the reason.
    pub fn difference_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(run) = &self.matrix {
            for cell in run.cells.iter().filter(|cell| cell.differs) {
                let address = cell.address.map_or_else(String::new, |kind| format!(" by {kind}"));
                for reason in &cell.reasons {
                    lines.push(format!(
                        "matrix {} ({}): {}{address} from {}: {reason}",
                        cell.service, self.profile, cell.operation, cell.boundary
                    ));
                }
            }
        }
        for scenario in &self.scenarios {
            lines.extend(scenario.failure_lines());
        }
        lines
    }
}

impl StepResult {
    /// Returns the service part of the operation: `sqs` for `sqs.SendMessage`.
    pub fn service(&self) -> &str {
        self.operation.split_once('.').map_or(self.operation.as_str(), |(service, _)| service)
    }
}

/// Returns the sign reports show for an outcome class: ✓ ok, ⛔ denied,
/// ∅ not found, ⚠ invalid, ⁇ unsupported, ✗ any other error.
pub fn class_symbol(class: OutcomeClass) -> &'static str {
    match class {
        OutcomeClass::Ok => "✓",
        OutcomeClass::Denied => "⛔",
        OutcomeClass::NotFound => "∅",
        OutcomeClass::Invalid => "⚠",
        OutcomeClass::Unsupported => "⁇",
        OutcomeClass::Error => "✗",
    }
}

/// Formats a time as ISO 8601 in UTC with whole seconds, e.g. `2026-12-04T12:00:00Z`.
pub fn utc_timestamp(time: std::time::SystemTime) -> String {
    let seconds = time.duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    crosscheck_emulator::services::sts::time::format_timestamp(i64::try_from(seconds).unwrap_or(i64::MAX))
}
