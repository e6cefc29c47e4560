//! The error type of the `crosscheck` library.
//!
//! Everything that stops a run before it can judge a target is an [`Error`]:
//! a scenario that does not load, a target name the harness does not know, a
//! bundled emulator that cannot start, a report that cannot be written. What a
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

    /// `--target` names no target the harness can run against.
    #[error("unknown target {0:?}: only `bundled` (the emulator started in-process) is supported for now")]
    UnknownTarget(String),

    /// The bundled emulator could not start listening.
    #[error("the bundled emulator could not start on 127.0.0.1: {0}")]
    TargetStart(#[source] std::io::Error),
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

/// Result alias for the library's fallible functions.
pub type Result<T, E = Error> = std::result::Result<T, E>;
