//! Reading the tracker as someone: every read path (show, list, log, kb
//! search, FAQ suggestions) goes through a `Reader`, which hands out only
//! what the access rules let its viewer see.

use super::unit::{existing_ticket, resolve_actor, Scope};
use crate::domain::access::{self, Viewer};
use crate::domain::model::{Entry, Folio, Person, Ticket};
use crate::domain::refusal::Refusal;
use crate::domain::renumber::Renumbered;
use crate::domain::trailers;
use crate::git::{CommitInfo, Git, RenumberLog};
use crate::store::{FileError, Tracker};
use anyhow::Result;
use std::path::PathBuf;

/// The tracker opened for reading by one viewer.
pub struct Reader {
    pub tracker: Tracker,
    person: Option<Person>,
    /// Why nobody could be identified, when the viewer fell back to the
    /// public audience (a front end may say so).
    pub unidentified: Option<String>,
}

/// A ticket as its viewer may see it: internal notes left out for anyone
/// but the team.
pub struct TicketView {
    pub folio: Folio,
    pub ticket: Ticket,
    /// Visible entries, oldest first, with their files.
    pub timeline: Vec<(PathBuf, Entry)>,
    /// Entry files that could not be read (the team sees them; they may be
    /// notes, so nobody else does).
    pub errors: Vec<FileError>,
    /// The ticket's folder.
    pub dir: PathBuf,
    /// A ticket of this clone that had the folio asked for until a sync
    /// renumbered it (the folio had been taken on the remote).
    pub renumbered: Option<Renumbered>,
}

impl Reader {
    /// Opens the tracker for the scope's actor. A declared actor (`--as`)
    /// must exist; when none is declared and `git config user.email`
    /// matches nobody, the reader sees what the public audience sees.
    pub fn open(scope: &Scope) -> Result<Reader> {
        let tracker = scope.open_tracker()?;
        let (person, unidentified) = match &scope.actor {
            // A declared actor needs no repository: only the config.
            Some(key) => {
                let person = tracker.config.require_person(key).map_err(|e| {
                    Refusal::invalid("actor", format!("{e} (given by --as or TKT_USER)"))
                })?;
                (Some(person.clone()), None)
            }
            None => {
                match Git::open(&tracker.root).and_then(|git| resolve_actor(&tracker, &git, None)) {
                    Ok(person) => (Some(person), None),
                    Err(why) => (None, Some(format!("{why:#}"))),
                }
            }
        };
        Ok(Reader {
            tracker,
            person,
            unidentified,
        })
    }

    /// Opens the tracker for the public: someone nobody identified, such
    /// as a visitor of the web form (whatever identity the server has).
    pub fn public(scope: &Scope) -> Result<Reader> {
        Ok(Reader {
            tracker: scope.open_tracker()?,
            person: None,
            unidentified: None,
        })
    }

    pub fn viewer(&self) -> Viewer<'_> {
        match &self.person {
            Some(p) => Viewer::Person(p),
            None => Viewer::Public,
        }
    }

    pub fn person(&self) -> Option<&Person> {
        self.person.as_ref()
    }

    /// The ticket `input` names with its visible timeline, or not found.
    /// A folio this clone gave to a ticket that a sync then renumbered
    /// says so; if nothing else has that folio, the renumbered ticket is
    /// shown.
    pub fn ticket(&self, input: &str) -> Result<TicketView> {
        let renumbered = self.renumbered_from(input);
        let (folio, ticket) = match (self.visible(input), &renumbered) {
            (Ok(found), _) => found,
            (Err(_), Some(moved)) => self.visible(&moved.new)?,
            (Err(e), None) => return Err(e),
        };
        let loaded = self.tracker.read_timeline(&folio);
        let viewer = self.viewer();
        let timeline = loaded
            .items
            .into_iter()
            .filter(|(_, e)| access::may_see_entry(&viewer, e))
            .map(|(file, e)| (file, access::entry_as_seen_by(&viewer, e)))
            .collect();
        let errors = if viewer.is_staff() {
            loaded.errors
        } else {
            vec![]
        };
        let dir = self.tracker.ticket_dir(&folio);
        Ok(TicketView {
            folio,
            ticket: access::as_seen_by(&viewer, ticket),
            timeline,
            errors,
            dir,
            renumbered,
        })
    }

    /// This clone's latest renumbering away from the folio `input`, if the
    /// viewer may see the ticket it moved to.
    fn renumbered_from(&self, input: &str) -> Option<Renumbered> {
        let folio = self.tracker.folio(input).ok()?;
        let git = Git::open(&self.tracker.root).ok()?;
        let moved = RenumberLog::of(&git).from(folio.as_str())?;
        self.visible(&moved.new).ok().map(|_| moved)
    }

    /// The ticket `input` names, if the viewer may know of it.
    pub fn visible(&self, input: &str) -> Result<(Folio, Ticket)> {
        existing_ticket(&self.tracker, input, &self.viewer())
    }

    /// A loaded ticket this viewer sees, as they may read it.
    pub fn shown(&self, ticket: Ticket) -> Ticket {
        access::as_seen_by(&self.viewer(), ticket)
    }

    /// Whether a loaded ticket shows in this viewer's lists.
    pub fn sees(&self, ticket: &Ticket) -> bool {
        access::may_see_ticket(&self.viewer(), ticket)
    }

    /// A visible ticket's audit trail: every commit that touched it, oldest
    /// first, less what the viewer may not see (notes, hand-made commits,
    /// other people's email addresses).
    pub fn log(&self, input: &str) -> Result<Vec<CommitInfo>> {
        let (folio, _) = self.visible(input)?;
        let git = Git::open(&self.tracker.root)?;
        let commits = git.history(&self.tracker.ticket_dir(&folio), folio.as_str())?;
        let viewer = self.viewer();
        Ok(commits
            .into_iter()
            .filter(|c| {
                // tkt's own commits carry both trailers; others are hand-made.
                let tkt_action =
                    trailers::value(&c.message, "Actor").and(trailers::value(&c.message, "Action"));
                access::may_see_commit(&viewer, tkt_action)
            })
            .map(|mut c| {
                let actor = trailers::value(&c.message, "Actor").unwrap_or_default();
                if !access::may_see_email_of(&viewer, actor) {
                    c.email = String::new();
                }
                c
            })
            .collect())
    }
}
