//! Registering a ticket: the folio, the category's form, the assignee from
//! the category's rotation, attachments, and optionally a solution on the
//! spot; one commit.

use super::ticket_write::Done;
use super::unit::{Acting, Scope, UnitOfWork};
use super::uploads::{self, Upload};
use crate::domain::access::Act;
use crate::domain::event::Event;
use crate::domain::model::config::Assignment;
use crate::domain::model::{EntryKind, Folio, MailOrigin, Priority, Status, Ticket};
use crate::domain::refusal::Refusal;
use crate::domain::registration::Door;
use crate::domain::trailers::one_line;
use crate::domain::workflow;
use crate::store::{
    add_person, entry_file_name, render_entry, render_ticket, Tracker, Transaction, CONFIG_FILE,
};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};

/// A new ticket as a front end collected it.
pub struct NewTicket {
    pub subject: String,
    pub category: String,
    pub priority: Priority,
    pub description: String,
    /// Whose ticket it is (default: the actor).
    pub requester: Option<String>,
    /// Assign to this person instead of the category's rotation.
    pub assignee: Option<String>,
    pub related: Option<String>,
    /// Answers to the category's form.
    pub fields: BTreeMap<String, String>,
    pub tags: Vec<String>,
    pub attachments: Vec<Upload>,
    pub confidential: bool,
    /// Answered on the spot: resolve at once with this solution.
    pub resolve: Option<String>,
    /// The mail the ticket was registered from (`tkt mail import`).
    pub mail: Option<MailOrigin>,
}

/// Registers the ticket; returns its folio, the ticket and the events.
pub fn register(scope: &Scope, req: NewTicket) -> Result<Done<Ticket>> {
    check_description(&req)?;
    register_in(UnitOfWork::begin(scope)?, req, None, false)
}

/// Who registers from outside the team's clones (the web form, mail).
pub struct Registrant<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

/// Registers a ticket for someone known only by name and address: a
/// person in `helpdesk.yaml`, or a newcomer the `web:` registration rule
/// admits, who is added as a requester in the same commit. The ticket is
/// theirs; they choose no assignee and resolve nothing. The ticket gets a
/// private follow-up link, whose token is returned to be shown once.
pub fn register_from_outside(
    scope: &Scope,
    registrant: Registrant,
    req: NewTicket,
) -> Result<Done<(Ticket, String)>> {
    if req.assignee.is_some() {
        return Err(outsiders_choose_nothing().into());
    }
    outside(scope, registrant, Door::Web, req)
}

/// As [`register_from_outside`], by the `mail: import:` registration
/// rule; the assignee, if any, is the one a mail rule in `helpdesk.yaml`
/// set, so the sender chose nothing.
pub(super) fn register_from_mail(
    scope: &Scope,
    registrant: Registrant,
    req: NewTicket,
) -> Result<Done<(Ticket, String)>> {
    outside(scope, registrant, Door::Mail, req)
}

fn outsiders_choose_nothing() -> Refusal {
    Refusal::forbidden("a registration from outside names no other requester, assignee or solution")
}

fn outside(
    scope: &Scope,
    registrant: Registrant,
    door: Door,
    req: NewTicket,
) -> Result<Done<(Ticket, String)>> {
    check_description(&req)?;
    if req.requester.is_some() || req.resolve.is_some() {
        return Err(outsiders_choose_nothing().into());
    }
    let acting = Acting::Registering {
        name: registrant.name,
        email: registrant.email,
        door,
    };
    let (token, kept) = super::links::new_token();
    let unit = UnitOfWork::begin_acting(scope, acting)?;
    let root = unit.tracker.root.clone();
    let acknowledged =
        (unit.tracker.config.mail.as_ref()).is_some_and(|mail| mail.notify.requester.acknowledge);
    let done = register_in(unit, req, Some(kept), true)?;
    if acknowledged {
        // The acknowledgment (`tkt notify send`) carries the follow-up
        // link: only this clone ever knows the token.
        crate::git::Git::open(&root)?.stash_follow_up_token(&done.value.uid, &token)?;
    }
    Ok(Done {
        summary: done.summary,
        events: done.events,
        notices: done.notices,
        value: (done.value, token),
    })
}

fn check_description(req: &NewTicket) -> Result<()> {
    crate::domain::text::within_limit("description", &req.description)?;
    if req.description.trim().is_empty() {
        return Err(Refusal::invalid(
            "description",
            "the description is empty; say what happened, what you tried and what you expected",
        )
        .into());
    }
    Ok(())
}

/// `follow_up`: the stored form of the ticket's follow-up link, if any;
/// `configured_assignee`: an assignee in `req` was chosen by the config
/// (a mail rule), not by the actor.
fn register_in(
    unit: UnitOfWork,
    req: NewTicket,
    follow_up: Option<String>,
    configured_assignee: bool,
) -> Result<Done<Ticket>> {
    let config = &unit.tracker.config;
    let subject = one_line(&req.subject, 200);
    if subject.is_empty() {
        return Err(
            Refusal::invalid("subject", "the subject is empty; give a short summary").into(),
        );
    }
    let category = config
        .require_category(&req.category)
        .map_err(|e| Refusal::invalid("category", e))?;
    unit.check(Act::Register, None)?;
    let requester = match &req.requester {
        Some(key) => {
            let person = config
                .require_person(key)
                .map_err(|e| Refusal::invalid("requester", e))?;
            if person.key != unit.actor.key {
                unit.check(Act::RegisterFor, None)?;
            }
            person.key.clone()
        }
        None => unit.actor.key.clone(),
    };
    let problems = category.check_form(&req.fields);
    if !problems.is_empty() {
        return Err(Refusal::invalid(
            "fields",
            format!(
                "the {} form is not valid:\n  {}",
                category.key,
                problems.join("\n  ")
            ),
        )
        .into());
    }
    let tags = clean_tags(&req.tags)?;
    if req.resolve.is_some() {
        unit.check(Act::Resolve, None)?;
    }
    // One scan of the folder names, never of the tickets themselves.
    let last = unit.tracker.last_folio_number()?;
    let folio = config.folio.folio(last + 1);
    let ticket_rel = Tracker::ticket_rel(&folio);
    let attachments = uploads::read_all(
        req.attachments,
        unit.upload_limits(),
        &unit.tracker.attachments_dir(&folio),
    )?;
    let assignee = match &req.assignee {
        Some(key) => {
            if !configured_assignee {
                unit.check(Act::ChooseAssignee, None)?;
            }
            Some(staff_member(&unit.tracker, key)?)
        }
        None => auto_assignee(&unit.tracker, &category.key, config.assignment, last)?,
    };
    let now = unit.now;
    let mut ticket = Ticket {
        id: folio.to_string(),
        uid: ulid::Ulid::from_datetime(now.into()).to_string(),
        subject: subject.clone(),
        status: Status::Open,
        priority: req.priority,
        category: category.key.clone(),
        requester,
        assignee,
        created: now,
        updated: now,
        related: req
            .related
            .map(|r| one_line(&r, 200))
            .filter(|r| !r.is_empty()),
        tags,
        fields: req.fields,
        confidential: req.confidential,
        attachments: vec![],
        actions: vec![],
        solution: None,
        escalated: false,
        faq: None,
        follow_up,
        mail: req.mail,
        description: req.description,
    };
    let mut tx = Transaction::new(&unit.tracker.root);
    if let Some(person) = &unit.newcomer {
        let text = unit.tracker.config_text()?;
        tx.replace(CONFIG_FILE, add_person(&text, config, person)?);
    }
    ticket.attachments = uploads::stage(&mut tx, &ticket_rel, attachments);
    let mut resolved = None;
    if let Some(solution) = &req.resolve {
        let changes = workflow::resolve(&mut ticket, solution)?;
        let entry = workflow::record(
            &mut ticket,
            &unit.actor.key,
            now,
            EntryKind::Event,
            "",
            changes,
            vec![],
        );
        let name = entry_file_name(unit.stamp, &unit.actor.key);
        tx.create(
            ticket_rel.join("replies").join(&name),
            render_entry(&entry)?,
        );
        resolved = Some((name, entry));
    }
    tx.create(ticket_rel.join("ticket.md"), render_ticket(&ticket)?);
    let verb = if req.resolve.is_some() {
        "new ticket, resolved on the spot"
    } else {
        "new ticket"
    };
    let summary = format!("{verb}: {subject}");
    let committed = unit.commit(tx, Some((&folio, &ticket)), "new", &summary)?;
    let mut notices = committed.notices;
    // A sync after the commit may have had to renumber it.
    if let Some(moved) = committed.renumbered.iter().find(|r| r.uid == ticket.uid) {
        ticket.id = moved.new.clone();
    }
    if !committed.pushed && unit.has_remote() {
        notices.push(format!(
            "{id} is provisional until `tkt sync` pushes it: if another clone registers \
             {id} first, this ticket gets the next free folio then",
            id = ticket.id
        ));
    }
    let mut events: Vec<Event> = unit
        .newcomer
        .iter()
        .map(|p| Event::PersonAdded {
            key: p.key.clone(),
            role: p.role.as_str().to_string(),
        })
        .collect();
    events.push(created(&ticket));
    if let Some((name, entry)) = &resolved {
        events.extend(crate::domain::event::of_entry(&ticket.id, name, entry));
    }
    Ok(Done {
        summary,
        events,
        notices,
        value: ticket,
    })
}

fn created(t: &Ticket) -> Event {
    Event::TicketCreated {
        folio: t.id.clone(),
        uid: t.uid.clone(),
        requester: t.requester.clone(),
        assignee: t.assignee.clone(),
        category: t.category.clone(),
        priority: t.priority.as_str().to_string(),
        confidential: t.confidential,
    }
}

fn clean_tags(tags: &[String]) -> Result<Vec<String>, Refusal> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty()
            || tag
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == ',')
        {
            return Err(Refusal::invalid(
                "tags",
                format!("`{tag}` is not a tag: use one word (letters, digits, `-`)"),
            ));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// The key of `key` if that person may be given tickets (staff only).
pub fn staff_member(tracker: &Tracker, key: &str) -> Result<String, Refusal> {
    let person = tracker
        .config
        .require_person(key)
        .map_err(|e| Refusal::invalid("assignee", e))?;
    if !person.role.is_staff() {
        return Err(Refusal::invalid(
            "assignee",
            format!(
                "{} is a requester; tickets can only be assigned to operators and admins",
                person.key
            ),
        ));
    }
    Ok(person.key.clone())
}

/// How many recent tickets round-robin looks back for the category's last
/// assignee before starting the rotation afresh.
const ROUND_ROBIN_LOOKBACK: u64 = 500;

fn auto_assignee(
    tracker: &Tracker,
    category_key: &str,
    strategy: Assignment,
    last: u64,
) -> Result<Option<String>> {
    let category = tracker
        .config
        .require_category(category_key)
        .map_err(|e| Refusal::invalid("category", e))?;
    let mut counts = HashMap::new();
    let mut previous = None;
    match strategy {
        Assignment::RoundRobin => {
            let oldest = last.saturating_sub(ROUND_ROBIN_LOOKBACK);
            for number in (oldest + 1..=last).rev() {
                let folio: Folio = tracker.config.folio.folio(number);
                let Ok(t) = tracker.read_ticket(&folio) else {
                    continue;
                };
                if t.category == category_key {
                    previous = t.assignee;
                    break;
                }
            }
        }
        Assignment::LeastOpen => {
            let loaded = tracker
                .read_all_tickets()
                .context("counting open tickets")?;
            for t in loaded.items.iter().filter(|t| !t.status.is_done()) {
                if let Some(a) = &t.assignee {
                    *counts.entry(a.clone()).or_insert(0) += 1;
                }
            }
        }
    }
    Ok(workflow::pick_assignee(
        category,
        strategy,
        previous.as_deref(),
        &counts,
    ))
}
