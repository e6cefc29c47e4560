//! The AWS Lambda driver: function, version, alias, concurrency, tag,
//! invocation, permission and layer operations through `aws-sdk-lambda`.
//!
//! Input and output members carry the names of the Lambda API reference
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html>).
//! Enum members (`Runtime`, `InvocationType`, `LogType`, `Architectures`)
//! are their wire strings, so an unknown runtime reaches the service as written.
//!
//! Deployment packages: `Code.ZipFile` (CreateFunction), `ZipFile`
//! (UpdateFunctionCode) and `Content.ZipFile` (PublishLayerVersion) take
//! either the files to zip or the archive itself, never both:
//!
//! ```yaml
//! Code: { ZipFile: { Files: { "index.py": "def handler(event, context):\n    return event\n" } } }
//! Code: { ZipFile: { Base64: "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==" } }   # bytes as they are, e.g. an invalid zip
//! ```
//!
//! The driver builds the zip itself (`lambda/zip.rs`): stored entries,
//! sorted by name, with a fixed timestamp and mode 0755, so the same files
//! always give the same `CodeSha256`.
//!
//! Invocation payloads: Invoke's `Payload` is written as any YAML value and
//! sent as its JSON text, except that a string is sent as its bytes as they
//! are, so that a scenario can send text that is no JSON. The driver-only
//! member `PayloadSizeBytes: N` sends a JSON string of exactly N bytes in its
//! place, for the payload size limit. The response's `Payload` is rendered
//! as the JSON value it contains when it parses, and otherwise as text.
//! `LogResult`, base64 on the wire, is rendered as the log text it encodes.
//!
//! Resource addresses: `FunctionName` and `Resource` take a function name
//! (the caller's namespace), a partial ARN `ACCOUNT:function:NAME` (that
//! account, the caller's region), a full ARN or a qualified ARN
//! (`...:function:NAME:QUALIFIER`). `LayerName` takes a layer name or layer
//! ARN, and GetLayerVersionByArn's `Arn` a layer version ARN. The kinds are
//! classified by `crosscheck_emulator::arn`.
//!
//! Outputs carry the members the operation table in `lambda/operations.rs`
//! lists, which leave out configuration this harness does not exercise (VPC,
//! tracing, dead-letter, file system, SnapStart and logging settings). They
//! also leave out the code download `Location` of GetFunction and of layer
//! versions, which carries the endpoint's host and port and so differs
//! between runs.

use std::collections::BTreeMap;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::{
    AliasConfiguration, AliasRoutingConfiguration, Architecture, Environment, FunctionCode, FunctionConfiguration,
    FunctionUrlAuthType, FunctionVersion, InvocationType, LayerVersionContentInput, LayerVersionContentOutput,
    LayerVersionsListItem, LayersListItem, LogType, PackageType, Runtime,
};
use aws_smithy_types::Blob;
use serde_json::{Map, Value};

use self::operations::OPERATIONS;
use super::{Input, InputError, JsonObject, StatusRecorder, empty, sorted_string_map, unlisted_operation};
use crate::outcome::Outcome;

mod operations;
pub mod zip;

/// Calls Lambda operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct LambdaDriver;

sdk_driver!(LambdaDriver, service: "lambda", operations: OPERATIONS, sdk: aws_sdk_lambda, call: call_operation);

async fn call_operation(
    client: &Client,
    operation: &str,
    input: Input<'_>,
    recorder: &StatusRecorder,
) -> Result<Outcome, InputError> {
    let outcome = match operation {
        "CreateFunction" => send!(
            recorder,
            client.create_function(),
            input {
                set_function_name: string("FunctionName"),
                set_runtime: runtime("Runtime"),
                set_role: string("Role"),
                set_handler: string("Handler"),
                set_code: function_code("Code"),
                set_description: string("Description"),
                set_timeout: int("Timeout"),
                set_memory_size: int("MemorySize"),
                set_publish: boolean("Publish"),
                set_package_type: package_type("PackageType"),
                set_environment: environment("Environment"),
                set_tags: string_map("Tags"),
                set_layers: string_list("Layers"),
                set_architectures: architectures("Architectures"),
            },
            |output| function_configuration_json(configuration_of_create(output))
        ),
        "GetFunction" => send!(
            recorder,
            client.get_function(),
            input { set_function_name: string("FunctionName"), set_qualifier: string("Qualifier") },
            |output| {
                let code =
                    output.code.map(|code| JsonObject::new().member("RepositoryType", code.repository_type).build());
                let concurrency = output.concurrency.map(|concurrency| {
                    JsonObject::new()
                        .member("ReservedConcurrentExecutions", concurrency.reserved_concurrent_executions)
                        .build()
                });
                JsonObject::new()
                    .member("Configuration", output.configuration.map(function_configuration_json))
                    .member("Code", code)
                    .member("Tags", output.tags.map(sorted_string_map))
                    .member("Concurrency", concurrency)
                    .build()
            }
        ),
        "GetFunctionConfiguration" => send!(
            recorder,
            client.get_function_configuration(),
            input { set_function_name: string("FunctionName"), set_qualifier: string("Qualifier") },
            |output| function_configuration_json(configuration_of_get(output))
        ),
        "UpdateFunctionCode" => send!(
            recorder,
            client.update_function_code(),
            input {
                set_function_name: string("FunctionName"),
                set_zip_file: zip_file("ZipFile"),
                set_s3_bucket: string("S3Bucket"),
                set_s3_key: string("S3Key"),
                set_s3_object_version: string("S3ObjectVersion"),
                set_publish: boolean("Publish"),
                set_dry_run: boolean("DryRun"),
                set_revision_id: string("RevisionId"),
                set_architectures: architectures("Architectures"),
            },
            |output| function_configuration_json(configuration_of_code_update(output))
        ),
        "UpdateFunctionConfiguration" => send!(
            recorder,
            client.update_function_configuration(),
            input {
                set_function_name: string("FunctionName"),
                set_role: string("Role"),
                set_handler: string("Handler"),
                set_description: string("Description"),
                set_timeout: int("Timeout"),
                set_memory_size: int("MemorySize"),
                set_environment: environment("Environment"),
                set_runtime: runtime("Runtime"),
                set_revision_id: string("RevisionId"),
                set_layers: string_list("Layers"),
            },
            |output| function_configuration_json(configuration_of_configuration_update(output))
        ),
        "DeleteFunction" => send!(
            recorder,
            client.delete_function(),
            input { set_function_name: string("FunctionName"), set_qualifier: string("Qualifier") },
            |_| empty()
        ),
        "ListFunctions" => send!(
            recorder,
            client.list_functions(),
            input {
                set_master_region: string("MasterRegion"),
                set_function_version: function_version("FunctionVersion"),
                set_marker: string("Marker"),
                set_max_items: int("MaxItems"),
            },
            |output| {
                let functions: Option<Vec<Value>> =
                    output.functions.map(|functions| functions.into_iter().map(function_configuration_json).collect());
                JsonObject::new().member("NextMarker", output.next_marker).member("Functions", functions).build()
            }
        ),
        "Invoke" => send!(
            recorder,
            client.invoke(),
            input {
                set_function_name: string("FunctionName"),
                set_invocation_type: invocation_type("InvocationType"),
                set_log_type: log_type("LogType"),
                set_client_context: string("ClientContext"),
                set_payload: payload("Payload"),
                set_qualifier: string("Qualifier"),
            },
            |output| {
                JsonObject::new()
                    .required("StatusCode", output.status_code)
                    .member("FunctionError", output.function_error)
                    .member("LogResult", output.log_result.map(|log| decoded_log(&log)))
                    .member("Payload", output.payload.map(payload_json))
                    .member("ExecutedVersion", output.executed_version)
                    .build()
            }
        ),
        "PublishVersion" => send!(
            recorder,
            client.publish_version(),
            input {
                set_function_name: string("FunctionName"),
                set_code_sha256: string("CodeSha256"),
                set_description: string("Description"),
                set_revision_id: string("RevisionId"),
            },
            |output| function_configuration_json(configuration_of_publish(output))
        ),
        "ListVersionsByFunction" => send!(
            recorder,
            client.list_versions_by_function(),
            input {
                set_function_name: string("FunctionName"),
                set_marker: string("Marker"),
                set_max_items: int("MaxItems")
            },
            |output| {
                let versions: Option<Vec<Value>> =
                    output.versions.map(|versions| versions.into_iter().map(function_configuration_json).collect());
                JsonObject::new().member("NextMarker", output.next_marker).member("Versions", versions).build()
            }
        ),
        "PutFunctionConcurrency" => send!(
            recorder,
            client.put_function_concurrency(),
            input {
                set_function_name: string("FunctionName"),
                set_reserved_concurrent_executions: int("ReservedConcurrentExecutions"),
            },
            |output| {
                JsonObject::new().member("ReservedConcurrentExecutions", output.reserved_concurrent_executions).build()
            }
        ),
        "GetFunctionConcurrency" => send!(
            recorder,
            client.get_function_concurrency(),
            input { set_function_name: string("FunctionName") },
            |output| {
                JsonObject::new().member("ReservedConcurrentExecutions", output.reserved_concurrent_executions).build()
            }
        ),
        "DeleteFunctionConcurrency" => send!(
            recorder,
            client.delete_function_concurrency(),
            input { set_function_name: string("FunctionName") },
            |_| empty()
        ),
        "TagResource" => send!(
            recorder,
            client.tag_resource(),
            input { set_resource: string("Resource"), set_tags: string_map("Tags") },
            |_| empty()
        ),
        "UntagResource" => send!(
            recorder,
            client.untag_resource(),
            input { set_resource: string("Resource"), set_tag_keys: string_list("TagKeys") },
            |_| empty()
        ),
        "ListTags" => send!(recorder, client.list_tags(), input { set_resource: string("Resource") }, |output| {
            JsonObject::new().member("Tags", output.tags.map(sorted_string_map)).build()
        }),
        "CreateAlias" => send!(
            recorder,
            client.create_alias(),
            input {
                set_function_name: string("FunctionName"),
                set_name: string("Name"),
                set_function_version: string("FunctionVersion"),
                set_description: string("Description"),
                set_routing_config: routing_config("RoutingConfig"),
            },
            |output| alias_json(alias_of_create(output))
        ),
        "GetAlias" => send!(
            recorder,
            client.get_alias(),
            input { set_function_name: string("FunctionName"), set_name: string("Name") },
            |output| alias_json(alias_of_get(output))
        ),
        "UpdateAlias" => send!(
            recorder,
            client.update_alias(),
            input {
                set_function_name: string("FunctionName"),
                set_name: string("Name"),
                set_function_version: string("FunctionVersion"),
                set_description: string("Description"),
                set_routing_config: routing_config("RoutingConfig"),
                set_revision_id: string("RevisionId"),
            },
            |output| alias_json(alias_of_update(output))
        ),
        "DeleteAlias" => send!(
            recorder,
            client.delete_alias(),
            input { set_function_name: string("FunctionName"), set_name: string("Name") },
            |_| empty()
        ),
        "ListAliases" => send!(
            recorder,
            client.list_aliases(),
            input {
                set_function_name: string("FunctionName"),
                set_function_version: string("FunctionVersion"),
                set_marker: string("Marker"),
                set_max_items: int("MaxItems"),
            },
            |output| {
                let aliases: Option<Vec<Value>> =
                    output.aliases.map(|aliases| aliases.into_iter().map(alias_json).collect());
                JsonObject::new().member("NextMarker", output.next_marker).member("Aliases", aliases).build()
            }
        ),
        "AddPermission" => send!(
            recorder,
            client.add_permission(),
            input {
                set_function_name: string("FunctionName"),
                set_statement_id: string("StatementId"),
                set_action: string("Action"),
                set_principal: string("Principal"),
                set_source_arn: string("SourceArn"),
                set_source_account: string("SourceAccount"),
                set_event_source_token: string("EventSourceToken"),
                set_qualifier: string("Qualifier"),
                set_revision_id: string("RevisionId"),
                set_principal_org_id: string("PrincipalOrgID"),
                set_function_url_auth_type: function_url_auth_type("FunctionUrlAuthType"),
            },
            |output| JsonObject::new().member("Statement", output.statement).build()
        ),
        "RemovePermission" => send!(
            recorder,
            client.remove_permission(),
            input {
                set_function_name: string("FunctionName"),
                set_statement_id: string("StatementId"),
                set_qualifier: string("Qualifier"),
                set_revision_id: string("RevisionId"),
            },
            |_| empty()
        ),
        "GetPolicy" => send!(
            recorder,
            client.get_policy(),
            input { set_function_name: string("FunctionName"), set_qualifier: string("Qualifier") },
            |output| JsonObject::new().member("Policy", output.policy).member("RevisionId", output.revision_id).build()
        ),
        "PublishLayerVersion" => send!(
            recorder,
            client.publish_layer_version(),
            input {
                set_layer_name: string("LayerName"),
                set_description: string("Description"),
                set_content: layer_content("Content"),
                set_compatible_runtimes: runtimes("CompatibleRuntimes"),
                set_license_info: string("LicenseInfo"),
                set_compatible_architectures: architectures("CompatibleArchitectures"),
            },
            |output| layer_version_json(layer_version_of_publish(output))
        ),
        "GetLayerVersion" => send!(
            recorder,
            client.get_layer_version(),
            input { set_layer_name: string("LayerName"), set_version_number: long("VersionNumber") },
            |output| layer_version_json(layer_version_of_get(output))
        ),
        "GetLayerVersionByArn" => {
            send!(recorder, client.get_layer_version_by_arn(), input { set_arn: string("Arn") }, |output| {
                layer_version_json(layer_version_of_arn(output))
            })
        }
        "ListLayers" => send!(
            recorder,
            client.list_layers(),
            input {
                set_compatible_runtime: single_runtime("CompatibleRuntime"),
                set_marker: string("Marker"),
                set_max_items: int("MaxItems"),
                set_compatible_architecture: architecture("CompatibleArchitecture"),
            },
            |output| {
                let layers: Option<Vec<Value>> =
                    output.layers.map(|layers| layers.into_iter().map(layer_json).collect());
                JsonObject::new().member("NextMarker", output.next_marker).member("Layers", layers).build()
            }
        ),
        "ListLayerVersions" => send!(
            recorder,
            client.list_layer_versions(),
            input {
                set_compatible_runtime: single_runtime("CompatibleRuntime"),
                set_layer_name: string("LayerName"),
                set_marker: string("Marker"),
                set_max_items: int("MaxItems"),
                set_compatible_architecture: architecture("CompatibleArchitecture"),
            },
            |output| {
                let versions: Option<Vec<Value>> =
                    output.layer_versions.map(|versions| versions.into_iter().map(layer_versions_item_json).collect());
                JsonObject::new().member("NextMarker", output.next_marker).member("LayerVersions", versions).build()
            }
        ),
        "DeleteLayerVersion" => send!(
            recorder,
            client.delete_layer_version(),
            input { set_layer_name: string("LayerName"), set_version_number: long("VersionNumber") },
            |_| empty()
        ),
        "AddLayerVersionPermission" => send!(
            recorder,
            client.add_layer_version_permission(),
            input {
                set_layer_name: string("LayerName"),
                set_version_number: long("VersionNumber"),
                set_statement_id: string("StatementId"),
                set_action: string("Action"),
                set_principal: string("Principal"),
                set_organization_id: string("OrganizationId"),
                set_revision_id: string("RevisionId"),
            },
            |output| {
                JsonObject::new().member("Statement", output.statement).member("RevisionId", output.revision_id).build()
            }
        ),
        "RemoveLayerVersionPermission" => send!(
            recorder,
            client.remove_layer_version_permission(),
            input {
                set_layer_name: string("LayerName"),
                set_version_number: long("VersionNumber"),
                set_statement_id: string("StatementId"),
                set_revision_id: string("RevisionId"),
            },
            |_| empty()
        ),
        "GetLayerVersionPolicy" => send!(
            recorder,
            client.get_layer_version_policy(),
            input { set_layer_name: string("LayerName"), set_version_number: long("VersionNumber") },
            |output| JsonObject::new().member("Policy", output.policy).member("RevisionId", output.revision_id).build()
        ),
        other => return Err(unlisted_operation("Lambda", other)),
    };
    Ok(outcome)
}

/// Reads the Lambda structures of a step input into their SDK types.
trait LambdaInput {
    fn zip_file(&self, member: &str) -> Result<Option<Blob>, InputError>;
    fn function_code(&self, member: &str) -> Result<Option<FunctionCode>, InputError>;
    fn layer_content(&self, member: &str) -> Result<Option<LayerVersionContentInput>, InputError>;
    fn environment(&self, member: &str) -> Result<Option<Environment>, InputError>;
    fn routing_config(&self, member: &str) -> Result<Option<AliasRoutingConfiguration>, InputError>;
    fn payload(&self, member: &str) -> Result<Option<Blob>, InputError>;
    fn runtime(&self, member: &str) -> Result<Option<Runtime>, InputError>;
    fn single_runtime(&self, member: &str) -> Result<Option<Runtime>, InputError>;
    fn runtimes(&self, member: &str) -> Result<Option<Vec<Runtime>>, InputError>;
    fn architecture(&self, member: &str) -> Result<Option<Architecture>, InputError>;
    fn architectures(&self, member: &str) -> Result<Option<Vec<Architecture>>, InputError>;
    fn package_type(&self, member: &str) -> Result<Option<PackageType>, InputError>;
    fn function_version(&self, member: &str) -> Result<Option<FunctionVersion>, InputError>;
    fn invocation_type(&self, member: &str) -> Result<Option<InvocationType>, InputError>;
    fn log_type(&self, member: &str) -> Result<Option<LogType>, InputError>;
    fn function_url_auth_type(&self, member: &str) -> Result<Option<FunctionUrlAuthType>, InputError>;
}

impl LambdaInput for Input<'_> {
    /// Reads a `ZipArchive`: `Files` to zip, or `Base64` bytes.
    fn zip_file(&self, member: &str) -> Result<Option<Blob>, InputError> {
        let Some(archive) = self.object(member)? else {
            return Ok(None);
        };
        let archive = archive.input();
        let files = archive.string_map("Files")?;
        let bytes = archive.blob("Base64")?;
        let path = format!("{}{member}", self.prefix());
        match (files, bytes) {
            (Some(files), None) => {
                let sorted: BTreeMap<String, Vec<u8>> =
                    files.into_iter().map(|(name, content)| (name, content.into_bytes())).collect();
                let zipped = zip::build_zip(&sorted)
                    .map_err(|error| InputError { path: format!("{path}.Files"), message: error.to_string() })?;
                Ok(Some(Blob::new(zipped)))
            }
            (None, Some(bytes)) => Ok(Some(bytes)),
            (Some(_), Some(_)) => {
                Err(InputError { path, message: "write either Files or Base64, not both".to_owned() })
            }
            (None, None) => Err(InputError {
                path,
                message: "missing Files (the files to zip) or Base64 (the archive's bytes)".to_owned(),
            }),
        }
    }

    fn function_code(&self, member: &str) -> Result<Option<FunctionCode>, InputError> {
        let Some(code) = self.object(member)? else {
            return Ok(None);
        };
        let code = code.input();
        Ok(Some(
            FunctionCode::builder()
                .set_zip_file(code.zip_file("ZipFile")?)
                .set_s3_bucket(code.string("S3Bucket")?)
                .set_s3_key(code.string("S3Key")?)
                .set_s3_object_version(code.string("S3ObjectVersion")?)
                .set_image_uri(code.string("ImageUri")?)
                .build(),
        ))
    }

    fn layer_content(&self, member: &str) -> Result<Option<LayerVersionContentInput>, InputError> {
        let Some(content) = self.object(member)? else {
            return Ok(None);
        };
        let content = content.input();
        Ok(Some(
            LayerVersionContentInput::builder()
                .set_zip_file(content.zip_file("ZipFile")?)
                .set_s3_bucket(content.string("S3Bucket")?)
                .set_s3_key(content.string("S3Key")?)
                .set_s3_object_version(content.string("S3ObjectVersion")?)
                .build(),
        ))
    }

    fn environment(&self, member: &str) -> Result<Option<Environment>, InputError> {
        let Some(environment) = self.object(member)? else {
            return Ok(None);
        };
        let variables = environment.input().string_map("Variables")?;
        Ok(Some(Environment::builder().set_variables(variables).build()))
    }

    fn routing_config(&self, member: &str) -> Result<Option<AliasRoutingConfiguration>, InputError> {
        let Some(routing) = self.object(member)? else {
            return Ok(None);
        };
        let weights = routing.input().double_map("AdditionalVersionWeights")?;
        Ok(Some(AliasRoutingConfiguration::builder().set_additional_version_weights(weights).build()))
    }

    /// Reads `Payload` (a string as its bytes, anything else as JSON text)
    /// or, in its place, `PayloadSizeBytes`.
    fn payload(&self, member: &str) -> Result<Option<Blob>, InputError> {
        let size_member = format!("{member}SizeBytes");
        let size = self.int(&size_member)?;
        match (self.document(member), size) {
            (Some(_), Some(_)) => Err(InputError {
                path: format!("{}{member}", self.prefix()),
                message: format!("write either {member} or {size_member}, not both"),
            }),
            (Some(Value::String(text)), None) => Ok(Some(Blob::new(text.clone().into_bytes()))),
            (Some(value), None) => Ok(Some(Blob::new(value.to_string().into_bytes()))),
            (None, Some(size)) => {
                let size = usize::try_from(size).ok().filter(|size| *size >= 2).ok_or_else(|| InputError {
                    path: format!("{}{size_member}", self.prefix()),
                    message: format!("expected at least 2 bytes (the quotes of a JSON string), found {size}"),
                })?;
                Ok(Some(Blob::new(json_string_of_size(size))))
            }
            (None, None) => Ok(None),
        }
    }

    fn runtime(&self, member: &str) -> Result<Option<Runtime>, InputError> {
        Ok(self.string(member)?.map(|text| Runtime::from(text.as_str())))
    }

    fn single_runtime(&self, member: &str) -> Result<Option<Runtime>, InputError> {
        self.runtime(member)
    }

    fn runtimes(&self, member: &str) -> Result<Option<Vec<Runtime>>, InputError> {
        Ok(self.string_list(member)?.map(|items| items.iter().map(|text| Runtime::from(text.as_str())).collect()))
    }

    fn architecture(&self, member: &str) -> Result<Option<Architecture>, InputError> {
        Ok(self.string(member)?.map(|text| Architecture::from(text.as_str())))
    }

    fn architectures(&self, member: &str) -> Result<Option<Vec<Architecture>>, InputError> {
        Ok(self.string_list(member)?.map(|items| items.iter().map(|text| Architecture::from(text.as_str())).collect()))
    }

    fn package_type(&self, member: &str) -> Result<Option<PackageType>, InputError> {
        Ok(self.string(member)?.map(|text| PackageType::from(text.as_str())))
    }

    fn function_version(&self, member: &str) -> Result<Option<FunctionVersion>, InputError> {
        Ok(self.string(member)?.map(|text| FunctionVersion::from(text.as_str())))
    }

    fn invocation_type(&self, member: &str) -> Result<Option<InvocationType>, InputError> {
        Ok(self.string(member)?.map(|text| InvocationType::from(text.as_str())))
    }

    fn log_type(&self, member: &str) -> Result<Option<LogType>, InputError> {
        Ok(self.string(member)?.map(|text| LogType::from(text.as_str())))
    }

    fn function_url_auth_type(&self, member: &str) -> Result<Option<FunctionUrlAuthType>, InputError> {
        Ok(self.string(member)?.map(|text| FunctionUrlAuthType::from(text.as_str())))
    }
}

/// Returns a JSON string of exactly `size` bytes: quotes around `size - 2` letters.
fn json_string_of_size(size: usize) -> Vec<u8> {
    let mut text = Vec::with_capacity(size);
    text.push(b'"');
    text.resize(size - 1, b'a');
    text.push(b'"');
    text
}

/// Renders an invocation's response payload: the JSON value it contains,
/// or its text when it is no JSON.
fn payload_json(payload: Blob) -> Value {
    let bytes = payload.into_inner();
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(value) => value,
        Err(_) => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

/// Decodes `LogResult` from base64 to its text; text that is no base64 stays as it is.
fn decoded_log(log: &str) -> String {
    use base64::Engine as _;
    match base64::engine::general_purpose::STANDARD.decode(log) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => log.to_owned(),
    }
}

fn function_configuration_json(configuration: FunctionConfiguration) -> Value {
    let environment = configuration
        .environment
        .map(|environment| JsonObject::new().member("Variables", environment.variables.map(sorted_string_map)).build());
    let layers: Option<Vec<Value>> = configuration.layers.map(|layers| {
        layers
            .into_iter()
            .map(|layer| JsonObject::new().member("Arn", layer.arn).required("CodeSize", layer.code_size).build())
            .collect()
    });
    let architectures: Option<Vec<Value>> = configuration
        .architectures
        .map(|items| items.iter().map(|architecture| Value::from(architecture.as_str())).collect());
    JsonObject::new()
        .member("FunctionName", configuration.function_name)
        .member("FunctionArn", configuration.function_arn)
        .member("Runtime", configuration.runtime.map(|runtime| runtime.as_str().to_owned()))
        .member("Role", configuration.role)
        .member("Handler", configuration.handler)
        .required("CodeSize", configuration.code_size)
        .member("CodeSha256", configuration.code_sha256)
        .member("Description", configuration.description)
        .member("Timeout", configuration.timeout)
        .member("MemorySize", configuration.memory_size)
        .member("LastModified", configuration.last_modified)
        .member("Version", configuration.version)
        .member("Environment", environment)
        .member("RevisionId", configuration.revision_id)
        .member("Layers", layers)
        .member("State", configuration.state.map(|state| state.as_str().to_owned()))
        .member("LastUpdateStatus", configuration.last_update_status.map(|status| status.as_str().to_owned()))
        .member("PackageType", configuration.package_type.map(|package| package.as_str().to_owned()))
        .member("Architectures", architectures)
        .build()
}

/// Generates a function that moves the configuration members of an
/// operation's output into a [`FunctionConfiguration`], because the SDK
/// gives each operation its own output type with the same members.
macro_rules! configuration_of {
    ($name:ident, $output:ty) => {
        fn $name(output: $output) -> FunctionConfiguration {
            FunctionConfiguration::builder()
                .set_function_name(output.function_name)
                .set_function_arn(output.function_arn)
                .set_runtime(output.runtime)
                .set_role(output.role)
                .set_handler(output.handler)
                .code_size(output.code_size)
                .set_code_sha256(output.code_sha256)
                .set_description(output.description)
                .set_timeout(output.timeout)
                .set_memory_size(output.memory_size)
                .set_last_modified(output.last_modified)
                .set_version(output.version)
                .set_environment(output.environment)
                .set_revision_id(output.revision_id)
                .set_layers(output.layers)
                .set_state(output.state)
                .set_last_update_status(output.last_update_status)
                .set_package_type(output.package_type)
                .set_architectures(output.architectures)
                .build()
        }
    };
}

configuration_of!(
    configuration_of_get,
    aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput
);
configuration_of!(
    configuration_of_code_update,
    aws_sdk_lambda::operation::update_function_code::UpdateFunctionCodeOutput
);
configuration_of!(
    configuration_of_configuration_update,
    aws_sdk_lambda::operation::update_function_configuration::UpdateFunctionConfigurationOutput
);
configuration_of!(configuration_of_publish, aws_sdk_lambda::operation::publish_version::PublishVersionOutput);

configuration_of!(configuration_of_create, aws_sdk_lambda::operation::create_function::CreateFunctionOutput);

fn alias_json(alias: AliasConfiguration) -> Value {
    let routing = alias.routing_config.map(|routing| {
        let weights = routing.additional_version_weights.map(|weights| {
            let sorted: BTreeMap<String, f64> = weights.into_iter().collect();
            Value::Object(
                sorted.into_iter().map(|(version, weight)| (version, Value::from(weight))).collect::<Map<_, _>>(),
            )
        });
        JsonObject::new().member("AdditionalVersionWeights", weights).build()
    });
    JsonObject::new()
        .member("AliasArn", alias.alias_arn)
        .member("Name", alias.name)
        .member("FunctionVersion", alias.function_version)
        .member("Description", alias.description)
        .member("RoutingConfig", routing)
        .member("RevisionId", alias.revision_id)
        .build()
}

/// Generates a function that moves an alias operation's output into an [`AliasConfiguration`].
macro_rules! alias_of {
    ($name:ident, $output:ty) => {
        fn $name(output: $output) -> AliasConfiguration {
            AliasConfiguration::builder()
                .set_alias_arn(output.alias_arn)
                .set_name(output.name)
                .set_function_version(output.function_version)
                .set_description(output.description)
                .set_routing_config(output.routing_config)
                .set_revision_id(output.revision_id)
                .build()
        }
    };
}

alias_of!(alias_of_create, aws_sdk_lambda::operation::create_alias::CreateAliasOutput);
alias_of!(alias_of_get, aws_sdk_lambda::operation::get_alias::GetAliasOutput);
alias_of!(alias_of_update, aws_sdk_lambda::operation::update_alias::UpdateAliasOutput);

/// The members of one layer version, which three operations return in their own output types.
struct LayerVersionParts {
    content: Option<LayerVersionContentOutput>,
    layer_arn: Option<String>,
    layer_version_arn: Option<String>,
    description: Option<String>,
    created_date: Option<String>,
    version: i64,
    compatible_runtimes: Option<Vec<Runtime>>,
    compatible_architectures: Option<Vec<Architecture>>,
    license_info: Option<String>,
}

/// Generates a function that moves a layer operation's output into [`LayerVersionParts`].
macro_rules! layer_version_of {
    ($name:ident, $output:ty) => {
        fn $name(output: $output) -> LayerVersionParts {
            LayerVersionParts {
                content: output.content,
                layer_arn: output.layer_arn,
                layer_version_arn: output.layer_version_arn,
                description: output.description,
                created_date: output.created_date,
                version: output.version,
                compatible_runtimes: output.compatible_runtimes,
                compatible_architectures: output.compatible_architectures,
                license_info: output.license_info,
            }
        }
    };
}

layer_version_of!(
    layer_version_of_publish,
    aws_sdk_lambda::operation::publish_layer_version::PublishLayerVersionOutput
);
layer_version_of!(layer_version_of_get, aws_sdk_lambda::operation::get_layer_version::GetLayerVersionOutput);
layer_version_of!(
    layer_version_of_arn,
    aws_sdk_lambda::operation::get_layer_version_by_arn::GetLayerVersionByArnOutput
);

fn layer_version_json(parts: LayerVersionParts) -> Value {
    let content = parts.content.map(|content| {
        JsonObject::new().member("CodeSha256", content.code_sha256).required("CodeSize", content.code_size).build()
    });
    JsonObject::new()
        .member("Content", content)
        .member("LayerArn", parts.layer_arn)
        .member("LayerVersionArn", parts.layer_version_arn)
        .member("Description", parts.description)
        .member("CreatedDate", parts.created_date)
        .required("Version", parts.version)
        .member("CompatibleRuntimes", runtime_names(parts.compatible_runtimes))
        .member("CompatibleArchitectures", architecture_names(parts.compatible_architectures))
        .member("LicenseInfo", parts.license_info)
        .build()
}

fn layer_versions_item_json(item: LayerVersionsListItem) -> Value {
    JsonObject::new()
        .member("LayerVersionArn", item.layer_version_arn)
        .required("Version", item.version)
        .member("Description", item.description)
        .member("CreatedDate", item.created_date)
        .member("CompatibleRuntimes", runtime_names(item.compatible_runtimes))
        .member("CompatibleArchitectures", architecture_names(item.compatible_architectures))
        .member("LicenseInfo", item.license_info)
        .build()
}

fn layer_json(layer: LayersListItem) -> Value {
    JsonObject::new()
        .member("LayerName", layer.layer_name)
        .member("LayerArn", layer.layer_arn)
        .member("LatestMatchingVersion", layer.latest_matching_version.map(layer_versions_item_json))
        .build()
}

fn runtime_names(runtimes: Option<Vec<Runtime>>) -> Option<Vec<Value>> {
    runtimes.map(|runtimes| runtimes.iter().map(|runtime| Value::from(runtime.as_str())).collect())
}

fn architecture_names(architectures: Option<Vec<Architecture>>) -> Option<Vec<Value>> {
    architectures.map(|items| items.iter().map(|architecture| Value::from(architecture.as_str())).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::driver::operation_table_checks::{object, rendered_fits};

    #[test]
    fn zip_file_zips_files() {
        let input = object(json!({ "ZipFile": { "Files": { "index.py": "def handler(e, c):\n    return e\n" } } }));
        let blob = Input::new(&input).zip_file("ZipFile").expect("valid files").expect("present");
        let files = BTreeMap::from([("index.py".to_owned(), b"def handler(e, c):\n    return e\n".to_vec())]);
        assert_eq!(blob.into_inner(), zip::build_zip(&files).expect("small files fit"));
    }

    #[test]
    fn zip_file_takes_base64_bytes() {
        let input = object(json!({ "Code": { "ZipFile": { "Base64": "bm90IGEgemlw" } } }));
        let code = Input::new(&input).function_code("Code").expect("valid code").expect("present");
        assert_eq!(code.zip_file.map(Blob::into_inner), Some(b"not a zip".to_vec()));
    }

    #[test]
    fn zip_file_needs_exactly_one_form() {
        let both = object(json!({ "ZipFile": { "Files": { "a": "b" }, "Base64": "YQ==" } }));
        let error = Input::new(&both).zip_file("ZipFile").expect_err("both forms");
        assert_eq!(error.path, "ZipFile");
        let neither = object(json!({ "Code": { "ZipFile": {} } }));
        let error = Input::new(&neither).function_code("Code").expect_err("no form");
        assert_eq!(error.path, "Code.ZipFile");
    }

    #[test]
    fn payload_sends_text_or_json() {
        let text = object(json!({ "Payload": "not json" }));
        assert_eq!(Input::new(&text).payload("Payload"), Ok(Some(Blob::new(b"not json".to_vec()))));
        let document = object(json!({ "Payload": { "n": 1 } }));
        assert_eq!(Input::new(&document).payload("Payload"), Ok(Some(Blob::new(br#"{"n":1}"#.to_vec()))));
    }

    #[test]
    fn payload_size_builds_json_string() {
        let sized = object(json!({ "PayloadSizeBytes": 10 }));
        let blob = Input::new(&sized).payload("Payload").expect("a size").expect("present").into_inner();
        assert_eq!(blob, b"\"aaaaaaaa\"".to_vec());
        let both = object(json!({ "Payload": {}, "PayloadSizeBytes": 10 }));
        assert!(Input::new(&both).payload("Payload").is_err(), "both members");
        let tiny = object(json!({ "PayloadSizeBytes": 1 }));
        assert!(Input::new(&tiny).payload("Payload").is_err(), "too small for quotes");
    }

    #[test]
    fn response_payload_renders_json_or_text() {
        assert_eq!(payload_json(Blob::new(br#"{"ok":true}"#.to_vec())), json!({ "ok": true }));
        assert_eq!(payload_json(Blob::new(b"plain".to_vec())), json!("plain"));
    }

    #[test]
    fn rendered_invoke_fits_output() {
        let response = JsonObject::new()
            .required("StatusCode", 200)
            .member("FunctionError", Some("Unhandled"))
            .member("LogResult", Some(decoded_log("U1RBUlQ=")))
            .member("Payload", Some(json!({ "errorMessage": "boom" })))
            .build();
        assert_eq!(response["LogResult"], json!("START"));
        rendered_fits(OPERATIONS, "Invoke", &response);
    }

    #[test]
    fn rendered_alias_sorts_weights_and_fits_output() {
        let alias = AliasConfiguration::builder()
            .name("live")
            .function_version("1")
            .routing_config(
                AliasRoutingConfiguration::builder()
                    .additional_version_weights("3", 0.1)
                    .additional_version_weights("2", 0.25)
                    .build(),
            )
            .build();
        let response = alias_json(alias);
        let versions: Vec<&String> =
            response["RoutingConfig"]["AdditionalVersionWeights"].as_object().expect("a map").keys().collect();
        assert_eq!(versions, ["2", "3"]);
        rendered_fits(OPERATIONS, "GetAlias", &response);
    }
}
