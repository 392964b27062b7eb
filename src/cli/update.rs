//! Commands that change one ticket: reply, note, status, assign, take,
//! priority, action, resolve, close, reopen. Each writes the new ticket
//! state plus one timeline entry, and makes one commit.

use super::attach::{self, Attachment};
use super::input::{read_text, TextArgs};
use super::list::parse_status;
use super::new::{parse_priority, staff_member};
use super::session::{Global, Session};
use super::TicketId;
use crate::domain::model::{Change, EntryKind, Folio, Priority, Span, Status, Ticket};
use crate::domain::workflow::{self, Refusal};
use crate::store::{entry_file_name, render_entry, render_ticket, Tracker, Transaction};
use anyhow::{anyhow, bail, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

pub const REPLY_EXAMPLES: &str = "\
Examples:
  tkt reply 42 -m \"Could you send a photo of the error?\" --status waiting-on-requester
  tkt reply 42 -F answer.md --attach guide.pdf
  tkt reply 42 --canned need-more-information   a canned answer, filled in for TKT042
  tkt --as rita reply 42 -m \"It happened again.\" --reopen
  tkt reply 42 -m \"Reinstalled the driver; try again?\" --time 40m   records time spent";

pub const ESCALATE_EXAMPLES: &str = "\
Examples:
  tkt escalate 42 --reason \"The hearing is tomorrow and nobody has answered.\"
  tkt --as priya escalate 42 --reason \"Still no scanner after three days.\"

Anyone may escalate a ticket (a requester only their own). It is marked
escalated, the reason is recorded in its timeline and, when helpdesk.yaml
names escalation.contact, it is reassigned to that person.";

#[derive(Debug, Args)]
pub struct EscalateArgs {
    #[command(flatten)]
    ticket: TicketId,
    /// Why the ticket needs more attention (recorded in the timeline).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    reason: String,
}

#[derive(Debug, Args)]
pub struct PostArgs {
    #[command(flatten)]
    ticket: TicketId,
    #[command(flatten)]
    text: TextArgs,
    /// A file to attach (repeatable).
    #[arg(long = "attach", value_name = "FILE")]
    attach: Vec<PathBuf>,
    /// Also set the status.
    #[arg(long, value_parser = parse_status)]
    status: Option<Status>,
    /// Reply to a resolved or closed ticket and reopen it.
    #[arg(long)]
    reopen: bool,
    /// Post this canned answer, filled in for the ticket (see `tkt canned`).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["message", "file"])]
    canned: Option<String>,
    /// Open the filled-in canned answer in $EDITOR before posting it.
    #[arg(long, requires = "canned")]
    edit: bool,
    /// Record time spent on the ticket with this entry, e.g. 30m, 1h30m.
    #[arg(long, value_name = "SPAN", value_parser = parse_time_spent)]
    time: Option<Span>,
}

/// A `--time` value: a positive span no longer than a day's work.
fn parse_time_spent(s: &str) -> Result<Span, String> {
    let span: Span = s.parse()?;
    match span.minutes {
        0 => Err(format!("`{s}` is no time; write e.g. 15m, 1h or 1h30m")),
        m if m > 24 * 60 => Err(format!(
            "`{s}` is more than 24 hours; record time per sitting, at most 24h"
        )),
        _ => Ok(span),
    }
}

#[derive(Debug, Args)]
pub struct IdArgs {
    #[command(flatten)]
    ticket: TicketId,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    ticket: TicketId,
    /// open, in-progress, waiting-on-requester or closed.
    #[arg(value_parser = parse_status)]
    status: Status,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    #[command(flatten)]
    ticket: TicketId,
    /// The person's key.
    person: String,
}

#[derive(Debug, Args)]
pub struct PriorityArgs {
    #[command(flatten)]
    ticket: TicketId,
    /// low, medium, high or urgent.
    #[arg(value_parser = parse_priority)]
    priority: Priority,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    #[command(flatten)]
    ticket: TicketId,
    /// What was done (Markdown).
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "file",
        allow_hyphen_values = true
    )]
    solution: Option<String>,
    /// Read the solution from FILE (`-` for standard input).
    #[arg(short = 'F', long = "file", value_name = "FILE")]
    file: Option<PathBuf>,
    /// Use this canned answer, filled in for the ticket, as the solution.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["solution", "file"])]
    canned: Option<String>,
    /// Open the filled-in canned answer in $EDITOR first.
    #[arg(long, requires = "canned")]
    edit: bool,
}

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Add an item to the ticket's action list.
    #[command(
        after_help = "Examples:\n  tkt action add 42 \"Order a new pickup roller\"\n  tkt action add 42 \"Called the vendor\" --done"
    )]
    Add {
        #[command(flatten)]
        ticket: TicketId,
        /// What is to be done.
        text: String,
        /// Record an action already performed.
        #[arg(long)]
        done: bool,
    },
    /// Tick off action N (numbered as in `tkt show`).
    #[command(after_help = "Examples:\n  tkt action done 42 1\n  tkt action done 42 2 --time 45m")]
    Done {
        #[command(flatten)]
        ticket: TicketId,
        /// The action's number, from 1.
        number: usize,
        /// Record time spent doing it, e.g. 45m.
        #[arg(long, value_name = "SPAN", value_parser = parse_time_spent)]
        time: Option<Span>,
    },
}

/// What a command did to a ticket, to be written and committed.
pub struct Outcome {
    kind: EntryKind,
    body: String,
    changes: Vec<Change>,
    attachments: Vec<Attachment>,
    time_spent: Option<Span>,
    action: &'static str,
    summary: String,
}

impl Outcome {
    pub fn with_summary(mut self, summary: String) -> Outcome {
        self.summary = summary;
        self
    }

    pub fn event(action: &'static str, changes: Vec<Change>) -> Outcome {
        let summary = crate::domain::trailers::describe_changes(&changes);
        Outcome {
            kind: EntryKind::Event,
            body: String::new(),
            changes,
            attachments: vec![],
            time_spent: None,
            action,
            summary,
        }
    }
}

/// Loads the ticket, lets `change` decide, then writes ticket + entry +
/// attachments and commits them as one action.
fn mutate(
    global: &Global,
    id: &str,
    change: impl FnOnce(&Session, &mut Ticket) -> Result<Outcome>,
) -> Result<i32> {
    let session = Session::begin(global)?;
    let folio = session.tracker.existing(id)?;
    let mut ticket = session.tracker.read_ticket(&folio)?;
    let outcome = change(&session, &mut ticket)?;
    write(&session, &folio, ticket, outcome)?;
    Ok(0)
}

/// Writes the changed ticket and its new timeline entry (plus
/// attachments) and commits them as one action.
pub fn write(session: &Session, folio: &Folio, mut ticket: Ticket, outcome: Outcome) -> Result<()> {
    let tracker = &session.tracker;
    let rel = Tracker::ticket_rel(folio);
    let mut tx = Transaction::new(&tracker.root);
    let names = attach::stage(&mut tx, &rel, outcome.attachments);
    let author = session.actor.key.clone();
    let mut entry = workflow::record(
        &mut ticket,
        &author,
        session.now,
        outcome.kind,
        &outcome.body,
        outcome.changes,
        names,
    );
    entry.time_spent = outcome.time_spent;
    tx.create(
        rel.join("replies")
            .join(entry_file_name(session.stamp, &author)),
        render_entry(&entry)?,
    );
    tx.replace(rel.join("ticket.md"), render_ticket(&ticket)?);
    session.commit(tx, Some(folio), outcome.action, &outcome.summary)?;
    eprintln!("{folio}: {}", outcome.summary);
    Ok(())
}

/// The resolution notice from `templates/resolution-notice.md` of the
/// tracker, else the built-in one.
fn resolution_notice(session: &Session, ticket: &Ticket) -> Result<String> {
    let path = session
        .tracker
        .root
        .join("templates")
        .join("resolution-notice.md");
    let template = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::domain::canned::RESOLUTION_NOTICE.to_string()
        }
        Err(e) => return Err(anyhow!("cannot read {}: {e}", path.display())),
    };
    let config = &session.tracker.config;
    let today = session.now.date_naive();
    crate::domain::canned::resolution_notice(&template, config, ticket, &session.actor.key, today)
        // The whole file is the template: its lines are the file's lines.
        .map_err(|e| super::canned::located(path, e))
}

/// A canned answer filled in for the ticket, edited first if asked. It is
/// prepared before the tracker is locked, so an open editor never blocks
/// other tkt commands.
fn canned_text(global: &Global, id: &str, name: &str, edit: bool, what: &str) -> Result<String> {
    let text = super::canned::prefill(global, id, name)?;
    if !edit {
        return Ok(text);
    }
    let edited = super::input::edit(what, &text)?;
    if edited.trim().is_empty() {
        bail!("the {what} is empty after editing; nothing was posted");
    }
    Ok(edited)
}

fn refused(r: Refusal) -> anyhow::Error {
    anyhow!(r)
}

pub fn post(global: &Global, args: PostArgs, kind: EntryKind) -> Result<i32> {
    let what = if kind == EntryKind::Reply {
        "reply"
    } else {
        "note"
    };
    let text = match &args.canned {
        Some(name) => canned_text(global, &args.ticket.id, name, args.edit, what)?,
        None => args.text.read(what)?.unwrap_or_default(),
    };
    if text.trim().is_empty() && args.attach.is_empty() {
        bail!("the {what} is empty: pass -m TEXT, -F FILE, -F - (standard input) or --canned NAME");
    }
    mutate(global, &args.ticket.id, |session, t| {
        if kind == EntryKind::Note {
            session.require_staff("write internal notes")?;
        }
        if args.status.is_some() {
            session.require_staff("change the status")?;
        }
        if args.time.is_some() {
            session.require_staff("record time spent")?;
        }
        let next =
            workflow::status_after_post(t, &session.actor.key, kind, args.status, args.reopen)
                .map_err(refused)?;
        let mut changes = Vec::new();
        if let Some(status) = next {
            changes.push(workflow::apply_post_status(t, status).map_err(refused)?);
        }
        let dir = session
            .tracker
            .ticket_dir(&session.tracker.folio(&t.id)?)
            .join("attachments");
        let attachments = attach::load(
            &args.attach,
            session.tracker.config.attachments.max_size,
            &dir,
        )?;
        let summary = crate::domain::trailers::post_summary(what, &session.actor.key, &changes);
        Ok(Outcome {
            kind,
            body: text,
            changes,
            attachments,
            time_spent: args.time,
            action: what,
            summary,
        })
    })
}

pub fn status(global: &Global, args: StatusArgs) -> Result<i32> {
    mutate(global, &args.ticket.id, |session, t| {
        if args.status == Status::Closed {
            may_close_or_reopen(session, t)?;
        } else {
            session.require_staff("change the status")?;
        }
        let change = workflow::change_status(t, args.status).map_err(refused)?;
        Ok(Outcome::event("status", vec![change]))
    })
}

pub fn assign(global: &Global, args: AssignArgs) -> Result<i32> {
    mutate(global, &args.ticket.id, |session, t| {
        session.require_staff("assign tickets")?;
        let person = staff_member(session, &args.person)?;
        let change = workflow::assign(t, &person).map_err(refused)?;
        Ok(Outcome::event("assign", vec![change]))
    })
}

pub fn take(global: &Global, args: IdArgs) -> Result<i32> {
    mutate(global, &args.ticket.id, |session, t| {
        session.require_staff("take tickets over")?;
        let change = workflow::assign(t, &session.actor.key).map_err(refused)?;
        Ok(Outcome::event("take", vec![change]))
    })
}

pub fn priority(global: &Global, args: PriorityArgs) -> Result<i32> {
    mutate(global, &args.ticket.id, |session, t| {
        session.require_staff("change priorities")?;
        let change = workflow::set_priority(t, args.priority).map_err(refused)?;
        Ok(Outcome::event("priority", vec![change]))
    })
}

pub fn action(global: &Global, command: ActionCommand) -> Result<i32> {
    match command {
        ActionCommand::Add { ticket, text, done } => mutate(global, &ticket.id, |session, t| {
            session.require_staff("manage actions")?;
            let changes = workflow::add_action(t, &text, &session.actor.key, session.now, done)
                .map_err(refused)?;
            Ok(Outcome::event("action-add", changes))
        }),
        ActionCommand::Done {
            ticket,
            number,
            time,
        } => mutate(global, &ticket.id, |session, t| {
            session.require_staff("manage actions")?;
            let change = workflow::complete_action(t, number, &session.actor.key, session.now)
                .map_err(refused)?;
            let mut outcome = Outcome::event("action-done", vec![change]);
            outcome.time_spent = time;
            Ok(outcome)
        }),
    }
}

pub fn resolve(global: &Global, args: ResolveArgs) -> Result<i32> {
    let solution = match &args.canned {
        Some(name) => canned_text(global, &args.ticket.id, name, args.edit, "solution")?,
        None => read_text(args.solution.as_deref(), args.file.as_deref(), "solution")?.ok_or_else(
            || anyhow!("a solution is needed: pass --solution TEXT, -F FILE, -F - (standard input) or --canned NAME"),
        )?,
    };
    mutate(global, &args.ticket.id, |session, t| {
        session.require_staff("resolve tickets")?;
        let changes = workflow::resolve(t, &solution).map_err(refused)?;
        let mut outcome = Outcome::event("resolve", changes);
        outcome.summary = format!("resolved by {}", session.actor.key);
        // The requester is told what was done: a public entry.
        outcome.kind = EntryKind::Reply;
        outcome.body = resolution_notice(session, t)?;
        Ok(outcome)
    })
}

pub fn escalate(global: &Global, args: EscalateArgs) -> Result<i32> {
    let reason = args.reason.trim();
    if reason.is_empty() {
        bail!("the reason is empty: say why the ticket needs more attention");
    }
    mutate(global, &args.ticket.id, |session, t| {
        if session.actor.key != t.requester {
            session.require_staff("escalate other people's tickets")?;
        }
        let contact = session.tracker.config.escalation.contact.as_deref();
        let changes = workflow::escalate(t, contact).map_err(refused)?;
        if contact.is_none() {
            eprintln!(
                "note: helpdesk.yaml names no escalation.contact, so {} keeps its assignee",
                t.id
            );
        }
        let mut outcome = Outcome::event("escalate", changes);
        outcome.summary = format!("escalated by {}", session.actor.key);
        outcome.body = reason.to_string();
        Ok(outcome)
    })
}

pub fn close(global: &Global, args: IdArgs) -> Result<i32> {
    mutate(global, &args.ticket.id, |session, t| {
        may_close_or_reopen(session, t)?;
        let change = workflow::close(t).map_err(refused)?;
        Ok(Outcome::event("close", vec![change]))
    })
}

pub fn reopen(global: &Global, args: IdArgs) -> Result<i32> {
    mutate(global, &args.ticket.id, |session, t| {
        may_close_or_reopen(session, t)?;
        let change = workflow::reopen(t).map_err(refused)?;
        Ok(Outcome::event("reopen", vec![change]))
    })
}

/// The team, and the requester of the ticket (confirming or disputing a
/// resolution), may close and reopen it.
fn may_close_or_reopen(session: &Session, t: &Ticket) -> Result<()> {
    if session.actor.key == t.requester {
        return Ok(());
    }
    session.require_staff("close or reopen other people's tickets")
}
