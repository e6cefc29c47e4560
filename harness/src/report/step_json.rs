//! The JSON layout of a [`StepResult`], and the conversions both ways.
//!
//! A step's expectation and outcome come from the scenario and outcome
//! modules, which know nothing of JSON, so a step is written through
//! [`StepJson`]. The expectation and the outcome take the same shapes as a
//! matrix cell's ([`ExpectedCell`], [`ObservedCell`]), so a reader handles
//! cells and steps alike. The raw response is not kept, only the normalised
//! one, because the raw one changes from run to run.

use crosscheck_emulator::access::Boundary;
use crosscheck_emulator::arn::AddressKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::matrix::{ExpectedCell, ObservedCell};
use super::{StepResult, Verdict};
use crate::outcome::{Outcome, OutcomeClass};
use crate::scenario::{ErrorMatcher, Expectation, ExpectedOutcome};

/// One step as JSON writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepJson {
    number: usize,
    actor: String,
    /// `service.Operation`.
    operation: String,
    #[serde(with = "super::names::optional_boundary_name")]
    boundary: Option<Boundary>,
    #[serde(with = "super::names::address_kind_name")]
    address: Option<AddressKind>,
    /// `null` for a set-up step, which must succeed.
    expected: Option<ExpectedCell>,
    /// `null` when the step could not be made.
    observed: Option<ObservedCell>,
    /// The response with run-dependent values replaced by placeholders.
    response: Value,
    /// `holds`, `differs`, `not-run` or `invalid-scenario`.
    verdict: String,
    /// `true` unless the verdict is `holds`, for filters.
    differs: bool,
    /// The reasons the step does not hold, one sentence each; empty when it does.
    reasons: Vec<String>,
}

impl From<StepResult> for StepJson {
    fn from(step: StepResult) -> StepJson {
        StepJson {
            number: step.number,
            actor: step.actor,
            operation: step.operation,
            boundary: step.boundary,
            address: step.address_kind,
            expected: step.expectation.as_ref().map(crate::matrix::run::expected_cell),
            observed: step.outcome.map(|outcome| ObservedCell {
                class: outcome.class,
                code: outcome.code,
                status: outcome.status,
                message: outcome.message,
            }),
            response: step.normalised_response,
            verdict: step.verdict.as_str().to_owned(),
            differs: !step.verdict.holds(),
            reasons: step.verdict.reasons(),
        }
    }
}

impl TryFrom<StepJson> for StepResult {
    type Error = String;

    fn try_from(json: StepJson) -> Result<StepResult, String> {
        let verdict = verdict_from(&json.verdict, json.reasons)?;
        if json.differs == verdict.holds() {
            return Err(format!(
                "step {}: verdict {} contradicts differs {}; differs is true unless the verdict is holds",
                json.number, json.verdict, json.differs
            ));
        }
        Ok(StepResult {
            number: json.number,
            actor: json.actor,
            operation: json.operation,
            boundary: json.boundary,
            address_kind: json.address,
            expectation: json.expected.map(expectation_from),
            outcome: json.observed.map(|observed| Outcome {
                class: observed.class,
                code: observed.code,
                status: observed.status,
                message: observed.message,
                response: Value::Null,
            }),
            normalised_response: json.response,
            verdict,
        })
    }
}

fn verdict_from(name: &str, reasons: Vec<String>) -> Result<Verdict, String> {
    let first_reason = || reasons.first().cloned().unwrap_or_default();
    match name {
        "holds" => Ok(Verdict::Holds),
        "differs" => Ok(Verdict::Differs(reasons.clone())),
        "not-run" => Ok(Verdict::NotRun(first_reason())),
        "invalid-scenario" => Ok(Verdict::InvalidScenario(first_reason())),
        other => Err(format!("unknown step verdict {other:?}; expected holds, differs, not-run or invalid-scenario")),
    }
}

/// Rebuilds a scenario expectation from its plain form, the inverse of
/// [`crate::matrix::run::expected_cell`].
pub(super) fn expectation_from(expected: ExpectedCell) -> Expectation {
    let outcome = match (expected.class, expected.code) {
        (_, Some(code)) => ExpectedOutcome::Error(ErrorMatcher::Code(code)),
        (Some(OutcomeClass::Ok), None) => ExpectedOutcome::Ok(expected.response),
        (Some(class), None) => ExpectedOutcome::Error(ErrorMatcher::Class(class)),
        (None, None) => ExpectedOutcome::Error(ErrorMatcher::Any),
    };
    Expectation { outcome, source: expected.source, unverified: expected.unverified }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn step(expectation: Option<Expectation>, outcome: Option<Outcome>, verdict: Verdict) -> StepResult {
        StepResult {
            number: 3,
            actor: "other".to_owned(),
            operation: "sqs.GetQueueAttributes".to_owned(),
            boundary: Some(Boundary::CrossAccount),
            address_kind: Some(AddressKind::Url),
            expectation,
            outcome,
            normalised_response: json!({ "Attributes": { "VisibilityTimeout": "30" } }),
            verdict,
        }
    }

    fn round_trip(step: &StepResult) -> StepResult {
        let text = serde_json::to_string(step).expect("a step serialises");
        serde_json::from_str(&text).expect("the step reads back")
    }

    #[test]
    fn step_json_keeps_every_expectation_kind() {
        let expectations = [
            ExpectedOutcome::Ok(Some(json!({ "Attributes": { "VisibilityTimeout": "31" } }))),
            ExpectedOutcome::Ok(None),
            ExpectedOutcome::Error(ErrorMatcher::Any),
            ExpectedOutcome::Error(ErrorMatcher::Class(OutcomeClass::NotFound)),
            ExpectedOutcome::Error(ErrorMatcher::Code("QueueDoesNotExist".to_owned())),
        ];
        for outcome in expectations {
            let expectation =
                Expectation { outcome, source: Some("https://example.com/doc".to_owned()), unverified: true };
            let original = step(Some(expectation), Some(Outcome::ok(Some(200), Value::Null)), Verdict::Holds);
            assert_eq!(round_trip(&original), original, "{:?}", original.expectation);
        }
    }

    #[test]
    fn step_json_keeps_verdicts_and_outcomes() {
        let denied = Outcome::service_error(Some("AccessDenied".to_owned()), Some(403), Some("no".to_owned()));
        let verdicts = [
            Verdict::Holds,
            Verdict::Differs(vec!["first".to_owned(), "second".to_owned()]),
            Verdict::NotRun("${queue_url} has no value".to_owned()),
            Verdict::InvalidScenario("the input is not a mapping".to_owned()),
        ];
        for verdict in verdicts {
            let original = step(None, Some(denied.clone()), verdict);
            assert_eq!(round_trip(&original), original, "{:?}", original.verdict);
        }
        let not_made = step(None, None, Verdict::NotRun("no credentials".to_owned()));
        assert_eq!(round_trip(&not_made), not_made);
    }

    #[test]
    fn step_json_drops_raw_response() {
        let original = step(None, Some(Outcome::ok(Some(200), json!({ "QueueUrl": "http://x" }))), Verdict::Holds);
        let read = round_trip(&original);
        assert_eq!(read.outcome.map(|outcome| outcome.response), Some(Value::Null));
        assert_eq!(read.normalised_response, original.normalised_response);
    }

    #[test]
    fn step_json_rejects_differs_against_verdict() {
        let mut value = serde_json::to_value(step(None, None, Verdict::Holds)).expect("a step serialises");
        value["differs"] = json!(true);
        let error = serde_json::from_value::<StepResult>(value).expect_err("a contradicting flag is rejected");
        assert!(error.to_string().contains("step 3: verdict holds contradicts differs true"), "{error}");
    }

    #[test]
    fn step_json_rejects_unknown_verdict() {
        let mut value = serde_json::to_value(step(None, None, Verdict::Holds)).expect("a step serialises");
        value["verdict"] = json!("maybe");
        let error = serde_json::from_value::<StepResult>(value).expect_err("an unknown verdict is rejected");
        assert!(error.to_string().contains("unknown step verdict \"maybe\""), "{error}");
    }
}
