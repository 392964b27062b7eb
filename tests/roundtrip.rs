//! Property test: any text in front-matter fields and bodies survives a
//! write and a read unchanged.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;
use tkt::domain::frontmatter;
use tkt::domain::model::{Action, Priority, Status, Ticket};

fn ticket(
    subject: String,
    related: String,
    tag: String,
    field: String,
    description: String,
    solution: String,
) -> Ticket {
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).unwrap();
    Ticket {
        id: "TKT042".into(),
        uid: "01JNZ0000000000000000000AA".into(),
        subject,
        status: Status::Resolved,
        priority: Priority::High,
        category: "technical".into(),
        requester: "rita".into(),
        assignee: Some("ana".into()),
        created: t0,
        updated: t0,
        related: Some(related),
        tags: vec![tag.clone()],
        fields: BTreeMap::from([(field.clone(), field)]),
        confidential: true,
        attachments: vec![tag.clone()],
        actions: vec![Action {
            text: tag,
            done: true,
            who: Some("ana".into()),
            when: Some(t0),
        }],
        solution: Some(solution),
        escalated: false,
        faq: None,
        follow_up: None,
        mail: None,
        description,
    }
}

/// Bodies are stored trimmed at the end (trailing whitespace carries no
/// meaning in Markdown) and without a leading blank line.
fn normal_body(s: &str) -> String {
    s.strip_prefix('\n').unwrap_or(s).trim_end().to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn ticket_front_matter_round_trips(
        subject in any::<String>(),
        related in any::<String>(),
        tag in any::<String>(),
        field in any::<String>(),
        description in any::<String>(),
        solution in any::<String>(),
    ) {
        let original = ticket(subject, related, tag, field, description, solution);
        let text = frontmatter::join(&original, &original.description).unwrap();
        let (mut parsed, body): (Ticket, String) = frontmatter::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        parsed.description = body;
        let expected = Ticket { description: normal_body(&original.description), ..original };
        prop_assert_eq!(parsed, expected);
    }

    #[test]
    fn tricky_strings_round_trip(
        s in prop::collection::vec(prop_oneof![
            Just("---".to_string()), Just("\n".to_string()), Just(": ".to_string()), Just("\"".to_string()),
            Just("'".to_string()), Just("#".to_string()), Just("- ".to_string()), Just("|".to_string()),
            Just(">".to_string()), Just("  ".to_string()), Just("\t".to_string()), Just("null".to_string()),
            Just("~".to_string()), Just("yes".to_string()), Just("0x1F".to_string()), Just("1e3".to_string()),
            Just("{a: b}".to_string()), Just("[x]".to_string()), Just("&a *a !tag %".to_string()),
            Just("\u{feff}".to_string()), Just("\r\n".to_string()), Just("é中🎉".to_string()), Just("<<<<<<< x".to_string()),
            "[a-z]{1,3}",
        ], 0..12).prop_map(|v| v.concat()),
    ) {
        let original = ticket(s.clone(), s.clone(), s.clone(), s.clone(), "body".into(), s.clone());
        let text = frontmatter::join(&original, "body").unwrap();
        let parsed: Result<(Ticket, String), _> = frontmatter::parse(&text);
        match parsed {
            Ok((mut parsed, body)) => {
                parsed.description = body;
                prop_assert_eq!(parsed, Ticket { description: "body".into(), ..original });
            }
            // A value that is itself a conflict marker line is refused by design.
            Err(e) => prop_assert!(e.message.contains("conflict marker"), "{e}\n{text}"),
        }
    }
}
