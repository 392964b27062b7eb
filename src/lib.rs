//! tkt: a helpdesk that lives in a git repository.
//!
//! The pure core (`model`, `frontmatter`, `workflow`, `query`) knows nothing
//! of files, git or terminals; `store`, `git` and `cli` are the edges.

pub mod audit;
pub mod business_hours;
pub mod canned;
pub mod cli;
pub mod clock;
pub mod escalation;
pub mod frontmatter;
pub mod git;
pub mod kb;
pub mod lifeline;
pub mod model;
pub mod query;
pub mod report;
pub mod site;
pub mod sla;
pub mod store;
pub mod templating;
pub mod text;
pub mod workflow;
