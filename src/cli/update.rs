//! Commands that change one ticket: reply, note, status, assign, take,
//! priority, action, resolve, close, reopen. Each writes the new ticket
//! state plus one timeline entry, and makes one commit.

use super::attach;
use super::input::{read_text, TextArgs};
use super::list::parse_status;
use super::new::parse_priority;
use super::session::Global;
use super::TicketId;
use crate::app::{Done, Post, TicketChange};
use crate::domain::model::{EntryKind, Folio, Priority, Span, Status};
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

/// Runs one change through the application layer and reports it.
fn apply(global: &Global, id: &str, change: TicketChange) -> Result<i32> {
    report(crate::app::change(global, id, change)?)
}

/// Prints what a change did: its notices, then `TKT042: <summary>`.
pub fn report(done: Done<Folio>) -> Result<i32> {
    super::output::print_notices(&done.notices);
    eprintln!("{}: {}", done.value, done.summary);
    Ok(0)
}

/// A canned answer filled in for the ticket, edited first if asked. It is
/// prepared before the tracker is locked, so an open editor never blocks
/// other tkt commands.
fn canned_text(global: &Global, id: &str, name: &str, edit: bool, what: &str) -> Result<String> {
    let reader = super::session::reader(global)?;
    let text = crate::app::canned::prefill(&reader, id, name)?;
    if !edit {
        return Ok(text);
    }
    let edited = super::input::edit(what, &text)?;
    if edited.trim().is_empty() {
        bail!("the {what} is empty after editing; nothing was posted");
    }
    Ok(edited)
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
    let request = Post {
        ticket: args.ticket.id,
        kind,
        body: text,
        attachments: attach::open(&args.attach)?,
        status: args.status,
        reopen: args.reopen,
        time_spent: args.time,
        mail: None,
    };
    report(crate::app::post(global, request)?)
}

pub fn status(global: &Global, args: StatusArgs) -> Result<i32> {
    apply(global, &args.ticket.id, TicketChange::Status(args.status))
}

pub fn assign(global: &Global, args: AssignArgs) -> Result<i32> {
    apply(global, &args.ticket.id, TicketChange::Assign(args.person))
}

pub fn take(global: &Global, args: IdArgs) -> Result<i32> {
    apply(global, &args.ticket.id, TicketChange::Take)
}

pub fn priority(global: &Global, args: PriorityArgs) -> Result<i32> {
    apply(
        global,
        &args.ticket.id,
        TicketChange::Priority(args.priority),
    )
}

pub fn action(global: &Global, command: ActionCommand) -> Result<i32> {
    match command {
        ActionCommand::Add { ticket, text, done } => {
            apply(global, &ticket.id, TicketChange::AddAction { text, done })
        }
        ActionCommand::Done {
            ticket,
            number,
            time,
        } => apply(
            global,
            &ticket.id,
            TicketChange::CompleteAction {
                number,
                time_spent: time,
            },
        ),
    }
}

pub fn resolve(global: &Global, args: ResolveArgs) -> Result<i32> {
    let solution = match &args.canned {
        Some(name) => canned_text(global, &args.ticket.id, name, args.edit, "solution")?,
        None => read_text(args.solution.as_deref(), args.file.as_deref(), "solution")?.ok_or_else(
            || anyhow!("a solution is needed: pass --solution TEXT, -F FILE, -F - (standard input) or --canned NAME"),
        )?,
    };
    apply(global, &args.ticket.id, TicketChange::Resolve { solution })
}

pub fn escalate(global: &Global, args: EscalateArgs) -> Result<i32> {
    apply(
        global,
        &args.ticket.id,
        TicketChange::Escalate {
            reason: args.reason,
        },
    )
}

pub fn close(global: &Global, args: IdArgs) -> Result<i32> {
    apply(global, &args.ticket.id, TicketChange::Close)
}

pub fn reopen(global: &Global, args: IdArgs) -> Result<i32> {
    apply(global, &args.ticket.id, TicketChange::Reopen)
}
