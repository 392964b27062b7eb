//! tkt: a helpdesk that lives in a git repository.
//!
//! The crate is layered; each layer may use only the ones above it in this
//! list (`tests/architecture.rs` keeps it so):
//!
//! - [`domain`]: the pure core. Model, front-matter, workflow and access
//!   rules, SLA clock, reports, ranking. No files, git, terminal or HTTP.
//! - [`mail`]: pure too; reads one email message into a typed value.
//! - [`clock`], [`store`], [`git`], [`deliver`]: the edges that read the
//!   time, the tracker's files and the repository, and send mail.
//! - [`app`]: the use cases. Each runs in one unit of work (lock, actor,
//!   access check, write, commit) and returns domain events; the read model
//!   every reader shares lives here too.
//! - [`site`]: renders the read model into static pages.
//! - Front ends, thin and independent of each other: [`cli`] (arguments →
//!   request → app → print) and [`web`] (`tkt serve`).

pub mod app;
pub mod cli;
pub mod clock;
pub mod deliver;
pub mod domain;
pub mod git;
pub mod mail;
pub mod site;
pub mod store;
pub mod web;
