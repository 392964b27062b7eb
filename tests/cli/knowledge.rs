use crate::common::{contains, Desk};

#[test]
fn kb_search_ranks_faq_entries_and_solutions() {
    let desk = Desk::new();
    let a = desk.ticket("Scanner jams on A3", &[]);
    desk.ok(&[
        "resolve",
        &a,
        "--solution",
        "Replaced the worn pickup rollers of the scanner.",
    ]);
    let b = desk.ticket("Printer offline", &[]);
    desk.ok(&["resolve", &b, "--solution", "Restarted the print spooler."]);
    let open = desk.ticket("Scanner makes noise", &[]);
    desk.write(
        "faq/vpn.md",
        "---\ntitle: The VPN keeps disconnecting\ncategory: technical\n---\n\nReinstall the VPN client.\n",
    );
    let out = desk.ok(&["kb", "search", "scanner", "rollers"]);
    let first = out.lines().next().unwrap_or("");
    contains(first, &a);
    contains(&out, "pickup rollers");
    assert!(
        !out.contains(&open),
        "unfinished tickets are not knowledge: {out}"
    );
    let json = desk.json(&["kb", "search", "vpn", "--format", "json"]);
    assert_eq!(json[0]["source"], "faq");
    assert_eq!(json[0]["id"], "vpn");
    let none = desk.json(&[
        "kb",
        "search",
        "vpn",
        "--category",
        "case-support",
        "--format",
        "json",
    ]);
    assert_eq!(none.as_array().unwrap().len(), 0);
    let err = desk.fails(&["kb", "search", "vpn", "--category", "nope"], 1);
    contains(&err, "nope");
    desk.fails(&["kb", "search"], 2);
}

#[test]
fn an_faq_entry_is_made_from_a_resolved_ticket_and_links_back() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner jams on A3", &["--tag", "scanner"]);
    let err = desk.fails(&["faq", "add", "--from", &folio], 1);
    contains(&err, "no solution yet");
    desk.ok(&[
        "resolve",
        &folio,
        "--solution",
        "Replaced the pickup rollers.",
    ]);
    let commits = desk.commit_count();
    let slug = desk
        .ok(&["faq", "add", "--from", &folio])
        .trim()
        .to_string();
    assert_eq!(slug, "scanner-jams-on-a3");
    let entry = desk.read("faq/scanner-jams-on-a3.md");
    contains(&entry, "title: Scanner jams on A3");
    contains(&entry, "category: technical");
    contains(&entry, &format!("source: {folio}"));
    contains(&entry, "- scanner");
    contains(&entry, "Details of the problem.");
    contains(&entry, "Replaced the pickup rollers.");
    contains(
        &desk.read(&format!("tickets/{folio}/ticket.md")),
        "faq: scanner-jams-on-a3",
    );
    assert_eq!(
        desk.commit_count(),
        commits + 1,
        "one commit for both files"
    );
    let mut files = desk.last_commit_files();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    contains(
        &desk.git(&["log", "-1", "--format=%B"]),
        &format!("Ticket: {folio}"),
    );
    desk.ok(&["check"]);

    // A second entry with the same title gets a suffix; an explicit taken slug is refused.
    let again = desk
        .ok(&["faq", "add", "--from", &folio, "-m", "Shorter answer."])
        .trim()
        .to_string();
    assert_eq!(again, "scanner-jams-on-a3-2");
    desk.fails(
        &[
            "faq",
            "new",
            "--title",
            "x",
            "--slug",
            "scanner-jams-on-a3",
            "-m",
            "x",
        ],
        1,
    );
}

#[test]
fn faq_entries_are_listed_searched_edited_and_removed() {
    let desk = Desk::new();
    desk.fails(&["faq", "new", "-m", "no title"], 2);
    desk.fails(
        &["--as", "rita", "faq", "new", "--title", "VPN", "-m", "x"],
        1,
    );
    let slug = desk
        .ok(&[
            "faq",
            "new",
            "--title",
            "Why does the VPN disconnect?",
            "--category",
            "technical",
            "-m",
            "Reinstall the VPN client.",
        ])
        .trim()
        .to_string();
    assert_eq!(slug, "why-does-the-vpn-disconnect");
    contains(&desk.ok(&["faq", "list"]), "Why does the VPN disconnect?");
    assert!(!desk
        .ok(&["faq", "list", "--category", "other"])
        .contains("VPN"));
    contains(&desk.ok(&["faq", "search", "vpn", "client"]), &slug);
    contains(
        &desk.ok(&["faq", "show", &slug]),
        "Reinstall the VPN client.",
    );
    desk.fails(&["faq", "edit", &slug], 2);
    desk.ok(&[
        "faq",
        "edit",
        &slug,
        "--title",
        "The VPN disconnects",
        "-m",
        "Update the client.",
    ]);
    let entry = desk.read(&format!("faq/{slug}.md"));
    contains(&entry, "title: The VPN disconnects");
    contains(&entry, "Update the client.");
    desk.ok(&["faq", "rm", &slug]);
    assert!(!desk.path(&format!("faq/{slug}.md")).exists());
    contains(&desk.git(&["log", "-1", "--format=%B"]), "Action: faq-rm");
    desk.fails(&["faq", "show", &slug], 1);
}

#[test]
fn a_ticket_becomes_an_faq_entry_on_the_site_and_in_search() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner jams on A3", &["--as", "rita"]);
    desk.ok(&[
        "canned",
        "new",
        "rollers",
        "--title",
        "Rollers",
        "-m",
        "Hello {{ requester.name }}, we replaced the pickup rollers of the scanner.",
    ]);
    desk.ok(&["resolve", &folio, "--canned", "rollers"]);
    contains(
        &desk.read(&format!("tickets/{folio}/ticket.md")),
        "Hello Rita Ruiz, we replaced the pickup rollers",
    );
    let slug = desk
        .ok(&["faq", "add", "--from", &folio])
        .trim()
        .to_string();

    desk.ok(&["build", "--out", "site"]);
    let page = desk.read(&format!("site/faq/{slug}.html"));
    contains(&page, "we replaced the pickup rollers");
    contains(
        &page,
        &format!("Made from <a href=\"../tickets/{folio}/index.html\">{folio}</a>"),
    );
    contains(
        &desk.read(&format!("site/tickets/{folio}/index.html")),
        &format!("../../faq/{slug}.html"),
    );
    contains(
        &desk.read("site/kb/index.html"),
        "we replaced the pickup rollers",
    );
    let index = desk.read("site/search/faq.json");
    contains(&index, &format!("faq/{slug}.html"));

    desk.ok(&["build", "--out", "public", "--audience", "public"]);
    let public = desk.read(&format!("public/faq/{slug}.html"));
    contains(&public, "we replaced the pickup rollers");
    assert!(
        !public.contains("Made from"),
        "public pages do not link tickets"
    );
    assert!(!desk.path("public/kb").exists());

    let hits = desk.json(&["kb", "search", "pickup", "rollers", "--format", "json"]);
    let ids: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&slug.as_str()) && ids.contains(&folio.as_str()),
        "{ids:?}"
    );
}

/// Runs `tkt ARGS` on a pseudo-terminal (`script`), typing `input`.
fn on_terminal(desk: &Desk, args: &str, input: &str) -> (bool, String) {
    use std::io::Write;
    let tkt = assert_cmd::cargo::cargo_bin("tkt");
    let mut child = std::process::Command::new("script")
        .args(["-qec", &format!("{} {args}", tkt.display()), "/dev/null"])
        .current_dir(&desk.root)
        .env("HOME", desk.tmp.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs tkt on a pseudo-terminal");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn new_on_a_terminal_suggests_faq_entries_first() {
    let desk = Desk::new();
    desk.ok(&[
        "faq",
        "new",
        "--title",
        "The VPN keeps disconnecting",
        "--category",
        "technical",
        "-m",
        "Reinstall the VPN client.",
    ]);
    let (ok, screen) = on_terminal(
        &desk,
        "new -s 'VPN disconnects every hour' -c technical -m 'It drops.'",
        "n\n",
    );
    assert!(ok, "{screen}");
    contains(&screen, "These FAQ entries might answer it:");
    contains(&screen, "The VPN keeps disconnecting");
    contains(&screen, "Not registered.");
    assert!(!desk.path("tickets/TKT001").exists());

    let (ok, screen) = on_terminal(
        &desk,
        "new -s 'VPN disconnects every hour' -c technical -m 'It drops.'",
        "\n",
    );
    assert!(ok, "{screen}");
    assert!(desk.path("tickets/TKT001/ticket.md").exists(), "{screen}");

    // --no-suggest and non-terminal runs never ask.
    let (ok, screen) = on_terminal(
        &desk,
        "new --no-suggest -s 'VPN down' -c technical -m 'x'",
        "",
    );
    assert!(ok && !screen.contains("might answer"), "{screen}");
    desk.ticket("VPN down again", &[]);
}
