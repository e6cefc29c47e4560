//! Policy variables: `${key}` placeholders filled from the request context.
//!
//! Under `Version` `2012-10-17`, a `${key}` in a `Resource` element or in a
//! string, ARN or Bool condition value is replaced with the value of that
//! context key; `${key, 'default'}` supplies a value for a missing key; and
//! `${*}`, `${?}` and `${$}` stand for the literal characters `*`, `?` and `$`
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>).
//! Substituted text is literal: a `*` in a user name does not become a
//! wildcard. A variable that cannot be resolved makes the statement it is in
//! not apply ("If AWS cannot resolve a variable, this might cause the entire
//! statement to be invalid").

use crate::context::Context;

/// A run of text after substitution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Text written in the policy, where `*` and `?` keep their wildcard meaning.
    Pattern(&'a str),
    /// Text that came from a variable, matched literally.
    Literal(String),
}

/// A variable whose key is absent from the context and that has no default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unresolved {
    /// The key as the policy wrote it.
    pub(crate) key: String,
}

/// Splits `text` into pattern runs and substituted literals, resolving each
/// `${...}` against `context`. A `${` without a closing `}` is plain text.
pub(crate) fn substitute<'a>(
    text: &'a str,
    context: &Context,
) -> Result<Vec<Piece<'a>>, Unresolved> {
    let mut pieces = Vec::new();
    let mut rest = text;

    while let Some(start) = rest.find("${") {
        let after_open = &rest[start + 2..];
        let Some(close) = after_open.find('}') else {
            break;
        };
        if start > 0 {
            pieces.push(Piece::Pattern(&rest[..start]));
        }
        pieces.push(Piece::Literal(resolve(&after_open[..close], context)?));
        rest = &after_open[close + 1..];
    }

    if !rest.is_empty() {
        pieces.push(Piece::Pattern(rest));
    }
    Ok(pieces)
}

/// Substitutes every variable in `text` and returns the resulting string,
/// for operators that compare whole strings.
pub(crate) fn substitute_text(text: &str, context: &Context) -> Result<String, Unresolved> {
    let pieces = substitute(text, context)?;
    let mut result = String::with_capacity(text.len());
    for piece in pieces {
        match piece {
            Piece::Pattern(run) => result.push_str(run),
            Piece::Literal(value) => result.push_str(&value),
        }
    }
    Ok(result)
}

/// Reports whether `text` contains a `${...}` placeholder.
pub(crate) fn has_variables(text: &str) -> bool {
    text.find("${")
        .is_some_and(|start| text[start + 2..].contains('}'))
}

/// Resolves the inside of one `${...}`.
fn resolve(inner: &str, context: &Context) -> Result<String, Unresolved> {
    let inner = inner.trim();
    match inner {
        "*" | "?" | "$" => return Ok(inner.to_owned()),
        _ => {}
    }

    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => (key.trim(), Some(unquote(default.trim()))),
        None => (inner, None),
    };

    if let Some(value) = context.variable_value(key) {
        return Ok(value);
    }
    default.map(str::to_owned).ok_or_else(|| Unresolved {
        key: key.to_owned(),
    })
}

/// Strips one pair of single quotes around a default value.
fn unquote(text: &str) -> &str {
    text.strip_prefix('\'')
        .and_then(|inner| inner.strip_suffix('\''))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bob() -> Context {
        Context::new().with("aws:username", "bob")
    }

    #[test]
    fn substitute_replaces_known_key() {
        let text = substitute_text("home/${aws:username}/*", &bob()).expect("resolvable");
        assert_eq!(text, "home/bob/*");
    }

    #[test]
    fn substitute_marks_values_literal() {
        let pieces = substitute("a${aws:username}b", &bob()).expect("resolvable");
        assert_eq!(
            pieces,
            vec![
                Piece::Pattern("a"),
                Piece::Literal("bob".into()),
                Piece::Pattern("b")
            ],
        );
    }

    #[test]
    fn substitute_uses_default_for_missing_key() {
        let text = substitute_text("${aws:userid, 'anonymous'}", &Context::new()).expect("default");
        assert_eq!(text, "anonymous");
    }

    #[test]
    fn substitute_reports_missing_key() {
        let error = substitute_text("${aws:userid}", &Context::new()).expect_err("unresolvable");
        assert_eq!(error.key, "aws:userid");
    }

    #[test]
    fn substitute_expands_special_characters() {
        let pieces = substitute("${*}${?}${$}", &Context::new()).expect("special variables");
        let literals: Vec<_> = pieces
            .into_iter()
            .map(|piece| match piece {
                Piece::Literal(text) => text,
                Piece::Pattern(run) => panic!("unexpected pattern run {run:?}"),
            })
            .collect();
        assert_eq!(literals, ["*", "?", "$"]);
    }

    #[test]
    fn substitute_keeps_unclosed_brace() {
        let text = substitute_text("a${b", &Context::new()).expect("no variable");
        assert_eq!(text, "a${b");
    }
}
