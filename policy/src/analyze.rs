//! External access analysis of a resource-based policy: who outside the
//! owner's account can do what.
//!
//! Like the external-access findings of IAM Access Analyzer
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html>),
//! [`analyze`] reports one [`Finding`] per principal outside the owner's
//! account that an `Allow` statement names, plus [`ExternalPrincipal::Anyone`]
//! for statements that name everyone and [`ExternalPrincipal::AnyOtherAccount`]
//! for statements that name everyone but whose conditions require the caller
//! to belong to an account (such as a condition on `aws:PrincipalAccount`).
//! Each finding lists, per granting statement, the actions granted, the
//! resources, the conditions that still restrict the grant, and the `Deny`
//! statements that may take part of it away.
//!
//! The analysis assumes the other accounts' identity-based policies allow
//! whatever they like, as Access Analyzer does, so it reports what this
//! policy lets through. It is sound: every request from outside the account
//! that [`crate::evaluate`] allows under this policy, with any identity-based
//! policy on the caller's side, is covered by a finding ([`Analysis::covers`]).
//! It is exact in what it lists. An action is listed for a principal only
//! when a statement grants it to that principal and no unconditional `Deny`
//! takes it away for every resource the grant covers. A grant that loses
//! every action to such a `Deny` yields no finding, with or without an
//! action universe. Conditions are
//! reported, not solved. Soundness assumes the request context holds principal
//! keys (`aws:PrincipalArn`, `aws:PrincipalAccount`) only for callers that
//! belong to an account, as [`crate::Request::new`] builds it.

use std::fmt;

use serde::Serialize;

use crate::actions::ActionUniverse;
use crate::condition::{OperatorKind, SetQualifier};
use crate::context::parse_bool;
use crate::document::{
    ActionClause, Condition, Effect, Policy, PrincipalClause, PrincipalSet, Principals,
    ResourceClause, Statement,
};
use crate::evaluate::Request;
use crate::principal::{self, AwsEntry, Principal, PrincipalKind, PrincipalMatch};
use crate::variables;
use crate::wildcard;

/// Context keys that only callers belonging to an account have.
const ACCOUNT_PRINCIPAL_KEYS: [&str; 4] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
];

/// A principal outside the owner's account that a policy grants access to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ExternalPrincipal {
    /// Every principal of another account, named by its id or root ARN.
    #[serde(rename_all = "camelCase")]
    Account {
        /// The account.
        account_id: String,
    },
    /// An IAM user or role, an STS session, or a unique id, in another account.
    #[serde(rename_all = "camelCase")]
    Aws {
        /// The entry as the policy writes it.
        arn: String,
        /// The account in the ARN; `None` for a unique id.
        account_id: Option<String>,
    },
    /// An AWS service principal.
    Service {
        /// The service principal name, such as `sns.amazonaws.com`.
        name: String,
    },
    /// A web identity or SAML provider.
    Federated {
        /// The provider as the policy writes it.
        provider: String,
    },
    /// An S3 canonical user.
    CanonicalUser {
        /// The canonical user id.
        id: String,
    },
    /// Any principal that belongs to an account other than the owner's.
    AnyOtherAccount,
    /// Anyone, including anonymous callers and services.
    Anyone,
}

impl ExternalPrincipal {
    /// Reports whether `caller` is one of the principals this names.
    pub fn includes(&self, caller: &Principal, owner_account: &str) -> bool {
        match self {
            ExternalPrincipal::Account { account_id } => {
                caller.account_id() == Some(account_id.as_str())
            }
            ExternalPrincipal::Aws { arn, .. } => {
                principal::match_aws_entry(arn, caller) > PrincipalMatch::Account
            }
            ExternalPrincipal::Service { name } => {
                matches!(caller.kind(), PrincipalKind::Service { name: caller_name } if caller_name == name)
            }
            ExternalPrincipal::Federated { provider } => matches!(
                caller.kind(),
                PrincipalKind::IdentityProvider { provider: caller_provider } if caller_provider == provider
            ),
            ExternalPrincipal::CanonicalUser { id } => {
                caller.canonical_user_id() == Some(id.as_str())
            }
            ExternalPrincipal::AnyOtherAccount => caller
                .account_id()
                .is_some_and(|account_id| account_id != owner_account),
            ExternalPrincipal::Anyone => true,
        }
    }
}

impl fmt::Display for ExternalPrincipal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternalPrincipal::Account { account_id } => write!(formatter, "account {account_id}"),
            ExternalPrincipal::Aws { arn, .. } => formatter.write_str(arn),
            ExternalPrincipal::Service { name } => write!(formatter, "service {name}"),
            ExternalPrincipal::Federated { provider } => {
                write!(formatter, "identity provider {provider}")
            }
            ExternalPrincipal::CanonicalUser { id } => write!(formatter, "canonical user {id}"),
            ExternalPrincipal::AnyOtherAccount => {
                formatter.write_str("any principal in another account")
            }
            ExternalPrincipal::Anyone => formatter.write_str("anyone, including anonymous callers"),
        }
    }
}

/// The actions a grant covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum GrantedActions {
    /// Exactly these actions, expanded against an action universe.
    Listed(Vec<String>),
    /// Every action matching one of these patterns (an `Action` element).
    Matching(Vec<String>),
    /// Every action matching none of these patterns (a `NotAction` element).
    AllExcept(Vec<String>),
}

/// The access one `Allow` statement grants to one external principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    /// The statement's position in the policy, from 0.
    pub statement_index: usize,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// The actions granted.
    pub actions: GrantedActions,
    /// Action patterns an unconditional `Deny` takes away, when the actions
    /// are patterns rather than a list.
    pub denied_actions: Vec<String>,
    /// The statement's `Resource` or `NotResource`; `None` covers the
    /// resource the policy is attached to.
    pub resources: Option<ResourceClause>,
    /// The statement's conditions, all of which must hold.
    pub conditions: Vec<Condition>,
    /// For a `NotPrincipal` statement, the principals it leaves out.
    pub excluded_principals: Vec<String>,
    /// Positions of `Deny` statements that may deny part of this grant, under
    /// their conditions or for some of the principals or resources.
    pub restricted_by: Vec<usize>,
}

/// One external principal and everything the policy grants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The principal granted access.
    pub principal: ExternalPrincipal,
    /// The grant of each statement that grants the principal access.
    pub grants: Vec<Grant>,
}

/// The findings for one resource-based policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    /// The account that owns the resource.
    pub owner_account: String,
    /// The service whose action universe expanded the actions, if any.
    pub action_universe: Option<String>,
    /// One finding per external principal, in the order the policy names them.
    pub findings: Vec<Finding>,
    /// Whether the policy substitutes policy variables (`Version` `2012-10-17`).
    #[serde(skip)]
    substitutes_variables: bool,
}

impl Analysis {
    /// Returns the finding for `principal`, if there is one.
    pub fn finding(&self, principal: &ExternalPrincipal) -> Option<&Finding> {
        self.findings
            .iter()
            .find(|finding| &finding.principal == principal)
    }

    /// Reports whether some finding covers the request: its principal
    /// includes the caller, and one of its grants covers the action and the
    /// resource. Conditions and `NotPrincipal` exclusions are not checked, so
    /// this over-approximates what the policy allows.
    pub fn covers(&self, request: &Request) -> bool {
        self.findings
            .iter()
            .filter(|finding| {
                finding
                    .principal
                    .includes(&request.principal, &self.owner_account)
            })
            .flat_map(|finding| &finding.grants)
            .any(|grant| self.grant_covers(grant, &request.action, &request.resource))
    }

    fn grant_covers(&self, grant: &Grant, action: &str, resource: &str) -> bool {
        let denied = grant
            .denied_actions
            .iter()
            .any(|pattern| wildcard::action_matches(pattern, action));
        let action_covered = match &grant.actions {
            GrantedActions::Listed(actions) => actions
                .iter()
                .any(|listed| listed.eq_ignore_ascii_case(action)),
            GrantedActions::Matching(patterns) => {
                !denied
                    && patterns
                        .iter()
                        .any(|pattern| wildcard::action_matches(pattern, action))
            }
            GrantedActions::AllExcept(patterns) => {
                !denied
                    && !patterns
                        .iter()
                        .any(|pattern| wildcard::action_matches(pattern, action))
            }
        };
        action_covered && self.resource_covered(grant.resources.as_ref(), resource)
    }

    /// Matches a resource, reading every policy variable as a wildcard
    /// because its value depends on the request.
    fn resource_covered(&self, clause: Option<&ResourceClause>, resource: &str) -> bool {
        let Some(clause) = clause else {
            return true;
        };
        let has_variables = self.substitutes_variables
            && clause
                .patterns()
                .iter()
                .any(|pattern| variables::has_variables(pattern));
        if has_variables {
            return true;
        }
        let any_match = clause
            .patterns()
            .iter()
            .any(|pattern| wildcard::resource_matches(pattern, resource));
        any_match != clause.is_negated()
    }
}

/// Analyzes a resource-based policy of a resource owned by `owner_account`.
/// With a `universe`, granted actions are expanded into the universe's
/// actions and actions of other services are left out.
pub fn analyze(
    policy: &Policy,
    owner_account: &str,
    universe: Option<&ActionUniverse>,
) -> Analysis {
    let mut findings: Vec<Finding> = Vec::new();

    for (index, statement) in policy.statements.iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let Some(clause) = &statement.principal else {
            continue;
        };

        for target in external_targets(clause, statement, owner_account) {
            let Some(grant) =
                build_grant(policy, index, statement, &target, universe, owner_account)
            else {
                continue;
            };
            match findings
                .iter_mut()
                .find(|finding| finding.principal == target)
            {
                Some(finding) => finding.grants.push(grant),
                None => findings.push(Finding {
                    principal: target,
                    grants: vec![grant],
                }),
            }
        }
    }

    Analysis {
        owner_account: owner_account.to_owned(),
        action_universe: universe.map(|universe| universe.service().to_owned()),
        findings,
        substitutes_variables: policy.substitutes_variables(),
    }
}

/// Lists the external principals an `Allow` statement's principal element names.
fn external_targets(
    clause: &PrincipalClause,
    statement: &Statement,
    owner_account: &str,
) -> Vec<ExternalPrincipal> {
    let set = match clause {
        PrincipalClause::NotPrincipal(_) | PrincipalClause::Principal(Principals::Wildcard) => {
            return vec![wildcard_target(&statement.conditions)];
        }
        PrincipalClause::Principal(Principals::Set(set)) => set,
    };

    let mut targets = Vec::new();
    if set.aws.iter().any(|entry| entry == "*") {
        targets.push(wildcard_target(&statement.conditions));
    }
    for entry in set.aws.iter().filter(|entry| *entry != "*") {
        let target = match principal::classify_aws_entry(entry) {
            AwsEntry::Account(account_id) if account_id == owner_account => continue,
            AwsEntry::Account(account_id) => ExternalPrincipal::Account {
                account_id: account_id.to_owned(),
            },
            AwsEntry::Arn(arn) => {
                let account_id = principal::entry_account(arn);
                if account_id == Some(owner_account) {
                    continue;
                }
                ExternalPrincipal::Aws {
                    arn: arn.to_owned(),
                    account_id: account_id.map(str::to_owned),
                }
            }
            AwsEntry::Other => ExternalPrincipal::Aws {
                arn: entry.clone(),
                account_id: None,
            },
        };
        targets.push(target);
    }
    targets.extend(
        set.service
            .iter()
            .map(|name| ExternalPrincipal::Service { name: name.clone() }),
    );
    targets.extend(
        set.federated
            .iter()
            .map(|provider| ExternalPrincipal::Federated {
                provider: provider.clone(),
            }),
    );
    targets.extend(
        set.canonical_user
            .iter()
            .map(|id| ExternalPrincipal::CanonicalUser { id: id.clone() }),
    );

    let mut unique: Vec<ExternalPrincipal> = Vec::with_capacity(targets.len());
    for target in targets {
        if !unique.contains(&target) {
            unique.push(target);
        }
    }
    unique
}

/// Classifies a statement that names everyone: `AnyOtherAccount` when one of
/// its conditions can only hold for a caller with principal keys, else `Anyone`.
fn wildcard_target(conditions: &[Condition]) -> ExternalPrincipal {
    if conditions.iter().any(requires_account_principal) {
        ExternalPrincipal::AnyOtherAccount
    } else {
        ExternalPrincipal::Anyone
    }
}

/// Reports whether a condition is false whenever its key is absent, and its
/// key is one that only callers belonging to an account have.
fn requires_account_principal(condition: &Condition) -> bool {
    let key = condition.key.to_lowercase();
    if !ACCOUNT_PRINCIPAL_KEYS.contains(&key.as_str()) {
        return false;
    }
    let operator = condition.operator;
    if operator.kind == OperatorKind::Null {
        return condition
            .values
            .iter()
            .all(|value| parse_bool(value) == Some(false));
    }
    !operator.if_exists
        && operator.qualifier != Some(SetQualifier::ForAllValues)
        && !operator.kind.is_negated()
}

/// Builds the grant of one `Allow` statement to `target`, taking away what
/// unconditional `Deny` statements deny. Returns `None` when nothing is left.
fn build_grant(
    policy: &Policy,
    index: usize,
    statement: &Statement,
    target: &ExternalPrincipal,
    universe: Option<&ActionUniverse>,
    owner_account: &str,
) -> Option<Grant> {
    let mut actions = match (universe, &statement.action) {
        (Some(universe), clause) => GrantedActions::Listed(universe.expand(clause)),
        (None, ActionClause::Action(patterns)) => GrantedActions::Matching(patterns.clone()),
        (None, ActionClause::NotAction(patterns)) => GrantedActions::AllExcept(patterns.clone()),
    };
    let mut denied_actions = Vec::new();
    let mut restricted_by = Vec::new();
    let substitute = policy.substitutes_variables();

    for (deny_index, deny) in policy.statements.iter().enumerate() {
        if deny.effect != Effect::Deny || !deny_may_apply(deny, target, owner_account) {
            continue;
        }
        if let GrantedActions::Listed(listed) = &actions
            && !listed
                .iter()
                .any(|action| clause_covers_action(&deny.action, action))
        {
            continue;
        }

        let removes_fully = deny.conditions.is_empty()
            && deny_names_all_of(deny, target)
            && deny_covers_resources(deny, statement, substitute);
        match (&mut actions, &deny.action) {
            (GrantedActions::Listed(listed), _) if removes_fully => {
                listed.retain(|action| !clause_covers_action(&deny.action, action));
            }
            (_, ActionClause::Action(patterns)) if removes_fully => {
                denied_actions.extend(patterns.iter().cloned())
            }
            _ => restricted_by.push(deny_index),
        }
    }

    if fully_denied(&actions, &denied_actions) {
        return None;
    }

    let excluded_principals = match &statement.principal {
        Some(PrincipalClause::NotPrincipal(principals)) => describe_principals(principals),
        _ => Vec::new(),
    };
    Some(Grant {
        statement_index: index,
        sid: statement.sid.clone(),
        actions,
        denied_actions,
        resources: statement.resource.clone(),
        conditions: statement.conditions.clone(),
        excluded_principals,
        restricted_by,
    })
}

/// Reports whether unconditional `Deny` statements take away every action of
/// a grant: a listed grant with nothing left, or a grant whose every pattern
/// is covered by a denied pattern.
fn fully_denied(actions: &GrantedActions, denied_actions: &[String]) -> bool {
    let covered = |allowed: &String| {
        denied_actions
            .iter()
            .any(|denied| pattern_covers(denied, allowed))
    };
    match actions {
        GrantedActions::Listed(listed) => listed.is_empty(),
        GrantedActions::Matching(patterns) => patterns.iter().all(covered),
        GrantedActions::AllExcept(_) => denied_actions.iter().any(|denied| denied == "*"),
    }
}

/// Reports whether every action that matches the `allowed` pattern also
/// matches the `denied` pattern. The check is sufficient but not complete,
/// because it handles only `*`, patterns without wildcards, and prefixes
/// ending in one `*`, such as `sqs:*` covering `sqs:Send*`.
fn pattern_covers(denied: &str, allowed: &str) -> bool {
    if denied == "*" || denied.eq_ignore_ascii_case(allowed) {
        return true;
    }
    if !allowed.contains(['*', '?']) {
        return wildcard::action_matches(denied, allowed);
    }
    match denied.strip_suffix('*') {
        Some(prefix) if !prefix.contains(['*', '?']) => allowed
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix)),
        _ => false,
    }
}

fn clause_covers_action(clause: &ActionClause, action: &str) -> bool {
    let any_match = clause
        .patterns()
        .iter()
        .any(|pattern| wildcard::action_matches(pattern, action));
    any_match != clause.is_negated()
}

/// Reports whether a `Deny` statement can apply to at least one principal
/// that `target` stands for.
fn deny_may_apply(deny: &Statement, target: &ExternalPrincipal, owner_account: &str) -> bool {
    let set = match &deny.principal {
        None
        | Some(PrincipalClause::NotPrincipal(_))
        | Some(PrincipalClause::Principal(Principals::Wildcard)) => {
            return true;
        }
        Some(PrincipalClause::Principal(Principals::Set(set))) => set,
    };
    if set.aws.iter().any(|entry| entry == "*") {
        return true;
    }
    match target {
        ExternalPrincipal::Account { account_id } => set
            .aws
            .iter()
            .any(|entry| principal::entry_account(entry) == Some(account_id.as_str())),
        ExternalPrincipal::Aws { arn, account_id } => set.aws.iter().any(|entry| {
            entry == arn
                || matches!(principal::classify_aws_entry(entry), AwsEntry::Account(named) if Some(named) == account_id.as_deref())
        }),
        ExternalPrincipal::Service { name } => set.service.contains(name),
        ExternalPrincipal::Federated { provider } => set.federated.contains(provider),
        ExternalPrincipal::CanonicalUser { id } => set.canonical_user.contains(id),
        ExternalPrincipal::AnyOtherAccount | ExternalPrincipal::Anyone => {
            set.aws.iter().any(|entry| principal::entry_account(entry) != Some(owner_account))
                || !set.service.is_empty()
                || !set.federated.is_empty()
                || !set.canonical_user.is_empty()
        }
    }
}

/// Reports whether a `Deny` statement's principal element applies to every
/// principal that `target` stands for.
fn deny_names_all_of(deny: &Statement, target: &ExternalPrincipal) -> bool {
    let set: &PrincipalSet = match &deny.principal {
        None | Some(PrincipalClause::Principal(Principals::Wildcard)) => return true,
        Some(PrincipalClause::NotPrincipal(_)) => return false,
        Some(PrincipalClause::Principal(Principals::Set(set))) => set,
    };
    if set.aws.iter().any(|entry| entry == "*") {
        return true;
    }
    let names_account = |account_id: Option<&str>| {
        account_id.is_some_and(|account_id| {
            set.aws
                .iter()
                .any(|entry| principal::classify_aws_entry(entry) == AwsEntry::Account(account_id))
        })
    };
    match target {
        ExternalPrincipal::Account { account_id } => names_account(Some(account_id)),
        ExternalPrincipal::Aws { arn, account_id } => {
            set.aws.contains(arn) || names_account(account_id.as_deref())
        }
        ExternalPrincipal::Service { name } => set.service.contains(name),
        ExternalPrincipal::Federated { provider } => set.federated.contains(provider),
        ExternalPrincipal::CanonicalUser { id } => set.canonical_user.contains(id),
        ExternalPrincipal::AnyOtherAccount | ExternalPrincipal::Anyone => false,
    }
}

/// Reports whether a `Deny` statement covers every resource the `Allow`
/// statement covers, for any request context.
fn deny_covers_resources(deny: &Statement, allow: &Statement, substitute: bool) -> bool {
    let deny_patterns = match &deny.resource {
        None => return true,
        Some(ResourceClause::NotResource(_)) => return false,
        Some(ResourceClause::Resource(patterns)) => patterns,
    };
    let fixed = |pattern: &String| !substitute || !variables::has_variables(pattern);
    if deny_patterns.iter().any(|pattern| pattern == "*") {
        return true;
    }
    let Some(ResourceClause::Resource(allow_patterns)) = &allow.resource else {
        return false;
    };
    allow_patterns.iter().all(|allowed| {
        fixed(allowed)
            && deny_patterns
                .iter()
                .filter(|denied| fixed(denied))
                .any(|denied| {
                    denied == allowed
                        || (!allowed.contains(['*', '?'])
                            && wildcard::resource_matches(denied, allowed))
                })
    })
}

/// Lists the entries of a principal element for display, each with its type
/// (`AWS:arn:aws:iam::...`, `Service:sns.amazonaws.com`).
fn describe_principals(principals: &Principals) -> Vec<String> {
    let set = match principals {
        Principals::Wildcard => return vec!["*".to_owned()],
        Principals::Set(set) => set,
    };
    let typed = [
        ("AWS", &set.aws),
        ("Service", &set.service),
        ("Federated", &set.federated),
        ("CanonicalUser", &set.canonical_user),
    ];
    typed
        .into_iter()
        .flat_map(|(principal_type, entries)| {
            entries
                .iter()
                .map(move |entry| format!("{principal_type}:{entry}"))
        })
        .collect()
}
