//! `tkt show`: one ticket with its timeline, as text or JSON.

use super::output::{clean_line, clean_text, Style};
use super::session::{reader, Global};
use super::TicketId;
use crate::domain::model::{Config, Entry, EntryKind, Ticket};
use crate::domain::query::age;
use crate::domain::text::utc_stamp as stamp;
use anyhow::Result;
use clap::Args;
use std::fmt::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    ticket: TicketId,
    /// Print JSON: the front-matter fields, `description` and `timeline`.
    #[arg(long)]
    json: bool,
}

pub fn run(global: &Global, args: ShowArgs) -> Result<i32> {
    let reader = reader(global)?;
    let view = reader.ticket(&args.ticket.id)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&as_json(&view.ticket, &view.timeline, &view.dir)?)?
        );
    } else {
        let now = crate::clock::now()?;
        print!(
            "{}",
            render(
                &view.ticket,
                &view.timeline,
                &reader.tracker.config,
                &Style::detect(),
                now
            )
        );
    }
    if let Some(moved) = &view.renumbered {
        eprintln!(
            "note: the ticket registered on this clone as {old} ({subject}) is now {new}: \
             {taken_on} had given {old} to another ticket, so it was renumbered when synced \
             ({when}). See `tkt show {new}`.",
            old = moved.old,
            new = moved.new,
            subject = clean_line(&moved.subject),
            taken_on = moved.taken_on,
            when = stamp(moved.when),
        );
    }
    for error in &view.errors {
        eprintln!("error: {error}");
    }
    Ok(if view.errors.is_empty() { 0 } else { 1 })
}

fn as_json(
    ticket: &Ticket,
    timeline: &[(PathBuf, Entry)],
    dir: &Path,
) -> Result<serde_json::Value> {
    let mut value = serde_json::to_value(ticket)?;
    let object = value
        .as_object_mut()
        .expect("a ticket serialises to an object");
    object.insert("description".into(), ticket.description.clone().into());
    // The follow-up link's hash is for the server, not for reading.
    object.remove("follow_up");
    let entries: Vec<serde_json::Value> = timeline
        .iter()
        .map(|(path, entry)| {
            let mut v = serde_json::to_value(entry)?;
            let o = v.as_object_mut().expect("an entry serialises to an object");
            o.insert("body".into(), entry.body.clone().into());
            let file = path
                .strip_prefix(dir)
                .unwrap_or(path)
                .to_string_lossy()
                .into_owned();
            o.insert("file".into(), file.into());
            Ok(v)
        })
        .collect::<Result<_>>()?;
    object.insert("timeline".into(), entries.into());
    Ok(value)
}

fn render(
    t: &Ticket,
    timeline: &[(PathBuf, Entry)],
    config: &Config,
    style: &Style,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let mut out = String::new();
    let name = |key: &str| {
        config
            .person(key)
            .map_or_else(|| key.to_string(), |p| format!("{} ({key})", p.name))
    };
    let category = config
        .category(&t.category)
        .map_or(t.category.clone(), |c| format!("{} ({})", c.name, c.key));
    let _ = writeln!(
        out,
        "{}  {}",
        style.bold(&t.id),
        style.bold(&clean_line(&t.subject))
    );
    let _ = writeln!(
        out,
        "status: {}   priority: {}   category: {}",
        style.status(t.status.as_str(), t.status),
        style.priority(t.priority.as_str(), t.priority),
        clean_line(&category)
    );
    let _ = writeln!(
        out,
        "requester: {}   assignee: {}",
        clean_line(&name(&t.requester)),
        clean_line(&t.assignee.as_deref().map_or("nobody".into(), name))
    );
    let _ = writeln!(
        out,
        "created: {} ({} ago)   updated: {}",
        stamp(t.created),
        age(t.created, now),
        stamp(t.updated)
    );
    if let Some(faq) = &t.faq {
        let _ = writeln!(out, "faq: {} (faq/{}.md)", clean_line(faq), clean_line(faq));
    }
    if let Some(related) = &t.related {
        let _ = writeln!(out, "related: {}", clean_line(related));
    }
    if !t.tags.is_empty() {
        let _ = writeln!(out, "tags: {}", clean_line(&t.tags.join(", ")));
    }
    if t.confidential {
        let _ = writeln!(out, "confidential: yes");
    }
    if t.escalated {
        let _ = writeln!(out, "{}", style.paint("escalated: yes", "1;31"));
    }
    let life = crate::domain::lifeline::Lifeline::of(t, timeline.iter().map(|(_, e)| e));
    let minutes: u64 = life.time_spent.iter().map(|(_, _, m)| m).sum();
    if minutes > 0 {
        let _ = writeln!(
            out,
            "time spent: {}",
            crate::domain::report::human_seconds(minutes as i64 * 60)
        );
    }
    for (k, v) in &t.fields {
        let _ = writeln!(out, "{}: {}", clean_line(k), clean_line(v));
    }
    if !t.attachments.is_empty() {
        let _ = writeln!(
            out,
            "attachments: {}",
            clean_line(&t.attachments.join(", "))
        );
    }
    render_sla(&mut out, t, &life, config, style, now);
    section(&mut out, style, "Description");
    let _ = writeln!(out, "{}", indent(&clean_text(&t.description)));
    if !t.actions.is_empty() {
        section(&mut out, style, "Actions");
        for (i, a) in t.actions.iter().enumerate() {
            let mark = if a.done { "[x]" } else { "[ ]" };
            let by = match (&a.who, a.when) {
                (Some(who), Some(when)) => format!(" ({who}, {})", stamp(when)),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {}. {mark} {}{}",
                i + 1,
                clean_line(&a.text),
                style.dim(&clean_line(&by))
            );
        }
    }
    if !timeline.is_empty() {
        section(&mut out, style, "Timeline");
        for (_, e) in timeline {
            render_entry(&mut out, e, style, &name);
        }
    }
    if let Some(solution) = &t.solution {
        section(&mut out, style, "Solution");
        let _ = writeln!(out, "{}", indent(&clean_text(solution)));
    }
    out
}

/// The ticket's SLA targets: state, time used of allowed, due or done.
fn render_sla(
    out: &mut String,
    t: &Ticket,
    life: &crate::domain::lifeline::Lifeline,
    config: &Config,
    style: &Style,
    now: chrono::DateTime<chrono::Utc>,
) {
    use crate::domain::report::clock_hours;
    use crate::domain::sla::SlaState;
    let checks = crate::domain::sla::check(&config.sla, config.sla.target(t.priority), life, now);
    if checks.is_empty() {
        return;
    }
    let hours = if config.sla.business_hours.is_some() {
        " (business hours)"
    } else {
        ""
    };
    section(out, style, &format!("Service level{hours}"));
    for c in checks {
        let state = match c.state {
            SlaState::Breached => style.paint("breached", "31"),
            SlaState::AtRisk => style.paint("at-risk", "33"),
            SlaState::OnTrack => "on-track".to_string(),
            SlaState::Met => style.paint("met", "32"),
        };
        let when = match (c.done, c.due) {
            (Some(done), _) => format!("done {}", stamp(done)),
            (None, Some(due)) => format!("due {}", stamp(due)),
            (None, None) => "paused".to_string(),
        };
        // A paused clock with time left shows "paused" as its due time.
        let paused = if c.paused && c.due.is_some() {
            ", paused"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:<15} {state}  {} of {} used, {when}{paused}",
            c.target.label(),
            clock_hours(c.used),
            clock_hours(c.allowed),
        );
    }
}

fn render_entry(out: &mut String, e: &Entry, style: &Style, name: &dyn Fn(&str) -> String) {
    let label = match e.kind {
        EntryKind::Reply => style.paint("reply", "32"),
        EntryKind::Note => style.paint("internal note", "33"),
        EntryKind::Event => style.dim("event"),
    };
    let _ = writeln!(
        out,
        "  {}  {}  {label}",
        style.dim(&stamp(e.date)),
        clean_line(&name(&e.author))
    );
    for change in &e.changes {
        let _ = writeln!(out, "    {}", style.dim(&clean_line(&change.describe())));
        if change.field == "solution" {
            let text = change.to.as_deref().unwrap_or("");
            let _ = writeln!(out, "{}", indent(&indent(&indent(&clean_text(text)))));
        }
    }
    if !e.body.is_empty() {
        let _ = writeln!(out, "{}", indent(&indent(&clean_text(&e.body))));
    }
    if !e.attachments.is_empty() {
        let _ = writeln!(
            out,
            "    attached: {}",
            clean_line(&e.attachments.join(", "))
        );
    }
}

fn section(out: &mut String, style: &Style, title: &str) {
    let _ = writeln!(out, "\n{}", style.bold(title));
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
