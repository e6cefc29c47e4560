//! SQS message lifecycle on one standard and one FIFO queue.
//!
//! The model follows the SQS developer guide and API reference:
//!
//! - A message is visible, in flight (received and hidden for the
//!   visibility timeout) or deleted
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html>).
//!   Receiving with `VisibilityTimeout=0` returns a message and leaves it
//!   visible. The test never waits for a timeout: a hidden message uses a
//!   600 s timeout and comes back only through `ChangeMessageVisibility` to 0.
//! - Every receive returns a new receipt handle. DeleteMessage deletes only
//!   with the latest one and otherwise succeeds without deleting
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html>).
//!   ChangeMessageVisibility on a message that is not in flight fails with
//!   `AWS.SimpleQueueService.MessageNotInflight`
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html>).
//! - PurgeQueue deletes every message and may run once per 60 s on a queue;
//!   a second call within that time fails with
//!   `AWS.SimpleQueueService.PurgeQueueInProgress`
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html>).
//!   A test case runs for well under 60 s, so every later purge of the same
//!   queue fails.
//! - A FIFO queue delivers a message group's messages in send order and holds
//!   back a group while one of its messages is in flight. A send whose
//!   `MessageDeduplicationId` was used in the last 5 minutes succeeds,
//!   returns the first message's `MessageId` and adds nothing
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html>,
//!   <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html>).
//!   A FIFO receive that repeats a `ReceiveRequestAttemptId` returns the
//!   earlier receive's messages and receipt handles again while none of them
//!   changed.
//!
//! AWS does not promise which messages one short-poll receive returns, so the
//! model only generates receives whose `MaxNumberOfMessages` covers every
//! receivable message, and a queue contains at most 10 live messages. The
//! prediction is then the whole receivable set, whatever order the service
//! picks. The one exception is a FIFO queue whose receivable messages are all
//! in one group: there a smaller receive returns that group's oldest messages.
//!
//! NOTE: AWS short polling samples a subset of its servers and may return
//! fewer messages than are receivable
//! (ReceiveMessage in <https://docs.aws.amazon.com/sdkfornet/latest/apidocs/items/MSQSSQSReceiveMessageStringNET45.html>).
//! The emulator returns them all, and the model predicts that, so against
//! AWS a receive could fall short of the prediction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, MessageSystemAttributeName,
    QueueAttributeName, SendMessageBatchRequestEntry,
};
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use crate::common::{self, Emulator};

/// Index of the standard queue in [`QueueModel::queues`].
const STANDARD: usize = 0;
/// Index of the FIFO queue in [`QueueModel::queues`].
const FIFO: usize = 1;
/// Maximum live messages in one queue, so that one receive can return them all.
const MAX_LIVE: usize = 10;
/// Visibility timeout, in seconds, of a receive that hides its messages.
/// A test case runs for far less.
const HIDE_SECONDS: i32 = 600;
const MESSAGE_NOT_INFLIGHT: &str = "AWS.SimpleQueueService.MessageNotInflight";
const PURGE_QUEUE_IN_PROGRESS: &str = "AWS.SimpleQueueService.PurgeQueueInProgress";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MessageState {
    Visible,
    InFlight,
    Deleted,
}

#[derive(Clone, Debug)]
struct ModelMessage {
    body: String,
    /// Message group of a FIFO message.
    group: Option<u8>,
    /// Deduplication id of a FIFO message.
    deduplication_id: Option<u8>,
    state: MessageState,
    receive_count: u32,
    /// Index in [`QueueModel::receipts`] of the latest receipt handle.
    latest_receipt: Option<usize>,
    /// Whether ChangeMessageVisibility succeeded since the latest receive,
    /// which ends the receive request attempt that returned the message.
    visibility_changed: bool,
}

#[derive(Clone, Debug, Default)]
struct ModelQueue {
    fifo: bool,
    /// Every message ever added, by send order.
    messages: Vec<ModelMessage>,
    /// FIFO deduplication ids seen, each with the message it added.
    deduplication_ids: BTreeMap<u8, usize>,
    purged: bool,
    /// FIFO `ReceiveRequestAttemptId` numbers, each with the receipt numbers
    /// its receive handed out.
    attempts: BTreeMap<u8, Vec<usize>>,
}

impl ModelQueue {
    fn count(&self, state: MessageState) -> usize {
        self.messages.iter().filter(|message| message.state == state).count()
    }

    fn live(&self) -> usize {
        self.count(MessageState::Visible) + self.count(MessageState::InFlight)
    }

    /// Returns the messages a receive can return: every visible message of a
    /// standard queue, and of a FIFO queue the visible messages of groups
    /// with nothing in flight.
    fn receivable(&self) -> Vec<usize> {
        let blocked: BTreeSet<Option<u8>> = if self.fifo {
            self.messages.iter().filter(|m| m.state == MessageState::InFlight).map(|m| m.group).collect()
        } else {
            BTreeSet::new()
        };
        self.messages
            .iter()
            .enumerate()
            .filter(|(_, message)| message.state == MessageState::Visible && !blocked.contains(&message.group))
            .map(|(index, _)| index)
            .collect()
    }

    /// Returns the messages a receive of at most `max` returns, or `None`
    /// when AWS leaves the choice open. Every receivable message is returned
    /// when `max` covers them all. A FIFO queue whose receivable messages are
    /// all in one group returns that group's first `max` in send order.
    fn predict_receive(&self, max: usize) -> Option<Vec<usize>> {
        let mut receivable = self.receivable();
        if max >= receivable.len() {
            return Some(receivable);
        }
        let groups: BTreeSet<Option<u8>> = receivable.iter().map(|&index| self.messages[index].group).collect();
        if self.fifo && groups.len() == 1 {
            receivable.truncate(max);
            return Some(receivable);
        }
        None
    }

    /// Returns the smallest `MaxNumberOfMessages` whose receive the model can predict.
    fn least_predictable_max(&self) -> usize {
        (1..MAX_LIVE).find(|&max| self.predict_receive(max).is_some()).unwrap_or(MAX_LIVE)
    }
}

/// The model's prediction for the latest transition.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Prediction {
    Start,
    /// SendMessage succeeds with the id of message `message`. `duplicate` is
    /// set when a FIFO deduplication id matched and nothing was added.
    Sent {
        message: usize,
        duplicate: bool,
    },
    /// ReceiveMessage returns exactly `messages`, which get the receipts
    /// numbered from `first_receipt` in the order of `messages`.
    Received {
        messages: Vec<usize>,
        first_receipt: usize,
    },
    /// ReceiveMessage retries an earlier receive: it returns the messages of
    /// these receipt numbers with the same receipt handles, and changes nothing.
    Replayed {
        receipts: Vec<usize>,
    },
    /// DeleteMessage succeeds, and deletes the message when `deleted`
    /// (the receipt was the message's latest).
    Deleted {
        deleted: bool,
    },
    /// The call returns `"ok"` or this error code.
    Outcome(&'static str),
    /// SendMessageBatch succeeds for every entry, each as [`Prediction::Sent`] describes.
    SentBatch(Vec<(usize, bool)>),
    /// A batch call returns each entry's outcome, `"ok"` or an error code.
    BatchOutcomes(Vec<&'static str>),
}

#[derive(Clone, Debug)]
pub struct QueueModel {
    queues: [ModelQueue; 2],
    /// Every receipt handle handed out, as (queue, message).
    receipts: Vec<(usize, usize)>,
    sends: usize,
    prediction: Prediction,
}

#[derive(Clone, Debug)]
pub enum QueueTransition {
    /// SendMessage. `group` and `deduplication_id` apply to the FIFO queue only.
    Send {
        queue: usize,
        group: u8,
        deduplication_id: u8,
    },
    /// ReceiveMessage with `MaxNumberOfMessages=max`, hiding the messages for
    /// 600 s when `hide` and leaving them visible (timeout 0) otherwise.
    /// `attempt` is the FIFO `ReceiveRequestAttemptId` number, set only
    /// with `hide`.
    Receive {
        queue: usize,
        max: i32,
        hide: bool,
        attempt: Option<u8>,
    },
    /// DeleteMessage with the receipt numbered `receipt`.
    Delete {
        receipt: usize,
    },
    /// ChangeMessageVisibility with the receipt numbered `receipt`, to 600 s
    /// when `hide` and to 0 otherwise.
    ChangeVisibility {
        receipt: usize,
        hide: bool,
    },
    Purge {
        queue: usize,
    },
    /// SendMessageBatch with one entry of (group, deduplication id) per message.
    SendBatch {
        queue: usize,
        entries: Vec<(u8, u8)>,
    },
    /// DeleteMessageBatch with distinct receipt numbers.
    DeleteBatch {
        receipts: Vec<usize>,
    },
    /// ChangeMessageVisibilityBatch with distinct receipt numbers.
    ChangeVisibilityBatch {
        entries: Vec<(usize, bool)>,
    },
}

impl ReferenceStateMachine for QueueModel {
    type State = QueueModel;
    type Transition = QueueTransition;

    fn init_state() -> BoxedStrategy<Self::State> {
        let standard = ModelQueue::default();
        let fifo = ModelQueue { fifo: true, ..ModelQueue::default() };
        Just(QueueModel { queues: [standard, fifo], receipts: Vec::new(), sends: 0, prediction: Prediction::Start })
            .boxed()
    }

    fn transitions(state: &Self::State) -> BoxedStrategy<Self::Transition> {
        let queue = prop_oneof![Just(STANDARD), Just(FIFO)];
        let send = (queue.clone(), 0..2u8, 0..4u8).prop_map(|(queue, group, deduplication_id)| QueueTransition::Send {
            queue,
            group,
            deduplication_id,
        });
        let least = [state.queues[STANDARD].least_predictable_max(), state.queues[FIFO].least_predictable_max()];
        let receive = (queue.clone(), any::<bool>()).prop_flat_map(move |(queue, hide)| {
            let least = i32::try_from(least[queue]).expect("at most 10 messages");
            let attempt = if queue == FIFO && hide { proptest::option::of(0..2u8).boxed() } else { Just(None).boxed() };
            (least..=10, attempt).prop_map(move |(max, attempt)| QueueTransition::Receive { queue, max, hide, attempt })
        });

        let purge = queue.clone().prop_map(|queue| QueueTransition::Purge { queue });
        let send_batch = (queue, proptest::collection::vec((0..2u8, 0..4u8), 1..=3))
            .prop_map(|(queue, entries)| QueueTransition::SendBatch { queue, entries });
        if state.receipts.is_empty() {
            return prop_oneof![4 => send, 1 => send_batch, 3 => receive, 1 => purge].boxed();
        }

        let receipts = state.receipts.len();
        let delete = (0..receipts).prop_map(|receipt| QueueTransition::Delete { receipt });
        let change = (0..receipts, any::<bool>())
            .prop_map(|(receipt, hide)| QueueTransition::ChangeVisibility { receipt, hide });
        let delete_batch = proptest::sample::subsequence((0..receipts).collect::<Vec<_>>(), 1..=receipts.min(3))
            .prop_shuffle()
            .prop_map(|receipts| QueueTransition::DeleteBatch { receipts });
        let change_batch = proptest::sample::subsequence((0..receipts).collect::<Vec<_>>(), 1..=receipts.min(3))
            .prop_shuffle()
            .prop_flat_map(|receipts| {
                let hides = proptest::collection::vec(any::<bool>(), receipts.len());
                (Just(receipts), hides)
            })
            .prop_map(|(receipts, hides)| QueueTransition::ChangeVisibilityBatch {
                entries: receipts.into_iter().zip(hides).collect(),
            });

        prop_oneof![
            4 => send,
            1 => send_batch,
            3 => receive,
            2 => delete,
            1 => delete_batch,
            2 => change,
            1 => change_batch,
            1 => purge,
        ]
        .boxed()
    }

    fn preconditions(state: &Self::State, transition: &Self::Transition) -> bool {
        match *transition {
            QueueTransition::Send { queue, .. } => state.queues[queue].live() < MAX_LIVE,
            QueueTransition::Receive { queue, max, hide, attempt } => {
                (attempt.is_none() || queue == FIFO && hide)
                    && usize::try_from(max).is_ok_and(|max| state.queues[queue].predict_receive(max).is_some())
            }
            QueueTransition::Delete { receipt } | QueueTransition::ChangeVisibility { receipt, .. } => {
                receipt < state.receipts.len()
            }
            QueueTransition::Purge { .. } => true,
            QueueTransition::SendBatch { queue, ref entries } => state.queues[queue].live() + entries.len() <= MAX_LIVE,
            QueueTransition::DeleteBatch { ref receipts } => {
                receipts.iter().all(|&receipt| receipt < state.receipts.len())
            }
            QueueTransition::ChangeVisibilityBatch { ref entries } => {
                entries.iter().all(|&(receipt, _)| receipt < state.receipts.len())
            }
        }
    }

    fn apply(mut state: Self::State, transition: &Self::Transition) -> Self::State {
        state.prediction = match *transition {
            QueueTransition::Send { queue, group, deduplication_id } => {
                apply_send(&mut state, queue, group, deduplication_id)
            }
            QueueTransition::Receive { queue, max, hide, attempt } => {
                apply_receive(&mut state, queue, max, hide, attempt)
            }
            QueueTransition::Delete { receipt } => Prediction::Deleted { deleted: apply_delete(&mut state, receipt) },
            QueueTransition::ChangeVisibility { receipt, hide } => {
                Prediction::Outcome(apply_change_visibility(&mut state, receipt, hide))
            }
            QueueTransition::SendBatch { queue, ref entries } => Prediction::SentBatch(
                entries
                    .iter()
                    .map(|&(group, deduplication_id)| match apply_send(&mut state, queue, group, deduplication_id) {
                        Prediction::Sent { message, duplicate } => (message, duplicate),
                        other => unreachable!("a send predicts Sent, not {other:?}"),
                    })
                    .collect(),
            ),
            QueueTransition::DeleteBatch { ref receipts } => {
                for &receipt in receipts {
                    apply_delete(&mut state, receipt);
                }
                Prediction::BatchOutcomes(vec!["ok"; receipts.len()])
            }
            QueueTransition::ChangeVisibilityBatch { ref entries } => Prediction::BatchOutcomes(
                entries.iter().map(|&(receipt, hide)| apply_change_visibility(&mut state, receipt, hide)).collect(),
            ),
            QueueTransition::Purge { queue } => {
                let model = &mut state.queues[queue];
                if model.purged {
                    Prediction::Outcome(PURGE_QUEUE_IN_PROGRESS)
                } else {
                    model.purged = true;
                    for message in &mut model.messages {
                        message.state = MessageState::Deleted;
                    }
                    // NOTE: AWS does not document whether PurgeQueue clears FIFO
                    // deduplication ids. The model keeps them, as the emulator
                    // does, so this is unverified on AWS.
                    Prediction::Outcome("ok")
                }
            }
        };
        state
    }
}

/// Applies ReceiveMessage. A FIFO receive whose `ReceiveRequestAttemptId`
/// was used before returns that receive's messages and receipt handles again
/// while none of them was deleted, received again or had its visibility
/// changed (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html>,
/// `ReceiveRequestAttemptId`). Otherwise it receives anew.
fn apply_receive(state: &mut QueueModel, queue: usize, max: i32, hide: bool, attempt: Option<u8>) -> Prediction {
    let model = &mut state.queues[queue];
    if let Some(receipts) = attempt.and_then(|attempt| model.attempts.get(&attempt)) {
        let unchanged = receipts.iter().all(|&receipt| {
            let message = &model.messages[state.receipts[receipt].1];
            message.state == MessageState::InFlight
                && message.latest_receipt == Some(receipt)
                && !message.visibility_changed
        });
        if unchanged {
            // NOTE: a retry leaves ApproximateReceiveCount as it was. AWS
            // does not document the count on a retry, so this is the
            // emulator's choice and unverified.
            return Prediction::Replayed { receipts: receipts.clone() };
        }
        // NOTE: receiving anew under the same attempt id after a change is
        // the emulator's choice. AWS documents retries only while nothing changed.
    }

    let max = usize::try_from(max).expect("a positive MaxNumberOfMessages");
    let messages = model.predict_receive(max).expect("checked by the preconditions");
    let first_receipt = state.receipts.len();
    for &index in &messages {
        let receipt = state.receipts.len();
        state.receipts.push((queue, index));
        let message = &mut state.queues[queue].messages[index];
        message.receive_count += 1;
        message.latest_receipt = Some(receipt);
        message.visibility_changed = false;
        if hide {
            message.state = MessageState::InFlight;
        }
    }
    if let Some(attempt) = attempt {
        // NOTE: a receive that returns nothing records no attempt, as the
        // emulator does. AWS does not document this case.
        if messages.is_empty() {
            state.queues[queue].attempts.remove(&attempt);
        } else {
            state.queues[queue].attempts.insert(attempt, (first_receipt..state.receipts.len()).collect());
        }
    }
    Prediction::Received { messages, first_receipt }
}

/// Deletes the message of receipt `receipt` if it is the message's latest,
/// and returns whether it did.
fn apply_delete(state: &mut QueueModel, receipt: usize) -> bool {
    let (queue, index) = state.receipts[receipt];
    let message = &mut state.queues[queue].messages[index];
    let deleted = message.state != MessageState::Deleted && message.latest_receipt == Some(receipt);
    if deleted {
        message.state = MessageState::Deleted;
    }
    deleted
}

/// Applies ChangeMessageVisibility with receipt `receipt` and returns the outcome.
fn apply_change_visibility(state: &mut QueueModel, receipt: usize, hide: bool) -> &'static str {
    let (queue, index) = state.receipts[receipt];
    let message = &mut state.queues[queue].messages[index];
    // NOTE: AWS documents MessageNotInflight for a message that is not in
    // flight. The same error for a superseded receipt of an in-flight message,
    // and as the Code of a failed batch entry, is the emulator's choice and
    // unverified on AWS.
    if message.state == MessageState::InFlight && message.latest_receipt == Some(receipt) {
        if !hide {
            message.state = MessageState::Visible;
        }
        message.visibility_changed = true;
        "ok"
    } else {
        MESSAGE_NOT_INFLIGHT
    }
}

/// Returns the body a send of model message `message` carries. A duplicate
/// gets a different body, which FIFO deduplication by id must ignore.
fn sent_body(state: &QueueModel, queue: usize, message: usize, duplicate: bool) -> String {
    let body = &state.queues[queue].messages[message].body;
    if duplicate { format!("duplicate of {body}") } else { body.clone() }
}

fn apply_send(state: &mut QueueModel, queue: usize, group: u8, deduplication_id: u8) -> Prediction {
    state.sends += 1;
    let body = format!("message-{}", state.sends);
    let model = &mut state.queues[queue];
    if model.fifo {
        if let Some(&message) = model.deduplication_ids.get(&deduplication_id) {
            return Prediction::Sent { message, duplicate: true };
        }
        model.deduplication_ids.insert(deduplication_id, model.messages.len());
    }
    let fifo = model.fifo;
    model.messages.push(ModelMessage {
        body,
        group: fifo.then_some(group),
        deduplication_id: fifo.then_some(deduplication_id),
        state: MessageState::Visible,
        receive_count: 0,
        latest_receipt: None,
        visibility_changed: false,
    });
    Prediction::Sent { message: model.messages.len() - 1, duplicate: false }
}

/// Attributes of one message that must not change once set.
#[derive(Debug, Default)]
struct ObservedMessage {
    /// The FIFO `SequenceNumber` SendMessage returned.
    sequence_number: Option<String>,
    sent_timestamp: Option<String>,
    first_receive_timestamp: Option<String>,
}

/// The emulator side: two queues and what the test saw of them.
pub struct QueueSut {
    emulator: Emulator,
    client: Client,
    queue_urls: [String; 2],
    /// The `MessageId` SendMessage returned, per queue and message index.
    message_ids: [Vec<String>; 2],
    /// What the test saw of each message beyond its id, per queue and message index.
    observed: [Vec<ObservedMessage>; 2],
    /// Receipt handles in the order the model numbers them.
    receipts: Vec<String>,
    /// The model state before the latest transition.
    previous: QueueModel,
}

impl StateMachineTest for QueueSut {
    type SystemUnderTest = Self;
    type Reference = QueueModel;

    fn init_test(ref_state: &QueueModel) -> Self {
        let emulator = Emulator::start();
        let config = aws_sdk_sqs::Config::builder()
            .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
            .region(aws_sdk_sqs::config::Region::new(common::REGION))
            .credentials_provider(common::credentials())
            .endpoint_url(emulator.endpoint_url())
            .build();
        let client = Client::from_conf(config);

        let standard = emulator
            .call(client.create_queue().queue_name("lifecycle").send())
            .expect("CreateQueue lifecycle")
            .queue_url
            .expect("QueueUrl");
        let fifo = emulator
            .call(
                client
                    .create_queue()
                    .queue_name("lifecycle.fifo")
                    .attributes(QueueAttributeName::FifoQueue, "true")
                    .send(),
            )
            .expect("CreateQueue lifecycle.fifo")
            .queue_url
            .expect("QueueUrl");

        QueueSut {
            emulator,
            client,
            queue_urls: [standard, fifo],
            message_ids: [Vec::new(), Vec::new()],
            observed: [Vec::new(), Vec::new()],
            receipts: Vec::new(),
            previous: ref_state.clone(),
        }
    }

    fn apply(mut sut: Self, ref_state: &QueueModel, transition: QueueTransition) -> Self {
        match transition {
            QueueTransition::Send { queue, group, deduplication_id } => {
                sut.send(ref_state, queue, group, deduplication_id);
            }
            QueueTransition::Receive { queue, max, hide, attempt } => {
                sut.receive(ref_state, queue, max, hide, attempt);
            }
            QueueTransition::Delete { receipt } => {
                let result = sut.emulator.call(
                    sut.client
                        .delete_message()
                        .queue_url(&sut.queue_urls[ref_state.receipts[receipt].0])
                        .receipt_handle(&sut.receipts[receipt])
                        .send(),
                );
                assert_eq!(common::outcome(&result), "ok", "DeleteMessage with receipt {receipt}");
            }
            QueueTransition::ChangeVisibility { receipt, hide } => {
                let result = sut.emulator.call(
                    sut.client
                        .change_message_visibility()
                        .queue_url(&sut.queue_urls[ref_state.receipts[receipt].0])
                        .receipt_handle(&sut.receipts[receipt])
                        .visibility_timeout(if hide { HIDE_SECONDS } else { 0 })
                        .send(),
                );
                let Prediction::Outcome(expected) = ref_state.prediction else { unreachable!() };
                assert_eq!(common::outcome(&result), expected, "ChangeMessageVisibility with receipt {receipt}");
            }
            QueueTransition::Purge { queue } => {
                let result = sut.emulator.call(sut.client.purge_queue().queue_url(&sut.queue_urls[queue]).send());
                let Prediction::Outcome(expected) = ref_state.prediction else { unreachable!() };
                assert_eq!(common::outcome(&result), expected, "PurgeQueue on queue {queue}");
            }
            QueueTransition::SendBatch { queue, entries } => sut.send_batch(ref_state, queue, &entries),
            QueueTransition::DeleteBatch { receipts } => {
                let entries = receipts.iter().map(|&receipt| (receipt, None)).collect::<Vec<_>>();
                sut.receipt_batch(ref_state, &entries);
            }
            QueueTransition::ChangeVisibilityBatch { entries } => {
                let entries = entries.iter().map(|&(receipt, hide)| (receipt, Some(hide))).collect::<Vec<_>>();
                sut.receipt_batch(ref_state, &entries);
            }
        }
        sut.previous = ref_state.clone();
        sut
    }

    fn check_invariants(sut: &Self, ref_state: &QueueModel) {
        for (queue, model) in ref_state.queues.iter().enumerate() {
            let output = sut
                .emulator
                .call(
                    sut.client
                        .get_queue_attributes()
                        .queue_url(&sut.queue_urls[queue])
                        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
                        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
                        .send(),
                )
                .expect("GetQueueAttributes");
            let attributes = output.attributes.unwrap_or_default();
            let count = |name: QueueAttributeName| attributes.get(&name).cloned().unwrap_or_default();
            // NOTE: the model counts a visible message of a held-back FIFO
            // group as visible. AWS defines the count only as messages
            // "available for retrieval", so this is unverified on AWS.
            assert_eq!(
                count(QueueAttributeName::ApproximateNumberOfMessages),
                model.count(MessageState::Visible).to_string(),
                "ApproximateNumberOfMessages of queue {queue}"
            );
            assert_eq!(
                count(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
                model.count(MessageState::InFlight).to_string(),
                "ApproximateNumberOfMessagesNotVisible of queue {queue}"
            );
        }
    }
}

impl QueueSut {
    fn send(&mut self, ref_state: &QueueModel, queue: usize, group: u8, deduplication_id: u8) {
        let Prediction::Sent { message, duplicate } = ref_state.prediction else { unreachable!() };
        let mut request = self
            .client
            .send_message()
            .queue_url(&self.queue_urls[queue])
            .message_body(sent_body(ref_state, queue, message, duplicate));
        if ref_state.queues[queue].fifo {
            request = request
                .message_group_id(format!("group-{group}"))
                .message_deduplication_id(format!("deduplication-{deduplication_id}"));
        }
        let output = self.emulator.call(request.send()).expect("SendMessage");
        let message_id = output.message_id.expect("SendMessage returns a MessageId");
        self.check_sent(queue, message, duplicate, message_id, output.sequence_number);
    }

    fn send_batch(&mut self, ref_state: &QueueModel, queue: usize, entries: &[(u8, u8)]) {
        let Prediction::SentBatch(sent) = &ref_state.prediction else { unreachable!() };
        let mut request = self.client.send_message_batch().queue_url(&self.queue_urls[queue]);
        for (position, (&(group, deduplication_id), &(message, duplicate))) in entries.iter().zip(sent).enumerate() {
            let mut entry = SendMessageBatchRequestEntry::builder()
                .id(format!("entry-{position}"))
                .message_body(sent_body(ref_state, queue, message, duplicate));
            if ref_state.queues[queue].fifo {
                entry = entry
                    .message_group_id(format!("group-{group}"))
                    .message_deduplication_id(format!("deduplication-{deduplication_id}"));
            }
            request = request.entries(entry.build().expect("a complete batch entry"));
        }
        let output = self.emulator.call(request.send()).expect("SendMessageBatch");
        assert!(output.failed.is_empty(), "SendMessageBatch failed entries: {:?}", output.failed);
        assert_eq!(output.successful.len(), entries.len(), "SendMessageBatch returns one result per entry");

        // A duplicate within the batch refers to a message that an earlier
        // entry of the same batch added, so results are checked in entry order.
        for (position, &(message, duplicate)) in sent.iter().enumerate() {
            let id = format!("entry-{position}");
            let result = output.successful.iter().find(|result| result.id == id);
            let result = result.unwrap_or_else(|| panic!("SendMessageBatch has no result for {id}"));
            self.check_sent(queue, message, duplicate, result.message_id.clone(), result.sequence_number.clone());
        }
    }

    /// Sends DeleteMessageBatch (`hide` of every entry `None`) or
    /// ChangeMessageVisibilityBatch for receipt numbers in one queue's batch
    /// and checks each entry's outcome. Entries on the other queue's receipts
    /// go in a second batch call.
    fn receipt_batch(&self, ref_state: &QueueModel, entries: &[(usize, Option<bool>)]) {
        let Prediction::BatchOutcomes(expected) = &ref_state.prediction else { unreachable!() };
        for queue in [STANDARD, FIFO] {
            let in_queue: Vec<(usize, &(usize, Option<bool>))> = entries
                .iter()
                .enumerate()
                .filter(|(_, (receipt, _))| ref_state.receipts[*receipt].0 == queue)
                .collect();
            if in_queue.is_empty() {
                continue;
            }
            let outcomes = self.send_receipt_batch(queue, &in_queue);
            for (position, (receipt, _)) in &in_queue {
                let outcome = outcomes.get(&format!("entry-{position}")).cloned().unwrap_or_default();
                assert_eq!(outcome, expected[*position], "batch entry {position} with receipt {receipt}");
            }
        }
    }

    /// Sends one batch call on `queue` and returns each entry id's outcome.
    fn send_receipt_batch(
        &self,
        queue: usize,
        entries: &[(usize, &(usize, Option<bool>))],
    ) -> BTreeMap<String, String> {
        let mut outcomes = BTreeMap::new();
        if entries.iter().all(|(_, (_, hide))| hide.is_none()) {
            let mut request = self.client.delete_message_batch().queue_url(&self.queue_urls[queue]);
            for (position, (receipt, _)) in entries {
                let entry = DeleteMessageBatchRequestEntry::builder()
                    .id(format!("entry-{position}"))
                    .receipt_handle(&self.receipts[*receipt])
                    .build()
                    .expect("a complete batch entry");
                request = request.entries(entry);
            }
            let output = self.emulator.call(request.send()).expect("DeleteMessageBatch");
            outcomes.extend(output.successful.into_iter().map(|entry| (entry.id, "ok".to_owned())));
            outcomes.extend(output.failed.into_iter().map(|entry| (entry.id, entry.code)));
        } else {
            let mut request = self.client.change_message_visibility_batch().queue_url(&self.queue_urls[queue]);
            for (position, (receipt, hide)) in entries {
                let entry = ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(format!("entry-{position}"))
                    .receipt_handle(&self.receipts[*receipt])
                    .visibility_timeout(if hide == &Some(true) { HIDE_SECONDS } else { 0 })
                    .build()
                    .expect("a complete batch entry");
                request = request.entries(entry);
            }
            let output = self.emulator.call(request.send()).expect("ChangeMessageVisibilityBatch");
            outcomes.extend(output.successful.into_iter().map(|entry| (entry.id, "ok".to_owned())));
            outcomes.extend(output.failed.into_iter().map(|entry| (entry.id, entry.code)));
        }
        assert_eq!(outcomes.len(), entries.len(), "a batch call returns one result per entry");
        outcomes
    }

    /// Checks the `MessageId` a send returned: a duplicate's is the first
    /// message's, and a new message's is new. A new FIFO message's
    /// `SequenceNumber` is larger than every earlier one of the queue
    /// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html>).
    fn check_sent(
        &mut self,
        queue: usize,
        message: usize,
        duplicate: bool,
        message_id: String,
        sequence_number: Option<String>,
    ) {
        if duplicate {
            assert_eq!(
                message_id, self.message_ids[queue][message],
                "a duplicate send of message {message} returns the first message's id"
            );
        } else {
            assert!(
                !self.message_ids[queue].contains(&message_id),
                "SendMessage returned the id {message_id} of an earlier message"
            );
            self.message_ids[queue].push(message_id);

            if queue == FIFO {
                let number = |text: &str| {
                    text.parse::<u128>().unwrap_or_else(|_| panic!("SequenceNumber {text:?} is not a number"))
                };
                let sequence_number = sequence_number.as_deref().expect("a FIFO send returns a SequenceNumber");
                let latest =
                    self.observed[queue].iter().filter_map(|seen| seen.sequence_number.as_deref()).map(number).max();
                assert!(
                    latest.is_none_or(|latest| number(sequence_number) > latest),
                    "SequenceNumber {sequence_number} of message {message} is larger than every earlier one"
                );
            }
            self.observed[queue].push(ObservedMessage { sequence_number, ..ObservedMessage::default() });
        }
    }

    /// Checks the system attributes of a received message: the FIFO fields
    /// match the send, and `SentTimestamp` and `ApproximateFirstReceiveTimestamp`
    /// stay what the first receive returned.
    fn check_received_attributes(
        model: &ModelMessage,
        observed: &mut ObservedMessage,
        attributes: &HashMap<MessageSystemAttributeName, String>,
    ) {
        let attribute = |name: MessageSystemAttributeName| attributes.get(&name).cloned();
        if let Some(group) = model.group {
            assert_eq!(attribute(MessageSystemAttributeName::MessageGroupId), Some(format!("group-{group}")));
        }
        if let Some(deduplication_id) = model.deduplication_id {
            assert_eq!(
                attribute(MessageSystemAttributeName::MessageDeduplicationId),
                Some(format!("deduplication-{deduplication_id}"))
            );
            assert_eq!(
                attribute(MessageSystemAttributeName::SequenceNumber),
                observed.sequence_number,
                "SequenceNumber of {} matches the send",
                model.body
            );
        }
        for (name, seen) in [
            (MessageSystemAttributeName::SentTimestamp, &mut observed.sent_timestamp),
            (MessageSystemAttributeName::ApproximateFirstReceiveTimestamp, &mut observed.first_receive_timestamp),
        ] {
            let value = attribute(name.clone()).unwrap_or_else(|| panic!("{} has no {name:?}", model.body));
            let first = seen.get_or_insert_with(|| value.clone());
            assert_eq!(*first, value, "{name:?} of {} stays as first received", model.body);
        }
    }

    fn receive(&mut self, ref_state: &QueueModel, queue: usize, max: i32, hide: bool, attempt: Option<u8>) {
        let (expected, first_receipt, replayed) = match &ref_state.prediction {
            Prediction::Received { messages, first_receipt } => (messages.clone(), Some(*first_receipt), None),
            Prediction::Replayed { receipts } => {
                let messages = receipts.iter().map(|&receipt| ref_state.receipts[receipt].1).collect();
                (messages, None, Some(receipts.clone()))
            }
            other => unreachable!("a receive predicts Received or Replayed, not {other:?}"),
        };
        let request = self
            .client
            .receive_message()
            .queue_url(&self.queue_urls[queue])
            .max_number_of_messages(max)
            .visibility_timeout(if hide { HIDE_SECONDS } else { 0 })
            .wait_time_seconds(0)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .set_receive_request_attempt_id(attempt.map(|attempt| format!("attempt-{attempt}")));
        let output = self.emulator.call(request.send()).expect("ReceiveMessage");
        let received = output.messages.unwrap_or_default();

        // Map each returned message to its model index, checking the
        // lifecycle invariants before the exact prediction.
        let before = &self.previous.queues[queue];
        let mut indexes = Vec::new();
        for message in &received {
            let message_id = message.message_id.as_deref().expect("a received message has a MessageId");
            let index = self.message_ids[queue]
                .iter()
                .position(|id| id == message_id)
                .unwrap_or_else(|| panic!("ReceiveMessage returned unknown message {message_id}"));
            let state = before.messages[index].state;
            assert_ne!(state, MessageState::Deleted, "deleted message {index} came back");
            if replayed.is_none() {
                assert_ne!(state, MessageState::InFlight, "message {index} delivered again while in flight");
            }
            assert_eq!(message.body.as_deref(), Some(before.messages[index].body.as_str()), "body of message {index}");
            let receive_count = message
                .attributes
                .as_ref()
                .and_then(|attributes| attributes.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                .cloned();
            assert_eq!(
                receive_count,
                Some(ref_state.queues[queue].messages[index].receive_count.to_string()),
                "ApproximateReceiveCount of message {index}"
            );
            assert!(!indexes.contains(&index), "one receive returned message {index} twice");
            indexes.push(index);

            let attributes = message.attributes.clone().unwrap_or_default();
            Self::check_received_attributes(&before.messages[index], &mut self.observed[queue][index], &attributes);
        }

        if ref_state.queues[queue].fifo {
            for group in 0..2u8 {
                let order: Vec<usize> =
                    indexes.iter().copied().filter(|&i| before.messages[i].group == Some(group)).collect();
                let mut sorted = order.clone();
                sorted.sort_unstable();
                assert_eq!(order, sorted, "group-{group} messages arrive in send order");
            }
        }
        let mut sorted = indexes.clone();
        sorted.sort_unstable();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort_unstable();
        assert_eq!(sorted, expected_sorted, "ReceiveMessage on queue {queue} returns the predicted messages");

        if let Some(receipts) = replayed {
            for receipt in receipts {
                let index = ref_state.receipts[receipt].1;
                let position = indexes.iter().position(|&i| i == index).expect("checked above");
                assert_eq!(
                    received[position].receipt_handle.as_deref(),
                    Some(self.receipts[receipt].as_str()),
                    "a retried receive returns receipt {receipt} of message {index} again"
                );
            }
            return;
        }
        let first_receipt = first_receipt.expect("a new receive numbers its receipts");
        for (offset, &index) in expected.iter().enumerate() {
            assert_eq!(self.receipts.len(), first_receipt + offset, "receipt numbering");
            let position = indexes.iter().position(|&i| i == index).expect("checked above");
            let handle = received[position].receipt_handle.clone().expect("a received message has a ReceiptHandle");
            assert!(!self.receipts.contains(&handle), "receipt handle of message {index} was handed out before");
            self.receipts.push(handle);
        }
    }
}

prop_state_machine! {
    #![proptest_config(common::proptest_config(64, 0x5a5, "tests/state_machines/proptest-regressions/sqs.txt"))]

    #[test]
    fn queue_message_lifecycle(sequential 5..50 => QueueSut);
}
