//! The operator's page for one ticket (`/act/TKT042`): reply (with a
//! canned answer, with files), write an internal note, change the status or priority,
//! delegate, take over, add and complete actions, resolve (with a canned
//! answer) and escalate — each one form, one commit authored by the
//! signed-in person, `Via: web`. Whether they may is the application
//! layer's decision, the same as on the CLI; this page only turns form
//! fields into typed requests and shows what came back. Every form carries
//! a token bound to the session and the ticket.

use super::csrf;
use super::form_post::Posted;
use super::html::{escape, failure, page};
use super::http::{Request, Response};
use super::register::{Forms, ATTACH_AGAIN};
use super::signin::SignedIn;
use crate::app::uploads::UploadLimits;
use crate::app::workbench::Workbench;
use crate::app::{refusal_of, Post, Reader, Scope, TicketChange};
use crate::domain::model::{EntryKind, Priority, Status};
use crate::domain::text::utc_stamp;
use crate::site::forms::{attachments_input, ATTACHMENTS};
use std::collections::HashMap;
use std::fmt::Write;

/// What a posted form asks for, as the application layer takes it.
enum Ask {
    Post(EntryKind, String),
    Change(TicketChange),
    /// Show the page again with a canned answer filled in, to edit first.
    Fill {
        field: &'static str,
        text: String,
    },
}

/// The answer for `/act/<folio>`, or `None` for other paths (and when
/// `web:` is not set).
pub fn answer(request: &Request, forms: &Forms) -> Option<Response> {
    let folio = request.path().strip_prefix("/act/")?.trim_end_matches('/');
    if !forms.enabled {
        return None;
    }
    let Some(who) = forms.sessions.signed_in(request) else {
        return Some(super::signin::first(request.path()));
    };
    let scope = Scope {
        actor: Some(who.person.clone()),
        ..forms.scope.clone()
    };
    let bench = match crate::app::workbench::workbench(&scope, folio) {
        Ok(bench) => bench,
        Err(e) => return Some(refused(forms, &e)),
    };
    let form = match crate::app::web_form::registration_form(&forms.scope) {
        Ok(Some(form)) => form,
        Ok(None) => return None,
        Err(e) => return Some(failure(&format!("{e:#}"))),
    };
    let signer = Signer {
        key: form.key,
        purpose: format!("act:{}:{}", who.session, bench.folio),
        uploads: form.uploads,
    };
    let empty = HashMap::new();
    Some(match request.method.as_str() {
        "GET" | "HEAD" => {
            let done = request.query_value("done");
            show(&bench, &signer, &empty, Notice::done(done.as_deref()), 200)
        }
        "POST" => {
            let mut posted = match Posted::read(request, form.uploads) {
                Ok(posted) => posted,
                Err(why) => return Some(Response::text(400, why)),
            };
            let answers = posted.values().clone();
            let token = posted.get("token");
            if !csrf::genuine(
                request,
                &signer.key,
                &signer.purpose,
                token,
                &form.web.base_url,
            ) {
                let why = "This page had expired; nothing was changed. Please try again.";
                return Some(show(
                    &bench,
                    &signer,
                    &answers,
                    Notice::Error(why.into()),
                    403,
                ));
            }
            act(&scope, &who, &bench, &signer, &mut posted)
        }
        _ => Response::text(405, "Use GET to see the ticket and POST to act on it.\n")
            .with_header("Allow", "GET, HEAD, POST"),
    })
}

/// Signs this page's forms, and what files they take.
struct Signer {
    key: [u8; 32],
    purpose: String,
    uploads: UploadLimits,
}

enum Notice {
    None,
    Done(&'static str),
    Error(String),
}

impl Notice {
    /// The confirmation after a redirect, from a fixed list: the query
    /// string never reaches the page as text.
    fn done(what: Option<&str>) -> Notice {
        let said = match what {
            Some("reply") => "The reply was sent.",
            Some("note") => "The internal note was added.",
            Some("status") => "The status was changed.",
            Some("priority") => "The priority was changed.",
            Some("assign") => "The ticket was delegated.",
            Some("take") => "You took the ticket over.",
            Some("action-add") => "The action was added.",
            Some("action-done") => "The action was marked done.",
            Some("resolve") => "The ticket was resolved; the requester is told.",
            Some("escalate") => "The ticket was escalated.",
            _ => return Notice::None,
        };
        Notice::Done(said)
    }
}

/// Carries out one posted form, then back to the page (GET) which shows
/// the new state; a refusal comes back beside the forms, values kept.
fn act(
    scope: &Scope,
    who: &SignedIn,
    bench: &Workbench,
    signer: &Signer,
    posted: &mut Posted,
) -> Response {
    let answers = &posted.values().clone();
    let what = answers.get("do").map(String::as_str).unwrap_or("");
    // Files go with a reply or a note, within the limits; a page that
    // comes back cannot keep them.
    let files_refused = posted.file_problem.clone().or_else(|| {
        (posted.files_sent() > 0 && !matches!(what, "reply" | "note"))
            .then(|| "Files are sent with a reply or a note.".to_string())
    });
    let asked = match files_refused {
        Some(problem) => Err(format!("{problem} Nothing was sent.")),
        None => ask(scope, bench, what, answers),
    };
    let asked = match asked {
        Ok(asked) => asked,
        Err(message) => {
            let message = again(message, posted);
            return show(bench, signer, answers, Notice::Error(message), 400);
        }
    };
    let done = match asked {
        Ask::Fill { field, text } => {
            let mut kept = answers.clone();
            kept.insert(field.to_string(), text);
            return show(bench, signer, &kept, Notice::None, 200);
        }
        Ask::Post(kind, body) => crate::app::post(
            scope,
            Post {
                ticket: bench.folio.clone(),
                kind,
                body,
                attachments: posted.take_uploads(),
                status: None,
                reopen: false,
                time_spent: None,
                mail: None,
            },
        ),
        Ask::Change(change) => crate::app::change(scope, &bench.folio, change),
    };
    match done {
        Ok(_) => Response::text(303, "Done.\n")
            .with_header("Location", format!("/act/{}?done={what}", bench.folio)),
        Err(e) => match refusal_of(&e) {
            Some(refusal) => show(
                bench,
                signer,
                answers,
                Notice::Error(again(refusal.message.clone(), posted)),
                400,
            ),
            None => {
                eprintln!("error: {} acting on {}: {e:#}", who.person, bench.folio);
                failure(&format!("{e:#}"))
            }
        },
    }
}

/// `message`, asking for the files again when some were sent.
fn again(message: String, posted: &Posted) -> String {
    if posted.files_sent() > 0 {
        format!("{message} {ATTACH_AGAIN}")
    } else {
        message
    }
}

/// The typed request a form's fields make, or what is wrong with them.
fn ask(
    scope: &Scope,
    bench: &Workbench,
    what: &str,
    answers: &HashMap<String, String>,
) -> Result<Ask, String> {
    let get = |name: &str| {
        answers
            .get(name)
            .map(|v| v.replace("\r\n", "\n"))
            .unwrap_or_default()
    };
    let canned = |field: &'static str| -> Result<Option<String>, String> {
        let name = get(&format!("{field}_canned"));
        if name.is_empty() {
            return Ok(None);
        }
        let filled = Reader::open(scope)
            .and_then(|reader| crate::app::canned::prefill(&reader, &bench.folio, &name));
        filled.map(Some).map_err(|e| match refusal_of(&e) {
            Some(refusal) => refusal.message.clone(),
            None => format!("{e:#}"),
        })
    };
    // Typed text wins; a chosen canned answer fills an empty box.
    let text_or_canned = |field: &'static str| -> Result<String, String> {
        let typed = get(field);
        if !typed.trim().is_empty() {
            return Ok(typed);
        }
        Ok(canned(field)?.unwrap_or_default())
    };
    Ok(match what {
        "reply" => Ask::Post(EntryKind::Reply, text_or_canned("body")?),
        "note" => Ask::Post(EntryKind::Note, get("body")),
        "fill-body" | "fill-solution" => {
            let field = if what == "fill-body" {
                "body"
            } else {
                "solution"
            };
            let text = canned(field)?.ok_or("Choose a canned answer to fill in.")?;
            Ask::Fill { field, text }
        }
        "status" => Ask::Change(TicketChange::Status(parse::<Status>(&get("status"))?)),
        "priority" => Ask::Change(TicketChange::Priority(parse::<Priority>(&get("priority"))?)),
        "assign" => Ask::Change(TicketChange::Assign(get("person"))),
        "take" => Ask::Change(TicketChange::Take),
        "action-add" => Ask::Change(TicketChange::AddAction {
            text: get("action"),
            done: false,
        }),
        "action-done" => Ask::Change(TicketChange::CompleteAction {
            number: get("number")
                .parse()
                .map_err(|_| "Choose an action to mark done.".to_string())?,
            time_spent: None,
        }),
        "resolve" => Ask::Change(TicketChange::Resolve {
            solution: text_or_canned("solution")?,
        }),
        "escalate" => Ask::Change(TicketChange::Escalate {
            reason: get("reason"),
        }),
        _ => return Err("Choose what to do with one of the buttons.".into()),
    })
}

fn parse<T: std::str::FromStr<Err = String>>(value: &str) -> Result<T, String> {
    value.parse()
}

/// A refusal to show the workbench at all: not found stays not found
/// (a requester cannot learn which folios exist), anything else 403.
fn refused(forms: &Forms, e: &anyhow::Error) -> Response {
    use crate::domain::refusal::RefusalKind;
    match refusal_of(e) {
        Some(r) if r.kind == RefusalKind::NotFound => forms.not_found(),
        Some(r) => forms.forbidden(&r.message),
        None => failure(&format!("{e:#}")),
    }
}

fn show(
    bench: &Workbench,
    signer: &Signer,
    kept: &HashMap<String, String>,
    notice: Notice,
    status: u16,
) -> Response {
    let mut main = String::new();
    let _ = writeln!(
        main,
        "<p class=\"crumbs\"><a href=\"/tickets/index.html\">Tickets</a> › \
         <a href=\"/tickets/{f}/index.html\">{f}</a></p>\n<h1>{f} · {s}</h1>",
        f = escape(&bench.folio),
        s = escape(&bench.subject)
    );
    match notice {
        Notice::None => {}
        Notice::Done(said) => {
            let _ = writeln!(
                main,
                "<p class=\"form-done\" role=\"status\">{}</p>",
                escape(said)
            );
        }
        Notice::Error(why) => {
            let _ = writeln!(
                main,
                "<p class=\"form-error\" role=\"alert\">{}</p>",
                escape(&why)
            );
        }
    }
    facts(&mut main, bench);
    timeline(&mut main, bench);
    let token = csrf::fresh(&signer.key, &signer.purpose);
    let forms = Html {
        folio: &bench.folio,
        token: &token,
        kept,
        uploads: signer.uploads,
    };
    forms.write(&mut main, bench);
    page(
        status,
        &bench.desk_name,
        &format!("{} · {}", bench.folio, bench.subject),
        &main,
    )
    .with_header("Cache-Control", "no-store")
}

fn facts(main: &mut String, bench: &Workbench) {
    let assignee = bench.assignee.as_deref().map_or_else(
        || "nobody".to_string(),
        |key| {
            bench
                .staff
                .iter()
                .find(|(k, _)| k == key)
                .map_or(key.to_string(), |(_, n)| n.clone())
        },
    );
    let _ = writeln!(
        main,
        "<dl class=\"facts\">\n\
         <div><dt>Status</dt><dd>{}</dd></div>\n\
         <div><dt>Priority</dt><dd>{}</dd></div>\n\
         <div><dt>Category</dt><dd>{}</dd></div>\n\
         <div><dt>Requester</dt><dd>{}</dd></div>\n\
         <div><dt>Assignee</dt><dd>{}</dd></div>\n{}</dl>\n\
         <h2>Request</h2>\n<pre class=\"plain-text\">{}</pre>",
        escape(&label(bench.status)),
        escape(bench.priority.as_str()),
        escape(&bench.category),
        escape(&bench.requester),
        escape(&assignee),
        if bench.escalated {
            "<div><dt>Escalated</dt><dd>yes</dd></div>\n"
        } else {
            ""
        },
        escape(&bench.description),
    );
}

fn timeline(main: &mut String, bench: &Workbench) {
    if bench.timeline.is_empty() {
        return;
    }
    main.push_str("<h2>Timeline</h2>\n");
    for (who, when, kind, body) in &bench.timeline {
        let _ = writeln!(
            main,
            "<article class=\"entry {k}\"><p class=\"muted\">{k} · {w} · {d}</p>\
             <pre class=\"plain-text\">{b}</pre></article>",
            k = escape(kind.as_str()),
            w = escape(who),
            d = escape(&utc_stamp(*when)),
            b = escape(body),
        );
    }
}

fn label(status: Status) -> String {
    status.as_str().replace('-', " ")
}

/// Writes the forms, each posting back to this page with the page's
/// token; `kept` holds what was typed before a refusal.
struct Html<'a> {
    folio: &'a str,
    token: &'a str,
    kept: &'a HashMap<String, String>,
    uploads: UploadLimits,
}

impl Html<'_> {
    fn write(&self, main: &mut String, bench: &Workbench) {
        self.write_post(main, bench);
        self.write_actions(main, bench);
        self.write_changes(main, bench);
        self.write_resolve(main, bench);
    }

    /// A section under a heading; its forms come from `inner`.
    fn section(main: &mut String, heading: &str, id: &str, inner: impl FnOnce(&mut String)) {
        let _ = writeln!(
            main,
            "<section class=\"act\" aria-labelledby=\"{id}\"><h2 id=\"{id}\">{heading}</h2>"
        );
        inner(main);
        main.push_str("</section>\n");
    }

    /// One form posting back to this page with the page's token. Each
    /// change is its own form, so Enter in a field sends that field's
    /// change and nothing else.
    fn form(&self, main: &mut String, body: &str) {
        self.form_as(main, body, "");
    }

    /// A form whose body is sent as `enctype` says (for files).
    fn form_as(&self, main: &mut String, body: &str, enctype: &str) {
        let _ = writeln!(
            main,
            "<form method=\"post\" action=\"/act/{f}\" class=\"act-form\"{enctype}>\n\
             <input type=\"hidden\" name=\"token\" value=\"{t}\">\n{body}</form>",
            f = escape(self.folio),
            t = escape(self.token),
        );
    }

    fn kept(&self, name: &str) -> String {
        escape(self.kept.get(name).map(String::as_str).unwrap_or(""))
    }

    fn canned_choice(&self, bench: &Workbench, field: &str) -> String {
        if bench.canned.is_empty() {
            return String::new();
        }
        let name = format!("{field}_canned");
        let chosen = self.kept.get(&name).map(String::as_str).unwrap_or("");
        let options = options(&bench.canned, chosen);
        format!(
            "<p class=\"field\"><label for=\"f-{name}\">Canned answer</label>\n\
             <select id=\"f-{name}\" name=\"{name}\"><option value=\"\">— none —</option>\n{options}</select>\n\
             <button type=\"submit\" name=\"do\" value=\"fill-{field}\">Fill it in to edit</button></p>\n"
        )
    }

    fn write_post(&self, main: &mut String, bench: &Workbench) {
        let files = attachments_input(self.uploads, " aria-describedby=\"h-attachments\"").map(
            |input| {
                format!(
                    "<p class=\"field\"><label for=\"f-{ATTACHMENTS}\">Attachments (optional)</label>\n{input}</p>\n"
                )
            },
        );
        let body = format!(
            "<p class=\"field\"><label for=\"f-body\">Text</label>\n\
             <textarea id=\"f-body\" name=\"body\" rows=\"8\">{}</textarea>\n\
             <span class=\"hint\">A reply goes to the requester; a note is for the team only. \
             With a canned answer chosen and the box empty, the reply is the canned answer.</span></p>\n\
             {}{}<p><button type=\"submit\" name=\"do\" value=\"reply\">Send the reply</button>\n\
             <button type=\"submit\" name=\"do\" value=\"note\">Add an internal note</button></p>\n",
            self.kept("body"),
            files.as_deref().unwrap_or(""),
            self.canned_choice(bench, "body"),
        );
        let enctype = if files.is_some() {
            " enctype=\"multipart/form-data\""
        } else {
            ""
        };
        Self::section(main, "Reply or note", "h-post", |main| {
            self.form_as(main, &body, enctype)
        });
    }

    fn write_actions(&self, main: &mut String, bench: &Workbench) {
        Self::section(main, "Actions", "h-actions", |main| {
            if !bench.actions.is_empty() {
                main.push_str("<ol class=\"actions\">\n");
                for (i, a) in bench.actions.iter().enumerate() {
                    let _ = write!(main, "<li>{}", escape(&a.text));
                    if a.done {
                        main.push_str(" <span class=\"muted\">(done)</span>");
                    } else {
                        self.form(
                            main,
                            &format!(
                                "<input type=\"hidden\" name=\"number\" value=\"{}\">\n\
                                 <button type=\"submit\" name=\"do\" value=\"action-done\" \
                                 aria-label=\"Mark action {} done\">Mark done</button>\n",
                                i + 1,
                                i + 1
                            ),
                        );
                    }
                    main.push_str("</li>\n");
                }
                main.push_str("</ol>\n");
            }
            self.field_form(
                main,
                "New action",
                "action",
                &Input::Type,
                &[("action-add", "Add the action")],
            );
        });
    }

    fn write_changes(&self, main: &mut String, bench: &Workbench) {
        let statuses: Vec<_> = bench
            .statuses
            .iter()
            .map(|s| (s.as_str().to_string(), label(*s)))
            .collect();
        let priorities: Vec<_> = Priority::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), p.as_str().to_string()))
            .collect();
        let assignee = bench.assignee.as_deref().unwrap_or(&bench.me);
        Self::section(main, "Status, priority, assignee", "h-changes", |main| {
            let status = options(&statuses, bench.status.as_str());
            self.field_form(
                main,
                "Status",
                "status",
                &Input::Choose(&status),
                &[("status", "Change the status")],
            );
            let priority = options(&priorities, bench.priority.as_str());
            self.field_form(
                main,
                "Priority",
                "priority",
                &Input::Choose(&priority),
                &[("priority", "Change the priority")],
            );
            let people = options(&bench.staff, assignee);
            self.field_form(
                main,
                "Delegate to",
                "person",
                &Input::Choose(&people),
                &[("assign", "Delegate"), ("take", "Take it over myself")],
            );
            self.field_form(
                main,
                "Why it needs more attention",
                "reason",
                &Input::Type,
                &[("escalate", "Escalate")],
            );
        });
    }

    /// One field (`f-<name>`) and its buttons (`do` value, words), as a
    /// form of its own.
    fn field_form(
        &self,
        main: &mut String,
        label: &str,
        name: &str,
        input: &Input,
        buttons: &[(&str, &str)],
    ) {
        let control = match input {
            Input::Choose(options) => {
                format!("<select id=\"f-{name}\" name=\"{name}\">{options}</select>")
            }
            Input::Type => format!(
                "<input id=\"f-{name}\" name=\"{name}\" type=\"text\" value=\"{}\">",
                self.kept(name)
            ),
        };
        let buttons: String = buttons
            .iter()
            .map(|(what, words)| {
                format!("\n<button type=\"submit\" name=\"do\" value=\"{what}\">{words}</button>")
            })
            .collect();
        self.form(
            main,
            &format!(
                "<p class=\"field\"><label for=\"f-{name}\">{label}</label>\n{control}{buttons}</p>\n"
            ),
        );
    }

    fn write_resolve(&self, main: &mut String, bench: &Workbench) {
        let body = format!(
            "<p class=\"field\"><label for=\"f-solution\">Solution</label>\n\
             <textarea id=\"f-solution\" name=\"solution\" rows=\"6\">{}</textarea>\n\
             <span class=\"hint\">The requester is told, with the actions performed and this solution. \
             With a canned answer chosen and the box empty, the solution is the canned answer.</span></p>\n\
             {}<p><button type=\"submit\" name=\"do\" value=\"resolve\">Resolve the ticket</button></p>\n",
            self.kept("solution"),
            self.canned_choice(bench, "solution"),
        );
        Self::section(main, "Resolve", "h-resolve", |main| self.form(main, &body));
    }
}

/// A form field: a choice among options (already written), or text typed
/// in (kept after a refusal).
enum Input<'o> {
    Choose(&'o str),
    Type,
}

/// `<option>`s for `values` (value, words), `current` selected.
fn options(values: &[(String, String)], current: &str) -> String {
    values
        .iter()
        .map(|(value, words)| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                escape(value),
                selected(value == current),
                escape(words)
            )
        })
        .collect()
}

fn selected(yes: bool) -> &'static str {
    if yes {
        " selected"
    } else {
        ""
    }
}
