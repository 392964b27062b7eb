//! Metrics over the model: what happened to tickets and how fast. Pure:
//! the site's dashboard and reports page (and later `tkt report`) call it.

use crate::model::{Config, Entry, EntryKind, Priority, Status, Ticket};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Moments of a ticket's life read off its timeline, so reports need not
/// keep every entry in memory.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TicketFacts {
    /// The first public reply by someone other than the requester.
    pub first_response: Option<DateTime<Utc>>,
    /// The first time the ticket was resolved.
    pub first_resolved: Option<DateTime<Utc>>,
    /// The last time it was set to resolved (only if it is done now).
    pub resolved: Option<DateTime<Utc>>,
    /// The latest moment anything was written about the ticket.
    pub last_activity: DateTime<Utc>,
}

impl TicketFacts {
    /// Reads the facts from a ticket and its timeline (oldest first). A
    /// ticket registered as resolved (answered on the spot) has no status
    /// event: it counts as resolved when it was created.
    pub fn of<'a>(ticket: &Ticket, timeline: impl IntoIterator<Item = &'a Entry>) -> TicketFacts {
        let mut facts = TicketFacts {
            last_activity: ticket.updated.max(ticket.created),
            ..TicketFacts::default()
        };
        for entry in timeline {
            facts.last_activity = facts.last_activity.max(entry.date);
            if entry.kind == EntryKind::Reply
                && entry.author != ticket.requester
                && facts.first_response.is_none()
            {
                facts.first_response = Some(entry.date);
            }
            if entry
                .changes
                .iter()
                .any(|c| c.field == "status" && c.to.as_deref() == Some(Status::Resolved.as_str()))
            {
                facts.first_resolved.get_or_insert(entry.date);
                facts.resolved = Some(entry.date);
            }
        }
        if ticket.status.is_done() {
            facts.resolved.get_or_insert(ticket.created);
            facts.first_resolved.get_or_insert(ticket.created);
        } else {
            facts.resolved = None;
        }
        facts
    }
}

/// One labelled number: a bar in a chart, a row in a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    pub key: String,
    pub label: String,
    pub value: u64,
}

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
    /// Median time to first response, over tickets that had one.
    pub median_first_response: Option<Duration>,
    pub first_response_sample: u64,
    /// Median time from creation to (last) resolution, over done tickets.
    pub median_resolution: Option<Duration>,
    pub resolution_sample: u64,
}

/// Computes the summary. Categories and assignees keep the config's order
/// (unknown keys, from hand edits, come after it); weeks run without gaps
/// from the first ticket's week to the last activity's week.
pub fn summarise<'a>(
    config: &Config,
    tickets: impl Iterator<Item = (&'a Ticket, &'a TicketFacts)> + Clone,
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
        if let Some(at) = f.first_response {
            first_response.push(at - t.created);
        }
        if let Some(at) = f.resolved {
            *resolved.entry(week_of(at)).or_insert(0) += 1;
            resolution.push(at - t.created);
        }
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

fn count(key: &str, label: &str, value: u64) -> Count {
    Count {
        key: key.to_string(),
        label: label.to_string(),
        value,
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

/// The median; for an even count, the mean of the two middle values.
pub fn median(values: &mut [Duration]) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    })
}

/// A duration as a person reads it: "45 min", "3 h 20 min", "2 d 4 h".
pub fn human_duration(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min"),
        (0, _) if mins == 0 => format!("{hours} h"),
        (0, _) => format!("{hours} h {mins} min"),
        (_, 0) => format!("{days} d"),
        _ => format!("{days} d {hours} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Change;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn ticket(status: Status, created: &str) -> Ticket {
        let yaml = format!(
            "id: TKT001\nuid: u\nsubject: s\nstatus: {status}\npriority: high\ncategory: technical\n\
             requester: priya\ncreated: {created}\nupdated: {created}\n"
        );
        serde_yaml::from_str(&yaml).unwrap()
    }

    fn entry(author: &str, date: &str, kind: EntryKind, to: Option<Status>) -> Entry {
        Entry {
            author: author.into(),
            date: at(date),
            kind,
            changes: to
                .map(|s| vec![Change::new("status", Some("open"), Some(s.as_str()))])
                .unwrap_or_default(),
            attachments: vec![],
            body: String::new(),
        }
    }

    #[test]
    fn first_response_skips_the_requester_and_notes() {
        let t = ticket(Status::Open, "2026-01-05T09:00:00Z");
        let timeline = [
            entry("priya", "2026-01-05T09:10:00Z", EntryKind::Reply, None),
            entry("tomas", "2026-01-05T09:20:00Z", EntryKind::Note, None),
            entry("tomas", "2026-01-05T10:00:00Z", EntryKind::Reply, None),
        ];
        let f = TicketFacts::of(&t, &timeline);
        assert_eq!(f.first_response, Some(at("2026-01-05T10:00:00Z")));
        assert_eq!(f.resolved, None);
    }

    #[test]
    fn resolution_is_the_last_resolve_and_on_the_spot_counts_at_creation() {
        let t = ticket(Status::Resolved, "2026-01-05T09:00:00Z");
        let timeline = [
            entry(
                "tomas",
                "2026-01-06T09:00:00Z",
                EntryKind::Event,
                Some(Status::Resolved),
            ),
            entry(
                "priya",
                "2026-01-07T09:00:00Z",
                EntryKind::Event,
                Some(Status::Open),
            ),
            entry(
                "tomas",
                "2026-01-08T09:00:00Z",
                EntryKind::Event,
                Some(Status::Resolved),
            ),
        ];
        let f = TicketFacts::of(&t, &timeline);
        assert_eq!(f.first_resolved, Some(at("2026-01-06T09:00:00Z")));
        assert_eq!(f.resolved, Some(at("2026-01-08T09:00:00Z")));
        let spot = TicketFacts::of(&t, std::iter::empty());
        assert_eq!(spot.resolved, Some(at("2026-01-05T09:00:00Z")));
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

    #[test]
    fn median_of_even_and_odd_counts() {
        let h = Duration::hours;
        assert_eq!(median(&mut [h(3), h(1), h(2)]), Some(h(2)));
        assert_eq!(median(&mut [h(4), h(1)]), Some(Duration::minutes(150)));
        assert_eq!(median(&mut []), None);
        assert_eq!(human_duration(Duration::minutes(200)), "3 h 20 min");
        assert_eq!(human_duration(Duration::minutes(3000)), "2 d 2 h");
    }
}
