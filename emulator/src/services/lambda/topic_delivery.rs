//! Notifications that an SNS topic delivers to a subscribed function.
//!
//! SNS invokes a subscribed function asynchronously as the service principal
//! `sns.amazonaws.com`, with `aws:SourceArn` set to the topic ARN, so the
//! function's policy must allow `lambda:InvokeFunction` for that principal
//! unless the policy engine is off
//! (<https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html>). A policy
//! that grants the topic's account instead is honoured as well, as for SQS
//! deliveries. The function receives the SNS event document, one record per
//! notification, and the invocation follows the function's event invoke
//! configuration like any `Event` invocation.

use bytes::Bytes;

use super::Lambda;
use super::event_invoke::AsyncEvent;
use crate::access::{AccessRequest, Denial, ServiceSource};
use crate::arn::{format_function_arn, parse_function_address};
use crate::identity::{Caller, IdentityOptions};
use crate::services::sqs::delivery::SNS_PRINCIPAL;

/// One notification a topic sends to one function.
#[derive(Debug, Clone)]
pub struct TopicInvocation<'a> {
    pub function_arn: &'a str,
    pub topic_arn: &'a str,
    pub topic_account: &'a str,
    /// The SNS event document the handler receives.
    pub event: Bytes,
}

/// The reason a notification did not reach the function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicInvocationFailure {
    /// The ARN names no existing function, version or alias.
    FunctionNotFound,
    /// The function's policy does not let the topic invoke it.
    Denied(Denial),
    /// The function's reserved concurrency is 0.
    Throttled,
}

impl Lambda {
    /// Queues an asynchronous invocation of `delivery.function_arn` with the
    /// topic's event, after the function's policy allowed it.
    pub(crate) fn invoke_from_topic(&self, delivery: TopicInvocation<'_>) -> Result<(), TopicInvocationFailure> {
        let address =
            parse_function_address(delivery.function_arn).map_err(|_| TopicInvocationFailure::FunctionNotFound)?;
        let (Some(account_id), Some(region)) = (&address.account_id, &address.region) else {
            return Err(TopicInvocationFailure::FunctionNotFound);
        };
        let namespace = crate::store::Namespace::new(account_id, region);
        let registry = self.functions.get(&namespace).ok_or(TopicInvocationFailure::FunctionNotFound)?;
        let functions = registry.lock();
        let function = functions.get(&address.name).ok_or(TopicInvocationFailure::FunctionNotFound)?;
        let config =
            function.config_for(address.qualifier.as_deref()).ok_or(TopicInvocationFailure::FunctionNotFound)?;

        let resource_arn = format_function_arn(&namespace, &address.name, address.qualifier.as_deref());
        let policy_key = address.qualifier.clone().unwrap_or_default();
        let policy = if self.access.evaluates_policies() {
            function.policies.get(&policy_key).and_then(|set| set.parsed())
        } else {
            None
        };
        // The caller sits in the function's region: a delivery is not a request
        // sent to a regional endpoint, so the `aws` profile's region rule does not apply.
        let caller = Caller::new(delivery.topic_account, &namespace.region, IdentityOptions::default());
        let as_service = AccessRequest {
            caller: &caller,
            action: "lambda:InvokeFunction",
            resource_arn: &resource_arn,
            resource_namespace: &namespace,
            grantable_across_accounts: true,
            resource_policy: policy.as_ref(),
            source_ip: None,
            service_source: Some(ServiceSource {
                service: SNS_PRINCIPAL,
                source_account: delivery.topic_account,
                source_arn: delivery.topic_arn,
            }),
            service_authorization: None,
        };
        if let Err(denial) = self.access.decide(&as_service) {
            if denial == Denial::ExplicitDeny || delivery.topic_account == namespace.account_id {
                return Err(TopicInvocationFailure::Denied(denial));
            }
            let as_topic_account = AccessRequest { service_source: None, ..as_service };
            self.access.decide(&as_topic_account).map_err(TopicInvocationFailure::Denied)?;
        }
        if function.reserved_concurrency == Some(0) {
            return Err(TopicInvocationFailure::Throttled);
        }

        let event = AsyncEvent {
            namespace: namespace.clone(),
            function_name: address.name.clone(),
            qualifier: address.qualifier.clone(),
            config,
            invoked_arn: resource_arn,
            payload: delivery.event,
            request_id: uuid::Uuid::new_v4().to_string(),
            reserved: function.reserved_concurrency,
            reserved_total: functions.values().filter_map(|function| function.reserved_concurrency).sum(),
        };
        drop(functions);
        self.enqueue_event(event);
        Ok(())
    }
}
