//! `crosscheck explore`: generated worlds against a target, judged by the
//! model, with every new kind of disagreement shrunk and written out as a
//! scenario file.
//!
//! The command resolves `--target` (and `--against`) like `crosscheck run`,
//! checks that every account of the generators' pool acts in its own account
//! on each target, then runs `--cases` generated cases from `--seed`. Progress
//! goes to stderr, the summary of disagreement kinds to stdout, and one
//! scenario per shrunk counterexample to `--out`. Exit status: 0 when nothing
//! disagrees, 1 when something does, 2 when the exploration could not run.
//!
//! The first Ctrl-C stops the run after the current case: the summary and
//! the counterexamples found so far are still written, and the exit status
//! is 130. A second Ctrl-C exits at once.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use clap::Args;
use crosscheck_emulator::access::Profile;

use super::{EXIT_DIFFERS, EXIT_SUCCESS, EXIT_USAGE};
use crate::driver::Registry;
use crate::generate::case::Service;
use crate::generate::counterexample;
use crate::generate::explore::{DEFAULT_MAX_SHRINK_RUNS, ExploreOptions, Explorer};
use crate::generate::world::{ACCOUNT_POOL, KeyForm, REGION_POOL};
use crate::scenario::{Actor, Addressing};
use crate::target::{PreflightActor, TargetSpec, preflight};

/// Options of `crosscheck explore`.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// Endpoint under test: `bundled`, an endpoint URL (accounts selected by access key id), or a target named in the target file.
    #[arg(long, default_value = "bundled")]
    pub target: String,

    /// A second target run in lockstep with --target; every step whose outcome class differs between the two is reported.
    #[arg(long, value_name = "TARGET")]
    pub against: Option<String>,

    /// Target file that names live endpoints and their account strategies; by default crosscheck.yaml in the working folder.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,

    /// Number of generated cases to run.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub cases: u32,

    /// Seed of the case generator; the same seed generates the same cases.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Profile the model predicts outcomes for: localstack, localstack-enforce-iam or aws.
    #[arg(long, default_value = "localstack")]
    pub profile: Profile,

    /// Folder the shrunk counterexamples are written to, one scenario file each; created when missing. Counterexample files of an earlier run there are removed first.
    #[arg(long, default_value = "reports/explore")]
    pub out: PathBuf,

    /// Services to generate resources and calls for, separated by commas: sqs, sns, kms, secretsmanager, s3, lambda. All but lambda by default, because every Invoke starts a runtime process.
    #[arg(long, value_delimiter = ',', default_values = ["sqs", "sns", "kms", "secretsmanager", "s3"])]
    pub services: Vec<String>,

    /// Maximum number of case runs spent shrinking one counterexample.
    #[arg(long, default_value_t = DEFAULT_MAX_SHRINK_RUNS)]
    pub max_shrink_runs: u32,
}

/// Runs the exploration and returns the exit status.
pub async fn run(args: ExploreArgs) -> ExitCode {
    ExitCode::from(run_with_status(args).await)
}

async fn run_with_status(args: ExploreArgs) -> u8 {
    let services = match parse_services(&args.services) {
        Ok(services) => services,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let first = match TargetSpec::resolve(&args.target, args.targets.as_deref()) {
        Ok(target) => target,
        Err(error) => {
            eprintln!("error: --target: {error}");
            return EXIT_USAGE;
        }
    };
    let second = match args.against.as_deref().map(|name| TargetSpec::resolve(name, args.targets.as_deref())) {
        None => None,
        Some(Ok(target)) => Some(target),
        Some(Err(error)) => {
            eprintln!("error: --against: {error}");
            return EXIT_USAGE;
        }
    };
    if let Some(second) = second.as_ref().filter(|second| second.name() == first.name()) {
        eprintln!(
            "error: --against names the same target as --target ({}); name another target to compare with",
            second.name()
        );
        return EXIT_USAGE;
    }
    if let Err(error) = crate::report::files::check_out_folder(&args.out) {
        eprintln!("error: {error}");
        return EXIT_USAGE;
    }

    let actors = pool_actors();
    for target in std::iter::once(&first).chain(second.as_ref()) {
        match preflight(target, &actors).await {
            Ok(summary) => eprintln!(
                "preflight: target {} responds; {} actor(s) act in their own accounts ({} ms)",
                target.name(),
                summary.actors_checked,
                summary.duration.as_millis()
            ),
            Err(error) => {
                eprintln!("error: {error}");
                return EXIT_USAGE;
            }
        }
    }

    let options = ExploreOptions {
        cases: args.cases,
        seed: args.seed,
        profile: args.profile,
        services,
        max_shrink_runs: args.max_shrink_runs,
    };
    let registry = Registry::with_default_drivers();
    let mut explorer = Explorer::new(options.clone(), &first, second.as_ref(), &registry);
    let interrupt_watch = tokio::spawn(stop_on_interrupt(explorer.stop_flag()));
    let outcome = explorer.run(|line| eprintln!("{line}")).await;
    interrupt_watch.abort();
    let report = match outcome {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    };

    print!("{}", report.summary());
    match counterexample::remove_earlier(&args.out) {
        Ok(removed) if !removed.is_empty() => eprintln!(
            "removed {} counterexample file(s) of an earlier exploration from {}",
            removed.len(),
            args.out.display()
        ),
        Ok(_) => {}
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    }
    match counterexample::write_all(&report.counterexamples, &options, &args.out) {
        Ok(paths) => {
            for path in paths {
                println!("counterexample: {}", path.display());
            }
        }
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    }
    if report.interrupted {
        EXIT_INTERRUPTED
    } else if report.counts.is_empty() {
        EXIT_SUCCESS
    } else {
        EXIT_DIFFERS
    }
}

/// The exit status after Ctrl-C, 128 plus SIGINT's number as shells report it.
const EXIT_INTERRUPTED: u8 = 130;

/// Sets `stop` on the first Ctrl-C and exits the process on the second.
async fn stop_on_interrupt(stop: std::sync::Arc<std::sync::atomic::AtomicBool>) {
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("warning: Ctrl-C cannot stop the exploration early, because its handler failed: {error}");
        return;
    }
    stop.store(true, Ordering::SeqCst);
    eprintln!(
        "interrupted: finishing the current case, then writing the summary and the counterexamples found so far. \
         Press Ctrl-C again to quit at once"
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(i32::from(EXIT_INTERRUPTED));
    }
}

/// Parses `--services`, rejecting names the generators do not cover.
fn parse_services(names: &[String]) -> Result<Vec<Service>, String> {
    let mut services = Vec::new();
    for name in names {
        let Some(service) = Service::parse(name.trim()) else {
            let known: Vec<&str> = Service::ALL.iter().map(|service| service.as_str()).collect();
            return Err(format!("--services: unknown service {name:?}; the generators cover {}", known.join(", ")));
        };
        if !services.contains(&service) {
            services.push(service);
        }
    }
    if services.is_empty() {
        return Err("--services: name at least one service".to_owned());
    }
    Ok(services)
}

/// Returns one actor per account of the generators' pool and key form, so
/// preflight checks every account a generated case may use.
fn pool_actors() -> Vec<PreflightActor> {
    let region = REGION_POOL[0];
    let mut actors = Vec::new();
    for account_id in ACCOUNT_POOL {
        for form in [KeyForm::AccountId, KeyForm::Lsia, KeyForm::Lkia] {
            let access_key_id = form.access_key_id(account_id);
            actors.push(PreflightActor {
                label: format!("generated actor of account {account_id} with key {access_key_id}"),
                actor: Actor {
                    name: format!("{account_id}-{form:?}"),
                    account_id: account_id.to_owned(),
                    region: region.to_owned(),
                    access_key_id,
                    addressing: Addressing::default(),
                },
            });
        }
    }
    actors
}
