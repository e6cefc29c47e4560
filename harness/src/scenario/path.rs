//! Response paths for `capture`: `QueueUrl`, `Attributes.QueueArn`,
//! `Messages[0].ReceiptHandle`, `json(Messages[0].Body).Token`.
//!
//! A path is member names separated by `.`. A member that contains a list
//! may be followed by one or more `[N]` indexes, counted from 0. The loader
//! checks each path against the operation's output shape
//! ([`ResponsePath::resolve_shape`]).
//!
//! `json(PATH)` parses the string at PATH as a JSON document, and the
//! members and indexes after it are looked up in that document. It reads
//! values that a service returns as JSON text, such as the SNS envelope in
//! an SQS message body. The output shape declares only that PATH is a
//! string, so the rest of the path is checked when the step runs.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::driver::shape::Shape;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Member(String),
    Index(usize),
    /// Parses the string reached so far as a JSON document.
    Json,
}

/// A parsed response path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsePath {
    segments: Vec<Segment>,
}

impl ResponsePath {
    /// Parses a path, or describes what is wrong with it.
    pub fn parse(text: &str) -> Result<ResponsePath, String> {
        if text.is_empty() {
            return Err("the path is empty".to_owned());
        }

        let Some(inner) = text.strip_prefix("json(") else {
            return Ok(ResponsePath { segments: parse_members(text)? });
        };
        let close = inner.rfind(')').ok_or_else(|| format!("{text:?} has a `json(` without a closing `)`"))?;
        let mut segments = ResponsePath::parse(&inner[..close])?.segments;
        segments.push(Segment::Json);
        let rest = &inner[close + 1..];
        if !rest.is_empty() {
            let members = rest.strip_prefix('.').ok_or_else(|| {
                format!("{text:?} has text right after `)`; continue the path with `.`, as in json(Body).Token")
            })?;
            segments.extend(parse_members(members)?);
        }
        Ok(ResponsePath { segments })
    }

    /// Follows the path through an output shape and returns the shape it
    /// reaches, or describes the first step the shape does not have.
    ///
    /// Returns `None` for a path that goes on inside a `json(...)`
    /// document, which has no declared shape.
    pub fn resolve_shape(&self, output: Shape) -> Result<Option<Shape>, String> {
        let mut current = output;
        let mut walked = ResponsePath { segments: Vec::with_capacity(self.segments.len()) };
        for segment in &self.segments {
            let parent = walked.to_string();
            walked.segments.push(segment.clone());
            current = match (segment, current) {
                (Segment::Member(name), Shape::Structure(structure)) => match structure.member(name) {
                    Some(member) => member.shape,
                    None => return Err(format!("{walked}: {}", structure.unknown_member_message(name))),
                },
                (Segment::Member(_), Shape::Map(value)) => *value,
                // A JSON document, such as an invocation payload, has no declared members.
                (_, Shape::Document) => return Ok(None),
                (Segment::Member(_), Shape::List(_)) => {
                    return Err(format!("{parent} is a list; write an index, such as {parent}[0]"));
                }
                (Segment::Member(_), scalar) => {
                    return Err(format!("{parent} is {} and has no members", scalar.expected()));
                }
                (Segment::Index(_), Shape::List(item)) => *item,
                (Segment::Index(_), other) => return Err(format!("{parent} is {}, not a list", other.expected())),
                (Segment::Json, Shape::String) => return Ok(None),
                (Segment::Json, other) => {
                    return Err(format!("{parent} is {}; json(...) reads only a string", other.expected()));
                }
            };
        }
        Ok(Some(current))
    }

    /// Returns the value at this path in `response`, if there is one. A
    /// `json(...)` step whose string is not valid JSON finds no value.
    pub fn lookup<'v>(&self, response: &'v Value) -> Option<Cow<'v, Value>> {
        let mut current = Cow::Borrowed(response);
        for segment in &self.segments {
            current = match (segment, current) {
                (Segment::Member(name), Cow::Borrowed(value)) => Cow::Borrowed(value.as_object()?.get(name)?),
                (Segment::Index(index), Cow::Borrowed(value)) => Cow::Borrowed(value.as_array()?.get(*index)?),
                (Segment::Member(name), Cow::Owned(mut value)) => Cow::Owned(value.as_object_mut()?.remove(name)?),
                (Segment::Index(index), Cow::Owned(value)) => {
                    let Value::Array(items) = value else {
                        return None;
                    };
                    Cow::Owned(items.into_iter().nth(*index)?)
                }
                (Segment::Json, value) => Cow::Owned(serde_json::from_str(value.as_str()?).ok()?),
            };
        }
        Some(current)
    }
}

impl fmt::Display for ResponsePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `json(...)` wraps everything before it, so the text is built from the left.
        let mut text = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Member(name) if text.is_empty() => text.push_str(name),
                Segment::Member(name) => {
                    text.push('.');
                    text.push_str(name);
                }
                Segment::Index(index) => text.push_str(&format!("[{index}]")),
                Segment::Json => text = format!("json({text})"),
            }
        }
        f.write_str(&text)
    }
}

/// Parses `Member.Member[0]` text, which has no `json(...)`.
fn parse_members(text: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    for part in text.split('.') {
        let (member, mut indexes) = match part.find('[') {
            Some(open) => (&part[..open], &part[open..]),
            None => (part, ""),
        };
        if member.is_empty() || member.contains([']', '(', ')']) {
            return Err(format!("{text:?} has an empty or malformed member name; write Member.Member[0]"));
        }
        segments.push(Segment::Member(member.to_owned()));

        while !indexes.is_empty() {
            let close = indexes.find(']').ok_or_else(|| format!("{text:?} has a `[` without a closing `]`"))?;
            let digits = &indexes[1..close];
            let index = digits
                .parse::<usize>()
                .map_err(|_| format!("{text:?} has the index [{digits}]; an index is a whole number from 0"))?;
            segments.push(Segment::Index(index));
            indexes = &indexes[close + 1..];
            if !indexes.is_empty() && !indexes.starts_with('[') {
                return Err(format!("{text:?} has text after `]`; separate members with `.`"));
            }
        }
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::shape::{Member, Structure};
    use serde_json::json;

    #[test]
    fn path_parses_members_and_indexes() {
        let path = ResponsePath::parse("Messages[0].ReceiptHandle").expect("valid path");
        assert_eq!(
            path.segments,
            vec![
                Segment::Member("Messages".to_owned()),
                Segment::Index(0),
                Segment::Member("ReceiptHandle".to_owned())
            ]
        );
        assert_eq!(path.to_string(), "Messages[0].ReceiptHandle");
    }

    #[test]
    fn path_parses_nested_indexes() {
        let path = ResponsePath::parse("Grid[1][2]").expect("valid path");
        assert_eq!(path.to_string(), "Grid[1][2]");
    }

    #[test]
    fn path_rejects_malformed_text() {
        for bad in ["", ".QueueUrl", "QueueUrl.", "Messages[", "Messages[x]", "Messages[-1]", "Messages[0]Body", "[0]"]
        {
            assert!(ResponsePath::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    const MESSAGE: Structure = Structure {
        name: "Message",
        members: &[Member::optional("ReceiptHandle", Shape::String), Member::optional("Attributes", STRING_MAP)],
    };
    const STRING_MAP: Shape = Shape::Map(&Shape::String);
    const OUTPUT: Structure = Structure {
        name: "TestOutput",
        members: &[
            Member::optional("QueueUrl", Shape::String),
            Member::optional("Messages", Shape::List(&Shape::Structure(&MESSAGE))),
        ],
    };

    fn resolve(path: &str) -> Result<Shape, String> {
        let resolved = ResponsePath::parse(path).expect("valid path").resolve_shape(Shape::Structure(&OUTPUT))?;
        Ok(resolved.expect("a path outside json(...) has a shape"))
    }

    #[test]
    fn shape_resolves_members_indexes_and_map_keys() {
        assert!(matches!(resolve("QueueUrl"), Ok(Shape::String)));
        assert!(matches!(resolve("Messages[0].ReceiptHandle"), Ok(Shape::String)));
        assert!(matches!(resolve("Messages[2].Attributes.SentTimestamp"), Ok(Shape::String)));
        assert!(matches!(resolve("Messages"), Ok(Shape::List(_))));
    }

    #[test]
    fn shape_rejects_unknown_member_with_suggestion() {
        assert_eq!(
            resolve("Messages[0].ReceiptHandl").err().as_deref(),
            Some(
                "Messages[0].ReceiptHandl: unknown member; did you mean ReceiptHandle? \
                 The members of Message are ReceiptHandle, Attributes"
            )
        );
        assert_eq!(
            resolve("QueueUrll").err().as_deref(),
            Some("QueueUrll: unknown member; did you mean QueueUrl? The members of TestOutput are QueueUrl, Messages")
        );
    }

    #[test]
    fn shape_rejects_misplaced_members_and_indexes() {
        assert_eq!(
            resolve("Messages.ReceiptHandle").err().as_deref(),
            Some("Messages is a list; write an index, such as Messages[0]")
        );
        assert_eq!(resolve("QueueUrl[0]").err().as_deref(), Some("QueueUrl is a string, not a list"));
        assert_eq!(resolve("QueueUrl.Host").err().as_deref(), Some("QueueUrl is a string and has no members"));
    }

    #[test]
    fn lookup_follows_members_and_indexes() {
        let response = json!({ "Messages": [{ "ReceiptHandle": "a" }, { "ReceiptHandle": "b" }], "QueueUrl": "u" });
        let second = ResponsePath::parse("Messages[1].ReceiptHandle").expect("valid path");
        assert_eq!(second.lookup(&response).as_deref(), Some(&json!("b")));
        let top = ResponsePath::parse("QueueUrl").expect("valid path");
        assert_eq!(top.lookup(&response).as_deref(), Some(&json!("u")));
    }

    #[test]
    fn lookup_returns_none_for_absent_values() {
        let response = json!({ "Messages": [{ "ReceiptHandle": "a" }] });
        for path in ["Messages[1].ReceiptHandle", "Missing", "Messages.ReceiptHandle", "Messages[0].Body"] {
            let path = ResponsePath::parse(path).expect("valid path");
            assert_eq!(path.lookup(&response), None, "{path}");
        }
    }

    #[test]
    fn json_path_parses_and_displays() {
        let path = ResponsePath::parse("json(Messages[0].Body).Token").expect("valid path");
        assert_eq!(path.to_string(), "json(Messages[0].Body).Token");
        let nested = ResponsePath::parse("json(json(Messages[0].Body).Message).Items[1]").expect("valid path");
        assert_eq!(nested.to_string(), "json(json(Messages[0].Body).Message).Items[1]");
        let whole = ResponsePath::parse("json(QueueUrl)").expect("valid path");
        assert_eq!(whole.to_string(), "json(QueueUrl)");
    }

    #[test]
    fn json_path_rejects_malformed_text() {
        for bad in ["json(", "json(Body", "json()", "json(Body)Token", "json(Body).", "Body(x)", "json(Body).a(b)"] {
            assert!(ResponsePath::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn json_path_reads_document_in_string() {
        let body = r#"{"Type":"SubscriptionConfirmation","Token":"t-1","Items":[{"Id":"a"},{"Id":"b"}]}"#;
        let response = json!({ "Messages": [{ "Body": body }] });
        let token = ResponsePath::parse("json(Messages[0].Body).Token").expect("valid path");
        assert_eq!(token.lookup(&response).as_deref(), Some(&json!("t-1")));
        let item = ResponsePath::parse("json(Messages[0].Body).Items[1].Id").expect("valid path");
        assert_eq!(item.lookup(&response).as_deref(), Some(&json!("b")));
        let document = ResponsePath::parse("json(Messages[0].Body)").expect("valid path");
        assert_eq!(document.lookup(&response).as_deref().map(|value| value["Token"].clone()), Some(json!("t-1")));
    }

    #[test]
    fn json_path_finds_nothing_in_invalid_documents() {
        let response = json!({ "Messages": [{ "Body": "not json", "ReceiptHandle": "a" }] });
        for path in ["json(Messages[0].Body).Token", "json(Messages[0].ReceiptHandle).Token", "json(Messages).Token"] {
            let path = ResponsePath::parse(path).expect("valid path");
            assert_eq!(path.lookup(&response), None, "{path}");
        }
        let absent = json!({ "Messages": [{ "Body": r#"{"Type":"Notification"}"# }] });
        let token = ResponsePath::parse("json(Messages[0].Body).Token").expect("valid path");
        assert_eq!(token.lookup(&absent), None);
    }

    #[test]
    fn json_path_shape_needs_a_string() {
        let output = Shape::Structure(&OUTPUT);
        let token = ResponsePath::parse("json(Messages[0].ReceiptHandle).Token").expect("valid path");
        assert!(matches!(token.resolve_shape(output), Ok(None)), "a path into a JSON document has no shape");
        let list = ResponsePath::parse("json(Messages).Token").expect("valid path");
        assert_eq!(
            list.resolve_shape(output).err().as_deref(),
            Some("Messages is a list; json(...) reads only a string")
        );
        let unknown = ResponsePath::parse("json(Messages[0].Bodyy).Token").expect("valid path");
        assert!(unknown.resolve_shape(output).is_err(), "the part inside json(...) is checked");
    }
}
