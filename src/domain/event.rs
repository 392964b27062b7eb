//! Domain events: what an action did, as data, for whatever reacts to it
//! (notifications by mail, a web page's flash message, a log). Every use
//! case returns the events of its one commit; they are derived from the
//! timeline entry it wrote, so an event never says more than the trail.

use crate::domain::model::{Change, Entry, EntryKind, Status};
use serde::Serialize;

/// Who an entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    /// The requester sees it (replies, changes of state).
    Public,
    /// The team only (internal notes).
    Internal,
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    TicketCreated {
        folio: String,
        uid: String,
        requester: String,
        assignee: Option<String>,
        category: String,
        priority: String,
        confidential: bool,
    },
    EntryPosted {
        folio: String,
        author: String,
        kind: String,
        visibility: Visibility,
        /// The entry's file name in `replies/`.
        file: String,
    },
    StatusChanged {
        folio: String,
        from: String,
        to: String,
    },
    AssigneeChanged {
        folio: String,
        from: Option<String>,
        to: Option<String>,
    },
    PriorityChanged {
        folio: String,
        from: String,
        to: String,
    },
    ActionAdded {
        folio: String,
        text: String,
    },
    ActionDone {
        folio: String,
        text: String,
    },
    /// A solution was recorded (the ticket is resolved).
    Resolved {
        folio: String,
    },
    Reopened {
        folio: String,
    },
    Closed {
        folio: String,
    },
    Escalated {
        folio: String,
        by: String,
    },
    EscalationRuleApplied {
        folio: String,
        rule: String,
    },
    FaqPublished {
        slug: String,
        source: Option<String>,
    },
    PersonAdded {
        key: String,
        role: String,
    },
}

impl Event {
    /// A short line for logs and terminals.
    pub fn describe(&self) -> String {
        match self {
            Event::TicketCreated { folio, .. } => format!("{folio} created"),
            Event::EntryPosted {
                folio, kind, file, ..
            } => format!("{folio}: {kind} posted ({file})"),
            Event::StatusChanged { folio, from, to } => format!("{folio}: status {from} → {to}"),
            Event::AssigneeChanged { folio, to, .. } => {
                format!("{folio}: assigned to {}", to.as_deref().unwrap_or("nobody"))
            }
            Event::PriorityChanged { folio, to, .. } => format!("{folio}: priority {to}"),
            Event::ActionAdded { folio, text } => format!("{folio}: action added: {text}"),
            Event::ActionDone { folio, text } => format!("{folio}: action done: {text}"),
            Event::Resolved { folio } => format!("{folio} resolved"),
            Event::Reopened { folio } => format!("{folio} reopened"),
            Event::Closed { folio } => format!("{folio} closed"),
            Event::Escalated { folio, by } => format!("{folio} escalated by {by}"),
            Event::EscalationRuleApplied { folio, rule } => {
                format!("{folio}: escalation rule {rule} applied")
            }
            Event::FaqPublished { slug, .. } => format!("FAQ entry {slug} published"),
            Event::PersonAdded { key, role } => format!("{key} registered as {role}"),
        }
    }
}

/// The events of one timeline entry written to `folio`'s `replies/file`.
pub fn of_entry(folio: &str, file: &str, entry: &Entry) -> Vec<Event> {
    let mut events = Vec::new();
    if entry.kind != EntryKind::Event || !entry.body.trim().is_empty() {
        events.push(Event::EntryPosted {
            folio: folio.to_string(),
            author: entry.author.clone(),
            kind: entry.kind.as_str().to_string(),
            visibility: if entry.kind == EntryKind::Note {
                Visibility::Internal
            } else {
                Visibility::Public
            },
            file: file.to_string(),
        });
    }
    events.extend(
        entry
            .changes
            .iter()
            .flat_map(|c| of_change(folio, &entry.author, c)),
    );
    events
}

fn of_change(folio: &str, author: &str, change: &Change) -> Vec<Event> {
    let folio = folio.to_string();
    let from = change.from.clone();
    let to = change.to.clone();
    let text = || to.clone().unwrap_or_default();
    match change.field.as_str() {
        "status" => {
            let was = from.clone().unwrap_or_default();
            let now = text();
            let mut events = vec![Event::StatusChanged {
                folio: folio.clone(),
                from: was.clone(),
                to: now.clone(),
            }];
            let done = |s: &str| s.parse::<Status>().is_ok_and(Status::is_done);
            if now == Status::Closed.as_str() {
                events.push(Event::Closed { folio });
            } else if done(&was) && !done(&now) {
                events.push(Event::Reopened { folio });
            }
            events
        }
        "solution" => vec![Event::Resolved { folio }],
        "assignee" => vec![Event::AssigneeChanged { folio, from, to }],
        "priority" => vec![Event::PriorityChanged {
            folio,
            from: from.unwrap_or_default(),
            to: text(),
        }],
        "action" => vec![Event::ActionAdded {
            folio,
            text: text(),
        }],
        "action-done" => vec![Event::ActionDone {
            folio,
            text: text(),
        }],
        "escalated" => vec![Event::Escalated {
            folio,
            by: author.to_string(),
        }],
        "sla-rule" => vec![Event::EscalationRuleApplied {
            folio,
            rule: text(),
        }],
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn entry(kind: EntryKind, body: &str, changes: Vec<Change>) -> Entry {
        Entry {
            author: "ana".into(),
            date: Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap(),
            kind,
            changes,
            attachments: vec![],
            time_spent: None,
            mail: None,
            body: body.into(),
        }
    }

    #[test]
    fn a_reply_that_starts_work() {
        let e = entry(
            EntryKind::Reply,
            "On it.",
            vec![Change::new("status", Some("open"), Some("in-progress"))],
        );
        let events = of_entry("TKT001", "x.md", &e);
        assert_eq!(events.len(), 2);
        assert!(matches!(
            &events[0],
            Event::EntryPosted { visibility: Visibility::Public, kind, .. } if kind == "reply"
        ));
        assert!(matches!(&events[1], Event::StatusChanged { to, .. } if to == "in-progress"));
    }

    #[test]
    fn notes_are_internal_and_reopen_is_named() {
        let note = entry(EntryKind::Note, "Vendor called.", vec![]);
        assert!(matches!(
            &of_entry("TKT001", "n.md", &note)[0],
            Event::EntryPosted {
                visibility: Visibility::Internal,
                ..
            }
        ));
        let reopen = entry(
            EntryKind::Event,
            "",
            vec![Change::new("status", Some("closed"), Some("in-progress"))],
        );
        let events = of_entry("TKT001", "r.md", &reopen);
        assert_eq!(events.len(), 2, "no entry-posted for a bare event");
        assert_eq!(
            events[1],
            Event::Reopened {
                folio: "TKT001".into()
            }
        );
    }

    #[test]
    fn resolve_and_escalate() {
        let e = entry(
            EntryKind::Reply,
            "notice",
            vec![
                Change::new("status", Some("in-progress"), Some("resolved")),
                Change::new("solution", None::<&str>, Some("Fixed")),
                Change::new("escalated", Some("no"), Some("yes")),
            ],
        );
        let events = of_entry("TKT002", "e.md", &e);
        assert!(events.contains(&Event::Resolved {
            folio: "TKT002".into()
        }));
        assert!(events.contains(&Event::Escalated {
            folio: "TKT002".into(),
            by: "ana".into()
        }));
    }
}
