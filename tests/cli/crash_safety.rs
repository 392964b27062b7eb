//! A tkt killed at any instant leaves the whole action or nothing: no
//! orphan files shown as recorded, no index drift, no lock left stuck.

use crate::common::{contains, Desk};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Tracked files under `tickets/` against the files on disk there.
fn committed_equals_disk(desk: &Desk) {
    let committed: BTreeSet<String> = desk
        .git(&["ls-tree", "-r", "--name-only", "HEAD", "tickets"])
        .lines()
        .map(String::from)
        .collect();
    let on_disk: BTreeSet<String> = walkdir::WalkDir::new(desk.path("tickets"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&desk.root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        committed, on_disk,
        "committed entries differ from the files on disk"
    );
}

/// What a user checks after a crash: the next command settles things, and
/// then git and tkt agree that nothing is half done. Returns what the
/// recovery said, if it had anything to do.
fn consistent(desk: &Desk, context: &str) -> Option<String> {
    let check = desk.run(&["check"]);
    assert!(
        check.status.success(),
        "{context}: tkt check failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let status = desk.git(&["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(status, "", "{context}: git status after recovery");
    assert!(
        !desk.path(".git/index.lock").exists(),
        "{context}: index.lock left"
    );
    assert!(
        !desk.path(".git/tkt/journal.json").exists(),
        "{context}: journal left"
    );
    String::from_utf8_lossy(&check.stderr)
        .lines()
        .find(|l| l.starts_with("note: "))
        .map(String::from)
}

/// A small deterministic generator, so a failing run can be repeated from
/// the seed it prints.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

#[test]
fn a_hundred_kills_at_random_instants_lose_nothing_and_leave_nothing() {
    let desk = Desk::new();
    for i in 0..3 {
        desk.ticket(&format!("seed {i}"), &[]);
    }
    desk.ok(&["action", "add", "1", "Check the cable"]);
    let commands: Vec<Vec<String>> = [
        "new -s Printer -c technical -m Jammed",
        "reply 1 -m Looking",
        "status 2 in-progress",
        "resolve 3 --solution Restarted",
        "action done 1 1",
        "reopen 3",
        "action add 1 Another",
        "reply 2 -m Still",
    ]
    .iter()
    .map(|c| c.split(' ').map(String::from).collect())
    .collect();
    // How long each command takes here (the quickest of three runs), so
    // kills land all along a run.
    let durations: Vec<u64> = commands
        .iter()
        .map(|args| {
            (0..3)
                .map(|_| {
                    let start = Instant::now();
                    let _ = desk.cmd().args(args).output().unwrap();
                    start.elapsed().as_micros() as u64
                })
                .min()
                .unwrap()
        })
        .collect();
    consistent(&desk, "after calibration");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("kill test seed {seed}");
    let mut rng = Lcg(seed);
    let mut killed = 0;
    let (mut completed, mut undone) = (0, 0);
    // scripts/bench.sh --stress runs many more rounds.
    let rounds: u32 = std::env::var("TKT_KILL_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    for round in 0..rounds {
        let which = rng.below(commands.len() as u64) as usize;
        let delay = Duration::from_micros(rng.below(durations[which] + 1));
        let mut child = desk.std_cmd().args(&commands[which]).spawn().unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let recovered = consistent(
            &desk,
            &format!("round {round} ({:?}, seed {seed})", commands[which]),
        );
        match recovered.as_deref() {
            Some(n) if n.contains("finished an interrupted action") => completed += 1,
            Some(n) if n.contains("undid an interrupted action") => undone += 1,
            _ => {}
        }
        committed_equals_disk(&desk);
    }
    eprintln!(
        "{killed} of {rounds} runs were killed before they finished; the next command \
         completed {completed} and undid {undone} interrupted actions"
    );
    assert!(
        completed + undone > 0,
        "no kill landed between the journal and the end of a commit"
    );
    // Most runs must really be cut short, or the test proves little.
    assert!(
        killed >= rounds * 2 / 5,
        "only {killed} of {rounds} runs were still running when killed"
    );
    let fsck = std::process::Command::new("git")
        .args(["fsck", "--strict", "--no-dangling"])
        .current_dir(&desk.root)
        .output()
        .unwrap();
    assert!(
        fsck.status.success(),
        "git fsck: {}",
        String::from_utf8_lossy(&fsck.stderr)
    );
}

#[test]
fn killed_before_the_commit_point_nothing_happened() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    let before = desk.snapshot();
    let commits = desk.commit_count();
    let out = desk
        .cmd()
        .args(["reply", &folio, "-m", "lost in the crash"])
        .env("TKT_CRASH_AT", "files")
        .output()
        .unwrap();
    assert!(!out.status.success());
    // The reply file is on disk, but git never recorded it: the next
    // command puts things back before it reads anything.
    assert_eq!(desk.entries(&folio).len(), 1);
    let shown = desk.ok(&["show", &folio]);
    assert!(!shown.contains("lost in the crash"), "{shown}");
    assert_eq!(desk.snapshot(), before);
    assert_eq!(desk.commit_count(), commits);
    consistent(&desk, "rolled back");
}

#[test]
fn killed_after_the_commit_point_the_action_is_completed() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    let commits = desk.commit_count();
    let out = desk
        .cmd()
        .args(["reply", &folio, "-m", "made it"])
        .env("TKT_CRASH_AT", "head")
        .output()
        .unwrap();
    assert!(!out.status.success());
    // Killed holding git's index lock, with the index not yet updated.
    assert!(desk.path(".git/index.lock").exists());
    assert_eq!(desk.commit_count(), commits + 1);
    let out = desk.run(&["show", &folio]);
    assert!(out.status.success());
    contains(&String::from_utf8_lossy(&out.stdout), "made it");
    contains(
        &String::from_utf8_lossy(&out.stderr),
        "finished an interrupted action",
    );
    consistent(&desk, "completed");
    committed_equals_disk(&desk);
}

#[test]
fn killed_after_the_journal_a_new_ticket_leaves_no_folder() {
    let desk = Desk::new();
    let out = desk
        .cmd()
        .args(["new", "-s", "Ghost", "-c", "technical", "-m", "x"])
        .env("TKT_CRASH_AT", "files")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(desk.path("tickets/TKT001/ticket.md").exists());
    consistent(&desk, "new rolled back");
    assert!(!desk.path("tickets/TKT001").exists());
    assert_eq!(desk.ticket("Real", &[]), "TKT001");
}

#[test]
fn refuses_while_git_holds_the_index_lock() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    std::fs::write(desk.path(".git/index.lock"), "").unwrap();
    let commits = desk.commit_count();
    let before = desk.snapshot();
    let err = desk.fails(&["reply", &folio, "-m", "hi"], 1);
    contains(&err, "index.lock exists");
    contains(&err, "another git process");
    assert_eq!(desk.commit_count(), commits);
    assert_eq!(desk.snapshot(), before);
    std::fs::remove_file(desk.path(".git/index.lock")).unwrap();
    desk.ok(&["reply", &folio, "-m", "hi"]);
    consistent(&desk, "after the lock went");
}

#[test]
fn a_split_index_is_updated_through_git() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    desk.git(&["update-index", "--split-index"]);
    desk.ok(&["reply", &folio, "-m", "with a split index"]);
    desk.ok(&["status", &folio, "in-progress"]);
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
    desk.write("notes.txt", "unrelated\n");
    desk.git(&["add", "notes.txt"]);
    desk.git(&["commit", "-qm", "unrelated"]);
    // The ordinary commit keeps every reply.
    committed_equals_disk(&desk);
    assert_eq!(desk.entries(&folio).len(), 2);
}

#[test]
fn an_interrupted_action_in_a_linked_worktree_is_finished_there() {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    let linked = desk.tmp.path().join("linked");
    desk.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "other",
        linked.to_str().unwrap(),
    ]);
    let run = |args: &[&str], crash: Option<&str>| {
        let mut cmd = desk.std_cmd();
        cmd.current_dir(&linked).args(args);
        if let Some(point) = crash {
            cmd.env("TKT_CRASH_AT", point);
        }
        cmd.output().unwrap()
    };
    assert!(
        !run(&["reply", &folio, "-m", "in the worktree"], Some("head"))
            .status
            .success()
    );
    let shown = run(&["show", &folio], None);
    assert!(shown.status.success());
    contains(
        &String::from_utf8_lossy(&shown.stderr),
        "finished an interrupted action",
    );
    let status = std::process::Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(&linked)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "");
}
