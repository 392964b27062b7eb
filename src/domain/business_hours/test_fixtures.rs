//! Calendars, instants and YAML helpers the tests of every part of the
//! business-hours module share, kept in one place so each file's tests can
//! sit next to the code they test.

use chrono::{DateTime, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::BusinessHours;

pub(super) const HOUR: i64 = 3_600;

/// The UTC instant of a local wall-clock time (which must exist once).
pub(super) fn local(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("unambiguous local time")
        .with_timezone(&Utc)
}

pub(super) fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    local(Tz::UTC, y, mo, d, h, mi)
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub(super) fn parse(yaml: &str) -> Result<BusinessHours, String> {
    serde_yaml::from_str(yaml).map_err(|e| e.to_string())
}

pub(super) fn parse_ok(yaml: &str) -> BusinessHours {
    parse(yaml).expect("valid business hours")
}

pub(super) const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// 09:00-17:00 Monday to Friday in London.
pub(super) fn office() -> BusinessHours {
    parse_ok("timezone: Europe/London\ndays: [mon, tue, wed, thu, fri]\nhours: 09:00-17:00\n")
}

/// 09:00-12:30 and 13:30-17:30 Monday to Friday in London: 7.5 h a day.
pub(super) fn lunch() -> BusinessHours {
    parse_ok(
        "timezone: Europe/London\ndays: [mon, tue, wed, thu, fri]\n\
         hours: [\"09:00-12:30\", \"13:30-17:30\"]\n",
    )
}

pub(super) fn london(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    local(chrono_tz::Europe::London, y, mo, d, h, mi)
}

/// Every day, all day.
pub(super) fn always(timezone: &str) -> BusinessHours {
    parse_ok(&format!(
        "timezone: {timezone}\ndays: [mon, tue, wed, thu, fri, sat, sun]\nhours: 00:00-24:00\n"
    ))
}
