//! Amazon SQS. Placeholder until the operations land.

use crate::config::Config;
use crate::error::AwsError;
use crate::http::{Protocol, RequestContext, ServiceCall, aws_json, aws_query};
use crate::services::{ResponseFuture, Service};

pub struct Sqs {
    advertised_host: String,
}

impl Sqs {
    pub fn new(_config: &Config, advertised_host: String) -> Sqs {
        Sqs { advertised_host }
    }
}

impl Service for Sqs {
    fn signing_name(&self) -> &'static str {
        "sqs"
    }

    fn json_target_prefix(&self) -> Option<&'static str> {
        Some("AmazonSQS")
    }

    fn has_operation(&self, _operation: &str) -> bool {
        false
    }

    fn call<'a>(&'a self, context: &'a RequestContext, call: ServiceCall) -> ResponseFuture<'a> {
        Box::pin(async move {
            let _ = &self.advertised_host;
            let error = AwsError::invalid_action(&call.operation, "sqs");
            match call.protocol {
                Protocol::AwsQuery => aws_query::error_response(&error, &context.request_id),
                protocol => aws_json::error_response(&error, protocol, true, &context.request_id),
            }
        })
    }
}
