//! `tkt sync`: fetch, integrate and push this clone's work.

use super::session::Global;
use anyhow::Result;
use clap::Args;

pub const EXAMPLES: &str = "Examples:
  tkt sync             fetch the upstream (else origin), replay your unpushed actions on top, push
  tkt sync backup      the same with the remote called backup

Transport is the git program, so your credential helpers and SSH keys work
as with `git fetch`. Nothing is ever force-pushed; a remote whose history
was rewritten is refused.";

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The remote to sync with (default: the branch's upstream, else origin).
    remote: Option<String>,
}

pub fn run(global: &Global, args: SyncArgs) -> Result<i32> {
    let done = crate::app::sync::sync(global, args.remote.as_deref())?;
    let target = format!("{}/{}", done.remote, done.branch);
    if done.received + done.replayed + done.pushed == 0 {
        println!("Already in sync with {target}.");
    } else {
        let recorded = match done.recorded {
            0 => String::new(),
            1 => ", 1 event recorded".to_string(),
            n => format!(", {n} events recorded"),
        };
        println!(
            "Synced with {target}: {} received, {} replayed on top{recorded}, {} pushed.",
            done.received, done.replayed, done.pushed
        );
    }
    for moved in &done.renumbered {
        println!(
            "Renumbered {} → {}: {} ({} was already taken on {target}).",
            moved.old, moved.new, moved.subject, moved.old
        );
    }
    Ok(0)
}
