//! Syncing a clone with its remote (`tkt sync`): fetch, integrate, push,
//! under the clone's lock, so no tkt action interleaves with it.

use super::renumber;
use super::ticket_merge::{self, TicketMerger};
use super::unit::{resolve_actor, Scope};
use crate::git::{BothChanged, Git, RenumberLog, Rewrite, Synced};
use crate::store::Tracker;
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use std::path::Path;
use std::time::{Duration, Instant};

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
    let clone = Clone::new(&tracker, &git, scope.actor.as_deref(), remote, None)?;
    let mut done = clone.synced();
    clone.sync(&mut done)?;
    Ok(done)
}

/// The clone being synced (its lock held by the caller), with whom it
/// syncs, and who syncs it when.
pub(super) struct Clone<'a> {
    tracker: &'a Tracker,
    /// Who syncs, when declared (`--as`); else git's `user.email` says.
    actor: Option<&'a str>,
    git: &'a Git,
    remote: String,
    local_ref: String,
    branch: String,
    /// When the sync started, to the millisecond (timeline file names).
    stamp: DateTime<Utc>,
    /// When the network must be done with (none: as long as git takes).
    deadline: Option<Instant>,
}

impl<'a> Clone<'a> {
    pub(super) fn new(
        tracker: &'a Tracker,
        git: &'a Git,
        actor: Option<&'a str>,
        remote: Option<&str>,
        deadline: Option<Instant>,
    ) -> Result<Clone<'a>> {
        let (remote, local_ref, branch) = git.sync_target(remote)?;
        Ok(Clone {
            tracker,
            actor,
            git,
            remote,
            local_ref,
            branch,
            stamp: crate::clock::precise_now()?,
            deadline,
        })
    }

    /// An empty account of a sync with this clone's remote.
    pub(super) fn synced(&self) -> Synced {
        Synced {
            remote: self.remote.clone(),
            branch: self.branch.clone(),
            ..Default::default()
        }
    }

    /// Brings the remote's work in and pushes this clone's, again when
    /// the push is rejected because the remote moved on meanwhile.
    pub(super) fn sync(&self, done: &mut Synced) -> Result<()> {
        for _ in 0..ATTEMPTS {
            let ahead = self.pull(done)?;
            if ahead == 0 || self.push(done, ahead)? {
                return Ok(());
            }
        }
        bail!(
            "{}/{} kept moving while tkt tried to push; run `tkt sync` again",
            self.remote,
            self.branch
        )
    }

    /// Fetches and integrates the remote's work; returns how many commits
    /// this clone then has that the remote lacks.
    pub(super) fn pull(&self, done: &mut Synced) -> Result<usize> {
        let git = self.git;
        let theirs = git.fetch(&self.remote, &self.branch, self.time_left("fetch")?)?;
        let Some(ours) = git.head_oid()? else {
            bail!(
                "this clone has no commits yet; get the remote's with `git pull {} {}`",
                self.remote,
                self.branch
            );
        };
        let tip = match theirs {
            None => ours,
            Some(theirs) if theirs == ours => return Ok(0),
            Some(theirs) => match integrate(self, done, ours, theirs)? {
                Some(tip) => tip,
                // A fast-forward: nothing of ours to push.
                None => return Ok(0),
            },
        };
        git.count_between(theirs, tip)
    }

    /// How long the next fetch or push may take; none left is an error.
    fn time_left(&self, what: &str) -> Result<Option<Duration>> {
        let Some(deadline) = self.deadline else {
            return Ok(None);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            bail!("no time left for `git {what}` within the sync timeout");
        }
        Ok(Some(left))
    }

    /// Pushes `ahead` commits; `false` when the remote moved on meanwhile.
    pub(super) fn push(&self, done: &mut Synced, ahead: usize) -> Result<bool> {
        let pushed = self.git.push(
            &self.remote,
            &self.local_ref,
            &self.branch,
            self.time_left("push")?,
        )?;
        if pushed {
            done.pushed += ahead;
        }
        Ok(pushed)
    }
}

/// Brings what the remote has into this clone: a fast-forward (`None`:
/// nothing to push), or this clone's commits replayed on top of the
/// remote's (`Some(new tip)`), or already ahead (`Some(ours)`).
///
/// While replaying, tickets registered here under a folio the remote gave
/// to another ticket move to the next free folio (`app::renumber`). A
/// ticket changed on both sides is merged field by field: a field changed
/// on one side takes that side, on both sides the later action (by the
/// ticket's `updated` time) wins; both changes stay in the timeline, whose
/// entries are separate files. Any other file changed on both sides stops
/// the sync.
fn integrate(
    clone: &Clone,
    done: &mut Synced,
    ours: git2::Oid,
    theirs: git2::Oid,
) -> Result<Option<git2::Oid>> {
    let git = clone.git;
    let now = chrono::SubsecRound::trunc_subsecs(clone.stamp, 0);
    let merger = TicketMerger::new(git, now);
    let resolve = |both: &BothChanged| merger.resolve(both);
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
    let plan = renumber::plan(clone.tracker, git, base, ours, theirs)?;
    let rewrite = (!plan.moves.is_empty()).then_some(&plan.renumbering as &dyn Rewrite);
    let (tip, replayed) = match git.replay_onto(ours, theirs, &resolve, rewrite)? {
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
    // Whoever syncs records what the sync did to tickets, if anything.
    let overrides = merger.into_overrides();
    let actor = (!plan.moves.is_empty() || !overrides.is_empty())
        .then(|| resolve_actor(clone.tracker, git, clone.actor))
        .transpose()?;
    let (tip, renumbered) = match &actor {
        Some(actor) => {
            let format = &clone.tracker.config.folio;
            let tip =
                ticket_merge::record(git, tip, &overrides, format, actor, (&target, clone.stamp))?;
            renumber::record(
                clone.tracker,
                git,
                tip,
                &plan.moves,
                actor,
                &target,
                clone.stamp,
            )?
        }
        None => (tip, vec![]),
    };
    done.received += git.count_between(Some(base), theirs)?;
    done.replayed += replayed;
    done.recorded += overrides.len() + renumbered.len();
    git.move_branch_to(tip, &format!("replayed {replayed} commits on {target}"))?;
    RenumberLog::of(git).append(&renumbered)?;
    done.renumbered.extend(renumbered);
    Ok(Some(tip))
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
    let merged =
        ticket_merge::merge_ticket_texts(base, &read(ours)?, &read(theirs)?, crate::clock::now()?)?;
    std::fs::write(ours, merged).with_context(|| format!("cannot write {}", ours.display()))
}
