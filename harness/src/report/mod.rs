//! The results of a run as plain data, and its renderers.
//!
//! A run ([`RunReport`]) holds one [`ScenarioResult`] per scenario and
//! profile, which holds one [`StepResult`] per step, and one
//! [`matrix::MatrixRun`] per profile the matrix ran under. The runners fill
//! the model; renderers only read it, so Markdown today and HTML, JSON or
//! JUnit later all show the same facts. [`markdown`] renders the
//! compatibility matrix for pull requests.

pub mod markdown;
pub mod matrix;

use std::time::Duration;

use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use serde_json::Value;

use crate::outcome::Outcome;
use crate::scenario::Expectation;

/// Everything one `crosscheck run` produced.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The target's name, e.g. `bundled`.
    pub target: String,
    pub scenarios: Vec<ScenarioResult>,
    /// The matrix under each profile it ran under; empty when it did not run.
    pub matrix: Vec<matrix::MatrixRun>,
}

/// One scenario run under one profile.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The scenario's path under the scenarios directory, e.g. `sqs/purge.yaml`.
    pub scenario_id: String,
    pub name: String,
    pub profile: Profile,
    pub target: String,
    pub steps: Vec<StepResult>,
    pub duration: Duration,
}

/// One step of a scenario run.
#[derive(Debug, Clone)]
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

/// Formats a time as ISO 8601 in UTC with whole seconds, e.g. `2026-12-04T12:00:00Z`.
pub fn utc_timestamp(time: std::time::SystemTime) -> String {
    let seconds = time.duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    crosscheck_emulator::services::sts::time::format_timestamp(i64::try_from(seconds).unwrap_or(i64::MAX))
}
