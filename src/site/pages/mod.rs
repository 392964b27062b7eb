//! What each page shows: plain serialisable contexts built from the desk,
//! handed to the templates. Nothing here touches files.

pub mod knowledge;
pub mod lists;
pub mod overview;
pub mod reports;
pub mod ticket;

use crate::app::desk::{Desk, Record};
use crate::domain::model::Config;
use crate::domain::sla::{self, SlaState};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Who the site is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Audience {
    /// Staff: everything, internal notes included.
    Internal,
    /// Anyone: FAQ, aggregate reports and how to register, nothing else.
    Public,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Internal => "internal",
            Audience::Public => "public",
        }
    }
}

/// A page to render: where it goes, with which template and data.
pub struct Page {
    /// Site-relative path with `/` separators.
    pub path: String,
    pub template: &'static str,
    pub title: String,
    /// The navigation section to highlight.
    pub section: &'static str,
    pub data: serde_json::Value,
}

impl Page {
    pub fn new(
        path: impl Into<String>,
        template: &'static str,
        title: impl Into<String>,
        section: &'static str,
        data: impl Serialize,
    ) -> Page {
        Page {
            path: path.into(),
            template,
            title: title.into(),
            section,
            data: serde_json::to_value(data).expect("page data always serialises"),
        }
    }
}

/// What every page knows about the site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    pub name: String,
    pub audience: &'static str,
    pub internal: bool,
    /// Files left out because they could not be read (`--keep-going`).
    pub errors: usize,
    /// The web registration form's address, when `web:` is set.
    pub form: Option<String>,
    /// The web front end's address (`web: base_url`, no trailing slash),
    /// when `web:` is set: signing in, and operators acting on tickets.
    pub web: Option<String>,
}

impl SiteInfo {
    pub fn new(desk: &Desk, audience: Audience) -> SiteInfo {
        SiteInfo {
            name: desk.config.name.clone(),
            audience: audience.as_str(),
            internal: audience == Audience::Internal,
            errors: desk.errors().len(),
            form: desk
                .config
                .web
                .as_ref()
                .map(|w| format!("{}/new", w.base_url.trim_end_matches('/'))),
            web: desk
                .config
                .web
                .as_ref()
                .map(|w| w.base_url.trim_end_matches('/').to_string()),
        }
    }
}

/// The relative way back to the site root from `path`: `../../` for
/// `tickets/TKT001/index.html`. Every link is relative so the site works
/// from `file://` and under any sub-path.
pub fn root_for(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

pub fn format_time(t: DateTime<Utc>) -> String {
    crate::domain::text::utc_stamp(t)
}

pub fn format_date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// A person's display name, or the key when the config does not know it.
pub fn name_of(config: &Config, key: &str) -> String {
    config
        .person(key)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| key.to_string())
}

pub fn ticket_url(folio: &str) -> String {
    format!("tickets/{folio}/index.html")
}

/// A ticket as one row of a list; also the record of the shared
/// `data/tickets.json` that the client-side list filters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketRow {
    pub folio: String,
    pub url: String,
    pub subject: String,
    pub status: &'static str,
    pub priority: &'static str,
    pub category: String,
    pub category_name: String,
    pub assignee: String,
    pub assignee_name: String,
    pub requester_name: String,
    pub created: String,
    pub updated: String,
    pub age: String,
    /// Worst SLA state, empty when no target applies.
    pub sla: &'static str,
    pub confidential: bool,
}

impl TicketRow {
    pub fn new(config: &Config, record: &Record, now: DateTime<Utc>) -> TicketRow {
        let t = &record.ticket;
        let checks = sla::check(
            &config.sla,
            config.sla.target(t.priority),
            &record.life,
            now,
        );
        TicketRow {
            folio: t.id.clone(),
            url: ticket_url(&t.id),
            subject: t.subject.clone(),
            status: t.status.as_str(),
            priority: t.priority.as_str(),
            category: t.category.clone(),
            category_name: config
                .category(&t.category)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| t.category.clone()),
            assignee: t.assignee.clone().unwrap_or_default(),
            assignee_name: t
                .assignee
                .as_deref()
                .map(|a| name_of(config, a))
                .unwrap_or_default(),
            requester_name: name_of(config, &t.requester),
            created: format_date(t.created),
            updated: format_date(record.life.last_activity),
            age: crate::domain::query::age(t.created, now),
            sla: sla::worst(&checks).map(SlaState::as_str).unwrap_or(""),
            confidential: t.confidential,
        }
    }
}
