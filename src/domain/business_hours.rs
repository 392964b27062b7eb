//! Business hours: the working calendar SLA clocks count in when a tracker
//! sets `sla.business_hours` in `helpdesk.yaml`.
//!
//! ```yaml
//! business_hours:
//!   timezone: Europe/London
//!   days: [mon, tue, wed, thu, fri]
//!   hours: ["09:00-12:30", "13:30-17:30"]   # or a single "09:00-17:30"
//!   holidays: [2026-12-25, 2026-12-28]
//! ```
//!
//! This is pure calendar arithmetic: no I/O, no global state, no clock
//! reads. Reports call it for every ticket, so the hot paths convert the two
//! endpoints to local time once and then count with integer arithmetic over
//! days, with a whole-week shortcut for long spans.
//!
//! Business time is *wall-clock* time inside the windows. Instants are
//! turned into local wall-clock time in the configured zone and the overlap
//! with each working day's windows is counted. Daylight-saving switches
//! usually happen at night, outside any window, and then change nothing. A
//! switch inside a window counts what the wall clock reads: in spring,
//! business time jumps forward with the clock (a 24-hour window still holds
//! 24 hours on the 23-hour day), and in autumn it stands still while the
//! clock repeats the hour (the 25-hour day also holds 24). That keeps every
//! business day the same length and `working_seconds` additive. Instants
//! are counted in whole seconds; sub-second parts are dropped.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{
    DateTime, Datelike, MappedLocalTime, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone,
    Utc, Weekday,
};
use chrono_tz::{GapInfo, Tz, TZ_VARIANTS};
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds in a calendar day of wall-clock time.
const DAY: i64 = 86_400;
/// Minutes in a day; "24:00" is allowed as the end of a window.
const MINUTES_PER_DAY: u16 = 1_440;
/// Day number of 1970-01-01 as chrono counts days from the common era.
const UNIX_EPOCH_CE_DAY: i64 = 719_163;
/// How far `add_working` looks ahead before giving up, so a calendar whose
/// holidays swallow every working day cannot hang a report.
const GUARD_DAYS: i64 = 20 * 366;
/// The largest backward jump of a UTC offset any zone has made (about a
/// day, when places moved across the date line), with margin.
const MAX_FOLD: i64 = 26 * 3_600;

const DAY_NAMES: [(&str, &str, Weekday); 7] = [
    ("mon", "monday", Weekday::Mon),
    ("tue", "tuesday", Weekday::Tue),
    ("wed", "wednesday", Weekday::Wed),
    ("thu", "thursday", Weekday::Thu),
    ("fri", "friday", Weekday::Fri),
    ("sat", "saturday", Weekday::Sat),
    ("sun", "sunday", Weekday::Sun),
];

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
    windows: Vec<(u16, u16)>,
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

    /// The integer view of the calendar the counting loops use, built once
    /// per call (the fields are public, so nothing derived is cached).
    fn calendar(&self) -> Calendar<'_> {
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
    fn local_seconds(&self, utc: i64) -> i64 {
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
    fn instant_of_local(&self, local: i64) -> Option<i64> {
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

/// The answer `add_working` gives when its search runs out.
fn give_up(from: DateTime<Utc>) -> DateTime<Utc> {
    from.checked_add_signed(TimeDelta::days(GUARD_DAYS))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn naive_of(local: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(local, 0).map(|at| at.naive_utc())
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
struct Calendar<'a> {
    /// Bit `n` set when weekday `n` (Monday = 0) is a working day.
    mask: u8,
    windows: &'a [(u16, u16)],
    /// Working seconds in one working day.
    day_seconds: i64,
    holidays: &'a BTreeSet<NaiveDate>,
}

impl Calendar<'_> {
    fn week_seconds(&self) -> i64 {
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
    fn between(&self, from: i64, to: i64) -> i64 {
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
    fn advance(&self, from: i64, seconds: i64) -> Option<i64> {
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

// ---- validation, shared by `new` and the YAML form ----

fn weekday_name(day: Weekday) -> &'static str {
    DAY_NAMES[day.num_days_from_monday() as usize].0
}

fn parse_day(text: &str) -> Result<Weekday, String> {
    let lower = text.trim().to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .find(|(short, long, _)| lower == *short || lower == *long)
        .map(|&(_, _, day)| day)
        .ok_or_else(|| format!("`{text}` is not a day; use mon, tue, wed, thu, fri, sat or sun"))
}

/// Checks the working days (as written, and parsed) and puts them in
/// Monday-first order so equal calendars compare equal.
fn check_days(days: impl IntoIterator<Item = (String, Weekday)>) -> Result<Vec<Weekday>, String> {
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

fn parse_timezone(text: &str) -> Result<Tz, String> {
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

fn format_window((start, end): (u16, u16)) -> String {
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

fn parse_window(text: &str) -> Result<(u16, u16), String> {
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

fn check_window(start: u16, end: u16) -> Result<(), String> {
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
fn check_windows(mut windows: Vec<(u16, u16)>) -> Result<Vec<(u16, u16)>, String> {
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

fn parse_holiday(text: &str) -> Result<NaiveDate, String> {
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

// ---- serde glue: every check runs inside the deserializer's visit, so
// serde_yaml's message names the field and points at the offending line ----

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

fn de_timezone<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Tz, D::Error> {
    parse_string(
        deserializer,
        parse_timezone,
        "an IANA time zone name such as Europe/London",
    )
}

fn ser_timezone<S: Serializer>(timezone: &Tz, serializer: S) -> Result<S::Ok, S::Error> {
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

fn de_days<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Weekday>, D::Error> {
    deserializer.deserialize_seq(ListVisitor {
        finish: |entries: Vec<DayEntry>| {
            check_days(entries.into_iter().map(|DayEntry(text, day)| (text, day)))
        },
        expecting: "a list of days such as [mon, tue, wed, thu, fri]",
    })
}

fn ser_days<S: Serializer>(days: &[Weekday], serializer: S) -> Result<S::Ok, S::Error> {
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

fn de_hours<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(u16, u16)>, D::Error> {
    deserializer.deserialize_any(HoursVisitor)
}

fn ser_hours<S: Serializer>(windows: &[(u16, u16)], serializer: S) -> Result<S::Ok, S::Error> {
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

fn de_holidays<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeSet<NaiveDate>, D::Error> {
    deserializer.deserialize_seq(ListVisitor {
        finish: |entries: Vec<HolidayEntry>| {
            Ok(entries.into_iter().map(|HolidayEntry(date)| date).collect())
        },
        expecting: "a list of dates such as [2026-12-25, 2026-12-28]",
    })
}

fn ser_holidays<S: Serializer>(
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
    use super::*;
    use chrono::Timelike;
    use proptest::prelude::*;

    const HOUR: i64 = 3_600;

    /// The UTC instant of a local wall-clock time (which must exist once).
    fn local(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("unambiguous local time")
            .with_timezone(&Utc)
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        local(Tz::UTC, y, mo, d, h, mi)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn parse(yaml: &str) -> Result<BusinessHours, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    fn parse_ok(yaml: &str) -> BusinessHours {
        parse(yaml).expect("valid business hours")
    }

    const WEEKDAYS: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    /// 09:00-17:00 Monday to Friday in London.
    fn office() -> BusinessHours {
        parse_ok("timezone: Europe/London\ndays: [mon, tue, wed, thu, fri]\nhours: 09:00-17:00\n")
    }

    /// 09:00-12:30 and 13:30-17:30 Monday to Friday in London: 7.5 h a day.
    fn lunch() -> BusinessHours {
        parse_ok(
            "timezone: Europe/London\ndays: [mon, tue, wed, thu, fri]\n\
             hours: [\"09:00-12:30\", \"13:30-17:30\"]\n",
        )
    }

    fn london(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        local(chrono_tz::Europe::London, y, mo, d, h, mi)
    }

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

    /// Every day, all day.
    fn always(timezone: &str) -> BusinessHours {
        parse_ok(&format!(
            "timezone: {timezone}\ndays: [mon, tue, wed, thu, fri, sat, sun]\nhours: 00:00-24:00\n"
        ))
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

    // ---- properties ----

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
