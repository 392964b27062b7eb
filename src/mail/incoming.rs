//! One incoming message, parsed. mail-parser does the MIME work (multipart,
//! quoted-printable, base64, charsets, encoded words); this module picks out
//! what a helpdesk needs and classifies machine mail.

use chrono::{DateTime, Utc};
use mail_parser::{Addr, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType};

use super::html_text;

/// What tkt needs to know about one received message.
#[derive(Debug, Clone)]
pub struct IncomingMail {
    /// `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    /// `In-Reply-To` ids, without angle brackets.
    pub in_reply_to: Vec<String>,
    /// `References` ids, oldest first, without angle brackets.
    pub references: Vec<String>,
    pub from: Address,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    /// The subject with encoded words decoded; empty when there is none.
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    /// The full text: the text/plain body, else the HTML body as text.
    pub text: String,
    /// Attachments and inline images, in message order.
    pub attachments: Vec<MailPart>,
    /// Why this message must never get an automatic answer, if so.
    pub automatic: Option<Automatic>,
    /// The delivery report, when this message is a bounce.
    pub bounce: Option<Bounce>,
}

/// A mailbox: an optional display name and the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub name: Option<String>,
    pub email: String,
}

/// A file carried by the message.
#[derive(Debug, Clone)]
pub struct MailPart {
    /// The sender's file name, or one made up from the content type.
    pub name: String,
    /// `type/subtype`, lower case.
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// The `Content-ID` (no angle brackets) an HTML body refers to as
    /// `cid:…`, for images shown in the text.
    pub inline_cid: Option<String>,
    /// An image meant to be shown in the text rather than as a download
    /// (a Content-ID, `Content-Disposition: inline`, or no disposition).
    pub inline: bool,
}

/// The header that marks a message as machine mail. Answering such mail
/// automatically is how auto-reply loops and bounce storms start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Automatic {
    /// The header, as it is spelled in RFCs (`Auto-Submitted`, `From`…).
    pub header: &'static str,
    /// Its value, for the record.
    pub value: String,
}

impl Automatic {
    /// An answer a program sent to some other mail (`Auto-Submitted:
    /// auto-replied`: out-of-office, vacation), as opposed to mail a
    /// program wrote on its own (a monitoring alert may rightly open a
    /// ticket).
    pub fn is_auto_reply(&self) -> bool {
        self.header == "Auto-Submitted"
            && self
                .value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("auto-replied")
    }
}

/// A delivery status notification (RFC 3464).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    /// The `Message-ID` of the mail that could not be delivered.
    pub original_message_id: Option<String>,
    /// The addresses it could not be delivered to (`Final-Recipient`).
    pub recipients: Vec<String>,
}

/// Why a message cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    #[error("the input is empty")]
    Empty,
    #[error("no mail headers found: this is not an email message")]
    Unparseable,
    #[error("the message has no From address")]
    NoFrom,
}

/// Reads one message (RFC 5322 bytes, as in an `.eml` file).
///
/// mail-parser reads broken MIME as far as it can (a multipart whose
/// closing boundary is missing ends at the end of the input), so only a
/// message without headers or without a sender is an error.
pub fn parse(raw: &[u8]) -> Result<IncomingMail, MailError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MailError::Empty);
    }
    let message = MessageParser::default()
        .parse(raw)
        .filter(|m| {
            m.root_part()
                .headers
                .iter()
                .any(|h| is_field_name(h.name()))
        })
        .ok_or(MailError::Unparseable)?;
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(address)
        .ok_or(MailError::NoFrom)?;
    Ok(IncomingMail {
        message_id: message.message_id().map(strip_id),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        to: addresses(message.to()),
        cc: addresses(message.cc()),
        subject: message.subject().unwrap_or_default().trim().to_string(),
        date: message.date().and_then(to_utc),
        text: body_text(&message),
        attachments: attachments(&message),
        automatic: automatic(&message, &from),
        bounce: bounce(&message),
        from,
    })
}

/// RFC 5322 field names are printable ASCII without spaces or colons;
/// mail-parser also reports a line of prose as a (nameless) header.
fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
}

fn address(addr: &Addr<'_>) -> Option<Address> {
    let email = addr.address.as_deref()?.trim();
    if email.is_empty() {
        return None;
    }
    let name = addr
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != email);
    Some(Address {
        name: name.map(str::to_string),
        email: email.to_string(),
    })
}

fn addresses(list: Option<&mail_parser::Address<'_>>) -> Vec<Address> {
    list.map(|l| l.iter().filter_map(address).collect())
        .unwrap_or_default()
}

/// Message ids from a header mail-parser read as one id or a list.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![strip_id(id)],
        HeaderValue::TextList(list) => list.iter().map(|id| strip_id(id)).collect(),
        _ => Vec::new(),
    }
}

/// An id without the angle brackets and spaces some senders leave around it.
fn strip_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

fn to_utc(date: &mail_parser::DateTime) -> Option<DateTime<Utc>> {
    if !date.is_valid() {
        return None;
    }
    DateTime::from_timestamp(date.to_timestamp(), 0)
}

/// The message's readable text: its text bodies, where mail-parser lists
/// an HTML part only when the message has no plain-text alternative.
fn body_text(message: &Message<'_>) -> String {
    let parts: Vec<String> = message
        .text_body
        .iter()
        .filter_map(|&id| message.part(id))
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(text.replace("\r\n", "\n")),
            PartType::Html(html) => html_text::to_text(html),
            _ => None,
        })
        .map(|text| text.trim_end().to_string())
        .filter(|text| !text.is_empty())
        .collect();
    parts.join("\n\n")
}

/// Every part that is neither a container nor one of the bodies.
fn attachments(message: &Message<'_>) -> Vec<MailPart> {
    let mut images = 0;
    let mut files = 0;
    message
        .parts
        .iter()
        .enumerate()
        .filter(|(i, part)| !is_body(message, *i as u32, part))
        .map(|(_, part)| {
            let content_type = content_type(part);
            let counter = if content_type.starts_with("image/") {
                &mut images
            } else {
                &mut files
            };
            *counter += 1;
            attachment(part, content_type, *counter)
        })
        .collect()
}

fn is_body(message: &Message<'_>, id: u32, part: &MessagePart<'_>) -> bool {
    match part.body {
        PartType::Multipart(_) => true,
        PartType::Text(_) | PartType::Html(_) => {
            message.text_body.contains(&id) || message.html_body.contains(&id)
        }
        _ => false,
    }
}

fn attachment(part: &MessagePart<'_>, content_type: String, n: usize) -> MailPart {
    let is_image = content_type.starts_with("image/");
    let disposition = part.content_disposition();
    let inline = is_image
        && (part.content_id().is_some()
            || disposition.is_none_or(|d| d.c_type.eq_ignore_ascii_case("inline")));
    let name = part
        .attachment_name()
        .map(safe_name)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| generated_name(&content_type, n));
    MailPart {
        name,
        inline_cid: is_image
            .then(|| part.content_id().map(strip_id))
            .flatten()
            .filter(|c| !c.is_empty()),
        inline,
        bytes: part.contents().to_vec(),
        content_type,
    }
}

fn content_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
        None if matches!(part.body, PartType::Message(_)) => "message/rfc822".into(),
        None => "text/plain".into(),
    }
}

/// A sender's file name without directories or control characters: the
/// name is the sender's, not a path tkt should follow.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    cleaned.trim().trim_start_matches('.').trim().to_string()
}

/// `image-1.png`, `attachment-2.pdf`, `message-1.eml`: a name for a part
/// that came without one.
fn generated_name(content_type: &str, n: usize) -> String {
    let stem = match content_type {
        "message/rfc822" | "message/global" => "message",
        _ if content_type.starts_with("image/") => "image",
        _ => "attachment",
    };
    format!("{stem}-{n}.{}", extension(content_type))
}

fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" | "image/pjpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/bmp" => "bmp",
        "image/tiff" => "tiff",
        "image/svg+xml" => "svg",
        "application/pdf" => "pdf",
        "message/rfc822" | "message/global" => "eml",
        "text/plain" | "message/delivery-status" | "text/rfc822-headers" => "txt",
        "text/html" => "html",
        "text/calendar" => "ics",
        _ => "bin",
    }
}

/// Why the message must not be answered automatically (RFC 3834 and the
/// habits of mailing lists, bounce senders and Exchange), if it must not.
fn automatic(message: &Message<'_>, from: &Address) -> Option<Automatic> {
    let header = |name: &'static str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_string())
            .map(|value| (name, value))
    };
    let found = header("Auto-Submitted")
        .filter(|(_, v)| !v.eq_ignore_ascii_case("no"))
        .or_else(|| header("Precedence").filter(|(_, v)| is_bulk_precedence(v)))
        .or_else(|| header("X-Auto-Response-Suppress"))
        .or_else(|| header("List-Id"))
        .or_else(|| header("List-Unsubscribe"))
        .or_else(|| header("Return-Path").filter(|(_, v)| is_null_path(v)))
        .or_else(|| is_system_sender(&from.email).then(|| ("From", from.email.clone())));
    found.map(|(header, value)| Automatic { header, value })
}

fn is_bulk_precedence(value: &str) -> bool {
    let value = value.trim();
    ["bulk", "junk", "list"]
        .iter()
        .any(|p| value.eq_ignore_ascii_case(p))
}

/// `Return-Path: <>`: the sender asks for no bounce, as bounces do.
fn is_null_path(value: &str) -> bool {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        == "<>"
}

fn is_system_sender(email: &str) -> bool {
    let local = email.rsplit_once('@').map_or(email, |(l, _)| l);
    local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
}

/// The delivery report of a `multipart/report; report-type=delivery-status`.
fn bounce(message: &Message<'_>) -> Option<Bounce> {
    let root = message.content_type()?;
    let is_report = root.ctype().eq_ignore_ascii_case("multipart")
        && root
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        && root
            .attribute("report-type")
            .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"));
    if !is_report {
        return None;
    }
    let mut report = Bounce {
        original_message_id: None,
        recipients: Vec::new(),
    };
    for part in &message.parts {
        match content_type(part).as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                let status = String::from_utf8_lossy(part.contents());
                report.recipients.extend(final_recipients(&status));
            }
            "message/rfc822" | "message/global" | "text/rfc822-headers"
                if report.original_message_id.is_none() =>
            {
                report.original_message_id = returned_message_id(part);
            }
            _ => {}
        }
    }
    Some(report)
}

/// The `Final-Recipient` addresses of a delivery-status body, e.g.
/// `Final-Recipient: rfc822; someone@example.org`.
fn final_recipients(status: &str) -> Vec<String> {
    status
        .lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("final-recipient"))
        .map(|(_, value)| {
            let address = value.split_once(';').map_or(value, |(_, a)| a);
            strip_id(address)
        })
        .filter(|a| !a.is_empty())
        .collect()
}

/// The Message-ID of the returned original, whole or headers only.
fn returned_message_id(part: &MessagePart<'_>) -> Option<String> {
    if let Some(original) = part.message() {
        return original.message_id().map(strip_id);
    }
    MessageParser::default()
        .parse_headers(part.contents())?
        .message_id()
        .map(strip_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_have_no_spaces() {
        assert!(is_field_name("X-MS-Has-Attach"));
        assert!(!is_field_name("with no headers at all"));
        assert!(!is_field_name(""));
    }

    #[test]
    fn ids_lose_their_angle_brackets() {
        assert_eq!(strip_id(" <abc@host.example> "), "abc@host.example");
        assert_eq!(strip_id("abc@host"), "abc@host");
    }

    #[test]
    fn file_names_are_never_paths() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(safe_name("a\u{7}b.txt"), "ab.txt");
    }

    #[test]
    fn nameless_parts_get_a_name_from_their_type() {
        assert_eq!(generated_name("image/png", 1), "image-1.png");
        assert_eq!(generated_name("image/jpeg", 2), "image-2.jpg");
        assert_eq!(generated_name("message/rfc822", 1), "message-1.eml");
        assert_eq!(generated_name("application/x-thing", 3), "attachment-3.bin");
        assert_eq!(
            generated_name("message/delivery-status", 1),
            "attachment-1.txt"
        );
    }

    #[test]
    fn bulk_precedences_and_null_paths_are_recognised() {
        assert!(is_bulk_precedence(" List"));
        assert!(is_bulk_precedence("junk"));
        assert!(!is_bulk_precedence("first-class"));
        assert!(is_null_path("< >"));
        assert!(!is_null_path("<bounces@lists.example>"));
    }

    #[test]
    fn system_senders_are_recognised_by_local_part() {
        assert!(is_system_sender("MAILER-DAEMON@mx.example"));
        assert!(is_system_sender("postmaster@example.org"));
        assert!(!is_system_sender("postmaster.jones@example.org"));
    }

    #[test]
    fn final_recipients_are_read_from_a_delivery_status() {
        let status = "Reporting-MTA: dns; mx.example\r\n\r\n\
            Final-Recipient: rfc822; gone@example.org\r\nAction: failed\r\n\r\n\
            final-recipient: RFC822;<also@example.net>\r\n";
        assert_eq!(
            final_recipients(status),
            ["gone@example.org", "also@example.net"]
        );
    }

    /// The reason found for a message with these extra headers.
    fn reason(from: &str, extra: &str) -> Option<(&'static str, String)> {
        let raw = format!("From: {from}\r\nSubject: hi\r\n{extra}\r\nbody\r\n");
        parse(raw.as_bytes())
            .unwrap()
            .automatic
            .map(|a| (a.header, a.value))
    }

    #[test]
    fn machine_mail_is_named_by_its_header() {
        let a = "a@b.example";
        assert_eq!(reason(a, ""), None);
        assert_eq!(reason(a, "Auto-Submitted: no\r\n"), None);
        assert_eq!(reason(a, "Precedence: first-class\r\n"), None);
        let auto = |extra: &str| {
            parse(format!("From: {a}\r\n{extra}\r\nbody").as_bytes())
                .unwrap()
                .automatic
                .unwrap()
        };
        assert!(auto("Auto-Submitted: Auto-Replied (vacation)\r\n").is_auto_reply());
        assert!(!auto("Auto-Submitted: auto-generated\r\n").is_auto_reply());
        assert!(!auto("Precedence: bulk\r\n").is_auto_reply());
        assert_eq!(
            reason(a, "Auto-Submitted: auto-generated\r\n"),
            Some(("Auto-Submitted", "auto-generated".into()))
        );
        assert_eq!(
            reason(a, "Precedence: Bulk\r\n").map(|r| r.0),
            Some("Precedence")
        );
        assert_eq!(
            reason(a, "X-Auto-Response-Suppress: All\r\n").map(|r| r.0),
            Some("X-Auto-Response-Suppress")
        );
        assert_eq!(
            reason(a, "List-Unsubscribe: <mailto:x@l.example>\r\n").map(|r| r.0),
            Some("List-Unsubscribe")
        );
        assert_eq!(
            reason(a, "List-Id: <l.example>\r\n").map(|r| r.0),
            Some("List-Id")
        );
        assert_eq!(
            reason(a, "Return-Path: <>\r\n").map(|r| r.0),
            Some("Return-Path")
        );
        assert_eq!(reason(a, "Return-Path: <a@b.example>\r\n"), None);
        assert_eq!(
            reason("Postmaster@b.example", ""),
            Some(("From", "Postmaster@b.example".into()))
        );
    }

    #[test]
    fn empty_and_headerless_input_is_refused() {
        assert_eq!(parse(b"  \r\n").unwrap_err(), MailError::Empty);
        assert_eq!(
            parse(b"From: a@b.example\r\nSubject: hi\r\n\r\nbody")
                .unwrap()
                .subject,
            "hi"
        );
        assert_eq!(
            parse(b"Subject: hi\r\n\r\nbody").unwrap_err(),
            MailError::NoFrom
        );
    }
}
