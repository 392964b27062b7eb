//! Service-level state of a ticket: for each target of its priority, when
//! it is due and whether it was met. Pure: the caller says what "now" is.
//!
//! Durations are calendar time here; business hours and pauses while
//! waiting on the requester refine the clock later without changing this
//! interface.

use crate::model::{Config, Ticket};
use crate::report::TicketFacts;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// Share of the allowed time after which an unmet target is at risk.
pub const AT_RISK_SHARE: f64 = 0.75;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlaState {
    Met,
    Breached,
    AtRisk,
    OnTrack,
}

impl SlaState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Met => "met",
            SlaState::Breached => "breached",
            SlaState::AtRisk => "at-risk",
            SlaState::OnTrack => "on-track",
        }
    }
}

/// One target's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaCheck {
    /// `first_response` or `resolution`.
    pub target: &'static str,
    pub allowed: Duration,
    pub due: DateTime<Utc>,
    /// When the target was reached, if it was.
    pub done: Option<DateTime<Utc>>,
    pub state: SlaState,
}

/// Checks a ticket against its priority's targets; none if the config
/// sets no target for that priority.
pub fn check(
    config: &Config,
    ticket: &Ticket,
    facts: &TicketFacts,
    now: DateTime<Utc>,
) -> Vec<SlaCheck> {
    let Some(target) = config.sla.get(&ticket.priority) else {
        return vec![];
    };
    let first = facts.first_response.or(facts.first_resolved);
    [
        ("first_response", target.first_response.minutes, first),
        ("resolution", target.resolution.minutes, facts.resolved),
    ]
    .into_iter()
    .map(|(name, minutes, done)| verdict(name, ticket.created, minutes, done, now))
    .collect()
}

fn verdict(
    target: &'static str,
    start: DateTime<Utc>,
    minutes: u64,
    done: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> SlaCheck {
    let allowed = Duration::minutes(i64::try_from(minutes).unwrap_or(i64::MAX / 120_000));
    let due = start + allowed;
    let state = match done {
        Some(at) if at <= due => SlaState::Met,
        Some(_) => SlaState::Breached,
        None if now > due => SlaState::Breached,
        None => {
            let used = (now - start).num_seconds() as f64;
            if used >= allowed.num_seconds() as f64 * AT_RISK_SHARE {
                SlaState::AtRisk
            } else {
                SlaState::OnTrack
            }
        }
    };
    SlaCheck {
        target,
        allowed,
        due,
        done,
        state,
    }
}

/// The worst state among a ticket's checks, for lists and the dashboard.
pub fn worst(checks: &[SlaCheck]) -> Option<SlaState> {
    let rank = |s: SlaState| match s {
        SlaState::Breached => 3,
        SlaState::AtRisk => 2,
        SlaState::OnTrack => 1,
        SlaState::Met => 0,
    };
    checks.iter().map(|c| c.state).max_by_key(|s| rank(*s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn states() {
        let start = at("2026-01-05T09:00:00Z");
        let four_hours = 240;
        let v = |done: Option<&str>, now: &str| {
            verdict("x", start, four_hours, done.map(at), at(now)).state
        };
        assert_eq!(
            v(Some("2026-01-05T12:00:00Z"), "2026-02-01T00:00:00Z"),
            SlaState::Met
        );
        assert_eq!(
            v(Some("2026-01-05T13:01:00Z"), "2026-02-01T00:00:00Z"),
            SlaState::Breached
        );
        assert_eq!(v(None, "2026-01-05T13:01:00Z"), SlaState::Breached);
        assert_eq!(v(None, "2026-01-05T12:00:00Z"), SlaState::AtRisk);
        assert_eq!(v(None, "2026-01-05T10:00:00Z"), SlaState::OnTrack);
    }
}
