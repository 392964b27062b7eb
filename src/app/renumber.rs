//! Safe folios at sync: this clone's unpushed registrations whose folio
//! the remote gave to another ticket move to the next free folio while
//! they are replayed (see `domain::renumber`), each renumbering recorded
//! by a timeline event in its own commit and in the clone's log of
//! renumberings, so `tkt show OLD` can point to the new folio.

use super::sync_events::{commit_event, SyncEvent};
use crate::domain::frontmatter;
use crate::domain::model::{Change, Entry, EntryKind, Folio, Person, Ticket};
use crate::domain::renumber::{self, Registration, Renumber, Renumbered, Renumbering};
use crate::domain::trailers::TicketRef;
use crate::git::{Git, Rewrite};
use crate::store::Tracker;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use git2::Oid;
use std::collections::{BTreeSet, HashMap};

/// The renumberings a sync needs, and how the replay follows them.
pub struct Plan {
    pub moves: Vec<Renumber>,
    pub renumbering: Renumbering,
}

/// Finds this clone's registrations since `base` (the last commit both
/// sides share) that clash with the remote's tickets at `theirs`.
pub fn plan(tracker: &Tracker, git: &Git, base: Oid, ours: Oid, theirs: Oid) -> Result<Plan> {
    let tickets_dir = git.relative(&tracker.root.join("tickets"))?;
    let format = &tracker.config.folio;
    let shared: BTreeSet<String> = ticket_files(git, base, &tickets_dir)?.into_keys().collect();
    let remote = ticket_files(git, theirs, &tickets_dir)?;
    let local = ticket_files(git, ours, &tickets_dir)?;
    let mut used: BTreeSet<u64> = BTreeSet::new();
    let mut registrations = Vec::new();
    let mut remote_uids = HashMap::new();
    for (name, blob) in &local {
        let Some(folio) = format.from_dir_name(name) else {
            continue;
        };
        used.insert(folio.number);
        if shared.contains(name) {
            continue;
        }
        if let Some(theirs) = remote.get(name) {
            remote_uids.insert(folio.number, uid_of(git, *theirs)?);
        }
        registrations.push(Registration {
            uid: uid_of(git, *blob)?,
            folio,
        });
    }
    used.extend(remote.keys().filter_map(|n| format.number_of_dir(n)));
    let moves = renumber::plan(format, &registrations, &remote_uids, &used);
    let renumbering = Renumbering::new(format, &moves, &tickets_dir);
    Ok(Plan { moves, renumbering })
}

/// The ticket folders of a commit that hold a `ticket.md`, with its blob.
fn ticket_files(git: &Git, commit: Oid, tickets_dir: &str) -> Result<HashMap<String, Oid>> {
    Ok(git
        .folder_files(commit, tickets_dir, "ticket.md")?
        .into_iter()
        .filter_map(|(name, blob)| Some((name, blob?)))
        .collect())
}

fn ticket_at(git: &Git, blob: Oid) -> Result<Ticket> {
    let bytes = git.read_blob(blob)?;
    let text = String::from_utf8(bytes).context("a ticket.md that is not UTF-8")?;
    let (ticket, _) = frontmatter::parse::<Ticket>(&text)
        .map_err(|e| anyhow::anyhow!("cannot read a ticket: {e}"))?;
    Ok(ticket)
}

fn uid_of(git: &Git, blob: Oid) -> Result<String> {
    Ok(ticket_at(git, blob)?.uid)
}

/// The replay follows the renumbering: files of a moved ticket move to
/// its new folder, mentions of its old folio in what the unpushed work
/// wrote (Markdown files and commit messages) name the new one.
impl Rewrite for Renumbering {
    fn path(&self, path: &str) -> Option<String> {
        Renumbering::path(self, path)
    }

    fn content(&self, path: &str, base: Option<&[u8]>, bytes: &[u8]) -> Option<Vec<u8>> {
        if !path.ends_with(".md") {
            return None;
        }
        let text = std::str::from_utf8(bytes).ok()?;
        let base = base.and_then(|b| std::str::from_utf8(b).ok());
        self.written_lines(base, text).map(String::into_bytes)
    }

    fn message(&self, message: &str) -> Option<String> {
        self.text(message)
    }
}

/// On top of the replayed `tip`, one commit per renumbered ticket adding
/// a timeline event that records the old folio. Returns the new tip and
/// what moved.
pub fn record(
    tracker: &Tracker,
    git: &Git,
    mut tip: Oid,
    moves: &[Renumber],
    actor: &Person,
    taken_on: &str,
    stamp: DateTime<Utc>,
) -> Result<(Oid, Vec<Renumbered>)> {
    let now = chrono::SubsecRound::trunc_subsecs(stamp, 0);
    let tickets_dir = git.relative(&tracker.root.join("tickets"))?;
    let mut done = Vec::new();
    for Renumber { old, new, uid } in moves {
        let folder = format!("{tickets_dir}/{new}");
        let subject = ticket_files(git, tip, &tickets_dir)?
            .get(new.as_str())
            .map(|blob| ticket_at(git, *blob))
            .transpose()?
            .map(|t| t.subject)
            .unwrap_or_default();
        let event = SyncEvent {
            folder: &folder,
            ticket: TicketRef { folio: new, uid },
            entry: renumber_event(old, new, taken_on, &actor.key, now),
            action: "renumber",
            summary: format!("renumbered from {old} ({old} was taken on {taken_on})"),
        };
        tip = commit_event(git, tip, actor, stamp, event)?;
        done.push(Renumbered {
            old: old.to_string(),
            new: new.to_string(),
            uid: uid.clone(),
            subject,
            taken_on: taken_on.to_string(),
            when: now,
        });
    }
    Ok((tip, done))
}

fn renumber_event(
    old: &Folio,
    new: &Folio,
    taken_on: &str,
    author: &str,
    now: DateTime<Utc>,
) -> Entry {
    Entry {
        author: author.to_string(),
        date: now,
        kind: EntryKind::Event,
        changes: vec![Change::new("folio", Some(old), Some(new))],
        attachments: vec![],
        time_spent: None,
        mail: None,
        body: format!(
            "Registered as {old} on a clone that had not synced yet, while {taken_on} had \
             already given {old} to another ticket; it became {new} when it was synced."
        ),
    }
}
