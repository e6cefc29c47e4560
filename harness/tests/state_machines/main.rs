//! State-machine tests of the stateful services of the bundled emulator.
//!
//! Each module holds a small reference model of one service's documented
//! AWS semantics, written from the AWS API reference and not from the
//! emulator's code. Its system under test applies every generated transition
//! through the official SDK client to an emulator on 127.0.0.1 port 0. After
//! each transition the test checks that the output matches the model's
//! prediction and that the service's invariants hold.
//! proptest chooses the transitions and shrinks a failing sequence.
//!
//! Case counts, sequence lengths and the RNG seed are fixed so that a run is
//! reproducible. Failures persist in `proptest-regressions/<service>.txt` and
//! are replayed first on the next run.

mod common;
mod kms;
mod lambda;
mod secretsmanager;
mod sqs;
