//! Messages that an SNS topic delivers into a queue.
//!
//! SNS sends to a subscribed queue as the service principal
//! `sns.amazonaws.com`, with `aws:SourceArn` set to the topic ARN and
//! `aws:SourceAccount` to the topic's account, so the queue's policy must
//! allow `sqs:SendMessage` for that principal unless the policy engine is off
//! (<https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html>).
//! A policy that grants the topic's account instead of the service is
//! honoured as well. A delivery crosses regions and accounts freely: the
//! topic names the queue by ARN, and no endpoint region applies.
//!
//! [`Sqs::deliver_from_topic`] and [`Sqs::deliver_from_function`] (Lambda
//! destination records) are the only ways another service puts a message
//! into a queue. Both run the same validation as SendMessage.

use std::sync::Arc;

use crate::access::{AccessRequest, Denial, ServiceSource};
use crate::arn::Arn;
use crate::error::AwsError;
use crate::identity::{Caller, IdentityOptions};
use crate::store::Namespace;

use super::Sqs;
use super::messages::send_to_queue;
use super::model::{MessageAttributes, SendMessageFields};
use super::queue::Queue;

/// The service principal SNS deliveries come from.
pub const SNS_PRINCIPAL: &str = "sns.amazonaws.com";

/// One message a topic sends to one queue.
#[derive(Debug, Clone)]
pub struct TopicDelivery<'a> {
    pub queue_arn: &'a str,
    pub topic_arn: &'a str,
    pub topic_account: &'a str,
    pub body: &'a str,
    /// Message attributes for a raw delivery; empty for an envelope.
    pub attributes: MessageAttributes,
    pub group_id: Option<&'a str>,
    pub deduplication_id: Option<&'a str>,
}

/// The reason a delivery did not land in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryFailure {
    /// The ARN names no existing queue.
    QueueNotFound,
    /// The queue's policy does not let the topic send.
    Denied(Denial),
    /// The queue rejected the message, as SendMessage would.
    Rejected(AwsError),
}

impl Sqs {
    /// Finds the live queue an ARN names, with its namespace.
    fn find_delivery_queue(&self, queue_arn: &str) -> Result<(Arc<Queue>, Namespace), DeliveryFailure> {
        let arn: Arn = queue_arn.parse().map_err(|_| DeliveryFailure::QueueNotFound)?;
        let namespace = arn.namespace().filter(|_| arn.service == "sqs").ok_or(DeliveryFailure::QueueNotFound)?;
        let queue = self
            .namespaces
            .get(&namespace)
            .and_then(|registry| registry.get(&arn.resource))
            .filter(|queue| !queue.is_deleted())
            .ok_or(DeliveryFailure::QueueNotFound)?;
        Ok((queue, namespace))
    }

    /// Sends a message from topic `delivery.topic_arn` into the queue
    /// `delivery.queue_arn`, after the queue's policy allowed it.
    pub(crate) fn deliver_from_topic(&self, delivery: &TopicDelivery<'_>) -> Result<String, DeliveryFailure> {
        let (queue, namespace) = self.find_delivery_queue(delivery.queue_arn)?;

        let policy = self.queue_policy(Some(&queue));
        self.authorize_delivery(delivery, &queue.arn, &namespace, policy.as_ref().map(|p| &p.policy))
            .map_err(DeliveryFailure::Denied)?;

        // A FIFO topic passes its group and deduplication IDs only to FIFO
        // queues (<https://docs.aws.amazon.com/sns/latest/dg/fifo-message-grouping.html>).
        let (group_id, deduplication_id) =
            if queue.fifo { (delivery.group_id, delivery.deduplication_id) } else { (None, None) };
        let fields = SendMessageFields {
            message_body: Some(delivery.body.to_owned()),
            delay_seconds: None,
            message_attributes: delivery.attributes.clone(),
            message_system_attributes: MessageAttributes::new(),
            message_deduplication_id: deduplication_id.map(str::to_owned),
            message_group_id: group_id.map(str::to_owned),
        };
        send_to_queue(&queue, &fields, delivery.topic_account)
            .map(|output| output.message_id)
            .map_err(DeliveryFailure::Rejected)
    }

    /// Decides whether the topic may send to the queue: first as the SNS
    /// service principal, then, for a topic of another account, as that
    /// account's root user.
    fn authorize_delivery(
        &self,
        delivery: &TopicDelivery<'_>,
        queue_arn: &str,
        namespace: &Namespace,
        policy: Option<&crosscheck_policy::Policy>,
    ) -> Result<(), Denial> {
        // The caller sits in the queue's region: a delivery is not a request
        // sent to a regional endpoint, so the `aws` profile's region rule does not apply.
        let caller = Caller::new(delivery.topic_account, &namespace.region, IdentityOptions::default());
        let as_service = AccessRequest {
            caller: &caller,
            action: "sqs:SendMessage",
            resource_arn: queue_arn,
            resource_namespace: namespace,
            grantable_across_accounts: true,
            resource_policy: policy,
            source_ip: None,
            service_source: Some(ServiceSource {
                service: SNS_PRINCIPAL,
                source_account: delivery.topic_account,
                source_arn: delivery.topic_arn,
            }),
            service_authorization: None,
        };
        let denial = match self.access.decide(&as_service) {
            Ok(()) => return Ok(()),
            Err(denial) => denial,
        };
        if denial == Denial::ExplicitDeny || delivery.topic_account == namespace.account_id {
            return Err(denial);
        }

        let as_topic_account = AccessRequest { service_source: None, ..as_service };
        self.access.decide(&as_topic_account)
    }
}

/// One invocation record a Lambda function sends to a queue destination.
///
/// Lambda sends a destination record with the function's execution role
/// (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html>).
/// The emulator models no role policies, so the function's account acts as
/// the sender: its own queues accept the record, and another account's queue
/// accepts it when that queue's policy allows the account.
#[derive(Debug, Clone)]
pub struct FunctionDelivery<'a> {
    pub queue_arn: &'a str,
    pub function_account: &'a str,
    pub body: &'a str,
}

impl Sqs {
    /// Sends an invocation record into the queue `delivery.queue_arn`, after the queue's policy allowed it.
    pub(crate) fn deliver_from_function(&self, delivery: &FunctionDelivery<'_>) -> Result<String, DeliveryFailure> {
        let (queue, namespace) = self.find_delivery_queue(delivery.queue_arn)?;

        let policy = self.queue_policy(Some(&queue));
        let caller = Caller::new(delivery.function_account, &namespace.region, IdentityOptions::default());
        let request = AccessRequest {
            caller: &caller,
            action: "sqs:SendMessage",
            resource_arn: &queue.arn,
            resource_namespace: &namespace,
            grantable_across_accounts: true,
            resource_policy: policy.as_ref().map(|p| &p.policy),
            source_ip: None,
            service_source: None,
            service_authorization: None,
        };
        self.access.decide(&request).map_err(DeliveryFailure::Denied)?;

        let fields = SendMessageFields {
            message_body: Some(delivery.body.to_owned()),
            delay_seconds: None,
            message_attributes: MessageAttributes::new(),
            message_system_attributes: MessageAttributes::new(),
            message_deduplication_id: None,
            message_group_id: None,
        };
        send_to_queue(&queue, &fields, delivery.function_account)
            .map(|output| output.message_id)
            .map_err(DeliveryFailure::Rejected)
    }
}
