//! `tkt faq`: the FAQ people read before asking — entries in
//! `faq/<slug>.md`, made by hand or from a resolved ticket.

use super::input::{edit as open_editor, on_terminal, TextArgs};
use super::kb::{print_hits, SearchArgs};
use super::output::{table, Cell, Style};
use super::session::{open_tracker, reader, Global, UsageError};
use crate::app::articles::{faq_draft, faq_for, load_faq, ArticleKind, FaqEdit, NewFaq};
use crate::domain::model::knowledge::is_valid_slug;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};

pub const EXAMPLES: &str = "\
Examples:
  tkt faq add --from 42                     draft an entry from TKT042's question and solution
  tkt faq add --from 15 --force             from a confidential ticket: rewrite the draft!
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
        /// Draft it even though the ticket is confidential (the draft then
        /// starts with a warning to rewrite it).
        #[arg(long)]
        force: bool,
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
        FaqCommand::Add { from, force, entry } => add(global, Some((&from, force)), entry),
        FaqCommand::New { entry } => add(global, None, entry),
        FaqCommand::List { category } => list(global, category.as_deref()),
        FaqCommand::Show { slug } => show(global, &slug),
        FaqCommand::Edit {
            slug,
            title,
            category,
            text,
        } => edit(global, &slug, title, category, &text),
        FaqCommand::Rm { slug } => {
            let done = crate::app::articles::remove(global, ArticleKind::Faq, &slug)?;
            super::output::print_notices(&done.notices);
            eprintln!("Removed FAQ entry {slug} (git history keeps it).");
            Ok(0)
        }
        FaqCommand::Search(args) => {
            let reader = reader(global)?;
            let items = crate::app::knowledge::items(&reader, false)?;
            print_hits(&reader.tracker, &items, &args)
        }
    }
}

fn add(global: &Global, from: Option<(&str, bool)>, args: EntryArgs) -> Result<i32> {
    if let Some(slug) = args.slug.as_deref().filter(|s| !is_valid_slug(s)) {
        return Err(UsageError(format!(
            "`{slug}` cannot be a slug: use lowercase letters, digits and dashes"
        ))
        .into());
    }
    let draft = match from {
        Some((id, force)) => Some(faq_draft(&reader(global)?, id, force)?),
        None => None,
    };
    if let Some(d) = draft.as_ref().filter(|d| d.confidential) {
        eprintln!(
            "warning: {} is confidential; rewrite the draft so it holds nothing of the ticket's private details",
            d.ticket.id
        );
    }
    let title = args
        .title
        .clone()
        .or_else(|| draft.as_ref().map(|d| d.ticket.subject.clone()))
        .ok_or_else(|| UsageError("an FAQ entry needs a --title".into()))?;
    let body = match (&args.text.message, &args.text.file, &draft) {
        (None, None, Some(d)) if on_terminal() => open_editor("FAQ entry", &d.body)?,
        (None, None, Some(d)) => d.body.clone(),
        _ => args.text.read("FAQ entry")?.unwrap_or_default(),
    };
    if body.trim().is_empty() {
        bail!("the FAQ entry is empty: pass -m TEXT, -F FILE or -F - (standard input)");
    }
    let source = draft.as_ref().map(|d| &d.ticket);
    let request = NewFaq {
        title,
        category: args.category.or_else(|| source.map(|t| t.category.clone())),
        tags: if args.tags.is_empty() {
            source.map(|t| t.tags.clone()).unwrap_or_default()
        } else {
            args.tags
        },
        body,
        slug: args.slug,
        from: source.map(|t| t.id.clone()),
        force: from.is_some_and(|(_, force)| force),
    };
    let done = crate::app::articles::add_faq(global, request)?;
    super::output::print_notices(&done.notices);
    let slug = done.value;
    eprintln!("Added FAQ entry {slug} (faq/{slug}.md).");
    println!("{slug}");
    Ok(0)
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
    let reader = reader(global)?;
    let faq = faq_for(&reader.viewer(), load_faq(&reader.tracker, slug)?);
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
    let current = load_faq(&open_tracker(global)?, slug)?;
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
    let edit = FaqEdit {
        title,
        category,
        body,
    };
    let done = crate::app::articles::edit_faq(global, slug, edit)?;
    super::output::print_notices(&done.notices);
    eprintln!("Updated FAQ entry {slug}.");
    Ok(0)
}
