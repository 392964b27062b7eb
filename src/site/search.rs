//! The browser's search index, built with elasticlunr-rs and read by
//! elasticlunr.js. The FAQ is one small index; tickets are cut into shards
//! of `SHARD` tickets, loaded only when someone searches, so no page pays
//! for 10,000 tickets up front and a change rebuilds one shard.

use crate::domain::text::truncate_bytes;
use elasticlunr::{Index, IndexBuilder};
use serde::Serialize;
use std::collections::BTreeMap;

/// Tickets per shard.
pub const SHARD: usize = 1000;
/// Characters of a ticket's text that go into the index.
const BODY_LIMIT: usize = 1000;

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

/// What a loaded shard script hands to app.js.
#[derive(Serialize)]
struct Shard<'a> {
    kind: &'a str,
    index: Index,
    /// id → [title, url, meta]
    docs: BTreeMap<&'a str, [&'a str; 3]>,
}

/// A shard script: pushes its index onto `window.tktSearch`.
pub fn shard_script(kind: &str, docs: &[Doc]) -> String {
    let mut index = IndexBuilder::new()
        .save_docs(false)
        .add_fields(&["title", "body"])
        .build();
    for doc in docs {
        index.add_doc(
            &doc.id,
            [doc.title.as_str(), truncate_bytes(&doc.body, BODY_LIMIT)],
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
    let json = serde_json::to_string(&shard).expect("an index always serialises");
    format!("(window.tktSearch = window.tktSearch || []).push({json});\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_is_a_script_that_pushes_an_index() {
        let docs = vec![Doc {
            id: "scanner".into(),
            title: "Scanner jams".into(),
            body: "Clean the rollers </script> ".repeat(200),
            url: "faq/scanner.html".into(),
            meta: "technical".into(),
        }];
        let script = shard_script("faq", &docs);
        assert!(script.starts_with("(window.tktSearch = window.tktSearch || []).push({"));
        let json = script
            .trim_start_matches("(window.tktSearch = window.tktSearch || []).push(")
            .trim_end()
            .trim_end_matches(");");
        let shard: serde_json::Value = serde_json::from_str(json).unwrap();
        let body = &shard["index"]["index"]["body"]["root"];
        // Terms are a character trie; "rollers" is stemmed to "roller".
        let roller = &body["r"]["o"]["l"]["l"]["e"]["r"]["docs"];
        assert!(
            roller.get("scanner").is_some(),
            "stemmed terms are indexed: {roller}"
        );
        assert!(
            !script.contains("Clean the rollers"),
            "documents are not stored"
        );
        assert!(script.contains("faq/scanner.html"));
    }
}
