//! What makes a valid working day, time zone, daily window or holiday, and
//! the messages that say why a value is not. Shared by `BusinessHours::new`
//! and the YAML form (`serde_glue`), so code and configuration cannot
//! disagree about what is valid.

use chrono::{NaiveDate, Weekday};
use chrono_tz::{Tz, TZ_VARIANTS};

/// Minutes in a day; "24:00" is allowed as the end of a window.
const MINUTES_PER_DAY: u16 = 1_440;

const DAY_NAMES: [(&str, &str, Weekday); 7] = [
    ("mon", "monday", Weekday::Mon),
    ("tue", "tuesday", Weekday::Tue),
    ("wed", "wednesday", Weekday::Wed),
    ("thu", "thursday", Weekday::Thu),
    ("fri", "friday", Weekday::Fri),
    ("sat", "saturday", Weekday::Sat),
    ("sun", "sunday", Weekday::Sun),
];

pub(super) fn weekday_name(day: Weekday) -> &'static str {
    DAY_NAMES[day.num_days_from_monday() as usize].0
}

pub(super) fn parse_day(text: &str) -> Result<Weekday, String> {
    let lower = text.trim().to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .find(|(short, long, _)| lower == *short || lower == *long)
        .map(|&(_, _, day)| day)
        .ok_or_else(|| format!("`{text}` is not a day; use mon, tue, wed, thu, fri, sat or sun"))
}

/// Checks the working days (as written, and parsed) and puts them in
/// Monday-first order so equal calendars compare equal.
pub(super) fn check_days(
    days: impl IntoIterator<Item = (String, Weekday)>,
) -> Result<Vec<Weekday>, String> {
    let mut seen: Vec<Weekday> = Vec::with_capacity(7);
    for (text, day) in days {
        if seen.contains(&day) {
            return Err(format!(
                "`{text}` is listed twice in business_hours.days; name each working day once"
            ));
        }
        seen.push(day);
    }
    if seen.is_empty() {
        return Err(
            "business_hours.days is empty; list the working days, e.g. [mon, tue, wed, thu, fri]"
                .to_owned(),
        );
    }
    seen.sort_by_key(|day| day.num_days_from_monday());
    Ok(seen)
}

pub(super) fn parse_timezone(text: &str) -> Result<Tz, String> {
    let name = text.trim();
    name.parse::<Tz>().map_err(|_| {
        match TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
        {
            Some(tz) => format!(
                "unknown time zone `{text}`; IANA names are case-sensitive: did you mean {}?",
                tz.name()
            ),
            None => format!(
                "unknown time zone `{text}`; use an IANA name such as Europe/London or America/New_York"
            ),
        }
    })
}

fn format_clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub(super) fn format_window((start, end): (u16, u16)) -> String {
    format!("{}-{}", format_clock(start), format_clock(end))
}

/// Reads `H:MM` or `HH:MM` into (hours, minutes), without range checks.
fn parse_clock(text: &str) -> Option<(u16, u16)> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours) || hours.len() > 2 || !digits(minutes) || minutes.len() != 2 {
        return None;
    }
    Some((hours.parse().ok()?, minutes.parse().ok()?))
}

pub(super) fn parse_window(text: &str) -> Result<(u16, u16), String> {
    let not_a_range = || format!("`{text}` is not a time range; write e.g. 09:00-17:30");
    let (start, end) = text.split_once('-').ok_or_else(not_a_range)?;
    let mut bounds = [0u16; 2];
    for (slot, part) in bounds.iter_mut().zip([start, end]) {
        let (hours, minutes) = parse_clock(part).ok_or_else(not_a_range)?;
        if minutes > 59 || hours > 24 || (hours == 24 && minutes > 0) {
            return Err(format!(
                "`{}` in `{text}` is not a time of day; use 00:00 to 23:59, or 24:00 as an end",
                part.trim()
            ));
        }
        *slot = hours * 60 + minutes;
    }
    check_window(bounds[0], bounds[1])?;
    Ok((bounds[0], bounds[1]))
}

pub(super) fn check_window(start: u16, end: u16) -> Result<(), String> {
    if end > MINUTES_PER_DAY {
        return Err(format!(
            "business hours {start}-{end} (minutes) are outside the day; use 0 to 1440"
        ));
    }
    if start == end {
        return Err(format!(
            "business hours {} are empty; write e.g. 09:00-17:30",
            format_window((start, end))
        ));
    }
    if start > end {
        return Err(format!(
            "business hours {} end before they start; a window cannot cross midnight, write e.g. 09:00-17:30",
            format_window((start, end))
        ));
    }
    Ok(())
}

/// Sorts the windows and rejects an empty list or overlapping windows
/// (touching ones, like 09:00-12:00 and 12:00-13:00, are fine).
pub(super) fn check_windows(mut windows: Vec<(u16, u16)>) -> Result<Vec<(u16, u16)>, String> {
    if windows.is_empty() {
        return Err(
            "business_hours.hours is empty; write a range such as 09:00-17:30, or a list of them"
                .to_owned(),
        );
    }
    windows.sort_unstable();
    for pair in windows.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(format!(
                "business hours {} and {} overlap",
                format_window(pair[0]),
                format_window(pair[1])
            ));
        }
    }
    Ok(windows)
}

pub(super) fn parse_holiday(text: &str) -> Result<NaiveDate, String> {
    let bad = || format!("holiday `{text}` is not a date like 2026-12-25");
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    match (year.and_then(|y| i32::try_from(y).ok()), month, day) {
        (Some(year), Some(month), Some(day)) if year >= 1 => {
            NaiveDate::from_ymd_opt(year, month, day).ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}
