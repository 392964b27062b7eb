//! Metrics over the model: what happened to tickets and how fast. Pure:
//! `tkt report`, the dashboard and the reports page call it.

mod csv;
mod period;
mod summary;

pub use csv::{rows_csv, to_csv, workload_csv};
pub use period::{
    cases, local_day, local_midnight, report, report_on, Case, Compliance, GroupBy, Period, Report,
    Row, Stat, Workload,
};
pub use summary::{summarise, week_of, Summary, WeekFlow};

use chrono::Duration;
use serde::Serialize;

/// One labelled number: a bar in a chart, a row in a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub value: u64,
}

pub(crate) fn count(key: &str, label: &str, value: u64) -> Count {
    Count {
        key: key.to_string(),
        label: label.to_string(),
        value,
    }
}

/// The median; for an even count, the mean of the two middle values
/// (rounded down). Sorts the values.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        values[mid - 1] + (values[mid] - values[mid - 1]) / 2
    })
}

/// The nearest-rank percentile `p` (0–100): the smallest value with at
/// least p % of the values at or below it. Expects sorted values.
pub fn percentile<T: Copy>(sorted: &[T], p: u32) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * p as usize).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

/// A duration as a person reads it: "45 min", "3 h 20 min", "2 d 4 h".
pub fn human_duration(d: Duration) -> String {
    human_seconds(d.num_seconds())
}

/// [`human_duration`] of a number of seconds.
pub fn human_seconds(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min"),
        (0, _) if mins == 0 => format!("{hours} h"),
        (0, _) => format!("{hours} h {mins} min"),
        (_, 0) => format!("{days} d"),
        _ => format!("{days} d {hours} h"),
    }
}

/// Recorded time as "1.5 h"; none when nothing was recorded.
pub fn hours_text(minutes: u64) -> Option<String> {
    (minutes > 0).then(|| format!("{:.1} h", minutes as f64 / 60.0))
}

/// SLA clock time, in hours and minutes ("42 h 30 min"): with business
/// hours a "day" of clock time is not a calendar day, so days are not used.
pub fn clock_hours(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_percentiles() {
        assert_eq!(median(&mut [3, 1, 2]), Some(2));
        assert_eq!(median(&mut [240, 60]), Some(150));
        assert_eq!(median(&mut []), None);
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90), Some(9));
        assert_eq!(percentile(&ten, 50), Some(5));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile::<i64>(&[], 90), None);
        assert_eq!(human_duration(Duration::minutes(200)), "3 h 20 min");
        assert_eq!(human_duration(Duration::minutes(3000)), "2 d 2 h");
    }
}
