//! The static site: load the desk, render pages (Markdown → sanitised
//! HTML → Tera), write only what changed. `tkt build` renders once;
//! `tkt serve` keeps a `Site` and re-renders what a change touched.
//!
//! The render pipeline is here; the pieces it leans on have a file each:
//! `shard_cache` (search shards, re-indexed only when their documents
//! change), `page_memo` (the hash that skips pages whose inputs did not
//! change), `progress` (the terminal progress bar) and `tickets_data` (the
//! `data/tickets.json` layout).

pub mod charts;
pub mod forms;
pub mod markdown;
pub mod output;
pub mod pages;
pub mod search;
pub mod templates;

mod page_memo;
mod progress;
mod shard_cache;
mod tickets_data;

pub use crate::app::Desk;
pub use pages::Audience;

use crate::app::articles::faq_for;
use crate::domain::access::Viewer;
use crate::domain::model::Faq;
use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use output::{Content, Output, Writer};
use pages::{knowledge, lists, overview, reports, ticket, Page, SiteInfo, TicketRow};
use progress::progress_bar;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Instant;
use templates::Templates;
use tickets_data::tickets_json;

pub use crate::clock::timed;

/// What a render did, for the command's summary line.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    pub pages: usize,
    pub files: usize,
    pub written: usize,
    pub removed: usize,
}

/// A site being built into one directory.
pub struct Site {
    templates: Templates,
    audience: Audience,
    pub writer: Writer,
    /// Files each ticket produced, and the files of everything else.
    ticket_files: HashMap<String, Vec<String>>,
    shared_files: BTreeSet<String>,
    /// Search shards (JSON) by path, keyed by a hash of their documents.
    shard_cache: HashMap<String, (u64, String)>,
    /// A hash of each page's template and data when it was last rendered:
    /// a page whose inputs did not change is not rendered again.
    page_memo: std::sync::Mutex<HashMap<String, u64>>,
    /// Show progress on a terminal once a render passes a second.
    pub progress: bool,
    /// Remember pages and files for later renders (serving); a one-shot
    /// build turns this off and saves hashing everything it writes.
    remember: bool,
}

impl Site {
    pub fn new(root: &Path, out: &Path, audience: Audience) -> Result<Site> {
        Ok(Site {
            templates: Templates::load(root)?,
            audience,
            writer: Writer::open(out)?,
            ticket_files: HashMap::new(),
            shared_files: BTreeSet::new(),
            shard_cache: HashMap::new(),
            page_memo: Default::default(),
            progress: false,
            remember: true,
        })
    }

    /// For `tkt build`: render once, keep nothing for a next render.
    pub fn one_shot(&mut self) {
        self.remember = false;
        self.writer.remember = false;
    }

    /// Reloads templates (after a change under `templates/`).
    pub fn reload_templates(&mut self, root: &Path) -> Result<()> {
        self.templates = Templates::load(root)?;
        self.page_memo.lock().expect("memo lock").clear();
        Ok(())
    }

    /// Renders the whole site and removes anything else in the directory.
    pub fn render_all(&mut self, desk: &Desk) -> Result<Stats> {
        let folios: Vec<String> = desk.tickets.keys().cloned().collect();
        let mut stats = self.render(desk, &folios)?;
        let mut keep: BTreeSet<String> = self.shared_files.clone();
        keep.extend(self.ticket_files.values().flatten().cloned());
        stats.removed = timed("prune", || self.writer.prune(&keep))?;
        stats.files = keep.len();
        Ok(stats)
    }

    /// Renders the pages of these tickets (all of them on a full build;
    /// those a change touched when serving) and every shared page; files
    /// whose bytes did not change are left alone.
    pub fn render(&mut self, desk: &Desk, folios: &[String]) -> Result<Stats> {
        let started = Instant::now();
        let info = SiteInfo::new(desk, self.audience);
        let now = desk.snapshot();
        let mut stats = Stats::default();
        let mut gone = Vec::new();
        if self.audience == Audience::Internal {
            let bar = progress_bar(folios.len() as u64);
            let rendered: Vec<(String, Vec<String>)> = timed("ticket pages", || {
                folios
                    .par_iter()
                    .map(|folio| {
                        let files = self.render_ticket(desk, &info, folio, now)?;
                        bar.inc(1);
                        self.reveal_progress(&bar, started);
                        Ok((folio.clone(), files))
                    })
                    .collect::<Result<_>>()
            })?;
            bar.finish_and_clear();
            for (folio, files) in rendered {
                stats.pages += files.iter().filter(|f| f.ends_with(".html")).count();
                let old = if files.is_empty() {
                    self.ticket_files.remove(&folio)
                } else {
                    self.ticket_files.insert(folio, files.clone())
                };
                gone.extend(
                    old.unwrap_or_default()
                        .into_iter()
                        .filter(|f| !files.contains(f)),
                );
            }
        }
        let shared = timed("shared pages", || self.render_shared(desk, &info, now))?;
        stats.pages += shared.iter().filter(|f| f.ends_with(".html")).count();
        gone.extend(self.shared_files.difference(&shared).cloned());
        self.shared_files = shared;
        for path in gone {
            if self.is_produced(&path) {
                continue;
            }
            let _ = std::fs::remove_file(self.writer.dir.join(&path));
            self.writer.forget(&path);
            self.page_memo.lock().expect("memo lock").remove(&path);
            stats.removed += 1;
        }
        stats.written = self.writer.take_changed().len();
        stats.files =
            self.shared_files.len() + self.ticket_files.values().map(Vec::len).sum::<usize>();
        Ok(stats)
    }

    fn is_produced(&self, path: &str) -> bool {
        self.shared_files.contains(path)
            || self
                .ticket_files
                .values()
                .any(|f| f.iter().any(|p| p == path))
    }

    /// A ticket's page, audit trail and attachments; the paths written.
    fn render_ticket(
        &self,
        desk: &Desk,
        info: &SiteInfo,
        folio: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let Some(record) = desk.tickets.get(folio) else {
            return Ok(vec![]);
        };
        let mut files = Vec::new();
        for page in [
            ticket::ticket_page(&desk.config, record, now, &desk.faq),
            ticket::history_page(record, desk.histories.of(folio)),
        ] {
            files.push(self.write_page(info, page)?);
        }
        // Only checked plain files (`Record::attachments`): a symlink
        // committed to the tracker could point anywhere on this machine.
        // The folders are checked again here, as a file could have been
        // replaced by a link since the tracker was read (when serving).
        let folder = Path::new("tickets").join(folio).join("attachments");
        let linked = crate::store::nofollow::check_folders(&desk.root, &folder).is_err();
        for name in record.attachments.iter().filter(|_| !linked) {
            let Some(site_name) = ticket::site_file_name(name) else {
                continue;
            };
            let source = desk.ticket_dir(folio).join("attachments").join(name);
            let output = Output {
                path: format!("tickets/{folio}/files/{site_name}"),
                content: Content::Copy(source),
            };
            self.writer.write(&output)?;
            files.push(output.path);
        }
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// The FAQ as this site's audience may read it: on the public site
    /// email addresses are masked and no entry names its source ticket.
    fn faq<'d>(&self, desk: &'d Desk) -> Cow<'d, [(String, Faq)]> {
        match self.audience {
            Audience::Internal => Cow::Borrowed(&desk.faq),
            Audience::Public => Cow::Owned(
                desk.faq
                    .iter()
                    .map(|(slug, f)| (slug.clone(), faq_for(&Viewer::Public, f.clone())))
                    .collect(),
            ),
        }
    }

    /// Everything but the ticket pages; returns the paths produced.
    fn render_shared(
        &mut self,
        desk: &Desk,
        info: &SiteInfo,
        now: DateTime<Utc>,
    ) -> Result<BTreeSet<String>> {
        let faq = self.faq(desk);
        let internal = self.audience == Audience::Internal;
        let rows: BTreeMap<String, TicketRow> = desk
            .tickets
            .par_iter()
            .map(|(folio, record)| (folio.clone(), TicketRow::new(&desk.config, record, now)))
            .collect();
        let visible = desk.tickets.values().map(|r| (&r.ticket, &r.life));
        let summary = crate::domain::report::summarise(&desk.config, visible);

        let mut outputs: Vec<Output> = self
            .templates
            .assets
            .iter()
            .map(|(name, text)| Output::bytes(format!("assets/{name}"), text.as_bytes()))
            .collect();
        let shards = timed("search index", || self.search_shards(desk, internal));
        let shard_paths: Vec<String> = shards.iter().map(|o| o.path.clone()).collect();
        outputs.extend(shards);

        let (mut pages, report_files) = timed("reports", || {
            reports::pages(desk, &summary, self.audience, now)
        });
        outputs.extend(report_files);
        pages.extend([
            overview::register(desk),
            overview::search(&shard_paths),
            overview::not_found(),
            knowledge::faq_index(&desk.config, &faq),
        ]);
        pages.extend(
            faq.iter()
                .map(|(slug, f)| knowledge::faq_page(&desk.config, slug, f, self.audience)),
        );
        if !desk.errors().is_empty() {
            pages.push(overview::errors(desk, self.audience));
        }
        if internal {
            pages.push(overview::dashboard(desk, &summary, &rows));
            pages.push(overview::ticket_list(desk));
            let specs = lists::specs(desk, &rows);
            pages.push(lists::lists_index(&specs));
            pages.extend(specs.iter().flat_map(|s| lists::list_pages(s, &rows)));
            pages.push(knowledge::canned_index(&desk.config, &desk.canned));
            pages.push(knowledge::kb_index(desk));
            pages.extend(
                desk.canned
                    .iter()
                    .map(|(slug, c)| knowledge::canned_page(&desk.config, slug, c)),
            );
            outputs.push(Output::bytes("data/tickets.json", tickets_json(&rows)));
        } else {
            pages.push(overview::home(desk));
        }
        let mut produced: BTreeSet<String> = outputs.iter().map(|o| o.path.clone()).collect();
        outputs.par_iter().try_for_each(|o| self.writer.write(o))?;
        let written: Vec<String> = pages
            .into_par_iter()
            .map(|p| self.write_page(info, p))
            .collect::<Result<_>>()?;
        produced.extend(written);
        Ok(produced)
    }

    /// Renders a page through its template and writes it, unless its
    /// inputs are those of its last render.
    fn write_page(&self, info: &SiteInfo, page: Page) -> Result<String> {
        let inputs = if !self.remember {
            0
        } else {
            page_memo::page_inputs_hash(info, &page)
        };
        if self.remember
            && self.page_memo.lock().expect("memo lock").get(&page.path) == Some(&inputs)
        {
            return Ok(page.path);
        }
        let root = if page.path == "404.html" {
            "/".to_string()
        } else {
            pages::root_for(&page.path)
        };
        // Built as one value so the page data is moved, not copied.
        let context = tera::Context::from_value(serde_json::json!({
            "site": info,
            "root": root,
            "path": page.path,
            "title": page.title,
            "section": page.section,
            "page": page.data,
        }))?;
        let html = self
            .templates
            .tera
            .render(page.template, &context)
            .map_err(|e| {
                anyhow!(
                    "rendering {} with template {}: {}",
                    page.path,
                    page.template,
                    templates::describe(&e, Path::new("templates"))
                )
            })?;
        self.writer.write(&Output::bytes(page.path.clone(), html))?;
        if self.remember {
            self.page_memo
                .lock()
                .expect("memo lock")
                .insert(page.path.clone(), inputs);
        }
        Ok(page.path)
    }
}
