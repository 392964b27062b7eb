//! `tkt passwd`: who may set which password, the policy, and where the
//! hash is kept (never in the work tree, a commit or the site).

use crate::common::{contains, Desk};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::{Output, Stdio};

fn passwd(desk: &Desk, actor: &str, person: &str, password: &str) -> Output {
    let mut child = desk
        .std_cmd()
        .args(["--as", actor, "passwd", person, "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn only_a_hash_is_kept_outside_the_work_tree_and_history() {
    let desk = Desk::new();
    let commits = desk.commit_count();
    let out = passwd(&desk, "ana", "ben", "correct horse battery staple");
    assert!(out.status.success(), "{}", stderr(&out));
    contains(&stderr(&out), "Password set for ben.");
    let file = desk.root.join(".git/tkt/passwords.json");
    let text = std::fs::read_to_string(&file).unwrap();
    contains(&text, "\"ben\": \"$argon2id$");
    assert!(!text.contains("correct horse"), "{text}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(desk.commit_count(), commits);
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
}

#[test]
fn people_set_their_own_and_admins_anyones() {
    let desk = Desk::new();
    let out = passwd(&desk, "ben", "ana", "correct horse battery staple");
    assert_eq!(out.status.code(), Some(1));
    contains(&stderr(&out), "only admins set other people's passwords");
    assert!(passwd(&desk, "ben", "ben", "correct horse battery staple")
        .status
        .success());
    assert!(passwd(&desk, "rita", "rita", "a requester's own pass")
        .status
        .success());
    let out = passwd(&desk, "ana", "zed", "correct horse battery staple");
    assert_eq!(out.status.code(), Some(1));
    contains(&stderr(&out), "zed");
}

#[test]
fn a_weak_password_is_refused_and_nothing_is_kept() {
    let desk = Desk::new();
    let out = passwd(&desk, "ana", "ana", "hunter2");
    assert_eq!(out.status.code(), Some(1));
    contains(&stderr(&out), "use at least 12");
    let out = passwd(&desk, "ana", "ana", "ana@example.org");
    contains(&stderr(&out), "must not be your email address");
    assert!(!desk.root.join(".git/tkt/passwords.json").exists());
    // Without --stdin and without a terminal, it says how.
    let out = desk
        .std_cmd()
        .args(["passwd", "ana"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    contains(&stderr(&out), "--stdin");
}
