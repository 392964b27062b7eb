//! Notifications by mail, planned: what happened (a ticket registered, a
//! timeline entry written, a refused mail) and the configuration in,
//! the mails that should go out as plain values. Pure: the application
//! layer feeds it what it re-derives from the git history and hands the
//! result to the mail renderer and the spool.
//!
//! Every notification has a deterministic id made from the ticket's uid
//! and the entry's file stem (never from a commit hash, which a sync may
//! rewrite), so planning the same history twice plans the same mails and
//! the sent log can refuse a second delivery.

mod digest;
mod plan;
mod reminders;

pub use digest::{digest, digest_due, DigestItem};
pub use plan::{plan, refusal, Happening, Plan};
pub use reminders::reminders;

use serde::{Deserialize, Serialize};

/// One address with its display name (both one line, checked when made).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub name: String,
    pub address: String,
}

/// What `Auto-Submitted:` says: every mail of tkt's is automatic; an
/// acknowledgment or a refusal answers someone's mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Auto {
    Generated,
    Replied,
}

/// One mail to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Unique and deterministic; only `[A-Za-z0-9._-]`, so it names files.
    pub id: String,
    /// What kind of notice, for the log (`ack`, `reply`, `resolution`, …).
    pub kind: String,
    pub to: Vec<Mailbox>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub body: String,
    /// Without angle brackets.
    pub message_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    pub auto: Auto,
    /// The ticket uid whose follow-up token this mail carries: the token
    /// is forgotten once the mail is delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_of: Option<String>,
}

/// `text` made into a file-name-safe id part.
pub(crate) fn id_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(120)
        .collect()
}

/// Untrusted text as one header-safe line: no CR, LF or other control
/// character ever reaches a header.
pub(crate) fn header_line(text: &str, max: usize) -> String {
    crate::domain::trailers::one_line(text, max)
}
