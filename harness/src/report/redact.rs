//! Run-dependent values in reasons, replaced by placeholders.
//!
//! A reason quotes the target's error message and the values it found, so it
//! can contain receipt handles, ciphertexts and ids that change on every run.
//! Printed in full they make summaries hard to read and reports differ
//! between runs. [`ReasonRedactor`] replaces each UUID with `<id:N>` and each
//! long opaque token with `<opaque:N>`, the same value always with the same
//! placeholder within one redactor. A token is opaque when it has at least
//! [`MIN_OPAQUE_LENGTH`] characters of the base64 and URL-safe alphabets and
//! mixes upper case, lower case and digits, as receipt handles and
//! ciphertexts do. Queue URLs, ARNs and names keep their text because `:` and
//! `.` end a token and names rarely mix all three kinds of character.
//!
//! These placeholders are numbered apart from the response normalisation in
//! [`crate::outcome::normalise`], so `<opaque:1>` in a reason and
//! `<receipt-handle:1>` in the response need not name the same value.

use std::collections::HashMap;

/// The shortest token treated as opaque. Receipt handles and ciphertexts are
/// far longer, and 40 is longer than an MD5 digest (32) or an account id (12).
pub const MIN_OPAQUE_LENGTH: usize = 40;

/// Replaces run-dependent values in reasons; one per scenario run or matrix cell.
#[derive(Debug, Default)]
pub struct ReasonRedactor {
    /// Original value → placeholder.
    placeholders: HashMap<String, String>,
    ids: usize,
    opaque: usize,
}

impl ReasonRedactor {
    pub fn new() -> ReasonRedactor {
        ReasonRedactor::default()
    }

    /// Returns `reasons` with every UUID and long opaque token replaced.
    pub fn redact_all(&mut self, reasons: Vec<String>) -> Vec<String> {
        reasons.into_iter().map(|reason| self.redact(&reason)).collect()
    }

    /// Returns `reason` with every UUID and long opaque token replaced.
    pub fn redact(&mut self, reason: &str) -> String {
        let mut redacted = String::with_capacity(reason.len());
        let mut token = String::new();
        for character in reason.chars() {
            if is_token_char(character) {
                token.push(character);
                continue;
            }
            self.push_token(&mut redacted, &token);
            token.clear();
            redacted.push(character);
        }
        self.push_token(&mut redacted, &token);
        redacted
    }

    /// Appends `token`, or its placeholder, to `out`. Inside a token that is
    /// not opaque as a whole, each `/`-separated segment may still be a UUID,
    /// as in `key/<uuid>`.
    fn push_token(&mut self, out: &mut String, token: &str) {
        if is_opaque(token) {
            out.push_str(&self.placeholder(token, Kind::Opaque));
            return;
        }
        for (index, segment) in token.split('/').enumerate() {
            if index > 0 {
                out.push('/');
            }
            if is_uuid(segment) {
                out.push_str(&self.placeholder(segment, Kind::Id));
            } else {
                out.push_str(segment);
            }
        }
    }

    fn placeholder(&mut self, value: &str, kind: Kind) -> String {
        if let Some(existing) = self.placeholders.get(value) {
            return existing.clone();
        }
        let placeholder = match kind {
            Kind::Id => {
                self.ids += 1;
                format!("<id:{}>", self.ids)
            }
            Kind::Opaque => {
                self.opaque += 1;
                format!("<opaque:{}>", self.opaque)
            }
        };
        self.placeholders.insert(value.to_owned(), placeholder.clone());
        placeholder
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Id,
    Opaque,
}

/// Returns whether `character` belongs to the base64 alphabet, its URL-safe variant or padding.
fn is_token_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '+' | '/' | '=' | '-' | '_')
}

fn is_opaque(token: &str) -> bool {
    token.len() >= MIN_OPAQUE_LENGTH
        && token.bytes().any(|byte| byte.is_ascii_uppercase())
        && token.bytes().any(|byte| byte.is_ascii_lowercase())
        && token.bytes().any(|byte| byte.is_ascii_digit())
}

/// Returns whether `text` is a UUID in its 8-4-4-4-12 hexadecimal form.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(group, length)| group.len() == length && group.bytes().all(|byte| byte.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HANDLE: &str = "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a8uVfLhoEwYe3nEUNcwvt5kBb0pk2vYd1P4m7VgrZv+Q/aZd9Qk1Q==";

    #[test]
    fn redact_replaces_receipt_handle() {
        let mut redactor = ReasonRedactor::new();
        let reason =
            format!("expected ok, found invalid: ReceiptHandleIsInvalid (400) (The handle \"{HANDLE}\" is not valid)");

        let redacted = redactor.redact(&reason);

        assert_eq!(
            redacted,
            "expected ok, found invalid: ReceiptHandleIsInvalid (400) (The handle \"<opaque:1>\" is not valid)"
        );
    }

    #[test]
    fn redact_numbers_same_value_once() {
        let mut redactor = ReasonRedactor::new();
        let uuid = "0b7c4a4e-6d8e-4c1f-9a57-3f2b1c9d8e7f";

        let first = redactor.redact(&format!("{HANDLE} and {uuid}"));
        let second = redactor.redact(&format!("{uuid} then {HANDLE}"));

        assert_eq!(first, "<opaque:1> and <id:1>");
        assert_eq!(second, "<id:1> then <opaque:1>");
    }

    #[test]
    fn redact_keeps_addresses_and_codes() {
        let mut redactor = ReasonRedactor::new();
        let unchanged = [
            "http://sqs.ap-south-1.localhost.localstack.cloud:4566/111111111111/batch-boundaries",
            "arn:aws:sqs:ap-south-1:111111111111:cc-001",
            "AWS.SimpleQueueService.NonExistentQueue (400)",
            "Attributes.VisibilityTimeout: expected \"31\", found \"30\"",
            "MD5OfBody: expected d41d8cd98f00b204e9800998ecf8427e",
        ];
        for reason in unchanged {
            assert_eq!(redactor.redact(reason), reason);
        }
    }

    #[test]
    fn redact_finds_uuid_in_key_arn() {
        let mut redactor = ReasonRedactor::new();
        let reason = "arn:aws:kms:ap-south-1:111111111111:key/0b7c4a4e-6d8e-4c1f-9a57-3f2b1c9d8e7f not found";

        assert_eq!(redactor.redact(reason), "arn:aws:kms:ap-south-1:111111111111:key/<id:1> not found");
    }
}
