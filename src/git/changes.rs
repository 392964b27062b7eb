//! Which folders changed between two commits: how caches keyed on HEAD
//! (the mail index) catch up after a commit or a sync without reading
//! the whole tracker again. Trees are compared, not history walked, so it
//! does not matter whether the new HEAD descends from the old one (a sync
//! may have replayed local commits); and only one level is compared (the
//! folder entries' object ids), so a commit touching one ticket of
//! 10,000 costs one pass over 10,000 entries in memory, not a recursive
//! diff.

use super::Git;
use anyhow::Result;
use git2::{ObjectType, Oid};
use std::cmp::Ordering;
use std::path::Path;

impl Git {
    /// Names of the entries of folder `dir` (repository-relative) that
    /// differ between commits `old` and `new` (changed, added or gone);
    /// `None` when `old` is not a commit here any more (then a cache is
    /// rebuilt from scratch).
    pub fn folders_changed_between(
        &self,
        old: &str,
        new: &str,
        dir: &str,
    ) -> Result<Option<Vec<String>>> {
        let Some(old) = self.commit_tree(old) else {
            return Ok(None);
        };
        let Some(new) = self.commit_tree(new) else {
            return Ok(None);
        };
        let folder = |tree: &git2::Tree<'_>| -> Option<Oid> {
            let entry = tree.get_path(Path::new(dir)).ok()?;
            (entry.kind() == Some(ObjectType::Tree)).then(|| entry.id())
        };
        let (before, after) = (folder(&old), folder(&new));
        if before == after {
            return Ok(Some(vec![]));
        }
        let tree = |oid: Option<Oid>| -> Result<Option<git2::Tree<'_>>> {
            Ok(oid.map(|oid| self.repo.find_tree(oid)).transpose()?)
        };
        let (before, after) = (tree(before)?, tree(after)?);
        Ok(Some(entries_changed(before.as_ref(), after.as_ref())))
    }

    fn commit_tree(&self, hex: &str) -> Option<git2::Tree<'_>> {
        let oid = Oid::from_str(hex).ok()?;
        self.repo.find_commit(oid).ok()?.tree().ok()
    }

    /// HEAD's commit id in hex, `None` on an unborn branch.
    pub fn head_hex(&self) -> Result<Option<String>> {
        Ok(self.head_oid()?.map(|oid| oid.to_string()))
    }
}

/// The key git sorts tree entries by: the name, with a `/` after a
/// folder's.
fn git_order(entry: &git2::TreeEntry<'_>) -> Vec<u8> {
    let mut key = entry.name_bytes().to_vec();
    if entry.kind() == Some(ObjectType::Tree) {
        key.push(b'/');
    }
    key
}

/// Names of the entries that differ between two listings of one folder
/// (changed, added or gone), sorted. Both listings are in git's canonical
/// order, so this is one merge-walk, without reading any entry's content.
pub(super) fn entries_changed(
    before: Option<&git2::Tree<'_>>,
    after: Option<&git2::Tree<'_>>,
) -> Vec<String> {
    let mut old_entries = before.into_iter().flat_map(|t| t.iter()).peekable();
    let mut new_entries = after.into_iter().flat_map(|t| t.iter()).peekable();
    let mut changed = Vec::new();
    let name = |e: &git2::TreeEntry<'_>| String::from_utf8_lossy(e.name_bytes()).into_owned();
    loop {
        let order = match (old_entries.peek(), new_entries.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(a), Some(b)) => git_order(a).cmp(&git_order(b)),
        };
        match order {
            Ordering::Less => changed.extend(old_entries.next().map(|e| name(&e))),
            Ordering::Greater => changed.extend(new_entries.next().map(|e| name(&e))),
            Ordering::Equal => {
                let (a, b) = (old_entries.next(), new_entries.next());
                if let (Some(a), Some(b)) = (a, b) {
                    if a.id() != b.id() {
                        changed.push(name(&b));
                    }
                }
            }
        }
    }
    changed.sort();
    changed.dedup();
    changed
}
