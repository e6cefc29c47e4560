//! The expected outcome of one matrix cell.
//!
//! The first of these that applies decides, and its source travels with it:
//!
//! 1. the operation's own `expect` for the profile and boundary;
//! 2. its own `expect` for the boundary under every profile;
//! 3. the profile's `not_grantable` entry, when it lists the operation and
//!    states the boundary;
//! 4. the profile's expectation for the boundary.
//!
//! An `ok` without a response subset takes the operation's `response`, so a
//! batch call whose entries all failed does not pass as `ok`.

use crosscheck_emulator::access::{Boundary, Profile};

use super::{Catalog, CatalogOperation};
use crate::scenario::{Expectation, ExpectedOutcome};

/// Returns the expectation of `operation` called from `boundary` under
/// `profile`, or `None` when the catalog states none (the loader rejects
/// such catalogs, so only hand-built values get `None`).
pub fn expectation_for(
    catalog: &Catalog,
    operation: &CatalogOperation,
    profile: Profile,
    boundary: Boundary,
) -> Option<Expectation> {
    let own = |for_profile: Option<Profile>| {
        operation
            .overrides
            .iter()
            .find(|entry| entry.boundary == boundary && entry.profile == for_profile)
            .map(|entry| entry.expectation.clone())
    };
    let rules = catalog.rules(profile);
    let not_grantable = || {
        let entry = rules?.not_grantable.as_ref()?;
        if !entry.operations.contains(&operation.call.operation) {
            return None;
        }
        entry.by_boundary.iter().find(|(b, _)| *b == boundary).map(|(_, expectation)| expectation.clone())
    };
    let general =
        || rules?.by_boundary.iter().find(|(b, _)| *b == boundary).map(|(_, expectation)| expectation.clone());

    let mut expectation = own(Some(profile)).or_else(|| own(None)).or_else(not_grantable).or_else(general)?;
    if let (ExpectedOutcome::Ok(subset @ None), Some(response)) = (&mut expectation.outcome, &operation.response) {
        *subset = Some(response.clone());
    }
    Some(expectation)
}
