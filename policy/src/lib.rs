//! The IAM policy language for crosscheck: a document model and parser, an
//! evaluator that follows AWS's documented decision flow, and an analyzer
//! that reports who outside an account a resource-based policy lets in.
//!
//! The behaviour modelled is documented in the IAM User Guide: the policy
//! grammar (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>),
//! the condition operators
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>),
//! policy variables (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>)
//! and the evaluation logic within one account
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>)
//! and across accounts
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>).
//!
//! # Parsing
//!
//! [`Policy::parse`] reads a JSON document as an identity-based or a
//! resource-based policy ([`PolicyType`]), which decides whether `Principal`
//! is required or forbidden and whether `Resource` may be left out. A
//! document that breaks the grammar yields a [`PolicyError`] whose message
//! names the element (`Statement[1].Effect: expected "Allow" or "Deny", found
//! "Permit"`) and whose [`PolicyError::code`] is `MalformedPolicyDocument`; a
//! service with its own code for a bad policy (SQS returns
//! `InvalidAttributeValue`) wraps the message. A statement that pairs
//! `NotPrincipal` with `"Effect": "Allow"` is rejected, because AWS supports
//! `NotPrincipal` only with `Deny`. [`Policy::to_json`] writes a policy back,
//! and parsing that output gives the same [`Policy`].
//!
//! # Evaluating
//!
//! A [`Request`] names the caller ([`Principal`]), the action, the resource
//! ARN and the account that owns it, plus a [`Context`] of condition keys.
//! [`Request::new`] fills in the keys that describe the caller, such as
//! `aws:PrincipalAccount`. A [`PolicySet`] holds the policies that apply:
//! the caller's identity-based policies, the resource's policy, and optionally
//! a permissions boundary, session policies, SCPs and RCPs. [`evaluate`]
//! returns an [`Evaluation`] with the [`Decision`] (`allowed`, `explicitDeny`
//! or `implicitDeny`), the [`Reason`] step of the flow that settled it, the
//! statements that matched and the context keys that were missing.
//!
//! The account root user is a principal kind of its own
//! ([`Principal::root`]): its identity side allows every action, so within its
//! account it is allowed anything no policy denies, and across accounts the
//! resource's policy alone decides.
//!
//! A queue in account 111122223333 whose policy lets account 222233334444
//! send messages; the root user of 222233334444 can send but not purge:
//!
//! ```
//! use crosscheck_policy::{evaluate, Decision, Policy, PolicySet, PolicyType, Principal, Request};
//!
//! let queue_policy = Policy::parse(r#"{
//!     "Version": "2012-10-17",
//!     "Statement": [{
//!         "Sid": "SendFromPartner",
//!         "Effect": "Allow",
//!         "Principal": {"AWS": "arn:aws:iam::222233334444:root"},
//!         "Action": "sqs:SendMessage",
//!         "Resource": "arn:aws:sqs:us-east-1:111122223333:orders"
//!     }]
//! }"#, PolicyType::Resource)?;
//!
//! let policies = PolicySet::new().with_resource("queue-policy", &queue_policy);
//! let queue = "arn:aws:sqs:us-east-1:111122223333:orders";
//! let caller = Principal::root("222233334444");
//!
//! let send = Request::new(caller.clone(), "sqs:SendMessage", queue, "111122223333");
//! let result = evaluate(&send, &policies);
//! assert_eq!(result.decision, Decision::Allowed);
//! assert_eq!(result.matched_statements[0].sid.as_deref(), Some("SendFromPartner"));
//!
//! let purge = Request::new(caller, "sqs:PurgeQueue", queue, "111122223333");
//! assert_eq!(evaluate(&purge, &policies).decision, Decision::ImplicitDeny);
//! # Ok::<(), crosscheck_policy::PolicyError>(())
//! ```
//!
//! # Analyzing
//!
//! [`analyze`] takes a resource-based policy and its owner's account and
//! returns an [`Analysis`]: one [`Finding`] per external principal the policy
//! names, plus "any other account" and "anyone" for wildcard grants, each with
//! the actions granted and the conditions that restrict them. Given an
//! [`ActionUniverse`] (such as [`ActionUniverse::sqs`]), wildcard actions are
//! expanded into the service's actions.
//!
//! ```
//! use crosscheck_policy::{analyze, ActionUniverse, ExternalPrincipal, GrantedActions, Policy, PolicyType};
//!
//! let policy = Policy::parse(r#"{"Statement": {
//!     "Effect": "Allow", "Principal": {"AWS": "222233334444"}, "Action": "sqs:Receive*"
//! }}"#, PolicyType::Resource)?;
//! let analysis = analyze(&policy, "111122223333", Some(&ActionUniverse::sqs()));
//!
//! let finding = &analysis.findings[0];
//! assert_eq!(finding.principal, ExternalPrincipal::Account { account_id: "222233334444".into() });
//! assert_eq!(finding.grants[0].actions, GrantedActions::Listed(vec!["sqs:ReceiveMessage".into()]));
//! # Ok::<(), crosscheck_policy::PolicyError>(())
//! ```

mod actions;
mod analyze;
mod condition;
mod context;
mod date;
mod document;
mod error;
mod evaluate;
mod json;
mod parse;
mod principal;
mod serialize;
mod variables;
pub mod wildcard;

pub use actions::{ActionUniverse, SQS_ACTIONS, sqs_action_for_operation};
pub use analyze::{Analysis, ExternalPrincipal, Finding, Grant, GrantedActions, analyze};
pub use condition::{ConditionOperator, OperatorKind, SetQualifier};
pub use context::{Context, ContextValue};
pub use document::{
    ActionClause, Condition, Effect, Policy, PolicyType, PrincipalClause, PrincipalSet, Principals,
    ResourceClause, Statement, Version,
};
pub use error::{INVALID_INPUT, MALFORMED_POLICY_DOCUMENT, PolicyError, Result};
pub use evaluate::{
    Decision, Evaluation, MatchedStatement, NamedPolicy, PolicyDecision, PolicyKind, PolicySet,
    Reason, Request, evaluate,
};
pub use principal::{Principal, PrincipalKind};
