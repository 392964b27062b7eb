use crate::common::{contains, Desk};

const EVERY_VARIABLE: &str = "Hello {{ requester.name }} <{{ requester.email }}>,\n\n\
about {{ ticket.folio }} ({{ ticket.subject }}; {{ ticket.category }}, {{ ticket.priority }}, \
{{ ticket.status }}, case {{ ticket.related }}, device {{ ticket.fields.device }}).\n\n\
{{ operator.name }}, {{ today }}\n";

fn desk_with_answer() -> (Desk, String) {
    let desk = Desk::new();
    let folio = desk.ticket(
        "Scanner jams",
        &[
            "--as",
            "rita",
            "--related",
            "OL-2026-0042",
            "--field",
            "device=scanner",
            "-p",
            "high",
        ],
    );
    desk.ok(&[
        "canned",
        "new",
        "hello",
        "--title",
        "Hello",
        "--category",
        "technical",
        "-m",
        EVERY_VARIABLE,
    ]);
    (desk, folio)
}

#[test]
fn a_canned_answer_fills_in_every_variable() {
    let (desk, folio) = desk_with_answer();
    let file = desk.read("canned/hello.md");
    contains(&file, "title: Hello");
    contains(&file, "- technical");
    contains(&file, "author: ana");
    contains(
        &desk.git(&["log", "-1", "--format=%B"]),
        "Action: canned-new",
    );
    let filled = desk.ok(&["--as", "ben", "canned", "show", "hello", "--for", &folio]);
    contains(&filled, "Hello Rita Ruiz <rita@example.org>,");
    contains(&filled, &format!("about {folio} (Scanner jams; technical, high, open, case OL-2026-0042, device scanner)."));
    contains(&filled, "Ben Okafor, 20");
    let list = desk.ok(&["canned", "list"]);
    contains(&list, "hello");
    contains(&list, "technical");
}

#[test]
fn reply_note_and_resolve_insert_the_filled_in_answer() {
    let (desk, folio) = desk_with_answer();
    desk.ok(&["--as", "ben", "reply", &folio, "--canned", "hello"]);
    let entries = desk.entries(&folio);
    let reply = std::fs::read_to_string(entries.last().unwrap()).unwrap();
    contains(&reply, "kind: reply");
    contains(&reply, "Hello Rita Ruiz <rita@example.org>,");
    contains(&reply, "Ben Okafor, 20");
    desk.ok(&["--as", "ben", "note", &folio, "--canned", "hello"]);
    desk.ok(&["--as", "ben", "resolve", &folio, "--canned", "hello"]);
    let ticket = desk.read(&format!("tickets/{folio}/ticket.md"));
    contains(&ticket, "status: resolved");
    contains(&ticket, "Hello Rita Ruiz");
    desk.fails(&["reply", &folio, "--canned", "hello", "-m", "both"], 2);
}

#[test]
fn a_missing_variable_names_the_file_and_line_and_posts_nothing() {
    let (desk, folio) = desk_with_answer();
    desk.write(
        "canned/typo.md",
        "---\ntitle: Typo\n---\n\nHello {{ requester.name }},\n\nYour ticket {{ ticket.foilo }} is done.\n",
    );
    desk.git(&["add", "canned/typo.md"]);
    desk.git(&["commit", "-qm", "typo"]);
    let commits = desk.commit_count();
    let before = desk.entries(&folio).len();
    let err = desk.fails(&["reply", &folio, "--canned", "typo"], 1);
    contains(&err, "canned/typo.md:7:");
    contains(&err, "unknown variable `ticket.foilo`");
    contains(&err, "ticket.folio");
    assert_eq!(desk.entries(&folio).len(), before);
    assert_eq!(desk.commit_count(), commits);
    desk.fails(&["canned", "show", "typo", "--for", &folio], 1);
}

#[test]
fn an_answer_for_another_category_is_refused() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner jams", &[]);
    desk.ok(&[
        "canned",
        "new",
        "appeal",
        "--title",
        "Appeal",
        "--category",
        "case-support",
        "-m",
        "About your appeal.",
    ]);
    let err = desk.fails(&["reply", &folio, "--canned", "appeal"], 1);
    contains(&err, "canned/appeal.md");
    contains(&err, "applies to case-support only");
    let err = desk.fails(&["reply", &folio, "--canned", "nope"], 1);
    contains(&err, "no canned answer `nope`; known: appeal");
}

#[test]
fn new_validates_and_rm_is_a_commit() {
    let desk = Desk::new();
    desk.fails(&["canned", "new", "Bad Name", "--title", "x", "-m", "x"], 2);
    let err = desk.fails(
        &[
            "canned",
            "new",
            "syntax",
            "--title",
            "x",
            "-m",
            "Hi {% if %}",
        ],
        1,
    );
    contains(&err, "line 1");
    desk.fails(
        &[
            "canned",
            "new",
            "x",
            "--title",
            "x",
            "--category",
            "nope",
            "-m",
            "x",
        ],
        1,
    );
    desk.fails(
        &[
            "--as", "rita", "canned", "new", "x", "--title", "x", "-m", "x",
        ],
        1,
    );
    desk.ok(&[
        "canned",
        "new",
        "vpn",
        "--title",
        "VPN",
        "-m",
        "Use the VPN.",
    ]);
    let err = desk.fails(
        &["canned", "new", "vpn", "--title", "VPN", "-m", "again"],
        1,
    );
    contains(&err, "already exists");
    desk.ok(&["canned", "rm", "vpn"]);
    assert!(!desk.path("canned/vpn.md").exists());
    contains(
        &desk.git(&["log", "-1", "--format=%B"]),
        "Action: canned-rm",
    );
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
    contains(&desk.git(&["show", "HEAD~1:canned/vpn.md"]), "Use the VPN.");
}

#[test]
fn resolving_tells_the_requester_what_was_done() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner jams", &["--as", "rita"]);
    desk.ok(&["action", "add", &folio, "Clean the rollers", "--done"]);
    desk.ok(&["action", "add", &folio, "Order a new tray"]);
    desk.ok(&[
        "--as",
        "ben",
        "resolve",
        &folio,
        "--solution",
        "Replaced the pickup roller.",
    ]);
    let notice = std::fs::read_to_string(desk.entries(&folio).last().unwrap()).unwrap();
    contains(&notice, "kind: reply");
    contains(&notice, "field: status");
    contains(&notice, "Hello Rita Ruiz,");
    contains(&notice, "Details of the problem.");
    contains(&notice, "- Clean the rollers");
    assert!(
        !notice.contains("Order a new tray"),
        "only done actions: {notice}"
    );
    contains(&notice, "Replaced the pickup roller.");
    contains(&notice, "Ben Okafor");
    contains(&desk.ok(&["show", &folio]), "Replaced the pickup roller.");
}

#[test]
fn the_resolution_notice_template_can_be_replaced() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner jams", &[]);
    desk.write(
        "templates/resolution-notice.md",
        "Done: {{ ticket.solution }} ({{ actions_done | length }} actions)\n",
    );
    desk.ok(&["resolve", &folio, "--solution", "Fixed."]);
    let notice = std::fs::read_to_string(desk.entries(&folio).last().unwrap()).unwrap();
    contains(&notice, "Done: Fixed. (0 actions)");

    let other = desk.ticket("Printer", &[]);
    desk.write(
        "templates/resolution-notice.md",
        "Hi\n{{ ticket.soluton }}\n",
    );
    let commits = desk.commit_count();
    let err = desk.fails(&["resolve", &other, "--solution", "Fixed."], 1);
    contains(&err, "templates/resolution-notice.md:2:");
    assert_eq!(desk.commit_count(), commits);
    contains(
        &desk.read(&format!("tickets/{other}/ticket.md")),
        "status: open",
    );
}

#[test]
fn a_canned_answer_can_be_edited_before_posting_and_edited_in_place() {
    let (desk, folio) = desk_with_answer();
    let out = desk
        .cmd()
        .args([
            "--as", "ben", "reply", &folio, "--canned", "hello", "--edit",
        ])
        .env("EDITOR", "sed -i -e 's/^Hello /Dear /'")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reply = std::fs::read_to_string(desk.entries(&folio).last().unwrap()).unwrap();
    contains(&reply, "Dear Rita Ruiz");
    assert!(!reply.contains(">8"), "the scissors line is cut: {reply}");

    desk.fails(&["canned", "edit", "hello"], 2);
    desk.ok(&[
        "canned",
        "edit",
        "hello",
        "--title",
        "Greeting",
        "-m",
        "Hi {{ requester.name }}.",
    ]);
    let file = desk.read("canned/hello.md");
    contains(&file, "title: Greeting");
    contains(&file, "Hi {{ requester.name }}.");
    contains(
        &desk.git(&["log", "-1", "--format=%B"]),
        "Action: canned-edit",
    );
    desk.fails(&["canned", "edit", "hello", "-m", "{% if %}"], 1);
    contains(&desk.read("canned/hello.md"), "Hi {{ requester.name }}.");
}

#[test]
fn check_reports_a_broken_canned_template_with_its_line() {
    let desk = Desk::new();
    desk.write(
        "canned/broken.md",
        "---\ntitle: Broken\n---\n\nHello,\n{% if %}\n",
    );
    let out = desk.cmd().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    contains(&report, "canned/broken.md:6: template error: expected");
}

#[test]
fn site_templates_cannot_publish_the_environment() {
    let desk = Desk::new();
    desk.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}{{ get_env(name=\"HOME\") }}{% endblock main %}",
    );
    let err = desk.fails(&["build", "--out", "site"], 1);
    contains(&err, "get_env is not available");
}
