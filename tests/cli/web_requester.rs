//! Requesters on the web beyond their follow-up links: signed in, they see
//! their own tickets (`/mine`) and act on them there, never on anyone
//! else's; their replies are rate-limited per address like the link's.

use crate::common::{contains, Desk};
use crate::serve::Serve;
use crate::web_form::{encode, set_password, token_of, web_desk};

const RITA: &str = "a requester's own pass";

/// A desk where Rita has two tickets and someone else one, Rita with a
/// password; replies limited to `replies` an hour per address.
fn desk(replies: u32) -> (Desk, Vec<String>) {
    let desk = web_desk(10);
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &config.replace(
            "  rate_limits:\n",
            &format!("  rate_limits:\n    replies_per_hour: {replies}\n"),
        ),
    );
    desk.git(&["commit", "-qam", "reply limit"]);
    let folios = vec![
        desk.ticket("Rita's scanner", &["--requester", "rita"]),
        desk.ticket("Ana's own printer", &[]),
        desk.ticket("Rita's keyboard", &["--requester", "rita"]),
    ];
    desk.ok(&["note", &folios[0], "-m", "INTERNAL: vendor is slow."]);
    desk.ok(&["reply", &folios[0], "-m", "Which tray jams?"]);
    set_password(&desk, "rita", RITA);
    (desk, folios)
}

#[test]
fn a_signed_in_requester_sees_and_answers_only_their_own_tickets() {
    let (desk, folios) = desk(30);
    let serve = Serve::start(&desk, &[]);
    assert_eq!(
        serve.get("/mine").header("Location"),
        Some("/signin?next=%2Fmine")
    );
    let (landed, cookie) = serve.sign_in("rita", RITA);
    assert_eq!(landed.header("Location"), Some("/mine"));
    let cookie = cookie.unwrap();

    let list = serve.get_with_cookie("/mine", &cookie);
    assert_eq!(list.status, 200, "{list:?}");
    let text = list.text();
    contains(&text, &format!("href=\"/mine/{}\"", folios[0]));
    contains(&text, &format!("href=\"/mine/{}\"", folios[2]));
    assert!(!text.contains("Ana's own printer"), "{text}");

    let page = serve.get_with_cookie(&format!("/mine/{}", folios[0]), &cookie);
    assert_eq!(page.status, 200, "{page:?}");
    contains(&page.text(), "Which tray jams?");
    assert!(!page.text().contains("INTERNAL"), "never an internal note");
    // Someone else's ticket, or none: the same 404.
    for other in [folios[1].as_str(), "TKT999", "../tickets"] {
        let refused = serve.get_with_cookie(&format!("/mine/{other}"), &cookie);
        assert_eq!(refused.status, 404, "{other}: {refused:?}");
    }

    let before = desk.commit_count();
    let token = token_of(&page);
    let reply = serve.post_with_cookie(
        &format!("/mine/{}", folios[0]),
        &cookie,
        &encode(&[
            ("token", &token),
            ("do", "reply"),
            ("body", "The lower tray."),
        ]),
        "",
    );
    assert_eq!(reply.status, 303, "{reply:?}");
    assert_eq!(
        reply.header("Location"),
        Some(format!("/mine/{}", folios[0]).as_str())
    );
    assert_eq!(desk.commit_count(), before + 1);
    let message = desk.git(&["log", "-1", "--format=%an%n%B"]);
    contains(&message, "Rita Ruiz\n");
    contains(&message, "Via: web");

    // That page's token does not work on another ticket's page.
    let crossed = serve.post_with_cookie(
        &format!("/mine/{}", folios[2]),
        &cookie,
        &encode(&[("token", &token), ("do", "reply"), ("body", "x")]),
        "",
    );
    assert_eq!(crossed.status, 403);
    assert_eq!(desk.commit_count(), before + 1);
}

#[test]
fn replies_through_a_follow_up_link_are_rate_limited_per_address() {
    let (desk, folios) = desk(2);
    let serve = Serve::start(&desk, &[]);
    let cookie = serve.sign_in("rita", RITA).1.unwrap();
    let path = format!("/mine/{}", folios[0]);
    let mut statuses = vec![];
    for n in 0..3 {
        let token = token_of(&serve.get_with_cookie(&path, &cookie));
        let body = encode(&[
            ("token", &token),
            ("do", "reply"),
            ("body", &format!("Reply {n}")),
        ]);
        let answer = serve.post_with_cookie(&path, &cookie, &body, "");
        statuses.push(answer.status);
        if answer.status == 429 {
            assert_eq!(answer.header("Retry-After"), Some("3600"));
            contains(&answer.text(), "Too many messages");
        }
    }
    assert_eq!(statuses, [303, 303, 429]);
    let log = desk.git(&["log", "--format=%s"]);
    assert!(!log.contains("Reply 2"));
    assert_eq!(desk.ok(&["check"]), "");
}
