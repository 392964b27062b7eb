//! Escalation rules (`escalation.rules` in helpdesk.yaml): which rules a
//! ticket has earned now, and what applying them changes. Pure; `tkt sla
//! apply` reads the tickets, calls this and commits one change per ticket.
//!
//! A rule fires at most once per ticket: applying it records its name in
//! the timeline (`sla-rule`), and a recorded rule is never applied again,
//! which makes `tkt sla apply` safe to run from cron as often as wanted.

use crate::domain::lifeline::Lifeline;
use crate::domain::model::service::{EscalationRule, RuleState};
use crate::domain::model::{Change, Config, Ticket};
use crate::domain::sla::{SlaCheck, SlaState};

/// The rules due for a ticket given its SLA checks, in config order.
pub fn due_rules<'a>(
    config: &'a Config,
    ticket: &Ticket,
    life: &Lifeline,
    checks: &[SlaCheck],
) -> Vec<&'a EscalationRule> {
    if ticket.status.is_done() {
        return vec![];
    }
    config
        .escalation
        .rules
        .iter()
        .filter(|rule| !life.rules_applied.contains(&rule.name))
        .filter(|rule| rule.selects(ticket.priority, &ticket.category))
        .filter(|rule| checks.iter().any(|c| triggers(rule, c)))
        .collect()
}

fn triggers(rule: &EscalationRule, check: &SlaCheck) -> bool {
    let hit = match rule.when.state {
        RuleState::Breached => check.state == SlaState::Breached,
        RuleState::AtRisk => matches!(check.state, SlaState::AtRisk | SlaState::Breached),
    };
    check.target == rule.when.target && check.done.is_none() && hit
}

/// Applies the rules to the ticket; returns the changes to record. Later
/// rules win where two set the same field; a rule whose actions change
/// nothing (already urgent, already assigned) is still recorded as applied.
pub fn apply(config: &Config, ticket: &mut Ticket, rules: &[&EscalationRule]) -> Vec<Change> {
    let before = ticket.clone();
    for rule in rules {
        if let Some(change) = rule.then.priority {
            ticket.priority = change.apply(ticket.priority);
        }
        let person = match rule.then.assign.as_deref() {
            Some("contact") => config.escalation.contact.as_deref(),
            other => other,
        };
        if let Some(person) = person {
            ticket.assignee = Some(person.to_string());
        }
        ticket.escalated |= rule.then.escalate;
    }
    let mut changes = Vec::new();
    if before.priority != ticket.priority {
        changes.push(Change::new(
            "priority",
            Some(before.priority),
            Some(ticket.priority),
        ));
    }
    if before.assignee != ticket.assignee {
        changes.push(Change::new(
            "assignee",
            before.assignee.as_ref(),
            ticket.assignee.as_ref(),
        ));
    }
    if before.escalated != ticket.escalated {
        changes.push(Change::new("escalated", Some("no"), Some("yes")));
    }
    changes.extend(
        rules
            .iter()
            .map(|r| Change::new("sla-rule", None::<&str>, Some(&r.name))),
    );
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifeline::fixtures::*;
    use crate::domain::model::{Priority, Status};
    use crate::domain::sla;

    fn config() -> Config {
        let yaml = "name: Desk\n\
            people:\n  - { key: helena, name: Helena, email: h@x.org, role: admin }\n\
            categories:\n  - { key: technical, name: Tech }\n\
            sla:\n  high: { first_response: 4h, resolution: 2d }\n\
            escalation:\n  contact: helena\n  rules:\n\
            \x20   - name: late-answer\n      when: { target: first_response, priority: [high, urgent] }\n\
            \x20     then: { priority: raise, assign: contact, escalate: true }\n";
        Config::parse(yaml).unwrap()
    }

    #[test]
    fn a_breach_fires_the_rule_once() {
        let config = config();
        let mut t = ticket(Status::Open, "high", "2026-01-05T09:00:00Z");
        let life = Lifeline::of(&t, std::iter::empty());
        let policy = &config.sla;
        let early = sla::check(
            policy,
            policy.high.as_ref(),
            &life,
            at("2026-01-05T10:00:00Z"),
        );
        assert!(due_rules(&config, &t, &life, &early).is_empty());
        let late = sla::check(
            policy,
            policy.high.as_ref(),
            &life,
            at("2026-01-05T14:00:00Z"),
        );
        let rules = due_rules(&config, &t, &life, &late);
        assert_eq!(rules.len(), 1);
        let changes = apply(&config, &mut t, &rules);
        assert_eq!(t.priority, Priority::Urgent);
        assert_eq!(t.assignee.as_deref(), Some("helena"));
        assert!(t.escalated);
        let fields: Vec<_> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["priority", "assignee", "escalated", "sla-rule"]);
        // Once recorded, the rule is not due again.
        let mut applied = life.clone();
        applied.rules_applied.push("late-answer".into());
        assert!(due_rules(&config, &t, &applied, &late).is_empty());
    }
}
