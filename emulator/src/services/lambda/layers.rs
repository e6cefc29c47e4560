//! Layers and their versions
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html> and
//! the neighbouring action pages).
//!
//! A function names a layer version by ARN. Another account's layer version
//! is usable only when its policy grants `lambda:GetLayerVersion` to the
//! caller. A layer of the same name in the caller's account is never used in its place.
//! Each AddLayerVersionPermission statement covers one layer version and
//! names the account's root as principal
//! (<https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html>).

use std::sync::Arc;

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::functions::{RUNTIMES, read_code};
use super::model::{Layer, LayerUse, LayerVersion};
use super::pagination::{self, PageRequest};
use super::{Lambda, LambdaRequest, Operation, empty_response, errors, json_response, timestamp_now};
use crate::arn::{Arn, format_layer_arn, parse_layer_version_arn};
use crate::error::AwsResult;
use crate::http::HttpResponse;
use crate::store::Namespace;

/// Parses a `LayerName` label: a layer name in the caller's namespace, or a layer ARN without version.
pub fn layer_name(request: &LambdaRequest<'_>, label: &str) -> AwsResult<(Namespace, String)> {
    let invalid = || {
        errors::validation(
            "layerName",
            label,
            "Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+",
        )
    };
    let valid_name = |name: &str| {
        (1..=140).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if label.starts_with("arn:") {
        let arn: Arn = label.parse().map_err(|_| invalid())?;
        let namespace = arn.namespace().ok_or_else(invalid)?;
        let name = arn.resource.strip_prefix("layer:").filter(|name| valid_name(name)).ok_or_else(invalid)?;
        return Ok((namespace, name.to_owned()));
    }
    if !valid_name(label) {
        return Err(invalid());
    }
    Ok((request.caller_namespace(), label.to_owned()))
}

fn parse_version(label: &str) -> AwsResult<u64> {
    label.parse::<u64>().map_err(|_| errors::validation("versionNumber", label, "Member must be a whole number"))
}

/// Formats a layer version as a list item (`LayerVersionsListItem`), which has no `Content`.
fn layer_version_list_item(namespace: &Namespace, name: &str, version: &LayerVersion) -> Value {
    let mut body = layer_version_json(namespace, name, version, None);
    if let Some(fields) = body.as_object_mut() {
        fields.remove("Content");
    }
    body
}

/// Formats a layer version as GetLayerVersion returns it; `location` is the
/// download URL of `Content.Location`.
fn layer_version_json(namespace: &Namespace, name: &str, version: &LayerVersion, location: Option<String>) -> Value {
    let mut body = json!({
        "Content": {
            "Location": location,
            "CodeSha256": version.code.sha256,
            "CodeSize": version.code.zip.len(),
        },
        "LayerArn": format_layer_arn(namespace, name, None),
        "LayerVersionArn": format_layer_arn(namespace, name, Some(version.version)),
        "Description": version.description,
        "CreatedDate": version.created_date,
        "Version": version.version,
        "CompatibleRuntimes": version.compatible_runtimes,
    });
    if let Some(license) = &version.license_info {
        body["LicenseInfo"] = json!(license);
    }
    body
}

impl Lambda {
    /// Authorizes the request's operation on one layer version and runs `body` on the layer.
    pub fn with_layer_version<T>(
        &self,
        request: &LambdaRequest<'_>,
        operation: Operation,
        namespace: &Namespace,
        name: &str,
        version: u64,
        body: impl FnOnce(&mut Layer) -> AwsResult<T>,
    ) -> AwsResult<T> {
        let registry = self.layers.get_or_create(namespace);
        let mut layers = registry.lock();
        let arn = format_layer_arn(namespace, name, Some(version));
        let policy = layers.get(name).and_then(|layer| layer.policies.get(&version)).cloned();
        self.authorize(request, operation, &arn, namespace, policy.as_ref())?;
        let layer = layers
            .get_mut(name)
            .filter(|layer| layer.versions.contains_key(&version))
            .ok_or_else(|| errors::not_found(format!("Layer version {arn} does not exist.")))?;
        body(layer)
    }
}

/// Resolves a layer version ARN from a function's `Layers` and checks the caller may use it.
pub fn layer_for_function(lambda: &Lambda, request: &LambdaRequest<'_>, arn: &str) -> AwsResult<LayerUse> {
    let address = parse_layer_version_arn(arn).map_err(|error| {
        errors::validation(
            "layers",
            arn,
            &format!(
                "Member must satisfy regular expression pattern: arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION ({})",
                error.reason
            ),
        )
    })?;
    let code = lambda
        .with_layer_version(
            request,
            Operation::GetLayerVersion,
            &address.namespace,
            &address.name,
            address.version,
            |layer| Ok(layer.versions[&address.version].code.clone()),
        )
        .map_err(|error| {
            if error.code == "ResourceNotFoundException" {
                errors::invalid_parameter(format!("Layer version {arn} does not exist."))
            } else {
                error
            }
        })?;
    Ok(LayerUse { arn: arn.to_owned(), code })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LayerContent {
    zip_file: Option<String>,
    s3_bucket: Option<String>,
    s3_key: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PublishLayerVersionInput {
    content: Option<LayerContent>,
    description: Option<String>,
    compatible_runtimes: Option<Vec<String>>,
    license_info: Option<String>,
}

pub fn publish_layer_version(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: PublishLayerVersionInput = request.input()?;
    let (namespace, name) = layer_name(request, &request.labels[0])?;
    let content = input.content.ok_or_else(|| errors::validation("content", "null", "Member must not be null"))?;
    let runtimes = input.compatible_runtimes.unwrap_or_default();
    for runtime in &runtimes {
        check_runtime_value("compatibleRuntimes", runtime)?;
    }
    let code =
        read_code(lambda, &super::functions::code_from_parts(content.zip_file, content.s3_bucket, content.s3_key))?;
    let arn = format_layer_arn(&namespace, &name, None);
    lambda.authorize(request, Operation::PublishLayerVersion, &arn, &namespace, None)?;

    let registry = lambda.layers.get_or_create(&namespace);
    let mut layers = registry.lock();
    let layer = layers.entry(name.clone()).or_default();
    layer.last_version += 1;
    let version = Arc::new(LayerVersion {
        version: layer.last_version,
        description: input.description.unwrap_or_default(),
        compatible_runtimes: runtimes,
        license_info: input.license_info,
        code,
        created_date: timestamp_now(),
    });
    layer.versions.insert(version.version, version.clone());
    drop(layers);
    let location = lambda.code_urls.issue(&request.context.host, version.code.zip.clone());
    let body = layer_version_json(&namespace, &name, &version, Some(location));
    Ok(json_response(StatusCode::CREATED, &body, &request.context.request_id))
}

pub fn get_layer_version(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let (namespace, name) = layer_name(request, &request.labels[0])?;
    let version = parse_version(&request.labels[1])?;
    respond_layer_version(lambda, request, &namespace, &name, version)
}

fn respond_layer_version(
    lambda: &Lambda,
    request: &LambdaRequest<'_>,
    namespace: &Namespace,
    name: &str,
    version: u64,
) -> AwsResult<HttpResponse> {
    let body = lambda.with_layer_version(request, Operation::GetLayerVersion, namespace, name, version, |layer| {
        let location = lambda.code_urls.issue(&request.context.host, layer.versions[&version].code.zip.clone());
        Ok(layer_version_json(namespace, name, &layer.versions[&version], Some(location)))
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn get_layer_version_by_arn(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    if request.param("find") != Some("LayerVersion") {
        return list_layers(lambda, request);
    }
    let arn = request.param("Arn").unwrap_or_default();
    let address = parse_layer_version_arn(arn).map_err(|error| {
        errors::validation(
            "arn",
            arn,
            &format!(
                "Member must satisfy regular expression pattern: arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION ({})",
                error.reason
            ),
        )
    })?;
    respond_layer_version(lambda, request, &address.namespace, &address.name, address.version)
}

/// Checks a runtime named in a layer request against [`RUNTIMES`].
/// NOTE: unverified that Lambda reports an unknown value here as ValidationException.
fn check_runtime_value(member: &str, runtime: &str) -> AwsResult<()> {
    if RUNTIMES.contains(&runtime) {
        return Ok(());
    }
    Err(errors::validation(member, runtime, &format!("Member must satisfy enum value set: [{}]", RUNTIMES.join(", "))))
}

/// Reads the optional `CompatibleRuntime` filter of the list operations.
fn runtime_filter<'a>(request: &'a LambdaRequest<'_>) -> AwsResult<Option<&'a str>> {
    let runtime = request.param("CompatibleRuntime");
    if let Some(runtime) = runtime {
        check_runtime_value("compatibleRuntime", runtime)?;
    }
    Ok(runtime)
}

/// Reports whether `version` matches the optional runtime filter.
fn matches_runtime(version: &LayerVersion, runtime: Option<&str>) -> bool {
    runtime.is_none_or(|runtime| version.compatible_runtimes.iter().any(|compatible| compatible == runtime))
}

pub fn list_layer_versions(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let (namespace, name) = layer_name(request, &request.labels[0])?;
    let runtime = runtime_filter(request)?;
    let arn = format_layer_arn(&namespace, &name, None);
    lambda.authorize(request, Operation::ListLayerVersions, &arn, &namespace, None)?;
    let page_request = PageRequest::from_request(request, pagination::MAX_ITEMS_LIMIT)?;
    let mut items = Vec::new();
    if let Some(registry) = lambda.layers.get(&namespace)
        && let Some(layer) = registry.lock().get(&name)
    {
        // Newest version first, as Lambda lists them.
        for version in layer.versions.values().rev() {
            if !matches_runtime(version, runtime) {
                continue;
            }
            let body = layer_version_list_item(&namespace, &name, version);
            items.push((pagination::descending_number_key(version.version), body));
        }
    }
    let page = page_request.page(items);
    let mut body = json!({ "LayerVersions": page.items });
    pagination::insert_next_marker(&mut body, &page);
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn list_layers(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    if request.param("find") == Some("LayerVersion") {
        return get_layer_version_by_arn(lambda, request);
    }
    let namespace = request.caller_namespace();
    let runtime = runtime_filter(request)?;
    let page_request = PageRequest::from_request(request, pagination::MAX_ITEMS_LIMIT)?;
    let mut items = Vec::new();
    if let Some(registry) = lambda.layers.get(&namespace) {
        for (name, layer) in registry.lock().iter() {
            // LatestMatchingVersion is the newest version that matches the runtime filter.
            let Some(latest) = layer.versions.values().rev().find(|version| matches_runtime(version, runtime)) else {
                continue;
            };
            let body = json!({
                "LayerName": name,
                "LayerArn": format_layer_arn(&namespace, name, None),
                "LatestMatchingVersion": layer_version_list_item(&namespace, name, latest),
            });
            items.push((name.clone(), body));
        }
    }
    let page = page_request.page(items);
    let mut body = json!({ "Layers": page.items });
    pagination::insert_next_marker(&mut body, &page);
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn delete_layer_version(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let (namespace, name) = layer_name(request, &request.labels[0])?;
    let version = parse_version(&request.labels[1])?;
    let result =
        lambda.with_layer_version(request, Operation::DeleteLayerVersion, &namespace, &name, version, |layer| {
            layer.versions.remove(&version);
            layer.policies.remove(&version);
            Ok(())
        });
    match result {
        // Lambda returns 204 for a version that does not exist.
        Err(error) if error.code == "ResourceNotFoundException" => {}
        other => other?,
    }
    Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id))
}
