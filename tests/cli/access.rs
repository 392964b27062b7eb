//! The access rules (src/domain/access.rs) through the real binary: the
//! permission matrix of every write action × role × kind of ticket, the
//! acts that need no ticket, and what requesters can read of the example
//! tracker (no internal notes, nothing of other people's confidential
//! tickets).

use crate::common::{contains, Desk};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

// ---------------------------------------------------------------------------
// The permission matrix
// ---------------------------------------------------------------------------

/// Stands for the folio of the cell's ticket in `Case::args`.
const ID: &str = "{id}";

/// The canned answer ana writes before the matrix runs.
const CANNED: &str = "thanks-for-waiting";

/// Which ticket a cell acts on, seen from rita (the requester in the matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Own,
    OwnConfidential,
    Others,
    OthersConfidential,
}

impl Kind {
    const ALL: [Kind; 4] = [
        Kind::Own,
        Kind::OwnConfidential,
        Kind::Others,
        Kind::OthersConfidential,
    ];

    fn requester(self) -> &'static str {
        match self {
            Kind::Own | Kind::OwnConfidential => "rita",
            Kind::Others | Kind::OthersConfidential => "sam",
        }
    }

    fn confidential(self) -> bool {
        matches!(self, Kind::OwnConfidential | Kind::OthersConfidential)
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Own => "rita's own ticket",
            Kind::OwnConfidential => "rita's own confidential ticket",
            Kind::Others => "sam's ticket",
            Kind::OthersConfidential => "sam's confidential ticket",
        }
    }
}

/// What state the ticket must be in for the action to make sense.
#[derive(Debug, Clone, Copy)]
enum Setup {
    Open,
    Resolved,
    WithAction,
}

/// One write action of the matrix.
struct Case {
    action: &'static str,
    /// The tkt arguments; `ID` is replaced by the cell's folio.
    args: &'static [&'static str],
    setup: Setup,
    /// Whether a requester may do it to a ticket of their own (staff may do
    /// everything to every ticket).
    allowed_for_requester_on_own: bool,
}

const CASES: &[Case] = &[
    Case {
        action: "reply",
        args: &["reply", ID, "-m", "Any news on this?"],
        setup: Setup::Open,
        allowed_for_requester_on_own: true,
    },
    Case {
        action: "reply --reopen",
        args: &["reply", ID, "-m", "It happened again.", "--reopen"],
        setup: Setup::Resolved,
        allowed_for_requester_on_own: true,
    },
    Case {
        action: "reply --time",
        args: &["reply", ID, "-m", "Looked into it.", "--time", "10m"],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "reply --status",
        args: &["reply", ID, "-m", "On it.", "--status", "in-progress"],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "note",
        args: &["note", ID, "-m", "Internal: the vendor owes us a call."],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "status in-progress",
        args: &["status", ID, "in-progress"],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "status closed",
        args: &["status", ID, "closed"],
        setup: Setup::Open,
        allowed_for_requester_on_own: true,
    },
    Case {
        action: "assign",
        args: &["assign", ID, "ben"],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "take",
        args: &["take", ID],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "priority",
        args: &["priority", ID, "urgent"],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "action add",
        args: &["action", "add", ID, "Call the vendor"],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "action done",
        args: &["action", "done", ID, "1"],
        setup: Setup::WithAction,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "resolve",
        args: &["resolve", ID, "--solution", "Replaced the cable."],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
    Case {
        action: "close",
        args: &["close", ID],
        setup: Setup::Resolved,
        allowed_for_requester_on_own: true,
    },
    Case {
        action: "reopen",
        args: &["reopen", ID],
        setup: Setup::Resolved,
        allowed_for_requester_on_own: true,
    },
    Case {
        action: "escalate",
        args: &["escalate", ID, "--reason", "The hearing is tomorrow."],
        setup: Setup::Open,
        allowed_for_requester_on_own: true,
    },
    Case {
        action: "reply --canned",
        args: &["reply", ID, "--canned", CANNED],
        setup: Setup::Open,
        allowed_for_requester_on_own: false,
    },
];

/// What a cell must come to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    /// Exit 1, "… only operators and admins can …".
    Forbidden,
    /// Exit 1, "no ticket TKTnnn": the ticket's existence is hidden.
    NotFound,
}

fn expect(role: &str, case: &Case, kind: Kind) -> Expect {
    match (role, kind) {
        ("ana" | "ben", _) => Expect::Allowed,
        (_, Kind::OthersConfidential) => Expect::NotFound,
        (_, Kind::Others) => Expect::Forbidden,
        _ if case.allowed_for_requester_on_own => Expect::Allowed,
        _ => Expect::Forbidden,
    }
}

/// Ana (admin), Ben and Cai (operators), Rita and Sam (requesters); the
/// canned answer `CANNED`.
fn matrix_desk() -> Desk {
    let desk = Desk::new();
    desk.ok(&[
        "person",
        "add",
        "sam",
        "--name",
        "Sam Serra",
        "--email",
        "sam@example.org",
        "--role",
        "requester",
    ]);
    desk.ok(&[
        "canned",
        "new",
        CANNED,
        "--title",
        "Thanks for waiting",
        "-m",
        "Hello {{ requester.name }}, thanks for waiting: {{ ticket.folio }} is being looked at.",
    ]);
    desk
}

/// A fresh ticket for one cell, registered by its requester in case
/// support (always assigned to Cai, so that both `assign ben` and `take`
/// by ana or ben change something), then put in the state `setup` asks for.
fn cell_ticket(desk: &Desk, kind: Kind, setup: Setup, subject: &str) -> String {
    let mut args = vec![
        "--as",
        kind.requester(),
        "new",
        "-s",
        subject,
        "-c",
        "case-support",
        "--field",
        "case_number=OL-2026-0001",
        "-m",
        "The client's letter arrived late.",
    ];
    if kind.confidential() {
        args.push("--confidential");
    }
    let folio = desk.ok(&args).trim().to_string();
    match setup {
        Setup::Open => {}
        Setup::Resolved => {
            desk.ok(&["resolve", &folio, "--solution", "Sent the letter again."]);
        }
        Setup::WithAction => {
            desk.ok(&["action", "add", &folio, "Phone the client"]);
        }
    }
    folio
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Why the outcome of one cell is wrong, if it is.
fn judge(
    desk: &Desk,
    role: &str,
    folio: &str,
    want: Expect,
    out: &Output,
    before: usize,
) -> Option<String> {
    let (stdout, stderr) = text(out);
    let code = out.status.code();
    let commits = desk.commit_count();
    let dirty = desk.git(&["status", "--porcelain"]);
    let problem = match want {
        Expect::Allowed => {
            if code != Some(0) {
                format!("expected success, got exit {code:?}")
            } else if commits != before + 1 {
                format!("expected one new commit, got {}", commits - before)
            } else if !dirty.is_empty() {
                format!("left uncommitted changes: {dirty}")
            } else if !desk
                .git(&["log", "-1", "--format=%B"])
                .contains(&format!("\nActor: {role}"))
            {
                format!("the commit does not name {role} as its actor")
            } else {
                return None;
            }
        }
        Expect::Forbidden | Expect::NotFound => {
            let message = match want {
                Expect::Forbidden => {
                    format!("{role} is a requester; only operators and admins can")
                }
                _ => format!("no ticket {folio}"),
            };
            if code != Some(1) {
                format!("expected exit 1 ({want:?}), got exit {code:?}")
            } else if !stderr.contains(&message) {
                format!("expected {message:?} in the error")
            } else if want == Expect::NotFound && stderr.contains("only operators") {
                "a hidden ticket must not be refused as forbidden (that tells it exists)".into()
            } else if commits != before {
                format!("a refusal made {} commit(s)", commits - before)
            } else if !dirty.is_empty() {
                format!("a refusal left changed files: {dirty}")
            } else {
                return None;
            }
        }
    };
    Some(format!(
        "{problem}\n    stdout: {stdout}    stderr: {stderr}"
    ))
}

#[test]
fn permission_matrix_of_every_write_action() {
    let desk = matrix_desk();
    let mut failures = Vec::new();
    let mut cells = 0;
    for case in CASES {
        for role in ["ana", "ben", "rita"] {
            for kind in Kind::ALL {
                cells += 1;
                let subject = format!("{role} {} on {}", case.action, kind.describe());
                let folio = cell_ticket(&desk, kind, case.setup, &subject);
                let args: Vec<&str> = ["--as", role]
                    .into_iter()
                    .chain(
                        case.args
                            .iter()
                            .map(|a| if *a == ID { folio.as_str() } else { a }),
                    )
                    .collect();
                let want = expect(role, case, kind);
                let before = desk.commit_count();
                let out = desk.run(&args);
                if let Some(why) = judge(&desk, role, &folio, want, &out, before) {
                    failures.push(format!(
                        "{role} ({}) `{}` on {} ({folio}), expected {want:?}: {why}",
                        match role {
                            "ana" => "admin",
                            "ben" => "operator",
                            _ => "requester",
                        },
                        case.action,
                        kind.describe()
                    ));
                }
            }
        }
    }
    assert_eq!(cells, CASES.len() * 3 * 4);
    assert!(
        failures.is_empty(),
        "{} of {cells} cells are wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Runs `args`, asserting a refusal with exit 1 whose message contains
/// `message`, and that it left no commit and no changed file.
fn refused(desk: &Desk, args: &[&str], message: &str) {
    let before = desk.commit_count();
    let stderr = desk.fails(args, 1);
    assert!(
        stderr.contains(message),
        "tkt {args:?}: expected {message:?} in: {stderr}"
    );
    assert_eq!(desk.commit_count(), before, "tkt {args:?} made a commit");
    assert_eq!(
        desk.git(&["status", "--porcelain"]),
        "",
        "tkt {args:?} left changed files"
    );
}

/// Runs `args`, asserting success and exactly one new commit.
fn allowed(desk: &Desk, args: &[&str]) -> String {
    let before = desk.commit_count();
    let out = desk.ok(args);
    assert_eq!(desk.commit_count(), before + 1, "tkt {args:?}: one commit");
    assert_eq!(desk.git(&["status", "--porcelain"]), "", "tkt {args:?}");
    out
}

#[test]
fn requesters_register_only_their_own_tickets_and_only_admins_add_people() {
    let desk = matrix_desk();
    let new = ["-s", "Printer", "-c", "technical", "-m", "It is offline."];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        ["--as", "rita", "new"]
            .iter()
            .chain(new.iter())
            .chain(extra.iter())
            .copied()
            .collect()
    };
    refused(
        &desk,
        &with(&["--requester", "sam"]),
        "rita is a requester; only operators and admins can register tickets for someone else",
    );
    refused(
        &desk,
        &with(&["--assignee", "ben"]),
        "only operators and admins can choose who a ticket is assigned to",
    );
    refused(
        &desk,
        &with(&["--resolve", "Turned it on."]),
        "only operators and admins can resolve tickets",
    );
    let own = allowed(&desk, &with(&["--requester", "rita", "--confidential"]));
    let own = own.trim();
    assert_eq!(desk.json(&["show", own, "--json"])["requester"], "rita");

    let person = |who: &'static str| -> Vec<&'static str> {
        vec![
            "--as",
            who,
            "person",
            "add",
            "tess",
            "--name",
            "Tess Tan",
            "--email",
            "tess@example.org",
            "--role",
            "requester",
        ]
    };
    refused(&desk, &person("ben"), "only admins");
    refused(&desk, &person("rita"), "only admins");
    allowed(&desk, &person("ana"));
}

#[test]
fn requesters_write_no_knowledge_and_confidential_tickets_make_no_faq_without_force() {
    let desk = matrix_desk();
    let public = desk.ticket("Scanner", &["--requester", "rita"]);
    let secret = desk.ticket(
        "Scanner at home",
        &["--requester", "rita", "--confidential"],
    );
    for folio in [&public, &secret] {
        desk.ok(&["resolve", folio, "--solution", "Cleaned the rollers."]);
    }
    let faq = |who: &'static str, folio: &str, extra: &[&'static str]| -> Vec<String> {
        ["--as", who, "faq", "add", "--from", folio]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };

    // A requester writes no FAQ entry, not even from their own ticket.
    for extra in [
        &[][..],
        &["--title", "Scanner jams", "-m", "Clean the rollers."][..],
    ] {
        let args = faq("rita", &public, extra);
        refused(
            &desk,
            &strs(&args),
            "rita is a requester; only operators and admins can write FAQ entries",
        );
    }
    // Nor canned answers, nor escalation rules.
    refused(
        &desk,
        &[
            "--as", "rita", "canned", "new", "mine", "--title", "Mine", "-m", "Hello.",
        ],
        "only operators and admins can write canned answers",
    );
    refused(
        &desk,
        &["--as", "rita", "sla", "apply"],
        "only operators and admins can apply escalation rules",
    );

    // Staff: a confidential ticket needs --force.
    for extra in [
        &[][..],
        &["--title", "Scanner at home", "-m", "Clean the rollers."][..],
    ] {
        let args = faq("ana", &secret, extra);
        refused(&desk, &strs(&args), "confidential");
    }
    let args = faq(
        "ana",
        &secret,
        &[
            "--force",
            "--title",
            "Scanner jams at home",
            "-m",
            "Clean the rollers.",
        ],
    );
    let slug = allowed(&desk, &strs(&args));
    assert_eq!(slug.trim(), "scanner-jams-at-home");
    assert_eq!(
        desk.json(&["show", &secret, "--json"])["faq"],
        "scanner-jams-at-home"
    );
}

/// The existence of someone else's confidential ticket is hidden: asking
/// for it must look exactly like asking for a folio that was never used.
#[test]
fn a_hidden_ticket_is_refused_exactly_like_a_missing_one() {
    let desk = matrix_desk();
    desk.ok(&[
        "--as",
        "rita",
        "new",
        "-s",
        "Mine",
        "-c",
        "technical",
        "-m",
        "x",
    ]);
    let hidden = desk
        .ok(&[
            "--as",
            "sam",
            "new",
            "-s",
            "Secret",
            "-c",
            "technical",
            "-m",
            "x",
            "--confidential",
        ])
        .trim()
        .to_string();
    let missing = "TKT003";
    let commands: &[&[&str]] = &[
        &["show", ID],
        &["log", ID],
        &["reply", ID, "-m", "x"],
        &["close", ID],
        &["escalate", ID, "--reason", "x"],
    ];
    let mut failures = Vec::new();
    for command in commands {
        let stderr_for = |folio: &str| {
            let args: Vec<&str> = ["--as", "rita"]
                .into_iter()
                .chain(command.iter().map(|a| if *a == ID { folio } else { a }))
                .collect();
            desk.fails(&args, 1).replace(folio, "TKTnnn")
        };
        let (on_hidden, on_missing) = (stderr_for(&hidden), stderr_for(missing));
        if on_hidden != on_missing || on_missing.contains(&hidden) {
            failures.push(format!(
                "{command:?}: on the hidden {hidden}: {on_hidden:?}; on the missing {missing}: {on_missing:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------
// Reads as a requester, on the example tracker
// ---------------------------------------------------------------------------

/// One example ticket as its files have it.
struct Example {
    folio: String,
    requester: String,
    confidential: bool,
    subject: String,
    description: String,
    actions: Vec<String>,
    solution: Option<String>,
    /// Kind (`reply`, `note`, `event`) and body of each timeline entry.
    entries: Vec<(String, String)>,
}

fn front_matter(path: &Path) -> (serde_yaml::Value, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let rest = text.strip_prefix("---\n").unwrap();
    let (yaml, body) = rest.split_once("\n---\n").unwrap();
    (serde_yaml::from_str(yaml).unwrap(), body.to_string())
}

fn examples(root: &Path) -> Vec<Example> {
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("tickets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|dir| {
            let (meta, description) = front_matter(&dir.join("ticket.md"));
            let mut files: Vec<_> = std::fs::read_dir(dir.join("replies"))
                .into_iter()
                .flatten()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            let entries = files
                .iter()
                .map(|f| {
                    let (m, body) = front_matter(f);
                    (m["kind"].as_str().unwrap().to_string(), body)
                })
                .collect();
            let actions = meta["actions"]
                .as_sequence()
                .map(|a| {
                    a.iter()
                        .map(|a| a["text"].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default();
            Example {
                folio: meta["id"].as_str().unwrap().to_string(),
                requester: meta["requester"].as_str().unwrap().to_string(),
                confidential: meta["confidential"].as_bool().unwrap_or(false),
                subject: meta["subject"].as_str().unwrap().to_string(),
                description,
                actions,
                solution: meta["solution"].as_str().map(String::from),
                entries,
            }
        })
        .collect()
}

/// What must not leak from `text`: every line of 20 characters or more,
/// and every 40-character piece of those lines (search snippets show
/// pieces of text, not whole lines).
fn needles(text: &str, out: &mut BTreeSet<String>) {
    for line in text.lines().map(str::trim) {
        if line.chars().count() < 20 {
            continue;
        }
        out.insert(line.to_string());
        let chars: Vec<char> = line.chars().collect();
        for piece in chars.chunks(40).filter(|c| c.len() == 40) {
            out.insert(piece.iter().collect());
        }
    }
}

/// The text of every ticket but `except`, less internal notes, and of
/// every FAQ entry and canned answer: what a requester may read anyway.
fn public_text(desk: &Desk, tickets: &[Example], except: &[&str]) -> String {
    let mut out = String::new();
    for t in tickets
        .iter()
        .filter(|t| !except.contains(&t.folio.as_str()))
    {
        for text in [&t.subject, &t.description]
            .into_iter()
            .chain(&t.actions)
            .chain(&t.solution)
            .chain(
                t.entries
                    .iter()
                    .filter(|(k, _)| k != "note")
                    .map(|(_, b)| b),
            )
        {
            out.push_str(text);
            out.push('\n');
        }
    }
    for dir in ["faq", "canned"] {
        for entry in std::fs::read_dir(desk.path(dir)).unwrap() {
            out.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
    }
    out
}

/// Every string in a JSON document, unescaped, one per line.
fn json_strings(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

/// Distinct words of five letters or more, for search queries.
fn words(text: &str, at_most: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for word in text.split(|c: char| !c.is_alphabetic()) {
        let word = word.to_lowercase();
        if word.chars().count() >= 5 && !seen.contains(&word) {
            seen.push(word);
        }
        if seen.len() == at_most {
            break;
        }
    }
    seen
}

/// Everything one person reads: stdout and stderr of each command, with
/// the strings of JSON output unescaped.
struct Reading<'d> {
    desk: &'d Desk,
    who: &'static str,
    all: String,
}

impl Reading<'_> {
    fn run(&mut self, args: &[&str]) -> (Option<i32>, String, String) {
        let full: Vec<&str> = ["--as", self.who].iter().chain(args).copied().collect();
        let out = self.desk.run(&full);
        let (stdout, stderr) = text(&out);
        self.all
            .push_str(&format!("$ tkt {}\n{stdout}{stderr}", full.join(" ")));
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&stdout) {
            json_strings(&value, &mut self.all);
        }
        (out.status.code(), stdout, stderr)
    }

    fn ok(&mut self, args: &[&str]) -> String {
        let (code, stdout, stderr) = self.run(args);
        assert_eq!(code, Some(0), "{} tkt {args:?}: {stderr}", self.who);
        stdout
    }
}

#[test]
fn requesters_read_no_internal_notes_and_nothing_of_each_others_confidential_tickets() {
    let desk = Desk::example();
    // A little history made by tkt (the import commit carries no trailers),
    // so that `log` has replies to show and notes to leave out; and both
    // confidential tickets resolved, so that `kb search` could find them.
    for (folio, reply, note) in [
        (
            "TKT023",
            "The engineer confirmed Tuesday morning for the scanner.",
            "Budget holder agreed up to 900 pounds for a replacement feed unit.",
        ),
        (
            "TKT028",
            "The temp agency has confirmed cover for the front desk.",
            "Payroll told to code 12 and 13 November as paid special leave.",
        ),
    ] {
        desk.ok(&["--as", "helena", "reply", folio, "-m", reply]);
        desk.ok(&["--as", "helena", "note", folio, "-m", note]);
    }
    let solutions = [
        (
            "TKT017",
            "Concession application lodged; the client now writes to us from the refuge address only.",
        ),
        (
            "TKT028",
            "Special leave booked for both hearing days; payroll and the reception rota are updated.",
        ),
    ];
    for (folio, solution) in solutions {
        desk.ok(&["--as", "helena", "resolve", folio, "--solution", solution]);
    }

    let tickets = examples(&desk.root);
    let emails = desk.people_emails();
    let mut faq_slugs: Vec<String> = std::fs::read_dir(desk.path("faq"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".md").map(String::from)
        })
        .collect();
    faq_slugs.sort();

    // A piece of a note may also be public text (a note repeating an
    // action's wording): only what is nowhere public counts as a leak.
    let public = public_text(&desk, &tickets, &[]);
    let mut note_needles = BTreeSet::new();
    let mut note_queries = Vec::new();
    for t in &tickets {
        for (kind, body) in &t.entries {
            if kind == "note" {
                let mut own = BTreeSet::new();
                needles(body, &mut own);
                own.retain(|n| !public.contains(n.as_str()));
                assert!(
                    !own.is_empty(),
                    "{}: a note with nothing of its own",
                    t.folio
                );
                note_needles.extend(own);
                note_queries.push(words(body, 8));
            }
        }
    }
    assert!(note_queries.len() >= 10, "the example has internal notes");

    // Staff see every note and every confidential ticket in `show`: the
    // needles are findable, so their absence below means something.
    let mut staff = Reading {
        desk: &desk,
        who: "helena",
        all: String::new(),
    };
    for t in &tickets {
        staff.ok(&["show", &t.folio]);
    }
    for needle in &note_needles {
        assert!(
            staff.all.contains(needle),
            "staff see the note text {needle:?}"
        );
    }
    let sourced = faq_slugs
        .iter()
        .filter(|slug| staff.ok(&["faq", "show", slug]).contains("(made from TKT"))
        .count();
    assert!(sourced > 0, "staff see where FAQ entries were made from");

    for (reader, other) in [("priya", "jonas"), ("jonas", "priya")] {
        let own_secret: Vec<&Example> = tickets
            .iter()
            .filter(|t| t.confidential && t.requester == reader)
            .collect();
        let hidden: Vec<&Example> = tickets
            .iter()
            .filter(|t| t.confidential && t.requester == other)
            .collect();
        assert!(!own_secret.is_empty(), "{reader} has a confidential ticket");
        assert!(!hidden.is_empty(), "{other} has a confidential ticket");

        let mut secret_needles = BTreeSet::new();
        let mut secret_queries = Vec::new();
        for t in &hidden {
            needles(&t.subject, &mut secret_needles);
            secret_queries.push(words(&t.subject, 8));
            let mut texts = vec![t.description.clone()];
            texts.extend(t.actions.iter().cloned());
            texts.extend(t.solution.iter().cloned());
            texts.extend(t.entries.iter().map(|(_, body)| body.clone()));
            for text in texts {
                needles(&text, &mut secret_needles);
                for line in text.lines() {
                    let query = words(line, 8);
                    if !query.is_empty() {
                        secret_queries.push(query);
                    }
                }
            }
        }
        let hidden_folios: Vec<&str> = hidden.iter().map(|t| t.folio.as_str()).collect();
        let readable = public_text(&desk, &tickets, &hidden_folios);
        secret_needles.retain(|n| !readable.contains(n.as_str()));
        assert!(secret_needles.len() >= 5, "{other}'s confidential text");
        for needle in &secret_needles {
            assert!(
                staff.all.contains(needle),
                "staff see {other}'s confidential text {needle:?}"
            );
        }

        let mut r = Reading {
            desk: &desk,
            who: reader,
            all: String::new(),
        };
        for t in &tickets {
            let is_hidden = hidden.iter().any(|h| h.folio == t.folio);
            for args in [
                vec!["show", t.folio.as_str()],
                vec!["show", t.folio.as_str(), "--json"],
                vec!["log", t.folio.as_str()],
                vec!["log", t.folio.as_str(), "--json"],
            ] {
                let (code, _, stderr) = r.run(&args);
                if is_hidden {
                    assert_eq!(code, Some(1), "{reader} tkt {args:?}");
                    contains(&stderr, &format!("no ticket {}", t.folio));
                } else {
                    assert_eq!(code, Some(0), "{reader} tkt {args:?}: {stderr}");
                }
            }
        }
        for format in ["table", "json", "csv"] {
            r.ok(&["list", "--all", "--format", format]);
        }
        for query in note_queries.iter().chain(&secret_queries) {
            if query.is_empty() {
                continue;
            }
            let query: Vec<&str> = query.iter().map(String::as_str).collect();
            for format in ["table", "json"] {
                let args: Vec<&str> = ["kb", "search", "--limit", "50", "--format", format]
                    .into_iter()
                    .chain(query.iter().copied())
                    .collect();
                r.ok(&args);
            }
            let args: Vec<&str> = ["faq", "search"]
                .into_iter()
                .chain(query.iter().copied())
                .collect();
            r.run(&args);
        }
        for slug in &faq_slugs {
            let shown = r.ok(&["faq", "show", slug]);
            assert!(
                !shown.contains("(made from"),
                "{reader} sees where FAQ entry {slug} was made from:\n{shown}"
            );
            let title = shown.lines().next().unwrap_or_default().to_string();
            let query: Vec<String> = words(&title, 6);
            let args: Vec<&str> = ["faq", "search"]
                .into_iter()
                .chain(query.iter().map(String::as_str))
                .collect();
            r.ok(&args);
        }
        r.ok(&["overdue", "--format", "json"]);

        // Nothing internal, nothing of the other requester's confidential
        // ticket, not even its folio (but in "no ticket TKTnnn").
        let leaks: Vec<&String> = note_needles
            .iter()
            .chain(&secret_needles)
            .filter(|n| r.all.contains(n.as_str()))
            .collect();
        assert!(leaks.is_empty(), "{reader} can read: {leaks:#?}");
        for t in &hidden {
            let rest = r.all.replace(&format!("no ticket {}", t.folio), "");
            let mentions: Vec<&str> = rest
                .split("$ tkt ")
                // A run's first line is the command (which may name it).
                .filter(|run| {
                    run.split_once('\n')
                        .is_some_and(|(_, out)| out.contains(&t.folio))
                })
                .collect();
            assert!(
                mentions.is_empty(),
                "{reader} sees {other}'s confidential {} mentioned in: {mentions:#?}",
                t.folio
            );
        }
        assert!(
            !r.all.contains("(made from"),
            "{reader} sees FAQ provenance"
        );
        for (key, email) in &emails {
            if key != reader {
                assert!(
                    !r.all.contains(email.as_str()),
                    "{reader} sees {key}'s email"
                );
            }
        }

        // The positive side: their own confidential ticket, in full but
        // for its notes, and the log of tkt's commits without the notes.
        for t in &own_secret {
            let shown = r.ok(&["show", &t.folio]);
            contains(&shown, &t.subject);
            let mut public = BTreeSet::new();
            needles(&t.description, &mut public);
            for (kind, body) in &t.entries {
                if kind != "note" {
                    needles(body, &mut public);
                }
            }
            assert!(!public.is_empty());
            for needle in &public {
                contains(&shown, needle);
            }
        }
        let mine = if reader == "priya" {
            "TKT023"
        } else {
            "TKT028"
        };
        let log = r.ok(&["log", mine]);
        contains(&log, &format!("{mine}: reply by helena"));
        assert!(
            !log.contains("note by"),
            "{reader} sees a note's commit:\n{log}"
        );
        let log = r.ok(&["log", mine, "--json"]);
        let commits: Vec<serde_json::Value> = serde_json::from_str(&log).unwrap();
        assert!(!commits.is_empty(), "{reader}: the reply's commit: {log}");
        for commit in &commits {
            assert_eq!(commit["email"], "", "{reader} sees helena's email: {log}");
        }
    }

    // The searches above could have found the confidential tickets: staff
    // find each by its solution.
    for (folio, solution) in solutions {
        let query = words(solution, 8);
        let args: Vec<&str> = ["kb", "search", "--limit", "50", "--format", "json"]
            .into_iter()
            .chain(query.iter().map(String::as_str))
            .collect();
        contains(&staff.ok(&args), &format!("\"id\": \"{folio}\""));
    }
}
