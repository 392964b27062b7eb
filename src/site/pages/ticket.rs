//! A ticket's page and its audit-trail page.

use super::{format_time, name_of, Page};
use crate::app::desk::Record;
use crate::app::uploads::without_format_controls;
use crate::domain::model::TargetKind;
use crate::domain::model::{Config, EntryKind, Faq};
use crate::domain::report::clock_hours;
use crate::git::CommitInfo;
use crate::site::markdown;
use chrono::{DateTime, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use std::collections::BTreeSet;

/// Attachments of any type but the few known to be shown inline safely
/// get this suffix in the site, so no web host serves them as pages or
/// runs them: they are downloaded.
pub const DEFANG_SUFFIX: &str = ".download";
/// Extensions published as they are: images, PDF, plain text and CSV,
/// which a browser shows or saves and never runs (`tkt serve` serves all but
/// CSV inline). An allow-list, because a deny-list of what runs is never
/// complete (`.php`, `.phtml`, `.mht`, `.xslt`… each run somewhere); not
/// even `.md`, which a Jekyll host turns into unsanitised HTML.
const INLINE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv",
];
/// Characters left as they are in attachment links.
const LINK_SAFE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

#[derive(Serialize)]
struct Field {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct ActionItem {
    text: String,
    done: bool,
    who: String,
    when: String,
}

#[derive(Serialize)]
struct Attachment {
    name: String,
    href: String,
}

#[derive(Serialize)]
struct TimelineItem {
    id: String,
    kind: &'static str,
    author: String,
    date: String,
    datetime: String,
    changes: Vec<String>,
    body: String,
    attachments: Vec<Attachment>,
}

#[derive(Serialize)]
struct SlaItem {
    target: String,
    allowed: String,
    used: String,
    due: String,
    done: String,
    state: &'static str,
    state_label: String,
}

#[derive(Serialize)]
struct TicketData<'a> {
    folio: &'a str,
    subject: &'a str,
    status: &'static str,
    status_label: String,
    priority: &'static str,
    category: String,
    assignee: String,
    requester: String,
    requester_email: String,
    created: String,
    updated: String,
    related: Option<&'a str>,
    /// The FAQ entry made from the ticket, as a site-relative link.
    faq: Option<String>,
    tags: &'a [String],
    confidential: bool,
    fields: Vec<Field>,
    actions: Vec<ActionItem>,
    description: String,
    timeline: Vec<TimelineItem>,
    attachments: Vec<Attachment>,
    solution: String,
    sla: Vec<SlaItem>,
    /// The moment SLA states were measured at.
    as_of: String,
}

/// The ticket page, `tickets/<folio>/index.html`.
/// `faq` lists the FAQ entries that exist, so a link to a removed entry is
/// left out rather than left dangling.
pub fn ticket_page(
    config: &Config,
    record: &Record,
    now: DateTime<Utc>,
    faq: &[(String, Faq)],
) -> Page {
    let t = &record.ticket;
    let category = config.category(&t.category);
    let fields = t
        .fields
        .iter()
        .map(|(name, value)| Field {
            label: category
                .and_then(|c| c.fields.iter().find(|f| &f.name == name))
                .and_then(|f| f.label.clone())
                .unwrap_or_else(|| name.clone()),
            value: value.clone(),
        })
        .collect();
    let data = TicketData {
        folio: &t.id,
        subject: &t.subject,
        status: t.status.as_str(),
        status_label: t.status.as_str().replace('-', " "),
        priority: t.priority.as_str(),
        category: category
            .map(|c| c.name.clone())
            .unwrap_or_else(|| t.category.clone()),
        assignee: t
            .assignee
            .as_deref()
            .map(|a| name_of(config, a))
            .unwrap_or_default(),
        requester: name_of(config, &t.requester),
        requester_email: config
            .person(&t.requester)
            .map(|p| p.email.clone())
            .unwrap_or_default(),
        created: format_time(t.created),
        updated: format_time(record.life.last_activity),
        related: t.related.as_deref(),
        faq: t
            .faq
            .as_deref()
            .filter(|s| faq.iter().any(|(slug, _)| slug == s))
            .map(|s| format!("faq/{s}.html")),
        tags: &t.tags,
        confidential: t.confidential,
        fields,
        actions: t
            .actions
            .iter()
            .map(|a| ActionItem {
                text: a.text.clone(),
                done: a.done,
                who: a
                    .who
                    .as_deref()
                    .map(|w| name_of(config, w))
                    .unwrap_or_default(),
                when: a.when.map(format_time).unwrap_or_default(),
            })
            .collect(),
        description: markdown::render(&t.description),
        timeline: timeline(config, record),
        attachments: attachments(&t.attachments, &record.attachments),
        solution: t
            .solution
            .as_deref()
            .map(markdown::render)
            .unwrap_or_default(),
        sla: crate::domain::sla::check(
            &config.sla,
            config.sla.target(t.priority),
            &record.life,
            now,
        )
        .into_iter()
        .map(|c| SlaItem {
            target: match c.target {
                TargetKind::NextReply => format!("Next reply (asked {})", format_time(c.start)),
                other => crate::domain::text::capitalised(other.label()),
            },
            allowed: clock_hours(c.allowed),
            used: clock_hours(c.used),
            due: match c.due {
                Some(due) => format_time(due),
                None if c.paused => "paused".to_string(),
                None => String::new(),
            },
            done: c.done.map(format_time).unwrap_or_default(),
            state: c.state.as_str(),
            state_label: c.state.as_str().replace('-', " "),
        })
        .collect(),
        as_of: format_time(now),
    };
    let title = format!("{} · {}", t.id, t.subject);
    Page::new(
        format!("tickets/{}/index.html", t.id),
        "ticket.html",
        title,
        "tickets",
        data,
    )
}

fn timeline(config: &Config, record: &Record) -> Vec<TimelineItem> {
    record
        .timeline
        .iter()
        .enumerate()
        .map(|(i, (_, e))| TimelineItem {
            id: format!("e{}", i + 1),
            kind: match e.kind {
                EntryKind::Reply => "reply",
                EntryKind::Note => "note",
                EntryKind::Event => "event",
            },
            author: name_of(config, &e.author),
            date: format_time(e.date),
            datetime: e.date.to_rfc3339(),
            changes: e.changes.iter().map(|c| c.describe()).collect(),
            body: markdown::render(&e.body),
            attachments: attachments(&e.attachments, &record.attachments),
        })
        .collect()
}

/// Links to the attachments that exist as plain files; a listed but
/// missing one is named without a link that would lead nowhere.
fn attachments(names: &[String], present: &BTreeSet<String>) -> Vec<Attachment> {
    names
        .iter()
        .map(|name| Attachment {
            name: without_format_controls(name),
            href: site_file_name(name)
                .filter(|_| present.contains(name))
                .map(|file| format!("files/{}", utf8_percent_encode(&file, LINK_SAFE)))
                .unwrap_or_default(),
        })
        .collect()
}

/// The name an attachment gets in the site, or `None` when the name could
/// lead out of the ticket's folder (separators, `..`, hidden files).
/// Format characters (bidi controls…) are dropped, as when attaching, for
/// names committed before that rule; any type not known to be shown
/// inline safely, and a name without a type, gets `DEFANG_SUFFIX`.
pub fn site_file_name(name: &str) -> Option<String> {
    if !crate::domain::model::is_safe_attachment_name(name) {
        return None;
    }
    let name = without_format_controls(name);
    if !crate::domain::model::is_safe_attachment_name(&name) {
        return None;
    }
    let inline = name.rsplit_once('.').is_some_and(|(stem, x)| {
        !stem.is_empty() && INLINE_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str())
    });
    Some(if inline {
        name
    } else {
        format!("{name}{DEFANG_SUFFIX}")
    })
}

#[derive(Serialize)]
struct CommitItem<'a> {
    hash: &'a str,
    short: &'a str,
    author: &'a str,
    email: &'a str,
    date: String,
    subject: &'a str,
    body: &'a str,
}

/// The audit trail, `tickets/<folio>/history.html`: every commit that
/// touched the ticket, as `git log` would show it.
pub fn history_page(record: &Record, commits: &[CommitInfo]) -> Page {
    let t = &record.ticket;
    let items: Vec<CommitItem> = commits
        .iter()
        .rev()
        .map(|c| {
            let (subject, body) = c.message.split_once('\n').unwrap_or((&c.message, ""));
            CommitItem {
                hash: &c.hash,
                short: &c.short,
                author: &c.author,
                email: &c.email,
                date: format_time(c.date),
                subject,
                body: body.trim(),
            }
        })
        .collect();
    let data = serde_json::json!({ "folio": t.id, "subject": t.subject, "commits": items });
    Page::new(
        format!("tickets/{}/history.html", t.id),
        "history.html",
        format!("{} · audit trail", t.id),
        "tickets",
        data,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_names_cannot_escape_or_run() {
        for inline in [
            "scan.png", "a.JPG", "b.jpeg", "c.gif", "d.webp", "e.pdf", "f.txt", "g.log",
        ] {
            assert_eq!(site_file_name(inline).as_deref(), Some(inline));
        }
        for download in [
            "x.HTML",
            "logo.svg",
            "shell.php",
            "page.phtml",
            "saved.mhtml",
            "saved.mht",
            "style.xslt",
            "data.xml",
            "app.js",
            "README",
            "Makefile",
            "tar.gz.exe",
            "x.download",
            "pdf",
            "strange.png.",
        ] {
            assert_eq!(
                site_file_name(download),
                Some(format!("{download}.download")),
                "{download}"
            );
        }
        // Bidi and other format controls are dropped before the type is read.
        assert_eq!(
            site_file_name("photo\u{202E}gnp.exe").as_deref(),
            Some("photognp.exe.download")
        );
        assert_eq!(
            site_file_name("\u{200B}report.pdf\u{FEFF}").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(site_file_name("\u{202E}\u{200B}"), None, "nothing left");
        let a = attachments(
            &["photo\u{202E}gnp.exe".to_string()],
            &BTreeSet::from(["photo\u{202E}gnp.exe".to_string()]),
        );
        assert_eq!(a[0].name, "photognp.exe");
        assert_eq!(a[0].href, "files/photognp.exe.download");
        for bad in ["../x", "a/b", ".git", "", "a\\b", "a\u{1}b"] {
            assert_eq!(site_file_name(bad), None, "{bad:?}");
        }
        let names = ["my file #1?.pdf".to_string(), "gone.png".to_string()];
        let a = attachments(&names, &BTreeSet::from([names[0].clone()]));
        assert_eq!(a[0].href, "files/my%20file%20%231%3F.pdf");
        assert_eq!(a[1].href, "", "a missing file gets no link");
    }
}
