//! The site's templates and static files: built into the binary, with any
//! file of the same name in `<tracker>/templates/` taking precedence.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use tera::Tera;

/// Tera templates shipped in the binary, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../site-templates/base.html")),
    (
        "macros.html",
        include_str!("../../site-templates/macros.html"),
    ),
    (
        "dashboard.html",
        include_str!("../../site-templates/dashboard.html"),
    ),
    ("home.html", include_str!("../../site-templates/home.html")),
    (
        "tickets.html",
        include_str!("../../site-templates/tickets.html"),
    ),
    ("list.html", include_str!("../../site-templates/list.html")),
    (
        "lists.html",
        include_str!("../../site-templates/lists.html"),
    ),
    (
        "ticket.html",
        include_str!("../../site-templates/ticket.html"),
    ),
    (
        "history.html",
        include_str!("../../site-templates/history.html"),
    ),
    (
        "faq_index.html",
        include_str!("../../site-templates/faq_index.html"),
    ),
    ("faq.html", include_str!("../../site-templates/faq.html")),
    (
        "canned_index.html",
        include_str!("../../site-templates/canned_index.html"),
    ),
    (
        "canned.html",
        include_str!("../../site-templates/canned.html"),
    ),
    ("kb.html", include_str!("../../site-templates/kb.html")),
    (
        "reports.html",
        include_str!("../../site-templates/reports.html"),
    ),
    (
        "register.html",
        include_str!("../../site-templates/register.html"),
    ),
    (
        "search.html",
        include_str!("../../site-templates/search.html"),
    ),
    (
        "errors.html",
        include_str!("../../site-templates/errors.html"),
    ),
    ("404.html", include_str!("../../site-templates/404.html")),
];

/// Static files copied to `assets/`, by name.
pub const ASSETS: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../../site-templates/static/style.css"),
    ),
    ("app.js", include_str!("../../site-templates/static/app.js")),
    (
        "form.js",
        include_str!("../../site-templates/static/form.js"),
    ),
    (
        "favicon.svg",
        include_str!("../../site-templates/static/favicon.svg"),
    ),
    (
        "elasticlunr.min.js",
        include_str!("../../site-templates/static/elasticlunr.min.js"),
    ),
];

/// The template engine plus the static files, overrides applied.
pub struct Templates {
    pub tera: Tera,
    pub assets: BTreeMap<&'static str, String>,
}

impl Templates {
    /// Loads the built-ins and layers `<root>/templates/*` over them. A
    /// user file that is not valid Tera is an error naming the file.
    pub fn load(root: &Path) -> Result<Templates> {
        let dir = root.join("templates");
        let mut sources: BTreeMap<String, String> = BUILT_IN
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        let mut assets: BTreeMap<&'static str, String> =
            ASSETS.iter().map(|(n, t)| (*n, t.to_string())).collect();
        for (name, path) in user_files(&dir)? {
            let text = crate::store::nofollow::read_to_string(&path)
                .with_context(|| format!("cannot read template {}", path.display()))?;
            match assets.keys().find(|k| **k == name) {
                Some(key) => {
                    let key = *key;
                    assets.insert(key, text);
                }
                None => {
                    sources.insert(name, text);
                }
            }
        }
        let mut tera = crate::domain::safe_tera::engine();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape);
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| anyhow::anyhow!("{}", describe(&e, &dir)))?;
        Ok(Templates { tera, assets })
    }
}

/// HTML escaping for text and double- or single-quoted attribute values.
/// Unlike Tera's default it leaves `/` alone, which needs no escaping and
/// keeps links readable.
fn escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The plain files of `templates/`. Symbolic links are skipped (and
/// reported by `tkt check`), as is a linked `templates/` itself: a link
/// could put any file of the building machine into the site, such as a
/// private key as `style.css`.
fn user_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Ok(vec![]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_file() {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if !name.starts_with('.') {
                files.push((name, path));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A Tera error with its whole cause chain, which holds the template name
/// and the line and column of a syntax error.
pub fn describe(error: &tera::Error, dir: &Path) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!("\n  {cause}"));
        source = cause.source();
    }
    format!("{text}\n(templates come from tkt and {})", dir.display())
}
