//! What every command needs: the tracker, and for changes the repository,
//! the lock, the acting person and one commit per action.

use crate::domain::model::{Folio, Person};
use crate::git::{Git, Identity, Lock};
use crate::store::{Tracker, Transaction};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// Options that apply to every command.
#[derive(Debug, Clone, Default)]
pub struct Global {
    pub dir: Option<PathBuf>,
    pub actor: Option<String>,
}

/// A mistake in how the command was called (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Formats an error with its causes, one clause after another.
pub fn render_error(err: &anyhow::Error) -> String {
    format!("{err:#}")
}

pub fn open_tracker(global: &Global) -> Result<Tracker> {
    Tracker::open(global.dir.as_deref())
}

/// A mutating command's context, holding the clone-wide lock until dropped.
pub struct Session {
    pub tracker: Tracker,
    pub git: Git,
    pub actor: Person,
    pub now: DateTime<Utc>,
    /// `now` with milliseconds, for naming timeline files.
    pub stamp: DateTime<Utc>,
    _lock: Lock,
}

impl Session {
    /// Opens the tracker for changes: checks the repository can take a
    /// commit, waits for other tkt runs, then reads config under the lock.
    pub fn begin(global: &Global) -> Result<Session> {
        let found = open_tracker(global)?;
        let git = Git::open(&found.root)?;
        git.ensure_ready()?;
        let lock = git.lock()?;
        let tracker = Tracker::open(Some(&found.root))?;
        let actor = resolve_actor(&tracker, &git, global.actor.as_deref())?;
        let stamp = crate::clock::precise_now()?;
        Ok(Session {
            tracker,
            git,
            actor,
            now: chrono::SubsecRound::trunc_subsecs(stamp, 0),
            stamp,
            _lock: lock,
        })
    }

    /// Commits a transaction as the acting person, with the audit trailers.
    pub fn commit(
        &self,
        tx: Transaction,
        folio: Option<&Folio>,
        action: &str,
        summary: &str,
    ) -> Result<()> {
        let message =
            crate::domain::trailers::commit_message(folio, action, &self.actor.key, summary);
        let who = Identity {
            name: self.actor.name.clone(),
            email: self.actor.email.clone(),
            when: self.now,
        };
        tx.commit(&self.git, &message, &who)?;
        Ok(())
    }

    pub fn require_staff(&self, what: &str) -> Result<()> {
        crate::domain::workflow::require_staff(&self.actor, what).map_err(anyhow::Error::msg)
    }
}

/// The person acting: `--as`/`TKT_USER`, else whoever `git config
/// user.email` belongs to.
pub fn resolve_actor(tracker: &Tracker, git: &Git, explicit: Option<&str>) -> Result<Person> {
    let config = &tracker.config;
    if let Some(key) = explicit {
        return config
            .require_person(key)
            .cloned()
            .map_err(|e| anyhow::anyhow!("{e} (given by --as or TKT_USER)"));
    }
    let (_, email) = git.configured_user();
    let email = email.context(
        "cannot tell who you are: pass --as PERSON, set TKT_USER, or set `git config user.email` to a registered person's email",
    )?;
    config
        .people
        .iter()
        .find(|p| p.email.eq_ignore_ascii_case(&email))
        .cloned()
        .with_context(|| {
            format!(
                "cannot tell who you are: git user.email `{email}` belongs to no person in helpdesk.yaml; \
                 pass --as PERSON, set TKT_USER, or ask an admin to run `tkt person add`"
            )
        })
}
