//! The audit rules (`tkt audit`): what a commit that touches the tracker
//! must look like for its history to count as an untampered audit trail.
//! Pure: the git edge reads each commit into [`CommitFacts`] and these
//! functions judge it.
//!
//! The rules:
//! - **trailers** — a commit that touches the tracker carries `Action:` and
//!   `Actor:` (and `Ticket:` when it touches a ticket), or carries none of
//!   them and is then a *hand edit*: listed, not a violation by itself
//!   (admins fix configuration by hand; the list shows who, when, what).
//!   Half a set of trailers is a violation.
//! - **append-only** — a timeline entry (`tickets/<folio>/replies/*.md`) is
//!   never modified or deleted after the commit that added it; moving a
//!   whole entry unchanged to another folio (a renumbering) is allowed.
//! - **actor** — an entry added by a tkt commit names that commit's
//!   `Actor:` as its `author`.
//! - **identity** — a tkt commit is authored with its actor's name and
//!   email as `helpdesk.yaml` held them at that commit.
//! - **signature** — with signing configured, a tkt commit's signature
//!   verifies (git's own check).

use crate::domain::model::Person;
use crate::domain::trailers;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How a commit changed one file of the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Added,
    Modified,
    Deleted,
}

/// One changed file: tracker-relative path, how, and its blob (new blob,
/// or the old one for a deletion) to recognise moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub kind: Kind,
    pub blob: String,
}

/// What the git edge read of one commit that touched the tracker.
#[derive(Debug, Clone)]
pub struct CommitFacts {
    pub hash: String,
    pub author: String,
    pub email: String,
    pub date: DateTime<Utc>,
    pub message: String,
    pub changes: Vec<FileChange>,
    /// The `author` front-matter field of each entry file this commit
    /// added, by path (`None`: the file has none).
    pub entry_authors: HashMap<String, Option<String>>,
    /// `helpdesk.yaml`'s people as of this commit.
    pub people: Vec<Person>,
    /// Whether git verified the commit's signature (`None`: not checked).
    pub signature_ok: Option<bool>,
}

/// A commit made without tkt's trailers: who, when, which files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandEdit {
    pub commit: String,
    pub author: String,
    pub email: String,
    pub date: DateTime<Utc>,
    pub files: Vec<String>,
}

/// A broken rule, with the commit and file it was found in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub commit: String,
    pub file: Option<String>,
    pub rule: String,
    pub message: String,
}

/// The result of an audit: what was checked and what was found, oldest
/// commit first. Also the form kept in the audit cache.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The last audited commit (`None`: an unborn branch).
    pub head: Option<String>,
    /// The commit the audit started after (`--since`), if any.
    pub since: Option<String>,
    /// Whether signatures were verified.
    pub signatures: bool,
    /// Commits walked, and how many of them touched the tracker.
    pub commits_checked: usize,
    pub tracker_commits: usize,
    pub hand_edits: Vec<HandEdit>,
    pub violations: Vec<Violation>,
}

impl Report {
    /// Adds one commit's verdict.
    pub fn add(&mut self, verdict: Verdict) {
        self.tracker_commits += 1;
        self.hand_edits.extend(verdict.hand_edit);
        self.violations.extend(verdict.violations);
    }
}

/// What one commit amounts to.
#[derive(Debug, Default)]
pub struct Verdict {
    pub hand_edit: Option<HandEdit>,
    pub violations: Vec<Violation>,
}

/// Whether a tracker-relative path is a timeline entry file.
pub fn is_entry(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(parts.as_slice(), ["tickets", _, "replies", name] if name.ends_with(".md"))
}

/// The `author` field of an entry file's YAML front-matter.
pub fn entry_author(text: &str) -> Option<String> {
    let rest = text.strip_prefix("---")?;
    rest.lines()
        .skip(1)
        .take_while(|l| l.trim_end() != "---")
        .find_map(|l| l.strip_prefix("author:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
}

/// The people of a `helpdesk.yaml` text, or none if it cannot be read
/// (then every tkt commit's identity is reported as unknown).
pub fn people_of(config: &str) -> Vec<Person> {
    #[derive(Deserialize)]
    struct PeopleOnly {
        #[serde(default)]
        people: Vec<Person>,
    }
    serde_yaml::from_str::<PeopleOnly>(config)
        .map(|p| p.people)
        .unwrap_or_default()
}

/// Judges one commit that touched the tracker.
pub fn judge(c: &CommitFacts) -> Verdict {
    let mut out = Verdict::default();
    let mut flag = |file: Option<&str>, rule: &str, message: String| {
        out.violations.push(Violation {
            commit: c.hash.clone(),
            file: file.map(str::to_string),
            rule: rule.to_string(),
            message,
        })
    };
    for change in tampered_entries(&c.changes) {
        let did = match change.kind {
            Kind::Modified => "modified",
            _ => "deleted",
        };
        flag(
            Some(&change.path),
            "append-only",
            format!("timeline entry {did} after it was added (entries are append-only)"),
        );
    }
    let action = trailers::value(&c.message, "Action");
    let actor = trailers::value(&c.message, "Actor");
    let (action, actor) = match (action, actor) {
        (None, None) => {
            out.hand_edit = Some(hand_edit(c));
            return out;
        }
        (Some(action), Some(actor)) => (action, actor),
        (Some(_), None) => {
            flag(
                None,
                "trailers",
                "`Action:` trailer without `Actor:`".into(),
            );
            return out;
        }
        (None, Some(_)) => {
            flag(
                None,
                "trailers",
                "`Actor:` trailer without `Action:`".into(),
            );
            return out;
        }
    };
    // A file inside a ticket's folder (not `tickets/.gitkeep`).
    let touches_tickets = c
        .changes
        .iter()
        .any(|f| f.path.starts_with("tickets/") && f.path.matches('/').count() >= 2);
    if touches_tickets && trailers::value(&c.message, "Ticket").is_none() {
        flag(
            None,
            "trailers",
            format!("`{action}` changes tickets/ but has no `Ticket:` trailer"),
        );
    }
    for (path, author) in sorted(&c.entry_authors) {
        if author.as_deref() != Some(actor) {
            flag(
                Some(path),
                "actor",
                format!(
                    "entry author is `{}` but the commit's `Actor:` is `{actor}`",
                    author.as_deref().unwrap_or("(none)")
                ),
            );
        }
    }
    match c.people.iter().find(|p| p.key == actor) {
        None => flag(
            None,
            "identity",
            format!("`Actor: {actor}` is nobody in helpdesk.yaml at this commit"),
        ),
        Some(p) if p.name != c.author || !p.email.eq_ignore_ascii_case(&c.email) => flag(
            None,
            "identity",
            format!(
                "authored by `{} <{}>`, but `{actor}` is `{} <{}>` in helpdesk.yaml",
                c.author, c.email, p.name, p.email
            ),
        ),
        Some(_) => {}
    }
    if c.signature_ok == Some(false) {
        flag(
            None,
            "signature",
            "the signature does not verify (`git verify-commit` failed)".into(),
        );
    }
    out
}

fn hand_edit(c: &CommitFacts) -> HandEdit {
    HandEdit {
        commit: c.hash.clone(),
        author: c.author.clone(),
        email: c.email.clone(),
        date: c.date,
        files: c.changes.iter().map(|f| f.path.clone()).collect(),
    }
}

fn sorted(map: &HashMap<String, Option<String>>) -> Vec<(&String, &Option<String>)> {
    let mut v: Vec<_> = map.iter().collect();
    v.sort();
    v
}

/// Entry files modified or deleted, less deletions that are one half of a
/// renumbering: the same file name and content added under another folio
/// in the same commit.
fn tampered_entries(changes: &[FileChange]) -> Vec<&FileChange> {
    let name = |p: &str| p.rsplit('/').next().unwrap_or("").to_string();
    let added: std::collections::HashSet<(String, &str)> = changes
        .iter()
        .filter(|f| f.kind == Kind::Added && is_entry(&f.path))
        .map(|f| (name(&f.path), f.blob.as_str()))
        .collect();
    changes
        .iter()
        .filter(|f| is_entry(&f.path))
        .filter(|f| match f.kind {
            Kind::Added => false,
            Kind::Modified => true,
            Kind::Deleted => !added.contains(&(name(&f.path), f.blob.as_str())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Role;

    fn ana() -> Person {
        Person {
            key: "ana".into(),
            name: "Ana Alves".into(),
            email: "ana@example.org".into(),
            role: Role::Admin,
        }
    }

    fn change(path: &str, kind: Kind, blob: &str) -> FileChange {
        FileChange {
            path: path.into(),
            kind,
            blob: blob.into(),
        }
    }

    fn commit(message: &str, changes: Vec<FileChange>) -> CommitFacts {
        CommitFacts {
            hash: "abc".into(),
            author: "Ana Alves".into(),
            email: "ana@example.org".into(),
            date: DateTime::default(),
            message: message.into(),
            changes,
            entry_authors: HashMap::new(),
            people: vec![ana()],
            signature_ok: None,
        }
    }

    const REPLY: &str = "TKT001: reply\n\nTicket: TKT001\nAction: reply\nActor: ana\n";
    const ENTRY: &str = "tickets/TKT001/replies/20260101T000000.000Z-ana-abc.md";

    #[test]
    fn a_tkt_commit_adding_its_actors_entry_passes() {
        let mut c = commit(REPLY, vec![change(ENTRY, Kind::Added, "1")]);
        c.entry_authors.insert(ENTRY.into(), Some("ana".into()));
        let v = judge(&c);
        assert!(v.violations.is_empty(), "{:?}", v.violations);
        assert!(v.hand_edit.is_none());
    }

    #[test]
    fn modified_and_deleted_entries_break_append_only() {
        let c = commit(
            "edit\n",
            vec![
                change(ENTRY, Kind::Modified, "2"),
                change("tickets/TKT001/replies/b.md", Kind::Deleted, "3"),
            ],
        );
        let v = judge(&c);
        assert_eq!(v.violations.len(), 2);
        assert!(v.violations.iter().all(|x| x.rule == "append-only"));
        assert_eq!(v.hand_edit.unwrap().files.len(), 2);
    }

    #[test]
    fn a_renumbering_move_is_allowed() {
        let c = commit(
            REPLY,
            vec![
                change("tickets/TKT001/replies/a.md", Kind::Deleted, "7"),
                change("tickets/TKT002/replies/a.md", Kind::Added, "7"),
            ],
        );
        assert!(judge(&c).violations.is_empty());
        // A move that changes the content is not a renumbering.
        let c = commit(
            REPLY,
            vec![
                change("tickets/TKT001/replies/a.md", Kind::Deleted, "7"),
                change("tickets/TKT002/replies/a.md", Kind::Added, "8"),
            ],
        );
        assert_eq!(judge(&c).violations[0].rule, "append-only");
    }

    #[test]
    fn forged_actor_and_identity_are_caught() {
        let forged = REPLY.replace("Actor: ana", "Actor: ben");
        let mut c = commit(&forged, vec![change(ENTRY, Kind::Added, "1")]);
        c.entry_authors.insert(ENTRY.into(), Some("ana".into()));
        let rules: Vec<String> = judge(&c).violations.into_iter().map(|v| v.rule).collect();
        assert_eq!(rules, ["actor", "identity"]);
        let mut c = commit(REPLY, vec![]);
        c.email = "mallory@example.org".into();
        assert_eq!(judge(&c).violations[0].rule, "identity");
    }

    #[test]
    fn half_a_set_of_trailers_and_bad_signatures_are_violations() {
        let c = commit("x\n\nAction: reply\n", vec![]);
        assert_eq!(judge(&c).violations[0].rule, "trailers");
        let mut c = commit(REPLY, vec![]);
        c.signature_ok = Some(false);
        assert_eq!(judge(&c).violations[0].rule, "signature");
    }

    #[test]
    fn entry_front_matter_and_paths() {
        assert_eq!(
            entry_author("---\nauthor: zoe\ndate: x\n---\nbody\nauthor: no\n"),
            Some("zoe".into())
        );
        assert_eq!(entry_author("---\ndate: x\n---\nauthor: no\n"), None);
        assert!(is_entry("tickets/TKT1/replies/a.md"));
        assert!(!is_entry("tickets/TKT1/ticket.md"));
        assert_eq!(
            people_of("people:\n- key: ana\n  name: A\n  email: a@x\n  role: admin\n").len(),
            1
        );
    }
}
