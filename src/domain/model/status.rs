//! Ticket statuses and priorities: closed sets with fixed names on disk.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a ticket is in its life. The order is the workflow's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Open,
    InProgress,
    WaitingOnRequester,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::InProgress,
        Status::WaitingOnRequester,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in-progress",
            Status::WaitingOnRequester => "waiting-on-requester",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// Resolved and closed tickets need no more work from operators.
    pub fn is_done(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }
}

/// How urgent a ticket is; ordered from least to most urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    Low,
    Medium,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

macro_rules! closed_set {
    ($ty:ty, $what:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                let wanted = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
                <$ty>::ALL
                    .into_iter()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        let allowed: Vec<_> = <$ty>::ALL.iter().map(|v| v.as_str()).collect();
                        format!(
                            concat!("unknown ", $what, " `{}`; allowed: {}"),
                            s,
                            allowed.join(", ")
                        )
                    })
            }
        }
    };
}

closed_set!(Status, "status");
closed_set!(Priority, "priority");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_leniently() {
        assert_eq!("In Progress".parse::<Status>(), Ok(Status::InProgress));
        assert_eq!(
            "waiting_on_requester".parse::<Status>(),
            Ok(Status::WaitingOnRequester)
        );
        assert_eq!("URGENT".parse::<Priority>(), Ok(Priority::Urgent));
        let err = "done".parse::<Status>().unwrap_err();
        assert!(err.contains("allowed: open, in-progress"), "{err}");
    }

    #[test]
    fn priorities_order_by_urgency() {
        assert!(Priority::Urgent > Priority::High && Priority::Medium > Priority::Low);
    }
}
