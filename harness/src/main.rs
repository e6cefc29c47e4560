//! The `crosscheck` command line. See `crosscheck --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    crosscheck::cli::main()
}
