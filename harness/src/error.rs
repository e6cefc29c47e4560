//! The error type of the `crosscheck` library.
//!
//! Everything that stops a run before it can judge a target is an [`Error`]:
//! a scenario that does not load, a target name the harness does not know, a
//! bundled emulator that cannot start, a target that fails its preflight
//! check, a report that cannot be written. What a
//! target does wrong is never an `Error`; it is an outcome that differs from
//! the expectation, recorded in the run's results.

use std::path::PathBuf;

use crate::scenario::LoadError;

/// A failure that keeps a run from being made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario file is not valid.
    #[error(transparent)]
    Load(#[from] Box<LoadError>),

    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// `--target` names a target that the target file does not define.
    #[error("unknown target {name:?}: {} defines {}", file.display(), list_or_none(known))]
    UnknownTarget { name: String, file: PathBuf, known: Vec<String> },

    /// `--target` names a target, but there is no target file to look it up in.
    #[error(
        "target {name:?} is not `bundled` or an http(s) endpoint URL, and the target file {} that would define it does not exist; create it or pass --targets FILE",
        path.display()
    )]
    TargetFileMissing { name: String, path: PathBuf },

    /// An endpoint URL that cannot be used.
    #[error("invalid endpoint URL {endpoint:?}: {reason}")]
    InvalidEndpoint { endpoint: String, reason: String },

    /// The account strategy has no credentials for an actor's account.
    #[error("no credentials for actor {actor} in account {account_id}: {reason}")]
    NoCredentials { actor: String, account_id: String, reason: String },

    /// The target does not respond, or its credentials do not act in the accounts the actors need.
    #[error(transparent)]
    Preflight(#[from] Box<crate::target::PreflightError>),

    /// The bundled emulator could not start listening.
    #[error("the bundled emulator could not start on 127.0.0.1: {0}")]
    TargetStart(#[source] std::io::Error),

    /// The case generator could not produce a case.
    #[error("the case generator failed: {0}")]
    Generate(String),
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}

impl From<LoadError> for Error {
    fn from(error: LoadError) -> Error {
        Error::Load(Box::new(error))
    }
}

/// Formats names as a comma-separated list, or `no targets` when there are none.
fn list_or_none(names: &[String]) -> String {
    if names.is_empty() { "no targets".to_owned() } else { names.join(", ") }
}

/// Result alias for the library's fallible functions.
pub type Result<T, E = Error> = std::result::Result<T, E>;
