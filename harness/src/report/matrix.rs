//! The compatibility matrix of one run as plain data: what renderers read.
//!
//! A [`MatrixRun`] is one target under one profile: the target, the versions,
//! the timings, and one [`MatrixCell`] per operation, boundary and address
//! kind. Every type here serialises with serde to the JSON shape shown below
//! and reads back from it, so a saved run can be rendered or compared later.
//! [`MATRIX_FORMAT_VERSION`] changes whenever a field is renamed or removed,
//! or changes meaning; new optional fields keep the version.
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "target": { "name": "moto", "endpoint": "http://127.0.0.1:5000", "account_strategy": "assume-role" },
//!   "profile": "localstack",
//!   "versions": { "crosscheck": "0.1.0", "aws_sdk_sqs": "1.119.0", "target": null },
//!   "timings": { "started_at": "2026-12-04T12:00:00Z", "preflight_ms": 12.5, "total_ms": 840.2 },
//!   "catalogs": ["sqs.yaml"],
//!   "cells": [{
//!     "service": "sqs", "operation": "GetQueueAttributes",
//!     "boundary": "cross-account", "address": "url",
//!     "owner": { "account": "111111111111", "region": "ap-south-1" },
//!     "caller": { "account": "222222222222", "region": "ap-south-1" },
//!     "expected": { "class": "denied", "code": null, "response": null,
//!                   "source": "https://...", "unverified": false },
//!     "observed": { "class": "not-found", "code": "AWS.SimpleQueueService.NonExistentQueue",
//!                   "status": 400, "message": "..." },
//!     "verdict": "differs", "differs": true,
//!     "reasons": ["expected denied, found not-found: AWS.SimpleQueueService.NonExistentQueue (400)"],
//!     "setup_ms": 3.1, "duration_ms": 0.9
//!   }]
//! }
//! ```

use std::collections::BTreeMap;

use crosscheck_emulator::access::{Boundary, Profile};
use crosscheck_emulator::arn::AddressKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::outcome::OutcomeClass;

/// The version of the serialised layout.
pub const MATRIX_FORMAT_VERSION: u32 = 1;

/// The matrix of one target under one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixRun {
    pub format_version: u32,
    pub target: TargetInfo,
    #[serde(with = "super::names::profile_name")]
    pub profile: Profile,
    pub versions: Versions,
    pub timings: Timings,
    /// The catalogs the cells come from, e.g. `sqs.yaml`.
    pub catalogs: Vec<String>,
    /// In catalog order: operation, then boundary, then address kind.
    pub cells: Vec<MatrixCell>,
}

/// The endpoint under test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetInfo {
    /// `bundled`, a name from the target file, or one made from an endpoint URL.
    pub name: String,
    /// `None` for the bundled emulator (its port changes per run) and for AWS's own endpoints.
    pub endpoint: Option<String>,
    /// `access-key`, `assume-role` or `profiles`.
    pub account_strategy: String,
}

/// The software that produced the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versions {
    /// The crosscheck harness.
    pub crosscheck: String,
    /// The SDK crates the calls go through, by crate name with `-` as `_`, e.g. `aws_sdk_sqs`.
    #[serde(flatten)]
    pub sdks: BTreeMap<String, String>,
    /// The target's own version when known: the emulator's for `bundled`.
    pub target: Option<String>,
}

/// When the run started and how long it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// UTC, ISO 8601, e.g. `2026-12-04T12:00:00Z`.
    pub started_at: String,
    /// The preflight check, when this run made one.
    pub preflight_ms: Option<f64>,
    /// From the first fixture to the last cell, preflight excluded.
    pub total_ms: f64,
}

/// An account and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceInfo {
    pub account: String,
    pub region: String,
}

/// One operation called from one boundary with one address kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixCell {
    /// The service as scenarios name it, e.g. `sqs`.
    pub service: String,
    /// The operation as the API reference names it, e.g. `GetQueueAttributes`.
    pub operation: String,
    #[serde(with = "super::names::boundary_name")]
    pub boundary: Boundary,
    /// The address kind the call named the resource by; `None` for operations
    /// that act in the caller's own namespace, such as ListQueues.
    #[serde(with = "super::names::address_kind_name")]
    pub address: Option<AddressKind>,
    /// The fixture's namespace.
    pub owner: NamespaceInfo,
    /// The caller's namespace.
    pub caller: NamespaceInfo,
    pub expected: ExpectedCell,
    /// `None` when the call was not made because the fixture could not be set up.
    pub observed: Option<ObservedCell>,
    pub verdict: CellVerdict,
    /// `true` unless the verdict is `conforms`, for filters.
    pub differs: bool,
    /// The reasons the cell does not conform, one sentence each; empty when it does.
    pub reasons: Vec<String>,
    /// Setting up the fixture, in milliseconds.
    pub setup_ms: f64,
    /// The operation call, in milliseconds.
    pub duration_ms: f64,
}

/// The outcome the profile expects of a cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpectedCell {
    /// `None` when any error is accepted.
    pub class: Option<OutcomeClass>,
    /// The exact AWS error code, when the expectation names one.
    pub code: Option<String>,
    /// A subset an `ok` response must contain.
    pub response: Option<Value>,
    /// The source of the expectation, usually a documentation URL.
    pub source: Option<String>,
    /// `true` when the expectation has not been checked against its source.
    pub unverified: bool,
}

/// The outcome of the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedCell {
    pub class: OutcomeClass,
    /// The AWS error code; `None` for `ok` and for calls that got no response.
    pub code: Option<String>,
    /// The HTTP status; `None` when the call got no response.
    pub status: Option<u16>,
    /// The error message, for people; it varies between runs.
    pub message: Option<String>,
}

/// Whether a cell did what its profile expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellVerdict {
    Conforms,
    Differs,
    /// The fixture could not be set up, so the operation was not called.
    NotRun,
}

impl CellVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            CellVerdict::Conforms => "conforms",
            CellVerdict::Differs => "differs",
            CellVerdict::NotRun => "not-run",
        }
    }
}

/// Counts over the cells of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixTotals {
    pub cells: usize,
    pub conforming: usize,
    pub differing: usize,
    pub not_run: usize,
}

impl Versions {
    /// Lists this build of crosscheck and the SDK crates it calls through,
    /// with `target` as the target's own version.
    pub fn current(target: Option<String>) -> Versions {
        let sdks = [
            ("aws_sdk_kms", aws_sdk_kms::meta::PKG_VERSION),
            ("aws_sdk_lambda", aws_sdk_lambda::meta::PKG_VERSION),
            ("aws_sdk_s3", aws_sdk_s3::meta::PKG_VERSION),
            ("aws_sdk_secretsmanager", aws_sdk_secretsmanager::meta::PKG_VERSION),
            ("aws_sdk_sns", aws_sdk_sns::meta::PKG_VERSION),
            ("aws_sdk_sqs", aws_sdk_sqs::meta::PKG_VERSION),
            ("aws_sdk_sts", aws_sdk_sts::meta::PKG_VERSION),
        ]
        .into_iter()
        .map(|(name, version)| (name.to_owned(), version.to_owned()))
        .collect();
        Versions { crosscheck: env!("CARGO_PKG_VERSION").to_owned(), sdks, target }
    }
}

impl MatrixTotals {
    /// Returns the conforming cells divided by all cells, from 0 to 1; `None` without cells.
    pub fn score(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss, reason = "cell counts are far below 2^52")]
        (self.cells > 0).then(|| self.conforming as f64 / self.cells as f64)
    }

    fn count(&mut self, verdict: CellVerdict) {
        self.cells += 1;
        match verdict {
            CellVerdict::Conforms => self.conforming += 1,
            CellVerdict::Differs => self.differing += 1,
            CellVerdict::NotRun => self.not_run += 1,
        }
    }
}

impl MatrixRun {
    /// Returns the totals over the cells of one service.
    pub fn service_totals(&self, service: &str) -> MatrixTotals {
        let mut totals = MatrixTotals::default();
        for cell in self.cells.iter().filter(|cell| cell.service == service) {
            totals.count(cell.verdict);
        }
        totals
    }

    /// Returns whether every cell conforms.
    pub fn conforms(&self) -> bool {
        self.cells.iter().all(|cell| cell.verdict == CellVerdict::Conforms)
    }

    pub fn totals(&self) -> MatrixTotals {
        let mut totals = MatrixTotals { cells: self.cells.len(), ..MatrixTotals::default() };
        for cell in &self.cells {
            match cell.verdict {
                CellVerdict::Conforms => totals.conforming += 1,
                CellVerdict::Differs => totals.differing += 1,
                CellVerdict::NotRun => totals.not_run += 1,
            }
        }
        totals
    }

    /// Returns the services the cells cover, in cell order.
    pub fn services(&self) -> Vec<&str> {
        let mut services: Vec<&str> = Vec::new();
        for cell in &self.cells {
            if !services.contains(&cell.service.as_str()) {
                services.push(&cell.service);
            }
        }
        services
    }
}

impl ExpectedCell {
    /// Formats the expectation for a table: `ok`, `denied`, `QueueDoesNotExist`, `any error`.
    pub fn summary(&self) -> String {
        match (&self.code, self.class) {
            (Some(code), _) => code.clone(),
            (None, Some(class)) => class.as_str().to_owned(),
            (None, None) => "any error".to_owned(),
        }
    }
}

impl ObservedCell {
    /// Formats the outcome for a table: `ok`, or `not-found: QueueDoesNotExist (400)`.
    pub fn summary(&self) -> String {
        if self.class == OutcomeClass::Ok {
            return "ok".to_owned();
        }
        match (&self.code, self.status) {
            (Some(code), Some(status)) => format!("{}: {code} ({status})", self.class),
            (Some(code), None) => format!("{}: {code}", self.class),
            (None, Some(status)) => format!("{}: HTTP {status}", self.class),
            (None, None) => format!("{}: no response", self.class),
        }
    }
}
