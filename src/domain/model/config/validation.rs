//! Reading `helpdesk.yaml` and checking it as a whole: parse errors and
//! every semantic problem (unknown people, duplicate keys, empty choices,
//! escalation rules that name nobody), each pointed at its line where one
//! can be found. The line-finding is text scanning, separate from the types
//! it reports on.

use super::{Config, FieldType};
use crate::domain::frontmatter::{line_of, parse_yaml, TextError};
use crate::domain::model::is_valid_key;
use std::collections::HashSet;

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
        for (key, message) in self.web.iter().flat_map(|web| web.problems()) {
            report(key, message);
        }
        for (needle, message) in self.mail.iter().flat_map(|mail| mail.problems(self)) {
            report(&needle, message);
        }
        if !(1..=300).contains(&self.sync.timeout_seconds) {
            report(
                "timeout_seconds:",
                format!(
                    "sync timeout_seconds must be 1 to 300, not {}",
                    self.sync.timeout_seconds
                ),
            );
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
    /// People git cannot author a commit for (a line break, `<` or `>` in
    /// a name or email), each at the line of the offending field. Kept out
    /// of [`Config::parse`] so reading stays possible (`tkt check`, lists
    /// and the site say what is wrong); every write refuses such a
    /// configuration, since its commit would fail half-way or be forged.
    pub fn signature_problems(&self, text: &str) -> Vec<TextError> {
        self.people
            .iter()
            .filter_map(|p| {
                let message = p.signature_problem()?;
                let field = if message.starts_with("the name") {
                    "name:"
                } else {
                    "email:"
                };
                let key_line = text.lines().position(|l| {
                    l.trim().trim_start_matches("- ").trim() == format!("key: {}", p.key)
                });
                let line = key_line.and_then(|from| {
                    // The key's own line may hold the field in flow style.
                    line_after(text, from.saturating_sub(1), |l| l.contains(field))
                });
                Some(match line {
                    Some(line) => TextError::at(line, message),
                    None => TextError::general(message),
                })
            })
            .collect()
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_their_line() {
        let text = "name: Desk\ncategories: []\nbogus: 1\n";
        let errors = Config::parse(text).unwrap_err();
        assert_eq!(errors[0].line, Some(3), "{:?}", errors);
        assert!(errors[0].message.contains("unknown field `bogus`"));
    }

    #[test]
    fn people_git_cannot_sign_for_point_at_their_field() {
        let text = "name: Desk\npeople:\n- key: ana\n  name: Ana\n  email: ana@x.org\n  role: admin\n- key: zoe\n  name: \"Zoe\\nEvil\"\n  email: zoe@x.org\n  role: operator\ncategories: [{key: it, name: IT}]\n";
        let config = Config::parse(text).unwrap();
        let problems = config.signature_problems(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, Some(8));
        assert!(problems[0].message.contains("person `zoe`"));
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
}
