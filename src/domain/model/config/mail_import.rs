//! `mail: import:` in `helpdesk.yaml`: how incoming mail becomes tickets,
//! replies and notes (rules, who may register by mail, what happens to
//! unknown senders).

use super::Config;
use serde::{Deserialize, Serialize};

/// (Filled in by the mail import work.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailImport {}

impl MailImport {
    /// Problems as (text to find the line by, message).
    pub fn problems(&self, _config: &Config) -> Vec<(String, String)> {
        vec![]
    }
}
