//! `${variable}` substitution in the strings of a step's `input` and `expect`.
//!
//! A variable is set by an earlier step's `capture`. Two forms:
//!
//! - a string that is exactly `"${name}"` becomes the captured value itself,
//!   with its JSON type (a number stays a number, a list stays a list);
//! - a variable inside longer text is replaced by the captured value's text
//!   (strings as they are, anything else as compact JSON).
//!
//! `$${` stands for a literal `${`. Variable names are ASCII letters, digits
//! and `_`, not starting with a digit. Map keys are never substituted.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Variables captured so far in a scenario run.
pub type Variables = BTreeMap<String, Value>;

/// One piece of a template string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    Text(&'a str),
    Variable(&'a str),
}

/// The reason a template string is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(pub String);

/// Splits a string into literal text and `${variable}` references.
pub fn parse(text: &str) -> Result<Vec<Part<'_>>, TemplateError> {
    let mut parts = Vec::new();
    let mut rest = text;

    while let Some(start) = rest.find("${") {
        // `$${` is an escaped `${`: keep `${` as text and go on after it.
        if start > 0 && rest.as_bytes()[start - 1] == b'$' {
            push_text(&mut parts, &rest[..start - 1]);
            push_text(&mut parts, "${");
            rest = &rest[start + 2..];
            continue;
        }

        push_text(&mut parts, &rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| TemplateError(format!("`${{` in {text:?} has no closing `}}`")))?;
        let name = &after[..end];
        if !is_variable_name(name) {
            return Err(TemplateError(format!(
                "`${{{name}}}` is not a valid variable reference: names are letters, digits and `_`, not starting with a digit"
            )));
        }
        parts.push(Part::Variable(name));
        rest = &after[end + 1..];
    }

    push_text(&mut parts, rest);
    Ok(parts)
}

fn push_text<'a>(parts: &mut Vec<Part<'a>>, text: &'a str) {
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
}

/// Returns whether `name` is a valid variable name.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(first) if first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Returns every variable a value refers to, in order of appearance.
pub fn referenced_variables(value: &Value) -> Vec<String> {
    let mut names = Vec::new();
    collect_variables(value, &mut names);
    names
}

fn collect_variables(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            if let Ok(parts) = parse(text) {
                for part in parts {
                    if let Part::Variable(name) = part {
                        names.push(name.to_owned());
                    }
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_variables(item, names)),
        Value::Object(object) => object.values().for_each(|item| collect_variables(item, names)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Returns `value` with every variable reference replaced.
///
/// Fails with the name of the first variable that `variables` does not hold.
pub fn substitute(value: &Value, variables: &Variables) -> Result<Value, String> {
    match value {
        Value::String(text) => substitute_string(text, variables),
        Value::Array(items) => {
            items.iter().map(|item| substitute(item, variables)).collect::<Result<_, _>>().map(Value::Array)
        }
        Value::Object(object) => {
            let mut substituted = Map::with_capacity(object.len());
            for (key, item) in object {
                substituted.insert(key.clone(), substitute(item, variables)?);
            }
            Ok(Value::Object(substituted))
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(value.clone()),
    }
}

fn substitute_string(text: &str, variables: &Variables) -> Result<Value, String> {
    // The loader has already rejected malformed templates, so a parse error
    // here can only come from a value built in code. Such text stays as it is.
    let Ok(parts) = parse(text) else {
        return Ok(Value::String(text.to_owned()));
    };

    if let [Part::Variable(name)] = parts.as_slice() {
        return variables.get(*name).cloned().ok_or_else(|| (*name).to_owned());
    }

    let mut substituted = String::with_capacity(text.len());
    for part in parts {
        match part {
            Part::Text(literal) => substituted.push_str(literal),
            Part::Variable(name) => match variables.get(name) {
                Some(Value::String(captured)) => substituted.push_str(captured),
                Some(captured) => substituted.push_str(&captured.to_string()),
                None => return Err(name.to_owned()),
            },
        }
    }
    Ok(Value::String(substituted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn variables() -> Variables {
        let mut variables = Variables::new();
        variables.insert("queue_url".to_owned(), json!("http://sqs.ap-south-1.localhost:4566/111111111111/q"));
        variables.insert("count".to_owned(), json!(3));
        variables.insert("urls".to_owned(), json!(["a", "b"]));
        variables
    }

    #[test]
    fn parse_splits_text_and_variables() {
        assert_eq!(
            parse("before ${a} middle ${b_2}"),
            Ok(vec![Part::Text("before "), Part::Variable("a"), Part::Text(" middle "), Part::Variable("b_2")])
        );
        assert_eq!(parse("plain"), Ok(vec![Part::Text("plain")]));
    }

    #[test]
    fn parse_keeps_escaped_dollar_brace() {
        assert_eq!(parse("cost $${a}"), Ok(vec![Part::Text("cost "), Part::Text("${"), Part::Text("a}")]));
    }

    #[test]
    fn parse_rejects_unclosed_and_bad_names() {
        assert!(parse("${open").is_err());
        assert!(parse("${1abc}").is_err());
        assert!(parse("${a-b}").is_err());
        assert!(parse("${}").is_err());
    }

    #[test]
    fn whole_string_variable_keeps_its_type() {
        let substituted = substitute(&json!({ "N": "${count}", "L": "${urls}" }), &variables());
        assert_eq!(substituted, Ok(json!({ "N": 3, "L": ["a", "b"] })));
    }

    #[test]
    fn embedded_variable_becomes_text() {
        let substituted = substitute(&json!(["url=${queue_url}", "n=${count}"]), &variables());
        assert_eq!(substituted, Ok(json!(["url=http://sqs.ap-south-1.localhost:4566/111111111111/q", "n=3"])));
    }

    #[test]
    fn missing_variable_is_named() {
        assert_eq!(substitute(&json!({ "A": "x ${nope}" }), &variables()), Err("nope".to_owned()));
    }

    #[test]
    fn referenced_variables_walks_nested_values() {
        let value = json!({ "A": ["${one}", { "B": "x${two}y" }], "C": 1 });
        assert_eq!(referenced_variables(&value), vec!["one".to_owned(), "two".to_owned()]);
    }
}
