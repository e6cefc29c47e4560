//! Topics, their subscriptions, and the topics of one namespace.
//!
//! A [`Topic`] locks its attributes and its subscriptions separately, and a
//! [`TopicRegistry`] holds one namespace's topics by name; its lock is held
//! only to look up, add or remove a topic. A subscription lives in its
//! topic, and its ARN is the topic ARN plus `:ID`, so it is found from its
//! ARN without a second index.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crosscheck_policy::Policy;

use crate::store::Namespace;

use super::filter::{FilterPolicy, Scope};

/// How long a FIFO topic remembers a deduplication id
/// (<https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html>).
pub const DEDUPLICATION_WINDOW: Duration = Duration::from_secs(300);

/// A topic policy: the document as set, and its parsed form.
#[derive(Debug, Clone)]
pub struct TopicPolicy {
    pub document: String,
    pub policy: Policy,
}

/// The settable attributes and tags of a topic.
#[derive(Debug, Clone)]
pub struct TopicMeta {
    /// Settable attributes other than `Policy`, by name, as last set.
    pub attributes: BTreeMap<String, String>,
    pub policy: Arc<TopicPolicy>,
    pub tags: BTreeMap<String, String>,
}

impl TopicMeta {
    pub fn content_based_deduplication(&self) -> bool {
        self.attributes.get("ContentBasedDeduplication").is_some_and(|value| value == "true")
    }

    /// Returns the largest message the topic accepts, attributes included,
    /// in bytes: its `MaximumMessageSize`, or 256 KiB without one.
    pub fn maximum_message_size(&self) -> usize {
        self.attributes
            .get("MaximumMessageSize")
            .and_then(|value| value.parse().ok())
            .unwrap_or(super::publish::MAX_MESSAGE_BYTES)
    }
}

/// One topic.
#[derive(Debug)]
pub struct Topic {
    pub name: String,
    pub arn: String,
    pub namespace: Namespace,
    pub fifo: bool,
    meta: RwLock<TopicMeta>,
    subscriptions: RwLock<BTreeMap<String, Arc<Subscription>>>,
    /// FIFO topics: deduplication ids seen within the window, and when.
    deduplication: Mutex<HashMap<String, Instant>>,
    sequence: AtomicU64,
    pub subscriptions_deleted: AtomicU64,
}

impl Topic {
    pub fn new(namespace: Namespace, name: &str, arn: String, fifo: bool, meta: TopicMeta) -> Topic {
        Topic {
            name: name.to_owned(),
            arn,
            namespace,
            fifo,
            meta: RwLock::new(meta),
            subscriptions: RwLock::new(BTreeMap::new()),
            deduplication: Mutex::new(HashMap::new()),
            sequence: AtomicU64::new(0),
            subscriptions_deleted: AtomicU64::new(0),
        }
    }

    pub fn meta(&self) -> RwLockReadGuard<'_, TopicMeta> {
        self.meta.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn meta_mut(&self) -> RwLockWriteGuard<'_, TopicMeta> {
        self.meta.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn subscriptions(&self) -> Vec<Arc<Subscription>> {
        self.subscriptions.read().unwrap_or_else(PoisonError::into_inner).values().cloned().collect()
    }

    pub fn subscription(&self, arn: &str) -> Option<Arc<Subscription>> {
        self.subscriptions.read().unwrap_or_else(PoisonError::into_inner).get(arn).cloned()
    }

    /// Returns the subscription with the same protocol and endpoint, if any.
    pub fn find_subscription(&self, protocol: &str, endpoint: &str) -> Option<Arc<Subscription>> {
        self.subscriptions
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .find(|subscription| subscription.protocol == protocol && subscription.endpoint == endpoint)
            .cloned()
    }

    pub fn add_subscription(&self, subscription: Arc<Subscription>) {
        let mut subscriptions = self.subscriptions.write().unwrap_or_else(PoisonError::into_inner);
        subscriptions.insert(subscription.arn.clone(), subscription);
    }

    pub fn remove_subscription(&self, arn: &str) -> Option<Arc<Subscription>> {
        let removed = self.subscriptions.write().unwrap_or_else(PoisonError::into_inner).remove(arn);
        if removed.is_some() {
            self.subscriptions_deleted.fetch_add(1, Ordering::Relaxed);
        }
        removed
    }

    /// Records a FIFO deduplication id; returns false when it was seen within the window.
    pub fn remember_deduplication_id(&self, id: &str, now: Instant) -> bool {
        let mut seen: MutexGuard<'_, HashMap<String, Instant>> =
            self.deduplication.lock().unwrap_or_else(PoisonError::into_inner);
        seen.retain(|_, at| now.duration_since(*at) < DEDUPLICATION_WINDOW);
        if seen.contains_key(id) {
            return false;
        }
        seen.insert(id.to_owned(), now);
        true
    }

    /// Returns the next FIFO sequence number, 20 digits as SNS writes it.
    pub fn next_sequence_number(&self) -> String {
        let next = self.sequence.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{next:020}")
    }
}

/// The changeable state of a subscription.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionMeta {
    /// Whether the subscription waits for ConfirmSubscription.
    pub pending: bool,
    /// The token ConfirmSubscription must present, for a subscription that
    /// needed confirmation.
    pub confirmation_token: Option<String>,
    pub raw_message_delivery: bool,
    /// The policy as set, and its parsed form.
    pub filter_policy: Option<(String, FilterPolicy)>,
    pub filter_policy_scope: Scope,
    pub redrive_policy: Option<String>,
    pub delivery_policy: Option<String>,
    pub confirmation_was_authenticated: bool,
}

impl SubscriptionMeta {
    /// Returns the `deadLetterTargetArn` of the RedrivePolicy, if one is set.
    pub fn dead_letter_target_arn(&self) -> Option<String> {
        let policy: serde_json::Value = serde_json::from_str(self.redrive_policy.as_deref()?).ok()?;
        policy.get("deadLetterTargetArn")?.as_str().map(str::to_owned)
    }
}

/// One subscription of a topic.
#[derive(Debug)]
pub struct Subscription {
    pub arn: String,
    pub topic_arn: String,
    /// The account that created the subscription.
    pub owner: String,
    pub protocol: String,
    pub endpoint: String,
    meta: RwLock<SubscriptionMeta>,
}

impl Subscription {
    pub fn new(
        arn: String,
        topic_arn: &str,
        owner: &str,
        protocol: &str,
        endpoint: &str,
        meta: SubscriptionMeta,
    ) -> Self {
        Subscription {
            arn,
            topic_arn: topic_arn.to_owned(),
            owner: owner.to_owned(),
            protocol: protocol.to_owned(),
            endpoint: endpoint.to_owned(),
            meta: RwLock::new(meta),
        }
    }

    pub fn meta(&self) -> RwLockReadGuard<'_, SubscriptionMeta> {
        self.meta.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn meta_mut(&self) -> RwLockWriteGuard<'_, SubscriptionMeta> {
        self.meta.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn is_pending(&self) -> bool {
        self.meta().pending
    }
}

/// The topics of one namespace, by name.
#[derive(Debug, Default)]
pub struct TopicRegistry {
    topics: RwLock<BTreeMap<String, Arc<Topic>>>,
}

impl TopicRegistry {
    pub fn get(&self, name: &str) -> Option<Arc<Topic>> {
        self.read().get(name).cloned()
    }

    /// Inserts `topic` unless one of that name exists; returns the topic
    /// under the name and whether it is the new one.
    pub fn insert_if_absent(&self, topic: Topic) -> (Arc<Topic>, bool) {
        let mut topics = self.topics.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = topics.get(&topic.name) {
            return (existing.clone(), false);
        }
        let topic = Arc::new(topic);
        topics.insert(topic.name.clone(), topic.clone());
        (topic, true)
    }

    pub fn remove(&self, name: &str) -> Option<Arc<Topic>> {
        self.topics.write().unwrap_or_else(PoisonError::into_inner).remove(name)
    }

    /// Returns up to `limit` topics whose names sort after `after`.
    pub fn list(&self, after: Option<&str>, limit: usize) -> Vec<Arc<Topic>> {
        let topics = self.read();
        let range = match after {
            Some(after) => topics.range::<str, _>((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded)),
            None => topics.range::<str, _>(..),
        };
        range.take(limit).map(|(_, topic)| topic.clone()).collect()
    }

    pub fn all(&self) -> Vec<Arc<Topic>> {
        self.read().values().cloned().collect()
    }

    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, Arc<Topic>>> {
        self.topics.read().unwrap_or_else(PoisonError::into_inner)
    }
}
