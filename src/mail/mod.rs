//! Email, read into typed values. This layer does no I/O: it takes the
//! bytes of one message and returns what the rest of tkt needs to know
//! about it (who, what, threading ids, attachments, and whether it is
//! machine mail that must never be answered automatically), splits a
//! reply's text from the quoted history and signature under it, and makes
//! the importer's decisions: the routing rules, where a mail threads, the
//! ticket subject. Going out, it plans notifications from what happened
//! (`notify`) and renders them as messages (`outgoing`), still without
//! I/O.

mod html_text;
mod ids;
mod incoming;
pub mod notify;
mod outgoing;
mod refused;
mod rules;
mod subject;
mod threading;
mod trim;

pub use ids::{is_ours, other_message_id, ticket_message_id, ticket_uid_of};
pub use incoming::{parse, Address, Automatic, Bounce, IncomingMail, MailError, MailPart};
pub use outgoing::{render, Rendered};
pub use refused::RefusedMail;
pub use rules::{mailbox, Routing, Rules};
pub use subject::{folio_token, ticket_subject};
pub use threading::{sender_on, thread, Sender, Thread};
pub use trim::{trim_reply, Trimmed};
