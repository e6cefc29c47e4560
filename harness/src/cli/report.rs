//! `crosscheck report`: renders saved run reports again.
//!
//! Each `RUN.json` written by `crosscheck run` is read back and rendered to
//! `--out` in each `--format`, exactly as the run rendered it, and the index
//! `compat-matrix.md` there is rewritten to list every report in the folder.
//! A file that cannot be read stops the command with exit status 2 and a
//! message naming the file and, for invalid JSON, the line and column. So
//! does a file in which a cell or step has the verdict `conforms` or `holds`
//! but its observed outcome does not match its expected one: the message
//! names the cell or step.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_SUCCESS, EXIT_USAGE};
use crate::report::files::{self, Format};
use crate::report::json;

/// Options of `crosscheck report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Run reports written by `crosscheck run --format json`.
    #[arg(required = true, value_name = "RUN.json")]
    pub runs: Vec<PathBuf>,

    /// Folder the reports are written to; created when missing.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,

    /// Report formats to write, separated by commas: md, html, json, junit.
    #[arg(long = "format", value_enum, value_delimiter = ',', default_values = ["md", "html", "json", "junit"])]
    pub formats: Vec<Format>,
}

/// Renders every run report in `args` and returns the exit status.
pub fn run(args: &ReportArgs) -> ExitCode {
    ExitCode::from(render_all(args))
}

fn render_all(args: &ReportArgs) -> u8 {
    if let Err(error) = files::check_out_folder(&args.out) {
        eprintln!("error: {error}");
        return EXIT_USAGE;
    }

    // Read every file first, so an unreadable one leaves the folder untouched.
    let mut reports = Vec::with_capacity(args.runs.len());
    for path in &args.runs {
        match json::read_file(path) {
            Ok(report) => reports.push(report),
            Err(error) => {
                eprintln!("error: {error}");
                return EXIT_USAGE;
            }
        }
    }

    for report in &reports {
        match files::write_report(&args.out, report, &args.formats) {
            Ok(written) => {
                for path in written {
                    eprintln!("wrote {}", path.display());
                }
            }
            Err(error) => {
                eprintln!("error: {error}");
                return EXIT_USAGE;
            }
        }
    }
    match files::write_index(&args.out, &reports) {
        Ok(path) => eprintln!("wrote {}", path.display()),
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_USAGE;
        }
    }
    EXIT_SUCCESS
}
