//! Safe folios across clones. Folios are allocated on each clone as the
//! next number, so two clones can register different tickets under the
//! same folio while apart. At sync, a ticket registered on this clone and
//! not yet pushed whose folio the remote already gave to another ticket
//! moves to the next free folio, before anything is pushed: the remote's
//! tickets never change number, and a pushed folio is final.
//!
//! Pure: which tickets move where, and how paths, texts and commit
//! messages of the unpushed work are rewritten to follow them.

use super::model::{Folio, FolioFormat};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A ticket registered by this clone's unpushed work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub folio: Folio,
    pub uid: String,
}

/// One ticket moved to another folio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renumber {
    pub old: Folio,
    pub new: Folio,
    pub uid: String,
}

/// A ticket that moved to another folio at sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Renumbered {
    pub old: String,
    pub new: String,
    pub uid: String,
    pub subject: String,
    /// Where the old folio was already taken, e.g. `origin/main`.
    pub taken_on: String,
    pub when: DateTime<Utc>,
}

/// Which unpushed registrations must move: those whose folio the remote
/// holds under another `uid`. Each gets the next folio that neither side
/// uses, in folio order, so the clone's own order is kept among them.
/// `remote`: the `uid` of the remote's ticket at each registration's
/// number, where it has one; `used`: every folio number on either side.
pub fn plan(
    format: &FolioFormat,
    registrations: &[Registration],
    remote: &HashMap<u64, String>,
    used: &BTreeSet<u64>,
) -> Vec<Renumber> {
    let mut clashing: Vec<&Registration> = registrations
        .iter()
        .filter(|r| remote.get(&r.folio.number).is_some_and(|uid| *uid != r.uid))
        .collect();
    clashing.sort_by_key(|r| r.folio.number);
    let highest = used.iter().copied().max().unwrap_or(0);
    clashing
        .into_iter()
        .zip(highest + 1..)
        .map(|(r, number)| Renumber {
            old: r.folio.clone(),
            new: format.folio(number),
            uid: r.uid.clone(),
        })
        .collect()
}

/// Rewrites unpushed work so that it follows renumbered tickets.
#[derive(Debug, Clone)]
pub struct Renumbering {
    prefix: String,
    format: FolioFormat,
    /// Old folio number → new folio.
    moves: BTreeMap<u64, Folio>,
    /// The old ticket folders (`tickets/TKT028/`, relative to the
    /// repository root) → the new ones.
    folders: Vec<(String, String)>,
}

impl Renumbering {
    /// `tickets_dir`: the tracker's `tickets` folder relative to the
    /// repository root (`tickets`, or `helpdesk/tickets` in a subfolder).
    pub fn new(format: &FolioFormat, moves: &[Renumber], tickets_dir: &str) -> Renumbering {
        Renumbering {
            prefix: format.prefix.clone(),
            format: format.clone(),
            moves: moves
                .iter()
                .map(|m| (m.old.number, m.new.clone()))
                .collect(),
            folders: moves
                .iter()
                .map(|m| {
                    (
                        format!("{tickets_dir}/{}/", m.old),
                        format!("{tickets_dir}/{}/", m.new),
                    )
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }

    /// A path inside a moved ticket's folder, in the new folder.
    pub fn path(&self, path: &str) -> Option<String> {
        self.folders.iter().find_map(|(old, new)| {
            path.strip_prefix(old.as_str())
                .map(|rest| format!("{new}{rest}"))
        })
    }

    /// Every mention of a moved folio in `text` (a whole word: `TKT028`,
    /// not `TKT0281` or `XTKT028`) replaced by its new folio; `None` when
    /// there is none.
    pub fn text(&self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut changed = false;
        while let Some(at) = rest.find(&self.prefix) {
            let before = rest[..at].chars().next_back().or(out.chars().next_back());
            let after = &rest[at + self.prefix.len()..];
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let token = &rest[at..at + self.prefix.len() + digits];
            let whole_word = !before.is_some_and(|c| c.is_alphanumeric())
                && !after[digits..].starts_with(|c: char| c.is_alphanumeric());
            let moved = whole_word
                .then(|| self.format.number_of_dir(token))
                .flatten()
                .and_then(|number| self.moves.get(&number));
            out.push_str(&rest[..at]);
            match moved {
                Some(new) => {
                    out.push_str(new.as_str());
                    changed = true;
                }
                None => out.push_str(token),
            }
            rest = &rest[at + token.len()..];
        }
        out.push_str(rest);
        changed.then_some(out)
    }

    /// As [`Renumbering::text`], but only in the lines the unpushed work
    /// wrote: lines already in `base` (the file as the clones last shared
    /// it) may mention the remote's ticket of that number, and stay.
    pub fn written_lines(&self, base: Option<&str>, text: &str) -> Option<String> {
        let Some(base) = base else {
            return self.text(text);
        };
        let shared: std::collections::HashSet<&str> = base.lines().collect();
        let mut changed = false;
        let lines: Vec<String> = text
            .split_inclusive('\n')
            .map(|line| {
                let bare = line.trim_end_matches(['\n', '\r']);
                match (!shared.contains(bare)).then(|| self.text(line)).flatten() {
                    Some(rewritten) => {
                        changed = true;
                        rewritten
                    }
                    None => line.to_string(),
                }
            })
            .collect();
        changed.then(|| lines.concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format() -> FolioFormat {
        FolioFormat::default()
    }

    fn registration(number: u64, uid: &str) -> Registration {
        Registration {
            folio: format().folio(number),
            uid: uid.into(),
        }
    }

    fn renumbering(pairs: &[(u64, u64)]) -> Renumbering {
        let moves: Vec<Renumber> = pairs
            .iter()
            .map(|&(old, new)| Renumber {
                old: format().folio(old),
                new: format().folio(new),
                uid: format!("u{old}"),
            })
            .collect();
        Renumbering::new(&format(), &moves, "tickets")
    }

    #[test]
    fn only_folios_the_remote_gave_to_another_ticket_move_past_every_used_number() {
        let remote = HashMap::from([(27, "a".into()), (28, "b".into()), (29, "mine29".into())]);
        let local = BTreeSet::from([1, 27, 28, 29, 30]);
        let ours = [
            registration(28, "mine28"),
            registration(29, "mine29"),
            registration(30, "mine30"),
        ];
        let moves = plan(&format(), &ours, &remote, &local);
        assert_eq!(
            moves,
            vec![Renumber {
                old: format().folio(28),
                new: format().folio(31),
                uid: "mine28".into()
            }]
        );
    }

    #[test]
    fn several_clashes_keep_their_order() {
        let remote = HashMap::from([(3, "a".into()), (4, "b".into()), (5, "c".into())]);
        let local = BTreeSet::from([1, 2, 3, 4, 5]);
        let ours = [registration(4, "y"), registration(3, "x")];
        let moves = plan(&format(), &ours, &remote, &local);
        let pairs: Vec<(u64, u64)> = moves.iter().map(|m| (m.old.number, m.new.number)).collect();
        assert_eq!(pairs, vec![(3, 6), (4, 7)]);
    }

    #[test]
    fn paths_in_a_moved_folder_follow_it() {
        let r = renumbering(&[(28, 31)]);
        assert_eq!(
            r.path("tickets/TKT028/replies/x.md").as_deref(),
            Some("tickets/TKT031/replies/x.md")
        );
        assert_eq!(r.path("tickets/TKT0281/ticket.md"), None);
        assert_eq!(r.path("faq/TKT028.md"), None);
    }

    #[test]
    fn whole_word_mentions_are_rewritten_and_nothing_else() {
        let r = renumbering(&[(28, 31), (31, 32)]);
        assert_eq!(
            r.text("id: TKT028\nsee TKT028, TKT0281, XTKT028, TKT028a and (TKT031).")
                .unwrap(),
            "id: TKT031\nsee TKT031, TKT0281, XTKT028, TKT028a and (TKT032)."
        );
        assert_eq!(r.text("TKT027 and TKT"), None);
        assert_eq!(r.text("TKT028").unwrap(), "TKT031");
        assert_eq!(r.text("é TKT028é").as_deref(), None);
    }

    #[test]
    fn only_lines_the_unpushed_work_wrote_are_rewritten() {
        let r = renumbering(&[(28, 31)]);
        let base = "subject: x\nlinked to TKT028 (theirs)\n";
        let text = "subject: x\nlinked to TKT028 (theirs)\nand ours: TKT028\n";
        assert_eq!(
            r.written_lines(Some(base), text).unwrap(),
            "subject: x\nlinked to TKT028 (theirs)\nand ours: TKT031\n"
        );
        assert_eq!(r.written_lines(Some(base), base), None);
        assert_eq!(r.written_lines(None, "TKT028").unwrap(), "TKT031");
    }
}
