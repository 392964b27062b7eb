//! What happened in a period, overall and per group: the figures of
//! `tkt report` and the site's reports page. docs/REPORTS.md defines each.

use super::{count, median, percentile, Count};
use crate::domain::lifeline::Lifeline;
use crate::domain::model::{Config, Status, TargetKind, Ticket};
use crate::domain::sla::{self, Measures, SlaCheck, SlaState};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// How rows are grouped: by a ticket's field, or by the week or month
/// events fell in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Category,
    Priority,
    Assignee,
    Requester,
    Week,
    Month,
}

impl GroupBy {
    fn is_time(self) -> bool {
        matches!(self, GroupBy::Week | GroupBy::Month)
    }
}

/// The report's window: `[since, until)`; no `since` means from the
/// first ticket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Period {
    pub since: Option<DateTime<Utc>>,
    pub until: DateTime<Utc>,
}

impl Period {
    fn contains(&self, at: DateTime<Utc>) -> bool {
        self.since.is_none_or(|s| at >= s) && at < self.until
    }
}

/// One ticket with what every row needs, computed once.
pub struct Case<'a> {
    pub ticket: &'a Ticket,
    pub life: &'a Lifeline,
    measures: Measures,
    checks: Vec<SlaCheck>,
}

impl<'a> Case<'a> {
    /// SLA checks are taken as of `now`; a target counts in the period in
    /// which its verdict was decided.
    pub fn new(
        config: &Config,
        ticket: &'a Ticket,
        life: &'a Lifeline,
        now: DateTime<Utc>,
    ) -> Self {
        let policy = &config.sla;
        Case {
            ticket,
            life,
            measures: sla::measure(policy, life),
            checks: sla::check(policy, policy.target(ticket.priority), life, now),
        }
    }
}

/// Count, median and 90th percentile of clock times, in seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stat {
    pub count: u64,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Stat {
    /// "3 h 20 min / 9 h": median / p90 in clock hours; none without a sample.
    pub fn text(&self) -> Option<String> {
        Some(format!(
            "{} / {}",
            super::clock_hours(self.median?),
            super::clock_hours(self.p90?)
        ))
    }

    fn of(mut values: Vec<i64>) -> Stat {
        let median = median(&mut values);
        Stat {
            count: values.len() as u64,
            median,
            p90: percentile(&values, 90),
        }
    }
}

/// Targets decided in the period: met or breached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compliance {
    pub target: TargetKind,
    pub met: u64,
    pub breached: u64,
    /// Met as a share of decided, in percent; `None` when none was decided.
    pub percent: Option<f64>,
}

/// Time tickets spent in one status within the period (calendar time).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusTime {
    pub status: Status,
    /// Tickets that were in the status at some point of the period.
    pub tickets: u64,
    /// Seconds, summed over those tickets.
    pub total: i64,
    /// Seconds per such ticket.
    pub mean: Option<i64>,
}

/// One group's figures (or the whole tracker's, in `Report::total`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub key: String,
    pub label: String,
    /// The row's window: the report's, or its week or month within it.
    pub since: Option<DateTime<Utc>>,
    pub until: DateTime<Utc>,
    pub opened: u64,
    pub resolved: u64,
    pub closed: u64,
    /// Not resolved or closed at the row's end.
    pub backlog: u64,
    pub first_response: Stat,
    pub first_resolution: Stat,
    pub resolution: Stat,
    pub compliance: Vec<Compliance>,
    /// Of the tickets resolved in the period, those reopened afterwards.
    pub reopened: u64,
    pub reopen_rate: Option<f64>,
    pub status_time: Vec<StatusTime>,
    /// Backlog by age at the row's end: <1 d, 1–3 d, 3–7 d, 1–4 w, >4 w.
    pub ageing: Vec<Count>,
    /// Minutes recorded with `--time` in the period.
    pub time_spent: u64,
}

impl Row {
    /// "87% of 60": targets of this kind met, of those decided; none when
    /// none was decided.
    pub fn compliance_text(&self, target: TargetKind) -> Option<String> {
        let c = self.compliance.iter().find(|c| c.target == target)?;
        Some(format!("{:.0}% of {}", c.percent?, c.met + c.breached))
    }
}

/// One person's share of the work in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workload {
    pub person: String,
    pub name: String,
    /// Unfinished tickets assigned to them now.
    pub open_assigned: u64,
    /// Tickets they resolved in the period.
    pub resolved: u64,
    /// Clock time of the first answers they gave in the period.
    pub first_response: Stat,
    pub time_spent: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub period: Period,
    pub by: Option<GroupBy>,
    /// Whether clock times count business hours only.
    pub business_hours: bool,
    pub total: Row,
    pub groups: Vec<Row>,
    pub workload: Vec<Workload>,
}

const AGE_BUCKETS: [(&str, i64); 5] = [
    ("<1 d", 1),
    ("1–3 d", 3),
    ("3–7 d", 7),
    ("1–4 w", 28),
    (">4 w", i64::MAX),
];

/// Computes the report over `tickets` as of `now`.
pub fn report(
    config: &Config,
    tickets: &[(&Ticket, &Lifeline)],
    period: Period,
    by: Option<GroupBy>,
    now: DateTime<Utc>,
) -> Report {
    report_on(config, &cases(config, tickets, now), period, by)
}

/// The per-ticket figures every report needs, computed once (in parallel)
/// so that several reports can share them.
pub fn cases<'a>(
    config: &Config,
    tickets: &[(&'a Ticket, &'a Lifeline)],
    now: DateTime<Utc>,
) -> Vec<Case<'a>> {
    tickets
        .par_iter()
        .map(|(t, l)| Case::new(config, t, l, now))
        .collect()
}

/// [`report`] over cases already computed.
pub fn report_on(config: &Config, cases: &[Case], period: Period, by: Option<GroupBy>) -> Report {
    let all: Vec<&Case> = cases.iter().collect();
    let total = row("total", "Total", &all, period, period.until);
    let groups = match by {
        None => vec![],
        Some(g) if g.is_time() => {
            let zone = config.sla.business_hours.as_ref().map(|b| b.timezone);
            time_rows(g, zone, &all, period)
        }
        Some(g) => field_rows(config, g, &all, period),
    };
    Report {
        period,
        by,
        business_hours: config.sla.business_hours.is_some(),
        total,
        groups,
        workload: workload(config, &all, period),
    }
}

fn field_rows(config: &Config, by: GroupBy, cases: &[&Case], period: Period) -> Vec<Row> {
    let mut groups: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
    for case in cases {
        let t = case.ticket;
        let key = match by {
            GroupBy::Category => t.category.clone(),
            GroupBy::Priority => t.priority.as_str().to_string(),
            GroupBy::Assignee => t.assignee.clone().unwrap_or_default(),
            _ => t.requester.clone(),
        };
        groups.entry(key).or_default().push(case);
    }
    let mut keys: Vec<String> = groups.keys().cloned().collect();
    match by {
        GroupBy::Category => keys.sort_by_key(|k| {
            let place = config.categories.iter().position(|c| &c.key == k);
            (place.is_none(), place)
        }),
        GroupBy::Priority => keys
            .sort_by_key(|k| std::cmp::Reverse(k.parse::<crate::domain::model::Priority>().ok())),
        _ => {}
    }
    keys.iter()
        .map(|key| {
            let label = match by {
                GroupBy::Category => config.category(key).map(|c| c.name.clone()),
                GroupBy::Priority => None,
                _ if key.is_empty() => Some("unassigned".to_string()),
                _ => config.person(key).map(|p| p.name.clone()),
            };
            let label = label.unwrap_or_else(|| key.clone());
            row(key, &label, &groups[key], period, period.until)
        })
        .collect()
}

/// Rows per week or month. Buckets start at local midnight in the
/// business-hours time zone (UTC without one), like `--since` dates.
fn time_rows(by: GroupBy, zone: Option<Tz>, cases: &[&Case], period: Period) -> Vec<Row> {
    let first = period
        .since
        .or_else(|| cases.iter().map(|c| c.life.created).min())
        .unwrap_or(period.until);
    let mut rows = Vec::new();
    let mut day = bucket_day(by, local_day(first, zone));
    loop {
        let start = local_midnight(day, zone);
        if start >= period.until {
            break;
        }
        let next = next_bucket_day(by, day);
        let end = local_midnight(next, zone);
        let window = Period {
            since: Some(start.max(first)),
            until: end.min(period.until),
        };
        let (key, label) = match by {
            GroupBy::Week => (
                day.format("%G-W%V").to_string(),
                format!("week of {}", day.format("%Y-%m-%d")),
            ),
            _ => (
                day.format("%Y-%m").to_string(),
                day.format("%B %Y").to_string(),
            ),
        };
        rows.push(row(&key, &label, cases, window, window.until));
        day = next;
    }
    rows
}

/// The first day of the week (Monday) or month holding `day`.
fn bucket_day(by: GroupBy, day: NaiveDate) -> NaiveDate {
    match by {
        GroupBy::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        _ => NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap_or(day),
    }
}

fn next_bucket_day(by: GroupBy, day: NaiveDate) -> NaiveDate {
    match by {
        GroupBy::Week => day + Duration::days(7),
        _ => {
            let (y, m) = if day.month() == 12 {
                (day.year() + 1, 1)
            } else {
                (day.year(), day.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(day + Duration::days(31))
        }
    }
}

/// The calendar day of `at` in `zone` (UTC without one).
pub fn local_day(at: DateTime<Utc>, zone: Option<Tz>) -> NaiveDate {
    match zone {
        Some(tz) => at.with_timezone(&tz).date_naive(),
        None => at.date_naive(),
    }
}

/// The instant a day starts in `zone` (UTC without one); a midnight lost
/// to a daylight-saving jump starts at the first instant after it.
pub fn local_midnight(day: NaiveDate, zone: Option<Tz>) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let Some(tz) = zone else {
        return Utc.from_utc_datetime(&midnight);
    };
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&(midnight + Duration::hours(h)))
                .earliest()
        })
        .map_or_else(
            || Utc.from_utc_datetime(&midnight),
            |t| t.with_timezone(&Utc),
        )
}

fn row(key: &str, label: &str, cases: &[&Case], window: Period, end: DateTime<Utc>) -> Row {
    let inside = |at: DateTime<Utc>| window.contains(at);
    let mut r = Row {
        key: key.to_string(),
        label: label.to_string(),
        since: window.since,
        until: window.until,
        opened: 0,
        resolved: 0,
        closed: 0,
        backlog: 0,
        first_response: Stat::default(),
        first_resolution: Stat::default(),
        resolution: Stat::default(),
        compliance: vec![],
        reopened: 0,
        reopen_rate: None,
        status_time: vec![],
        ageing: vec![],
        time_spent: 0,
    };
    let (mut first_response, mut first_resolution, mut resolution) = (vec![], vec![], vec![]);
    let mut decided: BTreeMap<TargetKind, (u64, u64)> = BTreeMap::new();
    let mut in_status: BTreeMap<Status, (u64, i64)> = BTreeMap::new();
    let mut seen_status: Vec<Status> = Vec::with_capacity(4);
    let mut ages = [0u64; AGE_BUCKETS.len()];
    let start = window.since.unwrap_or(DateTime::<Utc>::MIN_UTC);
    for case in cases {
        let life = case.life;
        if life.created > end && life.created >= window.until {
            continue;
        }
        r.opened += u64::from(inside(life.created));
        let resolved_here = life
            .resolutions
            .iter()
            .map(|(t, _)| *t)
            .find(|t| inside(*t));
        if let Some(at) = resolved_here {
            r.resolved += 1;
            if life.reopens.iter().any(|t| *t > at) {
                r.reopened += 1;
            }
        }
        let closes = life.statuses.iter().filter(|(_, s)| *s == Status::Closed);
        r.closed += u64::from(closes.clone().any(|(t, _)| inside(*t)));
        if life.created < end && life.status_at(end).is_some_and(|s| !s.is_done()) {
            r.backlog += 1;
            let age_days = (end - life.created).num_seconds() as f64 / 86_400.0;
            let bucket = AGE_BUCKETS
                .iter()
                .position(|(_, limit)| age_days < *limit as f64)
                .unwrap_or(AGE_BUCKETS.len() - 1);
            ages[bucket] += 1;
        }
        if life.answered().is_some_and(inside) {
            first_response.extend(case.measures.first_response);
        }
        if life.first_resolved.is_some_and(inside) {
            first_resolution.extend(case.measures.first_resolution);
        }
        if life.resolved.is_some_and(inside) {
            resolution.extend(case.measures.resolution);
        }
        for check in &case.checks {
            if check.decided().is_some_and(inside) {
                let tally = decided.entry(check.target).or_default();
                match check.state {
                    SlaState::Met => tally.0 += 1,
                    _ => tally.1 += 1,
                }
            }
        }
        seen_status.clear();
        for (status, a, b) in life.status_spans(start, window.until.min(end.max(start))) {
            if status == Status::Closed {
                continue;
            }
            let slot = in_status.entry(status).or_default();
            if !seen_status.contains(&status) {
                seen_status.push(status);
                slot.0 += 1;
            }
            slot.1 += (b - a).num_seconds();
        }
        r.time_spent += life
            .time_spent
            .iter()
            .filter(|(_, at, _)| inside(*at))
            .map(|(_, _, m)| m)
            .sum::<u64>();
    }
    r.first_response = Stat::of(first_response);
    r.first_resolution = Stat::of(first_resolution);
    r.resolution = Stat::of(resolution);
    r.reopen_rate = (r.resolved > 0).then(|| r.reopened as f64 * 100.0 / r.resolved as f64);
    r.compliance = decided
        .into_iter()
        .map(|(target, (met, breached))| Compliance {
            target,
            met,
            breached,
            percent: Some(met as f64 * 100.0 / (met + breached) as f64),
        })
        .collect();
    r.status_time = Status::ALL
        .iter()
        .filter_map(|s| {
            let (tickets, total) = *in_status.get(s)?;
            Some(StatusTime {
                status: *s,
                tickets,
                total,
                mean: (tickets > 0).then(|| total / tickets as i64),
            })
        })
        .collect();
    r.ageing = AGE_BUCKETS
        .iter()
        .zip(ages)
        .map(|((label, _), n)| count(label, label, n))
        .collect();
    r
}

fn workload(config: &Config, cases: &[&Case], period: Period) -> Vec<Workload> {
    let mut people: BTreeMap<&str, Workload> = BTreeMap::new();
    let mut answers: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let slot = |key: &str| -> Workload {
        Workload {
            person: key.to_string(),
            name: config
                .person(key)
                .map_or_else(|| key.to_string(), |p| p.name.clone()),
            open_assigned: 0,
            resolved: 0,
            first_response: Stat::default(),
            time_spent: 0,
        }
    };
    for p in config.people.iter().filter(|p| p.role.is_staff()) {
        people.insert(&p.key, slot(&p.key));
    }
    for case in cases {
        let (t, life) = (case.ticket, case.life);
        if let Some(a) = t.assignee.as_deref().filter(|_| !t.status.is_done()) {
            people.entry(a).or_insert_with(|| slot(a)).open_assigned += 1;
        }
        let resolved_here = life.resolutions.iter().find(|(at, _)| period.contains(*at));
        if let Some((_, by)) = resolved_here.filter(|(_, by)| !by.is_empty()) {
            people.entry(by).or_insert_with(|| slot(by)).resolved += 1;
        }
        if let Some((at, by)) = &life.first_response {
            if period.contains(*at) && life.answered() == Some(*at) {
                people.entry(by).or_insert_with(|| slot(by));
                answers
                    .entry(by)
                    .or_default()
                    .extend(case.measures.first_response);
            }
        }
        for (by, at, minutes) in &life.time_spent {
            if period.contains(*at) {
                people.entry(by).or_insert_with(|| slot(by)).time_spent += minutes;
            }
        }
    }
    let order = |key: &str| config.people.iter().position(|p| p.key == key);
    let mut out: Vec<Workload> = people
        .into_iter()
        .map(|(key, mut w)| {
            w.first_response = Stat::of(answers.remove(key).unwrap_or_default());
            w
        })
        .collect();
    out.sort_by_key(|w| {
        (
            order(&w.person).is_none(),
            order(&w.person),
            w.person.clone(),
        )
    });
    out
}
