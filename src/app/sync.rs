//! Syncing a clone with its remote (`tkt sync`): fetch, integrate, push,
//! under the clone's lock, so no tkt action interleaves with it.

use super::unit::Scope;
use crate::domain::frontmatter;
use crate::domain::merge::{merge_files, Times};
use crate::domain::model::Ticket;
use crate::git::{BothChanged, Git, Synced};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use std::path::Path;

/// How many times a push rejected because the remote moved on meanwhile
/// is retried (each time after fetching and integrating again).
const ATTEMPTS: usize = 3;

/// Fetches `remote` (default: the branch's upstream, else `origin`),
/// replays the clone's unpushed commits on top of what arrived, moves the
/// work tree, and pushes. Never force-pushes.
pub fn sync(scope: &Scope, remote: Option<&str>) -> Result<Synced> {
    let tracker = scope.open_tracker()?;
    let git = Git::open(&tracker.root)?;
    git.ensure_ready()?;
    let _lock = git.lock()?;
    git.finish_interrupted()?;
    git.refuse_busy_index()?;
    let (remote, local_ref, branch) = git.sync_target(remote)?;
    let now = crate::clock::now()?;
    let resolve = |both: &BothChanged| merge_ticket(both, now);
    let mut done = Synced {
        remote: remote.clone(),
        branch: branch.clone(),
        ..Default::default()
    };
    for _ in 0..ATTEMPTS {
        let theirs = git.fetch(&remote, &branch)?;
        let Some(ours) = git.head_oid()? else {
            bail!(
                "this clone has no commits yet; get the remote's with `git pull {remote} {branch}`"
            );
        };
        let tip = match theirs {
            None => ours,
            Some(theirs) if theirs == ours => return Ok(done),
            Some(theirs) => match integrate(&git, &mut done, ours, theirs, &resolve)? {
                Some(tip) => tip,
                // A fast-forward: nothing of ours to push.
                None => return Ok(done),
            },
        };
        let ahead = git.count_between(theirs, tip)?;
        if ahead == 0 {
            return Ok(done);
        }
        if git.push(&remote, &local_ref, &branch)? {
            done.pushed += ahead;
            return Ok(done);
        }
    }
    bail!("{remote}/{branch} kept moving while tkt tried to push; run `tkt sync` again")
}

/// A ticket changed on both sides, merged field by field: a field changed
/// on one side takes that side, on both sides the later action (by the
/// ticket's `updated` time) wins; both changes stay in the timeline, whose
/// entries are separate files. Any other file changed on both sides, and
/// two different tickets registered under one folio, stop the sync.
/// Brings what the remote has into this clone: a fast-forward (`None`:
/// nothing to push), or this clone's commits replayed on top of the
/// remote's (`Some(new tip)`), or already ahead (`Some(ours)`).
fn integrate(
    git: &Git,
    done: &mut Synced,
    ours: git2::Oid,
    theirs: git2::Oid,
    resolve: &dyn Fn(&BothChanged) -> Option<Vec<u8>>,
) -> Result<Option<git2::Oid>> {
    let target = format!("{}/{}", done.remote, done.branch);
    let base = git.merge_base(ours, theirs)?;
    if base == ours {
        done.received += git.count_between(Some(ours), theirs)?;
        git.move_branch_to(theirs, &format!("fast-forward to {target}"))?;
        return Ok(None);
    }
    if base == theirs {
        return Ok(Some(ours));
    }
    let (tip, replayed) = match git.replay_onto(ours, theirs, resolve)? {
        Ok(replayed) => replayed,
        Err(clashes) => {
            let list: Vec<String> = clashes
                .iter()
                .map(|c| format!("  {} (in your commit {})", c.path, &c.commit[..7]))
                .collect();
            bail!(
                "these files were changed both here and on {target}; nothing was changed:\n{}\n\
                 Integrate them with git (`git pull --rebase {}`), then run `tkt sync` again",
                list.join("\n"),
                target.replacen('/', " ", 1)
            );
        }
    };
    done.received += git.count_between(Some(base), theirs)?;
    done.replayed += replayed;
    git.move_branch_to(tip, &format!("replayed {replayed} commits on {target}"))?;
    Ok(Some(tip))
}

fn text(bytes: Option<&[u8]>) -> Option<&str> {
    bytes.and_then(|b| std::str::from_utf8(b).ok())
}

fn merge_ticket(both: &BothChanged, now: DateTime<Utc>) -> Option<Vec<u8>> {
    let is_ticket = both
        .path
        .rsplit('/')
        .collect::<Vec<_>>()
        .get(..3)
        .is_some_and(|parts| parts[0] == "ticket.md" && parts[2] == "tickets");
    if !is_ticket {
        return None;
    }
    let (ours, theirs) = (text(both.ours)?, text(both.theirs)?);
    merge_ticket_texts(text(both.base), ours, theirs, now)
        .ok()
        .map(String::into_bytes)
}

/// Registers the merge driver for ticket files in the clone's git config.
pub fn setup(tracker: &crate::store::Tracker) -> Result<()> {
    Git::open(&tracker.root)?.register_merge_driver("tkt")
}

/// What git's merge driver does (`%O %A %B`): merges the three versions
/// and writes the result over ours. An empty base: both sides added it.
pub fn merge_driver(base: &Path, ours: &Path, theirs: &Path) -> Result<()> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    let base = read(base)?;
    let base = (!base.is_empty()).then_some(base.as_str());
    let merged = merge_ticket_texts(base, &read(ours)?, &read(theirs)?, crate::clock::now()?)?;
    std::fs::write(ours, merged).with_context(|| format!("cannot write {}", ours.display()))
}

/// Merges three versions of a `ticket.md` (no base: both sides added it)
/// field by field, the later action (the ticket's `updated`) winning a
/// field both changed. Refuses two different tickets under one folio.
/// Used by `tkt sync` and by the merge driver plain `git pull` runs.
pub fn merge_ticket_texts(
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let times = |text: &str| -> Result<Times> {
        let (ticket, _) = frontmatter::parse::<Ticket>(text)
            .map_err(|e| anyhow::anyhow!("cannot read the ticket: {e}"))?;
        Ok(Times::at(ticket.updated))
    };
    let merged = merge_files(base, (ours, &times(ours)?), (theirs, &times(theirs)?), now)?;
    Ok(merged.text)
}
