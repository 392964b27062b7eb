//! The pure core: plain types and rules, functions of their inputs and the
//! time they are given. Nothing here reads a file, talks to git, prints to a
//! terminal or answers HTTP; `tests/architecture.rs` fails if it starts to.

pub mod access;
pub mod audit;
pub mod business_hours;
pub mod canned;
pub mod escalation;
pub mod event;
pub mod follow_up;
pub mod frontmatter;
pub mod kb;
pub mod lifeline;
pub mod merge;
pub mod model;
pub mod password;
pub mod query;
pub mod refusal;
pub mod registration;
pub mod renumber;
pub mod report;
pub mod safe_tera;
pub mod sla;
pub mod text;
pub mod trailers;
pub mod workflow;
