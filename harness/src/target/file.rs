//! Target files: named live endpoints and the account strategy of each.
//!
//! `crosscheck run --target NAME` looks NAME up in `crosscheck.yaml` in the
//! working folder, or in the file `--targets FILE` names. `bundled` and
//! endpoint URLs need no file. The format:
//!
//! ```yaml
//! targets:
//!   moto:                                  # letters, digits, `.`, `_` and `-`
//!     endpoint: http://127.0.0.1:5000
//!     account_strategy: assume-role
//!     role_name: crosscheck                # the default; assumed in every account
//!     bootstrap_access_key_id: test        # the default; signs the AssumeRole calls
//!     bootstrap_secret_access_key: test    # the default
//!   localstack:
//!     endpoint: http://127.0.0.1:4566
//!     account_strategy: access-key
//!     secret_access_key: test              # the default
//!   aws:
//!     account_strategy: profiles           # no endpoint: the SDK uses AWS's own
//!     profiles:                            # one AWS CLI profile per account
//!       "111111111111": crosscheck-owner
//!       "222222222222": crosscheck-other
//!     config_file: aws/config              # optional, relative to this file
//!     credentials_file: aws/credentials    # optional, relative to this file
//! ```
//!
//! Keys:
//!
//! - `account_strategy` (required): `access-key` (the access key id is the
//!   account id: LocalStack, fakecloud), `assume-role` (STS AssumeRole into
//!   `arn:aws:iam::ACCOUNT:role/ROLE_NAME` at the endpoint: moto) or
//!   `profiles` (a named AWS CLI profile per account: real AWS).
//! - `endpoint`: an `http://` or `https://` URL. Required, except under
//!   `profiles`, where leaving it out lets the SDK resolve AWS's endpoints.
//! - `secret_access_key` belongs to `access-key`; `role_name`,
//!   `bootstrap_access_key_id` and `bootstrap_secret_access_key` to
//!   `assume-role`; `profiles`, `config_file` and `credentials_file` to
//!   `profiles`. A key of another strategy is an error.
//! - `profiles` maps every account the actors use to a profile name. The
//!   profile `default` is rejected, so a run never acts through whatever the
//!   default profile happens to contain. Profiles that use IAM Identity
//!   Center (SSO) or `credential_process` need a build with `--features sso`.
//!
//! Errors name the file, line, column and key, as scenario errors do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crosscheck_emulator::arn::is_account_id;
use marked_yaml::Node;
use marked_yaml::types::MarkedMappingNode;

use super::{AccountStrategy, AssumeRoleSettings, BUNDLED, LiveTargetConfig, ProfileSettings, SECRET_ACCESS_KEY};
use crate::error::{Error, Result};
use crate::yaml::{LoadResult, YamlReader, join};

/// The target file read when `--targets` is not given.
pub const DEFAULT_TARGET_FILE: &str = "crosscheck.yaml";

const TOP_KEYS: &[&str] = &["targets"];
const TARGET_KEYS: &[&str] = &[
    "endpoint",
    "account_strategy",
    "secret_access_key",
    "role_name",
    "bootstrap_access_key_id",
    "bootstrap_secret_access_key",
    "profiles",
    "config_file",
    "credentials_file",
];

/// The keys that belong to one strategy only.
const STRATEGY_KEYS: &[(&str, &[&str])] = &[
    (AccountStrategy::ACCESS_KEY, &["secret_access_key"]),
    (AccountStrategy::ASSUME_ROLE, &["role_name", "bootstrap_access_key_id", "bootstrap_secret_access_key"]),
    (AccountStrategy::PROFILES, &["profiles", "config_file", "credentials_file"]),
];

/// Longest IAM role name, in characters.
const MAX_ROLE_NAME_LENGTH: usize = 64;

/// A loaded target file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFile {
    pub path: PathBuf,
    /// The targets in file order.
    pub targets: Vec<LiveTargetConfig>,
}

impl TargetFile {
    /// Returns the target named `name`.
    pub fn find(&self, name: &str) -> Option<&LiveTargetConfig> {
        self.targets.iter().find(|target| target.name == name)
    }

    /// Returns every target name, in file order.
    pub fn names(&self) -> Vec<String> {
        self.targets.iter().map(|target| target.name.clone()).collect()
    }
}

/// Reads and validates the target file at `path`.
pub fn load_target_file(path: &Path) -> Result<TargetFile> {
    let source = std::fs::read_to_string(path).map_err(|error| Error::io(path, error))?;
    Ok(load_target_str(&source, path)?)
}

/// Validates a target file from its YAML text; `path` names it in messages
/// and anchors relative `config_file` and `credentials_file` paths.
pub fn load_target_str(source: &str, path: &Path) -> Result<TargetFile, crate::scenario::LoadError> {
    let reader = YamlReader::new(path, "a target file");
    let root = reader.parse(source)?;
    let Some(top) = root.as_mapping() else {
        return Err(reader.error(root.span(), "", "the document must be a mapping with a `targets` key"));
    };
    reader.check_keys(top, "", TOP_KEYS)?;

    let targets_node = reader.required(top, "targets", "targets")?;
    let entries = reader.mapping(targets_node, "targets")?;
    if entries.is_empty() {
        return Err(reader.error(targets_node.span(), "targets", "define at least one target"));
    }

    let base = path.parent().unwrap_or(Path::new(""));
    let mut targets = Vec::with_capacity(entries.len());
    for (name, value) in entries.iter() {
        let key = join("targets", name.as_str());
        check_target_name(&reader, name.as_str(), name.span(), &key)?;
        targets.push(target(&reader, name.as_str(), value, &key, base)?);
    }
    Ok(TargetFile { path: path.to_path_buf(), targets })
}

fn check_target_name(reader: &YamlReader<'_>, name: &str, span: &marked_yaml::Span, key: &str) -> LoadResult<()> {
    if name == BUNDLED {
        return Err(reader.error(span, key, "`bundled` is the in-process emulator; choose another name"));
    }
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid {
        return Err(reader.error(
            span,
            key,
            format!("{name:?} is not a valid target name: use letters, digits, `.`, `_` and `-`"),
        ));
    }
    Ok(())
}

fn target(reader: &YamlReader<'_>, name: &str, node: &Node, key: &str, base: &Path) -> LoadResult<LiveTargetConfig> {
    let fields = reader.mapping(node, key)?;
    reader.check_keys(fields, key, TARGET_KEYS)?;

    let strategy_node = reader.required(fields, "account_strategy", key)?;
    let strategy_key = join(key, "account_strategy");
    let strategy_name = reader.string(strategy_node, &strategy_key)?;
    if !AccountStrategy::NAMES.contains(&strategy_name.as_str()) {
        return Err(reader.error(
            strategy_node.span(),
            &strategy_key,
            format!(
                "unknown account strategy {strategy_name:?}; expected one of {}",
                AccountStrategy::NAMES.join(", ")
            ),
        ));
    }
    check_strategy_keys(reader, fields, key, &strategy_name)?;

    let endpoint_url = match fields.get_node("endpoint") {
        Some(endpoint_node) => {
            let endpoint_key = join(key, "endpoint");
            let endpoint = reader.string(endpoint_node, &endpoint_key)?;
            check_endpoint_url(&endpoint)
                .map_err(|reason| reader.error(endpoint_node.span(), &endpoint_key, reason))?;
            Some(endpoint.trim_end_matches('/').to_owned())
        }
        None if strategy_name == AccountStrategy::PROFILES => None,
        None => {
            return Err(reader.error(
                fields.span(),
                key,
                "missing required key \"endpoint\"; only the profiles strategy may leave it out, to reach AWS's own endpoints",
            ));
        }
    };

    let optional = |member: &str, default: &str| -> LoadResult<String> {
        match fields.get_node(member) {
            Some(node) => non_empty_string(reader, node, &join(key, member)),
            None => Ok(default.to_owned()),
        }
    };

    let strategy = match strategy_name.as_str() {
        AccountStrategy::ACCESS_KEY => {
            AccountStrategy::AccessKey { secret_access_key: optional("secret_access_key", SECRET_ACCESS_KEY)? }
        }
        AccountStrategy::ASSUME_ROLE => {
            let role_name = optional("role_name", AssumeRoleSettings::DEFAULT_ROLE_NAME)?;
            if !is_role_name(&role_name) {
                let span = fields.get_node("role_name").map_or(fields.span(), Node::span);
                return Err(reader.error(
                    span,
                    &join(key, "role_name"),
                    format!("{role_name:?} is not an IAM role name: 1 to 64 letters, digits or +=,.@_-"),
                ));
            }
            AccountStrategy::AssumeRole(AssumeRoleSettings {
                role_name,
                bootstrap_access_key_id: optional("bootstrap_access_key_id", SECRET_ACCESS_KEY)?,
                bootstrap_secret_access_key: optional("bootstrap_secret_access_key", SECRET_ACCESS_KEY)?,
            })
        }
        _ => AccountStrategy::Profiles(profile_settings(reader, fields, key, base)?),
    };

    Ok(LiveTargetConfig { name: name.to_owned(), endpoint_url, strategy })
}

/// Rejects keys that belong to a strategy other than `strategy_name`.
fn check_strategy_keys(
    reader: &YamlReader<'_>,
    fields: &MarkedMappingNode,
    key: &str,
    strategy_name: &str,
) -> LoadResult<()> {
    for (owner, keys) in STRATEGY_KEYS {
        if *owner == strategy_name {
            continue;
        }
        for member in *keys {
            if let Some(node) = fields.get_node(member) {
                return Err(reader.error(
                    node.span(),
                    &join(key, member),
                    format!("`{member}` belongs to the {owner} strategy, but this target uses {strategy_name}"),
                ));
            }
        }
    }
    Ok(())
}

fn profile_settings(
    reader: &YamlReader<'_>,
    fields: &MarkedMappingNode,
    key: &str,
    base: &Path,
) -> LoadResult<ProfileSettings> {
    let profiles_key = join(key, "profiles");
    let profiles_node = reader.required(fields, "profiles", key)?;
    let entries = reader.mapping(profiles_node, &profiles_key)?;
    if entries.is_empty() {
        return Err(reader.error(
            profiles_node.span(),
            &profiles_key,
            "map at least one account id to an AWS CLI profile name",
        ));
    }

    let mut profiles = BTreeMap::new();
    for (account, profile_node) in entries.iter() {
        let entry_key = join(&profiles_key, account.as_str());
        if !is_account_id(account.as_str()) {
            return Err(reader.error(
                account.span(),
                &entry_key,
                format!("{:?} is not a 12-digit account id; quote it so YAML keeps leading zeros", account.as_str()),
            ));
        }
        let profile = non_empty_string(reader, profile_node, &entry_key)?;
        if profile == "default" {
            return Err(reader.error(
                profile_node.span(),
                &entry_key,
                "the default profile is never used; name a profile made for this account",
            ));
        }
        profiles.insert(account.as_str().to_owned(), profile);
    }

    let file_path = |member: &str| -> LoadResult<Option<PathBuf>> {
        fields
            .get_node(member)
            .map(|node| non_empty_string(reader, node, &join(key, member)))
            .transpose()
            .map(|path| path.map(|path| base.join(path)))
    };
    Ok(ProfileSettings {
        profiles,
        config_file: file_path("config_file")?,
        credentials_file: file_path("credentials_file")?,
    })
}

fn non_empty_string(reader: &YamlReader<'_>, node: &Node, key: &str) -> LoadResult<String> {
    let text = reader.string(node, key)?;
    if text.is_empty() {
        return Err(reader.error(node.span(), key, "must not be empty"));
    }
    Ok(text)
}

/// Whether `name` is an IAM role name: 1 to 64 letters, digits or `+=,.@_-`.
fn is_role_name(name: &str) -> bool {
    (1..=MAX_ROLE_NAME_LENGTH).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// Checks that `value` is an `http://` or `https://` URL with a host, an
/// optional port and nothing but an optional `/` after them.
pub fn check_endpoint_url(value: &str) -> Result<(), String> {
    let Some((scheme, rest)) = value.split_once("://") else {
        return Err("expected http://HOST[:PORT]".to_owned());
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!("the scheme {scheme:?} is not http or https"));
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() {
        return Err("the host is missing".to_owned());
    }
    if authority.contains(['/', '?', '#', '@']) || authority.chars().any(char::is_whitespace) {
        return Err("an endpoint is only http(s)://HOST[:PORT], without a path, query or user name".to_owned());
    }
    // An IPv6 host such as `[::1]` keeps its colons inside the brackets.
    let port = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((_, after)) = bracketed.split_once(']') else {
            return Err("the IPv6 host has no closing `]`".to_owned());
        };
        after.strip_prefix(':')
    } else {
        match authority.split_once(':') {
            Some(("", _)) => return Err("the host is missing".to_owned()),
            Some((_, port)) => Some(port),
            None => None,
        }
    };
    if let Some(port) = port {
        port.parse::<u16>().map_err(|_| format!("the port {port:?} is not a number from 0 to 65535"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(source: &str) -> Result<TargetFile, crate::scenario::LoadError> {
        load_target_str(source, Path::new("conf/crosscheck.yaml"))
    }

    const EXAMPLE: &str = r#"
targets:
  moto:
    endpoint: http://127.0.0.1:5000
    account_strategy: assume-role
    role_name: ci-runner
  localstack:
    endpoint: http://127.0.0.1:4566/
    account_strategy: access-key
  aws:
    account_strategy: profiles
    profiles:
      "111111111111": crosscheck-owner
      "222222222222": crosscheck-other
    credentials_file: aws/credentials
"#;

    #[test]
    fn example_loads_every_strategy() {
        let file = load(EXAMPLE).expect("a valid target file");
        assert_eq!(file.names(), vec!["moto", "localstack", "aws"]);

        let moto = file.find("moto").expect("moto");
        let AccountStrategy::AssumeRole(settings) = &moto.strategy else { panic!("moto uses assume-role") };
        assert_eq!(settings.role_name, "ci-runner");
        assert_eq!(settings.bootstrap_access_key_id, "test");

        let localstack = file.find("localstack").expect("localstack");
        assert_eq!(localstack.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"));
        assert_eq!(localstack.strategy, AccountStrategy::access_key());

        let aws = file.find("aws").expect("aws");
        assert_eq!(aws.endpoint_url, None);
        let AccountStrategy::Profiles(profiles) = &aws.strategy else { panic!("aws uses profiles") };
        assert_eq!(profiles.profiles.get("222222222222").map(String::as_str), Some("crosscheck-other"));
        assert_eq!(profiles.credentials_file, Some(PathBuf::from("conf/aws/credentials")));
        assert_eq!(profiles.config_file, None);
    }

    /// Loads `source`, expecting an error at `line` whose key and message contain the given text.
    fn assert_rejected(source: &str, line: usize, key: &str, message: &str) {
        let error = load(source).expect_err("the file is invalid");
        assert_eq!(error.line, line, "line of {error}");
        assert!(error.key.contains(key), "key of {error}");
        assert!(error.message.contains(message), "message of {error}");
    }

    #[test]
    fn missing_endpoint_is_rejected_outside_profiles() {
        assert_rejected("targets:\n  moto:\n    account_strategy: assume-role\n", 3, "targets.moto", "endpoint");
    }

    #[test]
    fn unknown_strategy_is_rejected() {
        assert_rejected(
            "targets:\n  x:\n    endpoint: http://127.0.0.1:1\n    account_strategy: magic\n",
            4,
            "targets.x.account_strategy",
            "access-key, assume-role, profiles",
        );
    }

    #[test]
    fn key_of_other_strategy_is_rejected() {
        assert_rejected(
            "targets:\n  x:\n    endpoint: http://127.0.0.1:1\n    account_strategy: access-key\n    role_name: r\n",
            5,
            "targets.x.role_name",
            "assume-role strategy",
        );
    }

    #[test]
    fn default_profile_is_rejected() {
        assert_rejected(
            "targets:\n  aws:\n    account_strategy: profiles\n    profiles:\n      \"111111111111\": default\n",
            5,
            "targets.aws.profiles.111111111111",
            "default profile",
        );
    }

    #[test]
    fn unquoted_short_account_is_rejected() {
        assert_rejected(
            "targets:\n  aws:\n    account_strategy: profiles\n    profiles:\n      1234: p\n",
            5,
            "targets.aws.profiles.1234",
            "12-digit",
        );
    }

    #[test]
    fn bundled_name_and_bad_names_are_rejected() {
        assert_rejected(
            "targets:\n  bundled:\n    endpoint: http://127.0.0.1:1\n    account_strategy: access-key\n",
            2,
            "targets.bundled",
            "in-process",
        );
        assert_rejected(
            "targets:\n  a/b:\n    endpoint: http://127.0.0.1:1\n    account_strategy: access-key\n",
            2,
            "targets.a/b",
            "not a valid target name",
        );
    }

    #[test]
    fn invalid_role_name_is_rejected() {
        assert_rejected(
            "targets:\n  m:\n    endpoint: http://127.0.0.1:1\n    account_strategy: assume-role\n    role_name: a b\n",
            5,
            "targets.m.role_name",
            "IAM role name",
        );
    }

    #[test]
    fn unknown_key_is_rejected() {
        assert_rejected(
            "targets:\n  m:\n    endpoint: http://127.0.0.1:1\n    account_strategy: access-key\n    region: x\n",
            5,
            "targets.m.region",
            "unknown key",
        );
    }

    #[test]
    fn endpoint_urls_are_checked() {
        for valid in ["http://127.0.0.1:4566", "https://localhost", "http://[::1]:5000/", "http://h.example:1"] {
            assert_eq!(check_endpoint_url(valid), Ok(()), "{valid}");
        }
        for invalid in ["127.0.0.1:4566", "ftp://h", "http://", "http://h:port", "http://h/path", "http://h:99999"] {
            assert!(check_endpoint_url(invalid).is_err(), "{invalid}");
        }
    }
}
