//! The audit trail of every ticket at once, for the site: one walk over
//! the history instead of one per ticket, and incremental after that.

use super::{commit_info, CommitInfo, Git};
use anyhow::Result;
use git2::{ErrorCode, Oid, Sort};
use std::collections::HashMap;
use std::path::Path;

/// Commits per ticket folio, oldest first, as of `head`.
#[derive(Debug, Default, Clone)]
pub struct Histories {
    /// The commit the walk stopped at; `None` for an unborn branch.
    pub head: Option<Oid>,
    pub by_ticket: HashMap<String, Vec<CommitInfo>>,
}

impl Histories {
    /// Every commit of a ticket, oldest first.
    pub fn of(&self, folio: &str) -> &[CommitInfo] {
        self.by_ticket.get(folio).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The on-disk form of `Histories`, in `.git/tkt/`.
#[derive(serde::Deserialize)]
struct CacheFile {
    version: u32,
    head: String,
    by_ticket: HashMap<String, Vec<CommitInfo>>,
}

/// The same, borrowed for writing: no copy of every commit.
#[derive(serde::Serialize)]
struct CacheFileRef<'a> {
    version: u32,
    head: String,
    by_ticket: &'a HashMap<String, Vec<CommitInfo>>,
}

const CACHE_VERSION: u32 = 1;

impl Git {
    /// Every ticket's audit trail. The result of the last walk is kept in
    /// `.git/tkt/` (like git's own commit-graph file), so a build only
    /// reads the commits made since; a missing, unreadable or outdated
    /// cache just means a full walk.
    pub fn cached_histories(&self, tickets_dir: &Path) -> Result<Histories> {
        let rel = self.relative(tickets_dir)?;
        let name = format!("histories-{}.json", rel.replace(['/', '\\'], "_"));
        let path = self.repo.path().join("tkt").join(name);
        let mut known = read_cache(&path).unwrap_or_default();
        let before = known.head;
        self.update_histories(tickets_dir, &mut known)?;
        if known.head != before {
            // A cache that cannot be written only costs speed.
            let _ = write_cache(&path, &known);
        }
        Ok(known)
    }

    /// Extends `known` with the commits made since its head and returns
    /// the folios those commits touched. tkt's commits name their tickets
    /// in trailers; other commits are compared folder by folder under
    /// `tickets_dir`.
    pub fn update_histories(
        &self,
        tickets_dir: &Path,
        known: &mut Histories,
    ) -> Result<Vec<String>> {
        let rel = self.relative(tickets_dir)?;
        let mut walk = self.repo.revwalk()?;
        match walk.push_head() {
            Ok(()) => {}
            Err(e) if e.code() == ErrorCode::UnbornBranch => return Ok(vec![]),
            Err(e) => return Err(e.into()),
        }
        if let Some(old) = known.head {
            if walk.hide(old).is_err() {
                *known = Histories::default();
                return self.update_histories(tickets_dir, known);
            }
            if !self.is_ancestor(old)? {
                // Local commits that a sync replayed on top of the
                // remote's (or a rebase): forget the old ones, and the
                // walk below adds them as they are now.
                self.forget_abandoned(old, known)?;
            }
        }
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let mut touched = Vec::new();
        for oid in walk {
            let commit = self.repo.find_commit(oid?)?;
            let message = commit.message().unwrap_or("");
            let folios = if message.lines().any(|l| l.starts_with("Action: ")) {
                message
                    .lines()
                    .filter_map(|l| l.strip_prefix("Ticket: "))
                    .map(str::to_string)
                    .collect()
            } else {
                self.folders_changed(&commit, &rel)?
            };
            for folio in folios {
                let list = known.by_ticket.entry(folio.clone()).or_default();
                list.push(commit_info(&commit));
                touched.push(folio);
            }
        }
        known.head = Some(self.repo.head()?.peel_to_commit()?.id());
        touched.sort();
        touched.dedup();
        Ok(touched)
    }

    /// Drops from `known` the commits of `old` that the current history no
    /// longer has.
    fn forget_abandoned(&self, old: Oid, known: &mut Histories) -> Result<()> {
        let mut gone = self.repo.revwalk()?;
        gone.push(old)?;
        gone.hide(self.repo.head()?.peel_to_commit()?.id())?;
        let gone: std::collections::HashSet<String> = gone
            .map(|oid| oid.map(|o| o.to_string()))
            .collect::<Result<_, _>>()?;
        for commits in known.by_ticket.values_mut() {
            commits.retain(|c| !gone.contains(&c.hash));
        }
        known.by_ticket.retain(|_, commits| !commits.is_empty());
        Ok(())
    }

    fn is_ancestor(&self, old: Oid) -> Result<bool> {
        let head = self.repo.head()?.peel_to_commit()?.id();
        Ok(head == old || self.repo.graph_descendant_of(head, old)?)
    }

    /// Folder names under `rel` whose tree differs from every parent's.
    fn folders_changed(&self, commit: &git2::Commit, rel: &str) -> Result<Vec<String>> {
        let entries = |c: &git2::Commit| -> Result<HashMap<String, Oid>> {
            let tree = c.tree()?;
            let Ok(entry) = tree.get_path(Path::new(rel)) else {
                return Ok(HashMap::new());
            };
            let Ok(sub) = self.repo.find_tree(entry.id()) else {
                return Ok(HashMap::new());
            };
            Ok(sub
                .iter()
                .filter_map(|e| Some((e.name()?.to_string(), e.id())))
                .collect())
        };
        let mine = entries(commit)?;
        let parents: Vec<HashMap<String, Oid>> = commit
            .parents()
            .map(|p| entries(&p))
            .collect::<Result<_>>()?;
        let mut names: Vec<String> = mine.keys().cloned().collect();
        for parent in &parents {
            names.extend(parent.keys().filter(|k| !mine.contains_key(*k)).cloned());
        }
        names.sort();
        names.dedup();
        names.retain(|name| {
            parents.is_empty() || parents.iter().all(|p| p.get(name) != mine.get(name))
        });
        Ok(names)
    }
}

fn read_cache(path: &Path) -> Option<Histories> {
    let bytes = std::fs::read(path).ok()?;
    let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
    if file.version != CACHE_VERSION {
        return None;
    }
    Some(Histories {
        head: Some(Oid::from_str(&file.head).ok()?),
        by_ticket: file.by_ticket,
    })
}

fn write_cache(path: &Path, histories: &Histories) -> Result<()> {
    let Some(head) = histories.head else {
        return Ok(());
    };
    let file = CacheFileRef {
        version: CACHE_VERSION,
        head: head.to_string(),
        by_ticket: &histories.by_ticket,
    };
    let dir = path.parent().expect("the cache lives in .git/tkt");
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer(std::io::BufWriter::new(tmp.as_file_mut()), &file)?;
    tmp.persist(path)?;
    Ok(())
}
