//! Topic operations: CreateTopic, DeleteTopic, ListTopics,
//! Get/SetTopicAttributes, AddPermission, RemovePermission and the tagging
//! operations (<https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html>,
//! <https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html>,
//! <https://docs.aws.amazon.com/sns/latest/api/API_TagResource.html>).
//!
//! CreateTopic is idempotent: the same name with the same attributes and
//! tags returns the existing topic, and different ones are InvalidParameter.

use std::collections::BTreeMap;
use std::sync::Arc;

use crosscheck_policy::{
    ActionClause, Effect, Policy, PrincipalClause, PrincipalSet, Principals, ResourceClause, Statement,
};

use crate::arn::{Arn, format_topic_arn, is_account_id, is_topic_name, parse_topic_arn};
use crate::error::AwsResult;
use crate::http::RequestContext;
use crate::http::aws_query::XmlWriter;

use super::params::{Params, check_xml_text};
use super::topic::{Topic, TopicMeta, TopicPolicy};
use super::{CROSS_ACCOUNT_OPERATIONS, PAGE_SIZE, Sns, errors, parse_topic_policy, write_map};

/// Attributes CreateTopic and SetTopicAttributes accept, besides `Policy`,
/// CreateTopic's `FifoTopic` and the delivery status attributes of
/// [`DELIVERY_STATUS_PROTOCOLS`].
const SETTABLE_ATTRIBUTES: &[&str] = &[
    "ArchivePolicy",
    "ContentBasedDeduplication",
    "DataProtectionPolicy",
    "DeliveryPolicy",
    "DisplayName",
    "FifoThroughputScope",
    "KmsMasterKeyId",
    "MaximumMessageSize",
    "SignatureVersion",
    "TracingConfig",
];

/// The protocols whose delivery status logging a topic configures with the
/// attributes `{PROTOCOL}SuccessFeedbackRoleArn`, `{PROTOCOL}FailureFeedbackRoleArn`
/// and `{PROTOCOL}SuccessFeedbackSampleRate`, a percentage from 0 to 100
/// (<https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html>,
/// <https://docs.aws.amazon.com/sns/latest/dg/sns-topic-attributes.html>).
/// The emulator stores them and returns them; it writes no delivery logs.
const DELIVERY_STATUS_PROTOCOLS: &[&str] = &["Application", "Firehose", "HTTP", "Lambda", "SQS"];

/// Returns whether `name` is a delivery status attribute, and whether it is a sample rate.
fn delivery_status_attribute(name: &str) -> Option<bool> {
    let suffix = DELIVERY_STATUS_PROTOCOLS.iter().find_map(|protocol| name.strip_prefix(protocol))?;
    match suffix {
        "SuccessFeedbackRoleArn" | "FailureFeedbackRoleArn" => Some(false),
        "SuccessFeedbackSampleRate" => Some(true),
        _ => None,
    }
}

/// Attributes only FIFO topics take.
const FIFO_ONLY_ATTRIBUTES: &[&str] = &["ArchivePolicy", "ContentBasedDeduplication", "FifoThroughputScope"];

/// The maximum number of tags a topic may have
/// (<https://docs.aws.amazon.com/sns/latest/dg/sns-tags-configuring.html>).
const MAX_TAGS: usize = 50;

/// The delivery policy SNS reports for a topic without one of its own
/// (<https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html>).
const DEFAULT_EFFECTIVE_DELIVERY_POLICY: &str = r#"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#;

impl Sns {
    pub(super) fn create_topic(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let name = params.required("Name")?;
        let mut attributes = params.string_map("Attributes")?;
        let tags = read_tags(params)?;

        let fifo = match attributes.remove("FifoTopic").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(errors::invalid_parameter("FifoTopic", &format!("{other:?} is not true or false")));
            }
        };
        if !is_topic_name(name) {
            return Err(errors::invalid_parameter(
                "Topic Name",
                &format!("{name:?} is not 1 to 256 letters, digits, hyphens and underscores"),
            ));
        }
        if fifo != name.ends_with(".fifo") {
            return Err(errors::invalid_parameter(
                "Topic Name",
                &format!(
                    "{name:?}: a FIFO topic name ends in .fifo and has FifoTopic set to true, and only a FIFO topic's does"
                ),
            ));
        }

        let namespace = Self::caller_namespace(context);
        let arn = format_topic_arn(&namespace, name);
        let policy = match attributes.remove("Policy") {
            Some(document) => parse_topic_policy(&document)?,
            None => default_policy(&arn, &namespace.account_id),
        };
        for (attribute, value) in &attributes {
            check_attribute(attribute, value, fifo)?;
        }
        check_tag_count(tags.len())?;

        let requested_policy = params.string_map("Attributes")?.remove("Policy");
        let meta = TopicMeta { attributes: attributes.clone(), policy, tags: tags.clone() };
        let registry = self.namespaces.get_or_create(&namespace);
        let (topic, created) = registry.insert_if_absent(Topic::new(namespace, name, arn, fifo, meta));
        if !created {
            check_same_topic(&topic, fifo, &attributes, requested_policy.as_deref(), &tags)?;
        }

        let mut xml = XmlWriter::new();
        xml.element("TopicArn", &topic.arn);
        Ok(xml.finish())
    }

    pub(super) fn delete_topic(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic_arn = params.required("TopicArn")?;
        // DeleteTopic is idempotent: a topic that does not exist is no error.
        let topic = match self.resolve_topic(context, "DeleteTopic", "TopicArn", topic_arn) {
            Ok(topic) => topic,
            Err(error) if error.code == "NotFound" => return Ok(String::new()),
            Err(error) => return Err(error),
        };
        if let Some(registry) = self.namespaces.get(&topic.namespace) {
            registry.remove(&topic.name);
        }
        Ok(String::new())
    }

    pub(super) fn list_topics(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let after = params.get("NextToken");
        if let Some(token) = after
            && !is_topic_name(token)
        {
            return Err(errors::invalid_parameter(
                "NextToken",
                &format!("{token:?} is not a token ListTopics returned"),
            ));
        }
        let topics = self
            .namespaces
            .get(&Self::caller_namespace(context))
            .map(|registry| registry.list(after, PAGE_SIZE + 1))
            .unwrap_or_default();

        let mut xml = XmlWriter::new();
        xml.open("Topics");
        for topic in topics.iter().take(PAGE_SIZE) {
            xml.open("member").element("TopicArn", &topic.arn).close("member");
        }
        xml.close("Topics");
        if topics.len() > PAGE_SIZE {
            xml.element("NextToken", &topics[PAGE_SIZE - 1].name);
        }
        Ok(xml.finish())
    }

    pub(super) fn get_topic_attributes(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic = self.resolve_topic(context, "GetTopicAttributes", "TopicArn", params.required("TopicArn")?)?;
        let meta = topic.meta().clone();
        let subscriptions = topic.subscriptions();
        let pending = subscriptions.iter().filter(|subscription| subscription.is_pending()).count();

        let mut attributes: BTreeMap<&str, String> = BTreeMap::new();
        attributes.insert("TopicArn", topic.arn.clone());
        attributes.insert("Owner", topic.namespace.account_id.clone());
        attributes.insert("Policy", meta.policy.document.clone());
        attributes.insert("DisplayName", String::new());
        attributes.insert("SubscriptionsConfirmed", (subscriptions.len() - pending).to_string());
        attributes.insert("SubscriptionsPending", pending.to_string());
        let deleted = topic.subscriptions_deleted.load(std::sync::atomic::Ordering::Relaxed);
        attributes.insert("SubscriptionsDeleted", deleted.to_string());
        let effective = meta.attributes.get("DeliveryPolicy").map_or(DEFAULT_EFFECTIVE_DELIVERY_POLICY, String::as_str);
        attributes.insert("EffectiveDeliveryPolicy", effective.to_owned());
        if topic.fifo {
            attributes.insert("FifoTopic", "true".to_owned());
            attributes.insert("ContentBasedDeduplication", meta.content_based_deduplication().to_string());
        }
        for (name, value) in &meta.attributes {
            attributes.insert(name, value.clone());
        }

        let mut xml = XmlWriter::new();
        write_map(&mut xml, "Attributes", attributes.iter().map(|(name, value)| (*name, value.as_str())));
        Ok(xml.finish())
    }

    pub(super) fn set_topic_attributes(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic_arn = params.required("TopicArn")?;
        let name = params.required("AttributeName")?;
        let value = params.get("AttributeValue").unwrap_or_default();
        let topic = self.resolve_topic(context, "SetTopicAttributes", "TopicArn", topic_arn)?;

        if name == "Policy" {
            let policy = parse_topic_policy(value)?;
            topic.meta_mut().policy = policy;
            return Ok(String::new());
        }
        if name == "FifoTopic" {
            return Err(errors::invalid_parameter("AttributeName", "FifoTopic is set only when the topic is created"));
        }
        check_attribute(name, value, topic.fifo)?;
        topic.meta_mut().attributes.insert(name.to_owned(), value.to_owned());
        Ok(String::new())
    }

    pub(super) fn add_permission(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic_arn = params.required("TopicArn")?;
        let label = params.required("Label")?;
        let account_ids = params.strings("AWSAccountId")?;
        let actions = params.strings("ActionName")?;
        let topic = self.resolve_topic(context, "AddPermission", "TopicArn", topic_arn)?;

        check_label(label)?;
        if account_ids.is_empty() {
            return Err(errors::missing_parameter("AWSAccountId"));
        }
        if let Some(bad) = account_ids.iter().find(|id| !is_account_id(id) && id.as_str() != "*") {
            return Err(errors::invalid_parameter("AWSAccountId", &format!("{bad:?} is not a 12-digit account id")));
        }
        if actions.is_empty() {
            return Err(errors::missing_parameter("ActionName"));
        }
        if let Some(bad) = actions.iter().find(|action| !is_permission_action(action)) {
            return Err(errors::invalid_parameter(
                "ActionName",
                &format!("{bad:?} is not one of {} or *", CROSS_ACCOUNT_OPERATIONS.join(", ")),
            ));
        }

        let mut meta = topic.meta_mut();
        if meta.policy.policy.statements.iter().any(|statement| statement.sid.as_deref() == Some(label)) {
            return Err(errors::invalid_parameter(
                "Statement",
                &format!("a statement with label {label:?} already exists"),
            ));
        }
        let mut policy = meta.policy.policy.clone();
        policy.statements.push(permission_statement(label, &account_ids, &actions, &topic.arn));
        meta.policy = Arc::new(TopicPolicy { document: policy.to_json_string(), policy });
        Ok(String::new())
    }

    pub(super) fn remove_permission(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic_arn = params.required("TopicArn")?;
        let label = params.required("Label")?;
        let topic = self.resolve_topic(context, "RemovePermission", "TopicArn", topic_arn)?;

        let mut meta = topic.meta_mut();
        let mut policy = meta.policy.policy.clone();
        let before = policy.statements.len();
        policy.statements.retain(|statement| statement.sid.as_deref() != Some(label));
        if policy.statements.len() == before {
            // NOTE: unverified: AWS does not document the error for a label
            // that names no statement.
            return Err(errors::invalid_parameter("Label", &format!("no statement has the label {label:?}")));
        }
        meta.policy = Arc::new(TopicPolicy { document: policy.to_json_string(), policy });
        Ok(String::new())
    }

    pub(super) fn tag_resource(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic = self.resolve_tagged(context, "TagResource", params)?;
        let tags = read_tags(params)?;
        if tags.is_empty() {
            return Err(errors::missing_parameter("Tags"));
        }
        let mut meta = topic.meta_mut();
        let mut merged = meta.tags.clone();
        merged.extend(tags);
        check_tag_count(merged.len())?;
        meta.tags = merged;
        Ok(String::new())
    }

    pub(super) fn untag_resource(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic = self.resolve_tagged(context, "UntagResource", params)?;
        let keys = params.strings("TagKeys")?;
        if keys.is_empty() {
            return Err(errors::missing_parameter("TagKeys"));
        }
        let mut meta = topic.meta_mut();
        for key in &keys {
            meta.tags.remove(key);
        }
        Ok(String::new())
    }

    pub(super) fn list_tags_for_resource(&self, context: &RequestContext, params: &Params) -> AwsResult<String> {
        let topic = self.resolve_tagged(context, "ListTagsForResource", params)?;
        let tags = topic.meta().tags.clone();
        let mut xml = XmlWriter::new();
        xml.open("Tags");
        for (key, value) in &tags {
            xml.open("member").element("Key", key).element("Value", value).close("member");
        }
        xml.close("Tags");
        Ok(xml.finish())
    }

    /// Resolves the `ResourceArn` of a tagging operation; a missing topic is ResourceNotFound.
    fn resolve_tagged(&self, context: &RequestContext, operation: &str, params: &Params) -> AwsResult<Arc<Topic>> {
        let resource_arn = params.required("ResourceArn")?;
        let address =
            parse_topic_arn(resource_arn).map_err(|_| errors::invalid_address("ResourceArn", resource_arn))?;
        self.check_region(context, &address.namespace, "ResourceArn", resource_arn)?;
        let topic = self.find_topic(&address);
        self.authorize(context, operation, &address.topic_arn(), &address.namespace, topic.as_deref())?;
        topic.ok_or_else(|| errors::resource_not_found(resource_arn))
    }
}

/// Builds the policy AWS gives a new topic: every account principal may
/// call the eight topic actions, on the condition that `AWS:SourceOwner` is
/// the owner's account
/// (<https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html>).
fn default_policy(topic_arn: &str, account_id: &str) -> Arc<TopicPolicy> {
    let actions: Vec<String> =
        CROSS_ACCOUNT_OPERATIONS.iter().map(|operation| format!("\"SNS:{operation}\"")).collect();
    let document = format!(
        r#"{{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":[{}],"Resource":"{topic_arn}","Condition":{{"StringEquals":{{"AWS:SourceOwner":"{account_id}"}}}}}}]}}"#,
        actions.join(",")
    );
    let policy = Policy::parse(&document, crosscheck_policy::PolicyType::Resource)
        .unwrap_or_else(|error| unreachable!("the default topic policy parses: {error}"));
    Arc::new(TopicPolicy { document, policy })
}

/// Checks one settable attribute and its value.
fn check_attribute(name: &str, value: &str, fifo: bool) -> AwsResult<()> {
    check_xml_text(name, value)?;
    if let Some(is_sample_rate) = delivery_status_attribute(name) {
        return check_delivery_status_attribute(name, value, is_sample_rate);
    }
    if !SETTABLE_ATTRIBUTES.contains(&name) {
        return Err(errors::invalid_parameter(
            "AttributeName",
            &format!("{name:?} is not a topic attribute SNS lets you set"),
        ));
    }
    if FIFO_ONLY_ATTRIBUTES.contains(&name) && !fifo {
        return Err(errors::invalid_parameter(name, "the attribute applies only to FIFO topics"));
    }
    let valid = match name {
        "ContentBasedDeduplication" => matches!(value, "true" | "false"),
        "SignatureVersion" => matches!(value, "1" | "2"),
        "TracingConfig" => matches!(value, "PassThrough" | "Active"),
        "FifoThroughputScope" => matches!(value, "Topic" | "MessageGroup"),
        "DisplayName" => value.chars().count() <= 100,
        // From 1 KiB to 1 MiB (<https://docs.aws.amazon.com/sns/latest/dg/large-message-payloads.html>).
        "MaximumMessageSize" => value.parse::<u32>().is_ok_and(|size| (1_024..=1_048_576).contains(&size)),
        "DeliveryPolicy" | "ArchivePolicy" | "DataProtectionPolicy" => {
            value.is_empty() || serde_json::from_str::<serde_json::Value>(value).is_ok_and(|v| v.is_object())
        }
        _ => true,
    };
    if !valid {
        return Err(errors::invalid_parameter(name, &format!("{value:?} is not a valid value for {name}")));
    }
    Ok(())
}

/// Checks a delivery status attribute: a sample rate is an integer from 0
/// to 100, and a feedback role is an IAM role ARN or empty.
fn check_delivery_status_attribute(name: &str, value: &str, is_sample_rate: bool) -> AwsResult<()> {
    let valid = if is_sample_rate {
        value.parse::<u8>().is_ok_and(|rate| rate <= 100)
    } else {
        value.is_empty() || value.parse::<Arn>().is_ok_and(|arn| arn.service == "iam")
    };
    if !valid {
        let expected = if is_sample_rate { "an integer from 0 to 100" } else { "an IAM role ARN" };
        return Err(errors::invalid_parameter(name, &format!("{value:?} is not {expected}")));
    }
    Ok(())
}

/// Reads `Tags.member.N.Key` / `.Value` and checks each tag
/// (keys of 1 to 128 characters, values of up to 256).
fn read_tags(params: &Params) -> AwsResult<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    for member in params.members("Tags")? {
        let key = member.get("Key").unwrap_or_default();
        let value = member.get("Value").unwrap_or_default();
        check_xml_text("Tags", key)?;
        check_xml_text("Tags", value)?;
        if key.is_empty() || key.chars().count() > 128 {
            return Err(errors::invalid_parameter("Tags", &format!("the tag key {key:?} is not 1 to 128 characters")));
        }
        if key.starts_with("aws:") {
            return Err(errors::invalid_parameter(
                "Tags",
                &format!("the tag key {key:?} uses the reserved prefix aws:"),
            ));
        }
        if value.chars().count() > 256 {
            return Err(errors::invalid_parameter("Tags", &format!("the value of tag {key:?} is over 256 characters")));
        }
        if tags.insert(key.to_owned(), value.to_owned()).is_some() {
            return Err(errors::invalid_parameter("Tags", &format!("the tag key {key:?} is given twice")));
        }
    }
    Ok(tags)
}

fn check_tag_count(count: usize) -> AwsResult<()> {
    if count > MAX_TAGS {
        return Err(errors::tag_limit_exceeded(count, MAX_TAGS));
    }
    Ok(())
}

/// Checks that a repeated CreateTopic requests the topic that exists.
fn check_same_topic(
    topic: &Topic,
    fifo: bool,
    attributes: &BTreeMap<String, String>,
    policy: Option<&str>,
    tags: &BTreeMap<String, String>,
) -> AwsResult<()> {
    let meta = topic.meta();
    let same_attributes = topic.fifo == fifo
        && attributes.iter().all(|(name, value)| meta.attributes.get(name) == Some(value))
        && policy.is_none_or(|document| document == meta.policy.document);
    if !same_attributes {
        return Err(errors::invalid_parameter("Attributes", "Topic already exists with different attributes"));
    }
    if !tags.is_empty() && *tags != meta.tags {
        return Err(errors::invalid_parameter("Tags", "Topic already exists with different tags"));
    }
    Ok(())
}

/// Checks an AddPermission label: 1 to 80 letters, digits, hyphens and underscores.
fn check_label(label: &str) -> AwsResult<()> {
    let valid = !label.is_empty()
        && label.len() <= 80
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid {
        return Err(errors::invalid_parameter(
            "Label",
            &format!("{label:?} is not 1 to 80 letters, digits, hyphens and underscores"),
        ));
    }
    Ok(())
}

fn is_permission_action(action: &str) -> bool {
    action == "*" || CROSS_ACCOUNT_OPERATIONS.contains(&action)
}

/// Builds the statement AddPermission adds: `Sid` is the label, the
/// principals are the accounts' root users, and each action is `SNS:NAME`
/// on the topic (<https://docs.aws.amazon.com/sns/latest/api/API_AddPermission.html>).
fn permission_statement(label: &str, account_ids: &[String], actions: &[String], topic_arn: &str) -> Statement {
    let principals = PrincipalSet {
        aws: account_ids
            .iter()
            .map(|id| if id == "*" { id.clone() } else { format!("arn:aws:iam::{id}:root") })
            .collect(),
        ..PrincipalSet::default()
    };
    Statement {
        sid: Some(label.to_owned()),
        effect: Effect::Allow,
        principal: Some(PrincipalClause::Principal(Principals::Set(principals))),
        action: ActionClause::Action(actions.iter().map(|action| format!("SNS:{action}")).collect()),
        resource: Some(ResourceClause::Resource(vec![topic_arn.to_owned()])),
        conditions: Vec::new(),
    }
}
