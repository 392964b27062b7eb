//! Between UTC instants and the configured zone's wall clock.
//!
//! Business time is wall-clock time inside the windows, so both ends of a
//! span are turned into local seconds before counting, and a local answer
//! is turned back into an instant. Daylight-saving switches make both
//! directions subtle (repeated and skipped hours); that is kept here, apart
//! from the day arithmetic, which can then assume a clock that only moves
//! forward.

use chrono::{DateTime, MappedLocalTime, NaiveDateTime, Offset, TimeZone};
use chrono_tz::GapInfo;

use super::BusinessHours;

/// The largest backward jump of a UTC offset any zone has made (about a
/// day, when places moved across the date line), with margin.
const MAX_FOLD: i64 = 26 * 3_600;

impl BusinessHours {
    /// UTC offset in seconds at the UTC instant `utc` (Unix seconds).
    fn offset_at(&self, utc: i64) -> Option<i64> {
        let naive = DateTime::from_timestamp(utc, 0)?.naive_utc();
        let offset = self.timezone.offset_from_utc_datetime(&naive);
        Some(i64::from(offset.fix().local_minus_utc()))
    }

    /// Local wall-clock time of the UTC instant `utc`, as seconds since the
    /// local 1970-01-01 00:00, made monotonic: while the clock repeats an
    /// hour after being put back, this stays at the highest reading so far.
    /// That keeps `working_seconds` additive across the autumn switch.
    pub(super) fn local_seconds(&self, utc: i64) -> i64 {
        let Some(now) = self.offset_at(utc) else {
            return utc;
        };
        let local = utc + now;
        let Some(before) = self.offset_at(utc - MAX_FOLD) else {
            return local;
        };
        if before <= now {
            return local;
        }
        // The clock went back within MAX_FOLD (zones never switch twice in
        // so short a time). Still inside the repeat only if the switch came
        // less than `before - now` seconds ago.
        let repeat = before - now;
        if self.offset_at(utc - repeat) == Some(now) {
            return local;
        }
        // Find the switch: `low` has the old offset, `high` the new one.
        let (mut low, mut high) = (utc - repeat, utc);
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if self.offset_at(mid) == Some(now) {
                high = mid;
            } else {
                low = mid;
            }
        }
        let peak = high + self.offset_at(low).unwrap_or(now);
        local.max(peak)
    }

    /// The earliest UTC instant whose (monotonic) local time reaches
    /// `local`; the inverse of `local_seconds`.
    pub(super) fn instant_of_local(&self, local: i64) -> Option<i64> {
        let direct = self
            .earliest_instant(local)
            .or_else(|| self.instant_after_gap(local))?;
        // Just after the switch that ends a repeated hour, the monotonic
        // clock already reads the hour's end; one second after the previous
        // reading finds that instant.
        let after_previous = self.earliest_instant(local - 1).map(|utc| utc + 1);
        Some(after_previous.map_or(direct, |utc| utc.min(direct)))
    }

    fn earliest_instant(&self, local: i64) -> Option<i64> {
        let naive = naive_of(local)?;
        match self.timezone.from_local_datetime(&naive) {
            MappedLocalTime::Single(at) | MappedLocalTime::Ambiguous(at, _) => Some(at.timestamp()),
            MappedLocalTime::None => None,
        }
    }

    fn instant_after_gap(&self, local: i64) -> Option<i64> {
        let naive = naive_of(local)?;
        let gap = GapInfo::new(&naive, &self.timezone)?;
        gap.end.map(|end| end.timestamp())
    }
}

fn naive_of(local: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(local, 0).map(|at| at.naive_utc())
}

#[cfg(test)]
mod tests {
    use crate::domain::business_hours::test_fixtures::*;
    use chrono::TimeDelta;

    #[test]
    fn london_summer_opens_an_hour_earlier_in_utc() {
        let bh = office();
        // The first working second after Sunday noon UTC ends one second
        // after the opening. Winter (GMT): Mon 2026-01-12 09:00 = 09:00 UTC.
        let winter = bh.add_working(utc(2026, 1, 11, 12, 0), 1) - TimeDelta::seconds(1);
        assert_eq!(winter, utc(2026, 1, 12, 9, 0));
        // Summer (BST = UTC+1): Mon 2026-06-15 09:00 = 08:00 UTC.
        let summer = bh.add_working(utc(2026, 6, 14, 12, 0), 1) - TimeDelta::seconds(1);
        assert_eq!(summer, utc(2026, 6, 15, 8, 0));
        // 08:00-09:00 UTC is an hour of work in summer, none in winter.
        assert_eq!(
            bh.working_seconds(utc(2026, 6, 15, 8, 0), utc(2026, 6, 15, 9, 0)),
            HOUR
        );
        assert_eq!(
            bh.working_seconds(utc(2026, 1, 12, 8, 0), utc(2026, 1, 12, 9, 0)),
            0
        );
    }

    #[test]
    fn new_york_across_the_spring_switch() {
        let bh = parse_ok(
            "timezone: America/New_York\ndays: [mon, tue, wed, thu, fri]\nhours: 09:00-17:00\n",
        );
        // Clocks go forward on Sunday 2026-03-08. Fri 2026-03-06 12:00 EST
        // (17:00 UTC) to Mon 2026-03-09 12:00 EDT (16:00 UTC) is 71 real
        // hours, but the work is Fri 12:00-17:00 (5 h) + Mon 09:00-12:00 (3 h).
        let from = utc(2026, 3, 6, 17, 0);
        let to = utc(2026, 3, 9, 16, 0);
        assert_eq!((to - from).num_hours(), 71);
        assert_eq!(bh.working_seconds(from, to), 8 * HOUR);
        // Fri 16:00 EST + 2 h: 1 h Friday, 1 h from Mon 09:00 EDT = 14:00 UTC.
        assert_eq!(
            bh.add_working(utc(2026, 3, 6, 21, 0), 2 * HOUR),
            utc(2026, 3, 9, 14, 0)
        );
    }

    #[test]
    fn round_the_clock_counts_wall_clock_time_on_switch_days() {
        let bh = always("Europe/London");
        // Sun 2026-03-29: 00:00 GMT (00:00 UTC) to Mon 00:00 BST (Sun 23:00
        // UTC) is 23 real hours; the wall clock shows 24.
        let (a, b) = (utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 23, 0));
        assert_eq!(bh.working_seconds(a, b), 24 * HOUR);
        // Sun 2026-10-25: 00:00 BST (Sat 23:00 UTC) to Mon 00:00 GMT (00:00
        // UTC) is 25 real hours; the wall clock shows 24.
        let (c, d) = (utc(2026, 10, 24, 23, 0), utc(2026, 10, 26, 0, 0));
        assert_eq!(bh.working_seconds(c, d), 24 * HOUR);
        // While 01:00-02:00 repeats (01:00-02:00 UTC) business time stands
        // still, and splitting a span there still adds up.
        let repeat = utc(2026, 10, 25, 1, 30);
        assert_eq!(
            bh.working_seconds(c, repeat) + bh.working_seconds(repeat, d),
            24 * HOUR
        );
        assert_eq!(
            bh.working_seconds(utc(2026, 10, 25, 1, 0), utc(2026, 10, 25, 2, 0)),
            0
        );
        // 02:00 local is reached at 01:00 UTC (the end of the first pass),
        // 2 h after 00:00 BST: the earliest instant is that one.
        assert_eq!(bh.add_working(c, 2 * HOUR), utc(2026, 10, 25, 1, 0));
    }
}
