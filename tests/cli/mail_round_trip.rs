//! The whole loop by mail, as a requester who never installs git lives it:
//! a mail registers a ticket, the acknowledgment arrives (with the folio and
//! the follow-up link), a reply to tkt's mail threads back onto the ticket,
//! the ticket is resolved and the resolution notice arrives — all through a
//! real SMTP server.

use crate::common::{succeeded, Desk};
use crate::smtp::{Mail, SmtpServer};

/// The test desk taking mail from anyone and sending through `port`.
fn mail_desk(port: u16) -> Desk {
    let desk = Desk::new();
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!(
            "{config}web:\n  base_url: https://help.example.org\n\
             mail:\n  address: helpdesk@example.org\n  name: Example Helpdesk\n\
             \x20 import:\n    registration:\n      open_to: anyone\n\
             \x20 transport:\n    kind: smtp\n    smtp: {{host: 127.0.0.1, port: {port}, security: none}}\n"
        ),
    );
    desk.git(&["commit", "-qam", "configure mail"]);
    desk
}

/// `tkt mail import -` with `raw` on standard input, as a mail server pipes it.
fn import(desk: &Desk, raw: &str) -> String {
    succeeded(
        desk.cmd()
            .args(["mail", "import", "-"])
            .write_stdin(raw.to_string())
            .output()
            .unwrap(),
    )
}

/// The mails that arrived for `address` and whose subject holds `words`.
fn arrived<'a>(mails: &'a [Mail], address: &str, words: &str) -> Vec<&'a Mail> {
    mails
        .iter()
        .filter(|m| m.rcpt().contains(address) && m.subject().contains(words))
        .collect()
}

fn bracketed_ids(header: &str) -> Vec<String> {
    header
        .split_whitespace()
        .map(|id| id.trim_matches(['<', '>']).to_string())
        .collect()
}

#[test]
fn mail_registers_acknowledges_threads_the_reply_and_sends_the_notice() {
    let spool = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(spool.path());
    let desk = mail_desk(server.port);

    // 1. Nora, whom the helpdesk does not know yet, writes in.
    let first = "From: Nora Diaz <nora@clients.example>\r\n\
                 To: Helpdesk <helpdesk@example.org>\r\n\
                 Subject: Scanner shows error E42\r\n\
                 Message-ID: <first-1@clients.example>\r\n\
                 Date: Tue, 01 Dec 2026 09:00:00 +0000\r\n\
                 \r\n\
                 The scanner on floor 2 shows E42 and stops.\r\n";
    let out = import(&desk, first);
    assert!(out.contains("TKT001 created"), "{out}");
    let ticket = desk.read("tickets/TKT001/ticket.md");
    assert!(
        ticket.contains("message_id: first-1@clients.example"),
        "{ticket}"
    );
    assert!(desk.read("helpdesk.yaml").contains("nora@clients.example"));

    // 2. The acknowledgment arrives: folio, subject, the follow-up link.
    desk.ok(&["notify", "send"]);
    let mails = server.messages();
    let acks = arrived(&mails, "nora@clients.example", "[TKT001]");
    assert_eq!(acks.len(), 1, "one acknowledgment: {mails:#?}");
    let ack = acks[0];
    assert!(ack.subject().contains("Scanner shows error E42"));
    assert_eq!(ack.header("in-reply-to"), "<first-1@clients.example>");
    assert!(ack.header("auto-submitted").starts_with("auto-"));
    let link_at = ack
        .body
        .find("https://help.example.org/t/")
        .expect("the acknowledgment carries the follow-up link");
    let token: String = ack.body[link_at + "https://help.example.org/t/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let kept = ticket
        .lines()
        .find_map(|l| l.strip_prefix("follow_up: "))
        .unwrap()
        .trim();
    assert!(
        tkt::domain::follow_up::opens(&token, kept),
        "the link in the mail opens the ticket's follow-up page"
    );

    // 3. Ana asks a question; it reaches Nora, threaded.
    desk.ok(&[
        "--as",
        "ana",
        "reply",
        "1",
        "-m",
        "Which model is it?",
        "--status",
        "waiting-on-requester",
    ]);
    desk.ok(&["notify", "send"]);
    let mails = server.messages();
    let question = arrived(&mails, "nora@clients.example", "[TKT001]")
        .into_iter()
        .find(|m| m.body.contains("Which model is it?"))
        .expect("the reply arrives");
    let question_id = question.header("message-id").trim_matches(['<', '>']);
    assert!(
        bracketed_ids(question.header("references")).contains(&"first-1@clients.example".into()),
        "the thread goes back to Nora's first mail"
    );

    // 4. Nora answers from her mail program: the answer threads onto
    // TKT001 by its headers (no folio typed), her quote is trimmed, and the
    // ticket goes back to in progress.
    let answer = format!(
        "From: Nora Diaz <nora@clients.example>\r\n\
         To: helpdesk@example.org\r\n\
         Subject: Re: Which model\r\n\
         Message-ID: <answer-2@clients.example>\r\n\
         In-Reply-To: <{question_id}>\r\n\
         References: <first-1@clients.example> <{question_id}>\r\n\
         Date: Tue, 01 Dec 2026 11:00:00 +0000\r\n\
         \r\n\
         It is the Canon DR-C240.\r\n\
         \r\n\
         On Tue, 1 Dec 2026 at 10:00, Example Helpdesk <helpdesk@example.org> wrote:\r\n\
         > Which model is it?\r\n"
    );
    let out = import(&desk, &answer);
    assert!(out.contains("TKT001"), "{out}");
    assert!(!desk.path("tickets/TKT002").exists(), "no second ticket");
    let ticket = desk.read("tickets/TKT001/ticket.md");
    assert!(ticket.contains("status: in-progress"), "{ticket}");
    let entry = desk
        .entries("TKT001")
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .find(|t| t.contains("answer-2@clients.example"))
        .expect("Nora's answer is on the ticket");
    assert!(entry.contains("kind: reply") && entry.contains("Canon DR-C240"));
    assert!(
        !entry.contains("> Which model"),
        "the quote is trimmed: {entry}"
    );

    // 5. Resolved: the notice arrives with the solution, on the thread.
    desk.ok(&[
        "--as",
        "ana",
        "resolve",
        "1",
        "--solution",
        "Cleaned the DR-C240's rollers; E42 is gone.",
    ]);
    desk.ok(&["notify", "send"]);
    let mails = server.messages();
    let notice = arrived(&mails, "nora@clients.example", "[TKT001]")
        .into_iter()
        .find(|m| m.body.contains("Cleaned the DR-C240's rollers"))
        .expect("the resolution notice arrives");
    assert!(bracketed_ids(notice.header("references")).contains(&"first-1@clients.example".into()));

    // Nothing twice.
    let count = server.messages().len();
    desk.ok(&["notify", "send"]);
    assert_eq!(server.messages().len(), count);
}
