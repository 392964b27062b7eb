//! `tkt canned`: standard answers in `canned/<slug>.md`, whose bodies are
//! templates filled in for a ticket (`show --for`, `reply --canned`).

use super::input::TextArgs;
use super::output::{table, Cell, Style};
use super::session::{open_tracker, reader, Global, UsageError};
use crate::app::articles::{ArticleKind, CannedEdit, NewCanned};
use crate::app::canned::{load, prefill};
use crate::domain::model::knowledge::is_valid_slug;
use anyhow::{bail, Result};
use clap::Subcommand;

pub const EXAMPLES: &str = "\
Examples:
  tkt canned list
  tkt canned new scanner-rollers --title \"Scanner rollers worn\" --category technical \\
      -m \"Hello {{ requester.name }}, the rollers of the scanner in {{ ticket.fields.location }} …\"
  tkt canned show scanner-rollers --for 42     preview it filled in for TKT042
  tkt reply 42 --canned scanner-rollers        post it as a reply
  tkt canned rm scanner-rollers                remove it (git history keeps it)

Variables: {{ ticket.folio }}, {{ ticket.subject }}, {{ ticket.category }}, {{ ticket.priority }},
{{ ticket.status }}, {{ ticket.related }}, {{ ticket.solution }}, {{ ticket.fields.NAME }}, {{ requester.name }},
{{ requester.email }}, {{ operator.name }}, {{ today }}.";

#[derive(Debug, Subcommand)]
pub enum CannedCommand {
    /// List canned answers: name, title, categories.
    List,
    /// Show one, as written or (--for) filled in for a ticket.
    Show {
        /// The answer's name (its file name without .md).
        name: String,
        /// Fill it in for this ticket.
        #[arg(long = "for", value_name = "ID")]
        for_ticket: Option<String>,
    },
    /// Write a new canned answer (staff only).
    New {
        /// Its name: lowercase letters, digits and dashes.
        slug: String,
        #[arg(long)]
        title: String,
        /// A category it applies to (repeatable; none means all).
        #[arg(long = "category", value_name = "KEY")]
        categories: Vec<String>,
        /// A tag (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        #[command(flatten)]
        text: TextArgs,
    },
    /// Change a canned answer's title or text (staff only); with neither
    /// option, on a terminal, opens the text in $EDITOR.
    Edit {
        name: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        text: TextArgs,
    },
    /// Remove a canned answer (staff only); git history keeps it.
    Rm { name: String },
}

pub fn run(global: &Global, command: CannedCommand) -> Result<i32> {
    match command {
        CannedCommand::List => list(global),
        CannedCommand::Show { name, for_ticket } => show(global, &name, for_ticket.as_deref()),
        CannedCommand::New {
            slug,
            title,
            categories,
            tags,
            text,
        } => new(global, slug, title, categories, tags, &text),
        CannedCommand::Edit { name, title, text } => edit(global, &name, title, &text),
        CannedCommand::Rm { name } => rm(global, &name),
    }
}

fn list(global: &Global) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let loaded = tracker.read_canned();
    let style = Style::detect();
    let rows: Vec<Vec<Cell>> = loaded
        .items
        .iter()
        .map(|(slug, c)| {
            vec![
                Cell::plain(slug.clone()),
                Cell::plain(c.title.clone()),
                Cell::plain(if c.categories.is_empty() {
                    "all".into()
                } else {
                    c.categories.join(", ")
                }),
            ]
        })
        .collect();
    print!("{}", table(&style, &["NAME", "TITLE", "CATEGORIES"], &rows));
    for e in &loaded.errors {
        eprintln!("warning: {e}");
    }
    Ok(0)
}

fn show(global: &Global, name: &str, for_ticket: Option<&str>) -> Result<i32> {
    let Some(id) = for_ticket else {
        let canned = load(&open_tracker(global)?, name)?;
        println!("{}\n", canned.title);
        print!("{}", canned.body);
        return Ok(0);
    };
    print!("{}", prefill(&reader(global)?, id, name)?);
    Ok(0)
}

fn new(
    global: &Global,
    slug: String,
    title: String,
    categories: Vec<String>,
    tags: Vec<String>,
    text: &TextArgs,
) -> Result<i32> {
    if !is_valid_slug(&slug) {
        return Err(UsageError(format!("`{slug}` cannot name a canned answer: use lowercase letters, digits and dashes, e.g. scanner-rollers")).into());
    }
    let body = text.read("canned answer")?.unwrap_or_default();
    if body.trim().is_empty() {
        bail!("the canned answer is empty: pass -m TEXT, -F FILE or -F - (standard input)");
    }
    let request = NewCanned {
        slug: slug.clone(),
        title,
        categories,
        tags,
        body,
    };
    let done = crate::app::articles::add_canned(global, request)?;
    super::output::print_notices(&done.notices);
    eprintln!("Added canned answer {slug}.");
    Ok(0)
}

fn edit(global: &Global, name: &str, title: Option<String>, text: &TextArgs) -> Result<i32> {
    let current = load(&open_tracker(global)?, name)?;
    let body = match (&text.message, &text.file) {
        (None, None) if title.is_none() && super::input::on_terminal() => {
            Some(super::input::edit("canned answer", &current.body)?)
        }
        _ => text.read("canned answer")?,
    };
    if title.is_none() && body.is_none() {
        return Err(UsageError(
            "nothing to change: pass --title, -m TEXT or -F FILE (or run it on a terminal to edit in $EDITOR)".into(),
        )
        .into());
    }
    if body.as_deref().is_some_and(|b| b.trim().is_empty()) {
        bail!("the canned answer would be empty; to remove it use `tkt canned rm {name}`");
    }
    let done = crate::app::articles::edit_canned(global, name, CannedEdit { title, body })?;
    super::output::print_notices(&done.notices);
    eprintln!("Updated canned answer {name}.");
    Ok(0)
}

fn rm(global: &Global, name: &str) -> Result<i32> {
    let done = crate::app::articles::remove(global, ArticleKind::Canned, name)?;
    super::output::print_notices(&done.notices);
    eprintln!("Removed canned answer {name} (git history keeps it).");
    Ok(0)
}
