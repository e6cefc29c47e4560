//! Message operations: SendMessage(+Batch), ReceiveMessage, DeleteMessage(+Batch)
//! and ChangeMessageVisibility(+Batch)
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html>,
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html>).
//!
//! Each operation validates its whole input, copies the few queue settings it
//! needs out of the settings lock, then holds the queue's message lock for
//! one short, await-free section. ReceiveMessage long polling waits on the
//! queue's `Notify` with no lock held.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::error::{AwsError, AwsResult, Fault};
use crate::http::RequestContext;

use super::errors;
use super::message::{self, MessageAttribute, md5_hex};
use super::model::{
    BatchIdEntry, BatchOutput, BatchResultErrorEntry, ChangeMessageVisibilityInput, ReceiptBatchInput,
    DeleteMessageInput, Empty, ReceiptEntry, ReceiveMessageInput, ReceiveMessageOutput, ReceivedMessage,
    SendMessageBatchInput, SendMessageBatchResultEntry, SendMessageFields, SendMessageInput, SendMessageOutput,
};
use super::queue::{Queue, unix_millis};
use super::store::{Delivery, NewMessage, ReceiptError, StoredMessage};
use super::{Sqs, attributes};

/// Maximum entries in one batch request.
const MAX_BATCH_ENTRIES: usize = 10;

/// Maximum visibility timeout, in seconds (12 hours).
const MAX_VISIBILITY_TIMEOUT: i64 = 43_200;

/// Message system attributes ReceiveMessage can return, besides `All`.
const SYSTEM_ATTRIBUTE_NAMES: &[&str] = &[
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
];

/// The queue settings a send needs, copied out of the settings lock.
struct SendSettings {
    fifo: bool,
    maximum_message_size: u32,
    delay_seconds: u32,
    retention: Duration,
    content_based_deduplication: bool,
    deduplicate_per_group: bool,
}

impl SendSettings {
    fn of(queue: &Queue) -> SendSettings {
        let meta = queue.meta();
        let settings = &meta.settings;
        SendSettings {
            fifo: queue.fifo,
            maximum_message_size: settings.maximum_message_size,
            delay_seconds: settings.delay_seconds,
            retention: Duration::from_secs(u64::from(settings.message_retention_period)),
            content_based_deduplication: settings.content_based_deduplication,
            deduplicate_per_group: settings.deduplication_scope == "messageGroup",
        }
    }
}

/// A validated message, ready to enqueue.
struct PreparedMessage {
    message: NewMessage,
    deduplication_key: Option<String>,
    delay: Duration,
    md5_of_message_system_attributes: Option<String>,
    /// Body plus message attributes, in bytes, as the size limit counts them.
    size: usize,
}

impl Sqs {
    pub(super) fn send_message(&self, context: &RequestContext, input: SendMessageInput) -> AwsResult<SendMessageOutput> {
        let queue = self.resolve_queue(context, "SendMessage", input.queue_url.as_deref())?;
        send_to_queue(&queue, &input.message, &context.caller.account_id)
    }

    pub(super) fn send_message_batch(
        &self,
        context: &RequestContext,
        input: SendMessageBatchInput,
    ) -> AwsResult<BatchOutput<SendMessageBatchResultEntry>> {
        let queue = self.resolve_queue(context, "SendMessageBatch", input.queue_url.as_deref())?;
        let entries = input.entries.unwrap_or_default();
        check_batch_ids(entries.iter().map(|e| e.id.as_deref()), "SendMessageBatchRequestEntry")?;
        let settings = SendSettings::of(&queue);

        let mut prepared = Vec::with_capacity(entries.len());
        let mut failed = Vec::new();
        let mut total_size = 0;
        for entry in &entries {
            let id = entry.id.clone().unwrap_or_default();
            let result = prepare_message(&entry.message, &settings, &context.caller.account_id).and_then(|message| {
                if message.size > settings.maximum_message_size as usize {
                    Err(errors::message_too_long(message.size, settings.maximum_message_size))
                } else {
                    Ok(message)
                }
            });
            match result {
                Ok(message) => {
                    total_size += message.size;
                    prepared.push((id, message));
                }
                Err(error) => failed.push(failed_entry(id, &error)),
            }
        }
        // The whole batch shares the 1 MiB payload limit of a single message.
        if total_size > attributes::MAX_MESSAGE_SIZE as usize {
            return Err(errors::batch_request_too_long(total_size, attributes::MAX_MESSAGE_SIZE));
        }

        let mut successful = Vec::with_capacity(prepared.len());
        if !prepared.is_empty() {
            let mut store = queue.messages();
            let now = Instant::now();
            store.refresh(now);
            for (id, message) in prepared {
                let result = enqueue(&mut store, message, settings.retention, now);
                successful.push(SendMessageBatchResultEntry { id, result });
            }
        }
        queue.arrivals.notify_waiters();
        Ok(BatchOutput { successful, failed })
    }

    pub(super) async fn receive_message(
        &self,
        context: &RequestContext,
        input: ReceiveMessageInput,
    ) -> AwsResult<ReceiveMessageOutput> {
        let queue = self.resolve_queue(context, "ReceiveMessage", input.queue_url.as_deref())?;
        let max = bounded("MaxNumberOfMessages", input.max_number_of_messages, 1, 10)?.map_or(1, |n| n as usize);
        let visibility = bounded("VisibilityTimeout", input.visibility_timeout, 0, MAX_VISIBILITY_TIMEOUT)?;
        let wait = bounded("WaitTimeSeconds", input.wait_time_seconds, 0, 20)?;
        if let Some(attempt_id) = &input.receive_request_attempt_id {
            message::validate_fifo_id("ReceiveRequestAttemptId", attempt_id)?;
        }
        // The attempt id deduplicates receives on FIFO queues only; a standard queue ignores it.
        let attempt_id = input.receive_request_attempt_id.as_deref().filter(|_| queue.fifo);
        let selection = Selection::new(&input)?;

        let (visibility, wait, redrive) = {
            let meta = queue.meta();
            let settings = &meta.settings;
            (
                visibility.map_or(settings.visibility_timeout, |v| v as u32),
                wait.map_or(settings.receive_message_wait_time_seconds, |w| w as u32),
                settings.redrive_policy.clone(),
            )
        };
        let visibility = Duration::from_secs(u64::from(visibility));
        let deadline = Instant::now() + Duration::from_secs(u64::from(wait));

        // Messages are moved only while the dead-letter queue exists; otherwise they stay.
        let dead_letter_queue = redrive
            .as_ref()
            .and_then(|policy| self.queue_by_arn(&policy.dead_letter_target_arn))
            .zip(redrive.as_ref().map(|policy| policy.max_receive_count));

        loop {
            // Register for wake-ups before looking, so a send between the look
            // and the wait still wakes this poll.
            let arrival = queue.arrivals.notified();
            tokio::pin!(arrival);
            arrival.as_mut().enable();

            let now = Instant::now();
            let (deliveries, dead_letters, next_timer) = {
                let mut store = queue.messages();
                store.refresh(now);
                if let Some(replayed) = attempt_id.and_then(|id| store.replay_attempt(id, visibility, now)) {
                    drop(store);
                    let messages = replayed
                        .iter()
                        .map(|delivery| received_message(&queue, delivery, &selection))
                        .collect();
                    return Ok(ReceiveMessageOutput { messages });
                }
                let max_receive_count = dead_letter_queue.as_ref().map(|(_, count)| *count);
                let (deliveries, dead_letters) = store.receive(max, visibility, max_receive_count, now, unix_millis());
                // NOTE: an empty result is not recorded, so a retry of a receive
                // that found nothing looks again. AWS does not document this case.
                if let Some(id) = attempt_id.filter(|_| !deliveries.is_empty()) {
                    store.record_attempt(id, &deliveries, now);
                }
                (deliveries, dead_letters, store.next_deadline())
            };
            if let Some((target, _)) = &dead_letter_queue {
                move_to_dead_letter_queue(&queue, target, dead_letters, now);
            }

            if !deliveries.is_empty() || now >= deadline || queue.is_deleted() {
                let messages = deliveries
                    .iter()
                    .map(|delivery| received_message(&queue, delivery, &selection))
                    .collect();
                return Ok(ReceiveMessageOutput { messages });
            }

            let wake_at = next_timer.map_or(deadline, |timer| timer.min(deadline));
            // Either a wake-up or the timeout leads to another look.
            let _ = tokio::time::timeout_at(tokio::time::Instant::from_std(wake_at), arrival).await;
        }
    }

    pub(super) fn delete_message(&self, context: &RequestContext, input: DeleteMessageInput) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "DeleteMessage", input.queue_url.as_deref())?;
        let receipt_handle = input.receipt_handle.ok_or_else(|| errors::missing_parameter("ReceiptHandle"))?;
        delete_one(&queue, &receipt_handle)?;
        if queue.fifo {
            // Deleting may unblock the message's group.
            queue.arrivals.notify_waiters();
        }
        Ok(Empty {})
    }

    pub(super) fn delete_message_batch(
        &self,
        context: &RequestContext,
        input: ReceiptBatchInput,
    ) -> AwsResult<BatchOutput<BatchIdEntry>> {
        let queue = self.resolve_queue(context, "DeleteMessageBatch", input.queue_url.as_deref())?;
        let entries = input.entries.unwrap_or_default();
        check_batch_ids(entries.iter().map(|e| e.id.as_deref()), "DeleteMessageBatchRequestEntry")?;

        let mut output = BatchOutput {
            successful: Vec::new(),
            failed: Vec::new(),
        };
        for entry in entries {
            let id = entry.id.clone().unwrap_or_default();
            let result = entry
                .receipt_handle
                .as_deref()
                .ok_or_else(|| errors::missing_parameter("ReceiptHandle"))
                .and_then(|handle| delete_one(&queue, handle));
            match result {
                Ok(()) => output.successful.push(BatchIdEntry { id }),
                Err(error) => output.failed.push(failed_entry(id, &error)),
            }
        }
        if queue.fifo {
            queue.arrivals.notify_waiters();
        }
        Ok(output)
    }

    pub(super) fn change_message_visibility(
        &self,
        context: &RequestContext,
        input: ChangeMessageVisibilityInput,
    ) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "ChangeMessageVisibility", input.queue_url.as_deref())?;
        let entry = ReceiptEntry {
            id: None,
            receipt_handle: input.receipt_handle,
            visibility_timeout: input.visibility_timeout,
        };
        change_visibility_one(&queue, &entry)?;
        Ok(Empty {})
    }

    pub(super) fn change_message_visibility_batch(
        &self,
        context: &RequestContext,
        input: ReceiptBatchInput,
    ) -> AwsResult<BatchOutput<BatchIdEntry>> {
        let queue = self.resolve_queue(context, "ChangeMessageVisibilityBatch", input.queue_url.as_deref())?;
        let entries = input.entries.unwrap_or_default();
        check_batch_ids(entries.iter().map(|e| e.id.as_deref()), "ChangeMessageVisibilityBatchRequestEntry")?;

        let mut output = BatchOutput {
            successful: Vec::new(),
            failed: Vec::new(),
        };
        for entry in entries {
            let id = entry.id.clone().unwrap_or_default();
            match change_visibility_one(&queue, &entry) {
                Ok(()) => output.successful.push(BatchIdEntry { id }),
                Err(error) => output.failed.push(failed_entry(id, &error)),
            }
        }
        Ok(output)
    }
}

/// Validates one message against the queue's settings and adds it to the
/// queue: the part of SendMessage that follows the access decision.
pub(super) fn send_to_queue(queue: &Queue, fields: &SendMessageFields, sender_id: &str) -> AwsResult<SendMessageOutput> {
    let settings = SendSettings::of(queue);
    let prepared = prepare_message(fields, &settings, sender_id)?;
    if prepared.size > settings.maximum_message_size as usize {
        return Err(errors::message_too_long(prepared.size, settings.maximum_message_size));
    }

    let output = {
        let mut store = queue.messages();
        let now = Instant::now();
        store.refresh(now);
        enqueue(&mut store, prepared, settings.retention, now)
    };
    queue.arrivals.notify_waiters();
    Ok(output)
}

/// Validates one message to send against the queue's settings.
fn prepare_message(fields: &SendMessageFields, settings: &SendSettings, sender_id: &str) -> AwsResult<PreparedMessage> {
    let body = fields
        .message_body
        .as_deref()
        .filter(|body| !body.is_empty())
        .ok_or_else(|| errors::missing_parameter("MessageBody"))?;
    message::validate_characters("MessageBody", body)?;
    let attributes = message::validate_attributes("MessageAttributes", &fields.message_attributes)?;
    let system_attributes = message::validate_system_attributes(&fields.message_system_attributes)?;
    let size = body.len() + attributes.iter().map(MessageAttribute::size).sum::<usize>();

    let delay = match fields.delay_seconds {
        None => settings.delay_seconds,
        Some(delay) if settings.fifo && delay != 0 => {
            // FIFO queues take a delay per queue only.
            return Err(errors::parameter_not_for_queue_type("DelaySeconds", &delay.to_string()));
        }
        Some(delay) => {
            let delay = bounded("DelaySeconds", Some(delay), 0, 900)?.unwrap_or(0);
            delay as u32
        }
    };

    let group_id = fields.message_group_id.clone();
    if let Some(group_id) = &group_id {
        message::validate_fifo_id("MessageGroupId", group_id)?;
    }
    let mut deduplication_id = fields.message_deduplication_id.clone();
    if let Some(deduplication_id) = &deduplication_id {
        if !settings.fifo {
            return Err(errors::parameter_not_for_queue_type("MessageDeduplicationId", deduplication_id));
        }
        message::validate_fifo_id("MessageDeduplicationId", deduplication_id)?;
    }

    let deduplication_key = if settings.fifo {
        let Some(group_id) = &group_id else {
            return Err(errors::missing_parameter("MessageGroupId"));
        };
        if deduplication_id.is_none() {
            if !settings.content_based_deduplication {
                return Err(errors::invalid_parameter(
                    "MessageDeduplicationId",
                    "(none)",
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                ));
            }
            // Content-based deduplication uses the SHA-256 of the body
            // (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html>).
            deduplication_id = Some(hex(Sha256::digest(body.as_bytes()).as_slice()));
        }
        let deduplication_id = deduplication_id.as_deref().unwrap_or_default();
        Some(if settings.deduplicate_per_group {
            format!("{group_id}\n{deduplication_id}")
        } else {
            deduplication_id.to_owned()
        })
    } else {
        None
    };

    let md5_of_message_system_attributes = message::md5_of_attributes(&system_attributes);
    Ok(PreparedMessage {
        message: NewMessage {
            message_id: uuid::Uuid::new_v4().to_string(),
            body: body.to_owned(),
            md5_of_body: md5_hex(body.as_bytes()),
            md5_of_attributes: message::md5_of_attributes(&attributes),
            attributes,
            system_attributes,
            sender_id: sender_id.to_owned(),
            sent_timestamp_ms: unix_millis(),
            group_id,
            deduplication_id,
        },
        deduplication_key,
        delay: Duration::from_secs(u64::from(delay)),
        md5_of_message_system_attributes,
        size,
    })
}

fn enqueue(
    store: &mut super::store::MessageStore,
    prepared: PreparedMessage,
    retention: Duration,
    now: Instant,
) -> SendMessageOutput {
    let md5_of_message_body = prepared.message.md5_of_body.clone();
    let md5_of_message_attributes = prepared.message.md5_of_attributes.clone();
    let enqueued = store.enqueue(prepared.message, prepared.deduplication_key, prepared.delay, retention, now);
    SendMessageOutput {
        md5_of_message_body,
        md5_of_message_attributes,
        md5_of_message_system_attributes: prepared.md5_of_message_system_attributes,
        message_id: enqueued.message_id,
        sequence_number: enqueued.sequence_number,
    }
}

/// Moves messages that reached their source queue's `maxReceiveCount` to the
/// dead-letter queue, taking only the dead-letter queue's lock.
fn move_to_dead_letter_queue(source: &Queue, target: &Arc<Queue>, messages: Vec<StoredMessage>, now: Instant) {
    if messages.is_empty() {
        return;
    }
    let retention = Duration::from_secs(u64::from(target.meta().settings.message_retention_period));
    {
        let mut store = target.messages();
        store.refresh(now);
        for message in messages {
            store.enqueue_dead_letter(message, &source.arn, retention, now);
        }
    }
    target.arrivals.notify_waiters();
}

fn delete_one(queue: &Queue, receipt_handle: &str) -> AwsResult<()> {
    let Some((key, token)) = queue.parse_receipt_handle(receipt_handle) else {
        // The SQS model lists InvalidIdFormat for DeleteMessage only: "the
        // specified receipt handle isn't valid for the current version".
        if Queue::is_other_handle_version(receipt_handle) {
            return Err(errors::invalid_id_format(receipt_handle));
        }
        return Err(errors::receipt_handle_is_invalid(receipt_handle));
    };
    let mut store = queue.messages();
    store.refresh(Instant::now());
    store.delete(key, token);
    Ok(())
}

fn change_visibility_one(queue: &Queue, entry: &ReceiptEntry) -> AwsResult<()> {
    let receipt_handle = entry
        .receipt_handle
        .as_deref()
        .ok_or_else(|| errors::missing_parameter("ReceiptHandle"))?;
    let seconds = bounded("VisibilityTimeout", entry.visibility_timeout, 0, MAX_VISIBILITY_TIMEOUT)?
        .ok_or_else(|| errors::missing_parameter("VisibilityTimeout"))?;
    let (key, token) = queue
        .parse_receipt_handle(receipt_handle)
        .ok_or_else(|| errors::receipt_handle_is_invalid(receipt_handle))?;

    let visibility = Duration::from_secs(seconds as u64);
    let result = {
        let mut store = queue.messages();
        let now = Instant::now();
        store.refresh(now);
        store.change_visibility(key, token, visibility, now)
    };
    match result {
        Ok(()) => {
            if visibility.is_zero() {
                queue.arrivals.notify_waiters();
            }
            Ok(())
        }
        Err(ReceiptError::NotInFlight) => Err(errors::message_not_inflight(receipt_handle)),
        Err(ReceiptError::BeyondMaximum) => Err(errors::invalid_parameter(
            "VisibilityTimeout",
            &seconds.to_string(),
            "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
        )),
    }
}

/// Checks a batch's entry ids: 1 to 10 entries, each id present, well formed and distinct.
fn check_batch_ids<'a>(ids: impl ExactSizeIterator<Item = Option<&'a str>>, entry_name: &str) -> AwsResult<()> {
    let count = ids.len();
    if count == 0 {
        return Err(errors::empty_batch_request(entry_name));
    }
    if count > MAX_BATCH_ENTRIES {
        return Err(errors::too_many_entries_in_batch_request(count));
    }
    let mut seen = HashSet::with_capacity(count);
    for (index, id) in ids.enumerate() {
        let Some(id) = id else {
            return Err(errors::missing_parameter(&format!("{entry_name}.{}.Id", index + 1)));
        };
        let valid = !id.is_empty() && id.len() <= 80 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(errors::invalid_batch_entry_id(id));
        }
        if !seen.insert(id) {
            return Err(errors::batch_entry_ids_not_distinct(id));
        }
    }
    Ok(())
}

fn failed_entry(id: String, error: &AwsError) -> BatchResultErrorEntry {
    BatchResultErrorEntry {
        id,
        sender_fault: error.fault == Fault::Sender,
        code: error.wire_query_code().to_owned(),
        message: error.message.clone(),
    }
}

/// Checks an optional integer parameter against its range.
fn bounded(parameter: &str, value: Option<i64>, min: i64, max: i64) -> AwsResult<Option<i64>> {
    match value {
        Some(v) if !(min..=max).contains(&v) => Err(errors::invalid_parameter(
            parameter,
            &v.to_string(),
            &format!("Must be between {min} and {max}, if provided"),
        )),
        other => Ok(other),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut text, byte| {
        text.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        text.push(char::from_digit(u32::from(byte & 0xF), 16).unwrap_or('0'));
        text
    })
}

/// The system attributes and message attributes a ReceiveMessage returns.
struct Selection {
    all_system: bool,
    system: Vec<String>,
    all_attributes: bool,
    attribute_names: Vec<String>,
    attribute_prefixes: Vec<String>,
}

impl Selection {
    fn new(input: &ReceiveMessageInput) -> AwsResult<Selection> {
        let mut selection = Selection {
            all_system: false,
            system: Vec::new(),
            all_attributes: false,
            attribute_names: Vec::new(),
            attribute_prefixes: Vec::new(),
        };
        for name in input.attribute_names.iter().chain(&input.message_system_attribute_names) {
            if name == "All" {
                selection.all_system = true;
            } else if SYSTEM_ATTRIBUTE_NAMES.contains(&name.as_str()) {
                selection.system.push(name.clone());
            } else {
                return Err(errors::invalid_attribute_name(name));
            }
        }
        for name in &input.message_attribute_names {
            if name == "All" || name == ".*" {
                selection.all_attributes = true;
            } else if let Some(prefix) = name.strip_suffix('*').filter(|p| p.ends_with('.')) {
                selection.attribute_prefixes.push(prefix.to_owned());
            } else if name.is_empty() || name.len() > 256 {
                return Err(errors::invalid_parameter(
                    "MessageAttributeNames",
                    name,
                    "a message attribute name has 1 to 256 characters",
                ));
            } else {
                selection.attribute_names.push(name.clone());
            }
        }
        Ok(selection)
    }

    fn wants_system(&self, name: &str) -> bool {
        self.all_system || self.system.iter().any(|n| n == name)
    }

    fn wants_attribute(&self, name: &str) -> bool {
        self.all_attributes
            || self.attribute_names.iter().any(|n| n == name)
            || self.attribute_prefixes.iter().any(|prefix| name.starts_with(prefix.as_str()))
    }
}

fn received_message(queue: &Queue, delivery: &Delivery, selection: &Selection) -> ReceivedMessage {
    let message = &delivery.message;
    let mut attributes = std::collections::BTreeMap::new();
    let mut put = |name: &str, value: Option<String>| {
        if let Some(value) = value.filter(|_| selection.wants_system(name)) {
            attributes.insert(name.to_owned(), value);
        }
    };
    put("SenderId", Some(message.sender_id.clone()));
    put("SentTimestamp", Some(message.sent_timestamp_ms.to_string()));
    put("ApproximateReceiveCount", Some(message.receive_count.to_string()));
    put(
        "ApproximateFirstReceiveTimestamp",
        message.first_receive_timestamp_ms.map(|ms| ms.to_string()),
    );
    put("SequenceNumber", message.sequence_number.clone());
    put("MessageDeduplicationId", message.deduplication_id.clone());
    put("MessageGroupId", message.group_id.clone());
    put(
        "AWSTraceHeader",
        message.system_attributes.iter().find(|a| a.name == "AWSTraceHeader").map(|a| match &a.value {
            message::AttributeValue::String(text) => text.clone(),
            message::AttributeValue::Binary(_) => String::new(),
        }),
    );
    put("DeadLetterQueueSourceArn", message.dead_letter_queue_source_arn.clone());

    // The digest covers the attributes returned, so a client can check what it got.
    let selected: Vec<MessageAttribute> = message
        .attributes
        .iter()
        .filter(|attribute| selection.wants_attribute(&attribute.name))
        .cloned()
        .collect();
    ReceivedMessage {
        message_id: message.message_id.clone(),
        receipt_handle: queue.receipt_handle(delivery.key, delivery.receipt_token),
        md5_of_body: message.md5_of_body.clone(),
        body: message.body.clone(),
        attributes,
        md5_of_message_attributes: message::md5_of_attributes(&selected),
        message_attributes: selected.iter().map(|a| (a.name.clone(), a.to_wire())).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_ids_are_checked_in_order() {
        let ok = ["a", "b-1", "c_2"];
        assert!(check_batch_ids(ok.iter().map(|id| Some(*id)), "Entry").is_ok());

        let error = check_batch_ids(std::iter::empty(), "Entry").expect_err("empty");
        assert_eq!(error.code, "EmptyBatchRequest");

        let many: Vec<String> = (0..11).map(|i| i.to_string()).collect();
        let error = check_batch_ids(many.iter().map(|id| Some(id.as_str())), "Entry").expect_err("eleven");
        assert_eq!(error.code, "TooManyEntriesInBatchRequest");

        let error = check_batch_ids(["a", "a"].iter().map(|id| Some(*id)), "Entry").expect_err("repeated");
        assert_eq!(error.code, "BatchEntryIdsNotDistinct");

        let error = check_batch_ids(["a b"].iter().map(|id| Some(*id)), "Entry").expect_err("space");
        assert_eq!(error.code, "InvalidBatchEntryId");
    }

    #[test]
    fn bounded_names_parameter_and_value() {
        let error = bounded("WaitTimeSeconds", Some(21), 0, 20).expect_err("over");
        assert!(error.message.contains("WaitTimeSeconds"), "{}", error.message);
        assert!(error.message.contains("21"), "{}", error.message);
        assert_eq!(bounded("WaitTimeSeconds", None, 0, 20), Ok(None));
    }

    #[test]
    fn sha256_hex_matches_known_digest() {
        assert_eq!(
            hex(Sha256::digest(b"abc").as_slice()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
