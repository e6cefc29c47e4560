//! Generated cases: a world, the resources created in it and the calls made
//! on them, as plain data that proptest generates and shrinks.
//!
//! Resources and calls choose their namespace and their target by
//! [`Pick`], so every choice stays valid while the lists shrink. A call may
//! ask for a decoy: a resource of the same name as its target, created in
//! the caller's own namespace, which a target that answers an ARN or URL
//! from the wrong namespace would return instead of the addressed one.

use proptest::prelude::*;

use super::policy::{PolicySpec, policy};
use super::world::{Pick, Place, World, pick, place, world};

/// The services the generators cover. A new service adds a variant here,
/// its resources to [`ResourceSpec`] and its calls to [`ServiceCall`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Sqs,
}

impl Service {
    /// Every covered service.
    pub const ALL: [Service; 1] = [Service::Sqs];

    /// Returns the name scenarios and `--services` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Sqs => "sqs",
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

fn queue() -> impl Strategy<Value = ResourceSpec> {
    let policy = prop_oneof![1 => Just(None), 2 => policy().prop_map(Some)];
    (pick(), place(), policy).prop_map(|(name, place, policy)| ResourceSpec::Queue(QueueSpec { name, place, policy }))
}

fn sqs_call() -> impl Strategy<Value = SqsCall> {
    let queue = pick;
    prop_oneof![
        queue().prop_map(SqsCall::GetQueueAttributes),
        queue().prop_map(SqsCall::SendMessage),
        (queue(), proptest::option::of(pick())).prop_map(|(queue, owner)| SqsCall::GetQueueUrl { queue, owner }),
        Just(SqsCall::ListQueues),
        queue().prop_map(SqsCall::ListQueueTags),
        queue().prop_map(SqsCall::TagQueue),
        queue().prop_map(SqsCall::SetQueueAttributes),
        queue().prop_map(SqsCall::PurgeQueue),
        queue().prop_map(SqsCall::DeleteQueue),
    ]
}

fn call(services: &[Service]) -> BoxedStrategy<CallSpec> {
    // Only SQS exists so far; `services` is checked by `case`.
    let _ = services;
    (place(), any::<bool>(), sqs_call())
        .prop_map(|(caller, decoy, call)| CallSpec { caller, decoy, call: ServiceCall::Sqs(call) })
        .boxed()
}

/// Generates cases over `services`: a world, one to three resources and one
/// to six calls.
///
/// # Panics
///
/// When `services` is empty.
pub fn case(services: &[Service]) -> impl Strategy<Value = Case> {
    assert!(!services.is_empty(), "generate cases for at least one service");
    let resources = proptest::collection::vec(queue(), 1..=3);
    let calls = proptest::collection::vec(call(services), 1..=6);
    // Calls come first, so that shrinking drops calls before it simplifies the world.
    (calls, resources, world()).prop_map(|(calls, resources, world)| Case { world, resources, calls })
}
