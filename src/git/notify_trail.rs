//! The history as the notifier reads it: the commits after the last one
//! it planned, oldest first, each with the ticket files it added (a new
//! `ticket.md`, new timeline entries) and the ticket as it stood in that
//! commit. Read from git rather than from the running command, so actions
//! made on other clones (synced in) and actions whose run died before it
//! could mail anything are notified too.

use super::Git;
use anyhow::{Context, Result};
use git2::{ErrorCode, Oid, Sort};
use std::path::Path;

/// One commit's additions under `tickets/`.
#[derive(Debug, Clone)]
pub struct TrailCommit {
    pub hash: String,
    pub message: String,
    pub added: Vec<AddedFile>,
}

/// A file a commit added under a ticket folder.
#[derive(Debug, Clone)]
pub struct AddedFile {
    /// The folio (the ticket folder's name).
    pub folio: String,
    /// `ticket.md`, or the entry's file name under `replies/`.
    pub name: String,
    /// Whether it is a timeline entry (under `replies/`).
    pub entry: bool,
    pub text: String,
    /// The ticket's `ticket.md` in the same commit.
    pub ticket_text: Option<String>,
}

/// Files larger than this are not read (no ticket file is this large).
const MAX_FILE: usize = 4 << 20;

impl Git {
    /// HEAD's commit id, if the branch has a commit.
    pub fn head_id(&self) -> Result<Option<String>> {
        match self.repo.head() {
            Ok(head) => Ok(Some(head.peel_to_commit()?.id().to_string())),
            Err(e) if e.code() == ErrorCode::UnbornBranch => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The commit `rev` names (`HEAD~3`, a hash, a tag), as a full id.
    pub fn resolve_commit(&self, rev: &str) -> Result<String> {
        let object = self
            .repo
            .revparse_single(rev)
            .with_context(|| format!("`{rev}` names no commit of this repository"))?;
        Ok(object
            .peel_to_commit()
            .with_context(|| format!("`{rev}` is not a commit"))?
            .id()
            .to_string())
    }

    /// The oldest commit (on HEAD's first-parent line and its merges) whose
    /// `file` (a path under the work tree) has a line starting with
    /// `prefix`, e.g. the commit that introduced `mail:` into
    /// `helpdesk.yaml`.
    pub fn first_commit_with_line(&self, file: &Path, prefix: &str) -> Result<Option<String>> {
        let rel = self.relative(file)?;
        let mut walk = self.repo.revwalk()?;
        match walk.push_head() {
            Ok(()) => {}
            Err(e) if e.code() == ErrorCode::UnbornBranch => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let mut last_blob: Option<Oid> = None;
        for oid in walk {
            let commit = self.repo.find_commit(oid?)?;
            let Ok(entry) = commit.tree()?.get_path(Path::new(&rel)) else {
                continue;
            };
            if last_blob == Some(entry.id()) {
                continue;
            }
            last_blob = Some(entry.id());
            let blob = self.repo.find_blob(entry.id())?;
            let text = String::from_utf8_lossy(blob.content());
            if text.lines().any(|l| l.starts_with(prefix)) {
                return Ok(Some(commit.id().to_string()));
            }
        }
        Ok(None)
    }

    /// The commits after `base` up to `head` (all of `head`'s history
    /// when `base` is `None`), oldest first, with what each added under
    /// `tickets_dir`. Merge commits are skipped: what they bring in is
    /// in the commits they merge.
    pub fn trail_since(
        &self,
        base: Option<&str>,
        head: &str,
        tickets_dir: &Path,
    ) -> Result<Vec<TrailCommit>> {
        let rel = self.relative(tickets_dir)?;
        let mut walk = self.repo.revwalk()?;
        walk.push(Oid::from_str(head)?)?;
        if let Some(base) = base {
            let oid = Oid::from_str(base)?;
            // A base the repository no longer has (a rewritten history):
            // walk everything; the sent log keeps mails from going twice.
            if self.repo.find_commit(oid).is_ok() {
                walk.hide(oid)?;
            }
        }
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let mut out = Vec::new();
        // The tickets folder of the commit before, which is nearly always
        // the parent of the next one: a 10,000-entry tree parsed once.
        let mut previous: Option<(Oid, Option<git2::Tree<'_>>)> = None;
        for oid in walk {
            let commit = self.repo.find_commit(oid?)?;
            if commit.parent_count() > 1 {
                continue;
            }
            let tickets = subtree(&self.repo, &commit.tree()?, &rel);
            let before = match (commit.parent_ids().next(), previous.take()) {
                (None, _) => None,
                (Some(parent), Some((id, tree))) if id == parent => tree,
                (Some(parent), _) => {
                    subtree(&self.repo, &self.repo.find_commit(parent)?.tree()?, &rel)
                }
            };
            let added = self.added_files(before.as_ref(), tickets.as_ref())?;
            previous = Some((commit.id(), tickets));
            out.push(TrailCommit {
                hash: commit.id().to_string(),
                message: commit.message().unwrap_or("").to_string(),
                added,
            });
        }
        Ok(out)
    }

    /// The ticket files a commit added, from its tickets folder and its
    /// parent's (`None`: there was none).
    fn added_files(
        &self,
        parent: Option<&git2::Tree<'_>>,
        tickets: Option<&git2::Tree<'_>>,
    ) -> Result<Vec<AddedFile>> {
        let Some(tickets) = tickets else {
            return Ok(vec![]);
        };
        // The ticket folders this commit touched: one level compared, not
        // a recursive diff of 10,000 folders.
        let folios = super::changes::entries_changed(parent, Some(tickets));
        let mut out = Vec::new();
        for folio in folios {
            let Some(now) = subtree(&self.repo, tickets, &folio) else {
                continue;
            };
            let before = parent.and_then(|t| subtree(&self.repo, t, &folio));
            let ticket_text = now
                .get_name("ticket.md")
                .and_then(|e| self.blob_text(e.id()));
            // In path order, as git lists them: replies/… before ticket.md.
            let had_replies: Vec<String> = before
                .as_ref()
                .and_then(|b| subtree(&self.repo, b, "replies"))
                .map(|r| r.iter().map(|e| entry_name(&e)).collect())
                .unwrap_or_default();
            if let Some(replies) = subtree(&self.repo, &now, "replies") {
                for entry in replies.iter() {
                    let name = entry_name(&entry);
                    if !name.ends_with(".md") || had_replies.binary_search(&name).is_ok() {
                        continue;
                    }
                    if let Some(text) = self.blob_text(entry.id()) {
                        out.push(AddedFile {
                            folio: folio.clone(),
                            name,
                            entry: true,
                            text,
                            ticket_text: ticket_text.clone(),
                        });
                    }
                }
            }
            let ticket_is_new = before.is_none_or(|b| b.get_name("ticket.md").is_none());
            if let (true, Some(text)) = (ticket_is_new, &ticket_text) {
                out.push(AddedFile {
                    folio: folio.clone(),
                    name: "ticket.md".into(),
                    entry: false,
                    text: text.clone(),
                    ticket_text: ticket_text.clone(),
                });
            }
        }
        Ok(out)
    }

    fn blob_text(&self, oid: Oid) -> Option<String> {
        let blob = self.repo.find_blob(oid).ok()?;
        if blob.size() > MAX_FILE {
            return None;
        }
        String::from_utf8(blob.content().to_vec()).ok()
    }
}

/// The folder at `path` under `tree`, if there is one.
fn subtree<'r>(
    repo: &'r git2::Repository,
    tree: &git2::Tree<'_>,
    path: &str,
) -> Option<git2::Tree<'r>> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(git2::ObjectType::Tree))
        .then(|| repo.find_tree(entry.id()).ok())
        .flatten()
}

fn entry_name(entry: &git2::TreeEntry<'_>) -> String {
    String::from_utf8_lossy(entry.name_bytes()).into_owned()
}
