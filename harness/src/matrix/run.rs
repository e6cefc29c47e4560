//! Runs catalogs against a target under one profile and records the cells.
//!
//! [`plan`] lists the cells: per operation, per boundary, per address kind
//! (one cell without an address for a caller-namespace operation), each with
//! its expectation. [`run_matrix`] starts the target once and runs the cells a
//! few at a time. A cell:
//!
//! 1. sets up its own fixture as the owner, with a name no other cell uses;
//! 2. calls the operation as the boundary's caller, with the address's input
//!    members added to the operation's input;
//! 3. checks the outcome against the expectation ([`crate::check`]);
//! 4. runs the fixture's cleanup as the owner, ignoring failures.
//!
//! A fixture step that fails leaves the cell `not-run`, with the reason.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use serde_json::{Map, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{BOUNDARIES, Catalog, CatalogOperation, FixtureStep, Scope, expectation_for};
use crate::check::check_outcome;
use crate::driver::Registry;
use crate::error::Result;
use crate::outcome::{Outcome, OutcomeClass};
use crate::report::matrix::{
    CellVerdict, ExpectedCell, MATRIX_FORMAT_VERSION, MatrixCell, MatrixRun, NamespaceInfo, ObservedCell, TargetInfo,
    Timings, Versions,
};
use crate::report::redact::ReasonRedactor;
use crate::scenario::template::{self, Variables};
use crate::scenario::{Actor, ErrorMatcher, Expectation, ExpectedOutcome};
use crate::target::{Target, TargetSpec};

/// Settings of a matrix run.
#[derive(Debug, Clone)]
pub struct MatrixOptions {
    /// Cells in flight at once.
    pub concurrency: usize,
    /// Starts every `${unique_name}`; the cell number follows. Live targets
    /// keep state between runs, so their prefix should differ per run.
    pub name_prefix: String,
    /// The preflight check's duration, recorded in the timings when given.
    pub preflight: Option<Duration>,
}

impl MatrixOptions {
    /// Options for `target`: eight cells at a time on the bundled emulator and
    /// four on a live endpoint, with a per-run name prefix for live endpoints.
    pub fn for_target(target: &TargetSpec) -> MatrixOptions {
        match target {
            TargetSpec::Bundled => MatrixOptions { concurrency: 8, name_prefix: "cc".to_owned(), preflight: None },
            TargetSpec::Live(_) => {
                MatrixOptions { concurrency: 4, name_prefix: format!("cc-{}", run_token()), preflight: None }
            }
        }
    }
}

/// Six base-36 characters from the clock and the process id, different per run.
fn run_token() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let mut value = (nanos ^ (u128::from(std::process::id()) << 64)) % 36u128.pow(6);
    let mut token = String::with_capacity(6);
    for _ in 0..6 {
        let digit = u32::try_from(value % 36).unwrap_or(0);
        token.push(char::from_digit(digit, 36).unwrap_or('0'));
        value /= 36;
    }
    token
}

/// One cell to run.
#[derive(Debug, Clone)]
pub struct PlannedCell {
    pub catalog: Arc<Catalog>,
    /// Index into the catalog's operations.
    pub operation: usize,
    pub boundary: Boundary,
    /// The address kind and its input members; `None` for a caller-namespace operation.
    pub address: Option<(AddressKind, Value)>,
    pub expectation: Expectation,
}

impl PlannedCell {
    fn operation(&self) -> &CatalogOperation {
        &self.catalog.operations[self.operation]
    }
}

/// Lists every cell of `catalogs` under `profile`, in catalog order.
///
/// Catalogs that do not state `profile` contribute no cells.
pub fn plan(catalogs: &[Arc<Catalog>], profile: Profile) -> Vec<PlannedCell> {
    let mut cells = Vec::new();
    for catalog in catalogs.iter().filter(|catalog| catalog.rules(profile).is_some()) {
        for (index, operation) in catalog.operations.iter().enumerate() {
            let addresses: Vec<Option<(AddressKind, Value)>> = match operation.scope {
                Scope::CallerNamespace => vec![None],
                Scope::Resource => operation.addresses.iter().cloned().map(Some).collect(),
            };
            for boundary in BOUNDARIES {
                let Some(expectation) = expectation_for(catalog, operation, profile, boundary) else {
                    continue;
                };
                for address in &addresses {
                    cells.push(PlannedCell {
                        catalog: catalog.clone(),
                        operation: index,
                        boundary,
                        address: address.clone(),
                        expectation: expectation.clone(),
                    });
                }
            }
        }
    }
    cells
}

/// Runs every cell of `catalogs` under `profile` against `target`.
///
/// Fails only when the target cannot be started; what the target does is in the cells.
pub async fn run_matrix(
    catalogs: &[Arc<Catalog>],
    profile: Profile,
    target: &TargetSpec,
    registry: Arc<Registry>,
    options: &MatrixOptions,
) -> Result<MatrixRun> {
    let started_at = crate::report::utc_timestamp(std::time::SystemTime::now());
    let started = Instant::now();
    let running = Arc::new(target.start(profile).await?);

    let planned = plan(catalogs, profile);
    let permits = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for (index, cell) in planned.into_iter().enumerate() {
        let permits = permits.clone();
        let running = running.clone();
        let registry = registry.clone();
        let unique_name = format!("{}-{index:03}", options.name_prefix);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (index, run_cell(&cell, &running, &registry, &unique_name).await)
        });
    }

    let mut cells = Vec::with_capacity(tasks.len());
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(result) => cells.push(result),
            Err(error) => tracing::error!(%error, "a matrix cell task stopped unexpectedly"),
        }
    }
    cells.sort_by_key(|(index, _)| *index);
    let total = started.elapsed();

    if let Ok(running) = Arc::try_unwrap(running) {
        running.shutdown().await;
    }

    Ok(MatrixRun {
        format_version: MATRIX_FORMAT_VERSION,
        target: TargetInfo {
            name: target.name().to_owned(),
            endpoint: target.endpoint_url().map(str::to_owned),
            account_strategy: target.strategy_name().to_owned(),
        },
        profile,
        versions: versions(target),
        timings: Timings {
            started_at,
            preflight_ms: options.preflight.map(milliseconds),
            total_ms: milliseconds(total),
        },
        catalogs: catalogs.iter().filter(|c| c.rules(profile).is_some()).map(|c| c.id.clone()).collect(),
        cells: cells.into_iter().map(|(_, cell)| cell).collect(),
    })
}

fn versions(target: &TargetSpec) -> Versions {
    Versions::current(matches!(target, TargetSpec::Bundled).then(|| env!("CARGO_PKG_VERSION").to_owned()))
}

fn milliseconds(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1_000.0
}

/// Runs one cell: fixture, call, check, cleanup.
async fn run_cell(cell: &PlannedCell, target: &Target, registry: &Registry, unique_name: &str) -> MatrixCell {
    let catalog = &cell.catalog;
    let operation = cell.operation();
    let caller = catalog.caller(cell.boundary);
    let mut record = empty_cell(cell, &caller);

    let mut variables = Variables::new();
    variables.insert("unique_name".to_owned(), Value::String(unique_name.to_owned()));
    variables.insert("owner_account".to_owned(), Value::String(catalog.owner.account_id.clone()));
    variables.insert("owner_region".to_owned(), Value::String(catalog.owner.region.clone()));
    variables.insert("caller_account".to_owned(), Value::String(caller.account_id.clone()));
    variables.insert("caller_region".to_owned(), Value::String(caller.region.clone()));

    let configs = target.sdk_config(&catalog.owner).and_then(|owner| Ok((owner, target.sdk_config(&caller)?)));
    let (owner_config, caller_config) = match configs {
        Ok(configs) => configs,
        Err(error) => return not_run(record, error.to_string()),
    };
    let Some(fixture) = catalog.fixture(&operation.fixture) else {
        return not_run(record, format!("the catalog has no fixture {:?}", operation.fixture));
    };

    let setup_started = Instant::now();
    for step in &fixture.steps {
        if let Err(reason) = run_fixture_step(step, &owner_config, registry, &mut variables).await {
            record.setup_ms = milliseconds(setup_started.elapsed());
            let reason = format!("fixture {} could not be set up: {reason}", fixture.name);
            run_cleanup(&fixture.cleanup, &owner_config, registry, &mut variables).await;
            return not_run(record, reason);
        }
    }
    record.setup_ms = milliseconds(setup_started.elapsed());

    let outcome = call_operation(cell, operation, &caller_config, registry, &variables).await;
    match outcome {
        Ok((outcome, duration)) => {
            record.duration_ms = milliseconds(duration);
            let reasons = check_outcome(Some(&cell.expectation), &outcome, &variables);
            record.verdict = if reasons.is_empty() { CellVerdict::Conforms } else { CellVerdict::Differs };
            record.differs = !reasons.is_empty();
            record.reasons = ReasonRedactor::new().redact_all(reasons);
            record.observed = Some(ObservedCell {
                class: outcome.class,
                code: outcome.code,
                status: outcome.status,
                message: outcome.message,
            });
        }
        Err(reason) => record = not_run(record, reason),
    }

    run_cleanup(&fixture.cleanup, &owner_config, registry, &mut variables).await;
    record
}

/// Builds the cell's input from the operation's input and the address's members, and calls it.
async fn call_operation(
    cell: &PlannedCell,
    operation: &CatalogOperation,
    config: &SdkConfig,
    registry: &Registry,
    variables: &Variables,
) -> Result<(Outcome, Duration), String> {
    let mut input = match &operation.input {
        Value::Object(members) => members.clone(),
        _ => Map::new(),
    };
    if let Some((_, Value::Object(members))) = &cell.address {
        input.extend(members.clone());
    }
    let Value::Object(input) = template::substitute(&Value::Object(input), variables)
        .map_err(|name| format!("the input uses ${{{name}}}, which no fixture step captured"))?
    else {
        return Err("the input is not a mapping".to_owned());
    };

    let (driver, found) = registry
        .operation(&operation.call.service, &operation.call.operation)
        .map_err(|error| format!("no driver for {}: {error:?}", operation.call))?;
    let started = Instant::now();
    let outcome =
        driver.call(config, found.name, &input).await.map_err(|error| format!("{} {error}", operation.call))?;
    Ok((outcome, started.elapsed()))
}

/// Runs one fixture step as the owner; it must succeed, and its captures are stored.
async fn run_fixture_step(
    step: &FixtureStep,
    config: &SdkConfig,
    registry: &Registry,
    variables: &mut Variables,
) -> Result<(), String> {
    let outcome = call_step(step, config, registry, variables).await?;
    if outcome.class != OutcomeClass::Ok {
        let message = outcome.message.as_deref().map(|message| format!(" ({message})")).unwrap_or_default();
        return Err(format!("{} returned {}{message}", step.call, outcome.summary()));
    }
    for capture in &step.captures {
        let Some(value) = capture.path.lookup(&outcome.response) else {
            return Err(format!("{} returned no value at {} for ${{{}}}", step.call, capture.path, capture.variable));
        };
        variables.insert(capture.variable.clone(), value.into_owned());
    }
    Ok(())
}

/// Runs the cleanup steps whose variables are set; failures are logged at debug level only.
async fn run_cleanup(steps: &[FixtureStep], config: &SdkConfig, registry: &Registry, variables: &mut Variables) {
    for step in steps {
        match call_step(step, config, registry, variables).await {
            Ok(outcome) if outcome.class == OutcomeClass::Ok => {}
            Ok(outcome) => tracing::debug!(call = %step.call, outcome = %outcome.summary(), "cleanup step failed"),
            Err(reason) => tracing::debug!(call = %step.call, %reason, "cleanup step skipped"),
        }
    }
}

async fn call_step(
    step: &FixtureStep,
    config: &SdkConfig,
    registry: &Registry,
    variables: &Variables,
) -> Result<Outcome, String> {
    let Value::Object(input) = template::substitute(&step.input, variables)
        .map_err(|name| format!("{} uses ${{{name}}}, which has no value", step.call))?
    else {
        return Err(format!("the input of {} is not a mapping", step.call));
    };
    let (driver, found) = registry
        .operation(&step.call.service, &step.call.operation)
        .map_err(|error| format!("no driver for {}: {error:?}", step.call))?;
    driver.call(config, found.name, &input).await.map_err(|error| format!("{} {error}", step.call))
}

/// Builds a cell with its plan filled in and nothing observed yet.
fn empty_cell(cell: &PlannedCell, caller: &Actor) -> MatrixCell {
    let operation = cell.operation();
    MatrixCell {
        service: cell.catalog.service.clone(),
        operation: operation.call.operation.clone(),
        boundary: cell.boundary,
        address: cell.address.as_ref().map(|(kind, _)| *kind),
        owner: NamespaceInfo {
            account: cell.catalog.owner.account_id.clone(),
            region: cell.catalog.owner.region.clone(),
        },
        caller: NamespaceInfo { account: caller.account_id.clone(), region: caller.region.clone() },
        expected: expected_cell(&cell.expectation),
        observed: None,
        verdict: CellVerdict::NotRun,
        differs: true,
        reasons: Vec::new(),
        setup_ms: 0.0,
        duration_ms: 0.0,
    }
}

fn not_run(mut record: MatrixCell, reason: String) -> MatrixCell {
    record.verdict = CellVerdict::NotRun;
    record.differs = true;
    record.observed = None;
    record.reasons = vec![reason];
    record
}

/// Converts a scenario expectation into the report's plain form.
pub fn expected_cell(expectation: &Expectation) -> ExpectedCell {
    let (class, code, response) = match &expectation.outcome {
        ExpectedOutcome::Ok(subset) => (Some(OutcomeClass::Ok), None, subset.clone()),
        ExpectedOutcome::Error(ErrorMatcher::Any) => (None, None, None),
        ExpectedOutcome::Error(ErrorMatcher::Class(class)) => (Some(*class), None, None),
        ExpectedOutcome::Error(ErrorMatcher::Code(code)) => {
            (Some(OutcomeClass::of_error_code(code)), Some(code.clone()), None)
        }
    };
    ExpectedCell { class, code, response, source: expectation.source.clone(), unverified: expectation.unverified }
}
