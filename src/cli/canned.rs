//! `tkt canned`: standard answers in `canned/<slug>.md`, whose bodies are
//! templates filled in for a ticket (`show --for`, `reply --canned`).

use super::input::TextArgs;
use super::output::{table, Cell, Style};
use super::session::{open_tracker, Global, Session, UsageError};
use crate::domain::canned::{self, FillError};
use crate::domain::model::knowledge::is_valid_slug;
use crate::domain::model::{Canned, Ticket};
use crate::store::{FileError, Tracker, Transaction};
use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::path::PathBuf;

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
    let tracker = open_tracker(global)?;
    let canned = load(&tracker, name)?;
    let Some(id) = for_ticket else {
        println!("{}\n", canned.title);
        print!("{}", canned.body);
        return Ok(0);
    };
    print!("{}", fill_in(&tracker, global, id, name, &canned)?);
    Ok(0)
}

/// The canned answer `name` filled in for ticket `id` by the acting person.
pub fn prefill(global: &Global, id: &str, name: &str) -> Result<String> {
    let tracker = open_tracker(global)?;
    let canned = load(&tracker, name)?;
    fill_in(&tracker, global, id, name, &canned)
}

fn fill_in(
    tracker: &Tracker,
    global: &Global,
    id: &str,
    name: &str,
    canned: &Canned,
) -> Result<String> {
    let folio = tracker.existing(id)?;
    let ticket = tracker.read_ticket(&folio)?;
    let git = crate::git::Git::open(&tracker.root)?;
    let operator = super::session::resolve_actor(tracker, &git, global.actor.as_deref())?;
    fill_for(
        tracker,
        name,
        canned,
        &ticket,
        &operator.key,
        crate::clock::now()?,
    )
}

/// Reads `canned/<name>.md`, or says which names exist.
pub fn load(tracker: &Tracker, name: &str) -> Result<Canned> {
    match tracker.read_canned_answer(name) {
        Some(read) => Ok(read?),
        None => {
            let known: Vec<String> = tracker
                .read_canned()
                .items
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            bail!(
                "there is no canned answer `{name}`; {}",
                if known.is_empty() {
                    "there are none yet (tkt canned new)".to_string()
                } else {
                    format!("known: {}", known.join(", "))
                }
            )
        }
    }
}

/// The answer filled in for `ticket`, or an error naming the file and the
/// line (the body's line plus the front-matter above it).
pub fn fill_for(
    tracker: &Tracker,
    name: &str,
    canned: &Canned,
    ticket: &Ticket,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let path = path_of(tracker, name);
    canned::check_category(canned, ticket).map_err(|why| {
        anyhow!(
            "{}: the canned answer `{name}` cannot be used for {}: {why}",
            path.display(),
            ticket.id
        )
    })?;
    canned::fill(
        &canned.body,
        &tracker.config,
        ticket,
        operator,
        now.date_naive(),
    )
    .map_err(|e| {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let line = e
            .line
            .and_then(|l| crate::domain::frontmatter::body_line_in_file(&text, l));
        located(path, FillError { line, ..e })
    })
}

/// A template error as `path:line: message` (`line` in the file).
pub(super) fn located(path: PathBuf, e: FillError) -> anyhow::Error {
    anyhow!(FileError {
        path,
        line: e.line,
        message: e.message,
    })
}

fn path_of(tracker: &Tracker, name: &str) -> PathBuf {
    tracker.root.join(path_rel(name))
}

fn path_rel(name: &str) -> PathBuf {
    PathBuf::from("canned").join(format!("{name}.md"))
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
    check_body(&body)?;
    let session = Session::begin(global)?;
    session.require_staff("write canned answers")?;
    for key in &categories {
        session
            .tracker
            .config
            .require_category(key)
            .map_err(anyhow::Error::msg)?;
    }
    let rel = PathBuf::from("canned").join(format!("{slug}.md"));
    if session.tracker.root.join(&rel).exists() {
        bail!(
            "a canned answer `{slug}` already exists ({}); choose another name",
            rel.display()
        );
    }
    let canned = Canned {
        title,
        categories,
        tags,
        author: Some(session.actor.key.clone()),
        created: Some(session.now),
        updated: Some(session.now),
        body: String::new(),
    };
    let mut tx = Transaction::new(&session.tracker.root);
    tx.create(&rel, crate::domain::frontmatter::join(&canned, &body)?);
    session.commit(
        tx,
        None,
        "canned-new",
        &format!("canned answer {slug} added by {}", session.actor.key),
    )?;
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
    if let Some(body) = &body {
        if body.trim().is_empty() {
            bail!("the canned answer would be empty; to remove it use `tkt canned rm {name}`");
        }
        check_body(body)?;
    }
    let session = Session::begin(global)?;
    session.require_staff("edit canned answers")?;
    let mut canned = load(&session.tracker, name)?;
    let body = body.unwrap_or_else(|| std::mem::take(&mut canned.body));
    if let Some(title) = title {
        canned.title = title;
    }
    canned.updated = Some(session.now);
    let mut tx = Transaction::new(&session.tracker.root);
    tx.replace(
        PathBuf::from("canned").join(format!("{name}.md")),
        crate::domain::frontmatter::join(&canned, &body)?,
    );
    session.commit(
        tx,
        None,
        "canned-edit",
        &format!("canned answer {name} edited by {}", session.actor.key),
    )?;
    eprintln!("Updated canned answer {name}.");
    Ok(0)
}

/// Refuses a body whose template syntax is broken, before it is saved.
fn check_body(body: &str) -> Result<()> {
    canned::check_syntax(body).map_err(|e| {
        let at = e
            .line
            .map(|l| format!("line {l} of the text"))
            .unwrap_or_else(|| "the text".into());
        anyhow!("{at}: {}", e.message)
    })
}

fn rm(global: &Global, name: &str) -> Result<i32> {
    super::article::remove(global, &path_rel(name), "canned answer", "canned-rm", |t| {
        load(t, name).map(drop)
    })
}
