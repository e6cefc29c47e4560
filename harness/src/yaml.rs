//! YAML files with positions, read key by key: the reader that the scenario,
//! matrix catalog and target file loaders share.
//!
//! A file is parsed with `marked-yaml`, which keeps the line and column of
//! every node, and is then walked by hand. So every semantic error points at
//! the line that causes it, like a syntax error does, and every error is a
//! [`LoadError`] naming the file, line, column and key.
//!
//! Plain scalars get YAML's core types (`null`, `true`, integers, floats);
//! quoted scalars are always strings. Anchors, aliases, tags, duplicate keys
//! and files with more than one document are rejected.

use std::path::Path;

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, MarkedSequenceNode};
use marked_yaml::{LoaderOptions, Node, Span};
use serde_json::{Number, Value};

use crate::scenario::LoadError;

pub(crate) type LoadResult<T> = Result<T, LoadError>;

/// Reads one YAML file and turns its problems into [`LoadError`]s.
#[derive(Debug, Clone, Copy)]
pub(crate) struct YamlReader<'a> {
    file: &'a Path,
    /// The kind of file, for messages: `a scenario file`, `a target file`.
    document: &'static str,
}

impl<'a> YamlReader<'a> {
    pub(crate) fn new(file: &'a Path, document: &'static str) -> YamlReader<'a> {
        YamlReader { file, document }
    }

    /// Returns the path of the file being read.
    pub(crate) fn file(&self) -> &'a Path {
        self.file
    }

    /// Builds a [`LoadError`] at `span`; an empty `key` names the whole document.
    pub(crate) fn error(&self, span: &Span, key: &str, message: impl Into<String>) -> LoadError {
        let (line, column) = span.start().map_or((1, 1), |marker| (marker.line(), marker.column()));
        LoadError {
            file: self.file.to_path_buf(),
            line,
            column,
            key: if key.is_empty() { "(document)".to_owned() } else { key.to_owned() },
            message: message.into(),
        }
    }

    pub(crate) fn parse(&self, source: &str) -> LoadResult<Node> {
        // marked-yaml reads the first document and ignores the rest, which
        // would drop steps without a word.
        if let Some(line) = second_document_line(source) {
            let marker = marked_yaml::Marker::new(0, 0, line, 1);
            return Err(self.error(
                &Span::new_start(marker),
                "",
                format!("a second YAML document starts here; {} contains exactly one document", self.document),
            ));
        }

        let options = LoaderOptions::default().error_on_duplicate_keys(true).prevent_coercion(true);
        // marked-yaml 0.8 asserts instead of failing on some inputs, such as a
        // second document; turn such a panic into a load error.
        let parsed = std::panic::catch_unwind(|| marked_yaml::parse_yaml_with_options(0, source, options));
        let parsed = parsed.map_err(|_| LoadError {
            file: self.file.to_path_buf(),
            line: 1,
            column: 1,
            key: "(document)".to_owned(),
            message: format!("the YAML could not be parsed; {} contains exactly one YAML document", self.document),
        })?;
        parsed.map_err(|error| self.syntax_error(&error))
    }

    fn syntax_error(&self, error: &marked_yaml::LoadError) -> LoadError {
        use marked_yaml::LoadError as Yaml;

        let (marker, key, message) = match error {
            Yaml::TopLevelMustBeMapping(marker) | Yaml::TopLevelMustBeSequence(marker) => {
                (*marker, String::new(), "the document must be a mapping".to_owned())
            }
            Yaml::UnexpectedAnchor(marker) => {
                (*marker, String::new(), "YAML anchors and aliases are not supported; write the value out".to_owned())
            }
            Yaml::MappingKeyMustBeScalar(marker) => {
                (*marker, String::new(), "a mapping key must be a plain string".to_owned())
            }
            Yaml::UnexpectedTag(marker) => {
                (*marker, String::new(), "YAML tags such as `!name` are not supported".to_owned())
            }
            Yaml::ScanError(marker, scan) => (*marker, String::new(), format!("invalid YAML: {}", scan.info())),
            Yaml::DuplicateKey(duplicate) => {
                let marker =
                    duplicate.key.span().start().copied().unwrap_or_else(|| marked_yaml::Marker::new(0, 0, 1, 1));
                let first_line = duplicate.prev_key.span().start().map_or(0, marked_yaml::Marker::line);
                (
                    marker,
                    duplicate.key.as_str().to_owned(),
                    format!("duplicate key; it is already set on line {first_line}"),
                )
            }
        };
        self.error(&Span::new_start(marker), &key, message)
    }

    pub(crate) fn check_keys(&self, mapping: &MarkedMappingNode, context: &str, allowed: &[&str]) -> LoadResult<()> {
        for key in mapping.keys() {
            if !allowed.contains(&key.as_str()) {
                let path = join(context, key.as_str());
                return Err(self.error(
                    key.span(),
                    &path,
                    format!("unknown key {:?}; expected one of {}", key.as_str(), allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn mapping<'n>(&self, node: &'n Node, key: &str) -> LoadResult<&'n MarkedMappingNode> {
        node.as_mapping()
            .ok_or_else(|| self.error(node.span(), key, format!("expected a mapping, found {}", describe(node))))
    }

    pub(crate) fn sequence<'n>(&self, node: &'n Node, key: &str) -> LoadResult<&'n MarkedSequenceNode> {
        node.as_sequence()
            .ok_or_else(|| self.error(node.span(), key, format!("expected a list, found {}", describe(node))))
    }

    pub(crate) fn scalar<'n>(&self, node: &'n Node, key: &str) -> LoadResult<&'n MarkedScalarNode> {
        node.as_scalar()
            .ok_or_else(|| self.error(node.span(), key, format!("expected a string, found {}", describe(node))))
    }

    pub(crate) fn string(&self, node: &Node, key: &str) -> LoadResult<String> {
        Ok(self.scalar(node, key)?.as_str().to_owned())
    }

    pub(crate) fn required<'n>(&self, mapping: &'n MarkedMappingNode, member: &str, key: &str) -> LoadResult<&'n Node> {
        mapping
            .get_node(member)
            .ok_or_else(|| self.error(mapping.span(), key, format!("missing required key {member:?}")))
    }

    pub(crate) fn required_string(&self, mapping: &MarkedMappingNode, member: &str, key: &str) -> LoadResult<String> {
        let node = self.required(mapping, member, key)?;
        let text = self.string(node, key)?;
        if text.is_empty() {
            return Err(self.error(node.span(), key, "must not be empty"));
        }
        Ok(text)
    }

    pub(crate) fn string_list(&self, node: &Node, key: &str) -> LoadResult<Vec<String>> {
        let items = self.sequence(node, key)?;
        items.iter().enumerate().map(|(index, item)| self.string(item, &format!("{key}[{index}]"))).collect()
    }
}

/// Returns the line (from 1) of a `---` document marker that follows content.
pub(crate) fn second_document_line(source: &str) -> Option<usize> {
    let mut seen_content = false;
    for (index, line) in source.lines().enumerate() {
        let is_marker = line == "---" || line.starts_with("--- ");
        if is_marker && seen_content {
            return Some(index + 1);
        }
        let trimmed = line.trim_start();
        if !is_marker && !trimmed.is_empty() && !trimmed.starts_with('#') {
            seen_content = true;
        }
    }
    None
}

/// Converts a scalar to JSON: YAML core types for plain scalars, strings for quoted ones.
pub(crate) fn scalar_value(scalar: &MarkedScalarNode) -> Value {
    let text = scalar.as_str();
    if !scalar.may_coerce() {
        return Value::String(text.to_owned());
    }
    if is_null(scalar) {
        return Value::Null;
    }
    if let Some(flag) = scalar.as_bool() {
        return Value::Bool(flag);
    }
    if let Some(integer) = scalar.as_i64() {
        return Value::Number(integer.into());
    }
    if looks_like_float(text)
        && let Some(number) = text.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(number);
    }
    Value::String(text.to_owned())
}

pub(crate) fn is_null(scalar: &MarkedScalarNode) -> bool {
    scalar.may_coerce() && matches!(scalar.as_str(), "" | "~" | "null" | "Null" | "NULL")
}

/// Returns whether `text` is a decimal number with a fraction or exponent,
/// as YAML's core schema writes floats (Rust would also parse `inf` and `NaN`).
pub(crate) fn looks_like_float(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
}

pub(crate) fn describe(node: &Node) -> String {
    match node {
        Node::Scalar(scalar) => format!("the value {:?}", scalar.as_str()),
        Node::Mapping(_) => "a mapping".to_owned(),
        Node::Sequence(_) => "a list".to_owned(),
    }
}

pub(crate) fn join(context: &str, member: &str) -> String {
    if context.is_empty() {
        member.to_owned()
    } else if context.ends_with(':') {
        format!("{context} {member}")
    } else {
        format!("{context}.{member}")
    }
}
