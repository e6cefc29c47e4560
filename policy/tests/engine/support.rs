//! Helpers shared by the policy engine tests: parsing fixtures and deciding
//! requests in one call.

use crosscheck_policy::{
    Decision, Evaluation, Policy, PolicySet, PolicyType, Principal, Request, evaluate,
};

/// Parses an identity-based policy, failing the test with the parser's message.
pub fn identity_policy(json: &str) -> Policy {
    Policy::parse(json, PolicyType::Identity)
        .unwrap_or_else(|error| panic!("identity policy fixture: {error}"))
}

/// Parses a resource-based policy, failing the test with the parser's message.
pub fn resource_policy(json: &str) -> Policy {
    Policy::parse(json, PolicyType::Resource)
        .unwrap_or_else(|error| panic!("resource policy fixture: {error}"))
}

/// Parses a principal ARN, failing the test on error.
pub fn principal(arn: &str) -> Principal {
    Principal::from_arn(arn).unwrap_or_else(|error| panic!("principal fixture: {error}"))
}

/// Evaluates and returns only the decision.
pub fn decide(request: &Request, policies: &PolicySet<'_>) -> Decision {
    evaluate(request, policies).decision
}

/// Evaluates and returns the full result.
pub fn explain(request: &Request, policies: &PolicySet<'_>) -> Evaluation {
    evaluate(request, policies)
}
