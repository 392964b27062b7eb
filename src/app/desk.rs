//! Everything a site is made from, loaded once: tickets with their
//! timelines, FAQ, canned answers and the git audit trail. The serve loop
//! keeps one `Desk` and reloads only what changed.

use crate::domain::lifeline::Lifeline;
use crate::domain::model::{is_future, Canned, Config, Entry, Faq, Folio, Ticket};
use crate::git::{Git, Histories};
use crate::store::{FileError, Tracker};
use anyhow::Result;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// One ticket with what its page needs.
#[derive(Debug, Clone)]
pub struct Record {
    pub ticket: Ticket,
    /// Entries oldest first, with their file names.
    pub timeline: Vec<(String, Entry)>,
    pub life: Lifeline,
    /// Attachments (of the ticket and its entries) that exist as plain
    /// files, not symlinks, in its `attachments/` folder.
    pub attachments: BTreeSet<String>,
    /// Plain text the search index holds for the ticket, made once at load.
    pub search_text: String,
}

/// The moment a site describes, and how many recorded times were later
/// than the clock and so left out of it (each reported by `tkt check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    pub at: DateTime<Utc>,
    pub future_times: usize,
}

/// The loaded tracker.
pub struct Desk {
    pub root: PathBuf,
    pub config: Config,
    /// Keyed by folio, so every list comes out in a stable order.
    pub tickets: BTreeMap<String, Record>,
    /// Bad files per ticket folio, so a reload replaces exactly its own.
    pub ticket_errors: BTreeMap<String, Vec<FileError>>,
    pub faq: Vec<(String, Faq)>,
    pub canned: Vec<(String, Canned)>,
    pub knowledge_errors: Vec<FileError>,
    pub histories: Histories,
}

impl Desk {
    /// Loads the whole tracker; the git history is walked on a second
    /// thread while the files are parsed.
    pub fn load(tracker: &Tracker) -> Result<Desk> {
        let tickets_dir = tracker.tickets_dir();
        let root = tracker.root.clone();
        let history = std::thread::spawn(move || -> Result<Histories> {
            match Git::open(&root) {
                Ok(git) => {
                    crate::clock::timed("git history", || git.cached_histories(&tickets_dir))
                }
                Err(_) => Ok(Histories::default()),
            }
        });
        let folios = tracker.folios()?;
        let mut desk = Desk {
            root: tracker.root.clone(),
            config: tracker.config.clone(),
            tickets: BTreeMap::new(),
            ticket_errors: BTreeMap::new(),
            faq: vec![],
            canned: vec![],
            knowledge_errors: vec![],
            histories: Histories::default(),
        };
        crate::clock::timed("read tickets", || desk.read_tickets(tracker, &folios));
        desk.reload_knowledge(tracker);
        desk.histories = crate::clock::timed("wait for git history", || history.join())
            .map_err(|_| anyhow::anyhow!("reading the git history failed"))??;
        Ok(desk)
    }

    /// Re-reads these tickets (a folio whose folder is gone is dropped).
    pub fn read_tickets(&mut self, tracker: &Tracker, folios: &[Folio]) {
        let loaded: Vec<(String, Option<Record>, Vec<FileError>)> = folios
            .par_iter()
            .map(|folio| {
                let (record, errors) = load_record(tracker, folio);
                (folio.as_str().to_string(), record, errors)
            })
            .collect();
        for (folio, record, errors) in loaded {
            match record {
                Some(record) => self.tickets.insert(folio.clone(), record),
                None => self.tickets.remove(&folio),
            };
            if errors.is_empty() {
                self.ticket_errors.remove(&folio);
            } else {
                self.ticket_errors.insert(folio, errors);
            }
        }
    }

    /// Re-reads `faq/` and `canned/`, keeping only entries with valid slugs.
    pub fn reload_knowledge(&mut self, tracker: &Tracker) {
        let faq = tracker.read_faq();
        let canned = tracker.read_canned();
        let mut errors = faq.errors;
        errors.extend(canned.errors);
        self.faq = keep_valid_slugs(faq.items, &tracker.root.join("faq"), &mut errors);
        self.canned = keep_valid_slugs(canned.items, &tracker.root.join("canned"), &mut errors);
        self.knowledge_errors = errors;
    }

    /// Brings the audit trails up to date with new commits; returns the
    /// folios whose history changed.
    pub fn reload_histories(&mut self, tracker: &Tracker) -> Result<Vec<String>> {
        match Git::open(&tracker.root) {
            Ok(git) => git.update_histories(&tracker.tickets_dir(), &mut self.histories),
            Err(_) => Ok(vec![]),
        }
    }

    /// Every bad file, in path order.
    pub fn errors(&self) -> Vec<&FileError> {
        let mut all: Vec<&FileError> = self
            .ticket_errors
            .values()
            .flatten()
            .chain(&self.knowledge_errors)
            .collect();
        all.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        all
    }

    /// The moment the site describes: the latest activity in the tracker
    /// (or `TKT_NOW`). Ages and SLA states are computed as of it, so two
    /// builds of the same tracker are identical. See [`Desk::as_of`].
    pub fn snapshot(&self) -> DateTime<Utc> {
        self.as_of().at
    }

    /// The snapshot time and the recorded times it left out. A time later
    /// than the clock (plus a few minutes of skew) is a hand edit or a
    /// wrong clock, which `tkt check` reports; taken at its word, one entry
    /// dated 2099 would make the whole site "as of 2099" and every ticket
    /// decades old and past its SLA. So only times up to now count.
    pub fn as_of(&self) -> AsOf {
        let now = crate::clock::now().unwrap_or_else(|_| Utc::now());
        let knowledge = self.faq.iter().flat_map(|(_, f)| [f.created, f.updated]);
        let times = self
            .tickets
            .values()
            .flat_map(|r| {
                let entries = r.timeline.iter().map(|(_, e)| e.date);
                [r.ticket.created, r.ticket.updated]
                    .into_iter()
                    .chain(entries)
            })
            .chain(knowledge.flatten());
        let mut latest = None;
        let mut ignored = 0;
        for at in times {
            if is_future(at, now) {
                ignored += 1;
            } else {
                latest = latest.max(Some(at));
            }
        }
        let pinned = std::env::var("TKT_NOW")
            .ok()
            .and_then(|t| t.parse::<DateTime<Utc>>().ok());
        AsOf {
            at: pinned.or(latest).unwrap_or_default(),
            future_times: ignored,
        }
    }

    pub fn ticket_dir(&self, folio: &str) -> PathBuf {
        self.root.join("tickets").join(folio)
    }
}

fn load_record(tracker: &Tracker, folio: &Folio) -> (Option<Record>, Vec<FileError>) {
    if !tracker.ticket_dir(folio).is_dir() {
        return (None, vec![]);
    }
    let ticket = match tracker.read_ticket(folio) {
        Ok(ticket) => ticket,
        Err(e) => return (None, vec![e]),
    };
    let loaded = tracker.read_timeline(folio);
    let timeline: Vec<(String, Entry)> = loaded
        .items
        .into_iter()
        .map(|(path, entry)| (file_name(&path), entry))
        .collect();
    let life = Lifeline::of(&ticket, timeline.iter().map(|(_, e)| e));
    let search_text = format!(
        "{} {} {} {}",
        ticket.tags.join(" "),
        ticket.related.as_deref().unwrap_or(""),
        crate::domain::text::markdown_plain_text(&ticket.description),
        ticket.solution.as_deref().unwrap_or("")
    );
    let folder = tracker.ticket_dir(folio).join("attachments");
    // A linked `attachments/` could point anywhere: then no file of it is
    // published (`read_ticket` already refused a linked ticket folder).
    let linked = tracker
        .check_folders(&Tracker::ticket_rel(folio).join("attachments"))
        .is_err();
    let attachments = ticket
        .attachments
        .iter()
        .chain(timeline.iter().flat_map(|(_, e)| &e.attachments))
        .filter(|name| {
            !linked
                && crate::domain::model::is_safe_attachment_name(name)
                && std::fs::symlink_metadata(folder.join(name)).is_ok_and(|m| m.is_file())
        })
        .cloned()
        .collect();
    (
        Some(Record {
            ticket,
            timeline,
            life,
            attachments,
            search_text,
        }),
        loaded.errors,
    )
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

fn keep_valid_slugs<T>(
    items: Vec<(String, T)>,
    dir: &std::path::Path,
    errors: &mut Vec<FileError>,
) -> Vec<(String, T)> {
    items
        .into_iter()
        .filter(|(slug, _)| {
            let ok = crate::domain::model::knowledge::is_valid_slug(slug);
            if !ok {
                errors.push(FileError {
                    path: dir.join(format!("{slug}.md")),
                    line: None,
                    message:
                        "the file name is not a valid slug (lowercase letters, digits and dashes)"
                            .into(),
                });
            }
            ok
        })
        .collect()
}
