//! The people section of `helpdesk.yaml`: who may act on the tracker and
//! in which role. Roles decide who works tickets and who only files them.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub key: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl Person {
    /// Why git cannot author a commit with this name and email, if it
    /// cannot: git writes `Name <email>` on one header line, so neither may
    /// hold `<`, `>`, a line break or another control character (NUL
    /// included), and neither may be blank. Such a person could never act,
    /// so the configuration is refused before anything is written.
    pub fn signature_problem(&self) -> Option<String> {
        let bad = |value: &str| {
            if value.trim().is_empty() {
                Some("is empty".to_string())
            } else {
                value
                    .chars()
                    .find(|c| c.is_control() || matches!(c, '<' | '>'))
                    .map(|c| format!("contains {}", describe_char(c)))
            }
        };
        let (field, why) = match (bad(&self.name), bad(&self.email)) {
            (Some(why), _) => ("name", why),
            (None, Some(why)) => ("email", why),
            (None, None) => return None,
        };
        Some(format!(
            "the {field} of person `{}` {why}; git cannot sign commits with it \
             (names and emails are one line without `<`, `>` or control characters)",
            self.key
        ))
    }
}

/// A character named for an error message.
fn describe_char(c: char) -> String {
    match c {
        '<' | '>' => format!("`{c}`"),
        c => crate::domain::model::ticket::describe_control(c),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, email: &str) -> Person {
        Person {
            key: "zoe".into(),
            name: name.into(),
            email: email.into(),
            role: Role::Operator,
        }
    }

    #[test]
    fn names_git_cannot_sign_with_are_refused() {
        assert_eq!(
            person("Zoë O'Neil: ops", "zoe@x.org").signature_problem(),
            None
        );
        for (name, email, why) in [
            (
                "Zoe\nEvil",
                "zoe@x.org",
                "name of person `zoe` contains a line break",
            ),
            ("Zoe <z>", "zoe@x.org", "contains `<`"),
            ("Zoe", "zoe@x.org>", "email of person `zoe` contains `>`"),
            ("Zoe\0", "zoe@x.org", "a NUL character"),
            ("  ", "zoe@x.org", "name of person `zoe` is empty"),
        ] {
            let problem = person(name, email).signature_problem().unwrap();
            assert!(problem.contains(why), "{problem}");
        }
    }
}
