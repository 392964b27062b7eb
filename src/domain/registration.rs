//! Who a ticket registered from outside the team's clones (the web form,
//! later mail) comes from: a person already in `helpdesk.yaml`, a new
//! requester the registration rule lets in, or a refusal naming the rule.
//! Pure: the front end hands in the name and address it was given.

use super::model::config::{OpenTo, Registration};
use super::model::{Config, Person, Role};
use super::refusal::Refusal;
use super::trailers::one_line;

/// The requester of a registration.
#[derive(Debug, Clone, PartialEq)]
pub enum Requester {
    /// Someone in `helpdesk.yaml` (by key).
    Known(String),
    /// Someone new, to be added as a requester with the ticket.
    New(Person),
}

/// The longest address accepted (RFC 5321's path limit).
const MAX_EMAIL: usize = 254;

/// The way in from outside: each has its own registration rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// The web form: `web: registration:`.
    Web,
    /// Mail (`tkt mail import`): `mail: import: registration:`, which
    /// defaults to the web form's rule.
    Mail,
}

impl Door {
    /// The rule this door applies, or why it takes no registrations.
    pub fn rule(self, config: &Config) -> Result<Registration, Refusal> {
        match self {
            Door::Web => config.web.as_ref().map(|w| w.registration.clone()).ok_or_else(|| {
                Refusal::forbidden(
                    "this helpdesk takes no registrations from outside: `web:` is not set in helpdesk.yaml",
                )
            }),
            Door::Mail => config.mail.as_ref().map(|m| m.import.registration(config)).ok_or_else(|| {
                Refusal::forbidden(
                    "this helpdesk takes no mail: `mail:` is not set in helpdesk.yaml",
                )
            }),
        }
    }
}

/// Decides who registers, by the address given and the door's rule.
/// Someone new is refused under `open_to: people` (they must be added by
/// an admin) and outside the listed domains under `open_to: domains`.
pub fn requester_for(
    config: &Config,
    rule: &Registration,
    name: &str,
    email: &str,
) -> Result<Requester, Refusal> {
    let email = email.trim();
    let domain = email_domain(email).ok_or_else(|| {
        Refusal::invalid(
            "email",
            "enter an email address such as name@example.org".to_string(),
        )
    })?;
    if let Some(person) = config
        .people
        .iter()
        .find(|p| p.email.eq_ignore_ascii_case(email))
    {
        return Ok(Requester::Known(person.key.clone()));
    }
    let admitted = match rule.open_to {
        OpenTo::Anyone => true,
        OpenTo::People => false,
        OpenTo::Domains => rule.domains.iter().any(|d| d.eq_ignore_ascii_case(domain)),
    };
    if !admitted {
        let why = match rule.open_to {
            OpenTo::Domains => format!(
                "this helpdesk takes tickets from addresses at {}",
                rule.domains.join(", ")
            ),
            _ => "this helpdesk takes tickets from the people it knows; ask the helpdesk team \
                  to add your address"
                .to_string(),
        };
        return Err(Refusal::forbidden(why));
    }
    let local = &email[..email.len() - domain.len() - 1];
    let name = one_line(name, 100);
    Ok(Requester::New(Person {
        key: free_key(config, local),
        name: if name.is_empty() {
            local.to_string()
        } else {
            name
        },
        email: email.to_string(),
        role: Role::Requester,
    }))
}

/// Whether `email` is a plausible address (see [`email_domain`]).
pub fn looks_like_email(email: &str) -> bool {
    email_domain(email.trim()).is_some()
}

/// The domain of a plausible address: one `@`, something before it, a
/// dotted domain after it, no spaces or control characters.
fn email_domain(email: &str) -> Option<&str> {
    if email.len() > MAX_EMAIL || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = email.split_once('@')?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    (!local.is_empty() && domain_ok).then_some(domain)
}

/// A person key made from an address's local part (`María.López+x` →
/// `mar-a.l-pez-x`), unused in `config`: keys name files and commits, so
/// they stay lowercase ASCII.
fn free_key(config: &Config, local: &str) -> String {
    let mut base: String = local
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    base = base
        .trim_matches(['-', '.', '_'])
        .chars()
        .take(32)
        .collect();
    if base.is_empty() {
        base = "requester".into();
    }
    let taken = |key: &str| config.people.iter().any(|p| p.key == key);
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|key| !taken(key))
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::refusal::RefusalKind;

    fn config() -> Config {
        serde_yaml::from_str(
            "name: Desk\n\
             people:\n\
             \x20 - { key: ana, name: Ana, email: ana@example.org, role: admin }\n\
             \x20 - { key: rita, name: Rita, email: rita@example.org, role: requester }\n\
             categories:\n  - { key: technical, name: Tech }\n",
        )
        .unwrap()
    }

    fn web(rule: &str) -> Registration {
        serde_yaml::from_str(rule).unwrap()
    }

    #[test]
    fn a_known_address_is_that_person_whatever_the_rule() {
        for rule in ["{open_to: people}", "{open_to: anyone}"] {
            assert_eq!(
                requester_for(&config(), &web(rule), "R", " RITA@example.org ").unwrap(),
                Requester::Known("rita".into())
            );
        }
    }

    #[test]
    fn someone_new_is_admitted_only_by_the_rule() {
        let people = requester_for(&config(), &web("{open_to: people}"), "Sam", "sam@x.org");
        assert_eq!(people.unwrap_err().kind, RefusalKind::Forbidden);
        let domains = web("{open_to: domains, domains: [ortega.example]}");
        let outside = requester_for(&config(), &domains, "Sam", "sam@x.org").unwrap_err();
        assert!(
            outside.message.contains("addresses at ortega.example"),
            "{}",
            outside.message
        );
        let inside =
            requester_for(&config(), &domains, "Sam  Lee\n", "sam@Ortega.example").unwrap();
        assert_eq!(
            inside,
            Requester::New(Person {
                key: "sam".into(),
                name: "Sam Lee".into(),
                email: "sam@Ortega.example".into(),
                role: Role::Requester,
            })
        );
    }

    #[test]
    fn new_keys_are_safe_and_unused() {
        let anyone = web("{open_to: anyone}");
        let key = |email: &str| match requester_for(&config(), &anyone, "", email).unwrap() {
            Requester::New(p) => p.key,
            other => panic!("{other:?}"),
        };
        assert_eq!(key("María.López+x@x.org"), "mar-a.l-pez-x");
        assert_eq!(key("rita@other.org"), "rita-2");
        assert_eq!(key("---@x.org"), "requester");
        assert_eq!(key(&format!("{}@x.org", "a".repeat(60))).len(), 32);
    }

    #[test]
    fn implausible_addresses_are_refused() {
        let anyone = web("{open_to: anyone}");
        for email in [
            "",
            "rita",
            "@x.org",
            "a@b",
            "a b@x.org",
            "a@x.org\nBcc: b@x.org",
            "a@.org",
            "a@@x.org",
        ] {
            let err = requester_for(&config(), &anyone, "", email).unwrap_err();
            assert_eq!(err.kind, RefusalKind::InvalidValue, "{email:?}");
        }
        let long = format!("{}@x.org", "a".repeat(250));
        assert!(requester_for(&config(), &anyone, "", &long).is_err());
    }
}
