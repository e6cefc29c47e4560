//! Normalisation: responses made stable enough to snapshot.
//!
//! Ids, receipt handles, MD5 digests, timestamps, request ids and sequence
//! numbers differ on every run. Before a response goes into a snapshot,
//! [`Normaliser::normalise`] replaces each such value with a numbered
//! placeholder of its kind, `<receipt-handle:1>`. Within one scenario run the
//! same value always becomes the same placeholder, so a snapshot still shows
//! that the message received in step 5 is the one sent in step 3. Timestamps
//! all become `<timestamp>`, without a number (see [`MemberRule::numbered`]).
//!
//! Every rule is declared here: [`MEMBER_RULES`] by member or attribute name
//! (at any depth of the response), and two value rules under any name. A KMS
//! key ARN keeps its account and region but its key id becomes `<key-id:N>`
//! (`arn:aws:kms:ap-south-1:111111111111:key/<key-id:1>`), numbered together
//! with bare key ids, so a key's id and its ARN share one number. Any other
//! UUID-shaped string becomes `<id:N>`.

use std::collections::HashMap;

use crosscheck_emulator::arn::Arn;
use serde_json::{Map, Value};

/// A member or attribute name whose value varies between runs, and the kind of placeholder it becomes.
#[derive(Debug, Clone, Copy)]
pub struct MemberRule {
    pub member: &'static str,
    pub kind: &'static str,
    /// Whether placeholders of this kind carry a number. Timestamps do not:
    /// two events in the same second share a value and two in the next
    /// second do not, so numbering them would make snapshots depend on timing.
    pub numbered: bool,
}

/// The member rules, in one list.
pub const MEMBER_RULES: &[MemberRule] = &[
    MemberRule { member: "MessageId", kind: "message-id", numbered: true },
    MemberRule { member: "ReceiptHandle", kind: "receipt-handle", numbered: true },
    MemberRule { member: "MD5OfBody", kind: "md5", numbered: true },
    MemberRule { member: "MD5OfMessageBody", kind: "md5", numbered: true },
    MemberRule { member: "MD5OfMessageAttributes", kind: "md5", numbered: true },
    MemberRule { member: "MD5OfMessageSystemAttributes", kind: "md5", numbered: true },
    MemberRule { member: "SequenceNumber", kind: "sequence-number", numbered: true },
    MemberRule { member: "TaskHandle", kind: "task-handle", numbered: true },
    MemberRule { member: "RequestId", kind: "request-id", numbered: true },
    MemberRule { member: "SentTimestamp", kind: "timestamp", numbered: false },
    MemberRule { member: "ApproximateFirstReceiveTimestamp", kind: "timestamp", numbered: false },
    MemberRule { member: "CreatedTimestamp", kind: "timestamp", numbered: false },
    MemberRule { member: "LastModifiedTimestamp", kind: "timestamp", numbered: false },
    MemberRule { member: "StartedTimestamp", kind: "timestamp", numbered: false },
    MemberRule { member: "CiphertextBlob", kind: "ciphertext", numbered: true },
    // KMS: key ids, cryptographic material and grants.
    MemberRule { member: "KeyId", kind: KEY_ID_KIND, numbered: true },
    MemberRule { member: "TargetKeyId", kind: KEY_ID_KIND, numbered: true },
    MemberRule { member: "SourceKeyId", kind: KEY_ID_KIND, numbered: true },
    MemberRule { member: "PrivateKeyCiphertextBlob", kind: "ciphertext", numbered: true },
    MemberRule { member: "Plaintext", kind: "plaintext", numbered: true },
    MemberRule { member: "PrivateKeyPlaintext", kind: "plaintext", numbered: true },
    MemberRule { member: "PublicKey", kind: "public-key", numbered: true },
    MemberRule { member: "Signature", kind: "signature", numbered: true },
    MemberRule { member: "Mac", kind: "mac", numbered: true },
    MemberRule { member: "GrantId", kind: "grant-id", numbered: true },
    MemberRule { member: "GrantToken", kind: "grant-token", numbered: true },
    MemberRule { member: "KeyMaterialId", kind: "key-material-id", numbered: true },
    MemberRule { member: "CreationDate", kind: "timestamp", numbered: false },
    MemberRule { member: "DeletionDate", kind: "timestamp", numbered: false },
    MemberRule { member: "ValidTo", kind: "timestamp", numbered: false },
    MemberRule { member: "LastUpdatedDate", kind: "timestamp", numbered: false },
    MemberRule { member: "NextRotationDate", kind: "timestamp", numbered: false },
    MemberRule { member: "OnDemandRotationStartDate", kind: "timestamp", numbered: false },
];

/// The placeholder kind for KMS key ids, bare or inside a key ARN.
const KEY_ID_KIND: &str = "key-id";

/// The resource prefix of a KMS key ARN.
const KMS_KEY_PREFIX: &str = "key/";

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
            // A list keeps the name of the member that contains it.
            Value::Array(items) => Value::Array(items.iter().map(|item| self.normalise_under(member, item)).collect()),
            Value::String(text) => {
                if let Some(arn) = self.normalise_key_arn(text) {
                    return Value::String(arn);
                }
                match kind_of(member, text) {
                    Some((kind, numbered)) => Value::String(self.placeholder(kind, numbered, text.clone())),
                    None => value.clone(),
                }
            }
            Value::Number(number) => match member.and_then(member_rule) {
                Some(rule) => Value::String(self.placeholder(rule.kind, rule.numbered, number.to_string())),
                None => value.clone(),
            },
            Value::Bool(_) | Value::Null => value.clone(),
        }
    }

    /// Returns a KMS key ARN with its key id replaced by the key id's
    /// placeholder; `None` when `text` is not a KMS key ARN.
    fn normalise_key_arn(&mut self, text: &str) -> Option<String> {
        let mut arn: Arn = text.parse().ok()?;
        if arn.service != "kms" {
            return None;
        }
        let key_id = arn.resource.strip_prefix(KMS_KEY_PREFIX)?.to_owned();
        arn.resource = format!("{KMS_KEY_PREFIX}{}", self.placeholder(KEY_ID_KIND, true, key_id));
        Some(arn.to_string())
    }

    /// Returns the placeholder of `original` of `kind`, numbering a new one on first sight.
    fn placeholder(&mut self, kind: &'static str, numbered: bool, original: String) -> String {
        if !numbered {
            return format!("<{kind}>");
        }
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

fn member_rule(member: &str) -> Option<&'static MemberRule> {
    MEMBER_RULES.iter().find(|rule| rule.member == member)
}

/// Returns the placeholder kind of a string and whether it is numbered.
fn kind_of(member: Option<&str>, text: &str) -> Option<(&'static str, bool)> {
    if let Some(rule) = member.and_then(member_rule) {
        return Some((rule.kind, rule.numbered));
    }
    is_uuid(text).then_some((UUID_KIND, true))
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
    fn timestamps_become_unnumbered_placeholders() {
        let mut normaliser = Normaliser::new();
        let value = normaliser.normalise(&json!({
            "Attributes": { "CreatedTimestamp": "1700000000", "VisibilityTimeout": "30" },
            "Results": [{ "StartedTimestamp": 1_700_000_000_123_i64 }]
        }));
        assert_eq!(
            value,
            json!({
                "Attributes": { "CreatedTimestamp": "<timestamp>", "VisibilityTimeout": "30" },
                "Results": [{ "StartedTimestamp": "<timestamp>" }]
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

    #[test]
    fn kms_key_arn_shares_number_with_key_id() {
        let mut normaliser = Normaliser::new();
        let key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let value = normaliser.normalise(&json!({
            "KeyMetadata": {
                "KeyId": key_id,
                "Arn": format!("arn:aws:kms:ap-south-1:111111111111:key/{key_id}"),
                "CreationDate": 1_700_000_000_i64
            },
            "AliasArn": "arn:aws:kms:ap-south-1:111111111111:alias/shared"
        }));
        assert_eq!(value["KeyMetadata"]["KeyId"], json!("<key-id:1>"));
        assert_eq!(value["KeyMetadata"]["Arn"], json!("arn:aws:kms:ap-south-1:111111111111:key/<key-id:1>"));
        assert_eq!(value["KeyMetadata"]["CreationDate"], json!("<timestamp>"));
        assert_eq!(value["AliasArn"], json!("arn:aws:kms:ap-south-1:111111111111:alias/shared"));
    }

    #[test]
    fn kms_key_arn_under_key_id_member_keeps_its_namespace() {
        let mut normaliser = Normaliser::new();
        let value = normaliser.normalise(&json!({
            "KeyId": "arn:aws:kms:ap-south-1:111111111111:key/k-1",
            "CiphertextBlob": "AQID",
            "Signature": "BAUG",
            "GrantToken": "token",
            "GrantId": "grant"
        }));
        assert_eq!(value["KeyId"], json!("arn:aws:kms:ap-south-1:111111111111:key/<key-id:1>"));
        assert_eq!(value["CiphertextBlob"], json!("<ciphertext:1>"));
        assert_eq!(value["Signature"], json!("<signature:1>"));
        assert_eq!(value["GrantToken"], json!("<grant-token:1>"));
        assert_eq!(value["GrantId"], json!("<grant-id:1>"));
    }
}
