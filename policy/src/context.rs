//! The request context: condition keys and their values.
//!
//! AWS gathers the facts about a request into a request context that
//! conditions and policy variables read
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).
//! Key names are case-insensitive ("`aws:CurrentTime` is equivalent to
//! `AWS:currenttime`",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>),
//! so [`Context`] files keys under their lowercase form. A key has a list of
//! values: one for single-valued keys such as `aws:SourceIp`, any number
//! (possibly none) for multivalued keys such as `aws:TagKeys`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::SystemTime;

use base64::Engine as _;

use crate::date::{self, EpochNanos};

/// One value of a context key.
///
/// Each condition operator reads the value in its own type: a `String` holding
/// `"42"` satisfies `NumericEquals` with `42`, and a `Number` satisfies
/// `StringEquals` with its decimal text. A `String` holding base64 text
/// satisfies `BinaryEquals` with the bytes it encodes. A value that cannot be
/// read in the operator's type matches no policy value.
#[derive(Debug, Clone, PartialEq)]
pub enum ContextValue {
    /// Text; also the form every other variant takes for string operators.
    String(String),
    /// A number, for `Numeric*` operators.
    Number(f64),
    /// A boolean, for `Bool`.
    Bool(bool),
    /// A point in time, for `Date*` operators.
    Date(SystemTime),
    /// An IPv4 or IPv6 address, for `IpAddress` and `NotIpAddress`.
    Ip(IpAddr),
    /// Bytes, for `BinaryEquals`.
    Binary(Vec<u8>),
}

impl ContextValue {
    /// Returns the value as string operators and policy variables see it:
    /// numbers in decimal (integers without a fraction), booleans as
    /// `true`/`false`, dates in RFC 3339 UTC, binary values in base64.
    pub fn to_text(&self) -> String {
        match self {
            ContextValue::String(text) => text.clone(),
            ContextValue::Number(number) => format_number(*number),
            ContextValue::Bool(flag) => flag.to_string(),
            ContextValue::Date(time) => date::format(date::from_system_time(*time)),
            ContextValue::Ip(address) => address.to_string(),
            ContextValue::Binary(bytes) => base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    /// Reads the value as a number; strings are parsed as decimal numbers.
    pub(crate) fn as_number(&self) -> Option<f64> {
        match self {
            ContextValue::Number(number) if number.is_finite() => Some(*number),
            ContextValue::String(text) => parse_number(text),
            _ => None,
        }
    }

    /// Reads the value as a timestamp; strings are parsed as W3C dates or
    /// epoch seconds, numbers as epoch seconds.
    pub(crate) fn as_date(&self) -> Option<EpochNanos> {
        match self {
            ContextValue::Date(time) => Some(date::from_system_time(*time)),
            ContextValue::String(text) => date::parse(text),
            ContextValue::Number(seconds) if seconds.is_finite() && seconds.abs() < 1e15 => {
                Some((seconds * 1e9) as i128)
            }
            _ => None,
        }
    }

    /// Reads the value as a boolean; strings `true` and `false` in any case.
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            ContextValue::Bool(flag) => Some(*flag),
            ContextValue::String(text) => parse_bool(text),
            _ => None,
        }
    }

    /// Reads the value as an IP address.
    pub(crate) fn as_ip(&self) -> Option<IpAddr> {
        match self {
            ContextValue::Ip(address) => Some(*address),
            ContextValue::String(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// Reads the value as bytes. A string is read as base64, the text form
    /// [`ContextValue::to_text`] gives a binary value, so a string that is
    /// not valid base64 has no bytes.
    pub(crate) fn as_bytes(&self) -> Option<Vec<u8>> {
        match self {
            ContextValue::Binary(bytes) => Some(bytes.clone()),
            ContextValue::String(text) => base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .ok(),
            _ => None,
        }
    }
}

impl From<&str> for ContextValue {
    fn from(text: &str) -> Self {
        ContextValue::String(text.to_owned())
    }
}

impl From<String> for ContextValue {
    fn from(text: String) -> Self {
        ContextValue::String(text)
    }
}

impl From<&String> for ContextValue {
    fn from(text: &String) -> Self {
        ContextValue::String(text.clone())
    }
}

impl From<bool> for ContextValue {
    fn from(flag: bool) -> Self {
        ContextValue::Bool(flag)
    }
}

impl From<i64> for ContextValue {
    fn from(number: i64) -> Self {
        ContextValue::Number(number as f64)
    }
}

impl From<f64> for ContextValue {
    fn from(number: f64) -> Self {
        ContextValue::Number(number)
    }
}

impl From<SystemTime> for ContextValue {
    fn from(time: SystemTime) -> Self {
        ContextValue::Date(time)
    }
}

impl From<IpAddr> for ContextValue {
    fn from(address: IpAddr) -> Self {
        ContextValue::Ip(address)
    }
}

/// Parses a decimal number as `Numeric*` operators read it; infinities and
/// NaN are rejected.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let number: f64 = text.trim().parse().ok()?;
    number.is_finite().then_some(number)
}

/// Parses `true` or `false` in any letter case.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn format_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        number.to_string()
    }
}

/// The context keys of one request and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// Entries by lowercase key: the key as first given, and its values.
    entries: BTreeMap<String, (String, Vec<ContextValue>)>,
}

impl Context {
    /// Creates an empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets `key` to one value, replacing any values it had.
    pub fn insert(
        &mut self,
        key: impl Into<String>,
        value: impl Into<ContextValue>,
    ) -> &mut Context {
        self.insert_values(key, [value.into()])
    }

    /// Sets a multivalued `key` to `values`, replacing any values it had. An
    /// empty list makes the key present with no values, which
    /// `ForAllValues` treats as true and `ForAnyValue` as false.
    pub fn insert_values<V: Into<ContextValue>>(
        &mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> &mut Context {
        let key = key.into();
        let values = values.into_iter().map(Into::into).collect();
        self.entries.insert(key.to_lowercase(), (key, values));
        self
    }

    /// Returns the context with `key` set to one value, for building a context
    /// in one expression.
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<ContextValue>) -> Context {
        self.insert(key, value);
        self
    }

    /// Returns the context with a multivalued `key` set to `values`.
    #[must_use]
    pub fn with_values<V: Into<ContextValue>>(
        mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Context {
        self.insert_values(key, values);
        self
    }

    /// Removes `key`, matched case-insensitively.
    pub fn remove(&mut self, key: &str) -> Option<Vec<ContextValue>> {
        self.entries
            .remove(&key.to_lowercase())
            .map(|(_, values)| values)
    }

    /// Returns the values of `key`, matched case-insensitively, or `None` when
    /// the key is absent.
    pub fn get(&self, key: &str) -> Option<&[ContextValue]> {
        self.entries
            .get(&key.to_lowercase())
            .map(|(_, values)| values.as_slice())
    }

    /// Reports whether `key` is present, matched case-insensitively.
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(&key.to_lowercase())
    }

    /// Iterates over the keys as first given and their values, ordered by
    /// lowercase key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[ContextValue])> {
        self.entries
            .values()
            .map(|(key, values)| (key.as_str(), values.as_slice()))
    }

    /// Returns the single value of `key` as text, for policy variable
    /// substitution. Multivalued keys cannot be policy variables, so a key
    /// with other than one value yields `None`
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>).
    pub(crate) fn variable_value(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            [value] => Some(value.to_text()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_ignores_key_case() {
        let context = Context::new().with("aws:CurrentTime", "2020-01-01T00:00:00Z");
        assert!(
            context.get("AWS:currenttime").is_some(),
            "lookup in another case"
        );
    }

    #[test]
    fn to_text_formats_each_type() {
        assert_eq!(
            ContextValue::Number(10.0).to_text(),
            "10",
            "integral number"
        );
        assert_eq!(
            ContextValue::Number(2.5).to_text(),
            "2.5",
            "fractional number"
        );
        assert_eq!(ContextValue::Bool(true).to_text(), "true", "boolean");
        assert_eq!(
            ContextValue::Binary(b"hi".to_vec()).to_text(),
            "aGk=",
            "binary"
        );
    }

    #[test]
    fn as_bytes_reads_string_as_base64() {
        assert_eq!(
            ContextValue::from("aGk=").as_bytes().as_deref(),
            Some(&b"hi"[..]),
            "base64 text"
        );
        assert_eq!(
            ContextValue::from("not base64!").as_bytes(),
            None,
            "text that is not base64"
        );
    }

    #[test]
    fn variable_value_needs_exactly_one_value() {
        let context = Context::new()
            .with_values("aws:TagKeys", ["a", "b"])
            .with_values("empty", Vec::<String>::new())
            .with("aws:username", "bob");
        assert_eq!(context.variable_value("aws:TagKeys"), None, "two values");
        assert_eq!(context.variable_value("empty"), None, "no values");
        assert_eq!(
            context.variable_value("aws:username").as_deref(),
            Some("bob"),
            "one value"
        );
    }
}
