//! Symbolic links committed to a tracker are never followed: not when
//! reading tickets, not when building the site (which would publish what
//! they point to), and `tkt check` names each one with its target.

use crate::common::{contains, Desk};
use std::os::unix::fs::symlink;
use std::path::PathBuf;

const SECRET: &str = "-----BEGIN OPENSSH PRIVATE KEY----- not for the site";

/// A folder outside the tracker holding a private key.
fn outside(desk: &Desk) -> PathBuf {
    let dir = desk.tmp.path().join("outside");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("id_rsa"), SECRET).unwrap();
    dir
}

/// Lists `names` as the ticket's attachments in its `ticket.md`.
fn claim_attachments(desk: &Desk, folio: &str, names: &[&str]) {
    let path = format!("tickets/{folio}/ticket.md");
    let text = desk.read(&path);
    let list: String = names.iter().map(|n| format!("- {n}\n")).collect();
    let listed = format!("attachments:\n{list}created: ");
    desk.write(&path, &text.replacen("created: ", &listed, 1));
}

/// Every file of the built site, as text, joined (to look for the key).
fn whole_site(desk: &Desk) -> String {
    let mut all = String::new();
    for entry in walkdir::WalkDir::new(desk.path("_site")) {
        let entry = entry.unwrap();
        assert!(
            !entry.path_is_symlink(),
            "{} is a link",
            entry.path().display()
        );
        if entry.file_type().is_file() {
            all.push_str(&String::from_utf8_lossy(
                &std::fs::read(entry.path()).unwrap(),
            ));
        }
    }
    all
}

#[test]
fn a_linked_attachments_folder_is_neither_published_nor_read() {
    let desk = Desk::new();
    let a = desk.ticket("Scanner", &[]);
    let outside = outside(&desk);
    symlink(&outside, desk.path(&format!("tickets/{a}/attachments"))).unwrap();
    claim_attachments(&desk, &a, &["id_rsa"]);
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "a link to somewhere else"]);

    desk.ok(&["build"]);
    assert!(!desk
        .path(&format!("_site/tickets/{a}/files/id_rsa"))
        .exists());
    assert!(!whole_site(&desk).contains(SECRET));

    let out = desk.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    contains(
        &String::from_utf8_lossy(&out.stdout),
        &format!(
            "tickets/{a}/attachments: is a symbolic link to {}; tkt never follows links inside the tracker",
            outside.display()
        ),
    );
}

#[test]
fn a_linked_attachment_file_is_not_published() {
    let desk = Desk::new();
    let a = desk.ticket("Scanner", &[]);
    let outside = outside(&desk);
    let folder = desk.path(&format!("tickets/{a}/attachments"));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("photo.txt"), "a real attachment").unwrap();
    symlink(outside.join("id_rsa"), folder.join("id_rsa.txt")).unwrap();
    claim_attachments(&desk, &a, &["id_rsa.txt", "photo.txt"]);
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "a linked file"]);

    desk.ok(&["build"]);
    let files = desk.path(&format!("_site/tickets/{a}/files"));
    assert!(
        files.join("photo.txt").is_file(),
        "the plain file is published"
    );
    assert!(!files.join("id_rsa.txt").exists());
    assert!(!whole_site(&desk).contains(SECRET));
    let out = desk.run(&["check"]);
    contains(
        &String::from_utf8_lossy(&out.stdout),
        &format!("tickets/{a}/attachments/id_rsa.txt: is a symbolic link to "),
    );
}

#[test]
fn a_linked_ticket_folder_is_not_a_ticket() {
    let desk = Desk::new();
    desk.ticket("Scanner", &[]);
    let b = desk.ticket("Printer", &[]);
    // TKT002 moved out of the tracker and linked back in.
    let moved = desk.tmp.path().join("moved");
    std::fs::rename(desk.path(&format!("tickets/{b}")), &moved).unwrap();
    symlink(&moved, desk.path(&format!("tickets/{b}"))).unwrap();
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "a linked ticket folder"]);

    let list = desk.ok(&["list", "--all"]);
    contains(&list, "Scanner");
    assert!(!list.contains("Printer"), "{list}");
    let stderr = desk.fails(&["show", &b], 1);
    contains(&stderr, "is a symbolic link");
    desk.ok(&["build"]);
    assert!(!desk.path(&format!("_site/tickets/{b}")).exists());
    assert!(!whole_site(&desk).contains("Printer"));
    let out = desk.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    contains(
        &String::from_utf8_lossy(&out.stdout),
        &format!("tickets/{b}: is a symbolic link to {}", moved.display()),
    );
}

#[test]
fn linked_faq_entries_and_configuration_are_refused() {
    let desk = Desk::new();
    let outside = outside(&desk);
    std::fs::write(
        outside.join("entry.md"),
        "---\ntitle: Leaked\n---\n\nSecret.\n",
    )
    .unwrap();
    symlink(outside.join("entry.md"), desk.path("faq/leaked.md")).unwrap();
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "a linked FAQ entry"]);
    assert!(!desk.ok(&["faq", "list"]).contains("Leaked"));
    let out = desk.run(&["check"]);
    contains(
        &String::from_utf8_lossy(&out.stdout),
        "faq/leaked.md: is a symbolic link to ",
    );

    let config = desk.tmp.path().join("helpdesk.yaml");
    std::fs::rename(desk.path("helpdesk.yaml"), &config).unwrap();
    symlink(&config, desk.path("helpdesk.yaml")).unwrap();
    let stderr = desk.fails(&["list"], 1);
    contains(&stderr, "helpdesk.yaml: is a symbolic link to ");
}

#[test]
fn a_linked_template_is_not_used() {
    let desk = Desk::new();
    let outside = outside(&desk);
    std::fs::create_dir_all(desk.path("templates")).unwrap();
    symlink(outside.join("id_rsa"), desk.path("templates/style.css")).unwrap();
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "a linked style sheet"]);
    desk.ok(&["build"]);
    let css = desk.read("_site/assets/style.css");
    contains(&css, ".banner");
    assert!(!whole_site(&desk).contains(SECRET));
    let out = desk.run(&["check"]);
    contains(
        &String::from_utf8_lossy(&out.stdout),
        "templates/style.css: is a symbolic link to ",
    );
}

#[test]
fn nothing_is_written_through_a_linked_folder() {
    let desk = Desk::new();
    let a = desk.ticket("Scanner", &[]);
    let outside = desk.tmp.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    symlink(&outside, desk.path(&format!("tickets/{a}/attachments"))).unwrap();
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "a linked attachments folder"]);
    desk.write("note.txt", "hello");
    let commits = desk.commit_count();
    let stderr = desk.fails(
        &["reply", &a, "-m", "see attached", "--attach", "note.txt"],
        1,
    );
    contains(
        &stderr,
        &format!("tickets/{a}/attachments: is a symbolic link to "),
    );
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(desk.commit_count(), commits);
}

#[test]
fn a_new_ticket_is_never_written_through_a_linked_tickets_folder() {
    let desk = Desk::new();
    let outside = desk.tmp.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::remove_dir_all(desk.path("tickets")).unwrap();
    symlink(&outside, desk.path("tickets")).unwrap();
    desk.git(&["add", "-A"]);
    desk.git(&["commit", "-qm", "tickets elsewhere"]);
    let commits = desk.commit_count();
    let stderr = desk.fails(&["new", "-s", "x", "-c", "other", "-m", "y"], 1);
    contains(&stderr, "is a symbolic link");
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(desk.commit_count(), commits);
}
