use crate::common::{contains, Desk};
use std::collections::BTreeSet;

#[test]
fn unrelated_changes_are_left_alone() {
    let desk = Desk::new();
    let folio = desk.ticket("x", &[]);
    desk.write("notes/staged.txt", "staged\n");
    desk.write("notes/unstaged.txt", "v1\n");
    desk.git(&["add", "notes"]);
    desk.write("notes/unstaged.txt", "v2\n");
    desk.write("notes/untracked.txt", "new\n");
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!("{config}# a comment being edited\n"),
    );
    let staged = desk.git(&["diff", "--cached"]);
    let unstaged = desk.git(&["diff"]);
    let status = desk.git(&["status", "--porcelain"]);

    desk.ok(&["reply", &folio, "-m", "hello"]);
    desk.ok(&["new", "-s", "y", "-c", "other", "-m", "z"]);

    assert_eq!(desk.git(&["diff", "--cached"]), staged);
    assert_eq!(desk.git(&["diff"]), unstaged);
    assert_eq!(desk.git(&["status", "--porcelain"]), status);
    let files: BTreeSet<String> = desk
        .git(&["show", "--name-only", "--format=", "HEAD~1", "HEAD"])
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    assert!(files.iter().all(|f| f.starts_with("tickets/")), "{files:?}");
}

#[test]
fn tracker_in_a_subfolder_of_a_repository() {
    let desk = Desk::bare_repo();
    desk.write("README.md", "project\n");
    desk.git(&["add", "README.md"]);
    desk.git(&["commit", "-qm", "project"]);
    desk.ok(&["init", "support"]);
    let out = desk
        .cmd()
        .current_dir(desk.path("support"))
        .args(["new", "-s", "x", "-c", "other", "-m", "y"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        desk.last_commit_files(),
        vec!["support/tickets/TKT001/ticket.md"]
    );
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
    contains(&desk.read("README.md"), "project");
}

#[test]
fn refuses_during_a_merge_and_on_a_detached_head() {
    let desk = Desk::new();
    let folio = desk.ticket("x", &[]);
    let head = desk.git(&["rev-parse", "HEAD"]);
    std::fs::write(desk.path(".git/MERGE_HEAD"), &head).unwrap();
    contains(
        &desk.fails(&["reply", &folio, "-m", "x"], 1),
        "middle of a merge",
    );
    std::fs::remove_file(desk.path(".git/MERGE_HEAD")).unwrap();
    desk.git(&["checkout", "-q", "--detach"]);
    contains(
        &desk.fails(&["reply", &folio, "-m", "x"], 1),
        "HEAD is detached",
    );
    desk.git(&["checkout", "-q", "main"]);
    desk.ok(&["reply", &folio, "-m", "x"]);
}

#[test]
fn a_failed_commit_leaves_no_trace() {
    let desk = Desk::new();
    let folio = desk.ticket("x", &[]);
    let before = desk.snapshot();
    let commits = desk.commit_count();
    std::fs::write(desk.path(".git/refs/heads/main.lock"), "").unwrap();
    desk.fails(&["reply", &folio, "-m", "lost?"], 1);
    desk.fails(&["new", "-s", "y", "-c", "other", "-m", "z"], 1);
    assert_eq!(desk.snapshot(), before, "files were left behind");
    assert!(!desk.path("tickets/TKT002").exists());
    std::fs::remove_file(desk.path(".git/refs/heads/main.lock")).unwrap();
    assert_eq!(desk.commit_count(), commits);
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
}

#[test]
fn parallel_new_gives_distinct_folios_and_commits() {
    let desk = Desk::new();
    let commits = desk.commit_count();
    let children: Vec<_> = (0..20)
        .map(|i| {
            let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tkt"));
            cmd.current_dir(&desk.root)
                .env("HOME", desk.tmp.path())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .args([
                    "new",
                    "-s",
                    &format!("parallel {i}"),
                    "-c",
                    "other",
                    "-m",
                    "x",
                ])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    let folios: BTreeSet<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        })
        .collect();
    assert_eq!(folios.len(), 20);
    assert_eq!(desk.commit_count(), commits + 20);
    desk.git(&["fsck", "--strict"]);
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
    desk.ok(&["check"]);
}
