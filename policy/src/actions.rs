//! Action universes: the IAM actions a service defines, for expanding
//! wildcards such as `sqs:*` or `NotAction` into the actions they cover.
//!
//! The built-in SQS universe lists the IAM actions that the SQS API
//! permissions reference names for the API operations
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html>).
//! The batch operations have no actions of their own: they are authorized by
//! the action of the single-message operation, which
//! [`sqs_action_for_operation`] returns.

use crate::document::ActionClause;
use crate::wildcard;

/// The IAM actions of Amazon SQS, without the `sqs:` prefix.
pub const SQS_ACTIONS: [&str; 20] = [
    "AddPermission",
    "CancelMessageMoveTask",
    "ChangeMessageVisibility",
    "CreateQueue",
    "DeleteMessage",
    "DeleteQueue",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "ListMessageMoveTasks",
    "ListQueueTags",
    "ListQueues",
    "PurgeQueue",
    "ReceiveMessage",
    "RemovePermission",
    "SendMessage",
    "SetQueueAttributes",
    "StartMessageMoveTask",
    "TagQueue",
    "UntagQueue",
];

/// Returns the IAM action that authorizes an SQS API operation, such as
/// `sqs:SendMessage` for `SendMessageBatch`, or `None` for an unknown operation.
pub fn sqs_action_for_operation(operation: &str) -> Option<String> {
    let action = match operation {
        "SendMessageBatch" => "SendMessage",
        "DeleteMessageBatch" => "DeleteMessage",
        "ChangeMessageVisibilityBatch" => "ChangeMessageVisibility",
        other => SQS_ACTIONS.into_iter().find(|action| *action == other)?,
    };
    Some(format!("sqs:{action}"))
}

/// The actions of one service, with their prefix (`sqs:SendMessage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionUniverse {
    service: String,
    actions: Vec<String>,
}

impl ActionUniverse {
    /// A universe of `actions` (names without prefix) under `service` (such as `sqs`).
    pub fn new(
        service: impl Into<String>,
        actions: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> ActionUniverse {
        let service = service.into();
        let actions = actions
            .into_iter()
            .map(|action| format!("{service}:{}", action.as_ref()))
            .collect();
        ActionUniverse { service, actions }
    }

    /// The built-in universe of Amazon SQS actions.
    pub fn sqs() -> ActionUniverse {
        ActionUniverse::new("sqs", SQS_ACTIONS)
    }

    /// Returns the built-in universe for a service prefix, matched
    /// case-insensitively; only `sqs` is built in so far.
    pub fn builtin(service: &str) -> Option<ActionUniverse> {
        service
            .eq_ignore_ascii_case("sqs")
            .then(ActionUniverse::sqs)
    }

    /// The service prefix.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Every action, prefixed.
    pub fn actions(&self) -> &[String] {
        &self.actions
    }

    /// Returns the actions of this universe that an `Action` or `NotAction`
    /// element covers, in universe order.
    pub fn expand(&self, clause: &ActionClause) -> Vec<String> {
        self.actions
            .iter()
            .filter(|action| {
                let any_match = clause
                    .patterns()
                    .iter()
                    .any(|pattern| wildcard::action_matches(pattern, action));
                any_match != clause.is_negated()
            })
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_applies_wildcards_and_negation() {
        let universe = ActionUniverse::sqs();
        let sends = universe.expand(&ActionClause::Action(vec!["SQS:Send*".into()]));
        assert_eq!(sends, ["sqs:SendMessage"], "Send* in another case");

        let all_but_deletes = universe.expand(&ActionClause::NotAction(vec!["sqs:Delete*".into()]));
        assert_eq!(
            all_but_deletes.len(),
            18,
            "NotAction removes DeleteMessage and DeleteQueue"
        );
    }

    #[test]
    fn batch_operations_use_single_actions() {
        assert_eq!(
            sqs_action_for_operation("SendMessageBatch").as_deref(),
            Some("sqs:SendMessage")
        );
        assert_eq!(
            sqs_action_for_operation("GetQueueUrl").as_deref(),
            Some("sqs:GetQueueUrl")
        );
        assert_eq!(sqs_action_for_operation("Publish"), None);
    }
}
