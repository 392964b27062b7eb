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
