//! Reading SNS's awsQuery parameters into typed values.
//!
//! SNS flattens its lists and maps as the awsQuery protocol does: a list is
//! `Name.member.N`, a map is `Name.entry.N.key` / `Name.entry.N.value`
//! (`Name.entry.N.Name` / `Name.entry.N.Value.*` for message attributes),
//! and a list of structures is `Name.member.N.Member`, with N counting from 1
//! (<https://smithy.io/2.0/aws/protocols/aws-query-protocol.html>).

use std::collections::BTreeMap;

use crate::error::{AwsError, AwsResult};

use super::errors;

/// The parameters of one request, or of one batch entry.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn new(pairs: Vec<(String, String)>) -> Params {
        Params { pairs }
    }

    /// Returns the value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Returns the value of `name`, or ValidationError when it is missing.
    pub fn required(&self, name: &str) -> AwsResult<&str> {
        self.get(name).ok_or_else(|| errors::missing_parameter(name))
    }

    /// Reads a boolean member, `true` or `false` as the protocol writes it.
    pub fn boolean(&self, name: &str) -> AwsResult<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(errors::invalid_parameter(name, &format!("{other:?} is not true or false"))),
        }
    }

    /// Groups the members of list `name` by index: `name.member.N.REST` becomes
    /// entry N with parameter `REST`, and `name.member.N` entry N with the
    /// empty name. Entries come back in index order.
    pub fn members(&self, name: &str) -> AwsResult<Vec<Params>> {
        self.indexed(&format!("{name}.member."), name)
    }

    /// Groups the entries of map `name` by index: `name.entry.N.REST`
    /// becomes entry N with parameter `REST`.
    pub fn entries(&self, name: &str) -> AwsResult<Vec<Params>> {
        self.indexed(&format!("{name}.entry."), name)
    }

    /// Reads list `name` of strings (`name.member.N`).
    pub fn strings(&self, name: &str) -> AwsResult<Vec<String>> {
        let members = self.members(name)?;
        Ok(members.into_iter().filter_map(|member| member.get("").map(str::to_owned)).collect())
    }

    /// Reads a string map `name.entry.N.key` / `name.entry.N.value`. A key
    /// given twice is rejected.
    pub fn string_map(&self, name: &str) -> AwsResult<BTreeMap<String, String>> {
        let mut map = BTreeMap::new();
        for entry in self.entries(name)? {
            let key = entry.get("key").ok_or_else(|| errors::invalid_parameter(name, "an entry has no key"))?;
            let value = entry.get("value").unwrap_or_default();
            if map.insert(key.to_owned(), value.to_owned()).is_some() {
                return Err(errors::invalid_parameter(name, &format!("the key {key:?} is given twice")));
            }
        }
        Ok(map)
    }

    /// Groups the parameters under `prefix` + `N.` by N, for list or map `name`.
    fn indexed(&self, prefix: &str, name: &str) -> AwsResult<Vec<Params>> {
        let mut entries: BTreeMap<usize, Vec<(String, String)>> = BTreeMap::new();
        for (key, value) in &self.pairs {
            let Some(rest) = key.strip_prefix(prefix) else {
                continue;
            };
            let (index, member) = rest.split_once('.').unwrap_or((rest, ""));
            let index: usize =
                index.parse().ok().filter(|index| *index >= 1).ok_or_else(|| invalid_index(name, key))?;
            entries.entry(index).or_default().push((member.to_owned(), value.clone()));
        }
        Ok(entries.into_values().map(Params::new).collect())
    }
}

/// Rejects a value that XML 1.0 cannot carry: a control character below
/// U+0020 other than tab, line feed and carriage return, or U+FFFE and U+FFFF
/// (<https://www.w3.org/TR/xml/#charsets>). SNS returns stored names and
/// attributes in XML documents, so such a value would make every later
/// response that contains it unreadable.
pub fn check_xml_text(name: &str, value: &str) -> AwsResult<()> {
    let is_invalid = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}');
    if let Some(invalid) = value.chars().find(|c| is_invalid(*c)) {
        return Err(errors::invalid_parameter(
            name,
            &format!("{value:?} contains the character {invalid:?}, which is not allowed"),
        ));
    }
    Ok(())
}

fn invalid_index(name: &str, key: &str) -> AwsError {
    errors::invalid_parameter(name, &format!("the parameter {key:?} has no list index of 1 or more"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::new(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn string_map_reads_entries() {
        let params = params(&[
            ("Attributes.entry.2.key", "FifoTopic"),
            ("Attributes.entry.2.value", "true"),
            ("Attributes.entry.1.key", "DisplayName"),
            ("Attributes.entry.1.value", "Orders"),
        ]);
        let map = params.string_map("Attributes").expect("a valid map");
        assert_eq!(map.get("DisplayName").map(String::as_str), Some("Orders"));
        assert_eq!(map.get("FifoTopic").map(String::as_str), Some("true"));
    }

    #[test]
    fn members_group_by_index() {
        let params = params(&[
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "core"),
            ("Tags.member.2.Key", "env"),
            ("TagKeys.member.1", "team"),
        ]);
        let tags = params.members("Tags").expect("valid members");
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0].get("Key"), Some("team"));
        assert_eq!(tags[1].get("Value"), None);
        assert_eq!(params.strings("TagKeys").expect("valid list"), vec!["team".to_owned()]);
    }

    #[test]
    fn xml_text_rejects_control_characters() {
        assert!(check_xml_text("DisplayName", "Orders\tand\nrefunds ✓").is_ok());
        for value in ["a\u{1}b", "\u{0}", "x\u{1f}", "\u{FFFF}"] {
            let error = check_xml_text("DisplayName", value).expect_err(value);
            assert_eq!(error.code, "InvalidParameter", "{value:?}");
            assert!(error.message.contains("DisplayName"), "{}", error.message);
        }
    }

    #[test]
    fn bad_index_names_parameter() {
        let error = params(&[("Tags.member.x.Key", "a")]).members("Tags").expect_err("bad index");
        assert_eq!(error.code, "InvalidParameter");
        assert!(error.message.contains("Tags.member.x.Key"), "{}", error.message);
    }
}
