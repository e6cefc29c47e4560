//! `crosscheck diff`: the cells and steps that differ between two runs.
//!
//! Both files are run reports written by `crosscheck run` (two targets, or
//! two versions of one target). The command prints a unified diff of their
//! listings, one line per matrix cell and scenario step with its observed
//! class and error code ([`crate::report::diff`]), then a count. Exit
//! status: 0 when the listings are equal, 1 when they differ, 2 when a file
//! cannot be read, with a message naming the file and the JSON error's line
//! and column.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_DIFFERS, EXIT_SUCCESS, EXIT_USAGE};
use crate::report::{diff, json};

/// Options of `crosscheck diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier or reference run report (JSON).
    #[arg(value_name = "RUN_A.json")]
    pub old: PathBuf,

    /// The run report to compare with it (JSON).
    #[arg(value_name = "RUN_B.json")]
    pub new: PathBuf,
}

/// Compares the two reports and returns the exit status.
pub fn run(args: &DiffArgs) -> ExitCode {
    let mut reports = Vec::with_capacity(2);
    for path in [&args.old, &args.new] {
        match json::read_file(path) {
            Ok(report) => reports.push(report),
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(EXIT_USAGE);
            }
        }
    }
    let (old, new) = (&reports[0], &reports[1]);

    let old_name = format!("{} ({} under {})", args.old.display(), old.target.name, old.profile);
    let new_name = format!("{} ({} under {})", args.new.display(), new.target.name, new.profile);
    let comparison = diff::compare(old, &old_name, new, &new_name);
    if comparison.is_equal() {
        println!("The two runs have the same outcomes in every cell and step.");
        return ExitCode::from(EXIT_SUCCESS);
    }

    print!("{}", comparison.unified_diff);
    println!(
        "{} matrix cell(s) and {} scenario step(s) differ.",
        comparison.differing_cells, comparison.differing_steps
    );
    ExitCode::from(EXIT_DIFFERS)
}
