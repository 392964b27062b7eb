//! The dashboard's figures: counts now, weekly flow, medians over all time.

use super::{count, median, Count};
use crate::domain::lifeline::Lifeline;
use crate::domain::model::{Config, Priority, Status, Ticket};
use crate::domain::sla::measure;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Tickets opened and resolved in one ISO week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekFlow {
    /// The Monday that starts the week.
    pub week: NaiveDate,
    pub opened: u64,
    pub resolved: u64,
}

/// The aggregate figures shown on the dashboard and reports page. Nothing
/// in it names a ticket or a requester, so public builds may show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub total: u64,
    pub by_status: Vec<Count>,
    pub by_priority: Vec<Count>,
    pub by_category: Vec<Count>,
    pub open_by_assignee: Vec<Count>,
    pub weeks: Vec<WeekFlow>,
    /// Median SLA-clock time to the first answer, over tickets that had one.
    /// In seconds.
    pub median_first_response: Option<i64>,
    pub first_response_sample: u64,
    /// Median SLA-clock time to the (last) resolution, over done tickets.
    /// In seconds.
    pub median_resolution: Option<i64>,
    pub resolution_sample: u64,
}

/// Computes the summary. Categories and assignees keep the config's order
/// (unknown keys, from hand edits, come after it); weeks run without gaps
/// from the first ticket's week to the last activity's week.
pub fn summarise<'a>(
    config: &Config,
    tickets: impl Iterator<Item = (&'a Ticket, &'a Lifeline)>,
) -> Summary {
    let mut status = BTreeMap::new();
    let mut priority = BTreeMap::new();
    let mut category: BTreeMap<&str, u64> = BTreeMap::new();
    let mut assignee: BTreeMap<&str, u64> = BTreeMap::new();
    let mut opened: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut resolved: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut first_response = Vec::new();
    let mut resolution = Vec::new();
    let mut total = 0;
    for (t, f) in tickets {
        total += 1;
        *status.entry(t.status).or_insert(0) += 1;
        *priority.entry(t.priority).or_insert(0) += 1;
        *category.entry(t.category.as_str()).or_insert(0) += 1;
        if !t.status.is_done() {
            *assignee
                .entry(t.assignee.as_deref().unwrap_or(""))
                .or_insert(0) += 1;
        }
        *opened.entry(week_of(t.created)).or_insert(0) += 1;
        let clock = measure(&config.sla, f);
        first_response.extend(clock.first_response);
        if let Some(at) = f.resolved {
            *resolved.entry(week_of(at)).or_insert(0) += 1;
        }
        resolution.extend(clock.resolution);
    }
    Summary {
        total,
        by_status: Status::ALL
            .iter()
            .map(|s| count(s.as_str(), s.as_str(), *status.get(s).unwrap_or(&0)))
            .collect(),
        by_priority: Priority::ALL
            .iter()
            .rev()
            .map(|p| count(p.as_str(), p.as_str(), *priority.get(p).unwrap_or(&0)))
            .collect(),
        by_category: in_config_order(
            category,
            config
                .categories
                .iter()
                .map(|c| (c.key.as_str(), c.name.as_str())),
        ),
        open_by_assignee: assignee_counts(config, assignee),
        weeks: weekly(&opened, &resolved),
        first_response_sample: first_response.len() as u64,
        median_first_response: median(&mut first_response),
        resolution_sample: resolution.len() as u64,
        median_resolution: median(&mut resolution),
    }
}

fn in_config_order<'a>(
    mut counts: BTreeMap<&str, u64>,
    known: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<Count> {
    let mut out: Vec<Count> = known
        .map(|(key, label)| count(key, label, counts.remove(key).unwrap_or(0)))
        .collect();
    out.extend(counts.into_iter().map(|(k, v)| count(k, k, v)));
    out
}

fn assignee_counts(config: &Config, mut counts: BTreeMap<&str, u64>) -> Vec<Count> {
    let unassigned = counts.remove("");
    let staff: Vec<(&str, &str)> = config
        .people
        .iter()
        .filter(|p| p.role.is_staff() || counts.contains_key(p.key.as_str()))
        .map(|p| (p.key.as_str(), p.name.as_str()))
        .collect();
    let mut out = in_config_order(counts, staff.into_iter());
    out.push(count("", "unassigned", unassigned.unwrap_or(0)));
    out
}

/// The Monday of the ISO week holding `at`.
pub fn week_of(at: DateTime<Utc>) -> NaiveDate {
    let day = at.date_naive();
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

fn weekly(opened: &BTreeMap<NaiveDate, u64>, resolved: &BTreeMap<NaiveDate, u64>) -> Vec<WeekFlow> {
    let first = opened.keys().chain(resolved.keys()).min();
    let last = opened.keys().chain(resolved.keys()).max();
    let (Some(&first), Some(&last)) = (first, last) else {
        return vec![];
    };
    let mut weeks = Vec::new();
    let mut week = first;
    while week <= last {
        weeks.push(WeekFlow {
            week,
            opened: *opened.get(&week).unwrap_or(&0),
            resolved: *resolved.get(&week).unwrap_or(&0),
        });
        week += Duration::days(7);
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_have_no_gaps() {
        assert_eq!(
            week_of(at("2026-01-11T23:00:00Z")),
            "2026-01-05".parse().unwrap()
        );
        let opened = BTreeMap::from([("2026-01-05".parse().unwrap(), 2)]);
        let resolved = BTreeMap::from([("2026-01-19".parse().unwrap(), 1)]);
        let weeks = weekly(&opened, &resolved);
        assert_eq!(weeks.len(), 3);
        assert_eq!((weeks[1].opened, weeks[1].resolved), (0, 0));
    }
}
