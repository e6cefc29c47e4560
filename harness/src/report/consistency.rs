//! Checks that a saved run's verdicts agree with its expected and observed outcomes.
//!
//! `crosscheck report` and `crosscheck diff` render and compare saved JSON,
//! which a person or a script may have edited. A cell or step with the
//! verdict `conforms` or `holds` must pass the check the runners made, so the
//! check here calls the runners' own [`check_outcome`]. The file keeps the normalised
//! response but not the raw one, and not the variables an expected response
//! refers to. So the check compares class and error code only. A verdict of
//! `differs` is not checked against the outcome, because a response that
//! differs from its expected subset also makes a step differ. It must still
//! come with an observed outcome.
//!
//! A cell or step missing from the file is not an inconsistency: the totals
//! count the cells and steps present.

use super::matrix::{CellVerdict, ExpectedCell, MatrixCell, ObservedCell};
use super::{RunReport, ScenarioResult, StepResult, Verdict};
use crate::check::check_outcome;
use crate::outcome::Outcome;
use crate::scenario::template::Variables;
use crate::scenario::{Expectation, ExpectedOutcome};

/// Checks every matrix cell and scenario step of `report`. The error names
/// the first inconsistent one and how its verdict disagrees with its outcome.
pub fn check_report(report: &RunReport) -> Result<(), String> {
    if let Some(run) = &report.matrix {
        for (index, cell) in run.cells.iter().enumerate() {
            check_cell(cell).map_err(|problem| format!("{}: {problem}", cell_name(index, cell)))?;
        }
    }
    for scenario in &report.scenarios {
        for step in &scenario.steps {
            check_step(step).map_err(|problem| format!("{}: {problem}", step_name(scenario, step)))?;
        }
    }
    Ok(())
}

fn cell_name(index: usize, cell: &MatrixCell) -> String {
    let address = cell.address.map_or_else(String::new, |kind| format!(" by {kind}"));
    format!("matrix cell {} ({}.{} from {}{address})", index + 1, cell.service, cell.operation, cell.boundary)
}

fn step_name(scenario: &ScenarioResult, step: &StepResult) -> String {
    format!("scenario {} step {} ({} by {})", scenario.scenario_id, step.number, step.operation, step.actor)
}

fn check_cell(cell: &MatrixCell) -> Result<(), String> {
    let verdict = cell.verdict.as_str();
    if cell.differs != (cell.verdict != CellVerdict::Conforms) {
        return Err(format!("verdict {verdict} contradicts differs {}", cell.differs));
    }

    match (cell.verdict, &cell.observed) {
        (CellVerdict::NotRun, _) => Ok(()),
        (CellVerdict::Conforms | CellVerdict::Differs, None) => {
            Err(format!("verdict {verdict} needs an observed outcome, but observed is null"))
        }
        (CellVerdict::Differs, Some(_)) => Ok(()),
        (CellVerdict::Conforms, Some(observed)) => {
            let expectation = class_expectation(&cell.expected);
            let differences = check_outcome(Some(&expectation), &outcome_of(observed), &Variables::new());
            claimed_without_support(verdict, &differences)
        }
    }
}

fn check_step(step: &StepResult) -> Result<(), String> {
    let verdict = step.verdict.as_str();
    match (&step.verdict, &step.outcome) {
        (Verdict::NotRun(_) | Verdict::InvalidScenario(_), _) => Ok(()),
        (Verdict::Holds | Verdict::Differs(_), None) => {
            Err(format!("verdict {verdict} needs an observed outcome, but observed is null"))
        }
        (Verdict::Differs(_), Some(_)) => Ok(()),
        (Verdict::Holds, Some(outcome)) => {
            let expectation = step.expectation.as_ref().map(without_response);
            let differences = check_outcome(expectation.as_ref(), outcome, &Variables::new());
            claimed_without_support(verdict, &differences)
        }
    }
}

fn claimed_without_support(verdict: &str, differences: &[String]) -> Result<(), String> {
    match differences.first() {
        None => Ok(()),
        Some(difference) => Err(format!("verdict {verdict}, but {difference}")),
    }
}

/// Rebuilds the cell's expectation without its response subset, which needs the raw response.
fn class_expectation(expected: &ExpectedCell) -> Expectation {
    without_response(&super::step_json::expectation_from(expected.clone()))
}

fn without_response(expectation: &Expectation) -> Expectation {
    let outcome = match &expectation.outcome {
        ExpectedOutcome::Ok(_) => ExpectedOutcome::Ok(None),
        ExpectedOutcome::Error(matcher) => ExpectedOutcome::Error(matcher.clone()),
    };
    Expectation { outcome, source: expectation.source.clone(), unverified: expectation.unverified }
}

fn outcome_of(observed: &ObservedCell) -> Outcome {
    Outcome {
        class: observed.class,
        code: observed.code.clone(),
        status: observed.status,
        message: observed.message.clone(),
        response: serde_json::Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::OutcomeClass;
    use crate::report::sample;

    #[test]
    fn sample_report_is_consistent() {
        assert_eq!(check_report(&sample::report()), Ok(()));
    }

    #[test]
    fn conforming_cell_with_other_class_is_rejected() {
        let mut report = sample::report();
        let cell = &mut report.matrix.as_mut().expect("the sample has a matrix").cells[0];
        cell.observed.as_mut().expect("the first cell was observed").class = OutcomeClass::Denied;

        let problem = check_report(&report).expect_err("the edited cell is rejected");

        assert!(problem.starts_with("matrix cell 1 (sqs.GetQueueAttributes from same by url): "), "{problem}");
        assert!(problem.contains("verdict conforms, but expected ok, found denied"), "{problem}");
    }

    #[test]
    fn conforming_cell_without_observed_is_rejected() {
        let mut report = sample::report();
        report.matrix.as_mut().expect("the sample has a matrix").cells[0].observed = None;

        let problem = check_report(&report).expect_err("the edited cell is rejected");

        assert!(problem.contains("observed is null"), "{problem}");
    }

    #[test]
    fn differs_flag_against_verdict_is_rejected() {
        let mut report = sample::report();
        report.matrix.as_mut().expect("the sample has a matrix").cells[1].differs = false;

        let problem = check_report(&report).expect_err("the edited cell is rejected");

        assert!(problem.contains("matrix cell 2 "), "{problem}");
        assert!(problem.contains("verdict differs contradicts differs false"), "{problem}");
    }

    #[test]
    fn holding_step_with_other_class_is_rejected() {
        let mut report = sample::report();
        let step = &mut report.scenarios[0].steps[0];
        step.outcome.as_mut().expect("the set-up step ran").class = OutcomeClass::NotFound;

        let problem = check_report(&report).expect_err("the edited step is rejected");

        assert!(problem.starts_with("scenario sqs/read.yaml step 1 (sqs.GetQueueAttributes by owner): "), "{problem}");
        assert!(problem.contains("verdict holds, but this set-up step"), "{problem}");
    }

    #[test]
    fn deleted_cell_keeps_report_consistent() {
        let mut report = sample::report();
        let run = report.matrix.as_mut().expect("the sample has a matrix");
        run.cells.remove(1);

        assert_eq!(check_report(&report), Ok(()));
        let totals = report.matrix.as_ref().map(super::super::matrix::MatrixRun::totals).expect("totals");
        assert_eq!((totals.cells, totals.conforming, totals.differing, totals.not_run), (3, 2, 0, 1));
    }
}
