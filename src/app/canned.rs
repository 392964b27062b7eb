//! Canned answers filled in for a ticket: the template from `canned/`, the
//! ticket the actor may see, and errors that point at the file's line.

use super::reader::Reader;
use crate::domain::access::{self, Act};
use crate::domain::canned::{self, FillError};
use crate::domain::model::{Canned, Ticket};
use crate::domain::refusal::Refusal;
use crate::store::{FileError, Tracker};
use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// The canned answer `name` filled in for ticket `id` by the reader's
/// person, who must be on the team. Read without the lock, so a front end
/// may let the person edit it before posting.
pub fn prefill(reader: &Reader, id: &str, name: &str) -> Result<String> {
    let tracker = &reader.tracker;
    let canned = load(tracker, name)?;
    let (_, ticket) = reader.visible(id)?;
    let Some(operator) = reader.person() else {
        return Err(Refusal::forbidden("only operators and admins can use canned answers").into());
    };
    access::check(operator, Act::UseCanned, Some(&ticket))?;
    fill_for(
        tracker,
        name,
        &canned,
        &ticket,
        &operator.key,
        crate::clock::now()?,
    )
}

/// Reads `canned/<name>.md`, or says which names exist.
pub fn load(tracker: &Tracker, name: &str) -> Result<Canned> {
    match tracker.read_canned_answer(name) {
        Some(read) => Ok(read?),
        None => {
            let known: Vec<String> = tracker
                .read_canned()
                .items
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            let message = format!(
                "there is no canned answer `{name}`; {}",
                if known.is_empty() {
                    "there are none yet".to_string()
                } else {
                    format!("known: {}", known.join(", "))
                }
            );
            Err(Refusal::not_found(message).into())
        }
    }
}

/// The answer filled in for `ticket`, or an error naming the file and the
/// line (the body's line plus the front-matter above it).
pub fn fill_for(
    tracker: &Tracker,
    name: &str,
    canned: &Canned,
    ticket: &Ticket,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let path = tracker.canned_path(name);
    canned::check_category(canned, ticket).map_err(|why| {
        anyhow!(
            "{}: the canned answer `{name}` cannot be used for {}: {why}",
            path.display(),
            ticket.id
        )
    })?;
    canned::fill(
        &canned.body,
        &tracker.config,
        ticket,
        operator,
        now.date_naive(),
    )
    .map_err(|e| {
        let text = tracker.read_text(&path).unwrap_or_default();
        let line = e
            .line
            .and_then(|l| crate::domain::frontmatter::body_line_in_file(&text, l));
        located(path, FillError { line, ..e })
    })
}

/// A template error as `path:line: message` (`line` in the file).
pub fn located(path: PathBuf, e: FillError) -> anyhow::Error {
    anyhow!(FileError {
        path,
        line: e.line,
        message: e.message,
    })
}
