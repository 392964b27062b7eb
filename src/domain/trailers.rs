//! The audit trail's wording: commit messages with their trailers and the
//! one-line summaries of what an action did. Pure text, shared by the CLI
//! and by anything that must write history exactly as tkt does (the
//! benchmark corpus generator).

use crate::domain::model::{Change, Folio};

/// The ticket a commit is about: its folio, which people use, and its
/// `uid`, which never changes (a folio can be renumbered when two clones
/// registered the same one).
#[derive(Debug, Clone, Copy)]
pub struct TicketRef<'a> {
    pub folio: &'a Folio,
    pub uid: &'a str,
}

/// The value of a trailer line in a commit message (`Actor: ana` → `ana`
/// for key `Actor`), as tkt writes them.
pub fn value<'m>(message: &'m str, key: &str) -> Option<&'m str> {
    message
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(": "))
        .map(str::trim)
}

/// `TKT042: <what happened>` plus `Ticket:`, `Ticket-Uid:`, `Action:` and
/// `Actor:` trailers, so `git log --grep` and `git log -- tickets/TKT042`
/// both work, and a ticket's history can be followed across a renumbering.
pub fn commit_message(
    ticket: Option<TicketRef>,
    action: &str,
    actor: &str,
    summary: &str,
) -> String {
    let summary = one_line(summary, 72);
    let mut message = match ticket {
        Some(TicketRef { folio, uid }) => {
            format!("{folio}: {summary}\n\nTicket: {folio}\nTicket-Uid: {uid}\n")
        }
        None => format!("tkt: {summary}\n\n"),
    };
    message.push_str(&format!("Action: {action}\nActor: {actor}\n"));
    message
}

/// The front end an action came through, when it is not the command line:
/// auditors see that a requester's words arrived by the web form or by
/// mail (`Via: web`, `Via: email`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Web,
    Email,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Web => "web",
            Via::Email => "email",
        }
    }
}

/// `message` with a `Via:` trailer after the others, when there is one.
pub fn with_via(mut message: String, via: Option<Via>) -> String {
    if let Some(via) = via {
        message.push_str(&format!("Via: {}\n", via.as_str()));
    }
    message
}

/// `status: open → in-progress; action added: …`
pub fn describe_changes(changes: &[Change]) -> String {
    changes
        .iter()
        .map(Change::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// `reply by ana; status: open → in-progress`
pub fn post_summary(what: &str, author: &str, changes: &[Change]) -> String {
    let mut summary = format!("{what} by {author}");
    for change in changes {
        summary.push_str("; ");
        summary.push_str(&change.describe());
    }
    summary
}

/// Squeezes untrusted text into one printable line of at most `max` chars.
pub fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_messages_carry_trailers() {
        let folio = crate::domain::model::FolioFormat::default().folio(42);
        let ticket = TicketRef {
            folio: &folio,
            uid: "01JABC",
        };
        let m = commit_message(Some(ticket), "reply", "ana", "reply by ana");
        assert_eq!(
            m,
            "TKT042: reply by ana\n\nTicket: TKT042\nTicket-Uid: 01JABC\nAction: reply\nActor: ana\n"
        );
        assert_eq!(value(&m, "Ticket"), Some("TKT042"));
        assert_eq!(value(&m, "Ticket-Uid"), Some("01JABC"));
        assert_eq!(value(&m, "Actor"), Some("ana"));
        assert_eq!(value(&m, "Act"), None);
        let m = with_via(
            commit_message(None, "init", "ana", "initialise\nhelpdesk"),
            Some(Via::Web),
        );
        assert_eq!(value(&m, "Via"), Some("web"));
        assert!(m.starts_with("tkt: initialise helpdesk\n\nAction: init\n"));
    }

    #[test]
    fn summaries() {
        let changes = [
            Change::new("status", Some("open"), Some("in-progress")),
            Change::new("action", None::<&str>, Some("Order toner")),
        ];
        assert_eq!(
            describe_changes(&changes),
            "status: open → in-progress; action added: Order toner"
        );
        assert_eq!(
            post_summary("reply", "ana", &changes[..1]),
            "reply by ana; status: open → in-progress"
        );
    }

    #[test]
    fn one_line_squeezes_hostile_text() {
        assert_eq!(one_line("a\n\nb\u{1b}[2J", 72), "a b[2J");
        assert_eq!(
            one_line(&"x".repeat(100), 10),
            format!("{}…", "x".repeat(9))
        );
    }
}
