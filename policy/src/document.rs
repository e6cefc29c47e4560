//! The document model of an IAM JSON policy.
//!
//! The types mirror the policy grammar element by element
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>):
//! a [`Policy`] has an optional `Version` and `Id` and one or more
//! [`Statement`]s; a statement has an optional `Sid`, an [`Effect`], an optional
//! `Principal` or `NotPrincipal`, an `Action` or `NotAction`, a `Resource` or
//! `NotResource` (optional in resource-based policies) and any number of
//! [`Condition`]s. Values stay as the document wrote them, so a policy built
//! in code needs no compilation step; [`crate::parse`] checks a document
//! against the grammar and [`crate::serialize`] writes one back.

use crate::condition::ConditionOperator;

/// Which kind of policy a document is, which decides the elements it must and
/// must not contain.
///
/// Identity-based policies (also used for permissions boundaries, session
/// policies and service control policies) must not name a principal and must
/// name a resource. Resource-based policies must name a principal in every
/// statement and may leave out `Resource`, in which case the statement covers
/// the resource the policy is attached to
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// Attached to a user, group or role, or used as a boundary, session policy or SCP.
    Identity,
    /// Attached to a resource, such as an SQS queue policy or an S3 bucket policy.
    Resource,
}

/// The policy language version in the `Version` element
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2008-10-17`, the version a policy without `Version` is evaluated under.
    /// Policy variables such as `${aws:username}` are literal text in it.
    V2008,
    /// `2012-10-17`, the current version, which substitutes policy variables.
    V2012,
}

impl Version {
    /// Returns the version string as it appears in a document.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2008 => "2008-10-17",
            Version::V2012 => "2012-10-17",
        }
    }

    /// Parses a version string; only the two documented values are accepted.
    pub fn from_name(name: &str) -> Option<Version> {
        match name {
            "2008-10-17" => Some(Version::V2008),
            "2012-10-17" => Some(Version::V2012),
            _ => None,
        }
    }
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The `Version` element; `None` when the document has none, which
    /// evaluates as `2008-10-17`.
    pub version: Option<Version>,
    /// The `Id` element.
    pub id: Option<String>,
    /// The statements, in document order. A `Statement` written as a single
    /// object becomes a one-element list.
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Returns the version the policy is evaluated under: `2008-10-17` when the
    /// document has no `Version` element.
    pub fn effective_version(&self) -> Version {
        self.version.unwrap_or(Version::V2008)
    }

    /// Reports whether policy variables are substituted, which only
    /// `2012-10-17` does.
    pub fn substitutes_variables(&self) -> bool {
        self.effective_version() == Version::V2012
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The `Sid` element.
    pub sid: Option<String>,
    /// The `Effect` element.
    pub effect: Effect,
    /// The `Principal` or `NotPrincipal` element; `None` in identity-based policies.
    pub principal: Option<PrincipalClause>,
    /// The `Action` or `NotAction` element.
    pub action: ActionClause,
    /// The `Resource` or `NotResource` element; `None` only in a resource-based
    /// policy, where the statement then covers the resource the policy is attached to.
    pub resource: Option<ResourceClause>,
    /// The entries of the `Condition` element, one per operator and key, in
    /// document order. All of them must hold for the statement to apply.
    pub conditions: Vec<Condition>,
}

/// The `Effect` of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    /// The statement grants the request.
    Allow,
    /// The statement denies the request, overriding every `Allow`.
    Deny,
}

impl Effect {
    /// Returns the effect as it appears in a document.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// The `Principal` or `NotPrincipal` element of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalClause {
    /// `Principal`: the statement applies to the principals listed.
    Principal(Principals),
    /// `NotPrincipal`: the statement applies to every principal except those listed.
    NotPrincipal(Principals),
}

impl PrincipalClause {
    /// Returns the principals listed, whichever element lists them.
    pub fn principals(&self) -> &Principals {
        match self {
            PrincipalClause::Principal(principals) | PrincipalClause::NotPrincipal(principals) => {
                principals
            }
        }
    }

    /// Reports whether this is `NotPrincipal`.
    pub fn is_negated(&self) -> bool {
        matches!(self, PrincipalClause::NotPrincipal(_))
    }
}

/// The value of a `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// The string `"*"`: every principal, anonymous callers included.
    Wildcard,
    /// A map of principal types to identifiers.
    Set(PrincipalSet),
}

impl Principals {
    /// Reports whether the element names every principal: `"*"` or `{"AWS": "*"}`,
    /// which the IAM documentation treats as equivalent.
    pub fn is_wildcard(&self) -> bool {
        match self {
            Principals::Wildcard => true,
            Principals::Set(set) => set.aws.iter().any(|entry| entry == "*"),
        }
    }
}

/// The principal map of a `Principal` element: identifiers per principal type
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrincipalSet {
    /// `AWS`: `"*"`, 12-digit account ids, account root ARNs, IAM user and role
    /// ARNs, STS assumed-role and federated-user session ARNs, or unique ids.
    pub aws: Vec<String>,
    /// `Service`: service principals such as `sns.amazonaws.com`.
    pub service: Vec<String>,
    /// `Federated`: web identity providers or SAML provider ARNs.
    pub federated: Vec<String>,
    /// `CanonicalUser`: S3 canonical user ids.
    pub canonical_user: Vec<String>,
}

/// The `Action` or `NotAction` element of a statement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum ActionClause {
    /// `Action`: the statement covers actions matching any pattern.
    Action(Vec<String>),
    /// `NotAction`: the statement covers actions matching none of the patterns.
    NotAction(Vec<String>),
}

impl ActionClause {
    /// Returns the action patterns, whichever element lists them.
    pub fn patterns(&self) -> &[String] {
        match self {
            ActionClause::Action(patterns) | ActionClause::NotAction(patterns) => patterns,
        }
    }

    /// Reports whether this is `NotAction`.
    pub fn is_negated(&self) -> bool {
        matches!(self, ActionClause::NotAction(_))
    }
}

/// The `Resource` or `NotResource` element of a statement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum ResourceClause {
    /// `Resource`: the statement covers resources matching any pattern.
    Resource(Vec<String>),
    /// `NotResource`: the statement covers resources matching none of the patterns.
    NotResource(Vec<String>),
}

impl ResourceClause {
    /// Returns the resource patterns, whichever element lists them.
    pub fn patterns(&self) -> &[String] {
        match self {
            ResourceClause::Resource(patterns) | ResourceClause::NotResource(patterns) => patterns,
        }
    }

    /// Reports whether this is `NotResource`.
    pub fn is_negated(&self) -> bool {
        matches!(self, ResourceClause::NotResource(_))
    }
}

/// One operator-and-key entry of a `Condition` element, such as
/// `"StringEquals": {"aws:SourceAccount": ["111122223333"]}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Condition {
    /// The condition operator with its set qualifier and `IfExists` suffix.
    pub operator: ConditionOperator,
    /// The condition key as written; keys are matched case-insensitively.
    pub key: String,
    /// The policy values. JSON numbers and booleans are kept in their text form.
    pub values: Vec<String>,
}
