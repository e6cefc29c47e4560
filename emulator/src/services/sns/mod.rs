//! Amazon SNS over awsQuery, with real delivery into SQS queues and Lambda functions
//! (<https://docs.aws.amazon.com/sns/latest/api/welcome.html>).
//!
//! A call flows as in every service: read the form parameters ([`params`]),
//! resolve the topic or subscription ARN to its namespace
//! ([`crate::arn::parse_topic_arn`]), ask [`crate::access::AccessRules::decide`]
//! with the topic policy, validate the whole input, change state, and write
//! the XML result.
//!
//! Access follows the profile:
//!
//! - The eight operations SNS lets a topic policy grant to another account
//!   (AddPermission, DeleteTopic, GetTopicAttributes,
//!   ListSubscriptionsByTopic, Publish, RemovePermission, SetTopicAttributes,
//!   Subscribe) work across accounts by topic ARN under `localstack`; under
//!   `aws` and `localstack-enforce-iam` the topic policy decides. The
//!   default topic policy allows only the owner's account, through the
//!   `AWS:SourceOwner` condition
//!   (<https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html>).
//!   A denial is AuthorizationError (403).
//! - Every other operation acts only on the caller's own topics and subscriptions.
//! - Under `aws`, a topic ARN of another region is `InvalidParameter`
//!   (`Invalid parameter: TopicArn`), because each regional endpoint serves
//!   only its own topics. AWS does not document this; users report that
//!   answer for Publish and Subscribe against the wrong region
//!   (<https://github.com/boto/boto3/issues/646>,
//!   <https://github.com/boto/boto3/issues/1084>,
//!   <https://github.com/mozilla/security/issues/8>).
//!
//! Module map: [`params`] (query decoding), [`errors`], [`topic`] (state),
//! [`filter`] (filter policies), and the operations in [`topics`],
//! [`subscriptions`] and [`publish`].

pub mod errors;
pub mod filter;
pub mod params;
pub mod publish;
pub mod subscriptions;
pub mod topic;
pub mod topics;

use std::sync::Arc;

use crosscheck_policy::Context;

use crate::access::{AccessRequest, AccessRules, Denial, Profile, ServiceAuthorization};
use crate::arn::{TopicAddress, parse_subscription_arn, parse_topic_arn};
use crate::config::Config;
use crate::error::{AwsError, AwsResult};
use crate::http::aws_query::{self, XmlWriter};
use crate::http::{HttpResponse, Protocol, RequestContext, ServiceCall};
use crate::services::lambda::Lambda;
use crate::services::sqs::Sqs;
use crate::services::{ResponseFuture, Service};
use crate::store::{Namespace, Namespaces};

use params::Params;
use topic::{Subscription, Topic, TopicPolicy, TopicRegistry};

/// The XML namespace of SNS responses.
pub const XML_NAMESPACE: &str = "http://sns.amazonaws.com/doc/2010-03-31/";

/// The operations a topic policy can grant to another account, as
/// LocalStack documents them for cross-account access
/// (<https://docs.localstack.cloud/references/cross-account-access/>) and as
/// the default topic policy lists them.
pub const CROSS_ACCOUNT_OPERATIONS: &[&str] = &[
    "AddPermission",
    "DeleteTopic",
    "GetTopicAttributes",
    "ListSubscriptionsByTopic",
    "Publish",
    "RemovePermission",
    "SetTopicAttributes",
    "Subscribe",
];

/// Every operation the service serves.
pub const OPERATIONS: &[&str] = &[
    "AddPermission",
    "ConfirmSubscription",
    "CreateTopic",
    "DeleteTopic",
    "GetSubscriptionAttributes",
    "GetTopicAttributes",
    "ListSubscriptions",
    "ListSubscriptionsByTopic",
    "ListTagsForResource",
    "ListTopics",
    "Publish",
    "PublishBatch",
    "RemovePermission",
    "SetSubscriptionAttributes",
    "SetTopicAttributes",
    "Subscribe",
    "TagResource",
    "Unsubscribe",
    "UntagResource",
];

/// Operations without output whose response still contains an empty
/// `<{Operation}Result>` element, because the SNS model gives their empty
/// output a result wrapper (botocore 1.43.11 `sns/2010-03-31/service-2.json`).
const EMPTY_WRAPPED_RESULTS: &[&str] = &["TagResource", "UntagResource"];

/// The maximum number of items one List call returns: 100 topics, or 100 subscriptions
/// (<https://docs.aws.amazon.com/sns/latest/api/API_ListTopics.html>).
pub const PAGE_SIZE: usize = 100;

/// The SNS service: its settings, every namespace's topics, and the SQS
/// service it delivers into.
pub struct Sns {
    access: AccessRules,
    /// The host name and port the URLs in messages point at.
    advertised_host: String,
    namespaces: Namespaces<TopicRegistry>,
    sqs: Arc<Sqs>,
    lambda: Arc<Lambda>,
}

impl Sns {
    pub fn new(config: &Config, advertised_host: String, sqs: Arc<Sqs>, lambda: Arc<Lambda>) -> Sns {
        Sns { access: config.access, advertised_host, namespaces: Namespaces::default(), sqs, lambda }
    }

    fn dispatch(&self, context: &RequestContext, operation: &str, params: &Params) -> AwsResult<String> {
        match operation {
            "CreateTopic" => self.create_topic(context, params),
            "DeleteTopic" => self.delete_topic(context, params),
            "ListTopics" => self.list_topics(context, params),
            "GetTopicAttributes" => self.get_topic_attributes(context, params),
            "SetTopicAttributes" => self.set_topic_attributes(context, params),
            "AddPermission" => self.add_permission(context, params),
            "RemovePermission" => self.remove_permission(context, params),
            "TagResource" => self.tag_resource(context, params),
            "UntagResource" => self.untag_resource(context, params),
            "ListTagsForResource" => self.list_tags_for_resource(context, params),
            "Subscribe" => self.subscribe(context, params),
            "ConfirmSubscription" => self.confirm_subscription(context, params),
            "Unsubscribe" => self.unsubscribe(context, params),
            "ListSubscriptions" => self.list_subscriptions(context, params),
            "ListSubscriptionsByTopic" => self.list_subscriptions_by_topic(context, params),
            "GetSubscriptionAttributes" => self.get_subscription_attributes(context, params),
            "SetSubscriptionAttributes" => self.set_subscription_attributes(context, params),
            "Publish" => self.publish(context, params),
            "PublishBatch" => self.publish_batch(context, params),
            other => Err(AwsError::invalid_action(other, "sns")),
        }
    }

    fn caller_namespace(context: &RequestContext) -> Namespace {
        Namespace::new(&context.caller.account_id, &context.caller.region)
    }

    /// Under `aws`, rejects an ARN of another region than the endpoint's.
    fn check_region(
        &self,
        context: &RequestContext,
        namespace: &Namespace,
        parameter: &str,
        value: &str,
    ) -> AwsResult<()> {
        if self.access.effective_profile() == Profile::Aws && namespace.region != context.caller.region {
            return Err(errors::invalid_address(parameter, value));
        }
        Ok(())
    }

    /// Resolves the topic ARN in member `parameter`, checks access for
    /// `operation`, and returns the topic.
    fn resolve_topic(
        &self,
        context: &RequestContext,
        operation: &str,
        parameter: &str,
        value: &str,
    ) -> AwsResult<Arc<Topic>> {
        let address = parse_topic_arn(value).map_err(|_| errors::invalid_address(parameter, value))?;
        self.check_region(context, &address.namespace, parameter, value)?;
        let topic = self.find_topic(&address);
        self.authorize(context, operation, &address.topic_arn(), &address.namespace, topic.as_deref())?;
        topic.ok_or_else(|| errors::topic_not_found(value))
    }

    fn find_topic(&self, address: &TopicAddress) -> Option<Arc<Topic>> {
        self.namespaces.get(&address.namespace).and_then(|registry| registry.get(&address.topic_name))
    }

    /// Resolves a subscription ARN. Only the subscription's owner and the
    /// topic's owner may act on a subscription, under every profile.
    fn resolve_subscription(
        &self,
        context: &RequestContext,
        operation: &str,
        value: &str,
    ) -> AwsResult<(Arc<Topic>, Arc<Subscription>)> {
        let address = parse_subscription_arn(value).map_err(|_| errors::invalid_address("SubscriptionArn", value))?;
        self.check_region(context, &address.namespace, "SubscriptionArn", value)?;
        let found = self
            .find_topic(&address)
            .and_then(|topic| topic.subscription(value).map(|subscription| (topic, subscription)));
        let Some((topic, subscription)) = found else {
            return Err(errors::subscription_not_found(value));
        };

        let caller = &context.caller.account_id;
        if *caller == subscription.owner || *caller == topic.namespace.account_id {
            return Ok((topic, subscription));
        }
        Err(self.foreign_resource_error(context, operation, value, || errors::subscription_not_found(value)))
    }

    /// Builds the error for an operation on another account's resource that
    /// only its owner may perform: NotFound under `localstack`, which looks in
    /// the caller's own namespace, and AuthorizationError otherwise.
    fn foreign_resource_error(
        &self,
        context: &RequestContext,
        operation: &str,
        arn: &str,
        not_found: impl FnOnce() -> AwsError,
    ) -> AwsError {
        if self.access.effective_profile() == Profile::Localstack {
            return not_found();
        }
        errors::authorization_error(format!(
            "User: {} is not authorized to perform: SNS:{operation} on resource: {arn} \
             because only the resource's own account may perform it",
            context.caller.principal_arn
        ))
    }

    /// Asks the access rules whether the caller may run `operation` on the
    /// topic `arn`, with the topic's policy when policies are evaluated.
    fn authorize(
        &self,
        context: &RequestContext,
        operation: &str,
        arn: &str,
        namespace: &Namespace,
        topic: Option<&Topic>,
    ) -> AwsResult<()> {
        let crosses_account = namespace.account_id != context.caller.account_id;
        if crosses_account && !CROSS_ACCOUNT_OPERATIONS.contains(&operation) {
            return Err(self.foreign_resource_error(context, operation, arn, || errors::topic_not_found(arn)));
        }

        let policy = match topic {
            Some(topic) if self.access.evaluates_policies() => Some(topic.meta().policy.clone()),
            _ => None,
        };
        // The default topic policy names the owner through `AWS:SourceOwner`,
        // which for a direct call is the caller's account.
        let authorization = ServiceAuthorization {
            context: Context::new().with("aws:SourceOwner", context.caller.account_id.as_str()),
            ..ServiceAuthorization::default()
        };
        let action = format!("sns:{operation}");
        let request = AccessRequest {
            caller: &context.caller,
            action: &action,
            resource_arn: arn,
            resource_namespace: namespace,
            grantable_across_accounts: true,
            resource_policy: policy.as_ref().map(|p| &p.policy),
            source_ip: context.source_ip,
            service_source: None,
            service_authorization: Some(&authorization),
        };
        self.access.decide(&request).map_err(|denial| match denial {
            Denial::OtherRegion => errors::invalid_address("TopicArn", arn),
            denial => errors::authorization_error(denial.message(&request)),
        })
    }

    fn reject(&self, context: &RequestContext, call: &ServiceCall, error: &AwsError) -> HttpResponse {
        tracing::debug!(
            operation = %call.operation,
            account = %context.caller.account_id,
            region = %context.caller.region,
            code = %error.code,
            "rejected SNS request"
        );
        aws_query::error_response(error, &context.request_id)
    }
}

/// Writes a string map as `<name><entry><key/><value/></entry>...</name>`.
fn write_map<'a>(xml: &mut XmlWriter, name: &str, entries: impl IntoIterator<Item = (&'a str, &'a str)>) {
    xml.open(name);
    for (key, value) in entries {
        xml.open("entry").element("key", key).element("value", value).close("entry");
    }
    xml.close(name);
}

/// Builds the parsed form of a topic policy document, mapping a parse error
/// to InvalidParameter on member `Policy`.
fn parse_topic_policy(document: &str) -> AwsResult<Arc<TopicPolicy>> {
    let policy = crosscheck_policy::Policy::parse(document, crosscheck_policy::PolicyType::Resource)
        .map_err(|error| errors::invalid_parameter("Policy", &error.to_string()))?;
    Ok(Arc::new(TopicPolicy { document: document.to_owned(), policy }))
}

impl Service for Sns {
    fn signing_name(&self) -> &'static str {
        "sns"
    }

    fn json_target_prefix(&self) -> Option<&'static str> {
        None
    }

    fn has_operation(&self, operation: &str) -> bool {
        OPERATIONS.contains(&operation)
    }

    fn call<'a>(&'a self, context: &'a RequestContext, call: ServiceCall) -> ResponseFuture<'a> {
        Box::pin(async move {
            if call.protocol != Protocol::AwsQuery {
                let error = AwsError::unknown_service("SNS speaks only the awsQuery protocol");
                return self.reject(context, &call, &error);
            }
            let params = Params::new(call.params.clone());
            match self.dispatch(context, &call.operation, &params) {
                Ok(result) if EMPTY_WRAPPED_RESULTS.contains(&call.operation.as_str()) => {
                    aws_query::ok_response_with_result(&call.operation, XML_NAMESPACE, &result, &context.request_id)
                }
                Ok(result) => aws_query::ok_response(&call.operation, XML_NAMESPACE, &result, &context.request_id),
                Err(error) => self.reject(context, &call, &error),
            }
        })
    }
}
