//! FAQ entries (`faq/<slug>.md`) and canned answers (`canned/<slug>.md`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A knowledge-base article people read before registering a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Faq {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The ticket this entry was made from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub body: String,
}

/// What FAQ entries and canned answers share, for validation.
pub trait Article {
    /// Every front-matter key the kind of file may hold.
    const KEYS: &'static [&'static str];
    /// Whether the body is a template (canned answers), to be checked.
    const TEMPLATE: bool = false;
    fn title(&self) -> &str;
    fn categories(&self) -> impl Iterator<Item = &str>;
    fn author(&self) -> Option<&str>;
    /// The ticket an entry was made from, if any.
    fn source(&self) -> Option<&str> {
        None
    }
    /// Stores the Markdown after the front-matter.
    fn set_body(&mut self, body: String);
    /// `created` and `updated`, by key, to check they are not in the future.
    fn times(&self) -> [(&'static str, Option<DateTime<Utc>>); 2];
}

impl Article for Faq {
    const KEYS: &'static [&'static str] = &[
        "title", "category", "tags", "source", "author", "created", "updated",
    ];

    fn set_body(&mut self, body: String) {
        self.body = body;
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn categories(&self) -> impl Iterator<Item = &str> {
        self.category.as_deref().into_iter()
    }

    fn author(&self) -> Option<&str> {
        self.author.as_deref()
    }

    fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    fn times(&self) -> [(&'static str, Option<DateTime<Utc>>); 2] {
        [("created", self.created), ("updated", self.updated)]
    }
}

/// A standard answer operators insert into replies and solutions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Canned {
    pub title: String,
    /// Categories it applies to; empty means every category.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub body: String,
}

impl Article for Canned {
    const TEMPLATE: bool = true;
    const KEYS: &'static [&'static str] = &[
        "title",
        "categories",
        "tags",
        "author",
        "created",
        "updated",
    ];

    fn set_body(&mut self, body: String) {
        self.body = body;
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn categories(&self) -> impl Iterator<Item = &str> {
        self.categories.iter().map(String::as_str)
    }

    fn author(&self) -> Option<&str> {
        self.author.as_deref()
    }

    fn times(&self) -> [(&'static str, Option<DateTime<Utc>>); 2] {
        [("created", self.created), ("updated", self.updated)]
    }
}

/// Slugs name files and URLs: lowercase ASCII words joined by hyphens.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
