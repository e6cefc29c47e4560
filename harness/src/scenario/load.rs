//! The scenario loader: YAML with positions, validated key by key.
//!
//! The file is parsed with `marked-yaml`, which keeps the line and column of
//! every node, and then walked by hand. So every semantic error (an unknown
//! operation, member, variable, actor or profile) points at the line that
//! causes it, like a syntax error does.
//!
//! Plain scalars get YAML's core types (`null`, `true`, integers, floats);
//! quoted scalars are always strings. Anchors, aliases, tags and files with
//! more than one document are rejected.

use std::collections::BTreeSet;
use std::path::Path;

use crosscheck_emulator::access::Profile;
use crosscheck_emulator::arn::{is_account_id, is_region_name};
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, MarkedSequenceNode};
use marked_yaml::{LoaderOptions, Node, Span};
use serde_json::{Map, Number, Value};

use super::template::{self, Part};
use super::{
    Actor, Call, Capture, ErrorMatcher, Expectation, ExpectedOutcome, LoadError, ResponsePath, Scenario, Step,
};
use crate::driver::{LookupError, Registry};
use crate::outcome::OutcomeClass;

const SCENARIO_KEYS: &[&str] = &["name", "description", "tags", "profiles", "actors", "steps"];
const ACTOR_KEYS: &[&str] = &["account", "region", "access_key_id"];
const STEP_KEYS: &[&str] = &["actor", "call", "input", "capture", "expect"];
const EXPECTATION_KEYS: &[&str] = &["ok", "error", "source", "unverified"];

/// Words accepted after `error:` besides the outcome classes.
const ANY_ERROR: &str = "any";

type LoadResult<T> = Result<T, LoadError>;

pub(super) struct Loader<'a> {
    file: &'a Path,
    registry: &'a Registry,
}

impl<'a> Loader<'a> {
    pub(super) fn new(file: &'a Path, registry: &'a Registry) -> Loader<'a> {
        Loader { file, registry }
    }

    fn error(&self, span: &Span, key: &str, message: impl Into<String>) -> LoadError {
        let (line, column) = span.start().map_or((1, 1), |marker| (marker.line(), marker.column()));
        LoadError {
            file: self.file.to_path_buf(),
            line,
            column,
            key: if key.is_empty() { "(document)".to_owned() } else { key.to_owned() },
            message: message.into(),
        }
    }

    pub(super) fn load(&self, source: &str, id: &str) -> LoadResult<Scenario> {
        let root = self.parse(source)?;
        let Some(top) = root.as_mapping() else {
            return Err(self.error(root.span(), "", "the document must be a mapping"));
        };
        self.check_keys(top, "", SCENARIO_KEYS)?;

        let name = self.required_string(top, "name", "name")?;
        let description = top.get_node("description").map(|node| self.string(node, "description")).transpose()?;
        let tags = match top.get_node("tags") {
            Some(node) => self.string_list(node, "tags")?,
            None => Vec::new(),
        };
        let profiles = self.profiles(top)?;
        let actors = self.actors(top)?;
        let steps = self.steps(top, &profiles, &actors)?;

        Ok(Scenario {
            id: id.to_owned(),
            path: self.file.to_path_buf(),
            name,
            description,
            tags,
            profiles,
            actors,
            steps,
        })
    }

    fn parse(&self, source: &str) -> LoadResult<Node> {
        // marked-yaml reads the first document and ignores the rest, which
        // would drop steps without a word.
        if let Some(line) = second_document_line(source) {
            let marker = marked_yaml::Marker::new(0, 0, line, 1);
            return Err(self.error(
                &Span::new_start(marker),
                "",
                "a second YAML document starts here; a scenario file holds exactly one document",
            ));
        }

        let options = LoaderOptions::default().error_on_duplicate_keys(true).prevent_coercion(true);
        // marked-yaml 0.8 asserts instead of failing on some inputs, such as a
        // second document; turn such a panic into a load error.
        let parsed = std::panic::catch_unwind(|| marked_yaml::parse_yaml_with_options(0, source, options));
        let parsed = parsed.map_err(|_| LoadError {
            file: self.file.to_path_buf(),
            line: 1,
            column: 1,
            key: "(document)".to_owned(),
            message: "the YAML could not be parsed; a scenario file holds exactly one YAML document".to_owned(),
        })?;
        parsed.map_err(|error| self.syntax_error(&error))
    }

    fn syntax_error(&self, error: &marked_yaml::LoadError) -> LoadError {
        use marked_yaml::LoadError as Yaml;

        let (marker, key, message) = match error {
            Yaml::TopLevelMustBeMapping(marker) | Yaml::TopLevelMustBeSequence(marker) => {
                (*marker, String::new(), "the document must be a mapping".to_owned())
            }
            Yaml::UnexpectedAnchor(marker) => {
                (*marker, String::new(), "YAML anchors and aliases are not supported; write the value out".to_owned())
            }
            Yaml::MappingKeyMustBeScalar(marker) => {
                (*marker, String::new(), "a mapping key must be a plain string".to_owned())
            }
            Yaml::UnexpectedTag(marker) => {
                (*marker, String::new(), "YAML tags such as `!name` are not supported".to_owned())
            }
            Yaml::ScanError(marker, scan) => (*marker, String::new(), format!("invalid YAML: {}", scan.info())),
            Yaml::DuplicateKey(duplicate) => {
                let marker =
                    duplicate.key.span().start().copied().unwrap_or_else(|| marked_yaml::Marker::new(0, 0, 1, 1));
                let first_line = duplicate.prev_key.span().start().map_or(0, marked_yaml::Marker::line);
                (
                    marker,
                    duplicate.key.as_str().to_owned(),
                    format!("duplicate key; it is already set on line {first_line}"),
                )
            }
        };
        self.error(&Span::new_start(marker), &key, message)
    }

    // ---- generic node readers -------------------------------------------------

    fn check_keys(&self, mapping: &MarkedMappingNode, context: &str, allowed: &[&str]) -> LoadResult<()> {
        for key in mapping.keys() {
            if !allowed.contains(&key.as_str()) {
                let path = join(context, key.as_str());
                return Err(self.error(
                    key.span(),
                    &path,
                    format!("unknown key {:?}; expected one of {}", key.as_str(), allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn mapping<'n>(&self, node: &'n Node, key: &str) -> LoadResult<&'n MarkedMappingNode> {
        node.as_mapping()
            .ok_or_else(|| self.error(node.span(), key, format!("expected a mapping, found {}", describe(node))))
    }

    fn sequence<'n>(&self, node: &'n Node, key: &str) -> LoadResult<&'n MarkedSequenceNode> {
        node.as_sequence()
            .ok_or_else(|| self.error(node.span(), key, format!("expected a list, found {}", describe(node))))
    }

    fn scalar<'n>(&self, node: &'n Node, key: &str) -> LoadResult<&'n MarkedScalarNode> {
        node.as_scalar()
            .ok_or_else(|| self.error(node.span(), key, format!("expected a string, found {}", describe(node))))
    }

    fn string(&self, node: &Node, key: &str) -> LoadResult<String> {
        Ok(self.scalar(node, key)?.as_str().to_owned())
    }

    fn required<'n>(&self, mapping: &'n MarkedMappingNode, member: &str, key: &str) -> LoadResult<&'n Node> {
        mapping
            .get_node(member)
            .ok_or_else(|| self.error(mapping.span(), key, format!("missing required key {member:?}")))
    }

    fn required_string(&self, mapping: &MarkedMappingNode, member: &str, key: &str) -> LoadResult<String> {
        let node = self.required(mapping, member, key)?;
        let text = self.string(node, key)?;
        if text.is_empty() {
            return Err(self.error(node.span(), key, "must not be empty"));
        }
        Ok(text)
    }

    fn string_list(&self, node: &Node, key: &str) -> LoadResult<Vec<String>> {
        let items = self.sequence(node, key)?;
        items.iter().enumerate().map(|(index, item)| self.string(item, &format!("{key}[{index}]"))).collect()
    }

    // ---- top-level sections ---------------------------------------------------

    fn profiles(&self, top: &MarkedMappingNode) -> LoadResult<Vec<Profile>> {
        let node = self.required(top, "profiles", "profiles")?;
        let items = self.sequence(node, "profiles")?;
        if items.is_empty() {
            return Err(self.error(node.span(), "profiles", "list at least one profile"));
        }

        let mut profiles = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let key = format!("profiles[{index}]");
            let profile = self.profile(self.scalar(item, &key)?, &key)?;
            if profiles.contains(&profile) {
                return Err(self.error(item.span(), &key, format!("profile {profile} is listed twice")));
            }
            profiles.push(profile);
        }
        Ok(profiles)
    }

    fn profile(&self, scalar: &MarkedScalarNode, key: &str) -> LoadResult<Profile> {
        scalar.as_str().parse::<Profile>().map_err(|message| self.error(scalar.span(), key, message))
    }

    fn actors(&self, top: &MarkedMappingNode) -> LoadResult<Vec<Actor>> {
        let node = self.required(top, "actors", "actors")?;
        let mapping = self.mapping(node, "actors")?;
        if mapping.is_empty() {
            return Err(self.error(node.span(), "actors", "define at least one actor"));
        }

        let mut actors = Vec::with_capacity(mapping.len());
        for (name, value) in mapping.iter() {
            let key = join("actors", name.as_str());
            let fields = self.mapping(value, &key)?;
            self.check_keys(fields, &key, ACTOR_KEYS)?;

            let account_key = join(&key, "account");
            let account_id = self.required_string(fields, "account", &key)?;
            if !is_account_id(&account_id) {
                let span = fields.get_node("account").map_or(fields.span(), Node::span);
                return Err(self.error(
                    span,
                    &account_key,
                    format!("{account_id:?} is not a 12-digit account id; quote it so YAML keeps leading zeros"),
                ));
            }

            let region = self.required_string(fields, "region", &key)?;
            if !is_region_name(&region) {
                let span = fields.get_node("region").map_or(fields.span(), Node::span);
                return Err(self.error(
                    span,
                    &join(&key, "region"),
                    format!("{region:?} is not a region name such as eu-central-1"),
                ));
            }

            let access_key_id = match fields.get_node("access_key_id") {
                Some(node) => self.string(node, &join(&key, "access_key_id"))?,
                None => account_id.clone(),
            };

            actors.push(Actor { name: name.as_str().to_owned(), account_id, region, access_key_id });
        }
        Ok(actors)
    }

    fn steps(&self, top: &MarkedMappingNode, profiles: &[Profile], actors: &[Actor]) -> LoadResult<Vec<Step>> {
        let node = self.required(top, "steps", "steps")?;
        let items = self.sequence(node, "steps")?;
        if items.is_empty() {
            return Err(self.error(node.span(), "steps", "list at least one step"));
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
            self.error(
                node.span(),
                &context,
                format!("a step must be a mapping with actor and call, found {}", describe(node)),
            )
        })?;
        self.check_keys(fields, &format!("{context}:"), STEP_KEYS)?;
        let key = |member: &str| format!("{context}: {member}");

        let actor_node = self.required(fields, "actor", &context)?;
        let actor = self.string(actor_node, &key("actor"))?;
        if !actors.iter().any(|known| known.name == actor) {
            let names: Vec<&str> = actors.iter().map(|known| known.name.as_str()).collect();
            return Err(self.error(
                actor_node.span(),
                &key("actor"),
                format!("unknown actor {actor:?}; the actors are {}", names.join(", ")),
            ));
        }

        let call_node = self.required(fields, "call", &context)?;
        let call_text = self.string(call_node, &key("call"))?;
        let (call, members) = self.call(&call_text, call_node, &key("call"))?;

        let input = match fields.get_node("input") {
            Some(input_node) => {
                let mapping = self.mapping(input_node, &key("input"))?;
                for member in mapping.keys() {
                    if !members.contains(&member.as_str()) {
                        return Err(self.error(
                            member.span(),
                            &key(&format!("input.{}", member.as_str())),
                            format!(
                                "unknown input member {:?} for {call}; its members are {}",
                                member.as_str(),
                                members.join(", ")
                            ),
                        ));
                    }
                }
                self.template_value(input_node, &key("input"), defined)?
            }
            None => Value::Object(Map::new()),
        };

        let captures = match fields.get_node("capture") {
            Some(capture_node) => self.captures(capture_node, &key("capture"))?,
            None => Vec::new(),
        };

        let expect = match fields.get_node("expect") {
            Some(expect_node) => self.expectations(expect_node, &key("expect"), profiles, defined)?,
            None => Vec::new(),
        };

        let line = node.span().start().map_or(1, marked_yaml::Marker::line);
        Ok(Step { number, line, actor, call, input, captures, expect })
    }

    fn call(&self, text: &str, node: &Node, key: &str) -> LoadResult<(Call, &'static [&'static str])> {
        let Some((service, operation)) = text.split_once('.') else {
            return Err(self.error(
                node.span(),
                key,
                format!("{text:?} is not service.Operation, such as sqs.CreateQueue"),
            ));
        };

        match self.registry.operation(service, operation) {
            Ok((_, found)) => {
                Ok((Call { service: service.to_owned(), operation: operation.to_owned() }, found.members))
            }
            Err(LookupError::UnknownService { service, known }) => Err(self.error(
                node.span(),
                key,
                format!("unknown service {service:?}; drivers exist for {}", known.join(", ")),
            )),
            Err(LookupError::UnknownOperation { operation, suggestion }) => {
                let hint = suggestion.map_or(String::new(), |name| format!("; did you mean {service}.{name}?"));
                Err(self.error(node.span(), key, format!("unknown operation {service}.{operation}{hint}")))
            }
        }
    }

    fn captures(&self, node: &Node, key: &str) -> LoadResult<Vec<Capture>> {
        let mapping = self.mapping(node, key)?;
        let mut captures = Vec::with_capacity(mapping.len());
        for (variable, path_node) in mapping.iter() {
            let capture_key = join(key, variable.as_str());
            if !template::is_variable_name(variable.as_str()) {
                return Err(self.error(
                    variable.span(),
                    &capture_key,
                    "a variable name is letters, digits and `_`, not starting with a digit",
                ));
            }
            let path_text = self.string(path_node, &capture_key)?;
            let path = ResponsePath::parse(&path_text)
                .map_err(|message| self.error(path_node.span(), &capture_key, message))?;
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
    ) -> LoadResult<Vec<(Profile, Expectation)>> {
        let mapping = self.mapping(node, key)?;
        let mut expectations = Vec::with_capacity(mapping.len());

        for (profile_key, value) in mapping.iter() {
            let expectation_key = join(key, profile_key.as_str());
            let profile = self.profile(profile_key, &expectation_key)?;
            if !profiles.contains(&profile) {
                return Err(self.error(
                    profile_key.span(),
                    &expectation_key,
                    format!(
                        "profile {profile} is not in the scenario's profiles; add it there or remove this expectation"
                    ),
                ));
            }
            expectations.push((profile, self.expectation(value, &expectation_key, defined)?));
        }

        for profile in profiles {
            if !expectations.iter().any(|(stated, _)| stated == profile) {
                return Err(self.error(
                    node.span(),
                    key,
                    format!("no expected outcome for profile {profile}; a step with `expect` states one for every profile in `profiles`"),
                ));
            }
        }
        Ok(expectations)
    }

    fn expectation(&self, node: &Node, key: &str, defined: &BTreeSet<String>) -> LoadResult<Expectation> {
        const FORMS: &str = "expected `ok`, `{ ok: RESPONSE_SUBSET }` or `{ error: CLASS_OR_CODE }`";

        if let Some(scalar) = node.as_scalar() {
            if scalar.as_str() == "ok" {
                return Ok(Expectation { outcome: ExpectedOutcome::Ok(None), source: None, unverified: false });
            }
            return Err(self.error(node.span(), key, format!("{FORMS}, found {:?}", scalar.as_str())));
        }

        let mapping = self.mapping(node, key)?;
        self.check_keys(mapping, key, EXPECTATION_KEYS)?;

        let outcome = match (mapping.get_node("ok"), mapping.get_node("error")) {
            (Some(_), Some(error_node)) => {
                return Err(self.error(error_node.span(), key, "state either `ok` or `error`, not both"));
            }
            (Some(ok_node), None) => {
                let subset = match ok_node {
                    Node::Scalar(scalar) if is_null(scalar) => None,
                    Node::Mapping(subset) if subset.is_empty() => None,
                    Node::Mapping(_) => Some(self.template_value(ok_node, &join(key, "ok"), defined)?),
                    other => {
                        return Err(self.error(
                            other.span(),
                            &join(key, "ok"),
                            format!("expected a mapping of response members, found {}", describe(other)),
                        ));
                    }
                };
                ExpectedOutcome::Ok(subset)
            }
            (None, Some(error_node)) => ExpectedOutcome::Error(self.error_matcher(error_node, &join(key, "error"))?),
            (None, None) => return Err(self.error(node.span(), key, FORMS)),
        };

        let source =
            mapping.get_node("source").map(|source_node| self.string(source_node, &join(key, "source"))).transpose()?;
        let unverified = match mapping.get_node("unverified") {
            Some(flag_node) => {
                let flag = self.scalar(flag_node, &join(key, "unverified"))?;
                flag.as_bool()
                    .ok_or_else(|| self.error(flag_node.span(), &join(key, "unverified"), "expected true or false"))?
            }
            None => false,
        };

        Ok(Expectation { outcome, source, unverified })
    }

    fn error_matcher(&self, node: &Node, key: &str) -> LoadResult<ErrorMatcher> {
        let text = self.string(node, key)?;
        if text == ANY_ERROR {
            return Ok(ErrorMatcher::Any);
        }
        if let Ok(class) = text.parse::<OutcomeClass>() {
            if class == OutcomeClass::Ok {
                return Err(self.error(node.span(), key, "`error: ok` contradicts itself; write `ok` instead"));
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
            return Err(self.error(
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
    fn template_value(&self, node: &Node, key: &str, defined: &BTreeSet<String>) -> LoadResult<Value> {
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

        let parts = template::parse(text).map_err(|error| self.error(scalar.span(), key, error.0))?;
        for part in parts {
            if let Part::Variable(name) = part
                && !defined.contains(name)
            {
                let hint = if defined.is_empty() {
                    "no earlier step captures any variable".to_owned()
                } else {
                    format!("earlier steps capture {}", defined.iter().cloned().collect::<Vec<_>>().join(", "))
                };
                return Err(self.error(scalar.span(), key, format!("undefined variable ${{{name}}}; {hint}")));
            }
        }
        Ok(value)
    }
}

/// Returns the line (from 1) of a `---` document marker that follows content.
fn second_document_line(source: &str) -> Option<usize> {
    let mut seen_content = false;
    for (index, line) in source.lines().enumerate() {
        let is_marker = line == "---" || line.starts_with("--- ");
        if is_marker && seen_content {
            return Some(index + 1);
        }
        let trimmed = line.trim_start();
        if !is_marker && !trimmed.is_empty() && !trimmed.starts_with('#') {
            seen_content = true;
        }
    }
    None
}

/// Converts a scalar to JSON: YAML core types for plain scalars, strings for quoted ones.
fn scalar_value(scalar: &MarkedScalarNode) -> Value {
    let text = scalar.as_str();
    if !scalar.may_coerce() {
        return Value::String(text.to_owned());
    }
    if is_null(scalar) {
        return Value::Null;
    }
    if let Some(flag) = scalar.as_bool() {
        return Value::Bool(flag);
    }
    if let Some(integer) = scalar.as_i64() {
        return Value::Number(integer.into());
    }
    if looks_like_float(text)
        && let Some(number) = text.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(number);
    }
    Value::String(text.to_owned())
}

fn is_null(scalar: &MarkedScalarNode) -> bool {
    scalar.may_coerce() && matches!(scalar.as_str(), "" | "~" | "null" | "Null" | "NULL")
}

/// Returns whether `text` is a decimal number with a fraction or exponent,
/// as YAML's core schema writes floats (Rust would also parse `inf` and `NaN`).
fn looks_like_float(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
}

fn describe(node: &Node) -> String {
    match node {
        Node::Scalar(scalar) => format!("the value {:?}", scalar.as_str()),
        Node::Mapping(_) => "a mapping".to_owned(),
        Node::Sequence(_) => "a list".to_owned(),
    }
}

fn join(context: &str, member: &str) -> String {
    if context.is_empty() {
        member.to_owned()
    } else if context.ends_with(':') {
        format!("{context} {member}")
    } else {
        format!("{context}.{member}")
    }
}
