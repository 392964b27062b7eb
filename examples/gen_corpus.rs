//! Generates a synthetic tkt tracker for benchmarks: N tickets with about
//! five timeline entries each, in a real git repository whose history has
//! one commit per action, made exactly as `tkt` itself would have made it.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- OUT_DIR [--tickets 10000] [--seed 42]
//! ```
//!
//! How it stays faithful to tkt:
//! - every file is rendered by tkt's own types and renderers
//!   (`tkt::store::render_ticket`, `render_entry`, `add_person`), and every
//!   state change goes through `tkt::domain::workflow` (status rules, resolve, close,
//!   reopen, actions, round-robin assignment), so `tkt check` finds nothing;
//! - commits carry tkt's messages and trailers (`TKT042: …`, `Ticket:`,
//!   `Action:`, `Actor:`), the acting person as author and the repository's
//!   configured user (the first admin) as committer, as tkt does;
//! - the history starts like `tkt init` + `tkt person add`, followed by one
//!   hand edit of `helpdesk.yaml` (responsible people, forms, views), which
//!   is a plain git commit without trailers, as a person would make it.
//!
//! Everything is driven by a small inline PRNG, so a seed always gives the
//! same repository, commit ids included. The history is streamed to
//! `git fast-import`; the working tree is then checked out with
//! `git reset --hard`, and `git gc` packs the repository as a clone would
//! have it (`--no-gc` skips that).

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, TimeZone, Utc};
use clap::Parser;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Instant;
use tkt::domain::model::config::Assignment;
use tkt::domain::model::{
    Category, Change, Config, EntryKind, FieldSpec, FieldType, Folio, Person, Priority, Role,
    Status, Ticket, View,
};
use tkt::domain::trailers::{commit_message, describe_changes, one_line, post_summary, TicketRef};
use tkt::domain::workflow;
use tkt::store::{add_person, render_entry, render_ticket, CONFIG_HEADER, GITATTRIBUTES};

/// Generate a synthetic tkt tracker (a git repository) for benchmarks.
#[derive(Debug, Parser)]
struct Args {
    /// Folder to create; must not exist or be empty.
    out_dir: PathBuf,
    /// How many tickets.
    #[arg(long, default_value_t = 10_000)]
    tickets: usize,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// First day of the tracker's history (UTC).
    #[arg(long, default_value = "2024-11-04")]
    start: NaiveDate,
    /// Length of the history in days.
    #[arg(long, default_value_t = 730)]
    days: i64,
    /// Leave the pack as git fast-import wrote it, without `git gc`.
    #[arg(long)]
    no_gc: bool,
}

// ---------------------------------------------------------------------------
// Deterministic randomness (SplitMix64), no dependency needed.

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Index chosen with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// Exponentially distributed, with this mean.
    fn exp(&mut self, mean: f64) -> f64 {
        -(1.0 - self.unit()).ln() * mean
    }
}

// ---------------------------------------------------------------------------
// Text: subjects, descriptions, replies, notes and solutions.

const ROOMS: &[&str] = &["2.14", "3.02", "1.07", "4.11", "the library", "reception"];
const SURNAMES: &[&str] = &[
    "Ortega",
    "Lindqvist",
    "Haddad",
    "Nguyen",
    "Mensah",
    "Kowalski",
    "Rahimi",
    "Silva",
    "Abebe",
    "Petrov",
    "Yilmaz",
    "Fernández",
    "Okoro",
    "Hosseini",
    "Baptiste",
    "Tanaka",
    "Novak",
    "Al-Amin",
];
const LANGUAGES: &[&str] = &[
    "Dari",
    "Tigrinya",
    "Arabic",
    "Ukrainian",
    "Somali",
    "Spanish",
    "Farsi",
    "Kurdish",
];
const PERMITS: &[&str] = &[
    "work permit",
    "residence permit",
    "student visa",
    "family permit",
    "long-term residence permit",
];
const IDEAS: &[&str] = &[
    "a shared calendar for hearing dates",
    "templates for the standard cover letters",
    "a second scanner on floor 2",
    "a checklist for new clients",
    "a quiet room for phone interviews",
    "an internal wiki for country information",
    "automatic reminders for visa expiry dates",
    "a fixed weekly slot for case reviews",
    "bigger monitors for the reception desk",
    "a glossary for the interpreters",
];
const DOCS: &[&str] = &[
    "VPN guide",
    "holiday request form",
    "expenses template",
    "new-starter checklist",
    "data protection policy",
    "fee schedule for this year",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// (subject, first paragraph of the description) per category.
const TECHNICAL: &[(&str, &str)] = &[
    ("Scanner jams on A3 paper in room {room}", "The scanner in room {room} jams every time I scan an A3 bundle. The paper folds at the second roller and the scan stops halfway."),
    ("Printer on floor {floor} prints blank pages", "The big printer on floor {floor} prints blank pages for every job sent from my laptop. Jobs from the copier panel come out fine."),
    ("VPN disconnects every {n} minutes", "Working from home, the VPN drops every {n} minutes or so, and I lose whatever I was typing in the case system."),
    ("Cannot open attachments in Outlook", "Since this morning Outlook refuses to open PDF attachments from the court registry. It says the file is blocked by policy."),
    ("Laptop very slow after the latest update", "My laptop has been extremely slow since last week's update: opening a case file takes over a minute and the fan never stops."),
    ("Second monitor not detected", "The second monitor on my desk in room {room} stays black. The cable is plugged in and the monitor's light is on."),
    ("Password reset for the case management system", "I am locked out of the case management system after too many attempts and I have a filing due today."),
    ("Shared drive {drive} says access denied", "The shared drive {drive} says \"access denied\" when I open the client folders, although I could open them yesterday."),
    ("Phone extension {ext} has no dial tone", "Extension {ext} has no dial tone since the office move. Incoming calls go straight to voicemail."),
    ("Wi-Fi drops in meeting room {room}", "The Wi-Fi in meeting room {room} drops every few minutes, which cuts off video calls with clients."),
    ("Email to the court registry bounces", "Emails to the court registry bounce back with a delivery failure. It started after the weekend."),
    ("Cannot log in to the e-filing portal", "The e-filing portal rejects my certificate: it says the certificate has expired, but I renewed it last month."),
    ("No sound in video calls", "Video calls have no sound on my laptop, neither through the headset nor through the speakers. Other people can hear me."),
    ("Docking station does not charge the laptop", "The docking station in room {room} no longer charges my laptop; the battery runs out by lunchtime."),
];
const TECHNICAL_TRIES: &[&str] = &[
    "restarted the laptop",
    "unplugged the device and plugged it back in",
    "tried another cable",
    "logged out and in again",
    "cleared the browser cache",
    "checked that the latest updates are installed",
    "tried from a colleague's desk",
    "switched from Wi-Fi to the network cable",
];
const ERRORS: &[&str] = &[
    "Error 0x{hex}: the device is not ready",
    "Connection reset by peer (code {hex})",
    "The certificate chain could not be verified",
    "Access is denied. (0x{hex})",
    "Paper jam in tray 2, open cover B",
    "Authentication failed: account locked",
];
const DEVICES: &[&str] = &[
    "scanner", "printer", "laptop", "desktop", "monitor", "phone", "vpn", "email", "other",
];

const CASE_SUPPORT: &[(&str, &str)] = &[
    ("Help with the {surname} appeal", "I am preparing the appeal for {surname} and I am unsure how to present the new medical evidence. The hearing is in three weeks."),
    ("Second opinion on the {surname} asylum claim", "Could someone with more experience look at the {surname} asylum claim before I submit it? I am worried the chronology has gaps."),
    ("Deadline question: {surname} family reunification", "For the {surname} family reunification I need to know whether the deadline runs from the decision date or from the date it was received."),
    ("Translation of the birth certificate for {surname}", "The client {surname} brought a birth certificate that needs a certified translation before we can file."),
    ("Evidence bundle for the {surname} hearing", "The evidence bundle for the {surname} hearing is over 400 pages. I need help indexing and paginating it in the format the tribunal wants."),
    ("Which form for a {permit} renewal?", "A client asks about renewing a {permit}. The guidance changed recently and I am not sure which form applies now."),
    ("Interpreter needed for the {surname} interview ({language})", "We need a {language} interpreter for the interview with {surname}, ideally someone who has worked with us before."),
    ("Check the fee waiver application for {surname}", "Could someone check the fee waiver application for {surname} before I send it? The income evidence is incomplete."),
];
const CASE_BACKGROUND: &[&str] = &[
    "The client arrived in {year} and has had two previous applications refused.",
    "The file was transferred from another firm, so some of the history is missing.",
    "The client only speaks {language}, so every meeting needs an interpreter.",
    "The decision letter is dated three weeks ago and the client brought it in late.",
    "There are two children in the application, both born abroad.",
];

const SUGGESTION_DETAIL: &[&str] = &[
    "We lose a lot of time every week because everyone keeps their own notes on this.",
    "Several colleagues mentioned the same thing at the last team meeting.",
    "Other practices I have worked at did this and it saved everybody time.",
    "It would especially help the new colleagues who are still learning our procedures.",
];

const OTHER: &[(&str, &str)] = &[
    (
        "Where is the {doc}?",
        "I cannot find the {doc} on the intranet any more. Has it moved?",
    ),
    (
        "Parking permit for {month}",
        "I need a parking permit for {month}; my current one expires at the end of the month.",
    ),
    (
        "Key card does not open the back door",
        "My key card opens the front door but not the back door by the bike shed.",
    ),
    (
        "Coffee machine broken again",
        "The coffee machine on floor {floor} shows a red light and does nothing.",
    ),
    (
        "Office supplies: toner and folders",
        "We are out of toner for the small printer and of the blue case folders.",
    ),
    (
        "Question about booking holidays",
        "How do I book holidays in the new HR system? The old form no longer works.",
    ),
];

const STAFF_FIRST_REPLIES: &[&str] = &[
    "Thanks for reporting this, {first}. I am looking into it now.",
    "Hi {first},\n\nthanks for the details. I have started on this and will update you here.",
    "Thank you. I can reproduce the problem and I am working on it.",
    "Hi {first}, I have picked this up. Expect an update later today.",
];
const STAFF_REPLIES: &[&str] = &[
    "Quick update: {progress}.",
    "Hi {first},\n\n{progress}. I will let you know as soon as I know more.",
    "I have {did}. Could you try again and tell me whether it still happens?",
    "{progress}. No action needed from you for now.",
];
const PROGRESS: &[&str] = &[
    "the replacement part has been ordered and should arrive on Thursday",
    "I have discussed it with the vendor and they are sending a technician",
    "the first draft is ready for your review in the case folder",
    "I have checked the guidance and the deadline runs from the date of receipt",
    "the interpreter is booked for Tuesday at 10:00",
    "the settings were wrong after the update; I have corrected them remotely",
];
const DID: &[&str] = &[
    "reset your account",
    "reinstalled the driver",
    "renewed the certificate",
    "moved the files to the right folder",
    "updated the access rights on the shared drive",
    "replaced the network cable",
];
const ASKS: &[&str] = &[
    "a photo of the error message",
    "the exact time it happened",
    "the case number and the decision letter",
    "the model number on the back of the device",
    "a screenshot of the settings page",
    "the client's date of birth as it appears on the passport",
];
const REQUESTER_REPLIES: &[&str] = &[
    "Here it is: {answer}.",
    "It happened again this morning at {hour}:{minute:02}.",
    "Thanks! I have sent the documents by internal mail.",
    "Hi,\n\n{answer}. Let me know if you need anything else.",
    "I tried again and it still does not work.",
];
const ANSWERS: &[&str] = &[
    "the model is a DS-870, serial number on the photo attached earlier",
    "the case number is on the first page of the decision",
    "it says \"Error 0x8007\" and then closes",
    "it happens around 9:00 every day, when everyone logs in",
    "the client confirmed the date of birth by phone",
];
const REOPEN_REPLIES: &[&str] = &[
    "Sorry, the problem is back since this morning.",
    "This worked for two days but now it is happening again.",
    "The tribunal asked for more information, so we need to look at this again.",
];
const NOTES: &[&str] = &[
    "Called the vendor: {vendor}.",
    "Checked the logs: {logs}.",
    "Discussed with {colleague}: {decision}.",
    "Reminder to self: {todo}.",
    "Internal only: {decision}.",
];
const VENDOR: &[&str] = &[
    "the part is under warranty until March",
    "they know about the bug and a fix is planned for the next release",
    "a technician can come on Wednesday morning",
];
const LOGS: &[&str] = &[
    "the account was locked by repeated failed logins from a phone",
    "the device lost its network lease every 20 minutes",
    "nothing unusual on our side, probably the provider",
];
const DECISIONS: &[&str] = &[
    "we will replace the device rather than repair it",
    "the client's file needs a senior review before filing",
    "we keep this open until the hearing date",
    "we ask the requester for the original documents",
];
const TODOS: &[&str] = &[
    "check again on Monday",
    "ask for a quote for the new part",
    "update the FAQ once this is solved",
];
const ACTIONS: &[&str] = &[
    "Order a pickup roller",
    "Call the vendor",
    "Update the printer driver",
    "Reset the VPN profile",
    "Book an interpreter",
    "Ask the client for the original documents",
    "Check the deadline with the court registry",
    "Draft the cover letter",
    "Re-image the laptop",
    "Replace the network cable",
    "Renew the software licence",
    "Prepare the evidence index",
    "Send the checklist to the team",
];
const SOLUTIONS: &[&str] = &[
    "Replaced the pickup roller and cleaned the feed path; scanned a 50-page A3 bundle without a jam.",
    "Reinstalled the driver and reset the printer's default tray. Test pages print correctly.",
    "Renewed the certificate and installed it on the laptop; the portal accepts it again.",
    "Moved the VPN profile to the new gateway. No drops in a full day of testing.",
    "Access rights corrected on the shared drive; the requester confirmed it works.",
    "Reviewed the draft with the requester; the appeal was filed on time with the new evidence indexed.",
    "Booked the interpreter and confirmed the interview date with the client.",
    "Confirmed the deadline runs from the date of receipt; the application was filed within it.",
    "Explained where the document lives now and added a link to the intranet start page.",
    "Discussed at the team meeting: we will try this for three months and then review.",
];

/// A solution that fits the category.
fn solution_for(rng: &mut Rng, category: &str) -> String {
    let range = match category {
        "technical" => &SOLUTIONS[..5],
        "case-support" => &SOLUTIONS[5..8],
        "suggestion" => &SOLUTIONS[9..10],
        _ => &SOLUTIONS[8..9],
    };
    rng.pick(range).to_string()
}

const CLOSING: &[&str] = &[
    "This is blocking my work today, so any help is appreciated.",
    "No rush, but it would be good to have it sorted this week.",
    "The hearing is soon, so I would be grateful for a quick answer.",
    "Happy to show someone at my desk.",
];

/// Replaces `{placeholders}` with random picks. Names, places and such are
/// remembered in `memo`, so one ticket's subject and description agree.
fn fill_in(rng: &mut Rng, template: &str, first: &str, memo: &mut Memo) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("closed placeholder");
        let name = &rest[open + 1..close];
        if let Some(value) = memo.get(name) {
            out.push_str(value);
            rest = &rest[close + 1..];
            continue;
        }
        let value = match name {
            "room" => rng.pick(ROOMS).to_string(),
            "floor" => rng.range(1, 4).to_string(),
            "n" => rng.range(2, 30).to_string(),
            "drive" => rng.pick(&["S:", "T:", "P:"]).to_string(),
            "ext" => rng.range(200, 399).to_string(),
            "hex" => format!("{:04X}", rng.below(0x10000)),
            "surname" => rng.pick(SURNAMES).to_string(),
            "language" => rng.pick(LANGUAGES).to_string(),
            "permit" => rng.pick(PERMITS).to_string(),
            "doc" => rng.pick(DOCS).to_string(),
            "month" => rng.pick(MONTHS).to_string(),
            "year" => rng.range(2015, 2024).to_string(),
            "first" => first.to_string(),
            "progress" => rng.pick(PROGRESS).to_string(),
            "did" => rng.pick(DID).to_string(),
            "answer" => rng.pick(ANSWERS).to_string(),
            "hour" => rng.range(8, 17).to_string(),
            "minute:02" => format!("{:02}", rng.below(60)),
            "vendor" => rng.pick(VENDOR).to_string(),
            "logs" => rng.pick(LOGS).to_string(),
            "colleague" => rng
                .pick(&["Ben", "Carla", "Dmitri", "Elif", "Ana"])
                .to_string(),
            "decision" => rng.pick(DECISIONS).to_string(),
            "todo" => rng.pick(TODOS).to_string(),
            other => panic!("unknown placeholder {other}"),
        };
        if !matches!(name, "hex" | "hour" | "minute:02") {
            memo.insert(name.to_string(), value.clone());
        }
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

type Memo = HashMap<String, String>;

/// [`fill_in`] for a text of its own.
fn fill(rng: &mut Rng, template: &str, first: &str) -> String {
    fill_in(rng, template, first, &mut Memo::new())
}

fn first_name(person: &Person) -> &str {
    person.name.split(' ').next().unwrap_or(&person.name)
}

// ---------------------------------------------------------------------------
// The people and configuration.

const HELPDESK_NAME: &str = "Ortega & Lindqvist — Internal Helpdesk";

fn people() -> Vec<Person> {
    let p = |key: &str, name: &str, role| Person {
        key: key.into(),
        name: name.into(),
        email: format!("{key}@ortega-lindqvist.example"),
        role,
    };
    vec![
        p("ana", "Ana Alves", Role::Admin),
        p("ben", "Ben Okafor", Role::Operator),
        p("carla", "Carla Mendes", Role::Operator),
        p("dmitri", "Dmitri Volkov", Role::Operator),
        p("elif", "Elif Kaya", Role::Admin),
        p("rita", "Rita Ruiz", Role::Requester),
        p("sam", "Sam Lindqvist", Role::Requester),
        p("tomas", "Tomás Ortega", Role::Requester),
        p("uma", "Uma Patel", Role::Requester),
        p("wen", "Wen Li", Role::Requester),
        p("yusuf", "Yusuf Demir", Role::Requester),
        p("zoe", "Zoë Fischer", Role::Requester),
    ]
}

/// The hand-edited configuration: responsible people, forms and views.
fn configured(mut config: Config) -> Config {
    let keys = |list: &[&str]| list.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    for c in &mut config.categories {
        match c.key.as_str() {
            "technical" => {
                c.description =
                    Some("Computers, scanners, printers, phones, VPN and accounts".into());
                c.responsible = keys(&["ben", "dmitri"]);
                c.fields = vec![
                    FieldSpec {
                        name: "device".into(),
                        label: Some("Device".into()),
                        kind: FieldType::Choice,
                        required: false,
                        choices: keys(DEVICES),
                    },
                    FieldSpec {
                        name: "since".into(),
                        label: Some("Happening since".into()),
                        kind: FieldType::Date,
                        required: false,
                        choices: vec![],
                    },
                ];
            }
            "case-support" => {
                c.description =
                    Some("Help with a difficult case, deadlines, evidence, interpreters".into());
                c.responsible = keys(&["carla", "elif", "ana"]);
                c.fields = vec![
                    FieldSpec {
                        name: "case_number".into(),
                        label: Some("Case number".into()),
                        kind: FieldType::Text,
                        required: true,
                        choices: vec![],
                    },
                    FieldSpec {
                        name: "deadline".into(),
                        label: Some("Filing deadline".into()),
                        kind: FieldType::Date,
                        required: false,
                        choices: vec![],
                    },
                ];
            }
            "suggestion" => {
                c.description = Some("Ideas to improve how we work".into());
                c.responsible = keys(&["ana"]);
            }
            _ => c.responsible = keys(&["ben", "carla"]),
        }
    }
    let view = |name: &str, title: &str| View {
        name: name.into(),
        title: Some(title.into()),
        ..View::default()
    };
    // Office hours, as a real practice would configure them, so that the
    // benchmark measures business-time SLA clocks.
    config.sla.business_hours = Some(
        serde_yaml::from_str(
            "timezone: Europe/London\ndays: [mon, tue, wed, thu, fri]\nhours: 09:00-17:30\n\
             holidays: [2025-12-25, 2025-12-26, 2026-01-01, 2026-04-03, 2026-04-06, 2026-05-04, \
             2026-05-25, 2026-08-31, 2026-12-25, 2026-12-28]\n",
        )
        .unwrap(),
    );
    for p in [Priority::High, Priority::Urgent] {
        if let Some(t) = config.sla.target_mut(p) {
            t.next_reply = Some("4h".parse().unwrap());
        }
    }
    config.escalation = serde_yaml::from_str(
        "contact: ana\nrules:\n  - name: late-first-answer\n    when: { target: first_response, priority: [high, urgent] }\n    then: { assign: contact, escalate: true }\n",
    )
    .unwrap();
    config.views = vec![
        View {
            assignee: keys(&["me"]),
            status: vec![Status::Open, Status::InProgress, Status::WaitingOnRequester],
            ..view("my-queue", "My open work")
        },
        View {
            priority: vec![Priority::High, Priority::Urgent],
            ..view("urgent", "High and urgent")
        },
        View {
            assignee: keys(&["none"]),
            ..view("unassigned", "Nobody responsible")
        },
        View {
            status: vec![Status::WaitingOnRequester],
            ..view("waiting", "Waiting on the requester")
        },
    ];
    config
}

// ---------------------------------------------------------------------------
// git fast-import.

struct Importer {
    child: Child,
    input: BufWriter<ChildStdin>,
    committer: Person,
    commits: usize,
}

impl Importer {
    fn start(dir: &Path, committer: Person) -> Importer {
        let mut child = Command::new("git")
            .args(["fast-import", "--quiet", "--done"])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .spawn()
            .expect("cannot run git fast-import");
        let input = BufWriter::with_capacity(1 << 20, child.stdin.take().expect("stdin"));
        Importer {
            child,
            input,
            committer,
            commits: 0,
        }
    }

    fn data(&mut self, bytes: &[u8]) {
        writeln!(self.input, "data {}", bytes.len()).unwrap();
        self.input.write_all(bytes).unwrap();
        self.input.write_all(b"\n").unwrap();
    }

    /// One commit on `main` writing `files` (path, content).
    fn commit(&mut self, author: &Person, when: i64, message: &str, files: &[(String, Vec<u8>)]) {
        let w = &mut self.input;
        writeln!(w, "commit refs/heads/main").unwrap();
        writeln!(w, "author {} <{}> {when} +0000", author.name, author.email).unwrap();
        writeln!(
            w,
            "committer {} <{}> {when} +0000",
            self.committer.name, self.committer.email
        )
        .unwrap();
        self.data(message.as_bytes());
        for (path, bytes) in files {
            writeln!(self.input, "M 100644 inline {path}").unwrap();
            self.data(bytes);
        }
        self.input.write_all(b"\n").unwrap();
        self.commits += 1;
    }

    fn finish(mut self) {
        self.input.write_all(b"done\n").unwrap();
        self.input.flush().unwrap();
        drop(self.input);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "git fast-import failed: {status}");
    }
}

// ---------------------------------------------------------------------------
// Entry file names.

/// `<UTC timestamp with ms>-<author>-<6 base32 chars>.md`, as tkt names
/// timeline entries, with the random part from our generator.
fn entry_file_name(rng: &mut Rng, stamp: DateTime<Utc>, author: &str) -> String {
    let random = rng.next_u64();
    let suffix: String = (0..6)
        .map(|i| {
            let digit = ((random >> (i * 5)) & 31) as usize;
            b"0123456789abcdefghjkmnpqrstvwxyz"[digit] as char
        })
        .collect();
    format!(
        "{}-{author}-{suffix}.md",
        stamp.format("%Y%m%dT%H%M%S%.3fZ")
    )
}

// ---------------------------------------------------------------------------
// The simulation: tickets are created over the period and worked on, each
// action at its own time, all in time order.

struct State {
    ticket: Ticket,
    folio: Folio,
    /// Timeline entries still to come, roughly.
    budget: u32,
    /// Left unfinished on purpose (forgotten, waiting forever).
    stuck: bool,
    attachments: Vec<String>,
}

/// What one command did to a ticket, as in `src/cli/update.rs`.
struct Outcome {
    author: String,
    kind: EntryKind,
    body: String,
    changes: Vec<Change>,
    attachments: Vec<(String, Vec<u8>)>,
    action: &'static str,
    summary: String,
}

impl Outcome {
    fn event(author: &str, action: &'static str, changes: Vec<Change>) -> Outcome {
        let summary = describe_changes(&changes);
        Outcome {
            author: author.into(),
            kind: EntryKind::Event,
            body: String::new(),
            changes,
            attachments: vec![],
            action,
            summary,
        }
    }

    fn post(author: &str, kind: EntryKind, body: String, changes: Vec<Change>) -> Outcome {
        let what = if kind == EntryKind::Reply {
            "reply"
        } else {
            "note"
        };
        let summary = post_summary(what, author, &changes);
        Outcome {
            author: author.into(),
            kind,
            body,
            changes,
            attachments: vec![],
            action: what,
            summary,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    NewTicket,
    Step(usize),
}

struct Sim {
    rng: Rng,
    config: Config,
    tickets: Vec<State>,
    git: Importer,
    queue: BinaryHeap<Reverse<(i64, u64, Event)>>,
    seq: u64,
    /// The last action's time in ms; actions get strictly later times.
    clock_ms: i64,
    end_ms: i64,
    entries: usize,
}

const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

impl Sim {
    fn schedule(&mut self, at_ms: i64, event: Event) {
        self.seq += 1;
        self.queue.push(Reverse((at_ms, self.seq, event)));
    }

    fn person(&self, key: &str) -> Person {
        self.config.person(key).expect("known person").clone()
    }

    fn staff(&self) -> Vec<String> {
        self.config
            .people
            .iter()
            .filter(|p| p.role.is_staff())
            .map(|p| p.key.clone())
            .collect()
    }

    fn requesters(&self) -> Vec<String> {
        self.config
            .people
            .iter()
            .filter(|p| !p.role.is_staff())
            .map(|p| p.key.clone())
            .collect()
    }

    /// Who works the ticket: its assignee, else one of the category's people.
    fn worker(&mut self, idx: usize) -> String {
        let t = &self.tickets[idx].ticket;
        if let Some(a) = &t.assignee {
            return a.clone();
        }
        let category = self.config.category(&t.category).expect("category");
        let list = if category.responsible.is_empty() {
            self.staff()
        } else {
            category.responsible.clone()
        };
        self.rng.pick(&list).clone()
    }

    /// A staff member other than `not`.
    fn other_staff(&mut self, not: Option<&str>) -> String {
        let list: Vec<String> = self
            .staff()
            .into_iter()
            .filter(|k| Some(k.as_str()) != not)
            .collect();
        self.rng.pick(&list).clone()
    }

    /// Round-robin as `tkt new` does it: after whoever has the category's
    /// latest ticket (looking back at most 500 tickets).
    fn auto_assignee(&self, category: &Category) -> Option<String> {
        let previous = self
            .tickets
            .iter()
            .rev()
            .take(500)
            .find(|s| s.ticket.category == category.key)
            .and_then(|s| s.ticket.assignee.clone());
        workflow::pick_assignee(
            category,
            Assignment::RoundRobin,
            previous.as_deref(),
            &HashMap::new(),
        )
    }

    fn attachment(&mut self, idx: usize) -> (String, Vec<u8>) {
        let (base, bytes): (&str, Vec<u8>) = match self.rng.below(3) {
            0 => ("photo.png", TINY_PNG.to_vec()),
            1 => (
                "error-log.txt",
                format!(
                    "[{}] ERROR device not ready (code 0x{:04X})\n[retry] failed\n",
                    self.rng.range(1000, 9999),
                    self.rng.below(0x10000)
                )
                .into_bytes(),
            ),
            _ => (
                "notes.md",
                b"# Notes\n\n- first contact by phone\n- documents requested\n".to_vec(),
            ),
        };
        let taken = &self.tickets[idx].attachments;
        let mut name = base.to_string();
        let mut n = 2;
        while taken.contains(&name) {
            let (stem, ext) = base.rsplit_once('.').expect("extension");
            name = format!("{stem}-{n}.{ext}");
            n += 1;
        }
        self.tickets[idx].attachments.push(name.clone());
        (name, bytes)
    }

    /// The next free action time at or after `at_ms`, with milliseconds.
    fn tick(&mut self, at_ms: i64) -> DateTime<Utc> {
        let ms = at_ms.max(self.clock_ms + 1000 + self.rng.range(0, 999));
        self.clock_ms = ms;
        Utc.timestamp_millis_opt(ms).single().expect("valid time")
    }

    fn run(&mut self) {
        while let Some(Reverse((at, _, event))) = self.queue.pop() {
            if at > self.end_ms {
                break;
            }
            let stamp = self.tick(at);
            match event {
                Event::NewTicket => self.new_ticket(stamp),
                Event::Step(idx) => self.step(idx, stamp),
            }
        }
    }

    fn new_ticket(&mut self, stamp: DateTime<Utc>) {
        let now = stamp.trunc_subsecs(0);
        let rng = &mut self.rng;
        let number = self.tickets.len() as u64 + 1;
        let folio = self.config.folio.folio(number);
        let category_key = ["technical", "case-support", "suggestion", "other"]
            [rng.weighted(&[45, 30, 10, 15])]
        .to_string();
        let staff = self.staff();
        let requesters = self.requesters();
        let requester = if self.rng.chance(0.8) {
            self.rng.pick(&requesters).clone()
        } else {
            self.rng.pick(&staff).clone()
        };
        let requester_person = self.person(&requester);
        let on_behalf = self.config.person(&requester).unwrap().role == Role::Requester
            && self.rng.chance(0.15);
        let actor = if on_behalf {
            self.rng.pick(&staff).clone()
        } else {
            requester.clone()
        };
        let rng = &mut self.rng;
        let priority = Priority::ALL[rng.weighted(&[20, 50, 22, 8])];
        let first = first_name(&requester_person).to_string();
        let mut fields = BTreeMap::new();
        let mut tags = Vec::new();
        let mut related = None;
        let mut confidential = false;
        let mut memo = Memo::new();
        let (subject, description) = match category_key.as_str() {
            "technical" => {
                let (s, d) = *rng.pick(TECHNICAL);
                let subject = fill_in(rng, s, &first, &mut memo);
                let mut text = format!(
                    "{}\n\n{}\n\nWhat I have tried so far:\n\n",
                    rng.pick(&["Hi team,", "Hello,", "Good morning,"]),
                    fill_in(rng, d, &first, &mut memo)
                );
                for _ in 0..rng.range(2, 3) {
                    text.push_str(&format!("- I {}\n", rng.pick(TECHNICAL_TRIES)));
                }
                if rng.chance(0.5) {
                    let error = *rng.pick(ERRORS);
                    text.push_str(&format!(
                        "\nThe message on screen says:\n\n```\n{}\n```\n",
                        fill(rng, error, &first)
                    ));
                }
                text.push_str(&format!("\n{}\n\nThanks,\n{first}", rng.pick(CLOSING)));
                if rng.chance(0.7) {
                    fields.insert("device".to_string(), rng.pick(DEVICES).to_string());
                }
                if rng.chance(0.25) {
                    let since = now - Duration::days(rng.range(0, 20));
                    fields.insert("since".into(), since.format("%Y-%m-%d").to_string());
                }
                if rng.chance(0.5) {
                    tags.push(
                        rng.pick(&["hardware", "software", "network", "access"])
                            .to_string(),
                    );
                }
                (subject, text)
            }
            "case-support" => {
                let (s, d) = *rng.pick(CASE_SUPPORT);
                let subject = fill_in(rng, s, &first, &mut memo);
                let background = *rng.pick(CASE_BACKGROUND);
                let mut text =
                    format!("{}\n\n**Background.** ", fill_in(rng, d, &first, &mut memo));
                text.push_str(&fill_in(rng, background, &first, &mut memo));
                let surname = fill_in(rng, "{surname}", &first, &mut memo);
                text.push_str(&format!(
                    " The file is in the usual folder under *Clients/{surname}*.\n\nWhat I need:\n\n1. {}\n2. {}\n\n{}\n\n{first}",
                    rng.pick(&["a second pair of eyes on the chronology", "the current guidance on this point", "someone to check the translations"]),
                    rng.pick(&["help with the evidence index", "a decision on whether we appeal", "an interpreter booking"]),
                    rng.pick(CLOSING),
                ));
                let case = format!("{}-{:03}", rng.range(2023, 2026), rng.range(1, 450));
                fields.insert("case_number".into(), case.clone());
                if rng.chance(0.4) {
                    let deadline = now + Duration::days(rng.range(5, 60));
                    fields.insert("deadline".into(), deadline.format("%Y-%m-%d").to_string());
                }
                related = Some(format!("{surname}, case {case}"));
                confidential = rng.chance(0.2);
                if rng.chance(0.4) {
                    tags.push(
                        rng.pick(&["appeal", "deadline", "translation", "court"])
                            .to_string(),
                    );
                }
                (subject, text)
            }
            "suggestion" => {
                let idea = rng.pick(IDEAS);
                let text = format!(
                    "I would like to suggest {idea}.\n\n{}\n\nA possible first step:\n\n- try it with one team for a month\n- collect feedback at the team meeting\n\nHappy to help set it up.\n\n{first}",
                    rng.pick(SUGGESTION_DETAIL)
                );
                (format!("Suggestion: {idea}"), text)
            }
            _ => {
                let (s, d) = *rng.pick(OTHER);
                let subject = fill_in(rng, s, &first, &mut memo);
                let text = format!(
                    "{}\n\n{}\n\nThank you,\n{first}",
                    fill_in(rng, d, &first, &mut memo),
                    rng.pick(&[
                        "Not urgent.",
                        "Could you let me know by the end of the week?",
                        "I asked at reception but they did not know."
                    ])
                );
                if rng.chance(0.3) {
                    tags.push("office".into());
                }
                (subject, text)
            }
        };
        let subject = one_line(&subject, 200);
        let category = self.config.category(&category_key).unwrap().clone();
        let assignee = self.auto_assignee(&category);
        let rng = &mut self.rng;
        let uid = ulid::Ulid::from_parts(
            now.timestamp_millis() as u64,
            ((rng.next_u64() as u128) << 64) | rng.next_u64() as u128,
        );
        let mut ticket = Ticket {
            id: folio.to_string(),
            uid: uid.to_string(),
            subject: subject.clone(),
            status: Status::Open,
            priority,
            category: category_key.clone(),
            requester,
            assignee,
            created: now,
            updated: now,
            related,
            tags,
            fields,
            confidential,
            attachments: vec![],
            actions: vec![],
            solution: None,
            escalated: false,
            faq: None,
            follow_up: None,
            mail: None,
            description,
        };
        let budget = 2 + rng.below(8) as u32;
        let stuck = rng.chance(0.04);
        self.tickets.push(State {
            ticket: ticket.clone(),
            folio: folio.clone(),
            budget,
            stuck,
            attachments: vec![],
        });
        let idx = self.tickets.len() - 1;
        let rel = format!("tickets/{folio}");
        let mut files = Vec::new();
        if self.rng.chance(0.04) {
            let (name, bytes) = self.attachment(idx);
            files.push((format!("{rel}/attachments/{name}"), bytes));
            ticket.attachments.push(name);
        }
        let actor_role = self.config.person(&actor).unwrap().role;
        let on_the_spot = category_key == "other" && actor_role.is_staff() && self.rng.chance(0.3);
        if on_the_spot {
            let solution = solution_for(&mut self.rng, &category_key);
            let changes = workflow::resolve(&mut ticket, &solution).expect("resolvable");
            let entry = workflow::record(
                &mut ticket,
                &actor,
                now,
                EntryKind::Event,
                "",
                changes,
                vec![],
            );
            let name = entry_file_name(&mut self.rng, stamp, &actor);
            files.push((
                format!("{rel}/replies/{name}"),
                render_entry(&entry).unwrap().into_bytes(),
            ));
            self.entries += 1;
        }
        files.push((
            format!("{rel}/ticket.md"),
            render_ticket(&ticket).unwrap().into_bytes(),
        ));
        let verb = if on_the_spot {
            "new ticket, resolved on the spot"
        } else {
            "new ticket"
        };
        let about = TicketRef {
            folio: &folio,
            uid: &ticket.uid,
        };
        let message = commit_message(Some(about), "new", &actor, &format!("{verb}: {subject}"));
        let author = self.person(&actor);
        self.git.commit(&author, now.timestamp(), &message, &files);
        self.tickets[idx].ticket = ticket;
        if on_the_spot {
            self.tickets[idx].budget = 1;
        }
        let first_response = self.rng.exp(3.0 * 3600.0) as i64 + 120;
        self.schedule(
            stamp.timestamp_millis() + first_response * 1000,
            Event::Step(idx),
        );
    }

    /// One action on ticket `idx`, chosen from its state, then the next one
    /// scheduled unless the ticket's story is over.
    fn step(&mut self, idx: usize, stamp: DateTime<Utc>) {
        let now = stamp.trunc_subsecs(0);
        let state = &self.tickets[idx];
        if state.budget == 0 {
            return;
        }
        let outcome = self.choose(idx, now);
        let Some(mut outcome) = outcome else {
            return;
        };
        let folio = self.tickets[idx].folio.clone();
        let rel = format!("tickets/{folio}");
        let mut files = Vec::new();
        let mut names = Vec::new();
        for (name, bytes) in std::mem::take(&mut outcome.attachments) {
            files.push((format!("{rel}/attachments/{name}"), bytes));
            names.push(name);
        }
        let ticket = &mut self.tickets[idx].ticket;
        let by_staff = outcome.author != ticket.requester;
        let mut entry = workflow::record(
            ticket,
            &outcome.author,
            now,
            outcome.kind,
            &outcome.body,
            outcome.changes,
            names,
        );
        // Operators record the time they spent on about 40 % of their
        // replies and notes (`--time`).
        if entry.kind != EntryKind::Event && by_staff && self.rng.chance(0.4) {
            let minutes = self.rng.range(5, 90) as u64;
            entry.time_spent = Some(tkt::domain::model::Span { minutes });
        }
        let text = render_ticket(ticket).unwrap();
        let status = ticket.status;
        let uid = ticket.uid.clone();
        let name = entry_file_name(&mut self.rng, stamp, &outcome.author);
        files.push((
            format!("{rel}/replies/{name}"),
            render_entry(&entry).unwrap().into_bytes(),
        ));
        files.push((format!("{rel}/ticket.md"), text.into_bytes()));
        let about = TicketRef {
            folio: &folio,
            uid: &uid,
        };
        let message = commit_message(
            Some(about),
            outcome.action,
            &outcome.author,
            &outcome.summary,
        );
        let author = self.person(&outcome.author);
        self.git.commit(&author, now.timestamp(), &message, &files);
        self.entries += 1;
        let state = &mut self.tickets[idx];
        state.budget -= 1;
        if state.budget == 0 && status == Status::Resolved && self.rng.chance(0.85) {
            // Most resolutions are confirmed by a close.
            state.budget = 1;
        }
        if state.budget == 0 || (state.stuck && self.rng.chance(0.4)) {
            state.budget = 0;
            return;
        }
        if status == Status::Closed && !self.rng.chance(0.03) {
            return;
        }
        let mean_hours = match status {
            Status::Open => 4.0,
            Status::InProgress => 20.0,
            Status::WaitingOnRequester => 30.0,
            Status::Resolved => 40.0,
            Status::Closed => 200.0,
        };
        let delay = self.rng.exp(mean_hours * 3600.0 * 1000.0) as i64 + 120_000;
        self.schedule(stamp.timestamp_millis() + delay, Event::Step(idx));
    }

    fn choose(&mut self, idx: usize, now: DateTime<Utc>) -> Option<Outcome> {
        let worker = self.worker(idx);
        let requester = self.tickets[idx].ticket.requester.clone();
        let first = first_name(&self.person(&requester)).to_string();
        let status = self.tickets[idx].ticket.status;
        let closing = self.tickets[idx].budget <= 1 && !self.tickets[idx].stuck;
        let r = self.rng.unit();
        let rng = &mut self.rng;
        let mut outcome = match status {
            Status::Open | Status::InProgress | Status::WaitingOnRequester if closing => {
                if status == Status::WaitingOnRequester && rng.chance(0.3) {
                    let t = &mut self.tickets[idx].ticket;
                    let change = workflow::close(t).ok()?;
                    Outcome::event(&worker, "close", vec![change])
                } else {
                    self.resolve(idx, &worker)
                }
            }
            Status::Open => {
                if r < 0.55 {
                    let template = *rng.pick(STAFF_FIRST_REPLIES);
                    let body = fill(rng, template, &first);
                    self.reply(idx, &worker, body, None, false)?
                } else if r < 0.65 {
                    self.note(idx, &worker)
                } else if r < 0.75 {
                    let assignee = self.tickets[idx].ticket.assignee.clone();
                    let taker = self.other_staff(assignee.as_deref());
                    let t = &mut self.tickets[idx].ticket;
                    let change = workflow::assign(t, &taker).ok()?;
                    Outcome::event(&taker, "take", vec![change])
                } else if r < 0.80 {
                    self.reassign(idx, &worker)?
                } else if r < 0.85 {
                    self.reprioritise(idx, &worker)?
                } else if r < 0.95 {
                    let t = &mut self.tickets[idx].ticket;
                    let change = workflow::change_status(t, Status::InProgress).ok()?;
                    Outcome::event(&worker, "status", vec![change])
                } else {
                    let template = *rng.pick(REQUESTER_REPLIES);
                    let body = fill(rng, template, &first);
                    self.reply(idx, &requester, body, None, false)?
                }
            }
            Status::InProgress => {
                if r < 0.22 {
                    let body = format!(
                        "Hi {first},\n\ncould you send me {}? Without it I cannot go further.",
                        rng.pick(ASKS)
                    );
                    self.reply(idx, &worker, body, Some(Status::WaitingOnRequester), false)?
                } else if r < 0.34 {
                    let template = *rng.pick(STAFF_REPLIES);
                    let body = fill(rng, template, &first);
                    self.reply(idx, &worker, body, None, false)?
                } else if r < 0.48 {
                    self.note(idx, &worker)
                } else if r < 0.60 {
                    let text = rng.pick(ACTIONS).to_string();
                    let done = rng.chance(0.3);
                    let t = &mut self.tickets[idx].ticket;
                    let changes = workflow::add_action(t, &text, &worker, now, done).ok()?;
                    Outcome::event(&worker, "action-add", changes)
                } else if r < 0.70 {
                    let t = &mut self.tickets[idx].ticket;
                    match t.actions.iter().position(|a| !a.done) {
                        Some(i) => {
                            let change = workflow::complete_action(t, i + 1, &worker, now).ok()?;
                            Outcome::event(&worker, "action-done", vec![change])
                        }
                        None => self.note(idx, &worker),
                    }
                } else if r < 0.76 {
                    let template = *rng.pick(REQUESTER_REPLIES);
                    let body = fill(rng, template, &first);
                    self.reply(idx, &requester, body, None, false)?
                } else if r < 0.81 {
                    self.reassign(idx, &worker)?
                } else if r < 0.84 {
                    self.reprioritise(idx, &worker)?
                } else {
                    self.resolve(idx, &worker)
                }
            }
            Status::WaitingOnRequester => {
                if r < 0.85 {
                    let template = *rng.pick(REQUESTER_REPLIES);
                    let body = fill(rng, template, &first);
                    self.reply(idx, &requester, body, None, false)?
                } else if r < 0.95 {
                    let body = format!(
                        "Hi {first}, just a reminder that I still need {} to go on.",
                        rng.pick(ASKS)
                    );
                    self.reply(idx, &worker, body, None, false)?
                } else {
                    let t = &mut self.tickets[idx].ticket;
                    let change = workflow::close(t).ok()?;
                    Outcome::event(&worker, "close", vec![change])
                }
            }
            Status::Resolved => {
                if r < 0.72 {
                    let t = &mut self.tickets[idx].ticket;
                    let change = workflow::close(t).ok()?;
                    Outcome::event(&requester, "close", vec![change])
                } else if r < 0.88 {
                    let t = &mut self.tickets[idx].ticket;
                    let change = workflow::close(t).ok()?;
                    Outcome::event(&worker, "close", vec![change])
                } else if r < 0.96 {
                    let body = rng.pick(REOPEN_REPLIES).to_string();
                    self.tickets[idx].budget += 2;
                    self.reply(idx, &requester, body, None, true)?
                } else {
                    let t = &mut self.tickets[idx].ticket;
                    let change = workflow::reopen(t).ok()?;
                    self.tickets[idx].budget += 2;
                    Outcome::event(&requester, "reopen", vec![change])
                }
            }
            Status::Closed => {
                let t = &mut self.tickets[idx].ticket;
                let change = workflow::reopen(t).ok()?;
                self.tickets[idx].budget += 2;
                Outcome::event(&requester, "reopen", vec![change])
            }
        };
        if outcome.kind != EntryKind::Event && self.rng.chance(0.03) {
            outcome.attachments.push(self.attachment(idx));
        }
        Some(outcome)
    }

    fn reply(
        &mut self,
        idx: usize,
        author: &str,
        body: String,
        status: Option<Status>,
        reopen: bool,
    ) -> Option<Outcome> {
        let t = &mut self.tickets[idx].ticket;
        let next = workflow::status_after_post(t, author, EntryKind::Reply, status, reopen).ok()?;
        let mut changes = Vec::new();
        if let Some(s) = next {
            changes.push(workflow::apply_post_status(t, s).ok()?);
        }
        Some(Outcome::post(author, EntryKind::Reply, body, changes))
    }

    fn note(&mut self, idx: usize, author: &str) -> Outcome {
        let notes = if self.tickets[idx].ticket.category == "technical" {
            NOTES
        } else {
            &NOTES[2..]
        };
        let template = *self.rng.pick(notes);
        let mut body = fill(&mut self.rng, template, "");
        if self.rng.chance(0.3) {
            body.push_str(&format!(
                "\n\nNext: {}.",
                self.rng.pick(ACTIONS).to_lowercase()
            ));
        }
        Outcome::post(author, EntryKind::Note, body, vec![])
    }

    fn reassign(&mut self, idx: usize, actor: &str) -> Option<Outcome> {
        let current = self.tickets[idx].ticket.assignee.clone();
        let to = self.other_staff(current.as_deref());
        let t = &mut self.tickets[idx].ticket;
        let change = workflow::assign(t, &to).ok()?;
        Some(Outcome::event(actor, "assign", vec![change]))
    }

    fn reprioritise(&mut self, idx: usize, actor: &str) -> Option<Outcome> {
        let to = *self.rng.pick(&Priority::ALL);
        let t = &mut self.tickets[idx].ticket;
        let change = workflow::set_priority(t, to).ok()?;
        Some(Outcome::event(actor, "priority", vec![change]))
    }

    fn resolve(&mut self, idx: usize, actor: &str) -> Outcome {
        let category = self.tickets[idx].ticket.category.clone();
        let mut solution = solution_for(&mut self.rng, &category);
        if self.rng.chance(0.3) {
            solution.push_str(&format!(
                "\n\nSee also the FAQ entry on the intranet; {}.",
                self.rng.pick(TODOS)
            ));
        }
        let t = &mut self.tickets[idx].ticket;
        let changes = workflow::resolve(t, &solution).expect("not closed");
        let mut outcome = Outcome::event(actor, "resolve", changes);
        outcome.summary = format!("resolved by {actor}");
        outcome
    }
}

// ---------------------------------------------------------------------------

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .expect("cannot run git");
    assert!(status.success(), "git {} failed", args.join(" "));
}

fn main() {
    let args = Args::parse();
    let started = Instant::now();
    let out = &args.out_dir;
    if out.exists()
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!("error: {} exists and is not empty", out.display());
        std::process::exit(1);
    }
    std::fs::create_dir_all(out).expect("cannot create the output folder");
    let people = people();
    let admin = people[0].clone();
    git(out, &["init", "-q", "-b", "main"]);
    git(out, &["config", "user.name", &admin.name]);
    git(out, &["config", "user.email", &admin.email]);

    let start = Utc.from_utc_datetime(&args.start.and_hms_opt(8, 0, 0).unwrap());
    let mut importer = Importer::start(out, admin.clone());

    // `tkt init`, then `tkt person add` for everyone else, as the admin.
    let mut when = (start - Duration::days(7)).timestamp();
    let mut config = Config::starter(HELPDESK_NAME, admin.clone());
    let mut yaml = format!("{CONFIG_HEADER}{}", serde_yaml::to_string(&config).unwrap());
    let message = commit_message(
        None,
        "init",
        &admin.key,
        &format!("initialise helpdesk \"{HELPDESK_NAME}\""),
    );
    let mut files = vec![
        ("helpdesk.yaml".to_string(), yaml.clone().into_bytes()),
        (
            ".gitattributes".to_string(),
            GITATTRIBUTES.as_bytes().to_vec(),
        ),
    ];
    for dir in ["tickets", "faq", "canned"] {
        files.push((format!("{dir}/.gitkeep"), vec![]));
    }
    importer.commit(&admin, when, &message, &files);
    for person in &people[1..] {
        when += 95;
        yaml = add_person(&yaml, &config, person).unwrap();
        config = Config::parse(&yaml).expect("valid config after person add");
        let summary = format!(
            "register {} ({}) as {}",
            person.key,
            person.name,
            person.role.as_str()
        );
        let message = commit_message(None, "person-add", &admin.key, &summary);
        importer.commit(
            &admin,
            when,
            &message,
            &[("helpdesk.yaml".to_string(), yaml.clone().into_bytes())],
        );
    }
    // A hand edit of helpdesk.yaml: a plain git commit.
    when += 86_400;
    config = configured(config);
    yaml = format!("{CONFIG_HEADER}{}", serde_yaml::to_string(&config).unwrap());
    assert_eq!(Config::parse(&yaml).expect("valid configuration"), config);
    importer.commit(
        &admin,
        when,
        "Configure categories: responsible people, forms and views\n",
        &[("helpdesk.yaml".to_string(), yaml.into_bytes())],
    );

    let start_ms = start.timestamp_millis();
    let end_ms = start_ms + args.days * 86_400_000;
    let mut sim = Sim {
        rng: Rng(args.seed),
        config,
        tickets: Vec::with_capacity(args.tickets),
        git: importer,
        queue: BinaryHeap::new(),
        seq: 0,
        clock_ms: when * 1000,
        end_ms,
        entries: 0,
    };
    // Creation times: a Poisson process, scaled so that the last ticket is
    // created just before the end, leaving a few days to work on it.
    let gaps: Vec<f64> = (0..args.tickets).map(|_| sim.rng.exp(1.0)).collect();
    let scale = (end_ms - start_ms) as f64 * 0.995 / gaps.iter().sum::<f64>();
    let mut t = start_ms as f64;
    for gap in gaps {
        sim.schedule(t as i64, Event::NewTicket);
        t += gap * scale;
    }
    sim.run();
    let generated = started.elapsed();

    let mut by_status: BTreeMap<Status, usize> = BTreeMap::new();
    for s in &sim.tickets {
        *by_status.entry(s.ticket.status).or_default() += 1;
    }
    let tickets = sim.tickets.len();
    let entries = sim.entries;
    let commits = sim.git.commits;
    let last = Utc.timestamp_millis_opt(sim.clock_ms).single().unwrap();
    sim.git.finish();
    let imported = started.elapsed();
    git(out, &["reset", "--hard", "-q"]);
    let checked_out = started.elapsed();
    // fast-import's pack interleaves commits with trees and blobs; `git gc`
    // orders it as a clone from a server would be (commits first).
    if !args.no_gc {
        git(out, &["gc", "--quiet"]);
    }
    // The checkout leaves "racily clean" index entries that the first
    // `git status` would re-hash; settle them now, and prove the tree clean.
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(out)
        .output()
        .expect("cannot run git status");
    assert!(
        status.status.success() && status.stdout.is_empty(),
        "git status is not clean:\n{}",
        String::from_utf8_lossy(&status.stdout)
    );

    eprintln!(
        "Generated {} tickets, {} timeline entries, {} commits ({} to {}) in {}",
        tickets,
        entries,
        commits,
        start.format("%Y-%m-%d"),
        last.format("%Y-%m-%d"),
        out.display()
    );
    let mix: Vec<String> = by_status.iter().map(|(s, n)| format!("{s} {n}")).collect();
    eprintln!("Statuses: {}", mix.join(", "));
    eprintln!(
        "Time: simulation and stream {:.1}s, fast-import done at {:.1}s, checkout done at {:.1}s, {} done at {:.1}s",
        generated.as_secs_f64(),
        imported.as_secs_f64(),
        checked_out.as_secs_f64(),
        if args.no_gc { "status" } else { "git gc and status" },
        started.elapsed().as_secs_f64()
    );
}
