//! Progress of `crosscheck run` on stderr.
//!
//! On a terminal, an `indicatif` bar counts the scenario runs and a spinner
//! shows each matrix while it runs, and lines about runs that differ are
//! printed above the bar. Anywhere else (CI logs, files, pipes) each event
//! is one plain line, so logs stay readable and free of control characters.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::report::ScenarioResult;
use crate::report::matrix::MatrixRun;

/// Progress output: a bar on a terminal, or plain lines.
pub struct Progress {
    terminal: bool,
    /// The bar or spinner on screen, on a terminal only.
    bar: Option<ProgressBar>,
    total: usize,
    finished: usize,
}

impl Progress {
    /// Chooses a bar when stderr is a terminal and plain lines otherwise.
    pub fn for_stderr() -> Progress {
        Progress::new(std::io::stderr().is_terminal())
    }

    /// Builds progress output with a bar (`terminal`) or plain lines.
    pub fn new(terminal: bool) -> Progress {
        Progress { terminal, bar: None, total: 0, finished: 0 }
    }

    /// Prints a line, above the bar when there is one.
    pub fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    /// Starts counting `total` scenario runs.
    pub fn start_scenarios(&mut self, total: usize) {
        self.total = total;
        self.finished = 0;
        if !self.terminal {
            return;
        }
        let style = ProgressStyle::with_template("{spinner} scenario runs [{bar:32}] {pos}/{len} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        self.replace_bar(ProgressBar::new(u64::try_from(total).unwrap_or(u64::MAX)).with_style(style));
    }

    /// Counts one finished scenario run.
    pub fn scenario_finished(&mut self, result: &ScenarioResult) {
        self.finished += 1;
        let verdict = if result.holds() { "holds" } else { "differs" };
        let text = format!(
            "[{}/{}] {} ({}): {verdict} in {} ms",
            self.finished,
            self.total,
            result.scenario_id,
            result.profile,
            result.duration.as_millis()
        );
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(format!("{} ({})", result.scenario_id, result.profile));
                if !result.holds() {
                    bar.println(text);
                }
            }
            None => eprintln!("{text}"),
        }
    }

    /// Shows that the matrix runs under `profile`.
    pub fn start_matrix(&mut self, profile: &str) {
        if !self.terminal {
            return;
        }
        let style = ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let spinner = ProgressBar::new_spinner().with_style(style).with_message(format!("matrix under {profile}"));
        self.replace_bar(spinner);
    }

    /// Clears the bar on screen and shows `bar` in its place.
    fn replace_bar(&mut self, bar: ProgressBar) {
        if let Some(old) = self.bar.take() {
            old.finish_and_clear();
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        self.bar = Some(bar);
    }

    /// Prints the totals of a finished matrix run.
    pub fn matrix_finished(&self, run: &MatrixRun) {
        let totals = run.totals();
        self.line(&format!(
            "[matrix] {} under {}: {} of {} cells conform, {} differ, {} not run, in {} ms",
            run.catalogs.join(", "),
            run.profile,
            totals.conforming,
            totals.cells,
            totals.differing,
            totals.not_run,
            run.timings.total_ms.round()
        ));
    }

    /// Removes the bar, so the summary that follows starts on a clean line.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
