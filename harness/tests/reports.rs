//! The committed reports in `reports/` are current.
//!
//! - Every run report `reports/*.json` (the bundled target's, and any peer's
//!   saved there) renders to the `.md`, `.html` and `.xml` files beside it
//!   byte for byte, and the folder's run reports render to its index
//!   `compat-matrix.md`.
//! - The bundled target's run reports match a fresh `crosscheck run` of every
//!   scenario and the matrix, after normalising what changes from run to
//!   run: times (`started_at`, `preflight_ms`, `total_ms`, `duration_ms`,
//!   `setup_ms`), version strings, and error messages, which contain
//!   receipt handles and request ids.
//!
//! When either fails, regenerate the reports and read the changes before
//! committing them:
//!
//! ```text
//! cargo run -p crosscheck -- run --out reports
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use crosscheck::report::files::{self, Format};
use serde_json::Value;

/// The command that regenerates the committed reports, for failure messages.
const REGENERATE: &str = "cargo run -p crosscheck -- run --out reports";

/// Fields that hold times, which change from run to run.
const TIME_FIELDS: [&str; 5] = ["started_at", "preflight_ms", "total_ms", "duration_ms", "setup_ms"];

/// Lines of a unified diff a failure message shows.
const MAX_DIFF_LINES: usize = 80;

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn reports_folder() -> PathBuf {
    workspace_root().join("reports")
}

/// Returns the first lines of a unified diff between `committed` and `fresh`.
fn short_diff(committed: &str, fresh: &str, committed_name: &str, fresh_name: &str) -> String {
    let diff = similar::TextDiff::from_lines(committed, fresh)
        .unified_diff()
        .context_radius(2)
        .header(committed_name, fresh_name)
        .to_string();
    let lines: Vec<&str> = diff.lines().collect();
    let mut shown = lines.iter().take(MAX_DIFF_LINES).copied().collect::<Vec<_>>().join("\n");
    if lines.len() > MAX_DIFF_LINES {
        shown.push_str(&format!("\n... and {} more lines", lines.len() - MAX_DIFF_LINES));
    }
    shown
}

/// Replaces the values that change from run to run with fixed placeholders.
fn normalise(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                if TIME_FIELDS.contains(&key.as_str()) {
                    *member = Value::String("<time>".to_owned());
                } else if key == "versions" {
                    if let Value::Object(versions) = member {
                        for version in versions.values_mut().filter(|version| version.is_string()) {
                            *version = Value::String("<version>".to_owned());
                        }
                    }
                } else if key == "message" && member.is_string() {
                    *member = Value::String("<message>".to_owned());
                } else {
                    normalise(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        _ => {}
    }
}

fn normalised_json(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let mut value: Value =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()));
    normalise(&mut value);
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// Lists the `bundled-*.json` files in `folder`, by name.
fn bundled_reports(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", folder.display()))
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("bundled-") && name.ends_with(".json"))
        .collect();
    names.sort();
    names
}

#[test]
fn committed_renderings_match_json() {
    let folder = reports_folder();
    let reports = files::read_folder(&folder).unwrap_or_else(|error| panic!("{error}"));
    assert!(!reports.is_empty(), "{} holds no run report; regenerate with `{REGENERATE}`", folder.display());

    let mut stale = Vec::new();
    for (path, report) in &reports {
        for format in [Format::Md, Format::Html, Format::Junit] {
            let rendered_path = folder.join(format.file_name(report));
            let rendered = format.render(report);
            match std::fs::read_to_string(&rendered_path) {
                Ok(committed) if committed == rendered => {}
                Ok(committed) => stale.push(short_diff(
                    &committed,
                    &rendered,
                    &rendered_path.display().to_string(),
                    &format!("rendered from {}", path.display()),
                )),
                Err(error) => stale.push(format!("{}: {error}", rendered_path.display())),
            }
        }
    }

    let index_path = folder.join(files::INDEX_FILE);
    let index = files::render_index(&folder).unwrap_or_else(|error| panic!("{error}"));
    match std::fs::read_to_string(&index_path) {
        Ok(committed) if committed == index => {}
        Ok(committed) => {
            stale.push(short_diff(&committed, &index, &index_path.display().to_string(), "rendered index"))
        }
        Err(error) => stale.push(format!("{}: {error}", index_path.display())),
    }

    assert!(
        stale.is_empty(),
        "{} committed file(s) differ from what the run reports render; regenerate with `{REGENERATE}` \
         (or `crosscheck report reports/*.json --out reports` for a peer's report):\n{}",
        stale.len(),
        stale.join("\n\n")
    );
}

#[test]
fn bundled_reports_match_fresh_run() {
    let root = workspace_root();
    let fresh = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fresh-reports-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);

    let output = Command::new(env!("CARGO_BIN_EXE_crosscheck"))
        .arg("run")
        .arg("--scenarios")
        .arg(root.join("scenarios"))
        .arg("--out")
        .arg(&fresh)
        .args(["--format", "json"])
        .output()
        .expect("the crosscheck binary starts");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "crosscheck run could not be made ({}):\n{stderr}",
        output.status
    );

    let committed_names = bundled_reports(&reports_folder());
    let fresh_names = bundled_reports(&fresh);
    assert_eq!(
        committed_names, fresh_names,
        "reports/ and a fresh run have different bundled reports; regenerate with `{REGENERATE}`"
    );

    let mut stale = Vec::new();
    for name in &fresh_names {
        let committed_path = reports_folder().join(name);
        let committed = normalised_json(&committed_path);
        let current = normalised_json(&fresh.join(name));
        if committed != current {
            stale.push(short_diff(&committed, &current, &format!("reports/{name}"), "fresh run"));
        }
    }
    let _ = std::fs::remove_dir_all(&fresh);
    assert!(
        stale.is_empty(),
        "{} bundled report(s) in reports/ are stale; regenerate with `{REGENERATE}` and read the changes:\n{}",
        stale.len(),
        stale.join("\n\n")
    );
}

#[test]
fn normalise_replaces_times_versions_and_messages() {
    let mut value = serde_json::json!({
        "timings": { "started_at": "2026-12-04T12:00:00Z", "total_ms": 3.5 },
        "versions": { "crosscheck": "0.1.0", "target": null },
        "cells": [{ "observed": { "code": "X", "message": "handle abc" }, "setup_ms": 1.0 }]
    });
    normalise(&mut value);
    let expected = serde_json::json!({
        "timings": { "started_at": "<time>", "total_ms": "<time>" },
        "versions": { "crosscheck": "<version>", "target": null },
        "cells": [{ "observed": { "code": "X", "message": "<message>" }, "setup_ms": "<time>" }]
    });
    assert_eq!(value, expected);
}
