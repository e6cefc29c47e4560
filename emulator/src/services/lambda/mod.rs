//! AWS Lambda over restJson1
//! (<https://docs.aws.amazon.com/lambda/latest/api/welcome.html>).
//!
//! restJson1 names the operation by method and path, such as
//! `GET /2015-03-31/functions/{FunctionName}/configuration`, so [`route`]
//! maps the pair to an [`Operation`] and its path labels. A function is
//! reached by name (the caller's namespace), partial ARN, full ARN or
//! qualified ARN ([`crate::arn::parse_function_address`]). Every call on a
//! function or layer goes through [`crate::access::AccessRules::decide`] with the
//! policy that AddPermission or AddLayerVersionPermission built.
//!
//! Module map: [`model`] (state), [`errors`] (wire errors), [`functions`]
//! (functions, versions, aliases, concurrency and tags), [`permissions`]
//! (function and layer policies), [`layers`], [`invoke`] and [`runtime`]
//! (running handlers as child processes behind the Runtime API),
//! [`concurrency`] (concurrency limits), [`pagination`] (list markers),
//! [`code_url`] (code download URLs), [`event_invoke`] (asynchronous
//! invocation with retries and destinations), [`topic_delivery`] (SNS
//! notifications to subscribed functions) and
//! [`zip`] (reading deployment packages).

pub mod code_url;
pub mod concurrency;
pub mod errors;
pub mod event_invoke;
pub mod functions;
pub mod invoke;
pub mod layers;
pub mod model;
pub mod pagination;
pub mod permissions;
pub mod runtime;
pub mod topic_delivery;
pub mod zip;

use std::sync::{Arc, Weak};

use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode, header};
use http_body_util::Full;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

use crate::access::{AccessRequest, AccessRules, Denial, Profile};
use crate::config::Config;
use crate::error::{AwsError, AwsResult};
use crate::http::{HttpResponse, RequestContext};
use crate::services::s3::S3;
use crate::services::sns::Sns;
use crate::services::sqs::Sqs;
use crate::store::{Namespace, Namespaces};

use model::{FunctionRegistry, LayerRegistry, StatementSet};

/// The Lambda operations that reach another account's function or layer by
/// ARN, as LocalStack lists them for cross-account access
/// (<https://docs.localstack.cloud/references/cross-account-access>). Under
/// the `aws` and `localstack-enforce-iam` profiles a resource policy must
/// also allow the call.
pub const CROSS_ACCOUNT_OPERATIONS: &[&str] = &[
    "AddLayerVersionPermission",
    "CreateAlias",
    "DeleteAlias",
    "DeleteFunction",
    "DeleteFunctionConcurrency",
    "DeleteLayerVersion",
    "GetAlias",
    "GetFunction",
    "GetFunctionConfiguration",
    "GetLayerVersion",
    "GetLayerVersionByArn",
    "GetLayerVersionPolicy",
    "GetPolicy",
    "Invoke",
    "ListAliases",
    "ListLayerVersions",
    "ListTags",
    "ListVersionsByFunction",
    "PublishVersion",
    "PutFunctionConcurrency",
    "RemoveLayerVersionPermission",
    "TagResource",
    "UntagResource",
    "UpdateAlias",
    "UpdateFunctionCode",
];

/// Largest request body the Lambda front door reads: a 50 MB zip file,
/// base64-encoded, with room for the rest of the JSON
/// (<https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>).
pub const MAX_REQUEST_BYTES: usize = 70 * 1024 * 1024;

/// A Lambda operation, found from the method and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    CreateFunction,
    ListFunctions,
    GetFunction,
    DeleteFunction,
    GetFunctionConfiguration,
    UpdateFunctionConfiguration,
    UpdateFunctionCode,
    Invoke,
    PublishVersion,
    ListVersionsByFunction,
    CreateAlias,
    ListAliases,
    GetAlias,
    UpdateAlias,
    DeleteAlias,
    AddPermission,
    GetPolicy,
    RemovePermission,
    PutFunctionConcurrency,
    GetFunctionConcurrency,
    DeleteFunctionConcurrency,
    TagResource,
    UntagResource,
    ListTags,
    ListLayers,
    GetLayerVersionByArn,
    PublishLayerVersion,
    ListLayerVersions,
    GetLayerVersion,
    DeleteLayerVersion,
    AddLayerVersionPermission,
    GetLayerVersionPolicy,
    RemoveLayerVersionPermission,
    PutFunctionEventInvokeConfig,
    UpdateFunctionEventInvokeConfig,
    GetFunctionEventInvokeConfig,
    DeleteFunctionEventInvokeConfig,
    ListFunctionEventInvokeConfigs,
}

impl Operation {
    /// Returns the operation's name as the API reference spells it.
    pub fn name(self) -> String {
        format!("{self:?}")
    }

    /// Returns the IAM action that authorizes the operation.
    pub fn action(self) -> String {
        match self {
            Operation::Invoke => "lambda:InvokeFunction".to_owned(),
            Operation::GetLayerVersionByArn => "lambda:GetLayerVersion".to_owned(),
            other => format!("lambda:{other:?}"),
        }
    }

    pub fn crosses_accounts(self) -> bool {
        CROSS_ACCOUNT_OPERATIONS.contains(&self.name().as_str())
    }
}

/// Maps a method and the path's decoded segments to an operation and its path labels.
pub fn route(method: &Method, segments: &[String]) -> Option<(Operation, Vec<String>)> {
    use Operation as O;
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let m = method.as_str();
    let label = |index: usize| vec![segments[index].clone()];
    let labels = |a: usize, b: usize| vec![segments[a].clone(), segments[b].clone()];
    let found = match (m, s.as_slice()) {
        ("POST", ["2015-03-31", "functions"] | ["2015-03-31", "functions", ""]) => (O::CreateFunction, vec![]),
        ("GET", ["2015-03-31", "functions"] | ["2015-03-31", "functions", ""]) => (O::ListFunctions, vec![]),
        ("GET", ["2015-03-31", "functions", _]) => (O::GetFunction, label(2)),
        ("DELETE", ["2015-03-31", "functions", _]) => (O::DeleteFunction, label(2)),
        ("GET", ["2015-03-31", "functions", _, "configuration"]) => (O::GetFunctionConfiguration, label(2)),
        ("PUT", ["2015-03-31", "functions", _, "configuration"]) => (O::UpdateFunctionConfiguration, label(2)),
        ("PUT", ["2015-03-31", "functions", _, "code"]) => (O::UpdateFunctionCode, label(2)),
        ("POST", ["2015-03-31", "functions", _, "invocations"]) => (O::Invoke, label(2)),
        ("POST", ["2015-03-31", "functions", _, "versions"]) => (O::PublishVersion, label(2)),
        ("GET", ["2015-03-31", "functions", _, "versions"]) => (O::ListVersionsByFunction, label(2)),
        ("POST", ["2015-03-31", "functions", _, "aliases"]) => (O::CreateAlias, label(2)),
        ("GET", ["2015-03-31", "functions", _, "aliases"]) => (O::ListAliases, label(2)),
        ("GET", ["2015-03-31", "functions", _, "aliases", _]) => (O::GetAlias, labels(2, 4)),
        ("PUT", ["2015-03-31", "functions", _, "aliases", _]) => (O::UpdateAlias, labels(2, 4)),
        ("DELETE", ["2015-03-31", "functions", _, "aliases", _]) => (O::DeleteAlias, labels(2, 4)),
        ("POST", ["2015-03-31", "functions", _, "policy"]) => (O::AddPermission, label(2)),
        ("GET", ["2015-03-31", "functions", _, "policy"]) => (O::GetPolicy, label(2)),
        ("DELETE", ["2015-03-31", "functions", _, "policy", _]) => (O::RemovePermission, labels(2, 4)),
        ("PUT", ["2017-10-31", "functions", _, "concurrency"]) => (O::PutFunctionConcurrency, label(2)),
        ("DELETE", ["2017-10-31", "functions", _, "concurrency"]) => (O::DeleteFunctionConcurrency, label(2)),
        ("GET", ["2019-09-30", "functions", _, "concurrency"]) => (O::GetFunctionConcurrency, label(2)),
        ("POST", ["2017-03-31", "tags", _]) => (O::TagResource, label(2)),
        ("DELETE", ["2017-03-31", "tags", _]) => (O::UntagResource, label(2)),
        ("GET", ["2017-03-31", "tags", _]) => (O::ListTags, label(2)),
        ("GET", ["2018-10-31", "layers"] | ["2018-10-31", "layers", ""]) => (O::ListLayers, vec![]),
        ("POST", ["2018-10-31", "layers", _, "versions"]) => (O::PublishLayerVersion, label(2)),
        ("GET", ["2018-10-31", "layers", _, "versions"]) => (O::ListLayerVersions, label(2)),
        ("GET", ["2018-10-31", "layers", _, "versions", _]) => (O::GetLayerVersion, labels(2, 4)),
        ("DELETE", ["2018-10-31", "layers", _, "versions", _]) => (O::DeleteLayerVersion, labels(2, 4)),
        ("POST", ["2018-10-31", "layers", _, "versions", _, "policy"]) => (O::AddLayerVersionPermission, labels(2, 4)),
        ("GET", ["2018-10-31", "layers", _, "versions", _, "policy"]) => (O::GetLayerVersionPolicy, labels(2, 4)),
        ("DELETE", ["2018-10-31", "layers", _, "versions", _, "policy", _]) => {
            (O::RemoveLayerVersionPermission, vec![segments[2].clone(), segments[4].clone(), segments[6].clone()])
        }
        ("PUT", ["2019-09-25", "functions", _, "event-invoke-config"]) => (O::PutFunctionEventInvokeConfig, label(2)),
        ("POST", ["2019-09-25", "functions", _, "event-invoke-config"]) => (O::UpdateFunctionEventInvokeConfig, label(2)),
        ("GET", ["2019-09-25", "functions", _, "event-invoke-config"]) => (O::GetFunctionEventInvokeConfig, label(2)),
        ("DELETE", ["2019-09-25", "functions", _, "event-invoke-config"]) => {
            (O::DeleteFunctionEventInvokeConfig, label(2))
        }
        ("GET", ["2019-09-25", "functions", _, "event-invoke-config", "list"]) => {
            (O::ListFunctionEventInvokeConfigs, label(2))
        }
        _ => return None,
    };
    Some(found)
}

/// Reports whether a path belongs to the Lambda API: its paths start with
/// a date-stamped version and `functions`, `tags` or `layers`.
pub fn is_lambda_path(path: &str) -> bool {
    [
        "/2015-03-31/functions",
        "/2017-03-31/tags/",
        "/2017-10-31/functions/",
        "/2019-09-30/functions/",
        "/2019-09-25/functions/",
        "/2018-10-31/layers",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
}

/// The Lambda service.
pub struct Lambda {
    access: AccessRules,
    functions: Namespaces<FunctionRegistry>,
    layers: Namespaces<LayerRegistry>,
    s3: Arc<S3>,
    sqs: Arc<Sqs>,
    /// SNS, for records sent to topic destinations; set once by [`Lambda::connect_sns`].
    sns: std::sync::OnceLock<Weak<Sns>>,
    /// The service itself, for asynchronous invocations that outlive their request.
    shared: Weak<Lambda>,
    workers: Arc<runtime::Workers>,
    code_urls: code_url::CodeUrls,
    concurrency: concurrency::Concurrency,
    event_invoke: event_invoke::AsyncSettings,
}

/// One request after routing.
pub struct LambdaRequest<'a> {
    pub context: &'a RequestContext,
    pub operation: Operation,
    pub labels: Vec<String>,
    pub params: Vec<(String, String)>,
    pub body: Bytes,
}

impl LambdaRequest<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.context.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Decodes the JSON body into `T`; an empty body decodes as `{}`.
    pub fn input<T: DeserializeOwned>(&self) -> AwsResult<T> {
        let body: &[u8] = if self.body.is_empty() { b"{}" } else { &self.body };
        serde_json::from_slice(body).map_err(|error| {
            errors::invalid_parameter(format!(
                "The request body is not valid JSON for {}: {error}",
                self.operation.name()
            ))
        })
    }

    pub fn caller_namespace(&self) -> Namespace {
        Namespace::new(&self.context.caller.account_id, &self.context.caller.region)
    }
}

impl Lambda {
    pub fn new(config: &Config, s3: Arc<S3>, sqs: Arc<Sqs>) -> Arc<Lambda> {
        Arc::new_cyclic(|shared| Lambda {
            access: config.access,
            functions: Namespaces::default(),
            layers: Namespaces::default(),
            s3,
            sqs,
            sns: std::sync::OnceLock::new(),
            shared: shared.clone(),
            workers: Arc::new(runtime::Workers::default()),
            code_urls: code_url::CodeUrls::default(),
            concurrency: concurrency::Concurrency::default(),
            event_invoke: event_invoke::AsyncSettings::default(),
        })
    }

    /// Sets the concurrency limit per account and region that invocations
    /// share (1000 by default), for tests of throttling. PutFunctionConcurrency
    /// still checks reservations against the default quota.
    pub fn set_account_concurrency_limit(&self, limit: usize) {
        self.concurrency.set_account_limit(limit);
    }

    /// Returns how many invocations of the unqualified function `function_arn` are running.
    pub fn running_invocations(&self, account_id: &str, region: &str, function_arn: &str) -> usize {
        self.concurrency.running(&Namespace::new(account_id, region), function_arn)
    }

    /// Connects the SNS service, which is built after Lambda because it invokes functions.
    pub fn connect_sns(&self, sns: &Arc<Sns>) {
        let _ = self.sns.set(Arc::downgrade(sns));
    }

    /// Serves a download URL that GetFunction or GetLayerVersion issued.
    pub fn serve_code_download(&self, method: &Method, path: &str) -> HttpResponse {
        self.code_urls.serve(method, path)
    }

    /// Returns the worker pool, for invocations that outlive their request.
    pub fn workers_handle(&self) -> Arc<runtime::Workers> {
        self.workers.clone()
    }

    /// Returns the process group ids of running handler processes.
    pub fn worker_process_groups(&self) -> Vec<u32> {
        self.workers.process_groups()
    }

    /// Stops the handler processes idle for at least `idle_for`, and returns how many stopped.
    pub fn stop_idle_workers(&self, idle_for: std::time::Duration) -> usize {
        self.workers.stop_idle(idle_for)
    }

    /// Stops every handler process, for server shutdown.
    pub fn stop_workers(&self) {
        self.workers.stop_all();
    }

    /// Serves one Lambda request; every failure becomes a Lambda error response.
    pub async fn handle(&self, context: &RequestContext, method: &Method, body: Bytes) -> HttpResponse {
        let segments: Vec<String> = context
            .path
            .trim_start_matches('/')
            .split('/')
            .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
            .collect();
        let Some((operation, labels)) = route(method, &segments) else {
            let error = AwsError::sender(
                "UnknownOperationException",
                404,
                format!("No Lambda operation serves {method} {}", context.path),
            );
            return errors::response(&error, &context.request_id);
        };
        let params = form_urlencoded::parse(context.query.as_bytes()).into_owned().collect();
        let request = LambdaRequest { context, operation, labels, params, body };

        match self.dispatch(&request).await {
            Ok(response) => response,
            Err(error) => {
                tracing::debug!(
                    operation = ?operation,
                    account = %context.caller.account_id,
                    region = %context.caller.region,
                    code = %error.code,
                    "rejected Lambda request"
                );
                errors::response(&error, &context.request_id)
            }
        }
    }

    async fn dispatch(&self, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
        use Operation as O;
        match request.operation {
            O::CreateFunction => functions::create_function(self, request),
            O::ListFunctions => functions::list_functions(self, request),
            O::GetFunction => functions::get_function(self, request),
            O::DeleteFunction => functions::delete_function(self, request),
            O::GetFunctionConfiguration => functions::get_function_configuration(self, request),
            O::UpdateFunctionConfiguration => functions::update_function_configuration(self, request),
            O::UpdateFunctionCode => functions::update_function_code(self, request),
            O::Invoke => invoke::invoke(self, request).await,
            O::PublishVersion => functions::publish_version(self, request),
            O::ListVersionsByFunction => functions::list_versions(self, request),
            O::CreateAlias => functions::create_alias(self, request),
            O::ListAliases => functions::list_aliases(self, request),
            O::GetAlias => functions::get_alias(self, request),
            O::UpdateAlias => functions::update_alias(self, request),
            O::DeleteAlias => functions::delete_alias(self, request),
            O::PutFunctionConcurrency => functions::put_concurrency(self, request),
            O::GetFunctionConcurrency => functions::get_concurrency(self, request),
            O::DeleteFunctionConcurrency => functions::delete_concurrency(self, request),
            O::TagResource => functions::tag_resource(self, request),
            O::UntagResource => functions::untag_resource(self, request),
            O::ListTags => functions::list_tags(self, request),
            O::AddPermission => permissions::add_permission(self, request),
            O::GetPolicy => permissions::get_policy(self, request),
            O::RemovePermission => permissions::remove_permission(self, request),
            O::ListLayers => layers::list_layers(self, request),
            O::GetLayerVersionByArn => layers::get_layer_version_by_arn(self, request),
            O::PublishLayerVersion => layers::publish_layer_version(self, request),
            O::ListLayerVersions => layers::list_layer_versions(self, request),
            O::GetLayerVersion => layers::get_layer_version(self, request),
            O::DeleteLayerVersion => layers::delete_layer_version(self, request),
            O::AddLayerVersionPermission => permissions::add_layer_version_permission(self, request),
            O::GetLayerVersionPolicy => permissions::get_layer_version_policy(self, request),
            O::RemoveLayerVersionPermission => permissions::remove_layer_version_permission(self, request),
            O::PutFunctionEventInvokeConfig => event_invoke::put_config(self, request),
            O::UpdateFunctionEventInvokeConfig => event_invoke::update_config(self, request),
            O::GetFunctionEventInvokeConfig => event_invoke::get_config(self, request),
            O::DeleteFunctionEventInvokeConfig => event_invoke::delete_config(self, request),
            O::ListFunctionEventInvokeConfigs => event_invoke::list_configs(self, request),
        }
    }

    /// Asks the access rules whether the caller may run `operation` on the
    /// resource `resource_arn` in `namespace`, under `policy`.
    pub fn authorize(
        &self,
        request: &LambdaRequest<'_>,
        operation: Operation,
        resource_arn: &str,
        namespace: &Namespace,
        policy: Option<&StatementSet>,
    ) -> AwsResult<()> {
        // Under the localstack profile only the operations LocalStack lists
        // reach another account's function or layer. The others look in the
        // caller's own account, as for the other services.
        // NOTE: LocalStack 2026.3.0 itself denies AddPermission,
        // RemovePermission and UpdateFunctionConfiguration from another
        // account (AccessDeniedException) and serves GetFunctionConcurrency.
        let other_account = namespace.account_id != request.context.caller.account_id;
        if other_account && !operation.crosses_accounts() && self.access.effective_profile() == Profile::Localstack {
            return Err(if resource_arn.contains(":function:") {
                errors::function_not_found(resource_arn)
            } else {
                errors::not_found(format!("Layer version {resource_arn} does not exist."))
            });
        }

        let parsed = if self.access.evaluates_policies() { policy.and_then(StatementSet::parsed) } else { None };
        let action = operation.action();
        let access_request = AccessRequest {
            caller: &request.context.caller,
            action: &action,
            resource_arn,
            resource_namespace: namespace,
            grantable_across_accounts: operation.crosses_accounts(),
            resource_policy: parsed.as_ref(),
            source_ip: request.context.source_ip,
            service_source: None,
            service_authorization: None,
        };
        self.access.decide(&access_request).map_err(|denial| {
            // Lambda reports another region's function as not found, as user
            // reports quote it (https://github.com/aws/aws-cdk/issues/11826).
            if denial == Denial::OtherRegion && resource_arn.contains(":function:") {
                return errors::not_found(format!(
                    "Functions from '{}' are not reachable in this region ('{}')",
                    namespace.region, request.context.caller.region
                ));
            }
            // Lambda spells the action in its original case in this message.
            let message = denial.message(&access_request).replace(&action.to_ascii_lowercase(), &action);
            errors::access_denied(message)
        })
    }
}

/// Builds a JSON response with `status`.
pub fn json_response(status: StatusCode, body: &serde_json::Value, request_id: &str) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    response
}

/// Builds an empty response with `status`, as the operations without output return.
pub fn empty_response(status: StatusCode, request_id: &str) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    response
}

/// Returns the current time as Lambda writes `LastModified`: `2024-01-31T12:00:00.000+0000`.
pub fn timestamp_now() -> String {
    let seconds = crate::services::sts::time::now_seconds();
    let text = crate::services::sts::time::format_timestamp(seconds);
    format!("{}.000+0000", text.trim_end_matches('Z'))
}
