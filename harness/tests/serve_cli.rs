//! `crosscheck serve` through the binary: option checks and log output.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to start or to stop.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Waits up to [`TIMEOUT`] for `child` to exit; kills it (by its own handle) when it does not.
fn wait_or_kill(child: &mut Child) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn serve_aws_with_enforce_iam_exits_two() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["serve", "--listen", "127.0.0.1:0", "--profile", "aws", "--enforce-iam"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the crosscheck binary starts");

    let status = wait_or_kill(&mut child).expect("crosscheck serve exits instead of serving");
    let mut stderr = String::new();
    child.stderr.take().expect("stderr is piped").read_to_string(&mut stderr).expect("stderr reads");

    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--enforce-iam applies to the localstack profile only"), "{stderr}");
}

#[test]
fn serve_logs_without_colour_to_pipe() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["serve", "--listen", "127.0.0.1:0", "--profile", "localstack"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the crosscheck binary starts");

    // Wait for the readiness line, so the server has started logging.
    let stdout = child.stdout.take().expect("stdout is piped");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        let _ = sender.send(first);
    });
    let ready = receiver.recv_timeout(TIMEOUT).unwrap_or_default();

    // SIGTERM, so the server logs its stop as well.
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let status = wait_or_kill(&mut child);
    let mut stderr = String::new();
    child.stderr.take().expect("stderr is piped").read_to_string(&mut stderr).expect("stderr reads");

    assert!(ready.contains("listening on"), "no readiness line: {ready:?}");
    assert!(status.is_some(), "crosscheck serve did not stop on SIGTERM: {stderr}");
    assert!(stderr.contains("server stopped"), "the stop is logged: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "no ANSI escape codes in logs to a pipe: {stderr:?}");
}
