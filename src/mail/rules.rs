//! `mail: import: rules:` applied to one mail: which settings a new
//! ticket gets, or that the mail is dropped. Rules are compiled once per
//! import run (a thousand mails, one compile) and applied in order: for
//! each setting the first rule that sets it wins, tags add up, and the
//! first matching `drop` rule throws the mail away unless an earlier rule
//! already matched with settings.

use super::{Address, IncomingMail};
use crate::domain::model::config::{MailImport, MailRule, Pattern};
use crate::domain::model::Priority;
use std::collections::BTreeMap;

/// The rules of `mail: import:`, ready to apply.
pub struct Rules {
    rules: Vec<(MailRule, Vec<(Key, Matcher)>)>,
}

#[derive(Clone, Copy)]
enum Key {
    From,
    To,
    Cc,
    Subject,
    Body,
}

enum Matcher {
    /// Lower-cased text, found anywhere in the lower-cased value.
    Contains(String),
    Regex(regex::Regex),
}

/// What the rules decided for one mail.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Routing {
    /// The `drop` rule that matched (nothing is imported).
    pub dropped_by: Option<String>,
    pub category: Option<String>,
    pub priority: Option<Priority>,
    pub tags: Vec<String>,
    pub assignee: Option<String>,
    pub fields: BTreeMap<String, String>,
    /// The rules that matched, in order.
    pub matched: Vec<String>,
}

impl Rules {
    /// Compiles the rules; an error names the rule (config validation
    /// reports the same at its line, so this fails only on a config that
    /// was never checked).
    pub fn compile(import: &MailImport) -> Result<Rules, String> {
        let mut rules = Vec::new();
        for rule in &import.rules {
            let mut matchers = Vec::new();
            for (name, pattern) in rule.when.keys() {
                let key = match name {
                    "from" => Key::From,
                    "to" => Key::To,
                    "cc" => Key::Cc,
                    "subject" => Key::Subject,
                    _ => Key::Body,
                };
                let matcher = match pattern {
                    Pattern::Contains(text) => Matcher::Contains(text.to_lowercase()),
                    Pattern::Regex { .. } => Matcher::Regex(
                        pattern
                            .compile()
                            .map_err(|e| format!("mail rule `{}`: {e}", rule.name))?
                            .expect("a regex pattern compiles to a regex"),
                    ),
                };
                matchers.push((key, matcher));
            }
            rules.push((rule.clone(), matchers));
        }
        Ok(Rules { rules })
    }

    /// The settings for a new ticket from `mail`.
    pub fn route(&self, mail: &IncomingMail) -> Routing {
        let mut out = Routing::default();
        for (rule, matchers) in &self.rules {
            if matchers.is_empty() || !matchers.iter().all(|(k, m)| holds(mail, *k, m)) {
                continue;
            }
            if rule.drop {
                if out.matched.is_empty() {
                    out.dropped_by = Some(rule.name.clone());
                    out.matched.push(rule.name.clone());
                    return out;
                }
                continue;
            }
            out.matched.push(rule.name.clone());
            let set = &rule.set;
            out.category = out.category.or_else(|| set.category.clone());
            out.priority = out.priority.or(set.priority);
            out.assignee = out.assignee.or_else(|| set.assignee.clone());
            for tag in &set.tags {
                if !out.tags.contains(tag) {
                    out.tags.push(tag.clone());
                }
            }
            for (name, value) in &set.fields {
                out.fields
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        out
    }
}

fn holds(mail: &IncomingMail, key: Key, matcher: &Matcher) -> bool {
    let test = |value: &str| match matcher {
        Matcher::Contains(text) => value.to_lowercase().contains(text.as_str()),
        Matcher::Regex(re) => re.is_match(value),
    };
    let any = |list: &[Address]| list.iter().any(|a| test(&mailbox(a)));
    match key {
        Key::From => test(&mailbox(&mail.from)),
        Key::To => any(&mail.to),
        Key::Cc => any(&mail.cc),
        Key::Subject => test(&mail.subject),
        Key::Body => test(&mail.text),
    }
}

/// `Name <address>`, or the bare address: what a `from:` pattern sees.
pub fn mailbox(a: &Address) -> String {
    match &a.name {
        Some(name) => format!("{name} <{}>", a.email),
        None => a.email.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(rules: &str) -> MailImport {
        serde_yaml::from_str(&format!("rules:\n{rules}")).unwrap()
    }

    fn mail(from: &str, subject: &str, body: &str) -> IncomingMail {
        let raw = format!(
            "From: Someone <{from}>\r\nTo: help@example.org\r\nCc: Boss <boss@example.org>\r\nSubject: {subject}\r\n\r\n{body}\r\n"
        );
        crate::mail::parse(raw.as_bytes()).unwrap()
    }

    const RULES: &str = "
- name: scanner vendor
  match: {from: '@SCANVENDOR.example', subject: {regex: '(?i)toner|jam'}}
  set: {category: technical, priority: high, tags: [scanner], assignee: ben, fields: {device: scanner}}
- name: urgent words
  match: {body: {regex: '(?i)\\bdown\\b'}}
  set: {priority: urgent, category: billing, tags: [outage, scanner]}
- name: newsletters
  match: {subject: newsletter}
  drop: true
- name: boss
  match: {cc: boss@}
  set: {tags: [boss]}
";

    #[test]
    fn first_rule_wins_per_setting_and_tags_add_up() {
        let rules = Rules::compile(&import(RULES)).unwrap();
        let r = rules.route(&mail(
            "a@scanvendor.example",
            "Toner low",
            "the line is down",
        ));
        assert_eq!(r.category.as_deref(), Some("technical"));
        assert_eq!(r.priority, Some(Priority::High));
        assert_eq!(r.assignee.as_deref(), Some("ben"));
        assert_eq!(r.tags, ["scanner", "outage", "boss"]);
        assert_eq!(r.fields["device"], "scanner");
        assert_eq!(r.matched, ["scanner vendor", "urgent words", "boss"]);
        assert_eq!(r.dropped_by, None);
    }

    #[test]
    fn every_key_of_a_match_must_hold() {
        let rules = Rules::compile(&import(RULES)).unwrap();
        let r = rules.route(&mail("a@scanvendor.example", "Invoice", "all fine"));
        assert_eq!(r.matched, ["boss"]);
        assert_eq!(r.category, None);
    }

    #[test]
    fn drop_stops_unless_a_rule_already_routed_the_mail() {
        let rules = Rules::compile(&import(RULES)).unwrap();
        let r = rules.route(&mail("x@y.example", "Our NEWSLETTER", "hi"));
        assert_eq!(r.dropped_by.as_deref(), Some("newsletters"));
        let r = rules.route(&mail("x@y.example", "newsletter: site down", "down"));
        assert_eq!(r.dropped_by, None);
        assert_eq!(r.matched, ["urgent words", "boss"]);
    }

    #[test]
    fn a_bad_regex_is_named() {
        let bad = import("- name: broken\n  match: {subject: {regex: '(x'}}\n  drop: true\n");
        let err = Rules::compile(&bad).err().unwrap();
        assert!(err.contains("mail rule `broken`"), "{err}");
    }
}
