//! The pages about the whole desk: dashboard, public home, reports, how to
//! register, the client-side ticket list, search, errors and 404.

use super::{name_of, Audience, Page, TicketRow};
use crate::app::desk::Desk;
use crate::domain::model::{FieldType, Priority, Status};
use crate::domain::report::{clock_hours, Summary};
use crate::site::charts;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many tickets the dashboard lists in each of its tables.
const DASHBOARD_ROWS: usize = 10;

#[derive(Serialize)]
struct CountLink {
    label: String,
    value: u64,
    url: Option<String>,
}

/// The internal dashboard, `index.html`.
pub fn dashboard(desk: &Desk, summary: &Summary, rows: &BTreeMap<String, TicketRow>) -> Page {
    let mut open: Vec<&TicketRow> = rows.values().filter(|r| !is_done(r.status)).collect();
    open.sort_by(|a, b| (&a.created, &a.folio).cmp(&(&b.created, &b.folio)));
    let oldest: Vec<&TicketRow> = open.iter().take(DASHBOARD_ROWS).copied().collect();
    let mut breached: Vec<&TicketRow> = open
        .iter()
        .filter(|r| r.sla == "breached")
        .copied()
        .collect();
    let breached_total = breached.len();
    breached.truncate(DASHBOARD_ROWS);
    let at_risk_all: Vec<&TicketRow> = open
        .iter()
        .filter(|r| r.sla == "at-risk")
        .copied()
        .collect();
    let at_risk = at_risk_all.len();
    let at_risk_rows = &at_risk_all[..at_risk.min(DASHBOARD_ROWS)];
    let link = |group: &str, key: &str| Some(format!("lists/{group}/{key}/index.html"));
    let as_of = desk.as_of();
    let data = serde_json::json!({
        "as_of": super::format_time(as_of.at),
        // Times after the clock, left out of `as_of`: said on the page, so
        // nobody trusts a snapshot that quietly skipped data.
        "future_times": as_of.future_times,
        "total": summary.total,
        "open": open.len(),
        "by_status": summary.by_status.iter().map(|c| CountLink { label: c.label.clone(), value: c.value, url: link("status", &c.key) }).collect::<Vec<_>>(),
        "by_priority": summary.by_priority.iter().map(|c| CountLink { label: c.label.clone(), value: c.value, url: None }).collect::<Vec<_>>(),
        "by_assignee": summary.open_by_assignee.iter().map(|c| CountLink {
            label: c.label.clone(),
            value: c.value,
            url: link("assignee", if c.key.is_empty() { "unassigned" } else { &c.key }),
        }).collect::<Vec<_>>(),
        "oldest": oldest,
        "breached": breached,
        "breached_total": breached_total,
        "at_risk": at_risk,
        "at_risk_rows": at_risk_rows,
        "at_risk_share": format!("{:.0}%", desk.config.sla.at_risk.0 * 100.0),
        "median_first_response": summary.median_first_response.map(clock_hours),
        "median_resolution": summary.median_resolution.map(clock_hours),
        "status_chart": charts::bars("Tickets by status", &summary.by_status),
    });
    Page::new(
        "index.html",
        "dashboard.html",
        "Dashboard",
        "dashboard",
        data,
    )
}

fn is_done(status: &str) -> bool {
    status == Status::Resolved.as_str() || status == Status::Closed.as_str()
}

/// The public home page, `index.html`: where to look before asking.
pub fn home(desk: &Desk) -> Page {
    let data = serde_json::json!({ "faq_count": desk.faq.len() });
    Page::new("index.html", "home.html", "Help centre", "dashboard", data)
}

/// `register.html`: how to ask for help, from the config's categories
/// and their forms.
pub fn register(desk: &Desk) -> Page {
    let config = &desk.config;
    let categories: Vec<_> = config
        .categories
        .iter()
        .map(|c| {
            serde_json::json!({
                "key": c.key,
                "name": c.name,
                "description": c.description,
                "responsible": c.responsible.iter().map(|k| name_of(config, k)).collect::<Vec<_>>(),
                "fields": c.fields.iter().map(|f| serde_json::json!({
                    "name": f.name,
                    "label": f.label.clone().unwrap_or_else(|| f.name.clone()),
                    "kind": match f.kind {
                        FieldType::Text => "text",
                        FieldType::Choice => "one of",
                        FieldType::Date => "date (YYYY-MM-DD)",
                        FieldType::Number => "number",
                    },
                    "required": f.required,
                    "choices": f.choices,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let sla: Vec<_> = Priority::ALL
        .iter()
        .rev()
        .filter_map(|p| {
            let t = config.sla.target(*p)?;
            Some(serde_json::json!({
                "priority": p.as_str(),
                "first_response": t.first_response.to_string(),
                "resolution": t.resolution.to_string(),
            }))
        })
        .collect();
    let data = serde_json::json!({ "categories": categories, "sla": sla });
    Page::new(
        "register.html",
        "register.html",
        "How to ask for help",
        "register",
        data,
    )
}

/// `tickets/index.html`: the filterable list, whose rows load from the
/// shared `data/tickets.json`.
pub fn ticket_list(desk: &Desk) -> Page {
    let config = &desk.config;
    let data = serde_json::json!({
        "statuses": Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "priorities": Priority::ALL.iter().rev().map(|p| p.as_str()).collect::<Vec<_>>(),
        "categories": config.categories.iter().map(|c| serde_json::json!({"key": c.key, "name": c.name})).collect::<Vec<_>>(),
        "assignees": config.people.iter().filter(|p| p.role.is_staff()).map(|p| serde_json::json!({"key": p.key, "name": p.name})).collect::<Vec<_>>(),
        "total": desk.tickets.len(),
    });
    Page::new(
        "tickets/index.html",
        "tickets.html",
        "Tickets",
        "tickets",
        data,
    )
}

/// `search.html`: searches the shards listed on the page.
pub fn search(shards: &[String]) -> Page {
    Page::new(
        "search.html",
        "search.html",
        "Search",
        "search",
        serde_json::json!({ "shards": shards }),
    )
}

/// `errors.html`, written by `--keep-going` builds with bad files.
pub fn errors(desk: &Desk, audience: Audience) -> Page {
    let errors: Vec<_> = desk
        .errors()
        .into_iter()
        .map(|e| {
            let path = e.path.strip_prefix(&desk.root).unwrap_or(&e.path).display().to_string();
            serde_json::json!({
                "location": match e.line { Some(l) => format!("{path}:{l}"), None => path },
                "message": if audience == Audience::Internal { e.message.clone() } else { String::new() },
            })
        })
        .collect();
    Page::new(
        "errors.html",
        "errors.html",
        "Files that could not be read",
        "errors",
        serde_json::json!({ "errors": errors }),
    )
}

/// `404.html`, for servers that show it for missing pages. Its links are
/// absolute because it is served at any depth.
pub fn not_found() -> Page {
    Page::new(
        "404.html",
        "404.html",
        "Page not found",
        "",
        serde_json::json!({}),
    )
}
