//! Where an incoming mail belongs, in the order that keeps strangers from
//! writing into other people's tickets: a mail already imported is
//! skipped; our own mail coming back is skipped; `In-Reply-To` and
//! `References` naming one of our ids or a mail imported before lead to
//! that ticket; a `[TKT042]` subject token counts only from the ticket's
//! requester, its staff or someone on its `mail.cc` list (checked with
//! [`sender_on`] once the ticket is read); anything else is new.

use super::{ids, IncomingMail};
use crate::domain::model::{Config, Ticket};

/// What the headers say about where a mail belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Thread {
    /// Its `Message-ID` is already on a ticket or entry.
    AlreadyImported,
    /// Its `Message-ID` is one tkt made: our own mail looping back.
    OurOwn,
    /// A reply, by `In-Reply-To`/`References`, to ticket `uid`.
    Reply {
        uid: String,
    },
    /// No thread in the headers, but a `[TKT042]` token in the subject:
    /// the folio number, to be accepted only from people on the ticket.
    Token {
        number: u64,
    },
    New,
}

/// Where `mail` (with `message_id`) belongs. `imported` finds the ticket
/// uid a mail id was imported onto.
pub fn thread(
    mail: &IncomingMail,
    message_id: &str,
    domain: &str,
    config: &Config,
    imported: impl Fn(&str) -> Option<String>,
) -> Thread {
    if ids::is_ours(message_id, domain) {
        return Thread::OurOwn;
    }
    if imported(message_id).is_some() {
        return Thread::AlreadyImported;
    }
    // The direct parent first, then the thread from the newest back.
    let parents = mail.in_reply_to.iter().chain(mail.references.iter().rev());
    for id in parents {
        if let Some(uid) = ids::ticket_uid_of(id, domain) {
            return Thread::Reply {
                uid: uid.to_string(),
            };
        }
        if let Some(uid) = imported(id) {
            return Thread::Reply { uid };
        }
    }
    match super::subject::folio_token(&mail.subject, &config.folio) {
        Some(number) => Thread::Token { number },
        None => Thread::New,
    }
}

/// Who the sender of a mail is to one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// The ticket's requester (person key).
    Requester(String),
    /// An operator or admin (person key).
    Staff(String),
    /// On the ticket's `mail.cc` list, or a person in `helpdesk.yaml`
    /// who is neither: their mail is a note for the team to review.
    Listed,
    /// Nobody the ticket knows.
    Stranger,
}

impl Sender {
    /// Whether a `[TKT042]` token from this sender may put mail on the ticket.
    pub fn may_use_token(&self) -> bool {
        !matches!(self, Sender::Stranger)
    }
}

/// Who `email` is to `ticket`: the address is compared without case
/// against `helpdesk.yaml`'s people and the ticket's `mail.cc` list.
pub fn sender_on(ticket: &Ticket, config: &Config, email: &str) -> Sender {
    let email = email.trim();
    let person = config
        .people
        .iter()
        .find(|p| p.email.eq_ignore_ascii_case(email));
    match person {
        Some(p) if p.key == ticket.requester => Sender::Requester(p.key.clone()),
        Some(p) if p.role.is_staff() => Sender::Staff(p.key.clone()),
        _ if ticket
            .mail
            .as_ref()
            .is_some_and(|m| m.cc.iter().any(|c| c.eq_ignore_ascii_case(email))) =>
        {
            Sender::Listed
        }
        _ => Sender::Stranger,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::MailOrigin;

    fn config() -> Config {
        serde_yaml::from_str(
            "name: Desk\n\
             people:\n\
             \x20 - { key: ana, name: Ana, email: ana@example.org, role: admin }\n\
             \x20 - { key: rita, name: Rita, email: rita@example.org, role: requester }\n\
             \x20 - { key: sam, name: Sam, email: sam@example.org, role: requester }\n\
             categories:\n  - { key: technical, name: Tech }\n",
        )
        .unwrap()
    }

    fn mail(headers: &str) -> IncomingMail {
        let raw = format!("From: x@y.example\r\n{headers}\r\nbody\r\n");
        crate::mail::parse(raw.as_bytes()).unwrap()
    }

    fn imported(id: &str) -> Option<String> {
        (id == "seen@mail.example").then(|| "UIDSEEN".to_string())
    }

    fn thread_of(headers: &str, id: &str) -> Thread {
        thread(&mail(headers), id, "help.example", &config(), imported)
    }

    #[test]
    fn threading_goes_in_order() {
        assert_eq!(thread_of("", "seen@mail.example"), Thread::AlreadyImported);
        assert_eq!(thread_of("", "tkt.U1.ack@help.example"), Thread::OurOwn);
        assert_eq!(
            thread_of(
                "In-Reply-To: <tkt.U1.ack@help.example>\r\nSubject: [TKT009] x\r\n",
                "new@x"
            ),
            Thread::Reply { uid: "U1".into() }
        );
        assert_eq!(
            thread_of("References: <a@b> <seen@mail.example> <c@d>\r\n", "new@x"),
            Thread::Reply {
                uid: "UIDSEEN".into()
            }
        );
        assert_eq!(
            thread_of(
                "In-Reply-To: <other@b>\r\nSubject: Re: [TKT009] x\r\n",
                "new@x"
            ),
            Thread::Token { number: 9 }
        );
        assert_eq!(thread_of("Subject: hello\r\n", "new@x"), Thread::New);
    }

    fn ticket(cc: &[&str]) -> Ticket {
        let mut t: Ticket = serde_yaml::from_str(
            "id: TKT001\nuid: U1\nsubject: s\nstatus: open\npriority: medium\ncategory: technical\n\
             requester: rita\ncreated: 2026-01-01T00:00:00Z\nupdated: 2026-01-01T00:00:00Z\n",
        )
        .unwrap();
        t.mail = Some(MailOrigin {
            message_id: "m@x".into(),
            from: "Rita <rita@example.org>".into(),
            cc: cc.iter().map(|c| c.to_string()).collect(),
            automatic: None,
            review: false,
        });
        t
    }

    #[test]
    fn senders_are_placed_by_their_address() {
        let t = ticket(&["boss@example.org"]);
        let c = config();
        assert_eq!(
            sender_on(&t, &c, "RITA@example.org"),
            Sender::Requester("rita".into())
        );
        assert_eq!(
            sender_on(&t, &c, "ana@example.org"),
            Sender::Staff("ana".into())
        );
        assert_eq!(sender_on(&t, &c, "Boss@Example.org"), Sender::Listed);
        assert_eq!(sender_on(&t, &c, "sam@example.org"), Sender::Stranger);
        assert!(!Sender::Stranger.may_use_token());
        assert!(Sender::Listed.may_use_token());
    }
}
