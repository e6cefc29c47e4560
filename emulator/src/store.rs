//! State namespaced by (account, region).
//!
//! Every regional resource lives in exactly one [`Namespace`]. A service keeps
//! one value of its own state type per namespace in a [`Namespaces`] map; the
//! map lock is held only to find or create that value, so requests in
//! different namespaces never wait on each other, and a service locks its
//! resources individually inside its namespace state.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

/// An (account, region) pair that owns regional resources.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Namespace {
    pub account_id: String,
    pub region: String,
}

impl Namespace {
    pub fn new(account_id: &str, region: &str) -> Namespace {
        Namespace {
            account_id: account_id.to_owned(),
            region: region.to_owned(),
        }
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.account_id, self.region)
    }
}

/// One service's state, one `T` per namespace, created on first use.
#[derive(Debug)]
pub struct Namespaces<T> {
    by_namespace: RwLock<HashMap<Namespace, Arc<T>>>,
}

impl<T> Default for Namespaces<T> {
    fn default() -> Self {
        Namespaces {
            by_namespace: RwLock::new(HashMap::new()),
        }
    }
}

impl<T: Default> Namespaces<T> {
    /// Returns the state of `namespace`, if anything was ever created there.
    pub fn get(&self, namespace: &Namespace) -> Option<Arc<T>> {
        self.read().get(namespace).cloned()
    }

    /// Returns the state of `namespace`, creating it empty on first use.
    pub fn get_or_create(&self, namespace: &Namespace) -> Arc<T> {
        if let Some(state) = self.get(namespace) {
            return state;
        }
        let mut map = self.by_namespace.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(namespace.clone()).or_default().clone()
    }

    /// Returns every namespace with state, for cross-namespace lookups such as
    /// "which queues use this queue as their dead-letter queue".
    pub fn snapshot(&self) -> Vec<(Namespace, Arc<T>)> {
        self.read().iter().map(|(ns, state)| (ns.clone(), state.clone())).collect()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<Namespace, Arc<T>>> {
        // A panic while holding the lock cannot leave the map half-changed:
        // every write is a single insert.
        self.by_namespace.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn namespaces_are_isolated() {
        let namespaces: Namespaces<Mutex<Vec<u32>>> = Namespaces::default();
        let a = Namespace::new("111111111111", "us-east-1");
        let b = Namespace::new("222222222222", "us-east-1");
        namespaces.get_or_create(&a).lock().unwrap().push(1);
        assert!(namespaces.get(&b).is_none());
        assert_eq!(*namespaces.get(&a).unwrap().lock().unwrap(), vec![1]);
    }

    #[test]
    fn get_or_create_returns_same_state() {
        let namespaces: Namespaces<Mutex<u32>> = Namespaces::default();
        let a = Namespace::new("111111111111", "eu-central-1");
        *namespaces.get_or_create(&a).lock().unwrap() += 1;
        *namespaces.get_or_create(&a).lock().unwrap() += 1;
        assert_eq!(*namespaces.get(&a).unwrap().lock().unwrap(), 2);
        assert_eq!(namespaces.snapshot().len(), 1);
    }
}
