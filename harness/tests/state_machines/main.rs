//! State-machine tests of the stateful services of the bundled emulator.
//!
//! Each module holds a small reference model of one service's documented
//! AWS semantics, written from the AWS documentation. Where AWS documents
//! nothing, the model follows the emulator's choice and a `NOTE:` marks it.
//! Its system under test applies every generated transition
//! through the official SDK client to an emulator on 127.0.0.1 port 0. After
//! each transition the test checks that the output matches the model's
//! prediction and that the service's invariants hold.
//! proptest chooses the transitions and shrinks a failing sequence.
//!
//! Case counts, sequence lengths and the RNG seed are fixed so that a run is
//! reproducible. Failures persist in `proptest-regressions/<service>.txt` and
//! are replayed first on the next run. For a longer exploratory run, set
//! `PROPTEST_CASES` and `PROPTEST_RNG_SEED`:
//!
//! ```text
//! PROPTEST_CASES=600 PROPTEST_RNG_SEED=424242 cargo test -p crosscheck --test state_machines
//! ```

mod common;
mod kms;
mod lambda;
mod secretsmanager;
mod sqs;
