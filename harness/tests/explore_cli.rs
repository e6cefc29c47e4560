//! `crosscheck explore` through the binary: exit status, summary and option checks.

use std::process::{Command, Output};

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
fn explore_zero_cases_exits_two() {
    let output = explore(&["--cases", "0"]);

    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}

/// Returns a fresh folder under the target's temporary folder for one test.
fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("explore-cli-{name}"));
    let _ = std::fs::remove_dir_all(&path);
    path
}
