//! What every command shares: the global options (as the application
//! layer's `Scope`), the reader for read commands, and errors rendered for a
//! terminal, refusals with the command that gets past them.

use crate::app::{refusal_of, Reader};
use crate::domain::refusal::{Refusal, Remedy};
use anyhow::Result;

/// Options that apply to every command: `--dir` and `--as`.
pub type Global = crate::app::Scope;

/// A mistake in how the command was called (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Formats an error with its causes, one clause after another; a refusal
/// gets its remedy as a command to type.
pub fn render_error(err: &anyhow::Error) -> String {
    match err.downcast_ref::<Refusal>().or_else(|| refusal_of(err)) {
        Some(refusal) => render_refusal(refusal),
        None => format!("{err:#}"),
    }
}

fn render_refusal(refusal: &Refusal) -> String {
    let message = &refusal.message;
    match &refusal.remedy {
        None => message.clone(),
        Some(Remedy::Resolve { folio }) => {
            format!("{message}: use `tkt resolve {folio} --solution \"…\"`")
        }
        Some(Remedy::Reopen { folio, then }) => {
            format!("{message}; reopen it with `tkt reopen {folio}` {then}")
        }
        Some(Remedy::ReplyAndReopen) => format!("{message}; add --reopen to reply and reopen it"),
        Some(Remedy::AddAction { folio }) => {
            format!("{message}; add one with `tkt action add {folio} \"…\"`")
        }
        Some(Remedy::SeeList { last: Some(last) }) => {
            format!("{message} (tickets go up to {last}; see `tkt list --all`)")
        }
        Some(Remedy::SeeList { last: None }) => format!("{message} (see `tkt list --all`)"),
        Some(Remedy::Force) => format!("{message} (add --force to go ahead)"),
    }
}

/// The tracker opened for reading as the acting person. When nobody is
/// declared and git's user.email matches nobody, says so once: the reader
/// then sees what the public sees.
pub fn reader(global: &Global) -> Result<Reader> {
    let reader = Reader::open(global)?;
    if let Some(why) = &reader.unidentified {
        eprintln!("note: {why}\nnote: showing only what the public may see");
    }
    Ok(reader)
}

/// The tracker, for commands that show no ticket's content (check, report,
/// build, serve) and so need nobody's identity.
pub fn open_tracker(global: &Global) -> Result<crate::store::Tracker> {
    global.open_tracker()
}
