//! `mail: notify:` and `mail: transport:` in `helpdesk.yaml`: which
//! notifications go out, to whom and how often, and how they are
//! delivered. Every key has a default, so `notify: {}` (or nothing) means
//! "tell requesters everything, operators nothing, into the outbox".
//! No secret belongs here: SMTP credentials are named by environment
//! variable or by a file outside the repository.

use super::Config;
use crate::domain::model::Span;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailNotify {
    /// What the requester is told.
    #[serde(default)]
    pub requester: RequesterNotices,
    /// Operators told of new tickets, each rule with its own rhythm.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_tickets: Vec<NewTicketRule>,
    /// Escalated tickets are mailed to `escalation.contact`.
    #[serde(default = "yes")]
    pub escalation: bool,
    /// A reminder to the assignee of a ticket nobody has answered this
    /// long after it was registered (once per ticket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unanswered: Option<Unanswered>,
    /// SLA targets at risk or breached are mailed to the assignee, once
    /// per target and state.
    #[serde(default)]
    pub sla: bool,
    /// At most this much automatic mail (acknowledgments, refusals) to
    /// one address: a mail loop with an auto-responder stops here.
    #[serde(default)]
    pub automatic_limit: AutomaticLimit,
}

fn yes() -> bool {
    true
}

/// `unanswered: {after: 4h}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unanswered {
    pub after: Span,
}

/// Which mails the requester gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequesterNotices {
    /// On registration: the folio and the follow-up link.
    #[serde(default = "yes")]
    pub acknowledge: bool,
    /// Public replies by others.
    #[serde(default = "yes")]
    pub replies: bool,
    /// The resolution notice `tkt resolve` writes.
    #[serde(default = "yes")]
    pub resolution: bool,
}

impl Default for RequesterNotices {
    fn default() -> Self {
        RequesterNotices {
            acknowledge: true,
            replies: true,
            resolution: true,
        }
    }
}

/// "Tell these people of new tickets, this often."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTicketRule {
    pub to: Recipients,
    /// `immediately` (one mail per ticket) or a duration such as `1h`
    /// (one digest of the new tickets, at most that often).
    #[serde(default)]
    pub every: Rhythm,
}

/// Whom a rule tells: the ticket category's responsible people, or named
/// people (keys from `people:`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Recipients {
    Keyword(RecipientKeyword),
    People(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecipientKeyword {
    Responsible,
}

/// How often a new-tickets rule mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rhythm {
    #[default]
    Immediately,
    Every(Span),
}

impl Serialize for Rhythm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Rhythm::Immediately => s.serialize_str("immediately"),
            Rhythm::Every(span) => s.serialize_str(&span.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Rhythm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text.trim() == "immediately" {
            return Ok(Rhythm::Immediately);
        }
        text.parse::<Span>().map(Rhythm::Every).map_err(|e| {
            serde::de::Error::custom(format!("every: `immediately` or a duration; {e}"))
        })
    }
}

/// At most `mails` automatic mails per `per` to one address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomaticLimit {
    #[serde(default = "default_limit_mails")]
    pub mails: u32,
    #[serde(default = "default_limit_per")]
    pub per: Span,
}

fn default_limit_mails() -> u32 {
    3
}
fn default_limit_per() -> Span {
    Span { minutes: 10 }
}

impl Default for AutomaticLimit {
    fn default() -> Self {
        AutomaticLimit {
            mails: default_limit_mails(),
            per: default_limit_per(),
        }
    }
}

impl MailNotify {
    /// Problems as (text to find the line by, message).
    pub fn problems(&self, config: &Config) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for rule in &self.new_tickets {
            if let Recipients::People(keys) = &rule.to {
                if keys.is_empty() {
                    out.push((
                        "new_tickets:".to_string(),
                        "mail notify new_tickets: `to:` lists nobody; write `responsible` or person keys".to_string(),
                    ));
                }
                for key in keys {
                    match config.person(key) {
                        None => out.push((
                            "new_tickets:".to_string(),
                            format!("mail notify new_tickets: `{key}` is no person in `people:`"),
                        )),
                        Some(p) if !p.role.is_staff() => out.push((
                            "new_tickets:".to_string(),
                            format!(
                                "mail notify new_tickets: `{key}` is a requester; only operators and admins are told of new tickets"
                            ),
                        )),
                        Some(_) => {}
                    }
                }
            }
            if rule.every == Rhythm::Every(Span { minutes: 0 }) {
                out.push((
                    "every:".to_string(),
                    "mail notify new_tickets every: 0m; write `immediately` or a duration of at least 1m".to_string(),
                ));
            }
        }
        if self.unanswered.is_some_and(|u| u.after.minutes == 0) {
            out.push((
                "unanswered:".to_string(),
                "mail notify unanswered after: 0m; write a duration such as 4h".to_string(),
            ));
        }
        if self.automatic_limit.mails == 0 || self.automatic_limit.per.minutes == 0 {
            out.push((
                "automatic_limit:".to_string(),
                "mail notify automatic_limit needs mails and per above 0 (e.g. {mails: 3, per: 10m})"
                    .to_string(),
            ));
        }
        out
    }
}

/// How mail leaves: an outbox folder (the default), SMTP or a sendmail
/// command.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transport {
    #[serde(default)]
    pub kind: TransportKind,
    /// The outbox folder (`kind: outbox`); default: `.git/tkt/mail/outbox`
    /// of the clone that sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<Smtp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sendmail: Option<Sendmail>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransportKind {
    #[default]
    Outbox,
    Smtp,
    Sendmail,
}

/// An SMTP server. The credentials are never written here: the user
/// name and password come from environment variables or a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    /// Default: 587 for `starttls`, 465 for `tls`, 25 for `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    /// The environment variable holding the user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_env: Option<String>,
    /// The environment variable holding the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// A file (outside the repository) holding the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_file: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (required).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption: only for a server on the same machine or in tests.
    None,
}

impl Smtp {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        })
    }
}

/// A sendmail-compatible command, run as `command -i -f FROM -- TO…`
/// with the message on its standard input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sendmail {
    #[serde(default = "default_sendmail")]
    pub command: String,
}

fn default_sendmail() -> String {
    "/usr/sbin/sendmail".into()
}

impl Transport {
    /// Problems as (text to find the line by, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let p = |needle: &str, message: String| (needle.to_string(), message);
        match self.kind {
            TransportKind::Smtp => match &self.smtp {
                None => out.push(p(
                    "kind:",
                    "mail transport kind: smtp needs an `smtp:` section with at least `host:`"
                        .into(),
                )),
                Some(smtp) => {
                    if smtp.host.trim().is_empty()
                        || smtp.host.contains(|c: char| c.is_whitespace() || c == '/')
                    {
                        out.push(p(
                            "host:",
                            format!("mail smtp host `{}` is not a host name", smtp.host),
                        ));
                    }
                    if smtp.port == Some(0) {
                        out.push(p("port:", "mail smtp port must be 1 to 65535".into()));
                    }
                    for (key, name) in [
                        ("username_env:", &smtp.username_env),
                        ("password_env:", &smtp.password_env),
                    ] {
                        if let Some(name) = name {
                            let ok = !name.is_empty()
                                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                            if !ok {
                                out.push(p(
                                    key,
                                    format!(
                                        "mail smtp {} `{name}` is not an environment variable name (letters, digits, _)",
                                        key.trim_end_matches(':')
                                    ),
                                ));
                            }
                        }
                    }
                    if smtp.password_env.is_some() && smtp.password_file.is_some() {
                        out.push(p(
                            "password_file:",
                            "mail smtp: give password_env or password_file, not both".into(),
                        ));
                    }
                    if let Some(file) = &smtp.password_file {
                        if !file.starts_with('/') {
                            out.push(p(
                                "password_file:",
                                format!(
                                    "mail smtp password_file `{file}` must be an absolute path outside the repository"
                                ),
                            ));
                        }
                    }
                }
            },
            TransportKind::Sendmail => {
                if let Some(s) = &self.sendmail {
                    if s.command.trim().is_empty() {
                        out.push(p("command:", "mail sendmail command is empty".into()));
                    }
                }
            }
            TransportKind::Outbox => {
                if let Some(dir) = &self.outbox {
                    if !dir.starts_with('/') {
                        out.push(p(
                            "outbox:",
                            format!(
                                "mail outbox `{dir}` must be an absolute path outside the repository (mail must never be committed)"
                            ),
                        ));
                    }
                }
            }
        }
        let unused = [
            (
                "smtp:",
                self.smtp.is_some() && self.kind != TransportKind::Smtp,
            ),
            (
                "sendmail:",
                self.sendmail.is_some() && self.kind != TransportKind::Sendmail,
            ),
            (
                "outbox:",
                self.outbox.is_some() && self.kind != TransportKind::Outbox,
            ),
        ];
        for (key, is_unused) in unused {
            if is_unused {
                out.push(p(
                    key,
                    format!(
                        "mail transport `{}` is set but kind is `{}`",
                        key.trim_end_matches(':'),
                        self.kind.as_str()
                    ),
                ));
            }
        }
        out
    }
}

impl TransportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TransportKind::Outbox => "outbox",
            TransportKind::Smtp => "smtp",
            TransportKind::Sendmail => "sendmail",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_tell_the_requester_everything_into_the_outbox() {
        let n: MailNotify = serde_yaml::from_str("{}").unwrap();
        assert!(n.requester.acknowledge && n.requester.replies && n.requester.resolution);
        assert!(n.escalation);
        assert_eq!(n.automatic_limit.mails, 3);
        let t: Transport = serde_yaml::from_str("{}").unwrap();
        assert_eq!(t.kind, TransportKind::Outbox);
    }

    #[test]
    fn rules_read_both_forms_and_typos_are_refused() {
        let n: MailNotify = serde_yaml::from_str(
            "new_tickets:\n- to: responsible\n  every: immediately\n- to: [ana]\n  every: 1h\n",
        )
        .unwrap();
        assert_eq!(
            n.new_tickets[0].to,
            Recipients::Keyword(RecipientKeyword::Responsible)
        );
        assert_eq!(n.new_tickets[1].every, Rhythm::Every(Span { minutes: 60 }));
        assert!(serde_yaml::from_str::<MailNotify>("new_tickets:\n- to: all\n").is_err());
        assert!(
            serde_yaml::from_str::<MailNotify>("new_tickets:\n- to: [a]\n  every: soon\n").is_err()
        );
        assert!(serde_yaml::from_str::<MailNotify>("requester: {ack: true}\n").is_err());
        assert!(serde_yaml::from_str::<Transport>("smtp: {host: x, password: s}\n").is_err());
    }

    #[test]
    fn transport_problems_are_named() {
        let t: Transport = serde_yaml::from_str("kind: smtp\n").unwrap();
        assert!(t.problems()[0].1.contains("needs an `smtp:` section"));
        let t: Transport = serde_yaml::from_str(
            "kind: smtp\nsmtp: {host: 'a b', password_env: 'X-Y', password_file: rel}\n",
        )
        .unwrap();
        let all: Vec<String> = t.problems().into_iter().map(|(_, m)| m).collect();
        let all = all.join("\n");
        for expected in [
            "host `a b` is not a host name",
            "password_env `X-Y` is not an environment variable name",
            "not both",
            "password_file `rel` must be an absolute path",
        ] {
            assert!(all.contains(expected), "{expected:?} not in {all}");
        }
        let t: Transport = serde_yaml::from_str("smtp: {host: x}\n").unwrap();
        assert!(t.problems()[0].1.contains("kind is `outbox`"));
    }
}
