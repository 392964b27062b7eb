//! `tkt list`: filtered ticket lists as a table, JSON or CSV.

use super::output::{table, Cell, Format, Style};
use super::session::{reader, Global};
use crate::app::Reader;
use crate::domain::model::{Priority, Status, Ticket};
use crate::domain::query::{age, sort_by_urgency, Filter};
use crate::domain::sla::{self, SlaState};
use crate::domain::text::csv_safe;
use anyhow::{Context, Result};
use clap::Args;

pub const EXAMPLES: &str = "\
Examples:
  tkt list                                   everything not closed, most urgent first
  tkt list --assignee me --status in-progress,waiting-on-requester
  tkt list --category technical --priority high,urgent
  tkt list --view my-queue                   a view saved in helpdesk.yaml
  tkt list --sla breached,at-risk            tickets past or near an SLA due time
  tkt list --all --format csv > tickets.csv";

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only these statuses (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_parser = parse_status)]
    status: Vec<Status>,
    /// Only these priorities.
    #[arg(long, value_delimiter = ',', value_parser = super::new::parse_priority)]
    priority: Vec<Priority>,
    /// Only these categories.
    #[arg(long, value_delimiter = ',')]
    category: Vec<String>,
    /// Only tickets assigned to these people (`me` for you, `none` for nobody).
    #[arg(long, value_delimiter = ',')]
    assignee: Vec<String>,
    /// Only tickets requested by these people (`me` for you).
    #[arg(long, value_delimiter = ',')]
    requester: Vec<String>,
    /// Only tickets with one of these tags.
    #[arg(long, value_delimiter = ',')]
    tag: Vec<String>,
    /// Start from a view saved in helpdesk.yaml; other filters refine it.
    #[arg(long, value_name = "NAME")]
    view: Option<String>,
    /// Include closed tickets.
    #[arg(long)]
    all: bool,
    /// Only tickets whose worst SLA state is one of these: breached, at-risk, on-track, met.
    #[arg(long, value_delimiter = ',', value_parser = parse_sla_state)]
    sla: Vec<SlaState>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn parse_status(s: &str) -> Result<Status, String> {
    s.parse()
}

fn parse_sla_state(s: &str) -> Result<SlaState, String> {
    s.parse()
}

/// Checks the filter's names against config, lays it over the view if
/// one is named, and replaces `me` by the person running the command.
fn build_filter(reader: &Reader, cli: Filter, view: Option<&str>) -> Result<Filter> {
    let config = &reader.tracker.config;
    for key in &cli.category {
        config.require_category(key).map_err(anyhow::Error::msg)?;
    }
    for key in cli.assignee.iter().chain(&cli.requester) {
        if key != "me" && key != "none" {
            config.require_person(key).map_err(anyhow::Error::msg)?;
        }
    }
    let mut filter = match view {
        Some(name) => Filter::from_view(config.require_view(name).map_err(anyhow::Error::msg)?)
            .overridden_by(cli),
        None => cli,
    };
    if filter.mentions_me() {
        let me = reader.person().with_context(|| {
            format!(
                "`me` needs to know who you are: {}",
                reader.unidentified.as_deref().unwrap_or("pass --as PERSON")
            )
        })?;
        filter = filter.resolve_me(&me.key);
    }
    Ok(filter)
}

/// A filter on assignees only (`me`, `none` or person keys).
pub fn assignee_filter(reader: &Reader, assignee: Vec<String>) -> Result<Filter> {
    let cli = Filter {
        assignee,
        ..Filter::default()
    };
    build_filter(reader, cli, None)
}

pub fn run(global: &Global, args: ListArgs) -> Result<i32> {
    let reader = reader(global)?;
    let tracker = &reader.tracker;
    let cli = Filter {
        status: args.status,
        priority: args.priority,
        category: args.category,
        assignee: args.assignee,
        requester: args.requester,
        tag: args.tag,
        all: args.all,
    };
    let filter = build_filter(&reader, cli, args.view.as_deref())?;
    let (mut tickets, errors) = if args.sla.is_empty() {
        let loaded = tracker.read_all_tickets()?;
        (loaded.items, loaded.errors)
    } else {
        // The lifeline cache holds whole tickets: one read gives both.
        let loaded = tracker.read_lifelines()?;
        let now = crate::clock::now()?;
        let config = &tracker.config;
        let tickets = loaded
            .items
            .into_iter()
            .filter(|(t, life)| {
                let checks = sla::check(&config.sla, config.sla.target(t.priority), life, now);
                sla::worst(&checks).is_some_and(|s| args.sla.contains(&s))
            })
            .map(|(t, _)| t)
            .collect();
        (tickets, loaded.errors)
    };
    tickets.retain(|t| reader.sees(t) && filter.matches(t));
    let mut tickets: Vec<_> = tickets.into_iter().map(|t| reader.shown(t)).collect();
    sort_by_urgency(&mut tickets);
    match args.format {
        Format::Table => print_table(&tickets)?,
        Format::Json => println!("{}", serde_json::to_string_pretty(&tickets)?),
        Format::Csv => print_csv(&tickets)?,
    }
    report_unreadable(&errors)
}

/// Prints the files a read-only command had to skip; exit status 1 if any.
pub fn report_unreadable(errors: &[crate::store::FileError]) -> Result<i32> {
    for error in errors {
        eprintln!("error: {error}");
    }
    if !errors.is_empty() {
        eprintln!(
            "error: {} file(s) could not be read and are left out; `tkt check` lists every problem",
            errors.len()
        );
        return Ok(1);
    }
    Ok(0)
}

fn print_table(tickets: &[Ticket]) -> Result<()> {
    if tickets.is_empty() {
        eprintln!("No tickets match.");
        return Ok(());
    }
    let style = Style::detect();
    let now = crate::clock::now()?;
    let rows: Vec<Vec<Cell>> = tickets
        .iter()
        .map(|t| {
            vec![
                Cell::painted(&t.id, |s| style.bold(s)),
                Cell::painted(t.status.as_str(), |s| style.status(s, t.status)),
                Cell::painted(t.priority.as_str(), |s| style.priority(s, t.priority)),
                Cell::plain(&t.category),
                Cell::plain(t.assignee.as_deref().unwrap_or("-")),
                Cell::plain(age(t.created, now)),
                Cell::plain(&t.subject),
            ]
        })
        .collect();
    let out = table(
        &style,
        &[
            "FOLIO", "STATUS", "PRIORITY", "CATEGORY", "ASSIGNEE", "AGE", "SUBJECT",
        ],
        &rows,
    );
    super::output::emit(&out)
}

fn print_csv(tickets: &[Ticket]) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record([
        "folio",
        "status",
        "priority",
        "category",
        "assignee",
        "requester",
        "created",
        "updated",
        "subject",
        "tags",
    ])?;
    for t in tickets {
        let record = [
            t.id.as_str(),
            t.status.as_str(),
            t.priority.as_str(),
            &t.category,
            t.assignee.as_deref().unwrap_or(""),
            &t.requester,
            &t.created.to_rfc3339(),
            &t.updated.to_rfc3339(),
            &t.subject,
            &t.tags.join(" "),
        ];
        w.write_record(record.iter().map(|c| csv_safe(c).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}
