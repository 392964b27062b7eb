//! An operator's workbench for one ticket in the web front end: the
//! ticket as the signed-in person may see it, and what the forms offer
//! them (statuses, priorities, people to delegate to, canned answers that
//! fit the ticket's category, the action list). Only the team works on
//! tickets here; requesters follow theirs on their follow-up page. Acting
//! itself goes through [`super::change`] and [`super::post`], which apply
//! the same access rules as the CLI.

use super::reader::Reader;
use super::unit::Scope;
use crate::domain::model::{Action, EntryKind, Priority, Status};
use crate::domain::refusal::Refusal;
use anyhow::Result;
use chrono::{DateTime, Utc};

/// One ticket on an operator's bench.
#[derive(Debug, Clone)]
pub struct Workbench {
    pub desk_name: String,
    pub folio: String,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    /// The assignee's key, if any.
    pub assignee: Option<String>,
    pub requester: String,
    pub category: String,
    pub escalated: bool,
    pub description: String,
    pub actions: Vec<Action>,
    /// The timeline the person may see: who (a name), when, which kind,
    /// what.
    pub timeline: Vec<(String, DateTime<Utc>, EntryKind, String)>,
    /// Statuses settable by hand (resolving needs a solution).
    pub statuses: Vec<Status>,
    /// The team, to delegate to: key and name.
    pub staff: Vec<(String, String)>,
    /// Canned answers for the ticket's category: name and title.
    pub canned: Vec<(String, String)>,
    /// The signed-in person's key.
    pub me: String,
}

/// The workbench of ticket `id` for the scope's actor, who must be on the
/// team (a requester is pointed at their follow-up page).
pub fn workbench(scope: &Scope, id: &str) -> Result<Workbench> {
    let reader = Reader::open(scope)?;
    let Some(person) = reader.person().cloned() else {
        return Err(Refusal::forbidden("sign in to work on tickets").into());
    };
    if !person.role.is_staff() {
        return Err(Refusal::forbidden(format!(
            "{} is a requester; only operators and admins work on tickets here \
             (requesters follow theirs through their follow-up link)",
            person.key
        ))
        .into());
    }
    let view = reader.ticket(id)?;
    let config = &reader.tracker.config;
    let name = |key: &str| {
        config
            .person(key)
            .map_or_else(|| key.to_string(), |p| p.name.clone())
    };
    let timeline = view
        .timeline
        .iter()
        .map(|(_, e)| (name(&e.author), e.date, e.kind, e.body.clone()))
        .collect();
    let category = view.ticket.category.clone();
    let canned = reader
        .tracker
        .read_canned()
        .items
        .into_iter()
        .filter(|(_, c)| c.categories.is_empty() || c.categories.contains(&category))
        .map(|(slug, c)| (slug, c.title))
        .collect();
    let staff = config
        .people
        .iter()
        .filter(|p| p.role.is_staff())
        .map(|p| (p.key.clone(), p.name.clone()))
        .collect();
    let t = view.ticket;
    Ok(Workbench {
        desk_name: config.name.clone(),
        folio: view.folio.to_string(),
        subject: t.subject,
        status: t.status,
        priority: t.priority,
        assignee: t.assignee,
        requester: name(&t.requester),
        category,
        escalated: t.escalated,
        description: t.description,
        actions: t.actions,
        timeline,
        statuses: Status::ALL
            .into_iter()
            .filter(|s| *s != Status::Resolved)
            .collect(),
        staff,
        canned,
        me: person.key,
    })
}
