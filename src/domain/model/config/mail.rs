//! Email settings (`mail:` in `helpdesk.yaml`): the helpdesk's own
//! address, how incoming mail becomes tickets and replies (`import:`,
//! see `mail_import`), and which notifications go out and how
//! (`notify:` and `transport:`, see `mail_notify`). No secret belongs
//! here: SMTP credentials come from the environment or a file outside
//! the repository.

use super::mail_import::MailImport;
use super::mail_notify::{MailNotify, Transport};
use super::Config;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// The helpdesk's address (`helpdesk@example.org`): the sender of its
    /// mail, and the domain of its `Message-ID`s, so replies to them are
    /// recognised.
    pub address: String,
    /// The display name on outgoing mail; default: the tracker's `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub import: MailImport,
    #[serde(default)]
    pub notify: MailNotify,
    #[serde(default)]
    pub transport: Transport,
}

impl MailSettings {
    /// The part after `@` of the helpdesk's address, lower-cased.
    pub fn domain(&self) -> String {
        self.address
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// Problems as (text to find the line by, message).
    pub fn problems(&self, config: &Config) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if !crate::domain::registration::looks_like_email(&self.address) {
            out.push((
                "address:".to_string(),
                format!(
                    "mail address `{}` is not an email address (like helpdesk@example.org)",
                    self.address
                ),
            ));
        }
        out.extend(self.import.problems(config));
        out.extend(self.notify.problems(config));
        out.extend(self.transport.problems());
        out
    }
}
