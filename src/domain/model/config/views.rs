//! Saved views: named filters for customised ticket lists
//! (`tkt list --view NAME`), defined under `views:` in `helpdesk.yaml`.

use crate::domain::model::{Priority, Status};
use serde::{Deserialize, Serialize};

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
