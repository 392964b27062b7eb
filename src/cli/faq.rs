//! `tkt faq`: the FAQ people read before asking — entries in
//! `faq/<slug>.md`, made by hand or from a resolved ticket.

use super::input::{edit as open_editor, on_terminal, TextArgs};
use super::kb::{knowledge, print_hits, SearchArgs};
use super::output::{table, Cell, Style};
use super::session::{open_tracker, Global, Session, UsageError};
use crate::domain::model::knowledge::is_valid_slug;
use crate::domain::model::Faq;
use crate::store::{render_ticket, Tracker, Transaction};
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  tkt faq add --from 42                     draft an entry from TKT042's question and solution
  tkt faq add --from 42 --title \"Scanner jams\" -m \"Clean the rollers…\"
  tkt faq new --title \"Where are the templates?\" --category other -m \"On the shared drive…\"
  tkt faq list --category technical
  tkt faq search vpn
  tkt faq show scanner-jams
  tkt faq edit scanner-jams --title \"Scanner jams on long documents\"
  tkt faq rm scanner-jams                   removed in a commit: history keeps it";

#[derive(Debug, Subcommand)]
pub enum FaqCommand {
    /// Draft an entry from a resolved ticket (question from its subject and
    /// description, answer from its solution), edit it, save it; the ticket
    /// and the entry link to each other.
    Add {
        /// The ticket.
        #[arg(long = "from", value_name = "ID")]
        from: String,
        #[command(flatten)]
        entry: EntryArgs,
    },
    /// Write a new entry.
    New {
        #[command(flatten)]
        entry: EntryArgs,
    },
    /// List entries: slug, title, category.
    List {
        #[arg(long, value_name = "KEY")]
        category: Option<String>,
    },
    /// Show an entry.
    Show { slug: String },
    /// Change an entry's title, category or text ($EDITOR on a terminal).
    Edit {
        slug: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, value_name = "KEY")]
        category: Option<String>,
        #[command(flatten)]
        text: TextArgs,
    },
    /// Remove an entry (a commit: history keeps it).
    Rm { slug: String },
    /// Search the FAQ, best first.
    Search(SearchArgs),
}

#[derive(Debug, Args)]
pub struct EntryArgs {
    /// The question, as people would ask it.
    #[arg(long)]
    title: Option<String>,
    /// The file name (default: made from the title).
    #[arg(long)]
    slug: Option<String>,
    #[arg(long, value_name = "KEY")]
    category: Option<String>,
    /// A tag (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    #[command(flatten)]
    text: TextArgs,
}

pub fn run(global: &Global, command: FaqCommand) -> Result<i32> {
    match command {
        FaqCommand::Add { from, entry } => add(global, Some(&from), entry),
        FaqCommand::New { entry } => add(global, None, entry),
        FaqCommand::List { category } => list(global, category.as_deref()),
        FaqCommand::Show { slug } => show(global, &slug),
        FaqCommand::Edit {
            slug,
            title,
            category,
            text,
        } => edit(global, &slug, title, category, &text),
        FaqCommand::Rm { slug } => rm(global, &slug),
        FaqCommand::Search(args) => {
            let tracker = open_tracker(global)?;
            print_hits(&tracker, &knowledge(&tracker, false)?, &args)
        }
    }
}

/// A slug from a title: lowercase ASCII words joined by dashes.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "entry".into()
    } else {
        slug
    }
}

fn add(global: &Global, from: Option<&str>, args: EntryArgs) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let source = match from {
        Some(id) => {
            let ticket = tracker.read_ticket(&tracker.existing(id)?)?;
            let Some(solution) = ticket.solution.clone() else {
                bail!(
                    "{} has no solution yet: resolve it first (tkt resolve {} --solution …)",
                    ticket.id,
                    ticket.id
                );
            };
            Some((ticket, solution))
        }
        None => None,
    };
    let title = args
        .title
        .clone()
        .or_else(|| source.as_ref().map(|(t, _)| t.subject.clone()))
        .ok_or_else(|| UsageError("an FAQ entry needs a --title".into()))?;
    let draft = source.as_ref().map(|(t, solution)| {
        format!(
            "**Question**\n\n{}\n\n**Answer**\n\n{}\n",
            t.description.trim(),
            solution.trim()
        )
    });
    let body = match (&args.text.message, &args.text.file, draft) {
        (None, None, Some(draft)) if on_terminal() => open_editor("FAQ entry", &draft)?,
        (None, None, Some(draft)) => draft,
        _ => args.text.read("FAQ entry")?.unwrap_or_default(),
    };
    if body.trim().is_empty() {
        bail!("the FAQ entry is empty: pass -m TEXT, -F FILE or -F - (standard input)");
    }
    let session = Session::begin(global)?;
    session.require_staff("write FAQ entries")?;
    let category = args
        .category
        .clone()
        .or_else(|| source.as_ref().map(|(t, _)| t.category.clone()));
    if let Some(key) = &category {
        session
            .tracker
            .config
            .require_category(key)
            .map_err(anyhow::Error::msg)?;
    }
    let slug = pick_slug(&session.tracker, args.slug.as_deref(), &title)?;
    let faq = Faq {
        title,
        category,
        tags: if args.tags.is_empty() {
            source
                .as_ref()
                .map(|(t, _)| t.tags.clone())
                .unwrap_or_default()
        } else {
            args.tags
        },
        source: source.as_ref().map(|(t, _)| t.id.clone()),
        author: Some(session.actor.key.clone()),
        created: Some(session.now),
        updated: Some(session.now),
        body: String::new(),
    };
    let mut tx = Transaction::new(&session.tracker.root);
    tx.create(
        faq_rel(&slug),
        crate::domain::frontmatter::join(&faq, &body)?,
    );
    let folio = match &source {
        Some((ticket, _)) => {
            // Re-read under the lock, then record the link back.
            let folio = session.tracker.existing(&ticket.id)?;
            let mut ticket = session.tracker.read_ticket(&folio)?;
            ticket.faq = Some(slug.clone());
            tx.replace(
                Tracker::ticket_rel(&folio).join("ticket.md"),
                render_ticket(&ticket)?,
            );
            Some(folio)
        }
        None => None,
    };
    let summary = format!("FAQ entry {slug} added by {}", session.actor.key);
    session.commit(tx, folio.as_ref(), "faq-add", &summary)?;
    eprintln!("Added FAQ entry {slug} (faq/{slug}.md).");
    println!("{slug}");
    Ok(0)
}

/// The given slug (which must be free) or one made from the title, with
/// `-2`, `-3`… if taken.
fn pick_slug(tracker: &Tracker, given: Option<&str>, title: &str) -> Result<String> {
    let taken = |s: &str| tracker.root.join(faq_rel(s)).exists();
    if let Some(slug) = given {
        if !is_valid_slug(slug) {
            return Err(UsageError(format!(
                "`{slug}` cannot be a slug: use lowercase letters, digits and dashes"
            ))
            .into());
        }
        if taken(slug) {
            bail!("an FAQ entry `{slug}` already exists; choose another --slug");
        }
        return Ok(slug.to_string());
    }
    let base = slugify(title);
    let mut slug = base.clone();
    let mut n = 2;
    while taken(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

fn faq_rel(slug: &str) -> PathBuf {
    PathBuf::from("faq").join(format!("{slug}.md"))
}

fn load(tracker: &Tracker, slug: &str) -> Result<Faq> {
    match tracker.read_faq_entry(slug) {
        Some(read) => Ok(read?),
        None => bail!("there is no FAQ entry `{slug}`; `tkt faq list` shows them"),
    }
}

fn list(global: &Global, category: Option<&str>) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let loaded = tracker.read_faq();
    let style = Style::detect();
    let rows: Vec<Vec<Cell>> = loaded
        .items
        .iter()
        .filter(|(_, f)| category.is_none() || f.category.as_deref() == category)
        .map(|(slug, f)| {
            vec![
                Cell::plain(slug.clone()),
                Cell::plain(f.title.clone()),
                Cell::plain(f.category.clone().unwrap_or_default()),
            ]
        })
        .collect();
    print!("{}", table(&style, &["SLUG", "TITLE", "CATEGORY"], &rows));
    for e in &loaded.errors {
        eprintln!("warning: {e}");
    }
    Ok(0)
}

fn show(global: &Global, slug: &str) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let faq = load(&tracker, slug)?;
    println!("{}", faq.title);
    if let Some(source) = &faq.source {
        println!("(made from {source})");
    }
    println!();
    print!("{}", faq.body);
    Ok(0)
}

fn edit(
    global: &Global,
    slug: &str,
    title: Option<String>,
    category: Option<String>,
    text: &TextArgs,
) -> Result<i32> {
    let current = load(&open_tracker(global)?, slug)?;
    let nothing_else = title.is_none() && category.is_none();
    let body = match (&text.message, &text.file) {
        (None, None) if nothing_else && on_terminal() => {
            Some(open_editor("FAQ entry", &current.body)?)
        }
        _ => text.read("FAQ entry")?,
    };
    if nothing_else && body.is_none() {
        return Err(UsageError("nothing to change: pass --title, --category, -m TEXT or -F FILE (or run it on a terminal)".into()).into());
    }
    if body.as_deref().is_some_and(|b| b.trim().is_empty()) {
        bail!("the FAQ entry would be empty; to remove it use `tkt faq rm {slug}`");
    }
    let session = Session::begin(global)?;
    session.require_staff("edit FAQ entries")?;
    if let Some(key) = &category {
        session
            .tracker
            .config
            .require_category(key)
            .map_err(anyhow::Error::msg)?;
    }
    let mut faq = load(&session.tracker, slug)?;
    let body = body.unwrap_or_else(|| std::mem::take(&mut faq.body));
    faq.title = title.unwrap_or(faq.title);
    faq.category = category.or(faq.category);
    faq.updated = Some(session.now);
    let mut tx = Transaction::new(&session.tracker.root);
    tx.replace(
        faq_rel(slug),
        crate::domain::frontmatter::join(&faq, &body)?,
    );
    session.commit(
        tx,
        None,
        "faq-edit",
        &format!("FAQ entry {slug} edited by {}", session.actor.key),
    )?;
    eprintln!("Updated FAQ entry {slug}.");
    Ok(0)
}

fn rm(global: &Global, slug: &str) -> Result<i32> {
    super::article::remove(global, &faq_rel(slug), "FAQ entry", "faq-rm", |t| {
        load(t, slug).map(drop)
    })
}
