//! Which files changed between two commits: how caches keyed on HEAD
//! (the mail index) catch up after a commit or a sync without reading
//! the whole tracker again. A tree-to-tree comparison, so it does not
//! matter whether the new HEAD descends from the old one (a sync may
//! have replayed local commits).

use super::Git;
use anyhow::Result;
use git2::{DiffOptions, Oid};

impl Git {
    /// Paths (repository-relative) under `dir` that differ between
    /// commits `old` and `new`; `None` when `old` is not a commit here
    /// any more (then a cache is rebuilt from scratch).
    pub fn files_changed_between(
        &self,
        old: &str,
        new: &str,
        dir: &str,
    ) -> Result<Option<Vec<String>>> {
        let tree = |hex: &str| -> Option<git2::Tree<'_>> {
            let oid = Oid::from_str(hex).ok()?;
            self.repo.find_commit(oid).ok()?.tree().ok()
        };
        let (Some(old), Some(new)) = (tree(old), tree(new)) else {
            return Ok(None);
        };
        let mut options = DiffOptions::new();
        if !dir.is_empty() {
            options.pathspec(format!("{}/", dir.trim_end_matches('/')));
        }
        let diff = self
            .repo
            .diff_tree_to_tree(Some(&old), Some(&new), Some(&mut options))?;
        let mut paths = Vec::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(path) = file.path().and_then(|p| p.to_str()) {
                    paths.push(path.to_string());
                }
            }
        }
        paths.sort();
        paths.dedup();
        Ok(Some(paths))
    }

    /// HEAD's commit id in hex, `None` on an unborn branch.
    pub fn head_hex(&self) -> Result<Option<String>> {
        Ok(self.head_oid()?.map(|oid| oid.to_string()))
    }
}
