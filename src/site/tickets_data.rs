//! The layout of `data/tickets.json`, the data behind the client-side
//! ticket list: the column names once, then each ticket row as an array in
//! that order. `app.js` reads the rows by these names, so the layout is a
//! contract with the site's JavaScript and lives apart from the pipeline.
//!
//! It is JSON that `app.js` fetches, not a script setting a global: any web
//! page open in the same browser could include a script from the site with
//! `<script src>` and read every ticket, while a cross-origin fetch is
//! refused by the browser.

use super::pages::TicketRow;
use std::collections::BTreeMap;

/// `data/tickets.json`: every ticket row once, as arrays under named
/// columns, for the client-side list.
pub(super) fn tickets_json(rows: &BTreeMap<String, TicketRow>) -> String {
    let columns = [
        "folio",
        "url",
        "subject",
        "status",
        "priority",
        "category",
        "category_name",
        "assignee",
        "assignee_name",
        "requester_name",
        "created",
        "updated",
        "age",
        "sla",
        "confidential",
    ];
    let data: Vec<serde_json::Value> = rows
        .values()
        .map(|r| {
            serde_json::json!([
                r.folio,
                r.url,
                r.subject,
                r.status,
                r.priority,
                r.category,
                r.category_name,
                r.assignee,
                r.assignee_name,
                r.requester_name,
                r.created,
                r.updated,
                r.age,
                r.sla,
                r.confidential
            ])
        })
        .collect();
    serde_json::json!({ "columns": columns, "rows": data }).to_string()
}
