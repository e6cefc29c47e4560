//! Typed reads of a step's JSON input, for drivers filling SDK builders.
//!
//! Scalars are read leniently, because YAML authors write `60` and `"60"`
//! alike and `${variable}` substitution yields strings: a string member
//! accepts numbers and booleans by their text, and a number member accepts a
//! string holding a number. `null` is the same as leaving a member out.
//! Anything else that does not fit is an [`InputError`] naming the member path.
//! Member names are not checked here: the driver checks the whole input
//! against the operation's shape ([`super::check_input`]) before it reads it.

use std::collections::HashMap;

use aws_smithy_types::Blob;
use base64::Engine;
use serde_json::{Map, Value};

/// An input value that does not fit the operation's member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("input member {path}: {message}")]
pub struct InputError {
    /// The member, e.g. `Entries[1].DelaySeconds`.
    pub path: String,
    pub message: String,
}

/// A JSON object of input members, with the path that leads to it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    prefix: &'a str,
    object: &'a Map<String, Value>,
}

/// A nested object of input members, owning its path prefix.
#[derive(Debug, Clone)]
pub struct NestedInput<'a> {
    prefix: String,
    object: &'a Map<String, Value>,
}

impl<'a> NestedInput<'a> {
    /// Borrows this object as an [`Input`].
    pub fn input(&self) -> Input<'_> {
        Input { prefix: &self.prefix, object: self.object }
    }
}

impl<'a> Input<'a> {
    /// The top-level input of a call.
    pub fn new(object: &'a Map<String, Value>) -> Input<'a> {
        Input { prefix: "", object }
    }

    /// The path that leads to this object, ending in `.`; empty at the top level.
    /// Returns the input error for a value of this member that the SDK's builder rejected.
    pub fn build_error(&self, error: &dyn std::error::Error) -> InputError {
        InputError {
            path: self.prefix().trim_end_matches('.').to_owned(),
            message: format!("the SDK could not build this value: {error}"),
        }
    }

    pub fn prefix(&self) -> &str {
        self.prefix
    }

    fn path(&self, member: &str) -> String {
        format!("{}{member}", self.prefix)
    }

    fn error(&self, member: &str, message: impl Into<String>) -> InputError {
        InputError { path: self.path(member), message: message.into() }
    }

    /// Returns the names of the members that are present and not null.
    pub fn member_names(&self) -> impl Iterator<Item = &'a str> {
        self.object.iter().filter(|(_, value)| !value.is_null()).map(|(name, _)| name.as_str())
    }

    fn get(&self, member: &str) -> Option<&'a Value> {
        self.object.get(member).filter(|value| !value.is_null())
    }

    /// Reads a string member.
    pub fn string(&self, member: &str) -> Result<Option<String>, InputError> {
        self.get(member)
            .map(|value| scalar_text(value).ok_or_else(|| self.error(member, expected("a string", value))))
            .transpose()
    }

    /// Reads a string member that the SDK requires.
    pub fn required_string(&self, member: &str) -> Result<String, InputError> {
        self.string(member)?.ok_or_else(|| self.error(member, "missing; the SDK requires this member"))
    }

    /// Reads a 32-bit integer member.
    pub fn int(&self, member: &str) -> Result<Option<i32>, InputError> {
        let Some(value) = self.get(member) else {
            return Ok(None);
        };
        integer(value)
            .and_then(|number| i32::try_from(number).ok())
            .map(Some)
            .ok_or_else(|| self.error(member, expected("a 32-bit integer", value)))
    }

    /// Reads a 64-bit integer member.
    pub fn long(&self, member: &str) -> Result<Option<i64>, InputError> {
        let Some(value) = self.get(member) else {
            return Ok(None);
        };
        integer(value).map(Some).ok_or_else(|| self.error(member, expected("a 64-bit integer", value)))
    }

    /// Reads a boolean member; the strings `true` and `false` count too.
    pub fn boolean(&self, member: &str) -> Result<Option<bool>, InputError> {
        let Some(value) = self.get(member) else {
            return Ok(None);
        };
        match value {
            Value::Bool(flag) => Ok(Some(*flag)),
            Value::String(text) if text == "true" => Ok(Some(true)),
            Value::String(text) if text == "false" => Ok(Some(false)),
            _ => Err(self.error(member, expected("true or false", value))),
        }
    }

    /// Reads a list of strings.
    pub fn string_list(&self, member: &str) -> Result<Option<Vec<String>>, InputError> {
        let Some(value) = self.get(member) else {
            return Ok(None);
        };
        let items = value.as_array().ok_or_else(|| self.error(member, expected("a list of strings", value)))?;
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                scalar_text(item).ok_or_else(|| self.error(&format!("{member}[{index}]"), expected("a string", item)))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// Reads a map of strings to strings.
    pub fn string_map(&self, member: &str) -> Result<Option<HashMap<String, String>>, InputError> {
        let Some(value) = self.get(member) else {
            return Ok(None);
        };
        let object = value.as_object().ok_or_else(|| self.error(member, expected("a map of strings", value)))?;
        object
            .iter()
            .map(|(key, item)| {
                scalar_text(item)
                    .map(|text| (key.clone(), text))
                    .ok_or_else(|| self.error(&format!("{member}.{key}"), expected("a string", item)))
            })
            .collect::<Result<HashMap<_, _>, _>>()
            .map(Some)
    }

    /// Reads a map of strings to numbers, such as alias routing weights.
    pub fn double_map(&self, member: &str) -> Result<Option<HashMap<String, f64>>, InputError> {
        let Some(value) = self.get(member) else {
            return Ok(None);
        };
        let object = value.as_object().ok_or_else(|| self.error(member, expected("a map of numbers", value)))?;
        object
            .iter()
            .map(|(key, item)| {
                super::shape::double(item)
                    .map(|number| (key.clone(), number))
                    .ok_or_else(|| self.error(&format!("{member}.{key}"), expected("a number", item)))
            })
            .collect::<Result<HashMap<_, _>, _>>()
            .map(Some)
    }

    /// Returns a member's JSON value as written, for a member of any shape.
    pub fn document(&self, member: &str) -> Option<&'a Value> {
        self.get(member)
    }

    /// Reads a blob given as base64 text.
    pub fn blob(&self, member: &str) -> Result<Option<Blob>, InputError> {
        self.string(member)?.map(|text| self.decode_base64(member, &text)).transpose()
    }

    /// Reads a list of blobs given as base64 text.
    pub fn blob_list(&self, member: &str) -> Result<Option<Vec<Blob>>, InputError> {
        let Some(items) = self.string_list(member)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(index, text)| self.decode_base64(&format!("{member}[{index}]"), text))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn decode_base64(&self, member: &str, text: &str) -> Result<Blob, InputError> {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Blob::new)
            .map_err(|error| self.error(member, format!("not valid base64 ({error}); write blobs as base64 text")))
    }

    /// Reads a nested object.
    pub fn object(&self, member: &str) -> Result<Option<NestedInput<'a>>, InputError> {
        let Some(value) = self.get(member) else {
            return Ok(None);
        };
        let object = value.as_object().ok_or_else(|| self.error(member, expected("a map", value)))?;
        Ok(Some(NestedInput { prefix: format!("{}{member}.", self.prefix), object }))
    }

    /// Reads a list of objects.
    pub fn object_list(&self, member: &str) -> Result<Option<Vec<NestedInput<'a>>>, InputError> {
        let Some(value) = self.get(member) else {
            return Ok(None);
        };
        let items = value.as_array().ok_or_else(|| self.error(member, expected("a list of maps", value)))?;
        let mut nested = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let path = format!("{member}[{index}]");
            let object = item.as_object().ok_or_else(|| self.error(&path, expected("a map", item)))?;
            nested.push(NestedInput { prefix: format!("{}{path}.", self.prefix), object });
        }
        Ok(Some(nested))
    }

    /// Reads a list of objects and builds a value from each, e.g. an SDK
    /// type; `build` gets each object with its path, such as `Tags[1].`.
    pub fn each_object<T>(
        &self,
        member: &str,
        build: impl Fn(Input<'_>) -> Result<T, InputError>,
    ) -> Result<Option<Vec<T>>, InputError> {
        let Some(entries) = self.object_list(member)? else {
            return Ok(None);
        };
        entries.iter().map(|entry| build(entry.input())).collect::<Result<Vec<T>, _>>().map(Some)
    }

    /// Reads a map of names to objects.
    pub fn object_map(&self, member: &str) -> Result<Option<Vec<(String, NestedInput<'a>)>>, InputError> {
        let Some(value) = self.get(member) else {
            return Ok(None);
        };
        let object = value.as_object().ok_or_else(|| self.error(member, expected("a map of maps", value)))?;
        let mut nested = Vec::with_capacity(object.len());
        for (key, item) in object {
            let path = format!("{member}.{key}");
            let inner = item.as_object().ok_or_else(|| self.error(&path, expected("a map", item)))?;
            nested.push((key.clone(), NestedInput { prefix: format!("{}{path}.", self.prefix), object: inner }));
        }
        Ok(Some(nested))
    }
}

/// The text of a scalar: strings as they are, numbers and booleans as written.
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

fn expected(what: &str, found: &Value) -> String {
    format!("expected {what}, found {found}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn scalars_are_read_leniently() {
        let input = object(json!({ "Name": 12, "Count": "7", "Flag": true, "Gone": null }));
        let input = Input::new(&input);
        assert_eq!(input.string("Name"), Ok(Some("12".to_owned())));
        assert_eq!(input.int("Count"), Ok(Some(7)));
        assert_eq!(input.string("Flag"), Ok(Some("true".to_owned())));
        assert_eq!(input.string("Gone"), Ok(None));
        assert_eq!(input.int("Absent"), Ok(None));
        assert_eq!(input.long("Count"), Ok(Some(7)));
        assert!(input.long("Name").is_ok(), "12 is a 64-bit integer");
        assert!(input.long("Flag").is_err(), "true is not an integer");
        assert_eq!(input.boolean("Flag"), Ok(Some(true)));
        assert!(input.boolean("Count").is_err());
    }

    #[test]
    fn wrong_types_name_the_member_path() {
        let input = object(json!({ "Entries": [{ "Id": "a" }, { "Id": ["x"] }], "Count": "many" }));
        let input = Input::new(&input);
        let error = input.int("Count").expect_err("not a number");
        assert_eq!(error.path, "Count");
        let entries = input.object_list("Entries").expect("valid list").expect("present");
        let error = entries[1].input().string("Id").expect_err("not a string");
        assert_eq!(error.to_string(), "input member Entries[1].Id: expected a string, found [\"x\"]");
    }

    #[test]
    fn blobs_are_base64() {
        let input = object(json!({ "Good": "aGVsbG8=", "Bad": "***" }));
        let input = Input::new(&input);
        assert_eq!(input.blob("Good"), Ok(Some(Blob::new(b"hello".to_vec()))));
        assert!(input.blob("Bad").is_err());
    }
}
