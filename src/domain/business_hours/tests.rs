//! Properties of the whole calendar, checked on random instants near and
//! far from daylight-saving switches: `add_working` is the earliest exact
//! answer and monotonic, `working_seconds` is additive. They hold across
//! every part of the module at once, so they live apart from any one file.

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use super::test_fixtures::*;
use super::BusinessHours;

fn calendars() -> Vec<BusinessHours> {
    let mut with_holidays = lunch();
    for (y, m, d) in [
        (2025, 12, 25),
        (2026, 4, 3),
        (2026, 12, 28),
        (2027, 5, 3),
        (2028, 1, 3),
    ] {
        with_holidays.holidays.insert(date(y, m, d));
    }
    // Night shifts in New York: the 00:00-01:45 window holds the hour
    // repeated in November but not the one skipped in March.
    let night = "timezone: America/New_York\ndays: [sun, mon, tue, wed, thu]\n\
                 hours: [\"00:00-01:45\", \"22:00-24:00\"]\n";
    let india = "timezone: Asia/Kolkata\ndays: [mon, tue, wed, thu, fri, sat]\n\
                 hours: 10:00-19:00\nholidays: [2026-01-26, 2026-08-15]\n";
    vec![
        with_holidays,
        parse_ok(night),
        parse_ok(india),
        always("America/New_York"),
    ]
}

/// The first calendars' windows never contain a daylight-saving gap, so
/// an exact amount is always reachable; the last one's do.
const EXACT: usize = 3;

/// Instants in 2025–2028: half uniform, half within three hours of a
/// London or New York clock change, where the edge cases live.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let (low, high) = (
        utc(2025, 1, 1, 0, 0).timestamp(),
        utc(2029, 1, 1, 0, 0).timestamp(),
    );
    let switches = [
        utc(2025, 3, 9, 7, 0),
        utc(2025, 3, 30, 1, 0),
        utc(2025, 10, 26, 1, 0),
        utc(2025, 11, 2, 6, 0),
        utc(2026, 3, 8, 7, 0),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 10, 25, 1, 0),
        utc(2026, 11, 1, 6, 0),
    ]
    .map(|at| at.timestamp());
    let near = (0..switches.len(), -3 * HOUR..3 * HOUR).prop_map(move |(i, d)| switches[i] + d);
    let secs = prop_oneof![low..high, near];
    (secs, 0u32..1_000_000_000)
        .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).expect("in range"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn add_working_is_the_earliest_exact_instant(
        which in 0..4usize, from in instant(), seconds in 0i64..60 * 86_400,
    ) {
        let bh = &calendars()[which];
        let due = bh.add_working(from, seconds);
        prop_assert!(due >= from);
        let worked = bh.working_seconds(from, due);
        if which < EXACT {
            prop_assert_eq!(worked, seconds);
        } else {
            prop_assert!(worked >= seconds);
        }
        if seconds > 0 {
            let just_before = bh.working_seconds(from, due - TimeDelta::seconds(1));
            prop_assert!(just_before < seconds);
        }
    }

    #[test]
    fn add_working_is_monotonic(
        which in 0..4usize, from in instant(), a in 0i64..60 * 86_400, b in 0i64..60 * 86_400,
    ) {
        let bh = &calendars()[which];
        let (low, high) = (a.min(b), a.max(b));
        prop_assert!(bh.add_working(from, low) <= bh.add_working(from, high));
    }

    #[test]
    fn working_seconds_is_additive(
        which in 0..4usize, a in instant(), b in instant(), c in instant(),
    ) {
        let bh = &calendars()[which];
        let mut points = [a, b, c];
        points.sort();
        let [a, b, c] = points;
        prop_assert_eq!(
            bh.working_seconds(a, b) + bh.working_seconds(b, c),
            bh.working_seconds(a, c)
        );
    }

    #[test]
    fn short_additive_steps_near_switches(
        which in 0..4usize, start in instant(), steps in proptest::collection::vec(0i64..4 * 3_600, 1..8),
    ) {
        // Small steps land inside switch hours far more often than
        // uniform points do.
        let bh = &calendars()[which];
        let mut at = start;
        let mut total = 0;
        for step in steps {
            let next = at + TimeDelta::seconds(step);
            total += bh.working_seconds(at, next);
            at = next;
        }
        prop_assert_eq!(total, bh.working_seconds(start, at));
    }
}
