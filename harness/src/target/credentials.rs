//! Account strategies: credentials that make an endpoint act in an actor's account.
//!
//! - `access-key`: the actor's access key id (its account id unless the
//!   scenario sets another) with the secret `test`. LocalStack and the
//!   bundled emulator take the account from a 12-digit key id
//!   (<https://docs.localstack.cloud/references/cross-account-access/>).
//! - `assume-role`: STS AssumeRole at the target's endpoint, signed with
//!   bootstrap credentials, into `arn:aws:iam::ACCOUNT:role/ROLE_NAME`; the
//!   returned credentials act in ACCOUNT. moto 5.2 works this way and does not
//!   need the role to exist. The credentials are cached per account and
//!   renewed five minutes before they expire.
//! - `profiles`: one named AWS CLI profile per account, listed explicitly;
//!   the default profile is never used, and an account without a listed
//!   profile has no credentials. Profiles with static keys or `role_arn` work
//!   in every build; profiles that sign in through IAM Identity Center
//!   (`sso_session`) or run a `credential_process` need the harness built
//!   with `--features sso`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_smithy_types::error::display::DisplayErrorContext;

use super::{SECRET_ACCESS_KEY, shared_http_client};
use crate::error::{Error, Result};
use crate::scenario::Actor;

/// Assumed-role credentials are renewed when they expire within this margin.
const RENEWAL_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How an endpoint learns which account a call acts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountStrategy {
    /// The access key id is the account id; LocalStack, fakecloud, the bundled emulator.
    AccessKey { secret_access_key: String },
    /// STS AssumeRole into a role of each account; moto.
    AssumeRole(AssumeRoleSettings),
    /// One named AWS CLI profile per account; real AWS.
    Profiles(ProfileSettings),
}

/// Settings of the `assume-role` strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleSettings {
    /// The role assumed in every account: `arn:aws:iam::ACCOUNT:role/ROLE_NAME`.
    pub role_name: String,
    /// The credentials that sign the AssumeRole calls.
    pub bootstrap_access_key_id: String,
    pub bootstrap_secret_access_key: String,
}

impl AssumeRoleSettings {
    /// The default role name.
    pub const DEFAULT_ROLE_NAME: &'static str = "crosscheck";

    /// Returns the ARN of the role assumed in `account_id`.
    pub fn role_arn(&self, account_id: &str) -> String {
        format!("arn:aws:iam::{account_id}:role/{}", self.role_name)
    }
}

impl Default for AssumeRoleSettings {
    fn default() -> AssumeRoleSettings {
        AssumeRoleSettings {
            role_name: AssumeRoleSettings::DEFAULT_ROLE_NAME.to_owned(),
            bootstrap_access_key_id: SECRET_ACCESS_KEY.to_owned(),
            bootstrap_secret_access_key: SECRET_ACCESS_KEY.to_owned(),
        }
    }
}

/// Settings of the `profiles` strategy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSettings {
    /// Profile name per account id.
    pub profiles: BTreeMap<String, String>,
    /// The AWS CLI config file; `None` uses the SDK's default (`~/.aws/config`
    /// or `AWS_CONFIG_FILE`).
    pub config_file: Option<PathBuf>,
    /// The AWS CLI credentials file; `None` uses the SDK's default
    /// (`~/.aws/credentials` or `AWS_SHARED_CREDENTIALS_FILE`).
    pub credentials_file: Option<PathBuf>,
}

impl AccountStrategy {
    pub const ACCESS_KEY: &'static str = "access-key";
    pub const ASSUME_ROLE: &'static str = "assume-role";
    pub const PROFILES: &'static str = "profiles";
    pub const NAMES: [&'static str; 3] = [Self::ACCESS_KEY, Self::ASSUME_ROLE, Self::PROFILES];

    /// The `access-key` strategy with the secret `test`.
    pub fn access_key() -> AccountStrategy {
        AccountStrategy::AccessKey { secret_access_key: SECRET_ACCESS_KEY.to_owned() }
    }

    /// Returns the strategy's name as target files spell it.
    pub fn name(&self) -> &'static str {
        match self {
            AccountStrategy::AccessKey { .. } => Self::ACCESS_KEY,
            AccountStrategy::AssumeRole(_) => Self::ASSUME_ROLE,
            AccountStrategy::Profiles(_) => Self::PROFILES,
        }
    }
}

/// Builds and caches each account's credentials provider under one strategy.
#[derive(Debug)]
pub(crate) struct CredentialSource {
    strategy: AccountStrategy,
    endpoint_url: Option<String>,
    by_account: Mutex<HashMap<String, SharedCredentialsProvider>>,
}

impl CredentialSource {
    pub(crate) fn new(strategy: AccountStrategy, endpoint_url: Option<String>) -> CredentialSource {
        CredentialSource { strategy, endpoint_url, by_account: Mutex::new(HashMap::new()) }
    }

    /// Returns the credentials provider for `actor`.
    ///
    /// Building one makes no call; an `assume-role` provider calls AssumeRole
    /// when credentials are first needed.
    pub(crate) fn provider_for(&self, actor: &Actor) -> Result<SharedCredentialsProvider> {
        match &self.strategy {
            AccountStrategy::AccessKey { secret_access_key } => {
                let credentials =
                    Credentials::new(&actor.access_key_id, secret_access_key, None, None, "crosscheck-access-key");
                Ok(SharedCredentialsProvider::new(credentials))
            }
            AccountStrategy::AssumeRole(settings) => self.cached(actor, || {
                let provider = AssumedRoleProvider::new(settings, actor, self.endpoint_url.as_deref());
                Ok(SharedCredentialsProvider::new(provider))
            }),
            AccountStrategy::Profiles(settings) => self.cached(actor, || profile_provider(settings, actor)),
        }
    }

    /// Returns the cached provider of the actor's account, building it on first use.
    fn cached(
        &self,
        actor: &Actor,
        build: impl FnOnce() -> Result<SharedCredentialsProvider>,
    ) -> Result<SharedCredentialsProvider> {
        let mut cache = self.by_account.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(provider) = cache.get(&actor.account_id) {
            return Ok(provider.clone());
        }
        let provider = build()?;
        cache.insert(actor.account_id.clone(), provider.clone());
        Ok(provider)
    }
}

/// Builds the credentials provider of the profile listed for the actor's account.
fn profile_provider(settings: &ProfileSettings, actor: &Actor) -> Result<SharedCredentialsProvider> {
    let Some(profile_name) = settings.profiles.get(&actor.account_id) else {
        let listed: Vec<&str> = settings.profiles.keys().map(String::as_str).collect();
        return Err(Error::NoCredentials {
            actor: actor.name.clone(),
            account_id: actor.account_id.clone(),
            reason: format!(
                "the target's `profiles` list no profile for this account (it lists {}); add one",
                if listed.is_empty() { "none".to_owned() } else { listed.join(", ") }
            ),
        });
    };

    let mut files = EnvConfigFiles::builder();
    files = match &settings.config_file {
        Some(path) => files.with_file(EnvConfigFileKind::Config, path),
        None => files.include_default_config_file(true),
    };
    files = match &settings.credentials_file {
        Some(path) => files.with_file(EnvConfigFileKind::Credentials, path),
        None => files.include_default_credentials_file(true),
    };

    let provider_config = ProviderConfig::without_region().with_region(Some(Region::new(actor.region.clone())));
    let provider = ProfileFileCredentialsProvider::builder()
        .configure(&provider_config)
        .profile_files(files.build())
        .profile_name(profile_name)
        .build();
    Ok(SharedCredentialsProvider::new(NamedProfileProvider {
        inner: provider,
        profile_name: profile_name.clone(),
        files: describe_profile_files(settings),
    }))
}

/// Names the files a profile is looked up in, e.g. `the config file /x/config
/// and the credentials file /x/credentials`.
fn describe_profile_files(settings: &ProfileSettings) -> String {
    let config = match &settings.config_file {
        Some(path) => format!("the config file {}", path.display()),
        None => "the default config file (AWS_CONFIG_FILE or ~/.aws/config)".to_owned(),
    };
    let credentials = match &settings.credentials_file {
        Some(path) => format!("the credentials file {}", path.display()),
        None => "the default credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)".to_owned(),
    };
    format!("{config} and {credentials}")
}

/// A profile's credentials provider whose errors name the profile and the
/// files it was looked up in, in plain sentences.
#[derive(Debug)]
struct NamedProfileProvider {
    inner: ProfileFileCredentialsProvider,
    profile_name: String,
    files: String,
}

impl NamedProfileProvider {
    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.inner.provide_credentials().await.map_err(|error| {
            CredentialsError::provider_error(format!(
                "AWS CLI profile {} could not be loaded from {}: {}",
                self.profile_name,
                self.files,
                error_sentences(&error)
            ))
        })
    }
}

impl ProvideCredentials for NamedProfileProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

/// Joins the messages of `error` and its sources with `: `, skipping a
/// message that repeats the one before it. Unlike `DisplayErrorContext`, it
/// appends no Rust debug output.
pub(crate) fn error_sentences(error: &(dyn std::error::Error + 'static)) -> String {
    let mut messages: Vec<String> = Vec::new();
    let mut current = Some(error);
    // Error chains are short; the bound only guards against a source cycle.
    for _ in 0..16 {
        let Some(error) = current else { break };
        let message = error.to_string();
        if messages.last().is_none_or(|last| !last.ends_with(&message)) {
            messages.push(message);
        }
        current = error.source();
    }
    messages.join(": ")
}

/// Credentials from STS AssumeRole, cached until shortly before they expire.
#[derive(Debug)]
struct AssumedRoleProvider {
    client: aws_sdk_sts::Client,
    role_arn: String,
    session_name: String,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

impl AssumedRoleProvider {
    /// A provider for the role of `actor`'s account, calling STS at
    /// `endpoint_url` in the actor's region.
    fn new(settings: &AssumeRoleSettings, actor: &Actor, endpoint_url: Option<&str>) -> AssumedRoleProvider {
        let bootstrap = Credentials::new(
            &settings.bootstrap_access_key_id,
            &settings.bootstrap_secret_access_key,
            None,
            None,
            "crosscheck-bootstrap",
        );
        let mut config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(actor.region.clone()))
            .credentials_provider(SharedCredentialsProvider::new(bootstrap))
            .http_client(shared_http_client())
            .retry_config(RetryConfig::disabled());
        if let Some(endpoint_url) = endpoint_url {
            config = config.endpoint_url(endpoint_url);
        }

        AssumedRoleProvider {
            client: aws_sdk_sts::Client::new(&config.build()),
            role_arn: settings.role_arn(&actor.account_id),
            session_name: format!("crosscheck-{}", actor.account_id),
            cached: tokio::sync::Mutex::new(None),
        }
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        let mut cached = self.cached.lock().await;
        if let Some(credentials) = cached.as_ref() {
            let fresh = credentials.expiry().is_none_or(|expiry| expiry > SystemTime::now() + RENEWAL_MARGIN);
            if fresh {
                return Ok(credentials.clone());
            }
        }

        tracing::debug!(role_arn = %self.role_arn, "assuming role");
        let output = self
            .client
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name(&self.session_name)
            .send()
            .await
            .map_err(|error| {
                CredentialsError::provider_error(format!(
                    "STS AssumeRole into {} failed: {}",
                    self.role_arn,
                    DisplayErrorContext(&error)
                ))
            })?;
        let Some(issued) = output.credentials else {
            return Err(CredentialsError::provider_error(format!(
                "STS AssumeRole into {} returned no credentials",
                self.role_arn
            )));
        };

        let expiry = SystemTime::try_from(issued.expiration).ok();
        let credentials = Credentials::new(
            issued.access_key_id,
            issued.secret_access_key,
            Some(issued.session_token),
            expiry,
            "crosscheck-assume-role",
        );
        *cached = Some(credentials.clone());
        Ok(credentials)
    }
}

impl ProvideCredentials for AssumedRoleProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(account_id: &str) -> Actor {
        Actor {
            name: "other".to_owned(),
            account_id: account_id.to_owned(),
            region: "eu-central-1".to_owned(),
            access_key_id: account_id.to_owned(),
            addressing: crate::scenario::Addressing::Default,
        }
    }

    #[test]
    fn role_arn_names_account_and_role() {
        let settings = AssumeRoleSettings { role_name: "ci".to_owned(), ..AssumeRoleSettings::default() };
        assert_eq!(settings.role_arn("222222222222"), "arn:aws:iam::222222222222:role/ci");
    }

    #[test]
    fn profiles_without_account_have_no_credentials() {
        let mut profiles = BTreeMap::new();
        profiles.insert("111111111111".to_owned(), "crosscheck-owner".to_owned());
        let strategy = AccountStrategy::Profiles(ProfileSettings { profiles, ..ProfileSettings::default() });
        let source = CredentialSource::new(strategy, None);

        let error = source.provider_for(&actor("222222222222")).expect_err("no profile for the account");
        let message = error.to_string();
        assert!(message.contains("222222222222"), "{message}");
        assert!(message.contains("111111111111"), "{message}");
        assert!(source.provider_for(&actor("111111111111")).is_ok(), "the listed account has a profile");
    }

    #[test]
    fn assume_role_provider_is_cached_per_account() {
        let source = CredentialSource::new(AccountStrategy::AssumeRole(AssumeRoleSettings::default()), None);
        for account_id in ["222222222222", "222222222222", "333333333333"] {
            source.provider_for(&actor(account_id)).expect("a provider");
        }
        let cached = source.by_account.lock().expect("unpoisoned").len();
        assert_eq!(cached, 2, "one provider per account");
    }
}
