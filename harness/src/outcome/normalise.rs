//! Normalisation: responses made stable enough to snapshot.
//!
//! Ids, receipt handles, MD5 digests, timestamps, request ids and sequence
//! numbers differ on every run. Before a response goes into a snapshot,
//! [`Normaliser::normalise`] replaces each such value with a numbered
//! placeholder of its kind, `<receipt-handle:1>`. Within one scenario run the
//! same value always becomes the same placeholder, so a snapshot still shows
//! that the message received in step 5 is the one sent in step 3.
//!
//! Every rule is declared here: [`MEMBER_RULES`] by member or attribute name
//! (at any depth of the response), and one value rule for UUID-shaped strings
//! under any name, which become `<id:N>`.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// A member or attribute name whose value varies between runs, and the kind of placeholder it becomes.
#[derive(Debug, Clone, Copy)]
pub struct MemberRule {
    pub member: &'static str,
    pub kind: &'static str,
}

/// The member rules, in one list.
pub const MEMBER_RULES: &[MemberRule] = &[
    MemberRule { member: "MessageId", kind: "message-id" },
    MemberRule { member: "ReceiptHandle", kind: "receipt-handle" },
    MemberRule { member: "MD5OfBody", kind: "md5" },
    MemberRule { member: "MD5OfMessageBody", kind: "md5" },
    MemberRule { member: "MD5OfMessageAttributes", kind: "md5" },
    MemberRule { member: "MD5OfMessageSystemAttributes", kind: "md5" },
    MemberRule { member: "SequenceNumber", kind: "sequence-number" },
    MemberRule { member: "TaskHandle", kind: "task-handle" },
    MemberRule { member: "RequestId", kind: "request-id" },
    MemberRule { member: "SentTimestamp", kind: "timestamp" },
    MemberRule { member: "ApproximateFirstReceiveTimestamp", kind: "timestamp" },
    MemberRule { member: "CreatedTimestamp", kind: "timestamp" },
    MemberRule { member: "LastModifiedTimestamp", kind: "timestamp" },
    MemberRule { member: "StartedTimestamp", kind: "timestamp" },
    MemberRule { member: "CiphertextBlob", kind: "ciphertext" },
];

/// The placeholder kind for UUID-shaped strings that no member rule names.
const UUID_KIND: &str = "id";

/// Replaces run-dependent values with numbered placeholders; one per scenario run.
#[derive(Debug, Default)]
pub struct Normaliser {
    /// (kind, original value) → placeholder.
    placeholders: HashMap<(&'static str, String), String>,
    /// Placeholders handed out so far, per kind.
    counts: HashMap<&'static str, usize>,
}

impl Normaliser {
    pub fn new() -> Normaliser {
        Normaliser::default()
    }

    /// Returns `value` with every run-dependent value replaced by its placeholder.
    pub fn normalise(&mut self, value: &Value) -> Value {
        self.normalise_under(None, value)
    }

    fn normalise_under(&mut self, member: Option<&str>, value: &Value) -> Value {
        match value {
            Value::Object(object) => {
                let mut normalised = Map::with_capacity(object.len());
                for (key, inner) in object {
                    normalised.insert(key.clone(), self.normalise_under(Some(key), inner));
                }
                Value::Object(normalised)
            }
            // A list keeps the name of the member that holds it.
            Value::Array(items) => Value::Array(items.iter().map(|item| self.normalise_under(member, item)).collect()),
            Value::String(text) => match kind_of(member, text) {
                Some(kind) => Value::String(self.placeholder(kind, text.clone())),
                None => value.clone(),
            },
            Value::Number(number) => match member.and_then(member_kind) {
                Some(kind) => Value::String(self.placeholder(kind, number.to_string())),
                None => value.clone(),
            },
            Value::Bool(_) | Value::Null => value.clone(),
        }
    }

    /// Returns the placeholder of `original` of `kind`, numbering a new one on first sight.
    fn placeholder(&mut self, kind: &'static str, original: String) -> String {
        if let Some(existing) = self.placeholders.get(&(kind, original.clone())) {
            return existing.clone();
        }
        let count = self.counts.entry(kind).or_insert(0);
        *count += 1;
        let placeholder = format!("<{kind}:{count}>");
        self.placeholders.insert((kind, original), placeholder.clone());
        placeholder
    }
}

fn member_kind(member: &str) -> Option<&'static str> {
    MEMBER_RULES.iter().find(|rule| rule.member == member).map(|rule| rule.kind)
}

fn kind_of(member: Option<&str>, text: &str) -> Option<&'static str> {
    if let Some(kind) = member.and_then(member_kind) {
        return Some(kind);
    }
    is_uuid(text).then_some(UUID_KIND)
}

/// Returns whether `text` is a UUID in its 8-4-4-4-12 hexadecimal form.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(group, length)| group.len() == length && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_value_gets_same_placeholder() {
        let mut normaliser = Normaliser::new();
        let sent = normaliser.normalise(&json!({ "MessageId": "abc", "MD5OfMessageBody": "d41d" }));
        let received = normaliser.normalise(&json!({
            "Messages": [{ "MessageId": "abc", "ReceiptHandle": "rh-1", "MD5OfBody": "d41d", "Body": "hello" }]
        }));
        assert_eq!(sent, json!({ "MessageId": "<message-id:1>", "MD5OfMessageBody": "<md5:1>" }));
        assert_eq!(
            received,
            json!({ "Messages": [{
                "MessageId": "<message-id:1>",
                "ReceiptHandle": "<receipt-handle:1>",
                "MD5OfBody": "<md5:1>",
                "Body": "hello"
            }] })
        );
    }

    #[test]
    fn different_values_get_increasing_numbers() {
        let mut normaliser = Normaliser::new();
        let value = normaliser.normalise(&json!({ "Messages": [
            { "ReceiptHandle": "first" },
            { "ReceiptHandle": "second" },
            { "ReceiptHandle": "first" }
        ] }));
        assert_eq!(
            value,
            json!({ "Messages": [
                { "ReceiptHandle": "<receipt-handle:1>" },
                { "ReceiptHandle": "<receipt-handle:2>" },
                { "ReceiptHandle": "<receipt-handle:1>" }
            ] })
        );
    }

    #[test]
    fn attribute_timestamps_and_numbers_are_replaced() {
        let mut normaliser = Normaliser::new();
        let value = normaliser.normalise(&json!({
            "Attributes": { "CreatedTimestamp": "1700000000", "VisibilityTimeout": "30" },
            "Results": [{ "StartedTimestamp": 1_700_000_000_123_i64 }]
        }));
        assert_eq!(
            value,
            json!({
                "Attributes": { "CreatedTimestamp": "<timestamp:1>", "VisibilityTimeout": "30" },
                "Results": [{ "StartedTimestamp": "<timestamp:2>" }]
            })
        );
    }

    #[test]
    fn uuid_strings_under_any_name_are_replaced() {
        let mut normaliser = Normaliser::new();
        let value = normaliser.normalise(&json!({
            "Anything": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "NotAUuid": "0f8fad5b-d9cb-469f-a165"
        }));
        assert_eq!(value["Anything"], json!("<id:1>"));
        assert_eq!(value["NotAUuid"], json!("0f8fad5b-d9cb-469f-a165"));
    }
}
