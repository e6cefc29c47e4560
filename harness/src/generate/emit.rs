//! Turns a generated [`Case`] into an ordinary [`Scenario`]: fixture steps
//! that create the resources (decoys included) and call steps whose
//! expectation is the model's prediction for one profile.
//!
//! Every resource gets marks that tell it apart from a same-named resource of
//! another namespace. One is a `VisibilityTimeout` (queues), `DisplayName`
//! (topics) or `Description` (keys, secrets, functions) that no other
//! resource of the case has. The other is an `owner` tag naming its account
//! and region. A function's handler returns its mark and the ARN it was
//! invoked by. A call that reads a resource expects those marks and its ARN,
//! and a queue read expects its message count too.
//! So a target that returns a resource of the wrong namespace fails the
//! step's `ok` subset.

mod kms;
mod lambda;
mod s3;
mod secretsmanager;
mod sns;
mod sqs;

use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use crosscheck_emulator::store::Namespace;
use serde_json::{Map, Value, json};

use super::case::{
    ALIAS_NAMES, BUCKET_NAMES, Case, FUNCTION_ALIAS, FUNCTION_NAMES, FUNCTION_VERSION, FunctionAddressForm,
    KeyAddressForm, KmsCall, LAYER_NAME, LambdaCall, LayerAddressForm, OBJECT_KEYS, PermissionSpec, PrincipalForm, QUEUE_NAMES,
    ResourceSpec, S3Call, SECRET_NAMES, SecretAddressForm, SecretCall, ServiceCall, SnsCall, SqsCall, TOPIC_NAMES,
};
use super::model::{
    self, BucketState, FunctionState, KMS_POLICY_ACTIONS, KeyState, LayerState, Prediction, QueueState,
    S3_POLICY_ACTIONS, SECRETSMANAGER_POLICY_ACTIONS, SNS_POLICY_ACTIONS, SQS_POLICY_ACTIONS, SecretState, TopicState,
};
use super::policy::PolicySpec;
use super::world::Pick;
use crate::outcome::OutcomeClass;
use crate::scenario::{Call, Capture, ErrorMatcher, Expectation, ExpectedOutcome, ResponsePath, Scenario, Step};

/// The first `VisibilityTimeout` fixture queues get; each next queue gets one more.
const FIRST_VISIBILITY_TIMEOUT: u32 = 11;

/// SetQueueAttributes sets this plus the step number, so each value is unique in a case.
const SET_VISIBILITY_TIMEOUT_BASE: u32 = 100;

/// The `id` of generated scenarios, until a counterexample is written to a file.
pub const GENERATED_ID: &str = "generated.yaml";

/// A generated scenario and the model's facts about each step.
#[derive(Debug, Clone)]
pub struct Generated {
    pub scenario: Scenario,
    /// One entry per step, in step order.
    pub steps: Vec<StepFacts>,
    /// Every queue the fixture creates, decoys included, as created.
    pub queues: Vec<QueueState>,
    /// Every topic the fixture creates, decoys included, as created.
    pub topics: Vec<TopicState>,
    /// Every KMS key the fixture creates, decoys included.
    pub keys: Vec<KeyState>,
    /// Every secret the fixture creates, decoys included, as created.
    pub secrets: Vec<SecretState>,
    /// Every bucket the fixture creates, as created.
    pub buckets: Vec<BucketState>,
    /// Every Lambda function the fixture creates, decoys included, as created.
    pub functions: Vec<FunctionState>,
    /// Every Lambda layer the fixture publishes, decoys included.
    pub layers: Vec<LayerState>,
}

/// The resource a call step addresses.
#[derive(Debug, Clone, Copy, Default)]
struct Target {
    queue: Option<usize>,
    topic: Option<usize>,
    key: Option<usize>,
    secret: Option<usize>,
    bucket: Option<usize>,
    function: Option<usize>,
    layer: Option<usize>,
}

/// The model's facts about one step.
#[derive(Debug, Clone)]
pub struct StepFacts {
    /// Whether the step is part of the fixture, which must succeed.
    pub fixture: bool,
    pub caller: Namespace,
    /// `None` for calls that name no resource, such as ListQueues.
    pub boundary: Option<Boundary>,
    pub address_kind: Option<AddressKind>,
    /// The queue the step addresses, as an index into [`Generated::queues`].
    pub queue: Option<usize>,
    /// The topic the step addresses, as an index into [`Generated::topics`].
    pub topic: Option<usize>,
    /// The key the step addresses or creates, as an index into [`Generated::keys`].
    pub key: Option<usize>,
    /// The secret the step addresses or creates, as an index into [`Generated::secrets`].
    pub secret: Option<usize>,
    /// The bucket the step names or creates, as an index into [`Generated::buckets`].
    pub bucket: Option<usize>,
    /// The function the step addresses or creates, as an index into [`Generated::functions`].
    pub function: Option<usize>,
    /// The layer the step uses or publishes, as an index into [`Generated::layers`].
    pub layer: Option<usize>,
    /// `None` for fixture steps.
    pub prediction: Option<Prediction>,
}

/// Builds the scenario of `case` under `profile`. `name_suffix` is appended
/// to every resource name, so that cases run against one long-lived target
/// never meet each other's resources. It is empty for the bundled emulator,
/// because that starts empty for every case.
pub fn emit(case: &Case, profile: Profile, name_suffix: &str) -> Generated {
    let mut builder = Builder::new(case, profile, name_suffix);
    builder.create_queues();
    builder.call_steps();
    builder.finish()
}

struct Builder<'a> {
    case: &'a Case,
    profile: Profile,
    name_suffix: &'a str,
    queues: Vec<QueueState>,
    /// The queues created from the case's resources; calls select among these.
    primary_queues: usize,
    topics: Vec<TopicState>,
    primary_topics: usize,
    created_topics: Vec<TopicState>,
    keys: Vec<KeyState>,
    primary_keys: usize,
    secrets: Vec<SecretState>,
    primary_secrets: usize,
    created_secrets: Vec<SecretState>,
    buckets: Vec<BucketState>,
    created_buckets: Vec<BucketState>,
    functions: Vec<FunctionState>,
    primary_functions: usize,
    created_functions: Vec<FunctionState>,
    layers: Vec<LayerState>,
    primary_layers: usize,
    steps: Vec<Step>,
    facts: Vec<StepFacts>,
    created: Vec<QueueState>,
}

impl<'a> Builder<'a> {
    fn new(case: &'a Case, profile: Profile, name_suffix: &'a str) -> Builder<'a> {
        Builder {
            case,
            profile,
            name_suffix,
            queues: Vec::new(),
            primary_queues: 0,
            topics: Vec::new(),
            primary_topics: 0,
            created_topics: Vec::new(),
            keys: Vec::new(),
            primary_keys: 0,
            secrets: Vec::new(),
            primary_secrets: 0,
            created_secrets: Vec::new(),
            buckets: Vec::new(),
            created_buckets: Vec::new(),
            functions: Vec::new(),
            primary_functions: 0,
            created_functions: Vec::new(),
            layers: Vec::new(),
            primary_layers: 0,
            steps: Vec::new(),
            facts: Vec::new(),
            created: Vec::new(),
        }
    }

    fn create_queues(&mut self) {
        for resource in &self.case.resources {
            match resource {
                ResourceSpec::Queue(spec) => {
                    let namespace = self.case.world.namespace(spec.place);
                    let name = QUEUE_NAMES[spec.name.index(QUEUE_NAMES.len())];
                    self.create_queue(namespace, name, spec.policy.as_ref());
                }
                ResourceSpec::Topic(spec) => {
                    let namespace = self.case.world.namespace(spec.place);
                    let name = TOPIC_NAMES[spec.name.index(TOPIC_NAMES.len())];
                    self.create_topic(namespace, name, spec.policy.as_ref());
                }
                ResourceSpec::Key(spec) => {
                    let namespace = self.case.world.namespace(spec.place);
                    let alias = ALIAS_NAMES[spec.alias.index(ALIAS_NAMES.len())];
                    self.create_key(namespace, alias, spec.policy.as_ref());
                }
                ResourceSpec::Secret(spec) => {
                    let namespace = self.case.world.namespace(spec.place);
                    let name = SECRET_NAMES[spec.name.index(SECRET_NAMES.len())];
                    self.create_secret(namespace, name, spec.policy.as_ref());
                }
                ResourceSpec::Bucket(spec) => {
                    let namespace = self.case.world.namespace(spec.place);
                    let name = BUCKET_NAMES[spec.name.index(BUCKET_NAMES.len())];
                    self.create_bucket(namespace, name, spec.policy.as_ref());
                }
                ResourceSpec::Function(spec) => {
                    let namespace = self.case.world.namespace(spec.place);
                    let name = FUNCTION_NAMES[spec.name.index(FUNCTION_NAMES.len())];
                    self.create_function(namespace, name, spec.alias, spec.permission.as_ref());
                }
                ResourceSpec::Layer(spec) => {
                    let namespace = self.case.world.namespace(spec.place);
                    let grant = spec.grant.map(|account| self.case.world.account(account).id.clone());
                    self.publish_layer(namespace, grant.as_deref());
                }
            }
        }
        self.primary_functions = self.functions.len();
        self.primary_layers = self.layers.len();
        self.primary_keys = self.keys.len();
        self.primary_secrets = self.secrets.len();
        self.primary_queues = self.queues.len();
        self.primary_topics = self.topics.len();

        // Decoys: a same-named resource in the caller's own namespace.
        for call in &self.case.calls {
            if !call.decoy {
                continue;
            }
            let caller = self.case.world.namespace(call.caller);
            match &call.call {
                ServiceCall::Sqs(sqs_call) => {
                    let Some(selected) = sqs_call.queue().filter(|_| self.primary_queues > 0) else { continue };
                    let target = selected.index(self.primary_queues);
                    let base_name = self.queues[target].name.trim_end_matches(self.name_suffix).to_owned();
                    self.create_queue(caller, &base_name, None);
                }
                ServiceCall::Sns(sns_call) => {
                    let Some(selected) = sns_call.topic().filter(|_| self.primary_topics > 0) else { continue };
                    let target = selected.index(self.primary_topics);
                    let base_name = self.topics[target].name.trim_end_matches(self.name_suffix).to_owned();
                    self.create_topic(caller, &base_name, None);
                }
                ServiceCall::Lambda(lambda_call) if lambda_call.layer().is_some() => {
                    if self.primary_layers > 0 {
                        self.publish_layer(caller, None);
                    }
                }
                ServiceCall::Lambda(lambda_call) => {
                    let Some((selected, _)) = lambda_call.function().filter(|_| self.primary_functions > 0) else {
                        continue;
                    };
                    let target = selected.index(self.primary_functions);
                    let base_name = self.functions[target].name.trim_end_matches(self.name_suffix).to_owned();
                    self.create_function(caller, &base_name, false, None);
                }
                // Bucket names are global, so a bucket has no same-named decoy.
                ServiceCall::S3(_) => {}
                ServiceCall::SecretsManager(secret_call) => {
                    let Some((selected, _)) = secret_call.secret().filter(|_| self.primary_secrets > 0) else {
                        continue;
                    };
                    let target = selected.index(self.primary_secrets);
                    let base_name = self.secrets[target].name.trim_end_matches(self.name_suffix).to_owned();
                    self.create_secret(caller, &base_name, None);
                }
                ServiceCall::Kms(kms_call) => {
                    let Some(selected) = kms_call.key().filter(|_| self.primary_keys > 0) else { continue };
                    let target = selected.index(self.primary_keys);
                    let base_alias = self.keys[target].alias.trim_end_matches(self.name_suffix).to_owned();
                    self.create_key(caller, &base_alias, None);
                }
            }
        }
    }

    fn call_steps(&mut self) {
        for call in &self.case.calls {
            let caller = self.case.world.namespace(call.caller);
            match &call.call {
                // A call on a service without resources in this case is left out.
                ServiceCall::Sqs(sqs_call) if self.primary_queues > 0 || sqs_call.queue().is_none() => {
                    self.sqs_call(&caller, sqs_call);
                }
                ServiceCall::Sns(sns_call) if self.primary_topics > 0 || sns_call.topic().is_none() => {
                    self.sns_call(&caller, sns_call);
                }
                ServiceCall::Kms(kms_call) if self.primary_keys > 0 || kms_call.key().is_none() => {
                    self.kms_call(&caller, kms_call);
                }
                ServiceCall::SecretsManager(secret_call)
                    if self.primary_secrets > 0 || secret_call.secret().is_none() =>
                {
                    self.secret_call(&caller, secret_call);
                }
                ServiceCall::S3(s3_call) if !self.buckets.is_empty() || s3_call.bucket().is_none() => {
                    self.s3_call(&caller, s3_call);
                }
                ServiceCall::Lambda(lambda_call) if self.primary_functions > 0 || lambda_call.function().is_none() => {
                    self.lambda_call(&caller, lambda_call);
                }
                _ => {}
            }
        }
    }

    /// Adds fixture steps of `service` made by the actor of `namespace`,
    /// each creating or setting up `target`.
    fn push_fixture(
        &mut self,
        service: &str,
        namespace: &Namespace,
        steps: Vec<(&str, Value, Vec<Capture>)>,
        target: Target,
    ) {
        for (operation, input, captures) in steps {
            self.push_step(service, namespace, operation, input, captures, None);
            self.facts.push(StepFacts {
                fixture: true,
                caller: namespace.clone(),
                boundary: Some(Boundary::Same),
                address_kind: None,
                queue: target.queue,
                topic: target.topic,
                key: target.key,
                secret: target.secret,
                bucket: target.bucket,
                function: target.function,
                layer: target.layer,
                prediction: None,
            });
        }
    }

    fn push_step(
        &mut self,
        service: &str,
        caller: &Namespace,
        operation: &str,
        input: Value,
        captures: Vec<Capture>,
        prediction: Option<&Prediction>,
    ) {
        let expect = match prediction {
            Some(prediction) => vec![(self.profile, expectation(prediction, self.profile))],
            None => Vec::new(),
        };
        self.steps.push(Step {
            number: self.steps.len() + 1,
            line: 0,
            actor: self.case.world.actor_name(caller),
            call: Call { service: service.to_owned(), operation: operation.to_owned() },
            input,
            captures,
            expect,
            presign: false,
        });
    }

    #[allow(clippy::too_many_arguments, reason = "one call step is described by all of these")]
    fn push_call(
        &mut self,
        service: &str,
        caller: &Namespace,
        operation: &str,
        input: Value,
        prediction: Prediction,
        resource: Option<Namespace>,
        address_kind: AddressKind,
        target: Target,
    ) {
        self.push_step(service, caller, operation, input, Vec::new(), Some(&prediction));
        self.facts.push(StepFacts {
            fixture: false,
            caller: caller.clone(),
            boundary: resource.map(|resource| Boundary::between(caller, &resource)),
            address_kind: Some(address_kind),
            queue: target.queue,
            topic: target.topic,
            key: target.key,
            secret: target.secret,
            bucket: target.bucket,
            function: target.function,
            layer: target.layer,
            prediction: Some(prediction),
        });
    }

    fn push_call_without_address(&mut self, service: &str, caller: &Namespace, operation: &str, input: Value) {
        let prediction = Prediction::ok(None);
        self.push_step(service, caller, operation, input, Vec::new(), Some(&prediction));
        self.facts.push(StepFacts {
            fixture: false,
            caller: caller.clone(),
            boundary: None,
            address_kind: None,
            queue: None,
            topic: None,
            key: None,
            secret: None,
            bucket: None,
            function: None,
            layer: None,
            prediction: Some(prediction),
        });
    }

    fn finish(self) -> Generated {
        let accounts = self.case.world.accounts.len();
        let regions = self.case.world.regions.len();
        let calls = self.facts.iter().filter(|facts| !facts.fixture).count();
        let mut services: Vec<String> = self.steps.iter().map(|step| step.call.service.clone()).collect();
        services.sort();
        services.dedup();
        let scenario = Scenario {
            id: GENERATED_ID.to_owned(),
            path: GENERATED_ID.into(),
            name: format!("generated: {calls} calls in {accounts} accounts and {regions} regions"),
            description: None,
            tags: services.into_iter().chain(["generated".to_owned()]).collect(),
            profiles: vec![self.profile],
            // Only the actors some step uses, so a shrunk case lists no idle ones.
            actors: self
                .case
                .world
                .actors()
                .into_iter()
                .filter(|actor| self.steps.iter().any(|step| step.actor == actor.name))
                .collect(),
            steps: self.steps,
        };
        Generated {
            scenario,
            steps: self.facts,
            queues: self.created,
            topics: self.created_topics,
            keys: self.keys,
            secrets: self.created_secrets,
            buckets: self.created_buckets,
            functions: self.created_functions,
            layers: self.layers,
        }
    }
}

/// Turns a prediction into a scenario expectation. Under `aws` the model's
/// predictions rest on the documentation pages cited in [`model`], and on
/// rules AWS does not document, so they are marked unverified.
fn expectation(prediction: &Prediction, profile: Profile) -> Expectation {
    let outcome = match (prediction.class, prediction.code) {
        (OutcomeClass::Ok, _) => ExpectedOutcome::Ok(prediction.subset.clone()),
        (_, Some(code)) => ExpectedOutcome::Error(ErrorMatcher::Code(code.to_owned())),
        (class, None) => ExpectedOutcome::Error(ErrorMatcher::Class(class)),
    };
    Expectation { outcome, source: None, unverified: profile == Profile::Aws }
}
