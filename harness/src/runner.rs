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
//! A step whose expectation does not hold does not stop the run: later steps
//! still run, so a report shows every difference. A step that needs a
//! variable its capturing step never set is recorded as not run.

use std::collections::HashMap;
use std::time::Instant;

use aws_config::SdkConfig;
use crosscheck_emulator::access::{Boundary, Profile};
use serde_json::Value;

use crate::check::check_outcome;
use crate::driver::{Operation, Registry, ResolvedAddress};
use crate::error::Result;
use crate::outcome::OutcomeClass;
use crate::outcome::normalise::Normaliser;
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
    let mut normaliser = Normaliser::new();
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
        let result = run_step(step, profile, actor, config, registry, &mut variables, &mut normaliser).await;
        tracing::debug!(scenario = %scenario.id, %profile, step = step.number, verdict = result.verdict.label(), "step finished");
        results.push(result);
    }

    results
}

async fn run_step(
    step: &Step,
    profile: Profile,
    actor: &Actor,
    config: &SdkConfig,
    registry: &Registry,
    variables: &mut Variables,
    normaliser: &mut Normaliser,
) -> StepResult {
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
    let address = resolve_address(operation, &input, &caller);
    let boundary = match (&operation.address, &address) {
        (None, _) => Some(Boundary::Same),
        (Some(_), Some(resolved)) => Some(Boundary::between(&caller, &resolved.namespace)),
        (Some(_), None) => None,
    };
    let address_kind = address.as_ref().map(|resolved| resolved.kind);
    let expectation = step.expectation(profile).cloned();

    let outcome = match driver.call(config, operation.name, &input).await {
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
                    variables.insert(capture.variable.clone(), value.clone());
                }
                None => differences
                    .push(format!("capture {}: the response has no value at {}", capture.variable, capture.path)),
            }
        }
    }

    let normalised_response = normaliser.normalise(&outcome.response);
    let verdict = if differences.is_empty() { Verdict::Holds } else { Verdict::Differs(differences) };

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

/// Resolves the step's resource address from the substituted input.
fn resolve_address(
    operation: &Operation,
    input: &serde_json::Map<String, Value>,
    caller: &crosscheck_emulator::store::Namespace,
) -> Option<ResolvedAddress> {
    let member = operation.address?;
    let value = match input.get(member.member)? {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    (member.resolve)(&value, input, caller)
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
