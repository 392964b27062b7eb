//! Timeline entries: `tickets/<folio>/replies/*.md`, one file per event,
//! written once and never rewritten, so history is readable from files alone.

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
    ];

    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.kind == EntryKind::Event && self.changes.is_empty() {
            out.push("an event must list its changes".to_string());
        }
        if self.kind != EntryKind::Event
            && self.body.trim().is_empty()
            && self.attachments.is_empty()
        {
            out.push(format!("a {} has no text", self.kind.as_str()));
        }
        if let Some(span) = self.time_spent {
            if span.minutes == 0 || span.minutes > 24 * 60 {
                out.push(format!(
                    "time_spent is {span}; it must be more than 0 and at most 24h"
                ));
            }
        }
        out
    }
}
