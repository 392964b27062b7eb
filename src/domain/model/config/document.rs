//! The `helpdesk.yaml` document as a whole: the `Config` type with its
//! top-level settings (assignment, attachment limits) and the starter
//! configuration `tkt init` writes. The sections it holds (people,
//! categories, views) each have their own module.

use super::{Category, Person, View};
use crate::domain::model::service::{Escalation, SlaPolicy, SlaTarget};
use crate::domain::model::{ByteSize, FolioFormat};
use serde::{Deserialize, Serialize};

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
    /// Whether every change syncs with the remote on its own.
    #[serde(default, skip_serializing_if = "is_default")]
    pub sync: SyncSettings,
    /// The web front end (`tkt serve`'s forms); absent: read-only site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<super::WebSettings>,
    /// Email in and out (`tkt mail import`, `tkt notify send`); absent:
    /// no mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<super::MailSettings>,
}

/// Auto-sync (`sync:`): every command that writes integrates the remote's
/// work before it allocates a folio and pushes after it commits, so a
/// folio shown online is final at once. Offline, it commits locally and
/// says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    #[serde(default)]
    pub auto: bool,
    /// The remote to sync with; default: the branch's upstream, else
    /// `origin` (as `tkt sync`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    /// The longest a command waits for the remote, fetch and push
    /// together, in seconds (1 to 300).
    #[serde(default = "default_sync_timeout")]
    pub timeout_seconds: u64,
}

fn default_sync_timeout() -> u64 {
    10
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            auto: false,
            remote: None,
            timeout_seconds: default_sync_timeout(),
        }
    }
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

impl Config {
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
            sync: SyncSettings::default(),
            web: None,
            mail: None,
        }
    }
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::config::Role;

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
}
