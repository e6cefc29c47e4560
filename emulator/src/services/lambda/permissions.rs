//! Function and layer version policies: AddPermission, RemovePermission,
//! GetPolicy and their layer counterparts
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html>,
//! <https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html>).
//!
//! Each qualifier of a function has its own policy: a statement added with
//! `Qualifier=live` names the alias ARN as its resource and applies only to
//! calls that address the function through that alias.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::layers::layer_name;
use super::model::StatementSet;
use super::{Lambda, LambdaRequest, Operation, empty_response, errors, json_response};
use crate::arn::{format_layer_arn, is_account_id};
use crate::error::AwsResult;
use crate::http::HttpResponse;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AddPermissionInput {
    statement_id: Option<String>,
    action: Option<String>,
    principal: Option<String>,
    source_arn: Option<String>,
    source_account: Option<String>,
    #[serde(rename = "PrincipalOrgID")]
    principal_org_id: Option<String>,
    revision_id: Option<String>,
}

fn check_statement_id(statement_id: &str) -> AwsResult<()> {
    let valid = (1..=100).contains(&statement_id.len())
        && statement_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(errors::validation(
            "statementId",
            statement_id,
            "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
        ))
    }
}

/// Converts the `Principal` member to a policy principal: an account id or
/// account ARN becomes the account's root ARN, a service name a `Service` principal.
fn principal_json(principal: &str) -> AwsResult<Value> {
    if principal == "*" {
        return Ok(json!("*"));
    }
    if is_account_id(principal) {
        return Ok(json!({ "AWS": format!("arn:aws:iam::{principal}:root") }));
    }
    if principal.starts_with("arn:aws:iam::") {
        return Ok(json!({ "AWS": principal }));
    }
    if principal.ends_with(".amazonaws.com") {
        return Ok(json!({ "Service": principal }));
    }
    Err(errors::invalid_parameter(format!(
        "The provided principal was invalid: {principal}. Use an account id, an IAM ARN, a service principal such as s3.amazonaws.com, or *."
    )))
}

fn new_revision() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn add_permission(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: AddPermissionInput = request.input()?;
    let statement_id =
        input.statement_id.ok_or_else(|| errors::validation("statementId", "null", "Member must not be null"))?;
    check_statement_id(&statement_id)?;
    let action = input.action.ok_or_else(|| errors::validation("action", "null", "Member must not be null"))?;
    if !action.starts_with("lambda:") {
        return Err(errors::validation(
            "action",
            &action,
            "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])",
        ));
    }
    let principal = principal_json(
        input.principal.as_deref().ok_or_else(|| errors::validation("principal", "null", "Member must not be null"))?,
    )?;

    let statement = lambda.with_function(request, |target, function| {
        if let Some(qualifier) = &target.qualifier
            && !function.has_qualifier(qualifier)
        {
            return Err(errors::function_not_found(&target.resource_arn()));
        }
        let key = target.qualifier.clone().unwrap_or_default();
        let policy = function.policies.entry(key).or_insert_with(|| StatementSet { statements: Vec::new(), revision_id: new_revision() });
        if let Some(given) = &input.revision_id
            && *given != policy.revision_id
        {
            return Err(errors::precondition_failed(given));
        }
        if policy.sid_exists(&statement_id) {
            return Err(errors::conflict(format!(
                "The statement id ({statement_id}) provided already exists. Please provide a new statement id, or remove the existing statement."
            )));
        }
        let mut condition = serde_json::Map::new();
        if let Some(account) = &input.source_account {
            condition.insert("StringEquals".to_owned(), json!({ "AWS:SourceAccount": account }));
        }
        if let Some(source_arn) = &input.source_arn {
            condition.insert("ArnLike".to_owned(), json!({ "AWS:SourceArn": source_arn }));
        }
        if let Some(organization) = &input.principal_org_id {
            condition.insert("StringEquals".to_owned(), json!({ "aws:PrincipalOrgID": organization }));
        }
        let mut statement = json!({
            "Sid": statement_id,
            "Effect": "Allow",
            "Principal": principal,
            "Action": action,
            "Resource": target.resource_arn(),
        });
        if !condition.is_empty() {
            statement["Condition"] = Value::Object(condition);
        }
        policy.statements.push(statement.clone());
        policy.revision_id = new_revision();
        Ok(statement)
    })?;
    Ok(json_response(StatusCode::CREATED, &json!({ "Statement": statement.to_string() }), &request.context.request_id))
}

pub fn get_policy(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let body = lambda.with_function(request, |target, function| {
        let key = target.qualifier.clone().unwrap_or_default();
        match function.policies.get(&key).filter(|policy| !policy.statements.is_empty()) {
            Some(policy) => Ok(json!({ "Policy": policy.document(), "RevisionId": policy.revision_id })),
            None => Err(errors::not_found(format!(
                "The resource you requested does not exist. (no policy on {})",
                target.resource_arn()
            ))),
        }
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn remove_permission(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let statement_id = request.labels[1].clone();
    let revision = request.param("RevisionId").map(str::to_owned);
    lambda.with_function(request, |target, function| {
        let key = target.qualifier.clone().unwrap_or_default();
        remove_statement(function.policies.get_mut(&key), &statement_id, revision.as_deref())
    })?;
    Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id))
}

fn remove_statement(policy: Option<&mut StatementSet>, statement_id: &str, revision: Option<&str>) -> AwsResult<()> {
    let Some(policy) = policy.filter(|policy| policy.sid_exists(statement_id)) else {
        return Err(errors::not_found(format!("Statement {statement_id} is not found in resource policy.")));
    };
    if let Some(given) = revision
        && given != policy.revision_id
    {
        return Err(errors::precondition_failed(given));
    }
    policy.statements.retain(|statement| statement["Sid"] != statement_id);
    policy.revision_id = new_revision();
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AddLayerVersionPermissionInput {
    statement_id: Option<String>,
    action: Option<String>,
    principal: Option<String>,
    organization_id: Option<String>,
    revision_id: Option<String>,
}

pub fn add_layer_version_permission(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: AddLayerVersionPermissionInput = request.input()?;
    let (namespace, name) = layer_name(request, &request.labels[0])?;
    let version = request.labels[1]
        .parse::<u64>()
        .map_err(|_| errors::validation("versionNumber", &request.labels[1], "Member must be a whole number"))?;
    let statement_id =
        input.statement_id.ok_or_else(|| errors::validation("statementId", "null", "Member must not be null"))?;
    check_statement_id(&statement_id)?;

    let action = input.action.unwrap_or_default();
    if action != "lambda:GetLayerVersion" {
        return Err(errors::validation(
            "action",
            &action,
            "Member must satisfy regular expression pattern: lambda:GetLayerVersion",
        ));
    }
    let principal = input.principal.unwrap_or_default();
    if principal != "*" && !is_account_id(&principal) {
        return Err(errors::validation(
            "principal",
            &principal,
            "Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root",
        ));
    }
    if input.organization_id.is_some() && principal != "*" {
        return Err(errors::invalid_parameter("OrganizationId can be set only when Principal is *.".to_owned()));
    }
    let arn = format_layer_arn(&namespace, &name, Some(version));
    let statement = lambda.with_layer_version(request, Operation::AddLayerVersionPermission, &namespace, &name, version, |layer| {
        let policy = layer.policies.entry(version).or_insert_with(|| StatementSet { statements: Vec::new(), revision_id: new_revision() });
        if let Some(given) = &input.revision_id
            && *given != policy.revision_id
        {
            return Err(errors::precondition_failed(given));
        }
        if policy.sid_exists(&statement_id) {
            return Err(errors::conflict(format!("The statement id ({statement_id}) provided already exists. Please provide a new statement id, or remove the existing statement.")));
        }
        let principal_value = if principal == "*" { json!("*") } else { json!({ "AWS": format!("arn:aws:iam::{principal}:root") }) };
        let mut statement = json!({
            "Sid": statement_id,
            "Effect": "Allow",
            "Principal": principal_value,
            "Action": action,
            "Resource": arn,
        });
        if let Some(organization) = &input.organization_id {
            statement["Condition"] = json!({ "StringEquals": { "aws:PrincipalOrgID": organization } });
        }
        policy.statements.push(statement.clone());
        policy.revision_id = new_revision();
        Ok((statement, policy.revision_id.clone()))
    })?;
    let body = json!({ "Statement": statement.0.to_string(), "RevisionId": statement.1 });
    Ok(json_response(StatusCode::CREATED, &body, &request.context.request_id))
}

pub fn get_layer_version_policy(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let (namespace, name) = layer_name(request, &request.labels[0])?;
    let version = request.labels[1]
        .parse::<u64>()
        .map_err(|_| errors::validation("versionNumber", &request.labels[1], "Member must be a whole number"))?;
    let body =
        lambda.with_layer_version(request, Operation::GetLayerVersionPolicy, &namespace, &name, version, |layer| {
            match layer.policies.get(&version).filter(|policy| !policy.statements.is_empty()) {
                Some(policy) => Ok(json!({ "Policy": policy.document(), "RevisionId": policy.revision_id })),
                None => Err(errors::not_found("No policy is associated with the given resource.".to_owned())),
            }
        })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn remove_layer_version_permission(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let (namespace, name) = layer_name(request, &request.labels[0])?;
    let version = request.labels[1]
        .parse::<u64>()
        .map_err(|_| errors::validation("versionNumber", &request.labels[1], "Member must be a whole number"))?;
    let statement_id = request.labels[2].clone();
    let revision = request.param("RevisionId").map(str::to_owned);
    lambda.with_layer_version(
        request,
        Operation::RemoveLayerVersionPermission,
        &namespace,
        &name,
        version,
        |layer| remove_statement(layer.policies.get_mut(&version), &statement_id, revision.as_deref()),
    )?;
    Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id))
}
