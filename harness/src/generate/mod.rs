//! Property-based generators: random multi-account worlds, the model that
//! predicts each call's outcome, and the exploration loop that runs them.
//!
//! A generated [`case::Case`] is a world of 2 to 4 accounts and 1 to 3
//! regions ([`world`]) with resources in random namespaces. The resources
//! are SQS queues, SNS topics, KMS keys with aliases, Secrets Manager
//! secrets, S3 buckets, Lambda functions with versions, aliases and
//! permissions, and Lambda layers that other accounts' functions use. Their
//! policies come from a grammar ([`policy`]). Random actors then make a sequence of
//! calls, some with a same-named decoy in the caller's own namespace. A new
//! service adds its variant to [`case::Service`], its resources and calls,
//! and its operations to the model's table.
//! [`emit::emit`] turns it into an ordinary [`crate::scenario::Scenario`]
//! whose expectations are the [`model`]'s predictions for one profile, so
//! [`crate::runner::run_scenario`] runs it unchanged and [`yaml::to_yaml`]
//! writes it as a file `crosscheck run` loads. [`properties::judge`] compares
//! a run with the model, and [`explore::Explorer`] generates, runs and
//! shrinks cases for `crosscheck explore`. On a live target the explorer
//! deletes each case's resources afterwards with [`cleanup::cleanup_scenario`].
//!
//! Generate one case and run it against the bundled emulator:
//!
//! ```no_run
//! # async fn demo() -> crosscheck::Result<()> {
//! use crosscheck::driver::Registry;
//! use crosscheck::generate::{case::{Service, case}, emit::emit, properties::judge};
//! use crosscheck::target::TargetSpec;
//! use crosscheck_emulator::access::Profile;
//! use proptest::strategy::{Strategy, ValueTree};
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::deterministic();
//! let case = case(&[Service::Sqs]).new_tree(&mut runner).expect("a case").current();
//! let generated = emit(&case, Profile::Aws, "");
//! let registry = Registry::with_default_drivers();
//! let result = crosscheck::runner::run_scenario(&generated.scenario, Profile::Aws, &TargetSpec::Bundled, &registry).await?;
//! assert!(judge(&generated, &result).is_empty());
//! # Ok(()) }
//! ```

pub mod case;
pub mod cleanup;
pub mod counterexample;
pub mod emit;
pub mod explore;
pub mod model;
pub mod policy;
pub mod properties;
pub mod world;
pub mod yaml;
