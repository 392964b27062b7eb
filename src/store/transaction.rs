//! All-or-nothing writes: a command stages every file it will write, and
//! they are committed together as one commit. The git layer commits
//! before it writes the work tree and keeps a journal, so a failure or a
//! killed process leaves the whole action or nothing (docs/FORMAT.md).

use crate::git::{Change, Git, Identity};
use anyhow::Result;
use std::path::{Path, PathBuf};

enum Mode {
    /// The file must not exist yet (timeline entries are never rewritten).
    Create,
    /// Create or overwrite.
    Replace,
    /// Delete an existing file (git history keeps it).
    Remove,
}

struct Staged {
    rel: PathBuf,
    bytes: Vec<u8>,
    mode: Mode,
}

/// A set of file writes inside one tracker, committed as one git commit.
pub struct Transaction {
    root: PathBuf,
    staged: Vec<Staged>,
}

impl Transaction {
    pub fn new(root: &Path) -> Self {
        Transaction {
            root: root.to_path_buf(),
            staged: Vec::new(),
        }
    }

    /// Stages a new file; applying fails if it already exists.
    pub fn create(&mut self, rel: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.staged.push(Staged {
            rel: rel.into(),
            bytes: bytes.into(),
            mode: Mode::Create,
        });
    }

    /// Stages a file that may already exist.
    pub fn replace(&mut self, rel: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.staged.push(Staged {
            rel: rel.into(),
            bytes: bytes.into(),
            mode: Mode::Replace,
        });
    }

    /// Stages the removal of an existing file.
    pub fn remove(&mut self, rel: impl Into<PathBuf>) {
        self.staged.push(Staged {
            rel: rel.into(),
            bytes: Vec::new(),
            mode: Mode::Remove,
        });
    }

    /// Commits exactly the staged files as one commit; git writes them
    /// into the work tree once the commit is safe (see `git::Change`).
    /// `verify: false` skips the repository's verifying hooks.
    pub fn commit(
        self,
        git: &Git,
        message: &str,
        author: &Identity,
        verify: bool,
    ) -> Result<git2::Oid> {
        let changes = self
            .staged
            .into_iter()
            .map(|s| Change {
                path: self.root.join(&s.rel),
                must_be_new: matches!(s.mode, Mode::Create),
                content: match s.mode {
                    Mode::Remove => None,
                    Mode::Create | Mode::Replace => Some(s.bytes),
                },
            })
            .collect();
        git.commit_changes(changes, message, author, verify)
    }
}
