//! End-to-end: the real `crosscheck policy eval` and `crosscheck policy
//! analyze` commands on the policy files in `tests/fixtures/policy/`.
//!
//! The fixtures model a queue `orders` owned by 111111111111 in us-east-1:
//!
//! - `queue-grants-partner-send.json` lets 222222222222 send, and denies
//!   PurgeQueue to every principal outside the owner's account;
//! - `identity-allows-sqs.json` is an identity-based policy that allows
//!   SendMessage and PurgeQueue on every queue;
//! - `queue-allows-from-network.json` lets anyone in 192.0.2.0/24 do anything
//!   and lets SNS deliver for topics of 222222222222;
//! - `queue-denies-all-but-bob.json` lets user bob of 222222222222 send and
//!   denies sending to everyone else with `NotPrincipal`;
//! - `queue-open-this-century.json` conditions sending on `aws:CurrentTime`
//!   and receiving on `aws:EpochTime`;
//! - `queue-binary-token.json` conditions sending on a `BinaryEquals` key;
//! - `send-allowed-then-denied.json` allows anyone to send and then denies
//!   sending to everyone without a condition;
//! - `allow-everything.json` is an identity-based policy (or permissions
//!   boundary) that allows every action;
//! - `malformed-effect.json`, `not-json.json` and `not-principal-allow.json`
//!   (`NotPrincipal` with `Allow`) are invalid.
//!
//! Exit status of `eval`: 0 allowed, 1 denied, 2 invalid input. Exit status
//! of `analyze`: 0 no external access, 1 external access found, 2 invalid input.

use std::path::PathBuf;
use std::process::{Command, Output};

const QUEUE_ARN: &str = "arn:aws:sqs:us-east-1:111111111111:orders";
const ALICE: &str = "arn:aws:iam::222222222222:user/alice";

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policy").join(name);
    path.to_string_lossy().into_owned()
}

fn crosscheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the crosscheck binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `policy eval` for ALICE on the queue with the given policy files and extra arguments.
fn eval(identity: Option<&str>, resource: &str, action: &str, extra: &[&str]) -> Output {
    let identity = identity.map(fixture);
    let resource = fixture(resource);
    let mut args = vec!["policy", "eval"];
    if let Some(identity) = &identity {
        args.extend(["--identity-policy", identity]);
    }
    args.extend(["--resource-policy", &resource, "--principal", ALICE, "--action", action, "--resource", QUEUE_ARN]);
    args.extend_from_slice(extra);
    crosscheck(&args)
}

#[test]
fn eval_allows_cross_account_grant() {
    let output = eval(Some("identity-allows-sqs.json"), "queue-grants-partner-send.json", "sqs:SendMessage", &[]);
    let text = stdout(&output);

    assert_eq!(output.status.code(), Some(0), "exit status; stderr: {}", stderr(&output));
    assert!(text.contains("decision: allowed"), "decision line in:\n{text}");
    assert!(text.contains("both allow"), "reason line in:\n{text}");
    assert!(
        text.contains("queue-grants-partner-send.json: Statement[0] (Sid PartnerSends): Allow"),
        "resource statement in:\n{text}"
    );
    assert!(
        text.contains("identity-allows-sqs.json: Statement[0] (Sid UseQueues): Allow"),
        "identity statement in:\n{text}"
    );
    assert!(text.contains("cross-account"), "boundary in:\n{text}");
}

#[test]
fn eval_denies_without_identity_allow() {
    let output = eval(None, "queue-grants-partner-send.json", "sqs:SendMessage", &[]);
    let text = stdout(&output);

    assert_eq!(output.status.code(), Some(1), "exit status; stderr: {}", stderr(&output));
    assert!(text.contains("decision: implicitDeny"), "decision line in:\n{text}");
    assert!(text.contains("identity-based policies do not allow"), "reason line in:\n{text}");
}

#[test]
fn eval_reports_explicit_deny() {
    let output = eval(Some("identity-allows-sqs.json"), "queue-grants-partner-send.json", "sqs:PurgeQueue", &[]);
    let text = stdout(&output);

    assert_eq!(output.status.code(), Some(1), "exit status; stderr: {}", stderr(&output));
    assert!(text.contains("decision: explicitDeny"), "decision line in:\n{text}");
    assert!(text.contains("Statement[1] (Sid NoPurgeFromOutside): Deny"), "deny statement in:\n{text}");
}

#[test]
fn eval_json_has_decision_and_statements() {
    let output = eval(Some("identity-allows-sqs.json"), "queue-grants-partner-send.json", "sqs:SendMessage", &["--json"]);
    assert_eq!(output.status.code(), Some(0), "exit status; stderr: {}", stderr(&output));

    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(value["decision"], "allowed");
    assert_eq!(value["reason"], "allowedByBothAccounts");
    assert_eq!(value["crossAccount"], true);
    assert_eq!(value["request"]["resourceAccount"], "111111111111");
    let matched = value["matchedStatements"].as_array().expect("matchedStatements is a list");
    assert_eq!(matched.len(), 2, "one statement per policy: {matched:?}");
    assert_eq!(matched[0]["sid"], "PartnerSends");
    assert_eq!(matched[0]["kind"], "resource");
}

#[test]
fn eval_context_decides_condition() {
    let resource = fixture("queue-allows-from-network.json");
    let from = |address: &str| {
        let context = format!("aws:SourceIp={address}");
        crosscheck(&[
            "policy", "eval", "--resource-policy", &resource, "--principal", "333333333333", "--action",
            "sqs:SendMessage", "--resource", QUEUE_ARN, "--context", &context,
        ])
    };

    let inside = from("192.0.2.10");
    assert_eq!(inside.status.code(), Some(0), "address in range; stdout:\n{}", stdout(&inside));

    let outside = from("198.51.100.7");
    assert_eq!(outside.status.code(), Some(1), "address outside the range; stdout:\n{}", stdout(&outside));
}

#[test]
fn eval_lists_missing_context_keys() {
    let output = eval(Some("identity-allows-sqs.json"), "queue-allows-from-network.json", "sqs:SendMessage", &[]);
    let text = stdout(&output);

    assert_eq!(output.status.code(), Some(1), "no address, no grant; stderr: {}", stderr(&output));
    assert!(text.contains("missing context keys: aws:SourceIp"), "missing keys in:\n{text}");
}

#[test]
fn eval_malformed_policy_names_element() {
    let output = eval(None, "malformed-effect.json", "sqs:SendMessage", &[]);
    let message = stderr(&output);

    assert_eq!(output.status.code(), Some(2), "exit status; stdout: {}", stdout(&output));
    assert!(message.contains("malformed-effect.json"), "file name in: {message}");
    assert!(message.contains("Statement[0].Effect"), "element in: {message}");
    assert!(message.contains("Permit"), "offending value in: {message}");
}

#[test]
fn eval_invalid_json_exits_2() {
    let output = eval(None, "not-json.json", "sqs:SendMessage", &[]);
    let message = stderr(&output);

    assert_eq!(output.status.code(), Some(2), "exit status");
    assert!(message.contains("not valid JSON"), "parser message in: {message}");
}

#[test]
fn eval_unreadable_file_exits_2() {
    let output = eval(None, "no-such-file.json", "sqs:SendMessage", &[]);
    let message = stderr(&output);

    assert_eq!(output.status.code(), Some(2), "exit status");
    assert!(message.contains("cannot read --resource-policy"), "option in: {message}");
    assert!(message.contains("no-such-file.json"), "file name in: {message}");
}

#[test]
fn eval_bad_context_exits_2() {
    let output = eval(None, "queue-grants-partner-send.json", "sqs:SendMessage", &["--context", "aws:SourceIp"]);
    assert_eq!(output.status.code(), Some(2), "exit status");
    assert!(stderr(&output).contains("expected KEY=VALUE"), "message: {}", stderr(&output));
}

#[test]
fn eval_bad_principal_exits_2() {
    let resource = fixture("queue-grants-partner-send.json");
    let output = crosscheck(&[
        "policy", "eval", "--resource-policy", &resource, "--principal", "alice", "--action", "sqs:SendMessage",
        "--resource", QUEUE_ARN,
    ]);
    assert_eq!(output.status.code(), Some(2), "exit status");
    assert!(stderr(&output).contains("--principal"), "message: {}", stderr(&output));
}

#[test]
fn eval_resource_without_account_exits_2() {
    let resource = fixture("queue-grants-partner-send.json");
    let output = crosscheck(&[
        "policy", "eval", "--resource-policy", &resource, "--principal", ALICE, "--action", "s3:GetObject",
        "--resource", "arn:aws:s3:::bucket/key",
    ]);
    assert_eq!(output.status.code(), Some(2), "exit status");
    assert!(stderr(&output).contains("--resource-account"), "message: {}", stderr(&output));
}

#[test]
fn analyze_lists_external_principals() {
    let file = fixture("queue-allows-from-network.json");
    let output = crosscheck(&["policy", "analyze", &file, "--owner", "111111111111", "--action-universe", "sqs"]);
    let text = stdout(&output);

    assert_eq!(output.status.code(), Some(1), "external access found; stderr: {}", stderr(&output));
    assert!(text.contains("2 principals outside account 111111111111"), "summary in:\n{text}");
    assert!(text.contains("anyone, including anonymous callers"), "wildcard finding in:\n{text}");
    assert!(text.contains("condition: IpAddress aws:SourceIp = 192.0.2.0/24"), "IP condition in:\n{text}");
    assert!(text.contains("service sns.amazonaws.com"), "service finding in:\n{text}");
    assert!(text.contains("condition: StringEquals aws:SourceAccount = 222222222222"), "source condition in:\n{text}");
}

#[test]
fn analyze_json_expands_actions() {
    let file = fixture("queue-grants-partner-send.json");
    let output =
        crosscheck(&["policy", "analyze", &file, "--owner", "111111111111", "--action-universe", "sqs", "--json"]);
    assert_eq!(output.status.code(), Some(1), "external access found; stderr: {}", stderr(&output));

    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(value["ownerAccount"], "111111111111");
    assert_eq!(value["actionUniverse"], "sqs");
    let findings = value["findings"].as_array().expect("findings is a list");
    assert_eq!(findings.len(), 1, "one external account: {findings:?}");
    assert_eq!(findings[0]["principal"]["kind"], "account");
    assert_eq!(findings[0]["principal"]["accountId"], "222222222222");
    assert_eq!(findings[0]["grants"][0]["actions"]["listed"][0], "sqs:SendMessage");
}

#[test]
fn analyze_owner_only_policy_has_no_findings() {
    let file = fixture("queue-grants-partner-send.json");
    let output = crosscheck(&["policy", "analyze", &file, "--owner", "222222222222"]);
    let text = stdout(&output);

    assert_eq!(output.status.code(), Some(0), "exit status; stderr: {}", stderr(&output));
    assert!(text.contains("no external access"), "summary in:\n{text}");
}

#[test]
fn analyze_bad_owner_exits_2() {
    let file = fixture("queue-grants-partner-send.json");
    let output = crosscheck(&["policy", "analyze", &file, "--owner", "1111"]);
    assert_eq!(output.status.code(), Some(2), "exit status");
    assert!(stderr(&output).contains("12-digit"), "message: {}", stderr(&output));
}

#[test]
fn analyze_unknown_universe_exits_2() {
    let file = fixture("queue-grants-partner-send.json");
    let output = crosscheck(&["policy", "analyze", &file, "--owner", "111111111111", "--action-universe", "kms"]);
    assert_eq!(output.status.code(), Some(2), "exit status");
    assert!(stderr(&output).contains("\"kms\""), "message: {}", stderr(&output));
}

/// Runs `policy eval` with the given arguments after `policy eval`.
fn eval_args(args: &[&str]) -> Output {
    let mut all = vec!["policy", "eval"];
    all.extend_from_slice(args);
    crosscheck(&all)
}

/// The NotPrincipal reference
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>)
/// and the permissions boundary page
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>)
/// state that a `Deny` with `NotPrincipal` denies every IAM user or role that
/// has a permissions boundary, even one the element lists.
#[test]
fn eval_not_principal_deny_applies_under_boundary() {
    let resource = fixture("queue-denies-all-but-bob.json");
    let allow_all = fixture("allow-everything.json");
    let bob = "arn:aws:iam::222222222222:user/bob";
    let common = [
        "--identity-policy",
        allow_all.as_str(),
        "--resource-policy",
        resource.as_str(),
        "--principal",
        bob,
        "--action",
        "sqs:SendMessage",
        "--resource",
        QUEUE_ARN,
    ];

    let without_boundary = eval_args(&common);
    assert_eq!(without_boundary.status.code(), Some(0), "no boundary; stdout:\n{}", stdout(&without_boundary));

    let mut args = common.to_vec();
    args.extend(["--permissions-boundary", allow_all.as_str()]);
    let with_boundary = eval_args(&args);
    let text = stdout(&with_boundary);
    assert_eq!(with_boundary.status.code(), Some(1), "boundary attached; stderr: {}", stderr(&with_boundary));
    assert!(text.contains("decision: explicitDeny"), "decision line in:\n{text}");
    assert!(text.contains("Statement[1] (Sid OnlyBob): Deny"), "NotPrincipal Deny in:\n{text}");
}

/// The NotPrincipal reference states that `NotPrincipal` must be used with
/// `"Effect": "Deny"` and that `Allow` is not supported, so such a policy is
/// rejected as malformed.
#[test]
fn eval_not_principal_allow_exits_2() {
    let output = eval(Some("allow-everything.json"), "not-principal-allow.json", "sqs:SendMessage", &[]);
    let message = stderr(&output);

    assert_eq!(output.status.code(), Some(2), "exit status; stdout: {}", stdout(&output));
    assert!(message.contains("Statement[0].NotPrincipal"), "element in: {message}");
    assert!(message.contains(r#"requires "Effect": "Deny""#), "reason in: {message}");
}

/// IAM Access Analyzer
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html>)
/// reports access a policy lets through; an Allow that an unconditional Deny
/// takes away entirely lets nothing through.
#[test]
fn analyze_fully_denied_grant_has_no_findings() {
    let file = fixture("send-allowed-then-denied.json");
    for universe in [None, Some("sqs")] {
        let mut args = vec!["policy", "analyze", file.as_str(), "--owner", "111111111111"];
        if let Some(universe) = universe {
            args.extend(["--action-universe", universe]);
        }
        let output = crosscheck(&args);
        let text = stdout(&output);

        assert_eq!(output.status.code(), Some(0), "universe {universe:?}; stderr: {}", stderr(&output));
        assert!(text.contains("no external access"), "universe {universe:?}, summary in:\n{text}");
    }
}

/// AWS includes `aws:CurrentTime` and `aws:EpochTime` in every request
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
#[test]
fn eval_fills_current_time_keys() {
    for action in ["sqs:SendMessage", "sqs:ReceiveMessage"] {
        let output = eval(Some("allow-everything.json"), "queue-open-this-century.json", action, &[]);
        let text = stdout(&output);

        assert_eq!(output.status.code(), Some(0), "{action} now; stdout:\n{text}");
        assert!(text.contains("missing context keys: none"), "{action}, missing keys in:\n{text}");
    }
}

#[test]
fn eval_context_overrides_current_time() {
    let later = eval(
        Some("allow-everything.json"),
        "queue-open-this-century.json",
        "sqs:SendMessage",
        &["--context", "aws:CurrentTime=2100-06-01T00:00:00Z"],
    );
    assert_eq!(later.status.code(), Some(1), "aws:CurrentTime after 2100; stdout:\n{}", stdout(&later));

    let earlier = eval(
        Some("allow-everything.json"),
        "queue-open-this-century.json",
        "sqs:ReceiveMessage",
        &["--context", "aws:EpochTime=100"],
    );
    assert_eq!(earlier.status.code(), Some(1), "aws:EpochTime in 1970; stdout:\n{}", stdout(&earlier));
}

#[test]
fn eval_action_without_service_exits_2() {
    for action in ["SendMessage", ":SendMessage", "sqs:", "sqs:Send*"] {
        let output = eval(Some("allow-everything.json"), "queue-grants-partner-send.json", action, &[]);
        let message = stderr(&output);

        assert_eq!(output.status.code(), Some(2), "action {action:?}; stdout: {}", stdout(&output));
        assert!(message.contains(&format!("{action:?}")), "value {action:?} in: {message}");
        assert!(message.contains("service:Action"), "expected form for {action:?} in: {message}");
    }
}

#[test]
fn eval_wildcard_resource_exits_2() {
    let resource = fixture("queue-grants-partner-send.json");
    for target in ["arn:aws:sqs:us-east-1:111111111111:*", "arn:aws:sqs:us-east-1:111111111111:ord?rs", "orders"] {
        let output = eval_args(&[
            "--resource-policy",
            &resource,
            "--principal",
            ALICE,
            "--action",
            "sqs:SendMessage",
            "--resource",
            target,
        ]);
        let message = stderr(&output);

        assert_eq!(output.status.code(), Some(2), "resource {target:?}; stdout: {}", stdout(&output));
        assert!(message.contains("--resource"), "option for {target:?} in: {message}");
        assert!(message.contains(&format!("{target:?}")), "value {target:?} in: {message}");
    }
}

#[test]
fn eval_source_ip_not_address_exits_2() {
    let output =
        eval(None, "queue-allows-from-network.json", "sqs:SendMessage", &["--context", "aws:SourceIp=notanip"]);
    let message = stderr(&output);

    assert_eq!(output.status.code(), Some(2), "exit status; stdout: {}", stdout(&output));
    assert!(message.contains("notanip"), "value in: {message}");
    assert!(message.contains("must be an IPv4 or IPv6 address"), "expectation in: {message}");
}

/// `BinaryEquals` compares bytes, and the policy and the request both give
/// them in base64
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).
#[test]
fn eval_binary_context_is_base64() {
    let encoded = eval(
        Some("allow-everything.json"),
        "queue-binary-token.json",
        "sqs:SendMessage",
        &["--context", "custom:token=aGk="],
    );
    assert_eq!(encoded.status.code(), Some(0), "base64 of the policy's bytes; stdout:\n{}", stdout(&encoded));

    let raw = eval(
        Some("allow-everything.json"),
        "queue-binary-token.json",
        "sqs:SendMessage",
        &["--context", "custom:token=hi"],
    );
    assert_eq!(raw.status.code(), Some(1), "raw text is not base64 of the bytes; stdout:\n{}", stdout(&raw));
}

/// A resource-based policy can grant an AWS service principal such as
/// `sns.amazonaws.com`
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
#[test]
fn eval_accepts_service_principal() {
    let resource = fixture("queue-allows-from-network.json");
    let from_account = |account_id: &str| {
        let context = format!("aws:SourceAccount={account_id}");
        eval_args(&[
            "--resource-policy",
            &resource,
            "--principal",
            "sns.amazonaws.com",
            "--action",
            "sqs:SendMessage",
            "--resource",
            QUEUE_ARN,
            "--context",
            &context,
        ])
    };

    let partner = from_account("222222222222");
    let text = stdout(&partner);
    assert_eq!(partner.status.code(), Some(0), "partner topic; stderr: {}", stderr(&partner));
    assert!(text.contains("request: sns.amazonaws.com calls sqs:SendMessage"), "caller in:\n{text}");

    let other = from_account("333333333333");
    assert_eq!(other.status.code(), Some(1), "other account's topic; stdout:\n{}", stdout(&other));
}
