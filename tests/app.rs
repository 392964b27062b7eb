//! The application layer as a front end uses it: typed requests in,
//! `Done` with domain events out, refusals with a kind a front end can map.
//! Runs over a temporary git repository, like the CLI tests, but calls the
//! library directly (the way the web and mail front ends will).

use std::path::Path;
use std::process::Command;
use tkt::app::articles::{self, NewFaq};
use tkt::app::{self, NewTicket, Post, Reader, Scope, TicketChange, Upload};
use tkt::domain::event::{Event, Visibility};
use tkt::domain::model::{EntryKind, Person, Priority, Role, Status};
use tkt::domain::refusal::RefusalKind;
use tkt::domain::trailers::Via;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// A tracker with ana (admin, from git's user.email), ben (operator),
/// rita and sam (requesters).
fn tracker() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("desk");
    std::fs::create_dir(&root).unwrap();
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["config", "user.name", "Ana Alves"]);
    git(&root, &["config", "user.email", "ana@example.org"]);
    app::init::init(app::init::NewTracker {
        root: root.clone(),
        name: "Test desk".into(),
        admin_key: Some("ana".into()),
        verify: true,
    })
    .unwrap();
    let admin = scope(&root, "ana");
    for (key, role) in [
        ("ben", Role::Operator),
        ("rita", Role::Requester),
        ("sam", Role::Requester),
    ] {
        let done = app::people::add(
            &admin,
            Person {
                key: key.into(),
                name: key.to_uppercase(),
                email: format!("{key}@example.org"),
                role,
            },
        )
        .unwrap();
        assert!(matches!(&done.events[0], Event::PersonAdded { key: k, .. } if k == key));
    }
    (tmp, root)
}

fn scope(root: &Path, actor: &str) -> Scope {
    Scope {
        dir: Some(root.to_path_buf()),
        actor: Some(actor.into()),
        ..Scope::default()
    }
}

fn new_ticket(subject: &str) -> NewTicket {
    NewTicket {
        subject: subject.into(),
        category: "technical".into(),
        priority: Priority::Medium,
        description: "The scanner jams on every page.".into(),
        requester: None,
        assignee: None,
        related: None,
        fields: Default::default(),
        tags: vec![],
        attachments: vec![],
        confidential: false,
        resolve: None,
        mail: None,
    }
}

/// A reply or note with nothing but text.
fn post(ticket: &str, kind: EntryKind, body: &str) -> Post {
    Post {
        ticket: ticket.into(),
        kind,
        body: body.into(),
        attachments: vec![],
        status: None,
        reopen: false,
        time_spent: None,
        mail: None,
    }
}

fn kind(err: anyhow::Error) -> RefusalKind {
    app::refusal_of(&err)
        .unwrap_or_else(|| panic!("not a refusal: {err:#}"))
        .kind
}

fn commits(root: &Path) -> usize {
    let out = Command::new("git")
        .args(["rev-list", "--count", "HEAD"])
        .current_dir(root)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_ticket_lifecycle_returns_its_events() {
    let (_tmp, root) = tracker();
    let rita = scope(&root, "rita");
    let ana = scope(&root, "ana");
    let mut request = new_ticket("Scanner jams");
    request.attachments = vec![Upload::from_bytes("photo.jpg", b"jpeg".to_vec())];
    let done = app::register(&rita, request).unwrap();
    let ticket = done.value;
    assert_eq!(ticket.requester, "rita");
    assert_eq!(ticket.assignee.as_deref(), Some("ana"));
    assert_eq!(ticket.attachments, ["photo.jpg"]);
    assert!(matches!(
        &done.events[..],
        [Event::TicketCreated { folio, requester, .. }] if folio == &ticket.id && requester == "rita"
    ));

    let reply = app::post(
        &ana,
        post(&ticket.id, EntryKind::Reply, "Cleaning the rollers now."),
    )
    .unwrap();
    assert!(matches!(
        &reply.events[0],
        Event::EntryPosted { visibility: Visibility::Public, kind, .. } if kind == "reply"
    ));
    assert!(reply.events.contains(&Event::StatusChanged {
        folio: ticket.id.clone(),
        from: "open".into(),
        to: "in-progress".into()
    }));

    let note = app::post(
        &ana,
        post(
            &ticket.id,
            EntryKind::Note,
            "Vendor says the rollers are under warranty.",
        ),
    )
    .unwrap();
    assert!(matches!(
        &note.events[..],
        [Event::EntryPosted {
            visibility: Visibility::Internal,
            ..
        }]
    ));

    let resolved = app::change(
        &ana,
        &ticket.id,
        TicketChange::Resolve {
            solution: "Replaced the rollers.".into(),
        },
    )
    .unwrap();
    assert!(resolved.events.contains(&Event::Resolved {
        folio: ticket.id.clone()
    }));
    let closed = app::change(&rita, &ticket.id, TicketChange::Close).unwrap();
    assert!(closed.events.contains(&Event::Closed {
        folio: ticket.id.clone()
    }));
    let reopened = app::change(&rita, &ticket.id, TicketChange::Reopen).unwrap();
    assert!(reopened.events.contains(&Event::Reopened {
        folio: ticket.id.clone()
    }));

    // What rita reads: her ticket without the internal note.
    let reader = Reader::open(&rita).unwrap();
    let view = reader.ticket(&ticket.id).unwrap();
    assert!(view.timeline.iter().all(|(_, e)| e.kind != EntryKind::Note));
    assert!(!view.timeline.is_empty());
    let staff = Reader::open(&ana).unwrap().ticket(&ticket.id).unwrap();
    assert!(staff
        .timeline
        .iter()
        .any(|(_, e)| e.kind == EntryKind::Note));
}

#[test]
fn refusals_have_kinds_and_leave_nothing_behind() {
    let (_tmp, root) = tracker();
    let rita = scope(&root, "rita");
    let sam = scope(&root, "sam");
    let ben = scope(&root, "ben");
    let mut secret = new_ticket("Private matter");
    secret.confidential = true;
    let secret = app::register(&sam, secret).unwrap().value;
    let open = app::register(&sam, new_ticket("Printer")).unwrap().value;
    let before = commits(&root);

    let reply = |who: &Scope, id: &str| app::post(who, post(id, EntryKind::Reply, "Me too"));
    assert_eq!(
        kind(reply(&rita, &secret.id).unwrap_err()),
        RefusalKind::NotFound
    );
    assert_eq!(
        kind(reply(&rita, &open.id).unwrap_err()),
        RefusalKind::Forbidden
    );
    assert_eq!(
        kind(app::change(&rita, &open.id, TicketChange::Take).unwrap_err()),
        RefusalKind::Forbidden
    );
    assert_eq!(
        kind(app::change(&ben, &open.id, TicketChange::Status(Status::Resolved)).unwrap_err()),
        RefusalKind::InvalidTransition
    );
    assert_eq!(
        kind(app::change(&ben, &open.id, TicketChange::Status(Status::Open)).unwrap_err()),
        RefusalKind::NoChange
    );
    assert_eq!(
        kind(app::change(&ben, "TKT999", TicketChange::Take).unwrap_err()),
        RefusalKind::NotFound
    );
    let mut bad = new_ticket("Bad");
    bad.category = "plumbing".into();
    let refusal = app::register(&ben, bad).unwrap_err();
    assert_eq!(app::refusal_of(&refusal).unwrap().field, Some("category"));
    let mut for_sam = new_ticket("In sam's name");
    for_sam.requester = Some("sam".into());
    assert_eq!(
        kind(app::register(&rita, for_sam).unwrap_err()),
        RefusalKind::Forbidden
    );
    let mut huge = new_ticket("Endless attachment");
    huge.attachments = vec![Upload::new("zero", std::io::repeat(0))];
    let refusal = app::register(&ben, huge).unwrap_err();
    assert_eq!(
        app::refusal_of(&refusal).unwrap().field,
        Some("attachments")
    );
    assert_eq!(commits(&root), before, "a refused request made a commit");

    // Rita's reads hide sam's confidential ticket altogether.
    let reader = Reader::open(&rita).unwrap();
    assert_eq!(
        kind(reader.ticket(&secret.id).err().unwrap()),
        RefusalKind::NotFound
    );
    assert_eq!(
        kind(reader.log(&secret.id).unwrap_err()),
        RefusalKind::NotFound
    );
    assert!(reader.ticket(&open.id).is_ok());
}

#[test]
fn faq_from_a_confidential_ticket_needs_force() {
    let (_tmp, root) = tracker();
    let ana = scope(&root, "ana");
    let mut secret = new_ticket("Hearing on Monday");
    secret.confidential = true;
    secret.description = "My cousin's hearing, write to cousin@example.net".into();
    secret.resolve = Some("Took the day off.".into());
    let secret = app::register(&ana, secret).unwrap().value;
    let reader = Reader::open(&ana).unwrap();
    let refused = articles::faq_draft(&reader, &secret.id, false)
        .err()
        .unwrap();
    assert_eq!(kind(refused), RefusalKind::Forbidden);
    let draft = articles::faq_draft(&reader, &secret.id, true).unwrap();
    assert!(draft.body.starts_with("> **Made from confidential ticket"));
    let request = |force| NewFaq {
        title: "Time off for hearings".into(),
        category: None,
        tags: vec![],
        body: draft.body.clone(),
        slug: None,
        from: Some(secret.id.clone()),
        force,
    };
    assert_eq!(
        kind(articles::add_faq(&ana, request(false)).unwrap_err()),
        RefusalKind::Forbidden
    );
    let done = articles::add_faq(&ana, request(true)).unwrap();
    assert!(
        matches!(&done.events[0], Event::FaqPublished { source: Some(s), .. } if s == &secret.id)
    );
    let public = articles::faq_for(
        &tkt::domain::access::Viewer::Public,
        articles::load_faq(&reader.tracker, &done.value).unwrap(),
    );
    assert!(public.source.is_none());
    assert!(!public.body.contains("cousin@example.net"));
    assert!(public.body.contains("c•••@example.net"));
}

#[test]
fn an_action_from_another_front_end_says_so_in_its_commit() {
    let (_tmp, root) = tracker();
    let web = Scope {
        via: Some(Via::Web),
        ..scope(&root, "rita")
    };
    let done = app::register(&web, new_ticket("Scanner jams")).unwrap();
    let message = Command::new("git")
        .args(["log", "-1", "--format=%B"])
        .current_dir(&root)
        .output()
        .unwrap();
    let message = String::from_utf8(message.stdout).unwrap();
    assert!(
        message.contains(&format!("Ticket: {}\n", done.value.id)),
        "{message}"
    );
    assert!(message.contains("Actor: rita\nVia: web\n"), "{message}");
    // The command line adds no Via.
    app::register(&scope(&root, "rita"), new_ticket("Printer offline")).unwrap();
    let message = Command::new("git")
        .args(["log", "-1", "--format=%B"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(!String::from_utf8(message.stdout).unwrap().contains("Via:"));
    let report = app::audit::audit(&scope(&root, "ana"), &Default::default()).unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}

/// Adds a `web:` section to the tracker's config, committed by hand.
fn open_web(root: &Path, open_to: &str) {
    let config = root.join("helpdesk.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = match text.split_once("web:\n") {
        Some((before, _)) => before.to_string(),
        None => text,
    };
    std::fs::write(
        &config,
        format!("{text}web:\n  base_url: https://help.example.org\n  registration:\n    open_to: {open_to}\n"),
    )
    .unwrap();
    git(root, &["commit", "-qam", "open the web form"]);
}

#[test]
fn a_newcomer_registering_from_the_web_is_added_with_the_ticket_in_one_commit() {
    let (_tmp, root) = tracker();
    let web = Scope {
        via: Some(Via::Web),
        ..Scope {
            dir: Some(root.clone()),
            ..Scope::default()
        }
    };
    let sam = app::Registrant {
        name: "Sam Lee",
        email: "sam.lee@other.org",
    };
    // No `web:` section: nobody registers from outside.
    let err = app::register_from_outside(&web, sam_as(&sam), new_ticket("x")).unwrap_err();
    assert_eq!(kind(err), RefusalKind::Forbidden);

    open_web(&root, "people");
    let before = commits(&root);
    let err = app::register_from_outside(&web, sam_as(&sam), new_ticket("x")).unwrap_err();
    assert_eq!(kind(err), RefusalKind::Forbidden);
    assert_eq!(commits(&root), before, "a refusal commits nothing");
    // A known address is that person, under any rule.
    let rita = app::Registrant {
        name: "whoever",
        email: "RITA@example.org",
    };
    let done = app::register_from_outside(&web, rita, new_ticket("Scanner jams")).unwrap();
    assert_eq!(done.value.0.requester, "rita");
    // The follow-up link opens that ticket and no other.
    let (opened, _) = app::links::LinkIndex::default()
        .open(&web, &done.value.1)
        .unwrap()
        .unwrap();
    assert_eq!(opened.as_str(), done.value.0.id);

    open_web(&root, "anyone");
    let done =
        app::register_from_outside(&web, sam_as(&sam), new_ticket("Printer offline")).unwrap();
    let (ticket, token) = &done.value;
    assert_eq!(ticket.requester, "sam.lee");
    let kept =
        std::fs::read_to_string(root.join(format!("tickets/{}/ticket.md", ticket.id))).unwrap();
    assert!(kept.contains("follow_up: sha256:"), "{kept}");
    assert!(!kept.contains(token.as_str()), "only the hash is kept");
    assert!(
        matches!(&done.events[0], Event::PersonAdded { key, role } if key == "sam.lee" && role == "requester")
    );
    let last = Command::new("git")
        .args(["show", "--name-only", "--format=%an <%ae>%n%B"])
        .current_dir(&root)
        .output()
        .unwrap();
    let last = String::from_utf8(last.stdout).unwrap();
    for expected in [
        "Sam Lee <sam.lee@other.org>",
        "Actor: sam.lee\nVia: web\n",
        "helpdesk.yaml",
        &format!("tickets/{}/ticket.md", ticket.id),
    ] {
        assert!(last.contains(expected), "{expected:?} not in:\n{last}");
    }
    // Known from now on: no second person.
    let again = app::register_from_outside(&web, sam_as(&sam), new_ticket("Again")).unwrap();
    assert!(matches!(&again.events[0], Event::TicketCreated { .. }));
    let config = std::fs::read_to_string(root.join("helpdesk.yaml")).unwrap();
    assert_eq!(config.matches("sam.lee@other.org").count(), 1);
    let report = app::audit::audit(&scope(&root, "ana"), &Default::default()).unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}

fn sam_as<'a>(r: &app::Registrant<'a>) -> app::Registrant<'a> {
    app::Registrant {
        name: r.name,
        email: r.email,
    }
}

#[test]
fn a_password_signs_in_by_key_or_address_and_nothing_else_does() {
    let (_tmp, root) = tracker();
    app::passwords::set(&scope(&root, "ana"), "ben", "correct horse battery staple").unwrap();
    let anyone = Scope {
        dir: Some(root.clone()),
        ..Scope::default()
    };
    let verify = |login: &str, password: &str| {
        app::passwords::verify(&anyone, login, password)
            .unwrap()
            .map(|p| p.key)
    };
    assert_eq!(
        verify("ben", "correct horse battery staple").as_deref(),
        Some("ben")
    );
    assert_eq!(
        verify(" BEN@example.org ", "correct horse battery staple").as_deref(),
        Some("ben")
    );
    assert_eq!(verify("ben", "correct horse battery stapler"), None);
    assert_eq!(
        verify("rita", "correct horse battery staple"),
        None,
        "no password set"
    );
    assert_eq!(
        verify("nobody@example.org", "correct horse battery staple"),
        None
    );
    assert_eq!(verify("ben", &"x".repeat(5000)), None);
}

#[test]
fn a_rotated_link_replaces_the_old_one_and_only_staff_rotate() {
    let (_tmp, root) = tracker();
    let id = app::register(&scope(&root, "rita"), new_ticket("Scanner jams"))
        .unwrap()
        .value
        .id;
    let first = app::links::rotate(&scope(&root, "ben"), &id)
        .unwrap()
        .value
        .token;
    let anyone = Scope {
        dir: Some(root.clone()),
        ..Scope::default()
    };
    // One index throughout, as a server keeps it: each rotation is a
    // commit, after which it reads the links again.
    let index = app::links::LinkIndex::default();
    assert_eq!(index.open(&anyone, &first).unwrap().unwrap().0.as_str(), id);
    let second = app::links::rotate(&scope(&root, "ana"), &id)
        .unwrap()
        .value
        .token;
    assert!(
        index.open(&anyone, &first).unwrap().is_none(),
        "the old link is revoked"
    );
    assert!(index.open(&anyone, &second).unwrap().is_some());
    // A tampered or malformed token opens nothing.
    let mut tampered = second.clone().into_bytes();
    tampered[0] = if tampered[0] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).unwrap();
    for token in [tampered.as_str(), "", "../TKT001", &second.to_uppercase()] {
        assert!(index.open(&anyone, token).unwrap().is_none(), "{token:?}");
    }
    let err = app::links::rotate(&scope(&root, "rita"), &id).unwrap_err();
    assert_eq!(kind(err), RefusalKind::Forbidden);
}
