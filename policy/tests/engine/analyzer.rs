//! External access analysis tests, modelled on the external-access findings
//! of IAM Access Analyzer
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html>)
//! over SQS queue policies.

use crosscheck_policy::{
    ActionClause, ActionUniverse, Effect, ExternalPrincipal, GrantedActions, OperatorKind, Policy,
    Principal, PrincipalClause, PrincipalSet, Principals, Request, SQS_ACTIONS, Statement, Version,
    analyze,
};

use crate::support::{principal, resource_policy};

const OWNER: &str = "111111111111";
const QUEUE: &str = "arn:aws:sqs:us-east-1:111111111111:orders";

fn account(account_id: &str) -> ExternalPrincipal {
    ExternalPrincipal::Account {
        account_id: account_id.to_owned(),
    }
}

fn listed(actions: &[&str]) -> GrantedActions {
    GrantedActions::Listed(actions.iter().map(|action| (*action).to_owned()).collect())
}

#[test]
fn account_grant_lists_expanded_actions() {
    let policy = resource_policy(&format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Sid": "Partner", "Effect": "Allow",
            "Principal": {{"AWS": "arn:aws:iam::222222222222:root"}},
            "Action": ["sqs:SendMessage", "sqs:Get*"], "Resource": "{QUEUE}"}}}}"#
    ));

    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));

    assert_eq!(
        analysis.findings.len(),
        1,
        "one external principal: {analysis:?}"
    );
    let finding = &analysis.findings[0];
    assert_eq!(
        finding.principal,
        account("222222222222"),
        "root ARN reported as the account"
    );
    assert_eq!(
        finding.grants[0].actions,
        listed(&[
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:SendMessage"
        ]),
        "Get* expanded in universe order",
    );
    assert_eq!(
        finding.grants[0].sid.as_deref(),
        Some("Partner"),
        "granting statement"
    );
}

#[test]
fn owner_account_principals_are_not_findings() {
    let policy = resource_policy(
        r#"{"Statement": {"Effect": "Allow",
            "Principal": {"AWS": ["111111111111", "arn:aws:iam::111111111111:role/app", "arn:aws:iam::333333333333:user/ci"]},
            "Action": "sqs:*"}}"#,
    );

    let analysis = analyze(&policy, OWNER, None);

    let principals: Vec<_> = analysis
        .findings
        .iter()
        .map(|finding| finding.principal.clone())
        .collect();
    assert_eq!(
        principals,
        [ExternalPrincipal::Aws {
            arn: "arn:aws:iam::333333333333:user/ci".into(),
            account_id: Some("333333333333".into()),
        }],
        "only the user in another account",
    );
    assert_eq!(
        analysis.findings[0].grants[0].actions,
        GrantedActions::Matching(vec!["sqs:*".into()]),
        "patterns without a universe",
    );
}

#[test]
fn wildcard_with_source_account_is_anyone() {
    let policy = resource_policy(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
            "Condition": {"StringEquals": {"aws:SourceAccount": "444444444444"}}}}"#,
    );

    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));

    let finding = analysis
        .finding(&ExternalPrincipal::Anyone)
        .expect("anyone finding");
    let conditions = &finding.grants[0].conditions;
    assert_eq!(conditions.len(), 1, "the restricting condition is reported");
    assert_eq!(
        conditions[0].operator.kind,
        OperatorKind::StringEquals,
        "operator"
    );
    assert_eq!(conditions[0].key, "aws:SourceAccount", "key");
}

#[test]
fn wildcard_with_principal_account_is_any_other_account() {
    let policy = resource_policy(
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:ReceiveMessage",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": ["222222222222", "333333333333"]}}}}"#,
    );

    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));

    assert!(
        analysis
            .finding(&ExternalPrincipal::AnyOtherAccount)
            .is_some(),
        "authenticated callers only"
    );
    assert!(
        analysis.finding(&ExternalPrincipal::Anyone).is_none(),
        "not anonymous callers"
    );
}

#[test]
fn unconditional_deny_removes_actions() {
    let policy = resource_policy(
        r#"{"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:*"},
            {"Effect": "Deny", "Principal": "*", "Action": ["sqs:Delete*", "sqs:Purge*"]}
        ]}"#,
    );

    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));

    let GrantedActions::Listed(actions) = &analysis.findings[0].grants[0].actions else {
        panic!("expected listed actions: {analysis:?}");
    };
    assert_eq!(
        actions.len(),
        SQS_ACTIONS.len() - 3,
        "DeleteMessage, DeleteQueue and PurgeQueue removed"
    );
    assert!(
        !actions
            .iter()
            .any(|action| action.starts_with("sqs:Delete")),
        "no delete action left"
    );
    assert!(
        analysis.findings[0].grants[0].restricted_by.is_empty(),
        "nothing else restricts it"
    );
}

#[test]
fn deny_without_universe_is_listed_as_patterns() {
    let policy = resource_policy(
        r#"{"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:*"},
            {"Effect": "Deny", "Principal": {"AWS": "222222222222"}, "Action": "sqs:Delete*"}
        ]}"#,
    );

    let analysis = analyze(&policy, OWNER, None);
    let grant = &analysis.findings[0].grants[0];

    assert_eq!(grant.denied_actions, ["sqs:Delete*"], "the Deny's patterns");
    let delete = Request::new(
        principal("arn:aws:iam::222222222222:user/ci"),
        "sqs:DeleteQueue",
        QUEUE,
        OWNER,
    );
    let send = Request::new(
        principal("arn:aws:iam::222222222222:user/ci"),
        "sqs:SendMessage",
        QUEUE,
        OWNER,
    );
    assert!(!analysis.covers(&delete), "a denied action is not covered");
    assert!(analysis.covers(&send), "another action is covered");
}

#[test]
fn conditional_deny_restricts_grant() {
    let policy = resource_policy(
        r#"{"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:SendMessage"},
            {"Effect": "Deny", "Principal": "*", "Action": "sqs:*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        ]}"#,
    );

    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));
    let grant = &analysis.findings[0].grants[0];

    assert_eq!(
        grant.actions,
        listed(&["sqs:SendMessage"]),
        "the action stays"
    );
    assert_eq!(grant.restricted_by, [1], "the conditional Deny is reported");
}

#[test]
fn fully_denied_grant_disappears() {
    let policy = resource_policy(
        r#"{"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:SendMessage"},
            {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sqs:Send*", "Resource": "*"}
        ]}"#,
    );

    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));

    assert!(
        analysis.findings.is_empty(),
        "nothing is granted: {analysis:?}"
    );
}

#[test]
fn deny_for_one_user_keeps_account_grant() {
    let policy = resource_policy(
        r#"{"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:SendMessage"},
            {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::222222222222:user/intern"}, "Action": "sqs:*"}
        ]}"#,
    );

    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));
    let grant = &analysis.findings[0].grants[0];

    assert_eq!(
        grant.actions,
        listed(&["sqs:SendMessage"]),
        "other users of the account can still send"
    );
    assert_eq!(
        grant.restricted_by,
        [1],
        "the user-specific Deny is reported"
    );
}

#[test]
fn not_principal_allow_is_anyone_with_exclusions() {
    // The parser rejects NotPrincipal with Allow, so this statement is built
    // in code. The analyzer still reports such a grant when a caller builds one.
    let policy = Policy {
        version: Some(Version::V2012),
        id: None,
        statements: vec![Statement {
            sid: None,
            effect: Effect::Allow,
            principal: Some(PrincipalClause::NotPrincipal(Principals::Set(
                PrincipalSet {
                    aws: vec!["333333333333".into()],
                    ..PrincipalSet::default()
                },
            ))),
            action: ActionClause::Action(vec!["sqs:ReceiveMessage".into()]),
            resource: None,
            conditions: Vec::new(),
        }],
    };

    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));
    let finding = analysis
        .finding(&ExternalPrincipal::Anyone)
        .expect("anyone finding");

    assert_eq!(
        finding.grants[0].excluded_principals,
        ["AWS:333333333333"],
        "the exclusion is reported"
    );
}

/// An unconditional `Deny` for the same principals, actions and resources
/// removes an `Allow` entirely, and IAM Access Analyzer
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html>)
/// reports only access that the policy lets through.
#[test]
fn unconditional_deny_removes_pattern_grant() {
    let cases = [
        (r#""sqs:SendMessage""#, r#""sqs:SendMessage""#),
        (r#""sqs:Send*""#, r#""sqs:*""#),
        (
            r#"["sqs:SendMessage", "sqs:Receive*"]"#,
            r#"["SQS:sendmessage", "sqs:Receive*"]"#,
        ),
        (r#""sqs:*""#, r#""*""#),
    ];
    for (allowed, denied) in cases {
        let policy = resource_policy(&format!(
            r#"{{"Statement": [
                {{"Effect": "Allow", "Principal": "*", "Action": {allowed}}},
                {{"Effect": "Deny", "Principal": "*", "Action": {denied}}}
            ]}}"#
        ));

        let without_universe = analyze(&policy, OWNER, None);
        assert!(
            without_universe.findings.is_empty(),
            "Allow {allowed} minus Deny {denied}, no universe: {without_universe:?}"
        );
        let with_universe = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));
        assert!(
            with_universe.findings.is_empty(),
            "Allow {allowed} minus Deny {denied}, sqs universe: {with_universe:?}"
        );
    }
}

#[test]
fn partial_deny_keeps_pattern_grant() {
    let cases = [
        (r#""sqs:*""#, r#""sqs:SendMessage""#),
        (r#""sqs:Send*""#, r#""sqs:SendMessage""#),
        (
            r#"["sqs:SendMessage", "sqs:PurgeQueue"]"#,
            r#""sqs:SendMessage""#,
        ),
    ];
    for (allowed, denied) in cases {
        let policy = resource_policy(&format!(
            r#"{{"Statement": [
                {{"Effect": "Allow", "Principal": "*", "Action": {allowed}}},
                {{"Effect": "Deny", "Principal": "*", "Action": {denied}}}
            ]}}"#
        ));

        let analysis = analyze(&policy, OWNER, None);
        let finding = analysis.finding(&ExternalPrincipal::Anyone);
        assert!(
            finding.is_some(),
            "Allow {allowed} minus Deny {denied} leaves access: {analysis:?}"
        );
    }
}

#[test]
fn conditional_deny_keeps_pattern_grant() {
    let policy = resource_policy(
        r#"{"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"},
            {"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        ]}"#,
    );

    let analysis = analyze(&policy, OWNER, None);
    let finding = analysis
        .finding(&ExternalPrincipal::Anyone)
        .expect("the conditional Deny leaves a finding");
    assert_eq!(
        finding.grants[0].restricted_by,
        [1],
        "the conditional Deny is listed as a restriction"
    );
}

#[test]
fn service_principal_finding() {
    let policy = resource_policy(
        r#"{"Statement": {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:alerts"}}}}"#,
    );

    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));

    let service = ExternalPrincipal::Service {
        name: "sns.amazonaws.com".into(),
    };
    let finding = analysis.finding(&service).expect("service finding");
    assert_eq!(
        finding.grants[0].conditions.len(),
        1,
        "the source ARN condition is reported"
    );
    let from_sns = Request::new(
        Principal::service("sns.amazonaws.com"),
        "sqs:SendMessage",
        QUEUE,
        OWNER,
    );
    assert!(
        analysis.covers(&from_sns),
        "the service's request is covered"
    );
}

#[test]
fn covers_checks_principal_action_and_resource() {
    let policy = resource_policy(&format!(
        r#"{{"Statement": {{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::222222222222:role/reader"}},
            "Action": "sqs:ReceiveMessage", "Resource": "{QUEUE}"}}}}"#
    ));
    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));
    let session = principal("arn:aws:sts::222222222222:assumed-role/reader/job");
    let other_role = principal("arn:aws:sts::222222222222:assumed-role/writer/job");

    assert!(
        analysis.covers(&Request::new(
            session.clone(),
            "sqs:ReceiveMessage",
            QUEUE,
            OWNER
        )),
        "a session of the named role",
    );
    assert!(
        !analysis.covers(&Request::new(
            other_role,
            "sqs:ReceiveMessage",
            QUEUE,
            OWNER
        )),
        "a session of another role",
    );
    assert!(
        !analysis.covers(&Request::new(
            session.clone(),
            "sqs:SendMessage",
            QUEUE,
            OWNER
        )),
        "an action not granted",
    );
    assert!(
        !analysis.covers(&Request::new(
            session,
            "sqs:ReceiveMessage",
            "arn:aws:sqs:us-east-1:111111111111:other",
            OWNER
        )),
        "another queue",
    );
}

#[test]
fn findings_serialize_to_json() {
    let policy = resource_policy(
        r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:SendMessage"}}"#,
    );
    let analysis = analyze(&policy, OWNER, Some(&ActionUniverse::sqs()));

    let json = serde_json::to_value(&analysis).expect("serializable");

    assert_eq!(
        json["findings"][0]["principal"]["kind"], "account",
        "tagged principal"
    );
    assert_eq!(
        json["findings"][0]["principal"]["accountId"], "222222222222",
        "camelCase field"
    );
    assert_eq!(
        json["findings"][0]["grants"][0]["actions"]["listed"][0], "sqs:SendMessage",
        "actions"
    );
}
