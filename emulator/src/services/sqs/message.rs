//! Message validation and digests: body characters, message attributes,
//! message size, and the MD5 digests SQS returns.
//!
//! - Allowed body characters: `#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html>).
//! - Message attributes: at most 10, names of up to 256 characters from
//!   `A-Za-z0-9_-.` that do not start with `AWS.` or `Amazon.` and have no
//!   leading, trailing or doubled period; data types `String`, `Number` and
//!   `Binary` with an optional `.label`. Name, type and value all count
//!   towards the message size
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html>).
//!   A Number has up to 38 digits of precision and lies between 10^-128 and
//!   10^+126, leading and trailing zeros not counted
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-message-attributes>).
//! - `MD5OfMessageAttributes`: attributes sorted by name; for each, the name,
//!   the data type and the value, each as a 4-byte big-endian length followed
//!   by the UTF-8 bytes, with a transport byte (1 string, 2 binary) between type
//!   and value (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation>).

use base64::Engine as _;
use md5::{Digest, Md5};

use crate::error::AwsError;

use super::errors;
use super::model::{MessageAttributeValue, MessageAttributes};

/// Most message attributes one message may carry.
pub const MAX_MESSAGE_ATTRIBUTES: usize = 10;

/// Most significant digits a Number attribute may have.
const MAX_NUMBER_DIGITS: usize = 38;

/// Decimal exponents of the smallest and largest magnitude a nonzero Number
/// attribute may have: 10^-128 and 10^126.
const MIN_NUMBER_EXPONENT: i64 = -128;
const MAX_NUMBER_EXPONENT: i64 = 126;

/// A validated message attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    String(String),
    Binary(Vec<u8>),
}

/// A validated message attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAttribute {
    pub name: String,
    pub data_type: String,
    pub value: AttributeValue,
}

impl MessageAttribute {
    /// The bytes this attribute adds to the message size: name, type and value.
    pub fn size(&self) -> usize {
        let value = match &self.value {
            AttributeValue::String(text) => text.len(),
            AttributeValue::Binary(bytes) => bytes.len(),
        };
        self.name.len() + self.data_type.len() + value
    }

    /// The wire form for a ReceiveMessage response.
    pub fn to_wire(&self) -> MessageAttributeValue {
        let (string_value, binary_value) = match &self.value {
            AttributeValue::String(text) => (Some(text.clone()), None),
            AttributeValue::Binary(bytes) => (None, Some(base64::engine::general_purpose::STANDARD.encode(bytes))),
        };
        MessageAttributeValue {
            string_value,
            binary_value,
            string_list_values: None,
            binary_list_values: None,
            data_type: self.data_type.clone(),
        }
    }
}

/// Returns the lowercase hex MD5 of `bytes`.
pub fn md5_hex(bytes: &[u8]) -> String {
    to_hex(&Md5::digest(bytes))
}

fn to_hex(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(byte & 0xF), 16).unwrap_or('0'));
    }
    hex
}

/// Returns the MD5 of attributes in SQS's documented encoding; `attributes`
/// must be sorted by name. `None` for no attributes, as SQS omits the member.
pub fn md5_of_attributes(attributes: &[MessageAttribute]) -> Option<String> {
    if attributes.is_empty() {
        return None;
    }
    let mut hasher = Md5::new();
    for attribute in attributes {
        update_length_prefixed(&mut hasher, attribute.name.as_bytes());
        update_length_prefixed(&mut hasher, attribute.data_type.as_bytes());
        match &attribute.value {
            AttributeValue::String(text) => {
                hasher.update([1u8]);
                update_length_prefixed(&mut hasher, text.as_bytes());
            }
            AttributeValue::Binary(bytes) => {
                hasher.update([2u8]);
                update_length_prefixed(&mut hasher, bytes);
            }
        }
    }
    Some(to_hex(&hasher.finalize()))
}

fn update_length_prefixed(hasher: &mut Md5, bytes: &[u8]) {
    let length = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    hasher.update(length.to_be_bytes());
    hasher.update(bytes);
}

/// Checks that `text` only has characters SQS accepts, naming the first one it does not.
pub fn validate_characters(parameter: &str, text: &str) -> Result<(), AwsError> {
    for (position, character) in text.chars().enumerate() {
        let allowed = matches!(character,
            '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}');
        if !allowed {
            return Err(errors::invalid_message_contents(parameter, character, position));
        }
    }
    Ok(())
}

/// Validates message attributes and returns them sorted by name.
/// `parameter` names the member in messages (`MessageAttributes` or
/// `MessageSystemAttributes`).
pub fn validate_attributes(parameter: &str, attributes: &MessageAttributes) -> Result<Vec<MessageAttribute>, AwsError> {
    if attributes.len() > MAX_MESSAGE_ATTRIBUTES {
        return Err(errors::invalid_parameter(
            parameter,
            &attributes.len().to_string(),
            &format!("Number of message attributes [{}] exceeds the allowed maximum [{MAX_MESSAGE_ATTRIBUTES}]", attributes.len()),
        ));
    }

    // A BTreeMap iterates in byte order of the names, which is the order the digest needs.
    let mut validated = Vec::with_capacity(attributes.len());
    for (name, value) in attributes {
        validate_attribute_name(parameter, name)?;
        validated.push(validate_attribute_value(parameter, name, value)?);
    }
    Ok(validated)
}

fn validate_attribute_name(parameter: &str, name: &str) -> Result<(), AwsError> {
    let reason = if name.is_empty() {
        Some("the name is empty")
    } else if name.len() > 256 {
        Some("the name is longer than 256 characters")
    } else if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')) {
        Some("the name can only contain alphanumeric characters, hyphens, underscores and periods")
    } else if name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        Some("the name cannot start or end with a period or have two periods in a row")
    } else {
        let lowercase = name.to_ascii_lowercase();
        (lowercase.starts_with("aws.") || lowercase.starts_with("amazon."))
            .then_some("the name cannot start with AWS. or Amazon., which are reserved")
    };
    match reason {
        Some(reason) => Err(errors::invalid_parameter(&format!("{parameter}.{name}"), name, reason)),
        None => Ok(()),
    }
}

/// Validates one attribute value. `parameter` is the JSON member the
/// attribute came in (`MessageAttributes` or `MessageSystemAttributes`).
fn validate_attribute_value(parameter: &str, name: &str, value: &MessageAttributeValue) -> Result<MessageAttribute, AwsError> {
    let data_type = value.data_type.as_str();
    let invalid = |reason: &str| errors::invalid_parameter(&format!("{parameter}.{name}"), data_type, reason);

    if data_type.is_empty() {
        return Err(errors::invalid_parameter(
            &format!("{parameter}.{name}.DataType"),
            "(empty)",
            &format!("The message attribute '{name}' must contain a non-empty data type"),
        ));
    }
    if data_type.len() > 256 {
        return Err(invalid("the data type is longer than 256 characters"));
    }
    let (base, label) = data_type.split_once('.').unwrap_or((data_type, ""));
    if data_type.contains('.') && label.is_empty() {
        return Err(invalid("a custom data type label cannot be empty"));
    }

    let attribute_value = match base {
        "String" | "Number" => {
            if value.binary_value.is_some() {
                return Err(errors::attribute_has_two_values(&format!("{parameter}.{name}"), base, "StringValue"));
            }
            let Some(text) = value.string_value.as_deref().filter(|t| !t.is_empty()) else {
                return Err(invalid(&format!(
                    "The message attribute '{name}' with type '{base}' must use field 'StringValue' with a non-empty value"
                )));
            };
            validate_characters(&format!("{parameter}.{name}.StringValue"), text)?;
            if base == "Number" {
                check_number(text).map_err(|reason| {
                    errors::invalid_parameter(&format!("{parameter}.{name}.StringValue"), text, &reason)
                })?;
            }
            AttributeValue::String(text.to_owned())
        }
        "Binary" => {
            if value.string_value.is_some() {
                return Err(errors::attribute_has_two_values(&format!("{parameter}.{name}"), base, "BinaryValue"));
            }
            let Some(encoded) = value.binary_value.as_deref() else {
                return Err(invalid(&format!(
                    "The message attribute '{name}' with type 'Binary' must use field 'BinaryValue'"
                )));
            };
            let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| {
                errors::invalid_parameter(&format!("{parameter}.{name}.BinaryValue"), encoded, "the value is not valid base64")
            })?;
            if bytes.is_empty() {
                return Err(invalid(&format!(
                    "The message attribute '{name}' with type 'Binary' must have a non-empty BinaryValue"
                )));
            }
            AttributeValue::Binary(bytes)
        }
        _ => return Err(invalid("the data type must be String, Number or Binary, with an optional .label")),
    };

    Ok(MessageAttribute {
        name: name.to_owned(),
        data_type: data_type.to_owned(),
        value: attribute_value,
    })
}

/// Returns whether `text` is a decimal number SQS accepts for the Number type:
/// an optional sign, digits with an optional fraction, and an optional exponent.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_ok = !(whole.is_empty() && fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    digits_ok && exponent_ok
}

/// Checks a Number attribute value: its syntax, at most 38 significant
/// digits, and a magnitude of zero or from 10^-128 to 10^126. Returns the
/// reason for a value outside those limits.
///
/// NOTE: AWS does not document whether the bounds 10^-128 and 10^126
/// themselves are allowed. The emulator allows both.
fn check_number(text: &str) -> Result<(), String> {
    if !is_number(text) {
        return Err("the value of a Number attribute must be a number".to_owned());
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));

    // The value is `digits` times 10^(exponent - fraction length).
    let digits = format!("{whole}{fraction}");
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    if significant.is_empty() {
        return Ok(());
    }
    if significant.len() > MAX_NUMBER_DIGITS {
        return Err(format!(
            "a Number attribute has at most {MAX_NUMBER_DIGITS} significant digits, and this value has {}",
            significant.len()
        ));
    }

    // An exponent too large for an i64 is out of range either way.
    let out_of_range = || {
        format!("a nonzero Number attribute must lie between 10^{MIN_NUMBER_EXPONENT} and 10^{MAX_NUMBER_EXPONENT} in magnitude")
    };
    let exponent: i64 = exponent.parse().map_err(|_| out_of_range())?;
    let trailing_zeros = digits.len() - digits.trim_end_matches('0').len();
    let lengths = |length: usize| i64::try_from(length).unwrap_or(i64::MAX);
    // The magnitude is at least 10^lowest and below 10^(lowest + 1).
    let lowest = exponent
        .checked_sub(lengths(fraction.len()))
        .and_then(|e| e.checked_add(lengths(trailing_zeros)))
        .and_then(|e| e.checked_add(lengths(significant.len() - 1)))
        .ok_or_else(out_of_range)?;
    let above_max = lowest > MAX_NUMBER_EXPONENT || (lowest == MAX_NUMBER_EXPONENT && significant != "1");
    if above_max || lowest < MIN_NUMBER_EXPONENT {
        return Err(out_of_range());
    }
    Ok(())
}

/// Validates the system attributes of a send: only `AWSTraceHeader`, of type String.
pub fn validate_system_attributes(attributes: &MessageAttributes) -> Result<Vec<MessageAttribute>, AwsError> {
    let mut validated = Vec::with_capacity(attributes.len());
    for (name, value) in attributes {
        if name != "AWSTraceHeader" {
            return Err(errors::invalid_parameter(
                "MessageSystemAttributes",
                name,
                "AWSTraceHeader is the only supported message system attribute",
            ));
        }
        if value.data_type != "String" {
            return Err(errors::invalid_parameter(
                "MessageSystemAttributes.AWSTraceHeader.DataType",
                &value.data_type,
                "the data type of AWSTraceHeader must be String",
            ));
        }
        validated.push(validate_attribute_value("MessageSystemAttributes", name, value)?);
    }
    Ok(validated)
}

/// Validates a MessageGroupId or MessageDeduplicationId: 1 to 128 characters,
/// alphanumeric or punctuation.
pub fn validate_fifo_id(parameter: &str, value: &str) -> Result<(), AwsError> {
    let valid = !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        Ok(())
    } else {
        Err(errors::invalid_parameter(
            parameter,
            value,
            "it must be 1 to 128 characters long, with alphanumeric and punctuation characters only",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string_attribute(name: &str, value: &str) -> MessageAttribute {
        MessageAttribute {
            name: name.to_owned(),
            data_type: "String".to_owned(),
            value: AttributeValue::String(value.to_owned()),
        }
    }

    #[test]
    fn md5_of_body_matches_known_digest() {
        assert_eq!(md5_hex(b"hello"), "5d41402abc4b2a76b9719d911017c592");
    }

    #[test]
    fn md5_of_attributes_uses_length_prefixes() {
        let attribute = string_attribute("a", "b");
        let mut expected = Vec::new();
        expected.extend_from_slice(&[0, 0, 0, 1, b'a']);
        expected.extend_from_slice(&[0, 0, 0, 6]);
        expected.extend_from_slice(b"String");
        expected.push(1);
        expected.extend_from_slice(&[0, 0, 0, 1, b'b']);
        assert_eq!(md5_of_attributes(&[attribute]), Some(md5_hex(&expected)));
    }

    #[test]
    fn control_character_is_rejected_with_position() {
        let error = validate_characters("MessageBody", "ab\u{1}").expect_err("U+0001");
        assert_eq!(error.code, "InvalidMessageContents");
        assert!(error.message.contains("U+0001"), "{}", error.message);
        assert!(error.message.contains("character 2"), "{}", error.message);
    }

    #[test]
    fn reserved_attribute_prefix_is_rejected() {
        let mut attributes = MessageAttributes::new();
        attributes.insert(
            "AWS.thing".to_owned(),
            MessageAttributeValue {
                string_value: Some("x".to_owned()),
                data_type: "String".to_owned(),
                ..MessageAttributeValue::default()
            },
        );
        let error = validate_attributes("MessageAttributes", &attributes).expect_err("reserved");
        assert!(error.message.contains("AWS.thing"), "{}", error.message);
    }

    #[test]
    fn number_limits_are_checked() {
        let max_digits = "9".repeat(38);
        for good in [max_digits.as_str(), "1e126", "-1E126", "1e-128", "0", "-0.0e999", "100e124", "0.001e-125", "12.50"] {
            assert_eq!(check_number(good), Ok(()), "{good}");
        }
        let too_many = "1".repeat(39);
        for bad in [too_many.as_str(), "1e127", "1.1e126", "1e-129", "0.01e-127", "1e9223372036854775808"] {
            assert!(check_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_are_recognised() {
        for good in ["1", "-1.5", "+3e10", "0.25", ".5", "7E-3"] {
            assert!(is_number(good), "{good}");
        }
        for bad in ["", "-", "1.2.3", "e5", "12a", "1e"] {
            assert!(!is_number(bad), "{bad}");
        }
    }
}
