//! Response paths for `capture`: `QueueUrl`, `Attributes.QueueArn`,
//! `Messages[0].ReceiptHandle`.
//!
//! A path is member names separated by `.`. A member that contains a list
//! may be followed by one or more `[N]` indexes, counted from 0.

use std::fmt;

use serde_json::Value;

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
