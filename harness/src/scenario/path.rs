//! Response paths for `capture`: `QueueUrl`, `Attributes.QueueArn`,
//! `Messages[0].ReceiptHandle`.
//!
//! A path is member names separated by `.`. A member that contains a list
//! may be followed by one or more `[N]` indexes, counted from 0. The loader
//! checks each path against the operation's output shape
//! ([`ResponsePath::resolve_shape`]).

use std::fmt;

use serde_json::Value;

use crate::driver::shape::Shape;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Member(String),
    Index(usize),
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

        let mut segments = Vec::new();
        for part in text.split('.') {
            let (member, mut indexes) = match part.find('[') {
                Some(open) => (&part[..open], &part[open..]),
                None => (part, ""),
            };
            if member.is_empty() || member.contains(']') {
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

        Ok(ResponsePath { segments })
    }

    /// Follows the path through an output shape and returns the shape it
    /// reaches, or describes the first step the shape does not have.
    pub fn resolve_shape(&self, output: Shape) -> Result<Shape, String> {
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
                (Segment::Member(_), Shape::List(_)) => {
                    return Err(format!("{parent} is a list; write an index, such as {parent}[0]"));
                }
                (Segment::Member(_), scalar) => {
                    return Err(format!("{parent} is {} and has no members", scalar.expected()));
                }
                (Segment::Index(_), Shape::List(item)) => *item,
                (Segment::Index(_), other) => return Err(format!("{parent} is {}, not a list", other.expected())),
            };
        }
        Ok(current)
    }

    /// Returns the value at this path in `response`, if there is one.
    pub fn lookup<'v>(&self, response: &'v Value) -> Option<&'v Value> {
        let mut current = response;
        for segment in &self.segments {
            current = match segment {
                Segment::Member(name) => current.as_object()?.get(name)?,
                Segment::Index(index) => current.as_array()?.get(*index)?,
            };
        }
        Some(current)
    }
}

impl fmt::Display for ResponsePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Member(name) if position == 0 => write!(f, "{name}")?,
                Segment::Member(name) => write!(f, ".{name}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
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
        ResponsePath::parse(path).expect("valid path").resolve_shape(Shape::Structure(&OUTPUT))
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
        assert_eq!(second.lookup(&response), Some(&json!("b")));
        let top = ResponsePath::parse("QueueUrl").expect("valid path");
        assert_eq!(top.lookup(&response), Some(&json!("u")));
    }

    #[test]
    fn lookup_returns_none_for_absent_values() {
        let response = json!({ "Messages": [{ "ReceiptHandle": "a" }] });
        for path in ["Messages[1].ReceiptHandle", "Missing", "Messages.ReceiptHandle", "Messages[0].Body"] {
            let path = ResponsePath::parse(path).expect("valid path");
            assert_eq!(path.lookup(&response), None, "{path}");
        }
    }
}
