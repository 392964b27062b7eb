//! The web registration form of `tkt serve`, over HTTP against the real
//! server: the form, a registration, and every refusal (forged or expired
//! token, foreign origin, honeypot, mistakes kept with their values, rate
//! limit), each leaving the history untouched.

use crate::common::{contains, Desk};
use crate::serve::{Answer, Serve};

/// A desk whose `web:` settings open the form to anyone, at most `rate`
/// registrations per address and hour.
pub fn web_desk(rate: u32) -> Desk {
    let desk = Desk::new();
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!(
            "{config}web:\n  base_url: https://help.example.org\n  registration:\n    open_to: anyone\n  \
             rate_limits:\n    registrations_per_hour: {rate}\n"
        ),
    );
    desk.git(&["commit", "-qam", "open the web form"]);
    desk
}

impl Serve {
    pub fn post_form(&self, path: &str, body: &str, extra_headers: &str) -> Answer {
        self.send(
            format!(
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n{extra_headers}\r\n{body}",
                port = self.port,
                len = body.len(),
            )
            .as_bytes(),
        )
    }
}

/// The anti-forgery token in a page's form.
pub fn token_of(page: &Answer) -> String {
    let text = page.text();
    let at = text.find("name=\"token\" value=\"").expect("a token field") + 20;
    text[at..].split('"').next().unwrap().to_string()
}

pub fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc = |s: &str| {
                s.bytes()
                    .map(|b| match b {
                        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                            (b as char).to_string()
                        }
                        b' ' => "+".to_string(),
                        _ => format!("%{b:02X}"),
                    })
                    .collect::<String>()
            };
            format!("{}={}", enc(k), enc(v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub fn good(token: &str) -> Vec<(&str, &str)> {
    vec![
        ("token", token),
        ("name", "Sam Lee"),
        ("email", "sam@other.org"),
        ("subject", "The scanner jams"),
        ("field.device", "scanner"),
        ("field.since", "2026-11-30"),
        (
            "description",
            "Every multi-page bundle jams after three pages.",
        ),
        ("website", ""),
    ]
}

#[test]
fn without_web_settings_there_is_no_form() {
    let desk = Desk::new();
    let serve = Serve::start(&desk, &[]);
    assert_eq!(serve.get("/new").status, 404);
    assert_eq!(serve.get("/new/technical").status, 404);
}

#[test]
fn a_requester_registers_a_ticket_from_the_form() {
    let desk = web_desk(10);
    let serve = Serve::start(&desk, &[]);
    let choose = serve.get("/new");
    assert_eq!(choose.status, 200);
    contains(
        &choose.text(),
        "<a href=\"/new/technical\">Technical support</a>",
    );
    let form = serve.get("/new/technical");
    assert_eq!(form.status, 200, "{form:?}");
    let page = form.text();
    contains(&page, "<select id=\"f-field.device\" name=\"field.device\"");
    contains(&page, "<option value=\"printer\">printer</option>");
    contains(&page, "type=\"date\"");
    // One script, from the site's assets (no inline code: the CSP forbids
    // it); the form works without it.
    assert!(!page.contains("<script>"), "no inline script");
    contains(&page, "<script src=\"/assets/form.js\" defer></script>");
    contains(&page, "<div id=\"faq-suggestions\"");
    assert!(form.header("Content-Security-Policy").is_some());
    // Not the site's `no-referrer`: with it, browsers post `Origin: null`,
    // which the origin check refuses (found by the browser test).
    assert_eq!(form.header("Referrer-Policy"), Some("same-origin"));
    assert_eq!(form.head.matches("Referrer-Policy").count(), 1, "{form:?}");

    let commits = desk.commit_count();
    let token = token_of(&form);
    let done = serve.post_form(
        "/new/technical",
        &encode(&good(&token)),
        "Origin: https://help.example.org\r\n",
    );
    assert_eq!(done.status, 200, "{done:?}");
    contains(&done.text(), "Ticket TKT001 registered");
    contains(&done.text(), "https://help.example.org/t/");
    assert_eq!(desk.commit_count(), commits + 1);
    let message = desk.git(&["log", "-1", "--format=%an <%ae>%n%B"]);
    contains(&message, "Sam Lee <sam@other.org>");
    contains(&message, "Actor: sam\nVia: web");
    let shown = desk.ok(&["show", "1", "--json"]);
    contains(&shown, "\"requester\": \"sam\"");
    contains(&shown, "\"device\": \"scanner\"");
    contains(&desk.read("helpdesk.yaml"), "email: sam@other.org");
    assert_eq!(desk.ok(&["check"]), "");
}

#[test]
fn forged_expired_or_foreign_posts_register_nothing() {
    let desk = web_desk(10);
    let serve = Serve::start(&desk, &[]);
    let token = token_of(&serve.get("/new/technical"));
    let commits = desk.commit_count();
    let mut forged = token.clone().into_bytes();
    let last = forged.len() - 1;
    forged[last] = if forged[last] == b'0' { b'1' } else { b'0' };
    let forged = String::from_utf8(forged).unwrap();
    for (token, headers) in [
        ("", ""),
        (forged.as_str(), ""),
        (token.as_str(), "Origin: https://evil.example\r\n"),
        (token.as_str(), "Origin: null\r\n"),
    ] {
        let answer = serve.post_form("/new/technical", &encode(&good(token)), headers);
        assert_eq!(answer.status, 403, "{headers:?}: {answer:?}");
        contains(&answer.text(), "Nothing was registered");
    }
    // A token of this server posted to it with its own origin works.
    let ok = serve.post_form(
        "/new/technical",
        &encode(&good(&token)),
        &format!("Origin: http://127.0.0.1:{}\r\n", serve.port),
    );
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!(desk.commit_count(), commits + 1);
}

#[test]
fn mistakes_come_back_with_every_value_kept_and_escaped() {
    let desk = web_desk(10);
    let serve = Serve::start(&desk, &[]);
    let token = token_of(&serve.get("/new/technical"));
    let commits = desk.commit_count();
    let mut fields = good(&token);
    fields.retain(|(k, _)| *k != "subject");
    fields.push(("subject", ""));
    fields.retain(|(k, _)| *k != "field.since");
    fields.push(("field.since", "yesterday"));
    fields.retain(|(k, _)| *k != "description");
    fields.push(("description", "<script>alert(1)</script> & more"));
    let answer = serve.post_form("/new/technical", &encode(&fields), "");
    assert_eq!(answer.status, 400, "{answer:?}");
    let page = answer.text();
    contains(&page, "Please give a short subject.");
    contains(&page, "aria-describedby=\"e-field.since\"");
    contains(&page, "value=\"yesterday\"");
    contains(
        &page,
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</textarea>",
    );
    contains(&page, "value=\"Sam Lee\"");
    assert!(!page.contains("<script>alert"));
    // A bad address is named beside its field by the application layer.
    let mut fields = good(&token);
    fields.retain(|(k, _)| *k != "email");
    fields.push(("email", "sam at other"));
    let answer = serve.post_form("/new/technical", &encode(&fields), "");
    assert_eq!(answer.status, 400);
    contains(
        &answer.text(),
        "enter an email address such as name@example.org",
    );
    // The honeypot.
    let mut fields = good(&token);
    fields.retain(|(k, _)| *k != "website");
    fields.push(("website", "http://spam.example"));
    assert_eq!(
        serve
            .post_form("/new/technical", &encode(&fields), "")
            .status,
        400
    );
    assert_eq!(desk.commit_count(), commits);
}

#[test]
fn registrations_are_rate_limited_per_address() {
    let desk = web_desk(2);
    let serve = Serve::start(&desk, &[]);
    let token = token_of(&serve.get("/new/technical"));
    for _ in 0..2 {
        assert_eq!(
            serve
                .post_form("/new/technical", &encode(&good(&token)), "")
                .status,
            200
        );
    }
    let third = serve.post_form("/new/technical", &encode(&good(&token)), "");
    assert_eq!(third.status, 429, "{third:?}");
    assert_eq!(third.header("Retry-After"), Some("3600"));
    assert_eq!(
        desk.ok(&["list", "--all", "--format", "json"])
            .matches("\"id\"")
            .count(),
        2
    );
}

#[test]
fn the_sites_how_to_ask_page_links_to_the_form_when_it_exists() {
    let plain = Desk::new();
    plain.ok(&["build", "--out", "../plain"]);
    let page = std::fs::read_to_string(plain.tmp.path().join("plain/register.html")).unwrap();
    assert!(!page.contains("/new"), "no form, no link");
    let desk = web_desk(10);
    desk.ok(&["build", "--out", "../site"]);
    let page = std::fs::read_to_string(desk.tmp.path().join("site/register.html")).unwrap();
    contains(&page, "href=\"https://help.example.org/new\"");
    contains(&page, "href=\"https://help.example.org/new/technical\"");
}

/// Registers through the form; returns the follow-up page's path.
fn register_by_form(serve: &Serve, subject: &str) -> String {
    let token = token_of(&serve.get("/new/technical"));
    let mut fields = good(&token);
    fields.retain(|(k, _)| *k != "subject");
    fields.push(("subject", subject));
    let done = serve.post_form("/new/technical", &encode(&fields), "");
    assert_eq!(done.status, 200, "{done:?}");
    let text = done.text();
    let at = text.find("https://help.example.org/t/").unwrap() + "https://help.example.org".len();
    text[at..].split('"').next().unwrap().to_string()
}

#[test]
fn the_requester_follows_replies_confirms_and_reopens_through_the_link() {
    let desk = web_desk(10);
    let serve = Serve::start(&desk, &[]);
    let link = register_by_form(&serve, "The scanner jams");
    let other_link = register_by_form(&serve, "Another ticket of Sam's");
    desk.ok(&["reply", "1", "-m", "Please send a photo of the display."]);
    desk.ok(&["note", "1", "-m", "INTERNAL: the vendor is slow."]);
    let page = serve.get(&link);
    assert_eq!(page.status, 200, "{page:?}");
    let text = page.text();
    contains(&text, "TKT001 · The scanner jams");
    contains(&text, "Please send a photo of the display.");
    assert!(!text.contains("INTERNAL"), "never an internal note");
    assert!(!text.contains("Another ticket"), "never another ticket");
    assert_eq!(page.header("Cache-Control"), Some("no-store"));

    // A reply, as the requester, through the page's form.
    let form_token = token_of(&page);
    let reply = serve.post_form(
        &link,
        &encode(&[
            ("token", &form_token),
            ("do", "reply"),
            ("body", "Photo: E-21 on the display."),
        ]),
        "",
    );
    assert_eq!(reply.status, 303, "{reply:?}");
    assert_eq!(reply.header("Location"), Some(link.as_str()));
    let message = desk.git(&["log", "-1", "--format=%an%n%B"]);
    contains(&message, "Sam Lee\nTKT001: reply by sam");
    contains(&message, "Via: web");
    contains(&serve.get(&link).text(), "Photo: E-21 on the display.");
    // This page's form token does not work on the other ticket's page.
    let elsewhere = serve.post_form(
        &other_link,
        &encode(&[("token", &form_token), ("do", "reply"), ("body", "x")]),
        "",
    );
    assert_eq!(elsewhere.status, 403);

    // Resolved: the requester confirms (closed), then reopens.
    desk.ok(&["resolve", "1", "--solution", "Replaced the rollers."]);
    let page = serve.get(&link);
    contains(&page.text(), "Replaced the rollers.");
    contains(&page.text(), "value=\"confirm\"");
    let confirm = serve.post_form(
        &link,
        &encode(&[("token", &token_of(&page)), ("do", "confirm")]),
        "",
    );
    assert_eq!(confirm.status, 303, "{confirm:?}");
    contains(&desk.ok(&["show", "1", "--json"]), "\"status\": \"closed\"");
    let page = serve.get(&link);
    let reopen = serve.post_form(
        &link,
        &encode(&[("token", &token_of(&page)), ("do", "reopen")]),
        "",
    );
    assert_eq!(reopen.status, 303, "{reopen:?}");
    assert!(!desk
        .ok(&["show", "1", "--json"])
        .contains("\"status\": \"closed\""));

    // A changed token opens nothing, exactly like a page that does not exist.
    let mut tampered = link.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(tampered).unwrap();
    for path in [
        tampered.as_str(),
        "/t/",
        "/t/TKT001",
        "/t/../tickets/TKT001/index.html",
    ] {
        let answer = serve.get(path);
        assert_eq!(answer.status, 404, "{path}: {answer:?}");
    }
    assert_eq!(desk.ok(&["check"]), "");
}

/// Lets the web site at `origin` post the external form.
pub fn allow_origin(desk: &Desk, origin: &str) {
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!("{config}  allowed_origins: [{origin}]\n"),
    );
    desk.git(&["commit", "-qam", "allow the practice's site"]);
}

/// Sets `person`'s password with `tkt passwd --stdin`.
pub fn set_password(desk: &Desk, person: &str, password: &str) {
    use std::io::Write;
    let mut child = desk
        .std_cmd()
        .args(["--as", "ana", "passwd", person, "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    assert!(child.wait().unwrap().success());
}

impl Serve {
    pub fn get_with_cookie(&self, path: &str, cookie: &str) -> Answer {
        self.send(
            format!(
                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n",
                self.port
            )
            .as_bytes(),
        )
    }

    /// Signs in; returns the session cookie (`tkt_session=…`), if any.
    pub fn sign_in(&self, login: &str, password: &str) -> (Answer, Option<String>) {
        let token = token_of(&self.get("/signin"));
        let answer = self.post_form(
            "/signin",
            &encode(&[("token", &token), ("login", login), ("password", password)]),
            "",
        );
        let cookie = answer
            .header("Set-Cookie")
            .and_then(|c| c.split(';').next())
            .map(str::to_string);
        (answer, cookie)
    }
}

#[test]
fn staff_sign_in_and_out_and_nobody_learns_who_has_an_account() {
    let desk = web_desk(10);
    set_password(&desk, "ben", "correct horse battery staple");
    let serve = Serve::start(&desk, &[]);
    let (wrong, none) = serve.sign_in("ben", "correct horse battery");
    assert_eq!(wrong.status, 400);
    assert!(none.is_none());
    let (unknown, _) = serve.sign_in("nobody@example.org", "correct horse battery staple");
    let (no_password, _) = serve.sign_in("cai", "correct horse battery staple");
    for other in [&unknown, &no_password] {
        assert_eq!(other.status, wrong.status);
        contains(
            &other.text(),
            "The address (or person key) or the password is not right.",
        );
    }
    let (ok, cookie) = serve.sign_in("BEN@example.org", "correct horse battery staple");
    assert_eq!(ok.status, 303, "{ok:?}");
    assert_eq!(ok.header("Location"), Some("/index.html"));
    let set = ok.header("Set-Cookie").unwrap();
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=28800",
        "Secure",
    ] {
        contains(set, attribute);
    }
    let cookie = cookie.unwrap();
    let page = serve.get_with_cookie("/signin", &cookie);
    contains(&page.text(), "Signed in as <strong>ben</strong>");
    // Signing out needs that page's token; then the cookie is worthless.
    let text = page.text();
    let signout = &text[text.find("action=\"/signout\"").unwrap()..];
    let at = signout.find("value=\"").unwrap() + 7;
    let token = signout[at..].split('"').next().unwrap();
    let out = serve.send(
        format!(
            "POST /signout HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
            serve.port,
            token.len() + 6,
            format_args!("token={token}")
        )
        .as_bytes(),
    );
    assert_eq!(out.status, 303, "{out:?}");
    contains(out.header("Set-Cookie").unwrap(), "Max-Age=0");
    assert!(!serve
        .get_with_cookie("/signin", &cookie)
        .text()
        .contains("Signed in as"));
}

#[test]
fn beyond_loopback_only_signed_in_staff_get_the_internal_pages() {
    let desk = web_desk(10);
    desk.ticket("Scanner jams", &[]);
    set_password(&desk, "ben", "correct horse battery staple");
    set_password(&desk, "rita", "a requester's own pass");
    let serve = Serve::start(&desk, &["--bind", "0.0.0.0"]);
    let page = serve.get("/tickets/index.html");
    assert_eq!(page.status, 303, "{page:?}");
    assert_eq!(page.header("Location"), Some("/signin"));
    assert_eq!(serve.get("/").status, 303);
    assert_eq!(serve.get("/data/tickets.json").status, 403);
    for open in [
        "/faq/index.html",
        "/register.html",
        "/new",
        "/signin",
        "/assets/style.css",
    ] {
        assert_eq!(serve.get(open).status, 200, "{open}");
    }
    let (_, requester) = serve.sign_in("rita", "a requester's own pass");
    let requester = requester.unwrap();
    assert_eq!(
        serve
            .get_with_cookie("/tickets/index.html", &requester)
            .status,
        303
    );
    let (_, staff) = serve.sign_in("ben", "correct horse battery staple");
    let staff = staff.unwrap();
    assert_eq!(
        serve.get_with_cookie("/tickets/index.html", &staff).status,
        200
    );
    assert_eq!(
        serve.get_with_cookie("/data/tickets.json", &staff).status,
        200
    );
    assert_eq!(
        serve
            .get_with_cookie("/tickets/index.html", "tkt_session=0000")
            .status,
        303
    );
}

#[test]
fn sign_in_attempts_are_rate_limited() {
    let desk = Desk::new();
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!("{config}web:\n  base_url: http://127.0.0.1\n  rate_limits:\n    sign_ins_per_hour: 3\n"),
    );
    desk.git(&["commit", "-qam", "web"]);
    set_password(&desk, "ben", "correct horse battery staple");
    let serve = Serve::start(&desk, &[]);
    for _ in 0..3 {
        assert_eq!(serve.sign_in("ben", "wrong password!!").0.status, 400);
    }
    let (limited, cookie) = serve.sign_in("ben", "correct horse battery staple");
    assert_eq!(limited.status, 429, "{limited:?}");
    assert!(cookie.is_none());
}

#[test]
fn the_external_form_posts_from_the_listed_origins_only() {
    let desk = web_desk(10);
    allow_origin(&desk, "https://www.ortega.example");
    // The snippet: plain HTML posting to the helpdesk, no script, no token.
    let snippet = desk.ok(&["form", "snippet", "--category", "technical"]);
    contains(
        &snippet,
        "action=\"https://help.example.org/new/technical\"",
    );
    contains(&snippet, "name=\"field.device\"");
    contains(&snippet, "name=\"website\"");
    assert!(!snippet.contains("<script") && !snippet.contains("name=\"token\""));
    let any = desk.ok(&["form", "snippet"]);
    contains(&any, "action=\"https://help.example.org/new\"");
    contains(&any, "<option value=\"case-support\">Case support</option>");
    let err = desk.fails(&["form", "snippet", "--category", "hr"], 1);
    contains(&err, "no category `hr`; the categories are technical");

    let serve = Serve::start(&desk, &[]);
    let commits = desk.commit_count();
    let mut fields = good("");
    fields.retain(|(k, _)| *k != "token");
    let body = encode(&fields);
    for refused in ["Origin: https://evil.example\r\n", "Origin: null\r\n", ""] {
        let answer = serve.post_form("/new/technical", &body, refused);
        assert_eq!(answer.status, 403, "{refused:?}: {answer:?}");
    }
    assert_eq!(desk.commit_count(), commits);
    let ok = serve.post_form(
        "/new/technical",
        &body,
        "Origin: https://www.ortega.example\r\n",
    );
    assert_eq!(ok.status, 200, "{ok:?}");
    contains(&ok.text(), "Ticket TKT001 registered");
    // The form without a category in its address names one.
    let mut fields = good("");
    fields.retain(|(k, _)| !matches!(*k, "token" | "field.device"));
    fields.push(("category", "other"));
    let ok = serve.post_form(
        "/new",
        &encode(&fields),
        "Origin: https://www.ortega.example\r\n",
    );
    assert_eq!(ok.status, 200, "{ok:?}");
    contains(
        &desk.ok(&["show", "2", "--json"]),
        "\"category\": \"other\"",
    );
}

#[test]
fn faq_entries_that_might_answer_are_offered_with_and_without_script() {
    // The example's own `web:` section (its last), opened to anyone.
    let desk = Desk::example();
    let config = desk.read("helpdesk.yaml");
    let kept = &config[..config
        .find("\nweb:\n")
        .expect("the example has web settings")
        + 1];
    desk.write(
        "helpdesk.yaml",
        &format!("{kept}web:\n  base_url: https://help.example.org\n  registration:\n    open_to: anyone\n"),
    );
    desk.git(&["commit", "-qam", "open the web form"]);
    let serve = Serve::start(&desk, &[]);
    // What the form's script asks for while the subject is typed.
    let found = serve.get("/faq/suggest?q=scanner+jamming+pages");
    assert_eq!(found.status, 200, "{found:?}");
    assert_eq!(found.header("Content-Type"), Some("application/json"));
    let hits: serde_json::Value = serde_json::from_slice(&found.body).unwrap();
    assert_eq!(hits[0]["url"], "/faq/scanner-paper-jams.html", "{hits}");
    assert_eq!(
        hits[0]["title"],
        "The scanner keeps jamming on multi-page documents"
    );
    assert_eq!(serve.get("/faq/suggest?q=sc").text(), "[]");
    // Without the script: a form that comes back offers them too.
    let token = token_of(&serve.get("/new/technical"));
    let body = encode(&[
        ("token", &token),
        ("name", "Sam"),
        ("email", "sam@other.org"),
        ("subject", "The scanner keeps jamming"),
        ("description", ""),
    ]);
    let again = serve.post_form("/new/technical", &body, "");
    assert_eq!(again.status, 400);
    contains(
        &again.text(),
        "<a href=\"/faq/scanner-paper-jams.html\">The scanner keeps jamming on multi-page documents</a>",
    );
}

#[test]
fn a_published_base_url_keeps_internal_pages_for_staff_even_on_loopback() {
    // Behind a reverse proxy tkt serve listens on loopback, yet the world
    // reaches it: `web: base_url` says so.
    let desk = web_desk(10);
    let serve = Serve::start(&desk, &[]);
    assert_eq!(serve.get("/tickets/index.html").status, 303);
    assert_eq!(serve.get("/faq/index.html").status, 200);
    drop(serve);
    // A base URL on this machine: a local helpdesk, served as before.
    let local = Desk::new();
    let config = local.read("helpdesk.yaml");
    local.write(
        "helpdesk.yaml",
        &format!("{config}web:\n  base_url: http://localhost:8080\n"),
    );
    local.git(&["commit", "-qam", "web"]);
    let serve = Serve::start(&local, &[]);
    assert_eq!(serve.get("/tickets/index.html").status, 200);
}

#[test]
fn behind_a_local_proxy_each_forwarded_client_has_its_own_limit() {
    let desk = web_desk(2);
    let serve = Serve::start(&desk, &[]);
    let token = token_of(&serve.get("/new/technical"));
    let body = encode(&good(&token));
    let from = |ip: &str| format!("X-Forwarded-For: 198.51.100.9, {ip}\r\n");
    for _ in 0..2 {
        assert_eq!(
            serve
                .post_form("/new/technical", &body, &from("203.0.113.1"))
                .status,
            200
        );
    }
    assert_eq!(
        serve
            .post_form("/new/technical", &body, &from("203.0.113.1"))
            .status,
        429
    );
    assert_eq!(
        serve
            .post_form("/new/technical", &body, &from("203.0.113.2"))
            .status,
        200
    );
}

#[test]
fn with_mail_set_up_the_acknowledgment_repeats_the_forms_follow_up_link() {
    let desk = web_desk(10);
    let config = desk.read("helpdesk.yaml");
    desk.write(
        "helpdesk.yaml",
        &format!("{config}mail:\n  address: helpdesk@example.org\n"),
    );
    desk.git(&["commit", "-qam", "mail out through the outbox"]);
    let serve = Serve::start(&desk, &[]);
    let link = register_by_form(&serve, "The scanner jams");
    drop(serve);
    desk.ok(&["notify", "send"]);
    let outbox = desk.root.join(".git/tkt/mail/outbox");
    let mails: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let ack = mails
        .iter()
        .find(|m| m.contains("[TKT001]"))
        .unwrap_or_else(|| panic!("an acknowledgment in the outbox: {mails:?}"));
    contains(ack, &format!("https://help.example.org{link}"));
    assert!(
        std::fs::read_dir(desk.root.join(".git/tkt/mail/links"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0,
        "the token is forgotten once the acknowledgment is out"
    );
}
