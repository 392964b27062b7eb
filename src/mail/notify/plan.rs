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
                    } if kind == "reply" && !resolved && mail.notify.requester.replies => {
                        out.mails
                            .extend(reply(config, mail, folio, ticket, stem, entry, author));
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
    // Never answer our own address (a loop through the mailbox).
    if is_ours(&refused.to, mail) {
        return None;
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Change, EntryKind, MailOrigin};

    const CONFIG: &str = "name: Desk\npeople:\n\
        - {key: ana, name: Ana, email: ana@example.org, role: admin}\n\
        - {key: ben, name: Ben, email: ben@example.org, role: operator}\n\
        - {key: rita, name: Rita, email: rita@example.org, role: requester}\n\
        - {key: remy, name: Remy, email: remy@example.org, role: requester}\n\
        categories:\n- {key: technical, name: Tech, responsible: [ana, ben]}\n\
        escalation: {contact: ben}\n\
        mail:\n  address: helpdesk@example.org\n  notify:\n    new_tickets:\n    - to: [ana, remy]\n";

    fn config() -> Config {
        // Unvalidated: the planner holds the line even where validation would.
        serde_yaml::from_str(CONFIG).unwrap()
    }

    fn ticket(confidential: bool, automatic: bool) -> Ticket {
        let yaml = format!(
            "id: TKT001\nuid: U1\nsubject: \"Hi\\r\\nBcc: x@y.z\"\nstatus: open\npriority: medium\n\
             category: technical\nrequester: rita\ncreated: 2026-01-05T09:00:00Z\n\
             updated: 2026-01-05T09:00:00Z\nconfidential: {confidential}\n"
        );
        let mut t: Ticket = serde_yaml::from_str(&yaml).unwrap();
        t.mail = Some(MailOrigin {
            message_id: "CAF1@mail.example.com".into(),
            from: "Rita <rita@example.org>".into(),
            cc: vec!["carl@example.com".into()],
            automatic: automatic.then(|| "Auto-Submitted: auto-replied".into()),
            review: false,
        });
        t
    }

    fn entry(author: &str, kind: EntryKind, changes: Vec<Change>) -> Entry {
        Entry {
            author: author.into(),
            date: "2026-01-05T10:00:00Z".parse().unwrap(),
            kind,
            changes,
            attachments: vec![],
            time_spent: None,
            mail: None,
            body: "The words.".into(),
        }
    }

    fn posted(config: &Config, ticket: &Ticket, entry: &Entry) -> Vec<Notification> {
        let mail = config.mail.as_ref().unwrap();
        let happening = Happening::Posted {
            folio: "TKT001",
            ticket,
            file: "20260105T100000.000Z-ana-abc.md",
            entry,
        };
        plan(config, mail, &happening).mails
    }

    #[test]
    fn notes_and_the_requesters_own_words_are_never_mailed() {
        let config = config();
        let t = ticket(false, false);
        assert!(posted(&config, &t, &entry("ana", EntryKind::Note, vec![])).is_empty());
        assert!(posted(&config, &t, &entry("rita", EntryKind::Reply, vec![])).is_empty());
        let mails = posted(&config, &t, &entry("ana", EntryKind::Reply, vec![]));
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to[0].address, "rita@example.org");
        assert_eq!(mails[0].cc[0].address, "carl@example.com");
        assert_eq!(
            mails[0].in_reply_to.as_deref(),
            Some("tkt.U1.ack@example.org")
        );
        assert_eq!(
            mails[0].references,
            vec!["CAF1@mail.example.com", "tkt.U1.ack@example.org"]
        );
        assert!(!mails[0].subject.contains(['\r', '\n']));
    }

    #[test]
    fn a_confidential_ticket_goes_to_no_cc_and_escalation_not_to_its_author() {
        let config = config();
        let t = ticket(true, false);
        let mails = posted(&config, &t, &entry("ana", EntryKind::Reply, vec![]));
        assert!(mails[0].cc.is_empty());
        let escalate = vec![Change::new("escalated", Some("no"), Some("yes"))];
        let mails = posted(
            &config,
            &t,
            &entry("ana", EntryKind::Event, escalate.clone()),
        );
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to[0].address, "ben@example.org");
        assert!(posted(&config, &t, &entry("ben", EntryKind::Event, escalate)).is_empty());
    }

    #[test]
    fn machine_mail_is_never_acknowledged_and_requesters_get_no_operator_notices() {
        let config = config();
        let mail = config.mail.as_ref().unwrap();
        let registered = |t: &Ticket, actor: &str| {
            plan(
                &config,
                mail,
                &Happening::Registered {
                    folio: "TKT001",
                    ticket: t,
                    actor,
                    token: None,
                },
            )
            .mails
        };
        let t = ticket(false, true);
        let mails = registered(&t, "rita");
        assert!(mails.iter().all(|m| m.kind != "ack"), "{mails:?}");
        // remy is a requester: never told of others' tickets.
        assert!(mails.iter().all(|m| m.to[0].address != "remy@example.org"));
        assert_eq!(mails.iter().filter(|m| m.kind == "new-ticket").count(), 1);
        // ana registering never tells ana.
        let t = ticket(false, false);
        let mails = registered(&t, "ana");
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert_eq!(mails[0].kind, "ack");
        assert_eq!(mails[0].auto, Auto::Replied);
    }
}
