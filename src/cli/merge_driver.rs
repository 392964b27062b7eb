//! `tkt setup` and `tkt merge-driver`: plain `git pull` merging tickets
//! field by field, as `tkt sync` does.

use super::session::{open_tracker, Global};
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

pub const SETUP_EXAMPLES: &str = "Examples:
  tkt setup            in a fresh clone: register the merge driver for ticket files

git takes merge drivers only from a clone's own configuration, never from the
repository, so each clone runs this once (`tkt init` does it for the first).";

pub const DRIVER_EXAMPLES: &str = "git runs this (registered by `tkt setup`) as:
  tkt merge-driver %O %A %B %P

It merges three versions of a ticket.md field by field and writes the result
over OURS. Two different tickets under one folio are refused (exit 1): run
`tkt sync`, which renumbers, instead of `git pull`.";

#[derive(Debug, Args)]
pub struct SetupArgs {}

#[derive(Debug, Args)]
pub struct DriverArgs {
    /// The common ancestor's version (%O).
    base: PathBuf,
    /// Our version (%A); the merged ticket is written here.
    ours: PathBuf,
    /// Their version (%B).
    theirs: PathBuf,
    /// The ticket's path in the repository (%P), for messages.
    path: Option<String>,
}

pub fn setup(global: &Global, _args: SetupArgs) -> Result<i32> {
    let tracker = open_tracker(global)?;
    crate::app::sync::setup(&tracker)?;
    println!(
        "Registered the tkt-ticket merge driver: `git pull` now merges tickets field by field."
    );
    Ok(0)
}

pub fn merge_driver(args: DriverArgs) -> Result<i32> {
    let name = args.path.as_deref().unwrap_or("ticket.md");
    crate::app::sync::merge_driver(&args.base, &args.ours, &args.theirs)
        .with_context(|| format!("tkt cannot merge {name}"))?;
    Ok(0)
}
