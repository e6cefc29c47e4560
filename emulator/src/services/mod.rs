//! One module per AWS service. Each implements [`Service`]: it decodes its
//! operations' inputs, resolves resource addresses, asks
//! [`crate::access::AccessRules`] and reads or changes its namespaced state.

pub mod kms;
pub mod lambda;
pub mod s3;
pub mod secretsmanager;
pub mod sns;
pub mod sqs;
pub mod sts;

use std::future::Future;
use std::pin::Pin;

use crate::http::{HttpResponse, RequestContext, ServiceCall};

/// A boxed response future, so services can sit behind `dyn Service`.
pub type ResponseFuture<'a> = Pin<Box<dyn Future<Output = HttpResponse> + Send + 'a>>;

/// A service the front door can route requests to.
pub trait Service: Send + Sync {
    /// The SigV4 signing name, e.g. `sqs`.
    fn signing_name(&self) -> &'static str;

    /// The `X-Amz-Target` prefix of its JSON protocol, e.g. `AmazonSQS`.
    fn json_target_prefix(&self) -> Option<&'static str>;

    /// Whether `operation` is one of its operations, for routing unsigned awsQuery requests.
    fn has_operation(&self, operation: &str) -> bool;

    /// Serves one call. Every failure becomes an error response in the call's protocol.
    fn call<'a>(&'a self, context: &'a RequestContext, call: ServiceCall) -> ResponseFuture<'a>;
}
