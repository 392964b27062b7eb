//! A signed-in person's own tickets (`/mine`), and each of them as its
//! follow-up page shows it (`/mine/TKT042`): what a requester who has a
//! password sees without keeping every follow-up link. Which tickets are
//! theirs is the application layer's answer; someone else's folio gets the
//! same 404 as one that does not exist.

use super::csrf;
use super::html::{escape, failure, page};
use super::http::{Request, Response};
use super::register::Forms;
use super::signin::SignedIn;
use crate::app::Scope;
use crate::domain::text::utc_stamp;
use std::fmt::Write;

/// The answer for `/mine` and `/mine/<folio>`, or `None` for other paths
/// (and when `web:` is not set).
pub fn answer(request: &Request, forms: &Forms) -> Option<Response> {
    let path = request.path();
    let rest = path.strip_prefix("/mine")?;
    if !forms.enabled || !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let Some(who) = forms.sessions.signed_in(request) else {
        return Some(super::signin::first(path));
    };
    let scope = Scope {
        actor: Some(who.person.clone()),
        ..forms.scope.clone()
    };
    let folio = rest.trim_matches('/');
    if !folio.is_empty() {
        return Some(super::follow_up::own(request, forms, &scope, &who, folio));
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Some(Response::text(405, "Use GET.\n").with_header("Allow", "GET, HEAD"));
    }
    Some(list(forms, &scope, &who))
}

fn list(forms: &Forms, scope: &Scope, who: &SignedIn) -> Response {
    let tickets = match crate::app::links::own_tickets(scope) {
        Ok(tickets) => tickets,
        Err(e) => return failure(&format!("{e:#}")),
    };
    let form = match crate::app::web_form::registration_form(&forms.scope) {
        Ok(Some(form)) => form,
        Ok(None) => return Response::text(404, "Not found.\n"),
        Err(e) => return failure(&format!("{e:#}")),
    };
    let mut main = String::from("<h1>Your tickets</h1>\n");
    if tickets.is_empty() {
        main.push_str("<p>You have not asked for help yet.</p>\n");
    } else {
        main.push_str(
            "<table class=\"tickets\">\n<thead><tr><th scope=\"col\">Folio</th><th scope=\"col\">Subject</th>\
             <th scope=\"col\">Status</th><th scope=\"col\">Last activity</th></tr></thead>\n<tbody>\n",
        );
        for t in &tickets {
            let _ = writeln!(
                main,
                "<tr><td><a href=\"/mine/{f}\">{f}</a></td><td>{s}</td><td>{st}</td><td>{u}</td></tr>",
                f = escape(&t.folio),
                s = escape(&t.subject),
                st = escape(&t.status.as_str().replace('-', " ")),
                u = escape(&utc_stamp(t.updated)),
            );
        }
        main.push_str("</tbody>\n</table>\n");
    }
    let signout = csrf::fresh(&form.key, &format!("signout:{}", who.session));
    let _ = writeln!(
        main,
        "<p><a class=\"button\" href=\"/new\">Ask for help again</a></p>\n\
         <form method=\"post\" action=\"/signout\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
         <button type=\"submit\">Sign out</button></form>",
        escape(&signout)
    );
    page(200, &form.desk_name, "Your tickets", &main).with_header("Cache-Control", "no-store")
}
