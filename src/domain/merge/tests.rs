use super::*;
use crate::domain::model::{Change, EntryKind, Priority, Status};
use chrono::{TimeDelta, TimeZone};

/// 5 January 2026 09:00 UTC, the sample ticket's creation.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap()
}

fn at(minutes: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(minutes)
}

fn now() -> DateTime<Utc> {
    at(24 * 60)
}

fn base() -> Ticket {
    let mut t = Ticket::sample(Status::Open);
    t.tags = vec!["hardware".into(), "printer".into()];
    t.attachments = vec!["photo.jpg".into()];
    t.actions = vec![action("Order a roller", false), action("Call Rita", false)];
    t.fields.insert("device".into(), "scanner".into());
    t
}

fn action(text: &str, done: bool) -> Action {
    Action {
        text: text.into(),
        done,
        who: Some("ana".into()),
        when: Some(t0()),
    }
}

/// A side's ticket edited by `edit` at `minutes` past t0.
fn edited(minutes: i64, edit: impl FnOnce(&mut Ticket)) -> (Ticket, Times) {
    let mut t = base();
    edit(&mut t);
    t.updated = at(minutes);
    (t, Times::at(at(minutes)))
}

fn run(ours: &(Ticket, Times), theirs: &(Ticket, Times)) -> Merged {
    try_run(Some(&base()), ours, theirs).unwrap()
}

fn try_run(
    base: Option<&Ticket>,
    ours: &(Ticket, Times),
    theirs: &(Ticket, Times),
) -> Result<Merged, MergeError> {
    fn side(s: &(Ticket, Times)) -> Side<'_> {
        Side {
            ticket: &s.0,
            times: &s.1,
        }
    }
    // Swapping the sides must give the same ticket: the rules never
    // depend on which clone runs the merge.
    let forward = merge(base, side(ours), side(theirs), now());
    let backward = merge(base, side(theirs), side(ours), now());
    match (&forward, &backward) {
        (Ok(f), Ok(b)) => assert_eq!(f.ticket, b.ticket, "merge is not symmetric"),
        (Err(_), Err(_)) => {}
        _ => panic!("one direction failed: {forward:?} / {backward:?}"),
    }
    forward
}

#[test]
fn a_field_changed_on_one_side_takes_that_side() {
    let ours = edited(10, |t| t.status = Status::InProgress);
    let theirs = edited(20, |t| t.priority = Priority::Urgent);
    let m = run(&ours, &theirs);
    assert_eq!(m.ticket.status, Status::InProgress);
    assert_eq!(m.ticket.priority, Priority::Urgent);
    assert!(m.overridden.is_empty(), "{:?}", m.overridden);
}

#[test]
fn both_sides_changing_a_field_the_later_wins_and_the_other_is_reported() {
    let ours = edited(30, |t| t.assignee = Some("ben".into()));
    let theirs = edited(20, |t| t.assignee = None);
    let m = run(&ours, &theirs);
    assert_eq!(m.ticket.assignee.as_deref(), Some("ben"));
    assert_eq!(
        m.overridden,
        [Overridden {
            field: "assignee".into(),
            kept: Some("ben".into()),
            lost: None,
            lost_side: Which::Theirs,
        }]
    );
}

#[test]
fn the_same_change_on_both_sides_is_no_conflict() {
    let ours = edited(10, |t| t.status = Status::WaitingOnRequester);
    let theirs = edited(20, |t| t.status = Status::WaitingOnRequester);
    let m = run(&ours, &theirs);
    assert_eq!(m.ticket.status, Status::WaitingOnRequester);
    assert!(m.overridden.is_empty());
}

#[test]
fn a_fields_own_time_decides_over_the_sides_latest_action() {
    // Ours acted last overall (a note at 50), but theirs changed the
    // status later (40 against 10).
    let (o, mut ours_times) = edited(50, |t| t.status = Status::InProgress);
    ours_times.fields.insert("status".into(), at(10));
    let (t, mut theirs_times) = edited(40, |t| t.status = Status::WaitingOnRequester);
    theirs_times.fields.insert("status".into(), at(40));
    let m = run(&(o, ours_times), &(t, theirs_times));
    assert_eq!(m.ticket.status, Status::WaitingOnRequester);
    assert_eq!(m.overridden[0].lost.as_deref(), Some("in-progress"));
    assert_eq!(m.overridden[0].lost_side, Which::Ours);
}

#[test]
fn times_come_from_the_entries_a_side_added() {
    let entry = |minutes, field: &str| Entry {
        author: "ana".into(),
        date: at(minutes),
        kind: EntryKind::Event,
        changes: vec![Change::new(field, None::<String>, Some("x"))],
        attachments: vec![],
        time_spent: None,
        mail: None,
        body: String::new(),
    };
    let entries = [
        entry(5, "status"),
        entry(9, "action-done"),
        entry(7, "status"),
    ];
    let times = Times::from_entries(&entries).unwrap();
    assert_eq!(times.latest, at(9));
    assert_eq!(times.of("status"), at(7));
    assert_eq!(times.of("actions: Call Rita"), at(9));
    assert_eq!(times.of("priority"), at(9), "no own time: the latest");
    assert_eq!(Times::from_entries(&[]), None);
}

#[test]
fn updated_is_the_later_of_both() {
    let ours = edited(10, |t| t.subject = "Scanner jams".into());
    let theirs = edited(70, |_| {});
    assert_eq!(run(&ours, &theirs).ticket.updated, at(70));
}

#[test]
fn tags_and_attachments_merge_as_sets() {
    let ours = edited(10, |t| {
        t.tags.retain(|x| x != "printer");
        t.tags.push("a3".into());
        t.attachments.push("log.txt".into());
    });
    let theirs = edited(20, |t| {
        t.tags.push("urgent".into());
        t.attachments.push("scan.pdf".into());
    });
    let m = run(&ours, &theirs);
    assert_eq!(m.ticket.tags, ["hardware", "urgent", "a3"]);
    assert_eq!(m.ticket.attachments, ["photo.jpg", "scan.pdf", "log.txt"]);
    assert!(m.overridden.is_empty());
}

#[test]
fn form_answers_merge_key_by_key() {
    let ours = edited(10, |t| {
        t.fields.insert("room".into(), "B12".into());
        t.fields.insert("device".into(), "printer".into());
    });
    let theirs = edited(20, |t| {
        t.fields.remove("device");
    });
    let m = run(&ours, &theirs);
    assert_eq!(m.ticket.fields.get("room").map(String::as_str), Some("B12"));
    assert_eq!(
        m.ticket.fields.get("device"),
        None,
        "theirs removed it later"
    );
    assert_eq!(m.overridden[0].field, "fields.device");
    assert_eq!(m.overridden[0].lost.as_deref(), Some("printer"));
}

#[test]
fn actions_merge_as_a_set_keeping_done_flags() {
    let ours = edited(10, |t| {
        t.actions[0].done = true; // done here…
        t.actions.push(action("Test on A3", false));
    });
    let theirs = edited(20, |t| {
        t.actions.remove(1); // …and "Call Rita" removed there
        t.actions.push(action("Ask the vendor", false));
    });
    let m = run(&ours, &theirs);
    let got: Vec<(&str, bool)> = m
        .ticket
        .actions
        .iter()
        .map(|a| (a.text.as_str(), a.done))
        .collect();
    assert_eq!(
        got,
        [
            ("Order a roller", true),
            ("Ask the vendor", false),
            ("Test on A3", false)
        ]
    );
    assert!(m.overridden.is_empty(), "{:?}", m.overridden);
}

#[test]
fn an_action_done_on_either_side_stays_done() {
    let ours = edited(10, |t| {
        t.actions[1].done = true;
        t.actions[1].who = Some("ben".into());
    });
    // Theirs changed the same action later without doing it.
    let theirs = edited(20, |t| t.actions[1].who = Some("carla".into()));
    let m = run(&ours, &theirs);
    assert!(m.ticket.actions[1].done);
    assert_eq!(m.ticket.actions[1].who.as_deref(), Some("ben"));
}

#[test]
fn an_action_removed_on_one_side_but_done_on_the_other_is_kept_and_reported() {
    let ours = edited(10, |t| t.actions[0].done = true);
    let theirs = edited(5, |t| {
        t.actions.remove(0);
    });
    let m = run(&ours, &theirs);
    assert!(m
        .ticket
        .actions
        .iter()
        .any(|a| a.text == "Order a roller" && a.done));
    assert_eq!(m.overridden.len(), 1);
    assert_eq!(m.overridden[0].field, "actions: Order a roller");
    assert_eq!(m.overridden[0].lost, None, "the removal was lost");
}

#[test]
fn an_action_done_on_both_sides_is_no_conflict_and_keeps_the_first_doer() {
    let ours = edited(10, |t| {
        t.actions[0].done = true;
        t.actions[0].when = Some(at(10));
    });
    let theirs = edited(20, |t| {
        t.actions[0].done = true;
        t.actions[0].who = Some("ben".into());
        t.actions[0].when = Some(at(8));
    });
    let m = run(&ours, &theirs);
    assert_eq!(m.ticket.actions[0].who.as_deref(), Some("ben"));
    assert!(m.overridden.is_empty(), "{:?}", m.overridden);
}

#[test]
fn an_action_removed_later_than_the_other_side_changed_it_is_removed() {
    let ours = edited(10, |t| t.actions[0].who = Some("ben".into()));
    let theirs = edited(20, |t| {
        t.actions.remove(0);
    });
    let m = run(&ours, &theirs);
    assert!(m.ticket.actions.iter().all(|a| a.text != "Order a roller"));
    assert_eq!(m.overridden[0].kept, None);
    assert_eq!(m.overridden[0].lost_side, Which::Ours);
}

#[test]
fn the_description_changed_on_both_sides_takes_the_later() {
    let ours = edited(10, |t| t.description = "It jams on A3.".into());
    let theirs = edited(20, |t| t.description = "It jams on tray 2.".into());
    let m = run(&ours, &theirs);
    assert_eq!(m.ticket.description, "It jams on tray 2.");
    assert_eq!(m.overridden[0].field, "description");
    assert_eq!(m.overridden[0].lost.as_deref(), Some("It jams on A3."));
}

#[test]
fn a_resolved_status_brings_its_solution() {
    // A reopened ticket keeps its old solution. Ours clears it (a hand
    // edit); theirs resolves again without touching it. Field by field,
    // that is "resolved" from theirs and "no solution" from ours.
    let base_t = Ticket {
        status: Status::Open,
        solution: Some("Old".into()),
        ..base()
    };
    let ours = (
        Ticket {
            solution: None,
            updated: at(30),
            ..base_t.clone()
        },
        Times::at(at(30)),
    );
    let theirs = (
        Ticket {
            status: Status::Resolved,
            updated: at(20),
            ..base_t.clone()
        },
        Times::at(at(20)),
    );
    let m = try_run(Some(&base_t), &ours, &theirs).unwrap();
    assert_eq!(m.ticket.status, Status::Resolved);
    assert_eq!(m.ticket.solution.as_deref(), Some("Old"));
}

#[test]
fn two_different_tickets_on_one_folio_are_refused() {
    let ours = edited(10, |_| {});
    let theirs = edited(20, |t| t.uid = "01K".into());
    let err = try_run(None, &ours, &theirs).unwrap_err();
    assert_eq!(
        err,
        MergeError::DifferentTickets {
            id: "TKT001".into(),
            ours_uid: "01J".into(),
            theirs_uid: "01K".into(),
        }
    );
    assert!(err.to_string().contains("tkt sync"), "{err}");
}

#[test]
fn the_same_ticket_added_on_both_sides_merges_as_both_added() {
    let ours = edited(10, |t| t.tags = vec!["a".into()]);
    let theirs = edited(20, |t| {
        t.tags = vec!["b".into()];
        t.status = Status::InProgress;
    });
    let m = try_run(None, &ours, &theirs).unwrap();
    assert_eq!(m.ticket.tags, ["b", "a"]);
    assert_eq!(m.ticket.status, Status::InProgress);
    assert_eq!(m.overridden.len(), 1, "status: both 'added' it differently");
}

#[test]
fn an_invalid_result_is_refused_naming_the_problem() {
    let ours = edited(10, |t| t.subject = " ".into());
    let theirs = edited(20, |_| {});
    let err = try_run(Some(&base()), &ours, &theirs).unwrap_err();
    assert!(err.to_string().contains("subject is empty"), "{err}");
}

fn file(t: &Ticket) -> String {
    write(t)
}

#[test]
fn files_merge_into_a_parsable_ticket_without_markers() {
    let ours = edited(10, |t| t.description = "Ours".into());
    let theirs = edited(20, |t| {
        t.description = "Theirs".into();
        t.status = Status::InProgress;
    });
    let merged = merge_files(
        Some(&file(&base())),
        (&file(&ours.0), &ours.1),
        (&file(&theirs.0), &theirs.1),
        now(),
    )
    .unwrap();
    assert_eq!(frontmatter::conflict_marker_line(&merged.text), None);
    let back = read(&merged.text, "merged").unwrap();
    assert_eq!(back.description, "Theirs");
    assert_eq!(back.status, Status::InProgress);
    assert_eq!(merged.overridden[0].lost.as_deref(), Some("Ours"));
    assert!(
        merged.text.starts_with("---\nid: TKT001\n"),
        "{}",
        merged.text
    );
}

#[test]
fn a_file_with_conflict_markers_is_refused_naming_the_side() {
    let ours = edited(10, |_| {});
    let marked = "---\n<<<<<<< HEAD\nid: TKT001\n=======\nid: TKT002\n>>>>>>> x\n---\n";
    let err = merge_files(None, (&file(&ours.0), &ours.1), (marked, &ours.1), now()).unwrap_err();
    assert!(
        matches!(&err, MergeError::Unreadable { side: "their", .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("cannot merge: their ticket.md is not a valid ticket: line 2: left-over git conflict marker"),
        "{err}"
    );
}

mod property {
    use super::*;
    use proptest::prelude::*;

    const TAGS: [&str; 4] = ["hardware", "printer", "a3", "vip"];
    const ACTIONS: [&str; 4] = ["Order a roller", "Call Rita", "Test", "Ask"];
    const PEOPLE: [&str; 3] = ["ana", "ben", "carla"];

    /// One thing an operator or a hand edit may do to a ticket.
    #[derive(Debug, Clone)]
    enum Edit {
        Status(usize),
        Priority(usize),
        Assign(Option<usize>),
        Tag(usize),
        Untag(usize),
        AddAction(usize),
        DoAction(usize),
        RemoveAction(usize),
        Describe(usize),
        Field(usize, Option<usize>),
        Subject(usize),
        Escalate,
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (0..5usize).prop_map(Edit::Status),
            (0..4usize).prop_map(Edit::Priority),
            proptest::option::of(0..3usize).prop_map(Edit::Assign),
            (0..4usize).prop_map(Edit::Tag),
            (0..4usize).prop_map(Edit::Untag),
            (0..4usize).prop_map(Edit::AddAction),
            (0..4usize).prop_map(Edit::DoAction),
            (0..4usize).prop_map(Edit::RemoveAction),
            (0..3usize).prop_map(Edit::Describe),
            (0..2usize, proptest::option::of(0..3usize)).prop_map(|(k, v)| Edit::Field(k, v)),
            (0..3usize).prop_map(Edit::Subject),
            Just(Edit::Escalate),
        ]
    }

    fn apply(t: &mut Ticket, edit: &Edit, when: DateTime<Utc>) {
        match *edit {
            Edit::Status(i) => {
                t.status = Status::ALL[i];
                if t.status == Status::Resolved {
                    t.solution = Some(format!("Fixed at {when}"));
                }
            }
            Edit::Priority(i) => t.priority = Priority::ALL[i],
            Edit::Assign(p) => t.assignee = p.map(|i| PEOPLE[i].to_string()),
            Edit::Tag(i) if !t.tags.iter().any(|x| x == TAGS[i]) => t.tags.push(TAGS[i].into()),
            Edit::Tag(_) => {}
            Edit::Untag(i) => t.tags.retain(|x| x != TAGS[i]),
            Edit::AddAction(i) => t.actions.push(action(ACTIONS[i], false)),
            Edit::DoAction(i) => {
                if let Some(a) = t.actions.get_mut(i) {
                    a.done = true;
                    a.when = Some(when);
                }
            }
            Edit::RemoveAction(i) if i < t.actions.len() => {
                t.actions.remove(i);
            }
            Edit::RemoveAction(_) => {}
            Edit::Describe(i) => t.description = ["It jams.", "Tray 2", "Tray 2 on A3"][i].into(),
            Edit::Field(k, v) => {
                let key = ["device", "room"][k].to_string();
                match v {
                    Some(v) => t.fields.insert(key, PEOPLE[v].into()),
                    None => t.fields.remove(&key),
                };
            }
            Edit::Subject(i) => t.subject = ["Scanner", "Scanner jams", "A3"][i].into(),
            Edit::Escalate => t.escalated = true,
        }
    }

    fn side(edits: &[Edit], minutes: i64) -> (Ticket, Times) {
        let mut t = base();
        for e in edits {
            apply(&mut t, e, at(minutes));
        }
        t.updated = at(minutes);
        (t, Times::at(at(minutes)))
    }

    proptest! {
        #[test]
        fn random_edits_always_merge_into_a_valid_ticket_whatever_the_order(
            ours in proptest::collection::vec(edit(), 0..6),
            theirs in proptest::collection::vec(edit(), 0..6),
            ours_at in 1i64..60,
            theirs_at in 1i64..60,
            base_present in proptest::bool::ANY,
        ) {
            let (o, t) = (side(&ours, ours_at), side(&theirs, theirs_at));
            let b = base_present.then(base);
            // `try_run` asserts symmetry.
            let m = try_run(b.as_ref(), &o, &t).unwrap();
            prop_assert!(m.ticket.problems(now()).is_empty());
            let text = write(&m.ticket);
            prop_assert!(text.starts_with("---\nid: "));
            prop_assert_eq!(frontmatter::conflict_marker_line(&text), None);
            let back = read(&text, "merged").unwrap();
            prop_assert_eq!(back, m.ticket);
            for f in &m.overridden {
                prop_assert!(f.kept != f.lost, "{:?}", f);
            }
        }
    }
}
