//! Reply trimming: what the person wrote, apart from the quoted history and
//! the signature their mail program appended. A ticket thread already holds
//! the history, so repeating it in every entry buries the new words; the cut
//! part is kept (not thrown away) so the importer can still show the full
//! original, collapsed.

/// A mail's text split into the new words and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trimmed {
    /// What the person wrote, without trailing blank lines.
    pub reply: String,
    /// Everything cut away (quoted history, signature, footer), from the
    /// first cut line on; `None` when nothing was cut.
    pub quoted: Option<String>,
}

/// An attribution longer than this is prose, not a mail program's line.
const MAX_ATTRIBUTION: usize = 300;

/// Split `text` at the earliest sign of quoted history or signature: an
/// attribution line ("On …, … wrote:" and its German, French and Spanish
/// forms), an Outlook header block, a "-- " signature delimiter, or a
/// trailing run of quoted lines and mobile footers. When the cut would
/// leave nothing, the whole text is the reply: a mail is never emptied.
pub fn trim_reply(text: &str) -> Trimmed {
    let lines = split_lines(text);
    let marker = first_marker(&lines).unwrap_or(lines.len());
    let cut = trailing_region(&lines[..marker]).unwrap_or(marker);
    let offset = lines.get(cut).map_or(text.len(), |line| line.start);
    let reply = text[..offset].trim_end();
    let quoted = text[offset..].trim_end();
    if reply.trim().is_empty() || quoted.is_empty() {
        return Trimmed {
            reply: text.trim_end().to_string(),
            quoted: None,
        };
    }
    Trimmed {
        reply: reply.to_string(),
        quoted: Some(quoted.to_string()),
    }
}

/// One line of the text and where it starts, so the cut keeps the
/// original bytes (line endings included) on both sides.
struct Line<'a> {
    start: usize,
    text: &'a str,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let body = piece.trim_end_matches('\n').trim_end_matches('\r');
        lines.push(Line { start, text: body });
        start += piece.len();
    }
    lines
}

/// The index of the earliest line that starts quoted history or a
/// signature wherever it appears.
fn first_marker(lines: &[Line]) -> Option<usize> {
    (0..lines.len()).find(|&i| {
        lines[i].text == "-- "
            || is_original_message(lines[i].text)
            || outlook_block(lines, i)
            || attribution_cut(lines, i)
    })
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// From the end, the run of quoted lines, mobile footers and blank lines;
/// returns where its first non-blank line is, if the run has one.
fn trailing_region(lines: &[Line]) -> Option<usize> {
    let mut start = lines.len();
    while start > 0 {
        let line = lines[start - 1].text;
        if !(is_blank(line) || is_quoted(line) || is_mobile_footer(line)) {
            break;
        }
        start -= 1;
    }
    (start..lines.len()).find(|&i| !is_blank(lines[i].text))
}

/// Footers mobile mail programs append under every message.
fn is_mobile_footer(line: &str) -> bool {
    const FOOTERS: [&str; 10] = [
        "sent from my ",
        "sent from outlook",
        "sent from mail for windows",
        "sent from yahoo mail",
        "get outlook for ios",
        "get outlook for android",
        "von meinem iphone gesendet",
        "envoyé de mon iphone",
        "enviado desde mi iphone",
        "sent with proton mail",
    ];
    let line = line.trim().to_lowercase();
    line.len() <= 80 && FOOTERS.iter().any(|footer| line.starts_with(footer))
}

/// "-----Original Message-----" as Outlook writes it, in a few languages.
fn is_original_message(line: &str) -> bool {
    const NAMES: [&str; 4] = [
        "original message",
        "ursprüngliche nachricht",
        "message d'origine",
        "mensaje original",
    ];
    let line = line.trim();
    if !line.starts_with("-----") {
        return false;
    }
    let name = line.trim_matches(|c| c == '-' || c == ' ').to_lowercase();
    NAMES.contains(&name.as_str())
}

/// The key of a "Key: value" header line, lower-cased, with the bold marks
/// an HTML-to-text conversion leaves ("*From:*") removed.
fn header_key(line: &str) -> Option<String> {
    let line = line.trim().trim_start_matches('*');
    let (key, _) = line.split_once(':')?;
    let key = key.trim_end_matches('*').trim();
    let short = !key.is_empty() && key.chars().count() <= 12;
    short.then(|| key.to_lowercase())
}

fn has_key(line: &str, keys: &[&str]) -> bool {
    header_key(line).is_some_and(|key| keys.contains(&key.as_str()))
}

/// Where an Outlook header block cut starts when line `i` is its "From:"
/// line: a "From:" followed within four lines by a date and an addressee
/// or subject. A "______" separator line just above belongs to it.
fn outlook_block(lines: &[Line], i: usize) -> bool {
    const FROM: [&str; 3] = ["from", "von", "de"];
    const SENT: [&str; 6] = ["sent", "date", "gesendet", "datum", "envoyé", "enviado"];
    const TO: [&str; 7] = ["to", "subject", "an", "betreff", "à", "objet", "asunto"];
    if is_separator(lines[i].text) {
        let next = (i + 1..lines.len()).find(|&j| !is_blank(lines[j].text));
        return next.is_some_and(|j| outlook_from(lines, j, &FROM, &SENT, &TO));
    }
    outlook_from(lines, i, &FROM, &SENT, &TO)
}

fn outlook_from(lines: &[Line], i: usize, from: &[&str], sent: &[&str], to: &[&str]) -> bool {
    if !has_key(lines[i].text, from) {
        return false;
    }
    let next = &lines[i + 1..lines.len().min(i + 5)];
    next.iter().any(|l| has_key(l.text, sent)) && next.iter().any(|l| has_key(l.text, to))
}

/// The "________________________________" line Outlook puts above the
/// header block of the message it replies to.
fn is_separator(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 10 && line.chars().all(|c| c == '_')
}

/// Whether line `i` is an attribution (alone, or split over this line and
/// the next as Gmail wraps it) that starts the quoted history. An
/// attribution above interleaved answers ("> question", answer, "> next
/// question", answer) introduces quotes the person replied to, so it is no
/// cut there: only a trailing quoted block will be.
fn attribution_cut(lines: &[Line], i: usize) -> bool {
    let line = lines[i].text;
    if is_blank(line) || is_quoted(line) {
        return false;
    }
    let last = if is_attribution(line) {
        i
    } else if lines
        .get(i + 1)
        .is_some_and(|next| is_attribution(&format!("{} {}", line.trim(), next.text.trim())))
    {
        i + 1
    } else {
        return false;
    };
    !interleaved_after(&lines[last + 1..])
}

/// Whether the lines after an attribution are quotes with the person's own
/// answers between them rather than one quoted block.
fn interleaved_after(lines: &[Line]) -> bool {
    let Some(first) = lines.iter().position(|l| !is_blank(l.text)) else {
        return false;
    };
    if !is_quoted(lines[first].text) {
        return false;
    }
    for line in &lines[first..] {
        if line.text == "-- " || is_mobile_footer(line.text) {
            return false;
        }
        if !is_blank(line.text) && !is_quoted(line.text) {
            return true;
        }
    }
    false
}

/// "On <date>, <name> wrote:" and its common translations, whole.
fn is_attribution(line: &str) -> bool {
    let line = line.trim().replace('\u{a0}', " ");
    if line.len() > MAX_ATTRIBUTION {
        return false;
    }
    (line.starts_with("On ") && line.ends_with("wrote:"))
        || (line.starts_with("Am ") && line.contains(" schrieb") && line.ends_with(':'))
        || (line.starts_with("Le ") && (line.ends_with("a écrit :") || line.ends_with("a écrit:")))
        || (line.starts_with("El ") && line.ends_with("escribió:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(text: &str) -> (String, Option<String>) {
        let t = trim_reply(text);
        (t.reply, t.quoted)
    }

    #[test]
    fn gmail_attribution_split_over_two_lines_cuts_the_quote() {
        let text = "Thanks, that fixed it.\n\nOn Wed, Mar 11, 2026 at 8:30 AM Amélie Tremblay <\namelie@gmail.com> wrote:\n\n> The VPN does not connect.\n> Merci\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Thanks, that fixed it.");
        assert_eq!(
            quoted.as_deref(),
            Some("On Wed, Mar 11, 2026 at 8:30 AM Amélie Tremblay <\namelie@gmail.com> wrote:\n\n> The VPN does not connect.\n> Merci")
        );
    }

    #[test]
    fn gmail_attribution_on_one_line() {
        let text = "Yes, floor 3.\n\nOn Tue, Mar 10, 2026 at 4:02 PM Helpdesk <help@x> wrote:\n> Which floor?\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Yes, floor 3.");
        assert!(quoted.unwrap().starts_with("On Tue"));
    }

    #[test]
    fn outlook_original_message_line_cuts() {
        let text = "Still broken.\r\n\r\n-----Original Message-----\r\nFrom: Helpdesk <help@x>\r\nSent: Monday\r\nSubject: Printer\r\n\r\nDoes it persist?\r\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Still broken.");
        assert_eq!(
            quoted.as_deref(),
            Some("-----Original Message-----\r\nFrom: Helpdesk <help@x>\r\nSent: Monday\r\nSubject: Printer\r\n\r\nDoes it persist?")
        );
    }

    #[test]
    fn outlook_header_block_with_separator_cuts_at_the_separator() {
        let text = "Works now.\n\n________________________________\nFrom: Helpdesk <help@x>\nSent: Monday, March 9, 2026 4:02 PM\nTo: Ana <ana@x>\nSubject: Printer\n\nDoes it persist?\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Works now.");
        assert!(quoted
            .unwrap()
            .starts_with("________________________________\nFrom: Helpdesk"));
    }

    #[test]
    fn outlook_header_block_without_separator_cuts_at_from() {
        let text = "Works now.\n\nFrom: Helpdesk <help@x>\nDate: Monday, March 9, 2026\nSubject: Printer\n\nOld text\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Works now.");
        assert!(quoted.unwrap().starts_with("From: Helpdesk"));
    }

    #[test]
    fn a_from_line_alone_is_not_a_header_block() {
        let text = "From: the third floor\nThe printer jams.\n";
        assert_eq!(trimmed(text), (text.trim_end().to_string(), None));
    }

    #[test]
    fn apple_mail_attribution_cuts() {
        let text = "Here is the photo.\n\n> On 2 Dec 2026, at 09:14, Ana <ana@x> wrote:\n> \n> Can you send a photo?\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Here is the photo.");
        assert!(quoted.unwrap().starts_with("> On 2 Dec 2026"));
        let unquoted = "Here is the photo.\n\nOn 2 Dec 2026, at 09:14, Ana <ana@x> wrote:\n\n> Can you send a photo?\n";
        let (reply, quoted) = trimmed(unquoted);
        assert_eq!(reply, "Here is the photo.");
        assert!(quoted
            .unwrap()
            .starts_with("On 2 Dec 2026, at 09:14, Ana <ana@x> wrote:"));
    }

    #[test]
    fn german_attribution_cuts() {
        let text = "Danke, geht wieder.\n\nAm 10.03.2026 um 16:02 schrieb Helpdesk <help@x>:\n> Geht es jetzt?\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Danke, geht wieder.");
        assert!(quoted.unwrap().starts_with("Am 10.03.2026"));
    }

    #[test]
    fn french_attribution_with_a_no_break_space_cuts() {
        let text = "Merci, ça marche.\n\nLe mar. 10 mars 2026 à 16:02, Helpdesk <help@x> a écrit\u{a0}:\n> Est-ce réglé ?\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Merci, ça marche.");
        assert!(quoted.unwrap().starts_with("Le mar. 10 mars"));
    }

    #[test]
    fn spanish_attribution_cuts() {
        let text = "Gracias.\n\nEl mar, 10 mar 2026 a las 16:02, Helpdesk (<help@x>) escribió:\n> ¿Funciona?\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Gracias.");
        assert!(quoted.unwrap().starts_with("El mar"));
    }

    #[test]
    fn signature_delimiter_cuts_the_signature() {
        let text = "The printer jams.\n\n-- \nAna Lima\nIT, floor 3\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "The printer jams.");
        assert_eq!(quoted.as_deref(), Some("-- \nAna Lima\nIT, floor 3"));
        let no_space = "The printer jams.\n--\nAna\n";
        assert_eq!(trimmed(no_space), (no_space.trim_end().to_string(), None));
    }

    #[test]
    fn mobile_footers_at_the_end_are_cut() {
        for footer in [
            "Sent from my iPhone",
            "Get Outlook for Android",
            "Sent from my Galaxy",
        ] {
            let text = format!("On my way.\n\n{footer}\n");
            let (reply, quoted) = trimmed(&text);
            assert_eq!(reply, "On my way.");
            assert_eq!(quoted.as_deref(), Some(footer));
        }
    }

    #[test]
    fn mobile_footer_before_an_attribution_is_cut_too() {
        let text = "Yes.\n\nGet Outlook for iOS\n\nOn Mon, Ana <ana@x> wrote:\n> Done?\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Yes.");
        assert!(quoted.unwrap().starts_with("Get Outlook for iOS\n\nOn Mon"));
    }

    #[test]
    fn a_footer_phrase_within_the_text_stays() {
        let text = "Sent from my iPhone, the photo is blurred.\nI will send another.\n";
        assert_eq!(trimmed(text), (text.trim_end().to_string(), None));
    }

    #[test]
    fn inline_interleaved_quotes_are_kept_and_the_trailing_block_cut() {
        let text = "Hi,\n\nOn Mon, Ana <ana@x> wrote:\n> Which floor?\nThe third.\n\n> Which printer?\nThe one by the window.\n\n> Thanks,\n> Ana\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(
            reply,
            "Hi,\n\nOn Mon, Ana <ana@x> wrote:\n> Which floor?\nThe third.\n\n> Which printer?\nThe one by the window."
        );
        assert_eq!(quoted.as_deref(), Some("> Thanks,\n> Ana"));
    }

    #[test]
    fn a_trailing_quoted_block_without_attribution_is_cut() {
        let text = "Done.\n\n> Please restart it.\n>\n> Helpdesk\n\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Done.");
        assert_eq!(
            quoted.as_deref(),
            Some("> Please restart it.\n>\n> Helpdesk")
        );
    }

    #[test]
    fn nothing_to_trim_leaves_quoted_none() {
        let text = "The printer on floor 3 jams.\nSince Monday.\n\n\n";
        assert_eq!(
            trim_reply(text),
            Trimmed {
                reply: "The printer on floor 3 jams.\nSince Monday.".to_string(),
                quoted: None
            }
        );
    }

    #[test]
    fn an_all_quoted_mail_is_kept_whole() {
        let text = "> Please restart it.\n> Helpdesk\n";
        assert_eq!(trimmed(text), (text.trim_end().to_string(), None));
    }

    #[test]
    fn a_forward_with_only_headers_is_kept_whole() {
        let text = "-----Original Message-----\nFrom: Vendor <b@v>\nSent: Monday\nTo: Olga\nSubject: Licence\n\nYour licence expires.\n";
        assert_eq!(trimmed(text), (text.trim_end().to_string(), None));
    }

    #[test]
    fn the_earliest_marker_wins() {
        let text = "Fixed.\n-- \nAna\n\n-----Original Message-----\nFrom: x\n";
        let (reply, quoted) = trimmed(text);
        assert_eq!(reply, "Fixed.");
        assert!(quoted.unwrap().starts_with("-- \nAna\n\n-----Original"));
    }
}
