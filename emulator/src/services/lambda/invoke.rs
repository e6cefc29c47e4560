//! Invoke (<https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html>):
//! `RequestResponse` waits for the handler, `Event` queues it and returns
//! 202, `DryRun` only checks the request and returns 204. A synchronous
//! invocation takes a concurrency slot first and is throttled when none is free.

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;

use super::concurrency::{FunctionLimits, Throttle};
use super::event_invoke::AsyncEvent;
use super::functions::resolve;
use super::runtime::{FunctionInfo, Outcome};
use super::{Lambda, LambdaRequest, empty_response, errors};
use crate::arn::format_function_arn;
use crate::error::AwsResult;
use crate::http::HttpResponse;

/// Largest payload of a synchronous invocation, 6 MB
/// (<https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>).
pub const MAX_SYNC_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;

/// Largest payload of an asynchronous invocation, 256 KB
/// (<https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>).
/// NOTE: unverified whether AWS has since raised this limit.
pub const MAX_ASYNC_PAYLOAD_BYTES: usize = 256 * 1024;

/// How much of the output `LogType: Tail` returns.
const LOG_TAIL_BYTES: usize = 4 * 1024;

pub async fn invoke(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let invocation_type = request.header("x-amz-invocation-type").unwrap_or("RequestResponse").to_owned();
    let limit = match invocation_type.as_str() {
        "RequestResponse" | "DryRun" => MAX_SYNC_PAYLOAD_BYTES,
        "Event" => MAX_ASYNC_PAYLOAD_BYTES,
        other => {
            return Err(errors::validation(
                "invocationType",
                other,
                "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
            ));
        }
    };
    if request.body.len() > limit {
        return Err(errors::request_too_large(request.body.len(), limit));
    }
    let log_type = request.header("x-amz-log-type").unwrap_or("None");
    if log_type != "None" && log_type != "Tail" {
        return Err(errors::validation("logType", log_type, "Member must satisfy enum value set: [None, Tail]"));
    }
    // IgnoredAny checks the syntax without building values, so numbers of any size,
    // unpaired surrogate escapes and deep nesting pass, as RFC 8259 allows.
    // NOTE: unverified that Lambda accepts all of them.
    if !request.body.is_empty() && serde_json::from_slice::<serde::de::IgnoredAny>(&request.body).is_err() {
        return Err(errors::invalid_request_content(
            "Could not parse request body into json: the payload is not valid JSON".to_owned(),
        ));
    }

    let target = resolve(request, &request.labels[0])?;
    let (config, function_name, reserved) = lambda.with_target(request, &target, |target, function| {
        let qualifier = target.qualifier.as_deref();
        let config = match qualifier.and_then(|qualifier| function.aliases.get(qualifier)) {
            Some(alias) => {
                // Weighted routing: the additional version takes its share of invocations.
                let version = alias
                    .additional_weights
                    .iter()
                    .find(|(_, weight)| rand::random::<f64>() < **weight)
                    .map_or(alias.function_version.clone(), |(version, _)| version.clone());
                function.config_for(Some(&version))
            }
            None => function.config_for(qualifier),
        };
        let config = config.ok_or_else(|| errors::function_not_found(&target.resource_arn()))?;
        Ok((config, function.name.clone(), function.reserved_concurrency))
    })?;

    // NOTE: unverified whether Lambda rejects Event and DryRun invocations of a function with reserved concurrency 0.
    // The emulator rejects them as it does synchronous ones.
    if reserved == Some(0) {
        return Ok(Throttle::Reserved.response(&request.context.request_id));
    }
    if invocation_type == "DryRun" {
        return Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id));
    }
    let function_arn = target.arn();
    let reserved_total: i64 = lambda
        .functions
        .get(&target.namespace)
        .map(|registry| registry.lock().values().filter_map(|function| function.reserved_concurrency).sum())
        .unwrap_or(0);
    let limits = FunctionLimits { namespace: &target.namespace, function_arn: &function_arn, reserved, reserved_total };

    let version_arn = format_function_arn(&target.namespace, &target.name, Some(&config.version));
    let invoked_arn = target.resource_arn();
    let payload = if request.body.is_empty() { Bytes::from_static(b"{}") } else { request.body.clone() };

    if invocation_type == "Event" {
        lambda.enqueue_event(AsyncEvent {
            namespace: target.namespace.clone(),
            function_name,
            qualifier: target.qualifier.clone(),
            config,
            invoked_arn,
            payload,
            request_id: request.context.request_id.clone(),
            reserved,
            reserved_total,
        });
        return Ok(empty_response(StatusCode::ACCEPTED, &request.context.request_id));
    }

    let _slot = match lambda.concurrency.acquire(&limits) {
        Ok(slot) => slot,
        Err(throttle) => {
            tracing::debug!(function = %invoked_arn, reason = throttle.reason(), "throttled a synchronous invocation");
            return Ok(throttle.response(&request.context.request_id));
        }
    };
    let info = FunctionInfo {
        version_arn,
        function_name: &function_name,
        region: &target.namespace.region,
        request_id: request.context.request_id.clone(),
        config: &config,
    };
    let started = std::time::Instant::now();
    let invocation = lambda.workers.invoke(&info, payload, &invoked_arn).await;
    let request_id = &request.context.request_id;
    let (body, function_error, output) = match invocation {
        Ok(invocation) => {
            let (body, function_error) = match invocation.outcome {
                Outcome::Response(body) => (body, None),
                Outcome::Error(body) => (body, Some("Unhandled")),
                Outcome::TimedOut => {
                    let message = format!(
                        "{} {request_id} Task timed out after {}.00 seconds",
                        crate::services::sts::time::format_timestamp(crate::services::sts::time::now_seconds()),
                        config.timeout
                    );
                    (Bytes::from(serde_json::json!({ "errorMessage": message }).to_string()), Some("Unhandled"))
                }
            };
            (body, function_error, invocation.log)
        }
        Err(error) => {
            tracing::debug!(function = %invoked_arn, %error, "Lambda runtime could not start");
            let body =
                serde_json::json!({ "errorType": "Runtime.InvalidEntrypoint", "errorMessage": error.to_string() });
            (Bytes::from(body.to_string()), Some("Unhandled"), Vec::new())
        }
    };

    let mut response = Response::new(Full::new(body));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    if let Ok(value) = HeaderValue::from_str(&config.version) {
        headers.insert("x-amz-executed-version", value);
    }
    if let Some(function_error) = function_error {
        headers.insert("x-amz-function-error", HeaderValue::from_static(function_error));
    }
    if log_type == "Tail" {
        let mut log = format!("START RequestId: {request_id} Version: {}\n", config.version).into_bytes();
        log.extend_from_slice(&output);
        log.extend_from_slice(
            format!(
                "END RequestId: {request_id}\nREPORT RequestId: {request_id}\tDuration: {:.2} ms\tMemory Size: {} MB\n",
                started.elapsed().as_secs_f64() * 1000.0,
                config.memory_size
            )
            .as_bytes(),
        );
        let tail = &log[log.len().saturating_sub(LOG_TAIL_BYTES)..];
        let encoded = base64::engine::general_purpose::STANDARD.encode(tail);
        if let Ok(value) = HeaderValue::from_str(&encoded) {
            headers.insert("x-amz-log-result", value);
        }
    }
    Ok(response)
}

