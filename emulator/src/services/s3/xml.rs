//! Request-body XML: a small element tree read with `xmlparser`, and the
//! writer for response documents.
//!
//! S3 request bodies (CreateBucketConfiguration, Delete,
//! CompleteMultipartUpload, Tagging, ...) are small documents whose element
//! names carry the meaning. The reader matches elements by local name and
//! ignores namespaces and attributes.

use std::fmt::Write as _;

use xmlparser::{ElementEnd, Token, Tokenizer};

use super::errors::{S3Result, malformed_xml};

/// The S3 XML namespace of response documents.
pub const S3_NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// Deepest element nesting accepted in a request body.
const MAX_DEPTH: usize = 16;

/// One element: its local name, its text and its child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// Returns the first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }

    /// Returns every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// Returns the text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|child| child.text.as_str())
    }
}

/// Escapes text for element content: `&`, `<`, `>` and control characters,
/// but not quotes, so they stay readable in messages, as S3 writes them.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            // XML 1.0 text cannot hold most control characters raw, and a
            // parser reads a raw CR as LF, so these go out as character
            // references, as the "XML related object key constraints" in
            // <https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html> describe.
            c if c.is_ascii_control() => {
                let _ = write!(escaped, "&#x{:X};", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    escaped
}

/// Parses a whole document into its root element. Any XML error, an empty
/// document or a root other than `expected_root` is `MalformedXML`.
pub fn parse(body: &[u8], expected_root: &str) -> S3Result<Element> {
    let text = std::str::from_utf8(body).map_err(|_| malformed_xml("the body is not UTF-8"))?;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;

    for token in Tokenizer::from(text) {
        let token = token.map_err(|error| malformed_xml(&error.to_string()))?;
        match token {
            Token::ElementStart { local, .. } => {
                if root.is_some() {
                    return Err(malformed_xml("content after the root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed_xml("the elements are nested too deeply"));
                }
                stack.push(Element { name: local.as_str().to_owned(), ..Element::default() });
            }
            Token::ElementEnd { end, .. } => {
                let closes = match end {
                    ElementEnd::Open => continue,
                    ElementEnd::Close(_, local) => Some(local.as_str()),
                    ElementEnd::Empty => None,
                };
                let element = stack.pop().ok_or_else(|| malformed_xml("a closing tag without an opening tag"))?;
                if let Some(name) = closes
                    && name != element.name
                {
                    return Err(malformed_xml(&format!("</{name}> closes <{}>", element.name)));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Token::Text { text } | Token::Cdata { text, .. } => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&unescape(text.as_str()));
                }
            }
            _ => {}
        }
    }

    if !stack.is_empty() {
        return Err(malformed_xml("the document ends inside an element"));
    }
    let root = root.ok_or_else(|| malformed_xml("the body has no root element"))?;
    if root.name != expected_root {
        return Err(malformed_xml(&format!("the root element is <{}>, expected <{expected_root}>", root.name)));
    }
    Ok(root)
}

/// Replaces the predefined entities and character references.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        output.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find(';') else {
            output.push_str(&rest[start..]);
            return output;
        };
        let entity = &after[..end];
        let replacement = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|decimal| decimal.parse().ok()))
                .and_then(char::from_u32),
        };
        match replacement {
            Some(c) => output.push(c),
            None => output.push_str(&rest[start..start + end + 2]),
        }
        rest = &after[end + 1..];
    }
    output.push_str(rest);
    output
}

/// A response document under construction.
#[derive(Debug)]
pub struct Document {
    buffer: String,
}

impl Document {
    /// Starts a document whose root element is `root` in the S3 namespace.
    pub fn new(root: &str) -> Document {
        let mut buffer = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = write!(buffer, "<{root} xmlns=\"{S3_NAMESPACE}\">");
        Document { buffer }
    }

    /// Writes `<name>text</name>` with `text` escaped.
    pub fn element(&mut self, name: &str, text: &str) -> &mut Self {
        let _ = write!(self.buffer, "<{name}>{}</{name}>", escape(text));
        self
    }

    /// Writes the element only when `text` is present.
    pub fn optional(&mut self, name: &str, text: Option<&str>) -> &mut Self {
        if let Some(text) = text {
            self.element(name, text);
        }
        self
    }

    pub fn open(&mut self, name: &str) -> &mut Self {
        let _ = write!(self.buffer, "<{name}>");
        self
    }

    pub fn close(&mut self, name: &str) -> &mut Self {
        let _ = write!(self.buffer, "</{name}>");
        self
    }

    /// Closes the root element and returns the document.
    pub fn finish(mut self, root: &str) -> String {
        let _ = write!(self.buffer, "</{root}>");
        self.buffer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_elements_and_entities() {
        let body = br#"<?xml version="1.0"?><Delete xmlns="x"><Object><Key>a&amp;b</Key></Object><Quiet>true</Quiet></Delete>"#;
        let root = parse(body, "Delete").expect("valid document");
        assert_eq!(root.child("Object").and_then(|object| object.child_text("Key")), Some("a&b"));
        assert_eq!(root.child_text("Quiet"), Some("true"));
    }

    #[test]
    fn rejects_malformed_documents() {
        for body in [&b"<Delete><Object></Delete>"[..], b"<Delete>", b"", b"not xml", b"<Other/>"] {
            let error = parse(body, "Delete").expect_err("malformed");
            assert_eq!(error.code(), "MalformedXML", "{}", String::from_utf8_lossy(body));
        }
    }
}
