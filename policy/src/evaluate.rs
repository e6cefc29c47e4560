//! The access decision: which policies apply to a request and what they decide.
//!
//! The flow follows
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
//! and, across accounts,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>:
//!
//! 1. An explicit `Deny` in any policy that applies decides: `explicitDeny`.
//!    A `Deny` statement with `NotPrincipal` applies to every caller that has
//!    a permissions boundary, even one that `NotPrincipal` lists
//!    (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>).
//! 2. Resource control policies (RCPs), when given, must allow.
//! 3. Service control policies (SCPs), when given, must allow; they apply to
//!    callers that belong to an account.
//! 4. Within one account, a resource-based policy that names the caller
//!    itself (the IAM user, the session, `"*"`) allows on its own. One that
//!    names the caller's role, or the IAM user behind a federated session,
//!    takes the place of an identity-based `Allow` but is still limited by
//!    the permissions boundary and session policies. One that names only the
//!    caller's account delegates to the account: the identity side must allow.
//! 5. Otherwise the identity side decides: an identity-based policy must
//!    allow (the account root user is allowed everything), then the
//!    permissions boundary, if any, must allow, then for session principals
//!    the session policies must allow; a federated user session without a
//!    session policy is denied.
//! 6. Across accounts, both the identity side in the caller's account
//!    (step 5) and the resource-based policy must allow; a resource-based
//!    policy naming the account, the role or the caller are all grants here.
//! 7. A caller outside any account (a service, an identity provider, an
//!    anonymous caller) has no identity side: the resource-based policy decides.
//!
//! Anything not allowed by that flow is an `implicitDeny`. The result carries
//! what the IAM policy simulator reports
//! (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html>):
//! the decision, the statements that matched, the context keys conditions
//! needed but did not find, and a decision per policy type.

use std::fmt;

use serde::Serialize;

use crate::condition::{self, ConditionOutcome};
use crate::context::Context;
use crate::document::{ActionClause, Effect, Policy, PrincipalClause, ResourceClause, Statement};
use crate::principal::{self, Principal, PrincipalKind, PrincipalMatch};
use crate::variables;
use crate::wildcard::{self, Case};

/// One request to decide.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The caller.
    pub principal: Principal,
    /// The action, such as `sqs:SendMessage`.
    pub action: String,
    /// The ARN of the resource the action is on, or `*` for actions without one.
    pub resource: String,
    /// The account that owns the resource.
    pub resource_account: String,
    /// The condition keys and values of the request.
    pub context: Context,
}

impl Request {
    /// Builds a request whose context contains the keys that describe the
    /// caller (see [`Principal::add_context_keys`]) and `aws:ResourceAccount`.
    /// Add further keys through [`Request::context`].
    pub fn new(
        principal: Principal,
        action: impl Into<String>,
        resource: impl Into<String>,
        resource_account: impl Into<String>,
    ) -> Request {
        let resource_account = resource_account.into();
        let mut context = Context::new();
        principal.add_context_keys(&mut context);
        context.insert("aws:ResourceAccount", resource_account.clone());
        Request {
            principal,
            action: action.into(),
            resource: resource.into(),
            resource_account,
            context,
        }
    }

    /// Returns the request with one more context key, for building a request
    /// in one expression.
    #[must_use]
    pub fn with_context(
        mut self,
        key: impl Into<String>,
        value: impl Into<crate::ContextValue>,
    ) -> Request {
        self.context.insert(key, value);
        self
    }

    /// Reports whether the caller belongs to an account other than the resource's.
    pub fn is_cross_account(&self) -> bool {
        self.principal
            .account_id()
            .is_some_and(|account_id| account_id != self.resource_account)
    }
}

/// The role a policy plays in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PolicyKind {
    /// A resource control policy of the resource's organization.
    ResourceControl,
    /// A service control policy of the caller's organization.
    ServiceControl,
    /// The resource-based policy of the resource.
    Resource,
    /// An identity-based policy of the caller.
    Identity,
    /// The caller's permissions boundary.
    PermissionsBoundary,
    /// A session policy of the caller's session.
    Session,
}

impl PolicyKind {
    /// Returns the policy type as the result's JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::ResourceControl => "resourceControl",
            PolicyKind::ServiceControl => "serviceControl",
            PolicyKind::Resource => "resource",
            PolicyKind::Identity => "identity",
            PolicyKind::PermissionsBoundary => "permissionsBoundary",
            PolicyKind::Session => "session",
        }
    }
}

/// A policy with the label results use to refer to it, such as a file name
/// or `queue-policy`.
#[derive(Debug, Clone, Copy)]
pub struct NamedPolicy<'a> {
    /// The label.
    pub label: &'a str,
    /// The policy.
    pub policy: &'a Policy,
}

/// The policies that apply to one request. Every field is optional: an empty
/// list or `None` means the caller or resource has no policy of that type.
///
/// Identity-based policies, the boundary, session policies and SCPs belong to
/// the caller and are ignored for callers outside any account (services,
/// identity providers, anonymous callers). Session policies are ignored for
/// callers that are not sessions.
///
/// NOTE: AWS applies SCPs level by level (root, each organizational unit,
/// account), and each level must allow. This crate treats the SCPs given as
/// one level, where one `Allow` in any of them is enough.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'a> {
    /// The caller's identity-based policies.
    pub identity: Vec<NamedPolicy<'a>>,
    /// The resource's resource-based policy.
    pub resource: Option<NamedPolicy<'a>>,
    /// The caller's permissions boundary.
    pub permissions_boundary: Option<NamedPolicy<'a>>,
    /// The session policies passed when the caller's session was created.
    pub session: Vec<NamedPolicy<'a>>,
    /// The service control policies that apply to the caller's account.
    pub service_control: Vec<NamedPolicy<'a>>,
    /// The resource control policies that apply to the resource's account.
    pub resource_control: Vec<NamedPolicy<'a>>,
}

impl<'a> PolicySet<'a> {
    /// Creates an empty set.
    pub fn new() -> PolicySet<'a> {
        PolicySet::default()
    }

    /// Adds an identity-based policy.
    #[must_use]
    pub fn with_identity(mut self, label: &'a str, policy: &'a Policy) -> PolicySet<'a> {
        self.identity.push(NamedPolicy { label, policy });
        self
    }

    /// Sets the resource-based policy.
    #[must_use]
    pub fn with_resource(mut self, label: &'a str, policy: &'a Policy) -> PolicySet<'a> {
        self.resource = Some(NamedPolicy { label, policy });
        self
    }

    /// Sets the permissions boundary.
    #[must_use]
    pub fn with_permissions_boundary(
        mut self,
        label: &'a str,
        policy: &'a Policy,
    ) -> PolicySet<'a> {
        self.permissions_boundary = Some(NamedPolicy { label, policy });
        self
    }

    /// Adds a session policy.
    #[must_use]
    pub fn with_session(mut self, label: &'a str, policy: &'a Policy) -> PolicySet<'a> {
        self.session.push(NamedPolicy { label, policy });
        self
    }

    /// Adds a service control policy.
    #[must_use]
    pub fn with_service_control(mut self, label: &'a str, policy: &'a Policy) -> PolicySet<'a> {
        self.service_control.push(NamedPolicy { label, policy });
        self
    }

    /// Adds a resource control policy.
    #[must_use]
    pub fn with_resource_control(mut self, label: &'a str, policy: &'a Policy) -> PolicySet<'a> {
        self.resource_control.push(NamedPolicy { label, policy });
        self
    }
}

/// The final decision, named as the IAM policy simulator names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    /// The request is allowed.
    Allowed,
    /// A `Deny` statement applies.
    ExplicitDeny,
    /// Nothing denies the request, but the policies do not allow it either.
    ImplicitDeny,
}

impl Decision {
    /// Returns `allowed`, `explicitDeny` or `implicitDeny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicitDeny",
            Decision::ImplicitDeny => "implicitDeny",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The step of the decision flow that settled the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// A `Deny` statement applies.
    ExplicitDeny,
    /// Resource control policies were given and none allows the request.
    NotAllowedByResourceControlPolicies,
    /// Service control policies were given and none allows the request.
    NotAllowedByServiceControlPolicies,
    /// Within one account, the resource-based policy names the caller itself.
    AllowedByResourcePolicy,
    /// Within one account, the identity side allows the request.
    AllowedByIdentityPolicy,
    /// Within one account, the caller is the account root user.
    AllowedAsAccountRoot,
    /// Across accounts, the identity side and the resource-based policy both allow.
    AllowedByBothAccounts,
    /// Within one account, neither an identity-based nor a resource-based policy allows.
    NoAllowingStatement,
    /// The permissions boundary does not allow the request.
    NotAllowedByPermissionsBoundary,
    /// The caller is a session and its session policies do not allow the
    /// request, or it is a federated user session without a session policy.
    NotAllowedBySessionPolicy,
    /// Across accounts, the caller's identity side does not allow the request.
    NotAllowedByIdentitySide,
    /// Across accounts, or for a caller outside any account, the
    /// resource-based policy does not grant the request.
    NotAllowedByResourcePolicy,
}

impl Reason {
    /// Returns a sentence explaining the decision.
    pub fn description(self) -> &'static str {
        match self {
            Reason::ExplicitDeny => "a Deny statement applies to the request",
            Reason::NotAllowedByResourceControlPolicies => {
                "no resource control policy allows the request"
            }
            Reason::NotAllowedByServiceControlPolicies => {
                "no service control policy allows the request"
            }
            Reason::AllowedByResourcePolicy => {
                "the resource-based policy grants the request to the caller itself"
            }
            Reason::AllowedByIdentityPolicy => {
                "the caller's identity side allows the request within its account"
            }
            Reason::AllowedAsAccountRoot => {
                "the account root user may do anything in its own account"
            }
            Reason::AllowedByBothAccounts => {
                "across accounts, the caller's identity side and the resource-based policy both allow the request"
            }
            Reason::NoAllowingStatement => {
                "no identity-based or resource-based policy allows the request"
            }
            Reason::NotAllowedByPermissionsBoundary => {
                "the permissions boundary does not allow the request"
            }
            Reason::NotAllowedBySessionPolicy => "the session policies do not allow the request",
            Reason::NotAllowedByIdentitySide => {
                "across accounts, the caller's identity-based policies do not allow the request"
            }
            Reason::NotAllowedByResourcePolicy => {
                "the resource-based policy does not grant the request to the caller"
            }
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.description())
    }
}

/// A statement that applied to the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchedStatement {
    /// The label of the policy the statement is in.
    pub policy: String,
    /// The role of that policy.
    pub kind: PolicyKind,
    /// The statement's position in the policy, from 0.
    pub statement_index: usize,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// The statement's `Effect`.
    pub effect: Effect,
}

/// The decision the policies of one type reach on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDecision {
    /// The policy type.
    pub kind: PolicyKind,
    /// `explicitDeny` if a statement denies, `allowed` if one allows, else `implicitDeny`.
    pub decision: Decision,
}

/// The outcome of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// The final decision.
    pub decision: Decision,
    /// The step of the flow that settled it.
    pub reason: Reason,
    /// Whether the caller's account differs from the resource's.
    pub cross_account: bool,
    /// Every statement that applied, `Allow` and `Deny`, in policy order.
    pub matched_statements: Vec<MatchedStatement>,
    /// Context keys that conditions or policy variables referenced but the
    /// request did not have, as the policies spell them, sorted.
    pub missing_context_keys: Vec<String>,
    /// A decision per policy type that took part.
    pub policy_decisions: Vec<PolicyDecision>,
}

/// The combined outcome of the statements of one policy type.
#[derive(Debug, Clone, Copy, Default)]
struct KindResult {
    /// Whether any policy of the type was consulted.
    present: bool,
    /// Whether a `Deny` statement applied.
    denies: bool,
    /// The strongest principal match among the `Allow` statements that
    /// applied; `None` when none did.
    allow: Option<PrincipalMatch>,
}

impl KindResult {
    fn allows(&self) -> bool {
        self.allow.is_some()
    }

    fn decision(&self) -> Decision {
        if self.denies {
            Decision::ExplicitDeny
        } else if self.allows() {
            Decision::Allowed
        } else {
            Decision::ImplicitDeny
        }
    }
}

/// Decides `request` under `policies`.
pub fn evaluate(request: &Request, policies: &PolicySet<'_>) -> Evaluation {
    let caller = &request.principal;
    let has_identity_side = caller.has_identity_side();
    let mut evaluator = Evaluator {
        request,
        caller_has_boundary: has_identity_side && policies.permissions_boundary.is_some(),
        matched_statements: Vec::new(),
        missing_keys: Vec::new(),
    };
    let session_applies = has_identity_side && caller.is_session();

    let resource_control =
        evaluator.evaluate_all(&policies.resource_control, PolicyKind::ResourceControl);
    let service_control = if has_identity_side {
        evaluator.evaluate_all(&policies.service_control, PolicyKind::ServiceControl)
    } else {
        KindResult::default()
    };
    let resource = evaluator.evaluate_all(policies.resource.as_slice(), PolicyKind::Resource);
    let identity = if has_identity_side {
        evaluator.evaluate_all(&policies.identity, PolicyKind::Identity)
    } else {
        KindResult::default()
    };
    let boundary = if has_identity_side {
        evaluator.evaluate_all(
            policies.permissions_boundary.as_slice(),
            PolicyKind::PermissionsBoundary,
        )
    } else {
        KindResult::default()
    };
    let session = if session_applies {
        evaluator.evaluate_all(&policies.session, PolicyKind::Session)
    } else {
        KindResult::default()
    };

    let results = [
        (PolicyKind::ResourceControl, resource_control),
        (PolicyKind::ServiceControl, service_control),
        (PolicyKind::Resource, resource),
        (PolicyKind::Identity, identity),
        (PolicyKind::PermissionsBoundary, boundary),
        (PolicyKind::Session, session),
    ];
    let outcome = decide(
        request,
        &Results {
            resource_control,
            service_control,
            resource,
            identity,
            boundary,
            session,
        },
    );

    let mut missing_context_keys = evaluator.missing_keys;
    missing_context_keys.sort_by_key(|key| key.to_lowercase());
    missing_context_keys.dedup_by(|later, earlier| later.eq_ignore_ascii_case(earlier));

    Evaluation {
        decision: outcome.0,
        reason: outcome.1,
        cross_account: request.is_cross_account(),
        matched_statements: evaluator.matched_statements,
        missing_context_keys,
        policy_decisions: results
            .into_iter()
            .filter(|(_, result)| result.present)
            .map(|(kind, result)| PolicyDecision {
                kind,
                decision: result.decision(),
            })
            .collect(),
    }
}

struct Results {
    resource_control: KindResult,
    service_control: KindResult,
    resource: KindResult,
    identity: KindResult,
    boundary: KindResult,
    session: KindResult,
}

/// Applies the decision flow described in the module documentation.
fn decide(request: &Request, results: &Results) -> (Decision, Reason) {
    let caller = &request.principal;
    let allowed = |reason| (Decision::Allowed, reason);
    let denied = |reason| (Decision::ImplicitDeny, reason);

    let any_deny = [
        results.resource_control,
        results.service_control,
        results.resource,
        results.identity,
        results.boundary,
        results.session,
    ]
    .iter()
    .any(|result| result.denies);
    if any_deny {
        return (Decision::ExplicitDeny, Reason::ExplicitDeny);
    }

    if results.resource_control.present && !results.resource_control.allows() {
        return denied(Reason::NotAllowedByResourceControlPolicies);
    }
    if results.service_control.present && !results.service_control.allows() {
        return denied(Reason::NotAllowedByServiceControlPolicies);
    }

    let resource_grant = results.resource.allow.unwrap_or(PrincipalMatch::None);

    if !caller.has_identity_side() {
        return if resource_grant > PrincipalMatch::None {
            allowed(Reason::AllowedByResourcePolicy)
        } else {
            denied(Reason::NotAllowedByResourcePolicy)
        };
    }

    let is_root = *caller.kind() == PrincipalKind::Root;
    let identity_allows = is_root || results.identity.allows();

    if request.is_cross_account() {
        if !identity_allows {
            return denied(Reason::NotAllowedByIdentitySide);
        }
        if let Some(reason) = limit_identity_side(caller, results) {
            return denied(reason);
        }
        if resource_grant == PrincipalMatch::None {
            return denied(Reason::NotAllowedByResourcePolicy);
        }
        return allowed(Reason::AllowedByBothAccounts);
    }

    if resource_grant == PrincipalMatch::Direct {
        return allowed(Reason::AllowedByResourcePolicy);
    }
    let granted_by_resource = resource_grant == PrincipalMatch::Entity;
    if !identity_allows && !granted_by_resource {
        return denied(Reason::NoAllowingStatement);
    }
    if let Some(reason) = limit_identity_side(caller, results) {
        return denied(reason);
    }

    if is_root {
        allowed(Reason::AllowedAsAccountRoot)
    } else if results.identity.allows() {
        allowed(Reason::AllowedByIdentityPolicy)
    } else {
        allowed(Reason::AllowedByResourcePolicy)
    }
}

/// Applies the permissions boundary and session policies to an identity side
/// that allows; returns why they deny, if they do.
fn limit_identity_side(caller: &Principal, results: &Results) -> Option<Reason> {
    if results.boundary.present && !results.boundary.allows() {
        return Some(Reason::NotAllowedByPermissionsBoundary);
    }
    if caller.is_session() {
        if results.session.present {
            if !results.session.allows() {
                return Some(Reason::NotAllowedBySessionPolicy);
            }
        } else if matches!(caller.kind(), PrincipalKind::FederatedUser { .. }) {
            return Some(Reason::NotAllowedBySessionPolicy);
        }
    }
    None
}

/// Walks the statements of the policies, collecting what applied.
struct Evaluator<'r> {
    request: &'r Request,
    /// Whether the caller is an IAM principal with a permissions boundary,
    /// which every `Deny` with `NotPrincipal` applies to.
    caller_has_boundary: bool,
    matched_statements: Vec<MatchedStatement>,
    missing_keys: Vec<String>,
}

impl Evaluator<'_> {
    fn evaluate_all(&mut self, policies: &[NamedPolicy<'_>], kind: PolicyKind) -> KindResult {
        let mut result = KindResult {
            present: !policies.is_empty(),
            ..KindResult::default()
        };
        for named in policies {
            for (index, statement) in named.policy.statements.iter().enumerate() {
                let Some(strength) = self.statement_applies(named.policy, statement) else {
                    continue;
                };
                self.matched_statements.push(MatchedStatement {
                    policy: named.label.to_owned(),
                    kind,
                    statement_index: index,
                    sid: statement.sid.clone(),
                    effect: statement.effect,
                });
                match statement.effect {
                    Effect::Deny => result.denies = true,
                    Effect::Allow => result.allow = result.allow.max(Some(strength)),
                }
            }
        }
        result
    }

    /// Returns how the statement names the caller when it applies to the
    /// request, or `None` when it does not apply.
    fn statement_applies(
        &mut self,
        policy: &Policy,
        statement: &Statement,
    ) -> Option<PrincipalMatch> {
        let request = self.request;

        let strength = match &statement.principal {
            // Without a principal element the statement belongs to the caller's own policy.
            None => PrincipalMatch::Direct,
            // A `Deny` with `NotPrincipal` denies every IAM principal that has a
            // permissions boundary, whatever `NotPrincipal` lists.
            Some(PrincipalClause::NotPrincipal(_))
                if statement.effect == Effect::Deny && self.caller_has_boundary =>
            {
                PrincipalMatch::Direct
            }
            Some(clause) => principal::match_clause(clause, &request.principal),
        };
        if strength == PrincipalMatch::None || !action_applies(&statement.action, &request.action) {
            return None;
        }

        let substitute = policy.substitutes_variables();
        if !self.resource_applies(statement.resource.as_ref(), substitute) {
            return None;
        }

        let mut applies = true;
        for condition in &statement.conditions {
            match condition::evaluate(
                condition,
                &request.context,
                substitute,
                &mut self.missing_keys,
            ) {
                ConditionOutcome::True => {}
                ConditionOutcome::False => applies = false,
                ConditionOutcome::Unresolved(unresolved) => {
                    self.missing_keys.push(unresolved.key);
                    applies = false;
                }
            }
        }
        applies.then_some(strength)
    }

    /// Matches the request's resource against `Resource` or `NotResource`;
    /// a statement without either covers the resource its policy is attached to.
    fn resource_applies(&mut self, clause: Option<&ResourceClause>, substitute: bool) -> bool {
        let Some(clause) = clause else {
            return true;
        };

        let mut any_match = false;
        for pattern in clause.patterns() {
            let tokens = if substitute {
                match variables::substitute(pattern, &self.request.context) {
                    Ok(pieces) => wildcard::compile_pieces(&pieces),
                    Err(unresolved) => {
                        self.missing_keys.push(unresolved.key);
                        return false;
                    }
                }
            } else {
                wildcard::compile(pattern)
            };
            any_match |= wildcard::glob(&tokens, &self.request.resource, Case::Sensitive);
        }
        any_match != clause.is_negated()
    }
}

fn action_applies(clause: &ActionClause, action: &str) -> bool {
    let any_match = clause
        .patterns()
        .iter()
        .any(|pattern| wildcard::action_matches(pattern, action));
    any_match != clause.is_negated()
}
