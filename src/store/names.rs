//! File names tkt writes: timeline entries and sanitised attachments.

use crate::domain::text::truncate_bytes;
use chrono::{DateTime, Utc};

/// `<UTC timestamp with ms>-<author>-<short random>.md`: sorts by time,
/// says who, and never collides when two people post in the same second.
pub fn entry_file_name(date: DateTime<Utc>, author: &str) -> String {
    let random = ulid::Ulid::new().random();
    let suffix: String = (0..6)
        .map(|i| {
            let digit = ((random >> (i * 5)) & 31) as usize;
            b"0123456789abcdefghjkmnpqrstvwxyz"[digit] as char
        })
        .collect();
    format!("{}-{author}-{suffix}.md", date.format("%Y%m%dT%H%M%S%.3fZ"))
}

/// The time (to the millisecond) and author key a timeline entry's file
/// name records, if it is one `entry_file_name` could have made.
pub fn parse_entry_file_name(name: &str) -> Option<(DateTime<Utc>, &str)> {
    let rest = name.strip_suffix(".md")?;
    let (stamp, rest) = rest.split_at_checked(STAMP_LEN)?;
    let (author, random) = rest.strip_prefix('-')?.rsplit_once('-')?;
    let random_ok = random.len() == 6
        && random
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
    let at = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S%.3fZ").ok()?;
    (random_ok && stamp.ends_with('Z') && !author.is_empty()).then(|| (at.and_utc(), author))
}

/// `20260331T100200.412Z`
const STAMP_LEN: usize = 20;

/// Turns an untrusted file name into a safe one inside `attachments/`:
/// the last path component only, no control characters, no leading dots,
/// no characters that Windows or shells trip over, at most 100 bytes.
pub fn attachment_name(raw: &str) -> String {
    let base = raw
        .rsplit(['/', '\\'])
        .find(|part| !part.trim().is_empty())
        .unwrap_or("");
    let mut name: String = base
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    while name.contains("..") {
        name = name.replace("..", ".");
    }
    let name = name.trim().trim_start_matches(['.', '-', ' ']);
    let mut name = truncate_bytes(name, 100)
        .trim_end_matches(['.', ' '])
        .to_string();
    if name.is_empty() {
        name = "attachment".to_string();
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn entry_names_sort_by_time() {
        let a = entry_file_name(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap(), "ana");
        let b = entry_file_name(Utc.with_ymd_and_hms(2026, 1, 5, 10, 0, 0).unwrap(), "ana");
        assert!(
            a.starts_with("20260105T090000.000Z-ana-") && a.ends_with(".md"),
            "{a}"
        );
        assert!(a < b);
    }

    #[test]
    fn entry_names_read_back() {
        let at = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let name = entry_file_name(at, "ana-b");
        assert_eq!(parse_entry_file_name(&name), Some((at, "ana-b")));
        for bad in [
            "notes.md",
            "20260105T090000.000Z-ana.md",
            "20260105T090000Z-ana-k3x9q2.md",
            "20260105T090000.000Z--k3x9q2.md",
            "20261305T090000.000Z-ana-k3x9q2.md",
            "20260105T090000.000Z-ana-k3x9q2.md.orig",
        ] {
            assert_eq!(parse_entry_file_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn attachment_names_are_tamed() {
        assert_eq!(attachment_name("scan.pdf"), "scan.pdf");
        assert_eq!(attachment_name("../../etc/passwd"), "passwd");
        assert_eq!(attachment_name("C:\\Users\\x\\photo.png"), "photo.png");
        assert_eq!(attachment_name(".hidden"), "hidden");
        assert_eq!(attachment_name("a\u{1b}[31mred\n.txt"), "a_[31mred_.txt");
        assert_eq!(attachment_name(".."), "attachment");
        assert_eq!(attachment_name("x..y"), "x.y");
        assert_eq!(attachment_name(&"é".repeat(80)).len(), 100);
    }
}
