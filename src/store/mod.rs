//! The tracker on disk: finding it, reading its files, writing them safely.

mod config_edit;
mod lifelines;
mod names;
pub mod nofollow;
mod read;
mod transaction;
mod validate;

pub use config_edit::add_person;
pub use names::{attachment_name, entry_file_name, parse_entry_file_name};
pub use read::{FileError, Loaded};
pub use transaction::Transaction;
pub use validate::CheckResult;

use crate::domain::frontmatter::conflict_marker_line;
use crate::domain::model::{Config, Folio};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "helpdesk.yaml";

/// What `tkt init` writes to `.gitattributes`.
pub const GITATTRIBUTES: &str = "\
# Written by `tkt init`: stable line endings for tickets and config,
# attachments stored and diffed as binary.
*.md text eol=lf
*.yaml text eol=lf
tickets/*/attachments/** -text -diff
# `tkt setup` registers this driver in a clone: plain `git pull` then
# merges a ticket changed on two clones field by field.
tickets/*/ticket.md merge=tkt-ticket
";

/// What `tkt init` writes to `.gitignore` (when there is none): the
/// default output of `tkt build` is generated, not history.
pub const GITIGNORE: &str =
    "# Written by `tkt init`: the site `tkt build` writes by default.\n/_site/\n";

/// The comment `tkt init` puts above the generated configuration.
pub const CONFIG_HEADER: &str = "# tkt helpdesk configuration: people, categories (with their forms and\n# responsible people), SLA targets per priority and saved views.\n# The format is documented in docs/FORMAT.md of the tkt repository.\n";

/// An opened tracker: its root directory and parsed configuration.
#[derive(Debug)]
pub struct Tracker {
    pub root: PathBuf,
    pub config: Config,
}

impl Tracker {
    /// Opens the tracker at `dir`, or the nearest one above the current
    /// directory, the way git finds `.git`.
    pub fn open(dir: Option<&Path>) -> Result<Tracker> {
        let root = match dir {
            Some(dir) => {
                if !dir.join(CONFIG_FILE).is_file() {
                    bail!(
                        "{} is not a tkt tracker (no {CONFIG_FILE}); create one with `tkt init {}`",
                        dir.display(),
                        dir.display()
                    );
                }
                dir.to_path_buf()
            }
            None => find_root()?,
        };
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot open {}", root.display()))?;
        let config = load_config(&root)?;
        Ok(Tracker { root, config })
    }

    pub fn tickets_dir(&self) -> PathBuf {
        self.root.join("tickets")
    }

    /// Path of a ticket's folder, relative to the tracker root.
    pub fn ticket_rel(folio: &Folio) -> PathBuf {
        Path::new("tickets").join(folio.as_str())
    }

    pub fn ticket_dir(&self, folio: &Folio) -> PathBuf {
        self.root.join(Self::ticket_rel(folio))
    }

    /// Parses a folio as typed by a user, with this tracker's format.
    pub fn folio(&self, input: &str) -> Result<Folio> {
        self.config.folio.parse(input).map_err(anyhow::Error::msg)
    }

    /// The folios present on disk, in number order. Reads one directory,
    /// never the tickets themselves. A ticket folder that is a symbolic
    /// link is not a ticket (it could point anywhere; `tkt check` says so).
    pub fn folios(&self) -> Result<Vec<Folio>> {
        let dir = self.tickets_dir();
        self.check_folders(Path::new("tickets"))?;
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
        };
        let mut folios: Vec<Folio> = entries
            .filter_map(|e| e.ok())
            // The directory entry's own type: a link is not a directory.
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| self.config.folio.from_dir_name(e.file_name().to_str()?))
            .collect();
        folios.sort();
        Ok(folios)
    }

    /// The highest folio number on disk (0 when there are no tickets).
    /// Links count, so a new ticket never takes a linked folder's name.
    pub fn last_folio_number(&self) -> Result<u64> {
        let dir = self.tickets_dir();
        self.check_folders(Path::new("tickets"))?;
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
        };
        Ok(entries
            .filter_map(|e| e.ok())
            .filter_map(|e| self.config.folio.number_of_dir(e.file_name().to_str()?))
            .max()
            .unwrap_or(0))
    }

    /// The text of `helpdesk.yaml` as it is on disk (comments and all).
    pub fn config_text(&self) -> Result<String> {
        Ok(read::read_text(&self.root.join(CONFIG_FILE))?)
    }

    /// Refuses to write with a configuration git cannot commit for: a
    /// person whose name or email holds a line break, `<` or `>` (each
    /// named with its line). Reading commands still work, so `tkt check`
    /// and the site can show what to fix.
    pub fn ensure_writable_config(&self) -> Result<()> {
        let path = self.root.join(CONFIG_FILE);
        let problems = self.config.signature_problems(&self.config_text()?);
        if problems.is_empty() {
            return Ok(());
        }
        let lines: Vec<String> = problems
            .iter()
            .map(|p| FileError::new(&path, p.clone()).to_string())
            .collect();
        bail!(
            "{}\nnothing was changed: fix {CONFIG_FILE} first (`tkt check` lists every problem)",
            lines.join("\n")
        )
    }

    /// The tracker's own resolution notice template
    /// (`templates/resolution-notice.md`) and its path; `None` when the
    /// tracker has none and the built-in one applies.
    pub fn resolution_notice_template(&self) -> Result<(PathBuf, Option<String>)> {
        let path = self.root.join("templates").join("resolution-notice.md");
        self.check_folders(Path::new("templates"))?;
        match nofollow::read_to_string(&path) {
            Ok(text) => Ok((path, Some(text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((path, None)),
            Err(e) => Err(read::io_error(&path, &e).into()),
        }
    }

    /// A file of the tracker as text (for locating template errors).
    pub fn read_text(&self, path: &Path) -> Result<String> {
        Ok(read::read_text(path)?)
    }

    /// Where the canned answer `name` lives.
    pub fn canned_path(&self, name: &str) -> PathBuf {
        self.root.join("canned").join(format!("{name}.md"))
    }

    /// A ticket's `attachments/` folder.
    pub fn attachments_dir(&self, folio: &Folio) -> PathBuf {
        self.ticket_dir(folio).join("attachments")
    }
}

fn find_root() -> Result<PathBuf> {
    let start = std::env::current_dir().context("cannot read the current directory")?;
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .with_context(|| {
            format!(
                "no tkt tracker here: neither {} nor any folder above it has a {CONFIG_FILE}\n\
                 hint: run `tkt init` to create one, or pass --dir DIR (or set TKT_DIR)",
                start.display()
            )
        })
}

/// Reads and validates `helpdesk.yaml`, reporting every problem with its line.
/// A symbolic link is refused, like everywhere in the tracker.
pub fn load_config(root: &Path) -> Result<Config> {
    let path = root.join(CONFIG_FILE);
    let text = read::read_text(&path)?;
    parse_config(&text, &path)
}

pub fn parse_config(text: &str, path: &Path) -> Result<Config> {
    if let Some(line) = conflict_marker_line(text) {
        bail!(
            "{}:{line}: left-over git conflict marker; resolve the conflict first",
            path.display()
        );
    }
    Config::parse(text).map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| match p.line {
                Some(line) => format!("{}:{line}: {}", path.display(), p.message),
                None => format!("{}: {}", path.display(), p.message),
            })
            .collect();
        anyhow::anyhow!("invalid configuration\n{}", lines.join("\n"))
    })
}

/// The text of `ticket.md`.
pub fn render_ticket(ticket: &crate::domain::model::Ticket) -> Result<String> {
    Ok(crate::domain::frontmatter::join(
        ticket,
        &ticket.description,
    )?)
}

/// The text of a timeline entry file.
pub fn render_entry(entry: &crate::domain::model::Entry) -> Result<String> {
    Ok(crate::domain::frontmatter::join(entry, &entry.body)?)
}
