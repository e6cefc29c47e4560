//! State-machine tests of the stateful services of the bundled emulator.
//!
//! Each module holds a small reference model of one service's documented AWS
//! semantics (written from the AWS API reference, not from the emulator's
//! code) and a system under test that applies every generated transition over
//! the wire, through the official SDK client, to an emulator started on
//! 127.0.0.1 port 0. After each transition the test checks that the output
//! matches the model's prediction and that the service's invariants hold.
//! proptest chooses the transitions and shrinks a failing sequence.
//!
//! Case counts, sequence lengths and the RNG seed are fixed so that a run is
//! reproducible; failures persist in `proptest-regressions/<service>.txt` and
//! are replayed first on the next run.

mod common;
mod kms;
mod secretsmanager;
mod sqs;
