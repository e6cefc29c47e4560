//! Tests of the catalog loader and the expectation rules.

use std::path::Path;

use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use serde_json::json;

use super::*;
use crate::outcome::OutcomeClass;
use crate::scenario::{ErrorMatcher, ExpectedOutcome, LoadError};

fn load(source: &str) -> Result<Catalog, LoadError> {
    load_str(source, Path::new("matrix/test.yaml"), "test.yaml", &Registry::with_default_drivers())
}

/// A valid catalog; tests replace one marked line to break it.
const VALID: &str = r#"service: sqs
actors:
  owner: { account: "111111111111", region: ap-south-1 }
  other: { account: "222222222222", region: eu-central-1 }
profiles:
  aws:
    same: ok
    cross-account: { error: denied, source: "https://example.test/denied" }
    cross-region: { error: QueueDoesNotExist, unverified: true }
    cross-account-and-region: { error: not-found }
    not_grantable:
      operations: [DeleteQueue]
      cross-account: { error: AccessDenied, source: "https://example.test/not-grantable" }
fixtures:
  queue:
    steps:
      - call: sqs.CreateQueue
        input: { QueueName: "${unique_name}" }
        capture: { queue_url: QueueUrl }
    addresses:
      url: { QueueUrl: "${queue_url}" }
    cleanup:
      - call: sqs.DeleteQueue
        input: { QueueUrl: "${queue_url}" }
  message:
    extends: queue
    steps:
      - call: sqs.SendMessage
        input: { QueueUrl: "${queue_url}", MessageBody: hello }
operations:
  - call: sqs.GetQueueAttributes
    fixture: message
    input: { AttributeNames: [All] }
    addresses: [url]
    response: { Attributes: { QueueArn: "x" } }
  - call: sqs.DeleteQueue
    fixture: queue
    addresses: [url]
    expect:
      aws:
        same: { error: any }
  - call: sqs.ListQueues
    scope: caller-namespace
    fixture: queue
    input: { QueueNamePrefix: "${unique_name}" }
    expect:
      same: { ok: { QueueUrls: ["${queue_url}"] } }
      cross-account: { ok: { QueueUrls: [] } }
      cross-region: { ok: { QueueUrls: [] } }
      cross-account-and-region: { ok: { QueueUrls: [] } }
"#;

fn replaced(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "the valid catalog contains {from:?}");
    VALID.replacen(from, to, 1)
}

/// Loads a broken catalog, expecting an error at `line` whose key and message contain the given text.
fn assert_rejected(source: &str, line: usize, key: &str, message: &str) {
    let error = load(source).expect_err("the catalog is invalid");
    assert_eq!(error.line, line, "line of {error}");
    assert!(error.key.contains(key), "key of {error}");
    assert!(error.message.contains(message), "message of {error}");
}

#[test]
fn valid_catalog_loads() {
    let catalog = load(VALID).expect("a valid catalog");
    assert_eq!(catalog.service, "sqs");
    assert_eq!(catalog.operations.len(), 3);
    let message = catalog.fixture("message").expect("the message fixture");
    assert_eq!(message.steps.len(), 2, "the parent's step comes first");
    assert_eq!(message.addresses.len(), 1, "addresses are inherited");
    assert_eq!(message.cleanup.len(), 1, "cleanup is inherited");
    assert_eq!(catalog.operations[0].addresses[0].0, AddressKind::Url);
    assert_eq!(catalog.operations[2].scope, Scope::CallerNamespace);
}

#[test]
fn callers_cover_four_boundaries() {
    let catalog = load(VALID).expect("a valid catalog");
    let owner = catalog.owner.namespace();
    for boundary in BOUNDARIES {
        let caller = catalog.caller(boundary);
        assert_eq!(Boundary::between(&caller.namespace(), &owner), boundary, "caller {caller:?}");
    }
}

#[test]
fn expectation_precedence() {
    let catalog = load(VALID).expect("a valid catalog");
    let [read, delete, _] = [&catalog.operations[0], &catalog.operations[1], &catalog.operations[2]];

    let same = expectation_for(&catalog, read, Profile::Aws, Boundary::Same).expect("stated");
    assert_eq!(same.outcome, ExpectedOutcome::Ok(Some(json!({ "Attributes": { "QueueArn": "x" } }))));

    let general = expectation_for(&catalog, read, Profile::Aws, Boundary::CrossAccount).expect("stated");
    assert_eq!(general.outcome, ExpectedOutcome::Error(ErrorMatcher::Class(OutcomeClass::Denied)));
    assert_eq!(general.source.as_deref(), Some("https://example.test/denied"));

    let not_grantable = expectation_for(&catalog, delete, Profile::Aws, Boundary::CrossAccount).expect("stated");
    assert_eq!(not_grantable.outcome, ExpectedOutcome::Error(ErrorMatcher::Code("AccessDenied".to_owned())));
    assert_eq!(not_grantable.source.as_deref(), Some("https://example.test/not-grantable"));

    let own = expectation_for(&catalog, delete, Profile::Aws, Boundary::Same).expect("stated");
    assert_eq!(own.outcome, ExpectedOutcome::Error(ErrorMatcher::Any));

    let region = expectation_for(&catalog, delete, Profile::Aws, Boundary::CrossRegion).expect("stated");
    assert!(region.unverified, "the unverified mark travels with the expectation");

    assert_eq!(expectation_for(&catalog, read, Profile::Localstack, Boundary::Same), None);
}

#[test]
fn plan_lists_one_cell_per_boundary_and_address() {
    let catalog = std::sync::Arc::new(load(VALID).expect("a valid catalog"));
    let cells = run::plan(std::slice::from_ref(&catalog), Profile::Aws);
    assert_eq!(cells.len(), 12, "three operations, four boundaries, one address each");
    assert!(cells[8..].iter().all(|cell| cell.address.is_none()), "ListQueues names no resource");
    assert!(run::plan(&[catalog], Profile::Localstack).is_empty(), "the catalog states no localstack rules");
}

#[test]
fn unknown_fixture_is_rejected() {
    assert_rejected(&replaced("    fixture: message\n", "    fixture: messages\n"), 32, "fixture", "unknown fixture");
}

#[test]
fn missing_boundary_is_rejected() {
    assert_rejected(
        &replaced("    cross-account-and-region: { error: not-found }\n", ""),
        7,
        "profiles.aws",
        "cross-account-and-region",
    );
}

#[test]
fn undefined_variable_is_rejected() {
    assert_rejected(
        &replaced("input: { QueueUrl: \"${queue_url}\", MessageBody: hello }", "input: { QueueUrl: \"${queue_uri}\" }"),
        29,
        "fixtures.message.steps[0].input.QueueUrl",
        "undefined variable ${queue_uri}",
    );
}

#[test]
fn unknown_address_kind_is_rejected() {
    assert_rejected(
        &replaced("    addresses: [url]\n    response", "    addresses: [uri]\n    response"),
        34,
        "addresses[0]",
        "unknown address kind",
    );
}

#[test]
fn address_missing_from_fixture_is_rejected() {
    assert_rejected(
        &replaced("    addresses: [url]\n    response", "    addresses: [arn]\n    response"),
        34,
        "addresses[0]",
        "no arn address",
    );
}

#[test]
fn caller_namespace_needs_every_boundary() {
    assert_rejected(
        &replaced("      cross-region: { ok: { QueueUrls: [] } }\n", ""),
        47,
        "expect",
        "cross-region under aws",
    );
}

#[test]
fn other_service_call_is_rejected() {
    assert_rejected(
        &replaced("  - call: sqs.DeleteQueue\n    fixture", "  - call: kms.DeleteQueue\n    fixture"),
        36,
        "call",
        "kms",
    );
}

#[test]
fn fixture_step_of_other_service_loads() {
    let source = replaced(
        "      - call: sqs.SendMessage\n        input: { QueueUrl: \"${queue_url}\", MessageBody: hello }",
        "      - call: kms.CreateKey\n        input: { Description: hello }\n        capture: { key_id: KeyMetadata.KeyId }",
    );
    let catalog = load(&source).expect("a fixture step may call another service");
    let message = catalog.fixture("message").expect("the message fixture");
    assert_eq!(message.steps[1].call.to_string(), "kms.CreateKey");
}

#[test]
fn unknown_input_member_is_rejected() {
    assert_rejected(
        &replaced("input: { AttributeNames: [All] }", "input: { AttributeName: [All] }"),
        33,
        "input.AttributeName",
        "unknown member; did you mean AttributeNames? The members of GetQueueAttributesInput are",
    );
}

#[test]
fn nested_input_member_is_rejected() {
    let source = format!(
        "{VALID}  - call: sqs.SendMessageBatch\n    fixture: queue\n    addresses: [url]\n    \
         input: {{ Entries: [{{ Id: a, MessageBody: b, DelaySecond: 1 }}] }}\n"
    );
    assert_rejected(&source, 54, "input.Entries[0].DelaySecond", "did you mean DelaySeconds?");
}

#[test]
fn fixture_input_type_is_checked() {
    assert_rejected(
        &replaced("input: { QueueName: \"${unique_name}\" }", "input: { QueueName: [\"${unique_name}\"] }"),
        18,
        "fixtures.queue.steps[0].input.QueueName",
        "expected a string, found a list",
    );
}

#[test]
fn fixture_capture_path_is_checked() {
    assert_rejected(
        &replaced("capture: { queue_url: QueueUrl }", "capture: { queue_url: QueueUrll }"),
        19,
        "fixtures.queue.steps[0].capture.queue_url",
        "QueueUrll: unknown member; did you mean QueueUrl?",
    );
}

#[test]
fn address_member_type_is_checked() {
    assert_rejected(
        &replaced("url: { QueueUrl: \"${queue_url}\" }", "url: { QueueUrl: [\"${queue_url}\"] }"),
        34,
        "addresses",
        "the url address sets QueueUrl: expected a string, found a list",
    );
}

#[test]
fn address_member_name_is_checked() {
    assert_rejected(
        &replaced("url: { QueueUrl: \"${queue_url}\" }", "url: { QueueURL: \"${queue_url}\" }"),
        34,
        "addresses",
        "the url address sets QueueURL: unknown member; did you mean QueueUrl?",
    );
}

#[test]
fn response_member_is_checked() {
    assert_rejected(
        &replaced("response: { Attributes: { QueueArn: \"x\" } }", "response: { Attribute: { QueueArn: \"x\" } }"),
        35,
        "response.Attribute",
        "did you mean Attributes? The members of GetQueueAttributesOutput are Attributes",
    );
}

#[test]
fn override_subset_member_is_checked() {
    assert_rejected(
        &replaced("same: { ok: { QueueUrls: [\"${queue_url}\"] } }", "same: { ok: { QueueUrl: [\"${queue_url}\"] } }"),
        47,
        "expect.same.ok.QueueUrl",
        "did you mean QueueUrls?",
    );
}

#[test]
fn profile_subset_is_checked_against_each_operation() {
    assert_rejected(
        &replaced("    same: ok\n", "    same: { ok: { QueueUrls: [] } }\n"),
        7,
        "profiles.aws.same.ok.QueueUrls",
        "the members of GetQueueAttributesOutput are Attributes (this expectation applies to sqs.GetQueueAttributes)",
    );
}

#[test]
fn not_grantable_operation_name_is_checked() {
    assert_rejected(
        &replaced("operations: [DeleteQueue]", "operations: [DeleteQueues]"),
        12,
        "profiles.aws.not_grantable.operations[0]",
        "unknown operation sqs.DeleteQueues; did you mean sqs.DeleteQueue?",
    );
}

#[test]
fn extends_unknown_fixture_is_rejected() {
    assert_rejected(&replaced("extends: queue", "extends: later"), 26, "extends", "not defined above");
}

#[test]
fn actors_must_differ_in_account_and_region() {
    assert_rejected(
        &replaced(
            "other: { account: \"222222222222\", region: eu-central-1 }",
            "other: { account: \"222222222222\", region: ap-south-1 }",
        ),
        3,
        "actors",
        "different regions",
    );
}

#[test]
fn operation_rows_with_other_address_kinds_load() {
    let source = format!(
        "{VALID}  - call: sqs.DeleteQueue\n    fixture: queue\n    addresses:\n      id: {{ QueueUrl: \"${{queue_url}}\" }}\n"
    );
    let catalog = load(&source).expect("a second DeleteQueue row by another address kind");
    let rows: Vec<&CatalogOperation> =
        catalog.operations.iter().filter(|operation| operation.call.operation == "DeleteQueue").collect();
    assert_eq!(rows.len(), 2, "two DeleteQueue rows");
    assert_eq!(rows[1].addresses[0].0, AddressKind::Id);
}

#[test]
fn duplicate_operation_is_rejected() {
    let source = format!("{VALID}  - call: sqs.DeleteQueue\n    fixture: queue\n    addresses: [url]\n");
    assert_rejected(&source, 51, "operations[3]", "listed twice with the same address kind");
}

#[test]
fn committed_sqs_catalog_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/matrix");
    let files = discover(&root).expect("the catalog folder is readable");
    assert!(files.iter().any(|file| file.id == "sqs.yaml"), "{files:?}");
    for file in files {
        let catalog = load_file(&file.path, &file.id, &Registry::with_default_drivers());
        assert!(catalog.is_ok(), "{}: {:?}", file.id, catalog.err().map(|error| error.to_string()));
    }
}
