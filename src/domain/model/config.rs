//! `helpdesk.yaml`: the tracker's people, categories, forms, SLAs and views.

use super::service::{Escalation, SlaPolicy, SlaTarget};
use super::{is_valid_key, ByteSize, FolioFormat, Priority, Status};
use crate::domain::frontmatter::{line_of, parse_yaml, TextError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

/// The whole configuration. Unknown keys are errors (a typo in config must
/// never be silently ignored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub name: String,
    #[serde(default)]
    pub folio: FolioFormat,
    /// How a new ticket picks its responsible person from the category.
    #[serde(default)]
    pub assignment: Assignment,
    #[serde(default)]
    pub attachments: AttachmentPolicy,
    #[serde(default)]
    pub people: Vec<Person>,
    pub categories: Vec<Category>,
    /// Service-level targets per priority, business hours and pauses.
    #[serde(default)]
    pub sla: SlaPolicy,
    /// Who takes escalated tickets, and the rules of `tkt sla apply`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub escalation: Escalation,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<View>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assignment {
    /// Take turns among the category's people.
    #[default]
    RoundRobin,
    /// The person with the fewest open tickets (ties: config order).
    LeastOpen,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentPolicy {
    pub max_size: ByteSize,
}

impl Default for AttachmentPolicy {
    fn default() -> Self {
        AttachmentPolicy {
            max_size: ByteSize { bytes: 10 << 20 },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub key: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Admin,
    Operator,
    Requester,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Requester => "requester",
        }
    }

    /// Admins and operators work tickets; requesters only file and follow them.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Requester)
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            "requester" => Ok(Role::Requester),
            _ => Err(format!(
                "unknown role `{s}`; allowed: admin, operator, requester"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// People new tickets in this category are assigned to.
    #[serde(default)]
    pub responsible: Vec<String>,
    /// The category's registration form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldType {
    #[default]
    Text,
    Choice,
    Date,
    Number,
}

/// A saved filter for a customised ticket list (`tkt list --view NAME`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<Status>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priority: Vec<Priority>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<String>,
    /// Person keys; `me` means whoever runs the command, `none` unassigned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignee: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requester: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<String>,
    /// Include closed tickets.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
}

impl Config {
    /// Parses and validates config text; every problem found is returned,
    /// each with its line where one can be pointed at.
    pub fn parse(text: &str) -> Result<Config, Vec<TextError>> {
        let config: Config = parse_yaml(text, 1).map_err(|e| vec![e])?;
        let problems = config.problems(text);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// The configuration `tkt init` writes, with the first admin.
    pub fn starter(name: &str, admin: Person) -> Config {
        let key = admin.key.clone();
        let category = |k: &str, n: &str| Category {
            key: k.into(),
            name: n.into(),
            description: None,
            responsible: vec![key.clone()],
            fields: vec![],
        };
        let sla = |f: &str, r: &str| {
            Some(SlaTarget::new(
                f.parse().expect("valid literal"),
                r.parse().expect("valid literal"),
            ))
        };
        Config {
            name: name.into(),
            folio: FolioFormat::default(),
            assignment: Assignment::default(),
            attachments: AttachmentPolicy::default(),
            people: vec![admin],
            categories: vec![
                category("technical", "Technical support"),
                category("case-support", "Case support"),
                category("suggestion", "Improvement suggestion"),
                category("other", "Other"),
            ],
            sla: SlaPolicy {
                low: sla("2d", "10d"),
                medium: sla("1d", "5d"),
                high: sla("4h", "2d"),
                urgent: sla("1h", "1d"),
                ..SlaPolicy::default()
            },
            escalation: Escalation::default(),
            views: vec![],
        }
    }

    pub fn person(&self, key: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.key == key)
    }

    pub fn category(&self, key: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.key == key)
    }

    pub fn view(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| v.name == name)
    }

    /// Looks a person up by key, with an error listing who exists.
    pub fn require_person(&self, key: &str) -> Result<&Person, String> {
        self.person(key).ok_or_else(|| {
            format!(
                "unknown person `{key}`; known: {} (add one with `tkt person add`)",
                join_keys(self.people.iter().map(|p| p.key.as_str()))
            )
        })
    }

    pub fn require_category(&self, key: &str) -> Result<&Category, String> {
        self.category(key).ok_or_else(|| {
            format!(
                "unknown category `{key}`; allowed: {}",
                join_keys(self.categories.iter().map(|c| c.key.as_str()))
            )
        })
    }

    pub fn require_view(&self, name: &str) -> Result<&View, String> {
        self.view(name).ok_or_else(|| {
            if self.views.is_empty() {
                format!("unknown view `{name}`; helpdesk.yaml defines no views")
            } else {
                format!(
                    "unknown view `{name}`; defined: {}",
                    join_keys(self.views.iter().map(|v| v.name.as_str()))
                )
            }
        })
    }

    fn problems(&self, text: &str) -> Vec<TextError> {
        let mut out = Vec::new();
        let mut report = |needle: &str, message: String| {
            out.push(match line_of(text, needle) {
                Some(line) => TextError::at(line, message),
                None => TextError::general(message),
            })
        };
        if self.name.trim().is_empty() {
            report("name:", "name is empty".into());
        }
        if let Err(e) = self.folio.validate() {
            report("folio:", e);
        }
        let mut seen = HashSet::new();
        for p in &self.people {
            if !is_valid_key(&p.key) {
                report(
                    &p.key,
                    format!(
                        "person key `{}` must be lowercase letters, digits, `-`, `_` or `.`",
                        p.key
                    ),
                );
            }
            if !seen.insert(&p.key) {
                report(&p.key, format!("person `{}` is listed twice", p.key));
            }
            if !p.email.contains('@') {
                report(
                    &p.email,
                    format!("person `{}` has no valid email (`{}`)", p.key, p.email),
                );
            }
        }
        if self.categories.is_empty() {
            report("categories:", "at least one category is needed".into());
        }
        let mut seen = HashSet::new();
        for c in &self.categories {
            if !is_valid_key(&c.key) {
                report(
                    &c.key,
                    format!(
                        "category key `{}` must be lowercase letters, digits, `-`, `_` or `.`",
                        c.key
                    ),
                );
            }
            if !seen.insert(&c.key) {
                report(&c.key, format!("category `{}` is listed twice", c.key));
            }
            for r in &c.responsible {
                if self.person(r).is_none() {
                    report(
                        r,
                        format!(
                            "category `{}` names unknown responsible person `{r}`",
                            c.key
                        ),
                    );
                }
            }
            for f in &c.fields {
                if f.kind == FieldType::Choice && f.choices.is_empty() {
                    report(
                        &f.name,
                        format!(
                            "field `{}` of category `{}` is a choice with no choices",
                            f.name, c.key
                        ),
                    );
                }
                if f.kind != FieldType::Choice && !f.choices.is_empty() {
                    report(
                        &f.name,
                        format!(
                            "field `{}` of category `{}` has choices but is not of type choice",
                            f.name, c.key
                        ),
                    );
                }
            }
        }
        for (needle, message) in self.sla.problems() {
            report(&needle, message);
        }
        let mut seen = HashSet::new();
        for v in &self.views {
            if !seen.insert(&v.name) {
                report(&v.name, format!("view `{}` is defined twice", v.name));
            }
            for c in &v.category {
                if self.category(c).is_none() {
                    report(c, format!("view `{}` names unknown category `{c}`", v.name));
                }
            }
            for p in v.assignee.iter().chain(&v.requester) {
                if p != "me" && p != "none" && self.person(p).is_none() {
                    report(p, format!("view `{}` names unknown person `{p}`", v.name));
                }
            }
        }
        out.extend(self.escalation_problems(text));
        out
    }
}

impl Config {
    /// Escalation names real staff, real categories and one rule per name,
    /// and every rule does something. Each problem points at its rule.
    fn escalation_problems(&self, text: &str) -> Vec<TextError> {
        let mut out = Vec::new();
        let at = |line: Option<usize>, message: String| match line {
            Some(line) => TextError::at(line, message),
            None => TextError::general(message),
        };
        let staff = |key: &str| self.person(key).is_some_and(|p| p.role.is_staff());
        let section = text
            .lines()
            .position(|l| l.starts_with("escalation:"))
            .unwrap_or(0);
        if let Some(contact) = &self.escalation.contact {
            if !staff(contact) {
                let line = line_after(text, section, |l| l.starts_with("contact:"));
                out.push(at(
                    line,
                    format!("escalation.contact `{contact}` is not an operator or admin in people"),
                ));
            }
        }
        let starts = rule_starts(text, section);
        let mut seen = HashSet::new();
        for (i, rule) in self.escalation.rules.iter().enumerate() {
            let name = &rule.name;
            let line = starts.get(i).copied();
            let within = |needle: &str| {
                let from = line.map_or(section, |l| l - 1);
                line_after(text, from, |l| l.contains(needle)).or(line)
            };
            if !is_valid_key(name) {
                out.push(at(
                    line,
                    format!(
                        "rule name `{name}` must be lowercase letters, digits, `-`, `_` or `.`"
                    ),
                ));
            }
            if !seen.insert(name) {
                out.push(at(
                    line,
                    format!("escalation rule `{name}` is defined twice"),
                ));
            }
            for c in &rule.when.category {
                if self.category(c).is_none() {
                    out.push(at(
                        within("category"),
                        format!("rule `{name}` names unknown category `{c}`"),
                    ));
                }
            }
            match rule.then.assign.as_deref() {
                Some("contact") if self.escalation.contact.is_none() => out.push(at(
                    within("assign"),
                    format!(
                        "rule `{name}` assigns to the contact, but escalation.contact is not set"
                    ),
                )),
                Some(p) if p != "contact" && !staff(p) => out.push(at(
                    within("assign"),
                    format!(
                        "rule `{name}` assigns to `{p}`, who is not an operator or admin in people"
                    ),
                )),
                _ => {}
            }
            let then = &rule.then;
            if then.priority.is_none() && then.assign.is_none() && !then.escalate {
                out.push(at(
                    line,
                    format!("rule `{name}` does nothing; give `then` a priority, assign or escalate: true"),
                ));
            }
        }
        out
    }
}

/// The 1-based line of the first line after line index `from` (0-based)
/// whose trimmed text (without a list dash) satisfies `is`.
fn line_after(text: &str, from: usize, is: impl Fn(&str) -> bool) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from + 1)
        .find(|(_, l)| is(l.trim().trim_start_matches("- ")))
        .map(|(i, _)| i + 1)
}

/// The 1-based line where each escalation rule starts (its `name:`), in
/// order, scanning from the `escalation:` section at line index `section`.
fn rule_starts(text: &str, section: usize) -> Vec<usize> {
    text.lines()
        .enumerate()
        .skip(section + 1)
        .take_while(|(_, l)| l.is_empty() || l.starts_with([' ', '#', '-']))
        .filter(|(_, l)| l.trim().trim_start_matches("- ").starts_with("name:"))
        .map(|(i, _)| i + 1)
        .collect()
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

fn join_keys<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<_> = keys.collect();
    if list.is_empty() {
        "(none)".into()
    } else {
        list.join(", ")
    }
}

impl FieldSpec {
    /// Checks one form answer against this field's type and choices.
    pub fn check(&self, value: &str) -> Result<(), String> {
        let value = value.trim();
        match self.kind {
            FieldType::Text => Ok(()),
            FieldType::Number if value.parse::<f64>().is_ok_and(f64::is_finite) => Ok(()),
            FieldType::Number => Err(format!(
                "field `{}` must be a number, not `{value}`",
                self.name
            )),
            FieldType::Date if chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() => {
                Ok(())
            }
            FieldType::Date => Err(format!(
                "field `{}` must be a date like 2026-03-31, not `{value}`",
                self.name
            )),
            FieldType::Choice if self.choices.iter().any(|c| c == value) => Ok(()),
            FieldType::Choice => Err(format!(
                "field `{}` must be one of: {}; not `{value}`",
                self.name,
                self.choices.join(", ")
            )),
        }
    }
}

impl Category {
    /// Validates a whole form: known fields, valid values, required ones present.
    pub fn check_form(&self, answers: &BTreeMap<String, String>) -> Vec<String> {
        let mut out = Vec::new();
        for (name, value) in answers {
            match self.fields.iter().find(|f| &f.name == name) {
                Some(spec) => out.extend(spec.check(value).err()),
                None if self.fields.is_empty() => out.push(format!(
                    "category `{}` has no form fields; `{name}` is not allowed",
                    self.key
                )),
                None => out.push(format!(
                    "category `{}` has no field `{name}`; its fields: {}",
                    self.key,
                    self.fields
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        for spec in self.fields.iter().filter(|f| f.required) {
            if answers.get(&spec.name).is_none_or(|v| v.trim().is_empty()) {
                out.push(format!(
                    "field `{}` is required for category `{}` (add --field {}=…)",
                    spec.name, self.key, spec.name
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin() -> Person {
        Person {
            key: "ana".into(),
            name: "Ana".into(),
            email: "ana@example.org".into(),
            role: Role::Admin,
        }
    }

    #[test]
    fn starter_round_trips() {
        let config = Config::starter("Desk", admin());
        let text = serde_yaml::to_string(&config).unwrap();
        assert_eq!(Config::parse(&text).unwrap(), config);
    }

    #[test]
    fn unknown_keys_name_their_line() {
        let text = "name: Desk\ncategories: []\nbogus: 1\n";
        let errors = Config::parse(text).unwrap_err();
        assert_eq!(errors[0].line, Some(3), "{:?}", errors);
        assert!(errors[0].message.contains("unknown field `bogus`"));
    }

    #[test]
    fn semantic_problems_point_at_lines() {
        let text = "name: Desk\npeople: []\ncategories:\n  - key: it\n    name: IT\n    responsible: [zoe]\n";
        let errors = Config::parse(text).unwrap_err();
        assert_eq!(errors[0].line, Some(6));
        assert!(errors[0]
            .message
            .contains("unknown responsible person `zoe`"));
    }

    #[test]
    fn forms_are_checked() {
        let cat = Category {
            key: "it".into(),
            name: "IT".into(),
            description: None,
            responsible: vec![],
            fields: vec![
                FieldSpec {
                    name: "device".into(),
                    label: None,
                    kind: FieldType::Choice,
                    required: true,
                    choices: vec!["scanner".into(), "printer".into()],
                },
                FieldSpec {
                    name: "since".into(),
                    label: None,
                    kind: FieldType::Date,
                    required: false,
                    choices: vec![],
                },
            ],
        };
        let form = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert!(cat.check_form(&form(&[("device", "scanner")])).is_empty());
        assert_eq!(cat.check_form(&form(&[])).len(), 1);
        assert_eq!(
            cat.check_form(&form(&[
                ("device", "fax"),
                ("since", "yesterday"),
                ("x", "1")
            ]))
            .len(),
            3
        );
    }
}
