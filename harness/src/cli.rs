//! Command-line parsing, the `serve` command, and dispatch to `run`
//! ([`run`]), `explore` ([`explore`]), `report` ([`report`]), `diff`
//! ([`diff`]) and `policy`.
//!
//! Exit status: 0 the target conforms, 1 it differs, 2 the run could not be
//! made (bad arguments, endpoint unreachable, invalid scenario).

use std::net::SocketAddr;
use std::process::ExitCode;

mod diff;
mod explore;
mod policy;
mod progress;
mod report;
mod run;

use clap::{Args, Parser, Subcommand};
use crosscheck_emulator::Config;
use crosscheck_emulator::access::{AccessRules, Profile};
use crosscheck_emulator::arn::QueueUrlStrategy;
use crosscheck_emulator::identity::IdentityOptions;

/// Exit status when the target conforms.
pub const EXIT_SUCCESS: u8 = 0;

/// Exit status when the target differs from what the profile expects.
pub const EXIT_DIFFERS: u8 = 1;

/// Exit status when the run could not be made.
pub const EXIT_USAGE: u8 = 2;

pub use self::diff::DiffArgs;
pub use self::explore::ExploreArgs;
pub use self::report::ReportArgs;
pub use self::run::RunArgs;

#[derive(Debug, Parser)]
#[command(
    name = "crosscheck",
    version,
    about = "Conformance tests for the cross-account and cross-region behaviour of AWS emulators"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the reference emulator.
    Serve(ServeArgs),
    /// Run every scenario and the matrix against a target and write the reports.
    Run(RunArgs),
    /// Render saved run reports (JSON) again, as Markdown, HTML, JSON and JUnit XML.
    Report(ReportArgs),
    /// Print the cells and steps whose outcomes differ between two run reports (JSON).
    Diff(DiffArgs),
    /// Evaluate or analyze IAM policy documents.
    Policy(policy::PolicyArgs),
    /// Run generated multi-account worlds against a target and write each shrunk disagreement as a scenario.
    Explore(ExploreArgs),
}

/// Options of `crosscheck serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Use port 0 for any free port.
    #[arg(long, default_value = "127.0.0.1:4566")]
    pub listen: SocketAddr,

    /// Access profile the emulator enforces: localstack, localstack-enforce-iam or aws.
    #[arg(long, default_value = "localstack")]
    pub profile: Profile,

    /// Evaluate IAM policies across accounts under the localstack profile (LocalStack's ENFORCE_IAM=1).
    /// Rejected with --profile aws, which always evaluates policies.
    #[arg(long)]
    pub enforce_iam: bool,

    /// Shape of returned SQS queue URLs: standard, domain, path or off.
    #[arg(long, default_value = "standard")]
    pub queue_url_strategy: QueueUrlStrategy,

    /// Host name put into returned URLs.
    #[arg(long, default_value = crosscheck_emulator::config::DEFAULT_HOSTNAME)]
    pub hostname: String,

    /// Port put into returned URLs; defaults to the listening port.
    #[arg(long)]
    pub advertised_port: Option<u16>,

    /// Also derive accounts from AKIA and ASIA access keys, as AWS encodes them.
    #[arg(long)]
    pub decode_aws_access_keys: bool,
}

impl ServeArgs {
    /// Checks the combination of options that clap cannot check alone.
    pub fn validate(&self) -> Result<(), String> {
        if self.enforce_iam && self.profile == Profile::Aws {
            return Err("--enforce-iam applies to the localstack profile only; the aws profile always \
                        evaluates policies, so leave --enforce-iam out"
                .to_owned());
        }
        Ok(())
    }

    /// The emulator configuration these options select.
    #[allow(
        clippy::needless_update,
        reason = "test builds add fields to Config, such as planted faults, that no option sets"
    )]
    pub fn config(&self) -> Config {
        Config {
            access: AccessRules { profile: self.profile, enforce_iam: self.enforce_iam },
            identity: IdentityOptions { decode_aws_access_keys: self.decode_aws_access_keys },
            queue_url_strategy: self.queue_url_strategy,
            hostname: self.hostname.clone(),
            advertised_port: self.advertised_port,
            ..Config::default()
        }
    }
}

/// Parses the command line, runs the command and returns its exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::from(EXIT_USAGE) } else { ExitCode::SUCCESS };
        }
    };
    // `run` starts an emulator per scenario; their start and stop lines
    // would bury the progress lines, so it logs warnings only by default.
    init_tracing(match cli.command {
        Command::Serve(_) => "info",
        Command::Run(_) | Command::Explore(_) | Command::Report(_) | Command::Diff(_) | Command::Policy(_) => "warn",
    });

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: the async runtime could not start: {error}");
            return ExitCode::from(EXIT_USAGE);
        }
    };

    match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
        Command::Run(args) => runtime.block_on(run::run(args)),
        Command::Explore(args) => runtime.block_on(explore::run(args)),
        Command::Report(args) => report::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Policy(args) => policy::run(args),
    }
}

/// Sends logs to stderr, filtered by `RUST_LOG` or else at `default_level`.
/// Colours are used only when stderr is a terminal, so log files and pipes
/// get plain text.
fn init_tracing(default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi).try_init();
}

async fn serve(args: ServeArgs) -> ExitCode {
    if let Err(message) = args.validate() {
        eprintln!("error: {message}");
        return ExitCode::from(EXIT_USAGE);
    }

    let server = match crosscheck_emulator::server::start(args.listen, args.config()).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: cannot start the emulator on {}: {error}", args.listen);
            return ExitCode::from(EXIT_USAGE);
        }
    };

    let stop_signal = install_stop_signals();

    // One line on stdout, flushed, so scripts and tests can wait for readiness
    // and learn the port when listening on port 0.
    println!("crosscheck emulator listening on {} (profile {})", server.endpoint_url(), args.config().access);
    let _ = std::io::Write::flush(&mut std::io::stdout());

    stop_signal.await;
    tracing::info!("stop signal received; finishing in-flight requests");
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Waits for Ctrl-C or, on Unix, SIGTERM.
/// Registers the stop signals: Ctrl-C (SIGINT) and, on Unix, SIGTERM.
///
/// The handlers are installed when this returns, so a signal that arrives
/// between the readiness line and the wait still stops the server gracefully
/// instead of killing the process with the default action.
fn install_stop_signals() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};

        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                (interrupt, terminate) => {
                    let error = interrupt.err().or(terminate.err()).map(|error| error.to_string());
                    tracing::warn!(?error, "a stop signal handler could not be installed; waiting for Ctrl-C");
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(arguments: &[&str]) -> ServeArgs {
        let cli = Cli::try_parse_from(["crosscheck", "serve"].iter().chain(arguments)).expect("the arguments parse");
        match cli.command {
            Command::Serve(args) => args,
            other => panic!("expected serve, parsed {other:?}"),
        }
    }

    #[test]
    fn serve_rejects_enforce_iam_under_aws() {
        let message = serve_args(&["--profile", "aws", "--enforce-iam"]).validate().expect_err("rejected");
        assert!(message.contains("--enforce-iam applies to the localstack profile only"), "{message}");
    }

    #[test]
    fn serve_accepts_enforce_iam_under_localstack() {
        assert_eq!(serve_args(&["--profile", "localstack", "--enforce-iam"]).validate(), Ok(()));
        assert_eq!(serve_args(&["--profile", "aws"]).validate(), Ok(()));
    }
}
