//! A fast, narrow update of git's index file: replace, add or remove a few
//! stage-0 entries without decoding the other tens of thousands.
//!
//! libgit2 decodes every entry into a hash map and checksums the file with
//! its collision-detecting SHA-1, which costs ~100 ms per commit on a
//! 60,000-file tracker. This module copies untouched entries as bytes and
//! checksums with a hardware-accelerated SHA-1 instead. It handles index
//! versions 2 and 3; anything it does not fully understand (version 4,
//! split or sparse indexes, unknown required extensions, a bad checksum)
//! is reported as [`Staging::Unsupported`] so the caller can fall back to
//! libgit2's general implementation.
//!
//! Format reference: git's `Documentation/gitformat-index.txt`.

use sha1::{Digest, Sha1};
use std::fs::{File, Metadata};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One path to change in the index.
pub struct Update<'a> {
    /// Repository-relative, `/`-separated.
    pub path: &'a str,
    /// The blob id and the written file's metadata; `None` removes the path.
    pub blob: Option<([u8; 20], &'a Metadata)>,
}

const HEADER: usize = 12;
const HASH: usize = 20;
/// Stat data (40 bytes), object id (20) and flags (2).
const FIXED: usize = 62;

/// An index update in progress: `index.lock` is held and the new content
/// planned. [`Staging::finish`] writes it; dropping it unfinished releases
/// the lock and leaves the index untouched.
pub enum Staging {
    Ready(Ready),
    /// The fast path does not apply; the caller uses libgit2.
    Unsupported(&'static str),
}

pub struct Ready {
    index_path: PathBuf,
    lock_path: PathBuf,
    /// Set once the new index has been renamed into place.
    done: bool,
}

/// The old index, mapped rather than copied: 8 MB on a big tracker.
struct Mapped(memmap2::Mmap);

impl Mapped {
    fn of(file: &File) -> std::io::Result<Mapped> {
        // SAFETY: git replaces the index by renaming a new file over it and
        // never writes it in place, so the mapped file never changes; a
        // replacement is noticed by `Snapshot::stage`.
        Ok(Mapped(unsafe { memmap2::Mmap::map(file)? }))
    }
}

#[cfg(test)]
impl Staging {
    /// Reads the index and writes the updated one into `index.lock` (see
    /// [`Snapshot::stage`]). Nothing changes for git until
    /// [`Ready::finish`] renames it into place.
    pub fn begin(index_path: &Path, updates: &[Update]) -> std::io::Result<Staging> {
        Snapshot::read(index_path)?.stage(updates)
    }
}

/// The index as read before a commit: mapped, verified and scanned once,
/// then used both for the preflight (what it holds for a few paths) and to
/// write the update. Reading it needs no lock; [`Snapshot::stage`] takes
/// `index.lock` and reads again if the file changed meanwhile, so no
/// concurrent git command's change can be lost.
pub struct Snapshot {
    index_path: PathBuf,
    /// `None`: there is no index file yet.
    read: Option<ReadIndex>,
}

struct ReadIndex {
    old: Mapped,
    scan: Result<Scanned, &'static str>,
    identity: FileIdentity,
}

/// What tells that the index file was replaced: git always writes a new
/// file and renames it over the old one.
#[derive(PartialEq, Eq)]
struct FileIdentity {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: u64,
}

impl FileIdentity {
    fn of(meta: &Metadata) -> FileIdentity {
        FileIdentity {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: std::os::unix::fs::MetadataExt::ino(meta),
        }
    }
}

impl Snapshot {
    pub fn read(index_path: &Path) -> std::io::Result<Snapshot> {
        let file = match File::open(index_path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Snapshot {
                    index_path: index_path.to_path_buf(),
                    read: None,
                })
            }
            Err(e) => return Err(e),
        };
        let identity = FileIdentity::of(&file.metadata()?);
        let old = Mapped::of(&file)?;
        let scan = verified_body(&old.0).and_then(|(body, version)| {
            let scanned = scan_entries(body, version, be32(&old.0, 8) as usize)?;
            check_extensions(&body[scanned.extensions_at..])?;
            Ok(scanned)
        });
        Ok(Snapshot {
            index_path: index_path.to_path_buf(),
            read: Some(ReadIndex {
                old,
                scan,
                identity,
            }),
        })
    }

    /// What the index holds for `paths` (repository-relative,
    /// `/`-separated); `Err` names an index this module does not read.
    pub fn lookup(&self, paths: &[&str]) -> Result<Vec<Entry>, &'static str> {
        let Some(read) = &self.read else {
            return Ok(vec![Entry::Absent; paths.len()]);
        };
        let scan = read.scan.as_ref().map_err(|e| *e)?;
        let data = &read.old.0[..];
        Ok(paths
            .iter()
            .map(|path| {
                let path = path.as_bytes();
                let from = scan
                    .entries
                    .partition_point(|e| &data[e.path.clone()] < path);
                let mut found = scan.entries[from..]
                    .iter()
                    .take_while(|e| &data[e.path.clone()] == path);
                match (found.next(), found.next()) {
                    (None, _) => Entry::Absent,
                    (Some(e), None) if stage(data, e) == 0 => {
                        Entry::Staged(data[e.start + 40..e.start + 60].try_into().unwrap())
                    }
                    _ => Entry::Conflicted,
                }
            })
            .collect())
    }

    /// Locks the index and writes the updated index into `index.lock`.
    pub fn stage(self, updates: &[Update]) -> std::io::Result<Staging> {
        if self.read.is_none() {
            return Ok(Staging::Unsupported("no index yet"));
        }
        let lock_path = self.index_path.with_extension("lock");
        let lock = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock_path)
            .map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "cannot lock {} ({e}); if no other git process is running, remove it",
                        lock_path.display()
                    ),
                )
            })?;
        // From here on, dropping `ready` removes the lock file.
        let ready = Ready {
            index_path: self.index_path.clone(),
            lock_path,
            done: false,
        };
        let current = std::fs::metadata(&self.index_path).map(|m| FileIdentity::of(&m));
        let snapshot = match (&self.read, current) {
            (Some(read), Ok(now)) if read.identity == now => self,
            // Replaced since it was read: read it again, under the lock.
            _ => Snapshot::read(&self.index_path)?,
        };
        let Some(read) = &snapshot.read else {
            return Ok(Staging::Unsupported("no index yet"));
        };
        let plan = match read.scan.as_ref() {
            Ok(scan) => Plan::new(&read.old.0, scan, updates),
            Err(reason) => Err(*reason),
        };
        let plan = match plan {
            Ok(plan) => plan,
            Err(reason) => return Ok(Staging::Unsupported(reason)),
        };
        plan.write_to(
            &read.old.0,
            std::io::BufWriter::with_capacity(1 << 20, lock),
        )?;
        Ok(Staging::Ready(ready))
    }
}

impl Ready {
    /// Puts the new index in place.
    pub fn finish(mut self) -> std::io::Result<()> {
        std::fs::rename(&self.lock_path, &self.index_path)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Ready {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.lock_path);
        }
    }
}

/// What the index holds for one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Absent,
    Staged([u8; 20]),
    /// Unmerged stages from a conflict.
    Conflicted,
}

/// The index's entries for `paths`, read without taking the lock (see
/// [`Snapshot::lookup`]).
pub fn lookup(
    index_path: &Path,
    paths: &[&str],
) -> std::io::Result<Result<Vec<Entry>, &'static str>> {
    Ok(Snapshot::read(index_path)?.lookup(paths))
}

fn stage(data: &[u8], entry: &Span) -> u16 {
    let flags = u16::from_be_bytes(data[entry.start + 60..entry.start + 62].try_into().unwrap());
    (flags >> 12) & 3
}

/// The checksummed part of an index file and its version, if this module
/// can read it.
fn verified_body(data: &[u8]) -> Result<(&[u8], u32), &'static str> {
    let (body, version) = header(data)?;
    if Sha1::digest(body).as_slice() != &data[data.len() - HASH..] {
        return Err("index checksum does not match");
    }
    Ok((body, version))
}

/// The part before the checksum and the version, if this module reads it.
fn header(data: &[u8]) -> Result<(&[u8], u32), &'static str> {
    if data.len() < HEADER + HASH || &data[..4] != b"DIRC" {
        return Err("not an index file");
    }
    let version = be32(data, 4);
    if version != 2 && version != 3 {
        return Err("index version other than 2 or 3");
    }
    Ok((&data[..data.len() - HASH], version))
}

/// Refuses required extensions (split index, sparse index) whose meaning
/// would change what the entries say.
fn check_extensions(mut data: &[u8]) -> Result<(), &'static str> {
    while !data.is_empty() {
        if data.len() < 8 {
            return Err("truncated extension");
        }
        let size = be32(data, 4) as usize;
        if !data[0].is_ascii_uppercase() {
            return Err("a required index extension this fast path does not know");
        }
        data = data.get(8 + size..).ok_or("truncated extension")?;
    }
    Ok(())
}

/// The new index file's bytes, or why this module cannot produce them.
#[cfg(test)]
pub fn rewrite(data: &[u8], updates: &[Update]) -> Result<Vec<u8>, &'static str> {
    let (body, version) = verified_body(data)?;
    let scan = scan_entries(body, version, be32(data, 8) as usize)?;
    let plan = Plan::new(data, &scan, updates)?;
    let mut out = Vec::with_capacity(data.len());
    plan.write_to(data, &mut out)
        .expect("writing to memory cannot fail");
    Ok(out)
}

/// What the new index consists of: runs of the old file's bytes and new
/// entries (already encoded), in order.
#[derive(Default)]
struct Plan {
    count: u32,
    pieces: Vec<Piece>,
    extensions: Vec<u8>,
}

enum Piece {
    /// A byte range of the old index: one or more untouched entries.
    Copy(Range<usize>),
    Insert(Vec<u8>),
}

impl Plan {
    /// `scan` is of `data`, whose checksum was verified.
    fn new(data: &[u8], scan: &Scanned, updates: &[Update]) -> Result<Plan, &'static str> {
        let body = &data[..data.len() - HASH];
        let entries = &scan.entries;
        let path = |e: &Span| &data[e.path.clone()];
        let mut sorted: Vec<&Update> = updates.iter().collect();
        sorted.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        sorted.dedup_by(|a, b| a.path == b.path);
        let mut plan = Plan::default();
        let mut pending = sorted.iter().copied().peekable();
        for (i, entry) in entries.iter().enumerate() {
            while let Some(update) = pending.next_if(|u| u.path.as_bytes() < path(entry)) {
                plan.insert(update);
            }
            match pending.peek() {
                Some(update) if update.path.as_bytes() == path(entry) => {
                    // Replaced or removed: every stage of this path goes,
                    // and the update is written once, after the last one.
                    if entries
                        .get(i + 1)
                        .is_none_or(|next| path(next) != path(entry))
                    {
                        plan.insert(update);
                        pending.next();
                    }
                }
                _ => plan.copy(entry.start..entry.end),
            }
        }
        for update in pending {
            plan.insert(update);
        }
        copy_extensions(&mut plan.extensions, &body[scan.extensions_at..], &sorted)?;
        Ok(plan)
    }

    fn insert(&mut self, update: &Update) {
        if let Some((oid, meta)) = update.blob {
            self.pieces
                .push(Piece::Insert(encode_entry(update.path, oid, meta)));
            self.count += 1;
        }
    }

    /// Copies an entry, extending the previous copy when the two are
    /// adjacent in the old file, so untouched stretches are written at once.
    fn copy(&mut self, range: Range<usize>) {
        self.count += 1;
        if let Some(Piece::Copy(previous)) = self.pieces.last_mut() {
            if previous.end == range.start {
                previous.end = range.end;
                return;
            }
        }
        self.pieces.push(Piece::Copy(range));
    }

    /// The new index's bytes in order, without the trailing checksum.
    fn chunks<'a>(&'a self, data: &'a [u8], count: &'a [u8; 4]) -> impl Iterator<Item = &'a [u8]> {
        [&data[..8], count.as_slice()]
            .into_iter()
            .chain(self.pieces.iter().map(move |piece| match piece {
                Piece::Copy(range) => &data[range.clone()],
                Piece::Insert(entry) => entry.as_slice(),
            }))
            .chain(std::iter::once(self.extensions.as_slice()))
    }

    /// Streams the new index, checksumming it on the way.
    fn write_to(&self, data: &[u8], mut out: impl Write) -> std::io::Result<()> {
        let count = self.count.to_be_bytes();
        let mut sha = Sha1::new();
        for chunk in self.chunks(data, &count) {
            sha.update(chunk);
            out.write_all(chunk)?;
        }
        out.write_all(&sha.finalize())?;
        out.flush()
    }
}

/// Where each entry's path lies in an index file, in index order (sorted
/// by path bytes), decoding nothing else: for `tkt check`, which asks
/// whether git tracks each file it lists. Read-only, so the checksum is
/// not verified; what this module does not read is an error (the caller
/// asks libgit2 instead).
pub fn path_ranges(data: &[u8]) -> Result<Vec<Range<usize>>, &'static str> {
    let (body, version) = header(data)?;
    let scan = scan_entries(body, version, be32(data, 8) as usize)?;
    Ok(scan.entries.into_iter().map(|e| e.path).collect())
}

/// Where an entry lies in the index file, and where its path lies.
struct Span {
    start: usize,
    end: usize,
    path: Range<usize>,
}

/// The entries of an index file, and where its extensions begin.
struct Scanned {
    entries: Vec<Span>,
    extensions_at: usize,
}

fn scan_entries(body: &[u8], version: u32, count: usize) -> Result<Scanned, &'static str> {
    let mut entries = Vec::with_capacity(count);
    let mut at = HEADER;
    for _ in 0..count {
        let flags_at = at + FIXED - 2;
        let flags = u16::from_be_bytes(
            body.get(flags_at..flags_at + 2)
                .ok_or("truncated entry")?
                .try_into()
                .unwrap(),
        );
        let extended = flags & 0x4000 != 0;
        if extended && version < 3 {
            return Err("extended flags in a version 2 index");
        }
        let path_at = at + FIXED + if extended { 2 } else { 0 };
        let rest = body.get(path_at..).ok_or("truncated entry")?;
        // The flags hold the path's length unless it is 0xFFF or longer;
        // using it saves searching every path for its NUL.
        let short = (flags & 0xFFF) as usize;
        let len = if short < 0xFFF && rest.get(short) == Some(&0) {
            short
        } else {
            rest.iter()
                .position(|&b| b == 0)
                .ok_or("unterminated path")?
        };
        let fixed = path_at - at;
        let end = at + (fixed + len + 8) / 8 * 8;
        if end > body.len() {
            return Err("truncated entry");
        }
        entries.push(Span {
            start: at,
            end,
            path: path_at..path_at + len,
        });
        at = end;
    }
    Ok(Scanned {
        entries,
        extensions_at: at,
    })
}

/// The bytes of a stage-0 entry.
fn encode_entry(path: &str, oid: [u8; 20], meta: &Metadata) -> Vec<u8> {
    let mut out = Vec::with_capacity(FIXED + path.len() + 8);
    for value in stat_words(meta) {
        out.extend_from_slice(&value.to_be_bytes());
    }
    out.extend_from_slice(&oid);
    let len = path.len().min(0xFFF) as u16;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(path.as_bytes());
    out.resize((FIXED + path.len() + 8) / 8 * 8, 0);
    out
}

/// ctime, mtime (seconds, nanoseconds), dev, ino, mode, uid, gid, size —
/// each truncated to 32 bits as the format says.
#[cfg(unix)]
fn stat_words(meta: &Metadata) -> [u32; 10] {
    use std::os::unix::fs::MetadataExt;
    [
        meta.ctime() as u32,
        meta.ctime_nsec() as u32,
        meta.mtime() as u32,
        meta.mtime_nsec() as u32,
        meta.dev() as u32,
        meta.ino() as u32,
        0o100644,
        meta.uid(),
        meta.gid(),
        meta.size() as u32,
    ]
}

#[cfg(not(unix))]
fn stat_words(meta: &Metadata) -> [u32; 10] {
    [0, 0, 0, 0, 0, 0, 0o100644, 0, 0, meta.len() as u32]
}

/// Copies the extensions that stay true after the update: the cache tree
/// with the changed directories invalidated, and resolve-undo. Optional
/// caches keyed by entry position (untracked cache, fsmonitor, offset
/// tables) are dropped; git rebuilds them. Required extensions we do not
/// know (lowercase signature: split index `link`, sparse `sdir`) refuse.
fn copy_extensions(
    out: &mut Vec<u8>,
    mut data: &[u8],
    updates: &[&Update],
) -> Result<(), &'static str> {
    while !data.is_empty() {
        if data.len() < 8 {
            return Err("truncated extension");
        }
        let signature: [u8; 4] = data[..4].try_into().unwrap();
        let size = be32(data, 4) as usize;
        let payload = data.get(8..8 + size).ok_or("truncated extension")?;
        match &signature {
            b"TREE" => {
                let tree = invalidated_tree(payload, updates)?;
                out.extend_from_slice(b"TREE");
                out.extend_from_slice(&(tree.len() as u32).to_be_bytes());
                out.extend_from_slice(&tree);
            }
            b"REUC" => out.extend_from_slice(&data[..8 + size]),
            [b'A'..=b'Z', ..] => {}
            _ => return Err("a required index extension this fast path does not know"),
        }
        data = &data[8 + size..];
    }
    Ok(())
}

/// A cache-tree node: `path NUL entry_count SP subtrees LF [oid]`.
struct TreeNode<'a> {
    name: &'a [u8],
    entries: i64,
    oid: Option<&'a [u8]>,
    children: Vec<TreeNode<'a>>,
}

fn invalidated_tree(payload: &[u8], updates: &[&Update]) -> Result<Vec<u8>, &'static str> {
    if payload.is_empty() {
        return Ok(Vec::new());
    }
    let (mut root, rest) = parse_tree_node(payload)?;
    if !rest.is_empty() {
        return Err("trailing bytes in the cache tree");
    }
    for update in updates {
        let mut node = &mut root;
        node.entries = -1;
        let dirs: Vec<&str> = update.path.split('/').collect();
        for dir in &dirs[..dirs.len() - 1] {
            match node.children.iter_mut().find(|c| c.name == dir.as_bytes()) {
                Some(child) => {
                    child.entries = -1;
                    node = child;
                }
                None => break,
            }
        }
    }
    let mut out = Vec::with_capacity(payload.len());
    write_tree_node(&root, &mut out);
    Ok(out)
}

fn parse_tree_node(data: &[u8]) -> Result<(TreeNode<'_>, &[u8]), &'static str> {
    let nul = data.iter().position(|&b| b == 0).ok_or("bad cache tree")?;
    let name = &data[..nul];
    let rest = &data[nul + 1..];
    let lf = rest
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("bad cache tree")?;
    let header = std::str::from_utf8(&rest[..lf]).map_err(|_| "bad cache tree")?;
    let (entries, subtrees) = header.split_once(' ').ok_or("bad cache tree")?;
    let entries: i64 = entries.parse().map_err(|_| "bad cache tree")?;
    let subtrees: usize = subtrees.parse().map_err(|_| "bad cache tree")?;
    let mut rest = &rest[lf + 1..];
    let oid = if entries >= 0 {
        let oid = rest.get(..HASH).ok_or("bad cache tree")?;
        rest = &rest[HASH..];
        Some(oid)
    } else {
        None
    };
    let mut children = Vec::with_capacity(subtrees);
    for _ in 0..subtrees {
        let (child, after) = parse_tree_node(rest)?;
        children.push(child);
        rest = after;
    }
    Ok((
        TreeNode {
            name,
            entries,
            oid,
            children,
        },
        rest,
    ))
}

fn write_tree_node(node: &TreeNode, out: &mut Vec<u8>) {
    out.extend_from_slice(node.name);
    out.push(0);
    out.extend_from_slice(format!("{} {}\n", node.entries, node.children.len()).as_bytes());
    if node.entries >= 0 {
        out.extend_from_slice(node.oid.expect("valid nodes have an id"));
    }
    for child in &node.children {
        write_tree_node(child, out);
    }
}

fn be32(data: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(data[at..at + 4].try_into().unwrap())
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::{Index, Oid, Repository};

    /// A repository whose index holds a few files and a valid cache tree.
    fn repo_with_files(files: &[&str]) -> (tempfile::TempDir, Repository) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let mut index = repo.index().unwrap();
        for f in files {
            write(dir.path(), f, f);
            index.add_path(Path::new(f)).unwrap();
        }
        index.write_tree().unwrap();
        index.write().unwrap();
        (dir, repo)
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }

    fn copy_tree(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let target = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    fn listing(index: &Index) -> Vec<(String, Oid, u32)> {
        index
            .iter()
            .map(|e| (String::from_utf8(e.path).unwrap(), e.id, e.file_size))
            .collect()
    }

    #[test]
    fn matches_libgit2_and_keeps_the_cache_tree_honest() {
        let files = ["a.txt", "dir/b.txt", "dir/c.txt", "dir/sub/d.txt", "z.txt"];
        let (dir, repo) = repo_with_files(&files);
        let root = dir.path();
        let index_path = repo.path().join("index");
        assert!(std::fs::read(&index_path)
            .unwrap()
            .windows(4)
            .any(|w| w == b"TREE"));
        let changed = [
            ("dir/b.txt", "new b"),
            ("dir/bb.txt", "bb"),
            ("new/x.txt", "x"),
            ("0first", "0"),
        ];
        let oids: Vec<Oid> = changed
            .iter()
            .map(|(p, t)| {
                write(root, p, t);
                repo.blob(t.as_bytes()).unwrap()
            })
            .collect();
        let metas: Vec<Metadata> = changed
            .iter()
            .map(|(p, _)| std::fs::metadata(root.join(p)).unwrap())
            .collect();
        let mut updates: Vec<Update> = changed
            .iter()
            .zip(&oids)
            .zip(&metas)
            .map(|(((path, _), oid), meta)| Update {
                path,
                blob: Some((oid.as_bytes().try_into().unwrap(), meta)),
            })
            .collect();
        updates.push(Update {
            path: "z.txt",
            blob: None,
        });
        std::fs::remove_file(root.join("z.txt")).unwrap();

        // The same change made by libgit2, in a copy of the repository.
        let twin_dir = tempfile::tempdir().unwrap();
        copy_tree(root, twin_dir.path());
        let twin = Repository::open(twin_dir.path()).unwrap();
        let mut expected = twin.index().unwrap();
        for (path, _) in &changed {
            expected.add_path(Path::new(path)).unwrap();
        }
        expected.remove_path(Path::new("z.txt")).unwrap();

        match Staging::begin(&index_path, &updates).unwrap() {
            Staging::Ready(ready) => ready.finish().unwrap(),
            Staging::Unsupported(reason) => panic!("{reason}"),
        }
        let mut ours = Index::open(&index_path).unwrap();
        assert_eq!(listing(&ours), listing(&expected));
        // A stale cache tree would make these differ.
        let expected_tree = expected.write_tree_to(&repo).unwrap();
        assert_eq!(ours.write_tree_to(&repo).unwrap(), expected_tree);
        assert!(!index_path.with_extension("lock").exists());
    }

    #[test]
    fn an_abandoned_staging_releases_the_lock() {
        let (dir, repo) = repo_with_files(&["a.txt"]);
        let index_path = repo.path().join("index");
        let before = std::fs::read(&index_path).unwrap();
        write(dir.path(), "b.txt", "b");
        let meta = std::fs::metadata(dir.path().join("b.txt")).unwrap();
        let oid = repo.blob(b"b").unwrap();
        let updates = [Update {
            path: "b.txt",
            blob: Some((oid.as_bytes().try_into().unwrap(), &meta)),
        }];
        let staging = Staging::begin(&index_path, &updates).unwrap();
        assert!(index_path.with_extension("lock").exists());
        assert!(
            Staging::begin(&index_path, &updates).is_err(),
            "a second writer must wait for the lock"
        );
        drop(staging);
        assert!(!index_path.with_extension("lock").exists());
        assert_eq!(std::fs::read(&index_path).unwrap(), before);
    }

    #[test]
    fn a_change_made_between_reading_and_staging_is_kept() {
        let (dir, repo) = repo_with_files(&["a.txt"]);
        let index_path = repo.path().join("index");
        let snapshot = Snapshot::read(&index_path).unwrap();
        // Another git command adds a file after tkt read the index.
        write(dir.path(), "other.txt", "other");
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("other.txt")).unwrap();
        index.write().unwrap();
        write(dir.path(), "b.txt", "b");
        let meta = std::fs::metadata(dir.path().join("b.txt")).unwrap();
        let oid = repo.blob(b"b").unwrap();
        let updates = [Update {
            path: "b.txt",
            blob: Some((oid.as_bytes().try_into().unwrap(), &meta)),
        }];
        match snapshot.stage(&updates).unwrap() {
            Staging::Ready(ready) => ready.finish().unwrap(),
            Staging::Unsupported(reason) => panic!("{reason}"),
        }
        let paths: Vec<String> = listing(&Index::open(&index_path).unwrap())
            .into_iter()
            .map(|(p, _, _)| p)
            .collect();
        assert_eq!(paths, ["a.txt", "b.txt", "other.txt"]);
    }

    #[test]
    fn lookup_reads_the_entries_of_a_few_paths() {
        let (_dir, repo) = repo_with_files(&["a.txt", "dir/b.txt"]);
        let index_path = repo.path().join("index");
        let b = repo.blob(b"dir/b.txt").unwrap();
        let found = lookup(&index_path, &["dir/b.txt", "dir", "zzz"])
            .unwrap()
            .unwrap();
        assert_eq!(
            found,
            [
                Entry::Staged(b.as_bytes().try_into().unwrap()),
                Entry::Absent,
                Entry::Absent
            ]
        );
        let missing = lookup(&repo.path().join("no-index"), &["a.txt"]).unwrap();
        assert_eq!(missing.unwrap(), [Entry::Absent]);
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        let (_dir, repo) = repo_with_files(&["a.txt"]);
        let data = std::fs::read(repo.path().join("index")).unwrap();
        let mut corrupt = data.clone();
        corrupt[20] ^= 1;
        assert_eq!(
            rewrite(&corrupt, &[]).unwrap_err(),
            "index checksum does not match"
        );
        let mut v4 = data.clone();
        v4[7] = 4;
        let n = v4.len();
        let hash = Sha1::digest(&v4[..n - HASH]);
        v4[n - HASH..].copy_from_slice(&hash);
        assert_eq!(
            rewrite(&v4, &[]).unwrap_err(),
            "index version other than 2 or 3"
        );
        assert_eq!(
            rewrite(&data, &[]).unwrap(),
            data,
            "an empty update rewrites the same bytes"
        );
    }
}
