//! Subscription operations: Subscribe, ConfirmSubscription, Unsubscribe,
//! ListSubscriptions, ListSubscriptionsByTopic and
//! Get/SetSubscriptionAttributes
//! (<https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html>,
//! <https://docs.aws.amazon.com/sns/latest/api/API_SetSubscriptionAttributes.html>).
//!
//! A Lambda subscription is confirmed at once. An SQS subscription is
//! confirmed at once when the caller owns the queue.
//! When the caller does not, as when a topic's owner subscribes another
//! account's queue, it waits for confirmation: SNS delivers a
//! SubscriptionConfirmation message with a token to the queue, and
//! ConfirmSubscription with that token activates it
//! (<https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html>).
//! ConfirmSubscription needs no permission on the topic, because the token
//! is the proof (<https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html>),
//! so it works from any account.

use std::collections::BTreeMap;
use std::sync::Arc;

use rand::RngCore;

use crate::arn::{Arn, parse_topic_arn};
use crate::error::AwsResult;
use crate::http::RequestContext;
use crate::http::aws_query::XmlWriter;

use super::filter::{FilterPolicy, Scope};
use super::params::{Params, check_xml_text};
use super::topic::{Subscription, SubscriptionMeta, Topic};
use super::{PAGE_SIZE, Sns, errors, write_map};

/// The SubscriptionArn SNS returns for a subscription that waits for confirmation.
const PENDING_CONFIRMATION: &str = "pending confirmation";

/// The SubscriptionArn the List operations show for a pending subscription.
const PENDING_IN_LISTS: &str = "PendingConfirmation";

/// Attributes a subscription accepts.
const SUBSCRIPTION_ATTRIBUTES: &[&str] =
    &["DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy"];

/// The largest filter policy, in bytes
/// (<https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html>).
const MAX_FILTER_POLICY_BYTES: usize = 256 * 1024;

impl Sns {
    pub(super) fn subscribe(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic_arn = params.required("TopicArn")?;
        let protocol = params.required("Protocol")?;
        let endpoint = params.get("Endpoint").unwrap_or_default();
        let attributes = params.string_map("Attributes")?;
        let return_arn = params.boolean("ReturnSubscriptionArn")?.unwrap_or(false);
        let topic = self.resolve_topic(context, "Subscribe", "TopicArn", topic_arn)?;
        check_xml_text("Endpoint", endpoint)?;

        let needs_confirmation = match protocol {
            "sqs" => check_queue_endpoint(&topic, endpoint)? != context.caller.account_id,
            "http" | "https" => {
                check_local_url(protocol, endpoint)?;
                true
            }
            "lambda" => {
                check_function_endpoint(endpoint)?;
                false
            }
            other => {
                // NOTE: email, sms, firehose and application endpoints are not implemented.
                return Err(errors::invalid_parameter(
                    "Protocol",
                    &format!("{other:?} is not supported here; use sqs, lambda, http or https"),
                ));
            }
        };

        let mut meta = SubscriptionMeta::default();
        for (name, value) in &attributes {
            if name != "FilterPolicy" {
                apply_attribute(&mut meta, name, value)?;
            }
        }
        if let Some(filter_policy) = attributes.get("FilterPolicy") {
            apply_attribute(&mut meta, "FilterPolicy", filter_policy)?;
        }

        if let Some(existing) = topic.find_subscription(protocol, endpoint) {
            check_same_attributes(&existing, &attributes)?;
            let shown = if existing.is_pending() && !return_arn { PENDING_CONFIRMATION } else { existing.arn.as_str() };
            let mut xml = XmlWriter::new();
            xml.element("SubscriptionArn", shown);
            return Ok(xml.finish());
        }

        let token = needs_confirmation.then(new_token);
        meta.pending = needs_confirmation;
        meta.confirmation_token = token.clone();
        let arn = format!("{}:{}", topic.arn, uuid::Uuid::new_v4());
        let subscription =
            Arc::new(Subscription::new(arn.clone(), &topic.arn, &context.caller.account_id, protocol, endpoint, meta));
        topic.add_subscription(subscription.clone());

        if let Some(token) = &token
            && protocol == "sqs"
        {
            self.send_confirmation(&topic, &subscription, token);
        }

        let shown = if needs_confirmation && !return_arn { PENDING_CONFIRMATION } else { arn.as_str() };
        let mut xml = XmlWriter::new();
        xml.element("SubscriptionArn", shown);
        Ok(xml.finish())
    }

    pub(super) fn confirm_subscription(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic_arn = params.required("TopicArn")?;
        let token = params.required("Token")?;
        let authenticate_on_unsubscribe = params.get("AuthenticateOnUnsubscribe").is_some_and(|v| v == "true");

        let address = parse_topic_arn(topic_arn).map_err(|_| errors::invalid_address("TopicArn", topic_arn))?;
        self.check_region(context, &address.namespace, "TopicArn", topic_arn)?;
        let topic = self.find_topic(&address).ok_or_else(|| errors::topic_not_found(topic_arn))?;
        let subscription = topic
            .subscriptions()
            .into_iter()
            .find(|subscription| subscription.meta().confirmation_token.as_deref() == Some(token))
            .ok_or_else(|| errors::invalid_parameter("Token", &format!("{token:?} is not a token of this topic")))?;

        {
            let mut meta = subscription.meta_mut();
            meta.pending = false;
            meta.confirmation_was_authenticated = authenticate_on_unsubscribe;
        }
        let mut xml = XmlWriter::new();
        xml.element("SubscriptionArn", &subscription.arn);
        Ok(xml.finish())
    }

    pub(super) fn unsubscribe(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let subscription_arn = params.required("SubscriptionArn")?;
        let (topic, subscription) = self.resolve_subscription(context, "Unsubscribe", subscription_arn)?;
        topic.remove_subscription(&subscription.arn);
        Ok(String::new())
    }

    pub(super) fn list_subscriptions(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let after = params.get("NextToken");
        let account_id = &context.caller.account_id;
        let mut subscriptions: Vec<Arc<Subscription>> = self
            .namespaces
            .snapshot()
            .into_iter()
            .filter(|(namespace, _)| namespace.region == context.caller.region)
            .flat_map(|(_, registry)| registry.all())
            .flat_map(|topic| topic.subscriptions())
            .filter(|subscription| subscription.owner == *account_id)
            .collect();
        subscriptions.sort_by(|a, b| a.arn.cmp(&b.arn));
        write_subscription_page(subscriptions, after)
    }

    pub(super) fn list_subscriptions_by_topic(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic_arn = params.required("TopicArn")?;
        let after = params.get("NextToken");
        let topic = self.resolve_topic(context, "ListSubscriptionsByTopic", "TopicArn", topic_arn)?;
        write_subscription_page(topic.subscriptions(), after)
    }

    pub(super) fn get_subscription_attributes(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let subscription_arn = params.required("SubscriptionArn")?;
        let (topic, subscription) =
            self.resolve_subscription(context, "GetSubscriptionAttributes", subscription_arn)?;
        let meta = subscription.meta().clone();

        let mut attributes: BTreeMap<&str, String> = BTreeMap::new();
        attributes.insert("SubscriptionArn", subscription.arn.clone());
        attributes.insert("TopicArn", topic.arn.clone());
        attributes.insert("Owner", subscription.owner.clone());
        attributes.insert("Protocol", subscription.protocol.clone());
        attributes.insert("Endpoint", subscription.endpoint.clone());
        attributes.insert("PendingConfirmation", meta.pending.to_string());
        attributes.insert("ConfirmationWasAuthenticated", meta.confirmation_was_authenticated.to_string());
        attributes.insert("RawMessageDelivery", meta.raw_message_delivery.to_string());
        if let Some((document, _)) = &meta.filter_policy {
            attributes.insert("FilterPolicy", document.clone());
            attributes.insert("FilterPolicyScope", meta.filter_policy_scope.as_str().to_owned());
        }
        if let Some(redrive_policy) = &meta.redrive_policy {
            attributes.insert("RedrivePolicy", redrive_policy.clone());
        }
        if let Some(delivery_policy) = &meta.delivery_policy {
            attributes.insert("DeliveryPolicy", delivery_policy.clone());
        }

        let mut xml = XmlWriter::new();
        write_map(&mut xml, "Attributes", attributes.iter().map(|(name, value)| (*name, value.as_str())));
        Ok(xml.finish())
    }

    pub(super) fn set_subscription_attributes(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let subscription_arn = params.required("SubscriptionArn")?;
        let name = params.required("AttributeName")?;
        let value = params.get("AttributeValue").unwrap_or_default();
        let (_, subscription) = self.resolve_subscription(context, "SetSubscriptionAttributes", subscription_arn)?;

        // Change a copy, so a rejected value leaves the subscription as it was.
        let mut changed = subscription.meta().clone();
        apply_attribute(&mut changed, name, value)?;
        *subscription.meta_mut() = changed;
        Ok(String::new())
    }
}

/// Checks an SQS endpoint, a queue ARN, against the topic, and returns the
/// queue's account. A FIFO queue takes only a FIFO topic, but a FIFO topic
/// also delivers to standard queues, without the message group ID
/// (<https://docs.aws.amazon.com/sns/latest/dg/fifo-message-grouping.html>).
fn check_queue_endpoint(topic: &Topic, endpoint: &str) -> AwsResult<String> {
    let arn: Arn = endpoint
        .parse()
        .map_err(|_| errors::invalid_parameter("SQS endpoint ARN", &format!("{endpoint:?} is not an ARN")))?;
    let namespace = arn.namespace().filter(|_| arn.service == "sqs" && !arn.resource.contains([':', '/']));
    let Some(namespace) = namespace else {
        return Err(errors::invalid_parameter(
            "SQS endpoint ARN",
            &format!("{endpoint:?} is not a queue ARN, arn:aws:sqs:REGION:ACCOUNT:QUEUE"),
        ));
    };
    let fifo_queue = arn.resource.ends_with(".fifo");
    if !topic.fifo && fifo_queue {
        return Err(errors::invalid_parameter("Endpoint", "a FIFO SQS queue can subscribe only to a FIFO topic"));
    }
    Ok(namespace.account_id)
}

/// Checks a Lambda endpoint: a function ARN, optionally qualified, that
/// names its region and account. A Lambda subscription needs no confirmation
/// (<https://docs.aws.amazon.com/sns/latest/dg/sns-lambda-as-subscriber.html>).
fn check_function_endpoint(endpoint: &str) -> AwsResult<()> {
    let valid = endpoint.starts_with("arn:")
        && crate::arn::parse_function_address(endpoint)
            .is_ok_and(|address| address.account_id.is_some() && address.region.is_some());
    if valid {
        Ok(())
    } else {
        Err(errors::invalid_parameter(
            "Lambda endpoint ARN",
            &format!("{endpoint:?} is not a function ARN, arn:aws:lambda:REGION:ACCOUNT:function:NAME"),
        ))
    }
}

/// Accepts an http or https endpoint only on this machine, so a test never
/// reaches another host.
fn check_local_url(protocol: &str, endpoint: &str) -> AwsResult<()> {
    let rest = endpoint.strip_prefix(protocol).and_then(|rest| rest.strip_prefix("://"));
    let host = rest.map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    let host_name = host.map(|host| match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    });
    match host_name {
        Some("127.0.0.1" | "localhost" | "::1") => Ok(()),
        _ => Err(errors::invalid_parameter(
            "Endpoint",
            &format!(
                "{endpoint:?}: this emulator delivers {protocol} only to {protocol}://127.0.0.1 or {protocol}://localhost"
            ),
        )),
    }
}

/// Applies one subscription attribute to `meta`, checking its value.
fn apply_attribute(meta: &mut SubscriptionMeta, name: &str, value: &str) -> AwsResult<()> {
    if !SUBSCRIPTION_ATTRIBUTES.contains(&name) {
        return Err(errors::invalid_parameter(
            "AttributeName",
            &format!("{name:?} is not one of {}", SUBSCRIPTION_ATTRIBUTES.join(", ")),
        ));
    }
    match name {
        "RawMessageDelivery" => {
            meta.raw_message_delivery = match value {
                "true" | "True" => true,
                "false" | "False" => false,
                other => {
                    return Err(errors::invalid_parameter(name, &format!("{other:?} is not true or false")));
                }
            };
        }
        "FilterPolicyScope" => {
            let scope = Scope::parse(value).ok_or_else(|| {
                errors::invalid_parameter(name, &format!("{value:?} is not MessageAttributes or MessageBody"))
            })?;
            // The policy in force must also be valid under the new scope.
            if let Some((document, _)) = &meta.filter_policy {
                let parsed = FilterPolicy::parse(document, scope)
                    .map_err(|reason| errors::invalid_parameter("FilterPolicy", &reason))?;
                meta.filter_policy = Some((document.clone(), parsed));
            }
            meta.filter_policy_scope = scope;
        }
        "FilterPolicy" => {
            if value.is_empty() {
                meta.filter_policy = None;
                return Ok(());
            }
            if value.len() > MAX_FILTER_POLICY_BYTES {
                return Err(errors::invalid_parameter(
                    "FilterPolicy",
                    &format!(
                        "the filter policy is {} bytes, over the maximum of {MAX_FILTER_POLICY_BYTES}",
                        value.len()
                    ),
                ));
            }
            let parsed = FilterPolicy::parse(value, meta.filter_policy_scope)
                .map_err(|reason| errors::invalid_parameter("FilterPolicy", &reason))?;
            meta.filter_policy = Some((value.to_owned(), parsed));
        }
        "RedrivePolicy" => {
            meta.redrive_policy = if value.is_empty() { None } else { Some(check_redrive_policy(value)?) };
        }
        "DeliveryPolicy" => {
            let valid = serde_json::from_str::<serde_json::Value>(value).is_ok_and(|v| v.is_object());
            if !valid && !value.is_empty() {
                return Err(errors::invalid_parameter(name, &format!("{value:?} is not a JSON object")));
            }
            meta.delivery_policy = (!value.is_empty()).then(|| value.to_owned());
        }
        _ => unreachable!("every listed attribute has a branch"),
    }
    Ok(())
}

/// Checks that a repeated Subscribe asks for the attributes the existing
/// subscription has. Only the attributes the request gives are compared, and
/// a filter policy is compared as text. AWS answers a difference with
/// `Invalid parameter: Attributes Reason: Subscription already exists with
/// different attributes`; the API reference does not document it, users
/// report it (<https://github.com/localstack/localstack/issues/8816>,
/// <https://github.com/anomalyco/sst/issues/4259>).
fn check_same_attributes(existing: &Subscription, attributes: &BTreeMap<String, String>) -> AwsResult<()> {
    let current = existing.meta().clone();
    let mut requested = current.clone();
    for (name, value) in attributes {
        if name != "FilterPolicy" {
            apply_attribute(&mut requested, name, value)?;
        }
    }
    if let Some(filter_policy) = attributes.get("FilterPolicy") {
        apply_attribute(&mut requested, "FilterPolicy", filter_policy)?;
    }

    let policy_text = |meta: &SubscriptionMeta| meta.filter_policy.as_ref().map(|(document, _)| document.clone());
    let same = requested.raw_message_delivery == current.raw_message_delivery
        && policy_text(&requested) == policy_text(&current)
        && requested.filter_policy_scope == current.filter_policy_scope
        && requested.redrive_policy == current.redrive_policy
        && requested.delivery_policy == current.delivery_policy;
    if !same {
        return Err(errors::invalid_parameter("Attributes", "Subscription already exists with different attributes"));
    }
    Ok(())
}

/// Checks a RedrivePolicy: a JSON object whose `deadLetterTargetArn` is a queue ARN
/// (<https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html>).
/// A delivery that fails goes to that queue (`Sns::dead_letter` in publish.rs).
fn check_redrive_policy(value: &str) -> AwsResult<String> {
    let parsed: serde_json::Value = serde_json::from_str(value)
        .map_err(|error| errors::invalid_parameter("RedrivePolicy", &format!("not valid JSON: {error}")))?;
    let target = parsed.get("deadLetterTargetArn").and_then(serde_json::Value::as_str);
    let is_queue = target
        .and_then(|target| target.parse::<Arn>().ok())
        .is_some_and(|arn| arn.service == "sqs" && arn.namespace().is_some());
    if !is_queue {
        return Err(errors::invalid_parameter(
            "RedrivePolicy",
            &format!("{value:?} needs deadLetterTargetArn set to an SQS queue ARN"),
        ));
    }
    Ok(value.to_owned())
}

/// Writes one page of subscriptions, sorted by ARN, after the token `after`.
fn write_subscription_page(mut subscriptions: Vec<Arc<Subscription>>, after: Option<&str>) -> AwsResult<String> {
    subscriptions.sort_by(|a, b| a.arn.cmp(&b.arn));
    let start = match after {
        None => 0,
        Some(token) => subscriptions.partition_point(|subscription| subscription.arn.as_str() <= token),
    };
    let page: Vec<&Arc<Subscription>> = subscriptions[start..].iter().take(PAGE_SIZE).collect();

    let mut xml = XmlWriter::new();
    xml.open("Subscriptions");
    for subscription in &page {
        let shown = if subscription.is_pending() { PENDING_IN_LISTS } else { subscription.arn.as_str() };
        xml.open("member")
            .element("SubscriptionArn", shown)
            .element("Owner", &subscription.owner)
            .element("Protocol", &subscription.protocol)
            .element("Endpoint", &subscription.endpoint)
            .element("TopicArn", &subscription.topic_arn)
            .close("member");
    }
    xml.close("Subscriptions");
    if subscriptions.len() > start + PAGE_SIZE
        && let Some(last) = page.last()
    {
        xml.element("NextToken", &last.arn);
    }
    Ok(xml.finish())
}

/// Makes a confirmation token: 128 random bytes in lowercase hex.
fn new_token() -> String {
    let mut bytes = [0u8; 128];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_urls_are_accepted() {
        for url in ["http://127.0.0.1:8080/hook", "http://localhost/x", "https://[::1]:443/"] {
            let protocol = url.split(':').next().expect("a scheme");
            assert!(check_local_url(protocol, url).is_ok(), "{url}");
        }
    }

    #[test]
    fn remote_urls_are_rejected() {
        for url in
            ["http://example.com/hook", "http://127.0.0.1.example.com/", "https://localhost/", "ftp://localhost/"]
        {
            let error = check_local_url("http", url).expect_err(url);
            assert_eq!(error.code, "InvalidParameter", "{url}");
        }
    }

    #[test]
    fn invalid_filter_policy_leaves_meta_unchanged() {
        let mut meta = SubscriptionMeta::default();
        apply_attribute(&mut meta, "FilterPolicy", r#"{"a": ["x"]}"#).expect("a valid policy");
        let error = apply_attribute(&mut meta, "FilterPolicyScope", "Body").expect_err("unknown scope");
        assert!(error.message.contains("Body"), "{}", error.message);
        assert_eq!(meta.filter_policy_scope, Scope::MessageAttributes);
    }
}
