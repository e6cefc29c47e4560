//! Drivers: calls through the official AWS SDK crates, one driver per service.
//!
//! A driver turns a step's JSON input (the API's member names) into an SDK
//! call and the SDK's output back into JSON with the API's member names, so
//! every target is judged through the same client code real users run.
//!
//! Each driver declares, per operation, an [`Operation`]. Its input and
//! output shapes ([`shape`]) are what the loaders check scenarios and
//! catalogs against, and what the driver checks each call's input against.
//! It also names the member that carries the resource address, with a
//! function that classifies the address and resolves its owning namespace
//! through the emulator's `arn` module. The [`Registry`] maps
//! `service.Operation` to its driver.
//!
//! To add a service: write `driver/<service>.rs` implementing [`Driver`]
//! with the `sdk_driver!` macro, one `send!` per operation (see
//! `driver/macros.rs` and the SNS driver), and its operation table in
//! `driver/<service>/operations.rs`. Then list the driver in
//! [`Registry::with_default_drivers`].

#[macro_use]
mod macros;

pub mod http;
mod input;
pub mod kms;
pub mod lambda;
pub mod s3;
pub mod secretsmanager;
pub mod shape;
pub mod sns;
pub mod sqs;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use aws_config::SdkConfig;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use crosscheck_emulator::arn::AddressKind;
use crosscheck_emulator::store::Namespace;
use serde_json::{Map, Value};

use crate::outcome::{Outcome, OutcomeClass};

pub use self::input::{Input, InputError};
use self::shape::{Rules, Structure};

/// The future a driver call returns.
pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Outcome, InputError>> + Send + 'a>>;

/// Calls one service's operations through its SDK crate.
pub trait Driver: Send + Sync {
    /// The service name used in scenarios, e.g. `sqs`.
    fn service(&self) -> &'static str;

    /// Every operation the driver can call.
    fn operations(&self) -> &'static [Operation];

    /// Calls `operation` with `input` as the actor `config` describes.
    ///
    /// Fails only when the input does not fit the operation's input shape (a
    /// scenario mistake, see [`check_input`]); everything the target does is
    /// in the [`Outcome`].
    fn call<'a>(&'a self, config: &'a SdkConfig, operation: &'a str, input: &'a Map<String, Value>) -> CallFuture<'a>;

    /// The operations [`Driver::presign`] can presign; none unless a driver overrides this method.
    fn presigned_operations(&self) -> &'static [&'static str] {
        &[]
    }

    /// Presigns `operation` with `input` as the actor `config` describes,
    /// without sending it. The outcome's response is a [`PRESIGNED_REQUEST`]:
    /// `Method`, `URL` and the `Headers` a client must send with it.
    fn presign<'a>(
        &'a self,
        _config: &'a SdkConfig,
        operation: &'a str,
        _input: &'a Map<String, Value>,
    ) -> CallFuture<'a> {
        let service = self.service();
        Box::pin(async move {
            Err(InputError { path: String::new(), message: format!("the {service} driver cannot presign {operation}") })
        })
    }
}

/// The response of a presigned step: the request a client without credentials sends.
pub const PRESIGNED_REQUEST: Structure = Structure {
    name: "PresignedRequest",
    members: &[
        shape::Member::optional("Method", shape::Shape::String),
        shape::Member::optional("URL", shape::Shape::String),
        shape::Member::optional("Headers", shape::Shape::Map(&shape::Shape::String)),
    ],
};

/// Renders a presigned request as a [`PRESIGNED_REQUEST`] outcome. The
/// `host` header is left out because a client derives it from the URL.
pub fn presigned_outcome<'h>(
    method: &str,
    url: &str,
    headers: impl Iterator<Item = (&'h str, &'h str)>,
) -> Outcome {
    let headers: Map<String, Value> = headers
        .filter(|(name, _)| !name.eq_ignore_ascii_case("host"))
        .map(|(name, value)| (name.to_ascii_lowercase(), Value::String(value.to_owned())))
        .collect();
    let response = JsonObject::new()
        .required("Method", method)
        .required("URL", url)
        .required("Headers", Value::Object(headers))
        .build();
    Outcome::ok(None, response)
}

/// Replaces the parts of a presigned URL that change from run to run (the
/// port, the signing date and time, and the signature) so snapshots stay
/// stable. Every other query parameter keeps its value and its position.
pub fn stable_presigned_url(url: &str) -> String {
    let (before_query, query) = url.split_once('?').unwrap_or((url, ""));
    let without_scheme = before_query.split_once("://").map_or(before_query, |(_, rest)| rest);
    let path = without_scheme.find('/').map_or("/", |index| &without_scheme[index..]);
    let host = without_scheme.split('/').next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(name, _port)| name);
    let parameters: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match name {
                "X-Amz-Date" | "X-Amz-Signature" => format!("{name}=<{}>", name.to_ascii_lowercase()),
                "X-Amz-Credential" => {
                    // KEY/DATE/REGION/SERVICE/aws4_request, with `/` as %2F.
                    let parts: Vec<&str> = value.split("%2F").collect();
                    match parts.as_slice() {
                        [key, _date, region, service, terminator] => {
                            format!("{name}={key}%2F<date>%2F{region}%2F{service}%2F{terminator}")
                        }
                        _ => format!("{name}={value}"),
                    }
                }
                _ => format!("{name}={value}"),
            }
        })
        .collect();
    format!("http://{host}:<port>{path}?{}", parameters.join("&"))
}

/// What a driver declares about one operation.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The operation name as in the AWS API reference, e.g. `GetQueueAttributes`.
    pub name: &'static str,
    /// Its input members, with the API's names, nested.
    pub input: &'static Structure,
    /// Its output members as the driver renders them to JSON.
    pub output: &'static Structure,
    /// The member naming the resource the call acts on; `None` for calls
    /// that act on the caller's own namespace, such as `ListQueues`.
    pub address: Option<AddressMember>,
}

/// The input member that carries an operation's resource address.
#[derive(Debug, Clone, Copy)]
pub struct AddressMember {
    pub member: &'static str,
    /// Classifies the member's value and finds the namespace that owns the
    /// resource, given the whole input and the caller's namespace. `None`
    /// when the value is not an address of the expected shape.
    pub resolve: fn(value: &str, input: &Map<String, Value>, caller: &Namespace) -> Option<ResolvedAddress>,
    /// Whether a successful call frees a global name (S3's DeleteBucket), so
    /// that any account may claim the name again.
    pub releases_name: bool,
}

/// A resource address, classified and resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAddress {
    pub kind: AddressKind,
    pub namespace: Namespace,
}

/// Resolves an ARN; ARNs without an account or region (S3 buckets) name no namespace.
pub fn resolve_arn(value: &str, _input: &Map<String, Value>, _caller: &Namespace) -> Option<ResolvedAddress> {
    let arn: crosscheck_emulator::arn::Arn = value.parse().ok()?;
    Some(ResolvedAddress { kind: AddressKind::Arn, namespace: arn.namespace()? })
}

/// Resolves a bare name, which always acts in the caller's own namespace.
pub fn resolve_own_name(_value: &str, _input: &Map<String, Value>, caller: &Namespace) -> Option<ResolvedAddress> {
    Some(ResolvedAddress { kind: AddressKind::Name, namespace: caller.clone() })
}

/// Why a `service.Operation` name does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    UnknownService { service: String, known: Vec<&'static str> },
    UnknownOperation { operation: String, suggestion: Option<&'static str> },
}

/// Maps `service.Operation` to the driver that calls it.
pub struct Registry {
    drivers: Vec<Box<dyn Driver>>,
}

impl Registry {
    /// A registry with every driver crosscheck ships.
    pub fn with_default_drivers() -> Registry {
        Registry {
            drivers: vec![
                Box::new(http::HttpDriver),
                Box::new(kms::KmsDriver),
                Box::new(lambda::LambdaDriver),
                Box::new(s3::S3Driver),
                Box::new(secretsmanager::SecretsManagerDriver),
                Box::new(sns::SnsDriver),
                Box::new(sqs::SqsDriver),
            ],
        }
    }

    /// The services that have a driver.
    pub fn services(&self) -> Vec<&'static str> {
        self.drivers.iter().map(|driver| driver.service()).collect()
    }

    /// Finds the driver of `service`.
    pub fn driver(&self, service: &str) -> Option<&dyn Driver> {
        self.drivers.iter().find(|driver| driver.service() == service).map(|driver| &**driver)
    }

    /// Finds `service.operation`.
    pub fn operation(&self, service: &str, operation: &str) -> Result<(&dyn Driver, &'static Operation), LookupError> {
        let driver = self
            .driver(service)
            .ok_or_else(|| LookupError::UnknownService { service: service.to_owned(), known: self.services() })?;
        let operations = driver.operations();
        match operations.iter().find(|candidate| candidate.name == operation) {
            Some(found) => Ok((driver, found)),
            None => Err(LookupError::UnknownOperation {
                operation: operation.to_owned(),
                suggestion: closest(operation, operations.iter().map(|candidate| candidate.name)),
            }),
        }
    }
}

/// Finds `operation` in a driver's table and checks `input`, after
/// `${variable}` substitution, against its input shape.
///
/// The loaders check the input as written; this catches a captured value of
/// the wrong type, such as a list substituted where a string belongs.
pub fn check_input(
    operations: &'static [Operation],
    operation: &str,
    input: &Map<String, Value>,
) -> Result<&'static Operation, InputError> {
    let Some(declared) = operations.iter().find(|candidate| candidate.name == operation) else {
        return Err(InputError { path: String::new(), message: format!("the driver does not declare {operation}") });
    };
    shape::check_members(input, declared.input, Rules::SENT_INPUT)
        .map_err(|error| InputError { path: error.path_text(), message: error.message })?;
    Ok(declared)
}

/// Checks in debug builds that a successful response fits the declared
/// output, so that captures and `ok` subsets the loader accepted can match.
pub fn debug_check_output(operation: &Operation, outcome: &Outcome) {
    if cfg!(debug_assertions) && outcome.class == OutcomeClass::Ok {
        let checked = shape::check_structure(&outcome.response, operation.output, Rules::RENDERED_OUTPUT);
        assert!(checked.is_ok(), "the {} response does not fit {}: {checked:?}", operation.name, operation.output.name);
    }
}

/// Returns the candidate closest to `name` when it is a likely typo of it.
pub fn closest(name: &str, candidates: impl Iterator<Item = &'static str>) -> Option<&'static str> {
    let lowered = name.to_ascii_lowercase();
    candidates
        .map(|candidate| (edit_distance(&lowered, &candidate.to_ascii_lowercase()), candidate))
        .filter(|(distance, _)| *distance <= 2.max(name.len() / 5))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The Levenshtein distance between two strings, counted in chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// Records the HTTP status of the response a call received, success or error.
#[derive(Debug, Clone, Default)]
pub struct StatusRecorder(Arc<AtomicU16>);

impl StatusRecorder {
    /// The recorded status; `None` when no response arrived.
    pub fn status(&self) -> Option<u16> {
        match self.0.load(Ordering::Relaxed) {
            0 => None,
            status => Some(status),
        }
    }
}

impl Intercept for StatusRecorder {
    fn name(&self) -> &'static str {
        "crosscheck::StatusRecorder"
    }

    fn read_after_transmit(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.store(context.response().status().as_u16(), Ordering::Relaxed);
        Ok(())
    }
}

/// Turns an SDK call's result into an [`Outcome`]: `to_json` renders a
/// successful output; an error keeps the code from the SDK's error metadata
/// and the status of the raw response.
pub fn outcome_of<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    recorder: &StatusRecorder,
    to_json: impl FnOnce(O) -> Value,
) -> Outcome
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(output) => Outcome::ok(recorder.status(), to_json(output)),
        Err(SdkError::ServiceError(context)) => {
            let error = context.err();
            Outcome::service_error(
                error.code().map(str::to_owned),
                recorder.status(),
                error.message().map(str::to_owned),
            )
        }
        Err(error) => {
            let message = format!("{}", DisplayErrorContext(&error));
            Outcome::transport_failure(recorder.status(), message)
        }
    }
}

/// Builds a JSON object member by member, leaving out absent values.
#[derive(Debug, Default)]
pub struct JsonObject(Map<String, Value>);

impl JsonObject {
    pub fn new() -> JsonObject {
        JsonObject::default()
    }

    /// Adds `member` when `value` is present.
    #[must_use]
    pub fn member(mut self, member: &str, value: Option<impl Into<Value>>) -> JsonObject {
        if let Some(value) = value {
            self.0.insert(member.to_owned(), value.into());
        }
        self
    }

    /// Adds `member` always.
    #[must_use]
    pub fn required(mut self, member: &str, value: impl Into<Value>) -> JsonObject {
        self.0.insert(member.to_owned(), value.into());
        self
    }

    pub fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// Builds the error for an operation that a driver's table lists but its
/// `match` has no arm for. The loaders check names against the table, so
/// only a driver bug gets here.
pub(crate) fn unlisted_operation(service: &str, operation: &str) -> InputError {
    InputError { path: String::new(), message: format!("the {service} driver lists {operation} but cannot call it") }
}

/// Returns an output with no members.
pub(crate) fn empty() -> Value {
    Value::Object(Map::new())
}

/// Returns whole seconds since the Unix epoch. The finer part of a
/// timestamp differs between calls, and no scenario compares it.
pub(crate) fn epoch_seconds(time: aws_smithy_types::DateTime) -> i64 {
    time.secs()
}

/// Renders a map of strings as a JSON object sorted by key, so that
/// snapshots do not depend on hash order.
pub(crate) fn sorted_string_map(map: std::collections::HashMap<String, String>) -> Value {
    let sorted: std::collections::BTreeMap<String, String> = map.into_iter().collect();
    Value::Object(sorted.into_iter().map(|(key, value)| (key, Value::String(value))).collect())
}

/// Renders a blob as base64 text, the form scenarios write blobs in.
pub(crate) fn base64_text(blob: aws_smithy_types::Blob) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(blob.into_inner())
}

/// Test checks that every driver's operation table and rendered outputs
/// must pass.
#[cfg(test)]
pub(crate) mod operation_table_checks {
    use serde_json::{Map, Value};

    use super::Operation;
    use super::shape::{self, Rules};

    /// Returns a JSON object as an input map.
    pub(crate) fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    /// Asserts that `response` fits the declared output of `name`.
    pub(crate) fn rendered_fits(operations: &[Operation], name: &str, response: &Value) {
        let operation = operations.iter().find(|operation| operation.name == name).expect("a declared operation");
        let checked = shape::check_structure(response, operation.output, Rules::RENDERED_OUTPUT);
        assert_eq!(checked, Ok(()), "{name} output {response}");
    }

    /// Asserts that `operations` has `count` distinct operations, that
    /// structures are named after their operation, that each address member
    /// is an input member, and that no top-level input member is required
    /// (the service, not the SDK, rejects a missing member).
    pub(crate) fn assert_consistent(operations: &[Operation], count: usize) {
        let mut names: Vec<&str> = operations.iter().map(|operation| operation.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), operations.len(), "duplicate operation names");
        assert_eq!(operations.len(), count, "the number of operations");

        for operation in operations {
            assert_eq!(operation.input.name, format!("{}Input", operation.name), "input of {}", operation.name);
            assert_eq!(operation.output.name, format!("{}Output", operation.name), "output of {}", operation.name);
            if let Some(address) = operation.address {
                assert!(
                    operation.input.member(address.member).is_some(),
                    "{} addresses by {}, which is not an input member",
                    operation.name,
                    address.member
                );
            }
            for member in operation.input.members {
                assert!(!member.required, "{}.{} is marked required", operation.name, member.name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presigned_url_hides_changing_parts() {
        let url = "http://127.0.0.1:40123/b/k.txt?x-id=GetObject&X-Amz-Algorithm=AWS4-HMAC-SHA256\
                   &X-Amz-Credential=111111111111%2F20261205%2Feu-west-1%2Fs3%2Faws4_request\
                   &X-Amz-Date=20261205T030000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=abc123";

        let stable = stable_presigned_url(url);

        assert_eq!(
            stable,
            "http://127.0.0.1:<port>/b/k.txt?x-id=GetObject&X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=111111111111%2F<date>%2Feu-west-1%2Fs3%2Faws4_request\
             &X-Amz-Date=<x-amz-date>&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=<x-amz-signature>"
        );
    }

    #[test]
    fn presigned_outcome_leaves_out_host() {
        let headers = [("Host", "b.s3.localhost.localstack.cloud:4566"), ("Content-Type", "text/plain")];

        let outcome = presigned_outcome("PUT", "http://x:1/k", headers.into_iter());

        assert_eq!(outcome.response["Method"], "PUT");
        assert_eq!(outcome.response["Headers"], serde_json::json!({ "content-type": "text/plain" }));
    }

    #[test]
    fn registry_finds_sqs_operations() {
        let registry = Registry::with_default_drivers();
        let (driver, operation) = registry.operation("sqs", "GetQueueAttributes").expect("known operation");
        assert_eq!(driver.service(), "sqs");
        assert!(operation.input.member("AttributeNames").is_some());
    }

    #[test]
    fn registry_suggests_close_operation_names() {
        let registry = Registry::with_default_drivers();
        let error = registry.operation("sqs", "CreateQueu").err();
        assert_eq!(
            error,
            Some(LookupError::UnknownOperation { operation: "CreateQueu".to_owned(), suggestion: Some("CreateQueue") })
        );
    }

    #[test]
    fn registry_rejects_unknown_service() {
        let registry = Registry::with_default_drivers();
        assert!(matches!(registry.operation("dynamodb", "GetItem"), Err(LookupError::UnknownService { .. })));
    }

    #[test]
    fn registry_finds_lambda_operations() {
        let registry = Registry::with_default_drivers();
        let (driver, operation) = registry.operation("lambda", "Invoke").expect("known operation");
        assert_eq!(driver.service(), "lambda");
        assert_eq!(operation.address.map(|address| address.member), Some("FunctionName"));
        assert_eq!(driver.operations().len(), 33);
        let (_, by_arn) = registry.operation("lambda", "GetLayerVersionByArn").expect("known operation");
        assert_eq!(by_arn.address.map(|address| address.member), Some("Arn"));
    }

    #[test]
    fn registry_suggests_close_lambda_names() {
        let registry = Registry::with_default_drivers();
        let error = registry.operation("lambda", "ListLayerVersion").err();
        assert_eq!(
            error,
            Some(LookupError::UnknownOperation {
                operation: "ListLayerVersion".to_owned(),
                suggestion: Some("ListLayerVersions")
            })
        );
    }

    #[test]
    fn registry_finds_kms_operations() {
        let registry = Registry::with_default_drivers();
        let (driver, operation) = registry.operation("kms", "Encrypt").expect("known operation");
        assert_eq!(driver.service(), "kms");
        assert_eq!(operation.address.map(|address| address.member), Some("KeyId"));
    }

    #[test]
    fn registry_finds_sns_operations() {
        let registry = Registry::with_default_drivers();
        let (driver, operation) = registry.operation("sns", "Publish").expect("known operation");
        assert_eq!(driver.service(), "sns");
        assert_eq!(operation.address.map(|address| address.member), Some("TopicArn"));
        assert_eq!(driver.operations().len(), 19);
    }

    #[test]
    fn registry_finds_secretsmanager_operations() {
        let registry = Registry::with_default_drivers();
        let (driver, operation) = registry.operation("secretsmanager", "GetSecretValue").expect("known operation");
        assert_eq!(driver.service(), "secretsmanager");
        assert_eq!(operation.address.map(|address| address.member), Some("SecretId"));
        assert_eq!(driver.operations().len(), 18);
    }

    #[test]
    fn registry_suggests_close_secretsmanager_names() {
        let registry = Registry::with_default_drivers();
        let error = registry.operation("secretsmanager", "GetSecretValues").err();
        assert_eq!(
            error,
            Some(LookupError::UnknownOperation {
                operation: "GetSecretValues".to_owned(),
                suggestion: Some("GetSecretValue")
            })
        );
    }

    #[test]
    fn sns_rejects_input_of_wrong_shape() {
        let registry = Registry::with_default_drivers();
        let driver = registry.driver("sns").expect("the SNS driver");
        let input = serde_json::json!({
            "TopicArn": "arn:aws:sns:ap-south-1:111111111111:t",
            "MessageAttributes": { "a": { "StringValue": "x" } },
        });
        let input = input.as_object().expect("an object");
        let error = check_input(driver.operations(), "Publish", input).expect_err("no DataType");
        assert_eq!(error.path, "MessageAttributes.a");
    }

    #[test]
    fn registry_finds_s3_operations() {
        let registry = Registry::with_default_drivers();
        let (driver, operation) = registry.operation("s3", "GetObject").expect("known operation");
        assert_eq!(driver.service(), "s3");
        assert_eq!(operation.address.map(|address| address.member), Some("Bucket"));
        assert_eq!(driver.operations().len(), 37);
    }

    #[test]
    fn registry_suggests_close_s3_names() {
        let registry = Registry::with_default_drivers();
        let error = registry.operation("s3", "ListObjectV2").err();
        assert_eq!(
            error,
            Some(LookupError::UnknownOperation { operation: "ListObjectV2".to_owned(), suggestion: Some("ListObjectsV2") })
        );
    }

    #[test]
    fn s3_bucket_resolves_to_no_namespace() {
        let registry = Registry::with_default_drivers();
        let (_, operation) = registry.operation("s3", "PutObject").expect("known operation");
        let resolve = operation.address.expect("an address").resolve;
        let caller = Namespace::new("222222222222", "eu-central-1");
        let resolved = resolve("shared", &Map::new(), &caller).expect("a bucket name");
        assert_eq!(resolved, ResolvedAddress { kind: AddressKind::GlobalName, namespace: Namespace::new("", "") });
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn arn_resolves_to_its_namespace() {
        let caller = Namespace::new("222222222222", "eu-central-1");
        let resolved = resolve_arn("arn:aws:sqs:ap-south-1:111111111111:q", &Map::new(), &caller);
        assert_eq!(
            resolved,
            Some(ResolvedAddress { kind: AddressKind::Arn, namespace: Namespace::new("111111111111", "ap-south-1") })
        );
        assert_eq!(resolve_arn("not-an-arn", &Map::new(), &caller), None);
    }
}
