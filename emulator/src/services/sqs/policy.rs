//! Queue policies: the `Policy` attribute, parsed once when it is set, and
//! the statements AddPermission writes into it.
//!
//! A queue policy is a resource-based IAM policy
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-creating-custom-policies-access-policy-examples.html>).
//! [`parse_attribute`] checks it with [`crosscheck_policy::Policy::parse`]
//! and against the SQS policy quotas (8,192 bytes, 20 statements, 7 actions
//! per statement:
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html>),
//! and keeps both the document as sent, which GetQueueAttributes returns, and
//! the parsed [`Policy`], which every access decision reads without parsing
//! again.
//!
//! Under the `aws` profile, [`check_grantable`] also rejects a policy that
//! names one of the actions SQS never applies across accounts in a grant to
//! another account
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limitations-of-custom-policies.html>).

use std::sync::Arc;

use crosscheck_policy::{
    ActionClause, ActionUniverse, Effect, GrantedActions, Policy, PolicyType, PrincipalClause, PrincipalSet,
    Principals, ResourceClause, Statement, Version, analyze,
};

use crate::error::AwsError;

use super::{NOT_GRANTABLE_ACROSS_ACCOUNTS, errors};

/// The largest policy document SQS accepts, in bytes.
pub const MAX_POLICY_BYTES: usize = 8_192;

/// The maximum number of statements in a queue policy.
pub const MAX_STATEMENTS: usize = 20;

/// The maximum number of actions one statement of a queue policy may list.
pub const MAX_ACTIONS_PER_STATEMENT: usize = 7;

/// A queue's `Policy` attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePolicy {
    /// The document as the caller sent it, or as AddPermission and
    /// RemovePermission wrote it.
    pub document: String,
    /// The parsed document.
    pub policy: Policy,
}

impl QueuePolicy {
    /// Wraps a policy built in code, writing its document.
    pub fn from_policy(policy: Policy) -> QueuePolicy {
        QueuePolicy {
            document: policy.to_json_string(),
            policy,
        }
    }
}

/// Parses and checks a `Policy` attribute value. An empty value removes the
/// queue's policy and yields `None`.
///
/// Errors are `InvalidAttributeValue` with a reason that names the offending
/// element, such as `Statement[0].Effect`.
pub fn parse_attribute(value: &str) -> Result<Option<Arc<QueuePolicy>>, AwsError> {
    if value.is_empty() {
        return Ok(None);
    }
    if value.len() > MAX_POLICY_BYTES {
        let reason = format!("the policy is {} bytes, over the maximum of {MAX_POLICY_BYTES}", value.len());
        return Err(errors::invalid_policy(&reason));
    }

    let policy = Policy::parse(value, PolicyType::Resource).map_err(|error| errors::invalid_policy(&error.to_string()))?;
    check_quotas(&policy)?;
    Ok(Some(Arc::new(QueuePolicy {
        document: value.to_owned(),
        policy,
    })))
}

/// Checks the statement and action quotas.
///
/// NOTE: the quota page also caps principals (50) and conditions (10)
/// without saying whether per statement or per policy, so those are not checked.
pub fn check_quotas(policy: &Policy) -> Result<(), AwsError> {
    if policy.statements.len() > MAX_STATEMENTS {
        let reason = format!(
            "the policy has {} statements, over the maximum of {MAX_STATEMENTS}",
            policy.statements.len()
        );
        return Err(errors::invalid_policy(&reason));
    }
    for (index, statement) in policy.statements.iter().enumerate() {
        let actions = statement.action.patterns().len();
        if actions > MAX_ACTIONS_PER_STATEMENT {
            let element = if statement.action.is_negated() { "NotAction" } else { "Action" };
            let reason = format!(
                "Statement[{index}].{element}: {actions} actions, over the maximum of {MAX_ACTIONS_PER_STATEMENT} per statement"
            );
            return Err(errors::invalid_policy(&reason));
        }
    }
    Ok(())
}

/// Rejects a policy that grants a principal outside `owner_account` an
/// action that SQS never applies across accounts, when the statement names
/// the action itself rather than through a wildcard.
///
/// Wildcards stay valid: AWS's example 3, "Grant all permissions to two AWS
/// accounts", grants `sqs:*` to two accounts, meaning "all actions that
/// Amazon SQS allows shared access for"
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html>).
///
/// NOTE: AWS documents that these actions do not apply across accounts, not
/// that a policy naming them is rejected. The rejection and its code
/// (InvalidAttributeValue, the code SQS uses for an invalid `Policy`) are unverified.
pub fn check_grantable(policy: &Policy, owner_account: &str) -> Result<(), AwsError> {
    let analysis = analyze(policy, owner_account, Some(&ActionUniverse::sqs()));
    for finding in &analysis.findings {
        for grant in &finding.grants {
            let Some(statement) = policy.statements.get(grant.statement_index) else {
                continue;
            };
            let ActionClause::Action(patterns) = &statement.action else {
                continue;
            };
            for pattern in patterns {
                let Some(action) = named_non_grantable_action(pattern) else {
                    continue;
                };
                if !grant_lists(&grant.actions, action) {
                    continue;
                }
                let reason = format!(
                    "Statement[{}].Action: {pattern} cannot be granted to {}, because only the queue owner may call {action}",
                    grant.statement_index, finding.principal
                );
                return Err(errors::invalid_policy(&reason));
            }
        }
    }
    Ok(())
}

/// Returns the SQS action a pattern names without wildcards, when it is one
/// that cannot be granted across accounts. Action names are case-insensitive.
fn named_non_grantable_action(pattern: &str) -> Option<&'static str> {
    if pattern.contains(['*', '?']) {
        return None;
    }
    let (service, name) = pattern.split_once(':')?;
    if !service.eq_ignore_ascii_case("sqs") {
        return None;
    }
    NOT_GRANTABLE_ACROSS_ACCOUNTS
        .iter()
        .find(|action| action.eq_ignore_ascii_case(name))
        .copied()
}

/// Reports whether a grant still covers `sqs:<action>` after the policy's
/// unconditional `Deny` statements took their part away.
fn grant_lists(actions: &GrantedActions, action: &str) -> bool {
    match actions {
        GrantedActions::Listed(listed) => listed.iter().any(|listed| {
            listed
                .split_once(':')
                .is_some_and(|(_, name)| name.eq_ignore_ascii_case(action))
        }),
        GrantedActions::Matching(_) | GrantedActions::AllExcept(_) => true,
    }
}

/// Builds the policy AWS starts for a queue that has none when AddPermission
/// adds the first statement: version `2012-10-17` and the Id `ARN/SQSDefaultPolicy`.
pub fn default_policy(queue_arn: &str) -> Policy {
    Policy {
        version: Some(Version::V2012),
        id: Some(format!("{queue_arn}/SQSDefaultPolicy")),
        statements: Vec::new(),
    }
}

/// Builds the statement AddPermission adds: `Sid` is the label, the
/// principals are the accounts' root users, and each action is `SQS:<name>`
/// on the queue
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html>).
pub fn permission_statement(label: &str, account_ids: &[String], actions: &[String], queue_arn: &str) -> Statement {
    let principals = PrincipalSet {
        aws: account_ids.iter().map(|id| format!("arn:aws:iam::{id}:root")).collect(),
        ..PrincipalSet::default()
    };
    Statement {
        sid: Some(label.to_owned()),
        effect: Effect::Allow,
        principal: Some(PrincipalClause::Principal(Principals::Set(principals))),
        action: ActionClause::Action(actions.iter().map(|action| format!("SQS:{action}")).collect()),
        resource: Some(ResourceClause::Resource(vec![queue_arn.to_owned()])),
        conditions: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "111111111111";

    fn parse(text: &str) -> Result<Option<Arc<QueuePolicy>>, AwsError> {
        parse_attribute(text)
    }

    #[test]
    fn empty_value_removes_policy() {
        assert_eq!(parse(""), Ok(None));
    }

    #[test]
    fn document_is_kept_as_sent() {
        let text = r#"{ "Statement": [ {"Effect":"Allow", "Principal":"*", "Action":"sqs:SendMessage"} ] }"#;
        let parsed = parse(text).expect("valid").expect("a policy");
        assert_eq!(parsed.document, text);
        assert_eq!(parsed.policy.statements.len(), 1);
    }

    #[test]
    fn malformed_policy_names_element() {
        let error = parse(r#"{"Statement": [{"Effect": "Permit", "Principal": "*", "Action": "sqs:SendMessage"}]}"#)
            .expect_err("bad effect");
        assert_eq!(error.code, "InvalidAttributeValue");
        assert!(error.message.starts_with("Invalid value for the parameter Policy."), "{}", error.message);
        assert!(error.message.contains("Statement[0].Effect"), "{}", error.message);
    }

    #[test]
    fn statement_without_principal_is_rejected() {
        let error = parse(r#"{"Statement": {"Effect": "Allow", "Action": "sqs:SendMessage"}}"#).expect_err("no principal");
        assert!(error.message.contains("Principal"), "{}", error.message);
    }

    #[test]
    fn quotas_are_checked() {
        let eight_actions = r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action":
            ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueUrl",
             "sqs:GetQueueAttributes", "sqs:PurgeQueue", "sqs:ChangeMessageVisibility", "sqs:ListDeadLetterSourceQueues"]}}"#;
        let error = parse(eight_actions).expect_err("eight actions");
        assert!(error.message.contains("Statement[0].Action"), "{}", error.message);

        let statement = r#"{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}"#;
        let many = format!(r#"{{"Statement": [{}]}}"#, vec![statement; 21].join(","));
        let error = parse(&many).expect_err("21 statements");
        assert!(error.message.contains("21 statements"), "{}", error.message);

        let large = format!(r#"{{"Id": "{}", "Statement": [{statement}]}}"#, "x".repeat(MAX_POLICY_BYTES));
        let error = parse(&large).expect_err("too large");
        assert!(error.message.contains("bytes"), "{}", error.message);
    }

    fn grantable(text: &str) -> Result<(), AwsError> {
        let policy = Policy::parse(text, PolicyType::Resource).expect("the test policy parses");
        check_grantable(&policy, OWNER)
    }

    #[test]
    fn non_grantable_grant_is_rejected() {
        let error = grantable(
            r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": ["sqs:SendMessage", "SQS:deletequeue"]}}"#,
        )
        .expect_err("DeleteQueue for another account");
        assert_eq!(error.code, "InvalidAttributeValue");
        assert!(error.message.contains("Statement[0].Action: SQS:deletequeue"), "{}", error.message);
        assert!(error.message.contains("account 222222222222"), "{}", error.message);
    }

    #[test]
    fn wildcards_and_owner_grants_stay_valid() {
        let cases = [
            r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:*"}}"#,
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:*"}}"#,
            r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sqs:DeleteQueue"}}"#,
            r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "sqs:DeleteQueue"}}"#,
            r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:SendMessage"}}"#,
        ];
        for case in cases {
            assert_eq!(grantable(case), Ok(()), "{case}");
        }
    }

    #[test]
    fn grant_removed_by_unconditional_deny_is_accepted() {
        let text = r#"{"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:TagQueue"},
            {"Effect": "Deny", "Principal": "*", "Action": "sqs:TagQueue"}]}"#;
        assert_eq!(grantable(text), Ok(()));
    }

    #[test]
    fn permission_statement_round_trips() {
        let mut policy = default_policy("arn:aws:sqs:us-east-1:111111111111:q");
        policy.statements.push(permission_statement(
            "send",
            &["222222222222".to_owned()],
            &["SendMessage".to_owned()],
            "arn:aws:sqs:us-east-1:111111111111:q",
        ));
        let queue_policy = QueuePolicy::from_policy(policy);
        assert_eq!(
            queue_policy.document,
            r#"{"Version":"2012-10-17","Id":"arn:aws:sqs:us-east-1:111111111111:q/SQSDefaultPolicy","Statement":[{"Sid":"send","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"SQS:SendMessage","Resource":"arn:aws:sqs:us-east-1:111111111111:q"}]}"#
        );
        let reparsed = parse(&queue_policy.document).expect("valid").expect("a policy");
        assert_eq!(reparsed.policy, queue_policy.policy);
    }
}
