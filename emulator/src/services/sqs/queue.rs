//! One SQS queue and the queues of one namespace.
//!
//! A [`Queue`] locks its settings and its messages separately, so reading a
//! queue's settings does not wait for a receive, and no lock is shared
//! between queues. A [`QueueRegistry`] holds one namespace's queues by name;
//! its lock is held only to look up, add or remove a queue.
//!
//! Receipt handles carry the queue's incarnation, the message's key in the
//! store and a random token, so a handle from another queue, from a deleted
//! and re-created queue, or from an earlier receive of the same message is
//! recognised without a lookup table
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html>).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use tokio::sync::Notify;

use crate::store::Namespace;

use super::attributes::QueueSettings;
use super::move_tasks::MoveTaskList;
use super::store::MessageStore;

/// Source of queue incarnation numbers, unique within the process.
static NEXT_INCARNATION: AtomicU64 = AtomicU64::new(1);

/// The attributes and tags of a queue.
#[derive(Debug)]
pub struct QueueMeta {
    pub settings: QueueSettings,
    pub tags: BTreeMap<String, String>,
    /// Seconds since the Unix epoch.
    pub last_modified_timestamp: u64,
}

/// One queue.
#[derive(Debug)]
pub struct Queue {
    pub name: String,
    pub arn: String,
    pub url: String,
    pub namespace: Namespace,
    pub fifo: bool,
    /// Seconds since the Unix epoch.
    pub created_timestamp: u64,
    incarnation: u64,
    meta: RwLock<QueueMeta>,
    messages: Mutex<MessageStore>,
    /// The recent message move tasks that take messages from this queue.
    move_tasks: Mutex<MoveTaskList>,
    /// Wakes long polls when a message may have become receivable.
    pub arrivals: Notify,
    deleted: AtomicBool,
}

impl Queue {
    pub fn new(namespace: Namespace, name: &str, url: String, settings: QueueSettings, tags: BTreeMap<String, String>) -> Queue {
        let now = unix_seconds();
        let fifo = settings.fifo;
        Queue {
            arn: format!("arn:aws:sqs:{}:{}:{name}", namespace.region, namespace.account_id),
            name: name.to_owned(),
            url,
            namespace,
            fifo,
            created_timestamp: now,
            incarnation: NEXT_INCARNATION.fetch_add(1, Ordering::Relaxed),
            meta: RwLock::new(QueueMeta {
                settings,
                tags,
                last_modified_timestamp: now,
            }),
            messages: Mutex::new(MessageStore::new(fifo)),
            move_tasks: Mutex::new(MoveTaskList::default()),
            arrivals: Notify::new(),
            deleted: AtomicBool::new(false),
        }
    }

    // A panic while a lock is held leaves each structure consistent enough to
    // keep serving: every change to it is a short sequence without awaits.
    pub fn meta(&self) -> RwLockReadGuard<'_, QueueMeta> {
        self.meta.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn meta_mut(&self) -> RwLockWriteGuard<'_, QueueMeta> {
        self.meta.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn messages(&self) -> MutexGuard<'_, MessageStore> {
        self.messages.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn move_tasks(&self) -> MutexGuard<'_, MoveTaskList> {
        self.move_tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::Acquire)
    }

    fn mark_deleted(&self) {
        self.deleted.store(true, Ordering::Release);
        self.arrivals.notify_waiters();
    }

    /// Builds the receipt handle for a delivery of the message with `key`.
    pub fn receipt_handle(&self, key: u64, token: u64) -> String {
        let mut bytes = [0u8; 24];
        bytes[..8].copy_from_slice(&self.incarnation.to_be_bytes());
        bytes[8..16].copy_from_slice(&key.to_be_bytes());
        bytes[16..].copy_from_slice(&token.to_be_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Returns whether `handle` decodes but has another layout than the handles
    /// this emulator issues, as a handle from another API version would.
    pub fn is_other_handle_version(handle: &str) -> bool {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(handle)
            .is_ok_and(|bytes| bytes.len() != 24)
    }

    /// Reads a receipt handle issued by this queue into (key, token).
    pub fn parse_receipt_handle(&self, handle: &str) -> Option<(u64, u64)> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(handle).ok()?;
        let bytes: [u8; 24] = bytes.try_into().ok()?;
        let word = |range: std::ops::Range<usize>| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&bytes[range]);
            u64::from_be_bytes(word)
        };
        if word(0..8) != self.incarnation {
            return None;
        }
        let token = word(16..24);
        (token != 0).then(|| (word(8..16), token))
    }
}

/// The queues of one namespace, by name.
#[derive(Debug, Default)]
pub struct QueueRegistry {
    queues: RwLock<BTreeMap<String, Arc<Queue>>>,
}

impl QueueRegistry {
    pub fn get(&self, name: &str) -> Option<Arc<Queue>> {
        self.read().get(name).cloned()
    }

    /// Adds `queue` unless a queue of that name exists; returns the queue now registered
    /// and whether it is the one passed in.
    pub fn insert_if_absent(&self, queue: Queue) -> (Arc<Queue>, bool) {
        let mut queues = self.queues.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = queues.get(&queue.name) {
            return (existing.clone(), false);
        }
        let queue = Arc::new(queue);
        queues.insert(queue.name.clone(), queue.clone());
        (queue, true)
    }

    /// Removes the queue called `name` and wakes its long polls.
    pub fn remove(&self, name: &str) -> Option<Arc<Queue>> {
        let removed = self.queues.write().unwrap_or_else(PoisonError::into_inner).remove(name);
        if let Some(queue) = &removed {
            queue.mark_deleted();
        }
        removed
    }

    /// Returns up to `limit` queues whose names start with `prefix` and sort
    /// after `after`, in name order.
    pub fn list(&self, prefix: &str, after: Option<&str>, limit: usize) -> Vec<Arc<Queue>> {
        use std::ops::Bound;
        let queues = self.read();
        let start = match after {
            Some(after) if after >= prefix => Bound::Excluded(after.to_owned()),
            _ => Bound::Included(prefix.to_owned()),
        };
        queues
            .range((start, Bound::Unbounded))
            .take_while(|(name, _)| name.starts_with(prefix))
            .take(limit)
            .map(|(_, queue)| queue.clone())
            .collect()
    }

    /// Returns every queue, in name order.
    pub fn all(&self) -> Vec<Arc<Queue>> {
        self.read().values().cloned().collect()
    }

    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, Arc<Queue>>> {
        self.queues.read().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Seconds since the Unix epoch.
pub fn unix_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Milliseconds since the Unix epoch.
pub fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(name: &str) -> Queue {
        let namespace = Namespace::new("111111111111", "us-east-1");
        Queue::new(namespace, name, format!("http://h/111111111111/{name}"), QueueSettings::new(false), BTreeMap::new())
    }

    #[test]
    fn receipt_handle_round_trips() {
        let queue = queue("q");
        let handle = queue.receipt_handle(42, 7);
        assert_eq!(queue.parse_receipt_handle(&handle), Some((42, 7)));
    }

    #[test]
    fn receipt_handle_of_other_queue_is_rejected() {
        let first = queue("a");
        let second = queue("a");
        let handle = first.receipt_handle(1, 1);
        assert_eq!(second.parse_receipt_handle(&handle), None);
        assert_eq!(first.parse_receipt_handle("not a handle"), None);
    }

    #[test]
    fn registry_lists_by_prefix_after_token() {
        let registry = QueueRegistry::default();
        for name in ["a1", "a2", "a3", "b1"] {
            registry.insert_if_absent(queue(name));
        }
        let names = |queues: Vec<Arc<Queue>>| queues.iter().map(|q| q.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(registry.list("a", None, 2)), ["a1", "a2"]);
        assert_eq!(names(registry.list("a", Some("a2"), 10)), ["a3"]);
        assert_eq!(names(registry.list("", None, 10)), ["a1", "a2", "a3", "b1"]);
    }
}
