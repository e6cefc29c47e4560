//! GetRandomPassword: a random password from the operating system's random
//! number generator, with every parameter of the API: PasswordLength (1 to
//! 4096, 32 by default), ExcludeCharacters, ExcludeNumbers,
//! ExcludePunctuation, ExcludeUppercase, ExcludeLowercase, IncludeSpace and
//! RequireEachIncludedType (true by default).

use rand::TryRngCore as _;
use rand::rngs::OsRng;
use rand::seq::{IndexedRandom as _, SliceRandom as _};

use super::model::{GetRandomPasswordInput, GetRandomPasswordOutput};
use super::{SecretsManager, errors};
use crate::error::AwsResult;
use crate::http::RequestContext;

/// The punctuation characters a password may contain.
const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
/// The maximum password length, in characters.
const MAX_LENGTH: i64 = 4096;

/// Builds a password of `length` characters from the character classes
/// `input` leaves in, with one of each class first when it requires each.
pub fn random_password(input: &GetRandomPasswordInput) -> AwsResult<String> {
    let length = input.password_length.unwrap_or(32);
    if !(1..=MAX_LENGTH).contains(&length) {
        return Err(errors::validation(
            "passwordLength",
            &format!("Member must have value between 1 and {MAX_LENGTH} (the value is {length})"),
        ));
    }
    let length = usize::try_from(length)
        .map_err(|_| errors::invalid_parameter(format!("PasswordLength {length} is not valid.")))?;
    let excluded = input.exclude_characters.as_deref().unwrap_or_default();
    let excluded_length = excluded.chars().count();
    if excluded_length > 4096 {
        return Err(errors::validation(
            "excludeCharacters",
            &format!("Member must have length less than or equal to 4096 (the value has {excluded_length} characters)"),
        ));
    }

    let mut classes: Vec<Vec<char>> = Vec::new();
    let mut add = |skip: Option<bool>, characters: &mut dyn Iterator<Item = char>| {
        if !skip.unwrap_or(false) {
            let allowed: Vec<char> = characters.filter(|character| !excluded.contains(*character)).collect();
            classes.push(allowed);
        }
    };
    add(input.exclude_lowercase, &mut ('a'..='z'));
    add(input.exclude_uppercase, &mut ('A'..='Z'));
    add(input.exclude_numbers, &mut ('0'..='9'));
    add(input.exclude_punctuation, &mut PUNCTUATION.chars());
    add(input.include_space.map(|include| !include).or(Some(true)), &mut std::iter::once(' '));

    let require_each = input.require_each_included_type.unwrap_or(true);
    if require_each && let Some(empty) = classes.iter().position(Vec::is_empty) {
        return Err(errors::invalid_parameter(format!(
            "ExcludeCharacters removes every character of included character type {}; exclude that type instead.",
            ["lowercase", "uppercase", "numbers", "punctuation", "space"].get(empty).copied().unwrap_or("?")
        )));
    }
    classes.retain(|class| !class.is_empty());
    if classes.is_empty() {
        return Err(errors::invalid_parameter("The request excludes every character, so no password can be built."));
    }
    if require_each && length < classes.len() {
        return Err(errors::invalid_parameter(format!(
            "PasswordLength {length} is shorter than the {} character types that RequireEachIncludedType requires.",
            classes.len()
        )));
    }

    let mut rng = OsRng.unwrap_err();
    let pool: Vec<char> = classes.concat();
    let mut password: Vec<char> = Vec::with_capacity(length);
    if require_each {
        for class in &classes {
            password.extend(class.choose(&mut rng));
        }
    }
    while password.len() < length {
        password.extend(pool.choose(&mut rng));
    }
    password.shuffle(&mut rng);
    Ok(password.into_iter().collect())
}

impl SecretsManager {
    pub(super) fn get_random_password(
        &self,
        _context: &RequestContext,
        input: GetRandomPasswordInput,
    ) -> AwsResult<GetRandomPasswordOutput> {
        Ok(GetRandomPasswordOutput { random_password: random_password(&input)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_has_each_included_type() {
        let input =
            GetRandomPasswordInput { password_length: Some(4), exclude_punctuation: Some(true), ..Default::default() };
        for _ in 0..50 {
            let password = random_password(&input).expect("a password");
            assert_eq!(password.chars().count(), 4);
            assert!(password.chars().any(|c| c.is_ascii_lowercase()), "{password} lacks a lowercase letter");
            assert!(password.chars().any(|c| c.is_ascii_uppercase()), "{password} lacks an uppercase letter");
            assert!(password.chars().any(|c| c.is_ascii_digit()), "{password} lacks a digit");
        }
    }

    #[test]
    fn password_honours_exclusions() {
        let input = GetRandomPasswordInput {
            password_length: Some(200),
            exclude_characters: Some("abcXYZ019".into()),
            exclude_punctuation: Some(true),
            ..Default::default()
        };
        let password = random_password(&input).expect("a password");
        assert!(!password.chars().any(|c| "abcXYZ019".contains(c)), "{password}");
        assert!(!password.chars().any(|c| PUNCTUATION.contains(c)), "{password}");
        assert!(!password.contains(' '), "{password}");
    }

    #[test]
    fn password_rejects_impossible_requests() {
        let everything = GetRandomPasswordInput {
            exclude_lowercase: Some(true),
            exclude_uppercase: Some(true),
            exclude_numbers: Some(true),
            exclude_punctuation: Some(true),
            ..Default::default()
        };
        assert_eq!(random_password(&everything).expect_err("nothing left").code, "InvalidParameterException");

        let too_short = GetRandomPasswordInput { password_length: Some(3), ..Default::default() };
        assert_eq!(random_password(&too_short).expect_err("four types").code, "InvalidParameterException");

        let too_long = GetRandomPasswordInput { password_length: Some(4097), ..Default::default() };
        assert_eq!(random_password(&too_long).expect_err("over 4096").code, "ValidationException");
    }
}
