//! FAQ and canned-answer pages.

use super::{format_date, name_of, ticket_url, Audience, Page};
use crate::domain::model::{Canned, Config, Faq};
use crate::site::markdown;
use serde::Serialize;

#[derive(Serialize)]
struct FaqLink<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
    tags: &'a [String],
}

#[derive(Serialize)]
struct FaqGroup<'a> {
    name: String,
    entries: Vec<FaqLink<'a>>,
}

fn category_name(config: &Config, key: Option<&str>) -> String {
    match key {
        Some(k) => config
            .category(k)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| k.to_string()),
        None => "General".to_string(),
    }
}

/// `faq/index.html`: entries grouped by category (config order), with the
/// FAQ search box.
pub fn faq_index(config: &Config, faq: &[(String, Faq)]) -> Page {
    let mut keys: Vec<Option<&str>> = config
        .categories
        .iter()
        .map(|c| Some(c.key.as_str()))
        .collect();
    for (_, f) in faq {
        if !keys.contains(&f.category.as_deref()) {
            keys.push(f.category.as_deref());
        }
    }
    let groups: Vec<FaqGroup> = keys
        .into_iter()
        .map(|key| FaqGroup {
            name: category_name(config, key),
            entries: faq
                .iter()
                .filter(|(_, f)| f.category.as_deref() == key)
                .map(|(slug, f)| FaqLink {
                    slug,
                    title: &f.title,
                    url: format!("faq/{slug}.html"),
                    tags: &f.tags,
                })
                .collect(),
        })
        .filter(|g| !g.entries.is_empty())
        .collect();
    let data = serde_json::json!({ "groups": groups, "total": faq.len() });
    Page::new(
        "faq/index.html",
        "faq_index.html",
        "Frequently asked questions",
        "faq",
        data,
    )
}

/// `faq/<slug>.html`. The source ticket is linked on internal builds only.
pub fn faq_page(config: &Config, slug: &str, faq: &Faq, audience: Audience) -> Page {
    let source = faq
        .source
        .as_deref()
        .filter(|_| audience == Audience::Internal)
        .map(|folio| serde_json::json!({ "folio": folio, "url": ticket_url(folio) }));
    let data = serde_json::json!({
        "title": faq.title,
        "category": category_name(config, faq.category.as_deref()),
        "tags": faq.tags,
        "body": markdown::render(&faq.body),
        "author": faq.author.as_deref().map(|a| name_of(config, a)),
        "updated": faq.updated.or(faq.created).map(format_date),
        "source": source,
    });
    Page::new(
        format!("faq/{slug}.html"),
        "faq.html",
        faq.title.clone(),
        "faq",
        data,
    )
}

/// Solutions shown per category on the knowledge-base page; the rest are
/// in the category's list and in search.
const KB_PER_CATEGORY: usize = 50;

/// `kb/index.html` (internal only): the newest solutions of finished
/// tickets, by category, and the FAQ entries made from tickets.
pub fn kb_index(desk: &crate::app::desk::Desk) -> Page {
    let config = &desk.config;
    let groups: Vec<_> = config
        .categories
        .iter()
        .map(|c| {
            let mut solved: Vec<_> = desk
                .tickets
                .values()
                .filter(|r| r.ticket.category == c.key && r.ticket.status.is_done())
                .filter_map(|r| Some((r, r.ticket.solution.as_deref()?)))
                .collect();
            solved.sort_by(|(a, _), (b, _)| b.life.resolved.cmp(&a.life.resolved).then(b.ticket.id.cmp(&a.ticket.id)));
            let total = solved.len();
            let items: Vec<_> = solved
                .into_iter()
                .take(KB_PER_CATEGORY)
                .map(|(r, solution)| {
                    serde_json::json!({
                        "folio": r.ticket.id,
                        "url": ticket_url(&r.ticket.id),
                        "subject": r.ticket.subject,
                        "solution": crate::domain::kb::snippet(&crate::domain::text::markdown_plain_text(solution), "", 240),
                        "resolved": r.life.resolved.map(format_date),
                        "faq": r.ticket.faq.as_deref().filter(|s| desk.faq.iter().any(|(slug, _)| slug == s)).map(|s| format!("faq/{s}.html")),
                    })
                })
                .collect();
            serde_json::json!({ "key": c.key, "name": c.name, "total": total, "items": items, "list": format!("lists/category/{}/index.html", c.key) })
        })
        .collect();
    Page::new(
        "kb/index.html",
        "kb.html",
        "Knowledge base",
        "kb",
        serde_json::json!({ "groups": groups, "shown": KB_PER_CATEGORY }),
    )
}

/// `canned/index.html` (internal only).
pub fn canned_index(config: &Config, canned: &[(String, Canned)]) -> Page {
    let items: Vec<_> = canned
        .iter()
        .map(|(slug, c)| {
            serde_json::json!({
                "slug": slug,
                "title": c.title,
                "url": format!("canned/{slug}.html"),
                "categories": c.categories.iter().map(|k| category_name(config, Some(k))).collect::<Vec<_>>(),
            })
        })
        .collect();
    Page::new(
        "canned/index.html",
        "canned_index.html",
        "Canned answers",
        "canned",
        serde_json::json!({ "answers": items }),
    )
}

/// `canned/<slug>.html`: the template text as written, and rendered.
pub fn canned_page(config: &Config, slug: &str, canned: &Canned) -> Page {
    let data = serde_json::json!({
        "slug": slug,
        "title": canned.title,
        "categories": canned.categories.iter().map(|k| category_name(config, Some(k))).collect::<Vec<_>>(),
        "tags": canned.tags,
        "source": canned.body,
        "body": markdown::render(&canned.body),
        "author": canned.author.as_deref().map(|a| name_of(config, a)),
    });
    Page::new(
        format!("canned/{slug}.html"),
        "canned.html",
        canned.title.clone(),
        "canned",
        data,
    )
}
