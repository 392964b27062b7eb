//! What happened to a ticket over time, read once from its timeline: its
//! statuses, who answered when, when it was resolved, reopened and closed,
//! time spent, escalation rules applied. The SLA clock and the reports
//! work from this, so they need not keep every entry's text in memory.

use crate::domain::model::{Entry, EntryKind, Status, Ticket};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A ticket's history in the terms reports use. Times are UTC instants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lifeline {
    pub created: DateTime<Utc>,
    /// The status from each moment on, oldest first; the first is the
    /// status at creation.
    pub statuses: Vec<(DateTime<Utc>, Status)>,
    /// Public replies, oldest first.
    pub replies: Vec<Reply>,
    /// The first public reply by someone other than the requester.
    pub first_response: Option<(DateTime<Utc>, String)>,
    /// The first time work on it ended: resolved, or closed unresolved.
    pub first_resolved: Option<DateTime<Utc>>,
    /// The last time work on it ended, only if it is resolved or closed
    /// now (answered on the spot: when it was created).
    pub resolved: Option<DateTime<Utc>>,
    /// Every time work on it ended, and by whom (empty: a hand edit).
    pub resolutions: Vec<(DateTime<Utc>, String)>,
    /// The last time it was closed, only if it is closed now.
    pub closed: Option<DateTime<Utc>>,
    /// Each time it left resolved or closed for work again.
    pub reopens: Vec<DateTime<Utc>>,
    /// Time recorded with `--time`: who, when, minutes.
    pub time_spent: Vec<(String, DateTime<Utc>, u64)>,
    /// Escalation rules already applied (`tkt sla apply`).
    pub rules_applied: Vec<String>,
    /// The latest moment anything was written about the ticket.
    pub last_activity: DateTime<Utc>,
}

/// One public reply: when, and whether the requester wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub at: DateTime<Utc>,
    pub by_requester: bool,
}

impl Lifeline {
    /// Reads the lifeline from a ticket and its timeline. Entries are
    /// taken in date order whatever order they come in.
    pub fn of<'a>(ticket: &Ticket, timeline: impl IntoIterator<Item = &'a Entry>) -> Lifeline {
        let mut entries: Vec<&Entry> = timeline.into_iter().collect();
        entries.sort_by_key(|e| e.date);
        let mut life = Lifeline {
            created: ticket.created,
            last_activity: ticket.updated.max(ticket.created),
            statuses: vec![(ticket.created, initial_status(ticket, &entries))],
            ..Lifeline::default()
        };
        for entry in entries {
            life.read(ticket, entry);
        }
        life.finish(ticket);
        life
    }

    fn read(&mut self, ticket: &Ticket, entry: &Entry) {
        let at = entry.date.max(self.created);
        self.last_activity = self.last_activity.max(entry.date);
        if entry.kind == EntryKind::Reply {
            let by_requester = entry.author == ticket.requester;
            self.replies.push(Reply { at, by_requester });
            if !by_requester && self.first_response.is_none() {
                self.first_response = Some((at, entry.author.clone()));
            }
        }
        if let Some(minutes) = entry.time_spent {
            self.time_spent
                .push((entry.author.clone(), at, minutes.minutes));
        }
        for change in &entry.changes {
            match change.field.as_str() {
                "status" => {
                    let Some(to) = change.to.as_deref().and_then(|s| s.parse().ok()) else {
                        continue;
                    };
                    self.status_change(at, to, &entry.author);
                }
                "sla-rule" => self.rules_applied.extend(change.to.clone()),
                _ => {}
            }
        }
    }

    /// A move into resolved, or into closed from unfinished work, ends
    /// the work: a ticket closed without a solution (a duplicate, spam)
    /// is finished when closed. Closing a resolved ticket ends nothing new.
    fn status_change(&mut self, at: DateTime<Utc>, to: Status, author: &str) {
        let was_done = self.statuses.last().is_some_and(|(_, s)| s.is_done());
        if was_done && !to.is_done() {
            self.reopens.push(at);
        }
        if !was_done && to.is_done() {
            self.first_resolved.get_or_insert(at);
            self.resolved = Some(at);
            self.resolutions.push((at, author.to_string()));
        }
        if to == Status::Closed {
            self.closed = Some(at);
        }
        self.statuses.push((at, to));
    }

    fn finish(&mut self, ticket: &Ticket) {
        // A hand edit of ticket.md may leave the timeline behind: the
        // file's status is the truth from its last update on (by nobody
        // known, so no one is credited).
        if self.statuses.last().map(|(_, s)| *s) != Some(ticket.status) {
            let at = ticket
                .updated
                .max(self.statuses.last().map_or(self.created, |(t, _)| *t));
            self.status_change(at, ticket.status, "");
        }
        if ticket.status.is_done() {
            // Registered as resolved (answered on the spot).
            self.resolved.get_or_insert(ticket.created);
            self.first_resolved.get_or_insert(ticket.created);
        } else {
            self.resolved = None;
        }
        if ticket.status != Status::Closed {
            self.closed = None;
        }
    }

    /// The status at `at`; `None` before the ticket existed.
    pub fn status_at(&self, at: DateTime<Utc>) -> Option<Status> {
        let i = self.statuses.partition_point(|(t, _)| *t <= at);
        i.checked_sub(1).map(|i| self.statuses[i].1)
    }

    /// When the requester first got an answer: the first public reply by
    /// someone else, or the first resolution if that came earlier (a
    /// resolution answers them too).
    pub fn answered(&self) -> Option<DateTime<Utc>> {
        match (
            self.first_response.as_ref().map(|(t, _)| *t),
            self.first_resolved,
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Intervals `[from, to)` the ticket spent in each status, clipped to
    /// `[start, end)`; the last one runs to `end`.
    pub fn status_spans(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> impl Iterator<Item = (Status, DateTime<Utc>, DateTime<Utc>)> + '_ {
        self.statuses
            .iter()
            .enumerate()
            .filter_map(move |(i, (from, status))| {
                let to = self.statuses.get(i + 1).map_or(end, |(t, _)| *t);
                let (a, b) = ((*from).max(start), to.min(end));
                (a < b).then_some((*status, a, b))
            })
    }
}

/// The status a ticket had when it was created: where its first recorded
/// status change started from, or its current status if it never changed.
fn initial_status(ticket: &Ticket, entries: &[&Entry]) -> Status {
    entries
        .iter()
        .flat_map(|e| &e.changes)
        .find(|c| c.field == "status")
        .and_then(|c| c.from.as_deref()?.parse().ok())
        .unwrap_or(ticket.status)
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::domain::model::{Change, Entry, EntryKind, Span, Status, Ticket};
    use chrono::{DateTime, Utc};

    pub fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    pub fn ticket(status: Status, priority: &str, created: &str) -> Ticket {
        let solution = if status.is_done() {
            "solution: done\n"
        } else {
            ""
        };
        let yaml = format!(
            "id: TKT001\nuid: u\nsubject: s\nstatus: {status}\npriority: {priority}\ncategory: technical\n\
             requester: priya\ncreated: {created}\nupdated: {created}\n{solution}"
        );
        serde_yaml::from_str(&yaml).unwrap()
    }

    pub fn entry(author: &str, date: &str, kind: EntryKind) -> Entry {
        Entry {
            author: author.into(),
            date: at(date),
            kind,
            changes: vec![],
            attachments: vec![],
            time_spent: None,
            mail: None,
            body: "text".into(),
        }
    }

    pub fn status(author: &str, date: &str, from: Status, to: Status) -> Entry {
        Entry {
            changes: vec![Change::new("status", Some(from), Some(to))],
            ..entry(author, date, EntryKind::Event)
        }
    }

    pub fn with_time(mut e: Entry, span: &str) -> Entry {
        e.time_spent = Some(span.parse::<Span>().unwrap());
        e
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn first_response_skips_the_requester_and_notes() {
        let t = ticket(Status::InProgress, "high", "2026-01-05T09:00:00Z");
        let timeline = [
            entry("priya", "2026-01-05T09:10:00Z", EntryKind::Reply),
            entry("tomas", "2026-01-05T09:20:00Z", EntryKind::Note),
            entry("tomas", "2026-01-05T10:00:00Z", EntryKind::Reply),
        ];
        let life = Lifeline::of(&t, &timeline);
        assert_eq!(
            life.first_response,
            Some((at("2026-01-05T10:00:00Z"), "tomas".to_string()))
        );
        assert_eq!(life.resolved, None);
        assert_eq!(life.replies.len(), 2);
    }

    #[test]
    fn resolution_is_the_last_resolve_and_on_the_spot_counts_at_creation() {
        let t = ticket(Status::Resolved, "high", "2026-01-05T09:00:00Z");
        let timeline = [
            status(
                "tomas",
                "2026-01-06T09:00:00Z",
                Status::Open,
                Status::Resolved,
            ),
            status(
                "priya",
                "2026-01-07T09:00:00Z",
                Status::Resolved,
                Status::Open,
            ),
            status(
                "tomas",
                "2026-01-08T09:00:00Z",
                Status::Open,
                Status::Resolved,
            ),
        ];
        let life = Lifeline::of(&t, &timeline);
        assert_eq!(life.first_resolved, Some(at("2026-01-06T09:00:00Z")));
        assert_eq!(life.resolved, Some(at("2026-01-08T09:00:00Z")));
        assert_eq!(life.reopens, vec![at("2026-01-07T09:00:00Z")]);
        assert_eq!(
            life.status_at(at("2026-01-07T12:00:00Z")),
            Some(Status::Open)
        );
        assert_eq!(life.status_at(at("2026-01-04T12:00:00Z")), None);
        let spot = Lifeline::of(&t, std::iter::empty());
        assert_eq!(spot.resolved, Some(at("2026-01-05T09:00:00Z")));
        assert_eq!(spot.answered(), Some(at("2026-01-05T09:00:00Z")));
    }

    #[test]
    fn closing_unfinished_work_ends_it_and_a_hand_edit_counts_from_updated() {
        use Status::*;
        // Closed as a duplicate without a solution: work ended at the close.
        let t = ticket(Closed, "high", "2026-01-05T09:00:00Z");
        let timeline = [status("tomas", "2026-01-05T11:00:00Z", Open, Closed)];
        let life = Lifeline::of(&t, &timeline);
        assert_eq!(life.resolved, Some(at("2026-01-05T11:00:00Z")));
        assert_eq!(life.answered(), Some(at("2026-01-05T11:00:00Z")));
        // Reopened, then closed again: the second close ends the work.
        let timeline = [
            status("tomas", "2026-01-05T11:00:00Z", InProgress, Resolved),
            status("priya", "2026-01-06T09:00:00Z", Resolved, InProgress),
            status("tomas", "2026-01-06T12:00:00Z", InProgress, Closed),
        ];
        let life = Lifeline::of(&t, &timeline);
        assert_eq!(life.first_resolved, Some(at("2026-01-05T11:00:00Z")));
        assert_eq!(life.resolved, Some(at("2026-01-06T12:00:00Z")));
        assert_eq!(life.resolutions.len(), 2);
        // ticket.md edited by hand to resolved, with no event: from `updated`.
        let mut edited = ticket(Resolved, "high", "2026-01-05T09:00:00Z");
        edited.updated = at("2026-01-07T10:00:00Z");
        let life = Lifeline::of(
            &edited,
            &[status("tomas", "2026-01-05T10:00:00Z", Open, InProgress)],
        );
        assert_eq!(life.resolved, Some(at("2026-01-07T10:00:00Z")));
        assert_eq!(
            life.resolutions,
            vec![(at("2026-01-07T10:00:00Z"), String::new())]
        );
    }

    #[test]
    fn status_spans_are_clipped() {
        let t = ticket(Status::InProgress, "high", "2026-01-05T09:00:00Z");
        let timeline = [
            status(
                "tomas",
                "2026-01-05T10:00:00Z",
                Status::Open,
                Status::InProgress,
            ),
            with_time(
                entry("tomas", "2026-01-05T11:00:00Z", EntryKind::Note),
                "30m",
            ),
        ];
        let life = Lifeline::of(&t, &timeline);
        let spans: Vec<_> = life
            .status_spans(at("2026-01-05T09:30:00Z"), at("2026-01-05T12:00:00Z"))
            .map(|(s, a, b)| (s, (b - a).num_minutes()))
            .collect();
        assert_eq!(spans, vec![(Status::Open, 30), (Status::InProgress, 120)]);
        assert_eq!(life.time_spent[0].2, 30);
    }
}
