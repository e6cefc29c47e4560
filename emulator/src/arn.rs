//! Resource addresses: ARNs and SQS queue URLs, parsed and formatted in one place.
//!
//! A request names a resource by an ARN, a URL, a bare name or id, an alias or
//! a partial ARN. This module turns each of those into the account and region
//! that own the resource, so services never split strings by hand and the
//! rule "the address decides the namespace" holds everywhere.
//!
//! ARN format: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>.
//! SQS queue URL shapes: <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html>
//! and LocalStack's `SQS_ENDPOINT_STRATEGY` values (`standard`, `domain`,
//! `path`, `off`).

use std::fmt;
use std::str::FromStr;

use crate::store::Namespace;

/// How a request named a resource. Reports group outcomes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddressKind {
    Arn,
    Url,
    Name,
    Id,
    AliasName,
    AliasArn,
    PartialArn,
    /// A name unique across every account and region, such as an S3 bucket
    /// name. It names no namespace, so its owner is the account that created it.
    GlobalName,
    /// A full ARN with a qualifier after the resource, such as a Lambda
    /// function ARN that ends in a version number or alias name.
    QualifiedArn,
    /// A Lambda layer version ARN, `arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION`.
    LayerVersionArn,
}

impl AddressKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressKind::Arn => "arn",
            AddressKind::Url => "url",
            AddressKind::Name => "name",
            AddressKind::Id => "id",
            AddressKind::AliasName => "alias-name",
            AddressKind::AliasArn => "alias-arn",
            AddressKind::PartialArn => "partial-arn",
            AddressKind::GlobalName => "global-name",
            AddressKind::QualifiedArn => "qualified-arn",
            AddressKind::LayerVersionArn => "layer-version-arn",
        }
    }
}

impl fmt::Display for AddressKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An Amazon Resource Name: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    /// Empty for global resources such as IAM roles and S3 buckets.
    pub region: String,
    /// Empty for resources without an owner in the ARN, such as S3 buckets.
    pub account_id: String,
    pub resource: String,
}

/// Why a string is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid ARN: {reason}")]
pub struct ArnError {
    pub value: String,
    pub reason: &'static str,
}

impl Arn {
    /// Builds an ARN in the `aws` partition.
    pub fn new(service: &str, region: &str, account_id: &str, resource: &str) -> Arn {
        Arn {
            partition: "aws".to_owned(),
            service: service.to_owned(),
            region: region.to_owned(),
            account_id: account_id.to_owned(),
            resource: resource.to_owned(),
        }
    }

    /// The namespace that owns the resource, when the ARN names both account and region.
    pub fn namespace(&self) -> Option<Namespace> {
        if self.account_id.is_empty() || self.region.is_empty() {
            return None;
        }
        Some(Namespace::new(&self.account_id, &self.region))
    }
}

impl FromStr for Arn {
    type Err = ArnError;

    fn from_str(value: &str) -> Result<Arn, ArnError> {
        let error = |reason| ArnError { value: value.to_owned(), reason };

        let mut parts = value.splitn(6, ':');
        if parts.next() != Some("arn") {
            return Err(error("it does not start with \"arn:\""));
        }
        let partition = parts.next().ok_or_else(|| error("the partition is missing"))?;
        let service = parts.next().ok_or_else(|| error("the service is missing"))?;
        let region = parts.next().ok_or_else(|| error("the region is missing"))?;
        let account_id = parts.next().ok_or_else(|| error("the account id is missing"))?;
        let resource = parts.next().ok_or_else(|| error("the resource is missing"))?;

        if partition.is_empty() {
            return Err(error("the partition is empty"));
        }
        if service.is_empty() {
            return Err(error("the service is empty"));
        }
        if !region.is_empty() && !is_region_name(region) {
            return Err(error("the region is not a region name"));
        }
        if !account_id.is_empty() && !is_account_id(account_id) {
            return Err(error("the account id is not 12 digits"));
        }
        if resource.is_empty() {
            return Err(error("the resource is empty"));
        }

        Ok(Arn {
            partition: partition.to_owned(),
            service: service.to_owned(),
            region: region.to_owned(),
            account_id: account_id.to_owned(),
            resource: resource.to_owned(),
        })
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account_id, self.resource
        )
    }
}

/// Returns whether `value` is a 12-digit account id.
pub fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

/// Returns whether `value` has the shape of an AWS region name, such as
/// `eu-central-1` or `us-gov-west-1`.
pub fn is_region_name(value: &str) -> bool {
    let mut parts = value.split('-').peekable();
    let mut words = 0;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return words >= 2 && !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        }
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_lowercase()) {
            return false;
        }
        words += 1;
    }
    false
}

/// How the emulator builds the queue URLs it returns; the parser accepts all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueUrlStrategy {
    /// `http://sqs.REGION.HOST:PORT/ACCOUNT/NAME`
    #[default]
    Standard,
    /// `http://REGION.queue.HOST:PORT/ACCOUNT/NAME`, and `queue.HOST` for us-east-1.
    Domain,
    /// `http://HOST:PORT/queue/REGION/ACCOUNT/NAME`
    Path,
    /// `http://HOST:PORT/ACCOUNT/NAME`. The URL carries no region, so a request
    /// that uses it acts on the queue in the caller's own region.
    Off,
}

impl QueueUrlStrategy {
    pub const NAMES: [&'static str; 4] = ["standard", "domain", "path", "off"];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueUrlStrategy::Standard => "standard",
            QueueUrlStrategy::Domain => "domain",
            QueueUrlStrategy::Path => "path",
            QueueUrlStrategy::Off => "off",
        }
    }
}

impl FromStr for QueueUrlStrategy {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "standard" => Ok(QueueUrlStrategy::Standard),
            "domain" => Ok(QueueUrlStrategy::Domain),
            "path" => Ok(QueueUrlStrategy::Path),
            "off" => Ok(QueueUrlStrategy::Off),
            other => Err(format!(
                "unknown queue URL strategy {other:?}; expected one of {}",
                Self::NAMES.join(", ")
            )),
        }
    }
}

/// The account, region and name a queue URL contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueAddress {
    pub account_id: String,
    /// `None` for URLs without a region (strategy `off`); the caller's region applies.
    pub region: Option<String>,
    pub queue_name: String,
}

/// Formats the URL of queue `queue_name` in `namespace`.
///
/// `host` is the host name and port the emulator advertises, such as
/// `localhost.localstack.cloud:4566`.
pub fn format_queue_url(strategy: QueueUrlStrategy, host: &str, namespace: &Namespace, queue_name: &str) -> String {
    let Namespace { account_id, region } = namespace;
    match strategy {
        QueueUrlStrategy::Standard => format!("http://sqs.{region}.{host}/{account_id}/{queue_name}"),
        QueueUrlStrategy::Domain if region == "us-east-1" => {
            format!("http://queue.{host}/{account_id}/{queue_name}")
        }
        QueueUrlStrategy::Domain => format!("http://{region}.queue.{host}/{account_id}/{queue_name}"),
        QueueUrlStrategy::Path => format!("http://{host}/queue/{region}/{account_id}/{queue_name}"),
        QueueUrlStrategy::Off => format!("http://{host}/{account_id}/{queue_name}"),
    }
}

/// Why a string is not a queue URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid queue URL: {reason}")]
pub struct QueueUrlError {
    pub value: String,
    pub reason: &'static str,
}

/// Parses a queue URL of any shape the emulator or AWS produces:
/// `sqs.REGION.HOST`, `REGION.queue.HOST`, `queue.HOST` (us-east-1),
/// `HOST/queue/REGION/...` and `HOST/ACCOUNT/NAME`.
pub fn parse_queue_url(value: &str) -> Result<QueueAddress, QueueUrlError> {
    let error = |reason| QueueUrlError { value: value.to_owned(), reason };

    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .ok_or_else(|| error("it does not start with http:// or https://"))?;
    let (authority, path) = rest.split_once('/').ok_or_else(|| error("it has no path"))?;
    if authority.contains('@') {
        return Err(error("it contains user information before the host"));
    }
    // Host names are case-insensitive, so `SQS.AP-SOUTH-1...` names ap-south-1.
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _port)| host)
        .to_ascii_lowercase();
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();

    let (path_region, account_id, queue_name) = match segments.as_slice() {
        ["queue", region, account_id, queue_name] => (Some(*region), *account_id, *queue_name),
        [account_id, queue_name] => (None, *account_id, *queue_name),
        _ => return Err(error("the path is not /ACCOUNT/NAME or /queue/REGION/ACCOUNT/NAME")),
    };
    if !is_account_id(account_id) {
        return Err(error("the account id is not 12 digits"));
    }
    if queue_name.is_empty() {
        return Err(error("the queue name is empty"));
    }

    let host_region = region_from_queue_host(&host).map_err(error)?;
    let region = match (path_region, host_region) {
        (Some(path_region), Some(host_region)) if path_region != host_region => {
            return Err(error("the host and the path name different regions"));
        }
        (Some(path_region), _) => Some(path_region.to_owned()),
        (None, host_region) => host_region,
    };
    if region.as_deref().is_some_and(|region| !is_region_name(region)) {
        return Err(error("the region is not a region name"));
    }

    Ok(QueueAddress {
        account_id: account_id.to_owned(),
        region,
        queue_name: queue_name.to_owned(),
    })
}

/// Reads the region from a lowercase queue URL host: `sqs.REGION.*`,
/// `sqs-fips.REGION.*`, `REGION.queue.*` or `queue.*` (AWS's legacy host for
/// us-east-1). A host without a region is `Ok(None)`. A host that contains a
/// region name in any other place is an error, so that such a URL is never
/// answered from the caller's own region.
fn region_from_queue_host(host: &str) -> Result<Option<String>, &'static str> {
    let labels: Vec<&str> = host.split('.').collect();
    match labels.as_slice() {
        ["sqs" | "sqs-fips", region, ..] if is_region_name(region) => Ok(Some((*region).to_owned())),
        [region, "queue", ..] if is_region_name(region) => Ok(Some((*region).to_owned())),
        ["queue", ..] => Ok(Some("us-east-1".to_owned())),
        _ if labels.iter().any(|label| is_region_name(label)) => {
            Err("the host names a region but is not a queue URL host (sqs.REGION or REGION.queue)")
        }
        _ => Ok(None),
    }
}

/// How a KMS request names a key
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id>).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyAddress {
    /// A key id (a UUID, or `mrk-` and 32 hex digits for a multi-Region
    /// key), which names a key in the caller's own namespace.
    KeyId(String),
    /// A key ARN, `arn:aws:kms:REGION:ACCOUNT:key/ID`.
    KeyArn { namespace: Namespace, key_id: String },
    /// An alias name, `alias/NAME`, in the caller's own namespace.
    AliasName(String),
    /// An alias ARN, `arn:aws:kms:REGION:ACCOUNT:alias/NAME`.
    AliasArn { namespace: Namespace, alias_name: String },
}

impl KeyAddress {
    /// Returns the address kind reports group outcomes by.
    pub fn kind(&self) -> AddressKind {
        match self {
            KeyAddress::KeyId(_) => AddressKind::Id,
            KeyAddress::KeyArn { .. } => AddressKind::Arn,
            KeyAddress::AliasName(_) => AddressKind::AliasName,
            KeyAddress::AliasArn { .. } => AddressKind::AliasArn,
        }
    }

    /// Returns the namespace the address names, or `caller` for a bare key id or alias name.
    pub fn namespace(&self, caller: &Namespace) -> Namespace {
        match self {
            KeyAddress::KeyArn { namespace, .. } | KeyAddress::AliasArn { namespace, .. } => namespace.clone(),
            KeyAddress::KeyId(_) | KeyAddress::AliasName(_) => caller.clone(),
        }
    }
}

/// Why a string is not a KMS key address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid key address: {reason}")]
pub struct KeyAddressError {
    pub value: String,
    /// Whether the value was meant as an ARN, which KMS reports as an invalid ARN.
    pub is_arn: bool,
    pub reason: &'static str,
}

/// Parses a key id, key ARN, alias name or alias ARN.
pub fn parse_key_address(value: &str) -> Result<KeyAddress, KeyAddressError> {
    let error = |is_arn, reason| KeyAddressError { value: value.to_owned(), is_arn, reason };

    if value.starts_with("arn:") {
        let arn: Arn = value.parse().map_err(|parsed: ArnError| error(true, parsed.reason))?;
        if arn.service != "kms" {
            return Err(error(true, "the service is not kms"));
        }
        let Some(namespace) = arn.namespace() else {
            return Err(error(true, "a KMS ARN names both its region and its account"));
        };
        if let Some(key_id) = arn.resource.strip_prefix("key/") {
            if !is_key_id(key_id) {
                return Err(error(true, "the key id is not a UUID or an mrk- id"));
            }
            return Ok(KeyAddress::KeyArn { namespace, key_id: key_id.to_owned() });
        }
        if arn.resource.starts_with("alias/") {
            if !is_alias_name(&arn.resource) {
                return Err(error(true, "the alias name has characters other than letters, digits, /, _ and -"));
            }
            return Ok(KeyAddress::AliasArn { namespace, alias_name: arn.resource });
        }
        return Err(error(true, "the resource is neither key/ID nor alias/NAME"));
    }

    if value.starts_with("alias/") {
        if !is_alias_name(value) {
            return Err(error(false, "the alias name has characters other than letters, digits, /, _ and -"));
        }
        return Ok(KeyAddress::AliasName(value.to_owned()));
    }
    if is_key_id(value) {
        return Ok(KeyAddress::KeyId(value.to_owned()));
    }
    Err(error(false, "expected a key id, a key ARN, alias/NAME or an alias ARN"))
}

/// Returns whether `value` is a KMS key id: a UUID in lower-case hex, or a
/// multi-Region key id, `mrk-` and 32 lower-case hex digits.
pub fn is_key_id(value: &str) -> bool {
    let is_hex = |text: &str| text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if let Some(rest) = value.strip_prefix("mrk-") {
        return rest.len() == 32 && is_hex(rest);
    }
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|group| is_hex(group))
}

/// Returns whether `value` is a well-formed alias name: `alias/` followed by
/// 1 to 250 letters, digits, slashes, underscores and hyphens.
pub fn is_alias_name(value: &str) -> bool {
    let Some(name) = value.strip_prefix("alias/") else {
        return false;
    };
    !name.is_empty()
        && value.len() <= 256
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
}

/// Formats the ARN of key `key_id` in `namespace`.
pub fn format_key_arn(namespace: &Namespace, key_id: &str) -> String {
    format!("arn:aws:kms:{}:{}:key/{key_id}", namespace.region, namespace.account_id)
}

/// Formats the ARN of alias `alias_name` (with its `alias/` prefix) in `namespace`.
pub fn format_alias_arn(namespace: &Namespace, alias_name: &str) -> String {
    format!("arn:aws:kms:{}:{}:{alias_name}", namespace.region, namespace.account_id)
}

/// Returns the reason a bucket name breaks S3's naming rules
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html>),
/// or `None` when the name is valid.
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    const RESERVED_PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
    const RESERVED_SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    if name.len() < 3 || name.len() > 63 {
        return Some("a bucket name must be between 3 and 63 characters long");
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-') {
        return Some("a bucket name may contain only lowercase letters, digits, dots and hyphens");
    }
    let alphanumeric = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !alphanumeric(name.as_bytes().first()) || !alphanumeric(name.as_bytes().last()) {
        return Some("a bucket name must begin and end with a letter or digit");
    }
    if name.contains("..") {
        return Some("a bucket name must not contain two adjacent dots");
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some("a bucket name must not be formatted as an IP address");
    }
    if RESERVED_PREFIXES.iter().any(|prefix| name.starts_with(prefix)) {
        return Some("a bucket name must not start with a reserved prefix");
    }
    if RESERVED_SUFFIXES.iter().any(|suffix| name.ends_with(suffix)) {
        return Some("a bucket name must not end with a reserved suffix");
    }
    None
}

/// Formats the ARN of an S3 bucket. Bucket ARNs carry neither region nor account.
pub fn format_bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// Formats the ARN of an S3 object.
pub fn format_object_arn(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{key}")
}

/// The address parts an S3 request's `Host` header carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Host {
    /// The bucket of a virtual-host style request; `None` for path style.
    pub bucket: Option<String>,
    /// The region the host name carries, such as `eu-west-1` in `s3.eu-west-1.amazonaws.com`.
    pub region: Option<String>,
}

/// Parses an S3 `Host` header (the port is ignored) against the emulator's
/// configured host name. Returns `None` when the host is no S3 endpoint.
///
/// Virtual-host style names the bucket in front of an S3 endpoint
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html>):
/// `BUCKET.s3.amazonaws.com`, `BUCKET.s3.REGION.amazonaws.com`,
/// `BUCKET.s3-REGION.amazonaws.com`, `BUCKET.s3.REGION.HOSTNAME`,
/// `BUCKET.s3.HOSTNAME` and `BUCKET.HOSTNAME`. The endpoints themselves
/// (`s3.amazonaws.com`, `s3.REGION.HOSTNAME`, ...) are path style.
pub fn parse_s3_host(host: &str, configured_hostname: &str) -> Option<S3Host> {
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) { name } else { host }
    });
    // A fully qualified name may end in a dot, which names the same host.
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();

    for base in ["amazonaws.com", configured_hostname] {
        if let Some(found) = parse_s3_endpoint(&name, base) {
            return Some(found);
        }
    }
    // `BUCKET.HOSTNAME` without the `s3` label.
    let bucket = name.strip_suffix(configured_hostname)?.strip_suffix('.')?;
    if bucket.is_empty() || bucket == "s3" || bucket.starts_with("s3.") || bucket.starts_with("s3-") {
        return None;
    }
    Some(S3Host {
        bucket: Some(bucket.to_owned()),
        region: None,
    })
}

/// Finds `[BUCKET.]s3[.REGION|-REGION].BASE` in `name`.
fn parse_s3_endpoint(name: &str, base: &str) -> Option<S3Host> {
    let front = name.strip_suffix(base)?.strip_suffix('.')?;
    // Split off the endpoint label (`s3`, `s3.REGION` or `s3-REGION`), scanning
    // from the right because a bucket name may itself contain dots.
    let labels: Vec<&str> = front.split('.').collect();
    let last = *labels.last()?;
    let (endpoint_labels, region) = if last == "s3" {
        (1, None)
    } else if let Some(region) = last.strip_prefix("s3-").filter(|region| is_region_name(region)) {
        (1, Some(region.to_owned()))
    } else if labels.len() >= 2 && labels[labels.len() - 2] == "s3" && is_region_name(last) {
        (2, Some(last.to_owned()))
    } else {
        return None;
    };
    let bucket_labels = &labels[..labels.len() - endpoint_labels];
    let bucket = Some(bucket_labels.join(".")).filter(|bucket| !bucket.is_empty());
    Some(S3Host { bucket, region })
}


/// A topic ARN, `arn:aws:sns:REGION:ACCOUNT:NAME`, or a subscription ARN,
/// `arn:aws:sns:REGION:ACCOUNT:NAME:ID`, split into its parts
/// (<https://docs.aws.amazon.com/sns/latest/dg/sns-using-identity-based-policies.html#sns-arn-format>).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicAddress {
    pub namespace: Namespace,
    pub topic_name: String,
    /// The subscription id, for a subscription ARN.
    pub subscription_id: Option<String>,
}

impl TopicAddress {
    /// Formats the ARN of the topic alone, without any subscription id.
    pub fn topic_arn(&self) -> String {
        format_topic_arn(&self.namespace, &self.topic_name)
    }
}

/// The reason a string is not a topic or subscription ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid SNS ARN: {reason}")]
pub struct TopicArnError {
    pub value: String,
    pub reason: &'static str,
}

/// Parses a topic ARN. A subscription ARN is rejected.
pub fn parse_topic_arn(value: &str) -> Result<TopicAddress, TopicArnError> {
    let address = parse_sns_arn(value)?;
    if address.subscription_id.is_some() {
        return Err(TopicArnError { value: value.to_owned(), reason: "it names a subscription, not a topic" });
    }
    Ok(address)
}

/// Parses a subscription ARN: a topic ARN followed by `:ID`.
pub fn parse_subscription_arn(value: &str) -> Result<TopicAddress, TopicArnError> {
    let address = parse_sns_arn(value)?;
    if address.subscription_id.is_none() {
        return Err(TopicArnError { value: value.to_owned(), reason: "it names a topic, not a subscription" });
    }
    Ok(address)
}

fn parse_sns_arn(value: &str) -> Result<TopicAddress, TopicArnError> {
    let error = |reason| TopicArnError { value: value.to_owned(), reason };
    let arn: Arn = value.parse().map_err(|parsed: ArnError| error(parsed.reason))?;
    if arn.service != "sns" {
        return Err(error("the service is not sns"));
    }
    let Some(namespace) = arn.namespace() else {
        return Err(error("an SNS ARN names both its region and its account"));
    };
    let (topic_name, subscription_id) = match arn.resource.split_once(':') {
        Some((name, id)) => (name, Some(id)),
        None => (arn.resource.as_str(), None),
    };
    if !is_topic_name(topic_name) {
        return Err(error("the topic name is not 1 to 256 letters, digits, hyphens and underscores"));
    }
    if let Some(id) = subscription_id
        && (id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        return Err(error("the subscription id is not letters, digits and hyphens"));
    }
    Ok(TopicAddress {
        namespace,
        topic_name: topic_name.to_owned(),
        subscription_id: subscription_id.map(str::to_owned),
    })
}

/// Returns whether `value` is a valid topic name: 1 to 256 letters, digits,
/// hyphens and underscores, with an optional `.fifo` suffix counted in the length
/// (<https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html>).
pub fn is_topic_name(value: &str) -> bool {
    let base = value.strip_suffix(".fifo").unwrap_or(value);
    !base.is_empty()
        && value.len() <= 256
        && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Formats the ARN of topic `topic_name` in `namespace`.
pub fn format_topic_arn(namespace: &Namespace, topic_name: &str) -> String {
    format!("arn:aws:sns:{}:{}:{topic_name}", namespace.region, namespace.account_id)
}

/// A secret address, the `SecretId` member of a Secrets Manager request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretAddress {
    /// A secret name, in the caller's own namespace.
    Name(String),
    /// A secret ARN, `arn:aws:secretsmanager:REGION:ACCOUNT:secret:RESOURCE`.
    /// `resource` is either the secret's name and its `-XXXXXX` suffix (a
    /// full ARN) or the name alone (a partial ARN). A name that itself ends
    /// in a hyphen and six characters makes the two look alike, so the
    /// service tries the full ARN first.
    Arn { namespace: Namespace, resource: String },
}

impl SecretAddress {
    /// Returns the namespace the address names, or `caller` for a bare name.
    pub fn namespace(&self, caller: &Namespace) -> Namespace {
        match self {
            SecretAddress::Arn { namespace, .. } => namespace.clone(),
            SecretAddress::Name(_) => caller.clone(),
        }
    }
}

/// The length of the random suffix Secrets Manager appends to a secret's name in its ARN.
pub const SECRET_SUFFIX_LEN: usize = 6;

/// Parses a secret name, full secret ARN or partial secret ARN.
pub fn parse_secret_address(value: &str) -> Result<SecretAddress, ArnError> {
    if !value.starts_with("arn:") {
        return Ok(SecretAddress::Name(value.to_owned()));
    }
    let error = |reason| ArnError { value: value.to_owned(), reason };
    let arn: Arn = value.parse()?;
    if arn.service != "secretsmanager" {
        return Err(error("the service is not secretsmanager"));
    }
    let Some(namespace) = arn.namespace() else {
        return Err(error("a secret ARN names both its region and its account"));
    };
    let Some(resource) = arn.resource.strip_prefix("secret:") else {
        return Err(error("the resource is not secret:NAME"));
    };
    if resource.is_empty() {
        return Err(error("the secret name is empty"));
    }
    Ok(SecretAddress::Arn { namespace, resource: resource.to_owned() })
}

/// Formats the ARN of secret `name` with its random `suffix` in `namespace`.
pub fn format_secret_arn(namespace: &Namespace, name: &str, suffix: &str) -> String {
    format!("arn:aws:secretsmanager:{}:{}:secret:{name}-{suffix}", namespace.region, namespace.account_id)
}

/// A Lambda function address, the `FunctionName` member of a Lambda request
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html>):
/// a name (`my-function`), a partial ARN (`123456789012:function:my-function`)
/// or a full ARN, each optionally followed by `:QUALIFIER` (a version number,
/// `$LATEST` or an alias name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionAddress {
    /// The account the address names; `None` for a bare name.
    pub account_id: Option<String>,
    /// The region the address names; only a full ARN names one.
    pub region: Option<String>,
    pub name: String,
    pub qualifier: Option<String>,
}

impl FunctionAddress {
    /// Classifies the address: a name, a partial ARN (with or without a
    /// qualifier), a full ARN or a qualified full ARN.
    pub fn kind(&self) -> AddressKind {
        match (&self.account_id, &self.region, &self.qualifier) {
            (None, _, _) => AddressKind::Name,
            (Some(_), None, _) => AddressKind::PartialArn,
            (Some(_), Some(_), None) => AddressKind::Arn,
            (Some(_), Some(_), Some(_)) => AddressKind::QualifiedArn,
        }
    }

    /// Returns the namespace the address names, filling what it leaves out from `caller`.
    pub fn namespace(&self, caller: &Namespace) -> Namespace {
        Namespace::new(
            self.account_id.as_deref().unwrap_or(&caller.account_id),
            self.region.as_deref().unwrap_or(&caller.region),
        )
    }
}

/// Reports whether `value` is a valid function name: 1 to 64 letters, digits, hyphens or underscores.
pub fn is_function_name(value: &str) -> bool {
    (1..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Reports whether `value` is a valid qualifier: `$LATEST`, a version number or an alias name.
pub fn is_function_qualifier(value: &str) -> bool {
    value == "$LATEST"
        || ((1..=128).contains(&value.len())
            && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Parses a function name, partial ARN or full ARN, with an optional qualifier.
pub fn parse_function_address(value: &str) -> Result<FunctionAddress, ArnError> {
    let error = |reason| ArnError { value: value.to_owned(), reason };
    let (account_id, region, rest) = if value.starts_with("arn:") {
        let arn: Arn = value.parse()?;
        if arn.service != "lambda" {
            return Err(error("the service is not lambda"));
        }
        if arn.region.is_empty() || arn.account_id.is_empty() {
            return Err(error("a function ARN names both its region and its account"));
        }
        let Some(rest) = arn.resource.strip_prefix("function:") else {
            return Err(error("the resource is not function:NAME"));
        };
        (Some(arn.account_id.clone()), Some(arn.region.clone()), rest.to_owned())
    } else if let Some((account_id, rest)) = value.split_once(":function:") {
        if !is_account_id(account_id) {
            return Err(error("the account id of a partial function ARN is not 12 digits"));
        }
        (Some(account_id.to_owned()), None, rest.to_owned())
    } else {
        (None, None, value.to_owned())
    };

    let (name, qualifier) = match rest.split_once(':') {
        Some((name, qualifier)) => (name, Some(qualifier)),
        None => (rest.as_str(), None),
    };
    if !is_function_name(name) {
        return Err(error("the function name is not 1 to 64 letters, digits, hyphens or underscores"));
    }
    if let Some(qualifier) = qualifier
        && !is_function_qualifier(qualifier)
    {
        return Err(error("the qualifier is not $LATEST, a version number or an alias name"));
    }
    Ok(FunctionAddress { account_id, region, name: name.to_owned(), qualifier: qualifier.map(str::to_owned) })
}

/// Formats the ARN of function `name` in `namespace`, qualified when `qualifier` is set.
pub fn format_function_arn(namespace: &Namespace, name: &str, qualifier: Option<&str>) -> String {
    let base = format!("arn:aws:lambda:{}:{}:function:{name}", namespace.region, namespace.account_id);
    match qualifier {
        Some(qualifier) => format!("{base}:{qualifier}"),
        None => base,
    }
}

/// A layer version ARN, `arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerVersionAddress {
    pub namespace: Namespace,
    pub name: String,
    pub version: u64,
}

/// Parses a layer version ARN.
pub fn parse_layer_version_arn(value: &str) -> Result<LayerVersionAddress, ArnError> {
    let error = |reason| ArnError { value: value.to_owned(), reason };
    let arn: Arn = value.parse()?;
    if arn.service != "lambda" {
        return Err(error("the service is not lambda"));
    }
    let Some(namespace) = arn.namespace() else {
        return Err(error("a layer ARN names both its region and its account"));
    };
    let Some(rest) = arn.resource.strip_prefix("layer:") else {
        return Err(error("the resource is not layer:NAME:VERSION"));
    };
    let Some((name, version)) = rest.split_once(':') else {
        return Err(error("the layer ARN names no version"));
    };
    let valid_name = (1..=140).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !valid_name {
        return Err(error("the layer name is not letters, digits, hyphens or underscores"));
    }
    let version = version.parse::<u64>().map_err(|_| error("the layer version is not a number"))?;
    Ok(LayerVersionAddress { namespace, name: name.to_owned(), version })
}

/// A layer address, the `LayerName` or `Arn` member of a layer request
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_GetLayerVersion.html>):
/// a layer name in the caller's namespace, a layer ARN or a layer version ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerAddress {
    /// The namespace an ARN names; `None` for a bare name.
    pub namespace: Option<Namespace>,
    pub name: String,
    /// The version a layer version ARN names.
    pub version: Option<u64>,
}

impl LayerAddress {
    /// Classifies the address: a name, a layer ARN or a layer version ARN.
    pub fn kind(&self) -> AddressKind {
        match (&self.namespace, self.version) {
            (None, _) => AddressKind::Name,
            (Some(_), None) => AddressKind::Arn,
            (Some(_), Some(_)) => AddressKind::LayerVersionArn,
        }
    }
}

/// Reports whether `value` is a valid layer name: 1 to 140 letters, digits, hyphens or underscores.
pub fn is_layer_name(value: &str) -> bool {
    (1..=140).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Parses a layer name, layer ARN or layer version ARN.
pub fn parse_layer_address(value: &str) -> Result<LayerAddress, ArnError> {
    if !value.starts_with("arn:") {
        if !is_layer_name(value) {
            let reason = "the layer name is not 1 to 140 letters, digits, hyphens or underscores";
            return Err(ArnError { value: value.to_owned(), reason });
        }
        return Ok(LayerAddress { namespace: None, name: value.to_owned(), version: None });
    }
    if let Ok(versioned) = parse_layer_version_arn(value) {
        return Ok(LayerAddress {
            namespace: Some(versioned.namespace),
            name: versioned.name,
            version: Some(versioned.version),
        });
    }
    let error = |reason| ArnError { value: value.to_owned(), reason };
    let arn: Arn = value.parse()?;
    if arn.service != "lambda" {
        return Err(error("the service is not lambda"));
    }
    let Some(namespace) = arn.namespace() else {
        return Err(error("a layer ARN names both its region and its account"));
    };
    match arn.resource.strip_prefix("layer:") {
        Some(name) if is_layer_name(name) => Ok(LayerAddress { namespace: Some(namespace), name: name.to_owned(), version: None }),
        _ => Err(error("the resource is not layer:NAME or layer:NAME:VERSION")),
    }
}

/// Formats the ARN of layer `name` in `namespace`, with its version when `version` is set.
pub fn format_layer_arn(namespace: &Namespace, name: &str, version: Option<u64>) -> String {
    let base = format!("arn:aws:lambda:{}:{}:layer:{name}", namespace.region, namespace.account_id);
    match version {
        Some(version) => format!("{base}:{version}"),
        None => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(account_id: &str, region: Option<&str>, queue_name: &str) -> QueueAddress {
        QueueAddress {
            account_id: account_id.to_owned(),
            region: region.map(str::to_owned),
            queue_name: queue_name.to_owned(),
        }
    }

    #[test]
    fn function_address_forms_parse() {
        let name = parse_function_address("f").expect("a name");
        assert_eq!((name.account_id, name.qualifier), (None, None));
        let partial = parse_function_address("111111111111:function:f:live").expect("a partial ARN");
        assert_eq!(partial.account_id.as_deref(), Some("111111111111"));
        assert_eq!(partial.qualifier.as_deref(), Some("live"));
        let full = parse_function_address("arn:aws:lambda:eu-west-1:111111111111:function:f:$LATEST").expect("a full ARN");
        assert_eq!(full.region.as_deref(), Some("eu-west-1"));
        assert_eq!(full.qualifier.as_deref(), Some("$LATEST"));
        assert!(parse_function_address("arn:aws:sqs:eu-west-1:111111111111:function:f").is_err());
        assert!(parse_function_address("bad name").is_err());
        assert!(parse_function_address("12:function:f").is_err());
    }

    #[test]
    fn function_address_kinds_classify() {
        let kind = |value: &str| parse_function_address(value).expect("a function address").kind();
        assert_eq!(kind("f"), AddressKind::Name);
        assert_eq!(kind("f:live"), AddressKind::Name);
        assert_eq!(kind("111111111111:function:f"), AddressKind::PartialArn);
        assert_eq!(kind("111111111111:function:f:1"), AddressKind::PartialArn);
        assert_eq!(kind("arn:aws:lambda:eu-west-1:111111111111:function:f"), AddressKind::Arn);
        assert_eq!(kind("arn:aws:lambda:eu-west-1:111111111111:function:f:live"), AddressKind::QualifiedArn);
    }

    #[test]
    fn layer_address_forms_parse() {
        let name = parse_layer_address("shared-libs").expect("a layer name");
        assert_eq!((name.kind(), name.namespace, name.version), (AddressKind::Name, None, None));

        let arn = parse_layer_address("arn:aws:lambda:eu-west-1:111111111111:layer:shared").expect("a layer ARN");
        assert_eq!(arn.kind(), AddressKind::Arn);
        assert_eq!(arn.namespace, Some(Namespace::new("111111111111", "eu-west-1")));
        assert_eq!(arn.name, "shared");

        let versioned =
            parse_layer_address("arn:aws:lambda:eu-west-1:111111111111:layer:shared:3").expect("a layer version ARN");
        assert_eq!(versioned.kind(), AddressKind::LayerVersionArn);
        assert_eq!(versioned.version, Some(3));

        assert!(parse_layer_address("bad name").is_err());
        assert!(parse_layer_address("arn:aws:lambda:eu-west-1:111111111111:function:f").is_err());
        assert!(parse_layer_address("arn:aws:sqs:eu-west-1:111111111111:layer:shared").is_err());
        assert!(parse_layer_address("arn:aws:lambda:eu-west-1:111111111111:layer:shared:x").is_err());
    }

    #[test]
    fn arn_round_trips() {
        let text = "arn:aws:sqs:ap-south-1:111111111111:my-queue";
        let arn: Arn = text.parse().expect("valid ARN");
        assert_eq!(arn.service, "sqs");
        assert_eq!(arn.region, "ap-south-1");
        assert_eq!(arn.account_id, "111111111111");
        assert_eq!(arn.resource, "my-queue");
        assert_eq!(arn.to_string(), text);
    }

    #[test]
    fn arn_keeps_colons_in_resource() {
        let arn: Arn = "arn:aws:lambda:us-east-1:111111111111:function:f:1".parse().expect("valid ARN");
        assert_eq!(arn.resource, "function:f:1");
    }

    #[test]
    fn arn_rejects_bad_parts() {
        for bad in [
            "",
            "arn",
            "arn:aws:sqs",
            "arn:aws:sqs:us-east-1:1111:q",
            "arn:aws:sqs:not a region:111111111111:q",
            "arn:aws:sqs:us-east-1:111111111111:",
            "urn:aws:sqs:us-east-1:111111111111:q",
        ] {
            assert!(bad.parse::<Arn>().is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn region_names_are_recognised() {
        for region in ["us-east-1", "ap-south-1", "eu-central-1", "us-gov-west-1", "ap-southeast-5"] {
            assert!(is_region_name(region), "{region}");
        }
        for other in ["", "us", "us-east", "127", "localhost", "US-EAST-1", "us-east-x", "queue"] {
            assert!(!is_region_name(other), "{other}");
        }
    }

    #[test]
    fn queue_url_parses_standard_strategy() {
        let parsed = parse_queue_url("http://sqs.ap-south-1.localhost.localstack.cloud:4566/111111111111/my-queue");
        assert_eq!(parsed, Ok(address("111111111111", Some("ap-south-1"), "my-queue")));
    }

    #[test]
    fn queue_url_parses_domain_strategy() {
        let parsed = parse_queue_url("http://eu-central-1.queue.localhost.localstack.cloud:4566/111111111111/q");
        assert_eq!(parsed, Ok(address("111111111111", Some("eu-central-1"), "q")));
    }

    #[test]
    fn queue_url_parses_domain_strategy_for_us_east_1() {
        let parsed = parse_queue_url("http://queue.localhost.localstack.cloud:4566/111111111111/q");
        assert_eq!(parsed, Ok(address("111111111111", Some("us-east-1"), "q")));
    }

    #[test]
    fn queue_url_parses_path_strategy() {
        let parsed = parse_queue_url("http://localhost:4566/queue/ap-south-1/111111111111/q.fifo");
        assert_eq!(parsed, Ok(address("111111111111", Some("ap-south-1"), "q.fifo")));
    }

    #[test]
    fn queue_url_parses_off_strategy_without_region() {
        let parsed = parse_queue_url("http://127.0.0.1:4566/111111111111/q");
        assert_eq!(parsed, Ok(address("111111111111", None, "q")));
    }

    #[test]
    fn queue_url_parses_aws_shapes() {
        let cases = [
            ("https://sqs.eu-west-1.amazonaws.com/123456789012/q", "eu-west-1"),
            ("https://eu-west-1.queue.amazonaws.com/123456789012/q", "eu-west-1"),
            ("https://queue.amazonaws.com/123456789012/q", "us-east-1"),
        ];
        for (url, region) in cases {
            assert_eq!(parse_queue_url(url), Ok(address("123456789012", Some(region), "q")), "{url}");
        }
    }

    #[test]
    fn queue_url_host_is_case_insensitive() {
        let cases = [
            "http://sqs.AP-SOUTH-1.localhost.localstack.cloud:4566/111111111111/dup",
            "http://SQS.ap-south-1.localhost.localstack.cloud/111111111111/dup",
            "https://sqs-fips.ap-south-1.amazonaws.com/111111111111/dup",
            "http://AP-SOUTH-1.Queue.localhost.localstack.cloud/111111111111/dup",
        ];
        for url in cases {
            assert_eq!(parse_queue_url(url), Ok(address("111111111111", Some("ap-south-1"), "dup")), "{url}");
        }
    }

    #[test]
    fn queue_url_rejects_region_in_unknown_host_shape() {
        for url in [
            "http://ec2.ap-south-1.amazonaws.com/111111111111/dup",
            "http://ap-south-1.localhost/111111111111/dup",
        ] {
            assert!(parse_queue_url(url).is_err(), "{url} names a region it cannot mean");
        }
    }

    #[test]
    fn queue_url_rejects_conflicting_regions() {
        let url = "http://sqs.eu-west-1.localhost/queue/ap-south-1/111111111111/dup";
        assert!(parse_queue_url(url).is_err(), "{url}");
    }

    #[test]
    fn queue_url_rejects_user_information() {
        let url = "http://user@sqs.ap-south-1.localhost/111111111111/dup";
        assert!(parse_queue_url(url).is_err(), "{url}");
    }

    #[test]
    fn queue_url_rejects_bad_shapes() {
        for bad in [
            "my-queue",
            "ftp://sqs.us-east-1.amazonaws.com/123456789012/q",
            "http://sqs.us-east-1.amazonaws.com",
            "http://sqs.us-east-1.amazonaws.com/123/q",
            "http://sqs.us-east-1.amazonaws.com/123456789012",
            "http://host/queue/not-a-region/123456789012/q",
            "http://host/a/b/c/d/e",
        ] {
            assert!(parse_queue_url(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn queue_url_round_trips_every_strategy() {
        let namespace = Namespace::new("111111111111", "ap-south-1");
        for name in QueueUrlStrategy::NAMES {
            let strategy: QueueUrlStrategy = name.parse().expect("strategy");
            let url = format_queue_url(strategy, "localhost.localstack.cloud:4566", &namespace, "q");
            let parsed = parse_queue_url(&url).expect("own URL parses");
            assert_eq!(parsed.account_id, "111111111111", "{url}");
            assert_eq!(parsed.queue_name, "q", "{url}");
            let expected_region = (strategy != QueueUrlStrategy::Off).then(|| "ap-south-1".to_owned());
            assert_eq!(parsed.region, expected_region, "{url}");
        }
    }
    #[test]
    fn key_address_parses_four_kinds() {
        let namespace = Namespace::new("111111111111", "ap-south-1");
        let key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(parse_key_address(key_id), Ok(KeyAddress::KeyId(key_id.to_owned())));
        assert_eq!(
            parse_key_address(&format!("arn:aws:kms:ap-south-1:111111111111:key/{key_id}")),
            Ok(KeyAddress::KeyArn { namespace: namespace.clone(), key_id: key_id.to_owned() })
        );
        assert_eq!(parse_key_address("alias/app/data"), Ok(KeyAddress::AliasName("alias/app/data".to_owned())));
        assert_eq!(
            parse_key_address("arn:aws:kms:ap-south-1:111111111111:alias/app"),
            Ok(KeyAddress::AliasArn { namespace, alias_name: "alias/app".to_owned() })
        );
        assert!(parse_key_address("mrk-1234abcd12ab34cd56ef1234567890ab").is_ok(), "multi-Region key id");
    }

    #[test]
    fn key_address_rejects_malformed_values() {
        for value in [
            "",
            "not-a-key",
            "alias/",
            "alias/bad name",
            "1234ABCD-12ab-34cd-56ef-1234567890ab",
            "arn:aws:sqs:ap-south-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:ap-south-1:111111111111:key/nope",
            "arn:aws:kms::111111111111:alias/app",
        ] {
            assert!(parse_key_address(value).is_err(), "{value:?} should be rejected");
        }
        let error = parse_key_address("arn:aws:kms:ap-south-1:111111111111:secret/x").expect_err("not a key");
        assert!(error.is_arn, "an ARN-shaped value is reported as an ARN");
    }

    #[test]
    fn topic_arn_parses_topic_and_subscription() {
        let topic = parse_topic_arn("arn:aws:sns:eu-central-1:111111111111:orders.fifo").expect("a topic ARN");
        assert_eq!(topic.namespace, Namespace::new("111111111111", "eu-central-1"));
        assert_eq!(topic.topic_name, "orders.fifo");
        assert_eq!(topic.topic_arn(), "arn:aws:sns:eu-central-1:111111111111:orders.fifo");

        let subscription = parse_subscription_arn("arn:aws:sns:eu-central-1:111111111111:orders:1b2c-3d")
            .expect("a subscription ARN");
        assert_eq!(subscription.subscription_id.as_deref(), Some("1b2c-3d"));
        assert!(parse_topic_arn("arn:aws:sns:eu-central-1:111111111111:orders:1b2c").is_err());
        assert!(parse_subscription_arn("arn:aws:sns:eu-central-1:111111111111:orders").is_err());
    }

    #[test]
    fn topic_arn_rejects_malformed_values() {
        for value in [
            "orders",
            "arn:aws:sqs:eu-central-1:111111111111:orders",
            "arn:aws:sns::111111111111:orders",
            "arn:aws:sns:eu-central-1:1111:orders",
            "arn:aws:sns:eu-central-1:111111111111:bad name",
            "arn:aws:sns:eu-central-1:111111111111:.fifo",
        ] {
            assert!(parse_topic_arn(value).is_err(), "{value} should be rejected");
        }
    }

    #[test]
    fn secret_address_parses_name_and_arns() {
        let caller = Namespace::new("111111111111", "ap-south-1");
        assert_eq!(parse_secret_address("db/password"), Ok(SecretAddress::Name("db/password".into())));

        let full = parse_secret_address("arn:aws:secretsmanager:eu-central-1:222222222222:secret:db-AbC123")
            .expect("a full secret ARN");
        assert_eq!(full.namespace(&caller), Namespace::new("222222222222", "eu-central-1"));
        assert_eq!(
            full,
            SecretAddress::Arn { namespace: Namespace::new("222222222222", "eu-central-1"), resource: "db-AbC123".into() }
        );
        assert_eq!(
            format_secret_arn(&Namespace::new("222222222222", "eu-central-1"), "db", "AbC123"),
            "arn:aws:secretsmanager:eu-central-1:222222222222:secret:db-AbC123"
        );
    }

    #[test]
    fn secret_address_rejects_other_arns() {
        for bad in [
            "arn:aws:kms:us-east-1:111111111111:key/x",
            "arn:aws:secretsmanager:us-east-1:111111111111:parameter/x",
            "arn:aws:secretsmanager:us-east-1:111111111111:secret:",
            "arn:aws:secretsmanager::111111111111:secret:x",
        ] {
            assert!(parse_secret_address(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn bucket_names_follow_naming_rules() {
        for valid in ["abc", "my-bucket.logs", "a1b", &"a".repeat(63)] {
            assert_eq!(bucket_name_problem(valid), None, "{valid:?} is valid");
        }
        for invalid in ["ab", "Bucket", "-abc", "abc-", "a..b", "192.168.5.4", "xn--abc", "abc-s3alias", "a_b", &"a".repeat(64)] {
            assert!(bucket_name_problem(invalid).is_some(), "{invalid:?} is invalid");
        }
    }

    #[test]
    fn s3_hosts_parse_virtual_and_path_style() {
        let parse = |host: &str| parse_s3_host(host, "localhost.localstack.cloud");
        let virtual_host = |bucket: &str, region: Option<&str>| {
            Some(S3Host { bucket: Some(bucket.to_owned()), region: region.map(str::to_owned) })
        };
        assert_eq!(parse("my.bucket.s3.amazonaws.com"), virtual_host("my.bucket", None));
        assert_eq!(parse("b1.s3.eu-west-1.amazonaws.com"), virtual_host("b1", Some("eu-west-1")));
        assert_eq!(parse("b1.s3-eu-west-1.amazonaws.com:443"), virtual_host("b1", Some("eu-west-1")));
        assert_eq!(parse("b1.s3.ap-south-1.localhost.localstack.cloud:4566"), virtual_host("b1", Some("ap-south-1")));
        assert_eq!(parse("b1.localhost.localstack.cloud:4566"), virtual_host("b1", None));
        assert_eq!(parse("s3.amazonaws.com"), Some(S3Host { bucket: None, region: None }));
        assert_eq!(
            parse("s3.us-east-2.localhost.localstack.cloud"),
            Some(S3Host { bucket: None, region: Some("us-east-2".to_owned()) })
        );
        assert_eq!(parse("localhost.localstack.cloud:4566"), None);
        assert_eq!(parse("127.0.0.1:4566"), None);
        assert_eq!(parse("sqs.us-east-1.amazonaws.com"), None);
    }

    #[test]
    fn s3_host_trailing_dot_and_empty_label() {
        let parse = |host: &str| parse_s3_host(host, "localhost.localstack.cloud");
        let virtual_host = Some(S3Host { bucket: Some("b1".to_owned()), region: None });

        // A fully qualified name ends in a dot and names the same host.
        assert_eq!(parse("b1.s3.localhost.localstack.cloud.:4566"), virtual_host);
        assert_eq!(parse("b1.s3.amazonaws.com."), virtual_host);

        // An empty label in front of the endpoint names no bucket.
        assert_eq!(parse(".s3.localhost.localstack.cloud:4566"), Some(S3Host { bucket: None, region: None }));
    }
}
