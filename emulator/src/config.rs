//! Emulator settings chosen at start-up.

use crate::access::AccessRules;
use crate::arn::QueueUrlStrategy;
use crate::identity::IdentityOptions;

/// The host name LocalStack puts in the URLs it returns; it resolves to 127.0.0.1.
pub const DEFAULT_HOSTNAME: &str = "localhost.localstack.cloud";

/// Everything that shapes the emulator's behaviour.
#[derive(Debug, Clone)]
pub struct Config {
    pub access: AccessRules,
    pub identity: IdentityOptions,
    pub queue_url_strategy: QueueUrlStrategy,
    /// The host name put into queue URLs and other returned endpoints.
    pub hostname: String,
    /// The port put into returned URLs; `None` uses the port the server listens on.
    pub advertised_port: Option<u16>,
    /// A rule broken on purpose, for tests that prove the harness finds it.
    #[cfg(feature = "planted-faults")]
    pub planted_fault: Option<PlantedFault>,
}

/// A rule the emulator breaks on purpose. Only the `planted-faults` feature,
/// which only test builds enable, compiles these in; no profile and no
/// `crosscheck serve` option selects one.
#[cfg(feature = "planted-faults")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlantedFault {
    /// GetQueueAttributes on a queue URL of another account returns the
    /// caller's own queue of the same name when the caller has one.
    SqsAnswersCallersSameNamedQueue,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            access: AccessRules::default(),
            identity: IdentityOptions::default(),
            queue_url_strategy: QueueUrlStrategy::default(),
            hostname: DEFAULT_HOSTNAME.to_owned(),
            advertised_port: None,
            #[cfg(feature = "planted-faults")]
            planted_fault: None,
        }
    }
}

impl Config {
    /// Checks the settings that end up inside returned URLs.
    pub fn validate(&self) -> Result<(), String> {
        let hostname = &self.hostname;
        let valid_label = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        if hostname.len() > 253 || !hostname.split('.').all(valid_label) {
            return Err(format!(
                "invalid host name {hostname:?}: use dot-separated labels of letters, digits and hyphens, \
                 such as localhost.localstack.cloud (the port is set separately)"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hostname(hostname: &str) -> Config {
        Config {
            hostname: hostname.to_owned(),
            ..Config::default()
        }
    }

    #[test]
    fn default_hostname_is_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
        assert_eq!(with_hostname("localhost").validate(), Ok(()));
    }

    #[test]
    fn malformed_hostnames_are_rejected() {
        for hostname in ["", "a/b", "h:99", "user@host", "a..b", "-a.b", "a b"] {
            assert!(with_hostname(hostname).validate().is_err(), "{hostname:?} should be rejected");
        }
    }
}
