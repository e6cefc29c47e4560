//! Scenarios: the YAML model and its loader.
//!
//! A scenario is one behaviour, written as steps that actors perform against
//! a target, with the outcome each profile expects:
//!
//! ```yaml
//! name: queue attributes readable from another account and region
//! tags: [sqs, cross-account, cross-region]
//! profiles: [localstack, aws]
//! actors:
//!   owner: { account: "111111111111", region: ap-south-1 }
//!   other: { account: "222222222222", region: eu-central-1, access_key_id: LSIAQAAAAAAVNCBMPNSG }
//! steps:
//!   - actor: owner
//!     call: sqs.CreateQueue
//!     input: { QueueName: my-queue }
//!     capture: { queue_url: QueueUrl }
//!   - actor: other
//!     call: sqs.GetQueueAttributes
//!     input: { QueueUrl: "${queue_url}", AttributeNames: [VisibilityTimeout] }
//!     expect:
//!       localstack: { ok: { Attributes: { VisibilityTimeout: "30" } } }
//!       aws: { error: not-found, source: "https://docs.aws.amazon.com/..." }
//! ```
//!
//! Keys:
//!
//! - top level: `name` (required), `description`, `tags`, `profiles`
//!   (required: the profiles the scenario states outcomes for), `actors`
//!   (required), `steps` (required);
//! - an actor: `account` (12 digits), `region`, `access_key_id`, which
//!   defaults to the account id, and `addressing` ([`Addressing`]):
//!   `default`, or `virtual-host` for S3 requests that name the bucket in
//!   the host (`BUCKET.s3.localhost.localstack.cloud:PORT`, resolved to the
//!   target by the harness, see [`crate::target::resolver`]);
//! - a step: `actor`, `call` (`service.Operation` as in the AWS API
//!   reference), `input` (the operation's members with the API's names),
//!   `capture` (`variable: Response.Path`, or `json(Response.Path).Member`
//!   to read a JSON document held in a string, see [`path`]), `expect`;
//! - `presign: true` on a step makes the actor presign the call (S3
//!   GetObject and PutObject) instead of sending it. The step's response is
//!   the presigned request: `Method`, `URL`, and the `Headers` a client must
//!   send. Its input takes only `Bucket`, `Key`, `ExpectedBucketOwner` and,
//!   for PutObject, `ContentType`. A later `http.Request` step sends it without credentials:
//!   `input: { Method: PUT, Url: "${url}", Body: "..." }`, with
//!   `ResponseHeaders: [etag]` naming the response headers to record. Its
//!   response has `Status`, `Headers` and `Body`, and a 4xx or 5xx status is
//!   an error outcome with the `<Code>` of the XML error body
//!   ([`crate::driver::http`]);
//! - `expect` maps every profile in `profiles` to `ok`, `{ ok: SUBSET }` or
//!   `{ error: CLASS_OR_CODE }`, optionally with `source: URL` and
//!   `unverified: true`. A class is one of `denied`, `not-found`, `invalid`,
//!   `unsupported`, `error`, or `any` for any error; anything else is an
//!   exact error code. A step without `expect` is a set-up step: it must
//!   succeed under every profile.
//!
//! `${variable}` in any string of `input` or `expect` is replaced by a value
//! an earlier step captured ([`template`]). `{ ok: SUBSET }` holds when every
//! member SUBSET names is in the response with a matching value. Maps match
//! by subset, lists element by element with the same length, and scalars by
//! their text, so `60` matches `"60"`. An empty list or map also matches an
//! absent member, because AWS leaves empty lists out. A map or list written
//! for a string member matches the JSON document the string contains, such as
//! the SNS envelope in an SQS message body (see [`crate::check`]).
//!
//! [`load_file`] reports every problem as a [`LoadError`] naming the file,
//! line, column and key. Problems include an unknown operation, an undefined
//! variable, an unknown actor or profile and a malformed step. Inputs, `ok`
//! subsets and capture paths are checked against the driver's shapes
//! ([`crate::driver::shape`]), so an unknown member at any depth or a value
//! of the wrong type is a load error too.

pub(crate) mod load;
pub mod path;
mod shapes;
pub mod template;

use std::fmt;
use std::path::{Path, PathBuf};

use crosscheck_emulator::access::Profile;
use crosscheck_emulator::store::Namespace;
use serde_json::Value;

use crate::driver::Registry;
use crate::error::{Error, Result};
use crate::outcome::OutcomeClass;

pub use self::path::ResponsePath;

/// A loaded scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file's path relative to the scenarios directory, with `/`
    /// separators, e.g. `sqs/cross_account_receive.yaml`. Tests, snapshots
    /// and reports name the scenario by it.
    pub id: String,
    /// The file as it was read.
    pub path: PathBuf,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub profiles: Vec<Profile>,
    pub actors: Vec<Actor>,
    pub steps: Vec<Step>,
}

impl Scenario {
    /// Returns the actor named `name`.
    pub fn actor(&self, name: &str) -> Option<&Actor> {
        self.actors.iter().find(|actor| actor.name == name)
    }
}

/// A named caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub account_id: String,
    pub region: String,
    /// The access key id the actor signs with; the account id unless the scenario sets one.
    pub access_key_id: String,
    /// The style the actor's S3 client addresses buckets in.
    pub addressing: Addressing,
}

/// The addressing style of an actor's S3 client: where a request names the bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Addressing {
    /// The SDK's default for the target: path style (`http://HOST/BUCKET/KEY`)
    /// when the endpoint's host is an IP address or `localhost`, virtual-host
    /// style otherwise.
    #[default]
    Default,
    /// Virtual-host style (`http://BUCKET.s3.localhost.localstack.cloud:PORT/KEY`)
    /// against a target whose endpoint host is an IP address. The harness's
    /// own resolver maps these names to that address.
    VirtualHost,
}

impl Addressing {
    /// The values of an actor's `addressing` key.
    pub const NAMES: [&'static str; 2] = ["default", "virtual-host"];

    /// Parses an actor's `addressing` key.
    pub fn parse(value: &str) -> Option<Addressing> {
        match value {
            "default" => Some(Addressing::Default),
            "virtual-host" => Some(Addressing::VirtualHost),
            _ => None,
        }
    }
}

impl Actor {
    /// Returns the namespace the actor acts in.
    pub fn namespace(&self) -> Namespace {
        Namespace::new(&self.account_id, &self.region)
    }
}

/// An operation name, `service.Operation`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Call {
    pub service: String,
    pub operation: String,
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.service, self.operation)
    }
}

/// One call by one actor.
#[derive(Debug, Clone)]
pub struct Step {
    /// Position in the scenario, from 1.
    pub number: usize,
    /// Line of the step in the file, from 1.
    pub line: usize,
    pub actor: String,
    pub call: Call,
    /// The input members, a JSON object whose strings may hold `${variable}`.
    pub input: Value,
    pub captures: Vec<Capture>,
    /// Expected outcome per profile; empty for a set-up step, which must succeed.
    pub expect: Vec<(Profile, Expectation)>,
    /// Whether the step presigns the call instead of sending it; its
    /// response is then the presigned request (`Method`, `URL`, `Headers`).
    pub presign: bool,
}

impl Step {
    /// Returns the expectation under `profile`, or `None` for a set-up step.
    pub fn expectation(&self, profile: Profile) -> Option<&Expectation> {
        self.expect.iter().find(|(p, _)| *p == profile).map(|(_, expectation)| expectation)
    }
}

/// `variable: Response.Path` in a step's `capture`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub variable: String,
    pub path: ResponsePath,
}

/// The outcome one profile expects of a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub outcome: ExpectedOutcome,
    /// The source of the expectation, e.g. an AWS documentation page.
    pub source: Option<String>,
    /// `true` until the expectation has been checked against its source.
    pub unverified: bool,
}

/// The expected outcome of a step.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpectedOutcome {
    /// Success; with `Some`, the response must contain this subset.
    Ok(Option<Value>),
    Error(ErrorMatcher),
}

impl fmt::Display for ExpectedOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedOutcome::Ok(_) => f.write_str("ok"),
            ExpectedOutcome::Error(matcher) => write!(f, "{matcher}"),
        }
    }
}

/// Which errors an `error:` expectation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorMatcher {
    /// Any error at all (`error: any`).
    Any,
    /// Any error of this class.
    Class(OutcomeClass),
    /// This exact AWS error code, or its alias (see [`crate::outcome::CODE_ALIASES`]).
    Code(String),
}

impl fmt::Display for ErrorMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorMatcher::Any => f.write_str("any error"),
            ErrorMatcher::Class(class) => write!(f, "{class}"),
            ErrorMatcher::Code(code) => f.write_str(code),
        }
    }
}

/// A scenario file that is not valid, with the place of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {key}: {message}", file.display())]
pub struct LoadError {
    pub file: PathBuf,
    /// From 1.
    pub line: usize,
    /// From 1.
    pub column: usize,
    /// Where in the document: `actors.owner.account`, `step 3: input.QueueNam`.
    pub key: String,
    pub message: String,
}

/// Reads and validates the scenario at `path`; `id` is its name in tests and reports.
pub fn load_file(path: &Path, id: &str, registry: &Registry) -> Result<Scenario> {
    let source = std::fs::read_to_string(path).map_err(|error| Error::io(path, error))?;
    Ok(load_str(&source, path, id, registry)?)
}

/// Validates a scenario from its YAML text; `path` is used in messages only.
pub fn load_str(source: &str, path: &Path, id: &str, registry: &Registry) -> Result<Scenario, LoadError> {
    load::Loader::new(path, registry).load(source, id)
}

/// Folders under the scenarios directory that hold other YAML than scenarios:
/// `matrix/` is the operation catalog the compatibility matrix is generated from.
pub const NON_SCENARIO_DIRS: &[&str] = &["matrix"];

/// One scenario file found under the scenarios directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioFile {
    pub path: PathBuf,
    /// Path relative to the scenarios directory, with `/` separators.
    pub id: String,
}

/// Finds every `*.yaml` file under `root`, sorted by path, skipping [`NON_SCENARIO_DIRS`].
pub fn discover(root: &Path) -> Result<Vec<ScenarioFile>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(root).sort_by_file_name().into_iter().filter_entry(|entry| {
        let skipped = entry.depth() == 1
            && entry.file_type().is_dir()
            && NON_SCENARIO_DIRS.iter().any(|dir| entry.file_name() == *dir);
        !skipped
    });

    for entry in walker {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(root).to_path_buf();
            Error::io(path, error.into())
        })?;
        let is_yaml = entry.path().extension().is_some_and(|extension| extension == "yaml");
        if !entry.file_type().is_file() || !is_yaml {
            continue;
        }

        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let id = relative
            .components()
            .map(|component| component.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push(ScenarioFile { path: entry.path().to_path_buf(), id });
    }

    Ok(files)
}

#[cfg(test)]
mod tests;
