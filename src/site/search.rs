//! The browser's search index, built with elasticlunr-rs and read by
//! elasticlunr.js. The FAQ is one small index; tickets are cut into shards
//! of `SHARD` tickets, loaded only when someone searches, so no page pays
//! for 10,000 tickets up front and a change rebuilds one shard.
//!
//! Shards are JSON files that `app.js` fetches, not scripts: a script
//! would hand its data to any other web page that includes it with
//! `<script src>`, while a fetch across origins is refused by the browser.

use crate::domain::text::truncate_bytes;
use elasticlunr::{Index, IndexBuilder};
use serde::Serialize;
use std::collections::BTreeMap;

/// Tickets per shard.
pub const SHARD: usize = 1000;
/// Characters of a ticket's text that go into the index.
const BODY_LIMIT: usize = 1000;
/// Characters of one word that go into the index. elasticlunr stores
/// terms as a trie one level per character, built, serialised and dropped
/// recursively: a 100,000-character word overflowed the stack. Nobody
/// searches for more than the first 40 characters of a word; `app.js`
/// cuts query words the same way, so a long word is still found.
pub const MAX_TERM_CHARS: usize = 40;

/// One searchable document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Doc {
    /// Unique within its index: a folio or an FAQ slug.
    pub id: String,
    pub title: String,
    pub body: String,
    /// Site-relative page address.
    pub url: String,
    /// A short line under the title: status, category.
    pub meta: String,
}

/// A search shard as `app.js` reads it.
#[derive(Serialize)]
struct Shard<'a> {
    kind: &'a str,
    index: Index,
    /// id → [title, url, meta]
    docs: BTreeMap<&'a str, [&'a str; 3]>,
}

/// A shard's JSON: its kind, its elasticlunr index and, per document, the
/// title, address and meta line a search result shows.
pub fn shard_json(kind: &str, docs: &[Doc]) -> String {
    let mut index = IndexBuilder::new()
        .save_docs(false)
        .add_fields(&["title", "body"])
        .build();
    for doc in docs {
        index.add_doc(
            &doc.id,
            [
                bounded_words(&doc.title),
                bounded_words(truncate_bytes(&doc.body, BODY_LIMIT)),
            ],
        );
    }
    let shard = Shard {
        kind,
        index,
        docs: docs
            .iter()
            .map(|d| {
                (
                    d.id.as_str(),
                    [d.title.as_str(), d.url.as_str(), d.meta.as_str()],
                )
            })
            .collect(),
    };
    serde_json::to_string(&shard).expect("an index always serialises")
}

/// `text` with every word cut to `MAX_TERM_CHARS` characters. Words are
/// split where elasticlunr's tokeniser splits them (whitespace and `-`), so
/// no term it makes is longer.
fn bounded_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    let mut run = 0;
    for c in text.chars() {
        if c.is_whitespace() || c == '-' {
            run = 0;
        } else {
            run += 1;
            if run > MAX_TERM_CHARS {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_is_json_data_not_a_script() {
        let docs = vec![Doc {
            id: "scanner".into(),
            title: "Scanner jams".into(),
            body: "Clean the rollers </script> ".repeat(200),
            url: "faq/scanner.html".into(),
            meta: "technical".into(),
        }];
        let json = shard_json("faq", &docs);
        // A JSON object: as a script it is a syntax error, setting nothing.
        assert!(json.starts_with("{\"kind\":\"faq\","), "{json}");
        let shard: serde_json::Value = serde_json::from_str(&json).unwrap();
        let body = &shard["index"]["index"]["body"]["root"];
        // Terms are a character trie; "rollers" is stemmed to "roller".
        let roller = &body["r"]["o"]["l"]["l"]["e"]["r"]["docs"];
        assert!(
            roller.get("scanner").is_some(),
            "stemmed terms are indexed: {roller}"
        );
        assert!(
            !json.contains("Clean the rollers"),
            "documents are not stored"
        );
        assert!(json.contains("faq/scanner.html"));
    }

    #[test]
    fn words_of_any_length_are_indexed_by_their_start() {
        let long = "x".repeat(100_000);
        let docs = vec![Doc {
            id: "long".into(),
            title: format!("Q {long}"),
            body: format!("{long}-y {long}"),
            url: "faq/long.html".into(),
            meta: String::new(),
        }];
        let json = shard_json("faq", &docs);
        let shard: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut node = &shard["index"]["index"]["title"]["root"];
        for _ in 0..MAX_TERM_CHARS {
            node = &node["x"];
        }
        assert!(
            node["docs"].get("long").is_some(),
            "the word's start is a term"
        );
        assert!(node.get("x").is_none(), "and nothing longer");
        assert!(json.contains(&long), "the title is shown in full");
        assert_eq!(bounded_words("ab-cdef gh"), "ab-cdef gh");
        assert_eq!(bounded_words(&"é".repeat(50)), "é".repeat(MAX_TERM_CHARS));
    }
}
