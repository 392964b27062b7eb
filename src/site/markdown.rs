//! Markdown to safe HTML. Ticket text is untrusted (it will arrive by email
//! and web forms), so every fragment is rendered by pulldown-cmark and then
//! cleaned by ammonia's allow-list before it reaches a page.
//!
//! Raw HTML in the Markdown is never markup: it is shown as the text it is.
//! A requester asking "why does the page break when I type <script> into
//! the name box?" must see every word of the question, and a sanitiser
//! that drops what it does not allow dropped the rest of the paragraph.

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

static SANITISER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    b.add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .set_tag_attribute_value("input", "disabled", "")
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        // Content links cannot know where pages live in the site; only
        // in-page links (footnotes) stay, pointed at the prefixed ids.
        .url_relative(UrlRelative::Custom(Box::new(in_page_link)))
        // Footnote targets keep their ids, prefixed so content can never
        // take over an id the site's own pages or scripts use.
        .add_generic_attributes(["id"])
        .id_prefix(Some("md-"))
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") if value != "checkbox" => None,
            // Remote images would load at view time: a tracking pixel in a
            // hostile email, and a network request the site promises not to make.
            ("img", "src") => None,
            _ => Some(Cow::Borrowed(value)),
        });
    b
});

fn in_page_link(url: &str) -> Option<Cow<'_, str>> {
    let fragment = url.strip_prefix('#')?;
    Some(Cow::Owned(format!("#md-{fragment}")))
}

/// Renders Markdown (tables, task lists, footnotes, strikethrough) to
/// sanitised HTML.
pub fn render(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    let events = raw_html_as_text(Parser::new_ext(markdown, options));
    html::push_html(&mut unsafe_html, bounded_nesting(events));
    SANITISER.clean(&unsafe_html).to_string()
}

/// Elements nested deeper than this are left out, their text kept: the
/// HTML parser behind the sanitiser slows down with the square of the
/// depth (10,000 nested lists, one line of `- - - …`, took seconds), and
/// nobody reads a quote in a list in a quote forty levels down.
const MAX_DEPTH: usize = 32;

/// The events with every element deeper than `MAX_DEPTH` left out; where
/// a block ends down there a line break keeps its words apart.
fn bounded_nesting<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut depth = 0usize;
    events.filter_map(move |event| match event {
        Event::Start(_) => {
            depth += 1;
            (depth <= MAX_DEPTH).then_some(event)
        }
        Event::End(end) => {
            depth -= 1;
            if depth < MAX_DEPTH {
                Some(Event::End(end))
            } else if matches!(
                end,
                TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
                    | TagEnd::Superscript
                    | TagEnd::Subscript
                    | TagEnd::Link
                    | TagEnd::Image
            ) {
                None
            } else {
                Some(Event::SoftBreak)
            }
        }
        other => Some(other),
    })
}

/// Markdown events with raw HTML turned into text, which the HTML writer
/// escapes. An HTML block becomes a paragraph keeping its line breaks.
struct RawHtmlAsText<'a, I> {
    events: I,
    /// Inside an HTML block, and whether a line of it was given yet.
    in_block: bool,
    block_started: bool,
    /// A line of an HTML block, handed out after the break before it.
    pending: Option<Event<'a>>,
}

fn raw_html_as_text<'a, I: Iterator<Item = Event<'a>>>(events: I) -> RawHtmlAsText<'a, I> {
    RawHtmlAsText {
        events,
        in_block: false,
        block_started: false,
        pending: None,
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for RawHtmlAsText<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.pending.take() {
            return Some(event);
        }
        Some(match self.events.next()? {
            Event::Start(Tag::HtmlBlock) => {
                self.in_block = true;
                self.block_started = false;
                Event::Start(Tag::Paragraph)
            }
            Event::End(TagEnd::HtmlBlock) => {
                self.in_block = false;
                Event::End(TagEnd::Paragraph)
            }
            Event::Html(line) if self.in_block => {
                let text = Event::Text(CowStr::from(
                    line.trim_end_matches(['\n', '\r']).to_string(),
                ));
                if std::mem::replace(&mut self.block_started, true) {
                    self.pending = Some(text);
                    Event::HardBreak
                } else {
                    text
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_features() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ note[^1]\n\n[^1]: foot");
        assert!(html.contains("<table>"), "{html}");
        let checked = html
            .split("<input")
            .nth(1)
            .unwrap_or("")
            .split('>')
            .next()
            .unwrap_or("");
        for attribute in [r#"type="checkbox""#, r#"checked="""#, r#"disabled="""#] {
            assert!(checked.contains(attribute), "{html}");
        }
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(
            html.contains(r##"href="#md-1""##) && html.contains(r#"id="md-1""#),
            "{html}"
        );
    }

    /// The tags of rendered HTML. Every `<` the renderer means as text is
    /// written `&lt;`, so each `<` starts a real element.
    fn tags(html: &str) -> Vec<String> {
        html.split('<')
            .skip(1)
            .map(|rest| rest.split('>').next().unwrap_or("").to_ascii_lowercase())
            .collect()
    }

    /// The HTML as the text a reader sees: tags dropped, entities decoded.
    fn text(html: &str) -> String {
        let mut out = String::new();
        for (i, part) in html.split('<').enumerate() {
            out.push_str(if i == 0 {
                part
            } else {
                part.split_once('>').map_or("", |(_, t)| t)
            });
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    /// Asserts that nothing in `html` can run: no element but harmless
    /// formatting ones, no event handler, no `javascript:` address.
    fn assert_inert(source: &str, html: &str) {
        const ALLOWED: &[&str] = &[
            "p",
            "br",
            "em",
            "strong",
            "del",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "a",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "input",
            "sup",
            "section",
            "div",
            "img",
        ];
        for tag in tags(html) {
            let tag = tag.trim_start_matches('/');
            let name = tag.split([' ', '/']).next().unwrap_or("");
            assert!(
                ALLOWED.contains(&name),
                "{source:?} gave <{tag}> in {html:?}"
            );
            for attribute in tag.split_whitespace().skip(1) {
                assert!(!attribute.starts_with("on"), "{source:?} gave <{tag}>");
                assert!(
                    !attribute.contains("javascript:"),
                    "{source:?} gave <{tag}>"
                );
                assert!(!attribute.starts_with("src="), "{source:?} gave <{tag}>");
                assert!(
                    !attribute.starts_with("type=") || attribute == "type=\"checkbox\"",
                    "{source:?} gave <{tag}>"
                );
            }
        }
    }

    #[test]
    fn hostile_markup_is_inert_and_shown_as_text() {
        let cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "</textarea><svg onload=alert(1)>",
            "<iframe src=https://evil.example></iframe>",
            "<input type=text value=x onfocus=alert(1) autofocus>",
            "Some <b onmouseover=alert(1)>bold</b> words",
        ];
        for case in cases {
            let html = render(case);
            assert_inert(case, &html);
            assert_eq!(text(&html).trim(), case, "shown as written: {html:?}");
        }
        let link = render("[x](javascript:alert(1))");
        assert_inert("link", &link);
        assert_eq!(text(&link).trim(), "x");
        let pixel = render("![pixel](https://tracker.example/p.gif)");
        assert_inert("image", &pixel);
        assert!(
            !pixel.contains("tracker.example") && pixel.contains(r#"alt="pixel""#),
            "{pixel}"
        );
    }

    #[test]
    fn a_question_about_a_tag_keeps_every_word() {
        let question = "Why does the page break when I type <script> into the name box?\n\n\
                        It also happens with <b>.\n\n<div>\nA block\n</div>\n\nThanks.";
        let html = render(question);
        assert_inert(question, &html);
        let shown = text(&html);
        for words in [
            "Why does the page break when I type <script> into the name box?",
            "It also happens with <b>.",
            "<div>",
            "A block",
            "</div>",
            "Thanks.",
        ] {
            assert!(shown.contains(words), "{words:?} missing from {html:?}");
        }
        assert!(
            html.contains("<p>&lt;div&gt;<br>\nA block<br>\n&lt;/div&gt;</p>"),
            "an HTML block is a paragraph of its lines: {html}"
        );
    }

    /// Deep nesting and long words: the depth of anything recursive must
    /// not grow with the input (a test thread has a 2 MiB stack, like the
    /// build's worker threads).
    #[test]
    fn deep_nesting_and_long_words_render() {
        let long = "x".repeat(100_000);
        let cases = [
            format!("{} quoted", ">".repeat(10_000)),
            format!("{} listed", "- ".repeat(10_000)),
            format!("{} numbered", "1. ".repeat(5_000)),
            format!("{}link{}", "[".repeat(10_000), "]".repeat(10_000)),
            format!("{}em{}", "*".repeat(10_000), "*".repeat(10_000)),
            format!("{} tags", "<div>".repeat(10_000)),
            format!("word {long} word"),
            format!("# {long}\n\n| {long} |\n|---|\n| {long} |"),
        ];
        for case in &cases {
            let html = render(case);
            assert_inert(&case[..40], &html);
        }
        let quoted = render(&cases[0]);
        assert!(quoted.contains("quoted"));
        assert_eq!(quoted.matches("<blockquote>").count(), MAX_DEPTH);
        let listed = render(&cases[1]);
        assert!(listed.contains("listed"));
        assert!(listed.matches("<ul>").count() <= MAX_DEPTH);
        assert!(render(&cases[6]).contains(&long));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Pieces of Markdown and HTML that nest, link, emphasise or try
        /// to run something. They never form a link destination, a code
        /// fence's info string or a reference definition, which take words
        /// out of the text on purpose.
        const PIECES: &[&str] = &[
            ">",
            "> > >",
            "-",
            "- - -",
            "1.",
            "*",
            "**",
            "_",
            "~~",
            "`",
            "[",
            "]",
            "(",
            ")",
            "#",
            "|",
            "---",
            "\n",
            "\n\n",
            "    ",
            "<script>",
            "</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=javascript:alert(1)>",
            "</a>",
            "<svg onload=alert(1)>",
            "<div>",
            "<!--",
            "-->",
            "&",
            "&lt;",
            "javascript:alert(1)",
            "<https://example.org>",
            "[^1]",
        ];

        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                4 => proptest::sample::select(PIECES).prop_map(str::to_string),
                // Repeated: deep nesting. Not "`" or "~~", whose runs open
                // a code fence with the next word as its info string.
                1 => (1usize..200, proptest::sample::select(PIECES))
                    .prop_filter("no fences", |(_, p)| !["`", "~~"].contains(p))
                    .prop_map(|(n, p)| p.repeat(n)),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            /// Whatever the input, rendering ends, nothing in the output
            /// can run, and every word of it is still there to read.
            #[test]
            fn markdown_renders_inert_and_keeps_words(
                parts in proptest::collection::vec((piece(), 0usize..3), 1..60),
                long in 0usize..30_000,
            ) {
                let mut source = String::new();
                let mut words = Vec::new();
                for (i, (piece, word)) in parts.iter().enumerate() {
                    source.push_str(piece);
                    source.push(' ');
                    if *word > 0 {
                        let w = if i == 0 { format!("w{i}{}", "y".repeat(long)) } else { format!("w{i}z") };
                        source.push_str(&w);
                        source.push(' ');
                        words.push(w);
                    }
                }
                let html = render(&source);
                assert_inert(&source, &html);
                let shown = text(&html);
                for w in &words {
                    prop_assert!(shown.contains(w.as_str()), "{w} missing: {source:?} gave {html:?}");
                }
            }
        }
    }
}
