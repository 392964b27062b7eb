//! `mail: notify:` and `mail: transport:` in `helpdesk.yaml`: which
//! notifications go out, to whom and how often, and how they are
//! delivered.

use super::Config;
use serde::{Deserialize, Serialize};

/// (Filled in by the notifications work.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailNotify {}

impl MailNotify {
    /// Problems as (text to find the line by, message).
    pub fn problems(&self, _config: &Config) -> Vec<(String, String)> {
        vec![]
    }
}

/// (Filled in by the notifications work.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transport {}

impl Transport {
    /// Problems as (text to find the line by, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        vec![]
    }
}
