//! The intent log of a commit in progress, `.git/tkt/journal.json`.
//!
//! tkt writes it before it touches the work tree and removes it when the
//! commit, the work tree and git's index all agree. A run killed anywhere
//! in between leaves it behind, and the next tkt run (any command) makes
//! the listed paths match HEAD again: if the commit landed, the files and
//! index entries are completed; if it did not, the files are put back.
//! Either way the action is all there or not there at all.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One path the interrupted action was writing: its blob before and after.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalPath {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Journal {
    /// What HEAD was when the action began (none: an unborn branch).
    pub head: Option<String>,
    /// The commit's subject, to say what was interrupted.
    pub subject: String,
    pub paths: Vec<JournalPath>,
}

impl Journal {
    pub fn location(git_dir: &Path) -> PathBuf {
        git_dir.join("tkt").join("journal.json")
    }

    /// Records the intent durably enough for a killed process: written to a
    /// temporary file and renamed, so it is whole or absent.
    pub fn write(&self, git_dir: &Path) -> Result<()> {
        let path = Journal::location(git_dir);
        let dir = path.parent().context("journal has a folder")?;
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let json = serde_json::to_vec(self).context("cannot encode the journal")?;
        super::worktree::write_atomically(&path, &json)
    }

    /// The journal a killed run left, if any.
    pub fn read(git_dir: &Path) -> Result<Option<Journal>> {
        let path = Journal::location(git_dir);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).with_context(|| {
                format!(
                    "{} is damaged; check `git status`, then remove the file",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    pub fn remove(git_dir: &Path) -> Result<()> {
        let path = Journal::location(git_dir);
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))
    }

    /// When the journal was written; a lock file git's index has that is
    /// not older than this was left by the interrupted run.
    pub fn written_at(git_dir: &Path) -> Option<std::time::SystemTime> {
        std::fs::metadata(Journal::location(git_dir))
            .and_then(|m| m.modified())
            .ok()
    }
}
