//! Operators acting from the browser: `/act/TKT…` over HTTP against the
//! real server. Every action is one commit authored by the signed-in
//! person with `Via: web`, under the CLI's access rules; forged posts,
//! other people's sessions and requesters change nothing.

use crate::common::{contains, Desk};
use crate::serve::{Answer, Serve};
use crate::web_form::{encode, set_password, token_of, web_desk};

const BEN: &str = "correct horse battery staple";
const RITA: &str = "a requester's own pass";

impl Serve {
    pub fn post_with_cookie(&self, path: &str, cookie: &str, body: &str, extra: &str) -> Answer {
        self.send(
            format!(
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nConnection: close\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n{extra}\r\n{body}",
                port = self.port,
                len = body.len(),
            )
            .as_bytes(),
        )
    }
}

/// A desk with a ticket of Rita's, a canned answer for its category, and
/// passwords for Ben (operator) and Rita (requester).
fn desk_with_ticket() -> (Desk, String) {
    let desk = web_desk(10);
    let folio = desk.ticket("Scanner jams", &["--requester", "rita"]);
    desk.ok(&[
        "--as",
        "ana",
        "canned",
        "new",
        "rollers",
        "--title",
        "Scanner rollers worn",
        "--category",
        "technical",
        "-m",
        "Hello {{ requester.name }}, the rollers of {{ ticket.folio }} were replaced.",
    ]);
    set_password(&desk, "ben", BEN);
    set_password(&desk, "rita", RITA);
    (desk, folio)
}

/// Posts one of the page's forms as the signed-in `cookie`.
fn act(serve: &Serve, folio: &str, cookie: &str, fields: &[(&str, &str)]) -> Answer {
    let page = serve.get_with_cookie(&format!("/act/{folio}"), cookie);
    assert_eq!(page.status, 200, "{page:?}");
    let token = token_of(&page);
    let mut all = vec![("token", token.as_str())];
    all.extend_from_slice(fields);
    serve.post_with_cookie(&format!("/act/{folio}"), cookie, &encode(&all), "")
}

fn head_message(desk: &Desk) -> String {
    desk.git(&["log", "-1", "--format=%an <%ae>%n%B"])
}

#[test]
fn an_operator_does_every_action_from_the_browser_one_commit_each() {
    let (desk, folio) = desk_with_ticket();
    let serve = Serve::start(&desk, &[]);
    let (_, cookie) = serve.sign_in("ben", BEN);
    let cookie = cookie.unwrap();
    let page = serve.get_with_cookie(&format!("/act/{folio}"), &cookie);
    for offered in [
        "value=\"reply\"",
        "value=\"note\"",
        "value=\"status\"",
        "value=\"priority\"",
        "value=\"assign\"",
        "value=\"take\"",
        "value=\"action-add\"",
        "value=\"resolve\"",
        "value=\"escalate\"",
        "<option value=\"rollers\">Scanner rollers worn</option>",
    ] {
        contains(&page.text(), offered);
    }
    let steps: &[(&[(&str, &str)], &str)] = &[
        (&[("do", "reply"), ("body", "Which tray?")], "Action: reply"),
        (
            &[("do", "note"), ("body", "Probably the rollers.")],
            "Action: note",
        ),
        (
            &[("do", "status"), ("status", "waiting-on-requester")],
            "Action: status",
        ),
        (
            &[("do", "priority"), ("priority", "high")],
            "Action: priority",
        ),
        (&[("do", "assign"), ("person", "cai")], "Action: assign"),
        (&[("do", "take")], "Action: take"),
        (
            &[("do", "action-add"), ("action", "Order new rollers")],
            "Action: action-add",
        ),
        (
            &[("do", "action-done"), ("number", "1")],
            "Action: action-done",
        ),
        (
            &[("do", "escalate"), ("reason", "The partners need it today")],
            "Action: escalate",
        ),
        (
            &[
                ("do", "resolve"),
                ("solution", ""),
                ("solution_canned", "rollers"),
            ],
            "Action: resolve",
        ),
    ];
    for (fields, action) in steps {
        let before = desk.commit_count();
        let done = act(&serve, &folio, &cookie, fields);
        assert_eq!(done.status, 303, "{fields:?}: {}", done.text());
        let what = fields[0].1;
        assert_eq!(
            done.header("Location"),
            Some(format!("/act/{folio}?done={what}").as_str())
        );
        assert_eq!(desk.commit_count(), before + 1, "{fields:?}");
        let message = head_message(&desk);
        for line in [
            "Ben Okafor <ben@example.org>",
            "Actor: ben",
            "Via: web",
            action,
        ] {
            contains(&message, line);
        }
        let shown = serve.get_with_cookie(done.header("Location").unwrap(), &cookie);
        contains(&shown.text(), "role=\"status\"");
    }
    let ticket = desk.json(&["show", &folio, "--json"]);
    assert_eq!(ticket["status"], "resolved");
    assert_eq!(ticket["priority"], "high");
    assert_eq!(ticket["assignee"], "ben");
    assert_eq!(ticket["escalated"], true);
    assert_eq!(ticket["actions"][0]["done"], true);
    assert_eq!(
        ticket["solution"],
        format!("Hello Rita Ruiz, the rollers of {folio} were replaced.")
    );
    assert_eq!(desk.ok(&["check"]), "");
}

#[test]
fn a_canned_answer_is_filled_in_to_edit_before_it_is_sent() {
    let (desk, folio) = desk_with_ticket();
    let serve = Serve::start(&desk, &[]);
    let cookie = serve.sign_in("ben", BEN).1.unwrap();
    let before = desk.commit_count();
    let filled = act(
        &serve,
        &folio,
        &cookie,
        &[("do", "fill-body"), ("body_canned", "rollers")],
    );
    assert_eq!(filled.status, 200);
    contains(
        &filled.text(),
        &format!("name=\"body\" rows=\"8\">Hello Rita Ruiz, the rollers of {folio} were replaced.</textarea>"),
    );
    assert_eq!(desk.commit_count(), before, "filling in commits nothing");
}

#[test]
fn refusals_change_nothing_and_keep_what_was_typed() {
    let (desk, folio) = desk_with_ticket();
    let serve = Serve::start(&desk, &[]);
    let before = desk.commit_count();

    // Not signed in: off to sign in, and back here afterwards.
    let anonymous = serve.get(&format!("/act/{folio}"));
    assert_eq!(anonymous.status, 303);
    let next = format!("/signin?next=%2Fact%2F{folio}");
    assert_eq!(anonymous.header("Location"), Some(next.as_str()));
    let form = serve.get(&next);
    contains(
        &form.text(),
        &format!("name=\"next\" value=\"/act/{folio}\""),
    );
    let token = token_of(&form);
    let signed = serve.post_form(
        "/signin",
        &encode(&[
            ("token", &token),
            ("login", "ben"),
            ("password", BEN),
            ("next", &format!("/act/{folio}")),
        ]),
        "",
    );
    assert_eq!(signed.status, 303);
    assert_eq!(
        signed.header("Location"),
        Some(format!("/act/{folio}").as_str())
    );
    let cookie = signed
        .header("Set-Cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    // A forged token, a token of another ticket's page, a foreign origin.
    let forged = serve.post_with_cookie(
        &format!("/act/{folio}"),
        &cookie,
        &encode(&[("token", "x"), ("do", "take")]),
        "",
    );
    assert_eq!(forged.status, 403);
    let other = desk.ticket("Printer", &["--requester", "rita"]);
    let other_token = token_of(&serve.get_with_cookie(&format!("/act/{other}"), &cookie));
    let crossed = serve.post_with_cookie(
        &format!("/act/{folio}"),
        &cookie,
        &encode(&[("token", &other_token), ("do", "take")]),
        "",
    );
    assert_eq!(crossed.status, 403);
    let before = before + 1; // the second ticket
    let token = token_of(&serve.get_with_cookie(&format!("/act/{folio}"), &cookie));
    let foreign = serve.post_with_cookie(
        &format!("/act/{folio}"),
        &cookie,
        &encode(&[("token", &token), ("do", "take")]),
        "Origin: https://evil.example\r\n",
    );
    assert_eq!(foreign.status, 403);
    assert_eq!(desk.commit_count(), before);

    // The application layer's refusals, beside the forms, text kept.
    let bad_status = act(
        &serve,
        &folio,
        &cookie,
        &[("do", "status"), ("status", "finished")],
    );
    assert_eq!(bad_status.status, 400);
    contains(&bad_status.text(), "role=\"alert\"");
    let empty = act(
        &serve,
        &folio,
        &cookie,
        &[("do", "escalate"), ("reason", "  ")],
    );
    assert_eq!(empty.status, 400);
    contains(&empty.text(), "the reason is empty");
    let no_solution = act(
        &serve,
        &folio,
        &cookie,
        &[("do", "resolve"), ("solution", ""), ("solution_canned", "")],
    );
    assert_eq!(no_solution.status, 400);
    let escaped = act(
        &serve,
        &folio,
        &cookie,
        &[
            ("do", "assign"),
            ("person", "nobody"),
            ("reason", "<b>kept</b>"),
        ],
    );
    assert_eq!(escaped.status, 400);
    contains(&escaped.text(), "value=\"&lt;b&gt;kept&lt;/b&gt;\"");
    assert_eq!(desk.commit_count(), before);

    // Unknown folios and made-up sessions.
    assert_eq!(serve.get_with_cookie("/act/TKT999", &cookie).status, 404);
    assert_eq!(
        serve
            .get_with_cookie(&format!("/act/{folio}"), "tkt_session=00ff")
            .status,
        303
    );
}

#[test]
fn a_requester_cannot_act_from_the_operator_page() {
    let (desk, folio) = desk_with_ticket();
    let serve = Serve::start(&desk, &[]);
    let (landed, cookie) = serve.sign_in("rita", RITA);
    assert_eq!(landed.header("Location"), Some("/mine"));
    let cookie = cookie.unwrap();
    let page = serve.get_with_cookie(&format!("/act/{folio}"), &cookie);
    assert_eq!(page.status, 403);
    contains(&page.text(), "only operators and admins");
    let before = desk.commit_count();
    let post = serve.post_with_cookie(
        &format!("/act/{folio}"),
        &cookie,
        &encode(&[("token", "x"), ("do", "take")]),
        "",
    );
    assert_eq!(post.status, 403);
    assert_eq!(desk.commit_count(), before);
}

#[test]
fn sign_in_never_sends_anyone_to_another_site() {
    let (desk, _) = desk_with_ticket();
    let serve = Serve::start(&desk, &[]);
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\r\nSet-Cookie: x=y",
        "javascript:alert(1)",
    ] {
        let form = serve.get(&format!("/signin?next={}", &encode(&[("", next)])[1..]));
        assert!(!form.text().contains("name=\"next\""), "{next}");
        let token = token_of(&form);
        let signed = serve.post_form(
            "/signin",
            &encode(&[
                ("token", &token),
                ("login", "ben"),
                ("password", BEN),
                ("next", next),
            ]),
            "",
        );
        assert_eq!(signed.header("Location"), Some("/index.html"), "{next}");
    }
}

#[test]
fn ticket_pages_link_to_the_operators_page_and_the_dashboard_to_the_form() {
    let (desk, folio) = desk_with_ticket();
    let serve = Serve::start(&desk, &[]);
    let cookie = serve.sign_in("ben", BEN).1.unwrap();
    let page = serve.get_with_cookie(&format!("/tickets/{folio}/index.html"), &cookie);
    contains(
        &page.text(),
        &format!("href=\"https://help.example.org/act/{folio}\">Act on this ticket</a>"),
    );
    contains(
        &page.text(),
        "href=\"https://help.example.org/signin\">Sign in</a>",
    );
    let dashboard = serve.get_with_cookie("/index.html", &cookie);
    contains(
        &dashboard.text(),
        "<a class=\"button\" href=\"https://help.example.org/new\">Register a ticket</a>",
    );
}

#[test]
fn an_operator_replies_with_a_file_and_a_refused_post_asks_for_it_again() {
    use crate::web_uploads::{multipart, BOUNDARY};
    let (desk, folio) = desk_with_ticket();
    let serve = Serve::start(&desk, &[]);
    let cookie = serve.sign_in("ben", BEN).1.unwrap();
    let post = |fields: &[(&str, &str)], files: &[(&str, &[u8])]| {
        let page = serve.get_with_cookie(&format!("/act/{folio}"), &cookie);
        contains(&page.text(), "enctype=\"multipart/form-data\"");
        let token = token_of(&page);
        let mut all = vec![("token", token.as_str())];
        all.extend_from_slice(fields);
        let body = multipart(&all, files);
        let mut request = format!(
            "POST /act/{folio} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nCookie: {cookie}\r\n\
             Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
            serve.port,
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(&body);
        serve.send(&request)
    };
    let before = desk.commit_count();
    let sent = post(
        &[("do", "reply"), ("body", "The driver, attached.")],
        &[("driver-notes.txt", b"Install 4.2, then restart.")],
    );
    assert_eq!(sent.status, 303, "{sent:?}");
    assert_eq!(desk.commit_count(), before + 1);
    let files = desk.last_commit_files();
    assert!(
        files.iter().any(|f| f.ends_with("driver-notes.txt")),
        "{files:?}"
    );
    contains(&head_message(&desk), "Actor: ben");

    // Files go with a reply or a note only; the page asks for them again.
    let refused = post(
        &[("do", "escalate"), ("reason", "Urgent")],
        &[("x.txt", b"x")],
    );
    assert_eq!(refused.status, 400, "{refused:?}");
    contains(&refused.text(), "Files are sent with a reply or a note.");
    contains(&refused.text(), "attach your files again");
    assert_eq!(desk.commit_count(), before + 1);
}
