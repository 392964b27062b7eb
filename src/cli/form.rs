//! `tkt form snippet`: the registration form as HTML for another web site.

use super::session::Global;
use anyhow::Result;
use clap::Subcommand;

pub const EXAMPLES: &str = "Examples:
  tkt form snippet                          one form with a choice of category
  tkt form snippet --category technical     the technical form with its own fields

Paste the HTML into a page of your organisation's web site. It works without
JavaScript and posts to `web: base_url`; the helpdesk takes it only from the
origins listed under `web: allowed_origins` (e.g. https://www.example.org),
and the page must not set `Referrer-Policy: no-referrer` (browsers then hide
its origin).";

#[derive(Debug, Subcommand)]
pub enum FormCommand {
    /// Print the registration form as HTML to paste into another site.
    Snippet {
        /// One category's form, with its own fields.
        #[arg(long)]
        category: Option<String>,
    },
}

pub fn run(global: &Global, command: FormCommand) -> Result<i32> {
    match command {
        FormCommand::Snippet { category } => {
            let crate::app::web_form::SnippetParts {
                categories,
                web,
                uploads,
            } = crate::app::web_form::snippet_parts(global)?;
            let chosen = match &category {
                Some(key) => match categories.iter().find(|c| &c.key == key) {
                    Some(c) => Some(c),
                    None => {
                        let keys: Vec<&str> = categories.iter().map(|c| c.key.as_str()).collect();
                        anyhow::bail!(
                            "no category `{key}`; the categories are {}",
                            keys.join(", ")
                        );
                    }
                },
                None => None,
            };
            print!(
                "{}",
                crate::site::forms::registration_snippet(
                    chosen,
                    &categories,
                    &web.base_url,
                    uploads,
                )
            );
            if web.allowed_origins.is_empty() {
                eprintln!(
                    "note: `web: allowed_origins` is empty, so the helpdesk takes this form from no \
                     other site yet; add the origin of the page that will hold it"
                );
            }
            Ok(0)
        }
    }
}
