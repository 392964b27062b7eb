//! FAQ entries and canned answers: writing, editing and removing them, and
//! drafting an FAQ entry from a ticket's solution. Team work; one commit
//! each.

use super::reader::Reader;
use super::ticket_write::Done;
use super::unit::{Committed, Scope, UnitOfWork};
use crate::domain::access::{self, Act, Viewer};
use crate::domain::event::Event;
use crate::domain::model::knowledge::is_valid_slug;
use crate::domain::model::{Canned, Faq, Ticket};
use crate::domain::refusal::Refusal;
use crate::store::{render_ticket, Tracker, Transaction};
use anyhow::Result;
use std::path::PathBuf;

/// Which kind of article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleKind {
    Faq,
    Canned,
}

impl ArticleKind {
    pub fn noun(self) -> &'static str {
        match self {
            ArticleKind::Faq => "FAQ entry",
            ArticleKind::Canned => "canned answer",
        }
    }

    fn folder(self) -> &'static str {
        match self {
            ArticleKind::Faq => "faq",
            ArticleKind::Canned => "canned",
        }
    }

    fn act(self) -> Act {
        match self {
            ArticleKind::Faq => Act::EditFaq,
            ArticleKind::Canned => Act::EditCanned,
        }
    }

    pub fn rel(self, slug: &str) -> PathBuf {
        PathBuf::from(self.folder()).join(format!("{slug}.md"))
    }
}

/// An FAQ entry drafted from a ticket's question and solution.
pub struct FaqDraft {
    pub ticket: Ticket,
    pub body: String,
    /// The ticket is confidential: publishing its text needs `force`, and
    /// the draft says so at the top.
    pub confidential: bool,
}

/// Drafts an FAQ entry from ticket `id`: its description as the question,
/// its solution as the answer. A confidential ticket is refused unless
/// `force`; then the draft starts with a warning to rewrite it.
pub fn faq_draft(reader: &Reader, id: &str, force: bool) -> Result<FaqDraft> {
    let (_, ticket) = reader.visible(id)?;
    if let Some(person) = reader.person() {
        access::check(person, Act::EditFaq, Some(&ticket))?;
    }
    let Some(solution) = ticket.solution.clone() else {
        return Err(
            Refusal::transition(format!("{} has no solution yet", ticket.id))
                .with_remedy(crate::domain::refusal::Remedy::Resolve {
                    folio: ticket.id.clone(),
                })
                .into(),
        );
    };
    if ticket.confidential && !force {
        return Err(Refusal::forbidden(format!(
            "{} is confidential: an FAQ entry made from it would publish its text; \
             write the entry by hand, or ask for the draft anyway and rewrite it",
            ticket.id
        ))
        .with_remedy(crate::domain::refusal::Remedy::Force)
        .into());
    }
    let warning = if ticket.confidential {
        format!(
            "> **Made from confidential ticket {}.** Remove every name, case detail and \
             address before this entry is published.\n\n",
            ticket.id
        )
    } else {
        String::new()
    };
    let body = format!(
        "{warning}**Question**\n\n{}\n\n**Answer**\n\n{}\n",
        ticket.description.trim(),
        solution.trim()
    );
    Ok(FaqDraft {
        confidential: ticket.confidential,
        ticket,
        body,
    })
}

/// A new FAQ entry.
pub struct NewFaq {
    pub title: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub body: String,
    /// Its slug (must be free); default: made from the title.
    pub slug: Option<String>,
    /// The ticket it was made from; it gets a link back.
    pub from: Option<String>,
    /// Allow a confidential source ticket.
    pub force: bool,
}

/// Writes a new FAQ entry (and the source ticket's link to it); returns
/// its slug.
pub fn add_faq(scope: &Scope, req: NewFaq) -> Result<Done<String>> {
    if req.body.trim().is_empty() {
        return Err(Refusal::invalid("body", "the FAQ entry is empty").into());
    }
    let unit = UnitOfWork::begin(scope)?;
    unit.check(Act::EditFaq, None)?;
    if let Some(key) = &req.category {
        require_category(&unit.tracker, key)?;
    }
    let source = match &req.from {
        Some(id) => {
            let (folio, ticket) = unit.ticket(id)?;
            if ticket.confidential && !req.force {
                return Err(Refusal::forbidden(format!("{} is confidential", ticket.id))
                    .with_remedy(crate::domain::refusal::Remedy::Force)
                    .into());
            }
            Some((folio, ticket))
        }
        None => None,
    };
    let slug = pick_slug(&unit.tracker, req.slug.as_deref(), &req.title)?;
    let faq = Faq {
        title: req.title,
        category: req.category,
        tags: req.tags,
        source: source.as_ref().map(|(_, t)| t.id.clone()),
        author: Some(unit.actor.key.clone()),
        created: Some(unit.now),
        updated: Some(unit.now),
        body: String::new(),
    };
    let mut tx = Transaction::new(&unit.tracker.root);
    tx.create(
        ArticleKind::Faq.rel(&slug),
        crate::domain::frontmatter::join(&faq, &req.body)?,
    );
    if let Some((folio, ticket)) = &source {
        let mut ticket = ticket.clone();
        ticket.faq = Some(slug.clone());
        tx.replace(
            Tracker::ticket_rel(folio).join("ticket.md"),
            render_ticket(&ticket)?,
        );
    }
    let summary = format!("FAQ entry {slug} added by {}", unit.actor.key);
    let committed = unit.commit(
        tx,
        source.as_ref().map(|(f, t)| (f, t)),
        "faq-add",
        &summary,
    )?;
    Ok(Done {
        summary,
        events: vec![Event::FaqPublished {
            slug: slug.clone(),
            source: faq.source,
        }],
        notices: committed.notices,
        value: slug,
    })
}

/// Changes to an FAQ entry; `None` keeps what is there.
#[derive(Default)]
pub struct FaqEdit {
    pub title: Option<String>,
    pub category: Option<String>,
    pub body: Option<String>,
}

pub fn edit_faq(scope: &Scope, slug: &str, edit: FaqEdit) -> Result<Done<()>> {
    if edit.body.as_deref().is_some_and(|b| b.trim().is_empty()) {
        return Err(Refusal::invalid("body", "the FAQ entry would be empty").into());
    }
    let unit = UnitOfWork::begin(scope)?;
    unit.check(Act::EditFaq, None)?;
    if let Some(key) = &edit.category {
        require_category(&unit.tracker, key)?;
    }
    let mut faq = load_faq(&unit.tracker, slug)?;
    let body = edit.body.unwrap_or_else(|| std::mem::take(&mut faq.body));
    faq.title = edit.title.unwrap_or(faq.title);
    faq.category = edit.category.or(faq.category);
    faq.updated = Some(unit.now);
    let mut tx = Transaction::new(&unit.tracker.root);
    tx.replace(
        ArticleKind::Faq.rel(slug),
        crate::domain::frontmatter::join(&faq, &body)?,
    );
    let summary = format!("FAQ entry {slug} edited by {}", unit.actor.key);
    let committed = unit.commit(tx, None, "faq-edit", &summary)?;
    Ok(done(summary, committed))
}

/// A new canned answer.
pub struct NewCanned {
    pub slug: String,
    pub title: String,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
    pub body: String,
}

pub fn add_canned(scope: &Scope, req: NewCanned) -> Result<Done<()>> {
    if !is_valid_slug(&req.slug) {
        return Err(Refusal::invalid(
            "slug",
            format!(
                "`{}` cannot name a canned answer: use lowercase letters, digits and dashes, e.g. scanner-rollers",
                req.slug
            ),
        )
        .into());
    }
    check_canned_body(&req.body)?;
    let unit = UnitOfWork::begin(scope)?;
    unit.check(Act::EditCanned, None)?;
    for key in &req.categories {
        require_category(&unit.tracker, key)?;
    }
    let rel = ArticleKind::Canned.rel(&req.slug);
    if unit.tracker.root.join(&rel).exists() {
        return Err(Refusal::conflict(format!(
            "a canned answer `{}` already exists ({}); choose another name",
            req.slug,
            rel.display()
        ))
        .into());
    }
    let canned = Canned {
        title: req.title,
        categories: req.categories,
        tags: req.tags,
        author: Some(unit.actor.key.clone()),
        created: Some(unit.now),
        updated: Some(unit.now),
        body: String::new(),
    };
    let mut tx = Transaction::new(&unit.tracker.root);
    tx.create(&rel, crate::domain::frontmatter::join(&canned, &req.body)?);
    let summary = format!("canned answer {} added by {}", req.slug, unit.actor.key);
    let committed = unit.commit(tx, None, "canned-new", &summary)?;
    Ok(done(summary, committed))
}

/// Changes to a canned answer; `None` keeps what is there.
#[derive(Default)]
pub struct CannedEdit {
    pub title: Option<String>,
    pub body: Option<String>,
}

pub fn edit_canned(scope: &Scope, name: &str, edit: CannedEdit) -> Result<Done<()>> {
    if let Some(body) = &edit.body {
        if body.trim().is_empty() {
            return Err(Refusal::invalid("body", "the canned answer would be empty").into());
        }
        check_canned_body(body)?;
    }
    let unit = UnitOfWork::begin(scope)?;
    unit.check(Act::EditCanned, None)?;
    let mut canned = super::canned::load(&unit.tracker, name)?;
    let body = edit
        .body
        .unwrap_or_else(|| std::mem::take(&mut canned.body));
    if let Some(title) = edit.title {
        canned.title = title;
    }
    canned.updated = Some(unit.now);
    let mut tx = Transaction::new(&unit.tracker.root);
    tx.replace(
        ArticleKind::Canned.rel(name),
        crate::domain::frontmatter::join(&canned, &body)?,
    );
    let summary = format!("canned answer {name} edited by {}", unit.actor.key);
    let committed = unit.commit(tx, None, "canned-edit", &summary)?;
    Ok(done(summary, committed))
}

/// Removes an FAQ entry or canned answer; git history keeps it.
pub fn remove(scope: &Scope, kind: ArticleKind, slug: &str) -> Result<Done<()>> {
    let unit = UnitOfWork::begin(scope)?;
    unit.check(kind.act(), None)?;
    match kind {
        ArticleKind::Faq => load_faq(&unit.tracker, slug).map(drop)?,
        ArticleKind::Canned => super::canned::load(&unit.tracker, slug).map(drop)?,
    }
    let mut tx = Transaction::new(&unit.tracker.root);
    tx.remove(kind.rel(slug));
    let noun = kind.noun();
    let summary = format!("{noun} {slug} removed by {}", unit.actor.key);
    let action = match kind {
        ArticleKind::Faq => "faq-rm",
        ArticleKind::Canned => "canned-rm",
    };
    let committed = unit.commit(tx, None, action, &summary)?;
    Ok(done(summary, committed))
}

/// Reads `faq/<slug>.md`.
pub fn load_faq(tracker: &Tracker, slug: &str) -> Result<Faq> {
    match tracker.read_faq_entry(slug) {
        Some(read) => Ok(read?),
        None => Err(Refusal::not_found(format!("there is no FAQ entry `{slug}`")).into()),
    }
}

/// An FAQ entry as `viewer` may read it: provenance for the team only,
/// email addresses masked for the public audience.
pub fn faq_for(viewer: &Viewer, mut faq: Faq) -> Faq {
    if !access::may_see_faq_source(viewer) {
        faq.source = None;
    }
    if matches!(viewer, Viewer::Public) {
        faq.title = access::mask_emails(&faq.title);
        faq.body = access::mask_emails(&faq.body);
    }
    faq
}

fn done(summary: String, committed: Committed) -> Done<()> {
    Done {
        summary,
        events: vec![],
        notices: committed.notices,
        value: (),
    }
}

fn require_category(tracker: &Tracker, key: &str) -> Result<(), Refusal> {
    tracker
        .config
        .require_category(key)
        .map(drop)
        .map_err(|e| Refusal::invalid("category", e))
}

/// Refuses a canned body whose template syntax is broken, before it is saved.
fn check_canned_body(body: &str) -> Result<(), Refusal> {
    if body.trim().is_empty() {
        return Err(Refusal::invalid("body", "the canned answer is empty"));
    }
    crate::domain::canned::check_syntax(body).map_err(|e| {
        let at = e
            .line
            .map(|l| format!("line {l} of the text"))
            .unwrap_or_else(|| "the text".into());
        Refusal::invalid("body", format!("{at}: {}", e.message))
    })
}

/// A slug from a title: lowercase ASCII words joined by dashes.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "entry".into()
    } else {
        slug
    }
}

/// The given slug (which must be free) or one made from the title, with
/// `-2`, `-3`… if taken.
fn pick_slug(tracker: &Tracker, given: Option<&str>, title: &str) -> Result<String, Refusal> {
    let taken = |s: &str| tracker.root.join(ArticleKind::Faq.rel(s)).exists();
    if let Some(slug) = given {
        if !is_valid_slug(slug) {
            return Err(Refusal::invalid(
                "slug",
                format!("`{slug}` cannot be a slug: use lowercase letters, digits and dashes"),
            ));
        }
        if taken(slug) {
            return Err(Refusal::conflict(format!(
                "an FAQ entry `{slug}` already exists; choose another slug"
            )));
        }
        return Ok(slug.to_string());
    }
    let base = slugify(title);
    let mut slug = base.clone();
    let mut n = 2;
    while taken(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}
