//! Asynchronous invocation: retries, maximum event age and destinations
//! (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html>), and
//! the operations that configure them
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html>
//! and the neighbouring action pages).
//!
//! An `Event` invocation runs in the background. When the handler returns an
//! error or times out, Lambda retries it up to `MaximumRetryAttempts` times
//! (2 by default), after 1 minute and then 2 more minutes
//! (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html>).
//! A throttled event waits for a free concurrency slot instead, which the
//! emulator polls at most a second apart. Lambda drops an event once
//! `MaximumEventAgeInSeconds` (6 hours by default) has passed. The emulator's
//! retry delays are configurable with [`Lambda::set_async_retry_delay`].
//! After the last attempt, Lambda sends an invocation record to the
//! `OnSuccess` or `OnFailure` destination: an SQS queue, an SNS topic or
//! another function, in any account that allows it
//! (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html>).

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::concurrency::{FunctionLimits, Slot};
use super::functions::Target;
use super::model::{Function, LATEST, VersionConfig};
use super::pagination::{self, PageRequest};
use super::runtime::{FunctionInfo, Outcome};
use super::{Lambda, LambdaRequest, empty_response, errors, json_response};
use crate::access::AccessRequest;
use crate::arn::{Arn, format_function_arn, parse_function_address};
use crate::error::AwsResult;
use crate::http::HttpResponse;
use crate::identity::{Caller, IdentityOptions};
use crate::services::sqs::delivery::FunctionDelivery;
use crate::store::Namespace;

/// The retry count when a function has no `MaximumRetryAttempts`.
pub const DEFAULT_RETRY_ATTEMPTS: i64 = 2;

/// The event age limit when a function has no `MaximumEventAgeInSeconds`, 6 hours.
pub const DEFAULT_EVENT_AGE_SECONDS: i64 = 21_600;

/// The delay before the first retry; the second waits twice as long.
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_secs(60);

/// A function's asynchronous invocation settings for one qualifier.
#[derive(Debug, Clone, Default)]
pub struct EventInvokeConfig {
    pub maximum_retry_attempts: Option<i64>,
    pub maximum_event_age_in_seconds: Option<i64>,
    pub on_success: Option<String>,
    pub on_failure: Option<String>,
    /// Seconds since the Unix epoch, as `LastModified` reports it.
    pub last_modified: f64,
}

/// Emulator-wide settings of asynchronous invocation.
#[derive(Debug)]
pub struct AsyncSettings {
    retry_delay: Mutex<Duration>,
}

impl Default for AsyncSettings {
    fn default() -> AsyncSettings {
        AsyncSettings { retry_delay: Mutex::new(DEFAULT_RETRY_DELAY) }
    }
}

impl AsyncSettings {
    fn retry_delay(&self) -> Duration {
        *self.retry_delay.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Lambda {
    /// Sets the delay before the first retry of a failed asynchronous
    /// invocation; the second retry waits twice as long. Lambda waits 1 minute.
    pub fn set_async_retry_delay(&self, delay: Duration) {
        *self.event_invoke.retry_delay.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = delay;
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DestinationInput {
    destination: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DestinationConfigInput {
    on_success: Option<DestinationInput>,
    on_failure: Option<DestinationInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EventInvokeConfigInput {
    maximum_retry_attempts: Option<i64>,
    maximum_event_age_in_seconds: Option<i64>,
    destination_config: Option<DestinationConfigInput>,
}

/// The validated members of a Put or Update request; `None` leaves a member unset.
struct ConfigChange {
    maximum_retry_attempts: Option<i64>,
    maximum_event_age_in_seconds: Option<i64>,
    on_success: Option<String>,
    on_failure: Option<String>,
}

fn parse_change(request: &LambdaRequest<'_>) -> AwsResult<ConfigChange> {
    let input: EventInvokeConfigInput = request.input()?;
    if let Some(attempts) = input.maximum_retry_attempts
        && !(0..=2).contains(&attempts)
    {
        return Err(errors::validation(
            "maximumRetryAttempts",
            &attempts.to_string(),
            "Member must have value between 0 and 2",
        ));
    }
    if let Some(age) = input.maximum_event_age_in_seconds
        && !(60..=21_600).contains(&age)
    {
        return Err(errors::validation(
            "maximumEventAgeInSeconds",
            &age.to_string(),
            "Member must have value between 60 and 21600",
        ));
    }
    let destinations = input.destination_config.unwrap_or_default();
    let on_success = destinations.on_success.and_then(|destination| destination.destination);
    let on_failure = destinations.on_failure.and_then(|destination| destination.destination);
    for destination in on_success.iter().chain(on_failure.iter()) {
        check_destination(destination)?;
    }
    Ok(ConfigChange {
        maximum_retry_attempts: input.maximum_retry_attempts,
        maximum_event_age_in_seconds: input.maximum_event_age_in_seconds,
        on_success,
        on_failure,
    })
}

/// Checks that a destination is the ARN of an SQS queue, an SNS topic or a Lambda function.
/// NOTE: Lambda also checks that the execution role may reach the destination; the emulator models no role policies.
fn check_destination(destination: &str) -> AwsResult<()> {
    let invalid =
        |reason: &str| errors::invalid_parameter(format!("The destination ARN {destination} is invalid: {reason}."));
    let arn: Arn = destination.parse().map_err(|_| invalid("it is not an ARN"))?;
    if arn.region.is_empty() || arn.account_id.is_empty() {
        return Err(invalid("it must name a region and an account"));
    }
    match arn.service.as_str() {
        "sqs" | "sns" => Ok(()),
        "lambda" => parse_function_address(destination).map(|_| ()).map_err(|error| invalid(error.reason)),
        "events" | "s3" => Err(invalid("EventBridge and S3 destinations are not supported by this emulator")),
        other => Err(invalid(&format!("service {other} cannot be a destination"))),
    }
}

/// Returns the configuration key of a call: its qualifier, or `$LATEST`.
fn config_key(target: &Target) -> String {
    target.qualifier.clone().unwrap_or_else(|| LATEST.to_owned())
}

fn check_qualifier(target: &Target, function: &Function) -> AwsResult<String> {
    let key = config_key(target);
    if !function.has_qualifier(&key) {
        return Err(errors::function_not_found(&target.resource_arn()));
    }
    Ok(key)
}

fn config_not_found(function: &Function, key: &str) -> crate::error::AwsError {
    let arn = format_function_arn(&function.namespace, &function.name, Some(key));
    errors::not_found(format!("The function {arn} doesn't have an EventInvokeConfig"))
}

fn config_json(function: &Function, key: &str, config: &EventInvokeConfig) -> Value {
    let destination = |arn: &Option<String>| match arn {
        Some(arn) => json!({ "Destination": arn }),
        None => json!({}),
    };
    let mut body = json!({
        "FunctionArn": format_function_arn(&function.namespace, &function.name, Some(key)),
        "LastModified": config.last_modified,
        "DestinationConfig": {
            "OnSuccess": destination(&config.on_success),
            "OnFailure": destination(&config.on_failure),
        },
    });
    if let Some(attempts) = config.maximum_retry_attempts {
        body["MaximumRetryAttempts"] = json!(attempts);
    }
    if let Some(age) = config.maximum_event_age_in_seconds {
        body["MaximumEventAgeInSeconds"] = json!(age);
    }
    body
}

fn now_epoch_seconds() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

/// PutFunctionEventInvokeConfig: replaces the whole configuration of one qualifier.
pub fn put_config(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    store_config(lambda, request, false)
}

/// UpdateFunctionEventInvokeConfig: changes only the members the request names.
/// NOTE: unverified whether Lambda creates a missing configuration here; the emulator returns ResourceNotFoundException.
pub fn update_config(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    store_config(lambda, request, true)
}

/// Stores a qualifier's configuration, merged into the current one when `merge` is set.
fn store_config(lambda: &Lambda, request: &LambdaRequest<'_>, merge: bool) -> AwsResult<HttpResponse> {
    let change = parse_change(request)?;
    let body = lambda.with_function(request, |target, function| {
        let key = check_qualifier(target, function)?;
        let current = match function.event_invoke_configs.get(&key) {
            Some(current) if merge => current.clone(),
            None if merge => return Err(config_not_found(function, &key)),
            _ => EventInvokeConfig::default(),
        };
        let config = EventInvokeConfig {
            maximum_retry_attempts: change.maximum_retry_attempts.or(current.maximum_retry_attempts),
            maximum_event_age_in_seconds: change.maximum_event_age_in_seconds.or(current.maximum_event_age_in_seconds),
            on_success: change.on_success.or(current.on_success),
            on_failure: change.on_failure.or(current.on_failure),
            last_modified: now_epoch_seconds(),
        };
        let body = config_json(function, &key, &config);
        function.event_invoke_configs.insert(key, config);
        Ok(body)
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn get_config(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let body = lambda.with_function(request, |target, function| {
        let key = check_qualifier(target, function)?;
        let config = function.event_invoke_configs.get(&key).ok_or_else(|| config_not_found(function, &key))?;
        Ok(config_json(function, &key, config))
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn delete_config(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    lambda.with_function(request, |target, function| {
        let key = check_qualifier(target, function)?;
        function.event_invoke_configs.remove(&key).ok_or_else(|| config_not_found(function, &key))?;
        Ok(())
    })?;
    Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id))
}

/// The largest `MaxItems` of ListFunctionEventInvokeConfigs.
const LIST_CONFIGS_MAX_ITEMS: usize = 50;

/// ListFunctionEventInvokeConfigs: every qualifier's configuration, in qualifier order.
pub fn list_configs(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let page_request = PageRequest::from_request(request, LIST_CONFIGS_MAX_ITEMS)?;
    let body = lambda.with_function(request, |_target, function| {
        let items: Vec<(String, Value)> = function
            .event_invoke_configs
            .iter()
            .map(|(key, config)| (key.clone(), config_json(function, key, config)))
            .collect();
        let page = page_request.page(items);
        let mut body = json!({ "FunctionEventInvokeConfigs": page.items });
        pagination::insert_next_marker(&mut body, &page);
        Ok(body)
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

/// One queued `Event` invocation.
pub struct AsyncEvent {
    pub namespace: Namespace,
    pub function_name: String,
    /// The qualifier the caller named, which selects the event invoke configuration.
    pub qualifier: Option<String>,
    pub config: Arc<VersionConfig>,
    pub invoked_arn: String,
    pub payload: Bytes,
    pub request_id: String,
    pub reserved: Option<i64>,
    pub reserved_total: i64,
}

/// The settings that govern one event, read when it starts.
struct EventPolicy {
    retries: i64,
    maximum_age: Duration,
    on_success: Option<String>,
    on_failure: Option<String>,
}

/// The last attempt's result, for the invocation record.
struct AttemptResult {
    payload: Bytes,
    function_error: Option<&'static str>,
}

impl Lambda {
    /// Queues an `Event` invocation. It runs in the background with retries
    /// and destinations, and is dropped if the emulator shuts down first.
    pub fn enqueue_event(&self, event: AsyncEvent) {
        let Some(lambda) = self.shared.upgrade() else {
            tracing::debug!(function = %event.invoked_arn, "dropped an asynchronous invocation during shutdown");
            return;
        };
        tokio::spawn(async move { lambda.run_event(event).await });
    }

    fn event_policy(&self, event: &AsyncEvent) -> EventPolicy {
        let key = event.qualifier.clone().unwrap_or_else(|| LATEST.to_owned());
        let config = self
            .functions
            .get(&event.namespace)
            .and_then(|registry| registry.lock().get(&event.function_name)?.event_invoke_configs.get(&key).cloned())
            .unwrap_or_default();
        let age = config.maximum_event_age_in_seconds.unwrap_or(DEFAULT_EVENT_AGE_SECONDS);
        EventPolicy {
            retries: config.maximum_retry_attempts.unwrap_or(DEFAULT_RETRY_ATTEMPTS),
            maximum_age: Duration::from_secs(age.unsigned_abs()),
            on_success: config.on_success,
            on_failure: config.on_failure,
        }
    }

    async fn run_event(&self, event: AsyncEvent) {
        let policy = self.event_policy(&event);
        let enqueued = Instant::now();
        let function_arn = format_function_arn(&event.namespace, &event.function_name, None);
        let version_arn = format_function_arn(&event.namespace, &event.function_name, Some(&event.config.version));
        let limits = FunctionLimits {
            namespace: &event.namespace,
            function_arn: &function_arn,
            reserved: event.reserved,
            reserved_total: event.reserved_total,
        };

        let mut attempts: i64 = 0;
        let mut last: Option<AttemptResult> = None;
        let condition = loop {
            if self.workers.is_closed() {
                tracing::debug!(function = %event.invoked_arn, request_id = %event.request_id, "dropped an asynchronous invocation at shutdown");
                return;
            }
            let remaining = policy.maximum_age.saturating_sub(enqueued.elapsed());
            let Some(slot) = wait_for_slot(self, &limits, remaining).await else {
                break "EventAgeExceeded";
            };
            attempts += 1;
            let info = FunctionInfo {
                version_arn: version_arn.clone(),
                function_name: &event.function_name,
                region: &event.namespace.region,
                request_id: event.request_id.clone(),
                config: &event.config,
            };
            let result = self.workers.invoke(&info, event.payload.clone(), &event.invoked_arn).await;
            drop(slot);
            let attempt = attempt_result(result, &event);
            if attempt.function_error.is_none() {
                self.send_record(&event, &policy.on_success, "Success", attempts, &attempt).await;
                return;
            }
            tracing::debug!(
                function = %event.invoked_arn,
                request_id = %event.request_id,
                attempt = attempts,
                "asynchronous invocation failed"
            );
            last = Some(attempt);
            if attempts > policy.retries {
                break "RetriesExhausted";
            }
            // Lambda waits 1 minute before the first retry and 2 before the second.
            let delay = self.event_invoke.retry_delay() * u32::try_from(attempts).unwrap_or(1);
            if enqueued.elapsed() + delay >= policy.maximum_age {
                break "EventAgeExceeded";
            }
            tokio::time::sleep(delay).await;
        };
        tracing::debug!(function = %event.invoked_arn, request_id = %event.request_id, condition, "dropped an asynchronous invocation");
        let attempt = last.unwrap_or(AttemptResult { payload: Bytes::new(), function_error: None });
        self.send_record(&event, &policy.on_failure, condition, attempts, &attempt).await;
    }

    /// Sends the invocation record to `destination`, if the configuration names one.
    async fn send_record(
        &self,
        event: &AsyncEvent,
        destination: &Option<String>,
        condition: &str,
        attempts: i64,
        attempt: &AttemptResult,
    ) {
        let Some(destination) = destination else {
            return;
        };
        let record = invocation_record(event, condition, attempts, attempt);
        let body = record.to_string();
        let service = destination.parse::<Arn>().map(|arn| arn.service).unwrap_or_default();
        let result = match service.as_str() {
            "sqs" => self
                .sqs
                .deliver_from_function(&FunctionDelivery {
                    queue_arn: destination,
                    function_account: &event.namespace.account_id,
                    body: &body,
                })
                .map(|_| ())
                .map_err(|failure| format!("{failure:?}")),
            "lambda" => self.invoke_destination(event, destination, Bytes::from(body)),
            "sns" => match self.sns.get().and_then(Weak::upgrade) {
                Some(sns) => sns
                    .publish_from_function(destination, &event.namespace.account_id, &body)
                    .map(|_| ())
                    .map_err(|error| format!("{}: {}", error.code, error.message)),
                None => Err("the SNS service is not connected".to_owned()),
            },
            _ => Err(format!("destination service {service} is not supported by this emulator")),
        };
        if let Err(error) = result {
            tracing::debug!(function = %event.invoked_arn, %destination, %error, "dropped an invocation record");
        }
    }

    /// Queues an `Event` invocation of the destination function with the
    /// record, after the destination's policy allowed the source function's account.
    fn invoke_destination(&self, event: &AsyncEvent, destination: &str, record: Bytes) -> Result<(), String> {
        let address = parse_function_address(destination).map_err(|error| error.reason)?;
        let namespace = address.namespace(&event.namespace);
        let registry = self.functions.get(&namespace).ok_or("the destination function does not exist")?;
        let functions = registry.lock();
        let function = functions.get(&address.name).ok_or("the destination function does not exist")?;
        let qualifier = address.qualifier.clone();
        let config = function.config_for(qualifier.as_deref()).ok_or("the destination qualifier does not exist")?;
        let reserved_total = functions.values().filter_map(|function| function.reserved_concurrency).sum();

        let policy = function.policies.get(&qualifier.clone().unwrap_or_default()).and_then(|set| set.parsed());
        let caller = Caller::new(&event.namespace.account_id, &namespace.region, IdentityOptions::default());
        let resource_arn = format_function_arn(&namespace, &address.name, qualifier.as_deref());
        let access_request = AccessRequest {
            caller: &caller,
            action: "lambda:InvokeFunction",
            resource_arn: &resource_arn,
            resource_namespace: &namespace,
            grantable_across_accounts: true,
            resource_policy: policy.as_ref(),
            source_ip: None,
            service_source: None,
            service_authorization: None,
        };
        self.access.decide(&access_request).map_err(|denial| format!("access denied: {denial:?}"))?;

        let queued = AsyncEvent {
            namespace: namespace.clone(),
            function_name: address.name.clone(),
            qualifier,
            config,
            invoked_arn: resource_arn,
            payload: record,
            request_id: uuid::Uuid::new_v4().to_string(),
            reserved: function.reserved_concurrency,
            reserved_total,
        };
        drop(functions);
        self.enqueue_event(queued);
        Ok(())
    }
}

/// Waits up to `limit` for a concurrency slot, polling with a growing delay.
async fn wait_for_slot(lambda: &Lambda, limits: &FunctionLimits<'_>, limit: Duration) -> Option<Slot> {
    let started = Instant::now();
    let mut delay = Duration::from_millis(10);
    loop {
        if let Ok(slot) = lambda.concurrency.acquire(limits) {
            return Some(slot);
        }
        let waited = started.elapsed();
        if waited >= limit {
            return None;
        }
        tokio::time::sleep(delay.min(limit - waited)).await;
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}

fn attempt_result(
    result: Result<super::runtime::Invocation, super::runtime::StartError>,
    event: &AsyncEvent,
) -> AttemptResult {
    match result {
        Ok(invocation) => match invocation.outcome {
            Outcome::Response(payload) => AttemptResult { payload, function_error: None },
            Outcome::Error(payload) => AttemptResult { payload, function_error: Some("Unhandled") },
            Outcome::TimedOut => {
                let message = format!(
                    "RequestId: {} Error: Task timed out after {}.00 seconds",
                    event.request_id, event.config.timeout
                );
                let payload = Bytes::from(json!({ "errorMessage": message }).to_string());
                AttemptResult { payload, function_error: Some("Unhandled") }
            }
        },
        Err(error) => {
            let payload = json!({ "errorType": "Runtime.InvalidEntrypoint", "errorMessage": error.to_string() });
            AttemptResult { payload: Bytes::from(payload.to_string()), function_error: Some("Unhandled") }
        }
    }
}

/// Parses a payload as JSON, or keeps it as a string when it is not JSON.
fn payload_value(payload: &[u8]) -> Value {
    if payload.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(payload).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(payload).into_owned()))
}

/// Builds the invocation record Lambda sends to a destination.
/// NOTE: the fields follow the example record in the Lambda developer guide; unverified against a live destination.
fn invocation_record(event: &AsyncEvent, condition: &str, attempts: i64, attempt: &AttemptResult) -> Value {
    let version_arn = format_function_arn(&event.namespace, &event.function_name, Some(&event.config.version));
    let mut response_context = json!({ "statusCode": 200, "executedVersion": event.config.version });
    if let Some(function_error) = attempt.function_error {
        response_context["functionError"] = json!(function_error);
    }
    let mut record = json!({
        "version": "1.0",
        "timestamp": timestamp_with_millis(),
        "requestContext": {
            "requestId": event.request_id,
            "functionArn": version_arn,
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": payload_value(&event.payload),
        "responseContext": response_context,
    });
    if attempts > 0 {
        record["responsePayload"] = payload_value(&attempt.payload);
    }
    record
}

/// Returns the current time as `2019-11-14T18:16:05.568Z`.
fn timestamp_with_millis() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = i64::try_from(now.as_secs()).unwrap_or(0);
    let text = crate::services::sts::time::format_timestamp(seconds);
    format!("{}.{:03}Z", text.trim_end_matches('Z'), now.subsec_millis())
}
