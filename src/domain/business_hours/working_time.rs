//! The `BusinessHours` type and the two questions SLA clocks ask of it:
//! how much working time lies between two instants, and when a given
//! amount of working time from an instant runs out.
//!
//! This is the public face of the calendar: the type, its constructor and
//! the questions, kept apart from how they are answered. The counting is
//! integer arithmetic over days (`day_arithmetic`), the conversion between
//! UTC instants and the zone's wall clock is `local_clock`, and what makes
//! a valid value is `validation`.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::day_arithmetic::GUARD_DAYS;
use super::serde_glue::{
    de_days, de_holidays, de_hours, de_timezone, ser_days, ser_holidays, ser_hours, ser_timezone,
};
use super::validation::{check_days, check_window, check_windows, weekday_name};

/// When the SLA clock runs: a time zone, the working weekdays, the daily
/// windows and the holidays.
///
/// Build one by deserializing the `business_hours:` section or with
/// [`BusinessHours::new`]; both validate, so every value has at least one
/// working day and one window. `timezone`, `days` and `holidays` are public
/// because any value of them is meaningful (an emptied `days` just means no
/// working time); the windows are private because their order and
/// non-overlap are what the counting relies on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// The zone whose wall clock the windows are read in.
    #[serde(serialize_with = "ser_timezone", deserialize_with = "de_timezone")]
    pub timezone: Tz,
    /// Working weekdays, Monday first, each once.
    #[serde(serialize_with = "ser_days", deserialize_with = "de_days")]
    pub days: Vec<Weekday>,
    /// Daily windows as minutes of the day, `[start, end)`, sorted and
    /// disjoint, `end <= 1440`.
    #[serde(
        rename = "hours",
        serialize_with = "ser_hours",
        deserialize_with = "de_hours"
    )]
    pub(super) windows: Vec<(u16, u16)>,
    /// Dates (in the zone's local calendar) with no working time at all.
    #[serde(
        default,
        skip_serializing_if = "BTreeSet::is_empty",
        serialize_with = "ser_holidays",
        deserialize_with = "de_holidays"
    )]
    pub holidays: BTreeSet<NaiveDate>,
}

impl BusinessHours {
    /// Builds a calendar from parts, with the same checks as the YAML form,
    /// so code and configuration cannot disagree about what is valid.
    /// `hours` are `(start, end)` minutes of the day; they are sorted here.
    pub fn new(
        timezone: Tz,
        days: &[Weekday],
        hours: &[(u16, u16)],
        holidays: BTreeSet<NaiveDate>,
    ) -> Result<Self, String> {
        for &(start, end) in hours {
            check_window(start, end)?;
        }
        for date in &holidays {
            if !(1..=9999).contains(&date.year()) {
                return Err(format!("holiday `{date}` is not a date like 2026-12-25"));
            }
        }
        Ok(BusinessHours {
            timezone,
            days: check_days(days.iter().map(|&day| (weekday_name(day).to_owned(), day)))?,
            windows: check_windows(hours.to_vec())?,
            holidays,
        })
    }

    /// The daily windows as `(start, end)` minutes of the day, sorted.
    pub fn hours(&self) -> &[(u16, u16)] {
        &self.windows
    }

    /// Business seconds in `[from, to)`; 0 when `to <= from`.
    ///
    /// This is what an SLA clock has used up between two events. It is
    /// additive (`ws(a, b) + ws(b, c) == ws(a, c)`), so clocks that pause and
    /// resume can sum their running spans. A daylight-saving switch inside a
    /// window counts as the wall clock reads (see the module docs), so every
    /// business day has the same length.
    pub fn working_seconds(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let (from, to) = (from.timestamp(), to.timestamp());
        if to <= from {
            return 0;
        }
        let (from_local, to_local) = (self.local_seconds(from), self.local_seconds(to));
        if to_local <= from_local {
            return 0;
        }
        self.calendar().between(from_local, to_local)
    }

    /// The earliest instant `t >= from` such that
    /// `working_seconds(from, t) == seconds`: when an SLA target falls due.
    ///
    /// `seconds <= 0` returns `from` unchanged. When `from` is outside
    /// business hours the time counts from the next opening (Friday 18:00 +
    /// 1 h with 09:00-17:00 Mon–Fri is Monday 10:00). An amount used up
    /// exactly at a window's end gives that end, not the next opening.
    ///
    /// A local result the clock repeats (autumn) is the first occurrence; one
    /// the clock skips (spring, only when a window spans the switch) becomes
    /// the first instant after the gap. If no answer turns up within twenty
    /// years (a calendar whose holidays cover every working day, or an absurd
    /// `seconds`), the instant twenty years on is returned instead of looping.
    pub fn add_working(&self, from: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        if seconds <= 0 {
            return from;
        }
        let start = self.local_seconds(from.timestamp());
        self.calendar()
            .advance(start, seconds)
            .and_then(|local| self.instant_of_local(local))
            .and_then(|utc| DateTime::from_timestamp(utc, 0))
            .map_or_else(|| give_up(from), |due| due.max(from))
    }

    /// Working seconds in a week without holidays: for sanity checks (a
    /// target longer than many weeks is likely a typo) and documentation.
    pub fn seconds_per_week(&self) -> i64 {
        self.calendar().week_seconds()
    }
}

/// The answer `add_working` gives when its search runs out.
fn give_up(from: DateTime<Utc>) -> DateTime<Utc> {
    from.checked_add_signed(TimeDelta::days(GUARD_DAYS))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::business_hours::test_fixtures::*;

    #[test]
    fn friday_afternoon_to_monday_morning() {
        let bh = office();
        // 2026-01-09 is a Friday (GMT, so local = UTC).
        // Fri 16:00-17:00 = 1 h, weekend 0, Mon 09:00-10:00 = 1 h: 2 h.
        let from = london(2026, 1, 9, 16, 0);
        let to = london(2026, 1, 12, 10, 0);
        assert_eq!(bh.working_seconds(from, to), 2 * HOUR);
        // Fri 16:30 + 1 h: 30 min to 17:00, then 30 min from Mon 09:00.
        let due = bh.add_working(london(2026, 1, 9, 16, 30), HOUR);
        assert_eq!(due, london(2026, 1, 12, 9, 30));
    }

    #[test]
    fn from_after_closing_counts_from_next_opening() {
        let bh = office();
        // Fri 18:00 + 1 h: nothing until Mon 09:00, then 1 h: Mon 10:00.
        let due = bh.add_working(london(2026, 1, 9, 18, 0), HOUR);
        assert_eq!(due, london(2026, 1, 12, 10, 0));
    }

    #[test]
    fn used_up_at_closing_gives_the_closing_time() {
        let bh = office();
        // Fri 16:00 + 1 h ends exactly at 17:00: not Monday 09:00.
        let due = bh.add_working(london(2026, 1, 9, 16, 0), HOUR);
        assert_eq!(due, london(2026, 1, 9, 17, 0));
        // A whole week from Monday 09:00 (5 × 8 h) ends Friday 17:00.
        let due = bh.add_working(london(2026, 1, 12, 9, 0), 40 * HOUR);
        assert_eq!(due, london(2026, 1, 16, 17, 0));
    }

    #[test]
    fn holiday_on_monday_is_skipped() {
        let mut bh = office();
        bh.holidays.insert(date(2026, 1, 12));
        // Fri 16:00-17:00 = 1 h, Mon holiday 0, Tue 09:00-10:00 = 1 h: 2 h.
        let from = london(2026, 1, 9, 16, 0);
        assert_eq!(
            bh.working_seconds(from, london(2026, 1, 13, 10, 0)),
            2 * HOUR
        );
        // Fri 16:30 + 1 h: 30 min Friday, 30 min from Tue 09:00.
        let due = bh.add_working(london(2026, 1, 9, 16, 30), HOUR);
        assert_eq!(due, london(2026, 1, 13, 9, 30));
    }

    #[test]
    fn lunch_break_windows() {
        let bh = lunch();
        // Day: 3.5 h + 4 h = 7.5 h; week: 5 × 7.5 h = 37.5 h.
        assert_eq!(bh.seconds_per_week(), 135_000);
        // Mon 2026-01-12 12:00-14:00: 12:00-12:30 + 13:30-14:00 = 1 h.
        let (noon, two) = (london(2026, 1, 12, 12, 0), london(2026, 1, 12, 14, 0));
        assert_eq!(bh.working_seconds(noon, two), HOUR);
        // Inside the break nothing counts.
        let (one, half_past) = (london(2026, 1, 12, 13, 0), london(2026, 1, 12, 13, 30));
        assert_eq!(bh.working_seconds(one, half_past), 0);
        // From inside the break: counting starts 13:30, + 1 h = 14:30.
        assert_eq!(bh.add_working(one, HOUR), london(2026, 1, 12, 14, 30));
        // From before opening, 07:00 + 4 h: 3.5 h to 12:30, 0.5 h from 13:30.
        let early = london(2026, 1, 12, 7, 0);
        assert_eq!(bh.add_working(early, 4 * HOUR), london(2026, 1, 12, 14, 0));
        // 09:00 + 3.5 h ends exactly at the break: 12:30, not 13:30.
        let nine = london(2026, 1, 12, 9, 0);
        assert_eq!(bh.add_working(nine, 12_600), london(2026, 1, 12, 12, 30));
        // From after closing, Mon 18:00 + 1 h = Tue 10:00.
        let late = london(2026, 1, 12, 18, 0);
        assert_eq!(bh.add_working(late, HOUR), london(2026, 1, 13, 10, 0));
    }

    #[test]
    fn from_a_weekend() {
        let bh = lunch();
        let saturday = london(2026, 1, 10, 11, 0);
        assert_eq!(bh.working_seconds(saturday, london(2026, 1, 11, 23, 0)), 0);
        // Sat 11:00 + 8 h: Monday gives 7.5 h, the last 0.5 h is Tue 09:00-09:30.
        let due = bh.add_working(saturday, 8 * HOUR);
        assert_eq!(due, london(2026, 1, 13, 9, 30));
    }

    #[test]
    fn round_the_clock_equals_calendar_time_on_ordinary_days() {
        let bh = always("Europe/London");
        assert_eq!(bh.seconds_per_week(), 7 * 24 * HOUR);
        // Any ordinary stretch: working time is the elapsed time.
        let from = utc(2026, 1, 12, 7, 13);
        let to = utc(2026, 1, 19, 22, 41);
        assert_eq!(bh.working_seconds(from, to), (to - from).num_seconds());
        assert_eq!(bh.add_working(from, (to - from).num_seconds()), to);
        // Midnight to midnight in summer: 24 h.
        let (a, b) = (london(2026, 7, 1, 0, 0), london(2026, 7, 2, 0, 0));
        assert_eq!(bh.working_seconds(a, b), 24 * HOUR);
    }

    #[test]
    fn empty_spans_and_amounts() {
        let bh = office();
        let t = london(2026, 1, 12, 10, 0);
        assert_eq!(bh.working_seconds(t, t), 0);
        assert_eq!(bh.working_seconds(t, t - TimeDelta::hours(5)), 0);
        let odd = t + TimeDelta::nanoseconds(123_456_789);
        assert_eq!(bh.add_working(odd, 0), odd);
        assert_eq!(bh.add_working(odd, -5), odd);
    }

    #[test]
    fn sub_second_parts_are_dropped() {
        let bh = office();
        let t = london(2026, 1, 12, 10, 0) + TimeDelta::milliseconds(700);
        // 10:00:00.7 to 10:00:01.2: whole seconds 10:00:00 → 10:00:01.
        assert_eq!(bh.working_seconds(t, t + TimeDelta::milliseconds(500)), 1);
        assert_eq!(
            bh.add_working(t, 1),
            london(2026, 1, 12, 10, 0) + TimeDelta::seconds(1)
        );
    }

    #[test]
    fn runaway_searches_stop_after_twenty_years() {
        let mut bh = office();
        let from = london(2026, 1, 12, 10, 0);
        let horizon = from + TimeDelta::days(GUARD_DAYS);
        assert_eq!(bh.add_working(from, i64::MAX), horizon);
        bh.days.clear();
        assert_eq!(bh.add_working(from, HOUR), horizon);
        assert_eq!(bh.working_seconds(from, horizon), 0);
        assert_eq!(bh.seconds_per_week(), 0);
    }

    #[test]
    fn builds_from_parts_like_the_yaml() {
        let holidays = BTreeSet::from([date(2026, 12, 25)]);
        let bh = BusinessHours::new(
            chrono_tz::Europe::London,
            &[
                Weekday::Fri,
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
            ],
            &[(810, 1050), (540, 750)],
            holidays,
        )
        .expect("valid parts");
        assert_eq!(bh.days, WEEKDAYS);
        assert_eq!(bh.hours(), &[(540, 750), (810, 1050)]);
        let yaml = "timezone: Europe/London\ndays: [mon, tue, wed, thu, fri]\n\
                    hours: [\"09:00-12:30\", \"13:30-17:30\"]\nholidays: [2026-12-25]\n";
        assert_eq!(parse_ok(yaml), bh);
        let tz = chrono_tz::Europe::London;
        let none = BTreeSet::new();
        assert!(BusinessHours::new(tz, &[], &[(540, 1020)], none.clone()).is_err());
        assert!(BusinessHours::new(tz, &WEEKDAYS, &[], none.clone()).is_err());
        assert!(BusinessHours::new(tz, &WEEKDAYS, &[(600, 540)], none.clone()).is_err());
        assert!(BusinessHours::new(tz, &WEEKDAYS, &[(0, 1441)], none).is_err());
    }
}
