//! `tkt kb search`: the knowledge database — FAQ entries and the solutions
//! of resolved and closed tickets — ranked for a query.

use super::output::{clean_line, Style};
use super::session::{reader, Global};
use crate::domain::kb::{self, Hit, Item, Source};
use crate::store::Tracker;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};

pub const EXAMPLES: &str = "\
Examples:
  tkt kb search \"scanner jams\"
  tkt kb search extension deadline --category case-support
  tkt kb search vpn --format json | jq '.[0]'";

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Search FAQ entries and the solutions of finished tickets, best first.
    Search(SearchArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HitFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to look for.
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,
    /// Only this category.
    #[arg(long, value_name = "KEY")]
    category: Option<String>,
    /// How many results.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: HitFormat,
}

pub fn run(global: &Global, command: KbCommand) -> Result<i32> {
    match command {
        KbCommand::Search(args) => {
            let reader = reader(global)?;
            let items = crate::app::knowledge::items(&reader, true)?;
            print_hits(&reader.tracker, &items, &args)
        }
    }
}

/// Searches `items` as `args` ask and prints the hits; shared with
/// `tkt faq search`.
pub fn print_hits(tracker: &Tracker, items: &[Item], args: &SearchArgs) -> Result<i32> {
    if let Some(key) = &args.category {
        tracker
            .config
            .require_category(key)
            .map_err(anyhow::Error::msg)?;
    }
    let items: Vec<Item> = items
        .iter()
        .filter(|i| args.category.is_none() || i.category == args.category)
        .cloned()
        .collect();
    let hits = kb::search(&items, &args.query.join(" "), args.limit);
    match args.format {
        HitFormat::Json => println!("{}", serde_json::to_string_pretty(&hits)?),
        HitFormat::Table => print_table(&hits),
    }
    Ok(0)
}

fn print_table(hits: &[Hit]) {
    if hits.is_empty() {
        eprintln!("Nothing found.");
        return;
    }
    let style = Style::detect();
    for hit in hits {
        let kind = match hit.source {
            Source::Faq => "FAQ",
            Source::Ticket => "ticket",
        };
        println!(
            "{}  {}  ({kind}, {})",
            style.paint(&hit.id, "1"),
            clean_line(&hit.title),
            hit.category.as_deref().unwrap_or("general")
        );
        println!("    {}", clean_line(&hit.snippet));
    }
}
