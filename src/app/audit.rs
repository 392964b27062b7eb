//! `tkt audit`: prove from git that the audit trail was kept — every
//! change to the tracker is a tkt action or a listed hand edit, timeline
//! entries were only ever added, and each was written by the person its
//! commit names (signed, when the repository signs). The rules are in
//! `domain::audit`; the walk and its cache in `git`.

use super::unit::{resolve_actor, Scope};
use crate::domain::access::{self, Act};
use crate::domain::audit::Report;
use crate::git::{AuditRange, Git};
use anyhow::Result;

/// What the auditor asks for.
#[derive(Debug, Clone, Default)]
pub struct AuditRequest {
    /// Only commits after this revision (exclusive); `None`: all history.
    pub since: Option<String>,
    /// Verify signatures even when `commit.gpgsign` is not set.
    pub verify_signatures: bool,
}

/// Audits the tracker's history. Only the team (admins and operators)
/// may: the report names people, emails and internal files.
pub fn audit(scope: &Scope, request: &AuditRequest) -> Result<Report> {
    let tracker = scope.open_tracker()?;
    let git = Git::open(&tracker.root)?;
    let actor = resolve_actor(&tracker, &git, scope.actor.as_deref())?;
    access::check(&actor, Act::Audit, None)?;
    let range = AuditRange {
        since: request.since.clone(),
        verify_signatures: request.verify_signatures || git.signs_commits(),
    };
    git.audit(&tracker.root, &range)
}
