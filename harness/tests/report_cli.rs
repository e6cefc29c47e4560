//! `crosscheck diff` and `crosscheck report` through the binary, on the
//! committed run report `reports/bundled-aws.json` and copies of it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn committed_report() -> PathBuf {
    workspace_root().join("reports/bundled-aws.json")
}

/// Creates an empty folder under Cargo's temporary folder for this test.
fn temp_folder(name: &str) -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("the folder is created");
    folder
}

fn crosscheck(arguments: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosscheck")).args(arguments).output().expect("the crosscheck binary starts")
}

/// Writes a copy of the committed report in which the SQS cell AddPermission
/// from cross-account returned `ok`, with the verdict that outcome gets.
fn changed_copy(folder: &Path) -> PathBuf {
    edited_copy(folder, "changed.json", |cell| {
        cell["observed"]["class"] = Value::String("ok".to_owned());
        cell["observed"]["code"] = Value::Null;
        cell["verdict"] = Value::String("differs".to_owned());
        cell["differs"] = Value::Bool(true);
        cell["reasons"] = serde_json::json!(["expected AccessDenied, found ok"]);
    })
}

/// Reads the committed report as JSON.
fn committed_json() -> Value {
    let text = std::fs::read_to_string(committed_report()).expect("the committed report reads");
    serde_json::from_str(&text).expect("the committed report is JSON")
}

/// Returns the index of the SQS cell AddPermission from cross-account by URL,
/// whose expected outcome under `aws` is AccessDenied.
fn add_permission_cell(report: &Value) -> usize {
    let cells = report["matrix"]["cells"].as_array().expect("the report has matrix cells");
    cells
        .iter()
        .position(|cell| {
            cell["service"] == "sqs" && cell["operation"] == "AddPermission" && cell["boundary"] == "cross-account"
        })
        .expect("the report has the cell sqs AddPermission from cross-account")
}

/// Writes a copy of the committed report with the SQS cell AddPermission
/// from cross-account changed by `edit`.
fn edited_copy(folder: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut report = committed_json();
    let index = add_permission_cell(&report);
    edit(&mut report["matrix"]["cells"][index]);
    let path = folder.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&report).expect("the report serialises")).expect("written");
    path
}

#[test]
fn diff_of_same_run_exits_zero() {
    let report = committed_report();
    let output = crosscheck(&["diff".as_ref(), report.as_os_str(), report.as_os_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("same outcomes in every cell and step"), "{stdout}");
}

#[test]
fn diff_of_changed_cell_exits_one() {
    let folder = temp_folder("changed");
    let changed = changed_copy(&folder);
    let report = committed_report();
    let output = crosscheck(&["diff".as_ref(), report.as_os_str(), changed.as_os_str()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("-matrix sqs AddPermission cross-account url => denied AccessDenied\n"), "{stdout}");
    assert!(stdout.contains("+matrix sqs AddPermission cross-account url => ok\n"), "{stdout}");
    assert!(stdout.contains("1 matrix cell(s) and 0 scenario step(s) differ."), "{stdout}");
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn diff_of_broken_json_exits_two() {
    let folder = temp_folder("broken");
    let broken = folder.join("broken.json");
    std::fs::write(&broken, "{\n  \"format_version\": 1,\n  \"target\": [\n").expect("written");
    let report = committed_report();
    let output = crosscheck(&["diff".as_ref(), report.as_os_str(), broken.as_os_str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&broken.display().to_string()), "the message names the file: {stderr}");
    assert!(stderr.contains("line 4 column 0"), "the message names the position: {stderr}");
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn report_renders_saved_run_again() {
    let folder = temp_folder("render");
    let report = committed_report();
    let output = crosscheck(&["report".as_ref(), report.as_os_str(), "--out".as_ref(), folder.as_os_str()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    for extension in ["md", "html", "xml", "json"] {
        let committed = std::fs::read_to_string(workspace_root().join(format!("reports/bundled-aws.{extension}")))
            .expect("the committed file reads");
        let rendered =
            std::fs::read_to_string(folder.join(format!("bundled-aws.{extension}"))).expect("the rendered file reads");
        assert!(committed == rendered, "bundled-aws.{extension} renders differently from the committed file");
    }
    assert!(folder.join("compat-matrix.md").is_file(), "the index is written");
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn report_of_edited_verdict_exits_two() {
    let folder = temp_folder("edited");
    let edited = edited_copy(&folder, "edited.json", |cell| {
        cell["observed"]["class"] = Value::String("not-found".to_owned());
        cell["observed"]["code"] = Value::String("AWS.SimpleQueueService.NonExistentQueue".to_owned());
    });
    let out = folder.join("out");
    let output = crosscheck(&["report".as_ref(), edited.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let number = add_permission_cell(&committed_json()) + 1;
    let cell = format!("matrix cell {number} (sqs.AddPermission from cross-account by url)");
    assert!(stderr.contains(&cell), "{stderr}");
    assert!(stderr.contains("verdict conforms, but expected denied, found not-found"), "{stderr}");
    assert!(!out.join("edited.md").exists(), "nothing is rendered");
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn report_of_deleted_cell_counts_cells_present() {
    let folder = temp_folder("deleted");
    let text = std::fs::read_to_string(committed_report()).expect("the committed report reads");
    let mut report: Value = serde_json::from_str(&text).expect("the committed report is JSON");
    let cells = report["matrix"]["cells"].as_array_mut().expect("the report has cells");
    cells.remove(1);
    let sqs_cells = cells.iter().filter(|cell| cell["service"] == "sqs").count();
    let path = folder.join("deleted.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report).expect("the report serialises")).expect("written");

    let out = folder.join("out");
    let output = crosscheck(&[
        "report".as_ref(),
        path.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--format".as_ref(),
        "junit".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let junit = std::fs::read_to_string(out.join("bundled-aws.xml")).expect("the JUnit file reads");
    let suite = format!(r#"<testsuite name="matrix.sqs" tests="{sqs_cells}" "#);
    assert!(junit.contains(&suite), "the SQS suite counts the {sqs_cells} cells present");
    let _ = std::fs::remove_dir_all(folder);
}
