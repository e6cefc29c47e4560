//! The model: predicts the outcome class of every generated call from the
//! profile rules and the IAM policy engine, without running any service code
//! of the emulator.
//!
//! The rules, per profile:
//!
//! - `localstack`: a resource addressed by URL or ARN is found in whatever
//!   account and region the address names, and no policy is evaluated
//!   (<https://docs.localstack.cloud/references/cross-account-access/>: "On
//!   LocalStack, all operations allow cross-account access", over one
//!   unified endpoint for every region);
//! - `localstack-enforce-iam`: the same, but the resource's policy decides
//!   every call, as under `aws`;
//! - `aws`: each region is its own endpoint, so a resource in another region
//!   than the caller's is rejected first (SQS: `not-found`, SNS: `invalid`).
//!   Then an action SQS never applies across accounts is denied to another
//!   account
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limitations-of-custom-policies.html>),
//!   and otherwise the resource's policy decides.
//!
//! An operation that LocalStack does not list as working across accounts
//! (the SNS tag operations, say) acts on the caller's own account only, so
//! another account's resource is `not-found` under `localstack` and
//! `denied` under the profiles that evaluate policies.
//!
//! "The policy decides" is [`crosscheck_policy::evaluate`] with the caller's
//! account root user as principal: within its own account the root user is
//! allowed anything no statement denies, and across accounts the resource's
//! policy must allow the call
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>).
//! The access decision comes before the existence check, so a missing queue
//! in another account is `denied` where policies are evaluated.
//!
//! A bare queue name always acts in the caller's own namespace, in the
//! account `QueueOwnerAWSAccountId` names when it is set
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html>).

use crosscheck_emulator::access::Profile;
use crosscheck_emulator::arn::AddressKind;
use crosscheck_emulator::store::Namespace;
use crosscheck_policy::{Decision, Effect, Policy, PolicyKind, PolicySet, PolicyType, Principal, Request, evaluate};
use serde_json::Value;

use crate::outcome::OutcomeClass;

/// The model's facts about one operation, from the AWS documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationFacts {
    pub service: &'static str,
    /// The operation name as in the API reference.
    pub operation: &'static str,
    /// The IAM action the call needs.
    pub action: &'static str,
    /// Whether AWS applies a grant of the action to another account.
    pub grantable_across_accounts: bool,
    /// Whether LocalStack lists the operation as working across accounts.
    /// An unlisted one acts only on the caller's own account, so another
    /// account's resource is not found, or denied where policies are evaluated.
    pub localstack_cross_account: bool,
    /// The class under `aws` of a call on a resource of another region.
    pub other_region: OutcomeClass,
    /// The address kinds the operation accepts.
    pub address_kinds: &'static [AddressKind],
}

const fn sqs(
    operation: &'static str,
    action: &'static str,
    grantable: bool,
    kinds: &'static [AddressKind],
) -> OperationFacts {
    OperationFacts {
        service: "sqs",
        operation,
        action,
        grantable_across_accounts: grantable,
        // "On LocalStack, all operations allow cross-account access."
        localstack_cross_account: true,
        other_region: OutcomeClass::NotFound,
        address_kinds: kinds,
    }
}

const fn sns(operation: &'static str, action: &'static str, listed: bool) -> OperationFacts {
    OperationFacts {
        service: "sns",
        operation,
        action,
        // The actions a topic policy grants another account are the ones the
        // default topic policy names, the same eight LocalStack lists
        // (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
        grantable_across_accounts: listed,
        localstack_cross_account: listed,
        // NOTE: AWS documents only that SNS works within one region
        // (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html); the
        // InvalidParameter error for another region's topic ARN is unverified.
        other_region: OutcomeClass::Invalid,
        address_kinds: ARN,
    }
}

const fn kms(operation: &'static str, action: &'static str, listed: bool) -> OperationFacts {
    OperationFacts {
        service: "kms",
        operation,
        action,
        grantable_across_accounts: listed,
        localstack_cross_account: listed,
        // NOTE: a single-Region key is used through its own region's endpoint
        // (https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html);
        // the NotFoundException for another region's key ARN is unverified.
        other_region: OutcomeClass::NotFound,
        address_kinds: if listed { KEY_ADDRESSES } else { KEY_ID_OR_ARN },
    }
}

const fn secretsmanager(
    operation: &'static str,
    action: &'static str,
    listed: bool,
    aws_listed: bool,
) -> OperationFacts {
    OperationFacts {
        service: "secretsmanager",
        operation,
        action,
        grantable_across_accounts: aws_listed,
        localstack_cross_account: listed,
        // NOTE: each region's endpoint finds only its own secrets; AWS does
        // not document the error for another region's ARN, so the
        // ResourceNotFoundException expected here is unverified.
        other_region: OutcomeClass::NotFound,
        address_kinds: SECRET_ADDRESSES,
    }
}

const fn s3(operation: &'static str, action: &'static str, listed: bool) -> OperationFacts {
    OperationFacts {
        service: "s3",
        operation,
        action,
        grantable_across_accounts: true,
        localstack_cross_account: listed,
        // NOTE: AWS documents no error code for a request signed for another
        // region than the bucket's; clients quote AuthorizationHeaderMalformed,
        // so this class is unverified.
        other_region: OutcomeClass::Error,
        address_kinds: GLOBAL_NAME,
    }
}

const fn lambda(operation: &'static str, action: &'static str) -> OperationFacts {
    OperationFacts {
        service: "lambda",
        operation,
        action,
        grantable_across_accounts: true,
        // Every Lambda operation the generators call is among the 25 that
        // LocalStack lists as working across accounts.
        localstack_cross_account: true,
        // The emulator returns ResourceNotFoundException for a function of
        // another region. NOTE: AWS's API reference documents no error for
        // this case, so the class is unverified.
        other_region: OutcomeClass::NotFound,
        address_kinds: FUNCTION_ADDRESSES,
    }
}

const URL: &[AddressKind] = &[AddressKind::Url];
const FUNCTION_ADDRESSES: &[AddressKind] =
    &[AddressKind::Name, AddressKind::PartialArn, AddressKind::Arn, AddressKind::QualifiedArn];
const GLOBAL_NAME: &[AddressKind] = &[AddressKind::GlobalName];
const SECRET_ADDRESSES: &[AddressKind] = &[AddressKind::Name, AddressKind::Arn, AddressKind::PartialArn];
const KEY_ADDRESSES: &[AddressKind] =
    &[AddressKind::Id, AddressKind::Arn, AddressKind::AliasName, AddressKind::AliasArn];
const KEY_ID_OR_ARN: &[AddressKind] = &[AddressKind::Id, AddressKind::Arn];
const ARN: &[AddressKind] = &[AddressKind::Arn];
const NAME: &[AddressKind] = &[AddressKind::Name];
const NONE: &[AddressKind] = &[];

/// The operations the generators call. SQS never applies AddPermission,
/// CreateQueue, DeleteQueue, ListQueues, ListQueueTags, RemovePermission,
/// SetQueueAttributes, TagQueue or UntagQueue across accounts (the SQS
/// limitations page cited above).
pub const OPERATIONS: &[OperationFacts] = &[
    sqs("CreateQueue", "sqs:CreateQueue", false, NAME),
    sqs("DeleteQueue", "sqs:DeleteQueue", false, URL),
    sqs("GetQueueAttributes", "sqs:GetQueueAttributes", true, URL),
    sqs("GetQueueUrl", "sqs:GetQueueUrl", true, NAME),
    sqs("ListQueueTags", "sqs:ListQueueTags", false, URL),
    sqs("ListQueues", "sqs:ListQueues", false, NONE),
    sqs("PurgeQueue", "sqs:PurgeQueue", true, URL),
    sqs("SendMessage", "sqs:SendMessage", true, URL),
    sqs("SetQueueAttributes", "sqs:SetQueueAttributes", false, URL),
    sqs("TagQueue", "sqs:TagQueue", false, URL),
    // LocalStack lists AddPermission, DeleteTopic, GetTopicAttributes,
    // ListSubscriptionsByTopic, Publish, RemovePermission, SetTopicAttributes
    // and Subscribe as working across accounts.
    sns("DeleteTopic", "sns:DeleteTopic", true),
    sns("GetTopicAttributes", "sns:GetTopicAttributes", true),
    sns("ListTagsForResource", "sns:ListTagsForResource", false),
    sns("Publish", "sns:Publish", true),
    sns("SetTopicAttributes", "sns:SetTopicAttributes", true),
    // LocalStack lists DescribeKey and Encrypt among the KMS operations that
    // work across accounts, and not GetKeyPolicy.
    kms("DescribeKey", "kms:DescribeKey", true),
    kms("Encrypt", "kms:Encrypt", true),
    kms("GetKeyPolicy", "kms:GetKeyPolicy", false),
    // Only the key's owner schedules its deletion in generated cases.
    kms("ScheduleKeyDeletion", "kms:ScheduleKeyDeletion", false),
    // LocalStack lists DescribeSecret and UpdateSecret among the Secrets
    // Manager operations that work across accounts, and not
    // DeleteResourcePolicy, which AWS's list names too
    // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
    secretsmanager("DeleteResourcePolicy", "secretsmanager:DeleteResourcePolicy", false, true),
    secretsmanager("DescribeSecret", "secretsmanager:DescribeSecret", true, true),
    secretsmanager("UpdateSecret", "secretsmanager:UpdateSecret", true, true),
    // The generators delete only the caller's own secret, by name, so
    // whether AWS grants DeleteSecret across accounts is never used here.
    secretsmanager("DeleteSecret", "secretsmanager:DeleteSecret", true, false),
    // LocalStack lists GetObject, ListObjects and PutObject as working across
    // accounts. Under the profiles that evaluate policies a bucket policy can
    // grant the others too.
    s3("DeleteObject", "s3:DeleteObject", false),
    s3("GetObject", "s3:GetObject", true),
    s3("ListObjectsV2", "s3:ListBucket", true),
    s3("PutObject", "s3:PutObject", true),
    // A function policy can grant another account any of these actions
    // (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html).
    // Invoke needs lambda:InvokeFunction.
    lambda("DeleteFunction", "lambda:DeleteFunction"),
    lambda("GetFunction", "lambda:GetFunction"),
    lambda("GetFunctionConfiguration", "lambda:GetFunctionConfiguration"),
    lambda("GetPolicy", "lambda:GetPolicy"),
    lambda("Invoke", "lambda:InvokeFunction"),
    // CreateFunction checks lambda:GetLayerVersion on each layer version it
    // names. NOTE: under `aws` the emulator denies another region's layer
    // (AccessDeniedException); the error AWS returns is unverified.
    OperationFacts { other_region: OutcomeClass::Denied, ..lambda("GetLayerVersion", "lambda:GetLayerVersion") },
    // The layer calls name a layer by name or layer ARN. NOTE: as for
    // GetLayerVersion, the emulator denies another region's layer under
    // `aws`, and the error AWS returns is unverified.
    OperationFacts { other_region: OutcomeClass::Denied, ..lambda("ListLayerVersions", "lambda:ListLayerVersions") },
    OperationFacts { other_region: OutcomeClass::Denied, ..lambda("DeleteLayerVersion", "lambda:DeleteLayerVersion") },
];

/// Action patterns the policy grammar draws from for bucket policies.
pub const S3_POLICY_ACTIONS: &[&str] =
    &["s3:*", "s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:Get*", "s3:*Object", "s3:DeleteObject"];

/// Action patterns the policy grammar draws from for secret policies.
pub const SECRETSMANAGER_POLICY_ACTIONS: &[&str] = &[
    "secretsmanager:*",
    "secretsmanager:DescribeSecret",
    "secretsmanager:Describe*",
    "secretsmanager:UpdateSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:*Secret",
    "secretsmanager:DeleteResourcePolicy",
];

/// Action patterns the policy grammar draws from for key policies.
pub const KMS_POLICY_ACTIONS: &[&str] =
    &["kms:*", "kms:Encrypt", "kms:Describe*", "kms:DescribeKey", "kms:Get*", "kms:GetKeyPolicy", "kms:Decrypt"];

/// Action patterns the policy grammar draws from for topic policies.
pub const SNS_POLICY_ACTIONS: &[&str] = &[
    "sns:*",
    "sns:Publish",
    "sns:Get*",
    "sns:GetTopicAttributes",
    "sns:Subscribe",
    "sns:SetTopicAttributes",
    "sns:DeleteTopic",
];

/// Action patterns the policy grammar draws from for queue policies. Every
/// action named without a wildcard is one SQS grants across accounts,
/// because AWS does not document what it does with a policy that names a
/// never-granted action.
pub const SQS_POLICY_ACTIONS: &[&str] = &[
    "sqs:*",
    "sqs:SendMessage",
    "sqs:Get*",
    "sqs:GetQueueAttributes",
    "sqs:*Message",
    "sqs:GetQueueUrl",
    "sqs:PurgeQueue",
];

/// Returns the facts of `service.operation`.
///
/// # Panics
///
/// When the table has no such operation; the generators call only listed ones.
pub fn facts(service: &str, operation: &str) -> &'static OperationFacts {
    OPERATIONS
        .iter()
        .find(|facts| facts.service == service && facts.operation == operation)
        .unwrap_or_else(|| panic!("the model has no facts for {service}.{operation}"))
}

/// A queue as the model tracks it.
#[derive(Debug, Clone)]
pub struct QueueState {
    pub name: String,
    pub namespace: Namespace,
    /// The scenario variable CreateQueue captures its URL into.
    pub variable: String,
    pub arn: String,
    /// The `owner` tag CreateQueue sets, `ACCOUNT/REGION`.
    pub owner_tag: String,
    pub visibility_timeout: u32,
    pub messages: u64,
    pub exists: bool,
    /// Whether a PurgeQueue succeeded; SQS allows one purge per queue every 60 seconds.
    pub purged: bool,
    pub policy: Option<Policy>,
}

impl QueueState {
    /// Creates the state of a queue created with `policy_document`.
    ///
    /// # Panics
    ///
    /// When the document does not parse; the grammar only writes valid ones.
    pub fn new(
        name: &str,
        namespace: Namespace,
        variable: String,
        visibility_timeout: u32,
        policy_document: Option<&str>,
    ) -> QueueState {
        let arn = format!("arn:aws:sqs:{}:{}:{name}", namespace.region, namespace.account_id);
        let policy = policy_document
            .map(|document| Policy::parse(document, PolicyType::Resource).expect("generated policies are valid"));
        QueueState {
            name: name.to_owned(),
            owner_tag: format!("{}/{}", namespace.account_id, namespace.region),
            namespace,
            variable,
            arn,
            visibility_timeout,
            messages: 0,
            exists: true,
            purged: false,
            policy,
        }
    }
}

/// A topic as the model tracks it.
///
/// A topic created without a generated policy gets SNS's default policy,
/// which allows the topic actions to any principal on the condition that
/// `AWS:SourceOwner` is the owning account
/// (<https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html>).
/// For a direct call that key is the caller's account, so the default policy
/// lets in exactly the owning account, as having no policy does, and the
/// model keeps `policy` empty for it.
#[derive(Debug, Clone)]
pub struct TopicState {
    pub name: String,
    pub namespace: Namespace,
    /// The scenario variable CreateTopic captures its ARN into.
    pub variable: String,
    pub arn: String,
    /// The `owner` tag CreateTopic sets, `ACCOUNT/REGION`.
    pub owner_tag: String,
    pub display_name: String,
    pub exists: bool,
    pub policy: Option<Policy>,
}

impl TopicState {
    /// Creates the state of a topic created with `policy_document`.
    ///
    /// # Panics
    ///
    /// When the document does not parse; the grammar only writes valid ones.
    pub fn new(
        name: &str,
        namespace: Namespace,
        variable: String,
        display_name: String,
        policy_document: Option<&str>,
    ) -> TopicState {
        let arn = format!("arn:aws:sns:{}:{}:{name}", namespace.region, namespace.account_id);
        let policy = policy_document
            .map(|document| Policy::parse(document, PolicyType::Resource).expect("generated policies are valid"));
        TopicState {
            name: name.to_owned(),
            owner_tag: format!("{}/{}", namespace.account_id, namespace.region),
            namespace,
            variable,
            arn,
            display_name,
            exists: true,
            policy,
        }
    }
}

/// A KMS key and its alias as the model tracks them.
#[derive(Debug, Clone)]
pub struct KeyState {
    /// The alias name, `alias/NAME`.
    pub alias: String,
    pub namespace: Namespace,
    /// The scenario variable CreateKey captures the key ARN into.
    pub variable: String,
    /// The scenario variable CreateKey captures the key id into.
    pub id_variable: String,
    pub alias_arn: String,
    /// The key's description, unique in a case.
    pub description: String,
    /// The key policy in force: the generated one, or KMS's default policy,
    /// which allows the owning account's root user every action
    /// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html>).
    pub policy: Policy,
    /// Whether ScheduleKeyDeletion succeeded, so the key is `PendingDeletion`.
    pub pending_deletion: bool,
}

impl KeyState {
    /// Creates the state of a key created with `policy_document`, or with
    /// the default key policy when it is `None`.
    ///
    /// # Panics
    ///
    /// When the document does not parse; the grammar only writes valid ones.
    pub fn new(
        alias: &str,
        namespace: Namespace,
        number: usize,
        description: String,
        policy_document: Option<&str>,
    ) -> KeyState {
        let document = policy_document.map_or_else(|| default_key_policy(&namespace.account_id), str::to_owned);
        let policy = Policy::parse(&document, PolicyType::Resource).expect("generated policies are valid");
        KeyState {
            alias: alias.to_owned(),
            alias_arn: format!("arn:aws:kms:{}:{}:{alias}", namespace.region, namespace.account_id),
            namespace,
            variable: format!("k{number}"),
            id_variable: format!("k{number}_id"),
            description,
            policy,
            pending_deletion: false,
        }
    }
}

/// Returns KMS's default key policy for a key of `account_id`.
pub fn default_key_policy(account_id: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [owner_key_statement(account_id)],
    })
    .to_string()
}

/// Returns the statement of the default key policy, which every generated
/// key policy keeps so that the owner can still manage the key.
pub fn owner_key_statement(account_id: &str) -> Value {
    serde_json::json!({
        "Sid": "EnableRootPermissions",
        "Effect": "Allow",
        "Principal": { "AWS": format!("arn:aws:iam::{account_id}:root") },
        "Action": "kms:*",
        "Resource": "*",
    })
}

/// Reports whether creating a key with `policy` needs
/// `BypassPolicyLockoutSafetyCheck`: KMS rejects a key policy that would not
/// let the creating principal change the policy again
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-bypass-policy-lockout-safety-check>).
pub fn needs_lockout_bypass(policy: &Policy, owner: &Namespace, key_arn: &str) -> bool {
    decide_by_key_policy(owner, owner, key_arn, policy, "kms:PutKeyPolicy").is_err()
}

/// Decides a call on a key that `find` already located: KMS looks the key up
/// before it checks access, so a missing key is `not-found` from any
/// account. Where policies are evaluated, the key policy must allow the
/// call even for the owning account
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html>).
pub fn decide_key_access(
    profile: Profile,
    caller: &Namespace,
    key: &KeyState,
    facts: &OperationFacts,
) -> Result<(), OutcomeClass> {
    let cross_account = caller.account_id != key.namespace.account_id;
    match profile {
        // LocalStack lists the operations that reach another account's key;
        // the others act on the caller's own keys, where this one does not exist.
        Profile::Localstack if cross_account && !facts.localstack_cross_account => Err(OutcomeClass::NotFound),
        Profile::Localstack => Ok(()),
        Profile::Aws if cross_account && !facts.grantable_across_accounts => Err(OutcomeClass::NotFound),
        Profile::LocalstackEnforceIam | Profile::Aws => {
            // Generated key policies name their key as `*`, as key policies
            // usually do, because the key id is unknown before CreateKey.
            let arn = format!("arn:aws:kms:{}:{}:key/generated", key.namespace.region, key.namespace.account_id);
            decide_by_key_policy(caller, &key.namespace, &arn, &key.policy, facts.action)
        }
    }
}

fn decide_by_key_policy(
    caller: &Namespace,
    owner: &Namespace,
    arn: &str,
    policy: &Policy,
    action: &str,
) -> Result<(), OutcomeClass> {
    let mut request = Request::new(Principal::root(caller.account_id.as_str()), action, arn, owner.account_id.as_str())
        .with_context("aws:RequestedRegion", caller.region.as_str());
    request.context.insert("kms:CallerAccount", caller.account_id.as_str());
    let evaluation = evaluate(&request, &PolicySet::new().with_resource("key-policy", policy));
    let key_policy_allows = evaluation
        .matched_statements
        .iter()
        .any(|statement| statement.kind == PolicyKind::Resource && statement.effect == Effect::Allow);
    if evaluation.decision == Decision::Allowed && key_policy_allows { Ok(()) } else { Err(OutcomeClass::Denied) }
}

/// A secret as the model tracks it.
#[derive(Debug, Clone)]
pub struct SecretState {
    pub name: String,
    pub namespace: Namespace,
    /// The scenario variable CreateSecret captures the full ARN into.
    pub variable: String,
    /// The ARN without the random suffix Secrets Manager appends to the name.
    pub partial_arn: String,
    pub description: String,
    /// The `owner` tag CreateSecret sets, `ACCOUNT/REGION`.
    pub owner_tag: String,
    pub policy: Option<Policy>,
    pub exists: bool,
}

impl SecretState {
    /// Creates the state of a secret whose resource policy is `policy_document`.
    ///
    /// # Panics
    ///
    /// When the document does not parse; the grammar only writes valid ones.
    pub fn new(name: &str, namespace: Namespace, number: usize, policy_document: Option<&str>) -> SecretState {
        let policy = policy_document
            .map(|document| Policy::parse(document, PolicyType::Resource).expect("generated policies are valid"));
        SecretState {
            name: name.to_owned(),
            partial_arn: format!("arn:aws:secretsmanager:{}:{}:secret:{name}", namespace.region, namespace.account_id),
            owner_tag: format!("{}/{}", namespace.account_id, namespace.region),
            namespace,
            variable: format!("s{number}"),
            description: format!("secret {number}"),
            policy,
            exists: true,
        }
    }
}

/// A Lambda function as the model tracks it.
#[derive(Debug, Clone)]
pub struct FunctionState {
    pub name: String,
    pub namespace: Namespace,
    /// The scenario variable CreateFunction captures the function ARN into.
    pub variable: String,
    /// The unqualified function ARN.
    pub arn: String,
    /// A string unique in the case, which the handler returns and the
    /// function's `Description` carries.
    pub mark: String,
    /// Whether the function has version 1 and the alias `live` on it.
    pub alias: bool,
    /// The function policy of the unqualified function.
    pub policy: Option<Policy>,
    /// The function policy of the alias, which applies to calls through the alias alone.
    pub alias_policy: Option<Policy>,
    pub exists: bool,
}

impl FunctionState {
    /// Returns the function policy that applies to calls with `qualifier`:
    /// the unqualified function's, the alias's, or none for version 1,
    /// which the generators never add a permission to.
    pub fn policy_of(&self, qualifier: Option<&str>) -> Option<&Policy> {
        match qualifier {
            None => self.policy.as_ref(),
            Some(qualifier) if qualifier == super::case::FUNCTION_ALIAS => self.alias_policy.as_ref(),
            Some(_) => None,
        }
    }

    /// Returns the ARN of the function, qualified with `qualifier` when given.
    pub fn qualified_arn(&self, qualifier: Option<&str>) -> String {
        match qualifier {
            Some(qualifier) => format!("{}:{qualifier}", self.arn),
            None => self.arn.clone(),
        }
    }
}

/// A Lambda layer and its version 1 as the model tracks them.
#[derive(Debug, Clone)]
pub struct LayerState {
    pub namespace: Namespace,
    /// The layer ARN, without a version.
    pub arn: String,
    /// A string unique in the case, which the layer's module exports.
    pub mark: String,
    /// The policy AddLayerVersionPermission leaves on version 1.
    pub policy: Option<Policy>,
    /// Whether version 1 exists, so false after DeleteLayerVersion.
    pub exists: bool,
}

impl LayerState {
    /// Returns the ARN of version 1.
    pub fn version_arn(&self) -> String {
        format!("{}:1", self.arn)
    }
}

/// An S3 bucket as the model tracks it.
#[derive(Debug, Clone)]
pub struct BucketState {
    pub name: String,
    /// The owning account and the region of its location constraint.
    pub namespace: Namespace,
    /// The keys of the objects in the bucket.
    pub keys: Vec<String>,
    pub policy: Option<Policy>,
}

/// Decides an S3 call on `bucket` by `caller`. Under `aws` a request signed
/// for another region than the bucket's fails first. Under `localstack`
/// another account may run only the operations LocalStack lists, and is
/// denied the others; the other profiles let the bucket policy decide.
pub fn decide_bucket_access(
    profile: Profile,
    caller: &Namespace,
    bucket: &BucketState,
    facts: &OperationFacts,
) -> Result<(), OutcomeClass> {
    let cross_account = caller.account_id != bucket.namespace.account_id;
    if profile == Profile::Aws && caller.region != bucket.namespace.region {
        return Err(facts.other_region);
    }
    match profile {
        Profile::Localstack if cross_account && !facts.localstack_cross_account => Err(OutcomeClass::Denied),
        Profile::Localstack => Ok(()),
        Profile::LocalstackEnforceIam | Profile::Aws => {
            let owner = Namespace::new(&bucket.namespace.account_id, &caller.region);
            let arn = format!("arn:aws:s3:::{}", bucket.name);
            decide_by_policy(caller, &owner, &arn, bucket.policy.as_ref(), facts)
        }
    }
}

/// The outcome the model predicts for one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub class: OutcomeClass,
    /// An exact error code where the class alone is too loose, e.g. `PurgeQueueInProgress`.
    pub code: Option<&'static str>,
    /// Members the response must contain when the call succeeds.
    pub subset: Option<Value>,
}

impl Prediction {
    pub fn ok(subset: Option<Value>) -> Prediction {
        Prediction { class: OutcomeClass::Ok, code: None, subset }
    }

    pub fn error(class: OutcomeClass) -> Prediction {
        Prediction { class, code: None, subset: None }
    }
}

/// Decides whether `caller` may run the operation `facts` describes on a
/// resource named `arn` in `owner`, whose policy is `policy`.
///
/// Returns the class of the refusal, following the rules in the module
/// documentation, in their order.
// NOTE: AWS does not document the error a queue URL of another region gets
// from a region's endpoint; `not-found` (QueueDoesNotExist) is unverified.
pub fn decide_access(
    profile: Profile,
    caller: &Namespace,
    owner: &Namespace,
    arn: &str,
    policy: Option<&Policy>,
    facts: &OperationFacts,
) -> Result<(), OutcomeClass> {
    let cross_account = caller.account_id != owner.account_id;
    // Each AWS region is its own endpoint, so the region decides first.
    if profile == Profile::Aws && caller.region != owner.region {
        return Err(facts.other_region);
    }
    // LocalStack's list applies under LocalStack's profiles only; under
    // `aws` the operations AWS grants across accounts decide below.
    if profile != Profile::Aws && cross_account && !facts.localstack_cross_account {
        return Err(if profile == Profile::Localstack { OutcomeClass::NotFound } else { OutcomeClass::Denied });
    }
    match profile {
        Profile::Localstack => Ok(()),
        Profile::LocalstackEnforceIam => decide_by_policy(caller, owner, arn, policy, facts),
        Profile::Aws => {
            if cross_account && !facts.grantable_across_accounts {
                return Err(OutcomeClass::Denied);
            }
            decide_by_policy(caller, owner, arn, policy, facts)
        }
    }
}

fn decide_by_policy(
    caller: &Namespace,
    owner: &Namespace,
    arn: &str,
    policy: Option<&Policy>,
    facts: &OperationFacts,
) -> Result<(), OutcomeClass> {
    let request =
        Request::new(Principal::root(caller.account_id.as_str()), facts.action, arn, owner.account_id.as_str())
            .with_context("aws:RequestedRegion", caller.region.as_str());
    let policies = match policy {
        Some(policy) => PolicySet::new().with_resource("resource-policy", policy),
        None => PolicySet::new(),
    };
    match evaluate(&request, &policies).decision {
        Decision::Allowed => Ok(()),
        Decision::ExplicitDeny | Decision::ImplicitDeny => Err(OutcomeClass::Denied),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn namespace(account_id: &str, region: &str) -> Namespace {
        Namespace::new(account_id, region)
    }

    const ARN: &str = "arn:aws:sqs:us-east-1:111111111111:orders";

    fn policy(text: &str) -> Policy {
        Policy::parse(text, PolicyType::Resource).expect("the test policy parses")
    }

    #[test]
    fn owner_allowed_without_policy() {
        let owner = namespace("111111111111", "us-east-1");
        let send = facts("sqs", "SendMessage");
        for profile in [Profile::Localstack, Profile::LocalstackEnforceIam, Profile::Aws] {
            assert_eq!(decide_access(profile, &owner, &owner, ARN, None, send), Ok(()), "{profile}");
        }
    }

    #[test]
    fn aws_list_differs_from_localstack_list() {
        let owner = namespace("111111111111", "us-east-1");
        let other = namespace("222222222222", "us-east-1");
        let everything = policy(
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": ["secretsmanager:*", "sns:*"], "Resource": "*"}}"#,
        );
        let delete_policy = facts("secretsmanager", "DeleteResourcePolicy");
        let secret = "arn:aws:secretsmanager:us-east-1:111111111111:secret:s-AbCdEf";
        let decided = |profile| decide_access(profile, &other, &owner, secret, Some(&everything), delete_policy);
        assert_eq!(decided(Profile::Aws), Ok(()), "AWS's list names DeleteResourcePolicy");
        assert_eq!(decided(Profile::Localstack), Err(OutcomeClass::NotFound), "LocalStack's does not");

        let list_tags = facts("sns", "ListTagsForResource");
        let topic = "arn:aws:sns:us-east-1:111111111111:t";
        let decided = decide_access(Profile::Aws, &other, &owner, topic, Some(&everything), list_tags);
        assert_eq!(decided, Err(OutcomeClass::Denied), "a topic policy cannot grant ListTagsForResource");
    }

    #[test]
    fn other_account_needs_policy_where_evaluated() {
        let owner = namespace("111111111111", "us-east-1");
        let other = namespace("222222222222", "us-east-1");
        let send = facts("sqs", "SendMessage");
        assert_eq!(decide_access(Profile::Localstack, &other, &owner, ARN, None, send), Ok(()));
        assert_eq!(decide_access(Profile::Aws, &other, &owner, ARN, None, send), Err(OutcomeClass::Denied));

        let grant = policy(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "222222222222"}}, "Action": "sqs:*", "Resource": "{ARN}"}}]}}"#
        ));
        assert_eq!(decide_access(Profile::Aws, &other, &owner, ARN, Some(&grant), send), Ok(()));
        let tag = facts("sqs", "TagQueue");
        assert_eq!(decide_access(Profile::Aws, &other, &owner, ARN, Some(&grant), tag), Err(OutcomeClass::Denied));
        assert_eq!(decide_access(Profile::LocalstackEnforceIam, &other, &owner, ARN, Some(&grant), tag), Ok(()));
    }

    #[test]
    fn other_region_not_found_under_aws() {
        let owner = namespace("111111111111", "us-east-1");
        let caller = namespace("111111111111", "eu-central-1");
        let read = facts("sqs", "GetQueueAttributes");
        assert_eq!(decide_access(Profile::Aws, &caller, &owner, ARN, None, read), Err(OutcomeClass::NotFound));
        assert_eq!(decide_access(Profile::LocalstackEnforceIam, &caller, &owner, ARN, None, read), Ok(()));
    }

    #[test]
    fn owner_denied_by_explicit_deny() {
        let owner = namespace("111111111111", "us-east-1");
        let deny = policy(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "{ARN}"}}]}}"#
        ));
        let send = facts("sqs", "SendMessage");
        assert_eq!(decide_access(Profile::Aws, &owner, &owner, ARN, Some(&deny), send), Err(OutcomeClass::Denied));
        assert_eq!(decide_access(Profile::Localstack, &owner, &owner, ARN, Some(&deny), send), Ok(()));
    }
}
