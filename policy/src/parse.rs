//! Parsing a JSON policy document into the model, checking it against the
//! policy grammar.
//!
//! The grammar is at
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>;
//! what each policy type requires is on the element pages it links to. Every
//! error names the offending element by its path (`Statement[1].Effect`, or
//! `Statement.Effect` when `Statement` is a single object) and the value found.
//!
//! The parser checks JSON syntax, that the document and each statement are
//! objects, unknown and repeated elements, `Version`, that `Statement` is
//! present and not empty, and `Effect`. A statement needs exactly one of
//! `Action` and `NotAction`. It needs exactly one of `Resource` and
//! `NotResource` in an identity-based policy and at most one in a
//! resource-based policy. `Principal` or `NotPrincipal` is required in a
//! resource-based policy and forbidden in an identity-based one, and the
//! shape of its value is checked. `NotPrincipal` needs `"Effect": "Deny"`. Condition operators, keys and value types
//! are checked, and so is that no two statements share a `Sid`.
//!
//! NOTE: the grammar notes say `Id` must not appear in identity-based
//! policies, but do not say IAM rejects it when it does; this parser accepts it.

use std::collections::HashMap;

use crate::condition::ConditionOperator;
use crate::document::{
    ActionClause, Condition, Effect, Policy, PolicyType, PrincipalClause, PrincipalSet, Principals,
    ResourceClause, Statement, Version,
};
use crate::error::{PolicyError, Result};
use crate::json::{self, Json};
use crate::principal::is_account_id;

const POLICY_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];

const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

const PRINCIPAL_TYPES: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

impl Policy {
    /// Parses a policy document of the given type.
    ///
    /// Errors carry the AWS code `MalformedPolicyDocument` and name the
    /// offending element; see [`PolicyError`].
    pub fn parse(text: &str, policy_type: PolicyType) -> Result<Policy> {
        let document = json::parse(text).map_err(|error| PolicyError::InvalidJson {
            message: error.to_string(),
        })?;
        parse_policy(&document, policy_type)
    }

    /// Parses a policy document that is already a `serde_json::Value`.
    ///
    /// A `Value` has already merged repeated keys, so this cannot report them
    /// the way [`Policy::parse`] does.
    pub fn from_value(value: &serde_json::Value, policy_type: PolicyType) -> Result<Policy> {
        parse_policy(&Json::from_value(value), policy_type)
    }
}

fn parse_policy(document: &Json, policy_type: PolicyType) -> Result<Policy> {
    let members = expect_object(document, "Policy")?;
    check_members(
        members,
        "",
        &POLICY_ELEMENTS,
        "element",
        "a policy contains only Version, Id and Statement",
    )?;

    let version = match member(members, "Version") {
        None => None,
        Some(Json::String(text)) => Some(Version::from_name(text).ok_or_else(|| {
            PolicyError::malformed(
                "Version",
                format!(r#"expected "2008-10-17" or "2012-10-17", found {text:?}"#),
            )
        })?),
        Some(other) => {
            return Err(PolicyError::malformed(
                "Version",
                format!(
                    r#"expected "2008-10-17" or "2012-10-17", found {}"#,
                    other.type_name()
                ),
            ));
        }
    };

    let id = member(members, "Id")
        .map(|value| expect_string(value, "Id").map(str::to_owned))
        .transpose()?;

    let statement_paths: Vec<(String, &Json)> = match member(members, "Statement") {
        None => {
            return Err(PolicyError::malformed(
                "Statement",
                "required element is missing",
            ));
        }
        Some(single @ Json::Object(_)) => vec![("Statement".to_owned(), single)],
        Some(Json::Array(items)) if items.is_empty() => {
            return Err(PolicyError::malformed(
                "Statement",
                "expected at least one statement, found an empty array",
            ));
        }
        Some(Json::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (format!("Statement[{index}]"), item))
            .collect(),
        Some(other) => {
            return Err(PolicyError::malformed(
                "Statement",
                format!(
                    "expected an object or an array of objects, found {}",
                    other.type_name()
                ),
            ));
        }
    };

    let mut statements = Vec::with_capacity(statement_paths.len());
    let mut sid_paths: HashMap<String, String> = HashMap::new();
    for (path, value) in statement_paths {
        let statement = parse_statement(value, &path, policy_type)?;
        if let Some(sid) = &statement.sid {
            if let Some(first) = sid_paths.get(sid) {
                return Err(PolicyError::malformed(
                    format!("{path}.Sid"),
                    format!("duplicate statement id {sid:?}; {first} already uses it"),
                ));
            }
            sid_paths.insert(sid.clone(), path.clone());
        }
        statements.push(statement);
    }

    Ok(Policy {
        version,
        id,
        statements,
    })
}

fn parse_statement(value: &Json, path: &str, policy_type: PolicyType) -> Result<Statement> {
    let members = expect_object(value, path)?;
    check_members(
        members,
        path,
        &STATEMENT_ELEMENTS,
        "element",
        "a statement contains only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition",
    )?;

    let sid = member(members, "Sid")
        .map(|value| expect_string(value, &format!("{path}.Sid")).map(str::to_owned))
        .transpose()?;

    let effect = parse_effect(member(members, "Effect"), path)?;
    let principal = parse_principal_clause(members, path, policy_type, effect)?;
    let action = parse_action_clause(members, path)?;
    let resource = parse_resource_clause(members, path, policy_type)?;
    let conditions = match member(members, "Condition") {
        None => Vec::new(),
        Some(value) => parse_conditions(value, &format!("{path}.Condition"))?,
    };

    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

fn parse_effect(value: Option<&Json>, path: &str) -> Result<Effect> {
    let element = format!("{path}.Effect");
    match value {
        None => Err(PolicyError::malformed(
            element,
            "required element is missing",
        )),
        Some(Json::String(text)) if text == "Allow" => Ok(Effect::Allow),
        Some(Json::String(text)) if text == "Deny" => Ok(Effect::Deny),
        Some(Json::String(text)) => Err(PolicyError::malformed(
            element,
            format!(r#"expected "Allow" or "Deny", found {text:?}"#),
        )),
        Some(other) => Err(PolicyError::malformed(
            element,
            format!(r#"expected "Allow" or "Deny", found {}"#, other.type_name()),
        )),
    }
}

/// Parses `Principal` or `NotPrincipal`.
///
/// `NotPrincipal` is accepted only with `"Effect": "Deny"`: the IAM reference
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>)
/// states that it must be used with `Deny` and that `Allow` is not supported.
/// NOTE: the reference does not state whether IAM or SQS reject such a
/// document or store it and ignore the statement. This parser rejects it, because an
/// `Allow` with `NotPrincipal` would otherwise grant everyone else access,
/// anonymous callers included.
fn parse_principal_clause(
    members: &[(String, Json)],
    path: &str,
    policy_type: PolicyType,
    effect: Effect,
) -> Result<Option<PrincipalClause>> {
    let principal = member(members, "Principal");
    let not_principal = member(members, "NotPrincipal");

    match (principal, not_principal, policy_type) {
        (Some(_), Some(_), _) => Err(PolicyError::malformed(
            path,
            "contains both Principal and NotPrincipal; a statement takes one of them",
        )),
        (Some(_), None, PolicyType::Identity) => Err(PolicyError::malformed(
            format!("{path}.Principal"),
            "not allowed in an identity-based policy, whose principal is the identity it is attached to",
        )),
        (None, Some(_), PolicyType::Identity) => Err(PolicyError::malformed(
            format!("{path}.NotPrincipal"),
            "not allowed in an identity-based policy, whose principal is the identity it is attached to",
        )),
        (None, None, PolicyType::Resource) => Err(PolicyError::malformed(
            format!("{path}.Principal"),
            "required element is missing; a resource-based policy statement needs Principal or NotPrincipal",
        )),
        (None, None, PolicyType::Identity) => Ok(None),
        (Some(value), None, PolicyType::Resource) => Ok(Some(PrincipalClause::Principal(
            parse_principals(value, &format!("{path}.Principal"))?,
        ))),
        (None, Some(_), PolicyType::Resource) if effect == Effect::Allow => {
            Err(PolicyError::malformed(
                format!("{path}.NotPrincipal"),
                r#"requires "Effect": "Deny"; a statement with "Effect": "Allow" cannot use NotPrincipal, so name the principals with Principal instead"#,
            ))
        }
        (None, Some(value), PolicyType::Resource) => Ok(Some(PrincipalClause::NotPrincipal(
            parse_principals(value, &format!("{path}.NotPrincipal"))?,
        ))),
    }
}

fn parse_principals(value: &Json, path: &str) -> Result<Principals> {
    let members = match value {
        Json::String(text) if text == "*" => return Ok(Principals::Wildcard),
        Json::String(text) => {
            return Err(PolicyError::malformed(
                path,
                format!(
                    r#"expected "*" or an object such as {{"AWS": "123456789012"}}, found {text:?}"#
                ),
            ));
        }
        Json::Object(members) => members,
        other => {
            return Err(PolicyError::malformed(
                path,
                format!(
                    r#"expected "*" or an object such as {{"AWS": "123456789012"}}, found {}"#,
                    other.type_name()
                ),
            ));
        }
    };
    check_members(
        members,
        path,
        &PRINCIPAL_TYPES,
        "principal type",
        "expected AWS, Service, Federated or CanonicalUser",
    )?;
    if members.is_empty() {
        return Err(PolicyError::malformed(
            path,
            "expected at least one of AWS, Service, Federated or CanonicalUser, found an empty object",
        ));
    }

    let mut set = PrincipalSet::default();
    for (principal_type, value) in members {
        let element = format!("{path}.{principal_type}");
        let entries = string_list(value, &element)?;
        for (entry_path, entry) in entries
            .iter()
            .map(|(entry_path, entry)| (entry_path, entry.as_str()))
        {
            if principal_type == "AWS" {
                check_aws_principal(entry, entry_path)?;
            } else if entry.is_empty() {
                return Err(PolicyError::malformed(
                    entry_path.clone(),
                    "expected a principal, found an empty string",
                ));
            }
        }
        let entries = entries.into_iter().map(|(_, entry)| entry).collect();
        match principal_type.as_str() {
            "AWS" => set.aws = entries,
            "Service" => set.service = entries,
            "Federated" => set.federated = entries,
            _ => set.canonical_user = entries,
        }
    }
    Ok(Principals::Set(set))
}

/// Checks one `AWS` principal entry: `"*"`, a 12-digit account id, an IAM or
/// STS ARN, or a unique id (the `AIDA...`/`AROA...` form a policy shows after
/// the named user or role was deleted). Wildcards cannot stand for part of a
/// principal ("You cannot use a wildcard to match part of a principal name or ARN").
fn check_aws_principal(entry: &str, path: &str) -> Result<()> {
    if entry == "*" || is_account_id(entry) || is_unique_id(entry) {
        return Ok(());
    }
    let expected = r#"expected "*", a 12-digit account id, or an IAM or STS ARN"#;
    let parts: Vec<&str> = entry.splitn(6, ':').collect();
    let [prefix, partition, service, region, account_id, resource] = parts.as_slice() else {
        return Err(PolicyError::malformed(
            path,
            format!("invalid AWS principal {entry:?}: {expected}"),
        ));
    };
    let well_formed = *prefix == "arn"
        && !partition.is_empty()
        && matches!(*service, "iam" | "sts")
        && region.is_empty()
        && is_account_id(account_id)
        && !resource.is_empty();
    if !well_formed {
        return Err(PolicyError::malformed(
            path,
            format!("invalid AWS principal {entry:?}: {expected}"),
        ));
    }
    if entry.contains(['*', '?']) {
        return Err(PolicyError::malformed(
            path,
            format!(
                r#"invalid AWS principal {entry:?}: a principal cannot contain wildcards other than "*" alone"#
            ),
        ));
    }
    Ok(())
}

/// Reports whether `entry` looks like an IAM unique id: four upper-case
/// letters starting with `A` followed by upper-case letters and digits.
fn is_unique_id(entry: &str) -> bool {
    entry.len() >= 16
        && entry.starts_with('A')
        && entry
            .bytes()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit())
}

fn parse_action_clause(members: &[(String, Json)], path: &str) -> Result<ActionClause> {
    let (name, value, negated) = match (member(members, "Action"), member(members, "NotAction")) {
        (Some(_), Some(_)) => {
            return Err(PolicyError::malformed(
                path,
                "contains both Action and NotAction; a statement takes one of them",
            ));
        }
        (None, None) => {
            return Err(PolicyError::malformed(
                format!("{path}.Action"),
                "required element is missing; a statement needs Action or NotAction",
            ));
        }
        (Some(value), None) => ("Action", value, false),
        (None, Some(value)) => ("NotAction", value, true),
    };

    let entries = string_list(value, &format!("{path}.{name}"))?;
    for (entry_path, entry) in &entries {
        check_action(entry, entry_path)?;
    }
    let patterns = entries.into_iter().map(|(_, entry)| entry).collect();
    Ok(if negated {
        ActionClause::NotAction(patterns)
    } else {
        ActionClause::Action(patterns)
    })
}

/// Checks an action pattern: `"*"`, or a service prefix and an action name
/// separated by one colon, either of which may contain wildcards.
fn check_action(entry: &str, path: &str) -> Result<()> {
    if entry == "*" {
        return Ok(());
    }
    let well_formed = match entry.split_once(':') {
        Some((prefix, name)) => !prefix.is_empty() && !name.is_empty() && !name.contains(':'),
        None => false,
    };
    if well_formed {
        Ok(())
    } else {
        Err(PolicyError::malformed(
            path,
            format!(
                r#"invalid action {entry:?}: expected "*" or SERVICE:ACTION such as "sqs:SendMessage""#
            ),
        ))
    }
}

fn parse_resource_clause(
    members: &[(String, Json)],
    path: &str,
    policy_type: PolicyType,
) -> Result<Option<ResourceClause>> {
    let (name, value, negated) = match (member(members, "Resource"), member(members, "NotResource"))
    {
        (Some(_), Some(_)) => {
            return Err(PolicyError::malformed(
                path,
                "contains both Resource and NotResource; a statement takes one of them",
            ));
        }
        (None, None) if policy_type == PolicyType::Resource => return Ok(None),
        (None, None) => {
            return Err(PolicyError::malformed(
                format!("{path}.Resource"),
                "required element is missing; an identity-based policy statement needs Resource or NotResource",
            ));
        }
        (Some(value), None) => ("Resource", value, false),
        (None, Some(value)) => ("NotResource", value, true),
    };

    let entries = string_list(value, &format!("{path}.{name}"))?;
    for (entry_path, entry) in &entries {
        if entry != "*" && !entry.starts_with("arn:") {
            return Err(PolicyError::malformed(
                entry_path.clone(),
                format!(r#"invalid resource {entry:?}: expected "*" or an ARN"#),
            ));
        }
    }
    let patterns = entries.into_iter().map(|(_, entry)| entry).collect();
    Ok(Some(if negated {
        ResourceClause::NotResource(patterns)
    } else {
        ResourceClause::Resource(patterns)
    }))
}

fn parse_conditions(value: &Json, path: &str) -> Result<Vec<Condition>> {
    let Json::Object(operators) = value else {
        return Err(PolicyError::malformed(
            path,
            format!(
                "expected an object mapping condition operators to keys, found {}",
                value.type_name()
            ),
        ));
    };
    check_duplicates(operators, path)?;

    let mut conditions = Vec::new();
    for (operator_name, keys) in operators {
        let operator_path = format!("{path}.{operator_name}");
        let operator = ConditionOperator::from_name(operator_name).ok_or_else(|| {
            PolicyError::malformed(
                &operator_path,
                format!("unknown condition operator {operator_name:?}"),
            )
        })?;

        let Json::Object(keys) = keys else {
            return Err(PolicyError::malformed(
                operator_path,
                format!(
                    "expected an object mapping condition keys to values, found {}",
                    keys.type_name()
                ),
            ));
        };
        if keys.is_empty() {
            return Err(PolicyError::malformed(
                operator_path,
                "expected at least one condition key, found an empty object",
            ));
        }
        check_duplicates(keys, &operator_path)?;

        for (key, values) in keys {
            let key_path = format!("{operator_path}.{key}");
            if key.is_empty() {
                return Err(PolicyError::malformed(
                    key_path,
                    "expected a condition key, found an empty string",
                ));
            }
            conditions.push(Condition {
                operator,
                key: key.clone(),
                values: condition_values(values, &key_path)?,
            });
        }
    }
    Ok(conditions)
}

/// Reads condition values: a string, number or boolean, or a non-empty array
/// of them. Numbers and booleans keep their JSON text.
fn condition_values(value: &Json, path: &str) -> Result<Vec<String>> {
    let scalar = |value: &Json, path: &str| match value {
        Json::String(text) => Ok(text.clone()),
        Json::Number(number) => Ok(number.to_string()),
        Json::Bool(flag) => Ok(flag.to_string()),
        other => Err(PolicyError::malformed(
            path,
            format!(
                "expected a string, number or boolean, found {}",
                other.type_name()
            ),
        )),
    };
    match value {
        Json::Array(items) if items.is_empty() => Err(PolicyError::malformed(
            path,
            "expected at least one value, found an empty array",
        )),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| scalar(item, &format!("{path}[{index}]")))
            .collect(),
        single => Ok(vec![scalar(single, path)?]),
    }
}

/// Reads a string or a non-empty array of strings, pairing each string with
/// its element path (`path` for a single string, `path[i]` in an array).
fn string_list(value: &Json, path: &str) -> Result<Vec<(String, String)>> {
    match value {
        Json::String(text) => Ok(vec![(path.to_owned(), text.clone())]),
        Json::Array(items) if items.is_empty() => Err(PolicyError::malformed(
            path,
            "expected at least one value, found an empty array",
        )),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let item_path = format!("{path}[{index}]");
                let text = expect_string(item, &item_path)?.to_owned();
                Ok((item_path, text))
            })
            .collect(),
        other => Err(PolicyError::malformed(
            path,
            format!(
                "expected a string or an array of strings, found {}",
                other.type_name()
            ),
        )),
    }
}

fn expect_object<'a>(value: &'a Json, path: &str) -> Result<&'a [(String, Json)]> {
    match value {
        Json::Object(members) => Ok(members),
        other => Err(PolicyError::malformed(
            path,
            format!("expected an object, found {}", other.type_name()),
        )),
    }
}

fn expect_string<'a>(value: &'a Json, path: &str) -> Result<&'a str> {
    match value {
        Json::String(text) => Ok(text),
        other => Err(PolicyError::malformed(
            path,
            format!("expected a string, found {}", other.type_name()),
        )),
    }
}

/// Rejects repeated keys and keys outside `known`. `path` is the enclosing
/// element, empty at the top level; `noun` and `allowed` word the message,
/// as in `unknown element "Foo"; a policy contains only ...`.
fn check_members(
    members: &[(String, Json)],
    path: &str,
    known: &[&str],
    noun: &str,
    allowed: &str,
) -> Result<()> {
    check_duplicates(members, path)?;
    for (key, _) in members {
        if !known.contains(&key.as_str()) {
            return Err(PolicyError::malformed(
                join_path(path, key),
                format!("unknown {noun} {key:?}; {allowed}"),
            ));
        }
    }
    Ok(())
}

fn check_duplicates(members: &[(String, Json)], path: &str) -> Result<()> {
    for (index, (key, _)) in members.iter().enumerate() {
        if members[..index].iter().any(|(earlier, _)| earlier == key) {
            return Err(PolicyError::malformed(
                join_path(path, key),
                "appears more than once; an element may contain each key only once",
            ));
        }
    }
    Ok(())
}

fn join_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn member<'a>(members: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    members
        .iter()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value)
}
