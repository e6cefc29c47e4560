//! Generated cases: a world, the resources created in it and the calls made
//! on them, as plain data that proptest generates and shrinks.
//!
//! Resources and calls choose their namespace and their target by
//! [`Pick`], so every choice stays valid while the lists shrink. A call may
//! ask for a decoy: a resource of the same name as its target, created in
//! the caller's own namespace. A target that resolves an ARN or URL in the
//! wrong namespace returns the decoy instead of the addressed resource.

use proptest::prelude::*;

use super::policy::{PolicySpec, policy};
use super::world::{Pick, Place, World, pick, place, world};

/// The services the generators cover. A new service adds a variant here,
/// its resources to [`ResourceSpec`] and its calls to [`ServiceCall`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Sqs,
    Sns,
    Kms,
    SecretsManager,
    S3,
    Lambda,
}

impl Service {
    /// Every covered service.
    pub const ALL: [Service; 6] =
        [Service::Sqs, Service::Sns, Service::Kms, Service::SecretsManager, Service::S3, Service::Lambda];

    /// The services whose calls the emulator serves within its own process.
    /// Lambda's Invoke starts a runtime process, so tests that run many
    /// cases leave Lambda out and run fewer Lambda cases apart.
    pub const IN_PROCESS: [Service; 5] =
        [Service::Sqs, Service::Sns, Service::Kms, Service::SecretsManager, Service::S3];

    /// Returns the name scenarios and `--services` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Sqs => "sqs",
            Service::Sns => "sns",
            Service::Kms => "kms",
            Service::SecretsManager => "secretsmanager",
            Service::S3 => "s3",
            Service::Lambda => "lambda",
        }
    }

    /// Parses a service name.
    pub fn parse(name: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|service| service.as_str() == name)
    }
}

/// Queue names a case draws from: two, so that same-named queues in
/// different namespaces are common.
pub const QUEUE_NAMES: [&str; 2] = ["orders", "events"];

/// Topic names a case draws from, two for the same reason.
pub const TOPIC_NAMES: [&str; 2] = ["alerts", "updates"];

/// Alias names a case draws from for its KMS keys, two for the same reason.
pub const ALIAS_NAMES: [&str; 2] = ["alias/billing", "alias/reports"];

/// Secret names a case draws from, two for the same reason.
pub const SECRET_NAMES: [&str; 2] = ["db-password", "api-token"];

/// Bucket names a case draws from. Bucket names are global, so a second
/// bucket of the same name is never created; a call tries to take it instead.
pub const BUCKET_NAMES: [&str; 2] = ["crosscheck-shared", "crosscheck-archive"];

/// Object keys a case draws from.
pub const OBJECT_KEYS: [&str; 2] = ["a.txt", "b.txt"];

/// Function names a case draws from, two for the same reason as queues.
pub const FUNCTION_NAMES: [&str; 2] = ["pricing", "greeter"];

/// The alias a function with an alias gets, pointing at its version 1.
pub const FUNCTION_ALIAS: &str = "live";

/// The version a function with an alias publishes, which the alias points at.
pub const FUNCTION_VERSION: &str = "1";

/// The name of every generated Lambda layer; a second layer of a namespace is never published.
pub const LAYER_NAME: &str = "shared-lib";

/// One generated case.
#[derive(Debug, Clone)]
pub struct Case {
    pub world: World,
    pub resources: Vec<ResourceSpec>,
    pub calls: Vec<CallSpec>,
}

/// A resource the case's fixture creates.
#[derive(Debug, Clone)]
pub enum ResourceSpec {
    Queue(QueueSpec),
    Topic(TopicSpec),
    Key(KeySpec),
    Secret(SecretSpec),
    Bucket(BucketSpec),
    Function(FunctionSpec),
    Layer(LayerSpec),
}

/// A Lambda layer with one version: its namespace, and the account that
/// AddLayerVersionPermission grants `lambda:GetLayerVersion`, if any
/// (<https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html>).
#[derive(Debug, Clone)]
pub struct LayerSpec {
    pub place: Place,
    pub grant: Option<Pick>,
}

/// A Lambda function: its name, its namespace, whether it gets version 1 and
/// the alias [`FUNCTION_ALIAS`], and the permission AddPermission adds.
#[derive(Debug, Clone)]
pub struct FunctionSpec {
    /// Selects one of [`FUNCTION_NAMES`].
    pub name: Pick,
    pub place: Place,
    pub alias: bool,
    pub permission: Option<PermissionSpec>,
}

/// A function permission that grants `lambda:InvokeFunction` to one
/// account of the world, in one of the principal forms AddPermission takes
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html>).
#[derive(Debug, Clone)]
pub struct PermissionSpec {
    pub principal: PrincipalForm,
    /// The granted account.
    pub account: Pick,
    /// Whether the permission is added on the alias (`Qualifier`) instead
    /// of the unqualified function. Ignored for a function without an alias.
    pub on_alias: bool,
}

/// The form in which AddPermission names the granted account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalForm {
    /// The 12-digit account id.
    AccountId,
    /// The account root ARN, `arn:aws:iam::ACCOUNT:root`.
    RootArn,
    /// `*` with `SourceAccount` set to the account, which becomes an
    /// `AWS:SourceAccount` condition. A direct call carries no source
    /// account, so the statement never matches one.
    AnyWithSourceAccount,
}

/// An S3 bucket: its name, its owner's namespace (the account, and the
/// region of its location constraint) and its bucket policy.
#[derive(Debug, Clone)]
pub struct BucketSpec {
    /// Selects one of [`BUCKET_NAMES`].
    pub name: Pick,
    pub place: Place,
    pub policy: Option<PolicySpec>,
}

/// A Secrets Manager secret: its name, its namespace and its resource policy.
#[derive(Debug, Clone)]
pub struct SecretSpec {
    /// Selects one of [`SECRET_NAMES`].
    pub name: Pick,
    pub place: Place,
    pub policy: Option<PolicySpec>,
}

/// A KMS key with one alias: the alias name, the key's namespace and its
/// key policy statements besides the owner's.
#[derive(Debug, Clone)]
pub struct KeySpec {
    /// Selects one of [`ALIAS_NAMES`].
    pub alias: Pick,
    pub place: Place,
    pub policy: Option<PolicySpec>,
}

/// An SNS topic: its name, its namespace and its policy.
#[derive(Debug, Clone)]
pub struct TopicSpec {
    /// Selects one of [`TOPIC_NAMES`].
    pub name: Pick,
    pub place: Place,
    pub policy: Option<PolicySpec>,
}

/// An SQS queue: its name, its namespace and its policy.
#[derive(Debug, Clone)]
pub struct QueueSpec {
    /// Selects one of [`QUEUE_NAMES`].
    pub name: Pick,
    pub place: Place,
    pub policy: Option<PolicySpec>,
}

/// One call of a case.
#[derive(Debug, Clone)]
pub struct CallSpec {
    /// The namespace of the calling actor.
    pub caller: Place,
    /// Whether the fixture also creates a same-named resource in the caller's namespace.
    pub decoy: bool,
    pub call: ServiceCall,
}

/// A call of one service.
#[derive(Debug, Clone)]
pub enum ServiceCall {
    Sqs(SqsCall),
    Sns(SnsCall),
    Kms(KmsCall),
    SecretsManager(SecretCall),
    S3(S3Call),
    Lambda(LambdaCall),
}

/// The address form a Lambda call names its function by
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionAddressForm {
    /// The function's name, in the caller's own namespace.
    Name,
    /// `ACCOUNT:function:NAME`, in the caller's region.
    PartialArn,
    /// The unqualified function ARN.
    Arn,
    /// The function ARN qualified with [`FUNCTION_ALIAS`]; the plain ARN
    /// for a function without an alias.
    AliasArn,
    /// The function ARN qualified with [`FUNCTION_VERSION`]; the plain ARN
    /// for a function without an alias, which has no published version.
    VersionArn,
}

/// A generated Lambda call. Each `Pick` selects one of the case's functions.
#[derive(Debug, Clone)]
pub enum LambdaCall {
    Invoke(Pick, FunctionAddressForm),
    GetFunction(Pick, FunctionAddressForm),
    GetFunctionConfiguration(Pick, FunctionAddressForm),
    GetPolicy(Pick, FunctionAddressForm),
    /// The caller deletes its own function of the selected name, then the
    /// next calls show whether a same-named function elsewhere survived.
    DeleteFunction(Pick),
    ListFunctions,
    /// The caller creates a function that uses the selected layer's version
    /// 1 by its ARN, and invokes it when that succeeds.
    UseLayer(Pick),
    ListLayers,
    /// GetLayerVersion of version 1 of the selected layer, by name or layer ARN.
    GetLayerVersion(Pick, LayerAddressForm),
    /// ListLayerVersions of the selected layer, by name or layer ARN.
    ListLayerVersions(Pick, LayerAddressForm),
    /// The selected layer's owner deletes its version 1 by name, then the
    /// owner of each same-named layer elsewhere reads its own layer.
    DeleteLayerVersion(Pick),
}

/// The address form a layer call names its layer by
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_GetLayerVersion.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerAddressForm {
    /// The layer's name, in the caller's own namespace.
    Name,
    /// The layer ARN without a version, in the layer's namespace.
    LayerArn,
}

impl LambdaCall {
    /// Returns the function the call addresses and the form; `None` for the
    /// listings and for the layer calls.
    pub fn function(&self) -> Option<(Pick, FunctionAddressForm)> {
        match self {
            LambdaCall::Invoke(function, form)
            | LambdaCall::GetFunction(function, form)
            | LambdaCall::GetFunctionConfiguration(function, form)
            | LambdaCall::GetPolicy(function, form) => Some((*function, *form)),
            LambdaCall::DeleteFunction(function) => Some((*function, FunctionAddressForm::Name)),
            LambdaCall::ListFunctions
            | LambdaCall::UseLayer(_)
            | LambdaCall::ListLayers
            | LambdaCall::GetLayerVersion(..)
            | LambdaCall::ListLayerVersions(..)
            | LambdaCall::DeleteLayerVersion(_) => None,
        }
    }

    /// Returns the layer the call selects; `None` for the function calls and the listings.
    pub fn layer(&self) -> Option<Pick> {
        match self {
            LambdaCall::UseLayer(layer)
            | LambdaCall::GetLayerVersion(layer, _)
            | LambdaCall::ListLayerVersions(layer, _)
            | LambdaCall::DeleteLayerVersion(layer) => Some(*layer),
            _ => None,
        }
    }
}

/// A generated S3 call. Each first `Pick` selects one of the case's
/// buckets, which every call names by its global name; a second selects one
/// of [`OBJECT_KEYS`].
#[derive(Debug, Clone)]
pub enum S3Call {
    PutObject(Pick, Pick),
    GetObject(Pick, Pick),
    DeleteObject(Pick, Pick),
    ListObjectsV2(Pick),
    /// CreateBucket with the name of an existing bucket.
    CreateBucket(Pick),
    ListBuckets,
}

impl S3Call {
    /// Returns the bucket the call names; `None` for ListBuckets.
    pub fn bucket(&self) -> Option<Pick> {
        match self {
            S3Call::PutObject(bucket, _)
            | S3Call::GetObject(bucket, _)
            | S3Call::DeleteObject(bucket, _)
            | S3Call::ListObjectsV2(bucket)
            | S3Call::CreateBucket(bucket) => Some(*bucket),
            S3Call::ListBuckets => None,
        }
    }
}

/// The address form a Secrets Manager call names its secret by
/// (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretAddressForm {
    /// The secret's name, in the caller's own namespace.
    Name,
    /// The full ARN CreateSecret returned, with its random suffix.
    Arn,
    /// The ARN without the random suffix.
    PartialArn,
}

/// A generated Secrets Manager call. Each `Pick` selects one of the case's secrets.
#[derive(Debug, Clone)]
pub enum SecretCall {
    DescribeSecret(Pick, SecretAddressForm),
    /// Sets a new description, which needs no KMS key.
    UpdateSecret(Pick, SecretAddressForm),
    /// LocalStack does not list it as working across accounts.
    DeleteResourcePolicy(Pick, SecretAddressForm),
    /// The caller deletes its own secret of the selected name at once
    /// (`ForceDeleteWithoutRecovery`), by name.
    DeleteSecret(Pick),
    ListSecrets,
}

impl SecretCall {
    /// Returns the secret the call addresses and the form; `None` for ListSecrets.
    pub fn secret(&self) -> Option<(Pick, SecretAddressForm)> {
        match self {
            SecretCall::DescribeSecret(secret, form)
            | SecretCall::UpdateSecret(secret, form)
            | SecretCall::DeleteResourcePolicy(secret, form) => Some((*secret, *form)),
            SecretCall::DeleteSecret(secret) => Some((*secret, SecretAddressForm::Name)),
            SecretCall::ListSecrets => None,
        }
    }
}

/// The address form a KMS call names its key by, one of each form KMS accepts
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAddressForm {
    /// The key id, which names a key in the caller's own namespace.
    Id,
    Arn,
    /// `alias/NAME`, in the caller's own namespace.
    AliasName,
    AliasArn,
}

/// A generated KMS call. Each `Pick` selects one of the case's keys.
#[derive(Debug, Clone)]
pub enum KmsCall {
    DescribeKey(Pick, KeyAddressForm),
    Encrypt(Pick, KeyAddressForm),
    /// By key id or key ARN, because GetKeyPolicy takes no alias. LocalStack
    /// does not list it as working across accounts.
    GetKeyPolicy(Pick, bool),
    ListAliases,
    ListKeys,
    /// The selected key's owner schedules its deletion, then uses the key by
    /// alias, and the owner of each same-aliased key elsewhere describes its own.
    ScheduleKeyDeletion(Pick),
}

impl KmsCall {
    /// Returns the key the call addresses; `None` for ListAliases and ListKeys.
    pub fn key(&self) -> Option<Pick> {
        match self {
            KmsCall::DescribeKey(key, _)
            | KmsCall::Encrypt(key, _)
            | KmsCall::GetKeyPolicy(key, _)
            | KmsCall::ScheduleKeyDeletion(key) => Some(*key),
            KmsCall::ListAliases | KmsCall::ListKeys => None,
        }
    }
}

/// A generated SNS call. Each `Pick` selects one of the case's topics, and
/// the call names it by its ARN.
#[derive(Debug, Clone)]
pub enum SnsCall {
    GetTopicAttributes(Pick),
    Publish(Pick),
    SetTopicAttributes(Pick),
    ListTagsForResource(Pick),
    DeleteTopic(Pick),
    ListTopics,
}

impl SnsCall {
    /// Returns the topic the call addresses; `None` for ListTopics.
    pub fn topic(&self) -> Option<Pick> {
        match self {
            SnsCall::GetTopicAttributes(topic)
            | SnsCall::Publish(topic)
            | SnsCall::SetTopicAttributes(topic)
            | SnsCall::ListTagsForResource(topic)
            | SnsCall::DeleteTopic(topic) => Some(*topic),
            SnsCall::ListTopics => None,
        }
    }
}

/// A generated SQS call. Each `Pick` selects one of the case's queues, and
/// the call names it by the URL CreateQueue returned.
#[derive(Debug, Clone)]
pub enum SqsCall {
    GetQueueAttributes(Pick),
    SendMessage(Pick),
    /// By bare name, in the caller's region; `owner` sets `QueueOwnerAWSAccountId`.
    GetQueueUrl {
        queue: Pick,
        owner: Option<Pick>,
    },
    ListQueues,
    ListQueueTags(Pick),
    TagQueue(Pick),
    SetQueueAttributes(Pick),
    PurgeQueue(Pick),
    DeleteQueue(Pick),
}

impl SqsCall {
    /// Returns the queue the call addresses; `None` for ListQueues.
    pub fn queue(&self) -> Option<Pick> {
        match self {
            SqsCall::GetQueueAttributes(queue)
            | SqsCall::SendMessage(queue)
            | SqsCall::GetQueueUrl { queue, .. }
            | SqsCall::ListQueueTags(queue)
            | SqsCall::TagQueue(queue)
            | SqsCall::SetQueueAttributes(queue)
            | SqsCall::PurgeQueue(queue)
            | SqsCall::DeleteQueue(queue) => Some(*queue),
            SqsCall::ListQueues => None,
        }
    }
}

fn policy_option() -> impl Strategy<Value = Option<PolicySpec>> {
    prop_oneof![1 => Just(None), 2 => policy().prop_map(Some)]
}

fn queue() -> BoxedStrategy<ResourceSpec> {
    (pick(), place(), policy_option())
        .prop_map(|(name, place, policy)| ResourceSpec::Queue(QueueSpec { name, place, policy }))
        .boxed()
}

fn topic() -> BoxedStrategy<ResourceSpec> {
    (pick(), place(), policy_option())
        .prop_map(|(name, place, policy)| ResourceSpec::Topic(TopicSpec { name, place, policy }))
        .boxed()
}

fn key() -> BoxedStrategy<ResourceSpec> {
    (pick(), place(), policy_option())
        .prop_map(|(alias, place, policy)| ResourceSpec::Key(KeySpec { alias, place, policy }))
        .boxed()
}

fn key_address_form() -> impl Strategy<Value = KeyAddressForm> {
    prop_oneof![
        Just(KeyAddressForm::Arn),
        Just(KeyAddressForm::Id),
        Just(KeyAddressForm::AliasName),
        Just(KeyAddressForm::AliasArn),
    ]
}

fn kms_call() -> BoxedStrategy<ServiceCall> {
    prop_oneof![
        (pick(), key_address_form()).prop_map(|(key, form)| KmsCall::DescribeKey(key, form)),
        (pick(), key_address_form()).prop_map(|(key, form)| KmsCall::Encrypt(key, form)),
        (pick(), any::<bool>()).prop_map(|(key, by_arn)| KmsCall::GetKeyPolicy(key, by_arn)),
        Just(KmsCall::ListAliases),
        Just(KmsCall::ListKeys),
        pick().prop_map(KmsCall::ScheduleKeyDeletion),
    ]
    .prop_map(ServiceCall::Kms)
    .boxed()
}

fn secret() -> BoxedStrategy<ResourceSpec> {
    (pick(), place(), policy_option())
        .prop_map(|(name, place, policy)| ResourceSpec::Secret(SecretSpec { name, place, policy }))
        .boxed()
}

fn secret_address_form() -> impl Strategy<Value = SecretAddressForm> {
    prop_oneof![Just(SecretAddressForm::Arn), Just(SecretAddressForm::Name), Just(SecretAddressForm::PartialArn)]
}

fn secret_call() -> BoxedStrategy<ServiceCall> {
    prop_oneof![
        (pick(), secret_address_form()).prop_map(|(secret, form)| SecretCall::DescribeSecret(secret, form)),
        (pick(), secret_address_form()).prop_map(|(secret, form)| SecretCall::UpdateSecret(secret, form)),
        (pick(), secret_address_form()).prop_map(|(secret, form)| SecretCall::DeleteResourcePolicy(secret, form)),
        pick().prop_map(SecretCall::DeleteSecret),
        Just(SecretCall::ListSecrets),
    ]
    .prop_map(ServiceCall::SecretsManager)
    .boxed()
}

fn bucket() -> BoxedStrategy<ResourceSpec> {
    (pick(), place(), policy_option())
        .prop_map(|(name, place, policy)| ResourceSpec::Bucket(BucketSpec { name, place, policy }))
        .boxed()
}

fn s3_call() -> BoxedStrategy<ServiceCall> {
    prop_oneof![
        (pick(), pick()).prop_map(|(bucket, key)| S3Call::PutObject(bucket, key)),
        (pick(), pick()).prop_map(|(bucket, key)| S3Call::GetObject(bucket, key)),
        (pick(), pick()).prop_map(|(bucket, key)| S3Call::DeleteObject(bucket, key)),
        pick().prop_map(S3Call::ListObjectsV2),
        pick().prop_map(S3Call::CreateBucket),
        Just(S3Call::ListBuckets),
    ]
    .prop_map(ServiceCall::S3)
    .boxed()
}

fn principal_form() -> impl Strategy<Value = PrincipalForm> {
    prop_oneof![Just(PrincipalForm::AccountId), Just(PrincipalForm::RootArn), Just(PrincipalForm::AnyWithSourceAccount)]
}

fn permission() -> impl Strategy<Value = PermissionSpec> {
    (principal_form(), pick(), any::<bool>()).prop_map(|(principal, account, on_alias)| PermissionSpec {
        principal,
        account,
        on_alias,
    })
}

fn function() -> BoxedStrategy<ResourceSpec> {
    (pick(), place(), any::<bool>(), prop_oneof![1 => Just(None), 2 => permission().prop_map(Some)])
        .prop_map(|(name, place, alias, permission)| {
            ResourceSpec::Function(FunctionSpec { name, place, alias, permission })
        })
        .boxed()
}

fn layer() -> BoxedStrategy<ResourceSpec> {
    (place(), proptest::option::of(pick()))
        .prop_map(|(place, grant)| ResourceSpec::Layer(LayerSpec { place, grant }))
        .boxed()
}

fn lambda_resource() -> BoxedStrategy<ResourceSpec> {
    prop_oneof![3 => function(), 1 => layer()].boxed()
}

fn function_address_form() -> impl Strategy<Value = FunctionAddressForm> {
    prop_oneof![
        Just(FunctionAddressForm::Arn),
        Just(FunctionAddressForm::Name),
        Just(FunctionAddressForm::PartialArn),
        Just(FunctionAddressForm::AliasArn),
        Just(FunctionAddressForm::VersionArn),
    ]
}

fn layer_address_form() -> impl Strategy<Value = LayerAddressForm> {
    prop_oneof![Just(LayerAddressForm::Name), Just(LayerAddressForm::LayerArn)]
}

fn lambda_call() -> BoxedStrategy<ServiceCall> {
    prop_oneof![
        3 => (pick(), function_address_form()).prop_map(|(function, form)| LambdaCall::Invoke(function, form)),
        2 => (pick(), function_address_form()).prop_map(|(function, form)| LambdaCall::GetFunction(function, form)),
        2 => (pick(), function_address_form())
            .prop_map(|(function, form)| LambdaCall::GetFunctionConfiguration(function, form)),
        2 => (pick(), function_address_form()).prop_map(|(function, form)| LambdaCall::GetPolicy(function, form)),
        1 => pick().prop_map(LambdaCall::DeleteFunction),
        1 => Just(LambdaCall::ListFunctions),
        2 => pick().prop_map(LambdaCall::UseLayer),
        1 => Just(LambdaCall::ListLayers),
        1 => (pick(), layer_address_form()).prop_map(|(layer, form)| LambdaCall::GetLayerVersion(layer, form)),
        1 => (pick(), layer_address_form()).prop_map(|(layer, form)| LambdaCall::ListLayerVersions(layer, form)),
        1 => pick().prop_map(LambdaCall::DeleteLayerVersion),
    ]
    .prop_map(ServiceCall::Lambda)
    .boxed()
}

fn sqs_call() -> BoxedStrategy<ServiceCall> {
    prop_oneof![
        pick().prop_map(SqsCall::GetQueueAttributes),
        pick().prop_map(SqsCall::SendMessage),
        (pick(), proptest::option::of(pick())).prop_map(|(queue, owner)| SqsCall::GetQueueUrl { queue, owner }),
        Just(SqsCall::ListQueues),
        pick().prop_map(SqsCall::ListQueueTags),
        pick().prop_map(SqsCall::TagQueue),
        pick().prop_map(SqsCall::SetQueueAttributes),
        pick().prop_map(SqsCall::PurgeQueue),
        pick().prop_map(SqsCall::DeleteQueue),
    ]
    .prop_map(ServiceCall::Sqs)
    .boxed()
}

fn sns_call() -> BoxedStrategy<ServiceCall> {
    prop_oneof![
        pick().prop_map(SnsCall::GetTopicAttributes),
        pick().prop_map(SnsCall::Publish),
        pick().prop_map(SnsCall::SetTopicAttributes),
        pick().prop_map(SnsCall::ListTagsForResource),
        pick().prop_map(SnsCall::DeleteTopic),
        Just(SnsCall::ListTopics),
    ]
    .prop_map(ServiceCall::Sns)
    .boxed()
}

/// Generates cases over `services`: a world, one to three resources and one
/// to six calls, each of one of the services.
///
/// # Panics
///
/// When `services` is empty.
pub fn case(services: &[Service]) -> impl Strategy<Value = Case> {
    assert!(!services.is_empty(), "generate cases for at least one service");
    let resource_strategies: Vec<BoxedStrategy<ResourceSpec>> = services
        .iter()
        .map(|service| match service {
            Service::Sqs => queue(),
            Service::Sns => topic(),
            Service::Kms => key(),
            Service::SecretsManager => secret(),
            Service::S3 => bucket(),
            Service::Lambda => lambda_resource(),
        })
        .collect();
    let call_strategies: Vec<BoxedStrategy<ServiceCall>> = services
        .iter()
        .map(|service| match service {
            Service::Sqs => sqs_call(),
            Service::Sns => sns_call(),
            Service::Kms => kms_call(),
            Service::SecretsManager => secret_call(),
            Service::S3 => s3_call(),
            Service::Lambda => lambda_call(),
        })
        .collect();
    let resources = proptest::collection::vec(proptest::strategy::Union::new(resource_strategies), 1..=3);
    let call = (place(), any::<bool>(), proptest::strategy::Union::new(call_strategies))
        .prop_map(|(caller, decoy, call)| CallSpec { caller, decoy, call });
    let calls = proptest::collection::vec(call, 1..=6);
    // Calls come first, so that shrinking drops calls before it simplifies the world.
    (calls, resources, world()).prop_map(|(calls, resources, world)| Case { world, resources, calls })
}
