//! `tkt overdue` (targets past or near their due time) and `tkt sla
//! apply` (escalation rules, one commit per changed ticket).

use super::list::report_unreadable;
use super::output::{clean_line, table, Cell, Format, Style};
use super::session::{open_tracker, Global, Session};
use super::update::{write, Outcome};
use crate::domain::escalation;
use crate::domain::lifeline::Lifeline;
use crate::domain::model::service::EscalationRule;
use crate::domain::model::{Config, Ticket};
use crate::domain::query::urgency_key;
use crate::domain::report::{clock_hours, human_seconds};
use crate::domain::sla::{self, SlaCheck, SlaState};
use crate::store::Tracker;
use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

pub const OVERDUE_EXAMPLES: &str = "\
Examples:
  tkt overdue                         breached and at-risk targets, most urgent first
  tkt overdue --assignee me
  tkt overdue --format csv > overdue.csv

A target is at risk once 75 % of its time is used (sla.at_risk in
helpdesk.yaml) and breached when all of it is; docs/REPORTS.md has the rules.";

pub const SLA_EXAMPLES: &str = "\
Examples:
  tkt sla apply --dry-run             what the escalation rules would change now
  tkt --as helena sla apply           apply them: one commit per changed ticket

Rules live under escalation.rules in helpdesk.yaml. Each fires once per
ticket, so running `tkt sla apply` from cron or CI every few minutes is safe.";

#[derive(Debug, Args)]
pub struct OverdueArgs {
    /// Only tickets assigned to these people (`me` for you, `none` for nobody).
    #[arg(long, value_delimiter = ',')]
    assignee: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// Apply the escalation rules of helpdesk.yaml to tickets that earned them.
    #[command(after_help = SLA_EXAMPLES)]
    Apply {
        /// Print what would change; write and commit nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// One unmet target that needs attention.
#[derive(Debug, Serialize)]
pub struct OverdueItem<'a> {
    pub folio: &'a str,
    pub subject: &'a str,
    pub priority: &'a str,
    pub status: &'a str,
    pub assignee: Option<&'a str>,
    pub target: &'static str,
    pub state: SlaState,
    pub due: Option<DateTime<Utc>>,
    pub used_seconds: i64,
    pub allowed_seconds: i64,
    pub paused: bool,
}

/// The urgent checks of every unfinished ticket, most urgent first:
/// breached before at risk, then the earliest due time.
pub fn overdue<'a>(
    config: &Config,
    tickets: &'a [(Ticket, Lifeline)],
    now: DateTime<Utc>,
) -> Vec<(&'a Ticket, SlaCheck)> {
    let mut items: Vec<(&Ticket, SlaCheck)> = tickets
        .iter()
        .filter(|(t, _)| !t.status.is_done())
        .flat_map(|(t, life)| {
            sla::check(&config.sla, config.sla.target(t.priority), life, now)
                .into_iter()
                .filter(SlaCheck::is_urgent)
                .map(move |c| (t, c))
        })
        .collect();
    items.sort_by(|(ta, a), (tb, b)| {
        (b.state.cmp(&a.state))
            .then(a.due.is_none().cmp(&b.due.is_none()))
            .then(a.due.cmp(&b.due))
            .then(urgency_key(ta).cmp(&urgency_key(tb)))
    });
    items
}

pub fn run_overdue(global: &Global, args: OverdueArgs) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let filter = super::list::assignee_filter(global, &tracker, args.assignee)?;
    let now = crate::clock::now()?;
    let loaded = tracker.read_lifelines()?;
    let items: Vec<OverdueItem> = overdue(&tracker.config, &loaded.items, now)
        .into_iter()
        .filter(|(t, _)| filter.matches(t))
        .map(|(t, c)| OverdueItem {
            folio: &t.id,
            subject: &t.subject,
            priority: t.priority.as_str(),
            status: t.status.as_str(),
            assignee: t.assignee.as_deref(),
            target: c.target.as_str(),
            state: c.state,
            due: c.due,
            used_seconds: c.used,
            allowed_seconds: c.allowed,
            paused: c.paused,
        })
        .collect();
    match args.format {
        Format::Table => print_table(&items, now),
        Format::Json => println!("{}", serde_json::to_string_pretty(&items)?),
        Format::Csv => print_csv(&items)?,
    }
    report_unreadable(&loaded.errors)
}

/// "in 2 h", "3 h ago", or "paused".
fn when(item: &OverdueItem, now: DateTime<Utc>) -> String {
    match item.due {
        None => "paused".into(),
        Some(due) if due >= now => format!("in {}", human_seconds((due - now).num_seconds())),
        Some(due) => format!("{} ago", human_seconds((now - due).num_seconds())),
    }
}

fn print_table(items: &[OverdueItem], now: DateTime<Utc>) {
    if items.is_empty() {
        eprintln!("Nothing is overdue or at risk.");
        return;
    }
    let style = Style::detect();
    let rows: Vec<Vec<Cell>> = items
        .iter()
        .map(|i| {
            let state = i.state.as_str();
            vec![
                Cell::painted(i.folio, |s| style.bold(s)),
                Cell::plain(i.target.replace('_', " ")),
                Cell::painted(state, |s| match i.state {
                    SlaState::Breached => style.paint(s, "31"),
                    _ => style.paint(s, "33"),
                }),
                Cell::plain(when(i, now)),
                Cell::plain(format!(
                    "{} of {}",
                    clock_hours(i.used_seconds),
                    clock_hours(i.allowed_seconds)
                )),
                Cell::plain(i.priority),
                Cell::plain(i.assignee.unwrap_or("-")),
                Cell::plain(i.subject),
            ]
        })
        .collect();
    print!(
        "{}",
        table(
            &style,
            &["FOLIO", "TARGET", "STATE", "DUE", "USED", "PRIORITY", "ASSIGNEE", "SUBJECT"],
            &rows
        )
    );
}

fn print_csv(items: &[OverdueItem]) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record([
        "folio",
        "target",
        "state",
        "due",
        "used_seconds",
        "allowed_seconds",
        "paused",
        "priority",
        "status",
        "assignee",
        "subject",
    ])?;
    for i in items {
        w.write_record([
            i.folio,
            i.target,
            i.state.as_str(),
            &i.due.map(|d| d.to_rfc3339()).unwrap_or_default(),
            &i.used_seconds.to_string(),
            &i.allowed_seconds.to_string(),
            if i.paused { "yes" } else { "no" },
            i.priority,
            i.status,
            i.assignee.unwrap_or(""),
            i.subject,
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn run(global: &Global, command: SlaCommand) -> Result<i32> {
    match command {
        SlaCommand::Apply { dry_run: true } => {
            let tracker = open_tracker(global)?;
            let now = crate::clock::now()?;
            for_due_rules(&tracker, now, |ticket, rules| {
                print_plan(&tracker.config, ticket, rules);
                Ok(())
            })
        }
        SlaCommand::Apply { dry_run: false } => {
            let session = Session::begin(global)?;
            session.require_staff("apply escalation rules")?;
            let tracker = &session.tracker;
            for_due_rules(tracker, session.now, |ticket, rules| {
                let folio = tracker.folio(&ticket.id)?;
                // The cached brief lacks the ticket's text: apply to the file.
                let mut full = tracker.read_ticket(&folio)?;
                let changes = escalation::apply(&tracker.config, &mut full, rules);
                let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
                let outcome = Outcome::event("sla-apply", changes)
                    .with_summary(format!("escalation rule {} applied", names.join(", ")));
                write(&session, &folio, full, outcome)
            })
        }
    }
}

/// Hands each ticket whose escalation rules are due to `act`, in folio
/// order; returns the exit status.
fn for_due_rules(
    tracker: &Tracker,
    now: DateTime<Utc>,
    mut act: impl FnMut(&Ticket, &[&EscalationRule]) -> Result<()>,
) -> Result<i32> {
    let config = &tracker.config;
    if config.escalation.rules.is_empty() {
        eprintln!("helpdesk.yaml defines no escalation.rules; nothing to apply");
        return Ok(0);
    }
    let loaded = tracker.read_lifelines()?;
    let mut applied = 0;
    for (ticket, life) in &loaded.items {
        let checks = sla::check(&config.sla, config.sla.target(ticket.priority), life, now);
        let rules = escalation::due_rules(config, ticket, life, &checks);
        if rules.is_empty() {
            continue;
        }
        act(ticket, &rules)?;
        applied += 1;
    }
    eprintln!("{applied} ticket(s) matched an escalation rule");
    report_unreadable(&loaded.errors)
}

/// One line per ticket: the rules and what they would change.
fn print_plan(config: &Config, ticket: &Ticket, rules: &[&EscalationRule]) {
    let changes = escalation::apply(config, &mut ticket.clone(), rules);
    let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    let what: Vec<String> = changes
        .iter()
        .filter(|c| c.field != "sla-rule")
        .map(|c| c.describe())
        .collect();
    println!(
        "{}: {} → {}  ({})",
        ticket.id,
        names.join(", "),
        if what.is_empty() {
            "nothing to change, recorded as applied".to_string()
        } else {
            what.join("; ")
        },
        clean_line(&ticket.subject)
    );
}
