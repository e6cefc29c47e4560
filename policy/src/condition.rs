//! Condition operators and their evaluation against a request context.
//!
//! Semantics, from
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! and
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>:
//!
//! - Several values for one key: the key matches if it matches any of them.
//!   For a negated operator (`StringNotEquals`, `NotIpAddress`, ...) it must
//!   match none of them.
//! - A key absent from the context: the condition is false, except that a
//!   negated operator is true, `...IfExists` is true, and `ForAllValues` is true.
//! - `ForAllValues:` is true when every context value passes the operator
//!   (so also when the key has no values); `ForAnyValue:` is true when at
//!   least one does (so false when it has none).
//! - `Null` tests presence: `true` means the key is absent or has no values,
//!   `false` that it has one or more.
//! - Policy variables are substituted in string, ARN and Bool operator values.
//!   NOTE: the operators page allows variables with `Bool` while the variables
//!   page lists Bool among the operators that do not; this crate follows the
//!   operators page.
//!
//! Policy values that do not read as the operator's type (a CIDR block that
//! does not parse, `NumericEquals` with `"ten"`) match nothing.
//! NOTE: IAM may instead reject such documents when they are saved; which
//! values it rejects is not documented, so the parser accepts them.

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;

use crate::context::{Context, ContextValue, parse_bool, parse_number};
use crate::date;
use crate::variables::{self, Unresolved};
use crate::wildcard::{self, Case};

/// The set qualifier in front of an operator name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:`: every value of a multivalued key must pass.
    ForAllValues,
    /// `ForAnyValue:`: at least one value of a multivalued key must pass.
    ForAnyValue,
}

impl SetQualifier {
    /// Returns the qualifier as written, without the trailing colon.
    pub fn as_str(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues",
            SetQualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// A condition operator without its qualifier and `IfExists` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorKind {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl OperatorKind {
    /// Every operator, in the order the IAM documentation lists them.
    pub const ALL: [OperatorKind; 27] = [
        OperatorKind::StringEquals,
        OperatorKind::StringNotEquals,
        OperatorKind::StringEqualsIgnoreCase,
        OperatorKind::StringNotEqualsIgnoreCase,
        OperatorKind::StringLike,
        OperatorKind::StringNotLike,
        OperatorKind::NumericEquals,
        OperatorKind::NumericNotEquals,
        OperatorKind::NumericLessThan,
        OperatorKind::NumericLessThanEquals,
        OperatorKind::NumericGreaterThan,
        OperatorKind::NumericGreaterThanEquals,
        OperatorKind::DateEquals,
        OperatorKind::DateNotEquals,
        OperatorKind::DateLessThan,
        OperatorKind::DateLessThanEquals,
        OperatorKind::DateGreaterThan,
        OperatorKind::DateGreaterThanEquals,
        OperatorKind::Bool,
        OperatorKind::BinaryEquals,
        OperatorKind::IpAddress,
        OperatorKind::NotIpAddress,
        OperatorKind::ArnEquals,
        OperatorKind::ArnLike,
        OperatorKind::ArnNotEquals,
        OperatorKind::ArnNotLike,
        OperatorKind::Null,
    ];

    /// Returns the operator name as written in a policy.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorKind::StringEquals => "StringEquals",
            OperatorKind::StringNotEquals => "StringNotEquals",
            OperatorKind::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            OperatorKind::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            OperatorKind::StringLike => "StringLike",
            OperatorKind::StringNotLike => "StringNotLike",
            OperatorKind::NumericEquals => "NumericEquals",
            OperatorKind::NumericNotEquals => "NumericNotEquals",
            OperatorKind::NumericLessThan => "NumericLessThan",
            OperatorKind::NumericLessThanEquals => "NumericLessThanEquals",
            OperatorKind::NumericGreaterThan => "NumericGreaterThan",
            OperatorKind::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            OperatorKind::DateEquals => "DateEquals",
            OperatorKind::DateNotEquals => "DateNotEquals",
            OperatorKind::DateLessThan => "DateLessThan",
            OperatorKind::DateLessThanEquals => "DateLessThanEquals",
            OperatorKind::DateGreaterThan => "DateGreaterThan",
            OperatorKind::DateGreaterThanEquals => "DateGreaterThanEquals",
            OperatorKind::Bool => "Bool",
            OperatorKind::BinaryEquals => "BinaryEquals",
            OperatorKind::IpAddress => "IpAddress",
            OperatorKind::NotIpAddress => "NotIpAddress",
            OperatorKind::ArnEquals => "ArnEquals",
            OperatorKind::ArnLike => "ArnLike",
            OperatorKind::ArnNotEquals => "ArnNotEquals",
            OperatorKind::ArnNotLike => "ArnNotLike",
            OperatorKind::Null => "Null",
        }
    }

    /// Looks an operator up by its exact name.
    pub fn from_name(name: &str) -> Option<OperatorKind> {
        OperatorKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    /// Reports whether the operator is the negation of another one, which
    /// makes it true for an absent key and requires a key to match none of
    /// the policy values.
    pub fn is_negated(self) -> bool {
        self.positive() != self
    }

    /// Returns the operator a negated operator negates, or the operator itself.
    pub fn positive(self) -> OperatorKind {
        match self {
            OperatorKind::StringNotEquals => OperatorKind::StringEquals,
            OperatorKind::StringNotEqualsIgnoreCase => OperatorKind::StringEqualsIgnoreCase,
            OperatorKind::StringNotLike => OperatorKind::StringLike,
            OperatorKind::NumericNotEquals => OperatorKind::NumericEquals,
            OperatorKind::DateNotEquals => OperatorKind::DateEquals,
            OperatorKind::NotIpAddress => OperatorKind::IpAddress,
            OperatorKind::ArnNotEquals => OperatorKind::ArnEquals,
            OperatorKind::ArnNotLike => OperatorKind::ArnLike,
            other => other,
        }
    }

    /// Reports whether policy variables are substituted in this operator's values.
    pub fn substitutes_variables(self) -> bool {
        matches!(
            self.positive(),
            OperatorKind::StringEquals
                | OperatorKind::StringEqualsIgnoreCase
                | OperatorKind::StringLike
                | OperatorKind::ArnEquals
                | OperatorKind::ArnLike
                | OperatorKind::Bool
        )
    }
}

/// A full condition operator: optional set qualifier, operator, and whether it
/// ends in `IfExists`, such as `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionOperator {
    /// `ForAllValues:` or `ForAnyValue:`, if present.
    pub qualifier: Option<SetQualifier>,
    /// The operator itself.
    pub kind: OperatorKind,
    /// Whether the name ends in `IfExists`, which makes an absent key pass.
    pub if_exists: bool,
}

impl ConditionOperator {
    /// Creates an operator with no qualifier and no `IfExists`.
    pub fn plain(kind: OperatorKind) -> ConditionOperator {
        ConditionOperator {
            qualifier: None,
            kind,
            if_exists: false,
        }
    }

    /// Parses an operator name such as `ForAllValues:StringLikeIfExists`.
    /// `Null` takes no `IfExists` suffix, so `NullIfExists` is unknown.
    pub fn from_name(name: &str) -> Option<ConditionOperator> {
        let (qualifier, rest) = match name.split_once(':') {
            Some(("ForAllValues", rest)) => (Some(SetQualifier::ForAllValues), rest),
            Some(("ForAnyValue", rest)) => (Some(SetQualifier::ForAnyValue), rest),
            Some(_) => return None,
            None => (None, name),
        };
        if let Some(kind) = OperatorKind::from_name(rest) {
            return Some(ConditionOperator {
                qualifier,
                kind,
                if_exists: false,
            });
        }
        let kind = OperatorKind::from_name(rest.strip_suffix("IfExists")?)?;
        if kind == OperatorKind::Null {
            return None;
        }
        Some(ConditionOperator {
            qualifier,
            kind,
            if_exists: true,
        })
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(qualifier) = self.qualifier {
            write!(formatter, "{}:", qualifier.as_str())?;
        }
        formatter.write_str(self.kind.as_str())?;
        if self.if_exists {
            formatter.write_str("IfExists")?;
        }
        Ok(())
    }
}

impl serde::Serialize for ConditionOperator {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The result of evaluating one condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConditionOutcome {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// A policy variable in a value could not be resolved, so the statement
    /// does not apply.
    Unresolved(Unresolved),
}

/// Evaluates one condition entry against the context.
///
/// `substitute` is whether the policy's version substitutes variables.
/// `missing_keys` receives the condition's key when the context lacks it.
pub(crate) fn evaluate(
    condition: &crate::Condition,
    context: &Context,
    substitute: bool,
    missing_keys: &mut Vec<String>,
) -> ConditionOutcome {
    let operator = condition.operator;

    let policy_values = match resolve_policy_values(condition, context, substitute) {
        Ok(values) => values,
        Err(unresolved) => return ConditionOutcome::Unresolved(unresolved),
    };

    let context_values = context.get(&condition.key);
    if operator.kind == OperatorKind::Null {
        return to_outcome(evaluate_null(&policy_values, context_values));
    }

    let Some(context_values) = context_values else {
        missing_keys.push(condition.key.clone());
        let is_true = operator.if_exists
            || operator.qualifier == Some(SetQualifier::ForAllValues)
            || (operator.qualifier.is_none() && operator.kind.is_negated());
        return to_outcome(is_true);
    };

    let negated = operator.kind.is_negated();
    let positive = operator.kind.positive();
    let matches_any_policy_value = |value: &ContextValue| {
        policy_values
            .iter()
            .any(|policy| compare(positive, policy, value))
    };

    let is_true = match operator.qualifier {
        Some(SetQualifier::ForAllValues) => context_values
            .iter()
            .all(|value| matches_any_policy_value(value) != negated),
        Some(SetQualifier::ForAnyValue) => context_values
            .iter()
            .any(|value| matches_any_policy_value(value) != negated),
        // NOTE: AWS documents multivalued keys only with a set qualifier.
        // Without one, a positive operator needs any value to match and a
        // negated one needs no value to match.
        None => context_values.iter().any(matches_any_policy_value) != negated,
    };
    to_outcome(is_true)
}

fn to_outcome(is_true: bool) -> ConditionOutcome {
    if is_true {
        ConditionOutcome::True
    } else {
        ConditionOutcome::False
    }
}

/// A policy value ready for comparison.
enum PolicyValue {
    /// Text for equality operators.
    Text(String),
    /// A compiled wildcard pattern for `StringLike` and `Arn*`.
    Pattern(Vec<wildcard::Token>),
}

fn resolve_policy_values(
    condition: &crate::Condition,
    context: &Context,
    substitute: bool,
) -> Result<Vec<PolicyValue>, Unresolved> {
    let kind = condition.operator.kind.positive();
    let uses_pattern = matches!(
        kind,
        OperatorKind::StringLike | OperatorKind::ArnLike | OperatorKind::ArnEquals
    );
    let substitute = substitute && kind.substitutes_variables();

    let mut resolved = Vec::with_capacity(condition.values.len());
    for value in &condition.values {
        resolved.push(match (uses_pattern, substitute) {
            (true, true) => PolicyValue::Pattern(wildcard::compile_pieces(&variables::substitute(
                value, context,
            )?)),
            (true, false) => PolicyValue::Pattern(wildcard::compile(value)),
            (false, true) => PolicyValue::Text(variables::substitute_text(value, context)?),
            (false, false) => PolicyValue::Text(value.clone()),
        });
    }
    Ok(resolved)
}

/// `Null`: a policy value `true` holds when the key is absent or has no
/// values, `false` when it has at least one.
fn evaluate_null(policy_values: &[PolicyValue], context_values: Option<&[ContextValue]>) -> bool {
    let is_null = context_values.is_none_or(<[ContextValue]>::is_empty);
    policy_values.iter().any(|value| match value {
        PolicyValue::Text(text) => parse_bool(text) == Some(is_null),
        PolicyValue::Pattern(_) => false,
    })
}

/// Compares one policy value with one context value under a positive operator.
fn compare(kind: OperatorKind, policy: &PolicyValue, value: &ContextValue) -> bool {
    match (kind, policy) {
        (OperatorKind::StringLike, PolicyValue::Pattern(tokens)) => {
            wildcard::glob(tokens, &value.to_text(), Case::Sensitive)
        }
        (OperatorKind::ArnLike | OperatorKind::ArnEquals, PolicyValue::Pattern(tokens)) => {
            wildcard::arn_glob(tokens, &value.to_text())
        }
        (_, PolicyValue::Pattern(_)) => false,
        (kind, PolicyValue::Text(text)) => compare_text(kind, text, value),
    }
}

fn compare_text(kind: OperatorKind, policy: &str, value: &ContextValue) -> bool {
    match kind {
        OperatorKind::StringEquals => value.to_text() == policy,
        OperatorKind::StringEqualsIgnoreCase => {
            value.to_text().to_lowercase() == policy.to_lowercase()
        }
        OperatorKind::NumericEquals
        | OperatorKind::NumericLessThan
        | OperatorKind::NumericLessThanEquals
        | OperatorKind::NumericGreaterThan
        | OperatorKind::NumericGreaterThanEquals => {
            match (value.as_number(), parse_number(policy)) {
                (Some(actual), Some(expected)) => {
                    compare_ordered(kind, actual.partial_cmp(&expected))
                }
                _ => false,
            }
        }
        OperatorKind::DateEquals
        | OperatorKind::DateLessThan
        | OperatorKind::DateLessThanEquals
        | OperatorKind::DateGreaterThan
        | OperatorKind::DateGreaterThanEquals => match (value.as_date(), date::parse(policy)) {
            (Some(actual), Some(expected)) => compare_ordered(kind, Some(actual.cmp(&expected))),
            _ => false,
        },
        OperatorKind::Bool => match (value.as_bool(), parse_bool(policy)) {
            (Some(actual), Some(expected)) => actual == expected,
            _ => false,
        },
        OperatorKind::BinaryEquals => {
            match (
                value.as_bytes(),
                base64::engine::general_purpose::STANDARD.decode(policy.trim()),
            ) {
                (Some(actual), Ok(expected)) => actual == expected,
                _ => false,
            }
        }
        OperatorKind::IpAddress => match (value.as_ip(), parse_cidr(policy)) {
            (Some(address), Some(network)) => network.contains(&address),
            _ => false,
        },
        _ => false,
    }
}

/// Applies an ordering operator to `actual.cmp(expected)`.
fn compare_ordered(kind: OperatorKind, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let Some(ordering) = ordering else {
        return false;
    };
    match kind {
        OperatorKind::NumericEquals | OperatorKind::DateEquals => ordering == Equal,
        OperatorKind::NumericLessThan | OperatorKind::DateLessThan => ordering == Less,
        OperatorKind::NumericLessThanEquals | OperatorKind::DateLessThanEquals => {
            ordering != Greater
        }
        OperatorKind::NumericGreaterThan | OperatorKind::DateGreaterThan => ordering == Greater,
        OperatorKind::NumericGreaterThanEquals | OperatorKind::DateGreaterThanEquals => {
            ordering != Less
        }
        _ => false,
    }
}

/// Parses a CIDR block. An address without a prefix length is a single
/// address (`/32` for IPv4, `/128` for IPv6), as the IP operators section
/// of the condition operators page states.
pub(crate) fn parse_cidr(text: &str) -> Option<ipnet::IpNet> {
    let text = text.trim();
    if let Ok(network) = text.parse::<ipnet::IpNet>() {
        return Some(network);
    }
    let address: IpAddr = text.parse().ok()?;
    Some(ipnet::IpNet::from(address))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_round_trip() {
        for name in [
            "StringEquals",
            "ForAllValues:StringLike",
            "ForAnyValue:ArnNotLikeIfExists",
            "NumericLessThanEqualsIfExists",
            "Null",
        ] {
            let operator = ConditionOperator::from_name(name).expect("known operator");
            assert_eq!(operator.to_string(), name, "display of {name}");
        }
    }

    #[test]
    fn unknown_operator_names_are_rejected() {
        for name in [
            "StringEqual",
            "NullIfExists",
            "ForEachValue:StringLike",
            "stringequals",
            "IfExists",
        ] {
            assert_eq!(ConditionOperator::from_name(name), None, "parsing {name}");
        }
    }

    #[test]
    fn parse_cidr_widens_bare_address() {
        let network = parse_cidr("2001:DB8::1").expect("IPv6 address");
        assert_eq!(network.prefix_len(), 128, "bare IPv6 address");
        let network = parse_cidr("203.0.113.7").expect("IPv4 address");
        assert_eq!(network.prefix_len(), 32, "bare IPv4 address");
    }
}
