//! `tkt sync`: fetch, integrate, push, for the clone's branch.
//!
//! Transport is the `git` program (fetch and push), so the user's
//! credential helpers, SSH keys and proxies work as they do for `git
//! fetch`; libgit2 is built without network support. Integration happens
//! in the object store: local commits that the remote does not have are
//! replayed on top of it one by one, keeping each commit's author, author
//! date, message and trailers (one commit per action stays true for
//! auditors, and history stays linear), then the branch, the work tree and
//! the index move under tkt's journal (`Git::move_branch_to`), which
//! refuses rather than overwrite a local change and is finished by the next
//! run if killed. Nothing is ever force-pushed.

use super::Git;
use anyhow::{bail, Context, Result};
use git2::{Oid, Sort};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// What a sync did.
#[derive(Debug, Default)]
pub struct Synced {
    pub remote: String,
    pub branch: String,
    /// Commits that came from the remote.
    pub received: usize,
    /// Local commits replayed on top of the remote's.
    pub replayed: usize,
    /// Commits the sync added on top: timeline events recording a
    /// renumbering or changes a merge overrode.
    pub recorded: usize,
    /// Commits pushed.
    pub pushed: usize,
    /// This clone's tickets that moved to another folio because the
    /// remote had given theirs to another ticket.
    pub renumbered: Vec<crate::domain::renumber::Renumbered>,
}

/// A path both sides changed in a way the replay cannot combine.
#[derive(Debug)]
pub struct Clash {
    pub path: String,
    pub commit: String,
}

/// A file a replayed commit changed that the remote changed too: its
/// content before the commit, in the commit, and on the remote side
/// (`None`: absent). A resolver may combine them.
pub struct BothChanged<'a> {
    pub path: &'a str,
    pub base: Option<&'a [u8]>,
    pub ours: Option<&'a [u8]>,
    pub theirs: Option<&'a [u8]>,
    /// The commits whose trees are each side and the base (for a replayed
    /// commit: its parent, the commit itself, and the new tip it goes on):
    /// a resolver may read the files around `path` in them.
    pub commits: Sides,
}

/// The commits of a three-way merge.
#[derive(Debug, Clone, Copy)]
pub struct Sides {
    pub base: Oid,
    pub ours: Oid,
    pub theirs: Oid,
}

/// Combines a file changed on both sides, or `None` to stop the sync.
pub type Resolver<'r> = dyn Fn(&BothChanged) -> Option<Vec<u8>> + 'r;

/// How replayed commits are rewritten on the way (renumbered tickets):
/// git does the mechanics, the caller decides what changes.
pub trait Rewrite {
    /// The path a changed file moves to, if it moves.
    fn path(&self, path: &str) -> Option<String>;
    /// A changed file's new content, if it changes; `base` is the file at
    /// `path` as both sides last shared it.
    fn content(&self, path: &str, base: Option<&[u8]>, bytes: &[u8]) -> Option<Vec<u8>>;
    /// A replayed commit's message.
    fn message(&self, message: &str) -> Option<String>;
}

/// A file a replayed commit changes: its (maybe moved) path, its blob
/// before the commit and in it (`None`: absent).
struct Replayed {
    path: String,
    before: Option<Oid>,
    after: Option<Oid>,
}

impl Git {
    /// The remote and branch to sync with: `remote` or the branch's
    /// upstream, else `origin`; the remote branch of the same name unless
    /// the upstream names another.
    pub fn sync_target(&self, remote: Option<&str>) -> Result<(String, String, String)> {
        let head = self.repo.find_reference("HEAD")?;
        let local = head
            .symbolic_target()
            .context("HEAD is detached; check out a branch first")?
            .to_string();
        let short = local.trim_start_matches("refs/heads/").to_string();
        let get = |key: &str| self.config().and_then(|c| c.get_string(key).ok());
        let remote = remote
            .map(String::from)
            .or_else(|| get(&format!("branch.{short}.remote")))
            .unwrap_or_else(|| "origin".into());
        let merge = get(&format!("branch.{short}.merge")).unwrap_or_else(|| local.clone());
        let remote_branch = merge.trim_start_matches("refs/heads/").to_string();
        if self.repo.find_remote(&remote).is_err() {
            bail!(
                "there is no remote `{remote}`; add one with `git remote add {remote} URL` or name one: `tkt sync REMOTE`"
            );
        }
        Ok((remote, local, remote_branch))
    }

    /// Fetches the remote branch and returns the remote's commit (none:
    /// the branch does not exist there yet). Refuses when the remote's
    /// history was rewritten since tkt last saw it.
    ///
    /// git fetches into a ref only tkt writes (`refs/tkt/remotes/…`), under
    /// tkt's lock: a fetch killed half-way may leave that ref's `.lock`
    /// file, which the next sync can then remove safely. (A killed fetch
    /// into `refs/remotes/…` leaves a lock that a user's own `git fetch`
    /// may hold at that moment, so tkt could never remove it.) The
    /// remote-tracking ref is then moved for the user's git, if free.
    pub fn fetch(
        &self,
        remote: &str,
        branch: &str,
        limit: Option<Duration>,
    ) -> Result<Option<Oid>> {
        let tracking = format!("refs/remotes/{remote}/{branch}");
        let seen = format!("refs/tkt/remotes/{remote}/{branch}");
        let stale_lock = self.repo.path().join(format!("{seen}.lock"));
        if stale_lock.exists() {
            std::fs::remove_file(&stale_lock)
                .with_context(|| format!("cannot remove {}", stale_lock.display()))?;
        }
        let before = self
            .repo
            .refname_to_id(&seen)
            .or_else(|_| self.repo.refname_to_id(&tracking))
            .ok();
        let refspec = format!("+refs/heads/{branch}:{seen}");
        // `--refmap=`: no opportunistic update of `refs/remotes/…` from the
        // remote's configured refspec, which a killed run could leave locked.
        let out = self.run_program(
            &[
                "fetch",
                "--quiet",
                "--no-tags",
                "--refmap=",
                remote,
                &refspec,
            ],
            limit,
        )?;
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr);
            if said.contains("couldn't find remote ref") {
                return Ok(None);
            }
            bail!("`git fetch {remote}` failed:\n{}", said.trim_end());
        }
        let after = self.repo.refname_to_id(&seen).ok();
        if let (Some(before), Some(after)) = (before, after) {
            if before != after && !self.repo.graph_descendant_of(after, before)? {
                // Remember the old history, so the next sync refuses too.
                self.repo
                    .reference(&seen, before, true, "tkt: rewritten remote refused")?;
                bail!(
                    "the history of {remote}/{branch} was rewritten (its commit {} is no longer in it); \
                     tkt will not integrate with a rewritten history. Ask whoever force-pushed; if the \
                     new history is right, run `git update-ref -d {seen}` and sync again",
                    &before.to_string()[..7]
                );
            }
        }
        if let Some(after) = after {
            // Only for the user's `git log origin/main`; busy or odd: skip.
            let _ = self
                .repo
                .reference(&tracking, after, true, "tkt sync: fetch");
        }
        Ok(after)
    }

    /// Replays the local commits that `remote` lacks on top of it, in the
    /// object store only, and returns the new tip (unchanged when there is
    /// nothing to replay). `Err(clashes)` when a path changed on both sides.
    pub fn replay_onto(
        &self,
        local: Oid,
        remote: Oid,
        resolve: &Resolver,
        rewrite: Option<&dyn Rewrite>,
    ) -> Result<std::result::Result<(Oid, usize), Vec<Clash>>> {
        let base = self.repo.merge_base(local, remote)?;
        let base_tree = self.repo.find_commit(base)?.tree()?;
        let mut walk = self.repo.revwalk()?;
        walk.push(local)?;
        walk.hide(base)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let commits: Vec<Oid> = walk.collect::<Result<_, _>>()?;
        let mut tip = remote;
        let mut clashes = Vec::new();
        for oid in &commits {
            let commit = self.repo.find_commit(*oid)?;
            if commit.parent_count() != 1 {
                bail!(
                    "commit {} is a merge; tkt sync replays only linear local history (integrate it with git)",
                    &oid.to_string()[..7]
                );
            }
            let parent_tree = commit.parent(0)?.tree()?;
            let ours = changed_paths(&self.repo, &parent_tree, &commit.tree()?)?;
            let tip_tree = self.repo.find_commit(tip)?.tree()?;
            let mut changes = std::collections::BTreeMap::new();
            for (path, blob) in ours {
                let before = blob_at(&parent_tree, &path);
                let Replayed {
                    path,
                    before,
                    after: blob,
                } = match rewrite {
                    Some(rewrite) => self.rewritten(rewrite, &base_tree, path, before, blob)?,
                    None => Replayed {
                        path,
                        before,
                        after: blob,
                    },
                };
                let there = blob_at(&tip_tree, &path);
                if there == before || there == blob {
                    changes.insert(path, blob);
                    continue;
                }
                let sides = Sides {
                    base: commit.parent_id(0)?,
                    ours: *oid,
                    theirs: tip,
                };
                match self.resolve_both(&path, (before, blob, there), sides, resolve)? {
                    Some(merged) => {
                        changes.insert(path, Some(merged));
                    }
                    None => clashes.push(Clash {
                        path: path.clone(),
                        commit: oid.to_string(),
                    }),
                }
            }
            if !clashes.is_empty() {
                continue;
            }
            let (tree, _) = self.updated_tree(Some(&tip_tree), &changes)?;
            let parent = self.repo.find_commit(tip)?;
            let message = commit.message_raw().unwrap_or("");
            let message = rewrite
                .and_then(|r| r.message(message))
                .unwrap_or_else(|| message.to_string());
            // As `git rebase`: the author stays, the one who syncs commits
            // (and signs, when the repository asks for signatures).
            let author = commit.author();
            let committer = self.committer(&super::Identity {
                name: author.name().unwrap_or("").to_string(),
                email: author.email().unwrap_or("").to_string(),
                when: crate::clock::now()?,
            })?;
            tip = self.write_commit_object(tree, &[&parent], &author, &committer, &message)?;
        }
        if !clashes.is_empty() {
            return Ok(Err(clashes));
        }
        Ok(Ok((tip, commits.len())))
    }

    /// A changed file of a replayed commit, moved and rewritten as
    /// `rewrite` says; rewritten blobs are stored.
    fn rewritten(
        &self,
        rewrite: &dyn Rewrite,
        base_tree: &git2::Tree,
        path: String,
        before: Option<Oid>,
        after: Option<Oid>,
    ) -> Result<Replayed> {
        let base = blob_at(base_tree, &path)
            .map(|oid| self.repo.find_blob(oid))
            .transpose()?;
        let base = base.as_ref().map(|b| b.content());
        let content = |oid: Option<Oid>| -> Result<Option<Oid>> {
            let Some(oid) = oid else { return Ok(None) };
            let blob = self.repo.find_blob(oid)?;
            Ok(Some(match rewrite.content(&path, base, blob.content()) {
                Some(bytes) => self.repo.blob(&bytes)?,
                None => oid,
            }))
        };
        Ok(Replayed {
            before: content(before)?,
            after: content(after)?,
            path: rewrite.path(&path).unwrap_or(path),
        })
    }

    /// Entries of the folder `dir` (repository-relative) in `commit`'s
    /// tree: each name with the blob of `name/file` in it, if any.
    pub fn folder_files(
        &self,
        commit: Oid,
        dir: &str,
        file: &str,
    ) -> Result<Vec<(String, Option<Oid>)>> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        let folder = match tree.get_path(Path::new(dir)) {
            Ok(entry) => self.repo.find_tree(entry.id())?,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(vec![]),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::with_capacity(folder.len());
        for entry in folder.iter() {
            let name = String::from_utf8_lossy(entry.name_bytes()).to_string();
            let blob = match entry.kind() {
                Some(git2::ObjectType::Tree) => self
                    .repo
                    .find_tree(entry.id())?
                    .get_name(file)
                    .map(|e| e.id()),
                _ => None,
            };
            out.push((name, blob));
        }
        Ok(out)
    }

    /// The files of the folder `dir` (repository-relative) in `commit`'s
    /// tree, by name, with their blobs (none when there is no such folder).
    pub fn files_in(&self, commit: Oid, dir: &str) -> Result<Vec<(String, Oid)>> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        let folder = match tree.get_path(Path::new(dir)) {
            Ok(entry) => self.repo.find_tree(entry.id())?,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(vec![]),
            Err(e) => return Err(e.into()),
        };
        Ok(folder
            .iter()
            .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
            .map(|e| (String::from_utf8_lossy(e.name_bytes()).to_string(), e.id()))
            .collect())
    }

    pub fn read_blob(&self, oid: Oid) -> Result<Vec<u8>> {
        Ok(self.repo.find_blob(oid)?.content().to_vec())
    }

    /// A commit on top of `parent` that writes `files`, made in the object
    /// store only (the branch moves later, with the rest of a sync).
    pub fn commit_on(
        &self,
        parent: Oid,
        files: &[(String, Vec<u8>)],
        message: &str,
        who: &super::Identity,
    ) -> Result<Oid> {
        let parent = self.repo.find_commit(parent)?;
        let mut changes = std::collections::BTreeMap::new();
        for (path, bytes) in files {
            changes.insert(path.clone(), Some(self.repo.blob(bytes)?));
        }
        let (tree, _) = self.updated_tree(Some(&parent.tree()?), &changes)?;
        let author = super::signature(who)?;
        let committer = self.committer(who)?;
        self.write_commit_object(tree, &[&parent], &author, &committer, message)
    }

    /// Pushes the branch without forcing; `false` when the remote moved on
    /// meanwhile (fetch and integrate again).
    pub fn push(
        &self,
        remote: &str,
        local: &str,
        branch: &str,
        limit: Option<Duration>,
    ) -> Result<bool> {
        let refspec = format!("{local}:refs/heads/{branch}");
        // To the remote's push URL rather than its name: git then leaves
        // `refs/remotes/…` alone (a push killed while updating it would
        // leave it locked); tkt moves it after, if it is free.
        let target = self.push_url(remote).unwrap_or_else(|| remote.to_string());
        let out = self.run_program(
            &["push", "--quiet", "--porcelain", &target, &refspec],
            limit,
        )?;
        if out.status.success() {
            if let Ok(pushed) = self.repo.refname_to_id(local) {
                let seen = format!("refs/tkt/remotes/{remote}/{branch}");
                let _ = self.repo.reference(&seen, pushed, true, "tkt sync: push");
                let tracking = format!("refs/remotes/{remote}/{branch}");
                let _ = self
                    .repo
                    .reference(&tracking, pushed, true, "tkt sync: push");
            }
            return Ok(true);
        }
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        if said.contains("[rejected]")
            || said.contains("non-fast-forward")
            || said.contains("fetch first")
        {
            return Ok(false);
        }
        bail!("`git push {remote}` failed:\n{}", said.trim_end())
    }

    /// The one URL git pushes `remote` to (`None`: several, or unknown).
    fn push_url(&self, remote: &str) -> Option<String> {
        let out = self
            .run_program(&["remote", "get-url", "--push", "--all", remote], None)
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        let mut urls = text.lines().filter(|l| !l.trim().is_empty());
        match (urls.next(), urls.next()) {
            (Some(url), None) if out.status.success() => Some(url.trim().to_string()),
            _ => None,
        }
    }

    /// How many commits `from` has that `to` lacks.
    pub fn count_between(&self, to: Option<Oid>, from: Oid) -> Result<usize> {
        let mut walk = self.repo.revwalk()?;
        walk.push(from)?;
        if let Some(to) = to {
            walk.hide(to)?;
        }
        Ok(walk.count())
    }

    pub fn head_oid(&self) -> Result<Option<Oid>> {
        Ok(self.head_commit()?.map(|c| c.id()))
    }

    /// Asks `resolve` to combine a file changed on both sides; the result
    /// is stored as a blob.
    fn resolve_both(
        &self,
        path: &str,
        (base, ours, theirs): (Option<Oid>, Option<Oid>, Option<Oid>),
        commits: Sides,
        resolve: &Resolver,
    ) -> Result<Option<Oid>> {
        let read = |oid: Option<Oid>| -> Result<Option<Vec<u8>>> {
            Ok(oid
                .map(|o| self.repo.find_blob(o).map(|b| b.content().to_vec()))
                .transpose()?)
        };
        let (base, ours, theirs) = (read(base)?, read(ours)?, read(theirs)?);
        let merged = resolve(&BothChanged {
            path,
            base: base.as_deref(),
            ours: ours.as_deref(),
            theirs: theirs.as_deref(),
            commits,
        });
        Ok(merged.map(|bytes| self.repo.blob(&bytes)).transpose()?)
    }

    /// Registers tkt's merge driver for ticket files in this clone's git
    /// configuration (git does not take drivers from the repository, for
    /// safety, so every clone registers it). `program` is the tkt to run.
    pub fn register_merge_driver(&self, program: &str) -> Result<()> {
        let mut config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        config.set_str(
            "merge.tkt-ticket.name",
            "tkt: tickets merged field by field",
        )?;
        config.set_str(
            "merge.tkt-ticket.driver",
            &format!("{program} merge-driver %O %A %B %P"),
        )?;
        Ok(())
    }

    pub fn merge_base(&self, a: Oid, b: Oid) -> Result<Oid> {
        Ok(self.repo.merge_base(a, b)?)
    }

    /// Runs `git ARGS` (never prompting), killing it after `limit`: a
    /// command that syncs on its own must not hang on a dead network.
    fn run_program(&self, args: &[&str], limit: Option<Duration>) -> Result<Output> {
        let what = format!("git {}", args[0]);
        let mut child = Command::new("git")
            .current_dir(&self.workdir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("GIT_TERMINAL_PROMPT", "0")
            .spawn()
            .with_context(|| format!("cannot run `{what}`"))?;
        let Some(limit) = limit else {
            return Ok(child.wait_with_output()?);
        };
        let deadline = Instant::now() + limit;
        // The pipes are drained while waiting, so a chatty git never blocks.
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let stdout = drain(
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let stderr = drain(
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if Instant::now() >= deadline {
                stop(&mut child);
                bail!(
                    "`{what}` took longer than {:.0} s; stopped it",
                    limit.as_secs_f32()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Ok(Output {
            status,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        })
    }
}

/// Asks git to stop (SIGTERM: it removes its lock files, as on Ctrl-C),
/// then kills it if it has not within a second.
fn stop(child: &mut std::process::Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: signalling our own child, which has not been reaped yet.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let until = Instant::now() + Duration::from_secs(1);
        while Instant::now() < until {
            if matches!(child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn blob_at(tree: &git2::Tree, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

/// Every file path whose blob differs between two trees, with the new blob
/// (none: deleted).
fn changed_paths(
    repo: &git2::Repository,
    old: &git2::Tree,
    new: &git2::Tree,
) -> Result<HashMap<String, Option<Oid>>> {
    let diff = repo.diff_tree_to_tree(Some(old), Some(new), None)?;
    let mut out = HashMap::new();
    for delta in diff.deltas() {
        let new_file = delta.new_file();
        let path = new_file
            .path()
            .or_else(|| delta.old_file().path())
            .map(Path::to_string_lossy)
            .context("a change without a path")?
            .to_string();
        let blob = (delta.status() != git2::Delta::Deleted).then(|| new_file.id());
        out.insert(path, blob);
    }
    Ok(out)
}
