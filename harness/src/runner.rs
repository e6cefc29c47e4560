//! Runs a scenario against a target under one profile.
//!
//! [`run_scenario`] starts the target, performs the steps in order and
//! returns a [`ScenarioResult`]. For each step it fills `${variable}`s from
//! earlier captures and resolves the step's resource address to find the
//! boundary it crosses. It then makes the call through the service's driver
//! and checks the outcome against the profile's expectation. Last, it
//! captures variables from a successful response and normalises the
//! response for snapshots.
//!
//! The boundary must not depend on the shape of the target's addresses.
//! moto, and the emulator with `--queue-url-strategy off`, return queue URLs
//! without a region (`http://127.0.0.1:5000/111111111111/q`). So the runner
//! remembers, per captured string, the namespace the resource was created or
//! found in ([`KnownNamespaces`]). A later URL or ARN that does not carry
//! its account or region takes the missing part from there, and only then
//! from the caller. A global name (an S3 bucket name) names no namespace at
//! all, so the runner remembers the namespace of the first call that
//! succeeds on it, which in a scenario is the call that creates it, until a
//! call that deletes it succeeds.
//!
//! A step whose expectation does not hold does not stop the run: later steps
//! still run, so a report shows every difference. A step that needs a
//! variable its capturing step never set is recorded as not run.

use std::collections::HashMap;
use std::time::Instant;

use aws_config::SdkConfig;
use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use crosscheck_emulator::store::Namespace;
use serde_json::Value;

use crate::check::check_outcome;
use crate::driver::{Operation, Registry, ResolvedAddress, stable_presigned_url};
use crate::error::Result;
use crate::outcome::OutcomeClass;
use crate::outcome::normalise::Normaliser;
use crate::report::redact::ReasonRedactor;
use crate::report::{ScenarioResult, StepResult, Verdict};
use crate::scenario::template::{self, Variables};
use crate::scenario::{Actor, Scenario, Step};
use crate::target::{Target, TargetSpec};

/// Starts `target` for `profile`, runs every step of `scenario` and stops the target.
///
/// Fails only when the target cannot be started; what the target does is in the result.
pub async fn run_scenario(
    scenario: &Scenario,
    profile: Profile,
    target: &TargetSpec,
    registry: &Registry,
) -> Result<ScenarioResult> {
    let started = Instant::now();
    let running = target.start(profile).await?;
    let steps = run_steps(scenario, profile, &running, registry).await;
    running.shutdown().await;

    Ok(ScenarioResult {
        scenario_id: scenario.id.clone(),
        name: scenario.name.clone(),
        profile,
        target: target.name().to_owned(),
        steps,
        duration: started.elapsed(),
    })
}

async fn run_steps(scenario: &Scenario, profile: Profile, target: &Target, registry: &Registry) -> Vec<StepResult> {
    let mut configs: HashMap<&str, SdkConfig> = HashMap::new();
    let mut variables = Variables::new();
    let mut known = KnownNamespaces::default();
    let mut normaliser = Normaliser::new();
    let mut redactor = ReasonRedactor::new();
    let mut results = Vec::with_capacity(scenario.steps.len());

    for step in &scenario.steps {
        // The loader guarantees that the actor exists.
        let Some(actor) = scenario.actor(&step.actor) else {
            results.push(not_run(step, profile, format!("unknown actor {:?}", step.actor)));
            continue;
        };
        if !configs.contains_key(actor.name.as_str()) {
            match target.sdk_config(actor) {
                Ok(config) => {
                    configs.insert(actor.name.as_str(), config);
                }
                Err(error) => {
                    results.push(not_run(step, profile, error.to_string()));
                    continue;
                }
            }
        }
        let config = &configs[actor.name.as_str()];
        let state = StepState {
            variables: &mut variables,
            known: &mut known,
            normaliser: &mut normaliser,
            redactor: &mut redactor,
        };
        let result = run_step(step, profile, actor, config, registry, state).await;
        tracing::debug!(scenario = %scenario.id, %profile, step = step.number, verdict = result.verdict.label(), "step finished");
        results.push(result);
    }

    results
}

/// The state one step of a scenario passes to the next.
struct StepState<'a> {
    variables: &'a mut Variables,
    known: &'a mut KnownNamespaces,
    normaliser: &'a mut Normaliser,
    redactor: &'a mut ReasonRedactor,
}

async fn run_step(
    step: &Step,
    profile: Profile,
    actor: &Actor,
    config: &SdkConfig,
    registry: &Registry,
    state: StepState<'_>,
) -> StepResult {
    let StepState { variables, known, normaliser, redactor } = state;
    let input = match template::substitute(&step.input, variables) {
        Ok(input) => input,
        Err(name) => {
            let reason = format!("${{{name}}} has no value because the step that captures it failed");
            return not_run(step, profile, reason);
        }
    };
    let Value::Object(input) = input else {
        return invalid(step, profile, "the input is not a mapping".to_owned());
    };

    let (driver, operation) = match registry.operation(&step.call.service, &step.call.operation) {
        Ok(found) => found,
        Err(error) => return invalid(step, profile, format!("no driver for {}: {error:?}", step.call)),
    };

    let caller = actor.namespace();
    let address = resolve_address(operation, &input, &caller, known);
    let boundary = match (&operation.address, &address) {
        (None, _) => Some(Boundary::Same),
        (Some(_), Some(resolved)) => Some(Boundary::between(&caller, &resolved.namespace)),
        (Some(_), None) => None,
    };
    let address_kind = address.as_ref().map(|resolved| resolved.kind);
    let expectation = step.expectation(profile).cloned();

    let sent = if step.presign {
        driver.presign(config, operation.name, &input).await
    } else {
        driver.call(config, operation.name, &input).await
    };
    let outcome = match sent {
        Ok(outcome) => outcome,
        Err(error) => {
            let mut result = invalid(step, profile, format!("{} {error}", step.call));
            result.boundary = boundary;
            result.address_kind = address_kind;
            return result;
        }
    };

    let mut differences = check_outcome(expectation.as_ref(), &outcome, variables);
    if outcome.class == OutcomeClass::Ok {
        for capture in &step.captures {
            match capture.path.lookup(&outcome.response) {
                Some(value) => {
                    // A creating call without an address made its resource in the caller's namespace.
                    let namespace = address.as_ref().map_or(&caller, |resolved| &resolved.namespace);
                    known.remember(&value, namespace);
                    variables.insert(capture.variable.clone(), value.into_owned());
                }
                None => differences
                    .push(format!("capture {}: the response has no value at {}", capture.variable, capture.path)),
            }
        }
    }

    // A global name, such as an S3 bucket name, names no namespace, and the
    // response of the call that creates it (CreateBucket) carries nothing to
    // capture. So the first call that succeeds on such a name claims it for
    // the namespace it resolved to: the creator's account and the region the
    // driver read from the input. A successful call that frees the name
    // (DeleteBucket) releases the claim, so the next creator claims it anew.
    // A presigned step sends nothing to the target, so it claims nothing.
    if outcome.class == OutcomeClass::Ok
        && !step.presign
        && let Some(resolved) = address.as_ref().filter(|resolved| resolved.kind == AddressKind::GlobalName)
        && let Some(value) = address_value(operation, &input)
    {
        let releases_name = operation.address.is_some_and(|member| member.releases_name);
        if releases_name {
            known.forget(&value);
        } else if known.get(&value).is_none() {
            known.remember(&Value::String(value), &resolved.namespace);
        }
    }

    let normalised_response = if step.presign {
        normaliser.normalise(&stable_presigned_response(&outcome.response))
    } else {
        normaliser.normalise(&outcome.response)
    };
    let verdict =
        if differences.is_empty() { Verdict::Holds } else { Verdict::Differs(redactor.redact_all(differences)) };

    StepResult {
        number: step.number,
        actor: step.actor.clone(),
        operation: step.call.to_string(),
        boundary,
        address_kind,
        expectation,
        outcome: Some(outcome),
        normalised_response,
        verdict,
    }
}

/// Replaces a presigned request's URL with [`stable_presigned_url`] for snapshots.
fn stable_presigned_response(response: &Value) -> Value {
    let mut stable = response.clone();
    if let Some(Value::String(url)) = stable.get_mut("URL") {
        *url = stable_presigned_url(url);
    }
    stable
}

/// Resolves the step's resource address from the substituted input.
///
/// An address member that contains a list is resolved by its first item, so a
/// batch call that names resources of several namespaces gets the boundary
/// of the first one.
///
/// The driver resolves the address against a caller with an empty account
/// and region, so an empty part in its result is one the address does not
/// carry. A URL or ARN takes a missing part from the namespace `known`
/// remembers for the exact same string, then from `caller`. A bare name, id
/// or alias name always acts in the caller's namespace, so it takes missing
/// parts from `caller` only.
fn resolve_address(
    operation: &Operation,
    input: &serde_json::Map<String, Value>,
    caller: &Namespace,
    known: &KnownNamespaces,
) -> Option<ResolvedAddress> {
    let member = operation.address?;
    let value = address_value(operation, input)?;

    let unplaced = Namespace::new("", "");
    let mut resolved = (member.resolve)(&value, input, &unplaced)?;
    let locates_resource = !matches!(resolved.kind, AddressKind::Name | AddressKind::Id | AddressKind::AliasName);
    let remembered = if locates_resource { known.get(&value) } else { None };

    // A global name that a call in this scenario already claimed names that
    // resource, whatever namespace the input would give a new one.
    if resolved.kind == AddressKind::GlobalName
        && let Some(owner) = remembered
    {
        resolved.namespace = owner.clone();
        return Some(resolved);
    }

    let namespace = &mut resolved.namespace;
    if namespace.account_id.is_empty() {
        namespace.account_id = remembered.map_or(&caller.account_id, |known| &known.account_id).clone();
    }
    if namespace.region.is_empty() {
        namespace.region = remembered.map_or(&caller.region, |known| &known.region).clone();
    }
    Some(resolved)
}

/// Returns the text of the step's address member. A list of addresses, such
/// as BatchGetSecretValue's SecretIdList, is represented by its first item.
fn address_value(operation: &Operation, input: &serde_json::Map<String, Value>) -> Option<String> {
    let value = match input.get(operation.address?.member)? {
        Value::Array(items) => items.first()?,
        single => single,
    };
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The namespace each captured string was created or found in, keyed by the
/// exact string, e.g. a queue URL captured from CreateQueue.
#[derive(Debug, Default)]
pub(crate) struct KnownNamespaces {
    by_value: HashMap<String, Namespace>,
}

impl KnownNamespaces {
    /// Remembers `namespace` for a captured string; other values are ignored
    /// because addresses are strings. A later capture of the same string wins.
    pub(crate) fn remember(&mut self, value: &Value, namespace: &Namespace) {
        if let Value::String(text) = value {
            self.by_value.insert(text.clone(), namespace.clone());
        }
    }

    pub(crate) fn get(&self, value: &str) -> Option<&Namespace> {
        self.by_value.get(value)
    }

    /// Forgets the namespace of a string, such as a deleted bucket's name.
    pub(crate) fn forget(&mut self, value: &str) {
        self.by_value.remove(value);
    }
}

fn not_run(step: &Step, profile: Profile, reason: String) -> StepResult {
    empty_result(step, profile, Verdict::NotRun(reason))
}

fn invalid(step: &Step, profile: Profile, reason: String) -> StepResult {
    empty_result(step, profile, Verdict::InvalidScenario(reason))
}

fn empty_result(step: &Step, profile: Profile, verdict: Verdict) -> StepResult {
    StepResult {
        number: step.number,
        actor: step.actor.clone(),
        operation: step.call.to_string(),
        boundary: None,
        address_kind: None,
        expectation: step.expectation(profile).cloned(),
        outcome: None,
        normalised_response: Value::Null,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const URL_WITHOUT_REGION: &str = "http://127.0.0.1:5000/111111111111/q";

    fn resolve(operation: &str, input: &Value, caller: &Namespace, known: &KnownNamespaces) -> Option<Namespace> {
        resolve_in("sqs", operation, input, caller, known)
    }

    fn resolve_in(
        service: &str,
        operation: &str,
        input: &Value,
        caller: &Namespace,
        known: &KnownNamespaces,
    ) -> Option<Namespace> {
        let registry = Registry::with_default_drivers();
        let (_, operation) = registry.operation(service, operation).expect("the operation exists");
        let Value::Object(input) = input else { panic!("the input is a mapping") };
        resolve_address(operation, input, caller, known).map(|resolved| resolved.namespace)
    }

    fn owner() -> Namespace {
        Namespace::new("111111111111", "ap-south-1")
    }

    fn caller() -> Namespace {
        Namespace::new("222222222222", "eu-central-1")
    }

    #[test]
    fn url_without_region_takes_remembered_namespace() {
        let mut known = KnownNamespaces::default();
        known.remember(&json!(URL_WITHOUT_REGION), &owner());

        let found = resolve("GetQueueAttributes", &json!({ "QueueUrl": URL_WITHOUT_REGION }), &caller(), &known);

        assert_eq!(found, Some(owner()));
        assert_eq!(Boundary::between(&caller(), &owner()), Boundary::CrossAccountAndRegion);
    }

    #[test]
    fn claimed_bucket_takes_remembered_namespace() {
        let mut known = KnownNamespaces::default();
        known.remember(&json!("shared"), &owner());
        let input = json!({ "Bucket": "shared", "CreateBucketConfiguration": { "LocationConstraint": "us-west-2" } });

        let created = resolve_in("s3", "CreateBucket", &input, &caller(), &known);
        let read = resolve_in("s3", "GetObject", &json!({ "Bucket": "shared", "Key": "k" }), &caller(), &known);

        assert_eq!(created, Some(owner()));
        assert_eq!(read, Some(owner()));
    }

    #[test]
    fn new_bucket_takes_caller_account_and_constraint() {
        let known = KnownNamespaces::default();
        let input = json!({ "Bucket": "fresh", "CreateBucketConfiguration": { "LocationConstraint": "us-west-2" } });

        let found = resolve_in("s3", "CreateBucket", &input, &caller(), &known);

        assert_eq!(found, Some(Namespace::new(&caller().account_id, "us-west-2")));
    }

    #[test]
    fn unclaimed_bucket_takes_caller_namespace() {
        let known = KnownNamespaces::default();

        let found = resolve_in("s3", "GetObject", &json!({ "Bucket": "elsewhere" }), &caller(), &known);

        assert_eq!(found, Some(caller()));
    }

    #[test]
    fn url_without_region_unknown_takes_caller_region() {
        let known = KnownNamespaces::default();

        let found = resolve("GetQueueAttributes", &json!({ "QueueUrl": URL_WITHOUT_REGION }), &caller(), &known);

        assert_eq!(found, Some(Namespace::new("111111111111", "eu-central-1")));
    }

    #[test]
    fn url_with_region_ignores_remembered_namespace() {
        let url = "http://sqs.ap-south-1.localhost.localstack.cloud:4566/111111111111/q";
        let mut known = KnownNamespaces::default();
        known.remember(&json!(url), &Namespace::new("333333333333", "us-west-2"));

        let found = resolve("GetQueueAttributes", &json!({ "QueueUrl": url }), &caller(), &known);

        assert_eq!(found, Some(owner()));
    }

    #[test]
    fn queue_name_ignores_remembered_namespace() {
        let mut known = KnownNamespaces::default();
        known.remember(&json!("q"), &owner());

        let found = resolve("GetQueueUrl", &json!({ "QueueName": "q" }), &caller(), &known);

        assert_eq!(found, Some(caller()), "a bare queue name acts in the caller's namespace");
    }

    #[test]
    fn queue_name_with_owner_takes_caller_region() {
        let known = KnownNamespaces::default();
        let input = json!({ "QueueName": "q", "QueueOwnerAWSAccountId": "111111111111" });

        let found = resolve("GetQueueUrl", &input, &caller(), &known);

        assert_eq!(found, Some(Namespace::new("111111111111", "eu-central-1")));
    }

    #[test]
    fn address_list_resolves_by_first_item() {
        let known = KnownNamespaces::default();
        let first = "arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-AbC123";
        let input = json!({ "SecretIdList": [first, "own-secret"] });

        let found = resolve_in("secretsmanager", "BatchGetSecretValue", &input, &caller(), &known);

        assert_eq!(found, Some(owner()));
        let empty = json!({ "SecretIdList": [] });
        assert_eq!(resolve_in("secretsmanager", "BatchGetSecretValue", &empty, &caller(), &known), None);
    }

    #[test]
    fn remember_ignores_values_other_than_strings() {
        let mut known = KnownNamespaces::default();
        known.remember(&json!(["a"]), &owner());
        known.remember(&json!(7), &owner());

        assert!(known.by_value.is_empty(), "{:?}", known.by_value);
    }
}
