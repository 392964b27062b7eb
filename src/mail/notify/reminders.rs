//! Reminders that come from time passing rather than from a commit: a
//! ticket nobody has answered (`unanswered: {after: 4h}`) and SLA targets
//! at risk or breached (`sla: true`, the verdicts of `domain::sla`, the
//! same clock `tkt overdue` reads). Each goes to the ticket's assignee
//! (else the category's responsible people), once: its id names the
//! ticket, the target, the state and the clock's start.

use super::plan::{mailbox_of, signature_of};
use super::{header_line, id_part, Auto, Mailbox, Notification};
use crate::domain::lifeline::Lifeline;
use crate::domain::model::config::MailSettings;
use crate::domain::model::{Config, Ticket};
use crate::domain::sla::{self, SlaState};
use crate::mail::ticket_message_id;
use chrono::{DateTime, Duration, Utc};

/// The reminders due for `ticket` at `now`; nothing that fell due before
/// `since` (the notifier's first run: configuring mail never mails the
/// past).
pub fn reminders(
    config: &Config,
    mail: &MailSettings,
    ticket: &Ticket,
    life: &Lifeline,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Notification> {
    if ticket.status.is_done() {
        return vec![];
    }
    let to = recipients(config, ticket);
    if to.is_empty() {
        return vec![];
    }
    let folio = ticket.id.as_str();
    let mut out = Vec::new();
    if let Some(unanswered) = mail.notify.unanswered {
        let due = ticket.created + Duration::minutes(unanswered.after.minutes as i64);
        if life.answered().is_none() && due <= now && due >= since {
            out.push(reminder(
                config,
                mail,
                ticket,
                &to,
                "unanswered",
                format!("[{folio}] Unanswered: {}", ticket.subject),
                format!(
                    "{folio} has had no answer since it was registered ({}).\n",
                    crate::domain::text::iso_utc(ticket.created)
                ),
            ));
        }
    }
    if mail.notify.sla {
        let checks = sla::check(&config.sla, config.sla.target(ticket.priority), life, now);
        for check in checks.iter().filter(|c| c.is_urgent()) {
            if check.due.is_some_and(|due| due < since) {
                continue;
            }
            let state = match check.state {
                SlaState::Breached => "breached",
                _ => "at risk",
            };
            let due = check
                .due
                .map(crate::domain::text::iso_utc)
                .unwrap_or_else(|| "(clock paused)".into());
            let part = format!(
                "sla-{}-{}-{}",
                check.target.as_str(),
                check.state.as_str(),
                check.start.format("%Y%m%dT%H%M%S")
            );
            out.push(reminder(
                config,
                mail,
                ticket,
                &to,
                &part,
                format!(
                    "[{folio}] SLA {state}: {} ({})",
                    ticket.subject, check.target
                ),
                format!(
                    "The {} target of {folio} is {state}: due {due}.\n",
                    check.target
                ),
            ));
        }
    }
    out
}

/// The assignee, else the category's responsible people: staff only.
fn recipients(config: &Config, ticket: &Ticket) -> Vec<Mailbox> {
    let keys: Vec<String> = match &ticket.assignee {
        Some(key) => vec![key.clone()],
        None => config
            .category(&ticket.category)
            .map(|c| c.responsible.clone())
            .unwrap_or_default(),
    };
    keys.iter()
        .filter_map(|k| config.person(k))
        .filter(|p| p.role.is_staff())
        .filter_map(|p| mailbox_of(&p.name, &p.email))
        .collect()
}

fn reminder(
    config: &Config,
    mail: &MailSettings,
    ticket: &Ticket,
    to: &[Mailbox],
    part: &str,
    subject: String,
    text: String,
) -> Notification {
    let ack = ticket_message_id(&ticket.uid, "ack", &mail.domain());
    Notification {
        id: format!("{}.{}", id_part(&ticket.uid), id_part(part)),
        kind: if part == "unanswered" {
            "unanswered"
        } else {
            "sla"
        }
        .into(),
        to: to.to_vec(),
        cc: vec![],
        subject: header_line(&subject, 200),
        body: format!(
            "{text}\n{}: {}\nPriority: {}\n\n{}",
            ticket.id,
            header_line(&ticket.subject, 200),
            ticket.priority,
            signature_of(config, mail)
        ),
        message_id: ticket_message_id(&ticket.uid, part, &mail.domain()),
        in_reply_to: Some(ack.clone()),
        references: vec![ack],
        auto: Auto::Generated,
        token_of: None,
    }
}
