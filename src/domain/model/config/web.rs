//! The web front end's settings (`web:` in `helpdesk.yaml`): who may
//! register tickets through the form, what a requester's follow-up page
//! shows (the administrator's "authority settings"), limits and rate
//! limits, and which other web sites may post the external form. No
//! secret belongs here: `helpdesk.yaml` is committed and pushed; session
//! keys and password hashes live outside the repository's history.

use crate::domain::model::ByteSize;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    /// The address people reach the helpdesk at, e.g.
    /// `https://help.example.org` (links in pages and mail; `https`
    /// makes session cookies `Secure`).
    pub base_url: String,
    #[serde(default)]
    pub registration: Registration,
    /// What requesters see of their own tickets.
    #[serde(default = "RequesterSees::defaults")]
    pub requester_sees: Vec<RequesterSees>,
    /// Whether the form lets requesters choose the priority.
    #[serde(default)]
    pub requester_priority: bool,
    #[serde(default)]
    pub limits: WebLimits,
    #[serde(default)]
    pub rate_limits: RateLimits,
    /// Origins (`https://www.example.org`) whose pages may post the
    /// external registration form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_origins: Vec<String>,
}

/// Who may register a ticket through the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    #[serde(default)]
    pub open_to: OpenTo,
    /// Email domains (`example.org`) allowed when `open_to: domains`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
}

impl Default for Registration {
    fn default() -> Self {
        Registration {
            open_to: OpenTo::People,
            domains: vec![],
        }
    }
}

impl Registration {
    /// Problems as (text to find the line by, message).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        match (self.open_to, self.domains.is_empty()) {
            (OpenTo::Domains, true) => out.push((
                "open_to:",
                "registration open_to: domains needs at least one domain under `domains:`".into(),
            )),
            (OpenTo::Anyone | OpenTo::People, false) => out.push((
                "domains:",
                "registration domains are used only with open_to: domains".into(),
            )),
            _ => {}
        }
        for domain in &self.domains {
            let valid = domain.contains('.')
                && !domain.starts_with(['.', '@'])
                && domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            if !valid {
                out.push((
                    "domains:",
                    format!("registration domain `{domain}` is not a domain such as example.org"),
                ));
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpenTo {
    /// Anyone with an email address; a new one becomes a requester.
    Anyone,
    /// Only people already in `helpdesk.yaml`.
    #[default]
    People,
    /// Addresses of the listed domains; a new one becomes a requester.
    Domains,
}

/// One thing a requester's follow-up page may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequesterSees {
    Status,
    /// Public replies (internal notes are never shown).
    Replies,
    Actions,
    Assignee,
    Attachments,
}

impl RequesterSees {
    fn defaults() -> Vec<RequesterSees> {
        vec![RequesterSees::Status, RequesterSees::Replies]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebLimits {
    #[serde(default = "default_subject_chars")]
    pub subject_chars: usize,
    #[serde(default = "default_description_chars")]
    pub description_chars: usize,
    /// Per attachment (the tracker-wide `attachments.max_size` still holds).
    #[serde(default = "default_attachment_size")]
    pub attachment_size: ByteSize,
    /// Attachments per form.
    #[serde(default = "default_attachments")]
    pub attachments: usize,
}

fn default_subject_chars() -> usize {
    200
}
fn default_description_chars() -> usize {
    20_000
}
fn default_attachment_size() -> ByteSize {
    ByteSize { bytes: 5 << 20 }
}
fn default_attachments() -> usize {
    5
}

impl Default for WebLimits {
    fn default() -> Self {
        WebLimits {
            subject_chars: default_subject_chars(),
            description_chars: default_description_chars(),
            attachment_size: default_attachment_size(),
            attachments: default_attachments(),
        }
    }
}

/// Per client address and hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    #[serde(default = "default_registrations")]
    pub registrations_per_hour: u32,
    #[serde(default = "default_replies")]
    pub replies_per_hour: u32,
    #[serde(default = "default_sign_ins")]
    pub sign_ins_per_hour: u32,
}

fn default_registrations() -> u32 {
    10
}
fn default_replies() -> u32 {
    30
}
fn default_sign_ins() -> u32 {
    10
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            registrations_per_hour: default_registrations(),
            replies_per_hour: default_replies(),
            sign_ins_per_hour: default_sign_ins(),
        }
    }
}

impl WebSettings {
    /// What is wrong with the settings, each with the key to point at.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Err(why) = check_origin(&self.base_url, true) {
            out.push(("base_url:", format!("web base_url {why}")));
        }
        for origin in &self.allowed_origins {
            if let Err(why) = check_origin(origin, false) {
                out.push(("allowed_origins:", format!("allowed origin {why}")));
            }
        }
        out.extend(self.registration.problems());
        let limits = &self.limits;
        for (key, value, range) in [
            ("subject_chars:", limits.subject_chars, 10..=1000),
            (
                "description_chars:",
                limits.description_chars,
                100..=500_000,
            ),
            ("attachments:", limits.attachments, 0..=20),
        ] {
            if !range.contains(&value) {
                out.push((
                    key,
                    format!(
                        "web limit {} must be {} to {}, not {value}",
                        key.trim_end_matches(':'),
                        range.start(),
                        range.end()
                    ),
                ));
            }
        }
        let rates = &self.rate_limits;
        for (key, value) in [
            ("registrations_per_hour:", rates.registrations_per_hour),
            ("replies_per_hour:", rates.replies_per_hour),
            ("sign_ins_per_hour:", rates.sign_ins_per_hour),
        ] {
            if !(1..=10_000).contains(&value) {
                out.push((
                    key,
                    format!(
                        "rate limit {} must be 1 to 10000, not {value}",
                        key.trim_end_matches(':')
                    ),
                ));
            }
        }
        out
    }
}

/// `scheme://host[:port]` with `http` or `https`, no path (the base URL
/// may end in one `/`), no user info.
fn check_origin(value: &str, may_end_in_slash: bool) -> Result<(), String> {
    let trimmed = if may_end_in_slash {
        value.strip_suffix('/').unwrap_or(value)
    } else {
        value
    };
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| format!("`{value}` must start with https:// (or http://)"))?;
    let host_ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !host_ok {
        return Err(format!(
            "`{value}` must be scheme and host only, e.g. https://help.example.org"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(yaml: &str) -> WebSettings {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn defaults_are_closed_and_modest() {
        let web = settings("base_url: https://help.example.org\n");
        assert_eq!(web.registration.open_to, OpenTo::People);
        assert_eq!(
            web.requester_sees,
            vec![RequesterSees::Status, RequesterSees::Replies]
        );
        assert!(!web.requester_priority);
        assert_eq!(web.limits.attachments, 5);
        assert!(web.problems().is_empty());
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(serde_yaml::from_str::<WebSettings>(
            "base_url: https://x.org\nregistraton: {open_to: anyone}\n"
        )
        .is_err());
        assert!(serde_yaml::from_str::<WebSettings>(
            "base_url: https://x.org\nrequester_sees: [notes]\n"
        )
        .is_err());
    }

    #[test]
    fn each_bad_value_is_named() {
        let web = settings(
            "base_url: help.example.org/path\n\
             registration: {open_to: domains}\n\
             allowed_origins: [https://www.example.org/form]\n\
             limits: {attachments: 50}\n\
             rate_limits: {sign_ins_per_hour: 0}\n",
        );
        let problems: Vec<String> = web.problems().into_iter().map(|(_, m)| m).collect();
        let all = problems.join("\n");
        for expected in [
            "web base_url `help.example.org/path` must start with https://",
            "allowed origin `https://www.example.org/form` must be scheme and host only",
            "open_to: domains needs at least one domain",
            "web limit attachments must be 0 to 20, not 50",
            "rate limit sign_ins_per_hour must be 1 to 10000, not 0",
        ] {
            assert!(all.contains(expected), "{expected:?} not in:\n{all}");
        }
    }
}
