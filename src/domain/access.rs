//! Access rules: who may do what to a ticket, and who may see what of it.
//!
//! One pure module that every read and write path asks, so the CLI, the
//! site and the web front end can never disagree. The rules, as a table,
//! are in docs/ACCESS.md; the tests below are that table.
//!
//! Three roles: admins (everything, and people), operators (all ticket
//! work) and requesters (file tickets and follow, answer, confirm, reopen
//! and escalate **their own**). On a local clone the actor is declared
//! (`--as`), not authenticated; on the web these rules are authorisation.

use crate::domain::model::{Entry, EntryKind, Person, Role, Status, Ticket};
use crate::domain::refusal::Refusal;

/// Something a person asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Register a ticket in one's own name.
    Register,
    /// Register a ticket in someone else's name.
    RegisterFor,
    /// Choose the assignee of a new ticket instead of the rotation.
    ChooseAssignee,
    /// Post a public reply.
    Reply,
    /// Write an internal note.
    Note,
    /// Set a status other than closed by hand (or with a post).
    SetStatus,
    Assign,
    Take,
    SetPriority,
    ManageActions,
    Resolve,
    /// Close: confirm a resolution, or archive.
    Close,
    Reopen,
    Escalate,
    RecordTime,
    ApplyEscalationRules,
    /// Write, edit or remove FAQ entries (from a ticket too).
    EditFaq,
    /// Write, edit or remove canned answers.
    EditCanned,
    /// Fill a canned answer in for a ticket.
    UseCanned,
    AddPerson,
    /// Audit the history (`tkt audit`); there is no auditor role, so the
    /// team (admins and operators) may.
    Audit,
    /// Issue (or reissue) a requester's follow-up link.
    IssueLink,
}

impl Act {
    /// The words after "only operators and admins can …".
    fn words(self) -> &'static str {
        match self {
            Act::Register => "register tickets",
            Act::RegisterFor => "register tickets for someone else",
            Act::ChooseAssignee => "choose who a ticket is assigned to",
            Act::Reply => "reply to other people's tickets",
            Act::Note => "write internal notes",
            Act::SetStatus => "change the status",
            Act::Assign => "assign tickets",
            Act::Take => "take tickets over",
            Act::SetPriority => "change priorities",
            Act::ManageActions => "manage actions",
            Act::Resolve => "resolve tickets",
            Act::Close | Act::Reopen => "close or reopen other people's tickets",
            Act::Escalate => "escalate other people's tickets",
            Act::RecordTime => "record time spent",
            Act::ApplyEscalationRules => "apply escalation rules",
            Act::EditFaq => "write FAQ entries",
            Act::EditCanned => "write canned answers",
            Act::UseCanned => "use canned answers",
            Act::AddPerson => "register people",
            Act::Audit => "audit the history",
            Act::IssueLink => "issue follow-up links",
        }
    }

    /// Acts a requester may do on a ticket of their own.
    fn open_to_the_requester(self) -> bool {
        matches!(
            self,
            Act::Register | Act::Reply | Act::Close | Act::Reopen | Act::Escalate
        )
    }
}

/// May `actor` do `act` (to `ticket`, when the act concerns one)?
///
/// A requester asking about another person's confidential ticket is told it
/// does not exist: its existence is itself confidential.
pub fn check(actor: &Person, act: Act, ticket: Option<&Ticket>) -> Result<(), Refusal> {
    if let Some(t) = ticket {
        if !may_see_ticket(&Viewer::Person(actor), t) {
            return Err(Refusal::not_found(format!("no ticket {}", t.id)));
        }
    }
    match actor.role {
        Role::Admin => Ok(()),
        Role::Operator if act == Act::AddPerson => Err(Refusal::forbidden(format!(
            "{} is not an admin; only admins register people",
            actor.key
        ))),
        Role::Operator => Ok(()),
        Role::Requester => {
            let own = ticket.is_none_or(|t| t.requester == actor.key);
            if act.open_to_the_requester() && own {
                return Ok(());
            }
            if act == Act::AddPerson {
                return Err(Refusal::forbidden(format!(
                    "{} is not an admin; only admins register people",
                    actor.key
                )));
            }
            Err(Refusal::forbidden(format!(
                "{} is a requester; only operators and admins can {}",
                actor.key,
                act.words()
            )))
        }
    }
}

/// Whether `actor` may set `target`'s password for signing in to the
/// web front end: everyone their own, admins anyone's.
pub fn may_set_password(actor: &Person, target: &Person) -> Result<(), Refusal> {
    if actor.key == target.key || actor.role == Role::Admin {
        return Ok(());
    }
    Err(Refusal::forbidden(format!(
        "{} is not an admin; only admins set other people's passwords",
        actor.key
    )))
}

/// The act a status change by hand amounts to: closing is confirming (the
/// requester may), every other status is team work.
pub fn status_act(to: Status) -> Act {
    if to == Status::Closed {
        Act::Close
    } else {
        Act::SetStatus
    }
}

/// Who is looking.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    /// A registered person: staff see everything, requesters their own
    /// tickets and the non-confidential ones of others.
    Person(&'a Person),
    /// Anyone: the public site, or a reader nobody could identify.
    Public,
}

impl Viewer<'_> {
    pub fn is_staff(&self) -> bool {
        matches!(self, Viewer::Person(p) if p.role.is_staff())
    }

    pub fn key(&self) -> Option<&str> {
        match self {
            Viewer::Person(p) => Some(&p.key),
            Viewer::Public => None,
        }
    }

    fn is_requester_of(&self, t: &Ticket) -> bool {
        self.key() == Some(t.requester.as_str())
    }
}

/// Whether the ticket exists at all for this viewer. The public audience
/// sees no tickets (only the FAQ and figures); a requester sees their own
/// and everyone's non-confidential tickets.
pub fn may_see_ticket(viewer: &Viewer, t: &Ticket) -> bool {
    match viewer {
        Viewer::Public => false,
        Viewer::Person(p) if p.role.is_staff() => true,
        Viewer::Person(_) => !t.confidential || viewer.is_requester_of(t),
    }
}

/// Whether a timeline entry of a visible ticket shows: internal notes are
/// for the team only.
pub fn may_see_entry(viewer: &Viewer, entry: &Entry) -> bool {
    entry.kind != EntryKind::Note || viewer.is_staff()
}

/// A visible ticket as `viewer` may read it: the mail it came from (who
/// wrote, who was copied) is for the team only, as every other person's
/// address is.
pub fn as_seen_by(viewer: &Viewer, mut ticket: Ticket) -> Ticket {
    if !viewer.is_staff() {
        ticket.mail = None;
    }
    ticket
}

/// A visible timeline entry as `viewer` may read it (see [`as_seen_by`]).
pub fn entry_as_seen_by(viewer: &Viewer, mut entry: Entry) -> Entry {
    if !viewer.is_staff() {
        entry.mail = None;
    }
    entry
}

/// Whether a commit of a ticket's audit trail shows, from its `Action:`
/// trailer (`None` for a commit not made by tkt). Notes are internal, and a
/// hand-made commit may hold anything, so both are for the team only.
pub fn may_see_commit(viewer: &Viewer, action: Option<&str>) -> bool {
    viewer.is_staff() || matches!(action, Some(a) if a != "note")
}

/// Whether the source ticket of an FAQ entry (its provenance) shows.
pub fn may_see_faq_source(viewer: &Viewer) -> bool {
    viewer.is_staff()
}

/// Whether a person's email address shows: the team sees all, a requester
/// their own, the public none.
pub fn may_see_email_of(viewer: &Viewer, person_key: &str) -> bool {
    viewer.is_staff() || viewer.key() == Some(person_key)
}

/// Text for the public audience: every email address in it masked, keeping
/// the first character and the domain (`r•••@example.org`), so an address
/// typed into a description never reaches a public page.
pub fn mask_emails(text: &str) -> String {
    if !text.contains('@') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let before = &rest[..at];
        let local_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_local_char(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let after = &rest[at + 1..];
        let domain_len = after
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let domain = after[..domain_len].trim_end_matches('.');
        if local_start == at || !domain.contains('.') {
            out.push_str(&rest[..=at]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..local_start]);
        let first = before[local_start..].chars().next().unwrap_or('?');
        out.push(first);
        out.push_str("•••@");
        out.push_str(domain);
        rest = &after[domain.len()..];
    }
    out.push_str(rest);
    out
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || "._%+-".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::refusal::RefusalKind;
    use chrono::{TimeZone, Utc};

    fn person(key: &str, role: Role) -> Person {
        Person {
            key: key.into(),
            name: key.into(),
            email: format!("{key}@example.org"),
            role,
        }
    }

    fn ticket(requester: &str, confidential: bool) -> Ticket {
        Ticket {
            requester: requester.into(),
            confidential,
            ..Ticket::sample(Status::Open)
        }
    }

    const TICKET_ACTS: [Act; 15] = [
        Act::Reply,
        Act::Note,
        Act::SetStatus,
        Act::Assign,
        Act::Take,
        Act::SetPriority,
        Act::ManageActions,
        Act::Resolve,
        Act::Close,
        Act::Reopen,
        Act::Escalate,
        Act::RecordTime,
        Act::UseCanned,
        Act::ApplyEscalationRules,
        Act::EditFaq,
    ];

    /// The permission matrix: each role × each act × own, someone else's
    /// and someone else's confidential ticket.
    #[test]
    fn permission_matrix() {
        let admin = person("ana", Role::Admin);
        let operator = person("ben", Role::Operator);
        let rita = person("rita", Role::Requester);
        let own = ticket("rita", false);
        let own_secret = ticket("rita", true);
        let other = ticket("sam", false);
        let other_secret = ticket("sam", true);
        for act in TICKET_ACTS {
            for t in [&own, &own_secret, &other, &other_secret] {
                assert_eq!(check(&admin, act, Some(t)), Ok(()), "admin {act:?}");
                assert_eq!(check(&operator, act, Some(t)), Ok(()), "operator {act:?}");
            }
            let requester_may =
                matches!(act, Act::Reply | Act::Close | Act::Reopen | Act::Escalate);
            for t in [&own, &own_secret] {
                let got = check(&rita, act, Some(t)).map_err(|r| r.kind);
                let want = if requester_may {
                    Ok(())
                } else {
                    Err(RefusalKind::Forbidden)
                };
                assert_eq!(got, want, "requester {act:?} on own ticket");
            }
            assert_eq!(
                check(&rita, act, Some(&other)).map_err(|r| r.kind),
                Err(RefusalKind::Forbidden),
                "requester {act:?} on someone else's ticket"
            );
            assert_eq!(
                check(&rita, act, Some(&other_secret)).map_err(|r| r.kind),
                Err(RefusalKind::NotFound),
                "requester {act:?} on someone else's confidential ticket"
            );
        }
    }

    #[test]
    fn acts_without_a_ticket() {
        let admin = person("ana", Role::Admin);
        let operator = person("ben", Role::Operator);
        let rita = person("rita", Role::Requester);
        assert_eq!(check(&rita, Act::Register, None), Ok(()));
        for act in [Act::RegisterFor, Act::ChooseAssignee, Act::EditCanned] {
            assert_eq!(
                check(&rita, act, None).map_err(|r| r.kind),
                Err(RefusalKind::Forbidden)
            );
            assert_eq!(check(&operator, act, None), Ok(()));
        }
        assert_eq!(check(&admin, Act::AddPerson, None), Ok(()));
        for who in [&operator, &rita] {
            let refusal = check(who, Act::AddPerson, None).unwrap_err();
            assert_eq!(refusal.kind, RefusalKind::Forbidden);
            assert!(refusal.message.contains("only admins register people"));
        }
    }

    #[test]
    fn messages_name_the_person_and_the_act() {
        let rita = person("rita", Role::Requester);
        let refusal = check(&rita, Act::Note, Some(&ticket("rita", false))).unwrap_err();
        assert_eq!(
            refusal.message,
            "rita is a requester; only operators and admins can write internal notes"
        );
        let hidden = check(&rita, Act::Reply, Some(&ticket("sam", true))).unwrap_err();
        assert_eq!(hidden.message, "no ticket TKT001");
    }

    #[test]
    fn the_mail_a_ticket_came_from_is_for_the_team() {
        let operator = person("ben", Role::Operator);
        let rita = person("rita", Role::Requester);
        let mut t = ticket("rita", false);
        t.mail = Some(crate::domain::model::MailOrigin {
            message_id: "a@b".into(),
            from: "Rita <rita@example.org>".into(),
            cc: vec!["sam@example.org".into()],
            automatic: None,
            review: false,
        });
        assert!(as_seen_by(&Viewer::Person(&operator), t.clone())
            .mail
            .is_some());
        assert!(as_seen_by(&Viewer::Person(&rita), t).mail.is_none());
    }

    #[test]
    fn visibility() {
        let operator = person("ben", Role::Operator);
        let rita = person("rita", Role::Requester);
        let staff = Viewer::Person(&operator);
        let requester = Viewer::Person(&rita);
        let secret = ticket("sam", true);
        assert!(may_see_ticket(&staff, &secret));
        assert!(!may_see_ticket(&requester, &secret));
        assert!(may_see_ticket(&requester, &ticket("rita", true)));
        assert!(may_see_ticket(&requester, &ticket("sam", false)));
        assert!(!may_see_ticket(&Viewer::Public, &ticket("sam", false)));
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let note = Entry {
            author: "ben".into(),
            date: t0,
            kind: EntryKind::Note,
            changes: vec![],
            attachments: vec![],
            time_spent: None,
            mail: None,
            body: "internal".into(),
        };
        assert!(may_see_entry(&staff, &note));
        assert!(!may_see_entry(&requester, &note));
        let reply = Entry {
            kind: EntryKind::Reply,
            ..note
        };
        assert!(may_see_entry(&requester, &reply));
        assert!(may_see_commit(&requester, Some("reply")));
        assert!(!may_see_commit(&requester, Some("note")));
        assert!(!may_see_commit(&requester, None));
        assert!(may_see_commit(&staff, None));
        assert!(!may_see_faq_source(&requester));
        assert!(may_see_email_of(&requester, "rita"));
        assert!(!may_see_email_of(&requester, "ben"));
        assert!(!may_see_email_of(&Viewer::Public, "rita"));
    }

    #[test]
    fn emails_are_masked() {
        assert_eq!(
            mask_emails("Write to rita.ruiz@example.org, or ben@mail.example.org."),
            "Write to r•••@example.org, or b•••@mail.example.org."
        );
        assert_eq!(mask_emails("no address @ here"), "no address @ here");
        assert_eq!(mask_emails("a@b"), "a@b");
        assert_eq!(mask_emails("user@localhost."), "user@localhost.");
        assert_eq!(mask_emails("ünï@example.org"), "ü•••@example.org");
    }

    proptest::proptest! {
        #[test]
        fn masking_never_leaves_an_address(local in "[a-z0-9._+-]{1,20}", domain in "[a-z0-9-]{1,12}\\.[a-z]{2,6}", before in "[ a-zA-Z]{0,10}", after in "[ ,;a-z]{0,10}") {
            let address = format!("{local}@{domain}");
            let text = format!("{before}{address}{after}");
            let masked = mask_emails(&text);
            proptest::prop_assert!(!masked.contains(&address), "{text:?} → {masked:?}");
        }
    }
}
