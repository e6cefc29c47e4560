//! The catalog loader: the scenario loader's machinery applied to a catalog.
//!
//! Actors, calls, inputs, captures and expectations are read by
//! [`crate::scenario::load::Loader`], so a catalog error names the file,
//! line, column and key exactly as a scenario error does. This module checks
//! what only a catalog has: the four boundary expectations of every profile,
//! fixtures and their `extends`, address kinds, and that every variable a
//! template uses is a built-in or a fixture capture. Inputs, address members,
//! `response` subsets, `ok` subsets and capture paths are checked against the
//! driver's shapes. A profile's `ok` subset is checked against every
//! operation it applies to.

use std::collections::BTreeSet;
use std::path::Path;

use crosscheck_emulator::access::Profile;
use crosscheck_emulator::arn::AddressKind;
use marked_yaml::Node;
use marked_yaml::types::MarkedMappingNode;
use serde_json::{Map, Value};

use super::{
    BOUNDARIES, BUILTIN_VARIABLES, Catalog, CatalogOperation, Fixture, FixtureStep, NotGrantable, Override,
    ProfileRules, Scope, parse_address_kind, parse_boundary,
};
use crate::driver::shape::{self, Rules};
use crate::driver::{Operation, Registry};
use crate::scenario::load::Loader;
use crate::scenario::{Actor, Call, Expectation, ExpectedOutcome};
use crate::yaml::{LoadResult, describe, join};

const TOP_KEYS: &[&str] = &["service", "description", "actors", "profiles", "fixtures", "operations"];
const NOT_GRANTABLE: &str = "not_grantable";
const FIXTURE_KEYS: &[&str] = &["extends", "steps", "addresses", "cleanup"];
const FIXTURE_STEP_KEYS: &[&str] = &["call", "input", "capture"];
const OPERATION_KEYS: &[&str] = &["call", "fixture", "scope", "input", "addresses", "response", "expect"];
const SCOPES: &[&str] = &["resource", "caller-namespace"];

pub(super) struct CatalogLoader<'a> {
    loader: Loader<'a>,
}

impl<'a> CatalogLoader<'a> {
    pub(super) fn new(file: &'a Path, registry: &'a Registry) -> CatalogLoader<'a> {
        CatalogLoader { loader: Loader::for_document(file, "a matrix catalog", registry) }
    }

    pub(super) fn load(&self, source: &str, id: &str) -> LoadResult<Catalog> {
        let yaml = &self.loader.yaml;
        let root = yaml.parse(source)?;
        let Some(top) = root.as_mapping() else {
            return Err(yaml.error(root.span(), "", "the document must be a mapping"));
        };
        yaml.check_keys(top, "", TOP_KEYS)?;

        let service = yaml.required_string(top, "service", "service")?;
        let (owner, other) = self.actors(top)?;
        let profiles = self.profiles(top, &service)?;
        let fixtures = self.fixtures(top)?;
        let operations = self.operations(top, &service, &fixtures, &profiles)?;

        Ok(Catalog {
            id: id.to_owned(),
            path: yaml.file().to_path_buf(),
            service,
            owner,
            other,
            profiles,
            fixtures,
            operations,
        })
    }

    /// Reads `actors`: exactly `owner` and `other`, in different accounts and regions.
    fn actors(&self, top: &MarkedMappingNode) -> LoadResult<(Actor, Actor)> {
        let yaml = &self.loader.yaml;
        let actors = self.loader.actors(top)?;
        let node = top.get_node("actors").map_or(top.span(), Node::span);

        let find = |name: &str| actors.iter().find(|actor| actor.name == name).cloned();
        let (Some(owner), Some(other)) = (find("owner"), find("other")) else {
            return Err(yaml.error(node, "actors", "define exactly two actors, `owner` and `other`"));
        };
        if actors.len() != 2 {
            return Err(yaml.error(node, "actors", "define exactly two actors, `owner` and `other`"));
        }
        if owner.account_id == other.account_id || owner.region == other.region {
            return Err(yaml.error(
                node,
                "actors",
                "`owner` and `other` need different accounts and different regions, so that the four boundaries differ",
            ));
        }
        Ok((owner, other))
    }

    fn profiles(&self, top: &MarkedMappingNode, service: &str) -> LoadResult<Vec<ProfileRules>> {
        let yaml = &self.loader.yaml;
        let node = yaml.required(top, "profiles", "profiles")?;
        let mapping = yaml.mapping(node, "profiles")?;
        if mapping.is_empty() {
            return Err(yaml.error(node.span(), "profiles", "state the expectations of at least one profile"));
        }

        let defined = builtins();
        let mut profiles = Vec::with_capacity(mapping.len());
        for (profile_key, value) in mapping.iter() {
            let key = join("profiles", profile_key.as_str());
            let profile = self.loader.profile(profile_key, &key)?;
            let fields = yaml.mapping(value, &key)?;
            let allowed: Vec<&str> =
                BOUNDARIES.iter().map(|boundary| boundary.as_str()).chain([NOT_GRANTABLE]).collect();
            yaml.check_keys(fields, &key, &allowed)?;

            let by_boundary = self.boundary_expectations(fields, &key, &defined)?;
            if let Some(missing) = BOUNDARIES.iter().find(|boundary| !by_boundary.iter().any(|(b, _)| b == *boundary)) {
                return Err(yaml.error(
                    value.span(),
                    &key,
                    format!("no expectation for boundary {missing}; state all four boundaries"),
                ));
            }

            let not_grantable = match fields.get_node(NOT_GRANTABLE) {
                Some(node) => Some(self.not_grantable(node, &join(&key, NOT_GRANTABLE), service, &defined)?),
                None => None,
            };
            profiles.push(ProfileRules { profile, by_boundary, not_grantable });
        }
        Ok(profiles)
    }

    fn not_grantable(
        &self,
        node: &Node,
        key: &str,
        service: &str,
        defined: &BTreeSet<String>,
    ) -> LoadResult<NotGrantable> {
        let yaml = &self.loader.yaml;
        let fields = yaml.mapping(node, key)?;
        let allowed: Vec<&str> = BOUNDARIES.iter().map(|boundary| boundary.as_str()).chain(["operations"]).collect();
        yaml.check_keys(fields, key, &allowed)?;

        let operations_node = yaml.required(fields, "operations", key)?;
        let operations = yaml.string_list(operations_node, &join(key, "operations"))?;
        let items = yaml.sequence(operations_node, &join(key, "operations"))?;
        for (index, (name, item)) in operations.iter().zip(items.iter()).enumerate() {
            self.loader.call(&format!("{service}.{name}"), item, &format!("{key}.operations[{index}]"))?;
        }
        let by_boundary = self.boundary_expectations(fields, key, defined)?;
        if by_boundary.is_empty() {
            return Err(yaml.error(node.span(), key, "state the expectation of at least one boundary"));
        }
        Ok(NotGrantable { operations, by_boundary })
    }

    /// Reads the boundary keys of `fields` as expectations.
    fn boundary_expectations(
        &self,
        fields: &MarkedMappingNode,
        key: &str,
        defined: &BTreeSet<String>,
    ) -> LoadResult<Vec<(crosscheck_emulator::access::Boundary, Expectation)>> {
        let mut by_boundary = Vec::new();
        for boundary in BOUNDARIES {
            if let Some(node) = fields.get_node(boundary.as_str()) {
                let expectation = self.loader.expectation(node, &join(key, boundary.as_str()), defined)?;
                by_boundary.push((boundary, expectation));
            }
        }
        Ok(by_boundary)
    }

    // ---- fixtures ---------------------------------------------------------------

    fn fixtures(&self, top: &MarkedMappingNode) -> LoadResult<Vec<Fixture>> {
        let yaml = &self.loader.yaml;
        let node = yaml.required(top, "fixtures", "fixtures")?;
        let mapping = yaml.mapping(node, "fixtures")?;

        let mut fixtures: Vec<Fixture> = Vec::with_capacity(mapping.len());
        for (name, value) in mapping.iter() {
            let key = join("fixtures", name.as_str());
            let fields = yaml.mapping(value, &key)?;
            yaml.check_keys(fields, &key, FIXTURE_KEYS)?;

            let parent = match fields.get_node("extends") {
                Some(extends_node) => {
                    let parent_name = yaml.string(extends_node, &join(&key, "extends"))?;
                    let parent = fixtures.iter().find(|fixture| fixture.name == parent_name).ok_or_else(|| {
                        yaml.error(
                            extends_node.span(),
                            &join(&key, "extends"),
                            format!("fixture {parent_name:?} is not defined above this one"),
                        )
                    })?;
                    Some(parent.clone())
                }
                None => None,
            };

            let mut defined = builtins();
            let mut steps = parent.as_ref().map(|parent| parent.steps.clone()).unwrap_or_default();
            for step in &steps {
                defined.extend(step.captures.iter().map(|capture| capture.variable.clone()));
            }
            if let Some(steps_node) = fields.get_node("steps") {
                for step in self.fixture_steps(steps_node, &join(&key, "steps"), &mut defined)? {
                    steps.push(step);
                }
            }
            if steps.is_empty() {
                return Err(yaml.error(value.span(), &key, "a fixture needs at least one step"));
            }

            let addresses = match fields.get_node("addresses") {
                Some(addresses_node) => self.address_map(addresses_node, &join(&key, "addresses"), &defined)?,
                None => parent.as_ref().map(|parent| parent.addresses.clone()).unwrap_or_default(),
            };
            let cleanup = match fields.get_node("cleanup") {
                Some(cleanup_node) => {
                    let mut cleanup_defined = defined.clone();
                    self.fixture_steps(cleanup_node, &join(&key, "cleanup"), &mut cleanup_defined)?
                }
                None => parent.as_ref().map(|parent| parent.cleanup.clone()).unwrap_or_default(),
            };

            let line = value.span().start().map_or(1, marked_yaml::Marker::line);
            fixtures.push(Fixture { name: name.as_str().to_owned(), line, steps, addresses, cleanup });
        }
        Ok(fixtures)
    }

    /// Reads a list of owner calls; each step may use what earlier steps capture.
    fn fixture_steps(&self, node: &Node, key: &str, defined: &mut BTreeSet<String>) -> LoadResult<Vec<FixtureStep>> {
        let yaml = &self.loader.yaml;
        let items = yaml.sequence(node, key)?;
        let mut steps = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let step_key = format!("{key}[{index}]");
            let fields = yaml.mapping(item, &step_key)?;
            yaml.check_keys(fields, &step_key, FIXTURE_STEP_KEYS)?;

            // A fixture may set up resources of other services, such as the
            // SQS queue an SNS subscription delivers to or the KMS key of a secret.
            let call_node = yaml.required(fields, "call", &step_key)?;
            let call_text = yaml.string(call_node, &join(&step_key, "call"))?;
            let (call, operation) = self.loader.call(&call_text, call_node, &join(&step_key, "call"))?;
            let input = match fields.get_node("input") {
                Some(input_node) => self.input(input_node, &join(&step_key, "input"), operation, defined)?,
                None => Value::Object(Map::new()),
            };
            let captures = match fields.get_node("capture") {
                Some(capture_node) => {
                    let capture_key = join(&step_key, "capture");
                    let captures = self.loader.captures(capture_node, &capture_key)?;
                    self.loader.check_captures(capture_node, &captures, operation, &capture_key)?;
                    captures
                }
                None => Vec::new(),
            };
            defined.extend(captures.iter().map(|capture| capture.variable.clone()));

            let line = item.span().start().map_or(1, marked_yaml::Marker::line);
            steps.push(FixtureStep { line, call, input, captures });
        }
        Ok(steps)
    }

    /// Reads `kind: { Member: template }` pairs.
    fn address_map(&self, node: &Node, key: &str, defined: &BTreeSet<String>) -> LoadResult<Vec<(AddressKind, Value)>> {
        let yaml = &self.loader.yaml;
        let mapping = yaml.mapping(node, key)?;
        let mut addresses = Vec::with_capacity(mapping.len());
        for (kind_key, value) in mapping.iter() {
            let entry_key = join(key, kind_key.as_str());
            let kind = self.address_kind(kind_key.as_str(), kind_key.span(), &entry_key)?;
            let members = yaml.mapping(value, &entry_key)?;
            if members.is_empty() {
                return Err(yaml.error(value.span(), &entry_key, "name the input members that carry this address"));
            }
            addresses.push((kind, self.loader.template_value(value, &entry_key, defined)?));
        }
        Ok(addresses)
    }

    fn address_kind(&self, text: &str, span: &marked_yaml::Span, key: &str) -> LoadResult<AddressKind> {
        parse_address_kind(text).ok_or_else(|| {
            let kinds: Vec<&str> = super::ADDRESS_KINDS.iter().map(|kind| kind.as_str()).collect();
            self.loader.yaml.error(
                span,
                key,
                format!("unknown address kind {text:?}; expected one of {}", kinds.join(", ")),
            )
        })
    }

    // ---- operations -------------------------------------------------------------

    fn operations(
        &self,
        top: &MarkedMappingNode,
        service: &str,
        fixtures: &[Fixture],
        profiles: &[ProfileRules],
    ) -> LoadResult<Vec<CatalogOperation>> {
        let yaml = &self.loader.yaml;
        let node = yaml.required(top, "operations", "operations")?;
        let items = yaml.sequence(node, "operations")?;
        if items.is_empty() {
            return Err(yaml.error(node.span(), "operations", "list at least one operation"));
        }

        let mut operations: Vec<CatalogOperation> = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let operation = self.operation(top, item, &format!("operations[{index}]"), service, fixtures, profiles)?;
            // An operation may appear in several rows when each names the
            // resource by other address kinds, because expectations are per
            // row and boundary: a bare name and an ARN reach different
            // resources from another account.
            let duplicate = operations.iter().any(|earlier| {
                earlier.call == operation.call
                    && (earlier.scope == Scope::CallerNamespace
                        || operation.scope == Scope::CallerNamespace
                        || earlier.addresses.iter().any(|(kind, _)| operation.addresses.iter().any(|(other, _)| other == kind)))
            });
            if duplicate {
                return Err(yaml.error(
                    item.span(),
                    &format!("operations[{index}]"),
                    format!(
                        "{} is listed twice with the same address kind; list each address kind of an operation once",
                        operation.call
                    ),
                ));
            }
            operations.push(operation);
        }
        Ok(operations)
    }

    fn operation(
        &self,
        top: &MarkedMappingNode,
        node: &Node,
        key: &str,
        service: &str,
        fixtures: &[Fixture],
        profiles: &[ProfileRules],
    ) -> LoadResult<CatalogOperation> {
        let yaml = &self.loader.yaml;
        let fields = yaml.mapping(node, key)?;
        yaml.check_keys(fields, key, OPERATION_KEYS)?;
        let line = node.span().start().map_or(1, marked_yaml::Marker::line);

        let call_node = yaml.required(fields, "call", key)?;
        let (call, declared) = self.call(call_node, &join(key, "call"), service)?;
        let key = format!("{key} {call}:");
        let key = key.as_str();

        let fixture_node = yaml.required(fields, "fixture", key)?;
        let fixture_name = yaml.string(fixture_node, &join(key, "fixture"))?;
        let Some(fixture) = fixtures.iter().find(|fixture| fixture.name == fixture_name) else {
            let names: Vec<&str> = fixtures.iter().map(|fixture| fixture.name.as_str()).collect();
            return Err(yaml.error(
                fixture_node.span(),
                &join(key, "fixture"),
                format!("unknown fixture {fixture_name:?}; the fixtures are {}", names.join(", ")),
            ));
        };
        let defined = fixture_variables(fixture);

        let scope = match fields.get_node("scope") {
            Some(scope_node) => {
                let text = yaml.string(scope_node, &join(key, "scope"))?;
                match text.as_str() {
                    "resource" => Scope::Resource,
                    "caller-namespace" => Scope::CallerNamespace,
                    other => {
                        return Err(yaml.error(
                            scope_node.span(),
                            &join(key, "scope"),
                            format!("unknown scope {other:?}; expected one of {}", SCOPES.join(", ")),
                        ));
                    }
                }
            }
            None => Scope::Resource,
        };

        let input = match fields.get_node("input") {
            Some(input_node) => self.input(input_node, &join(key, "input"), declared, &defined)?,
            None => Value::Object(Map::new()),
        };

        let addresses = self.operation_addresses(fields, key, scope, fixture, &defined)?;
        for (kind, address_members) in &addresses {
            self.check_address_members(address_members, fields, key, *kind, declared, &input)?;
        }

        let response = match fields.get_node("response") {
            Some(response_node) => {
                let response_key = join(key, "response");
                yaml.mapping(response_node, &response_key)?;
                let response = self.loader.template_value(response_node, &response_key, &defined)?;
                self.loader.check_expected_response(response_node, &response, declared, &response_key, None)?;
                Some(response)
            }
            None => None,
        };

        let overrides = match fields.get_node("expect") {
            Some(expect_node) => self.overrides(expect_node, &join(key, "expect"), profiles, &defined, declared)?,
            None => Vec::new(),
        };
        if scope == Scope::CallerNamespace {
            self.check_full_overrides(&overrides, profiles, fields, key)?;
        }
        self.check_shared_subsets(top, profiles, &call, declared, &overrides)?;

        Ok(CatalogOperation { line, call, fixture: fixture_name, scope, input, addresses, response, overrides })
    }

    /// Reads `addresses`: a list of the fixture's kinds, or a mapping of kinds to input members.
    fn operation_addresses(
        &self,
        fields: &MarkedMappingNode,
        key: &str,
        scope: Scope,
        fixture: &Fixture,
        defined: &BTreeSet<String>,
    ) -> LoadResult<Vec<(AddressKind, Value)>> {
        let yaml = &self.loader.yaml;
        let addresses_key = join(key, "addresses");
        let node = fields.get_node("addresses");

        if scope == Scope::CallerNamespace {
            if let Some(node) = node {
                return Err(yaml.error(
                    node.span(),
                    &addresses_key,
                    "an operation with scope caller-namespace names no resource; remove `addresses`",
                ));
            }
            return Ok(Vec::new());
        }

        let Some(node) = node else {
            return Err(yaml.error(
                fields.span(),
                key,
                "missing required key \"addresses\": list the address kinds the operation accepts, or set scope: caller-namespace",
            ));
        };
        let addresses = match node {
            Node::Sequence(items) => {
                let mut addresses = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    let item_key = format!("{addresses_key}[{index}]");
                    let text = yaml.string(item, &item_key)?;
                    let kind = self.address_kind(&text, item.span(), &item_key)?;
                    let Some(members) = fixture.address(kind) else {
                        return Err(yaml.error(
                            item.span(),
                            &item_key,
                            format!(
                                "fixture {} has no {kind} address; add it to the fixture's `addresses` or spell the members out here",
                                fixture.name
                            ),
                        ));
                    };
                    addresses.push((kind, members.clone()));
                }
                addresses
            }
            Node::Mapping(_) => self.address_map(node, &addresses_key, defined)?,
            Node::Scalar(_) => {
                return Err(yaml.error(
                    node.span(),
                    &addresses_key,
                    format!("expected a list of address kinds or a mapping, found {}", describe(node)),
                ));
            }
        };
        if addresses.is_empty() {
            return Err(yaml.error(node.span(), &addresses_key, "list at least one address kind"));
        }
        Ok(addresses)
    }

    /// Reads an operation's `expect`: boundary keys for every profile, or
    /// profile keys that map boundaries.
    fn overrides(
        &self,
        node: &Node,
        key: &str,
        profiles: &[ProfileRules],
        defined: &BTreeSet<String>,
        declared: &Operation,
    ) -> LoadResult<Vec<Override>> {
        let yaml = &self.loader.yaml;
        let mapping = yaml.mapping(node, key)?;
        let mut overrides = Vec::new();
        for (entry, value) in mapping.iter() {
            let entry_key = join(key, entry.as_str());
            if let Some(boundary) = parse_boundary(entry.as_str()) {
                let expectation = self.loader.expectation(value, &entry_key, defined)?;
                self.loader.check_expected_subset(value, &expectation, declared, &entry_key, None)?;
                overrides.push(Override { profile: None, boundary, expectation });
                continue;
            }

            let profile = self.loader.profile(entry, &entry_key).map_err(|mut error| {
                error.message = format!(
                    "{:?} is neither a boundary ({}) nor a profile ({})",
                    entry.as_str(),
                    BOUNDARIES.iter().map(|boundary| boundary.as_str()).collect::<Vec<_>>().join(", "),
                    Profile::NAMES.join(", ")
                );
                error
            })?;
            if !profiles.iter().any(|rules| rules.profile == profile) {
                return Err(yaml.error(
                    entry.span(),
                    &entry_key,
                    format!("profile {profile} is not in the catalog's profiles; add it there or remove this"),
                ));
            }
            let boundaries = yaml.mapping(value, &entry_key)?;
            let allowed: Vec<&str> = BOUNDARIES.iter().map(|boundary| boundary.as_str()).collect();
            yaml.check_keys(boundaries, &entry_key, &allowed)?;
            for (boundary, expectation) in self.boundary_expectations(boundaries, &entry_key, defined)? {
                if let Some(boundary_node) = boundaries.get_node(boundary.as_str()) {
                    let boundary_key = join(&entry_key, boundary.as_str());
                    self.loader.check_expected_subset(boundary_node, &expectation, declared, &boundary_key, None)?;
                }
                overrides.push(Override { profile: Some(profile), boundary, expectation });
            }
        }
        Ok(overrides)
    }

    /// Checks that a caller-namespace operation states every boundary of every profile.
    fn check_full_overrides(
        &self,
        overrides: &[Override],
        profiles: &[ProfileRules],
        fields: &MarkedMappingNode,
        key: &str,
    ) -> LoadResult<()> {
        for rules in profiles {
            for boundary in BOUNDARIES {
                let covered = overrides
                    .iter()
                    .any(|entry| entry.boundary == boundary && entry.profile.is_none_or(|p| p == rules.profile));
                if !covered {
                    let span = fields.get_node("expect").map_or(fields.span(), Node::span);
                    return Err(self.loader.yaml.error(
                        span,
                        &join(key, "expect"),
                        format!(
                            "an operation with scope caller-namespace states its own expectation for every boundary; {boundary} under {} is missing",
                            rules.profile
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks the `ok` subsets of the profile-wide expectations that apply
    /// to an operation (those its own `expect` does not replace) against the
    /// operation's output shape. The precedence is that of
    /// [`super::expectation_for`].
    fn check_shared_subsets(
        &self,
        top: &MarkedMappingNode,
        profiles: &[ProfileRules],
        call: &Call,
        declared: &Operation,
        overrides: &[Override],
    ) -> LoadResult<()> {
        let Some(profile_nodes) = top.get_node("profiles").and_then(Node::as_mapping) else {
            return Ok(());
        };
        for rules in profiles {
            let Some(profile_fields) = profile_nodes.get_node(rules.profile.as_str()).and_then(Node::as_mapping) else {
                continue;
            };
            let profile_key = join("profiles", rules.profile.as_str());
            let not_grantable = rules.not_grantable.as_ref().filter(|entry| entry.operations.contains(&call.operation));

            for boundary in BOUNDARIES {
                let overridden = overrides
                    .iter()
                    .any(|entry| entry.boundary == boundary && entry.profile.is_none_or(|p| p == rules.profile));
                if overridden {
                    continue;
                }

                let from_not_grantable = not_grantable
                    .and_then(|entry| entry.by_boundary.iter().find(|(b, _)| *b == boundary))
                    .map(|(_, expectation)| expectation);
                let (expectation, fields, key) = match from_not_grantable {
                    Some(expectation) => {
                        let fields = profile_fields.get_node(NOT_GRANTABLE).and_then(Node::as_mapping);
                        (expectation, fields, join(&profile_key, NOT_GRANTABLE))
                    }
                    None => match rules.by_boundary.iter().find(|(b, _)| *b == boundary) {
                        Some((_, expectation)) => (expectation, Some(profile_fields), profile_key.clone()),
                        None => continue,
                    },
                };
                if !matches!(&expectation.outcome, ExpectedOutcome::Ok(Some(_))) {
                    continue;
                }
                let Some(node) = fields.and_then(|fields| fields.get_node(boundary.as_str())) else {
                    continue;
                };
                let key = join(&key, boundary.as_str());
                self.loader.check_expected_subset(node, expectation, declared, &key, Some(&call.to_string()))?;
            }
        }
        Ok(())
    }

    // ---- helpers ----------------------------------------------------------------

    /// Parses a call and checks that it belongs to the catalog's service.
    fn call(&self, node: &Node, key: &str, service: &str) -> LoadResult<(Call, &'static Operation)> {
        let yaml = &self.loader.yaml;
        let text = yaml.string(node, key)?;
        let (call, declared) = self.loader.call(&text, node, key)?;
        if call.service != service {
            return Err(yaml.error(
                node.span(),
                key,
                format!("{call} is not a {service} operation; a catalog lists one service's operations"),
            ));
        }
        Ok((call, declared))
    }

    /// Reads an input mapping and checks it against the operation's input shape.
    fn input(&self, node: &Node, key: &str, declared: &Operation, defined: &BTreeSet<String>) -> LoadResult<Value> {
        self.loader.yaml.mapping(node, key)?;
        let input = self.loader.template_value(node, key, defined)?;
        self.loader.check_input(node, &input, declared, key)?;
        Ok(input)
    }

    /// Checks that an address's members fit the operation's input shape and
    /// do not repeat its `input`.
    fn check_address_members(
        &self,
        address_members: &Value,
        fields: &MarkedMappingNode,
        key: &str,
        kind: AddressKind,
        declared: &Operation,
        input: &Value,
    ) -> LoadResult<()> {
        let yaml = &self.loader.yaml;
        let span = fields.get_node("addresses").map_or(fields.span(), Node::span);
        let Some(object) = address_members.as_object() else {
            return Err(yaml.error(span, &join(key, "addresses"), format!("the {kind} address is not a mapping")));
        };
        if let Err(error) = shape::check_members(object, declared.input, Rules::WRITTEN_INPUT) {
            return Err(yaml.error(
                span,
                &join(key, "addresses"),
                format!("the {kind} address sets {}: {}", error.path_text(), error.message),
            ));
        }
        for member in object.keys() {
            if input.get(member).is_some() {
                return Err(yaml.error(
                    span,
                    &join(key, "addresses"),
                    format!("{member:?} is set by both `input` and the {kind} address; set it in one place"),
                ));
            }
        }
        Ok(())
    }
}

fn builtins() -> BTreeSet<String> {
    BUILTIN_VARIABLES.iter().map(|name| (*name).to_owned()).collect()
}

/// Returns the variables an operation of `fixture` may use: the built-ins and every capture.
fn fixture_variables(fixture: &Fixture) -> BTreeSet<String> {
    let mut defined = builtins();
    for step in &fixture.steps {
        defined.extend(step.captures.iter().map(|capture| capture.variable.clone()));
    }
    defined
}
