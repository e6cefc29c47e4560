//! AWS Security Token Service over awsQuery: GetCallerIdentity and AssumeRole
//! (<https://docs.aws.amazon.com/STS/latest/APIReference/welcome.html>).
//!
//! Emulator users select accounts through access key ids (see
//! [`crate::identity`]), and STS is how a client learns and switches them:
//!
//! - GetCallerIdentity returns the caller's account, ARN and user id. A key
//!   that AssumeRole issued returns the assumed-role session's ARN
//!   (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`); any other key
//!   returns the account root (`arn:aws:iam::ACCOUNT:root`, user id = account).
//! - AssumeRole validates its input as the API reference states and returns
//!   temporary credentials whose access key id is an `LSIA` key that encodes
//!   the role's account ([`crate::identity::encode_account_id`]), so every
//!   later call signed with it acts in that account.
//!
//! NOTE: the emulator has no IAM roles yet, so AssumeRole accepts any role
//! ARN in any account and checks no trust policy, as moto 5.2 does. Session
//! tokens and secret keys are random and never checked, like every secret
//! the emulator receives.

mod sessions;
pub mod time;

use std::sync::Mutex;

use crate::error::{AwsError, AwsResult};
use crate::http::aws_query::{self, XmlWriter};
use crate::http::{HttpResponse, Protocol, RequestContext, ServiceCall};
use crate::services::{ResponseFuture, Service};

use sessions::{AssumedRole, SessionStore};

/// The XML namespace of STS responses.
pub const XML_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The operations this module serves.
pub const OPERATIONS: &[&str] = &["AssumeRole", "GetCallerIdentity"];

/// Shortest and longest session AssumeRole grants, in seconds, and its
/// default, as the AssumeRole documentation in aws-sdk-sts 1.124 states them.
/// AWS also caps the duration at the role's MaxSessionDuration. The emulator
/// has no roles, so 43200 (12 hours) is the only cap.
pub const MIN_DURATION_SECONDS: i64 = 900;
pub const MAX_DURATION_SECONDS: i64 = 43_200;
pub const DEFAULT_DURATION_SECONDS: i64 = 3_600;

/// Length limits of RoleArn and RoleSessionName in the STS API reference
/// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>).
const ROLE_ARN_LENGTH: std::ops::RangeInclusive<usize> = 20..=2048;
const ROLE_SESSION_NAME_LENGTH: std::ops::RangeInclusive<usize> = 2..=64;

/// Longest IAM role name, in characters.
const MAX_ROLE_NAME_LENGTH: usize = 64;

/// The STS service: the sessions AssumeRole has issued.
#[derive(Default)]
pub struct Sts {
    sessions: Mutex<SessionStore>,
}

impl Sts {
    pub fn new() -> Sts {
        Sts::default()
    }

    fn dispatch(&self, context: &RequestContext, call: &ServiceCall) -> AwsResult<HttpResponse> {
        if call.protocol != Protocol::AwsQuery {
            return Err(AwsError::invalid_action(&call.operation, "sts"));
        }
        let result_xml = match call.operation.as_str() {
            "GetCallerIdentity" => self.get_caller_identity(context),
            "AssumeRole" => self.assume_role(context, &call.params)?,
            other => return Err(AwsError::invalid_action(other, "sts")),
        };
        Ok(aws_query::ok_response(&call.operation, XML_NAMESPACE, &result_xml, &context.request_id))
    }

    /// Returns the `GetCallerIdentityResult` content for the caller.
    fn get_caller_identity(&self, context: &RequestContext) -> String {
        let caller = &context.caller;
        let session = self.lock_sessions().get(&caller.access_key_id).cloned();

        // A session is trusted only while the key still decodes to its account.
        let (arn, user_id) = match session {
            Some(session) if session.account_id == caller.account_id => (session.arn, session.user_id),
            _ => (format!("arn:aws:iam::{}:root", caller.account_id), caller.account_id.clone()),
        };

        let mut xml = XmlWriter::new();
        xml.element("Arn", &arn).element("UserId", &user_id).element("Account", &caller.account_id);
        xml.finish()
    }

    /// Validates an AssumeRole request, issues credentials and returns the
    /// `AssumeRoleResult` content.
    fn assume_role(&self, context: &RequestContext, params: &[(String, String)]) -> AwsResult<String> {
        let role_arn = aws_query::param(params, "RoleArn");
        let role_session_name = aws_query::param(params, "RoleSessionName");
        let duration = aws_query::param(params, "DurationSeconds");

        let role = parse_role_arn(role_arn)?;
        let session_name = validate_session_name(role_session_name)?;
        let duration_seconds = parse_duration(duration)?;

        let issued = sessions::issue(&role, session_name, duration_seconds, time::now_seconds())?;
        tracing::debug!(
            caller_account = %context.caller.account_id,
            role_account = %role.account_id,
            role = %role.name,
            "issued assumed-role credentials"
        );

        let mut xml = XmlWriter::new();
        xml.open("Credentials")
            .element("AccessKeyId", &issued.credentials.access_key_id)
            .element("SecretAccessKey", &issued.credentials.secret_access_key)
            .element("SessionToken", &issued.credentials.session_token)
            .element("Expiration", &issued.credentials.expiration)
            .close("Credentials");
        xml.open("AssumedRoleUser")
            .element("AssumedRoleId", &issued.session.user_id)
            .element("Arn", &issued.session.arn)
            .close("AssumedRoleUser");

        let access_key_id = issued.credentials.access_key_id.clone();
        self.lock_sessions().insert(access_key_id, issued.session);
        Ok(xml.finish())
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, SessionStore> {
        self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn reject(&self, context: &RequestContext, call: &ServiceCall, error: &AwsError) -> HttpResponse {
        tracing::debug!(
            operation = %call.operation,
            account = %context.caller.account_id,
            region = %context.caller.region,
            code = %error.code,
            "rejected STS request"
        );
        aws_query::error_response(error, &context.request_id)
    }
}

impl Service for Sts {
    fn signing_name(&self) -> &'static str {
        "sts"
    }

    fn json_target_prefix(&self) -> Option<&'static str> {
        None
    }

    fn has_operation(&self, operation: &str) -> bool {
        OPERATIONS.contains(&operation)
    }

    fn call<'a>(&'a self, context: &'a RequestContext, call: ServiceCall) -> ResponseFuture<'a> {
        Box::pin(async move {
            match self.dispatch(context, &call) {
                Ok(response) => response,
                Err(error) => self.reject(context, &call, &error),
            }
        })
    }
}

/// STS's `ValidationError` (400), the error every malformed AssumeRole parameter gets.
///
/// NOTE: AWS's exact message wording is not reproduced; the message names the
/// parameter, the value and the constraint it breaks.
fn validation_error(parameter: &str, value: Option<&str>, constraint: &str) -> AwsError {
    let value = value.map_or_else(|| "null".to_owned(), |value| format!("{value:?}"));
    AwsError::sender(
        "ValidationError",
        400,
        format!("1 validation error detected: Value {value} at '{parameter}' failed to satisfy constraint: {constraint}"),
    )
}

/// Whether `text` uses only the characters IAM allows in role and session
/// names: letters, digits and `+=,.@_-`.
fn is_iam_name(text: &str) -> bool {
    text.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// Parses `arn:aws:iam::ACCOUNT:role/[PATH/]NAME`.
fn parse_role_arn(value: Option<&str>) -> AwsResult<AssumedRole> {
    let Some(text) = value else {
        return Err(validation_error("roleArn", None, "Member must not be null"));
    };
    if !ROLE_ARN_LENGTH.contains(&text.len()) {
        return Err(validation_error(
            "roleArn",
            Some(text),
            "Member must have a length between 20 and 2048 characters",
        ));
    }

    let invalid = |reason: &str| validation_error("roleArn", Some(text), &format!("Member must be an IAM role ARN: {reason}"));
    let arn: crate::arn::Arn = text.parse().map_err(|error: crate::arn::ArnError| invalid(error.reason))?;
    if arn.service != "iam" {
        return Err(invalid("the service must be iam"));
    }
    if !arn.region.is_empty() {
        return Err(invalid("an IAM ARN has no region"));
    }
    if arn.account_id.is_empty() {
        return Err(invalid("the account id is missing"));
    }
    let Some(path_and_name) = arn.resource.strip_prefix("role/") else {
        return Err(invalid("the resource must be role/NAME"));
    };
    let name = path_and_name.rsplit('/').next().unwrap_or(path_and_name);
    if name.is_empty() || name.len() > MAX_ROLE_NAME_LENGTH || !is_iam_name(name) {
        return Err(invalid("the role name must be 1 to 64 letters, digits or +=,.@_-"));
    }

    Ok(AssumedRole { account_id: arn.account_id.clone(), name: name.to_owned(), arn: text.to_owned() })
}

fn validate_session_name(value: Option<&str>) -> AwsResult<&str> {
    let Some(name) = value else {
        return Err(validation_error("roleSessionName", None, "Member must not be null"));
    };
    if !ROLE_SESSION_NAME_LENGTH.contains(&name.len()) {
        return Err(validation_error(
            "roleSessionName",
            Some(name),
            "Member must have a length between 2 and 64 characters",
        ));
    }
    if !is_iam_name(name) {
        return Err(validation_error(
            "roleSessionName",
            Some(name),
            "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        ));
    }
    Ok(name)
}

fn parse_duration(value: Option<&str>) -> AwsResult<i64> {
    let Some(text) = value else {
        return Ok(DEFAULT_DURATION_SECONDS);
    };
    let seconds: i64 = text
        .trim()
        .parse()
        .map_err(|_| validation_error("durationSeconds", Some(text), "Member must be a whole number of seconds"))?;
    if !(MIN_DURATION_SECONDS..=MAX_DURATION_SECONDS).contains(&seconds) {
        return Err(validation_error(
            "durationSeconds",
            Some(text),
            "Member must have a value between 900 and 43200",
        ));
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arn_parses_account_and_name() {
        let role = parse_role_arn(Some("arn:aws:iam::111111111111:role/crosscheck")).expect("valid role ARN");
        assert_eq!(role.account_id, "111111111111");
        assert_eq!(role.name, "crosscheck");
    }

    #[test]
    fn role_arn_with_path_keeps_last_segment() {
        let role = parse_role_arn(Some("arn:aws:iam::111111111111:role/team/ci/runner")).expect("valid role ARN");
        assert_eq!(role.name, "runner");
    }

    #[test]
    fn role_arn_rejects_other_shapes() {
        let cases = [
            "arn:aws:iam::111111111111:user/alice",
            "arn:aws:sqs::111111111111:role/crosscheck",
            "arn:aws:iam:us-east-1:111111111111:role/crosscheck",
            "arn:aws:iam::1111:role/crosscheck-role-name",
            "arn:aws:iam::111111111111:role/",
            "arn:aws:iam::111111111111:role/bad name",
            "not-an-arn-but-long-enough",
            "short",
        ];
        for case in cases {
            let error = parse_role_arn(Some(case)).expect_err(case);
            assert_eq!(error.code, "ValidationError", "{case}");
            assert_eq!(error.status, 400, "{case}");
        }
        assert!(parse_role_arn(None).is_err(), "a missing RoleArn is rejected");
    }

    #[test]
    fn session_name_rejects_bad_values() {
        assert_eq!(validate_session_name(Some("ci-run.1@x")), Ok("ci-run.1@x"));
        for case in ["a", "has space", "slash/", &"x".repeat(65)] {
            assert!(validate_session_name(Some(case)).is_err(), "{case:?}");
        }
        assert!(validate_session_name(None).is_err(), "a missing RoleSessionName is rejected");
    }

    #[test]
    fn duration_bounds_are_inclusive() {
        assert_eq!(parse_duration(None), Ok(DEFAULT_DURATION_SECONDS));
        assert_eq!(parse_duration(Some("900")), Ok(900));
        assert_eq!(parse_duration(Some("43200")), Ok(43_200));
        for case in ["899", "43201", "0", "-900", "ten"] {
            assert!(parse_duration(Some(case)).is_err(), "{case:?}");
        }
    }
}
