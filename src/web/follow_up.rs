//! The requester's follow-up page (`/t/<token>`): their ticket as the
//! `web:` settings allow (never an internal note, never another ticket),
//! and a form to reply, confirm the resolution (→ closed) or reopen; each
//! one commit authored by the requester, `Via: web`. A token that opens
//! nothing gets the same 404 as a page that does not exist.

use super::csrf;
use super::html::{escape, failure, page};
use super::http::{Request, Response};
use super::register::Forms;
use crate::app::links::FollowUp;
use crate::app::{refusal_of, Post, Scope, TicketChange};
use crate::domain::model::EntryKind;
use crate::domain::text::utc_stamp;
use std::fmt::Write;
use std::time::Instant;

const PURPOSE: &str = "follow-up";

/// The answer for `/t/<token>`, or `None` for other paths.
pub fn answer(request: &Request, forms: &Forms) -> Option<Response> {
    let token = request.path().strip_prefix("/t/")?.trim_end_matches('/');
    let view = match crate::app::links::follow_up(&forms.scope, token) {
        Ok(Some(view)) => view,
        Ok(None) => return Some(no_such_page()),
        Err(e) => return Some(failure(&format!("{e:#}"))),
    };
    Some(match request.method.as_str() {
        "GET" | "HEAD" => show(&view, token, None, 200),
        "POST" => post(request, forms, &view, token),
        _ => Response::text(405, "Use GET to see the ticket and POST to act on it.\n")
            .with_header("Allow", "GET, HEAD, POST"),
    })
}

fn show(view: &FollowUp, token: &str, message: Option<&str>, status: u16) -> Response {
    let mut main = format!(
        "<h1>{} · {}</h1>\n",
        escape(&view.folio),
        escape(&view.subject)
    );
    if let Some(message) = message {
        let _ = writeln!(
            main,
            "<p class=\"form-error\" role=\"alert\">{}</p>",
            escape(message)
        );
    }
    main.push_str("<dl class=\"ticket-facts\">\n");
    if let Some(status) = view.status {
        let _ = writeln!(
            main,
            "<dt>Status</dt><dd>{}</dd>",
            escape(&status.as_str().replace('-', " "))
        );
    }
    if let Some(assignee) = &view.assignee {
        let _ = writeln!(main, "<dt>Handled by</dt><dd>{}</dd>", escape(assignee));
    }
    main.push_str("</dl>\n<h2>Your request</h2>\n<pre class=\"plain-text\">");
    main.push_str(&escape(&view.description));
    main.push_str("</pre>\n");
    if let Some(actions) = view.actions.as_ref().filter(|a| !a.is_empty()) {
        main.push_str("<h2>What is being done</h2>\n<ul class=\"actions\">\n");
        for a in actions {
            let _ = writeln!(
                main,
                "<li>{}{}</li>",
                if a.done { "✓ " } else { "" },
                escape(&a.text)
            );
        }
        main.push_str("</ul>\n");
    }
    if let Some(files) = view.attachments.as_ref().filter(|f| !f.is_empty()) {
        main.push_str("<h2>Attachments</h2>\n<ul>\n");
        for f in files {
            let _ = writeln!(main, "<li>{}</li>", escape(f));
        }
        main.push_str("</ul>\n");
    }
    if let Some(replies) = &view.replies {
        main.push_str("<h2>Replies</h2>\n");
        if replies.is_empty() {
            main.push_str("<p>No replies yet.</p>\n");
        }
        for (who, when, body) in replies {
            let _ = writeln!(
                main,
                "<article class=\"entry reply\"><p class=\"muted\">{} · {}</p><pre class=\"plain-text\">{}</pre></article>",
                escape(who),
                escape(&utc_stamp(*when)),
                escape(body)
            );
        }
    }
    if let Some(solution) = &view.solution {
        let _ = writeln!(
            main,
            "<h2>Solution</h2>\n<pre class=\"plain-text\">{}</pre>",
            escape(solution)
        );
    }
    let form_token = csrf::fresh(&view.key, &purpose(token));
    let _ = writeln!(
        main,
        "<h2>Write to the helpdesk</h2>\n<form method=\"post\" action=\"/t/{t}\">\n\
         <input type=\"hidden\" name=\"token\" value=\"{f}\">\n\
         <p class=\"field\"><label for=\"f-body\">Your reply</label>\n\
         <textarea id=\"f-body\" name=\"body\" rows=\"6\"></textarea></p>\n\
         <p><button type=\"submit\" name=\"do\" value=\"reply\">Send the reply</button>\n{extra}</p>\n</form>",
        t = escape(token),
        f = escape(&form_token),
        extra = if view.resolved {
            "<button type=\"submit\" name=\"do\" value=\"confirm\">The solution works: close the ticket</button>\n\
             <button type=\"submit\" name=\"do\" value=\"reopen\">It is not solved: reopen</button>"
        } else if view.closed {
            "<button type=\"submit\" name=\"do\" value=\"reopen\">Reopen the ticket</button>"
        } else {
            ""
        },
    );
    page(
        status,
        &view.desk_name,
        &format!("{} · {}", view.folio, view.subject),
        &main,
    )
    .with_header("Cache-Control", "no-store")
}

fn post(request: &Request, forms: &Forms, view: &FollowUp, token: &str) -> Response {
    let answers: std::collections::HashMap<String, String> = form_urlencoded::parse(&request.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| answers.get(name).map(String::as_str).unwrap_or("");
    if !csrf::genuine(
        request,
        &view.key,
        &purpose(token),
        get("token"),
        &view.base_url,
    ) {
        return show(
            view,
            token,
            Some("This page had expired; nothing was sent. Please try again."),
            403,
        );
    }
    let Some(peer) = request.client() else {
        return failure("the client's address is unknown");
    };
    let per_hour = crate::app::web_form::registration_form(&forms.scope)
        .ok()
        .flatten()
        .map_or(30, |f| f.web.rate_limits.replies_per_hour);
    if !forms.replies.allow(peer, per_hour, Instant::now()) {
        return show(
            view,
            token,
            Some("Too many messages from here; please try again in an hour."),
            429,
        )
        .with_header("Retry-After", "3600");
    }
    // The requester acts: their ticket, their words.
    let scope = Scope {
        actor: Some(view.requester.clone()),
        ..forms.scope.clone()
    };
    let body = get("body").replace("\r\n", "\n");
    let done = match get("do") {
        "reply" => crate::app::post(
            &scope,
            Post {
                ticket: view.folio.clone(),
                kind: EntryKind::Reply,
                body,
                attachments: vec![],
                status: None,
                reopen: false,
                time_spent: None,
            },
        ),
        "confirm" => crate::app::change(&scope, &view.folio, TicketChange::Close),
        "reopen" => crate::app::change(&scope, &view.folio, TicketChange::Reopen),
        _ => {
            return show(
                view,
                token,
                Some("Choose what to do with the buttons below."),
                400,
            )
        }
    };
    match done {
        // Back to the page (GET), which shows the new state.
        Ok(_) => {
            Response::text(303, "See the ticket.\n").with_header("Location", format!("/t/{token}"))
        }
        Err(e) => match refusal_of(&e) {
            Some(refusal) => show(view, token, Some(&refusal.message), 400),
            None => failure(&format!("{e:#}")),
        },
    }
}

/// Tokens of this page's form work only for this ticket's link.
fn purpose(token: &str) -> String {
    format!("{PURPOSE}:{}", crate::domain::follow_up::stored(token))
}

fn no_such_page() -> Response {
    Response::text(404, "Not found.\n")
}
