//! New-ticket digests: an operator who asked for `every: 1h` gets one
//! mail listing the tickets registered since their last digest, once the
//! hour has passed since that digest (or since the first ticket waiting,
//! for the first digest).

use super::plan::{mailbox_of, signature_of};
use super::{header_line, id_part, Auto, Notification};
use crate::domain::model::config::{MailSettings, Recipients, Rhythm};
use crate::domain::model::{Config, Ticket};
use crate::mail::other_message_id;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// One new ticket waiting for a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestItem {
    pub folio: String,
    pub uid: String,
    pub subject: String,
    pub category: String,
    pub priority: String,
    pub created: DateTime<Utc>,
}

impl DigestItem {
    pub fn of(folio: &str, ticket: &Ticket) -> DigestItem {
        DigestItem {
            folio: folio.to_string(),
            uid: ticket.uid.clone(),
            subject: header_line(&ticket.subject, 200),
            category: ticket.category.clone(),
            priority: ticket.priority.to_string(),
            created: ticket.created,
        }
    }
}

/// The digest rhythm of `person` under the config (the first rule that
/// names them with a duration).
fn rhythm_of(config: &Config, mail: &MailSettings, person: &str) -> Option<Duration> {
    mail.notify.new_tickets.iter().find_map(|rule| {
        let named = match &rule.to {
            Recipients::People(keys) => keys.iter().any(|k| k == person),
            Recipients::Keyword(_) => config
                .categories
                .iter()
                .any(|c| c.responsible.iter().any(|k| k == person)),
        };
        match rule.every {
            Rhythm::Every(span) if named => Some(Duration::minutes(span.minutes as i64)),
            _ => None,
        }
    })
}

/// Whether `person`'s digest of `items` is due at `now`, given when
/// their last one went out.
pub fn digest_due(
    config: &Config,
    mail: &MailSettings,
    person: &str,
    items: &[DigestItem],
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    let Some(every) = rhythm_of(config, mail, person) else {
        // No longer asked for: send what waits rather than lose it.
        return !items.is_empty();
    };
    let Some(first) = items.iter().map(|i| i.created).min() else {
        return false;
    };
    let since = last.unwrap_or(first);
    now >= since + every
}

/// The digest mail for `person` listing `items`.
pub fn digest(
    config: &Config,
    mail: &MailSettings,
    person: &str,
    items: &[DigestItem],
) -> Option<Notification> {
    let who = config.person(person)?;
    let to = mailbox_of(&who.name, &who.email)?;
    let first = items.first()?;
    let part = format!("digest.{}.{}", id_part(person), id_part(&first.uid));
    let mut list = String::new();
    for item in items {
        list.push_str(&format!(
            "  {}  {}\n        {}, {}\n",
            item.folio,
            header_line(&item.subject, 200),
            item.category,
            item.priority
        ));
    }
    let count = items.len();
    let noun = if count == 1 { "ticket" } else { "tickets" };
    Some(Notification {
        id: part.clone(),
        kind: "digest".into(),
        to: vec![to],
        cc: vec![],
        subject: header_line(
            &format!(
                "{count} new {noun} ({})",
                mail.name.as_deref().unwrap_or(&config.name)
            ),
            200,
        ),
        body: format!(
            "New {noun} since your last digest:\n\n{list}\n{}",
            signature_of(config, mail)
        ),
        message_id: other_message_id(&part, &mail.domain()),
        in_reply_to: None,
        references: vec![],
        auto: Auto::Generated,
        token_of: None,
    })
}
