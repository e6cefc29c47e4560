//! The worked examples of AWS's policy evaluation documentation, restated as
//! tests. Sources:
//!
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
//!   (same-account example, explicit and implicit denies, resource-based
//!   policies and implicit denies per principal type)
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>
//!   (cross-account example)
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
//!   (permissions boundary example)
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
//!   (account principals delegate; `"*"` grants)
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
//!   (`NotPrincipal` with `Deny`; such a `Deny` applies to every IAM user or
//!   role with a permissions boundary, even one that `NotPrincipal` lists,
//!   as that page and
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
//!   both state)
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//!   (an SQS queue policy that admits one SNS topic)

use crosscheck_policy::{Decision, PolicySet, Principal, Reason, Request};

use crate::support::{decide, explain, identity_policy, principal, resource_policy};

/// A user policy like the documentation's: list buckets anywhere, full access
/// to the user's own bucket, and no access at all to buckets named like logs.
const OWN_BUCKET_USER_POLICY: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ListAnyBucket", "Effect": "Allow",
         "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::*"},
        {"Sid": "OwnBucket", "Effect": "Allow", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::carlossalazar", "arn:aws:s3:::carlossalazar/*"]},
        {"Sid": "NoLogBuckets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"}
    ]
}"#;

/// A bucket policy on the user's bucket that names the user.
const OWN_BUCKET_POLICY: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:user/carlossalazar"},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::carlossalazar", "arn:aws:s3:::carlossalazar/*"]
    }]
}"#;

fn carlos_same_account() -> Principal {
    principal("arn:aws:iam::123456789012:user/carlossalazar")
}

#[test]
fn same_account_identity_deny_on_log_bucket() {
    let user_policy = identity_policy(OWN_BUCKET_USER_POLICY);
    let bucket_policy = resource_policy(OWN_BUCKET_POLICY);
    let policies = PolicySet::new()
        .with_identity("carlos", &user_policy)
        .with_resource("bucket", &bucket_policy);
    let request = Request::new(
        carlos_same_account(),
        "s3:PutObject",
        "arn:aws:s3:::carlossalazar-logs/report.txt",
        "123456789012",
    );

    let result = explain(&request, &policies);

    assert_eq!(
        result.decision,
        Decision::ExplicitDeny,
        "a Deny in the user policy wins"
    );
    assert!(
        result
            .matched_statements
            .iter()
            .any(|matched| matched.sid.as_deref() == Some("NoLogBuckets")),
        "the denying statement is reported: {:?}",
        result.matched_statements,
    );
}

#[test]
fn same_account_both_policies_allow() {
    let user_policy = identity_policy(OWN_BUCKET_USER_POLICY);
    let bucket_policy = resource_policy(OWN_BUCKET_POLICY);
    let policies = PolicySet::new()
        .with_identity("carlos", &user_policy)
        .with_resource("bucket", &bucket_policy);
    let request = Request::new(
        carlos_same_account(),
        "s3:PutObject",
        "arn:aws:s3:::carlossalazar/report.txt",
        "123456789012",
    );

    let result = explain(&request, &policies);

    assert_eq!(result.decision, Decision::Allowed, "both policies allow");
    assert_eq!(
        result.matched_statements.len(),
        2,
        "one statement from each policy: {:?}",
        result.matched_statements
    );
    assert!(!result.cross_account, "caller and bucket share an account");
}

#[test]
fn same_account_either_policy_alone_allows() {
    let user_policy = identity_policy(OWN_BUCKET_USER_POLICY);
    let bucket_policy = resource_policy(OWN_BUCKET_POLICY);
    let request = Request::new(
        carlos_same_account(),
        "s3:PutObject",
        "arn:aws:s3:::carlossalazar/report.txt",
        "123456789012",
    );

    let only_identity = PolicySet::new().with_identity("carlos", &user_policy);
    let only_bucket = PolicySet::new().with_resource("bucket", &bucket_policy);

    assert_eq!(
        decide(&request, &only_identity),
        Decision::Allowed,
        "user policy alone"
    );
    assert_eq!(
        decide(&request, &only_bucket),
        Decision::Allowed,
        "bucket policy naming the user alone"
    );
}

/// The cross-account example: the user is in 111111111111, the bucket in 222222222222.
const CROSS_ACCOUNT_USER_POLICY: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ListBuckets", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
        {"Sid": "ProductionObjects", "Effect": "Allow", "Action": "s3:*Object*",
         "Resource": "arn:aws:s3:::Production/*"},
        {"Sid": "NoLogBuckets", "Effect": "Deny", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::*log*", "arn:aws:s3:::*log*/*"]}
    ]
}"#;

const PRODUCTION_BUCKET_POLICY: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:user/carlossalazar"},
        "Action": ["s3:GetObject*", "s3:PutObject*", "s3:ReplicateObject", "s3:RestoreObject"],
        "Resource": "arn:aws:s3:::Production/*"
    }]
}"#;

fn carlos_other_account() -> Principal {
    principal("arn:aws:iam::111111111111:user/carlossalazar")
}

#[test]
fn cross_account_identity_deny_on_log_bucket() {
    let user_policy = identity_policy(CROSS_ACCOUNT_USER_POLICY);
    let policies = PolicySet::new().with_identity("carlos", &user_policy);
    let request = Request::new(
        carlos_other_account(),
        "s3:PutObject",
        "arn:aws:s3:::Production-logs/report.txt",
        "222222222222",
    );

    let result = explain(&request, &policies);

    assert_eq!(
        result.decision,
        Decision::ExplicitDeny,
        "the trusted account denies"
    );
    assert!(
        result.cross_account,
        "the caller's account differs from the bucket's"
    );
}

#[test]
fn cross_account_both_accounts_allow() {
    let user_policy = identity_policy(CROSS_ACCOUNT_USER_POLICY);
    let bucket_policy = resource_policy(PRODUCTION_BUCKET_POLICY);
    let policies = PolicySet::new()
        .with_identity("carlos", &user_policy)
        .with_resource("production", &bucket_policy);
    let request = Request::new(
        carlos_other_account(),
        "s3:PutObject",
        "arn:aws:s3:::Production/report.txt",
        "222222222222",
    );

    let result = explain(&request, &policies);

    assert_eq!(result.decision, Decision::Allowed, "both evaluations allow");
    assert_eq!(result.reason, Reason::AllowedByBothAccounts, "reason");
}

#[test]
fn cross_account_delete_not_in_bucket_policy() {
    let user_policy = identity_policy(CROSS_ACCOUNT_USER_POLICY);
    let bucket_policy = resource_policy(PRODUCTION_BUCKET_POLICY);
    let policies = PolicySet::new()
        .with_identity("carlos", &user_policy)
        .with_resource("production", &bucket_policy);
    let request = Request::new(
        carlos_other_account(),
        "s3:DeleteObject",
        "arn:aws:s3:::Production/report.txt",
        "222222222222",
    );

    let result = explain(&request, &policies);

    assert_eq!(
        result.decision,
        Decision::ImplicitDeny,
        "the user policy allows, the bucket policy does not"
    );
    assert_eq!(result.reason, Reason::NotAllowedByResourcePolicy, "reason");
}

#[test]
fn cross_account_bucket_policy_alone_is_not_enough() {
    let bucket_policy = resource_policy(PRODUCTION_BUCKET_POLICY);
    let policies = PolicySet::new().with_resource("production", &bucket_policy);
    let request = Request::new(
        carlos_other_account(),
        "s3:PutObject",
        "arn:aws:s3:::Production/report.txt",
        "222222222222",
    );

    let result = explain(&request, &policies);

    assert_eq!(
        result.decision,
        Decision::ImplicitDeny,
        "no identity-based policy in the trusted account"
    );
    assert_eq!(result.reason, Reason::NotAllowedByIdentitySide, "reason");
}

/// The explicit-versus-implicit example: read-only IAM access, but never reports.
const READ_ONLY_NO_REPORTS: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
        {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"}
    ]
}"#;

#[test]
fn explicit_and_implicit_denies_differ() {
    let policy = identity_policy(READ_ONLY_NO_REPORTS);
    let grants_reports = identity_policy(
        r#"{"Statement": {"Effect": "Allow", "Action": "iam:GenerateCredentialReport", "Resource": "*"}}"#,
    );
    let policies = PolicySet::new()
        .with_identity("read-only", &policy)
        .with_identity("reports", &grants_reports);
    let caller = principal("arn:aws:iam::123456789012:user/auditor");
    let request = |action: &str| Request::new(caller.clone(), action, "*", "123456789012");

    assert_eq!(
        decide(&request("iam:GetUser"), &policies),
        Decision::Allowed,
        "Get* is allowed"
    );
    assert_eq!(
        decide(&request("iam:CreatePolicy"), &policies),
        Decision::ImplicitDeny,
        "nothing allows it"
    );
    assert_eq!(
        decide(&request("iam:GetOrganizationsAccessReport"), &policies),
        Decision::ExplicitDeny,
        "a Get action ending in Report",
    );
    assert_eq!(
        decide(&request("iam:GenerateCredentialReport"), &policies),
        Decision::ExplicitDeny,
        "another policy's Allow does not override the Deny",
    );
}

#[test]
fn boundary_caps_identity_policy() {
    let boundary = identity_policy(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["s3:*", "cloudwatch:*", "ec2:*"], "Resource": "*"}]}"#,
    );
    let create_user = identity_policy(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"}}"#,
    );
    let s3_access =
        identity_policy(r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#);
    let caller = principal("arn:aws:iam::123456789012:user/ShirleyRodriguez");

    let policies = PolicySet::new()
        .with_identity("create-user", &create_user)
        .with_permissions_boundary("boundary", &boundary);
    let create = Request::new(caller.clone(), "iam:CreateUser", "*", "123456789012");
    let result = explain(&create, &policies);
    assert_eq!(
        result.decision,
        Decision::ImplicitDeny,
        "the boundary does not allow IAM"
    );
    assert_eq!(
        result.reason,
        Reason::NotAllowedByPermissionsBoundary,
        "reason"
    );

    let policies = policies.with_identity("s3", &s3_access);
    let list = Request::new(
        caller,
        "s3:ListBucket",
        "arn:aws:s3:::reports",
        "123456789012",
    );
    assert_eq!(
        decide(&list, &policies),
        Decision::Allowed,
        "allowed by both the policy and the boundary"
    );
}

/// A boundary that allows nothing useful, for the principal-type table.
const EMPTY_BOUNDARY: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:DescribeRegions", "Resource": "*"}}"#;

fn queue_policy_naming(principal_entry: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Principal": {{"AWS": "{principal_entry}"}},
            "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs"}}}}"#
    )
}

fn send_to_jobs(caller: Principal) -> Request {
    Request::new(
        caller,
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:111122223333:jobs",
        "111122223333",
    )
}

#[test]
fn role_arn_grant_limited_by_boundary() {
    let queue_policy = resource_policy(&queue_policy_naming(
        "arn:aws:iam::111122223333:role/worker",
    ));
    let boundary = identity_policy(EMPTY_BOUNDARY);
    let session = principal("arn:aws:sts::111122223333:assumed-role/worker/job-1");
    let request = send_to_jobs(session);

    let without_boundary = PolicySet::new().with_resource("queue", &queue_policy);
    assert_eq!(
        decide(&request, &without_boundary),
        Decision::Allowed,
        "the role grant stands in for an identity-based policy",
    );

    let with_boundary = without_boundary.with_permissions_boundary("boundary", &boundary);
    assert_eq!(
        decide(&request, &with_boundary),
        Decision::ImplicitDeny,
        "the boundary limits a role grant"
    );
}

#[test]
fn role_session_grant_not_limited_by_boundary() {
    let queue_policy = resource_policy(&queue_policy_naming(
        "arn:aws:sts::111122223333:assumed-role/worker/job-1",
    ));
    let boundary = identity_policy(EMPTY_BOUNDARY);
    let session_policy = identity_policy(EMPTY_BOUNDARY);
    let policies = PolicySet::new()
        .with_resource("queue", &queue_policy)
        .with_permissions_boundary("boundary", &boundary)
        .with_session("session", &session_policy);
    let request = send_to_jobs(principal(
        "arn:aws:sts::111122223333:assumed-role/worker/job-1",
    ));

    let result = explain(&request, &policies);

    assert_eq!(
        result.decision,
        Decision::Allowed,
        "a grant to the session itself is complete"
    );
    assert_eq!(result.reason, Reason::AllowedByResourcePolicy, "reason");
}

#[test]
fn user_grant_not_limited_by_boundary() {
    let queue_policy = resource_policy(&queue_policy_naming(
        "arn:aws:iam::111122223333:user/builder",
    ));
    let boundary = identity_policy(EMPTY_BOUNDARY);
    let policies = PolicySet::new()
        .with_resource("queue", &queue_policy)
        .with_permissions_boundary("boundary", &boundary);
    let request = send_to_jobs(principal("arn:aws:iam::111122223333:user/builder"));

    assert_eq!(
        decide(&request, &policies),
        Decision::Allowed,
        "a grant to the user ARN needs no identity-based policy and ignores the boundary",
    );
}

#[test]
fn federated_session_grant_not_limited_by_session_policy() {
    let queue_policy = resource_policy(&queue_policy_naming(
        "arn:aws:sts::111122223333:federated-user/dana",
    ));
    let session_policy = identity_policy(EMPTY_BOUNDARY);
    let policies = PolicySet::new()
        .with_resource("queue", &queue_policy)
        .with_session("session", &session_policy);
    let caller = Principal::federated_user(
        "arn:aws:sts::111122223333:federated-user/dana",
        Some("arn:aws:iam::111122223333:user/dana".to_owned()),
    )
    .expect("federated user ARN");

    assert_eq!(
        decide(&send_to_jobs(caller), &policies),
        Decision::Allowed,
        "grant to the session itself"
    );
}

#[test]
fn federating_user_grant_limited_by_session_policy() {
    let queue_policy = resource_policy(&queue_policy_naming("arn:aws:iam::111122223333:user/dana"));
    let session_policy = identity_policy(EMPTY_BOUNDARY);
    let caller = Principal::federated_user(
        "arn:aws:sts::111122223333:federated-user/dana",
        Some("arn:aws:iam::111122223333:user/dana".to_owned()),
    )
    .expect("federated user ARN");
    let policies = PolicySet::new()
        .with_resource("queue", &queue_policy)
        .with_session("session", &session_policy);

    let result = explain(&send_to_jobs(caller), &policies);

    assert_eq!(
        result.decision,
        Decision::ImplicitDeny,
        "the session policy limits a grant to the user"
    );
    assert_eq!(result.reason, Reason::NotAllowedBySessionPolicy, "reason");
}

#[test]
fn session_without_session_policy() {
    let allow_send = identity_policy(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}}"#,
    );
    let policies = PolicySet::new().with_identity("permissions", &allow_send);
    let role_session = principal("arn:aws:sts::111122223333:assumed-role/worker/job-1");
    let federated = principal("arn:aws:sts::111122223333:federated-user/dana");

    assert_eq!(
        decide(&send_to_jobs(role_session), &policies),
        Decision::Allowed,
        "a role session needs no session policy",
    );
    assert_eq!(
        decide(&send_to_jobs(federated), &policies),
        Decision::ImplicitDeny,
        "a federated user session without a session policy is denied",
    );
}

#[test]
fn account_principal_delegates_to_identity_policy() {
    let queue_policy = resource_policy(&queue_policy_naming("arn:aws:iam::111122223333:root"));
    let allow_send = identity_policy(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}}"#,
    );
    let request = send_to_jobs(principal("arn:aws:iam::111122223333:user/builder"));

    let queue_only = PolicySet::new().with_resource("queue", &queue_policy);
    let result = explain(&request, &queue_only);
    assert_eq!(
        result.decision,
        Decision::ImplicitDeny,
        "naming the account grants no user on its own"
    );
    assert_eq!(result.reason, Reason::NoAllowingStatement, "reason");

    let with_identity = queue_only.with_identity("permissions", &allow_send);
    assert_eq!(
        decide(&request, &with_identity),
        Decision::Allowed,
        "the account delegated to the user policy"
    );
}

#[test]
fn account_id_and_root_arn_behave_the_same() {
    let by_id = resource_policy(&queue_policy_naming("222233334444"));
    let by_arn = resource_policy(&queue_policy_naming("arn:aws:iam::222233334444:root"));
    let allow_send = identity_policy(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}}"#,
    );
    let request = send_to_jobs(principal("arn:aws:iam::222233334444:user/partner"));

    for (label, queue_policy) in [("account id", &by_id), ("root ARN", &by_arn)] {
        let policies = PolicySet::new()
            .with_identity("partner", &allow_send)
            .with_resource("queue", queue_policy);
        assert_eq!(decide(&request, &policies), Decision::Allowed, "{label}");
    }
}

#[test]
fn wildcard_principal_grants_within_account() {
    let queue_policy = resource_policy(&queue_policy_naming("*"));
    let boundary = identity_policy(EMPTY_BOUNDARY);
    let policies = PolicySet::new()
        .with_resource("queue", &queue_policy)
        .with_permissions_boundary("boundary", &boundary);

    assert_eq!(
        decide(
            &send_to_jobs(principal("arn:aws:iam::111122223333:user/builder")),
            &policies
        ),
        Decision::Allowed,
        "a user of the account needs nothing else",
    );
    assert_eq!(
        decide(&send_to_jobs(Principal::anonymous()), &policies),
        Decision::Allowed,
        "an anonymous caller is granted too",
    );
}

#[test]
fn account_root_allowed_in_own_account() {
    let request = send_to_jobs(Principal::root("111122223333"));

    let result = explain(&request, &PolicySet::new());

    assert_eq!(
        result.decision,
        Decision::Allowed,
        "root needs no policy in its own account"
    );
    assert_eq!(result.reason, Reason::AllowedAsAccountRoot, "reason");
}

#[test]
fn account_root_denied_by_explicit_deny() {
    let queue_policy = resource_policy(
        r#"{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "sqs:*",
            "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs"}}"#,
    );
    let policies = PolicySet::new().with_resource("queue", &queue_policy);

    assert_eq!(
        decide(&send_to_jobs(Principal::root("111122223333")), &policies),
        Decision::ExplicitDeny,
        "a Deny applies to the root user too",
    );
}

#[test]
fn service_control_policy_must_allow() {
    let allow_all =
        identity_policy(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#);
    let scp_without_sqs =
        identity_policy(r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#);
    let scp_denying_sqs =
        identity_policy(r#"{"Statement": {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}}"#);
    let request = send_to_jobs(principal("arn:aws:iam::111122223333:user/builder"));

    let policies = PolicySet::new()
        .with_identity("admin", &allow_all)
        .with_service_control("s3-only", &scp_without_sqs);
    let result = explain(&request, &policies);
    assert_eq!(
        result.decision,
        Decision::ImplicitDeny,
        "the SCP does not allow SQS"
    );
    assert_eq!(
        result.reason,
        Reason::NotAllowedByServiceControlPolicies,
        "reason"
    );

    let policies = PolicySet::new()
        .with_identity("admin", &allow_all)
        .with_service_control("deny-sqs", &scp_denying_sqs);
    assert_eq!(
        decide(&request, &policies),
        Decision::ExplicitDeny,
        "the SCP denies SQS"
    );

    let root = send_to_jobs(Principal::root("111122223333"));
    let policies = PolicySet::new().with_service_control("s3-only", &scp_without_sqs);
    assert_eq!(
        decide(&root, &policies),
        Decision::ImplicitDeny,
        "SCPs limit the root user as well"
    );
}

#[test]
fn not_principal_deny_spares_listed_user() {
    let bucket_policy = resource_policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny",
             "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
             "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]},
            {"Effect": "Allow", "Principal": {"AWS": "444455556666"},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::BUCKETNAME/*"}
        ]}"#,
    );
    let allow_s3 =
        identity_policy(r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#);
    let policies = PolicySet::new()
        .with_identity("s3", &allow_s3)
        .with_resource("bucket", &bucket_policy);
    let read = |caller: Principal| {
        Request::new(
            caller,
            "s3:GetObject",
            "arn:aws:s3:::BUCKETNAME/a",
            "111122223333",
        )
    };

    assert_eq!(
        decide(
            &read(principal("arn:aws:iam::444455556666:user/Bob")),
            &policies
        ),
        Decision::Allowed,
        "Bob is left out of the Deny and granted by the Allow",
    );
    assert_eq!(
        decide(
            &read(principal("arn:aws:iam::444455556666:user/Alice")),
            &policies
        ),
        Decision::ExplicitDeny,
        "another user of Bob's account is denied",
    );
}

#[test]
fn not_principal_deny_ignores_list_under_boundary() {
    let queue = "arn:aws:sqs:us-east-1:111111111111:orders";
    let queue_policy = resource_policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "BobSends", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::222222222222:user/bob"}, "Action": "sqs:SendMessage"},
            {"Sid": "OnlyBob", "Effect": "Deny",
             "NotPrincipal": {"AWS": ["arn:aws:iam::222222222222:user/bob", "arn:aws:iam::222222222222:root"]},
             "Action": "sqs:SendMessage"}
        ]}"#,
    );
    let allow_all =
        identity_policy(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#);
    let send = Request::new(
        principal("arn:aws:iam::222222222222:user/bob"),
        "sqs:SendMessage",
        queue,
        "111111111111",
    );

    let without_boundary = PolicySet::new()
        .with_identity("allow-all", &allow_all)
        .with_resource("queue", &queue_policy);
    assert_eq!(
        decide(&send, &without_boundary),
        Decision::Allowed,
        "without a boundary, Bob is left out of the Deny"
    );

    let with_boundary = without_boundary
        .clone()
        .with_permissions_boundary("boundary", &allow_all);
    let result = explain(&send, &with_boundary);
    assert_eq!(
        result.decision,
        Decision::ExplicitDeny,
        "with a boundary, the NotPrincipal Deny applies to Bob"
    );
    assert_eq!(
        result.reason,
        Reason::ExplicitDeny,
        "the reason names the Deny"
    );
    assert!(
        result
            .matched_statements
            .iter()
            .any(|matched| matched.sid.as_deref() == Some("OnlyBob")),
        "the NotPrincipal Deny is among the matched statements: {result:?}"
    );
}

#[test]
fn not_principal_deny_boundary_needs_account_caller() {
    // A service has no identity side, so a boundary given for the request
    // does not belong to it and its NotPrincipal listing still excludes it.
    let queue_policy = resource_policy(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage"},
            {"Effect": "Deny", "NotPrincipal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage"}
        ]}"#,
    );
    let allow_all =
        identity_policy(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#);
    let policies = PolicySet::new()
        .with_resource("queue", &queue_policy)
        .with_permissions_boundary("boundary", &allow_all);
    let send = Request::new(
        Principal::service("sns.amazonaws.com"),
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:111111111111:orders",
        "111111111111",
    );

    assert_eq!(
        decide(&send, &policies),
        Decision::Allowed,
        "the service is left out of the Deny"
    );
}

#[test]
fn queue_admits_one_topic_by_source_arn() {
    // The documentation's queue policy, with the queue moved to another
    // account so the condition, not the root user's own-account access, decides.
    let queue_policy = resource_policy(
        r#"{"Version": "2012-10-17", "Statement": {
            "Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "SQS:SendMessage",
            "Resource": "arn:aws:sqs:us-east-2:111122223333:inbox",
            "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:alerts"}}}}"#,
    );
    let policies = PolicySet::new().with_resource("queue", &queue_policy);
    let send = || {
        Request::new(
            Principal::root("123456789012"),
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-2:111122223333:inbox",
            "111122223333",
        )
    };

    let from_topic =
        send().with_context("aws:SourceArn", "arn:aws:sns:us-east-2:123456789012:alerts");
    assert_eq!(
        decide(&from_topic, &policies),
        Decision::Allowed,
        "on behalf of the named topic"
    );

    let from_other_topic =
        send().with_context("aws:SourceArn", "arn:aws:sns:us-east-2:123456789012:other");
    assert_eq!(
        decide(&from_other_topic, &policies),
        Decision::ImplicitDeny,
        "on behalf of another topic"
    );

    let direct = explain(&send(), &policies);
    assert_eq!(
        direct.decision,
        Decision::ImplicitDeny,
        "a direct call has no aws:SourceArn"
    );
    assert_eq!(
        direct.missing_context_keys,
        ["aws:SourceArn"],
        "the missing key is reported"
    );
}
