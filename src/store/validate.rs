//! `tkt check`: every file of a tracker validated, every problem located.

use super::names::parse_entry_file_name;
use super::nofollow;
use super::read::markdown_files;
use super::{FileError, Tracker, CONFIG_FILE};
use crate::clock::timed;
use crate::domain::frontmatter::{self, line_of, TextError};
use crate::domain::model::knowledge::{is_valid_slug, Article};
use crate::domain::model::{Canned, Config, Entry, Faq, Folio, Problem, Role, Ticket};
use crate::git::Git;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::fs::DirEntry;
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

/// One ticket folder's findings: entry count, problems, its uid (with
/// the file it came from) for the duplicate check, and its files git does
/// not track (ignored ones are sorted out afterwards, on one thread).
struct TicketCheck {
    entries: usize,
    problems: Vec<FileError>,
    uid: Option<(String, PathBuf)>,
    untracked: Vec<PathBuf>,
}

/// What a ticket folder holds, read from its directory entries (no stat
/// per file): the timeline files to parse, the files git does not track,
/// and the problems with the rest.
#[derive(Default)]
struct Listing {
    has_ticket: bool,
    entries: Vec<PathBuf>,
    untracked: Vec<PathBuf>,
    problems: Vec<FileError>,
}

impl Tracker {
    /// Validates every file as of `now` (times after it, beyond a few
    /// minutes of clock skew, are in the future); problems are sorted by
    /// path and line.
    pub fn check(&self, now: DateTime<Utc>) -> CheckResult {
        let mut report = CheckResult::default();
        let git = Git::open(&self.root).ok();
        let tracked = git
            .as_ref()
            .and_then(|g| timed("check: read the git index", || g.tracked()).ok());
        let is_new = |path: &Path| tracked.as_ref().is_some_and(|t| !t.contains(path));
        let mut seen = Vec::new();
        let (folios, mut problems) = self.ticket_folders(&mut seen);
        let per_ticket: Vec<TicketCheck> = timed("check: tickets", || {
            folios
                .par_iter()
                .map(|(folio, dir)| self.check_ticket(folio, dir, now, &is_new))
                .collect()
        });
        problems.extend(self.config_problems());
        self.walk_outside_tickets(&self.root, git.as_ref(), &mut seen, &mut problems);
        let mut untracked: Vec<PathBuf> = seen.into_iter().filter(|p| is_new(p)).collect();
        let mut uids: HashMap<String, PathBuf> = HashMap::new();
        for ticket in per_ticket {
            report.tickets += 1;
            report.entries += ticket.entries;
            problems.extend(ticket.problems);
            untracked.extend(ticket.untracked);
            if let Some((uid, path)) = ticket.uid {
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
        if let Some(git) = &git {
            problems.extend(
                untracked
                    .iter()
                    .filter(|path| !git.is_ignored(path))
                    .map(|path| located(path, None, NOT_COMMITTED.into())),
            );
        }
        for path in self.article_files("faq") {
            report.faq += 1;
            problems.extend(self.check_article::<Faq>(&path, now));
        }
        for path in self.article_files("canned") {
            report.canned += 1;
            problems.extend(self.check_article::<Canned>(&path, now));
        }
        problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        report.problems = problems;
        report
    }

    /// What loading skips but writing refuses: people git cannot sign for.
    fn config_problems(&self) -> Vec<FileError> {
        let path = self.root.join(CONFIG_FILE);
        match self.config_text() {
            Ok(text) => self
                .config
                .signature_problems(&text)
                .into_iter()
                .map(|e| FileError::new(&path, e))
                .collect(),
            Err(e) => vec![located(&path, None, format!("{e:#}"))],
        }
    }

    /// Reports every symbolic link under `dir` without following any, and
    /// collects every other file into `seen`. `.git`, `tickets/` (checked
    /// folder by folder) and folders git ignores (such as the site `tkt
    /// build` writes) are not walked.
    fn walk_outside_tickets(
        &self,
        dir: &Path,
        git: Option<&Git>,
        seen: &mut Vec<PathBuf>,
        problems: &mut Vec<FileError>,
    ) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() {
                problems.push(link_problem(&path));
                seen.push(path);
            } else if !kind.is_dir() {
                seen.push(path);
            } else if entry.file_name() != ".git"
                && path != self.tickets_dir()
                && !git.is_some_and(|g| g.is_ignored(&path))
            {
                self.walk_outside_tickets(&path, git, seen, problems);
            }
        }
    }

    /// The `.md` files of `faq/` or `canned/`; none when the folder is a
    /// link (reported by `walk_outside_tickets`).
    fn article_files(&self, dir: &str) -> Vec<PathBuf> {
        match self.check_folders(Path::new(dir)) {
            Ok(()) => markdown_files(&self.root.join(dir)),
            Err(_) => vec![],
        }
    }

    /// Ticket folders, plus problems for anything in `tickets/` that is
    /// not one (a mistyped folder would otherwise vanish from every list)
    /// and for links, which are never followed. Files in `tickets/` go to
    /// `seen`.
    fn ticket_folders(&self, seen: &mut Vec<PathBuf>) -> (Vec<(Folio, PathBuf)>, Vec<FileError>) {
        let mut folios = Vec::new();
        let mut problems = Vec::new();
        if self.check_folders(Path::new("tickets")).is_err() {
            // A linked `tickets/` is reported by `walk_outside_tickets`.
            return (folios, problems);
        }
        let Ok(entries) = std::fs::read_dir(self.tickets_dir()) else {
            return (folios, problems);
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            let kind = entry.file_type().ok();
            if !kind.is_some_and(|k| k.is_dir()) {
                seen.push(path.clone());
            }
            if kind.is_some_and(|k| k.is_symlink()) {
                problems.push(link_problem(&path));
                continue;
            }
            if name.starts_with('.') {
                continue;
            }
            match self.config.folio.from_dir_name(&name) {
                Some(folio) if kind.is_some_and(|k| k.is_dir()) => folios.push((folio, path)),
                _ => problems.push(located(
                    &path,
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

    fn check_ticket(
        &self,
        folio: &Folio,
        dir: &Path,
        now: DateTime<Utc>,
        is_new: &IsNew<'_>,
    ) -> TicketCheck {
        let path = dir.join("ticket.md");
        let Listing {
            has_ticket,
            entries,
            untracked,
            mut problems,
        } = list_ticket_folder(dir, is_new);
        if !has_ticket {
            problems.push(located(dir, None, "ticket folder without ticket.md".into()));
        }
        let mut uid = None;
        let mut created = None;
        let parsed = has_ticket
            .then(|| check_document::<Ticket>(&path, Ticket::KEYS, &mut problems))
            .flatten();
        if let Some((mut ticket, body, text)) = parsed {
            ticket.description = body;
            self.ticket_problems(folio, &ticket, &path, &text, now, &mut problems);
            uid = Some((ticket.uid.clone(), path.clone()));
            created = Some(ticket.created);
        }
        for entry_path in &entries {
            self.check_entry(entry_path, created, now, &mut problems);
        }
        TicketCheck {
            entries: entries.len(),
            problems,
            uid,
            untracked,
        }
    }

    fn ticket_problems(
        &self,
        folio: &Folio,
        ticket: &Ticket,
        path: &Path,
        text: &str,
        now: DateTime<Utc>,
        problems: &mut Vec<FileError>,
    ) {
        if ticket.id != folio.as_str() {
            problems.push(located(
                path,
                line_of(text, "id:"),
                format!("id `{}` does not match its folder {folio}", ticket.id),
            ));
        }
        if ticket.description.trim().is_empty() {
            problems.push(located(
                path,
                None,
                "the description (the text after the front-matter) is empty".into(),
            ));
        }
        let found = ticket
            .problems(now)
            .into_iter()
            .chain(ticket_references(&self.config, ticket));
        problems.extend(found.map(|p| at_problem(path, text, p)));
        missing_attachments(path, text, &ticket.attachments, problems);
    }

    /// One timeline entry: its contents, and that its file name (which
    /// records when and by whom) agrees with them.
    fn check_entry(
        &self,
        path: &Path,
        created: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        problems: &mut Vec<FileError>,
    ) {
        let Some((mut entry, body, text)) = check_document::<Entry>(path, Entry::KEYS, problems)
        else {
            return;
        };
        entry.body = body;
        let mut found = entry.problems(now, created);
        if self.config.person(&entry.author).is_none() {
            found.push(Problem::at(
                "author:",
                format!("author `{}` is not a person in helpdesk.yaml", entry.author),
            ));
        }
        found.extend(file_name_problems(path, &entry));
        problems.extend(found.into_iter().map(|p| at_problem(path, &text, p)));
        missing_attachments(path, &text, &entry.attachments, problems);
    }

    /// FAQ entries and canned answers: a valid slug, a title, a body, and
    /// only categories the configuration knows.
    fn check_article<T: Article + DeserializeOwned>(
        &self,
        path: &Path,
        now: DateTime<Utc>,
    ) -> Vec<FileError> {
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
        for (key, at) in article.times() {
            if let Some(at) = at.filter(|at| crate::domain::model::is_future(*at, now)) {
                let problem = crate::domain::model::future_problem(key, at, now);
                problems.push(at_problem(path, &text, problem));
            }
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
    let text = match super::read::read_text(path) {
        Ok(text) => text,
        Err(e) => {
            problems.push(e);
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
    for e in frontmatter::timestamp_problems(split.yaml, split.yaml_first_line) {
        problems.push(FileError::new(path, e));
    }
    match frontmatter::parse_yaml::<T>(split.yaml, split.yaml_first_line) {
        Ok(meta) => Some((meta, frontmatter::normalise_body(split.body), text.clone())),
        Err(e) => {
            problems.push(FileError::new(path, e));
            None
        }
    }
}

/// Names in a ticket that must exist in config, and an assignee who may
/// work tickets (assignment only ever picks operators and admins).
fn ticket_references(config: &Config, t: &Ticket) -> Vec<Problem> {
    let mut out = Vec::new();
    match config.category(&t.category) {
        None => out.push(Problem::at(
            "category:",
            format!("unknown category `{}`", t.category),
        )),
        Some(category) => out.extend(
            category
                .check_form(&t.fields)
                .into_iter()
                .map(Problem::whole),
        ),
    }
    let people = [
        ("requester", Some(&t.requester)),
        ("assignee", t.assignee.as_ref()),
    ];
    for (role, key) in people {
        let Some(key) = key else { continue };
        match config.person(key) {
            None => out.push(Problem::at(
                format!("{role}:"),
                format!("{role} `{key}` is not a person in helpdesk.yaml"),
            )),
            Some(p) if role == "assignee" && p.role == Role::Requester => out.push(Problem::at(
                "assignee:",
                format!(
                    "assignee `{key}` is a requester; tickets are assigned only to operators and admins"
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

/// A timeline entry's file name records when and by whom it was written
/// (`<UTC time>-<author>-<6 characters>.md`); an entry whose contents say
/// otherwise was edited by hand after it was written.
fn file_name_problems(path: &Path, entry: &Entry) -> Vec<Problem> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let Some((at, author)) = parse_entry_file_name(&name) else {
        return vec![Problem::whole(format!(
            "`{name}` is not a timeline entry name: entries are named \
             <UTC time>-<author>-<6 letters or digits>.md, e.g. 20260331T100200.412Z-ben-k3x9q2.md"
        ))];
    };
    let mut out = Vec::new();
    if author != entry.author {
        out.push(Problem::at(
            "author:",
            format!(
                "author `{}` differs from the author in the file name (`{author}`); \
                 entries are written once and never change hands",
                entry.author
            ),
        ));
    }
    let at = chrono::SubsecRound::trunc_subsecs(at, 0);
    if at != entry.date {
        out.push(Problem::at(
            "date:",
            format!(
                "date {} differs from the time in the file name ({}); entries are written once and never redated",
                crate::domain::text::iso_utc(entry.date),
                crate::domain::text::iso_utc(at)
            ),
        ));
    }
    out
}

/// Attachments named by a document but not in `attachments/` as plain
/// files (a link is reported separately and never published).
fn missing_attachments(path: &Path, text: &str, names: &[String], problems: &mut Vec<FileError>) {
    let folder = path
        .parent()
        .map(|p| {
            if p.ends_with("replies") {
                p.parent().unwrap_or(p)
            } else {
                p
            }
        })
        .unwrap_or(path)
        .join("attachments");
    for name in names {
        let safe = crate::domain::model::is_safe_attachment_name(name);
        let present = std::fs::symlink_metadata(folder.join(name)).is_ok();
        if safe && !present {
            problems.push(located(
                path,
                line_of(text, name),
                format!("attachment `{name}` is missing from attachments/"),
            ));
        }
    }
}

/// Lists a ticket folder through its directory entries: the allowed
/// layout is `ticket.md`, `replies/` holding timeline entries and
/// `attachments/` holding files. Anything else is reported: a stray copy
/// (`Ticket.md`, `ticket.md.orig`, `replies/notes.txt`) is never read, so
/// an edit made there silently does nothing, and a link could point
/// anywhere on the machine.
fn list_ticket_folder(dir: &Path, is_new: &IsNew<'_>) -> Listing {
    let mut listing = Listing::default();
    for entry in read_entries(dir, &mut listing.problems) {
        let name = entry.file_name();
        let path = entry.path();
        listing.note_untracked(&entry, &path, is_new);
        match (name.to_str(), entry.file_type()) {
            (_, Ok(kind)) if kind.is_symlink() => listing.problems.push(link_problem(&path)),
            (Some("ticket.md"), Ok(kind)) if kind.is_file() => listing.has_ticket = true,
            (Some("replies"), Ok(kind)) if kind.is_dir() => {
                list_replies(&path, &mut listing, is_new)
            }
            (Some("attachments"), Ok(kind)) if kind.is_dir() => {
                list_attachments(&path, &mut listing, is_new)
            }
            _ => listing.problems.push(located(
                &path,
                None,
                "stray file: a ticket folder holds only ticket.md, replies/ and attachments/, \
                 and tkt reads nothing else; remove it or move its contents where they belong"
                    .into(),
            )),
        }
    }
    listing.entries.sort();
    listing
}

fn list_replies(dir: &Path, listing: &mut Listing, is_new: &IsNew<'_>) {
    for entry in read_entries(dir, &mut listing.problems) {
        let path = entry.path();
        let kind = entry.file_type().ok();
        listing.note_untracked(&entry, &path, is_new);
        if kind.is_some_and(|k| k.is_symlink()) {
            listing.problems.push(link_problem(&path));
        } else if kind.is_some_and(|k| k.is_file()) && path.extension().is_some_and(|x| x == "md") {
            // Read like any entry; a malformed name is reported with it.
            listing.entries.push(path);
        } else {
            listing.problems.push(located(
                &path,
                None,
                "stray file: replies/ holds only timeline entries named \
                 <UTC time>-<author>-<6 letters or digits>.md, and tkt reads nothing else"
                    .into(),
            ));
        }
    }
}

fn list_attachments(dir: &Path, listing: &mut Listing, is_new: &IsNew<'_>) {
    for entry in read_entries(dir, &mut listing.problems) {
        let path = entry.path();
        listing.note_untracked(&entry, &path, is_new);
        match entry.file_type() {
            Ok(kind) if kind.is_symlink() => listing.problems.push(link_problem(&path)),
            Ok(kind) if kind.is_file() => {}
            _ => listing.problems.push(located(
                &path,
                None,
                "stray folder: attachments/ holds only files".into(),
            )),
        }
    }
}

/// Whether git does not track a file (always `false` outside git).
type IsNew<'a> = dyn Fn(&Path) -> bool + Sync + 'a;

impl Listing {
    /// Keeps `path` if it is a file (or link) git does not track.
    fn note_untracked(&mut self, entry: &DirEntry, path: &Path, is_new: &IsNew<'_>) {
        let is_dir = entry.file_type().is_ok_and(|k| k.is_dir());
        if !is_dir && is_new(path) {
            self.untracked.push(path.to_path_buf());
        }
    }
}

/// The entries of a folder; one that cannot be listed is a problem.
fn read_entries(dir: &Path, problems: &mut Vec<FileError>) -> Vec<DirEntry> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok()).collect(),
        Err(e) => {
            problems.push(located(dir, None, format!("cannot list: {e}")));
            vec![]
        }
    }
}

const NOT_COMMITTED: &str = "not committed: git does not track this file, so it was left by \
     a hand edit or an interrupted change (tkt commits every file it writes); \
     commit it with git, or delete it";

/// A symbolic link, with where it points.
fn link_problem(path: &Path) -> FileError {
    located(path, None, nofollow::link_error(path).to_string())
}

/// A [`Problem`] located in the file it was found in.
fn at_problem(path: &Path, text: &str, problem: Problem) -> FileError {
    let line = problem.near.as_deref().and_then(|near| line_of(text, near));
    located(path, line, problem.message)
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
