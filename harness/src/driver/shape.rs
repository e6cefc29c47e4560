//! Declared shapes of operation inputs and outputs, and the check of a JSON
//! value against them.
//!
//! Each driver describes every operation's input and output as a
//! [`Structure`] of [`Member`]s, nested as deep as the API goes: strings,
//! integers, floating-point numbers, booleans, blobs, lists, maps with string
//! keys, structures and free JSON documents (such as a Lambda payload).
//! The names and types are those of the service's API reference and of its
//! SDK crate. Each service keeps them in one table (for SQS,
//! `driver/sqs/operations.rs`), which three readers use:
//!
//! - the scenario and catalog loaders check every input, `ok` subset and
//!   capture path before anything runs, with [`Rules::WRITTEN_INPUT`] and
//!   [`Rules::EXPECTED_OUTPUT`];
//! - a driver checks the input it is about to send, after `${variable}`
//!   substitution, with [`Rules::SENT_INPUT`];
//! - in debug builds, the driver checks that every response it renders fits
//!   the declared output ([`super::debug_check_output`]).
//!
//! Scalars are checked as leniently as the driver reads them (see
//! `driver/input.rs`): a string member accepts numbers and booleans, an
//! integer member accepts a string holding an integer, and `null` is the
//! same as leaving a member out.

use std::fmt;

use base64::Engine;
use serde_json::{Map, Value};

use crate::scenario::template::{self, Part};

/// The type of a member.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    String,
    /// A 32-bit signed integer.
    Integer,
    /// A 64-bit signed integer.
    Long,
    /// A 64-bit floating-point number, such as an alias routing weight.
    Double,
    Boolean,
    /// Bytes, written as base64 text.
    Blob,
    List(&'static Shape),
    /// A map from string keys to values of this shape.
    Map(&'static Shape),
    Structure(&'static Structure),
    /// Any JSON value, such as a Lambda invocation payload: its members
    /// have no declared shape.
    Document,
}

impl Shape {
    /// Describes the values that fit, for messages: `a string`, `a list`.
    pub fn expected(&self) -> String {
        match self {
            Shape::String => "a string".to_owned(),
            Shape::Integer => "a 32-bit integer".to_owned(),
            Shape::Long => "a 64-bit integer".to_owned(),
            Shape::Double => "a number".to_owned(),
            Shape::Boolean => "true or false".to_owned(),
            Shape::Blob => "base64 text".to_owned(),
            Shape::List(_) => "a list".to_owned(),
            Shape::Map(_) => "a mapping".to_owned(),
            Shape::Structure(structure) => format!("a mapping of {} members", structure.name),
            Shape::Document => "any JSON value".to_owned(),
        }
    }
}

/// A structure: named members, each with its shape.
#[derive(Debug)]
pub struct Structure {
    /// The name of the shape in the SDK crate, e.g. `SendMessageBatchRequestEntry`
    /// or `SendMessageInput`.
    pub name: &'static str,
    pub members: &'static [Member],
}

impl Structure {
    /// Returns the member called `name`.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members.iter().find(|member| member.name == name)
    }

    /// Returns the member names, in declaration order.
    pub fn member_names(&self) -> Vec<&'static str> {
        self.members.iter().map(|member| member.name).collect()
    }

    /// Describes `name` as an unknown member of this structure, with the
    /// closest member name when `name` looks like a typo of it.
    pub fn unknown_member_message(&self, name: &str) -> String {
        if self.members.is_empty() {
            return format!("unknown member; {} has no members", self.name);
        }
        let members = self.member_names().join(", ");
        match super::closest(name, self.members.iter().map(|member| member.name)) {
            Some(suggestion) => {
                format!("unknown member; did you mean {suggestion}? The members of {} are {members}", self.name)
            }
            None => format!("unknown member; the members of {} are {members}", self.name),
        }
    }
}

/// A member of a structure.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    /// The name as the API spells it, e.g. `QueueUrl`, or `tags` in CreateQueue.
    pub name: &'static str,
    pub shape: Shape,
    /// Whether the SDK's builder fails without this member. Top-level input
    /// members are never required here, because the SDK sends a request
    /// without them and the service returns its own error, which scenarios may test.
    pub required: bool,
}

impl Member {
    pub const fn optional(name: &'static str, shape: Shape) -> Member {
        Member { name, shape, required: false }
    }

    pub const fn required(name: &'static str, shape: Shape) -> Member {
        Member { name, shape, required: true }
    }
}

/// The leniency of a check beyond the declared shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A string that holds `${variable}` references may stand for a value
    /// that is only known at run time: a string that is exactly one
    /// reference fits any shape, and one with text around a reference fits
    /// any scalar.
    pub templates: bool,
    /// Members marked [`Member::required`] must be present.
    pub required: bool,
    /// A string member may be written as a mapping or list, which is then
    /// the JSON document the string contains, such as an SNS envelope in an
    /// SQS message body.
    pub json_in_strings: bool,
}

impl Rules {
    /// An input as a scenario or catalog writes it.
    pub const WRITTEN_INPUT: Rules = Rules { templates: true, required: true, json_in_strings: false };
    /// An input after `${variable}` substitution, as a driver sends it.
    pub const SENT_INPUT: Rules = Rules { templates: false, required: true, json_in_strings: false };
    /// An `ok` subset or a catalog `response`: members may be left out, and
    /// a string member may be expected as the JSON document it contains.
    pub const EXPECTED_OUTPUT: Rules = Rules { templates: true, required: false, json_in_strings: true };
    /// A response as a driver renders it.
    pub const RENDERED_OUTPUT: Rules = Rules { templates: false, required: false, json_in_strings: false };
}

/// One step of a path into a value: a member or map key, or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Member(String),
    Index(usize),
}

/// The part of the document a [`ShapeError`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The key of the last path step, for an unknown member.
    Key,
    /// The value at the path.
    Value,
}

/// A value that does not fit its shape, with the path to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// From the checked value to the problem; empty for the value itself.
    pub path: Vec<PathStep>,
    pub place: Place,
    pub message: String,
}

impl ShapeError {
    /// Renders the path as `Entries[0].DelaySeconds`; empty for the value itself.
    pub fn path_text(&self) -> String {
        render_path(&self.path)
    }
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path_text(), self.message)
        }
    }
}

/// Renders path steps as `Entries[0].DelaySeconds`.
pub fn render_path(path: &[PathStep]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            PathStep::Member(name) if text.is_empty() => text.push_str(name),
            PathStep::Member(name) => {
                text.push('.');
                text.push_str(name);
            }
            PathStep::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// Checks `value` against the structure `structure` under `rules`; the first
/// problem found is the error.
pub fn check_structure(value: &Value, structure: &'static Structure, rules: Rules) -> Result<(), ShapeError> {
    let mut path = Vec::new();
    Checker { rules }.check(value, Shape::Structure(structure), &mut path)
}

/// Checks the members of a JSON object against `structure`, e.g. an input.
pub fn check_members(
    object: &Map<String, Value>,
    structure: &'static Structure,
    rules: Rules,
) -> Result<(), ShapeError> {
    let mut path = Vec::new();
    Checker { rules }.check_structure(object, structure, &mut path)
}

struct Checker {
    rules: Rules,
}

impl Checker {
    fn check(&self, value: &Value, shape: Shape, path: &mut Vec<PathStep>) -> Result<(), ShapeError> {
        if value.is_null() {
            return Ok(());
        }
        if let Value::String(text) = value
            && self.rules.templates
            && let Some(fits) = template_fits(text, shape)
        {
            return if fits { Ok(()) } else { Err(mismatch(path, shape, value)) };
        }

        match shape {
            // The document's own members have no declared shape.
            Shape::String if self.rules.json_in_strings && (value.is_object() || value.is_array()) => Ok(()),
            Shape::String => scalar_text(value).map(|_| ()).ok_or_else(|| mismatch(path, shape, value)),
            Shape::Integer => {
                let fits = integer(value).is_some_and(|number| i32::try_from(number).is_ok());
                if fits { Ok(()) } else { Err(mismatch(path, shape, value)) }
            }
            Shape::Long => integer(value).map(|_| ()).ok_or_else(|| mismatch(path, shape, value)),
            Shape::Double => double(value).map(|_| ()).ok_or_else(|| mismatch(path, shape, value)),
            Shape::Document => Ok(()),
            Shape::Boolean => match value {
                Value::Bool(_) => Ok(()),
                Value::String(text) if text == "true" || text == "false" => Ok(()),
                _ => Err(mismatch(path, shape, value)),
            },
            Shape::Blob => {
                let decodes = scalar_text(value)
                    .is_some_and(|text| base64::engine::general_purpose::STANDARD.decode(text).is_ok());
                if decodes { Ok(()) } else { Err(mismatch(path, shape, value)) }
            }
            Shape::List(item) => {
                let Value::Array(items) = value else {
                    return Err(mismatch(path, shape, value));
                };
                for (index, entry) in items.iter().enumerate() {
                    path.push(PathStep::Index(index));
                    self.check(entry, *item, path)?;
                    path.pop();
                }
                Ok(())
            }
            Shape::Map(item) => {
                let Value::Object(entries) = value else {
                    return Err(mismatch(path, shape, value));
                };
                for (key, entry) in entries {
                    path.push(PathStep::Member(key.clone()));
                    self.check(entry, *item, path)?;
                    path.pop();
                }
                Ok(())
            }
            Shape::Structure(structure) => {
                let Value::Object(object) = value else {
                    return Err(mismatch(path, shape, value));
                };
                self.check_structure(object, structure, path)
            }
        }
    }

    fn check_structure(
        &self,
        object: &Map<String, Value>,
        structure: &'static Structure,
        path: &mut Vec<PathStep>,
    ) -> Result<(), ShapeError> {
        for (name, entry) in object {
            path.push(PathStep::Member(name.clone()));
            let Some(member) = structure.member(name) else {
                return Err(ShapeError {
                    path: path.clone(),
                    place: Place::Key,
                    message: structure.unknown_member_message(name),
                });
            };
            self.check(entry, member.shape, path)?;
            path.pop();
        }

        if self.rules.required {
            let missing = structure
                .members
                .iter()
                .find(|member| member.required && object.get(member.name).is_none_or(Value::is_null));
            if let Some(member) = missing {
                return Err(ShapeError {
                    path: path.clone(),
                    place: Place::Value,
                    message: format!("missing member {}; {} requires it", member.name, structure.name),
                });
            }
        }
        Ok(())
    }
}

/// Returns whether a string with `${variable}` references may fit `shape`,
/// or `None` when the string has no reference (or is not a valid template,
/// which the loader reports on its own).
fn template_fits(text: &str, shape: Shape) -> Option<bool> {
    let parts = template::parse(text).ok()?;
    if !parts.iter().any(|part| matches!(part, Part::Variable(_))) {
        return None;
    }
    // A whole-string reference keeps the captured value's type, which may be anything.
    if let [Part::Variable(_)] = parts.as_slice() {
        return Some(true);
    }
    let scalar = !matches!(shape, Shape::List(_) | Shape::Map(_) | Shape::Structure(_));
    Some(scalar)
}

/// Returns the text of a scalar, as the driver sends it for a string member.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Reads an integer written as a number or as a string that contains one.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// Reads a number written as a number or as a string that contains one.
pub(crate) fn double(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok().filter(|number| number.is_finite()),
        _ => None,
    }
}

fn mismatch(path: &[PathStep], shape: Shape, found: &Value) -> ShapeError {
    ShapeError {
        path: path.to_vec(),
        place: Place::Value,
        message: format!("expected {}, found {}", shape.expected(), describe(found)),
    }
}

/// Describes a JSON value the way the YAML loader describes nodes.
fn describe(value: &Value) -> String {
    match value {
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
        Value::String(text) => format!("the value {text:?}"),
        Value::Null | Value::Bool(_) | Value::Number(_) => format!("the value {value}"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ENTRY: Structure = Structure {
        name: "Entry",
        members: &[
            Member::required("Id", Shape::String),
            Member::optional("Delay", Shape::Integer),
            Member::optional("Total", Shape::Long),
            Member::optional("Flag", Shape::Boolean),
            Member::optional("Data", Shape::Blob),
        ],
    };

    const REQUEST: Structure = Structure {
        name: "TestInput",
        members: &[
            Member::optional("Name", Shape::String),
            Member::optional("Names", Shape::List(&Shape::String)),
            Member::optional("Tags", Shape::Map(&Shape::String)),
            Member::optional("Entries", Shape::List(&Shape::Structure(&ENTRY))),
            Member::optional("ByName", Shape::Map(&Shape::Structure(&ENTRY))),
        ],
    };

    fn check(value: Value, rules: Rules) -> Result<(), ShapeError> {
        check_structure(&value, &REQUEST, rules)
    }

    #[test]
    fn valid_input_fits() {
        let input = json!({
            "Name": 12,
            "Names": ["a", true],
            "Tags": { "team": "x", "count": 3 },
            "Entries": [{ "Id": "1", "Delay": "5", "Total": 5_000_000_000_i64, "Flag": "true", "Data": "aGVsbG8=" }],
            "ByName": { "first": { "Id": "1" } },
        });
        assert_eq!(check(input, Rules::SENT_INPUT), Ok(()));
    }

    #[test]
    fn nested_unknown_member_names_path_and_members() {
        let error = check(json!({ "Entries": [{ "Id": "1", "Dela": 1 }] }), Rules::SENT_INPUT).expect_err("unknown");
        assert_eq!(error.path_text(), "Entries[0].Dela");
        assert_eq!(error.place, Place::Key);
        assert_eq!(
            error.message,
            "unknown member; did you mean Delay? The members of Entry are Id, Delay, Total, Flag, Data"
        );
    }

    #[test]
    fn map_of_structures_checks_members() {
        let error =
            check(json!({ "ByName": { "first": { "Id": "1", "Bogus": 1 } } }), Rules::SENT_INPUT).expect_err("unknown");
        assert_eq!(error.path_text(), "ByName.first.Bogus");
    }

    #[test]
    fn list_for_string_is_a_mismatch() {
        let error = check(json!({ "Name": ["q"] }), Rules::SENT_INPUT).expect_err("mismatch");
        assert_eq!(error.to_string(), "Name: expected a string, found a list");
        assert_eq!(error.place, Place::Value);
    }

    #[test]
    fn integers_are_checked_by_range() {
        let too_large = check(json!({ "Entries": [{ "Id": "1", "Delay": 5_000_000_000_i64 }] }), Rules::SENT_INPUT);
        assert_eq!(
            too_large.map_err(|error| error.message),
            Err("expected a 32-bit integer, found the value 5000000000".to_owned())
        );
        let fraction = check(json!({ "Entries": [{ "Id": "1", "Delay": 1.5 }] }), Rules::SENT_INPUT);
        assert!(fraction.is_err(), "1.5 is not an integer");
        let text = check(json!({ "Entries": [{ "Id": "1", "Delay": "soon" }] }), Rules::SENT_INPUT);
        assert!(text.is_err(), "\"soon\" is not an integer");
    }

    #[test]
    fn blob_must_be_base64() {
        let error = check(json!({ "Entries": [{ "Id": "1", "Data": "***" }] }), Rules::SENT_INPUT).expect_err("bad");
        assert_eq!(error.to_string(), "Entries[0].Data: expected base64 text, found the value \"***\"");
    }

    #[test]
    fn required_member_is_checked_for_inputs_only() {
        let input = json!({ "Entries": [{ "Delay": 1 }] });
        let error = check(input.clone(), Rules::WRITTEN_INPUT).expect_err("missing Id");
        assert_eq!(error.path_text(), "Entries[0]");
        assert_eq!(error.message, "missing member Id; Entry requires it");
        assert_eq!(check(input, Rules::EXPECTED_OUTPUT), Ok(()));
    }

    #[test]
    fn null_is_an_absent_member() {
        assert_eq!(
            check(json!({ "Name": null, "Entries": [{ "Id": "1", "Delay": null }] }), Rules::SENT_INPUT),
            Ok(())
        );
        assert!(check(json!({ "Entries": [{ "Id": null }] }), Rules::SENT_INPUT).is_err(), "Id is required");
    }

    #[test]
    fn whole_variable_fits_any_shape() {
        let input = json!({ "Names": "${names}", "Entries": ["${entry}"], "Tags": "${tags}" });
        assert_eq!(check(input.clone(), Rules::WRITTEN_INPUT), Ok(()));
        assert!(check(input, Rules::SENT_INPUT).is_err(), "after substitution the text is a string");
    }

    #[test]
    fn embedded_variable_fits_scalars_only() {
        let scalar = json!({ "Entries": [{ "Id": "id-${n}", "Delay": "${n}0" }] });
        assert_eq!(check(scalar, Rules::WRITTEN_INPUT), Ok(()));
        let error = check(json!({ "Names": "a,${n}" }), Rules::WRITTEN_INPUT).expect_err("text is not a list");
        assert_eq!(error.message, "expected a list, found the value \"a,${n}\"");
    }

    #[test]
    fn json_document_fits_string_in_expected_output_only() {
        let expected = json!({ "Name": { "Type": "Notification" }, "Entries": [{ "Id": ["a"] }] });
        assert_eq!(check(expected.clone(), Rules::EXPECTED_OUTPUT), Ok(()));
        assert!(check(expected.clone(), Rules::RENDERED_OUTPUT).is_err(), "a rendered string is a string");
        assert!(check(expected, Rules::SENT_INPUT).is_err(), "an input string is a string");
        let integer = check(json!({ "Entries": [{ "Id": "1", "Delay": { "a": 1 } }] }), Rules::EXPECTED_OUTPUT);
        assert!(integer.is_err(), "only string members hold documents");
    }

    #[test]
    fn document_fits_any_value_and_double_any_number() {
        const WEIGHTED: Structure = Structure {
            name: "WeightedInput",
            members: &[
                Member::optional("Payload", Shape::Document),
                Member::optional("Weights", Shape::Map(&Shape::Double)),
            ],
        };
        let input = json!({ "Payload": { "a": [1, "x"] }, "Weights": { "2": 0.25, "3": "0.5" } });
        assert_eq!(check_structure(&input, &WEIGHTED, Rules::SENT_INPUT), Ok(()));
        assert_eq!(check_structure(&json!({ "Payload": "text" }), &WEIGHTED, Rules::SENT_INPUT), Ok(()));
        let error = check_structure(&json!({ "Weights": { "2": "half" } }), &WEIGHTED, Rules::SENT_INPUT)
            .expect_err("not a number");
        assert_eq!(error.to_string(), "Weights.2: expected a number, found the value \"half\"");
    }

    #[test]
    fn empty_structure_reports_no_members() {
        const EMPTY: Structure = Structure { name: "EmptyOutput", members: &[] };
        let error = check_structure(&json!({ "X": 1 }), &EMPTY, Rules::EXPECTED_OUTPUT).expect_err("no members");
        assert_eq!(error.message, "unknown member; EmptyOutput has no members");
    }
}
