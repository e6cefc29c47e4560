//! Writing a policy back to JSON.
//!
//! The output follows the policy grammar
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>)
//! in a fixed element order: `Version`, `Id`, `Statement`; and in each
//! statement `Sid`, `Effect`, `Principal`/`NotPrincipal`, `Action`/`NotAction`,
//! `Resource`/`NotResource`, `Condition`. `Statement` is always an array; a
//! list of one value is written as that value alone. Condition values are
//! written as strings.
//!
//! Parsing the output gives back the same [`Policy`] for every policy that
//! [`Policy::parse`] produced. A policy built in code round-trips too as long
//! as each condition operator's entries are adjacent and no operator-and-key
//! pair repeats, since JSON groups entries by operator.

use serde_json::{Map, Value};

use crate::document::{
    ActionClause, Condition, Policy, PrincipalClause, Principals, ResourceClause, Statement,
};

impl Policy {
    /// Converts the policy to a JSON value.
    pub fn to_json(&self) -> Value {
        let mut document = Map::new();
        if let Some(version) = self.version {
            document.insert("Version".into(), Value::from(version.as_str()));
        }
        if let Some(id) = &self.id {
            document.insert("Id".into(), Value::from(id.as_str()));
        }
        let statements = self.statements.iter().map(statement_to_json).collect();
        document.insert("Statement".into(), Value::Array(statements));
        Value::Object(document)
    }

    /// Converts the policy to compact JSON text.
    pub fn to_json_string(&self) -> String {
        self.to_json().to_string()
    }
}

impl serde::Serialize for Policy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

fn statement_to_json(statement: &Statement) -> Value {
    let mut members = Map::new();
    if let Some(sid) = &statement.sid {
        members.insert("Sid".into(), Value::from(sid.as_str()));
    }
    members.insert("Effect".into(), Value::from(statement.effect.as_str()));

    if let Some(clause) = &statement.principal {
        let (name, principals) = match clause {
            PrincipalClause::Principal(principals) => ("Principal", principals),
            PrincipalClause::NotPrincipal(principals) => ("NotPrincipal", principals),
        };
        members.insert(name.into(), principals_to_json(principals));
    }

    let (name, patterns) = match &statement.action {
        ActionClause::Action(patterns) => ("Action", patterns),
        ActionClause::NotAction(patterns) => ("NotAction", patterns),
    };
    members.insert(name.into(), list_to_json(patterns));

    if let Some(clause) = &statement.resource {
        let (name, patterns) = match clause {
            ResourceClause::Resource(patterns) => ("Resource", patterns),
            ResourceClause::NotResource(patterns) => ("NotResource", patterns),
        };
        members.insert(name.into(), list_to_json(patterns));
    }

    if !statement.conditions.is_empty() {
        members.insert(
            "Condition".into(),
            conditions_to_json(&statement.conditions),
        );
    }
    Value::Object(members)
}

fn principals_to_json(principals: &Principals) -> Value {
    let set = match principals {
        Principals::Wildcard => return Value::from("*"),
        Principals::Set(set) => set,
    };
    let mut members = Map::new();
    let types = [
        ("AWS", &set.aws),
        ("Service", &set.service),
        ("Federated", &set.federated),
        ("CanonicalUser", &set.canonical_user),
    ];
    for (name, entries) in types {
        if !entries.is_empty() {
            members.insert(name.into(), list_to_json(entries));
        }
    }
    Value::Object(members)
}

/// Groups condition entries by operator, keeping the order in which each
/// operator and each key first appears.
fn conditions_to_json(conditions: &[Condition]) -> Value {
    let mut operators: Map<String, Value> = Map::new();
    for condition in conditions {
        let operator = operators
            .entry(condition.operator.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = operator {
            keys.insert(condition.key.clone(), list_to_json(&condition.values));
        }
    }
    Value::Object(operators)
}

fn list_to_json(values: &[String]) -> Value {
    match values {
        [single] => Value::from(single.as_str()),
        many => Value::Array(
            many.iter()
                .map(|value| Value::from(value.as_str()))
                .collect(),
        ),
    }
}
