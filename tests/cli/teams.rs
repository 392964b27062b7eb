//! A team of five clones of one remote doing random work — registrations,
//! replies, notes, status changes, assignments, actions, resolutions —
//! with random sync orders and offline stretches. Whatever the order, after
//! a final sync round every clone must hold the same tree, and every action
//! that succeeded must be there exactly once, on the ticket it was done to.
//!
//! The run is fixed by a seed (`TKT_TEAM_SEED`) and a size
//! (`TKT_TEAM_ROUNDS`); the clock is pinned through `TKT_NOW`, so a seed
//! replays the same operations (uids and entry file names keep their
//! random parts). A failure prints the seed and the operation log.
//! `scripts/bench.sh --teams [ROUNDS]` runs a longer one in release mode.

use crate::common::Desk;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

const DEFAULT_SEED: u64 = 0x7ea3_2026;
/// Small for `cargo test`: about 15 s in a debug build on the 2-core
/// development machine (with nothing else running).
const DEFAULT_ROUNDS: usize = 25;

/// Whether two clones may register tickets without having seen each
/// other's registrations: the folio collisions this makes are `tkt sync`'s
/// to renumber. Setting it to `false` lets only a clone that holds every
/// ticket register, which checks everything else where sync cannot
/// renumber yet. Keep it `true`.
const COLLISIONS: bool = true;

/// Everyone in `Desk::new()`.
const PEOPLE: [&str; 4] = ["ana", "ben", "cai", "rita"];
/// Whose machine each clone is: its git identity and its usual actor.
/// Clone 0 is the desk's own repository (Ana's).
const OWNERS: [&str; 5] = ["ana", "ben", "cai", "rita", "ben"];
const STATUSES: [&str; 4] = ["open", "in-progress", "waiting-on-requester", "closed"];
const PRIORITIES: [&str; 4] = ["low", "medium", "high", "urgent"];
const CATEGORIES: [&str; 3] = ["technical", "suggestion", "other"];
/// Tickets on the remote before the clones are made.
const FIRST_TICKETS: usize = 3;

#[test]
fn five_clones_working_offline_and_syncing_in_random_order_end_identical() {
    let seed = env_number("TKT_TEAM_SEED", DEFAULT_SEED);
    let rounds = env_number("TKT_TEAM_ROUNDS", DEFAULT_ROUNDS as u64) as usize;
    let mut team = Team::new(seed, rounds);
    for _ in 0..rounds {
        team.round();
    }
    // Each clone sends what it has; then each receives what came after it.
    for _ in 0..2 {
        for clone in 0..OWNERS.len() {
            team.sync(clone);
        }
    }
    team.verify();
    eprintln!("{}", team.summary());
    if COLLISIONS && team.rounds >= 10 {
        assert!(
            team.renumberings() > 0,
            "no clone ever registered under a folio another took first: the test did not \
             exercise renumbering ({})",
            team.summary()
        );
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name}=`{text}` is not a whole number")),
        Err(_) => default,
    }
}

/// splitmix64: tiny, seedable, good enough to choose operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// What succeeded, each to be found exactly once at the end, on the
/// ticket (by uid) it was done to.
#[derive(Default)]
struct Expected {
    /// Subject of each registration → the new ticket's uid.
    subjects: BTreeMap<String, String>,
    /// Text of each reply and note → uid.
    texts: BTreeMap<String, String>,
    /// Text of each action added → uid.
    actions: BTreeMap<String, String>,
    /// Actions ticked off (by text).
    done: BTreeSet<String>,
}

struct Team {
    desk: Desk,
    remote: PathBuf,
    clones: Vec<PathBuf>,
    rng: Rng,
    seed: u64,
    rounds: usize,
    /// The pinned clock: seconds after `start`, moved on before each command.
    start: DateTime<Utc>,
    clock: i64,
    step: usize,
    log: Vec<String>,
    expected: Expected,
}

/// On a failure: how to run it again, and what happened until then.
impl Drop for Team {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "\nReproduce with TKT_TEAM_SEED={} TKT_TEAM_ROUNDS={} \
                 (COLLISIONS = {COLLISIONS}). Operation log:",
                self.seed, self.rounds
            );
            for line in &self.log {
                eprintln!("{line}");
            }
        }
    }
}

impl Team {
    /// The desk with a few tickets, published, and four more clones of it.
    fn new(seed: u64, rounds: usize) -> Team {
        let desk = Desk::new();
        let remote = desk.tmp.path().join("remote.git");
        let mut team = Team {
            clones: vec![desk.root.clone()],
            desk,
            remote,
            rng: Rng(seed),
            seed,
            rounds,
            start: "2030-01-07T08:00:00Z".parse().unwrap(),
            clock: 0,
            step: 0,
            log: Vec::new(),
            expected: Expected::default(),
        };
        for _ in 0..FIRST_TICKETS {
            team.register(0, "ana");
        }
        assert_eq!(team.desk.publish(), team.remote);
        for (n, owner) in OWNERS.iter().enumerate().skip(1) {
            let email = format!("{owner}@example.org");
            let clone = team
                .desk
                .clone_as(&team.remote, &format!("clone{n}"), owner, &email);
            team.clones.push(clone);
        }
        team
    }

    /// Each clone, in a random order, does a few things (now and then a
    /// long offline stretch), then syncs or stays offline.
    fn round(&mut self) {
        let mut order: Vec<usize> = (0..self.clones.len()).collect();
        self.rng.shuffle(&mut order);
        for clone in order {
            let actions = if self.rng.chance(15) {
                4 + self.rng.below(6)
            } else {
                self.rng.below(4)
            };
            for _ in 0..actions {
                self.act(clone);
            }
            if self.rng.chance(60) {
                self.sync(clone);
            }
        }
    }

    /// `tkt sync` in `clone`: must succeed whatever the other clones did.
    fn sync(&mut self, clone: usize) {
        let out = self.tkt(clone, &["sync"]);
        let said = String::from_utf8_lossy(if out.status.success() {
            &out.stdout
        } else {
            &out.stderr
        })
        .trim()
        .replace('\n', " | ");
        self.log.push(format!(
            "#{} c{clone} t+{}s: sync -> {:?} {said}",
            self.step,
            self.clock,
            out.status.code()
        ));
        assert!(out.status.success(), "sync in clone {clone} failed: {said}");
    }

    /// One random operation in `clone`, as its owner or now and then as
    /// someone else (a shared machine, `--as`).
    fn act(&mut self, clone: usize) {
        let actor = if self.rng.chance(65) {
            OWNERS[clone]
        } else {
            *self.rng.pick(&PEOPLE)
        };
        let choice = self.rng.below(100);
        let target = match choice {
            0..=13 => None,
            _ => self.target(clone, actor),
        };
        let Some((folio, uid)) = target else {
            self.register(clone, actor);
            return;
        };
        let tag = format!("c{clone}-op{}", self.step);
        match choice {
            14..=29 => self.post(clone, actor, "reply", &folio, &uid, &tag),
            30..=41 => self.post(clone, actor, "note", &folio, &uid, &tag),
            42..=48 => {
                let status = *self.rng.pick(&STATUSES);
                self.run(clone, actor, &["status", &folio, status]);
            }
            49..=55 => {
                let person = *self.rng.pick(&PEOPLE);
                self.run(clone, actor, &["assign", &folio, person]);
            }
            56..=60 => {
                self.run(clone, actor, &["take", &folio]);
            }
            61..=63 => {
                let priority = *self.rng.pick(&PRIORITIES);
                self.run(clone, actor, &["priority", &folio, priority]);
            }
            64..=73 => self.add_action(clone, actor, &folio, &uid, &tag),
            74..=80 => self.tick_action(clone, actor, &folio),
            81..=87 => {
                let solution = format!("{tag} solution");
                self.run(clone, actor, &["resolve", &folio, "--solution", &solution]);
            }
            88..=93 => {
                self.run(clone, actor, &["close", &folio]);
            }
            _ => {
                self.run(clone, actor, &["reopen", &folio]);
            }
        }
    }

    /// A ticket this clone knows, and its uid: mostly an unfinished one,
    /// and for Rita mostly one of hers, so that not every action is refused.
    fn target(&mut self, clone: usize, actor: &str) -> Option<(String, String)> {
        let tickets: Vec<(String, serde_yaml::Value)> = self
            .folios(clone)
            .into_iter()
            .map(|folio| {
                let front = self.ticket_front(clone, &folio);
                (folio, front)
            })
            .collect();
        let mut likely: Vec<&(String, serde_yaml::Value)> = tickets.iter().collect();
        if self.rng.chance(75) {
            likely.retain(|(_, front)| front["status"].as_str() != Some("closed"));
        }
        if actor == "rita" && self.rng.chance(80) {
            likely.retain(|(_, front)| front["requester"].as_str() == Some("rita"));
        }
        let (folio, front) = match (likely.is_empty(), tickets.is_empty()) {
            (_, true) => return None,
            (true, false) => self.rng.pick(&tickets),
            (false, false) => *self.rng.pick(&likely),
        };
        Some((folio.clone(), front["uid"].as_str()?.to_string()))
    }

    /// `tkt new` with a unique subject; now and then for Rita, or answered
    /// on the spot.
    fn register(&mut self, clone: usize, actor: &str) {
        let registered = self.expected.subjects.len();
        if !COLLISIONS && self.folios(clone).len() != registered {
            self.log.push(format!(
                "#{} c{clone}: no registration (COLLISIONS is off and this clone lacks some tickets)",
                self.step
            ));
            return;
        }
        let subject = format!("c{clone}-op{} subject", self.step);
        let category = *self.rng.pick(&CATEGORIES);
        let mut args = vec![
            "new",
            "-s",
            &subject,
            "-c",
            category,
            "-m",
            "Something is broken.",
        ];
        if actor != "rita" && self.rng.chance(30) {
            args.extend(["--requester", "rita"]);
        }
        let solution = format!("c{clone}-op{} solved at once", self.step);
        if self.rng.chance(5) {
            args.extend(["--resolve", &solution]);
        }
        let out = self.run(clone, actor, &args);
        if out.status.success() {
            let folio = String::from_utf8(out.stdout).unwrap().trim().to_string();
            let uid = self.ticket_front(clone, &folio)["uid"]
                .as_str()
                .unwrap()
                .to_string();
            self.expected.subjects.insert(subject, uid);
        }
    }

    /// A reply or note with a unique text, now and then reopening or
    /// changing the status too.
    fn post(&mut self, clone: usize, actor: &str, kind: &str, folio: &str, uid: &str, tag: &str) {
        let text = format!("{tag} {kind} text");
        let mut args = vec![kind, folio, "-m", &text];
        if self.rng.chance(15) {
            args.push("--reopen");
        } else if self.rng.chance(15) {
            args.extend(["--status", *self.rng.pick(&STATUSES)]);
        }
        if self.run(clone, actor, &args).status.success() {
            self.expected.texts.insert(text, uid.to_string());
        }
    }

    fn add_action(&mut self, clone: usize, actor: &str, folio: &str, uid: &str, tag: &str) {
        let text = format!("{tag} action");
        let done = self.rng.chance(15);
        let mut args = vec!["action", "add", folio, &text];
        if done {
            args.push("--done");
        }
        if self.run(clone, actor, &args).status.success() {
            self.expected.actions.insert(text.clone(), uid.to_string());
            if done {
                self.expected.done.insert(text);
            }
        }
    }

    /// `tkt action done` on an action of the ticket as this clone has it
    /// (done already or one past the end: refused).
    fn tick_action(&mut self, clone: usize, actor: &str, folio: &str) {
        let front = self.ticket_front(clone, folio);
        let texts: Vec<String> = front["actions"]
            .as_sequence()
            .map(|list| {
                list.iter()
                    .map(|a| a["text"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        // Mostly one it has; now and then one past the end.
        let number = match texts.len() {
            0 => 1,
            n if self.rng.chance(85) => 1 + self.rng.below(n),
            n => n + 1,
        };
        let out = self.run(
            clone,
            actor,
            &["action", "done", folio, &number.to_string()],
        );
        if out.status.success() {
            let text = texts.get(number - 1).unwrap_or_else(|| {
                panic!(
                    "tkt action done {folio} {number} succeeded, but it has only {} actions",
                    texts.len()
                )
            });
            self.expected.done.insert(text.clone());
        }
    }

    /// tkt in `clone` at the pinned clock, which moves on first (sometimes
    /// not at all, so some actions on different clones share a second).
    fn tkt(&mut self, clone: usize, args: &[&str]) -> Output {
        self.step += 1;
        self.clock += *self.rng.pick(&[0, 1, 1, 5, 30, 60, 600]);
        self.tkt_now(clone, args)
    }

    /// tkt in `clone` at the clock as it is.
    fn tkt_now(&self, clone: usize, args: &[&str]) -> Output {
        let now =
            (self.start + Duration::seconds(self.clock)).to_rfc3339_opts(SecondsFormat::Secs, true);
        self.desk
            .std_cmd()
            .current_dir(&self.clones[clone])
            .env("TKT_NOW", now)
            .args(args)
            .output()
            .unwrap()
    }

    /// A ticket command as `actor`, logged. The workflow may refuse it
    /// (exit 1 with a message); anything else but success fails the test.
    fn run(&mut self, clone: usize, actor: &str, args: &[&str]) -> Output {
        let mut full = vec!["--as", actor];
        full.extend_from_slice(args);
        let out = self.tkt(clone, &full);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let said = match out.status.code() {
            Some(0) => String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string(),
            _ => stderr.trim().replace('\n', " | "),
        };
        self.log.push(format!(
            "#{} c{clone} t+{}s: tkt {} -> {:?} {said}",
            self.step,
            self.clock,
            full.join(" "),
            out.status.code()
        ));
        let refused = out.status.code() == Some(1) && stderr.starts_with("error: ");
        assert!(
            out.status.success() || refused,
            "tkt {full:?} in clone {clone} neither succeeded nor was refused ({:?}): {stderr}",
            out.status.code()
        );
        assert!(
            !looks_internal(&stderr),
            "tkt {full:?} in clone {clone}: {stderr}"
        );
        out
    }

    /// The folios (folder names) under `tickets/` in a clone's work tree.
    fn folios(&self, clone: usize) -> Vec<String> {
        let mut folios: Vec<String> = std::fs::read_dir(self.clones[clone].join("tickets"))
            .map(|dir| {
                dir.map(|e| e.unwrap())
                    .filter(|e| e.file_type().unwrap().is_dir())
                    .map(|e| e.file_name().into_string().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        folios.sort();
        folios
    }

    fn ticket_front(&self, clone: usize, folio: &str) -> serde_yaml::Value {
        front_matter(&self.clones[clone].join(format!("tickets/{folio}/ticket.md"))).0
    }

    /// How many events syncs recorded (`…, 2 events recorded, …`).
    fn recorded_events(&self) -> usize {
        self.log
            .iter()
            .filter(|l| l.contains(": sync "))
            .filter_map(|l| {
                let before = &l[..l.find(" event")?];
                before.rsplit(' ').next()?.parse::<usize>().ok()
            })
            .sum()
    }

    /// How many tickets syncs renumbered.
    fn renumberings(&self) -> usize {
        self.log
            .iter()
            .map(|l| l.matches("Renumbered ").count())
            .sum()
    }

    /// How much happened, for `--nocapture` runs.
    fn summary(&self) -> String {
        let count = |what: &str| self.log.iter().filter(|l| l.contains(what)).count();
        format!(
            "seed {}, {} rounds: {} commands ({} succeeded, {} refused), {} syncs ({} renumberings, \
             {} merges that overrode a change); {} tickets, {} replies and notes, {} actions ({} done)",
            self.seed,
            self.rounds,
            count(": tkt "),
            count("-> Some(0)") - count(": sync -> Some(0)"),
            count("-> Some(1)"),
            count(": sync "),
            self.renumberings(),
            self.recorded_events().saturating_sub(self.renumberings()),
            self.expected.subjects.len(),
            self.expected.texts.len(),
            self.expected.actions.len(),
            self.expected.done.len()
        )
    }

    /// After the final sync round: the same commit and tree everywhere,
    /// clean work trees, everything there exactly once, and every check
    /// passing in every clone.
    fn verify(&self) {
        let head = |dir: &Path, rev: &str| self.desk.git_in(dir, &["rev-parse", rev]);
        for (n, clone) in self.clones.iter().enumerate() {
            assert_eq!(head(clone, "HEAD"), head(&self.remote, "HEAD"), "clone {n}");
            assert_eq!(
                head(clone, "HEAD^{tree}"),
                head(&self.clones[0], "HEAD^{tree}"),
                "clone {n}"
            );
            assert_eq!(
                self.desk.git_in(clone, &["status", "--porcelain"]),
                "",
                "clone {n}"
            );
        }
        let tickets = self.verify_tickets();
        self.verify_entries(&tickets);
        self.verify_listed(&tickets);
        for (n, _) in self.clones.iter().enumerate() {
            let check = self.tkt_now(n, &["check"]);
            assert!(
                check.status.success() && check.stdout.is_empty(),
                "tkt check in clone {n}: {}{}",
                String::from_utf8_lossy(&check.stdout),
                String::from_utf8_lossy(&check.stderr)
            );
            let audit = self.tkt_now(n, &["--as", "ana", "audit"]);
            assert!(
                audit.status.success(),
                "tkt audit in clone {n}: {}{}",
                String::from_utf8_lossy(&audit.stdout),
                String::from_utf8_lossy(&audit.stderr)
            );
            self.desk
                .git_in(&self.clones[n], &["fsck", "--strict", "--no-progress"]);
        }
        self.desk
            .git_in(&self.remote, &["fsck", "--strict", "--no-progress"]);
    }

    /// Each folder's ticket carries its folder's folio and a uid of its
    /// own; each registration is one ticket, each action added is on its
    /// ticket once. Returns folio → front matter.
    fn verify_tickets(&self) -> BTreeMap<String, serde_yaml::Value> {
        let mut tickets = BTreeMap::new();
        let mut by_uid = BTreeMap::new();
        let mut subjects: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut actions: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
        for folio in self.folios(0) {
            let front = self.ticket_front(0, &folio);
            let field = |key: &str| front[key].as_str().unwrap_or_default().to_string();
            assert_eq!(field("id"), folio, "the id in tickets/{folio}/ticket.md");
            if let Some(other) = by_uid.insert(field("uid"), folio.clone()) {
                panic!("{folio} and {other} have the same uid {}", field("uid"));
            }
            subjects
                .entry(field("subject"))
                .or_default()
                .push(field("uid"));
            for action in front["actions"].as_sequence().into_iter().flatten() {
                let text = action["text"].as_str().unwrap().to_string();
                let done = action["done"].as_bool().unwrap_or(false);
                actions.entry(text).or_default().push((field("uid"), done));
            }
            tickets.insert(folio, front);
        }
        assert_eq!(
            tickets.len(),
            self.expected.subjects.len(),
            "as many tickets as registrations"
        );
        for (subject, uid) in &self.expected.subjects {
            assert_eq!(
                subjects.get(subject),
                Some(&vec![uid.clone()]),
                "tickets with subject {subject:?}"
            );
        }
        for (text, uid) in &self.expected.actions {
            let found = actions.get(text).cloned().unwrap_or_default();
            let done = self.expected.done.contains(text);
            assert_eq!(
                found,
                vec![(uid.clone(), done)],
                "action {text:?} (uid, done)"
            );
        }
        tickets
    }

    /// Each reply and note that succeeded is one entry file, in the folder
    /// of the ticket it was posted to.
    fn verify_entries(&self, tickets: &BTreeMap<String, serde_yaml::Value>) {
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for folio in tickets.keys() {
            let replies = self.clones[0].join(format!("tickets/{folio}/replies"));
            for entry in std::fs::read_dir(&replies).into_iter().flatten() {
                let (_, body) = front_matter(&entry.unwrap().path());
                let uid = tickets[folio]["uid"].as_str().unwrap().to_string();
                found.entry(body.trim().to_string()).or_default().push(uid);
            }
        }
        for (text, uid) in &self.expected.texts {
            assert_eq!(
                found.get(text),
                Some(&vec![uid.clone()]),
                "entries with {text:?}"
            );
        }
    }

    /// `tkt list` shows every ticket, once.
    fn verify_listed(&self, tickets: &BTreeMap<String, serde_yaml::Value>) {
        let out = self.tkt_now(0, &["--as", "ana", "list", "--all", "--format", "json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut ids: Vec<String> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        assert_eq!(ids, tickets.keys().cloned().collect::<Vec<_>>());
    }
}

/// Whether a message is about a failure of tkt itself rather than a
/// refusal: a panic, or "internal" other than in "internal note".
fn looks_internal(stderr: &str) -> bool {
    let lower = stderr.to_lowercase().replace("internal note", "");
    lower.contains("internal") || lower.contains("panicked")
}

/// A Markdown file's YAML front matter and its body.
fn front_matter(path: &Path) -> (serde_yaml::Value, String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rest = text
        .strip_prefix("---\n")
        .unwrap_or_else(|| panic!("{} has no front matter", path.display()));
    let (yaml, body) = rest.split_once("\n---\n").unwrap_or((rest, ""));
    let value = serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (value, body.to_string())
}
