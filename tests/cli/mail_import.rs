//! `tkt mail import`: mail from tests/mail/corpus and mail made here
//! becomes tickets, replies and notes, one commit each (`Via: email`).

use super::common::Desk;
use std::path::{Path, PathBuf};

const MAIL: &str = "mail:\n  address: help@helpdesk.example\n";

/// The test desk with `mail:` (and `extra` lines under it) set.
fn mail_desk(import: &str) -> Desk {
    let desk = Desk::new();
    let config = format!("{}{MAIL}{import}", desk.read("helpdesk.yaml"));
    desk.write("helpdesk.yaml", &config);
    desk.git(&["commit", "-qam", "mail settings"]);
    desk
}

/// Anyone may register by mail.
fn open_desk() -> Desk {
    mail_desk("  import:\n    registration: {open_to: anyone}\n")
}

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/mail/corpus")
        .join(name)
}

fn corpus_text(name: &str) -> String {
    String::from_utf8_lossy(&std::fs::read(corpus(name)).unwrap()).into_owned()
}

/// Writes `raw` as a file in the desk's temporary folder; its path.
fn mail_file(desk: &Desk, name: &str, raw: &str) -> String {
    let path = desk.tmp.path().join(name);
    std::fs::write(&path, raw.replace('\n', "\r\n")).unwrap();
    path.to_str().unwrap().to_string()
}

/// A plain mail.
fn mail(from: &str, id: &str, subject: &str, headers: &str, body: &str) -> String {
    format!(
        "From: {from}\nTo: help@helpdesk.example\nSubject: {subject}\nMessage-ID: <{id}>\nDate: Mon, 16 Mar 2026 09:00:00 +0000\n{headers}Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

fn import(desk: &Desk, sources: &[&str]) -> String {
    let mut args = vec!["mail", "import"];
    args.extend_from_slice(sources);
    desk.ok(&args)
}

fn commits(desk: &Desk) -> usize {
    desk.git(&["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap()
}

fn ticket(desk: &Desk, folio: &str) -> String {
    desk.read(&format!("tickets/{folio}/ticket.md"))
}

/// The timeline entries of a ticket, oldest first.
fn entries(desk: &Desk, folio: &str) -> Vec<String> {
    let dir = desk.root.join(format!("tickets/{folio}/replies"));
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn attachments(desk: &Desk, folio: &str) -> Vec<String> {
    let dir = desk.root.join(format!("tickets/{folio}/attachments"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn real_world_mail_becomes_tickets_with_subject_text_and_files() {
    let desk = open_desk();
    let before = commits(&desk);
    let names = [
        "gmail-new.eml",
        "outlook-reply.eml",
        "apple-mail-inline-image.eml",
        "html-only.eml",
        "windows-1252.eml",
        "forwarded.eml",
    ];
    let paths: Vec<String> = names
        .iter()
        .map(|n| corpus(n).to_str().unwrap().to_string())
        .collect();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let out = import(&desk, &refs);
    assert!(
        out.contains("TKT001 created from <CAGx8Ym3Q+vPz1bNn2yQ@mail.gmail.com>"),
        "{out}"
    );
    assert!(out.contains("6 mails: 6 new,"), "{out}");
    assert_eq!(commits(&desk), before + 6, "one commit per mail");
    let last = desk.git(&["log", "-1", "--format=%B"]);
    assert!(last.contains("Via: email"), "{last}");

    let gmail = ticket(&desk, "TKT001");
    assert!(
        gmail.contains("subject: VPN does not connect — équipe de Montréal"),
        "{gmail}"
    );
    assert!(
        gmail.contains("message_id: CAGx8Ym3Q+vPz1bNn2yQ@mail.gmail.com"),
        "{gmail}"
    );
    // An Outlook reply to a ticket this tracker does not have: a new
    // ticket, its subject without `RE:` and the token.
    let outlook = ticket(&desk, "TKT002");
    assert!(
        outlook.contains("subject: Printer on floor 3 jams"),
        "{outlook}"
    );
    assert!(
        outlook.contains("It happens on every second page"),
        "{outlook}"
    );
    let apple = ticket(&desk, "TKT003");
    assert!(apple.contains("subject: Screen flickers"), "{apple}");
    assert_eq!(attachments(&desk, "TKT003"), ["image-1.png"]);
    assert!(
        apple.contains("see the photo:\n\n[image: image-1.png]"),
        "{apple}"
    );
    let html = ticket(&desk, "TKT004");
    assert!(html.contains("Invoice address & VAT number"), "{html}");
    assert!(!html.contains("<p>") && !html.contains("<div"), "{html}");
    let cp1252 = ticket(&desk, "TKT005");
    assert!(cp1252.contains("Problème d’accès – cafétéria"), "{cp1252}");
    assert_eq!(attachments(&desk, "TKT006"), ["Licence renewal due.eml"]);
    // The senders became requesters, added in their ticket's commit.
    let config = desk.read("helpdesk.yaml");
    assert!(
        config.contains("juergen.mueller@contoso.example"),
        "{config}"
    );
    let show = desk.git(&["show", "--stat", "--format=", "HEAD~5"]);
    assert!(show.contains("helpdesk.yaml"), "{show}");
}

#[test]
fn importing_the_same_mail_again_creates_nothing() {
    let desk = open_desk();
    let gmail = corpus_text("gmail-new.eml");
    let html = corpus_text("html-only.eml");
    let mbox = format!(
        "From someone@example.org Mon Mar 16 09:00:00 2026\n{}\nFrom other@example.org Mon Mar 16 09:01:00 2026\n{}\n",
        gmail.replace("\r\n", "\n"),
        html.replace("\r\n", "\n")
    );
    let mbox = mail_file(&desk, "archive.mbox", &mbox);
    let maildir = desk.tmp.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    std::fs::copy(corpus("gmail-new.eml"), maildir.join("new/1.host")).unwrap();
    std::fs::copy(corpus("windows-1252.eml"), maildir.join("cur/2.host:2,S")).unwrap();
    let maildir = maildir.to_str().unwrap().to_string();

    let out = import(&desk, &[&mbox]);
    assert!(out.contains("2 mails: 2 new"), "{out}");
    let after_first = commits(&desk);
    let out = import(
        &desk,
        &[&mbox, &maildir, corpus("gmail-new.eml").to_str().unwrap()],
    );
    assert!(
        out.contains("skipped <CAGx8Ym3Q+vPz1bNn2yQ@mail.gmail.com>: already imported"),
        "{out}"
    );
    assert!(
        out.contains("5 mails: 1 new, 0 added to tickets, 4 skipped"),
        "{out}"
    );
    assert_eq!(
        commits(&desk),
        after_first + 1,
        "only the windows-1252 mail was new"
    );
    let again = import(&desk, &[&mbox, &maildir]);
    assert!(
        again.contains("4 mails: 0 new, 0 added to tickets, 4 skipped"),
        "{again}"
    );
    assert_eq!(commits(&desk), after_first + 1);
    // A fresh index (the cache file gone) finds the same.
    std::fs::remove_file(desk.root.join(".git/tkt/mail/index.json")).unwrap();
    let fresh = import(&desk, &[&mbox]);
    assert!(fresh.contains("2 skipped"), "{fresh}");
}

/// The uid of a ticket, from its file.
fn uid(desk: &Desk, folio: &str) -> String {
    let text = ticket(desk, folio);
    text.lines()
        .find_map(|l| l.strip_prefix("uid: "))
        .unwrap()
        .to_string()
}

#[test]
fn replies_thread_by_their_headers_and_the_requester_moves_the_status() {
    let desk = open_desk();
    let first = mail(
        "Rita Ruiz <rita@example.org>",
        "rita-1@mail.example",
        "Scanner jams",
        "",
        "The scanner jams on A3.",
    );
    import(&desk, &[&mail_file(&desk, "1.eml", &first)]);
    assert!(ticket(&desk, "TKT001").contains("requester: rita"));
    desk.ok(&["status", "TKT001", "waiting-on-requester"]);

    // Rita answers her own mail's thread (In-Reply-To the imported id).
    let reply = mail(
        "Rita Ruiz <rita@example.org>",
        "rita-2@mail.example",
        "Re: Scanner jams",
        "In-Reply-To: <rita-1@mail.example>\nReferences: <rita-1@mail.example>\n",
        "It still jams after the update.\n\nOn Mon, 16 Mar 2026 at 09:00, Rita wrote:\n> The scanner jams on A3.",
    );
    let out = import(&desk, &[&mail_file(&desk, "2.eml", &reply)]);
    assert!(out.contains("TKT001 reply from rita@example.org"), "{out}");
    let t = ticket(&desk, "TKT001");
    assert!(t.contains("status: in-progress"), "{t}");
    let timeline = entries(&desk, "TKT001");
    let last = timeline.last().unwrap();
    assert!(
        last.contains("kind: reply") && last.contains("author: rita"),
        "{last}"
    );
    assert!(last.contains("It still jams after the update."), "{last}");
    assert!(
        !last.contains("> The scanner jams"),
        "quoted history trimmed: {last}"
    );
    assert!(last.contains("quoted-history.txt"), "{last}");
    assert!(attachments(&desk, "TKT001").contains(&"quoted-history.txt".to_string()));
    let commit = desk.git(&["log", "-1", "--format=%an%n%B"]);
    assert!(commit.starts_with("Rita Ruiz"), "{commit}");
    assert!(commit.contains("Via: email"), "{commit}");

    // A reply to one of OUR ids (an acknowledgment tkt sent) threads too.
    let ours = format!("tkt.{}.ack@helpdesk.example", uid(&desk, "TKT001"));
    let to_ours = mail(
        "Ben Okafor <ben@example.org>",
        "ben-1@mail.example",
        "Re: your ticket",
        &format!("In-Reply-To: <{ours}>\n"),
        "Swapped the roller.",
    );
    let out = import(&desk, &[&mail_file(&desk, "3.eml", &to_ours)]);
    assert!(out.contains("TKT001 reply from ben@example.org"), "{out}");
    assert!(entries(&desk, "TKT001")
        .last()
        .unwrap()
        .contains("author: ben"));
    // Our own mail coming back is never imported.
    let looped = mail(
        "help@helpdesk.example",
        &ours,
        "Re: [TKT001] Scanner jams",
        "",
        "loop",
    );
    let out = import(&desk, &[&mail_file(&desk, "4.eml", &looped)]);
    assert!(out.contains(": our own mail"), "{out}");
}

#[test]
fn a_subject_token_counts_only_from_people_on_the_ticket() {
    let desk = open_desk();
    let first = mail(
        "Rita Ruiz <rita@example.org>",
        "r1@mail.example",
        "Laptop battery",
        "Cc: Boss <Boss@Example.org>, help@helpdesk.example\n",
        "It drains overnight.",
    );
    import(&desk, &[&mail_file(&desk, "1.eml", &first)]);
    let t = ticket(&desk, "TKT001");
    assert!(t.contains("cc:\n  - boss@example.org\n"), "{t}");
    assert!(!t.contains("help@helpdesk.example"), "{t}");

    let token = |from: &str, id: &str| {
        let raw = mail(
            from,
            id,
            "Re: [TKT001] Laptop battery",
            "",
            "More about it.",
        );
        import(&desk, &[&mail_file(&desk, &format!("{id}.eml"), &raw)])
    };
    assert!(token("Rita Ruiz <rita@example.org>", "r2@m").contains("TKT001 reply from rita"));
    assert!(token("Cai Wen <cai@example.org>", "c1@m").contains("TKT001 reply from cai"));
    // Someone on the copy list: a note for the team to review.
    let out = token("Boss <boss@example.org>", "b1@m");
    assert!(
        out.contains("TKT001 note for review: mail from boss@example.org"),
        "{out}"
    );
    let note = entries(&desk, "TKT001").pop().unwrap();
    assert!(
        note.contains("kind: note") && note.contains("review: true"),
        "{note}"
    );
    assert!(
        note.contains("author: ana"),
        "the clone's actor writes it: {note}"
    );
    assert!(note.contains("Mail from Boss <boss@example.org>"), "{note}");
    // A stranger's token is not trusted: a ticket of their own.
    let out = token("Mallory <mallory@evil.example>", "m1@m");
    assert!(out.contains("TKT002 created"), "{out}");
    assert_eq!(entries(&desk, "TKT001").len(), 3);

    // Once resolved: staff mail is their note and leaves it resolved; the
    // requester's reopens it.
    desk.ok(&["resolve", "TKT001", "--solution", "New battery."]);
    let out = token("Cai Wen <cai@example.org>", "c2@m");
    assert!(
        out.contains("TKT001 note from cai@example.org (the ticket is finished)"),
        "{out}"
    );
    assert!(ticket(&desk, "TKT001").contains("status: resolved"));
    let out = token("Rita Ruiz <rita@example.org>", "r3@m");
    assert!(out.contains("TKT001 reply from rita"), "{out}");
    assert!(ticket(&desk, "TKT001").contains("status: in-progress"));
}

#[test]
fn a_tracker_without_mail_settings_says_what_to_add() {
    let desk = Desk::new();
    let err = desk.fails(&["mail", "import", "-"], 1);
    assert!(err.contains("add a `mail:` section"), "{err}");
}

#[test]
fn a_stranger_on_a_thread_writes_a_note_for_review() {
    let desk = open_desk();
    let first = mail("Rita <rita@example.org>", "r1@m", "VPN", "", "Down.");
    import(&desk, &[&mail_file(&desk, "1.eml", &first)]);
    let other = mail(
        "Sam <sam@elsewhere.example>",
        "s1@m",
        "Re: VPN",
        "In-Reply-To: <r1@m>\n",
        "Me too!",
    );
    let out = import(&desk, &[&mail_file(&desk, "2.eml", &other)]);
    assert!(
        out.contains("TKT001 note for review: mail from sam@elsewhere.example"),
        "{out}"
    );
    assert!(!desk.read("helpdesk.yaml").contains("sam@elsewhere"));
}

#[test]
fn machine_mail_is_recorded_and_never_refused() {
    let desk = mail_desk("");
    // Registration is for known people only; an out-of-office reply from
    // a stranger to a ticket we do not have is skipped without a refusal.
    let out = import(&desk, &[corpus("auto-reply.eml").to_str().unwrap()]);
    assert!(
        out.contains("skipped <auto-1234@example.com>: an automatic reply"),
        "{out}"
    );
    assert!(!desk.root.join(".git/tkt/mail/refused").exists());
    // A list mail from a stranger: refused, but not answered.
    let out = import(&desk, &[corpus("list-mail.eml").to_str().unwrap()]);
    assert!(out.contains("refused "), "{out}");
    assert!(!out.contains("notify send"), "{out}");
    assert!(!desk.root.join(".git/tkt/mail/refused").exists());

    // An auto-reply on a known thread: a note recording it.
    let first = mail("Rita <rita@example.org>", "r1@m", "Printer", "", "Broken.");
    import(&desk, &[&mail_file(&desk, "1.eml", &first)]);
    let auto = mail(
        "Rita <rita@example.org>",
        "ooo@m",
        "Automatic reply: Printer",
        "In-Reply-To: <r1@m>\nAuto-Submitted: auto-replied\n",
        "I am out of the office.",
    );
    let out = import(&desk, &[&mail_file(&desk, "2.eml", &auto)]);
    assert!(
        out.contains("TKT001 note: machine mail from rita@example.org"),
        "{out}"
    );
    let note = entries(&desk, "TKT001").pop().unwrap();
    assert!(note.contains("kind: note"), "{note}");
    assert!(
        note.contains("automatic: 'Auto-Submitted: auto-replied'"),
        "{note}"
    );
    assert!(ticket(&desk, "TKT001").contains("status: open"));
}

#[test]
fn a_bounce_becomes_a_note_on_the_ticket_whose_mail_bounced() {
    let desk = open_desk();
    let first = mail("Rita <rita@example.org>", "r1@m", "Printer", "", "Broken.");
    import(&desk, &[&mail_file(&desk, "1.eml", &first)]);
    let ours = format!("tkt.{}.ack@helpdesk.example", uid(&desk, "TKT001"));
    let bounce = corpus_text("bounce.eml");
    let original = bounce
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        .nth(1)
        .expect("the returned headers have a Message-ID")
        .split_once(':')
        .unwrap()
        .1
        .trim()
        .trim_matches(['<', '>'])
        .to_string();
    // A bounce of mail we never sent: skipped, never a ticket.
    let before = commits(&desk);
    let out = import(&desk, &[corpus("bounce.eml").to_str().unwrap()]);
    assert!(
        out.contains("a bounce of no mail of this helpdesk"),
        "{out}"
    );
    assert_eq!(commits(&desk), before);
    let about_ours = bounce.replace(&original, &ours);
    let out = import(&desk, &[&mail_file(&desk, "b.eml", &about_ours)]);
    assert!(
        out.contains("TKT001 note: bounce from MAILER-DAEMON@mx.helpdesk.example"),
        "{out}"
    );
    let note = entries(&desk, "TKT001").pop().unwrap();
    assert!(note.contains("kind: note"), "{note}");
    assert!(
        note.contains("could not be delivered to nobody@gone.example"),
        "{note}"
    );
    assert!(note.contains("automatic:"), "{note}");
}

#[test]
fn rules_route_new_tickets_and_drop_mail() {
    let desk = mail_desk(
        "  import:
    category: case-support
    registration: {open_to: domains, domains: [scanvendor.example, example.org]}
    rules:
      - name: scanner vendor
        match: { from: \"@scanvendor.example\", subject: { regex: \"(?i)toner|jam\" } }
        set: { category: technical, priority: high, tags: [scanner, Vendor], assignee: cai,
               fields: { device: scanner } }
      - name: newsletters
        match: { subject: newsletter }
        drop: true
",
    );
    let vendor = mail(
        "Vendor <support@scanvendor.example>",
        "v1@m",
        "Paper JAM on unit 4",
        "",
        "Please check.",
    );
    let news = mail(
        "News <news@example.org>",
        "n1@m",
        "Our Newsletter",
        "",
        "Hi",
    );
    let out = import(
        &desk,
        &[
            &mail_file(&desk, "v.eml", &vendor),
            &mail_file(&desk, "n.eml", &news),
        ],
    );
    assert!(out.contains("TKT001 created"), "{out}");
    assert!(out.contains("dropped by rule \"newsletters\""), "{out}");
    let t = ticket(&desk, "TKT001");
    for line in [
        "category: technical",
        "priority: high",
        "assignee: cai",
        "- scanner",
        "- vendor",
        "device: scanner",
    ] {
        assert!(t.contains(line), "{line}: {t}");
    }
    // No rule: the import category (whose form requires a case number, so
    // the mail fails with the reason and nothing is committed).
    let plain = mail("Kim <kim@example.org>", "k1@m", "Question", "", "Hello");
    let before = commits(&desk);
    let out = desk.run(&["mail", "import", &mail_file(&desk, "k.eml", &plain)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("k.eml: the case-support form is not valid"),
        "{stderr}"
    );
    assert!(stderr.contains("case_number"), "{stderr}");
    assert_eq!(commits(&desk), before);
}

#[test]
fn bad_rules_are_reported_at_their_line() {
    let desk = mail_desk(
        "  import:\n    rules:\n      - name: broken\n        match: {subject: {regex: \"(unclosed\"}}\n        drop: true\n",
    );
    let err = desk.fails(&["mail", "import", "-"], 1);
    assert!(err.contains("helpdesk.yaml"), "{err}");
    assert!(err.contains("not a valid regex"), "{err}");
    let desk = mail_desk("  import:\n    colour: red\n");
    let err = desk.fails(&["mail", "import", "-"], 1);
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn unknown_senders_are_refused_with_a_record_or_admitted() {
    let desk =
        mail_desk("  import:\n    registration: {open_to: domains, domains: [example.org]}\n");
    let before = commits(&desk);
    let outsider = mail("Sam <sam@outside.example>", "s1@m", "Help", "", "Please.");
    let out = import(&desk, &[&mail_file(&desk, "s.eml", &outsider)]);
    assert!(
        out.contains("refused sam@outside.example: this helpdesk takes tickets from addresses at example.org (to be answered by `tkt notify send`)"),
        "{out}"
    );
    assert_eq!(commits(&desk), before, "nothing committed");
    let refused: Vec<_> = std::fs::read_dir(desk.root.join(".git/tkt/mail/refused"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(refused.len(), 1);
    assert!(
        refused[0].contains("\"to\": \"sam@outside.example\""),
        "{}",
        refused[0]
    );
    assert!(
        refused[0].contains("\"message_id\": \"s1@m\""),
        "{}",
        refused[0]
    );

    let insider = mail(
        "\"Kim <Lee>\" <kim@example.org>",
        "k1@m",
        "Help",
        "",
        "Please.",
    );
    let out = import(&desk, &[&mail_file(&desk, "k.eml", &insider)]);
    assert!(out.contains("TKT001 created"), "{out}");
    let config = desk.read("helpdesk.yaml");
    assert!(
        config.contains("key: kim") && config.contains("role: requester"),
        "{config}"
    );
    assert!(ticket(&desk, "TKT001").contains("requester: kim"));
    // The follow-up token waits for the acknowledgment.
    let links = std::fs::read_dir(desk.root.join(".git/tkt/mail/links")).unwrap();
    assert_eq!(links.count(), 1);

    let quiet = mail_desk("  import:\n    registration: {open_to: people}\n    refused: ignore\n");
    let out = import(&quiet, &[&mail_file(&quiet, "s.eml", &outsider)]);
    assert!(out.contains("refused sam@outside.example"), "{out}");
    assert!(!quiet.root.join(".git/tkt/mail/refused").exists());
}

#[test]
fn an_attachment_over_the_limit_is_left_out_and_said_so() {
    let desk = open_desk();
    // 30 MiB, over the default 10 MiB attachments.max_size.
    let big = "QUFB".repeat((30 << 20) / 3);
    let lines: Vec<&str> = big
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let raw = format!(
        "From: Rita <rita@example.org>\nTo: help@helpdesk.example\nSubject: Logs\nMessage-ID: <big@m>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThe logs are attached.\n--b\nContent-Type: text/plain; name=\"small.txt\"\nContent-Disposition: attachment; filename=\"small.txt\"\n\nsmall\n--b\nContent-Type: application/octet-stream; name=\"huge.bin\"\nContent-Disposition: attachment; filename=\"huge.bin\"\nContent-Transfer-Encoding: base64\n\n{}\n--b--\n",
        lines.join("\n")
    );
    let out = import(&desk, &[&mail_file(&desk, "big.eml", &raw)]);
    assert!(out.contains("TKT001 created"), "{out}");
    assert!(
        out.contains("not attached: huge.bin (30.0 MiB) is over the 10MiB limit"),
        "{out}"
    );
    assert_eq!(attachments(&desk, "TKT001"), ["small.txt"]);
    let t = ticket(&desk, "TKT001");
    assert!(t.contains("The logs are attached."), "{t}");
    assert!(
        t.contains("huge.bin (30.0 MiB) is over the 10MiB limit"),
        "{t}"
    );
}

#[test]
fn a_broken_mail_is_reported_and_the_rest_of_the_mbox_imported() {
    let desk = open_desk();
    let good1 = mail("Rita <rita@example.org>", "g1@m", "One", "", "First.");
    let good2 = mail("Rita <rita@example.org>", "g2@m", "Two", "", "Second.");
    let mbox = format!(
        "From a@b Mon Mar 16 09:00:00 2026\n{good1}\nFrom a@b Mon Mar 16 09:00:00 2026\nthis is not a mail at all\n\nFrom a@b Mon Mar 16 09:00:00 2026\n{good2}\n"
    );
    let path = mail_file(&desk, "box.mbox", &mbox);
    let out = desk.run(&["mail", "import", &path]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{path}:2: cannot read mail: no mail headers found"
        )),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "3 mails: 2 new, 0 added to tickets, 0 skipped, 0 dropped, 0 refused, 1 failed"
        ),
        "{stdout}"
    );
    assert!(ticket(&desk, "TKT002").contains("subject: Two"));
}

#[test]
fn one_mail_on_standard_input() {
    let desk = open_desk();
    let raw = mail(
        "Rita <rita@example.org>",
        "in@m",
        "Piped",
        "",
        "From the MTA.",
    );
    let out = desk
        .cmd()
        .args(["mail", "import", "-"])
        .write_stdin(raw)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("TKT001 created from <in@m>"));
    assert!(ticket(&desk, "TKT001").contains("From the MTA."));
}

#[test]
fn watch_imports_each_mail_delivered_into_new() {
    let desk = open_desk();
    let maildir = desk.tmp.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let mut child = desk
        .std_cmd()
        .args(["mail", "import", "--watch", maildir.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it watches (its first line), then deliver as an MTA does:
    // write into tmp/, rename into new/.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(line.starts_with("Watching"), "{line}");
    let raw = mail(
        "Rita <rita@example.org>",
        "w1@m",
        "Watched",
        "",
        "Delivered.",
    );
    std::fs::write(maildir.join("tmp/1.host"), raw).unwrap();
    std::fs::rename(maildir.join("tmp/1.host"), maildir.join("new/1.host")).unwrap();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    // The file moves to cur/ right after the line is printed.
    let seen = maildir.join("cur/1.host:2,S");
    for _ in 0..1500 {
        if seen.is_file() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.contains("TKT001 created from <w1@m>"), "{line}");
    assert!(ticket(&desk, "TKT001").contains("Delivered."));
    assert!(seen.is_file());
    assert!(!maildir.join("new/1.host").exists());
}
