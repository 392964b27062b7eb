//! `tkt notify send` against a real SMTP server (Python's aiosmtpd,
//! delivering into a Maildir), plus the outbox and sendmail transports:
//! what arrives, to whom, with which threading headers, and exactly once.

use crate::common::{succeeded, Desk};
use crate::smtp::{Mail, SmtpServer};
use std::path::PathBuf;

const MAIL_CONFIG: &str = "web:\n  base_url: https://help.example.org\nmail:\n  address: helpdesk@example.org\n  name: Example Helpdesk\n";

/// The test desk with `mail:` (plus `extra` under it) committed.
fn mail_desk(extra: &str, transport: &str) -> Desk {
    let desk = Desk::new();
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!("{config}{MAIL_CONFIG}{extra}{transport}"),
    );
    desk.git(&["commit", "-qam", "configure mail"]);
    desk
}

fn smtp_transport(port: u16) -> String {
    format!("  transport:\n    kind: smtp\n    smtp: {{host: 127.0.0.1, port: {port}, security: none}}\n")
}

fn uid_of(desk: &Desk, folio: &str) -> String {
    let text = desk.read(&format!("tickets/{folio}/ticket.md"));
    text.lines()
        .find_map(|l| l.strip_prefix("uid: "))
        .unwrap()
        .trim()
        .to_string()
}

fn send(desk: &Desk) -> String {
    desk.ok(&["notify", "send"])
}

#[test]
fn smtp_acknowledgment_reply_and_resolution_arrive_threaded_without_notes_once() {
    let spool = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(spool.path());
    let desk = mail_desk("", &smtp_transport(server.port));
    let folio = desk
        .ok(&[
            "--as",
            "rita",
            "new",
            "-s",
            "Printer jammed",
            "-c",
            "technical",
            "-m",
            "Tray 2 jams.",
        ])
        .trim()
        .to_string();
    let uid = uid_of(&desk, &folio);
    // The registering clone kept the follow-up token (as the web form and
    // the mail importer do): the acknowledgment carries the link.
    let git = tkt::git::Git::open(&desk.root).unwrap();
    git.stash_follow_up_token(&uid, "tok-secret-123").unwrap();
    desk.ok(&[
        "--as",
        "ana",
        "reply",
        "1",
        "-m",
        "Replacing the roller today.",
    ]);
    desk.ok(&[
        "--as",
        "ana",
        "note",
        "1",
        "-m",
        "INTERNAL: vendor owes us one.",
    ]);
    desk.ok(&[
        "--as",
        "ana",
        "resolve",
        "1",
        "--solution",
        "Replaced the pickup roller.",
    ]);

    let out = send(&desk);
    assert!(out.contains("3 sent through smtp 127.0.0.1:"), "{out}");
    let mails = server.messages();
    assert_eq!(mails.len(), 3, "ack, reply, resolution: {mails:#?}");
    for m in &mails {
        assert!(!m.body.contains("INTERNAL"), "a note was mailed: {m:#?}");
        assert_eq!(m.rcpt(), "rita@example.org", "{m:#?}");
        assert!(m.subject().contains(&format!("[{folio}]")), "{m:#?}");
        assert_eq!(m.header("x-auto-response-suppress"), "All");
        assert!(m.header("from").contains("helpdesk@example.org"));
    }
    let ack_id = format!("<tkt.{uid}.ack@example.org>");
    let ack = mails
        .iter()
        .find(|m| m.header("message-id") == ack_id)
        .expect("the acknowledgment");
    assert_eq!(ack.header("auto-submitted"), "auto-replied");
    assert!(ack.body.contains(&folio), "{}", ack.body);
    assert!(
        ack.body
            .contains("https://help.example.org/t/tok-secret-123"),
        "{}",
        ack.body
    );
    assert_eq!(
        git.follow_up_token(&uid),
        None,
        "the token is forgotten once delivered"
    );
    let reply = mails
        .iter()
        .find(|m| m.body.contains("Replacing the roller today."))
        .expect("the reply");
    assert!(reply
        .subject()
        .starts_with(&format!("Re: [{folio}] Printer jammed")));
    assert_eq!(reply.header("auto-submitted"), "auto-generated");
    assert_eq!(reply.header("in-reply-to"), ack_id);
    assert_eq!(reply.header("references"), ack_id);
    assert!(reply
        .header("message-id")
        .starts_with(&format!("<tkt.{uid}.")));
    let resolution = mails
        .iter()
        .find(|m| m.subject().contains("Resolved"))
        .expect("the resolution notice");
    assert!(
        resolution.body.contains("Replaced the pickup roller."),
        "{}",
        resolution.body
    );
    assert_eq!(resolution.header("in-reply-to"), ack_id);

    // A second run sends nothing again.
    let again = send(&desk);
    assert!(again.contains("0 sent"), "{again}");
    assert_eq!(server.messages().len(), 3);
    let status = desk.ok(&["notify", "status"]);
    assert!(
        status.contains("Pending: 0") && status.contains("Delivered so far: 3"),
        "{status}"
    );
}

#[test]
fn smtp_digest_escalation_and_operators_never_told_of_their_own_action() {
    let spool = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(spool.path());
    let notify = "  notify:\n    new_tickets:\n    - to: responsible\n      every: immediately\n    - to: [cai]\n      every: 1h\n";
    let desk = mail_desk(notify, &smtp_transport(server.port));
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!("{config}escalation:\n  contact: cai\n"),
    );
    desk.git(&["commit", "-qam", "escalation contact"]);
    let at = |t: &str| format!("2026-03-02T{t}:00Z");
    for (time, subject) in [
        ("09:00", "Scanner A"),
        ("09:05", "Scanner B"),
        ("09:10", "Scanner C"),
    ] {
        desk.cmd()
            .env("TKT_NOW", at(time))
            .args([
                "--as",
                "ana",
                "new",
                "-s",
                subject,
                "-c",
                "technical",
                "-m",
                "x",
            ])
            .assert()
            .success();
    }
    desk.cmd()
        .env("TKT_NOW", at("09:20"))
        .args([
            "--as",
            "ben",
            "escalate",
            "2",
            "--reason",
            "Board meeting at noon.",
        ])
        .assert()
        .success();
    let run = |time: &str| {
        succeeded(
            desk.cmd()
                .env("TKT_NOW", at(time))
                .args(["notify", "send"])
                .output()
                .unwrap(),
        )
    };
    run("09:30");
    let mails = server.messages();
    // Responsible people (ana, ben) at once, except ana who registered them.
    let to_ben: Vec<&Mail> = mails.iter().filter(|m| m.rcpt().contains("ben@")).collect();
    assert_eq!(to_ben.len(), 3, "{mails:#?}");
    assert!(to_ben.iter().all(|m| m.subject().contains("New ticket")));
    assert!(
        !mails.iter().any(|m| m.rcpt().contains("ana@")),
        "ana acted herself"
    );
    // The escalation goes to the contact; no digest for cai yet (1h not passed).
    let to_cai: Vec<&Mail> = mails.iter().filter(|m| m.rcpt().contains("cai@")).collect();
    assert_eq!(to_cai.len(), 1, "{to_cai:#?}");
    assert!(to_cai[0]
        .subject()
        .contains("[TKT002] Escalated: Scanner B"));
    assert!(to_cai[0].body.contains("Board meeting at noon."));
    assert!(to_cai[0].body.contains("Ben Okafor"));
    let status = desk.ok(&["notify", "status"]);
    assert!(
        status.contains("Digest for cai: 3 new ticket(s) waiting"),
        "{status}"
    );

    // After the hour: one digest listing all three.
    let out = run("10:05");
    assert!(out.contains("digest"), "{out}");
    let digests: Vec<Mail> = server
        .messages()
        .into_iter()
        .filter(|m| m.rcpt().contains("cai@") && m.subject().contains("new tickets"))
        .collect();
    assert_eq!(digests.len(), 1, "{digests:#?}");
    for subject in ["Scanner A", "Scanner B", "Scanner C"] {
        assert!(digests[0].body.contains(subject), "{}", digests[0].body);
    }
    run("12:00");
    assert_eq!(server.messages().len(), 5, "nothing more after the digest");
}

#[test]
fn a_killed_send_is_finished_by_the_next_run_exactly_once() {
    let spool = tempfile::tempdir().unwrap();
    let server = SmtpServer::start(spool.path());
    let desk = mail_desk("", &smtp_transport(server.port));
    for subject in ["One", "Two", "Three"] {
        desk.ok(&[
            "--as",
            "rita",
            "new",
            "-s",
            subject,
            "-c",
            "technical",
            "-m",
            "x",
        ]);
    }
    let killed = desk
        .cmd()
        .env("TKT_CRASH_AT", "notify-logged")
        .args(["notify", "send"])
        .output()
        .unwrap();
    assert!(!killed.status.success(), "the crash point fired");
    assert_eq!(server.messages().len(), 1, "one delivered before the crash");
    let out = send(&desk);
    assert!(out.contains("2 sent"), "{out}");
    let mails = server.messages();
    assert_eq!(mails.len(), 3);
    let mut ids: Vec<&str> = mails.iter().map(|m| m.header("message-id")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "no mail twice: {ids:?}");
    assert!(send(&desk).contains("0 sent"));
}

#[test]
fn configuring_mail_never_mails_the_past_and_since_reaches_back() {
    let desk = Desk::new();
    desk.ok(&[
        "--as",
        "rita",
        "new",
        "-s",
        "Old",
        "-c",
        "technical",
        "-m",
        "x",
    ]);
    let config = desk.read("helpdesk.yaml");
    desk.write("helpdesk.yaml", &format!("{config}{MAIL_CONFIG}"));
    desk.git(&["commit", "-qam", "configure mail"]);
    let out = desk.cmd().args(["notify", "send"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("which configured `mail:`"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 sent"));
    let dry = desk.ok(&["notify", "send", "--dry-run", "--since", "HEAD~2"]);
    assert!(
        dry.contains("would send ack → rita@example.org: [TKT001] Old"),
        "{dry}"
    );
    assert!(
        !desk.root.join(".git/tkt/mail/outbox").exists(),
        "a dry run writes nothing"
    );
}

#[test]
fn outbox_files_and_sendmail_command() {
    // Outbox (the default): one .eml per mail, named by its id.
    let desk = mail_desk("", "");
    desk.ok(&[
        "--as",
        "rita",
        "new",
        "-s",
        "Laptop slow",
        "-c",
        "technical",
        "-m",
        "x",
    ]);
    send(&desk);
    let outbox = desk.root.join(".git/tkt/mail/outbox");
    let files: Vec<PathBuf> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].to_str().unwrap().ends_with(".ack.eml"));
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Subject: [TKT001] Laptop slow"), "{eml}");
    assert!(eml.contains("https://help.example.org/mine"), "{eml}");

    // sendmail: a stand-in script that keeps its arguments and the message.
    let script = desk.tmp.path().join("fake-sendmail");
    let caught = desk.tmp.path().join("caught");
    std::fs::create_dir(&caught).unwrap();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nn=$(ls {dir} | wc -l)\necho \"$@\" > {dir}/$n.args\ncat > {dir}/$n.eml\n",
            dir = caught.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let desk = mail_desk(
        "",
        &format!(
            "  transport:\n    kind: sendmail\n    sendmail: {{command: {}}}\n",
            script.display()
        ),
    );
    desk.ok(&[
        "--as",
        "rita",
        "new",
        "-s",
        "Mouse broken",
        "-c",
        "technical",
        "-m",
        "x",
    ]);
    send(&desk);
    let args = std::fs::read_to_string(caught.join("0.args")).unwrap();
    assert_eq!(
        args.trim(),
        "-i -f helpdesk@example.org -- rita@example.org"
    );
    let eml = std::fs::read_to_string(caught.join("0.eml")).unwrap();
    assert!(eml.contains("Subject: [TKT001] Mouse broken"), "{eml}");
}

#[test]
fn a_failed_delivery_stays_queued_and_exits_non_zero() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Nothing listens on `port` any more.
    let desk = mail_desk("", &smtp_transport(port));
    desk.ok(&[
        "--as",
        "rita",
        "new",
        "-s",
        "Desk lamp",
        "-c",
        "technical",
        "-m",
        "x",
    ]);
    let stderr = desk.fails(&["notify", "send"], 1);
    assert!(
        stderr.contains("not delivered") && stderr.contains("did not take mail"),
        "{stderr}"
    );
    let status = desk.ok(&["notify", "status"]);
    assert!(status.contains("Pending: 1"), "{status}");
}

#[test]
fn bad_mail_settings_are_named() {
    let desk = Desk::new();
    let stderr = desk.fails(&["notify", "send"], 1);
    assert!(
        stderr.contains("`mail:` is not set in helpdesk.yaml"),
        "{stderr}"
    );
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!("{config}mail:\n  address: helpdesk@example.org\n  transport:\n    kind: smtp\n    smtp: {{host: mail.example.org, password: hunter2}}\n"),
    );
    let stderr = desk.fails(&["notify", "send"], 1);
    assert!(stderr.contains("password"), "{stderr}");
    desk.write(
        "helpdesk.yaml",
        &format!("{config}mail:\n  address: helpdesk@example.org\n  notify:\n    new_tickets:\n    - to: [nobody]\n"),
    );
    let stderr = desk.fails(&["notify", "send"], 1);
    assert!(stderr.contains("`nobody` is no person"), "{stderr}");
}

#[test]
fn refused_mail_is_answered_once_and_the_automatic_limit_holds_a_loop() {
    let desk = mail_desk("", "");
    let git = tkt::git::Git::open(&desk.root).unwrap();
    for n in 0..4 {
        git.record_refused_mail(&tkt::mail::RefusedMail {
            message_id: format!("loop{n}@bot.example.com"),
            to: "bot@example.com".into(),
            subject: "Out of office\r\nBcc: all@example.com".into(),
            reason: "Only registered people may open tickets by mail.".into(),
            date: format!("2026-03-02T09:0{n}:00Z").parse().unwrap(),
        })
        .unwrap();
    }
    let out = send(&desk);
    assert!(
        out.contains("3 sent") && out.contains("1 held back"),
        "{out}"
    );
    assert!(
        git.refused_mails().unwrap().is_empty(),
        "each answered (or held) once"
    );
    let outbox = desk.root.join(".git/tkt/mail/outbox");
    let emls: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(emls.len(), 3);
    for eml in &emls {
        let head = eml.split("\r\n\r\n").next().unwrap();
        assert!(head.contains("Auto-Submitted: auto-replied"), "{head}");
        assert!(head.contains("In-Reply-To: <loop"), "{head}");
        assert!(!head.to_ascii_lowercase().contains("\r\nbcc:"), "{head}");
    }
    assert!(send(&desk).contains("0 sent"));
}

#[test]
fn unanswered_and_sla_reminders_reach_the_assignee_once() {
    let desk = mail_desk(
        "  notify:\n    unanswered: {after: 4h}\n    sla: true\n",
        "",
    );
    let at = |t: &str| format!("2026-03-{t}:00Z");
    let run = |time: &str| {
        succeeded(
            desk.cmd()
                .env("TKT_NOW", at(time))
                .args(["notify", "send"])
                .output()
                .unwrap(),
        )
    };
    desk.cmd()
        .env("TKT_NOW", at("02T09:00"))
        .args([
            "--as",
            "rita",
            "new",
            "-s",
            "VPN down",
            "-c",
            "technical",
            "-m",
            "x",
        ])
        .assert()
        .success();
    let assignee = desk
        .read("tickets/TKT001/ticket.md")
        .lines()
        .find_map(|l| l.strip_prefix("assignee: "))
        .unwrap()
        .to_string();
    let out = run("02T09:00");
    assert!(out.contains("1 sent"), "only the acknowledgment: {out}");
    let out = run("02T14:00");
    assert!(
        out.contains(&format!(
            "sent unanswered → {assignee}@example.org: [TKT001] Unanswered: VPN down"
        )),
        "{out}"
    );
    let out = run("03T10:00");
    assert!(
        out.contains("sent sla →") && out.contains("SLA breached"),
        "{out}"
    );
    assert!(
        out.contains("1 sent"),
        "the unanswered reminder is not repeated: {out}"
    );
    assert!(run("03T11:00").contains("0 sent"));
}

#[test]
fn actions_synced_in_from_another_clone_are_notified() {
    let desk = mail_desk("", "");
    assert!(send(&desk).contains("0 sent"));
    let remote = desk.publish();
    let other = desk.clone_as(&remote, "other", "Ben Okafor", "ben@example.org");
    let in_other = |args: &[&str]| {
        desk.cmd().current_dir(&other).args(args).assert().success();
    };
    in_other(&[
        "--as",
        "rita",
        "new",
        "-s",
        "From afar",
        "-c",
        "technical",
        "-m",
        "x",
    ]);
    in_other(&["--as", "ben", "sync"]);
    desk.ok(&["sync"]);
    let out = send(&desk);
    assert!(
        out.contains("sent ack → rita@example.org: [TKT001] From afar"),
        "{out}"
    );
}

#[test]
fn a_second_run_while_one_is_busy_does_nothing_and_says_so() {
    let desk = mail_desk("", "");
    desk.ok(&[
        "--as",
        "rita",
        "new",
        "-s",
        "Busy",
        "-c",
        "technical",
        "-m",
        "x",
    ]);
    let git = tkt::git::Git::open(&desk.root).unwrap();
    let held = git.notify_lock().unwrap();
    let stderr = desk.fails(&["notify", "send"], 1);
    assert!(
        stderr.contains("another `tkt notify send` is running"),
        "{stderr}"
    );
    drop(held);
    assert!(send(&desk).contains("1 sent"));
}
