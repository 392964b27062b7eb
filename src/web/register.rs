//! The web registration form (`/new`, `/new/<category>`): a requester who
//! will never install git registers a ticket from the browser. It works
//! without JavaScript; a form with mistakes comes back with every value
//! kept and a message beside each field. It takes attachments
//! (`multipart/form-data`, within the `web: limits`); a post without files
//! may still come form-urlencoded. Posts need the form's
//! anti-forgery token, a same-site `Origin` (when the browser sends one),
//! an empty honeypot field, and stay within the per-address rate limit;
//! the ticket is then registered through the application layer (one
//! commit by the requester, `Via: web`).

use super::csrf;
use super::form_post::Posted;
use super::html::{escape, failure, page};
use super::http::{Request, Response};
use super::rate::RateLimiter;
use crate::app::web_form::RegistrationForm;
use crate::app::{refusal_of, NewTicket, Registrant, Scope};
use crate::domain::model::{Category, Priority};
use crate::domain::trailers::Via;
use crate::site::forms;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::time::Instant;

/// Anti-forgery tokens of this form are for this form only.
const PURPOSE: &str = "register";
/// The field people leave empty and form-filling robots do not.
const HONEYPOT: &str = "website";

/// What the form handlers share: where the tracker is, and the counts of
/// the rate limit.
pub struct Forms {
    pub scope: Scope,
    pub registrations: RateLimiter,
    pub replies: RateLimiter,
    pub sign_ins: RateLimiter,
    pub sessions: super::signin::Sessions,
    /// Which ticket each follow-up link opens.
    pub links: crate::app::links::LinkIndex,
    /// Whether `web:` was set when the server started.
    pub enabled: bool,
    /// Whether `web: base_url` names another machine than this one (the
    /// server is reached through a reverse proxy): then, as when it
    /// listens beyond loopback, the internal pages are for signed-in staff.
    pub published: bool,
}

impl Forms {
    pub fn new(scope: Scope) -> Forms {
        // Makes the clone's web key now, before concurrent first requests
        // could each make one (and sign forms the other cannot check).
        let form = crate::app::web_form::registration_form(&scope)
            .ok()
            .flatten();
        let enabled = form.is_some();
        let published = form.is_some_and(|f| !is_loopback_url(&f.web.base_url));
        Forms {
            // The server's own identity (`--as`, else git's user.email),
            // if any, records what an auto-sync does; the requester is
            // decided per registration.
            scope: Scope {
                via: Some(Via::Web),
                ..scope
            },
            registrations: RateLimiter::default(),
            replies: RateLimiter::default(),
            sign_ins: RateLimiter::default(),
            sessions: super::signin::Sessions::default(),
            links: crate::app::links::LinkIndex::default(),
            enabled,
            published,
        }
    }

    /// The "not found" page of the web front end: the same for a page
    /// that does not exist, a link that opens nothing and someone else's
    /// ticket, so none of them tells which folios or links exist.
    pub fn not_found(&self) -> Response {
        super::html::notice(
            404,
            &self.desk_name(),
            "Not found",
            "There is no such page here, or the link is no longer valid (the helpdesk may have sent a new one).",
        )
    }

    /// A page for someone signed in whom the access rules refuse.
    pub fn forbidden(&self, why: &str) -> Response {
        super::html::notice(403, &self.desk_name(), "Not allowed", why)
    }

    fn desk_name(&self) -> String {
        crate::app::web_form::registration_form(&self.scope)
            .ok()
            .flatten()
            .map_or_else(|| "Helpdesk".to_string(), |f| f.desk_name)
    }
}

/// Whether a base URL's host is this machine (`localhost`, `127.x`, `[::1]`).
fn is_loopback_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split('/').next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The answer for `/new` and `/new/<category>`, or `None` for any other
/// path (or when the tracker has no `web:` settings: then no form exists).
pub fn answer(request: &Request, forms: &Forms) -> Option<Response> {
    let path = request.path();
    let category = match path {
        "/new" | "/new/" => None,
        _ => Some(path.strip_prefix("/new/")?.trim_end_matches('/')),
    };
    let form = match crate::app::web_form::registration_form(&forms.scope) {
        Ok(Some(form)) => form,
        Ok(None) => return None,
        Err(e) => return Some(failure(&format!("{e:#}"))),
    };
    Some(match (request.method.as_str(), category) {
        ("GET" | "HEAD", None) => choose_category(&form),
        ("GET" | "HEAD", Some(key)) => match find(&form, key) {
            Some(cat) => show(&form, cat, (&Posted::default(), &HashMap::new()), &[], 200),
            None => not_found(&form),
        },
        ("POST", category) => {
            let posted = match Posted::read(request, form.uploads) {
                Ok(posted) => posted,
                Err(why) => return Some(Response::text(400, why)),
            };
            // The external form without a category in its address names one.
            let key = category.unwrap_or(posted.get("category")).to_string();
            match find(&form, &key) {
                Some(cat) => post(request, forms, &form, cat, posted),
                None => not_found(&form),
            }
        }
        _ => Response::text(405, "Use GET to see the form and POST to send it.\n")
            .with_header("Allow", "GET, HEAD, POST"),
    })
}

/// `/faq/suggest?q=…`: the FAQ entries that might answer a subject being
/// typed, as JSON for the form's script (`[{"title", "url"}]`).
pub fn suggest(request: &Request, forms: &Forms) -> Option<Response> {
    if request.path() != "/faq/suggest" || !forms.enabled {
        return None;
    }
    let q = request.query_value("q").unwrap_or_default();
    let hits = match suggestions(&forms.scope, &q) {
        Ok(hits) => hits,
        Err(e) => return Some(failure(&format!("{e:#}"))),
    };
    let json: Vec<serde_json::Value> = hits
        .into_iter()
        .map(|(slug, title)| serde_json::json!({ "title": title, "url": format!("/faq/{slug}.html") }))
        .collect();
    Some(Response::new(
        200,
        "application/json",
        super::http::Body::Bytes(serde_json::Value::from(json).to_string().into_bytes()),
    ))
}

/// FAQ suggestions for a subject; none for a few letters, and at most 200
/// characters of it are looked at.
fn suggestions(scope: &Scope, subject: &str) -> anyhow::Result<Vec<(String, String)>> {
    let subject: String = subject.chars().take(200).collect();
    if subject.trim().chars().count() < 3 {
        return Ok(vec![]);
    }
    crate::app::web_form::faq_suggestions(scope, &subject)
}

fn find<'f>(form: &'f RegistrationForm, key: &str) -> Option<&'f Category> {
    form.categories.iter().find(|c| c.key == key)
}

/// `/new`: which kind of help; each a link to its own form.
fn choose_category(form: &RegistrationForm) -> Response {
    let mut main = String::from(
        "<h1>Ask for help</h1>\n<p>What is it about?</p>\n<ul class=\"category-choice\">\n",
    );
    for c in &form.categories {
        let _ = writeln!(
            main,
            "<li><a href=\"/new/{key}\">{name}</a>{desc}</li>",
            key = escape(&c.key),
            name = escape(&c.name),
            desc = c
                .description
                .as_deref()
                .map(|d| format!(" — {}", escape(d)))
                .unwrap_or_default()
        );
    }
    main.push_str("</ul>");
    page(200, &form.desk_name, "Ask for help", &main)
}

/// Messages beside fields, by field name (`""`: about the whole form).
pub type Errors = HashMap<String, String>;

fn show(
    form: &RegistrationForm,
    category: &Category,
    (answers, errors): (&Posted, &Errors),
    suggested: &[(String, String)],
    status: u16,
) -> Response {
    let token = csrf::fresh(&form.key, PURPOSE);
    let mut main = format!("<h1>Ask for help: {}</h1>\n", escape(&category.name));
    if let Some(message) = errors.get("") {
        let _ = writeln!(
            main,
            "<p class=\"form-error\" role=\"alert\">{}</p>",
            escape(message)
        );
    } else if !errors.is_empty() {
        main.push_str(
            "<p class=\"form-error\" role=\"alert\">Please correct the fields marked below.</p>\n",
        );
    }
    let files = forms::attachments_input(form.uploads, &files_described(errors));
    let _ = writeln!(
        main,
        "<form method=\"post\" action=\"/new/{}\" class=\"register-form\"{} novalidate>\n\
         <input type=\"hidden\" name=\"token\" value=\"{}\">",
        escape(&category.key),
        if files.is_some() {
            " enctype=\"multipart/form-data\""
        } else {
            ""
        },
        escape(&token)
    );
    let limits = &form.web.limits;
    let mut field = |name: &str, label: &str, input: String, required: bool| {
        let error = errors.get(name);
        let _ = writeln!(
            main,
            "<p class=\"field{invalid}\"><label for=\"f-{name}\">{label}{mark}</label>\n{input}{error}</p>",
            invalid = if error.is_some() { " invalid" } else { "" },
            name = escape(name),
            label = escape(label),
            mark = if required { " <span class=\"required\">(required)</span>" } else { "" },
            error = error
                .map(|e| format!("\n<span class=\"field-error\" id=\"e-{}\">{}</span>", escape(name), escape(e)))
                .unwrap_or_default(),
        );
    };
    let described = |name: &str| {
        if errors.contains_key(name) {
            format!(
                " aria-invalid=\"true\" aria-describedby=\"e-{}\"",
                escape(name)
            )
        } else {
            String::new()
        }
    };
    let text_input = |name: &str, kind: &str, max: usize, required: bool| {
        forms::text_input(
            name,
            kind,
            max,
            answers.get(name),
            required,
            &described(name),
        )
    };
    field(
        "name",
        "Your name",
        text_input("name", "text", 100, true),
        true,
    );
    field(
        "email",
        "Your email address",
        text_input("email", "email", 254, true),
        true,
    );
    // FAQ entries that might answer it: filled in by the page's script
    // while the subject is typed, and by the server when the form comes
    // back (so it works without the script too).
    let subject_input = text_input("subject", "text", limits.subject_chars, true);
    field(
        "subject",
        "Subject",
        subject_input + &suggestion_box(suggested),
        true,
    );
    if form.web.requester_priority {
        let chosen = answers.get("priority");
        let options: String = Priority::ALL
            .iter()
            .map(|p| {
                let value = p.as_str();
                let selected = if chosen == value || (chosen.is_empty() && *p == Priority::Medium) {
                    " selected"
                } else {
                    ""
                };
                format!("<option value=\"{value}\"{selected}>{value}</option>")
            })
            .collect();
        field(
            "priority",
            "Priority",
            format!(
                "<select id=\"f-priority\" name=\"priority\"{}>{options}</select>",
                described("priority")
            ),
            false,
        );
    }
    for spec in &category.fields {
        let name = forms::field_name(spec);
        let input = forms::field_input(spec, answers.get(&name), &described(&name));
        field(&name, &forms::field_label(spec), input, spec.required);
    }
    field(
        "related",
        "Related case or applicant (optional)",
        text_input("related", "text", 200, false),
        false,
    );
    field(
        "description",
        "What happened, what you tried, what you expected",
        format!(
            "<textarea id=\"f-description\" name=\"description\" rows=\"10\" maxlength=\"{max}\" required{d}>{v}</textarea>",
            max = limits.description_chars,
            v = escape(answers.get("description")),
            d = described("description"),
        ),
        true,
    );
    if let Some(input) = files {
        field(forms::ATTACHMENTS, "Attachments (optional)", input, false);
    }
    let _ = writeln!(
        main,
        "<p class=\"honeypot\" aria-hidden=\"true\"><label for=\"f-{HONEYPOT}\">Leave this empty</label>\
         <input id=\"f-{HONEYPOT}\" name=\"{HONEYPOT}\" type=\"text\" tabindex=\"-1\" autocomplete=\"off\"></p>\n\
         <p><button type=\"submit\">Register the ticket</button></p>\n</form>\n\
         <script src=\"/assets/form.js\" defer></script>"
    );
    page(status, &form.desk_name, "Ask for help", &main)
}

fn post(
    request: &Request,
    forms: &Forms,
    form: &RegistrationForm,
    category: &Category,
    mut answers: Posted,
) -> Response {
    // The form from this server carries a token; the external form, pasted
    // into another site, cannot, and is taken only from the origins listed.
    let genuine = if answers.get("token").is_empty() {
        csrf::from_allowed_origin(request, &form.web.allowed_origins)
    } else {
        csrf::genuine(
            request,
            &form.key,
            PURPOSE,
            answers.get("token"),
            &form.web.base_url,
        )
    };
    if !genuine {
        return page(
            403,
            &form.desk_name,
            "Form expired",
            &format!(
                "<h1>This form has expired</h1>\n<p>Nothing was registered. \
                 <a href=\"/new/{}\">Open the form again</a> and send it from there.</p>",
                escape(&category.key)
            ),
        );
    }
    if !answers.get(HONEYPOT).is_empty() {
        let errors = Errors::from([(String::new(), "Leave the last field empty.".into())]);
        return again(forms, form, category, (&answers, &errors), 400);
    }
    let mut errors = check(form, category, &answers);
    if let Some(problem) = &answers.file_problem {
        errors.insert(forms::ATTACHMENTS.into(), problem.clone());
    }
    if !errors.is_empty() {
        return again(forms, form, category, (&answers, &errors), 400);
    }
    let Some(peer) = request.client() else {
        return failure("the client's address is unknown");
    };
    if !forms.registrations.allow(
        peer,
        form.web.rate_limits.registrations_per_hour,
        Instant::now(),
    ) {
        return page(
            429,
            &form.desk_name,
            "Too many requests",
            "<h1>Too many tickets from here</h1>\n<p>Nothing was registered. Please try again in an hour, or contact the helpdesk team.</p>",
        )
        .with_header("Retry-After", "3600");
    }
    let fields: BTreeMap<String, String> = category
        .fields
        .iter()
        .filter_map(|spec| {
            let value = answers.get(&forms::field_name(spec)).trim();
            (!value.is_empty()).then(|| (spec.name.clone(), value.to_string()))
        })
        .collect();
    let priority = match form.web.requester_priority {
        true => answers.get("priority").parse().unwrap_or(Priority::Medium),
        false => Priority::Medium,
    };
    let ticket = NewTicket {
        subject: answers.get("subject").to_string(),
        category: category.key.clone(),
        priority,
        description: answers.get("description").replace("\r\n", "\n"),
        requester: None,
        assignee: None,
        related: Some(answers.get("related").to_string()).filter(|r| !r.trim().is_empty()),
        fields,
        tags: vec![],
        attachments: answers.take_uploads(),
        confidential: false,
        resolve: None,
        mail: None,
    };
    let registrant = Registrant {
        name: answers.get("name"),
        email: answers.get("email"),
    };
    match crate::app::register_from_outside(&forms.scope, registrant, ticket) {
        Ok(done) => registered(form, &done.value.0.id, &done.value.1),
        Err(e) => match refusal_of(&e) {
            Some(refusal) => {
                let field = refusal.field.unwrap_or("");
                let errors = Errors::from([(field.to_string(), refusal.message.clone())]);
                let status = if refusal.field.is_some() { 400 } else { 403 };
                again(forms, form, category, (&answers, &errors), status)
            }
            None => failure(&format!("{e:#}")),
        },
    }
}

/// The form again, with the person's values, the messages, and the FAQ
/// entries that might answer the subject they gave. Files cannot be put
/// back into a file input: if some were sent, the person is asked to
/// attach them again.
fn again(
    forms: &Forms,
    form: &RegistrationForm,
    category: &Category,
    (answers, errors): (&Posted, &Errors),
    status: u16,
) -> Response {
    let suggested = suggestions(&forms.scope, answers.get("subject")).unwrap_or_default();
    let mut errors = errors.clone();
    if answers.files_sent() > 0 {
        errors
            .entry(forms::ATTACHMENTS.into())
            .or_insert_with(|| ATTACH_AGAIN.into());
    }
    show(form, category, (answers, &errors), &suggested, status)
}

/// Beside the attachments of a form that came back.
pub const ATTACH_AGAIN: &str =
    "Nothing was sent yet: please attach your files again when you send the form.";

/// The attachments input's description: its hint, and its message if any.
pub fn files_described(errors: &Errors) -> String {
    let hint = format!("h-{}", forms::ATTACHMENTS);
    match errors.contains_key(forms::ATTACHMENTS) {
        true => format!(
            " aria-invalid=\"true\" aria-describedby=\"e-{} {hint}\"",
            forms::ATTACHMENTS
        ),
        false => format!(" aria-describedby=\"{hint}\""),
    }
}

/// The box the FAQ suggestions go in (`aria-live`: read out as it fills).
fn suggestion_box(suggested: &[(String, String)]) -> String {
    let mut html = String::from(
        "\n<div id=\"faq-suggestions\" class=\"faq-suggestions\" aria-live=\"polite\">",
    );
    if !suggested.is_empty() {
        html.push_str("<p>These might answer your question:</p><ul>");
        for (slug, title) in suggested {
            let _ = write!(
                html,
                "<li><a href=\"/faq/{}.html\">{}</a></li>",
                escape(slug),
                escape(title)
            );
        }
        html.push_str("</ul>");
    }
    html.push_str("</div>");
    html
}

/// The mistakes a person can correct, by field, before anything is sent
/// to the application layer (which checks everything again).
fn check(form: &RegistrationForm, category: &Category, answers: &Posted) -> Errors {
    let mut errors = Errors::new();
    let limits = &form.web.limits;
    for (name, what, max) in [
        ("name", "your name", 100),
        ("email", "your email address", 254),
        ("subject", "a short subject", limits.subject_chars),
        ("description", "what happened", limits.description_chars),
    ] {
        let value = answers.get(name).trim();
        if value.is_empty() {
            errors.insert(name.into(), format!("Please give {what}."));
        } else if value.chars().count() > max {
            errors.insert(name.into(), format!("At most {max} characters, please."));
        }
    }
    for spec in &category.fields {
        let name = forms::field_name(spec);
        let value = answers.get(&name).trim();
        if value.is_empty() {
            if spec.required {
                errors.insert(name, "This is required.".into());
            }
        } else if let Err(why) = spec.check(value) {
            errors.insert(name, why);
        }
    }
    errors
}

/// The page after a registration: the folio and the private follow-up link.
fn registered(form: &RegistrationForm, folio: &str, token: &str) -> Response {
    let link = format!("{}/t/{token}", form.web.base_url.trim_end_matches('/'));
    let main = format!(
        "<h1>Ticket {folio} registered</h1>\n<p>Your ticket number is <strong>{folio}</strong>. \
         The helpdesk team has it now.</p>\n<p>Keep this private link to follow your ticket; \
         it is shown only once and works without an account:<br>\n<a class=\"follow-up-link\" \
         href=\"{link}\">{link}</a></p>",
        folio = escape(folio),
        link = escape(&link),
    );
    page(
        200,
        &form.desk_name,
        &format!("Ticket {folio} registered"),
        &main,
    )
}

fn not_found(form: &RegistrationForm) -> Response {
    page(
        404,
        &form.desk_name,
        "No such form",
        "<h1>No such form</h1>\n<p><a href=\"/new\">Choose what your request is about</a>.</p>",
    )
}

#[cfg(test)]
mod tests {
    use super::is_loopback_url;

    #[test]
    fn loopback_base_urls_are_told_from_published_ones() {
        for local in [
            "http://localhost:8080",
            "http://127.0.0.1",
            "https://[::1]:8443/",
            "http://LOCALHOST/",
        ] {
            assert!(is_loopback_url(local), "{local}");
        }
        for published in [
            "https://help.example.org",
            "http://10.0.0.7:8080",
            "https://localhost.example.org",
        ] {
            assert!(!is_loopback_url(published), "{published}");
        }
    }
}
