//! Resource policies drawn from a small grammar.
//!
//! A statement allows or denies one action pattern to one principal, on the
//! resource's own ARN or on `*`, optionally under one condition. Principals
//! are `*`, an account id, an account's root user ARN or a role ARN of an
//! account; the root-user forms and the bare account id name the same
//! principal (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
//! A role ARN never matches the callers, which are account root users, so it
//! tests that a policy naming a role grants nothing to its account's root.
//! Conditions test `aws:PrincipalAccount`, which every request carries, and
//! `aws:SourceAccount`, which only a call made by an AWS service on behalf of
//! a resource carries
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>),
//! and `kms:CallerAccount`, a KMS condition key whose value is the caller's
//! account on KMS requests and is absent from the other services' requests
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html>).

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::world::{Pick, World, pick};

/// The principal a statement names.
#[derive(Debug, Clone, Copy)]
pub enum PrincipalSpec {
    /// `"Principal": "*"`.
    Anyone,
    /// `{"AWS": "ACCOUNT"}`.
    Account(Pick),
    /// `{"AWS": "arn:aws:iam::ACCOUNT:root"}`.
    AccountRoot(Pick),
    /// `{"AWS": "arn:aws:iam::ACCOUNT:role/explorer"}`.
    Role(Pick),
}

/// The condition a statement carries.
#[derive(Debug, Clone, Copy)]
pub enum ConditionSpec {
    PrincipalAccountEquals(Pick),
    PrincipalAccountNotEquals(Pick),
    SourceAccountEquals(Pick),
    CallerAccountEquals(Pick),
}

/// One statement of a generated policy.
#[derive(Debug, Clone)]
pub struct StatementSpec {
    pub allow: bool,
    pub principal: PrincipalSpec,
    /// Pick into the service's action pool.
    pub action: Pick,
    /// `"Resource": "*"` instead of the resource's ARN.
    pub any_resource: bool,
    pub condition: Option<ConditionSpec>,
}

/// A generated resource policy: one or two statements.
#[derive(Debug, Clone)]
pub struct PolicySpec {
    pub statements: Vec<StatementSpec>,
}

impl PolicySpec {
    /// Writes the policy document for the resource `resource_arn` in `world`,
    /// picking action patterns from `actions`.
    pub fn to_json(&self, world: &World, actions: &[&str], resource_arn: &str) -> String {
        let statements: Vec<Value> = self
            .statements
            .iter()
            .enumerate()
            .map(|(index, statement)| statement.to_json(index, world, actions, resource_arn))
            .collect();
        json!({ "Version": "2012-10-17", "Statement": statements }).to_string()
    }
}

impl StatementSpec {
    fn to_json(&self, index: usize, world: &World, actions: &[&str], resource_arn: &str) -> Value {
        let account = |selected: Pick| world.account(selected).id.clone();
        let principal = match self.principal {
            PrincipalSpec::Anyone => json!("*"),
            PrincipalSpec::Account(selected) => json!({ "AWS": account(selected) }),
            PrincipalSpec::AccountRoot(selected) => {
                json!({ "AWS": format!("arn:aws:iam::{}:root", account(selected)) })
            }
            PrincipalSpec::Role(selected) => {
                json!({ "AWS": format!("arn:aws:iam::{}:role/explorer", account(selected)) })
            }
        };

        let mut statement = Map::new();
        statement.insert("Sid".to_owned(), json!(format!("Generated{}", index + 1)));
        statement.insert("Effect".to_owned(), json!(if self.allow { "Allow" } else { "Deny" }));
        statement.insert("Principal".to_owned(), principal);
        statement.insert("Action".to_owned(), json!(*self.action.get(actions)));
        statement.insert("Resource".to_owned(), json!(if self.any_resource { "*" } else { resource_arn }));
        if let Some(condition) = self.condition {
            let (operator, key, selected) = match condition {
                ConditionSpec::PrincipalAccountEquals(selected) => ("StringEquals", "aws:PrincipalAccount", selected),
                ConditionSpec::PrincipalAccountNotEquals(selected) => {
                    ("StringNotEquals", "aws:PrincipalAccount", selected)
                }
                ConditionSpec::SourceAccountEquals(selected) => ("StringEquals", "aws:SourceAccount", selected),
                ConditionSpec::CallerAccountEquals(selected) => ("StringEquals", "kms:CallerAccount", selected),
            };
            statement.insert("Condition".to_owned(), json!({ operator: { key: account(selected) } }));
        }
        Value::Object(statement)
    }
}

fn principal() -> impl Strategy<Value = PrincipalSpec> {
    prop_oneof![
        Just(PrincipalSpec::Anyone),
        pick().prop_map(PrincipalSpec::Account),
        pick().prop_map(PrincipalSpec::AccountRoot),
        pick().prop_map(PrincipalSpec::Role),
    ]
}

fn condition() -> impl Strategy<Value = Option<ConditionSpec>> {
    prop_oneof![
        3 => Just(None),
        1 => pick().prop_map(|selected| Some(ConditionSpec::PrincipalAccountEquals(selected))),
        1 => pick().prop_map(|selected| Some(ConditionSpec::PrincipalAccountNotEquals(selected))),
        1 => pick().prop_map(|selected| Some(ConditionSpec::SourceAccountEquals(selected))),
        1 => pick().prop_map(|selected| Some(ConditionSpec::CallerAccountEquals(selected))),
    ]
}

fn statement() -> impl Strategy<Value = StatementSpec> {
    // Allow first, so that a shrunk statement is an Allow.
    let allow = prop_oneof![3 => Just(true), 1 => Just(false)];
    (allow, principal(), pick(), any::<bool>(), condition()).prop_map(
        |(allow, principal, action, any_resource, condition)| StatementSpec {
            allow,
            principal,
            action,
            any_resource,
            condition,
        },
    )
}

/// Generates a policy of one or two statements.
pub fn policy() -> impl Strategy<Value = PolicySpec> {
    proptest::collection::vec(statement(), 1..=2).prop_map(|statements| PolicySpec { statements })
}
