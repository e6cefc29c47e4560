//! The AWS Secrets Manager driver: the secret, secret value, version stage,
//! tagging and resource policy operations through `aws-sdk-secretsmanager`.
//!
//! Input and output members carry the names of the Secrets Manager API
//! reference (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Operations.html>),
//! including its upper-case `ARN` and `RotationLambdaARN`. `SecretBinary` is
//! base64 text in both directions. Timestamps are whole seconds since the
//! Unix epoch. Maps in outputs are sorted by key. Enumerations (`SortOrder`,
//! filter keys) are their API names; the SDK passes an unknown name through
//! unchanged, so scenarios can send invalid values on purpose.
//!
//! Resource addresses: `SecretId` is classified by
//! [`operations::resolve_secret_id`] with `arn::parse_secret_address`. A full
//! or partial secret ARN names the owning namespace, and a secret name acts
//! in the caller's own namespace.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::types::{
    ApiErrorType, Filter, FilterNameStringType, ReplicaRegionType, ReplicationStatusType, RotationRulesType,
    SecretListEntry, SecretValueEntry, SecretVersionsListEntry, SortByType, SortOrderType, Tag, ValidationErrorsEntry,
};
use serde_json::Value;

use self::operations::OPERATIONS;
use super::{Input, InputError, JsonObject, StatusRecorder, base64_text, empty, epoch_seconds, unlisted_operation};
use crate::outcome::Outcome;

mod operations;

/// Starts the JSON of a secret's metadata, the members DescribeSecret and a
/// ListSecrets entry share. The SDK has one type for each, with the same
/// field names, so this is a macro over both.
macro_rules! secret_metadata_json {
    ($secret:expr) => {
        arn_and_name($secret.arn, $secret.name)
            .member("Description", $secret.description)
            .member("KmsKeyId", $secret.kms_key_id)
            .member("RotationEnabled", $secret.rotation_enabled)
            .member("RotationLambdaARN", $secret.rotation_lambda_arn)
            .member("RotationRules", $secret.rotation_rules.map(rotation_rules_json))
            .member("LastRotatedDate", $secret.last_rotated_date.map(epoch_seconds))
            .member("LastChangedDate", $secret.last_changed_date.map(epoch_seconds))
            .member("LastAccessedDate", $secret.last_accessed_date.map(epoch_seconds))
            .member("DeletedDate", $secret.deleted_date.map(epoch_seconds))
            .member("NextRotationDate", $secret.next_rotation_date.map(epoch_seconds))
            .member("Tags", $secret.tags.map(tags_json))
            .member("OwningService", $secret.owning_service)
            .member("CreatedDate", $secret.created_date.map(epoch_seconds))
            .member("PrimaryRegion", $secret.primary_region)
    };
}

/// Calls Secrets Manager operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecretsManagerDriver;

sdk_driver!(
    SecretsManagerDriver,
    service: "secretsmanager",
    operations: OPERATIONS,
    sdk: aws_sdk_secretsmanager,
    call: call_operation
);

async fn call_operation(
    client: &Client,
    operation: &str,
    input: Input<'_>,
    recorder: &StatusRecorder,
) -> Result<Outcome, InputError> {
    let outcome = match operation {
        "BatchGetSecretValue" => send!(
            recorder,
            client.batch_get_secret_value(),
            input {
                set_secret_id_list: string_list("SecretIdList"),
                set_filters: filters("Filters"),
                set_max_results: int("MaxResults"),
                set_next_token: string("NextToken"),
            },
            |output| {
                let values: Option<Vec<Value>> =
                    output.secret_values.map(|values| values.into_iter().map(secret_value_json).collect());
                let errors: Option<Vec<Value>> =
                    output.errors.map(|errors| errors.into_iter().map(api_error_json).collect());
                JsonObject::new()
                    .member("SecretValues", values)
                    .member("NextToken", output.next_token)
                    .member("Errors", errors)
                    .build()
            }
        ),
        "CreateSecret" => send!(
            recorder,
            client.create_secret(),
            input {
                set_name: string("Name"),
                set_client_request_token: string("ClientRequestToken"),
                set_description: string("Description"),
                set_kms_key_id: string("KmsKeyId"),
                set_secret_binary: blob("SecretBinary"),
                set_secret_string: string("SecretString"),
                set_tags: tags("Tags"),
                set_add_replica_regions: replica_regions("AddReplicaRegions"),
                set_force_overwrite_replica_secret: boolean("ForceOverwriteReplicaSecret"),
                set_type: string("Type"),
            },
            |output| {
                arn_and_name(output.arn, output.name)
                    .member("VersionId", output.version_id)
                    .member("ReplicationStatus", output.replication_status.map(replication_json))
                    .build()
            }
        ),
        "DeleteResourcePolicy" => {
            send!(recorder, client.delete_resource_policy(), input { set_secret_id: string("SecretId") }, |output| {
                arn_and_name(output.arn, output.name).build()
            })
        }
        "DeleteSecret" => send!(
            recorder,
            client.delete_secret(),
            input {
                set_secret_id: string("SecretId"),
                set_recovery_window_in_days: long("RecoveryWindowInDays"),
                set_force_delete_without_recovery: boolean("ForceDeleteWithoutRecovery"),
            },
            |output| {
                arn_and_name(output.arn, output.name)
                    .member("DeletionDate", output.deletion_date.map(epoch_seconds))
                    .build()
            }
        ),
        "DescribeSecret" => {
            send!(recorder, client.describe_secret(), input { set_secret_id: string("SecretId") }, |output| {
                secret_metadata_json!(output)
                    .member("VersionIdsToStages", output.version_ids_to_stages.map(stages_json))
                    .member("ReplicationStatus", output.replication_status.map(replication_json))
                    .build()
            })
        }
        "GetRandomPassword" => send!(
            recorder,
            client.get_random_password(),
            input {
                set_password_length: long("PasswordLength"),
                set_exclude_characters: string("ExcludeCharacters"),
                set_exclude_numbers: boolean("ExcludeNumbers"),
                set_exclude_punctuation: boolean("ExcludePunctuation"),
                set_exclude_uppercase: boolean("ExcludeUppercase"),
                set_exclude_lowercase: boolean("ExcludeLowercase"),
                set_include_space: boolean("IncludeSpace"),
                set_require_each_included_type: boolean("RequireEachIncludedType"),
            },
            |output| JsonObject::new().member("RandomPassword", output.random_password).build()
        ),
        "GetResourcePolicy" => {
            send!(recorder, client.get_resource_policy(), input { set_secret_id: string("SecretId") }, |output| {
                arn_and_name(output.arn, output.name).member("ResourcePolicy", output.resource_policy).build()
            })
        }
        "GetSecretValue" => send!(
            recorder,
            client.get_secret_value(),
            input {
                set_secret_id: string("SecretId"),
                set_version_id: string("VersionId"),
                set_version_stage: string("VersionStage"),
            },
            |output| {
                arn_and_name(output.arn, output.name)
                    .member("VersionId", output.version_id)
                    .member("SecretBinary", output.secret_binary.map(base64_text))
                    .member("SecretString", output.secret_string)
                    .member("VersionStages", output.version_stages)
                    .member("CreatedDate", output.created_date.map(epoch_seconds))
                    .build()
            }
        ),
        "ListSecretVersionIds" => send!(
            recorder,
            client.list_secret_version_ids(),
            input {
                set_secret_id: string("SecretId"),
                set_max_results: int("MaxResults"),
                set_next_token: string("NextToken"),
                set_include_deprecated: boolean("IncludeDeprecated"),
            },
            |output| {
                let versions: Option<Vec<Value>> =
                    output.versions.map(|versions| versions.into_iter().map(version_json).collect());
                JsonObject::new()
                    .member("Versions", versions)
                    .member("NextToken", output.next_token)
                    .member("ARN", output.arn)
                    .member("Name", output.name)
                    .build()
            }
        ),
        "ListSecrets" => send!(
            recorder,
            client.list_secrets(),
            input {
                set_include_planned_deletion: boolean("IncludePlannedDeletion"),
                set_max_results: int("MaxResults"),
                set_next_token: string("NextToken"),
                set_filters: filters("Filters"),
                set_sort_order: sort_order("SortOrder"),
                set_sort_by: sort_by("SortBy"),
            },
            |output| {
                let secrets: Option<Vec<Value>> =
                    output.secret_list.map(|secrets| secrets.into_iter().map(secret_list_entry_json).collect());
                JsonObject::new().member("SecretList", secrets).member("NextToken", output.next_token).build()
            }
        ),
        "PutResourcePolicy" => send!(
            recorder,
            client.put_resource_policy(),
            input {
                set_secret_id: string("SecretId"),
                set_resource_policy: string("ResourcePolicy"),
                set_block_public_policy: boolean("BlockPublicPolicy"),
            },
            |output| arn_and_name(output.arn, output.name).build()
        ),
        "PutSecretValue" => send!(
            recorder,
            client.put_secret_value(),
            input {
                set_secret_id: string("SecretId"),
                set_client_request_token: string("ClientRequestToken"),
                set_secret_binary: blob("SecretBinary"),
                set_secret_string: string("SecretString"),
                set_version_stages: string_list("VersionStages"),
                set_rotation_token: string("RotationToken"),
            },
            |output| {
                arn_and_name(output.arn, output.name)
                    .member("VersionId", output.version_id)
                    .member("VersionStages", output.version_stages)
                    .build()
            }
        ),
        "RestoreSecret" => {
            send!(recorder, client.restore_secret(), input { set_secret_id: string("SecretId") }, |output| {
                arn_and_name(output.arn, output.name).build()
            })
        }
        "TagResource" => send!(
            recorder,
            client.tag_resource(),
            input { set_secret_id: string("SecretId"), set_tags: tags("Tags") },
            |_| empty()
        ),
        "UntagResource" => send!(
            recorder,
            client.untag_resource(),
            input { set_secret_id: string("SecretId"), set_tag_keys: string_list("TagKeys") },
            |_| empty()
        ),
        "UpdateSecret" => send!(
            recorder,
            client.update_secret(),
            input {
                set_secret_id: string("SecretId"),
                set_client_request_token: string("ClientRequestToken"),
                set_description: string("Description"),
                set_kms_key_id: string("KmsKeyId"),
                set_secret_binary: blob("SecretBinary"),
                set_secret_string: string("SecretString"),
                set_type: string("Type"),
            },
            |output| arn_and_name(output.arn, output.name).member("VersionId", output.version_id).build()
        ),
        "UpdateSecretVersionStage" => send!(
            recorder,
            client.update_secret_version_stage(),
            input {
                set_secret_id: string("SecretId"),
                set_version_stage: string("VersionStage"),
                set_remove_from_version_id: string("RemoveFromVersionId"),
                set_move_to_version_id: string("MoveToVersionId"),
            },
            |output| arn_and_name(output.arn, output.name).build()
        ),
        "ValidateResourcePolicy" => send!(
            recorder,
            client.validate_resource_policy(),
            input { set_secret_id: string("SecretId"), set_resource_policy: string("ResourcePolicy") },
            |output| {
                let errors: Option<Vec<Value>> =
                    output.validation_errors.map(|errors| errors.into_iter().map(validation_error_json).collect());
                JsonObject::new()
                    .required("PolicyValidationPassed", output.policy_validation_passed)
                    .member("ValidationErrors", errors)
                    .build()
            }
        ),
        other => return Err(unlisted_operation("Secrets Manager", other)),
    };
    Ok(outcome)
}

/// Reads the Secrets Manager structures of a step input into their SDK types.
trait SecretsManagerInput {
    fn tags(&self, member: &str) -> Result<Option<Vec<Tag>>, InputError>;
    fn filters(&self, member: &str) -> Result<Option<Vec<Filter>>, InputError>;
    fn replica_regions(&self, member: &str) -> Result<Option<Vec<ReplicaRegionType>>, InputError>;
    fn sort_order(&self, member: &str) -> Result<Option<SortOrderType>, InputError>;
    fn sort_by(&self, member: &str) -> Result<Option<SortByType>, InputError>;
}

impl SecretsManagerInput for Input<'_> {
    fn tags(&self, member: &str) -> Result<Option<Vec<Tag>>, InputError> {
        self.each_object(member, |tag| {
            Ok(Tag::builder().set_key(tag.string("Key")?).set_value(tag.string("Value")?).build())
        })
    }

    fn filters(&self, member: &str) -> Result<Option<Vec<Filter>>, InputError> {
        self.each_object(member, |filter| {
            let key = filter.string("Key")?.as_deref().map(FilterNameStringType::from);
            Ok(Filter::builder().set_key(key).set_values(filter.string_list("Values")?).build())
        })
    }

    fn replica_regions(&self, member: &str) -> Result<Option<Vec<ReplicaRegionType>>, InputError> {
        self.each_object(member, |replica| {
            Ok(ReplicaRegionType::builder()
                .set_region(replica.string("Region")?)
                .set_kms_key_id(replica.string("KmsKeyId")?)
                .build())
        })
    }

    fn sort_order(&self, member: &str) -> Result<Option<SortOrderType>, InputError> {
        Ok(self.string(member)?.as_deref().map(SortOrderType::from))
    }

    fn sort_by(&self, member: &str) -> Result<Option<SortByType>, InputError> {
        Ok(self.string(member)?.as_deref().map(SortByType::from))
    }
}

/// Starts an output with the `ARN` and `Name` most operations return.
fn arn_and_name(arn: Option<String>, name: Option<String>) -> JsonObject {
    JsonObject::new().member("ARN", arn).member("Name", name)
}

fn tags_json(tags: Vec<Tag>) -> Value {
    let rendered: Vec<Value> = tags
        .into_iter()
        .map(|tag| JsonObject::new().member("Key", tag.key).member("Value", tag.value).build())
        .collect();
    Value::Array(rendered)
}

/// Renders version ids to their stages, sorted by version id.
fn stages_json(stages: HashMap<String, Vec<String>>) -> Value {
    let sorted: BTreeMap<String, Vec<String>> = stages.into_iter().collect();
    Value::Object(sorted.into_iter().map(|(version_id, stages)| (version_id, Value::from(stages))).collect())
}

fn rotation_rules_json(rules: RotationRulesType) -> Value {
    JsonObject::new()
        .member("AutomaticallyAfterDays", rules.automatically_after_days)
        .member("Duration", rules.duration)
        .member("ScheduleExpression", rules.schedule_expression)
        .build()
}

fn replication_json(statuses: Vec<ReplicationStatusType>) -> Value {
    let rendered: Vec<Value> = statuses
        .into_iter()
        .map(|status| {
            JsonObject::new()
                .member("Region", status.region)
                .member("KmsKeyId", status.kms_key_id)
                .member("Status", status.status.map(|value| value.as_str().to_owned()))
                .member("StatusMessage", status.status_message)
                .member("LastAccessedDate", status.last_accessed_date.map(epoch_seconds))
                .build()
        })
        .collect();
    Value::Array(rendered)
}

fn secret_value_json(entry: SecretValueEntry) -> Value {
    arn_and_name(entry.arn, entry.name)
        .member("VersionId", entry.version_id)
        .member("SecretBinary", entry.secret_binary.map(base64_text))
        .member("SecretString", entry.secret_string)
        .member("VersionStages", entry.version_stages)
        .member("CreatedDate", entry.created_date.map(epoch_seconds))
        .build()
}

fn api_error_json(error: ApiErrorType) -> Value {
    JsonObject::new()
        .member("SecretId", error.secret_id)
        .member("ErrorCode", error.error_code)
        .member("Message", error.message)
        .build()
}

fn version_json(version: SecretVersionsListEntry) -> Value {
    JsonObject::new()
        .member("VersionId", version.version_id)
        .member("VersionStages", version.version_stages)
        .member("LastAccessedDate", version.last_accessed_date.map(epoch_seconds))
        .member("CreatedDate", version.created_date.map(epoch_seconds))
        .member("KmsKeyIds", version.kms_key_ids)
        .build()
}

fn secret_list_entry_json(entry: SecretListEntry) -> Value {
    secret_metadata_json!(entry)
        .member("SecretVersionsToStages", entry.secret_versions_to_stages.map(stages_json))
        .build()
}

fn validation_error_json(error: ValidationErrorsEntry) -> Value {
    JsonObject::new().member("CheckName", error.check_name).member("ErrorMessage", error.error_message).build()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::driver::operation_table_checks::{object, rendered_fits};

    #[test]
    fn filters_keep_unknown_keys() {
        let input = object(json!({ "Filters": [{ "Key": "name", "Values": ["db-"] }, { "Key": "bogus" }] }));
        let filters = Input::new(&input).filters("Filters").expect("valid").expect("present");
        assert_eq!(filters[0].key(), Some(&FilterNameStringType::Name));
        assert_eq!(filters[0].values(), ["db-"]);
        assert_eq!(filters[1].key().map(FilterNameStringType::as_str), Some("bogus"));
    }

    #[test]
    fn tag_with_wrong_type_names_path() {
        let input = object(json!({ "Tags": [{ "Key": "team", "Value": ["x"] }] }));
        let error = Input::new(&input).tags("Tags").expect_err("Value is a list");
        assert_eq!(error.path, "Tags[0].Value");
    }

    #[test]
    fn rendered_secret_value_fits_output() {
        let entry = SecretValueEntry::builder()
            .arn("arn:aws:secretsmanager:ap-south-1:111111111111:secret:db-AbCdEf")
            .name("db")
            .version_id("v1")
            .secret_binary(aws_smithy_types::Blob::new(b"hello".to_vec()))
            .version_stages("AWSCURRENT")
            .created_date(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .build();
        let rendered = secret_value_json(entry);
        assert_eq!(rendered["SecretBinary"], json!("aGVsbG8="));
        assert_eq!(rendered["CreatedDate"], json!(1_700_000_000_i64));
        let response = JsonObject::new().required("SecretValues", vec![rendered]).build();
        rendered_fits(OPERATIONS, "BatchGetSecretValue", &response);
    }

    #[test]
    fn rendered_list_entry_sorts_versions() {
        let entry = SecretListEntry::builder()
            .name("db")
            .secret_versions_to_stages("v2", vec!["AWSCURRENT".to_owned()])
            .secret_versions_to_stages("v1", vec!["AWSPREVIOUS".to_owned()])
            .tags(Tag::builder().key("team").value("x").build())
            .build();
        let rendered = secret_list_entry_json(entry);
        let versions: Vec<&String> = rendered["SecretVersionsToStages"].as_object().expect("a map").keys().collect();
        assert_eq!(versions, ["v1", "v2"]);
        let response = JsonObject::new().required("SecretList", vec![rendered]).build();
        rendered_fits(OPERATIONS, "ListSecrets", &response);
    }
}
