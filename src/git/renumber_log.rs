//! The clone's log of renumberings (`.git/tkt/renumbered.json`): local,
//! because only this clone ever knew its tickets by their old folios; it
//! lets `tkt show OLD` point to the new folio.

use super::Git;
use crate::domain::renumber::Renumbered;
use anyhow::Result;

/// Where a clone keeps its renumberings.
pub struct RenumberLog {
    path: std::path::PathBuf,
}

impl RenumberLog {
    pub fn of(git: &Git) -> RenumberLog {
        RenumberLog {
            path: git.cache_dir().join("renumbered.json"),
        }
    }

    pub fn read(&self) -> Vec<Renumbered> {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    pub fn append(&self, renumbered: &[Renumbered]) -> Result<()> {
        if renumbered.is_empty() {
            return Ok(());
        }
        let mut all = self.read();
        all.extend_from_slice(renumbered);
        super::clone_file::write(&self.path, &serde_json::to_vec_pretty(&all)?)
    }

    /// The latest renumbering away from `folio` on this clone, if any.
    pub fn from(&self, folio: &str) -> Option<Renumbered> {
        self.read().into_iter().rev().find(|r| r.old == folio)
    }
}
