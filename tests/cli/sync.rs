//! `tkt sync` between clones of one bare remote, over the `git` program.

use crate::common::{contains, Desk};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A second clone of the desk's remote, with Ben's identity.
struct Team {
    desk: Desk,
    other: PathBuf,
}

impl Team {
    fn new() -> Team {
        let desk = Desk::new();
        desk.ticket("Scanner jams", &[]);
        desk.ticket("Printer offline", &[]);
        let remote = desk.publish();
        let other = desk.clone_as(&remote, "other", "Ben Okafor", "ben@example.org");
        Team { desk, other }
    }

    /// tkt in the second clone.
    fn other(&self, args: &[&str]) -> Output {
        self.desk
            .std_cmd()
            .current_dir(&self.other)
            .args(args)
            .output()
            .unwrap()
    }

    fn other_ok(&self, args: &[&str]) -> String {
        let out = self.other(args);
        assert!(
            out.status.success(),
            "tkt {args:?} in the other clone: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Both clones talk to the remote through `git daemon` on 127.0.0.1,
    /// served as long as the returned handle lives.
    fn over_git_daemon(&self) -> Daemon {
        let (daemon, port) = git_daemon(self.desk.tmp.path());
        let url = format!("git://127.0.0.1:{port}/remote.git");
        self.desk.git(&["remote", "set-url", "origin", &url]);
        self.desk
            .git_in(&self.other, &["remote", "set-url", "origin", &url]);
        daemon
    }

    fn tree(&self, dir: &Path) -> String {
        self.desk.git_in(dir, &["rev-parse", "HEAD^{tree}"])
    }
}

#[test]
fn work_on_two_clones_meets_at_the_remote_one_commit_per_action() {
    let team = Team::new();
    let desk = &team.desk;
    assert_eq!(
        desk.ok(&["sync"]).trim(),
        "Already in sync with origin/main."
    );
    desk.ok(&["reply", "1", "-m", "Which tray?"]);
    team.other_ok(&["note", "2", "-m", "Cable checked"]);
    let before = desk.git_in(&team.other, &["log", "-1", "--format=%an <%ae> %ad%n%B"]);

    contains(
        &desk.ok(&["sync"]),
        "0 received, 0 replayed on top, 1 pushed",
    );
    contains(
        &team.other_ok(&["sync"]),
        "1 received, 1 replayed on top, 1 pushed",
    );
    contains(&desk.ok(&["sync"]), "1 received");
    assert_eq!(team.tree(&desk.root), team.tree(&team.other));
    // The replayed commit keeps its author, date, message and trailers.
    let after = desk.git_in(&team.other, &["log", "-1", "--format=%an <%ae> %ad%n%B"]);
    assert_eq!(after, before);
    contains(&after, "Ticket: TKT002\nTicket-Uid: ");
    // History stays linear: one commit per action, no merge commits.
    assert_eq!(
        desk.git(&["rev-list", "--merges", "--count", "HEAD"])
            .trim(),
        "0"
    );
    assert_eq!(desk.git(&["status", "--porcelain"]), "");
    assert_eq!(desk.git_in(&team.other, &["status", "--porcelain"]), "");
    assert_eq!(desk.ok(&["check"]), "");
    // Replayed commits keep what auditors check: trailers, entry authors
    // and the authors' identities.
    desk.ok(&["audit"]);
    team.other_ok(&["audit"]);
}

#[test]
fn a_file_changed_on_both_sides_stops_the_sync_and_changes_nothing() {
    let team = Team::new();
    let desk = &team.desk;
    desk.write("notes.md", "ours\n");
    desk.git(&["add", "notes.md"]);
    desk.git(&["commit", "-qm", "notes"]);
    desk.ok(&["sync"]);
    std::fs::write(team.other.join("notes.md"), "theirs\n").unwrap();
    desk.git_in(&team.other, &["add", "notes.md"]);
    desk.git_in(&team.other, &["commit", "-qm", "other notes"]);
    let head = desk.git_in(&team.other, &["rev-parse", "HEAD"]);
    let out = team.other(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    contains(&err, "changed both here and on origin/main");
    contains(&err, "notes.md");
    assert_eq!(desk.git_in(&team.other, &["rev-parse", "HEAD"]), head);
    assert_eq!(desk.git_in(&team.other, &["status", "--porcelain"]), "");
    assert_eq!(
        std::fs::read_to_string(team.other.join("notes.md")).unwrap(),
        "theirs\n"
    );
}

#[test]
fn a_rewritten_remote_history_is_refused() {
    let team = Team::new();
    let desk = &team.desk;
    desk.ok(&["reply", "1", "-m", "first"]);
    desk.ok(&["sync"]);
    team.other_ok(&["sync"]);
    // Someone rewrites the published history.
    desk.git(&["commit", "-q", "--amend", "-m", "rewritten"]);
    desk.git(&["push", "-q", "--force", "origin", "main"]);
    team.other_ok(&["note", "1", "-m", "mine"]);
    let head = desk.git_in(&team.other, &["rev-parse", "HEAD"]);
    let out = team.other(&["sync"]);
    assert_eq!(out.status.code(), Some(1));
    contains(&String::from_utf8_lossy(&out.stderr), "was rewritten");
    assert_eq!(desk.git_in(&team.other, &["rev-parse", "HEAD"]), head);
    // Trying again does not make it acceptable.
    let again = team.other(&["sync"]);
    assert_eq!(again.status.code(), Some(1));
    contains(&String::from_utf8_lossy(&again.stderr), "was rewritten");
    assert_eq!(desk.git_in(&team.other, &["rev-parse", "HEAD"]), head);
}

#[test]
fn sync_needs_a_remote_and_a_branch() {
    let desk = Desk::new();
    let err = desk.fails(&["sync"], 1);
    contains(&err, "there is no remote `origin`");
    desk.git(&["checkout", "-q", "--detach"]);
    contains(&desk.fails(&["sync"], 1), "HEAD is detached");
    desk.git(&["checkout", "-q", "main"]);
    // Half-way through a merge (as a stopped `git pull` leaves it).
    let head = desk.git(&["rev-parse", "HEAD"]);
    desk.write(".git/MERGE_HEAD", &head);
    contains(&desk.fails(&["sync"], 1), "in the middle of a merge");
}

/// `git daemon` on 127.0.0.1, serving the folder that holds the remote,
/// pushes allowed: a real network protocol between the clones.
struct Daemon(std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn git_daemon(base: &Path) -> (Daemon, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("git")
        .args([
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--enable=receive-pack",
            "--listen=127.0.0.1",
            &format!("--port={port}"),
            &format!("--base-path={}", base.display()),
        ])
        .arg(base)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("git daemon (part of git) runs");
    let daemon = Daemon(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (daemon, port);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("git daemon did not start on port {port}");
}

#[test]
fn clones_sync_over_the_git_protocol() {
    let team = Team::new();
    let desk = &team.desk;
    let _daemon = team.over_git_daemon();
    desk.ok(&["reply", "1", "-m", "over the network"]);
    team.other_ok(&["status", "2", "in-progress"]);
    contains(&desk.ok(&["sync"]), "1 pushed");
    contains(
        &team.other_ok(&["sync"]),
        "1 received, 1 replayed on top, 1 pushed",
    );
    contains(&desk.ok(&["sync"]), "1 received");
    assert_eq!(team.tree(&desk.root), team.tree(&team.other));
    contains(&desk.ok(&["show", "1"]), "over the network");
    contains(&team.other_ok(&["show", "1"]), "over the network");
}

#[test]
fn a_sync_killed_at_any_moment_completes_when_run_again() {
    let team = Team::new();
    let desk = &team.desk;
    // Over the network, so the server's side is not killed with the client.
    let _daemon = team.over_git_daemon();
    let mut seed: u64 = 0x5eed;
    for round in 0..10 {
        desk.ok(&["reply", "1", "-m", &format!("ours {round}")]);
        desk.ok(&["sync"]);
        team.other_ok(&["note", "2", "-m", &format!("theirs {round}")]);
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = std::time::Duration::from_millis((seed >> 33) % 120);
        // Killed with the git processes it started, as a closed terminal or
        // a machine going down would.
        let mut child = desk
            .std_cmd()
            .current_dir(&team.other)
            .arg("sync")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
        child.wait().unwrap();
        team.other_ok(&["sync"]);
        desk.ok(&["sync"]);
        assert_eq!(
            team.tree(&desk.root),
            team.tree(&team.other),
            "round {round}"
        );
        contains(&desk.ok(&["show", "2"]), &format!("theirs {round}"));
        assert_eq!(desk.git_in(&team.other, &["status", "--porcelain"]), "");
    }
}

#[test]
fn a_sync_dying_while_it_moves_the_work_tree_is_settled_by_the_next_command() {
    let team = Team::new();
    let desk = &team.desk;
    desk.ok(&["reply", "1", "-m", "from the first clone"]);
    desk.ok(&["sync"]);
    team.other_ok(&["note", "2", "-m", "from the second clone"]);
    for point in ["files", "head"] {
        let out = desk
            .std_cmd()
            .current_dir(&team.other)
            .arg("sync")
            .env("TKT_CRASH_AT", point)
            .output()
            .unwrap();
        assert!(!out.status.success(), "crashed at {point}");
        let shown = team.other(&["show", "1"]);
        contains(
            &String::from_utf8_lossy(&shown.stderr),
            "interrupted action",
        );
        assert_eq!(desk.git_in(&team.other, &["status", "--porcelain"]), "");
    }
    team.other_ok(&["sync"]);
    desk.ok(&["sync"]);
    assert_eq!(team.tree(&desk.root), team.tree(&team.other));
    contains(&desk.ok(&["show", "2"]), "from the second clone");
    contains(&team.other_ok(&["show", "1"]), "from the first clone");
}

#[test]
fn changes_to_one_ticket_on_two_clones_merge_field_by_field() {
    let team = Team::new();
    let desk = &team.desk;
    // Different fields: both are kept.
    desk.ok(&["priority", "1", "high"]);
    team.other_ok(&["action", "add", "1", "Check the rollers"]);
    desk.ok(&["sync"]);
    contains(
        &team.other_ok(&["sync"]),
        "1 received, 1 replayed on top, 1 pushed",
    );
    desk.ok(&["sync"]);
    let shown = desk.ok(&["show", "1", "--json"]);
    contains(&shown, "\"priority\": \"high\"");
    contains(&shown, "Check the rollers");
    // The same field: the later action wins, and both stay in the timeline.
    desk.ok(&["status", "1", "waiting-on-requester"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    team.other_ok(&["status", "1", "in-progress"]);
    desk.ok(&["sync"]);
    team.other_ok(&["sync"]);
    desk.ok(&["sync"]);
    assert_eq!(team.tree(&desk.root), team.tree(&team.other));
    let shown = desk.ok(&["show", "1", "--json"]);
    contains(&shown, "\"status\": \"in-progress\"");
    let timeline = desk.ok(&["show", "1"]);
    contains(&timeline, "waiting-on-requester");
    assert_eq!(desk.ok(&["check"]), "");
    assert!(!desk.read("tickets/TKT001/ticket.md").contains("<<<<<<<"));
}

#[test]
fn the_later_change_of_a_field_wins_by_its_own_entry_and_the_loser_is_recorded() {
    let team = Team::new();
    let desk = &team.desk;
    let pause = || std::thread::sleep(std::time::Duration::from_millis(1100));
    desk.ok(&["status", "1", "waiting-on-requester"]);
    pause();
    team.other_ok(&["status", "1", "in-progress"]);
    pause();
    // Ana's clone acted last overall, but changed the status first.
    desk.ok(&["note", "1", "-m", "Asked Rita for the error code"]);
    team.other_ok(&["sync"]);
    contains(&desk.ok(&["sync"]), "2 replayed on top");
    let shown = desk.ok(&["show", "1", "--json"]);
    contains(&shown, "\"status\": \"in-progress\"");
    contains(&shown, "Asked Rita for the error code");
    contains(
        &shown,
        "status: `in-progress` (set on origin/main) kept; `waiting-on-requester` \
         (set on the clone that synced) overridden",
    );
    let subjects = desk.git(&[
        "log",
        "--format=%s|%(trailers:key=Actor,valueonly,separator=)",
        "-1",
    ]);
    contains(
        &subjects,
        "TKT001: changed on two clones at once; the later change kept (status)|ana",
    );
    assert_eq!(desk.ok(&["check"]), "");
    desk.ok(&["audit"]);
    team.other_ok(&["sync"]);
    assert_eq!(team.tree(&desk.root), team.tree(&team.other));
}

#[test]
fn a_folio_taken_on_the_remote_meanwhile_is_renumbered_with_everything_that_names_it() {
    let team = Team::new();
    let desk = &team.desk;
    assert_eq!(desk.ticket("Ours", &[]), "TKT003");
    desk.ok(&["sync"]);
    let theirs = ["new", "-s", "Theirs", "-c", "technical", "-m", "x"];
    assert_eq!(team.other_ok(&theirs).trim(), "TKT003");
    team.other_ok(&["reply", "3", "-m", "Working on TKT003 now"]);
    team.other_ok(&["note", "1", "-m", "Same cause as TKT003, see TKT0031 too"]);
    let synced = team.other_ok(&["sync"]);
    contains(&synced, "3 replayed on top, 1 event recorded, 4 pushed");
    contains(&synced, "Renumbered TKT003 → TKT004: Theirs");

    // The ticket, its entries and the mentions in the work done here moved.
    let moved = team.other_ok(&["show", "4", "--json"]);
    contains(&moved, "\"subject\": \"Theirs\"");
    contains(&moved, "Working on TKT004 now");
    contains(&moved, "\"from\": \"TKT003\"");
    contains(
        &team.other_ok(&["show", "4"]),
        "renumbered from TKT003 to TKT004",
    );
    contains(
        &team.other_ok(&["show", "1"]),
        "Same cause as TKT004, see TKT0031 too",
    );
    contains(
        &team.other_ok(&["show", "3", "--json"]),
        "\"subject\": \"Ours\"",
    );
    // The commits as pushed name the new folio in subject and trailers.
    let log = desk.git_in(
        &team.other,
        &[
            "log",
            "--format=%s|%(trailers:key=Ticket,valueonly,separator=)",
            "-4",
        ],
    );
    let log: Vec<&str> = log.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        log,
        [
            "TKT004: renumbered from TKT003 (TKT003 was taken on origin/main)|TKT004",
            "TKT001: note by ben|TKT001",
            "TKT004: reply by ben|TKT004",
            "TKT004: new ticket: Theirs|TKT004",
        ]
    );

    // This clone still knows the old folio.
    let out = team.other(&["show", "3"]);
    contains(
        &String::from_utf8_lossy(&out.stderr),
        "registered on this clone as TKT003 (Theirs) is now TKT004",
    );
    contains(&String::from_utf8_lossy(&out.stdout), "Ours");

    desk.ok(&["sync"]);
    assert_eq!(team.tree(&desk.root), team.tree(&team.other));
    for dir in [&desk.root, &team.other] {
        let check = desk
            .std_cmd()
            .current_dir(dir)
            .arg("check")
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
        let audit = desk
            .std_cmd()
            .current_dir(dir)
            .arg("audit")
            .output()
            .unwrap();
        assert!(
            audit.status.success(),
            "{}",
            String::from_utf8_lossy(&audit.stdout)
        );
    }
}

/// `git` with the tkt under test first on PATH, as the merge driver needs.
fn git_with_tkt(desk: &Desk, dir: &Path, args: &[&str]) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_tkt")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", desk.tmp.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("PATH", path)
        .output()
        .unwrap()
}

#[test]
fn plain_git_pull_merges_tickets_through_the_merge_driver() {
    let team = Team::new();
    let desk = &team.desk;
    team.other_ok(&["setup"]);
    contains(
        &desk.git_in(&team.other, &["config", "merge.tkt-ticket.driver"]),
        "tkt merge-driver %O %A %B %P",
    );
    desk.ok(&["priority", "1", "high"]);
    desk.git(&["push", "-q", "origin", "main"]);
    team.other_ok(&["action", "add", "1", "Check the rollers"]);
    let pulled = git_with_tkt(
        desk,
        &team.other,
        &["pull", "-q", "--no-rebase", "--no-edit"],
    );
    assert!(
        pulled.status.success(),
        "{}",
        String::from_utf8_lossy(&pulled.stderr)
    );
    let shown = team.other_ok(&["show", "1", "--json"]);
    contains(&shown, "\"priority\": \"high\"");
    contains(&shown, "Check the rollers");
    assert_eq!(team.other_ok(&["check"]), "");

    // Two different tickets under one folio are never mixed into one file.
    desk.ticket("Ours", &[]);
    desk.git(&["push", "-q", "origin", "main"]);
    team.other_ok(&["new", "-s", "Theirs", "-c", "technical", "-m", "x"]);
    let pulled = git_with_tkt(desk, &team.other, &["pull", "--no-rebase", "--no-edit"]);
    assert!(!pulled.status.success());
    let said = String::from_utf8_lossy(&pulled.stderr).to_string()
        + &String::from_utf8_lossy(&pulled.stdout);
    contains(&said, "tkt sync");
    let file = std::fs::read_to_string(team.other.join("tickets/TKT003/ticket.md")).unwrap();
    assert!(!file.contains("<<<<<<<"), "{file}");
    contains(&file, "Theirs");
}

impl Team {
    /// Turns auto-sync on in the shared config (both clones get it).
    fn with_auto_sync(self) -> Team {
        let config = self.desk.read("helpdesk.yaml");
        self.desk.write(
            "helpdesk.yaml",
            &format!("{config}sync:\n  auto: true\n  timeout_seconds: 2\n"),
        );
        self.desk.git(&["commit", "-qam", "auto-sync"]);
        self.desk.ok(&["sync"]);
        self.other_ok(&["sync"]);
        self
    }

    fn remote_log(&self) -> String {
        self.desk
            .git_in(&self.other, &["log", "--format=%s", "origin/main"])
    }
}

#[test]
fn without_auto_sync_a_new_folio_is_provisional_until_pushed() {
    let team = Team::new();
    let out = team
        .desk
        .cmd()
        .args(["new", "-s", "Mine", "-c", "technical", "-m", "x"])
        .output()
        .unwrap();
    assert!(out.status.success());
    contains(
        &String::from_utf8_lossy(&out.stderr),
        "TKT003 is provisional until `tkt sync` pushes it",
    );
    // A clone without a remote has nothing to be provisional about.
    let alone = Desk::new();
    let out = alone
        .cmd()
        .args(["new", "-s", "Mine", "-c", "technical", "-m", "x"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("provisional"));
}

#[test]
fn auto_sync_takes_the_remotes_folios_first_and_pushes_every_change() {
    let team = Team::new().with_auto_sync();
    let desk = &team.desk;
    let out = desk
        .cmd()
        .args(["new", "-s", "Ours", "-c", "technical", "-m", "x"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "TKT003");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("provisional"));
    // The other clone has not synced, yet gets the next free folio.
    let theirs = team.other_ok(&["new", "-s", "Theirs", "-c", "technical", "-m", "x"]);
    assert_eq!(theirs.trim(), "TKT004");
    team.other_ok(&["reply", "3", "-m", "Seen on the other clone"]);
    desk.git_in(&team.other, &["fetch", "-q", "origin"]);
    let pushed = team.remote_log();
    contains(&pushed, "TKT003: reply by ben");
    contains(&pushed, "TKT004: new ticket: Theirs");
    contains(&pushed, "TKT003: new ticket: Ours");
    assert_eq!(desk.git_in(&team.other, &["status", "--porcelain"]), "");
}

#[test]
fn auto_sync_offline_commits_here_says_so_and_sync_pushes_later() {
    let team = Team::new().with_auto_sync();
    let desk = &team.desk;
    let remote = desk.tmp.path().join("remote.git");
    let away = desk.tmp.path().join("away.git");
    std::fs::rename(&remote, &away).unwrap();
    let out = desk
        .cmd()
        .args(["new", "-s", "Offline", "-c", "technical", "-m", "x"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    contains(&said, "could not get the remote's changes first");
    contains(&said, "committed on this clone but not pushed");
    contains(&said, "TKT003 is provisional");
    std::fs::rename(&away, &remote).unwrap();
    contains(&desk.ok(&["sync"]), "1 pushed");
}

#[test]
fn auto_sync_never_waits_longer_than_its_timeout() {
    let team = Team::new().with_auto_sync();
    let desk = &team.desk;
    // A remote whose transport hangs: ssh replaced by a long sleep.
    desk.git(&[
        "remote",
        "set-url",
        "origin",
        "ssh://helpdesk.invalid/remote.git",
    ]);
    desk.git(&["config", "core.sshCommand", "sleep 60 #"]);
    let out = desk.cmd().args(["priority", "1", "high"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stderr);
    contains(&said, "took longer than 2 s");
    contains(&said, "not pushed");
    contains(&desk.ok(&["show", "1", "--json"]), "\"priority\": \"high\"");
}

/// Every file under `dir` with its bytes, by relative path.
fn files_under(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn caches_kept_across_a_sync_that_replays_give_what_a_fresh_read_gives() {
    let team = Team::new();
    let desk = &team.desk;
    let now = "2030-01-01T00:00:00Z";
    let build = |out: &str| {
        let done = desk
            .cmd()
            .env("TKT_NOW", now)
            .args(["build", "--out", out])
            .output()
            .unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    };
    let report = || {
        let done = desk
            .cmd()
            .env("TKT_NOW", now)
            .arg("report")
            .output()
            .unwrap();
        String::from_utf8(done.stdout).unwrap()
    };
    desk.ok(&["reply", "1", "-m", "Before the others'"]);
    build("../site-before");
    report();
    team.other_ok(&["status", "2", "in-progress"]);
    team.other_ok(&["note", "1", "-m", "From the other clone"]);
    team.other_ok(&["sync"]);
    desk.ok(&["priority", "1", "urgent"]);
    contains(&desk.ok(&["sync"]), "2 replayed");

    build("../site-warm");
    let warm_report = report();
    for cache in std::fs::read_dir(desk.root.join(".git/tkt")).unwrap() {
        let path = cache.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::remove_file(path).unwrap();
        }
    }
    build("../site-cold");
    assert_eq!(warm_report, report());
    let warm = files_under(&desk.tmp.path().join("site-warm"));
    let cold = files_under(&desk.tmp.path().join("site-cold"));
    assert_eq!(
        warm.keys().collect::<Vec<_>>(),
        cold.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &warm {
        assert!(cold[path] == *bytes, "{} differs", path.display());
    }
    let trail = String::from_utf8_lossy(&warm[Path::new("tickets/TKT001/index.html")]).to_string();
    contains(&trail, "From the other clone");
}
