//! Subscription filter policies: parsing, checking and matching.
//!
//! A filter policy is a JSON object whose keys name message attributes
//! (scope `MessageAttributes`) or, with nesting, members of a JSON message
//! body (scope `MessageBody`). Each key contains an array of conditions, any of
//! which may match, and every key must match. Conditions are exact strings,
//! numbers and `null`, and the operators `prefix`, `suffix`,
//! `equals-ignore-case`, `anything-but`, `numeric`, `exists` and `cidr` (an
//! IPv4 or IPv6 address in a subnet); a `$or` key contains alternative policies
//! (<https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html>,
//! <https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html>,
//! <https://docs.aws.amazon.com/sns/latest/dg/numeric-value-matching.html>).
//! A policy may combine at most 150 values and have at most five keys
//! (<https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html>).
//!
//! A value that is an array (a `String.Array` attribute or a JSON array in
//! the body) matches when any of its elements does.

use std::collections::BTreeSet;
use std::net::IpAddr;

use serde_json::{Map, Value};

/// The maximum number of value combinations a policy may have.
pub const MAX_COMBINATIONS: usize = 150;

/// The maximum number of keys a policy may have.
pub const MAX_KEYS: usize = 5;

/// The largest magnitude a `numeric` bound may have.
const MAX_NUMERIC_BOUND: f64 = 1e9;

/// The part of a message a filter policy is matched against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    MessageAttributes,
    MessageBody,
}

impl Scope {
    pub fn parse(value: &str) -> Option<Scope> {
        match value {
            "MessageAttributes" => Some(Scope::MessageAttributes),
            "MessageBody" => Some(Scope::MessageBody),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::MessageAttributes => "MessageAttributes",
            Scope::MessageBody => "MessageBody",
        }
    }
}

/// A parsed filter policy.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterPolicy {
    root: Node,
}

/// One JSON object of the policy: every key must match, and every `$or`
/// group must have one matching alternative.
#[derive(Debug, Clone, PartialEq, Default)]
struct Node {
    keys: Vec<(String, Rule)>,
    or_groups: Vec<Vec<Node>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Rule {
    /// An array of conditions, any of which may match.
    Conditions(Vec<Condition>),
    /// A nested object, for members of a JSON body.
    Nested(Node),
}

#[derive(Debug, Clone, PartialEq)]
enum Condition {
    Equals(Value),
    Prefix(String),
    Suffix(String),
    EqualsIgnoreCase(String),
    AnythingBut(AnythingBut),
    Numeric(Vec<(Comparison, f64)>),
    Exists(bool),
    Cidr(Subnet),
}

/// An IPv4 or IPv6 subnet: its address with the host bits cleared, and its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Subnet {
    network: IpAddr,
    prefix_length: u8,
}

impl Subnet {
    /// Parses `ADDRESS/LENGTH`, or a bare address as a subnet of one address.
    fn parse(text: &str) -> Option<Subnet> {
        let (address, length) = match text.split_once('/') {
            Some((address, length)) => (address, Some(length)),
            None => (text, None),
        };
        let address: IpAddr = address.parse().ok()?;
        let max_length = if address.is_ipv4() { 32 } else { 128 };
        let prefix_length = match length {
            // `u8::from_str` takes a leading `+`, which is no prefix length.
            Some(length) if length.is_empty() || !length.bytes().all(|byte| byte.is_ascii_digit()) => return None,
            Some(length) => length.parse::<u8>().ok().filter(|length| *length <= max_length)?,
            None => max_length,
        };
        Some(Subnet { network: mask(address, prefix_length), prefix_length })
    }

    fn contains(self, address: IpAddr) -> bool {
        address.is_ipv4() == self.network.is_ipv4() && mask(address, self.prefix_length) == self.network
    }
}

/// Clears every bit of `address` after the first `prefix_length`.
fn mask(address: IpAddr, prefix_length: u8) -> IpAddr {
    match address {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let network_mask = u32::MAX.checked_shl(32 - u32::from(prefix_length)).unwrap_or(0);
            IpAddr::V4((bits & network_mask).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let network_mask = u128::MAX.checked_shl(128 - u32::from(prefix_length)).unwrap_or(0);
            IpAddr::V6((bits & network_mask).into())
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum AnythingBut {
    Values(Vec<Value>),
    Prefix(String),
    Suffix(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Comparison {
    fn parse(text: &str) -> Option<Comparison> {
        match text {
            "=" => Some(Comparison::Equal),
            "<" => Some(Comparison::Less),
            "<=" => Some(Comparison::LessOrEqual),
            ">" => Some(Comparison::Greater),
            ">=" => Some(Comparison::GreaterOrEqual),
            _ => None,
        }
    }

    fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Comparison::Equal => value == bound,
            Comparison::Less => value < bound,
            Comparison::LessOrEqual => value <= bound,
            Comparison::Greater => value > bound,
            Comparison::GreaterOrEqual => value >= bound,
        }
    }
}

impl FilterPolicy {
    /// Parses and checks a policy for `scope`. The error is a reason that
    /// names the offending key or operator.
    pub fn parse(text: &str, scope: Scope) -> Result<FilterPolicy, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|error| format!("the filter policy is not valid JSON: {error}"))?;
        let Value::Object(object) = value else {
            return Err("the filter policy must be a JSON object".to_owned());
        };
        let root = parse_node(&object, scope, "")?;
        let mut keys = BTreeSet::new();
        root.leaf_keys("", &mut keys);
        if keys.len() > MAX_KEYS {
            return Err(format!("Filter policy can not have more than {MAX_KEYS} keys"));
        }
        let combinations = root.combinations();
        if combinations > MAX_COMBINATIONS {
            return Err(format!(
                "the filter policy combines {combinations} values, over the maximum of {MAX_COMBINATIONS}"
            ));
        }
        Ok(FilterPolicy { root })
    }

    /// Matches the policy against a document: the message attributes as a
    /// JSON object (scope `MessageAttributes`) or the parsed message body.
    pub fn matches(&self, document: &Map<String, Value>) -> bool {
        self.root.matches(document)
    }
}

fn parse_node(object: &Map<String, Value>, scope: Scope, path: &str) -> Result<Node, String> {
    let mut node = Node::default();
    for (key, value) in object {
        let key_path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        if key == "$or" {
            node.or_groups.push(parse_or(value, scope, &key_path)?);
            continue;
        }
        let rule = match value {
            Value::Array(conditions) => {
                if conditions.is_empty() {
                    return Err(format!("the value of {key_path} is an empty array"));
                }
                let parsed = conditions
                    .iter()
                    .map(|condition| parse_condition(condition, &key_path))
                    .collect::<Result<Vec<_>, _>>()?;
                Rule::Conditions(parsed)
            }
            Value::Object(nested) if scope == Scope::MessageBody => Rule::Nested(parse_node(nested, scope, &key_path)?),
            Value::Object(_) => {
                return Err(format!(
                    "the value of {key_path} is an object, but nested keys need FilterPolicyScope MessageBody"
                ));
            }
            _ => return Err(format!("the value of {key_path} must be an array of conditions")),
        };
        node.keys.push((key.clone(), rule));
    }
    Ok(node)
}

fn parse_or(value: &Value, scope: Scope, path: &str) -> Result<Vec<Node>, String> {
    let Value::Array(alternatives) = value else {
        return Err(format!("{path} must be an array of objects"));
    };
    if alternatives.len() < 2 {
        return Err(format!("{path} must have at least two alternatives"));
    }
    alternatives
        .iter()
        .map(|alternative| match alternative {
            Value::Object(object) => parse_node(object, scope, path),
            _ => Err(format!("{path} must be an array of objects")),
        })
        .collect()
}

fn parse_condition(value: &Value, path: &str) -> Result<Condition, String> {
    match value {
        Value::String(_) | Value::Number(_) | Value::Null | Value::Bool(_) => Ok(Condition::Equals(value.clone())),
        Value::Array(_) => Err(format!("{path} has an array inside its array of conditions")),
        Value::Object(operator) => {
            let mut entries = operator.iter();
            let (Some((name, operand)), None) = (entries.next(), entries.next()) else {
                return Err(format!("a condition of {path} must have exactly one match type"));
            };
            parse_operator(name, operand, path)
        }
    }
}

fn parse_operator(name: &str, operand: &Value, path: &str) -> Result<Condition, String> {
    let text = |operand: &Value| match operand {
        Value::String(text) if !text.is_empty() => Ok(text.clone()),
        _ => Err(format!("the value of {name} in {path} must be a non-empty string")),
    };
    match name {
        "prefix" => Ok(Condition::Prefix(text(operand)?)),
        "suffix" => Ok(Condition::Suffix(text(operand)?)),
        "equals-ignore-case" => Ok(Condition::EqualsIgnoreCase(text(operand)?)),
        "exists" => match operand {
            Value::Bool(exists) => Ok(Condition::Exists(*exists)),
            _ => Err(format!("the value of exists in {path} must be true or false")),
        },
        "anything-but" => parse_anything_but(operand, path).map(Condition::AnythingBut),
        "numeric" => parse_numeric(operand, path).map(Condition::Numeric),
        "cidr" => {
            let text = text(operand)?;
            let subnet = Subnet::parse(&text)
                .ok_or_else(|| format!("the cidr value {text:?} in {path} is not an IP address or subnet"))?;
            Ok(Condition::Cidr(subnet))
        }
        other => Err(format!("unrecognized match type {other} in {path}")),
    }
}

fn parse_anything_but(operand: &Value, path: &str) -> Result<AnythingBut, String> {
    match operand {
        Value::String(_) | Value::Number(_) => Ok(AnythingBut::Values(vec![operand.clone()])),
        Value::Array(values) if !values.is_empty() && values.iter().all(|v| v.is_string() || v.is_number()) => {
            Ok(AnythingBut::Values(values.clone()))
        }
        Value::Object(operator) if operator.len() == 1 => {
            let (name, value) = operator.iter().next().expect("one entry");
            let Value::String(text) = value else {
                return Err(format!("anything-but {name} in {path} needs a string"));
            };
            match name.as_str() {
                "prefix" => Ok(AnythingBut::Prefix(text.clone())),
                "suffix" => Ok(AnythingBut::Suffix(text.clone())),
                other => Err(format!("unrecognized match type {other} inside anything-but in {path}")),
            }
        }
        _ => Err(format!(
            "anything-but in {path} needs a string, a number, a non-empty array of them, or a prefix or suffix"
        )),
    }
}

fn parse_numeric(operand: &Value, path: &str) -> Result<Vec<(Comparison, f64)>, String> {
    let Value::Array(items) = operand else {
        return Err(format!("numeric in {path} needs an array such as [\">\", 0, \"<=\", 5]"));
    };
    if items.len() != 2 && items.len() != 4 {
        return Err(format!("numeric in {path} needs one or two comparisons, not {} items", items.len()));
    }
    let mut comparisons = Vec::with_capacity(2);
    for pair in items.chunks(2) {
        let comparison = pair[0]
            .as_str()
            .and_then(Comparison::parse)
            .ok_or_else(|| format!("unrecognized numeric operator {} in {path}", pair[0]))?;
        let bound =
            pair[1].as_f64().ok_or_else(|| format!("the numeric bound {} in {path} is not a number", pair[1]))?;
        if bound.abs() > MAX_NUMERIC_BOUND {
            return Err(format!("the numeric bound {bound} in {path} is outside -1e9 to 1e9"));
        }
        comparisons.push((comparison, bound));
    }
    if let [(lower, low), (upper, high)] = comparisons.as_slice() {
        let lower_ok = matches!(lower, Comparison::Greater | Comparison::GreaterOrEqual);
        let upper_ok = matches!(upper, Comparison::Less | Comparison::LessOrEqual);
        if !lower_ok || !upper_ok || low >= high {
            return Err(format!("numeric in {path} must give a lower bound (> or >=) below an upper bound (< or <=)"));
        }
    }
    Ok(comparisons)
}

impl Node {
    /// Collects the paths of the keys that hold conditions, through `$or`
    /// alternatives and nested objects.
    ///
    /// NOTE: unverified how AWS counts the keys of nested objects and of
    /// `$or` alternatives. The emulator counts each leaf path once.
    fn leaf_keys(&self, prefix: &str, keys: &mut BTreeSet<String>) {
        for (key, rule) in &self.keys {
            let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
            match rule {
                Rule::Conditions(_) => {
                    keys.insert(path);
                }
                Rule::Nested(node) => node.leaf_keys(&path, keys),
            }
        }
        for alternative in self.or_groups.iter().flatten() {
            alternative.leaf_keys(prefix, keys);
        }
    }

    fn combinations(&self) -> usize {
        let keys = self.keys.iter().fold(1usize, |product, (_, rule)| {
            let count = match rule {
                Rule::Conditions(conditions) => conditions.len(),
                Rule::Nested(node) => node.combinations(),
            };
            product.saturating_mul(count)
        });
        self.or_groups.iter().fold(keys, |product, group| {
            product.saturating_mul(group.iter().map(Node::combinations).fold(0usize, usize::saturating_add))
        })
    }

    fn matches(&self, document: &Map<String, Value>) -> bool {
        let keys_match = self.keys.iter().all(|(key, rule)| match rule {
            Rule::Conditions(conditions) => {
                let value = document.get(key);
                conditions.iter().any(|condition| condition.matches(value))
            }
            Rule::Nested(node) => match document.get(key) {
                Some(Value::Object(nested)) => node.matches(nested),
                Some(Value::Array(items)) => {
                    items.iter().any(|item| item.as_object().is_some_and(|nested| node.matches(nested)))
                }
                Some(_) => false,
                None => node.matches(&Map::new()),
            },
        });
        keys_match && self.or_groups.iter().all(|group| group.iter().any(|node| node.matches(document)))
    }
}

impl Condition {
    fn matches(&self, value: Option<&Value>) -> bool {
        match (self, value) {
            (Condition::Exists(exists), value) => *exists == value.is_some(),
            (_, None) => false,
            (condition, Some(Value::Array(items))) => items.iter().any(|item| condition.matches_one(item)),
            (condition, Some(value)) => condition.matches_one(value),
        }
    }

    fn matches_one(&self, value: &Value) -> bool {
        match self {
            Condition::Equals(expected) => equal_values(expected, value),
            Condition::Prefix(prefix) => value.as_str().is_some_and(|text| text.starts_with(prefix.as_str())),
            Condition::Suffix(suffix) => value.as_str().is_some_and(|text| text.ends_with(suffix.as_str())),
            Condition::EqualsIgnoreCase(expected) => {
                value.as_str().is_some_and(|text| text.to_lowercase() == expected.to_lowercase())
            }
            Condition::AnythingBut(AnythingBut::Values(excluded)) => {
                (value.is_string() || value.is_number()) && !excluded.iter().any(|item| equal_values(item, value))
            }
            Condition::AnythingBut(AnythingBut::Prefix(prefix)) => {
                value.as_str().is_some_and(|text| !text.starts_with(prefix.as_str()))
            }
            Condition::AnythingBut(AnythingBut::Suffix(suffix)) => {
                value.as_str().is_some_and(|text| !text.ends_with(suffix.as_str()))
            }
            Condition::Numeric(comparisons) => value
                .as_f64()
                .is_some_and(|number| comparisons.iter().all(|(comparison, bound)| comparison.holds(number, *bound))),
            Condition::Exists(_) => true,
            Condition::Cidr(subnet) => value
                .as_str()
                .and_then(|text| text.parse::<IpAddr>().ok())
                .is_some_and(|address| subnet.contains(address)),
        }
    }
}

/// Compares a policy value with a document value; numbers compare by value,
/// so `5` matches `5.0`.
fn equal_values(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => expected == actual,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(text: &str, scope: Scope) -> FilterPolicy {
        FilterPolicy::parse(text, scope).unwrap_or_else(|reason| panic!("{text} should parse: {reason}"))
    }

    fn document(value: Value) -> Map<String, Value> {
        value.as_object().expect("an object").clone()
    }

    #[test]
    fn exact_and_prefix_match_attributes() {
        let filter =
            policy(r#"{"store": ["example_corp"], "event": [{"prefix": "order-"}]}"#, Scope::MessageAttributes);
        assert!(filter.matches(&document(json!({"store": "example_corp", "event": "order-placed"}))));
        assert!(!filter.matches(&document(json!({"store": "example_corp", "event": "refund"}))));
        assert!(!filter.matches(&document(json!({"event": "order-placed"}))), "store missing");
    }

    #[test]
    fn cidr_matches_addresses_in_subnet() {
        let filter = policy(
            r#"{"source_ip": [{"cidr": "10.0.0.0/24"}, {"cidr": "2001:db8::/32"}, {"cidr": "192.0.2.7"}]}"#,
            Scope::MessageAttributes,
        );
        for inside in ["10.0.0.0", "10.0.0.255", "2001:db8:1::5", "192.0.2.7"] {
            assert!(filter.matches(&document(json!({"source_ip": inside}))), "{inside} is inside");
        }
        for outside in ["10.0.1.0", "2001:db9::1", "192.0.2.8", "not an address", "::ffff:10.0.0.1"] {
            assert!(!filter.matches(&document(json!({"source_ip": outside}))), "{outside} is outside");
        }
        assert!(!filter.matches(&document(json!({"source_ip": 10}))), "a number is no address");

        let everything = policy(r#"{"ip": [{"cidr": "0.0.0.0/0"}]}"#, Scope::MessageAttributes);
        assert!(everything.matches(&document(json!({"ip": "255.255.255.255"}))));
        assert!(!everything.matches(&document(json!({"ip": "::1"}))), "an IPv4 subnet holds no IPv6 address");
    }

    #[test]
    fn invalid_cidr_is_rejected() {
        for subnet in ["10.0.0.0/33", "10.0.0/24", "10.0.0.0/", "10.0.0.0/+8", "::/129", "", "host.example"] {
            let text = format!(r#"{{"ip": [{{"cidr": "{subnet}"}}]}}"#);
            let reason = FilterPolicy::parse(&text, Scope::MessageAttributes).expect_err(&text);
            assert!(reason.contains("cidr") || reason.contains("non-empty"), "{text}: {reason}");
        }
    }

    #[test]
    fn at_most_five_keys() {
        let five = r#"{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"]}"#;
        assert!(FilterPolicy::parse(five, Scope::MessageAttributes).is_ok());
        let six = r#"{"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"], "f": ["1"]}"#;
        let reason = FilterPolicy::parse(six, Scope::MessageAttributes).expect_err("six keys");
        assert_eq!(reason, "Filter policy can not have more than 5 keys");

        // Only leaf keys count in a nested policy.
        let nested = r#"{"order": {"a": ["1"], "b": ["1"], "c": {"d": ["1"], "e": ["1"], "f": ["1"]}}}"#;
        assert!(FilterPolicy::parse(nested, Scope::MessageBody).is_ok(), "five leaves under three objects");
        let nested_six =
            r#"{"order": {"a": ["1"], "b": ["1"], "c": {"d": ["1"], "e": ["1"], "f": ["1"], "g": ["1"]}}}"#;
        assert!(FilterPolicy::parse(nested_six, Scope::MessageBody).is_err(), "six leaves");

        let alternatives = r#"{"a": ["1"], "$or": [{"b": ["1"], "c": ["1"]}, {"d": ["1"], "e": ["1"], "f": ["1"]}]}"#;
        assert!(FilterPolicy::parse(alternatives, Scope::MessageAttributes).is_err(), "keys of $or count");
    }

    #[test]
    fn numeric_range_matches_numbers_only() {
        let filter = policy(r#"{"price": [{"numeric": [">", 0, "<=", 100]}]}"#, Scope::MessageAttributes);
        assert!(filter.matches(&document(json!({"price": 100}))));
        assert!(!filter.matches(&document(json!({"price": 0}))));
        assert!(!filter.matches(&document(json!({"price": "50"}))), "a string is not a number");
    }

    #[test]
    fn anything_but_exists_and_ignore_case() {
        let filter = policy(
            r#"{"color": [{"anything-but": ["red", "blue"]}], "size": [{"exists": false}], "kind": [{"equals-ignore-case": "BOX"}]}"#,
            Scope::MessageAttributes,
        );
        assert!(filter.matches(&document(json!({"color": "green", "kind": "box"}))));
        assert!(!filter.matches(&document(json!({"color": "red", "kind": "box"}))));
        assert!(!filter.matches(&document(json!({"color": "green", "kind": "box", "size": "L"}))));
        assert!(!filter.matches(&document(json!({"kind": "box"}))), "anything-but needs the key");
    }

    #[test]
    fn arrays_match_any_element() {
        let filter = policy(r#"{"tags": ["urgent"]}"#, Scope::MessageAttributes);
        assert!(filter.matches(&document(json!({"tags": ["later", "urgent"]}))));
        assert!(!filter.matches(&document(json!({"tags": ["later"]}))));
    }

    #[test]
    fn nested_keys_and_or_match_body() {
        let filter = policy(
            r#"{"order": {"status": ["paid"]}, "$or": [{"region": ["eu"]}, {"amount": [{"numeric": [">=", 1000]}]}]}"#,
            Scope::MessageBody,
        );
        assert!(filter.matches(&document(json!({"order": {"status": "paid"}, "region": "eu"}))));
        assert!(filter.matches(&document(json!({"order": {"status": "paid"}, "amount": 5000}))));
        assert!(!filter.matches(&document(json!({"order": {"status": "paid"}, "region": "us"}))));
        assert!(!filter.matches(&document(json!({"order": {"status": "open"}, "region": "eu"}))));
    }

    #[test]
    fn invalid_policies_name_problem() {
        let cases = [
            ("{", "not valid JSON"),
            ("[]", "must be a JSON object"),
            (r#"{"a": "x"}"#, "must be an array"),
            (r#"{"a": []}"#, "empty array"),
            (r#"{"a": [{"prefixx": "x"}]}"#, "unrecognized match type prefixx"),
            (r#"{"a": {"b": ["x"]}}"#, "FilterPolicyScope MessageBody"),
            (r#"{"a": [{"numeric": ["<", 5, ">", 1]}]}"#, "lower bound"),
            (r#"{"a": [{"exists": "yes"}]}"#, "true or false"),
        ];
        for (text, expected) in cases {
            let reason = FilterPolicy::parse(text, Scope::MessageAttributes).expect_err(text);
            assert!(reason.contains(expected), "{text}: {reason}");
        }
    }

    #[test]
    fn too_many_combinations_are_rejected() {
        let values: Vec<String> = (0..13).map(|i| format!("\"v{i}\"")).collect();
        let list = values.join(",");
        let text = format!(r#"{{"a": [{list}], "b": [{list}]}}"#);
        let reason = FilterPolicy::parse(&text, Scope::MessageAttributes).expect_err("169 combinations");
        assert!(reason.contains("169"), "{reason}");
    }
}
