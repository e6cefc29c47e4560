//! Message move tasks: StartMessageMoveTask, CancelMessageMoveTask and
//! ListMessageMoveTasks, the dead-letter queue redrive API
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html>,
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html>).
//!
//! A task moves the messages of a dead-letter queue (the source, named by
//! `SourceArn`) to `DestinationArn`, or, without one, each message back to
//! the queue it was dead-lettered from. The documented rules it follows:
//!
//! - the source must be the dead-letter queue of some queue, and a
//!   destination must exist and be of the source's type (standard or FIFO);
//! - a source has at most one active task at a time;
//! - a moved message is a new message in its destination, with a new
//!   message id, send time and retention period;
//! - a task moves at most `MaxNumberOfMessagesPerSecond` (1 to 500) messages a
//!   second, or as fast as it can without one;
//! - `ApproximateNumberOfMessagesToMove` is counted when the task starts, and
//!   the task stops after that many, or earlier once no message is visible;
//! - only a RUNNING task can be cancelled. It becomes CANCELLING, then
//!   CANCELLED, and keeps what it already moved. A task whose source or
//!   destination queue is deleted ends FAILED, with the failure reason
//!   `AWS.SimpleQueueService.NonExistentQueue`;
//! - ListMessageMoveTasks returns the most recent tasks, newest first: 1 by
//!   default, at most 10. Only a RUNNING task shows its `TaskHandle`.
//!
//! Each task runs as a tokio task that takes a batch of visible messages
//! from the source under the source's lock, then adds each one to its
//! destination under that queue's lock. It never holds two queue locks at once.
//! The three actions can never be granted to another account (see
//! [`super::NOT_GRANTABLE_ACROSS_ACCOUNTS`]).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use tokio::sync::Notify;

use crate::error::AwsResult;
use crate::http::RequestContext;
use crate::store::Namespaces;

use super::model::{
    CancelMessageMoveTaskInput, CancelMessageMoveTaskOutput, ListMessageMoveTasksInput, ListMessageMoveTasksOutput,
    MessageMoveTaskEntry, StartMessageMoveTaskInput, StartMessageMoveTaskOutput,
};
use super::queue::{Queue, QueueRegistry, unix_millis};
use super::store::StoredMessage;
use super::{Sqs, errors};

/// The maximum number of tasks ListMessageMoveTasks returns and a queue keeps.
const MAX_LISTED_TASKS: usize = 10;

/// The highest `MaxNumberOfMessagesPerSecond` SQS accepts.
const MAX_RATE: i64 = 500;

/// Messages a task without a rate moves under one lock of the source queue.
const UNLIMITED_BATCH: usize = 1_000;

/// The failure reason of a task whose source or destination queue is gone,
/// as SQS reports it.
const NON_EXISTENT_QUEUE: &str = "AWS.SimpleQueueService.NonExistentQueue";

/// The status of a message move task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Running,
    Completed,
    Cancelling,
    Cancelled,
    Failed,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Running => "RUNNING",
            TaskStatus::Completed => "COMPLETED",
            TaskStatus::Cancelling => "CANCELLING",
            TaskStatus::Cancelled => "CANCELLED",
            TaskStatus::Failed => "FAILED",
        }
    }

    /// Reports whether the task still blocks a new task on its source.
    fn is_active(self) -> bool {
        matches!(self, TaskStatus::Running | TaskStatus::Cancelling)
    }
}

/// The parts of a task that change while it runs.
#[derive(Debug)]
struct Progress {
    status: TaskStatus,
    moved: u64,
    failure_reason: Option<String>,
}

/// One message move task.
#[derive(Debug)]
pub struct MoveTask {
    id: String,
    handle: String,
    source_arn: String,
    destination_arn: Option<String>,
    rate: Option<u32>,
    to_move: u64,
    /// Milliseconds since the Unix epoch.
    started_timestamp: u64,
    progress: Mutex<Progress>,
    /// Wakes a task that waits for its next second when it is cancelled.
    cancelled: Notify,
}

impl MoveTask {
    fn progress(&self) -> MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Ends the task with `status`. A cancel that arrived while the task was
    /// finishing its last batch wins over completion.
    fn finish(&self, status: TaskStatus, failure_reason: Option<&str>) {
        let mut progress = self.progress();
        progress.status = match (progress.status, status) {
            (TaskStatus::Cancelling, TaskStatus::Completed) => TaskStatus::Cancelled,
            _ => status,
        };
        progress.failure_reason = failure_reason.map(str::to_owned);
    }

    fn entry(&self) -> MessageMoveTaskEntry {
        let progress = self.progress();
        MessageMoveTaskEntry {
            task_handle: (progress.status == TaskStatus::Running).then(|| self.handle.clone()),
            status: progress.status.as_str().to_owned(),
            source_arn: self.source_arn.clone(),
            destination_arn: self.destination_arn.clone(),
            max_number_of_messages_per_second: self.rate,
            approximate_number_of_messages_moved: progress.moved,
            approximate_number_of_messages_to_move: self.to_move,
            failure_reason: progress.failure_reason.clone(),
            started_timestamp: self.started_timestamp,
        }
    }
}

/// The recent tasks of one source queue, newest first.
#[derive(Debug, Default)]
pub struct MoveTaskList {
    tasks: VecDeque<Arc<MoveTask>>,
}

impl MoveTaskList {
    fn active(&self) -> Option<&Arc<MoveTask>> {
        self.tasks.iter().find(|task| task.progress().status.is_active())
    }

    fn push(&mut self, task: Arc<MoveTask>) {
        self.tasks.push_front(task);
        self.tasks.truncate(MAX_LISTED_TASKS);
    }
}

impl Sqs {
    pub(super) fn start_message_move_task(
        &self,
        context: &RequestContext,
        input: StartMessageMoveTaskInput,
    ) -> AwsResult<StartMessageMoveTaskOutput> {
        let source_arn = input.source_arn.ok_or_else(|| errors::missing_parameter("SourceArn"))?;
        let rate = match input.max_number_of_messages_per_second {
            None => None,
            Some(rate) if (1..=MAX_RATE).contains(&rate) => u32::try_from(rate).ok(),
            Some(rate) => {
                return Err(errors::invalid_parameter(
                    "MaxNumberOfMessagesPerSecond",
                    &rate.to_string(),
                    &format!("the rate must be from 1 to {MAX_RATE} messages per second"),
                ));
            }
        };

        let source = self.resolve_queue_arn(context, "StartMessageMoveTask", "SourceArn", &source_arn)?;
        // NOTE: the task sends to its destination on the caller's behalf, so the
        // caller needs sqs:SendMessage there. That pairing is unverified.
        let destination = match input.destination_arn.as_deref() {
            Some(arn) => Some(self.resolve_queue_arn(context, "SendMessage", "DestinationArn", arn)?),
            None => None,
        };

        if let Some(destination) = &destination {
            if destination.fifo != source.fifo {
                return Err(errors::invalid_parameter(
                    "DestinationArn",
                    &destination.arn,
                    "the destination queue must be of the same type (standard or FIFO) as the source queue",
                ));
            }
            if destination.arn == source.arn {
                return Err(errors::invalid_parameter(
                    "DestinationArn",
                    &destination.arn,
                    "the destination queue must differ from the source queue",
                ));
            }
        }
        if !self.is_dead_letter_queue(&source) {
            return Err(errors::not_a_dead_letter_queue(&source.arn));
        }

        let to_move = {
            let mut store = source.messages();
            store.refresh(Instant::now());
            store.counts().visible as u64
        };
        let task = {
            let mut tasks = source.move_tasks();
            if tasks.active().is_some() {
                return Err(errors::move_task_already_running(&source.arn));
            }
            let id = uuid::Uuid::new_v4().to_string();
            let task = Arc::new(MoveTask {
                handle: encode_task_handle(&id, &source.arn),
                id,
                source_arn: source.arn.clone(),
                destination_arn: destination.as_ref().map(|queue| queue.arn.clone()),
                rate,
                to_move,
                // The API reference types StartedTimestamp as a Long without
                // naming its unit, so it is in milliseconds like SentTimestamp.
                started_timestamp: unix_millis(),
                progress: Mutex::new(Progress {
                    status: TaskStatus::Running,
                    moved: 0,
                    failure_reason: None,
                }),
                cancelled: Notify::new(),
            });
            tasks.push(task.clone());
            task
        };

        tokio::spawn(run(task.clone(), source, destination, self.namespaces.clone()));
        Ok(StartMessageMoveTaskOutput {
            task_handle: task.handle.clone(),
        })
    }

    pub(super) fn cancel_message_move_task(
        &self,
        context: &RequestContext,
        input: CancelMessageMoveTaskInput,
    ) -> AwsResult<CancelMessageMoveTaskOutput> {
        let task_handle = input.task_handle.ok_or_else(|| errors::missing_parameter("TaskHandle"))?;
        let Some((task_id, source_arn)) = decode_task_handle(&task_handle) else {
            return Err(errors::invalid_parameter(
                "TaskHandle",
                &task_handle,
                "the value is not a handle that StartMessageMoveTask returned",
            ));
        };
        let source = self.resolve_queue_arn(context, "CancelMessageMoveTask", "SourceArn", &source_arn)?;

        let task = source.move_tasks().tasks.iter().find(|task| task.id == task_id).cloned();
        let Some(task) = task else {
            return Err(errors::move_task_not_found(&task_handle));
        };
        let moved = {
            let mut progress = task.progress();
            // NOTE: AWS documents that only a RUNNING task can be cancelled but
            // not the error for another status. ResourceNotFoundException fits
            // because the handle is no longer listed.
            if progress.status != TaskStatus::Running {
                return Err(errors::move_task_not_found(&task_handle));
            }
            progress.status = TaskStatus::Cancelling;
            progress.moved
        };
        task.cancelled.notify_one();
        Ok(CancelMessageMoveTaskOutput {
            approximate_number_of_messages_moved: moved,
        })
    }

    pub(super) fn list_message_move_tasks(
        &self,
        context: &RequestContext,
        input: ListMessageMoveTasksInput,
    ) -> AwsResult<ListMessageMoveTasksOutput> {
        let source_arn = input.source_arn.ok_or_else(|| errors::missing_parameter("SourceArn"))?;
        let limit = match input.max_results {
            None => 1,
            Some(limit) if (1..=MAX_LISTED_TASKS as i64).contains(&limit) => usize::try_from(limit).unwrap_or(1),
            Some(limit) => {
                return Err(errors::invalid_parameter(
                    "MaxResults",
                    &limit.to_string(),
                    &format!("MaxResults must be an integer from 1 to {MAX_LISTED_TASKS}"),
                ));
            }
        };
        let source = self.resolve_queue_arn(context, "ListMessageMoveTasks", "SourceArn", &source_arn)?;

        let results = source.move_tasks().tasks.iter().take(limit).map(|task| task.entry()).collect();
        Ok(ListMessageMoveTasksOutput { results })
    }

    /// Reports whether some queue's redrive policy names `queue` as its
    /// dead-letter queue. Source queues share the dead-letter queue's
    /// namespace, so this scans one namespace; it is not on a message path.
    fn is_dead_letter_queue(&self, queue: &Queue) -> bool {
        let Some(registry) = self.namespaces.get(&queue.namespace) else {
            return false;
        };
        registry.all().iter().any(|source| {
            source
                .meta()
                .settings
                .redrive_policy
                .as_ref()
                .is_some_and(|policy| policy.dead_letter_target_arn.to_string() == queue.arn)
        })
    }
}

/// Builds a task handle: base64 of a JSON object with the task id and the
/// source queue's ARN, so CancelMessageMoveTask finds the queue from the handle alone.
fn encode_task_handle(task_id: &str, source_arn: &str) -> String {
    let document = serde_json::json!({ "taskId": task_id, "sourceArn": source_arn });
    base64::engine::general_purpose::STANDARD.encode(document.to_string())
}

/// Reads a handle [`encode_task_handle`] built into (task id, source ARN).
fn decode_task_handle(handle: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(handle).ok()?;
    let document: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let task_id = document.get("taskId")?.as_str()?;
    let source_arn = document.get("sourceArn")?.as_str()?;
    Some((task_id.to_owned(), source_arn.to_owned()))
}

/// Runs a task until it completes, is cancelled or fails.
async fn run(
    task: Arc<MoveTask>,
    source: Arc<Queue>,
    destination: Option<Arc<Queue>>,
    namespaces: Arc<Namespaces<QueueRegistry>>,
) {
    let mut destinations = Destinations {
        fixed: destination,
        by_arn: HashMap::new(),
        namespaces,
    };
    loop {
        let (status, moved) = {
            let progress = task.progress();
            (progress.status, progress.moved)
        };
        if status == TaskStatus::Cancelling {
            task.finish(TaskStatus::Cancelled, None);
            return;
        }
        let remaining = task.to_move.saturating_sub(moved);
        if remaining == 0 {
            task.finish(TaskStatus::Completed, None);
            return;
        }
        if source.is_deleted() {
            task.finish(TaskStatus::Failed, Some(NON_EXISTENT_QUEUE));
            return;
        }

        let batch = task.rate.map_or(UNLIMITED_BATCH, |rate| rate as usize);
        let batch = batch.min(usize::try_from(remaining).unwrap_or(usize::MAX));
        let now = Instant::now();
        let messages = {
            let mut store = source.messages();
            store.refresh(now);
            store.take_visible(batch)
        };
        if messages.is_empty() {
            task.finish(TaskStatus::Completed, None);
            return;
        }
        if let Err(reason) = move_batch(&task, &source, &mut destinations, messages, now) {
            task.finish(TaskStatus::Failed, Some(reason));
            return;
        }

        if task.rate.is_some() {
            // The next batch waits a second, unless a cancel comes first.
            let _ = tokio::time::timeout(Duration::from_secs(1), task.cancelled.notified()).await;
        } else {
            tokio::task::yield_now().await;
        }
    }
}

/// The destinations of a task's messages: one fixed queue, or each message's original source.
struct Destinations {
    fixed: Option<Arc<Queue>>,
    by_arn: HashMap<String, Option<Arc<Queue>>>,
    namespaces: Arc<Namespaces<QueueRegistry>>,
}

impl Destinations {
    /// Returns the live queue `message` moves to, if there is one.
    fn for_message(&mut self, message: &StoredMessage) -> Option<Arc<Queue>> {
        let queue = match &self.fixed {
            Some(queue) => Some(queue.clone()),
            None => {
                let arn = message.dead_letter_queue_source_arn.as_deref()?;
                let namespaces = &self.namespaces;
                self.by_arn.entry(arn.to_owned()).or_insert_with(|| queue_at(namespaces, arn)).clone()
            }
        };
        queue.filter(|queue| !queue.is_deleted())
    }
}

/// Looks a queue up by its ARN, for the original source of a dead-lettered message.
fn queue_at(namespaces: &Namespaces<QueueRegistry>, arn: &str) -> Option<Arc<Queue>> {
    let arn: crate::arn::Arn = arn.parse().ok()?;
    namespaces.get(&arn.namespace()?)?.get(&arn.resource)
}

/// Moves taken messages to their destinations. When one has no destination
/// left, it and every message after it go back to the source, and the task fails.
///
/// A message sent to the dead-letter queue directly has no source queue, so
/// it fails a task without a `DestinationArn` too. AWS does not document that case.
fn move_batch(
    task: &MoveTask,
    source: &Queue,
    destinations: &mut Destinations,
    messages: Vec<StoredMessage>,
    now: Instant,
) -> Result<(), &'static str> {
    let mut messages = messages.into_iter();
    while let Some(message) = messages.next() {
        let Some(destination) = destinations.for_message(&message) else {
            let mut store = source.messages();
            store.restore(message, now);
            for rest in messages {
                store.restore(rest, now);
            }
            return Err(NON_EXISTENT_QUEUE);
        };

        let retention = Duration::from_secs(u64::from(destination.meta().settings.message_retention_period));
        let message_id = uuid::Uuid::new_v4().to_string();
        destination.messages().enqueue_moved(message, message_id, unix_millis(), retention, now);
        destination.arrivals.notify_waiters();
        task.progress().moved += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(status: TaskStatus) -> MoveTask {
        MoveTask {
            id: "id".to_owned(),
            handle: "handle".to_owned(),
            source_arn: "arn:aws:sqs:us-east-1:111111111111:dlq".to_owned(),
            destination_arn: None,
            rate: None,
            to_move: 1,
            started_timestamp: 0,
            progress: Mutex::new(Progress {
                status,
                moved: 1,
                failure_reason: None,
            }),
            cancelled: Notify::new(),
        }
    }

    #[test]
    fn cancel_wins_over_completion() {
        let cancelling = task(TaskStatus::Cancelling);
        cancelling.finish(TaskStatus::Completed, None);
        assert_eq!(cancelling.entry().status, "CANCELLED");

        let running = task(TaskStatus::Running);
        running.finish(TaskStatus::Completed, None);
        let entry = running.entry();
        assert_eq!(entry.status, "COMPLETED");
        assert_eq!(entry.task_handle, None, "only a running task shows its handle");
    }

    #[test]
    fn task_handle_round_trips() {
        let handle = encode_task_handle("id-1", "arn:aws:sqs:us-east-1:111111111111:dlq");
        assert_eq!(
            decode_task_handle(&handle),
            Some(("id-1".to_owned(), "arn:aws:sqs:us-east-1:111111111111:dlq".to_owned()))
        );
        assert_eq!(decode_task_handle("not a handle"), None);
        assert_eq!(decode_task_handle(&base64::engine::general_purpose::STANDARD.encode("{}")), None);
    }
}
