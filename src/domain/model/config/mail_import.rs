//! `mail: import:` in `helpdesk.yaml`: how incoming mail becomes tickets,
//! replies and notes (rules, who may register by mail, what happens to
//! unknown senders). Everything is checked when the config is read, so a
//! bad pattern is reported at its line, never when the first mail comes.

use super::web::Registration;
use super::Config;
use crate::domain::model::Priority;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailImport {
    /// The category of a new ticket no rule sets (default: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The priority of a new ticket no rule sets (default: medium).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Who may register tickets by mail (the same rule as the web form's
    /// `registration:`). Default: the web form's rule when `web:` is set,
    /// else only the people in `helpdesk.yaml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<Registration>,
    /// What happens to mail from a sender the rule refuses.
    #[serde(default)]
    pub refused: RefusedSenders,
    /// Routing rules, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<MailRule>,
}

/// A sender the registration rule refuses: answered with a refusal (by
/// `tkt notify send`), or only left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefusedSenders {
    #[default]
    Reply,
    Ignore,
}

/// One routing rule: when every key of `match` holds, `set` applies (for
/// each setting, the first rule that sets it wins) or `drop` throws the
/// mail away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailRule {
    /// A name for the output and for config errors.
    pub name: String,
    #[serde(rename = "match")]
    pub when: MailMatch,
    #[serde(default, skip_serializing_if = "MailSet::is_empty")]
    pub set: MailSet,
    /// Import nothing from a matching mail.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop: bool,
}

/// What a rule looks at; every key given must match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailMatch {
    /// The sender (`Name <address>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Pattern>,
    /// Any `To:` recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Pattern>,
    /// Any `Cc:` recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cc: Option<Pattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Pattern>,
    /// The mail's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Pattern>,
}

impl MailMatch {
    /// The keys given, by name.
    pub fn keys(&self) -> Vec<(&'static str, &Pattern)> {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("cc", &self.cc),
            ("subject", &self.subject),
            ("body", &self.body),
        ]
        .into_iter()
        .filter_map(|(k, p)| p.as_ref().map(|p| (k, p)))
        .collect()
    }
}

/// A plain string (found anywhere, ignoring case) or `{regex: "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Pattern {
    Contains(String),
    Regex { regex: String },
}

/// The longest regular expression accepted, and the most memory its
/// compiled form may take: a pattern is the team's, but mail is matched
/// against it thousands of times.
pub const MAX_REGEX_CHARS: usize = 1000;
pub const MAX_REGEX_BYTES: usize = 1 << 20;

impl Pattern {
    /// The compiled expression of a `{regex: …}` pattern.
    pub fn compile(&self) -> Result<Option<regex::Regex>, String> {
        let Pattern::Regex { regex } = self else {
            return Ok(None);
        };
        if regex.chars().count() > MAX_REGEX_CHARS {
            return Err(format!(
                "the regex is longer than {MAX_REGEX_CHARS} characters"
            ));
        }
        regex::RegexBuilder::new(regex)
            .size_limit(MAX_REGEX_BYTES)
            .build()
            .map(Some)
            .map_err(|e| format!("`{regex}` is not a valid regex: {e}"))
    }
}

/// What a matching rule sets on a new ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Added to the tags of earlier matching rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// A staff member (operators and admins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Answers to the category's form.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl MailSet {
    pub fn is_empty(&self) -> bool {
        self == &MailSet::default()
    }
}

impl MailImport {
    /// The registration rule for mail (see the field's documentation).
    pub fn registration(&self, config: &Config) -> Registration {
        self.registration
            .clone()
            .or_else(|| config.web.as_ref().map(|w| w.registration.clone()))
            .unwrap_or_default()
    }

    /// The category of a new ticket no rule sets.
    pub fn default_category<'a>(&'a self, config: &'a Config) -> Option<&'a str> {
        self.category
            .as_deref()
            .or_else(|| config.categories.first().map(|c| c.key.as_str()))
    }

    /// Problems as (text to find the line by, message).
    pub fn problems(&self, config: &Config) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(key) = &self.category {
            if config.category(key).is_none() {
                out.push((
                    format!("category: {key}"),
                    format!("mail import category `{key}` is not a category in this file"),
                ));
            }
        }
        if let Some(rule) = &self.registration {
            for (needle, message) in rule.problems() {
                out.push((needle.to_string(), format!("mail import {message}")));
            }
        }
        let mut names = std::collections::HashSet::new();
        for rule in &self.rules {
            let name = &rule.name;
            let at = format!("name: {name}");
            if name.trim().is_empty() || name.contains(['\r', '\n']) {
                out.push(("rules:".into(), "a mail rule needs a one-line name".into()));
            } else if !names.insert(name) {
                out.push((at.clone(), format!("mail rule name `{name}` is used twice")));
            }
            let keys = rule.when.keys();
            if keys.is_empty() {
                out.push((
                    at.clone(),
                    format!(
                        "mail rule `{name}` matches nothing: give `match:` at least one of from, to, cc, subject, body"
                    ),
                ));
            }
            for (key, pattern) in keys {
                if let Err(why) = pattern.compile() {
                    let needle = match pattern {
                        Pattern::Regex { regex } => regex.clone(),
                        Pattern::Contains(_) => at.clone(),
                    };
                    out.push((needle, format!("mail rule `{name}`, match {key}: {why}")));
                }
                if let Pattern::Contains(text) = pattern {
                    if text.is_empty() {
                        out.push((
                            at.clone(),
                            format!("mail rule `{name}`, match {key}: the text is empty"),
                        ));
                    }
                }
            }
            if rule.drop && !rule.set.is_empty() {
                out.push((
                    at.clone(),
                    format!("mail rule `{name}` drops the mail, so it cannot also `set:` anything"),
                ));
            }
            out.extend(set_problems(config, name, &rule.set));
        }
        out
    }
}

fn set_problems(config: &Config, rule: &str, set: &MailSet) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let category = match &set.category {
        Some(key) => {
            let found = config.category(key);
            if found.is_none() {
                out.push((
                    format!("category: {key}"),
                    format!("mail rule `{rule}` sets category `{key}`, which is not a category in this file"),
                ));
            }
            found
        }
        None => None,
    };
    if let Some(key) = &set.assignee {
        match config.person(key) {
            Some(p) if p.role.is_staff() => {}
            Some(_) => out.push((
                format!("assignee: {key}"),
                format!("mail rule `{rule}` assigns to `{key}`, a requester; assign to an operator or admin"),
            )),
            None => out.push((
                format!("assignee: {key}"),
                format!("mail rule `{rule}` assigns to `{key}`, who is not a person in this file"),
            )),
        }
    }
    for tag in &set.tags {
        if tag.trim().is_empty() || tag.chars().any(|c| c.is_whitespace() || c == ',') {
            out.push((
                "tags:".into(),
                format!("mail rule `{rule}` sets tag `{tag}`: a tag is one word"),
            ));
        }
    }
    if !set.fields.is_empty() {
        // Fields belong to a category's form: the rule's own category, or
        // the field must exist on some category (a later rule may set it).
        for name in set.fields.keys() {
            let known = match category {
                Some(c) => c.fields.iter().any(|f| &f.name == name),
                None => config
                    .categories
                    .iter()
                    .any(|c| c.fields.iter().any(|f| &f.name == name)),
            };
            if !known {
                out.push((
                    format!("{name}:"),
                    format!("mail rule `{rule}` sets field `{name}`, which no category's form has"),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(mail: &str) -> Config {
        serde_yaml::from_str(&format!(
            "name: Desk\n\
             people:\n\
             \x20 - {{ key: ana, name: Ana, email: ana@example.org, role: admin }}\n\
             \x20 - {{ key: rita, name: Rita, email: rita@example.org, role: requester }}\n\
             categories:\n\
             \x20 - {{ key: technical, name: Tech, fields: [{{name: device}}] }}\n\
             \x20 - {{ key: billing, name: Billing }}\n\
             mail:\n  address: help@example.org\n  import:\n{mail}"
        ))
        .unwrap()
    }

    fn problems(mail: &str) -> Vec<String> {
        let c = config(mail);
        c.mail
            .as_ref()
            .unwrap()
            .import
            .problems(&c)
            .into_iter()
            .map(|p| p.1)
            .collect()
    }

    #[test]
    fn a_good_import_section_has_no_problems() {
        let ok = "    category: billing\n    priority: high\n    registration: {open_to: domains, domains: [example.org]}\n    refused: ignore\n    rules:\n      - name: scanner\n        match: {from: '@scan.example', subject: {regex: '(?i)toner|jam'}}\n        set: {category: technical, priority: high, tags: [scanner], assignee: ana, fields: {device: scanner}}\n      - name: news\n        match: {subject: newsletter}\n        drop: true\n";
        assert_eq!(problems(ok), Vec::<String>::new());
        let c = config(ok);
        let import = &c.mail.as_ref().unwrap().import;
        assert_eq!(import.default_category(&c), Some("billing"));
        assert_eq!(import.rules[0].set.fields["device"], "scanner");
    }

    #[test]
    fn every_mistake_is_named() {
        let bad = "    category: nope\n    rules:\n      - name: a\n        match: {subject: {regex: '(unclosed'}}\n        set: {category: gone, assignee: rita, fields: {colour: red}}\n      - name: a\n        match: {}\n        set: {assignee: zed}\n        drop: true\n";
        let found = problems(bad);
        for needle in [
            "category `nope`",
            "not a valid regex",
            "category `gone`",
            "`rita`, a requester",
            "field `colour`",
            "used twice",
            "matches nothing",
            "cannot also `set:`",
            "`zed`, who is not a person",
        ] {
            assert!(
                found.iter().any(|p| p.contains(needle)),
                "{needle}: {found:#?}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = "address: h@example.org\nimport: {rules: [{name: a, match: {form: x}}]}\n";
        assert!(serde_yaml::from_str::<super::super::MailSettings>(text).is_err());
        let text = "address: h@example.org\nimport: {colour: red}\n";
        assert!(serde_yaml::from_str::<super::super::MailSettings>(text).is_err());
    }

    #[test]
    fn the_registration_rule_falls_back_to_the_web_one_then_people() {
        let c = config("    refused: reply\n");
        assert_eq!(
            c.mail.as_ref().unwrap().import.registration(&c),
            Registration::default()
        );
    }
}
