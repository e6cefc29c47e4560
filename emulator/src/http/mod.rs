//! The front door: reads a request, finds the service and operation, and
//! hands back the service's response.
//!
//! Routing follows how AWS clients address services:
//!
//! - JSON protocols (awsJson1_0, awsJson1_1) name the operation in the
//!   `X-Amz-Target` header as `Prefix.Operation`; the prefix names the service.
//! - awsQuery sends `Action=Operation` in a form body or the query string; the
//!   SigV4 credential scope names the service, or failing that the first
//!   service that has an operation of that name.
//!
//! - Lambda (restJson1) names no operation either: a request signed for
//!   `lambda`, or an unsigned one on a Lambda API path such as
//!   `/2015-03-31/functions`, goes to Lambda before S3 is considered.
//! - S3 (REST-XML) names no operation in a header or parameter: a request
//!   signed for the `s3` service, or one that carries neither `X-Amz-Target`
//!   nor `Action`, goes to S3 before its body is read, so S3 can stream it.
//!
//! The front door never interprets an operation's input. It only decides who
//! the caller is ([`crate::identity`]) and which service gets the request.

pub mod aws_json;
pub mod aws_query;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, Limited, LengthLimitError};

use crate::config::Config;
use crate::arn::is_region_name;
use crate::error::AwsError;
use crate::identity::{self, Caller, DEFAULT_REGION};
use crate::services::Service;
use crate::services::kms::Kms;
use crate::services::lambda::{self, Lambda};
use crate::services::s3::{S3, errors::S3Error};
use crate::services::secretsmanager::SecretsManager;
use crate::services::sns::Sns;
use crate::services::sqs::Sqs;
use crate::services::sts::Sts;

/// The response type every handler returns.
pub type HttpResponse = Response<Full<Bytes>>;

/// Largest request body the front door reads, in bytes. SQS caps a message,
/// and a whole batch, at 1 MiB; this leaves room for encoding overhead.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// How long the front door waits for a request body to arrive in full.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The wire protocol a request arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_0,
    AwsJson1_1,
    AwsQuery,
}

/// What a service needs to know about a request besides its input.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub caller: Caller,
    /// The `Host` header, including any port.
    pub host: String,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    /// The address of the client, for the `aws:SourceIp` condition key;
    /// `None` when the request did not come through [`crate::server`].
    pub source_ip: Option<IpAddr>,
}

/// The client's socket address, which the server attaches to each request
/// as an extension before handing it to [`Emulator::handle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub SocketAddr);

/// One operation call routed to a service.
#[derive(Debug, Clone)]
pub struct ServiceCall {
    pub protocol: Protocol,
    pub operation: String,
    /// JSON protocols: the raw body. awsQuery: the decoded parameters
    /// (query string first, then form body), `Action` and `Version` included.
    pub body: Bytes,
    pub params: Vec<(String, String)>,
}

/// The emulator: configuration plus every service's state.
pub struct Emulator {
    config: Config,
    services: Vec<Arc<dyn Service>>,
    s3: Arc<S3>,
    lambda: Arc<Lambda>,
    request_counter: AtomicU64,
}

impl Emulator {
    /// Builds an emulator; `listen_port` is the port its URLs advertise unless
    /// the configuration overrides it.
    pub fn new(config: Config, listen_port: u16) -> Emulator {
        let port = config.advertised_port.unwrap_or(listen_port);
        let advertised_host = format!("{}:{port}", config.hostname);
        let sqs = Arc::new(Sqs::new(&config, advertised_host.clone()));
        let sts: Arc<dyn Service> = Arc::new(Sts::new());
        let kms = Arc::new(Kms::new(&config));
        let secrets_manager: Arc<dyn Service> = Arc::new(SecretsManager::new(&config, kms.clone()));
        let s3 = Arc::new(S3::new(&config));
        // Lambda reads deployment packages from S3 buckets and sends asynchronous invocation records to SQS queues.
        let lambda = Lambda::new(&config, s3.clone(), sqs.clone());
        // SNS delivers into SQS queues and invokes Lambda functions, so it keeps a handle to both services.
        let sns = Arc::new(Sns::new(&config, advertised_host, sqs.clone(), lambda.clone()));
        // Lambda sends invocation records to SNS topics too; it keeps a weak handle, so the two do not own each other.
        lambda.connect_sns(&sns);
        let sns: Arc<dyn Service> = sns;
        let sqs: Arc<dyn Service> = sqs;
        Emulator {
            config,
            services: vec![sqs, sts, kms, sns, secrets_manager],
            s3,
            lambda,
            request_counter: AtomicU64::new(0),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The Lambda service, for in-process inspection of its handler processes.
    pub fn lambda(&self) -> &Lambda {
        &self.lambda
    }

    /// Serves one HTTP request. Every error it detects becomes an AWS error
    /// response; a panic inside a service is not caught here.
    pub async fn handle<B>(&self, request: http::Request<B>) -> HttpResponse
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (parts, body) = request.into_parts();
        let request_id = self.next_request_id();

        if parts.uri.path() == "/_crosscheck/health" {
            return self.health();
        }

        if parts.uri.path().starts_with(lambda::code_url::PATH_PREFIX) {
            return self.lambda.serve_code_download(&parts.method, parts.uri.path());
        }

        if routes_to_lambda(&parts) {
            return self.handle_lambda(parts, body, request_id).await;
        }

        if self.routes_to_s3(&parts) {
            return match self.context_for(&parts, request_id) {
                Ok(context) => self.s3.handle(&context, parts.method.clone(), body).await,
                Err((error, request_id)) => {
                    tracing::debug!(code = %error.code, "rejected S3 request with an invalid credential scope");
                    S3Error::from(error).to_response(&request_id, parts.method != Method::HEAD)
                }
            };
        }

        let protocol = json_protocol(&parts.headers);
        let body = match read_body(body).await {
            Ok(body) => body,
            Err(error) => {
                tracing::debug!(code = %error.code, "rejected request whose body could not be read");
                return error_response(&error, protocol, &request_id);
            }
        };

        let context = match self.context_for(&parts, request_id) {
            Ok(context) => context,
            Err((error, request_id)) => {
                tracing::debug!(code = %error.code, "rejected request with an invalid credential scope");
                return error_response(&error, protocol, &request_id);
            }
        };

        let routed = self.route(&parts.method, &parts.headers, &context, body);
        let (service, call) = match routed {
            Ok(routed) => routed,
            Err((error, protocol)) => {
                tracing::debug!(
                    account = %context.caller.account_id,
                    region = %context.caller.region,
                    code = %error.code,
                    "rejected request that names no known operation"
                );
                return error_response(&error, protocol, &context.request_id);
            }
        };

        service.call(&context, call).await
    }

    async fn handle_lambda<B>(&self, parts: http::request::Parts, body: B, request_id: String) -> HttpResponse
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let body = match read_body_up_to(body, lambda::MAX_REQUEST_BYTES).await {
            Ok(body) => body,
            Err(error) => {
                tracing::debug!(code = %error.code, "rejected Lambda request whose body could not be read");
                return lambda::errors::response(&error, &request_id);
            }
        };
        match self.context_for(&parts, request_id) {
            Ok(context) => self.lambda.handle(&context, &parts.method, body).await,
            Err((error, request_id)) => {
                tracing::debug!(code = %error.code, "rejected Lambda request with an invalid credential scope");
                lambda::errors::response(&error, &request_id)
            }
        }
    }

    fn next_request_id(&self) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed);
        let random = uuid::Uuid::new_v4().as_u128() & !0xFFFF_FFFF_u128;
        uuid::Uuid::from_u128(random | u128::from(n as u32)).to_string()
    }

    /// Builds the request context. A credential scope whose region is not a
    /// region name is rejected, because every resource must carry a real
    /// region in its ARN and URL.
    fn context_for(
        &self,
        parts: &http::request::Parts,
        request_id: String,
    ) -> Result<RequestContext, (AwsError, String)> {
        let query = parts.uri.query().unwrap_or_default().to_owned();
        let authorization = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());

        let scope = authorization
            .and_then(identity::scope_from_authorization)
            .or_else(|| identity::scope_from_query(&query));
        let caller = match scope {
            Some(scope) if !is_region_name(&scope.region) => {
                let message = format!(
                    "Credential should be scoped to a valid region, not {:?}. Use a region name such as us-east-1.",
                    scope.region
                );
                return Err((AwsError::sender("SignatureDoesNotMatch", 403, message), request_id));
            }
            Some(scope) => Caller::new(&scope.access_key_id, &scope.region, self.config.identity),
            None => {
                let access_key_id = identity::access_key_from_legacy(authorization, &query).unwrap_or_default();
                Caller::new(&access_key_id, DEFAULT_REGION, self.config.identity)
            }
        };

        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| parts.uri.authority().map(|a| a.to_string()))
            .unwrap_or_default();

        Ok(RequestContext {
            request_id,
            caller,
            host,
            path: parts.uri.path().to_owned(),
            query,
            headers: parts.headers.clone(),
            source_ip: parts.extensions.get::<ClientAddress>().map(|address| address.0.ip()),
        })
    }

    /// Reports whether a request is for S3: signed for `s3`, or carrying no
    /// `X-Amz-Target` and no `Action` parameter. An unsigned POST to `/` with
    /// a form body stays with awsQuery, because S3 has no POST on the service root.
    fn routes_to_s3(&self, parts: &http::request::Parts) -> bool {
        if parts.headers.contains_key("x-amz-target") {
            return false;
        }
        let query = parts.uri.query().unwrap_or_default();
        if let Some(scope) = signing_scope(parts) {
            return scope.service == "s3";
        }
        if form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "Action") {
            return false;
        }
        let host = parts.headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if self.s3.host_is_virtual(host) {
            return true;
        }
        !(parts.method == Method::POST && parts.uri.path() == "/")
    }

    /// Finds the service and operation a request is for.
    #[allow(clippy::type_complexity)] // a private helper; the tuple is read once
    fn route(
        &self,
        method: &Method,
        headers: &HeaderMap,
        context: &RequestContext,
        body: Bytes,
    ) -> Result<(Arc<dyn Service>, ServiceCall), (AwsError, Option<Protocol>)> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();

        if let Some(target) = headers.get("x-amz-target") {
            let protocol = if content_type.starts_with("application/x-amz-json-1.1") {
                Protocol::AwsJson1_1
            } else {
                Protocol::AwsJson1_0
            };
            let target = String::from_utf8_lossy(target.as_bytes());
            let Some((prefix, operation)) = target.split_once('.') else {
                let error = AwsError::unknown_service(&format!("X-Amz-Target {target:?} is not Prefix.Operation"));
                return Err((error, Some(protocol)));
            };
            let Some(service) = self.services.iter().find(|s| s.json_target_prefix() == Some(prefix)) else {
                let error = AwsError::unknown_service(&format!("X-Amz-Target prefix {prefix:?} names no service"));
                return Err((error, Some(protocol)));
            };
            let call = ServiceCall {
                protocol,
                operation: operation.to_owned(),
                body,
                params: Vec::new(),
            };
            return Ok((service.clone(), call));
        }

        let is_form = content_type.starts_with("application/x-www-form-urlencoded");
        if *method == Method::GET || (*method == Method::POST && (is_form || content_type.is_empty())) {
            let params = aws_query::parse_params(&context.query, if is_form || content_type.is_empty() { &body } else { &[] });
            let Some(action) = aws_query::param(&params, "Action").map(str::to_owned) else {
                let error = AwsError::sender(
                    "MissingAction",
                    400,
                    "The request must contain either an X-Amz-Target header or an Action parameter.",
                );
                return Err((error, None));
            };

            let signing_name = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(identity::scope_from_authorization)
                .or_else(|| identity::scope_from_query(&context.query))
                .map(|scope| scope.service);
            let service = match &signing_name {
                Some(name) => self.services.iter().find(|s| s.signing_name() == name.as_str()),
                None => self.services.iter().find(|s| s.has_operation(&action)),
            };
            let Some(service) = service else {
                let detail = format!("no service serves Action {action:?} for signing name {signing_name:?}");
                return Err((AwsError::unknown_service(&detail), Some(Protocol::AwsQuery)));
            };
            let call = ServiceCall {
                protocol: Protocol::AwsQuery,
                operation: action,
                body,
                params,
            };
            return Ok((service.clone(), call));
        }

        let detail = format!("{method} {} with content type {content_type:?}", context.path);
        Err((AwsError::unknown_service(&detail), None))
    }

    fn health(&self) -> HttpResponse {
        let mut services: Vec<&str> = self.services.iter().map(|s| s.signing_name()).collect();
        services.push("s3");
        services.push("lambda");
        let body = serde_json::json!({
            "status": "running",
            "profile": self.config.access.profile.as_str(),
            "enforce_iam": self.config.access.enforce_iam,
            "services": services,
        });
        let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        *response.status_mut() = StatusCode::OK;
        response
    }
}

/// Reports whether a request is for Lambda: signed for `lambda`, or unsigned on a Lambda API path.
fn routes_to_lambda(parts: &http::request::Parts) -> bool {
    if parts.headers.contains_key("x-amz-target") {
        return false;
    }
    match signing_scope(parts) {
        Some(scope) => scope.service == "lambda",
        None => lambda::is_lambda_path(parts.uri.path()),
    }
}

/// Returns the SigV4 credential scope of a request, from its `Authorization` header or presigned query.
fn signing_scope(parts: &http::request::Parts) -> Option<identity::CredentialScope> {
    let query = parts.uri.query().unwrap_or_default();
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(identity::scope_from_authorization)
        .or_else(|| identity::scope_from_query(query))
}

/// The JSON protocol a request uses, judged from its headers alone, so that
/// errors found before routing are still returned in the client's protocol.
fn json_protocol(headers: &HeaderMap) -> Option<Protocol> {
    headers.get("x-amz-target")?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("application/x-amz-json-1.1") {
        Some(Protocol::AwsJson1_1)
    } else {
        Some(Protocol::AwsJson1_0)
    }
}

/// Renders a front-door error in the request's protocol: JSON when the
/// request named a JSON protocol, awsQuery XML otherwise.
fn error_response(error: &AwsError, protocol: Option<Protocol>, request_id: &str) -> HttpResponse {
    match protocol {
        Some(protocol @ (Protocol::AwsJson1_0 | Protocol::AwsJson1_1)) => {
            aws_json::error_response(error, protocol, true, request_id)
        }
        _ => aws_query::error_response(error, request_id),
    }
}

/// Reads the whole request body, up to [`MAX_BODY_BYTES`] and within [`BODY_READ_TIMEOUT`].
async fn read_body<B>(body: B) -> Result<Bytes, AwsError>
where
    B: hyper::body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    read_body_up_to(body, MAX_BODY_BYTES).await
}

/// Reads the whole request body, up to `max_bytes` and within [`BODY_READ_TIMEOUT`].
async fn read_body_up_to<B>(body: B, max_bytes: usize) -> Result<Bytes, AwsError>
where
    B: hyper::body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let collected = tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, max_bytes).collect()).await;
    match collected {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<LengthLimitError>() => Err(AwsError::sender(
            "RequestEntityTooLarge",
            413,
            format!("The request body is larger than the maximum of {max_bytes} bytes."),
        )),
        Ok(Err(error)) => Err(AwsError::sender(
            "IncompleteBody",
            400,
            format!("The request body could not be read: {error}."),
        )),
        Err(_elapsed) => Err(AwsError::sender(
            "RequestTimeout",
            400,
            format!("The request body did not arrive within {} seconds.", BODY_READ_TIMEOUT.as_secs()),
        )),
    }
}
