//! The DNS resolver behind virtual-host style S3 addressing.
//!
//! In virtual-host style the SDK puts the bucket name in front of the
//! endpoint's host name (`BUCKET.s3.localhost.localstack.cloud:4566`), which
//! is LocalStack's form, described on LocalStack's blog at
//! <https://hashnode.localstack.cloud/efficient-localstack-s3-endpoint-configuration>.
//! A bucket name in front of an IP address is no host name, so an actor with
//! `addressing: virtual-host` gets the endpoint
//! `http://s3.localhost.localstack.cloud:PORT` and an HTTP client whose
//! resolver maps every name under `localhost.localstack.cloud` to the
//! target's IP address. Any other name fails to resolve: the resolver never
//! makes a real DNS lookup, so no request leaves for another host.

use std::net::IpAddr;

use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns, ResolveDnsError};

/// The host suffix virtual-host style names end in, LocalStack's default host name.
pub const VIRTUAL_HOST_SUFFIX: &str = "localhost.localstack.cloud";

/// Resolves the names under one host suffix to one address and rejects every other name.
#[derive(Debug, Clone)]
pub struct TargetResolver {
    suffix: String,
    address: IpAddr,
}

impl TargetResolver {
    pub fn new(suffix: &str, address: IpAddr) -> TargetResolver {
        TargetResolver { suffix: suffix.to_ascii_lowercase(), address }
    }

    /// Returns the target's address for `name` when `name` is the suffix or ends in `.SUFFIX`.
    pub fn lookup(&self, name: &str) -> Option<IpAddr> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let under_suffix =
            name.strip_suffix(self.suffix.as_str()).is_some_and(|front| front.is_empty() || front.ends_with('.'));
        under_suffix.then_some(self.address)
    }
}

impl ResolveDns for TargetResolver {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        let result = match self.lookup(name) {
            Some(address) => Ok(vec![address]),
            None => Err(ResolveDnsError::new(format!(
                "{name} is not under {}; the harness resolves only names of the target under test",
                self.suffix
            ))),
        };
        DnsFuture::ready(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver() -> TargetResolver {
        TargetResolver::new(VIRTUAL_HOST_SUFFIX, IpAddr::from([127, 0, 0, 1]))
    }

    #[test]
    fn bucket_host_resolves_to_target() {
        let found = resolver().lookup("my-bucket.s3.localhost.localstack.cloud");
        assert_eq!(found, Some(IpAddr::from([127, 0, 0, 1])));
    }

    #[test]
    fn suffix_itself_and_case_resolve() {
        assert!(resolver().lookup("localhost.localstack.cloud").is_some());
        assert!(resolver().lookup("B.S3.LOCALHOST.LOCALSTACK.CLOUD.").is_some());
    }

    #[test]
    fn other_names_are_rejected() {
        for name in ["example.com", "s3.amazonaws.com", "evillocalhost.localstack.cloud", "localstack.cloud", ""] {
            assert_eq!(resolver().lookup(name), None, "{name:?}");
        }
    }

    #[tokio::test]
    async fn rejected_name_is_resolve_error() {
        let error = resolver().resolve_dns("example.com").await.expect_err("not under the suffix");
        let source = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
        assert!(source.contains("example.com"), "{source}");
    }
}
