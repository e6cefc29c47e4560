//! Wildcard matching of actions, resources, `StringLike` and `ArnLike` values.
//!
//! In policies `*` matches any run of characters, empty included, and `?`
//! matches exactly one character; every other character matches itself.
//! AWS applies this in three ways:
//!
//! - actions: the prefix and the action name are case-insensitive
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>);
//! - resources and `StringLike`: case-sensitive, over the whole string, so a
//!   `*` can cross `:` and `/`
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>);
//! - `ArnLike` and `ArnEquals`: each of the six colon-delimited ARN components
//!   is matched on its own, so a wildcard cannot cross the first five `:`
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN>).

use crate::variables::Piece;

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    /// A character that matches itself.
    Char(char),
    /// `*`: any run of characters.
    AnyRun,
    /// `?`: any one character.
    AnyOne,
}

/// Whether letter case matters when comparing characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Sensitive,
    Insensitive,
}

/// Reports whether `action` (such as `sqs:SendMessage`) matches the action
/// pattern `pattern` (such as `SQS:Send*`), ignoring letter case.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob(&compile(pattern), action, Case::Insensitive)
}

/// Reports whether `resource` matches the resource pattern `pattern`,
/// case-sensitively over the whole string. Policy variables are not
/// substituted here; [`crate::evaluate`] does that with the request context.
pub fn resource_matches(pattern: &str, resource: &str) -> bool {
    glob(&compile(pattern), resource, Case::Sensitive)
}

/// Reports whether `arn` matches `pattern` as `ArnLike` does: both must have
/// six colon-delimited components (the last one may contain further colons),
/// and each component matches on its own, case-sensitively.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    arn_glob(&compile(pattern), arn)
}

/// Compiles pattern text, where `*` and `?` are wildcards.
pub(crate) fn compile(pattern: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(pattern.len());
    push_pattern(&mut tokens, pattern);
    tokens
}

/// Compiles substituted pieces: wildcards in pattern runs, literal text in
/// substituted values.
pub(crate) fn compile_pieces(pieces: &[Piece<'_>]) -> Vec<Token> {
    let mut tokens = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Pattern(run) => push_pattern(&mut tokens, run),
            Piece::Literal(text) => tokens.extend(text.chars().map(Token::Char)),
        }
    }
    tokens
}

fn push_pattern(tokens: &mut Vec<Token>, pattern: &str) {
    for character in pattern.chars() {
        tokens.push(match character {
            '*' => Token::AnyRun,
            '?' => Token::AnyOne,
            other => Token::Char(other),
        });
    }
}

/// Matches `text` against a compiled pattern.
///
/// Walks both left to right and, on a mismatch, retries from the most recent
/// `*` with that `*` swallowing one more character, which is enough because
/// any earlier `*` could only swallow less. The cost is at most
/// pattern length × text length steps.
pub(crate) fn glob(tokens: &[Token], text: &str, case: Case) -> bool {
    let text: Vec<char> = text.chars().collect();
    let mut token_index = 0;
    let mut text_index = 0;
    let mut last_star: Option<(usize, usize)> = None;

    while text_index < text.len() {
        let current = text[text_index];
        match tokens.get(token_index) {
            Some(Token::AnyRun) => {
                token_index += 1;
                last_star = Some((token_index, text_index));
                continue;
            }
            Some(Token::AnyOne) => {
                token_index += 1;
                text_index += 1;
                continue;
            }
            Some(Token::Char(expected)) if chars_equal(*expected, current, case) => {
                token_index += 1;
                text_index += 1;
                continue;
            }
            _ => {}
        }

        let Some((resume_token, star_text)) = last_star else {
            return false;
        };
        token_index = resume_token;
        text_index = star_text + 1;
        last_star = Some((resume_token, text_index));
    }

    tokens[token_index..]
        .iter()
        .all(|token| *token == Token::AnyRun)
}

/// Matches `arn` against a compiled ARN pattern component by component.
///
/// NOTE: AWS does not document what `ArnLike` does with a pattern of fewer
/// than six components, such as `"*"` alone; here it matches nothing.
pub(crate) fn arn_glob(tokens: &[Token], arn: &str) -> bool {
    let pattern_parts = split_tokens(tokens);
    let arn_parts: Vec<&str> = arn.splitn(6, ':').collect();
    if pattern_parts.len() != 6 || arn_parts.len() != 6 {
        return false;
    }
    pattern_parts
        .iter()
        .zip(arn_parts)
        .all(|(pattern, part)| glob(pattern, part, Case::Sensitive))
}

/// Splits a compiled pattern at its first five `:` characters.
fn split_tokens(tokens: &[Token]) -> Vec<&[Token]> {
    let mut parts = Vec::with_capacity(6);
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        if parts.len() == 5 {
            break;
        }
        if *token == Token::Char(':') {
            parts.push(&tokens[start..index]);
            start = index + 1;
        }
    }
    parts.push(&tokens[start..]);
    parts
}

fn chars_equal(expected: char, actual: char, case: Case) -> bool {
    expected == actual
        || (case == Case::Insensitive && expected.to_lowercase().eq(actual.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_matches_ignores_case() {
        assert!(
            action_matches("SQS:send*", "sqs:SendMessage"),
            "prefix and name in another case"
        );
        assert!(
            !action_matches("sqs:Send*", "sqs:ReceiveMessage"),
            "different action"
        );
    }

    #[test]
    fn resource_matches_is_case_sensitive() {
        assert!(
            resource_matches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b"),
            "star crosses slashes"
        );
        assert!(
            !resource_matches("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a"),
            "case differs"
        );
    }

    #[test]
    fn question_mark_matches_one_character() {
        assert!(resource_matches("queue-?", "queue-1"), "one character");
        assert!(!resource_matches("queue-?", "queue-"), "no character");
        assert!(!resource_matches("queue-?", "queue-12"), "two characters");
    }

    #[test]
    fn star_matches_empty_run() {
        assert!(resource_matches("a*b", "ab"), "empty run");
        assert!(resource_matches("*", ""), "star alone matches empty text");
    }

    #[test]
    fn arn_matches_stops_wildcards_at_colons() {
        let pattern = "arn:aws:someservice:*:111122223333:finance/*";
        let value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        assert!(
            resource_matches(pattern, value),
            "a whole-string match crosses colons"
        );
        assert!(!arn_matches(pattern, value), "an ARN match does not");
        assert!(
            arn_matches(
                pattern,
                "arn:aws:someservice:us-east-2:111122223333:finance/a:b"
            ),
            "the resource component may contain colons",
        );
    }

    #[test]
    fn arn_matches_needs_six_components() {
        assert!(
            !arn_matches("*", "arn:aws:sqs:us-east-1:111122223333:queue"),
            "pattern too short"
        );
        assert!(
            !arn_matches("arn:aws:sqs:*:*:*", "arn:aws:sqs"),
            "value too short"
        );
    }
}
