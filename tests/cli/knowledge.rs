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
