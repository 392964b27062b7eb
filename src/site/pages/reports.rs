//! The reports pages: all time, the last 13 weeks and the last 4 weeks,
//! each with SVG charts, the numbers beside them, and CSV downloads of
//! every table. Public builds get the aggregate figures only: nothing
//! grouped by person.

use super::{Audience, Page};
use crate::app::desk::Desk;
use crate::domain::report::{
    self, hours_text, human_seconds, GroupBy, Period, Report, Row, Summary, WeekFlow,
};
use crate::site::charts::{self, Bar};
use crate::site::output::Output;
use chrono::{DateTime, Duration, Utc};
use rayon::prelude::*;
use serde::Serialize;

/// One period the site reports on.
struct Window {
    slug: &'static str,
    title: &'static str,
    weeks: Option<i64>,
}

const WINDOWS: [Window; 3] = [
    Window {
        slug: "",
        title: "All time",
        weeks: None,
    },
    Window {
        slug: "last-13-weeks",
        title: "Last 13 weeks",
        weeks: Some(13),
    },
    Window {
        slug: "last-4-weeks",
        title: "Last 4 weeks",
        weeks: Some(4),
    },
];

#[derive(Serialize)]
struct Tab {
    title: &'static str,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct Download {
    label: &'static str,
    url: String,
}

/// The report pages and their CSV files, as of `now` (the site's snapshot).
pub fn pages(
    desk: &Desk,
    summary: &Summary,
    audience: Audience,
    now: DateTime<Utc>,
) -> (Vec<Page>, Vec<Output>) {
    let config = &desk.config;
    let pairs: Vec<_> = desk
        .tickets
        .values()
        .map(|r| (&r.ticket, &r.life))
        .collect();
    let cases = report::cases(config, &pairs, now);
    let internal = audience == Audience::Internal;
    let mut pages = Vec::new();
    let mut files = Vec::new();
    for window in &WINDOWS {
        let period = Period {
            since: window.weeks.map(|w| now - Duration::weeks(w)),
            until: now,
        };
        let dir = match window.slug {
            "" => "reports/".to_string(),
            slug => format!("reports/{slug}/"),
        };
        let time = if window.weeks.is_some() {
            GroupBy::Week
        } else {
            GroupBy::Month
        };
        let mut groups = vec![
            ("by-category", "By category", GroupBy::Category),
            ("by-priority", "By priority", GroupBy::Priority),
            (
                if time == GroupBy::Week {
                    "by-week"
                } else {
                    "by-month"
                },
                if time == GroupBy::Week {
                    "By week"
                } else {
                    "By month"
                },
                time,
            ),
        ];
        if internal {
            groups.push(("by-assignee", "By assignee", GroupBy::Assignee));
        }
        let reports: Vec<(&str, &str, Report)> = groups
            .into_par_iter()
            .map(|(slug, title, by)| {
                (
                    slug,
                    title,
                    report::report_on(config, &cases, period, Some(by)),
                )
            })
            .collect();
        let mut downloads = Vec::new();
        for (slug, title, r) in &reports {
            if let Ok(csv) = report::to_csv(r) {
                files.push(Output::bytes(format!("{dir}{slug}.csv"), csv));
                downloads.push(Download {
                    label: title,
                    url: format!("{slug}.csv"),
                });
            }
        }
        let overall = &reports[0].2;
        if internal {
            if let Ok(csv) = report::workload_csv(&overall.workload) {
                files.push(Output::bytes(format!("{dir}workload.csv"), csv));
                downloads.push(Download {
                    label: "Workload per person",
                    url: "workload.csv".into(),
                });
            }
        }
        let depth = if window.slug.is_empty() { "" } else { "../" };
        let tabs: Vec<Tab> = WINDOWS
            .iter()
            .map(|w| Tab {
                title: w.title,
                url: match (w.slug, depth) {
                    ("", d) => format!("{d}index.html"),
                    (slug, "") => format!("{slug}/index.html"),
                    (slug, _) => format!("../{slug}/index.html"),
                },
                current: w.slug == window.slug,
            })
            .collect();
        let data = period_data(
            window, overall, &reports, summary, internal, tabs, downloads,
        );
        pages.push(Page::new(
            format!("{dir}index.html"),
            "reports.html",
            format!("Reports · {}", window.title),
            "reports",
            data,
        ));
    }
    (pages, files)
}

fn period_data(
    window: &Window,
    overall: &Report,
    reports: &[(&str, &str, Report)],
    summary: &Summary,
    internal: bool,
    tabs: Vec<Tab>,
    downloads: Vec<Download>,
) -> serde_json::Value {
    let total = &overall.total;
    let groups: Vec<serde_json::Value> = reports
        .iter()
        .map(|(slug, title, r)| {
            serde_json::json!({
                "slug": slug,
                "title": title,
                "rows": r.groups.iter().map(row_view).collect::<Vec<_>>(),
                "chart": flow_chart(title, &r.groups),
            })
        })
        .collect();
    let all_time = window.weeks.is_none();
    serde_json::json!({
        "title": window.title,
        "tabs": tabs,
        "since": overall.period.since.map(super::format_time),
        "until": super::format_time(overall.period.until),
        "business_hours": overall.business_hours,
        "total": row_view(total),
        "groups": groups,
        "downloads": downloads,
        "charts": {
            "compliance": compliance_chart(total),
            "ageing": charts::bars("Backlog by age", &total.ageing),
            "status_time": status_time_chart(total),
            "status": all_time.then(|| charts::bars("Tickets by status", &summary.by_status)),
            "weekly": all_time.then(|| {
                let weeks: &[WeekFlow] = &summary.weeks[summary.weeks.len().saturating_sub(26)..];
                charts::weekly("Opened and resolved per week (last 26 weeks)", weeks)
            }),
        },
        "workload": internal.then(|| overall.workload.iter().map(|w| serde_json::json!({
            "name": w.name,
            "open_assigned": w.open_assigned,
            "resolved": w.resolved,
            "first_response": or_dash(w.first_response.text()),
            "time_spent": or_dash(hours_text(w.time_spent)),
        })).collect::<Vec<_>>()),
    })
}

/// A page value for a figure that may have none.
fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".into())
}

fn row_view(r: &Row) -> serde_json::Value {
    let compliance = |t| or_dash(r.compliance_text(t));
    use crate::domain::model::TargetKind::*;
    serde_json::json!({
        "label": r.label,
        "opened": r.opened,
        "resolved": r.resolved,
        "closed": r.closed,
        "backlog": r.backlog,
        "first_response": or_dash(r.first_response.text()),
        "first_response_samples": r.first_response.count,
        "first_resolution": or_dash(r.first_resolution.text()),
        "resolution": or_dash(r.resolution.text()),
        "resolution_samples": r.resolution.count,
        "sla_first_response": compliance(FirstResponse),
        "sla_next_reply": compliance(NextReply),
        "sla_resolution": compliance(Resolution),
        "reopen_rate": r.reopen_rate.map_or("—".into(), |p| format!("{p:.0}%")),
        "reopened": r.reopened,
        "time_spent": or_dash(hours_text(r.time_spent)),
    })
}

fn compliance_chart(total: &Row) -> Option<String> {
    let bars: Vec<Bar> = total
        .compliance
        .iter()
        .filter_map(|c| {
            let p = c.percent?;
            Some(Bar {
                key: c.target.as_str().replace('_', "-"),
                label: crate::domain::text::capitalised(c.target.label()),
                value: p,
                text: format!("{p:.0}% of {}", c.met + c.breached),
            })
        })
        .collect();
    (!bars.is_empty()).then(|| charts::labelled_bars("SLA targets met", &bars, Some(100.0)))
}

fn status_time_chart(total: &Row) -> String {
    let bars: Vec<Bar> = total
        .status_time
        .iter()
        .map(|s| Bar {
            key: s.status.as_str().to_string(),
            label: s.status.as_str().replace('-', " "),
            value: s.mean.unwrap_or(0) as f64,
            text: s.mean.map_or("—".into(), human_seconds),
        })
        .collect();
    charts::labelled_bars("Mean time in each status per ticket", &bars, None)
}

/// Opened per group, with resolved beside it in the table.
fn flow_chart(title: &str, rows: &[Row]) -> String {
    let counts: Vec<report::Count> = rows
        .iter()
        .map(|r| report::Count {
            key: r.key.clone(),
            label: r.label.clone(),
            value: r.opened,
        })
        .collect();
    charts::bars(
        &format!("Tickets opened, {}", title.to_lowercase()),
        &counts,
    )
}
