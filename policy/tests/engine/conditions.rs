//! Condition operator tests, one group per operator family, against the
//! semantics of
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>
//! and <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>.
//!
//! Each case puts one `Condition` element into an identity-based policy that
//! otherwise allows the request, so the request is allowed exactly when the
//! condition holds.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crosscheck_policy::{Context, ContextValue, Decision, PolicySet, Request, evaluate};

use crate::support::{identity_policy, principal};

const ACCOUNT: &str = "111122223333";

/// Evaluates a request whose context is `context` under a policy whose only
/// statement carries `condition` (the JSON of a `Condition` element).
fn outcome(version: &str, condition: &str, context: &Context) -> (bool, Vec<String>) {
    let policy = identity_policy(&format!(
        r#"{{"Version": "{version}", "Statement": {{"Effect": "Allow", "Action": "s3:GetObject",
            "Resource": "*", "Condition": {condition}}}}}"#
    ));
    let mut request = Request::new(
        principal("arn:aws:iam::111122223333:user/bob"),
        "s3:GetObject",
        "arn:aws:s3:::bucket/key",
        ACCOUNT,
    );
    for (key, values) in context.iter() {
        request.context.insert_values(key, values.to_vec());
    }
    let result = evaluate(&request, &PolicySet::new().with_identity("policy", &policy));
    (
        result.decision == Decision::Allowed,
        result.missing_context_keys,
    )
}

/// Reports whether `condition` holds for `context` under `2012-10-17`.
fn holds(condition: &str, context: &Context) -> bool {
    outcome("2012-10-17", condition, context).0
}

fn with(key: &str, value: impl Into<ContextValue>) -> Context {
    Context::new().with(key, value)
}

fn with_values(key: &str, values: &[&str]) -> Context {
    Context::new().with_values(key, values.iter().copied())
}

#[test]
fn string_equals_is_exact_and_case_sensitive() {
    let condition = r#"{"StringEquals": {"aws:SourceVpc": ["vpc-111", "vpc-222"]}}"#;
    assert!(
        holds(condition, &with("aws:SourceVpc", "vpc-222")),
        "second policy value"
    );
    assert!(
        !holds(condition, &with("aws:SourceVpc", "VPC-111")),
        "other case"
    );
    assert!(
        !holds(condition, &with("aws:SourceVpc", "vpc-1")),
        "prefix only"
    );
    assert!(!holds(condition, &Context::new()), "missing key");
}

#[test]
fn string_not_equals_matches_none_of_values() {
    let condition = r#"{"StringNotEquals": {"aws:SourceVpc": ["vpc-111", "vpc-222"]}}"#;
    assert!(
        holds(condition, &with("aws:SourceVpc", "vpc-333")),
        "neither value"
    );
    assert!(
        !holds(condition, &with("aws:SourceVpc", "vpc-111")),
        "first value"
    );
    assert!(
        !holds(condition, &with("aws:SourceVpc", "vpc-222")),
        "second value"
    );
    assert!(
        holds(condition, &Context::new()),
        "a negated operator holds for a missing key"
    );
}

#[test]
fn string_equals_ignore_case() {
    let equals = r#"{"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "Payments"}}"#;
    let not_equals = r#"{"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "Payments"}}"#;
    assert!(
        holds(equals, &with("aws:PrincipalTag/team", "PAYMENTS")),
        "upper case"
    );
    assert!(
        !holds(equals, &with("aws:PrincipalTag/team", "billing")),
        "other value"
    );
    assert!(
        !holds(not_equals, &with("aws:PrincipalTag/team", "payments")),
        "negated, lower case"
    );
    assert!(
        holds(not_equals, &with("aws:PrincipalTag/team", "billing")),
        "negated, other value"
    );
}

#[test]
fn string_like_uses_wildcards() {
    let like = r#"{"StringLike": {"s3:prefix": ["home/*", "shared/?"]}}"#;
    let not_like = r#"{"StringNotLike": {"s3:prefix": ["home/*", "shared/?"]}}"#;
    assert!(holds(like, &with("s3:prefix", "home/a/b")), "star");
    assert!(holds(like, &with("s3:prefix", "shared/x")), "question mark");
    assert!(
        !holds(like, &with("s3:prefix", "shared/xy")),
        "question mark is one character"
    );
    assert!(!holds(like, &with("s3:prefix", "Home/a")), "case-sensitive");
    assert!(
        !holds(not_like, &with("s3:prefix", "home/a")),
        "negated, matching"
    );
    assert!(
        holds(not_like, &with("s3:prefix", "tmp/a")),
        "negated, not matching"
    );
    assert!(holds(not_like, &Context::new()), "negated, missing key");
}

#[test]
fn numeric_operators_compare_numbers() {
    let cases = [
        ("NumericEquals", 10.0, true),
        ("NumericEquals", 10.5, false),
        ("NumericNotEquals", 10.5, true),
        ("NumericNotEquals", 10.0, false),
        ("NumericLessThan", 9.0, true),
        ("NumericLessThan", 10.0, false),
        ("NumericLessThanEquals", 10.0, true),
        ("NumericLessThanEquals", 11.0, false),
        ("NumericGreaterThan", 11.0, true),
        ("NumericGreaterThan", 10.0, false),
        ("NumericGreaterThanEquals", 10.0, true),
        ("NumericGreaterThanEquals", 9.0, false),
    ];
    for (operator, value, expected) in cases {
        let condition = format!(r#"{{"{operator}": {{"s3:max-keys": "10"}}}}"#);
        assert_eq!(
            holds(&condition, &with("s3:max-keys", value)),
            expected,
            "{operator} with {value}"
        );
    }
}

#[test]
fn numeric_reads_strings_and_json_numbers() {
    assert!(
        holds(
            r#"{"NumericLessThanEquals": {"s3:max-keys": 10}}"#,
            &with("s3:max-keys", "7")
        ),
        "JSON number in the policy, string in the context",
    );
    assert!(
        !holds(
            r#"{"NumericEquals": {"s3:max-keys": "ten"}}"#,
            &with("s3:max-keys", 10_i64)
        ),
        "a policy value that is not a number matches nothing",
    );
    assert!(
        !holds(
            r#"{"NumericEquals": {"s3:max-keys": "10"}}"#,
            &with("s3:max-keys", "many")
        ),
        "a context value that is not a number matches nothing",
    );
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

#[test]
fn date_operators_compare_times() {
    // 2020-01-01T00:00:00Z is 1577836800 seconds after the epoch.
    let policy_time = 1_577_836_800;
    let cases = [
        ("DateEquals", policy_time, true),
        ("DateEquals", policy_time + 1, false),
        ("DateNotEquals", policy_time + 1, true),
        ("DateLessThan", policy_time - 1, true),
        ("DateLessThan", policy_time, false),
        ("DateLessThanEquals", policy_time, true),
        ("DateGreaterThan", policy_time + 1, true),
        ("DateGreaterThan", policy_time, false),
        ("DateGreaterThanEquals", policy_time, true),
        ("DateGreaterThanEquals", policy_time - 1, false),
    ];
    for (operator, seconds, expected) in cases {
        let condition =
            format!(r#"{{"{operator}": {{"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}}"#);
        assert_eq!(
            holds(&condition, &with("aws:CurrentTime", at(seconds))),
            expected,
            "{operator} at {seconds}"
        );
    }
}

#[test]
fn date_accepts_epoch_and_offsets() {
    let context = with("aws:CurrentTime", at(1_577_836_800));
    assert!(
        holds(
            r#"{"DateEquals": {"aws:CurrentTime": "1577836800"}}"#,
            &context
        ),
        "epoch seconds"
    );
    assert!(
        holds(
            r#"{"DateEquals": {"aws:CurrentTime": "2020-01-01T01:00:00+01:00"}}"#,
            &context
        ),
        "zone offset"
    );
    assert!(
        holds(
            r#"{"DateEquals": {"aws:CurrentTime": "2020-01-01"}}"#,
            &context
        ),
        "date only"
    );
    assert!(
        holds(
            r#"{"DateLessThan": {"aws:TokenIssueTime": "2020-01-02"}}"#,
            &with("aws:TokenIssueTime", "2020-01-01T23:59:59Z")
        ),
        "string context value",
    );
}

#[test]
fn bool_compares_ignoring_case() {
    let secure = r#"{"Bool": {"aws:SecureTransport": "true"}}"#;
    assert!(
        holds(secure, &with("aws:SecureTransport", true)),
        "bool context value"
    );
    assert!(
        holds(secure, &with("aws:SecureTransport", "TRUE")),
        "string context value"
    );
    assert!(!holds(secure, &with("aws:SecureTransport", false)), "false");
    assert!(!holds(secure, &Context::new()), "missing key");
    assert!(
        holds(
            r#"{"Bool": {"aws:SecureTransport": false}}"#,
            &with("aws:SecureTransport", false)
        ),
        "JSON boolean"
    );
}

#[test]
fn binary_equals_decodes_base64() {
    let condition = r#"{"BinaryEquals": {"custom:blob": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#;
    let matching = Context::new().with(
        "custom:blob",
        ContextValue::Binary(b"BinaryValueInBase64".to_vec()),
    );
    let other = Context::new().with("custom:blob", ContextValue::Binary(b"other".to_vec()));
    assert!(holds(condition, &matching), "same bytes");
    assert!(!holds(condition, &other), "other bytes");
    assert!(!holds(condition, &Context::new()), "missing key");
}

fn ip(text: &str) -> IpAddr {
    text.parse().expect("IP address fixture")
}

#[test]
fn ip_address_matches_cidr_blocks() {
    let condition = r#"{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64", "198.51.100.7"]}}"#;
    assert!(
        holds(condition, &with("aws:SourceIp", ip("203.0.113.200"))),
        "inside the IPv4 block"
    );
    assert!(
        !holds(condition, &with("aws:SourceIp", ip("203.0.114.1"))),
        "outside the IPv4 block"
    );
    assert!(
        holds(
            condition,
            &with("aws:SourceIp", ip("2001:db8:1234:5678::9"))
        ),
        "inside the IPv6 block"
    );
    assert!(
        !holds(
            condition,
            &with("aws:SourceIp", ip("2001:db8:1234:5679::9"))
        ),
        "outside the IPv6 block"
    );
    assert!(
        holds(condition, &with("aws:SourceIp", "198.51.100.7")),
        "a bare address is /32"
    );
    assert!(
        !holds(condition, &with("aws:SourceIp", "198.51.100.8")),
        "next to the bare address"
    );
    assert!(!holds(condition, &Context::new()), "missing key");
}

#[test]
fn not_ip_address_excludes_blocks() {
    let condition = r#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#;
    assert!(
        holds(condition, &with("aws:SourceIp", ip("192.0.2.1"))),
        "outside the block"
    );
    assert!(
        !holds(condition, &with("aws:SourceIp", ip("10.1.2.3"))),
        "inside the block"
    );
    assert!(holds(condition, &Context::new()), "negated, missing key");
}

#[test]
fn arn_operators_match_components() {
    let pattern = "arn:aws:someservice:*:111122223333:finance/*";
    let crossing =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    let fitting = "arn:aws:someservice:us-east-2:111122223333:finance/document.txt";
    for operator in ["ArnLike", "ArnEquals"] {
        let condition = format!(r#"{{"{operator}": {{"aws:SourceArn": "{pattern}"}}}}"#);
        assert!(
            holds(&condition, &with("aws:SourceArn", fitting)),
            "{operator}, fitting ARN"
        );
        assert!(
            !holds(&condition, &with("aws:SourceArn", crossing)),
            "{operator}, wildcard would cross a colon"
        );
    }
    let string_like = format!(r#"{{"StringLike": {{"aws:SourceArn": "{pattern}"}}}}"#);
    assert!(
        holds(&string_like, &with("aws:SourceArn", crossing)),
        "StringLike crosses colons"
    );

    for operator in ["ArnNotLike", "ArnNotEquals"] {
        let condition = format!(r#"{{"{operator}": {{"aws:SourceArn": "{pattern}"}}}}"#);
        assert!(
            !holds(&condition, &with("aws:SourceArn", fitting)),
            "{operator}, fitting ARN"
        );
        assert!(
            holds(&condition, &with("aws:SourceArn", crossing)),
            "{operator}, other ARN"
        );
        assert!(
            holds(&condition, &Context::new()),
            "{operator}, missing key"
        );
    }
}

#[test]
fn null_tests_key_presence() {
    let absent = r#"{"Null": {"aws:TokenIssueTime": "true"}}"#;
    let present = r#"{"Null": {"aws:TokenIssueTime": "false"}}"#;
    let issued = with("aws:TokenIssueTime", "2020-01-01T00:00:00Z");
    let empty = Context::new().with_values("aws:TokenIssueTime", Vec::<String>::new());

    assert!(holds(absent, &Context::new()), "true, key missing");
    assert!(!holds(absent, &issued), "true, key present");
    assert!(holds(absent, &empty), "true, key with no values");
    assert!(holds(present, &issued), "false, key present");
    assert!(!holds(present, &Context::new()), "false, key missing");
    assert!(
        holds(r#"{"Null": {"aws:TokenIssueTime": true}}"#, &Context::new()),
        "JSON boolean value"
    );
}

#[test]
fn null_does_not_report_missing_key() {
    let (_, missing) = outcome(
        "2012-10-17",
        r#"{"Null": {"aws:TokenIssueTime": "true"}}"#,
        &Context::new(),
    );
    assert!(
        missing.is_empty(),
        "Null checks absence, so absence is not missing input: {missing:?}"
    );
}

#[test]
fn if_exists_passes_missing_key() {
    let condition = r#"{"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}"#;
    assert!(holds(condition, &Context::new()), "missing key");
    assert!(
        holds(condition, &with("ec2:InstanceType", "t2.micro")),
        "present and matching"
    );
    assert!(
        !holds(condition, &with("ec2:InstanceType", "c5.large")),
        "present and not matching"
    );
}

#[test]
fn if_exists_on_every_operator_family() {
    let operators = [
        ("StringEqualsIfExists", "x"),
        ("NumericLessThanIfExists", "1"),
        ("DateLessThanIfExists", "2020-01-01"),
        ("BoolIfExists", "true"),
        ("BinaryEqualsIfExists", "eA=="),
        ("IpAddressIfExists", "10.0.0.0/8"),
        ("ArnLikeIfExists", "arn:aws:sqs:*:*:*"),
        ("ForAnyValue:StringEqualsIfExists", "x"),
    ];
    for (operator, value) in operators {
        let condition = format!(r#"{{"{operator}": {{"custom:key": "{value}"}}}}"#);
        assert!(
            holds(&condition, &Context::new()),
            "{operator} with a missing key"
        );
    }
}

#[test]
fn negated_if_exists_deny_still_denies() {
    // A Deny with StringNotEqualsIfExists applies whether the tag is missing or different.
    let policy = identity_policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ec2:*", "Resource": "*",
             "Condition": {"StringNotEqualsIfExists": {"aws:ResourceTag/team": "blue"}}}
        ]}"#,
    );
    let policies = PolicySet::new().with_identity("policy", &policy);
    let caller = principal("arn:aws:iam::111122223333:user/bob");
    let request = |tag: Option<&str>| {
        let request = Request::new(caller.clone(), "ec2:StopInstances", "*", ACCOUNT);
        match tag {
            Some(team) => request.with_context("aws:ResourceTag/team", team),
            None => request,
        }
    };

    assert_eq!(
        evaluate(&request(Some("red")), &policies).decision,
        Decision::ExplicitDeny,
        "other tag"
    );
    assert_eq!(
        evaluate(&request(Some("blue")), &policies).decision,
        Decision::Allowed,
        "matching tag"
    );
    assert_eq!(
        evaluate(&request(None), &policies).decision,
        Decision::ExplicitDeny,
        "a missing tag passes IfExists, so the Deny applies",
    );
}

#[test]
fn for_all_values_requires_every_value() {
    let condition = r#"{"ForAllValues:StringLike": {"dynamodb:requestedAttributes": ["PostDateTime", "Message", "Tags"]}}"#;
    assert!(
        holds(
            condition,
            &with_values("dynamodb:requestedAttributes", &["PostDateTime", "Message"])
        ),
        "every requested attribute is listed",
    );
    assert!(
        !holds(
            condition,
            &with_values(
                "dynamodb:requestedAttributes",
                &["PostDateTime", "UserName"]
            )
        ),
        "UserName is not listed",
    );
    assert!(
        holds(condition, &with_values("dynamodb:requestedAttributes", &[])),
        "an empty set"
    );
    assert!(holds(condition, &Context::new()), "a missing key");
}

#[test]
fn for_all_values_with_negated_operator() {
    // Restates the aws:TagKeys table of the multivalued context keys examples.
    let condition = r#"{"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}"#;
    assert!(
        !holds(condition, &with_values("aws:TagKeys", &["key1:legal"])),
        "one key1 tag"
    );
    assert!(
        !holds(
            condition,
            &with_values("aws:TagKeys", &["key1:hr", "key1:personnel"])
        ),
        "two key1 tags"
    );
    assert!(
        holds(condition, &with_values("aws:TagKeys", &["key2:audit"])),
        "a key2 tag"
    );
    assert!(
        !holds(
            condition,
            &with_values("aws:TagKeys", &["key2:audit", "key1:hr"])
        ),
        "one of each"
    );
    assert!(holds(condition, &Context::new()), "no aws:TagKeys");
}

#[test]
fn for_any_value_requires_one_value() {
    let condition =
        r#"{"ForAnyValue:StringLike": {"dynamodb:requestedAttributes": ["ID", "PostDateTime"]}}"#;
    assert!(
        holds(
            condition,
            &with_values(
                "dynamodb:requestedAttributes",
                &["UserName", "Message", "PostDateTime"]
            )
        ),
        "PostDateTime is listed",
    );
    assert!(
        !holds(
            condition,
            &with_values("dynamodb:requestedAttributes", &["UserName"])
        ),
        "nothing listed"
    );
    assert!(
        !holds(condition, &with_values("dynamodb:requestedAttributes", &[])),
        "an empty set"
    );
    assert!(!holds(condition, &Context::new()), "a missing key");
}

#[test]
fn for_any_value_with_negated_operator() {
    let condition = r#"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env", "team"]}}"#;
    assert!(
        holds(condition, &with_values("aws:TagKeys", &["env", "cost"])),
        "cost is neither"
    );
    assert!(
        !holds(condition, &with_values("aws:TagKeys", &["env", "team"])),
        "every key is listed"
    );
    assert!(
        !holds(condition, &with_values("aws:TagKeys", &[])),
        "an empty set"
    );
}

#[test]
fn unqualified_operator_on_multivalued_key() {
    // Without a set qualifier, a positive operator means "any value matches"
    // and a negated one "no value matches".
    let equals = r#"{"StringEquals": {"aws:TagKeys": "env"}}"#;
    let not_equals = r#"{"StringNotEquals": {"aws:TagKeys": "env"}}"#;
    assert!(
        holds(equals, &with_values("aws:TagKeys", &["cost", "env"])),
        "one value matches"
    );
    assert!(
        !holds(not_equals, &with_values("aws:TagKeys", &["cost", "env"])),
        "negated, one value matches"
    );
    assert!(
        holds(not_equals, &with_values("aws:TagKeys", &["cost"])),
        "negated, no value matches"
    );
}

#[test]
fn multiple_keys_and_operators_must_all_hold() {
    let condition = r#"{
        "StringEquals": {"aws:PrincipalTag/department": "finance", "aws:PrincipalTag/role": ["audit", "admin"]},
        "Bool": {"aws:SecureTransport": "true"}
    }"#;
    let everything = Context::new()
        .with("aws:PrincipalTag/department", "finance")
        .with("aws:PrincipalTag/role", "admin")
        .with("aws:SecureTransport", true);
    assert!(holds(condition, &everything), "all keys match");

    let mut insecure = everything.clone();
    insecure.insert("aws:SecureTransport", false);
    assert!(!holds(condition, &insecure), "second operator fails");

    let mut wrong_role = everything.clone();
    wrong_role.insert("aws:PrincipalTag/role", "dev");
    assert!(!holds(condition, &wrong_role), "second key fails");
}

#[test]
fn condition_keys_ignore_case() {
    assert!(
        holds(
            r#"{"StringEquals": {"AWS:SOURCEVPC": "vpc-1"}}"#,
            &with("aws:SourceVpc", "vpc-1")
        ),
        "policy key in upper case",
    );
}

#[test]
fn variables_substitute_in_string_values() {
    let condition = r#"{"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}}"#;
    assert!(
        holds(condition, &with("s3:prefix", "home/bob/notes.txt")),
        "the caller's own folder"
    );
    assert!(
        !holds(condition, &with("s3:prefix", "home/alice/notes.txt")),
        "someone else's folder"
    );
    assert!(holds(condition, &with("s3:prefix", "")), "the empty prefix");
}

#[test]
fn variables_are_literal_in_2008_version() {
    let condition = r#"{"StringEquals": {"s3:prefix": "${aws:username}"}}"#;
    let (allowed, _) = outcome("2008-10-17", condition, &with("s3:prefix", "bob"));
    assert!(!allowed, "2008-10-17 does not substitute");
    let (allowed, _) = outcome(
        "2008-10-17",
        condition,
        &with("s3:prefix", "${aws:username}"),
    );
    assert!(allowed, "2008-10-17 compares the text as written");
}

#[test]
fn variable_default_and_special_characters() {
    assert!(
        holds(
            r#"{"StringEquals": {"custom:owner": "${aws:userid, 'anonymous'}"}}"#,
            &with("custom:owner", "anonymous")
        ),
        "default for a missing variable",
    );
    assert!(
        holds(
            r#"{"StringLike": {"custom:name": "a${*}b"}}"#,
            &with("custom:name", "a*b")
        ),
        "${{*}} is a literal asterisk",
    );
    assert!(
        !holds(
            r#"{"StringLike": {"custom:name": "a${*}b"}}"#,
            &with("custom:name", "axb")
        ),
        "${{*}} is not a wildcard",
    );
    assert!(
        holds(
            r#"{"StringEquals": {"custom:name": "${$}{x}${?}"}}"#,
            &with("custom:name", "${x}?")
        ),
        "${{$}} and ${{?}}",
    );
}

#[test]
fn substituted_values_are_not_wildcards() {
    let condition = r#"{"StringLike": {"custom:name": "${custom:pattern}"}}"#;
    let context = Context::new()
        .with("custom:pattern", "a*")
        .with("custom:name", "abc");
    assert!(
        !holds(condition, &context),
        "a * inside a variable's value matches only itself"
    );
}

#[test]
fn unresolved_variable_voids_statement() {
    let (allowed, missing) = outcome(
        "2012-10-17",
        r#"{"StringNotEquals": {"custom:owner": "${aws:userid}"}}"#,
        &with("custom:owner", "someone"),
    );
    assert!(
        !allowed,
        "the statement does not apply when a variable cannot be resolved"
    );
    assert_eq!(
        missing,
        ["aws:userid"],
        "the variable's key is reported missing"
    );
}

#[test]
fn variables_not_substituted_in_numeric_values() {
    let context = Context::new()
        .with("custom:limit", "5")
        .with("custom:count", "5");
    assert!(
        !holds(
            r#"{"NumericEquals": {"custom:count": "${custom:limit}"}}"#,
            &context
        ),
        "Numeric operators take no policy variables",
    );
}

#[test]
fn missing_keys_are_reported_sorted_once() {
    let (allowed, missing) = outcome(
        "2012-10-17",
        r#"{"StringEquals": {"aws:SourceVpc": "vpc-1", "aws:SourceAccount": "1"}, "StringLike": {"AWS:SOURCEVPC": "*"}}"#,
        &Context::new(),
    );
    assert!(!allowed, "missing keys fail positive operators");
    assert_eq!(
        missing,
        ["aws:SourceAccount", "aws:SourceVpc"],
        "each key once, sorted"
    );
}
