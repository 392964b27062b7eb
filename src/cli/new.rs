//! `tkt new`: register a ticket.

use super::attach;
use super::input::TextArgs;
use super::session::Global;
use crate::app::NewTicket;
use crate::domain::model::Priority;
use crate::domain::trailers::one_line;
use anyhow::{bail, Result};
use clap::Args;
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
    let description = match args.text.read("description")? {
        Some(text) => text,
        None => bail!("a description is needed: pass -m TEXT, -F FILE or -F - (standard input)"),
    };
    let request = NewTicket {
        subject: args.subject,
        category: args.category,
        priority: args.priority,
        description,
        requester: args.requester,
        assignee: args.assignee,
        related: args.related,
        fields: args.fields.into_iter().collect(),
        tags: args.tags,
        attachments: attach::open(&args.attach)?,
        confidential: args.confidential,
        resolve: args.resolve,
        mail: None,
    };
    let done = crate::app::register(global, request)?;
    let ticket = done.value;
    println!("{}", ticket.id);
    let assigned = ticket
        .assignee
        .as_deref()
        .unwrap_or("nobody (the category lists no responsible people)");
    eprintln!(
        "Registered {} ({}, {}), assigned to {assigned}.",
        ticket.id, ticket.category, ticket.priority
    );
    super::output::print_notices(&done.notices);
    Ok(0)
}

/// Shows the FAQ entries that best match the subject ("these might answer
/// it") and asks whether to register the ticket anyway. True to go on.
fn go_ahead_despite_faq(global: &Global, subject: &str) -> Result<bool> {
    use std::io::{BufRead, Write};
    let reader = super::session::reader(global)?;
    let hits =
        crate::domain::kb::search(&crate::app::knowledge::items(&reader, false)?, subject, 3);
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
