//! A planned notification as an RFC 5322 message: lettre's message
//! builder does the encoding (encoded words for non-ASCII names and
//! subjects, quoted-printable bodies, folded lines), so no header is
//! written by hand. Every text that reaches a header went through
//! `domain::notify`'s one-line squeeze first, and the builder encodes
//! what is left: a CR or LF from a hostile ticket never starts a header.
//! Pure: the time comes in as a parameter.

use crate::mail::notify::{Auto, Mailbox, Notification};
use chrono::{DateTime, Utc};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox as LettreMailbox, Message};
use lettre::Address;

/// A message ready to deliver: its bytes and the envelope's addresses.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub from: String,
    pub to: Vec<String>,
}

/// Renders `n` as sent by `from` at `date`.
pub fn render(n: &Notification, from: &Mailbox, date: DateTime<Utc>) -> Result<Rendered, String> {
    let mut builder = Message::builder()
        .from(mailbox(from)?)
        .subject(one_line(&n.subject))
        .message_id(Some(format!("<{}>", n.message_id)))
        .date(date.into())
        .user_agent(format!("tkt {}", env!("CARGO_PKG_VERSION")))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            match n.auto {
                Auto::Generated => "auto-generated",
                Auto::Replied => "auto-replied",
            }
            .to_string(),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"),
            "All".to_string(),
        ))
        .header(ContentType::TEXT_PLAIN);
    for to in &n.to {
        builder = builder.to(mailbox(to)?);
    }
    for cc in &n.cc {
        builder = builder.cc(mailbox(cc)?);
    }
    if let Some(id) = &n.in_reply_to {
        builder = builder.in_reply_to(bracketed(id)?);
    }
    if !n.references.is_empty() {
        let all = n
            .references
            .iter()
            .map(|id| bracketed(id))
            .collect::<Result<Vec<_>, _>>()?;
        builder = builder.references(all.join(" "));
    }
    let message = builder
        .body(n.body.replace("\r\n", "\n"))
        .map_err(|e| format!("mail {} cannot be built: {e}", n.id))?;
    let envelope = message.envelope();
    Ok(Rendered {
        bytes: message.formatted(),
        from: envelope.from().map(|a| a.to_string()).unwrap_or_default(),
        to: envelope.to().iter().map(|a| a.to_string()).collect(),
    })
}

fn mailbox(m: &Mailbox) -> Result<LettreMailbox, String> {
    let address: Address = m
        .address
        .parse()
        .map_err(|e| format!("`{}` is not a mail address: {e}", m.address))?;
    let name = one_line(&m.name);
    Ok(LettreMailbox::new(
        (!name.is_empty()).then_some(name),
        address,
    ))
}

/// `<id>` for a message id that is one printable word.
fn bracketed(id: &str) -> Result<String, String> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '<' && c != '>');
    if ok {
        Ok(format!("<{id}>"))
    } else {
        Err(format!("`{id}` is not a message id"))
    }
}

/// The last guard: control characters become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn notification(subject: &str, name: &str) -> Notification {
        Notification {
            id: "u1.ack".into(),
            kind: "ack".into(),
            to: vec![Mailbox {
                name: name.into(),
                address: "rita@example.org".into(),
            }],
            cc: vec![],
            subject: subject.into(),
            body: "Hello,\n\nbody text é\n".into(),
            message_id: "tkt.u1.ack@example.org".into(),
            in_reply_to: Some("CAF1@mail.example.com".into()),
            references: vec!["CAF1@mail.example.com".into(), "tkt.u1.ack@x.org".into()],
            auto: Auto::Replied,
            token_of: None,
        }
    }

    fn from() -> Mailbox {
        Mailbox {
            name: "Example Helpdesk".into(),
            address: "helpdesk@example.org".into(),
        }
    }

    fn headers(bytes: &[u8]) -> Vec<String> {
        let text = String::from_utf8_lossy(bytes);
        let head = text.split("\r\n\r\n").next().unwrap().to_string();
        head.split("\r\n").map(str::to_string).collect()
    }

    #[test]
    fn threading_and_loop_headers_are_there() {
        let date = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let r = render(&notification("[TKT001] Printer", "Rita"), &from(), date).unwrap();
        let h = headers(&r.bytes).join("\n");
        for expected in [
            "Message-ID: <tkt.u1.ack@example.org>",
            "In-Reply-To: <CAF1@mail.example.com>",
            "References: <CAF1@mail.example.com> <tkt.u1.ack@x.org>",
            "Subject: [TKT001] Printer",
            "Auto-Submitted: auto-replied",
            "X-Auto-Response-Suppress: All",
            "Date: Mon, 05 Jan 2026 09:00:00 +0000",
        ] {
            assert!(h.contains(expected), "{expected:?} not in\n{h}");
        }
        assert_eq!(r.to, vec!["rita@example.org"]);
        assert_eq!(r.from, "helpdesk@example.org");
    }

    proptest! {
        /// Whatever a hostile ticket's subject or a person's name holds,
        /// it never starts a header line of its own.
        #[test]
        fn no_header_injection(subject in "\\PC{0,40}[\r\n]{1,2}Bcc: evil@x.org\\PC{0,20}",
                               name in "\\PC{0,10}[\r\n]{1,2}Bcc: evil@x.org") {
            let date = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
            let r = render(&notification(&subject, &name), &from(), date).unwrap();
            for line in headers(&r.bytes) {
                prop_assert!(!line.to_ascii_lowercase().starts_with("bcc:"), "{line}");
            }
            prop_assert_eq!(r.to, vec!["rita@example.org".to_string()]);
        }
    }
}
