//! Canned answers filled in for a ticket: the answer's body is a Tera
//! template over a fixed set of variables. Pure: the caller gathers the
//! ticket and the people.

use crate::domain::model::{Canned, Config, Ticket};
use chrono::NaiveDate;
use serde_json::json;

/// The variables a canned answer may use, for error messages and docs.
pub const VARIABLES: &str = "ticket.folio, ticket.subject, ticket.category, ticket.priority, \
ticket.status, ticket.related, ticket.solution, ticket.fields.NAME, requester.name, requester.email, \
operator.name, today";

/// Why an answer could not be filled in; `line` is within the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillError {
    pub line: Option<usize>,
    pub message: String,
}

/// Refuses an answer restricted to other categories.
pub fn check_category(canned: &Canned, ticket: &Ticket) -> Result<(), String> {
    if canned.categories.is_empty() || canned.categories.contains(&ticket.category) {
        Ok(())
    } else {
        Err(format!(
            "it applies to {} only, and {} is in `{}`",
            canned.categories.join(", "),
            ticket.id,
            ticket.category
        ))
    }
}

/// Checks a body's template syntax before it is saved.
pub fn check_syntax(body: &str) -> Result<(), FillError> {
    crate::domain::safe_tera::engine()
        .add_raw_template("canned", body)
        .map_err(|e| describe(&e, body))
}

/// Fills in `body` for `ticket`, answered by the person `operator`.
/// Every variable must exist: a typo is an error, never an empty gap in a
/// message to a customer.
pub fn fill(
    body: &str,
    config: &Config,
    ticket: &Ticket,
    operator: &str,
    today: NaiveDate,
) -> Result<String, FillError> {
    render(body, context(config, ticket, operator, today))
}

/// The built-in resolution notice; `templates/resolution-notice.md` in the
/// tracker replaces it.
pub const RESOLUTION_NOTICE: &str = include_str!("../../site-templates/resolution-notice.md");

/// The message the requester gets when a ticket is resolved: what they
/// reported, the actions done, the solution. Besides the canned answers'
/// variables it has `ticket.description` and `actions_done` (a list).
pub fn resolution_notice(
    template: &str,
    config: &Config,
    ticket: &Ticket,
    operator: &str,
    today: NaiveDate,
) -> Result<String, FillError> {
    let mut context = context(config, ticket, operator, today);
    context["ticket"]["description"] = json!(ticket.description.trim());
    context["actions_done"] = json!(ticket
        .actions
        .iter()
        .filter(|a| a.done)
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>());
    render(template, context)
}

fn render(body: &str, context: serde_json::Value) -> Result<String, FillError> {
    let context = tera::Context::from_value(context).expect("the context is an object");
    let mut tera = crate::domain::safe_tera::engine();
    tera.add_raw_template("canned", body)
        .and_then(|()| tera.render("canned", &context))
        .map_err(|e| describe(&e, body))
}

fn context(
    config: &Config,
    ticket: &Ticket,
    operator: &str,
    today: NaiveDate,
) -> serde_json::Value {
    let person = |key: &str| {
        config.person(key).map_or_else(
            || json!({ "name": key, "email": "" }),
            |p| json!({ "name": p.name, "email": p.email }),
        )
    };
    json!({
        "ticket": {
            "folio": ticket.id,
            "subject": ticket.subject,
            "category": ticket.category,
            "priority": ticket.priority.as_str(),
            "status": ticket.status.as_str(),
            "related": ticket.related.clone().unwrap_or_default(),
            "solution": ticket.solution.clone().unwrap_or_default(),
            "fields": ticket.fields,
        },
        "requester": person(&ticket.requester),
        "operator": person(operator),
        "today": today.to_string(),
    })
}

/// Turns Tera's error chain into one message with a line number: parse
/// errors carry `--> line:column`; for an unknown variable, the first line
/// that mentions it.
fn describe(error: &tera::Error, body: &str) -> FillError {
    let mut text = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        text.push_str(&e.to_string());
        text.push('\n');
        source = e.source();
    }
    if let Some(var) = text
        .split('`')
        .nth(1)
        .filter(|_| text.contains("not found in context"))
    {
        let line = body.lines().position(|l| l.contains(var)).map(|i| i + 1);
        return FillError {
            line,
            message: format!("unknown variable `{var}`; the variables are {VARIABLES}"),
        };
    }
    let line = text
        .split("--> ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.trim().parse().ok());
    // A parse error ends with `= expected …`; other errors are plain text.
    let message = text
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("= "))
        .map(str::to_string)
        .unwrap_or_else(|| text.lines().last().unwrap_or("").trim().to_string());
    FillError {
        line,
        message: if message.is_empty() {
            "template syntax error".into()
        } else {
            message
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Person, Role};

    fn setup() -> (Config, Ticket) {
        let admin = Person {
            key: "ana".into(),
            name: "Ana Alves".into(),
            email: "ana@example.org".into(),
            role: Role::Admin,
        };
        let mut config = Config::starter("Desk", admin);
        config.people.push(Person {
            key: "rita".into(),
            name: "Rita Ruiz".into(),
            email: "rita@example.org".into(),
            role: Role::Requester,
        });
        let ticket: Ticket = serde_yaml::from_str(
            "id: TKT042\nuid: u\nsubject: Scanner jams\nstatus: open\npriority: high\ncategory: technical\n\
             requester: rita\ncreated: 2026-01-05T09:00:00Z\nupdated: 2026-01-05T09:00:00Z\nrelated: OL-2026-0042\n\
             fields:\n  device: scanner\n",
        )
        .unwrap();
        (config, ticket)
    }

    #[test]
    fn every_variable_fills_in() {
        let (config, ticket) = setup();
        let body = "Hello {{ requester.name }} <{{ requester.email }}>, about {{ ticket.folio }} ({{ ticket.subject }}, \
                    {{ ticket.category }}, {{ ticket.priority }}, {{ ticket.status }}, {{ ticket.related }}, \
                    {{ ticket.fields.device }}). {{ operator.name }}, {{ today }}";
        let today = NaiveDate::from_ymd_opt(2026, 1, 6).unwrap();
        assert_eq!(
            fill(body, &config, &ticket, "ana", today).unwrap(),
            "Hello Rita Ruiz <rita@example.org>, about TKT042 (Scanner jams, technical, high, open, OL-2026-0042, scanner). Ana Alves, 2026-01-06"
        );
    }

    #[test]
    fn unknown_variables_and_bad_syntax_name_the_line() {
        let (config, ticket) = setup();
        let today = NaiveDate::from_ymd_opt(2026, 1, 6).unwrap();
        let e = fill("Hi\n{{ requester.nmae }}\n", &config, &ticket, "ana", today).unwrap_err();
        assert_eq!(e.line, Some(2), "{e:?}");
        assert!(
            e.message.contains("requester.nmae") && e.message.contains("requester.name"),
            "{e:?}"
        );
        let e = fill(
            "Hi\n\n{% if %}yes{% endif %}\n",
            &config,
            &ticket,
            "ana",
            today,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        assert!(e.message.starts_with("expected"), "{e:?}");
    }

    #[test]
    fn templates_cannot_read_the_environment() {
        let (config, ticket) = setup();
        let today = NaiveDate::from_ymd_opt(2026, 1, 6).unwrap();
        let e = fill(
            "{{ get_env(name=\"HOME\") }}",
            &config,
            &ticket,
            "ana",
            today,
        )
        .unwrap_err();
        assert!(e.message.contains("get_env"), "{e:?}");
    }

    #[test]
    fn restricted_answers_refuse_other_categories() {
        let (_, ticket) = setup();
        let mut canned = Canned {
            title: "t".into(),
            categories: vec!["case-support".into()],
            tags: vec![],
            author: None,
            created: None,
            updated: None,
            body: String::new(),
        };
        assert!(check_category(&canned, &ticket)
            .unwrap_err()
            .contains("case-support"));
        canned.categories.push("technical".into());
        assert!(check_category(&canned, &ticket).is_ok());
    }
}
