//! `tkt link rotate`: a requester's follow-up link, kept only as a hash.

use crate::common::{contains, Desk};

#[test]
fn a_rotated_link_is_printed_once_and_kept_as_a_hash() {
    let desk = Desk::new();
    let id = desk.ticket("Scanner jams", &[]);
    let token = desk.ok(&["--as", "ben", "link", "rotate", &id]);
    let token = token.trim();
    assert_eq!(token.len(), 32, "{token}");
    let file = desk.read(&format!("tickets/{id}/ticket.md"));
    contains(&file, "follow_up: sha256:");
    assert!(!file.contains(token));
    let shown = desk.ok(&["show", &id, "--json"]);
    assert!(
        !shown.contains("follow_up") && !shown.contains("sha256"),
        "{shown}"
    );
    contains(
        &desk.git(&["log", "-1", "--format=%B"]),
        "Action: link-rotate\nActor: ben",
    );
    assert_eq!(desk.ok(&["check"]), "");

    // With a base URL, the whole link; a new one differs.
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!("{config}web:\n  base_url: https://help.example.org/\n"),
    );
    desk.git(&["commit", "-qam", "web"]);
    let url = desk.ok(&["link", "rotate", &id]);
    let url = url.trim();
    assert!(url.starts_with("https://help.example.org/t/"), "{url}");
    assert_ne!(&url[url.len() - 32..], token);

    // Requesters cannot, and a hand-made value is caught.
    let err = desk.fails(&["--as", "rita", "link", "rotate", &id], 1);
    contains(&err, "only operators and admins can issue follow-up links");
    let path = format!("tickets/{id}/ticket.md");
    let text = desk.read(&path);
    let line = text.lines().find(|l| l.starts_with("follow_up:")).unwrap();
    desk.write(&path, &text.replace(line, "follow_up: my-secret"));
    desk.git(&["commit", "-qam", "hand edit"]);
    let out = desk.run(&["check"]);
    contains(
        &String::from_utf8_lossy(&out.stdout),
        "follow_up must be `sha256:`",
    );
}
