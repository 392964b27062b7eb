//! Terminal output: colour (on terminals, honouring NO_COLOR), tables, and
//! scrubbing of untrusted text so ticket content cannot drive the terminal.

use crate::domain::model::{Priority, Status};
use clap::ValueEnum;
use std::io::IsTerminal;

/// `--format` of the commands that print rows: a table for people, JSON
/// and CSV (every row, no cap) for programs and spreadsheets.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Whether to colour output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colour only on a terminal, and never when NO_COLOR is set.
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Style {
            color: std::io::stdout().is_terminal() && !no_color && !dumb,
        }
    }

    pub fn paint(&self, text: &str, sgr: &str) -> String {
        if self.color && !sgr.is_empty() {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(text, "1")
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(text, "2")
    }

    pub fn status(&self, text: &str, status: Status) -> String {
        let sgr = match status {
            Status::Open => "36",
            Status::InProgress => "34",
            Status::WaitingOnRequester => "33",
            Status::Resolved => "32",
            Status::Closed => "2",
        };
        self.paint(text, sgr)
    }

    pub fn priority(&self, text: &str, priority: Priority) -> String {
        let sgr = match priority {
            Priority::Urgent => "1;31",
            Priority::High => "31",
            Priority::Medium => "",
            Priority::Low => "2",
        };
        self.paint(text, sgr)
    }
}

/// One line of untrusted text: control characters and bidirectional
/// overrides (which can disguise text) become spaces.
pub fn clean_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Multi-line untrusted text: keeps newlines and tabs, drops other controls.
pub fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || is_bidi_control(c)))
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// A cell with its plain text (for widths) and its painted form.
pub struct Cell {
    pub text: String,
    pub painted: String,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Cell {
        let text = clean_line(&text.into());
        Cell {
            painted: text.clone(),
            text,
        }
    }

    pub fn painted(text: impl Into<String>, paint: impl Fn(&str) -> String) -> Cell {
        let text = clean_line(&text.into());
        Cell {
            painted: paint(&text),
            text,
        }
    }
}

/// Left-aligned columns two spaces apart; the last column is not padded.
pub fn table(style: &Style, headers: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.text.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<Cell> = headers
        .iter()
        .map(|h| Cell::painted(*h, |t| style.bold(t)))
        .collect();
    for row in std::iter::once(&header).chain(rows) {
        let last = row.len().saturating_sub(1);
        for (i, cell) in row.iter().enumerate() {
            out.push_str(&cell.painted);
            if i < last {
                let pad = widths[i] - cell.text.chars().count() + 2;
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// A change's notices (things the person may want to know, not errors),
/// on stderr: e.g. that an auto-sync could not push.
pub fn print_notices(notices: &[String]) {
    for notice in notices {
        eprintln!("note: {notice}");
    }
}

/// Writes a command's output to stdout; a reader that stopped reading
/// (`tkt audit | head`) ends it quietly, as with git.
pub fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_escape_sequences() {
        assert_eq!(clean_line("a\u{1b}[2Jb\nc"), "a [2Jb c");
        assert_eq!(clean_text("a\u{1b}]0;x\u{7}\nb\u{202e}c"), "a]0;x\nbc");
    }

    #[test]
    fn aligns_columns() {
        let style = Style { color: false };
        let rows = vec![vec![Cell::plain("TKT001"), Cell::plain("open")]];
        assert_eq!(
            table(&style, &["FOLIO", "STATUS"], &rows),
            "FOLIO   STATUS\nTKT001  open\n"
        );
    }
}
