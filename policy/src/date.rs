//! Date and time values for the `Date*` condition operators.
//!
//! Policies write dates in one of the W3C profiles of ISO 8601
//! (<https://www.w3.org/TR/NOTE-datetime>) or as epoch (UNIX) seconds, as the
//! date operators section of
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! requires. Values are compared as nanoseconds since the epoch, UTC.

use std::time::{SystemTime, UNIX_EPOCH};

/// Nanoseconds since 1970-01-01T00:00:00Z; negative before it.
pub(crate) type EpochNanos = i128;

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Parses a W3C date-time (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
/// `YYYY-MM-DDThh:mm[:ss[.s]]TZD`) or epoch seconds (`1700000000`, `1700000000.5`).
///
/// A time without a zone designator is read as UTC. Returns `None` for
/// anything else, including impossible dates such as `2023-02-30`.
pub(crate) fn parse(text: &str) -> Option<EpochNanos> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    // Four digits alone are a year (the `YYYY` profile), not epoch seconds.
    if text
        .bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b'.')
        && text.len() != 4
    {
        return parse_epoch_seconds(text);
    }
    parse_w3c(text)
}

/// Converts a `SystemTime` to nanoseconds since the epoch.
pub(crate) fn from_system_time(time: SystemTime) -> EpochNanos {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

/// Formats a timestamp as RFC 3339 in UTC, with fractional seconds only when
/// they are not zero.
pub(crate) fn format(nanos: EpochNanos) -> String {
    let seconds = nanos.div_euclid(NANOS_PER_SECOND);
    let fraction = nanos.rem_euclid(NANOS_PER_SECOND);
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let hour = second_of_day / 3600;
    let minute = (second_of_day % 3600) / 60;
    let second = second_of_day % 60;
    if fraction == 0 {
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
    } else {
        let digits = format!("{fraction:09}");
        let digits = digits.trim_end_matches('0');
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{digits}Z")
    }
}

fn parse_epoch_seconds(text: &str) -> Option<EpochNanos> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    if whole.is_empty() || whole.len() > 18 || fraction.contains('.') {
        return None;
    }
    let seconds: i128 = whole.parse().ok()?;
    Some(seconds * NANOS_PER_SECOND + parse_fraction(fraction)?)
}

/// Parses the digits after a decimal point as nanoseconds, ignoring digits
/// past the ninth.
fn parse_fraction(digits: &str) -> Option<i128> {
    if !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let mut nanos: i128 = 0;
    for position in 0..9 {
        let digit = digits
            .as_bytes()
            .get(position)
            .map_or(0, |byte| i128::from(byte - b'0'));
        nanos = nanos * 10 + digit;
    }
    Some(nanos)
}

fn parse_w3c(text: &str) -> Option<EpochNanos> {
    let (date_part, time_part) = match text.find(['T', 't']) {
        Some(position) => (&text[..position], Some(&text[position + 1..])),
        None => (text, None),
    };

    let mut fields = date_part.split('-');
    let year = parse_digits(fields.next()?, 4)?;
    let month = fields
        .next()
        .map(|field| parse_digits(field, 2))
        .unwrap_or(Some(1))?;
    let day = fields
        .next()
        .map(|field| parse_digits(field, 2))
        .unwrap_or(Some(1))?;
    if fields.next().is_some()
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
    {
        return None;
    }
    let days = days_from_civil(year, month, day);

    let seconds_of_day = match time_part {
        None => 0,
        Some(time) => parse_time_of_day(time)?,
    };
    Some(days * 86_400 * NANOS_PER_SECOND + seconds_of_day)
}

/// Parses `hh:mm[:ss[.s]]TZD` into nanoseconds after midnight UTC; the
/// result may fall outside the day when the zone offset moves it.
fn parse_time_of_day(time: &str) -> Option<i128> {
    let (clock, offset_seconds) = split_zone(time)?;

    let mut fields = clock.split(':');
    let hour = parse_digits(fields.next()?, 2)?;
    let minute = parse_digits(fields.next()?, 2)?;
    let (second, fraction) = match fields.next() {
        None => (0, 0),
        Some(field) => {
            let (whole, fraction) = field.split_once('.').unwrap_or((field, ""));
            if field.contains('.') && fraction.is_empty() {
                return None;
            }
            (parse_digits(whole, 2)?, parse_fraction(fraction)?)
        }
    };
    if fields.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let local = (hour * 3600 + minute * 60 + second) * NANOS_PER_SECOND + fraction;
    Some(local - offset_seconds * NANOS_PER_SECOND)
}

/// Splits a time into its clock part and its zone offset in seconds east of UTC.
fn split_zone(time: &str) -> Option<(&str, i128)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let Some(position) = time.rfind(['+', '-']) else {
        return Some((time, 0));
    };
    let (clock, zone) = time.split_at(position);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let (hours, minutes) = zone.get(1..)?.split_once(':')?;
    let hours = parse_digits(hours, 2)?;
    let minutes = parse_digits(minutes, 2)?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((clock, sign * (hours * 3600 + minutes * 60)))
}

fn parse_digits(field: &str, width: usize) -> Option<i128> {
    if field.len() != width || !field.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    field.parse().ok()
}

fn is_leap_year(year: i128) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i128, month: i128) -> i128 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Counts days from 1970-01-01 to a proleptic Gregorian date. The calendar
/// is shifted to start in March, so the leap day falls at the end of a year.
fn days_from_civil(year: i128, month: i128, day: i128) -> i128 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Inverts [`days_from_civil`].
fn civil_from_days(days: i128) -> (i128, i128, i128) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i128::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i128 = 86_400 * NANOS_PER_SECOND;

    #[test]
    fn parse_reads_every_w3c_profile() {
        let cases = [
            ("1970", 0),
            ("1970-02", 31 * DAY),
            ("1970-01-02", DAY),
            ("1970-01-01T01:00Z", 3600 * NANOS_PER_SECOND),
            ("1970-01-01T00:00:30Z", 30 * NANOS_PER_SECOND),
            ("1970-01-01T00:00:00.25Z", NANOS_PER_SECOND / 4),
            ("1970-01-01T01:00:00+01:00", 0),
            ("1969-12-31T23:00:00-01:00", 0),
            ("1970-01-01T00:00:10", 10 * NANOS_PER_SECOND),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Some(expected), "parsing {text}");
        }
    }

    #[test]
    fn parse_reads_epoch_seconds() {
        assert_eq!(parse("86400"), Some(DAY), "whole seconds");
        assert_eq!(
            parse("1.5"),
            Some(NANOS_PER_SECOND * 3 / 2),
            "fractional seconds"
        );
    }

    #[test]
    fn parse_rejects_impossible_dates() {
        for text in [
            "2023-02-29",
            "2023-13-01",
            "2023-01-01T24:00Z",
            "yesterday",
            "",
            "2023-01-01T10Z",
        ] {
            assert_eq!(parse(text), None, "parsing {text:?}");
        }
        assert!(parse("2024-02-29").is_some(), "2024 is a leap year");
    }

    #[test]
    fn format_round_trips_through_parse() {
        for text in [
            "2020-02-29T12:34:56Z",
            "1900-03-01T00:00:00Z",
            "2000-01-01T00:00:00.5Z",
        ] {
            let nanos = parse(text).expect("valid date");
            assert_eq!(format(nanos), text, "formatting {text}");
        }
    }
}
