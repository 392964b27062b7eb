//! `tkt person add|list`: the people of the helpdesk.

use super::output::{table, Cell, Style};
use super::session::{open_tracker, Global};
use crate::domain::model::{Person, Role};
use anyhow::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Register a person (admins only).
    #[command(
        after_help = "Roles: admin (manages people and config), operator (works tickets), requester (files and follows tickets).\n\nExamples:\n  tkt person add ben --name \"Ben Okafor\" --email ben@example.org --role operator"
    )]
    Add {
        /// Short key used in commands and files: lowercase letters, digits, - _ .
        key: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// admin, operator or requester.
        #[arg(long, default_value = "requester", value_parser = parse_role)]
        role: Role,
    },
    /// List the people and what they are responsible for.
    #[command(after_help = "Examples:\n  tkt person list")]
    List,
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

pub fn run(global: &Global, command: PersonCommand) -> Result<i32> {
    match command {
        PersonCommand::Add {
            key,
            name,
            email,
            role,
        } => add(
            global,
            Person {
                key,
                name,
                email,
                role,
            },
        ),
        PersonCommand::List => list(global),
    }
}

fn add(global: &Global, person: Person) -> Result<i32> {
    let done = crate::app::people::add(global, person)?;
    super::output::print_notices(&done.notices);
    let person = done.value;
    eprintln!(
        "Registered {} <{}> as {}.",
        person.name,
        person.email,
        person.role.as_str()
    );
    Ok(0)
}

fn list(global: &Global) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let style = Style::detect();
    let rows: Vec<Vec<Cell>> = tracker
        .config
        .people
        .iter()
        .map(|p| {
            let categories: Vec<&str> = tracker
                .config
                .categories
                .iter()
                .filter(|c| c.responsible.contains(&p.key))
                .map(|c| c.key.as_str())
                .collect();
            vec![
                Cell::plain(&p.key),
                Cell::plain(&p.name),
                Cell::plain(&p.email),
                Cell::plain(p.role.as_str()),
                Cell::plain(categories.join(", ")),
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            &style,
            &["KEY", "NAME", "EMAIL", "ROLE", "RESPONSIBLE FOR"],
            &rows
        )
    );
    Ok(0)
}
