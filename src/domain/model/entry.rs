//! Timeline entries: `tickets/<folio>/replies/*.md`, one file per event,
//! written once and never rewritten, so history is readable from files alone.

use super::{attachment_name_problem, future_problem, is_future, Priority, Problem, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who can see an entry and what it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// Visible to the requester.
    Reply,
    /// Internal to the helpdesk team.
    Note,
    /// A change of state with no text.
    Event,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Reply => "reply",
            EntryKind::Note => "note",
            EntryKind::Event => "event",
        }
    }
}

/// One field's change, e.g. status from `open` to `in-progress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Change {
    pub fn new(field: &str, from: Option<impl ToString>, to: Option<impl ToString>) -> Self {
        Change {
            field: field.to_string(),
            from: from.map(|v| v.to_string()),
            to: to.map(|v| v.to_string()),
        }
    }

    /// A one-line description for terminals and commit subjects.
    pub fn describe(&self) -> String {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "nobody".into());
        match self.field.as_str() {
            "action" => format!("action added: {}", show(&self.to)),
            "action-done" => format!("action done: {}", show(&self.to)),
            "solution" => "solution recorded".to_string(),
            "escalated" => "escalated".to_string(),
            "sla-rule" => format!("escalation rule applied: {}", show(&self.to)),
            "folio" => format!("renumbered from {} to {}", show(&self.from), show(&self.to)),
            "overridden" => format!(
                "changed on two clones at once: {} kept over {}",
                show(&self.to),
                show(&self.from)
            ),
            field => format!("{field}: {} → {}", show(&self.from), show(&self.to)),
        }
    }
}

/// A reply, internal note or event on a ticket's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub author: String,
    pub date: DateTime<Utc>,
    pub kind: EntryKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// Work time recorded with `--time`, summed by reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_spent: Option<super::Span>,
    /// The mail this reply or note was made from (`tkt mail import`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<super::MailOrigin>,
    #[serde(skip)]
    pub body: String,
}

impl Entry {
    pub const KEYS: &'static [&'static str] = &[
        "author",
        "date",
        "kind",
        "changes",
        "attachments",
        "time_spent",
        "mail",
    ];

    /// Problems a hand edit can introduce that serde cannot see. `now`
    /// tells recorded times from future ones; `created` is the ticket's
    /// creation, when its `ticket.md` could be read.
    pub fn problems(&self, now: DateTime<Utc>, created: Option<DateTime<Utc>>) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.kind == EntryKind::Event && self.changes.is_empty() {
            out.push(Problem::at("kind:", "an event must list its changes"));
        }
        if self.kind != EntryKind::Event
            && self.body.trim().is_empty()
            && self.attachments.is_empty()
        {
            out.push(Problem::whole(format!(
                "a {} has no text",
                self.kind.as_str()
            )));
        }
        if let Some(span) = self.time_spent {
            if span.minutes == 0 || span.minutes > 24 * 60 {
                out.push(Problem::at(
                    "time_spent:",
                    format!("time_spent is {span}; it must be more than 0 and at most 24h"),
                ));
            }
        }
        if is_future(self.date, now) {
            out.push(future_problem("date", self.date, now));
        }
        if let Some(created) = created.filter(|c| self.date < *c) {
            out.push(Problem::at(
                "date:",
                format!(
                    "date {} is before the ticket was created ({})",
                    crate::domain::text::iso_utc(self.date),
                    crate::domain::text::iso_utc(created)
                ),
            ));
        }
        out.extend(self.changes.iter().filter_map(Change::problem));
        out.extend(self.mail.iter().flat_map(|m| m.problems()));
        out.extend(
            self.attachments
                .iter()
                .filter_map(|n| attachment_name_problem(n)),
        );
        out
    }
}

impl Change {
    /// The fields tkt records changes of (docs/FORMAT.md).
    pub const FIELDS: &'static [&'static str] = &[
        "status",
        "assignee",
        "priority",
        "solution",
        "action",
        "action-done",
        "escalated",
        "sla-rule",
        "folio",
        "overridden",
    ];

    /// An unknown field, or a status or priority change to or from a
    /// value that is none: lifelines would skip it, so reports and SLA
    /// clocks would silently disagree with the timeline.
    fn problem(&self) -> Option<Problem> {
        let field = self.field.as_str();
        if !Self::FIELDS.contains(&field) {
            return Some(Problem::at(
                format!("field: {field}"),
                format!(
                    "unknown change field `{field}`; allowed: {}",
                    Self::FIELDS.join(", ")
                ),
            ));
        }
        let allowed: Vec<&str> = match field {
            "status" => Status::ALL.iter().map(|s| s.as_str()).collect(),
            "priority" => Priority::ALL.iter().map(|p| p.as_str()).collect(),
            _ => return None,
        };
        let bad = [&self.from, &self.to]
            .into_iter()
            .flatten()
            .find(|v| !allowed.contains(&v.as_str()))?;
        Some(Problem::at(
            bad.clone(),
            format!(
                "{field} change names unknown {field} `{bad}`; allowed: {}",
                allowed.join(", ")
            ),
        ))
    }
}
