//! `tkt log`: a ticket's audit trail from git.

use super::output::{table, Cell, Style};
use super::session::{reader, Global};
use super::TicketId;
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct LogArgs {
    #[command(flatten)]
    ticket: TicketId,
    /// Print JSON: hash, short, author, email, date, message.
    #[arg(long)]
    json: bool,
}

pub fn run(global: &Global, args: LogArgs) -> Result<i32> {
    let commits = reader(global)?.log(&args.ticket.id)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&commits)?);
        return Ok(0);
    }
    let style = Style::detect();
    let rows: Vec<Vec<Cell>> = commits
        .iter()
        .map(|c| {
            vec![
                Cell::plain(c.date.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
                Cell::painted(&c.author, |s| s.to_string()),
                Cell::painted(&c.short, |s| style.paint(s, "33")),
                Cell::plain(c.message.lines().next().unwrap_or("")),
            ]
        })
        .collect();
    print!(
        "{}",
        table(&style, &["DATE", "AUTHOR", "COMMIT", "MESSAGE"], &rows)
    );
    Ok(0)
}
