//! The messages of one queue, and the bookkeeping that keeps every message
//! operation's cost flat in queue depth.
//!
//! A message is in one of three states
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html>,
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-delay-queues.html>):
//! delayed (sent with a delay that has not passed), visible (receivable), or
//! in flight (received, hidden until its visibility timeout ends). The store
//! keeps:
//!
//! - every live message in a map by an internal key that grows with each send;
//! - visible messages of a standard queue in a deque, and of a FIFO queue in
//!   an ordered set per message group;
//! - a deque of FIFO groups that have a visible message and nothing in
//!   flight, because a FIFO group is blocked while one of its messages is in flight;
//! - one ordered timer set of (deadline, key) for delayed and in-flight
//!   messages, and one of (expiry, key) for the retention period.
//!
//! Each operation first moves due timers and drops expired messages, popping
//! only what is due. Deleted or expired messages may leave stale keys in the
//! standard deque; receiving skips them, so each is skipped once.
//!
//! FIFO deduplication keeps each deduplication id for 5 minutes
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html>).
//! A FIFO queue also keeps each `ReceiveRequestAttemptId` for 5 minutes with
//! the receipts it returned, so a retry returns the same messages and receipt
//! handles while none of them was deleted or had its visibility changed
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html>,
//! `ReceiveRequestAttemptId`). Both expire through a deque in insertion
//! order, so dropping them costs only what is due.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::message::MessageAttribute;

/// How long a FIFO queue remembers a deduplication id.
pub const DEDUPLICATION_WINDOW: Duration = Duration::from_secs(300);

/// Maximum time a message can stay in flight after one receive: 12 hours.
pub const MAX_VISIBILITY: Duration = Duration::from_secs(43_200);

/// The state of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Delayed,
    Visible,
    InFlight,
}

/// A message as the queue keeps it.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    key: u64,
    pub message_id: String,
    pub body: String,
    pub md5_of_body: String,
    pub attributes: Vec<MessageAttribute>,
    pub md5_of_attributes: Option<String>,
    pub system_attributes: Vec<MessageAttribute>,
    pub sender_id: String,
    pub sent_timestamp_ms: u64,
    pub receive_count: u32,
    pub first_receive_timestamp_ms: Option<u64>,
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
    pub sequence_number: Option<String>,
    /// The source queue's ARN, once the message was moved to a dead-letter queue.
    pub dead_letter_queue_source_arn: Option<String>,
    /// When the message was first sent, for retention in a dead-letter queue.
    pub sent_at: Instant,
    state: State,
    /// The deadline this message has in the timer set, if delayed or in flight.
    timer: Option<Instant>,
    expires_at: Instant,
    /// The token of the latest receipt handle; zero before the first receive.
    receipt_token: u64,
    received_at: Option<Instant>,
    /// Whether ChangeMessageVisibility ran since the latest receive, which ends
    /// a receive request attempt that returned this message.
    visibility_changed: bool,
}

/// A message to add, already validated.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub message_id: String,
    pub body: String,
    pub md5_of_body: String,
    pub attributes: Vec<MessageAttribute>,
    pub md5_of_attributes: Option<String>,
    pub system_attributes: Vec<MessageAttribute>,
    pub sender_id: String,
    pub sent_timestamp_ms: u64,
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
}

/// The outcome of adding a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enqueued {
    pub message_id: String,
    pub sequence_number: Option<String>,
    /// Whether a FIFO deduplication id matched an earlier message, so nothing was added.
    pub duplicate: bool,
}

/// A received message: a copy of its fields plus the receipt token.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub message: StoredMessage,
    pub key: u64,
    pub receipt_token: u64,
}

/// Reason a receipt did not match an in-flight message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptError {
    NotInFlight,
    BeyondMaximum,
}

/// Message counts for the Approximate* attributes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub visible: usize,
    pub in_flight: usize,
    pub delayed: usize,
}

#[derive(Debug, Default)]
struct Group {
    /// Keys of visible messages, in send order.
    visible: BTreeSet<u64>,
    in_flight: usize,
    /// Whether the group is in `ready_groups`.
    queued: bool,
}

/// The receipts one `ReceiveRequestAttemptId` returned, as (key, receipt token).
#[derive(Debug)]
struct ReceiveAttempt {
    receipts: Vec<(u64, u64)>,
    expires_at: Instant,
}

#[derive(Debug)]
struct DeduplicationEntry {
    message_id: String,
    sequence_number: Option<String>,
    expires_at: Instant,
}

/// The messages of one queue.
#[derive(Debug)]
pub struct MessageStore {
    fifo: bool,
    next_key: u64,
    next_sequence: u128,
    messages: HashMap<u64, StoredMessage>,
    visible: VecDeque<u64>,
    groups: HashMap<String, Group>,
    ready_groups: VecDeque<String>,
    timers: BTreeSet<(Instant, u64)>,
    expiries: BTreeSet<(Instant, u64)>,
    counts: Counts,
    deduplication: HashMap<String, DeduplicationEntry>,
    deduplication_order: VecDeque<(Instant, String)>,
    attempts: HashMap<String, ReceiveAttempt>,
    attempt_order: VecDeque<(Instant, String)>,
    last_purge: Option<Instant>,
}

impl MessageStore {
    pub fn new(fifo: bool) -> MessageStore {
        MessageStore {
            fifo,
            next_key: 1,
            // SQS sequence numbers are 20 digits long.
            next_sequence: 10_000_000_000_000_000_000,
            messages: HashMap::new(),
            visible: VecDeque::new(),
            groups: HashMap::new(),
            ready_groups: VecDeque::new(),
            timers: BTreeSet::new(),
            expiries: BTreeSet::new(),
            counts: Counts::default(),
            deduplication: HashMap::new(),
            deduplication_order: VecDeque::new(),
            attempts: HashMap::new(),
            attempt_order: VecDeque::new(),
            last_purge: None,
        }
    }

    /// Moves due delayed and in-flight messages to visible, drops expired
    /// messages, and drops expired deduplication ids and receive attempts.
    pub fn refresh(&mut self, now: Instant) {
        while let Some(&(deadline, key)) = self.timers.first() {
            if deadline > now {
                break;
            }
            self.timers.pop_first();
            let Some(message) = self.messages.get_mut(&key) else {
                continue;
            };
            message.timer = None;
            let previous = message.state;
            message.state = State::Visible;
            let group_id = message.group_id.clone();
            match previous {
                State::Delayed => self.counts.delayed -= 1,
                State::InFlight => {
                    self.counts.in_flight -= 1;
                    if let Some(group) = group_id.as_deref().filter(|_| self.fifo) {
                        self.groups.entry(group.to_owned()).or_default().in_flight -= 1;
                    }
                }
                State::Visible => {}
            }
            self.make_visible(key, group_id.as_deref());
        }

        while let Some(&(expires_at, key)) = self.expiries.first() {
            if expires_at > now {
                break;
            }
            self.expiries.pop_first();
            self.remove(key);
        }

        while let Some((expires_at, _)) = self.deduplication_order.front() {
            if *expires_at > now {
                break;
            }
            if let Some((expires_at, id)) = self.deduplication_order.pop_front()
                && self.deduplication.get(&id).is_some_and(|entry| entry.expires_at == expires_at)
            {
                self.deduplication.remove(&id);
            }
        }

        while let Some((expires_at, _)) = self.attempt_order.front() {
            if *expires_at > now {
                break;
            }
            if let Some((expires_at, id)) = self.attempt_order.pop_front()
                && self.attempts.get(&id).is_some_and(|attempt| attempt.expires_at == expires_at)
            {
                self.attempts.remove(&id);
            }
        }
    }

    /// Returns the earliest moment a delayed or in-flight message becomes visible.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.timers.first().map(|(deadline, _)| *deadline)
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Returns the earlier message a FIFO deduplication key matched, if it is
    /// still within the deduplication window.
    pub fn find_duplicate(&self, deduplication_key: &str) -> Option<Enqueued> {
        self.deduplication.get(deduplication_key).map(|entry| Enqueued {
            message_id: entry.message_id.clone(),
            sequence_number: entry.sequence_number.clone(),
            duplicate: true,
        })
    }

    /// Adds a message. `deduplication_key` is set for FIFO queues; a key seen in
    /// the last 5 minutes returns the earlier message and adds nothing.
    pub fn enqueue(
        &mut self,
        message: NewMessage,
        deduplication_key: Option<String>,
        delay: Duration,
        retention: Duration,
        now: Instant,
    ) -> Enqueued {
        if let Some(duplicate) = deduplication_key.as_deref().and_then(|key| self.find_duplicate(key)) {
            return duplicate;
        }

        let sequence_number = self.fifo.then(|| self.next_sequence_number());
        if let Some(key) = deduplication_key {
            let expires_at = now + DEDUPLICATION_WINDOW;
            self.deduplication.insert(
                key.clone(),
                DeduplicationEntry {
                    message_id: message.message_id.clone(),
                    sequence_number: sequence_number.clone(),
                    expires_at,
                },
            );
            self.deduplication_order.push_back((expires_at, key));
        }

        let enqueued = Enqueued {
            message_id: message.message_id.clone(),
            sequence_number: sequence_number.clone(),
            duplicate: false,
        };
        let stored = StoredMessage {
            key: 0,
            message_id: message.message_id,
            body: message.body,
            md5_of_body: message.md5_of_body,
            attributes: message.attributes,
            md5_of_attributes: message.md5_of_attributes,
            system_attributes: message.system_attributes,
            sender_id: message.sender_id,
            sent_timestamp_ms: message.sent_timestamp_ms,
            receive_count: 0,
            first_receive_timestamp_ms: None,
            group_id: message.group_id,
            deduplication_id: message.deduplication_id,
            sequence_number,
            dead_letter_queue_source_arn: None,
            sent_at: now,
            state: State::Visible,
            timer: None,
            expires_at: now + retention,
            receipt_token: 0,
            received_at: None,
            visibility_changed: false,
        };
        self.insert(stored, delay, now);
        enqueued
    }

    /// Adds a message moved here from a source queue whose redrive policy
    /// names this queue. It keeps its id, body and attributes; its receive
    /// count starts again at zero.
    ///
    /// A standard queue keeps the original enqueue time for retention; a FIFO
    /// queue resets it, as the dead-letter queue guide documents
    /// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html>).
    pub fn enqueue_dead_letter(&mut self, mut message: StoredMessage, source_arn: &str, retention: Duration, now: Instant) {
        let enqueued_at = if self.fifo { now } else { message.sent_at };
        message.expires_at = enqueued_at + retention;
        message.sequence_number = self.fifo.then(|| self.next_sequence_number());
        message.receive_count = 0;
        message.first_receive_timestamp_ms = None;
        message.receipt_token = 0;
        message.received_at = None;
        message.visibility_changed = false;
        message.timer = None;
        message.dead_letter_queue_source_arn = Some(source_arn.to_owned());
        self.insert(message, Duration::ZERO, now);
    }

    /// Adds a message that a message move task took from a dead-letter queue.
    /// A redriven message is a new message: it gets `message_id`, a new send
    /// time and this queue's retention, and its receive count starts at zero
    /// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html>).
    pub fn enqueue_moved(
        &mut self,
        mut message: StoredMessage,
        message_id: String,
        sent_timestamp_ms: u64,
        retention: Duration,
        now: Instant,
    ) {
        message.message_id = message_id;
        message.sent_timestamp_ms = sent_timestamp_ms;
        message.sent_at = now;
        message.expires_at = now + retention;
        message.sequence_number = self.fifo.then(|| self.next_sequence_number());
        message.receive_count = 0;
        message.first_receive_timestamp_ms = None;
        message.receipt_token = 0;
        message.received_at = None;
        message.visibility_changed = false;
        message.timer = None;
        message.dead_letter_queue_source_arn = None;
        self.insert(message, Duration::ZERO, now);
    }

    /// Puts back a message that [`MessageStore::take_visible`] took but that
    /// could not be moved. It keeps its fields and becomes visible at the end
    /// of the queue, or of its FIFO group.
    pub fn restore(&mut self, mut message: StoredMessage, now: Instant) {
        message.timer = None;
        self.insert(message, Duration::ZERO, now);
    }

    /// Removes and returns up to `max` visible messages in receive order, for
    /// a message move task. A FIFO group with messages in flight is skipped,
    /// as a receive skips it.
    pub fn take_visible(&mut self, max: usize) -> Vec<StoredMessage> {
        let mut taken = Vec::new();
        let mut current_group = None;
        while taken.len() < max {
            let Some(key) = self.next_visible(&mut current_group) else {
                break;
            };
            if let Some(message) = self.remove(key) {
                taken.push(message);
            }
        }

        // A group left with visible messages returns to the front of the ready groups.
        if let Some(group_id) = current_group
            && let Some(group) = self.groups.get_mut(&group_id)
            && !group.queued
            && group.in_flight == 0
            && !group.visible.is_empty()
        {
            group.queued = true;
            self.ready_groups.push_front(group_id);
        }
        taken
    }

    fn insert(&mut self, mut message: StoredMessage, delay: Duration, now: Instant) {
        let key = self.next_key;
        self.next_key += 1;
        message.key = key;
        self.expiries.insert((message.expires_at, key));

        let group_id = message.group_id.clone();
        if delay.is_zero() {
            message.state = State::Visible;
            self.messages.insert(key, message);
            self.make_visible(key, group_id.as_deref());
        } else {
            let deadline = now + delay;
            message.state = State::Delayed;
            message.timer = Some(deadline);
            self.timers.insert((deadline, key));
            self.counts.delayed += 1;
            self.messages.insert(key, message);
        }
    }

    fn next_sequence_number(&mut self) -> String {
        let number = self.next_sequence;
        self.next_sequence += 1;
        format!("{number:020}")
    }

    /// Counts `key` as visible and puts it where receives look for it.
    fn make_visible(&mut self, key: u64, group_id: Option<&str>) {
        self.counts.visible += 1;
        match group_id.filter(|_| self.fifo) {
            Some(group_id) => {
                let group = self.groups.entry(group_id.to_owned()).or_default();
                group.visible.insert(key);
                if group.in_flight == 0 && !group.queued {
                    group.queued = true;
                    self.ready_groups.push_back(group_id.to_owned());
                }
            }
            None => self.visible.push_back(key),
        }
    }

    /// Removes a message wherever it is. Returns it, if it existed.
    fn remove(&mut self, key: u64) -> Option<StoredMessage> {
        let message = self.messages.remove(&key)?;
        self.expiries.remove(&(message.expires_at, key));
        if let Some(deadline) = message.timer {
            self.timers.remove(&(deadline, key));
        }
        let group_id = message.group_id.as_deref().filter(|_| self.fifo);
        match message.state {
            State::Delayed => self.counts.delayed -= 1,
            State::Visible => {
                self.counts.visible -= 1;
                if let Some(group) = group_id.and_then(|g| self.groups.get_mut(g)) {
                    group.visible.remove(&key);
                }
            }
            State::InFlight => {
                self.counts.in_flight -= 1;
                if let Some(group_id) = group_id
                    && let Some(group) = self.groups.get_mut(group_id)
                {
                    group.in_flight -= 1;
                    if group.in_flight == 0 && !group.visible.is_empty() && !group.queued {
                        group.queued = true;
                        self.ready_groups.push_back(group_id.to_owned());
                    }
                }
            }
        }
        if let Some(group_id) = group_id {
            let empty = self
                .groups
                .get(group_id)
                .is_some_and(|g| g.visible.is_empty() && g.in_flight == 0 && !g.queued);
            if empty {
                self.groups.remove(group_id);
            }
        }
        Some(message)
    }

    /// Takes the next visible message's key, or `None` when nothing is visible.
    /// A FIFO queue takes from the current group until it is empty, so one
    /// receive returns a group's messages together and in order.
    fn next_visible(&mut self, current_group: &mut Option<String>) -> Option<u64> {
        if !self.fifo {
            while let Some(key) = self.visible.pop_front() {
                if self.messages.get(&key).is_some_and(|m| m.state == State::Visible) {
                    return Some(key);
                }
            }
            return None;
        }

        loop {
            if let Some(group_id) = current_group.as_deref() {
                if let Some(group) = self.groups.get_mut(group_id)
                    && let Some(key) = group.visible.pop_first()
                {
                    return Some(key);
                }
                *current_group = None;
            }
            let group_id = self.ready_groups.pop_front()?;
            let Some(group) = self.groups.get_mut(&group_id) else {
                continue;
            };
            group.queued = false;
            if group.in_flight == 0 && !group.visible.is_empty() {
                *current_group = Some(group_id);
            }
        }
    }

    /// Receives up to `max` messages and hides them for `visibility`.
    ///
    /// With `max_receive_count` set (the queue has a redrive policy), a message
    /// that was already received that many times is removed and returned in
    /// the second list for the caller to move to the dead-letter queue.
    pub fn receive(
        &mut self,
        max: usize,
        visibility: Duration,
        max_receive_count: Option<u32>,
        now: Instant,
        now_ms: u64,
    ) -> (Vec<Delivery>, Vec<StoredMessage>) {
        let mut deliveries = Vec::new();
        let mut dead_letters = Vec::new();
        let mut current_group = None;

        while deliveries.len() < max {
            let Some(key) = self.next_visible(&mut current_group) else {
                break;
            };
            let exhausted = self
                .messages
                .get(&key)
                .is_some_and(|m| max_receive_count.is_some_and(|limit| m.receive_count >= limit));
            if exhausted {
                // Mark it in flight first so `remove` finds it outside every visible index.
                if let Some(message) = self.messages.get_mut(&key) {
                    message.state = State::InFlight;
                }
                self.counts.visible -= 1;
                self.counts.in_flight += 1;
                if let Some(group) = self.group_of(key) {
                    group.in_flight += 1;
                }
                if let Some(message) = self.remove(key) {
                    dead_letters.push(message);
                }
                continue;
            }

            let deadline = now + visibility;
            let token = loop {
                let token = rand::random::<u64>();
                if token != 0 {
                    break token;
                }
            };
            let Some(message) = self.messages.get_mut(&key) else {
                continue;
            };
            message.state = State::InFlight;
            message.receive_count += 1;
            message.first_receive_timestamp_ms.get_or_insert(now_ms);
            message.receipt_token = token;
            message.received_at = Some(now);
            message.visibility_changed = false;
            message.timer = Some(deadline);
            let delivery = Delivery {
                message: message.clone(),
                key,
                receipt_token: token,
            };
            self.timers.insert((deadline, key));
            self.counts.visible -= 1;
            self.counts.in_flight += 1;
            if let Some(group) = self.group_of(key) {
                group.in_flight += 1;
            }
            deliveries.push(delivery);
        }

        // A FIFO group whose messages were all delivered stays blocked; one
        // that was only partly taken is blocked too, because it has messages in flight.
        (deliveries, dead_letters)
    }

    /// Returns the messages an earlier receive with `attempt_id` returned, with
    /// the same receipt tokens, and hides them for `visibility` from now.
    ///
    /// Returns `None`, and drops the attempt, when the attempt is unknown or
    /// expired, or when one of its messages was deleted, received again or had
    /// its visibility changed since. The caller then receives anew.
    pub fn replay_attempt(&mut self, attempt_id: &str, visibility: Duration, now: Instant) -> Option<Vec<Delivery>> {
        let attempt = self.attempts.get(attempt_id)?;
        let unchanged = attempt.receipts.iter().all(|(key, token)| {
            self.messages
                .get(key)
                .is_some_and(|m| m.receipt_token == *token && !m.visibility_changed && m.state != State::Delayed)
        });
        if !unchanged {
            // NOTE: AWS documents retries only while nothing changed; receiving
            // anew under the same id afterwards is the emulator's choice.
            self.attempts.remove(attempt_id);
            return None;
        }

        let receipts = attempt.receipts.clone();
        let deadline = now + visibility;
        let mut deliveries = Vec::with_capacity(receipts.len());
        for (key, token) in receipts {
            self.hide(key, deadline);
            if let Some(message) = self.messages.get(&key) {
                deliveries.push(Delivery {
                    message: message.clone(),
                    key,
                    receipt_token: token,
                });
            }
        }
        Some(deliveries)
    }

    /// Remembers what a receive with `attempt_id` returned, for 5 minutes.
    pub fn record_attempt(&mut self, attempt_id: &str, deliveries: &[Delivery], now: Instant) {
        let expires_at = now + DEDUPLICATION_WINDOW;
        let receipts = deliveries.iter().map(|d| (d.key, d.receipt_token)).collect();
        self.attempts.insert(attempt_id.to_owned(), ReceiveAttempt { receipts, expires_at });
        self.attempt_order.push_back((expires_at, attempt_id.to_owned()));
    }

    /// Puts a visible or in-flight message in flight until `deadline`,
    /// keeping its receipt token.
    fn hide(&mut self, key: u64, deadline: Instant) {
        let Some(message) = self.messages.get_mut(&key) else {
            return;
        };
        if let Some(previous) = message.timer.replace(deadline) {
            self.timers.remove(&(previous, key));
        }
        self.timers.insert((deadline, key));
        if message.state == State::InFlight {
            return;
        }

        // A visible message leaves the visible indexes; a stale key left in the
        // standard deque is skipped by `next_visible`.
        message.state = State::InFlight;
        self.counts.visible -= 1;
        self.counts.in_flight += 1;
        let group_id = message.group_id.clone().filter(|_| self.fifo);
        if let Some(group) = group_id.and_then(|group_id| self.groups.get_mut(&group_id)) {
            group.visible.remove(&key);
            group.in_flight += 1;
        }
    }

    fn group_of(&mut self, key: u64) -> Option<&mut Group> {
        if !self.fifo {
            return None;
        }
        let group_id = self.messages.get(&key)?.group_id.clone()?;
        Some(self.groups.entry(group_id).or_default())
    }

    /// Deletes the message a receipt names. A receipt for a message that is
    /// gone, or that was received again since, changes nothing: AWS accepts it
    /// but does not promise to delete
    /// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html>).
    /// Returns whether a message was deleted.
    pub fn delete(&mut self, key: u64, receipt_token: u64) -> bool {
        let matches = self.messages.get(&key).is_some_and(|m| m.receipt_token == receipt_token);
        matches && self.remove(key).is_some()
    }

    /// Changes how long an in-flight message stays hidden, counted from now.
    /// Zero makes it visible at once.
    pub fn change_visibility(
        &mut self,
        key: u64,
        receipt_token: u64,
        visibility: Duration,
        now: Instant,
    ) -> Result<(), ReceiptError> {
        let Some(message) = self.messages.get_mut(&key) else {
            return Err(ReceiptError::NotInFlight);
        };
        if message.state != State::InFlight || message.receipt_token != receipt_token {
            return Err(ReceiptError::NotInFlight);
        }
        let received_at = message.received_at.unwrap_or(now);
        if now + visibility > received_at + MAX_VISIBILITY {
            return Err(ReceiptError::BeyondMaximum);
        }

        if let Some(deadline) = message.timer.take() {
            self.timers.remove(&(deadline, key));
        }
        let deadline = now + visibility;
        message.timer = Some(deadline);
        message.visibility_changed = true;
        self.timers.insert((deadline, key));
        if visibility.is_zero() {
            self.refresh(now);
        }
        Ok(())
    }

    /// Deletes every message. Returns `false`, changing nothing, when the
    /// previous purge was less than `interval` ago.
    pub fn purge(&mut self, interval: Duration, now: Instant) -> bool {
        if self.last_purge.is_some_and(|at| now.duration_since(at) < interval) {
            return false;
        }
        self.last_purge = Some(now);
        self.messages.clear();
        self.visible.clear();
        self.groups.clear();
        self.ready_groups.clear();
        self.timers.clear();
        self.expiries.clear();
        self.attempts.clear();
        self.attempt_order.clear();
        self.counts = Counts::default();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RETENTION: Duration = Duration::from_secs(345_600);
    const VISIBILITY: Duration = Duration::from_secs(30);

    fn message(body: &str, group: Option<&str>) -> NewMessage {
        NewMessage {
            message_id: format!("id-{body}"),
            body: body.to_owned(),
            md5_of_body: String::new(),
            attributes: Vec::new(),
            md5_of_attributes: None,
            system_attributes: Vec::new(),
            sender_id: "111111111111".to_owned(),
            sent_timestamp_ms: 0,
            group_id: group.map(str::to_owned),
            deduplication_id: None,
        }
    }

    fn bodies(deliveries: &[Delivery]) -> Vec<&str> {
        deliveries.iter().map(|d| d.message.body.as_str()).collect()
    }

    #[test]
    fn standard_receive_hides_then_returns_message() {
        let mut store = MessageStore::new(false);
        let now = Instant::now();
        store.enqueue(message("a", None), None, Duration::ZERO, RETENTION, now);

        let (first, _) = store.receive(10, VISIBILITY, None, now, 0);
        assert_eq!(bodies(&first), ["a"]);
        assert_eq!(store.counts().in_flight, 1);

        let (hidden, _) = store.receive(10, VISIBILITY, None, now, 0);
        assert!(hidden.is_empty());

        let later = now + VISIBILITY;
        store.refresh(later);
        let (again, _) = store.receive(10, VISIBILITY, None, later, 0);
        assert_eq!(bodies(&again), ["a"]);
        assert_eq!(again[0].message.receive_count, 2);
    }

    #[test]
    fn delayed_message_counts_as_delayed() {
        let mut store = MessageStore::new(false);
        let now = Instant::now();
        store.enqueue(message("a", None), None, Duration::from_secs(5), RETENTION, now);
        assert_eq!(store.counts(), Counts { visible: 0, in_flight: 0, delayed: 1 });
        store.refresh(now + Duration::from_secs(5));
        assert_eq!(store.counts(), Counts { visible: 1, in_flight: 0, delayed: 0 });
    }

    #[test]
    fn expired_message_is_dropped() {
        let mut store = MessageStore::new(false);
        let now = Instant::now();
        store.enqueue(message("a", None), None, Duration::ZERO, Duration::from_secs(60), now);
        store.refresh(now + Duration::from_secs(60));
        assert_eq!(store.counts(), Counts::default());
        let (received, _) = store.receive(10, VISIBILITY, None, now, 0);
        assert!(received.is_empty());
    }

    #[test]
    fn fifo_group_is_blocked_while_in_flight() {
        let mut store = MessageStore::new(true);
        let now = Instant::now();
        for (body, group) in [("a1", "a"), ("b1", "b"), ("a2", "a")] {
            store.enqueue(message(body, Some(group)), Some(body.to_owned()), Duration::ZERO, RETENTION, now);
        }

        let (first, _) = store.receive(1, VISIBILITY, None, now, 0);
        assert_eq!(bodies(&first), ["a1"]);
        let (second, _) = store.receive(10, VISIBILITY, None, now, 0);
        assert_eq!(bodies(&second), ["b1"], "group a is blocked by a1");

        assert!(store.delete(first[0].key, first[0].receipt_token));
        let (third, _) = store.receive(10, VISIBILITY, None, now, 0);
        assert_eq!(bodies(&third), ["a2"]);
    }

    #[test]
    fn fifo_returned_message_keeps_its_place() {
        let mut store = MessageStore::new(true);
        let now = Instant::now();
        for body in ["1", "2"] {
            store.enqueue(message(body, Some("g")), Some(body.to_owned()), Duration::ZERO, RETENTION, now);
        }
        let (first, _) = store.receive(1, VISIBILITY, None, now, 0);
        store
            .change_visibility(first[0].key, first[0].receipt_token, Duration::ZERO, now)
            .expect("in flight");
        let (again, _) = store.receive(10, VISIBILITY, None, now, 0);
        assert_eq!(bodies(&again), ["1", "2"]);
    }

    #[test]
    fn fifo_duplicate_is_not_added() {
        let mut store = MessageStore::new(true);
        let now = Instant::now();
        let first = store.enqueue(message("a", Some("g")), Some("d".to_owned()), Duration::ZERO, RETENTION, now);
        let second = store.enqueue(message("b", Some("g")), Some("d".to_owned()), Duration::ZERO, RETENTION, now);
        assert!(second.duplicate);
        assert_eq!(second.message_id, first.message_id);
        assert_eq!(store.counts().visible, 1);

        store.refresh(now + DEDUPLICATION_WINDOW);
        let third = store.enqueue(message("c", Some("g")), Some("d".to_owned()), Duration::ZERO, RETENTION, now);
        assert!(!third.duplicate, "the window has passed");
    }

    #[test]
    fn receive_attempt_replays_until_window_ends() {
        let mut store = MessageStore::new(true);
        let now = Instant::now();
        store.enqueue(message("a", Some("g")), Some("a".to_owned()), Duration::ZERO, RETENTION, now);
        let (first, _) = store.receive(10, VISIBILITY, None, now, 0);
        store.record_attempt("att", &first, now);

        let replayed = store.replay_attempt("att", VISIBILITY, now).expect("within the window");
        assert_eq!(replayed[0].receipt_token, first[0].receipt_token);
        assert_eq!(store.counts().in_flight, 1, "a replay receives nothing new");

        let later = now + DEDUPLICATION_WINDOW;
        store.refresh(later);
        assert!(store.replay_attempt("att", VISIBILITY, later).is_none(), "the attempt expired");
    }

    #[test]
    fn take_visible_keeps_fifo_group_ready() {
        let mut store = MessageStore::new(true);
        let now = Instant::now();
        for body in ["1", "2", "3"] {
            store.enqueue(message(body, Some("g")), Some(body.to_owned()), Duration::ZERO, RETENTION, now);
        }
        let taken = store.take_visible(2);
        let taken_bodies: Vec<&str> = taken.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(taken_bodies, ["1", "2"]);
        assert_eq!(store.counts(), Counts { visible: 1, in_flight: 0, delayed: 0 });

        let (rest, _) = store.receive(10, VISIBILITY, None, now, 0);
        assert_eq!(bodies(&rest), ["3"], "the partly taken group is still receivable");
    }

    #[test]
    fn moved_message_is_new_in_destination() {
        let mut source = MessageStore::new(false);
        let mut destination = MessageStore::new(false);
        let now = Instant::now();
        source.enqueue(message("a", None), None, Duration::ZERO, RETENTION, now);
        let (first, _) = source.receive(1, Duration::ZERO, None, now, 0);
        assert_eq!(first.len(), 1);
        source.refresh(now);

        let mut taken = source.take_visible(10);
        assert_eq!(source.counts(), Counts::default(), "the source is empty");
        let moved = taken.pop().expect("one message");
        destination.enqueue_moved(moved, "new-id".to_owned(), 7, RETENTION, now);
        let (received, _) = destination.receive(1, VISIBILITY, None, now, 0);
        assert_eq!(received[0].message.message_id, "new-id");
        assert_eq!(received[0].message.receive_count, 1, "the count started again");
    }

    #[test]
    fn exhausted_message_is_handed_back_as_dead_letter() {
        let mut store = MessageStore::new(false);
        let now = Instant::now();
        store.enqueue(message("a", None), None, Duration::ZERO, RETENTION, now);
        let (first, _) = store.receive(1, Duration::ZERO, Some(1), now, 0);
        assert_eq!(first.len(), 1);
        store.refresh(now);
        let (second, dead) = store.receive(1, Duration::ZERO, Some(1), now, 0);
        assert!(second.is_empty());
        assert_eq!(dead.len(), 1);
        assert_eq!(store.counts(), Counts::default());
    }

    #[test]
    fn stale_receipt_does_not_delete() {
        let mut store = MessageStore::new(false);
        let now = Instant::now();
        store.enqueue(message("a", None), None, Duration::ZERO, RETENTION, now);
        let (first, _) = store.receive(1, Duration::ZERO, None, now, 0);
        store.refresh(now);
        let (second, _) = store.receive(1, VISIBILITY, None, now, 0);
        assert!(!store.delete(first[0].key, first[0].receipt_token));
        assert!(store.delete(second[0].key, second[0].receipt_token));
        assert_eq!(store.counts(), Counts::default());
    }
}
