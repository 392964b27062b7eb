//! HTML mail bodies as plain text, for HTML-only messages. html2text does
//! the layout (paragraphs, line breaks, lists, entities, dropping scripts
//! and styles); the decorator here decides how links and list items read.

use html2text::render::TextDecorator;

/// Wide enough that no ordinary paragraph is wrapped: the text becomes
/// ticket Markdown, where hard line breaks inside a paragraph are noise.
const NO_WRAP: usize = 10_000;

/// The readable text of an HTML body: links as "text (url)", list items
/// as "- ", no emphasis markers. An HTML document html2text cannot lay
/// out yields `None` and the caller falls back to nothing better.
pub(crate) fn to_text(html: &str) -> Option<String> {
    let text = html2text::config::with_decorator(MailDecorator::default())
        .string_from_read(html.as_bytes(), NO_WRAP)
        .ok()?;
    Some(tidy(&text))
}

/// Trailing spaces off every line and no run of more than one blank line.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().map(str::trim_end) {
        blank = if line.is_empty() { blank + 1 } else { 0 };
        if blank < 2 {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim().to_string()
}

/// Plain text decorations. Link targets are kept next to their text
/// because a requester's "click here" means nothing without the address.
#[derive(Clone, Default)]
struct MailDecorator {
    /// Targets of the links being rendered, innermost last.
    links: Vec<String>,
}

impl TextDecorator for MailDecorator {
    type Annotation = ();

    fn decorate_link_start(&mut self, url: &str) -> (String, ()) {
        self.links.push(url.to_string());
        (String::new(), ())
    }

    fn decorate_link_end(&mut self) -> String {
        match self.links.pop() {
            Some(url) if is_shown_link(&url) => format!(" ({url})"),
            _ => String::new(),
        }
    }

    fn decorate_em_start(&self) -> (String, ()) {
        (String::new(), ())
    }

    fn decorate_em_end(&self) -> String {
        String::new()
    }

    fn decorate_strong_start(&self) -> (String, ()) {
        (String::new(), ())
    }

    fn decorate_strong_end(&self) -> String {
        String::new()
    }

    fn decorate_strikeout_start(&self) -> (String, ()) {
        (String::new(), ())
    }

    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }

    fn decorate_code_start(&self) -> (String, ()) {
        (String::new(), ())
    }

    fn decorate_code_end(&self) -> String {
        String::new()
    }

    fn decorate_preformat_first(&self) {}

    fn decorate_preformat_cont(&self) {}

    fn decorate_image(&mut self, _src: &str, title: &str) -> (String, ()) {
        (title.to_string(), ())
    }

    fn header_prefix(&self, _level: usize) -> String {
        String::new()
    }

    fn quote_prefix(&self) -> String {
        "> ".to_string()
    }

    fn unordered_item_prefix(&self) -> String {
        "- ".to_string()
    }

    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }

    fn make_subblock_decorator(&self) -> Self {
        MailDecorator::default()
    }
}

/// In-page anchors and `cid:` images add nothing a reader can follow.
fn is_shown_link(url: &str) -> bool {
    !url.is_empty() && !url.starts_with('#') && !url.starts_with("cid:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_links_and_entities_read_as_plain_text() {
        let html = "<html><head><style>p{color:red}</style><script>alert(1)</script></head>\
            <body><p>Hello&nbsp;there &amp; welcome</p><p>Line one<br>Line two</p>\
            <ul><li>first</li><li>second</li></ul>\
            <p>See <a href=\"https://example.org/kb\">the guide</a>.</p></body></html>";
        let text = to_text(html).unwrap();
        assert!(
            text.contains("Hello\u{a0}there & welcome") || text.contains("Hello there & welcome"),
            "{text}"
        );
        assert!(text.contains("Line one\nLine two"), "{text}");
        assert!(text.contains("- first\n- second"), "{text}");
        assert!(
            text.contains("the guide (https://example.org/kb)"),
            "{text}"
        );
        assert!(!text.contains("alert"), "{text}");
        assert!(!text.contains("color"), "{text}");
    }

    #[test]
    fn anchors_and_cid_links_are_not_spelled_out() {
        assert!(!is_shown_link("#top"));
        assert!(!is_shown_link("cid:logo@x"));
        assert!(is_shown_link("mailto:a@b.example"));
    }

    #[test]
    fn blank_runs_collapse_and_trailing_spaces_go() {
        assert_eq!(tidy("a  \n\n\n\nb \n"), "a\n\nb");
    }
}
