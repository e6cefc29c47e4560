//! Writes a shrunk counterexample as a scenario file: the model's
//! expectations as steps, and what each target did as comment lines above
//! the document, so `crosscheck run` loads the file unchanged.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::emit::emit;
use super::explore::{Counterexample, DEFAULT_MAX_SHRINK_RUNS, ExploreOptions};
use super::yaml::to_yaml;
use crate::error::{Error, Result};

/// Renders `example` as scenario YAML with its observations as comments.
pub fn to_scenario_yaml(example: &Counterexample, options: &ExploreOptions, id: &str) -> String {
    let (target, kind) = &example.group;
    // A live target keeps what every scenario creates, so counterexamples
    // run from one folder would meet each other's same-named resources and
    // answer from those. A suffix fixed by the seed, the case and the group
    // keeps their names apart and the file the same on every run.
    let name_suffix = format!("-{:08x}", fnv1a(&format!("{}/{}/{target}/{kind}", options.seed, example.case_number)));
    let mut scenario = emit(&example.case, options.profile, &name_suffix).scenario;
    scenario.id = id.to_owned();
    scenario.path = PathBuf::from(id);
    scenario.name = format!("explore counterexample: {kind}");
    scenario.tags.push("found".to_owned());

    let mut command = String::from("crosscheck explore");
    let mut target_arguments = example.target_arguments.iter();
    if let Some(first) = target_arguments.next() {
        let _ = write!(command, " --target {first}");
    }
    if let Some(second) = target_arguments.next() {
        let _ = write!(command, " --against {second}");
    }
    let services: Vec<&str> = options.services.iter().map(|service| service.as_str()).collect();
    let _ = write!(
        command,
        " --profile {} --seed {} --cases {} --services {}",
        options.profile,
        options.seed,
        options.cases,
        services.join(",")
    );
    if options.max_shrink_runs != DEFAULT_MAX_SHRINK_RUNS {
        let _ = write!(command, " --max-shrink-runs {}", options.max_shrink_runs);
    }
    let mut header = vec![
        format!("Counterexample from `{command}`,"),
        format!("case {}, shrunk in {} runs.", example.case_number, example.shrink_runs),
        format!("Disagreement on {target}: {kind}"),
    ];
    for finding in &example.findings {
        header.push(format!(
            "  {}: step {}: {}: {}",
            finding.target, finding.disagreement.step, finding.disagreement.kind, finding.disagreement.detail
        ));
    }
    header.push(String::new());
    header.push("Observed outcomes:".to_owned());
    for step in &scenario.steps {
        let mut line = format!("  step {} {} by {}:", step.number, step.call, step.actor);
        for observation in &example.observations {
            let observed = observation.result.steps.iter().find(|result| result.number == step.number);
            let summary = observed
                .and_then(|result| result.outcome.as_ref())
                .map_or_else(|| "not run".to_owned(), crate::outcome::Outcome::summary);
            let _ = write!(line, " {}: {summary};", observation.target);
        }
        header.push(line.trim_end_matches(';').to_owned());
    }
    header.push(String::new());
    header.push(format!("Resource names end in {name_suffix} here. During the exploration they had no suffix"));
    header.push("on the bundled emulator and a per-run suffix, such as orders-1a2b-7, on live targets.".to_owned());
    header.push(String::new());
    // Details quote the names as they ran, which change from run to run on a
    // live target, so they are given this file's names instead.
    if !example.name_suffix.is_empty() {
        for line in &mut header {
            *line = line.replace(&example.name_suffix, &name_suffix);
        }
    }
    to_yaml(&scenario, &header)
}

/// The start of the first line of every counterexample file.
const HEADER_START: &str = "# Counterexample from `crosscheck explore";

/// Removes the counterexample files an earlier exploration wrote to `out`
/// and returns their paths, so the folder shows only the current run's.
/// Only `NN-*.yaml` files whose first line is a counterexample header go.
pub fn remove_earlier(out: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(Error::io(out, error)),
    };
    let mut removed = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| Error::io(out, error))?.path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else { continue };
        let numbered =
            name.len() > 3 && name.as_bytes()[..2].iter().all(u8::is_ascii_digit) && name[2..].starts_with('-');
        if !numbered || !name.ends_with(".yaml") || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|error| Error::io(&path, error))?;
        if !text.starts_with(HEADER_START) {
            continue;
        }
        std::fs::remove_file(&path).map_err(|error| Error::io(&path, error))?;
        removed.push(path);
    }
    removed.sort();
    Ok(removed)
}

/// Writes every counterexample to `out` as `NN-<kind>.yaml` and returns the paths.
pub fn write_all(examples: &[Counterexample], options: &ExploreOptions, out: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).map_err(|error| Error::io(out, error))?;
    let mut paths = Vec::with_capacity(examples.len());
    for (index, example) in examples.iter().enumerate() {
        let file_name = format!("{:02}-{}.yaml", index + 1, slug(&format!("{} {}", example.group.0, example.group.1)));
        let path = out.join(&file_name);
        let text = to_scenario_yaml(example, options, &file_name);
        std::fs::write(&path, text).map_err(|error| Error::io(&path, error))?;
        paths.push(path);
    }
    Ok(paths)
}

/// Hashes `text` with 32-bit FNV-1a, which gives the same value on every
/// platform and Rust version, unlike the standard library's hasher.
fn fnv1a(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Turns a group's text into a file name part: lower-case letters, digits and hyphens.
fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            slug.push(character.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let trimmed = slug.trim_matches('-');
    trimmed.chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use crosscheck_emulator::access::Profile;
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;

    use super::{fnv1a, slug, to_scenario_yaml};
    use crate::generate::case::{Service, case};
    use crate::generate::emit::emit;
    use crate::generate::explore::{Counterexample, DEFAULT_MAX_SHRINK_RUNS, ExploreOptions, Finding};
    use crate::generate::properties::{Disagreement, DisagreementKind};

    #[test]
    fn header_quotes_file_names_not_run_names() {
        let generated_case =
            case(&[Service::Sqs]).new_tree(&mut TestRunner::deterministic()).expect("a case generates").current();
        let run_suffix = "-5eed1-42";
        let kind = DisagreementKind::LeakedListing { operation: "sqs.ListQueues".to_owned() };
        let example = Counterexample {
            group: ("moto".to_owned(), kind.clone()),
            case_number: 3,
            case: generated_case.clone(),
            generated: emit(&generated_case, Profile::Localstack, run_suffix),
            name_suffix: run_suffix.to_owned(),
            findings: vec![Finding {
                target: "moto".to_owned(),
                disagreement: Disagreement { kind, step: 2, detail: format!("listed orders{run_suffix}") },
            }],
            observations: Vec::new(),
            shrink_runs: 0,
            target_arguments: vec!["moto".to_owned()],
        };
        let options = ExploreOptions {
            cases: 5,
            seed: 1,
            profile: Profile::Localstack,
            services: vec![Service::Sqs],
            max_shrink_runs: DEFAULT_MAX_SHRINK_RUNS,
        };

        let text = to_scenario_yaml(&example, &options, "01.yaml");
        assert!(!text.contains(run_suffix), "the run's names are left in the file:\n{text}");
        let file_suffix = text
            .lines()
            .find_map(|line| line.strip_prefix("# Resource names end in "))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no line names the file's suffix:\n{text}"));
        assert!(text.contains(&format!("listed orders{file_suffix}")), "the detail names the file's queue:\n{text}");
    }

    #[test]
    fn fnv1a_matches_known_values() {
        // "" hashes to the offset basis, and "a" to its commonly listed value.
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
    }

    #[test]
    fn slug_keeps_letters_digits_and_single_hyphens() {
        assert_eq!(
            slug("moto: wrong class: sqs.GetQueueUrl cross-account"),
            "moto-wrong-class-sqs-getqueueurl-cross-account"
        );
        assert_eq!(slug("  a -- b  "), "a-b");
    }

    #[test]
    fn slug_is_at_most_one_hundred_characters() {
        assert_eq!(slug(&"x".repeat(300)).len(), 100);
    }
}
