//! The exploration loop behind `crosscheck explore`: generate cases, run
//! each against one target or two in lockstep, judge the outcomes against
//! the model, and shrink every new kind of disagreement to a small case.
//!
//! Cases come from proptest's [`TestRunner`] seeded with `--seed`, so a run
//! is repeatable. Shrinking walks the case's [`ValueTree`] the way proptest
//! does: simplify while the smaller case still shows the same kind of
//! disagreement, step back otherwise, and stop after a bounded number of runs.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crosscheck_emulator::access::Profile;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::case::{Case, Service, case};
use super::cleanup::cleanup_scenario;
use super::emit::{Generated, emit};
use super::properties::{Disagreement, DisagreementKind, judge};
use crate::driver::Registry;
use crate::error::{Error, Result};
use crate::outcome::OutcomeClass;
use crate::report::{ScenarioResult, StepResult, Verdict};
use crate::runner::run_scenario;
use crate::target::{TargetSpec, preflight};

/// The default bound on the runs one shrink may make.
pub const DEFAULT_MAX_SHRINK_RUNS: u32 = 300;

/// The settings of one exploration.
#[derive(Debug, Clone)]
pub struct ExploreOptions {
    pub cases: u32,
    pub seed: u64,
    pub profile: Profile,
    pub services: Vec<Service>,
    /// The maximum number of case runs one shrink makes.
    pub max_shrink_runs: u32,
}

/// A disagreement found on one target, or between the two targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The target name, or `FIRST versus SECOND` for a disagreement between targets.
    pub target: String,
    pub disagreement: Disagreement,
}

impl Finding {
    /// Returns the key that reports group findings by and that shrinking preserves.
    pub fn group(&self) -> (String, DisagreementKind) {
        (self.target.clone(), self.disagreement.kind.clone())
    }
}

/// One target's run of a case.
#[derive(Debug, Clone)]
pub struct Observation {
    pub target: String,
    pub result: ScenarioResult,
}

/// A shrunk case that shows one group of findings.
#[derive(Debug, Clone)]
pub struct Counterexample {
    pub group: (String, DisagreementKind),
    /// The number of the generated case it was shrunk from, from 1.
    pub case_number: u32,
    pub case: Case,
    /// The scenario of the shrunk case, as it ran.
    pub generated: Generated,
    /// The suffix its resource names carried in that run: empty on the
    /// bundled emulator, unique to the run on live targets.
    pub name_suffix: String,
    pub findings: Vec<Finding>,
    pub observations: Vec<Observation>,
    /// How many runs shrinking made.
    pub shrink_runs: u32,
    /// The `--target` and, in lockstep, `--against` values that select the
    /// targets again, for the command in the file's header.
    pub target_arguments: Vec<String>,
}

/// The result of an exploration.
#[derive(Debug, Clone, Default)]
pub struct ExploreReport {
    /// The number of cases that ran: `--cases`, or fewer when the run was stopped.
    pub cases: u32,
    /// Whether the stop flag was set, so that cases were left out or a
    /// shrink ended early.
    pub interrupted: bool,
    /// Per group, the number of cases that showed it.
    pub counts: BTreeMap<(String, DisagreementKind), u32>,
    pub counterexamples: Vec<Counterexample>,
}

impl ExploreReport {
    /// Renders the counts per group, one line each, sorted; the text CI snapshots.
    pub fn summary(&self) -> String {
        let mut text = if self.interrupted {
            format!("cases: {} (interrupted)\n", self.cases)
        } else {
            format!("cases: {}\n", self.cases)
        };
        if self.counts.is_empty() {
            text.push_str("no disagreements\n");
        }
        for ((target, kind), count) in &self.counts {
            text.push_str(&format!("{count:>4}  {target}: {kind}\n"));
        }
        text
    }
}

/// Explores `first` (and `second` in lockstep, when given).
pub struct Explorer<'a> {
    options: ExploreOptions,
    first: &'a TargetSpec,
    second: Option<&'a TargetSpec>,
    registry: &'a Registry,
    /// Counts case runs, for the resource-name suffix on live targets.
    runs: u64,
    /// Set once per exploration, so that two explorations against the same
    /// live target never share resource names.
    token: u64,
    /// The resource-name suffix of the latest case run.
    last_name_suffix: String,
    /// Set from outside (on Ctrl-C) to end the run after the current case.
    stop: Arc<AtomicBool>,
}

impl<'a> Explorer<'a> {
    pub fn new(
        options: ExploreOptions,
        first: &'a TargetSpec,
        second: Option<&'a TargetSpec>,
        registry: &'a Registry,
    ) -> Explorer<'a> {
        let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_millis());
        let token = u64::try_from(millis % 0x10_0000).unwrap_or(0);
        Explorer {
            options,
            first,
            second,
            registry,
            runs: 0,
            token,
            last_name_suffix: String::new(),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Returns the flag that stops the run: once it is set, the current case
    /// finishes, a shrink in progress keeps the smallest case it has, and
    /// [`Explorer::run`] returns the report of the cases that ran.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Runs the exploration; `progress` receives one line per case and per shrink.
    ///
    /// Fails when a target cannot be started or the generator cannot make a case.
    pub async fn run(&mut self, mut progress: impl FnMut(&str)) -> Result<ExploreReport> {
        let seed = seed_bytes(self.options.seed);
        let config = Config { cases: self.options.cases, ..Config::default() };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let services = self.options.services.clone();
        let strategy = case(&services);
        let mut report = ExploreReport { cases: self.options.cases, ..ExploreReport::default() };

        for number in 1..=self.options.cases {
            if self.stopped() {
                report.cases = number - 1;
                report.interrupted = true;
                break;
            }
            // A copy of the generator's state before the case, to rebuild the
            // same case for each kind of disagreement it shows.
            let rng_before = runner.rng().clone();
            let tree =
                strategy.new_tree(&mut runner).map_err(|reason| Error::Generate(format!("case {number}: {reason}")))?;
            let case = tree.current();
            let (findings, generated, _) = self.run_case(&case).await?;

            let mut groups: Vec<(String, DisagreementKind)> = findings.iter().map(Finding::group).collect();
            groups.sort();
            groups.dedup();
            for group in &groups {
                *report.counts.entry(group.clone()).or_default() += 1;
            }
            progress(&case_progress_line(
                number,
                self.options.cases,
                generated.scenario.steps.len(),
                findings.len(),
            ));

            for group in groups {
                if report.counterexamples.iter().any(|example| example.group == group) {
                    continue;
                }
                progress(&format!("case {number}: shrinking {}: {}", group.0, group.1));
                let mut replay = TestRunner::new_with_rng(Config::default(), rng_before.clone());
                let mut tree = strategy
                    .new_tree(&mut replay)
                    .map_err(|reason| Error::Generate(format!("case {number}: {reason}")))?;
                let counterexample = self.shrink(number, &mut tree, group).await?;
                progress(&format!(
                    "case {number}: shrunk to {} steps in {} runs",
                    counterexample.generated.scenario.steps.len(),
                    counterexample.shrink_runs
                ));
                report.counterexamples.push(counterexample);
            }
        }
        // A stop during the last case's shrink leaves no case out but still
        // cuts the shrink short.
        report.interrupted |= self.stopped();
        Ok(report)
    }

    /// Shrinks the current case of `tree` while it keeps showing `group`.
    async fn shrink(
        &mut self,
        case_number: u32,
        tree: &mut impl ValueTree<Value = Case>,
        group: (String, DisagreementKind),
    ) -> Result<Counterexample> {
        let mut smallest = tree.current();
        let mut runs = 0;
        if tree.simplify() {
            while runs < self.options.max_shrink_runs && !self.stopped() {
                runs += 1;
                let candidate = tree.current();
                let (findings, _, _) = self.run_case(&candidate).await?;
                if findings.iter().any(|finding| finding.group() == group) {
                    smallest = candidate;
                    if !tree.simplify() {
                        break;
                    }
                } else if !tree.complicate() {
                    break;
                }
            }
        }

        // proptest shrinks the call list before the resources, so a resource
        // that only an earlier form of the calls needed can survive. Removing
        // single resources and calls afterwards catches those.
        let mut removed = true;
        while removed && !self.stopped() {
            removed = false;
            let candidates = (0..smallest.resources.len())
                .filter(|_| smallest.resources.len() > 1)
                .map(|index| {
                    let mut candidate = smallest.clone();
                    candidate.resources.remove(index);
                    candidate
                })
                .chain((0..smallest.calls.len()).filter(|_| smallest.calls.len() > 1).map(|index| {
                    let mut candidate = smallest.clone();
                    candidate.calls.remove(index);
                    candidate
                }))
                .collect::<Vec<_>>();
            for candidate in candidates {
                if runs >= self.options.max_shrink_runs || self.stopped() {
                    break;
                }
                runs += 1;
                let (findings, _, _) = self.run_case(&candidate).await?;
                if findings.iter().any(|finding| finding.group() == group) {
                    smallest = candidate;
                    removed = true;
                    break;
                }
            }
        }

        let (findings, generated, observations) = self.run_case(&smallest).await?;
        Ok(Counterexample {
            group,
            case_number,
            case: smallest,
            generated,
            name_suffix: self.last_name_suffix.clone(),
            findings,
            observations,
            shrink_runs: runs,
            target_arguments: std::iter::once(self.first).chain(self.second).map(TargetSpec::argument).collect(),
        })
    }

    /// Runs `case` on every target and returns what disagrees.
    async fn run_case(&mut self, case: &Case) -> Result<(Vec<Finding>, Generated, Vec<Observation>)> {
        self.runs += 1;
        let live = !matches!(self.first, TargetSpec::Bundled)
            || self.second.is_some_and(|second| !matches!(second, TargetSpec::Bundled));
        let suffix = if live { format!("-{:x}-{}", self.token, self.runs) } else { String::new() };
        let generated = emit(case, self.options.profile, &suffix);
        self.last_name_suffix = suffix;

        let mut findings = Vec::new();
        let mut observations = Vec::new();
        for target in std::iter::once(self.first).chain(self.second) {
            let result = run_scenario(&generated.scenario, self.options.profile, target, self.registry).await?;
            // A call without any response is a finding only while the target
            // still responds. Once it has stopped, every later case would
            // fail its set-up and be written as a counterexample.
            if !matches!(target, TargetSpec::Bundled) && result.steps.iter().any(got_no_response) {
                preflight(target, &[]).await?;
            }
            for disagreement in judge(&generated, &result) {
                findings.push(Finding { target: target.name().to_owned(), disagreement });
            }
            if !matches!(target, TargetSpec::Bundled) {
                delete_resources(&generated, &result, self.options.profile, target, self.registry).await;
            }
            observations.push(Observation { target: target.name().to_owned(), result });
        }
        if let [first, second] = observations.as_slice() {
            findings.extend(compare_targets(&generated, first, second));
        }
        Ok((findings, generated, observations))
    }
}

/// Deletes what the case `generated` created on the live `target` in the run
/// `result`. A deletion that fails is logged and otherwise ignored: the
/// target may never have created the resource, or a step deleted it.
async fn delete_resources(
    generated: &Generated,
    result: &ScenarioResult,
    profile: Profile,
    target: &TargetSpec,
    registry: &Registry,
) {
    let cleanup = cleanup_scenario(generated, result);
    match run_scenario(&cleanup, profile, target, registry).await {
        Ok(deleted) => {
            let failed = deleted.steps.iter().filter(|step| !matches!(step.verdict, Verdict::Holds)).count();
            tracing::debug!(target = target.name(), steps = deleted.steps.len(), failed, "deleted a case's resources");
        }
        Err(error) => tracing::debug!(target = target.name(), %error, "failed to delete a case's resources"),
    }
}

/// Reports whether `step` ran and got neither a status nor an error code.
fn got_no_response(step: &StepResult) -> bool {
    step.outcome.as_ref().is_some_and(|outcome| {
        outcome.class == OutcomeClass::Error && outcome.code.is_none() && outcome.status.is_none()
    })
}

/// Returns the steps whose outcome class differs between two targets.
fn compare_targets(generated: &Generated, first: &Observation, second: &Observation) -> Vec<Finding> {
    let mut findings = Vec::new();
    let steps = generated.scenario.steps.iter().zip(&generated.steps);
    for ((step, facts), (one, other)) in steps.zip(first.result.steps.iter().zip(&second.result.steps)) {
        let class = |observed: &crate::report::StepResult| observed.outcome.as_ref().map(|outcome| outcome.class);
        let (Some(first_class), Some(second_class)) = (class(one), class(other)) else { continue };
        if first_class == second_class {
            continue;
        }
        let detail = format!(
            "{}: {}; {}: {}",
            first.target,
            one.outcome.as_ref().map_or_else(String::new, crate::outcome::Outcome::summary),
            second.target,
            other.outcome.as_ref().map_or_else(String::new, crate::outcome::Outcome::summary)
        );
        let kind = DisagreementKind::TargetsDiffer {
            operation: step.call.to_string(),
            boundary: facts.boundary,
            first: first_class,
            second: second_class,
        };
        findings.push(Finding {
            target: format!("{} versus {}", first.target, second.target),
            disagreement: Disagreement { kind, step: step.number, detail },
        });
    }
    findings
}

/// Expands a `--seed` number into the 32 bytes ChaCha takes.
fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    bytes
}

/// Formats the progress line for one finished case, with singular nouns for a count of one.
fn case_progress_line(number: u32, cases: u32, steps: usize, disagreements: usize) -> String {
    format!(
        "case {number}/{cases}: {}, {}",
        count_noun(steps, "step", "steps"),
        count_noun(disagreements, "disagreement", "disagreements")
    )
}

/// Formats `count` followed by the singular or plural noun.
fn count_noun(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 { format!("1 {singular}") } else { format!("{count} {plural}") }
}

#[cfg(test)]
mod tests {
    use super::case_progress_line;

    #[test]
    fn progress_line_singular_for_one() {
        assert_eq!(case_progress_line(3, 10, 1, 1), "case 3/10: 1 step, 1 disagreement");
    }

    #[test]
    fn progress_line_plural_otherwise() {
        assert_eq!(case_progress_line(1, 2, 0, 0), "case 1/2: 0 steps, 0 disagreements");
        assert_eq!(case_progress_line(2, 2, 7, 3), "case 2/2: 7 steps, 3 disagreements");
    }
}
