//! The principal making a request, and how a `Principal` element names it.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
//! lists what a `Principal` element can name: an account (its 12-digit id or
//! its root ARN, which "behave the same way" and delegate to the whole
//! account), an IAM user or role ARN, an assumed-role or federated-user
//! session ARN, a service, a web identity or SAML provider, an S3 canonical
//! user, or everyone (`"*"`). Which of these names the caller decides how a
//! resource-based policy grant combines with the caller's other policies
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>),
//! so matching returns a [`PrincipalMatch`] rather than a yes or no.

use crate::context::Context;
use crate::document::{PrincipalClause, PrincipalSet, Principals};
use crate::error::{PolicyError, Result};

/// The kind of principal making a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// The account root user. Its identity side allows every action: AWS
    /// denies every request by default "with the exception of the AWS account
    /// root user, which has full access".
    Root,
    /// An IAM user.
    User,
    /// An assumed-role session (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    RoleSession {
        /// The ARN of the role the session belongs to, with its path.
        role_arn: String,
    },
    /// An STS federated user session (`arn:aws:sts::ACCOUNT:federated-user/NAME`)
    /// made with `GetFederationToken`.
    FederatedUser {
        /// The ARN of the IAM user that federated, when known.
        user_arn: Option<String>,
    },
    /// An AWS service acting on its own behalf, such as `sns.amazonaws.com`.
    Service {
        /// The service principal name.
        name: String,
    },
    /// A caller authenticated by a web identity or SAML provider, as seen by
    /// a role trust policy for `AssumeRoleWithWebIdentity` or `AssumeRoleWithSAML`.
    IdentityProvider {
        /// The provider: a host such as `accounts.google.com`, or a SAML provider ARN.
        provider: String,
    },
    /// An unauthenticated caller.
    Anonymous,
}

/// The principal making a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal {
    arn: Option<String>,
    account_id: Option<String>,
    kind: PrincipalKind,
    canonical_user_id: Option<String>,
}

impl Principal {
    /// Creates the root user of `account_id`.
    pub fn root(account_id: impl Into<String>) -> Principal {
        let account_id = account_id.into();
        Principal {
            arn: Some(format!("arn:aws:iam::{account_id}:root")),
            account_id: Some(account_id),
            kind: PrincipalKind::Root,
            canonical_user_id: None,
        }
    }

    /// Creates an AWS service principal such as `sns.amazonaws.com`, which belongs to no account.
    pub fn service(name: impl Into<String>) -> Principal {
        Principal {
            arn: None,
            account_id: None,
            kind: PrincipalKind::Service { name: name.into() },
            canonical_user_id: None,
        }
    }

    /// Creates a caller authenticated by a web identity or SAML provider.
    pub fn identity_provider(provider: impl Into<String>) -> Principal {
        Principal {
            arn: None,
            account_id: None,
            kind: PrincipalKind::IdentityProvider {
                provider: provider.into(),
            },
            canonical_user_id: None,
        }
    }

    /// Creates an unauthenticated caller.
    pub fn anonymous() -> Principal {
        Principal {
            arn: None,
            account_id: None,
            kind: PrincipalKind::Anonymous,
            canonical_user_id: None,
        }
    }

    /// Parses a caller ARN and infers the kind of principal from it:
    ///
    /// - `arn:PARTITION:iam::ACCOUNT:root`: the account root user;
    /// - `arn:PARTITION:iam::ACCOUNT:user/PATH/NAME`: an IAM user;
    /// - `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`: a role
    ///   session of `arn:PARTITION:iam::ACCOUNT:role/ROLE` (a session ARN
    ///   drops the role's path; use [`Principal::role_session`] when the role
    ///   has one);
    /// - `arn:PARTITION:sts::ACCOUNT:federated-user/NAME`: a federated user
    ///   whose IAM user is unknown (see [`Principal::federated_user`]).
    ///
    /// A bare 12-digit account id is read as that account's root user.
    pub fn from_arn(arn: &str) -> Result<Principal> {
        if is_account_id(arn) {
            return Ok(Principal::root(arn));
        }

        let reject = |reason: &str| PolicyError::InvalidPrincipalArn {
            arn: arn.to_owned(),
            reason: reason.to_owned(),
        };
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [prefix, partition, service, region, account_id, resource] = parts.as_slice() else {
            return Err(reject("expected arn:PARTITION:SERVICE::ACCOUNT:RESOURCE"));
        };
        if *prefix != "arn" || partition.is_empty() {
            return Err(reject("expected arn:PARTITION:SERVICE::ACCOUNT:RESOURCE"));
        }
        if !region.is_empty() {
            return Err(reject("IAM and STS ARNs have an empty region"));
        }
        if !is_account_id(account_id) {
            return Err(reject("the account must be 12 digits"));
        }

        let kind = match (*service, *resource) {
            ("iam", "root") => PrincipalKind::Root,
            ("iam", user) if user.starts_with("user/") && user.len() > 5 => PrincipalKind::User,
            ("sts", session) if session.starts_with("assumed-role/") => {
                let mut names = session["assumed-role/".len()..].split('/');
                let (Some(role), Some(session_name)) = (names.next(), names.next()) else {
                    return Err(reject("expected assumed-role/ROLE/SESSION"));
                };
                if role.is_empty() || session_name.is_empty() || names.next().is_some() {
                    return Err(reject("expected assumed-role/ROLE/SESSION"));
                }
                PrincipalKind::RoleSession {
                    role_arn: format!("arn:{partition}:iam::{account_id}:role/{role}"),
                }
            }
            ("sts", federated)
                if federated.starts_with("federated-user/") && federated.len() > 15 =>
            {
                PrincipalKind::FederatedUser { user_arn: None }
            }
            _ => {
                return Err(reject(
                    "expected an account root, IAM user, assumed-role or federated-user ARN",
                ));
            }
        };

        Ok(Principal {
            arn: Some(arn.to_owned()),
            account_id: Some((*account_id).to_owned()),
            kind,
            canonical_user_id: None,
        })
    }

    /// Creates a role session with an explicit role ARN, for roles with a path.
    pub fn role_session(session_arn: &str, role_arn: impl Into<String>) -> Result<Principal> {
        let mut principal = Principal::from_arn(session_arn)?;
        let PrincipalKind::RoleSession { .. } = principal.kind else {
            return Err(PolicyError::InvalidPrincipalArn {
                arn: session_arn.to_owned(),
                reason: "expected an assumed-role session ARN".to_owned(),
            });
        };
        principal.kind = PrincipalKind::RoleSession {
            role_arn: role_arn.into(),
        };
        Ok(principal)
    }

    /// Creates a federated user session with the ARN of the IAM user that federated.
    pub fn federated_user(session_arn: &str, user_arn: Option<String>) -> Result<Principal> {
        let mut principal = Principal::from_arn(session_arn)?;
        let PrincipalKind::FederatedUser { .. } = principal.kind else {
            return Err(PolicyError::InvalidPrincipalArn {
                arn: session_arn.to_owned(),
                reason: "expected a federated-user session ARN".to_owned(),
            });
        };
        principal.kind = PrincipalKind::FederatedUser { user_arn };
        Ok(principal)
    }

    /// Returns the principal with an S3 canonical user id, which `CanonicalUser`
    /// entries match.
    #[must_use]
    pub fn with_canonical_user_id(mut self, canonical_user_id: impl Into<String>) -> Principal {
        self.canonical_user_id = Some(canonical_user_id.into());
        self
    }

    /// Returns the caller's ARN, or `None` for services, identity providers and anonymous callers.
    pub fn arn(&self) -> Option<&str> {
        self.arn.as_deref()
    }

    /// Returns the caller's account, or `None` for services, identity providers and anonymous callers.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// Returns the kind of principal.
    pub fn kind(&self) -> &PrincipalKind {
        &self.kind
    }

    /// Returns the S3 canonical user id, if set.
    pub fn canonical_user_id(&self) -> Option<&str> {
        self.canonical_user_id.as_deref()
    }

    /// Reports whether the caller is a session principal (role session or
    /// federated user), which session policies apply to.
    pub fn is_session(&self) -> bool {
        matches!(
            self.kind,
            PrincipalKind::RoleSession { .. } | PrincipalKind::FederatedUser { .. }
        )
    }

    /// Reports whether the caller belongs to an account and so has an
    /// identity side: the root user, IAM users and session principals.
    pub fn has_identity_side(&self) -> bool {
        self.account_id.is_some()
    }

    /// Adds the global condition keys that describe the caller to `context`,
    /// without replacing keys already set: `aws:PrincipalArn` (the role ARN
    /// for a role session), `aws:PrincipalAccount`, `aws:PrincipalType`,
    /// `aws:username` for IAM users, `aws:userid` for the root user and
    /// `aws:PrincipalServiceName` for services
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
    pub fn add_context_keys(&self, context: &mut Context) {
        let mut add = |key: &str, value: String| {
            if !context.contains(key) {
                context.insert(key, value);
            }
        };

        let principal_arn = match &self.kind {
            PrincipalKind::RoleSession { role_arn } => Some(role_arn.clone()),
            _ => self.arn.clone(),
        };
        if let Some(principal_arn) = principal_arn {
            add("aws:PrincipalArn", principal_arn);
        }
        if let Some(account_id) = &self.account_id {
            add("aws:PrincipalAccount", account_id.clone());
        }

        let principal_type = match &self.kind {
            PrincipalKind::Root => Some("Account"),
            PrincipalKind::User => Some("User"),
            PrincipalKind::RoleSession { .. } => Some("AssumedRole"),
            PrincipalKind::FederatedUser { .. } => Some("FederatedUser"),
            PrincipalKind::Anonymous => Some("Anonymous"),
            PrincipalKind::Service { .. } | PrincipalKind::IdentityProvider { .. } => None,
        };
        if let Some(principal_type) = principal_type {
            add("aws:PrincipalType", principal_type.to_owned());
        }

        match &self.kind {
            PrincipalKind::User => {
                if let Some(name) = self.arn.as_deref().and_then(|arn| arn.rsplit('/').next()) {
                    add("aws:username", name.to_owned());
                }
            }
            PrincipalKind::Root => {
                if let Some(account_id) = &self.account_id {
                    add("aws:userid", account_id.clone());
                }
            }
            PrincipalKind::Service { name } => add("aws:PrincipalServiceName", name.clone()),
            _ => {}
        }
    }
}

/// The strength with which a statement's `Principal` element names the
/// caller, ordered from weakest to strongest. Within one account, the
/// strongest match among a resource-based policy's grants decides which other
/// policies can still limit the grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum PrincipalMatch {
    /// The element does not name the caller.
    None,
    /// The element names the caller's account, which delegates to the
    /// account's identity-based policies.
    Account,
    /// The element names the role of a role session, or the IAM user that
    /// started a federated user session. The grant takes the place of an
    /// identity-based `Allow` but stays limited by the permissions boundary
    /// and session policies.
    Entity,
    /// The element names the caller itself (user, session, service, provider,
    /// canonical user), everyone (`"*"`), or the caller is not excluded by a
    /// `NotPrincipal`: the grant is complete on its own within one account.
    Direct,
}

/// Matches a statement's `Principal` or `NotPrincipal` against the caller.
pub(crate) fn match_clause(clause: &PrincipalClause, principal: &Principal) -> PrincipalMatch {
    match clause {
        PrincipalClause::Principal(principals) => match_principals(principals, principal),
        PrincipalClause::NotPrincipal(principals) => {
            if is_excluded(principals, principal) {
                PrincipalMatch::None
            } else {
                PrincipalMatch::Direct
            }
        }
    }
}

/// Returns the strongest way any entry of `principals` names the caller.
pub(crate) fn match_principals(principals: &Principals, principal: &Principal) -> PrincipalMatch {
    let set = match principals {
        Principals::Wildcard => return PrincipalMatch::Direct,
        Principals::Set(set) => set,
    };

    let mut best = PrincipalMatch::None;
    for entry in &set.aws {
        best = best.max(match_aws_entry(entry, principal));
    }
    match &principal.kind {
        PrincipalKind::Service { name } if set.service.iter().any(|entry| entry == name) => {
            best = PrincipalMatch::Direct;
        }
        PrincipalKind::IdentityProvider { provider }
            if set.federated.iter().any(|entry| entry == provider) =>
        {
            best = PrincipalMatch::Direct;
        }
        _ => {}
    }
    if let Some(canonical_user_id) = &principal.canonical_user_id
        && set
            .canonical_user
            .iter()
            .any(|entry| entry == canonical_user_id)
    {
        best = PrincipalMatch::Direct;
    }
    best
}

/// Matches one `AWS` principal entry against the caller.
pub(crate) fn match_aws_entry(entry: &str, principal: &Principal) -> PrincipalMatch {
    if entry == "*" {
        return PrincipalMatch::Direct;
    }

    match classify_aws_entry(entry) {
        AwsEntry::Account(account_id) => {
            if principal.account_id.as_deref() != Some(account_id) {
                return PrincipalMatch::None;
            }
            // The root user is the account itself, so naming the account names it directly.
            if principal.kind == PrincipalKind::Root {
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::Account
            }
        }
        AwsEntry::Arn(arn) => {
            if principal.arn.as_deref() == Some(arn) {
                return PrincipalMatch::Direct;
            }
            match &principal.kind {
                PrincipalKind::RoleSession { role_arn } if role_arn == arn => {
                    PrincipalMatch::Entity
                }
                PrincipalKind::FederatedUser {
                    user_arn: Some(user_arn),
                } if user_arn == arn => PrincipalMatch::Entity,
                _ => PrincipalMatch::None,
            }
        }
        AwsEntry::Other => PrincipalMatch::None,
    }
}

/// Reports whether a `NotPrincipal` element excludes the caller.
///
/// The IAM documentation says AWS "might validate the account first, then the
/// role, and then the assumed-role user", and recommends listing every level.
/// This crate reads that strictly: the caller is excluded only when its
/// account and, for a user or session, each of its identities are all listed.
/// NOTE: whether every service checks every level is not documented; the
/// strict reading can only deny more.
///
/// A caller with a permissions boundary is never excluded from a `Deny`;
/// the evaluator applies that rule because the principal does not carry its
/// policies.
pub(crate) fn is_excluded(principals: &Principals, principal: &Principal) -> bool {
    let set = match principals {
        Principals::Wildcard => return true,
        Principals::Set(set) => set,
    };
    if set.aws.iter().any(|entry| entry == "*") {
        return true;
    }

    match &principal.kind {
        PrincipalKind::Service { name } => set.service.iter().any(|entry| entry == name),
        PrincipalKind::IdentityProvider { provider } => {
            set.federated.iter().any(|entry| entry == provider)
        }
        PrincipalKind::Anonymous => false,
        PrincipalKind::Root => lists_account(set, principal),
        PrincipalKind::User => {
            lists_account(set, principal) && lists_arn(set, principal.arn.as_deref())
        }
        PrincipalKind::RoleSession { role_arn } => {
            lists_account(set, principal)
                && lists_arn(set, Some(role_arn))
                && lists_arn(set, principal.arn.as_deref())
        }
        PrincipalKind::FederatedUser { .. } => {
            lists_account(set, principal) && lists_arn(set, principal.arn.as_deref())
        }
    }
}

fn lists_account(set: &PrincipalSet, principal: &Principal) -> bool {
    set.aws.iter().any(|entry| {
        matches!(classify_aws_entry(entry), AwsEntry::Account(account_id) if Some(account_id) == principal.account_id.as_deref())
    })
}

fn lists_arn(set: &PrincipalSet, arn: Option<&str>) -> bool {
    arn.is_some_and(|arn| set.aws.iter().any(|entry| entry == arn))
}

/// The principal an `AWS` principal entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AwsEntry<'a> {
    /// A whole account: a 12-digit id or `arn:PARTITION:iam::ACCOUNT:root`.
    Account(&'a str),
    /// A user, role or session ARN.
    Arn(&'a str),
    /// A unique id such as `AIDA...`, left when the entity was deleted, or
    /// anything else that names no principal this crate can match.
    Other,
}

/// Classifies an `AWS` principal entry other than `"*"`.
pub(crate) fn classify_aws_entry(entry: &str) -> AwsEntry<'_> {
    if is_account_id(entry) {
        return AwsEntry::Account(entry);
    }
    let parts: Vec<&str> = entry.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", account_id, "root"] if is_account_id(account_id) => {
            AwsEntry::Account(account_id)
        }
        ["arn", _, "iam" | "sts", "", account_id, _] if is_account_id(account_id) => {
            AwsEntry::Arn(entry)
        }
        _ => AwsEntry::Other,
    }
}

/// Returns the account an `AWS` principal entry belongs to, if it names one.
pub(crate) fn entry_account(entry: &str) -> Option<&str> {
    match classify_aws_entry(entry) {
        AwsEntry::Account(account_id) => Some(account_id),
        AwsEntry::Arn(arn) => arn.split(':').nth(4),
        AwsEntry::Other => None,
    }
}

/// Reports whether `text` is a 12-digit account id.
pub(crate) fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|byte| byte.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_arn_infers_role_from_session() {
        let principal = Principal::from_arn("arn:aws:sts::111122223333:assumed-role/reader/app")
            .expect("session ARN");
        assert_eq!(
            principal.kind(),
            &PrincipalKind::RoleSession {
                role_arn: "arn:aws:iam::111122223333:role/reader".into()
            },
        );
    }

    #[test]
    fn from_arn_rejects_other_arns() {
        for arn in [
            "arn:aws:sqs:us-east-1:111122223333:queue",
            "arn:aws:iam::1111:root",
            "arn:aws:iam::111122223333:role/reader",
            "not an arn",
        ] {
            assert!(Principal::from_arn(arn).is_err(), "parsing {arn}");
        }
    }

    #[test]
    fn account_entry_names_root_directly() {
        let root = Principal::root("111122223333");
        assert_eq!(
            match_aws_entry("111122223333", &root),
            PrincipalMatch::Direct,
            "account id"
        );
        assert_eq!(
            match_aws_entry("arn:aws:iam::111122223333:root", &root),
            PrincipalMatch::Direct,
            "root ARN",
        );
    }

    #[test]
    fn account_entry_delegates_for_user() {
        let user = Principal::from_arn("arn:aws:iam::111122223333:user/bob").expect("user ARN");
        assert_eq!(
            match_aws_entry("arn:aws:iam::111122223333:root", &user),
            PrincipalMatch::Account
        );
    }

    #[test]
    fn role_entry_matches_session_as_entity() {
        let session = Principal::from_arn("arn:aws:sts::111122223333:assumed-role/reader/app")
            .expect("session ARN");
        assert_eq!(
            match_aws_entry("arn:aws:iam::111122223333:role/reader", &session),
            PrincipalMatch::Entity,
        );
    }

    #[test]
    fn not_principal_needs_every_level() {
        let user = Principal::from_arn("arn:aws:iam::444455556666:user/Bob").expect("user ARN");
        let only_user = Principals::Set(PrincipalSet {
            aws: vec!["arn:aws:iam::444455556666:user/Bob".into()],
            ..PrincipalSet::default()
        });
        let user_and_account = Principals::Set(PrincipalSet {
            aws: vec![
                "arn:aws:iam::444455556666:user/Bob".into(),
                "arn:aws:iam::444455556666:root".into(),
            ],
            ..PrincipalSet::default()
        });
        assert!(
            !is_excluded(&only_user, &user),
            "user listed without the account"
        );
        assert!(
            is_excluded(&user_and_account, &user),
            "user listed with the account"
        );
    }
}
