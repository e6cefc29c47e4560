//! Publish and PublishBatch, and delivery into subscribed SQS queues and
//! Lambda functions
//! (<https://docs.aws.amazon.com/sns/latest/api/API_Publish.html>,
//! <https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html>).
//!
//! A published message goes to every confirmed subscription whose filter
//! policy matches. An SQS queue receives the JSON envelope SNS documents
//! (<https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html>),
//! or with `RawMessageDelivery` the message itself with its attributes as
//! SQS message attributes
//! (<https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html>).
//! The queue's policy decides under enforced profiles
//! ([`crate::services::sqs::Sqs::deliver_from_topic`]); a delivery that fails
//! goes to the subscription's dead-letter queue. Without one it is dropped,
//! as AWS drops it. A subscribed
//! function gets an asynchronous invocation with the SNS event document
//! (<https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html>), after its
//! policy allowed the topic ([`crate::services::lambda::Lambda::invoke_from_topic`]).
//!
//! Message attributes follow
//! <https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html>:
//! data types `String`, `Number`, `Binary` (each with an optional `.label`)
//! and `String.Array`. A message may carry more than 10 attributes, but a raw
//! delivery of such a message into SQS is dropped as a client-side error.

use std::collections::HashSet;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::arn::parse_topic_arn;
use crate::error::{AwsError, AwsResult};
use crate::identity::{Caller, IdentityOptions};
use crate::http::RequestContext;
use crate::http::aws_query::XmlWriter;
use crate::services::lambda::topic_delivery::{TopicInvocation, TopicInvocationFailure};
use crate::services::sqs::delivery::TopicDelivery;
use crate::services::sqs::model::{MessageAttributeValue, MessageAttributes};
use crate::services::sts::time::format_timestamp;

use super::filter::Scope;
use super::params::Params;
use super::topic::{Subscription, Topic};
use super::{Sns, errors};

/// The largest message, attributes included, in bytes (256 KiB), for a
/// topic without a `MaximumMessageSize` attribute.
pub const MAX_MESSAGE_BYTES: usize = 262_144;

/// The maximum number of entries one PublishBatch may carry.
pub const MAX_BATCH_ENTRIES: usize = 10;

/// A validated message attribute.
#[derive(Debug, Clone, PartialEq)]
struct Attribute {
    name: String,
    data_type: String,
    /// The string value, or the base64 text of a binary value.
    value: String,
}

impl Attribute {
    fn is_binary(&self) -> bool {
        self.data_type.starts_with("Binary")
    }

    fn size(&self) -> usize {
        self.name.len() + self.data_type.len() + self.value.len()
    }
}

/// A validated message, ready to deliver.
#[derive(Debug, Clone)]
struct Notification {
    /// The message SQS subscribers get: the `sqs` entry of a JSON message
    /// structure, its `default` entry, or the whole message.
    message: String,
    /// The message Lambda subscribers get: the `lambda` entry of a JSON
    /// message structure, its `default` entry, or the whole message.
    lambda_message: String,
    subject: Option<String>,
    attributes: Vec<Attribute>,
    /// Whether deliveries carry the attributes: SNS sends them only when the
    /// message structure is a string, not JSON, but filter policies still match them
    /// (<https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html>).
    delivers_attributes: bool,
    group_id: Option<String>,
    deduplication_id: Option<String>,
}

impl Notification {
    /// Returns the attributes that deliveries carry: none for a JSON message structure.
    fn delivered_attributes(&self) -> &[Attribute] {
        if self.delivers_attributes { &self.attributes } else { &[] }
    }
}

/// The identifiers Publish returns for one message.
struct Published {
    message_id: String,
    sequence_number: Option<String>,
}

impl Sns {
    pub(super) fn publish(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let (parameter, arn) = match (params.get("TopicArn"), params.get("TargetArn"), params.get("PhoneNumber")) {
            (Some(arn), None, None) => ("TopicArn", arn),
            (None, Some(arn), None) => ("TargetArn", arn),
            (None, None, Some(_)) => {
                // NOTE: SMS delivery is not implemented.
                return Err(errors::invalid_parameter("PhoneNumber", "SMS messages are not supported here"));
            }
            (None, None, None) => {
                return Err(errors::invalid_parameter("TopicArn or TargetArn", "no value for required parameter"));
            }
            _ => {
                return Err(errors::invalid_parameter(
                    "TopicArn, TargetArn or PhoneNumber",
                    "only one of them may be given",
                ));
            }
        };
        let topic = self.resolve_topic(context, "Publish", parameter, arn)?;
        let notification = parse_notification(params, &topic)?;
        let published = self.deliver(&topic, notification);

        let mut xml = XmlWriter::new();
        xml.element("MessageId", &published.message_id);
        if let Some(sequence_number) = &published.sequence_number {
            xml.element("SequenceNumber", sequence_number);
        }
        Ok(xml.finish())
    }

    pub(super) fn publish_batch(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic_arn = params.required("TopicArn")?;
        let entries = params.members("PublishBatchRequestEntries")?;
        // A batch needs the permission of a single Publish.
        let topic = self.resolve_topic(context, "Publish", "TopicArn", topic_arn)?;

        if entries.is_empty() {
            return Err(errors::empty_batch());
        }
        if entries.len() > MAX_BATCH_ENTRIES {
            return Err(errors::too_many_entries(entries.len(), MAX_BATCH_ENTRIES));
        }
        let mut ids = HashSet::new();
        for entry in &entries {
            let id = entry.get("Id").unwrap_or_default();
            let valid = !id.is_empty()
                && id.len() <= 80
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid {
                return Err(errors::invalid_batch_entry_id(id));
            }
            if !ids.insert(id) {
                return Err(errors::batch_ids_not_distinct(id));
            }
        }
        let total: usize = entries.iter().map(entry_size).sum();
        let max = topic.meta().maximum_message_size();
        if total > max {
            return Err(AwsError::sender(
                "BatchRequestTooLong",
                400,
                format!("The batch messages and their attributes total {total} bytes, over the maximum of {max}."),
            ));
        }

        let mut successful = XmlWriter::new();
        let mut failed = XmlWriter::new();
        for entry in &entries {
            let id = entry.get("Id").unwrap_or_default();
            match parse_notification(entry, &topic) {
                Ok(notification) => {
                    let published = self.deliver(&topic, notification);
                    successful.open("member").element("Id", id).element("MessageId", &published.message_id);
                    if let Some(sequence_number) = &published.sequence_number {
                        successful.element("SequenceNumber", sequence_number);
                    }
                    successful.close("member");
                }
                Err(error) => {
                    failed
                        .open("member")
                        .element("Id", id)
                        .element("Code", error.wire_query_code())
                        .element("Message", &error.message)
                        .element("SenderFault", "true")
                        .close("member");
                }
            }
        }

        let mut xml = XmlWriter::new();
        xml.open("Successful");
        let mut result = xml.finish();
        result.push_str(&successful.finish());
        result.push_str("</Successful><Failed>");
        result.push_str(&failed.finish());
        result.push_str("</Failed>");
        Ok(result)
    }

    /// Delivers a message to every confirmed SQS subscription whose filter
    /// policy matches it.
    fn deliver(&self, topic: &Topic, notification: Notification) -> Published {
        let message_id = uuid::Uuid::new_v4().to_string();
        let sequence_number = topic.fifo.then(|| topic.next_sequence_number());
        let published = Published { message_id, sequence_number };

        if let Some(deduplication_id) = &notification.deduplication_id
            && !topic.remember_deduplication_id(deduplication_id, Instant::now())
        {
            // NOTE: AWS accepts a duplicate and does not deliver it; the
            // MessageId it returns for the duplicate is not documented.
            return published;
        }

        let timestamp = timestamp_now();
        for subscription in topic.subscriptions() {
            let protocol = subscription.protocol.as_str();
            if !matches!(protocol, "sqs" | "lambda") || subscription.is_pending() {
                continue;
            }
            let meta = subscription.meta().clone();
            if let Some((_, filter)) = &meta.filter_policy {
                let document = match meta.filter_policy_scope {
                    Scope::MessageAttributes => attribute_document(&notification.attributes),
                    Scope::MessageBody => match serde_json::from_str::<Value>(&notification.message) {
                        Ok(Value::Object(body)) => body,
                        _ => continue,
                    },
                };
                if !filter.matches(&document) {
                    continue;
                }
            }

            if protocol == "lambda" {
                self.invoke_function(topic, &subscription, &notification, &published, &timestamp);
                continue;
            }

            let (body, attributes) = if meta.raw_message_delivery {
                (notification.message.clone(), sqs_attributes(notification.delivered_attributes()))
            } else {
                let envelope = self.envelope(topic, &subscription, &notification, &published, &timestamp);
                (envelope, MessageAttributes::new())
            };
            let delivery = TopicDelivery {
                queue_arn: &subscription.endpoint,
                topic_arn: &topic.arn,
                topic_account: &topic.namespace.account_id,
                body: &body,
                attributes,
                group_id: notification.group_id.as_deref(),
                deduplication_id: notification.deduplication_id.as_deref(),
            };
            if let Err(failure) = self.sqs.deliver_from_topic(&delivery) {
                tracing::debug!(
                    topic = %topic.arn,
                    subscription = %subscription.arn,
                    ?failure,
                    "failed a delivery to an SQS subscription"
                );
                self.dead_letter(topic, &subscription, &notification, &body, delivery.attributes);
            }
        }
        published
    }

    /// Sends a message whose delivery failed to the subscription's dead-letter
    /// queue, or drops it when the subscription has none
    /// (<https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html>).
    ///
    /// Every failure the emulator can meet is a client-side error, which SNS
    /// does not retry: the queue or function is deleted, its policy denies the
    /// topic, or the queue rejects the message. The dead-letter queue gets the
    /// body and attributes the subscription would have received, and its own
    /// policy must let the topic send, as the subscription's queue policy must.
    ///
    /// NOTE: unverified which message attributes AWS adds to a dead-lettered
    /// message, so the emulator adds none. AWS requires the dead-letter queue to
    /// be in the subscription's account and region. The emulator accepts any
    /// queue ARN and delivers across namespaces as it does for subscriptions.
    fn dead_letter(
        &self,
        topic: &Topic,
        subscription: &Subscription,
        notification: &Notification,
        body: &str,
        attributes: MessageAttributes,
    ) {
        let Some(target) = subscription.meta().dead_letter_target_arn() else {
            return;
        };
        let delivery = TopicDelivery {
            queue_arn: &target,
            topic_arn: &topic.arn,
            topic_account: &topic.namespace.account_id,
            body,
            attributes,
            group_id: notification.group_id.as_deref(),
            deduplication_id: notification.deduplication_id.as_deref(),
        };
        if let Err(failure) = self.sqs.deliver_from_topic(&delivery) {
            tracing::debug!(
                subscription = %subscription.arn,
                dead_letter_queue = %target,
                ?failure,
                "dropped a message its dead-letter queue rejected"
            );
        }
    }

    /// Publishes a Lambda invocation record to a topic destination as the
    /// function's account, which the topic policy must allow like a Publish
    /// call from that account. Returns the message id.
    /// NOTE: unverified whether Lambda accepts a FIFO topic as a destination; the emulator rejects one.
    pub(crate) fn publish_from_function(
        &self,
        topic_arn: &str,
        function_account: &str,
        message: &str,
    ) -> AwsResult<String> {
        let address = parse_topic_arn(topic_arn).map_err(|_| errors::invalid_address("TopicArn", topic_arn))?;
        let context = RequestContext {
            request_id: uuid::Uuid::new_v4().to_string(),
            caller: Caller::new(function_account, &address.namespace.region, IdentityOptions::default()),
            host: String::new(),
            path: "/".to_owned(),
            query: String::new(),
            headers: http::HeaderMap::new(),
            source_ip: None,
        };
        let topic = self.find_topic(&address);
        self.authorize(&context, "Publish", &address.topic_arn(), &address.namespace, topic.as_deref())?;
        let topic = topic.ok_or_else(|| errors::topic_not_found(topic_arn))?;
        if topic.fifo {
            return Err(errors::invalid_parameter("TopicArn", "a FIFO topic cannot receive Lambda invocation records"));
        }
        let notification = Notification {
            message: message.to_owned(),
            lambda_message: message.to_owned(),
            subject: None,
            attributes: Vec::new(),
            delivers_attributes: true,
            group_id: None,
            deduplication_id: None,
        };
        Ok(self.deliver(&topic, notification).message_id)
    }

    /// Invokes a subscribed function with the SNS event document; a failure is logged and dropped.
    fn invoke_function(
        &self,
        topic: &Topic,
        subscription: &Subscription,
        notification: &Notification,
        published: &Published,
        timestamp: &str,
    ) {
        let lambda_notification = Notification { message: notification.lambda_message.clone(), ..notification.clone() };
        let envelope = self.envelope(topic, subscription, &lambda_notification, published, timestamp);
        let Ok(Value::Object(envelope)) = serde_json::from_str::<Value>(&envelope) else {
            return;
        };

        // The Lambda event of a standard topic spells two envelope keys differently and always carries
        // Subject and MessageAttributes, as the Powertools SNS event schema records
        // (<https://docs.aws.amazon.com/powertools/typescript/2.14.0/api/types/_aws-lambda-powertools_parser.types.SnsEvent.html>).
        // NOTE: that schema also allows the SQS spellings, which FIFO topics send; the emulator always renames.
        let mut sns: Map<String, Value> = envelope
            .into_iter()
            .map(|(key, value)| match key.as_str() {
                "SigningCertURL" => ("SigningCertUrl".to_owned(), value),
                "UnsubscribeURL" => ("UnsubscribeUrl".to_owned(), value),
                _ => (key, value),
            })
            .collect();
        sns.entry("Subject").or_insert(Value::Null);
        sns.entry("MessageAttributes").or_insert_with(|| json!({}));

        let event = json!({
            "Records": [{
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription.arn,
                "EventSource": "aws:sns",
                "Sns": sns,
            }],
        });
        let invocation = TopicInvocation {
            function_arn: &subscription.endpoint,
            topic_arn: &topic.arn,
            topic_account: &topic.namespace.account_id,
            event: bytes::Bytes::from(event.to_string()),
        };
        if let Err(failure) = self.lambda.invoke_from_topic(invocation) {
            tracing::debug!(
                topic = %topic.arn,
                subscription = %subscription.arn,
                ?failure,
                "failed a delivery to a Lambda subscription"
            );
            // NOTE: a throttled function is a server-side error, which SNS
            // retries for up to 23 days before it dead-letters the message
            // (<https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html>).
            // The emulator does not retry, so it drops the message instead.
            if failure == TopicInvocationFailure::Throttled {
                return;
            }
            // The dead-letter queue gets the envelope an SQS subscription
            // would get, without the Lambda event's spellings.
            let envelope = self.envelope(topic, subscription, notification, published, timestamp);
            self.dead_letter(topic, subscription, notification, &envelope, MessageAttributes::new());
        }
    }

    /// Builds the JSON envelope of a notification for one subscription.
    fn envelope(
        &self,
        topic: &Topic,
        subscription: &Subscription,
        notification: &Notification,
        published: &Published,
        timestamp: &str,
    ) -> String {
        let mut envelope = Map::new();
        envelope.insert("Type".into(), json!("Notification"));
        envelope.insert("MessageId".into(), json!(published.message_id));
        if let Some(sequence_number) = &published.sequence_number {
            envelope.insert("SequenceNumber".into(), json!(sequence_number));
        }
        envelope.insert("TopicArn".into(), json!(topic.arn));
        if let Some(subject) = &notification.subject {
            envelope.insert("Subject".into(), json!(subject));
        }
        envelope.insert("Message".into(), json!(notification.message));
        envelope.insert("Timestamp".into(), json!(timestamp));
        self.sign(&mut envelope, topic);
        let unsubscribe_url =
            format!("http://{}/?Action=Unsubscribe&SubscriptionArn={}", self.advertised_host, subscription.arn);
        envelope.insert("UnsubscribeURL".into(), json!(unsubscribe_url));
        if !notification.delivered_attributes().is_empty() {
            let attributes: Map<String, Value> = notification
                .delivered_attributes()
                .iter()
                .map(|attribute| {
                    let kind = if attribute.is_binary() { "Binary" } else { attribute.data_type.as_str() };
                    (attribute.name.clone(), json!({"Type": kind, "Value": attribute.value}))
                })
                .collect();
            envelope.insert("MessageAttributes".into(), Value::Object(attributes));
        }
        Value::Object(envelope).to_string()
    }

    /// Sends the SubscriptionConfirmation message of a subscription that
    /// waits for confirmation to its queue.
    pub(super) fn send_confirmation(&self, topic: &Topic, subscription: &Subscription, token: &str) {
        let subscribe_url =
            format!("http://{}/?Action=ConfirmSubscription&TopicArn={}&Token={token}", self.advertised_host, topic.arn);
        let mut envelope = Map::new();
        envelope.insert("Type".into(), json!("SubscriptionConfirmation"));
        envelope.insert("MessageId".into(), json!(uuid::Uuid::new_v4().to_string()));
        envelope.insert("Token".into(), json!(token));
        envelope.insert("TopicArn".into(), json!(topic.arn));
        let message = format!(
            "A subscription of this queue to the topic {} waits for confirmation. \
             Call ConfirmSubscription with this TopicArn and Token, or open the SubscribeURL, to confirm it.",
            topic.arn
        );
        envelope.insert("Message".into(), json!(message));
        envelope.insert("SubscribeURL".into(), json!(subscribe_url));
        envelope.insert("Timestamp".into(), json!(timestamp_now()));
        self.sign(&mut envelope, topic);
        let body = Value::Object(envelope).to_string();

        let delivery = TopicDelivery {
            queue_arn: &subscription.endpoint,
            topic_arn: &topic.arn,
            topic_account: &topic.namespace.account_id,
            body: &body,
            attributes: MessageAttributes::new(),
            group_id: topic.fifo.then_some("SubscriptionConfirmation"),
            deduplication_id: topic.fifo.then_some(subscription.arn.as_str()),
        };
        if let Err(failure) = self.sqs.deliver_from_topic(&delivery) {
            tracing::debug!(subscription = %subscription.arn, ?failure, "dropped a subscription confirmation");
        }
    }

    /// Adds `SignatureVersion`, `Signature` and `SigningCertURL`.
    ///
    /// NOTE: the emulator has no SNS signing key, so `Signature` is the
    /// base64 SHA-256 digest of the message fields, which no client can
    /// verify against a certificate.
    fn sign(&self, envelope: &mut Map<String, Value>, topic: &Topic) {
        let signature_version = topic.meta().attributes.get("SignatureVersion").cloned().unwrap_or_else(|| "1".into());
        let digest = Sha256::digest(Value::Object(envelope.clone()).to_string().as_bytes());
        envelope.insert("SignatureVersion".into(), json!(signature_version));
        envelope.insert("Signature".into(), json!(base64::engine::general_purpose::STANDARD.encode(digest)));
        let certificate_url = format!("http://{}/SimpleNotificationService-crosscheck.pem", self.advertised_host);
        envelope.insert("SigningCertURL".into(), json!(certificate_url));
    }
}

/// Reads and checks one message: the members of Publish, or of one
/// PublishBatch entry.
fn parse_notification(params: &Params, topic: &Topic) -> AwsResult<Notification> {
    let message = params.required("Message")?;
    if message.is_empty() {
        return Err(errors::invalid_parameter("Message", "the message is empty"));
    }
    let subject = params.get("Subject").map(str::to_owned);
    if let Some(subject) = &subject {
        check_subject(subject)?;
    }
    let (delivered, lambda_message) = match params.get("MessageStructure") {
        None => (message.to_owned(), message.to_owned()),
        Some("json") => (sqs_message_of_structure(message)?, message_of_structure(message, "lambda")?),
        Some(other) => {
            return Err(errors::invalid_parameter("MessageStructure", &format!("{other:?} is not json")));
        }
    };
    let attributes = parse_attributes(params)?;

    let size = message.len() + attributes.iter().map(Attribute::size).sum::<usize>();
    let max = topic.meta().maximum_message_size();
    if size > max {
        return Err(errors::invalid_parameter(
            "Message",
            &format!("Message too long: {size} bytes with attributes, over the topic's maximum of {max}"),
        ));
    }

    let group_id = params.get("MessageGroupId").map(str::to_owned);
    let mut deduplication_id = params.get("MessageDeduplicationId").map(str::to_owned);
    for (name, value) in [("MessageGroupId", &group_id), ("MessageDeduplicationId", &deduplication_id)] {
        if let Some(value) = value {
            check_fifo_id(name, value)?;
        }
    }
    if topic.fifo {
        if group_id.is_none() {
            return Err(errors::invalid_parameter("MessageGroupId", "the parameter is required for FIFO topics"));
        }
        if deduplication_id.is_none() {
            if !topic.meta().content_based_deduplication() {
                return Err(errors::invalid_parameter(
                    "MessageDeduplicationId",
                    "the topic has no ContentBasedDeduplication, so the parameter is required",
                ));
            }
            let digest = Sha256::digest(delivered.as_bytes());
            deduplication_id = Some(digest.iter().map(|b| format!("{b:02x}")).collect());
        }
    } else if let Some(deduplication_id) = &deduplication_id {
        return Err(errors::invalid_parameter(
            "MessageDeduplicationId",
            &format!("{deduplication_id:?} is given, but the topic is not a FIFO topic"),
        ));
    }

    let delivers_attributes = params.get("MessageStructure").is_none();
    Ok(Notification {
        message: delivered,
        lambda_message,
        subject,
        attributes,
        delivers_attributes,
        group_id,
        deduplication_id,
    })
}

/// Measures one PublishBatch entry as the batch limit counts it: the
/// message and its attributes' names, data types and values. The combined
/// size of a batch includes "each message's body and attributes"
/// (<https://docs.aws.amazon.com/sdk-for-python/v4/reference/clients/sns/operations/publish_batch/>,
/// the PublishBatch reference as boto3's documentation carries it).
fn entry_size(entry: &Params) -> usize {
    let message = entry.get("Message").map_or(0, str::len);
    let attributes: usize = entry
        .entries("MessageAttributes")
        .unwrap_or_default()
        .iter()
        .map(|attribute| {
            ["Name", "Value.DataType", "Value.StringValue", "Value.BinaryValue"]
                .iter()
                .map(|member| attribute.get(member).map_or(0, str::len))
                .sum::<usize>()
        })
        .sum();
    message + attributes
}

/// Checks a subject: ASCII text of 1 to 99 characters that starts with a
/// letter, digit or punctuation mark and has no line breaks or control characters.
fn check_subject(subject: &str) -> AwsResult<()> {
    let starts_well = subject.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric() || b.is_ascii_punctuation());
    let valid = starts_well && subject.len() < 100 && subject.bytes().all(|b| (0x20..0x7f).contains(&b));
    if !valid {
        return Err(errors::invalid_parameter(
            "Subject",
            &format!(
                "{subject:?} is not 1 to 99 printable ASCII characters starting with a letter, digit or punctuation"
            ),
        ));
    }
    Ok(())
}

/// Picks the message an SQS subscriber gets from a JSON message structure:
/// the `sqs` entry, else the required `default` entry.
fn sqs_message_of_structure(message: &str) -> AwsResult<String> {
    message_of_structure(message, "sqs")
}

/// Picks the message a `protocol` subscriber gets from a JSON message
/// structure: the protocol's entry, else the required `default` entry.
fn message_of_structure(message: &str, protocol: &str) -> AwsResult<String> {
    let parsed: Value = serde_json::from_str(message).map_err(|error| {
        errors::invalid_parameter("Message", &format!("Message Structure - JSON message body failed to parse: {error}"))
    })?;
    let Value::Object(entries) = parsed else {
        return Err(errors::invalid_parameter("Message", "Message Structure - the JSON message body is not an object"));
    };
    let Some(Value::String(default)) = entries.get("default") else {
        return Err(errors::invalid_parameter("Message", "Message Structure - No default entry in JSON message body"));
    };
    match entries.get(protocol) {
        Some(Value::String(entry)) => Ok(entry.clone()),
        Some(_) => Err(errors::invalid_parameter(
            "Message",
            &format!("Message Structure - the {protocol} entry is not a string"),
        )),
        None => Ok(default.clone()),
    }
}

/// Checks a MessageGroupId or MessageDeduplicationId: 1 to 128 letters,
/// digits and punctuation.
fn check_fifo_id(name: &str, value: &str) -> AwsResult<()> {
    let valid = !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(errors::invalid_parameter(
            name,
            &format!("{value:?} is not 1 to 128 letters, digits and punctuation characters"),
        ));
    }
    Ok(())
}

/// Reads and checks `MessageAttributes.entry.N.Name` / `.Value.DataType` /
/// `.Value.StringValue` / `.Value.BinaryValue`.
fn parse_attributes(params: &Params) -> AwsResult<Vec<Attribute>> {
    // SNS sets no count limit of its own: only a raw delivery into SQS is
    // limited to 10 attributes, and SQS rejects a message with more.
    let entries = params.entries("MessageAttributes")?;
    let mut attributes: Vec<Attribute> = Vec::with_capacity(entries.len());
    for entry in &entries {
        let name = entry.get("Name").unwrap_or_default();
        check_attribute_name(name)?;
        if attributes.iter().any(|attribute| attribute.name == name) {
            return Err(errors::invalid_parameter_value(format!("The message attribute '{name}' is given twice.")));
        }
        let data_type = entry.get("Value.DataType").unwrap_or_default();
        let value = attribute_value(name, data_type, entry.get("Value.StringValue"), entry.get("Value.BinaryValue"))?;
        attributes.push(Attribute { name: name.to_owned(), data_type: data_type.to_owned(), value });
    }
    Ok(attributes)
}

/// Checks an attribute name: 1 to 256 of `A-Za-z0-9_-.`, not starting with
/// `AWS.` or `Amazon.`, with no leading, trailing or doubled period.
fn check_attribute_name(name: &str) -> AwsResult<()> {
    let lower = name.to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= 256
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !lower.starts_with("aws.")
        && !lower.starts_with("amazon.")
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..");
    if !valid {
        return Err(errors::invalid_parameter_value(format!(
            "The message attribute name {name:?} is invalid. Use 1 to 256 letters, digits, hyphens, underscores \
             and single periods, not at the start or end, and no AWS. or Amazon. prefix."
        )));
    }
    Ok(())
}

/// Checks an attribute's data type and value, and returns the value as text
/// (base64 for a binary value).
fn attribute_value(name: &str, data_type: &str, string: Option<&str>, binary: Option<&str>) -> AwsResult<String> {
    let base = data_type.split_once('.').map_or(data_type, |(base, _)| base);
    let label_ok = data_type.split_once('.').is_none_or(|(_, label)| !label.is_empty() && label.len() <= 256);
    let invalid = |reason: String| errors::invalid_parameter_value(format!("The message attribute '{name}' {reason}."));

    if data_type == "String.Array" {
        let text = string.ok_or_else(|| invalid("of type String.Array has no StringValue".to_owned()))?;
        let valid = serde_json::from_str::<Value>(text).is_ok_and(|value| {
            value.as_array().is_some_and(|items| items.iter().all(|item| !item.is_array() && !item.is_object()))
        });
        if !valid {
            return Err(invalid(format!(
                "has the value {text:?}, which is not a JSON array of strings, numbers, true, false or null"
            )));
        }
        return Ok(text.to_owned());
    }
    if !label_ok {
        return Err(invalid(format!("has the data type {data_type:?}, whose custom label is empty or too long")));
    }
    match base {
        "String" => match string {
            Some(text) if !text.is_empty() => Ok(text.to_owned()),
            _ => Err(invalid(format!("must contain a non-empty StringValue for the data type {data_type:?}"))),
        },
        "Number" => match string {
            Some(text) if text.trim().parse::<f64>().is_ok_and(f64::is_finite) => Ok(text.to_owned()),
            Some(text) => Err(invalid(format!("has the value {text:?}, which is not a number"))),
            None => Err(invalid(format!("must contain a StringValue for the data type {data_type:?}"))),
        },
        "Binary" => {
            let text =
                binary.ok_or_else(|| invalid(format!("must contain a BinaryValue for the data type {data_type:?}")))?;
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| invalid(format!("has a BinaryValue that is not base64: {text:?}")))?;
            Ok(text.to_owned())
        }
        _ => Err(invalid(format!("has the data type {data_type:?}; use String, Number, Binary or String.Array"))),
    }
}

/// Builds the document a `MessageAttributes` filter policy matches: String
/// as a JSON string, Number as a JSON number, String.Array as its JSON array.
/// A Binary attribute takes part only in `exists` checks.
fn attribute_document(attributes: &[Attribute]) -> Map<String, Value> {
    attributes
        .iter()
        .map(|attribute| {
            let value = if attribute.data_type == "String.Array" {
                serde_json::from_str(&attribute.value).unwrap_or(Value::Null)
            } else if attribute.data_type.starts_with("Number") {
                attribute
                    .value
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| Value::String(attribute.value.clone()), Value::Number)
            } else if attribute.is_binary() {
                Value::Object(Map::new())
            } else {
                Value::String(attribute.value.clone())
            };
            (attribute.name.clone(), value)
        })
        .collect()
}

/// Maps SNS message attributes to SQS message attributes for raw delivery.
/// A String.Array attribute keeps its JSON text under the SQS data type
/// `String.Array`, a String with the custom label `Array`.
fn sqs_attributes(attributes: &[Attribute]) -> MessageAttributes {
    attributes
        .iter()
        .map(|attribute| {
            let (string_value, binary_value) = if attribute.is_binary() {
                (None, Some(attribute.value.clone()))
            } else {
                (Some(attribute.value.clone()), None)
            };
            let value = MessageAttributeValue {
                string_value,
                binary_value,
                string_list_values: None,
                binary_list_values: None,
                data_type: attribute.data_type.clone(),
            };
            (attribute.name.clone(), value)
        })
        .collect()
}

/// Formats the current time as SNS does: ISO 8601 in UTC with milliseconds.
fn timestamp_now() -> String {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX);
    let whole = format_timestamp(seconds);
    let stem = whole.strip_suffix('Z').unwrap_or(&whole);
    format!("{stem}.{:03}Z", elapsed.subsec_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_structure_prefers_sqs_entry() {
        assert_eq!(sqs_message_of_structure(r#"{"default": "d", "sqs": "q"}"#).expect("valid"), "q");
        assert_eq!(sqs_message_of_structure(r#"{"default": "d"}"#).expect("valid"), "d");
        let error = sqs_message_of_structure(r#"{"sqs": "q"}"#).expect_err("no default");
        assert!(error.message.contains("No default entry"), "{}", error.message);
    }

    #[test]
    fn attribute_values_are_checked() {
        assert!(attribute_value("a", "String", Some("x"), None).is_ok());
        assert!(attribute_value("a", "Number.price", Some("12.5"), None).is_ok());
        assert!(attribute_value("a", "String.Array", Some(r#"["x", 1, true]"#), None).is_ok());
        let bad = [
            ("Number", Some("twelve"), None),
            ("String", Some(""), None),
            ("Text", Some("x"), None),
            ("String.Array", Some(r#"[["nested"]]"#), None),
            ("Binary", None, Some("!!")),
        ];
        for (data_type, string, binary) in bad {
            let error = attribute_value("a", data_type, string, binary).expect_err(data_type);
            assert_eq!(error.code, "InvalidParameterValue", "{data_type}");
            assert!(error.message.contains("'a'"), "{}", error.message);
        }
    }

    #[test]
    fn attribute_names_are_checked() {
        for name in ["", "AWS.x", "amazon.y", ".a", "a.", "a..b", "a b"] {
            assert!(check_attribute_name(name).is_err(), "{name:?} should be rejected");
        }
        assert!(check_attribute_name("store.id-1_x").is_ok());
    }

    #[test]
    fn timestamp_has_milliseconds() {
        let timestamp = timestamp_now();
        assert_eq!(timestamp.len(), "2026-12-04T13:00:00.000Z".len(), "{timestamp}");
        assert!(timestamp.ends_with('Z'), "{timestamp}");
    }
}
