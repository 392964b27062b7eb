//! Counting working time as plain integers: days numbered from the local
//! 1970-01-01 and seconds from local midnight, with a whole-week shortcut
//! for long spans and holidays subtracted by range.
//!
//! Reports call the calendar for every ticket, so this is the hot path. It
//! knows nothing of time zones: `local_clock` turns instants into the local
//! seconds counted here and back, which keeps this part a small, fast loop
//! that the minute-by-minute brute force below can check.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use super::BusinessHours;

/// Seconds in a calendar day of wall-clock time.
const DAY: i64 = 86_400;
/// Day number of 1970-01-01 as chrono counts days from the common era.
const UNIX_EPOCH_CE_DAY: i64 = 719_163;
/// How far `add_working` looks ahead before giving up, so a calendar whose
/// holidays swallow every working day cannot hang a report.
pub(super) const GUARD_DAYS: i64 = 20 * 366;

impl BusinessHours {
    /// The integer view of the calendar the counting loops use, built once
    /// per call (the fields are public, so nothing derived is cached).
    pub(super) fn calendar(&self) -> Calendar<'_> {
        let mask = self
            .days
            .iter()
            .fold(0u8, |mask, day| mask | 1 << day.num_days_from_monday());
        let day_seconds = self
            .windows
            .iter()
            .map(|&(start, end)| i64::from(end.saturating_sub(start)) * 60)
            .sum();
        Calendar {
            mask,
            windows: &self.windows,
            day_seconds,
            holidays: &self.holidays,
        }
    }
}

/// Monday = 0 … Sunday = 6 for a day number counted from 1970-01-01 (a
/// Thursday).
fn weekday_index(day: i64) -> u32 {
    // rem_euclid(7) is in 0..7, so the cast cannot truncate.
    (day + 3).rem_euclid(7) as u32
}

fn date_of_day(day: i64) -> Option<NaiveDate> {
    i32::try_from(day + UNIX_EPOCH_CE_DAY)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

fn day_of_date(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_CE_DAY
}

/// The date for a day number, clamped to chrono's range, for range queries.
fn date_bound(day: i64) -> NaiveDate {
    date_of_day(day).unwrap_or(if day < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// Everything the counting needs, as integers. Days are numbered from the
/// local 1970-01-01; times within a day are seconds from local midnight.
pub(super) struct Calendar<'a> {
    /// Bit `n` set when weekday `n` (Monday = 0) is a working day.
    mask: u8,
    windows: &'a [(u16, u16)],
    /// Working seconds in one working day.
    day_seconds: i64,
    holidays: &'a BTreeSet<NaiveDate>,
}

impl Calendar<'_> {
    pub(super) fn week_seconds(&self) -> i64 {
        i64::from(self.mask.count_ones()) * self.day_seconds
    }

    fn is_weekday_worked(&self, day: i64) -> bool {
        self.mask & (1 << weekday_index(day)) != 0
    }

    fn is_holiday(&self, day: i64) -> bool {
        !self.holidays.is_empty() && date_of_day(day).is_some_and(|d| self.holidays.contains(&d))
    }

    /// Working seconds of `day` between `from` and `to` seconds of the day.
    fn within_day(&self, day: i64, from: i64, to: i64) -> i64 {
        if !self.is_weekday_worked(day) || self.is_holiday(day) {
            return 0;
        }
        let mut total = 0;
        for &(start, end) in self.windows {
            let (start, end) = (i64::from(start) * 60, i64::from(end) * 60);
            if start >= to {
                break;
            }
            total += (end.min(to) - start.max(from)).max(0);
        }
        total
    }

    /// Working seconds of the whole days `first..end`.
    fn whole_days(&self, first: i64, end: i64) -> i64 {
        if end <= first {
            return 0;
        }
        let count = end - first;
        let mut total = count / 7 * self.week_seconds();
        let weekday = weekday_index(first);
        for offset in 0..(count % 7) as u32 {
            if self.mask & (1 << ((weekday + offset) % 7)) != 0 {
                total += self.day_seconds;
            }
        }
        if !self.holidays.is_empty() {
            for &date in self.holidays.range(date_bound(first)..date_bound(end)) {
                if self.is_weekday_worked(day_of_date(date)) {
                    total -= self.day_seconds;
                }
            }
        }
        total
    }

    /// Working seconds between two local times, `from < to`.
    pub(super) fn between(&self, from: i64, to: i64) -> i64 {
        let (from_day, from_time) = (from.div_euclid(DAY), from.rem_euclid(DAY));
        let (to_day, to_time) = (to.div_euclid(DAY), to.rem_euclid(DAY));
        if from_day == to_day {
            return self.within_day(from_day, from_time, to_time);
        }
        self.within_day(from_day, from_time, DAY)
            + self.whole_days(from_day + 1, to_day)
            + self.within_day(to_day, 0, to_time)
    }

    /// Where in `day`, from `from` seconds of the day on, `seconds` (> 0) of
    /// work run out: `Ok(second of the day)`, or `Err(seconds the day has)`
    /// when they do not.
    fn locate(&self, day: i64, from: i64, seconds: i64) -> Result<i64, i64> {
        if !self.is_weekday_worked(day) || self.is_holiday(day) {
            return Err(0);
        }
        let mut left = seconds;
        for &(start, end) in self.windows {
            let (start, end) = (i64::from(start) * 60, i64::from(end) * 60);
            let start = start.max(from);
            if end <= start {
                continue;
            }
            if left <= end - start {
                return Ok(start + left);
            }
            left -= end - start;
        }
        Err(seconds - left)
    }

    /// The local time at which `seconds` (> 0) of work after local time
    /// `from` are done; `None` past the guard horizon.
    pub(super) fn advance(&self, from: i64, seconds: i64) -> Option<i64> {
        let week = self.week_seconds();
        if week <= 0 {
            return None;
        }
        let mut day = from.div_euclid(DAY);
        let limit = day + GUARD_DAYS;
        let mut left = match self.locate(day, from.rem_euclid(DAY), seconds) {
            Ok(time) => return Some(day * DAY + time),
            Err(used) => seconds - used,
        };
        day += 1;
        while day <= limit {
            // Whole weeks that cannot finish the work (holidays only make
            // them shorter) are skipped in one step.
            let weeks = ((left - 1) / week).min((limit - day) / 7 + 1);
            if weeks > 0 {
                left -= self.whole_days(day, day + weeks * 7);
                day += weeks * 7;
                continue;
            }
            match self.locate(day, 0, left) {
                Ok(time) => return Some(day * DAY + time),
                Err(used) => left -= used,
            }
            day += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::business_hours::test_fixtures::*;
    use chrono::{TimeDelta, TimeZone, Timelike};

    #[test]
    fn holidays_inside_long_spans_are_subtracted() {
        let mut bh = office();
        // Four weeks from Mon 2026-01-05 09:00 to Mon 2026-02-02 09:00:
        // 4 × 40 h = 160 h; minus two weekday holidays (8 h each) = 144 h;
        // a Saturday holiday (2026-01-17) changes nothing.
        for d in [date(2026, 1, 14), date(2026, 1, 27), date(2026, 1, 17)] {
            bh.holidays.insert(d);
        }
        let from = london(2026, 1, 5, 9, 0);
        let to = london(2026, 2, 2, 9, 0);
        assert_eq!(bh.working_seconds(from, to), 144 * HOUR);
        // And back: 144 h of work from that Monday end on Fri 2026-01-30 17:00.
        assert_eq!(bh.add_working(from, 144 * HOUR), london(2026, 1, 30, 17, 0));
    }

    #[test]
    fn matches_a_minute_by_minute_count() {
        // Brute force over six weeks around the London spring switch, with
        // a holiday: the fast path must agree with counting minutes.
        let mut bh = lunch();
        bh.holidays.insert(date(2026, 4, 3));
        let start = utc(2026, 3, 16, 0, 0);
        let mut brute = 0;
        for minute in 0..6 * 7 * 1_440 {
            let at = start + TimeDelta::minutes(minute);
            let wall = bh.timezone.from_utc_datetime(&at.naive_utc()).naive_local();
            let day_minute = (wall.time().num_seconds_from_midnight() / 60) as u16;
            let worked = bh.days.contains(&wall.weekday())
                && !bh.holidays.contains(&wall.date())
                && bh
                    .hours()
                    .iter()
                    .any(|&(s, e)| s <= day_minute && day_minute < e);
            if minute % 997 == 0 {
                assert_eq!(bh.working_seconds(start, at), brute, "up to {at}");
            }
            if worked {
                brute += 60;
            }
        }
    }

    #[test]
    #[ignore = "timing; run with --release -- --ignored --nocapture"]
    fn speed() {
        let mut bh = lunch();
        bh.holidays
            .extend([date(2026, 1, 14), date(2026, 3, 4), date(2026, 12, 25)]);
        let start = utc(2026, 1, 1, 0, 0);
        let calls = 1_000_000;
        let mut sum = 0i64;
        // Warm up: the first calls page in the zone tables.
        for i in 0..calls / 10 {
            let from = start + TimeDelta::seconds(i * 3_370);
            sum += bh.working_seconds(from, from + TimeDelta::days(7));
        }
        let clock = std::time::Instant::now();
        for i in 0..calls {
            let from = start + TimeDelta::seconds(i * 337);
            sum += bh.working_seconds(from, from + TimeDelta::days(7));
        }
        let spans = clock.elapsed();
        let clock = std::time::Instant::now();
        for i in 0..calls {
            let from = start + TimeDelta::seconds(i * 337);
            sum += bh.add_working(from, 135_000).timestamp() & 1;
        }
        let adds = clock.elapsed();
        let clock = std::time::Instant::now();
        for i in 0..calls {
            let from = start + TimeDelta::seconds(i * 337);
            sum += bh.working_seconds(from, from + TimeDelta::days(90));
        }
        let quarters = clock.elapsed();
        println!(
            "1M working_seconds over 7 days: {spans:?}; 1M add_working of 37.5 h: {adds:?}; \
             1M working_seconds over 90 days: {quarters:?} (checksum {sum})"
        );
    }
}
