//! Requesters' private follow-up links (`domain::follow_up`): issued with
//! a ticket registered from the web, reissued by `tkt link rotate` (the
//! old link stops working), and opened by the token in a link.

use super::ticket_write::Done;
use super::unit::{Scope, UnitOfWork};
use crate::domain::access::Act;
use crate::domain::follow_up;
use crate::domain::model::{Folio, Ticket};
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

/// The ticket a link's token opens, if any. Every ticket is read: fine for
/// a helpdesk's size; a server keeps an index.
pub fn open(scope: &Scope, token: &str) -> Result<Option<(Folio, Ticket)>> {
    if !follow_up::is_token(token) {
        return Ok(None);
    }
    let tracker = scope.open_tracker()?;
    for folio in tracker.folios()? {
        let Ok(ticket) = tracker.read_ticket(&folio) else {
            continue;
        };
        if ticket
            .follow_up
            .as_deref()
            .is_some_and(|kept| follow_up::opens(token, kept))
        {
            return Ok(Some((folio, ticket)));
        }
    }
    Ok(None)
}
