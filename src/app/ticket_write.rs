//! What every change to an existing ticket shares: read it under the lock,
//! let the use case decide, then write the ticket, its new timeline entry
//! and attachments and commit them as one action.

use super::unit::{Scope, UnitOfWork};
use super::uploads::{self, Attachment};
use crate::domain::event::{self, Event};
use crate::domain::model::{Change, EntryKind, Folio, MailOrigin, Span, Ticket};
use crate::store::{entry_file_name, render_entry, render_ticket, Tracker, Transaction};
use anyhow::Result;

/// What a use case did: its summary (the commit subject's text), the
/// events of its commit, notices for the person (things they may want to
/// know, not errors), and its value.
#[derive(Debug)]
pub struct Done<T> {
    pub summary: String,
    pub events: Vec<Event>,
    pub notices: Vec<String>,
    pub value: T,
}

/// A decided change to one ticket, to be written and committed.
pub(super) struct Outcome {
    pub kind: EntryKind,
    pub body: String,
    pub changes: Vec<Change>,
    pub attachments: Vec<Attachment>,
    pub time_spent: Option<Span>,
    /// The mail the entry was made from (`tkt mail import`).
    pub mail: Option<MailOrigin>,
    /// The `Action:` trailer.
    pub action: &'static str,
    pub summary: String,
    pub notices: Vec<String>,
}

impl Outcome {
    /// A change of state with no text.
    pub fn event(action: &'static str, changes: Vec<Change>) -> Outcome {
        let summary = crate::domain::trailers::describe_changes(&changes);
        Outcome {
            kind: EntryKind::Event,
            body: String::new(),
            changes,
            attachments: vec![],
            time_spent: None,
            mail: None,
            action,
            summary,
            notices: vec![],
        }
    }
}

/// Runs one change: opens the unit of work, reads the ticket (if the actor
/// may know it), lets `decide` check access and change it, then writes and
/// commits the outcome.
pub(super) fn change_ticket(
    scope: &Scope,
    id: &str,
    decide: impl FnOnce(&UnitOfWork, &Folio, &mut Ticket) -> Result<Outcome>,
) -> Result<Done<Folio>> {
    let unit = UnitOfWork::begin(scope)?;
    let (folio, mut ticket) = unit.ticket(id)?;
    let outcome = decide(&unit, &folio, &mut ticket)?;
    write(&unit, folio, ticket, outcome)
}

/// Writes the changed ticket and its new timeline entry (plus
/// attachments) and commits them as one action.
pub(super) fn write(
    unit: &UnitOfWork,
    folio: Folio,
    mut ticket: Ticket,
    outcome: Outcome,
) -> Result<Done<Folio>> {
    let rel = Tracker::ticket_rel(&folio);
    let mut tx = Transaction::new(&unit.tracker.root);
    let names = uploads::stage(&mut tx, &rel, outcome.attachments);
    let author = unit.actor.key.clone();
    let mut entry = crate::domain::workflow::record(
        &mut ticket,
        &author,
        unit.now,
        outcome.kind,
        &outcome.body,
        outcome.changes,
        names,
    );
    entry.time_spent = outcome.time_spent;
    entry.mail = outcome.mail;
    let file = entry_file_name(unit.stamp, &author);
    let events = event::of_entry(folio.as_str(), &file, &entry);
    tx.create(rel.join("replies").join(&file), render_entry(&entry)?);
    tx.replace(rel.join("ticket.md"), render_ticket(&ticket)?);
    let committed = unit.commit(
        tx,
        Some((&folio, &ticket)),
        outcome.action,
        &outcome.summary,
    )?;
    let mut notices = outcome.notices;
    notices.extend(committed.notices);
    Ok(Done {
        summary: outcome.summary,
        events,
        notices,
        value: folio,
    })
}
