//! Workflow rules: which changes a ticket allows and what each one records.
//! Pure functions of the model and the current time; the application layer
//! applies them and the store writes the result. Who may ask for a change
//! is `access`'s business, not this module's.

use crate::domain::model::config::Assignment;
use crate::domain::model::{Action, Category, Change, Entry, EntryKind, Priority, Status, Ticket};
use crate::domain::refusal::{Refusal, Remedy};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Moves a ticket to `to` through `tkt status`. Resolving needs a solution
/// and leaving resolved/closed is a reopen, so both have their own commands.
pub fn change_status(t: &mut Ticket, to: Status) -> Result<Change, Refusal> {
    let from = t.status;
    if from == to {
        return Err(Refusal::no_change(format!("{} is already {to}", t.id)));
    }
    if to == Status::Resolved {
        return Err(needs_a_solution(t));
    }
    if from.is_done() && to != Status::Closed {
        return Err(
            Refusal::transition(format!("{} is {from}", t.id)).with_remedy(Remedy::Reopen {
                folio: t.id.clone(),
                then: "to work on it again",
            }),
        );
    }
    t.status = to;
    Ok(Change::new("status", Some(from), Some(to)))
}

/// Records the solution and marks the ticket resolved. Resolving again
/// replaces the solution; the old one stays in the timeline and in git.
pub fn resolve(t: &mut Ticket, solution: &str) -> Result<Vec<Change>, Refusal> {
    let solution = solution.trim();
    if solution.is_empty() {
        return Err(Refusal::invalid(
            "solution",
            "the solution is empty; describe what was done",
        ));
    }
    if t.status == Status::Closed {
        return Err(
            Refusal::transition(format!("{} is closed", t.id)).with_remedy(Remedy::Reopen {
                folio: t.id.clone(),
                then: "first",
            }),
        );
    }
    let mut changes = Vec::new();
    if t.status != Status::Resolved {
        changes.push(Change::new(
            "status",
            Some(t.status),
            Some(Status::Resolved),
        ));
        t.status = Status::Resolved;
    }
    changes.push(Change::new("solution", t.solution.as_ref(), Some(solution)));
    t.solution = Some(solution.to_string());
    Ok(changes)
}

pub fn close(t: &mut Ticket) -> Result<Change, Refusal> {
    change_status(t, Status::Closed)
}

/// Brings a resolved or closed ticket back to work: in progress when someone
/// is responsible, open otherwise.
pub fn reopen(t: &mut Ticket) -> Result<Change, Refusal> {
    if !t.status.is_done() {
        return Err(Refusal::transition(format!(
            "{} is {}, not resolved or closed; nothing to reopen",
            t.id, t.status
        )));
    }
    let from = t.status;
    t.status = if t.assignee.is_some() {
        Status::InProgress
    } else {
        Status::Open
    };
    Ok(Change::new("status", Some(from), Some(t.status)))
}

pub fn assign(t: &mut Ticket, person: &str) -> Result<Change, Refusal> {
    if t.assignee.as_deref() == Some(person) {
        return Err(Refusal::no_change(format!(
            "{} is already assigned to {person}",
            t.id
        )));
    }
    if t.status == Status::Closed {
        return Err(
            Refusal::transition(format!("{} is closed", t.id)).with_remedy(Remedy::Reopen {
                folio: t.id.clone(),
                then: "before reassigning",
            }),
        );
    }
    let change = Change::new("assignee", t.assignee.as_ref(), Some(person));
    t.assignee = Some(person.to_string());
    Ok(change)
}

pub fn set_priority(t: &mut Ticket, to: Priority) -> Result<Change, Refusal> {
    if t.priority == to {
        return Err(Refusal::no_change(format!(
            "{} already has priority {to}",
            t.id
        )));
    }
    let change = Change::new("priority", Some(t.priority), Some(to));
    t.priority = to;
    Ok(change)
}

/// Adds a to-do item, or with `done` a record of something already done.
pub fn add_action(
    t: &mut Ticket,
    text: &str,
    who: &str,
    now: DateTime<Utc>,
    done: bool,
) -> Result<Vec<Change>, Refusal> {
    let text = crate::domain::trailers::one_line(text, usize::MAX);
    if text.is_empty() {
        return Err(Refusal::invalid("action", "the action text is empty"));
    }
    t.actions.push(Action {
        text: text.clone(),
        done,
        who: Some(who.to_string()),
        when: Some(now),
    });
    let mut changes = vec![Change::new("action", None::<&str>, Some(&text))];
    if done {
        changes.push(Change::new("action-done", None::<&str>, Some(&text)));
    }
    Ok(changes)
}

/// Ticks off action number `n` (1-based, as `tkt show` numbers them).
pub fn complete_action(
    t: &mut Ticket,
    n: usize,
    who: &str,
    now: DateTime<Utc>,
) -> Result<Change, Refusal> {
    let count = t.actions.len();
    let id = t.id.clone();
    let action = n
        .checked_sub(1)
        .and_then(|i| t.actions.get_mut(i))
        .ok_or_else(|| match count {
            0 => Refusal::invalid("number", format!("{id} has no actions"))
                .with_remedy(Remedy::AddAction { folio: id.clone() }),
            _ => Refusal::invalid(
                "number",
                format!("{id} has actions 1 to {count}; there is no action {n}"),
            ),
        })?;
    if action.done {
        return Err(Refusal::no_change(format!(
            "action {n} of {id} is already done: {}",
            action.text
        )));
    }
    action.done = true;
    action.who = Some(who.to_string());
    action.when = Some(now);
    Ok(Change::new("action-done", None::<&str>, Some(&action.text)))
}

/// The status a reply or note leads to, if it changes anything.
///
/// A requester answering while the ticket waits on them hands it back to
/// the operator; the first public answer by anyone else on an open ticket
/// means work has started. Replying to a resolved or closed ticket reopens
/// it, but only when asked to, so a "thank you" does not undo a resolution.
pub fn status_after_post(
    t: &Ticket,
    author: &str,
    kind: EntryKind,
    requested: Option<Status>,
    reopen: bool,
) -> Result<Option<Status>, Refusal> {
    if t.status.is_done() && kind == EntryKind::Reply && !reopen {
        return Err(Refusal::transition(format!("{} is {}", t.id, t.status))
            .with_remedy(Remedy::ReplyAndReopen));
    }
    if let Some(status) = requested {
        return Ok((status != t.status).then_some(status));
    }
    let by_requester = author == t.requester;
    let next = match (kind, t.status) {
        (EntryKind::Reply, s) if s.is_done() => Some(Status::InProgress),
        (EntryKind::Reply, Status::WaitingOnRequester) if by_requester => Some(Status::InProgress),
        (EntryKind::Reply, Status::Open) if !by_requester => Some(Status::InProgress),
        _ => None,
    };
    Ok(next)
}

/// Applies a status chosen by [`status_after_post`], following the same
/// rules as `tkt status` except that leaving resolved/closed was allowed.
pub fn apply_post_status(t: &mut Ticket, to: Status) -> Result<Change, Refusal> {
    if to == Status::Resolved {
        return Err(needs_a_solution(t));
    }
    let from = t.status;
    t.status = to;
    Ok(Change::new("status", Some(from), Some(to)))
}

/// Marks a ticket escalated and hands it to the escalation contact, if
/// one is configured. Finished tickets must be reopened first; an
/// escalated ticket stays escalated (its timeline says why).
pub fn escalate(t: &mut Ticket, contact: Option<&str>) -> Result<Vec<Change>, Refusal> {
    if t.status.is_done() {
        return Err(
            Refusal::transition(format!("{} is {}", t.id, t.status)).with_remedy(Remedy::Reopen {
                folio: t.id.clone(),
                then: "before escalating",
            }),
        );
    }
    if t.escalated {
        return Err(Refusal::no_change(format!("{} is already escalated", t.id)));
    }
    t.escalated = true;
    let mut changes = vec![Change::new("escalated", Some("no"), Some("yes"))];
    if let Some(contact) = contact.filter(|c| t.assignee.as_deref() != Some(*c)) {
        changes.push(Change::new("assignee", t.assignee.as_ref(), Some(contact)));
        t.assignee = Some(contact.to_string());
    }
    Ok(changes)
}

/// Picks the responsible person for a new ticket in `category`.
///
/// Round-robin continues after `previous`, the person given the category's
/// latest ticket; least-open takes whoever has the fewest open tickets,
/// ties going to the earlier person in config.
pub fn pick_assignee(
    category: &Category,
    strategy: Assignment,
    previous: Option<&str>,
    open_counts: &HashMap<String, usize>,
) -> Option<String> {
    let people = &category.responsible;
    let chosen = match strategy {
        Assignment::RoundRobin => {
            let next = previous
                .and_then(|p| people.iter().position(|x| x == p))
                .map_or(0, |i| (i + 1) % people.len().max(1));
            people.get(next)
        }
        Assignment::LeastOpen => people
            .iter()
            .enumerate()
            .min_by_key(|(i, p)| (open_counts.get(*p).copied().unwrap_or(0), *i))
            .map(|(_, p)| p),
    };
    chosen.cloned()
}

fn needs_a_solution(t: &Ticket) -> Refusal {
    Refusal::transition("resolving needs a solution").with_remedy(Remedy::Resolve {
        folio: t.id.clone(),
    })
}

/// Builds the timeline entry for a change and stamps the ticket updated.
pub fn record(
    t: &mut Ticket,
    author: &str,
    now: DateTime<Utc>,
    kind: EntryKind,
    body: &str,
    changes: Vec<Change>,
    attachments: Vec<String>,
) -> Entry {
    t.updated = now.max(t.created);
    Entry {
        author: author.to_string(),
        date: now,
        kind,
        changes,
        attachments,
        time_spent: None,
        mail: None,
        body: body.trim_end().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::refusal::RefusalKind;

    fn ticket(status: Status) -> Ticket {
        Ticket::sample(status)
    }

    #[test]
    fn status_changes_follow_the_workflow() {
        let mut t = ticket(Status::Open);
        assert_eq!(
            change_status(&mut t, Status::InProgress)
                .unwrap()
                .to
                .as_deref(),
            Some("in-progress")
        );
        let same = change_status(&mut t, Status::InProgress).unwrap_err();
        assert!(same.message.contains("already"));
        assert_eq!(same.kind, RefusalKind::NoChange);
        assert!(matches!(
            change_status(&mut t, Status::Resolved).unwrap_err().remedy,
            Some(Remedy::Resolve { .. })
        ));
        resolve(&mut t, "Cleaned the rollers").unwrap();
        let done = change_status(&mut t, Status::Open).unwrap_err();
        assert_eq!(done.kind, RefusalKind::InvalidTransition);
        assert!(matches!(done.remedy, Some(Remedy::Reopen { .. })));
        close(&mut t).unwrap();
        assert!(resolve(&mut t, "again")
            .unwrap_err()
            .message
            .contains("closed"));
        reopen(&mut t).unwrap();
        assert_eq!(t.status, Status::InProgress);
    }

    #[test]
    fn resolve_needs_text_and_records_solution() {
        let mut t = ticket(Status::InProgress);
        assert!(resolve(&mut t, "  ").is_err());
        let changes = resolve(&mut t, "Replaced toner").unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(t.solution.as_deref(), Some("Replaced toner"));
        let again = resolve(&mut t, "Replaced toner and drum").unwrap();
        assert_eq!(again[0].from.as_deref(), Some("Replaced toner"));
    }

    #[test]
    fn replies_move_status() {
        let waiting = ticket(Status::WaitingOnRequester);
        assert_eq!(
            status_after_post(&waiting, "rita", EntryKind::Reply, None, false),
            Ok(Some(Status::InProgress))
        );
        assert_eq!(
            status_after_post(&waiting, "ana", EntryKind::Reply, None, false),
            Ok(None)
        );
        let open = ticket(Status::Open);
        assert_eq!(
            status_after_post(&open, "ana", EntryKind::Reply, None, false),
            Ok(Some(Status::InProgress))
        );
        assert_eq!(
            status_after_post(&open, "ana", EntryKind::Note, None, false),
            Ok(None)
        );
        let resolved = ticket(Status::Resolved);
        assert_eq!(
            status_after_post(&resolved, "rita", EntryKind::Reply, None, false)
                .unwrap_err()
                .remedy,
            Some(Remedy::ReplyAndReopen)
        );
        assert_eq!(
            status_after_post(&resolved, "rita", EntryKind::Reply, None, true),
            Ok(Some(Status::InProgress))
        );
        assert_eq!(
            status_after_post(&resolved, "ana", EntryKind::Note, None, false),
            Ok(None)
        );
    }

    #[test]
    fn actions_are_numbered_from_one() {
        let mut t = ticket(Status::InProgress);
        let now = t.created;
        assert!(complete_action(&mut t, 1, "ana", now)
            .unwrap_err()
            .message
            .contains("no actions"));
        add_action(&mut t, "Order  toner", "ana", now, false).unwrap();
        assert!(complete_action(&mut t, 2, "ana", now)
            .unwrap_err()
            .message
            .contains("1 to 1"));
        complete_action(&mut t, 1, "ana", now).unwrap();
        assert!(t.actions[0].done);
        assert_eq!(t.actions[0].text, "Order toner");
        assert!(complete_action(&mut t, 1, "ana", now)
            .unwrap_err()
            .message
            .contains("already done"));
    }

    #[test]
    fn assignment_strategies() {
        let cat = Category {
            key: "technical".into(),
            name: "Tech".into(),
            description: None,
            responsible: vec!["ana".into(), "ben".into(), "cai".into()],
            fields: vec![],
        };
        let none = HashMap::new();
        assert_eq!(
            pick_assignee(&cat, Assignment::RoundRobin, None, &none).as_deref(),
            Some("ana")
        );
        assert_eq!(
            pick_assignee(&cat, Assignment::RoundRobin, Some("ben"), &none).as_deref(),
            Some("cai")
        );
        assert_eq!(
            pick_assignee(&cat, Assignment::RoundRobin, Some("cai"), &none).as_deref(),
            Some("ana")
        );
        assert_eq!(
            pick_assignee(&cat, Assignment::RoundRobin, Some("zed"), &none).as_deref(),
            Some("ana")
        );
        let counts = HashMap::from([("ana".to_string(), 3), ("ben".to_string(), 1)]);
        assert_eq!(
            pick_assignee(&cat, Assignment::LeastOpen, None, &counts).as_deref(),
            Some("cai")
        );
        let empty = Category {
            responsible: vec![],
            ..cat
        };
        assert_eq!(
            pick_assignee(&empty, Assignment::RoundRobin, None, &none),
            None
        );
    }
}
