//! Wildcard matching of `Action`, `NotAction`, `Resource` and `NotResource`
//! through the evaluator, against
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
//! and <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>.

use crosscheck_policy::wildcard::{action_matches, arn_matches, resource_matches};
use crosscheck_policy::{Decision, PolicySet, Request};

use crate::support::{decide, identity_policy, principal};

const ACCOUNT: &str = "111122223333";

/// Decides an `action` on `resource` by user `bob` under one identity statement
/// whose `Action`/`Resource` elements are `elements` (JSON members).
fn allowed(elements: &str, action: &str, resource: &str) -> bool {
    let policy = identity_policy(&format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", {elements}}}}}"#
    ));
    let request = Request::new(
        principal("arn:aws:iam::111122223333:user/bob"),
        action,
        resource,
        ACCOUNT,
    );
    decide(&request, &PolicySet::new().with_identity("policy", &policy)) == Decision::Allowed
}

const QUEUE: &str = "arn:aws:sqs:us-east-1:111122223333:orders";

#[test]
fn action_names_ignore_case() {
    let elements = format!(r#""Action": "SQS:sendmessage", "Resource": "{QUEUE}""#);
    assert!(
        allowed(&elements, "sqs:SendMessage", QUEUE),
        "prefix and name in other cases"
    );
    assert!(
        !allowed(&elements, "sqs:SendMessageBatch", QUEUE),
        "a longer name"
    );
}

#[test]
fn action_wildcards() {
    let cases = [
        ("*", "sqs:DeleteQueue", true),
        ("sqs:*", "sqs:DeleteQueue", true),
        ("sqs:*", "sns:Publish", false),
        ("sqs:*Message", "sqs:ReceiveMessage", true),
        ("sqs:*Message", "sqs:ReceiveMessageBatch", false),
        ("sqs:?eceiveMessage", "sqs:ReceiveMessage", true),
        ("sqs:Get*", "sqs:GetQueueUrl", true),
        ("s*:Get*", "sqs:GetQueueUrl", true),
    ];
    for (pattern, action, expected) in cases {
        let elements = format!(r#""Action": "{pattern}", "Resource": "*""#);
        assert_eq!(
            allowed(&elements, action, QUEUE),
            expected,
            "{pattern} against {action}"
        );
    }
}

#[test]
fn not_action_covers_every_other_action() {
    let elements = r#""NotAction": ["sqs:Delete*", "iam:*"], "Resource": "*""#;
    assert!(allowed(elements, "sqs:SendMessage", QUEUE), "not listed");
    assert!(
        !allowed(elements, "sqs:DeleteQueue", QUEUE),
        "listed by wildcard"
    );
    assert!(
        !allowed(elements, "IAM:CreateUser", QUEUE),
        "listed, other case"
    );
}

#[test]
fn resources_are_case_sensitive() {
    let elements = r#""Action": "s3:*", "Resource": "arn:aws:s3:::Reports/*""#;
    assert!(
        allowed(elements, "s3:GetObject", "arn:aws:s3:::Reports/2024/q1.csv"),
        "same case, nested key"
    );
    assert!(
        !allowed(elements, "s3:GetObject", "arn:aws:s3:::reports/2024/q1.csv"),
        "bucket in other case"
    );
}

#[test]
fn resource_wildcards() {
    let cases = [
        ("*", QUEUE, true),
        ("arn:aws:sqs:*:111122223333:*", QUEUE, true),
        (
            "arn:aws:sqs:*:111122223333:*",
            "arn:aws:sqs:us-east-1:999999999999:orders",
            false,
        ),
        ("arn:aws:sqs:us-east-1:111122223333:ord?rs", QUEUE, true),
        (
            "arn:aws:sqs:us-east-1:111122223333:ord?rs",
            "arn:aws:sqs:us-east-1:111122223333:ordrs",
            false,
        ),
        (
            "arn:aws:s3:::bucket/*/test/*",
            "arn:aws:s3:::bucket/1/2/test/3/object.jpg",
            true,
        ),
        (
            "arn:aws:s3:::bucket/*/test/*",
            "arn:aws:s3:::bucket/1/test/.jpg",
            true,
        ),
        (
            "arn:aws:s3:::bucket/*/test/*",
            "arn:aws:s3:::bucket/test/object.jpg",
            false,
        ),
    ];
    for (pattern, resource, expected) in cases {
        let elements = format!(r#""Action": "*", "Resource": "{pattern}""#);
        assert_eq!(
            allowed(&elements, "s3:GetObject", resource),
            expected,
            "{pattern} against {resource}"
        );
    }
}

#[test]
fn not_resource_covers_every_other_resource() {
    let elements = r#""Action": "sqs:*", "NotResource": "arn:aws:sqs:*:111122223333:audit-*""#;
    assert!(allowed(elements, "sqs:SendMessage", QUEUE), "not listed");
    assert!(
        !allowed(
            elements,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111122223333:audit-log"
        ),
        "listed by wildcard",
    );
}

#[test]
fn resource_variables_substitute_caller_values() {
    let elements =
        r#""Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-2:*:${aws:username}-queue""#;
    assert!(
        allowed(
            elements,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:111122223333:bob-queue"
        ),
        "the caller's own queue",
    );
    assert!(
        !allowed(
            elements,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:111122223333:alice-queue"
        ),
        "another user's queue",
    );
}

#[test]
fn resource_variable_without_value_voids_statement() {
    let policy = identity_policy(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*",
            "Resource": "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"}}"#,
    );
    let request = Request::new(
        principal("arn:aws:iam::111122223333:user/bob"),
        "s3:GetObject",
        "arn:aws:s3:::bucket/blue/a",
        ACCOUNT,
    );
    let result =
        crosscheck_policy::evaluate(&request, &PolicySet::new().with_identity("policy", &policy));

    assert_eq!(
        result.decision,
        Decision::ImplicitDeny,
        "the statement does not apply"
    );
    assert_eq!(
        result.missing_context_keys,
        ["aws:PrincipalTag/team"],
        "the variable's key is missing"
    );
}

#[test]
fn public_matchers_agree_with_documentation() {
    assert!(
        action_matches("iam:*AccessKey*", "iam:CreateAccessKey"),
        "action wildcard on both sides"
    );
    assert!(resource_matches(
        "arn:aws:iam::*:user/accounting/*",
        "arn:aws:iam::123456789012:user/accounting/bob"
    ));
    assert!(
        !arn_matches(
            "arn:aws:iam::*:user/*",
            "arn:aws:iam::123456789012:role/admin"
        ),
        "resource component differs",
    );
    assert!(
        arn_matches(
            "arn:aws:iam::*:user/*",
            "arn:aws:iam::123456789012:user/a:b"
        ),
        "colon after the fifth"
    );
}
