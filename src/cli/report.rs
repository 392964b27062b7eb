//! `tkt report`: volumes, speed, SLA compliance, reopen rate, time in
//! status, workload, backlog age and time spent, per group and period, as
//! a table, JSON or CSV.

use super::output::{table, Cell, Format, Style};
use super::session::{open_tracker, Global};
use crate::clock::timed;
use crate::domain::model::{Span, TargetKind};
use crate::domain::report::{
    self, clock_hours, hours_text, human_seconds, GroupBy, Period, Report,
};
use crate::domain::text::utc_stamp as stamp;
use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use std::io::Write;

pub const EXAMPLES: &str = "\
Examples:
  tkt report                                   all time, every figure for the whole tracker
  tkt report --since 2026-01-01 --until 2026-03-31 --by category
  tkt report --since 4w --by week              the last four weeks, week by week
  tkt report --by assignee --format csv > workload.csv

Dates are whole days in the business-hours time zone (UTC without one);
--until includes its day. --since also takes a span back from now: 4w, 30d.
docs/REPORTS.md defines every figure.";

/// Rows in a terminal table before the rest is left to --format csv/json.
const TABLE_ROWS: usize = 50;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum By {
    Category,
    Priority,
    Assignee,
    Requester,
    Week,
    Month,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Start of the period: a date (2026-01-01) or a span back from now (4w).
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
    /// End of the period, inclusive: a date (2026-03-31); default now.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// One row per category, priority, assignee, requester, week or month.
    #[arg(long, value_enum)]
    by: Option<By>,
    /// Output format; CSV and JSON have every row.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(global: &Global, args: ReportArgs) -> Result<i32> {
    let tracker = open_tracker(global)?;
    let config = &tracker.config;
    let now = crate::clock::now()?;
    let zone = config.sla.business_hours.as_ref().map(|b| b.timezone);
    let since = args
        .since
        .as_deref()
        .map(|s| parse_when(s, now, zone, false))
        .transpose()?;
    // Nothing has happened after now: a later --until would age the
    // backlog into the future.
    let until = match args.until.as_deref() {
        Some(s) => parse_when(s, now, zone, true)?.min(now),
        None => now,
    };
    if since.is_some_and(|s| s >= until) {
        anyhow::bail!("--since must be before --until");
    }
    let loaded = timed("read tickets and timelines", || tracker.read_lifelines())?;
    let pairs: Vec<_> = loaded.items.iter().map(|(t, l)| (t, l)).collect();
    let by = args.by.map(|b| match b {
        By::Category => GroupBy::Category,
        By::Priority => GroupBy::Priority,
        By::Assignee => GroupBy::Assignee,
        By::Requester => GroupBy::Requester,
        By::Week => GroupBy::Week,
        By::Month => GroupBy::Month,
    });
    let r = timed("compute", || {
        report::report(config, &pairs, Period { since, until }, by, now)
    });
    let out = match args.format {
        Format::Table => render_table(&r, &Style::detect()),
        Format::Json => serde_json::to_string_pretty(&r)? + "\n",
        Format::Csv => report::to_csv(&r)?,
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(out.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    super::list::report_unreadable(&loaded.errors)
}

/// A date (a whole day in `zone`), an RFC 3339 time, or a span back from
/// `now`. `end_of_day` makes a date mean the end of that day.
fn parse_when(
    text: &str,
    now: DateTime<Utc>,
    zone: Option<chrono_tz::Tz>,
    end_of_day: bool,
) -> Result<DateTime<Utc>> {
    if let Ok(day) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let day = if end_of_day {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        return Ok(report::local_midnight(day, zone));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(at.with_timezone(&Utc));
    }
    if let Ok(span) = text.parse::<Span>() {
        return Ok(now - chrono::Duration::minutes(span.minutes.min(1 << 40) as i64));
    }
    Err(super::session::UsageError(format!(
        "`{text}` is not a date (2026-03-31), a time (2026-03-31T09:00:00Z) or a span back from now (4w, 30d)"
    ))
    .into())
}

/// A table cell for a figure that may have no value.
fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "-".into())
}

fn render_table(r: &Report, style: &Style) -> String {
    let mut out = String::new();
    let from = r.period.since.map_or("the first ticket".to_string(), stamp);
    out.push_str(&style.bold(&format!(
        "Report from {from} to {}{}\n",
        stamp(r.period.until),
        if r.business_hours {
            " (clock times in business hours)"
        } else {
            ""
        }
    )));
    out.push('\n');
    let shown = r.groups.iter().take(TABLE_ROWS).chain([&r.total]);
    let cells: Vec<Vec<Cell>> = shown
        .map(|row| {
            vec![
                Cell::painted(&row.label, |s| style.bold(s)),
                Cell::plain(row.opened.to_string()),
                Cell::plain(row.resolved.to_string()),
                Cell::plain(row.closed.to_string()),
                Cell::plain(row.backlog.to_string()),
                Cell::plain(or_dash(row.first_response.text())),
                Cell::plain(or_dash(row.resolution.text())),
                Cell::plain(or_dash(row.compliance_text(TargetKind::FirstResponse))),
                Cell::plain(or_dash(row.compliance_text(TargetKind::NextReply))),
                Cell::plain(or_dash(row.compliance_text(TargetKind::Resolution))),
                Cell::plain(or_dash(row.reopen_rate.map(|p| format!("{p:.0}%")))),
                Cell::plain(or_dash(hours_text(row.time_spent))),
            ]
        })
        .collect();
    out.push_str(&table(
        style,
        &[
            "GROUP",
            "OPENED",
            "RESOLVED",
            "CLOSED",
            "BACKLOG",
            "1ST RESPONSE MED/P90",
            "RESOLUTION MED/P90",
            "SLA 1ST RESP",
            "SLA NEXT REPLY",
            "SLA RESOLUTION",
            "REOPENED",
            "TIME SPENT",
        ],
        &cells,
    ));
    if r.groups.len() > TABLE_ROWS {
        out.push_str(&style.dim(&format!(
            "… {} more rows: use --format csv or --format json for all of them\n",
            r.groups.len() - TABLE_ROWS
        )));
    }
    render_total_details(&mut out, r, style);
    out
}

fn render_total_details(out: &mut String, r: &Report, style: &Style) {
    let total = &r.total;
    out.push_str(&style.bold("\nFirst resolution (median / p90): "));
    out.push_str(&or_dash(total.first_resolution.text()));
    out.push('\n');
    out.push_str(&style.bold("\nTime in each status (mean per ticket, calendar time)\n"));
    let rows: Vec<Vec<Cell>> = total
        .status_time
        .iter()
        .map(|s| {
            vec![
                Cell::plain(s.status.as_str()),
                Cell::plain(s.tickets.to_string()),
                Cell::plain(s.mean.map_or("-".into(), human_seconds)),
            ]
        })
        .collect();
    out.push_str(&table(style, &["STATUS", "TICKETS", "MEAN"], &rows));
    out.push_str(&style.bold(&format!("\nBacklog by age at {}\n", stamp(r.period.until))));
    let rows: Vec<Vec<Cell>> = total
        .ageing
        .iter()
        .map(|c| vec![Cell::plain(&c.label), Cell::plain(c.value.to_string())])
        .collect();
    out.push_str(&table(style, &["AGE", "TICKETS"], &rows));
    out.push_str(&style.bold("\nWorkload\n"));
    let rows: Vec<Vec<Cell>> = r
        .workload
        .iter()
        .map(|w| {
            vec![
                Cell::plain(&w.name),
                Cell::plain(w.open_assigned.to_string()),
                Cell::plain(w.resolved.to_string()),
                Cell::plain(w.first_response.median.map_or("-".into(), clock_hours)),
                Cell::plain(or_dash(hours_text(w.time_spent))),
            ]
        })
        .collect();
    out.push_str(&table(
        style,
        &[
            "PERSON",
            "OPEN ASSIGNED",
            "RESOLVED",
            "1ST RESPONSE MEDIAN",
            "TIME SPENT",
        ],
        &rows,
    ));
}
