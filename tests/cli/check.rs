use crate::common::{contains, rel, Desk};
use std::path::Path;

#[test]
fn check_reports_every_problem_with_path_and_line() {
    let desk = Desk::new();
    let a = desk.ticket("a", &[]);
    let b = desk.ticket("b", &[]);
    let c = desk.ticket("c", &[]);
    desk.ok(&["reply", &c, "-m", "hi"]);
    desk.ok(&["check"]);

    let path_a = format!("tickets/{a}/ticket.md");
    desk.write(
        &path_a,
        &desk.read(&path_a).replace("status: open", "stauts: open"),
    );
    let path_b = format!("tickets/{b}/ticket.md");
    let text_b = desk.read(&path_b);
    desk.write(
        &path_b,
        &text_b.replace(
            "priority: medium",
            "<<<<<<< HEAD\npriority: medium\n=======\npriority: high\n>>>>>>> theirs",
        ),
    );
    let entry = desk.entries(&c)[0].clone();
    let entry_text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, entry_text.replace("kind: reply", "kind: [reply")).unwrap();
    desk.write("tickets/notes.txt", "stray");
    desk.write("faq/Bad Slug.md", "---\ntitle: x\n---\nanswer\n");
    desk.write(
        "canned/thanks.md",
        "---\ntitle: Thanks\ncategories: [nope]\n---\nThanks!\n",
    );
    desk.write(
        "faq/printer.md",
        "---\ntitle: Printer\nsource: TKT999\nauthor: nobody\n---\nRestart it.\n",
    );

    let out = desk.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let entry_rel = entry
        .strip_prefix(&desk.root)
        .unwrap()
        .display()
        .to_string();
    for needle in [
        format!("{path_a}:5: unknown key `stauts`"),
        format!("{path_a}:2: missing field `status`"),
        format!("{path_b}:6: left-over git conflict marker"),
        format!("{entry_rel}:4: "),
        "tickets/notes.txt: not a ticket folder".to_string(),
        "faq/Bad Slug.md: `Bad Slug` is not a valid slug".to_string(),
        "canned/thanks.md:3: unknown category `nope`".to_string(),
        "faq/printer.md:3: source `TKT999` is not a ticket of this tracker".to_string(),
        "faq/printer.md:4: author `nobody` is not a person".to_string(),
    ] {
        contains(&stdout, &needle);
    }
    contains(
        &String::from_utf8_lossy(&out.stderr),
        "Checked 3 tickets, 1 timeline entries, 2 FAQ entries, 1 canned answers",
    );
}

#[test]
fn check_catches_semantic_problems() {
    let desk = Desk::new();
    let a = desk.ticket("a", &[]);
    let path = format!("tickets/{a}/ticket.md");
    desk.write(
        &path,
        &desk
            .read(&path)
            .replace("assignee: ana", "assignee: zed")
            .replace("category: technical", "category: hr"),
    );
    let b = desk.ticket("b", &[]);
    let uid_a = desk
        .read(&path)
        .lines()
        .find(|l| l.starts_with("uid:"))
        .unwrap()
        .to_string();
    let path_b = format!("tickets/{b}/ticket.md");
    let text_b = desk.read(&path_b);
    let uid_b = text_b.lines().find(|l| l.starts_with("uid:")).unwrap();
    desk.write(&path_b, &text_b.replace(uid_b, &uid_a));
    let out = desk.run(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    contains(&stdout, "assignee `zed` is not a person");
    contains(&stdout, "unknown category `hr`");
    contains(&stdout, "is also used by");
}

#[test]
fn the_example_repo_is_valid() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-repo");
    let out = Desk::new().run(&["check", "--dir", example.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let summary = String::from_utf8_lossy(&out.stderr);
    contains(&summary, "Checked 31 tickets");
    contains(&summary, "no problems");
}

/// The 1-based line of `text` that starts with `prefix`.
fn line_starting(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in\n{text}"))
        + 1
}

/// Runs `tkt check`, asserts it found problems (exit 1), returns stdout.
fn problems(desk: &Desk) -> String {
    let out = desk.run(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    stdout
}

/// Replaces the first `from` in a file (absolute path) with `to`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {text}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The value of the first `key: value` line of a file.
fn value_of(path: &Path, key: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let prefix = format!("{key}: ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {key} in {text}"))
        .to_string()
}

/// `path:line: ` for the line of `path` starting with `prefix`.
fn at(desk: &Desk, path: &Path, prefix: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    format!(
        "{}:{}: ",
        rel(&desk.root, path).display(),
        line_starting(&text, prefix)
    )
}

#[test]
fn check_catches_hand_edited_timeline_entries() {
    let desk = Desk::new();
    let a = desk.ticket("a", &[]);
    desk.ok(&["reply", &a, "-m", "first"]);
    desk.ok(&["reply", &a, "-m", "second"]);
    desk.ok(&["status", &a, "waiting-on-requester"]);
    desk.ok(&["note", &a, "-m", "third"]);
    let e = desk.entries(&a);
    edit(
        &e[0],
        &format!("date: {}", value_of(&e[0], "date")),
        "date: 2099-01-01T00:00:00Z",
    );
    edit(&e[1], "author: ana", "author: ben");
    edit(&e[2], "to: waiting-on-requester", "to: parked");
    // The same moment written with an offset instead of in UTC.
    let utc = value_of(&e[3], "date");
    let local = chrono::DateTime::parse_from_rfc3339(&utc)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap())
        .to_rfc3339();
    edit(&e[3], &format!("date: {utc}"), &format!("date: {local}"));
    let b = desk.ticket("b", &[]);
    desk.ok(&["reply", &b, "-m", "early"]);
    let early = desk.entries(&b)[0].clone();
    edit(
        &early,
        &format!("date: {}", value_of(&early, "date")),
        "date: 2020-01-01T00:00:00Z",
    );
    desk.git(&["commit", "-qam", "hand edits"]);

    let stdout = problems(&desk);
    for needle in [
        format!(
            "{}date 2099-01-01T00:00:00Z is in the future (now: ",
            at(&desk, &e[0], "date:")
        ),
        "up to 5 minutes ahead are allowed for clock skew".to_string(),
        format!(
            "{}date 2099-01-01T00:00:00Z differs from the time in the file name",
            at(&desk, &e[0], "date:")
        ),
        format!(
            "{}author `ben` differs from the author in the file name (`ana`)",
            at(&desk, &e[1], "author:")
        ),
        format!(
            "{}status change names unknown status `parked`; allowed: open, in-progress, waiting-on-requester, resolved, closed",
            at(&desk, &e[2], "  to: parked")
        ),
        format!(
            "{}`date` is `{local}`: timestamps are RFC 3339 in UTC with whole seconds, like 2026-03-31T09:15:00Z (here: {utc})",
            at(&desk, &e[3], "date:")
        ),
        format!(
            "{}date 2020-01-01T00:00:00Z is before the ticket was created (",
            at(&desk, &early, "date:")
        ),
    ] {
        contains(&stdout, &needle);
    }
    assert_eq!(
        stdout.lines().count(),
        7,
        "nothing else is reported:\n{stdout}"
    );
}

#[test]
fn check_catches_hand_edited_tickets_and_stray_files() {
    let desk = Desk::new();
    let a = desk.ticket("a", &[]);
    let b = desk.ticket("b", &[]);
    let path_a = desk.path(&format!("tickets/{a}/ticket.md"));
    let path_b = desk.path(&format!("tickets/{b}/ticket.md"));
    edit(&path_a, "assignee: ana", "assignee: rita");
    edit(&path_a, "subject: a", "subject: \"Scan\\nner\"");
    edit(
        &path_a,
        "created: ",
        "attachments:\n- ../../../../etc/passwd\ncreated: ",
    );
    edit(&path_b, "subject: b", "subject: \"Jam\\0\"");
    edit(
        &path_b,
        &format!("updated: {}", value_of(&path_b, "updated")),
        "updated: 2099-01-01T00:00:00Z",
    );
    let original = desk.read(&format!("tickets/{a}/ticket.md"));
    for stray in [
        "Ticket.md",
        "ticket (copy).md",
        "ticket.md.orig",
        "replies/notes.txt",
    ] {
        desk.write(&format!("tickets/{a}/{stray}"), &original);
    }
    desk.write(&format!("tickets/{a}/attachments/sub/x.txt"), "x");
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "hand edits"]);

    let stdout = problems(&desk);
    let stray = "stray file: a ticket folder holds only ticket.md, replies/ and attachments/";
    for needle in [
        format!("{}subject must be one line of text, but it contains a line break", at(&desk, &path_a, "subject:")),
        format!("{}assignee `rita` is a requester; tickets are assigned only to operators and admins", at(&desk, &path_a, "assignee:")),
        format!("{}attachment name `../../../../etc/passwd` is not a plain file name in attachments/", at(&desk, &path_a, "- ../")),
        format!("{}subject must be one line of text, but it contains a NUL character", at(&desk, &path_b, "subject:")),
        format!("{}updated 2099-01-01T00:00:00Z is in the future", at(&desk, &path_b, "updated:")),
        format!("tickets/{a}/Ticket.md: {stray}"),
        format!("tickets/{a}/ticket (copy).md: {stray}"),
        format!("tickets/{a}/ticket.md.orig: {stray}"),
        format!("tickets/{a}/replies/notes.txt: stray file: replies/ holds only timeline entries named <UTC time>-<author>-<6 letters or digits>.md"),
        format!("tickets/{a}/attachments/sub: stray folder: attachments/ holds only files"),
    ] {
        contains(&stdout, &needle);
    }
}

#[test]
fn check_reports_files_git_does_not_track() {
    let desk = Desk::new();
    let a = desk.ticket("a", &[]);
    desk.ok(&["reply", &a, "-m", "hi"]);
    desk.ok(&["check"]);
    // A timeline entry written but never committed, as an interrupted
    // change would leave it; a hand-made FAQ draft; ignored files.
    let entry = desk.entries(&a)[0].clone();
    let copy = entry.with_file_name("20260101T000000.000Z-ana-aaaaaa.md");
    std::fs::copy(&entry, &copy).unwrap();
    desk.write("faq/draft.md", "---\ntitle: Draft\n---\n\nSoon.\n");
    desk.write(".gitignore", "/_site/\n*.swp\n");
    desk.write("faq/.draft.md.swp", "editor state");
    desk.ok(&["build"]);
    desk.git(&["add", ".gitignore"]);
    desk.git(&["commit", "-qm", "ignore swap files"]);

    let stdout = problems(&desk);
    let untracked = "not committed: git does not track this file";
    contains(
        &stdout,
        &format!("{}: {untracked}", rel(&desk.root, &copy).display()),
    );
    contains(&stdout, &format!("faq/draft.md: {untracked}"));
    assert!(
        !stdout.contains(".swp") && !stdout.contains("_site"),
        "{stdout}"
    );

    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "keep them"]);
    let stdout = String::from_utf8_lossy(&desk.run(&["check"]).stdout).into_owned();
    assert!(!stdout.contains(untracked), "{stdout}");
}

#[test]
fn people_git_cannot_sign_for_are_refused_before_any_write() {
    let desk = Desk::new();
    let a = desk.ticket("a", &[]);
    for name in ["Zed <zed@evil.org>", "Zed\nSigned-off-by: Ana"] {
        let stderr = desk.fails(
            &[
                "person",
                "add",
                "zed",
                "--name",
                name,
                "--email",
                "zed@example.org",
                "--role",
                "operator",
            ],
            1,
        );
        contains(&stderr, "person `zed`");
        contains(&stderr, "git cannot sign commits with it");
    }
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &config.replace("name: Rita Ruiz", "name: \"Rita\\nRuiz\""),
    );
    desk.git(&["commit", "-qam", "hand edit"]);
    let line = line_starting(&desk.read("helpdesk.yaml"), "  name: \"Rita");
    let stdout = problems(&desk);
    contains(
        &stdout,
        &format!("helpdesk.yaml:{line}: the name of person `rita` contains a line break; git cannot sign commits with it"),
    );
    let commits = desk.commit_count();
    let stderr = desk.fails(&["reply", &a, "-m", "hello"], 1);
    contains(
        &stderr,
        &format!("helpdesk.yaml:{line}: the name of person `rita`"),
    );
    contains(&stderr, "nothing was changed");
    assert_eq!(desk.commit_count(), commits);
    desk.ok(&["list"]);
}

#[test]
fn a_future_date_cannot_move_the_sites_as_of_time() {
    let desk = Desk::new();
    let a = desk.ticket("a", &["--priority", "urgent"]);
    desk.ok(&["reply", &a, "-m", "on it"]);
    let entry = desk.entries(&a)[0].clone();
    edit(
        &entry,
        &format!("date: {}", value_of(&entry, "date")),
        "date: 2099-01-01T00:00:00Z",
    );
    desk.git(&["commit", "-qam", "a hand edit from the future"]);
    let created = value_of(&desk.path(&format!("tickets/{a}/ticket.md")), "created");

    desk.ok(&["build"]);
    let dashboard = desk.read("_site/index.html");
    // Today (when the ticket was made), not 2099; the ticket is minutes
    // old and within its SLA, not 3,761 weeks and breached.
    contains(&dashboard, &format!("As of {} ", &created[..10]));
    assert!(!dashboard.contains("As of 2099"), "{dashboard}");
    contains(&dashboard, "1 date in the future was ignored");
    contains(&dashboard, "run <code>tkt check</code>");
    let page = desk.read(&format!("_site/tickets/{a}/index.html"));
    assert!(!page.contains("breached"), "{page}");
}

#[test]
fn web_settings_are_checked_with_their_lines() {
    let desk = Desk::new();
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!(
            "{config}web:\n  base_url: help.example.org\n  registration:\n    open_to: domains\n  \
             rate_limits:\n    sign_ins_per_hour: 0\n"
        ),
    );
    let out = desk.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let line = |prefix: &str| line_starting(&desk.read("helpdesk.yaml"), prefix);
    contains(
        &said,
        &format!(
            "helpdesk.yaml:{}: web base_url `help.example.org` must start with https://",
            line("  base_url:")
        ),
    );
    contains(
        &said,
        &format!(
            "helpdesk.yaml:{}: registration open_to: domains needs",
            line("    open_to:")
        ),
    );
    contains(
        &said,
        "rate limit sign_ins_per_hour must be 1 to 10000, not 0",
    );
    // A typo is named, not ignored.
    desk.write(
        "helpdesk.yaml",
        &format!("{config}web:\n  base_url: https://x.org\n  requester_see: [status]\n"),
    );
    let out = desk.run(&["check"]);
    contains(&String::from_utf8_lossy(&out.stderr), "requester_see");
}
