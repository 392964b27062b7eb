//! `tkt serve`'s rebuild loop: watch the tracker, wait for a burst of
//! changes to settle, then reload and re-render only what they touched.

use crate::app::Desk;
use crate::domain::model::Folio;
use crate::site::{Site, Stats};
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the tracker must be quiet before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(120);

/// What a set of changed paths asks for.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// Ticket folder names with changed files.
    pub tickets: BTreeSet<String>,
    pub knowledge: bool,
    /// Config or templates: everything is rebuilt.
    pub everything: bool,
    /// A ref moved: new commits may add to audit trails.
    pub history: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// Sorts one changed path (absolute) into what it affects. Files in
    /// the output directory and git's object store are ignored.
    pub fn add(&mut self, root: &Path, out: &Path, path: &Path) {
        if path.starts_with(out) {
            return;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            return;
        };
        let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
        match parts.as_slice() {
            [".git", "HEAD"] | [".git", "refs", ..] | [".git", "packed-refs"] => {
                self.history = true
            }
            [".git", ..] => {}
            ["tickets", folio, ..] => {
                self.tickets.insert(folio.to_string());
            }
            ["faq", ..] | ["canned", ..] => self.knowledge = true,
            [crate::store::CONFIG_FILE] | ["templates", ..] => self.everything = true,
            _ => {}
        }
    }
}

/// The serve loop's state: the loaded desk and the site being kept.
pub struct Rebuilder {
    pub root: PathBuf,
    pub desk: Desk,
    pub site: Site,
}

impl Rebuilder {
    /// Applies one settled batch of changes and re-renders.
    pub fn apply(&mut self, changes: &Changes) -> Result<Stats> {
        // Through the application layer, so an action a killed tkt left
        // half done is finished (or undone) before it is rendered.
        let scope = crate::app::Scope {
            dir: Some(self.root.clone()),
            ..Default::default()
        };
        let tracker = scope.open_tracker()?;
        if changes.everything {
            self.site.reload_templates(&self.root)?;
            self.desk = Desk::load(&tracker)?;
            return self.site.render_all(&self.desk);
        }
        let folios: Vec<Folio> = changes
            .tickets
            .iter()
            .filter_map(|name| tracker.config.folio.from_dir_name(name))
            .collect();
        self.desk.read_tickets(&tracker, &folios);
        if changes.knowledge {
            self.desk.reload_knowledge(&tracker);
        }
        let mut touched: BTreeSet<String> = changes.tickets.clone();
        touched.extend(self.desk.reload_histories(&tracker)?);
        let touched: Vec<String> = touched.into_iter().collect();
        self.site.render(&self.desk, &touched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sorted_into_changes() {
        let root = Path::new("/t");
        let out = Path::new("/t/_site");
        let mut c = Changes::default();
        for p in [
            "/t/_site/index.html",
            "/t/.git/objects/ab/cd",
            "/t/README.md",
            "/elsewhere/x",
        ] {
            c.add(root, out, Path::new(p));
        }
        assert!(c.is_empty(), "{c:?}");
        c.add(root, out, Path::new("/t/tickets/TKT004/replies/x.md"));
        c.add(root, out, Path::new("/t/faq/vpn.md"));
        c.add(root, out, Path::new("/t/.git/refs/heads/main"));
        assert_eq!(c.tickets, BTreeSet::from(["TKT004".to_string()]));
        assert!(c.knowledge && c.history && !c.everything);
        c.add(root, out, Path::new("/t/templates/base.html"));
        assert!(c.everything);
    }
}
