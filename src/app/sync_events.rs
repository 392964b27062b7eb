//! The commits a sync adds on top of the work it replayed: timeline
//! events that record what it did to a ticket (a renumbering, changes
//! overridden by a field-wise merge), each one commit by whoever syncs,
//! with tkt's trailers like every other action.

use crate::domain::model::{Entry, Person};
use crate::domain::trailers::{self, TicketRef};
use crate::git::{Git, Identity};
use anyhow::Result;
use chrono::{DateTime, Utc};
use git2::Oid;

/// A timeline event about one ticket.
pub struct SyncEvent<'a> {
    /// The ticket's folder, relative to the repository root.
    pub folder: &'a str,
    pub ticket: TicketRef<'a>,
    pub entry: Entry,
    pub action: &'a str,
    pub summary: String,
}

/// Commits `event` on top of `tip` (in the object store; the branch
/// moves with the rest of the sync) and returns the new tip. `stamp`
/// names the entry file to the millisecond.
pub fn commit_event(
    git: &Git,
    tip: Oid,
    actor: &Person,
    stamp: DateTime<Utc>,
    event: SyncEvent,
) -> Result<Oid> {
    let name = crate::store::entry_file_name(stamp, &actor.key);
    let file = (
        format!("{}/replies/{name}", event.folder),
        crate::store::render_entry(&event.entry)?.into_bytes(),
    );
    let message =
        trailers::commit_message(Some(event.ticket), event.action, &actor.key, &event.summary);
    let who = Identity {
        name: actor.name.clone(),
        email: actor.email.clone(),
        when: event.entry.date,
    };
    git.commit_on(tip, &[file], &message, &who)
}
