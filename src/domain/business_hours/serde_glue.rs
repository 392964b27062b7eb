//! The `business_hours:` section as YAML: serde visitors that read each
//! field and serializers that write it back in the same form.
//!
//! Every check runs inside the deserializer's visit, so serde_yaml's
//! message names the field and points at the offending line. The checks
//! themselves live in `validation`; this file only adapts them to serde.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serializer};

use super::validation::{
    check_days, check_windows, format_window, parse_day, parse_holiday, parse_timezone,
    parse_window, weekday_name,
};

/// Reads a string and checks it with `parse`.
struct StrVisitor<T> {
    parse: fn(&str) -> Result<T, String>,
    expecting: &'static str,
}

impl<T> Visitor<'_> for StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(E::custom)
    }
}

fn parse_string<'de, D, T>(
    deserializer: D,
    parse: fn(&str) -> Result<T, String>,
    expecting: &'static str,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(StrVisitor { parse, expecting })
}

/// Reads a list of `E` and checks the whole with `finish`.
struct ListVisitor<E, T> {
    finish: fn(Vec<E>) -> Result<T, String>,
    expecting: &'static str,
}

impl<'de, E: Deserialize<'de>, T> Visitor<'de> for ListVisitor<E, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        (self.finish)(items).map_err(de::Error::custom)
    }
}

pub(super) fn de_timezone<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Tz, D::Error> {
    parse_string(
        deserializer,
        parse_timezone,
        "an IANA time zone name such as Europe/London",
    )
}

pub(super) fn ser_timezone<S: Serializer>(timezone: &Tz, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(timezone.name())
}

/// One entry of `days`, keeping the text for the message about repeats.
struct DayEntry(String, Weekday);

impl<'de> Deserialize<'de> for DayEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parse = |text: &str| parse_day(text).map(|day| DayEntry(text.to_owned(), day));
        parse_string(deserializer, parse, "a day such as mon")
    }
}

pub(super) fn de_days<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Weekday>, D::Error> {
    deserializer.deserialize_seq(ListVisitor {
        finish: |entries: Vec<DayEntry>| {
            check_days(entries.into_iter().map(|DayEntry(text, day)| (text, day)))
        },
        expecting: "a list of days such as [mon, tue, wed, thu, fri]",
    })
}

pub(super) fn ser_days<S: Serializer>(days: &[Weekday], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(days.iter().map(|&day| weekday_name(day)))
}

/// One `HH:MM-HH:MM` entry of `hours`.
struct WindowEntry((u16, u16));

impl<'de> Deserialize<'de> for WindowEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_string(
            deserializer,
            parse_window,
            "a time range such as \"09:00-17:30\"",
        )
        .map(WindowEntry)
    }
}

/// `hours` is one range or a list of them.
struct HoursVisitor;

impl<'de> Visitor<'de> for HoursVisitor {
    type Value = Vec<(u16, u16)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a time range such as \"09:00-17:30\", or a list of them")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse_window(text)
            .map(|window| vec![window])
            .map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        ListVisitor {
            finish: |entries: Vec<WindowEntry>| {
                check_windows(entries.into_iter().map(|WindowEntry(w)| w).collect())
            },
            expecting: "",
        }
        .visit_seq(seq)
    }
}

pub(super) fn de_hours<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(u16, u16)>, D::Error> {
    deserializer.deserialize_any(HoursVisitor)
}

pub(super) fn ser_hours<S: Serializer>(
    windows: &[(u16, u16)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match windows {
        [window] => serializer.serialize_str(&format_window(*window)),
        _ => serializer.collect_seq(windows.iter().map(|&window| format_window(window))),
    }
}

struct HolidayEntry(NaiveDate);

impl<'de> Deserialize<'de> for HolidayEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_string(deserializer, parse_holiday, "a date such as 2026-12-25").map(HolidayEntry)
    }
}

pub(super) fn de_holidays<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeSet<NaiveDate>, D::Error> {
    deserializer.deserialize_seq(ListVisitor {
        finish: |entries: Vec<HolidayEntry>| {
            Ok(entries.into_iter().map(|HolidayEntry(date)| date).collect())
        },
        expecting: "a list of dates such as [2026-12-25, 2026-12-28]",
    })
}

pub(super) fn ser_holidays<S: Serializer>(
    holidays: &BTreeSet<NaiveDate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(
        holidays
            .iter()
            .map(|date| date.format("%Y-%m-%d").to_string()),
    )
}

#[cfg(test)]
mod tests {
    use crate::domain::business_hours::test_fixtures::*;
    use chrono::Weekday;

    #[test]
    fn accepts_full_names_any_case_and_24_00() {
        let bh = parse_ok(
            "timezone: Asia/Tokyo\ndays: [Sunday, MON, tUeSdAy]\nhours: \"18:00-24:00\"\n",
        );
        assert_eq!(bh.days, [Weekday::Mon, Weekday::Tue, Weekday::Sun]);
        assert_eq!(bh.hours(), &[(1080, 1440)]);
        assert_eq!(bh.seconds_per_week(), 3 * 6 * HOUR);
    }

    #[test]
    fn round_trips_through_yaml() {
        for yaml in [
            "timezone: Europe/London\ndays:\n- mon\n- tue\n- wed\n- thu\n- fri\nhours: 09:00-17:30\n",
            "timezone: America/New_York\ndays:\n- mon\n- sat\nhours:\n- 09:00-12:30\n- 13:30-24:00\n\
             holidays:\n- 2026-12-25\n- 2026-12-28\n",
        ] {
            let bh = parse_ok(yaml);
            let written = serde_yaml::to_string(&bh).expect("serializes");
            assert_eq!(written, yaml);
            assert_eq!(parse_ok(&written), bh);
        }
        let mut bh = lunch();
        bh.holidays.insert(date(1, 1, 1));
        let written = serde_yaml::to_string(&bh).expect("serializes");
        assert_eq!(parse_ok(&written), bh);
    }

    fn error_of(yaml: &str) -> String {
        match parse(yaml) {
            Ok(bh) => panic!("expected an error for {yaml:?}, got {bh:?}"),
            Err(message) => message,
        }
    }

    /// A valid document with one line replaced.
    fn with(key: &str, value: &str) -> String {
        let mut lines = vec![
            ("timezone", "Europe/London"),
            ("days", "[mon, tue, wed, thu, fri]"),
            ("hours", "09:00-17:30"),
        ];
        match lines.iter_mut().find(|(k, _)| *k == key) {
            Some(line) => line.1 = value,
            None => lines.push((key, value)),
        }
        lines.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
    }

    fn assert_error(key: &str, value: &str, expected: &str) {
        let message = error_of(&with(key, value));
        assert!(
            message.contains(expected),
            "for {key}: {value}\nexpected: {expected}\ngot:      {message}"
        );
    }

    #[test]
    fn explains_every_invalid_value() {
        assert_error(
            "timezone",
            "Europe/Londn",
            "unknown time zone `Europe/Londn`; use an IANA name such as Europe/London or America/New_York",
        );
        assert_error("timezone", "europe/london", "did you mean Europe/London?");
        assert_error(
            "hours",
            "9-17",
            "`9-17` is not a time range; write e.g. 09:00-17:30",
        );
        assert_error(
            "hours",
            "09:00",
            "`09:00` is not a time range; write e.g. 09:00-17:30",
        );
        assert_error(
            "hours",
            "09:00-25:00",
            "`25:00` in `09:00-25:00` is not a time of day; use 00:00 to 23:59, or 24:00 as an end",
        );
        assert_error(
            "hours",
            "09:60-17:00",
            "`09:60` in `09:60-17:00` is not a time of day",
        );
        assert_error(
            "hours",
            "24:00-24:00",
            "business hours 24:00-24:00 are empty",
        );
        assert_error(
            "hours",
            "17:00-09:00",
            "business hours 17:00-09:00 end before they start",
        );
        assert_error(
            "hours",
            "[\"12:30-14:00\", \"12:00-13:00\"]",
            "business hours 12:00-13:00 and 12:30-14:00 overlap",
        );
        assert_error("hours", "[]", "business_hours.hours is empty");
        assert_error(
            "hours",
            "9",
            "expected a time range such as \"09:00-17:30\"",
        );
        assert_error(
            "days",
            "[]",
            "business_hours.days is empty; list the working days, e.g. [mon, tue, wed, thu, fri]",
        );
        assert_error(
            "days",
            "[mon, funday]",
            "`funday` is not a day; use mon, tue, wed, thu, fri, sat or sun",
        );
        assert_error(
            "days",
            "[mon, Monday]",
            "`Monday` is listed twice in business_hours.days",
        );
        assert_error(
            "holidays",
            "[2026-12-25, 2026-13-01]",
            "holiday `2026-13-01` is not a date like 2026-12-25",
        );
        assert_error(
            "holidays",
            "[25/12/2026]",
            "holiday `25/12/2026` is not a date like 2026-12-25",
        );
        assert_error(
            "holidays",
            "[2026-02-30]",
            "holiday `2026-02-30` is not a date",
        );
        assert_error("weekends", "[sat]", "unknown field `weekends`");
        assert!(error_of("days: [mon]\nhours: 09:00-17:00\n").contains("missing field `timezone`"));
    }

    #[test]
    fn errors_point_at_the_line() {
        let message = error_of(&with("holidays", "[2026-12-25, 2026-13-01]"));
        assert!(message.contains("line 4"), "{message}");
    }
}
