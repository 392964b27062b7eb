//! Requesters' private follow-up links (`domain::follow_up`): issued with
//! a ticket registered from the web, reissued by `tkt link rotate` (the
//! old link stops working), and opened by the token in a link.

use super::ticket_write::Done;
use super::unit::{Scope, UnitOfWork};
use crate::domain::access::Act;
use crate::domain::follow_up;
use crate::domain::model::config::RequesterSees;
use crate::domain::model::{Action, EntryKind, Status};
use crate::domain::model::{Folio, Ticket};
use crate::domain::refusal::Refusal;
use crate::domain::trailers::Via;
use crate::store::{render_ticket, Tracker, Transaction};
use anyhow::Result;
use rand_core::{OsRng, RngCore};

/// A fresh token from the OS's random source, and what the ticket keeps.
pub fn new_token() -> (String, String) {
    let mut random = [0u8; follow_up::TOKEN_BYTES];
    OsRng.fill_bytes(&mut random);
    let token = follow_up::token_text(&random);
    let kept = follow_up::stored(&token);
    (token, kept)
}

/// A follow-up link, shown once.
#[derive(Debug, Clone)]
pub struct FollowUpLink {
    pub token: String,
    /// The whole address, when `web: base_url` is set.
    pub url: Option<String>,
}

/// The link's address under the helpdesk's base URL.
pub fn url_of(tracker: &Tracker, token: &str) -> Option<String> {
    let web = tracker.config.web.as_ref()?;
    Some(format!("{}/t/{token}", web.base_url.trim_end_matches('/')))
}

/// Issues a new follow-up link for ticket `id` (staff only); the previous
/// link stops working.
pub fn rotate(scope: &Scope, id: &str) -> Result<Done<FollowUpLink>> {
    let unit = UnitOfWork::begin(scope)?;
    let (folio, mut ticket) = unit.ticket(id)?;
    unit.check(Act::IssueLink, Some(&ticket))?;
    let (token, kept) = new_token();
    ticket.follow_up = Some(kept);
    let mut tx = Transaction::new(&unit.tracker.root);
    tx.replace(
        Tracker::ticket_rel(&folio).join("ticket.md"),
        render_ticket(&ticket)?,
    );
    let summary = format!("follow-up link reissued by {}", unit.actor.key);
    let committed = unit.commit(tx, Some((&folio, &ticket)), "link-rotate", &summary)?;
    Ok(Done {
        summary,
        events: vec![],
        notices: committed.notices,
        value: FollowUpLink {
            url: url_of(&unit.tracker, &token),
            token,
        },
    })
}

/// Which ticket each follow-up link opens, by the digest `ticket.md`
/// keeps, as of one commit of the tracker. Reading every ticket to find a
/// link costs a server 80–160 ms on 10,000 tickets; with the index a
/// lookup is one map probe and one ticket read. Every tkt action is a
/// commit, so the index is rebuilt when HEAD moves (once per change, not
/// per request), and a hit is still checked against the ticket itself, in
/// constant time.
#[derive(Default)]
pub struct LinkIndex {
    built: std::sync::Mutex<Option<Built>>,
}

struct Built {
    head: Option<String>,
    by_digest: std::collections::HashMap<String, Folio>,
}

impl LinkIndex {
    /// The ticket `token` opens, if any.
    pub fn open(&self, scope: &Scope, token: &str) -> Result<Option<(Folio, Ticket)>> {
        if !follow_up::is_token(token) {
            return Ok(None);
        }
        let tracker = scope.open_tracker()?;
        let head = crate::git::Git::open(&tracker.root)?
            .head_oid()?
            .map(|oid| oid.to_string());
        let folio = {
            let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
            if built.as_ref().is_none_or(|b| b.head != head) {
                *built = Some(Built {
                    head,
                    by_digest: digests(&tracker)?,
                });
            }
            built
                .as_ref()
                .and_then(|b| b.by_digest.get(&follow_up::stored(token)).cloned())
        };
        let Some(folio) = folio else {
            return Ok(None);
        };
        Ok(tracker
            .read_ticket(&folio)
            .ok()
            .filter(|ticket| {
                ticket
                    .follow_up
                    .as_deref()
                    .is_some_and(|kept| follow_up::opens(token, kept))
            })
            .map(|ticket| (folio, ticket)))
    }
}

/// Every ticket's follow-up digest, and the ticket.
fn digests(tracker: &Tracker) -> Result<std::collections::HashMap<String, Folio>> {
    Ok(tracker
        .folios()?
        .into_iter()
        .filter_map(|folio| {
            let kept = tracker.read_ticket(&folio).ok()?.follow_up?;
            Some((kept, folio))
        })
        .collect())
}

/// A ticket as its follow-up link shows it: only what the `web:`
/// settings' `requester_sees` allows, and never an internal note.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub desk_name: String,
    pub folio: String,
    pub subject: String,
    pub requester: String,
    pub description: String,
    pub status: Option<Status>,
    pub assignee: Option<String>,
    pub actions: Option<Vec<Action>>,
    /// The ticket's attachments and those of its public replies.
    pub attachments: Option<Vec<String>>,
    /// Public replies: who (a name), when, what.
    pub replies: Option<Vec<(String, chrono::DateTime<chrono::Utc>, String)>>,
    /// The solution, once resolved.
    pub solution: Option<String>,
    /// Resolved: the requester may confirm (close) or reopen.
    pub resolved: bool,
    /// Closed: the requester may reopen.
    pub closed: bool,
    /// Signs and checks the page's form tokens.
    pub key: [u8; 32],
    /// The helpdesk's address (`web: base_url`), for the origin check.
    pub base_url: String,
    /// What the reply form's attachments may be.
    pub uploads: super::uploads::UploadLimits,
}

/// The follow-up page of the ticket `token` opens, if any (and if `web:`
/// is set).
pub fn follow_up(scope: &Scope, index: &LinkIndex, token: &str) -> Result<Option<FollowUp>> {
    let Some((folio, ticket)) = index.open(scope, token)? else {
        return Ok(None);
    };
    view(&scope.open_tracker()?, folio, ticket)
}

/// A ticket in a requester's list (`/mine`).
#[derive(Debug, Clone)]
pub struct OwnTicket {
    pub folio: String,
    pub subject: String,
    pub status: Status,
    pub updated: chrono::DateTime<chrono::Utc>,
}

/// The tickets the scope's actor asked for, most recently active first.
pub fn own_tickets(scope: &Scope) -> Result<Vec<OwnTicket>> {
    let tracker = scope.open_tracker()?;
    let me = actor(scope, &tracker)?;
    let mut own: Vec<OwnTicket> = tracker
        .folios()?
        .into_iter()
        .filter_map(|folio| Some((tracker.read_ticket(&folio).ok()?, folio)))
        .filter(|(t, _)| t.requester == me)
        .map(|(t, folio)| OwnTicket {
            folio: folio.to_string(),
            subject: t.subject,
            status: t.status,
            updated: t.updated,
        })
        .collect();
    own.sort_by_key(|t| std::cmp::Reverse(t.updated));
    Ok(own)
}

/// One of the actor's own tickets as its follow-up page shows it; `None`
/// for a ticket that is not theirs (or does not exist): the same answer,
/// so a folio typed in the address tells nothing.
pub fn own_follow_up(scope: &Scope, id: &str) -> Result<Option<FollowUp>> {
    let tracker = scope.open_tracker()?;
    let me = actor(scope, &tracker)?;
    let Ok(folio) = tracker.folio(id) else {
        return Ok(None);
    };
    match tracker.read_ticket(&folio) {
        Ok(ticket) if ticket.requester == me => view(&tracker, folio, ticket),
        _ => Ok(None),
    }
}

/// The person the scope acts as, who must be in `helpdesk.yaml`.
fn actor(scope: &Scope, tracker: &Tracker) -> Result<String> {
    let key = scope
        .actor
        .as_deref()
        .ok_or_else(|| Refusal::forbidden("sign in to see your tickets"))?;
    let person = tracker
        .config
        .require_person(key)
        .map_err(|e| Refusal::invalid("actor", e))?;
    Ok(person.key.clone())
}

/// What the follow-up page of `ticket` shows, by the `web:` settings.
fn view(tracker: &Tracker, folio: Folio, ticket: Ticket) -> Result<Option<FollowUp>> {
    let Some(web) = tracker.config.web.as_ref() else {
        return Ok(None);
    };
    let sees = |what: RequesterSees| web.requester_sees.contains(&what);
    let name = |key: &str| {
        tracker
            .config
            .person(key)
            .map_or_else(|| key.to_string(), |p| p.name.clone())
    };
    // Public replies only: a note, and what is attached to one, is internal.
    let public: Vec<_> = tracker
        .read_timeline(&folio)
        .items
        .into_iter()
        .filter(|(_, e)| e.kind == EntryKind::Reply)
        .map(|(_, e)| e)
        .collect();
    let attachments = sees(RequesterSees::Attachments).then(|| {
        let replied = public.iter().flat_map(|e| e.attachments.iter().cloned());
        ticket.attachments.iter().cloned().chain(replied).collect()
    });
    let replies = sees(RequesterSees::Replies).then(|| {
        public
            .into_iter()
            .map(|e| (name(&e.author), e.date, e.body))
            .collect()
    });
    Ok(Some(FollowUp {
        desk_name: tracker.config.name.clone(),
        folio: folio.to_string(),
        requester: ticket.requester.clone(),
        status: sees(RequesterSees::Status).then_some(ticket.status),
        assignee: sees(RequesterSees::Assignee)
            .then(|| ticket.assignee.as_deref().map(name))
            .flatten(),
        actions: sees(RequesterSees::Actions).then(|| ticket.actions.clone()),
        attachments,
        replies,
        solution: ticket.solution.clone(),
        resolved: ticket.status == Status::Resolved,
        closed: ticket.status == Status::Closed,
        subject: ticket.subject,
        description: ticket.description,
        key: crate::git::Git::open(&tracker.root)?.web_key()?,
        base_url: web.base_url.clone(),
        uploads: super::uploads::UploadLimits::of(&tracker.config, Some(Via::Web)),
    }))
}
