//! Writes a [`Scenario`] as the YAML that [`crate::scenario::load_str`]
//! reads, so a generated case, and a counterexample shrunk from one, runs
//! with `crosscheck run` unchanged.
//!
//! Comment lines given as `header` go before the document; the loader skips
//! them, so observed outcomes recorded there never change what the scenario
//! checks.

use serde_json::Value;
use serde_yaml::{Mapping, Value as Yaml};

use crate::scenario::{Addressing, ErrorMatcher, Expectation, ExpectedOutcome, Scenario, Step};

/// Renders `scenario` as YAML, preceded by `header` as `#` comment lines.
pub fn to_yaml(scenario: &Scenario, header: &[String]) -> String {
    let mut text = String::new();
    for line in header {
        if line.is_empty() {
            text.push_str("#\n");
        } else {
            text.push_str("# ");
            text.push_str(line);
            text.push('\n');
        }
    }

    let document = scenario_value(scenario);
    // The tree holds only string keys, strings, numbers, booleans, maps and
    // lists, which serde_yaml always serialises.
    text.push_str(&serde_yaml::to_string(&document).expect("a tree with string keys serialises as YAML"));
    text
}

fn scenario_value(scenario: &Scenario) -> Yaml {
    let mut top = Mapping::new();
    top.insert(key("name"), Yaml::String(scenario.name.clone()));
    if let Some(description) = &scenario.description {
        top.insert(key("description"), Yaml::String(description.clone()));
    }
    if !scenario.tags.is_empty() {
        top.insert(key("tags"), strings(scenario.tags.iter().cloned()));
    }
    top.insert(key("profiles"), strings(scenario.profiles.iter().map(ToString::to_string)));

    let mut actors = Mapping::new();
    for actor in &scenario.actors {
        let mut fields = Mapping::new();
        fields.insert(key("account"), Yaml::String(actor.account_id.clone()));
        fields.insert(key("region"), Yaml::String(actor.region.clone()));
        if actor.access_key_id != actor.account_id {
            fields.insert(key("access_key_id"), Yaml::String(actor.access_key_id.clone()));
        }
        if actor.addressing == Addressing::VirtualHost {
            fields.insert(key("addressing"), Yaml::String("virtual-host".to_owned()));
        }
        actors.insert(key(&actor.name), Yaml::Mapping(fields));
    }
    top.insert(key("actors"), Yaml::Mapping(actors));
    top.insert(key("steps"), Yaml::Sequence(scenario.steps.iter().map(step_value).collect()));
    Yaml::Mapping(top)
}

fn step_value(step: &Step) -> Yaml {
    let mut fields = Mapping::new();
    fields.insert(key("actor"), Yaml::String(step.actor.clone()));
    fields.insert(key("call"), Yaml::String(step.call.to_string()));
    if step.input.as_object().is_some_and(|input| !input.is_empty()) {
        fields.insert(key("input"), json_to_yaml(&step.input));
    }
    if !step.captures.is_empty() {
        let mut captures = Mapping::new();
        for capture in &step.captures {
            captures.insert(key(&capture.variable), Yaml::String(capture.path.to_string()));
        }
        fields.insert(key("capture"), Yaml::Mapping(captures));
    }
    if !step.expect.is_empty() {
        let mut expect = Mapping::new();
        for (profile, expectation) in &step.expect {
            expect.insert(key(profile.as_str()), expectation_value(expectation));
        }
        fields.insert(key("expect"), Yaml::Mapping(expect));
    }
    Yaml::Mapping(fields)
}

fn expectation_value(expectation: &Expectation) -> Yaml {
    let plain_ok = matches!(expectation.outcome, ExpectedOutcome::Ok(None));
    if plain_ok && expectation.source.is_none() && !expectation.unverified {
        return Yaml::String("ok".to_owned());
    }

    let mut fields = Mapping::new();
    match &expectation.outcome {
        ExpectedOutcome::Ok(None) => {
            fields.insert(key("ok"), Yaml::Mapping(Mapping::new()));
        }
        ExpectedOutcome::Ok(Some(subset)) => {
            fields.insert(key("ok"), json_to_yaml(subset));
        }
        ExpectedOutcome::Error(matcher) => {
            let text = match matcher {
                ErrorMatcher::Any => "any".to_owned(),
                ErrorMatcher::Class(class) => class.as_str().to_owned(),
                ErrorMatcher::Code(code) => code.clone(),
            };
            fields.insert(key("error"), Yaml::String(text));
        }
    }
    if let Some(source) = &expectation.source {
        fields.insert(key("source"), Yaml::String(source.clone()));
    }
    if expectation.unverified {
        fields.insert(key("unverified"), Yaml::Bool(true));
    }
    Yaml::Mapping(fields)
}

fn json_to_yaml(value: &Value) -> Yaml {
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(flag) => Yaml::Bool(*flag),
        Value::Number(number) => {
            if let Some(integer) = number.as_i64() {
                Yaml::Number(integer.into())
            } else if let Some(integer) = number.as_u64() {
                Yaml::Number(integer.into())
            } else {
                Yaml::Number(number.as_f64().unwrap_or_default().into())
            }
        }
        Value::String(text) => Yaml::String(text.clone()),
        Value::Array(items) => Yaml::Sequence(items.iter().map(json_to_yaml).collect()),
        Value::Object(members) => {
            let mut mapping = Mapping::new();
            for (name, member) in members {
                mapping.insert(key(name), json_to_yaml(member));
            }
            Yaml::Mapping(mapping)
        }
    }
}

fn key(text: &str) -> Yaml {
    Yaml::String(text.to_owned())
}

fn strings(items: impl Iterator<Item = String>) -> Yaml {
    Yaml::Sequence(items.map(Yaml::String).collect())
}
