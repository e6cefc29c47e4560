//! Loader tests: a valid scenario, and one fixture per kind of load error
//! under `harness/tests/fixtures/load-errors/`.

use std::path::PathBuf;

use serde_json::json;

use super::*;

fn registry() -> Registry {
    Registry::with_default_drivers()
}

fn load_text(text: &str) -> Result<Scenario, LoadError> {
    load_str(text, Path::new("inline.yaml"), "inline.yaml", &registry())
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/load-errors").join(name)
}

/// Loads a fixture that must fail and returns its error.
fn load_error(name: &str) -> LoadError {
    let path = fixture(name);
    match load_file(&path, name, &registry()) {
        Ok(_) => panic!("{name} loaded, but it should fail"),
        Err(Error::Load(error)) => *error,
        Err(other) => panic!("{name} failed with {other}, not a load error"),
    }
}

/// Checks line, key and a fragment of the message of a fixture's load error.
fn assert_load_error(name: &str, line: usize, key: &str, fragment: &str) {
    let error = load_error(name);
    assert_eq!(error.file, fixture(name), "{name}: file in {error}");
    assert_eq!(error.line, line, "{name}: line in {error}");
    assert_eq!(error.key, key, "{name}: key in {error}");
    assert!(error.message.contains(fragment), "{name}: message {:?} lacks {fragment:?}", error.message);
}

/// Checks the whole position, key and message of a fixture's load error.
fn assert_load_error_exact(name: &str, (line, column): (usize, usize), key: &str, message: &str) {
    let error = load_error(name);
    assert_eq!(error.file, fixture(name), "{name}: file in {error}");
    assert_eq!((error.line, error.column), (line, column), "{name}: line and column in {error}");
    assert_eq!(error.key, key, "{name}: key in {error}");
    assert_eq!(error.message, message, "{name}: message in {error}");
}

const VALID: &str = r#"
name: valid scenario
description: every key in use
tags: [sqs, cross-account]
profiles: [localstack, aws]
actors:
  owner: { account: "111111111111", region: ap-south-1 }
  other: { account: "222222222222", region: eu-central-1, access_key_id: LSIAQAAAAAAVNCBMPNSG }
steps:
  - actor: owner
    call: sqs.CreateQueue
    input: { QueueName: my-queue, Attributes: { VisibilityTimeout: "60", DelaySeconds: 5 } }
    capture: { queue_url: QueueUrl }
  - actor: other
    call: sqs.GetQueueAttributes
    input: { QueueUrl: "${queue_url}", AttributeNames: [VisibilityTimeout] }
    expect:
      localstack: { ok: { Attributes: { VisibilityTimeout: "60" } } }
      aws: { error: not-found, source: "https://docs.aws.amazon.com/x", unverified: true }
  - actor: other
    call: sqs.DeleteQueue
    input: { QueueUrl: "${queue_url}" }
    expect:
      localstack: ok
      aws: { error: QueueDoesNotExist }
  - actor: owner
    call: sqs.ReceiveMessage
    input: { QueueUrl: "${queue_url}" }
    capture: { receipt_handle: "Messages[0].ReceiptHandle", body: "Messages[0].Body" }
    expect:
      localstack: { ok: { Messages: [] } }
      aws: { error: not-found }
"#;

#[test]
fn valid_scenario_loads_every_key() {
    let scenario = load_text(VALID).expect("valid scenario");
    assert_eq!(scenario.name, "valid scenario");
    assert_eq!(scenario.description.as_deref(), Some("every key in use"));
    assert_eq!(scenario.tags, vec!["sqs".to_owned(), "cross-account".to_owned()]);
    assert_eq!(scenario.profiles, vec![Profile::Localstack, Profile::Aws]);
    assert_eq!(scenario.steps.len(), 4);
    assert_eq!(scenario.steps[1].line, 14);
}

#[test]
fn access_key_id_defaults_to_account() {
    let scenario = load_text(VALID).expect("valid scenario");
    assert_eq!(scenario.actor("owner").map(|actor| actor.access_key_id.as_str()), Some("111111111111"));
    assert_eq!(scenario.actor("other").map(|actor| actor.access_key_id.as_str()), Some("LSIAQAAAAAAVNCBMPNSG"));
}

#[test]
fn quoted_scalars_stay_strings() {
    let scenario = load_text(VALID).expect("valid scenario");
    assert_eq!(
        scenario.steps[0].input,
        json!({ "QueueName": "my-queue", "Attributes": { "VisibilityTimeout": "60", "DelaySeconds": 5 } })
    );
}

#[test]
fn captures_parse_paths() {
    let scenario = load_text(VALID).expect("valid scenario");
    let captures: Vec<(String, String)> =
        scenario.steps[3].captures.iter().map(|capture| (capture.variable.clone(), capture.path.to_string())).collect();
    assert_eq!(
        captures,
        vec![
            ("receipt_handle".to_owned(), "Messages[0].ReceiptHandle".to_owned()),
            ("body".to_owned(), "Messages[0].Body".to_owned())
        ]
    );
}

#[test]
fn expectations_parse_every_form() {
    let scenario = load_text(VALID).expect("valid scenario");
    let read = &scenario.steps[1];
    assert_eq!(
        read.expectation(Profile::Localstack).map(|expectation| &expectation.outcome),
        Some(&ExpectedOutcome::Ok(Some(json!({ "Attributes": { "VisibilityTimeout": "60" } }))))
    );
    assert_eq!(
        read.expectation(Profile::Aws),
        Some(&Expectation {
            outcome: ExpectedOutcome::Error(ErrorMatcher::Class(OutcomeClass::NotFound)),
            source: Some("https://docs.aws.amazon.com/x".to_owned()),
            unverified: true,
        })
    );

    let delete = &scenario.steps[2];
    assert_eq!(
        delete.expectation(Profile::Localstack).map(|expectation| &expectation.outcome),
        Some(&ExpectedOutcome::Ok(None))
    );
    assert_eq!(
        delete.expectation(Profile::Aws).map(|expectation| &expectation.outcome),
        Some(&ExpectedOutcome::Error(ErrorMatcher::Code("QueueDoesNotExist".to_owned())))
    );
    assert!(scenario.steps[0].expect.is_empty(), "a step without expect is a set-up step");
}

#[test]
fn load_error_unknown_operation() {
    assert_load_error(
        "unknown_operation.yaml",
        7,
        "step 1: call",
        "unknown operation sqs.CreateQueu; did you mean sqs.CreateQueue?",
    );
}

#[test]
fn load_error_unknown_service() {
    assert_load_error(
        "unknown_service.yaml",
        7,
        "step 1: call",
        "unknown service \"dynamodb\"; drivers exist for http, kms, lambda, s3, secretsmanager, sns, sqs",
    );
}

#[test]
fn load_error_unknown_input_member() {
    assert_load_error_exact(
        "unknown_input_member.yaml",
        (10, 7),
        "step 1: input.QueueNam",
        "unknown member; did you mean QueueName? The members of CreateQueueInput are QueueName, Attributes, tags",
    );
}

#[test]
fn load_error_unknown_member_in_list_entry() {
    assert_load_error_exact(
        "unknown_member_in_list_entry.yaml",
        (15, 38),
        "step 2: input.Entries[0].DelaySecond",
        "unknown member; did you mean DelaySeconds? The members of SendMessageBatchRequestEntry are Id, \
         MessageBody, DelaySeconds, MessageAttributes, MessageSystemAttributes, MessageDeduplicationId, MessageGroupId",
    );
}

#[test]
fn load_error_unknown_member_in_map_value() {
    assert_load_error_exact(
        "unknown_member_in_map_value.yaml",
        (12, 32),
        "step 1: input.MessageAttributes.a.StringValu",
        "unknown member; did you mean StringValue? The members of MessageAttributeValue are StringValue, \
         BinaryValue, StringListValues, BinaryListValues, DataType",
    );
}

#[test]
fn load_error_input_type_mismatch() {
    assert_load_error_exact(
        "input_type_mismatch.yaml",
        (8, 25),
        "step 1: input.QueueName",
        "expected a string, found a list",
    );
}

#[test]
fn load_error_missing_required_member() {
    assert_load_error_exact(
        "missing_required_member.yaml",
        (12, 17),
        "step 1: input.MessageAttributes.colour",
        "missing member DataType; MessageAttributeValue requires it",
    );
}

#[test]
fn load_error_unknown_capture_member() {
    assert_load_error_exact(
        "unknown_capture_member.yaml",
        (9, 19),
        "step 1: capture.u",
        "QueueUrll: unknown member; did you mean QueueUrl? The members of CreateQueueOutput are QueueUrl",
    );
}

#[test]
fn load_error_capture_member_of_list() {
    assert_load_error_exact(
        "capture_member_of_list.yaml",
        (9, 32),
        "step 1: capture.receipt_handle",
        "Messages is a list; write an index, such as Messages[0]",
    );
}

#[test]
fn load_error_unknown_expected_member() {
    assert_load_error_exact(
        "unknown_expected_member.yaml",
        (10, 40),
        "step 1: expect.localstack.ok.Messages[0].Bdy",
        "unknown member; did you mean Body? The members of Message are MessageId, ReceiptHandle, MD5OfBody, Body, \
         Attributes, MD5OfMessageAttributes, MessageAttributes",
    );
}

#[test]
fn load_error_expected_type_mismatch() {
    assert_load_error_exact(
        "expected_type_mismatch.yaml",
        (9, 38),
        "step 1: expect.localstack.ok.QueueUrls",
        "expected a list, found the value \"http://sqs.ap-south-1.localhost:4566/111111111111/q\"",
    );
}

#[test]
fn load_error_undefined_variable() {
    assert_load_error(
        "undefined_variable.yaml",
        13,
        "step 2: input.QueueUrl",
        "undefined variable ${queue_ur}; earlier steps capture queue_url",
    );
}

#[test]
fn load_error_variable_used_before_capture() {
    assert_load_error(
        "variable_used_before_capture.yaml",
        8,
        "step 1: input.QueueName",
        "undefined variable ${queue_url}; no earlier step captures any variable",
    );
}

#[test]
fn load_error_unknown_actor() {
    assert_load_error("unknown_actor.yaml", 8, "step 2: actor", "unknown actor \"stranger\"; the actors are owner");
}

#[test]
fn load_error_unknown_profile() {
    assert_load_error("unknown_profile.yaml", 2, "profiles[1]", "unknown profile \"moto\"");
}

#[test]
fn load_error_expectation_for_unlisted_profile() {
    assert_load_error(
        "expectation_for_unlisted_profile.yaml",
        10,
        "step 1: expect.aws",
        "profile aws is not in the scenario's profiles",
    );
}

#[test]
fn load_error_expectation_missing_for_profile() {
    assert_load_error(
        "expectation_missing_for_profile.yaml",
        9,
        "step 1: expect",
        "no expected outcome for profile aws",
    );
}

#[test]
fn load_error_malformed_step() {
    assert_load_error("malformed_step.yaml", 8, "step 2", "a step must be a mapping with actor and call");
}

#[test]
fn load_error_step_without_call() {
    assert_load_error("step_without_call.yaml", 6, "step 1", "missing required key \"call\"");
}

#[test]
fn load_error_unknown_step_key() {
    assert_load_error(
        "unknown_step_key.yaml",
        8,
        "step 1: exepct",
        "unknown key \"exepct\"; expected one of actor, call, input, capture, expect",
    );
}

#[test]
fn load_error_unknown_error_class() {
    assert_load_error(
        "unknown_error_class.yaml",
        10,
        "step 1: expect.localstack.error",
        "unknown outcome class \"notfound\"",
    );
}

#[test]
fn load_error_invalid_account() {
    assert_load_error("invalid_account.yaml", 4, "actors.owner.account", "\"1111\" is not a 12-digit account id");
}

#[test]
fn load_error_invalid_capture_path() {
    assert_load_error("invalid_capture_path.yaml", 9, "step 1: capture.receipt", "has the index [first]");
}

#[test]
fn load_error_duplicate_key() {
    assert_load_error("duplicate_key.yaml", 8, "call", "duplicate key; it is already set on line 7");
}

#[test]
fn load_error_yaml_syntax() {
    let error = load_error("yaml_syntax.yaml");
    assert!(error.message.starts_with("invalid YAML: "), "{error}");
    assert!((2..=4).contains(&error.line), "line of {error}");
}

#[test]
fn load_error_two_documents() {
    assert_load_error("two_documents.yaml", 3, "(document)", "a scenario file contains exactly one document");
}

#[test]
fn leading_document_marker_is_accepted() {
    let text = format!("---\n{}", VALID.trim_start());
    assert!(load_text(&text).is_ok());
}

#[test]
fn load_error_anchor() {
    let error = load_error("anchor.yaml");
    assert_eq!(error.line, 4, "{error}");
    assert!(error.message.contains("anchors and aliases are not supported"), "{error}");
}

#[test]
fn load_error_empty_file() {
    assert_load_error("empty.yaml", 2, "name", "missing required key \"name\"");
}

#[test]
fn load_error_displays_file_line_column_key() {
    let error = load_error("unknown_actor.yaml");
    let text = error.to_string();
    let expected_start = format!("{}:8:12: step 2: actor: ", fixture("unknown_actor.yaml").display());
    assert!(text.starts_with(&expected_start), "{text}");
}

#[test]
fn committed_scenarios_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let files = discover(&root).expect("the scenarios folder is readable");
    assert!(files.len() > 10, "found only {} scenario files under {}", files.len(), root.display());
    for file in files {
        let loaded = load_file(&file.path, &file.id, &registry());
        assert!(loaded.is_ok(), "{}: {}", file.id, loaded.err().map(|error| error.to_string()).unwrap_or_default());
    }
}

#[test]
fn discover_finds_yaml_files_sorted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let files = discover(&root).expect("fixtures folder is readable");
    let ids: Vec<&str> = files.iter().map(|file| file.id.as_str()).collect();
    assert!(ids.contains(&"load-errors/anchor.yaml"), "{ids:?}");
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
}

const PRESIGN_STEPS: &str = r#"
name: presigned steps
profiles: [localstack]
actors:
  owner: { account: "111111111111", region: eu-west-1, addressing: virtual-host }
steps:
  - actor: owner
    call: CALL
    presign: true
    input: { Bucket: b, Key: k }
    capture: { url: URL }
"#;

#[test]
fn presign_step_captures_presigned_url() {
    let scenario = load_text(&PRESIGN_STEPS.replace("CALL", "s3.GetObject")).expect("GetObject can be presigned");

    assert!(scenario.steps[0].presign);
    assert_eq!(scenario.actors[0].addressing, Addressing::VirtualHost);
}

#[test]
fn presign_of_unsupported_operation_fails() {
    let error = load_text(&PRESIGN_STEPS.replace("CALL", "s3.HeadObject")).expect_err("HeadObject is not presigned");

    assert_eq!(error.key, "step 1: presign");
    assert!(error.message.contains("GetObject, PutObject"), "{}", error.message);
}

#[test]
fn unknown_addressing_fails() {
    let text = PRESIGN_STEPS.replace("CALL", "s3.GetObject").replace("virtual-host", "dns");

    let error = load_text(&text).expect_err("`dns` is no addressing style");
    assert_eq!(error.key, "actors.owner.addressing");
    assert!(error.message.contains("virtual-host"), "{}", error.message);
}

#[test]
fn http_request_without_url_fails() {
    let text = r#"
name: plain request without a URL
profiles: [localstack]
actors:
  browser: { account: "111111111111", region: eu-west-1 }
steps:
  - actor: browser
    call: http.Request
    input: { Method: GET }
"#;

    let error = load_text(text).expect_err("http.Request needs a Url");
    assert_eq!(error.line, 9, "{error}");
    assert!(error.key.starts_with("step 1: input"), "{error}");
    assert!(error.message.contains("Url"), "{error}");
}
