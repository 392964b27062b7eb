//! The knowledge database as one viewer may search it: FAQ entries, and the
//! solutions of finished tickets that viewer may see. Ranking itself is
//! pure (`domain::kb`).

use super::reader::Reader;
use crate::domain::access::{self, Viewer};
use crate::domain::kb::{Item, Source};
use anyhow::Result;

/// The knowledge items: every FAQ entry, and (with `tickets`) every
/// resolved or closed ticket with a solution that the viewer may see.
/// The public audience gets email addresses masked.
pub fn items(reader: &Reader, tickets: bool) -> Result<Vec<Item>> {
    let viewer = reader.viewer();
    let public = matches!(viewer, Viewer::Public);
    let shown = |text: String| {
        if public {
            access::mask_emails(&text)
        } else {
            text
        }
    };
    let tracker = &reader.tracker;
    let mut items: Vec<Item> = tracker
        .read_faq()
        .items
        .into_iter()
        .map(|(slug, faq)| Item {
            source: Source::Faq,
            id: slug,
            title: shown(faq.title),
            category: faq.category,
            text: shown(format!("{} {}", faq.tags.join(" "), faq.body)),
        })
        .collect();
    if tickets {
        let loaded = tracker.read_all_tickets()?;
        items.extend(
            loaded
                .items
                .into_iter()
                .filter(|t| t.status.is_done() && access::may_see_ticket(&viewer, t))
                .filter_map(|t| {
                    let solution = t.solution?;
                    Some(Item {
                        source: Source::Ticket,
                        id: t.id,
                        title: t.subject,
                        category: Some(t.category),
                        // The solution and the start of the question: enough to
                        // rank on, and it keeps indexing 10,000 tickets fast.
                        text: format!(
                            "{}\n{}",
                            solution,
                            crate::domain::text::truncate_bytes(&t.description, 400)
                        ),
                    })
                }),
        );
    }
    Ok(items)
}
