//! `tkt overdue` (targets past or near their due time) and `tkt sla
//! apply` (escalation rules, one commit per changed ticket).

use super::list::report_unreadable;
use super::output::{clean_line, table, Cell, Format, Style};
use super::session::Global;
use crate::app::escalation::Planned;
use crate::domain::report::{clock_hours, human_seconds};
use crate::domain::sla::{overdue, SlaState};
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

pub fn run_overdue(global: &Global, args: OverdueArgs) -> Result<i32> {
    let reader = super::session::reader(global)?;
    let tracker = &reader.tracker;
    let filter = super::list::assignee_filter(&reader, args.assignee)?;
    let now = crate::clock::now()?;
    let loaded = tracker.read_lifelines()?;
    let items: Vec<OverdueItem> = overdue(&tracker.config, &loaded.items, now)
        .into_iter()
        .filter(|(t, _)| reader.sees(t) && filter.matches(t))
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
        let due = i.due.map(|d| d.to_rfc3339()).unwrap_or_default();
        let (used, allowed) = (i.used_seconds.to_string(), i.allowed_seconds.to_string());
        let record = [
            i.folio,
            i.target,
            i.state.as_str(),
            due.as_str(),
            used.as_str(),
            allowed.as_str(),
            if i.paused { "yes" } else { "no" },
            i.priority,
            i.status,
            i.assignee.unwrap_or(""),
            i.subject,
        ];
        w.write_record(
            record
                .iter()
                .map(|c| crate::domain::text::csv_safe(c).into_owned()),
        )?;
    }
    w.flush()?;
    Ok(())
}

pub fn run(global: &Global, command: SlaCommand) -> Result<i32> {
    let SlaCommand::Apply { dry_run } = command;
    let applied = if dry_run {
        crate::app::escalation::plan(global)?
    } else {
        crate::app::escalation::apply(global)?
    };
    if applied.no_rules {
        eprintln!("helpdesk.yaml defines no escalation.rules; nothing to apply");
        return Ok(0);
    }
    if dry_run {
        applied.planned.iter().for_each(print_plan);
    }
    for done in applied.done {
        super::update::report(done)?;
    }
    eprintln!(
        "{} ticket(s) matched an escalation rule",
        applied.planned.len()
    );
    report_unreadable(&applied.errors)
}

/// One line per ticket: the rules and what they would change.
fn print_plan(plan: &Planned) {
    let what: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.field != "sla-rule")
        .map(|c| c.describe())
        .collect();
    println!(
        "{}: {} → {}  ({})",
        plan.folio,
        plan.rules.join(", "),
        if what.is_empty() {
            "nothing to change, recorded as applied".to_string()
        } else {
            what.join("; ")
        },
        clean_line(&plan.subject)
    );
}
