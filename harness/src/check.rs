//! Checks an outcome against a step's expectation.
//!
//! Each check returns the differences it finds as sentences that state what
//! was expected and what was found, with the response path where they differ:
//!
//! - the class: `expected not-found, found ok`;
//! - the exact code, through [`crate::outcome::codes_match`];
//! - the response subset: maps match when every expected member is present
//!   and matches; lists match element by element and must have the same
//!   length; scalars match when equal, or when one is a string and the other
//!   a number or boolean with the same text (`60` and `"60"`);
//! - an expected map or list matches a string that contains a JSON document
//!   matching it, such as the SNS envelope in an SQS message body;
//! - an expected empty list or map also matches a member that is absent,
//!   because AWS leaves empty lists out of responses and the SDKs then
//!   report no value (`Messages: []` matches a ReceiveMessage that returned
//!   nothing).

use serde_json::Value;

use crate::outcome::{Outcome, OutcomeClass, codes_match};
use crate::scenario::template::{self, Variables};
use crate::scenario::{ErrorMatcher, Expectation, ExpectedOutcome};

/// Returns every way `outcome` departs from `expectation`; a set-up step
/// (`None`) must succeed. `variables` fill `${variable}` in the expected response.
pub fn check_outcome(expectation: Option<&Expectation>, outcome: &Outcome, variables: &Variables) -> Vec<String> {
    let Some(expectation) = expectation else {
        return check_setup(outcome);
    };

    match &expectation.outcome {
        ExpectedOutcome::Ok(subset) => {
            if outcome.class != OutcomeClass::Ok {
                return vec![format!("expected ok, found {}{}", outcome.summary(), message_suffix(outcome))];
            }
            match subset {
                Some(subset) => check_subset(subset, &outcome.response, variables),
                None => Vec::new(),
            }
        }
        ExpectedOutcome::Error(matcher) => check_error(matcher, outcome),
    }
}

fn check_setup(outcome: &Outcome) -> Vec<String> {
    if outcome.class == OutcomeClass::Ok {
        return Vec::new();
    }
    vec![format!("this set-up step (no `expect`) must succeed, found {}{}", outcome.summary(), message_suffix(outcome))]
}

fn check_error(matcher: &ErrorMatcher, outcome: &Outcome) -> Vec<String> {
    if outcome.class == OutcomeClass::Ok {
        return vec![format!("expected {matcher}, found ok")];
    }

    let matches = match matcher {
        ErrorMatcher::Any => true,
        ErrorMatcher::Class(class) => outcome.class == *class,
        ErrorMatcher::Code(code) => outcome.code.as_deref().is_some_and(|observed| codes_match(code, observed)),
    };
    if matches {
        return Vec::new();
    }
    vec![format!("expected {matcher}, found {}{}", outcome.summary(), message_suffix(outcome))]
}

fn check_subset(subset: &Value, response: &Value, variables: &Variables) -> Vec<String> {
    match template::substitute(subset, variables) {
        Ok(expected) => {
            let mut differences = Vec::new();
            compare(&expected, response, "", &mut differences);
            differences
        }
        Err(name) => vec![format!(
            "the expected response uses ${{{name}}}, which has no value because the step that captures it failed"
        )],
    }
}

/// Compares `expected` with `found` at `path`, adding each difference.
pub fn compare(expected: &Value, found: &Value, path: &str, differences: &mut Vec<String>) {
    let at = |path: &str| if path.is_empty() { "the response".to_owned() } else { path.to_owned() };

    match (expected, found) {
        (Value::Object(expected_members), Value::Object(found_members)) => {
            for (member, expected_value) in expected_members {
                let member_path = if path.is_empty() { member.clone() } else { format!("{path}.{member}") };
                match found_members.get(member) {
                    Some(found_value) if !(found_value.is_null() && is_empty_collection(expected_value)) => {
                        compare(expected_value, found_value, &member_path, differences);
                    }
                    Some(_) => {}
                    None if is_empty_collection(expected_value) => {}
                    None => differences
                        .push(format!("{member_path}: expected {}, found no such member", render(expected_value))),
                }
            }
        }
        (Value::Array(expected_items), Value::Array(found_items)) => {
            if expected_items.len() != found_items.len() {
                differences.push(format!(
                    "{}: expected {} item(s), found {}: {}",
                    at(path),
                    expected_items.len(),
                    found_items.len(),
                    render(found)
                ));
                return;
            }
            for (index, (expected_item, found_item)) in expected_items.iter().zip(found_items).enumerate() {
                compare(expected_item, found_item, &format!("{path}[{index}]"), differences);
            }
        }
        (Value::Object(_) | Value::Array(_), Value::String(text)) => match serde_json::from_str::<Value>(text) {
            Ok(document) => compare(expected, &document, path, differences),
            Err(error) => differences.push(format!(
                "{}: expected a JSON document matching {}, found {} ({error})",
                at(path),
                render(expected),
                render(found)
            )),
        },
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => {
            differences.push(format!("{}: expected {}, found {}", at(path), render(expected), render(found)));
        }
        (expected_scalar, found_scalar) => {
            if !scalars_match(expected_scalar, found_scalar) {
                differences.push(format!("{}: expected {}, found {}", at(path), render(expected), render(found)));
            }
        }
    }
}

fn is_empty_collection(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
        _ => false,
    }
}

fn scalars_match(expected: &Value, found: &Value) -> bool {
    if expected == found {
        return true;
    }
    match (expected, found) {
        (Value::String(text), Value::Number(_) | Value::Bool(_)) => text.as_str() == found.to_string().as_str(),
        (Value::Number(_) | Value::Bool(_), Value::String(text)) => text.as_str() == expected.to_string().as_str(),
        // 1.0 and 1 are the same number.
        (Value::Number(a), Value::Number(b)) => a.as_f64().is_some_and(|a| Some(a) == b.as_f64()),
        _ => false,
    }
}

fn render(value: &Value) -> String {
    const LIMIT: usize = 300;
    let text = value.to_string();
    if text.len() <= LIMIT {
        return text;
    }
    let mut end = LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn message_suffix(outcome: &Outcome) -> String {
    match &outcome.message {
        Some(message) if !message.is_empty() => format!(" ({message})"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expect(outcome: ExpectedOutcome) -> Expectation {
        Expectation { outcome, source: None, unverified: false }
    }

    fn not_found() -> Outcome {
        Outcome::service_error(Some("AWS.SimpleQueueService.NonExistentQueue".to_owned()), Some(400), None)
    }

    #[test]
    fn subset_ignores_extra_members() {
        let expectation = expect(ExpectedOutcome::Ok(Some(json!({ "Attributes": { "VisibilityTimeout": "60" } }))));
        let outcome =
            Outcome::ok(Some(200), json!({ "Attributes": { "VisibilityTimeout": "60", "DelaySeconds": "0" } }));
        assert_eq!(check_outcome(Some(&expectation), &outcome, &Variables::new()), Vec::<String>::new());
    }

    #[test]
    fn subset_reports_path_expected_and_found() {
        let expectation = expect(ExpectedOutcome::Ok(Some(json!({ "Attributes": { "VisibilityTimeout": "60" } }))));
        let outcome = Outcome::ok(Some(200), json!({ "Attributes": { "VisibilityTimeout": "30" } }));
        assert_eq!(
            check_outcome(Some(&expectation), &outcome, &Variables::new()),
            vec!["Attributes.VisibilityTimeout: expected \"60\", found \"30\"".to_owned()]
        );
    }

    #[test]
    fn subset_matches_json_document_in_string() {
        let envelope =
            r#"{"Type":"Notification","Message":"order 42","TopicArn":"arn:aws:sns:ap-south-1:111111111111:t"}"#;
        let found = json!({ "Messages": [{ "Body": envelope }] });

        let mut matching = Vec::new();
        compare(
            &json!({ "Messages": [{ "Body": { "Type": "Notification", "Message": "order 42" } }] }),
            &found,
            "",
            &mut matching,
        );
        assert_eq!(matching, Vec::<String>::new());

        let mut differing = Vec::new();
        compare(&json!({ "Messages": [{ "Body": { "Message": "order 43" } }] }), &found, "", &mut differing);
        assert_eq!(differing, vec!["Messages[0].Body.Message: expected \"order 43\", found \"order 42\"".to_owned()]);
    }

    #[test]
    fn subset_reports_string_that_is_not_json() {
        let mut differences = Vec::new();
        compare(&json!({ "Body": { "Type": "Notification" } }), &json!({ "Body": "plain text" }), "", &mut differences);
        assert_eq!(differences.len(), 1, "{differences:?}");
        assert!(differences[0].starts_with("Body: expected a JSON document matching"), "{differences:?}");
    }

    #[test]
    fn subset_lists_need_same_length() {
        let mut differences = Vec::new();
        compare(&json!({ "Messages": [{ "Body": "a" }] }), &json!({ "Messages": [] }), "", &mut differences);
        assert_eq!(differences, vec!["Messages: expected 1 item(s), found 0: []".to_owned()]);
    }

    #[test]
    fn subset_reports_missing_member() {
        let mut differences = Vec::new();
        compare(&json!({ "QueueUrl": "u" }), &json!({}), "", &mut differences);
        assert_eq!(differences, vec!["QueueUrl: expected \"u\", found no such member".to_owned()]);
    }

    #[test]
    fn empty_collection_matches_absent_member() {
        let mut differences = Vec::new();
        compare(&json!({ "Messages": [], "Tags": {} }), &json!({ "Other": 1 }), "", &mut differences);
        assert!(differences.is_empty(), "{differences:?}");
        compare(&json!({ "Messages": [] }), &json!({ "Messages": [{ "Body": "a" }] }), "", &mut differences);
        assert_eq!(differences, vec!["Messages: expected 0 item(s), found 1: [{\"Body\":\"a\"}]".to_owned()]);
    }

    #[test]
    fn scalars_match_by_text() {
        let mut differences = Vec::new();
        compare(
            &json!({ "N": 60, "S": "7", "B": "true" }),
            &json!({ "N": "60", "S": 7, "B": true }),
            "",
            &mut differences,
        );
        assert!(differences.is_empty(), "{differences:?}");
    }

    #[test]
    fn subset_substitutes_variables() {
        let mut variables = Variables::new();
        variables.insert("url".to_owned(), json!("http://q"));
        let expectation = expect(ExpectedOutcome::Ok(Some(json!({ "QueueUrl": "${url}" }))));
        let outcome = Outcome::ok(Some(200), json!({ "QueueUrl": "http://q" }));
        assert!(check_outcome(Some(&expectation), &outcome, &variables).is_empty());
    }

    #[test]
    fn error_class_and_code_match() {
        let by_class = expect(ExpectedOutcome::Error(ErrorMatcher::Class(OutcomeClass::NotFound)));
        let by_code = expect(ExpectedOutcome::Error(ErrorMatcher::Code("QueueDoesNotExist".to_owned())));
        let any = expect(ExpectedOutcome::Error(ErrorMatcher::Any));
        for expectation in [by_class, by_code, any] {
            assert!(check_outcome(Some(&expectation), &not_found(), &Variables::new()).is_empty(), "{expectation:?}");
        }
    }

    #[test]
    fn error_expected_but_ok_found() {
        let expectation = expect(ExpectedOutcome::Error(ErrorMatcher::Class(OutcomeClass::Denied)));
        let outcome = Outcome::ok(Some(200), json!({}));
        assert_eq!(
            check_outcome(Some(&expectation), &outcome, &Variables::new()),
            vec!["expected denied, found ok".to_owned()]
        );
    }

    #[test]
    fn wrong_error_class_is_reported() {
        let expectation = expect(ExpectedOutcome::Error(ErrorMatcher::Class(OutcomeClass::Denied)));
        assert_eq!(
            check_outcome(Some(&expectation), &not_found(), &Variables::new()),
            vec!["expected denied, found not-found: AWS.SimpleQueueService.NonExistentQueue (400)".to_owned()]
        );
    }

    #[test]
    fn setup_step_must_succeed() {
        let differences = check_outcome(None, &not_found(), &Variables::new());
        assert_eq!(differences.len(), 1);
        assert!(differences[0].starts_with("this set-up step"), "{differences:?}");
        assert!(check_outcome(None, &Outcome::ok(Some(200), json!({})), &Variables::new()).is_empty());
    }
}
