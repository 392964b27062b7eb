//! Changing a ticket: replies and notes, status, assignee, priority, the
//! action list, resolve (with the resolution notice), close, reopen,
//! escalate. Each is one unit of work and one commit.

use super::canned::located;
use super::register::staff_member;
use super::ticket_write::{change_ticket, Done, Outcome};
use super::unit::{Scope, UnitOfWork};
use super::uploads::{self, Upload};
use crate::domain::access::{self, Act};
use crate::domain::model::{EntryKind, Folio, MailOrigin, Priority, Span, Status, Ticket};
use crate::domain::refusal::Refusal;
use crate::domain::workflow;
use anyhow::Result;

/// A reply (public) or an internal note.
pub struct Post {
    pub ticket: String,
    /// `Reply` or `Note`.
    pub kind: EntryKind,
    pub body: String,
    pub attachments: Vec<Upload>,
    /// Also set the status.
    pub status: Option<Status>,
    /// Reply to a resolved or closed ticket and reopen it.
    pub reopen: bool,
    pub time_spent: Option<Span>,
    /// The mail the reply or note was made from (`tkt mail import`).
    pub mail: Option<MailOrigin>,
}

/// Posts a reply or note; a reply may move the status as the workflow says.
pub fn post(scope: &Scope, req: Post) -> Result<Done<Folio>> {
    let what = match req.kind {
        EntryKind::Reply => "reply",
        EntryKind::Note => "note",
        EntryKind::Event => {
            return Err(Refusal::invalid("kind", "post a reply or a note, not an event").into())
        }
    };
    crate::domain::text::within_limit("body", &req.body)?;
    if req.body.trim().is_empty() && req.attachments.is_empty() {
        return Err(Refusal::invalid("body", format!("the {what} is empty")).into());
    }
    change_ticket(scope, &req.ticket, |unit, folio, t| {
        let act = if req.kind == EntryKind::Note {
            Act::Note
        } else {
            Act::Reply
        };
        unit.check(act, Some(t))?;
        if req.status.is_some() {
            unit.check(Act::SetStatus, Some(t))?;
        }
        if req.time_spent.is_some() {
            unit.check(Act::RecordTime, Some(t))?;
        }
        let next =
            workflow::status_after_post(t, &unit.actor.key, req.kind, req.status, req.reopen)?;
        let mut changes = Vec::new();
        if let Some(status) = next {
            changes.push(workflow::apply_post_status(t, status)?);
        }
        let attachments = uploads::read_all(
            req.attachments,
            unit.upload_limits(),
            &unit.tracker.attachments_dir(folio),
        )?;
        let summary = crate::domain::trailers::post_summary(what, &unit.actor.key, &changes);
        Ok(Outcome {
            kind: req.kind,
            body: req.body,
            changes,
            attachments,
            time_spent: req.time_spent,
            mail: req.mail,
            action: what,
            summary,
            notices: vec![],
        })
    })
}

/// A change to a ticket's state.
pub enum TicketChange {
    /// Any status but resolved (which needs a solution: `Resolve`).
    Status(Status),
    /// Delegate to this person.
    Assign(String),
    /// Take it over oneself.
    Take,
    Priority(Priority),
    AddAction {
        text: String,
        done: bool,
    },
    CompleteAction {
        number: usize,
        time_spent: Option<Span>,
    },
    Resolve {
        solution: String,
    },
    Close,
    Reopen,
    Escalate {
        reason: String,
    },
}

/// Applies one change to ticket `id` as the scope's actor.
pub fn change(scope: &Scope, id: &str, change: TicketChange) -> Result<Done<Folio>> {
    if let TicketChange::Escalate { reason } = &change {
        if reason.trim().is_empty() {
            return Err(Refusal::invalid(
                "reason",
                "the reason is empty: say why the ticket needs more attention",
            )
            .into());
        }
    }
    change_ticket(scope, id, |unit, _, t| decide(unit, t, change))
}

fn decide(unit: &UnitOfWork, t: &mut Ticket, change: TicketChange) -> Result<Outcome> {
    let actor = unit.actor.key.clone();
    Ok(match change {
        TicketChange::Status(to) => {
            unit.check(access::status_act(to), Some(t))?;
            Outcome::event("status", vec![workflow::change_status(t, to)?])
        }
        TicketChange::Assign(person) => {
            unit.check(Act::Assign, Some(t))?;
            let person = staff_member(&unit.tracker, &person)?;
            Outcome::event("assign", vec![workflow::assign(t, &person)?])
        }
        TicketChange::Take => {
            unit.check(Act::Take, Some(t))?;
            Outcome::event("take", vec![workflow::assign(t, &actor)?])
        }
        TicketChange::Priority(p) => {
            unit.check(Act::SetPriority, Some(t))?;
            Outcome::event("priority", vec![workflow::set_priority(t, p)?])
        }
        TicketChange::AddAction { text, done } => {
            unit.check(Act::ManageActions, Some(t))?;
            let changes = workflow::add_action(t, &text, &actor, unit.now, done)?;
            Outcome::event("action-add", changes)
        }
        TicketChange::CompleteAction { number, time_spent } => {
            unit.check(Act::ManageActions, Some(t))?;
            if time_spent.is_some() {
                unit.check(Act::RecordTime, Some(t))?;
            }
            let change = workflow::complete_action(t, number, &actor, unit.now)?;
            Outcome {
                time_spent,
                ..Outcome::event("action-done", vec![change])
            }
        }
        TicketChange::Resolve { solution } => {
            unit.check(Act::Resolve, Some(t))?;
            let changes = workflow::resolve(t, &solution)?;
            // The requester is told what was done: a public entry.
            Outcome {
                kind: EntryKind::Reply,
                body: resolution_notice(unit, t)?,
                summary: format!("resolved by {actor}"),
                ..Outcome::event("resolve", changes)
            }
        }
        TicketChange::Close => {
            unit.check(Act::Close, Some(t))?;
            Outcome::event("close", vec![workflow::close(t)?])
        }
        TicketChange::Reopen => {
            unit.check(Act::Reopen, Some(t))?;
            Outcome::event("reopen", vec![workflow::reopen(t)?])
        }
        TicketChange::Escalate { reason } => {
            unit.check(Act::Escalate, Some(t))?;
            let contact = unit.tracker.config.escalation.contact.as_deref();
            let changes = workflow::escalate(t, contact)?;
            let notices = match contact {
                None => vec![format!(
                    "helpdesk.yaml names no escalation.contact, so {} keeps its assignee",
                    t.id
                )],
                Some(_) => vec![],
            };
            Outcome {
                body: reason.trim().to_string(),
                summary: format!("escalated by {actor}"),
                notices,
                ..Outcome::event("escalate", changes)
            }
        }
    })
}

/// The resolution notice from `templates/resolution-notice.md` of the
/// tracker, else the built-in one.
fn resolution_notice(unit: &UnitOfWork, ticket: &Ticket) -> Result<String> {
    let (path, template) = unit.tracker.resolution_notice_template()?;
    let template = template.unwrap_or_else(|| crate::domain::canned::RESOLUTION_NOTICE.to_string());
    let config = &unit.tracker.config;
    let today = unit.now.date_naive();
    crate::domain::canned::resolution_notice(&template, config, ticket, &unit.actor.key, today)
        // The whole file is the template: its lines are the file's lines.
        .map_err(|e| located(path, e))
}
