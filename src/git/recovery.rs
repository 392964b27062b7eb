//! Finishing what a killed tkt run left: the journal's paths are made to
//! match HEAD in the work tree and the index. If the commit landed, that
//! completes the action; if not, it puts the files back, and the action
//! never happened. Runs under the tkt lock, before any command reads.

use super::commit::{prepare_index, IndexUpdate};
use super::index::Entry;
use super::journal::Journal;
use super::{worktree, Git};
use anyhow::{bail, Context, Result};
use git2::{Oid, Repository};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// What recovery did, to tell the user.
pub enum Recovered {
    /// The commit had landed; files and index were brought up to it.
    Completed(String),
    /// The commit had not landed; the files were put back.
    RolledBack(String),
}

impl std::fmt::Display for Recovered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recovered::Completed(s) => write!(f, "finished an interrupted action: {s}"),
            Recovered::RolledBack(s) => {
                write!(
                    f,
                    "undid an interrupted action that was never committed: {s}"
                )
            }
        }
    }
}

/// The git folder of the repository holding `path`, found as git finds it
/// but without opening the repository: the nearest `.git` folder above, or
/// the folder a `.git` file names (linked worktrees, submodules).
fn git_dir_above(path: &Path) -> Option<PathBuf> {
    if std::env::var_os("GIT_DIR").is_some() {
        return None;
    }
    for dir in path.ancestors() {
        let dot_git = dir.join(".git");
        match std::fs::metadata(&dot_git) {
            Ok(meta) if meta.is_dir() => return Some(dot_git),
            Ok(_) => {
                let text = std::fs::read_to_string(&dot_git).ok()?;
                let named = text.strip_prefix("gitdir:")?.trim();
                return Some(dir.join(named));
            }
            Err(_) => continue,
        }
    }
    None
}

impl Git {
    /// If the repository holding `path` has a journal, takes the tkt lock
    /// and finishes it, saying so on stderr (this happens before whatever
    /// command was asked for). Cheap when there is none: one `stat`.
    pub fn finish_interrupted_at(path: &Path) -> Result<Option<Recovered>> {
        let git_dir = match git_dir_above(path) {
            Some(dir) => dir,
            // GIT_DIR and other set-ups: ask libgit2.
            None => match Repository::discover(path) {
                Ok(repo) => repo.path().to_path_buf(),
                Err(_) => return Ok(None),
            },
        };
        if !Journal::location(&git_dir).exists() {
            return Ok(None);
        }
        let git = Git::open(path)?;
        let _lock = git.lock()?;
        git.finish_interrupted()
    }

    /// Makes the journal's paths match HEAD, then removes the journal,
    /// saying what it did on stderr. The caller holds the tkt lock.
    pub fn finish_interrupted(&self) -> Result<Option<Recovered>> {
        let git_dir = self.repo.path().to_path_buf();
        let Some(journal) = Journal::read(&git_dir)? else {
            return Ok(None);
        };
        let head = self.head_commit()?;
        let tree = head.as_ref().map(|c| c.tree()).transpose()?;
        let paths: Vec<&str> = journal.paths.iter().map(|p| p.path.as_str()).collect();
        let targets: Vec<Option<Oid>> = paths
            .iter()
            .map(|p| {
                let entry = tree.as_ref()?.get_path(Path::new(p)).ok()?;
                Some(entry.id())
            })
            .collect();
        let absolute: Vec<PathBuf> = paths.iter().map(|p| self.workdir.join(p)).collect();
        self.clear_own_index_lock(&git_dir)?;
        self.ensure_only_ours(&journal, &targets, &absolute)?;
        // Temporary files first, so folders the action created are empty
        // and go when their files do.
        worktree::sweep_temporary_files(&absolute);
        for (abs, target) in absolute.iter().zip(&targets) {
            let blob = target.map(|o| self.repo.find_blob(o)).transpose()?;
            worktree::put(&self.workdir, abs, blob.as_ref().map(|b| b.content()))?;
        }
        let files = paths
            .iter()
            .zip(&absolute)
            .zip(&targets)
            .map(|((rel, abs), oid)| (*rel, abs, *oid));
        let index = super::index::Snapshot::read(&self.index_path())?;
        match prepare_index(index, files)? {
            IndexUpdate::Prepared(ready) => ready.finish()?,
            IndexUpdate::General(_) => {
                let updates: Vec<(&str, Option<Oid>)> =
                    paths.iter().copied().zip(targets.iter().copied()).collect();
                self.set_index_entries(&updates)?;
            }
        }
        Journal::remove(&git_dir)?;
        let landed = head.map(|c| c.id().to_string()) != journal.head;
        let recovered = if landed {
            Recovered::Completed(journal.subject)
        } else {
            Recovered::RolledBack(journal.subject)
        };
        eprintln!("note: {recovered}");
        Ok(Some(recovered))
    }

    /// An `index.lock` at least as new as the journal was left by the run
    /// that died (tkt holds its own lock, so no other tkt run is writing).
    /// A git command running right now would release its lock quickly, so
    /// a lock that stays a second is taken to be the dead run's.
    fn clear_own_index_lock(&self, git_dir: &Path) -> Result<()> {
        let lock = git_dir.join("index.lock");
        let Some(journal_time) = Journal::written_at(git_dir) else {
            return Ok(());
        };
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let Some(lock_time) = modified(&lock) else {
            return Ok(());
        };
        if lock_time < journal_time {
            return self.refuse_busy_index();
        }
        let deadline = SystemTime::now() + Duration::from_secs(1);
        while lock.exists() && SystemTime::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        match std::fs::remove_file(&lock) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).with_context(|| format!("cannot remove {}", lock.display())),
        }
    }

    /// Refuses to touch a journal path that someone changed since the run
    /// died: its content must be HEAD's, or the action's before or after.
    fn ensure_only_ours(
        &self,
        journal: &Journal,
        targets: &[Option<Oid>],
        absolute: &[PathBuf],
    ) -> Result<()> {
        let paths: Vec<&str> = journal.paths.iter().map(|p| p.path.as_str()).collect();
        let staged = self.index_entries(&paths)?;
        for (((p, target), abs), entry) in
            journal.paths.iter().zip(targets).zip(absolute).zip(staged)
        {
            let parse = |s: &Option<String>| s.as_deref().and_then(|s| Oid::from_str(s).ok());
            let known = [parse(&p.before), parse(&p.after), *target];
            let on_disk = worktree::blob_id(abs).ok();
            let in_index = match entry {
                Entry::Absent => Some(None),
                Entry::Staged(bytes) => Some(Oid::from_bytes(&bytes).ok()),
                Entry::Conflicted => None,
            };
            let ours = |v: Option<Option<Oid>>| v.is_some_and(|v| known.contains(&v));
            if !ours(on_disk) || !ours(in_index) {
                bail!(
                    "an interrupted tkt action was writing {} (\"{}\"), and the file has changed since; \
                     check it with `git status`, then remove {} to continue",
                    p.path,
                    journal.subject,
                    Journal::location(self.repo.path()).display()
                );
            }
        }
        Ok(())
    }
}
