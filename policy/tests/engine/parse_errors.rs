//! Parser tests: one per kind of malformed document, each checking the error
//! code and that the message names the offending element, plus the accepted
//! forms the grammar allows. Grammar:
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>;
//! elements: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html>.

use crosscheck_policy::{
    ActionClause, ConditionOperator, Effect, MALFORMED_POLICY_DOCUMENT, OperatorKind, Policy,
    PolicyError, PolicyType, PrincipalClause, Principals, SetQualifier, Version,
};

use crate::support::{identity_policy, resource_policy};

/// Parses `json`, expecting an error, and returns its message after checking
/// the AWS error code.
fn rejection(json: &str, policy_type: PolicyType) -> PolicyError {
    let error = Policy::parse(json, policy_type).expect_err("the document is malformed");
    assert_eq!(
        error.code(),
        MALFORMED_POLICY_DOCUMENT,
        "error code for {json}"
    );
    error
}

fn assert_rejected(json: &str, policy_type: PolicyType, element: &str, message_part: &str) {
    let error = rejection(json, policy_type);
    assert_eq!(
        error.element(),
        Some(element),
        "offending element of {json}: {error}"
    );
    assert!(
        error.to_string().contains(message_part),
        "message of {json} should contain {message_part:?}: {error}",
    );
}

#[test]
fn not_json() {
    let error = rejection(r#"{"Statement": ["#, PolicyType::Identity);
    assert!(
        matches!(error, PolicyError::InvalidJson { .. }),
        "kind: {error:?}"
    );
    assert!(
        error.to_string().contains("not valid JSON"),
        "message: {error}"
    );
}

#[test]
fn document_not_object() {
    assert_rejected(
        "[]",
        PolicyType::Identity,
        "Policy",
        "expected an object, found an array",
    );
}

#[test]
fn unknown_top_level_element() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}, "Statements": []}"#,
        PolicyType::Identity,
        "Statements",
        r#"unknown element "Statements""#,
    );
}

#[test]
fn unknown_statement_element() {
    assert_rejected(
        r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                          {"Effect": "Allow", "Action": "*", "Resource": "*", "effect": "Deny"}]}"#,
        PolicyType::Identity,
        "Statement[1].effect",
        r#"unknown element "effect""#,
    );
}

#[test]
fn repeated_element() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Effect": "Deny", "Action": "*", "Resource": "*"}}"#,
        PolicyType::Identity,
        "Statement.Effect",
        "appears more than once",
    );
}

#[test]
fn bad_version() {
    assert_rejected(
        r#"{"Version": "2020-01-01", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
        PolicyType::Identity,
        "Version",
        r#"expected "2008-10-17" or "2012-10-17", found "2020-01-01""#,
    );
    assert_rejected(
        r#"{"Version": 2012, "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
        PolicyType::Identity,
        "Version",
        "found a number",
    );
}

#[test]
fn missing_statement() {
    assert_rejected(
        r#"{"Version": "2012-10-17"}"#,
        PolicyType::Identity,
        "Statement",
        "required element is missing",
    );
    assert_rejected(
        r#"{"Statement": []}"#,
        PolicyType::Identity,
        "Statement",
        "at least one statement",
    );
    assert_rejected(
        r#"{"Statement": "Allow"}"#,
        PolicyType::Identity,
        "Statement",
        "found a string",
    );
}

#[test]
fn statement_not_object() {
    assert_rejected(
        r#"{"Statement": [42]}"#,
        PolicyType::Identity,
        "Statement[0]",
        "expected an object, found a number",
    );
}

#[test]
fn bad_effect() {
    assert_rejected(
        r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                          {"Effect": "Permit", "Action": "*", "Resource": "*"}]}"#,
        PolicyType::Identity,
        "Statement[1].Effect",
        r#"expected "Allow" or "Deny", found "Permit""#,
    );
    let error = rejection(
        r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                          {"Effect": "Permit", "Action": "*", "Resource": "*"}]}"#,
        PolicyType::Identity,
    );
    assert_eq!(
        error.to_string(),
        r#"Statement[1].Effect: expected "Allow" or "Deny", found "Permit""#,
        "the full message",
    );
}

#[test]
fn missing_effect() {
    assert_rejected(
        r#"{"Statement": {"Action": "*", "Resource": "*"}}"#,
        PolicyType::Identity,
        "Statement.Effect",
        "required element is missing",
    );
}

#[test]
fn missing_action() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Resource": "*"}}"#,
        PolicyType::Identity,
        "Statement.Action",
        "needs Action or NotAction",
    );
}

#[test]
fn both_action_and_not_action() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "NotAction": "iam:*", "Resource": "*"}}"#,
        PolicyType::Identity,
        "Statement",
        "both Action and NotAction",
    );
}

#[test]
fn invalid_action() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": ["sqs:SendMessage", "SendMessage"], "Resource": "*"}}"#,
        PolicyType::Identity,
        "Statement.Action[1]",
        r#"invalid action "SendMessage""#,
    );
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": [], "Resource": "*"}}"#,
        PolicyType::Identity,
        "Statement.Action",
        "at least one value",
    );
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": ["sqs:*", 7], "Resource": "*"}}"#,
        PolicyType::Identity,
        "Statement.Action[1]",
        "expected a string, found a number",
    );
}

#[test]
fn missing_resource_in_identity_policy() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": "*"}}"#,
        PolicyType::Identity,
        "Statement.Resource",
        "needs Resource or NotResource",
    );
}

#[test]
fn resource_optional_in_resource_policy() {
    let policy = resource_policy(
        r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}}"#,
    );
    assert_eq!(policy.statements[0].resource, None, "no Resource element");
}

#[test]
fn both_resource_and_not_resource() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "arn:aws:s3:::x"}}"#,
        PolicyType::Identity,
        "Statement",
        "both Resource and NotResource",
    );
}

#[test]
fn invalid_resource() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "orders"}}"#,
        PolicyType::Identity,
        "Statement.Resource",
        r#"invalid resource "orders""#,
    );
}

#[test]
fn principal_in_identity_policy() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}"#,
        PolicyType::Identity,
        "Statement.Principal",
        "not allowed in an identity-based policy",
    );
    assert_rejected(
        r#"{"Statement": {"Effect": "Deny", "NotPrincipal": "*", "Action": "*", "Resource": "*"}}"#,
        PolicyType::Identity,
        "Statement.NotPrincipal",
        "not allowed in an identity-based policy",
    );
}

/// The NotPrincipal reference
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>)
/// states that `NotPrincipal` works only with `"Effect": "Deny"` and that
/// `"Effect": "Allow"` is not supported, so the parser rejects the pair.
#[test]
fn not_principal_with_allow() {
    assert_rejected(
        r#"{"Statement": [
            {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "sqs:PurgeQueue"},
            {"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "sqs:SendMessage"}
        ]}"#,
        PolicyType::Resource,
        "Statement[1].NotPrincipal",
        r#"requires "Effect": "Deny""#,
    );
    let accepted = resource_policy(
        r#"{"Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "sqs:PurgeQueue"}}"#,
    );
    assert!(
        matches!(
            accepted.statements[0].principal,
            Some(PrincipalClause::NotPrincipal(_))
        ),
        "NotPrincipal with Deny is accepted"
    );
}

#[test]
fn missing_principal_in_resource_policy() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}}"#,
        PolicyType::Resource,
        "Statement.Principal",
        "needs Principal or NotPrincipal",
    );
}

#[test]
fn both_principal_and_not_principal() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Deny", "Principal": "*", "NotPrincipal": {"AWS": "111122223333"}, "Action": "*"}}"#,
        PolicyType::Resource,
        "Statement",
        "both Principal and NotPrincipal",
    );
}

#[test]
fn bad_principal_shapes() {
    let cases = [
        (
            r#""Principal": "111122223333""#,
            "Statement.Principal",
            r#"expected "*" or an object"#,
        ),
        (
            r#""Principal": ["*"]"#,
            "Statement.Principal",
            "found an array",
        ),
        (
            r#""Principal": {}"#,
            "Statement.Principal",
            "found an empty object",
        ),
        (
            r#""Principal": {"User": "bob"}"#,
            "Statement.Principal.User",
            r#"unknown principal type "User""#,
        ),
        (
            r#""Principal": {"AWS": {"id": 1}}"#,
            "Statement.Principal.AWS",
            "found an object",
        ),
        (
            r#""Principal": {"AWS": ["111122223333", "bob"]}"#,
            "Statement.Principal.AWS[1]",
            r#"invalid AWS principal "bob""#,
        ),
        (
            r#""Principal": {"AWS": "arn:aws:iam::111122223333:user/*"}"#,
            "Statement.Principal.AWS",
            "cannot contain wildcards",
        ),
        (
            r#""Principal": {"AWS": "arn:aws:s3:::bucket"}"#,
            "Statement.Principal.AWS",
            "invalid AWS principal",
        ),
        (
            r#""Principal": {"Service": ""}"#,
            "Statement.Principal.Service",
            "empty string",
        ),
    ];
    for (principal, element, message_part) in cases {
        let json =
            format!(r#"{{"Statement": {{"Effect": "Allow", {principal}, "Action": "sqs:*"}}}}"#);
        assert_rejected(&json, PolicyType::Resource, element, message_part);
    }
}

#[test]
fn unknown_condition_operator() {
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"StringEqual": {"aws:SourceVpc": "vpc-1"}}}}"#,
        PolicyType::Identity,
        "Statement.Condition.StringEqual",
        r#"unknown condition operator "StringEqual""#,
    );
    assert_rejected(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"NullIfExists": {"aws:SourceVpc": "true"}}}}"#,
        PolicyType::Identity,
        "Statement.Condition.NullIfExists",
        "unknown condition operator",
    );
}

#[test]
fn bad_condition_shapes() {
    let cases = [
        (r#"[]"#, "Statement.Condition", "found an array"),
        (
            r#"{"StringEquals": "vpc-1"}"#,
            "Statement.Condition.StringEquals",
            "found a string",
        ),
        (
            r#"{"StringEquals": {}}"#,
            "Statement.Condition.StringEquals",
            "at least one condition key",
        ),
        (
            r#"{"StringEquals": {"aws:SourceVpc": []}}"#,
            "Statement.Condition.StringEquals.aws:SourceVpc",
            "at least one value",
        ),
        (
            r#"{"StringEquals": {"aws:SourceVpc": ["a", null]}}"#,
            "Statement.Condition.StringEquals.aws:SourceVpc[1]",
            "found null",
        ),
        (
            r#"{"StringEquals": {"aws:SourceVpc": "a", "aws:SourceVpc": "b"}}"#,
            "Statement.Condition.StringEquals.aws:SourceVpc",
            "appears more than once",
        ),
    ];
    for (condition, element, message_part) in cases {
        let json = format!(
            r#"{{"Statement": {{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {condition}}}}}"#
        );
        assert_rejected(&json, PolicyType::Identity, element, message_part);
    }
}

#[test]
fn duplicate_sid() {
    assert_rejected(
        r#"{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"},
                          {"Sid": "B", "Effect": "Allow", "Action": "*", "Resource": "*"},
                          {"Sid": "A", "Effect": "Deny", "Action": "*", "Resource": "*"}]}"#,
        PolicyType::Identity,
        "Statement[2].Sid",
        r#"duplicate statement id "A"; Statement[0] already uses it"#,
    );
}

#[test]
fn accepted_forms() {
    let policy = resource_policy(
        r#"{"Version": "2012-10-17", "Id": "queue-policy", "Statement": {
            "Sid": "Mixed", "Effect": "Deny",
            "Principal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:root",
                                  "arn:aws:iam::111122223333:user/path/bob",
                                  "arn:aws:iam::111122223333:role/reader",
                                  "arn:aws:sts::111122223333:assumed-role/reader/app",
                                  "arn:aws:sts::111122223333:federated-user/dana",
                                  "AIDAJQABLZS4A3QDU576Q"],
                          "Service": ["sns.amazonaws.com"],
                          "Federated": "accounts.google.com",
                          "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
            "NotAction": "sqs:ReceiveMessage",
            "NotResource": ["arn:aws:sqs:*:111122223333:audit"],
            "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", 1, true]}}}}"#,
    );
    assert_eq!(policy.version, Some(Version::V2012), "Version");
    assert_eq!(policy.id.as_deref(), Some("queue-policy"), "Id");

    let statement = &policy.statements[0];
    assert_eq!(statement.effect, Effect::Deny, "Effect");
    let Some(PrincipalClause::Principal(Principals::Set(set))) = &statement.principal else {
        panic!("expected a principal map, found {:?}", statement.principal);
    };
    assert_eq!(set.aws.len(), 7, "every AWS principal form");
    assert_eq!(
        set.federated,
        ["accounts.google.com"],
        "Federated as a single string"
    );
    assert_eq!(
        statement.action,
        ActionClause::NotAction(vec!["sqs:ReceiveMessage".into()]),
        "NotAction"
    );

    let condition = &statement.conditions[0];
    assert_eq!(
        condition.operator,
        ConditionOperator {
            qualifier: Some(SetQualifier::ForAnyValue),
            kind: OperatorKind::StringLike,
            if_exists: true,
        },
        "qualified IfExists operator",
    );
    assert_eq!(
        condition.values,
        ["a*", "1", "true"],
        "numbers and booleans keep their text"
    );
}

#[test]
fn missing_version_evaluates_as_2008() {
    let policy =
        identity_policy(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#);
    assert_eq!(policy.version, None, "no Version element");
    assert_eq!(
        policy.effective_version(),
        Version::V2008,
        "evaluated as 2008-10-17"
    );
    assert!(!policy.substitutes_variables(), "no variable substitution");
}

#[test]
fn principal_wildcard_forms() {
    let star = resource_policy(
        r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:*"}}"#,
    );
    let aws_star = resource_policy(
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:*"}}"#,
    );
    for (label, policy) in [("\"*\"", &star), ("{\"AWS\": \"*\"}", &aws_star)] {
        let principals = policy.statements[0]
            .principal
            .as_ref()
            .expect("principal")
            .principals();
        assert!(principals.is_wildcard(), "{label} names everyone");
    }
}

#[test]
fn from_value_parses_serde_json() {
    let value =
        serde_json::json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
    let policy = Policy::from_value(&value, PolicyType::Identity).expect("valid document");
    assert_eq!(policy.statements.len(), 1, "one statement");
}
