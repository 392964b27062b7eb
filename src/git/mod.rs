//! Git as the audit trail: commit exactly the paths an action wrote, read
//! a ticket's history, and serialise concurrent tkt runs on one clone.

mod audit;
mod changes;
mod clone_file;
mod commit;
mod history;
mod hooks;
mod index;
mod journal;
mod mail_spool;
mod notify_spool;
mod notify_trail;
mod passwords;
mod program;
mod recovery;
mod renumber_log;
mod signing;
mod status;
mod sync;
mod tree;
mod web_key;
mod worktree;

pub use audit::AuditRange;
pub use commit::Change;
pub use history::Histories;
pub use notify_spool::{NotifyState, PendingDigest, Queued, SentRecord};
pub use notify_trail::{AddedFile, TrailCommit};
pub use passwords::PasswordFile;
pub use recovery::Recovered;
pub use renumber_log::RenumberLog;
pub use status::Tracked;
pub use sync::{BothChanged, Clash, Rewrite, Sides, Synced};

use anyhow::{bail, Context, Result};
use chrono::{DateTime, TimeZone, Utc};
use git2::{ErrorCode, Oid, Repository, RepositoryState, Signature, Tree};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Who an action is committed as.
#[derive(Debug, Clone)]
pub struct Identity {
    pub name: String,
    pub email: String,
    pub when: DateTime<Utc>,
}

/// The repository holding a tracker.
pub struct Git {
    repo: Repository,
    workdir: PathBuf,
    /// git's configuration, read once (identity, hooks, signing).
    config: std::cell::OnceCell<Option<git2::Config>>,
}

/// One commit of a ticket's audit trail.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CommitInfo {
    pub hash: String,
    pub short: String,
    pub author: String,
    pub email: String,
    pub date: DateTime<Utc>,
    pub message: String,
}

/// Held for the whole of a mutating command; the OS releases it if the
/// process dies, so a killed tkt never leaves a stale lock behind.
pub struct Lock {
    _file: File,
}

impl Git {
    /// Opens the repository containing `path`.
    pub fn open(path: &Path) -> Result<Git> {
        // Like git itself, trust the object store's hashes when reading:
        // libgit2 otherwise re-hashes every object it reads with the slow
        // collision-detecting SHA-1 (the 10,000-entry `tickets/` tree on
        // every action). `git fsck` is the tool that verifies them.
        git2::opts::strict_hash_verification(false);
        let repo = Repository::discover(path).with_context(|| {
            format!(
                "{} is not inside a git repository; run `git init` there or `tkt init`",
                path.display()
            )
        })?;
        let workdir = repo
            .workdir()
            .context("the repository is bare; tkt needs a working tree")?
            .canonicalize()?;
        Ok(Git {
            repo,
            workdir,
            config: std::cell::OnceCell::new(),
        })
    }

    /// `.git/tkt/`: where tkt keeps caches that only cost speed if lost.
    pub fn cache_dir(&self) -> PathBuf {
        self.repo.path().join("tkt")
    }

    /// Creates a repository at `path` unless one already contains it.
    pub fn open_or_init(path: &Path) -> Result<Git> {
        if Repository::discover(path).is_err() {
            Repository::init(path)
                .with_context(|| format!("cannot create a git repository in {}", path.display()))?;
        }
        Git::open(path)
    }

    /// Refuses to commit in the middle of a merge or rebase or on a detached
    /// HEAD, where a commit would be lost or mixed into the user's work.
    pub fn ensure_ready(&self) -> Result<()> {
        let state = self.repo.state();
        if state != RepositoryState::Clean {
            bail!(
                "the repository is in the middle of a {}; finish or abort it first (see `git status`)",
                describe_state(state)
            );
        }
        if self.repo.head_detached().unwrap_or(false) {
            bail!("HEAD is detached; check out a branch first (e.g. `git switch main`)");
        }
        Ok(())
    }

    /// Takes the clone-wide tkt lock, waiting for other tkt runs to finish.
    pub fn lock(&self) -> Result<Lock> {
        let path = self.repo.path().join("tkt.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(Lock { _file: file })
    }

    /// The `user.name` and `user.email` git would commit with, if set.
    pub fn configured_user(&self) -> (Option<String>, Option<String>) {
        let get = |key: &str| self.config().and_then(|c| c.get_string(key).ok());
        (get("user.name"), get("user.email"))
    }

    /// A snapshot of git's configuration, read on first use.
    fn config(&self) -> Option<&git2::Config> {
        self.config
            .get_or_init(|| self.repo.config().and_then(|mut c| c.snapshot()).ok())
            .as_ref()
    }

    /// `path` relative to the repository root, with `/` separators.
    pub fn relative(&self, path: &Path) -> Result<String> {
        let absolute = match path.parent() {
            Some(parent) if parent.exists() => parent
                .canonicalize()?
                .join(path.file_name().unwrap_or_default()),
            _ => path.to_path_buf(),
        };
        let rel = absolute
            .strip_prefix(&self.workdir)
            .with_context(|| format!("{} is outside the repository", path.display()))?;
        Ok(rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"))
    }

    fn committer(&self, who: &Identity) -> Result<Signature<'static>> {
        match self.configured_user() {
            (Some(name), Some(email)) => signature(&Identity {
                name,
                email,
                when: who.when,
            }),
            _ => signature(who),
        }
    }

    /// The tree of HEAD with `changes` applied, and what the changed paths
    /// held before.
    fn updated_tree(
        &self,
        base: Option<&Tree>,
        changes: &BTreeMap<String, Option<Oid>>,
    ) -> Result<(Oid, HashMap<String, Oid>)> {
        let split: Vec<(Vec<&str>, Option<Oid>)> = changes
            .iter()
            .map(|(path, oid)| (path.split('/').collect(), *oid))
            .collect();
        let refs: Vec<tree::PathChange> = split.iter().map(|(p, o)| (p.as_slice(), *o)).collect();
        let odb = self.repo.odb()?;
        let (tree, previous) = tree::update_recording(&odb, base.map(|t| t.id()), &refs)?;
        let tree = match tree {
            Some(oid) => oid,
            None => self.repo.treebuilder(None)?.write()?,
        };
        Ok((tree, previous))
    }

    /// Every commit that touched `dir` (tracker-relative path of a ticket
    /// folder), oldest first. tkt's own commits are recognised by their
    /// trailers (`Action:` plus `Ticket:`), which avoids opening the large
    /// `tickets/` tree of every commit; other commits are compared by tree.
    pub fn history(&self, dir: &Path, folio: &str) -> Result<Vec<CommitInfo>> {
        let rel = self.relative(dir)?;
        let mut walk = self.repo.revwalk()?;
        match walk.push_head() {
            Ok(()) => {}
            Err(e) if e.code() == ErrorCode::UnbornBranch => return Ok(vec![]),
            Err(e) => return Err(e.into()),
        }
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        let ticket_trailer = format!("Ticket: {folio}");
        let mut out = Vec::new();
        for oid in walk {
            let commit = self.repo.find_commit(oid?)?;
            let message = commit.message().unwrap_or("");
            let touched = if message.lines().any(|l| l.starts_with("Action: ")) {
                message.lines().any(|l| l == ticket_trailer)
            } else {
                self.touches(&commit, &rel)?
            };
            if touched {
                out.push(commit_info(&commit));
            }
        }
        Ok(out)
    }

    fn touches(&self, commit: &git2::Commit, rel: &str) -> Result<bool> {
        let at = |c: &git2::Commit| -> Result<Option<Oid>> {
            Ok(c.tree()?.get_path(Path::new(rel)).ok().map(|e| e.id()))
        };
        let mine = at(commit)?;
        if commit.parent_count() == 0 {
            return Ok(mine.is_some());
        }
        for parent in commit.parents() {
            if at(&parent)? == mine {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

fn commit_info(commit: &git2::Commit) -> CommitInfo {
    let (author, email, date) = author_of(commit);
    let hash = commit.id().to_string();
    CommitInfo {
        short: hash[..7].to_string(),
        hash,
        author,
        email,
        date,
        message: commit.message().unwrap_or("").trim_end().to_string(),
    }
}

/// A commit's author: name, email and time (UTC, whole seconds).
fn author_of(commit: &git2::Commit) -> (String, String, DateTime<Utc>) {
    let author = commit.author();
    let date = Utc
        .timestamp_opt(author.when().seconds(), 0)
        .single()
        .unwrap_or_default();
    (
        author.name().unwrap_or("").to_string(),
        author.email().unwrap_or("").to_string(),
        date,
    )
}

fn signature(who: &Identity) -> Result<Signature<'static>> {
    let time = git2::Time::new(who.when.timestamp(), 0);
    Signature::new(&who.name, &who.email, &time)
        .with_context(|| format!("`{} <{}>` cannot sign a git commit", who.name, who.email))
}

fn describe_state(state: RepositoryState) -> &'static str {
    match state {
        RepositoryState::Merge => "merge",
        RepositoryState::Rebase
        | RepositoryState::RebaseInteractive
        | RepositoryState::RebaseMerge => "rebase",
        RepositoryState::CherryPick | RepositoryState::CherryPickSequence => "cherry-pick",
        RepositoryState::Revert | RepositoryState::RevertSequence => "revert",
        RepositoryState::Bisect => "bisect",
        _ => "git operation",
    }
}
