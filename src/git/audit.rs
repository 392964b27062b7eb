//! The git side of `tkt audit`: walk the commits, read what each did to
//! the tracker (tree diffs, added entries, `helpdesk.yaml`, signatures) and
//! hand it to the pure rules in `domain::audit`. The report is cached in
//! `.git/tkt/`, keyed by the last audited commit, so a second audit reads
//! only the commits made since.

use super::Git;
use crate::domain::audit::{self, CommitFacts, FileChange, Kind, Report, Verdict};
use anyhow::{bail, Context, Result};
use git2::{ErrorCode, Oid, Sort};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::rc::Rc;

const CACHE_VERSION: u32 = 1;

#[derive(serde::Serialize, serde::Deserialize)]
struct CacheFile {
    version: u32,
    /// What signatures were verified against (see `Git::signers`): a
    /// changed allowed-signers file means checking them again.
    signers: String,
    report: Report,
}

/// How to audit: from where, and whether to verify signatures.
#[derive(Debug, Clone, Default)]
pub struct AuditRange {
    /// Audit only commits after this revision (exclusive).
    pub since: Option<String>,
    /// Verify every tkt commit's signature with `git verify-commit`.
    pub verify_signatures: bool,
}

impl Git {
    /// Whether the repository signs its commits (`commit.gpgsign`), so an
    /// audit verifies signatures without being asked.
    pub fn signs_commits(&self) -> bool {
        self.config()
            .and_then(|c| c.get_bool("commit.gpgsign").ok())
            .unwrap_or(false)
    }

    /// Audits the history of the tracker at `tracker_root`: HEAD back to
    /// the root commit, or to `range.since` (exclusive).
    pub fn audit(&self, tracker_root: &Path, range: &AuditRange) -> Result<Report> {
        // A shallow clone's history stops early: an audit of it would
        // vouch for commits it never saw.
        if self.repo.is_shallow() && range.since.is_none() {
            bail!(
                "this clone is shallow (made with `git clone --depth`), so its history is cut short \
                 and cannot be audited; fetch all of it with `git fetch --unshallow` (in CI: \
                 fetch-depth: 0 on GitHub, GIT_DEPTH: 0 on GitLab), or audit only recent commits \
                 with --since REV"
            );
        }
        let prefix = self.relative(tracker_root)?;
        let since = match &range.since {
            Some(rev) => Some(
                self.repo
                    .revparse_single(rev)
                    .and_then(|o| o.peel_to_commit())
                    .with_context(|| format!("--since `{rev}` names no commit of this repository"))?
                    .id(),
            ),
            None => None,
        };
        let head = match self.repo.head() {
            Ok(head) => head.peel_to_commit()?.id(),
            Err(e) if e.code() == ErrorCode::UnbornBranch => return Ok(Report::default()),
            Err(e) => return Err(e.into()),
        };
        let cache = self.cache_dir().join(format!(
            "audit-{}.json",
            if prefix.is_empty() { "_" } else { &prefix }.replace(['/', '\\'], "_")
        ));
        let signers = if range.verify_signatures {
            self.signers()
        } else {
            String::new()
        };
        let mut report = match read_cache(&cache, &signers) {
            Some(r)
                if r.since == since.map(|s| s.to_string())
                    && r.signatures == range.verify_signatures
                    && self.extends(&r, head) =>
            {
                r
            }
            _ => Report {
                since: since.map(|s| s.to_string()),
                signatures: range.verify_signatures,
                ..Report::default()
            },
        };
        if report.head == Some(head.to_string()) {
            return Ok(report);
        }
        let mut walk = self.repo.revwalk()?;
        walk.push(head)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        if let Some(since) = since {
            walk.hide(since)?;
        }
        if let Some(old) = &report.head {
            walk.hide(Oid::from_str(old)?)?;
        }
        let oids: Vec<Oid> = walk.collect::<Result<_, _>>()?;
        report.commits_checked += oids.len();
        for verdict in self.judge_commits(&oids, &prefix, range.verify_signatures)? {
            report.add(verdict);
        }
        report.head = Some(head.to_string());
        // A cache that cannot be written only costs speed.
        let _ = write_cache(&cache, &signers, &report);
        Ok(report)
    }

    /// The verdict on each commit that touched the tracker, in `oids`' order.
    /// Reading trees is the cost, so the commits are read in one run per
    /// core, each with its own handle on the repository (libgit2's are not
    /// shared between threads).
    fn judge_commits(&self, oids: &[Oid], prefix: &str, verify: bool) -> Result<Vec<Verdict>> {
        use rayon::prelude::*;
        let chunk = oids.len().div_ceil(rayon::current_num_threads()).max(2000);
        let git_dir = self.repo.path().to_path_buf();
        let workdir = self.workdir.clone();
        let parts: Vec<Vec<Verdict>> = oids
            .par_chunks(chunk)
            .map(|oids| -> Result<Vec<Verdict>> {
                let repo = git2::Repository::open(&git_dir)?;
                let mut reader = Reading {
                    repo: &repo,
                    workdir: &workdir,
                    prefix: prefix.to_string(),
                    people: HashMap::new(),
                    verify,
                    trees: Trees::new(repo.odb()?),
                };
                let mut out = Vec::new();
                for oid in oids {
                    // Judged at once: the facts (with their people) are dropped.
                    out.extend(reader.facts(*oid)?.as_ref().map(audit::judge));
                }
                Ok(out)
            })
            .collect::<Result<_>>()?;
        Ok(parts.into_iter().flatten().collect())
    }

    /// A fingerprint of what signatures are verified against: the SSH
    /// allowed-signers file's path and content. (A changed GnuPG keyring is
    /// not noticed; delete `.git/tkt/audit-*.json` to verify afresh.)
    fn signers(&self) -> String {
        use std::hash::{Hash, Hasher};
        let Some(file) = self
            .config()
            .and_then(|c| c.get_path("gpg.ssh.allowedSignersFile").ok())
        else {
            return "keyring".into();
        };
        let mut hasher = std::hash::DefaultHasher::new();
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
        format!("{} {:016x}", file.display(), hasher.finish())
    }

    /// Whether a cached report can be extended to `head`: its head is
    /// `head` or one of its ancestors (not a rewritten history).
    fn extends(&self, report: &Report, head: Oid) -> bool {
        let Some(old) = report.head.as_deref().and_then(|h| Oid::from_str(h).ok()) else {
            return false;
        };
        old == head || self.repo.graph_descendant_of(head, old).unwrap_or(false)
    }
}

/// One audit walk's reading state: the tracker's place in the repository
/// and the people of each `helpdesk.yaml` version seen so far.
struct Reading<'g> {
    trees: Trees<'g>,
    repo: &'g git2::Repository,
    workdir: &'g Path,
    prefix: String,
    people: HashMap<Oid, Vec<crate::domain::model::Person>>,
    verify: bool,
}

impl Reading<'_> {
    /// What a commit did to the tracker, or `None` when it did not touch it.
    fn facts(&mut self, oid: Oid) -> Result<Option<CommitFacts>> {
        let repo = self.repo;
        let commit = repo.find_commit(oid)?;
        let changes = self.changes(&commit)?;
        if changes.is_empty() {
            return Ok(None);
        }
        let message = commit.message().unwrap_or("").to_string();
        let tkt = crate::domain::trailers::value(&message, "Action").is_some();
        let mut entry_authors = HashMap::new();
        for change in &changes {
            if change.kind == Kind::Added && audit::is_entry(&change.path) {
                let blob = repo.find_blob(Oid::from_str(&change.blob)?)?;
                let text = String::from_utf8_lossy(blob.content());
                entry_authors.insert(change.path.clone(), audit::entry_author(&text));
            }
        }
        let (author, email, date) = super::author_of(&commit);
        Ok(Some(CommitFacts {
            hash: oid.to_string(),
            author,
            email,
            date,
            message,
            changes,
            entry_authors,
            people: self.people_at(&commit)?,
            signature_ok: (self.verify && tkt)
                .then(|| self.verifies(oid))
                .transpose()?,
        }))
    }

    /// Files under the tracker that differ from every parent (from the
    /// empty tree for a root commit), tracker-relative.
    fn changes(&mut self, commit: &git2::Commit) -> Result<Vec<FileChange>> {
        let mine = self.tracker_tree(commit.tree_id())?;
        let parents: Vec<Option<Oid>> = if commit.parent_count() == 0 {
            vec![None]
        } else {
            commit
                .parent_ids()
                .map(|p| self.tracker_tree(self.repo.find_commit(p)?.tree_id()))
                .collect::<Result<_>>()?
        };
        let mut per_parent = Vec::new();
        for parent in parents {
            let mut found = Vec::new();
            self.trees.diff(parent, mine, "", &mut found)?;
            per_parent.push(found);
        }
        // A merge changed only what differs from every parent.
        let mut changes = per_parent.remove(0);
        changes.retain(|c| {
            per_parent
                .iter()
                .all(|other| other.iter().any(|o| o.path == c.path))
        });
        self.trees.next_generation();
        Ok(changes)
    }

    /// The tracker folder's tree within a commit's root tree.
    fn tracker_tree(&mut self, root: Oid) -> Result<Option<Oid>> {
        let mut at = Some(root);
        for part in self.prefix.split('/').filter(|p| !p.is_empty()) {
            let Some(tree) = at else { break };
            let data = self.trees.tree(tree)?;
            at = entries(&data.data)
                .find(|e| e.name == part.as_bytes() && e.is_dir())
                .map(|e| e.oid());
        }
        Ok(at)
    }

    /// The people of `helpdesk.yaml` in this commit's tree.
    fn people_at(&mut self, commit: &git2::Commit) -> Result<Vec<crate::domain::model::Person>> {
        let path = match self.prefix.as_str() {
            "" => "helpdesk.yaml".to_string(),
            prefix => format!("{prefix}/helpdesk.yaml"),
        };
        let Ok(entry) = commit.tree()?.get_path(Path::new(&path)) else {
            return Ok(vec![]);
        };
        if let Some(people) = self.people.get(&entry.id()) {
            return Ok(people.clone());
        }
        let blob = self.repo.find_blob(entry.id())?;
        let people = audit::people_of(&String::from_utf8_lossy(blob.content()));
        self.people.insert(entry.id(), people.clone());
        Ok(people)
    }

    /// Whether `git verify-commit` accepts the commit's signature: git's
    /// own verification, with the user's `gpg.ssh.allowedSignersFile` or
    /// keyring.
    fn verifies(&self, oid: Oid) -> Result<bool> {
        let status = Command::new("git")
            .arg("verify-commit")
            .arg(oid.to_string())
            .current_dir(self.workdir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("cannot run `git verify-commit`; verifying signatures needs git installed")?;
        Ok(status.success())
    }
}

/// Raw tree objects, read through the object database and kept for one
/// more commit: a commit's trees are mostly its parent's, just read. The
/// diff walks sorted entries in step and opens only subtrees whose ids
/// differ (libgit2's general diff costs ~5 ms per commit on a
/// 10,000-entry `tickets/` tree).
///
/// A big tree differs from its parent's in an entry or two, so the diff
/// skips the bytes both start and end with. Where each entry starts
/// (`offsets`) is known for the parent's tree from the commit before, so
/// the first difference is found by a binary search, not by reading the
/// entries before it; the new tree's offsets are the parent's, shifted
/// after the change. Each big tree is thus compared, not parsed.
struct Trees<'r> {
    odb: git2::Odb<'r>,
    current: HashMap<Oid, Rc<Tree>>,
    previous: HashMap<Oid, Rc<Tree>>,
}

/// A raw tree object and, once known, where each of its entries starts
/// (with its length at the end).
struct Tree {
    data: Box<[u8]>,
    offsets: std::cell::OnceCell<Box<[u32]>>,
}

impl Tree {
    fn offsets(&self) -> &[u32] {
        self.offsets.get_or_init(|| {
            let mut at = 0;
            let mut offsets: Vec<u32> = entries(&self.data)
                .map(|e| {
                    let start = at;
                    at += e.raw.len();
                    start as u32
                })
                .collect();
            offsets.push(at as u32);
            offsets.into_boxed_slice()
        })
    }
}

impl<'r> Trees<'r> {
    fn new(odb: git2::Odb<'r>) -> Trees<'r> {
        Trees {
            odb,
            current: HashMap::new(),
            previous: HashMap::new(),
        }
    }

    /// Forgets the trees not used by the last commit.
    fn next_generation(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }

    fn tree(&mut self, oid: Oid) -> Result<Rc<Tree>> {
        if let Some(tree) = self.current.get(&oid) {
            return Ok(tree.clone());
        }
        let tree = match self.previous.get(&oid) {
            Some(tree) => tree.clone(),
            None => Rc::new(Tree {
                data: self.odb.read(oid)?.data().into(),
                offsets: std::cell::OnceCell::new(),
            }),
        };
        self.current.insert(oid, tree.clone());
        Ok(tree)
    }

    /// The files that differ between two trees (`None`: empty), with
    /// paths below `base`.
    fn diff(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        base: &str,
        out: &mut Vec<FileChange>,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let old_tree = old.map(|o| self.tree(o)).transpose()?;
        let new_tree = new.map(|o| self.tree(o)).transpose()?;
        let old_bytes = old_tree.as_deref().map_or(&[][..], |t| &t.data);
        let new_bytes = new_tree.as_deref().map_or(&[][..], |t| &t.data);
        let (head, tail) = common_ends(old_bytes, new_bytes);
        // The entry holding the first differing byte starts at the same
        // place in both trees.
        let (first, start) = match &old_tree {
            Some(tree) => {
                let offsets = tree.offsets();
                let first = offsets
                    .partition_point(|&o| o as usize <= head)
                    .saturating_sub(1);
                (first, offsets[first] as usize)
            }
            None => (0, 0),
        };
        let mut a = Cursor::at(old_bytes, start);
        let mut b = Cursor::at(new_bytes, start);
        let mut changed_offsets = Vec::new();
        loop {
            // The rest is the same on both sides once it lies within the
            // bytes both trees end with.
            if a.rest() == b.rest() && a.rest() <= tail {
                break;
            }
            if let (Some(x), Some(y)) = (a.peek(), b.peek()) {
                if x.raw == y.raw {
                    a.pos += x.raw.len();
                    changed_offsets.push(b.pos as u32);
                    b.pos += y.raw.len();
                    continue;
                }
            }
            let order = match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => x.key().cmp(y.key()),
            };
            let x = (order != Ordering::Greater).then(|| a.take()).flatten();
            let y = match order {
                Ordering::Less => None,
                _ => {
                    changed_offsets.push(b.pos as u32);
                    b.take()
                }
            };
            self.record(x, y, base, out)?;
        }
        if let (Some(old_tree), Some(new_tree)) = (&old_tree, &new_tree) {
            if new_tree.offsets.get().is_none() {
                let old_offsets = old_tree.offsets();
                let resume = old_offsets.partition_point(|&o| (o as usize) < a.pos);
                let shift = new_bytes.len() as i64 - old_bytes.len() as i64;
                let offsets: Vec<u32> = old_offsets[..first]
                    .iter()
                    .copied()
                    .chain(changed_offsets)
                    .chain(
                        old_offsets[resume..]
                            .iter()
                            .map(|&o| (o as i64 + shift) as u32),
                    )
                    .collect();
                let _ = new_tree.offsets.set(offsets.into_boxed_slice());
            }
        }
        Ok(())
    }

    /// One entry that differs: a file change, or a subtree to compare.
    fn record(
        &mut self,
        x: Option<Entry>,
        y: Option<Entry>,
        base: &str,
        out: &mut Vec<FileChange>,
    ) -> Result<()> {
        if let (Some(x), Some(y)) = (&x, &y) {
            if x.id == y.id {
                return Ok(());
            }
        }
        let named = x.as_ref().or(y.as_ref()).expect("one side has an entry");
        let name = String::from_utf8_lossy(named.name);
        let path = if base.is_empty() {
            name.into_owned()
        } else {
            format!("{base}/{name}")
        };
        let dir = |e: &Option<Entry>| e.as_ref().filter(|e| e.is_dir()).map(Entry::oid);
        let file = |e: &Option<Entry>| e.as_ref().filter(|e| !e.is_dir()).map(Entry::oid);
        if dir(&x).is_some() || dir(&y).is_some() {
            self.diff(dir(&x), dir(&y), &path, out)?;
        }
        let change = match (file(&x), file(&y)) {
            (None, None) => None,
            (Some(old), None) => Some((Kind::Deleted, old)),
            (None, Some(new)) => Some((Kind::Added, new)),
            (Some(_), Some(new)) => Some((Kind::Modified, new)),
        };
        if let Some((kind, blob)) = change {
            out.push(FileChange {
                path,
                kind,
                blob: blob.to_string(),
            });
        }
        Ok(())
    }
}

/// A position in a raw tree, at the start of an entry.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn at(data: &'a [u8], pos: usize) -> Cursor<'a> {
        Cursor { data, pos }
    }

    fn rest(&self) -> usize {
        self.data.len() - self.pos
    }

    fn peek(&self) -> Option<Entry<'a>> {
        entries(&self.data[self.pos..]).next()
    }

    fn take(&mut self) -> Option<Entry<'a>> {
        let entry = self.peek()?;
        self.pos += entry.raw.len();
        Some(entry)
    }
}

/// One entry of a raw tree object.
struct Entry<'a> {
    /// The whole entry, to compare in one go.
    raw: &'a [u8],
    mode: &'a [u8],
    name: &'a [u8],
    id: &'a [u8],
}

impl Entry<'_> {
    fn oid(&self) -> Oid {
        Oid::from_bytes(self.id).expect("a tree entry's id is 20 bytes")
    }

    fn is_dir(&self) -> bool {
        self.mode == b"40000"
    }

    /// What git sorts tree entries by: the name, with a folder's as if it
    /// ended in `/`.
    fn key(&self) -> impl Iterator<Item = &u8> {
        let slash: &[u8] = if self.is_dir() { b"/" } else { b"" };
        self.name.iter().chain(slash)
    }
}

/// How many bytes two raw trees start with alike, and how many they end
/// with alike (never overlapping the first count), compared a block at a
/// time.
fn common_ends(a: &[u8], b: &[u8]) -> (usize, usize) {
    let n = a.len().min(b.len());
    let head = common_len(a[..n].chunks(512), b[..n].chunks(512), |x, y| {
        x.iter().zip(y).take_while(|(p, q)| p == q).count()
    });
    let (ra, rb) = (&a[head..], &b[head..]);
    let m = ra.len().min(rb.len());
    let (ta, tb) = (&ra[ra.len() - m..], &rb[rb.len() - m..]);
    let tail = common_len(ta.rchunks(512), tb.rchunks(512), |x, y| {
        x.iter()
            .rev()
            .zip(y.iter().rev())
            .take_while(|(p, q)| p == q)
            .count()
    });
    (head, tail)
}

/// The length two sequences of blocks share: whole equal blocks, then the
/// common part of the first unequal one (`within`).
fn common_len<'a>(
    a: impl Iterator<Item = &'a [u8]>,
    b: impl Iterator<Item = &'a [u8]>,
    within: impl Fn(&[u8], &[u8]) -> usize,
) -> usize {
    let mut same = 0;
    for (x, y) in a.zip(b) {
        if x == y {
            same += x.len();
        } else {
            return same + within(x, y);
        }
    }
    same
}

/// The entries of a raw tree object: `<mode> <name>\0<20-byte id>`.
fn entries(mut data: &[u8]) -> impl Iterator<Item = Entry<'_>> {
    std::iter::from_fn(move || {
        let space = data.iter().position(|&b| b == b' ')?;
        let nul = space + data[space..].iter().position(|&b| b == 0)?;
        let entry = Entry {
            raw: data.get(..nul + 21)?,
            mode: &data[..space],
            name: &data[space + 1..nul],
            id: &data[nul + 1..nul + 21],
        };
        data = &data[nul + 21..];
        Some(entry)
    })
}

fn read_cache(path: &Path, signers: &str) -> Option<Report> {
    let bytes = std::fs::read(path).ok()?;
    let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
    (file.version == CACHE_VERSION && file.signers == signers).then_some(file.report)
}

fn write_cache(path: &Path, signers: &str, report: &Report) -> Result<()> {
    let file = CacheFile {
        version: CACHE_VERSION,
        signers: signers.to_string(),
        report: report.clone(),
    };
    super::clone_file::write(path, &serde_json::to_vec(&file)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A change to a tree of folders, each holding one file.
    #[derive(Debug, Clone)]
    enum Step {
        Add(u16),
        Edit(u16),
        Remove(u16),
        AddFile(u16),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0u16..400).prop_map(Step::Add),
            (0u16..400).prop_map(Step::Edit),
            (0u16..400).prop_map(Step::Remove),
            (0u16..40).prop_map(Step::AddFile),
        ]
    }

    /// Folder `n`'s name: lengths vary, and `a1` sorts around `a1.x` and
    /// `a1-x` as git sorts folders (with a trailing `/`).
    fn folder(n: u16) -> String {
        match n % 3 {
            0 => format!("a{n}"),
            1 => format!("a{}.x", n / 3),
            _ => format!("a{}-x", n / 3),
        }
    }

    fn tree_of(
        repo: &git2::Repository,
        folders: &std::collections::BTreeMap<String, u32>,
        files: &std::collections::BTreeMap<String, u32>,
    ) -> Oid {
        let mut top = repo.treebuilder(None).unwrap();
        for (name, version) in folders {
            let blob = repo.blob(format!("{name} v{version}").as_bytes()).unwrap();
            let mut inner = repo.treebuilder(None).unwrap();
            inner.insert("ticket.md", blob, 0o100644).unwrap();
            top.insert(name, inner.write().unwrap(), 0o040000).unwrap();
        }
        for (name, version) in files {
            let blob = repo.blob(format!("file {version}").as_bytes()).unwrap();
            top.insert(name, blob, 0o100644).unwrap();
        }
        top.write().unwrap()
    }

    /// What libgit2's own diff says changed, as the audit records it.
    fn reference_diff(repo: &git2::Repository, old: Oid, new: Oid) -> Vec<(String, Kind, String)> {
        let (old, new) = (repo.find_tree(old).unwrap(), repo.find_tree(new).unwrap());
        let diff = repo
            .diff_tree_to_tree(Some(&old), Some(&new), None)
            .unwrap();
        let mut out: Vec<_> = diff
            .deltas()
            .map(|d| {
                let path = d.new_file().path().or(d.old_file().path()).unwrap();
                let kind = match d.status() {
                    git2::Delta::Added => Kind::Added,
                    git2::Delta::Deleted => Kind::Deleted,
                    _ => Kind::Modified,
                };
                let blob = match kind {
                    Kind::Deleted => d.old_file().id(),
                    _ => d.new_file().id(),
                };
                (path.to_string_lossy().into_owned(), kind, blob.to_string())
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        /// The skipping diff (common ends, offsets carried from the
        /// parent's tree) finds exactly what libgit2's full diff finds.
        #[test]
        fn the_diff_of_consecutive_trees_matches_libgit2(
            start in 0usize..200,
            steps in proptest::collection::vec(step(), 1..20),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let repo = git2::Repository::init_bare(dir.path()).unwrap();
            let mut folders: std::collections::BTreeMap<String, u32> =
                (0..start as u16).map(|n| (folder(n), 0)).collect();
            let mut files = std::collections::BTreeMap::new();
            let mut trees = Trees::new(repo.odb().unwrap());
            let mut old = tree_of(&repo, &folders, &files);
            for (i, step) in steps.iter().enumerate() {
                let version = i as u32 + 1;
                match step {
                    Step::Add(n) | Step::Edit(n) => {
                        folders.insert(folder(*n), version);
                    }
                    Step::Remove(n) => {
                        folders.remove(&folder(*n));
                    }
                    Step::AddFile(n) => {
                        files.insert(format!("a{n}"), version);
                    }
                }
                let new = tree_of(&repo, &folders, &files);
                let mut found = Vec::new();
                trees.diff(Some(old), Some(new), "", &mut found).unwrap();
                trees.next_generation();
                let mut found: Vec<_> = found
                    .into_iter()
                    .map(|c| (c.path, c.kind, c.blob))
                    .collect();
                found.sort_by(|a, b| a.0.cmp(&b.0));
                prop_assert_eq!(found, reference_diff(&repo, old, new), "after {:?}", step);
                old = new;
            }
        }
    }
}
