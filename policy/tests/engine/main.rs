//! Tests of the policy engine through its public API: the documentation's
//! worked examples, condition operators, wildcards, parser errors, the
//! analyzer, and generated properties. One binary keeps link time low.

mod analyzer;
mod conditions;
mod examples;
mod parse_errors;
mod properties;
mod support;
mod wildcards;
