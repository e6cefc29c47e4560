//! AddPermission and RemovePermission: statements in the queue's `Policy` document.
//!
//! AddPermission adds one statement whose `Sid` is the label, granting the
//! listed accounts' roots `SQS:<ActionName>` on the queue; RemovePermission
//! removes the statement with that `Sid`. Actions that SQS never grants to
//! another account cannot be added
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html>,
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_RemovePermission.html>).

use std::sync::Arc;

use crate::arn::is_account_id;
use crate::error::AwsResult;
use crate::http::RequestContext;

use super::model::{AddPermissionInput, Empty, RemovePermissionInput};
use super::policy::{self, MAX_ACTIONS_PER_STATEMENT, MAX_STATEMENTS, QueuePolicy};
use super::queue::unix_seconds;
use super::{NOT_GRANTABLE_ACROSS_ACCOUNTS, Sqs, errors};

/// Action names AddPermission accepts; `*` stands for all of them. The
/// actions in [`NOT_GRANTABLE_ACROSS_ACCOUNTS`] are rejected before this list is read.
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
        // The SQS model documents OverLimit for AddPermission when "the maximum
        // number of permissions for the queue is reached"
        // (https://docs.aws.amazon.com/botocore/latest/reference/services/sqs/client/exceptions/OverLimit.html).
        // NOTE: the code for too many actions in one permission is not documented.
        if actions.len() > MAX_ACTIONS_PER_STATEMENT {
            return Err(errors::over_limit(format!(
                "{} actions were given, over the maximum of {MAX_ACTIONS_PER_STATEMENT} per permission.",
                actions.len()
            )));
        }

        let mut meta = queue.meta_mut();
        let mut document = match &meta.settings.policy {
            Some(current) => current.policy.clone(),
            None => policy::default_policy(&queue.arn),
        };
        if document.statements.iter().any(|statement| statement.sid.as_deref() == Some(label.as_str())) {
            return Err(errors::invalid_parameter("Label", &label, "Already exists"));
        }
        if document.statements.len() >= MAX_STATEMENTS {
            return Err(errors::over_limit(format!(
                "The queue policy already has {MAX_STATEMENTS} statements, the maximum."
            )));
        }
        document
            .statements
            .push(policy::permission_statement(&label, &account_ids, &actions, &queue.arn));

        meta.settings.policy = Some(Arc::new(QueuePolicy::from_policy(document)));
        meta.last_modified_timestamp = unix_seconds();
        Ok(Empty {})
    }

    pub(super) fn remove_permission(&self, context: &RequestContext, input: RemovePermissionInput) -> AwsResult<Empty> {
        let queue = self.resolve_queue(context, "RemovePermission", input.queue_url.as_deref())?;
        let label = input.label.ok_or_else(|| errors::missing_parameter("Label"))?;

        let mut meta = queue.meta_mut();
        let mut document = match &meta.settings.policy {
            Some(current) => current.policy.clone(),
            None => return Err(errors::invalid_parameter("Label", &label, "can't find label on existing policy")),
        };
        let before = document.statements.len();
        document.statements.retain(|statement| statement.sid.as_deref() != Some(label.as_str()));
        if document.statements.len() == before {
            return Err(errors::invalid_parameter("Label", &label, "can't find label on existing policy"));
        }

        // NOTE: removing the last statement removes the whole policy; whether
        // AWS keeps an empty document instead was not verified.
        meta.settings.policy = if document.statements.is_empty() {
            None
        } else {
            Some(Arc::new(QueuePolicy::from_policy(document)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_checked() {
        assert!(validate_label("grant-1_a").is_ok());
        assert!(validate_label("").is_err());
        assert!(validate_label("a b").is_err());
    }
}
