//! The SLA clock: for each target of a ticket's priority, how much of the
//! allowed time is used, when it is due, and whether it was met. Pure: the
//! caller says what "now" is.
//!
//! A clock counts business time when the tracker sets business hours
//! (calendar time otherwise), only while the ticket is not in a pause
//! status and not resolved or closed. docs/REPORTS.md defines every rule.

use crate::domain::business_hours::BusinessHours;
use crate::domain::lifeline::Lifeline;
use crate::domain::model::{Config, SlaPolicy, SlaTarget, Status, TargetKind, Ticket};
use crate::domain::query::urgency_key;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlaState {
    Met,
    OnTrack,
    AtRisk,
    Breached,
}

impl SlaState {
    pub const ALL: [SlaState; 4] = [
        SlaState::Breached,
        SlaState::AtRisk,
        SlaState::OnTrack,
        SlaState::Met,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Met => "met",
            SlaState::Breached => "breached",
            SlaState::AtRisk => "at-risk",
            SlaState::OnTrack => "on-track",
        }
    }
}

impl std::str::FromStr for SlaState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        SlaState::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
            .ok_or_else(|| {
                format!("unknown SLA state `{s}`; allowed: breached, at-risk, on-track, met")
            })
    }
}

/// One target's verdict. A ticket has one per target, and one next-reply
/// check per requester reply that waited for an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaCheck {
    pub target: TargetKind,
    /// When this clock started: creation, or the requester's reply.
    pub start: DateTime<Utc>,
    /// Clock time allowed, in seconds.
    pub allowed: i64,
    /// Clock time used so far (or until done), in seconds.
    pub used: i64,
    /// When the allowed time runs (or ran) out; `None` while the clock is
    /// stopped with time left.
    pub due: Option<DateTime<Utc>>,
    /// When the target was reached, if it was.
    pub done: Option<DateTime<Utc>>,
    pub state: SlaState,
    /// The clock stands still now (pause status) with the target unmet.
    pub paused: bool,
}

impl SlaCheck {
    /// Unmet and past or near its due time: what `tkt overdue` lists.
    pub fn is_urgent(&self) -> bool {
        self.done.is_none() && matches!(self.state, SlaState::Breached | SlaState::AtRisk)
    }

    /// When the verdict became final: done, or the moment it was breached.
    pub fn decided(&self) -> Option<DateTime<Utc>> {
        match self.state {
            SlaState::Met => self.done,
            SlaState::Breached => self.due.or(self.done),
            _ => None,
        }
    }
}

/// How a clock counts time.
#[derive(Debug, Clone, Copy)]
pub enum Calendar<'a> {
    Continuous,
    Business(&'a BusinessHours),
}

impl<'a> Calendar<'a> {
    pub fn of(policy: &'a SlaPolicy) -> Calendar<'a> {
        match &policy.business_hours {
            Some(hours) => Calendar::Business(hours),
            None => Calendar::Continuous,
        }
    }

    /// Clock seconds in `[from, to)`.
    pub fn seconds(self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        match self {
            Calendar::Continuous => (to - from).num_seconds(),
            Calendar::Business(hours) => hours.working_seconds(from, to),
        }
    }

    /// The moment `seconds` of clock time after `from`.
    pub fn add(self, from: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        match self {
            Calendar::Continuous => from + Duration::seconds(seconds),
            Calendar::Business(hours) => hours.add_working(from, seconds),
        }
    }
}

/// The periods during which a ticket's clocks run, `[from, to)`; the last
/// may be open (`None`: still running).
#[derive(Debug, Clone)]
pub struct Clock<'a> {
    calendar: Calendar<'a>,
    running: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

impl<'a> Clock<'a> {
    pub fn new(policy: &'a SlaPolicy, life: &Lifeline) -> Clock<'a> {
        let runs = |s: Status| !s.is_done() && !policy.pauses(s);
        let mut running: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = Vec::new();
        for (i, (from, status)) in life.statuses.iter().enumerate() {
            let to = life.statuses.get(i + 1).map(|(t, _)| *t);
            if !runs(*status) || to.is_some_and(|to| to <= *from) {
                continue;
            }
            match running.last_mut() {
                Some((_, end)) if *end == Some(*from) => *end = to,
                _ => running.push((*from, to)),
            }
        }
        Clock {
            calendar: Calendar::of(policy),
            running,
        }
    }

    /// Clock seconds between `start` and `stop`.
    pub fn used(&self, start: DateTime<Utc>, stop: DateTime<Utc>) -> i64 {
        self.running
            .iter()
            .map(|(a, b)| {
                let b = b.map_or(stop, |b| b.min(stop));
                self.calendar.seconds((*a).max(start), b)
            })
            .sum()
    }

    /// When `budget` seconds after `start` run out, if the clock ever gets
    /// that far on its known periods (a stopped clock may not).
    pub fn due(&self, start: DateTime<Utc>, budget: i64) -> Option<DateTime<Utc>> {
        let mut left = budget;
        for (a, b) in &self.running {
            let a = (*a).max(start);
            match b {
                None => return Some(self.calendar.add(a, left)),
                Some(b) if *b <= a => continue,
                Some(b) => {
                    let here = self.calendar.seconds(a, *b);
                    if here >= left {
                        return Some(self.calendar.add(a, left));
                    }
                    left -= here;
                }
            }
        }
        None
    }

    /// Whether the clock runs at `at`.
    pub fn runs_at(&self, at: DateTime<Utc>) -> bool {
        self.running
            .iter()
            .any(|(a, b)| *a <= at && b.is_none_or(|b| at < b))
    }
}

/// Clock time to the first answer, the first and the last resolution,
/// whatever the targets: the figures reports take medians of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Measures {
    pub first_response: Option<i64>,
    pub first_resolution: Option<i64>,
    pub resolution: Option<i64>,
}

pub fn measure(policy: &SlaPolicy, life: &Lifeline) -> Measures {
    let clock = Clock::new(policy, life);
    Measures {
        first_response: life.answered().map(|at| clock.used(life.created, at)),
        first_resolution: life.first_resolved.map(|at| clock.used(life.created, at)),
        resolution: life.resolved.map(|at| clock.used(life.created, at)),
    }
}

/// Checks a ticket against its priority's targets (none if the config
/// sets none for it), as of `now`.
pub fn check(
    policy: &SlaPolicy,
    target: Option<&SlaTarget>,
    life: &Lifeline,
    now: DateTime<Utc>,
) -> Vec<SlaCheck> {
    let Some(target) = target else {
        return vec![];
    };
    let clock = Clock::new(policy, life);
    let judge = |kind, start, done| {
        let allowed = target.span(kind).map_or(0, span_seconds);
        verdict(&clock, policy, kind, allowed, start, done, now)
    };
    let mut checks = vec![judge(
        TargetKind::FirstResponse,
        life.created,
        life.answered(),
    )];
    if target.next_reply.is_some() {
        for (start, done) in next_reply_cycles(life) {
            if start <= now {
                checks.push(judge(TargetKind::NextReply, start, done));
            }
        }
    }
    checks.push(judge(TargetKind::Resolution, life.created, life.resolved));
    checks
}

fn span_seconds(span: crate::domain::model::Span) -> i64 {
    i64::try_from(span.minutes.saturating_mul(60)).unwrap_or(i64::MAX / 4)
}

fn verdict(
    clock: &Clock,
    policy: &SlaPolicy,
    target: TargetKind,
    allowed: i64,
    start: DateTime<Utc>,
    done: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> SlaCheck {
    let stop = done.unwrap_or(now).max(start);
    let used = clock.used(start, stop);
    let state = match done {
        Some(_) if used <= allowed => SlaState::Met,
        Some(_) => SlaState::Breached,
        None if used >= allowed => SlaState::Breached,
        None if used as f64 >= allowed as f64 * policy.at_risk.0 => SlaState::AtRisk,
        None => SlaState::OnTrack,
    };
    SlaCheck {
        target,
        start,
        allowed,
        used,
        due: clock.due(start, allowed),
        done,
        state,
        paused: done.is_none() && !clock.runs_at(now),
    }
}

/// Each requester reply that came after the first answer starts a wait
/// for the next reply by someone else (or a resolution); replies while one
/// is pending do not start another.
pub fn next_reply_cycles(life: &Lifeline) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let Some(answered) = life.answered() else {
        return vec![];
    };
    let resolutions: Vec<DateTime<Utc>> = life
        .statuses
        .iter()
        .filter(|(_, s)| s.is_done())
        .map(|(t, _)| *t)
        .collect();
    let mut cycles = Vec::new();
    let mut pending: Option<DateTime<Utc>> = None;
    for reply in &life.replies {
        match (reply.by_requester, pending) {
            (true, None) if reply.at > answered => pending = Some(reply.at),
            (false, Some(start)) => {
                cycles.push((start, Some(reply.at)));
                pending = None;
            }
            _ => {}
        }
    }
    if let Some(start) = pending {
        let end = resolutions.iter().find(|t| **t >= start).copied();
        cycles.push((start, end));
    }
    // A cycle a resolution ended before the reply that answered it.
    for cycle in &mut cycles {
        if let (start, Some(end)) = cycle {
            if let Some(r) = resolutions.iter().find(|t| **t >= *start && **t < *end) {
                *end = *r;
            }
        }
    }
    cycles
}

/// The worst state among a ticket's checks, for lists and the dashboard.
pub fn worst(checks: &[SlaCheck]) -> Option<SlaState> {
    checks.iter().map(|c| c.state).max()
}

/// The urgent checks of every unfinished ticket, most urgent first:
/// breached before at risk, then the earliest due time.
pub fn overdue<'a>(
    config: &Config,
    tickets: &'a [(Ticket, Lifeline)],
    now: DateTime<Utc>,
) -> Vec<(&'a Ticket, SlaCheck)> {
    let mut items: Vec<(&Ticket, SlaCheck)> = tickets
        .iter()
        .filter(|(t, _)| !t.status.is_done())
        .flat_map(|(t, life)| {
            check(&config.sla, config.sla.target(t.priority), life, now)
                .into_iter()
                .filter(SlaCheck::is_urgent)
                .map(move |c| (t, c))
        })
        .collect();
    items.sort_by(|(ta, a), (tb, b)| {
        (b.state.cmp(&a.state))
            .then(a.due.is_none().cmp(&b.due.is_none()))
            .then(a.due.cmp(&b.due))
            .then(urgency_key(ta).cmp(&urgency_key(tb)))
    });
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifeline::fixtures::*;
    use crate::domain::model::{EntryKind, Span};

    fn policy(targets: &str) -> SlaPolicy {
        serde_yaml::from_str(targets).unwrap()
    }

    fn hours(h: i64) -> i64 {
        h * 3600
    }

    #[test]
    fn states_in_calendar_time() {
        // high: first response 4 h, resolution 2 d; created Mon 09:00.
        let p = policy("high: { first_response: 4h, resolution: 2d }");
        let t = ticket(Status::Open, "high", "2026-01-05T09:00:00Z");
        let life = Lifeline::of(&t, std::iter::empty());
        let first = |now: &str| check(&p, p.high.as_ref(), &life, at(now))[0].clone();
        // 1 h of 4 used: on track; 3 h (75 %): at risk; 4 h: breached.
        assert_eq!(first("2026-01-05T10:00:00Z").state, SlaState::OnTrack);
        assert_eq!(first("2026-01-05T12:00:00Z").state, SlaState::AtRisk);
        let late = first("2026-01-05T13:00:00Z");
        assert_eq!(late.state, SlaState::Breached);
        assert_eq!(late.due, Some(at("2026-01-05T13:00:00Z")));
        assert_eq!(late.used, hours(4));
    }

    #[test]
    fn a_pause_stops_the_clock_and_a_reopen_restarts_it_where_it_stopped() {
        // Created Mon 09:00. Waiting on the requester 10:00–14:00 (paused),
        // resolved Tue 09:00, reopened Wed 09:00, resolved again Wed 11:00.
        // Resolution clock: 09–10 (1 h) + 14:00 Mon–09:00 Tue (19 h)
        // + Wed 09–11 (2 h) = 22 h.
        let p = policy("high: { first_response: 4h, resolution: 20h }");
        let t = ticket(Status::Resolved, "high", "2026-01-05T09:00:00Z");
        use Status::*;
        let timeline = [
            entry("tomas", "2026-01-05T10:00:00Z", EntryKind::Reply),
            status(
                "tomas",
                "2026-01-05T10:00:00Z",
                InProgress,
                WaitingOnRequester,
            ),
            status(
                "priya",
                "2026-01-05T14:00:00Z",
                WaitingOnRequester,
                InProgress,
            ),
            status("tomas", "2026-01-06T09:00:00Z", InProgress, Resolved),
            status("priya", "2026-01-07T09:00:00Z", Resolved, InProgress),
            status("tomas", "2026-01-07T11:00:00Z", InProgress, Resolved),
        ];
        let life = Lifeline::of(&t, &timeline);
        let checks = check(&p, p.high.as_ref(), &life, at("2026-02-01T00:00:00Z"));
        assert_eq!(checks[0].used, hours(1));
        assert_eq!(checks[0].state, SlaState::Met);
        let resolution = &checks[1];
        assert_eq!(resolution.used, hours(22));
        assert_eq!(resolution.state, SlaState::Breached);
        // 20 h ran out Wed 09:00 + 0 h? 1 + 19 = 20 h exactly at Tue 09:00.
        assert_eq!(resolution.due, Some(at("2026-01-06T09:00:00Z")));
        assert_eq!(measure(&p, &life).resolution, Some(hours(22)));
    }

    #[test]
    fn paused_tickets_have_no_due_time() {
        let p = policy("high: { first_response: 4h, resolution: 2d }");
        let t = ticket(Status::WaitingOnRequester, "high", "2026-01-05T09:00:00Z");
        let timeline = [status(
            "tomas",
            "2026-01-05T10:00:00Z",
            Status::Open,
            Status::WaitingOnRequester,
        )];
        let life = Lifeline::of(&t, &timeline);
        let c = &check(&p, p.high.as_ref(), &life, at("2026-01-09T00:00:00Z"))[0];
        assert!(c.paused);
        assert_eq!(
            (c.used, c.due, c.state),
            (hours(1), None, SlaState::OnTrack)
        );
    }

    #[test]
    fn next_reply_cycles_start_at_requester_replies() {
        // Answered 10:00; requester replies 11:00 and 11:30 (one wait),
        // operator answers 13:00 (2 h: met within 3 h); requester replies
        // 15:00, still unanswered at 19:00 (4 h: breached).
        let p = policy("high: { first_response: 4h, resolution: 2d, next_reply: 3h }");
        let t = ticket(Status::InProgress, "high", "2026-01-05T09:00:00Z");
        let timeline = [
            entry("priya", "2026-01-05T09:30:00Z", EntryKind::Reply),
            entry("tomas", "2026-01-05T10:00:00Z", EntryKind::Reply),
            entry("priya", "2026-01-05T11:00:00Z", EntryKind::Reply),
            entry("priya", "2026-01-05T11:30:00Z", EntryKind::Reply),
            entry("tomas", "2026-01-05T13:00:00Z", EntryKind::Reply),
            entry("priya", "2026-01-05T15:00:00Z", EntryKind::Reply),
        ];
        let life = Lifeline::of(&t, &timeline);
        let checks = check(&p, p.high.as_ref(), &life, at("2026-01-05T19:00:00Z"));
        let next: Vec<_> = checks
            .iter()
            .filter(|c| c.target == TargetKind::NextReply)
            .map(|c| (c.start, c.used, c.state))
            .collect();
        assert_eq!(
            next,
            vec![
                (at("2026-01-05T11:00:00Z"), hours(2), SlaState::Met),
                (at("2026-01-05T15:00:00Z"), hours(4), SlaState::Breached),
            ]
        );
    }

    #[test]
    fn no_target_no_checks() {
        let p = policy("high: { first_response: 4h, resolution: 2d }");
        let t = ticket(Status::Open, "low", "2026-01-05T09:00:00Z");
        let life = Lifeline::of(&t, std::iter::empty());
        assert!(check(&p, p.low.as_ref(), &life, at("2026-01-06T00:00:00Z")).is_empty());
        assert_eq!(Span { minutes: 1 }.minutes, 1);
    }
}
