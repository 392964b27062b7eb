//! The requester's follow-up page (`/t/<token>`, or `/mine/<folio>` when
//! signed in): their ticket as the
//! `web:` settings allow (never an internal note, never another ticket),
//! and a form to reply (with attachments, within the `web: limits`),
//! confirm the resolution (→ closed) or reopen; each one commit authored
//! by the requester, `Via: web`. A reply that cannot be taken comes back
//! with its text kept. A token that opens nothing gets the same 404 as a
//! page that does not exist.

use super::csrf;
use super::form_post::Posted;
use super::html::{escape, failure, page};
use super::http::{Request, Response};
use super::register::{files_described, Errors, Forms, ATTACH_AGAIN};
use super::signin::SignedIn;
use crate::app::links::FollowUp;
use crate::app::{refusal_of, Post, Scope, TicketChange};
use crate::domain::model::EntryKind;
use crate::domain::text::utc_stamp;
use crate::site::forms::{attachments_input, ATTACHMENTS};
use std::fmt::Write;
use std::time::Instant;

const PURPOSE: &str = "follow-up";

/// The answer for `/t/<token>`, or `None` for other paths.
pub fn answer(request: &Request, forms: &Forms) -> Option<Response> {
    let token = request.path().strip_prefix("/t/")?.trim_end_matches('/');
    let view = match crate::app::links::follow_up(&forms.scope, &forms.links, token) {
        Ok(Some(view)) => view,
        Ok(None) => return Some(forms.not_found()),
        Err(e) => return Some(failure(&format!("{e:#}"))),
    };
    let place = Place {
        path: format!("/t/{token}"),
        purpose: format!("{PURPOSE}:{}", crate::domain::follow_up::stored(token)),
    };
    Some(respond(request, forms, &view, &place))
}

/// The same page for a signed-in requester's own ticket (`/mine/<folio>`);
/// someone else's ticket, or none, is the same 404.
pub fn own(request: &Request, forms: &Forms, scope: &Scope, who: &SignedIn, id: &str) -> Response {
    let view = match crate::app::links::own_follow_up(scope, id) {
        Ok(Some(view)) => view,
        Ok(None) => return forms.not_found(),
        Err(e) => return failure(&format!("{e:#}")),
    };
    let place = Place {
        path: format!("/mine/{}", view.folio),
        purpose: format!("mine:{}:{}", who.session, view.folio),
    };
    respond(request, forms, &view, &place)
}

/// Where the page is, and what its form tokens are good for: this ticket's
/// link (or this session and ticket) only.
struct Place {
    path: String,
    purpose: String,
}

fn respond(request: &Request, forms: &Forms, view: &FollowUp, place: &Place) -> Response {
    match request.method.as_str() {
        "GET" | "HEAD" => show(view, place, &Again::default(), 200),
        "POST" => post(request, forms, view, place),
        _ => Response::text(405, "Use GET to see the ticket and POST to act on it.\n")
            .with_header("Allow", "GET, HEAD, POST"),
    }
}

/// What the page shows again after a post it did not take: why, the
/// reply as typed, and a message beside the attachments.
#[derive(Default)]
struct Again<'a> {
    message: Option<&'a str>,
    body: &'a str,
    files: Option<String>,
}

impl<'a> Again<'a> {
    fn saying(message: &'a str) -> Again<'a> {
        Again {
            message: Some(message),
            ..Again::default()
        }
    }

    /// With what `posted` held: the reply's text, and files to attach again.
    fn keeping(mut self, posted: &'a Posted) -> Again<'a> {
        self.body = posted.get("body");
        if posted.files_sent() > 0 && self.files.is_none() {
            self.files = Some(ATTACH_AGAIN.into());
        }
        self
    }
}

fn show(view: &FollowUp, place: &Place, again: &Again, status: u16) -> Response {
    let message = again.message;
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
    let form_token = csrf::fresh(&view.key, &place.purpose);
    let errors: Errors = again
        .files
        .iter()
        .map(|m| (ATTACHMENTS.to_string(), m.clone()))
        .collect();
    let files = attachments_input(view.uploads, &files_described(&errors)).map(|input| {
        format!(
            "<p class=\"field{invalid}\"><label for=\"f-{ATTACHMENTS}\">Attachments (optional)</label>\n{input}{error}</p>\n",
            invalid = if again.files.is_some() { " invalid" } else { "" },
            error = again
                .files
                .as_deref()
                .map(|e| format!("\n<span class=\"field-error\" id=\"e-{ATTACHMENTS}\">{}</span>", escape(e)))
                .unwrap_or_default(),
        )
    });
    let _ = writeln!(
        main,
        "<h2>Write to the helpdesk</h2>\n<form method=\"post\" action=\"{t}\"{enctype}>\n\
         <input type=\"hidden\" name=\"token\" value=\"{f}\">\n\
         <p class=\"field\"><label for=\"f-body\">Your reply</label>\n\
         <textarea id=\"f-body\" name=\"body\" rows=\"6\">{body}</textarea></p>\n{files}\
         <p><button type=\"submit\" name=\"do\" value=\"reply\">Send the reply</button>\n{extra}</p>\n</form>",
        t = escape(&place.path),
        f = escape(&form_token),
        enctype = if files.is_some() {
            " enctype=\"multipart/form-data\""
        } else {
            ""
        },
        body = escape(again.body),
        files = files.as_deref().unwrap_or(""),
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

fn post(request: &Request, forms: &Forms, view: &FollowUp, place: &Place) -> Response {
    let mut posted = match Posted::read(request, view.uploads) {
        Ok(posted) => posted,
        Err(why) => return Response::text(400, why),
    };
    if !csrf::genuine(
        request,
        &view.key,
        &place.purpose,
        posted.get("token"),
        &view.base_url,
    ) {
        let expired = "This page had expired; nothing was sent. Please try again.";
        return show(view, place, &Again::saying(expired).keeping(&posted), 403);
    }
    let action = posted.get("do").to_string();
    // Files go with a reply only, and within the limits.
    let refused_files = posted.file_problem.clone().or_else(|| {
        (action != "reply" && posted.files_sent() > 0)
            .then(|| "Files are sent with a reply: use “Send the reply”.".to_string())
    });
    if let Some(problem) = refused_files {
        let again = Again {
            message: Some("Nothing was sent; see below."),
            files: Some(problem),
            ..Again::default()
        };
        return show(view, place, &again.keeping(&posted), 400);
    }
    let Some(peer) = request.client() else {
        return failure("the client's address is unknown");
    };
    let per_hour = crate::app::web_form::registration_form(&forms.scope)
        .ok()
        .flatten()
        .map_or(30, |f| f.web.rate_limits.replies_per_hour);
    if !forms.replies.allow(peer, per_hour, Instant::now()) {
        let limited = "Too many messages from here; please try again in an hour.";
        return show(view, place, &Again::saying(limited).keeping(&posted), 429)
            .with_header("Retry-After", "3600");
    }
    // The requester acts: their ticket, their words.
    let scope = Scope {
        actor: Some(view.requester.clone()),
        ..forms.scope.clone()
    };
    let body = posted.get("body").replace("\r\n", "\n");
    let done = match action.as_str() {
        "reply" => crate::app::post(
            &scope,
            Post {
                ticket: view.folio.clone(),
                kind: EntryKind::Reply,
                body,
                attachments: posted.take_uploads(),
                status: None,
                reopen: false,
                time_spent: None,
                mail: None,
            },
        ),
        "confirm" => crate::app::change(&scope, &view.folio, TicketChange::Close),
        "reopen" => crate::app::change(&scope, &view.folio, TicketChange::Reopen),
        _ => {
            let choose = "Choose what to do with the buttons below.";
            return show(view, place, &Again::saying(choose).keeping(&posted), 400);
        }
    };
    match done {
        // Back to the page (GET), which shows the new state.
        Ok(_) => {
            Response::text(303, "See the ticket.\n").with_header("Location", place.path.clone())
        }
        Err(e) => match refusal_of(&e) {
            Some(refusal) => {
                let again = match refusal.field {
                    Some("attachments") => Again {
                        message: Some("Nothing was sent; see below."),
                        files: Some(refusal.message.clone()),
                        ..Again::default()
                    },
                    _ => Again::saying(&refusal.message),
                };
                show(view, place, &again.keeping(&posted), 400)
            }
            None => failure(&format!("{e:#}")),
        },
    }
}
