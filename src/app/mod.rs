//! The application layer: every use case of the helpdesk, whichever front
//! end asks for it. A front end builds a typed request (no clap types, no
//! terminal, no paths the user typed), calls one function here and presents
//! what comes back. Each change runs in one unit of work (lock → actor →
//! access check → write → commit) and returns the domain events of its
//! commit; refusals are `domain::refusal::Refusal` errors a front end can
//! find with [`refusal_of`] and map to its own terms.
//!
//! Reads go through a [`Reader`], which hands out only what the access
//! rules let its viewer see. The loaded tracker that the site renders is
//! the read model [`Desk`].

pub mod articles;
pub mod audit;
mod auto_sync;
pub mod canned;
pub mod desk;
pub mod escalation;
pub mod init;
pub mod knowledge;
pub mod links;
pub mod mail_in;
mod mail_index;
pub mod notify;
pub mod passwords;
pub mod people;
pub mod reader;
pub mod register;
mod renumber;
pub mod sync;
mod sync_events;
mod ticket_merge;
mod ticket_write;
pub mod unit;
pub mod update;
pub mod uploads;
pub mod web_form;
pub mod workbench;

pub use desk::Desk;
pub use reader::{Reader, TicketView};
pub use register::{register, register_from_outside, NewTicket, Registrant};
pub use ticket_write::Done;
pub use unit::{Scope, UnitOfWork};
pub use update::{change, post, Post, TicketChange};
pub use uploads::Upload;

use crate::domain::refusal::Refusal;

/// The refusal behind an error, if it is one (rather than a failure to
/// read, write or commit).
pub fn refusal_of(err: &anyhow::Error) -> Option<&Refusal> {
    err.chain().find_map(|e| e.downcast_ref::<Refusal>())
}
