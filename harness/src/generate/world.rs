//! Worlds: the accounts and regions a generated case acts in, and one actor
//! per namespace.
//!
//! Each account signs with one of the access key forms the identity rules
//! accept: the 12-digit account id itself, or a 20-character `LSIA` or
//! `LKIA` key whose characters 4..13 encode the account (see
//! [`crosscheck_emulator::identity::encode_account_id`]). Accounts and
//! Each account's S3 calls use either the SDK's default path-style
//! addressing or virtual-host style (`BUCKET.s3.localhost.localstack.cloud`),
//! so that a bucket found by its host name is checked like one found by
//! its path. Accounts and regions come from small fixed pools, so shrinking lands on familiar values
//! and a counterexample reads like a hand-written scenario.

use crosscheck_emulator::identity::encode_account_id;
use crosscheck_emulator::store::Namespace;
use proptest::prelude::*;
use proptest::sample::subsequence;

use crate::scenario::{Actor, Addressing};

/// The accounts worlds draw from. Odd and even ids both occur, because the
/// last encoded character of an access key carries the account's low bit.
pub const ACCOUNT_POOL: [&str; 6] =
    ["111111111111", "222222222222", "123456789012", "210987654321", "333333333333", "999999999999"];

/// The regions worlds draw from.
pub const REGION_POOL: [&str; 3] = ["us-east-1", "eu-central-1", "ap-south-1"];

/// The characters appended to an encoded access key to reach 20 characters.
/// Fixed, so a counterexample signs with the same key every time it runs.
const ACCESS_KEY_TAIL: &str = "EXPLORE";

/// The form of an actor's access key id, which the account is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    /// The key id is the 12-digit account id.
    AccountId,
    /// `LSIA` followed by the encoded account.
    Lsia,
    /// `LKIA` followed by the encoded account.
    Lkia,
}

impl KeyForm {
    /// Builds the access key id of this form for `account_id`.
    pub fn access_key_id(self, account_id: &str) -> String {
        let prefix = match self {
            KeyForm::AccountId => return account_id.to_owned(),
            KeyForm::Lsia => "LSIA",
            KeyForm::Lkia => "LKIA",
        };
        match encode_account_id(account_id) {
            Some(encoded) => format!("{prefix}{encoded}{ACCESS_KEY_TAIL}"),
            // Only 12-digit ids come from the pool, and those always encode.
            None => account_id.to_owned(),
        }
    }
}

/// One account of a world, the key form its actors sign with and the
/// addressing style of their S3 calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub key_form: KeyForm,
    pub addressing: Addressing,
}

/// The accounts and regions of one generated case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct World {
    pub accounts: Vec<Account>,
    pub regions: Vec<String>,
}

/// A choice among the items of a list whose length is not known yet, such as
/// the accounts of a world that is still shrinking: item `value % length`.
///
/// The values are 0 to 11, a multiple of every list length a case uses (1 to
/// 4), so each item is equally likely, and shrinking a choice takes a few
/// steps instead of the 64 of a `proptest::sample::Index`.
#[derive(Debug, Clone, Copy)]
pub struct Pick(pub u8);

impl Pick {
    /// Returns the position this choice selects in a list of `length` items.
    ///
    /// # Panics
    ///
    /// When `length` is zero.
    pub fn index(self, length: usize) -> usize {
        assert!(length > 0, "pick from an empty list");
        usize::from(self.0) % length
    }

    /// Returns the item this choice selects in `items`.
    pub fn get<T>(self, items: &[T]) -> &T {
        &items[self.index(items.len())]
    }
}

/// Generates a choice.
pub fn pick() -> impl Strategy<Value = Pick> {
    (0u8..12).prop_map(Pick)
}

/// A namespace of a world, chosen so that it stays valid while the world shrinks.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub account: Pick,
    pub region: Pick,
}

impl World {
    /// Returns the account `choice` selects.
    pub fn account(&self, choice: Pick) -> &Account {
        choice.get(&self.accounts)
    }

    /// Returns the namespace `place` selects.
    pub fn namespace(&self, place: Place) -> Namespace {
        Namespace::new(&self.account(place.account).id, &self.regions[place.region.index(self.regions.len())])
    }

    /// Returns the name of the actor acting in `namespace`, such as `a2-eu-central-1`.
    pub fn actor_name(&self, namespace: &Namespace) -> String {
        let position = self.accounts.iter().position(|account| account.id == namespace.account_id).unwrap_or(0);
        format!("a{}-{}", position + 1, namespace.region)
    }

    /// Returns one actor per namespace of the world, account by account.
    pub fn actors(&self) -> Vec<Actor> {
        let mut actors = Vec::with_capacity(self.accounts.len() * self.regions.len());
        for account in &self.accounts {
            for region in &self.regions {
                let namespace = Namespace::new(&account.id, region);
                actors.push(Actor {
                    name: self.actor_name(&namespace),
                    account_id: account.id.clone(),
                    region: region.clone(),
                    access_key_id: account.key_form.access_key_id(&account.id),
                    addressing: account.addressing,
                });
            }
        }
        actors
    }
}

/// Generates a key form; the account-id form is the simplest and shrinks first.
pub fn key_form() -> impl Strategy<Value = KeyForm> {
    prop_oneof![Just(KeyForm::AccountId), Just(KeyForm::Lsia), Just(KeyForm::Lkia)]
}

/// Generates an S3 addressing style; the SDK's default shrinks first.
pub fn addressing() -> impl Strategy<Value = Addressing> {
    prop_oneof![Just(Addressing::Default), Just(Addressing::VirtualHost)]
}

/// Generates a world of 2 to 4 accounts and 1 to 3 regions.
pub fn world() -> impl Strategy<Value = World> {
    let accounts = subsequence(ACCOUNT_POOL.to_vec(), 2..=4);
    let regions = subsequence(REGION_POOL.to_vec(), 1..=3);
    let forms = proptest::collection::vec(key_form(), ACCOUNT_POOL.len());
    let styles = proptest::collection::vec(addressing(), ACCOUNT_POOL.len());
    (accounts, regions, forms, styles).prop_map(|(ids, regions, forms, styles)| World {
        accounts: ids
            .into_iter()
            .zip(forms)
            .zip(styles)
            .map(|((id, key_form), addressing)| Account { id: id.to_owned(), key_form, addressing })
            .collect(),
        regions: regions.into_iter().map(str::to_owned).collect(),
    })
}

/// Generates a place in whatever world it is applied to.
pub fn place() -> impl Strategy<Value = Place> {
    (pick(), pick()).prop_map(|(account, region)| Place { account, region })
}

#[cfg(test)]
mod tests {
    use crosscheck_emulator::identity::{IdentityOptions, account_id_for_access_key};

    use super::*;

    #[test]
    fn encoded_keys_decode_to_their_account() {
        for account_id in ACCOUNT_POOL {
            for form in [KeyForm::AccountId, KeyForm::Lsia, KeyForm::Lkia] {
                let key = form.access_key_id(account_id);
                let decoded = account_id_for_access_key(&key, IdentityOptions::default());
                assert_eq!(decoded, account_id, "{form:?} key {key}");
            }
        }
    }

    #[test]
    fn pick_selects_modulo_length() {
        assert_eq!(Pick(7).index(3), 1);
        assert_eq!(Pick(11).index(4), 3);
        assert_eq!(*Pick(5).get(&["a", "b"]), "b");
    }

    #[test]
    fn encoded_keys_have_twenty_characters() {
        assert_eq!(KeyForm::Lsia.access_key_id("111111111111").len(), 20);
        assert_eq!(KeyForm::Lkia.access_key_id("999999999999").len(), 20);
    }
}
