//! The knowledge database: FAQ entries and the solutions of finished
//! tickets, ranked for a query with BM25 (the `bm25` crate: tokenising,
//! stemming, stop words and scoring). Pure: the caller loads the texts.

use bm25::{DefaultTokenizer, Document, Language, SearchEngineBuilder, Tokenizer};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;

/// Where a knowledge item comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Faq,
    Ticket,
}

/// One searchable item: an FAQ entry, or a resolved ticket's question and
/// solution.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub source: Source,
    /// The FAQ slug or the ticket folio.
    pub id: String,
    pub title: String,
    pub category: Option<String>,
    /// Everything searched besides the title.
    pub text: String,
}

/// A ranked result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub source: Source,
    pub id: String,
    pub title: String,
    pub category: Option<String>,
    pub score: f32,
    /// The passage around the first query word found.
    pub snippet: String,
}

/// Ranks `items` for `query`, best first; the title counts twice.
pub fn search(items: &[Item], query: &str, limit: usize) -> Vec<Hit> {
    if items.is_empty() || query.trim().is_empty() {
        return vec![];
    }
    let documents = items
        .iter()
        .enumerate()
        .map(|(i, item)| Document::new(i, format!("{0}\n{0}\n{1}", item.title, item.text)));
    let tokenizer = MemoTokenizer(DefaultTokenizer::new(Language::English));
    let engine = SearchEngineBuilder::<usize, u32, MemoTokenizer>::with_tokenizer_and_documents(
        tokenizer, documents,
    )
    .build();
    let mut results = engine.search(query, limit);
    results.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.document.id.cmp(&b.document.id))
    });
    results
        .into_iter()
        .map(|r| {
            let item = &items[r.document.id];
            Hit {
                source: item.source,
                id: item.id.clone(),
                title: item.title.clone(),
                category: item.category.clone(),
                score: r.score,
                snippet: snippet(&item.text, query, 160),
            }
        })
        .collect()
}

/// The crate's English tokenizer (normalising, stop words, stemming), run
/// once per distinct whitespace-separated word: stemming dominated the
/// time to index 10,000 tickets, and a tracker's vocabulary repeats.
struct MemoTokenizer(DefaultTokenizer);

thread_local! {
    /// Tokens of each word seen on this thread (English only).
    static WORD_TOKENS: RefCell<HashMap<String, Vec<String>>> = RefCell::new(HashMap::new());
}

impl Tokenizer for MemoTokenizer {
    fn tokenize(&self, text: &str) -> Vec<String> {
        WORD_TOKENS.with(|cache| {
            let mut cache = cache.borrow_mut();
            let mut tokens = Vec::new();
            for word in text.split_whitespace() {
                if let Some(known) = cache.get(word) {
                    tokens.extend(known.iter().cloned());
                } else {
                    let fresh = self.0.tokenize(word);
                    tokens.extend(fresh.iter().cloned());
                    cache.insert(word.to_string(), fresh);
                }
            }
            tokens
        })
    }
}

/// About `width` characters of `text` on one line, around the first word of
/// `query` that occurs in it (case-insensitively), else from the start.
pub fn snippet(text: &str, query: &str, width: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = flat.to_lowercase();
    let at = query
        .split_whitespace()
        .filter(|w| w.chars().count() > 2)
        .filter_map(|w| lower.find(&w.to_lowercase()))
        .min()
        .unwrap_or(0);
    let chars: Vec<char> = flat.chars().collect();
    // `at` is a byte offset in the lowercased text; count characters instead.
    let start_char = lower[..at.min(lower.len())]
        .chars()
        .count()
        .saturating_sub(width / 3);
    let end_char = (start_char + width).min(chars.len());
    let mut out: String = chars[start_char.min(chars.len())..end_char]
        .iter()
        .collect();
    if start_char > 0 {
        out.insert(0, '…');
    }
    if end_char < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(source: Source, id: &str, title: &str, text: &str) -> Item {
        Item {
            source,
            id: id.into(),
            title: title.into(),
            category: None,
            text: text.into(),
        }
    }

    #[test]
    fn the_best_match_comes_first_with_a_snippet() {
        let items = vec![
            item(
                Source::Faq,
                "vpn",
                "VPN keeps disconnecting",
                "Reinstall the client and reboot the router.",
            ),
            item(
                Source::Ticket,
                "TKT001",
                "Scanner jams",
                "The pickup rollers were worn out; replaced the rollers.",
            ),
            item(
                Source::Ticket,
                "TKT002",
                "Printer offline",
                "Restarted the print spooler.",
            ),
        ];
        let hits = search(&items, "scanner roller jam", 10);
        assert_eq!(hits[0].id, "TKT001");
        assert!(hits[0].snippet.contains("rollers"), "{:?}", hits[0]);
        assert!(hits.iter().all(|h| h.id != "vpn"));
        assert!(search(&items, "   ", 10).is_empty());
    }

    #[test]
    fn snippets_centre_on_the_query_and_respect_characters() {
        let text = format!(
            "{} the tribunal granted more time {}",
            "é".repeat(300),
            "x".repeat(300)
        );
        let s = snippet(&text, "tribunal", 60);
        assert!(
            s.starts_with('…') && s.ends_with('…') && s.contains("tribunal"),
            "{s}"
        );
    }
}
