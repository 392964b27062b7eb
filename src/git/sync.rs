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
use std::path::Path;
use std::process::{Command, Stdio};

/// What a sync did.
#[derive(Debug, Default)]
pub struct Synced {
    pub remote: String,
    pub branch: String,
    /// Commits that came from the remote.
    pub received: usize,
    /// Local commits replayed on top of the remote's.
    pub replayed: usize,
    /// Commits pushed.
    pub pushed: usize,
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
}

/// Combines a file changed on both sides, or `None` to stop the sync.
pub type Resolver<'r> = dyn Fn(&BothChanged) -> Option<Vec<u8>> + 'r;

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

    /// Fetches the remote branch into its remote-tracking ref and returns
    /// the remote's commit (none: the branch does not exist there yet).
    /// Refuses when the remote's history was rewritten since last seen.
    pub fn fetch(&self, remote: &str, branch: &str) -> Result<Option<Oid>> {
        let tracking = format!("refs/remotes/{remote}/{branch}");
        let before = self.repo.refname_to_id(&tracking).ok();
        let refspec = format!("+refs/heads/{branch}:{tracking}");
        let out = self
            .program(&["fetch", "--quiet", "--no-tags", remote, &refspec])
            .output()
            .context("cannot run `git fetch`")?;
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr);
            if said.contains("couldn't find remote ref") {
                return Ok(None);
            }
            bail!("`git fetch {remote}` failed:\n{}", said.trim_end());
        }
        let after = self.repo.refname_to_id(&tracking).ok();
        if let (Some(before), Some(after)) = (before, after) {
            if before != after && !self.repo.graph_descendant_of(after, before)? {
                bail!(
                    "the history of {remote}/{branch} was rewritten (its commit {} is no longer in it); \
                     tkt will not integrate with a rewritten history. Ask whoever force-pushed, then \
                     reset {tracking} by hand if the new history is right",
                    &before.to_string()[..7]
                );
            }
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
    ) -> Result<std::result::Result<(Oid, usize), Vec<Clash>>> {
        let base = self.repo.merge_base(local, remote)?;
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
                let there = blob_at(&tip_tree, &path);
                if there == before || there == blob {
                    changes.insert(path, blob);
                    continue;
                }
                match self.resolve_both(&path, before, blob, there, resolve)? {
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
            // As `git rebase`: the author stays, the one who syncs commits
            // (and signs, when the repository asks for signatures).
            let author = commit.author();
            let committer = self.committer(&super::Identity {
                name: author.name().unwrap_or("").to_string(),
                email: author.email().unwrap_or("").to_string(),
                when: crate::clock::now()?,
            })?;
            tip = self.write_commit_object(tree, &[&parent], &author, &committer, message)?;
        }
        if !clashes.is_empty() {
            return Ok(Err(clashes));
        }
        Ok(Ok((tip, commits.len())))
    }

    /// Pushes the branch without forcing; `false` when the remote moved on
    /// meanwhile (fetch and integrate again).
    pub fn push(&self, remote: &str, local: &str, branch: &str) -> Result<bool> {
        let refspec = format!("{local}:refs/heads/{branch}");
        let out = self
            .program(&["push", "--quiet", "--porcelain", remote, &refspec])
            .output()
            .context("cannot run `git push`")?;
        if out.status.success() {
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
        base: Option<Oid>,
        ours: Option<Oid>,
        theirs: Option<Oid>,
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

    fn program(&self, args: &[&str]) -> Command {
        let mut command = Command::new("git");
        command
            .current_dir(&self.workdir)
            .args(args)
            .stdin(Stdio::null())
            .env("GIT_TERMINAL_PROMPT", "0");
        command
    }
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
