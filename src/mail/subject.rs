//! A mail subject as a ticket subject: reply and forward prefixes (in the
//! languages mail programs use) and our `[TKT042]` token taken away, one
//! line; and the token itself, read as a folio number.

use crate::domain::model::FolioFormat;

/// Prefixes mail programs put before a subject they answer or forward:
/// English, German (AW, WG), Scandinavian (SV, VS), Dutch (Antw), French
/// (TR), Spanish/Italian (RV, R, I). Compared without case.
const PREFIXES: &[&str] = &[
    "re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "doorst", "tr", "rv", "r", "i", "enc",
];

/// `subject` without reply/forward prefixes and `[PREFIX042]` tokens,
/// whitespace collapsed to single spaces.
pub fn ticket_subject(subject: &str, folio: &FolioFormat) -> String {
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut rest = collapse(subject);
    loop {
        let before = rest.clone();
        rest = collapse(&strip_token(&rest, folio));
        rest = strip_prefix(&rest).trim().to_string();
        if rest == before {
            return rest;
        }
    }
}

/// The folio number in a `[TKT042]` token in the subject, if there is one.
pub fn folio_token(subject: &str, folio: &FolioFormat) -> Option<u64> {
    token_span(subject, folio).map(|(_, _, n)| n)
}

/// Where the first token is (start, end) and its number.
fn token_span(subject: &str, folio: &FolioFormat) -> Option<(usize, usize, u64)> {
    let prefix = folio.prefix.as_str();
    let mut from = 0;
    while let Some(open) = subject[from..].find('[').map(|i| i + from) {
        let inner_start = open + 1;
        let close = subject[inner_start..].find(']').map(|i| i + inner_start)?;
        let inner = subject[inner_start..close].trim();
        let digits = inner
            .get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .map(|_| &inner[prefix.len()..]);
        if let Some(digits) = digits {
            if !digits.is_empty()
                && digits.len() <= 18
                && digits.bytes().all(|b| b.is_ascii_digit())
            {
                if let Ok(n) = digits.parse() {
                    return Some((open, close + 1, n));
                }
            }
        }
        from = inner_start;
    }
    None
}

fn strip_token(subject: &str, folio: &FolioFormat) -> String {
    match token_span(subject, folio) {
        Some((start, end, _)) => format!("{} {}", &subject[..start], &subject[end..]),
        None => subject.to_string(),
    }
}

/// One leading `Re:`, `AW:`, `Fwd[2]:`… taken away.
fn strip_prefix(subject: &str) -> &str {
    let Some((head, tail)) = subject.split_once(':') else {
        return subject;
    };
    let word = head.trim();
    // `Re[2]` and `Re(2)`, as some programs count the round.
    let word = word
        .split_once(['[', '('])
        .filter(|(_, n)| {
            n.trim_end_matches([']', ')'])
                .chars()
                .all(|c| c.is_ascii_digit())
        })
        .map_or(word, |(w, _)| w);
    if PREFIXES.iter().any(|p| word.eq_ignore_ascii_case(p)) {
        tail
    } else {
        subject
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tkt() -> FolioFormat {
        FolioFormat {
            prefix: "TKT".into(),
            digits: 3,
        }
    }

    #[test]
    fn prefixes_and_tokens_go() {
        for (raw, clean) in [
            (
                "RE: [TKT042] Printer on floor 3 jams",
                "Printer on floor 3 jams",
            ),
            ("AW: WG: Re[2]: Scanner\r\n  broken", "Scanner broken"),
            ("Fwd: [tkt7] Re: toner", "toner"),
            ("Re: Re: Re:", ""),
            ("Reading list: March", "Reading list: March"),
            ("[OTHER-12] Question", "[OTHER-12] Question"),
            ("Ticket [TKT042]: still broken", "Ticket : still broken"),
        ] {
            assert_eq!(ticket_subject(raw, &tkt()), clean, "{raw:?}");
        }
    }

    #[test]
    fn the_token_names_a_folio() {
        assert_eq!(folio_token("RE: [TKT042] jams", &tkt()), Some(42));
        assert_eq!(folio_token("[x] [ tkt7 ] hi", &tkt()), Some(7));
        assert_eq!(folio_token("[TKT] [TKT4x] [ABC12]", &tkt()), None);
        assert_eq!(folio_token("[TKT99999999999999999999]", &tkt()), None);
        assert_eq!(folio_token("no token [", &tkt()), None);
    }
}
