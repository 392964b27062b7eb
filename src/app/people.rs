//! Registering people in `helpdesk.yaml` (admins only); one commit.

use super::ticket_write::Done;
use super::unit::{Scope, UnitOfWork};
use crate::domain::access::Act;
use crate::domain::event::Event;
use crate::domain::model::{is_valid_key, Person};
use crate::domain::refusal::Refusal;
use crate::store::{add_person, Transaction, CONFIG_FILE};
use anyhow::Result;

/// Adds `person` to the config, keeping the file's comments and layout.
pub fn add(scope: &Scope, person: Person) -> Result<Done<Person>> {
    let unit = UnitOfWork::begin(scope)?;
    unit.check(Act::AddPerson, None)?;
    let config = &unit.tracker.config;
    if !is_valid_key(&person.key) {
        return Err(Refusal::invalid(
            "key",
            format!(
                "`{}` cannot be a person key: use lowercase letters, digits, `-`, `_` or `.`",
                person.key
            ),
        )
        .into());
    }
    if config.person(&person.key).is_some() {
        return Err(Refusal::conflict(format!(
            "a person with key `{}` already exists",
            person.key
        ))
        .into());
    }
    if person.name.trim().is_empty() {
        return Err(Refusal::invalid("name", "the name is empty").into());
    }
    let email = person.email.trim();
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(Refusal::invalid(
            "email",
            format!("`{}` is not an email address", person.email),
        )
        .into());
    }
    if let Some(other) = config
        .people
        .iter()
        .find(|p| p.email.eq_ignore_ascii_case(email))
    {
        return Err(
            Refusal::conflict(format!("{email} already belongs to `{}`", other.key)).into(),
        );
    }
    let person = Person {
        email: email.to_string(),
        name: person.name.trim().to_string(),
        ..person
    };
    if let Some(problem) = person.signature_problem() {
        let field = if problem.starts_with("the name") {
            "name"
        } else {
            "email"
        };
        return Err(Refusal::invalid(field, problem).into());
    }
    let text = unit.tracker.config_text()?;
    let updated = add_person(&text, config, &person)?;
    let mut tx = Transaction::new(&unit.tracker.root);
    tx.replace(CONFIG_FILE, updated);
    let summary = format!(
        "register {} ({}) as {}",
        person.key,
        person.name,
        person.role.as_str()
    );
    let committed = unit.commit(tx, None, "person-add", &summary)?;
    Ok(Done {
        summary,
        events: vec![Event::PersonAdded {
            key: person.key.clone(),
            role: person.role.as_str().to_string(),
        }],
        notices: committed.notices,
        value: person,
    })
}
