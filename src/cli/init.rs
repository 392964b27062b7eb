//! `tkt init`: create a tracker.

use super::session::Global;
use crate::app::init::NewTracker;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the tracker (default: --dir, else the current folder).
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,

    /// The helpdesk's name, shown in lists and on the site.
    #[arg(long, default_value = "Helpdesk")]
    name: String,

    /// Key for the first admin (default: from your git email).
    #[arg(long, value_name = "KEY")]
    key: Option<String>,
}

pub fn run(global: &Global, args: InitArgs) -> Result<i32> {
    let root = args
        .dir
        .or_else(|| global.dir.clone())
        .unwrap_or_else(|| PathBuf::from("."));
    let (root, admin) = crate::app::init::init(NewTracker {
        root,
        name: args.name,
        admin_key: args.key,
        verify: !global.no_verify,
    })?;
    eprintln!(
        "Initialised tkt tracker in {} with {} ({}) as admin.\nNext: `tkt person add` to register your team, `tkt new` to file a ticket.",
        root.display(),
        admin.name,
        admin.key
    );
    Ok(0)
}
