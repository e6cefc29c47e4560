//! The one access decision point.
//!
//! Every operation that touches a resource asks [`AccessRules::decide`]
//! whether the caller may act on it, after the resource address has been
//! resolved to its owning namespace. The answer depends on the profile the
//! emulator runs under:
//!
//! | rule | `localstack` | `localstack-enforce-iam` | `aws` |
//! |---|---|---|---|
//! | resource in another account, named by ARN or URL | allowed | policy decides | policy decides |
//! | action that can never be granted across accounts | allowed | policy decides | denied |
//! | resource in another region | found | found | rejected |
//!
//! The `localstack` column follows LocalStack's documentation
//! (<https://docs.localstack.cloud/references/cross-account-access/>), and
//! `localstack-enforce-iam` is LocalStack with `ENFORCE_IAM=1`
//! (<https://docs.localstack.cloud/user-guide/security-testing/iam-enforcement>).
//! The `aws` column follows the AWS documentation cited next to each
//! service's list of non-grantable actions.
//!
//! "Policy decides" runs the IAM policy engine ([`crosscheck_policy::evaluate`])
//! with the documented flow
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>).
//! The caller is its account's root user until IAM users and roles exist, so
//! its identity side allows everything: within its own account a request is
//! allowed unless the resource's policy denies it, and across accounts the
//! resource's policy alone decides. [`AccessRules::policy_request`] builds the
//! request context in one place for every service.
//!
//! A service whose own documents take part in the decision passes a
//! [`ServiceAuthorization`]: KMS adds its condition keys, requires the key
//! policy to allow even the owning account, and reports whether a grant
//! allows the request.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use crosscheck_policy::{Context, Decision, Effect, Policy, PolicyKind, PolicySet, Principal, Request, evaluate};

use crate::identity::Caller;
use crate::store::Namespace;

/// The label evaluation results give the resource's policy.
const RESOURCE_POLICY_LABEL: &str = "resource-policy";

/// A named set of access rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// LocalStack's documented behaviour: every documented operation works
    /// across accounts and regions, and no policy is evaluated.
    #[default]
    Localstack,
    /// LocalStack with IAM enforcement (`ENFORCE_IAM=1`): one unified
    /// endpoint for every region, and policies decide every request.
    LocalstackEnforceIam,
    /// AWS's documented behaviour: one endpoint per region, policies decide,
    /// and actions a service never grants to another account are denied.
    Aws,
}

impl Profile {
    /// Every profile name, as command lines, scenarios and snapshots spell it.
    pub const NAMES: [&'static str; 3] = ["localstack", "localstack-enforce-iam", "aws"];

    /// Returns the profile's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Localstack => "localstack",
            Profile::LocalstackEnforceIam => "localstack-enforce-iam",
            Profile::Aws => "aws",
        }
    }

    /// Reports whether policies decide requests under this profile.
    pub fn evaluates_policies(self) -> bool {
        !matches!(self, Profile::Localstack)
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "localstack" => Ok(Profile::Localstack),
            "localstack-enforce-iam" => Ok(Profile::LocalstackEnforceIam),
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

/// The AWS service and source resource of a call that a service makes on a
/// resource's behalf, such as an SNS topic delivering to a queue. Such a
/// call carries `aws:SourceAccount` and `aws:SourceArn`, which are present
/// only "when the call to your resource is made directly by an AWS service
/// principal" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSource<'a> {
    /// The service principal, such as `sns.amazonaws.com`.
    pub service: &'a str,
    /// The account that owns the source resource.
    pub source_account: &'a str,
    /// The ARN of the source resource.
    pub source_arn: &'a str,
}

/// The authorization input of a service whose own documents decide access
/// besides IAM policies, as KMS key policies and grants do
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html>).
#[derive(Debug, Clone, Default)]
pub struct ServiceAuthorization {
    /// Condition keys the service adds to the request context, such as `kms:CallerAccount`.
    pub context: Context,
    /// Whether the resource policy must allow the request even for the
    /// owning account's root user. A KMS key policy is the primary source of
    /// access to its key: without a statement that allows the account, no
    /// principal of that account may use the key.
    pub resource_policy_required: bool,
    /// Whether a grant the service keeps allows the request. A grant adds
    /// permission, but an explicit deny in the resource policy still wins.
    pub granted: bool,
}

/// One access question: may `caller` perform `action` on the resource in `resource_namespace`?
#[derive(Debug, Clone)]
pub struct AccessRequest<'a> {
    /// The account and region the request acts in.
    pub caller: &'a Caller,
    /// The IAM action, e.g. `sqs:GetQueueAttributes`.
    pub action: &'a str,
    /// The resource ARN, as a policy would name it.
    pub resource_arn: &'a str,
    pub resource_namespace: &'a Namespace,
    /// Whether the service lets this action be granted to another account at all.
    pub grantable_across_accounts: bool,
    /// The resource's policy, parsed when it was set.
    pub resource_policy: Option<&'a Policy>,
    /// The IP address the request came from, for `aws:SourceIp`.
    pub source_ip: Option<IpAddr>,
    /// Set when an AWS service makes the call on behalf of one of its resources.
    pub service_source: Option<ServiceSource<'a>>,
    /// Set by services that decide with documents of their own, such as KMS.
    pub service_authorization: Option<&'a ServiceAuthorization>,
}

impl AccessRequest<'_> {
    /// Returns the ARN of the principal making the request: the service
    /// principal for a service call, else the caller's principal ARN.
    pub fn principal_name(&self) -> &str {
        match &self.service_source {
            Some(source) => source.service,
            None => &self.caller.principal_arn,
        }
    }
}

/// The reason a request was denied. Each service renders it as its own AWS error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// The action can never be performed on another account's resource.
    NotGrantableAcrossAccounts,
    /// No policy allows the action.
    ImplicitDeny,
    /// A `Deny` statement in the resource's policy applies.
    ExplicitDeny,
    /// The resource lives in another region than the endpoint the request was sent to.
    OtherRegion,
}

impl Denial {
    /// Formats the authorization message AWS services send with an access
    /// denial, naming the principal, the action and the resource.
    ///
    /// The implicit-deny form is the IAM one services return, with the
    /// action spelled as each service spells it (see [`spelled_action`]).
    /// NOTE: the explicit-deny form follows the same IAM pattern but was not
    /// seen from SQS, and AWS documents no message for a non-grantable action.
    pub fn message(self, request: &AccessRequest<'_>) -> String {
        let action = spelled_action(request.action);
        let head = format!(
            "User: {} is not authorized to perform: {action} on resource: {}",
            request.principal_name(),
            request.resource_arn
        );
        match self {
            Denial::ImplicitDeny => format!("{head} because no resource-based policy allows the {action} action"),
            Denial::ExplicitDeny => format!("{head} with an explicit deny in a resource-based policy"),
            Denial::NotGrantableAcrossAccounts => {
                format!("{head} because the {action} action cannot be granted to another account")
            }
            Denial::OtherRegion => format!("{head} because the resource is in another region"),
        }
    }
}

/// Spells an IAM action the way its service writes it in denial messages.
///
/// SQS writes the whole action in lower case (`sqs:getqueueattributes`), as
/// quoted in user reports (<https://github.com/microsoft/aspire/pull/3333>,
/// <https://github.com/aws/serverless-application-model/issues/3633>). SNS
/// writes the service prefix in capitals (`SNS:Publish`), as quoted in
/// <https://github.com/aws-ia/terraform-aws-control_tower_account_factory/issues/151>.
/// Other services keep the action as IAM names it (`kms:Decrypt`).
fn spelled_action(action: &str) -> String {
    match action.split_once(':') {
        Some((service, _)) if service.eq_ignore_ascii_case("sqs") => action.to_ascii_lowercase(),
        Some((service, name)) if service.eq_ignore_ascii_case("sns") => format!("SNS:{name}"),
        _ => action.to_owned(),
    }
}

/// The profile in force and the decision logic that applies it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccessRules {
    pub profile: Profile,
    /// Turns `localstack` into `localstack-enforce-iam`, like LocalStack's
    /// `ENFORCE_IAM=1`; it changes no other profile.
    pub enforce_iam: bool,
}

impl From<Profile> for AccessRules {
    fn from(profile: Profile) -> AccessRules {
        AccessRules { profile, enforce_iam: false }
    }
}

impl AccessRules {
    /// Returns the profile in force: `localstack` with `enforce_iam` is
    /// `localstack-enforce-iam`.
    pub fn effective_profile(&self) -> Profile {
        match self.profile {
            Profile::Localstack if self.enforce_iam => Profile::LocalstackEnforceIam,
            profile => profile,
        }
    }

    /// Reports whether policies decide requests. Services skip reading a
    /// resource's policy when they do not.
    pub fn evaluates_policies(&self) -> bool {
        self.effective_profile().evaluates_policies()
    }

    /// Decides whether the request may proceed.
    pub fn decide(&self, request: &AccessRequest<'_>) -> Result<(), Denial> {
        let caller_namespace = Namespace::new(&request.caller.account_id, &request.caller.region);
        let boundary = Boundary::between(&caller_namespace, request.resource_namespace);

        match self.effective_profile() {
            Profile::Localstack => Ok(()),
            Profile::LocalstackEnforceIam => Self::decide_by_policy(request, boundary),
            Profile::Aws => {
                if boundary.crosses_region() {
                    return Err(Denial::OtherRegion);
                }
                if boundary.crosses_account() && !request.grantable_across_accounts {
                    return Err(Denial::NotGrantableAcrossAccounts);
                }
                Self::decide_by_policy(request, boundary)
            }
        }
    }

    /// Applies the policy step of the decision flow.
    fn decide_by_policy(request: &AccessRequest<'_>, boundary: Boundary) -> Result<(), Denial> {
        let authorization = request.service_authorization;
        let granted = authorization.is_some_and(|authorization| authorization.granted);
        let policy_required = authorization.is_some_and(|authorization| authorization.resource_policy_required);

        let Some(policy) = request.resource_policy else {
            // Without a resource policy only the caller's identity side can
            // allow, and only in its own account. The root user's allows
            // everything; a service has none.
            let allowed = granted || (!policy_required && !boundary.crosses_account() && request.service_source.is_none());
            return if allowed { Ok(()) } else { Err(Denial::ImplicitDeny) };
        };

        // Within its own account the root user is allowed anything no
        // statement denies, so a policy without Deny statements cannot change
        // the answer. This skips evaluation on the owner's own calls.
        let owner_call = !boundary.crosses_account() && request.service_source.is_none();
        if owner_call && !policy_required && policy.statements.iter().all(|statement| statement.effect != Effect::Deny) {
            return Ok(());
        }

        let policies = PolicySet::new().with_resource(RESOURCE_POLICY_LABEL, policy);
        let evaluation = evaluate(&Self::policy_request(request), &policies);
        // The root user's identity side allows everything within its account,
        // so where the resource policy must allow, an allow counts only when
        // a statement of that policy matched.
        let resource_policy_allows = evaluation
            .matched_statements
            .iter()
            .any(|statement| statement.kind == PolicyKind::Resource && statement.effect == Effect::Allow);
        match evaluation.decision {
            Decision::ExplicitDeny => Err(Denial::ExplicitDeny),
            Decision::Allowed if !policy_required || resource_policy_allows => Ok(()),
            _ if granted => Ok(()),
            _ => Err(Denial::ImplicitDeny),
        }
    }

    /// Builds the policy engine's request: the principal and the request
    /// context AWS documents for every request
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
    ///
    /// [`Request::new`] adds the principal keys (`aws:PrincipalArn`,
    /// `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:userid`) and
    /// `aws:ResourceAccount`. This adds `aws:CurrentTime`, `aws:EpochTime`,
    /// `aws:SecureTransport`, `aws:RequestedRegion`, `aws:PrincipalIsAWSService`,
    /// `aws:SourceIp` when the address is known, and `aws:SourceAccount` and
    /// `aws:SourceArn` for a service call.
    pub fn policy_request(request: &AccessRequest<'_>) -> Request {
        // NOTE: the caller is its account's root user until the emulator has IAM users and roles.
        let principal = match &request.service_source {
            Some(source) => Principal::service(source.service),
            None => Principal::root(request.caller.account_id.as_str()),
        };
        let now = SystemTime::now();
        let epoch_seconds = now.duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());

        let mut policy_request = Request::new(
            principal,
            request.action,
            request.resource_arn,
            request.resource_namespace.account_id.as_str(),
        )
        .with_context("aws:CurrentTime", now)
        .with_context("aws:EpochTime", i64::try_from(epoch_seconds).unwrap_or(i64::MAX))
        // The emulator serves plain HTTP only.
        .with_context("aws:SecureTransport", false)
        .with_context("aws:RequestedRegion", request.caller.region.as_str())
        .with_context("aws:PrincipalIsAWSService", request.service_source.is_some());

        if let Some(source_ip) = request.source_ip {
            policy_request.context.insert("aws:SourceIp", source_ip);
        }
        if let Some(source) = &request.service_source {
            policy_request.context.insert("aws:SourceAccount", source.source_account);
            policy_request.context.insert("aws:SourceArn", source.source_arn);
        }
        if let Some(authorization) = request.service_authorization {
            for (key, values) in authorization.context.iter() {
                policy_request.context.insert_values(key, values.iter().cloned());
            }
        }
        policy_request
    }
}

impl FromStr for AccessRules {
    type Err = String;

    /// Parses a profile name; `localstack-enforce-iam` sets `enforce_iam`.
    fn from_str(value: &str) -> Result<Self, String> {
        let profile: Profile = value.parse()?;
        Ok(match profile {
            Profile::LocalstackEnforceIam => AccessRules { profile: Profile::Localstack, enforce_iam: true },
            other => AccessRules::from(other),
        })
    }
}

impl fmt::Display for AccessRules {
    /// Writes the name of the profile in force.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.effective_profile().as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::IdentityOptions;
    use crosscheck_policy::PolicyType;

    const QUEUE_ARN: &str = "arn:aws:sqs:ap-south-1:111111111111:q";

    fn request<'a>(caller: &'a Caller, namespace: &'a Namespace, grantable: bool) -> AccessRequest<'a> {
        AccessRequest {
            caller,
            action: "sqs:GetQueueAttributes",
            resource_arn: QUEUE_ARN,
            resource_namespace: namespace,
            grantable_across_accounts: grantable,
            resource_policy: None,
            source_ip: None,
            service_source: None,
            service_authorization: None,
        }
    }

    fn queue_policy(text: &str) -> Policy {
        Policy::parse(text, PolicyType::Resource).expect("the test policy parses")
    }

    fn rules(profile: Profile) -> AccessRules {
        AccessRules::from(profile)
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
    fn profile_names_round_trip() {
        for name in Profile::NAMES {
            let profile: Profile = name.parse().expect("a listed name parses");
            assert_eq!(profile.as_str(), name, "profile {name}");
            let rules: AccessRules = name.parse().expect("a listed name parses as rules");
            assert_eq!(rules.to_string(), name, "rules {name}");
        }
        let error = "moto".parse::<Profile>().expect_err("unknown name");
        assert!(error.contains("localstack-enforce-iam"), "{error}");
    }

    #[test]
    fn enforce_iam_flag_names_enforcing_profile() {
        let flag = AccessRules { profile: Profile::Localstack, enforce_iam: true };
        assert_eq!(flag.effective_profile(), Profile::LocalstackEnforceIam);
        assert_eq!(flag.to_string(), "localstack-enforce-iam");

        let aws = AccessRules { profile: Profile::Aws, enforce_iam: true };
        assert_eq!(aws.effective_profile(), Profile::Aws, "the flag changes only localstack");
    }

    #[test]
    fn localstack_allows_everything_across_boundaries() {
        let caller = Caller::new("222222222222", "eu-central-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        assert_eq!(rules(Profile::Localstack).decide(&request(&caller, &namespace, false)), Ok(()));
    }

    #[test]
    fn aws_rejects_other_region() {
        let caller = Caller::new("111111111111", "eu-central-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        assert_eq!(rules(Profile::Aws).decide(&request(&caller, &namespace, true)), Err(Denial::OtherRegion));
    }

    #[test]
    fn enforce_iam_serves_other_region() {
        let caller = Caller::new("111111111111", "eu-central-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        assert_eq!(rules(Profile::LocalstackEnforceIam).decide(&request(&caller, &namespace, true)), Ok(()));
    }

    #[test]
    fn aws_denies_non_grantable_action_despite_allow() {
        let caller = Caller::new("222222222222", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let policy = queue_policy(r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:*"}}"#);
        let mut tag = request(&caller, &namespace, false);
        tag.resource_policy = Some(&policy);

        assert_eq!(rules(Profile::Aws).decide(&tag), Err(Denial::NotGrantableAcrossAccounts));
        assert_eq!(rules(Profile::LocalstackEnforceIam).decide(&tag), Ok(()), "the policy decides");
    }

    #[test]
    fn same_account_root_allowed_without_policy() {
        let caller = Caller::new("111111111111", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        assert_eq!(rules(Profile::Aws).decide(&request(&caller, &namespace, false)), Ok(()));
    }

    #[test]
    fn cross_account_without_policy_is_implicit_deny() {
        let caller = Caller::new("222222222222", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        for profile in [Profile::LocalstackEnforceIam, Profile::Aws] {
            assert_eq!(
                rules(profile).decide(&request(&caller, &namespace, true)),
                Err(Denial::ImplicitDeny),
                "profile {profile}"
            );
        }
    }

    #[test]
    fn queue_policy_grants_named_account_only() {
        let policy = queue_policy(
            r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:GetQueueAttributes"}}"#,
        );
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let partner = Caller::new("222222222222", "ap-south-1", IdentityOptions::default());
        let outsider = Caller::new("333333333333", "ap-south-1", IdentityOptions::default());

        let mut granted = request(&partner, &namespace, true);
        granted.resource_policy = Some(&policy);
        assert_eq!(rules(Profile::Aws).decide(&granted), Ok(()), "granted account");

        let mut other_action = granted.clone();
        other_action.action = "sqs:DeleteMessage";
        assert_eq!(rules(Profile::Aws).decide(&other_action), Err(Denial::ImplicitDeny), "action not granted");

        let mut not_granted = request(&outsider, &namespace, true);
        not_granted.resource_policy = Some(&policy);
        assert_eq!(rules(Profile::Aws).decide(&not_granted), Err(Denial::ImplicitDeny), "account not named");
    }

    #[test]
    fn owner_allowed_by_policy_without_deny() {
        let policy = queue_policy(
            r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sqs:SendMessage"}}"#,
        );
        let owner = Caller::new("111111111111", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let mut own_call = request(&owner, &namespace, true);
        own_call.resource_policy = Some(&policy);
        assert_eq!(rules(Profile::Aws).decide(&own_call), Ok(()));
    }

    #[test]
    fn deny_statement_applies_to_owner() {
        let policy = queue_policy(
            r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "sqs:GetQueueAttributes"}}"#,
        );
        let owner = Caller::new("111111111111", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let mut denied = request(&owner, &namespace, true);
        denied.resource_policy = Some(&policy);
        assert_eq!(rules(Profile::Aws).decide(&denied), Err(Denial::ExplicitDeny));
    }

    #[test]
    fn source_account_condition_needs_service_call() {
        let policy = queue_policy(
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                "Condition": {"StringEquals": {"aws:SourceAccount": "222222222222"}}}}"#,
        );
        let caller = Caller::new("222222222222", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let mut direct = request(&caller, &namespace, true);
        direct.action = "sqs:SendMessage";
        direct.resource_policy = Some(&policy);
        assert_eq!(rules(Profile::Aws).decide(&direct), Err(Denial::ImplicitDeny), "a direct call has no source");

        let mut delivery = direct.clone();
        delivery.service_source = Some(ServiceSource {
            service: "sns.amazonaws.com",
            source_account: "222222222222",
            source_arn: "arn:aws:sns:ap-south-1:222222222222:topic",
        });
        assert_eq!(rules(Profile::Aws).decide(&delivery), Ok(()), "a delivery from the named account");
    }

    #[test]
    fn source_ip_condition_reads_request_address() {
        let policy = queue_policy(
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}}"#,
        );
        let caller = Caller::new("222222222222", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let mut local = request(&caller, &namespace, true);
        local.action = "sqs:SendMessage";
        local.resource_policy = Some(&policy);
        local.source_ip = Some(IpAddr::from([127, 0, 0, 1]));
        assert_eq!(rules(Profile::Aws).decide(&local), Ok(()), "loopback address");

        let mut remote = local.clone();
        remote.source_ip = Some(IpAddr::from([192, 0, 2, 1]));
        assert_eq!(rules(Profile::Aws).decide(&remote), Err(Denial::ImplicitDeny), "address outside the range");
    }

    #[test]
    fn policy_request_has_documented_keys() {
        let caller = Caller::new("222222222222", "eu-central-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let built = AccessRules::policy_request(&request(&caller, &namespace, true));
        for key in [
            "aws:PrincipalArn",
            "aws:PrincipalAccount",
            "aws:ResourceAccount",
            "aws:CurrentTime",
            "aws:EpochTime",
            "aws:SecureTransport",
            "aws:RequestedRegion",
            "aws:PrincipalIsAWSService",
        ] {
            assert!(built.context.contains(key), "missing {key}");
        }
        assert!(!built.context.contains("aws:SourceAccount"), "a direct call has no aws:SourceAccount");
        assert!(!built.context.contains("aws:SourceIp"), "no address was given");
        assert_eq!(built.resource_account, "111111111111");
    }

    #[test]
    fn denial_message_names_principal_action_and_resource() {
        let caller = Caller::new("222222222222", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let message = Denial::ImplicitDeny.message(&request(&caller, &namespace, true));
        assert_eq!(
            message,
            "User: arn:aws:iam::222222222222:root is not authorized to perform: sqs:getqueueattributes \
             on resource: arn:aws:sqs:ap-south-1:111111111111:q because no resource-based policy allows \
             the sqs:getqueueattributes action"
        );
    }

    #[test]
    fn denial_action_spelling_per_service() {
        assert_eq!(spelled_action("sqs:SendMessage"), "sqs:sendmessage");
        assert_eq!(spelled_action("sns:Publish"), "SNS:Publish");
        assert_eq!(spelled_action("kms:Decrypt"), "kms:Decrypt");
        assert_eq!(spelled_action("secretsmanager:GetSecretValue"), "secretsmanager:GetSecretValue");
    }

    #[test]
    fn required_resource_policy_binds_owner() {
        let policy = queue_policy(
            r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "kms:DescribeKey"}}"#,
        );
        let owner = Caller::new("111111111111", "ap-south-1", IdentityOptions::default());
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let authorization = ServiceAuthorization { resource_policy_required: true, ..ServiceAuthorization::default() };
        let mut describe = request(&owner, &namespace, true);
        describe.action = "kms:DescribeKey";
        describe.resource_policy = Some(&policy);
        describe.service_authorization = Some(&authorization);
        assert_eq!(rules(Profile::Aws).decide(&describe), Ok(()), "the policy allows the owner");

        let mut encrypt = describe.clone();
        encrypt.action = "kms:Encrypt";
        assert_eq!(rules(Profile::Aws).decide(&encrypt), Err(Denial::ImplicitDeny), "no statement allows Encrypt");
    }

    #[test]
    fn grant_allows_unless_policy_denies() {
        let policy = queue_policy(
            r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt",
                "Condition": {"StringEquals": {"kms:CallerAccount": "333333333333"}}}}"#,
        );
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let partner = Caller::new("222222222222", "ap-south-1", IdentityOptions::default());
        let outsider = Caller::new("333333333333", "ap-south-1", IdentityOptions::default());
        let granted = |account: &str| ServiceAuthorization {
            context: Context::new().with("kms:CallerAccount", account),
            resource_policy_required: true,
            granted: true,
        };

        let partner_grant = granted("222222222222");
        let mut decrypt = request(&partner, &namespace, true);
        decrypt.action = "kms:Decrypt";
        decrypt.resource_policy = Some(&policy);
        decrypt.service_authorization = Some(&partner_grant);
        assert_eq!(rules(Profile::Aws).decide(&decrypt), Ok(()), "the grant allows");

        let outsider_grant = granted("333333333333");
        let mut denied = request(&outsider, &namespace, true);
        denied.action = "kms:Decrypt";
        denied.resource_policy = Some(&policy);
        denied.service_authorization = Some(&outsider_grant);
        assert_eq!(rules(Profile::Aws).decide(&denied), Err(Denial::ExplicitDeny), "a Deny beats the grant");
    }
}
