//! Runs function handlers as child processes that speak the Lambda Runtime API
//! (<https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html>).
//!
//! Each function version gets a pool of [`Worker`]s: an invocation takes an
//! idle worker of its version or starts a new one, so concurrent invocations
//! run in parallel processes, bounded by [`super::concurrency`]. A worker owns a temporary
//! directory with the unpacked code (`task/`) and layers (`opt/`), plus a
//! small runtime client for Python and Node.js ([`PYTHON_CLIENT`],
//! [`NODE_CLIENT`]). It serves the Runtime API on its own loopback port. Its
//! child process runs in a process group of its own, so stopping the worker
//! kills every process the handler started, and on Linux also those that left
//! the group but kept the worker's marker variable. Workers are reused while warm, stopped after
//! [`IDLE_TIMEOUT`] without use, on timeout, when the function changes and
//! when the server shuts down.
//!
//! The child gets a minimal environment: `PATH`, `LANG`, `TZ`, the variables
//! Lambda defines for every function
//! (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime>)
//! and the function's own `Environment`. No credentials are passed.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};

use super::model::VersionConfig;
use super::zip;

/// How long a worker stays warm without an invocation.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How often idle workers are looked for.
const REAP_INTERVAL: Duration = Duration::from_secs(5);

/// Maximum response payload of a synchronous invocation: 6 MB plus 100 bytes,
/// the value Lambda names in its Function.ResponseSizeTooLarge message
/// (quoted in <https://github.com/DataBiosphere/azul/issues/8258>).
pub const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024 + 100;

/// How much of a worker's output is kept for `LogType: Tail`.
const LOG_BUFFER_BYTES: usize = 64 * 1024;

/// How long the interpreter look-up may take.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

/// The Python runtime client, written next to the code as `runtime/bootstrap.py`.
pub const PYTHON_CLIENT: &str = r#"
# Runtime client for the crosscheck emulator: imports the handler and serves
# invocations from the Lambda Runtime API until the process is killed.
import importlib, json, os, sys, time, traceback, urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"

def post(path, body, error_type=None):
    data = json.dumps(body).encode() if not isinstance(body, bytes) else body
    request = urllib.request.Request(API + path, data=data, method="POST")
    if error_type:
        request.add_header("Lambda-Runtime-Function-Error-Type", error_type)
    urllib.request.urlopen(request).read()

def error_body(error, error_type=None):
    return {
        "errorMessage": str(error),
        "errorType": error_type or type(error).__name__,
        "stackTrace": traceback.format_tb(error.__traceback__),
    }

class Context:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

def load_handler():
    module_path, _, function_name = os.environ["_HANDLER"].rpartition(".")
    try:
        module = importlib.import_module(module_path.replace("/", "."))
    except Exception as error:
        post("/init/error", error_body(error, "Runtime.ImportModuleError"), "Runtime.ImportModuleError")
        sys.exit(1)
    handler = getattr(module, function_name, None)
    if handler is None:
        message = "Handler '%s' missing on module '%s'" % (function_name, module_path)
        post("/init/error", {"errorMessage": message, "errorType": "Runtime.HandlerNotFound"}, "Runtime.HandlerNotFound")
        sys.exit(1)
    return handler

def main():
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    handler = load_handler()
    while True:
        with urllib.request.urlopen(API + "/invocation/next") as response:
            headers = response.headers
            payload = response.read()
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        try:
            event = json.loads(payload) if payload else None
            result = handler(event, Context(headers))
        except Exception as error:
            body = error_body(error)
            print("[ERROR] %s: %s" % (body["errorType"], body["errorMessage"]), file=sys.stderr, flush=True)
            post("/invocation/%s/error" % request_id, body, "Unhandled")
            continue
        # Lambda reports a result that json.dumps cannot encode as Runtime.MarshalError.
        try:
            encoded = json.dumps(result).encode()
        except Exception as error:
            message = "Unable to marshal response: %s" % error
            print("[ERROR] Runtime.MarshalError: %s" % message, file=sys.stderr, flush=True)
            body = {"errorMessage": message, "errorType": "Runtime.MarshalError"}
            post("/invocation/%s/error" % request_id, body, "Runtime.MarshalError")
            continue
        post("/invocation/%s/response" % request_id, encoded)

main()
"#;

/// The Node.js runtime client, written next to the code as `runtime/bootstrap.js`.
pub const NODE_CLIENT: &str = r#"
// Runtime client for the crosscheck emulator: loads the handler and serves
// invocations from the Lambda Runtime API until the process is killed.
const http = require("http");
const path = require("path");
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const base = "/2018-06-01/runtime";

function call(method, route, body, errorType) {
  return new Promise((resolve, reject) => {
    const headers = {};
    if (errorType) headers["Lambda-Runtime-Function-Error-Type"] = errorType;
    const request = http.request({ host, port, method, path: base + route, headers }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    request.on("error", reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

// Resolves once everything written to stdout and stderr so far has reached the
// pipes, because Node.js writes to pipes asynchronously and the emulator reads
// the log tail as soon as the result arrives.
function flushOutput() {
  return Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write("", resolve))));
}

function errorBody(error, errorType) {
  return JSON.stringify({
    errorType: errorType || (error && error.name) || "Error",
    errorMessage: error && error.message !== undefined ? error.message : String(error),
    trace: error && error.stack ? String(error.stack).split("\n") : [],
  });
}

async function loadHandler() {
  const spec = process.env._HANDLER;
  const dot = spec.lastIndexOf(".");
  const modulePath = path.resolve(process.env.LAMBDA_TASK_ROOT, spec.slice(0, dot));
  const name = spec.slice(dot + 1);
  let module;
  try {
    module = require(modulePath);
  } catch (error) {
    await call("POST", "/init/error", errorBody(error, "Runtime.ImportModuleError"), "Runtime.ImportModuleError");
    process.exit(1);
  }
  const handler = module[name];
  if (typeof handler !== "function") {
    const message = `${spec} is undefined or not exported`;
    await call("POST", "/init/error", JSON.stringify({ errorType: "Runtime.HandlerNotFound", errorMessage: message }), "Runtime.HandlerNotFound");
    process.exit(1);
  }
  return handler;
}

async function main() {
  const handler = await loadHandler();
  for (;;) {
    const next = await call("GET", "/invocation/next");
    const requestId = next.headers["lambda-runtime-aws-request-id"];
    const deadline = Number(next.headers["lambda-runtime-deadline-ms"] || 0);
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: next.headers["lambda-runtime-invoked-function-arn"],
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      const event = next.body ? JSON.parse(next.body) : null;
      const result = await handler(event, context);
      await flushOutput();
      await call("POST", `/invocation/${requestId}/response`, JSON.stringify(result === undefined ? null : result));
    } catch (error) {
      await flushOutput();
      await call("POST", `/invocation/${requestId}/error`, errorBody(error), "Unhandled");
    }
  }
}

main();
"#;

/// The end state of a handler invocation.
#[derive(Debug)]
pub enum Outcome {
    /// The handler returned this payload.
    Response(Bytes),
    /// The handler, or the runtime during initialization, reported this error document.
    Error(Bytes),
    /// The invocation did not finish within the function's timeout.
    TimedOut,
}

/// The result of one invocation: its outcome and the worker's output during it.
#[derive(Debug)]
pub struct Invocation {
    pub outcome: Outcome,
    pub log: Vec<u8>,
}

/// One invocation waiting for the runtime to fetch it.
struct Pending {
    request_id: String,
    payload: Bytes,
    deadline_ms: u128,
    invoked_arn: String,
}

/// The output of a worker's process, keeping the last [`LOG_BUFFER_BYTES`].
#[derive(Default)]
struct LogBuffer {
    bytes: VecDeque<u8>,
    /// Bytes ever written, so a reader can take what arrived after a point.
    total: u64,
}

impl LogBuffer {
    fn append(&mut self, data: &[u8]) {
        self.bytes.extend(data);
        self.total += data.len() as u64;
        let excess = self.bytes.len().saturating_sub(LOG_BUFFER_BYTES);
        self.bytes.drain(..excess);
    }

    fn since(&self, position: u64) -> Vec<u8> {
        let available = self.total - self.bytes.len() as u64;
        let skip = usize::try_from(position.saturating_sub(available)).unwrap_or(usize::MAX);
        self.bytes.iter().skip(skip).copied().collect()
    }
}

/// State the Runtime API server and the invoking requests share.
struct Shared {
    pending: tokio::sync::Mutex<mpsc::Receiver<Pending>>,
    results: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    init_error: Mutex<Option<Bytes>>,
}

/// A running handler process for one function version.
pub struct Worker {
    key: String,
    process_group: u32,
    /// The value of [`WORKER_MARKER`] in the environment of this worker's processes.
    marker: String,
    directory: TempDirectory,
    shared: Arc<Shared>,
    queue: mpsc::Sender<Pending>,
    /// True while a [`Lease`] has the worker, because one worker runs one invocation at a time.
    in_use: AtomicBool,
    last_used: Mutex<Instant>,
    exited: watch::Receiver<bool>,
    logs: Arc<Mutex<LogBuffer>>,
    stop_server: watch::Sender<bool>,
    stopped: Mutex<bool>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Worker {
    /// Kills the process group, stops the Runtime API server and removes the directory. Idempotent.
    pub fn stop(&self) {
        let mut stopped = lock(&self.stopped);
        if *stopped {
            return;
        }
        *stopped = true;
        kill_process_group(self.process_group);
        kill_marked_processes(&self.marker);
        let _ = self.stop_server.send(true);
        self.directory.remove();
        tracing::debug!(worker = %self.key, process_group = self.process_group, "stopped Lambda worker");
    }

    fn has_exited(&self) -> bool {
        *self.exited.borrow()
    }

    /// Runs one invocation and waits for its outcome, the process's exit or
    /// the timeout. The caller must have the worker's [`Lease`].
    async fn invoke(
        &self,
        request_id: &str,
        payload: Bytes,
        invoked_arn: &str,
        timeout: Duration,
    ) -> Option<Invocation> {
        if self.has_exited() || *lock(&self.stopped) {
            return None;
        }
        *lock(&self.last_used) = Instant::now();
        let request_id = request_id.to_owned();
        let (sender, receiver) = oneshot::channel();
        lock(&self.shared.results).insert(request_id.clone(), sender);
        let log_start = lock(&self.logs).total;
        let deadline_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |now| (now + timeout).as_millis());
        let pending =
            Pending { request_id: request_id.clone(), payload, deadline_ms, invoked_arn: invoked_arn.to_owned() };
        if self.queue.send(pending).await.is_err() {
            return None;
        }

        let mut exited = self.exited.clone();
        let outcome = tokio::select! {
            outcome = receiver => outcome.ok(),
            _ = exited.wait_for(|exited| *exited) => None,
            () = tokio::time::sleep(timeout) => Some(Outcome::TimedOut),
        };
        lock(&self.shared.results).remove(&request_id);
        let outcome = match outcome {
            Some(outcome) => outcome,
            None => {
                let init_error = lock(&self.shared.init_error).take();
                Outcome::Error(init_error.unwrap_or_else(|| {
                    Bytes::from(
                        serde_json::json!({
                            "errorType": "Runtime.ExitError",
                            "errorMessage": format!("RequestId: {request_id} Error: Runtime exited without providing a reason"),
                        })
                        .to_string(),
                    )
                }))
            }
        };
        // The process writes its output before it posts the result, but the
        // reader threads may not have taken it from the pipes yet.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let log = lock(&self.logs).since(log_start);
        *lock(&self.last_used) = Instant::now();
        Some(Invocation { outcome, log })
    }
}

/// Exclusive use of a worker for one invocation; dropping it makes the worker idle again.
struct Lease(Arc<Worker>);

impl Lease {
    /// Takes `worker` when it is idle and alive.
    fn try_take(worker: &Arc<Worker>) -> Option<Lease> {
        if worker.has_exited() || *lock(&worker.stopped) {
            return None;
        }
        worker.in_use.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).ok()?;
        Some(Lease(worker.clone()))
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        *lock(&self.0.last_used) = Instant::now();
        self.0.in_use.store(false, Ordering::SeqCst);
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A worker's directory, removed when dropped, so a worker start that fails
/// or is cancelled midway leaves nothing behind.
struct TempDirectory(PathBuf);

impl TempDirectory {
    fn remove(&self) {
        match std::fs::remove_dir_all(&self.0) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => tracing::debug!(%error, directory = %self.0.display(), "could not remove a worker directory"),
        }
    }
}

impl Drop for TempDirectory {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Kills every process in the group `process_group` with SIGKILL, through `kill(1)`.
fn kill_process_group(process_group: u32) {
    let status = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{process_group}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if let Err(error) = status {
        tracing::warn!(%error, process_group, "could not run kill for a Lambda worker");
    }
}

/// The environment variable that marks every process of a worker, so the
/// descendants that left the worker's process group with `setsid` are found.
const WORKER_MARKER: &str = "CROSSCHECK_LAMBDA_WORKER";

/// Kills with SIGKILL every process whose environment has [`WORKER_MARKER`]
/// set to `marker`.
///
/// NOTE: this reads `/proc`, so it finds nothing outside Linux, and it misses
/// a descendant that was started with a cleared environment.
fn kill_marked_processes(marker: &str) {
    let variable = format!("{WORKER_MARKER}={marker}");
    // A marked process may fork while its parent is being killed, so a few passes run.
    for _ in 0..3 {
        let pids = marked_processes(variable.as_bytes());
        if pids.is_empty() {
            return;
        }
        tracing::debug!(?pids, "killing Lambda worker processes outside the process group");
        let status = Command::new("kill")
            .args(["-s", "KILL", "--"])
            .args(&pids)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if let Err(error) = status {
            tracing::warn!(%error, ?pids, "could not run kill for Lambda worker processes");
            return;
        }
    }
}

/// Lists the ids of the live processes whose environment contains `variable` (`NAME=value`).
fn marked_processes(variable: &[u8]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().into_string().ok()?;
            if !pid.bytes().all(|byte| byte.is_ascii_digit()) {
                return None;
            }
            // A zombie's environ is empty, so processes already killed are not listed again.
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            environ.split(|byte| *byte == 0).any(|entry| entry == variable).then_some(pid)
        })
        .collect()
}

/// The facts about a function version that a worker needs to run it.
pub struct FunctionInfo<'a> {
    /// The function ARN qualified with the version, the worker's key.
    pub version_arn: String,
    pub function_name: &'a str,
    pub region: &'a str,
    /// The Invoke request's id, which the handler receives as its context's request id.
    pub request_id: String,
    pub config: &'a VersionConfig,
}

/// The workers of one function version.
type Pool = Vec<Arc<Worker>>;

/// Every worker, pooled by function version ARN.
#[derive(Default)]
pub struct Workers {
    by_key: Arc<Mutex<HashMap<String, Pool>>>,
    reaper_started: std::sync::OnceLock<()>,
    /// Set by [`Workers::stop_all`], so an asynchronous invocation still in
    /// flight at shutdown cannot start a process that no one stops.
    closed: std::sync::atomic::AtomicBool,
    /// Workers taken out of their pool by [`Workers::retire_function`] while
    /// they ran an invocation. Each stops when its lease ends and drops the
    /// last reference, or at [`Workers::stop_all`], whichever comes first.
    retired: Mutex<Vec<Weak<Worker>>>,
}

/// Removes from `map` the pools of `arn` and of every version under it, and returns their workers.
fn take_function_pools(map: &mut HashMap<String, Pool>, arn: &str) -> Vec<Arc<Worker>> {
    let keys: Vec<String> = map
        .keys()
        .filter(|key| *key == arn || key.strip_prefix(arn).is_some_and(|rest| rest.starts_with(':')))
        .cloned()
        .collect();
    keys.iter().filter_map(|key| map.remove(key)).flatten().collect()
}

/// Numbers worker directories; global, because several emulators may share one process.
static DIRECTORY_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The reason a worker could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Runtime(String),
    #[error("the deployment package could not be unpacked: {0}")]
    Unpack(#[from] zip::ZipError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Workers {
    /// Stops and removes the workers of `arn` and of every version under it.
    pub fn stop_function(&self, arn: &str) {
        let removed = take_function_pools(&mut lock(&self.by_key), arn);
        for worker in removed {
            worker.stop();
        }
    }

    /// Removes the workers of `arn` and of every version under it from their
    /// pools, so the next invocation starts with the function's current code.
    /// Idle workers stop now. A busy worker finishes its invocation with the
    /// code it started with and stops when its lease ends.
    ///
    /// NOTE: unverified that Lambda lets a running invocation finish on the old
    /// code. Its UpdateFunctionConfiguration reference states only that a
    /// function can still be invoked while an update is in progress.
    pub fn retire_function(&self, arn: &str) {
        let idle: Vec<Arc<Worker>> = {
            let mut map = lock(&self.by_key);
            let removed = take_function_pools(&mut map, arn);
            // Leases are taken under the map lock, so a worker idle here cannot be leased before it stops.
            let (busy, idle): (Pool, Pool) =
                removed.into_iter().partition(|worker| worker.in_use.load(Ordering::SeqCst));
            let mut retired = lock(&self.retired);
            retired.retain(|worker| worker.strong_count() > 0);
            retired.extend(busy.iter().map(Arc::downgrade));
            idle
        };
        for worker in idle {
            worker.stop();
        }
    }

    /// Reports whether [`Workers::stop_all`] ran, after which no worker starts.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Stops every worker and starts no new ones.
    pub fn stop_all(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let removed: Vec<Arc<Worker>> = lock(&self.by_key).drain().flat_map(|(_, pool)| pool).collect();
        let retired: Vec<Arc<Worker>> = lock(&self.retired).drain(..).filter_map(|worker| worker.upgrade()).collect();
        for worker in removed.into_iter().chain(retired) {
            worker.stop();
        }
    }

    /// Stops the workers idle for at least `idle_for` now, as the background
    /// reaper does every few seconds with [`IDLE_TIMEOUT`]; returns how many stopped.
    pub fn stop_idle(&self, idle_for: Duration) -> usize {
        stop_idle_workers(&self.by_key, idle_for)
    }

    /// Returns the process group ids of the running workers, for tests that check for orphans.
    pub fn process_groups(&self) -> Vec<u32> {
        lock(&self.by_key).values().flatten().map(|worker| worker.process_group).collect()
    }

    /// Invokes the function version on an idle warm worker, or on a new one
    /// when every warm worker is busy. A worker that timed out or exited is
    /// stopped and not reused. The caller bounds how many invocations run at once.
    pub async fn invoke(
        &self,
        function: &FunctionInfo<'_>,
        payload: Bytes,
        invoked_arn: &str,
    ) -> Result<Invocation, StartError> {
        self.start_reaper();
        let timeout = Duration::from_secs(function.config.timeout);
        // A worker found dead is replaced once; a second failure is reported.
        for _ in 0..2 {
            // The lease is held until a broken worker is removed, so no other invocation takes it.
            let lease = self.lease_worker(function).await?;
            let worker = &lease.0;
            match worker.invoke(&function.request_id, payload.clone(), invoked_arn, timeout).await {
                Some(invocation) => {
                    if matches!(invocation.outcome, Outcome::TimedOut) || worker.has_exited() {
                        self.remove(worker);
                    }
                    return Ok(invocation);
                }
                None => self.remove(worker),
            }
        }
        Err(StartError::Runtime("the runtime process exited before it took the invocation".to_owned()))
    }

    fn remove(&self, worker: &Arc<Worker>) {
        let mut map = lock(&self.by_key);
        if let Some(pool) = map.get_mut(&worker.key) {
            pool.retain(|current| !Arc::ptr_eq(current, worker));
            if pool.is_empty() {
                map.remove(&worker.key);
            }
        }
        drop(map);
        worker.stop();
    }

    /// Leases an idle worker of the version, or starts a new one.
    async fn lease_worker(&self, function: &FunctionInfo<'_>) -> Result<Lease, StartError> {
        {
            let mut map = lock(&self.by_key);
            if let Some(pool) = map.get_mut(&function.version_arn) {
                // Dead workers leave the pool here, or when the reaper finds them idle.
                let (dead, alive): (Pool, Pool) = pool.drain(..).partition(|worker| worker.has_exited());
                *pool = alive;
                let lease = pool.iter().find_map(Lease::try_take);
                drop(map);
                for worker in dead {
                    worker.stop();
                }
                if let Some(lease) = lease {
                    return Ok(lease);
                }
            }
        }
        if self.closed.load(Ordering::SeqCst) {
            return Err(StartError::Runtime("the emulator is shutting down".to_owned()));
        }
        let worker = Arc::new(self.start_worker(function).await?);
        // A new worker starts in use, so no other invocation takes it first.
        let lease = Lease(worker.clone());
        lock(&self.by_key).entry(function.version_arn.clone()).or_default().push(worker.clone());
        // stop_all may have run while the worker started; it must not outlive shutdown.
        if self.closed.load(Ordering::SeqCst) {
            drop(lease);
            self.remove(&worker);
            return Err(StartError::Runtime("the emulator is shutting down".to_owned()));
        }
        Ok(lease)
    }

    fn start_reaper(&self) {
        self.reaper_started.get_or_init(|| {
            let by_key = Arc::downgrade(&self.by_key);
            tokio::spawn(reap_idle(by_key));
        });
    }

    async fn start_worker(&self, function: &FunctionInfo<'_>) -> Result<Worker, StartError> {
        let config = function.config;
        let number = DIRECTORY_COUNTER.fetch_add(1, Ordering::Relaxed);
        let directory = std::env::temp_dir().join(format!("crosscheck-lambda-{}-{number}", std::process::id()));
        // Unpacking and the interpreter look-up block, so they run off the async
        // workers. The blocking task owns the directory guard until it returns,
        // so a cancelled start still removes what the task writes.
        let prepared = {
            let guard = TempDirectory(directory.clone());
            let config = config.clone();
            tokio::task::spawn_blocking(move || {
                let result = prepare_directory(&guard.0, &config);
                (guard, result)
            })
            .await
        };
        let (directory_guard, command) = match prepared {
            Ok((guard, Ok(command))) => (guard, command),
            Ok((_guard, Err(error))) => return Err(error),
            Err(error) => return Err(StartError::Runtime(format!("preparing the worker directory failed: {error}"))),
        };

        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (queue, receiver) = mpsc::channel(1);
        let shared = Arc::new(Shared {
            pending: tokio::sync::Mutex::new(receiver),
            results: Mutex::new(HashMap::new()),
            init_error: Mutex::new(None),
        });
        let (stop_server, server_stopped) = watch::channel(false);
        tokio::spawn(serve_runtime_api(listener, shared.clone(), server_stopped));

        let marker = uuid::Uuid::new_v4().simple().to_string();
        let mut environment = child_environment(function, &directory, port, &command.path_prefix);
        environment.insert(WORKER_MARKER.to_owned(), marker.clone());
        let mut child_command = Command::new(&command.program);
        child_command
            .args(&command.args)
            .current_dir(directory.join("task"))
            .env_clear()
            .envs(&environment)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt as _;
            child_command.process_group(0);
        }
        let mut child = match child_command.spawn() {
            Ok(child) => child,
            Err(error) => {
                let _ = stop_server.send(true);
                return Err(StartError::Runtime(format!("could not start {}: {error}", command.program.display())));
            }
        };
        let process_group = child.id();
        tracing::debug!(worker = %function.version_arn, process_group, "started Lambda worker");

        let logs = Arc::new(Mutex::new(LogBuffer::default()));
        for stream in [
            child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let logs = logs.clone();
            std::thread::spawn(move || copy_output(stream, &logs));
        }
        let (exit_sender, exited) = watch::channel(false);
        std::thread::spawn(move || {
            let status = child.wait();
            tracing::debug!(process_group, ?status, "Lambda worker process exited");
            let _ = exit_sender.send(true);
        });

        Ok(Worker {
            key: function.version_arn.clone(),
            process_group,
            marker,
            directory: directory_guard,
            shared,
            queue,
            in_use: AtomicBool::new(true),
            last_used: Mutex::new(Instant::now()),
            exited,
            logs,
            stop_server,
            stopped: Mutex::new(false),
        })
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.stop_all();
    }
}

fn copy_output(mut stream: Box<dyn std::io::Read + Send>, logs: &Mutex<LogBuffer>) {
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(read) => lock(logs).append(&buffer[..read]),
        }
    }
}

async fn reap_idle(by_key: Weak<Mutex<HashMap<String, Pool>>>) {
    loop {
        tokio::time::sleep(REAP_INTERVAL).await;
        let Some(by_key) = by_key.upgrade() else {
            return;
        };
        stop_idle_workers(&by_key, IDLE_TIMEOUT);
    }
}

/// Stops the workers that have not run an invocation for longer than `idle_for`, and returns how many.
fn stop_idle_workers(by_key: &Mutex<HashMap<String, Pool>>, idle_for: Duration) -> usize {
    let idle: Vec<Arc<Worker>> = {
        let mut map = lock(by_key);
        let mut idle = Vec::new();
        for pool in map.values_mut() {
            // Leases are taken under this map lock, so a worker found idle here stays idle.
            let (stale, kept): (Pool, Pool) = pool.drain(..).partition(|worker| {
                !worker.in_use.load(Ordering::SeqCst) && lock(&worker.last_used).elapsed() >= idle_for
            });
            *pool = kept;
            idle.extend(stale);
        }
        map.retain(|_, pool| !pool.is_empty());
        idle
    };
    for worker in &idle {
        tracing::debug!(worker = %worker.key, "stopping idle Lambda worker");
        worker.stop();
    }
    idle.len()
}

/// The program that starts a runtime, and the directory to put first on its `PATH`.
struct RuntimeCommand {
    program: PathBuf,
    args: Vec<String>,
    path_prefix: Option<PathBuf>,
}

/// Unpacks code and layers, writes the runtime client and returns the command to start.
fn prepare_directory(directory: &Path, config: &VersionConfig) -> Result<RuntimeCommand, StartError> {
    let task = directory.join("task");
    let opt = directory.join("opt");
    let runtime = directory.join("runtime");
    for path in [&task, &opt, &runtime] {
        std::fs::create_dir_all(path)?;
    }
    // Later layers overwrite files of earlier ones, as Lambda merges them into /opt.
    for layer in &config.layers {
        zip::extract(&layer.code.zip, &opt)?;
    }
    zip::extract(&config.code.zip, &task)?;

    if config.runtime.starts_with("python3") {
        let client = runtime.join("bootstrap.py");
        std::fs::write(&client, PYTHON_CLIENT)?;
        let python = python_executable().ok_or_else(|| {
            StartError::Runtime(format!("no python3 interpreter was found for runtime {}", config.runtime))
        })?;
        return Ok(RuntimeCommand {
            program: python.clone(),
            args: vec![client.to_string_lossy().into_owned()],
            path_prefix: python.parent().map(Path::to_path_buf),
        });
    }
    if config.runtime.starts_with("nodejs") {
        let client = runtime.join("bootstrap.js");
        std::fs::write(&client, NODE_CLIENT)?;
        let node = find_on_path("node").ok_or_else(|| {
            StartError::Runtime(format!("no node interpreter was found for runtime {}", config.runtime))
        })?;
        return Ok(RuntimeCommand {
            program: node.clone(),
            args: vec![client.to_string_lossy().into_owned()],
            path_prefix: node.parent().map(Path::to_path_buf),
        });
    }
    if config.runtime.starts_with("provided") {
        let bootstrap = task.join("bootstrap");
        if !bootstrap.is_file() {
            return Err(StartError::Runtime("Couldn't find valid bootstrap(s): [/var/task/bootstrap]".to_owned()));
        }
        return Ok(RuntimeCommand { program: bootstrap, args: Vec::new(), path_prefix: None });
    }
    Err(StartError::Runtime(format!(
        "runtime {} cannot be invoked by this emulator; use python3.*, nodejs* or provided.*",
        config.runtime
    )))
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|directory| directory.join(program))
        .find(|candidate| candidate.is_file())
        .and_then(|found| std::fs::canonicalize(found).ok())
}

/// Returns the real Python executable. `python3` on `PATH` may be a wrapper
/// such as a pyenv shim that needs the caller's environment, so the
/// interpreter is asked for `sys.executable` once.
fn python_executable() -> Option<PathBuf> {
    static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let mut child = Command::new("python3")
                .args(["-c", "import sys; print(sys.executable)"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let started = Instant::now();
            loop {
                match child.try_wait() {
                    Ok(Some(status)) if status.success() => break,
                    Ok(None) if started.elapsed() < LOOKUP_TIMEOUT => std::thread::sleep(Duration::from_millis(20)),
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        return None;
                    }
                }
            }
            let mut output = String::new();
            std::io::Read::read_to_string(&mut child.stdout.take()?, &mut output).ok()?;
            let path = PathBuf::from(output.trim());
            path.is_file().then_some(path)
        })
        .clone()
}

/// Builds the child's whole environment.
fn child_environment(
    function: &FunctionInfo<'_>,
    directory: &Path,
    port: u16,
    path_prefix: &Option<PathBuf>,
) -> BTreeMap<String, String> {
    let config = function.config;
    let task = directory.join("task").to_string_lossy().into_owned();
    let opt = directory.join("opt").to_string_lossy().into_owned();
    let mut path = String::new();
    if let Some(prefix) = path_prefix {
        path.push_str(&prefix.to_string_lossy());
        path.push(':');
    }
    path.push_str(&format!("{opt}/bin:/usr/local/bin:/usr/bin:/bin"));

    let mut environment: BTreeMap<String, String> = config.environment.clone();
    let python_version = config.runtime.trim_start_matches("python");
    let node_major = config.runtime.trim_start_matches("nodejs").trim_end_matches(".x");
    let fixed = [
        ("PATH", path),
        ("LANG", "en_US.UTF-8".to_owned()),
        ("TZ", ":UTC".to_owned()),
        ("LAMBDA_TASK_ROOT", task.clone()),
        ("LAMBDA_RUNTIME_DIR", directory.join("runtime").to_string_lossy().into_owned()),
        ("LD_LIBRARY_PATH", format!("{opt}/lib:{task}/lib")),
        ("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{port}")),
        ("AWS_LAMBDA_FUNCTION_NAME", function.function_name.to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", config.version.clone()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", config.memory_size.to_string()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{}", function.function_name)),
        ("AWS_LAMBDA_LOG_STREAM_NAME", format!("crosscheck/[{}]{}", config.version, uuid::Uuid::new_v4().simple())),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".to_owned()),
        ("AWS_REGION", function.region.to_owned()),
        ("AWS_DEFAULT_REGION", function.region.to_owned()),
        ("AWS_EXECUTION_ENV", format!("AWS_Lambda_{}", config.runtime)),
        ("_HANDLER", config.handler.clone()),
        ("PYTHONUNBUFFERED", "1".to_owned()),
        ("PYTHONPATH", format!("{task}:{opt}/python/lib/python{python_version}/site-packages:{opt}/python")),
        ("NODE_PATH", format!("{opt}/nodejs/node{node_major}/node_modules:{opt}/nodejs/node_modules:{task}")),
    ];
    for (name, value) in fixed {
        environment.insert(name.to_owned(), value);
    }
    environment
}

type RuntimeResponse = Response<Full<Bytes>>;

fn runtime_response(status: StatusCode, body: &'static str) -> RuntimeResponse {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response
}

/// Serves the Runtime API of one worker until `stopped` turns true.
async fn serve_runtime_api(listener: TcpListener, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.wait_for(|stopped| *stopped) => return,
        };
        let Ok((stream, _)) = accepted else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let shared = shared.clone();
        let mut connection_stopped = stopped.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(runtime_api(&shared, request).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = connection_stopped.wait_for(|stopped| *stopped) => {}
            }
        });
    }
}

async fn runtime_api(shared: &Shared, request: hyper::Request<hyper::body::Incoming>) -> RuntimeResponse {
    let path = request.uri().path().to_owned();
    let Some(route) = path.strip_prefix("/2018-06-01/runtime/") else {
        return runtime_response(
            StatusCode::NOT_FOUND,
            r#"{"errorType":"NotFound","errorMessage":"unknown Runtime API path"}"#,
        );
    };
    if route == "invocation/next" {
        let next = shared.pending.lock().await.recv().await;
        let Some(pending) = next else {
            return runtime_response(
                StatusCode::GONE,
                r#"{"errorType":"ShuttingDown","errorMessage":"the worker is stopping"}"#,
            );
        };
        let mut response = Response::new(Full::new(pending.payload));
        let headers = response.headers_mut();
        for (name, value) in [
            ("lambda-runtime-aws-request-id", pending.request_id),
            ("lambda-runtime-deadline-ms", pending.deadline_ms.to_string()),
            ("lambda-runtime-invoked-function-arn", pending.invoked_arn),
            ("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000;Sampled=0".to_owned()),
        ] {
            if let Ok(value) = http::HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        return response;
    }

    let body = match Limited::new(request.into_body(), MAX_RESPONSE_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(_) => Err(()),
    };
    if route == "init/error" {
        *lock(&shared.init_error) = Some(body.unwrap_or_default());
        return runtime_response(StatusCode::ACCEPTED, r#"{"status":"OK"}"#);
    }
    let Some(rest) = route.strip_prefix("invocation/") else {
        return runtime_response(
            StatusCode::NOT_FOUND,
            r#"{"errorType":"NotFound","errorMessage":"unknown Runtime API path"}"#,
        );
    };
    let (request_id, kind) = rest.split_once('/').unwrap_or((rest, ""));
    // The kind is checked before the result is taken, so a request to an
    // unknown path leaves the invocation waiting for its real outcome.
    if kind != "response" && kind != "error" {
        return runtime_response(
            StatusCode::NOT_FOUND,
            r#"{"errorType":"NotFound","errorMessage":"unknown Runtime API path"}"#,
        );
    }
    let Some(sender) = lock(&shared.results).remove(request_id) else {
        return runtime_response(
            StatusCode::BAD_REQUEST,
            r#"{"errorType":"InvalidRequestID","errorMessage":"unknown or finished request id"}"#,
        );
    };
    let outcome = match body {
        Ok(body) if kind == "response" => Outcome::Response(body),
        Ok(body) => Outcome::Error(body),
        Err(()) => Outcome::Error(Bytes::from(
            serde_json::json!({
                "errorType": "Function.ResponseSizeTooLarge",
                "errorMessage": format!("Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."),
            })
            .to_string(),
        )),
    };
    let _ = sender.send(outcome);
    runtime_response(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
}
