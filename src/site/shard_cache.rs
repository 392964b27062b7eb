//! The search shards (`search/faq.json`, `search/tickets-NNN.json`) and
//! the cache that skips re-indexing a shard whose documents did not change.
//! With it `tkt serve` re-indexes only the shards a change touched; the
//! cache lives with the code that fills it, apart from the render pipeline.

use super::output::Output;
use super::search::{self, Doc};
use super::{pages, Desk, Site};
use rayon::prelude::*;

impl Site {
    /// Search shards: the FAQ, and on internal builds tickets in shards.
    /// A shard whose documents did not change is not re-indexed.
    pub(super) fn search_shards(&mut self, desk: &Desk, internal: bool) -> Vec<Output> {
        let faq_docs: Vec<Doc> = self
            .faq(desk)
            .iter()
            .map(|(slug, f)| Doc {
                id: slug.clone(),
                title: f.title.clone(),
                body: format!(
                    "{} {}",
                    f.tags.join(" "),
                    crate::domain::text::markdown_plain_text(&f.body)
                ),
                url: format!("faq/{slug}.html"),
                meta: f.category.clone().unwrap_or_default(),
            })
            .collect();
        let mut groups = vec![("search/faq.json".to_string(), "faq", faq_docs)];
        if internal {
            let records: Vec<_> = desk.tickets.values().collect();
            for (i, chunk) in records.chunks(search::SHARD).enumerate() {
                let docs = chunk
                    .iter()
                    .map(|r| {
                        let t = &r.ticket;
                        Doc {
                            id: t.id.clone(),
                            title: format!("{} · {}", t.id, t.subject),
                            body: r.search_text.clone(),
                            url: pages::ticket_url(&t.id),
                            meta: format!("{} · {}", t.status, t.category),
                        }
                    })
                    .collect();
                groups.push((format!("search/tickets-{i:03}.json"), "tickets", docs));
            }
        }
        let cache = &self.shard_cache;
        let built: Vec<(String, u64, String)> = groups
            .into_par_iter()
            .map(|(path, kind, docs)| {
                let key = {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    docs.hash(&mut h);
                    h.finish()
                };
                let script = match cache.get(&path) {
                    Some((k, script)) if *k == key => script.clone(),
                    _ => search::shard_json(kind, &docs),
                };
                (path, key, script)
            })
            .collect();
        self.shard_cache = built
            .iter()
            .map(|(p, k, s)| (p.clone(), (*k, s.clone())))
            .collect();
        built
            .into_iter()
            .map(|(path, _, script)| Output::bytes(path, script))
            .collect()
    }
}
