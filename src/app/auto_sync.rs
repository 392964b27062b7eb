//! Auto-sync (`sync: auto` in `helpdesk.yaml`): a unit of work brings
//! the remote's work in before the change (so a new ticket gets the
//! remote's next folio) and pushes right after its commit. Offline or out
//! of time, the change is still committed here and the person is told.

use super::sync;
use super::unit::Committed;
use crate::domain::model::Person;
use crate::domain::renumber::Renumbered;
use crate::git::Git;
use crate::store::Tracker;
use anyhow::Result;
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// With whom a unit of work syncs on its own, and until when: all of a
/// command's fetches and pushes share one timeout.
pub(super) struct AutoSync {
    remote: Option<String>,
    deadline: Instant,
    /// Why the remote could not be reached, once it could not.
    offline: RefCell<Option<String>>,
}

impl AutoSync {
    pub(super) fn configured(tracker: &Tracker, git: &Git) -> Option<AutoSync> {
        let settings = &tracker.config.sync;
        let remote = settings.remote.clone();
        (settings.auto && git.sync_target(remote.as_deref()).is_ok()).then(|| AutoSync {
            remote,
            deadline: Instant::now() + Duration::from_secs(settings.timeout_seconds),
            offline: RefCell::new(None),
        })
    }

    /// `actor`: who records what a sync does (none: git's `user.email`).
    fn clone<'a>(
        &self,
        tracker: &'a Tracker,
        git: &'a Git,
        actor: Option<&'a Person>,
    ) -> Result<sync::Clone<'a>> {
        sync::Clone::new(
            tracker,
            git,
            actor.map(|a| a.key.as_str()),
            self.remote.as_deref(),
            Some(self.deadline),
        )
    }

    /// Fetches and integrates the remote's work; offline, says so and
    /// goes on locally.
    pub(super) fn pull(&self, tracker: &Tracker, git: &Git, actor: Option<&Person>) -> Vec<String> {
        let pulled = self.clone(tracker, git, actor).and_then(|clone| {
            let mut done = clone.synced();
            clone.pull(&mut done)?;
            Ok(done)
        });
        match pulled {
            Ok(done) => renumber_notices(&done.renumbered),
            Err(e) => {
                let why = format!("{e:#}");
                let notice = format!(
                    "could not get the remote's changes first ({why}); working on this clone only"
                );
                *self.offline.borrow_mut() = Some(why);
                vec![notice]
            }
        }
    }

    /// Pushes the change just committed (integrating again if the remote
    /// moved on); offline or refused, the change stays committed here.
    pub(super) fn push(&self, tracker: &Tracker, git: &Git, actor: &Person) -> Committed {
        // Unreachable a moment ago: not worth another wait.
        if let Some(why) = self.offline.borrow().as_ref() {
            return Committed {
                notices: vec![format!(
                    "committed on this clone but not pushed ({why}); `tkt sync` pushes it later"
                )],
                ..Committed::default()
            };
        }
        let synced = self.clone(tracker, git, Some(actor)).and_then(|clone| {
            let mut done = clone.synced();
            clone.sync(&mut done)?;
            Ok(done)
        });
        match synced {
            Ok(done) => Committed {
                notices: renumber_notices(&done.renumbered),
                renumbered: done.renumbered,
                pushed: true,
            },
            Err(e) => Committed {
                notices: vec![format!(
                    "committed on this clone but not pushed ({e:#}); `tkt sync` pushes it later"
                )],
                ..Committed::default()
            },
        }
    }
}

fn renumber_notices(renumbered: &[Renumbered]) -> Vec<String> {
    renumbered
        .iter()
        .map(|r| {
            format!(
                "{} is now {}: {} had given {} to another ticket",
                r.old, r.new, r.taken_on, r.old
            )
        })
        .collect()
}
