//! Which mails one happening calls for, to whom, with what text and
//! threading ids. The rules that hold for every mail:
//! - an internal note is never mailed, to anyone;
//! - a confidential ticket's content goes to its requester and staff
//!   only (no CC'd strangers, no requester-role operator lists);
//! - nobody is told of their own action;
//! - machine mail (`mail.automatic`) is never acknowledged.

use super::{header_line, id_part, Auto, DigestItem, Mailbox, Notification};
use crate::domain::event::{self, Event, Visibility};
use crate::domain::model::config::{MailSettings, RecipientKeyword, Recipients, Rhythm};
use crate::domain::model::{Config, Entry, Ticket};
use crate::mail::{other_message_id, ticket_message_id, RefusedMail};

/// Something the history says happened.
#[derive(Debug, Clone, Copy)]
pub enum Happening<'a> {
    /// `tickets/<folio>/ticket.md` was created by `actor`; `token` is
    /// the follow-up token the registering clone kept, if any.
    Registered {
        folio: &'a str,
        ticket: &'a Ticket,
        actor: &'a str,
        token: Option<&'a str>,
    },
    /// A timeline entry `replies/<file>` was written on `ticket` (as the
    /// ticket was in that commit).
    Posted {
        folio: &'a str,
        ticket: &'a Ticket,
        file: &'a str,
        entry: &'a Entry,
    },
}

/// What to send now, and what to hold for digests (person key, item).
#[derive(Debug, Default)]
pub struct Plan {
    pub mails: Vec<Notification>,
    pub digests: Vec<(String, DigestItem)>,
}

/// The mails `happening` calls for under `config`'s `mail:` settings.
pub fn plan(config: &Config, mail: &MailSettings, happening: &Happening) -> Plan {
    let mut out = Plan::default();
    match *happening {
        Happening::Registered {
            folio,
            ticket,
            actor,
            token,
        } => {
            if let Some(ack) = acknowledgment(config, mail, folio, ticket, actor, token) {
                out.mails.push(ack);
            }
            new_ticket_notices(config, mail, folio, ticket, actor, &mut out);
        }
        Happening::Posted {
            folio,
            ticket,
            file,
            entry,
        } => {
            let stem = file.trim_end_matches(".md");
            let events = event::of_entry(folio, file, entry);
            let resolved = events.iter().any(|e| matches!(e, Event::Resolved { .. }));
            for e in &events {
                match e {
                    Event::EntryPosted {
                        kind,
                        visibility: Visibility::Public,
                        author,
                        ..
                    } if kind == "reply" && !resolved => {
                        if mail.notify.requester.replies {
                            out.mails
                                .extend(reply(config, mail, folio, ticket, stem, entry, author));
                        }
                    }
                    Event::Resolved { .. } if mail.notify.requester.resolution => {
                        out.mails
                            .extend(resolution(config, mail, folio, ticket, stem, entry));
                    }
                    Event::Escalated { by, .. } if mail.notify.escalation => {
                        out.mails
                            .extend(escalation(config, mail, folio, ticket, stem, entry, by));
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// The mail answering a refused one, once.
pub fn refusal(
    config: &Config,
    mail: &MailSettings,
    refused: &RefusedMail,
) -> Option<Notification> {
    let to = mailbox("", &refused.to)?;
    let id = refused_id(&refused.message_id);
    Some(Notification {
        kind: "refusal".into(),
        message_id: other_message_id(&id, &mail.domain()),
        id,
        to: vec![to],
        cc: vec![],
        subject: header_line(&format!("Re: {}", refused.subject), 200),
        body: format!(
            "Hello,\n\nyour mail could not be registered as a ticket:\n\n  {}\n\n{}",
            refused.reason,
            signature(config, mail)
        ),
        in_reply_to: clean_id(&refused.message_id),
        references: clean_id(&refused.message_id).into_iter().collect(),
        auto: Auto::Replied,
        token_of: None,
    })
}

fn refused_id(message_id: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(message_id.as_bytes());
    let short: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("refusal.{short}")
}

fn acknowledgment(
    config: &Config,
    mail: &MailSettings,
    folio: &str,
    ticket: &Ticket,
    actor: &str,
    token: Option<&str>,
) -> Option<Notification> {
    if !mail.notify.requester.acknowledge
        || ticket.mail.as_ref().is_some_and(|m| m.automatic.is_some())
    {
        return None;
    }
    let requester = config.person(&ticket.requester)?;
    // Staff who register a ticket for themselves know it already.
    if requester.key == actor && requester.role.is_staff() {
        return None;
    }
    let to = mailbox(&requester.name, &requester.email)?;
    let base = config
        .web
        .as_ref()
        .map(|w| w.base_url.trim_end_matches('/'));
    let follow = match (base, token) {
        (Some(base), Some(token)) => format!(
            "Follow it, and add to it, at your private link (keep it to yourself):\n{base}/t/{token}\n\n"
        ),
        (Some(base), None) => format!("Your tickets: {base}/mine\n\n"),
        _ => String::new(),
    };
    let thread = Thread::of(ticket, mail);
    Some(Notification {
        id: format!("{}.ack", id_part(&ticket.uid)),
        kind: "ack".into(),
        to: vec![to],
        cc: vec![],
        subject: subject(folio, "", &ticket.subject),
        body: format!(
            "Hello {},\n\nwe have received your request and registered it as {folio}:\n\n  {}\n\n\
             {follow}Please keep {folio} in the subject when you write about it.\n\n{}",
            header_line(&requester.name, 100),
            header_line(&ticket.subject, 200),
            signature(config, mail)
        ),
        message_id: thread.ack.clone(),
        in_reply_to: thread.origin.clone(),
        references: thread.origin.into_iter().collect(),
        auto: Auto::Replied,
        token_of: token.map(|_| ticket.uid.clone()),
    })
}

fn reply(
    config: &Config,
    mail: &MailSettings,
    folio: &str,
    ticket: &Ticket,
    stem: &str,
    entry: &Entry,
    author: &str,
) -> Option<Notification> {
    if author == ticket.requester {
        return None;
    }
    let who = config
        .person(author)
        .map(|p| p.name.as_str())
        .unwrap_or(author);
    let body = format!(
        "{} wrote on {folio}:\n\n{}\n\n{}",
        header_line(who, 100),
        entry.body.trim(),
        signature(config, mail)
    );
    to_requester(config, mail, folio, ticket, stem, "reply", "Re: ", body)
}

fn resolution(
    config: &Config,
    mail: &MailSettings,
    folio: &str,
    ticket: &Ticket,
    stem: &str,
    entry: &Entry,
) -> Option<Notification> {
    if entry.author == ticket.requester {
        return None;
    }
    let text = if entry.body.trim().is_empty() {
        format!(
            "{folio} is resolved.\n\nSolution:\n{}",
            ticket.solution.as_deref().unwrap_or("").trim()
        )
    } else {
        entry.body.trim().to_string()
    };
    let body = format!("{text}\n\n{}", signature(config, mail));
    to_requester(
        config,
        mail,
        folio,
        ticket,
        stem,
        "resolution",
        "Resolved: ",
        body,
    )
}

#[allow(clippy::too_many_arguments)]
fn to_requester(
    config: &Config,
    mail: &MailSettings,
    folio: &str,
    ticket: &Ticket,
    stem: &str,
    kind: &str,
    prefix: &str,
    body: String,
) -> Option<Notification> {
    let requester = config.person(&ticket.requester)?;
    let to = mailbox(&requester.name, &requester.email)?;
    // CC'd people of a mail-registered ticket get copies, unless the
    // ticket is confidential.
    let cc = if ticket.confidential {
        vec![]
    } else {
        ticket
            .mail
            .iter()
            .flat_map(|m| &m.cc)
            .filter(|a| !a.eq_ignore_ascii_case(&requester.email) && !is_ours(a, mail))
            .filter_map(|a| mailbox("", a))
            .collect()
    };
    let thread = Thread::of(ticket, mail);
    Some(Notification {
        id: format!("{}.{}", id_part(&ticket.uid), id_part(stem)),
        kind: kind.into(),
        to: vec![to],
        cc,
        subject: subject(folio, prefix, &ticket.subject),
        body,
        message_id: ticket_message_id(&ticket.uid, stem, &mail.domain()),
        in_reply_to: Some(thread.ack.clone()),
        references: thread.references(),
        auto: Auto::Generated,
        token_of: None,
    })
}

fn escalation(
    config: &Config,
    mail: &MailSettings,
    folio: &str,
    ticket: &Ticket,
    stem: &str,
    entry: &Entry,
    by: &str,
) -> Option<Notification> {
    let contact = config.person(config.escalation.contact.as_deref()?)?;
    if contact.key == by || !contact.role.is_staff() {
        return None;
    }
    let who = config.person(by).map(|p| p.name.as_str()).unwrap_or(by);
    let reason = match entry.body.trim() {
        "" => String::new(),
        text => format!("Why:\n{text}\n\n"),
    };
    let body = format!(
        "{folio} was escalated to you by {}.\n\n{reason}{}",
        header_line(who, 100),
        ticket_summary(config, folio, ticket)
    );
    let thread = Thread::of(ticket, mail);
    let part = format!("{stem}-escalated");
    Some(Notification {
        id: format!("{}.{}", id_part(&ticket.uid), id_part(&part)),
        kind: "escalation".into(),
        to: vec![mailbox(&contact.name, &contact.email)?],
        cc: vec![],
        subject: subject(folio, "Escalated: ", &ticket.subject),
        body: format!("{body}\n{}", signature(config, mail)),
        message_id: ticket_message_id(&ticket.uid, &part, &mail.domain()),
        in_reply_to: Some(thread.ack.clone()),
        references: thread.references(),
        auto: Auto::Generated,
        token_of: None,
    })
}

/// New-ticket notices: one mail now per `immediately` recipient, a digest
/// item for the others. Each person hears of a ticket once, staff only,
/// never the one who registered it.
fn new_ticket_notices(
    config: &Config,
    mail: &MailSettings,
    folio: &str,
    ticket: &Ticket,
    actor: &str,
    out: &mut Plan,
) {
    let mut told: Vec<String> = vec![actor.to_string()];
    let thread = Thread::of(ticket, mail);
    for rule in &mail.notify.new_tickets {
        let keys: Vec<String> = match &rule.to {
            Recipients::Keyword(RecipientKeyword::Responsible) => config
                .category(&ticket.category)
                .map(|c| c.responsible.clone())
                .unwrap_or_default(),
            Recipients::People(keys) => keys.clone(),
        };
        for key in keys {
            if told.contains(&key) {
                continue;
            }
            let Some(person) = config.person(&key).filter(|p| p.role.is_staff()) else {
                continue;
            };
            told.push(key.clone());
            match rule.every {
                Rhythm::Every(_) => out.digests.push((key, DigestItem::of(folio, ticket))),
                Rhythm::Immediately => {
                    let Some(to) = mailbox(&person.name, &person.email) else {
                        continue;
                    };
                    let part = format!("new-{}", id_part(&key));
                    out.mails.push(Notification {
                        id: format!("{}.{part}", id_part(&ticket.uid)),
                        kind: "new-ticket".into(),
                        to: vec![to],
                        cc: vec![],
                        subject: subject(folio, "New ticket: ", &ticket.subject),
                        body: format!(
                            "A new ticket was registered.\n\n{}\n{}",
                            ticket_summary(config, folio, ticket),
                            signature(config, mail)
                        ),
                        message_id: ticket_message_id(&ticket.uid, &part, &mail.domain()),
                        in_reply_to: thread.origin.clone(),
                        references: thread.origin.iter().cloned().collect(),
                        auto: Auto::Generated,
                        token_of: None,
                    });
                }
            }
        }
    }
}

/// A ticket as staff see it in a mail: fields, then the description.
fn ticket_summary(config: &Config, folio: &str, ticket: &Ticket) -> String {
    let requester = config
        .person(&ticket.requester)
        .map(|p| format!("{} <{}>", p.name, p.email))
        .unwrap_or_else(|| ticket.requester.clone());
    format!(
        "{folio}: {}\nCategory: {}\nPriority: {}\nRequester: {}\nAssignee: {}\n\n{}\n",
        header_line(&ticket.subject, 200),
        ticket.category,
        ticket.priority,
        header_line(&requester, 200),
        ticket.assignee.as_deref().unwrap_or("nobody"),
        crate::domain::text::truncate_bytes(ticket.description.trim(), 4000)
    )
}

/// The thread a ticket's mails belong to: the mail it came from, if any,
/// and our acknowledgment's id (the root of our side of the thread).
struct Thread {
    origin: Option<String>,
    ack: String,
}

impl Thread {
    fn of(ticket: &Ticket, mail: &MailSettings) -> Thread {
        Thread {
            origin: ticket.mail.as_ref().and_then(|m| clean_id(&m.message_id)),
            ack: ticket_message_id(&ticket.uid, "ack", &mail.domain()),
        }
    }

    fn references(&self) -> Vec<String> {
        self.origin
            .iter()
            .cloned()
            .chain(std::iter::once(self.ack.clone()))
            .collect()
    }
}

/// A message id from a stranger's mail, if it is one line without
/// brackets or spaces.
fn clean_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let ok = !id.is_empty()
        && id.len() <= 250
        && id.contains('@')
        && id
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '<' && c != '>');
    ok.then(|| id.to_string())
}

fn is_ours(address: &str, mail: &MailSettings) -> bool {
    address.eq_ignore_ascii_case(&mail.address)
}

/// A recipient, if the address is one (one line, `x@y.z`).
fn mailbox(name: &str, address: &str) -> Option<Mailbox> {
    let address = address.trim();
    let ok = crate::domain::registration::looks_like_email(address)
        && !address.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then(|| Mailbox {
        name: header_line(name, 100),
        address: address.to_string(),
    })
}

/// `[TKT042] …`, with `Re: ` before the folio and any other prefix
/// after it, so the folio token is always there for the importer.
fn subject(folio: &str, prefix: &str, text: &str) -> String {
    let line = match prefix {
        "Re: " => format!("Re: [{folio}] {text}"),
        _ => format!("[{folio}] {prefix}{text}"),
    };
    header_line(&line, 200)
}

fn signature(config: &Config, mail: &MailSettings) -> String {
    format!(
        "-- \n{}\n",
        header_line(mail.name.as_deref().unwrap_or(&config.name), 100)
    )
}

pub(super) fn signature_of(config: &Config, mail: &MailSettings) -> String {
    signature(config, mail)
}

pub(super) fn mailbox_of(name: &str, address: &str) -> Option<Mailbox> {
    mailbox(name, address)
}
