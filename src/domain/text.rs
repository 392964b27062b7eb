//! Small text helpers shared by the core and the edges.

/// The longest prefix of `text` of at most `max` bytes that ends on a
/// character boundary: for limits on file names and indexed text that must
/// never split a UTF-8 character.
/// The longest text a ticket description, reply, note or article body may
/// be: 1 MiB, hundreds of pages. Larger content belongs in an attachment;
/// every front end reads through this limit, so no input fills memory.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// Refuses a text longer than [`MAX_TEXT_BYTES`].
pub fn within_limit(
    field: &'static str,
    text: &str,
) -> Result<(), crate::domain::refusal::Refusal> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(crate::domain::refusal::Refusal::invalid(
            field,
            format!(
                "the {field} is {} KiB; texts may be at most {} KiB; attach large content as a file instead",
                text.len() / 1024,
                MAX_TEXT_BYTES / 1024
            ),
        ));
    }
    Ok(())
}

pub fn truncate_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A moment as it is written in the files (`2026-03-31T09:15:00Z`), for
/// messages that name a value to fix.
pub fn iso_utc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A moment as people read it everywhere in tkt: "2026-03-31 09:15 UTC".
pub fn utc_stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The text with its first letter in upper case: "first response" →
/// "First response".
/// A CSV cell a spreadsheet will not run as a formula: text that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
/// (OWASP's advice against CSV injection). Every cell tkt writes goes
/// through this: subjects and names come from untrusted people.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Text safe between HTML tags and inside double-quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Plain text of a Markdown fragment, for search snippets and summaries.
pub fn markdown_plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in pulldown_cmark::Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_defused() {
        for formula in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"] {
            assert_eq!(super::csv_safe(formula), format!("'{formula}"));
        }
        for plain in [
            "Scanner jams",
            "2026-12-01T10:00:00+00:00",
            "",
            "a=b",
            "TKT001",
        ] {
            assert_eq!(super::csv_safe(plain), plain);
        }
    }

    use super::*;

    #[test]
    fn texts_over_the_limit_are_refused_naming_the_field() {
        assert!(within_limit("body", &"x".repeat(MAX_TEXT_BYTES)).is_ok());
        let refusal = within_limit("body", &"x".repeat(MAX_TEXT_BYTES + 1)).unwrap_err();
        assert!(
            refusal.message.contains("at most 1024 KiB"),
            "{}",
            refusal.message
        );
    }

    #[test]
    fn never_splits_a_character() {
        assert_eq!(truncate_bytes("abc", 10), "abc");
        assert_eq!(truncate_bytes("abc", 2), "ab");
        assert_eq!(truncate_bytes("aé", 2), "a");
        assert_eq!(truncate_bytes("é", 0), "");
    }
    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            markdown_plain_text("# Title\n\nSome *bold* `code`."),
            "Title Some bold code."
        );
    }
}
