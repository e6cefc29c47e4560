//! Turns a generated [`Case`] into an ordinary [`Scenario`]: fixture steps
//! that create the resources (decoys included) and call steps whose
//! expectation is the model's prediction for one profile.
//!
//! Every resource gets marks that tell it apart from a same-named resource of
//! another namespace: a `VisibilityTimeout` (queues), `DisplayName` (topics)
//! or `Description` (keys, secrets) no other resource of the case has, and an `owner`
//! tag naming its account and region. A call that reads a resource expects
//! those marks and its ARN, and a queue read expects its message count too.
//! So a target that returns a resource of the wrong namespace fails the
//! step's `ok` subset.

use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use crosscheck_emulator::store::Namespace;
use serde_json::{Map, Value, json};

use super::case::{
    ALIAS_NAMES, Case, KeyAddressForm, KmsCall, QUEUE_NAMES, ResourceSpec, SECRET_NAMES, SecretAddressForm, SecretCall,
    ServiceCall, SnsCall, SqsCall, TOPIC_NAMES,
};
use super::model::{
    self, KMS_POLICY_ACTIONS, KeyState, Prediction, QueueState, SECRETSMANAGER_POLICY_ACTIONS, SNS_POLICY_ACTIONS,
    SQS_POLICY_ACTIONS, SecretState, TopicState,
};
use super::policy::PolicySpec;
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
}

/// The resource a call step addresses.
#[derive(Debug, Clone, Copy, Default)]
struct Target {
    queue: Option<usize>,
    topic: Option<usize>,
    key: Option<usize>,
    secret: Option<usize>,
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
    /// `None` for fixture steps.
    pub prediction: Option<Prediction>,
}

/// Builds the scenario of `case` under `profile`. `name_suffix` is appended
/// to every resource name, so that cases run against one long-lived target
/// never meet each other's resources; it is empty for the bundled emulator,
/// which starts empty for every case.
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
            steps: Vec::new(),
            facts: Vec::new(),
            created: Vec::new(),
        }
    }

    fn queue_index(&self, namespace: &Namespace, name: &str) -> Option<usize> {
        self.queues.iter().position(|queue| queue.namespace == *namespace && queue.name == name)
    }

    /// Adds the CreateQueue step of a new queue, unless one of that name
    /// already exists in `namespace`.
    fn create_queue(&mut self, namespace: Namespace, base_name: &str, policy: Option<&PolicySpec>) {
        let name = format!("{base_name}{}", self.name_suffix);
        if self.queue_index(&namespace, &name).is_some() {
            return;
        }
        let number = self.queues.len() + 1;
        let visibility_timeout = FIRST_VISIBILITY_TIMEOUT + u32::try_from(self.queues.len()).unwrap_or(0);
        let arn = format!("arn:aws:sqs:{}:{}:{name}", namespace.region, namespace.account_id);
        let document = policy.map(|policy| policy.to_json(&self.case.world, SQS_POLICY_ACTIONS, &arn));
        let queue =
            QueueState::new(&name, namespace.clone(), format!("q{number}"), visibility_timeout, document.as_deref());

        let mut attributes = Map::new();
        attributes.insert("VisibilityTimeout".to_owned(), json!(visibility_timeout.to_string()));
        if let Some(document) = document {
            attributes.insert("Policy".to_owned(), json!(document));
        }
        let input = json!({
            "QueueName": name,
            "Attributes": attributes,
            "tags": { "owner": queue.owner_tag },
        });
        let capture = Capture {
            variable: queue.variable.clone(),
            path: ResponsePath::parse("QueueUrl").expect("a member name is a response path"),
        };
        self.push_step("sqs", &namespace, "CreateQueue", input, vec![capture], None);
        self.facts.push(StepFacts {
            fixture: true,
            caller: namespace,
            boundary: Some(Boundary::Same),
            address_kind: Some(AddressKind::Name),
            queue: Some(self.queues.len()),
            topic: None,
            key: None,
            secret: None,
            prediction: None,
        });
        self.created.push(queue.clone());
        self.queues.push(queue);
    }

    /// Adds the CreateTopic step of a new topic, unless one of that name
    /// already exists in `namespace`.
    fn create_topic(&mut self, namespace: Namespace, base_name: &str, policy: Option<&PolicySpec>) {
        let name = format!("{base_name}{}", self.name_suffix);
        if self.topic_index(&namespace, &name).is_some() {
            return;
        }
        let number = self.topics.len() + 1;
        let arn = format!("arn:aws:sns:{}:{}:{name}", namespace.region, namespace.account_id);
        let document = policy.map(|policy| policy.to_json(&self.case.world, SNS_POLICY_ACTIONS, &arn));
        let display_name = format!("topic {number}");
        let topic = TopicState::new(&name, namespace.clone(), format!("t{number}"), display_name, document.as_deref());

        let mut attributes = Map::new();
        attributes.insert("DisplayName".to_owned(), json!(topic.display_name));
        if let Some(document) = document {
            attributes.insert("Policy".to_owned(), json!(document));
        }
        let input = json!({
            "Name": name,
            "Attributes": attributes,
            "Tags": [{ "Key": "owner", "Value": topic.owner_tag }],
        });
        let capture = Capture {
            variable: topic.variable.clone(),
            path: ResponsePath::parse("TopicArn").expect("a member name is a response path"),
        };
        self.push_step("sns", &namespace, "CreateTopic", input, vec![capture], None);
        self.facts.push(StepFacts {
            fixture: true,
            caller: namespace,
            boundary: Some(Boundary::Same),
            address_kind: Some(AddressKind::Name),
            queue: None,
            topic: Some(self.topics.len()),
            key: None,
            secret: None,
            prediction: None,
        });
        self.created_topics.push(topic.clone());
        self.topics.push(topic);
    }

    /// Adds the CreateKey and CreateAlias steps of a new key, unless an
    /// alias of that name already exists in `namespace`.
    fn create_key(&mut self, namespace: Namespace, base_alias: &str, policy: Option<&PolicySpec>) {
        let alias = format!("{base_alias}{}", self.name_suffix);
        if self.keys.iter().any(|key| key.namespace == namespace && key.alias == alias) {
            return;
        }
        let number = self.keys.len() + 1;
        let description = format!("key {number}");
        let document = policy.map(|policy| {
            let generated = policy.to_json(&self.case.world, KMS_POLICY_ACTIONS, "*");
            let mut document: Value = serde_json::from_str(&generated).expect("the grammar writes JSON");
            if let Some(statements) = document["Statement"].as_array_mut() {
                statements.insert(0, model::owner_key_statement(&namespace.account_id));
            }
            document.to_string()
        });
        let key = KeyState::new(&alias, namespace.clone(), number, description, document.as_deref());

        let input = json!({
            "Description": key.description,
            "Tags": [{ "TagKey": "owner", "TagValue": format!("{}/{}", namespace.account_id, namespace.region) }],
        });
        let captures = vec![
            Capture {
                variable: key.variable.clone(),
                path: ResponsePath::parse("KeyMetadata.Arn").expect("a member path is a response path"),
            },
            Capture {
                variable: key.id_variable.clone(),
                path: ResponsePath::parse("KeyMetadata.KeyId").expect("a member path is a response path"),
            },
        ];
        let alias_input = json!({ "AliasName": alias, "TargetKeyId": format!("${{{}}}", key.id_variable) });
        let mut steps = vec![("CreateKey", input, captures), ("CreateAlias", alias_input, Vec::new())];
        // The generated policy comes last, because it may deny the owner the
        // CreateAlias call. KMS rejects a policy that would lock the caller
        // out of PutKeyPolicy unless the request bypasses that check.
        if let Some(document) = &document {
            let mut policy_input = json!({
                "KeyId": format!("${{{}}}", key.id_variable),
                "PolicyName": "default",
                "Policy": document,
            });
            let placeholder = format!("arn:aws:kms:{}:{}:key/generated", namespace.region, namespace.account_id);
            if model::needs_lockout_bypass(&key.policy, &namespace, &placeholder) {
                policy_input["BypassPolicyLockoutSafetyCheck"] = json!(true);
            }
            steps.push(("PutKeyPolicy", policy_input, Vec::new()));
        }
        let index = self.keys.len();
        for (operation, input, captures) in steps {
            self.push_step("kms", &namespace, operation, input, captures, None);
            self.facts.push(StepFacts {
                fixture: true,
                caller: namespace.clone(),
                boundary: Some(Boundary::Same),
                address_kind: None,
                queue: None,
                topic: None,
                key: Some(index),
                secret: None,
                prediction: None,
            });
        }
        self.keys.push(key);
    }

    fn kms_call(&mut self, caller: &Namespace, call: &KmsCall) {
        let (operation, form) = match call {
            KmsCall::ListAliases => {
                self.push_call_without_address("kms", caller, "ListAliases", json!({}));
                return;
            }
            KmsCall::DescribeKey(_, form) => ("DescribeKey", *form),
            KmsCall::Encrypt(_, form) => ("Encrypt", *form),
            KmsCall::GetKeyPolicy(_) => ("GetKeyPolicy", KeyAddressForm::Id),
        };
        let Some(selected) = call.key() else { return };
        let target = selected.index(self.primary_keys);
        let key = &self.keys[target];
        let (address, kind, named) = match form {
            KeyAddressForm::Id => (format!("${{{}}}", key.id_variable), AddressKind::Id, caller.clone()),
            KeyAddressForm::Arn => (format!("${{{}}}", key.variable), AddressKind::Arn, key.namespace.clone()),
            KeyAddressForm::AliasName => (key.alias.clone(), AddressKind::AliasName, caller.clone()),
            KeyAddressForm::AliasArn => (key.alias_arn.clone(), AddressKind::AliasArn, key.namespace.clone()),
        };
        let mut input = match operation {
            "Encrypt" => json!({ "Plaintext": "Z2VuZXJhdGVk" }),
            "GetKeyPolicy" => json!({ "PolicyName": "default" }),
            _ => json!({}),
        };
        input["KeyId"] = json!(address);

        // The key the address finds: by id or ARN the key itself, when the
        // id is looked up in the key's own namespace; by alias the key the
        // alias of that name in the named namespace points to.
        let found = match form {
            KeyAddressForm::Id if key.namespace != *caller => None,
            KeyAddressForm::Id | KeyAddressForm::Arn => Some(target),
            KeyAddressForm::AliasName | KeyAddressForm::AliasArn => {
                self.keys.iter().position(|candidate| candidate.namespace == named && candidate.alias == key.alias)
            }
        };
        let facts = model::facts("kms", operation);
        let prediction = if self.profile == Profile::Aws && named.region != caller.region {
            Prediction::error(facts.other_region)
        } else {
            match found {
                None => Prediction::error(OutcomeClass::NotFound),
                Some(index) => match model::decide_key_access(self.profile, caller, &self.keys[index], facts) {
                    Err(class) => Prediction::error(class),
                    Ok(()) => {
                        let found_key = &self.keys[index];
                        let arn = format!("${{{}}}", found_key.variable);
                        match operation {
                            "DescribeKey" => Prediction::ok(Some(json!({ "KeyMetadata": {
                                "Arn": arn,
                                "AWSAccountId": found_key.namespace.account_id,
                                "Description": found_key.description,
                            }}))),
                            "Encrypt" => Prediction::ok(Some(json!({ "KeyId": arn }))),
                            _ => Prediction::ok(None),
                        }
                    }
                },
            }
        };
        let target = Target { key: found, ..Target::default() };
        self.push_call("kms", caller, operation, input, prediction, Some(named), kind, target);
    }

    /// Adds the CreateSecret step of a new secret, and a PutResourcePolicy
    /// step when it has a policy, unless a secret of that name already
    /// exists in `namespace`.
    fn create_secret(&mut self, namespace: Namespace, base_name: &str, policy: Option<&PolicySpec>) {
        let name = format!("{base_name}{}", self.name_suffix);
        if self.secrets.iter().any(|secret| secret.namespace == namespace && secret.name == name) {
            return;
        }
        let number = self.secrets.len() + 1;
        // Secret policies name their secret as `*`, because the full ARN
        // ends in a random suffix that is unknown before CreateSecret.
        let document = policy.map(|policy| policy.to_json(&self.case.world, SECRETSMANAGER_POLICY_ACTIONS, "*"));
        let secret = SecretState::new(&name, namespace.clone(), number, document.as_deref());

        let input = json!({
            "Name": name,
            "SecretString": format!("value of secret {number}"),
            "Description": secret.description,
            "Tags": [{ "Key": "owner", "Value": secret.owner_tag }],
        });
        let capture = Capture {
            variable: secret.variable.clone(),
            path: ResponsePath::parse("ARN").expect("a member name is a response path"),
        };
        let mut steps = vec![("CreateSecret", input, vec![capture])];
        if let Some(document) = &document {
            let policy_input = json!({ "SecretId": format!("${{{}}}", secret.variable), "ResourcePolicy": document });
            steps.push(("PutResourcePolicy", policy_input, Vec::new()));
        }
        let index = self.secrets.len();
        for (operation, input, captures) in steps {
            self.push_step("secretsmanager", &namespace, operation, input, captures, None);
            self.facts.push(StepFacts {
                fixture: true,
                caller: namespace.clone(),
                boundary: Some(Boundary::Same),
                address_kind: None,
                queue: None,
                topic: None,
                key: None,
                secret: Some(index),
                prediction: None,
            });
        }
        self.created_secrets.push(secret.clone());
        self.secrets.push(secret);
    }

    fn secret_call(&mut self, caller: &Namespace, call: &SecretCall) {
        let step_number = self.steps.len() + 1;
        let Some((selected, form)) = call.secret() else {
            self.push_call_without_address("secretsmanager", caller, "ListSecrets", json!({}));
            return;
        };
        let (operation, mut input) = match call {
            SecretCall::DescribeSecret(..) => ("DescribeSecret", json!({})),
            SecretCall::UpdateSecret(..) => {
                ("UpdateSecret", json!({ "Description": format!("updated at step {step_number}") }))
            }
            SecretCall::DeleteResourcePolicy(..) => ("DeleteResourcePolicy", json!({})),
            SecretCall::ListSecrets => return,
        };
        let target = selected.index(self.primary_secrets);
        let secret = &self.secrets[target];
        let (address, kind, named) = match form {
            SecretAddressForm::Name => (secret.name.clone(), AddressKind::Name, caller.clone()),
            SecretAddressForm::Arn => (format!("${{{}}}", secret.variable), AddressKind::Arn, secret.namespace.clone()),
            SecretAddressForm::PartialArn => {
                (secret.partial_arn.clone(), AddressKind::PartialArn, secret.namespace.clone())
            }
        };
        input["SecretId"] = json!(address);

        let facts = model::facts("secretsmanager", operation);
        let cross_account = named.account_id != caller.account_id;
        // Secrets Manager finds the secret before it checks access: only the
        // listed operations reach another account, and only by full ARN.
        let found = match form {
            SecretAddressForm::PartialArn if cross_account => None,
            _ => {
                self.secrets.iter().position(|candidate| candidate.namespace == named && candidate.name == secret.name)
            }
        };
        let prediction = if cross_account && !facts.localstack_cross_account {
            Prediction::error(OutcomeClass::NotFound)
        } else if self.profile == Profile::Aws && named.region != caller.region {
            Prediction::error(facts.other_region)
        } else {
            match found {
                None => Prediction::error(OutcomeClass::NotFound),
                Some(index) => self.predict_secret(caller, operation, index, step_number),
            }
        };
        let target = Target { secret: found, ..Target::default() };
        self.push_call("secretsmanager", caller, operation, input, prediction, Some(named), kind, target);
    }

    /// Predicts a call on the found secret `index` and applies a predicted
    /// success to the model's state.
    fn predict_secret(&mut self, caller: &Namespace, operation: &str, index: usize, step_number: usize) -> Prediction {
        let facts = model::facts("secretsmanager", operation);
        let secret = &self.secrets[index];
        let arn = format!("{}-secret", secret.partial_arn);
        if let Err(class) =
            model::decide_access(self.profile, caller, &secret.namespace, &arn, secret.policy.as_ref(), facts)
        {
            return Prediction::error(class);
        }
        let secret = &mut self.secrets[index];
        let arn = format!("${{{}}}", secret.variable);
        match operation {
            "DescribeSecret" => {
                Prediction::ok(Some(json!({ "ARN": arn, "Name": secret.name, "Description": secret.description })))
            }
            "UpdateSecret" => {
                secret.description = format!("updated at step {step_number}");
                Prediction::ok(Some(json!({ "ARN": arn, "Name": secret.name })))
            }
            "DeleteResourcePolicy" => {
                secret.policy = None;
                Prediction::ok(Some(json!({ "ARN": arn, "Name": secret.name })))
            }
            _ => Prediction::ok(None),
        }
    }

    fn topic_index(&self, namespace: &Namespace, name: &str) -> Option<usize> {
        self.topics.iter().position(|topic| topic.namespace == *namespace && topic.name == name)
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
            }
        }
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
                _ => {}
            }
        }
    }

    fn sns_call(&mut self, caller: &Namespace, call: &SnsCall) {
        let step_number = self.steps.len() + 1;
        let (operation, input) = match call {
            SnsCall::ListTopics => {
                self.push_call_without_address("sns", caller, "ListTopics", json!({}));
                return;
            }
            SnsCall::GetTopicAttributes(_) => ("GetTopicAttributes", json!({})),
            SnsCall::Publish(_) => ("Publish", json!({ "Message": format!("step {step_number}") })),
            SnsCall::SetTopicAttributes(_) => (
                "SetTopicAttributes",
                json!({ "AttributeName": "DisplayName", "AttributeValue": format!("set at step {step_number}") }),
            ),
            SnsCall::ListTagsForResource(_) => ("ListTagsForResource", json!({})),
            SnsCall::DeleteTopic(_) => ("DeleteTopic", json!({})),
        };
        let Some(selected) = call.topic() else { return };
        let target = selected.index(self.primary_topics);
        let member = if operation == "ListTagsForResource" { "ResourceArn" } else { "TopicArn" };
        let mut input = input;
        input[member] = json!(format!("${{{}}}", self.topics[target].variable));

        let prediction = self.predict_topic(caller, operation, target, step_number);
        let namespace = self.topics[target].namespace.clone();
        let target = Target { topic: Some(target), ..Target::default() };
        self.push_call("sns", caller, operation, input, prediction, Some(namespace), AddressKind::Arn, target);
    }

    /// Predicts a call on topic `target` by its ARN, and applies a predicted
    /// success to the model's state.
    fn predict_topic(&mut self, caller: &Namespace, operation: &str, target: usize, step_number: usize) -> Prediction {
        let facts = model::facts("sns", operation);
        let topic = &self.topics[target];
        let policy = topic.policy.as_ref().filter(|_| topic.exists);
        if let Err(class) = model::decide_access(self.profile, caller, &topic.namespace, &topic.arn, policy, facts) {
            return Prediction::error(class);
        }
        // DeleteTopic is idempotent: a topic that does not exist is no error
        // (https://docs.aws.amazon.com/sns/latest/api/API_DeleteTopic.html).
        if !topic.exists {
            let idempotent = operation == "DeleteTopic";
            return if idempotent { Prediction::ok(None) } else { Prediction::error(OutcomeClass::NotFound) };
        }

        let topic = &mut self.topics[target];
        match operation {
            "GetTopicAttributes" => Prediction::ok(Some(json!({ "Attributes": {
                "TopicArn": topic.arn,
                "DisplayName": topic.display_name,
                "Owner": topic.namespace.account_id,
            }}))),
            "ListTagsForResource" => {
                Prediction::ok(Some(json!({ "Tags": [{ "Key": "owner", "Value": topic.owner_tag }] })))
            }
            "SetTopicAttributes" => {
                topic.display_name = format!("set at step {step_number}");
                Prediction::ok(None)
            }
            "DeleteTopic" => {
                topic.exists = false;
                topic.policy = None;
                Prediction::ok(None)
            }
            _ => Prediction::ok(None),
        }
    }

    fn sqs_call(&mut self, caller: &Namespace, call: &SqsCall) {
        let step_number = self.steps.len() + 1;
        let target = call.queue().map(|selected| selected.index(self.primary_queues));

        let (operation, input) = match call {
            SqsCall::GetQueueUrl { queue, owner } => {
                let name = self.queues[queue.index(self.primary_queues)].name.clone();
                let owner_account = owner.map(|selected| self.case.world.account(selected).id.clone());
                let account_id = owner_account.clone().unwrap_or_else(|| caller.account_id.clone());
                let namespace = Namespace::new(&account_id, &caller.region);
                let mut input = json!({ "QueueName": name });
                if let Some(owner_account) = owner_account {
                    input["QueueOwnerAWSAccountId"] = json!(owner_account);
                }
                let found = self.queue_index(&namespace, &name).filter(|index| self.queues[*index].exists);
                let prediction = self.predict_by_name(caller, &namespace, &name, found);
                let target = Target { queue: found, ..Target::default() };
                self.push_call(
                    "sqs",
                    caller,
                    "GetQueueUrl",
                    input,
                    prediction,
                    Some(namespace),
                    AddressKind::Name,
                    target,
                );
                return;
            }
            SqsCall::ListQueues => {
                self.push_call_without_address("sqs", caller, "ListQueues", json!({}));
                return;
            }
            SqsCall::GetQueueAttributes(_) => (
                "GetQueueAttributes",
                json!({ "AttributeNames": ["VisibilityTimeout", "QueueArn", "ApproximateNumberOfMessages"] }),
            ),
            SqsCall::SendMessage(_) => ("SendMessage", json!({ "MessageBody": format!("step {step_number}") })),
            SqsCall::ListQueueTags(_) => ("ListQueueTags", json!({})),
            SqsCall::TagQueue(_) => ("TagQueue", json!({ "Tags": { "touched": format!("step-{step_number}") } })),
            SqsCall::SetQueueAttributes(_) => {
                let value = SET_VISIBILITY_TIMEOUT_BASE + u32::try_from(step_number).unwrap_or(0);
                ("SetQueueAttributes", json!({ "Attributes": { "VisibilityTimeout": value.to_string() } }))
            }
            SqsCall::PurgeQueue(_) => ("PurgeQueue", json!({})),
            SqsCall::DeleteQueue(_) => ("DeleteQueue", json!({})),
        };

        let Some(target) = target else { return };
        let mut input = input;
        input["QueueUrl"] = json!(format!("${{{}}}", self.queues[target].variable));
        let prediction = self.predict_by_url(caller, operation, target, step_number);
        let namespace = self.queues[target].namespace.clone();
        let target = Target { queue: Some(target), ..Target::default() };
        self.push_call("sqs", caller, operation, input, prediction, Some(namespace), AddressKind::Url, target);
    }

    /// Predicts a call that names queue `target` by its URL, and applies a
    /// predicted success to the model's state.
    fn predict_by_url(&mut self, caller: &Namespace, operation: &str, target: usize, step_number: usize) -> Prediction {
        let facts = model::facts("sqs", operation);
        let queue = &self.queues[target];
        let policy = queue.policy.as_ref().filter(|_| queue.exists);
        if let Err(class) = model::decide_access(self.profile, caller, &queue.namespace, &queue.arn, policy, facts) {
            return Prediction::error(class);
        }
        if !queue.exists {
            return Prediction::error(OutcomeClass::NotFound);
        }

        let queue = &mut self.queues[target];
        match operation {
            "GetQueueAttributes" => Prediction::ok(Some(json!({ "Attributes": {
                "VisibilityTimeout": queue.visibility_timeout.to_string(),
                "QueueArn": queue.arn,
                "ApproximateNumberOfMessages": queue.messages.to_string(),
            }}))),
            "ListQueueTags" => Prediction::ok(Some(json!({ "Tags": { "owner": queue.owner_tag } }))),
            "SendMessage" => {
                queue.messages += 1;
                Prediction::ok(None)
            }
            "SetQueueAttributes" => {
                queue.visibility_timeout = SET_VISIBILITY_TIMEOUT_BASE + u32::try_from(step_number).unwrap_or(0);
                Prediction::ok(None)
            }
            "PurgeQueue" if queue.purged => {
                Prediction { class: OutcomeClass::Error, code: Some("PurgeQueueInProgress"), subset: None }
            }
            "PurgeQueue" => {
                queue.purged = true;
                queue.messages = 0;
                Prediction::ok(None)
            }
            "DeleteQueue" => {
                queue.exists = false;
                queue.policy = None;
                Prediction::ok(None)
            }
            _ => Prediction::ok(None),
        }
    }

    /// Predicts GetQueueUrl for `name` in `namespace`; `found` is the live queue there.
    fn predict_by_name(
        &self,
        caller: &Namespace,
        namespace: &Namespace,
        name: &str,
        found: Option<usize>,
    ) -> Prediction {
        let facts = model::facts("sqs", "GetQueueUrl");
        let queue = found.map(|index| &self.queues[index]);
        let arn = format!("arn:aws:sqs:{}:{}:{name}", namespace.region, namespace.account_id);
        let policy = queue.and_then(|queue| queue.policy.as_ref());
        if let Err(class) = model::decide_access(self.profile, caller, namespace, &arn, policy, facts) {
            return Prediction::error(class);
        }
        match queue {
            Some(queue) => Prediction::ok(Some(json!({ "QueueUrl": format!("${{{}}}", queue.variable) }))),
            None => Prediction::error(OutcomeClass::NotFound),
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
