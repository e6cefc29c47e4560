//! Concurrent invocations: one function version scales out to parallel
//! processes, bounded by reserved concurrency and the account limit, and
//! every process is stopped by idle reaping and by shutdown.

use std::time::{Duration, Instant};

use aws_sdk_lambda::operation::invoke::InvokeError;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::Runtime;
use serde_json::{Value, json};

use crate::common::{
    OWNER, REGION, client, create_function, error_of, interpreter_available, process_alive, python_zip, start,
};

fn sleep_payload(seconds: f64) -> Blob {
    Blob::new(json!({ "name": "parallel", "sleep": seconds }).to_string().into_bytes())
}

fn pid_of(output: &aws_sdk_lambda::operation::invoke::InvokeOutput) -> u32 {
    let body: Value = serde_json::from_slice(output.payload().expect("Payload").as_ref()).expect("JSON payload");
    u32::try_from(body["pid"].as_u64().unwrap_or_else(|| panic!("no pid in {body}"))).expect("pid fits")
}

/// Waits up to two seconds for `pid` to disappear, because SIGKILL is delivered asynchronously.
async fn wait_until_gone(pid: u32) -> bool {
    for _ in 0..100 {
        if !process_alive(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    !process_alive(pid)
}

/// Waits up to five seconds until `count` invocations of `function_arn` are running.
async fn wait_for_running(server: &crosscheck_emulator::server::ServerHandle, function_arn: &str, count: usize) {
    let lambda = server.emulator().lambda();
    for _ in 0..250 {
        if lambda.running_invocations(OWNER, REGION, function_arn) >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{count} invocations of {function_arn} did not start within 5 seconds");
}

/// Builds a client that does not retry, because the SDK retries a
/// TooManyRequestsException and a retry could outlast the slow invocation.
fn client_without_retries(server: &crosscheck_emulator::server::ServerHandle) -> aws_sdk_lambda::Client {
    let config = client(server, OWNER, REGION)
        .config()
        .to_builder()
        .retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_lambda::Client::from_conf(config)
}

/// Returns the `Reason` of a TooManyRequestsException.
fn throttle_reason(
    error: &aws_sdk_lambda::error::SdkError<InvokeError, aws_sdk_lambda::config::http::HttpResponse>,
) -> String {
    match error.as_service_error() {
        Some(InvokeError::TooManyRequestsException(throttled)) => {
            throttled.reason().map(|reason| reason.as_str().to_owned()).unwrap_or_default()
        }
        other => panic!("expected TooManyRequestsException, got {other:?}"),
    }
}

#[tokio::test]
async fn parallel_invocations_scale_out() {
    if !interpreter_available("python3") {
        return;
    }
    const PARALLEL: usize = 4;
    const HANDLER_SECONDS: f64 = 1.5;
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "parallel", Runtime::Python312, "app.handler", python_zip()).await;
    lambda.update_function_configuration().function_name("parallel").timeout(30).send().await.expect("timeout");

    let started = Instant::now();
    let calls =
        (0..PARALLEL).map(|_| lambda.invoke().function_name("parallel").payload(sleep_payload(HANDLER_SECONDS)).send());
    let outputs = futures_join_all(calls).await;
    let elapsed = started.elapsed();
    let mut pids = Vec::new();
    for output in outputs {
        let output = output.expect("Invoke");
        assert_eq!(output.function_error(), None, "every parallel invocation succeeds");
        pids.push(pid_of(&output));
    }
    // Queued behind one process, the invocations would take 4 x 1.5 s = 6 s.
    assert!(elapsed < Duration::from_secs_f64(HANDLER_SECONDS * 2.5), "{PARALLEL} invocations took {elapsed:?}");
    pids.sort_unstable();
    pids.dedup();
    assert_eq!(pids.len(), PARALLEL, "each parallel invocation ran in its own process: {pids:?}");
    let mut groups = server.emulator().lambda().worker_process_groups();
    groups.sort_unstable();
    assert_eq!(groups, pids, "every process is a tracked worker");

    assert_eq!(
        server.emulator().lambda().stop_idle_workers(Duration::ZERO),
        PARALLEL,
        "idle reaping stops every worker"
    );
    for pid in &pids {
        assert!(wait_until_gone(*pid).await, "reaped process {pid} is gone");
    }

    let calls = (0..PARALLEL).map(|_| lambda.invoke().function_name("parallel").payload(sleep_payload(0.2)).send());
    let mut second_round = Vec::new();
    for output in futures_join_all(calls).await {
        second_round.push(pid_of(&output.expect("Invoke after reaping")));
    }
    server.shutdown().await;
    for pid in second_round {
        assert!(wait_until_gone(pid).await, "process {pid} survived shutdown");
    }
}

#[tokio::test]
async fn warm_worker_is_reused_sequentially() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "sequential", Runtime::Python312, "app.handler", python_zip()).await;
    let mut pids = Vec::new();
    for _ in 0..3 {
        let output =
            lambda.invoke().function_name("sequential").payload(sleep_payload(0.0)).send().await.expect("Invoke");
        pids.push(pid_of(&output));
    }
    assert!(pids.windows(2).all(|pair| pair[0] == pair[1]), "one warm process serves sequential calls: {pids:?}");
    assert_eq!(server.emulator().lambda().worker_process_groups().len(), 1, "sequential calls start one worker");
    server.shutdown().await;
}

#[tokio::test]
async fn reserved_concurrency_throttles_excess() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client_without_retries(&server);
    let arn = create_function(&lambda, "reserved", Runtime::Python312, "app.handler", python_zip()).await;
    lambda.update_function_configuration().function_name("reserved").timeout(30).send().await.expect("timeout");
    lambda
        .put_function_concurrency()
        .function_name("reserved")
        .reserved_concurrent_executions(1)
        .send()
        .await
        .expect("reserve 1");

    let slow = {
        let lambda = lambda.clone();
        tokio::spawn(async move { lambda.invoke().function_name("reserved").payload(sleep_payload(4.0)).send().await })
    };
    wait_for_running(&server, &arn, 1).await;
    let error =
        lambda.invoke().function_name("reserved").payload(sleep_payload(0.0)).send().await.expect_err("throttled");
    assert_eq!(error_of(&error), ("TooManyRequestsException".to_owned(), 429));
    assert_eq!(throttle_reason(&error), "ReservedFunctionConcurrentInvocationLimitExceeded");

    let slow = slow.await.expect("the slow task finishes").expect("the slow invocation succeeds");
    assert_eq!(slow.function_error(), None);
    let after = lambda.invoke().function_name("reserved").payload(sleep_payload(0.0)).send().await;
    assert!(after.is_ok(), "the slot is free once the slow invocation ends: {after:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn account_limit_throttles_unreserved() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    server.emulator().lambda().set_account_concurrency_limit(2);
    let lambda = client_without_retries(&server);
    let busy_arn = create_function(&lambda, "busy", Runtime::Python312, "app.handler", python_zip()).await;
    create_function(&lambda, "other", Runtime::Python312, "app.handler", python_zip()).await;
    create_function(&lambda, "set-aside", Runtime::Python312, "app.handler", python_zip()).await;
    lambda.update_function_configuration().function_name("busy").timeout(30).send().await.expect("timeout");
    // One of the two slots is reserved, so the unreserved functions share one.
    lambda
        .put_function_concurrency()
        .function_name("set-aside")
        .reserved_concurrent_executions(1)
        .send()
        .await
        .expect("reserve");

    let slow = {
        let lambda = lambda.clone();
        tokio::spawn(async move { lambda.invoke().function_name("busy").payload(sleep_payload(4.0)).send().await })
    };
    wait_for_running(&server, &busy_arn, 1).await;
    let error = lambda.invoke().function_name("other").payload(sleep_payload(0.0)).send().await.expect_err("throttled");
    assert_eq!(error_of(&error), ("TooManyRequestsException".to_owned(), 429));
    assert_eq!(throttle_reason(&error), "ConcurrentInvocationLimitExceeded");

    let reserved = lambda.invoke().function_name("set-aside").payload(sleep_payload(0.0)).send().await;
    assert!(reserved.is_ok(), "the reserved function still runs: {reserved:?}");
    slow.await.expect("the slow task finishes").expect("the slow invocation succeeds");
    server.shutdown().await;
}

#[tokio::test]
async fn zero_reservation_names_reason() {
    let server = start().await;
    let lambda = client_without_retries(&server);
    create_function(&lambda, "off", Runtime::Python312, "app.handler", python_zip()).await;
    lambda
        .put_function_concurrency()
        .function_name("off")
        .reserved_concurrent_executions(0)
        .send()
        .await
        .expect("reserve 0");
    let error = lambda.invoke().function_name("off").send().await.expect_err("throttled");
    assert_eq!(error_of(&error), ("TooManyRequestsException".to_owned(), 429));
    assert_eq!(throttle_reason(&error), "ReservedFunctionConcurrentInvocationLimitExceeded");
    server.shutdown().await;
}

/// Runs every future at once on the test's runtime and returns their outputs in order.
async fn futures_join_all<F: std::future::Future + Send + 'static>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.expect("the task finishes"));
    }
    outputs
}
