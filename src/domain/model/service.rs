//! Service levels and escalation as configured in `helpdesk.yaml`: the
//! targets per priority, the business calendar, which statuses pause the
//! clock, and the rules `tkt sla apply` follows when a target slips.

use super::{Priority, Span, Status};
use crate::domain::business_hours::BusinessHours;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The `sla:` section. Targets sit under their priority's name, beside the
/// settings that shape every clock, so older trackers (targets only) read
/// unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<SlaTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<SlaTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<SlaTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent: Option<SlaTarget>,
    /// When set, every SLA duration counts business time only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<BusinessHours>,
    /// Statuses during which no clock runs (the team is waiting on someone).
    #[serde(default = "default_pause")]
    pub pause: Vec<Status>,
    /// Share of the allowed time after which an unmet target is at risk.
    #[serde(default)]
    pub at_risk: Share,
}

fn default_pause() -> Vec<Status> {
    vec![Status::WaitingOnRequester]
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy {
            low: None,
            medium: None,
            high: None,
            urgent: None,
            business_hours: None,
            pause: default_pause(),
            at_risk: Share::default(),
        }
    }
}

impl SlaPolicy {
    pub fn target(&self, priority: Priority) -> Option<&SlaTarget> {
        match priority {
            Priority::Low => self.low.as_ref(),
            Priority::Medium => self.medium.as_ref(),
            Priority::High => self.high.as_ref(),
            Priority::Urgent => self.urgent.as_ref(),
        }
    }

    pub fn target_mut(&mut self, priority: Priority) -> &mut Option<SlaTarget> {
        match priority {
            Priority::Low => &mut self.low,
            Priority::Medium => &mut self.medium,
            Priority::High => &mut self.high,
            Priority::Urgent => &mut self.urgent,
        }
    }

    /// Whether the clocks stand still in `status`.
    pub fn pauses(&self, status: Status) -> bool {
        self.pause.contains(&status)
    }

    pub(super) fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for status in &self.pause {
            if status.is_done() {
                out.push((
                    "pause:".to_string(),
                    format!(
                        "sla.pause lists `{status}`; clocks already stop at resolved and closed, \
                         so pause may list only open, in-progress or waiting-on-requester"
                    ),
                ));
            }
        }
        for p in Priority::ALL {
            let Some(t) = self.target(p) else { continue };
            for (name, span) in t.spans() {
                if span.minutes == 0 {
                    out.push((
                        format!("{p}:"),
                        format!("sla.{p}.{} is 0; a target needs some time", name.as_str()),
                    ));
                }
            }
        }
        out
    }
}

/// The targets of one priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    pub first_response: Span,
    pub resolution: Span,
    /// After each requester reply, the next operator reply is due within this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_reply: Option<Span>,
}

impl SlaTarget {
    pub fn new(first_response: Span, resolution: Span) -> SlaTarget {
        SlaTarget {
            first_response,
            resolution,
            next_reply: None,
        }
    }

    /// Each configured target with its allowed time.
    pub fn spans(&self) -> impl Iterator<Item = (TargetKind, Span)> + '_ {
        [
            (TargetKind::FirstResponse, Some(self.first_response)),
            (TargetKind::NextReply, self.next_reply),
            (TargetKind::Resolution, Some(self.resolution)),
        ]
        .into_iter()
        .filter_map(|(k, s)| s.map(|s| (k, s)))
    }

    pub fn span(&self, kind: TargetKind) -> Option<Span> {
        self.spans().find(|(k, _)| *k == kind).map(|(_, s)| s)
    }
}

/// What a target measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    FirstResponse,
    NextReply,
    Resolution,
}

impl TargetKind {
    pub const ALL: [TargetKind; 3] = [
        TargetKind::FirstResponse,
        TargetKind::NextReply,
        TargetKind::Resolution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::FirstResponse => "first_response",
            TargetKind::NextReply => "next_reply",
            TargetKind::Resolution => "resolution",
        }
    }

    /// For people: "first response".
    pub fn label(self) -> &'static str {
        match self {
            TargetKind::FirstResponse => "first response",
            TargetKind::NextReply => "next reply",
            TargetKind::Resolution => "resolution",
        }
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A share between 0 and 1, written `75%` (or a bare number of percent).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Share(pub f64);

impl Default for Share {
    fn default() -> Self {
        Share(0.75)
    }
}

impl std::str::FromStr for Share {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let number = s.trim().trim_end_matches('%').trim();
        match number.parse::<f64>() {
            Ok(p) if (1.0..=100.0).contains(&p) => Ok(Share(p / 100.0)),
            _ => Err(format!(
                "`{s}` is not a share; write a percentage between 1% and 100%, e.g. 75%"
            )),
        }
    }
}

impl Serialize for Share {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}%", (self.0 * 1000.0).round() / 10.0))
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = crate::domain::model::ticket::scalar_string(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The `escalation:` section: who takes escalated tickets, and the rules
/// `tkt sla apply` runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// The person `tkt escalate` hands tickets to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<EscalationRule>,
}

/// "When this target of such tickets is in this state, do that."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationRule {
    /// Recorded on the ticket when the rule fires, so it fires only once.
    pub name: String,
    pub when: RuleCondition,
    pub then: RuleAction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleCondition {
    pub target: TargetKind,
    /// `breached` (default) or `at-risk` (at risk or already breached).
    #[serde(default)]
    pub state: RuleState,
    /// Only tickets of these priorities (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priority: Vec<Priority>,
    /// Only tickets of these categories (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleState {
    #[default]
    Breached,
    AtRisk,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleAction {
    /// `raise` (one step up) or a priority to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<PriorityChange>,
    /// A person key, or `contact` for the escalation contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign: Option<String>,
    /// Also mark the ticket escalated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub escalate: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityChange {
    Raise,
    To(Priority),
}

impl PriorityChange {
    /// The priority a ticket at `from` ends up with.
    pub fn apply(self, from: Priority) -> Priority {
        match self {
            PriorityChange::To(p) => p,
            PriorityChange::Raise => match from {
                Priority::Low => Priority::Medium,
                Priority::Medium => Priority::High,
                Priority::High | Priority::Urgent => Priority::Urgent,
            },
        }
    }
}

impl Serialize for PriorityChange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PriorityChange::Raise => s.serialize_str("raise"),
            PriorityChange::To(p) => s.serialize_str(p.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for PriorityChange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text.trim() == "raise" {
            return Ok(PriorityChange::Raise);
        }
        text.parse().map(PriorityChange::To).map_err(|_| {
            serde::de::Error::custom(format!(
                "`{text}` is not a priority change; write raise, low, medium, high or urgent"
            ))
        })
    }
}

impl EscalationRule {
    /// Whether the rule's filters select a ticket of this priority and category.
    pub fn selects(&self, priority: Priority, category: &str) -> bool {
        (self.when.priority.is_empty() || self.when.priority.contains(&priority))
            && (self.when.category.is_empty() || self.when.category.iter().any(|c| c == category))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_priority_changes() {
        assert_eq!("75%".parse::<Share>().unwrap(), Share(0.75));
        assert_eq!("80".parse::<Share>().unwrap(), Share(0.8));
        assert!("0%".parse::<Share>().is_err());
        assert!(
            "0.75".parse::<Share>().is_err(),
            "a fraction is not a percentage"
        );
        assert!("150%".parse::<Share>().is_err());
        assert_eq!(PriorityChange::Raise.apply(Priority::Low), Priority::Medium);
        assert_eq!(
            PriorityChange::Raise.apply(Priority::Urgent),
            Priority::Urgent
        );
        let yaml = "name: r\nwhen: { target: first_response, priority: [high] }\nthen: { priority: raise, assign: contact }\n";
        let rule: EscalationRule = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(rule.when.state, RuleState::Breached);
        assert!(rule.selects(Priority::High, "x") && !rule.selects(Priority::Low, "x"));
        assert_eq!(rule.then.priority, Some(PriorityChange::Raise));
    }
}
