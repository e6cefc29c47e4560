//! Queue attributes: their names, allowed values and defaults.
//!
//! [`QueueSettings`] is the typed form of every attribute a caller can set.
//! [`validate_changes`] checks a whole attribute map before anything is
//! applied, so a CreateQueue or SetQueueAttributes that fails leaves no
//! trace. Ranges and defaults follow the CreateQueue and SetQueueAttributes
//! pages of the API reference
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html>,
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html>).
//! The maximum message size is 1 MiB since August 2025, as the API reference
//! shipped with aws-sdk-sqs 1.119 documents for `MaximumMessageSize`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::arn::Arn;
use crate::error::AwsError;

use super::errors;
use super::policy::{self, QueuePolicy};

/// The largest message SQS accepts and the default `MaximumMessageSize`, in bytes.
pub const MAX_MESSAGE_SIZE: u32 = 1_048_576;

/// Attributes SQS computes and reports but never lets a caller set.
pub const READ_ONLY: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
];

/// Attributes of FIFO queues only; a standard queue reports `InvalidAttributeName` for them.
pub const FIFO_ONLY: &[&str] = &["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"];

/// Every attribute name GetQueueAttributes accepts, in the order `All` lists them.
pub const ALL_NAMES: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "SqsManagedSseEnabled",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
];

/// A parsed `RedrivePolicy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: Arn,
    pub max_receive_count: u32,
    /// The document as the caller sent it, returned by GetQueueAttributes.
    pub document: String,
}

/// A parsed `RedriveAllowPolicy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedriveAllowPolicy {
    pub permission: RedrivePermission,
    pub source_queue_arns: Vec<String>,
    pub document: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedrivePermission {
    AllowAll,
    DenyAll,
    ByQueue,
}

impl RedriveAllowPolicy {
    /// Returns whether a queue with ARN `source_arn` may use this queue as its dead-letter queue.
    pub fn allows(&self, source_arn: &str) -> bool {
        match self.permission {
            RedrivePermission::AllowAll => true,
            RedrivePermission::DenyAll => false,
            RedrivePermission::ByQueue => self.source_queue_arns.iter().any(|arn| arn == source_arn),
        }
    }
}

/// The settable attributes of one queue, typed.
#[derive(Debug, Clone)]
pub struct QueueSettings {
    pub fifo: bool,
    pub visibility_timeout: u32,
    pub maximum_message_size: u32,
    pub message_retention_period: u32,
    pub delay_seconds: u32,
    pub receive_message_wait_time_seconds: u32,
    /// The queue policy, parsed once when it was set.
    pub policy: Option<Arc<QueuePolicy>>,
    pub redrive_policy: Option<RedrivePolicy>,
    pub redrive_allow_policy: Option<RedriveAllowPolicy>,
    pub content_based_deduplication: bool,
    pub deduplication_scope: String,
    pub fifo_throughput_limit: String,
    pub sqs_managed_sse_enabled: bool,
    pub kms_master_key_id: Option<String>,
    pub kms_data_key_reuse_period_seconds: u32,
}

impl QueueSettings {
    /// The defaults of a new queue.
    ///
    /// NOTE: SQS-managed encryption is on by default for queues created after
    /// October 2022 according to the SQS Developer Guide's encryption page; this
    /// is from memory of that page and was not re-checked here.
    pub fn new(fifo: bool) -> QueueSettings {
        QueueSettings {
            fifo,
            visibility_timeout: 30,
            maximum_message_size: MAX_MESSAGE_SIZE,
            message_retention_period: 345_600,
            delay_seconds: 0,
            receive_message_wait_time_seconds: 0,
            policy: None,
            redrive_policy: None,
            redrive_allow_policy: None,
            content_based_deduplication: false,
            deduplication_scope: "queue".to_owned(),
            fifo_throughput_limit: "perQueue".to_owned(),
            sqs_managed_sse_enabled: true,
            kms_master_key_id: None,
            kms_data_key_reuse_period_seconds: 300,
        }
    }

    /// Returns the value of a settable attribute as GetQueueAttributes reports it,
    /// or `None` when the attribute is unset or does not apply to this queue type.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match name {
            "VisibilityTimeout" => self.visibility_timeout.to_string(),
            "MaximumMessageSize" => self.maximum_message_size.to_string(),
            "MessageRetentionPeriod" => self.message_retention_period.to_string(),
            "DelaySeconds" => self.delay_seconds.to_string(),
            "ReceiveMessageWaitTimeSeconds" => self.receive_message_wait_time_seconds.to_string(),
            "Policy" => self.policy.as_ref()?.document.clone(),
            "RedrivePolicy" => self.redrive_policy.as_ref()?.document.clone(),
            "RedriveAllowPolicy" => self.redrive_allow_policy.as_ref()?.document.clone(),
            "SqsManagedSseEnabled" => self.sqs_managed_sse_enabled.to_string(),
            "KmsMasterKeyId" => self.kms_master_key_id.clone()?,
            "KmsDataKeyReusePeriodSeconds" => {
                self.kms_master_key_id.as_ref()?;
                self.kms_data_key_reuse_period_seconds.to_string()
            }
            "FifoQueue" if self.fifo => "true".to_owned(),
            "ContentBasedDeduplication" if self.fifo => self.content_based_deduplication.to_string(),
            "DeduplicationScope" if self.fifo => self.deduplication_scope.clone(),
            "FifoThroughputLimit" if self.fifo => self.fifo_throughput_limit.clone(),
            _ => return None,
        };
        Some(value)
    }

    /// Applies validated changes. Only call with the output of [`validate_changes`].
    pub fn apply(&mut self, changes: &[Change]) {
        for change in changes {
            match change {
                Change::VisibilityTimeout(v) => self.visibility_timeout = *v,
                Change::MaximumMessageSize(v) => self.maximum_message_size = *v,
                Change::MessageRetentionPeriod(v) => self.message_retention_period = *v,
                Change::DelaySeconds(v) => self.delay_seconds = *v,
                Change::ReceiveMessageWaitTimeSeconds(v) => self.receive_message_wait_time_seconds = *v,
                Change::Policy(v) => self.policy = v.clone(),
                Change::RedrivePolicy(v) => self.redrive_policy = v.clone(),
                Change::RedriveAllowPolicy(v) => self.redrive_allow_policy = v.clone(),
                Change::FifoQueue(_) => {}
                Change::ContentBasedDeduplication(v) => self.content_based_deduplication = *v,
                Change::DeduplicationScope(v) => self.deduplication_scope = v.clone(),
                Change::FifoThroughputLimit(v) => self.fifo_throughput_limit = v.clone(),
                Change::SqsManagedSseEnabled(v) => {
                    self.sqs_managed_sse_enabled = *v;
                    if *v {
                        self.kms_master_key_id = None;
                    }
                }
                Change::KmsMasterKeyId(v) => {
                    self.kms_master_key_id = v.clone();
                    if v.is_some() {
                        self.sqs_managed_sse_enabled = false;
                    }
                }
                Change::KmsDataKeyReusePeriodSeconds(v) => self.kms_data_key_reuse_period_seconds = *v,
            }
        }
    }
}

/// One validated attribute change.
#[derive(Debug, Clone)]
pub enum Change {
    VisibilityTimeout(u32),
    MaximumMessageSize(u32),
    MessageRetentionPeriod(u32),
    DelaySeconds(u32),
    ReceiveMessageWaitTimeSeconds(u32),
    Policy(Option<Arc<QueuePolicy>>),
    RedrivePolicy(Option<RedrivePolicy>),
    RedriveAllowPolicy(Option<RedriveAllowPolicy>),
    FifoQueue(bool),
    ContentBasedDeduplication(bool),
    DeduplicationScope(String),
    FifoThroughputLimit(String),
    SqsManagedSseEnabled(bool),
    KmsMasterKeyId(Option<String>),
    KmsDataKeyReusePeriodSeconds(u32),
}

/// Whether the attributes are for a new queue (CreateQueue) or an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Create,
    Set,
}

/// Validates every attribute in `attributes` for a queue of type `fifo` and
/// returns the changes to apply. Nothing is applied here.
pub fn validate_changes(
    attributes: &BTreeMap<String, String>,
    fifo: bool,
    purpose: Purpose,
) -> Result<Vec<Change>, AwsError> {
    let mut changes = Vec::with_capacity(attributes.len());
    for (name, value) in attributes {
        changes.push(validate_one(name, value, fifo, purpose)?);
    }
    Ok(changes)
}

fn validate_one(name: &str, value: &str, fifo: bool, purpose: Purpose) -> Result<Change, AwsError> {
    if READ_ONLY.contains(&name) {
        return Err(errors::invalid_attribute_name(name));
    }
    if FIFO_ONLY.contains(&name) && !fifo && name != "FifoQueue" {
        return Err(errors::invalid_attribute_name(name));
    }

    let change = match name {
        "VisibilityTimeout" => Change::VisibilityTimeout(integer(name, value, 0, 43_200)?),
        "MaximumMessageSize" => Change::MaximumMessageSize(integer(name, value, 1_024, MAX_MESSAGE_SIZE)?),
        "MessageRetentionPeriod" => Change::MessageRetentionPeriod(integer(name, value, 60, 1_209_600)?),
        "DelaySeconds" => Change::DelaySeconds(integer(name, value, 0, 900)?),
        "ReceiveMessageWaitTimeSeconds" => Change::ReceiveMessageWaitTimeSeconds(integer(name, value, 0, 20)?),
        "KmsDataKeyReusePeriodSeconds" => Change::KmsDataKeyReusePeriodSeconds(integer(name, value, 60, 86_400)?),
        "Policy" => Change::Policy(policy::parse_attribute(value)?),
        "RedrivePolicy" => Change::RedrivePolicy(redrive_policy(value)?),
        "RedriveAllowPolicy" => Change::RedriveAllowPolicy(redrive_allow_policy(value)?),
        "FifoQueue" => {
            let flag = boolean(name, value)?;
            if purpose == Purpose::Set {
                // A queue's type is fixed when it is created.
                return Err(errors::invalid_attribute_name(name));
            }
            if flag != fifo {
                return Err(errors::invalid_attribute_value(
                    name,
                    value,
                    "a FIFO queue needs FifoQueue=true and a name that ends in .fifo, and a standard queue needs neither",
                ));
            }
            Change::FifoQueue(flag)
        }
        "ContentBasedDeduplication" => Change::ContentBasedDeduplication(boolean(name, value)?),
        "DeduplicationScope" => Change::DeduplicationScope(one_of(name, value, &["messageGroup", "queue"])?),
        "FifoThroughputLimit" => Change::FifoThroughputLimit(one_of(name, value, &["perQueue", "perMessageGroupId"])?),
        "SqsManagedSseEnabled" => Change::SqsManagedSseEnabled(boolean(name, value)?),
        "KmsMasterKeyId" => Change::KmsMasterKeyId((!value.is_empty()).then(|| value.to_owned())),
        _ => return Err(errors::invalid_attribute_name(name)),
    };
    Ok(change)
}

/// Parses an integer attribute. SQS accepts plain decimal digits only: no
/// sign and no white space, so `" 5"` and `"+5"` are invalid.
fn integer(name: &str, value: &str, min: u32, max: u32) -> Result<u32, AwsError> {
    let reason = format!("the value must be an integer from {min} to {max}, in decimal digits only");
    let digits_only = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    match value.parse::<u32>() {
        Ok(number) if digits_only && (min..=max).contains(&number) => Ok(number),
        _ => Err(errors::invalid_attribute_value(name, value, &reason)),
    }
}

fn boolean(name: &str, value: &str) -> Result<bool, AwsError> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(errors::invalid_attribute_value(name, value, "the value must be true or false")),
    }
}

fn one_of(name: &str, value: &str, allowed: &[&str]) -> Result<String, AwsError> {
    if allowed.contains(&value) {
        Ok(value.to_owned())
    } else {
        let reason = format!("the value must be one of {}", allowed.join(", "));
        Err(errors::invalid_attribute_value(name, value, &reason))
    }
}

fn redrive_policy(value: &str) -> Result<Option<RedrivePolicy>, AwsError> {
    if value.is_empty() {
        return Ok(None);
    }
    let invalid = |reason: &str| errors::invalid_parameter("RedrivePolicy", value, reason);

    let Ok(Value::Object(document)) = serde_json::from_str::<Value>(value) else {
        return Err(invalid("Redrive policy is not a valid JSON map"));
    };
    let Some(Value::String(target)) = document.get("deadLetterTargetArn") else {
        return Err(invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn"));
    };
    let max_receive_count = match document.get("maxReceiveCount") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse::<u64>().ok(),
        None => return Err(invalid("Redrive policy does not contain mandatory attribute: maxReceiveCount")),
        Some(_) => None,
    };
    let max_receive_count = max_receive_count
        .filter(|n| (1..=1_000).contains(n))
        .ok_or_else(|| invalid("Invalid value for maxReceiveCount: must be an integer from 1 to 1000"))?;

    let arn: Arn = target
        .parse()
        .map_err(|_| invalid("Invalid value for deadLetterTargetArn: it is not an SQS queue ARN"))?;
    if arn.service != "sqs" || arn.account_id.is_empty() || arn.region.is_empty() {
        return Err(invalid("Invalid value for deadLetterTargetArn: it is not an SQS queue ARN"));
    }

    Ok(Some(RedrivePolicy {
        dead_letter_target_arn: arn,
        max_receive_count: u32::try_from(max_receive_count).unwrap_or(1_000),
        document: value.to_owned(),
    }))
}

fn redrive_allow_policy(value: &str) -> Result<Option<RedriveAllowPolicy>, AwsError> {
    if value.is_empty() {
        return Ok(None);
    }
    let invalid = |reason: &str| errors::invalid_parameter("RedriveAllowPolicy", value, reason);

    let Ok(Value::Object(document)) = serde_json::from_str::<Value>(value) else {
        return Err(invalid("Redrive allow policy is not a valid JSON map"));
    };
    let permission = match document.get("redrivePermission").and_then(Value::as_str) {
        Some("allowAll") => RedrivePermission::AllowAll,
        Some("denyAll") => RedrivePermission::DenyAll,
        Some("byQueue") => RedrivePermission::ByQueue,
        _ => return Err(invalid("redrivePermission must be one of allowAll, denyAll, byQueue")),
    };
    let source_queue_arns: Vec<String> = match document.get("sourceQueueArns") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(_) => return Err(invalid("sourceQueueArns must be a list of queue ARNs")),
    };
    if permission == RedrivePermission::ByQueue {
        if source_queue_arns.is_empty() || source_queue_arns.len() > 10 {
            return Err(invalid("byQueue needs from 1 to 10 sourceQueueArns"));
        }
    } else if !source_queue_arns.is_empty() {
        return Err(invalid("sourceQueueArns is allowed only when redrivePermission is byQueue"));
    }

    Ok(Some(RedriveAllowPolicy {
        permission,
        source_queue_arns,
        document: value.to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn out_of_range_value_names_attribute_and_value() {
        let error = validate_changes(&attributes(&[("VisibilityTimeout", "43201")]), false, Purpose::Set)
            .expect_err("over the maximum");
        assert_eq!(error.code, "InvalidAttributeValue");
        assert!(error.message.contains("VisibilityTimeout"), "{}", error.message);
        assert!(error.message.contains("43201"), "{}", error.message);
    }

    #[test]
    fn integer_attribute_takes_digits_only() {
        for value in [" 5", "+5", "5 ", "-0", ""] {
            let result = validate_changes(&attributes(&[("DelaySeconds", value)]), false, Purpose::Set);
            assert!(result.is_err(), "DelaySeconds {value:?}");
        }
        assert!(validate_changes(&attributes(&[("DelaySeconds", "05")]), false, Purpose::Set).is_ok());
    }

    #[test]
    fn queue_arn_is_invalid_attribute_name() {
        let error = validate_changes(&attributes(&[("QueueArn", "arn:aws:sqs:us-east-1:111111111111:q")]), false, Purpose::Create)
            .expect_err("read-only");
        assert_eq!(error.code, "InvalidAttributeName");
        assert!(error.message.contains("QueueArn"), "{}", error.message);
    }

    #[test]
    fn fifo_attribute_on_standard_queue_is_rejected() {
        let error = validate_changes(&attributes(&[("ContentBasedDeduplication", "true")]), false, Purpose::Create)
            .expect_err("standard queue");
        assert_eq!(error.code, "InvalidAttributeName");
    }

    #[test]
    fn redrive_policy_accepts_string_count() {
        let document = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:dlq","maxReceiveCount":"3"}"#;
        let changes = validate_changes(&attributes(&[("RedrivePolicy", document)]), false, Purpose::Set).expect("valid");
        let Change::RedrivePolicy(Some(policy)) = &changes[0] else {
            panic!("expected a redrive policy, got {changes:?}");
        };
        assert_eq!(policy.max_receive_count, 3);
        assert_eq!(policy.dead_letter_target_arn.resource, "dlq");
    }

    #[test]
    fn redrive_policy_rejects_zero_count() {
        let document = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111111111111:dlq","maxReceiveCount":0}"#;
        let error = validate_changes(&attributes(&[("RedrivePolicy", document)]), false, Purpose::Set)
            .expect_err("zero");
        assert_eq!(error.code, "InvalidParameterValue");
    }

    #[test]
    fn settings_report_fifo_attributes_only_for_fifo() {
        assert_eq!(QueueSettings::new(false).get("FifoQueue"), None);
        assert_eq!(QueueSettings::new(true).get("FifoQueue").as_deref(), Some("true"));
    }
}
