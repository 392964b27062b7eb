//! The helpdesk's content model: plain types, parsing and validation, no I/O.

pub mod config;
pub mod entry;
pub mod folio;
pub mod knowledge;
pub mod mail_origin;
pub mod quantity;
pub mod service;
pub mod status;
pub mod ticket;

pub use config::{Category, Config, FieldSpec, FieldType, Person, Role, View};
pub use entry::{Change, Entry, EntryKind};
pub use folio::{Folio, FolioFormat};
pub use knowledge::{Canned, Faq};
pub use mail_origin::MailOrigin;
pub use quantity::{ByteSize, Span};
pub use service::{SlaPolicy, SlaTarget, TargetKind};
pub use status::{Priority, Status};
pub use ticket::{Action, Ticket};

use chrono::{DateTime, Utc};

/// Keys must be safe in file names, commit trailers and URLs.
pub fn is_valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        && key.len() <= 64
}

/// An attachment name that stays inside its folder and shows no hidden or
/// control characters: what may be read from `attachments/` or published.
pub fn is_safe_attachment_name(name: &str) -> bool {
    !(name.is_empty()
        || name.len() > 200
        || name.starts_with('.')
        || name.contains(['/', '\\', '\0'])
        || name.chars().any(char::is_control))
}

/// A problem in a document's values, with the text to find its line by
/// (a key such as `subject:`, or the offending value); `None`: the file as
/// a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub near: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn at(near: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            near: Some(near.into()),
            message: message.into(),
        }
    }

    pub fn whole(message: impl Into<String>) -> Problem {
        Problem {
            near: None,
            message: message.into(),
        }
    }
}

/// How far ahead of the clock a recorded time may be before it counts as
/// in the future: clocks of machines sharing a tracker drift a little.
pub const CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// A recorded time later than `now` plus [`CLOCK_SKEW`]: a hand edit or a
/// machine with a wrong clock. Such times must not move "now" for
/// anything (ages, SLA states, the site's snapshot).
pub fn is_future(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at > now + CLOCK_SKEW
}

/// The problem with a time that [`is_future`] refuses.
pub fn future_problem(key: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> Problem {
    Problem::at(
        format!("{key}:"),
        format!(
            "{key} {} is in the future (now: {}; up to {} minutes ahead are allowed for clock skew)",
            crate::domain::text::iso_utc(at),
            crate::domain::text::iso_utc(now),
            CLOCK_SKEW.num_minutes()
        ),
    )
}

/// The problem with an attachment name that [`is_safe_attachment_name`]
/// refuses, if it does.
pub fn attachment_name_problem(name: &str) -> Option<Problem> {
    (!is_safe_attachment_name(name)).then(|| {
        Problem::at(
            name,
            format!(
                "attachment name `{}` is not a plain file name in attachments/: \
                 no `/`, `\\`, leading dot or control characters, at most 200 bytes",
                name.escape_debug()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys() {
        assert!(super::is_valid_key("ana"));
        assert!(super::is_valid_key("case-support"));
        assert!(!super::is_valid_key("Ana"));
        assert!(!super::is_valid_key("-x"));
        assert!(!super::is_valid_key("a/b"));
        assert!(!super::is_valid_key(""));
    }
}
