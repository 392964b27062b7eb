//! tkt's own `Message-ID`s. Every mail tkt sends about a ticket carries an
//! id that names the ticket's `uid` (which never changes, unlike a folio
//! that a sync may renumber), so a reply's `In-Reply-To`/`References`
//! lead back to the ticket without any index, and tkt can tell its own
//! mail coming back (a loop) from a person's.

/// Our id (without angle brackets) for mail `part` of ticket `uid`:
/// `tkt.<uid>.<part>@<domain>`. `part` names the mail within the ticket
/// (a timeline entry's file stem, `ack`, …); characters outside
/// `[A-Za-z0-9._-]` become `-`.
pub fn ticket_message_id(uid: &str, part: &str, domain: &str) -> String {
    format!("tkt.{}.{}@{domain}", clean(uid), clean(part))
}

/// Our id for mail about no single ticket (a digest, a refusal).
pub fn other_message_id(part: &str, domain: &str) -> String {
    format!("tkt.x.{}@{domain}", clean(part))
}

/// Whether `id` (with or without angle brackets) is one tkt made for
/// `domain`.
pub fn is_ours(id: &str, domain: &str) -> bool {
    split(id, domain).is_some()
}

/// The ticket `uid` one of our ids names, if it names one.
pub fn ticket_uid_of<'a>(id: &'a str, domain: &str) -> Option<&'a str> {
    let (uid, _) = split(id, domain)?;
    (uid != "x").then_some(uid)
}

fn split<'a>(id: &'a str, domain: &str) -> Option<(&'a str, &'a str)> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, host) = id.rsplit_once('@')?;
    if domain.is_empty() || !host.eq_ignore_ascii_case(domain) {
        return None;
    }
    let rest = local.strip_prefix("tkt.")?;
    let (uid, part) = rest.split_once('.')?;
    (!uid.is_empty() && !part.is_empty()).then_some((uid, part))
}

fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_ids_name_the_ticket_and_are_recognised() {
        let id = ticket_message_id("01JGXYZ", "20260105T090000.123Z-ana-abc123", "example.org");
        assert_eq!(
            id,
            "tkt.01JGXYZ.20260105T090000.123Z-ana-abc123@example.org"
        );
        assert_eq!(
            ticket_uid_of(&format!("<{id}>"), "example.org"),
            Some("01JGXYZ")
        );
        assert_eq!(ticket_uid_of(&id, "EXAMPLE.org"), Some("01JGXYZ"));
        assert!(!is_ours(&id, "other.org"));
        assert!(!is_ours("CAF123@mail.gmail.com", "example.org"));
        let digest = other_message_id("digest ana 2026", "example.org");
        assert!(is_ours(&digest, "example.org"));
        assert_eq!(ticket_uid_of(&digest, "example.org"), None);
        assert!(!digest.contains(' '));
    }
}
