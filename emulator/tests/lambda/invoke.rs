//! Real handlers behind Invoke: Python, Node.js and `provided` runtimes as
//! child processes, with results, errors, timeouts, log tails, warm reuse
//! and no processes left after shutdown.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Environment, FunctionCode, InvocationType, LogType, Runtime};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::common::{
    NODE_APP, OWNER, REGION, ROLE, client, create_function, interpreter_available, process_alive, python_zip, start,
    zip,
};

fn payload(value: &Value) -> Blob {
    Blob::new(value.to_string().into_bytes())
}

fn body(output: &aws_sdk_lambda::operation::invoke::InvokeOutput) -> Value {
    let bytes = output.payload().expect("Payload").as_ref();
    serde_json::from_slice(bytes)
        .unwrap_or_else(|error| panic!("payload {:?} is not JSON: {error}", String::from_utf8_lossy(bytes)))
}

/// Replaces the `/usr/bin/env python3` of a bootstrap's first line with the
/// interpreter's absolute path, because the worker's `PATH` may not contain it.
fn with_python_path(bootstrap: &[u8]) -> String {
    let python = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3 runs");
    let python = String::from_utf8_lossy(&python.stdout).trim().to_owned();
    String::from_utf8_lossy(bootstrap).replace("/usr/bin/env python3", &python)
}

/// Waits up to one second for `pid` to disappear, because SIGKILL is delivered asynchronously.
async fn wait_until_gone(pid: u32) -> bool {
    for _ in 0..50 {
        if !process_alive(pid) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    !process_alive(pid)
}

#[tokio::test]
async fn python_handler_result_and_environment() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    lambda
        .create_function()
        .function_name("py")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .environment(Environment::builder().variables("CUSTOM", "from-config").build())
        .code(FunctionCode::builder().zip_file(Blob::new(python_zip())).build())
        .send()
        .await
        .expect("CreateFunction");

    let first = lambda
        .invoke()
        .function_name("py")
        .payload(payload(&json!({ "name": "ada" })))
        .log_type(LogType::Tail)
        .send()
        .await
        .expect("Invoke");
    assert_eq!(first.status_code(), 200);
    assert_eq!(first.function_error(), None, "the handler succeeded");
    assert_eq!(first.executed_version(), Some("$LATEST"));
    let result = body(&first);
    assert_eq!(result["greeting"], "hello ada");
    assert_eq!(result["function"], "py");
    assert_eq!(result["region"], REGION);
    assert_eq!(result["custom"], "from-config", "the function's Environment reaches the handler");
    assert_eq!(result["secret"], Value::Null, "no credentials reach the handler");
    let log =
        base64::engine::general_purpose::STANDARD.decode(first.log_result().expect("LogResult")).expect("base64 log");
    let log = String::from_utf8_lossy(&log);
    assert!(log.contains("python handler got ada"), "the log tail has the handler's output: {log}");
    assert!(log.contains("START RequestId:"), "the log tail starts with START: {log}");
    let request_id = result["request_id"].as_str().expect("request_id").to_owned();
    assert!(log.contains(&format!("START RequestId: {request_id}")), "the handler's request id is the log's: {log}");

    let second = lambda
        .invoke()
        .function_name("py")
        .payload(payload(&json!({ "name": "bob" })))
        .send()
        .await
        .expect("Invoke again");
    assert_eq!(body(&second)["pid"], result["pid"], "a warm process serves the second invocation");
    assert_eq!(second.log_result(), None, "no log without LogType Tail");
    server.shutdown().await;
}

#[tokio::test]
async fn python_handler_error_and_timeout() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "py-errors", Runtime::Python312, "app.handler", python_zip()).await;
    lambda.update_function_configuration().function_name("py-errors").timeout(1).send().await.expect("timeout 1 s");

    let failed = lambda
        .invoke()
        .function_name("py-errors")
        .payload(payload(&json!({ "fail": "boom" })))
        .send()
        .await
        .expect("Invoke");
    assert_eq!(failed.status_code(), 200, "a handler error is still HTTP 200");
    assert_eq!(failed.function_error(), Some("Unhandled"));
    let error = body(&failed);
    assert_eq!(error["errorType"], "ValueError");
    assert_eq!(error["errorMessage"], "asked to fail: boom");

    let pid_before = body(
        &lambda.invoke().function_name("py-errors").payload(payload(&json!({}))).send().await.expect("Invoke"),
    )["pid"]
        .as_u64()
        .expect("pid");
    let timed_out = lambda
        .invoke()
        .function_name("py-errors")
        .payload(payload(&json!({ "sleep": 5 })))
        .send()
        .await
        .expect("Invoke");
    assert_eq!(timed_out.function_error(), Some("Unhandled"));
    let message = body(&timed_out)["errorMessage"].as_str().expect("errorMessage").to_owned();
    assert!(message.ends_with("Task timed out after 1.00 seconds"), "timeout message: {message}");
    assert!(wait_until_gone(u32::try_from(pid_before).expect("pid")).await, "the timed-out process was killed");

    let after = lambda
        .invoke()
        .function_name("py-errors")
        .payload(payload(&json!({ "name": "again" })))
        .send()
        .await
        .expect("Invoke after timeout");
    assert_eq!(body(&after)["greeting"], "hello again", "a new process serves after a timeout");
    server.shutdown().await;
}

#[tokio::test]
async fn python_handler_not_found() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "py-missing", Runtime::Python312, "app.absent", python_zip()).await;
    let missing_function = lambda.invoke().function_name("py-missing").send().await.expect("Invoke");
    assert_eq!(missing_function.function_error(), Some("Unhandled"));
    assert_eq!(body(&missing_function)["errorType"], "Runtime.HandlerNotFound");

    create_function(&lambda, "py-no-module", Runtime::Python312, "nomodule.handler", python_zip()).await;
    let missing_module = lambda.invoke().function_name("py-no-module").send().await.expect("Invoke");
    assert_eq!(body(&missing_module)["errorType"], "Runtime.ImportModuleError");
    server.shutdown().await;
}

#[tokio::test]
async fn newest_runtimes_run_handlers() {
    if !interpreter_available("python3") || !interpreter_available("node") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "py314", Runtime::Python314, "app.handler", python_zip()).await;
    create_function(
        &lambda,
        "node24",
        Runtime::Nodejs24x,
        "index.handler",
        zip(&[("index.js", NODE_APP.as_bytes(), 0o644)]),
    )
    .await;

    for name in ["py314", "node24"] {
        let invoked = lambda
            .invoke()
            .function_name(name)
            .payload(payload(&json!({ "name": name })))
            .send()
            .await
            .unwrap_or_else(|error| panic!("Invoke {name}: {error:?}"));
        assert_eq!(invoked.function_error(), None, "{name}: payload {}", body(&invoked));
        assert_eq!(body(&invoked)["greeting"], format!("hello {name}"), "{name}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn node_handler_result_and_error() {
    if !interpreter_available("node") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(
        &lambda,
        "js",
        Runtime::Nodejs20x,
        "index.handler",
        zip(&[("index.js", NODE_APP.as_bytes(), 0o644)]),
    )
    .await;

    let ok = lambda
        .invoke()
        .function_name("js")
        .payload(payload(&json!({ "name": "node" })))
        .log_type(LogType::Tail)
        .send()
        .await
        .expect("Invoke");
    assert_eq!(ok.function_error(), None, "payload {}", body(&ok));
    assert_eq!(body(&ok)["greeting"], "hello node");
    assert_eq!(body(&ok)["function"], "js");
    let log =
        base64::engine::general_purpose::STANDARD.decode(ok.log_result().expect("LogResult")).expect("base64 log");
    assert!(String::from_utf8_lossy(&log).contains("node handler got node"));

    let failed =
        lambda.invoke().function_name("js").payload(payload(&json!({ "fail": "js" }))).send().await.expect("Invoke");
    assert_eq!(failed.function_error(), Some("Unhandled"));
    assert_eq!(body(&failed)["errorMessage"], "asked to fail: js");
    server.shutdown().await;
}

#[tokio::test]
async fn provided_bootstrap_serves_runtime_api() {
    if !interpreter_available("python3") {
        return;
    }
    // A custom runtime: the bootstrap is a Python script speaking the Runtime API itself.
    let bootstrap = br#"#!/usr/bin/env python3
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(api + "next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(response.read())
    body = json.dumps({"custom": True, "echo": event, "handler": os.environ["_HANDLER"]}).encode()
    urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", data=body, method="POST")).read()
"#;
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let script = with_python_path(bootstrap);
    create_function(
        &lambda,
        "custom",
        Runtime::from("provided.al2023"),
        "my.handler",
        zip(&[("bootstrap", script.as_bytes(), 0o755)]),
    )
    .await;
    let output =
        lambda.invoke().function_name("custom").payload(payload(&json!({ "k": 1 }))).send().await.expect("Invoke");
    assert_eq!(output.function_error(), None);
    let result = body(&output);
    assert_eq!(result["echo"]["k"], 1);
    assert_eq!(result["handler"], "my.handler");

    create_function(&lambda, "no-bootstrap", Runtime::from("provided.al2023"), "x", python_zip()).await;
    let missing = lambda.invoke().function_name("no-bootstrap").send().await.expect("Invoke");
    assert_eq!(missing.function_error(), Some("Unhandled"));
    assert_eq!(body(&missing)["errorType"], "Runtime.InvalidEntrypoint");
    server.shutdown().await;
}

#[tokio::test]
async fn event_and_dry_run_invocations() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "async", Runtime::Python312, "app.handler", python_zip()).await;
    let event = lambda
        .invoke()
        .function_name("async")
        .invocation_type(InvocationType::Event)
        .payload(payload(&json!({})))
        .send()
        .await
        .expect("Event");
    assert_eq!(event.status_code(), 202);
    let dry =
        lambda.invoke().function_name("async").invocation_type(InvocationType::DryRun).send().await.expect("DryRun");
    assert_eq!(dry.status_code(), 204);
    server.shutdown().await;
}

#[tokio::test]
async fn alias_invocation_runs_its_version() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let arn = create_function(&lambda, "aliased", Runtime::Python312, "app.handler", python_zip()).await;
    lambda.publish_version().function_name("aliased").send().await.expect("PublishVersion");
    lambda
        .create_alias()
        .function_name("aliased")
        .name("live")
        .function_version("1")
        .send()
        .await
        .expect("CreateAlias");
    let output = lambda
        .invoke()
        .function_name(format!("{arn}:live"))
        .payload(payload(&json!({})))
        .send()
        .await
        .expect("Invoke alias");
    assert_eq!(output.executed_version(), Some("1"));
    assert_eq!(body(&output)["version"], "1", "payload {}", body(&output));
    server.shutdown().await;
}

#[tokio::test]
async fn weighted_alias_routes_to_both_versions() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let arn = create_function(&lambda, "weighted", Runtime::Python312, "app.handler", python_zip()).await;
    lambda.publish_version().function_name("weighted").send().await.expect("PublishVersion 1");
    lambda.update_function_configuration().function_name("weighted").description("two").send().await.expect("update");
    lambda.publish_version().function_name("weighted").send().await.expect("PublishVersion 2");
    let weights = std::collections::HashMap::from([("2".to_owned(), 0.5)]);
    lambda
        .create_alias()
        .function_name("weighted")
        .name("split")
        .function_version("1")
        .routing_config(
            aws_sdk_lambda::types::AliasRoutingConfiguration::builder()
                .set_additional_version_weights(Some(weights))
                .build(),
        )
        .send()
        .await
        .expect("CreateAlias");

    // With weight 0.5, 40 invocations all landing on one version has probability 2^-39.
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let output = lambda.invoke().function_name(format!("{arn}:split")).send().await.expect("Invoke alias");
        let executed = output.executed_version().expect("ExecutedVersion").to_owned();
        assert_eq!(body(&output)["version"], executed.as_str(), "the handler ran in the version reported");
        seen.insert(executed);
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["1", "2"], "both versions served the alias");
    server.shutdown().await;
}

#[tokio::test]
async fn idle_worker_is_reaped() {
    if !interpreter_available("python3") {
        return;
    }
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "idle", Runtime::Python312, "app.handler", python_zip()).await;
    let first = lambda.invoke().function_name("idle").send().await.expect("Invoke");
    let pid = u32::try_from(body(&first)["pid"].as_u64().expect("pid")).expect("pid fits");

    let workers = server.emulator().lambda();
    assert_eq!(workers.stop_idle_workers(std::time::Duration::from_secs(3600)), 0, "a worker used just now is kept");
    assert_eq!(workers.stop_idle_workers(std::time::Duration::ZERO), 1, "an idle worker is stopped");
    assert!(wait_until_gone(pid).await, "the reaped process {pid} is gone");
    assert!(workers.worker_process_groups().is_empty(), "no worker remains");

    let second = lambda.invoke().function_name("idle").send().await.expect("Invoke after reaping");
    assert_ne!(body(&second)["pid"], body(&first)["pid"], "a cold start serves the next invocation");
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_leaves_no_processes() {
    if !interpreter_available("python3") {
        return;
    }
    // The handler starts a grandchild, which must die with its process group.
    let app = br#"
import os, subprocess
def handler(event, context):
    child = subprocess.Popen(["sleep", "300"])
    return {"pid": os.getpid(), "grandchild": child.pid}
"#;
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "spawner", Runtime::Python312, "app.handler", zip(&[("app.py", app, 0o644)])).await;
    let output = lambda.invoke().function_name("spawner").send().await.expect("Invoke");
    let result = body(&output);
    let pids: Vec<u32> = ["pid", "grandchild"]
        .iter()
        .map(|key| u32::try_from(result[*key].as_u64().expect("pid")).expect("pid fits"))
        .collect();
    assert!(pids.iter().all(|pid| process_alive(*pid)), "both processes run before shutdown");
    assert_eq!(server.emulator().lambda().worker_process_groups(), [pids[0]]);

    server.shutdown().await;
    for pid in pids {
        assert!(wait_until_gone(pid).await, "process {pid} survived shutdown");
    }
}

#[tokio::test]
async fn event_invocation_runs_in_background() {
    if !interpreter_available("python3") {
        return;
    }
    let marker = std::env::temp_dir().join(format!("crosscheck-lambda-event-{}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    let app = b"import os\n\ndef handler(event, context):\n    open(os.environ['MARKER'], 'w').write(event['word'])\n    return None\n";
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    lambda
        .create_function()
        .function_name("writer")
        .runtime(Runtime::Python312)
        .role(ROLE)
        .handler("app.handler")
        .environment(Environment::builder().variables("MARKER", marker.to_string_lossy()).build())
        .code(FunctionCode::builder().zip_file(Blob::new(zip(&[("app.py", app, 0o644)]))).build())
        .send()
        .await
        .expect("CreateFunction");
    let event = lambda
        .invoke()
        .function_name("writer")
        .invocation_type(InvocationType::Event)
        .payload(payload(&json!({ "word": "queued" })))
        .send()
        .await
        .expect("Event");
    assert_eq!(event.status_code(), 202);

    let mut written = None;
    for _ in 0..250 {
        if let Ok(text) = std::fs::read_to_string(&marker) {
            written = Some(text);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let _ = std::fs::remove_file(&marker);
    assert_eq!(written.as_deref(), Some("queued"), "the Event invocation ran within 5 seconds");
    server.shutdown().await;
}

#[tokio::test]
async fn deflated_package_runs() {
    if !interpreter_available("python3") {
        return;
    }
    // Python's zipfile writes deflated entries, as most zip tools do.
    let directory = std::env::temp_dir().join(format!("crosscheck-lambda-deflate-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("scratch directory");
    let archive = directory.join("package.zip");
    let script = format!(
        "import zipfile\nsource = 'def handler(event, context):\\n    return {{\"words\": ' + repr(['word%d' % i for i in range(300)]) + '}}\\n'\nwith zipfile.ZipFile({:?}, 'w', zipfile.ZIP_DEFLATED) as z:\n    z.writestr('app.py', source)\n",
        archive.to_string_lossy()
    );
    let status = std::process::Command::new("python3").args(["-c", &script]).status().expect("python3 runs");
    assert!(status.success(), "python3 wrote the zip file");
    let package = std::fs::read(&archive).expect("read the zip file");
    let _ = std::fs::remove_dir_all(&directory);

    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "deflated", Runtime::Python312, "app.handler", package).await;
    let output = lambda.invoke().function_name("deflated").send().await.expect("Invoke");
    assert_eq!(output.function_error(), None, "payload {}", body(&output));
    let result = body(&output);
    assert_eq!(result["words"][299], "word299", "the inflated module ran");
    server.shutdown().await;
}

#[tokio::test]
async fn zero_concurrency_throttles() {
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "throttled", Runtime::Python312, "app.handler", python_zip()).await;
    lambda
        .put_function_concurrency()
        .function_name("throttled")
        .reserved_concurrent_executions(0)
        .send()
        .await
        .expect("PutFunctionConcurrency");
    let error = lambda.invoke().function_name("throttled").send().await.expect_err("throttled");
    assert_eq!(crate::common::error_of(&error), ("TooManyRequestsException".to_owned(), 429));
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_kills_new_session_child() {
    if !interpreter_available("python3") {
        return;
    }
    // A child that calls setsid leaves the worker's process group, so killing
    // the group alone would leave it running after the emulator stops.
    let app = br#"
import subprocess
def handler(event, context):
    child = subprocess.Popen(["sleep", "300"], start_new_session=True)
    return {"child": child.pid}
"#;
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "detacher", Runtime::Python312, "app.handler", zip(&[("app.py", app, 0o644)])).await;
    let output = lambda.invoke().function_name("detacher").send().await.expect("Invoke");
    let child = u32::try_from(body(&output)["child"].as_u64().expect("child pid")).expect("pid fits");
    assert!(process_alive(child), "the detached child runs before shutdown");

    server.shutdown().await;
    let child_gone = wait_until_gone(child).await;
    if !child_gone {
        // Do not leave the test's own process behind when the assertion fails.
        let _ = std::process::Command::new("kill").args(["-s", "KILL", &child.to_string()]).status();
    }
    assert!(child_gone, "the detached child {child} survived shutdown");
}

#[tokio::test]
async fn code_update_lets_running_invocation_finish() {
    if !interpreter_available("python3") {
        return;
    }
    // An invocation that is already running finishes with the code it started
    // with, and only later invocations get the new code.
    let handler = |version: &str| {
        format!(
            "import os, time\ndef handler(event, context):\n    if event.get('started'):\n        open(event['started'], 'w').write('x')\n        time.sleep(2)\n    return {{'code': '{version}', 'pid': os.getpid()}}\n"
        )
    };
    let started = std::env::temp_dir().join(format!("crosscheck-lambda-update-{}", std::process::id()));
    let _ = std::fs::remove_file(&started);
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    let old_code = handler("v1");
    create_function(
        &lambda,
        "updated",
        Runtime::Python312,
        "app.handler",
        zip(&[("app.py", old_code.as_bytes(), 0o644)]),
    )
    .await;

    let running = tokio::spawn({
        let lambda = lambda.clone();
        let event = json!({ "started": started.to_string_lossy() });
        async move { lambda.invoke().function_name("updated").payload(payload(&event)).send().await }
    });
    let mut waited = 0;
    while !started.exists() && waited < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
    assert!(started.exists(), "the first invocation started within 10 s");
    let new_code = handler("v2");
    lambda
        .update_function_code()
        .function_name("updated")
        .zip_file(Blob::new(zip(&[("app.py", new_code.as_bytes(), 0o644)])))
        .send()
        .await
        .expect("UpdateFunctionCode");

    let first = running.await.expect("the invocation task").expect("Invoke");
    let _ = std::fs::remove_file(&started);
    assert_eq!(first.function_error(), None, "the running invocation was not killed: {:?}", body(&first));
    assert_eq!(body(&first)["code"], "v1", "the running invocation finishes with the old code");
    let old_pid = u32::try_from(body(&first)["pid"].as_u64().expect("pid")).expect("pid fits");
    assert!(wait_until_gone(old_pid).await, "the old worker {old_pid} stops after its invocation");

    let second = lambda.invoke().function_name("updated").send().await.expect("Invoke after the update");
    assert_eq!(body(&second)["code"], "v2", "the next invocation runs the new code");
    server.shutdown().await;
}

#[tokio::test]
async fn runtime_api_unknown_path_keeps_invocation() {
    if !interpreter_available("python3") {
        return;
    }
    // A POST to an unknown path under /invocation/{id}/ gets 404 and must not
    // end the invocation, so the runtime can still post its response.
    let bootstrap = br#"#!/usr/bin/env python3
import json, os, urllib.error, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(api + "next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        response.read()
    try:
        urllib.request.urlopen(urllib.request.Request(api + request_id + "/unknown", data=b"{}", method="POST")).read()
        status = 202
    except urllib.error.HTTPError as error:
        status = error.code
    body = json.dumps({"unknown_path_status": status}).encode()
    urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", data=body, method="POST")).read()
"#;
    let script = with_python_path(bootstrap);
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(
        &lambda,
        "unknown-path",
        Runtime::from("provided.al2023"),
        "x",
        zip(&[("bootstrap", script.as_bytes(), 0o755)]),
    )
    .await;
    let output = lambda.invoke().function_name("unknown-path").send().await.expect("Invoke");
    assert_eq!(output.function_error(), None, "the invocation still succeeds: {:?}", body(&output));
    assert_eq!(body(&output)["unknown_path_status"], 404, "the unknown path gets 404");
    server.shutdown().await;
}

#[tokio::test]
async fn python_unserializable_result_is_marshal_error() {
    if !interpreter_available("python3") {
        return;
    }
    // The Python runtime reports a result json.dumps cannot encode as
    // Runtime.MarshalError and logs the error line.
    let app = b"def handler(event, context):\n    return {1, 2}\n";
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "set-result", Runtime::Python312, "app.handler", zip(&[("app.py", app, 0o644)])).await;
    let output = lambda.invoke().function_name("set-result").log_type(LogType::Tail).send().await.expect("Invoke");
    assert_eq!(output.function_error(), Some("Unhandled"));
    let error = body(&output);
    assert_eq!(error["errorType"], "Runtime.MarshalError");
    let message = error["errorMessage"].as_str().unwrap_or_default();
    assert!(message.starts_with("Unable to marshal response: "), "errorMessage {message:?}");
    let log =
        base64::engine::general_purpose::STANDARD.decode(output.log_result().expect("LogResult")).expect("base64");
    let log = String::from_utf8_lossy(&log);
    assert!(log.contains("[ERROR] Runtime.MarshalError: Unable to marshal response"), "log tail {log:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn response_limit_is_6291556_bytes() {
    if !interpreter_available("python3") {
        return;
    }
    // Lambda's synchronous response limit is 6291556 bytes, 100 bytes more
    // than the request limit; the handler returns a JSON string of n + 2 bytes.
    let app = b"def handler(event, context):\n    return 'x' * event['n']\n";
    let server = start().await;
    let lambda = client(&server, OWNER, REGION);
    create_function(&lambda, "sized", Runtime::Python312, "app.handler", zip(&[("app.py", app, 0o644)])).await;

    let at_limit = lambda.invoke().function_name("sized").payload(payload(&json!({ "n": 6_291_554 }))).send().await;
    let at_limit = at_limit.expect("Invoke at the limit");
    assert_eq!(at_limit.function_error(), None, "a response of 6291556 bytes is allowed");
    assert_eq!(at_limit.payload().map(|payload| payload.as_ref().len()), Some(6_291_556));

    let over = lambda.invoke().function_name("sized").payload(payload(&json!({ "n": 6_291_555 }))).send().await;
    let over = over.expect("Invoke over the limit");
    assert_eq!(over.function_error(), Some("Unhandled"), "a response of 6291557 bytes is too large");
    let error = body(&over);
    assert_eq!(error["errorType"], "Function.ResponseSizeTooLarge");
    let message = error["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("(6291556 bytes)"), "errorMessage {message:?}");
    server.shutdown().await;
}
