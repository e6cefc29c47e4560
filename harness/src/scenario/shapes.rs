//! Checks of inputs, expected responses and capture paths against the
//! shapes the driver declares ([`crate::driver::shape`]), with positions.
//!
//! The scenario and catalog loaders call these after reading a value, so a
//! nested typo or a value of the wrong type is a load error that names the
//! file, line, column and key path, such as
//! `step 2: input.Entries[0].DelaySecond`, before any step runs.

use marked_yaml::{Node, Span};
use serde_json::Value;

use super::load::Loader;
use super::{Capture, Expectation, ExpectedOutcome};
use crate::driver::Operation;
use crate::driver::shape::{self, PathStep, Place, Rules, Shape, ShapeError};
use crate::yaml::{LoadResult, join};

impl Loader<'_> {
    /// Checks an input as written against the operation's input shape;
    /// `node` is the `input` mapping and `value` its JSON.
    pub(crate) fn check_input(&self, node: &Node, value: &Value, operation: &Operation, key: &str) -> LoadResult<()> {
        shape::check_structure(value, operation.input, Rules::WRITTEN_INPUT)
            .map_err(|error| self.shape_error(node, &error, key, None))
    }

    /// Checks an expected response (an `ok` subset or a catalog `response`)
    /// against the operation's output shape. `applies_to` names the
    /// operation in the message when the subset is written for many.
    pub(crate) fn check_expected_response(
        &self,
        node: &Node,
        value: &Value,
        operation: &Operation,
        key: &str,
        applies_to: Option<&str>,
    ) -> LoadResult<()> {
        shape::check_structure(value, operation.output, Rules::EXPECTED_OUTPUT)
            .map_err(|error| self.shape_error(node, &error, key, applies_to))
    }

    /// Checks the `ok` subset of an expectation read from `node`, if it has
    /// one, against the operation's output shape.
    pub(crate) fn check_expected_subset(
        &self,
        node: &Node,
        expectation: &Expectation,
        operation: &Operation,
        key: &str,
        applies_to: Option<&str>,
    ) -> LoadResult<()> {
        let ExpectedOutcome::Ok(Some(subset)) = &expectation.outcome else {
            return Ok(());
        };
        let Some(ok_node) = node.as_mapping().and_then(|mapping| mapping.get_node("ok")) else {
            return Ok(());
        };
        self.check_expected_response(ok_node, subset, operation, &join(key, "ok"), applies_to)
    }

    /// Checks each capture path of a `capture` mapping against the operation's output shape.
    pub(crate) fn check_captures(
        &self,
        node: &Node,
        captures: &[Capture],
        operation: &Operation,
        key: &str,
    ) -> LoadResult<()> {
        for capture in captures {
            if let Err(message) = capture.path.resolve_shape(Shape::Structure(operation.output)) {
                let span = node
                    .as_mapping()
                    .and_then(|mapping| mapping.get_node(&capture.variable))
                    .map_or(node.span(), Node::span);
                return Err(self.yaml.error(span, &join(key, &capture.variable), message));
            }
        }
        Ok(())
    }

    fn shape_error(
        &self,
        node: &Node,
        error: &ShapeError,
        key: &str,
        applies_to: Option<&str>,
    ) -> crate::scenario::LoadError {
        let span = locate(node, &error.path, error.place);
        let message = match applies_to {
            Some(call) => format!("{} (this expectation applies to {call})", error.message),
            None => error.message.clone(),
        };
        let path = error.path_text();
        let key = if path.is_empty() { key.to_owned() } else { join(key, &path) };
        self.yaml.error(span, &key, message)
    }
}

/// Finds the node a shape error's path leads to: the key of the last member
/// for [`Place::Key`], its value otherwise. Stops at the deepest node found.
fn locate<'n>(node: &'n Node, path: &[PathStep], place: Place) -> &'n Span {
    let mut current = node;
    for (position, step) in path.iter().enumerate() {
        let last = position + 1 == path.len();
        match (step, current) {
            (PathStep::Member(name), Node::Mapping(mapping)) => {
                let Some((member, value)) = mapping.iter().find(|(member, _)| member.as_str() == name) else {
                    break;
                };
                if last && place == Place::Key {
                    return member.span();
                }
                current = value;
            }
            (PathStep::Index(index), Node::Sequence(items)) => match items.get(*index) {
                Some(item) => current = item,
                None => break,
            },
            _ => break,
        }
    }
    current.span()
}
