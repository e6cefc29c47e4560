//! The report files: their names, the formats, and writing them.
//!
//! A report of target T under profile P is written as `T-P.md`, `T-P.html`,
//! `T-P.json` and `T-P.xml` (JUnit), each only when its format is chosen.
//! The index `compat-matrix.md` beside them lists every run report (`*.json`)
//! in the folder, so runs of several targets written to one folder share one
//! index, and is rewritten after every write.

use std::path::{Path, PathBuf};

use super::json::{self, ReadError};
use super::markdown::{self, IndexEntry};
use super::{RunReport, html, junit};

/// File name of the index page.
pub const INDEX_FILE: &str = "compat-matrix.md";

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// GitHub Markdown tables, for pull requests.
    Md,
    /// One self-contained HTML page, for people.
    Html,
    /// The whole run as JSON, for machines and for `crosscheck report` and `crosscheck diff`.
    Json,
    /// JUnit XML, for CI systems.
    Junit,
}

impl Format {
    /// Every format, in the order the index links them.
    pub const ALL: [Format; 4] = [Format::Md, Format::Html, Format::Json, Format::Junit];

    /// Returns the format's name on the command line: `md`, `html`, `json`, `junit`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Junit => "junit",
        }
    }

    /// Returns the file extension: `md`, `html`, `json`, `xml`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Junit => "xml",
            other => other.name(),
        }
    }

    /// Renders `report` in this format.
    pub fn render(self, report: &RunReport) -> String {
        match self {
            Format::Md => markdown::render(report),
            Format::Html => html::render(report),
            Format::Json => json::render(report),
            Format::Junit => junit::render(report),
        }
    }

    /// Returns the file name of `report` in this format, e.g. `bundled-aws.xml`.
    pub fn file_name(self, report: &RunReport) -> String {
        format!("{}.{}", report.file_stem(), self.extension())
    }
}

/// A failure to write reports or the index.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot write {}, because it exists and is not a folder; pass another --out", path.display())]
    NotAFolder { path: PathBuf },

    /// A run report in the folder could not be read for the index.
    #[error(transparent)]
    Read(#[from] ReadError),
}

/// Checks, before a run, that the reports can be written to `out`: it is a
/// folder, or it does not exist yet and the nearest part of its path that
/// exists is a folder.
pub fn check_out_folder(out: &Path) -> Result<(), WriteError> {
    let mut current = Some(out);
    while let Some(path) = current {
        if path.as_os_str().is_empty() {
            // A relative path whose every part is missing is created in the working folder.
            return Ok(());
        }
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => return Ok(()),
            Ok(_) => return Err(WriteError::NotAFolder { path: path.to_owned() }),
            // Below a file, the path reports NotADirectory; its parent then shows which file.
            Err(error) if matches!(error.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
                current = path.parent();
            }
            Err(source) => return Err(WriteError::Io { path: path.to_owned(), source }),
        }
    }
    Ok(())
}

/// Writes `report` to `out` in each of `formats`, creating `out` when it is
/// missing, and returns the paths written.
pub fn write_report(out: &Path, report: &RunReport, formats: &[Format]) -> Result<Vec<PathBuf>, WriteError> {
    check_out_folder(out)?;
    std::fs::create_dir_all(out).map_err(|source| WriteError::Io { path: out.to_owned(), source })?;

    let mut written = Vec::with_capacity(formats.len());
    for format in formats {
        let path = out.join(format.file_name(report));
        std::fs::write(&path, format.render(report)).map_err(|source| WriteError::Io { path: path.clone(), source })?;
        written.push(path);
    }
    Ok(written)
}

/// Reads every run report in `folder`, sorted by file name.
pub fn read_folder(folder: &Path) -> Result<Vec<(PathBuf, RunReport)>, WriteError> {
    let listing = std::fs::read_dir(folder).map_err(|source| WriteError::Io { path: folder.to_owned(), source })?;
    let mut paths = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|source| WriteError::Io { path: folder.to_owned(), source })?;
        let path = entry.path();
        if path.extension().is_some_and(|extension| extension == "json") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();

    let mut reports = Vec::with_capacity(paths.len());
    for path in paths {
        let report = json::read_file(&path)?;
        reports.push((path, report));
    }
    Ok(reports)
}

/// Renders the index of `folder`: every run report in it, with links to
/// the files of that report that exist beside it.
pub fn render_index(folder: &Path) -> Result<String, WriteError> {
    render_index_with(folder, &[])
}

/// Renders the index of `folder` with `current` in it: the reports just
/// written, in any format. A saved JSON report with the same file name as
/// one of `current` is replaced by it. Rows are sorted by JSON file name.
pub fn render_index_with(folder: &Path, current: &[RunReport]) -> Result<String, WriteError> {
    let saved = read_folder(folder)?;
    let current_stems: Vec<String> = current.iter().map(RunReport::file_stem).collect();

    let mut reports: Vec<&RunReport> = saved
        .iter()
        .map(|(_, report)| report)
        .filter(|report| !current_stems.contains(&report.file_stem()))
        .chain(current)
        .collect();
    // By JSON file name, as the folder lists them: `bundled-localstack-enforce-iam.json` sorts
    // before `bundled-localstack.json`, though its stem sorts after.
    reports.sort_by_key(|report| Format::Json.file_name(report));

    let entries: Vec<IndexEntry<'_>> = reports
        .into_iter()
        .map(|report| IndexEntry {
            report,
            files: Format::ALL
                .into_iter()
                .map(|format| (format.name(), format.file_name(report)))
                .filter(|(_, file)| folder.join(file).is_file())
                .collect(),
            saved: folder.join(Format::Json.file_name(report)).is_file(),
        })
        .collect();
    Ok(markdown::render_index(&entries))
}

/// Writes the index of `folder`, with `current` in it, to
/// `folder/compat-matrix.md` and returns its path.
pub fn write_index(folder: &Path, current: &[RunReport]) -> Result<PathBuf, WriteError> {
    let text = render_index_with(folder, current)?;
    let path = folder.join(INDEX_FILE);
    std::fs::write(&path, text).map_err(|source| WriteError::Io { path: path.clone(), source })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn temp_folder(name: &str) -> PathBuf {
        let folder = std::env::temp_dir().join(format!("crosscheck-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        folder
    }

    #[test]
    fn check_out_folder_rejects_file() {
        let folder = temp_folder("file");
        std::fs::create_dir_all(&folder).expect("the folder is created");
        let file = folder.join("reports");
        std::fs::write(&file, "").expect("the file is written");

        let error = check_out_folder(&file).expect_err("a file is not a folder");
        assert!(matches!(error, WriteError::NotAFolder { .. }), "{error}");
        let below = check_out_folder(&file.join("below")).expect_err("nothing can be created below a file");
        assert!(matches!(below, WriteError::NotAFolder { .. }), "{below}");
        assert!(check_out_folder(&folder.join("new/deeper")).is_ok());
        assert!(check_out_folder(Path::new("relative-and-missing")).is_ok());
        let _ = std::fs::remove_dir_all(folder);
    }

    #[test]
    fn write_report_writes_each_format_and_index() {
        let folder = temp_folder("write");
        let report = sample::report();
        let written = write_report(&folder, &report, &[Format::Json, Format::Junit]).expect("the reports are written");
        assert_eq!(written, vec![folder.join("moto-localstack.json"), folder.join("moto-localstack.xml")]);

        let index = write_index(&folder, &[]).expect("the index is written");
        let text = std::fs::read_to_string(index).expect("the index reads");
        assert!(text.contains("[json](moto-localstack.json) · [junit](moto-localstack.xml)"), "{text}");
        assert!(!text.contains("moto-localstack.html"), "no link to a file that was not written: {text}");
        let _ = std::fs::remove_dir_all(folder);
    }

    #[test]
    fn index_lists_current_report_without_json() {
        let folder = temp_folder("html-only");
        let report = sample::report();
        write_report(&folder, &report, &[Format::Html]).expect("the report is written");

        let index = write_index(&folder, std::slice::from_ref(&report)).expect("the index is written");
        let text = std::fs::read_to_string(index).expect("the index reads");
        assert!(text.contains("| `moto` | `localstack` |"), "the run is listed: {text}");
        assert!(text.contains("[html](moto-localstack.html) |"), "{text}");
        assert!(text.contains("from the last `crosscheck run`"), "{text}");
        let _ = std::fs::remove_dir_all(folder);
    }

    #[test]
    fn json_file_renders_like_report() {
        let folder = temp_folder("reread");
        let report = sample::report();
        write_report(&folder, &report, &[Format::Json]).expect("the report is written");
        let (_, read) = read_folder(&folder).expect("the folder reads").pop().expect("one report");
        for format in Format::ALL {
            assert_eq!(format.render(&read), format.render(&report), "{} from the saved JSON", format.name());
        }
        let _ = std::fs::remove_dir_all(folder);
    }
}
