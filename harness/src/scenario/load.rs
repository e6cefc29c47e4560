//! The scenario loader: YAML with positions, validated key by key.
//!
//! The file is read with [`crate::yaml::YamlReader`], so every semantic error
//! (an unknown operation, member, variable, actor or profile) points at the
//! line that causes it, like a syntax error does.

use std::collections::BTreeSet;
use std::path::Path;

use crosscheck_emulator::access::Profile;
use crosscheck_emulator::arn::{is_account_id, is_region_name};
use marked_yaml::Node;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};
use serde_json::{Map, Value};

use super::template::{self, Part};
use super::{Actor, Addressing, Call, Capture, ErrorMatcher, Expectation, ExpectedOutcome, ResponsePath, Scenario, Step};
use crate::driver::{LookupError, Operation, PRESIGNED_REQUEST, Registry};
use crate::outcome::OutcomeClass;
use crate::yaml::{LoadResult, YamlReader, describe, is_null, join, scalar_value};

const SCENARIO_KEYS: &[&str] = &["name", "description", "tags", "profiles", "actors", "steps"];
const ACTOR_KEYS: &[&str] = &["account", "region", "access_key_id", "addressing"];
const STEP_KEYS: &[&str] = &["actor", "call", "input", "capture", "expect", "presign"];
const EXPECTATION_KEYS: &[&str] = &["ok", "error", "source", "unverified"];

/// Words accepted after `error:` besides the outcome classes.
const ANY_ERROR: &str = "any";

/// Loads scenarios, and the scenario-shaped parts of other files (actors,
/// calls, inputs, captures and expectations) for the matrix catalog loader.
pub(crate) struct Loader<'a> {
    pub(crate) yaml: YamlReader<'a>,
    registry: &'a Registry,
}

impl<'a> Loader<'a> {
    /// Creates a loader for scenario files.
    pub(crate) fn new(file: &'a Path, registry: &'a Registry) -> Loader<'a> {
        Loader::for_document(file, "a scenario file", registry)
    }

    /// Creates a loader for another kind of file that contains scenario-shaped parts;
    /// `document` names the kind in messages, e.g. `a matrix catalog`.
    pub(crate) fn for_document(file: &'a Path, document: &'static str, registry: &'a Registry) -> Loader<'a> {
        Loader { yaml: YamlReader::new(file, document), registry }
    }

    pub(super) fn load(&self, source: &str, id: &str) -> LoadResult<Scenario> {
        let root = self.yaml.parse(source)?;
        let Some(top) = root.as_mapping() else {
            return Err(self.yaml.error(root.span(), "", "the document must be a mapping"));
        };
        self.yaml.check_keys(top, "", SCENARIO_KEYS)?;

        let name = self.yaml.required_string(top, "name", "name")?;
        let description = top.get_node("description").map(|node| self.yaml.string(node, "description")).transpose()?;
        let tags = match top.get_node("tags") {
            Some(node) => self.yaml.string_list(node, "tags")?,
            None => Vec::new(),
        };
        let profiles = self.profiles(top)?;
        let actors = self.actors(top)?;
        let steps = self.steps(top, &profiles, &actors)?;

        Ok(Scenario {
            id: id.to_owned(),
            path: self.yaml.file().to_path_buf(),
            name,
            description,
            tags,
            profiles,
            actors,
            steps,
        })
    }

    // ---- top-level sections ---------------------------------------------------

    fn profiles(&self, top: &MarkedMappingNode) -> LoadResult<Vec<Profile>> {
        let node = self.yaml.required(top, "profiles", "profiles")?;
        let items = self.yaml.sequence(node, "profiles")?;
        if items.is_empty() {
            return Err(self.yaml.error(node.span(), "profiles", "list at least one profile"));
        }

        let mut profiles = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let key = format!("profiles[{index}]");
            let profile = self.profile(self.yaml.scalar(item, &key)?, &key)?;
            if profiles.contains(&profile) {
                return Err(self.yaml.error(item.span(), &key, format!("profile {profile} is listed twice")));
            }
            profiles.push(profile);
        }
        Ok(profiles)
    }

    /// Parses a profile name.
    pub(crate) fn profile(&self, scalar: &MarkedScalarNode, key: &str) -> LoadResult<Profile> {
        scalar.as_str().parse::<Profile>().map_err(|message| self.yaml.error(scalar.span(), key, message))
    }

    /// Reads the required `actors` mapping of `top`.
    pub(crate) fn actors(&self, top: &MarkedMappingNode) -> LoadResult<Vec<Actor>> {
        let node = self.yaml.required(top, "actors", "actors")?;
        let mapping = self.yaml.mapping(node, "actors")?;
        if mapping.is_empty() {
            return Err(self.yaml.error(node.span(), "actors", "define at least one actor"));
        }

        let mut actors = Vec::with_capacity(mapping.len());
        for (name, value) in mapping.iter() {
            let key = join("actors", name.as_str());
            let fields = self.yaml.mapping(value, &key)?;
            self.yaml.check_keys(fields, &key, ACTOR_KEYS)?;

            let account_key = join(&key, "account");
            let account_id = self.yaml.required_string(fields, "account", &key)?;
            if !is_account_id(&account_id) {
                let span = fields.get_node("account").map_or(fields.span(), Node::span);
                return Err(self.yaml.error(
                    span,
                    &account_key,
                    format!("{account_id:?} is not a 12-digit account id; quote it so YAML keeps leading zeros"),
                ));
            }

            let region = self.yaml.required_string(fields, "region", &key)?;
            if !is_region_name(&region) {
                let span = fields.get_node("region").map_or(fields.span(), Node::span);
                return Err(self.yaml.error(
                    span,
                    &join(&key, "region"),
                    format!("{region:?} is not a region name such as eu-central-1"),
                ));
            }

            let access_key_id = match fields.get_node("access_key_id") {
                Some(node) => self.yaml.string(node, &join(&key, "access_key_id"))?,
                None => account_id.clone(),
            };

            let addressing = match fields.get_node("addressing") {
                Some(node) => {
                    let addressing_key = join(&key, "addressing");
                    let text = self.yaml.string(node, &addressing_key)?;
                    Addressing::parse(&text).ok_or_else(|| {
                        self.yaml.error(
                            node.span(),
                            &addressing_key,
                            format!("unknown addressing {text:?}; expected one of {}", Addressing::NAMES.join(", ")),
                        )
                    })?
                }
                None => Addressing::Default,
            };

            actors.push(Actor { name: name.as_str().to_owned(), account_id, region, access_key_id, addressing });
        }
        Ok(actors)
    }

    fn steps(&self, top: &MarkedMappingNode, profiles: &[Profile], actors: &[Actor]) -> LoadResult<Vec<Step>> {
        let node = self.yaml.required(top, "steps", "steps")?;
        let items = self.yaml.sequence(node, "steps")?;
        if items.is_empty() {
            return Err(self.yaml.error(node.span(), "steps", "list at least one step"));
        }

        let mut defined = BTreeSet::new();
        let mut steps = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let step = self.step(index + 1, item, profiles, actors, &defined)?;
            defined.extend(step.captures.iter().map(|capture| capture.variable.clone()));
            steps.push(step);
        }
        Ok(steps)
    }

    fn step(
        &self,
        number: usize,
        node: &Node,
        profiles: &[Profile],
        actors: &[Actor],
        defined: &BTreeSet<String>,
    ) -> LoadResult<Step> {
        let context = format!("step {number}");
        let fields = node.as_mapping().ok_or_else(|| {
            self.yaml.error(
                node.span(),
                &context,
                format!("a step must be a mapping with actor and call, found {}", describe(node)),
            )
        })?;
        self.yaml.check_keys(fields, &format!("{context}:"), STEP_KEYS)?;
        let key = |member: &str| format!("{context}: {member}");

        let actor_node = self.yaml.required(fields, "actor", &context)?;
        let actor = self.yaml.string(actor_node, &key("actor"))?;
        if !actors.iter().any(|known| known.name == actor) {
            let names: Vec<&str> = actors.iter().map(|known| known.name.as_str()).collect();
            return Err(self.yaml.error(
                actor_node.span(),
                &key("actor"),
                format!("unknown actor {actor:?}; the actors are {}", names.join(", ")),
            ));
        }

        let call_node = self.yaml.required(fields, "call", &context)?;
        let call_text = self.yaml.string(call_node, &key("call"))?;
        let (call, declared) = self.call(&call_text, call_node, &key("call"))?;
        let presign = match fields.get_node("presign") {
            Some(flag_node) => self.presign_flag(flag_node, &call, &key("presign"))?,
            None => false,
        };
        // A presigned step's response is the presigned request, not the operation's output.
        let presigned_declaration = Operation { output: &PRESIGNED_REQUEST, ..*declared };
        let operation = if presign { &presigned_declaration } else { declared };

        let input = match fields.get_node("input") {
            Some(input_node) => {
                self.yaml.mapping(input_node, &key("input"))?;
                let input = self.template_value(input_node, &key("input"), defined)?;
                self.check_input(input_node, &input, operation, &key("input"))?;
                input
            }
            None => Value::Object(Map::new()),
        };

        let captures = match fields.get_node("capture") {
            Some(capture_node) => {
                let captures = self.captures(capture_node, &key("capture"))?;
                self.check_captures(capture_node, &captures, operation, &key("capture"))?;
                captures
            }
            None => Vec::new(),
        };

        let expect = match fields.get_node("expect") {
            Some(expect_node) => self.expectations(expect_node, &key("expect"), profiles, defined, operation)?,
            None => Vec::new(),
        };

        let line = node.span().start().map_or(1, marked_yaml::Marker::line);
        Ok(Step { number, line, actor, call, input, captures, expect, presign })
    }

    /// Reads a step's `presign` flag; `true` needs a driver that presigns the operation.
    fn presign_flag(&self, node: &Node, call: &Call, key: &str) -> LoadResult<bool> {
        let flag = self.yaml.scalar(node, key)?;
        let presign = flag.as_bool().ok_or_else(|| self.yaml.error(node.span(), key, "expected true or false"))?;
        let presigned = self.registry.driver(&call.service).map_or(&[][..], |driver| driver.presigned_operations());
        if presign && !presigned.contains(&call.operation.as_str()) {
            let supported = if presigned.is_empty() { "none".to_owned() } else { presigned.join(", ") };
            return Err(self.yaml.error(
                node.span(),
                key,
                format!("{call} cannot be presigned; the {} driver presigns {supported}", call.service),
            ));
        }
        Ok(presign)
    }

    /// Parses `service.Operation` and returns it with the driver's declaration of the operation.
    pub(crate) fn call(&self, text: &str, node: &Node, key: &str) -> LoadResult<(Call, &'static Operation)> {
        let Some((service, operation)) = text.split_once('.') else {
            return Err(self.yaml.error(
                node.span(),
                key,
                format!("{text:?} is not service.Operation, such as sqs.CreateQueue"),
            ));
        };

        match self.registry.operation(service, operation) {
            Ok((_, found)) => Ok((Call { service: service.to_owned(), operation: operation.to_owned() }, found)),
            Err(LookupError::UnknownService { service, known }) => Err(self.yaml.error(
                node.span(),
                key,
                format!("unknown service {service:?}; drivers exist for {}", known.join(", ")),
            )),
            Err(LookupError::UnknownOperation { operation, suggestion }) => {
                let hint = suggestion.map_or(String::new(), |name| format!("; did you mean {service}.{name}?"));
                Err(self.yaml.error(node.span(), key, format!("unknown operation {service}.{operation}{hint}")))
            }
        }
    }

    /// Reads a `capture` mapping of `variable: Response.Path`.
    pub(crate) fn captures(&self, node: &Node, key: &str) -> LoadResult<Vec<Capture>> {
        let mapping = self.yaml.mapping(node, key)?;
        let mut captures = Vec::with_capacity(mapping.len());
        for (variable, path_node) in mapping.iter() {
            let capture_key = join(key, variable.as_str());
            if !template::is_variable_name(variable.as_str()) {
                return Err(self.yaml.error(
                    variable.span(),
                    &capture_key,
                    "a variable name is letters, digits and `_`, not starting with a digit",
                ));
            }
            let path_text = self.yaml.string(path_node, &capture_key)?;
            let path = ResponsePath::parse(&path_text)
                .map_err(|message| self.yaml.error(path_node.span(), &capture_key, message))?;
            captures.push(Capture { variable: variable.as_str().to_owned(), path });
        }
        Ok(captures)
    }

    fn expectations(
        &self,
        node: &Node,
        key: &str,
        profiles: &[Profile],
        defined: &BTreeSet<String>,
        operation: &Operation,
    ) -> LoadResult<Vec<(Profile, Expectation)>> {
        let mapping = self.yaml.mapping(node, key)?;
        let mut expectations = Vec::with_capacity(mapping.len());

        for (profile_key, value) in mapping.iter() {
            let expectation_key = join(key, profile_key.as_str());
            let profile = self.profile(profile_key, &expectation_key)?;
            if !profiles.contains(&profile) {
                return Err(self.yaml.error(
                    profile_key.span(),
                    &expectation_key,
                    format!(
                        "profile {profile} is not in the scenario's profiles; add it there or remove this expectation"
                    ),
                ));
            }
            let expectation = self.expectation(value, &expectation_key, defined)?;
            self.check_expected_subset(value, &expectation, operation, &expectation_key, None)?;
            expectations.push((profile, expectation));
        }

        for profile in profiles {
            if !expectations.iter().any(|(stated, _)| stated == profile) {
                return Err(self.yaml.error(
                    node.span(),
                    key,
                    format!("no expected outcome for profile {profile}; a step with `expect` states one for every profile in `profiles`"),
                ));
            }
        }
        Ok(expectations)
    }

    /// Reads one expectation: `ok`, `{ ok: SUBSET }` or `{ error: CLASS_OR_CODE }`,
    /// with `source` and `unverified`; `defined` are the variables it may use.
    pub(crate) fn expectation(&self, node: &Node, key: &str, defined: &BTreeSet<String>) -> LoadResult<Expectation> {
        const FORMS: &str = "expected `ok`, `{ ok: RESPONSE_SUBSET }` or `{ error: CLASS_OR_CODE }`";

        if let Some(scalar) = node.as_scalar() {
            if scalar.as_str() == "ok" {
                return Ok(Expectation { outcome: ExpectedOutcome::Ok(None), source: None, unverified: false });
            }
            return Err(self.yaml.error(node.span(), key, format!("{FORMS}, found {:?}", scalar.as_str())));
        }

        let mapping = self.yaml.mapping(node, key)?;
        self.yaml.check_keys(mapping, key, EXPECTATION_KEYS)?;

        let outcome = match (mapping.get_node("ok"), mapping.get_node("error")) {
            (Some(_), Some(error_node)) => {
                return Err(self.yaml.error(error_node.span(), key, "state either `ok` or `error`, not both"));
            }
            (Some(ok_node), None) => {
                let subset = match ok_node {
                    Node::Scalar(scalar) if is_null(scalar) => None,
                    Node::Mapping(subset) if subset.is_empty() => None,
                    Node::Mapping(_) => Some(self.template_value(ok_node, &join(key, "ok"), defined)?),
                    other => {
                        return Err(self.yaml.error(
                            other.span(),
                            &join(key, "ok"),
                            format!("expected a mapping of response members, found {}", describe(other)),
                        ));
                    }
                };
                ExpectedOutcome::Ok(subset)
            }
            (None, Some(error_node)) => ExpectedOutcome::Error(self.error_matcher(error_node, &join(key, "error"))?),
            (None, None) => return Err(self.yaml.error(node.span(), key, FORMS)),
        };

        let source = mapping
            .get_node("source")
            .map(|source_node| self.yaml.string(source_node, &join(key, "source")))
            .transpose()?;
        let unverified = match mapping.get_node("unverified") {
            Some(flag_node) => {
                let flag = self.yaml.scalar(flag_node, &join(key, "unverified"))?;
                flag.as_bool().ok_or_else(|| {
                    self.yaml.error(flag_node.span(), &join(key, "unverified"), "expected true or false")
                })?
            }
            None => false,
        };

        Ok(Expectation { outcome, source, unverified })
    }

    fn error_matcher(&self, node: &Node, key: &str) -> LoadResult<ErrorMatcher> {
        let text = self.yaml.string(node, key)?;
        if text == ANY_ERROR {
            return Ok(ErrorMatcher::Any);
        }
        if let Ok(class) = text.parse::<OutcomeClass>() {
            if class == OutcomeClass::Ok {
                return Err(self.yaml.error(node.span(), key, "`error: ok` contradicts itself; write `ok` instead"));
            }
            return Ok(ErrorMatcher::Class(class));
        }

        // AWS error codes start with a capital letter; a lower-case word is a mistyped class.
        if !text.starts_with(|c: char| c.is_ascii_uppercase()) {
            let classes: Vec<&str> = OutcomeClass::ALL
                .iter()
                .filter(|class| **class != OutcomeClass::Ok)
                .map(|class| class.as_str())
                .collect();
            return Err(self.yaml.error(
                node.span(),
                key,
                format!(
                    "unknown outcome class {text:?}; the classes are {}, and `any`; an exact error code starts with a capital letter",
                    classes.join(", ")
                ),
            ));
        }
        Ok(ErrorMatcher::Code(text))
    }

    // ---- values with ${variable} references -----------------------------------

    /// Converts a node to JSON, checking that every `${variable}` in its
    /// strings is defined by an earlier step's capture.
    pub(crate) fn template_value(&self, node: &Node, key: &str, defined: &BTreeSet<String>) -> LoadResult<Value> {
        match node {
            Node::Scalar(scalar) => self.template_scalar(scalar, key, defined),
            Node::Sequence(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| self.template_value(item, &format!("{key}[{index}]"), defined))
                .collect::<LoadResult<Vec<_>>>()
                .map(Value::Array),
            Node::Mapping(mapping) => {
                let mut object = Map::with_capacity(mapping.len());
                for (member, value) in mapping.iter() {
                    let member_key = join(key, member.as_str());
                    object.insert(member.as_str().to_owned(), self.template_value(value, &member_key, defined)?);
                }
                Ok(Value::Object(object))
            }
        }
    }

    fn template_scalar(&self, scalar: &MarkedScalarNode, key: &str, defined: &BTreeSet<String>) -> LoadResult<Value> {
        let value = scalar_value(scalar);
        let Value::String(text) = &value else {
            return Ok(value);
        };

        let parts = template::parse(text).map_err(|error| self.yaml.error(scalar.span(), key, error.0))?;
        for part in parts {
            if let Part::Variable(name) = part
                && !defined.contains(name)
            {
                let hint = if defined.is_empty() {
                    "no earlier step captures any variable".to_owned()
                } else {
                    format!("earlier steps capture {}", defined.iter().cloned().collect::<Vec<_>>().join(", "))
                };
                return Err(self.yaml.error(scalar.span(), key, format!("undefined variable ${{{name}}}; {hint}")));
            }
        }
        Ok(value)
    }
}
