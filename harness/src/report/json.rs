//! A run report as JSON: the whole [`RunReport`], for machines and for
//! rendering or comparing later.
//!
//! The layout, with `format_version` [`REPORT_FORMAT_VERSION`]:
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "target": { "name": "bundled", "endpoint": null, "account_strategy": "access-key" },
//!   "profile": "localstack",
//!   "versions": { "crosscheck": "0.1.0", "aws_sdk_sqs": "1.119.0", "aws_sdk_sts": "1.96.0", "target": "0.1.0" },
//!   "timings": { "started_at": "2026-12-04T12:00:00Z", "preflight_ms": 4.2, "total_ms": 1180.5 },
//!   "scenarios": [{
//!     "scenario_id": "sqs/purge_queue.yaml", "name": "purge empties the queue",
//!     "profile": "localstack", "target": "bundled", "duration_ms": 12.3,
//!     "steps": [{
//!       "number": 2, "actor": "other", "operation": "sqs.PurgeQueue",
//!       "boundary": "cross-account", "address": "url",
//!       "expected": { "class": "ok", "code": null, "response": null,
//!                     "source": "https://...", "unverified": false },
//!       "observed": { "class": "ok", "code": null, "status": 200, "message": null },
//!       "response": {}, "verdict": "holds", "differs": false, "reasons": []
//!     }]
//!   }],
//!   "matrix": { "format_version": 1, "target": {}, "profile": "localstack", "cells": [] }
//! }
//! ```
//!
//! - `timings.total_ms` covers the whole `crosscheck run`, every profile together.
//! - A step's `expected` is `null` for a set-up step, which must succeed,
//!   and its `observed` is `null` when the step could not be made. `class`
//!   `null` with `code` `null` in `expected` accepts any error. `response`
//!   is the normalised response (placeholders in place of ids and handles).
//! - `verdict` is `holds`, `differs`, `not-run` or `invalid-scenario`.
//! - `matrix` is a [`MatrixRun`](super::matrix::MatrixRun) in the layout its
//!   module documents, or `null` when the matrix did not run under the profile.
//!
//! Fields are never reordered between runs: the scenarios keep file order
//! and the cells catalog order, so two reports of one target compare line by line.

use std::path::{Path, PathBuf};

use super::{REPORT_FORMAT_VERSION, RunReport};

/// A report file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The text is not JSON, or not a run report; serde_json's message names the line and column.
    #[error("{} is not a crosscheck run report: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    #[error(
        "{} has format_version {found}, but this crosscheck reads version {REPORT_FORMAT_VERSION}; \
         render it with the crosscheck that wrote it, or run the target again",
        path.display()
    )]
    FormatVersion { path: PathBuf, found: u32 },

    /// A verdict disagrees with the outcomes it was given for, e.g. after an edit by hand.
    #[error(
        "{} is inconsistent: {problem}; run the target again instead of editing the report",
        path.display()
    )]
    Inconsistent { path: PathBuf, problem: String },
}

/// Renders `report` as pretty-printed JSON, ending in a newline.
pub fn render(report: &RunReport) -> String {
    // Serialising plain data to a string does not fail: every map key is a string.
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

/// Parses a report from JSON text. Checks the layout, not `format_version`.
pub fn parse(text: &str) -> Result<RunReport, serde_json::Error> {
    serde_json::from_str(text)
}

/// Reads a report file, checking its `format_version` before its layout, and
/// then that every verdict agrees with its expected and observed outcome.
pub fn read_file(path: &Path) -> Result<RunReport, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io { path: path.to_owned(), source })?;
    let json_error = |source| ReadError::Json { path: path.to_owned(), source };

    let header: Header = serde_json::from_str(&text).map_err(json_error)?;
    if header.format_version != REPORT_FORMAT_VERSION {
        return Err(ReadError::FormatVersion { path: path.to_owned(), found: header.format_version });
    }
    let report = parse(&text).map_err(json_error)?;
    super::consistency::check_report(&report)
        .map_err(|problem| ReadError::Inconsistent { path: path.to_owned(), problem })?;
    Ok(report)
}

/// The one field every version of the layout has.
#[derive(serde::Deserialize)]
struct Header {
    format_version: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_temp(name: &str, text: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("crosscheck-json-{name}-{}.json", std::process::id()));
        std::fs::write(&path, text).expect("the temporary file is written");
        path
    }

    #[test]
    fn read_file_names_file_and_position() {
        let path = write_temp("broken", "{\n  \"format_version\": 1,\n  \"target\": \n");
        let message = read_file(&path).expect_err("broken JSON is rejected").to_string();
        let _ = std::fs::remove_file(&path);
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("line 4 column 0"), "{message}");
    }

    #[test]
    fn read_file_rejects_other_format_version() {
        let path = write_temp("version", "{ \"format_version\": 99, \"layout\": \"unknown\" }");
        let error = read_file(&path).expect_err("another version is rejected");
        let _ = std::fs::remove_file(&path);
        assert!(matches!(error, ReadError::FormatVersion { found: 99, .. }), "{error}");
    }

    #[test]
    fn read_file_reports_missing_file() {
        let path = std::env::temp_dir().join("crosscheck-json-no-such-file.json");
        let message = read_file(&path).expect_err("a missing file is rejected").to_string();
        assert!(message.starts_with("cannot read "), "{message}");
    }
}
