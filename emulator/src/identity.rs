//! Caller identity: which account and region a request acts in.
//!
//! The emulator follows LocalStack's documented rules, because emulator users
//! select accounts through the access key id:
//!
//! - a 12-digit access key id *is* the account id;
//! - a key of 20 or more characters that starts with `LSIA` or `LKIA` (and
//!   `AKIA` / `ASIA` when [`IdentityOptions::decode_aws_access_keys`] is on)
//!   encodes the account in characters 4..12, the way AWS encodes it in real
//!   access keys: base32-decode them, subtract 2^39, double, and add one when
//!   the base32 value of character 12 is 16 or more;
//! - any other key falls back to [`DEFAULT_ACCOUNT_ID`].
//!
//! The region comes from the SigV4 credential scope
//! (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`) in the `Authorization`
//! header or the `X-Amz-Credential` query parameter of a presigned URL, and is
//! `us-east-1` when the request carries neither
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>).
//!
//! NOTE: signatures are parsed, not verified. Emulators accept any secret key,
//! and the harness judges access rules, not SigV4 itself.

use std::fmt;

/// The account a request acts in when its access key encodes none.
pub const DEFAULT_ACCOUNT_ID: &str = "000000000000";

/// The region a request acts in when it carries no SigV4 credential scope.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Offset AWS adds to the account id before encoding it in an access key (2^39).
const ACCOUNT_OFFSET: u64 = 549_755_813_888;

/// How access key ids map to accounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdentityOptions {
    /// Also decode `AKIA` and `ASIA` keys, as AWS itself would. Off by default,
    /// like LocalStack's `PARITY_AWS_ACCESS_KEY_ID`, so that real-looking keys
    /// in test fixtures do not scatter resources across accounts.
    pub decode_aws_access_keys: bool,
}

/// The identity a request acts under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub access_key_id: String,
    pub account_id: String,
    pub region: String,
    /// The principal ARN; the account root until IAM users and roles exist.
    pub principal_arn: String,
}

impl Caller {
    /// Builds the caller for an access key id and region under `options`.
    pub fn new(access_key_id: &str, region: &str, options: IdentityOptions) -> Caller {
        let account_id = account_id_for_access_key(access_key_id, options);
        Caller {
            access_key_id: access_key_id.to_owned(),
            principal_arn: format!("arn:aws:iam::{account_id}:root"),
            account_id,
            region: region.to_owned(),
        }
    }

    /// The caller of a request that carries no credentials at all.
    pub fn anonymous() -> Caller {
        Caller::new("", DEFAULT_REGION, IdentityOptions::default())
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in {}", self.account_id, self.region)
    }
}

/// Returns the account an access key id acts in.
pub fn account_id_for_access_key(access_key_id: &str, options: IdentityOptions) -> String {
    if access_key_id.len() == 12 && access_key_id.bytes().all(|b| b.is_ascii_digit()) {
        return access_key_id.to_owned();
    }

    let encodes_account = access_key_id.starts_with("LSIA")
        || access_key_id.starts_with("LKIA")
        || (options.decode_aws_access_keys
            && (access_key_id.starts_with("AKIA") || access_key_id.starts_with("ASIA")));
    if encodes_account && access_key_id.len() >= 20
        && let Some(account_id) = decode_account_id(access_key_id)
    {
        return account_id;
    }

    DEFAULT_ACCOUNT_ID.to_owned()
}

/// Decodes the account id carried in characters 4..13 of an access key id.
fn decode_account_id(access_key_id: &str) -> Option<String> {
    let bytes = access_key_id.as_bytes();

    let mut encoded: u64 = 0;
    for &byte in &bytes[4..12] {
        encoded = (encoded << 5) | u64::from(base32_value(byte)?);
    }
    let low_bit = u64::from(base32_value(bytes[12])? >= 16);

    let account = encoded.checked_sub(ACCOUNT_OFFSET)? * 2 + low_bit;
    (account <= 999_999_999_999).then(|| format!("{account:012}"))
}

/// Encodes `account_id` as the nine characters that follow the four-character
/// prefix of an access key id (`LSIA`, `AKIA`, ...), so that
/// [`account_id_for_access_key`] decodes the key to that account.
///
/// Characters 4..12 are the base32 text of `account_id / 2 + 2^39`, and
/// character 12 is `Q` (base32 value 16) for an odd account and `A` (0) for
/// an even one. Returns `None` unless `account_id` is 12 digits. Callers append
/// their own random characters to reach the usual length of 20.
pub fn encode_account_id(account_id: &str) -> Option<String> {
    if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let account: u64 = account_id.parse().ok()?;
    let encoded = account / 2 + ACCOUNT_OFFSET;

    let mut text = String::with_capacity(9);
    for position in (0..8).rev() {
        let value = ((encoded >> (position * 5)) & 0x1F) as u8;
        text.push(char::from(base32_char(value)));
    }
    text.push(if account % 2 == 1 { 'Q' } else { 'A' });
    Some(text)
}

/// The RFC 4648 base32 character for a 5-bit value.
fn base32_char(value: u8) -> u8 {
    match value {
        0..=25 => b'A' + value,
        _ => b'2' + (value - 26),
    }
}

/// The value of one RFC 4648 base32 character (`A`-`Z`, `2`-`7`).
fn base32_value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'2'..=b'7' => Some(byte - b'2' + 26),
        _ => None,
    }
}

/// The parts of a SigV4 credential scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
}

/// Parses `KEY/DATE/REGION/SERVICE/aws4_request`.
pub fn parse_credential_scope(credential: &str) -> Option<CredentialScope> {
    let mut parts = credential.split('/');
    let access_key_id = parts.next()?;
    let date = parts.next()?;
    let region = parts.next()?;
    let service = parts.next()?;
    if parts.next()? != "aws4_request" || parts.next().is_some() {
        return None;
    }
    Some(CredentialScope {
        access_key_id: access_key_id.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
    })
}

/// Reads the credential scope from an `Authorization: AWS4-HMAC-SHA256 ...` header value.
pub fn scope_from_authorization(header: &str) -> Option<CredentialScope> {
    let parameters = header.trim().strip_prefix("AWS4-HMAC-SHA256")?;
    parameters
        .split(',')
        .find_map(|part| part.trim().strip_prefix("Credential="))
        .and_then(parse_credential_scope)
}

/// Reads the credential scope from a presigned URL's query string.
pub fn scope_from_query(query: &str) -> Option<CredentialScope> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "X-Amz-Credential")
        .and_then(|(_, value)| parse_credential_scope(&value))
}

/// Reads the access key id from a SigV2-style `AWS KEY:SIGNATURE` header or
/// `AWSAccessKeyId` query parameter, which older clients still send.
pub fn access_key_from_legacy(header: Option<&str>, query: &str) -> Option<String> {
    if let Some(rest) = header.and_then(|h| h.trim().strip_prefix("AWS ")) {
        return rest.split(':').next().map(str::to_owned);
    }
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "AWSAccessKeyId")
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARITY: IdentityOptions = IdentityOptions { decode_aws_access_keys: true };

    #[test]
    fn twelve_digit_key_is_the_account() {
        assert_eq!(account_id_for_access_key("111111111111", IdentityOptions::default()), "111111111111");
    }

    #[test]
    fn akia_key_decodes_with_parity_option() {
        assert_eq!(account_id_for_access_key("AKIARZPUZDIKGB2VALC4", PARITY), "123456789012");
    }

    #[test]
    fn akia_key_is_default_account_without_parity_option() {
        assert_eq!(
            account_id_for_access_key("AKIARZPUZDIKGB2VALC4", IdentityOptions::default()),
            DEFAULT_ACCOUNT_ID
        );
    }

    #[test]
    fn lsia_key_decodes_without_parity_option() {
        assert_eq!(
            account_id_for_access_key("LSIARZPUZDIKGB2VALC4", IdentityOptions::default()),
            "123456789012"
        );
    }

    #[test]
    fn lkia_key_decodes_odd_account() {
        // Character 12 is `Q` (16), which sets the low bit: 123456789013.
        assert_eq!(
            account_id_for_access_key("LKIARZPUZDIKQB2VALC4", IdentityOptions::default()),
            "123456789013"
        );
    }

    #[test]
    fn short_or_garbled_keys_fall_back_to_default() {
        for key in ["test", "LSIA", "LSIARZPUZDIK", "LSIA1111111111111111", "12345678901", "1234567890123"] {
            assert_eq!(
                account_id_for_access_key(key, IdentityOptions::default()),
                DEFAULT_ACCOUNT_ID,
                "key {key}"
            );
        }
    }

    #[test]
    fn encode_account_id_matches_known_key() {
        // AKIARZPUZDIKGB2VALC4 carries 123456789012 in characters 4..12.
        let encoded = encode_account_id("123456789012").expect("12 digits");
        assert_eq!(&encoded[..8], "RZPUZDIK");
        assert_eq!(&encoded[8..], "A", "an even account has a low bit of 0");
    }

    #[test]
    fn encode_account_id_round_trips() {
        let accounts = [
            "000000000000",
            "000000000001",
            "111111111111",
            "123456789012",
            "123456789013",
            "222222222222",
            "549755813887",
            "999999999998",
            "999999999999",
        ];
        for account in accounts {
            let encoded = encode_account_id(account).expect("12 digits");
            let key = format!("LSIA{encoded}AAAAAAA");
            assert_eq!(key.len(), 20, "key for {account}");
            assert_eq!(account_id_for_access_key(&key, IdentityOptions::default()), account, "key {key}");
        }
    }

    #[test]
    fn encode_account_id_round_trips_every_low_bit_pattern() {
        // A stride that visits odd and even accounts across the whole range.
        let mut account: u64 = 7;
        while account <= 999_999_999_999 {
            let text = format!("{account:012}");
            let key = format!("LKIA{}ZZZZZZZ", encode_account_id(&text).expect("12 digits"));
            assert_eq!(account_id_for_access_key(&key, IdentityOptions::default()), text, "key {key}");
            account += 7_919_000_003;
        }
    }

    #[test]
    fn encode_account_id_rejects_non_accounts() {
        for value in ["", "12345678901", "1234567890123", "12345678901a", "-12345678901"] {
            assert_eq!(encode_account_id(value), None, "value {value:?}");
        }
    }

    #[test]
    fn authorization_header_yields_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=111111111111/20261204/ap-south-1/sqs/aws4_request, \
                      SignedHeaders=host;x-amz-date, Signature=abc";
        let scope = scope_from_authorization(header).expect("scope");
        assert_eq!(scope.access_key_id, "111111111111");
        assert_eq!(scope.region, "ap-south-1");
        assert_eq!(scope.service, "sqs");
    }

    #[test]
    fn presigned_query_yields_scope() {
        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=222222222222%2F20261204%2Feu-central-1%2Fs3%2Faws4_request";
        let scope = scope_from_query(query).expect("scope");
        assert_eq!(scope.access_key_id, "222222222222");
        assert_eq!(scope.region, "eu-central-1");
    }

    #[test]
    fn malformed_scope_is_rejected() {
        assert_eq!(parse_credential_scope("KEY/20261204/us-east-1/sqs"), None);
        assert_eq!(parse_credential_scope("KEY/20261204/us-east-1/sqs/aws4_request/extra"), None);
    }
}
