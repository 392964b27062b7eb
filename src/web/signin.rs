//! Signing in to `tkt serve` (`/signin`, `/signout`) and the sessions that
//! follow. A session is a random 256-bit token in an `HttpOnly`,
//! `SameSite=Strict` cookie (`Secure` under an `https` base URL), kept in
//! the server's memory only as its SHA-256, for 8 hours; a restart signs
//! everyone out. Wrong address, unknown address and missing password all
//! get the same answer (and cost the same hashing), so the form tells no
//! one who has an account; attempts count against a per-address limit.
//!
//! When `tkt serve` listens beyond loopback, the internal pages and all
//! ticket data go only to signed-in staff; the FAQ, "how to ask", the
//! forms and follow-up links stay open to everyone.

use super::csrf;
use super::html::{escape, failure, page};
use super::http::{Request, Response};
use super::register::Forms;
use crate::domain::follow_up::stored as digest;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const COOKIE: &str = "tkt_session";
const LIFETIME: Duration = Duration::from_secs(8 * 3600);
const WRONG: &str = "The address (or person key) or the password is not right.";

/// Signed-in sessions, by the digest of their token.
#[derive(Default)]
pub struct Sessions {
    open: Mutex<HashMap<String, Session>>,
}

#[derive(Clone)]
struct Session {
    person: String,
    /// What the application layer decided at sign-in.
    sees_internal: bool,
    until: Instant,
}

impl Sessions {
    fn start(&self, person: String, sees_internal: bool) -> String {
        use rand_core::{OsRng, RngCore};
        let mut random = [0u8; 32];
        OsRng.fill_bytes(&mut random);
        let token: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        open.retain(|_, s| s.until > now);
        open.insert(
            digest(&token),
            Session {
                person,
                sees_internal,
                until: now + LIFETIME,
            },
        );
        token
    }

    fn of(&self, request: &Request) -> Option<(String, Session)> {
        let token = cookie(request, COOKIE)?;
        let key = digest(token);
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let session = open.get(&key).filter(|s| s.until > Instant::now())?.clone();
        Some((key, session))
    }

    /// Whether the request comes from someone signed in whom the access
    /// rules let see the internal pages.
    pub fn sees_internal(&self, request: &Request) -> bool {
        self.of(request).is_some_and(|(_, s)| s.sees_internal)
    }

    /// Who is signed in on this request: their person key, and the
    /// session's own key, to bind form tokens to the session.
    pub fn signed_in(&self, request: &Request) -> Option<SignedIn> {
        self.of(request).map(|(session, s)| SignedIn {
            person: s.person,
            session,
            staff: s.sees_internal,
        })
    }

    fn end(&self, key: &str) {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

/// A signed-in person, as a page that acts for them needs them.
pub struct SignedIn {
    pub person: String,
    /// The digest the session is kept under (never the cookie itself).
    pub session: String,
    /// What the application layer decided at sign-in: the team.
    pub staff: bool,
}

/// The value of cookie `name` in the request, if sent once.
fn cookie<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .header_values("Cookie")
        .flatten()
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The answer for `/signin` and `/signout`, or `None` for other paths
/// (and when `web:` is not set).
pub fn answer(request: &Request, forms: &Forms) -> Option<Response> {
    let path = request.path();
    if path != "/signin" && path != "/signout" {
        return None;
    }
    let form = match crate::app::web_form::registration_form(&forms.scope) {
        Ok(Some(form)) => form,
        Ok(None) => return None,
        Err(e) => return Some(failure(&format!("{e:#}"))),
    };
    let secure = form.web.base_url.starts_with("https://");
    let get = |answers: &HashMap<String, String>, name: &str| {
        answers.get(name).cloned().unwrap_or_default()
    };
    // The sign-in page, with a message when it comes back.
    let sign_in_page = |message: Option<&str>, status: u16| {
        show(forms, request, &form.desk_name, &form.key, message, status)
    };
    Some(match (path, request.method.as_str()) {
        ("/signin", "GET" | "HEAD") => sign_in_page(None, 200),
        ("/signin", "POST") => {
            let answers = fields(request);
            if !csrf::genuine(
                request,
                &form.key,
                "signin",
                &get(&answers, "token"),
                &form.web.base_url,
            ) {
                return Some(sign_in_page(
                    Some("The form had expired; please try again."),
                    403,
                ));
            }
            let Some(peer) = request.client() else {
                return Some(failure("the client's address is unknown"));
            };
            if !forms
                .sign_ins
                .allow(peer, form.web.rate_limits.sign_ins_per_hour, Instant::now())
            {
                return Some(
                    sign_in_page(
                        Some("Too many attempts from here; please try again in an hour."),
                        429,
                    )
                    .with_header("Retry-After", "3600"),
                );
            }
            match crate::app::passwords::sign_in(
                &forms.scope,
                &get(&answers, "login"),
                &get(&answers, "password"),
            ) {
                Ok(Some(signed_in)) => {
                    let landing = match local_path(&get(&answers, "next")) {
                        Some(next) => next.to_string(),
                        None if signed_in.sees_internal => "/index.html".to_string(),
                        None => "/mine".to_string(),
                    };
                    let token = forms.sessions.start(signed_in.key, signed_in.sees_internal);
                    Response::text(303, "Signed in.\n")
                        .with_header("Location", landing)
                        .with_header("Set-Cookie", set_cookie(&token, LIFETIME.as_secs(), secure))
                }
                Ok(None) => sign_in_page(Some(WRONG), 400),
                Err(e) => failure(&format!("{e:#}")),
            }
        }
        ("/signout", "POST") => {
            let answers = fields(request);
            if let Some((key, _)) = forms.sessions.of(request) {
                let purpose = format!("signout:{key}");
                if !csrf::genuine(
                    request,
                    &form.key,
                    &purpose,
                    &get(&answers, "token"),
                    &form.web.base_url,
                ) {
                    return Some(sign_in_page(
                        Some("The page had expired; sign out again."),
                        403,
                    ));
                }
                forms.sessions.end(&key);
            }
            Response::text(303, "Signed out.\n")
                .with_header("Location", "/signin")
                .with_header("Set-Cookie", set_cookie("", 0, secure))
        }
        _ => Response::text(405, "Use GET to see the form and POST to send it.\n").with_header(
            "Allow",
            if path == "/signin" {
                "GET, HEAD, POST"
            } else {
                "POST"
            },
        ),
    })
}

fn fields(request: &Request) -> HashMap<String, String> {
    form_urlencoded::parse(&request.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The answer to someone not signed in who asked for `path` (a page of
/// this server): sign in first, then back there.
pub fn first(path: &str) -> Response {
    let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
    Response::text(303, "Sign in first.\n").with_header("Location", format!("/signin?next={next}"))
}

/// `next` from the query (a GET) or the posted form.
fn next_of(request: &Request) -> Option<String> {
    if request.method == "POST" {
        fields(request).remove("next")
    } else {
        request.query_value("next")
    }
}

/// `next` if it is a path on this server (`/act/TKT042`): never another
/// site (`//evil.example`, `/\\evil.example`, `https://…`), never a
/// header break. Anything else lands on the default page: no open
/// redirect.
fn local_path(next: &str) -> Option<&str> {
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    safe.then_some(next)
}

fn set_cookie(token: &str, max_age: u64, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

fn show(
    forms: &Forms,
    request: &Request,
    desk: &str,
    key: &[u8; 32],
    message: Option<&str>,
    status: u16,
) -> Response {
    let mut main = String::from("<h1>Sign in</h1>\n");
    if let Some(message) = message {
        main.push_str(&format!(
            "<p class=\"form-error\" role=\"alert\">{}</p>\n",
            escape(message)
        ));
    }
    if let Some((session_key, session)) = forms.sessions.of(request) {
        let token = csrf::fresh(key, &format!("signout:{session_key}"));
        main.push_str(&format!(
            "<p>Signed in as <strong>{}</strong>. <a href=\"/index.html\">Go to the helpdesk</a>.</p>\n\
             <form method=\"post\" action=\"/signout\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
             <button type=\"submit\">Sign out</button></form>\n",
            escape(&session.person),
            escape(&token)
        ));
    }
    let token = csrf::fresh(key, "signin");
    let next = next_of(request)
        .filter(|next| local_path(next).is_some())
        .map(|next| {
            format!(
                "<input type=\"hidden\" name=\"next\" value=\"{}\">\n",
                escape(&next)
            )
        })
        .unwrap_or_default();
    main.push_str(&format!(
        "<form method=\"post\" action=\"/signin\" class=\"signin-form\">\n\
         <input type=\"hidden\" name=\"token\" value=\"{}\">\n{next}\
         <p class=\"field\"><label for=\"f-login\">Email address or person key</label>\n\
         <input id=\"f-login\" name=\"login\" type=\"text\" autocomplete=\"username\" required></p>\n\
         <p class=\"field\"><label for=\"f-password\">Password</label>\n\
         <input id=\"f-password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\n\
         <p><button type=\"submit\">Sign in</button></p>\n</form>\n\
         <p class=\"muted\">No password yet? An admin sets one with <code>tkt passwd</code>.</p>",
        escape(&token)
    ));
    page(status, desk, "Sign in", &main).with_header("Cache-Control", "no-store")
}

/// Paths anyone may fetch when the server listens beyond loopback: the
/// site's look, the FAQ, how to ask, the forms and follow-up links.
pub fn is_public(path: &str) -> bool {
    const PAGES: [&str; 6] = [
        "/new",
        "/signin",
        "/signout",
        "/register.html",
        "/404.html",
        "/faq",
    ];
    const FOLDERS: [&str; 5] = ["/assets/", "/faq/", "/new/", "/t/", "/__tkt/"];
    PAGES.contains(&path) || FOLDERS.iter().any(|f| path.starts_with(f))
}
