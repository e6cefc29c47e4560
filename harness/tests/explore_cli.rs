//! `crosscheck explore` through the binary: exit status, summary and option checks.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// How long a child process may take to start, to report a line or to stop.
const TIMEOUT: Duration = Duration::from_secs(60);

fn explore(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .arg("explore")
        .args(arguments)
        .output()
        .expect("the crosscheck binary runs")
}

#[test]
fn explore_bundled_agrees_exits_zero() {
    let out = tempfile_dir("agrees");
    let output = explore(&["--cases", "20", "--seed", "3", "--profile", "aws", "--out", out.to_str().expect("UTF-8")]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("cases: 20\nno disagreements"), "{stdout}");
    assert!(stderr.contains("case 20/20"), "progress goes to stderr: {stderr}");
}

#[test]
fn explore_unknown_service_exits_two() {
    let output = explore(&["--cases", "1", "--services", "sqs,ec2"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown service \"ec2\""), "{stderr}");
}

#[test]
fn explore_against_same_target_exits_two() {
    // Findings and counts are keyed by target name, so a target run against
    // itself would merge both runs' findings under one name.
    let output = explore(&["--cases", "1", "--target", "bundled", "--against", "bundled"]);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--against names the same target as --target"), "{stderr}");
}

#[test]
fn explore_zero_cases_exits_two() {
    let output = explore(&["--cases", "0"]);

    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn explore_ctrl_c_writes_found_counterexamples() {
    let (mut server, endpoint) = serve_localstack();
    let out = tempfile_dir("interrupted");
    let mut explorer = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["explore", "--target", &endpoint, "--profile", "aws", "--services", "sqs", "--seed", "1"])
        .args(["--cases", "100000", "--out", out.to_str().expect("UTF-8")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crosscheck explore starts");
    let progress = lines_of(explorer.stderr.take().expect("stderr is piped"));
    let shrunk = wait_for_line(&progress, "shrunk to");
    let _ = Command::new("kill").args(["-INT", &explorer.id().to_string()]).status();
    let status = wait_or_kill(&mut explorer);
    let mut stdout = String::new();
    explorer.stdout.take().expect("stdout is piped").read_to_string(&mut stdout).expect("stdout reads");
    stop(&mut server);

    assert!(shrunk.is_some(), "no counterexample was shrunk before the interrupt");
    assert_eq!(status.and_then(|status| status.code()), Some(130), "{stdout}");
    assert!(stdout.contains("(interrupted)"), "the summary says the run was interrupted: {stdout}");
    assert!(stdout.contains("counterexample: "), "the counterexample found is reported: {stdout}");
    let written = std::fs::read_dir(&out).map(Iterator::count).unwrap_or(0);
    assert!(written > 0, "no counterexample file in {}", out.display());
}

#[test]
fn explore_replaces_earlier_counterexamples() {
    let (mut server, endpoint) = serve_localstack();
    let out = tempfile_dir("replaced");
    let out_text = out.to_str().expect("UTF-8");
    let first =
        explore(&["--target", &endpoint, "--profile", "aws", "--services", "sqs", "--cases", "3", "--out", out_text]);
    stop(&mut server);
    assert_eq!(first.status.code(), Some(1), "{}", String::from_utf8_lossy(&first.stderr));
    let notes = out.join("01-notes.yaml");
    std::fs::write(&notes, "# written by hand\n").expect("the notes file is written");

    let second = explore(&["--cases", "2", "--out", out_text]);
    let stderr = String::from_utf8_lossy(&second.stderr);

    assert_eq!(second.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("removed "), "the removal is reported: {stderr}");
    let left: Vec<String> = std::fs::read_dir(&out)
        .expect("the folder reads")
        .map(|entry| entry.expect("the entry reads").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["01-notes.yaml".to_owned()], "only the file explore did not write is left");
}

#[test]
fn explore_stopped_target_exits_two() {
    let (mut server, endpoint) = serve_localstack();
    let out = tempfile_dir("stopped");
    let mut explorer = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["explore", "--target", &endpoint, "--cases", "100000", "--out", out.to_str().expect("UTF-8")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crosscheck explore starts");
    let progress = lines_of(explorer.stderr.take().expect("stderr is piped"));
    let started = wait_for_line(&progress, "case 3/");
    stop(&mut server);
    let status = wait_or_kill(&mut explorer);
    let rest: Vec<String> = progress.iter().collect();
    let mut stdout = String::new();
    explorer.stdout.take().expect("stdout is piped").read_to_string(&mut stdout).expect("stdout reads");

    assert!(started.is_some(), "the exploration did not start");
    assert_eq!(status.and_then(|status| status.code()), Some(2), "{stdout}\n{}", rest.join("\n"));
    assert!(
        rest.iter().any(|line| line.contains("does not respond")),
        "the error names the cause:\n{}",
        rest.join("\n")
    );
    assert!(!stdout.contains("counterexample: "), "no counterexample of a stopped target: {stdout}");
}

/// Starts `crosscheck serve` under localstack on a free port and returns it
/// with its endpoint URL. With `--profile aws`, exploring it disagrees on
/// the first cross-account call that localstack allows.
fn serve_localstack() -> (Child, String) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .args(["serve", "--listen", "127.0.0.1:0", "--profile", "localstack"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("crosscheck serve starts");
    let server_lines = lines_of(server.stdout.take().expect("stdout is piped"));
    let ready = wait_for_line(&server_lines, "listening on");
    let endpoint = ready
        .as_deref()
        .and_then(|line| line.split_whitespace().find(|word| word.starts_with("http://")))
        .map(|url| url.trim_end_matches(|character: char| !character.is_ascii_alphanumeric()).to_owned());
    let Some(endpoint) = endpoint else {
        stop(&mut server);
        panic!("no endpoint URL in the readiness line {ready:?}");
    };
    (server, endpoint)
}

/// Sends each line `stream` produces to the returned receiver, from a thread.
fn lines_of(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Returns the first line that contains `text`, waiting at most [`TIMEOUT`].
fn wait_for_line(lines: &Receiver<String>, text: &str) -> Option<String> {
    let deadline = Instant::now() + TIMEOUT;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(text) => return Some(line),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

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

/// Stops a server this test started, by its own handle.
fn stop(server: &mut Child) {
    let _ = server.kill();
    let _ = server.wait();
}

/// Returns a fresh folder under the target's temporary folder for one test.
fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("explore-cli-{name}"));
    let _ = std::fs::remove_dir_all(&path);
    path
}
