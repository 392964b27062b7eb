//! Which files under the tracker git knows: `tkt check` reports a file in
//! the work tree that git does not track (and does not ignore) as left by
//! a hand edit or an interrupted change, since tkt commits every file it
//! writes. `tkt check` already lists every folder of the tracker, so it
//! asks the index about the files it saw instead of having git walk and
//! stat the work tree a second time (libgit2's status took as long as the
//! rest of `tkt check` on 10,000 tickets).

use super::Git;
use anyhow::{Context, Result};
use std::ops::Range;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The paths in the git index: the index file's bytes and where each
/// path lies in them, sorted as git sorts them, for binary search.
pub struct Tracked {
    /// The work tree's path and a `/`, as bytes.
    workdir: Vec<u8>,
    data: Vec<u8>,
    paths: Vec<Range<usize>>,
}

impl Tracked {
    /// Whether git tracks `path` (absolute, inside the work tree).
    pub fn contains(&self, path: &Path) -> bool {
        let Some(rel) = path.as_os_str().as_bytes().strip_prefix(&self.workdir[..]) else {
            return false;
        };
        self.paths
            .binary_search_by(|range| self.data[range.clone()].cmp(rel))
            .is_ok()
    }
}

impl Git {
    /// What the index tracks. tkt stages every file it commits, so for
    /// tkt's own files the index and HEAD agree. Read directly from the
    /// index file (~10 ms for 60,000 files, against ~130 ms through
    /// libgit2), or through libgit2 when the file is of a kind the fast
    /// reader does not know.
    pub fn tracked(&self) -> Result<Tracked> {
        let path = self.repo.path().join("index");
        let data = match std::fs::read(&path) {
            Ok(data) => data,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        if let Ok(paths) = super::index::path_ranges(&data) {
            return Ok(Tracked {
                workdir: self.workdir_prefix(),
                data,
                paths,
            });
        }
        self.tracked_by_libgit2()
    }

    fn tracked_by_libgit2(&self) -> Result<Tracked> {
        let index = self.repo.index().context("cannot read the git index")?;
        let mut data = Vec::new();
        let mut paths = Vec::new();
        for entry in index.iter() {
            paths.push(data.len()..data.len() + entry.path.len());
            data.extend_from_slice(&entry.path);
        }
        paths.sort_by(|a, b| data[a.clone()].cmp(&data[b.clone()]));
        Ok(Tracked {
            workdir: self.workdir_prefix(),
            data,
            paths,
        })
    }

    fn workdir_prefix(&self) -> Vec<u8> {
        let mut prefix = self.workdir.as_os_str().as_bytes().to_vec();
        if !prefix.ends_with(b"/") {
            prefix.push(b'/');
        }
        prefix
    }

    /// Whether git ignores `path` (absolute, inside the work tree), as
    /// `.gitignore` and `info/exclude` say; `false` when it cannot tell.
    pub fn is_ignored(&self, path: &Path) -> bool {
        path.strip_prefix(&self.workdir)
            .ok()
            .is_some_and(|rel| self.repo.is_path_ignored(rel).unwrap_or(false))
    }
}
