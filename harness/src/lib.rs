//! crosscheck: a conformance-test harness for the cross-account and
//! cross-region behaviour of AWS emulators.
//!
//! It runs YAML scenarios against a target (the bundled reference emulator or
//! a live endpoint), records every call's outcome, and reports where the
//! target departs from the behaviour a profile expects.

pub mod cli;
