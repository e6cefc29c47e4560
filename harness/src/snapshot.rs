//! What a snapshot records of a scenario run and of a matrix run.
//!
//! Per step: its number, actor, operation, boundary, address kind, outcome
//! class, error code, HTTP status and normalised response. Per matrix cell:
//! operation, boundary, address kind, expected outcome, observed class,
//! error code, HTTP status and verdict. Error messages, durations and the
//! cells' unique queue names are left out because they change between runs
//! and targets. The tests store one snapshot per scenario (or catalog),
//! target and profile in the top-level `snapshots/` folder, mirroring the
//! scenarios folder: `snapshots/sqs/purge_queue@bundled-localstack.snap`,
//! `snapshots/matrix/sqs@bundled-aws.snap`.

use serde::Serialize;
use serde_json::Value;

use crate::report::ScenarioResult;
use crate::report::matrix::MatrixRun;

/// The snapshot of one scenario run.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotRecord {
    pub steps: Vec<SnapshotStep>,
}

/// One step as a snapshot records it.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotStep {
    pub step: usize,
    pub actor: String,
    pub operation: String,
    /// `same`, `cross-account`, `cross-region`, `cross-account-and-region`,
    /// or `unknown` when the address could not be resolved.
    pub boundary: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<&'static str>,
    /// The outcome class, or `not-run` when the step could not be made.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Value::is_null")]
    pub response: Value,
}

impl SnapshotRecord {
    pub fn of(result: &ScenarioResult) -> SnapshotRecord {
        let steps = result
            .steps
            .iter()
            .map(|step| SnapshotStep {
                step: step.number,
                actor: step.actor.clone(),
                operation: step.operation.clone(),
                boundary: step.boundary.map_or("unknown", |boundary| boundary.as_str()),
                address: step.address_kind.map(|kind| kind.as_str()),
                outcome: step.outcome.as_ref().map_or("not-run", |outcome| outcome.class.as_str()),
                code: step.outcome.as_ref().and_then(|outcome| outcome.code.clone()),
                status: step.outcome.as_ref().and_then(|outcome| outcome.status),
                response: step.normalised_response.clone(),
            })
            .collect();
        SnapshotRecord { steps }
    }
}

/// The snapshot of one matrix run.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixSnapshot {
    pub cells: Vec<MatrixSnapshotCell>,
}

/// One matrix cell as a snapshot records it.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixSnapshotCell {
    pub operation: String,
    pub boundary: &'static str,
    /// The address kind, or `none` for an operation in the caller's own namespace.
    pub address: &'static str,
    /// The expected class or exact code, with ` (unverified)` when unverified.
    pub expected: String,
    /// The observed class, or `not-run`.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub verdict: &'static str,
}

impl MatrixSnapshot {
    /// Records the cells of `run` whose service is `service`, in cell order.
    pub fn of(run: &MatrixRun, service: &str) -> MatrixSnapshot {
        let cells = run
            .cells
            .iter()
            .filter(|cell| cell.service == service)
            .map(|cell| {
                let mut expected = cell.expected.summary();
                if cell.expected.unverified {
                    expected.push_str(" (unverified)");
                }
                MatrixSnapshotCell {
                    operation: cell.operation.clone(),
                    boundary: cell.boundary.as_str(),
                    address: cell.address.map_or("none", |kind| kind.as_str()),
                    expected,
                    outcome: cell.observed.as_ref().map_or("not-run", |observed| observed.class.as_str()),
                    code: cell.observed.as_ref().and_then(|observed| observed.code.clone()),
                    status: cell.observed.as_ref().and_then(|observed| observed.status),
                    verdict: cell.verdict.as_str(),
                }
            })
            .collect();
        MatrixSnapshot { cells }
    }
}

/// The snapshot's name inside its folder: the scenario file's stem.
pub fn snapshot_name(scenario_id: &str) -> &str {
    let file = scenario_id.rsplit('/').next().unwrap_or(scenario_id);
    file.strip_suffix(".yaml").unwrap_or(file)
}

/// The snapshot's folder under `snapshots/`: the scenario's folder, e.g. `sqs`.
pub fn snapshot_folder(scenario_id: &str) -> &str {
    scenario_id.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// The suffix that tells runs of one scenario apart: `bundled-localstack`.
pub fn snapshot_suffix(result: &ScenarioResult) -> String {
    format!("{}-{}", result.target, result.profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_names_follow_scenario_path() {
        assert_eq!(snapshot_name("sqs/purge_queue.yaml"), "purge_queue");
        assert_eq!(snapshot_folder("sqs/purge_queue.yaml"), "sqs");
        assert_eq!(snapshot_name("top.yaml"), "top");
        assert_eq!(snapshot_folder("top.yaml"), "");
        assert_eq!(snapshot_folder("a/b/c.yaml"), "a/b");
    }
}
