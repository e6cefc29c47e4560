//! crosscheck: a conformance-test harness for the cross-account and
//! cross-region behaviour of AWS emulators.
//!
//! It runs YAML scenarios against a target (the bundled reference emulator or
//! a live endpoint), records every call's outcome, and reports where the
//! target departs from the behaviour a profile expects.
//!
//! How a run flows, module by module:
//!
//! 1. [`scenario`] loads and validates the YAML files, with line numbers in
//!    every error;
//! 2. [`target`] starts the target and builds each actor's SDK configuration;
//! 3. [`runner`] performs the steps through the service's [`driver`], turning
//!    each call into an [`outcome`], and [`check`]s it against the profile's
//!    expectation;
//! 4. [`report`] holds the results as plain data and renders them;
//!    [`snapshot`] is what the scenario tests store with insta.
//!
//! The compatibility matrix takes the same path: [`matrix`] loads the
//! operation catalogs in `scenarios/matrix/` and runs every catalogued
//! operation from each boundary, and [`report::matrix`] holds the cells.
//! Before either runs, [`target::preflight()`] checks that the target responds
//! and that each actor acts in its own account.
//!
//! Run one scenario in-process:
//!
//! ```no_run
//! # async fn demo() -> crosscheck::Result<()> {
//! use crosscheck::driver::Registry;
//! use crosscheck::target::TargetSpec;
//! use crosscheck_emulator::access::Profile;
//!
//! let registry = Registry::with_default_drivers();
//! let path = std::path::Path::new("scenarios/sqs/example.yaml");
//! let scenario = crosscheck::scenario::load_file(path, "sqs/example.yaml", &registry)?;
//! let result = crosscheck::runner::run_scenario(&scenario, Profile::Localstack, &TargetSpec::Bundled, &registry).await?;
//! for line in result.failure_lines() {
//!     eprintln!("{line}");
//! }
//! # Ok(()) }
//! ```

pub mod check;
pub mod cli;
pub mod driver;
pub mod error;
pub mod generate;
pub mod matrix;
pub mod outcome;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod snapshot;
pub mod target;
mod yaml;

pub use error::{Error, Result};
