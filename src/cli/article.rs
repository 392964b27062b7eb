//! What `tkt faq` and `tkt canned` share: removing a file in a commit.

use super::session::{Global, Session};
use crate::store::{Tracker, Transaction};
use anyhow::Result;
use std::path::Path;

/// Removes `rel` (an FAQ entry or canned answer, `noun` in messages) in a
/// commit with action `action`, after `exists` confirms it under the lock.
/// Staff only; git history keeps the file.
pub fn remove(
    global: &Global,
    rel: &Path,
    noun: &str,
    action: &str,
    exists: impl FnOnce(&Tracker) -> Result<()>,
) -> Result<i32> {
    let session = Session::begin(global)?;
    session.require_staff(&format!("remove this {noun}"))?;
    exists(&session.tracker)?;
    let name = rel
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let mut tx = Transaction::new(&session.tracker.root);
    tx.remove(rel);
    let summary = format!("{noun} {name} removed by {}", session.actor.key);
    session.commit(tx, None, action, &summary)?;
    eprintln!("Removed {noun} {name} (git history keeps it).");
    Ok(0)
}
