//! Service levels end to end: the SLA clock (business hours, holidays,
//! pauses, reopens), who answers first, breach states, `tkt overdue`,
//! `tkt list --sla`, `tkt escalate`, `tkt sla apply`, `--time` and
//! `tkt report`. Every figure is computed by hand in a comment beside the
//! fixture (docs/REPORTS.md states the rules), and every command runs with
//! `TKT_NOW` pinned so the timestamps in the files are exact.
//!
//! January 2026: London is on GMT, so London wall-clock time equals UTC.
//! Mon 5, Tue 6, Wed 7, Thu 8, Fri 9, Sat 10, Sun 11, Mon 12, Tue 13,
//! Wed 14, Thu 15, Fri 16.

use crate::common::{contains, Desk};
use std::collections::HashMap;
use std::process::Output;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Business hours of the worked examples: London, 09:00–17:00 Mon–Fri,
/// Monday 2026-01-12 a holiday.
const LONDON: &str = "  business_hours:
    timezone: Europe/London
    days: [mon, tue, wed, thu, fri]
    hours: \"09:00-17:00\"
    holidays: [2026-01-12]
";

/// The standard desk (Ana admin, Ben and Cai operators, Rita requester)
/// with its `sla:` section replaced by `service` (which may add further
/// top-level sections such as `escalation:`), committed.
fn desk_with(service: &str) -> Desk {
    let desk = Desk::new();
    set_service(&desk, service);
    desk
}

/// Replaces the `sla:` section of helpdesk.yaml (the line `sla:` and the
/// indented lines under it) with `service`, and commits the file.
fn set_service(desk: &Desk, service: &str) {
    let text = desk.read("helpdesk.yaml");
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    let mut replaced = false;
    while let Some(line) = lines.next() {
        if line == "sla:" && !replaced {
            while lines.peek().is_some_and(|l| l.starts_with(' ')) {
                lines.next();
            }
            out.push_str(service);
            replaced = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(replaced, "no sla: section in\n{text}");
    desk.write("helpdesk.yaml", &out);
    desk.git(&["commit", "-qam", "service levels"]);
}

/// Runs tkt at the pinned time `now`.
fn run_at(desk: &Desk, now: &str, args: &[&str]) -> Output {
    desk.cmd().env("TKT_NOW", now).args(args).output().unwrap()
}

/// Runs tkt at `now`, asserts success, returns stdout.
fn ok_at(desk: &Desk, now: &str, args: &[&str]) -> String {
    let out = run_at(desk, now, args);
    assert!(
        out.status.success(),
        "TKT_NOW={now} tkt {args:?} failed ({:?}):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs tkt at `now`, asserts the exit code, returns stderr.
fn fails_at(desk: &Desk, now: &str, args: &[&str], code: i32) -> String {
    let out = run_at(desk, now, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "TKT_NOW={now} tkt {args:?}: stdout {} stderr {stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

fn json_at(desk: &Desk, now: &str, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok_at(desk, now, args)).unwrap()
}

/// A technical ticket registered by `who` at `now`; returns its folio.
fn ticket_at(desk: &Desk, now: &str, who: &str, priority: &str, subject: &str) -> String {
    ok_at(
        desk,
        now,
        &[
            "--as",
            who,
            "new",
            "-s",
            subject,
            "-c",
            "technical",
            "-p",
            priority,
            "-m",
            "Details of the problem.",
        ],
    )
    .trim()
    .to_string()
}

/// `tkt report ARGS --format json` at `now`.
fn report_at(desk: &Desk, now: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["report", "--format", "json"];
    all.extend_from_slice(args);
    json_at(desk, now, &all)
}

/// The line of `tkt show` for one target, e.g. `first response  met  …`.
fn sla_line(show: &str, label: &str) -> String {
    let lines: Vec<&str> = show
        .lines()
        .filter(|l| l.trim_start().starts_with(label))
        .collect();
    assert_eq!(lines.len(), 1, "one `{label}` line expected in:\n{show}");
    lines[0].trim().to_string()
}

fn ticket_md(desk: &Desk, folio: &str) -> String {
    desk.read(&format!("tickets/{folio}/ticket.md"))
}

fn last_entry(desk: &Desk, folio: &str) -> String {
    std::fs::read_to_string(desk.entries(folio).last().unwrap()).unwrap()
}

fn last_commit_message(desk: &Desk) -> String {
    desk.git(&["log", "-1", "--format=%B"])
}

/// A CSV text as a header and rows of name → value.
fn csv_records(text: &str) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in\n{text}"))
        + 1
}

// ---------------------------------------------------------------------------
// 1. Business hours across a weekend and a holiday
// ---------------------------------------------------------------------------

#[test]
fn business_hours_skip_the_weekend_and_a_holiday() {
    let desk = desk_with(&format!(
        "sla:\n{LONDON}  high: {{ first_response: 4h, resolution: 17h }}\n"
    ));
    // Created Friday 2026-01-09 16:00; Monday 12 is a holiday; Ben answers
    // on Tuesday 2026-01-13 10:30.
    let folio = ticket_at(
        &desk,
        "2026-01-09T16:00:00Z",
        "rita",
        "high",
        "Scanner down",
    );
    ok_at(
        &desk,
        "2026-01-13T10:30:00Z",
        &["--as", "ben", "reply", &folio, "-m", "Looking at it now."],
    );

    // First response: Fri 16:00–17:00 = 1 h; Sat, Sun = 0; Mon 12 (holiday)
    // = 0; Tue 09:00–10:30 = 1 h 30 min. Used 2 h 30 min = 9,000 s ≤ 4 h:
    // met.
    let now = "2026-01-13T11:00:00Z";
    let report = report_at(&desk, now, &[]);
    assert_eq!(report["business_hours"], true);
    assert_eq!(report["total"]["first_response"]["count"], 1);
    assert_eq!(report["total"]["first_response"]["median"], 9000);
    assert_eq!(report["total"]["first_response"]["p90"], 9000);
    let compliance = &report["total"]["compliance"];
    assert_eq!(compliance.as_array().unwrap().len(), 1, "{compliance}");
    assert_eq!(compliance[0]["target"], "first_response");
    assert_eq!(compliance[0]["met"], 1);
    assert_eq!(compliance[0]["breached"], 0);

    let show = ok_at(&desk, now, &["show", &folio]);
    contains(&show, "Service level (business hours)");
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  met  2 h 30 min of 4 h used, done 2026-01-13 10:30 UTC"
    );
    // Resolution (17 h) runs on: at Tue 11:00, used = 1 h (Fri) + 2 h
    // (Tue 09:00–11:00) = 3 h, 3/17 < 75 %: on track. Due: 1 h on Friday,
    // 8 h on Tuesday (09:00–17:00), the last 8 h on Wednesday: Wed 14
    // 17:00.
    assert_eq!(
        sla_line(&show, "resolution"),
        "resolution      on-track  3 h of 17 h used, due 2026-01-14 17:00 UTC"
    );

    // `tkt show --json` is the ticket's data only: no service level.
    let json = ok_at(&desk, now, &["show", &folio, "--json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["id"], folio.as_str());
    for word in ["Service level", "first_response", "on-track", "\"met\""] {
        assert!(!json.contains(word), "{word} in show --json:\n{json}");
    }
}

#[test]
fn a_ticket_registered_outside_hours_starts_its_clock_at_the_next_opening() {
    let desk = desk_with(&format!(
        "sla:\n{LONDON}  high: {{ first_response: 4h, resolution: 17h }}\n"
    ));
    // Registered Saturday 2026-01-10 20:00. Sunday is not worked and Monday
    // 12 is a holiday, so the clock starts Tuesday 09:00: due 09:00 + 4 h
    // = Tue 13:00. At Tue 12:00 it has used 3 h (75 %): at risk.
    let folio = ticket_at(&desk, "2026-01-10T20:00:00Z", "rita", "high", "Weekend");
    let show = ok_at(&desk, "2026-01-13T12:00:00Z", &["show", &folio]);
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  at-risk  3 h of 4 h used, due 2026-01-13 13:00 UTC"
    );
    // On the holiday itself nothing has been used.
    let show = ok_at(&desk, "2026-01-12T15:00:00Z", &["show", &folio]);
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  on-track  0 min of 4 h used, due 2026-01-13 13:00 UTC"
    );
}

#[test]
fn a_lunch_break_does_not_count_and_at_risk_follows_the_config() {
    let desk = desk_with(
        "sla:
  business_hours:
    timezone: Europe/London
    days: [mon, tue, wed, thu, fri]
    hours: [\"09:00-12:00\", \"13:00-17:00\"]
  at_risk: 50%
  high: { first_response: 4h, resolution: 17h }
",
    );
    // Created Wed 2026-01-14 11:00. At 14:00: 11:00–12:00 (1 h) + lunch (0)
    // + 13:00–14:00 (1 h) = 2 h of 4 h = 50 %: at risk with at_risk 50 %.
    // Due: 2 h left from 14:00 = 16:00.
    let folio = ticket_at(&desk, "2026-01-14T11:00:00Z", "rita", "high", "Lunch");
    let show = ok_at(&desk, "2026-01-14T14:00:00Z", &["show", &folio]);
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  at-risk  2 h of 4 h used, due 2026-01-14 16:00 UTC"
    );
    // Resolution (17 h): Wed 1 h + 4 h = 5 h, Thu 7 h (12 h), Fri 09:00–12:00
    // (15 h) and 13:00–15:00 (17 h): due Fri 16 15:00.
    assert_eq!(
        sla_line(&show, "resolution"),
        "resolution      on-track  2 h of 17 h used, due 2026-01-16 15:00 UTC"
    );
}

#[test]
fn a_daylight_saving_day_holds_a_full_day_of_business_time() {
    let desk = desk_with(
        "sla:
  business_hours:
    timezone: Europe/London
    days: [mon, tue, wed, thu, fri, sat, sun]
    hours: \"00:00-24:00\"
  high: { first_response: 2d, resolution: 3d }
",
    );
    // London springs forward on Sunday 2026-03-29 at 01:00 UTC. Created
    // Sat 28 12:00 GMT (12:00Z), answered Mon 30 12:00 BST (11:00Z): 47 h
    // elapsed, but the wall clock moved 48 h, and business time counts the
    // wall clock: 48 h of 48 h, met (reached exactly at the allowed time).
    let folio = ticket_at(&desk, "2026-03-28T12:00:00Z", "rita", "high", "Spring");
    ok_at(
        &desk,
        "2026-03-30T11:00:00Z",
        &["--as", "ben", "reply", &folio, "-m", "Here."],
    );
    let show = ok_at(&desk, "2026-03-30T11:00:00Z", &["show", &folio]);
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  met  48 h of 48 h used, done 2026-03-30 11:00 UTC"
    );
    // (A report's period ends before now: run it a minute later.)
    let report = report_at(&desk, "2026-03-30T11:01:00Z", &[]);
    assert_eq!(report["total"]["first_response"]["median"], 48 * 3600);
}

// ---------------------------------------------------------------------------
// 2. A pause
// ---------------------------------------------------------------------------

#[test]
fn waiting_on_the_requester_does_not_count() {
    let desk = desk_with(&format!(
        "sla:\n{LONDON}  high: {{ first_response: 4h, resolution: 4h, next_reply: 4h }}\n"
    ));
    // Tue 2026-01-13: created 09:00; Ben answers 09:30 and waits on Rita;
    // Rita answers 12:30 (back to in-progress); Ben resolves 15:00.
    let folio = ticket_at(&desk, "2026-01-13T09:00:00Z", "rita", "high", "VPN drops");
    ok_at(
        &desk,
        "2026-01-13T09:30:00Z",
        &[
            "--as",
            "ben",
            "reply",
            &folio,
            "-m",
            "Which network?",
            "--status",
            "waiting-on-requester",
        ],
    );

    // While waiting (11:00): 09:00–09:30 ran (30 min), then the clock stands
    // still: the resolution target has no due time, only "paused".
    let show = ok_at(&desk, "2026-01-13T11:00:00Z", &["show", &folio]);
    assert_eq!(
        sla_line(&show, "resolution"),
        "resolution      on-track  30 min of 4 h used, paused"
    );
    let overdue = ok_at(
        &desk,
        "2026-01-13T11:00:00Z",
        &["overdue", "--format", "json"],
    );
    assert_eq!(overdue.trim(), "[]");

    ok_at(
        &desk,
        "2026-01-13T12:30:00Z",
        &["--as", "rita", "reply", &folio, "-m", "Home wifi."],
    );
    contains(&ticket_md(&desk, &folio), "status: in-progress");
    ok_at(
        &desk,
        "2026-01-13T15:00:00Z",
        &[
            "--as",
            "ben",
            "resolve",
            &folio,
            "--solution",
            "Updated the VPN client.",
        ],
    );

    // open 09:00–09:30 runs (30 min); waiting 09:30–12:30 paused (0);
    // in-progress 12:30–15:00 runs (2 h 30 min). Resolution used 30 min +
    // 2 h 30 min = 3 h = 10,800 s ≤ 4 h: met. First response 30 min =
    // 1,800 s. Next reply: Rita 12:30 → Ben's resolution notice 15:00 =
    // 2 h 30 min, met.
    let now = "2026-01-13T16:00:00Z";
    let report = report_at(&desk, now, &[]);
    let total = &report["total"];
    assert_eq!(total["resolution"]["median"], 10800);
    assert_eq!(total["first_resolution"]["median"], 10800);
    assert_eq!(total["first_response"]["median"], 1800);
    // Time in status is calendar time: 3 h waiting.
    let waiting = total["status_time"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "waiting-on-requester")
        .unwrap();
    assert_eq!(waiting["total"], 10800);
    let show = ok_at(&desk, now, &["show", &folio]);
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  met  30 min of 4 h used, done 2026-01-13 09:30 UTC"
    );
    assert_eq!(
        sla_line(&show, "next reply"),
        "next reply      met  2 h 30 min of 4 h used, done 2026-01-13 15:00 UTC"
    );
    assert_eq!(
        sla_line(&show, "resolution"),
        "resolution      met  3 h of 4 h used, done 2026-01-13 15:00 UTC"
    );

    // Without pauses the same history uses 6 h (09:00–15:00): breached.
    // The cache holds no configuration, so the change shows at once.
    set_service(
        &desk,
        &format!(
            "sla:\n{LONDON}  pause: []\n  high: {{ first_response: 4h, resolution: 4h, next_reply: 4h }}\n"
        ),
    );
    let report = report_at(&desk, now, &[]);
    assert_eq!(report["total"]["resolution"]["median"], 21600);
    let show = ok_at(&desk, now, &["show", &folio]);
    assert_eq!(
        sla_line(&show, "resolution"),
        "resolution      breached  6 h of 4 h used, done 2026-01-13 15:00 UTC"
    );
}

// ---------------------------------------------------------------------------
// 3. A reopen
// ---------------------------------------------------------------------------

#[test]
fn a_reopened_ticket_continues_its_resolution_clock() {
    // Calendar time (no business hours).
    let desk = desk_with("sla:\n  high: { first_response: 4h, resolution: 8h }\n");
    // Wed 2026-01-14 09:00 created; Ben answers 09:15 and resolves 11:00;
    // Rita reopens Thu 10:00; Ben resolves again Thu 14:30.
    let folio = ticket_at(&desk, "2026-01-14T09:00:00Z", "rita", "high", "Printer");
    ok_at(
        &desk,
        "2026-01-14T09:15:00Z",
        &["--as", "ben", "reply", &folio, "-m", "On it."],
    );
    ok_at(
        &desk,
        "2026-01-14T11:00:00Z",
        &[
            "--as",
            "ben",
            "resolve",
            &folio,
            "--solution",
            "Restarted the spooler.",
        ],
    );
    ok_at(
        &desk,
        "2026-01-15T10:00:00Z",
        &["--as", "rita", "reopen", &folio],
    );

    // Thu 12:00, reopened: used = 2 h (Wed 09:00–11:00) + 2 h (Thu
    // 10:00–12:00) = 4 h of 8 h: on track. Due: 6 h left from Thu 10:00 =
    // Thu 16:00. The 23 h in resolved do not count.
    let show = ok_at(&desk, "2026-01-15T12:00:00Z", &["show", &folio]);
    assert_eq!(
        sla_line(&show, "resolution"),
        "resolution      on-track  4 h of 8 h used, due 2026-01-15 16:00 UTC"
    );

    ok_at(
        &desk,
        "2026-01-15T14:30:00Z",
        &[
            "--as",
            "ben",
            "resolve",
            &folio,
            "--solution",
            "Replaced the network card.",
        ],
    );

    // First resolution: Wed 09:00 → 11:00 = 2 h = 7,200 s.
    // Resolution: 2 h + Thu 10:00 → 14:30 (4 h 30 min) = 6 h 30 min =
    // 23,400 s ≤ 8 h: met, decided Thu 14:30.
    // Resolved once in the period (two resolutions, one ticket), reopened
    // after it: reopened 1, rate 1/1 = 100 %.
    // Time in resolved (calendar): Wed 11:00 → Thu 10:00 = 23 h, plus Thu
    // 14:30 → Fri 00:00 = 9 h 30 min; 32 h 30 min = 117,000 s.
    let now = "2026-01-16T00:00:00Z";
    let total = report_at(&desk, now, &[])["total"].clone();
    assert_eq!(total["first_response"]["median"], 900);
    assert_eq!(total["first_resolution"]["count"], 1);
    assert_eq!(total["first_resolution"]["median"], 7200);
    assert_eq!(total["resolution"]["count"], 1);
    assert_eq!(total["resolution"]["median"], 23400);
    assert_eq!(total["resolved"], 1);
    assert_eq!(total["reopened"], 1);
    assert_eq!(total["reopen_rate"], 100.0);
    let resolution = total["compliance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["target"] == "resolution")
        .unwrap();
    assert_eq!(resolution["met"], 1);
    assert_eq!(resolution["breached"], 0);
    let resolved_time = total["status_time"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "resolved")
        .unwrap();
    assert_eq!(resolved_time["total"], 117000);
    assert_eq!(resolved_time["tickets"], 1);

    let show = ok_at(&desk, now, &["show", &folio]);
    assert_eq!(
        sla_line(&show, "resolution"),
        "resolution      met  6 h 30 min of 8 h used, done 2026-01-15 14:30 UTC"
    );

    // A report over Wednesday only sees the first resolution, and the
    // reopen after it (up to now) still counts: 1 of 1 reopened.
    let wednesday = report_at(
        &desk,
        now,
        &["--since", "2026-01-14", "--until", "2026-01-14"],
    )["total"]
        .clone();
    assert_eq!(wednesday["resolved"], 1);
    assert_eq!(wednesday["reopened"], 1);
    assert_eq!(wednesday["first_resolution"]["median"], 7200);
    // Its last resolution (Thursday) is outside Wednesday.
    assert_eq!(wednesday["resolution"]["count"], 0);
}

// ---------------------------------------------------------------------------
// 4. A ticket registered on a requester's behalf
// ---------------------------------------------------------------------------

#[test]
fn on_behalf_the_first_response_is_the_operators_first_public_reply() {
    let desk = desk_with("sla:\n  high: { first_response: 4h, resolution: 2d }\n");
    // Wed 2026-01-14 09:00: Ben registers a ticket for Rita (a phone call).
    let folio = ok_at(
        &desk,
        "2026-01-14T09:00:00Z",
        &[
            "--as",
            "ben",
            "new",
            "-s",
            "Toner empty",
            "-c",
            "technical",
            "-p",
            "high",
            "--requester",
            "rita",
            "-m",
            "Rita called: the toner is empty.",
        ],
    )
    .trim()
    .to_string();
    contains(&ticket_md(&desk, &folio), "requester: rita");
    // 09:30 an internal note by Ben; 10:00 a reply by Rita. Neither answers.
    ok_at(
        &desk,
        "2026-01-14T09:30:00Z",
        &["--as", "ben", "note", &folio, "-m", "Ordered toner."],
    );
    ok_at(
        &desk,
        "2026-01-14T10:00:00Z",
        &["--as", "rita", "reply", &folio, "-m", "Any news?"],
    );

    // At 10:30 the first response is still open: 1 h 30 min of 4 h used,
    // due 09:00 + 4 h = 13:00; nothing answered yet, so no sample.
    let now = "2026-01-14T10:30:00Z";
    let show = ok_at(&desk, now, &["show", &folio]);
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  on-track  1 h 30 min of 4 h used, due 2026-01-14 13:00 UTC"
    );
    assert!(!show.contains("Service level (business hours)"));
    let report = report_at(&desk, now, &[]);
    assert_eq!(report["total"]["first_response"]["count"], 0);
    assert_eq!(
        report["total"]["first_response"]["median"],
        serde_json::Value::Null
    );

    // 11:00 Ben's public reply: first response 09:00 → 11:00 = 2 h =
    // 7,200 s, met.
    ok_at(
        &desk,
        "2026-01-14T11:00:00Z",
        &[
            "--as",
            "ben",
            "reply",
            &folio,
            "-m",
            "New toner is on its way.",
        ],
    );
    let now = "2026-01-14T12:00:00Z";
    let show = ok_at(&desk, now, &["show", &folio]);
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  met  2 h of 4 h used, done 2026-01-14 11:00 UTC"
    );
    let report = report_at(&desk, now, &[]);
    assert_eq!(report["total"]["first_response"]["count"], 1);
    assert_eq!(report["total"]["first_response"]["median"], 7200);
    let ben = report["workload"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["person"] == "ben")
        .unwrap()
        .clone();
    assert_eq!(ben["first_response"]["median"], 7200);
}

// ---------------------------------------------------------------------------
// 5. Breach states, `tkt overdue` and `tkt list --sla`
// ---------------------------------------------------------------------------

#[test]
fn a_target_goes_on_track_at_risk_breached() {
    let desk = desk_with("sla:\n  high: { first_response: 4h, resolution: 2d }\n");
    // Created Wed 2026-01-14 09:00; 4 h allowed, at risk from 75 % = 3 h.
    let folio = ticket_at(&desk, "2026-01-14T09:00:00Z", "rita", "high", "Laptop");
    let first = |now: &str| sla_line(&ok_at(&desk, now, &["show", &folio]), "first response");
    assert_eq!(
        first("2026-01-14T11:00:00Z"),
        "first response  on-track  2 h of 4 h used, due 2026-01-14 13:00 UTC"
    );
    assert_eq!(
        first("2026-01-14T12:00:00Z"),
        "first response  at-risk  3 h of 4 h used, due 2026-01-14 13:00 UTC"
    );
    // Used = allowed and not done: breached.
    assert_eq!(
        first("2026-01-14T13:00:00Z"),
        "first response  breached  4 h of 4 h used, due 2026-01-14 13:00 UTC"
    );
    assert_eq!(
        first("2026-01-14T14:30:00Z"),
        "first response  breached  5 h 30 min of 4 h used, due 2026-01-14 13:00 UTC"
    );
    let sla = |now: &str, states: &str| {
        ok_at(&desk, now, &["list", "--sla", states, "--format", "csv"])
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(sla("2026-01-14T11:00:00Z", "on-track"), [folio.as_str()]);
    assert_eq!(sla("2026-01-14T12:00:00Z", "at-risk"), [folio.as_str()]);
    assert!(sla("2026-01-14T12:00:00Z", "breached").is_empty());
    assert_eq!(sla("2026-01-14T13:00:00Z", "breached"), [folio.as_str()]);
}

#[test]
fn overdue_lists_breached_first_then_by_due_time() {
    let desk =
        desk_with("sla:\n  high: { first_response: 4h, resolution: 2d }\n  medium: { first_response: 2h, resolution: 2d }\n");
    // All on Wed 2026-01-14, judged at 13:00 (calendar time):
    // TKT001 high   09:00 → used 4 h of 4 h, due 13:00: breached
    // TKT002 high   10:00 → used 3 h (75 %), due 14:00: at-risk
    // TKT003 medium 10:15 → used 2 h 45 min of 2 h, due 12:15: breached
    // TKT004 medium 11:30 → used 1 h 30 min (75 %), due 13:30: at-risk
    // TKT005 high   12:00 → used 1 h: on-track, not listed
    // The resolution targets (2 d) are all on track.
    // Order: breached by due (TKT003 12:15, TKT001 13:00), then at-risk by
    // due (TKT004 13:30, TKT002 14:00).
    let t1 = ticket_at(&desk, "2026-01-14T09:00:00Z", "rita", "high", "One");
    let t2 = ticket_at(&desk, "2026-01-14T10:00:00Z", "rita", "high", "Two");
    let t3 = ticket_at(&desk, "2026-01-14T10:15:00Z", "rita", "medium", "Three");
    let t4 = ticket_at(&desk, "2026-01-14T11:30:00Z", "rita", "medium", "Four");
    let t5 = ticket_at(&desk, "2026-01-14T12:00:00Z", "rita", "high", "Five");
    let now = "2026-01-14T13:00:00Z";

    let csv = ok_at(&desk, now, &["overdue", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "folio,target,state,due,used_seconds,allowed_seconds,paused,priority,status,assignee,subject"
    );
    let rows: Vec<&str> = lines.collect();
    let expected = [
        (
            &t3,
            "breached",
            "2026-01-14T12:15:00+00:00",
            9900,
            7200,
            "medium",
            "Three",
        ),
        (
            &t1,
            "breached",
            "2026-01-14T13:00:00+00:00",
            14400,
            14400,
            "high",
            "One",
        ),
        (
            &t4,
            "at-risk",
            "2026-01-14T13:30:00+00:00",
            5400,
            7200,
            "medium",
            "Four",
        ),
        (
            &t2,
            "at-risk",
            "2026-01-14T14:00:00+00:00",
            10800,
            14400,
            "high",
            "Two",
        ),
    ];
    assert_eq!(rows.len(), expected.len(), "{csv}");
    for (row, (folio, state, due, used, allowed, priority, subject)) in rows.iter().zip(expected) {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), 11, "{row}");
        assert_eq!(
            cells[..9],
            [
                folio.as_str(),
                "first_response",
                state,
                due,
                &used.to_string(),
                &allowed.to_string(),
                "no",
                priority,
                "open",
            ],
            "{csv}"
        );
        assert_eq!(cells[10], subject);
    }
    assert!(!csv.contains(&t5), "{csv}");

    // The table has the same order.
    let table = ok_at(&desk, now, &["overdue"]);
    let order: Vec<usize> = [&t3, &t1, &t4, &t2]
        .iter()
        .map(|f| table.find(f.as_str()).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{table}");

    // --assignee keeps only that person's rows, in the same order.
    let all = json_at(&desk, now, &["overdue", "--format", "json"]);
    let all = all.as_array().unwrap();
    assert_eq!(all[0]["used_seconds"], 9900);
    assert_eq!(all[0]["paused"], false);
    let assignee = all[0]["assignee"].as_str().unwrap().to_string();
    let mine: Vec<&serde_json::Value> = all
        .iter()
        .filter(|i| i["assignee"] == assignee.as_str())
        .collect();
    let filtered = json_at(
        &desk,
        now,
        &["overdue", "--assignee", &assignee, "--format", "json"],
    );
    assert_eq!(
        filtered.as_array().unwrap().iter().collect::<Vec<_>>(),
        mine
    );

    // `tkt list --sla` by the worst state of each ticket.
    let list = |states: &str| {
        let mut folios: Vec<String> =
            ok_at(&desk, now, &["list", "--sla", states, "--format", "csv"])
                .lines()
                .skip(1)
                .map(|l| l.split(',').next().unwrap().to_string())
                .collect();
        folios.sort();
        folios
    };
    assert_eq!(list("breached"), [t1.as_str(), t3.as_str()]);
    assert_eq!(list("at-risk"), [t2.as_str(), t4.as_str()]);
    assert_eq!(
        list("breached,at-risk"),
        [t1.as_str(), t2.as_str(), t3.as_str(), t4.as_str()]
    );
    assert_eq!(list("on-track"), [t5.as_str()]);
    let err = fails_at(&desk, now, &["list", "--sla", "late"], 2);
    contains(&err, "unknown SLA state `late`");
}

#[test]
fn overdue_puts_paused_targets_after_running_ones() {
    let desk = desk_with("sla:\n  high: { first_response: 4h, resolution: 2d }\n");
    // Wed 2026-01-14, judged at 15:00 (calendar time):
    // TKT001 09:00, set waiting-on-requester at 12:30 by an event (no
    //        answer): 3 h 30 min used, then paused: at risk, no due time.
    // TKT002 11:30: 3 h 30 min used and running: at risk, due 15:30.
    // Within at-risk, checks with a due time come first: TKT002, TKT001.
    let t1 = ticket_at(&desk, "2026-01-14T09:00:00Z", "rita", "high", "Paused");
    ok_at(
        &desk,
        "2026-01-14T12:30:00Z",
        &["--as", "ben", "status", &t1, "waiting-on-requester"],
    );
    let t2 = ticket_at(&desk, "2026-01-14T11:30:00Z", "rita", "high", "Running");
    let now = "2026-01-14T15:00:00Z";
    let (_, rows) = csv_records(&ok_at(&desk, now, &["overdue", "--format", "csv"]));
    let seen: Vec<(&str, &str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["folio"].as_str(),
                r["state"].as_str(),
                r["due"].as_str(),
                r["used_seconds"].as_str(),
                r["paused"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                t2.as_str(),
                "at-risk",
                "2026-01-14T15:30:00+00:00",
                "12600",
                "no"
            ),
            (t1.as_str(), "at-risk", "", "12600", "yes"),
        ]
    );
    let show = ok_at(&desk, now, &["show", &t1]);
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  at-risk  3 h 30 min of 4 h used, paused"
    );
}

// ---------------------------------------------------------------------------
// 6. `tkt escalate`
// ---------------------------------------------------------------------------

#[test]
fn escalate_by_the_requester_once_and_never_by_a_stranger() {
    let desk = desk_with(
        "sla:\n  high: { first_response: 4h, resolution: 2d }\nescalation:\n  contact: cai\n",
    );
    ok_at(
        &desk,
        "2026-01-14T08:00:00Z",
        &[
            "person",
            "add",
            "sam",
            "--name",
            "Sam Stone",
            "--email",
            "sam@example.org",
            "--role",
            "requester",
        ],
    );
    let folio = ticket_at(&desk, "2026-01-14T09:00:00Z", "rita", "high", "No scanner");
    let before = ticket_md(&desk, &folio);
    assert!(!before.contains("assignee: cai"), "{before}");
    assert!(!before.contains("escalated"), "{before}");

    // Another requester may not escalate Rita's ticket.
    let commits = desk.commit_count();
    let entries = desk.entries(&folio).len();
    let err = fails_at(
        &desk,
        "2026-01-14T10:00:00Z",
        &["--as", "sam", "escalate", &folio, "--reason", "Me too."],
        1,
    );
    contains(
        &err,
        "sam is a requester; only operators and admins can escalate other people's tickets",
    );
    assert_eq!(desk.commit_count(), commits);
    assert_eq!(desk.entries(&folio).len(), entries);
    assert_eq!(ticket_md(&desk, &folio), before);

    // An empty reason is refused.
    let err = fails_at(
        &desk,
        "2026-01-14T10:00:00Z",
        &["--as", "rita", "escalate", &folio, "--reason", "  "],
        1,
    );
    contains(&err, "the reason is empty");
    assert_eq!(desk.commit_count(), commits);

    // Rita escalates her own ticket: one commit, one event entry.
    ok_at(
        &desk,
        "2026-01-14T10:00:00Z",
        &[
            "--as",
            "rita",
            "escalate",
            &folio,
            "--reason",
            "The hearing is tomorrow and nobody has answered.",
        ],
    );
    assert_eq!(desk.commit_count(), commits + 1);
    assert_eq!(desk.entries(&folio).len(), entries + 1);
    let after = ticket_md(&desk, &folio);
    contains(&after, "escalated: true");
    contains(&after, "assignee: cai");
    let message = last_commit_message(&desk);
    contains(&message, &format!("{folio}: escalated by rita"));
    contains(&message, "Action: escalate");
    let entry = last_entry(&desk, &folio);
    contains(&entry, "author: rita");
    contains(&entry, "kind: event");
    contains(&entry, "field: escalated");
    contains(&entry, "to: cai");
    contains(&entry, "The hearing is tomorrow and nobody has answered.");
    contains(
        &ok_at(&desk, "2026-01-14T10:05:00Z", &["show", &folio]),
        "escalated: yes",
    );

    // Twice: refused, nothing written.
    let err = fails_at(
        &desk,
        "2026-01-14T11:00:00Z",
        &["--as", "rita", "escalate", &folio, "--reason", "Again."],
        1,
    );
    contains(&err, &format!("{folio} is already escalated"));
    assert_eq!(desk.commit_count(), commits + 1);
    assert_eq!(desk.entries(&folio).len(), entries + 1);

    // Escalation stops no clock: the first response is still running.
    let show = ok_at(&desk, "2026-01-14T12:00:00Z", &["show", &folio]);
    assert_eq!(
        sla_line(&show, "first response"),
        "first response  at-risk  3 h of 4 h used, due 2026-01-14 13:00 UTC"
    );

    // A resolved ticket must be reopened first, even for staff.
    let done = ticket_at(&desk, "2026-01-14T12:00:00Z", "rita", "high", "Printer");
    ok_at(
        &desk,
        "2026-01-14T12:30:00Z",
        &["--as", "ben", "resolve", &done, "--solution", "Fixed."],
    );
    let commits = desk.commit_count();
    let err = fails_at(
        &desk,
        "2026-01-14T13:00:00Z",
        &["--as", "ana", "escalate", &done, "--reason", "Check it."],
        1,
    );
    contains(
        &err,
        &format!("{done} is resolved; reopen it with `tkt reopen {done}` before escalating"),
    );
    assert_eq!(desk.commit_count(), commits);
    assert!(!ticket_md(&desk, &done).contains("escalated"));
}

// ---------------------------------------------------------------------------
// 7. `tkt sla apply`
// ---------------------------------------------------------------------------

const RULES: &str = "sla:
  medium: { first_response: 8h, resolution: 5d }
  high: { first_response: 4h, resolution: 2d }
  urgent: { first_response: 1h, resolution: 1d }
escalation:
  contact: cai
  rules:
  - name: late-first-answer
    when: { target: first_response, state: breached, priority: [high, urgent] }
    then: { priority: raise, assign: contact, escalate: true }
  - name: slow-medium
    when: { target: first_response, state: at-risk, priority: [medium] }
    then: { assign: cai }
";

#[test]
fn sla_apply_fires_each_rule_once_with_one_commit_per_ticket() {
    let desk = desk_with(RULES);
    // Wed 2026-01-14, judged at 14:00 (calendar time):
    // TKT001 high   09:00, unanswered: 5 h of 4 h, breached → late-first-answer
    // TKT002 high   12:00, unanswered: 2 h of 4 h, on track → nothing
    // TKT003 medium 07:00, unanswered: 7 h of 8 h (87.5 % ≥ 75 %), at risk
    //        → slow-medium
    // TKT004 high   08:00, answered 08:30 (met) → nothing: met targets never
    //        trigger a rule, and its resolution (6 h of 48 h) is on track
    let t1 = ticket_at(&desk, "2026-01-14T09:00:00Z", "rita", "high", "One");
    let t2 = ticket_at(&desk, "2026-01-14T12:00:00Z", "rita", "high", "Two");
    let t3 = ticket_at(&desk, "2026-01-14T07:00:00Z", "rita", "medium", "Three");
    let t4 = ticket_at(&desk, "2026-01-14T08:00:00Z", "rita", "high", "Four");
    ok_at(
        &desk,
        "2026-01-14T08:30:00Z",
        &["--as", "ben", "reply", &t4, "-m", "Done?"],
    );
    let now = "2026-01-14T14:00:00Z";
    let assignee = |folio: &str| {
        ticket_md(&desk, folio)
            .lines()
            .find_map(|l| l.strip_prefix("assignee: ").map(String::from))
            .unwrap()
    };
    let (a1, a3) = (assignee(&t1), assignee(&t3));
    assert_ne!(a1, "cai");
    assert_ne!(a3, "cai");

    // --dry-run: the plan, and nothing written or committed.
    let commits = desk.commit_count();
    let files = desk.snapshot();
    let out = run_at(&desk, now, &["--as", "rita", "sla", "apply", "--dry-run"]);
    assert!(out.status.success());
    let plan = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = plan.lines().collect();
    assert_eq!(lines.len(), 2, "{plan}");
    assert!(
        lines[0].starts_with(&format!("{t1}: late-first-answer → ")),
        "{plan}"
    );
    for part in [
        "priority: high → urgent".to_string(),
        format!("assignee: {a1} → cai"),
        "escalated".to_string(),
        "(One)".to_string(),
    ] {
        contains(lines[0], &part);
    }
    assert!(
        lines[1].starts_with(&format!("{t3}: slow-medium → ")),
        "{plan}"
    );
    contains(lines[1], &format!("assignee: {a3} → cai"));
    contains(
        &String::from_utf8_lossy(&out.stderr),
        "2 ticket(s) matched an escalation rule",
    );
    assert_eq!(desk.commit_count(), commits);
    assert!(desk.snapshot() == files, "--dry-run changed files");

    // A requester may not apply the rules.
    let err = fails_at(&desk, now, &["--as", "rita", "sla", "apply"], 1);
    contains(
        &err,
        "rita is a requester; only operators and admins can apply escalation rules",
    );
    assert_eq!(desk.commit_count(), commits);

    // The real run: one commit per changed ticket.
    let out = run_at(&desk, now, &["--as", "ana", "sla", "apply"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    contains(
        &String::from_utf8_lossy(&out.stderr),
        "2 ticket(s) matched an escalation rule",
    );
    assert_eq!(desk.commit_count(), commits + 2);
    let log = desk.git(&["log", "-2", "--format=%B%x00"]);
    assert_eq!(log.matches("Action: sla-apply").count(), 2, "{log}");
    contains(
        &log,
        &format!("{t1}: escalation rule late-first-answer applied"),
    );
    contains(&log, &format!("{t3}: escalation rule slow-medium applied"));

    let one = ticket_md(&desk, &t1);
    contains(&one, "priority: urgent");
    contains(&one, "assignee: cai");
    contains(&one, "escalated: true");
    let entry = last_entry(&desk, &t1);
    contains(&entry, "author: ana");
    contains(&entry, "field: sla-rule");
    contains(&entry, "to: late-first-answer");
    contains(&entry, "field: priority");
    let three = ticket_md(&desk, &t3);
    contains(&three, "priority: medium");
    contains(&three, "assignee: cai");
    assert!(!three.contains("escalated"), "{three}");
    contains(&last_entry(&desk, &t3), "to: slow-medium");
    for untouched in [&t2, &t4] {
        assert!(
            !desk
                .entries(untouched)
                .iter()
                .any(|e| std::fs::read_to_string(e).unwrap().contains("sla-rule")),
            "{untouched} got a rule"
        );
    }

    // Again at the same moment: nothing is due any more.
    let out = run_at(&desk, now, &["--as", "ana", "sla", "apply"]);
    assert!(out.status.success());
    contains(
        &String::from_utf8_lossy(&out.stderr),
        "0 ticket(s) matched an escalation rule",
    );
    assert_eq!(desk.commit_count(), commits + 2);

    // Later (20:00) TKT002 is breached too (8 h of 4 h): only it gets a
    // commit. TKT001 (urgent now, 11 h of 1 h, still selected by the rule)
    // is not hit twice.
    let commits = desk.commit_count();
    ok_at(
        &desk,
        "2026-01-14T20:00:00Z",
        &["--as", "ana", "sla", "apply"],
    );
    assert_eq!(desk.commit_count(), commits + 1);
    contains(
        &last_commit_message(&desk),
        &format!("{t2}: escalation rule late-first-answer applied"),
    );
    assert_eq!(
        sla_line(
            &ok_at(&desk, "2026-01-14T20:00:00Z", &["show", &t1]),
            "first response"
        ),
        "first response  breached  11 h of 1 h used, due 2026-01-14 10:00 UTC"
    );
    let dry = ok_at(
        &desk,
        "2026-01-14T20:00:00Z",
        &["sla", "apply", "--dry-run"],
    );
    assert_eq!(dry, "");
}

// ---------------------------------------------------------------------------
// 8. Time spent
// ---------------------------------------------------------------------------

#[test]
fn time_spent_is_recorded_checked_and_summed() {
    let desk = desk_with("sla:\n  high: { first_response: 4h, resolution: 2d }\n");
    let folio = ticket_at(&desk, "2026-01-14T09:00:00Z", "rita", "high", "Scanner");
    ok_at(
        &desk,
        "2026-01-14T10:00:00Z",
        &[
            "--as", "ben", "reply", &folio, "-m", "Looking.", "--time", "30m",
        ],
    );
    contains(&last_entry(&desk, &folio), "time_spent: 30m");
    ok_at(
        &desk,
        "2026-01-14T10:30:00Z",
        &["--as", "ben", "action", "add", &folio, "Clean the rollers"],
    );
    ok_at(
        &desk,
        "2026-01-14T11:00:00Z",
        &[
            "--as", "ben", "action", "done", &folio, "1", "--time", "45m",
        ],
    );
    let entry = last_entry(&desk, &folio);
    contains(&entry, "kind: event");
    contains(&entry, "time_spent: 45m");
    ok_at(
        &desk,
        "2026-01-14T11:30:00Z",
        &[
            "--as",
            "cai",
            "note",
            &folio,
            "-m",
            "Called the vendor.",
            "--time",
            "1h15m",
        ],
    );
    contains(&last_entry(&desk, &folio), "time_spent: 1h15m");

    // Refused spans and people: nothing is written.
    let commits = desk.commit_count();
    let entries = desk.entries(&folio).len();
    let err = fails_at(
        &desk,
        "2026-01-14T12:00:00Z",
        &["--as", "ben", "reply", &folio, "-m", "x", "--time", "0m"],
        2,
    );
    contains(&err, "`0m` is no time; write e.g. 15m, 1h or 1h30m");
    let err = fails_at(
        &desk,
        "2026-01-14T12:00:00Z",
        &["--as", "ben", "note", &folio, "-m", "x", "--time", "25h"],
        2,
    );
    contains(
        &err,
        "`25h` is more than 24 hours; record time per sitting, at most 24h",
    );
    let err = fails_at(
        &desk,
        "2026-01-14T12:00:00Z",
        &["--as", "ben", "action", "done", &folio, "1", "--time", "0m"],
        2,
    );
    contains(&err, "`0m` is no time");
    let err = fails_at(
        &desk,
        "2026-01-14T12:00:00Z",
        &[
            "--as",
            "rita",
            "reply",
            &folio,
            "-m",
            "I tried too.",
            "--time",
            "10m",
        ],
        1,
    );
    contains(
        &err,
        "rita is a requester; only operators and admins can record time spent",
    );
    assert_eq!(desk.commit_count(), commits);
    assert_eq!(desk.entries(&folio).len(), entries);

    // 30 + 45 + 75 = 150 minutes: Ben 75, Cai 75.
    let now = "2026-01-14T12:00:00Z";
    let report = report_at(&desk, now, &[]);
    assert_eq!(report["total"]["time_spent"], 150);
    let minutes = |who: &str| {
        report["workload"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["person"] == who)
            .unwrap()["time_spent"]
            .clone()
    };
    assert_eq!(minutes("ben"), 75);
    assert_eq!(minutes("cai"), 75);
    contains(
        &ok_at(&desk, now, &["show", &folio]),
        "time spent: 2 h 30 min",
    );
    // Only entries dated in the window count: from 10:45, 45 + 75 = 120.
    let later = report_at(&desk, now, &["--since", "2026-01-14T10:45:00Z"]);
    assert_eq!(later["total"]["time_spent"], 120);
    let csv = ok_at(&desk, now, &["report", "--format", "csv"]);
    let (_, rows) = csv_records(&csv);
    assert_eq!(rows.last().unwrap()["time_spent_minutes"], "150");
}

// ---------------------------------------------------------------------------
// 9. `tkt report --by week`
// ---------------------------------------------------------------------------

#[test]
fn report_by_week_as_csv_matches_a_hand_count() {
    let desk = desk_with("sla:\n  high: { first_response: 4h, resolution: 2d }\n");
    // Calendar time. ISO week 2 is Mon 5 – Sun 11 January, week 3 from
    // Mon 12.
    // TKT001 Mon 5 09:00; Ben replies 10:00 (1 h); resolved Tue 6 09:00
    //        (24 h = 86,400 s).
    // TKT002 Thu 8 09:00; never answered.
    // TKT003 Mon 12 09:00; resolved 12:00, the resolution notice is the
    //        answer too (3 h = 10,800 s).
    let t1 = ticket_at(&desk, "2026-01-05T09:00:00Z", "rita", "high", "One");
    ok_at(
        &desk,
        "2026-01-05T10:00:00Z",
        &["--as", "ben", "reply", &t1, "-m", "Looking."],
    );
    ok_at(
        &desk,
        "2026-01-06T09:00:00Z",
        &["--as", "ben", "resolve", &t1, "--solution", "Fixed."],
    );
    ticket_at(&desk, "2026-01-08T09:00:00Z", "rita", "high", "Two");
    let t3 = ticket_at(&desk, "2026-01-12T09:00:00Z", "rita", "high", "Three");
    ok_at(
        &desk,
        "2026-01-12T12:00:00Z",
        &["--as", "ben", "resolve", &t3, "--solution", "Fixed."],
    );

    // Run Fri 16 00:00 over 5–15 January: [Jan 5 00:00, Jan 16 00:00).
    let now = "2026-01-16T00:00:00Z";
    let csv = ok_at(
        &desk,
        now,
        &[
            "report",
            "--since",
            "2026-01-05",
            "--until",
            "2026-01-15",
            "--by",
            "week",
            "--format",
            "csv",
        ],
    );
    let (header, rows) = csv_records(&csv);
    assert_eq!(
        header[..8],
        ["group", "label", "since", "until", "opened", "resolved", "closed", "backlog"],
        "{csv}"
    );
    for column in [
        "first_response_count",
        "first_response_median_s",
        "first_response_p90_s",
        "first_resolution_median_s",
        "resolution_median_s",
        "sla_first_response_met",
        "sla_first_response_breached",
        "sla_first_response_percent",
        "sla_next_reply_percent",
        "sla_resolution_percent",
        "reopened",
        "reopen_rate_percent",
        "time_in_open_mean_s",
        "time_in_resolved_mean_s",
        "backlog_age_3d_7d",
        "backlog_age_1w_4w",
        "time_spent_minutes",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "no {column} in {header:?}"
        );
    }
    assert_eq!(rows.len(), 3, "two weeks and the total:\n{csv}");
    let keys: Vec<&str> = rows.iter().map(|r| r["group"].as_str()).collect();
    assert_eq!(keys, ["2026-W02", "2026-W03", "total"]);

    let check = |row: &HashMap<String, String>, expected: &[(&str, &str)]| {
        for (column, value) in expected {
            assert_eq!(
                row[*column], *value,
                "{column} of {} in\n{csv}",
                row["group"]
            );
        }
    };
    // Week 2: opened TKT001, TKT002; resolved TKT001; backlog at Jan 12
    // 00:00 is TKT002, aged 3 d 15 h (3–7 d). First response 3,600 s;
    // resolution 86,400 s. SLA: TKT001 first response met (Jan 5) and
    // resolution met (24 h ≤ 48 h, Jan 6); TKT002 first response breached
    // at its due Jan 8 13:00 and resolution at Jan 10 09:00: 1 of 2 each.
    check(
        &rows[0],
        &[
            ("label", "week of 2026-01-05"),
            ("since", "2026-01-05T00:00:00+00:00"),
            ("until", "2026-01-12T00:00:00+00:00"),
            ("opened", "2"),
            ("resolved", "1"),
            ("closed", "0"),
            ("backlog", "1"),
            ("first_response_count", "1"),
            ("first_response_median_s", "3600"),
            ("first_resolution_median_s", "86400"),
            ("resolution_count", "1"),
            ("resolution_median_s", "86400"),
            ("sla_first_response_met", "1"),
            ("sla_first_response_breached", "1"),
            ("sla_first_response_percent", "50.0"),
            ("sla_resolution_met", "1"),
            ("sla_resolution_breached", "1"),
            ("sla_resolution_percent", "50.0"),
            ("sla_next_reply_percent", ""),
            ("reopened", "0"),
            ("reopen_rate_percent", "0.0"),
            ("backlog_age_3d_7d", "1"),
            ("backlog_age_1w_4w", "0"),
            ("time_spent_minutes", "0"),
        ],
    );
    // Week 3 (to Jan 16 00:00): opened and resolved TKT003 (3 h, met
    // twice); backlog TKT002, aged 7 d 15 h (1–4 w).
    check(
        &rows[1],
        &[
            ("label", "week of 2026-01-12"),
            ("since", "2026-01-12T00:00:00+00:00"),
            ("until", "2026-01-16T00:00:00+00:00"),
            ("opened", "1"),
            ("resolved", "1"),
            ("backlog", "1"),
            ("first_response_count", "1"),
            ("first_response_median_s", "10800"),
            ("resolution_median_s", "10800"),
            ("sla_first_response_met", "1"),
            ("sla_first_response_breached", "0"),
            ("sla_first_response_percent", "100.0"),
            ("sla_resolution_percent", "100.0"),
            ("backlog_age_3d_7d", "0"),
            ("backlog_age_1w_4w", "1"),
        ],
    );
    // Total: 3 opened, 2 resolved, backlog 1. First response [3,600,
    // 10,800]: median (3,600 + 10,800) / 2 = 7,200, p90 rank ⌈1.8⌉ = 2 →
    // 10,800. Resolution [10,800, 86,400]: median 48,600, p90 86,400.
    // SLA first response 2 met of 3 = 66.7 %, resolution the same.
    check(
        &rows[2],
        &[
            ("label", "Total"),
            ("since", "2026-01-05T00:00:00+00:00"),
            ("until", "2026-01-16T00:00:00+00:00"),
            ("opened", "3"),
            ("resolved", "2"),
            ("closed", "0"),
            ("backlog", "1"),
            ("first_response_count", "2"),
            ("first_response_median_s", "7200"),
            ("first_response_p90_s", "10800"),
            ("first_resolution_count", "2"),
            ("first_resolution_median_s", "48600"),
            ("first_resolution_p90_s", "86400"),
            ("resolution_median_s", "48600"),
            ("resolution_p90_s", "86400"),
            ("sla_first_response_met", "2"),
            ("sla_first_response_breached", "1"),
            ("sla_first_response_percent", "66.7"),
            ("sla_resolution_percent", "66.7"),
            ("reopen_rate_percent", "0.0"),
            ("backlog_age_1w_4w", "1"),
        ],
    );
}

#[test]
fn report_rejects_bad_dates_naming_them() {
    let desk = desk_with("sla:\n  high: { first_response: 4h, resolution: 2d }\n");
    ticket_at(&desk, "2026-01-05T09:00:00Z", "rita", "high", "One");
    let now = "2026-01-16T00:00:00Z";
    for (flag, value) in [
        ("--since", "yesterday"),
        ("--since", "2026-13-01"),
        ("--until", "2026-02-30"),
        ("--until", "15/01/2026"),
    ] {
        let err = fails_at(&desk, now, &["report", flag, value], 2);
        contains(&err, &format!("`{value}` is not a date"));
    }
    let err = fails_at(
        &desk,
        now,
        &["report", "--since", "2026-01-10", "--until", "2026-01-05"],
        1,
    );
    contains(&err, "--since must be before --until");
}

// ---------------------------------------------------------------------------
// 10. Configuration errors
// ---------------------------------------------------------------------------

/// Writes a broken service section; `tkt check` and another command both
/// refuse helpdesk.yaml with `helpdesk.yaml:LINE:` and `message`, where
/// LINE is the line holding `at`.
fn refused_config(service: &str, at: &str, message: &str) {
    let desk = Desk::new();
    let folio = desk.ticket("Scanner", &[]);
    set_service(&desk, service);
    let text = desk.read("helpdesk.yaml");
    let line = line_of(&text, at);
    let located = format!("helpdesk.yaml:{line}:");
    let out = desk.run(&["check"]);
    assert_ne!(out.status.code(), Some(0), "check accepted\n{text}");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    contains(&said, &located);
    contains(&said, message);
    for args in [vec!["list"], vec!["show", folio.as_str()], vec!["report"]] {
        let err = desk.fails(&args, 1);
        contains(&err, &located);
        contains(&err, message);
    }
}

#[test]
fn an_unknown_time_zone_is_refused_with_its_line() {
    refused_config(
        "sla:\n  business_hours:\n    timezone: Europe/Londn\n    days: [mon, tue, wed, thu, fri]\n    hours: \"09:00-17:00\"\n  high: { first_response: 4h, resolution: 17h }\n",
        "Europe/Londn",
        "unknown time zone `Europe/Londn`",
    );
}

#[test]
fn hours_without_minutes_are_refused_with_their_line() {
    refused_config(
        "sla:\n  business_hours:\n    timezone: Europe/London\n    days: [mon, tue, wed, thu, fri]\n    hours: \"9-17\"\n  high: { first_response: 4h, resolution: 17h }\n",
        "9-17",
        "`9-17` is not a time range; write e.g. 09:00-17:30",
    );
}

#[test]
fn a_rule_assigning_an_unknown_person_is_refused_with_its_line() {
    refused_config(
        "sla:\n  high: { first_response: 4h, resolution: 2d }\nescalation:\n  contact: cai\n  rules:\n  - name: late\n    when: { target: first_response }\n    then:\n      assign: zed\n",
        "assign: zed",
        "rule `late` assigns to `zed`, who is not an operator or admin in people",
    );
}

#[test]
fn an_unknown_escalation_contact_is_refused_with_its_line() {
    refused_config(
        "sla:\n  high: { first_response: 4h, resolution: 2d }\nescalation:\n  contact: zed\n",
        "contact: zed",
        "escalation.contact `zed` is not an operator or admin in people",
    );
}

#[test]
fn pausing_in_a_done_status_is_refused_with_its_line() {
    refused_config(
        "sla:\n  pause: [closed]\n  high: { first_response: 4h, resolution: 2d }\n",
        "pause:",
        "sla.pause lists `closed`; clocks already stop at resolved and closed",
    );
}

// ---------------------------------------------------------------------------
// Bugs found while writing these tests
// ---------------------------------------------------------------------------

/// The 1-based numbers of the lines of `text` that satisfy `pick`.
fn lines_where(text: &str, pick: impl Fn(&str) -> bool) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| pick(l))
        .map(|(i, _)| i + 1)
        .collect()
}

/// The line numbers `tkt check` gives for `helpdesk.yaml` problems whose
/// message contains `message`.
fn reported_lines(desk: &Desk, message: &str) -> Vec<usize> {
    let out = desk.run(&["check"]);
    assert_ne!(out.status.code(), Some(0));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<usize> = said
        .lines()
        .filter(|l| l.contains(message))
        .filter_map(|l| {
            let (_, rest) = l.split_once("helpdesk.yaml:")?;
            rest.split(':').next()?.parse().ok()
        })
        .collect();
    assert!(!lines.is_empty(), "no located `{message}` in\n{said}");
    lines
}

#[test]
fn an_unknown_rule_category_is_reported_at_the_rule() {
    let desk = Desk::new();
    set_service(
        &desk,
        "sla:\n  high: { first_response: 4h, resolution: 2d }\nescalation:\n  contact: cai\n  rules:\n  - name: late\n    when: { target: first_response, category: [tech] }\n    then: { assign: contact }\n",
    );
    let text = desk.read("helpdesk.yaml");
    let expected = line_of(&text, "category: [tech]");
    assert_eq!(
        reported_lines(&desk, "rule `late` names unknown category `tech`"),
        [expected],
        "the rule's line is {expected}; line {} is `- key: technical`",
        line_of(&text, "- key: technical")
    );
}

#[test]

fn a_rule_whose_name_prefixes_another_is_reported_at_its_own_line() {
    let desk = Desk::new();
    set_service(
        &desk,
        "sla:
  high: { first_response: 4h, resolution: 2d }
escalation:
  contact: cai
  rules:
  - name: late-first-answer
    when: { target: first_response }
    then: { assign: contact }
  - name: late
    when: { target: resolution }
    then: {}
",
    );
    let text = desk.read("helpdesk.yaml");
    let own = lines_where(&text, |l| l.trim_end().ends_with("name: late"));
    assert_eq!(own.len(), 1);
    assert_eq!(
        reported_lines(&desk, "rule `late` does nothing"),
        own,
        "line {} is `- name: late-first-answer`",
        line_of(&text, "name: late-first-answer")
    );
}
