//! Shape descriptions that let one typed input and output serve both SQS protocols.
//!
//! An operation's input and output are serde structs whose field names are
//! the awsJson1_0 member names, so the JSON protocol decodes and encodes them
//! directly. For awsQuery, a [`Shape`] describes the same structure together
//! with each member's query and XML name: [`decode_query`] turns the flattened
//! form parameters (`Attribute.1.Name`, `MessageAttribute.1.Value.StringValue`,
//! `AttributeName.2`) into the JSON value the struct deserializes from, and
//! [`write_xml`] renders the serialized output as the flattened XML SQS sends
//! (`<Attribute><Name/><Value/></Attribute>`, repeated `<QueueUrl>`).
//!
//! Every SQS list and map is flattened in awsQuery, with the element or entry
//! named by the member's `xmlName`
//! (<https://smithy.io/2.0/aws/protocols/aws-query-protocol.html>,
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-xml.html>).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::error::{AwsError, AwsResult};
use crate::http::aws_query::XmlWriter;

use super::errors;

/// The structure of a member's value.
#[derive(Debug)]
pub enum Shape {
    String,
    Integer,
    Boolean,
    /// A flattened list: `Name.1`, `Name.2`, ... in a request; repeated `<Name>` in a response.
    List(&'static Shape),
    /// A flattened map: `Name.N.<key>` and `Name.N.<value>`.
    Map {
        key: &'static str,
        value: &'static str,
        value_shape: &'static Shape,
    },
    Structure(&'static [Member]),
}

/// One member of a structure.
#[derive(Debug)]
pub struct Member {
    /// The awsJson1_0 member name, which is also the serde field name.
    pub json_name: &'static str,
    /// The awsQuery parameter name and the XML element name.
    pub xml_name: &'static str,
    pub shape: &'static Shape,
}

impl Member {
    pub const fn new(json_name: &'static str, xml_name: &'static str, shape: &'static Shape) -> Member {
        Member {
            json_name,
            xml_name,
            shape,
        }
    }

    /// A member whose JSON and query names are the same.
    pub const fn named(name: &'static str, shape: &'static Shape) -> Member {
        Member::new(name, name, shape)
    }
}

pub static STRING: Shape = Shape::String;
pub static INTEGER: Shape = Shape::Integer;
pub static BOOLEAN: Shape = Shape::Boolean;
pub static STRING_LIST: Shape = Shape::List(&STRING);

/// Queue and message system attributes: `Attribute.N.Name` / `Attribute.N.Value`.
pub static NAME_VALUE_MAP: Shape = Shape::Map {
    key: "Name",
    value: "Value",
    value_shape: &STRING,
};

/// Tags: `Tag.N.Key` / `Tag.N.Value`.
pub static TAG_MAP: Shape = Shape::Map {
    key: "Key",
    value: "Value",
    value_shape: &STRING,
};

/// One parameter path segment's value and children, built once per request.
#[derive(Debug, Default)]
struct ParamNode<'a> {
    /// The first value sent for this exact parameter name.
    value: Option<&'a str>,
    /// How many times this exact parameter name was sent.
    occurrences: usize,
    children: HashMap<&'a str, ParamNode<'a>>,
}

impl<'a> ParamNode<'a> {
    fn build(params: &'a [(String, String)]) -> ParamNode<'a> {
        let mut root = ParamNode::default();
        for (name, value) in params {
            let mut node = &mut root;
            for segment in name.split('.') {
                node = node.children.entry(segment).or_default();
            }
            node.value.get_or_insert(value.as_str());
            node.occurrences += 1;
        }
        root
    }

    /// Returns the value of a scalar parameter at `path`. A parameter sent
    /// more than once is rejected rather than read from its first copy.
    ///
    /// NOTE: whether AWS rejects a repeated parameter or reads one copy is
    /// unverified, so the emulator takes the strict choice.
    fn scalar(&self, path: &str) -> AwsResult<Option<&'a str>> {
        if self.occurrences > 1 {
            return Err(errors::repeated_parameter(path, self.occurrences));
        }
        Ok(self.value)
    }

    /// Returns the children of a flattened list or map at `path`, in index
    /// order. The indexes must be the decimal numbers 1, 2, 3 and so on
    /// without a gap, as the awsQuery `param.n` notation counts them.
    ///
    /// NOTE: AWS documents that the indexes start at 1 but not its response to
    /// a gap or a malformed index. The emulator rejects both.
    fn indexed(&self, path: &str) -> AwsResult<Vec<(u64, &ParamNode<'a>)>> {
        let mut items = Vec::with_capacity(self.children.len());
        for (name, node) in &self.children {
            let parameter = format!("{path}.{name}");
            let digits = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit());
            if !digits {
                return Err(errors::invalid_list_index(&parameter, "the index is not a decimal number"));
            }
            if name.starts_with('0') {
                return Err(errors::invalid_list_index(&parameter, "indexes start at 1 and have no leading zeros"));
            }
            let Ok(index) = name.parse::<u64>() else {
                return Err(errors::invalid_list_index(&parameter, "the index is too large"));
            };
            items.push((index, node));
        }
        items.sort_unstable_by_key(|(index, _)| *index);

        // Sorted distinct indexes from 1 have no gap exactly when each equals its position.
        for (position, (index, _)) in (1u64..).zip(&items) {
            if *index != position {
                return Err(errors::list_index_gap(&format!("{path}.{position}"), &format!("{path}.{index}")));
            }
        }
        Ok(items)
    }
}

/// Decodes awsQuery parameters into the JSON value of a structure of `members`.
/// Parameters that are not members (Action, Version, signing fields) are ignored.
pub fn decode_query(params: &[(String, String)], members: &[Member]) -> AwsResult<Value> {
    let root = ParamNode::build(params);
    decode_structure(&root, members, "")
}

fn decode_structure(node: &ParamNode<'_>, members: &[Member], path: &str) -> AwsResult<Value> {
    let mut object = Map::new();
    for member in members {
        let Some(child) = node.children.get(member.xml_name) else {
            continue;
        };
        let child_path = join(path, member.xml_name);
        if let Some(value) = decode_value(child, member.shape, &child_path)? {
            object.insert(member.json_name.to_owned(), value);
        }
    }
    Ok(Value::Object(object))
}

fn decode_value(node: &ParamNode<'_>, shape: &Shape, path: &str) -> AwsResult<Option<Value>> {
    let value = match shape {
        Shape::String => node.scalar(path)?.map(|text| Value::String(text.to_owned())),
        Shape::Integer => match node.scalar(path)? {
            None => None,
            Some(text) => Some(Value::from(parse_integer(path, text)?)),
        },
        Shape::Boolean => match node.scalar(path)? {
            None => None,
            Some(text) => {
                let flag = match text {
                    "true" => true,
                    "false" => false,
                    _ => return Err(errors::invalid_parameter(path, text, "the value must be true or false")),
                };
                Some(Value::Bool(flag))
            }
        },
        Shape::List(item) => {
            let mut items = Vec::new();
            for (index, child) in node.indexed(path)? {
                let item_path = format!("{path}.{index}");
                if let Some(value) = decode_value(child, item, &item_path)? {
                    items.push(value);
                }
            }
            Some(Value::Array(items))
        }
        Shape::Map {
            key,
            value,
            value_shape,
        } => {
            let mut object = Map::new();
            for (index, entry) in node.indexed(path)? {
                let entry_path = format!("{path}.{index}");
                let name_path = format!("{entry_path}.{key}");
                let name = match entry.children.get(key) {
                    Some(name_node) => name_node.scalar(&name_path)?,
                    None => None,
                };
                let name = name.ok_or_else(|| errors::missing_parameter(&name_path))?;
                let value_path = format!("{entry_path}.{value}");
                let entry_value = match entry.children.get(value) {
                    Some(value_node) => decode_value(value_node, value_shape, &value_path)?,
                    None => None,
                };
                let entry_value = entry_value.ok_or_else(|| errors::missing_parameter(&value_path))?;
                object.insert(name.to_owned(), entry_value);
            }
            Some(Value::Object(object))
        }
        Shape::Structure(members) => Some(decode_structure(node, members, path)?),
    };
    Ok(value)
}

/// Parses an awsQuery integer: an optional minus sign and decimal digits,
/// with no plus sign and no white space.
fn parse_integer(path: &str, text: &str) -> AwsResult<i64> {
    let reason = "the value must be an integer written in decimal digits, with an optional minus sign";
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(errors::invalid_parameter(path, text, reason));
    }
    text.parse().map_err(|_| errors::invalid_parameter(path, text, "the value is outside the 64-bit integer range"))
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// Writes the members of a serialized output structure as awsQuery XML.
pub fn write_xml(xml: &mut XmlWriter, members: &[Member], output: &Value) -> Result<(), AwsError> {
    let Value::Object(object) = output else {
        return Err(AwsError::internal("an SQS output did not serialize to a JSON object"));
    };
    for member in members {
        match object.get(member.json_name) {
            None | Some(Value::Null) => {}
            Some(value) => write_value(xml, member.xml_name, member.shape, value)?,
        }
    }
    Ok(())
}

fn write_value(xml: &mut XmlWriter, name: &str, shape: &Shape, value: &Value) -> Result<(), AwsError> {
    match (shape, value) {
        (Shape::String | Shape::Integer | Shape::Boolean, Value::String(text)) => {
            xml.element(name, text);
        }
        (Shape::String | Shape::Integer | Shape::Boolean, Value::Number(number)) => {
            xml.element(name, &number.to_string());
        }
        (Shape::String | Shape::Integer | Shape::Boolean, Value::Bool(flag)) => {
            xml.element(name, if *flag { "true" } else { "false" });
        }
        (Shape::List(item), Value::Array(items)) => {
            for element in items {
                write_value(xml, name, item, element)?;
            }
        }
        (
            Shape::Map {
                key,
                value: value_name,
                value_shape,
            },
            Value::Object(entries),
        ) => {
            for (entry_key, entry_value) in entries {
                xml.open(name);
                xml.element(key, entry_key);
                write_value(xml, value_name, value_shape, entry_value)?;
                xml.close(name);
            }
        }
        (Shape::Structure(members), Value::Object(_)) => {
            xml.open(name);
            write_xml(xml, members, value)?;
            xml.close(name);
        }
        (_, Value::Null) => {}
        (shape, value) => {
            return Err(AwsError::internal(format!(
                "the SQS output member {name} is {value} but its shape is {shape:?}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static ENTRY: Shape = Shape::Structure(&[
        Member::named("Id", &STRING),
        Member::named("DelaySeconds", &INTEGER),
        Member::new("MessageAttributes", "MessageAttribute", &ATTRIBUTE_MAP),
    ]);
    static ATTRIBUTE_VALUE: Shape = Shape::Structure(&[
        Member::named("StringValue", &STRING),
        Member::named("DataType", &STRING),
    ]);
    static ATTRIBUTE_MAP: Shape = Shape::Map {
        key: "Name",
        value: "Value",
        value_shape: &ATTRIBUTE_VALUE,
    };
    static ENTRIES: Shape = Shape::List(&ENTRY);
    static INPUT: &[Member] = &[
        Member::named("QueueUrl", &STRING),
        Member::new("Attributes", "Attribute", &NAME_VALUE_MAP),
        Member::new("AttributeNames", "AttributeName", &STRING_LIST),
        Member::new("Entries", "Entry", &ENTRIES),
    ];

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn query_decodes_flattened_members() {
        let params = params(&[
            ("Action", "X"),
            ("QueueUrl", "http://h/111111111111/q"),
            ("Attribute.2.Name", "DelaySeconds"),
            ("Attribute.2.Value", "5"),
            ("Attribute.1.Name", "VisibilityTimeout"),
            ("Attribute.1.Value", "60"),
            ("AttributeName.2", "B"),
            ("AttributeName.1", "A"),
            ("Entry.1.Id", "e1"),
            ("Entry.1.DelaySeconds", "3"),
            ("Entry.1.MessageAttribute.1.Name", "color"),
            ("Entry.1.MessageAttribute.1.Value.StringValue", "red"),
            ("Entry.1.MessageAttribute.1.Value.DataType", "String"),
        ]);
        let value = decode_query(&params, INPUT).expect("decodes");
        let expected = serde_json::json!({
            "QueueUrl": "http://h/111111111111/q",
            "Attributes": { "VisibilityTimeout": "60", "DelaySeconds": "5" },
            "AttributeNames": ["A", "B"],
            "Entries": [{
                "Id": "e1",
                "DelaySeconds": 3,
                "MessageAttributes": { "color": { "StringValue": "red", "DataType": "String" } }
            }]
        });
        assert_eq!(value, expected);
    }

    #[test]
    fn query_rejects_non_integer() {
        let params = params(&[("Entry.1.DelaySeconds", "soon")]);
        let error = decode_query(&params, INPUT).expect_err("not an integer");
        assert_eq!(error.code, "InvalidParameterValue");
        assert!(error.message.contains("Entry.1.DelaySeconds"), "{}", error.message);
        assert!(error.message.contains("soon"), "{}", error.message);
    }

    #[test]
    fn query_rejects_signed_or_padded_integer() {
        for text in ["+3", " 3", "3 ", "-"] {
            let params = params(&[("Entry.1.Id", "e1"), ("Entry.1.DelaySeconds", text)]);
            let error = decode_query(&params, INPUT).expect_err("not plain digits");
            assert!(error.message.contains("Entry.1.DelaySeconds"), "{text:?}: {}", error.message);
        }
        let params = params(&[("Entry.1.DelaySeconds", "-3")]);
        assert!(decode_query(&params, INPUT).is_ok(), "a minus sign is an integer; ranges are checked later");
    }

    #[test]
    fn query_rejects_repeated_scalar() {
        let params = params(&[("QueueUrl", "a"), ("QueueUrl", "b")]);
        let error = decode_query(&params, INPUT).expect_err("repeated");
        assert_eq!(error.code, "InvalidParameterValue");
        assert!(error.message.contains("QueueUrl"), "{}", error.message);
    }

    #[test]
    fn query_rejects_index_gap_and_bad_index() {
        let gap = params(&[("AttributeName.1", "A"), ("AttributeName.3", "C")]);
        let error = decode_query(&gap, INPUT).expect_err("gap");
        assert!(error.message.contains("AttributeName.2"), "{}", error.message);

        for index in ["0", "01", "18446744073709551616", "first"] {
            let name = format!("AttributeName.{index}");
            let bad = params(&[(name.as_str(), "A")]);
            let error = decode_query(&bad, INPUT).expect_err("bad index");
            assert!(error.message.contains(&name), "{index}: {}", error.message);
        }
    }

    #[test]
    fn query_map_entry_without_name_is_missing_parameter() {
        let params = params(&[("Attribute.1.Value", "60")]);
        let error = decode_query(&params, INPUT).expect_err("no name");
        assert_eq!(error.code, "MissingParameter");
        assert!(error.message.contains("Attribute.1.Name"), "{}", error.message);
    }

    #[test]
    fn xml_flattens_lists_and_maps() {
        let output = serde_json::json!({
            "Attributes": { "VisibilityTimeout": "60" },
            "AttributeNames": ["A", "B"],
            "Entries": [{ "Id": "e<1>" }]
        });
        let mut xml = XmlWriter::new();
        write_xml(&mut xml, INPUT, &output).expect("writes");
        assert_eq!(
            xml.finish(),
            "<Attribute><Name>VisibilityTimeout</Name><Value>60</Value></Attribute>\
             <AttributeName>A</AttributeName><AttributeName>B</AttributeName>\
             <Entry><Id>e&lt;1&gt;</Id></Entry>"
        );
    }
}
