//! Committing one action, crash-safe and with git's manners.
//!
//! The order is what makes a `kill -9` at any instant harmless:
//!
//! 1. Preflight, writing nothing: git's `index.lock` must be absent, and
//!    every path the action writes must be exactly as HEAD has it (in the
//!    work tree and in the index), so no uncommitted edit is swept in.
//! 2. Blobs and trees are stored; the hooks run (`pre-commit` against a
//!    temporary index holding the commit's content, then `commit-msg`);
//!    the commit object is written, signed if `commit.gpgsign` says so.
//!    None of this is visible: nothing refers to these objects yet.
//! 3. The journal (`.git/tkt/journal.json`) records the paths and their
//!    blobs before and after.
//! 4. The files are written into the work tree and the new index is
//!    prepared in `index.lock`.
//! 5. HEAD's branch moves to the commit (compare-and-swap): the commit
//!    point. Then the index is put in place and the journal removed.
//!
//! A run killed during 3–5 leaves the journal; the next tkt run makes the
//! journal's paths match HEAD again (see [`Git::finish_interrupted`]).

use super::hooks::Hooks;
use super::index::{self, Entry};
use super::journal::{Journal, JournalPath};
use super::signing::Signer;
use super::{program, worktree, Git, Identity};

use anyhow::{bail, Context, Result};
use git2::{ErrorCode, Oid};
use std::path::{Path, PathBuf};

/// One file an action writes.
pub struct Change {
    /// An absolute path inside the work tree.
    pub path: PathBuf,
    /// The new content; `None` removes the file.
    pub content: Option<Vec<u8>>,
    /// The file must not exist yet (timeline entries are never rewritten).
    pub must_be_new: bool,
}

/// A change with what git knows of its path.
struct Planned {
    rel: String,
    abs: PathBuf,
    content: Option<Vec<u8>>,
    before: Option<Oid>,
    after: Option<Oid>,
    must_be_new: bool,
}

/// How the index gets the new entries once the commit stands.
pub(super) enum IndexUpdate {
    /// Prepared in `index.lock`; renamed into place after the commit point.
    Prepared(index::Ready),
    /// A format only git or libgit2 can write (and why); done after the
    /// commit point.
    General(&'static str),
}

impl Git {
    /// Commits `changes` on HEAD's branch as one commit, writing them into
    /// the work tree and the index. `verify: false` skips the `pre-commit`
    /// and `commit-msg` hooks (`--no-verify`).
    pub fn commit_changes(
        &self,
        changes: Vec<Change>,
        message: &str,
        who: &Identity,
        verify: bool,
    ) -> Result<Oid> {
        self.refuse_busy_index()?;
        let index_path = self.index_path();
        // git's index (megabytes on a big tracker) is read and verified on
        // the other core while the blobs and trees are written.
        let (snapshot, prepared) = std::thread::scope(|scope| {
            let reading = scope.spawn(|| index::Snapshot::read(&index_path));
            let prepared = self.prepare(changes);
            let snapshot = reading.join().expect("reading the index does not panic");
            (snapshot, prepared)
        });
        let (parent, planned, tree) = prepared?;
        let snapshot = snapshot?;
        self.ensure_untouched(&planned, &snapshot)?;
        let hooks = Hooks::of(self.config(), &self.repo, &self.workdir);
        let message = if verify && hooks.has_verifying_hooks() {
            self.verify_with_hooks(&hooks, tree, message)?
        } else {
            message.to_string()
        };
        let subject = message.lines().next().unwrap_or("").to_string();
        Journal {
            head: parent.as_ref().map(|c| c.id().to_string()),
            subject: subject.clone(),
            paths: journal_paths(&planned),
        }
        .write(self.repo.path())?;
        crash_point("journal");

        let workdir = self.workdir.clone();
        let outcome = std::thread::scope(|scope| {
            // The files and the new index are written on the other core
            // while the commit object is made (and maybe signed).
            let writing = scope.spawn(|| materialise(&workdir, snapshot, &planned));
            let commit = self.create_commit(tree, parent.as_ref(), &message, who);
            let written = writing.join().expect("writing files does not panic");
            match (commit, written) {
                (Ok(commit), Ok(update)) => Ok((commit, update)),
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        });
        let (commit, update) = match outcome.and_then(|(commit, update)| {
            crash_point("files");
            self.advance_head(parent.as_ref().map(|c| c.id()), commit, &subject)?;
            Ok((commit, update))
        }) {
            Ok(done) => done,
            Err(e) => {
                // Before the commit point: put the files back as HEAD has them.
                self.restore(&planned)?;
                Journal::remove(self.repo.path())?;
                return Err(e);
            }
        };
        // After the commit point the action stands; a failure from here on
        // is finished by the next tkt run, which finds the journal.
        crash_point("head");
        self.finish_index(update, &planned, commit)?;
        hooks.post_commit();
        Ok(commit)
    }

    /// Puts the prepared index in place and removes the journal; if the
    /// index cannot be written, the next tkt run finishes it.
    fn finish_index(&self, update: IndexUpdate, planned: &[Planned], commit: Oid) -> Result<()> {
        let staged = match update {
            IndexUpdate::Prepared(ready) => ready.finish().map_err(anyhow::Error::from),
            IndexUpdate::General(why) => self
                .stage_general(planned)
                .with_context(|| format!("the index needs git ({why})")),
        };
        match staged {
            Ok(()) => Journal::remove(self.repo.path()),
            Err(e) => {
                eprintln!(
                    "warning: moved to {commit}, but could not update the git index ({e:#}); \
                     the next tkt command will finish it"
                );
                Ok(())
            }
        }
    }

    /// Moves HEAD's branch to `target` (a descendant, e.g. what `tkt sync`
    /// integrated), bringing the work tree and the index along under the
    /// same journal as a commit: a sync killed half-way is finished or
    /// undone by the next tkt run. Refuses, changing nothing, when a file
    /// it must change has uncommitted changes.
    pub fn move_branch_to(&self, target: Oid, reason: &str) -> Result<()> {
        self.refuse_busy_index()?;
        let head = self
            .head_commit()?
            .context("this clone has no commit yet")?;
        let old_tree = head.tree()?;
        let new_tree = self.repo.find_commit(target)?.tree()?;
        let diff = self
            .repo
            .diff_tree_to_tree(Some(&old_tree), Some(&new_tree), None)?;
        let mut planned = Vec::new();
        for delta in diff.deltas() {
            let rel = delta
                .new_file()
                .path()
                .or_else(|| delta.old_file().path())
                .context("a change without a path")?
                .to_string_lossy()
                .into_owned();
            let id = |f: git2::DiffFile| (!f.id().is_zero()).then(|| f.id());
            let (before, after) = (id(delta.old_file()), id(delta.new_file()));
            let content = after
                .map(|o| self.repo.find_blob(o).map(|b| b.content().to_vec()))
                .transpose()?;
            worktree::ensure_no_links(&self.workdir, &rel)?;
            planned.push(Planned {
                abs: self.workdir.join(&rel),
                rel,
                content,
                before,
                after,
                must_be_new: false,
            });
        }
        let snapshot = index::Snapshot::read(&self.index_path())?;
        self.ensure_untouched(&planned, &snapshot)?;
        Journal {
            head: Some(head.id().to_string()),
            subject: reason.to_string(),
            paths: journal_paths(&planned),
        }
        .write(self.repo.path())?;
        let moved = materialise(&self.workdir, snapshot, &planned).and_then(|update| {
            crash_point("files");
            self.move_head_ref(Some(head.id()), target, &format!("tkt sync: {reason}"))?;
            Ok(update)
        });
        match moved {
            Ok(update) => {
                crash_point("head");
                self.finish_index(update, &planned, target)
            }
            Err(e) => {
                self.restore(&planned)?;
                Journal::remove(self.repo.path())?;
                Err(e)
            }
        }
    }

    pub(super) fn index_path(&self) -> PathBuf {
        self.repo.path().join("index")
    }

    /// Git refuses to work while `index.lock` exists; so does tkt.
    pub fn refuse_busy_index(&self) -> Result<()> {
        let lock = self.index_path().with_extension("lock");
        if lock.exists() {
            bail!(
                "{} exists: another git process seems to be running in this repository. \
                 If none is, remove the file (`rm {}`) and run the command again; nothing was written",
                lock.display(),
                lock.display()
            );
        }
        Ok(())
    }

    pub(super) fn head_commit(&self) -> Result<Option<git2::Commit<'_>>> {
        match self.repo.head() {
            Ok(head) => Ok(Some(head.peel_to_commit()?)),
            Err(e) if e.code() == ErrorCode::UnbornBranch => Ok(None),
            Err(e) => Err(e).context("cannot read HEAD"),
        }
    }

    /// HEAD, the changes with their blobs before and after, and the new
    /// tree (written, not yet referenced by anything).
    fn prepare(
        &self,
        changes: Vec<Change>,
    ) -> Result<(Option<git2::Commit<'_>>, Vec<Planned>, Oid)> {
        let parent = self.head_commit()?;
        let base = parent.as_ref().map(|c| c.tree()).transpose()?;
        let mut planned = self.plan(changes)?;
        let new_paths = planned.iter().map(|p| (p.rel.clone(), p.after)).collect();
        let (tree, previous) = self.updated_tree(base.as_ref(), &new_paths)?;
        for p in &mut planned {
            p.before = previous.get(&p.rel).copied();
        }
        Ok((parent, planned, tree))
    }

    /// The changes with their repository paths and new blobs; `before` is
    /// filled in from the tree update, which reads those trees anyway.
    fn plan(&self, changes: Vec<Change>) -> Result<Vec<Planned>> {
        let mut planned = Vec::with_capacity(changes.len());
        for change in changes {
            let rel = self.relative(&change.path)?;
            worktree::ensure_no_links(&self.workdir, &rel)?;
            let after = change
                .content
                .as_deref()
                .map(|b| self.repo.blob(b))
                .transpose()
                .context("cannot store a file in git")?;
            planned.push(Planned {
                rel,
                abs: change.path,
                content: change.content,
                before: None,
                after,
                must_be_new: change.must_be_new,
            });
        }
        Ok(planned)
    }

    /// Refuses to overwrite what the user changed and has not committed.
    fn ensure_untouched(&self, planned: &[Planned], index: &index::Snapshot) -> Result<()> {
        let paths: Vec<&str> = planned.iter().map(|p| p.rel.as_str()).collect();
        let staged = match index.lookup(&paths) {
            Ok(entries) => entries,
            Err(_) => program::lookup(&self.workdir, &paths)?,
        };
        for (p, entry) in planned.iter().zip(staged) {
            let on_disk = worktree::blob_id(&p.abs).map_err(|()| {
                anyhow::anyhow!("{} is not a regular file; tkt will not replace it", p.rel)
            })?;
            if p.must_be_new {
                if p.before.is_some() || on_disk.is_some() || entry != Entry::Absent {
                    bail!("{} already exists; refusing to overwrite it", p.rel);
                }
                continue;
            }
            let expected = p
                .before
                .map_or(Entry::Absent, |o| Entry::Staged(oid_bytes(o)));
            if entry == Entry::Conflicted {
                bail!(
                    "{} has an unresolved merge conflict; resolve it first",
                    p.rel
                );
            }
            if entry != expected {
                bail!(
                    "{} has staged changes that are not committed; commit them or unstage them \
                     (`git restore --staged {}`) first; nothing was written",
                    p.rel,
                    p.rel
                );
            }
            if on_disk != p.before {
                if p.before.is_none() {
                    bail!(
                        "{} is in the way: it is not committed. Move it away or commit it first; nothing was written",
                        p.rel
                    );
                }
                bail!(
                    "{} has changes that are not committed; commit or stash them first (`git stash`), \
                     then run the command again; nothing was written",
                    p.rel
                );
            }
        }
        Ok(())
    }

    /// What the index holds for `paths`: tkt's own reader, or git's.
    pub(super) fn index_entries(&self, paths: &[&str]) -> Result<Vec<Entry>> {
        match index::lookup(&self.index_path(), paths)? {
            Ok(entries) => Ok(entries),
            Err(_) => program::lookup(&self.workdir, paths),
        }
    }

    /// Runs `pre-commit` on a temporary index holding the commit's tree,
    /// then `commit-msg`; returns the message as the hooks leave it.
    fn verify_with_hooks(&self, hooks: &Hooks, tree: Oid, message: &str) -> Result<String> {
        let scratch = self.cache_dir();
        std::fs::create_dir_all(&scratch)?;
        let temp = tempfile::Builder::new()
            .prefix("hooks-")
            .tempdir_in(&scratch)
            .context("cannot create a temporary index for the hooks")?;
        let index_file = temp.path().join("index");
        let mut index = git2::Index::open(&index_file)?;
        index.read_tree(&self.repo.find_tree(tree)?)?;
        index.write()?;
        hooks.pre_commit(&index_file)?;
        hooks.commit_msg(self.repo.path(), message)
    }

    fn create_commit(
        &self,
        tree: Oid,
        parent: Option<&git2::Commit>,
        message: &str,
        who: &Identity,
    ) -> Result<Oid> {
        let author = super::signature(who)?;
        let committer = self.committer(who)?;
        let parents: Vec<&git2::Commit> = parent.into_iter().collect();
        self.write_commit_object(tree, &parents, &author, &committer, message)
    }

    /// Writes a commit object (referenced by nothing yet), signed when
    /// `commit.gpgsign` asks for it.
    pub(super) fn write_commit_object(
        &self,
        tree: Oid,
        parents: &[&git2::Commit],
        author: &git2::Signature,
        committer: &git2::Signature,
        message: &str,
    ) -> Result<Oid> {
        let tree = self.repo.find_tree(tree)?;
        let ident = format!(
            "{} <{}>",
            committer.name().unwrap_or(""),
            committer.email().unwrap_or("")
        );
        let signer = match self.config() {
            Some(config) => Signer::configured(config, &ident)?,
            None => None,
        };
        let Some(signer) = signer else {
            return self
                .repo
                .commit(None, author, committer, message, &tree, parents)
                .context("cannot commit");
        };
        let buffer = self
            .repo
            .commit_create_buffer(author, committer, message, &tree, parents)?;
        let payload = buffer.as_str().context("the commit is not UTF-8")?;
        let signature = signer.sign(payload, &self.cache_dir())?;
        Ok(self.repo.commit_signed(payload, &signature, None)?)
    }

    /// Moves HEAD's branch from `parent` to `commit`, failing if anything
    /// else moved it meanwhile.
    fn advance_head(&self, parent: Option<Oid>, commit: Oid, subject: &str) -> Result<()> {
        let log = match parent {
            Some(_) => format!("commit: {subject}"),
            None => format!("commit (initial): {subject}"),
        };
        self.move_head_ref(parent, commit, &log)
    }

    /// Moves HEAD's branch with a compare-and-swap, logging `log`.
    fn move_head_ref(&self, parent: Option<Oid>, commit: Oid, log: &str) -> Result<()> {
        let head = self.repo.find_reference("HEAD")?;
        let branch = head
            .symbolic_target()
            .context("HEAD is detached; check out a branch first")?
            .to_string();
        let result = match parent {
            Some(old) => self
                .repo
                .reference_matching(&branch, commit, true, old, log),
            None => self.repo.reference(&branch, commit, false, log),
        };
        result.map(|_| ()).with_context(|| {
            format!("{branch} moved while tkt was committing (another git command?); nothing was written")
        })
    }

    /// Puts the planned paths back as HEAD has them (before the commit point).
    fn restore(&self, planned: &[Planned]) -> Result<()> {
        for p in planned {
            let bytes = p.before.map(|o| self.repo.find_blob(o)).transpose()?;
            worktree::put(&self.workdir, &p.abs, bytes.as_ref().map(|b| b.content()))?;
        }
        Ok(())
    }

    /// Updates the index for an index format the fast path does not write.
    fn stage_general(&self, planned: &[Planned]) -> Result<()> {
        let updates: Vec<(&str, Option<Oid>)> =
            planned.iter().map(|p| (p.rel.as_str(), p.after)).collect();
        self.set_index_entries(&updates)
    }

    pub(super) fn set_index_entries(&self, updates: &[(&str, Option<Oid>)]) -> Result<()> {
        if self.index_path().exists() {
            return program::update_index(&self.workdir, None, updates);
        }
        // A new repository: libgit2 creates the index.
        let mut index = self.repo.index()?;
        for (rel, blob) in updates {
            match blob {
                Some(_) => index.add_path(Path::new(rel))?,
                None => {
                    let _ = index.remove_path(Path::new(rel));
                }
            }
        }
        index.write()?;
        Ok(())
    }
}

/// Writes the files and prepares the new index in `index.lock`. Runs on
/// its own thread, so it touches no libgit2 object.
fn materialise(workdir: &Path, index: index::Snapshot, planned: &[Planned]) -> Result<IndexUpdate> {
    for p in planned {
        worktree::put(workdir, &p.abs, p.content.as_deref())?;
    }
    prepare_index(
        index,
        planned.iter().map(|p| (p.rel.as_str(), &p.abs, p.after)),
    )
}

/// The index update for written files, prepared in `index.lock` when the
/// fast path understands the index.
pub(super) fn prepare_index<'a>(
    index: index::Snapshot,
    files: impl Iterator<Item = (&'a str, &'a PathBuf, Option<Oid>)>,
) -> Result<IndexUpdate> {
    let files: Vec<_> = files.collect();
    let metadata: Vec<Option<std::fs::Metadata>> = files
        .iter()
        .map(|(_, abs, blob)| blob.map(|_| std::fs::metadata(abs)).transpose())
        .collect::<std::io::Result<_>>()?;
    let updates: Vec<index::Update> = files
        .iter()
        .zip(&metadata)
        .map(|((rel, _, blob), meta)| index::Update {
            path: rel,
            blob: blob
                .zip(meta.as_ref())
                .map(|(oid, meta)| (oid_bytes(oid), meta)),
        })
        .collect();
    Ok(match index.stage(&updates)? {
        index::Staging::Ready(ready) => IndexUpdate::Prepared(ready),
        index::Staging::Unsupported(why) => IndexUpdate::General(why),
    })
}

fn journal_paths(planned: &[Planned]) -> Vec<JournalPath> {
    planned
        .iter()
        .map(|p| JournalPath {
            path: p.rel.clone(),
            before: p.before.map(|o| o.to_string()),
            after: p.after.map(|o| o.to_string()),
        })
        .collect()
}

/// Dies on the spot when `TKT_CRASH_AT` names this point: the tests use
/// it to stop a commit exactly between two steps, as `kill -9` could.
fn crash_point(name: &str) {
    if std::env::var_os("TKT_CRASH_AT").is_some_and(|at| at == name) {
        std::process::abort();
    }
}

pub(super) fn oid_bytes(oid: Oid) -> [u8; 20] {
    oid.as_bytes()
        .try_into()
        .expect("SHA-1 object ids are 20 bytes")
}
