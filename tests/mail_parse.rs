//! Reading real-world-shaped mail (tests/mail/corpus/*.eml, written by hand
//! after the headers and MIME layout each mail program produces).

use tkt::mail::{parse, trim_reply, IncomingMail, MailError};

fn corpus(name: &str) -> IncomingMail {
    let path = format!("{}/tests/mail/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse(&raw).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_words(mail: &IncomingMail, words: &[&str]) {
    for word in words {
        assert!(mail.text.contains(word), "{word:?} not in {:?}", mail.text);
    }
}

fn names(mail: &IncomingMail) -> Vec<&str> {
    mail.attachments.iter().map(|a| a.name.as_str()).collect()
}

#[test]
fn outlook_reply_is_read_from_its_quoted_printable_latin1_text_part() {
    let mail = corpus("outlook-reply.eml");
    assert_eq!(mail.subject, "RE: [TKT042] Printer on floor 3 jams");
    assert_eq!(mail.from.name.as_deref(), Some("Jürgen Müller"));
    assert_eq!(mail.from.email, "juergen.mueller@contoso.example");
    assert_eq!(
        mail.message_id.as_deref(),
        Some("AM7PR03MB6577F1D2C3B4A5968778@AM7PR03MB6577.eurprd03.prod.outlook.com")
    );
    assert_eq!(mail.in_reply_to, ["tkt.TKT042.2@helpdesk.example"]);
    assert_eq!(
        mail.references,
        [
            "tkt.TKT042.1@helpdesk.example",
            "tkt.TKT042.2@helpdesk.example"
        ]
    );
    // The soft line break is joined; the full text keeps the quoted history.
    assert_words(
        &mail,
        &[
            "It happens on every second page",
            "Grüße from the third floor",
            "-----Original Message-----",
            "Does the problem persist?",
        ],
    );
    assert!(!mail.text.contains("MsoNormal"), "the HTML part was used");
    assert_eq!(mail.date.unwrap().to_rfc3339(), "2026-03-10T09:14:02+00:00");
    assert!(mail.attachments.is_empty());
    assert!(mail.automatic.is_none());
    assert!(mail.bounce.is_none());
}

#[test]
fn gmail_base64_utf8_message_with_cc() {
    let mail = corpus("gmail-new.eml");
    assert_eq!(mail.subject, "VPN does not connect — équipe de Montréal");
    assert_eq!(mail.from.name.as_deref(), Some("Amélie Tremblay"));
    assert_eq!(
        mail.message_id.as_deref(),
        Some("CAGx8Ym3Q+vPz1bNn2yQ@mail.gmail.com")
    );
    assert!(mail.in_reply_to.is_empty() && mail.references.is_empty());
    let cc: Vec<&str> = mail.cc.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(cc, ["marc.roy@example.ca", "sophie@example.ca"]);
    assert_eq!(mail.to[0].email, "help@helpdesk.example");
    assert_words(&mail, &["« délai d'attente dépassé »", "Merci,\nAmélie"]);
    assert_eq!(mail.date.unwrap().to_rfc3339(), "2026-03-11T13:30:00+00:00");
    assert!(mail.attachments.is_empty() && mail.automatic.is_none());
}

#[test]
fn apple_mail_inline_image_keeps_its_content_id_and_gets_a_name() {
    let mail = corpus("apple-mail-inline-image.eml");
    assert_eq!(mail.subject, "Screen flickers on the meeting room display");
    assert_words(&mail, &["meeting room B flickers", "Hiroshi"]);
    assert_eq!(names(&mail), ["image-1.png"]);
    let image = &mail.attachments[0];
    assert_eq!(image.content_type, "image/png");
    assert_eq!(image.inline_cid.as_deref(), Some("photo-1@example.jp"));
    assert!(image.inline);
    assert!(
        image.bytes.starts_with(b"\x89PNG\r\n"),
        "decoded from base64"
    );
}

#[test]
fn html_only_mail_becomes_plain_text() {
    let mail = corpus("html-only.eml");
    assert_eq!(mail.subject, "Invoice address & VAT number");
    assert_eq!(mail.from.name.as_deref(), Some("Shop Support"));
    assert_words(
        &mail,
        &[
            "Dear team,\n\nPlease change",
            "Rue du Lac 5\n1003 Lausanne",
            "- Contact: Anaïs Favre",
            "the order page (https://shop.example/orders/4711)",
            "Kind regards – Anaïs",
        ],
    );
    for markup in ["<p>", "&amp;", "track()", "font-family"] {
        assert!(
            !mail.text.contains(markup),
            "{markup} left in {:?}",
            mail.text
        );
    }
}

#[test]
fn forwarded_message_is_an_eml_attachment() {
    let mail = corpus("forwarded.eml");
    assert_eq!(mail.subject, "Fwd: Licence renewal due");
    assert_words(&mail, &["Could you renew this"]);
    assert!(
        !mail.text.contains("25 seats"),
        "the forwarded mail is not the text"
    );
    assert_eq!(names(&mail), ["Licence renewal due.eml"]);
    let original = &mail.attachments[0];
    assert_eq!(original.content_type, "message/rfc822");
    let inner = parse(&original.bytes).unwrap();
    assert_eq!(
        inner.message_id.as_deref(),
        Some("renewal-2026-03@vendor.example")
    );
    assert!(inner.text.contains("25 seats"));
}

#[test]
fn auto_reply_is_machine_mail() {
    let mail = corpus("auto-reply.eml");
    assert_eq!(
        mail.subject,
        "Automatic reply: [TKT042] Printer on floor 3 jams"
    );
    assert_eq!(mail.in_reply_to, ["tkt.TKT042.3@helpdesk.example"]);
    let automatic = mail.automatic.unwrap();
    assert_eq!(automatic.header, "Auto-Submitted");
    assert_eq!(automatic.value, "auto-replied");
    assert!(mail.bounce.is_none());
}

#[test]
fn bounce_names_the_failed_recipient_and_the_returned_message() {
    let mail = corpus("bounce.eml");
    assert_eq!(mail.from.email, "MAILER-DAEMON@mx.helpdesk.example");
    assert!(mail.automatic.is_some());
    let bounce = mail.bounce.clone().unwrap();
    assert_eq!(bounce.recipients, ["nobody@gone.example"]);
    assert_eq!(
        bounce.original_message_id.as_deref(),
        Some("tkt.TKT051.1@helpdesk.example")
    );
    assert_words(&mail, &["could not\nbe delivered"]);
    assert_eq!(names(&mail), ["attachment-1.txt", "attachment-2.txt"]);
}

#[test]
fn windows_1252_body_and_encoded_word_subject_are_decoded() {
    let mail = corpus("windows-1252.eml");
    // 0x92 and 0x96 are Windows-1252's ’ and –, not ISO-8859-1 controls.
    assert_eq!(mail.subject, "Problème d’accès – cafétéria");
    assert_eq!(mail.from.name.as_deref(), Some("François Lévesque"));
    assert_words(
        &mail,
        &["n’ouvre plus", "cafétéria – déjà", "5 €", "François"],
    );
}

#[test]
fn broken_mime_without_closing_boundary_returns_every_part() {
    // mail-parser reads an unclosed multipart to the end of the input: the
    // text and the attachment both arrive, nothing is reported as an error.
    let mail = corpus("broken-mime.eml");
    assert_eq!(mail.subject, "Password reset link expired");
    assert_eq!(
        mail.text,
        "The reset link says it expired before I clicked it."
    );
    assert_eq!(names(&mail), ["steps.txt"]);
    let steps = String::from_utf8(mail.attachments[0].bytes.clone()).unwrap();
    assert!(steps.contains("forgot password"), "{steps}");
}

#[test]
fn list_mail_is_machine_mail() {
    let mail = corpus("list-mail.eml");
    assert_eq!(mail.subject, "[users] Release 4.2 announcement");
    assert_eq!(mail.message_id.as_deref(), Some("list-42@example.net"));
    let automatic = mail.automatic.unwrap();
    assert_eq!(
        (automatic.header, automatic.value.as_str()),
        ("Precedence", "list")
    );
    assert!(mail.bounce.is_none());
}

#[test]
fn what_is_not_a_mail_is_refused_with_a_reason() {
    let err = parse(b"just some words\nwith no headers at all").unwrap_err();
    assert_eq!(err, MailError::Unparseable);
    let no_from = parse(b"To: a@b.example\r\nSubject: x\r\n\r\nbody").unwrap_err();
    assert_eq!(no_from.to_string(), "the message has no From address");
}

#[test]
fn image_without_content_id_or_name_is_still_inline_and_named_safely() {
    // Some clients send a pasted image with neither Content-ID nor
    // Content-Disposition (osTicket PR #779): it is still an inline image.
    let raw = b"From: a@b.example\r\nSubject: pasted\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=b\r\n\r\n\
        --b\r\nContent-Type: text/plain\r\n\r\nSee the screenshot.\r\n\
        --b\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n\
        --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../report.pdf\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";
    let mail = parse(raw).unwrap();
    assert_eq!(mail.text, "See the screenshot.");
    assert_eq!(names(&mail), ["image-1.jpg", "report.pdf"]);
    let image = &mail.attachments[0];
    assert!(image.inline && image.inline_cid.is_none());
    assert_eq!(image.bytes, [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]);
    assert!(!mail.attachments[1].inline);
    assert_eq!(mail.attachments[1].bytes, b"%PDF-1.4\n");
}

#[test]
fn html_alternative_is_used_only_when_there_is_no_plain_text() {
    let raw = b"From: a@b.example\r\nSubject: s\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/alternative; boundary=b\r\n\r\n\
        --b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Only <b>HTML</b> here</p>\r\n--b--\r\n";
    assert_eq!(parse(raw).unwrap().text, "Only HTML here");
}

#[test]
fn outlook_reply_is_trimmed_at_the_original_message_line() {
    let trimmed = trim_reply(&corpus("outlook-reply.eml").text);
    assert_eq!(
        trimmed.reply,
        "Hello,\n\nthe printer still jams after the new toner was fitted. It happens on every \
         second page when printing double-sided. Grüße from the third floor.\n\nJürgen"
    );
    assert_eq!(
        trimmed.quoted.as_deref(),
        Some(
            "-----Original Message-----\nFrom: Helpdesk <help@helpdesk.example>\n\
             Sent: Monday, March 9, 2026 4:02 PM\nSubject: [TKT042] Printer on floor 3 jams\n\n\
             We fitted a new toner. Does the problem persist?"
        )
    );
}

#[test]
fn new_mail_without_history_is_not_trimmed() {
    for name in ["gmail-new.eml", "apple-mail-inline-image.eml"] {
        let mail = corpus(name);
        let trimmed = trim_reply(&mail.text);
        assert_eq!(trimmed.reply, mail.text.trim_end(), "{name}");
        assert_eq!(trimmed.quoted, None, "{name}");
    }
}
