//! tkt behaves like `git commit`: it never sweeps in the user's uncommitted
//! edits, runs the repository's hooks, and signs when asked to.

use crate::common::{contains, Desk};
use std::path::Path;

fn ticket_file(folio: &str) -> String {
    format!("tickets/{folio}/ticket.md")
}

#[test]
fn an_uncommitted_edit_of_a_file_tkt_rewrites_is_refused_not_swept_in() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    let file = ticket_file(&folio);
    let edited = desk.read(&file).replace("Scanner", "Scanner (hand edit)");
    desk.write(&file, &edited);
    let commits = desk.commit_count();
    let err = desk.fails(&["reply", &folio, "-m", "hello"], 1);
    contains(&err, &format!("{file} has changes that are not committed"));
    contains(&err, "git stash");
    assert_eq!(desk.commit_count(), commits);
    assert_eq!(desk.read(&file), edited, "the edit is kept");
    assert_eq!(desk.entries(&folio).len(), 0, "no reply file left behind");

    // Staged, the same.
    desk.git(&["add", &file]);
    let err = desk.fails(&["status", &folio, "in-progress"], 1);
    contains(&err, &format!("{file} has staged changes"));
    assert_eq!(desk.commit_count(), commits);

    // Once committed by the user, tkt goes on.
    desk.git(&["commit", "-qm", "fix the subject by hand"]);
    desk.ok(&["reply", &folio, "-m", "hello"]);
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
}

#[test]
fn a_staged_config_change_is_not_committed_by_person_add() {
    let desk = Desk::new();
    let config = desk.read("helpdesk.yaml");
    desk.write("helpdesk.yaml", &format!("{config}# work in progress\n"));
    desk.git(&["add", "helpdesk.yaml"]);
    let err = desk.fails(
        &[
            "person",
            "add",
            "dan",
            "--name",
            "Dan",
            "--email",
            "dan@example.org",
        ],
        1,
    );
    contains(&err, "helpdesk.yaml has staged changes");
    assert!(!desk
        .git(&["show", "HEAD:helpdesk.yaml"])
        .contains("work in progress"));
}

/// A hooks folder outside the repository, used through `core.hooksPath`.
fn hook(desk: &Desk, name: &str, script: &str) {
    let dir = desk.tmp.path().join("hooks");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    make_executable(&path);
    desk.git(&["config", "core.hooksPath", dir.to_str().unwrap()]);
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_failing_pre_commit_hook_refuses_the_action_and_writes_nothing() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    hook(
        &desk,
        "pre-commit",
        "echo 'secret scanner: found an API key' >&2\nexit 1",
    );
    let before = desk.snapshot();
    let commits = desk.commit_count();
    let err = desk.fails(&["reply", &folio, "-m", "key=AKIA123"], 1);
    contains(&err, "pre-commit hook refused the commit (exit status 1)");
    contains(&err, "secret scanner: found an API key");
    contains(&err, "--no-verify");
    assert_eq!(desk.commit_count(), commits);
    assert_eq!(desk.snapshot(), before);
    assert_eq!(desk.git(&["status", "--porcelain"]), "");

    desk.ok(&["--no-verify", "reply", &folio, "-m", "deliberately"]);
    assert_eq!(desk.commit_count(), commits + 1);
}

#[test]
fn a_failing_commit_msg_hook_refuses_too() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    hook(
        &desk,
        "commit-msg",
        "echo 'message needs a JIRA key' >&2\nexit 1",
    );
    let commits = desk.commit_count();
    let err = desk.fails(&["note", &folio, "-m", "x"], 1);
    contains(&err, "commit-msg hook refused");
    contains(&err, "message needs a JIRA key");
    assert_eq!(desk.commit_count(), commits);
    desk.ok(&["note", &folio, "-m", "x", "--no-verify"]);
}

#[test]
fn passing_hooks_see_the_commit_and_may_edit_the_message() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    let seen = desk.tmp.path().join("seen.txt");
    hook(
        &desk,
        "pre-commit",
        &format!("git diff --cached --name-only > '{}'", seen.display()),
    );
    hook(
        &desk,
        "commit-msg",
        "printf '\\nReviewed-by: hook\\n' >> \"$1\"",
    );
    let ran = desk.tmp.path().join("post-commit-ran");
    hook(
        &desk,
        "post-commit",
        &format!("touch '{}'\nexit 1", ran.display()),
    );
    desk.ok(&["reply", &folio, "-m", "hello"]);
    let staged = std::fs::read_to_string(&seen).unwrap();
    let reply = desk.last_commit_files();
    assert!(
        reply.iter().all(|f| staged.lines().any(|l| l == f)),
        "pre-commit saw {staged:?}, the commit has {reply:?}"
    );
    let message = desk.git(&["log", "-1", "--format=%B"]);
    contains(&message, "Reviewed-by: hook");
    contains(&message, &format!("Ticket: {folio}"));
    assert!(
        ran.exists(),
        "post-commit ran (and its failure did not undo the commit)"
    );
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
}

#[test]
fn commits_are_signed_with_an_ssh_key_when_commit_gpgsign_is_set() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    let (key, public) = desk.ssh_key("signing_key");
    let allowed = desk.tmp.path().join("allowed_signers");
    std::fs::write(&allowed, format!("ana@example.org {public}")).unwrap();
    desk.sign_commits_with(&key, &allowed);

    desk.ok(&["reply", &folio, "-m", "signed"]);
    let verify = std::process::Command::new("git")
        .args(["verify-commit", "-v", "HEAD"])
        .current_dir(&desk.root)
        .env("HOME", desk.tmp.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success(), "git verify-commit: {said}");
    contains(&said, "Good \"git\" signature for ana@example.org");

    // A signing program that fails refuses the action.
    desk.git(&["config", "user.signingkey", "/nonexistent/key"]);
    let commits = desk.commit_count();
    let err = desk.fails(&["reply", &folio, "-m", "unsigned?"], 1);
    contains(&err, "could not sign the commit");
    assert_eq!(desk.commit_count(), commits);
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
}
