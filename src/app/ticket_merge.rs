//! Tickets changed on both sides, merged field by field (`domain::merge`).
//!
//! In `tkt sync` each side's time for a field is the time of the timeline
//! entry that changed it (entries are separate files, so each side's new
//! entries are the files it added); a change the merge overrode is then
//! recorded by a timeline event, so both changes stay visible. git's merge
//! driver sees only the three versions of `ticket.md`, so there each
//! side's `updated` stands for all its changes.

use super::sync_events::{commit_event, SyncEvent};
use crate::domain::frontmatter;
use crate::domain::merge::{merge_files, Overridden, Times, Which};
use crate::domain::model::{Change, Entry, EntryKind, FolioFormat, Person, Ticket};
use crate::domain::trailers::TicketRef;
use crate::git::{BothChanged, Git};
use anyhow::Result;
use chrono::{DateTime, Utc};
use git2::Oid;
use std::cell::RefCell;
use std::collections::HashSet;

/// Merges three versions of a `ticket.md` (no base: both sides added it)
/// field by field, the later action (the ticket's `updated`) winning a
/// field both changed. Refuses two different tickets under one folio.
/// What the merge driver runs for plain `git pull`.
pub fn merge_ticket_texts(
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let merged = merge_files(
        base,
        (ours, &updated(ours)?),
        (theirs, &updated(theirs)?),
        now,
    )?;
    Ok(merged.text)
}

/// A side's `updated`, as the time of all its changes.
fn updated(text: &str) -> Result<Times> {
    Ok(Times::at(read_ticket(text)?.updated))
}

fn read_ticket(text: &str) -> Result<Ticket> {
    let (ticket, _) = frontmatter::parse::<Ticket>(text)
        .map_err(|e| anyhow::anyhow!("cannot read the ticket: {e}"))?;
    Ok(ticket)
}

fn text(bytes: Option<&[u8]>) -> Option<&str> {
    bytes.and_then(|b| std::str::from_utf8(b).ok())
}

/// Changes a merge overrode on one ticket.
pub struct Overrides {
    /// The ticket's folder, relative to the repository root.
    pub folder: String,
    pub folio: String,
    pub uid: String,
    pub changes: Vec<Overridden>,
}

/// The resolver `tkt sync` gives the replay for tickets changed on both
/// sides; it remembers what each merge overrode.
pub struct TicketMerger<'a> {
    git: &'a Git,
    now: DateTime<Utc>,
    overridden: RefCell<Vec<Overrides>>,
}

impl<'a> TicketMerger<'a> {
    pub fn new(git: &'a Git, now: DateTime<Utc>) -> TicketMerger<'a> {
        TicketMerger {
            git,
            now,
            overridden: RefCell::new(Vec::new()),
        }
    }

    /// The merged `ticket.md`, or `None` for any other file and for what
    /// cannot be merged (the sync then stops and names the file).
    pub fn resolve(&self, both: &BothChanged) -> Option<Vec<u8>> {
        let folder = both.path.strip_suffix("/ticket.md")?;
        let in_tickets = folder
            .rsplit('/')
            .nth(1)
            .is_some_and(|parent| parent == "tickets");
        if !in_tickets {
            return None;
        }
        let (ours, theirs) = (text(both.ours)?, text(both.theirs)?);
        let times = |side: Oid, text: &str| {
            self.entry_times(folder, both.commits.base, side)
                .ok()
                .flatten()
                .map_or_else(|| updated(text).ok(), Some)
        };
        let our_times = times(both.commits.ours, ours)?;
        let their_times = times(both.commits.theirs, theirs)?;
        let merged = merge_files(
            text(both.base),
            (ours, &our_times),
            (theirs, &their_times),
            self.now,
        )
        .ok()?;
        if !merged.overridden.is_empty() {
            let ticket = read_ticket(&merged.text).ok()?;
            self.overridden.borrow_mut().push(Overrides {
                folder: folder.to_string(),
                folio: ticket.id,
                uid: ticket.uid,
                changes: merged.overridden,
            });
        }
        Some(merged.text.into_bytes())
    }

    /// The times of the timeline entries `side` added to the ticket in
    /// `folder` since `base`; `None` when it added none.
    fn entry_times(&self, folder: &str, base: Oid, side: Oid) -> Result<Option<Times>> {
        let replies = format!("{folder}/replies");
        let shared: HashSet<String> = self
            .git
            .files_in(base, &replies)?
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        let mut entries = Vec::new();
        for (name, blob) in self.git.files_in(side, &replies)? {
            if shared.contains(&name) {
                continue;
            }
            let bytes = self.git.read_blob(blob)?;
            let text = String::from_utf8_lossy(&bytes);
            if let Ok((entry, _)) = frontmatter::parse::<Entry>(&text) {
                entries.push(entry);
            }
        }
        Ok(Times::from_entries(&entries))
    }

    pub fn into_overrides(self) -> Vec<Overrides> {
        self.overridden.into_inner()
    }
}

/// One timeline event per merged ticket naming the changes its merge
/// overrode, committed on top of `tip` by whoever syncs.
pub fn record(
    git: &Git,
    mut tip: Oid,
    overrides: &[Overrides],
    format: &FolioFormat,
    actor: &Person,
    (target, stamp): (&str, DateTime<Utc>),
) -> Result<Oid> {
    let now = chrono::SubsecRound::trunc_subsecs(stamp, 0);
    for o in overrides {
        let Some(folio) = format.from_dir_name(&o.folio) else {
            continue;
        };
        let fields: Vec<&str> = o.changes.iter().map(|c| c.field.as_str()).collect();
        let event = SyncEvent {
            folder: &o.folder,
            ticket: TicketRef {
                folio: &folio,
                uid: &o.uid,
            },
            entry: Entry {
                author: actor.key.clone(),
                date: now,
                kind: EntryKind::Event,
                changes: o.changes.iter().map(as_change).collect(),
                attachments: vec![],
                time_spent: None,
                mail: None,
                body: overridden_text(&o.changes, target),
            },
            action: "merge",
            summary: format!(
                "changed on two clones at once; the later change kept ({})",
                fields.join(", ")
            ),
        };
        tip = commit_event(git, tip, actor, stamp, event)?;
    }
    Ok(tip)
}

/// `overridden`, from the lost value to the kept one, each written as
/// `field: value` (a field may be `fields.case_number` or an action).
fn as_change(c: &Overridden) -> Change {
    let value = |v: &Option<String>| format!("{}: {}", c.field, v.as_deref().unwrap_or("nothing"));
    Change::new("overridden", Some(value(&c.lost)), Some(value(&c.kept)))
}

/// `Changed on two clones at once; the later change was kept:` and one
/// line per field with both values.
fn overridden_text(changes: &[Overridden], target: &str) -> String {
    let show = |v: &Option<String>| match v {
        Some(v) => format!("`{v}`"),
        None => "nothing".to_string(),
    };
    let mut text = String::from("Changed on two clones at once; the later change was kept:\n");
    for c in changes {
        let remote = format!("on {target}");
        let synced = "on the clone that synced";
        let (kept_where, lost_where) = match c.lost_side {
            Which::Theirs => (synced, remote.as_str()),
            Which::Ours => (remote.as_str(), synced),
        };
        text.push_str(&format!(
            "\n- {}: {} (set {kept_where}) kept; {} (set {lost_where}) overridden",
            c.field,
            show(&c.kept),
            show(&c.lost)
        ));
    }
    text
}
