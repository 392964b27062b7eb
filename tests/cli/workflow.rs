use crate::common::{contains, Desk};

fn status_of(desk: &Desk, folio: &str) -> String {
    desk.json(&["show", folio, "--json"])["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_ticket_from_registration_to_closing() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner jams", &["--requester", "rita"]);
    let mut commits = desk.commit_count();
    let mut step = |args: &[&str], status: &str| {
        desk.ok(args);
        commits += 1;
        assert_eq!(desk.commit_count(), commits, "one commit for {args:?}");
        assert_eq!(status_of(&desk, &folio), status, "after {args:?}");
        let files = desk.last_commit_files();
        assert!(
            files
                .iter()
                .all(|f| f.starts_with(&format!("tickets/{folio}/"))),
            "{files:?}"
        );
    };
    step(
        &[
            "reply",
            &folio,
            "-m",
            "Can you send a photo?",
            "--status",
            "waiting-on-requester",
        ],
        "waiting-on-requester",
    );
    step(
        &["--as", "rita", "reply", &folio, "-m", "Here it is."],
        "in-progress",
    );
    step(
        &["note", &folio, "-m", "Vendor says: roller."],
        "in-progress",
    );
    step(&["action", "add", &folio, "Order roller"], "in-progress");
    step(
        &["action", "add", &folio, "Called vendor", "--done"],
        "in-progress",
    );
    step(&["action", "done", &folio, "1"], "in-progress");
    step(
        &["resolve", &folio, "--solution", "Replaced the roller."],
        "resolved",
    );
    step(&["--as", "rita", "close", &folio], "closed");
    step(&["reopen", &folio], "in-progress");
    step(&["priority", &folio, "urgent"], "in-progress");
    step(&["assign", &folio, "cai"], "in-progress");
    step(&["--as", "ben", "take", &folio], "in-progress");
    step(
        &["status", &folio, "waiting-on-requester"],
        "waiting-on-requester",
    );
    let json = desk.json(&["show", &folio, "--json"]);
    assert_eq!(json["assignee"], "ben");
    assert_eq!(json["priority"], "urgent");
    assert_eq!(json["solution"], "Replaced the roller.");
    assert_eq!(json["actions"][0]["done"], true);
    assert_eq!(json["actions"][1]["text"], "Called vendor");
    assert_eq!(json["timeline"].as_array().unwrap().len(), 13);
    assert_eq!(desk.entries(&folio).len(), 13);
    let log = desk.git(&["log", "-1", "--format=%an%n%B"]);
    contains(&log, "Ana Alves\nTKT001: status: in-progress → waiting-on-requester\n\nTicket: TKT001\nTicket-Uid: ");
    contains(&log, "\nAction: status\nActor: ana");
    let shown = desk.ok(&["show", &folio]);
    contains(&shown, "solution recorded\n      Replaced the roller.");
    let take = desk.git(&["log", "--grep", "Action: take", "--format=%an <%ae>"]);
    assert_eq!(take.trim(), "Ben Okafor <ben@example.org>");
}

#[test]
fn every_change_writes_a_timeline_entry_with_changes() {
    let desk = Desk::new();
    let folio = desk.ticket("x", &[]);
    desk.ok(&["assign", &folio, "cai"]);
    let entry = std::fs::read_to_string(desk.entries(&folio).last().unwrap()).unwrap();
    contains(&entry, "author: ana");
    contains(&entry, "kind: event");
    contains(&entry, "- field: assignee\n  from: ana\n  to: cai");
    let name = desk.entries(&folio)[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.len() == "20261123T121611.123Z-ana-abcdef.md".len() && name.contains("Z-ana-"),
        "{name}"
    );
}

#[test]
fn workflow_refusals() {
    let desk = Desk::new();
    let folio = desk.ticket("x", &["--requester", "rita"]);
    let cases: &[(&[&str], i32, &str)] = &[
        (&["status", &folio, "open"], 1, "already open"),
        (&["status", &folio, "resolved"], 1, "tkt resolve"),
        (
            &["status", &folio, "finished"],
            2,
            "unknown status `finished`",
        ),
        (&["assign", &folio, "zed"], 1, "unknown person `zed`"),
        (&["assign", &folio, "ana"], 1, "already assigned to ana"),
        (
            &["priority", &folio, "medium"],
            1,
            "already has priority medium",
        ),
        (&["action", "done", &folio, "1"], 1, "has no actions"),
        (
            &["resolve", &folio, "--solution", " "],
            1,
            "solution is empty",
        ),
        (&["resolve", &folio], 1, "a solution is needed"),
        (&["reopen", &folio], 1, "nothing to reopen"),
        (&["reply", &folio], 1, "the reply is empty"),
        (&["reply", "TKT404", "-m", "x"], 1, "no ticket TKT404"),
        (
            &["--as", "rita", "note", &folio, "-m", "x"],
            1,
            "only operators and admins can write internal notes",
        ),
        (&["--as", "rita", "take", &folio], 1, "rita is a requester"),
        (
            &["--as", "rita", "resolve", &folio, "--solution", "x"],
            1,
            "only operators and admins",
        ),
    ];
    let commits = desk.commit_count();
    for (args, code, message) in cases {
        contains(&desk.fails(args, *code), message);
    }
    assert_eq!(desk.commit_count(), commits);
    desk.ok(&["resolve", &folio, "--solution", "Done."]);
    contains(
        &desk.fails(&["--as", "rita", "reply", &folio, "-m", "Again!"], 1),
        "add --reopen",
    );
    desk.ok(&["--as", "rita", "reply", &folio, "-m", "Again!", "--reopen"]);
    assert_eq!(status_of(&desk, &folio), "in-progress");
    desk.ok(&["close", &folio]);
    contains(&desk.fails(&["status", &folio, "open"], 1), "tkt reopen");
    contains(&desk.fails(&["assign", &folio, "cai"], 1), "closed");
}

#[test]
fn resolve_reads_solution_from_a_file() {
    let desk = Desk::new();
    let folio = desk.ticket("x", &[]);
    let out = desk
        .cmd()
        .args(["resolve", &folio, "-F", "-"])
        .write_stdin("Fixed it.\n\n- step one\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        desk.json(&["show", &folio, "--json"])["solution"],
        "Fixed it.\n\n- step one"
    );
}

#[test]
fn log_lists_the_audit_trail_oldest_first() {
    let desk = Desk::new();
    let a = desk.ticket("a", &[]);
    let b = desk.ticket("b", &[]);
    desk.ok(&["reply", &a, "-m", "on a"]);
    desk.ok(&["reply", &b, "-m", "on b"]);
    desk.write(
        &format!("tickets/{a}/ticket.md"),
        &desk
            .read(&format!("tickets/{a}/ticket.md"))
            .replace("subject: a", "subject: a (edited)"),
    );
    desk.git(&["commit", "-qam", "hand edit"]);
    let out = desk.ok(&["log", &a]);
    let messages: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split("  ").last().unwrap())
        .collect();
    assert_eq!(
        messages,
        ["TKT001: new ticket: a", "TKT001: reply by ana", "hand edit"]
    );
    let json = desk.json(&["log", &b, "--json"]);
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["author"], "Ana Alves");
    assert_eq!(list[0]["hash"].as_str().unwrap().len(), 40);
}
