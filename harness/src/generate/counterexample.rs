//! Writes a shrunk counterexample as a scenario file: the model's
//! expectations as steps, and what each target did as comment lines above
//! the document, so `crosscheck run` loads the file unchanged.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::emit::emit;
use super::explore::{Counterexample, ExploreOptions};
use super::yaml::to_yaml;
use crate::error::{Error, Result};

/// Renders `example` as scenario YAML with its observations as comments.
pub fn to_scenario_yaml(example: &Counterexample, options: &ExploreOptions, id: &str) -> String {
    let (target, kind) = &example.group;
    // The plain names read better than the per-run names a live target needed.
    let mut scenario = emit(&example.case, options.profile, "").scenario;
    scenario.id = id.to_owned();
    scenario.path = PathBuf::from(id);
    scenario.name = format!("explore counterexample: {kind}");
    scenario.tags.push("found".to_owned());

    let services: Vec<&str> = options.services.iter().map(|service| service.as_str()).collect();
    let mut header = vec![
        format!(
            "Counterexample from `crosscheck explore --profile {} --seed {} --cases {} --services {}`,",
            options.profile,
            options.seed,
            options.cases,
            services.join(",")
        ),
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
    if example.observations.iter().any(|observation| observation.target != crate::target::BUNDLED) {
        header.push(String::new());
        header.push("On live targets the resource names carried a per-run suffix, such as orders-1a2b-7.".to_owned());
    }
    header.push(String::new());
    to_yaml(&scenario, &header)
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
    use super::slug;

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
