//! `tkt link`: requesters' private follow-up links.

use super::session::Global;
use anyhow::Result;
use clap::Subcommand;

pub const EXAMPLES: &str = "Examples:
  tkt link rotate TKT042    revoke TKT042's follow-up link and print a new one

The link lets whoever holds it follow the ticket on the web (as the
`web:` settings allow) without an account. Only its hash is kept in
ticket.md; the link itself is shown once. Operators and admins may
rotate links, e.g. when a requester forwarded theirs by mistake.";

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Revoke a ticket's follow-up link and print a new one.
    Rotate {
        /// The ticket (TKT042 or 42).
        id: String,
    },
}

pub fn run(global: &Global, command: LinkCommand) -> Result<i32> {
    match command {
        LinkCommand::Rotate { id } => {
            let done = crate::app::links::rotate(global, &id)?;
            super::output::print_notices(&done.notices);
            let link = done.value;
            match link.url {
                Some(url) => println!("{url}"),
                None => {
                    println!("{}", link.token);
                    eprintln!(
                        "note: `web: base_url` is not set in helpdesk.yaml, so this is the bare \
                         token; the link is <base URL>/t/{}",
                        link.token
                    );
                }
            }
            eprintln!("The previous link of {id} no longer works.");
            Ok(0)
        }
    }
}
