//! Applying the escalation rules of `helpdesk.yaml`: every ticket whose
//! rules are due gets them, one commit per ticket. Running it again changes
//! nothing (each rule fires once per ticket).

use super::ticket_write::{write, Done, Outcome};
use super::unit::{Scope, UnitOfWork};
use crate::domain::access::Act;
use crate::domain::escalation;
use crate::domain::model::service::EscalationRule;
use crate::domain::model::{Change, Config, Folio, Ticket};
use crate::domain::sla;
use crate::store::{FileError, Tracker};
use anyhow::Result;
use chrono::{DateTime, Utc};

/// What the rules do (or would do) to one ticket.
#[derive(Debug)]
pub struct Planned {
    pub folio: String,
    pub subject: String,
    pub rules: Vec<String>,
    pub changes: Vec<Change>,
}

/// The outcome of a run: one plan per ticket, the commits made (none on a
/// dry run), and files that could not be read.
#[derive(Debug, Default)]
pub struct Applied {
    pub planned: Vec<Planned>,
    pub done: Vec<Done<Folio>>,
    pub errors: Vec<FileError>,
    /// The config defines no rules at all.
    pub no_rules: bool,
}

/// What the rules would change now; writes nothing.
pub fn plan(scope: &Scope) -> Result<Applied> {
    let tracker = scope.open_tracker()?;
    let now = crate::clock::now()?;
    for_due_rules(&tracker, now, |_, _| Ok(None))
}

/// Applies every due rule (team only): one commit per changed ticket.
pub fn apply(scope: &Scope) -> Result<Applied> {
    let unit = UnitOfWork::begin(scope)?;
    unit.check(Act::ApplyEscalationRules, None)?;
    let config = &unit.tracker.config;
    for_due_rules(&unit.tracker, unit.now, |folio, rules| {
        // Re-read under the lock: the file, not the cache, is the truth.
        let mut full = unit.tracker.read_ticket(folio)?;
        let changes = escalation::apply(config, &mut full, rules);
        let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
        let outcome = Outcome {
            summary: format!("escalation rule {} applied", names.join(", ")),
            ..Outcome::event("sla-apply", changes)
        };
        Ok(Some(write(&unit, folio.clone(), full, outcome)?))
    })
}

/// Hands each ticket whose escalation rules are due to `act`, in folio
/// order, and plans what the rules change.
fn for_due_rules(
    tracker: &Tracker,
    now: DateTime<Utc>,
    mut act: impl FnMut(&Folio, &[&EscalationRule]) -> Result<Option<Done<Folio>>>,
) -> Result<Applied> {
    let config = &tracker.config;
    if config.escalation.rules.is_empty() {
        return Ok(Applied {
            no_rules: true,
            ..Applied::default()
        });
    }
    let loaded = tracker.read_lifelines()?;
    let mut applied = Applied {
        errors: loaded.errors,
        ..Applied::default()
    };
    for (ticket, life) in &loaded.items {
        let checks = sla::check(&config.sla, config.sla.target(ticket.priority), life, now);
        let rules = escalation::due_rules(config, ticket, life, &checks);
        if rules.is_empty() {
            continue;
        }
        applied.planned.push(plan_for(config, ticket, &rules));
        let folio = tracker.folio(&ticket.id)?;
        if let Some(done) = act(&folio, &rules)? {
            applied.done.push(done);
        }
    }
    Ok(applied)
}

fn plan_for(config: &Config, ticket: &Ticket, rules: &[&EscalationRule]) -> Planned {
    let changes = escalation::apply(config, &mut ticket.clone(), rules);
    Planned {
        folio: ticket.id.clone(),
        subject: ticket.subject.clone(),
        rules: rules.iter().map(|r| r.name.clone()).collect(),
        changes,
    }
}
