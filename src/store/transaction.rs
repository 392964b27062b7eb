//! All-or-nothing writes: a command stages every file it will write, then
//! they are written (temporary file + rename) and committed together. If
//! any step fails, files are put back as they were and nothing is committed.

use crate::git::{Git, Identity};
use anyhow::{Context, Result};
use std::io::Write;
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

/// What was on disk before a write, to put it back on failure.
struct Undo {
    path: PathBuf,
    previous: Option<Vec<u8>>,
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

    /// Writes every staged file and commits exactly those paths.
    pub fn commit(self, git: &Git, message: &str, author: &Identity) -> Result<git2::Oid> {
        let mut undo = Vec::new();
        let mut created_dirs = Vec::new();
        let result = self.write_all(&mut undo, &mut created_dirs).and_then(|()| {
            let files: Vec<(PathBuf, Option<&[u8]>)> = self
                .staged
                .iter()
                .map(|s| {
                    let bytes = match s.mode {
                        Mode::Remove => None,
                        _ => Some(s.bytes.as_slice()),
                    };
                    (self.root.join(&s.rel), bytes)
                })
                .collect();
            git.commit_files(&files, message, author)
        });
        if result.is_err() {
            rollback(undo, created_dirs);
        }
        result
    }

    fn write_all(&self, undo: &mut Vec<Undo>, created_dirs: &mut Vec<PathBuf>) -> Result<()> {
        for staged in &self.staged {
            let path = self.root.join(&staged.rel);
            if let Mode::Remove = staged.mode {
                let previous = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
                undo.push(Undo {
                    path,
                    previous: Some(previous),
                });
                continue;
            }
            let parent = path.parent().context("file has no folder")?;
            create_dirs(parent, created_dirs)?;
            let previous = match staged.mode {
                Mode::Create if path.exists() => {
                    anyhow::bail!(
                        "{} already exists; refusing to overwrite it",
                        path.display()
                    )
                }
                Mode::Create | Mode::Remove => None,
                Mode::Replace => match std::fs::read(&path) {
                    Ok(bytes) => Some(bytes),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => {
                        return Err(e).with_context(|| format!("cannot read {}", path.display()))
                    }
                },
            };
            write_atomically(&path, &staged.bytes)?;
            undo.push(Undo { path, previous });
        }
        Ok(())
    }
}

fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<()> {
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    for d in missing.into_iter().rev() {
        std::fs::create_dir(d).with_context(|| format!("cannot create {}", d.display()))?;
        created.push(d.to_path_buf());
    }
    Ok(())
}

/// Writes through a temporary file in the same folder and renames it into
/// place, so a crash never leaves a half-written file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("file has no folder")?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tkt-").suffix(".tmp");
    // Temporary files are private (0600) by default; tracker files are
    // ordinary files, readable as the user's umask allows.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn rollback(undo: Vec<Undo>, created_dirs: Vec<PathBuf>) {
    for step in undo.into_iter().rev() {
        let _ = match step.previous {
            Some(bytes) => write_atomically(&step.path, &bytes).map_err(|_| ()),
            None => std::fs::remove_file(&step.path).map_err(|_| ()),
        };
    }
    for dir in created_dirs.into_iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}
