use crate::common::{contains, Desk};

fn busy_desk() -> Desk {
    let desk = Desk::new();
    desk.ticket("low one", &["-p", "low", "--tag", "printer"]);
    desk.ticket("urgent one", &["-p", "urgent"]);
    desk.ok(&[
        "new",
        "-s",
        "case question",
        "-c",
        "case-support",
        "-m",
        "Help",
        "--field",
        "case_number=C-7",
        "--requester",
        "rita",
    ]);
    let closed = desk.ticket("closed one", &["-p", "urgent"]);
    desk.ok(&["close", &closed]);
    desk
}

fn folios(table: &str) -> Vec<String> {
    table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn default_list_hides_closed_most_urgent_first() {
    let desk = busy_desk();
    let out = desk.ok(&["list"]);
    assert_eq!(
        out.lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["FOLIO", "STATUS", "PRIORITY", "CATEGORY", "ASSIGNEE", "AGE", "SUBJECT"]
    );
    assert_eq!(folios(&out), ["TKT002", "TKT003", "TKT001"]);
    assert!(!out.contains('\u{1b}'), "no colour when piped");
    assert_eq!(
        folios(&desk.ok(&["list", "--all"])),
        ["TKT002", "TKT003", "TKT001", "TKT004"]
    );
}

#[test]
fn filters_and_views() {
    let desk = busy_desk();
    assert_eq!(
        folios(&desk.ok(&["list", "--status", "closed"])),
        ["TKT004"]
    );
    assert_eq!(
        folios(&desk.ok(&["list", "--priority", "low,urgent"])),
        ["TKT002", "TKT001"]
    );
    assert_eq!(
        folios(&desk.ok(&["list", "--category", "case-support"])),
        ["TKT003"]
    );
    assert_eq!(
        folios(&desk.ok(&["list", "--requester", "rita"])),
        ["TKT003"]
    );
    assert_eq!(folios(&desk.ok(&["list", "--tag", "printer"])), ["TKT001"]);
    assert_eq!(folios(&desk.ok(&["list", "--assignee", "cai"])), ["TKT003"]);
    assert_eq!(
        folios(&desk.ok(&["--as", "cai", "list", "--assignee", "me"])),
        ["TKT003"]
    );
    assert_eq!(
        folios(&desk.ok(&["list", "--view", "urgent-tech"])),
        ["TKT002"]
    );
    assert_eq!(
        folios(&desk.ok(&["list", "--view", "urgent-tech", "--all"])),
        ["TKT002", "TKT004"],
        "closed tickets last"
    );
    contains(
        &desk.fails(&["list", "--view", "nope"], 1),
        "unknown view `nope`; defined: urgent-tech",
    );
    contains(
        &desk.fails(&["list", "--status", "done"], 2),
        "allowed: open, in-progress",
    );
    contains(
        &desk.fails(&["list", "--assignee", "zed"], 1),
        "unknown person `zed`",
    );
    contains(
        &desk.fails(&["list", "--category", "hr"], 1),
        "unknown category `hr`",
    );
}

#[test]
fn json_and_csv_output() {
    let desk = busy_desk();
    let json = desk.json(&["list", "--format", "json"]);
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["id"], "TKT002");
    assert_eq!(list[0]["priority"], "urgent");
    let csv = desk.ok(&["list", "--all", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "folio,status,priority,category,assignee,requester,created,updated,subject,tags"
    );
    assert_eq!(csv.lines().count(), 5);
    contains(&csv, "TKT004,closed,urgent,technical");
}

#[test]
fn a_broken_ticket_is_reported_not_dropped() {
    let desk = busy_desk();
    let path = "tickets/TKT001/ticket.md";
    desk.write(
        path,
        &desk.read(path).replace("status: open", "status: opne"),
    );
    let out = desk.run(&["list"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(folios(&stdout), ["TKT002", "TKT003"]);
    contains(
        &stderr,
        "tickets/TKT001/ticket.md:5: status: unknown variant `opne`",
    );
}

#[test]
fn show_prints_fields_and_timeline() {
    let desk = Desk::new();
    let folio = desk.ticket(
        "Printer \u{1b}[31mred",
        &["--requester", "rita", "--related", "Case 12"],
    );
    desk.ok(&[
        "reply",
        &folio,
        "-m",
        "Which tray?",
        "--status",
        "waiting-on-requester",
    ]);
    desk.ok(&["note", &folio, "-m", "Probably the fuser."]);
    desk.ok(&["action", "add", &folio, "Order a fuser"]);
    let out = desk.ok(&["show", &folio]);
    for needle in [
        "TKT001  Printer [31mred",
        "status: waiting-on-requester",
        "requester: Rita Ruiz (rita)",
        "assignee: Ana Alves (ana)",
        "related: Case 12",
        "Description\n  Details of the problem.",
        "1. [ ] Order a fuser",
        "reply",
        "Which tray?",
        "internal note",
        "Probably the fuser.",
        "status: open → waiting-on-requester",
    ] {
        contains(&out, needle);
    }
    assert!(
        !out.contains('\u{1b}'),
        "escape sequences from ticket text must not reach the terminal"
    );
    let json = desk.json(&["show", &folio, "--json"]);
    assert_eq!(json["id"], "TKT001");
    assert_eq!(json["description"], "Details of the problem.");
    let timeline = json["timeline"].as_array().unwrap();
    let kinds: Vec<&str> = timeline
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["reply", "note", "event"]);
    assert_eq!(timeline[0]["author"], "ana");
    assert_eq!(timeline[0]["body"], "Which tray?");
    assert!(timeline[0]["file"]
        .as_str()
        .unwrap()
        .starts_with("replies/"));
    contains(
        &desk.fails(&["show", "99"], 1),
        "no ticket TKT099 (tickets go up to TKT001",
    );
    contains(&desk.fails(&["show", "abc"], 1), "not a ticket number");
}

#[test]
fn works_from_a_subfolder_and_with_dir() {
    let desk = Desk::new();
    desk.ticket("x", &[]);
    std::fs::create_dir_all(desk.path("tickets/TKT001/attachments")).unwrap();
    let out = desk
        .cmd()
        .current_dir(desk.path("tickets/TKT001/attachments"))
        .arg("list")
        .output()
        .unwrap();
    assert!(out.status.success());
    let elsewhere = desk
        .cmd()
        .current_dir(desk.tmp.path())
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(elsewhere.status.code(), Some(1));
    contains(
        &String::from_utf8_lossy(&elsewhere.stderr),
        "no tkt tracker here",
    );
    let with_dir = desk
        .cmd()
        .current_dir(desk.tmp.path())
        .args(["--dir", "repo", "list"])
        .output()
        .unwrap();
    assert!(with_dir.status.success());
    let with_env = desk
        .cmd()
        .current_dir(desk.tmp.path())
        .env("TKT_DIR", "repo")
        .arg("list")
        .output()
        .unwrap();
    assert!(with_env.status.success());
}

#[test]
fn csv_exports_never_hand_a_spreadsheet_a_formula() {
    let desk = Desk::new();
    desk.ticket("=HYPERLINK(\"http://evil.example\",\"Click\")", &[]);
    desk.ticket("@SUM(1+1)", &[]);
    let csv = desk.ok(&["list", "--all", "--format", "csv"]);
    contains(
        &csv,
        "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\"",
    );
    contains(&csv, "'@SUM(1+1)");
    assert!(
        !csv.lines()
            .any(|l| l.split(',').any(|c| c.starts_with(['=', '@']))),
        "{csv}"
    );
}
