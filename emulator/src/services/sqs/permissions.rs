//! AddPermission and RemovePermission: statements in the queue's `Policy` document.
//!
//! AddPermission adds one statement whose `Sid` is the label, granting the
//! listed accounts' roots `SQS:<ActionName>` on the queue; RemovePermission
//! removes the statement with that `Sid`. Actions that SQS never grants to
//! another account cannot be added
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html>,
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_RemovePermission.html>).

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::arn::is_account_id;
use crate::error::AwsResult;
use crate::http::RequestContext;

use super::model::{AddPermissionInput, Empty, RemovePermissionInput};
use super::queue::unix_seconds;
use super::{NOT_GRANTABLE_ACROSS_ACCOUNTS, Sqs, errors};

/// Action names AddPermission accepts; `*` stands for all of them.
const GRANTABLE_ACTIONS: &[&str] = &[
    "*",
    "SendMessage",
    "ReceiveMessage",
    "DeleteMessage",
    "ChangeMessageVisibility",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "PurgeQueue",
    "StartMessageMoveTask",
    "CancelMessageMoveTask",
    "ListMessageMoveTasks",
];

impl Sqs {
    pub(super) fn add_permission(&self, context: &RequestContext, input: AddPermissionInput) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "AddPermission", input.queue_url.as_deref())?;
        let label = input.label.ok_or_else(|| errors::missing_parameter("Label"))?;
        validate_label(&label)?;

        let account_ids = input.aws_account_ids.unwrap_or_default();
        if account_ids.is_empty() {
            return Err(errors::missing_parameter("AWSAccountIds"));
        }
        for account_id in &account_ids {
            if !is_account_id(account_id) {
                return Err(errors::invalid_parameter("AWSAccountId", account_id, "An account id must be 12 digits"));
            }
        }

        let actions = input.actions.unwrap_or_default();
        if actions.is_empty() {
            return Err(errors::missing_parameter("Actions"));
        }
        for action in &actions {
            if NOT_GRANTABLE_ACROSS_ACCOUNTS.contains(&action.as_str()) {
                return Err(errors::invalid_parameter(
                    "ActionName",
                    &format!("SQS:{action}"),
                    "Only the queue owner is allowed to invoke this action",
                ));
            }
            if !GRANTABLE_ACTIONS.contains(&action.as_str()) {
                return Err(errors::invalid_parameter(
                    "ActionName",
                    &format!("SQS:{action}"),
                    "The action is not an SQS action that can be granted",
                ));
            }
        }

        let principals: Vec<String> = account_ids.iter().map(|id| format!("arn:aws:iam::{id}:root")).collect();
        let actions: Vec<String> = actions.iter().map(|action| format!("SQS:{action}")).collect();
        let statement = json!({
            "Sid": label,
            "Effect": "Allow",
            "Principal": { "AWS": one_or_many(principals) },
            "Action": one_or_many(actions),
            "Resource": queue.arn,
        });

        let mut meta = queue.meta_mut();
        let mut document = policy_document(meta.settings.policy.as_deref(), &queue.arn);
        let statements = statements_mut(&mut document);
        if statements.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(label.as_str())) {
            return Err(errors::invalid_parameter("Label", &label, "Already exists"));
        }
        statements.push(statement);

        meta.settings.policy = Some(Arc::from(Value::Object(document).to_string()));
        meta.last_modified_timestamp = unix_seconds();
        Ok(Empty {})
    }

    pub(super) fn remove_permission(&self, context: &RequestContext, input: RemovePermissionInput) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "RemovePermission", input.queue_url.as_deref())?;
        let label = input.label.ok_or_else(|| errors::missing_parameter("Label"))?;

        let mut meta = queue.meta_mut();
        let mut document = policy_document(meta.settings.policy.as_deref(), &queue.arn);
        let statements = statements_mut(&mut document);
        let before = statements.len();
        statements.retain(|s| s.get("Sid").and_then(Value::as_str) != Some(label.as_str()));
        if statements.len() == before {
            return Err(errors::invalid_parameter("Label", &label, "can't find label on existing policy"));
        }

        // NOTE: removing the last statement removes the whole policy; whether
        // AWS keeps an empty document instead was not verified.
        meta.settings.policy = if statements.is_empty() {
            None
        } else {
            Some(Arc::from(Value::Object(document).to_string()))
        };
        meta.last_modified_timestamp = unix_seconds();
        Ok(Empty {})
    }
}

/// Validates a permission label: 1 to 80 characters from `A-Za-z0-9-_`.
fn validate_label(label: &str) -> AwsResult<()> {
    let valid = !label.is_empty()
        && label.len() <= 80
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(errors::invalid_parameter(
            "Label",
            label,
            "A label can only include alphanumeric characters, hyphens, or underscores, 1 to 80 in length",
        ))
    }
}

/// Parses the queue's policy, or starts the document AWS creates for a queue without one.
fn policy_document(policy: Option<&str>, queue_arn: &str) -> Map<String, Value> {
    if let Some(Ok(Value::Object(document))) = policy.map(serde_json::from_str::<Value>) {
        return document;
    }
    let mut document = Map::new();
    document.insert("Version".to_owned(), json!("2012-10-17"));
    document.insert("Id".to_owned(), json!(format!("{queue_arn}/SQSDefaultPolicy")));
    document
}

/// Returns the document's `Statement` list, turning a single statement into a list.
fn statements_mut(document: &mut Map<String, Value>) -> &mut Vec<Value> {
    let statement = document.entry("Statement").or_insert_with(|| Value::Array(Vec::new()));
    if !statement.is_array() {
        let single = statement.take();
        *statement = Value::Array(if single.is_null() { Vec::new() } else { vec![single] });
    }
    match statement {
        Value::Array(statements) => statements,
        _ => unreachable!("the statement was made an array above"),
    }
}

/// Builds a policy value: a single string, or a list of several.
fn one_or_many(mut values: Vec<String>) -> Value {
    if values.len() == 1 {
        Value::String(values.remove(0))
    } else {
        Value::Array(values.into_iter().map(Value::String).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_statement_becomes_list() {
        let mut document = policy_document(Some(r#"{"Statement":{"Sid":"a"}}"#), "arn:aws:sqs:us-east-1:111111111111:q");
        let statements = statements_mut(&mut document);
        assert_eq!(statements.len(), 1);
        assert_eq!(statements[0]["Sid"], "a");
    }

    #[test]
    fn new_document_has_version_and_id() {
        let document = policy_document(None, "arn:aws:sqs:us-east-1:111111111111:q");
        assert_eq!(document["Version"], "2012-10-17");
        assert_eq!(document["Id"], "arn:aws:sqs:us-east-1:111111111111:q/SQSDefaultPolicy");
    }

    #[test]
    fn labels_are_checked() {
        assert!(validate_label("grant-1_a").is_ok());
        assert!(validate_label("").is_err());
        assert!(validate_label("a b").is_err());
    }
}
