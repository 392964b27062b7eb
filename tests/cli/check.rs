use crate::common::{contains, Desk};

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
    contains(&summary, "Checked 28 tickets");
    contains(&summary, "no problems");
}
