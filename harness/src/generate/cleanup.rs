//! Deleting what a generated case created, so that exploring a live target
//! leaves no case's resources behind.
//!
//! [`cleanup_scenario`] turns a case and its run into a scenario of
//! deletions. Each deletion is made by the actor of the resource's own
//! namespace and names the resource by the URL or ARN the run returned, so
//! the deletions need no captured variables. The explorer runs it after each
//! case on a live target and ignores its outcomes: a resource the target
//! never created, or already deleted, simply fails to delete.
//!
//! KMS keys cannot be deleted at once. Their aliases are deleted and the
//! keys scheduled for deletion after 7 days, the shortest waiting period
//! (<https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html>).

use serde_json::{Value, json};

use super::emit::{GENERATED_ID, Generated};
use super::properties::created_values;
use crate::report::ScenarioResult;
use crate::scenario::{Call, Scenario, Step};
use crosscheck_emulator::store::Namespace;

/// The minimum waiting period ScheduleKeyDeletion accepts (`PendingWindowInDays`).
const MIN_PENDING_WINDOW_DAYS: u32 = 7;

/// Builds the scenario that deletes every resource `generated` created in
/// the run `result`: functions (the fixture's and those UseLayer calls
/// created), layers, secrets, buckets with their objects, topics, queues,
/// and KMS aliases with their keys.
pub fn cleanup_scenario(generated: &Generated, result: &ScenarioResult) -> Scenario {
    let mut builder = CleanupBuilder { generated, steps: Vec::new() };

    for function in &generated.functions {
        builder.push(&function.namespace, "lambda", "DeleteFunction", json!({ "FunctionName": function.arn }));
    }
    // A UseLayer call creates a function outside the fixture, in its caller's
    // namespace, so that caller deletes it by name.
    for (step, facts) in generated.scenario.steps.iter().zip(&generated.steps) {
        if facts.fixture || step.call.service != "lambda" || step.call.operation != "CreateFunction" {
            continue;
        }
        let Some(name) = step.input.get("FunctionName") else { continue };
        let input = json!({ "FunctionName": name });
        builder.push_as(step.actor.clone(), "lambda", "DeleteFunction", input);
    }
    for layer in &generated.layers {
        let input = json!({ "LayerName": layer.arn, "VersionNumber": 1 });
        builder.push(&layer.namespace, "lambda", "DeleteLayerVersion", input);
    }

    let secret_arns =
        created_values(generated, result, ("CreateSecret", "/ARN"), generated.secrets.len(), |facts| facts.secret);
    for (secret, arn) in generated.secrets.iter().zip(secret_arns) {
        let Some(arn) = arn else { continue };
        let input = json!({ "SecretId": arn, "ForceDeleteWithoutRecovery": true });
        builder.push(&secret.namespace, "secretsmanager", "DeleteSecret", input);
    }

    for bucket in &generated.buckets {
        for key in written_keys(generated, &bucket.name) {
            builder.push(&bucket.namespace, "s3", "DeleteObject", json!({ "Bucket": bucket.name, "Key": key }));
        }
        builder.push(&bucket.namespace, "s3", "DeleteBucket", json!({ "Bucket": bucket.name }));
    }

    for topic in &generated.topics {
        builder.push(&topic.namespace, "sns", "DeleteTopic", json!({ "TopicArn": topic.arn }));
    }

    let queue_urls =
        created_values(generated, result, ("CreateQueue", "/QueueUrl"), generated.queues.len(), |facts| facts.queue);
    for (queue, url) in generated.queues.iter().zip(queue_urls) {
        let Some(url) = url else { continue };
        builder.push(&queue.namespace, "sqs", "DeleteQueue", json!({ "QueueUrl": url }));
    }

    // The owner names its own key by id: moto 5.2.5 returns HTTP 500 to
    // ScheduleKeyDeletion by key ARN.
    let key_ids =
        created_values(generated, result, ("CreateKey", "/KeyMetadata/KeyId"), generated.keys.len(), |facts| facts.key);
    for (key, id) in generated.keys.iter().zip(key_ids) {
        builder.push(&key.namespace, "kms", "DeleteAlias", json!({ "AliasName": key.alias }));
        let Some(id) = id else { continue };
        let input = json!({ "KeyId": id, "PendingWindowInDays": MIN_PENDING_WINDOW_DAYS });
        builder.push(&key.namespace, "kms", "ScheduleKeyDeletion", input);
    }

    Scenario {
        id: GENERATED_ID.to_owned(),
        path: GENERATED_ID.into(),
        name: "cleanup of a generated case".to_owned(),
        description: None,
        tags: vec!["generated".to_owned()],
        profiles: generated.scenario.profiles.clone(),
        actors: generated.scenario.actors.clone(),
        steps: builder.steps,
    }
}

struct CleanupBuilder<'a> {
    generated: &'a Generated,
    steps: Vec<Step>,
}

impl CleanupBuilder<'_> {
    /// Adds a deletion made by the actor of `namespace`. A namespace without
    /// an actor in the case created nothing, so it gets no step.
    fn push(&mut self, namespace: &Namespace, service: &str, operation: &str, input: Value) {
        let actor = self
            .generated
            .scenario
            .actors
            .iter()
            .find(|actor| actor.account_id == namespace.account_id && actor.region == namespace.region);
        let Some(actor) = actor else { return };
        self.push_as(actor.name.clone(), service, operation, input);
    }

    /// Adds a deletion made by the actor named `actor`.
    fn push_as(&mut self, actor: String, service: &str, operation: &str, input: Value) {
        self.steps.push(Step {
            number: self.steps.len() + 1,
            line: 0,
            actor,
            call: Call { service: service.to_owned(), operation: operation.to_owned() },
            input,
            captures: Vec::new(),
            expect: Vec::new(),
            presign: false,
        });
    }
}

/// Returns the keys that any PutObject step of the case wrote to `bucket`, each once.
fn written_keys(generated: &Generated, bucket: &str) -> Vec<String> {
    let mut keys: Vec<String> = generated
        .scenario
        .steps
        .iter()
        .filter(|step| step.call.service == "s3" && step.call.operation == "PutObject")
        .filter(|step| step.input.get("Bucket").and_then(Value::as_str) == Some(bucket))
        .filter_map(|step| step.input.get("Key").and_then(Value::as_str).map(str::to_owned))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}
