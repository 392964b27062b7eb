//! Every ticket with its lifeline, for reports and SLA lists. Reading
//! 10,000 tickets and their 50,000 timeline files takes ~0.4 s, so the
//! results are kept in `.git/tkt/lifelines.json`, each under a fingerprint
//! of its ticket's files (name, size, modification time and inode of
//! `ticket.md` and of every file in `replies/`). A ticket whose fingerprint
//! changed, by tkt or by hand, is read again; a lost or unreadable cache
//! only costs speed.

use super::read::{FileError, Loaded};
use super::Tracker;
use crate::domain::lifeline::Lifeline;
use crate::domain::model::{Folio, Ticket};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Bump whenever `Lifeline::of` reads a timeline differently, so caches
/// made by older builds are thrown away.
const CACHE_VERSION: u32 = 3;

#[derive(Serialize, Deserialize, Default)]
struct CacheFile {
    version: u32,
    tickets: HashMap<String, Cached>,
}

#[derive(Serialize, Deserialize, Clone)]
struct Cached {
    fingerprint: u64,
    ticket: Ticket,
    life: Lifeline,
}

impl Tracker {
    /// Every ticket, whole, with its lifeline. A bad entry file is reported
    /// and left out of its ticket's lifeline; a bad ticket file leaves the
    /// ticket out.
    pub fn read_lifelines(&self) -> anyhow::Result<Loaded<(Ticket, Lifeline)>> {
        let cache_path = crate::git::Git::open(&self.root)
            .ok()
            .map(|git| git.cache_dir().join("lifelines.json"));
        let mut cache = crate::clock::timed("read lifeline cache", || {
            cache_path
                .as_deref()
                .and_then(read_cache)
                .unwrap_or_default()
        });
        let folios = self.folios()?;
        let prints: Vec<Option<u64>> = crate::clock::timed("fingerprints", || {
            folios
                .par_iter()
                .map(|f| fingerprint(&self.ticket_dir(f)))
                .collect()
        });
        let stale: Vec<(&Folio, Option<u64>)> = folios
            .iter()
            .zip(prints)
            .filter(|(f, print)| {
                print.is_none() || cache.tickets.get(f.as_str()).map(|c| c.fingerprint) != *print
            })
            .collect();
        let fresh: Vec<(&Folio, Option<Cached>, Vec<FileError>)> = stale
            .par_iter()
            .map(|(folio, print)| {
                let (cached, errors) = self.read_for_cache(folio, *print);
                (*folio, cached, errors)
            })
            .collect();
        let mut errors = Vec::new();
        for (folio, cached, errs) in fresh {
            errors.extend(errs);
            match cached {
                Some(c) => cache.tickets.insert(folio.as_str().to_string(), c),
                None => cache.tickets.remove(folio.as_str()),
            };
        }
        let mut items = Vec::with_capacity(folios.len());
        let changed = !stale.is_empty() || cache.tickets.len() != folios.len();
        if changed {
            let live: std::collections::HashSet<&str> = folios.iter().map(|f| f.as_str()).collect();
            cache.tickets.retain(|k, _| live.contains(k.as_str()));
            if let Some(path) = &cache_path {
                // A cache that cannot be written only costs speed.
                let _ = write_cache(path, &cache);
            }
        }
        for folio in &folios {
            if let Some(c) = cache.tickets.remove(folio.as_str()) {
                items.push((c.ticket, c.life));
            }
        }
        Ok(Loaded { items, errors })
    }

    fn read_for_cache(
        &self,
        folio: &Folio,
        print: Option<u64>,
    ) -> (Option<Cached>, Vec<FileError>) {
        // Folios from `folios()`, which leaves out linked folders.
        let ticket = match self.read_listed_ticket(folio) {
            Ok(ticket) => ticket,
            Err(e) => return (None, vec![e]),
        };
        let timeline = self.read_timeline(folio);
        let life = Lifeline::of(&ticket, timeline.items.iter().map(|(_, e)| e));
        // A ticket with bad entries is read again next time, so its
        // errors are reported every time.
        let print = print.filter(|_| timeline.errors.is_empty());
        let cached = Cached {
            fingerprint: print.unwrap_or(0),
            ticket,
            life,
        };
        (Some(cached), timeline.errors)
    }
}

/// A hash of the names, sizes, modification times and inodes of a
/// ticket's files; `None` if the folder cannot be listed.
fn fingerprint(dir: &Path) -> Option<u64> {
    let mut files: Vec<(std::ffi::OsString, i64, i64, u64, u64)> = Vec::new();
    let stat = |m: &std::fs::Metadata| (m.mtime(), m.mtime_nsec(), m.size(), m.ino());
    let main = std::fs::symlink_metadata(dir.join("ticket.md")).ok()?;
    let (s, ns, size, ino) = stat(&main);
    files.push(("ticket.md".into(), s, ns, size, ino));
    if let Ok(entries) = std::fs::read_dir(dir.join("replies")) {
        for entry in entries.flatten() {
            let meta = entry.metadata().ok()?;
            let (s, ns, size, ino) = stat(&meta);
            files.push((entry.file_name(), s, ns, size, ino));
        }
    }
    files.sort_unstable();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    files.hash(&mut hasher);
    Some(hasher.finish().max(1))
}

fn read_cache(path: &Path) -> Option<CacheFile> {
    let bytes = std::fs::read(path).ok()?;
    let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
    (file.version == CACHE_VERSION).then_some(file)
}

fn write_cache(path: &Path, cache: &CacheFile) -> anyhow::Result<()> {
    let dir = path.parent().expect("the cache lives in .git/tkt");
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer(
        std::io::BufWriter::new(tmp.as_file_mut()),
        &CacheRef {
            version: CACHE_VERSION,
            tickets: &cache.tickets,
        },
    )?;
    tmp.persist(path)?;
    Ok(())
}

#[derive(Serialize)]
struct CacheRef<'a> {
    version: u32,
    tickets: &'a HashMap<String, Cached>,
}
