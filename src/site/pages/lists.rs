//! Static list pages: per status, category, assignee, SLA state and saved
//! view, paginated so no page grows with the tracker.

use super::{Page, TicketRow};
use crate::app::desk::Desk;
use crate::domain::model::Status;
use crate::domain::query::{urgency_key, Filter};
use serde::Serialize;
use std::collections::BTreeMap;

/// Rows per list page.
pub const PER_PAGE: usize = 100;

/// One list: which tickets, under what name.
pub struct ListSpec {
    pub group: &'static str,
    pub key: String,
    pub title: String,
    pub note: &'static str,
    pub folios: Vec<String>,
}

impl ListSpec {
    pub fn dir(&self) -> String {
        format!("lists/{}/{}", self.group, self.key)
    }

    pub fn url(&self) -> String {
        format!("{}/index.html", self.dir())
    }
}

const NOT_CLOSED: &str = "Closed tickets are left out; they are in the Closed list.";

/// Every list of the site, in a stable order, each sorted most urgent first.
pub fn specs(desk: &Desk, rows: &BTreeMap<String, TicketRow>) -> Vec<ListSpec> {
    let config = &desk.config;
    let mut specs = Vec::new();
    for status in Status::ALL {
        let filter = Filter {
            status: vec![status],
            ..Filter::default()
        };
        specs.push(spec(
            desk,
            "status",
            status.as_str(),
            format!("Status: {status}"),
            "",
            &filter,
        ));
    }
    for category in &config.categories {
        let filter = Filter {
            category: vec![category.key.clone()],
            ..Filter::default()
        };
        specs.push(spec(
            desk,
            "category",
            &category.key,
            format!("Category: {}", category.name),
            NOT_CLOSED,
            &filter,
        ));
    }
    for person in config.people.iter().filter(|p| p.role.is_staff()) {
        let filter = Filter {
            assignee: vec![person.key.clone()],
            ..Filter::default()
        };
        specs.push(spec(
            desk,
            "assignee",
            &person.key,
            format!("Assigned to {}", person.name),
            NOT_CLOSED,
            &filter,
        ));
    }
    let filter = Filter {
        assignee: vec!["none".into()],
        ..Filter::default()
    };
    specs.push(spec(
        desk,
        "assignee",
        "unassigned",
        "Unassigned".into(),
        NOT_CLOSED,
        &filter,
    ));
    for state in ["breached", "at-risk"] {
        let folios = sorted(desk, |folio, t| {
            !t.status.is_done() && rows.get(folio).is_some_and(|r| r.sla == state)
        });
        specs.push(ListSpec {
            group: "sla",
            key: state.into(),
            title: format!(
                "SLA {}",
                if state == "breached" {
                    "breached"
                } else {
                    "at risk"
                }
            ),
            note: "Unfinished tickets only, as of the data's snapshot time.",
            folios,
        });
    }
    for view in &config.views {
        let filter = Filter::from_view(view);
        let title = view.title.clone().unwrap_or_else(|| view.name.clone());
        specs.push(spec(
            desk,
            "view",
            &view.name,
            format!("View: {title}"),
            "",
            &filter,
        ));
    }
    specs.retain(|s| crate::domain::model::is_valid_key(&s.key));
    specs
}

fn spec(
    desk: &Desk,
    group: &'static str,
    key: &str,
    title: String,
    note: &'static str,
    filter: &Filter,
) -> ListSpec {
    ListSpec {
        group,
        key: key.to_string(),
        title,
        note,
        folios: sorted(desk, |_, t| filter.matches(t)),
    }
}

fn sorted(desk: &Desk, keep: impl Fn(&str, &crate::domain::model::Ticket) -> bool) -> Vec<String> {
    let mut records: Vec<_> = desk
        .tickets
        .iter()
        .filter(|(folio, r)| keep(folio, &r.ticket))
        .map(|(_, r)| &r.ticket)
        .collect();
    records.sort_by(|a, b| urgency_key(a).cmp(&urgency_key(b)));
    records.into_iter().map(|t| t.id.clone()).collect()
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct ListData<'a> {
    note: &'a str,
    total: usize,
    rows: Vec<&'a TicketRow>,
    page: usize,
    pages: usize,
    links: Vec<PageLink>,
    prev: Option<String>,
    next: Option<String>,
}

/// The pages of one list: `index.html`, `page-2.html`, …
pub fn list_pages(spec: &ListSpec, rows: &BTreeMap<String, TicketRow>) -> Vec<Page> {
    let pages = spec.folios.len().div_ceil(PER_PAGE).max(1);
    let file = |n: usize| {
        if n == 1 {
            "index.html".to_string()
        } else {
            format!("page-{n}.html")
        }
    };
    (1..=pages)
        .map(|n| {
            let chunk = spec.folios.iter().skip((n - 1) * PER_PAGE).take(PER_PAGE);
            let data = ListData {
                note: spec.note,
                total: spec.folios.len(),
                rows: chunk.filter_map(|f| rows.get(f)).collect(),
                page: n,
                pages,
                links: (1..=pages)
                    .map(|m| PageLink {
                        number: m,
                        href: file(m),
                        current: m == n,
                    })
                    .collect(),
                prev: (n > 1).then(|| file(n - 1)),
                next: (n < pages).then(|| file(n + 1)),
            };
            let title = if n == 1 {
                spec.title.clone()
            } else {
                format!("{} (page {n})", spec.title)
            };
            Page::new(
                format!("{}/{}", spec.dir(), file(n)),
                "list.html",
                title,
                "lists",
                data,
            )
        })
        .collect()
}

#[derive(Serialize)]
struct ListLink {
    title: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct ListGroup {
    title: &'static str,
    lists: Vec<ListLink>,
}

/// `lists/index.html`: every list with its size, by group.
pub fn lists_index(specs: &[ListSpec]) -> Page {
    let groups: Vec<ListGroup> = [
        ("status", "By status"),
        ("category", "By category"),
        ("assignee", "By assignee"),
        ("sla", "By SLA state"),
        ("view", "Saved views"),
    ]
    .into_iter()
    .map(|(group, title)| ListGroup {
        title,
        lists: specs
            .iter()
            .filter(|s| s.group == group)
            .map(|s| ListLink {
                title: s.title.clone(),
                url: s.url(),
                count: s.folios.len(),
            })
            .collect(),
    })
    .filter(|g| !g.lists.is_empty())
    .collect();
    Page::new(
        "lists/index.html",
        "lists.html",
        "All lists",
        "lists",
        serde_json::json!({ "groups": groups }),
    )
}
