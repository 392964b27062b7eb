//! `tkt audit`: what an auditor sees for a clean history and for each kind
//! of tampering — a modified or deleted timeline entry, a forged `Actor:`
//! trailer, a hand edit, a bad signature — with `--since`, JSON and the
//! cache.

use crate::common::{contains, Desk};
use std::path::Path;

/// A tracker with one ticket, a reply by Ben and a note by Ana.
fn worked_desk() -> (Desk, String) {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner jams", &[]);
    desk.ok(&["--as", "ben", "reply", &folio, "-m", "Trying a new roller."]);
    desk.ok(&["note", &folio, "-m", "Vendor asked."]);
    (desk, folio)
}

/// The tracker-relative path of an entry file.
fn rel(desk: &Desk, path: &Path) -> String {
    path.strip_prefix(&desk.root)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Runs `tkt audit` expecting exit status 1; returns stdout.
fn audit_fails(desk: &Desk, extra: &[&str]) -> String {
    let out = desk.cmd().arg("audit").args(extra).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_clean_tracker_passes_and_lists_its_hand_edits() {
    let (desk, _) = worked_desk();
    let out = desk.cmd().arg("audit").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Desk::new configures forms with plain git: a hand edit, listed.
    contains(&stdout, "Hand edits");
    contains(&stdout, "Ana Alves <ana@example.org>");
    contains(&stdout, "helpdesk.yaml");
    assert!(!stdout.contains("Violations"), "{stdout}");
    contains(&stderr, "1 hand edit, no violations");
}

#[test]
fn a_modified_entry_is_caught_and_its_commit_listed_as_a_hand_edit() {
    let (desk, folio) = worked_desk();
    let entry = desk.entries(&folio)[0].clone();
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, text.replace("roller", "ROLLER")).unwrap();
    desk.git(&["commit", "-qam", "fix typo"]);
    let stdout = audit_fails(&desk, &[]);
    contains(&stdout, &format!("[append-only] {}:", rel(&desk, &entry)));
    contains(&stdout, "modified after it was added");
    let hand = stdout.split("Violations:").next().unwrap();
    contains(hand, &rel(&desk, &entry));
}

#[test]
fn a_deleted_entry_is_caught() {
    let (desk, folio) = worked_desk();
    let entry = rel(&desk, &desk.entries(&folio)[1]);
    desk.git(&["rm", "-q", &entry]);
    desk.git(&["commit", "-qm", "drop the note"]);
    let stdout = audit_fails(&desk, &[]);
    contains(
        &stdout,
        &format!("[append-only] {entry}: timeline entry deleted"),
    );
}

#[test]
fn a_forged_actor_trailer_is_caught() {
    let (desk, folio) = worked_desk();
    // Ana writes an entry in her name but commits it as if Ben acted.
    let entry = format!("tickets/{folio}/replies/20300101T000000.000Z-ana-forged.md");
    desk.write(
        &entry,
        "---\nauthor: ana\ndate: 2030-01-01T00:00:00Z\nkind: reply\n---\nAll fixed.\n",
    );
    desk.git(&["add", &entry]);
    let message = format!("{folio}: reply by ben\n\nTicket: {folio}\nAction: reply\nActor: ben\n");
    desk.git(&["commit", "-qm", &message]);
    let stdout = audit_fails(&desk, &[]);
    contains(
        &stdout,
        &format!("[actor] {entry}: entry author is `ana` but the commit's `Actor:` is `ben`"),
    );
    contains(
        &stdout,
        "[identity] authored by `Ana Alves <ana@example.org>`, but `ben` is `Ben Okafor <ben@example.org>`",
    );
    // It carries trailers, so it is judged as a tkt action, not listed.
    let hand = stdout.split("Violations:").next().unwrap();
    assert!(!hand.contains("forged.md"), "{stdout}");
}

#[test]
fn since_json_and_the_cache_agree() {
    let (desk, folio) = worked_desk();
    let clean_head = desk.git(&["rev-parse", "HEAD"]).trim().to_string();
    let entry = rel(&desk, &desk.entries(&folio)[0]);
    desk.git(&["rm", "-q", &entry]);
    desk.git(&["commit", "-qm", "drop the reply"]);

    let report: serde_json::Value =
        serde_json::from_str(&audit_fails(&desk, &["--format", "json"])).unwrap();
    let violations = report["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "{report}");
    assert_eq!(violations[0]["rule"], "append-only");
    assert_eq!(violations[0]["file"], entry.as_str());
    assert_eq!(report["hand_edits"].as_array().unwrap().len(), 2);
    assert!(report["commits_checked"].as_u64().unwrap() >= 5);

    // Only the commits after the clean head: the deletion.
    let since: serde_json::Value = serde_json::from_str(&audit_fails(
        &desk,
        &["--since", &clean_head, "--format", "json"],
    ))
    .unwrap();
    assert_eq!(since["commits_checked"], 1);
    assert_eq!(since["violations"], report["violations"]);
    desk.ok(&["audit", "--since", "HEAD"]);
    let err = desk.fails(&["audit", "--since", "no-such-rev"], 1);
    contains(&err, "--since `no-such-rev` names no commit");

    // A cached answer equals a fresh one, and a new commit extends it.
    let cache = desk.root.join(".git/tkt/audit-_.json");
    assert!(cache.is_file(), "the audit is cached in .git/tkt");
    let cached = audit_fails(&desk, &["--format", "json"]);
    std::fs::remove_file(&cache).unwrap();
    let fresh = audit_fails(&desk, &["--format", "json"]);
    assert_eq!(cached, fresh);
    desk.ok(&["note", &folio, "-m", "After the deletion."]);
    let extended: serde_json::Value =
        serde_json::from_str(&audit_fails(&desk, &["--format", "json"])).unwrap();
    assert_eq!(
        extended["commits_checked"].as_u64(),
        report["commits_checked"].as_u64().map(|n| n + 1)
    );
    assert_eq!(extended["violations"], report["violations"]);
}

#[test]
fn requesters_may_not_audit() {
    let (desk, _) = worked_desk();
    let err = desk.fails(&["--as", "rita", "audit"], 1);
    contains(&err, "only operators and admins can audit the history");
}

#[test]
fn signatures_are_verified_by_git_against_the_allowed_signers() {
    let (desk, folio) = worked_desk();
    let (signing, signing_pub) = desk.ssh_key("signing_key");
    let (_, other_pub) = desk.ssh_key("other_key");
    let allowed = desk.tmp.path().join("allowed_signers");
    std::fs::write(&allowed, format!("ana@example.org {signing_pub}")).unwrap();
    desk.sign_commits_with(&signing, &allowed);
    desk.ok(&["reply", &folio, "-m", "signed"]);

    // commit.gpgsign turns verification on; the signed reply verifies.
    let err = desk.fails(&["audit", "--since", "HEAD~1"], 0);
    contains(&err, "signatures verified");
    // Signed with one key, checked against another: caught.
    std::fs::write(&allowed, format!("ana@example.org {other_pub}")).unwrap();
    let stdout = audit_fails(&desk, &["--since", "HEAD~1"]);
    contains(&stdout, "[signature]");
    contains(&stdout, "git verify-commit");
    // The unsigned commits from before signing was set up fail too.
    desk.git(&["config", "commit.gpgsign", "false"]);
    desk.ok(&["audit", "--since", "HEAD~1"]);
    let stdout = audit_fails(&desk, &["--verify-signatures"]);
    contains(&stdout, "[signature]");
}

#[test]
fn a_tracker_in_a_subfolder_is_audited_with_its_own_paths() {
    let desk = Desk::bare_repo();
    desk.write("README.md", "not the tracker\n");
    desk.git(&["add", "README.md"]);
    desk.git(&["commit", "-qm", "a project file"]);
    desk.ok(&["init", "helpdesk"]);
    let folio = desk.ok(&[
        "--dir",
        "helpdesk",
        "new",
        "-s",
        "Scanner",
        "-c",
        "technical",
        "-m",
        "Jams.",
    ]);
    let folio = folio.trim();
    desk.ok(&["--dir", "helpdesk", "reply", folio, "-m", "On it."]);
    let dir = desk.root.join("helpdesk");
    let stderr = desk.fails(&["--dir", "helpdesk", "audit"], 0);
    contains(&stderr, "0 hand edits, no violations");

    let entries: Vec<_> = std::fs::read_dir(dir.join(format!("tickets/{folio}/replies")))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    std::fs::write(&entries[0], "---\nauthor: ana\n---\nrewritten\n").unwrap();
    desk.git(&["commit", "-qam", "rewrite"]);
    let out = desk
        .cmd()
        .args(["--dir", "helpdesk", "audit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let name = entries[0].file_name().unwrap().to_string_lossy();
    contains(
        &stdout,
        &format!("[append-only] tickets/{folio}/replies/{name}:"),
    );
}

#[test]
fn a_shallow_clone_is_not_vouched_for() {
    let (desk, _) = worked_desk();
    let url = format!("file://{}", desk.root.display());
    let shallow = desk.tmp.path().join("shallow");
    desk.git_in(
        desk.tmp.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "2",
            &url,
            shallow.to_str().unwrap(),
        ],
    );
    let out = desk
        .std_cmd()
        .current_dir(&shallow)
        .args(["--as", "ana", "audit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    contains(
        &String::from_utf8_lossy(&out.stderr),
        "git fetch --unshallow",
    );
    // Recent commits can still be audited on purpose.
    let out = desk
        .std_cmd()
        .current_dir(&shallow)
        .args(["--as", "ana", "audit", "--since", "HEAD"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
