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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            access: AccessRules::default(),
            identity: IdentityOptions::default(),
            queue_url_strategy: QueueUrlStrategy::default(),
            hostname: DEFAULT_HOSTNAME.to_owned(),
            advertised_port: None,
        }
    }
}
