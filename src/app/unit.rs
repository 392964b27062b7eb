//! The unit of work every change runs in: lock the clone, read the config
//! under the lock, establish who acts, let the use case check access and
//! stage its files, then write and commit them as one action.

use super::auto_sync::AutoSync;
use crate::domain::access::{self, Act, Viewer};
use crate::domain::model::{Folio, Person, Ticket};
use crate::domain::refusal::{Refusal, Remedy};
use crate::domain::registration::{self, Door, Requester};
use crate::domain::renumber::Renumbered;
use crate::domain::trailers::{self, TicketRef, Via};
use crate::git::{Git, Identity, Lock};
use crate::store::{Tracker, Transaction};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// Where and as whom a front end asks: the tracker folder (`None`: look
/// upwards from the current directory, as git does) and the declared actor
/// (`None`: whoever `git config user.email` belongs to).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub dir: Option<PathBuf>,
    pub actor: Option<String>,
    /// Skip the repository's `pre-commit` and `commit-msg` hooks, as
    /// `git commit --no-verify` does.
    pub no_verify: bool,
    /// The front end, when not the command line: commits get a `Via:`
    /// trailer.
    pub via: Option<Via>,
}

impl Scope {
    /// The tracker, after finishing any action a killed tkt run left
    /// half done (so no command ever reads a half-written action).
    pub fn open_tracker(&self) -> Result<Tracker> {
        let tracker = Tracker::open(self.dir.as_deref())?;
        if Git::finish_interrupted_at(&tracker.root)?.is_some() {
            return Tracker::open(Some(&tracker.root));
        }
        Ok(tracker)
    }
}

/// A change in progress, holding the clone-wide lock until dropped.
pub struct UnitOfWork {
    pub tracker: Tracker,
    pub git: Git,
    pub actor: Person,
    /// The actor, when a registration brought someone new: the change
    /// must add them to `helpdesk.yaml` in the same commit.
    pub newcomer: Option<Person>,
    pub now: DateTime<Utc>,
    /// `now` with milliseconds, for naming timeline files.
    pub stamp: DateTime<Utc>,
    verify: bool,
    via: Option<Via>,
    /// Auto-sync (`sync: auto`), when the clone has a remote to sync with.
    auto_sync: Option<AutoSync>,
    /// What the sync before the change had to say.
    pulled: Vec<String>,
    _lock: Lock,
}

/// What committing a change did besides the commit.
#[derive(Debug, Default)]
pub struct Committed {
    /// For the person: e.g. that the change was not pushed.
    pub notices: Vec<String>,
    /// Tickets that moved to another folio while syncing.
    pub renumbered: Vec<Renumbered>,
    /// Whether the change reached the remote.
    pub pushed: bool,
}

/// Who acts in a unit of work.
#[derive(Debug, Clone, Copy)]
pub enum Acting<'a> {
    /// The scope's declared actor, else whoever git's `user.email` is.
    Declared,
    /// Someone registering from outside the team's clones (the web form,
    /// mail) by name and address: a person the config knows, or a newcomer
    /// the door's registration rule admits, added with the change.
    Registering {
        name: &'a str,
        email: &'a str,
        door: Door,
    },
}

impl UnitOfWork {
    /// Checks the repository can take a commit, waits for other tkt runs,
    /// then reads config and the actor under the lock.
    pub fn begin(scope: &Scope) -> Result<UnitOfWork> {
        UnitOfWork::begin_acting(scope, Acting::Declared)
    }

    /// As [`UnitOfWork::begin`], with the actor decided as `acting` says,
    /// under the lock (two registrations of one newcomer never race).
    pub fn begin_acting(scope: &Scope, acting: Acting) -> Result<UnitOfWork> {
        let found = scope.open_tracker()?;
        let git = Git::open(&found.root)?;
        git.ensure_ready()?;
        let lock = git.lock()?;
        // A run may have died between `open_tracker` and taking the lock.
        git.finish_interrupted()?;
        git.refuse_busy_index()?;
        // Who records what a sync does; a registration may come without one.
        let declared = match acting {
            Acting::Declared => Some(resolve_actor(&found, &git, scope.actor.as_deref())?),
            Acting::Registering { .. } => resolve_actor(&found, &git, scope.actor.as_deref()).ok(),
        };
        let auto_sync = AutoSync::configured(&found, &git);
        // The remote's work comes in before a folio is allocated, so the
        // folio is the next free one on the remote, not only here.
        let pulled = match &auto_sync {
            Some(auto) => auto.pull(&found, &git, declared.as_ref()),
            None => vec![],
        };
        let tracker = Tracker::open(Some(&found.root))?;
        tracker.ensure_writable_config()?;
        let (actor, newcomer) = match (acting, declared) {
            (Acting::Declared, Some(declared)) => {
                (resolve_actor(&tracker, &git, Some(&declared.key))?, None)
            }
            (Acting::Registering { name, email, door }, _) => {
                registering(&tracker, name, email, door)?
            }
            (Acting::Declared, None) => unreachable!("a declared actor was resolved above"),
        };
        let stamp = crate::clock::precise_now()?;
        Ok(UnitOfWork {
            tracker,
            git,
            actor,
            newcomer,
            now: chrono::SubsecRound::trunc_subsecs(stamp, 0),
            stamp,
            verify: !scope.no_verify,
            via: scope.via,
            auto_sync,
            pulled,
            _lock: lock,
        })
    }

    /// May the actor do `act` (to `ticket`)? The access rules decide.
    pub fn check(&self, act: Act, ticket: Option<&Ticket>) -> Result<(), Refusal> {
        access::check(&self.actor, act, ticket)
    }

    /// The ticket `input` names, read under the lock, if the actor may
    /// know it exists. A ticket whose `replies/` or `attachments/` is a
    /// symbolic link is refused: a change would be written wherever the
    /// link points.
    pub fn ticket(&self, input: &str) -> Result<(Folio, Ticket)> {
        let (folio, ticket) = existing_ticket(&self.tracker, input, &Viewer::Person(&self.actor))?;
        for folder in ["replies", "attachments"] {
            let rel = Tracker::ticket_rel(&folio).join(folder);
            self.tracker.check_folders(&rel)?;
        }
        Ok((folio, ticket))
    }

    /// Commits a transaction as the acting person, with the audit trailers.
    pub fn commit(
        &self,
        tx: Transaction,
        ticket: Option<(&Folio, &Ticket)>,
        action: &str,
        summary: &str,
    ) -> Result<Committed> {
        let ticket = ticket.map(|(folio, t)| TicketRef { folio, uid: &t.uid });
        let message = trailers::with_via(
            trailers::commit_message(ticket, action, &self.actor.key, summary),
            self.via,
        );
        let who = Identity {
            name: self.actor.name.clone(),
            email: self.actor.email.clone(),
            when: self.now,
        };
        tx.commit(&self.git, &message, &who, self.verify)?;
        let mut committed = match &self.auto_sync {
            Some(auto) => auto.push(&self.tracker, &self.git, &self.actor),
            None => Committed::default(),
        };
        committed.notices.splice(0..0, self.pulled.iter().cloned());
        Ok(committed)
    }

    /// What attachments this change may carry: through the web forms,
    /// the `web: limits` hold as well as the tracker's own.
    pub fn upload_limits(&self) -> super::uploads::UploadLimits {
        super::uploads::UploadLimits::of(&self.tracker.config, self.via)
    }

    /// Whether this clone syncs with a remote at all (then a folio is
    /// provisional until pushed).
    pub fn has_remote(&self) -> bool {
        let remote = self.tracker.config.sync.remote.as_deref();
        self.git.sync_target(remote).is_ok()
    }
}

/// The person registering by `name` and `email`, and whether they are new.
fn registering(
    tracker: &Tracker,
    name: &str,
    email: &str,
    door: Door,
) -> Result<(Person, Option<Person>)> {
    let config = &tracker.config;
    let rule = door.rule(config)?;
    Ok(
        match registration::requester_for(config, &rule, name, email)? {
            Requester::Known(key) => (
                config
                    .require_person(&key)
                    .map_err(anyhow::Error::msg)?
                    .clone(),
                None,
            ),
            Requester::New(person) => {
                if let Some(problem) = person.signature_problem() {
                    return Err(Refusal::invalid("name", problem).into());
                }
                (person.clone(), Some(person))
            }
        },
    )
}

/// The folio typed by a user and its ticket, if `viewer` may know it
/// exists; else a not-found refusal. A ticket the viewer may not see is
/// refused exactly like a folio never used, so not even its existence
/// shows; only staff are told how far the folios go.
pub fn existing_ticket(tracker: &Tracker, input: &str, viewer: &Viewer) -> Result<(Folio, Ticket)> {
    let folio = tracker
        .folio(input)
        .map_err(|e| Refusal::invalid("ticket", format!("{e:#}")))?;
    if tracker.ticket_dir(&folio).join("ticket.md").is_file() {
        match tracker.read_ticket(&folio) {
            Ok(ticket) if access::may_see_ticket(viewer, &ticket) => return Ok((folio, ticket)),
            // The team needs to know why a ticket cannot be read.
            Err(e) if viewer.is_staff() => return Err(e.into()),
            _ => {}
        }
    }
    Err(no_ticket(tracker, &folio, viewer)?.into())
}

fn no_ticket(tracker: &Tracker, folio: &Folio, viewer: &Viewer) -> Result<Refusal> {
    let message = format!("no ticket {folio}");
    if !viewer.is_staff() {
        return Ok(Refusal::not_found(message).with_remedy(Remedy::SeeList { last: None }));
    }
    Ok(match tracker.folios()?.pop() {
        Some(last) => Refusal::not_found(message).with_remedy(Remedy::SeeList {
            last: Some(last.to_string()),
        }),
        None => Refusal::not_found(format!("{message}: the tracker has no tickets yet")),
    })
}

/// The person acting: `--as`/`TKT_USER`, else whoever `git config
/// user.email` belongs to.
pub fn resolve_actor(tracker: &Tracker, git: &Git, explicit: Option<&str>) -> Result<Person> {
    let config = &tracker.config;
    if let Some(key) = explicit {
        return config.require_person(key).cloned().map_err(|e| {
            Refusal::invalid("actor", format!("{e} (given by --as or TKT_USER)")).into()
        });
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
