//! `tkt check`: every file of a tracker validated, every problem located.

use super::read::markdown_files;
use super::{FileError, Tracker};
use crate::domain::frontmatter::{self, line_of, TextError};
use crate::domain::model::knowledge::{is_valid_slug, Article};
use crate::domain::model::{Canned, Config, Entry, Faq, Folio, Ticket};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Everything `tkt check` found.
#[derive(Debug, Default)]
pub struct CheckResult {
    pub problems: Vec<FileError>,
    pub tickets: usize,
    pub entries: usize,
    pub faq: usize,
    pub canned: usize,
}

/// One ticket folder's findings: entry count, problems, and its uid (with
/// the file it came from) for the duplicate check.
struct TicketCheck {
    entries: usize,
    problems: Vec<FileError>,
    uid: Option<(String, PathBuf)>,
}

impl Tracker {
    /// Validates every file; problems are sorted by path and line.
    pub fn check(&self) -> CheckResult {
        let mut report = CheckResult::default();
        let (folios, mut problems) = self.ticket_folders();
        let per_ticket: Vec<TicketCheck> = folios
            .par_iter()
            .map(|(folio, dir)| self.check_ticket(folio, dir))
            .collect();
        let mut uids: HashMap<String, PathBuf> = HashMap::new();
        for TicketCheck {
            entries,
            problems: found,
            uid,
        } in per_ticket
        {
            report.tickets += 1;
            report.entries += entries;
            problems.extend(found);
            if let Some((uid, path)) = uid {
                if let Some(first) = uids.get(&uid) {
                    let line = read_line_of(&path, "uid:");
                    problems.push(located(
                        &path,
                        line,
                        format!("uid {uid} is also used by {}", first.display()),
                    ));
                } else {
                    uids.insert(uid, path);
                }
            }
        }
        for path in markdown_files(&self.root.join("faq")) {
            report.faq += 1;
            problems.extend(self.check_article::<Faq>(&path));
        }
        for path in markdown_files(&self.root.join("canned")) {
            report.canned += 1;
            problems.extend(self.check_article::<Canned>(&path));
        }
        problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        report.problems = problems;
        report
    }

    /// Ticket folders, plus problems for anything in `tickets/` that is
    /// not one (a mistyped folder would otherwise vanish from every list).
    fn ticket_folders(&self) -> (Vec<(Folio, PathBuf)>, Vec<FileError>) {
        let mut folios = Vec::new();
        let mut problems = Vec::new();
        let Ok(entries) = std::fs::read_dir(self.tickets_dir()) else {
            return (folios, problems);
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            match self.config.folio.from_dir_name(&name) {
                Some(folio) if entry.path().is_dir() => folios.push((folio, entry.path())),
                _ => problems.push(located(
                    &entry.path(),
                    None,
                    format!(
                        "not a ticket folder: ticket folders are named like {}",
                        self.config.folio.folio(1)
                    ),
                )),
            }
        }
        folios.sort();
        (folios, problems)
    }

    fn check_ticket(&self, folio: &Folio, dir: &Path) -> TicketCheck {
        let path = dir.join("ticket.md");
        let mut problems = Vec::new();
        if !path.is_file() {
            problems.push(located(dir, None, "ticket folder without ticket.md".into()));
            return TicketCheck {
                entries: 0,
                problems,
                uid: None,
            };
        }
        let mut uid = None;
        if let Some((mut ticket, body, text)) =
            check_document::<Ticket>(&path, Ticket::KEYS, &mut problems)
        {
            ticket.description = body;
            if ticket.id != folio.as_str() {
                problems.push(located(
                    &path,
                    line_of(&text, "id:"),
                    format!("id `{}` does not match its folder {folio}", ticket.id),
                ));
            }
            if ticket.description.trim().is_empty() {
                problems.push(located(
                    &path,
                    None,
                    "the description (the text after the front-matter) is empty".into(),
                ));
            }
            for message in ticket
                .problems()
                .into_iter()
                .chain(ticket_references(&self.config, &ticket))
            {
                problems.push(located(&path, None, message));
            }
            for name in &ticket.attachments {
                if !dir.join("attachments").join(name).is_file() {
                    problems.push(located(
                        &path,
                        line_of(&text, name),
                        format!("attachment `{name}` is missing from attachments/"),
                    ));
                }
            }
            uid = Some((ticket.uid.clone(), path.clone()));
        }
        let entries = self.entry_paths(folio);
        for entry_path in &entries {
            if let Some((mut entry, body, text)) =
                check_document::<Entry>(entry_path, Entry::KEYS, &mut problems)
            {
                entry.body = body;
                let mut messages = entry.problems();
                if self.config.person(&entry.author).is_none() {
                    messages.push(format!(
                        "author `{}` is not a person in helpdesk.yaml",
                        entry.author
                    ));
                }
                for message in messages {
                    problems.push(located(entry_path, None, message));
                }
                for name in &entry.attachments {
                    if !dir.join("attachments").join(name).is_file() {
                        problems.push(located(
                            entry_path,
                            line_of(&text, name),
                            format!("attachment `{name}` is missing from attachments/"),
                        ));
                    }
                }
            }
        }
        TicketCheck {
            entries: entries.len(),
            problems,
            uid,
        }
    }

    /// FAQ entries and canned answers: a valid slug, a title, a body, and
    /// only categories the configuration knows.
    fn check_article<T: Article + DeserializeOwned>(&self, path: &Path) -> Vec<FileError> {
        let mut problems = Vec::new();
        slug_problem(path, &mut problems);
        let Some((article, body, text)) = check_document::<T>(path, T::KEYS, &mut problems) else {
            return problems;
        };
        if article.title().trim().is_empty() {
            problems.push(located(
                path,
                line_of(&text, "title:"),
                "title is empty".into(),
            ));
        }
        if body.trim().is_empty() {
            problems.push(located(
                path,
                None,
                "the text after the front-matter is empty".into(),
            ));
        }
        if T::TEMPLATE {
            if let Err(e) = crate::domain::canned::check_syntax(&body) {
                let line = e
                    .line
                    .and_then(|l| crate::domain::frontmatter::body_line_in_file(&text, l));
                problems.push(located(
                    path,
                    line,
                    format!("template error: {}", e.message),
                ));
            }
        }
        for c in article
            .categories()
            .filter(|c| self.config.category(c).is_none())
        {
            problems.push(located(
                path,
                line_of(&text, c),
                format!("unknown category `{c}`"),
            ));
        }
        if let Some(author) = article.author().filter(|a| self.config.person(a).is_none()) {
            problems.push(located(
                path,
                line_of(&text, "author:"),
                format!("author `{author}` is not a person in helpdesk.yaml"),
            ));
        }
        if let Some(source) = article.source() {
            let exists = self
                .config
                .folio
                .parse(source)
                .is_ok_and(|f| self.ticket_dir(&f).join("ticket.md").is_file());
            if !exists {
                problems.push(located(
                    path,
                    line_of(&text, "source:"),
                    format!("source `{source}` is not a ticket of this tracker"),
                ));
            }
        }
        problems
    }
}

/// Parses a document, recording parse errors and unknown keys; returns the
/// metadata, body and raw text when it parsed.
fn check_document<T: DeserializeOwned>(
    path: &Path,
    keys: &[&str],
    problems: &mut Vec<FileError>,
) -> Option<(T, String, String)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            problems.push(located(path, None, format!("cannot read: {e}")));
            return None;
        }
    };
    let split = match frontmatter::split(&text) {
        Ok(split) => split,
        Err(e) => {
            problems.push(FileError::new(path, e));
            return None;
        }
    };
    for (key, line) in frontmatter::top_level_keys(split.yaml, split.yaml_first_line) {
        if !keys.contains(&key.as_str()) {
            problems.push(FileError::new(
                path,
                TextError::at(
                    line,
                    format!("unknown key `{key}`; allowed: {}", keys.join(", ")),
                ),
            ));
        }
    }
    match frontmatter::parse_yaml::<T>(split.yaml, split.yaml_first_line) {
        Ok(meta) => Some((meta, frontmatter::normalise_body(split.body), text.clone())),
        Err(e) => {
            problems.push(FileError::new(path, e));
            None
        }
    }
}

/// Names in a ticket that must exist in config.
fn ticket_references(config: &Config, t: &Ticket) -> Vec<String> {
    let mut out = Vec::new();
    match config.category(&t.category) {
        None => out.push(format!("unknown category `{}`", t.category)),
        Some(category) => out.extend(category.check_form(&t.fields)),
    }
    let people = [
        ("requester", Some(&t.requester)),
        ("assignee", t.assignee.as_ref()),
    ];
    for (role, key) in people {
        if let Some(key) = key.filter(|k| config.person(k).is_none()) {
            out.push(format!("{role} `{key}` is not a person in helpdesk.yaml"));
        }
    }
    out
}

fn slug_problem(path: &Path, problems: &mut Vec<FileError>) {
    let slug = path.file_stem().unwrap_or_default().to_string_lossy();
    if !is_valid_slug(&slug) {
        problems.push(located(
            path,
            None,
            format!("`{slug}` is not a valid slug: use lowercase letters, digits and hyphens"),
        ));
    }
}

fn located(path: &Path, line: Option<usize>, message: String) -> FileError {
    FileError {
        path: path.to_path_buf(),
        line,
        message,
    }
}

fn read_line_of(path: &Path, needle: &str) -> Option<usize> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| line_of(&t, needle))
}
