//! Queue operations: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue,
//! GetQueueAttributes, SetQueueAttributes, PurgeQueue, TagQueue, UntagQueue,
//! ListQueueTags and ListDeadLetterSourceQueues
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html>).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::arn::is_account_id;
use crate::error::AwsResult;
use crate::http::RequestContext;
use crate::store::Namespace;

use super::attributes::{self, Change, Purpose, QueueSettings, RedrivePolicy};
use super::errors;
use super::model::{
    AttributesOutput, CreateQueueInput, Empty, GetQueueAttributesInput, GetQueueUrlInput, ListDeadLetterSourceQueuesInput,
    ListDeadLetterSourceQueuesOutput, ListQueueTagsOutput, ListQueuesInput, ListQueuesOutput, QueueUrlInput,
    QueueUrlOutput, SetQueueAttributesInput, TagQueueInput, UntagQueueInput,
};
use super::queue::{Queue, unix_seconds};
use super::Sqs;

/// How often PurgeQueue may run on one queue
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html>).
const PURGE_INTERVAL: Duration = Duration::from_secs(60);

/// Most tags a queue may carry
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-tags.html>).
const MAX_TAGS: usize = 50;

/// Most results ListQueues and ListDeadLetterSourceQueues return in one page.
const MAX_PAGE: usize = 1_000;

impl Sqs {
    pub(super) fn create_queue(&self, context: &RequestContext, input: CreateQueueInput) -> AwsResult<QueueUrlOutput> {
        let queue_name = input.queue_name.ok_or_else(|| errors::missing_parameter("QueueName"))?;
        let fifo = validate_queue_name(&queue_name, input.attributes.get("FifoQueue").map(String::as_str))?;
        let changes = attributes::validate_changes(&input.attributes, fifo, Purpose::Create)?;
        validate_tags("tags", &input.tags, &BTreeMap::new())?;

        let namespace = Self::caller_namespace(context);
        self.check_policy_grants(&changes, &namespace.account_id)?;
        let arn = format!("arn:aws:sqs:{}:{}:{queue_name}", namespace.region, namespace.account_id);
        let url = self.queue_url(&namespace, &queue_name);
        self.authorize(context, "CreateQueue", &arn, &namespace, None, &url)?;

        let mut settings = QueueSettings::new(fifo);
        settings.apply(&changes);
        if let Some(policy) = &settings.redrive_policy {
            self.check_redrive_target(&namespace, &arn, fifo, policy)?;
        }

        let registry = self.namespaces.get_or_create(&namespace);
        let (queue, created) = registry.insert_if_absent(Queue::new(namespace, &queue_name, url, settings, input.tags));
        if !created {
            // Re-creating a queue succeeds only when every attribute given matches
            // (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html>).
            let mut requested = QueueSettings::new(fifo);
            requested.apply(&changes);
            let meta = queue.meta();
            if queue.fifo != fifo {
                return Err(errors::queue_already_exists(&queue_name, "FifoQueue"));
            }
            for name in input.attributes.keys() {
                if requested.get(name) != meta.settings.get(name) {
                    return Err(errors::queue_already_exists(&queue_name, name));
                }
            }
        }
        Ok(QueueUrlOutput {
            queue_url: queue.url.clone(),
        })
    }

    pub(super) fn get_queue_url(&self, context: &RequestContext, input: GetQueueUrlInput) -> AwsResult<QueueUrlOutput> {
        let queue_name = input.queue_name.ok_or_else(|| errors::missing_parameter("QueueName"))?;
        let account_id = match input.queue_owner_aws_account_id.as_deref() {
            Some(account_id) if !is_account_id(account_id) => {
                return Err(errors::invalid_parameter(
                    "QueueOwnerAWSAccountId",
                    account_id,
                    "the account id must be 12 digits",
                ));
            }
            Some(account_id) => account_id,
            None => context.caller.account_id.as_str(),
        };

        // A queue name is looked up in the caller's region, in the owner's account.
        let namespace = Namespace::new(account_id, &context.caller.region);
        let arn = format!("arn:aws:sqs:{}:{account_id}:{queue_name}", namespace.region);
        let queue = self.namespaces.get(&namespace).and_then(|registry| registry.get(&queue_name));
        let policy = self.queue_policy(queue.as_deref());
        self.authorize(context, "GetQueueUrl", &arn, &namespace, policy.as_ref().map(|p| &p.policy), &queue_name)?;

        let queue = queue.ok_or_else(|| errors::queue_does_not_exist(&queue_name))?;
        Ok(QueueUrlOutput {
            queue_url: queue.url.clone(),
        })
    }

    pub(super) fn list_queues(&self, context: &RequestContext, input: ListQueuesInput) -> AwsResult<ListQueuesOutput> {
        let limit = page_size(input.max_results)?;
        let after = decode_next_token(input.next_token.as_deref())?;
        let prefix = input.queue_name_prefix.unwrap_or_default();

        let namespace = Self::caller_namespace(context);
        let arn = format!("arn:aws:sqs:{}:{}:*", namespace.region, namespace.account_id);
        self.authorize(context, "ListQueues", &arn, &namespace, None, &arn)?;

        let Some(registry) = self.namespaces.get(&namespace) else {
            return Ok(ListQueuesOutput {
                queue_urls: Vec::new(),
                next_token: None,
            });
        };
        // Fetch one more than the page to know whether another page follows.
        let mut queues = registry.list(&prefix, after.as_deref(), limit.unwrap_or(MAX_PAGE) + 1);
        let next_token = page_token(&mut queues, limit);
        Ok(ListQueuesOutput {
            queue_urls: queues.iter().map(|q| q.url.clone()).collect(),
            next_token,
        })
    }

    pub(super) fn delete_queue(&self, context: &RequestContext, input: QueueUrlInput) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "DeleteQueue", input.queue_url.as_deref())?;
        // NOTE: AWS asks callers to wait 60 seconds before re-creating a queue of
        // the same name (QueueDeletedRecently); the emulator allows it at once.
        if let Some(registry) = self.namespaces.get(&queue.namespace) {
            registry.remove(&queue.name);
        }
        Ok(Empty {})
    }

    pub(super) fn get_queue_attributes(
        &self,
        context: &RequestContext,
        input: GetQueueAttributesInput,
    ) -> AwsResult<AttributesOutput> {
        let queue = self.resolve_queue(context, "GetQueueAttributes", input.queue_url.as_deref())?;
        for name in &input.attribute_names {
            if name != "All" && !attributes::ALL_NAMES.contains(&name.as_str()) {
                return Err(errors::invalid_attribute_name(name));
            }
        }

        let names: Vec<&str> = if input.attribute_names.iter().any(|n| n == "All") {
            attributes::ALL_NAMES.to_vec()
        } else {
            input.attribute_names.iter().map(String::as_str).collect()
        };
        let wants_counts = names.iter().any(|n| n.starts_with("ApproximateNumberOfMessages"));
        let counts = if wants_counts {
            let mut store = queue.messages();
            store.refresh(Instant::now());
            store.counts()
        } else {
            super::store::Counts::default()
        };

        let meta = queue.meta();
        let mut output = BTreeMap::new();
        for name in names {
            let value = match name {
                "QueueArn" => Some(queue.arn.clone()),
                "ApproximateNumberOfMessages" => Some(counts.visible.to_string()),
                "ApproximateNumberOfMessagesNotVisible" => Some(counts.in_flight.to_string()),
                "ApproximateNumberOfMessagesDelayed" => Some(counts.delayed.to_string()),
                "CreatedTimestamp" => Some(queue.created_timestamp.to_string()),
                "LastModifiedTimestamp" => Some(meta.last_modified_timestamp.to_string()),
                other => meta.settings.get(other),
            };
            if let Some(value) = value {
                output.insert(name.to_owned(), value);
            }
        }
        Ok(AttributesOutput { attributes: output })
    }

    pub(super) fn set_queue_attributes(&self, context: &RequestContext, input: SetQueueAttributesInput) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "SetQueueAttributes", input.queue_url.as_deref())?;
        let attributes = input.attributes.unwrap_or_default();
        if attributes.is_empty() {
            return Err(errors::missing_parameter("Attributes"));
        }
        let changes = attributes::validate_changes(&attributes, queue.fifo, Purpose::Set)?;
        self.check_policy_grants(&changes, &queue.namespace.account_id)?;
        for change in &changes {
            if let Change::RedrivePolicy(Some(policy)) = change {
                self.check_redrive_target(&queue.namespace, &queue.arn, queue.fifo, policy)?;
            }
        }

        let mut meta = queue.meta_mut();
        meta.settings.apply(&changes);
        meta.last_modified_timestamp = unix_seconds();
        Ok(Empty {})
    }

    pub(super) fn purge_queue(&self, context: &RequestContext, input: QueueUrlInput) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "PurgeQueue", input.queue_url.as_deref())?;
        let purged = queue.messages().purge(PURGE_INTERVAL, Instant::now());
        if purged {
            Ok(Empty {})
        } else {
            Err(errors::purge_queue_in_progress(&queue.url))
        }
    }

    pub(super) fn tag_queue(&self, context: &RequestContext, input: TagQueueInput) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "TagQueue", input.queue_url.as_deref())?;
        let tags = input.tags.unwrap_or_default();
        if tags.is_empty() {
            return Err(errors::missing_parameter("Tags"));
        }

        let mut meta = queue.meta_mut();
        validate_tags("Tags", &tags, &meta.tags)?;
        meta.tags.extend(tags);
        Ok(Empty {})
    }

    pub(super) fn untag_queue(&self, context: &RequestContext, input: UntagQueueInput) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "UntagQueue", input.queue_url.as_deref())?;
        let keys = input.tag_keys.unwrap_or_default();
        if keys.is_empty() {
            return Err(errors::missing_parameter("TagKeys"));
        }
        let mut meta = queue.meta_mut();
        for key in &keys {
            meta.tags.remove(key);
        }
        Ok(Empty {})
    }

    pub(super) fn list_queue_tags(&self, context: &RequestContext, input: QueueUrlInput) -> AwsResult<ListQueueTagsOutput> {
        let queue = self.resolve_queue(context, "ListQueueTags", input.queue_url.as_deref())?;
        let tags = queue.meta().tags.clone();
        Ok(ListQueueTagsOutput { tags })
    }

    pub(super) fn list_dead_letter_source_queues(
        &self,
        context: &RequestContext,
        input: ListDeadLetterSourceQueuesInput,
    ) -> AwsResult<ListDeadLetterSourceQueuesOutput> {
        let queue = self.resolve_queue(context, "ListDeadLetterSourceQueues", input.queue_url.as_deref())?;
        let limit = page_size(input.max_results)?;
        let after = decode_next_token(input.next_token.as_deref())?;

        // Source queues live in the dead-letter queue's own namespace, so this
        // scans one namespace; it is not on a message path.
        let registry = self.namespaces.get(&queue.namespace);
        let mut sources: Vec<_> = registry
            .map(|registry| registry.all())
            .unwrap_or_default()
            .into_iter()
            .filter(|source| after.as_deref().is_none_or(|after| source.name.as_str() > after))
            .filter(|source| {
                source
                    .meta()
                    .settings
                    .redrive_policy
                    .as_ref()
                    .is_some_and(|policy| policy.dead_letter_target_arn.to_string() == queue.arn)
            })
            .take(limit.unwrap_or(MAX_PAGE) + 1)
            .collect();
        let next_token = page_token(&mut sources, limit);
        Ok(ListDeadLetterSourceQueuesOutput {
            queue_urls: sources.iter().map(|q| q.url.clone()).collect(),
            next_token,
        })
    }

    /// Checks that a redrive policy's target exists, has the source's queue
    /// type, is in the source's account and region, and allows the source.
    ///
    /// AWS requires the dead-letter queue to be in the same account and region
    /// as its source queues
    /// (<https://docs.aws.amazon.com/sdk-for-java/v1/developer-guide/examples-sqs-dead-letter-queues.html>,
    /// and `allowAll` in `RedriveAllowPolicy` covers "source queues in this
    /// account in the same Region" in the CreateQueue reference), so that
    /// holds under every profile.
    fn check_redrive_target(&self, source: &Namespace, source_arn: &str, fifo: bool, policy: &RedrivePolicy) -> AwsResult<()> {
        let target = &policy.dead_letter_target_arn;
        let invalid = |reason: &str| errors::invalid_parameter("RedrivePolicy", &policy.document, reason);

        if target.account_id != source.account_id || target.region != source.region {
            return Err(invalid("The dead-letter queue must be in the same account and region as the source queue"));
        }
        let Some(dead_letter_queue) = self.queue_by_arn(target) else {
            return Err(invalid("Dead letter target does not exist"));
        };
        if dead_letter_queue.fifo != fifo {
            return Err(invalid("The dead-letter queue must be the same type of queue (FIFO or standard) as the source"));
        }
        let allowed = dead_letter_queue
            .meta()
            .settings
            .redrive_allow_policy
            .as_ref()
            .is_none_or(|allow| allow.allows(source_arn));
        if !allowed {
            return Err(invalid("The dead-letter queue's RedriveAllowPolicy does not allow this source queue"));
        }
        Ok(())
    }
}

/// Validates a queue name and returns whether it is a FIFO queue.
///
/// A name has 1 to 80 characters from `A-Za-z0-9-_`. A FIFO queue's name ends
/// in `.fifo`, counted in the 80, and the queue needs `FifoQueue=true`.
/// `FifoQueue=true` in turn needs the suffix.
fn validate_queue_name(queue_name: &str, fifo_attribute: Option<&str>) -> AwsResult<bool> {
    let has_suffix = queue_name.ends_with(".fifo");
    let wants_fifo = fifo_attribute.is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let base = queue_name.strip_suffix(".fifo").unwrap_or(queue_name);

    let valid_characters = !base.is_empty() && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid_characters || queue_name.len() > 80 {
        return Err(errors::invalid_parameter(
            "QueueName",
            queue_name,
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        ));
    }
    if has_suffix != wants_fifo {
        return Err(errors::invalid_parameter(
            "QueueName",
            queue_name,
            "The name of a FIFO queue must end with the .fifo suffix and the queue needs the attribute FifoQueue=true; \
             a standard queue has neither",
        ));
    }
    Ok(wants_fifo)
}

/// Validates `tags` to add to a queue whose tags are now `current`. A key
/// already on the queue replaces its value and does not count again.
/// `member` is the request's JSON member name: `tags` in CreateQueue, `Tags` in TagQueue.
fn validate_tags(member: &str, tags: &BTreeMap<String, String>, current: &BTreeMap<String, String>) -> AwsResult<()> {
    let added = tags.keys().filter(|key| !current.contains_key(*key)).count();
    if current.len() + added > MAX_TAGS {
        return Err(errors::too_many_tags(added, current.len(), MAX_TAGS));
    }
    for (key, value) in tags {
        if key.is_empty() || key.chars().count() > 128 {
            return Err(errors::invalid_parameter(member, key, "A tag key must have 1 to 128 characters"));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(errors::invalid_parameter(member, key, "The aws: prefix is reserved for AWS tags"));
        }
        if value.chars().count() > 256 {
            let parameter = format!("{member}.{key}");
            return Err(errors::invalid_parameter(&parameter, value, "A tag value can have at most 256 characters"));
        }
    }
    Ok(())
}

/// Validates `MaxResults`. `None` means no page size was given.
fn page_size(max_results: Option<i64>) -> AwsResult<Option<usize>> {
    match max_results {
        None => Ok(None),
        Some(n) if (1..=1_000).contains(&n) => Ok(usize::try_from(n).ok()),
        Some(n) => Err(errors::invalid_parameter(
            "MaxResults",
            &n.to_string(),
            "MaxResults must be an integer from 1 to 1000",
        )),
    }
}

/// Reads a NextToken issued by [`page_token`]: the name of the last queue returned.
fn decode_next_token(token: Option<&str>) -> AwsResult<Option<String>> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(Some)
        .ok_or_else(|| errors::invalid_parameter("NextToken", token, "Invalid NextToken value"))
}

/// Trims `queues` to the page and returns a NextToken when more follow. As in
/// AWS, a token is returned only when the request set MaxResults.
fn page_token(queues: &mut Vec<std::sync::Arc<Queue>>, limit: Option<usize>) -> Option<String> {
    let page = limit.unwrap_or(MAX_PAGE);
    if queues.len() <= page {
        return None;
    }
    queues.truncate(page);
    let last = queues.last()?;
    limit.map(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(last.name.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_name_needs_attribute() {
        let error = validate_queue_name("q.fifo", None).expect_err("no FifoQueue");
        assert_eq!(error.code, "InvalidParameterValue");
        assert!(error.message.contains("q.fifo"), "{}", error.message);
        assert_eq!(validate_queue_name("q.fifo", Some("true")), Ok(true));
    }

    #[test]
    fn fifo_attribute_needs_suffix() {
        assert!(validate_queue_name("q", Some("true")).is_err());
        assert_eq!(validate_queue_name("q", None), Ok(false));
    }

    #[test]
    fn long_or_odd_names_are_rejected() {
        for bad in ["", "a b", "a.b", &"x".repeat(81), ".fifo"] {
            assert!(validate_queue_name(bad, None).is_err(), "{bad:?}");
        }
        assert!(validate_queue_name(&"x".repeat(80), None).is_ok());
    }

    #[test]
    fn replaced_tags_do_not_count_twice() {
        let current: BTreeMap<String, String> = (0..50).map(|i| (format!("k{i}"), "v".to_owned())).collect();
        let replacing: BTreeMap<String, String> = [("k0".to_owned(), "w".to_owned())].into();
        assert!(validate_tags("Tags", &replacing, &current).is_ok(), "replacing a value keeps 50 tags");
        let adding: BTreeMap<String, String> = [("new".to_owned(), "w".to_owned())].into();
        let error = validate_tags("Tags", &adding, &current).expect_err("51 tags");
        assert!(error.message.contains("51"), "{}", error.message);
    }

    #[test]
    fn page_size_is_checked() {
        assert!(page_size(Some(0)).is_err());
        assert!(page_size(Some(1_001)).is_err());
        assert_eq!(page_size(Some(5)), Ok(Some(5)));
    }
}
