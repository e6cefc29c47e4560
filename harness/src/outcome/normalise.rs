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
//! (at any depth of the response), and value rules under any name. A KMS
//! key ARN keeps its account and region but its key id becomes `<key-id:N>`
//! (`arn:aws:kms:ap-south-1:111111111111:key/<key-id:1>`), numbered together
//! with bare key ids, so a key's id and its ARN share one number. A Secrets
//! Manager secret ARN keeps its name but its random suffix becomes
//! `<secret-suffix:N>`. Any other UUID, alone or inside a longer string such
//! as an SNS subscription ARN, becomes `<id:N>`. A string that contains a
//! JSON document, such as an SNS envelope in an SQS message body, has the
//! same rules applied inside the document. It is written back compactly only
//! when a rule changed something, so policies keep their own layout. A
//! Lambda log or timeout message loses its timestamps and measured durations.

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
    // SNS envelopes and confirmation requests.
    MemberRule { member: "Timestamp", kind: "timestamp", numbered: false },
    // S3 objects and multipart uploads.
    MemberRule { member: "LastModified", kind: "timestamp", numbered: false },
    MemberRule { member: "UploadId", kind: "upload-id", numbered: true },
    MemberRule { member: "Token", kind: "token", numbered: true },
    MemberRule { member: "SubscribeURL", kind: "subscribe-url", numbered: true },
    // Secrets Manager.
    MemberRule { member: "CreatedDate", kind: "timestamp", numbered: false },
    MemberRule { member: "LastChangedDate", kind: "timestamp", numbered: false },
    MemberRule { member: "LastAccessedDate", kind: "timestamp", numbered: false },
    MemberRule { member: "LastRotatedDate", kind: "timestamp", numbered: false },
    MemberRule { member: "DeletedDate", kind: "timestamp", numbered: false },
    MemberRule { member: "RandomPassword", kind: "password", numbered: true },
    // The stack trace in a Lambda error document names the runtime's and the
    // handler's file paths and lines, which depend on where the code ran:
    // `stackTrace` from Python, `trace` from Node.js.
    MemberRule { member: "stackTrace", kind: "stack-frame", numbered: false },
    MemberRule { member: "trace", kind: "stack-frame", numbered: false },
];

/// The placeholder kind for KMS key ids, bare or inside a key ARN.
const KEY_ID_KIND: &str = "key-id";

/// The resource prefix of a KMS key ARN.
const KMS_KEY_PREFIX: &str = "key/";

/// The placeholder kind for UUID-shaped strings that no member rule names.
const UUID_KIND: &str = "id";

/// The placeholder kind for the random suffix of a Secrets Manager secret ARN.
const SECRET_SUFFIX_KIND: &str = "secret-suffix";

/// The length of a UUID in its 8-4-4-4-12 form.
const UUID_LENGTH: usize = 36;

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
                    // Map keys may be ids too, such as the version ids of VersionIdsToStages.
                    let inner = self.normalise_under(Some(key), inner);
                    normalised.insert(self.replace_uuids(key), inner);
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
                    None => Value::String(self.normalise_text(text)),
                }
            }
            Value::Number(number) => match member.and_then(member_rule) {
                Some(rule) => Value::String(self.placeholder(rule.kind, rule.numbered, number.to_string())),
                None => value.clone(),
            },
            Value::Bool(_) | Value::Null => value.clone(),
        }
    }

    /// Applies the value rules to a string that no member rule names.
    fn normalise_text(&mut self, text: &str) -> String {
        if let Some(document) = self.normalise_json_text(text) {
            return document;
        }
        let text = normalise_lambda_log(text).unwrap_or_else(|| text.to_owned());
        match self.normalise_secret_arns(&text) {
            Some(replaced) => self.replace_uuids(&replaced),
            None => self.replace_uuids(&text),
        }
    }

    /// Normalises the JSON document a string contains; `None` when the
    /// string is no JSON object or list. An unchanged document keeps its text.
    fn normalise_json_text(&mut self, text: &str) -> Option<String> {
        if !text.starts_with(['{', '[']) {
            return None;
        }
        let document: Value = serde_json::from_str(text).ok()?;
        let normalised = self.normalise(&document);
        if normalised == document {
            return Some(text.to_owned());
        }
        // Serialising a `Value` does not fail.
        Some(serde_json::to_string(&normalised).unwrap_or_else(|_| text.to_owned()))
    }

    /// Replaces the random suffix of every secret ARN inside `text` with a
    /// placeholder numbered by the whole ARN; `None` when `text` has none.
    fn normalise_secret_arns(&mut self, text: &str) -> Option<String> {
        const PREFIX: &str = "arn:aws:secretsmanager:";
        if !text.contains(PREFIX) {
            return None;
        }
        let mut replaced = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(PREFIX) {
            replaced.push_str(&rest[..start]);
            let candidate = &rest[start..];
            let length = candidate.find(|c: char| !is_arn_char(c)).unwrap_or(candidate.len());
            // A sentence may end right after the ARN.
            let arn = candidate[..length].trim_end_matches('.');
            match arn.rsplit_once('-') {
                Some((stem, suffix)) if arn.contains(":secret:") && is_secret_suffix(suffix) => {
                    let placeholder = self.placeholder(SECRET_SUFFIX_KIND, true, arn.to_owned());
                    replaced.push_str(&format!("{stem}-{placeholder}"));
                }
                _ => replaced.push_str(arn),
            }
            rest = &candidate[arn.len()..];
        }
        replaced.push_str(rest);
        Some(replaced)
    }

    /// Replaces every UUID inside `text` with its `<id:N>` placeholder.
    fn replace_uuids(&mut self, text: &str) -> String {
        let mut replaced = String::with_capacity(text.len());
        let mut rest = text;
        while rest.len() >= UUID_LENGTH {
            let found = (0..=rest.len() - UUID_LENGTH).find(|&start| {
                rest.is_char_boundary(start)
                    && rest.is_char_boundary(start + UUID_LENGTH)
                    && is_uuid(&rest[start..start + UUID_LENGTH])
            });
            let Some(start) = found else {
                break;
            };
            replaced.push_str(&rest[..start]);
            let uuid = rest[start..start + UUID_LENGTH].to_owned();
            replaced.push_str(&self.placeholder(UUID_KIND, true, uuid));
            rest = &rest[start + UUID_LENGTH..];
        }
        replaced.push_str(rest);
        replaced
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

/// Returns whether `c` may appear in an ARN: a secret name has letters,
/// digits and `/_+=.@-`, and the other parts are separated by `:`.
fn is_arn_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_+=.@-:".contains(c)
}

/// Returns whether `suffix` is the six letters or digits Secrets Manager
/// appends to a secret's name in its ARN.
fn is_secret_suffix(suffix: &str) -> bool {
    suffix.len() == 6 && suffix.bytes().all(|byte| byte.is_ascii_alphanumeric())
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

/// The labels of the measured values in a Lambda `REPORT` log line.
const LAMBDA_REPORT_LABELS: [&str; 4] = ["Duration: ", "Billed Duration: ", "Init Duration: ", "Max Memory Used: "];

/// Replaces the run-dependent parts of a Lambda log or timeout message: the
/// UTC timestamps (`2024-01-31T12:00:00Z`, or with fractional seconds) become
/// `<timestamp>` and the numbers of a `REPORT` line's durations and memory
/// become `<measured>`. Returns `None` for text that has no Lambda request id
/// line (`RequestId: `) or timeout message (`Task timed out after`), so other
/// text, such as a policy with a date condition, keeps its timestamps.
fn normalise_lambda_log(text: &str) -> Option<String> {
    if !text.contains("RequestId: ") && !text.contains("Task timed out after") {
        return None;
    }
    let mut replaced = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        if let Some(length) = utc_timestamp_length(rest) {
            replaced.push_str("<timestamp>");
            rest = &rest[length..];
            continue;
        }
        for label in LAMBDA_REPORT_LABELS {
            if let Some(after) = rest.strip_prefix(label) {
                let number = after.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(after.len());
                if number > 0 {
                    replaced.push_str(label);
                    replaced.push_str("<measured>");
                    rest = &after[number..];
                    continue 'scan;
                }
            }
        }
        let next = rest.chars().next().map_or(1, char::len_utf8);
        replaced.push_str(&rest[..next]);
        rest = &rest[next..];
    }
    Some(replaced)
}

/// Returns the length of the UTC timestamp `YYYY-MM-DDTHH:MM:SS[.fff]Z` at
/// the start of `text`, if there is one.
fn utc_timestamp_length(text: &str) -> Option<usize> {
    const PATTERN: &[u8] = b"dddd-dd-ddTdd:dd:dd";
    let bytes = text.as_bytes();
    if bytes.len() < PATTERN.len() + 1 {
        return None;
    }
    let fits = PATTERN.iter().zip(bytes).all(|(pattern, byte)| match pattern {
        b'd' => byte.is_ascii_digit(),
        literal => literal == byte,
    });
    if !fits {
        return None;
    }
    let mut end = PATTERN.len();
    if bytes.get(end) == Some(&b'.') {
        end += 1;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    (bytes.get(end) == Some(&b'Z')).then_some(end + 1)
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
    fn uuid_inside_string_is_replaced() {
        let mut normaliser = Normaliser::new();
        let subscription = "arn:aws:sns:ap-south-1:111111111111:orders:0f8fad5b-d9cb-469f-a165-70867728950e";
        let value = normaliser.normalise(&json!({
            "SubscriptionArn": subscription,
            "Url": format!("http://host/?SubscriptionArn={subscription}&Other=1"),
            "Short": "prefix-0f8fad5b-d9cb-469f"
        }));
        assert_eq!(value["SubscriptionArn"], json!("arn:aws:sns:ap-south-1:111111111111:orders:<id:1>"));
        assert_eq!(
            value["Url"],
            json!("http://host/?SubscriptionArn=arn:aws:sns:ap-south-1:111111111111:orders:<id:1>&Other=1")
        );
        assert_eq!(value["Short"], json!("prefix-0f8fad5b-d9cb-469f"));
    }

    #[test]
    fn secret_arn_suffix_is_replaced() {
        let mut normaliser = Normaliser::new();
        let value = normaliser.normalise(&json!({
            "ARN": "arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-password-AbC123",
            "Other": "arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-password-XyZ789",
            "Partial": "arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-password",
            "Again": "arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-password-AbC123"
        }));
        assert_eq!(
            value["ARN"],
            json!("arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-password-<secret-suffix:1>")
        );
        assert_eq!(
            value["Other"],
            json!("arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-password-<secret-suffix:2>")
        );
        assert_eq!(value["Partial"], json!("arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-password"));
        assert_eq!(value["Again"], value["ARN"]);
    }

    #[test]
    fn secret_arn_inside_message_is_replaced() {
        let mut normaliser = Normaliser::new();
        let arn = "arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-AbC123";
        let value = normaliser.normalise(&json!({
            "ARN": arn,
            "Message": format!("Secrets Manager can't find the specified secret: {arn}."),
            "Resource": format!("{arn},arn:aws:secretsmanager:ap-south-1:111111111111:secret:short")
        }));
        let expected_arn = "arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-<secret-suffix:1>";
        assert_eq!(value["ARN"], json!(expected_arn));
        assert_eq!(
            value["Message"],
            json!(format!("Secrets Manager can't find the specified secret: {expected_arn}."))
        );
        assert_eq!(
            value["Resource"],
            json!(format!("{expected_arn},arn:aws:secretsmanager:ap-south-1:111111111111:secret:short"))
        );
    }

    #[test]
    fn uuid_map_keys_are_replaced() {
        let mut normaliser = Normaliser::new();
        let version = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let value =
            normaliser.normalise(&json!({ "VersionId": version, "VersionIdsToStages": { version: ["AWSCURRENT"] } }));
        assert_eq!(value, json!({ "VersionId": "<id:1>", "VersionIdsToStages": { "<id:1>": ["AWSCURRENT"] } }));
    }

    #[test]
    fn json_document_in_string_is_normalised() {
        let mut normaliser = Normaliser::new();
        let published = normaliser.normalise(&json!({ "MessageId": "m-1" }));
        let body = r#"{"Type":"Notification","MessageId":"m-1","Timestamp":"2026-12-05T00:15:32.259Z","Message":"hi"}"#;
        let received = normaliser.normalise(&json!({ "Body": body }));
        assert_eq!(published["MessageId"], json!("<message-id:1>"));
        assert_eq!(
            received["Body"],
            json!(r#"{"Type":"Notification","MessageId":"<message-id:1>","Timestamp":"<timestamp>","Message":"hi"}"#)
        );
    }

    #[test]
    fn unchanged_json_document_keeps_its_text() {
        let mut normaliser = Normaliser::new();
        let policy = r#"{"Version": "2012-10-17", "Statement": [ {"Effect": "Allow"} ]}"#;
        let value = normaliser.normalise(&json!({ "Policy": policy, "Broken": "{not json" }));
        assert_eq!(value["Policy"], json!(policy));
        assert_eq!(value["Broken"], json!("{not json"));
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

    #[test]
    fn lambda_log_loses_times_and_durations() {
        let log = "START RequestId: 1\nREPORT RequestId: 1\tDuration: 194.29 ms\tBilled Duration: 195 ms\tMemory Size: 128 MB\n";
        assert_eq!(
            normalise_lambda_log(log).as_deref(),
            Some(
                "START RequestId: 1\nREPORT RequestId: 1\tDuration: <measured> ms\tBilled Duration: <measured> ms\tMemory Size: 128 MB\n"
            )
        );
        let timeout = "2026-12-05T03:03:58Z 7f Task timed out after 1.00 seconds";
        assert_eq!(normalise_lambda_log(timeout).as_deref(), Some("<timestamp> 7f Task timed out after 1.00 seconds"));
        let fractional = "2026-12-05T03:03:58.123Z Task timed out after 3.00 seconds";
        assert_eq!(normalise_lambda_log(fractional).as_deref(), Some("<timestamp> Task timed out after 3.00 seconds"));
    }

    #[test]
    fn text_without_lambda_log_keeps_timestamps() {
        assert_eq!(normalise_lambda_log("DateGreaterThan 2020-01-01T00:00:00Z"), None);
    }
}
