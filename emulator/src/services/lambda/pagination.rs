//! `Marker` and `MaxItems` paging for the Lambda list operations
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html>,
//! `ListVersionsByFunction`, `ListAliases`, `ListLayers`, `ListLayerVersions`).
//!
//! Each list operation builds its items in a fixed order, each with a sort
//! key that rises along that order. A page ends after `MaxItems` items, and
//! `NextMarker` is an opaque token that encodes the sort key of the page's
//! last item. The next page starts at the first item whose key is greater,
//! so an item deleted between two calls never makes a page repeat or skip
//! the items that remain.

use base64::Engine as _;
use serde_json::Value;

use super::{LambdaRequest, errors};
use crate::error::AwsResult;

/// The page size when the request gives no `MaxItems`.
pub const DEFAULT_MAX_ITEMS: usize = 50;

/// The largest `MaxItems` accepted, from the ListFunctions reference.
/// NOTE: unverified whether ListLayers and ListLayerVersions accept the same range; their references give no range.
pub const MAX_ITEMS_LIMIT: usize = 10_000;

/// The largest page ListFunctions and ListVersionsByFunction return, even
/// for a larger `MaxItems`, as their references state.
pub const MAX_FUNCTION_PAGE: usize = 50;

/// The prefix every marker carries before encoding, so a marker from another
/// source fails to decode instead of being read as a sort key.
const MARKER_PREFIX: &str = "crosscheck-lambda-marker:";

/// A validated `Marker` and `MaxItems` pair.
#[derive(Debug, Clone)]
pub struct PageRequest {
    /// The sort key of the last item of the previous page, or `None` for the first page.
    after: Option<String>,
    max_items: usize,
}

/// One page of items, with the marker of the next page when more remain.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Value>,
    pub next_marker: Option<String>,
}

impl PageRequest {
    /// Reads `Marker` and `MaxItems` from the query string. A page never
    /// contains more than `page_limit` items.
    pub fn from_request(request: &LambdaRequest<'_>, page_limit: usize) -> AwsResult<PageRequest> {
        let max_items = match request.param("MaxItems") {
            None => DEFAULT_MAX_ITEMS,
            Some(text) => parse_max_items(text)?,
        };
        let after = request.param("Marker").filter(|marker| !marker.is_empty()).map(decode_marker).transpose()?;
        Ok(PageRequest { after, max_items: max_items.min(page_limit) })
    }

    /// Cuts one page out of `items`, which must be sorted by their key in ascending order.
    pub fn page(&self, items: Vec<(String, Value)>) -> Page {
        let mut remaining = items
            .into_iter()
            .filter(|(key, _)| self.after.as_deref().is_none_or(|after| key.as_str() > after))
            .peekable();
        let mut page = Vec::new();
        let mut last_key = None;
        while page.len() < self.max_items {
            let Some((key, value)) = remaining.next() else {
                break;
            };
            page.push(value);
            last_key = Some(key);
        }
        let next_marker = if remaining.peek().is_some() { last_key.map(|key| encode_marker(&key)) } else { None };
        Page { items: page, next_marker }
    }
}

/// Parses `MaxItems`: a whole number between 1 and [`MAX_ITEMS_LIMIT`].
/// NOTE: unverified whether AWS reports an out-of-range value as
/// InvalidParameterValueException or as ValidationException.
fn parse_max_items(text: &str) -> AwsResult<usize> {
    match text.parse::<i64>() {
        Ok(value) if (1..=MAX_ITEMS_LIMIT as i64).contains(&value) => Ok(usize::try_from(value).unwrap_or(1)),
        _ => Err(errors::invalid_parameter(format!(
            "MaxItems value {text} is invalid: it must be a whole number between 1 and {MAX_ITEMS_LIMIT}."
        ))),
    }
}

fn encode_marker(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{MARKER_PREFIX}{key}"))
}

/// Decodes a marker this module issued.
/// NOTE: unverified which message AWS returns for a marker it did not issue; the code follows the API reference's
/// InvalidParameterValueException for invalid parameters.
fn decode_marker(marker: &str) -> AwsResult<String> {
    let invalid = || {
        errors::invalid_parameter(format!(
            "Marker {marker} is invalid: it is not a marker a previous list call returned."
        ))
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(marker).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix(MARKER_PREFIX).map(str::to_owned).ok_or_else(invalid)
}

/// Returns a sort key for a version number that orders numerically as text.
pub fn number_key(number: u64) -> String {
    format!("{number:020}")
}

/// Returns a sort key for a version number that orders from the highest number down.
pub fn descending_number_key(number: u64) -> String {
    number_key(u64::MAX - number)
}

/// Adds `NextMarker` to a list response when more items remain.
pub fn insert_next_marker(body: &mut Value, page: &Page) {
    if let Some(marker) = &page.next_marker {
        body["NextMarker"] = Value::String(marker.clone());
    }
}
