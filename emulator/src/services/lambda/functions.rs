//! Functions, versions, aliases, reserved concurrency and tags
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html> and
//! the neighbouring action pages).

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::model::{Alias, Code, Function, LATEST, LayerUse, VersionConfig, version_number};
use super::pagination::{self, PageRequest};
use super::{Lambda, LambdaRequest, Operation, empty_response, errors, json_response, layers, timestamp_now, zip};
use crate::arn::{format_function_arn, parse_function_address};
use crate::error::AwsResult;
use crate::http::HttpResponse;
use crate::store::Namespace;

/// The runtimes the emulator accepts, from the runtime list
/// (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>, which
/// names `python3.14` and `nodejs24.x`). The release dates of `java25`,
/// `ruby3.4` and `dotnet10` come from <https://endoflife.date/aws-lambda>.
/// Only `python3.*`, `nodejs*` and `provided*` functions can be invoked.
pub const RUNTIMES: &[&str] = &[
    "python3.8",
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "nodejs16.x",
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "provided",
    "provided.al2",
    "provided.al2023",
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "java25",
    "dotnet6",
    "dotnet8",
    "dotnet10",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
];

/// A function address after parsing, with the qualifier from the path or the `Qualifier` parameter.
#[derive(Debug, Clone)]
pub struct Target {
    pub namespace: Namespace,
    pub name: String,
    pub qualifier: Option<String>,
}

impl Target {
    pub fn arn(&self) -> String {
        format_function_arn(&self.namespace, &self.name, None)
    }

    /// Returns the ARN a policy statement names for this call: qualified when the call names a qualifier.
    pub fn resource_arn(&self) -> String {
        format_function_arn(&self.namespace, &self.name, self.qualifier.as_deref())
    }
}

/// Parses the `FunctionName` label and merges the `Qualifier` parameter.
pub fn resolve(request: &LambdaRequest<'_>, function_name: &str) -> AwsResult<Target> {
    let address = parse_function_address(function_name).map_err(|error| {
        errors::validation(
            "functionName",
            function_name,
            &format!("Member must satisfy regular expression pattern: (arn:aws:lambda:REGION:ACCOUNT:function:)?NAME(:QUALIFIER)? ({})", error.reason),
        )
    })?;
    let namespace = address.namespace(&request.caller_namespace());
    let qualifier = match (address.qualifier, request.param("Qualifier")) {
        (Some(derived), Some(given)) if derived != given => {
            return Err(errors::invalid_parameter(format!(
                "The derived qualifier from the function name ({derived}) does not match the specified qualifier ({given})."
            )));
        }
        (Some(derived), _) => Some(derived),
        (None, Some(given)) => {
            if !crate::arn::is_function_qualifier(given) {
                return Err(errors::validation(
                    "qualifier",
                    given,
                    "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)",
                ));
            }
            Some(given.to_owned())
        }
        (None, None) => None,
    };
    Ok(Target { namespace, name: address.name, qualifier })
}

impl Lambda {
    /// Resolves the request's function label, authorizes `operation` and runs `body` on the function.
    pub fn with_function<T>(
        &self,
        request: &LambdaRequest<'_>,
        body: impl FnOnce(&Target, &mut Function) -> AwsResult<T>,
    ) -> AwsResult<T> {
        let target = resolve(request, &request.labels[0])?;
        self.with_target(request, &target, body)
    }

    /// Authorizes the request's operation on `target` and runs `body` on the function.
    pub fn with_target<T>(
        &self,
        request: &LambdaRequest<'_>,
        target: &Target,
        body: impl FnOnce(&Target, &mut Function) -> AwsResult<T>,
    ) -> AwsResult<T> {
        let registry = self.functions.get_or_create(&target.namespace);
        let mut functions = registry.lock();
        let policy_key = target.qualifier.clone().unwrap_or_default();
        let policy = functions.get(&target.name).and_then(|function| function.policies.get(&policy_key)).cloned();
        self.authorize(request, request.operation, &target.resource_arn(), &target.namespace, policy.as_ref())?;
        let Some(function) = functions.get_mut(&target.name) else {
            return Err(errors::function_not_found(&target.resource_arn()));
        };
        body(target, function)
    }
}

/// Builds a code source from its members, for layers and UpdateFunctionCode.
pub fn code_from_parts(zip_file: Option<String>, s3_bucket: Option<String>, s3_key: Option<String>) -> FunctionCode {
    FunctionCode { zip_file, s3_bucket, s3_key, image_uri: None }
}

/// The `Code` member of CreateFunction.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionCode {
    zip_file: Option<String>,
    s3_bucket: Option<String>,
    s3_key: Option<String>,
    image_uri: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Environment {
    variables: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateFunctionInput {
    function_name: Option<String>,
    runtime: Option<String>,
    role: Option<String>,
    handler: Option<String>,
    code: Option<FunctionCode>,
    description: Option<String>,
    timeout: Option<i64>,
    memory_size: Option<i64>,
    publish: Option<bool>,
    environment: Option<Environment>,
    layers: Option<Vec<String>>,
    tags: Option<BTreeMap<String, String>>,
    package_type: Option<String>,
}

/// Reads a deployment package from `ZipFile` or from the emulator's own S3
/// store, and checks that it is a zip file.
pub fn read_code(lambda: &Lambda, code: &FunctionCode) -> AwsResult<Arc<Code>> {
    let zip = if let Some(zip_file) = &code.zip_file {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(zip_file)
            .map_err(|error| errors::invalid_parameter(format!("ZipFile is not valid base64: {error}")))?;
        Bytes::from(bytes)
    } else if let (Some(bucket), Some(key)) = (&code.s3_bucket, &code.s3_key) {
        // NOTE: the bucket's own policy is not consulted; any caller may use any object.
        lambda.s3.read_object(bucket, key).ok_or_else(|| {
            errors::invalid_parameter(format!(
                "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist. (bucket {bucket}, key {key})"
            ))
        })?
    } else if code.image_uri.is_some() {
        return Err(errors::invalid_parameter(
            "Container image functions are not supported by this emulator; use PackageType Zip.".to_owned(),
        ));
    } else {
        return Err(errors::invalid_parameter(
            "Please provide a source for function code: ZipFile, or S3Bucket and S3Key.".to_owned(),
        ));
    };
    // Lambda checks the unpacked size on upload, with this message and status 400
    // (seen in https://github.com/aws-samples/serverless-pdf-chat/issues/51).
    // Entries that could not be unpacked safely are rejected here too, because
    // they would otherwise fail every Invoke.
    match zip::check(&zip) {
        Ok(_) => {}
        Err(zip::ZipError::TooLarge) => {
            return Err(errors::invalid_parameter(format!(
                "Unzipped size must be smaller than {} bytes",
                zip::MAX_UNZIPPED_BYTES
            )));
        }
        Err(error) => {
            return Err(errors::invalid_parameter(format!(
                "Could not unzip uploaded file. Please check your file, then try to upload again. ({error})"
            )));
        }
    }
    Ok(Arc::new(Code::new(zip)))
}

fn check_runtime(runtime: &str) -> AwsResult<()> {
    if RUNTIMES.contains(&runtime) {
        return Ok(());
    }
    // NOTE: unverified whether AWS reports an unknown runtime as ValidationException or InvalidParameterValueException.
    Err(errors::invalid_parameter(format!(
        "Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        RUNTIMES.join(", ")
    )))
}

/// The variables Lambda sets itself, which a function's `Environment` may not override
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime>).
const RESERVED_VARIABLES: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// Maximum size of a function's variables together, measured as their JSON object
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html>).
const MAX_ENVIRONMENT_BYTES: usize = 4 * 1024;

/// Reports whether `name` matches the documented key pattern `[a-zA-Z]([a-zA-Z0-9_])+`
/// (<https://docs.aws.amazon.com/lambda/latest/dg/API_Environment.html>).
fn is_variable_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|first| first.is_ascii_alphabetic())
        && name.len() >= 2
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

fn check_environment(variables: &BTreeMap<String, String>) -> AwsResult<()> {
    if let Some(name) = variables.keys().find(|name| !is_variable_name(name)) {
        return Err(errors::validation(
            "environment.variables",
            name,
            "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+",
        ));
    }
    // NOTE: unverified that Lambda measures the 4 KB as the JSON object, and its exact message.
    let size = serde_json::to_string(variables).map_or(usize::MAX, |json| json.len());
    if size > MAX_ENVIRONMENT_BYTES {
        return Err(errors::invalid_parameter(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. The variables take {size} bytes; the limit is {MAX_ENVIRONMENT_BYTES}."
        )));
    }
    let reserved: Vec<&str> =
        variables.keys().map(String::as_str).filter(|name| RESERVED_VARIABLES.contains(name)).collect();
    if reserved.is_empty() {
        return Ok(());
    }
    Err(errors::invalid_parameter(format!(
        "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {}",
        reserved.join(", ")
    )))
}

fn check_role(role: &str) -> AwsResult<()> {
    let valid = role
        .strip_prefix("arn:aws:iam::")
        .and_then(|rest| rest.split_once(":role/"))
        .is_some_and(|(account, name)| crate::arn::is_account_id(account) && !name.is_empty());
    if valid {
        Ok(())
    } else {
        Err(errors::validation(
            "role",
            role,
            "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
        ))
    }
}

/// Checks `Handler` against its model: at most 128 characters matching `[^\s]+`
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html>).
fn check_handler(handler: &str) -> AwsResult<()> {
    if handler.chars().count() > 128 {
        return Err(errors::validation("handler", handler, "Member must have length less than or equal to 128"));
    }
    if handler.is_empty() || handler.chars().any(char::is_whitespace) {
        return Err(errors::validation("handler", handler, "Member must satisfy regular expression pattern: [^\\s]+"));
    }
    Ok(())
}

/// Checks `Description` against its model: at most 256 characters.
fn check_description(description: &str) -> AwsResult<()> {
    if description.chars().count() > 256 {
        return Err(errors::validation(
            "description",
            description,
            "Member must have length less than or equal to 256",
        ));
    }
    Ok(())
}

fn check_timeout(timeout: i64) -> AwsResult<u64> {
    if (1..=900).contains(&timeout) {
        Ok(timeout.unsigned_abs())
    } else {
        Err(errors::validation("timeout", &timeout.to_string(), "Member must have value between 1 and 900"))
    }
}

fn check_memory(memory: i64) -> AwsResult<u64> {
    if (128..=10_240).contains(&memory) {
        Ok(memory.unsigned_abs())
    } else {
        Err(errors::validation("memorySize", &memory.to_string(), "Member must have value between 128 and 10240"))
    }
}

fn resolve_layers(lambda: &Lambda, request: &LambdaRequest<'_>, arns: &[String]) -> AwsResult<Vec<LayerUse>> {
    if arns.len() > 5 {
        return Err(errors::invalid_parameter(format!(
            "A function can use at most 5 layers; the request names {}.",
            arns.len()
        )));
    }
    arns.iter().map(|arn| layers::layer_for_function(lambda, request, arn)).collect()
}

/// Formats a version's configuration as `FunctionConfiguration`.
pub fn configuration_json(function: &Function, config: &VersionConfig) -> Value {
    let qualifier = (config.version != LATEST).then_some(config.version.as_str());
    let layers: Vec<Value> =
        config.layers.iter().map(|layer| json!({ "Arn": layer.arn, "CodeSize": layer.code.zip.len() })).collect();
    json!({
        "FunctionName": function.name,
        "FunctionArn": format_function_arn(&function.namespace, &function.name, qualifier),
        "Runtime": config.runtime,
        "Role": config.role,
        "Handler": config.handler,
        "CodeSize": config.code.zip.len(),
        "CodeSha256": config.code.sha256,
        "Description": config.description,
        "Timeout": config.timeout,
        "MemorySize": config.memory_size,
        "LastModified": config.last_modified,
        "Version": config.version,
        "Environment": { "Variables": config.environment },
        "Layers": layers,
        "RevisionId": config.revision_id,
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
    })
}

fn new_revision() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn create_function(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: CreateFunctionInput = request.input()?;
    let Some(function_name) = input.function_name.as_deref() else {
        return Err(errors::validation("functionName", "null", "Member must not be null"));
    };
    let target = resolve(request, function_name)?;
    if target.qualifier.is_some() {
        return Err(errors::invalid_parameter(format!(
            "FunctionName {function_name} must not carry a qualifier in CreateFunction."
        )));
    }
    if input.package_type.as_deref().is_some_and(|package_type| package_type != "Zip") {
        return Err(errors::invalid_parameter("Only PackageType Zip is supported by this emulator.".to_owned()));
    }
    let runtime = input
        .runtime
        .ok_or_else(|| errors::invalid_parameter("Runtime is required for .zip file archive functions.".to_owned()))?;
    check_runtime(&runtime)?;
    let handler = input
        .handler
        .ok_or_else(|| errors::invalid_parameter("Handler is required for .zip file archive functions.".to_owned()))?;
    check_handler(&handler)?;
    if let Some(description) = &input.description {
        check_description(description)?;
    }
    let role = input.role.ok_or_else(|| errors::validation("role", "null", "Member must not be null"))?;
    check_role(&role)?;
    let timeout = check_timeout(input.timeout.unwrap_or(3))?;
    let memory_size = check_memory(input.memory_size.unwrap_or(128))?;
    let environment = input.environment.and_then(|environment| environment.variables).unwrap_or_default();
    check_environment(&environment)?;
    let code = read_code(lambda, &input.code.unwrap_or_default())?;
    let layers = resolve_layers(lambda, request, input.layers.as_deref().unwrap_or_default())?;
    lambda.authorize(request, Operation::CreateFunction, &target.arn(), &target.namespace, None)?;

    let latest = Arc::new(VersionConfig {
        version: LATEST.to_owned(),
        runtime,
        handler,
        role,
        description: input.description.unwrap_or_default(),
        environment,
        timeout,
        memory_size,
        layers,
        code,
        last_modified: timestamp_now(),
        revision_id: new_revision(),
    });
    let mut function = Function {
        name: target.name.clone(),
        namespace: target.namespace.clone(),
        latest: latest.clone(),
        versions: BTreeMap::new(),
        last_version: 0,
        last_published_revision: None,
        aliases: BTreeMap::new(),
        reserved_concurrency: None,
        tags: input.tags.unwrap_or_default(),
        policies: BTreeMap::new(),
        event_invoke_configs: BTreeMap::new(),
    };
    let output_config = if input.publish.unwrap_or(false) { publish(&mut function, None) } else { latest };
    let body = configuration_json(&function, &output_config);

    let registry = lambda.functions.get_or_create(&target.namespace);
    let mut functions = registry.lock();
    if functions.contains_key(&target.name) {
        return Err(errors::conflict(format!("Function already exist: {}", target.name)));
    }
    functions.insert(target.name.clone(), function);
    Ok(json_response(StatusCode::CREATED, &body, &request.context.request_id))
}

/// Publishes `$LATEST` as a new version unless it is unchanged since the last one.
fn publish(function: &mut Function, description: Option<String>) -> Arc<VersionConfig> {
    if function.last_published_revision.as_deref() == Some(function.latest.revision_id.as_str())
        && let Some(last) = function.versions.get(&function.last_version)
    {
        return last.clone();
    }
    function.last_version += 1;
    let mut version = (*function.latest).clone();
    version.version = function.last_version.to_string();
    version.revision_id = new_revision();
    if let Some(description) = description {
        version.description = description;
    }
    let version = Arc::new(version);
    function.versions.insert(function.last_version, version.clone());
    function.last_published_revision = Some(function.latest.revision_id.clone());
    version
}

/// Lists the caller's functions in name order, `$LATEST` only unless
/// `FunctionVersion` is `ALL`, which adds every published version after it.
pub fn list_functions(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let all_versions = match request.param("FunctionVersion") {
        None => false,
        Some("ALL") => true,
        Some(other) => {
            return Err(errors::validation("functionVersion", other, "Member must satisfy enum value set: [ALL]"));
        }
    };
    let page_request = PageRequest::from_request(request, pagination::MAX_FUNCTION_PAGE)?;

    let namespace = request.caller_namespace();
    let mut items = Vec::new();
    if let Some(registry) = lambda.functions.get(&namespace) {
        for (name, function) in registry.lock().iter() {
            // Function names never contain a NUL, so it separates the name from the version in the sort key.
            items.push((format!("{name}\0"), configuration_json(function, &function.latest)));
            if all_versions {
                for (number, version) in &function.versions {
                    let key = format!("{name}\0{}", pagination::number_key(*number));
                    items.push((key, configuration_json(function, version)));
                }
            }
        }
    }
    let page = page_request.page(items);
    let mut body = json!({ "Functions": page.items });
    pagination::insert_next_marker(&mut body, &page);
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

fn qualified_config(target: &Target, function: &Function) -> AwsResult<Arc<VersionConfig>> {
    function.config_for(target.qualifier.as_deref()).ok_or_else(|| errors::function_not_found(&target.resource_arn()))
}

pub fn get_function(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let body = lambda.with_function(request, |target, function| {
        let config = qualified_config(target, function)?;
        let mut body = json!({
            "Configuration": configuration_json(function, &config),
            "Code": {
                "RepositoryType": "S3",
                "Location": lambda.code_urls.issue(&request.context.host, config.code.zip.clone()),
            },
            "Tags": function.tags,
        });
        if let Some(reserved) = function.reserved_concurrency {
            body["Concurrency"] = json!({ "ReservedConcurrentExecutions": reserved });
        }
        Ok(body)
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn get_function_configuration(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let body = lambda.with_function(request, |target, function| {
        Ok(configuration_json(function, &*qualified_config(target, function)?))
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn delete_function(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let target = resolve(request, &request.labels[0])?;
    let deleted_whole =
        lambda.with_target(request, &target, |target, function| match target.qualifier.as_deref() {
            None => Ok(true),
            Some(LATEST) => Err(errors::invalid_parameter(
                "$LATEST version cannot be deleted without deleting the function.".to_owned(),
            )),
            Some(qualifier) => {
                let Some(number) = version_number(qualifier) else {
                    if qualifier.bytes().all(|byte| byte.is_ascii_digit()) {
                        return Err(errors::function_not_found(&target.resource_arn()));
                    }
                    return Err(errors::invalid_parameter(format!(
                        "Deletion of aliases is not supported by DeleteFunction; use DeleteAlias for {qualifier}."
                    )));
                };
                if !function.versions.contains_key(&number) {
                    return Err(errors::function_not_found(&target.resource_arn()));
                }
                if let Some(alias) = function.aliases.values().find(|alias| {
                    alias.function_version == qualifier || alias.additional_weights.contains_key(qualifier)
                }) {
                    return Err(errors::conflict(format!(
                        "Unable to delete version because the following aliases reference it: [{}]",
                        alias.name
                    )));
                }
                function.versions.remove(&number);
                function.policies.remove(qualifier);
                function.event_invoke_configs.remove(qualifier);
                Ok(false)
            }
        })?;
    if deleted_whole {
        let registry = lambda.functions.get_or_create(&target.namespace);
        registry.lock().remove(&target.name);
        lambda.workers.stop_function(&target.arn());
    } else if let Some(qualifier) = &target.qualifier {
        lambda.workers.stop_function(&format_function_arn(&target.namespace, &target.name, Some(qualifier)));
    }
    Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateCodeInput {
    zip_file: Option<String>,
    s3_bucket: Option<String>,
    s3_key: Option<String>,
    image_uri: Option<String>,
    publish: Option<bool>,
    revision_id: Option<String>,
}

/// Replaces `$LATEST` with a changed copy under a new revision.
fn replace_latest(function: &mut Function, change: impl FnOnce(&mut VersionConfig)) {
    let mut latest = (*function.latest).clone();
    change(&mut latest);
    latest.last_modified = timestamp_now();
    latest.revision_id = new_revision();
    function.latest = Arc::new(latest);
}

fn check_revision(given: Option<&str>, current: &str) -> AwsResult<()> {
    match given {
        Some(given) if given != current => Err(errors::precondition_failed(given)),
        _ => Ok(()),
    }
}

pub fn update_function_code(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: UpdateCodeInput = request.input()?;
    let code = read_code(
        lambda,
        &FunctionCode {
            zip_file: input.zip_file,
            s3_bucket: input.s3_bucket,
            s3_key: input.s3_key,
            image_uri: input.image_uri,
        },
    )?;
    let (body, arn) = lambda.with_function(request, |target, function| {
        if target.qualifier.as_deref().is_some_and(|qualifier| qualifier != LATEST) {
            return Err(errors::invalid_parameter(
                "Only $LATEST can be updated; published versions are immutable.".to_owned(),
            ));
        }
        check_revision(input.revision_id.as_deref(), &function.latest.revision_id)?;
        replace_latest(function, |latest| latest.code = code);
        let output_config =
            if input.publish.unwrap_or(false) { publish(function, None) } else { function.latest.clone() };
        Ok((configuration_json(function, &output_config), target.arn()))
    })?;
    lambda.workers.retire_function(&format!("{arn}:{LATEST}"));
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateConfigurationInput {
    runtime: Option<String>,
    role: Option<String>,
    handler: Option<String>,
    description: Option<String>,
    timeout: Option<i64>,
    memory_size: Option<i64>,
    environment: Option<Environment>,
    layers: Option<Vec<String>>,
    revision_id: Option<String>,
}

pub fn update_function_configuration(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: UpdateConfigurationInput = request.input()?;
    if let Some(runtime) = &input.runtime {
        check_runtime(runtime)?;
    }
    if let Some(role) = &input.role {
        check_role(role)?;
    }
    if let Some(handler) = &input.handler {
        check_handler(handler)?;
    }
    if let Some(description) = &input.description {
        check_description(description)?;
    }
    let timeout = input.timeout.map(check_timeout).transpose()?;
    let memory_size = input.memory_size.map(check_memory).transpose()?;
    if let Some(variables) = input.environment.as_ref().and_then(|environment| environment.variables.as_ref()) {
        check_environment(variables)?;
    }
    let layers = input.layers.as_deref().map(|arns| resolve_layers(lambda, request, arns)).transpose()?;
    let (body, arn) = lambda.with_function(request, |target, function| {
        if target.qualifier.as_deref().is_some_and(|qualifier| qualifier != LATEST) {
            return Err(errors::invalid_parameter(
                "Only $LATEST can be updated; published versions are immutable.".to_owned(),
            ));
        }
        check_revision(input.revision_id.as_deref(), &function.latest.revision_id)?;
        replace_latest(function, |latest| {
            if let Some(runtime) = input.runtime {
                latest.runtime = runtime;
            }
            if let Some(role) = input.role {
                latest.role = role;
            }
            if let Some(handler) = input.handler {
                latest.handler = handler;
            }
            if let Some(description) = input.description {
                latest.description = description;
            }
            if let Some(timeout) = timeout {
                latest.timeout = timeout;
            }
            if let Some(memory_size) = memory_size {
                latest.memory_size = memory_size;
            }
            if let Some(environment) = input.environment {
                latest.environment = environment.variables.unwrap_or_default();
            }
            if let Some(layers) = layers {
                latest.layers = layers;
            }
        });
        Ok((configuration_json(function, &function.latest), target.arn()))
    })?;
    lambda.workers.retire_function(&format!("{arn}:{LATEST}"));
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PublishVersionInput {
    code_sha256: Option<String>,
    description: Option<String>,
    revision_id: Option<String>,
}

pub fn publish_version(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: PublishVersionInput = request.input()?;
    let body = lambda.with_function(request, |_target, function| {
        check_revision(input.revision_id.as_deref(), &function.latest.revision_id)?;
        if let Some(sha) = &input.code_sha256
            && *sha != function.latest.code.sha256
        {
            return Err(errors::invalid_parameter(format!(
                "CodeSHA256 ({sha}) is different from current CodeSHA256 in $LATEST ({}). Please try again",
                function.latest.code.sha256
            )));
        }
        let version = publish(function, input.description);
        Ok(configuration_json(function, &version))
    })?;
    Ok(json_response(StatusCode::CREATED, &body, &request.context.request_id))
}

/// Lists `$LATEST` and then the published versions in ascending order.
pub fn list_versions(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let page_request = PageRequest::from_request(request, pagination::MAX_FUNCTION_PAGE)?;
    let body = lambda.with_function(request, |_target, function| {
        // The empty key sorts `$LATEST` before every version number.
        let mut items = vec![(String::new(), configuration_json(function, &function.latest))];
        items.extend(
            function
                .versions
                .iter()
                .map(|(number, version)| (pagination::number_key(*number), configuration_json(function, version))),
        );
        let page = page_request.page(items);
        let mut body = json!({ "Versions": page.items });
        pagination::insert_next_marker(&mut body, &page);
        Ok(body)
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoutingConfig {
    additional_version_weights: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AliasInput {
    name: Option<String>,
    function_version: Option<String>,
    description: Option<String>,
    routing_config: Option<RoutingConfig>,
    revision_id: Option<String>,
}

fn alias_json(function: &Function, alias: &Alias) -> Value {
    let mut body = json!({
        "AliasArn": format_function_arn(&function.namespace, &function.name, Some(&alias.name)),
        "Name": alias.name,
        "FunctionVersion": alias.function_version,
        "Description": alias.description,
        "RevisionId": alias.revision_id,
    });
    if !alias.additional_weights.is_empty() {
        body["RoutingConfig"] = json!({ "AdditionalVersionWeights": alias.additional_weights });
    }
    body
}

fn check_alias_name(name: &str) -> AwsResult<()> {
    let valid = (1..=128).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !name.bytes().all(|b| b.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err(errors::validation(
            "name",
            name,
            "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
        ))
    }
}

/// Checks an alias's primary version and routing weights against the function's versions.
fn check_alias_target(
    target: &Target,
    function: &Function,
    version: &str,
    weights: &BTreeMap<String, f64>,
) -> AwsResult<()> {
    if !function.has_qualifier(version) || version_number(version).is_none() && version != LATEST {
        return Err(errors::not_found(format!(
            "Function not found: {}",
            format_function_arn(&target.namespace, &function.name, Some(version))
        )));
    }
    if weights.len() > 1 {
        return Err(errors::invalid_parameter(format!(
            "RoutingConfig names {} additional versions; at most one is allowed.",
            weights.len()
        )));
    }
    for (extra, weight) in weights {
        if !(0.0..=1.0).contains(weight) {
            return Err(errors::validation(
                "routingConfig.additionalVersionWeights",
                &weight.to_string(),
                "Member must have value between 0.0 and 1.0",
            ));
        }
        if version == LATEST || extra == LATEST {
            return Err(errors::invalid_parameter(
                "$LATEST is not supported for an alias pointing to more than 1 version".to_owned(),
            ));
        }
        if extra == version {
            return Err(errors::invalid_parameter(format!(
                "Invalid function version {extra}. Function version {extra} is already included in routing configuration."
            )));
        }
        if !version_number(extra).is_some_and(|number| function.versions.contains_key(&number)) {
            return Err(errors::invalid_parameter(format!(
                "Function version {extra} in RoutingConfig does not exist."
            )));
        }
    }
    Ok(())
}

pub fn create_alias(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: AliasInput = request.input()?;
    let name = input.name.ok_or_else(|| errors::validation("name", "null", "Member must not be null"))?;
    check_alias_name(&name)?;
    let version = input
        .function_version
        .ok_or_else(|| errors::validation("functionVersion", "null", "Member must not be null"))?;
    let weights = input.routing_config.and_then(|routing| routing.additional_version_weights).unwrap_or_default();
    let body = lambda.with_function(request, |target, function| {
        check_alias_target(target, function, &version, &weights)?;
        if function.aliases.contains_key(&name) {
            return Err(errors::conflict(format!(
                "Alias already exists: {}",
                format_function_arn(&target.namespace, &function.name, Some(&name))
            )));
        }
        let alias = Alias {
            name: name.clone(),
            function_version: version,
            description: input.description.unwrap_or_default(),
            additional_weights: weights,
            revision_id: new_revision(),
        };
        let body = alias_json(function, &alias);
        function.aliases.insert(name, alias);
        Ok(body)
    })?;
    Ok(json_response(StatusCode::CREATED, &body, &request.context.request_id))
}

fn alias_not_found(target: &Target, name: &str) -> crate::error::AwsError {
    errors::not_found(format!(
        "Cannot find alias arn: {}",
        format_function_arn(&target.namespace, &target.name, Some(name))
    ))
}

pub fn get_alias(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let name = &request.labels[1];
    let body = lambda.with_function(request, |target, function| {
        let alias = function.aliases.get(name).ok_or_else(|| alias_not_found(target, name))?;
        Ok(alias_json(function, alias))
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn update_alias(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: AliasInput = request.input()?;
    let name = &request.labels[1];
    let body = lambda.with_function(request, |target, function| {
        let current = function.aliases.get(name).ok_or_else(|| alias_not_found(target, name))?.clone();
        check_revision(input.revision_id.as_deref(), &current.revision_id)?;
        let version = input.function_version.unwrap_or(current.function_version);
        let weights = match input.routing_config {
            Some(routing) => routing.additional_version_weights.unwrap_or_default(),
            None => current.additional_weights,
        };
        check_alias_target(target, function, &version, &weights)?;
        let alias = Alias {
            name: name.clone(),
            function_version: version,
            description: input.description.unwrap_or(current.description),
            additional_weights: weights,
            revision_id: new_revision(),
        };
        let body = alias_json(function, &alias);
        function.aliases.insert(name.clone(), alias);
        Ok(body)
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn delete_alias(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let name = &request.labels[1];
    lambda.with_function(request, |_target, function| {
        // Lambda returns 204 for an alias that does not exist.
        function.aliases.remove(name);
        function.policies.remove(name);
        function.event_invoke_configs.remove(name);
        Ok(())
    })?;
    Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id))
}

pub fn list_aliases(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let version = request.param("FunctionVersion").map(str::to_owned);
    let page_request = PageRequest::from_request(request, pagination::MAX_ITEMS_LIMIT)?;
    let body = lambda.with_function(request, |_target, function| {
        let items: Vec<(String, Value)> = function
            .aliases
            .values()
            .filter(|alias| version.as_deref().is_none_or(|version| alias.function_version == version))
            .map(|alias| (alias.name.clone(), alias_json(function, alias)))
            .collect();
        let page = page_request.page(items);
        let mut body = json!({ "Aliases": page.items });
        pagination::insert_next_marker(&mut body, &page);
        Ok(body)
    })?;
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ConcurrencyInput {
    reserved_concurrent_executions: Option<i64>,
}

/// The account concurrency quota the emulator assumes, and the share that must stay unreserved
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html>).
const ACCOUNT_CONCURRENCY: i64 = 1000;
const MIN_UNRESERVED_CONCURRENCY: i64 = 100;

pub fn put_concurrency(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: ConcurrencyInput = request.input()?;
    let reserved = input
        .reserved_concurrent_executions
        .ok_or_else(|| errors::validation("reservedConcurrentExecutions", "null", "Member must not be null"))?;
    if reserved < 0 {
        return Err(errors::validation(
            "reservedConcurrentExecutions",
            &reserved.to_string(),
            "Member must have value greater than or equal to 0",
        ));
    }
    let namespace = resolve(request, &request.labels[0])?.namespace;
    let name = resolve(request, &request.labels[0])?.name;
    let reserved_elsewhere: i64 = lambda
        .functions
        .get_or_create(&namespace)
        .lock()
        .values()
        .filter(|function| function.name != name)
        .filter_map(|function| function.reserved_concurrency)
        .sum();
    if reserved + reserved_elsewhere > ACCOUNT_CONCURRENCY - MIN_UNRESERVED_CONCURRENCY {
        return Err(errors::invalid_parameter(format!(
            "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{MIN_UNRESERVED_CONCURRENCY}]. (requested {reserved})"
        )));
    }
    lambda.with_function(request, |_target, function| {
        function.reserved_concurrency = Some(reserved);
        Ok(())
    })?;
    Ok(json_response(StatusCode::OK, &json!({ "ReservedConcurrentExecutions": reserved }), &request.context.request_id))
}

pub fn get_concurrency(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let reserved = lambda.with_function(request, |_target, function| Ok(function.reserved_concurrency))?;
    let body = match reserved {
        Some(reserved) => json!({ "ReservedConcurrentExecutions": reserved }),
        None => json!({}),
    };
    Ok(json_response(StatusCode::OK, &body, &request.context.request_id))
}

pub fn delete_concurrency(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    lambda.with_function(request, |_target, function| {
        function.reserved_concurrency = None;
        Ok(())
    })?;
    Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id))
}

/// Resolves the `Resource` label of the tag operations, which must be an unqualified function ARN.
fn tag_target(request: &LambdaRequest<'_>) -> AwsResult<Target> {
    let resource = &request.labels[0];
    if !resource.starts_with("arn:") {
        return Err(errors::validation(
            "resource",
            resource,
            "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:.*",
        ));
    }
    let target = resolve(request, resource)?;
    if target.qualifier.is_some() {
        return Err(errors::invalid_parameter(format!(
            "Tags are not supported on a qualified function ARN: {resource}"
        )));
    }
    Ok(target)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagInput {
    tags: Option<BTreeMap<String, String>>,
}

pub fn tag_resource(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let input: TagInput = request.input()?;
    let target = tag_target(request)?;
    lambda.with_target(request, &target, |_target, function| {
        function.tags.extend(input.tags.unwrap_or_default());
        Ok(())
    })?;
    Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id))
}

pub fn untag_resource(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let target = tag_target(request)?;
    let keys: Vec<String> =
        request.params.iter().filter(|(name, _)| name == "tagKeys").map(|(_, key)| key.clone()).collect();
    lambda.with_target(request, &target, |_target, function| {
        for key in &keys {
            function.tags.remove(key);
        }
        Ok(())
    })?;
    Ok(empty_response(StatusCode::NO_CONTENT, &request.context.request_id))
}

pub fn list_tags(lambda: &Lambda, request: &LambdaRequest<'_>) -> AwsResult<HttpResponse> {
    let target = tag_target(request)?;
    let tags = lambda.with_target(request, &target, |_target, function| Ok(function.tags.clone()))?;
    Ok(json_response(StatusCode::OK, &json!({ "Tags": tags }), &request.context.request_id))
}
