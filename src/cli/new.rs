//! `tkt new`: register a ticket.

use super::attach;
use super::input::TextArgs;
use super::session::{Global, Session};
use crate::domain::model::config::Assignment;
use crate::domain::model::{EntryKind, Priority, Status, Ticket};
use crate::domain::trailers::one_line;
use crate::domain::workflow;
use crate::store::{entry_file_name, Tracker, Transaction};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  tkt new -s \"Scanner jams on A3\" -c technical -p high -m \"Tray 2 jams.\" --field device=scanner
  tkt new -s \"Help with the Ortega appeal\" -c case-support --related \"Ortega, case 2026-118\" -F notes.md
  echo \"Can we get a second monitor?\" | tkt new -s \"Second monitor\" -c suggestion -F -
  tkt new -s \"Where is the VPN guide?\" -c other -m \"Asked by phone.\" --resolve \"Sent the link to the guide.\"";

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Short summary of the problem or request.
    #[arg(short, long, allow_hyphen_values = true)]
    subject: String,
    /// Category key from helpdesk.yaml (e.g. technical, case-support).
    #[arg(short, long)]
    category: String,
    /// low, medium, high or urgent.
    #[arg(short, long, default_value = "medium", value_parser = parse_priority)]
    priority: Priority,
    #[command(flatten)]
    text: TextArgs,
    /// Who the ticket is for (default: you).
    #[arg(long, value_name = "PERSON")]
    requester: Option<String>,
    /// Assign to this person instead of the category's rotation.
    #[arg(long, value_name = "PERSON")]
    assignee: Option<String>,
    /// The related applicant or case.
    #[arg(long, value_name = "TEXT")]
    related: Option<String>,
    /// A form field of the category, as NAME=VALUE (repeatable).
    #[arg(long = "field", value_name = "NAME=VALUE", value_parser = parse_field)]
    fields: Vec<(String, String)>,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// A file to attach (repeatable).
    #[arg(long = "attach", value_name = "FILE")]
    attach: Vec<PathBuf>,
    /// Hide the ticket from public views of the helpdesk.
    #[arg(long)]
    confidential: bool,
    /// Answered on the spot: register and resolve at once with this solution.
    #[arg(long, value_name = "SOLUTION", allow_hyphen_values = true)]
    resolve: Option<String>,
    /// Do not show FAQ entries that might already answer the question
    /// (they are shown, with a prompt, only on a terminal).
    #[arg(long)]
    no_suggest: bool,
}

pub fn parse_priority(s: &str) -> Result<Priority, String> {
    s.parse()
}

fn parse_field(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}

pub fn run(global: &Global, args: NewArgs) -> Result<i32> {
    if !args.no_suggest
        && super::input::on_terminal()
        && !go_ahead_despite_faq(global, &args.subject)?
    {
        eprintln!("Not registered.");
        return Ok(0);
    }
    let description = args.text.read("description")?;
    let description = match description {
        Some(text) if !text.trim().is_empty() => text,
        Some(_) => bail!(
            "the description is empty; say what happened, what you tried and what you expected"
        ),
        None => bail!("a description is needed: pass -m TEXT, -F FILE or -F - (standard input)"),
    };
    let session = Session::begin(global)?;
    let config = &session.tracker.config;
    let subject = one_line(&args.subject, 200);
    if subject.is_empty() {
        bail!("the subject is empty; give a short summary with --subject");
    }
    let category = config
        .require_category(&args.category)
        .map_err(anyhow::Error::msg)?;
    let requester = match &args.requester {
        Some(key) => config
            .require_person(key)
            .map_err(anyhow::Error::msg)?
            .key
            .clone(),
        None => session.actor.key.clone(),
    };
    let fields: BTreeMap<String, String> = args.fields.iter().cloned().collect();
    let problems = category.check_form(&fields);
    if !problems.is_empty() {
        bail!(
            "the {} form is not valid:\n  {}",
            category.key,
            problems.join("\n  ")
        );
    }
    let tags = clean_tags(&args.tags)?;
    // One scan of the folder names, never of the tickets themselves.
    let last = session.tracker.last_folio_number()?;
    let folio = config.folio.folio(last + 1);
    let ticket_rel = Tracker::ticket_rel(&folio);
    let attachments = attach::load(
        &args.attach,
        config.attachments.max_size,
        &session.tracker.root.join(&ticket_rel).join("attachments"),
    )?;
    let assignee = match &args.assignee {
        Some(key) => {
            session.require_staff("choose who a ticket is assigned to")?;
            Some(staff_member(&session, key)?)
        }
        None => auto_assignee(&session.tracker, &category.key, config.assignment, last)?,
    };
    let now = session.now;
    let mut ticket = Ticket {
        id: folio.to_string(),
        uid: ulid::Ulid::from_datetime(now.into()).to_string(),
        subject: subject.clone(),
        status: Status::Open,
        priority: args.priority,
        category: category.key.clone(),
        requester,
        assignee,
        created: now,
        updated: now,
        related: args
            .related
            .map(|r| one_line(&r, 200))
            .filter(|r| !r.is_empty()),
        tags,
        fields,
        confidential: args.confidential,
        attachments: vec![],
        actions: vec![],
        solution: None,
        escalated: false,
        faq: None,
        description,
    };
    let mut tx = Transaction::new(&session.tracker.root);
    ticket.attachments = attach::stage(&mut tx, &ticket_rel, attachments);
    if let Some(solution) = &args.resolve {
        session.require_staff("resolve tickets")?;
        let changes = workflow::resolve(&mut ticket, solution).map_err(anyhow::Error::msg)?;
        let entry = workflow::record(
            &mut ticket,
            &session.actor.key,
            now,
            EntryKind::Event,
            "",
            changes,
            vec![],
        );
        let name = entry_file_name(session.stamp, &session.actor.key);
        tx.create(
            ticket_rel.join("replies").join(name),
            crate::store::render_entry(&entry)?,
        );
    }
    tx.create(
        ticket_rel.join("ticket.md"),
        crate::store::render_ticket(&ticket)?,
    );
    let verb = if args.resolve.is_some() {
        "new ticket, resolved on the spot"
    } else {
        "new ticket"
    };
    session.commit(tx, Some(&folio), "new", &format!("{verb}: {subject}"))?;
    println!("{folio}");
    let assigned = ticket
        .assignee
        .as_deref()
        .unwrap_or("nobody (the category lists no responsible people)");
    eprintln!(
        "Registered {folio} ({}, {}), assigned to {assigned}.",
        ticket.category, ticket.priority
    );
    Ok(0)
}

fn clean_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty()
            || tag
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == ',')
        {
            bail!("`{tag}` is not a tag: use one word (letters, digits, `-`)");
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

pub fn staff_member(session: &Session, key: &str) -> Result<String> {
    let person = session
        .tracker
        .config
        .require_person(key)
        .map_err(anyhow::Error::msg)?;
    if !person.role.is_staff() {
        bail!(
            "{} is a requester; tickets can only be assigned to operators and admins",
            person.key
        );
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
        .map_err(anyhow::Error::msg)?;
    let mut counts = HashMap::new();
    let mut previous = None;
    match strategy {
        Assignment::RoundRobin => {
            let oldest = last.saturating_sub(ROUND_ROBIN_LOOKBACK);
            for number in (oldest + 1..=last).rev() {
                let folio = tracker.config.folio.folio(number);
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

/// Shows the FAQ entries that best match the subject ("these might answer
/// it") and asks whether to register the ticket anyway. True to go on.
fn go_ahead_despite_faq(global: &Global, subject: &str) -> Result<bool> {
    use std::io::{BufRead, Write};
    let tracker = super::session::open_tracker(global)?;
    let hits = crate::domain::kb::search(&super::kb::knowledge(&tracker, false)?, subject, 3);
    if hits.is_empty() {
        return Ok(true);
    }
    let mut err = std::io::stderr().lock();
    writeln!(err, "These FAQ entries might answer it:")?;
    for hit in &hits {
        writeln!(
            err,
            "  {}  (tkt faq show {})",
            one_line(&hit.title, 100),
            hit.id
        )?;
        writeln!(err, "      {}", one_line(&hit.snippet, 160))?;
    }
    write!(err, "Register the ticket anyway? [Y/n] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(!answer.trim().to_lowercase().starts_with('n'))
}
