//! Field-wise three-way merge of a ticket changed on two clones.
//!
//! Timeline entries are separate files written once, so two clones' entries
//! simply add up; only `ticket.md`, the ticket's current state, can be
//! changed on both sides. A line-based text merge would mix two states into
//! one file with conflict markers, so the ticket is merged as values: each
//! field against the common ancestor, lists as sets. The result is built
//! from values and serialised afresh, so it can never hold a conflict
//! marker, and it is validated before it is returned. `tkt sync` and the
//! git merge driver both call [`merge_files`] (or [`merge`]); the rules are
//! in docs/FORMAT.md, "Merging concurrent edits".

use super::frontmatter;
use super::model::{Action, Entry, Problem, Status, Ticket};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// When a side last changed the ticket, overall and per field. The caller
/// derives it from the timeline entries the side added since the common
/// ancestor ([`Times::from_entries`]); a field without its own time takes
/// the side's latest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Times {
    pub latest: DateTime<Utc>,
    /// By front-matter key (`status`, `actions`, …).
    pub fields: BTreeMap<String, DateTime<Utc>>,
}

impl Times {
    /// One time for every field.
    pub fn at(latest: DateTime<Utc>) -> Times {
        Times {
            latest,
            fields: BTreeMap::new(),
        }
    }

    /// The times of the entries a side added: the latest date overall and,
    /// for each field an entry's changes name, the latest date it changed.
    /// `None` when there are no entries (the side did not act).
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Option<Times> {
        let mut times: Option<Times> = None;
        for entry in entries {
            let t = times.get_or_insert_with(|| Times::at(entry.date));
            t.latest = t.latest.max(entry.date);
            for change in &entry.changes {
                let key = ticket_key(&change.field).to_string();
                let at = t.fields.entry(key).or_insert(entry.date);
                *at = (*at).max(entry.date);
            }
        }
        times
    }

    fn of(&self, field: &str) -> DateTime<Utc> {
        let key = field.split('.').next().unwrap_or(field);
        self.fields
            .get(field)
            .or_else(|| self.fields.get(key))
            .copied()
            .unwrap_or(self.latest)
    }
}

/// The front-matter key a timeline change is about.
fn ticket_key(change_field: &str) -> &str {
    match change_field {
        "action" | "action-done" => "actions",
        "sla-rule" => "escalated",
        other => other,
    }
}

/// One side of a merge: the ticket as that clone has it, and when it was
/// changed there.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub ticket: &'a Ticket,
    pub times: &'a Times,
}

/// Which side of a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Ours,
    Theirs,
}

impl Which {
    fn other(self) -> Which {
        match self {
            Which::Ours => Which::Theirs,
            Which::Theirs => Which::Ours,
        }
    }
}

/// A change made on one side that the merge did not keep, because the
/// other side changed the same field later. The caller records it in the
/// timeline so both changes stay visible. Values are written as the
/// timeline writes them (`None`: absent, such as no assignee).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overridden {
    /// A front-matter key, `fields.<name>`, `actions: <text>` or `description`.
    pub field: String,
    pub kept: Option<String>,
    pub lost: Option<String>,
    /// The side whose change was lost.
    pub lost_side: Which,
}

/// The merged ticket and the changes it overrode.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub ticket: Ticket,
    pub overridden: Vec<Overridden>,
}

/// The merged `ticket.md` text and the changes it overrode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedFile {
    pub text: String,
    pub overridden: Vec<Overridden>,
}

/// Why two sides were not merged.
#[derive(Debug, Clone, PartialEq)]
pub enum MergeError {
    /// Two different tickets got the same folio on two clones (a
    /// registration collision): merging them would make one ticket of two.
    /// The caller renumbers one of them instead.
    DifferentTickets {
        id: String,
        ours_uid: String,
        theirs_uid: String,
    },
    /// A side's `ticket.md` could not be read as a ticket.
    Unreadable { side: &'static str, message: String },
    /// The merged ticket fails the ticket's own checks; only happens when
    /// an input already did (a hand edit), since merging keeps each field
    /// from a valid side.
    Invalid { id: String, problems: Vec<Problem> },
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::DifferentTickets {
                id,
                ours_uid,
                theirs_uid,
            } => write!(
                f,
                "{id} is two different tickets (uid {ours_uid} here, {theirs_uid} on the other \
                 side): the same folio was registered on two clones; run `tkt sync`, which \
                 gives one of them the next free folio"
            ),
            MergeError::Unreadable { side, message } => {
                write!(
                    f,
                    "cannot merge: {side} ticket.md is not a valid ticket: {message}"
                )
            }
            MergeError::Invalid { id, problems } => {
                let list: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
                write!(
                    f,
                    "cannot merge {id}: the merged ticket would be invalid ({}); fix the side \
                     that has this problem (`tkt check`) and merge again",
                    list.join("; ")
                )
            }
        }
    }
}

impl std::error::Error for MergeError {}

/// Merges a ticket changed on two sides against their common ancestor
/// (`None`: both sides added it, as when the same registration reached two
/// clones). See the module documentation and docs/FORMAT.md for the rules;
/// `now` is for the final validation.
pub fn merge(
    base: Option<&Ticket>,
    ours: Side,
    theirs: Side,
    now: DateTime<Utc>,
) -> Result<Merged, MergeError> {
    if ours.ticket.uid != theirs.ticket.uid {
        return Err(MergeError::DifferentTickets {
            id: ours.ticket.id.clone(),
            ours_uid: ours.ticket.uid.clone(),
            theirs_uid: theirs.ticket.uid.clone(),
        });
    }
    let mut m = Merger {
        ours,
        theirs,
        first: first_side(ours, theirs),
        overridden: Vec::new(),
    };
    let ticket = m.ticket(base);
    let problems = ticket.problems(now);
    if !problems.is_empty() {
        return Err(MergeError::Invalid {
            id: ticket.id,
            problems,
        });
    }
    Ok(Merged {
        ticket,
        overridden: m.overridden,
    })
}

/// Merges three `ticket.md` texts (`base` absent: both sides added the
/// file): parses them, merges the tickets with [`merge`] and writes the
/// result the way the store writes tickets.
pub fn merge_files(
    base: Option<&str>,
    ours: (&str, &Times),
    theirs: (&str, &Times),
    now: DateTime<Utc>,
) -> Result<MergedFile, MergeError> {
    let base = base.map(|t| read(t, "the common ancestor's")).transpose()?;
    let our_ticket = read(ours.0, "our")?;
    let their_ticket = read(theirs.0, "their")?;
    let merged = merge(
        base.as_ref(),
        Side {
            ticket: &our_ticket,
            times: ours.1,
        },
        Side {
            ticket: &their_ticket,
            times: theirs.1,
        },
        now,
    )?;
    Ok(MergedFile {
        text: write(&merged.ticket),
        overridden: merged.overridden,
    })
}

fn read(text: &str, side: &'static str) -> Result<Ticket, MergeError> {
    let (mut ticket, description): (Ticket, String) =
        frontmatter::parse(text).map_err(|e| MergeError::Unreadable {
            side,
            message: match e.line {
                Some(line) => format!("line {line}: {}", e.message),
                None => e.message,
            },
        })?;
    ticket.description = description;
    Ok(ticket)
}

/// As the store's `render_ticket`; serialising plain strings, enums and
/// times to YAML cannot fail.
fn write(ticket: &Ticket) -> String {
    frontmatter::join(ticket, &ticket.description).expect("a ticket always serialises to YAML")
}

/// The side whose order lists follow: the later one, and on equal times
/// the one that sorts last, so that swapping the sides gives the same file.
fn first_side(ours: Side, theirs: Side) -> Which {
    let key = |s: Side| (s.times.latest, format!("{:?}", s.ticket));
    if key(theirs) > key(ours) {
        Which::Theirs
    } else {
        Which::Ours
    }
}

struct Merger<'a> {
    ours: Side<'a>,
    theirs: Side<'a>,
    /// The later side: it wins ties of order in merged lists.
    first: Which,
    overridden: Vec<Overridden>,
}

impl Merger<'_> {
    fn side(&self, which: Which) -> Side<'_> {
        match which {
            Which::Ours => self.ours,
            Which::Theirs => self.theirs,
        }
    }

    fn ticket(&mut self, base: Option<&Ticket>) -> Ticket {
        let (o, t) = (self.ours.ticket, self.theirs.ticket);
        let mut m = o.clone();
        // Each line: merge one front-matter value of the three tickets.
        macro_rules! value {
            ($field:ident, $show:expr) => {
                m.$field = self.scalar(
                    stringify!($field),
                    base.map(|x| &x.$field),
                    &o.$field,
                    &t.$field,
                    $show,
                )
            };
        }
        value!(id, text);
        value!(subject, text);
        value!(status, shown);
        value!(priority, shown);
        value!(category, text);
        value!(requester, text);
        value!(assignee, optional);
        value!(created, time);
        value!(related, optional);
        value!(confidential, shown);
        value!(solution, optional);
        value!(escalated, shown);
        value!(faq, optional);
        // The link's hash stays out of the timeline's words.
        value!(follow_up, |v: &Option<String>| v
            .as_ref()
            .map(|_| "a follow-up link".to_string()));
        value!(description, text);
        m.fields = self.fields(base);
        m.tags = self.set(base.map(|x| &x.tags[..]), &o.tags, &t.tags);
        m.attachments = self.set(
            base.map(|x| &x.attachments[..]),
            &o.attachments,
            &t.attachments,
        );
        m.actions = self.actions(base);
        m.updated = o.updated.max(t.updated).max(m.created);
        self.keep_solution_of_resolved(&mut m);
        m
    }

    /// Three-way merge of one value. Changed on one side: that side.
    /// Changed on both to different values: the side that changed the
    /// field later (equal times: the value that sorts last, so the result
    /// does not depend on which side is "ours"); the other is reported.
    fn scalar<T: Clone + PartialEq + fmt::Debug>(
        &mut self,
        field: &str,
        base: Option<&T>,
        ours: &T,
        theirs: &T,
        show: fn(&T) -> Option<String>,
    ) -> T {
        if ours == theirs || base == Some(theirs) {
            return ours.clone();
        }
        if base == Some(ours) {
            return theirs.clone();
        }
        let key =
            |which: Which, v: &T| (self.side(which).times.of(field), show(v), format!("{v:?}"));
        let winner = if key(Which::Theirs, theirs) > key(Which::Ours, ours) {
            Which::Theirs
        } else {
            Which::Ours
        };
        let (kept, lost) = match winner {
            Which::Ours => (ours, theirs),
            Which::Theirs => (theirs, ours),
        };
        self.overridden.push(Overridden {
            field: field.to_string(),
            kept: show(kept),
            lost: show(lost),
            lost_side: winner.other(),
        });
        kept.clone()
    }

    /// Form answers, key by key (a key absent on a side is `None` there).
    fn fields(&mut self, base: Option<&Ticket>) -> BTreeMap<String, String> {
        let (o, t) = (&self.ours.ticket.fields, &self.theirs.ticket.fields);
        let keys: BTreeSet<&String> = o.keys().chain(t.keys()).collect();
        let mut out = BTreeMap::new();
        for key in keys {
            let b = base.map(|b| b.fields.get(key).cloned());
            let merged = self.scalar(
                &format!("fields.{key}"),
                b.as_ref(),
                &o.get(key).cloned(),
                &t.get(key).cloned(),
                optional,
            );
            if let Some(v) = merged {
                out.insert(key.clone(), v);
            }
        }
        out
    }

    /// Tags and attachment names as sets: an item stays unless a side
    /// removed it; an item added on either side is added. Order: the later
    /// side's, then the other side's additions.
    fn set(&self, base: Option<&[String]>, ours: &[String], theirs: &[String]) -> Vec<String> {
        let (first, second) = self.ordered(ours, theirs);
        let base: BTreeSet<&String> = base.unwrap_or_default().iter().collect();
        let keep = |x: &String, other: &[String]| other.contains(x) || !base.contains(x);
        let mut out: Vec<String> = Vec::new();
        for x in first.iter().filter(|x| keep(x, second)) {
            if !out.contains(x) {
                out.push(x.clone());
            }
        }
        for x in second.iter().filter(|x| keep(x, first)) {
            if !out.contains(x) {
                out.push(x.clone());
            }
        }
        out
    }

    fn ordered<'s, T>(&self, ours: &'s [T], theirs: &'s [T]) -> (&'s [T], &'s [T]) {
        match self.first {
            Which::Ours => (ours, theirs),
            Which::Theirs => (theirs, ours),
        }
    }

    /// The to-do list as a set keyed by the action's text (the n-th action
    /// with a given text matches the n-th on the other side). An action
    /// added on a side is added; removed on one side and untouched on the
    /// other, it is removed; changed on both, it is done if either side
    /// did it, else the later side's version (or removal) is kept.
    fn actions(&mut self, base: Option<&Ticket>) -> Vec<Action> {
        let keyed = |list: &[Action]| -> BTreeMap<ActionKey, Action> {
            action_keys(list)
                .into_iter()
                .zip(list.iter().cloned())
                .collect()
        };
        let (o, t) = (&self.ours.ticket.actions, &self.theirs.ticket.actions);
        let b = keyed(base.map(|b| &b.actions[..]).unwrap_or_default());
        let (ko, kt) = (keyed(o), keyed(t));
        // The later side's order, then the other side's additions.
        let (first, second) = self.ordered(o, t);
        let mut order = action_keys(first);
        let placed: BTreeSet<ActionKey> = order.iter().cloned().collect();
        order.extend(
            action_keys(second)
                .into_iter()
                .filter(|k| !placed.contains(k)),
        );
        let mut out = Vec::new();
        for key in order {
            let merged = self.action(b.get(&key), ko.get(&key), kt.get(&key), &key.0);
            out.extend(merged);
        }
        out
    }

    fn action(
        &mut self,
        base: Option<&Action>,
        ours: Option<&Action>,
        theirs: Option<&Action>,
        text: &str,
    ) -> Option<Action> {
        match (ours, theirs) {
            (Some(o), Some(t)) if o.done != t.done && base != Some(o) && base != Some(t) => {
                // Doing an action is never undone by a concurrent edit.
                Some(if o.done { o.clone() } else { t.clone() })
            }
            // Done on both sides: no conflict; the first to do it did it.
            (Some(o), Some(t)) if o.done && t.done && o != t => {
                let key = |a: &Action| (a.when, format!("{a:?}"));
                Some(if key(o) <= key(t) {
                    o.clone()
                } else {
                    t.clone()
                })
            }
            // Added on one side only.
            (Some(a), None) | (None, Some(a)) if base.is_none() => Some(a.clone()),
            // Removed on one side: gone if the other left it alone; if the
            // other changed it, the later of the two wins like any field.
            _ => self.scalar(
                &format!("actions: {text}"),
                Some(&base.cloned()),
                &ours.cloned(),
                &theirs.cloned(),
                describe_action,
            ),
        }
    }

    /// Merging keeps each field from a valid side, but `status` and
    /// `solution` are checked together: a resolved status taken from one
    /// side needs a solution, which that side has.
    fn keep_solution_of_resolved(&self, m: &mut Ticket) {
        if m.status == Status::Resolved && m.solution.is_none() {
            let (first, second) = self.ordered_sides();
            let sides = [first.ticket, second.ticket];
            let resolved = sides.iter().find(|t| t.status == Status::Resolved);
            m.solution = resolved
                .and_then(|t| t.solution.clone())
                .or_else(|| sides.iter().find_map(|t| t.solution.clone()));
        }
    }

    fn ordered_sides(&self) -> (Side<'_>, Side<'_>) {
        (self.side(self.first), self.side(self.first.other()))
    }
}

/// Takes `&String` (not `&str`) to fit `scalar`'s `fn(&T)` for `T = String`.
#[allow(clippy::ptr_arg)]
fn text(v: &String) -> Option<String> {
    Some(v.clone())
}

/// An action's text and which occurrence of that text in its list it is.
type ActionKey = (String, usize);

fn action_keys(list: &[Action]) -> Vec<ActionKey> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    list.iter()
        .map(|a| {
            let n = seen.entry(&a.text).or_default();
            *n += 1;
            (a.text.clone(), *n)
        })
        .collect()
}

fn optional(v: &Option<String>) -> Option<String> {
    v.clone()
}

fn shown<T: fmt::Display>(v: &T) -> Option<String> {
    Some(v.to_string())
}

fn time(v: &DateTime<Utc>) -> Option<String> {
    Some(crate::domain::text::iso_utc(*v))
}

fn describe_action(a: &Option<Action>) -> Option<String> {
    a.as_ref().map(|a| {
        let state = if a.done { "done" } else { "to do" };
        match &a.who {
            Some(who) => format!("{} ({state}, {who})", a.text),
            None => format!("{} ({state})", a.text),
        }
    })
}

#[cfg(test)]
mod tests;
