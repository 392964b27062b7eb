//! Reading tracker files into the model, with `path:line` errors.

use super::{nofollow, Tracker};
use crate::domain::frontmatter::{self, TextError};
use crate::domain::model::knowledge::{is_valid_slug, Article};
use crate::domain::model::{Canned, Entry, Faq, Folio, Ticket};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::fmt;
use std::path::{Path, PathBuf};

/// A file that could not be read or parsed, located for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl FileError {
    pub fn new(path: &Path, error: TextError) -> Self {
        FileError {
            path: path.to_path_buf(),
            line: error.line,
            message: error.message,
        }
    }

    /// The same error with its path relative to the working directory when
    /// it is below it, as a user typing commands there would write it.
    pub fn for_display(&self) -> FileError {
        let cwd = std::env::current_dir().unwrap_or_default();
        FileError {
            path: self
                .path
                .strip_prefix(&cwd)
                .unwrap_or(&self.path)
                .to_path_buf(),
            ..self.clone()
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for FileError {}

/// What a bulk read produced: the good files and every bad one.
pub struct Loaded<T> {
    pub items: Vec<T>,
    pub errors: Vec<FileError>,
}

/// Reads and parses one front-matter file (never through a link).
pub fn read_document<T: DeserializeOwned>(path: &Path) -> Result<(T, String), FileError> {
    let text = read_text(path)?;
    frontmatter::parse(&text).map_err(|e| FileError::new(path, e))
}

/// A tracker file's text, refusing a symbolic link.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    nofollow::read_to_string(path).map_err(|e| io_error(path, &e))
}

/// An I/O error located at `path`; a refused link is said as such.
pub fn io_error(path: &Path, e: &std::io::Error) -> FileError {
    let message = if nofollow::is_link_error(e) {
        e.to_string()
    } else {
        format!("cannot read: {e}")
    };
    FileError::new(path, TextError::general(message))
}

impl Tracker {
    /// Refuses a tracker-relative path whose folders include a symbolic
    /// link, naming the link.
    pub fn check_folders(&self, rel: &Path) -> Result<(), FileError> {
        nofollow::check_folders(&self.root, rel).map_err(|(path, e)| io_error(&path, &e))
    }
}

impl Tracker {
    /// Reads `tickets/<folio>/ticket.md`, checking that it is the ticket
    /// its folder says it is.
    pub fn read_ticket(&self, folio: &Folio) -> Result<Ticket, FileError> {
        self.check_folders(&Self::ticket_rel(folio))?;
        self.read_listed_ticket(folio)
    }

    /// [`Tracker::read_ticket`] for a folio [`Tracker::folios`] just
    /// listed: that listing already refused a linked `tickets/` and left
    /// out linked ticket folders, so the folders need no second `lstat`
    /// (two system calls per ticket, ~10 % of `tkt list`).
    pub(super) fn read_listed_ticket(&self, folio: &Folio) -> Result<Ticket, FileError> {
        let path = self.ticket_dir(folio).join("ticket.md");
        let text = read_text(&path)?;
        let (mut ticket, description): (Ticket, String) =
            frontmatter::parse(&text).map_err(|e| FileError::new(&path, e))?;
        ticket.description = description;
        if ticket.id != folio.as_str() {
            let line = frontmatter::line_of(&text, "id:");
            return Err(FileError {
                path,
                line,
                message: format!("id `{}` does not match its folder {folio}", ticket.id),
            });
        }
        Ok(ticket)
    }

    /// Reads every ticket in parallel. Bad files are returned, never dropped.
    pub fn read_all_tickets(&self) -> anyhow::Result<Loaded<Ticket>> {
        let folios = self.folios()?;
        let results: Vec<Result<Ticket, FileError>> = folios
            .par_iter()
            .map(|f| self.read_listed_ticket(f))
            .collect();
        Ok(split_results(results))
    }

    /// The timeline entry files of a ticket, oldest first; none when its
    /// `replies/` is reached through a link.
    pub fn entry_paths(&self, folio: &Folio) -> Vec<PathBuf> {
        self.replies(folio).unwrap_or_default()
    }

    fn replies(&self, folio: &Folio) -> Result<Vec<PathBuf>, FileError> {
        let rel = Self::ticket_rel(folio).join("replies");
        self.check_folders(&rel)?;
        Ok(markdown_files(&self.root.join(rel)))
    }

    /// Reads a ticket's timeline, ordered by date then file name.
    pub fn read_timeline(&self, folio: &Folio) -> Loaded<(PathBuf, Entry)> {
        let paths = match self.replies(folio) {
            Ok(paths) => paths,
            Err(e) => {
                return Loaded {
                    items: vec![],
                    errors: vec![e],
                }
            }
        };
        let results = paths
            .into_iter()
            .map(|path| {
                let (mut entry, body): (Entry, String) = read_document(&path)?;
                entry.body = body;
                Ok((path, entry))
            })
            .collect();
        let mut loaded = split_results(results);
        loaded
            .items
            .sort_by(|(pa, a), (pb, b)| a.date.cmp(&b.date).then_with(|| pa.cmp(pb)));
        loaded
    }

    /// Reads `faq/*.md` (slug, entry) in slug order.
    pub fn read_faq(&self) -> Loaded<(String, Faq)> {
        self.read_slug_dir("faq")
    }

    /// Reads `canned/*.md` (slug, answer) in slug order.
    pub fn read_canned(&self) -> Loaded<(String, Canned)> {
        self.read_slug_dir("canned")
    }

    /// Reads `faq/<slug>.md`; `None` when there is no such entry.
    pub fn read_faq_entry(&self, slug: &str) -> Option<Result<Faq, FileError>> {
        self.read_slug_file("faq", slug)
    }

    /// Reads `canned/<slug>.md`; `None` when there is no such answer.
    pub fn read_canned_answer(&self, slug: &str) -> Option<Result<Canned, FileError>> {
        self.read_slug_file("canned", slug)
    }

    fn read_slug_file<T: Article + DeserializeOwned>(
        &self,
        dir: &str,
        slug: &str,
    ) -> Option<Result<T, FileError>> {
        let path = self.root.join(dir).join(format!("{slug}.md"));
        let exists = std::fs::symlink_metadata(&path).is_ok();
        (is_valid_slug(slug) && exists).then(|| {
            self.check_folders(Path::new(dir))?;
            read_article(&path)
        })
    }

    fn read_slug_dir<T: Article + DeserializeOwned>(&self, dir: &str) -> Loaded<(String, T)> {
        if let Err(e) = self.check_folders(Path::new(dir)) {
            return Loaded {
                items: vec![],
                errors: vec![e],
            };
        }
        let results = markdown_files(&self.root.join(dir))
            .into_iter()
            .map(|path| {
                let slug = path
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .to_string();
                Ok((slug, read_article(&path)?))
            })
            .collect();
        split_results(results)
    }
}

/// Reads an FAQ entry or canned answer with its body.
fn read_article<T: Article + DeserializeOwned>(path: &Path) -> Result<T, FileError> {
    let (mut article, body): (T, String) = read_document(path)?;
    article.set_body(body);
    Ok(article)
}

/// The `.md` files directly inside `dir`, sorted; none if it is missing.
/// Symbolic links are left out (the caller checks that `dir` is none).
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        // The directory entry's own type: no stat call per file.
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    paths
}

fn split_results<T>(results: Vec<Result<T, FileError>>) -> Loaded<T> {
    let mut loaded = Loaded {
        items: Vec::with_capacity(results.len()),
        errors: Vec::new(),
    };
    for result in results {
        match result {
            Ok(item) => loaded.items.push(item),
            Err(e) => loaded.errors.push(e),
        }
    }
    loaded
}
