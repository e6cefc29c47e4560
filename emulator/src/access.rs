//! The one access decision point.
//!
//! Every operation that touches a resource asks [`AccessRules::decide`]
//! whether the caller may act on it, after the resource address has been
//! resolved to its owning namespace. The answer depends on the profile the
//! emulator runs under:
//!
//! | rule | `localstack` | `localstack --enforce-iam` | `aws` |
//! |---|---|---|---|
//! | resource in another account, named by ARN or URL | allowed | policy decides | policy decides |
//! | action that can never be granted across accounts | allowed | allowed | denied |
//! | resource in another region | found | found | rejected |
//!
//! The `localstack` column follows LocalStack's documentation
//! (<https://docs.localstack.cloud/references/cross-account-access/>); the
//! `aws` column follows the AWS documentation cited next to each service's
//! list of non-grantable actions.

use std::fmt;
use std::str::FromStr;

use crate::identity::Caller;
use crate::store::Namespace;

/// A named set of access rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// What LocalStack documents: every documented operation works across
    /// accounts and regions, and no policy is evaluated.
    #[default]
    Localstack,
    /// What AWS documents: one endpoint per region, and cross-account access
    /// only where both the identity and the resource policy allow it.
    Aws,
}

impl Profile {
    pub const NAMES: [&'static str; 2] = ["localstack", "aws"];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Localstack => "localstack",
            Profile::Aws => "aws",
        }
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "localstack" => Ok(Profile::Localstack),
            "aws" => Ok(Profile::Aws),
            other => Err(format!(
                "unknown profile {other:?}; expected one of {}",
                Self::NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The relation between the caller's namespace and the resource's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Boundary {
    Same,
    CrossAccount,
    CrossRegion,
    CrossAccountAndRegion,
}

impl Boundary {
    /// Classifies a call by `caller` on a resource owned by `resource`.
    pub fn between(caller: &Namespace, resource: &Namespace) -> Boundary {
        match (caller.account_id == resource.account_id, caller.region == resource.region) {
            (true, true) => Boundary::Same,
            (false, true) => Boundary::CrossAccount,
            (true, false) => Boundary::CrossRegion,
            (false, false) => Boundary::CrossAccountAndRegion,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Boundary::Same => "same",
            Boundary::CrossAccount => "cross-account",
            Boundary::CrossRegion => "cross-region",
            Boundary::CrossAccountAndRegion => "cross-account-and-region",
        }
    }

    pub fn crosses_account(self) -> bool {
        matches!(self, Boundary::CrossAccount | Boundary::CrossAccountAndRegion)
    }

    pub fn crosses_region(self) -> bool {
        matches!(self, Boundary::CrossRegion | Boundary::CrossAccountAndRegion)
    }
}

impl fmt::Display for Boundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One access question: may `caller` perform `action` on the resource in `resource_namespace`?
#[derive(Debug, Clone)]
pub struct AccessRequest<'a> {
    pub caller: &'a Caller,
    /// The IAM action, e.g. `sqs:GetQueueAttributes`.
    pub action: &'a str,
    /// The resource ARN, as a policy would name it.
    pub resource_arn: &'a str,
    pub resource_namespace: &'a Namespace,
    /// Whether the service lets this action be granted to another account at all.
    pub grantable_across_accounts: bool,
    /// The resource's policy document, if it has one.
    pub resource_policy: Option<&'a str>,
}

/// Why a request was refused. Each service renders it as its own AWS error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// The action can never be performed on another account's resource.
    NotGrantableAcrossAccounts,
    /// No policy allows the action (implicit deny) or one denies it.
    NotAuthorized,
    /// The resource lives in another region than the endpoint the request was sent to.
    OtherRegion,
}

/// The profile in force and the decision logic that applies it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccessRules {
    pub profile: Profile,
    /// Evaluate policies across accounts under `localstack`, like LocalStack's `ENFORCE_IAM=1`.
    pub enforce_iam: bool,
}

impl AccessRules {
    /// Decides whether the request may proceed.
    pub fn decide(&self, request: &AccessRequest<'_>) -> Result<(), Denial> {
        let caller_namespace = Namespace::new(&request.caller.account_id, &request.caller.region);
        let boundary = Boundary::between(&caller_namespace, request.resource_namespace);

        match self.profile {
            Profile::Localstack if !self.enforce_iam => Ok(()),
            Profile::Localstack => self.decide_by_policy(request, boundary),
            Profile::Aws => {
                if boundary.crosses_region() {
                    return Err(Denial::OtherRegion);
                }
                if boundary.crosses_account() && !request.grantable_across_accounts {
                    return Err(Denial::NotGrantableAcrossAccounts);
                }
                self.decide_by_policy(request, boundary)
            }
        }
    }

    /// The policy step of the decision flow: within one account the account
    /// root may do anything; across accounts the resource policy must grant
    /// the caller's account.
    fn decide_by_policy(&self, request: &AccessRequest<'_>, boundary: Boundary) -> Result<(), Denial> {
        if !boundary.crosses_account() {
            return Ok(());
        }
        // TODO: evaluate `request.resource_policy` with the IAM policy engine.
        // Until it exists, a cross-account request under an enforcing profile
        // is refused, which is what AWS does when no policy grants access.
        let _ = request.resource_policy;
        Err(Denial::NotAuthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::IdentityOptions;

    fn request<'a>(caller: &'a Caller, namespace: &'a Namespace, grantable: bool) -> AccessRequest<'a> {
        AccessRequest {
            caller,
            action: "sqs:GetQueueAttributes",
            resource_arn: "arn:aws:sqs:ap-south-1:111111111111:q",
            resource_namespace: namespace,
            grantable_across_accounts: grantable,
            resource_policy: None,
        }
    }

    #[test]
    fn boundary_classifies_all_four_relations() {
        let home = Namespace::new("111111111111", "ap-south-1");
        assert_eq!(Boundary::between(&home, &home), Boundary::Same);
        assert_eq!(Boundary::between(&home, &Namespace::new("222222222222", "ap-south-1")), Boundary::CrossAccount);
        assert_eq!(Boundary::between(&home, &Namespace::new("111111111111", "eu-central-1")), Boundary::CrossRegion);
        assert_eq!(
            Boundary::between(&home, &Namespace::new("222222222222", "eu-central-1")),
            Boundary::CrossAccountAndRegion
        );
    }

    #[test]
    fn localstack_allows_everything_across_boundaries() {
        let caller = Caller::new("222222222222", "eu-central-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let rules = AccessRules::default();
        assert_eq!(rules.decide(&request(&caller, &namespace, false)), Ok(()));
    }

    #[test]
    fn aws_rejects_other_region() {
        let caller = Caller::new("111111111111", "eu-central-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let rules = AccessRules { profile: Profile::Aws, enforce_iam: false };
        assert_eq!(rules.decide(&request(&caller, &namespace, true)), Err(Denial::OtherRegion));
    }

    #[test]
    fn aws_denies_non_grantable_action_across_accounts() {
        let caller = Caller::new("222222222222", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let rules = AccessRules { profile: Profile::Aws, enforce_iam: false };
        assert_eq!(
            rules.decide(&request(&caller, &namespace, false)),
            Err(Denial::NotGrantableAcrossAccounts)
        );
    }

    #[test]
    fn aws_allows_same_account() {
        let caller = Caller::new("111111111111", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let rules = AccessRules { profile: Profile::Aws, enforce_iam: false };
        assert_eq!(rules.decide(&request(&caller, &namespace, false)), Ok(()));
    }
}
