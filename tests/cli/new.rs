use crate::common::{contains, Desk};

#[test]
fn new_writes_the_ticket_and_one_commit() {
    let desk = Desk::new();
    let before = desk.commit_count();
    let out = desk.ok(&[
        "new",
        "-s",
        "Scanner jams on A3",
        "-c",
        "technical",
        "-p",
        "high",
        "-m",
        "Tray 2 jams.\n\nEvery time.",
        "--requester",
        "rita",
        "--related",
        "Ortega appeal",
        "--field",
        "device=scanner",
        "--tag",
        "hardware",
        "--tag",
        "Office",
    ]);
    assert_eq!(out, "TKT001\n");
    assert_eq!(desk.commit_count(), before + 1);
    assert_eq!(desk.last_commit_files(), vec!["tickets/TKT001/ticket.md"]);
    let text = desk.read("tickets/TKT001/ticket.md");
    for needle in [
        "id: TKT001",
        "subject: Scanner jams on A3",
        "status: open",
        "priority: high",
        "category: technical",
        "requester: rita",
        "assignee: ana",
        "related: Ortega appeal",
        "- hardware",
        "- office",
        "device: scanner",
        "\nTray 2 jams.\n\nEvery time.\n",
    ] {
        contains(&text, needle);
    }
    let uid = text.lines().find_map(|l| l.strip_prefix("uid: ")).unwrap();
    assert_eq!(uid.len(), 26, "a ULID: {uid}");
    let log = desk.git(&["log", "-1", "--format=%an <%ae>%n%B"]);
    assert_eq!(
        log.trim_end(),
        format!("Ana Alves <ana@example.org>\nTKT001: new ticket: Scanner jams on A3\n\nTicket: TKT001\nTicket-Uid: {uid}\nAction: new\nActor: ana")
    );
}

#[test]
fn folios_count_up_and_grow_past_padding() {
    let desk = Desk::new();
    std::fs::create_dir_all(desk.path("tickets/TKT999")).unwrap();
    let t = desk.ticket("first", &[]);
    assert_eq!(t, "TKT1000");
    assert_eq!(desk.ticket("second", &[]), "TKT1001");
    for id in ["TKT1000", "tkt1000", "1000"] {
        contains(&desk.ok(&["show", id]), "TKT1000  first");
    }
}

#[test]
fn auto_assignment_rotates_through_the_category() {
    let desk = Desk::new();
    let assignees: Vec<String> = (0..4)
        .map(|i| {
            let folio = desk.ticket(&format!("t{i}"), &[]);
            desk.json(&["show", &folio, "--json"])["assignee"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(assignees, ["ana", "ben", "ana", "ben"]);
    let folio = desk.ticket("explicit", &["--assignee", "cai"]);
    assert_eq!(desk.json(&["show", &folio, "--json"])["assignee"], "cai");
    assert_eq!(
        desk.json(&["show", &desk.ticket("after", &[]), "--json"])["assignee"],
        "ana"
    );
}

#[test]
fn least_open_assignment() {
    let desk = Desk::new();
    let config = desk
        .read("helpdesk.yaml")
        .replace("assignment: round-robin", "assignment: least-open");
    desk.write("helpdesk.yaml", &config);
    desk.git(&["commit", "-qam", "least-open"]);
    let a = desk.ticket("a", &[]);
    desk.ticket("b", &[]);
    desk.ok(&["close", &a]);
    let c = desk.ticket("c", &[]);
    assert_eq!(desk.json(&["show", &c, "--json"])["assignee"], "ana");
}

#[test]
fn description_from_file_and_stdin() {
    let desk = Desk::new();
    desk.write("../desc.md", "From a *file*.\n");
    let file = desk.tmp.path().join("desc.md");
    let a = desk.ok(&[
        "new",
        "-s",
        "a",
        "-c",
        "other",
        "-F",
        file.to_str().unwrap(),
    ]);
    contains(
        &desk.read(&format!("tickets/{}/ticket.md", a.trim())),
        "From a *file*.",
    );
    let b = desk
        .cmd()
        .args(["new", "-s", "b", "-c", "other", "-F", "-"])
        .write_stdin("From stdin.\n")
        .output()
        .unwrap();
    assert!(b.status.success());
    let folio = String::from_utf8(b.stdout).unwrap();
    contains(
        &desk.read(&format!("tickets/{}/ticket.md", folio.trim())),
        "From stdin.",
    );
}

#[test]
fn resolve_on_the_spot() {
    let desk = Desk::new();
    let folio = desk.ticket("Where is the VPN guide?", &["--resolve", "Sent the link."]);
    let json = desk.json(&["show", &folio, "--json"]);
    assert_eq!(json["status"], "resolved");
    assert_eq!(json["solution"], "Sent the link.");
    assert_eq!(json["timeline"][0]["changes"][0]["to"], "resolved");
    assert_eq!(desk.last_commit_files().len(), 2);
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let desk = Desk::new();
    let before = desk.snapshot();
    let commits = desk.commit_count();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["new", "-s", "x", "-c", "nope", "-m", "y"],
            1,
            "unknown category `nope`; allowed: technical, case-support, suggestion, other",
        ),
        (
            &["new", "-s", "x", "-c", "other", "-p", "whenever", "-m", "y"],
            2,
            "allowed: low, medium, high, urgent",
        ),
        (
            &["new", "-s", "  ", "-c", "other", "-m", "y"],
            1,
            "subject is empty",
        ),
        (
            &["new", "-s", "x", "-c", "other", "-m", " \n "],
            1,
            "description is empty",
        ),
        (
            &["new", "-s", "x", "-c", "other"],
            1,
            "pass -m TEXT, -F FILE or -F -",
        ),
        (
            &[
                "new",
                "-s",
                "x",
                "-c",
                "other",
                "-m",
                "y",
                "--requester",
                "zed",
            ],
            1,
            "unknown person `zed`",
        ),
        (
            &[
                "new",
                "-s",
                "x",
                "-c",
                "technical",
                "-m",
                "y",
                "--field",
                "device=fax",
            ],
            1,
            "must be one of: scanner, printer, laptop",
        ),
        (
            &[
                "new",
                "-s",
                "x",
                "-c",
                "technical",
                "-m",
                "y",
                "--field",
                "since=yesterday",
            ],
            1,
            "must be a date",
        ),
        (
            &[
                "new",
                "-s",
                "x",
                "-c",
                "technical",
                "-m",
                "y",
                "--field",
                "colour=red",
            ],
            1,
            "has no field `colour`",
        ),
        (
            &["new", "-s", "x", "-c", "case-support", "-m", "y"],
            1,
            "field `case_number` is required",
        ),
        (
            &[
                "new", "-s", "x", "-c", "other", "-m", "y", "--field", "novalue",
            ],
            2,
            "is not NAME=VALUE",
        ),
        (
            &[
                "new",
                "-s",
                "x",
                "-c",
                "other",
                "-m",
                "y",
                "--assignee",
                "rita",
            ],
            1,
            "rita is a requester",
        ),
        (
            &[
                "new",
                "-s",
                "x",
                "-c",
                "other",
                "-m",
                "y",
                "--attach",
                "missing.pdf",
            ],
            1,
            "missing.pdf: no such file",
        ),
        (
            &[
                "new", "-s", "x", "-c", "other", "-m", "y", "--attach", "tickets",
            ],
            1,
            "is a folder",
        ),
        (
            &[
                "new",
                "-s",
                "x",
                "-c",
                "other",
                "-m",
                "y",
                "--tag",
                "two words",
            ],
            1,
            "is not a tag",
        ),
    ];
    for (args, code, message) in cases {
        let err = desk.fails(args, *code);
        contains(&err, message);
    }
    assert_eq!(desk.commit_count(), commits);
    assert_eq!(desk.snapshot(), before, "a refused command changed files");
}

/// A pipe would block the command forever and a device may never end: only
/// plain files are attached, refused before anything is locked or written.
#[test]
fn pipes_and_devices_are_not_attached() {
    let desk = Desk::new();
    let fifo = desk.tmp.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let before = desk.commit_count();
    for path in [fifo.to_str().unwrap(), "/dev/zero"] {
        let err = desk.fails(
            &["new", "-s", "x", "-c", "other", "-m", "y", "--attach", path],
            1,
        );
        contains(&err, "not a regular file");
    }
    contains(
        &desk.fails(&["new", "-s", "x", "-c", "other", "-F", "/dev/zero"], 1),
        "not a regular file",
    );
    let endless = desk
        .std_cmd()
        .args(["new", "-s", "x", "-c", "other", "-F", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(endless.status.code(), Some(1));
    contains(
        &String::from_utf8_lossy(&endless.stderr),
        "more than 1024 KiB of text",
    );
    assert_eq!(desk.commit_count(), before);
}

#[test]
fn attachments_are_checked_sanitised_and_committed() {
    let desk = Desk::new();
    let big = desk.tmp.path().join("big.bin");
    std::fs::write(&big, vec![0u8; (10 << 20) + 1]).unwrap();
    let err = desk.fails(
        &[
            "new",
            "-s",
            "x",
            "-c",
            "other",
            "-m",
            "y",
            "--attach",
            big.to_str().unwrap(),
        ],
        1,
    );
    contains(&err, "over the 10MiB limit");
    let hostile = desk.tmp.path().join("..evil\u{1b}[31m.pdf");
    std::fs::write(&hostile, b"%PDF").unwrap();
    let scan = desk.tmp.path().join("scan.png");
    std::fs::write(&scan, b"PNG").unwrap();
    let folio = desk.ticket(
        "with files",
        &[
            "--attach",
            hostile.to_str().unwrap(),
            "--attach",
            scan.to_str().unwrap(),
        ],
    );
    let json = desk.json(&["show", &folio, "--json"]);
    assert_eq!(
        json["attachments"],
        serde_json::json!(["evil_[31m.pdf", "scan.png"])
    );
    assert!(desk
        .path(&format!("tickets/{folio}/attachments/evil_[31m.pdf"))
        .is_file());
    assert_eq!(desk.last_commit_files().len(), 3);
    desk.ok(&[
        "reply",
        &folio,
        "-m",
        "Another scan",
        "--attach",
        scan.to_str().unwrap(),
    ]);
    assert!(desk
        .path(&format!("tickets/{folio}/attachments/scan-2.png"))
        .is_file());
}

#[test]
fn hostile_front_matter_round_trips() {
    let desk = Desk::new();
    let subject = "--- \"quoted\": colon: 'single' # not a comment ü 中文 🎉";
    let related = "Ortega: \"case\" ---\n--- next";
    let folio = desk.ok(&[
        "new",
        "-s",
        subject,
        "-c",
        "other",
        "-m",
        "---\nbody: with fences\n---\n",
        "--related",
        related,
    ]);
    let json = desk.json(&["show", folio.trim(), "--json"]);
    assert_eq!(json["subject"], subject);
    assert_eq!(json["related"], "Ortega: \"case\" --- --- next");
    assert_eq!(json["description"], "---\nbody: with fences\n---");
    desk.ok(&["check"]);
}

#[test]
fn description_from_the_editor_on_a_terminal() {
    let desk = Desk::new();
    let editor = desk.tmp.path().join("fake-editor.sh");
    std::fs::write(&editor, "#!/bin/sh\ngrep -q 'Write the description above' \"$1\" || exit 3\nprintf 'Typed in the editor.\\n' > \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let tkt = assert_cmd::cargo::cargo_bin("tkt");
    // `script` gives tkt a pseudo-terminal, as a person at a shell would have.
    let status = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} new -s 'From a terminal' -c other", tkt.display()),
            "/dev/null",
        ])
        .current_dir(&desk.root)
        .env("HOME", desk.tmp.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("EDITOR", &editor)
        .env_remove("VISUAL")
        .output()
        .expect("`script` (util-linux) runs tkt on a pseudo-terminal");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
    contains(
        &desk.read("tickets/TKT001/ticket.md"),
        "\nTyped in the editor.\n",
    );
}
