//! The awsQuery protocol: form-encoded parameters in, XML out.
//!
//! A request carries `Action`, `Version` and the operation's members as
//! `Name=value` pairs, with lists and maps flattened into numbered names
//! (`AttributeName.1`, `Attribute.1.Name`, `Attribute.1.Value`). A response is
//! `<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>` and an
//! error is `<ErrorResponse><Error><Type/><Code/><Message/></Error>`
//! (<https://smithy.io/2.0/aws/protocols/aws-query-protocol.html>).
//!
//! This module reads parameters and writes XML; turning parameters into an
//! operation's input shape is each service's job, because only it knows which
//! members are lists and maps.

use std::fmt::Write as _;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::Full;

use super::HttpResponse;
use crate::error::AwsError;

/// Decodes the query string and a form body into one parameter list, query first.
pub fn parse_params(query: &str, body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .chain(form_urlencoded::parse(body))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// Returns the first value of parameter `name`.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Escapes text for an XML element or attribute value.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\r' => escaped.push_str("&#xD;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A small XML builder for response documents.
#[derive(Debug, Default)]
pub struct XmlWriter {
    buffer: String,
}

impl XmlWriter {
    pub fn new() -> XmlWriter {
        XmlWriter::default()
    }

    /// Writes `<name>text</name>` with `text` escaped.
    pub fn element(&mut self, name: &str, text: &str) -> &mut Self {
        let _ = write!(self.buffer, "<{name}>{}</{name}>", escape(text));
        self
    }

    /// Opens `<name>`.
    pub fn open(&mut self, name: &str) -> &mut Self {
        let _ = write!(self.buffer, "<{name}>");
        self
    }

    /// Closes `</name>`.
    pub fn close(&mut self, name: &str) -> &mut Self {
        let _ = write!(self.buffer, "</{name}>");
        self
    }

    pub fn finish(self) -> String {
        self.buffer
    }
}

/// Builds a 200 response: `<{action}Response xmlns=..><{action}Result>{result}</..>`.
/// `result_xml` is the already-escaped content of the result element; when it
/// is empty the result element is left out, as AWS does for operations without output.
pub fn ok_response(action: &str, xml_namespace: &str, result_xml: &str, request_id: &str) -> HttpResponse {
    if result_xml.is_empty() {
        return response_document(action, xml_namespace, "", request_id);
    }
    ok_response_with_result(action, xml_namespace, result_xml, request_id)
}

/// Builds a success response that contains the `<{action}Result>` element
/// even when `result_xml` is empty. Some operations with an empty output
/// still name a result wrapper in their service model, and botocore fails
/// on a response without it (SNS TagResource and UntagResource in botocore 1.43.11).
pub fn ok_response_with_result(action: &str, xml_namespace: &str, result_xml: &str, request_id: &str) -> HttpResponse {
    let result = format!("<{action}Result>{result_xml}</{action}Result>");
    response_document(action, xml_namespace, &result, request_id)
}

fn response_document(action: &str, xml_namespace: &str, result: &str, request_id: &str) -> HttpResponse {
    let body = format!(
        "<?xml version=\"1.0\"?><{action}Response xmlns=\"{xml_namespace}\">{result}\
         <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
        escape(request_id)
    );
    xml(StatusCode::OK, body, request_id)
}

/// Builds the `ErrorResponse` document for `error`.
pub fn error_response(error: &AwsError, request_id: &str) -> HttpResponse {
    let body = format!(
        "<?xml version=\"1.0\"?><ErrorResponse><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message><Detail/></Error>\
         <RequestId>{}</RequestId></ErrorResponse>",
        error.fault.as_str(),
        escape(error.wire_query_code()),
        escape(&error.message),
        escape(request_id)
    );
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    xml(status, body, request_id)
}

fn xml(status: StatusCode, body: String, request_id: &str) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_join_query_and_body() {
        let params = parse_params("Action=ListQueues", b"QueueNamePrefix=a%20b&Version=2012-11-05");
        assert_eq!(param(&params, "Action"), Some("ListQueues"));
        assert_eq!(param(&params, "QueueNamePrefix"), Some("a b"));
        assert_eq!(param(&params, "Missing"), None);
    }

    #[test]
    fn escape_covers_markup_characters() {
        assert_eq!(escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    }

    #[test]
    fn error_response_uses_query_code() {
        let error = AwsError::sender("QueueDoesNotExist", 400, "The specified queue does not exist.")
            .with_query_code("AWS.SimpleQueueService.NonExistentQueue");
        let response = error_response(&error, "req-1");
        assert_eq!(response.status(), 400);
    }
}
