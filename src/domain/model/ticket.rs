//! A ticket: the front-matter of `tickets/<folio>/ticket.md` plus its description.

use super::{attachment_name_problem, future_problem, is_future, Priority, Problem, Status};
use chrono::{DateTime, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The current state of a ticket. The timeline entries beside it record how
/// it got there; this struct is what lists and reports read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: String,
    /// Immutable and time-sortable (a ULID), so that two tickets given the
    /// same folio in two clones can be told apart when the clones meet.
    pub uid: String,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub category: String,
    pub requester: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// The related applicant or case, free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Answers to the category's form, by field name.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "scalar_map"
    )]
    pub fields: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confidential: bool,
    /// Files attached at registration, in `attachments/`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution: Option<String>,
    /// Escalated by someone (`tkt escalate`) or by an escalation rule; the
    /// timeline says who, when and why.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub escalated: bool,
    /// The FAQ entry made from this ticket (`tkt faq add --from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faq: Option<String>,
    /// The requester's private follow-up link, as `sha256:` and the hash
    /// of its token (the token itself is never stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<String>,
    /// The mail the ticket was registered from (`tkt mail import`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<super::MailOrigin>,
    /// The Markdown body of `ticket.md`.
    #[serde(skip)]
    pub description: String,
}

/// One item of a ticket's to-do list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub text: String,
    #[serde(default)]
    pub done: bool,
    /// Who added it, then who did it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    /// When it was added, then when it was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<DateTime<Utc>>,
}

impl Ticket {
    /// A plain open ticket for unit tests: TKT001, Rita's scanner, assigned
    /// to Ana, 5 January 2026 09:00 UTC.
    #[cfg(test)]
    pub fn sample(status: Status) -> Ticket {
        use chrono::TimeZone;
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        Ticket {
            id: "TKT001".into(),
            uid: "01J".into(),
            subject: "Scanner".into(),
            status,
            priority: Priority::Medium,
            category: "technical".into(),
            requester: "rita".into(),
            assignee: Some("ana".into()),
            created: t0,
            updated: t0,
            related: None,
            tags: vec![],
            fields: Default::default(),
            confidential: false,
            attachments: vec![],
            actions: vec![],
            solution: None,
            escalated: false,
            faq: None,
            follow_up: None,
            mail: None,
            description: "It jams.".into(),
        }
    }

    /// Every key `ticket.md` front-matter may hold; others are typos.
    pub const KEYS: &'static [&'static str] = &[
        "id",
        "uid",
        "subject",
        "status",
        "priority",
        "category",
        "requester",
        "assignee",
        "created",
        "updated",
        "related",
        "tags",
        "fields",
        "confidential",
        "attachments",
        "actions",
        "solution",
        "escalated",
        "faq",
        "follow_up",
        "mail",
    ];

    /// Problems a hand edit can introduce that serde cannot see; `now`
    /// tells recorded times from future ones.
    pub fn problems(&self, now: DateTime<Utc>) -> Vec<Problem> {
        let mut out: Vec<Problem> = self.mail.iter().flat_map(|m| m.problems()).collect();
        if self.subject.trim().is_empty() {
            out.push(Problem::at("subject:", "subject is empty"));
        } else if let Some(c) = self.subject.chars().find(|c| c.is_control()) {
            out.push(Problem::at(
                "subject:",
                format!(
                    "subject must be one line of text, but it contains {}",
                    describe_control(c)
                ),
            ));
        }
        if self.uid.trim().is_empty() {
            out.push(Problem::at("uid:", "uid is empty"));
        }
        if self.updated < self.created {
            out.push(Problem::at("updated:", "updated is before created"));
        }
        for (key, at) in [("created", self.created), ("updated", self.updated)] {
            if is_future(at, now) {
                out.push(future_problem(key, at, now));
            }
        }
        if self.status == Status::Resolved && self.solution.is_none() {
            out.push(Problem::at(
                "status:",
                "status is resolved but there is no solution",
            ));
        }
        out.extend(
            self.attachments
                .iter()
                .filter_map(|n| attachment_name_problem(n)),
        );
        if let Some(value) = &self.follow_up {
            if !crate::domain::follow_up::is_stored_form(value) {
                out.push(Problem::at(
                    "follow_up:",
                    "follow_up must be `sha256:` and 64 lowercase hex digits, as `tkt link rotate` writes it",
                ));
            }
        }
        out
    }
}

/// A control character named for an error message.
pub fn describe_control(c: char) -> String {
    match c {
        '\n' | '\r' => "a line break".to_string(),
        '\0' => "a NUL character".to_string(),
        c => format!("the control character U+{:04X}", c as u32),
    }
}

/// Accepts any YAML scalar as a string, so a hand-written `count: 3` in a
/// form field reads the same as `count: "3"`.
pub fn scalar_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(ScalarVisitor)
}

fn scalar_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    #[derive(Deserialize)]
    struct Scalar(#[serde(deserialize_with = "scalar_string")] String);
    let map: BTreeMap<String, Scalar> = BTreeMap::deserialize(d)?;
    Ok(map.into_iter().map(|(k, v)| (k, v.0)).collect())
}

struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a text, number or boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
}
