//! Ticket list filters, saved views and the "most urgent first" order.

use crate::domain::model::{Priority, Status, Ticket, View};
use chrono::{DateTime, Utc};
use std::cmp::Reverse;

/// What `tkt list` shows. Empty lists mean "any"; closed tickets are left
/// out unless asked for by status or `all`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub status: Vec<Status>,
    pub priority: Vec<Priority>,
    pub category: Vec<String>,
    pub assignee: Vec<String>,
    pub requester: Vec<String>,
    pub tag: Vec<String>,
    pub all: bool,
}

impl Filter {
    pub fn from_view(view: &View) -> Filter {
        Filter {
            status: view.status.clone(),
            priority: view.priority.clone(),
            category: view.category.clone(),
            assignee: view.assignee.clone(),
            requester: view.requester.clone(),
            tag: view.tag.clone(),
            all: view.all,
        }
    }

    /// Narrows a view by command-line filters: a criterion given on the
    /// command line replaces the view's one.
    pub fn overridden_by(self, cli: Filter) -> Filter {
        let pick = |view: Vec<String>, cli: Vec<String>| if cli.is_empty() { view } else { cli };
        Filter {
            status: if cli.status.is_empty() {
                self.status
            } else {
                cli.status
            },
            priority: if cli.priority.is_empty() {
                self.priority
            } else {
                cli.priority
            },
            category: pick(self.category, cli.category),
            assignee: pick(self.assignee, cli.assignee),
            requester: pick(self.requester, cli.requester),
            tag: pick(self.tag, cli.tag),
            all: self.all || cli.all,
        }
    }

    /// Replaces `me` by the acting person's key.
    pub fn resolve_me(mut self, me: &str) -> Filter {
        for list in [&mut self.assignee, &mut self.requester] {
            for key in list.iter_mut().filter(|k| k.as_str() == "me") {
                *key = me.to_string();
            }
        }
        self
    }

    pub fn mentions_me(&self) -> bool {
        self.assignee
            .iter()
            .chain(&self.requester)
            .any(|k| k == "me")
    }

    pub fn matches(&self, t: &Ticket) -> bool {
        let status_ok = if self.status.is_empty() {
            self.all || t.status != Status::Closed
        } else {
            self.status.contains(&t.status)
        };
        let assignee_ok = self.assignee.is_empty()
            || self.assignee.iter().any(|a| match a.as_str() {
                "none" => t.assignee.is_none(),
                key => t.assignee.as_deref() == Some(key),
            });
        status_ok
            && assignee_ok
            && (self.priority.is_empty() || self.priority.contains(&t.priority))
            && (self.category.is_empty() || self.category.contains(&t.category))
            && (self.requester.is_empty() || self.requester.contains(&t.requester))
            && (self.tag.is_empty() || self.tag.iter().any(|g| t.tags.contains(g)))
    }
}

/// Most urgent first: unfinished before finished, higher priority first,
/// then the longest-waiting ticket first.
pub fn sort_by_urgency(tickets: &mut [Ticket]) {
    tickets.sort_by(|a, b| urgency_key(a).cmp(&urgency_key(b)));
}

/// The sort key behind `sort_by_urgency`, for callers sorting other shapes.
pub fn urgency_key(t: &Ticket) -> (bool, Reverse<Priority>, DateTime<Utc>, &str) {
    (t.status.is_done(), Reverse(t.priority), t.created, &t.id)
}

/// A compact age such as `45m`, `3h`, `2d` or `5w`.
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        m if m < 60 => format!("{m}m"),
        m if m < 48 * 60 => format!("{}h", m / 60),
        m if m < 14 * 24 * 60 => format!("{}d", m / (24 * 60)),
        m => format!("{}w", m / (7 * 24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(id: &str, status: Status, priority: Priority, day: u32) -> Ticket {
        let at = Utc.with_ymd_and_hms(2026, 1, day, 9, 0, 0).unwrap();
        Ticket {
            id: id.into(),
            uid: id.into(),
            subject: "s".into(),
            priority,
            assignee: None,
            created: at,
            updated: at,
            tags: vec!["printer".into()],
            description: String::new(),
            ..Ticket::sample(status)
        }
    }

    #[test]
    fn default_hides_closed() {
        let f = Filter::default();
        assert!(f.matches(&t("A", Status::Resolved, Priority::Low, 1)));
        assert!(!f.matches(&t("A", Status::Closed, Priority::Low, 1)));
        assert!(Filter {
            all: true,
            ..f.clone()
        }
        .matches(&t("A", Status::Closed, Priority::Low, 1)));
        let closed = Filter {
            status: vec![Status::Closed],
            ..f
        };
        assert!(closed.matches(&t("A", Status::Closed, Priority::Low, 1)));
    }

    #[test]
    fn assignee_me_and_none() {
        let f = Filter {
            assignee: vec!["me".into()],
            ..Default::default()
        }
        .resolve_me("ana");
        let mut ticket = t("A", Status::Open, Priority::Low, 1);
        assert!(!f.matches(&ticket));
        ticket.assignee = Some("ana".into());
        assert!(f.matches(&ticket));
        let none = Filter {
            assignee: vec!["none".into()],
            ..Default::default()
        };
        assert!(!none.matches(&ticket));
    }

    #[test]
    fn view_overridden_by_cli() {
        let view = Filter {
            status: vec![Status::Open],
            tag: vec!["x".into()],
            ..Default::default()
        };
        let merged = view.overridden_by(Filter {
            tag: vec!["printer".into()],
            ..Default::default()
        });
        assert_eq!(merged.status, vec![Status::Open]);
        assert_eq!(merged.tag, vec!["printer".to_string()]);
    }

    #[test]
    fn urgency_order() {
        let mut list = vec![
            t("A", Status::Open, Priority::Low, 1),
            t("B", Status::Resolved, Priority::Urgent, 1),
            t("C", Status::Open, Priority::Urgent, 3),
            t("D", Status::Open, Priority::Urgent, 2),
        ];
        sort_by_urgency(&mut list);
        let ids: Vec<_> = list.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["D", "C", "A", "B"]);
    }

    #[test]
    fn ages() {
        let now = Utc.with_ymd_and_hms(2026, 1, 30, 9, 0, 0).unwrap();
        assert_eq!(age(now, now), "0m");
        assert_eq!(age(now - chrono::Duration::hours(5), now), "5h");
        assert_eq!(age(now - chrono::Duration::days(3), now), "3d");
        assert_eq!(age(now - chrono::Duration::days(21), now), "3w");
    }
}
