//! A small run report for the renderers' unit tests: two matrix cells that
//! conform, one that differs, one not run, and a scenario with a set-up
//! step, a step that holds and a step that differs.

use std::collections::BTreeMap;
use std::time::Duration;

use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use serde_json::{Value, json};

use super::matrix::{
    CellVerdict, ExpectedCell, MATRIX_FORMAT_VERSION, MatrixCell, MatrixRun, NamespaceInfo, ObservedCell,
};
use super::{REPORT_FORMAT_VERSION, RunReport, ScenarioResult, StepResult, TargetInfo, Timings, Verdict, Versions};
use crate::outcome::{Outcome, OutcomeClass};
use crate::scenario::{ErrorMatcher, Expectation, ExpectedOutcome};

const LOCALSTACK_DOC: &str = "https://docs.localstack.cloud/references/cross-account-access/";

fn target() -> TargetInfo {
    TargetInfo {
        name: "moto".to_owned(),
        endpoint: Some("http://127.0.0.1:45000".to_owned()),
        account_strategy: "assume-role".to_owned(),
    }
}

fn versions() -> Versions {
    let sdks = BTreeMap::from([("aws_sdk_sqs".to_owned(), "1.119.0".to_owned())]);
    Versions { crosscheck: "0.1.0".to_owned(), sdks, target: None }
}

fn timings() -> Timings {
    Timings { started_at: "2026-12-04T12:00:00Z".to_owned(), preflight_ms: Some(2.5), total_ms: 30.0 }
}

fn cell(
    operation: &str,
    boundary: Boundary,
    address: Option<AddressKind>,
    observed: Option<ObservedCell>,
) -> MatrixCell {
    let expected = ExpectedCell {
        class: Some(OutcomeClass::Ok),
        code: None,
        response: None,
        source: Some(LOCALSTACK_DOC.to_owned()),
        unverified: false,
    };
    let (verdict, reasons) = match &observed {
        None => (CellVerdict::NotRun, vec!["the fixture step sqs.CreateQueue failed: error: no response".to_owned()]),
        Some(observed) if observed.class == OutcomeClass::Ok => (CellVerdict::Conforms, Vec::new()),
        Some(observed) => (CellVerdict::Differs, vec![format!("expected ok, found {}", observed.summary())]),
    };
    MatrixCell {
        service: "sqs".to_owned(),
        operation: operation.to_owned(),
        boundary,
        address,
        owner: NamespaceInfo { account: "111111111111".to_owned(), region: "ap-south-1".to_owned() },
        caller: NamespaceInfo { account: "222222222222".to_owned(), region: "ap-south-1".to_owned() },
        expected,
        observed,
        differs: verdict != CellVerdict::Conforms,
        verdict,
        reasons,
        setup_ms: 1.5,
        duration_ms: 0.5,
    }
}

fn ok_observed() -> Option<ObservedCell> {
    Some(ObservedCell { class: OutcomeClass::Ok, code: None, status: Some(200), message: None })
}

fn matrix() -> MatrixRun {
    let missing = ObservedCell {
        class: OutcomeClass::NotFound,
        code: Some("AWS.SimpleQueueService.NonExistentQueue".to_owned()),
        status: Some(400),
        message: Some("The specified queue does not exist.".to_owned()),
    };
    MatrixRun {
        format_version: MATRIX_FORMAT_VERSION,
        target: target(),
        profile: Profile::Localstack,
        versions: versions(),
        timings: timings(),
        catalogs: vec!["sqs.yaml".to_owned()],
        cells: vec![
            cell("GetQueueAttributes", Boundary::Same, Some(AddressKind::Url), ok_observed()),
            cell("GetQueueAttributes", Boundary::CrossAccount, Some(AddressKind::Url), Some(missing)),
            cell("ListQueues", Boundary::CrossRegion, None, ok_observed()),
            cell("PurgeQueue", Boundary::CrossAccountAndRegion, Some(AddressKind::Url), None),
        ],
    }
}

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

fn scenario() -> ScenarioResult {
    let attributes = Expectation {
        outcome: ExpectedOutcome::Ok(Some(json!({ "Attributes": { "VisibilityTimeout": "31" } }))),
        source: None,
        unverified: true,
    };
    let not_found = Expectation {
        outcome: ExpectedOutcome::Error(ErrorMatcher::Class(OutcomeClass::NotFound)),
        source: Some("https://docs.aws.amazon.com/x".to_owned()),
        unverified: false,
    };
    let denied = Outcome::service_error(Some("AccessDenied".to_owned()), Some(403), Some("no".to_owned()));
    ScenarioResult {
        scenario_id: "sqs/read.yaml".to_owned(),
        name: "read".to_owned(),
        profile: Profile::Localstack,
        target: "moto".to_owned(),
        steps: vec![
            step(1, Boundary::Same, None, Outcome::ok(Some(200), json!({})), Verdict::Holds),
            step(
                2,
                Boundary::CrossAccount,
                Some(attributes),
                Outcome::ok(Some(200), json!({})),
                Verdict::Differs(vec!["Attributes.VisibilityTimeout: expected \"31\", found \"30\"".to_owned()]),
            ),
            step(
                3,
                Boundary::CrossAccountAndRegion,
                Some(not_found),
                denied,
                Verdict::Differs(vec!["expected not-found, found denied: AccessDenied (403) (no)".to_owned()]),
            ),
        ],
        duration: Duration::from_millis(5),
    }
}

/// Builds the sample report.
pub fn report() -> RunReport {
    RunReport {
        format_version: REPORT_FORMAT_VERSION,
        target: target(),
        profile: Profile::Localstack,
        versions: versions(),
        timings: timings(),
        scenarios: vec![scenario()],
        matrix: Some(matrix()),
    }
}
