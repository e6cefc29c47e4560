//! Amazon SQS over awsJson1_0 and awsQuery
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/Welcome.html>).
//!
//! A call flows in six steps:
//!
//! 1. decode the input (a JSON body, or form parameters through the
//!    operation's [`model::OperationShape`]) into one typed struct;
//! 2. resolve the queue URL to its owning namespace with [`crate::arn::parse_queue_url`];
//! 3. ask [`crate::access::AccessRules::decide`];
//! 4. validate the whole input;
//! 5. change state;
//! 6. encode the typed output as JSON or as awsQuery XML.
//!
//! Module map: [`model`] (inputs, outputs, query shapes), [`shape`] (query
//! decoding and XML encoding), [`errors`] (every SQS error), [`attributes`]
//! (queue attributes), [`policy`] (queue policies), [`message`] (message
//! validation and MD5 digests),
//! [`store`] (one queue's messages), [`queue`] (queues and registries), and the
//! operations in [`queues`], [`messages`], [`permissions`] and [`move_tasks`];
//! [`delivery`] takes messages from SNS topics.

pub mod attributes;
pub mod delivery;
pub mod errors;
pub mod message;
pub mod messages;
pub mod model;
pub mod move_tasks;
pub mod permissions;
pub mod policy;
pub mod queue;
pub mod queues;
pub mod shape;
pub mod store;

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crosscheck_policy::Policy;

use crate::access::{AccessRequest, AccessRules, Denial, Profile};
use crate::arn::{QueueUrlStrategy, parse_queue_url};
use crate::config::Config;
use crate::error::{AwsError, AwsResult};
use crate::http::aws_query::XmlWriter;
use crate::http::{HttpResponse, Protocol, RequestContext, ServiceCall, aws_json, aws_query};
use crate::services::{ResponseFuture, Service};
use crate::store::{Namespace, Namespaces};

use model::OperationShape;
use queue::{Queue, QueueRegistry};

/// The XML namespace of awsQuery responses.
pub const XML_NAMESPACE: &str = "http://queue.amazonaws.com/doc/2012-11-05/";

/// Actions SQS never lets a queue policy grant to another account
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limitations-of-custom-policies.html>).
pub const NOT_GRANTABLE_ACROSS_ACCOUNTS: &[&str] = &[
    "AddPermission",
    "CancelMessageMoveTask",
    "CreateQueue",
    "DeleteQueue",
    "ListMessageMoveTasks",
    "ListQueues",
    "ListQueueTags",
    "RemovePermission",
    "SetQueueAttributes",
    "StartMessageMoveTask",
    "TagQueue",
    "UntagQueue",
];

/// The SQS service: its settings and every namespace's queues.
pub struct Sqs {
    access: AccessRules,
    queue_url_strategy: QueueUrlStrategy,
    /// The host name and port queue URLs advertise.
    advertised_host: String,
    /// Shared with the message move tasks that run in the background.
    namespaces: Arc<Namespaces<QueueRegistry>>,
    #[cfg(feature = "planted-faults")]
    planted_fault: Option<crate::config::PlantedFault>,
}

impl Sqs {
    pub fn new(config: &Config, advertised_host: String) -> Sqs {
        Sqs {
            access: config.access,
            queue_url_strategy: config.queue_url_strategy,
            advertised_host,
            namespaces: Arc::default(),
            #[cfg(feature = "planted-faults")]
            planted_fault: config.planted_fault,
        }
    }

    async fn dispatch(&self, context: &RequestContext, call: &ServiceCall) -> AwsResult<HttpResponse> {
        macro_rules! serve {
            ($shape:expr, $handler:ident) => {{
                let input = decode(call, &$shape)?;
                let output = self.$handler(context, input)?;
                encode(call, context, &$shape, &output)
            }};
        }

        let response = match call.operation.as_str() {
            "CreateQueue" => serve!(model::CREATE_QUEUE, create_queue),
            "GetQueueUrl" => serve!(model::GET_QUEUE_URL, get_queue_url),
            "ListQueues" => serve!(model::LIST_QUEUES, list_queues),
            "DeleteQueue" => serve!(model::DELETE_QUEUE, delete_queue),
            "GetQueueAttributes" => serve!(model::GET_QUEUE_ATTRIBUTES, get_queue_attributes),
            "SetQueueAttributes" => serve!(model::SET_QUEUE_ATTRIBUTES, set_queue_attributes),
            "PurgeQueue" => serve!(model::PURGE_QUEUE, purge_queue),
            "TagQueue" => serve!(model::TAG_QUEUE, tag_queue),
            "UntagQueue" => serve!(model::UNTAG_QUEUE, untag_queue),
            "ListQueueTags" => serve!(model::LIST_QUEUE_TAGS, list_queue_tags),
            "ListDeadLetterSourceQueues" => {
                serve!(model::LIST_DEAD_LETTER_SOURCE_QUEUES, list_dead_letter_source_queues)
            }
            "AddPermission" => serve!(model::ADD_PERMISSION, add_permission),
            "RemovePermission" => serve!(model::REMOVE_PERMISSION, remove_permission),
            "SendMessage" => serve!(model::SEND_MESSAGE, send_message),
            "SendMessageBatch" => serve!(model::SEND_MESSAGE_BATCH, send_message_batch),
            "DeleteMessage" => serve!(model::DELETE_MESSAGE, delete_message),
            "DeleteMessageBatch" => serve!(model::DELETE_MESSAGE_BATCH, delete_message_batch),
            "ChangeMessageVisibility" => serve!(model::CHANGE_MESSAGE_VISIBILITY, change_message_visibility),
            "ChangeMessageVisibilityBatch" => {
                serve!(model::CHANGE_MESSAGE_VISIBILITY_BATCH, change_message_visibility_batch)
            }
            "StartMessageMoveTask" => serve!(model::START_MESSAGE_MOVE_TASK, start_message_move_task),
            "CancelMessageMoveTask" => serve!(model::CANCEL_MESSAGE_MOVE_TASK, cancel_message_move_task),
            "ListMessageMoveTasks" => serve!(model::LIST_MESSAGE_MOVE_TASKS, list_message_move_tasks),
            "ReceiveMessage" => {
                let input = decode(call, &model::RECEIVE_MESSAGE)?;
                let output = self.receive_message(context, input).await?;
                encode(call, context, &model::RECEIVE_MESSAGE, &output)
            }
            other => return Err(AwsError::invalid_action(other, "sqs")),
        };
        Ok(response)
    }

    /// Formats the URL of queue `name` in `namespace`, as this emulator advertises it.
    fn queue_url(&self, namespace: &Namespace, name: &str) -> String {
        crate::arn::format_queue_url(self.queue_url_strategy, &self.advertised_host, namespace, name)
    }

    fn caller_namespace(context: &RequestContext) -> Namespace {
        Namespace::new(&context.caller.account_id, &context.caller.region)
    }

    /// Asks the access rules whether the caller may run `operation` on the
    /// resource `arn` in `namespace`, and maps a refusal to SQS's error.
    /// A queue in another region is reported as QueueDoesNotExist for `address`.
    fn authorize(
        &self,
        context: &RequestContext,
        operation: &str,
        arn: &str,
        namespace: &Namespace,
        policy: Option<&Policy>,
        address: &str,
    ) -> AwsResult<()> {
        // NOTE: AWS does not document this case. Each region is its own
        // endpoint and looks the queue up in its own region, and a user
        // report (github.com/danvk/mapsnap pull request 436) shows
        // AWS.SimpleQueueService.NonExistentQueue for a URL of another region.
        self.authorize_or(context, operation, arn, namespace, policy, || errors::queue_does_not_exist(address))
    }

    /// Checks access like [`Sqs::authorize`], but reports a resource in
    /// another region with the error `other_region` builds.
    fn authorize_or(
        &self,
        context: &RequestContext,
        operation: &str,
        arn: &str,
        namespace: &Namespace,
        policy: Option<&Policy>,
        other_region: impl FnOnce() -> AwsError,
    ) -> AwsResult<()> {
        let request = AccessRequest {
            caller: &context.caller,
            action: iam_action(operation),
            resource_arn: arn,
            resource_namespace: namespace,
            grantable_across_accounts: !NOT_GRANTABLE_ACROSS_ACCOUNTS.contains(&operation),
            resource_policy: policy,
            source_ip: context.source_ip,
            service_source: None,
            service_authorization: None,
        };
        self.access.decide(&request).map_err(|denial| match denial {
            Denial::NotGrantableAcrossAccounts | Denial::ImplicitDeny | Denial::ExplicitDeny => {
                errors::access_denied(denial.message(&request))
            }
            Denial::OtherRegion => other_region(),
        })
    }

    /// Resolves the queue a request names, checks access, and returns it.
    ///
    /// The URL's account and region decide the namespace; a URL without a
    /// region (strategy `off`) means the caller's region. When the input has
    /// no `QueueUrl`, a request posted to the queue's own path
    /// (`/ACCOUNT/NAME` or `/queue/REGION/ACCOUNT/NAME`), as older awsQuery
    /// clients do, names the queue by host and path.
    fn resolve_queue(&self, context: &RequestContext, operation: &str, queue_url: Option<&str>) -> AwsResult<Arc<Queue>> {
        let from_path;
        let queue_url = match queue_url {
            Some(url) => url,
            None if context.path.len() > 1 => {
                from_path = format!("http://{}{}", context.host, context.path);
                &from_path
            }
            None => return Err(errors::missing_parameter("QueueUrl")),
        };

        let address = parse_queue_url(queue_url).map_err(|error| errors::invalid_address(queue_url, error.reason))?;
        #[cfg(feature = "planted-faults")]
        if let Some(queue) = self.planted_same_named_queue(context, operation, &address) {
            return Ok(queue);
        }
        let region = address.region.as_deref().unwrap_or(&context.caller.region);
        let namespace = Namespace::new(&address.account_id, region);
        let queue = self
            .namespaces
            .get(&namespace)
            .and_then(|registry| registry.get(&address.queue_name));

        // The ARN of a queue that does not exist is built only for the access question.
        let missing_arn;
        let arn = match &queue {
            Some(queue) => queue.arn.as_str(),
            None => {
                missing_arn = format!("arn:aws:sqs:{region}:{}:{}", address.account_id, address.queue_name);
                missing_arn.as_str()
            }
        };
        let policy = self.queue_policy(queue.as_deref());
        self.authorize(context, operation, arn, &namespace, policy.as_ref().map(|p| &p.policy), queue_url)?;

        queue.ok_or_else(|| errors::queue_does_not_exist(queue_url))
    }

    /// Returns the caller's own queue of the addressed name when the planted
    /// fault [`crate::config::PlantedFault::SqsAnswersCallersSameNamedQueue`]
    /// is on and the URL names another account.
    #[cfg(feature = "planted-faults")]
    fn planted_same_named_queue(
        &self,
        context: &RequestContext,
        operation: &str,
        address: &crate::arn::QueueAddress,
    ) -> Option<Arc<Queue>> {
        let planted = self.planted_fault == Some(crate::config::PlantedFault::SqsAnswersCallersSameNamedQueue);
        if !planted || operation != "GetQueueAttributes" || address.account_id == context.caller.account_id {
            return None;
        }
        let own = Self::caller_namespace(context);
        self.namespaces.get(&own).and_then(|registry| registry.get(&address.queue_name))
    }

    /// Resolves the queue an ARN in member `parameter` names, checks access,
    /// and returns it. The ARN's account and region decide the namespace, as
    /// [`crate::arn::Arn::namespace`] reads them. A missing queue, or one in
    /// another region, is ResourceNotFoundException.
    fn resolve_queue_arn(
        &self,
        context: &RequestContext,
        operation: &str,
        parameter: &str,
        arn_text: &str,
    ) -> AwsResult<Arc<Queue>> {
        let not_found = || errors::resource_not_found(parameter, arn_text);
        let arn: crate::arn::Arn = arn_text
            .parse()
            .map_err(|error: crate::arn::ArnError| errors::invalid_parameter(parameter, arn_text, error.reason))?;
        let namespace = arn.namespace().filter(|_| arn.service == "sqs" && !arn.resource.contains([':', '/']));
        let Some(namespace) = namespace else {
            return Err(errors::invalid_parameter(
                parameter,
                arn_text,
                "the ARN must name an SQS queue: arn:aws:sqs:REGION:ACCOUNT:QUEUE",
            ));
        };

        let queue = self.namespaces.get(&namespace).and_then(|registry| registry.get(&arn.resource));
        let policy = self.queue_policy(queue.as_deref());
        self.authorize_or(context, operation, arn_text, &namespace, policy.as_ref().map(|p| &p.policy), not_found)?;
        queue.ok_or_else(not_found)
    }

    /// Returns the queue's parsed policy for an access decision, or `None`
    /// without taking the queue's lock when the profile evaluates no policies.
    fn queue_policy(&self, queue: Option<&Queue>) -> Option<Arc<policy::QueuePolicy>> {
        if !self.access.evaluates_policies() {
            return None;
        }
        queue.and_then(|queue| queue.meta().settings.policy.clone())
    }

    /// Applies the `aws` profile's rule to a `Policy` among `changes`: a
    /// policy may not grant another account an action SQS never grants across
    /// accounts (see [`policy::check_grantable`]).
    fn check_policy_grants(&self, changes: &[attributes::Change], owner_account: &str) -> AwsResult<()> {
        if self.access.effective_profile() != Profile::Aws {
            return Ok(());
        }
        for change in changes {
            if let attributes::Change::Policy(Some(queue_policy)) = change {
                policy::check_grantable(&queue_policy.policy, owner_account)?;
            }
        }
        Ok(())
    }

    /// Looks up a queue by ARN, for dead-letter targets. No access check: the
    /// redrive policy was checked when it was set.
    fn queue_by_arn(&self, arn: &crate::arn::Arn) -> Option<Arc<Queue>> {
        let namespace = arn.namespace()?;
        self.namespaces.get(&namespace)?.get(&arn.resource)
    }

    fn reject(&self, context: &RequestContext, call: &ServiceCall, error: &AwsError) -> HttpResponse {
        tracing::debug!(
            operation = %call.operation,
            account = %context.caller.account_id,
            region = %context.caller.region,
            code = %error.code,
            "rejected SQS request"
        );
        match call.protocol {
            Protocol::AwsQuery => aws_query::error_response(error, &context.request_id),
            protocol => aws_json::error_response(error, protocol, true, &context.request_id),
        }
    }
}

/// The IAM actions of the SQS operations the emulator serves.
const IAM_ACTIONS: &[&str] = &[
    "sqs:AddPermission",
    "sqs:CancelMessageMoveTask",
    "sqs:ChangeMessageVisibility",
    "sqs:CreateQueue",
    "sqs:DeleteMessage",
    "sqs:DeleteQueue",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ListDeadLetterSourceQueues",
    "sqs:ListMessageMoveTasks",
    "sqs:ListQueues",
    "sqs:ListQueueTags",
    "sqs:PurgeQueue",
    "sqs:ReceiveMessage",
    "sqs:RemovePermission",
    "sqs:SendMessage",
    "sqs:SetQueueAttributes",
    "sqs:StartMessageMoveTask",
    "sqs:TagQueue",
    "sqs:UntagQueue",
];

/// Returns the IAM action an operation needs. Batch operations need the
/// permission of their single-message form
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html>).
/// An operation outside the list needs `sqs:*`, which only a full grant covers.
fn iam_action(operation: &str) -> &'static str {
    let base = operation.strip_suffix("Batch").unwrap_or(operation);
    IAM_ACTIONS
        .iter()
        .find(|action| action.strip_prefix("sqs:") == Some(base))
        .copied()
        .unwrap_or("sqs:*")
}

fn decode<I: DeserializeOwned>(call: &ServiceCall, shape: &OperationShape) -> AwsResult<I> {
    match call.protocol {
        Protocol::AwsQuery => {
            let value = shape::decode_query(&call.params, shape.input)?;
            serde_json::from_value(value)
                .map_err(|error| AwsError::invalid_parameter_value(format!("Invalid {} request: {error}.", shape.name)))
        }
        _ => aws_json::decode_input(&call.body),
    }
}

fn encode<O: Serialize>(call: &ServiceCall, context: &RequestContext, shape: &OperationShape, output: &O) -> HttpResponse {
    match call.protocol {
        Protocol::AwsQuery => {
            let mut xml = XmlWriter::new();
            let written = serde_json::to_value(output)
                .map_err(|error| AwsError::internal(format!("The response could not be encoded: {error}.")))
                .and_then(|value| shape::write_xml(&mut xml, shape.output, &value));
            match written {
                Ok(()) => aws_query::ok_response(shape.name, XML_NAMESPACE, &xml.finish(), &context.request_id),
                Err(error) => aws_query::error_response(&error, &context.request_id),
            }
        }
        protocol => aws_json::ok_response(output, protocol, &context.request_id),
    }
}

impl Service for Sqs {
    fn signing_name(&self) -> &'static str {
        "sqs"
    }

    fn json_target_prefix(&self) -> Option<&'static str> {
        Some("AmazonSQS")
    }

    fn has_operation(&self, operation: &str) -> bool {
        model::OPERATIONS.iter().any(|shape| shape.name == operation)
    }

    fn call<'a>(&'a self, context: &'a RequestContext, call: ServiceCall) -> ResponseFuture<'a> {
        Box::pin(async move {
            match self.dispatch(context, &call).await {
                Ok(response) => response,
                Err(error) => self.reject(context, &call, &error),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_operations_need_single_message_action() {
        assert_eq!(iam_action("SendMessageBatch"), "sqs:SendMessage");
        assert_eq!(iam_action("ChangeMessageVisibilityBatch"), "sqs:ChangeMessageVisibility");
        assert_eq!(iam_action("GetQueueUrl"), "sqs:GetQueueUrl");
        for shape in model::OPERATIONS {
            assert_ne!(iam_action(shape.name), "sqs:*", "{} has an IAM action", shape.name);
        }
    }
}
